//! Child protection cases: opened from a screening for a registered child, moved on one step at
//! a time by [`CaseState::apply`], each step kept in the case history with its text encrypted.
//! Two people changing a case at once cannot both win (`version`).

use bluedot_core::case::{
    ApprovalState, BirthRegistration, CareArrangement, CaseDeadlines, CaseStage, CaseState,
    ClosureReason, ProtectionConcern, RiskLevel, Step,
};
use bluedot_core::policy::Scope;
use bluedot_core::{Country, ValidationError};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use sqlx::types::Json;
use uuid::Uuid;

use crate::audit::{Change, append_audit};
use crate::crypto::KeyRing;
use crate::scope::{ScopeParams, bind_scope};
use crate::{Result, Store, StoreError, decode_code, on_pool};

pub(crate) const EVENT_BODY: &str = "case_events.body";
pub(crate) const DOCUMENT_CONTENT: &str = "case_documents.content";
pub(crate) const DOCUMENT_NAME: &str = "case_documents.name";

/// A file attached to a case, checked and ready to store: a PDF, JPEG or PNG of at most
/// `MAX_DOCUMENT_BYTES`, with a name safe to show.
pub struct Attachment<'a> {
    pub name: String,
    pub content_type: &'static str,
    pub bytes: &'a [u8],
}

