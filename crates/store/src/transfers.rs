//! Case transfers in the database: outgoing ones with the sealed package until it is delivered
//! (retried with back-off, never duplicated: the receiver keys on the package id), incoming ones
//! waiting for a coordinator, and the answer going back. Within one deployment a transfer moves
//! the case to the other hub when that hub accepts it.

use bluedot_core::policy::Scope;
use bluedot_core::transfer::{
    Answer, Arrival, ArrivalReport, CasePackage, TransferDirection, TransferPart, TransferStatus,
};
use bluedot_core::{Country, ValidationError};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use sqlx::types::Json;
use uuid::Uuid;

use crate::audit::{Change, append_audit, audited_row_change};
use crate::crypto::KeyRing;
use crate::scope::{ScopeParams, bind_scope};
use crate::{Result, Store, StoreError, decode_code, on_pool};

const PAYLOAD: &str = "transfers.payload";
const DECISION: &str = "transfers.decision_note";
const ARRIVAL: &str = "transfers.arrival_note";

#[derive(Debug, Clone)]
pub struct NewTransfer {
    pub id: Uuid,
    pub case_id: Uuid,
    pub from_hub: Uuid,
    /// Another hub of this deployment, or `None` for a partner deployment.
    pub to_hub: Option<Uuid>,
    pub partner: Option<String>,
    /// The receiving country: who there may see the transfer.
    pub country: Country,
    pub payload: CasePackage,
    /// The sealed package to deliver to the partner.
    pub package: Option<Vec<u8>>,
    pub created_by: Option<Uuid>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transfer {
    pub id: Uuid,
    pub direction: TransferDirection,
    pub partner: Option<String>,
    pub case_id: Option<Uuid>,
    pub from_hub: Option<Uuid>,
    pub to_hub: Option<Uuid>,
    pub country: Country,
    pub status: TransferStatus,
    pub payload: CasePackage,
    pub attempts: i64,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    /// When the package reached the receiver.
    pub delivered_at: Option<DateTime<Utc>>,
    pub decided_at: Option<DateTime<Utc>>,
    pub decision_note: Option<String>,
    /// On the receiver's side: when the answer reached the sender.
    pub answer_delivered_at: Option<DateTime<Utc>>,
    pub arrival: Option<Arrival>,
    pub arrival_at: Option<DateTime<Utc>>,
    pub arrival_note: Option<String>,
}

/// What a delivery carries to the partner.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeliveryKind {
    /// A case package, from its sender.
    Case,
    /// The receiver's decision.
    Answer,
    /// The receiver's report on the child's arrival.
    Arrival,
}

/// Something to send to a partner: a case package, the answer to one, or the arrival report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    pub id: Uuid,
    pub partner: String,
    pub bytes: Vec<u8>,
    pub kind: DeliveryKind,
    pub attempts: i64,
}

#[derive(sqlx::FromRow)]
struct TransferRow {
    id: Uuid,
    direction: String,
    partner: Option<String>,
    case_id: Option<Uuid>,
    from_hub: Option<Uuid>,
    to_hub: Option<Uuid>,
    country: String,
    status: String,
    payload: String,
    attempts: i64,
    last_error: Option<String>,
    created_at: DateTime<Utc>,
    delivered_at: Option<DateTime<Utc>>,
    decided_at: Option<DateTime<Utc>>,
    decision_note: Option<String>,
    answer_delivered_at: Option<DateTime<Utc>>,
    arrival: Option<String>,
    arrival_at: Option<DateTime<Utc>>,
    arrival_note: Option<String>,
}

#[derive(sqlx::FromRow)]
struct DueRow {
    id: Uuid,
    partner: String,
    package: Option<String>,
    answer_package: Option<String>,
    answer_delivered_at: Option<DateTime<Utc>>,
    arrival_package: Option<String>,
    direction: String,
    attempts: i64,
}

const COLUMNS: &str = "id, direction, partner, case_id, from_hub, to_hub, country, status,
    payload, attempts, last_error, created_at, delivered_at, decided_at, decision_note,
    answer_delivered_at, arrival, arrival_at, arrival_note";

