//! Devices that mobile teams work offline on, and the operations they send back.
//!
//! The server makes each device's data key (AES-256-GCM, what browsers' WebCrypto offers) and
//! keeps it sealed under the deployment's keys; the device keeps it only wrapped under a PIN.
//! Operations done offline come back encrypted under that key, so a browser can send them in
//! the background without the PIN, and each is applied once: its idempotency key is recorded
//! with its outcome, and a resent operation gets the recorded outcome back.

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use chrono::{DateTime, Utc};
use rand_core::{OsRng, RngCore};
use sqlx::types::Json;
use uuid::Uuid;
use zeroize::Zeroizing;

use crate::audit::{Change, append_audit};
use crate::crypto::KeyRing;
use crate::{Result, Store, StoreError, on_pool};

const DATA_KEY: &str = "offline_devices.data_key";

/// A device enrolled for offline work.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Device {
    pub id: Uuid,
    pub user_id: Uuid,
    pub enrolled_at: DateTime<Utc>,
    /// After this the device must wipe what it holds and be enrolled again.
    pub expires_at: DateTime<Utc>,
    /// When the device was signed out or its account disabled.
    pub ended_at: Option<DateTime<Utc>>,
}

impl Device {
    /// Whether the device may still hold data and send work at `now`.
    pub fn in_force(&self, now: DateTime<Utc>) -> bool {
        self.ended_at.is_none() && now < self.expires_at
    }
}

/// An operation as it was applied: what the device is told, now and whenever it sends the same
/// operation again.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "status", rename_all = "kebab-case")]
pub enum Outcome {
    /// Written; `record` names what was made or changed (`person:…`, `case:…`). `similar`
    /// lists earlier records, among those the worker may open, that look like the same person
    /// (ids only: answers are kept in the clear).
    Done {
        record: String,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        similar: Vec<Uuid>,
    },
    /// A field someone else changed since the device saw it: the worker chooses.
    Conflict {
        /// The record the field belongs to (`case:…`).
        record: String,
        field: String,
        seen: String,
        theirs: String,
        mine: String,
        changed_by: Option<String>,
        changed_at: Option<DateTime<Utc>>,
    },
    /// The policy or the record's rules refuse it, as they would online; `reason` is in the
    /// worker's language.
    Refused { reason: String },
}

impl Outcome {
    pub fn done(record: String) -> Outcome {
        Outcome::Done {
            record,
            similar: Vec::new(),
        }
    }
}

/// A 256-bit key the device and the server share.
pub type DataKey = Zeroizing<[u8; 32]>;

/// Opens what a device sealed: `sealed` is base64 of a 12-byte nonce followed by the AES-GCM
/// ciphertext, with `aad` (the operation's idempotency key) bound to it.
pub fn open_sealed(key: &DataKey, sealed: &str, aad: &str) -> Option<Vec<u8>> {
    let data = B64.decode(sealed).ok()?;
    if data.len() < 12 + 16 {
        return None;
    }
    let (nonce, ciphertext) = data.split_at(12);
    Aes256Gcm::new(key.as_slice().into())
        .decrypt(
            Nonce::from_slice(nonce),
            Payload {
                msg: ciphertext,
                aad: aad.as_bytes(),
            },
        )
        .ok()
}

/// A data key as the device received it at enrolment (base64), for tools that speak for a
/// device; `None` unless it is 32 bytes.
pub fn data_key_from_base64(text: &str) -> Option<DataKey> {
    let bytes: [u8; 32] = B64.decode(text).ok()?.try_into().ok()?;
    Some(Zeroizing::new(bytes))
}

/// Seals `plain` as a device does (for tests and tools that speak for a device).
pub fn seal(key: &DataKey, plain: &[u8], aad: &str) -> String {
    let mut nonce = [0u8; 12];
    OsRng.fill_bytes(&mut nonce);
    let mut out = nonce.to_vec();
    out.extend(
        Aes256Gcm::new(key.as_slice().into())
            .encrypt(
                Nonce::from_slice(&nonce),
                Payload {
                    msg: plain,
                    aad: aad.as_bytes(),
                },
            )
            .expect("AES-GCM encryption does not fail for in-memory data"),
    );
    B64.encode(out)
}

