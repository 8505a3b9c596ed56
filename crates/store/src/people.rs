//! People registered for follow-up, their notes and consents. Identity and notes are encrypted
//! with the key ring before they reach the database and decrypted on the way out; a record is
//! never half-written (the person and their first consent go in one transaction).

use bluedot_core::Country;
use bluedot_core::person::{
    ConsentGiver, ConsentPurpose, Identity, PersonStatus, Sex, SpecificNeed, birth_year,
    name_skeletons,
};
use bluedot_core::policy::{Field, Scope};
use chrono::{DateTime, Utc};
use sqlx::types::Json;
use uuid::Uuid;

use crate::audit::{Change, append_audit, audited_row_change};
use crate::crypto::KeyRing;
use crate::scope::{ScopeParams, bind_scope};
use crate::{Result, Store, StoreError, decode_code, on_pool};

const IDENTITY: &str = "people.identity";
const NOTE_BODY: &str = "person_notes.body";

/// What a registration writes.
#[derive(Debug, Clone)]
pub struct NewPerson {
    pub hub_id: Uuid,
    pub country: Country,
    pub sex: Sex,
    pub identity: Identity,
    pub needs: Vec<SpecificNeed>,
    pub consent: NewConsent,
    pub registered_by: Option<Uuid>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewConsent {
    pub purpose: ConsentPurpose,
    pub given_by: ConsentGiver,
    pub recorded_by: Option<Uuid>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PersonRecord {
    pub id: Uuid,
    pub hub_id: Uuid,
    pub country: Country,
    pub status: PersonStatus,
    pub sex: Sex,
    pub birth_year: Option<i32>,
    pub needs: Vec<SpecificNeed>,
    /// `None` once anonymised.
    pub identity: Option<Identity>,
    pub registered_by: Option<Uuid>,
    pub registered_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub closed_at: Option<DateTime<Utc>>,
    pub closure_reason: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    pub id: Uuid,
    pub field: Field,
    pub author_id: Option<Uuid>,
    pub written_at: DateTime<Utc>,
    pub body: String,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ConsentRow {
    pub id: Uuid,
    pub purpose: String,
    pub given_by: String,
    pub recorded_by: Option<Uuid>,
    pub recorded_at: DateTime<Utc>,
    pub withdrawn_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Consent {
    pub id: Uuid,
    pub purpose: ConsentPurpose,
    pub given_by: ConsentGiver,
    pub recorded_by: Option<Uuid>,
    pub recorded_at: DateTime<Utc>,
    pub withdrawn_at: Option<DateTime<Utc>>,
}

impl Consent {
    pub fn in_force(&self) -> bool {
        self.withdrawn_at.is_none()
    }
}

/// How many values `rotate_keys` re-encrypted, per column.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RotationReport {
    pub totp_secrets: u64,
    pub identities: u64,
    pub notes: u64,
    /// Referral reasons and feedback.
    pub referrals: u64,
    /// Case history entries and case documents (name and content).
    pub cases: u64,
    /// People whose blind name index was rebuilt under the current key.
    pub name_index: u64,
}

#[derive(sqlx::FromRow)]
struct NoteRow {
    id: Uuid,
    field: String,
    author_id: Option<Uuid>,
    written_at: DateTime<Utc>,
    body: String,
}

#[derive(sqlx::FromRow)]
struct PersonRow {
    id: Uuid,
    hub_id: Uuid,
    country: String,
    status: String,
    sex: String,
    birth_year: Option<i32>,
    needs: Json<Vec<SpecificNeed>>,
    identity: Option<String>,
    registered_by: Option<Uuid>,
    registered_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    closed_at: Option<DateTime<Utc>>,
    closure_reason: Option<String>,
}

const PERSON_COLUMNS: &str = "id, hub_id, country, status, sex, birth_year, needs, identity,
    registered_by, registered_at, updated_at, closed_at, closure_reason";

impl PersonRow {
    fn decrypt(self, keys: &KeyRing) -> Result<PersonRecord> {
        let identity = match &self.identity {
            Some(sealed) => {
                let json = keys
                    .decrypt(IDENTITY, sealed)
                    .map_err(|e| StoreError::Corrupt(format!("people.identity: {e}")))?;
                Some(
                    serde_json::from_str(&json)
                        .map_err(|e| StoreError::Corrupt(format!("people.identity: {e}")))?,
                )
            }
            None => None,
        };
        Ok(PersonRecord {
            id: self.id,
            hub_id: self.hub_id,
            country: decode_code("people.country", &self.country, Country::from_code)?,
            status: decode_code("people.status", &self.status, PersonStatus::from_code)?,
            sex: decode_code("people.sex", &self.sex, Sex::from_code)?,
            birth_year: self.birth_year,
            needs: self.needs.0,
            identity,
            registered_by: self.registered_by,
            registered_at: self.registered_at,
            updated_at: self.updated_at,
            closed_at: self.closed_at,
            closure_reason: self.closure_reason,
        })
    }
}

pub(crate) fn seal_identity(keys: &KeyRing, identity: &Identity) -> String {
    let json = serde_json::to_string(identity).expect("identity serialises");
    keys.encrypt(IDENTITY, &json)
}

/// Inserts a consent inside the caller's transaction; a macro so that one text serves both
/// backends' transaction types.
macro_rules! insert_consent {
    ($tx:expr, $person_id:expr, $consent:expr, $at:expr) => {{
        let id = uuid::Uuid::now_v7();
        sqlx::query(
            "INSERT INTO consents (id, person_id, purpose, given_by, recorded_by, recorded_at)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(id)
        .bind($person_id)
        .bind($consent.purpose.code())
        .bind($consent.given_by.code())
        .bind($consent.recorded_by)
        .bind($at)
        .execute(&mut *$tx)
        .await?;
        id
    }};
}
pub(crate) use insert_consent;

/// Replaces a person's rows in the blind name index inside the caller's transaction.
macro_rules! write_name_keys {
    ($tx:expr, $keys:expr, $person_id:expr, $identity:expr) => {{
        sqlx::query("DELETE FROM person_name_keys WHERE person_id = $1")
            .bind($person_id)
            .execute(&mut *$tx)
            .await?;
        for (key_id, hash) in $crate::people::name_hashes($keys, $identity) {
            sqlx::query(
                "INSERT INTO person_name_keys (person_id, key_id, hash) VALUES ($1, $2, $3)",
            )
            .bind($person_id)
            .bind(key_id)
            .bind(hash)
            .execute(&mut *$tx)
            .await?;
        }
    }};
}
pub(crate) use write_name_keys;

/// The blind-index hashes of a person's name skeletons.
pub(crate) fn name_hashes(keys: &KeyRing, identity: &Identity) -> Vec<(String, String)> {
    let mut hashes: Vec<_> = name_skeletons(identity)
        .iter()
        .map(|k| keys.blind_index(&format!("name:{k}")))
        .collect();
    hashes.sort();
    hashes.dedup();
    hashes
}

/// Inserts a registered person (validated `identity`), their first consent, their name keys
/// and the `person.create` audit entry inside the caller's transaction.
macro_rules! insert_person {
    ($store:expr, $tx:ident, $keys:expr, $id:expr, $new:expr, $identity:expr, $at:expr, $change:expr) => {{
        let new: &$crate::people::NewPerson = $new;
        let identity: &bluedot_core::person::Identity = $identity;
        let mut needs = new.needs.clone();
        needs.sort();
        needs.dedup();
        sqlx::query(
            "INSERT INTO people (id, hub_id, country, status, sex, birth_year, needs, identity,
                 registered_by, registered_at, updated_at, registered_day)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10, $11)",
        )
        .bind($id)
        .bind(new.hub_id)
        .bind(new.country.code())
        .bind(bluedot_core::person::PersonStatus::Active.code())
        .bind(new.sex.code())
        .bind(bluedot_core::person::birth_year(identity))
        .bind(sqlx::types::Json(&needs))
        .bind($crate::people::seal_identity($keys, identity))
        .bind(new.registered_by)
        .bind($at)
        .bind(new.country.local_day($at))
        .execute(&mut *$tx)
        .await?;
        $crate::people::insert_consent!($tx, $id, new.consent, $at);
        $crate::people::write_name_keys!($tx, $keys, $id, identity);
        $crate::audit::append_audit!(
            $store,
            $tx,
            &$change.event("person.create", format!("person:{}", $id))
        );
    }};
}
pub(crate) use insert_person;

impl Store {
    /// Registers a person with their first consent, in one transaction with its audit entry
    /// (`person.create`).
    pub async fn create_person(
        &self,
        keys: &KeyRing,
        new: &NewPerson,
        change: &Change,
    ) -> Result<Uuid> {
        self.create_person_as(keys, Uuid::now_v7(), new, change)
            .await
    }

    /// `create_person` under an id chosen beforehand (by a device working offline): a second
    /// call with the same id fails as a unique violation and writes nothing.
    pub async fn create_person_as(
        &self,
        keys: &KeyRing,
        id: Uuid,
        new: &NewPerson,
        change: &Change,
    ) -> Result<Uuid> {
        let identity = new.identity.clone().validate()?;
        let at = self.now();
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            insert_person!(self, tx, keys, id, new, &identity, at, change);
            tx.commit().await?;
        });
        Ok(id)
    }