impl TransferRow {
    fn open(self, keys: &KeyRing) -> Result<Transfer> {
        let corrupt = |e: String| StoreError::Corrupt(format!("{PAYLOAD}: {e}"));
        let payload = keys
            .decrypt(PAYLOAD, &self.payload)
            .map_err(|e| corrupt(e.to_string()))?;
        Ok(Transfer {
            id: self.id,
            direction: decode_code(
                "transfers.direction",
                &self.direction,
                TransferDirection::from_code,
            )?,
            partner: self.partner,
            case_id: self.case_id,
            from_hub: self.from_hub,
            to_hub: self.to_hub,
            country: decode_code("transfers.country", &self.country, Country::from_code)?,
            status: decode_code("transfers.status", &self.status, TransferStatus::from_code)?,
            payload: serde_json::from_str(&payload).map_err(|e| corrupt(e.to_string()))?,
            attempts: self.attempts,
            last_error: self.last_error,
            created_at: self.created_at,
            delivered_at: self.delivered_at,
            decided_at: self.decided_at,
            decision_note: self
                .decision_note
                .map(|n| {
                    keys.decrypt(DECISION, &n)
                        .map_err(|e| StoreError::Corrupt(format!("{DECISION}: {e}")))
                })
                .transpose()?,
            answer_delivered_at: self.answer_delivered_at,
            arrival: self
                .arrival
                .map(|a| decode_code("transfers.arrival", &a, Arrival::from_code))
                .transpose()?,
            arrival_at: self.arrival_at,
            arrival_note: self
                .arrival_note
                .map(|n| {
                    keys.decrypt(ARRIVAL, &n)
                        .map_err(|e| StoreError::Corrupt(format!("{ARRIVAL}: {e}")))
                })
                .transpose()?,
        })
    }
}

/// How long to wait before the next delivery attempt: doubling from 5 s up to 10 min.
pub fn retry_after(attempts: i64) -> Duration {
    Duration::seconds((5_i64 << attempts.clamp(0, 7)).min(600))
}

