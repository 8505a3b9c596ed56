//! Cross-border case transfer with two servers on loopback: Romania's deployment (the backend
//! under test) sends an unaccompanied boy's case to Poland's (SQLite). Poland is down at first;
//! the package is retried until delivered, never stored twice; a tampered package is refused;
//! Poland's coordinator sees the expected arrival, accepts, and Romania's case closes as
//! transferred when the answer comes back. The same package carried as a file is taken once.

use axum::http::StatusCode;
use bluedot_core::policy::{Role, Scope};
use bluedot_core::transfer::TransferStatus;
use bluedot_store::Store;
use bluedot_store::crypto::KeyRing;
use bluedot_store::package::{Partner, TransferKeys};
use bluedot_web::exchange::{Exchange, Ingested, deliver_due, ingest};
use bluedot_web::{AppState, WebConfig};
use chrono::{Duration, Utc};

use crate::on_both_backends;
use crate::staff::{account_signed_in, between, csrf_of, encode, send, version_of};

/// The fields that confirm the package a preview showed.
fn confirmation(preview: &str) -> String {
    format!(
        "&confirm=1&prepared={}&digest={}",
        encode(between(preview, "name=\"prepared\" value=\"", "\"")),
        between(preview, "name=\"digest\" value=\"", "\"")
    )
}

fn router(store: &Store, keys: &KeyRing, exchange: Exchange) -> axum::Router {
    bluedot_web::router(
        AppState::new(store.clone(), WebConfig::default())
            .with_keys(keys.clone())
            .with_exchange(exchange),
    )
}

/// Serves `app` on a loopback port (or `port`, once it is free); returns the port.
async fn serve_on(app: axum::Router, port: u16) -> u16 {
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
        .await
        .unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        axum::serve(
            listener,
            app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
        )
        .await
        .unwrap();
    });
    port
}

async fn post_package(port: u16, bytes: Vec<u8>) -> (u16, String) {
    let res = reqwest::Client::new()
        .post(format!("http://127.0.0.1:{port}/api/transfers"))
        .body(bytes)
        .send()
        .await
        .unwrap();
    (res.status().as_u16(), res.text().await.unwrap())
}