impl Store {
    /// Enrols a device for `user_id`, in force for `hours`; returns it with its data key.
    pub async fn enrol_device(
        &self,
        keys: &KeyRing,
        user_id: Uuid,
        hours: u32,
        change: &Change,
    ) -> Result<(Device, DataKey)> {
        let mut key = Zeroizing::new([0u8; 32]);
        OsRng.fill_bytes(key.as_mut_slice());
        let now = self.now();
        let device = Device {
            id: Uuid::now_v7(),
            user_id,
            enrolled_at: now,
            expires_at: now + chrono::Duration::hours(i64::from(hours)),
            ended_at: None,
        };
        let sealed = keys.encrypt(DATA_KEY, &Zeroizing::new(B64.encode(key.as_slice())));
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            sqlx::query(
                "INSERT INTO offline_devices (id, user_id, data_key, enrolled_at, expires_at)
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(device.id)
            .bind(user_id)
            .bind(&sealed)
            .bind(device.enrolled_at)
            .bind(device.expires_at)
            .execute(&mut *tx)
            .await?;
            append_audit!(self, tx, &change.event("offline.enrol", format!("device:{}", device.id)));
            tx.commit().await?;
        });
        Ok((device, key))
    }

    pub async fn device(&self, id: Uuid) -> Result<Option<Device>> {
        Ok(on_pool!(self, pool => sqlx::query_as(
                "SELECT id, user_id, enrolled_at, expires_at, ended_at
                 FROM offline_devices WHERE id = $1",
            )
            .bind(id)
            .fetch_optional(pool)
            .await?))
    }

    /// The device's data key, to open what it sends.
    pub async fn device_key(&self, keys: &KeyRing, id: Uuid) -> Result<Option<DataKey>> {
        let sealed: Option<String> = on_pool!(self, pool => sqlx::query_scalar(
                "SELECT data_key FROM offline_devices WHERE id = $1",
            )
            .bind(id)
            .fetch_optional(pool)
            .await?);
        let Some(sealed) = sealed else {
            return Ok(None);
        };
        let text = Zeroizing::new(
            keys.decrypt(DATA_KEY, &sealed)
                .map_err(|e| StoreError::Corrupt(e.to_string()))?,
        );
        let bytes = Zeroizing::new(
            B64.decode(text.as_bytes())
                .map_err(|e| StoreError::Corrupt(format!("{DATA_KEY}: {e}")))?,
        );
        let mut key = Zeroizing::new([0u8; 32]);
        if bytes.len() != 32 {
            return Err(StoreError::Corrupt(format!("{DATA_KEY}: not 32 bytes")));
        }
        key.copy_from_slice(&bytes);
        Ok(Some(key))
    }

    /// Ends a device (its worker signed out on it): it wipes itself at its next contact.
    pub async fn end_device(&self, id: Uuid, change: &Change) -> Result<bool> {
        let now = self.now();
        Ok(on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            let ended = sqlx::query(
                "UPDATE offline_devices SET ended_at = $2 WHERE id = $1 AND ended_at IS NULL",
            )
            .bind(id)
            .bind(now)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if ended == 1 {
                append_audit!(self, tx, &change.event("offline.end", format!("device:{id}")));
            }
            tx.commit().await?;
            ended == 1
        }))
    }

    /// The outcome an operation had, if it was applied already.
    pub async fn operation_outcome(&self, key: &str) -> Result<Option<Outcome>> {
        let found: Option<Json<Outcome>> = on_pool!(self, pool => sqlx::query_scalar(
                "SELECT outcome FROM offline_operations WHERE key = $1",
            )
            .bind(key)
            .fetch_optional(pool)
            .await?);
        Ok(found.map(|j| j.0))
    }

    /// Records an operation's outcome; the first record of a key stands.
    pub async fn record_operation(
        &self,
        key: &str,
        device: &Device,
        kind: &str,
        done_at: DateTime<Utc>,
        outcome: &Outcome,
    ) -> Result<Outcome> {
        on_pool!(self, pool => sqlx::query(
                "INSERT INTO offline_operations
                     (key, device_id, user_id, kind, done_at, received_at, outcome)
                 VALUES ($1, $2, $3, $4, $5, $6, $7)
                 ON CONFLICT (key) DO NOTHING",
            )
            .bind(key)
            .bind(device.id)
            .bind(device.user_id)
            .bind(kind)
            .bind(done_at)
            .bind(self.now())
            .bind(Json(outcome))
            .execute(pool)
            .await
            .map(|_| ())?);
        Ok(self
            .operation_outcome(key)
            .await?
            .unwrap_or_else(|| outcome.clone()))
    }
}

/// Whether a write failed because its id is taken: the same operation was applied before
/// its outcome could be recorded.
pub fn already_written(e: &StoreError) -> bool {
    matches!(e, StoreError::Database(sqlx::Error::Database(d)) if d.is_unique_violation())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_operation_opens_only_with_its_key_and_idempotency_key() {
        let key = Zeroizing::new([7u8; 32]);
        let sealed = seal(&key, b"{\"kind\":\"note\"}", "op-1");
        assert_eq!(
            open_sealed(&key, &sealed, "op-1").as_deref(),
            Some(&b"{\"kind\":\"note\"}"[..])
        );
        assert_eq!(open_sealed(&key, &sealed, "op-2"), None);
        assert_eq!(
            open_sealed(&Zeroizing::new([8u8; 32]), &sealed, "op-1"),
            None
        );
        assert_eq!(open_sealed(&key, "not base64!", "op-1"), None);
    }
}
