//! Referrals on both backends: consent first, a queue per specialist, forward-only status with
//! feedback, and one winner when two receivers act at once.

use bluedot_core::ServiceKind;
use bluedot_core::person::{ConsentGiver, ConsentPurpose};
use bluedot_core::policy::{Field, Role, Scope};
use bluedot_core::referral::{ReferralStatus, Urgency};
use bluedot_store::Store;
use bluedot_store::people::NewConsent;
use bluedot_store::referrals::{NewReferral, ReferralTo};

use crate::on_both_backends;
use crate::people::{child, demo_hub, keys};

#[tokio::test]
async fn a_referral_needs_consent_and_moves_only_forward() {
    on_both_backends!(async |store: Store, backend: &str, _url: String| {
        let keys = keys();
        let hub = demo_hub(&store, "siret-border").await;
        let person = store
            .create_person(&keys, &child(&hub), crate::support::system())
            .await
            .unwrap();
        let new = NewReferral {
            person_id: person,
            hub_id: hub.id,
            country: hub.country,
            service: ServiceKind::LegalCounselling,
            to: ReferralTo::Specialist(Role::LegalAid),
            urgency: Urgency::High,
            shared: vec![Field::Identity, Field::Needs],
            reason: "Needs temporary protection papers".into(),
            created_by: None,
            deployment_id: None,
        };
        let err = store
            .create_referral(&keys, &new, crate::support::system())
            .await
            .unwrap_err();
        assert!(err.to_string().contains("consent"), "{backend}: {err}");
        store
            .record_consent(
                person,
                &NewConsent {
                    purpose: ConsentPurpose::Referral,
                    given_by: ConsentGiver::ChildAssent,
                    recorded_by: None,
                },
                crate::support::system(),
            )
            .await
            .unwrap();
        let id = store
            .create_referral(&keys, &new, crate::support::system())
            .await
            .unwrap();
        let referral = store.referral(&keys, id).await.unwrap().unwrap();
        assert_eq!(referral.status, ReferralStatus::Sent, "{backend}");
        assert_eq!(referral.reason, "Needs temporary protection papers");
        assert_eq!((referral.due_at - referral.created_at).num_hours(), 24);

        let scope = Scope {
            hubs: vec![hub.id],
            ..Scope::default()
        };
        let legal_queue = store
            .referral_queue(&keys, &scope, Some(Role::LegalAid))
            .await
            .unwrap();
        assert_eq!(legal_queue.len(), 1, "{backend}");
        assert!(
            store
                .referral_queue(&keys, &scope, Some(Role::Psychosocial))
                .await
                .unwrap()
                .is_empty()
        );
        let elsewhere = Scope {
            countries: vec![bluedot_core::Country::Poland],
            ..Scope::default()
        };
        assert!(
            store
                .referral_queue(&keys, &elsewhere, None)
                .await
                .unwrap()
                .is_empty()
        );

        // Out of order: a sent referral cannot be completed.
        assert!(
            store
                .move_referral(
                    &keys,
                    id,
                    ReferralStatus::Completed,
                    "done",
                    crate::support::system()
                )
                .await
                .is_err()
        );
        // Two lawyers accept at once: one wins.
        let (a, b) = tokio::join!(
            store.move_referral(
                &keys,
                id,
                ReferralStatus::Accepted,
                "",
                crate::support::system()
            ),
            store.move_referral(
                &keys,
                id,
                ReferralStatus::Accepted,
                "",
                crate::support::system()
            ),
        );
        assert_eq!(
            [a.is_ok(), b.is_ok()].iter().filter(|ok| **ok).count(),
            1,
            "{backend}"
        );
        store
            .move_referral(
                &keys,
                id,
                ReferralStatus::Completed,
                "Application filed on 22 Nov",
                crate::support::system(),
            )
            .await
            .unwrap();
        let done = store.referral(&keys, id).await.unwrap().unwrap();
        assert_eq!(done.status, ReferralStatus::Completed);
        assert_eq!(
            done.feedback.as_deref(),
            Some("Application filed on 22 Nov")
        );
        assert!(
            store
                .referral_queue(&keys, &scope, None)
                .await
                .unwrap()
                .is_empty(),
            "{backend}"
        );
        assert_eq!(store.referrals_of(&keys, person).await.unwrap().len(), 1);
    });
}
