//! People's records over HTTP on both backends: who may register, read, annotate, export,
//! anonymise and erase, and that each of those lands in the audit log.

use axum::http::StatusCode;
use bluedot_core::policy::{Role, Scope};
use bluedot_store::Store;

use crate::on_both_backends;
use crate::staff::{account_signed_in, app, csrf_of, encode, send};

fn hub_scope(id: uuid::Uuid) -> Scope {
    Scope {
        hubs: vec![id],
        ..Scope::default()
    }
}

/// Audit entries with this action, newest first.
async fn audited(store: &Store, action: &str) -> Vec<bluedot_store::audit::AuditEntry> {
    crate::support::audit_entries(store, action)
        .await
        .into_iter()
        .filter(|e| e.action == action)
        .collect()
}

#[tokio::test]
async fn each_role_sees_only_its_part_of_a_record() {
    on_both_backends!(async |store: Store, backend: &str, _url: String| {
        bluedot_cli::load_demo(&store).await.unwrap();
        let app = app(&store);
        let siret = store.hub_by_slug("siret-border").await.unwrap().unwrap();
        let medyka = store.hub_by_slug("medyka-border").await.unwrap().unwrap();
        let worker = account_signed_in(
            &app,
            &store,
            "worker",
            Role::SocialWorker,
            hub_scope(siret.id),
        )
        .await;
        let psy =
            account_signed_in(&app, &store, "psy", Role::Psychosocial, hub_scope(siret.id)).await;
        let legal =
            account_signed_in(&app, &store, "legal", Role::LegalAid, hub_scope(siret.id)).await;
        let desk = account_signed_in(
            &app,
            &store,
            "desk",
            Role::InformationDesk,
            hub_scope(siret.id),
        )
        .await;
        let elsewhere = account_signed_in(
            &app,
            &store,
            "medyka",
            Role::SocialWorker,
            hub_scope(medyka.id),
        )
        .await;
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

        // A registration with a mistake is refused with a message and writes nothing.
        let form = send(&app, "GET", "/staff/people/new", Some(&worker), None).await;
        assert_eq!(form.status, StatusCode::OK, "{backend}: {}", form.body);
        let csrf = csrf_of(&form.body);
        let fields = format!(
            "csrf={csrf}&hub={}&given_name={}&family_name={}&sex=female&birth_date=2014-05-02\
             &need=unaccompanied-child&need=child-at-risk&languages=uk&phone={}&consent_by=child-assent",
            siret.id,
            encode("Олена"),
            encode("Кравченко"),
            encode("+380 67 555 0101"),
        );
        let bad = send(
            &app,
            "POST",
            "/staff/people",
            Some(&worker),
            Some(&fields.replace("2014-05-02", "02.05.2014")),
        )
        .await;
        assert_eq!(bad.status, StatusCode::BAD_REQUEST, "{backend}");
        assert!(
            bad.body
                .contains("Date of birth: write the date as YYYY-MM-DD"),
            "{}",
            bad.body
        );
        assert!(
            bad.body.contains("value=\"Олена\""),
            "the form keeps what was typed"
        );
        assert!(
            audited(&store, "person.create").await.is_empty(),
            "{backend}"
        );

        let created = send(&app, "POST", "/staff/people", Some(&worker), Some(&fields)).await;
        assert_eq!(
            created.status,
            StatusCode::SEE_OTHER,
            "{backend}: {}",
            created.body
        );
        let path = created.location.unwrap();
        let record = send(&app, "GET", &path, Some(&worker), None).await;
        assert_eq!(record.status, StatusCode::OK);
        assert_eq!(record.cache_control.as_deref(), Some("no-store"));
        assert!(
            record.body.contains("Олена Кравченко") && record.body.contains("Olena Kravchenko")
        );
        assert!(record.body.contains("Unaccompanied child"));
        assert!(
            record.body.contains("the child (no adult responsible)"),
            "consent shown"
        );

        // Each specialist writes in their own part.
        let cookies = [
            ("worker", worker.clone()),
            ("psy", psy.clone()),
            ("legal", legal.clone()),
        ];
        let who_cookie = |who: &str| -> &str {
            cookies
                .iter()
                .find(|(w, _)| *w == who)
                .map(|(_, c)| c.as_str())
                .unwrap()
        };
        for (who, field, text) in [
            ("worker", "case-work", "Travelling with a neighbour"),
            (
                "psy",
                "psychosocial-notes",
                "Sleeps badly since the journey",
            ),
            ("legal", "legal-notes", "Temporary protection to apply for"),
        ] {
            let page = send(&app, "GET", &path, Some(who_cookie(who)), None).await;
            let csrf = csrf_of(&page.body);
            let r = send(
                &app,
                "POST",
                &format!("{path}/notes"),
                Some(who_cookie(who)),
                Some(&format!("csrf={csrf}&field={field}&body={}", encode(text))),
            )
            .await;
            assert_eq!(
                r.status,
                StatusCode::SEE_OTHER,
                "{backend} {who}: {}",
                r.body
            );
        }
        // Nobody writes in another's part.
        let page = send(&app, "GET", &path, Some(&legal), None).await;
        let forged = send(
            &app,
            "POST",
            &format!("{path}/notes"),
            Some(&legal),
            Some(&format!(
                "csrf={}&field=psychosocial-notes&body=x",
                csrf_of(&page.body)
            )),
        )
        .await;
        assert_eq!(forged.status, StatusCode::FORBIDDEN, "{backend}");

        let seen_by = |body: &str| {
            [
                "Travelling with a neighbour",
                "Sleeps badly",
                "Temporary protection",
            ]
            .map(|t| body.contains(t))
        };
        let w = send(&app, "GET", &path, Some(&worker), None).await.body;
        assert_eq!(seen_by(&w), [true, false, true], "{backend}: social worker");
        let p = send(&app, "GET", &path, Some(&psy), None).await.body;
        assert_eq!(seen_by(&p), [false, true, false], "{backend}: psychologist");
        let l = send(&app, "GET", &path, Some(&legal), None).await.body;
        assert_eq!(seen_by(&l), [false, false, true], "{backend}: legal aid");
        assert!(l.contains("Олена"), "legal aid sees who the person is");

        // The information desk, the analyst and another hub's worker see nothing.
        for (who, cookie) in [("desk", &desk), ("analyst", &analyst)] {
            let r = send(&app, "GET", &path, Some(cookie), None).await;
            assert_eq!(r.status, StatusCode::NOT_FOUND, "{backend} {who}");
            assert!(!r.body.contains("Кравченко"));
            let list = send(&app, "GET", "/staff/people", Some(cookie), None).await;
            assert_eq!(list.status, StatusCode::FORBIDDEN, "{backend} {who}");
        }
        let r = send(&app, "GET", &path, Some(&elsewhere), None).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{backend}: other hub");
        let list = send(&app, "GET", "/staff/people", Some(&elsewhere), None).await;
        assert!(!list.body.contains(&path), "{backend}");
        assert!(list.body.contains("id=\"no-people\""));

        // Search finds the person across scripts.
        for q in ["Олена", "olena", "KRAVCHENKO"] {
            let r = send(
                &app,
                "GET",
                &format!("/staff/people?q={}", encode(q)),
                Some(&worker),
                None,
            )
            .await;
            assert!(r.body.contains(&path), "{backend}: search {q}");
        }
        let r = send(&app, "GET", "/staff/people?q=Petrenko", Some(&worker), None).await;
        assert!(!r.body.contains(&path), "{backend}");

        // Every view is in the audit log, with the hub so coordinators find it; denials too.
        let views = audited(&store, "person.view").await;
        let ok = views.iter().filter(|e| e.outcome == "ok").count();
        let denied = views.iter().filter(|e| e.outcome == "denied").count();
        assert!(ok >= 6, "{backend}: {ok} views");
        assert_eq!(denied, 3, "{backend}");
        assert!(views.iter().all(|e| e.hub_id == Some(siret.id)));
        assert_eq!(audited(&store, "note.add").await.len(), 3);
        assert!(audited(&store, "person.search").await.len() >= 4);
    });
}

