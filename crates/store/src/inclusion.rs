//! Inclusion assessments: the versioned questionnaire, rounds per country that move from draft
//! to review to approved (a domain may be sent back with a reason), answers guarded against
//! changes made meanwhile, and actions on the barriers found. Every change is audited.

use std::collections::HashMap;

use bluedot_core::inclusion::{ActionStatus, Answer, Barrier, Domain, Question, Rating, Stage};
use bluedot_core::taxonomy::PriorityGroup;
use bluedot_core::{Country, ValidationError};
use chrono::{DateTime, NaiveDate, SubsecRound, Utc};
use uuid::Uuid;

use crate::audit::{Change, append_audit};
use crate::{Result, Store, StoreError, decode_code, on_pool};

/// A round of assessment of a country.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assessment {
    pub id: Uuid,
    pub country: Country,
    /// The period assessed, as people name it ("2026", "2026 H2").
    pub period: String,
    pub questionnaire: u32,
    pub stage: Stage,
    pub previous_id: Option<Uuid>,
    pub is_demo: bool,
    pub created_at: DateTime<Utc>,
    pub approved_at: Option<DateTime<Utc>>,
}

/// An answer as stored: who gave it last, when, and its revision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredAnswer {
    pub answer: Answer,
    pub revision: i64,
    pub updated_by: Option<Uuid>,
    pub updated_at: DateTime<Utc>,
}

/// An answer to save, with the revision the writer saw (none for a question not answered
/// before): a different one now means someone changed it meanwhile.
#[derive(Debug, Clone)]
pub struct AnswerEdit {
    pub question: String,
    pub answer: Answer,
    pub seen: Option<i64>,
}

/// A domain sent back for rework, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Returned {
    pub domain: Domain,
    pub reason: String,
    pub returned_by: Option<Uuid>,
    pub returned_at: DateTime<Utc>,
}

/// Something to do about a barrier found, by whom and when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InclusionAction {
    pub id: Uuid,
    pub assessment_id: Uuid,
    pub country: Country,
    pub question: String,
    pub barrier: Barrier,
    pub what: String,
    pub owner_id: Uuid,
    pub due: NaiveDate,
    pub status: ActionStatus,
}

#[derive(sqlx::FromRow)]
struct AssessmentRow {
    id: Uuid,
    country: String,
    period: String,
    questionnaire: i32,
    stage: String,
    previous_id: Option<Uuid>,
    is_demo: bool,
    created_at: DateTime<Utc>,
    approved_at: Option<DateTime<Utc>>,
}

const ASSESSMENT_COLUMNS: &str =
    "id, country, period, questionnaire, stage, previous_id, is_demo, created_at, approved_at";

impl AssessmentRow {
    fn into_assessment(self) -> Result<Assessment> {
        Ok(Assessment {
            id: self.id,
            country: decode_code(
                "inclusion_assessments.country",
                &self.country,
                Country::from_code,
            )?,
            period: self.period,
            questionnaire: self.questionnaire.max(0) as u32,
            stage: decode_code("inclusion_assessments.stage", &self.stage, Stage::from_code)?,
            previous_id: self.previous_id,
            is_demo: self.is_demo,
            created_at: self.created_at,
            approved_at: self.approved_at,
        })
    }
}

#[derive(sqlx::FromRow)]
struct AnswerRow {
    question: String,
    rating: String,
    evidence: String,
    sources: String,
    barriers: String,
    priority_groups: String,
    revision: i64,
    updated_by: Option<Uuid>,
    updated_at: DateTime<Utc>,
}

