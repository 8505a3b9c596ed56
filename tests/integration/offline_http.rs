//! Offline work of mobile teams over HTTP on both backends: a device is enrolled, its sealed
//! operations are applied once however often they are sent, a field changed online meanwhile
//! comes back as a conflict, what the policy refuses comes back with its reason, the audit
//! says when the work was done offline, and a device of a disabled account, signed out
//! everywhere or past its time is told to wipe.

use axum::Router;
use axum::http::StatusCode;
use bluedot_core::policy::{Role, Scope};
use bluedot_store::offline::{DataKey, data_key_from_base64, seal};
use bluedot_store::{Clock, Store};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::on_both_backends;
use crate::staff::{
    Reply, account_signed_in, app_and_keys, csrf_of, open_case, register, send, send_with_headers,
    version_of,
};

/// A JSON request as the offline page sends it.
async fn post_json(app: &Router, path: &str, cookie: &str, body: &Value) -> Reply {
    send_with_headers(
        app,
        "POST",
        path,
        Some(cookie),
        Some(("application/json", body.to_string().into_bytes())),
        &[("origin", "http://staff.test")],
    )
    .await
}

fn parsed(reply: &Reply) -> Value {
    serde_json::from_str(&reply.body).unwrap_or_else(|_| panic!("not JSON: {}", reply.body))
}

/// An operation sealed under the device's key, with its idempotency key bound to it.
fn sealed(key: &DataKey, op_key: Uuid, op: Value) -> Value {
    json!({ "key": op_key, "sealed": seal(key, op.to_string().as_bytes(), &op_key.to_string()) })
}

fn statuses(reply: &Reply) -> Vec<String> {
    parsed(reply)["results"]
        .as_array()
        .unwrap_or_else(|| panic!("no results: {}", reply.body))
        .iter()
        .map(|r| r["outcome"]["status"].as_str().unwrap().to_owned())
        .collect()
}

