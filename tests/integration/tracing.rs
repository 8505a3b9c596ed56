//! Family tracing in the store on both backends: public requests verified first, candidates
//! proposed and decided in order, reunification recorded, personal data encrypted, and only
//! children with consent to tracing offered to the matcher.

use bluedot_core::person::{ConsentGiver, ConsentPurpose};
use bluedot_core::tracing_request::{MatchStatus, RequesterInfo, Sought, TracingStatus};
use bluedot_store::Store;
use bluedot_store::people::NewConsent;
use bluedot_store::tracing::{NewTracingRequest, Reunification, TracingConsent};
use sqlx::Connection;
use uuid::Uuid;

use crate::on_both_backends;
use crate::people::{child, demo_hub, keys};

#[tokio::test]
async fn a_request_goes_from_the_public_form_to_reunification() {
    on_both_backends!(async |store: Store, backend: &str, url: String| {
        let keys = keys();
        let hub = demo_hub(&store, "siret-border").await;
        let worker = store
            .create_user(
                "worker",
                "Worker",
                bluedot_core::policy::Role::SocialWorker,
                &bluedot_core::policy::Scope {
                    hubs: vec![hub.id],
                    ..Default::default()
                },
                crate::support::system(),
            )
            .await
            .unwrap()
            .id;
        let by_worker = bluedot_store::audit::Change {
            actor_id: Some(worker),
            ..bluedot_store::audit::Change::by_system("test")
        };
        // Two unaccompanied children; only one may be compared for tracing.
        let olena = store
            .create_person(&keys, &child(&hub), crate::support::system())
            .await
            .unwrap();
        let other = store
            .create_person(&keys, &child(&hub), crate::support::system())
            .await
            .unwrap();
        store
            .record_consent(
                olena,
                &NewConsent {
                    purpose: ConsentPurpose::Tracing,
                    given_by: ConsentGiver::ChildAssent,
                    recorded_by: None,
                },
                crate::support::system(),
            )
            .await
            .unwrap();
        let offered: Vec<(Uuid, TracingConsent)> = store
            .children_for_tracing(&keys)
            .await
            .unwrap()
            .iter()
            .map(|(p, consent)| (p.id, *consent))
            .collect();
        assert_eq!(offered.len(), 2, "{backend}");
        assert!(
            offered.contains(&(olena, TracingConsent::Given)),
            "{backend}"
        );
        assert!(
            offered.contains(&(other, TracingConsent::Missing)),
            "{backend}: kept apart, only to ask for consent"
        );

        let new = NewTracingRequest {
            hub_id: hub.id,
            country: hub.country,
            public: true,
            sought: Sought {
                given_name: "Olena".into(),
                family_name: "Krawczenko".into(),
                sex: Some('f'),
                age: Some(12),
                ..Sought::default()
            },
            requester: RequesterInfo {
                name: "Oksana Krawczenko".into(),
                relation: "mother".into(),
                phone: "+48 600 100 200".into(),
                contact_note: String::new(),
            },
            created_by: None,
        };
        let bad = NewTracingRequest {
            requester: RequesterInfo {
                relation: String::new(),
                ..new.requester.clone()
            },
            ..new.clone()
        };
        assert!(
            store
                .create_tracing_request(&keys, &bad, crate::support::system())
                .await
                .unwrap_err()
                .to_string()
                .contains("related")
        );
        let id = store
            .create_tracing_request(&keys, &new, crate::support::system())
            .await
            .unwrap();
        let r = store.tracing_request(&keys, id).await.unwrap().unwrap();
        assert_eq!(r.status, TracingStatus::Unverified, "{backend}");
        assert!(r.public);
        assert!(store.verify_tracing_request(id, &by_worker).await.unwrap());
        assert!(
            !store.verify_tracing_request(id, &by_worker).await.unwrap(),
            "verified once"
        );

        store
            .propose_candidates(
                &keys,
                id,
                &[
                    (olena, 0.93, "given_name +4.0 (olena: same)".into()),
                    // Erased since the index was read: left out, not an error.
                    (Uuid::now_v7(), 0.5, "given_name +4.0 (olena: same)".into()),
                ],
            )
            .await
            .unwrap();
        let err = store
            .decide_candidate(id, olena, MatchStatus::Verified, &by_worker)
            .await
            .unwrap_err();
        assert!(
            err.to_string().contains("cannot be verified now"),
            "{backend}: {err}"
        );
        store
            .decide_candidate(id, olena, MatchStatus::Confirmed, &by_worker)
            .await
            .unwrap();
        // A new run of the matcher does not undo a decision.
        store
            .propose_candidates(&keys, id, &[(olena, 0.5, "later run".into())])
            .await
            .unwrap();
        let candidates = store.candidates(&keys, id).await.unwrap();
        assert_eq!(candidates.len(), 1, "{backend}");
        assert_eq!(candidates[0].status, MatchStatus::Confirmed);
        assert_eq!(candidates[0].evidence, "given_name +4.0 (olena: same)");
        store
            .decide_candidate(id, olena, MatchStatus::Verified, &by_worker)
            .await
            .unwrap();
        let r = store.tracing_request(&keys, id).await.unwrap().unwrap();
        assert_eq!(
            (r.status, r.found_person),
            (TracingStatus::Found, Some(olena)),
            "{backend}"
        );

        let day = chrono::NaiveDate::from_ymd_opt(2026, 11, 25).unwrap();
        let missing = Reunification {
            date: day,
            ..Reunification::default()
        };
        assert!(
            store
                .reunify(&keys, id, &missing, crate::support::system())
                .await
                .is_err()
        );
        let done = Reunification {
            date: day,
            place: "Blue Dot Siret".into(),
            with_whom: "mother, Oksana Kravchenko".into(),
            note: String::new(),
        };
        assert!(
            store
                .reunify(&keys, id, &done, crate::support::system())
                .await
                .unwrap()
        );
        let r = store.tracing_request(&keys, id).await.unwrap().unwrap();
        assert_eq!(r.status, TracingStatus::Reunified);
        assert_eq!(
            r.reunification.unwrap().with_whom,
            "mother, Oksana Kravchenko"
        );

        // Nothing personal in the clear.
        let sql = "SELECT sought || requester || COALESCE(reunification, '') FROM tracing_requests";
        let rows: Vec<(String,)> = if url.starts_with("postgres") {
            let mut c = sqlx::PgConnection::connect(&url).await.unwrap();
            sqlx::query_as(sql).fetch_all(&mut c).await.unwrap()
        } else {
            let mut c = sqlx::SqliteConnection::connect(&url).await.unwrap();
            sqlx::query_as(sql).fetch_all(&mut c).await.unwrap()
        };
        let raw: String = rows.into_iter().map(|r| r.0).collect();
        for secret in ["Olena", "Krawczenko", "Oksana", "600 100", "Siret"] {
            assert!(!raw.contains(secret), "{backend}: {secret} in the clear");
        }

        // Anonymising the child removes the evidence that names her.
        assert!(
            store
                .anonymise_person(olena, crate::support::system())
                .await
                .unwrap()
        );
        assert!(
            store.candidates(&keys, id).await.unwrap().is_empty(),
            "{backend}"
        );
    });
}

