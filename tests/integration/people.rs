//! People's records on both backends: encryption at rest, notes by part of the record, consent,
//! anonymisation, erasure, retention and key rotation.

use bluedot_core::person::{
    ConsentGiver, ConsentPurpose, Identity, PersonStatus, Sex, SpecificNeed,
};
use bluedot_core::policy::{Field, Scope};
use bluedot_core::{Country, Hub};
use bluedot_store::Store;
use bluedot_store::crypto::KeyRing;
use bluedot_store::people::{NewConsent, NewPerson};
use chrono::{Duration, NaiveDate, Utc};
use sqlx::Connection;

use crate::on_both_backends;

pub fn keys() -> KeyRing {
    KeyRing::parse(&KeyRing::generate_spec("k1")).unwrap()
}

pub async fn demo_hub(store: &Store, slug: &str) -> Hub {
    let hub = bluedot_demo::hubs(Utc::now())
        .into_iter()
        .find(|h| h.slug == slug)
        .unwrap();
    crate::support::import_hub(store, &hub).await.unwrap();
    hub
}

pub fn child(hub: &Hub) -> NewPerson {
    NewPerson {
        hub_id: hub.id,
        country: hub.country,
        sex: Sex::Female,
        identity: Identity {
            given_name: "Олена".into(),
            family_name: "Кравченко".into(),
            birth_date: NaiveDate::from_ymd_opt(2014, 5, 2),
            phone: Some("+380 67 555 0101".into()),
            ..Identity::default()
        },
        needs: vec![SpecificNeed::Unaccompanied, SpecificNeed::ChildAtRisk],
        consent: NewConsent {
            purpose: ConsentPurpose::Registration,
            given_by: ConsentGiver::ChildAssent,
            recorded_by: None,
        },
        registered_by: None,
    }
}

/// Every text cell of the tables that hold personal data, read with a plain connection.
async fn raw_cells(url: &str) -> String {
    let tables = "SELECT * FROM people; SELECT * FROM person_notes; SELECT * FROM consents";
    let mut out = String::new();
    if url.starts_with("postgres") {
        let mut c = sqlx::PgConnection::connect(url).await.unwrap();
        for t in tables.split(';') {
            let sql = format!("SELECT row_to_json(t)::text FROM ({}) t", t.trim());
            let rows: Vec<(String,)> = sqlx::query_as(&sql).fetch_all(&mut c).await.unwrap();
            out.extend(rows.into_iter().map(|r| r.0));
        }
    } else {
        let mut c = sqlx::SqliteConnection::connect(url).await.unwrap();
        for (table, cols) in [
            ("people", "identity || needs || sex"),
            ("person_notes", "body"),
            ("consents", "purpose || given_by"),
        ] {
            let rows: Vec<(Option<String>,)> =
                sqlx::query_as(&format!("SELECT {cols} FROM {table}"))
                    .fetch_all(&mut c)
                    .await
                    .unwrap();
            out.extend(rows.into_iter().filter_map(|r| r.0));
        }
    }
    out
}

#[tokio::test]
async fn names_are_never_stored_in_the_clear() {
    on_both_backends!(async |store: Store, backend: &str, url: String| {
        let keys = keys();
        let hub = demo_hub(&store, "siret-border").await;
        let id = store
            .create_person(&keys, &child(&hub), crate::support::system())
            .await
            .unwrap();
        store
            .add_note(
                &keys,
                id,
                Field::CaseWork,
                "Travels with neighbour Тарас",
                crate::support::system(),
            )
            .await
            .unwrap();
        let raw = raw_cells(&url).await;
        assert!(raw.contains("enc:v1:k1:"), "{backend}: {raw}");
        assert!(
            raw.contains("unaccompanied-child"),
            "{backend}: counted fields stay plain"
        );
        for secret in [
            "Олена",
            "Кравченко",
            "Olena",
            "Kravchenko",
            "2014-05-02",
            "67 555 0101",
            "Тарас",
        ] {
            assert!(
                !raw.contains(secret),
                "{backend}: {secret:?} found in the database"
            );
        }
        let person = store.person(&keys, id).await.unwrap().unwrap();
        let identity = person.identity.unwrap();
        assert_eq!(identity.given_name, "Олена");
        assert_eq!(identity.latin_family_name, "Kravchenko", "{backend}");
        assert_eq!(person.birth_year, Some(2014));
        assert_eq!(person.status, PersonStatus::Active);
        // Without the key, nothing reads.
        assert!(store.person(&self::keys(), id).await.is_err(), "{backend}");
    });
}

