//! Family tracing in the database: requests (from staff, or from the public site and verified
//! before anything happens), the candidate children the matcher proposes, each confirmed or
//! rejected by the case worker, the relationship verified, and the reunification that closes
//! the request. Who is sought, who asks and the evidence are encrypted.

use bluedot_core::person::{ConsentPurpose, SpecificNeed};
use bluedot_core::policy::Scope;
use bluedot_core::tracing_request::{MatchStatus, RequesterInfo, Sought, TracingStatus};
use bluedot_core::{Country, ValidationError};
use chrono::{DateTime, SubsecRound, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::audit::{AuditEvent, Change, append_audit, audited_row_change};
use crate::crypto::KeyRing;
use crate::people::PersonRecord;
use crate::scope::{ScopeParams, bind_scope};
use crate::{Result, Store, StoreError, decode_code, on_pool};

const SOUGHT: &str = "tracing_requests.sought";
const REQUESTER: &str = "tracing_requests.requester";
const REUNIFICATION: &str = "tracing_requests.reunification";
const EVIDENCE: &str = "tracing_matches.evidence";

#[derive(Debug, Clone)]
pub struct NewTracingRequest {
    pub hub_id: Uuid,
    pub country: Country,
    /// Sent by a relative through the public site: verified by staff first.
    pub public: bool,
    pub sought: Sought,
    pub requester: RequesterInfo,
    pub created_by: Option<Uuid>,
}

/// Where and with whom a child was reunified.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reunification {
    pub date: chrono::NaiveDate,
    pub place: String,
    pub with_whom: String,
    pub note: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TracingRequest {
    pub id: Uuid,
    pub hub_id: Uuid,
    pub country: Country,
    pub public: bool,
    pub status: TracingStatus,
    pub sought: Sought,
    pub requester: RequesterInfo,
    pub found_person: Option<Uuid>,
    pub reunification: Option<Reunification>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    pub person_id: Uuid,
    pub score: f64,
    pub evidence: String,
    pub status: MatchStatus,
    /// How the relationship was verified, once it is.
    pub verification: Option<Verification>,
    /// Who took the last decision on the candidate, and when.
    pub decided_by: Option<String>,
    pub decided_at: Option<DateTime<Utc>>,
}

/// Ways a relationship is verified before a child is handed to the person looking.
pub const VERIFICATION_WAYS: [&str; 4] = ["documents", "questions", "recognition", "witness"];

/// How a relationship was verified: the ways used and what was seen or asked.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Verification {
    pub ways: Vec<String>,
    pub details: String,
}

impl Verification {
    pub fn check(&self) -> std::result::Result<(), ValidationError> {
        if self.ways.is_empty()
            || self
                .ways
                .iter()
                .any(|w| !VERIFICATION_WAYS.contains(&w.as_str()))
        {
            return Err(ValidationError::new(
                "verification",
                "say how the relationship was verified",
            ));
        }
        let length = self.details.trim().chars().count();
        if length == 0 || length > 1_000 {
            return Err(ValidationError::new(
                "verification",
                "say in up to 1,000 characters what was seen or asked",
            ));
        }
        Ok(())
    }
}

const VERIFICATION: &str = "tracing_matches.verification";

#[derive(sqlx::FromRow)]
struct RequestRow {
    id: Uuid,
    hub_id: Uuid,
    country: String,
    source: String,
    status: String,
    sought: String,
    requester: String,
    found_person: Option<Uuid>,
    reunification: Option<String>,
    created_at: DateTime<Utc>,
}

const COLUMNS: &str = "id, hub_id, country, source, status, sought, requester, found_person, reunification, created_at";

fn open_json<T: serde::de::DeserializeOwned>(
    keys: &KeyRing,
    field: &str,
    sealed: &str,
) -> Result<T> {
    let plain = keys
        .decrypt(field, sealed)
        .map_err(|e| StoreError::Corrupt(format!("{field}: {e}")))?;
    serde_json::from_str(&plain).map_err(|e| StoreError::Corrupt(format!("{field}: {e}")))
}

fn seal_json<T: Serialize>(keys: &KeyRing, field: &str, value: &T) -> String {
    keys.encrypt(field, &serde_json::to_string(value).expect("serialises"))
}