impl AnswerRow {
    fn into_answer(self) -> Result<(String, StoredAnswer)> {
        let corrupt = |e: serde_json::Error| StoreError::Corrupt(format!("inclusion_answers: {e}"));
        let barriers: Vec<Barrier> = serde_json::from_str(&self.barriers).map_err(corrupt)?;
        let groups: Vec<PriorityGroup> =
            serde_json::from_str(&self.priority_groups).map_err(corrupt)?;
        Ok((
            self.question,
            StoredAnswer {
                answer: Answer {
                    rating: decode_code(
                        "inclusion_answers.rating",
                        &self.rating,
                        Rating::from_code,
                    )?,
                    evidence: self.evidence,
                    sources: self.sources,
                    barriers,
                    groups,
                },
                revision: self.revision,
                updated_by: self.updated_by,
                updated_at: self.updated_at,
            },
        ))
    }
}

#[derive(sqlx::FromRow)]
struct ActionRow {
    id: Uuid,
    assessment_id: Uuid,
    country: String,
    question: String,
    barrier: String,
    what: String,
    owner_id: Uuid,
    due: NaiveDate,
    status: String,
}

const ACTION_COLUMNS: &str =
    "id, assessment_id, country, question, barrier, what, owner_id, due, status";

impl ActionRow {
    fn into_action(self) -> Result<InclusionAction> {
        Ok(InclusionAction {
            id: self.id,
            assessment_id: self.assessment_id,
            country: decode_code(
                "inclusion_actions.country",
                &self.country,
                Country::from_code,
            )?,
            question: self.question,
            barrier: decode_code(
                "inclusion_actions.barrier",
                &self.barrier,
                Barrier::from_code,
            )?,
            what: self.what,
            owner_id: self.owner_id,
            due: self.due,
            status: decode_code(
                "inclusion_actions.status",
                &self.status,
                ActionStatus::from_code,
            )?,
        })
    }
}

fn json<T: serde::Serialize>(value: &T) -> Result<String> {
    serde_json::to_string(value).map_err(|e| StoreError::Corrupt(e.to_string()))
}

/// Moves a round from one stage to another in the transaction `$tx`, or fails with a conflict
/// when it is no longer where the caller saw it.
macro_rules! move_stage {
    ($tx:expr, $id:expr, $from:expr, $to:expr, $who:expr, $now:expr) => {{
        let moved = sqlx::query(
            "UPDATE inclusion_assessments SET stage = $1, revision = revision + 1,
             approved_by = CASE WHEN $1 = 'approved' THEN $2 ELSE approved_by END,
             approved_at = CASE WHEN $1 = 'approved' THEN $3 ELSE approved_at END
             WHERE id = $4 AND stage = $5",
        )
        .bind($to.code())
        .bind($who.actor_id)
        .bind($now)
        .bind($id)
        .bind($from.code())
        .execute(&mut *$tx)
        .await?
        .rows_affected();
        if moved != 1 {
            return Err(StoreError::Conflict(format!(
                "this assessment is no longer {}",
                $from.code()
            )));
        }
    }};
}

impl Store {
    /// The questionnaire in force: its version and questions. The first use publishes the
    /// built-in version 1.
    pub async fn inclusion_questionnaire(&self) -> Result<(u32, Vec<Question>)> {
        let latest: Option<(i32, String)> = on_pool!(self, pool => sqlx::query_as(
            "SELECT version, questions FROM inclusion_questionnaires ORDER BY version DESC LIMIT 1",
        )
        .fetch_optional(pool)
        .await?);
        match latest {
            Some((version, questions)) => Ok((
                version.max(0) as u32,
                serde_json::from_str(&questions)
                    .map_err(|e| StoreError::Corrupt(format!("inclusion_questionnaires: {e}")))?,
            )),
            None => {
                let first = bluedot_core::inclusion::first_questionnaire();
                let text = json(&first)?;
                let now = self.now().trunc_subsecs(6);
                on_pool!(self, pool => sqlx::query(
                    "INSERT INTO inclusion_questionnaires (version, questions, created_by, created_at)
                     VALUES (1, $1, NULL, $2) ON CONFLICT (version) DO NOTHING",
                )
                .bind(&text)
                .bind(now)
                .execute(pool)
                .await
                .map(|_| ())?);
                Ok((1, first))
            }
        }
    }