    pub async fn person(&self, keys: &KeyRing, id: Uuid) -> Result<Option<PersonRecord>> {
        let sql = format!("SELECT {PERSON_COLUMNS} FROM people WHERE id = $1");
        let row: Option<PersonRow> = on_pool!(self, pool => sqlx::query_as(&sql)
            .bind(id)
            .fetch_optional(pool)
            .await?);
        row.map(|r| r.decrypt(keys)).transpose()
    }

    /// Records within a scope, newest first, at most `limit`.
    pub async fn people_in_scope(
        &self,
        keys: &KeyRing,
        scope: &Scope,
        limit: i64,
    ) -> Result<Vec<PersonRecord>> {
        if scope.is_empty() {
            return Ok(Vec::new());
        }
        let in_scope = ScopeParams::of(scope);
        // Scopes are a handful of hubs and countries; they travel as one JSON list each, which
        // both backends can unpack, so the query text stays the same.
        let sql = format!(
            "SELECT {PERSON_COLUMNS} FROM people
             WHERE {in_scope}
             ORDER BY registered_at DESC LIMIT $4",
            in_scope = self.in_scope("country", "hub_id"),
        );
        let rows: Vec<PersonRow> = on_pool!(self, pool => bind_scope!(sqlx::query_as(&sql), in_scope)
            .bind(limit)
            .fetch_all(pool)
            .await?);
        rows.into_iter().map(|r| r.decrypt(keys)).collect()
    }

