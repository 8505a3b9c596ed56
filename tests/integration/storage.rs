//! The repository behaves the same on SQLite and PostgreSQL.

use bluedot_core::article::Topic;
use bluedot_core::{Country, Lang, Localized, ServiceKind};
use bluedot_store::Store;
use chrono::{Duration, Utc};

use crate::on_both_backends;

fn demo_hub(slug: &str) -> bluedot_core::Hub {
    bluedot_demo::hubs(Utc::now())
        .into_iter()
        .find(|h| h.slug == slug)
        .unwrap()
}

#[tokio::test]
async fn hubs_round_trip_with_services() {
    on_both_backends!(async |store: Store, backend: &str, _url: String| {
        let hub = demo_hub("siret-border");
        crate::support::import_hub(&store, &hub).await.unwrap();
        let loaded = store.hub_by_slug("siret-border").await.unwrap().unwrap();
        assert_eq!(loaded.name, hub.name, "{backend}");
        assert_eq!(loaded.location, hub.location, "{backend}");
        assert_eq!(loaded.services.len(), hub.services.len(), "{backend}");
        assert_eq!(loaded.contacts, hub.contacts, "{backend}");
        assert_eq!(loaded.accessibility, hub.accessibility, "{backend}");
        // Timestamps survive to the microsecond on both backends.
        assert_eq!(
            loaded.verified_at.timestamp_micros(),
            hub.verified_at.timestamp_micros(),
            "{backend}"
        );
        assert!(store.hub_by_slug("nowhere").await.unwrap().is_none());
        assert_eq!(store.count_hubs().await.unwrap(), 1);
    });
}

#[tokio::test]
async fn updating_a_hub_replaces_its_services() {
    on_both_backends!(async |store: Store, backend: &str, _url: String| {
        let mut hub = demo_hub("iasi-station");
        crate::support::import_hub(&store, &hub).await.unwrap();
        hub.services
            .retain(|s| s.kind == ServiceKind::InformationDesk);
        hub.name = Localized::new().with(Lang::En, "Renamed");
        crate::support::import_hub(&store, &hub).await.unwrap();
        let loaded = store.hub_by_slug("iasi-station").await.unwrap().unwrap();
        assert_eq!(loaded.services.len(), 1, "{backend}");
        assert_eq!(loaded.name.text(Lang::Uk), "Renamed", "{backend}");
        assert_eq!(store.count_hubs().await.unwrap(), 1, "{backend}");
    });
}

#[tokio::test]
async fn an_invalid_hub_is_refused_and_nothing_is_written() {
    on_both_backends!(async |store: Store, backend: &str, _url: String| {
        let mut hub = demo_hub("medyka-border");
        hub.opening_hours = "whenever we like".into();
        let err = crate::support::import_hub(&store, &hub).await.unwrap_err();
        assert!(
            err.to_string().contains("opening_hours"),
            "{backend}: {err}"
        );
        assert_eq!(store.count_hubs().await.unwrap(), 0, "{backend}");
    });
}

#[tokio::test]
async fn a_slug_belongs_to_one_hub() {
    on_both_backends!(async |store: Store, backend: &str, _url: String| {
        let hub = demo_hub("medyka-border");
        crate::support::import_hub(&store, &hub).await.unwrap();
        let mut other = demo_hub("dorohusk-border");
        other.slug = hub.slug.clone();
        assert!(
            crate::support::import_hub(&store, &other).await.is_err(),
            "{backend}"
        );
        // The failed write left the first hub and no trace of the second.
        assert_eq!(store.count_hubs().await.unwrap(), 1, "{backend}");
        let kept = store.hub_by_slug("medyka-border").await.unwrap().unwrap();
        assert_eq!(kept.id, hub.id, "{backend}");
    });
}

#[tokio::test]
async fn concurrent_writers_lose_nothing() {
    on_both_backends!(async |store: Store, backend: &str, _url: String| {
        let hubs = bluedot_demo::hubs(Utc::now());
        let tasks: Vec<_> = hubs
            .into_iter()
            .map(|hub| {
                let store = store.clone();
                tokio::spawn(async move { crate::support::import_hub(&store, &hub).await })
            })
            .collect();
        for t in tasks {
            t.await.unwrap().unwrap();
        }
        let all = store.list_hubs().await.unwrap();
        assert_eq!(all.len(), 36, "{backend}");
        assert!(all.iter().all(|h| !h.services.is_empty()), "{backend}");
    });
}

