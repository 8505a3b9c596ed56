//! Mobile team deployments: planned with a place, a time and a team; started and completed by
//! the team; visits and referrals made there name the deployment so they are counted for it.

use bluedot_core::deployment::{DeploymentPlan, DeploymentStatus, accepts_records};
use bluedot_core::policy::Scope;
use bluedot_core::visit::Counts;
use bluedot_core::{Country, ValidationError};
use chrono::{DateTime, SubsecRound, Utc};
use uuid::Uuid;

use crate::audit::{Change, append_audit, audited_row_change};
use crate::scope::{ScopeParams, bind_scope};
use crate::{Result, Store, StoreError, decode_code, on_pool};

#[derive(Debug, Clone)]
pub struct NewDeployment {
    pub hub_id: Uuid,
    pub country: Country,
    pub plan: DeploymentPlan,
    pub created_by: Option<Uuid>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deployment {
    pub id: Uuid,
    pub hub_id: Uuid,
    pub country: Country,
    pub place: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub note: String,
    pub status: DeploymentStatus,
    pub started_at: Option<DateTime<Utc>>,
    pub ended_at: Option<DateTime<Utc>>,
    pub created_by: Option<Uuid>,
    /// The team: account ids with their display names.
    pub team: Vec<(Uuid, String)>,
}

impl Deployment {
    pub fn has_member(&self, user: Uuid) -> bool {
        self.team.iter().any(|(id, _)| *id == user)
    }
}

/// What a deployment reached, from current visits and all referrals made there.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DeploymentFigures {
    pub visits: u32,
    pub counts: Counts,
    pub with_disability: u32,
    pub referrals: u32,
}

#[derive(sqlx::FromRow)]
struct DeploymentRow {
    id: Uuid,
    hub_id: Uuid,
    country: String,
    place: String,
    starts_at: DateTime<Utc>,
    ends_at: DateTime<Utc>,
    note: String,
    status: String,
    started_at: Option<DateTime<Utc>>,
    ended_at: Option<DateTime<Utc>>,
    created_by: Option<Uuid>,
}

const COLUMNS: &str = "id, hub_id, country, place, starts_at, ends_at, note, status, started_at, ended_at, created_by";

impl DeploymentRow {
    fn into_deployment(self, team: Vec<(Uuid, String)>) -> Result<Deployment> {
        Ok(Deployment {
            id: self.id,
            hub_id: self.hub_id,
            country: decode_code("deployments.country", &self.country, Country::from_code)?,
            place: self.place,
            starts_at: self.starts_at,
            ends_at: self.ends_at,
            note: self.note,
            status: decode_code(
                "deployments.status",
                &self.status,
                DeploymentStatus::from_code,
            )?,
            started_at: self.started_at,
            ended_at: self.ended_at,
            created_by: self.created_by,
            team,
        })
    }
}

/// Inserts a planned deployment and its team within the transaction `$tx`.
macro_rules! insert_deployment {
    ($tx:expr, $id:expr, $hub:expr, $country:expr, $plan:expr, $by:expr, $now:expr) => {{
        let plan: &bluedot_core::deployment::DeploymentPlan = $plan;
        sqlx::query(
            "INSERT INTO deployments (id, hub_id, country, place, starts_at, ends_at, note, status,
             started_at, ended_at, created_by, created_at, updated_by, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, 'planned', NULL, NULL, $8, $9, $8, $9)",
        )
        .bind($id)
        .bind($hub)
        .bind($country.code())
        .bind(&plan.place)
        .bind(chrono::SubsecRound::trunc_subsecs(plan.starts_at, 6))
        .bind(chrono::SubsecRound::trunc_subsecs(plan.ends_at, 6))
        .bind(&plan.note)
        .bind($by)
        .bind($now)
        .execute(&mut *$tx)
        .await?;
        for user in &plan.team {
            sqlx::query("INSERT INTO deployment_members (deployment_id, user_id) VALUES ($1, $2)")
                .bind($id)
                .bind(user)
                .execute(&mut *$tx)
                .await?;
        }
    }};
}
pub(crate) use insert_deployment;

