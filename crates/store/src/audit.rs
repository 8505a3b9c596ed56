//! The audit log: every sign-in, change and view of a person's or case's record, append-only
//! and chained by hash. Each entry's hash covers its content and the previous entry's hash, so
//! changing, removing or reordering any entry breaks the chain from there on, which
//! [`Store::verify_audit_chain`] finds. The tables also refuse updates and deletes.
//!
//! Entries name people and records only by id, never by name: the log is personal-data free.

use chrono::{DateTime, SubsecRound, Utc};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::{Result, Store, on_pool};

/// What happened, as the caller describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEvent {
    pub actor_id: Option<Uuid>,
    /// A stable verb such as `sign-in`, `user.create`, `person.view`.
    pub action: String,
    /// What it was done to, by kind and id (`user:0190…`), never by name.
    pub subject: String,
    pub hub_id: Option<Uuid>,
    pub country: Option<String>,
    /// Where from: the client address, or `cli` for the command line.
    pub source: String,
    /// `ok`, or why it was refused (`denied`, `bad-password`, ...).
    pub outcome: String,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct AuditEntry {
    pub seq: i64,
    pub at: DateTime<Utc>,
    pub actor_id: Option<Uuid>,
    pub action: String,
    pub subject: String,
    pub hub_id: Option<Uuid>,
    pub country: Option<String>,
    pub source: String,
    pub outcome: String,
    pub prev_hash: String,
    pub hash: String,
}

/// Filters for searching the log; `None` matches anything.
#[derive(Debug, Clone, Default)]
pub struct AuditQuery {
    pub actor_id: Option<Uuid>,
    pub action_prefix: Option<String>,
    pub hubs: Option<Vec<Uuid>>,
    pub countries: Option<Vec<String>>,
    pub since: Option<DateTime<Utc>>,
    pub until: Option<DateTime<Utc>>,
    pub limit: i64,
}

/// Where the chain first breaks, if it does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChainCheck {
    Intact { entries: i64 },
    Broken { seq: i64, reason: String },
}

fn entry_hash(seq: i64, at: DateTime<Utc>, e: &AuditEvent, prev_hash: &str) -> String {
    let mut h = Sha256::new();
    // Fields separated by a byte that cannot occur in them, so boundaries cannot shift.
    for part in [
        seq.to_string(),
        at.to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
        e.actor_id.map(|u| u.to_string()).unwrap_or_default(),
        e.action.clone(),
        e.subject.clone(),
        e.hub_id.map(|u| u.to_string()).unwrap_or_default(),
        e.country.clone().unwrap_or_default(),
        e.source.clone(),
        e.outcome.clone(),
        prev_hash.to_owned(),
    ] {
        h.update(part.as_bytes());
        h.update([0x1f]);
    }
    hex::encode(h.finalize())
}

impl Store {
    /// Appends an event to the chain. Concurrent appenders are serialised by the update of the
    /// chain's head row, on both backends.
    pub async fn audit(&self, event: &AuditEvent) -> Result<i64> {
        let at = Utc::now().trunc_subsecs(6);
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            let (seq, prev): (i64, String) = sqlx::query_as(
                "UPDATE audit_head SET seq = seq + 1 WHERE id = 1 RETURNING seq, hash",
            )
            .fetch_one(&mut *tx)
            .await?;
            let hash = entry_hash(seq, at, event, &prev);
            sqlx::query(
                "INSERT INTO audit_log (seq, at, actor_id, action, subject, hub_id, country,
                     source, outcome, prev_hash, hash)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
            )
            .bind(seq)
            .bind(at)
            .bind(event.actor_id)
            .bind(&event.action)
            .bind(&event.subject)
            .bind(event.hub_id)
            .bind(&event.country)
            .bind(&event.source)
            .bind(&event.outcome)
            .bind(&prev)
            .bind(&hash)
            .execute(&mut *tx)
            .await?;
            sqlx::query("UPDATE audit_head SET hash = $1 WHERE id = 1")
                .bind(&hash)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            Ok(seq)
        })
    }

    /// Entries matching `q`, newest first.
    pub async fn search_audit(&self, q: &AuditQuery) -> Result<Vec<AuditEntry>> {
        let all: Vec<AuditEntry> = on_pool!(self, pool => sqlx::query_as(
            "SELECT seq, at, actor_id, action, subject, hub_id, country, source, outcome,
                 prev_hash, hash
             FROM audit_log
             WHERE ($1 IS NULL OR actor_id = $1)
               AND ($2 IS NULL OR action LIKE $2)
               AND ($3 IS NULL OR at >= $3)
               AND ($4 IS NULL OR at < $4)
             ORDER BY seq DESC",
        )
        .bind(q.actor_id)
        .bind(q.action_prefix.as_ref().map(|p| format!("{}%", p.replace(['%', '_'], ""))))
        .bind(q.since)
        .bind(q.until)
        .fetch_all(pool)
        .await?);
        // Scope is filtered here rather than in SQL: lists of ids bind differently on the two
        // backends, and the log is read by coordinators, not on a hot path.
        let limit = if q.limit > 0 {
            q.limit as usize
        } else {
            usize::MAX
        };
        Ok(all
            .into_iter()
            .filter(|e| match (&q.hubs, &q.countries) {
                (None, None) => true,
                (hubs, countries) => {
                    e.hub_id
                        .is_some_and(|h| hubs.as_ref().is_some_and(|l| l.contains(&h)))
                        || e.country
                            .as_ref()
                            .is_some_and(|c| countries.as_ref().is_some_and(|l| l.contains(c)))
                }
            })
            .take(limit)
            .collect())
    }

    /// Recomputes every hash from the first entry and compares it with the stored chain and
    /// the head row.
    pub async fn verify_audit_chain(&self) -> Result<ChainCheck> {
        let entries: Vec<AuditEntry> = on_pool!(self, pool => sqlx::query_as(
            "SELECT seq, at, actor_id, action, subject, hub_id, country, source, outcome,
                 prev_hash, hash
             FROM audit_log ORDER BY seq",
        )
        .fetch_all(pool)
        .await?);
        let head: (i64, String) = on_pool!(self, pool => sqlx::query_as(
            "SELECT seq, hash FROM audit_head WHERE id = 1",
        )
        .fetch_one(pool)
        .await?);
        let mut prev = String::new();
        for (i, e) in entries.iter().enumerate() {
            let expected_seq = i as i64 + 1;
            if e.seq != expected_seq {
                return Ok(ChainCheck::Broken {
                    seq: expected_seq,
                    reason: "entry missing".into(),
                });
            }
            if e.prev_hash != prev {
                return Ok(ChainCheck::Broken {
                    seq: e.seq,
                    reason: "does not follow the previous entry".into(),
                });
            }
            let event = AuditEvent {
                actor_id: e.actor_id,
                action: e.action.clone(),
                subject: e.subject.clone(),
                hub_id: e.hub_id,
                country: e.country.clone(),
                source: e.source.clone(),
                outcome: e.outcome.clone(),
            };
            if entry_hash(e.seq, e.at, &event, &prev) != e.hash {
                return Ok(ChainCheck::Broken {
                    seq: e.seq,
                    reason: "content was changed".into(),
                });
            }
            prev = e.hash.clone();
        }
        let count = entries.len() as i64;
        if head.0 != count || head.1 != prev {
            return Ok(ChainCheck::Broken {
                seq: count + 1,
                reason: "entries after this one were removed".into(),
            });
        }
        Ok(ChainCheck::Intact { entries: count })
    }
}
