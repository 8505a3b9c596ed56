//! The audit log: every sign-in, change and view of a person's or case's record, append-only
//! and chained. Each entry's hash is an HMAC, under the audit key, of its content and the
//! previous entry's hash, so changing, removing or reordering any entry breaks the chain from
//! there on, which [`Store::verify_audit_chain`] finds. The key lives outside the database
//! (configuration or environment, like the encryption keys), so someone who can write to the
//! database cannot re-chain a rewritten log; the tables also refuse updates and deletes.
//! Signed checkpoints ([`Checkpoint`]), kept outside the database, pin the head at a moment,
//! so a log cut short after a checkpoint is found too.
//!
//! Changes are audited in their own transaction ([`append_audit!`]): a change is never stored
//! without its entry, nor an entry without its change.
//!
//! Entries name people and records only by id, never by name: the log is personal-data free.

use base64::Engine;
use base64::engine::general_purpose::STANDARD_NO_PAD as B64;
use chrono::{DateTime, SubsecRound, Utc};
use ed25519_dalek::{Signer, SigningKey, Verifier, VerifyingKey};
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::crypto::{CryptoError, KeyRing};
use crate::{Result, Store, on_pool};

/// The audit keys: the current one chains new entries, all of them verify (`ID:BASE64`, current
/// first, the format of the encryption keys; `bluedot audit keygen` prints one).
#[derive(Clone, Debug)]
pub struct AuditKeys {
    ring: KeyRing,
}

/// What a checkpoint's signature covers, apart from its fields.
const CHECKPOINT_CONTEXT: &str = "bluedot audit checkpoint v1";

impl AuditKeys {
    pub fn parse(spec: &str) -> Result<AuditKeys, CryptoError> {
        Ok(AuditKeys {
            ring: KeyRing::parse(spec)?,
        })
    }

    pub fn generate_spec(id: &str) -> String {
        KeyRing::generate_spec(id)
    }

    /// A new random key with this id (for tests, benchmarks and `bluedot audit keygen`).
    pub fn generate(id: &str) -> AuditKeys {
        AuditKeys::parse(&Self::generate_spec(id)).expect("a generated key parses")
    }

    pub fn current_id(&self) -> &str {
        self.ring.current_id()
    }

    /// The hash of an entry chained under `key_id`: HMAC-SHA-256 under that key, or plain
    /// SHA-256 for entries from before keys (`key_id` empty). `None` if the key is not held.
    fn entry_hash(
        &self,
        key_id: &str,
        seq: i64,
        at: DateTime<Utc>,
        e: &AuditEvent,
        prev_hash: &str,
    ) -> Option<String> {
        let parts = [
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
        ];
        // Fields separated by a byte that cannot occur in them, so boundaries cannot shift.
        if key_id.is_empty() {
            let mut h = Sha256::new();
            for part in &parts {
                h.update(part.as_bytes());
                h.update([0x1f]);
            }
            return Some(hex::encode(h.finalize()));
        }
        let mut mac = Hmac::<Sha256>::new_from_slice(self.ring.key(key_id)?)
            .expect("HMAC takes a key of any length");
        mac.update(key_id.as_bytes());
        mac.update(&[0x1f]);
        for part in &parts {
            mac.update(part.as_bytes());
            mac.update(&[0x1f]);
        }
        Some(hex::encode(mac.finalize().into_bytes()))
    }

    /// The checkpoint signing key of `key_id`, derived from the audit key so that one secret
    /// serves both; its public half can be given to anyone who checks checkpoints.
    fn signing_key(&self, key_id: &str) -> Option<SigningKey> {
        let hk = hkdf::Hkdf::<Sha256>::new(Some(b"bluedot-audit"), self.ring.key(key_id)?);
        let mut seed = zeroize::Zeroizing::new([0u8; 32]);
        hk.expand(CHECKPOINT_CONTEXT.as_bytes(), &mut seed[..])
            .expect("32 bytes is a valid HKDF output length");
        Some(SigningKey::from_bytes(&seed))
    }

    /// The public key that checks checkpoints signed under the current key, base64.
    pub fn public_key(&self) -> String {
        let key = self
            .signing_key(self.current_id())
            .expect("current key is in the ring");
        B64.encode(key.verifying_key().as_bytes())
    }

    /// Signs the chain's head as it is now.
    pub fn checkpoint(&self, entries: i64, head: &str, at: DateTime<Utc>) -> Checkpoint {
        let key_id = self.current_id().to_owned();
        let at = at.trunc_subsecs(0);
        let key = self
            .signing_key(&key_id)
            .expect("current key is in the ring");
        let signature = key.sign(checkpoint_message(entries, head, at, &key_id).as_bytes());
        Checkpoint {
            entries,
            head: head.to_owned(),
            at,
            key_id,
            signature: B64.encode(signature.to_bytes()),
        }
    }