impl<'a> Attachment<'a> {
    pub fn checked(name: &str, bytes: &'a [u8]) -> Result<Attachment<'a>> {
        let content_type = document_type(bytes)
            .ok_or_else(|| ValidationError::new("document", "attach a PDF, JPEG or PNG file"))?;
        if bytes.len() > MAX_DOCUMENT_BYTES {
            return Err(ValidationError::new("document", "files are at most 5 MB").into());
        }
        let name: String = name
            .chars()
            .filter(|c| !c.is_control() && !"/\\".contains(*c))
            .take(120)
            .collect();
        let name = match name.trim() {
            "" => "document".to_owned(),
            name => name.to_owned(),
        };
        Ok(Attachment {
            name,
            content_type,
            bytes,
        })
    }
}

/// Stores a checked attachment of a case inside a transaction, encrypted, with its audit entry.
macro_rules! insert_document {
    ($store:expr, $tx:ident, $keys:expr, $id:expr, $case:expr, $doc:expr, $who:expr, $at:expr) => {{
        use base64::Engine as _;
        use sha2::Digest as _;
        let doc: &$crate::cases::Attachment = $doc;
        let encoded = base64::engine::general_purpose::STANDARD.encode(doc.bytes);
        sqlx::query(
            "INSERT INTO case_documents (id, case_id, name, content_type, size, sha256,
                 content, uploaded_by, uploaded_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind($id)
        .bind($case)
        .bind($keys.encrypt($crate::cases::DOCUMENT_NAME, &doc.name))
        .bind(doc.content_type)
        .bind(doc.bytes.len() as i64)
        .bind(hex::encode(sha2::Sha256::digest(doc.bytes)))
        .bind($keys.encrypt($crate::cases::DOCUMENT_CONTENT, &encoded))
        .bind($who.actor_id)
        .bind($at)
        .execute(&mut *$tx)
        .await?;
        $crate::audit::append_audit!(
            $store,
            $tx,
            &$who.event(
                "case.document.add",
                format!("case:{}/document:{}", $case, $id)
            )
        );
    }};
}
pub(crate) use insert_document;

/// The largest attachment accepted.
pub const MAX_DOCUMENT_BYTES: usize = 5 * 1024 * 1024;

/// What a step says about the child, in words: encrypted as one value.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepText {
    #[serde(default)]
    pub note: String,
    /// For a care arrangement: who the caregiver is and how they are related.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub caregiver: Option<Caregiver>,
    /// For a best interests determination: who sat on the panel.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub panel: String,
    /// Who took a step in another deployment, before the case was handed over here (name,
    /// role and organisation as the sender gave them).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Caregiver {
    pub name: String,
    pub relationship: String,
}

#[derive(Debug, Clone)]
pub struct NewCase {
    pub person_id: Uuid,
    pub hub_id: Uuid,
    pub country: Country,
    pub concerns: Vec<ProtectionConcern>,
    pub risk: RiskLevel,
    pub assigned_to: Uuid,
    pub opened_by: Option<Uuid>,
    /// What the screening found, in words.
    pub screening: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Case {
    pub id: Uuid,
    pub person_id: Uuid,
    pub hub_id: Uuid,
    pub country: Country,
    pub case_number: String,
    pub state: CaseState,
    pub opened_by: Option<Uuid>,
    pub version: i64,
    pub updated_at: DateTime<Utc>,
}

/// A step someone takes on a case they saw at `version`, with what it says in words.
#[derive(Debug, Clone)]
pub struct CaseChange {
    pub id: Uuid,
    pub version: i64,
    pub step: Step,
    pub text: StepText,
    pub by: Uuid,
}

#[derive(sqlx::FromRow)]
struct EventRow {
    id: Uuid,
    step: String,
    at: DateTime<Utc>,
    by_user: Option<Uuid>,
    body: Option<String>,
}

#[derive(sqlx::FromRow)]
struct DocumentRow {
    id: Uuid,
    name: String,
    content_type: String,
    size: i64,
    sha256: String,
    uploaded_by: Option<Uuid>,
    uploaded_at: DateTime<Utc>,
}

/// One step in a case's history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseEvent {
    pub id: Uuid,
    pub step: String,
    pub at: DateTime<Utc>,
    pub by: Option<Uuid>,
    /// `None` once the person was anonymised.
    pub text: Option<StepText>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentInfo {
    pub id: Uuid,
    pub name: String,
    pub content_type: String,
    pub size: i64,
    pub sha256: String,
    pub uploaded_by: Option<Uuid>,
    pub uploaded_at: DateTime<Utc>,
}

/// Which cases a list shows.
#[derive(Debug, Clone, Default)]
pub struct CaseFilter {
    pub open_only: bool,
    pub assigned_to: Option<Uuid>,
    pub hub: Option<Uuid>,
    /// Only the cases of these people (a name search done first).
    pub people: Option<Vec<Uuid>>,
}

#[derive(sqlx::FromRow)]
struct CaseRow {
    id: Uuid,
    person_id: Uuid,
    hub_id: Uuid,
    country: String,
    case_number: String,
    stage: String,
    risk: String,
    concerns: Json<Vec<ProtectionConcern>>,
    assigned_to: Uuid,
    opened_by: Option<Uuid>,
    opened_at: DateTime<Utc>,
    assessment_due: DateTime<Utc>,
    assessed_at: Option<DateTime<Utc>>,
    next_follow_up: Option<DateTime<Utc>>,
    bia: String,
    bid_required: bool,
    bid: String,
    bip_recorded_by: Option<Uuid>,
    care: Option<String>,
    caregiver_verified: bool,
    birth_registration: String,
    closure_requested: Option<String>,
    closure_requested_by: Option<Uuid>,
    closure_reason: Option<String>,
    closed_at: Option<DateTime<Utc>>,
    version: i64,
    updated_at: DateTime<Utc>,
}

const COLUMNS: &str = "id, person_id, hub_id, country, case_number, stage, risk, concerns,
    assigned_to, opened_by, opened_at, assessment_due, assessed_at, next_follow_up, bia,
    bid_required, bid, bip_recorded_by, care, caregiver_verified, birth_registration,
    closure_requested, closure_requested_by, closure_reason, closed_at, version, updated_at";

fn optional<T>(
    column: &str,
    value: Option<String>,
    parse: fn(&str) -> Option<T>,
) -> Result<Option<T>> {
    value.map(|v| decode_code(column, &v, parse)).transpose()
}

impl CaseRow {
    fn into_case(self) -> Result<Case> {
        let state = CaseState {
            stage: decode_code("cases.stage", &self.stage, CaseStage::from_code)?,
            risk: decode_code("cases.risk", &self.risk, RiskLevel::from_code)?,
            concerns: self.concerns.0,
            assigned_to: self.assigned_to,
            opened_at: self.opened_at,
            assessment_due: self.assessment_due,
            assessed_at: self.assessed_at,
            next_follow_up: self.next_follow_up,
            bia: decode_code("cases.bia", &self.bia, ApprovalState::from_code)?,
            bid_required: self.bid_required,
            bid: decode_code("cases.bid", &self.bid, ApprovalState::from_code)?,
            care: optional("cases.care", self.care, CareArrangement::from_code)?,
            caregiver_verified: self.caregiver_verified,
            birth_registration: decode_code(
                "cases.birth_registration",
                &self.birth_registration,
                BirthRegistration::from_code,
            )?,
            closure_requested: optional(
                "cases.closure_requested",
                self.closure_requested,
                ClosureReason::from_code,
            )?,
            closure_requested_by: self.closure_requested_by,
            closure_reason: optional(
                "cases.closure_reason",
                self.closure_reason,
                ClosureReason::from_code,
            )?,
            closed_at: self.closed_at,
            bip_recorded_by: self.bip_recorded_by,
        };
        Ok(Case {
            id: self.id,
            person_id: self.person_id,
            hub_id: self.hub_id,
            country: decode_code("cases.country", &self.country, Country::from_code)?,
            case_number: self.case_number,
            state,
            opened_by: self.opened_by,
            version: self.version,
            updated_at: self.updated_at,
        })
    }
}

/// A history entry's text that is only a note, sealed.
pub(crate) fn seal_event_text(keys: &KeyRing, note: &str) -> String {
    seal_text(
        keys,
        &StepText {
            note: note.to_owned(),
            ..StepText::default()
        },
    )
}

pub(crate) fn seal_text(keys: &KeyRing, text: &StepText) -> String {
    keys.encrypt(
        EVENT_BODY,
        &serde_json::to_string(text).expect("step text serialises"),
    )
}

pub(crate) fn check_text(text: &StepText) -> Result<()> {
    if text.note.chars().count() > 10_000 {
        return Err(ValidationError::new("note", "up to 10,000 characters").into());
    }
    if let Some(c) = &text.caregiver
        && (c.name.trim().is_empty() || c.name.chars().count() > 200)
    {
        return Err(ValidationError::new("caregiver", "name the caregiver").into());
    }
    Ok(())
}

/// Appends a step to a case's history inside the caller's transaction.
macro_rules! insert_event {
    ($tx:expr, $case:expr, $step:expr, $at:expr, $by:expr, $body:expr) => {
        $crate::cases::insert_event!($tx, uuid::Uuid::now_v7(), $case, $step, $at, $by, $body)
    };
    ($tx:expr, $id:expr, $case:expr, $step:expr, $at:expr, $by:expr, $body:expr) => {
        sqlx::query(
            "INSERT INTO case_events (id, case_id, step, at, by_user, body)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind($id)
        .bind($case)
        .bind($step)
        .bind($at)
        .bind($by)
        .bind($body)
        .execute(&mut *$tx)
        .await?
    };
}

pub(crate) use insert_event;

/// The number people read out for a case: its country and the id's random tail, short enough to
/// say on the phone and unique across deployments in practice (a UNIQUE constraint catches the
/// rest).
pub fn case_number(country: Country, id: Uuid) -> String {
    format!(
        "{}-{}",
        country.code(),
        &id.simple().to_string()[22..].to_uppercase()
    )
}

pub(crate) static INSERT_CASE: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    format!(
        "INSERT INTO cases (id, person_id, hub_id, country, case_number, opened_by,
             opened_at, version, updated_at, stage, risk, concerns, uasc, assigned_to,
             assessment_due, assessed_at, next_follow_up, bia, bid_required, bid,
             bip_recorded_by, care, caregiver_verified, birth_registration,
             closure_requested, closure_requested_by, closure_reason, closed_at, closed_day,
             opened_day)
         VALUES ($1, $2, $3, $4, $5, $6, $7, 1, $7, {})",
        (8..=28)
            .map(|n| format!("${n}"))
            .collect::<Vec<_>>()
            .join(", ")
    )
});