#[tokio::test]
async fn notes_are_read_only_in_the_parts_asked_for() {
    on_both_backends!(async |store: Store, backend: &str, _url: String| {
        let keys = keys();
        let hub = demo_hub(&store, "siret-border").await;
        let id = store
            .create_person(&keys, &child(&hub), crate::support::system())
            .await
            .unwrap();
        store
            .add_note(
                &keys,
                id,
                Field::LegalNotes,
                "Temporary protection applied",
                crate::support::system(),
            )
            .await
            .unwrap();
        store
            .add_note(
                &keys,
                id,
                Field::PsychosocialNotes,
                "Sleeps badly",
                crate::support::system(),
            )
            .await
            .unwrap();
        let legal = store.notes(&keys, id, &[Field::LegalNotes]).await.unwrap();
        assert_eq!(legal.len(), 1, "{backend}");
        assert_eq!(legal[0].body, "Temporary protection applied");
        let both = store
            .notes(&keys, id, &[Field::LegalNotes, Field::PsychosocialNotes])
            .await
            .unwrap();
        assert_eq!(both.len(), 2);
        assert!(
            store
                .add_note(&keys, id, Field::CaseWork, "   ", crate::support::system())
                .await
                .is_err()
        );
    });
}

#[tokio::test]
async fn scope_limits_which_records_are_listed() {
    on_both_backends!(async |store: Store, backend: &str, _url: String| {
        let keys = keys();
        let siret = demo_hub(&store, "siret-border").await;
        let przemysl = demo_hub(&store, "przemysl-station").await;
        store
            .create_person(&keys, &child(&siret), crate::support::system())
            .await
            .unwrap();
        store
            .create_person(&keys, &child(&przemysl), crate::support::system())
            .await
            .unwrap();
        let hub_scope = Scope {
            hubs: vec![siret.id],
            ..Scope::default()
        };
        let listed = store.people_in_scope(&keys, &hub_scope, 100).await.unwrap();
        assert_eq!(listed.len(), 1, "{backend}");
        assert_eq!(listed[0].hub_id, siret.id);
        let poland = Scope {
            countries: vec![Country::Poland],
            ..Scope::default()
        };
        let listed = store.people_in_scope(&keys, &poland, 100).await.unwrap();
        assert_eq!(listed.len(), 1, "{backend}");
        assert_eq!(listed[0].hub_id, przemysl.id);
        let all = Scope {
            everywhere: true,
            ..Scope::default()
        };
        assert_eq!(
            store.people_in_scope(&keys, &all, 100).await.unwrap().len(),
            2
        );
        assert!(
            store
                .people_in_scope(&keys, &Scope::default(), 100)
                .await
                .unwrap()
                .is_empty()
        );
    });
}

#[tokio::test]
async fn consent_is_recorded_and_withdrawn() {
    on_both_backends!(async |store: Store, backend: &str, _url: String| {
        let keys = keys();
        let hub = demo_hub(&store, "siret-border").await;
        let id = store
            .create_person(&keys, &child(&hub), crate::support::system())
            .await
            .unwrap();
        let tracing = store
            .record_consent(
                id,
                &NewConsent {
                    purpose: ConsentPurpose::Tracing,
                    given_by: ConsentGiver::Caregiver,
                    recorded_by: None,
                },
                crate::support::system(),
            )
            .await
            .unwrap();
        let consents = store.consents(id).await.unwrap();
        assert_eq!(consents.len(), 2, "{backend}");
        assert!(consents.iter().all(|c| c.in_force()));
        assert!(
            store
                .withdraw_consent(id, tracing, crate::support::system())
                .await
                .unwrap()
        );
        assert!(
            !store
                .withdraw_consent(id, tracing, crate::support::system())
                .await
                .unwrap(),
            "only once"
        );
        let consents = store.consents(id).await.unwrap();
        let withdrawn = consents.iter().find(|c| c.id == tracing).unwrap();
        assert!(!withdrawn.in_force(), "{backend}");
    });
}

