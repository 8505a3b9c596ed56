//! Family tracing over HTTP on both backends: a case worker records a mother's request, the
//! matcher proposes the registered girl across spellings, the worker confirms, verifies the
//! relationship and records the reunification; where a child is stays hidden from staff of
//! other hubs.

use axum::http::StatusCode;
use bluedot_core::policy::{Role, Scope};
use bluedot_store::Store;

use crate::on_both_backends;
use crate::staff::{account_signed_in, app, between, csrf_of, encode, register, send};

/// Registers an unaccompanied girl, Олена Кравченко, 11, with consent to tracing; returns her
/// record's address and the worker's CSRF token.
async fn traceable_girl(app: &axum::Router, worker: &str, hub: uuid::Uuid) -> (String, String) {
    let girl = register(
        app,
        worker,
        hub,
        &format!(
            "given_name={}&family_name={}&sex=female&age=11&need=unaccompanied-child&consent_by=child-assent",
            encode("Олена"),
            encode("Кравченко")
        ),
    )
    .await;
    let csrf = csrf_of(&send(app, "GET", &girl, Some(worker), None).await.body);
    let consent = send(
        app,
        "POST",
        &format!("{girl}/consents"),
        Some(worker),
        Some(&format!(
            "csrf={csrf}&purpose=tracing&given_by=child-assent"
        )),
    )
    .await;
    assert_eq!(consent.status, StatusCode::SEE_OTHER);
    (girl, csrf)
}

