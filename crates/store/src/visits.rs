//! Visits: recorded once however often a submission is retried (idempotency keys), corrected
//! or voided only by a logged change, summed per hub and day.

use bluedot_core::supply::{MovementKind, SupplyItem};
use bluedot_core::visit::{Counts, VisitDraft};
use bluedot_core::{Country, PriorityGroup, ServiceKind};
use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, NaiveDate, SubsecRound, Utc};
use sqlx::types::Json;
use uuid::Uuid;

use crate::audit::{Change, append_audit};
use crate::supplies::{MovementBy, check_quantity, movement, take_stock};
use crate::{Result, Store, StoreError, decode_code, on_pool};

const COUNT_COLUMNS: &str = "female_0_4, female_5_11, female_12_17, female_18_59, female_60,
    male_0_4, male_5_11, male_12_17, male_18_59, male_60";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewVisit {
    pub hub_id: Uuid,
    pub country: Country,
    /// The hub's local date.
    pub day: NaiveDate,
    /// Chosen by the form when it is shown; a retried submission carries the same key.
    pub idempotency_key: String,
    pub recorded_by: Option<Uuid>,
    pub draft: VisitDraft,
    /// Items handed out to the group, taken from the hub's stock with the visit.
    pub items: Vec<(SupplyItem, u32)>,
    /// The mobile team deployment the visit was made on, if not at the hub itself.
    pub deployment_id: Option<Uuid>,
}

