//! What the people who run a deployment watch: whether the database is reachable and up to
//! date, how busy its connection pool is, and the few figures that say work is piling up.
//! No personal data: counts and times only.

use chrono::{DateTime, Utc};

use crate::{Backend, Result, Store, on_pool};

/// Whether the process can serve: the database answers and every migration this build knows
/// is applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Readiness {
    pub database: bool,
    pub migrations: bool,
}

/// Figures for the metrics endpoint, read when it is scraped.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OperationalFigures {
    /// Packages, answers and arrival reports waiting for their partner to take them.
    pub deliveries_waiting: i64,
    pub oldest_delivery_waiting: Option<DateTime<Utc>>,
    pub audit_entries: i64,
    pub last_audit_entry: Option<DateTime<Utc>>,
    /// Hubs, services, providers and pages last verified before the review age.
    pub directory_due: i64,
    /// Failed sign-ins counted against accounts now (reset by a successful one).
    pub sign_in_failures: i64,
    pub accounts_locked: i64,
}

/// Connections of the pool: open, and of those idle.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolUse {
    pub open: u32,
    pub idle: u32,
    pub max: u32,
}

impl Store {
    /// Checks the database and its migrations without failing: what is not ready says so.
    pub async fn readiness(&self) -> Readiness {
        let latest = match &self.backend {
            Backend::Sqlite(_) => sqlx::migrate!("./migrations/sqlite")
                .iter()
                .map(|m| m.version)
                .max(),
            Backend::Postgres(_) => sqlx::migrate!("./migrations/postgres")
                .iter()
                .map(|m| m.version)
                .max(),
        };
        let applied: std::result::Result<Option<i64>, sqlx::Error> = on_pool!(self, pool => {
            sqlx::query_scalar("SELECT MAX(version) FROM _sqlx_migrations WHERE success")
                .fetch_one(pool)
                .await
        });
        match applied {
            Ok(applied) => Readiness {
                database: true,
                migrations: applied >= latest,
            },
            Err(_) => Readiness {
                database: false,
                migrations: false,
            },
        }
    }

    pub fn pool_use(&self) -> PoolUse {
        on_pool!(self, pool => PoolUse {
            open: pool.size(),
            idle: pool.num_idle() as u32,
            max: pool.options().get_max_connections(),
        })
    }

    pub async fn operational_figures(
        &self,
        now: DateTime<Utc>,
        review_before: DateTime<Utc>,
    ) -> Result<OperationalFigures> {
        let (deliveries_waiting, oldest_delivery_waiting): (i64, Option<DateTime<Utc>>) = on_pool!(self, pool => sqlx::query_as(
            "SELECT COUNT(*), MIN(created_at) FROM transfers
             WHERE partner IS NOT NULL
               AND ((direction = 'out' AND status = 'pending')
                    OR (direction = 'in' AND answer_package IS NOT NULL AND answer_delivered_at IS NULL)
                    OR (direction = 'in' AND arrival_package IS NOT NULL AND arrival_delivered_at IS NULL))",
        )
        .fetch_one(pool)
        .await?);
        let (audit_entries,): (i64,) = on_pool!(self, pool => sqlx::query_as(
            "SELECT seq FROM audit_head WHERE id = 1",
        )
        .fetch_one(pool)
        .await?);
        let last_audit_entry: Option<DateTime<Utc>> = on_pool!(self, pool => sqlx::query_scalar(
            "SELECT MAX(at) FROM audit_log",
        )
        .fetch_one(pool)
        .await?);
        let (sign_in_failures, accounts_locked): (Option<i64>, i64) = on_pool!(self, pool => sqlx::query_as(
            "SELECT SUM(failed_logins), COUNT(CASE WHEN locked_until > $1 THEN 1 END) FROM users",
        )
        .bind(now)
        .fetch_one(pool)
        .await?);
        Ok(OperationalFigures {
            deliveries_waiting,
            oldest_delivery_waiting,
            audit_entries,
            last_audit_entry,
            directory_due: self.stale_entries(review_before).await?.len() as i64,
            sign_in_failures: sign_in_failures.unwrap_or(0),
            accounts_locked,
        })
    }
}