impl RequestRow {
    fn open(self, keys: &KeyRing) -> Result<TracingRequest> {
        Ok(TracingRequest {
            id: self.id,
            hub_id: self.hub_id,
            country: decode_code(
                "tracing_requests.country",
                &self.country,
                Country::from_code,
            )?,
            public: self.source == "public",
            status: decode_code(
                "tracing_requests.status",
                &self.status,
                TracingStatus::from_code,
            )?,
            sought: open_json(keys, SOUGHT, &self.sought)?,
            requester: open_json(keys, REQUESTER, &self.requester)?,
            found_person: self.found_person,
            reunification: self
                .reunification
                .map(|r| open_json(keys, REUNIFICATION, &r))
                .transpose()?,
            created_at: self.created_at,
        })
    }
}

impl Store {
    pub async fn create_tracing_request(
        &self,
        keys: &KeyRing,
        new: &NewTracingRequest,
        who: &Change,
    ) -> Result<Uuid> {
        let sought = new.sought.clone().validate()?;
        let requester = new.requester.clone().validate()?;
        let id = Uuid::now_v7();
        let at = self.now();
        let (source, status) = if new.public {
            ("public", TracingStatus::Unverified)
        } else {
            ("staff", TracingStatus::Open)
        };
        // A relative's request from the public site is its own kind of entry, so coordinators
        // can tell the channels apart.
        let action = if new.public {
            "tracing.public-request"
        } else {
            "tracing.create"
        };
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            sqlx::query(
                "INSERT INTO tracing_requests (id, hub_id, country, source, status, sought,
                     requester, created_by, created_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)",
            )
            .bind(id)
            .bind(new.hub_id)
            .bind(new.country.code())
            .bind(source)
            .bind(status.code())
            .bind(seal_json(keys, SOUGHT, &sought))
            .bind(seal_json(keys, REQUESTER, &requester))
            .bind(new.created_by)
            .bind(at)
            .execute(&mut *tx)
            .await?;
            append_audit!(self, tx, &who.event(action, format!("tracing:{id}")));
            tx.commit().await?;
        });
        Ok(id)
    }

    pub async fn tracing_request(
        &self,
        keys: &KeyRing,
        id: Uuid,
    ) -> Result<Option<TracingRequest>> {
        let sql = format!("SELECT {COLUMNS} FROM tracing_requests WHERE id = $1");
        let row: Option<RequestRow> =
            on_pool!(self, pool => sqlx::query_as(&sql).bind(id).fetch_optional(pool).await?);
        row.map(|r| r.open(keys)).transpose()
    }

    /// The requests that found `person`: the person was confirmed as the one sought.
    pub async fn tracing_requests_for_person(
        &self,
        keys: &KeyRing,
        person: Uuid,
    ) -> Result<Vec<TracingRequest>> {
        let sql = format!(
            "SELECT {COLUMNS} FROM tracing_requests
             WHERE found_person = $1
                OR id IN (SELECT request_id FROM tracing_matches
                          WHERE person_id = $1 AND status = 'confirmed')
             ORDER BY created_at"
        );
        let rows: Vec<RequestRow> =
            on_pool!(self, pool => sqlx::query_as(&sql).bind(person).fetch_all(pool).await?);
        rows.into_iter().map(|r| r.open(keys)).collect()
    }

    /// Requests at hubs within `scope`, newest first.
    pub async fn tracing_requests_in_scope(
        &self,
        keys: &KeyRing,
        scope: &Scope,
    ) -> Result<Vec<TracingRequest>> {
        if scope.is_empty() {
            return Ok(Vec::new());
        }
        let in_scope = ScopeParams::of(scope);
        let sql = format!(
            "SELECT {COLUMNS} FROM tracing_requests
             WHERE {in_scope}
             ORDER BY created_at DESC LIMIT 500",
            in_scope = self.in_scope("country", "hub_id"),
        );
        let rows: Vec<RequestRow> = on_pool!(self, pool => bind_scope!(sqlx::query_as(&sql), in_scope)
            .fetch_all(pool)
            .await?);
        rows.into_iter().map(|r| r.open(keys)).collect()
    }

    /// Moves a request from one status to the next; false if it was not in `from` any more.
    async fn move_request(
        &self,
        id: Uuid,
        from: TracingStatus,
        to: TracingStatus,
        event: &AuditEvent,
    ) -> Result<bool> {
        let done = audited_row_change!(self, event, |tx| sqlx::query(
            "UPDATE tracing_requests SET status = $3, updated_at = $4,
                     verified_by = CASE WHEN $2 = 'unverified' THEN $5 ELSE verified_by END,
                     verified_at = CASE WHEN $2 = 'unverified' THEN $4 ELSE verified_at END
                 WHERE id = $1 AND status = $2",
        )
        .bind(id)
        .bind(from.code())
        .bind(to.code())
        .bind(self.now())
        .bind(event.actor_id)
        .execute(&mut *tx)
        .await?
        .rows_affected());
        Ok(done == 1)
    }

    /// Staff verified who sent a public request: the search may begin.
    pub async fn verify_tracing_request(&self, id: Uuid, who: &Change) -> Result<bool> {
        let event = who.event("tracing.verify", format!("tracing:{id}"));
        self.move_request(id, TracingStatus::Unverified, TracingStatus::Open, &event)
            .await
    }

    pub async fn close_tracing_request(&self, id: Uuid, who: &Change) -> Result<bool> {
        let event = who.event("tracing.close", format!("tracing:{id}"));
        for from in [
            TracingStatus::Unverified,
            TracingStatus::Open,
            TracingStatus::Found,
        ] {
            if self
                .move_request(id, from, TracingStatus::Closed, &event)
                .await?
            {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// Records the matcher's candidates for an open request; candidates already decided keep
    /// their decision. A candidate whose record was erased meanwhile (a server's index may not
    /// know yet) is left out.
    pub async fn propose_candidates(
        &self,
        keys: &KeyRing,
        request: Uuid,
        candidates: &[(Uuid, f64, String)],
    ) -> Result<()> {
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            for (person, score, evidence) in candidates {
                sqlx::query(
                    "INSERT INTO tracing_matches (id, request_id, person_id, score, evidence, status)
                     SELECT $5, $1, $2, $3, $4, 'proposed'
                     WHERE EXISTS (SELECT 1 FROM people WHERE id = $2)
                     ON CONFLICT (request_id, person_id) DO UPDATE
                         SET score = excluded.score, evidence = excluded.evidence
                         WHERE tracing_matches.status = 'proposed'",
                )
                .bind(request)
                .bind(person)
                .bind(score)
                .bind(keys.encrypt(EVIDENCE, evidence))
                .bind(Uuid::now_v7())
                .execute(&mut *tx)
                .await?;
            }
            tx.commit().await?;
        });
        Ok(())
    }

    /// A request's candidates, the most likely first.
    pub async fn candidates(&self, keys: &KeyRing, request: Uuid) -> Result<Vec<Candidate>> {
        type Row = (
            Uuid,
            f64,
            String,
            String,
            Option<String>,
            Option<String>,
            Option<DateTime<Utc>>,
        );
        let rows: Vec<Row> = on_pool!(self, pool => sqlx::query_as(
            "SELECT m.person_id, m.score, m.evidence, m.status, m.verification, u.display_name,
                    m.decided_at
             FROM tracing_matches m LEFT JOIN users u ON u.id = m.decided_by
             WHERE m.request_id = $1
             ORDER BY m.score DESC, m.person_id",
        )
        .bind(request)
        .fetch_all(pool)
        .await?);
        let open = |field: &str, v: &str| {
            keys.decrypt(field, v)
                .map_err(|e| StoreError::Corrupt(format!("{field}: {e}")))
        };
        rows.into_iter()
            .map(
                |(person_id, score, evidence, status, verification, by, at)| {
                    Ok(Candidate {
                        person_id,
                        score,
                        evidence: open(EVIDENCE, &evidence)?,
                        status: decode_code(
                            "tracing_matches.status",
                            &status,
                            MatchStatus::from_code,
                        )?,
                        verification: verification
                            .map(|v| {
                                serde_json::from_str(&open(VERIFICATION, &v)?).map_err(|e| {
                                    StoreError::Corrupt(format!("{VERIFICATION}: {e}"))
                                })
                            })
                            .transpose()?,
                        decided_by: by,
                        decided_at: at,
                    })
                },
            )
            .collect()
    }

    /// The case worker's decision on a candidate: confirmed (it is the child), rejected, or —
    /// once confirmed — the relationship with the requester verified, which marks the request
    /// found. Out-of-order decisions are refused.
    pub async fn decide_candidate(
        &self,
        request: Uuid,
        person: Uuid,
        to: MatchStatus,
        who: &Change,
    ) -> Result<()> {
        self.decide_candidate_with(request, person, to, None, who)
            .await
    }

    /// Verifies the relationship of a confirmed candidate with the person looking, recording
    /// how (encrypted); marks the request found.
    pub async fn verify_relationship(
        &self,
        keys: &KeyRing,
        request: Uuid,
        person: Uuid,
        how: &Verification,
        who: &Change,
    ) -> Result<()> {
        how.check()?;
        let sealed = keys.encrypt(
            VERIFICATION,
            &serde_json::to_string(how).expect("a verification serialises"),
        );
        self.decide_candidate_with(request, person, MatchStatus::Verified, Some(sealed), who)
            .await
    }

    async fn decide_candidate_with(
        &self,
        request: Uuid,
        person: Uuid,
        to: MatchStatus,
        verification: Option<String>,
        who: &Change,
    ) -> Result<()> {
        let action = match to {
            MatchStatus::Confirmed => "tracing.confirm",
            MatchStatus::Rejected => "tracing.reject",
            _ => "tracing.verify-relationship",
        };
        let from: &[&str] = match to {
            MatchStatus::Confirmed | MatchStatus::Rejected => &["proposed"],
            MatchStatus::Verified => &["confirmed"],
            MatchStatus::Proposed => {
                return Err(ValidationError::new("status", "a candidate cannot go back").into());
            }
        };
        let at = self.now();
        let ok = on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            let changed = sqlx::query(
                "UPDATE tracing_matches SET status = $3, decided_by = $4, decided_at = $5,
                     verification = COALESCE($7, verification)
                 WHERE request_id = $1 AND person_id = $2 AND status = $6",
            )
            .bind(request)
            .bind(person)
            .bind(to.code())
            .bind(who.actor_id)
            .bind(at)
            .bind(from[0])
            .bind(verification)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if changed == 1 && to == MatchStatus::Verified {
                let found = sqlx::query(
                    "UPDATE tracing_requests SET status = 'found', found_person = $2, updated_at = $3
                     WHERE id = $1 AND status = 'open'",
                )
                .bind(request)
                .bind(person)
                .bind(at)
                .execute(&mut *tx)
                .await?
                .rows_affected();
                if found != 1 {
                    tx.rollback().await?;
                    return Err(ValidationError::new(
                        "status",
                        "the request is not open any more",
                    )
                    .into());
                }
            }
            if changed == 1 {
                append_audit!(self, tx, &who.event(action, format!("tracing:{request}/person:{person}")));
                tx.commit().await?;
            } else {
                tx.rollback().await?;
            }
            changed == 1
        });
        if !ok {
            return Err(ValidationError::new(
                "status",
                format!("this candidate cannot be {} now", to.code()),
            )
            .into());
        }
        Ok(())
    }

    /// Records the reunification of a found child; closes the request.
    pub async fn reunify(
        &self,
        keys: &KeyRing,
        request: Uuid,
        reunification: &Reunification,
        who: &Change,
    ) -> Result<bool> {
        if reunification.place.trim().is_empty() || reunification.with_whom.trim().is_empty() {
            return Err(ValidationError::new(
                "reunification",
                "say where and with whom the child was reunified",
            )
            .into());
        }
        let done = audited_row_change!(
            self,
            &who.event("tracing.reunify", format!("tracing:{request}")),
            |tx| sqlx::query(
                "UPDATE tracing_requests SET status = 'reunified', reunification = $2,
                     updated_at = $3
                 WHERE id = $1 AND status = 'found'",
            )
            .bind(request)
            .bind(seal_json(keys, REUNIFICATION, reunification))
            .bind(self.now())
            .execute(&mut *tx)
            .await?
            .rows_affected()
        );
        Ok(done == 1)
    }

    /// Registered children the tracing matcher may look at: active records of unaccompanied or
    /// separated children, each with whether the consent to tracing is in force.
    pub async fn children_for_tracing(
        &self,
        keys: &KeyRing,
    ) -> Result<Vec<(PersonRecord, TracingConsent)>> {
        let everyone = Scope {
            everywhere: true,
            ..Scope::default()
        };
        let mut out = Vec::new();
        for person in self.people_in_scope(keys, &everyone, 1_000_000).await? {
            if let Some(consent) = self.traceable(&person).await? {
                out.push((person, consent));
            }
        }
        Ok(out)
    }

    /// `None` for a record the matcher never looks at.
    async fn traceable(&self, person: &PersonRecord) -> Result<Option<TracingConsent>> {
        let sought = person
            .needs
            .iter()
            .any(|n| matches!(n, SpecificNeed::Unaccompanied | SpecificNeed::Separated));
        if !sought
            || person.identity.is_none()
            || person.status != bluedot_core::person::PersonStatus::Active
        {
            return Ok(None);
        }
        let given = self
            .consents(person.id)
            .await?
            .iter()
            .any(|c| c.in_force() && c.purpose == ConsentPurpose::Tracing);
        Ok(Some(if given {
            TracingConsent::Given
        } else {
            TracingConsent::Missing
        }))
    }

    /// People whose record or consents changed since `since`, each with the record if the
    /// matcher may compare them now (`None`: take them out). For keeping an in-memory index
    /// current when several servers share one database.
    pub async fn tracing_changes_since(
        &self,
        keys: &KeyRing,
        since: DateTime<Utc>,
    ) -> Result<Vec<(Uuid, Option<(PersonRecord, TracingConsent)>)>> {
        let ids: Vec<(Uuid,)> = on_pool!(self, pool => sqlx::query_as(
            "SELECT id FROM people WHERE updated_at >= $1
             UNION SELECT person_id FROM consents WHERE recorded_at >= $1 OR withdrawn_at >= $1",
        )
        .bind(since)
        .fetch_all(pool)
        .await?);
        let mut out = Vec::with_capacity(ids.len());
        for (id,) in ids {
            let traceable = match self.person(keys, id).await? {
                Some(p) => self.traceable(&p).await?.map(|consent| (p, consent)),
                None => None,
            };
            out.push((id, traceable));
        }
        Ok(out)
    }

    /// Asks the case workers of children who could match `request` but have no consent to
    /// tracing to seek it; each child once per request, audited when first asked.
    pub async fn ask_for_tracing_consent(
        &self,
        request: Uuid,
        children: &[Uuid],
        who: &Change,
    ) -> Result<()> {
        let now = self.now().trunc_subsecs(6);
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            for child in children {
                let asked = sqlx::query(
                    "INSERT INTO tracing_consent_asks (request_id, person_id, asked_at)
                     SELECT $1, $2, $3 WHERE EXISTS (SELECT 1 FROM people WHERE id = $2)
                     ON CONFLICT (request_id, person_id) DO NOTHING",
                )
                .bind(request)
                .bind(child)
                .bind(now)
                .execute(&mut *tx)
                .await?
                .rows_affected();
                if asked == 1 {
                    append_audit!(self, tx, &who.event(
                        "tracing.consent-ask",
                        format!("tracing:{request}/person:{child}"),
                    ));
                }
            }
            tx.commit().await?;
        });
        Ok(())
    }

    /// Asks still waiting, at hubs in `scope`, the oldest first: the request is still looking
    /// and the child still has no consent to tracing in force.
    pub async fn open_consent_asks(
        &self,
        scope: &Scope,
        of: ConsentAsksOf,
    ) -> Result<Vec<ConsentAsk>> {
        if scope.is_empty() {
            return Ok(Vec::new());
        }
        let in_scope = ScopeParams::of(scope);
        let sql = format!(
            "SELECT a.request_id, a.person_id, p.hub_id, a.asked_at,
                    (SELECT c.assigned_to FROM cases c
                     WHERE c.person_id = a.person_id AND c.stage <> 'closed') AS case_worker
             FROM tracing_consent_asks a
             JOIN tracing_requests r ON r.id = a.request_id
             JOIN people p ON p.id = a.person_id
             WHERE r.status IN ('unverified', 'open') AND p.status = 'active'
               {one_request}
               AND NOT EXISTS (SELECT 1 FROM consents k
                               WHERE k.person_id = a.person_id AND k.purpose = 'tracing'
                                 AND k.withdrawn_at IS NULL)
               AND {in_scope}
             ORDER BY a.asked_at, a.person_id
             LIMIT 200",
            in_scope = self.in_scope("p.country", "p.hub_id"),
            one_request = match of {
                ConsentAsksOf::All => "",
                ConsentAsksOf::Request(_) => "AND a.request_id = $4",
                ConsentAsksOf::Child(_) => "AND a.person_id = $4",
            },
        );
        let asks: Vec<ConsentAsk> = on_pool!(self, pool => {
            let query = bind_scope!(sqlx::query_as(&sql), in_scope);
            match of {
                ConsentAsksOf::All => query,
                ConsentAsksOf::Request(id) | ConsentAsksOf::Child(id) => query.bind(id),
            }
            .fetch_all(pool)
            .await?
        });
        Ok(asks)
    }
}

/// Whether a child the matcher may look at can be shown to tracing workers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TracingConsent {
    Given,
    /// The child's case worker can be asked to seek it.
    Missing,
}

/// Which asks for consent to tracing to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConsentAsksOf {
    All,
    Request(Uuid),
    Child(Uuid),
}

/// A case worker asked to seek a child's consent to tracing because a request could concern
/// the child.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ConsentAsk {
    pub request_id: Uuid,
    pub person_id: Uuid,
    pub hub_id: Uuid,
    pub asked_at: DateTime<Utc>,
    /// Whoever holds the child's open case, if the child has one.
    pub case_worker: Option<Uuid>,
}
