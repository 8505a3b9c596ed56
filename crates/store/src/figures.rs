//! The counts behind every indicator, per hub and hub-local day, read from the records they
//! count: current visits (through their daily sums, `visit_days`), registered people,
//! referrals, cases and their events, tracing requests and stock movements. The large tables
//! carry the hub-local day of each counted moment (migration 0015), so the database groups
//! them; aggregation over places and periods happens on these tallies, so a dashboard and an
//! export of the same filter agree by construction.

use bluedot_core::indicator::{Indicator, Target, TargetPlace};
use bluedot_core::person::SpecificNeed;
use bluedot_core::{Country, PriorityGroup};
use chrono::{DateTime, Days, NaiveDate, Utc};
use sqlx::types::Json;
use uuid::Uuid;

use crate::audit::{Change, append_audit, audited_row_change};
use crate::{Result, Store, decode_code, on_pool};

/// One count: `value` of `indicator` (with `part`, empty for the total) at a hub on a day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tally {
    pub indicator: Indicator,
    pub hub_id: Uuid,
    pub country: Country,
    pub day: NaiveDate,
    pub part: String,
    pub value: u64,
}

/// The sex-and-age columns of a visit, as parts of "people reached".
const AGE_SEX_PARTS: [&str; 10] = [
    "female-0-4",
    "female-5-11",
    "female-12-17",
    "female-18-59",
    "female-60",
    "male-0-4",
    "male-5-11",
    "male-12-17",
    "male-18-59",
    "male-60",
];

#[derive(sqlx::FromRow)]
struct VisitSums {
    hub_id: Uuid,
    country: String,
    day: NaiveDate,
    f0: i32,
    f5: i32,
    f12: i32,
    f18: i32,
    f60: i32,
    m0: i32,
    m5: i32,
    m12: i32,
    m18: i32,
    m60: i32,
    disability: i32,
    /// Visits per priority group code.
    groups: Json<std::collections::BTreeMap<String, i64>>,
}

/// Records counted on one hub-local day, grouped by the database.
#[derive(sqlx::FromRow)]
struct DayCount {
    hub_id: Uuid,
    country: String,
    part: String,
    day: NaiveDate,
    n: i64,
}

/// People registered on a day with the same needs.
#[derive(sqlx::FromRow)]
struct PeopleWithNeeds {
    hub_id: Uuid,
    country: String,
    day: NaiveDate,
    needs: Json<Vec<SpecificNeed>>,
    n: i64,
}

/// A record counted once at a moment whose day is worked out here: the hub, what it is, when.
#[derive(sqlx::FromRow)]
struct Event {
    hub_id: Uuid,
    country: String,
    part: String,
    at: DateTime<Utc>,
    n: i64,
}

/// Timestamps are compared in UTC and the day is the hub's: a day either side is read and
/// the rest dropped by local date.
fn utc_window(from: NaiveDate, to: NaiveDate) -> (DateTime<Utc>, DateTime<Utc>) {
    let start = from - Days::new(1);
    let end = to + Days::new(2);
    (
        start.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc(),
        end.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc(),
    )
}

