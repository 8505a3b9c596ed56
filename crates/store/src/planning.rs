//! Network planning data: the places people arrive at with their counts by day and hour band,
//! imported whole or not at all, and saved plans whose team slots become deployments once.
//! Aggregate counts only.

use bluedot_core::Country;
use bluedot_core::deployment::DeploymentPlan;
use bluedot_core::geo::Point;
use bluedot_core::planning::{ArrivalCount, ArrivalPlace, Place, PlannedChange};
use chrono::{DateTime, NaiveDate, SubsecRound, Utc};
use uuid::Uuid;

use crate::audit::{Change, append_audit};
use crate::deployments::insert_deployment;
use crate::{Result, Store, StoreError, decode_code, on_pool};

/// Rows per INSERT: well under SQLite's limit of bound values.
const CHUNK: usize = 400;

/// What one import wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportSummary {
    pub id: Uuid,
    pub places: usize,
    pub rows: usize,
    pub first_day: NaiveDate,
    pub last_day: NaiveDate,
}

/// A saved plan: changes for a country, judged on a period with a reach.
#[derive(Debug, Clone, PartialEq)]
pub struct Scenario {
    pub id: Uuid,
    pub country: Country,
    pub name: String,
    pub first_day: NaiveDate,
    pub last_day: NaiveDate,
    pub radius_km: u32,
    pub changes: Vec<PlannedChange>,
    pub created_by: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub deployed_at: Option<DateTime<Utc>>,
}

/// A deployment a plan's team slot becomes, at the hub whose team goes.
#[derive(Debug, Clone)]
pub struct SlotDeployment {
    pub hub_id: Uuid,
    pub plan: DeploymentPlan,
}

#[derive(sqlx::FromRow)]
struct PlaceRow {
    code: String,
    name: String,
    country: String,
    lat: f64,
    lon: f64,
}

#[derive(sqlx::FromRow)]
struct CountRow {
    place_code: String,
    day: NaiveDate,
    first_hour: i32,
    hours: i32,
    mode: String,
    count: i64,
}

#[derive(sqlx::FromRow)]
struct ScenarioRow {
    id: Uuid,
    country: String,
    name: String,
    first_day: NaiveDate,
    last_day: NaiveDate,
    radius_km: i32,
    changes: String,
    created_by: Option<Uuid>,
    created_at: DateTime<Utc>,
    deployed_at: Option<DateTime<Utc>>,
}

const SCENARIO_COLUMNS: &str = "id, country, name, first_day, last_day, radius_km, changes, \
                                created_by, created_at, deployed_at";

impl ScenarioRow {
    fn into_scenario(self) -> Result<Scenario> {
        let changes = serde_json::from_str(&self.changes)
            .map_err(|e| StoreError::Corrupt(format!("planning_scenarios.changes: {e}")))?;
        Ok(Scenario {
            id: self.id,
            country: decode_code(
                "planning_scenarios.country",
                &self.country,
                Country::from_code,
            )?,
            name: self.name,
            first_day: self.first_day,
            last_day: self.last_day,
            radius_km: self.radius_km.max(0) as u32,
            changes,
            created_by: self.created_by,
            created_at: self.created_at,
            deployed_at: self.deployed_at,
        })
    }
}

/// `country IN (...)` for the codes of `countries`, bound from `$first`.
fn countries_in(column: &str, countries: &[Country], first: usize) -> String {
    let marks: Vec<String> = (0..countries.len())
        .map(|i| format!("${}", first + i))
        .collect();
    format!("{column} IN ({})", marks.join(", "))
}