#[tokio::test]
async fn coordinators_export_anonymise_and_erase() {
    on_both_backends!(async |store: Store, backend: &str, _url: String| {
        bluedot_cli::load_demo(&store).await.unwrap();
        let app = app(&store);
        let siret = store.hub_by_slug("siret-border").await.unwrap().unwrap();
        let worker = account_signed_in(
            &app,
            &store,
            "worker",
            Role::SocialWorker,
            hub_scope(siret.id),
        )
        .await;
        let coordinator = account_signed_in(
            &app,
            &store,
            "coord",
            Role::HubCoordinator,
            hub_scope(siret.id),
        )
        .await;
        let mut paths = Vec::new();
        for name in ["Mariia", "Ivan"] {
            let csrf = csrf_of(
                &send(&app, "GET", "/staff/people/new", Some(&worker), None)
                    .await
                    .body,
            );
            let r = send(
                &app,
                "POST",
                "/staff/people",
                Some(&worker),
                Some(&format!(
                    "csrf={csrf}&hub={}&given_name={name}&family_name=Bondar&sex=unknown&age=9&consent_by=parent",
                    siret.id
                )),
            )
            .await;
            assert_eq!(r.status, StatusCode::SEE_OTHER, "{backend}: {}", r.body);
            paths.push(r.location.unwrap());
        }
        let (mariia, ivan) = (&paths[0], &paths[1]);

        // The person's own copy of their data.
        let export = send(
            &app,
            "GET",
            &format!("{mariia}/export"),
            Some(&coordinator),
            None,
        )
        .await;
        assert_eq!(export.status, StatusCode::OK, "{backend}");
        let json: serde_json::Value = serde_json::from_str(&export.body).unwrap();
        assert_eq!(json["identity"]["given_name"], "Mariia");
        assert_eq!(json["consents"][0]["given_by"], "parent");
        assert!(
            json["parts"]
                .as_array()
                .unwrap()
                .iter()
                .any(|p| p == "identity")
        );

        // Social workers may not anonymise or erase; coordinators must confirm.
        let page = send(&app, "GET", mariia, Some(&worker), None).await;
        assert!(!page.body.contains("/anonymise"), "{backend}");
        let csrf = csrf_of(&page.body);
        let r = send(
            &app,
            "POST",
            &format!("{mariia}/anonymise"),
            Some(&worker),
            Some(&format!("csrf={csrf}&confirm=yes")),
        )
        .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{backend}");
        let page = send(&app, "GET", mariia, Some(&coordinator), None).await;
        let csrf = csrf_of(&page.body);
        let r = send(
            &app,
            "POST",
            &format!("{mariia}/anonymise"),
            Some(&coordinator),
            Some(&format!("csrf={csrf}")),
        )
        .await;
        assert_eq!(
            r.status,
            StatusCode::BAD_REQUEST,
            "{backend}: no confirmation"
        );
        let r = send(
            &app,
            "POST",
            &format!("{mariia}/anonymise"),
            Some(&coordinator),
            Some(&format!("csrf={csrf}&confirm=yes")),
        )
        .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{backend}: {}", r.body);
        let page = send(&app, "GET", mariia, Some(&coordinator), None).await;
        assert!(
            !page.body.contains("Mariia") && page.body.contains("anonymised"),
            "{backend}"
        );

        let r = send(
            &app,
            "POST",
            &format!("{ivan}/erase"),
            Some(&coordinator),
            Some(&format!("csrf={csrf}&confirm=yes")),
        )
        .await;
        assert_eq!(r.location.as_deref(), Some("/staff/people"), "{backend}");
        assert_eq!(
            send(&app, "GET", ivan, Some(&coordinator), None)
                .await
                .status,
            StatusCode::NOT_FOUND
        );

        for action in ["person.export", "person.anonymise", "person.erase"] {
            let entries = audited(&store, action).await;
            assert!(
                entries
                    .iter()
                    .any(|e| e.outcome == "ok" && e.hub_id == Some(siret.id)),
                "{backend}: {action}"
            );
        }
        // A forged request without the session's CSRF token changes nothing.
        let r = send(
            &app,
            "POST",
            &format!("{mariia}/erase"),
            Some(&coordinator),
            Some("csrf=forged&confirm=yes"),
        )
        .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{backend}");
        assert_eq!(
            send(&app, "GET", mariia, Some(&coordinator), None)
                .await
                .status,
            StatusCode::OK
        );
    });
}