fn count(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

/// Adds a tally unless it is zero or outside the period.
struct Tallies {
    from: NaiveDate,
    to: NaiveDate,
    all: Vec<Tally>,
}

impl Tallies {
    fn on_day(
        &mut self,
        indicator: Indicator,
        hub_id: Uuid,
        country: Country,
        day: NaiveDate,
        part: &str,
        value: u64,
    ) {
        if value == 0 || day < self.from || day > self.to {
            return;
        }
        self.all.push(Tally {
            indicator,
            hub_id,
            country,
            day,
            part: part.to_owned(),
            value,
        });
    }

    fn counted(&mut self, indicator: Indicator, c: &DayCount, part: &str) -> Result<()> {
        let country = decode_code("country", &c.country, Country::from_code)?;
        self.on_day(indicator, c.hub_id, country, c.day, part, count(c.n));
        Ok(())
    }

    fn at(&mut self, indicator: Indicator, e: &Event, part: &str) -> Result<()> {
        let country = decode_code("country", &e.country, Country::from_code)?;
        let day = country.local_day(e.at);
        self.on_day(indicator, e.hub_id, country, day, part, count(e.n));
        Ok(())
    }
}

impl Store {
    /// Every indicator's tallies for hub-local days `from..=to`, for all hubs: callers keep
    /// the places a reader may see.
    pub async fn tallies(&self, from: NaiveDate, to: NaiveDate) -> Result<Vec<Tally>> {
        let empty = || Tallies {
            from,
            to,
            all: Vec::new(),
        };
        let (mut visits, mut people, mut events, mut best_interests) =
            (empty(), empty(), empty(), empty());
        // Independent reads on separate pooled connections: the database works on them at once.
        tokio::try_join!(
            self.visit_tallies(&mut visits),
            self.people_tallies(&mut people),
            self.event_tallies(&mut events),
            self.best_interests_tallies(&mut best_interests),
        )?;
        let mut all = visits.all;
        for mut more in [people, events, best_interests] {
            all.append(&mut more.all);
        }
        Ok(all)
    }

    async fn visit_tallies(&self, t: &mut Tallies) -> Result<()> {
        let rows: Vec<VisitSums> = on_pool!(self, pool => sqlx::query_as(
            "SELECT hub_id, country, day,
                    female_0_4 AS f0, female_5_11 AS f5, female_12_17 AS f12,
                    female_18_59 AS f18, female_60 AS f60,
                    male_0_4 AS m0, male_5_11 AS m5, male_12_17 AS m12,
                    male_18_59 AS m18, male_60 AS m60,
                    with_disability AS disability, groups
             FROM visit_days WHERE day >= $1 AND day <= $2",
        )
        .bind(t.from)
        .bind(t.to)
        .fetch_all(pool)
        .await?);
        for r in rows {
            let country = decode_code("visit_days.country", &r.country, Country::from_code)?;
            let parts = [
                r.f0, r.f5, r.f12, r.f18, r.f60, r.m0, r.m5, r.m12, r.m18, r.m60,
            ];
            for (part, n) in AGE_SEX_PARTS.iter().zip(parts.map(i64::from)) {
                let indicator = Indicator::PeopleReached;
                t.on_day(indicator, r.hub_id, country, r.day, part, count(n));
                if !part.ends_with("18-59") && !part.ends_with("60") {
                    let indicator = Indicator::ChildrenReached;
                    t.on_day(indicator, r.hub_id, country, r.day, part, count(n));
                }
            }
            let (indicator, n) = (Indicator::PeopleWithDisability, count(r.disability.into()));
            t.on_day(indicator, r.hub_id, country, r.day, "", n);
            for (group, n) in &r.groups.0 {
                // Only groups the taxonomy knows: a code from a newer server is not a group.
                if PriorityGroup::from_code(group).is_some() {
                    let indicator = Indicator::PriorityGroupVisits;
                    t.on_day(indicator, r.hub_id, country, r.day, group, count(*n));
                }
            }
        }
        Ok(())
    }

    /// Children registered at risk, and of them the unaccompanied or separated, on the day
    /// they were registered with those needs as they stand now. The database groups people by
    /// their whole list of needs (few distinct lists a day), which is read here.
    async fn people_tallies(&self, t: &mut Tallies) -> Result<()> {
        let rows: Vec<PeopleWithNeeds> = on_pool!(self, pool => sqlx::query_as(
            "SELECT hub_id, country, registered_day AS day, needs, COUNT(*) AS n
             FROM people
             WHERE registered_day >= $1 AND registered_day <= $2 AND needs <> '[]'
             GROUP BY registered_day, hub_id, country, needs",
        )
        .bind(t.from)
        .bind(t.to)
        .fetch_all(pool)
        .await?);
        for r in rows {
            let needs = &r.needs.0;
            let uasc = [SpecificNeed::Unaccompanied, SpecificNeed::Separated]
                .into_iter()
                .find(|n| needs.contains(n));
            if uasc.is_none() && !needs.contains(&SpecificNeed::ChildAtRisk) {
                continue;
            }
            let c = DayCount {
                hub_id: r.hub_id,
                country: r.country,
                part: String::new(),
                day: r.day,
                n: r.n,
            };
            t.counted(Indicator::ChildrenAtRisk, &c, "")?;
            if let Some(need) = uasc {
                t.counted(Indicator::UascIdentified, &c, need.code())?;
            }
        }
        Ok(())
    }

    /// Best interests assessments and determinations completed, on the day they were
    /// approved here. Approvals name their step (`bia-approval`, `bid-approval`); older ones
    /// (`bip-approval`) are told apart by order: a case's first is its assessment's, a second
    /// its determination's. Steps taken in another deployment before a hand-over (no account
    /// here) were counted there.
    async fn best_interests_tallies(&self, t: &mut Tallies) -> Result<()> {
        let rows: Vec<(Uuid, Uuid, String, String, DateTime<Utc>)> = on_pool!(self, pool => sqlx::query_as(
            "SELECT e.case_id, c.hub_id, c.country, e.step, e.at
             FROM case_events e JOIN cases c ON c.id = e.case_id
             WHERE e.step IN ('bip-approval', 'bia-approval', 'bid-approval')
               AND e.by_user IS NOT NULL
             ORDER BY e.case_id, e.at",
        )
        .fetch_all(pool)
        .await?);
        let mut previous: Option<Uuid> = None;
        for (case, hub_id, country, step, at) in rows {
            let indicator = match step.as_str() {
                "bia-approval" => Indicator::BiaCompleted,
                "bid-approval" => Indicator::BidCompleted,
                _ if previous == Some(case) => Indicator::BidCompleted,
                _ => Indicator::BiaCompleted,
            };
            previous = Some(case);
            let e = Event {
                hub_id,
                country,
                part: String::new(),
                at,
                n: 1,
            };
            t.at(indicator, &e, "")?;
        }
        Ok(())
    }

    /// Everything counted once at a moment: referrals, cases, birth registrations, tracing
    /// requests and distributions.
    async fn event_tallies(&self, t: &mut Tallies) -> Result<()> {
        // Grouped by the day stored with the moment.
        let by_day: [(Indicator, &str); 5] = [
            (
                Indicator::ReferralsMade,
                "SELECT hub_id, country, service AS part, created_day AS day, COUNT(*) AS n
                 FROM referrals WHERE created_day >= $1 AND created_day <= $2
                 GROUP BY created_day, hub_id, country, service",
            ),
            (
                Indicator::ReferralsCompleted,
                "SELECT hub_id, country, service AS part, updated_day AS day, COUNT(*) AS n
                 FROM referrals
                 WHERE status = 'completed' AND updated_day >= $1 AND updated_day <= $2
                 GROUP BY updated_day, hub_id, country, service",
            ),
            (
                Indicator::CasesOpened,
                "SELECT hub_id, country, '' AS part, opened_day AS day, COUNT(*) AS n
                 FROM cases WHERE opened_day >= $1 AND opened_day <= $2
                 GROUP BY opened_day, hub_id, country",
            ),
            (
                Indicator::CasesClosed,
                "SELECT hub_id, country, COALESCE(closure_reason, '') AS part,
                        closed_day AS day, COUNT(*) AS n
                 FROM cases WHERE closed_day >= $1 AND closed_day <= $2
                 GROUP BY closed_day, hub_id, country, closure_reason",
            ),
            (
                Indicator::SuppliesDistributed,
                "SELECT m.hub_id, h.country, m.item AS part, m.day,
                        CAST(SUM(-m.change) AS BIGINT) AS n
                 FROM stock_movements m JOIN hubs h ON h.id = m.hub_id
                 WHERE m.kind = 'distribution' AND m.day >= $1 AND m.day <= $2
                 GROUP BY m.day, m.hub_id, h.country, m.item",
            ),
        ];
        for (indicator, sql) in by_day {
            let rows: Vec<DayCount> = on_pool!(self, pool => sqlx::query_as(sql)
                .bind(t.from)
                .bind(t.to)
                .fetch_all(pool)
                .await?);
            for c in &rows {
                t.counted(indicator, c, &c.part)?;
            }
        }
        // Few enough to take their day from the moment here.
        let (start, end) = utc_window(t.from, t.to);
        let at_moment: [(Indicator, &str); 2] = [
            (
                // The step that set the registration as done, on cases where it still is;
                // one taken in another deployment before a hand-over was counted there.
                Indicator::BirthRegistrations,
                "SELECT c.hub_id, c.country, '' AS part, e.at, CAST(1 AS BIGINT) AS n
                 FROM case_events e JOIN cases c ON c.id = e.case_id
                 WHERE e.step = 'birth-registration' AND c.birth_registration = 'registered'
                   AND e.by_user IS NOT NULL
                   AND e.at >= $1 AND e.at < $2
                   AND NOT EXISTS (SELECT 1 FROM case_events later
                                   WHERE later.case_id = e.case_id
                                     AND later.step = 'birth-registration' AND later.at > e.at)",
            ),
            (
                Indicator::TracingResolved,
                "SELECT hub_id, country, status AS part, updated_at AS at, CAST(1 AS BIGINT) AS n
                 FROM tracing_requests
                 WHERE status IN ('reunified', 'closed') AND updated_at >= $1 AND updated_at < $2",
            ),
        ];
        for (indicator, sql) in at_moment {
            let rows: Vec<Event> = on_pool!(self, pool => sqlx::query_as(sql)
                .bind(start)
                .bind(end)
                .fetch_all(pool)
                .await?);
            for e in &rows {
                t.at(indicator, e, &e.part)?;
                if indicator == Indicator::TracingResolved && e.part == "reunified" {
                    t.at(Indicator::Reunifications, e, "")?;
                }
            }
        }
        Ok(())
    }
}

/// Each counted moment and the column holding its hub-local day: `(table, moment, day,
/// country)`, the country read from the record itself or, for stock, from its hub (`h`).
const COUNTED_DAYS: [(&str, &str, &str, &str); 6] = [
    ("people", "registered_at", "registered_day", "t.country"),
    ("cases", "opened_at", "opened_day", "t.country"),
    ("cases", "closed_at", "closed_day", "t.country"),
    ("referrals", "created_at", "created_day", "t.country"),
    ("referrals", "updated_at", "updated_day", "t.country"),
    ("stock_movements", "recorded_at", "day", "h.country"),
];

impl Store {
    /// Writes the day of every counted moment that has none: rows from before those columns
    /// existed. Checked on every start, so a filled database costs one indexed probe a column.
    pub(crate) async fn fill_counted_days(&self) -> Result<()> {
        for (table, moment, day, country) in COUNTED_DAYS {
            let pending = format!(
                "SELECT t.id, {country}, t.{moment} FROM {table} t JOIN hubs h ON h.id = t.hub_id
                 WHERE t.{day} IS NULL AND t.{moment} IS NOT NULL LIMIT 5000"
            );
            let update = format!("UPDATE {table} SET {day} = $2 WHERE id = $1");
            loop {
                let filled = on_pool!(self, pool => {
                    let mut tx = pool.begin().await?;
                    let rows: Vec<(Uuid, String, DateTime<Utc>)> =
                        sqlx::query_as(&pending).fetch_all(&mut *tx).await?;
                    for (id, code, at) in &rows {
                        let country = decode_code(table, code, Country::from_code)?;
                        sqlx::query(&update)
                            .bind(id)
                            .bind(country.local_day(*at))
                            .execute(&mut *tx)
                            .await?;
                    }
                    tx.commit().await?;
                    rows.len()
                });
                if filled == 0 {
                    break;
                }
            }
        }
        Ok(())
    }
}

/// What the network has done in one country, for the public figures page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CountryReach {
    pub country: Country,
    /// Hubs that recorded at least one visit.
    pub hubs: u64,
    pub people: u64,
    pub children: u64,
}