async fn device_state(app: &Router, device: &str) -> String {
    let reply = send(
        app,
        "GET",
        &format!("/staff/offline/devices/{device}"),
        None,
        None,
    )
    .await;
    parsed(&reply)["state"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn offline_work_reaches_the_server_once_with_conflicts_and_refusals_told() {
    on_both_backends!(async |store: Store, backend: &str, _url: String| {
        bluedot_cli::load_demo(&store).await.unwrap();
        let (app, keys) = app_and_keys(&store);
        let siret = store.hub_by_slug("siret-border").await.unwrap().unwrap();
        let isaccea = store.hub_by_slug("isaccea-border").await.unwrap().unwrap();
        let at_siret = Scope {
            hubs: vec![siret.id],
            ..Scope::default()
        };
        let worker =
            account_signed_in(&app, &store, "team", Role::SocialWorker, at_siret.clone()).await;
        let lead = account_signed_in(&app, &store, "lead", Role::HubCoordinator, at_siret).await;
        let team = store.user_by_username("team").await.unwrap().unwrap();
        let lead_user = store.user_by_username("lead").await.unwrap().unwrap();
        let person = register(
            &app,
            &worker,
            siret.id,
            "given_name=Oksana&family_name=Lytvyn&sex=female&age=12&need=separated-child&consent_by=child-assent",
        )
        .await;
        let case_url = open_case(
            &app,
            &worker,
            &person,
            &format!(
                "concern=separated&risk=medium&assigned_to={}&screening=seen",
                team.id
            ),
        )
        .await;
        let case_id = case_url.rsplit('/').next().unwrap().to_owned();

        // The page holds no personal data, and says so for the service worker.
        let shell =
            send_with_headers(&app, "GET", "/staff/offline", Some(&worker), None, &[]).await;
        assert_eq!(shell.status, StatusCode::OK, "{backend}: {}", shell.body);
        assert!(!shell.body.contains("Lytvyn"), "{backend}");

        // Enrolment: a cross-site request is refused; ours gets the device and its key once.
        let refused = send_with_headers(
            &app,
            "POST",
            "/staff/offline/devices",
            Some(&worker),
            Some((
                "application/json",
                json!({ "hub": siret.id }).to_string().into_bytes(),
            )),
            &[("origin", "https://elsewhere.example")],
        )
        .await;
        assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{backend}");
        let enrolled = parsed(
            &post_json(
                &app,
                "/staff/offline/devices",
                &worker,
                &json!({ "hub": siret.id }),
            )
            .await,
        );
        let enrolled_device = enrolled["device"].as_str().unwrap().to_owned();
        assert!(data_key_from_base64(enrolled["key"].as_str().unwrap()).is_some());
        assert_eq!(
            device_state(&app, &enrolled_device).await,
            "active",
            "{backend}"
        );

        // The package: the team's open case at the hub, with what the device needs of it.
        let package = parsed(
            &send(
                &app,
                "GET",
                &format!("/staff/offline/package?hub={}", siret.id),
                Some(&worker),
                None,
            )
            .await,
        );
        let cases = package["cases"].as_array().unwrap();
        assert_eq!(cases.len(), 1, "{backend}: {package}");
        assert_eq!(cases[0]["name"], "Oksana Lytvyn");
        assert_eq!(cases[0]["risk"], "medium");

        // Blank slips to print offline, in the person's language, with nothing personal.
        let slips = parsed(
            &send(
                &app,
                "GET",
                &format!("/staff/offline/slips?hub={}&lang=ru", siret.id),
                Some(&worker),
                None,
            )
            .await,
        );
        let blank = slips["slips"]["specialist:psychosocial"].as_str().unwrap();
        assert!(
            blank.contains("{name}") && blank.contains("{reference}"),
            "{backend}"
        );
        assert!(blank.contains("<html lang=\"ru\""), "{backend}");
        assert!(!blank.contains("Lytvyn"), "{backend}");
        assert_eq!(slips["urgencies"].as_object().unwrap().len(), 3);

        // Meanwhile the coordinator lowers the risk online.
        let page = send(&app, "GET", &case_url, Some(&lead), None).await;
        let lowered = send(
            &app,
            "POST",
            &format!("{case_url}/step"),
            Some(&lead),
            Some(&format!(
                "csrf={}&version={}&step=risk&risk=low&note=aunt+found",
                csrf_of(&page.body),
                version_of(&page.body)
            )),
        )
        .await;
        assert_eq!(
            lowered.status,
            StatusCode::SEE_OTHER,
            "{backend}: {}",
            lowered.body
        );

        // What the team did offline two hours ago, on a phone prepared three hours ago.
        let three_hours_ago = store
            .clone()
            .with_clock(Clock::Fixed(store.now() - chrono::Duration::hours(3)));
        let (phone, key) = three_hours_ago
            .enrol_device(&keys, team.id, 12, crate::support::system())
            .await
            .unwrap();
        let device = phone.id.to_string();
        let done_at = (store.now() - chrono::Duration::hours(2)).to_rfc3339();
        let child = Uuid::new_v4();
        let fields = |pairs: &[(&str, &str)]| -> Value {
            pairs.iter().map(|(k, v)| json!([k, v])).collect()
        };
        let ops = vec![
            sealed(
                &key,
                child,
                json!({
                    "kind": "person", "done_at": done_at,
                    "fields": fields(&[("hub", &siret.id.to_string()), ("given_name", "Богдан"),
                        ("family_name", "Шевчук"), ("sex", "male"), ("age", "9"),
                        ("need", "unaccompanied-child"), ("consent_by", "child-assent"),
                        ("consent_referral", "yes")]),
                }),
            ),
            sealed(
                &key,
                Uuid::new_v4(),
                json!({
                    "kind": "visit", "done_at": done_at,
                    "fields": fields(&[("hub", &siret.id.to_string()), ("female-18-59", "1"),
                        ("male-5-11", "2"), ("nationality", "UA")]),
                }),
            ),
            sealed(
                &key,
                Uuid::new_v4(),
                json!({
                    "kind": "case-note", "done_at": done_at, "target": case_id,
                    "fields": fields(&[("note", "Met on the night bus")]),
                }),
            ),
            sealed(
                &key,
                Uuid::new_v4(),
                json!({
                    "kind": "referral", "done_at": done_at, "target": child,
                    "fields": fields(&[("service", "psychosocial-support"),
                        ("to", "specialist:psychosocial"), ("urgency", "high"),
                        ("share", "needs"), ("reason", "Alone")]),
                }),
            ),
            sealed(
                &key,
                Uuid::new_v4(),
                json!({
                    "kind": "case-risk", "done_at": done_at, "target": case_id,
                    "fields": fields(&[("risk", "high"), ("seen", "medium")]),
                }),
            ),
            // The girl of the open case, registered again on a phone that did not hold her.
            sealed(
                &key,
                Uuid::new_v4(),
                json!({
                    "kind": "person", "done_at": done_at,
                    "fields": fields(&[("hub", &siret.id.to_string()), ("given_name", "Оксана"),
                        ("family_name", "Литвин"), ("sex", "female"), ("age", "12"),
                        ("consent_by", "child-assent")]),
                }),
            ),
            // Outside the team's hubs: refused as it would be online.
            sealed(
                &key,
                Uuid::new_v4(),
                json!({
                    "kind": "visit", "done_at": done_at,
                    "fields": fields(&[("hub", &isaccea.id.to_string()), ("female-18-59", "1"),
                        ("nationality", "UA")]),
                }),
            ),
            // Sealed under another key: unreadable, and said so.
            sealed(
                &data_key_from_base64(&format!("{}=", "A".repeat(43))).unwrap(),
                Uuid::new_v4(),
                json!({
                    "kind": "case-note", "done_at": done_at, "target": case_id,
                    "fields": fields(&[("note", "forged")]),
                }),
            ),
        ];
        let batch = json!({ "device": device, "operations": ops });
        let first = post_json(&app, "/staff/offline/sync", &worker, &batch).await;
        assert_eq!(first.status, StatusCode::OK, "{backend}: {}", first.body);
        assert_eq!(
            statuses(&first),
            [
                "done", "done", "done", "done", "conflict", "done", "refused", "refused"
            ],
            "{backend}: {}",
            first.body
        );
        let answers = parsed(&first);
        let conflict = &answers["results"][4]["outcome"];
        assert_eq!(conflict["field"], "risk");
        assert_eq!(conflict["seen"], "medium");
        assert_eq!(conflict["theirs"], "low");
        assert_eq!(conflict["mine"], "high");
        assert_eq!(conflict["changed_by"], lead_user.display_name.as_str());
        let person_id = person.rsplit('/').next().unwrap();
        assert_eq!(
            answers["results"][5]["outcome"]["similar"],
            json!([person_id]),
            "{backend}: the earlier record is pointed out"
        );
        assert!(
            answers["results"][0]["outcome"].get("similar").is_none(),
            "{backend}"
        );
        assert_eq!(
            answers["results"][6]["outcome"]["reason"],
            "You are not allowed to do this for this case or hub."
        );
        assert!(
            answers["results"][7]["outcome"]["reason"]
                .as_str()
                .unwrap()
                .contains("could not read"),
            "{backend}"
        );

        // The whole queue again (its answer was lost): the same answers, nothing new stored.
        let again = post_json(&app, "/staff/offline/sync", &worker, &batch).await;
        assert_eq!(parsed(&again)["results"], answers["results"], "{backend}");
        let boy = store
            .person(&keys, child)
            .await
            .unwrap()
            .expect("the boy is registered");
        assert_eq!(boy.hub_id, siret.id);
        let consents = store.consents(child).await.unwrap();
        assert_eq!(
            consents.len(),
            2,
            "{backend}: registration and referral, once each"
        );
        assert_eq!(
            store.referrals_of(&keys, child).await.unwrap().len(),
            1,
            "{backend}"
        );
        let day = siret
            .country
            .local_day(store.now() - chrono::Duration::hours(2));
        let visits = store.visits_on(siret.id, day).await.unwrap();
        assert_eq!(visits.len(), 1, "{backend}");
        assert_eq!(visits[0].draft.counts.total(), 3);
        let case = Uuid::parse_str(&case_id).unwrap();
        let history = store.case_history(&keys, case).await.unwrap();
        let notes = history
            .iter()
            .filter(|e| {
                e.text
                    .as_ref()
                    .is_some_and(|t| t.note == "Met on the night bus")
            })
            .count();
        assert_eq!(notes, 1, "{backend}");
        assert!(
            !history
                .iter()
                .any(|e| e.text.as_ref().is_some_and(|t| t.note == "forged")),
            "{backend}"
        );
        assert_eq!(
            store.case(case).await.unwrap().unwrap().state.risk.code(),
            "low",
            "{backend}: the clash is never settled silently"
        );

        // The worker keeps her level: a new operation from the level the server now has.
        let keep_mine = json!({ "device": device, "operations": [sealed(&key, Uuid::new_v4(), json!({
            "kind": "case-risk", "done_at": done_at, "target": case_id,
            "fields": fields(&[("risk", "high"), ("seen", "low")]),
        }))] });
        let settled = post_json(&app, "/staff/offline/sync", &worker, &keep_mine).await;
        assert_eq!(statuses(&settled), ["done"], "{backend}: {}", settled.body);
        assert_eq!(
            store.case(case).await.unwrap().unwrap().state.risk.code(),
            "high",
            "{backend}"
        );

        // The audit: who, what, and that it was done offline (when) and received now.
        let created = crate::support::audit_entries(&store, "person.create").await;
        let entry = created
            .iter()
            .find(|e| e.subject == format!("person:{child}"))
            .expect("the registration is audited");
        assert_eq!(entry.actor_id, Some(team.id));
        assert!(
            entry
                .source
                .contains(&format!(" offline {}Z device ", &done_at[..16])),
            "{backend}: {}",
            entry.source
        );
        assert!(
            entry.at > store.now() - chrono::Duration::minutes(5),
            "received now"
        );

        // Too many operations at once, or a device that is not the worker's: refused whole.
        let lead_enrolled = parsed(
            &post_json(
                &app,
                "/staff/offline/devices",
                &lead,
                &json!({ "hub": siret.id }),
            )
            .await,
        );
        let not_hers = json!({ "device": lead_enrolled["device"], "operations": [] });
        let refused = post_json(&app, "/staff/offline/sync", &worker, &not_hers).await;
        assert_eq!(
            refused.status,
            StatusCode::FORBIDDEN,
            "{backend}: {}",
            refused.body
        );

        // Past its time the device is told to send what it has and wipe.
        let later = store
            .clone()
            .with_clock(Clock::Fixed(store.now() + chrono::Duration::hours(13)));
        let (later_app, _) = app_and_keys(&later);
        assert_eq!(
            device_state(&later_app, &enrolled_device).await,
            "expired",
            "{backend}"
        );

        // Signed out everywhere (a phone lost): the device ends with the sessions.
        store.end_all_sessions(team.id).await.unwrap();
        assert_eq!(
            device_state(&app, &enrolled_device).await,
            "ended",
            "{backend}"
        );
        assert_eq!(device_state(&app, &device).await, "ended", "{backend}");
        // An account disabled: its devices end too.
        let lead_device = lead_enrolled["device"].as_str().unwrap();
        assert_eq!(device_state(&app, lead_device).await, "active", "{backend}");
        store
            .set_disabled(lead_user.id, true, crate::support::system())
            .await
            .unwrap();
        assert_eq!(device_state(&app, lead_device).await, "ended", "{backend}");
        assert_eq!(
            device_state(&app, &Uuid::new_v4().to_string()).await,
            "ended"
        );
    });
}