/// Whether an insert failed because the child already has an open case.
pub(crate) fn is_second_open_case(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(e)
        if e.is_unique_violation()
            && (e.message().contains("cases_one_open_per_person")
                || e.message().contains("cases.person_id")))
}

/// Inserts an opened case with its first history entry and its `case.open` audit entry inside
/// the caller's transaction. Evaluates to the insert's own outcome, so that the caller can tell
/// a child who already has an open case from other failures.
macro_rules! insert_case {
    ($store:expr, $tx:ident, $keys:expr, $id:expr, $new:expr, $state:expr, $text:expr, $now:expr, $who:expr) => {{
        let new: &$crate::cases::NewCase = $new;
        let q = sqlx::query(&$crate::cases::INSERT_CASE)
            .bind($id)
            .bind(new.person_id)
            .bind(new.hub_id)
            .bind(new.country.code())
            .bind($crate::cases::case_number(new.country, $id))
            .bind(new.opened_by)
            .bind($now);
        let done = $crate::cases::bind_state!(q, $state, new.country)
            .bind(new.country.local_day($now))
            .execute(&mut *$tx)
            .await;
        if done.is_ok() {
            $crate::cases::insert_event!(
                $tx,
                $id,
                "opened",
                $now,
                new.opened_by,
                Some($crate::cases::seal_text($keys, $text))
            );
            $crate::audit::append_audit!(
                $store,
                $tx,
                &$who.event(
                    "case.open",
                    format!("case:{}/person:{}", $id, new.person_id)
                )
            );
        }
        done.map(|_| ())
    }};
}
pub(crate) use insert_case;