    /// Whether a checkpoint was signed by this deployment's audit key, as written.
    fn signed(&self, c: &Checkpoint) -> std::result::Result<(), String> {
        let key = self.signing_key(&c.key_id).ok_or_else(|| {
            format!(
                "signed with audit key {:?}, which is not configured",
                c.key_id
            )
        })?;
        let public: VerifyingKey = key.verifying_key();
        let bytes: [u8; 64] = B64
            .decode(c.signature.trim_end_matches('='))
            .ok()
            .and_then(|b| b.try_into().ok())
            .ok_or("the signature is not 64 bytes of base64")?;
        public
            .verify(
                checkpoint_message(c.entries, &c.head, c.at, &c.key_id).as_bytes(),
                &ed25519_dalek::Signature::from_bytes(&bytes),
            )
            .map_err(|_| "the signature does not match".to_owned())
    }
}

fn checkpoint_message(entries: i64, head: &str, at: DateTime<Utc>, key_id: &str) -> String {
    format!(
        "{CHECKPOINT_CONTEXT}\x1f{entries}\x1f{head}\x1f{}\x1f{key_id}",
        at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
    )
}

/// The chain's head at a moment, signed with Ed25519 under a key derived from the audit key.
/// Kept outside the database (one JSON line each, appended to a file), checkpoints prove that
/// the log had at least `entries` entries ending in `head`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checkpoint {
    pub entries: i64,
    pub head: String,
    pub at: DateTime<Utc>,
    pub key_id: String,
    pub signature: String,
}

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

/// Who makes a change and from where, and the hub it concerns: what a write needs to audit
/// itself in its own transaction. The store names the action and the record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub actor_id: Option<Uuid>,
    /// The client address, or `cli` for the command line.
    pub source: String,
    pub hub_id: Option<Uuid>,
    pub country: Option<String>,
}

impl Change {
    /// A change made by the system itself (an import, a scheduled job) from `source`.
    pub fn by_system(source: &str) -> Change {
        Change {
            actor_id: None,
            source: source.to_owned(),
            hub_id: None,
            country: None,
        }
    }

    /// The audit entry of this change: `action` done to `subject`, successfully.
    pub fn event(&self, action: &str, subject: String) -> AuditEvent {
        AuditEvent {
            actor_id: self.actor_id,
            action: action.to_owned(),
            subject,
            hub_id: self.hub_id,
            country: self.country.clone(),
            source: self.source.clone(),
            outcome: "ok".to_owned(),
        }
    }
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
    /// The audit key the hash was made with; empty for entries from before audit keys.
    pub key_id: String,
}