#[derive(sqlx::FromRow)]
struct ReachRow {
    country: String,
    hubs: i64,
    people: i64,
    children: i64,
}

impl Store {
    /// People and children reached since the first visit, and the hubs that reached them,
    /// per country.
    pub async fn reach_by_country(&self) -> Result<Vec<CountryReach>> {
        let rows: Vec<ReachRow> = on_pool!(self, pool => sqlx::query_as(
            "SELECT country, COUNT(DISTINCT hub_id) AS hubs,
                    SUM(female_0_4 + female_5_11 + female_12_17 + female_18_59 + female_60
                        + male_0_4 + male_5_11 + male_12_17 + male_18_59 + male_60) AS people,
                    SUM(female_0_4 + female_5_11 + female_12_17
                        + male_0_4 + male_5_11 + male_12_17) AS children
             FROM visit_days GROUP BY country ORDER BY country",
        )
        .fetch_all(pool)
        .await?);
        rows.into_iter()
            .map(|r| {
                Ok(CountryReach {
                    country: decode_code("visit_days.country", &r.country, Country::from_code)?,
                    hubs: count(r.hubs),
                    people: count(r.people),
                    children: count(r.children),
                })
            })
            .collect()
    }
}

/// A target as stored, with its id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredTarget {
    pub id: Uuid,
    pub target: Target,
}

