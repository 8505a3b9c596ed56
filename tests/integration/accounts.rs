//! Staff accounts, one-time links and sessions on both backends.

use bluedot_core::Country;
use bluedot_core::policy::{Role, Scope};
use bluedot_store::Store;
use bluedot_store::accounts::SessionLimits;
use chrono::Duration;

use crate::on_both_backends;

fn romania() -> Scope {
    Scope {
        countries: vec![Country::Romania],
        ..Scope::default()
    }
}

#[tokio::test]
async fn accounts_are_created_once_and_validated() {
    on_both_backends!(async |store: Store, backend: &str, _url: String| {
        let user = store
            .create_user(
                "Ana.Pop",
                "Ana Pop",
                Role::SocialWorker,
                &romania(),
                crate::support::system(),
            )
            .await
            .unwrap();
        assert_eq!(user.username, "ana.pop", "{backend}");
        assert_eq!(user.role, Role::SocialWorker);
        assert_eq!(user.scope, romania());
        assert!(user.password_hash.is_none());
        let dup = store
            .create_user(
                "ana.pop",
                "Other",
                Role::LegalAid,
                &romania(),
                crate::support::system(),
            )
            .await
            .unwrap_err();
        assert!(dup.to_string().contains("taken"), "{backend}: {dup}");
        assert!(
            store
                .create_user(
                    "x",
                    "X",
                    Role::LegalAid,
                    &romania(),
                    crate::support::system()
                )
                .await
                .is_err()
        );
        assert!(
            store
                .create_user(
                    "nobody",
                    "No scope",
                    Role::LegalAid,
                    &Scope::default(),
                    crate::support::system()
                )
                .await
                .is_err()
        );
        assert_eq!(store.list_users().await.unwrap().len(), 1, "{backend}");
    });
}

#[tokio::test]
async fn setup_links_work_once_and_expire() {
    on_both_backends!(async |store: Store, backend: &str, _url: String| {
        let user = store
            .create_user(
                "ion",
                "Ion",
                Role::LegalAid,
                &romania(),
                crate::support::system(),
            )
            .await
            .unwrap();
        let token = store
            .create_setup_link(
                user.id,
                Duration::hours(24),
                crate::support::system(),
                "user.setup-link",
            )
            .await
            .unwrap();
        assert_eq!(
            store.setup_link_user(&token).await.unwrap(),
            Some(user.id),
            "{backend}"
        );
        assert_eq!(
            store.consume_setup_link(&token).await.unwrap(),
            Some(user.id)
        );
        assert_eq!(
            store.consume_setup_link(&token).await.unwrap(),
            None,
            "{backend}: used up"
        );
        let expired = store
            .create_setup_link(
                user.id,
                Duration::seconds(-1),
                crate::support::system(),
                "user.setup-link",
            )
            .await
            .unwrap();
        assert_eq!(
            store.setup_link_user(&expired).await.unwrap(),
            None,
            "{backend}"
        );
        assert_eq!(store.consume_setup_link("made-up").await.unwrap(), None);
    });
}

#[tokio::test]
async fn sessions_time_out_and_end_everywhere() {
    on_both_backends!(async |store: Store, backend: &str, _url: String| {
        let user = store
            .create_user(
                "maria",
                "Maria",
                Role::HubCoordinator,
                &romania(),
                crate::support::system(),
            )
            .await
            .unwrap();
        let limits = SessionLimits::default();
        let a = store.create_session(user.id, false, limits).await.unwrap();
        let b = store.create_session(user.id, true, limits).await.unwrap();
        let s = store.session(&a, limits).await.unwrap().unwrap();
        assert!(!s.second_factor, "{backend}");
        let renewed = store
            .renew_session_after_second_factor(&a)
            .await
            .unwrap()
            .unwrap();
        assert_ne!(renewed, a);
        let s2 = store.session(&renewed, limits).await.unwrap().unwrap();
        assert!(s2.second_factor, "{backend}");
        assert_ne!(
            s2.csrf_token, s.csrf_token,
            "{backend}: a new CSRF token too"
        );
        assert!(
            store.session(&a, limits).await.unwrap().is_none(),
            "{backend}: the old id is dead"
        );
        assert!(
            store
                .renew_session_after_second_factor(&a)
                .await
                .unwrap()
                .is_none()
        );
        // With no idle time allowed, the session is gone at the next request.
        let strict = SessionLimits {
            idle: Duration::zero(),
            ..limits
        };
        assert!(
            store.session(&b, strict).await.unwrap().is_none(),
            "{backend}"
        );
        assert!(
            store.session(&b, limits).await.unwrap().is_none(),
            "removed, not just hidden"
        );
        let c = store.create_session(user.id, true, limits).await.unwrap();
        assert_eq!(
            store.end_all_sessions(user.id).await.unwrap(),
            2,
            "{backend}"
        );
        assert!(store.session(&c, limits).await.unwrap().is_none());
        assert!(
            store
                .session("not-a-token", limits)
                .await
                .unwrap()
                .is_none()
        );
    });
}