impl NewVisit {
    /// A visit recorded elsewhere and imported (`Store::import_visits`): by nobody here, at
    /// the hub itself, handing out nothing.
    pub fn imported(
        hub_id: Uuid,
        country: Country,
        day: NaiveDate,
        idempotency_key: String,
        draft: VisitDraft,
    ) -> NewVisit {
        NewVisit {
            hub_id,
            country,
            day,
            idempotency_key,
            recorded_by: None,
            draft,
            items: Vec::new(),
            deployment_id: None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VisitStatus {
    Current,
    Corrected,
    Voided,
}

impl VisitStatus {
    pub fn code(self) -> &'static str {
        match self {
            VisitStatus::Current => "current",
            VisitStatus::Corrected => "corrected",
            VisitStatus::Voided => "voided",
        }
    }

    pub fn from_code(code: &str) -> Option<VisitStatus> {
        match code {
            "current" => Some(VisitStatus::Current),
            "corrected" => Some(VisitStatus::Corrected),
            "voided" => Some(VisitStatus::Voided),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Visit {
    pub id: Uuid,
    pub hub_id: Uuid,
    pub country: Country,
    pub day: NaiveDate,
    pub recorded_by: Option<Uuid>,
    pub recorded_at: DateTime<Utc>,
    pub draft: VisitDraft,
    pub status: VisitStatus,
    pub corrects: Option<Uuid>,
    pub change_reason: Option<String>,
    pub deployment_id: Option<Uuid>,
}

/// The outcome of recording: the visit's id, and whether this call created it or found it
/// already recorded under the same key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Recorded {
    pub id: Uuid,
    pub created: bool,
}

/// A hub's figures for one day, from current visits only.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DayFigures {
    pub visits: u32,
    pub counts: Counts,
    pub with_disability: u32,
    pub groups: Vec<(PriorityGroup, u32)>,
    pub services: Vec<(ServiceKind, u32)>,
}

impl DayFigures {
    /// The sums of the current ones among `visits` (of one hub and day).
    pub fn of(visits: impl IntoIterator<Item = Visit>) -> DayFigures {
        let mut figures = DayFigures::default();
        for visit in visits {
            if visit.status != VisitStatus::Current {
                continue;
            }
            figures.visits += 1;
            figures.counts.add(&visit.draft.counts);
            figures.with_disability += visit.draft.with_disability;
            for g in visit.draft.groups {
                tally(&mut figures.groups, g);
            }
            for s in visit.draft.services {
                tally(&mut figures.services, s);
            }
        }
        figures
    }
}

#[derive(sqlx::FromRow)]
struct VisitRow {
    id: Uuid,
    hub_id: Uuid,
    country: String,
    day: NaiveDate,
    recorded_by: Option<Uuid>,
    recorded_at: DateTime<Utc>,
    female_0_4: i32,
    female_5_11: i32,
    female_12_17: i32,
    female_18_59: i32,
    female_60: i32,
    male_0_4: i32,
    male_5_11: i32,
    male_12_17: i32,
    male_18_59: i32,
    male_60: i32,
    with_disability: i32,
    groups: Json<Vec<PriorityGroup>>,
    nationality: String,
    services: Json<Vec<ServiceKind>>,
    status: String,
    corrects: Option<Uuid>,
    change_reason: Option<String>,
    deployment_id: Option<Uuid>,
}

fn count(n: i32) -> u32 {
    u32::try_from(n).unwrap_or(0)
}

impl VisitRow {
    fn into_visit(self) -> Result<Visit> {
        let counts = Counts {
            female: [
                self.female_0_4,
                self.female_5_11,
                self.female_12_17,
                self.female_18_59,
                self.female_60,
            ]
            .map(count),
            male: [
                self.male_0_4,
                self.male_5_11,
                self.male_12_17,
                self.male_18_59,
                self.male_60,
            ]
            .map(count),
        };
        Ok(Visit {
            id: self.id,
            hub_id: self.hub_id,
            country: decode_code("visits.country", &self.country, Country::from_code)?,
            day: self.day,
            recorded_by: self.recorded_by,
            recorded_at: self.recorded_at,
            draft: VisitDraft {
                counts,
                with_disability: count(self.with_disability),
                groups: self.groups.0,
                nationality: self.nationality,
                services: self.services.0,
            },
            status: decode_code("visits.status", &self.status, VisitStatus::from_code)?,
            corrects: self.corrects,
            change_reason: self.change_reason,
            deployment_id: self.deployment_id,
        })
    }
}

const VISIT_COLUMNS: &str = "id, hub_id, country, day, recorded_by, recorded_at,
    female_0_4, female_5_11, female_12_17, female_18_59, female_60,
    male_0_4, male_5_11, male_12_17, male_18_59, male_60,
    with_disability, groups, nationality, services, status, corrects, change_reason,
    deployment_id";

/// Inserts a visit unless its key is already taken, inside the caller's transaction; a macro
/// so one text serves both backends. Evaluates to the number of rows inserted (0 or 1).
macro_rules! insert_visit {
    ($conn:expr, $id:expr, $new:expr, $draft:expr, $corrects:expr) => {{
        let c = &$draft.counts;
        let sql = format!(
            "INSERT INTO visits (id, hub_id, country, day, idempotency_key, recorded_by,
                 recorded_at, {COUNT_COLUMNS}, total, with_disability, groups, nationality,
                 services, status, corrects, deployment_id)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16,
                 $17, $18, $19, $20, $21, $22, 'current', $23, $24)
             ON CONFLICT (idempotency_key) DO NOTHING"
        );
        let mut q = sqlx::query(&sql)
            .bind($id)
            .bind($new.hub_id)
            .bind($new.country.code())
            .bind($new.day)
            .bind(&$new.idempotency_key)
            .bind($new.recorded_by)
            .bind(Utc::now().trunc_subsecs(6));
        for n in c.female.iter().chain(&c.male) {
            q = q.bind(*n as i32);
        }
        q.bind(c.total() as i32)
            .bind($draft.with_disability as i32)
            .bind(Json(&$draft.groups))
            .bind(&$draft.nationality)
            .bind(Json(&$draft.services))
            .bind($corrects)
            .bind($new.deployment_id)
            .execute(&mut *$conn)
            .await?
            .rows_affected()
    }};
}

/// Recomputes one hub's day in `visit_days` from its current visits, inside the caller's
/// transaction, so the summary never disagrees with the visits; a macro so one text serves
/// both backends. The day's row is locked first (inserted, or touched by the conflict
/// update): a concurrent writer of the same day waits, and then sums with this one's visit.
macro_rules! refresh_day {
    ($conn:expr, $hub:expr, $country:expr, $day:expr) => {{
        let sql = format!(
            "INSERT INTO visit_days (hub_id, country, day, visits, {COUNT_COLUMNS},
                 with_disability, groups)
             VALUES ($1, $2, $3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, $4)
             ON CONFLICT (hub_id, day) DO UPDATE SET visits = visit_days.visits"
        );
        sqlx::query(&sql)
            .bind($hub)
            .bind($country)
            .bind($day)
            .bind(Json(BTreeMap::<String, i32>::new()))
            .execute(&mut *$conn)
            .await?;
        let sql = format!(
            "SELECT {VISIT_COLUMNS} FROM visits
             WHERE hub_id = $1 AND day = $2 AND status = 'current'"
        );
        let rows: Vec<VisitRow> = sqlx::query_as(&sql)
            .bind($hub)
            .bind($day)
            .fetch_all(&mut *$conn)
            .await?;
        let visits = rows
            .into_iter()
            .map(VisitRow::into_visit)
            .collect::<Result<Vec<Visit>>>()?;
        let sum = DayFigures::of(visits);
        match sum.visits {
            0 => {
                sqlx::query("DELETE FROM visit_days WHERE hub_id = $1 AND day = $2")
                    .bind($hub)
                    .bind($day)
                    .execute(&mut *$conn)
                    .await?;
            }
            _ => {
                let groups: BTreeMap<&str, u32> =
                    sum.groups.iter().map(|(g, n)| (g.code(), *n)).collect();
                let mut q = sqlx::query(
                    "UPDATE visit_days SET visits = $3, female_0_4 = $4, female_5_11 = $5,
                         female_12_17 = $6, female_18_59 = $7, female_60 = $8, male_0_4 = $9,
                         male_5_11 = $10, male_12_17 = $11, male_18_59 = $12, male_60 = $13,
                         with_disability = $14, groups = $15
                     WHERE hub_id = $1 AND day = $2",
                )
                .bind($hub)
                .bind($day)
                .bind(sum.visits as i32);
                for n in sum.counts.female.iter().chain(&sum.counts.male) {
                    q = q.bind(*n as i32);
                }
                q.bind(sum.with_disability as i32)
                    .bind(Json(&groups))
                    .execute(&mut *$conn)
                    .await?;
            }
        }
    }};
}

