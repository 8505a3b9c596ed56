//! Fresh databases for tests: a temporary SQLite file, and a new PostgreSQL database per test.

use std::path::PathBuf;

use bluedot_store::Store;
use sqlx::Connection;

const DEFAULT_POSTGRES_URL: &str = "postgres://postgres@127.0.0.1:5432/test";

pub struct TestDb {
    pub store: Store,
    pub name: &'static str,
    /// Where a second connection (another process) finds the same database.
    pub url: String,
    cleanup: Cleanup,
}

enum Cleanup {
    SqliteFile(PathBuf),
    PostgresDatabase { admin_url: String, database: String },
}

impl TestDb {
    pub async fn drop_database(self) {
        self.store.close().await;
        match self.cleanup {
            Cleanup::SqliteFile(dir) => {
                let _ = std::fs::remove_dir_all(dir);
            }
            Cleanup::PostgresDatabase {
                admin_url,
                database,
            } => {
                if let Ok(mut admin) = sqlx::PgConnection::connect(&admin_url).await {
                    let _ = sqlx::query(&format!(
                        "DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)"
                    ))
                    .execute(&mut admin)
                    .await;
                }
            }
        }
    }
}

fn postgres_required() -> bool {
    matches!(
        std::env::var("BLUEDOT_REQUIRE_POSTGRES").as_deref(),
        Ok("1") | Ok("true")
    )
}

/// The audit key every test store chains its log under, as a deployment's configuration would
/// give it.
pub fn test_audit_keys() -> bluedot_store::audit::AuditKeys {
    bluedot_store::audit::AuditKeys::parse("test-audit:MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY")
        .unwrap()
}

pub async fn sqlite() -> TestDb {
    let dir = std::env::temp_dir().join(format!("bluedot-test-{}", uuid::Uuid::now_v7()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("test.sqlite3");
    let store = Store::open_sqlite(&path)
        .await
        .unwrap()
        .with_audit_keys(test_audit_keys());
    store.migrate().await.unwrap();
    TestDb {
        store,
        name: "sqlite",
        url: format!("sqlite://{}", path.display()),
        cleanup: Cleanup::SqliteFile(dir),
    }
}

/// A new, migrated PostgreSQL database, or `None` when no server is reachable and none is
/// required.
pub async fn postgres() -> Option<TestDb> {
    let admin_url =
        std::env::var("BLUEDOT_TEST_POSTGRES_URL").unwrap_or_else(|_| DEFAULT_POSTGRES_URL.into());
    let mut admin = match sqlx::PgConnection::connect(&admin_url).await {
        Ok(c) => c,
        Err(e) if !postgres_required() => {
            eprintln!(
                "skipping PostgreSQL: cannot connect to {admin_url} ({e}). Start a server or set \
                 BLUEDOT_TEST_POSTGRES_URL=postgres://USER@HOST:PORT/DB (a role that may create \
                 databases); BLUEDOT_REQUIRE_POSTGRES=1 makes this a failure."
            );
            return None;
        }
        Err(e) => panic!("PostgreSQL is required but {admin_url} is unreachable: {e}"),
    };
    let database = format!("bluedot_test_{}", uuid::Uuid::now_v7().simple());
    sqlx::query(&format!("CREATE DATABASE \"{database}\""))
        .execute(&mut admin)
        .await
        .unwrap();
    let url = match admin_url.rsplit_once('/') {
        Some((base, _)) => format!("{base}/{database}"),
        None => panic!("BLUEDOT_TEST_POSTGRES_URL must end with /DATABASE"),
    };
    let store = Store::connect(&url)
        .await
        .unwrap()
        .with_audit_keys(test_audit_keys());
    store.migrate().await.unwrap();
    Some(TestDb {
        store,
        name: "postgres",
        url,
        cleanup: Cleanup::PostgresDatabase {
            admin_url,
            database,
        },
    })
}

/// Runs `test(store, backend name, database URL)` once on each available backend, dropping each
/// database afterwards.
#[macro_export]
macro_rules! on_both_backends {
    ($test:expr) => {{
        let db = $crate::support::sqlite().await;
        ($test)(db.store.clone(), db.name, db.url.clone()).await;
        db.drop_database().await;
        if let Some(db) = $crate::support::postgres().await {
            ($test)(db.store.clone(), db.name, db.url.clone()).await;
            db.drop_database().await;
        }
    }};
}

/// A change made by the tests themselves, audited like any other.
pub fn system() -> &'static bluedot_store::audit::Change {
    static TEST: std::sync::LazyLock<bluedot_store::audit::Change> =
        std::sync::LazyLock::new(|| bluedot_store::audit::Change::by_system("test"));
    &TEST
}

/// The audit entries whose action starts with `prefix`, newest first.
pub async fn audit_entries(store: &Store, prefix: &str) -> Vec<bluedot_store::audit::AuditEntry> {
    store
        .search_audit(&bluedot_store::audit::AuditQuery {
            action_prefix: Some(prefix.to_owned()),
            ..Default::default()
        })
        .await
        .unwrap()
}

/// Writes a hub as an import does (any version there, audited as the system's).
pub async fn import_hub(
    store: &Store,
    hub: &bluedot_core::Hub,
) -> Result<bluedot_store::directory::Saved, bluedot_store::StoreError> {
    use bluedot_store::directory::{Edit, Expected};
    store
        .save_hub(
            &bluedot_store::audit::Change::by_system("test"),
            hub,
            Expected::Any,
            Edit::Import,
        )
        .await
}

/// The demo directory with its texts only in `kept` languages: for tests of what the site and
/// the translators' tools do with a text not yet translated (the demo itself has all nine).
pub async fn load_demo_in(store: &Store, kept: &[bluedot_core::Lang]) {
    use bluedot_store::directory::{Edit, Expected};
    let now = store.now();
    let change = bluedot_store::audit::Change::by_system("test");
    let keep = |text: &mut bluedot_core::Localized| text.0.retain(|lang, _| kept.contains(lang));
    for mut hub in bluedot_demo::hubs(now) {
        keep(&mut hub.name);
        keep(&mut hub.description);
        keep(&mut hub.status_note);
        keep(&mut hub.accessibility.note);
        store
            .save_hub(&change, &hub, Expected::Any, Edit::Import)
            .await
            .unwrap();
    }
    for provider in bluedot_demo::providers(now) {
        store
            .save_provider(&change, &provider, Expected::Any, Edit::Import)
            .await
            .unwrap();
    }
    let mut articles: Vec<_> = bluedot_demo::articles(now)
        .into_iter()
        .filter(|a| kept.contains(&a.lang))
        .collect();
    articles.sort_by_key(|a| a.source_lang.is_some());
    for article in articles {
        store
            .save_article(&change, &article, Expected::Any, Edit::Import)
            .await
            .unwrap();
    }
}