#[tokio::test]
async fn a_second_registration_of_the_same_child_is_caught_across_scripts() {
    on_both_backends!(async |store: Store, backend: &str, _url: String| {
        bluedot_cli::load_demo(&store).await.unwrap();
        let app = app(&store);
        let siret = store.hub_by_slug("siret-border").await.unwrap().unwrap();
        let medyka = store.hub_by_slug("medyka-border").await.unwrap().unwrap();
        let worker = account_signed_in(
            &app,
            &store,
            "worker",
            Role::SocialWorker,
            hub_scope(siret.id),
        )
        .await;
        let polish = account_signed_in(
            &app,
            &store,
            "polish",
            Role::SocialWorker,
            hub_scope(medyka.id),
        )
        .await;
        let register = async |cookie: &str,
                              hub: uuid::Uuid,
                              given: &str,
                              family: &str,
                              extra: &str| {
            let csrf = csrf_of(
                &send(&app, "GET", "/staff/people/new", Some(cookie), None)
                    .await
                    .body,
            );
            send(
                &app,
                "POST",
                "/staff/people",
                Some(cookie),
                Some(&format!(
                    "csrf={csrf}&hub={hub}&given_name={}&family_name={}&sex=male&age=10&consent_by=parent{extra}",
                    encode(given),
                    encode(family)
                )),
            )
            .await
        };
        let first = register(&worker, siret.id, "Олександр", "Коваленко", "").await;
        assert_eq!(
            first.status,
            StatusCode::SEE_OTHER,
            "{backend}: {}",
            first.body
        );
        let path = first.location.unwrap();

        // The same boy, spelled the Russian way in Latin letters: warned, nothing written.
        let again = register(&worker, siret.id, "Aleksandr", "Kovalenko", "").await;
        assert_eq!(again.status, StatusCode::BAD_REQUEST, "{backend}");
        assert!(again.body.contains("id=\"duplicates\""), "{backend}");
        assert!(again.body.contains(&path), "the earlier record is linked");
        assert!(again.body.contains("name=\"confirmed_new\""));

        // At a Polish hub the worker learns nothing of the match outside their scope, not even
        // that it exists: the registration goes through like any other.
        let elsewhere = register(&polish, medyka.id, "Oleksandr", "Kowalenko", "").await;
        assert_eq!(elsewhere.status, StatusCode::SEE_OTHER, "{backend}");
        let page = send(
            &app,
            "GET",
            elsewhere.location.as_deref().unwrap(),
            Some(&polish),
            None,
        )
        .await;
        assert!(!page.body.contains(&path) && !page.body.contains("Коваленко"));
        assert!(
            !page.body.contains("Siret"),
            "{backend}: no hint where the child is"
        );

        // A confirmed new registration goes through; a namesake thirty years older is not
        // flagged at all.
        let confirmed = register(
            &worker,
            siret.id,
            "Aleksandr",
            "Kovalenko",
            "&confirmed_new=yes",
        )
        .await;
        assert_eq!(confirmed.status, StatusCode::SEE_OTHER, "{backend}");
        let father = register(&worker, siret.id, "Oleksandr", "Kovalenko", "").await;
        assert_eq!(
            father.status,
            StatusCode::BAD_REQUEST,
            "{backend}: same age, still warned"
        );
        let csrf = csrf_of(
            &send(&app, "GET", "/staff/people/new", Some(&worker), None)
                .await
                .body,
        );
        let father = send(
            &app,
            "POST",
            "/staff/people",
            Some(&worker),
            Some(&format!(
                "csrf={csrf}&hub={}&given_name=Oleksandr&family_name=Kovalenko&sex=male&age=40&consent_by=person",
                siret.id
            )),
        )
        .await;
        assert_eq!(
            father.status,
            StatusCode::SEE_OTHER,
            "{backend}: thirty years apart"
        );
        let warnings = audited(&store, "person.duplicate-warning").await;
        assert_eq!(warnings.len(), 2, "{backend}: none for the Polish worker");
    });
}
