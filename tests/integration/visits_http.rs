//! The visit counter over HTTP on both backends: quick recording, no duplicates on retry,
//! clear refusals, logged corrections, and only at one's own hubs.

use axum::http::StatusCode;
use bluedot_core::policy::{Role, Scope};
use bluedot_store::Store;
use bluedot_store::visits::VisitStatus;

use crate::on_both_backends;
use crate::staff::{account_signed_in, app, between, csrf_of, send};

#[tokio::test]
async fn the_counter_records_each_group_once_and_corrects_with_a_reason() {
    on_both_backends!(async |store: Store, backend: &str, _url: String| {
        bluedot_cli::load_demo(&store).await.unwrap();
        let app = app(&store);
        let siret = store.hub_by_slug("siret-border").await.unwrap().unwrap();
        let isaccea = store.hub_by_slug("isaccea-border").await.unwrap().unwrap();
        let scope = Scope {
            hubs: vec![siret.id],
            ..Scope::default()
        };
        let desk = account_signed_in(&app, &store, "desk", Role::InformationDesk, scope).await;
        let analyst = account_signed_in(
            &app,
            &store,
            "analyst",
            Role::DataAnalyst,
            Scope {
                everywhere: true,
                ..Scope::default()
            },
        )
        .await;

        let page = send(&app, "GET", "/staff/visits", Some(&desk), None).await;
        assert_eq!(page.status, StatusCode::OK, "{backend}: {}", page.body);
        assert!(page.body.contains("Blue Dot Siret"));
        let csrf = csrf_of(&page.body);
        let key = between(&page.body, "name=\"key\" value=\"", "\"").to_owned();
        let group = format!(
            "csrf={csrf}&hub={}&key={key}&female-18-59=1&male-5-11=2&female-0-4=&disability=1\
             &service=information-desk&nationality=UA",
            siret.id
        );
        // The same submission twice (a double tap, or a retry after a lost answer).
        for _ in 0..2 {
            let r = send(&app, "POST", "/staff/visits", Some(&desk), Some(&group)).await;
            assert_eq!(r.status, StatusCode::SEE_OTHER, "{backend}: {}", r.body);
        }
        let today = chrono::Utc::now()
            .with_timezone(&siret.country.timezone())
            .date_naive();
        let visits = store.visits_on(siret.id, today).await.unwrap();
        assert_eq!(visits.len(), 1, "{backend}: recorded once");
        assert_eq!(visits[0].draft.counts.total(), 3);

        // Bad input: a clear message, the form kept, nothing written.
        let bad = send(
            &app,
            "POST",
            "/staff/visits",
            Some(&desk),
            Some(&format!(
                "csrf={csrf}&hub={}&key=another-key-1&female-18-59=1&disability=4&nationality=UA",
                siret.id
            )),
        )
        .await;
        assert_eq!(bad.status, StatusCode::BAD_REQUEST, "{backend}");
        assert!(
            bad.body
                .contains("People with a disability: cannot be more than the people in the group"),
            "{}",
            bad.body
        );
        let bad = send(
            &app,
            "POST",
            "/staff/visits",
            Some(&desk),
            Some(&format!(
                "csrf={csrf}&hub={}&key=another-key-2&female-18-59=lots&nationality=UA",
                siret.id
            )),
        )
        .await;
        assert_eq!(bad.status, StatusCode::BAD_REQUEST, "{backend}");
        assert_eq!(store.visits_on(siret.id, today).await.unwrap().len(), 1);

        // The counter's script asks for JSON and gets today's figures back.
        let mut with_grandfather = group.replace(&key, "json-key-0001");
        with_grandfather.push_str("&male-60plus=1");
        let json = send_json(&app, &desk, &with_grandfather).await;
        assert_eq!(json["created"], true, "{backend}");
        assert_eq!(json["today"]["people"], 7);
        assert_eq!(json["today"]["visits"], 2);

        // Not at another hub, and not for an analyst.
        let elsewhere = group
            .replace(&siret.id.to_string(), &isaccea.id.to_string())
            .replace(&key, "k-elsewhere");
        let r = send(&app, "POST", "/staff/visits", Some(&desk), Some(&elsewhere)).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{backend}");
        assert_eq!(
            send(&app, "GET", "/staff/visits", Some(&analyst), None)
                .await
                .status,
            StatusCode::FORBIDDEN
        );

        // A correction keeps the old row with the reason; the figures follow the new one.
        let id = visits[0].id;
        let form = send(
            &app,
            "GET",
            &format!("/staff/visits/{id}/correct"),
            Some(&desk),
            None,
        )
        .await;
        assert_eq!(form.status, StatusCode::OK);
        assert!(
            form.body.contains("id=\"male-5-11\" value=\"2\""),
            "prefilled: {}",
            form.body
        );
        let fix_key = between(&form.body, "name=\"key\" value=\"", "\"").to_owned();
        let r = send(
            &app,
            "POST",
            &format!("/staff/visits/{id}/correct"),
            Some(&desk),
            Some(&format!("csrf={csrf}&hub={}&key={fix_key}&female-18-59=1&male-5-11=1&nationality=UA&reason=one+child", siret.id)),
        )
        .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{backend}: {}", r.body);
        let old = store.visit(id).await.unwrap().unwrap();
        assert_eq!(old.status, VisitStatus::Corrected, "{backend}");
        assert_eq!(old.change_reason.as_deref(), Some("one child"));
        let figures = store.day_figures(siret.id, today).await.unwrap();
        assert_eq!(figures.counts.total(), 6, "{backend}: 2 + 4");
        let r = send(
            &app,
            "POST",
            &format!("/staff/visits/{id}/void"),
            Some(&desk),
            Some(&format!("csrf={csrf}&reason=x")),
        )
        .await;
        assert_eq!(
            r.status,
            StatusCode::BAD_REQUEST,
            "{backend}: a corrected visit cannot be removed"
        );

        let audit = store
            .search_audit(&bluedot_store::audit::AuditQuery {
                action_prefix: Some("visit.".into()),
                limit: 50,
                ..Default::default()
            })
            .await
            .unwrap();
        let actions: Vec<&str> = audit.iter().map(|e| e.action.as_str()).collect();
        assert_eq!(
            actions.iter().filter(|a| **a == "visit.create").count(),
            2,
            "{backend}: {actions:?}"
        );
        assert!(actions.contains(&"visit.correct"));

        // A desk at another hub cannot open the visit: "not found", and the attempt is audited.
        let isaccea_desk = account_signed_in(
            &app,
            &store,
            "isaccea-desk",
            Role::InformationDesk,
            Scope {
                hubs: vec![isaccea.id],
                ..Scope::default()
            },
        )
        .await;
        let stranger = send(
            &app,
            "GET",
            &format!("/staff/visits/{id}/correct"),
            Some(&isaccea_desk),
            None,
        )
        .await;
        assert_eq!(stranger.status, StatusCode::NOT_FOUND, "{backend}");
        let denied = crate::support::audit_entries(&store, "visit.correct").await;
        assert!(
            denied
                .iter()
                .any(|e| e.outcome == "denied" && e.subject == format!("visit:{id}")),
            "{backend}: the refusal is audited"
        );
    });
}

async fn send_json(app: &axum::Router, cookie: &str, form: &str) -> serde_json::Value {
    use axum::body::Body;
    use axum::http::{Request, header};
    use http_body_util::BodyExt;
    use tower::ServiceExt;
    let req = Request::builder()
        .method("POST")
        .uri("/staff/visits")
        .header(header::HOST, "staff.test")
        .header(header::COOKIE, format!("bluedot_staff={cookie}"))
        .header(header::ACCEPT, "application/json")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(form.to_owned()))
        .unwrap();
    let res = app.clone().oneshot(req).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    serde_json::from_slice(&bytes).unwrap()
}