    /// Records whose names are spelled like `identity`'s, in any script, anywhere in the
    /// deployment: sharing at least two name skeletons (one if only one name is given). The
    /// caller decides what of them the staff member may see.
    pub async fn likely_duplicates(
        &self,
        keys: &KeyRing,
        identity: &Identity,
    ) -> Result<Vec<PersonRecord>> {
        let hashes: Vec<String> = name_hashes(keys, identity)
            .into_iter()
            .map(|(_, h)| h)
            .collect();
        if hashes.is_empty() {
            return Ok(Vec::new());
        }
        let parts = [&identity.given_name, &identity.family_name]
            .iter()
            .filter(|n| !n.trim().is_empty())
            .count()
            .max(1) as i64;
        let sql = format!(
            "SELECT person_id FROM person_name_keys
             WHERE hash IN (SELECT value FROM {list})
             GROUP BY person_id HAVING COUNT(DISTINCT hash) >= $2
             LIMIT 20",
            list = self.json_list("$1"),
        );
        let ids: Vec<(Uuid,)> = on_pool!(self, pool => sqlx::query_as(&sql)
            .bind(serde_json::to_string(&hashes).expect("list serialises"))
            .bind(parts.min(2))
            .fetch_all(pool)
            .await?);
        let mut out = Vec::new();
        for (id,) in ids {
            if let Some(p) = self.person(keys, id).await? {
                out.push(p);
            }
        }
        Ok(out)
    }