#[tokio::test]
async fn anonymising_keeps_figures_and_erasing_removes_everything() {
    on_both_backends!(async |store: Store, backend: &str, url: String| {
        let keys = keys();
        let hub = demo_hub(&store, "siret-border").await;
        let a = store
            .create_person(&keys, &child(&hub), crate::support::system())
            .await
            .unwrap();
        let b = store
            .create_person(&keys, &child(&hub), crate::support::system())
            .await
            .unwrap();
        store
            .add_note(&keys, a, Field::CaseWork, "note", crate::support::system())
            .await
            .unwrap();
        assert!(
            store
                .anonymise_person(a, crate::support::system())
                .await
                .unwrap()
        );
        let person = store.person(&keys, a).await.unwrap().unwrap();
        assert_eq!(person.status, PersonStatus::Anonymised, "{backend}");
        assert!(person.identity.is_none());
        assert_eq!(
            person.needs,
            vec![SpecificNeed::ChildAtRisk, SpecificNeed::Unaccompanied]
        );
        assert!(store.notes(&keys, a, Field::ALL).await.unwrap().is_empty());
        assert!(
            store
                .erase_person(b, crate::support::system())
                .await
                .unwrap()
        );
        assert!(store.person(&keys, b).await.unwrap().is_none(), "{backend}");
        assert!(store.consents(b).await.unwrap().is_empty());
        assert_eq!(
            raw_cells(&url).await.matches("enc:v1:").count(),
            0,
            "{backend}"
        );
    });
}

#[tokio::test]
async fn retention_anonymises_only_records_closed_long_enough() {
    on_both_backends!(async |store: Store, backend: &str, _url: String| {
        let keys = keys();
        let hub = demo_hub(&store, "siret-border").await;
        let open = store
            .create_person(&keys, &child(&hub), crate::support::system())
            .await
            .unwrap();
        let closed = store
            .create_person(&keys, &child(&hub), crate::support::system())
            .await
            .unwrap();
        assert!(
            store
                .close_person(closed, "moved-on", crate::support::system())
                .await
                .unwrap()
        );
        assert!(
            !store
                .close_person(closed, "moved-on", crate::support::system())
                .await
                .unwrap(),
            "already closed"
        );
        // Nothing closed before yesterday.
        let none = store
            .apply_retention(Utc::now() - Duration::days(1), crate::support::system())
            .await
            .unwrap();
        assert!(none.is_empty(), "{backend}");
        let done = store
            .apply_retention(Utc::now() + Duration::seconds(1), crate::support::system())
            .await
            .unwrap();
        assert_eq!(done, vec![closed], "{backend}");
        let open = store.person(&keys, open).await.unwrap().unwrap();
        assert!(open.identity.is_some());
        let closed = store.person(&keys, closed).await.unwrap().unwrap();
        assert_eq!(closed.status, PersonStatus::Anonymised);
    });
}

