//! Persistence for bluedot. [`Store`] is the one repository interface the rest of the system
//! sees; behind it sit two backends, SQLite (embedded, the default) and PostgreSQL
//! (production, several web processes on one database), each with its own migrations.
//!
//! Queries are written once with `$1` placeholders, which both backends accept, and run on
//! whichever pool the store holds (see [`on_pool!`]).

pub mod accounts;
pub mod audit;
pub mod cases;
pub mod child_alerts;
pub mod crypto;
pub mod deployments;
pub mod directory;
pub mod figures;
pub mod inclusion;
pub mod offline;
pub mod operations;
pub mod package;
pub mod people;
pub mod planning;
pub mod referrals;
mod scope;
pub mod supplies;
pub mod tracing;
pub mod transfers;
pub mod visits;

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{PgPool, SqlitePool};

pub use directory::StaleEntry;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("migration failed: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
    #[error(transparent)]
    Invalid(#[from] bluedot_core::ValidationError),
    /// A hub has less of an item than asked for; nothing was written.
    #[error("not enough {item} in stock: {available} left")]
    OutOfStock {
        item: bluedot_core::supply::SupplyItem,
        available: u32,
    },
    /// The change lost a race with another one; nothing was written.
    #[error("{0}")]
    Conflict(String),
    /// A stored value no longer parses: a bug or a hand edit, never user input.
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),
    #[error("unsupported database URL {0:?}: use sqlite://PATH or postgres://...")]
    UnsupportedUrl(String),
    /// Auditing needs the audit key, which this process was not given.
    #[error(
        "no audit key configured: set BLUEDOT_AUDIT_KEYS (make one with `bluedot audit keygen`)"
    )]
    NoAuditKey,
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

#[derive(Clone, Debug)]
enum Backend {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// Runs the same query code on whichever backend the store holds. The body is expanded once
/// per backend, so `sqlx` infers the database type from the pool it is given.
macro_rules! on_pool {
    ($store:expr, $pool:ident => $body:expr) => {
        match &$store.backend {
            $crate::Backend::Sqlite($pool) => $body,
            $crate::Backend::Postgres($pool) => $body,
        }
    };
}
pub(crate) use on_pool;

/// Where the store's idea of "now" comes from: the system clock, or (for tests that must hold
/// at every hour of the day) a moment fixed by the caller.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Clock {
    #[default]
    System,
    Fixed(chrono::DateTime<chrono::Utc>),
}

#[derive(Clone, Debug)]
pub struct Store {
    backend: Backend,
    clock: Clock,
    /// Chains the audit log; held in memory only, never in the database.
    audit_keys: Option<std::sync::Arc<audit::AuditKeys>>,
}

impl Store {
    /// Opens the database a URL names: `sqlite://PATH` (created if missing) or `postgres://...`.
    pub async fn connect(url: &str) -> Result<Store> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let options = PgConnectOptions::from_str(url)?;
            let pool = PgPoolOptions::new()
                .max_connections(16)
                .acquire_timeout(Duration::from_secs(10))
                .connect_with(options)
                .await?;
            Ok(Store {
                backend: Backend::Postgres(pool),
                clock: Clock::System,
                audit_keys: None,
            })
        } else if let Some(path) = url.strip_prefix("sqlite://") {
            Self::open_sqlite(Path::new(path)).await
        } else {
            Err(StoreError::UnsupportedUrl(url.to_owned()))
        }
    }

    /// Opens (creating if needed) an SQLite file in WAL mode. `synchronous = FULL` so that a
    /// transaction acknowledged to a user survives a power cut, not only a crash.
    pub async fn open_sqlite(path: &Path) -> Result<Store> {
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10));
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .connect_with(options)
            .await?;
        Ok(Store {
            backend: Backend::Sqlite(pool),
            clock: Clock::System,
            audit_keys: None,
        })
    }

    /// Applies the backend's pending migrations; safe to run on every start and from several
    /// processes at once (sqlx takes a lock).
    pub async fn migrate(&self) -> Result<()> {
        match &self.backend {
            Backend::Sqlite(pool) => sqlx::migrate!("./migrations/sqlite").run(pool).await?,
            Backend::Postgres(pool) => sqlx::migrate!("./migrations/postgres").run(pool).await?,
        }
        self.fill_visit_days().await?;
        self.fill_counted_days().await
    }

    /// The same database, with records stamped by `clock`.
    pub fn with_clock(mut self, clock: Clock) -> Store {
        self.clock = clock;
        self
    }

    /// The moment a record made now is stamped with, to the microsecond both backends keep.
    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        use chrono::SubsecRound;
        match self.clock {
            Clock::System => chrono::Utc::now(),
            Clock::Fixed(at) => at,
        }
        .trunc_subsecs(6)
    }

    /// The same database, auditing with these keys.
    pub fn with_audit_keys(mut self, keys: audit::AuditKeys) -> Store {
        self.audit_keys = Some(std::sync::Arc::new(keys));
        self
    }

    pub(crate) fn audit_keys(&self) -> Result<&audit::AuditKeys> {
        self.audit_keys.as_deref().ok_or(StoreError::NoAuditKey)
    }

    /// Writes a consistent copy of an SQLite database to `out` while it is in use (`VACUUM
    /// INTO`: one read transaction, so writers carry on and the copy is of one moment). The copy
    /// holds what the database holds and nothing more: the encryption and audit keys live
    /// outside it. PostgreSQL deployments back up with the server's own tools (`pg_dump`).
    pub async fn backup_sqlite(&self, out: &Path) -> Result<()> {
        match &self.backend {
            Backend::Sqlite(pool) => {
                if out.exists() {
                    return Err(StoreError::Conflict(format!(
                        "{} exists already; a backup never overwrites a file",
                        out.display()
                    )));
                }
                sqlx::query("VACUUM INTO $1")
                    .bind(out.to_string_lossy().into_owned())
                    .execute(pool)
                    .await?;
                Ok(())
            }
            Backend::Postgres(_) => Err(StoreError::Conflict(
                "this deployment runs on PostgreSQL: back it up with pg_dump (see the README)"
                    .into(),
            )),
        }
    }

    pub fn backend_name(&self) -> &'static str {
        match self.backend {
            Backend::Sqlite(_) => "sqlite",
            Backend::Postgres(_) => "postgres",
        }
    }

    pub async fn close(&self) {
        on_pool!(self, pool => pool.close().await)
    }
}

/// Parses a stored code back into a domain value, or reports corruption with the column name.
pub(crate) fn decode_code<T>(
    column: &str,
    code: &str,
    parse: impl Fn(&str) -> Option<T>,
) -> Result<T> {
    parse(code).ok_or_else(|| StoreError::Corrupt(format!("{column} = {code:?}")))
}