#[tokio::test]
async fn the_index_in_the_server_sees_new_children_and_withdrawn_consent() {
    use bluedot_web::tracing_index::TracingIndex;
    on_both_backends!(async |store: Store, backend: &str, _url: String| {
        let keys = keys();
        let hub = demo_hub(&store, "siret-border").await;
        let tracing_consent = NewConsent {
            purpose: ConsentPurpose::Tracing,
            given_by: ConsentGiver::ChildAssent,
            recorded_by: None,
        };
        // Another server's index, built before the child is registered.
        let index = TracingIndex::build(&store, &keys).await.unwrap();
        assert_eq!(index.children().await, 0, "{backend}");
        let olena = store
            .create_person(&keys, &child(&hub), crate::support::system())
            .await
            .unwrap();
        let consent = store
            .record_consent(olena, &tracing_consent, crate::support::system())
            .await
            .unwrap();
        let sought = Sought {
            given_name: "Olena".into(),
            family_name: "Krawczenko".into(),
            sex: Some('f'),
            birth_year: Some(2014),
            ..Sought::default()
        };
        let mother = RequesterInfo {
            name: "Oksana Krawczenko".into(),
            relation: "mother".into(),
            ..RequesterInfo::default()
        };
        assert!(index.find(&sought, &mother, 5).await.is_empty());
        index.refresh(&store, &keys).await.unwrap();
        let found = index.find(&sought, &mother, 5).await;
        assert_eq!(found[0].child_id, olena.to_string(), "{backend}");
        assert!(found[0].score > 0.7, "{backend}: {}", found[0].score);
        // Consent withdrawn: she leaves the index at the next refresh.
        assert!(
            store
                .withdraw_consent(olena, consent, crate::support::system())
                .await
                .unwrap()
        );
        index.refresh(&store, &keys).await.unwrap();
        assert!(
            index
                .find(&sought, &mother, 5)
                .await
                .iter()
                .all(|m| m.child_id != olena.to_string())
        );
        // A fresh build agrees.
        assert_eq!(
            TracingIndex::build(&store, &keys)
                .await
                .unwrap()
                .children()
                .await,
            0
        );
    });
}
