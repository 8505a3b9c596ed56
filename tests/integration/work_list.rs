//! The staff home page as a work list, over HTTP on both backends: what waits for each
//! account, one tap from its page, and nothing of hubs outside its scope.

use axum::http::StatusCode;
use bluedot_core::policy::{Role, Scope};
use bluedot_store::Store;

use crate::on_both_backends;
use crate::staff::{
    account_signed_in, app, csrf_of, encode, open_case, register, send, version_of,
};

#[tokio::test]
async fn home_lists_what_waits_for_each_account() {
    on_both_backends!(async |store: Store, backend: &str, _url: String| {
        bluedot_cli::load_demo(&store).await.unwrap();
        let app = app(&store);
        let siret = store.hub_by_slug("siret-border").await.unwrap().unwrap();
        let isaccea = store.hub_by_slug("isaccea-border").await.unwrap().unwrap();
        let at = |hub: uuid::Uuid| Scope {
            hubs: vec![hub],
            ..Scope::default()
        };
        let worker =
            account_signed_in(&app, &store, "worker", Role::SocialWorker, at(siret.id)).await;
        let lead =
            account_signed_in(&app, &store, "lead", Role::HubCoordinator, at(siret.id)).await;
        let other =
            account_signed_in(&app, &store, "other", Role::HubCoordinator, at(isaccea.id)).await;

        let home = send(&app, "GET", "/staff", Some(&worker), None).await;
        assert!(home.body.contains("id=\"nothing-waits\""), "{backend}");

        // A case whose best interests assessment waits for the coordinator.
        let person = register(
            &app,
            &worker,
            siret.id,
            &format!(
                "given_name={}&family_name={}&sex=male&age=11&languages=uk&need=unaccompanied-child&consent_by=child-assent",
                encode("Тарас"),
                encode("Бондар")
            ),
        )
        .await;
        let worker_id = store.user_by_username("worker").await.unwrap().unwrap().id;
        let case = open_case(
            &app,
            &worker,
            &person,
            &format!("concern=unaccompanied&risk=high&assigned_to={worker_id}&screening=alone"),
        )
        .await;
        let csrf = csrf_of(&send(&app, "GET", &case, Some(&worker), None).await.body);
        for (step, note) in [
            ("assessment", "seen"),
            ("case-plan", "plan"),
            ("bia", "kinship care"),
        ] {
            let page = send(&app, "GET", &case, Some(&worker), None).await;
            let r = send(
                &app,
                "POST",
                &format!("{case}/step"),
                Some(&worker),
                Some(&format!(
                    "csrf={csrf}&version={}&step={step}&note={note}",
                    version_of(&page.body)
                )),
            )
            .await;
            assert_eq!(
                r.status,
                StatusCode::SEE_OTHER,
                "{backend} {step}: {}",
                r.body
            );
        }

        // The coordinator finds it waiting for approval, one tap from the case.
        let home = send(&app, "GET", "/staff", Some(&lead), None).await;
        assert!(home.body.contains("id=\"work-approvals\""), "{backend}");
        assert!(home.body.contains(&format!("href=\"{case}\"")), "{backend}");
        assert!(home.body.contains("Тарас Бондар"), "{backend}");
        assert!(!home.body.contains("id=\"nothing-waits\""), "{backend}");
        // The worker sees it among her cases that need attention, not as hers to approve.
        let home = send(&app, "GET", "/staff", Some(&worker), None).await;
        assert!(home.body.contains("id=\"work-cases\""), "{backend}");
        assert!(!home.body.contains("id=\"work-approvals\""), "{backend}");
        assert!(home.body.contains(&format!("href=\"{case}\"")), "{backend}");
        // A coordinator of another hub sees none of it.
        let home = send(&app, "GET", "/staff", Some(&other), None).await;
        assert!(!home.body.contains("Тарас"), "{backend}");

        // Reading names on the home page is audited.
        assert!(
            !crate::support::audit_entries(&store, "work-list.view")
                .await
                .is_empty(),
            "{backend}"
        );
    });
}