/// Binds a state's columns after `$1` (the id) in COLUMNS' order from `stage` on, then the
/// hub-local day of `closed_at`, for the insert and the update alike.
macro_rules! bind_state {
    ($q:expr, $s:expr, $country:expr) => {
        $q.bind($s.stage.code())
            .bind($s.risk.code())
            .bind(sqlx::types::Json(&$s.concerns))
            .bind($s.concerns.iter().any(|c| c.is_uasc()))
            .bind($s.assigned_to)
            .bind($s.assessment_due)
            .bind($s.assessed_at)
            .bind($s.next_follow_up)
            .bind($s.bia.code())
            .bind($s.bid_required)
            .bind($s.bid.code())
            .bind($s.bip_recorded_by)
            .bind($s.care.map(|c| c.code()))
            .bind($s.caregiver_verified)
            .bind($s.birth_registration.code())
            .bind($s.closure_requested.map(|c| c.code()))
            .bind($s.closure_requested_by)
            .bind($s.closure_reason.map(|c| c.code()))
            .bind($s.closed_at)
            .bind($s.closed_at.map(|at| $country.local_day(at)))
    };
}
pub(crate) use bind_state;

impl Store {
    /// Opens a case for a registered child. Refused if the person is not a child by the birth
    /// year on record, or already has an open case.
    pub async fn open_case(
        &self,
        keys: &KeyRing,
        new: &NewCase,
        deadlines: &CaseDeadlines,
        who: &Change,
    ) -> Result<Uuid> {
        let now = self.now();
        let state = CaseState::open(
            new.concerns.clone(),
            new.risk,
            new.assigned_to,
            deadlines,
            now,
        )?;
        let text = StepText {
            note: new.screening.trim().to_owned(),
            ..StepText::default()
        };
        check_text(&text)?;
        let person = self
            .person(keys, new.person_id)
            .await?
            .ok_or_else(|| ValidationError::new("person", "no such person"))?;
        if person.hub_id != new.hub_id {
            return Err(ValidationError::new("hub", "the case opens at the child's hub").into());
        }
        let age = person.birth_year.map(|y| chrono::Datelike::year(&now) - y);
        if age.is_some_and(|a| a > 18) {
            return Err(ValidationError::new(
                "person",
                "child protection cases are for children (under 18)",
            )
            .into());
        }
        let id = Uuid::now_v7();
        let inserted = on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            match insert_case!(self, tx, keys, id, new, state, &text, now, who) {
                Err(e) if is_second_open_case(&e) => {
                    tx.rollback().await?;
                    false
                }
                Err(e) => return Err(e.into()),
                Ok(()) => {
                    tx.commit().await?;
                    true
                }
            }
        });
        if !inserted {
            return Err(
                ValidationError::new("person", "this child already has an open case").into(),
            );
        }
        Ok(id)
    }

    pub async fn case(&self, id: Uuid) -> Result<Option<Case>> {
        let sql = format!("SELECT {COLUMNS} FROM cases WHERE id = $1");
        let row: Option<CaseRow> =
            on_pool!(self, pool => sqlx::query_as(&sql).bind(id).fetch_optional(pool).await?);
        row.map(CaseRow::into_case).transpose()
    }

    /// A person's cases, the open one first.
    pub async fn cases_of(&self, person_id: Uuid) -> Result<Vec<Case>> {
        let sql = format!(
            "SELECT {COLUMNS} FROM cases WHERE person_id = $1
             ORDER BY CASE WHEN stage = 'closed' THEN 1 ELSE 0 END, opened_at DESC"
        );
        let rows: Vec<CaseRow> =
            on_pool!(self, pool => sqlx::query_as(&sql).bind(person_id).fetch_all(pool).await?);
        rows.into_iter().map(CaseRow::into_case).collect()
    }

    /// Cases at hubs within `scope`, the most urgent first, at most 500.
    pub async fn cases_in_scope(&self, scope: &Scope, filter: &CaseFilter) -> Result<Vec<Case>> {
        if scope.is_empty() {
            return Ok(Vec::new());
        }
        let in_scope = ScopeParams::of(scope);
        let people: Vec<String> = filter
            .people
            .iter()
            .flatten()
            .map(Uuid::to_string)
            .collect();
        let sql = format!(
            "SELECT {COLUMNS} FROM cases
             WHERE {in_scope}
               AND ($4 = FALSE OR stage <> 'closed')
               AND ($5 IS NULL OR assigned_to = $5)
               AND ($6 IS NULL OR hub_id = $6)
               AND ($7 = FALSE OR {person_text} IN (SELECT value FROM {people}))
             ORDER BY CASE WHEN stage = 'closed' THEN 1 ELSE 0 END,
                 CASE risk WHEN 'high' THEN 0 WHEN 'medium' THEN 1 ELSE 2 END,
                 opened_at DESC
             LIMIT 500",
            in_scope = self.in_scope("country", "hub_id"),
            person_text = self.uuid_text("person_id"),
            people = self.json_list("$8"),
        );
        let rows: Vec<CaseRow> = on_pool!(self, pool => bind_scope!(sqlx::query_as(&sql), in_scope)
            .bind(filter.open_only)
            .bind(filter.assigned_to)
            .bind(filter.hub)
            .bind(filter.people.is_some())
            .bind(serde_json::to_string(&people).expect("list serialises"))
            .fetch_all(pool)
            .await?);
        rows.into_iter().map(CaseRow::into_case).collect()
    }

    /// Applies one step to a case seen at `version`, with what it says in words. Fails with a
    /// conflict if the case changed since, and with the reason if the step is out of order.
    pub async fn case_step(
        &self,
        keys: &KeyRing,
        change: &CaseChange,
        deadlines: &CaseDeadlines,
        who: &Change,
    ) -> Result<Case> {
        let CaseChange {
            id,
            version,
            step,
            text,
            by,
        } = change;
        let (id, version, by) = (*id, *version, *by);
        check_text(text)?;
        let case = self
            .case(id)
            .await?
            .ok_or_else(|| StoreError::Conflict("no such case".into()))?;
        if case.version != version {
            return Err(StoreError::Conflict(
                "someone else changed this case; look at it again".into(),
            ));
        }
        let now = self.now();
        let state = case.state.apply(step, by, deadlines, now)?;
        let sealed = seal_text(keys, text);
        let changed = on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            let q = sqlx::query(
                "UPDATE cases SET stage = $2, risk = $3, concerns = $4, uasc = $5,
                     assigned_to = $6, assessment_due = $7, assessed_at = $8,
                     next_follow_up = $9, bia = $10, bid_required = $11, bid = $12,
                     bip_recorded_by = $13, care = $14, caregiver_verified = $15,
                     birth_registration = $16, closure_requested = $17,
                     closure_requested_by = $18, closure_reason = $19, closed_at = $20,
                     closed_day = $21, version = version + 1, updated_at = $22
                 WHERE id = $1 AND version = $23",
            )
            .bind(id);
            let changed = bind_state!(q, state, case.country)
                .bind(now)
                .bind(version)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            if changed == 1 {
                let event = step.event_code(&case.state);
                insert_event!(tx, id, event, now, Some(by), Some(sealed));
                append_audit!(self, tx, &who.event(&format!("case.{event}"), format!("case:{id}")));
                tx.commit().await?;
            } else {
                tx.rollback().await?;
            }
            changed
        });
        if changed != 1 {
            return Err(StoreError::Conflict(
                "someone else changed this case; look at it again".into(),
            ));
        }
        Ok(self.case(id).await?.expect("the case was just updated"))
    }

    /// Adds a note to a case's history without changing its state.
    pub async fn case_note(
        &self,
        keys: &KeyRing,
        id: Uuid,
        text: &StepText,
        by: Uuid,
        who: &Change,
    ) -> Result<()> {
        self.case_note_as(keys, Uuid::now_v7(), id, text, by, who)
            .await
    }

    /// `case_note` with the note's id chosen beforehand (by a device working offline).
    pub async fn case_note_as(
        &self,
        keys: &KeyRing,
        note_id: Uuid,
        id: Uuid,
        text: &StepText,
        by: Uuid,
        who: &Change,
    ) -> Result<()> {
        check_text(text)?;
        if text.note.trim().is_empty() {
            return Err(ValidationError::new("note", "write the note").into());
        }
        let now = self.now();
        let sealed = seal_text(keys, text);
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            insert_event!(tx, note_id, id, "note", now, Some(by), Some(sealed));
            append_audit!(self, tx, &who.event("case.note", format!("case:{id}")));
            tx.commit().await?;
        });
        Ok(())
    }

    /// A case's history, oldest first.
    pub async fn case_history(&self, keys: &KeyRing, id: Uuid) -> Result<Vec<CaseEvent>> {
        let rows: Vec<EventRow> = on_pool!(self, pool => sqlx::query_as(
                "SELECT id, step, at, by_user, body FROM case_events WHERE case_id = $1
                 ORDER BY at, id",
            )
            .bind(id)
            .fetch_all(pool)
            .await?);
        rows.into_iter()
            .map(|row| {
                let text = row
                    .body
                    .map(|b| {
                        let plain = keys
                            .decrypt(EVENT_BODY, &b)
                            .map_err(|e| StoreError::Corrupt(format!("{EVENT_BODY}: {e}")))?;
                        serde_json::from_str(&plain)
                            .map_err(|e| StoreError::Corrupt(format!("{EVENT_BODY}: {e}")))
                    })
                    .transpose()?;
                Ok(CaseEvent {
                    id: row.id,
                    step: row.step,
                    at: row.at,
                    by: row.by_user,
                    text,
                })
            })
            .collect()
    }

    /// Attaches a document to a case, encrypted. Only PDF, JPEG and PNG, checked by their first
    /// bytes as well as the declared type, up to [`MAX_DOCUMENT_BYTES`].
    pub async fn add_case_document(
        &self,
        keys: &KeyRing,
        case_id: Uuid,
        name: &str,
        bytes: &[u8],
        who: &Change,
    ) -> Result<Uuid> {
        let document = Attachment::checked(name, bytes)?;
        let id = Uuid::now_v7();
        let at = self.now();
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            insert_document!(self, tx, keys, id, case_id, &document, who, at);
            tx.commit().await?;
        });
        Ok(id)
    }

    pub async fn case_documents(&self, keys: &KeyRing, case_id: Uuid) -> Result<Vec<DocumentInfo>> {
        let rows: Vec<DocumentRow> = on_pool!(self, pool => sqlx::query_as(
                "SELECT id, name, content_type, size, sha256, uploaded_by, uploaded_at
                 FROM case_documents WHERE case_id = $1 ORDER BY uploaded_at, id",
            )
            .bind(case_id)
            .fetch_all(pool)
            .await?);
        rows.into_iter()
            .map(|row| {
                Ok(DocumentInfo {
                    id: row.id,
                    name: keys
                        .decrypt(DOCUMENT_NAME, &row.name)
                        .map_err(|e| StoreError::Corrupt(format!("{DOCUMENT_NAME}: {e}")))?,
                    content_type: row.content_type,
                    size: row.size,
                    sha256: row.sha256,
                    uploaded_by: row.uploaded_by,
                    uploaded_at: row.uploaded_at,
                })
            })
            .collect()
    }

    /// A document's bytes, checked against the digest taken when it was stored.
    pub async fn case_document(
        &self,
        keys: &KeyRing,
        case_id: Uuid,
        id: Uuid,
    ) -> Result<Option<(DocumentInfo, Vec<u8>)>> {
        let row: Option<(String, String)> = on_pool!(self, pool => sqlx::query_as(
            "SELECT content, sha256 FROM case_documents WHERE id = $1 AND case_id = $2",
        )
        .bind(id)
        .bind(case_id)
        .fetch_optional(pool)
        .await?);
        let Some((content, digest)) = row else {
            return Ok(None);
        };
        use base64::Engine as _;
        let corrupt = |e: String| StoreError::Corrupt(format!("{DOCUMENT_CONTENT}: {e}"));
        let encoded = keys
            .decrypt(DOCUMENT_CONTENT, &content)
            .map_err(|e| corrupt(e.to_string()))?;
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(encoded)
            .map_err(|e| corrupt(e.to_string()))?;
        if hex::encode(Sha256::digest(&bytes)) != digest {
            return Err(corrupt("digest does not match".into()));
        }
        let info = self
            .case_documents(keys, case_id)
            .await?
            .into_iter()
            .find(|d| d.id == id)
            .expect("the document was just read");
        Ok(Some((info, bytes)))
    }
}

/// The type of a document from its first bytes; `None` for anything not accepted.
pub fn document_type(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"%PDF-") {
        Some("application/pdf")
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else {
        None
    }
}