impl Store {
    /// Records an outgoing transfer. Refused without the child's consent to transfer, for a
    /// closed case, or while the case is already on its way somewhere.
    pub async fn create_transfer(
        &self,
        keys: &KeyRing,
        new: &NewTransfer,
        who: &Change,
    ) -> Result<()> {
        let case = self
            .case(new.case_id)
            .await?
            .ok_or_else(|| ValidationError::new("case", "no such case"))?;
        if !case.state.is_open() {
            return Err(ValidationError::new("case", "the case is closed").into());
        }
        let consented =
            self.consents(case.person_id).await?.iter().any(|c| {
                c.in_force() && c.purpose == bluedot_core::person::ConsentPurpose::Transfer
            });
        if !consented {
            return Err(
                ValidationError::new("consent", "record the consent to transfer first").into(),
            );
        }
        let payload = keys.encrypt(
            PAYLOAD,
            &serde_json::to_string(&new.payload).expect("serialises"),
        );
        // A transfer inside the deployment is at its receiver at once; a package waits for
        // delivery.
        let status = if new.partner.is_some() {
            TransferStatus::Pending
        } else {
            TransferStatus::Received
        };
        let at = self.now();
        let event = who.event(
            "transfer.send",
            format!("transfer:{}/case:{}", new.id, new.case_id),
        );
        let done = on_pool!(self, pool => {
        let mut tx = pool.begin().await?;
        let inserted = sqlx::query(
            "INSERT INTO transfers (id, direction, partner, case_id, from_hub, to_hub, country,
                 status, parts, payload, expected_arrival, package, next_attempt_at, created_by,
                 created_at, delivered_at)
             VALUES ($1, 'out', $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $12, $14)",
        )
        .bind(new.id)
        .bind(&new.partner)
        .bind(new.case_id)
        .bind(new.from_hub)
        .bind(new.to_hub)
        .bind(new.country.code())
        .bind(status.code())
        .bind(Json(&new.payload.parts))
        .bind(payload)
        .bind(new.payload.expected_arrival)
        .bind(new.package.as_ref().map(|p| String::from_utf8_lossy(p).into_owned()))
        .bind(at)
        .bind(new.created_by)
        // Between hubs of this deployment the case is at its receiver at once.
        .bind(new.partner.is_none().then_some(at))
        .execute(&mut *tx)
        .await;
        match inserted {
            Ok(_) => {
                append_audit!(self, tx, &event);
                tx.commit().await?;
                Ok(())
            }
            Err(e) => Err(e),
        }
        });
        match done {
            Ok(_) => Ok(()),
            Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
                Err(ValidationError::new("case", "this case is already being transferred").into())
            }
            Err(e) => Err(e.into()),
        }
    }

    pub async fn transfer(&self, keys: &KeyRing, id: Uuid) -> Result<Option<Transfer>> {
        let sql = format!("SELECT {COLUMNS} FROM transfers WHERE id = $1");
        let row: Option<TransferRow> =
            on_pool!(self, pool => sqlx::query_as(&sql).bind(id).fetch_optional(pool).await?);
        row.map(|r| r.open(keys)).transpose()
    }

    /// Transfers an account with `scope` deals with: coming to its country or hubs, or leaving
    /// from its hubs; newest first.
    pub async fn transfers_in_scope(&self, keys: &KeyRing, scope: &Scope) -> Result<Vec<Transfer>> {
        if scope.is_empty() {
            return Ok(Vec::new());
        }
        let in_scope = ScopeParams::of(scope);
        let sql = format!(
            "SELECT {COLUMNS} FROM transfers
             WHERE $1
                OR (direction = 'in' AND country IN (SELECT value FROM {countries}))
                OR {from_text} IN (SELECT value FROM {hubs})
                OR {to_text} IN (SELECT value FROM {hubs})
                OR (direction = 'out' AND from_hub IN (SELECT id FROM hubs WHERE country IN (SELECT value FROM {countries})))
                OR (direction = 'out' AND to_hub IN (SELECT id FROM hubs WHERE country IN (SELECT value FROM {countries})))
             ORDER BY created_at DESC LIMIT 200",
            countries = self.scope_countries(),
            hubs = self.scope_hubs(),
            from_text = self.uuid_text("from_hub"),
            to_text = self.uuid_text("to_hub"),
        );
        let rows: Vec<TransferRow> = on_pool!(self, pool => bind_scope!(sqlx::query_as(&sql), in_scope)
            .fetch_all(pool)
            .await?);
        rows.into_iter().map(|r| r.open(keys)).collect()
    }

    pub async fn transfers_of_case(&self, keys: &KeyRing, case_id: Uuid) -> Result<Vec<Transfer>> {
        let sql =
            format!("SELECT {COLUMNS} FROM transfers WHERE case_id = $1 ORDER BY created_at DESC");
        let rows: Vec<TransferRow> =
            on_pool!(self, pool => sqlx::query_as(&sql).bind(case_id).fetch_all(pool).await?);
        rows.into_iter().map(|r| r.open(keys)).collect()
    }

    /// The sealed bytes a transfer carries now: the package while it waits for delivery, or
    /// the answer to an incoming one. For carrying as a file.
    pub async fn transfer_package(&self, id: Uuid) -> Result<Option<Vec<u8>>> {
        type Row = (
            Option<String>,
            Option<String>,
            Option<DateTime<Utc>>,
            Option<String>,
            String,
        );
        let row: Option<Row> = on_pool!(self, pool => sqlx::query_as(
            "SELECT package, answer_package, answer_delivered_at, arrival_package, direction
             FROM transfers WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(pool)
        .await?);
        Ok(
            row.and_then(|(package, answer, answered, arrival, direction)| {
                match (direction.as_str(), answered) {
                    ("out", _) => package,
                    // The answer first; once it is home, the arrival report.
                    (_, None) => answer,
                    (_, Some(_)) => arrival.or(answer),
                }
                .map(String::into_bytes)
            }),
        )
    }

    /// Packages, answers and arrival reports whose next delivery attempt is due. An arrival
    /// report waits for the answer before it: the sender must know the case was accepted.
    pub async fn due_deliveries(&self, at: DateTime<Utc>) -> Result<Vec<Delivery>> {
        let rows: Vec<DueRow> = on_pool!(self, pool => sqlx::query_as(
                "SELECT id, partner, package, answer_package, answer_delivered_at,
                     arrival_package, direction, attempts FROM transfers
                 WHERE partner IS NOT NULL AND next_attempt_at <= $1
                   AND ((direction = 'out' AND status = 'pending')
                        OR (direction = 'in' AND answer_package IS NOT NULL
                            AND answer_delivered_at IS NULL)
                        OR (direction = 'in' AND arrival_package IS NOT NULL
                            AND arrival_delivered_at IS NULL))
                 ORDER BY next_attempt_at LIMIT 50",
            )
            .bind(at)
            .fetch_all(pool)
            .await?);
        Ok(rows
            .into_iter()
            .filter_map(|row| {
                let (kind, bytes) = match row.direction.as_str() {
                    "out" => (DeliveryKind::Case, row.package?),
                    _ if row.answer_delivered_at.is_none() => {
                        (DeliveryKind::Answer, row.answer_package?)
                    }
                    _ => (DeliveryKind::Arrival, row.arrival_package?),
                };
                Some(Delivery {
                    id: row.id,
                    partner: row.partner,
                    bytes: bytes.into_bytes(),
                    kind,
                    attempts: row.attempts,
                })
            })
            .collect())
    }

    /// The partner took the delivery: a package is now at the receiver, an answer or an
    /// arrival report is home.
    pub async fn delivery_done(&self, delivery: &Delivery) -> Result<()> {
        let sql = match delivery.kind {
            DeliveryKind::Case => {
                "UPDATE transfers SET status = 'received', delivered_at = $2, last_error = NULL
                 WHERE id = $1 AND status = 'pending'"
            }
            DeliveryKind::Answer => {
                "UPDATE transfers SET answer_delivered_at = $2, last_error = NULL, attempts = 0
                 WHERE id = $1"
            }
            DeliveryKind::Arrival => {
                "UPDATE transfers SET arrival_delivered_at = $2, last_error = NULL WHERE id = $1"
            }
        };
        on_pool!(self, pool => sqlx::query(sql)
            .bind(delivery.id)
            .bind(self.now())
            .execute(pool)
            .await
            .map(|_| ())?);
        Ok(())
    }

    /// Notes a failed attempt and when to try again.
    pub async fn delivery_failed(&self, delivery: &Delivery, error: &str) -> Result<()> {
        let error: String = error.chars().take(300).collect();
        on_pool!(self, pool => sqlx::query(
            "UPDATE transfers SET attempts = attempts + 1, last_error = $2, next_attempt_at = $3
             WHERE id = $1",
        )
        .bind(delivery.id)
        .bind(error)
        .bind(self.now() + retry_after(delivery.attempts))
        .execute(pool)
        .await
        .map(|_| ())?);
        Ok(())
    }

    /// Stores a case package that arrived from `partner`; false if it was already here (a
    /// retried delivery), which is not an error.
    pub async fn receive_case_package(
        &self,
        keys: &KeyRing,
        partner: &str,
        id: Uuid,
        package: &CasePackage,
        expected_at: Option<Uuid>,
        who: &Change,
    ) -> Result<bool> {
        let country = Country::from_code(&package.to_country).ok_or_else(|| {
            ValidationError::new(
                "to_country",
                "the package names no country this deployment knows",
            )
        })?;
        for doc in &package.documents {
            document_bytes(doc)?;
        }
        let payload = keys.encrypt(
            PAYLOAD,
            &serde_json::to_string(package).expect("serialises"),
        );
        let done = audited_row_change!(
            self,
            &who.event("transfer.receive", format!("transfer:{id}")),
            |tx| sqlx::query(
                "INSERT INTO transfers (id, direction, partner, country, status, parts, payload,
                     expected_arrival, created_at, to_hub, delivered_at)
                 VALUES ($1, 'in', $2, $3, 'received', $4, $5, $6, $7, $8, $7)
                 ON CONFLICT (id) DO NOTHING",
            )
            .bind(id)
            .bind(partner)
            .bind(country.code())
            .bind(Json(&package.parts))
            .bind(payload)
            .bind(package.expected_arrival)
            .bind(self.now())
            .bind(expected_at)
            .execute(&mut *tx)
            .await?
            .rows_affected()
        );
        Ok(done == 1)
    }

    /// Records a coordinator's decision on an incoming transfer, with the case it became (if
    /// accepted) and the sealed answer to send back. False if someone decided first.
    #[allow(clippy::too_many_arguments)]
    pub async fn decide_incoming(
        &self,
        keys: &KeyRing,
        id: Uuid,
        accepted: bool,
        note: &str,
        case_id: Option<Uuid>,
        to_hub: Option<Uuid>,
        answer: Option<Vec<u8>>,
        who: &Change,
    ) -> Result<bool> {
        let status = if accepted {
            TransferStatus::Accepted
        } else {
            TransferStatus::Declined
        };
        let at = self.now();
        let done = audited_row_change!(
            self,
            &who.event(decision_action(accepted), format!("transfer:{id}")),
            |tx| sqlx::query(
                "UPDATE transfers SET status = $2, decided_by = $3, decided_at = $4,
                     decision_note = $5, case_id = COALESCE($6, case_id),
                     to_hub = COALESCE($7, to_hub), answer_package = $8, next_attempt_at = $4
                 WHERE id = $1 AND direction = 'in' AND status = 'received'",
            )
            .bind(id)
            .bind(status.code())
            .bind(who.actor_id)
            .bind(at)
            .bind(keys.encrypt(DECISION, note.trim()))
            .bind(case_id)
            .bind(to_hub)
            .bind(answer.map(|a| String::from_utf8_lossy(&a).into_owned()))
            .execute(&mut *tx)
            .await?
            .rows_affected()
        );
        Ok(done == 1)
    }

    /// Accepts a partner's case package in one transaction: the decision with the sealed answer
    /// to send back, the child registered at the receiving hub (`person`) and the case opened
    /// there (`case`, whose `person_id` is filled in here), each with its audit entry. `None`
    /// if someone decided first; then nothing is written.
    #[allow(clippy::too_many_arguments)]
    pub async fn accept_incoming(
        &self,
        keys: &KeyRing,
        id: Uuid,
        note: &str,
        person: &crate::people::NewPerson,
        case: &crate::cases::NewCase,
        deadlines: &bluedot_core::case::CaseDeadlines,
        answer: Vec<u8>,
        who: &Change,
    ) -> Result<Option<(Uuid, Uuid)>> {
        let identity = person.identity.clone().validate()?;
        let now = self.now();
        let package = self
            .transfer(keys, id)
            .await?
            .ok_or_else(|| ValidationError::new("transfer", "no such transfer"))?
            .payload;
        // A case in format 2 continues where the sender left it; an older package opens anew.
        let state = match &package.status {
            Some(status) => bluedot_core::case::CaseState::continued(
                status,
                case.concerns.clone(),
                case.risk,
                case.assigned_to,
                deadlines,
                now,
            )?,
            None => bluedot_core::case::CaseState::open(
                case.concerns.clone(),
                case.risk,
                case.assigned_to,
                deadlines,
                now,
            )?,
        };
        let files: Vec<(String, Vec<u8>)> = package
            .documents
            .iter()
            .map(|d| Ok((d.name.clone(), document_bytes(d)?)))
            .collect::<std::result::Result<_, ValidationError>>()?;
        let attachments = files
            .iter()
            .map(|(name, bytes)| crate::cases::Attachment::checked(name, bytes))
            .collect::<Result<Vec<_>>>()?;
        let history: Vec<(String, DateTime<Utc>, String)> = package
            .history
            .iter()
            .map(|h| {
                let text = crate::cases::StepText {
                    note: h.note.clone(),
                    author: Some(h.author.clone()),
                    ..Default::default()
                };
                (h.step.clone(), h.at, crate::cases::seal_text(keys, &text))
            })
            .collect();
        let text = crate::cases::StepText {
            note: case.screening.trim().to_owned(),
            ..Default::default()
        };
        crate::cases::check_text(&text)?;
        let (person_id, case_id) = (Uuid::now_v7(), Uuid::now_v7());
        let case = crate::cases::NewCase {
            person_id,
            ..case.clone()
        };
        let answer = String::from_utf8_lossy(&answer).into_owned();
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            let claimed = sqlx::query(
                "UPDATE transfers SET status = 'accepted', decided_by = $2, decided_at = $3,
                     decision_note = $4, to_hub = $5, answer_package = $6, next_attempt_at = $3
                 WHERE id = $1 AND direction = 'in' AND status = 'received'",
            )
            .bind(id)
            .bind(who.actor_id)
            .bind(now)
            .bind(keys.encrypt(DECISION, note.trim()))
            .bind(case.hub_id)
            .bind(&answer)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if claimed != 1 {
                tx.rollback().await?;
                return Ok(None);
            }
            crate::people::insert_person!(self, tx, keys, person_id, person, &identity, now, who);
            crate::cases::insert_case!(self, tx, keys, case_id, &case, state, &text, now, who)?;
            // The sender's history, as the sender's: each step at its time, credited to its
            // author there.
            for attachment in &attachments {
                let doc = Uuid::now_v7();
                crate::cases::insert_document!(self, tx, keys, doc, case_id, attachment, who, now);
            }
            for (step, at, body) in &history {
                crate::cases::insert_event!(tx, case_id, step.as_str(), *at, None::<Uuid>, Some(body.clone()));
            }
            // The case exists now, so the transfer may name it.
            sqlx::query("UPDATE transfers SET case_id = $2 WHERE id = $1")
                .bind(id)
                .bind(case_id)
                .execute(&mut *tx)
                .await?;
            append_audit!(self, tx, &who.event(decision_action(true), format!("transfer:{id}")));
            tx.commit().await?;
            Ok(Some((case_id, person_id)))
        })
    }

    /// Takes the receiver's answer to an outgoing package. An accepted case is closed here as
    /// transferred. False if the answer was already taken (a retried delivery).
    pub async fn receive_answer(
        &self,
        keys: &KeyRing,
        partner: &str,
        answer: &Answer,
        who: &Change,
    ) -> Result<bool> {
        let status = if answer.accepted {
            TransferStatus::Accepted
        } else {
            TransferStatus::Declined
        };
        let at = self.now();
        let note = keys.encrypt(DECISION, answer.note.trim());
        let event =
            crate::cases::seal_event_text(keys, &format!("{partner}: {}", answer.note.trim()));
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            let case: Option<(Option<Uuid>,)> = sqlx::query_as(
                "UPDATE transfers SET status = $2, decided_at = $3, decision_note = $4
                 WHERE id = $1 AND direction = 'out' AND partner = $5
                   AND status IN ('pending', 'received')
                 RETURNING case_id",
            )
            .bind(answer.package)
            .bind(status.code())
            .bind(at)
            .bind(&note)
            .bind(partner)
            .fetch_optional(&mut *tx)
            .await?;
            let Some((case_id,)) = case else {
                tx.rollback().await?;
                return Ok(false);
            };
            if let Some(case_id) = case_id {
                if answer.accepted {
                    let (country,): (String,) =
                        sqlx::query_as("SELECT country FROM cases WHERE id = $1")
                            .bind(case_id)
                            .fetch_one(&mut *tx)
                            .await?;
                    let country = decode_code("cases.country", &country, Country::from_code)?;
                    sqlx::query(
                        "UPDATE cases SET stage = 'closed', closure_reason = 'transferred',
                             closed_at = $2, closed_day = $3, next_follow_up = NULL,
                             closure_requested = NULL, closure_requested_by = NULL,
                             version = version + 1, updated_at = $2
                         WHERE id = $1 AND stage <> 'closed'",
                    )
                    .bind(case_id)
                    .bind(at)
                    .bind(country.local_day(at))
                    .execute(&mut *tx)
                    .await?;
                }
                let step = if answer.accepted { "transfer-accepted" } else { "transfer-declined" };
                crate::cases::insert_event!(tx, case_id, step, at, None::<Uuid>, Some(event));
            }
            let verdict = if answer.accepted { "accepted" } else { "declined" };
            append_audit!(self, tx, &who.event(&format!("transfer.{verdict}-by-partner"), format!("transfer:{}", answer.package)));
            tx.commit().await?;
            Ok(true)
        })
    }

    /// Accepts a transfer from another hub of this deployment: the case and the child's record
    /// move to the receiving hub with a new case worker. False if someone decided first.
    pub async fn accept_local_transfer(
        &self,
        keys: &KeyRing,
        id: Uuid,
        assigned_to: Uuid,
        note: &str,
        who: &Change,
    ) -> Result<bool> {
        let by = who.actor_id;
        let transfer = self
            .transfer(keys, id)
            .await?
            .ok_or_else(|| ValidationError::new("transfer", "no such transfer"))?;
        let (Some(case_id), Some(to_hub), None) =
            (transfer.case_id, transfer.to_hub, transfer.partner.as_ref())
        else {
            return Err(ValidationError::new("transfer", "not a transfer between hubs").into());
        };
        let at = self.now();
        let event = crate::cases::seal_event_text(keys, note.trim());
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            let claimed = sqlx::query(
                "UPDATE transfers SET status = 'accepted', decided_by = $2, decided_at = $3,
                     decision_note = $4
                 WHERE id = $1 AND status = 'received'",
            )
            .bind(id)
            .bind(by)
            .bind(at)
            .bind(keys.encrypt(DECISION, note.trim()))
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if claimed != 1 {
                tx.rollback().await?;
                return Ok(false);
            }
            sqlx::query(
                "UPDATE cases SET hub_id = $2, assigned_to = $3, version = version + 1,
                     updated_at = $4
                 WHERE id = $1",
            )
            .bind(case_id)
            .bind(to_hub)
            .bind(assigned_to)
            .bind(at)
            .execute(&mut *tx)
            .await?;
            sqlx::query(
                "UPDATE people SET hub_id = $2, updated_at = $3
                 WHERE id = (SELECT person_id FROM cases WHERE id = $1)",
            )
            .bind(case_id)
            .bind(to_hub)
            .bind(at)
            .execute(&mut *tx)
            .await?;
            crate::cases::insert_event!(tx, case_id, "transfer-accepted", at, by, Some(event));
            append_audit!(self, tx, &who.event(decision_action(true), format!("transfer:{id}")));
            tx.commit().await?;
            Ok(true)
        })
    }

    /// Declines a transfer between hubs: the case stays where it was.
    pub async fn decline_local_transfer(
        &self,
        keys: &KeyRing,
        id: Uuid,
        note: &str,
        who: &Change,
    ) -> Result<bool> {
        let at = self.now();
        let done = audited_row_change!(
            self,
            &who.event(decision_action(false), format!("transfer:{id}")),
            |tx| sqlx::query(
                "UPDATE transfers SET status = 'declined', decided_by = $2, decided_at = $3,
                     decision_note = $4
                 WHERE id = $1 AND status = 'received' AND partner IS NULL
                   AND direction = 'out'",
            )
            .bind(id)
            .bind(who.actor_id)
            .bind(at)
            .bind(keys.encrypt(DECISION, note.trim()))
            .execute(&mut *tx)
            .await?
            .rows_affected()
        );
        Ok(done == 1)
    }
}