/// Filters for searching the log; `None` matches anything.
#[derive(Debug, Clone, Default)]
pub struct AuditQuery {
    pub actor_id: Option<Uuid>,
    pub action_prefix: Option<String>,
    /// One record, as the log names it (`case:…`, `person:…`, `user:…`).
    pub subject: Option<String>,
    /// `ok`, `denied`, `failed` …
    pub outcome: Option<String>,
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

/// Appends `event` to the audit chain inside the transaction `tx` (`&mut Transaction`) of the
/// change it records, as the transaction's last statement: the head row it locks is then held
/// only until the commit, and every transaction takes it last, so it cannot deadlock with the
/// change's own locks. Evaluates to the entry's sequence number. Must run inside [`on_pool!`].
macro_rules! append_audit {
    ($store:expr, $tx:expr, $event:expr) => {{
        let keys = $store.audit_keys()?;
        let event: &$crate::audit::AuditEvent = $event;
        let at = chrono::SubsecRound::trunc_subsecs(chrono::Utc::now(), 6);
        let (seq, prev): (i64, String) =
            sqlx::query_as("UPDATE audit_head SET seq = seq + 1 WHERE id = 1 RETURNING seq, hash")
                .fetch_one(&mut *$tx)
                .await?;
        let key_id = keys.current_id().to_owned();
        let hash = keys.hash_new(seq, at, event, &prev);
        sqlx::query(
            "INSERT INTO audit_log (seq, at, actor_id, action, subject, hub_id, country,
                 source, outcome, prev_hash, hash, key_id)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
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
        .bind(&key_id)
        .execute(&mut *$tx)
        .await?;
        sqlx::query("UPDATE audit_head SET hash = $1 WHERE id = 1")
            .bind(&hash)
            .execute(&mut *$tx)
            .await?;
        seq
    }};
}
pub(crate) use append_audit;

/// Runs a statement that changes at most one row (`|tx| query.execute(&mut *tx)...rows_affected()`)
/// in a transaction of its own, with `event` appended when it changed one. Evaluates to the
/// number of rows changed. Must be written where `on_pool!` can reach the store's backend.
macro_rules! audited_row_change {
    ($store:expr, $event:expr, |$tx:ident| $change:expr) => {
        $crate::on_pool!($store, pool => {
            let mut $tx = pool.begin().await?;
            let done: u64 = $change;
            if done == 1 {
                $crate::audit::append_audit!($store, $tx, $event);
            }
            $tx.commit().await?;
            done
        })
    };
}
pub(crate) use audited_row_change;

impl AuditKeys {
    /// The hash of a new entry, under the current key.
    pub(crate) fn hash_new(
        &self,
        seq: i64,
        at: DateTime<Utc>,
        e: &AuditEvent,
        prev: &str,
    ) -> String {
        self.entry_hash(self.current_id(), seq, at, e, prev)
            .expect("current key is in the ring")
    }
}

/// What to check the chain against besides itself.
#[derive(Debug, Clone, Default)]
pub struct ChainProof {
    /// Signed checkpoints: each must be signed by the audit key and match the chain.
    pub checkpoints: Vec<Checkpoint>,
    /// Entries up to this one may predate the audit key (plain SHA-256); the operator knows
    /// from their own records when keys were introduced. After it, an unkeyed entry is a break.
    pub unkeyed_until: i64,
}

impl Store {
    /// Appends an event to the chain. Concurrent appenders are serialised by the update of the
    /// chain's head row, on both backends.
    pub async fn audit(&self, event: &AuditEvent) -> Result<i64> {
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            let seq = append_audit!(self, tx, event);
            tx.commit().await?;
            Ok(seq)
        })
    }

    /// A signed checkpoint of the chain's head as it is now.
    pub async fn audit_checkpoint(&self) -> Result<Checkpoint> {
        let keys = self.audit_keys()?;
        let (entries, head) = self.audit_head().await?;
        Ok(keys.checkpoint(entries, &head, Utc::now()))
    }

    /// The chain's length and last hash, for a checkpoint.
    pub async fn audit_head(&self) -> Result<(i64, String)> {
        Ok(on_pool!(self, pool => sqlx::query_as(
            "SELECT seq, hash FROM audit_head WHERE id = 1",
        )
        .fetch_one(pool)
        .await?))
    }

    /// Entries matching `q`, newest first.
    pub async fn search_audit(&self, q: &AuditQuery) -> Result<Vec<AuditEntry>> {
        let all: Vec<AuditEntry> = on_pool!(self, pool => sqlx::query_as(
            "SELECT seq, at, actor_id, action, subject, hub_id, country, source, outcome,
                 prev_hash, hash, key_id
             FROM audit_log
             WHERE ($1 IS NULL OR actor_id = $1)
               AND ($2 IS NULL OR action LIKE $2)
               AND ($3 IS NULL OR at >= $3)
               AND ($4 IS NULL OR at < $4)
               AND ($5 IS NULL OR subject = $5)
               AND ($6 IS NULL OR outcome = $6)
             ORDER BY seq DESC",
        )
        .bind(q.actor_id)
        .bind(q.action_prefix.as_ref().map(|p| format!("{}%", p.replace(['%', '_'], ""))))
        .bind(q.since)
        .bind(q.until)
        .bind(q.subject.as_deref())
        .bind(q.outcome.as_deref())
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

    /// Recomputes every hash from the first entry with the audit keys, compares it with the
    /// stored chain and the head row, and checks every checkpoint against the chain. Names the
    /// first entry that breaks.
    pub async fn verify_audit_chain(&self, proof: &ChainProof) -> Result<ChainCheck> {
        let keys = self.audit_keys()?;
        let entries: Vec<AuditEntry> = on_pool!(self, pool => sqlx::query_as(
            "SELECT seq, at, actor_id, action, subject, hub_id, country, source, outcome,
                 prev_hash, hash, key_id
             FROM audit_log ORDER BY seq",
        )
        .fetch_all(pool)
        .await?);
        let head = self.audit_head().await?;
        let broken = |seq: i64, reason: String| Ok(ChainCheck::Broken { seq, reason });
        let mut prev = String::new();
        for (i, e) in entries.iter().enumerate() {
            let expected_seq = i as i64 + 1;
            if e.seq != expected_seq {
                return broken(expected_seq, "entry missing".into());
            }
            if e.prev_hash != prev {
                return broken(e.seq, "does not follow the previous entry".into());
            }
            if e.key_id.is_empty() && e.seq > proof.unkeyed_until {
                return broken(e.seq, "chained without the audit key".into());
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
            match keys.entry_hash(&e.key_id, e.seq, e.at, &event, &prev) {
                None => {
                    return broken(
                        e.seq,
                        format!(
                            "chained under audit key {:?}, which is not configured",
                            e.key_id
                        ),
                    );
                }
                Some(h) if h != e.hash => return broken(e.seq, "content was changed".into()),
                Some(_) => {}
            }
            prev = e.hash.clone();
        }
        let count = entries.len() as i64;
        if head.0 != count || head.1 != prev {
            return broken(count + 1, "entries after this one were removed".into());
        }
        for c in &proof.checkpoints {
            if let Err(why) = keys.signed(c) {
                return broken(c.entries, format!("checkpoint of {}: {why}", c.at));
            }
            if c.entries > count {
                return broken(
                    count + 1,
                    format!(
                        "the checkpoint of {} saw {} entries; the log has {count}",
                        c.at, c.entries
                    ),
                );
            }
            let at_checkpoint = match c.entries {
                0 => "",
                n => entries[(n - 1) as usize].hash.as_str(),
            };
            if at_checkpoint != c.head {
                return broken(
                    c.entries,
                    format!("differs from the checkpoint of {}", c.at),
                );
            }
        }
        Ok(ChainCheck::Intact { entries: count })
    }
}