impl Store {
    /// Records a visit once, with the items handed out: a second call with the same key
    /// returns the first visit. If the hub has too little of an item, nothing is recorded.
    /// The visit and its audit entry (`visit.create`) commit together.
    pub async fn record_visit(&self, new: &NewVisit, change: &Change) -> Result<Recorded> {
        let draft = new.draft.clone().validate()?;
        let mut items = Vec::new();
        for (item, n) in &new.items {
            items.push((*item, check_quantity(*n)?));
        }
        if let Some(deployment) = new.deployment_id {
            self.check_deployment(deployment, new.hub_id).await?;
        }
        let by = MovementBy {
            recorded_by: new.recorded_by,
            note: String::new(),
        };
        let id = Uuid::now_v7();
        let inserted = on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            let inserted = insert_visit!(tx, id, new, draft, None::<Uuid>);
            if inserted == 1 {
                refresh_day!(tx, new.hub_id, new.country.code(), new.day);
                for (item, n) in &items {
                    take_stock!(tx, new.hub_id, *item, *n);
                    movement!(tx, new.hub_id, *item, MovementKind::Distribution, -*n, Some(id), None::<Uuid>, by);
                }
                append_audit!(self, tx, &change.event("visit.create", format!("visit:{id}")));
            }
            tx.commit().await?;
            inserted
        });
        if inserted == 1 {
            return Ok(Recorded { id, created: true });
        }
        self.visit_by_key(new).await
    }

    /// Records many visits in one transaction (an import, the demo's history, a benchmark):
    /// each once by its key, none with items. Returns how many were new.
    pub async fn import_visits(&self, visits: &[NewVisit]) -> Result<u64> {
        let mut drafts = Vec::with_capacity(visits.len());
        for new in visits {
            if !new.items.is_empty() {
                return Err(bluedot_core::ValidationError::new(
                    "items",
                    "imported visits hand out nothing: record distributions at the hub",
                )
                .into());
            }
            drafts.push(new.draft.clone().validate()?);
        }
        let inserted = on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            let mut inserted = 0;
            let mut days = BTreeSet::new();
            for (new, draft) in visits.iter().zip(&drafts) {
                inserted += insert_visit!(tx, Uuid::now_v7(), new, draft, None::<Uuid>);
                days.insert((new.hub_id, new.country.code(), new.day));
            }
            for (hub, country, day) in days {
                refresh_day!(tx, hub, country, day);
            }
            tx.commit().await?;
            inserted
        });
        Ok(inserted)
    }

    /// The visit already recorded under `new`'s key, which must be for the same hub.
    async fn visit_by_key(&self, new: &NewVisit) -> Result<Recorded> {
        let (id, hub_id): (Uuid, Uuid) = on_pool!(self, pool => sqlx::query_as(
            "SELECT id, hub_id FROM visits WHERE idempotency_key = $1",
        )
        .bind(&new.idempotency_key)
        .fetch_one(pool)
        .await?);
        if hub_id != new.hub_id {
            return Err(bluedot_core::ValidationError::new(
                "idempotency_key",
                "this key was used for another hub's visit",
            )
            .into());
        }
        Ok(Recorded { id, created: false })
    }

    pub async fn visit(&self, id: Uuid) -> Result<Option<Visit>> {
        let sql = format!("SELECT {VISIT_COLUMNS} FROM visits WHERE id = $1");
        let row: Option<VisitRow> =
            on_pool!(self, pool => sqlx::query_as(&sql).bind(id).fetch_optional(pool).await?);
        row.map(VisitRow::into_visit).transpose()
    }

    /// A hub's visits on a day, newest first, corrected and voided ones included.
    pub async fn visits_on(&self, hub_id: Uuid, day: NaiveDate) -> Result<Vec<Visit>> {
        let sql = format!(
            "SELECT {VISIT_COLUMNS} FROM visits WHERE hub_id = $1 AND day = $2
             ORDER BY recorded_at DESC, id DESC"
        );
        let rows: Vec<VisitRow> = on_pool!(self, pool => sqlx::query_as(&sql)
            .bind(hub_id)
            .bind(day)
            .fetch_all(pool)
            .await?);
        rows.into_iter().map(VisitRow::into_visit).collect()
    }

    /// Replaces a current visit by a corrected one; the old row stays, marked `corrected` with
    /// who, when and why. Retrying with the same key returns the first correction.
    pub async fn correct_visit(
        &self,
        old: Uuid,
        new: &NewVisit,
        reason: &str,
        change: &Change,
    ) -> Result<Recorded> {
        let draft = new.draft.clone().validate()?;
        let reason = change_reason(reason)?;
        let id = Uuid::now_v7();
        let outcome = on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            let inserted = insert_visit!(tx, id, new, draft, Some(old));
            if inserted == 0 {
                None
            } else {
                let changed = sqlx::query(
                    "UPDATE visits SET status = 'corrected', changed_by = $2, changed_at = $3,
                         change_reason = $4
                     WHERE id = $1 AND status = 'current' AND hub_id = $5",
                )
                .bind(old)
                .bind(new.recorded_by)
                .bind(Utc::now().trunc_subsecs(6))
                .bind(&reason)
                .bind(new.hub_id)
                .execute(&mut *tx)
                .await?
                .rows_affected();
                if changed != 1 {
                    // Someone corrected or voided it first: nothing of this attempt stays.
                    tx.rollback().await?;
                    return Err(StoreError::Conflict(
                        "this visit was already corrected or voided".into(),
                    ));
                }
                // The correction may move the visit to another day.
                let (old_day,): (NaiveDate,) = sqlx::query_as("SELECT day FROM visits WHERE id = $1")
                    .bind(old)
                    .fetch_one(&mut *tx)
                    .await?;
                refresh_day!(tx, new.hub_id, new.country.code(), new.day);
                if old_day != new.day {
                    refresh_day!(tx, new.hub_id, new.country.code(), old_day);
                }
                append_audit!(self, tx, &change.event("visit.correct", format!("visit:{old}/by:{id}")));
                tx.commit().await?;
                Some(id)
            }
        });
        match outcome {
            Some(id) => Ok(Recorded { id, created: true }),
            None => self.visit_by_key(new).await,
        }
    }

    /// Marks a current visit as recorded by mistake; false if it was not current.
    pub async fn void_visit(&self, id: Uuid, reason: &str, change: &Change) -> Result<bool> {
        let by = change.actor_id;
        let reason = change_reason(reason)?;
        let done = on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            let voided: Option<(Uuid, String, NaiveDate)> = sqlx::query_as(
                "UPDATE visits SET status = 'voided', changed_by = $2, changed_at = $3,
                     change_reason = $4
                 WHERE id = $1 AND status = 'current'
                 RETURNING hub_id, country, day",
            )
            .bind(id)
            .bind(by)
            .bind(Utc::now().trunc_subsecs(6))
            .bind(&reason)
            .fetch_optional(&mut *tx)
            .await?;
            if let Some((hub, country, day)) = &voided {
                refresh_day!(tx, *hub, country.as_str(), *day);
                append_audit!(self, tx, &change.event("visit.void", format!("visit:{id}")));
            }
            tx.commit().await?;
            voided.is_some()
        });
        Ok(done)
    }

    /// Rebuilds `visit_days` from the visits when it is empty but visits exist: once, when
    /// the summary table is first created on a database that already has visits.
    pub(crate) async fn fill_visit_days(&self) -> Result<()> {
        // Checked on every start, so asked in the cheapest way: does any row exist.
        let (filled,): (bool,) = on_pool!(self, pool => sqlx::query_as(
            "SELECT EXISTS (SELECT 1 FROM visit_days)
                 OR NOT EXISTS (SELECT 1 FROM visits WHERE status = 'current')",
        )
        .fetch_one(pool)
        .await?);
        if filled {
            return Ok(());
        }
        // Recomputing a day is idempotent, so two servers starting at once do no harm.
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            let days: Vec<(Uuid, String, NaiveDate)> = sqlx::query_as(
                "SELECT DISTINCT hub_id, country, day FROM visits WHERE status = 'current'",
            )
            .fetch_all(&mut *tx)
            .await?;
            for (hub, country, day) in days {
                refresh_day!(tx, hub, country.as_str(), day);
            }
            tx.commit().await?;
        });
        Ok(())
    }

    /// A hub's figures for a day, from current visits.
    pub async fn day_figures(&self, hub_id: Uuid, day: NaiveDate) -> Result<DayFigures> {
        Ok(DayFigures::of(self.visits_on(hub_id, day).await?))
    }
}

fn tally<T: PartialEq + Ord + Copy>(list: &mut Vec<(T, u32)>, item: T) {
    match list.iter_mut().find(|(t, _)| *t == item) {
        Some((_, n)) => *n += 1,
        None => {
            list.push((item, 1));
            list.sort();
        }
    }
}

fn change_reason(reason: &str) -> Result<String> {
    let reason = reason.trim();
    if reason.is_empty() || reason.chars().count() > 200 {
        return Err(bluedot_core::ValidationError::new(
            "reason",
            "say in up to 200 characters why the visit changes",
        )
        .into());
    }
    Ok(reason.to_owned())
}