    /// The questions of `version`, as the answers given under it read them.
    pub async fn questionnaire_version(&self, version: u32) -> Result<Vec<Question>> {
        let row: Option<(String,)> = on_pool!(self, pool => sqlx::query_as(
            "SELECT questions FROM inclusion_questionnaires WHERE version = $1",
        )
        .bind(version as i32)
        .fetch_optional(pool)
        .await?);
        match row {
            Some((questions,)) => serde_json::from_str(&questions)
                .map_err(|e| StoreError::Corrupt(format!("inclusion_questionnaires: {e}"))),
            None if version == 1 => Ok(self.inclusion_questionnaire().await?.1),
            None => Ok(Vec::new()),
        }
    }

    /// Publishes `questions` as the next version, if `seen` is still the version in force.
    pub async fn publish_questionnaire(
        &self,
        questions: &[Question],
        seen: u32,
        who: &Change,
    ) -> Result<u32> {
        bluedot_core::inclusion::check_questionnaire(questions)?;
        let (current, _) = self.inclusion_questionnaire().await?;
        if current != seen {
            return Err(StoreError::Conflict(
                "the questionnaire was changed meanwhile".into(),
            ));
        }
        let version = current + 1;
        let text = json(&questions)?;
        let now = self.now().trunc_subsecs(6);
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            // The primary key refuses a second publisher of the same version.
            sqlx::query(
                "INSERT INTO inclusion_questionnaires (version, questions, created_by, created_at)
                 VALUES ($1, $2, $3, $4)",
            )
            .bind(version as i32)
            .bind(&text)
            .bind(who.actor_id)
            .bind(now)
            .execute(&mut *tx)
            .await
            .map_err(|e| match e {
                sqlx::Error::Database(d) if d.is_unique_violation() => StoreError::Conflict(
                    "the questionnaire was changed meanwhile".into(),
                ),
                e => e.into(),
            })?;
            let mut event = who.event("inclusion.questionnaire", format!("questionnaire:{version}"));
            event.outcome = format!("{} questions", questions.len());
            append_audit!(self, tx, &event);
            tx.commit().await?;
        });
        Ok(version)
    }

    /// Starts a round for `country`: a draft under the questionnaire in force, with the answers
    /// of the country's last approved round to the questions still asked. A country has one
    /// round open at a time.
    pub async fn start_assessment(
        &self,
        country: Country,
        period: &str,
        is_demo: bool,
        who: &Change,
    ) -> Result<Uuid> {
        let period = period.trim();
        if period.is_empty() || period.chars().count() > 40 {
            return Err(
                ValidationError::new("period", "name the period in up to 40 characters").into(),
            );
        }
        let (version, questions) = self.inclusion_questionnaire().await?;
        let rounds = self.assessments(&[country]).await?;
        if rounds.iter().any(|a| a.stage != Stage::Approved) {
            return Err(StoreError::Conflict(
                "this country already has a round in progress".into(),
            ));
        }
        let previous = rounds
            .iter()
            .filter(|a| a.stage == Stage::Approved)
            .max_by_key(|a| a.approved_at);
        let carried = match previous {
            Some(p) => self.answers(p.id).await?,
            None => HashMap::new(),
        };
        let id = Uuid::now_v7();
        let now = self.now().trunc_subsecs(6);
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            sqlx::query(&format!(
                "INSERT INTO inclusion_assessments ({ASSESSMENT_COLUMNS}, revision, created_by)
                 VALUES ($1, $2, $3, $4, 'draft', $5, $6, $7, NULL, 0, $8)"
            ))
            .bind(id)
            .bind(country.code())
            .bind(period)
            .bind(version as i32)
            .bind(previous.map(|p| p.id))
            .bind(is_demo)
            .bind(now)
            .bind(who.actor_id)
            .execute(&mut *tx)
            .await?;
            for q in &questions {
                let Some(stored) = carried.get(&q.code) else { continue };
                let a = &stored.answer;
                sqlx::query(
                    "INSERT INTO inclusion_answers (assessment_id, question, rating, evidence, sources,
                     barriers, priority_groups, revision, updated_by, updated_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, 1, $8, $9)",
                )
                .bind(id)
                .bind(&q.code)
                .bind(a.rating.code())
                .bind(&a.evidence)
                .bind(&a.sources)
                .bind(json(&a.barriers)?)
                .bind(json(&a.groups)?)
                // Carried over as given: who answered, and when.
                .bind(stored.updated_by)
                .bind(stored.updated_at)
                .execute(&mut *tx)
                .await?;
            }
            let mut event = who.event("inclusion.start", format!("inclusion:{id}"));
            event.outcome = format!("{} {period}, {} answers carried over", country.code(), carried.len());
            append_audit!(self, tx, &event);
            tx.commit().await?;
        });
        Ok(id)
    }

    pub async fn assessment(&self, id: Uuid) -> Result<Option<Assessment>> {
        let sql = format!("SELECT {ASSESSMENT_COLUMNS} FROM inclusion_assessments WHERE id = $1");
        let row: Option<AssessmentRow> =
            on_pool!(self, pool => sqlx::query_as(&sql).bind(id).fetch_optional(pool).await?);
        row.map(AssessmentRow::into_assessment).transpose()
    }

    /// The rounds of `countries`, oldest first.
    pub async fn assessments(&self, countries: &[Country]) -> Result<Vec<Assessment>> {
        let sql = format!(
            "SELECT {ASSESSMENT_COLUMNS} FROM inclusion_assessments ORDER BY created_at, id"
        );
        let rows: Vec<AssessmentRow> =
            on_pool!(self, pool => sqlx::query_as(&sql).fetch_all(pool).await?);
        Ok(rows
            .into_iter()
            .map(AssessmentRow::into_assessment)
            .collect::<Result<Vec<_>>>()?
            .into_iter()
            .filter(|a| countries.contains(&a.country))
            .collect())
    }

    /// The answers of a round, by question code.
    pub async fn answers(&self, id: Uuid) -> Result<HashMap<String, StoredAnswer>> {
        let rows: Vec<AnswerRow> = on_pool!(self, pool => sqlx::query_as(
            "SELECT question, rating, evidence, sources, barriers, priority_groups, revision,
             updated_by, updated_at FROM inclusion_answers WHERE assessment_id = $1",
        )
        .bind(id)
        .fetch_all(pool)
        .await?);
        rows.into_iter().map(AnswerRow::into_answer).collect()
    }

    /// Saves answers of a draft round in one transaction; an answer someone changed since the
    /// writer read it fails the whole save with a conflict, and nothing is written.
    pub async fn save_answers(&self, id: Uuid, edits: &[AnswerEdit], who: &Change) -> Result<()> {
        let edits = edits
            .iter()
            .map(|e| {
                Ok(AnswerEdit {
                    answer: e.answer.clone().validate()?,
                    ..e.clone()
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let now = self.now().trunc_subsecs(6);
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            // Holds the round in draft for the length of the save.
            let held = sqlx::query(
                "UPDATE inclusion_assessments SET revision = revision + 1 WHERE id = $1 AND stage = 'draft'",
            )
            .bind(id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if held != 1 {
                return Err(StoreError::Conflict("this assessment is not a draft".into()));
            }
            for e in &edits {
                let current: Option<(i64, Option<Uuid>)> = sqlx::query_as(
                    "SELECT revision, updated_by FROM inclusion_answers WHERE assessment_id = $1 AND question = $2",
                )
                .bind(id)
                .bind(&e.question)
                .fetch_optional(&mut *tx)
                .await?;
                if current.map(|c| c.0) != e.seen {
                    return Err(StoreError::Conflict(e.question.clone()));
                }
                let a = &e.answer;
                sqlx::query(
                    "INSERT INTO inclusion_answers (assessment_id, question, rating, evidence, sources,
                     barriers, priority_groups, revision, updated_by, updated_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, 1, $8, $9)
                     ON CONFLICT (assessment_id, question) DO UPDATE SET rating = excluded.rating,
                     evidence = excluded.evidence, sources = excluded.sources, barriers = excluded.barriers,
                     priority_groups = excluded.priority_groups,
                     revision = inclusion_answers.revision + 1, updated_by = excluded.updated_by,
                     updated_at = excluded.updated_at",
                )
                .bind(id)
                .bind(&e.question)
                .bind(a.rating.code())
                .bind(&a.evidence)
                .bind(&a.sources)
                .bind(json(&a.barriers)?)
                .bind(json(&a.groups)?)
                .bind(who.actor_id)
                .bind(now)
                .execute(&mut *tx)
                .await?;
            }
            let mut event = who.event("inclusion.answer", format!("inclusion:{id}"));
            event.outcome = edits.iter().map(|e| e.question.as_str()).collect::<Vec<_>>().join(",");
            append_audit!(self, tx, &event);
            tx.commit().await?;
        });
        Ok(())
    }

    /// Sends a draft for review; the domains sent back before are settled.
    pub async fn submit_assessment(&self, id: Uuid, who: &Change) -> Result<()> {
        let now = self.now().trunc_subsecs(6);
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            move_stage!(tx, id, Stage::Draft, Stage::InReview, who, now);
            sqlx::query("UPDATE inclusion_returns SET settled_at = $1 WHERE assessment_id = $2 AND settled_at IS NULL")
                .bind(now)
                .bind(id)
                .execute(&mut *tx)
                .await?;
            append_audit!(self, tx, &who.event("inclusion.submit", format!("inclusion:{id}")));
            tx.commit().await?;
        });
        Ok(())
    }

    /// Sends a round in review back to draft, for `domain`, with the reason.
    pub async fn return_domain(
        &self,
        id: Uuid,
        domain: Domain,
        reason: &str,
        who: &Change,
    ) -> Result<()> {
        let reason = reason.trim();
        if reason.is_empty() || reason.chars().count() > 2_000 {
            return Err(
                ValidationError::new("reason", "say why, in up to 2,000 characters").into(),
            );
        }
        let now = self.now().trunc_subsecs(6);
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            move_stage!(tx, id, Stage::InReview, Stage::Draft, who, now);
            sqlx::query(
                "INSERT INTO inclusion_returns (id, assessment_id, domain, reason, returned_by, returned_at, settled_at)
                 VALUES ($1, $2, $3, $4, $5, $6, NULL)",
            )
            .bind(Uuid::now_v7())
            .bind(id)
            .bind(domain.code())
            .bind(reason)
            .bind(who.actor_id)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            let mut event = who.event("inclusion.return", format!("inclusion:{id}"));
            event.outcome = domain.code().to_owned();
            append_audit!(self, tx, &event);
            tx.commit().await?;
        });
        Ok(())
    }

    /// Approves a round in review; from then on its answers are read-only.
    pub async fn approve_assessment(&self, id: Uuid, who: &Change) -> Result<()> {
        let now = self.now().trunc_subsecs(6);
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            move_stage!(tx, id, Stage::InReview, Stage::Approved, who, now);
            append_audit!(self, tx, &who.event("inclusion.approve", format!("inclusion:{id}")));
            tx.commit().await?;
        });
        Ok(())
    }

    /// The domains sent back and not yet settled.
    pub async fn open_returns(&self, id: Uuid) -> Result<Vec<Returned>> {
        let rows: Vec<(String, String, Option<Uuid>, DateTime<Utc>)> = on_pool!(self, pool => sqlx::query_as(
            "SELECT domain, reason, returned_by, returned_at FROM inclusion_returns
             WHERE assessment_id = $1 AND settled_at IS NULL ORDER BY returned_at",
        )
        .bind(id)
        .fetch_all(pool)
        .await?);
        rows.into_iter()
            .map(|(domain, reason, returned_by, returned_at)| {
                Ok(Returned {
                    domain: decode_code("inclusion_returns.domain", &domain, Domain::from_code)?,
                    reason,
                    returned_by,
                    returned_at,
                })
            })
            .collect()
    }

    /// Adds an action on a barrier of a round's question; audited.
    #[allow(clippy::too_many_arguments)]
    pub async fn add_inclusion_action(
        &self,
        assessment: &Assessment,
        question: &str,
        barrier: Barrier,
        what: &str,
        owner: Uuid,
        due: NaiveDate,
        who: &Change,
    ) -> Result<Uuid> {
        let what = what.trim();
        if what.is_empty() || what.chars().count() > 1_000 {
            return Err(ValidationError::new(
                "what",
                "say what will be done, in up to 1,000 characters",
            )
            .into());
        }
        let id = Uuid::now_v7();
        let now = self.now().trunc_subsecs(6);
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            sqlx::query(&format!(
                "INSERT INTO inclusion_actions ({ACTION_COLUMNS}, created_by, created_at, updated_by, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'open', $9, $10, $9, $10)"
            ))
            .bind(id)
            .bind(assessment.id)
            .bind(assessment.country.code())
            .bind(question)
            .bind(barrier.code())
            .bind(what)
            .bind(owner)
            .bind(due)
            .bind(who.actor_id)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            append_audit!(self, tx, &who.event("inclusion.action-add", format!("inclusion-action:{id}")));
            tx.commit().await?;
        });
        Ok(id)
    }

    pub async fn inclusion_action(&self, id: Uuid) -> Result<Option<InclusionAction>> {
        let sql = format!("SELECT {ACTION_COLUMNS} FROM inclusion_actions WHERE id = $1");
        let row: Option<ActionRow> =
            on_pool!(self, pool => sqlx::query_as(&sql).bind(id).fetch_optional(pool).await?);
        row.map(ActionRow::into_action).transpose()
    }

    /// Moves an action on; audited.
    pub async fn set_inclusion_action_status(
        &self,
        id: Uuid,
        status: ActionStatus,
        who: &Change,
    ) -> Result<()> {
        let now = self.now().trunc_subsecs(6);
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            sqlx::query("UPDATE inclusion_actions SET status = $1, updated_by = $2, updated_at = $3 WHERE id = $4")
                .bind(status.code())
                .bind(who.actor_id)
                .bind(now)
                .bind(id)
                .execute(&mut *tx)
                .await?;
            let mut event = who.event("inclusion.action-status", format!("inclusion-action:{id}"));
            event.outcome = status.code().to_owned();
            append_audit!(self, tx, &event);
            tx.commit().await?;
        });
        Ok(())
    }

    /// The actions of a round, by due date.
    pub async fn inclusion_actions(&self, assessment: Uuid) -> Result<Vec<InclusionAction>> {
        let sql = format!(
            "SELECT {ACTION_COLUMNS} FROM inclusion_actions WHERE assessment_id = $1 ORDER BY due, id"
        );
        let rows: Vec<ActionRow> =
            on_pool!(self, pool => sqlx::query_as(&sql).bind(assessment).fetch_all(pool).await?);
        rows.into_iter().map(ActionRow::into_action).collect()
    }

    /// The actions `owner` has not done whose due date is before `today`.
    pub async fn overdue_inclusion_actions(
        &self,
        owner: Uuid,
        today: NaiveDate,
    ) -> Result<Vec<InclusionAction>> {
        let sql = format!(
            "SELECT {ACTION_COLUMNS} FROM inclusion_actions
             WHERE owner_id = $1 AND status <> 'done' AND due < $2 ORDER BY due, id"
        );
        let rows: Vec<ActionRow> = on_pool!(self, pool => sqlx::query_as(&sql)
            .bind(owner)
            .bind(today)
            .fetch_all(pool)
            .await?);
        rows.into_iter().map(ActionRow::into_action).collect()
    }
}