impl Store {
    /// Writes places and counts in one transaction: places by code (a place imported again
    /// takes the new name and location), counts by place, day, band and mode (a count imported
    /// again replaces the old one). Nothing is written when anything fails.
    pub async fn import_arrivals(
        &self,
        places: &[ArrivalPlace],
        counts: &[ArrivalCount],
        is_demo: bool,
        who: &Change,
    ) -> Result<ImportSummary> {
        let (Some(first_day), Some(last_day)) = (
            counts.iter().map(|c| c.date).min(),
            counts.iter().map(|c| c.date).max(),
        ) else {
            return Err(
                bluedot_core::ValidationError::new("arrivals", "no arrivals to import").into(),
            );
        };
        let now = self.now().trunc_subsecs(6);
        let id = Uuid::now_v7();
        let mut countries: Vec<&str> = places.iter().map(|p| p.country.code()).collect();
        countries.sort_unstable();
        countries.dedup();
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            for chunk in places.chunks(CHUNK) {
                let mut insert = sqlx::QueryBuilder::new(
                    "INSERT INTO planning_places (code, name, country, lat, lon, is_demo, updated_at) ",
                );
                insert.push_values(chunk, |mut row, p| {
                    row.push_bind(&p.code)
                        .push_bind(&p.place.name)
                        .push_bind(p.country.code())
                        .push_bind(p.place.location.lat)
                        .push_bind(p.place.location.lon)
                        .push_bind(is_demo)
                        .push_bind(now);
                });
                insert.push(
                    " ON CONFLICT (code) DO UPDATE SET name = excluded.name, \
                     country = excluded.country, lat = excluded.lat, lon = excluded.lon, \
                     is_demo = excluded.is_demo, updated_at = excluded.updated_at",
                );
                insert.build().execute(&mut *tx).await?;
            }
            sqlx::query(
                "INSERT INTO planning_imports (id, countries, first_day, last_day, rows, is_demo, imported_by, imported_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(id)
            .bind(countries.join(","))
            .bind(first_day)
            .bind(last_day)
            .bind(counts.len() as i64)
            .bind(is_demo)
            .bind(who.actor_id)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            for chunk in counts.chunks(CHUNK) {
                let mut insert = sqlx::QueryBuilder::new(
                    "INSERT INTO planning_arrivals (place_code, day, first_hour, hours, mode, count, import_id) ",
                );
                insert.push_values(chunk, |mut row, c| {
                    row.push_bind(&c.place)
                        .push_bind(c.date)
                        .push_bind(i32::from(c.first_hour))
                        .push_bind(i32::from(c.hours))
                        .push_bind(&c.mode)
                        .push_bind(i64::from(c.count))
                        .push_bind(id);
                });
                insert.push(
                    " ON CONFLICT (place_code, day, first_hour, mode) DO UPDATE SET \
                     hours = excluded.hours, count = excluded.count, import_id = excluded.import_id",
                );
                insert.build().execute(&mut *tx).await?;
            }
            let mut event = who.event("planning.import", format!("arrivals:{id}"));
            event.outcome = format!(
                "{} places, {} counts over {} days",
                places.len(),
                counts.len(),
                (last_day - first_day).num_days() + 1
            );
            append_audit!(self, tx, &event);
            tx.commit().await?;
        });
        Ok(ImportSummary {
            id,
            places: places.len(),
            rows: counts.len(),
            first_day,
            last_day,
        })
    }

    /// The places of `countries` arrivals are counted at, by code.
    pub async fn arrival_places(&self, countries: &[Country]) -> Result<Vec<ArrivalPlace>> {
        if countries.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT code, name, country, lat, lon FROM planning_places WHERE {} ORDER BY code",
            countries_in("country", countries, 1)
        );
        let rows: Vec<PlaceRow> = on_pool!(self, pool => {
            let mut query = sqlx::query_as(&sql);
            for c in countries {
                query = query.bind(c.code());
            }
            query.fetch_all(pool).await?
        });
        rows.into_iter()
            .map(|r| {
                let location = Point::new(r.lat, r.lon).map_err(StoreError::Invalid)?;
                Ok(ArrivalPlace {
                    country: decode_code(
                        "planning_places.country",
                        &r.country,
                        Country::from_code,
                    )?,
                    code: r.code,
                    place: Place {
                        name: r.name,
                        location,
                    },
                })
            })
            .collect()
    }

    /// The first and last day with counts at places of `countries`.
    pub async fn arrival_days(
        &self,
        countries: &[Country],
    ) -> Result<Option<(NaiveDate, NaiveDate)>> {
        if countries.is_empty() {
            return Ok(None);
        }
        let sql = format!(
            "SELECT MIN(a.day), MAX(a.day) FROM planning_arrivals a
             JOIN planning_places p ON p.code = a.place_code WHERE {}",
            countries_in("p.country", countries, 1)
        );
        let row: (Option<NaiveDate>, Option<NaiveDate>) = on_pool!(self, pool => {
            let mut query = sqlx::query_as(&sql);
            for c in countries {
                query = query.bind(c.code());
            }
            query.fetch_one(pool).await?
        });
        Ok(row.0.zip(row.1))
    }

    /// The counts at places of `countries` from `first` to `last`, both included.
    pub async fn arrival_counts(
        &self,
        countries: &[Country],
        first: NaiveDate,
        last: NaiveDate,
    ) -> Result<Vec<ArrivalCount>> {
        if countries.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT a.place_code, a.day, a.first_hour, a.hours, a.mode, a.count
             FROM planning_arrivals a JOIN planning_places p ON p.code = a.place_code
             WHERE a.day >= $1 AND a.day <= $2 AND {}",
            countries_in("p.country", countries, 3)
        );
        let rows: Vec<CountRow> = on_pool!(self, pool => {
            let mut query = sqlx::query_as(&sql).bind(first).bind(last);
            for c in countries {
                query = query.bind(c.code());
            }
            query.fetch_all(pool).await?
        });
        Ok(rows
            .into_iter()
            .map(|r| ArrivalCount {
                place: r.place_code,
                date: r.day,
                first_hour: r.first_hour.clamp(0, 23) as u8,
                hours: r.hours.clamp(1, 24) as u8,
                mode: r.mode,
                count: r.count.clamp(0, i64::from(u32::MAX)) as u32,
            })
            .collect())
    }

    /// Whether any arrivals of `countries` are demo data.
    pub async fn arrivals_are_demo(&self, countries: &[Country]) -> Result<bool> {
        if countries.is_empty() {
            return Ok(false);
        }
        let sql = format!(
            "SELECT COUNT(*) FROM planning_places WHERE is_demo AND {}",
            countries_in("country", countries, 1)
        );
        let (n,): (i64,) = on_pool!(self, pool => {
            let mut query = sqlx::query_as(&sql);
            for c in countries {
                query = query.bind(c.code());
            }
            query.fetch_one(pool).await?
        });
        Ok(n > 0)
    }

    /// Saves a plan; audited.
    #[allow(clippy::too_many_arguments)]
    pub async fn save_scenario(
        &self,
        country: Country,
        name: &str,
        first_day: NaiveDate,
        last_day: NaiveDate,
        radius_km: u32,
        changes: &[PlannedChange],
        who: &Change,
    ) -> Result<Uuid> {
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 120 {
            return Err(bluedot_core::ValidationError::new(
                "name",
                "name the plan in up to 120 characters",
            )
            .into());
        }
        if changes.is_empty() {
            return Err(bluedot_core::ValidationError::new(
                "changes",
                "choose at least one change for the plan",
            )
            .into());
        }
        let id = Uuid::now_v7();
        let now = self.now().trunc_subsecs(6);
        let changes = serde_json::to_string(changes)
            .map_err(|e| StoreError::Corrupt(format!("planning_scenarios.changes: {e}")))?;
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            sqlx::query(&format!(
                "INSERT INTO planning_scenarios ({SCENARIO_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, NULL)"
            ))
            .bind(id)
            .bind(country.code())
            .bind(name)
            .bind(first_day)
            .bind(last_day)
            .bind(radius_km as i32)
            .bind(&changes)
            .bind(who.actor_id)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            append_audit!(self, tx, &who.event("planning.scenario-save", format!("planning-scenario:{id}")));
            tx.commit().await?;
        });
        Ok(id)
    }

    pub async fn scenario(&self, id: Uuid) -> Result<Option<Scenario>> {
        let sql = format!("SELECT {SCENARIO_COLUMNS} FROM planning_scenarios WHERE id = $1");
        let row: Option<ScenarioRow> =
            on_pool!(self, pool => sqlx::query_as(&sql).bind(id).fetch_optional(pool).await?);
        row.map(ScenarioRow::into_scenario).transpose()
    }

    /// The plans of `countries`, newest first.
    pub async fn scenarios(&self, countries: &[Country]) -> Result<Vec<Scenario>> {
        if countries.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT {SCENARIO_COLUMNS} FROM planning_scenarios WHERE {} ORDER BY created_at DESC",
            countries_in("country", countries, 1)
        );
        let rows: Vec<ScenarioRow> = on_pool!(self, pool => {
            let mut query = sqlx::query_as(&sql);
            for c in countries {
                query = query.bind(c.code());
            }
            query.fetch_all(pool).await?
        });
        rows.into_iter().map(ScenarioRow::into_scenario).collect()
    }

    /// Plans `deployments` for the plan `id` and marks it deployed, all in one transaction and
    /// only once: a plan already deployed is refused with a conflict and nothing is written.
    pub async fn deploy_scenario(
        &self,
        id: Uuid,
        deployments: &[SlotDeployment],
        country: Country,
        who: &Change,
    ) -> Result<Vec<Uuid>> {
        let now = self.now();
        let plans = deployments
            .iter()
            .map(|d| Ok((d.hub_id, d.plan.clone().validate(now)?)))
            .collect::<Result<Vec<_>>>()?;
        let now = now.trunc_subsecs(6);
        let mut ids = Vec::new();
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            // Claims the plan first: a second, concurrent deploy finds it taken.
            let claimed = sqlx::query(
                "UPDATE planning_scenarios SET deployed_at = $1, deployed_by = $2
                 WHERE id = $3 AND deployed_at IS NULL",
            )
            .bind(now)
            .bind(who.actor_id)
            .bind(id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if claimed != 1 {
                return Err(StoreError::Conflict(
                    "this plan's deployments were already planned".into(),
                ));
            }
            for (hub_id, plan) in &plans {
                let deployment = Uuid::now_v7();
                insert_deployment!(tx, deployment, *hub_id, country, plan, who.actor_id, now);
                let mut change = who.clone();
                change.hub_id = Some(*hub_id);
                append_audit!(self, tx, &change.event("deployment.plan", format!("deployment:{deployment}")));
                ids.push(deployment);
            }
            let mut event = who.event("planning.scenario-deploy", format!("planning-scenario:{id}"));
            event.outcome = format!("{} deployments", ids.len());
            append_audit!(self, tx, &event);
            tx.commit().await?;
        });
        Ok(ids)
    }
}