/// A travelling document's bytes, checked against its size and checksum.
pub fn document_bytes(
    doc: &bluedot_core::transfer::TransferDocument,
) -> std::result::Result<Vec<u8>, ValidationError> {
    use base64::Engine as _;
    use sha2::Digest as _;
    let broken = || {
        ValidationError::new(
            "documents",
            format!("the document {:?} did not arrive whole", doc.name),
        )
    };
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(&doc.data)
        .map_err(|_| broken())?;
    let whole = bytes.len() as u64 == doc.size
        && hex::encode(sha2::Sha256::digest(&bytes)) == doc.sha256.to_ascii_lowercase();
    if whole { Ok(bytes) } else { Err(broken()) }
}

impl Store {
    /// The receiving side reports whether the child arrived, for a transfer it accepted: from a
    /// partner (`report` is the sealed report to send back) or from another hub here. False if
    /// it was reported already or is not accepted.
    pub async fn record_arrival(
        &self,
        keys: &KeyRing,
        id: Uuid,
        arrival: Arrival,
        note: &str,
        report: Option<Vec<u8>>,
        who: &Change,
    ) -> Result<bool> {
        let at = self.now();
        let event = crate::cases::seal_event_text(keys, note.trim());
        let step = arrival_step(arrival);
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            let case: Option<(Option<Uuid>,)> = sqlx::query_as(
                "UPDATE transfers SET arrival = $2, arrival_at = $3, arrival_note = $4,
                     arrival_package = $5, next_attempt_at = $3
                 WHERE id = $1 AND status = 'accepted' AND arrival IS NULL
                   AND (direction = 'in' OR partner IS NULL)
                 RETURNING case_id",
            )
            .bind(id)
            .bind(arrival.code())
            .bind(at)
            .bind(keys.encrypt(ARRIVAL, note.trim()))
            .bind(report.map(|r| String::from_utf8_lossy(&r).into_owned()))
            .fetch_optional(&mut *tx)
            .await?;
            let Some((case_id,)) = case else {
                tx.rollback().await?;
                return Ok(false);
            };
            if let Some(case_id) = case_id {
                crate::cases::insert_event!(tx, case_id, step, at, who.actor_id, Some(event));
            }
            append_audit!(self, tx, &who.event(&format!("transfer.{}", arrival.code()), format!("transfer:{id}")));
            tx.commit().await?;
            Ok(true)
        })
    }

    /// Takes the receiver's arrival report for an outgoing transfer, and notes it in the
    /// (closed) case's history. False if it was already taken.
    pub async fn receive_arrival(
        &self,
        keys: &KeyRing,
        partner: &str,
        report: &ArrivalReport,
        who: &Change,
    ) -> Result<bool> {
        let event =
            crate::cases::seal_event_text(keys, &format!("{partner}: {}", report.note.trim()));
        let step = arrival_step(report.arrival);
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            let case: Option<(Option<Uuid>,)> = sqlx::query_as(
                "UPDATE transfers SET arrival = $2, arrival_at = $3, arrival_note = $4
                 WHERE id = $1 AND direction = 'out' AND partner = $5 AND arrival IS NULL
                 RETURNING case_id",
            )
            .bind(report.package)
            .bind(report.arrival.code())
            .bind(report.at)
            .bind(keys.encrypt(ARRIVAL, report.note.trim()))
            .bind(partner)
            .fetch_optional(&mut *tx)
            .await?;
            let Some((case_id,)) = case else {
                tx.rollback().await?;
                return Ok(false);
            };
            if let Some(case_id) = case_id {
                crate::cases::insert_event!(tx, case_id, step, report.at, None::<Uuid>, Some(event));
            }
            append_audit!(self, tx, &who.event(&format!("transfer.{}-reported", report.arrival.code()), format!("transfer:{}", report.package)));
            tx.commit().await?;
            Ok(true)
        })
    }
}

/// The case history's step for an arrival report.
fn arrival_step(arrival: Arrival) -> &'static str {
    match arrival {
        Arrival::Arrived => "transfer-arrived",
        Arrival::NotArrived => "transfer-not-arrived",
    }
}

/// The audit action of a receiver's decision.
fn decision_action(accepted: bool) -> &'static str {
    if accepted {
        "transfer.accept"
    } else {
        "transfer.decline"
    }
}

/// The parts a package always carries besides who the child is.
pub const ALWAYS_SENT: [TransferPart; 1] = [TransferPart::Needs];

/// Days from today a date may lie for an expected arrival.
pub fn arrival_in_range(date: NaiveDate, today: NaiveDate) -> bool {
    date >= today && date <= today + Duration::days(90)
}