impl Store {
    /// Plans a deployment with its team, in one transaction.
    pub async fn plan_deployment(&self, new: &NewDeployment, who: &Change) -> Result<Uuid> {
        let now = self.now();
        let plan = new.plan.clone().validate(now)?;
        let id = Uuid::now_v7();
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            insert_deployment!(tx, id, new.hub_id, new.country, &plan, new.created_by, now);
            append_audit!(self, tx, &who.event("deployment.plan", format!("deployment:{id}")));
            tx.commit().await?;
        });
        Ok(id)
    }

    pub async fn deployment(&self, id: Uuid) -> Result<Option<Deployment>> {
        let sql = format!("SELECT {COLUMNS} FROM deployments WHERE id = $1");
        let row: Option<DeploymentRow> =
            on_pool!(self, pool => sqlx::query_as(&sql).bind(id).fetch_optional(pool).await?);
        match row {
            Some(row) => {
                let team = self.deployment_team(id).await?;
                Ok(Some(row.into_deployment(team)?))
            }
            None => Ok(None),
        }
    }

    async fn deployment_team(&self, id: Uuid) -> Result<Vec<(Uuid, String)>> {
        Ok(on_pool!(self, pool => sqlx::query_as(
            "SELECT u.id, u.display_name FROM deployment_members m
             JOIN users u ON u.id = m.user_id
             WHERE m.deployment_id = $1 ORDER BY u.display_name, u.id",
        )
        .bind(id)
        .fetch_all(pool)
        .await?))
    }

    /// Deployments of hubs within `scope` that end after `since`, the soonest first; `hub`
    /// narrows to one hub.
    pub async fn deployments(
        &self,
        scope: &Scope,
        hub: Option<Uuid>,
        since: DateTime<Utc>,
    ) -> Result<Vec<Deployment>> {
        if scope.is_empty() {
            return Ok(Vec::new());
        }
        let in_scope = ScopeParams::of(scope);
        let sql = format!(
            "SELECT {COLUMNS} FROM deployments
             WHERE ends_at >= $4
               AND {in_scope}
               AND ($5 IS NULL OR hub_id = $5)
             ORDER BY starts_at, id LIMIT 200",
            in_scope = self.in_scope("country", "hub_id"),
        );
        let rows: Vec<DeploymentRow> = on_pool!(self, pool => bind_scope!(sqlx::query_as(&sql), in_scope)
            .bind(since.trunc_subsecs(6))
            .bind(hub)
            .fetch_all(pool)
            .await?);
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            let team = self.deployment_team(row.id).await?;
            out.push(row.into_deployment(team)?);
        }
        Ok(out)
    }

    /// Moves a deployment on (start, complete, cancel), stamping when it started or ended.
    /// Fails if the move is out of order or someone moved it first.
    pub async fn move_deployment(
        &self,
        id: Uuid,
        to: DeploymentStatus,
        who: &Change,
    ) -> Result<()> {
        let current = self
            .deployment(id)
            .await?
            .ok_or_else(|| StoreError::Conflict("no such deployment".into()))?;
        if !current.status.next().contains(&to) {
            return Err(ValidationError::new(
                "status",
                format!(
                    "a {} deployment cannot become {}",
                    current.status.code(),
                    to.code()
                ),
            )
            .into());
        }
        let now = self.now();
        let (started, ended) = match to {
            DeploymentStatus::UnderWay => (Some(now), None),
            _ => (current.started_at, Some(now)),
        };
        let changed = audited_row_change!(
            self,
            &who.event(
                &format!("deployment.{}", to.code()),
                format!("deployment:{id}")
            ),
            |tx| sqlx::query(
                "UPDATE deployments SET status = $2, started_at = $3, ended_at = $4,
                     updated_by = $5, updated_at = $6
                 WHERE id = $1 AND status = $7",
            )
            .bind(id)
            .bind(to.code())
            .bind(started)
            .bind(ended)
            .bind(who.actor_id)
            .bind(now)
            .bind(current.status.code())
            .execute(&mut *tx)
            .await?
            .rows_affected()
        );
        if changed != 1 {
            return Err(StoreError::Conflict(
                "someone else changed this deployment first".into(),
            ));
        }
        Ok(())
    }

    /// Checks that something recorded at `hub` may name `deployment`: of that hub, and under way
    /// (or just ended, for what a team queued offline).
    pub(crate) async fn check_deployment(&self, deployment: Uuid, hub: Uuid) -> Result<()> {
        let found = self.deployment(deployment).await?;
        match found {
            Some(d) if d.hub_id == hub && accepts_records(d.status, d.ended_at, Utc::now()) => {
                Ok(())
            }
            Some(d) if d.hub_id == hub => Err(ValidationError::new(
                "deployment",
                format!("this deployment is {}, not under way", d.status.code()),
            )
            .into()),
            _ => Err(ValidationError::new("deployment", "not a deployment of this hub").into()),
        }
    }

    pub async fn deployment_figures(&self, id: Uuid) -> Result<DeploymentFigures> {
        let sql = "SELECT COUNT(*), COALESCE(SUM(female_0_4), 0), COALESCE(SUM(female_5_11), 0),
                COALESCE(SUM(female_12_17), 0), COALESCE(SUM(female_18_59), 0),
                COALESCE(SUM(female_60), 0), COALESCE(SUM(male_0_4), 0),
                COALESCE(SUM(male_5_11), 0), COALESCE(SUM(male_12_17), 0),
                COALESCE(SUM(male_18_59), 0), COALESCE(SUM(male_60), 0),
                COALESCE(SUM(with_disability), 0)
             FROM visits WHERE deployment_id = $1 AND status = 'current'";
        type Sums = (i64, i64, i64, i64, i64, i64, i64, i64, i64, i64, i64, i64);
        let s: Sums = on_pool!(self, pool => sqlx::query_as(sql).bind(id).fetch_one(pool).await?);
        let (referrals,): (i64,) = on_pool!(self, pool => sqlx::query_as(
            "SELECT COUNT(*) FROM referrals WHERE deployment_id = $1",
        )
        .bind(id)
        .fetch_one(pool)
        .await?);
        let n = |v: i64| u32::try_from(v).unwrap_or(u32::MAX);
        Ok(DeploymentFigures {
            visits: n(s.0),
            counts: Counts {
                female: [s.1, s.2, s.3, s.4, s.5].map(n),
                male: [s.6, s.7, s.8, s.9, s.10].map(n),
            },
            with_disability: n(s.11),
            referrals: n(referrals),
        })
    }
}