    /// Rebuilds the name index of every identifiable person whose index rows were made under
    /// another key (after a rotation) or are missing.
    async fn rebuild_name_keys(&self, keys: &KeyRing) -> Result<u64> {
        let ids: Vec<(Uuid,)> = on_pool!(self, pool => sqlx::query_as(
            "SELECT id FROM people p WHERE identity IS NOT NULL AND (
                 NOT EXISTS (SELECT 1 FROM person_name_keys k WHERE k.person_id = p.id)
                 OR EXISTS (SELECT 1 FROM person_name_keys k
                            WHERE k.person_id = p.id AND k.key_id <> $1))",
        )
        .bind(keys.current_id())
        .fetch_all(pool)
        .await?);
        for (id,) in &ids {
            let Some(identity) = self.person(keys, *id).await?.and_then(|p| p.identity) else {
                continue;
            };
            on_pool!(self, pool => {
                let mut tx = pool.begin().await?;
                write_name_keys!(tx, keys, *id, &identity);
                tx.commit().await?;
            });
        }
        Ok(ids.len() as u64)
    }

    /// Replaces a person's identity and needs.
    pub async fn update_person(
        &self,
        keys: &KeyRing,
        id: Uuid,
        sex: Sex,
        identity: &Identity,
        needs: &[SpecificNeed],
    ) -> Result<bool> {
        let identity = identity.clone().validate()?;
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            let done = sqlx::query(
                "UPDATE people SET sex = $2, birth_year = $3, needs = $4, identity = $5,
                     updated_at = $6
                 WHERE id = $1 AND status <> 'anonymised'",
            )
            .bind(id)
            .bind(sex.code())
            .bind(birth_year(&identity))
            .bind(Json(needs))
            .bind(seal_identity(keys, &identity))
            .bind(self.now())
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if done == 1 {
                write_name_keys!(tx, keys, id, &identity);
            }
            tx.commit().await?;
            Ok(done == 1)
        })
    }

    /// Adds a note by the change's author, audited as `note.add`.
    pub async fn add_note(
        &self,
        keys: &KeyRing,
        person_id: Uuid,
        field: Field,
        body: &str,
        change: &Change,
    ) -> Result<Uuid> {
        let body = body.trim();
        if body.is_empty() || body.chars().count() > 20_000 {
            return Err(bluedot_core::ValidationError::new(
                "note",
                "a note has 1 to 20,000 characters",
            )
            .into());
        }
        let id = Uuid::now_v7();
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            sqlx::query(
                "INSERT INTO person_notes (id, person_id, field, author_id, written_at, body)
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(id)
            .bind(person_id)
            .bind(field.code())
            .bind(change.actor_id)
            .bind(self.now())
            .bind(keys.encrypt(NOTE_BODY, body))
            .execute(&mut *tx)
            .await?;
            append_audit!(self, tx, &change.event("note.add", format!("person:{person_id}/note:{id}")));
            tx.commit().await?;
        });
        Ok(id)
    }

    /// A person's notes in the given parts of the record, oldest first. Notes in other parts
    /// are never read, let alone decrypted.
    pub async fn notes(
        &self,
        keys: &KeyRing,
        person_id: Uuid,
        fields: &[Field],
    ) -> Result<Vec<Note>> {
        let rows: Vec<NoteRow> = on_pool!(self, pool => sqlx::query_as(
                "SELECT id, field, author_id, written_at, body FROM person_notes
                 WHERE person_id = $1 ORDER BY written_at, id",
            )
            .bind(person_id)
            .fetch_all(pool)
            .await?);
        let mut out = Vec::new();
        for NoteRow {
            id,
            field,
            author_id,
            written_at,
            body,
        } in rows
        {
            let field = decode_code("person_notes.field", &field, Field::from_code)?;
            if !fields.contains(&field) {
                continue;
            }
            let body = keys
                .decrypt(NOTE_BODY, &body)
                .map_err(|e| StoreError::Corrupt(format!("person_notes.body: {e}")))?;
            out.push(Note {
                id,
                field,
                author_id,
                written_at,
                body,
            });
        }
        Ok(out)
    }

    pub async fn record_consent(
        &self,
        person_id: Uuid,
        consent: &NewConsent,
        change: &Change,
    ) -> Result<Uuid> {
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            let id = insert_consent!(tx, person_id, consent, self.now());
            append_audit!(self, tx, &change.event("consent.record", format!("person:{person_id}/consent:{id}")));
            tx.commit().await?;
            Ok(id)
        })
    }

    /// Withdraws a consent of this person; false when there is no such consent in force.
    pub async fn withdraw_consent(
        &self,
        person_id: Uuid,
        consent_id: Uuid,
        change: &Change,
    ) -> Result<bool> {
        let done = audited_row_change!(
            self,
            &change.event(
                "consent.withdraw",
                format!("person:{person_id}/consent:{consent_id}")
            ),
            |tx| sqlx::query(
                "UPDATE consents SET withdrawn_at = $3, withdrawn_by = $4
                 WHERE id = $1 AND person_id = $2 AND withdrawn_at IS NULL",
            )
            .bind(consent_id)
            .bind(person_id)
            .bind(self.now())
            .bind(change.actor_id)
            .execute(&mut *tx)
            .await?
            .rows_affected()
        );
        Ok(done == 1)
    }

    pub async fn consents(&self, person_id: Uuid) -> Result<Vec<Consent>> {
        let rows: Vec<ConsentRow> = on_pool!(self, pool => sqlx::query_as(
            "SELECT id, purpose, given_by, recorded_by, recorded_at, withdrawn_at FROM consents
             WHERE person_id = $1 ORDER BY recorded_at, id",
        )
        .bind(person_id)
        .fetch_all(pool)
        .await?);
        rows.into_iter()
            .map(|r| {
                Ok(Consent {
                    id: r.id,
                    purpose: decode_code(
                        "consents.purpose",
                        &r.purpose,
                        ConsentPurpose::from_code,
                    )?,
                    given_by: decode_code(
                        "consents.given_by",
                        &r.given_by,
                        ConsentGiver::from_code,
                    )?,
                    recorded_by: r.recorded_by,
                    recorded_at: r.recorded_at,
                    withdrawn_at: r.withdrawn_at,
                })
            })
            .collect()
    }

    /// Ends follow-up; the retention period runs from now.
    pub async fn close_person(&self, id: Uuid, reason: &str, change: &Change) -> Result<bool> {
        let at = self.now();
        let done = audited_row_change!(
            self,
            &change.event("person.close", format!("person:{id}")),
            |tx| sqlx::query(
                "UPDATE people SET status = 'closed', closed_at = $2, closure_reason = $3,
                     updated_at = $2
                 WHERE id = $1 AND status = 'active'",
            )
            .bind(id)
            .bind(at)
            .bind(reason)
            .execute(&mut *tx)
            .await?
            .rows_affected()
        );
        Ok(done == 1)
    }

    /// Removes everything that identifies a person, every note, the text of their cases'
    /// history and their cases' documents; keeps hub, sex, birth year, needs and the cases'
    /// plain state so that figures stay right. Consents stay as the record of what was agreed.
    pub async fn anonymise_person(&self, id: Uuid, change: &Change) -> Result<bool> {
        let at = self.now();
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            let done = sqlx::query(
                "UPDATE people SET status = 'anonymised', identity = NULL, updated_at = $2,
                     closed_at = COALESCE(closed_at, $2)
                 WHERE id = $1 AND status <> 'anonymised'",
            )
            .bind(id)
            .bind(at)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            for table in ["person_notes", "person_name_keys"] {
                sqlx::query(&format!("DELETE FROM {table} WHERE person_id = $1"))
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
            }
            // The cases stay for the figures; what they said about the child goes.
            sqlx::query(
                "UPDATE case_events SET body = NULL
                 WHERE case_id IN (SELECT id FROM cases WHERE person_id = $1)",
            )
            .bind(id)
            .execute(&mut *tx)
            .await?;
            sqlx::query(
                "DELETE FROM case_documents WHERE case_id IN (SELECT id FROM cases WHERE person_id = $1)",
            )
            .bind(id)
            .execute(&mut *tx)
            .await?;
            // Tracing evidence names the child.
            sqlx::query("DELETE FROM tracing_matches WHERE person_id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?;
            if done == 1 {
                append_audit!(self, tx, &change.event("person.anonymise", format!("person:{id}")));
            }
            tx.commit().await?;
            Ok(done == 1)
        })
    }

    /// Deletes a person's record with its notes and consents. The audit log keeps only the id.
    pub async fn erase_person(&self, id: Uuid, change: &Change) -> Result<bool> {
        let done = audited_row_change!(
            self,
            &change.event("person.erase", format!("person:{id}")),
            |tx| sqlx::query("DELETE FROM people WHERE id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?
                .rows_affected()
        );
        Ok(done == 1)
    }

    /// Records closed before `closed_before`, which retention would anonymise.
    pub async fn retention_due(&self, closed_before: DateTime<Utc>) -> Result<Vec<Uuid>> {
        let due: Vec<(Uuid,)> = on_pool!(self, pool => sqlx::query_as(
            "SELECT id FROM people WHERE status = 'closed' AND closed_at < $1 ORDER BY closed_at",
        )
        .bind(closed_before)
        .fetch_all(pool)
        .await?);
        Ok(due.into_iter().map(|(id,)| id).collect())
    }

    /// Anonymises every record closed before `closed_before`, each with its audit entry;
    /// returns their ids.
    pub async fn apply_retention(
        &self,
        closed_before: DateTime<Utc>,
        change: &Change,
    ) -> Result<Vec<Uuid>> {
        let mut done = Vec::new();
        for id in self.retention_due(closed_before).await? {
            if self.anonymise_person(id, change).await? {
                done.push(id);
            }
        }
        Ok(done)
    }

    /// Re-encrypts every value written under an old key with the current one. Runs in batches
    /// that each commit, so it can be interrupted and run again.
    pub async fn rotate_keys(&self, keys: &KeyRing) -> Result<RotationReport> {
        let mut report = RotationReport::default();
        for (table, column, field, key_column) in [
            ("users", "totp_secret", "users.totp_secret", "id"),
            ("people", "identity", IDENTITY, "id"),
            ("person_notes", "body", NOTE_BODY, "id"),
            ("referrals", "reason", "referrals.reason", "id"),
            ("referrals", "feedback", "referrals.feedback", "id"),
            ("case_events", "body", crate::cases::EVENT_BODY, "id"),
            ("case_documents", "name", crate::cases::DOCUMENT_NAME, "id"),
            (
                "case_documents",
                "content",
                crate::cases::DOCUMENT_CONTENT,
                "id",
            ),
        ] {
            let rows: Vec<(Uuid, String)> = on_pool!(self, pool => sqlx::query_as(&format!(
                "SELECT {key_column}, {column} FROM {table} WHERE {column} IS NOT NULL"
            ))
            .fetch_all(pool)
            .await?);
            let stale: Vec<_> = rows
                .into_iter()
                .filter(|(_, v)| keys.needs_rotation(v))
                .collect();
            for batch in stale.chunks(500) {
                on_pool!(self, pool => {
                    let mut tx = pool.begin().await?;
                    for (id, sealed) in batch {
                        let plain = keys
                            .decrypt(field, sealed)
                            .map_err(|e| StoreError::Corrupt(format!("{table}.{column}: {e}")))?;
                        sqlx::query(&format!(
                            "UPDATE {table} SET {column} = $2 WHERE {key_column} = $1 AND {column} = $3"
                        ))
                        .bind(id)
                        .bind(keys.encrypt(field, &plain))
                        .bind(sealed)
                        .execute(&mut *tx)
                        .await?;
                    }
                    tx.commit().await?;
                });
            }
            let count = stale.len() as u64;
            match table {
                "users" => report.totp_secrets = count,
                "people" => report.identities = count,
                "person_notes" => report.notes = count,
                "referrals" => report.referrals += count,
                _ => report.cases += count,
            }
        }
        report.name_index = self.rebuild_name_keys(keys).await?;
        Ok(report)
    }
}