#[tokio::test]
async fn rotation_re_encrypts_under_the_current_key() {
    on_both_backends!(async |store: Store, backend: &str, url: String| {
        let old_spec = KeyRing::generate_spec("old");
        let old = KeyRing::parse(&old_spec).unwrap();
        let hub = demo_hub(&store, "siret-border").await;
        let id = store
            .create_person(&old, &child(&hub), crate::support::system())
            .await
            .unwrap();
        store
            .add_note(&old, id, Field::CaseWork, "first", crate::support::system())
            .await
            .unwrap();
        let new_spec = KeyRing::generate_spec("new");
        let both = KeyRing::parse(&format!("{new_spec},{old_spec}")).unwrap();
        let report = store.rotate_keys(&both).await.unwrap();
        assert_eq!((report.identities, report.notes), (1, 1), "{backend}");
        let raw = raw_cells(&url).await;
        assert!(
            !raw.contains("enc:v1:old:") && raw.contains("enc:v1:new:"),
            "{backend}"
        );
        // The old key can now be dropped.
        let new_only = KeyRing::parse(&new_spec).unwrap();
        let person = store.person(&new_only, id).await.unwrap().unwrap();
        assert_eq!(person.identity.unwrap().given_name, "Олена");
        assert_eq!(
            store
                .notes(&new_only, id, &[Field::CaseWork])
                .await
                .unwrap()[0]
                .body,
            "first"
        );
        let again = store.rotate_keys(&both).await.unwrap();
        assert_eq!(
            (again.identities, again.notes),
            (0, 0),
            "nothing left to rotate"
        );
    });
}

#[tokio::test]
async fn likely_duplicates_are_found_across_scripts_and_survive_rotation() {
    on_both_backends!(async |store: Store, backend: &str, url: String| {
        let old_spec = KeyRing::generate_spec("old");
        let keys = KeyRing::parse(&old_spec).unwrap();
        let hub = demo_hub(&store, "siret-border").await;
        let mut boy = child(&hub);
        boy.identity.given_name = "Олександр".into();
        boy.identity.family_name = "Коваленко".into();
        let id = store
            .create_person(&keys, &boy, crate::support::system())
            .await
            .unwrap();
        let named = |given: &str, family: &str| Identity {
            given_name: given.into(),
            family_name: family.into(),
            ..Identity::default()
        };
        for (given, family) in [
            ("Aleksandr", "Kovalenko"),
            ("Kowalenko", "Oleksandr"),
            ("Александр", "Коваленко"),
        ] {
            let found = store
                .likely_duplicates(&keys, &named(given, family))
                .await
                .unwrap();
            assert_eq!(
                found.iter().map(|p| p.id).collect::<Vec<_>>(),
                vec![id],
                "{backend}: {given} {family}"
            );
        }
        assert!(
            store
                .likely_duplicates(&keys, &named("Oleksandr", "Shevchenko"))
                .await
                .unwrap()
                .is_empty()
        );
        // The index holds keyed hashes, not the skeletons themselves.
        let raw: Vec<(String,)> = if url.starts_with("postgres") {
            let mut c = sqlx::PgConnection::connect(&url).await.unwrap();
            sqlx::query_as("SELECT hash FROM person_name_keys")
                .fetch_all(&mut c)
                .await
                .unwrap()
        } else {
            let mut c = sqlx::SqliteConnection::connect(&url).await.unwrap();
            sqlx::query_as("SELECT hash FROM person_name_keys")
                .fetch_all(&mut c)
                .await
                .unwrap()
        };
        assert!(
            !raw.is_empty()
                && raw
                    .iter()
                    .all(|(h,)| h.len() == 32 && !h.contains("lksndr")),
            "{backend}"
        );
        // After rotating to a new key, the index is rebuilt and still finds the boy.
        let both =
            KeyRing::parse(&format!("{},{old_spec}", KeyRing::generate_spec("new"))).unwrap();
        let report = store.rotate_keys(&both).await.unwrap();
        assert_eq!(report.name_index, 1, "{backend}");
        let found = store
            .likely_duplicates(&both, &named("Alexander", "Kovalenko"))
            .await
            .unwrap();
        assert_eq!(found.len(), 1, "{backend}");
        // Anonymised records no longer match.
        store
            .anonymise_person(id, crate::support::system())
            .await
            .unwrap();
        assert!(
            store
                .likely_duplicates(&both, &named("Alexander", "Kovalenko"))
                .await
                .unwrap()
                .is_empty()
        );
    });
}