#[tokio::test]
async fn a_mother_s_request_finds_her_daughter_and_ends_in_reunification() {
    on_both_backends!(async |store: Store, backend: &str, _url: String| {
        bluedot_cli::load_demo(&store).await.unwrap();
        let app = app(&store);
        let siret = store.hub_by_slug("siret-border").await.unwrap().unwrap();
        let przemysl = store
            .hub_by_slug("przemysl-station")
            .await
            .unwrap()
            .unwrap();
        let at = |hub: &bluedot_core::Hub| Scope {
            hubs: vec![hub.id],
            ..Scope::default()
        };
        let worker =
            account_signed_in(&app, &store, "worker", Role::SocialWorker, at(&siret)).await;
        let polish =
            account_signed_in(&app, &store, "worker.pl", Role::SocialWorker, at(&przemysl)).await;
        let legal = account_signed_in(&app, &store, "legal", Role::LegalAid, at(&siret)).await;

        let (girl, csrf) = traceable_girl(&app, &worker, siret.id).await;

        // She has a child protection case at Siret.
        let worker_id = store.user_by_username("worker").await.unwrap().unwrap().id;
        let case = send(
            &app,
            "POST",
            &format!("{girl}/cases"),
            Some(&worker),
            Some(&format!(
                "csrf={csrf}&concern=unaccompanied&risk=high&assigned_to={worker_id}"
            )),
        )
        .await
        .location
        .unwrap();
        assert_eq!(
            send(&app, "GET", "/staff/tracing", Some(&legal), None)
                .await
                .status,
            StatusCode::FORBIDDEN
        );
        let page = send(&app, "GET", "/staff/tracing", Some(&polish), None).await;
        assert!(page.body.contains("id=\"no-requests\""), "{backend}");
        let pl_csrf = csrf_of(&page.body);
        let request = |csrf: &str, hub: uuid::Uuid, requester: &str| {
            format!(
                "csrf={csrf}&hub={hub}&given_name=Olena&family_name=Krawczenko&sex=f&age=11&requester_name={}&relation=mother",
                encode(requester)
            )
        };
        let bad = send(
            &app,
            "POST",
            "/staff/tracing",
            Some(&polish),
            Some(&request(&pl_csrf, przemysl.id, "")),
        )
        .await;
        assert_eq!(bad.status, StatusCode::BAD_REQUEST, "{backend}");
        assert!(
            bad.body.contains("Who is looking: give your name"),
            "{}",
            bad.body
        );
        // Recorded in Poland: the girl is proposed, but where she is stays hidden.
        let created = send(
            &app,
            "POST",
            "/staff/tracing",
            Some(&polish),
            Some(&request(&pl_csrf, przemysl.id, "Oksana Krawczenko")),
        )
        .await;
        assert_eq!(
            created.status,
            StatusCode::SEE_OTHER,
            "{backend}: {}",
            created.body
        );
        let pl_request = created.location.unwrap();
        let page = send(&app, "GET", &pl_request, Some(&polish), None).await;
        assert!(
            page.body.contains("Олена Кравченко"),
            "{backend}: {}",
            page.body
        );
        assert!(
            page.body.contains("outside your scope") && !page.body.contains("Siret"),
            "{backend}"
        );
        assert!(
            !page.body.contains(&girl),
            "no link to a record the account may not open"
        );
        assert_eq!(
            send(&app, "GET", &pl_request, Some(&worker), None)
                .await
                .status,
            StatusCode::NOT_FOUND
        );

        // Recorded at Siret: the worker follows it to the end.
        let created = send(
            &app,
            "POST",
            "/staff/tracing",
            Some(&worker),
            Some(&request(&csrf, siret.id, "Oksana Kravchenko")),
        )
        .await;
        let url = created.location.unwrap();
        let page = send(&app, "GET", &url, Some(&worker), None).await;
        assert!(
            page.body.contains(&girl) && page.body.contains("Same first name"),
            "{backend}: evidence shown in words"
        );
        // How common the shared names are among the registered children, in words too.
        assert!(
            page.body.contains("first name here (") && page.body.contains("about one child in"),
            "{backend}: name frequency explained"
        );
        let person = girl.rsplit('/').next().unwrap().to_owned();
        let act = |action: &str, extra: &str| {
            format!("csrf={csrf}&action={action}&person={person}{extra}")
        };
        let early = send(
            &app,
            "POST",
            &url,
            Some(&worker),
            Some(&act("verify-relationship", "")),
        )
        .await;
        assert_eq!(
            early.status,
            StatusCode::BAD_REQUEST,
            "{backend}: confirm first"
        );
        let confirmed = send(&app, "POST", &url, Some(&worker), Some(&act("confirm", ""))).await;
        assert_eq!(confirmed.status, StatusCode::SEE_OTHER, "{backend}");
        // Verified only with how: the ways used and what was seen or asked.
        let unsaid = send(
            &app,
            "POST",
            &url,
            Some(&worker),
            Some(&act("verify-relationship", "&details=")),
        )
        .await;
        assert_eq!(unsaid.status, StatusCode::BAD_REQUEST, "{backend}");
        assert!(
            unsaid
                .body
                .contains("say how the relationship was verified")
        );
        let verified = send(
            &app,
            "POST",
            &url,
            Some(&worker),
            Some(&act(
                "verify-relationship",
                &format!(
                    "&way=documents&way=questions&details={}",
                    encode("Birth certificate names Oksana as mother; Olena named her school")
                ),
            )),
        )
        .await;
        assert_eq!(
            verified.status,
            StatusCode::SEE_OTHER,
            "{backend}: {}",
            verified.body
        );
        let page = send(&app, "GET", &url, Some(&worker), None).await;
        assert!(
            between(&page.body, "id=\"tracing-status\">", "<").contains("found"),
            "{backend}"
        );
        let how = between(&page.body, "class=\"verification\">", "<");
        assert!(
            how.contains("Documents seen")
                && how.contains("Questions only the family")
                && how.contains("Birth certificate names Oksana"),
            "{backend}: {how}"
        );
        let missing = send(
            &app,
            "POST",
            &url,
            Some(&worker),
            Some(&act(
                "reunify",
                "&date=2026-11-25&place=&with_whom=&close_case=yes",
            )),
        )
        .await;
        assert_eq!(missing.status, StatusCode::BAD_REQUEST);
        // Whether the case closes is asked, never assumed.
        let unasked = send(
            &app,
            "POST",
            &url,
            Some(&worker),
            Some(&act(
                "reunify",
                "&date=2026-11-25&place=Siret&with_whom=mother",
            )),
        )
        .await;
        assert_eq!(unasked.status, StatusCode::BAD_REQUEST, "{backend}");
        assert!(
            unasked.body.contains("case should close"),
            "{backend}: {}",
            unasked.body
        );
        let done = send(
            &app,
            "POST",
            &url,
            Some(&worker),
            Some(&act(
                "reunify",
                &format!(
                    "&date=2026-11-25&place={}&with_whom={}&close_case=yes",
                    encode("Blue Dot Siret"),
                    encode("mother")
                ),
            )),
        )
        .await;
        assert_eq!(
            done.status,
            StatusCode::SEE_OTHER,
            "{backend}: {}",
            done.body
        );
        let page = send(&app, "GET", &url, Some(&worker), None).await;
        assert!(between(&page.body, "id=\"reunification\">", "<").contains("Blue Dot Siret"));
        // The case asks for closure as reunified, for the supervisor to approve.
        let case_page = send(&app, "GET", &case, Some(&worker), None).await;
        let closure = between(&case_page.body, "id=\"case-closure\">", "<");
        assert!(
            closure.contains("reunified with family") && closure.contains("waiting for approval"),
            "{backend}: {closure}"
        );
        assert!(
            case_page
                .body
                .contains("Reunified on 2026-11-25 at Blue Dot Siret with mother")
        );

        let audit = store
            .search_audit(&bluedot_store::audit::AuditQuery {
                action_prefix: Some("tracing.".into()),
                limit: 50,
                ..Default::default()
            })
            .await
            .unwrap();
        for (action, outcome) in [
            ("tracing.create", "ok"),
            ("tracing.view", "ok"),
            ("tracing.view", "denied"),
            ("tracing.confirm", "ok"),
            ("tracing.reunify", "ok"),
        ] {
            assert!(
                audit
                    .iter()
                    .any(|e| e.action == action && e.outcome == outcome),
                "{backend}: {action} {outcome}"
            );
        }
    });
}

