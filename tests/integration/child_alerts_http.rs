//! The information desk flags a child for the hub's social workers, over HTTP on both
//! backends: the desk sees no record, the hub's workers see the flag at once and one takes it.

use axum::http::StatusCode;
use bluedot_core::policy::{Role, Scope};
use bluedot_store::Store;

use crate::on_both_backends;
use crate::staff::{account_signed_in, app, csrf_of, encode, send};

#[tokio::test]
async fn the_desk_flags_a_child_and_a_social_worker_takes_it() {
    on_both_backends!(async |store: Store, backend: &str, url: String| {
        bluedot_cli::load_demo(&store).await.unwrap();
        let app = app(&store);
        let at = |slug: &'static str| {
            let store = store.clone();
            async move {
                Scope {
                    hubs: vec![store.hub_by_slug(slug).await.unwrap().unwrap().id],
                    ..Scope::default()
                }
            }
        };
        let siret = store.hub_by_slug("siret-border").await.unwrap().unwrap();
        let desk = account_signed_in(
            &app,
            &store,
            "desk",
            Role::InformationDesk,
            at("siret-border").await,
        )
        .await;
        let worker = account_signed_in(
            &app,
            &store,
            "worker",
            Role::SocialWorker,
            at("siret-border").await,
        )
        .await;
        let elsewhere = account_signed_in(
            &app,
            &store,
            "other",
            Role::SocialWorker,
            at("isaccea-border").await,
        )
        .await;

        // The desk still opens no record, but has the flag form.
        let people = send(&app, "GET", "/staff/people", Some(&desk), None).await;
        assert_eq!(people.status, StatusCode::FORBIDDEN, "{backend}");
        let home = send(&app, "GET", "/staff", Some(&desk), None).await;
        assert!(home.body.contains("href=\"/staff/flag\""), "{backend}");
        let form = send(&app, "GET", "/staff/flag", Some(&desk), None).await;
        assert_eq!(form.status, StatusCode::OK, "{backend}");
        let csrf = csrf_of(&form.body);

        // A refused flag keeps what was typed and says what is missing beside each field.
        let seen = "Boy about 10, alone in the queue, says his mother stayed in Odesa";
        let refused = send(
            &app,
            "POST",
            "/staff/flag",
            Some(&desk),
            Some(&format!(
                "csrf={csrf}&hub={}&seen={}&where_now=",
                siret.id,
                encode(seen)
            )),
        )
        .await;
        assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{backend}");
        assert!(refused.body.contains(seen), "{backend}: the text is kept");
        for id in [
            "flag-concern-error",
            "flag-urgency-error",
            "flag-where-now-error",
        ] {
            assert!(
                refused.body.contains(&format!("id=\"{id}\"")),
                "{backend}: {id}"
            );
        }
        assert!(
            !refused.body.contains("id=\"flag-seen-error\""),
            "{backend}"
        );

        let raised = send(
            &app,
            "POST",
            "/staff/flag",
            Some(&desk),
            Some(&format!(
                "csrf={csrf}&hub={}&concern=unaccompanied-child&urgency=high&seen={}&where_now={}",
                siret.id,
                encode(seen),
                encode("Bench by the information desk, with a volunteer")
            )),
        )
        .await;
        assert_eq!(
            raised.status,
            StatusCode::SEE_OTHER,
            "{backend}: {}",
            raised.body
        );
        let confirmed = send(
            &app,
            "GET",
            raised.location.as_deref().unwrap(),
            Some(&desk),
            None,
        )
        .await;
        assert!(confirmed.body.contains("id=\"flag-sent\""), "{backend}");
        // What the desk typed is stored encrypted.
        let raw = stored_texts(&url).await;
        assert_eq!(raw.len(), 1, "{backend}");
        assert!(
            raw.iter()
                .all(|s| !s.contains("Odesa") && s.contains("enc:")),
            "{backend}"
        );

        // The hub's social worker sees it at once; a worker at another hub does not.
        let home = send(&app, "GET", "/staff", Some(&worker), None).await;
        assert!(home.body.contains("id=\"flags\""), "{backend}");
        assert!(
            home.body.contains(seen) && home.body.contains("with a volunteer"),
            "{backend}"
        );
        assert!(home.body.contains("Unaccompanied child"), "{backend}");
        let other = send(&app, "GET", "/staff", Some(&elsewhere), None).await;
        assert!(!other.body.contains(seen), "{backend}");
        let desk_home = send(&app, "GET", "/staff", Some(&desk), None).await;
        assert!(
            !desk_home.body.contains(seen),
            "{backend}: the desk does not read flags back"
        );

        // The worker takes it; the other hub's worker may not, and nobody takes it twice.
        let id = crate::staff::between(&home.body, "id=\"flag-", "\"").to_owned();
        let take = |cookie: String| {
            let app = app.clone();
            let id = id.clone();
            async move {
                let csrf = csrf_of(&send(&app, "GET", "/staff", Some(&cookie), None).await.body);
                send(
                    &app,
                    "POST",
                    &format!("/staff/flags/{id}/take"),
                    Some(&cookie),
                    Some(&format!("csrf={csrf}")),
                )
                .await
            }
        };
        assert_eq!(
            take(elsewhere.clone()).await.status,
            StatusCode::FORBIDDEN,
            "{backend}"
        );
        assert_eq!(
            take(worker.clone()).await.status,
            StatusCode::SEE_OTHER,
            "{backend}"
        );
        let again = take(worker.clone()).await;
        assert_eq!(again.status, StatusCode::BAD_REQUEST, "{backend}");
        let home = send(&app, "GET", "/staff", Some(&worker), None).await;
        assert!(home.body.contains("class=\"meta flag-taken\""), "{backend}");
        assert!(
            home.body.contains("Taken by worker"),
            "{backend}: {}",
            home.body
        );

        // A body past what a form accepts gets a page that says what to do, not a bare refusal.
        let huge = format!("csrf={csrf}&seen={}", "a".repeat(3 * 1024 * 1024));
        let refused = send(&app, "POST", "/staff/flag", Some(&desk), Some(&huge)).await;
        assert_eq!(refused.status, StatusCode::PAYLOAD_TOO_LARGE, "{backend}");
        assert!(refused.body.contains("<html lang=\"en\""), "{backend}");
        assert!(
            refused.body.contains("back button"),
            "{backend}: {}",
            refused.body
        );

        for action in ["child-alert.raise", "child-alert.take"] {
            assert_eq!(
                crate::support::audit_entries(&store, action).await.len(),
                1,
                "{backend}: {action}"
            );
        }
    });
}

/// The stored texts of every flag, read with a plain connection.
async fn stored_texts(url: &str) -> Vec<String> {
    use sqlx::Connection;
    let sql = "SELECT seen || where_now FROM child_alerts";
    let rows: Vec<(String,)> = if url.starts_with("postgres") {
        let mut c = sqlx::PgConnection::connect(url).await.unwrap();
        sqlx::query_as(sql).fetch_all(&mut c).await.unwrap()
    } else {
        let mut c = sqlx::SqliteConnection::connect(url).await.unwrap();
        sqlx::query_as(sql).fetch_all(&mut c).await.unwrap()
    };
    rows.into_iter().map(|r| r.0).collect()
}