#[tokio::test]
async fn demo_loads_twice_without_duplicates() {
    on_both_backends!(async |store: Store, backend: &str, _url: String| {
        assert_eq!(bluedot_cli::load_demo(&store).await.unwrap(), 36);
        assert_eq!(bluedot_cli::load_demo(&store).await.unwrap(), 36);
        assert_eq!(store.count_hubs().await.unwrap(), 36, "{backend}");
        let providers = store.list_providers(None).await.unwrap();
        assert_eq!(providers.len(), 14, "{backend}");
        let romanian = store.list_providers(Some(Country::Romania)).await.unwrap();
        assert!(
            romanian.iter().all(|p| p.country == Country::Romania),
            "{backend}"
        );
        assert_eq!(romanian.len(), 2, "{backend}");
        let articles = store.articles(Country::Moldova, None).await.unwrap();
        assert_eq!(articles.len(), Topic::ALL.len() * 9, "{backend}");
        let rights = store
            .articles(Country::Moldova, Some(Topic::Rights))
            .await
            .unwrap();
        assert_eq!(rights.len(), 9, "{backend}");
        for (lang, title) in [
            (Lang::Uk, "Ваші права в Молдові"),
            (Lang::Hu, "Az Ön jogai – Moldovában"),
            (Lang::Ro, "Drepturile dumneavoastră în Republica Moldova"),
        ] {
            assert!(
                rights.iter().any(|a| a.lang == lang && a.title == title),
                "{backend}: {title}"
            );
        }
    });
}

#[tokio::test]
async fn stale_entries_are_listed_oldest_first() {
    on_both_backends!(async |store: Store, backend: &str, _url: String| {
        bluedot_cli::load_demo(&store).await.unwrap();
        let before = Utc::now() - Duration::days(30);
        let stale = store.stale_entries(before).await.unwrap();
        // The demo has Brașov (40 days), Kraków (33) and Ungheni (65) overdue, with their services.
        let hubs: Vec<&str> = stale
            .iter()
            .filter(|e| e.what == "hub")
            .map(|e| e.key.as_str())
            .collect();
        assert_eq!(
            hubs,
            ["ungheni", "brasov-station", "krakow-station"],
            "{backend}"
        );
        assert!(
            stale
                .iter()
                .any(|e| e.what == "service" && e.key.starts_with("ungheni / "))
        );
        assert!(
            stale
                .windows(2)
                .all(|w| w[0].verified_at <= w[1].verified_at),
            "{backend}"
        );
    });
}

#[tokio::test]
async fn migrations_can_run_again() {
    on_both_backends!(async |store: Store, backend: &str, _url: String| {
        store
            .migrate()
            .await
            .unwrap_or_else(|e| panic!("{backend}: {e}"));
    });
}

#[tokio::test]
async fn a_backup_taken_while_writing_restores_every_record_and_a_verifying_chain() {
    let db = crate::support::sqlite().await;
    let store = db.store.clone();
    bluedot_cli::load_demo(&store).await.unwrap();
    let hub = crate::people::demo_hub(&store, "siret-border").await;
    for i in 0..20 {
        store
            .record_visit(
                &crate::visits::new_visit(&hub, &format!("b-{i}"), crate::visits::group(1, 1)),
                crate::support::system(),
            )
            .await
            .unwrap();
    }
    // Writers carry on while the copy is made.
    let writer = {
        let store = store.clone();
        let hub = hub.clone();
        tokio::spawn(async move {
            for i in 0..20 {
                store
                    .record_visit(
                        &crate::visits::new_visit(
                            &hub,
                            &format!("during-{i}"),
                            crate::visits::group(1, 0),
                        ),
                        crate::support::system(),
                    )
                    .await
                    .unwrap();
            }
        })
    };
    let dir = std::env::temp_dir().join(format!("bluedot-backup-{}", uuid::Uuid::now_v7()));
    std::fs::create_dir_all(&dir).unwrap();
    let out = dir.join("copy.sqlite3");
    store.backup_sqlite(&out).await.unwrap();
    writer.await.unwrap();
    assert!(
        store.backup_sqlite(&out).await.is_err(),
        "never overwrites a file"
    );

    let restored = Store::open_sqlite(&out)
        .await
        .unwrap()
        .with_audit_keys(crate::support::test_audit_keys());
    restored.migrate().await.unwrap();
    let day = crate::visits::new_visit(&hub, "x", crate::visits::group(1, 0)).day;
    let copied = restored.visits_on(hub.id, day).await.unwrap().len();
    assert!((20..=40).contains(&copied), "{copied} visits restored");
    assert_eq!(
        restored.count_hubs().await.unwrap(),
        store.count_hubs().await.unwrap()
    );
    match restored
        .verify_audit_chain(&Default::default())
        .await
        .unwrap()
    {
        bluedot_store::audit::ChainCheck::Intact { entries } => {
            let loaded = crate::support::audit_entries(&restored, "directory.")
                .await
                .len();
            assert!(loaded > 0, "the demo directory's load is audited");
            assert_eq!(
                entries as usize,
                copied + loaded,
                "one entry per visit and per directory entry loaded, and no more"
            )
        }
        broken => panic!("restored chain broken: {broken:?}"),
    }
    // The keys are not in the copy.
    let bytes = std::fs::read(&out).unwrap();
    let key = b"MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY";
    assert!(!bytes.windows(key.len()).any(|w| w == key));
    assert!(
        !bytes
            .windows(32)
            .any(|w| w == b"0123456789abcdef0123456789abcdef")
    );
    restored.close().await;
    std::fs::remove_dir_all(dir).unwrap();
    db.drop_database().await;
}