#[tokio::test]
async fn a_child_who_becomes_traceable_is_proposed_to_requests_already_open() {
    on_both_backends!(async |store: Store, backend: &str, _url: String| {
        bluedot_cli::load_demo(&store).await.unwrap();
        let app = app(&store);
        let siret = store.hub_by_slug("siret-border").await.unwrap().unwrap();
        let scope = Scope {
            hubs: vec![siret.id],
            ..Scope::default()
        };
        let worker = account_signed_in(&app, &store, "worker", Role::SocialWorker, scope).await;
        let boy = register(
            &app,
            &worker,
            siret.id,
            &format!(
                "given_name={}&family_name={}&sex=male&age=9&need=separated-child&consent_by=child-assent",
                encode("Марко"),
                encode("Бойко")
            ),
        )
        .await;
        let csrf = csrf_of(&send(&app, "GET", &boy, Some(&worker), None).await.body);
        let created = send(
            &app,
            "POST",
            "/staff/tracing",
            Some(&worker),
            Some(&format!(
                "csrf={csrf}&hub={}&given_name=Marko&family_name=Bojko&sex=m&age=9&requester_name={}&relation=father",
                siret.id,
                encode("Petro Bojko")
            )),
        )
        .await;
        let url = created.location.unwrap();
        // No consent to tracing yet: the tracing worker learns only that a registered child
        // could match, and whoever works on the boy's record is asked to seek consent.
        let page = send(&app, "GET", &url, Some(&worker), None).await;
        assert!(
            page.body.contains("id=\"consent-sought\"")
                && !page.body.contains("id=\"no-candidates\"")
                && !page.body.contains("Марко")
                && !page.body.contains(&boy),
            "{backend}: {}",
            page.body
        );
        let home = send(&app, "GET", "/staff", Some(&worker), None).await;
        let asks = between(&home.body, "id=\"work-consent\"", "</section>");
        assert!(
            asks.contains("Марко Бойко") && asks.contains(&format!("{boy}#consents")),
            "{backend}: {}",
            home.body
        );
        let przemysl = store
            .hub_by_slug("przemysl-station")
            .await
            .unwrap()
            .unwrap();
        let far = account_signed_in(
            &app,
            &store,
            "far",
            Role::SocialWorker,
            Scope {
                hubs: vec![przemysl.id],
                ..Scope::default()
            },
        )
        .await;
        let far_home = send(&app, "GET", "/staff", Some(&far), None).await;
        assert!(
            !far_home.body.contains("work-consent") && !far_home.body.contains("Марко"),
            "{backend}: a worker of another hub is not asked"
        );
        let record = send(&app, "GET", &boy, Some(&worker), None).await;
        assert!(
            record.body.contains("id=\"consent-asked\"")
                && record.body.contains("<option value=\"tracing\" selected>"),
            "{backend}"
        );
        // Searching again asks nobody twice.
        send(
            &app,
            "POST",
            &url,
            Some(&worker),
            Some(&format!("csrf={csrf}&action=search")),
        )
        .await;
        let asked = store
            .search_audit(&bluedot_store::audit::AuditQuery {
                action_prefix: Some("tracing.consent-ask".into()),
                limit: 50,
                ..Default::default()
            })
            .await
            .unwrap()
            .len();
        assert_eq!(asked, 1, "{backend}");
        send(
            &app,
            "POST",
            &format!("{boy}/consents"),
            Some(&worker),
            Some(&format!(
                "csrf={csrf}&purpose=tracing&given_by=child-assent"
            )),
        )
        .await;
        let page = send(&app, "GET", &url, Some(&worker), None).await;
        assert!(
            page.body.contains("Марко Бойко")
                && page.body.contains(&boy)
                && !page.body.contains("consent-sought"),
            "{backend}"
        );
        let home = send(&app, "GET", "/staff", Some(&worker), None).await;
        assert!(
            !home.body.contains("work-consent"),
            "{backend}: the ask is answered"
        );
        // Erased at the family's request: the next search neither fails nor finds him.
        let lead = account_signed_in(
            &app,
            &store,
            "lead",
            Role::HubCoordinator,
            Scope {
                hubs: vec![siret.id],
                ..Scope::default()
            },
        )
        .await;
        let lead_csrf = csrf_of(&send(&app, "GET", &boy, Some(&lead), None).await.body);
        let erased = send(
            &app,
            "POST",
            &format!("{boy}/erase"),
            Some(&lead),
            Some(&format!("csrf={lead_csrf}&confirm=yes")),
        )
        .await;
        assert_eq!(
            erased.status,
            StatusCode::SEE_OTHER,
            "{backend}: {}",
            erased.body
        );
        let again = send(
            &app,
            "POST",
            &url,
            Some(&worker),
            Some(&format!("csrf={csrf}&action=search")),
        )
        .await;
        assert_eq!(
            again.status,
            StatusCode::SEE_OTHER,
            "{backend}: {}",
            again.body
        );
        let page = send(&app, "GET", &url, Some(&worker), None).await;
        assert!(!page.body.contains(&boy), "{backend}");
    });
}