#[derive(sqlx::FromRow)]
struct TargetRow {
    id: Uuid,
    indicator: String,
    country: Option<String>,
    hub_id: Option<Uuid>,
    starts: NaiveDate,
    ends: NaiveDate,
    value: i64,
    label: String,
}

impl TargetRow {
    fn into_target(self) -> Result<StoredTarget> {
        let country = self
            .country
            .as_deref()
            .map(|c| decode_code("targets.country", c, Country::from_code))
            .transpose()?;
        let place = match (country, self.hub_id) {
            (Some(country), Some(hub)) => TargetPlace::Hub { hub, country },
            (Some(country), None) => TargetPlace::Country(country),
            _ => TargetPlace::Network,
        };
        Ok(StoredTarget {
            id: self.id,
            target: Target {
                indicator: decode_code("targets.indicator", &self.indicator, Indicator::from_code)?,
                place,
                starts: self.starts,
                ends: self.ends,
                value: count(self.value),
                label: self.label,
            },
        })
    }
}

impl Store {
    pub async fn create_target(&self, target: &Target, who: &Change) -> Result<Uuid> {
        let target = target.clone().validate()?;
        let (country, hub) = match target.place {
            TargetPlace::Network => (None, None),
            TargetPlace::Country(c) => (Some(c.code()), None),
            TargetPlace::Hub { hub, country } => (Some(country.code()), Some(hub)),
        };
        let id = Uuid::now_v7();
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            sqlx::query(
                "INSERT INTO targets (id, indicator, country, hub_id, starts, ends, value, label,
                     created_by, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
            )
            .bind(id)
            .bind(target.indicator.code())
            .bind(country)
            .bind(hub)
            .bind(target.starts)
            .bind(target.ends)
            .bind(i64::try_from(target.value).unwrap_or(i64::MAX))
            .bind(&target.label)
            .bind(who.actor_id)
            .bind(self.now())
            .execute(&mut *tx)
            .await?;
            append_audit!(self, tx, &who.event("figures.target-set", format!("target:{id}")));
            tx.commit().await?;
        });
        Ok(id)
    }

    /// Every target, the latest periods first.
    pub async fn targets(&self) -> Result<Vec<StoredTarget>> {
        let rows: Vec<TargetRow> = on_pool!(self, pool => sqlx::query_as(
            "SELECT id, indicator, country, hub_id, starts, ends, value, label FROM targets
             ORDER BY ends DESC, indicator",
        )
        .fetch_all(pool)
        .await?);
        rows.into_iter().map(TargetRow::into_target).collect()
    }

    pub async fn target(&self, id: Uuid) -> Result<Option<StoredTarget>> {
        let row: Option<TargetRow> = on_pool!(self, pool => sqlx::query_as(
            "SELECT id, indicator, country, hub_id, starts, ends, value, label FROM targets
             WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(pool)
        .await?);
        row.map(TargetRow::into_target).transpose()
    }

    /// Removes a target; false if there was none.
    pub async fn remove_target(&self, id: Uuid, who: &Change) -> Result<bool> {
        let done = audited_row_change!(
            self,
            &who.event("figures.target-remove", format!("target:{id}")),
            |tx| sqlx::query("DELETE FROM targets WHERE id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?
                .rows_affected()
        );
        Ok(done == 1)
    }
}