#[tokio::test]
async fn failed_logins_lock_the_account() {
    on_both_backends!(async |store: Store, backend: &str, _url: String| {
        let user = store
            .create_user(
                "petru",
                "Petru",
                Role::LegalAid,
                &romania(),
                crate::support::system(),
            )
            .await
            .unwrap();
        let claim = || store.claim_sign_in_guess(user.id, 5, Duration::minutes(15));
        for _ in 0..4 {
            assert!(claim().await.unwrap(), "{backend}");
        }
        assert!(
            store
                .user(user.id)
                .await
                .unwrap()
                .unwrap()
                .locked_until
                .is_none(),
            "{backend}"
        );
        // The fifth guess is still checked, and its claim locks the account at once.
        assert!(claim().await.unwrap());
        let locked = store.user(user.id).await.unwrap().unwrap();
        assert_eq!(locked.failed_logins, 5);
        assert!(locked.locked_until.is_some(), "{backend}");
        assert!(!claim().await.unwrap(), "{backend}: no sixth guess");
        // Had the fifth been right, the lock it brought on would be lifted.
        store.sign_in_guess_right(user.id, 5).await.unwrap();
        let lifted = store.user(user.id).await.unwrap().unwrap();
        assert_eq!(lifted.failed_logins, 4, "{backend}");
        assert!(lifted.locked_until.is_none());
        assert!(claim().await.unwrap());
        assert!(!claim().await.unwrap());
        store.clear_failed_logins(user.id).await.unwrap();
        assert!(
            store
                .user(user.id)
                .await
                .unwrap()
                .unwrap()
                .locked_until
                .is_none()
        );
        let codes = vec!["h1".to_owned(), "h2".to_owned()];
        store
            .set_credentials(user.id, "hash", "enc", &codes, crate::support::system())
            .await
            .unwrap();
        assert!(
            store.use_recovery_code(user.id, "h1").await.unwrap(),
            "{backend}"
        );
        assert!(
            !store.use_recovery_code(user.id, "h1").await.unwrap(),
            "{backend}: once only"
        );
        assert_eq!(
            store.user(user.id).await.unwrap().unwrap().recovery_codes,
            vec!["h2".to_owned()]
        );
        assert!(
            store
                .set_disabled(user.id, true, crate::support::system())
                .await
                .unwrap()
        );
        assert!(store.user(user.id).await.unwrap().unwrap().disabled);
    });
}

#[tokio::test]
async fn a_new_role_ends_the_sessions_of_the_old_one() {
    on_both_backends!(async |store: Store, backend: &str, _url: String| {
        let user = store
            .create_user(
                "radu",
                "Radu",
                Role::InformationDesk,
                &romania(),
                crate::support::system(),
            )
            .await
            .unwrap();
        let limits = SessionLimits::default();
        let session = store.create_session(user.id, true, limits).await.unwrap();
        assert!(
            store
                .change_role(
                    user.id,
                    Role::HubCoordinator,
                    &romania(),
                    crate::support::system()
                )
                .await
                .unwrap(),
            "{backend}"
        );
        assert!(
            store.session(&session, limits).await.unwrap().is_none(),
            "{backend}: the session opened under the old role is gone"
        );
        let changed = store.user(user.id).await.unwrap().unwrap();
        assert_eq!(changed.role, Role::HubCoordinator);
        let entries = crate::support::audit_entries(&store, "user.role").await;
        assert_eq!(entries.len(), 1, "{backend}");
        assert!(
            store
                .change_role(
                    user.id,
                    Role::HubCoordinator,
                    &Default::default(),
                    crate::support::system()
                )
                .await
                .is_err(),
            "an empty scope is refused"
        );
    });
}