#[tokio::test]
async fn the_public_form_never_tells_whether_a_child_is_registered() {
    on_both_backends!(async |store: Store, backend: &str, _url: String| {
        bluedot_cli::load_demo(&store).await.unwrap();
        let app = app(&store);
        let siret = store.hub_by_slug("siret-border").await.unwrap().unwrap();
        let worker = account_signed_in(
            &app,
            &store,
            "worker",
            Role::SocialWorker,
            Scope {
                hubs: vec![siret.id],
                ..Scope::default()
            },
        )
        .await;
        traceable_girl(&app, &worker, siret.id).await;

        let form = send(&app, "GET", "/uk/tracing", None, None).await;
        assert_eq!(form.status, StatusCode::OK, "{backend}");
        assert!(form.body.contains("Шукаєте дитину?"));
        let ask_as = |given: &str, family: &str, phone: &str, relation: &str| {
            format!(
                "given_name={}&family_name={}&age=11&your_name={}&relation={}&phone={}&hub={}",
                encode(given),
                encode(family),
                encode("Оксана Кравченко"),
                encode(relation),
                encode(phone),
                siret.id
            )
        };
        let ask = |given: &str, family: &str, phone: &str| ask_as(given, family, phone, "mother");
        // The relation is one of the form's choices, which the matcher understands.
        let unlisted = send(
            &app,
            "POST",
            "/uk/tracing",
            None,
            Some(&ask_as("Олена", "Кравченко", "+48 600 100 200", "сусідка")),
        )
        .await;
        assert_eq!(unlisted.status, StatusCode::BAD_REQUEST, "{backend}");
        let wrong = send(
            &app,
            "POST",
            "/uk/tracing",
            None,
            Some(&ask("Олена", "Кравченко", "")),
        )
        .await;
        assert_eq!(wrong.status, StatusCode::BAD_REQUEST, "{backend}");
        assert!(
            wrong.body.contains("Вкажіть ім'я дитини")
                || wrong.body.contains("Вкажіть ім&#39;я дитини"),
            "{}",
            wrong.body
        );
        assert!(
            wrong.body.contains("value=\"Олена\""),
            "the form keeps what was typed"
        );
        // A registered child and an unknown one get the same answer.
        let known = send(
            &app,
            "POST",
            "/uk/tracing",
            None,
            Some(&ask("Олена", "Кравченко", "+48 600 100 200")),
        )
        .await;
        let unknown = send(
            &app,
            "POST",
            "/uk/tracing",
            None,
            Some(&ask("Марта", "Гнатюк", "+48 600 100 200")),
        )
        .await;
        assert_eq!(known.status, StatusCode::OK, "{backend}: {}", known.body);
        // The pages differ only in the time they were made.
        assert_eq!(
            between(&known.body, "<h1>", "</main>"),
            between(&unknown.body, "<h1>", "</main>"),
            "{backend}: the answer reveals nothing"
        );
        assert!(known.body.contains("id=\"trace-thanks\""));
        // Nothing is searched before staff verify who asked.
        let list = send(&app, "GET", "/staff/tracing", Some(&worker), None).await;
        assert_eq!(
            list.body.matches("tracing-unverified").count(),
            2,
            "{backend}"
        );
        let first = between(&list.body, "href=\"/staff/tracing/", "\"").to_owned();
        let page = send(
            &app,
            "GET",
            &format!("/staff/tracing/{first}"),
            Some(&worker),
            None,
        )
        .await;
        assert!(
            page.body.contains("id=\"verify-request\"")
                && !page.body.contains("class=\"card candidate"),
            "{backend}"
        );
    });
}

#[tokio::test]
async fn the_public_form_slows_down_a_flood() {
    on_both_backends!(async |store: Store, backend: &str, _url: String| {
        bluedot_cli::load_demo(&store).await.unwrap();
        let app = app(&store);
        let mut statuses = Vec::new();
        for _ in 0..40 {
            let r = send(&app, "POST", "/en/tracing", None, Some("given_name=x")).await;
            statuses.push(r.status);
            if r.status == StatusCode::TOO_MANY_REQUESTS {
                assert!(
                    r.body.contains("Too many requests from this connection"),
                    "{backend}"
                );
                break;
            }
        }
        assert_eq!(
            statuses.first(),
            Some(&StatusCode::BAD_REQUEST),
            "{backend}"
        );
        assert_eq!(
            statuses.last(),
            Some(&StatusCode::TOO_MANY_REQUESTS),
            "{backend}: {statuses:?}"
        );
        assert!(
            statuses.len() > 20,
            "a family filling in the form twice is never stopped"
        );
    });
}