#[tokio::test]
async fn a_case_crosses_the_border_through_a_receiver_that_was_down() {
    on_both_backends!(async |ro_store: Store, backend: &str, _url: String| {
        let pl_db = crate::support::sqlite().await;
        let pl_store = pl_db.store.clone();
        bluedot_cli::load_demo(&ro_store).await.unwrap();
        bluedot_cli::load_demo(&pl_store).await.unwrap();
        let ro_keys = KeyRing::parse(&KeyRing::generate_spec("ro1")).unwrap();
        let pl_keys = KeyRing::parse(&KeyRing::generate_spec("pl1")).unwrap();
        let ro_secret = TransferKeys::generate_secret();
        let pl_secret = TransferKeys::generate_secret();
        let ro_public = TransferKeys::from_secret("RO", &ro_secret)
            .unwrap()
            .public_key();
        let pl_public = TransferKeys::from_secret("PL", &pl_secret)
            .unwrap()
            .public_key();

        // Poland's port is chosen now but nothing listens there yet: the receiver is down.
        let pl_port = {
            let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            l.local_addr().unwrap().port()
        };
        let ro_exchange = || {
            Exchange::new(
                TransferKeys::from_secret("RO", &ro_secret).unwrap(),
                vec![Partner {
                    id: "PL".into(),
                    url: format!("http://127.0.0.1:{pl_port}"),
                    public_key: pl_public.clone(),
                    country: "PL".into(),
                }],
            )
        };
        let ro_app = router(&ro_store, &ro_keys, ro_exchange());
        let ro_port = serve_on(ro_app.clone(), 0).await;
        let pl_exchange = || {
            Exchange::new(
                TransferKeys::from_secret("PL", &pl_secret).unwrap(),
                vec![Partner {
                    id: "RO".into(),
                    url: format!("http://127.0.0.1:{ro_port}"),
                    public_key: ro_public.clone(),
                    country: "RO".into(),
                }],
            )
        };
        let pl_app = router(&pl_store, &pl_keys, pl_exchange());

        // Romania: a worker registers the boy, opens the case, records consent to transfer.
        let siret = ro_store.hub_by_slug("siret-border").await.unwrap().unwrap();
        let here = Scope {
            hubs: vec![siret.id],
            ..Scope::default()
        };
        let worker =
            account_signed_in(&ro_app, &ro_store, "worker", Role::SocialWorker, here).await;
        let csrf = csrf_of(
            &send(&ro_app, "GET", "/staff/people/new", Some(&worker), None)
                .await
                .body,
        );
        let person = send(
            &ro_app,
            "POST",
            "/staff/people",
            Some(&worker),
            Some(&format!(
                "csrf={csrf}&hub={}&given_name={}&family_name={}&sex=male&age=12&languages=uk&need=unaccompanied-child&consent_by=child-assent",
                siret.id,
                encode("Олександр"),
                encode("Кравченко")
            )),
        )
        .await
        .location
        .unwrap();
        let worker_id = ro_store
            .user_by_username("worker")
            .await
            .unwrap()
            .unwrap()
            .id;
        let case = send(
            &ro_app,
            "POST",
            &format!("{person}/cases"),
            Some(&worker),
            Some(&format!(
                "csrf={csrf}&concern=unaccompanied&risk=high&assigned_to={worker_id}&screening={}",
                encode("Aunt Оксана lives in Przemyśl")
            )),
        )
        .await
        .location
        .unwrap();
        let page = send(&ro_app, "GET", &case, Some(&worker), None).await;
        send(
            &ro_app,
            "POST",
            &format!("{case}/step"),
            Some(&worker),
            Some(&format!(
                "csrf={csrf}&version={}&step=assessment&note={}",
                version_of(&page.body),
                encode("Healthy; wants to join his aunt")
            )),
        )
        .await;
        let arrival = (Utc::now() + Duration::days(2))
            .format("%Y-%m-%d")
            .to_string();
        let transfer_form = |extra: &str| {
            format!(
                "csrf={csrf}&to=partner%3APL&part=case-plan&arrival={arrival}&note={}{extra}",
                encode("Travelling by train with a volunteer")
            )
        };
        // Without consent to transfer: refused with the reason.
        let refused = send(
            &ro_app,
            "POST",
            &format!("{case}/transfer"),
            Some(&worker),
            Some(&transfer_form("&confirm=1")),
        )
        .await;
        assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{backend}");
        assert!(
            refused
                .body
                .contains("Consent: record the consent to transfer first"),
            "{}",
            refused.body
        );
        send(
            &ro_app,
            "POST",
            &format!("{person}/consents"),
            Some(&worker),
            Some(&format!(
                "csrf={csrf}&purpose=transfer&given_by=child-assent"
            )),
        )
        .await;
        // First what will travel, then the sending.
        let preview = send(
            &ro_app,
            "POST",
            &format!("{case}/transfer"),
            Some(&worker),
            Some(&transfer_form("")),
        )
        .await;
        assert_eq!(
            preview.status,
            StatusCode::OK,
            "{backend}: {}",
            preview.body
        );
        assert!(
            preview.body.contains("id=\"confirm-transfer\"")
                && preview.body.contains("Healthy; wants to join his aunt")
        );
        assert!(
            !preview.body.contains("Care arrangement and caregiver,"),
            "care was not chosen"
        );
        // The confirmation names the package it saw: what was shown is what is sent.
        let sent = send(
            &ro_app,
            "POST",
            &format!("{case}/transfer"),
            Some(&worker),
            Some(&transfer_form(&confirmation(&preview.body))),
        )
        .await;
        assert_eq!(
            sent.status,
            StatusCode::SEE_OTHER,
            "{backend}: {}",
            sent.body
        );
        let outgoing = ro_store
            .transfers_in_scope(
                &ro_keys,
                &Scope {
                    everywhere: true,
                    ..Scope::default()
                },
            )
            .await
            .unwrap();
        assert_eq!(outgoing.len(), 1);
        let transfer_id = outgoing[0].id;
        assert_eq!(outgoing[0].status, TransferStatus::Pending);

        // Poland is down: the attempt fails and is retried later.
        let ro_ex = ro_exchange();
        assert_eq!(
            deliver_due(&ro_store, &ro_ex, Utc::now()).await.unwrap(),
            0,
            "{backend}"
        );
        let t = ro_store
            .transfer(&ro_keys, transfer_id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!((t.status, t.attempts), (TransferStatus::Pending, 1));
        assert!(t.last_error.is_some());
        assert_eq!(
            deliver_due(&ro_store, &ro_ex, Utc::now()).await.unwrap(),
            0,
            "not due yet: back-off"
        );
        let list = send(&ro_app, "GET", "/staff/transfers", Some(&worker), None).await;
        assert!(
            list.body.contains("1 delivery attempts so far"),
            "{backend}"
        );

        // Poland comes up; the next attempt delivers.
        serve_on(pl_app.clone(), pl_port).await;
        let later = Utc::now() + Duration::minutes(11);
        assert_eq!(
            deliver_due(&ro_store, &ro_ex, later).await.unwrap(),
            1,
            "{backend}"
        );
        assert_eq!(
            ro_store
                .transfer(&ro_keys, transfer_id)
                .await
                .unwrap()
                .unwrap()
                .status,
            TransferStatus::Received
        );
        // Delivered again (a lost answer, a file carried as well): stored once.
        let bytes = ro_store
            .transfer_package(transfer_id)
            .await
            .unwrap()
            .unwrap();
        let (status, body) = post_package(pl_port, bytes.clone()).await;
        assert_eq!(status, 200);
        assert!(body.contains("\"new\":false"), "{body}");
        let pl_ex = pl_exchange();
        assert_eq!(
            ingest(&pl_store, &pl_keys, &pl_ex, &bytes, "file")
                .await
                .unwrap(),
            Ingested::Case {
                from: "RO".into(),
                new: false
            }
        );
        // A tampered package is refused and leaves nothing.
        let mut envelope: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        let sealed = envelope["sealed"].as_str().unwrap().to_owned();
        // One letter of the ciphertext changed in the middle.
        let mut chars: Vec<char> = sealed.chars().collect();
        let mid = chars.len() / 2;
        chars[mid] = if chars[mid] == 'A' { 'B' } else { 'A' };
        let flipped: String = chars.into_iter().collect();
        envelope["sealed"] = flipped.into();
        let (status, body) = post_package(pl_port, serde_json::to_vec(&envelope).unwrap()).await;
        assert_eq!(status, 400, "{body}");
        assert!(body.contains("changed on the way"), "{body}");
        let all = Scope {
            everywhere: true,
            ..Scope::default()
        };
        assert_eq!(
            pl_store
                .transfers_in_scope(&pl_keys, &all)
                .await
                .unwrap()
                .len(),
            1
        );

        // Poland: the coordinator sees the expected arrival with the boy's needs, and accepts.
        let przemysl = pl_store
            .hub_by_slug("przemysl-station")
            .await
            .unwrap()
            .unwrap();
        let pl_scope = Scope {
            countries: vec![bluedot_core::Country::Poland],
            ..Scope::default()
        };
        let pl_lead = account_signed_in(
            &pl_app,
            &pl_store,
            "lead.pl",
            Role::CountryCoordinator,
            pl_scope.clone(),
        )
        .await;
        let pl_worker = account_signed_in(
            &pl_app,
            &pl_store,
            "worker.pl",
            Role::SocialWorker,
            Scope {
                hubs: vec![przemysl.id],
                ..Scope::default()
            },
        )
        .await;
        let pl_worker_id = pl_store
            .user_by_username("worker.pl")
            .await
            .unwrap()
            .unwrap()
            .id;
        let arrivals = send(&pl_app, "GET", "/staff/transfers", Some(&pl_lead), None).await;
        assert_eq!(arrivals.status, StatusCode::OK);
        assert!(
            arrivals.body.contains("Олександр Кравченко")
                && arrivals.body.contains(
                    &bluedot_web::locale::of(bluedot_core::Lang::En)
                        .day(chrono::NaiveDate::parse_from_str(&arrival, "%Y-%m-%d").unwrap())
                ),
            "{backend}"
        );
        assert!(
            arrivals.body.contains("Unaccompanied child")
                && arrivals.body.contains("Healthy; wants to join his aunt")
        );
        let pl_csrf = csrf_of(&arrivals.body);
        let accepted = send(
            &pl_app,
            "POST",
            &format!("/staff/transfers/{transfer_id}/decision"),
            Some(&pl_lead),
            Some(&format!(
                "csrf={pl_csrf}&decision=accept&hub={}&assigned_to={pl_worker_id}&note={}",
                przemysl.id,
                encode("Expected at Przemyśl station")
            )),
        )
        .await;
        assert_eq!(
            accepted.status,
            StatusCode::SEE_OTHER,
            "{backend}: {}",
            accepted.body
        );
        let again = send(
            &pl_app,
            "POST",
            &format!("/staff/transfers/{transfer_id}/decision"),
            Some(&pl_lead),
            Some(&format!("csrf={pl_csrf}&decision=decline&note=no")),
        )
        .await;
        assert_eq!(again.status, StatusCode::BAD_REQUEST, "decided once");
        assert!(again.body.contains("Someone already decided"));
        // Accepting again registers nobody a second time: the decision, the record and the
        // case are one transaction, refused whole.
        let people_before = pl_store
            .people_in_scope(&pl_keys, &pl_scope, 100)
            .await
            .unwrap()
            .len();
        let twice = send(
            &pl_app,
            "POST",
            &format!("/staff/transfers/{transfer_id}/decision"),
            Some(&pl_lead),
            Some(&format!(
                "csrf={pl_csrf}&decision=accept&hub={}&assigned_to={pl_worker_id}&note=again",
                przemysl.id
            )),
        )
        .await;
        assert_eq!(twice.status, StatusCode::BAD_REQUEST, "{backend}");
        assert_eq!(
            pl_store
                .people_in_scope(&pl_keys, &pl_scope, 100)
                .await
                .unwrap()
                .len(),
            people_before,
            "{backend}: no second record of the child"
        );
        let accepts = crate::support::audit_entries(&pl_store, "transfer.accept").await;
        assert_eq!(accepts.len(), 1, "{backend}");
        let pl_cases = pl_store
            .cases_in_scope(&pl_scope, &bluedot_store::cases::CaseFilter::default())
            .await
            .unwrap();
        assert_eq!(pl_cases.len(), 1, "{backend}");
        assert_eq!(pl_cases[0].hub_id, przemysl.id);
        assert_eq!(pl_cases[0].state.assigned_to, pl_worker_id);
        let history = pl_store
            .case_history(&pl_keys, pl_cases[0].id)
            .await
            .unwrap();
        assert!(
            history[0]
                .text
                .as_ref()
                .unwrap()
                .note
                .contains("Transferred from RO")
        );

        // The answer goes back; Romania's case closes as transferred.
        assert_eq!(
            deliver_due(&pl_store, &pl_ex, Utc::now()).await.unwrap(),
            1,
            "{backend}"
        );
        let t = ro_store
            .transfer(&ro_keys, transfer_id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(t.status, TransferStatus::Accepted, "{backend}");
        let ro_case = ro_store.case(t.case_id.unwrap()).await.unwrap().unwrap();
        assert_eq!(
            ro_case.state.stage,
            bluedot_core::case::CaseStage::Closed,
            "{backend}"
        );
        assert_eq!(
            ro_case.state.closure_reason,
            Some(bluedot_core::case::ClosureReason::Transferred)
        );
        // The answer delivered twice changes nothing more.
        let answer = pl_store
            .transfer_package(transfer_id)
            .await
            .unwrap()
            .unwrap();
        let (status, body) = post_package(ro_port, answer).await;
        assert_eq!(status, 200);
        assert!(body.contains("\"new\":false"), "{body}");

        // The Przemyśl worker reports the boy arrived; the report travels back, and Romania's
        // (closed) case and transfer say so, on the same status line.
        let awaiting = send(&pl_app, "GET", "/staff/transfers", Some(&pl_worker), None).await;
        assert!(awaiting.body.contains("awaited-transfer"), "{backend}");
        let arrived = send(
            &pl_app,
            "POST",
            &format!("/staff/transfers/{transfer_id}/arrival"),
            Some(&pl_worker),
            Some(&format!(
                "csrf={}&arrival=arrived&note={}",
                csrf_of(&awaiting.body),
                encode("Came with the bus, well")
            )),
        )
        .await;
        assert_eq!(
            arrived.status,
            StatusCode::SEE_OTHER,
            "{backend}: {}",
            arrived.body
        );
        assert_eq!(
            deliver_due(&pl_store, &pl_ex, Utc::now()).await.unwrap(),
            1,
            "{backend}: the arrival report goes back"
        );
        let t = ro_store
            .transfer(&ro_keys, transfer_id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            t.arrival,
            Some(bluedot_core::transfer::Arrival::Arrived),
            "{backend}"
        );
        assert!(t.delivered_at.is_some() && t.decided_at.is_some() && t.arrival_at.is_some());
        let ro_history = ro_store
            .case_history(&ro_keys, t.case_id.unwrap())
            .await
            .unwrap();
        assert!(
            ro_history.iter().any(|e| e.step == "transfer-arrived"
                && e.text.as_ref().unwrap().note.contains("Came with the bus")),
            "{backend}"
        );
        let ro_list = send(&ro_app, "GET", "/staff/transfers", Some(&worker), None).await;
        assert!(
            ro_list.body.contains(&format!(
                "arrived {}",
                bluedot_web::locale::of(bluedot_core::Lang::En)
                    .moment(t.arrival_at.unwrap(), chrono_tz::UTC)
            )),
            "{backend}: the sender's status line"
        );

        let ro_audit = ro_store
            .search_audit(&bluedot_store::audit::AuditQuery {
                action_prefix: Some("transfer.".into()),
                limit: 50,
                ..Default::default()
            })
            .await
            .unwrap();
        assert!(
            ro_audit.iter().any(|e| e.action == "transfer.send"),
            "{backend}"
        );
        assert!(
            ro_audit
                .iter()
                .any(|e| e.action == "transfer.accepted-by-partner")
        );
        let pl_audit = pl_store
            .search_audit(&bluedot_store::audit::AuditQuery {
                action_prefix: Some("transfer.".into()),
                limit: 50,
                ..Default::default()
            })
            .await
            .unwrap();
        for (action, outcome) in [
            ("transfer.receive", "ok"),
            ("transfer.receive", "refused"),
            ("transfer.accept", "ok"),
        ] {
            assert!(
                pl_audit
                    .iter()
                    .any(|e| e.action == action && e.outcome == outcome),
                "{backend}: {action} {outcome}"
            );
        }
        pl_db.drop_database().await;
    });
}

#[tokio::test]
async fn a_case_moves_to_another_hub_when_that_hub_accepts_it() {
    on_both_backends!(async |store: Store, backend: &str, _url: String| {
        bluedot_cli::load_demo(&store).await.unwrap();
        let keys = KeyRing::parse(&KeyRing::generate_spec("k1")).unwrap();
        let app = bluedot_web::router(
            AppState::new(store.clone(), WebConfig::default()).with_keys(keys.clone()),
        );
        let siret = store.hub_by_slug("siret-border").await.unwrap().unwrap();
        let isaccea = store.hub_by_slug("isaccea-border").await.unwrap().unwrap();
        let at = |hub: &bluedot_core::Hub| Scope {
            hubs: vec![hub.id],
            ..Scope::default()
        };
        let worker =
            account_signed_in(&app, &store, "worker", Role::SocialWorker, at(&siret)).await;
        let there =
            account_signed_in(&app, &store, "worker.i", Role::SocialWorker, at(&isaccea)).await;
        let lead =
            account_signed_in(&app, &store, "lead.i", Role::HubCoordinator, at(&isaccea)).await;
        let worker_id = store.user_by_username("worker").await.unwrap().unwrap().id;
        let there_id = store
            .user_by_username("worker.i")
            .await
            .unwrap()
            .unwrap()
            .id;
        let csrf = csrf_of(
            &send(&app, "GET", "/staff/people/new", Some(&worker), None)
                .await
                .body,
        );
        let person = send(
            &app,
            "POST",
            "/staff/people",
            Some(&worker),
            Some(&format!(
                "csrf={csrf}&hub={}&given_name=Ira&family_name=Boyko&sex=female&age=9&need=separated-child&consent_by=parent",
                siret.id
            )),
        )
        .await
        .location
        .unwrap();
        send(
            &app,
            "POST",
            &format!("{person}/consents"),
            Some(&worker),
            Some(&format!("csrf={csrf}&purpose=transfer&given_by=parent")),
        )
        .await;
        let case = send(
            &app,
            "POST",
            &format!("{person}/cases"),
            Some(&worker),
            Some(&format!(
                "csrf={csrf}&concern=separated&risk=medium&assigned_to={worker_id}"
            )),
        )
        .await
        .location
        .unwrap();
        let form = format!("csrf={csrf}&to=hub%3A{}&part=care", isaccea.id);
        let preview = send(
            &app,
            "POST",
            &format!("{case}/transfer"),
            Some(&worker),
            Some(&form),
        )
        .await;
        let sent = send(
            &app,
            "POST",
            &format!("{case}/transfer"),
            Some(&worker),
            Some(&format!("{form}{}", confirmation(&preview.body))),
        )
        .await;
        assert_eq!(
            sent.status,
            StatusCode::SEE_OTHER,
            "{backend}: {}",
            sent.body
        );
        let arrivals = send(&app, "GET", "/staff/transfers", Some(&lead), None).await;
        assert!(arrivals.body.contains("Ira Boyko"), "{backend}");
        let transfer =
            between(&arrivals.body, "action=\"/staff/transfers/", "/decision").to_owned();
        let lead_csrf = csrf_of(&arrivals.body);
        let accepted = send(
            &app,
            "POST",
            &format!("/staff/transfers/{transfer}/decision"),
            Some(&lead),
            Some(&format!(
                "csrf={lead_csrf}&decision=accept&hub={}&assigned_to={there_id}",
                isaccea.id
            )),
        )
        .await;
        assert_eq!(
            accepted.status,
            StatusCode::SEE_OTHER,
            "{backend}: {}",
            accepted.body
        );
        assert_eq!(
            send(&app, "GET", &case, Some(&worker), None).await.status,
            StatusCode::NOT_FOUND,
            "{backend}: the case left Siret"
        );
        let page = send(&app, "GET", &case, Some(&there), None).await;
        assert_eq!(page.status, StatusCode::OK, "{backend}");
        assert!(page.body.contains("Transfer accepted"));
        assert_eq!(
            between(&page.body, "id=\"case-assigned\">", "<"),
            "worker.i"
        );
    });
}
