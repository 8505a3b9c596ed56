//! Network planning: which arrivals the network covers (a site open within reach in the hour
//! people arrive), where and when the gaps are, and which mobile-team slots would close most of
//! them. Time is counted in whole local hours over a period of days; a site is open in an hour
//! when it is open at the hour's middle. Pure: callers give places, sites and arrivals.

use std::collections::HashMap;

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime};

use serde::{Deserialize, Serialize};

use crate::Country;
use crate::geo::Point;
use crate::hub::Closure;

pub const HOURS: usize = 24;

/// The days a plan looks at: `days` days from `first`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub first: NaiveDate,
    pub days: u32,
}

impl Period {
    /// The day's number in the period, if it is in it.
    pub fn day_of(&self, date: NaiveDate) -> Option<u32> {
        let n = (date - self.first).num_days();
        (0..i64::from(self.days)).contains(&n).then_some(n as u32)
    }

    pub fn date(&self, day: u32) -> NaiveDate {
        self.first + Duration::days(i64::from(day))
    }

    fn hours(&self) -> usize {
        self.days as usize * HOURS
    }
}

/// The hours of a period in which a site is open: one bit per day and hour.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenHours {
    bits: Vec<u64>,
}

impl OpenHours {
    pub fn closed(period: Period) -> OpenHours {
        OpenHours {
            bits: vec![0; period.hours().div_ceil(64)],
        }
    }

    pub fn always(period: Period) -> OpenHours {
        let mut open = OpenHours::closed(period);
        for i in 0..period.hours() {
            open.bits[i / 64] |= 1 << (i % 64);
        }
        open
    }

    /// Open in the hours `(day, hour)` for which `open` says so.
    pub fn from_fn(period: Period, open: impl Fn(u32, usize) -> bool) -> OpenHours {
        let mut hours = OpenHours::closed(period);
        for day in 0..period.days {
            for hour in 0..HOURS {
                hours.set(day, hour, open(day, hour));
            }
        }
        hours
    }

    /// A site's hours over the period from its OpenStreetMap `opening_hours` expression (local
    /// time), with its announced closures and changed hours in force where they apply.
    pub fn from_schedule(
        period: Period,
        expression: &str,
        closures: &[Closure],
        tz: chrono_tz::Tz,
    ) -> Result<OpenHours, crate::ValidationError> {
        let mut hours = OpenHours::closed(period);
        hours.fill(period, expression, period.first.and_hms_opt(0, 0, 0), None)?;
        for closure in closures {
            let local = |at: chrono::DateTime<chrono::Utc>| at.with_timezone(&tz).naive_local();
            let (from, to) = (local(closure.starts_at), local(closure.ends_at));
            hours.clear_between(period, from, to);
            if let Some(kept) = &closure.hours {
                hours.fill(period, kept, Some(from), Some(to))?;
            }
        }
        Ok(hours)
    }

    /// Sets open the hours whose middle falls in an open interval of `expression`, between
    /// `from` and `to` (the period's ends when not given). Walks the expression's changes, a
    /// few a day, rather than asking hour by hour.
    fn fill(
        &mut self,
        period: Period,
        expression: &str,
        from: Option<NaiveDateTime>,
        to: Option<NaiveDateTime>,
    ) -> Result<(), crate::ValidationError> {
        let schedule = crate::hours::parse(expression)?;
        let start = period.first.and_hms_opt(0, 0, 0).expect("midnight exists");
        let end = start + Duration::days(i64::from(period.days));
        let from = from.unwrap_or(start).max(start);
        let to = to.unwrap_or(end).min(end);
        let mut at = from;
        while at < to {
            let next = schedule.next_change(at).unwrap_or(to).min(to);
            if next <= at {
                break;
            }
            if schedule.is_open(at) {
                self.set_between(period, at, next, true);
            }
            at = next;
        }
        Ok(())
    }

    fn clear_between(&mut self, period: Period, from: NaiveDateTime, to: NaiveDateTime) {
        self.set_between(period, from, to, false);
    }

    /// Sets the hours whose middle is in `[from, to)`.
    fn set_between(&mut self, period: Period, from: NaiveDateTime, to: NaiveDateTime, open: bool) {
        let start = period.first.and_hms_opt(0, 0, 0).expect("midnight exists");
        let index = |t: NaiveDateTime| (t - start).num_minutes();
        // The first hour whose middle (minute 30) is at or after `from`.
        let first = (index(from) - 30 + 59).div_euclid(60).max(0);
        let last = (index(to) - 30 + 59)
            .div_euclid(60)
            .min(period.hours() as i64);
        for i in first..last {
            let (day, hour) = ((i / 24) as u32, (i % 24) as usize);
            self.set(day, hour, open);
        }
    }

    pub fn set(&mut self, day: u32, hour: usize, open: bool) {
        let i = day as usize * HOURS + hour;
        if open {
            self.bits[i / 64] |= 1 << (i % 64);
        } else {
            self.bits[i / 64] &= !(1 << (i % 64));
        }
    }

    pub fn is_open(&self, day: u32, hour: usize) -> bool {
        let i = day as usize * HOURS + hour;
        self.bits
            .get(i / 64)
            .is_some_and(|b| b & (1 << (i % 64)) != 0)
    }
}

/// A place people arrive at or a team may stand: a border crossing, a station, a town.
#[derive(Debug, Clone, PartialEq)]
pub struct Place {
    pub name: String,
    pub location: Point,
}

/// A hub or a planned team: where it stands and when it is open.
#[derive(Debug, Clone, PartialEq)]
pub struct Site {
    pub location: Point,
    pub open: OpenHours,
}

/// People arriving at a place in one local hour of one day of the period.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Arrivals {
    pub place: u32,
    pub day: u32,
    pub hour: u8,
    pub count: f64,
}

/// How far people go for help: straight-line distance times a road factor, at most
/// `radius_km` by road.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Reach {
    pub radius_km: f64,
    pub road_factor: f64,
}

impl Default for Reach {
    fn default() -> Reach {
        Reach {
            radius_km: 10.0,
            road_factor: 1.3,
        }
    }
}

impl Reach {
    pub fn reaches(&self, a: Point, b: Point) -> bool {
        a.distance_km(b) * self.road_factor <= self.radius_km
    }
}

/// The arrivals covered and not: in all, per place, and per place and hour of the day.
#[derive(Debug, Clone, PartialEq)]
pub struct Coverage {
    pub arrived: f64,
    pub covered: f64,
    /// Per place: arrived, covered.
    pub places: Vec<(f64, f64)>,
    /// Per place, the uncovered arrivals in each hour of the day, over the period.
    pub uncovered_by_hour: Vec<[f64; HOURS]>,
    /// The arrivals no site covers, for planning what would.
    pub uncovered: Vec<Arrivals>,
}

impl Coverage {
    /// The share of arrivals covered; 1 when nobody arrived.
    pub fn share(&self) -> f64 {
        if self.arrived > 0.0 {
            self.covered / self.arrived
        } else {
            1.0
        }
    }

    /// The places and hour bands (`band_hours` long, from midnight) with the most uncovered
    /// arrivals, most first: (place, first hour of the band, uncovered).
    pub fn gaps(&self, band_hours: usize, limit: usize) -> Vec<(u32, usize, f64)> {
        let band_hours = band_hours.clamp(1, HOURS);
        let mut gaps: Vec<(u32, usize, f64)> = Vec::new();
        for (place, hours) in self.uncovered_by_hour.iter().enumerate() {
            for first in (0..HOURS).step_by(band_hours) {
                let missed: f64 = hours[first..(first + band_hours).min(HOURS)].iter().sum();
                if missed > 0.0 {
                    gaps.push((place as u32, first, missed));
                }
            }
        }
        gaps.sort_by(|a, b| b.2.total_cmp(&a.2).then(a.0.cmp(&b.0)).then(a.1.cmp(&b.1)));
        gaps.truncate(limit);
        gaps
    }
}

/// Which sites reach each place.
fn reaching(places: &[Place], sites: &[Point], reach: Reach) -> Vec<Vec<u32>> {
    places
        .iter()
        .map(|p| {
            (0..sites.len() as u32)
                .filter(|&s| reach.reaches(p.location, sites[s as usize]))
                .collect()
        })
        .collect()
}

/// Which arrivals have a site open within reach in their hour.
pub fn coverage(places: &[Place], sites: &[Site], arrivals: &[Arrivals], reach: Reach) -> Coverage {
    let locations: Vec<Point> = sites.iter().map(|s| s.location).collect();
    let near = reaching(places, &locations, reach);
    let mut out = Coverage {
        arrived: 0.0,
        covered: 0.0,
        places: vec![(0.0, 0.0); places.len()],
        uncovered_by_hour: vec![[0.0; HOURS]; places.len()],
        uncovered: Vec::new(),
    };
    for a in arrivals {
        let place = a.place as usize;
        let covered = near[place]
            .iter()
            .any(|&s| sites[s as usize].open.is_open(a.day, a.hour as usize));
        out.arrived += a.count;
        out.places[place].0 += a.count;
        if covered {
            out.covered += a.count;
            out.places[place].1 += a.count;
        } else {
            out.uncovered_by_hour[place][a.hour as usize] += a.count;
            out.uncovered.push(*a);
        }
    }
    out
}

/// Which days of the week a slot runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Days {
    Every,
    Weekdays,
    Weekend,
}

impl Days {
    pub fn includes(self, date: NaiveDate) -> bool {
        let weekend = date.weekday().number_from_monday() >= 6;
        match self {
            Days::Every => true,
            Days::Weekdays => !weekend,
            Days::Weekend => weekend,
        }
    }
}

/// A site open at a location during a band of hours on some days of the period: a mobile
/// team standing at a place, a hub open longer, a hub opened.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Slot {
    pub location: Point,
    pub first_hour: u8,
    pub hours: u8,
    pub days: Days,
}

impl Slot {
    /// The slot as a site open in its band on its days of `period`, to count coverage with it.
    pub fn site(&self, period: Period) -> Site {
        Site {
            location: self.location,
            open: OpenHours::from_fn(period, |day, hour| {
                self.covers_hour(hour as u8) && self.days.includes(period.date(day))
            }),
        }
    }

    fn covers_hour(&self, hour: u8) -> bool {
        // A band may run past midnight (22:00 for 4 hours covers 22, 23, 0 and 1).
        (hour + 24 - self.first_hour) % 24 < self.hours
    }
}

/// The slots chosen (their numbers among the candidates), best first, each with the arrivals
/// it adds to those before it, and a bound on what any `k` slots could add.
#[derive(Debug, Clone, PartialEq)]
pub struct Recommendation {
    pub chosen: Vec<(usize, f64)>,
    /// No `k` candidates add more than this: the `k` best gains on their own (gains only
    /// shrink as slots are added), and never more than all that is uncovered.
    pub bound: f64,
}

impl Recommendation {
    pub fn added(&self) -> f64 {
        self.chosen.iter().fold(0.0, |sum, (_, gain)| sum + gain)
    }
}

/// The `k` slots among `candidates` that cover the most uncovered arrivals, chosen greedily
/// (lazily re-evaluated): the classic answer to the maximal covering location problem, within
/// 1 − 1/e of the best and usually much closer, as `bound` shows.
pub fn recommend(
    places: &[Place],
    uncovered: &[Arrivals],
    period: Period,
    candidates: &[Slot],
    reach: Reach,
    k: usize,
) -> Recommendation {
    // The uncovered arrivals of each place, by hour of the day.
    let mut by_place_hour: Vec<[Vec<u32>; HOURS]> =
        (0..places.len()).map(|_| Default::default()).collect();
    for (i, a) in uncovered.iter().enumerate() {
        by_place_hour[a.place as usize][a.hour as usize].push(i as u32);
    }
    let weekday: Vec<NaiveDate> = (0..period.days).map(|d| period.date(d)).collect();
    // The places each candidate reaches; candidates share few locations, each worked out once.
    let mut by_location: HashMap<(u64, u64), usize> = HashMap::new();
    let mut reached: Vec<Vec<u32>> = Vec::new();
    let near: Vec<usize> = candidates
        .iter()
        .map(|c| {
            let at = (c.location.lat.to_bits(), c.location.lon.to_bits());
            *by_location.entry(at).or_insert_with(|| {
                reached.push(
                    (0..places.len() as u32)
                        .filter(|&p| reach.reaches(c.location, places[p as usize].location))
                        .collect(),
                );
                reached.len() - 1
            })
        })
        .collect();
    let mut taken = vec![false; uncovered.len()];
    let gain = |i: usize, taken: &[bool]| -> f64 {
        let slot = &candidates[i];
        let mut sum = 0.0;
        for &place in &reached[near[i]] {
            for hour in 0..HOURS as u8 {
                if !slot.covers_hour(hour) {
                    continue;
                }
                for &i in &by_place_hour[place as usize][hour as usize] {
                    let a = &uncovered[i as usize];
                    if !taken[i as usize] && slot.days.includes(weekday[a.day as usize]) {
                        sum += a.count;
                    }
                }
            }
        }
        sum
    };
    let mut queue: Vec<(f64, usize)> = candidates
        .iter()
        .enumerate()
        .map(|(i, _)| (gain(i, &taken), i))
        .collect();
    queue.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    let all: f64 = uncovered.iter().map(|a| a.count).sum();
    let bound = queue.iter().take(k).map(|(g, _)| g).sum::<f64>().min(all);
    let mut fresh = vec![true; candidates.len()];
    let mut chosen = Vec::new();
    while chosen.len() < k && !queue.is_empty() {
        let (best, i) = queue[0];
        if best <= 0.0 {
            break;
        }
        if fresh[i] {
            // Its gain is current, and no other can beat it: gains only shrink.
            queue.remove(0);
            let slot = candidates[i];
            for &place in &reached[near[i]] {
                for hour in 0..HOURS as u8 {
                    if slot.covers_hour(hour) {
                        for &a in &by_place_hour[place as usize][hour as usize] {
                            let day = uncovered[a as usize].day as usize;
                            if slot.days.includes(weekday[day]) {
                                taken[a as usize] = true;
                            }
                        }
                    }
                }
            }
            chosen.push((i, best));
            fresh.iter_mut().for_each(|f| *f = false);
            continue;
        }
        // Re-evaluate the top one and put it back in its place.
        let updated = gain(i, &taken);
        fresh[i] = true;
        queue.remove(0);
        let at = queue.partition_point(|(g, j)| *g > updated || (*g == updated && *j < i));
        queue.insert(at, (updated, i));
    }
    Recommendation { chosen, bound }
}

/// Mobile teams at every place in bands of `band_hours` through the day, on every day.
pub fn team_slots(places: &[Place], band_hours: u8) -> Vec<Slot> {
    let band_hours = band_hours.clamp(1, 24);
    places
        .iter()
        .flat_map(|place| {
            (0..24u8)
                .step_by(band_hours as usize)
                .map(move |first_hour| Slot {
                    location: place.location,
                    first_hour,
                    hours: band_hours,
                    days: Days::Every,
                })
        })
        .collect()
}

/// A hub open longer: bands of `band_hours` in which it is closed on most days of the period.
pub fn longer_hours(site: &Site, period: Period, band_hours: u8) -> Vec<Slot> {
    let band_hours = band_hours.clamp(1, 24);
    (0..24u8)
        .step_by(band_hours as usize)
        .filter(|&first| {
            let closed = (0..period.days)
                .filter(|&day| {
                    (first..(first + band_hours).min(24))
                        .all(|h| !site.open.is_open(day, h as usize))
                })
                .count();
            closed * 2 > period.days as usize
        })
        .map(|first_hour| Slot {
            location: site.location,
            first_hour,
            hours: band_hours,
            days: Days::Every,
        })
        .collect()
}

/// A hub opened at a place, round the clock.
pub fn new_hub(place: &Place) -> Slot {
    Slot {
        location: place.location,
        first_hour: 0,
        hours: 24,
        days: Days::Every,
    }
}

/// A place people arrive at, as the statistics name it: its code there, and its country.
#[derive(Debug, Clone, PartialEq)]
pub struct ArrivalPlace {
    pub code: String,
    pub place: Place,
    pub country: Country,
}

/// A published count: people arriving at a place on a day, within a band of local hours
/// (the whole day when the statistics give no band), by a mode of transport ("" when not given).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArrivalCount {
    pub place: String,
    pub date: NaiveDate,
    pub first_hour: u8,
    pub hours: u8,
    pub mode: String,
    pub count: u32,
}

/// The period from the first to the last day of `counts`; none when there are none.
pub fn period_of(counts: &[ArrivalCount]) -> Option<Period> {
    let first = counts.iter().map(|c| c.date).min()?;
    let last = counts.iter().map(|c| c.date).max()?;
    Some(Period {
        first,
        days: ((last - first).num_days() + 1) as u32,
    })
}

/// Counts spread evenly over the hours of their band, within `period`: a band past midnight
/// runs into the next day; counts at places not among `places` are left out.
pub fn hourly(places: &[ArrivalPlace], counts: &[ArrivalCount], period: Period) -> Vec<Arrivals> {
    let index: HashMap<&str, u32> = places
        .iter()
        .enumerate()
        .map(|(i, p)| (p.code.as_str(), i as u32))
        .collect();
    let mut arrivals = Vec::new();
    for c in counts {
        let (Some(&place), Some(day)) = (index.get(c.place.as_str()), period.day_of(c.date)) else {
            continue;
        };
        let hours = c.hours.clamp(1, HOURS as u8);
        let each = f64::from(c.count) / f64::from(hours);
        for h in 0..hours {
            let hour = (c.first_hour + h) % HOURS as u8;
            let day = day + u32::from(c.first_hour + h >= HOURS as u8);
            if day < period.days {
                arrivals.push(Arrivals {
                    place,
                    day,
                    hour,
                    count: each,
                });
            }
        }
    }
    arrivals
}

/// The kinds of change a plan makes to the network.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Change {
    /// A mobile team at a place in a band of hours, every day.
    Team,
    /// A hub open also in a band of hours.
    LongerHours,
    /// A hub opened at a place, round the clock.
    NewHub,
}

impl Change {
    pub fn code(self) -> &'static str {
        match self {
            Change::Team => "team",
            Change::LongerHours => "longer-hours",
            Change::NewHub => "new-hub",
        }
    }

    pub fn from_code(code: &str) -> Option<Change> {
        [Change::Team, Change::LongerHours, Change::NewHub]
            .into_iter()
            .find(|c| c.code() == code)
    }
}

/// One change of a plan: where (a place's code for a team or a new hub, a hub's slug for
/// longer hours) and in which band of local hours.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlannedChange {
    pub change: Change,
    pub at: String,
    pub first_hour: u8,
    pub hours: u8,
}

impl PlannedChange {
    /// As a slot at `location` (the place's or the hub's), every day.
    pub fn slot(&self, location: Point) -> Slot {
        Slot {
            location,
            first_hour: self.first_hour % HOURS as u8,
            hours: self.hours.clamp(1, HOURS as u8),
            days: Days::Every,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn period() -> Period {
        Period {
            first: NaiveDate::from_ymd_opt(2026, 11, 2).unwrap(), // a Monday
            days: 7,
        }
    }

    fn place(name: &str, lat: f64, lon: f64) -> Place {
        Place {
            name: name.into(),
            location: Point::new(lat, lon).unwrap(),
        }
    }

    fn at(place: u32, day: u32, hour: u8, count: f64) -> Arrivals {
        Arrivals {
            place,
            day,
            hour,
            count,
        }
    }

    #[test]
    fn a_hub_covers_only_the_hours_it_is_open_and_only_within_reach() {
        // A crossing, a hub 2 km away open 08:00–20:00, and a town 40 km off.
        let places = [place("crossing", 47.95, 26.07), place("town", 47.60, 26.07)];
        let hub = Site {
            location: Point::new(47.968, 26.07).unwrap(),
            open: OpenHours::from_schedule(period(), "Mo-Su 08:00-20:00", &[], chrono_tz::UTC)
                .unwrap(),
        };
        let arrivals = [
            at(0, 0, 2, 30.0),  // 02:00 at the crossing: closed
            at(0, 0, 9, 50.0),  // 09:00: open
            at(0, 0, 19, 20.0), // 19:00: open until 20:00
            at(0, 0, 20, 10.0), // 20:00: closed
            at(1, 0, 10, 40.0), // the town is out of reach
        ];
        let c = coverage(&places, &[hub], &arrivals, Reach::default());
        assert_eq!(c.arrived, 150.0);
        assert_eq!(c.covered, 70.0);
        assert!((c.share() - 70.0 / 150.0).abs() < 1e-12);
        assert_eq!(c.places, vec![(110.0, 70.0), (40.0, 0.0)]);
        assert_eq!(c.uncovered_by_hour[0][2], 30.0);
        assert_eq!(c.uncovered_by_hour[0][20], 10.0);
        assert_eq!(c.gaps(4, 2), vec![(1, 8, 40.0), (0, 0, 30.0)]);
    }

    #[test]
    fn the_road_factor_shortens_the_reach() {
        let (a, b) = (
            Point::new(48.0, 26.0).unwrap(),
            Point::new(48.08, 26.0).unwrap(),
        );
        // 8.9 km apart: within 10 km in a straight line, 11.6 km by road.
        assert!(
            Reach {
                radius_km: 10.0,
                road_factor: 1.0
            }
            .reaches(a, b)
        );
        assert!(!Reach::default().reaches(a, b));
    }

    #[test]
    fn a_closure_shuts_the_hub_and_changed_hours_apply_while_it_lasts() {
        let utc = |d: u32, h: u32| {
            NaiveDate::from_ymd_opt(2026, 11, d)
                .unwrap()
                .and_hms_opt(h, 0, 0)
                .unwrap()
                .and_utc()
        };
        let closures = [
            Closure {
                id: uuid::Uuid::nil(),
                starts_at: utc(3, 0),
                ends_at: utc(4, 0),
                hours: None,
                reason: Default::default(),
            },
            Closure {
                id: uuid::Uuid::nil(),
                starts_at: utc(5, 0),
                ends_at: utc(6, 0),
                hours: Some("Mo-Su 10:00-12:00".into()),
                reason: Default::default(),
            },
        ];
        let open =
            OpenHours::from_schedule(period(), "Mo-Su 08:00-20:00", &closures, chrono_tz::UTC)
                .unwrap();
        assert!(open.is_open(0, 8) && open.is_open(0, 19) && !open.is_open(0, 20));
        assert!(!open.is_open(1, 9), "shut for the day");
        assert!(open.is_open(3, 10) && open.is_open(3, 11));
        assert!(
            !open.is_open(3, 9) && !open.is_open(3, 12),
            "shorter hours that day"
        );
        assert!(open.is_open(4, 9), "usual hours again");
    }

    #[test]
    fn hours_past_midnight_and_local_time_are_read_in_the_hubs_zone() {
        let open = OpenHours::from_schedule(
            period(),
            "Mo-Su 22:00-02:00",
            &[],
            chrono_tz::Europe::Bucharest,
        )
        .unwrap();
        assert!(
            open.is_open(0, 22) && open.is_open(0, 23) && open.is_open(1, 0) && open.is_open(1, 1)
        );
        assert!(!open.is_open(1, 2) && !open.is_open(0, 12));
    }

    #[test]
    fn the_slots_that_cover_most_are_chosen_each_counting_what_it_adds() {
        // Two crossings 5 km apart (a team at either reaches both) and one far away.
        let places = [
            place("north", 48.00, 26.00),
            place("south", 47.96, 26.00),
            place("far", 46.00, 28.00),
        ];
        let uncovered = [
            at(0, 0, 2, 100.0), // night at north
            at(1, 1, 3, 50.0),  // night at south
            at(2, 2, 14, 80.0), // afternoon far away
            at(2, 5, 14, 10.0), // a Saturday afternoon far away
        ];
        let candidates = team_slots(&places, 4);
        let r = recommend(
            &places,
            &uncovered,
            period(),
            &candidates,
            Reach::default(),
            2,
        );
        assert_eq!(r.chosen.len(), 2);
        // First a night team at north, which also reaches south: 150 arrivals.
        let first = candidates[r.chosen[0].0];
        assert_eq!(
            (first.location, first.first_hour, first.hours),
            (places[0].location, 0, 4)
        );
        assert_eq!(r.chosen[0].1, 150.0);
        assert_eq!(candidates[r.chosen[1].0].location, places[2].location);
        assert_eq!(r.chosen[1].1, 90.0);
        assert_eq!(r.added(), 240.0);
        // Both slots at night near the crossings would each count 150 alone: the bound says
        // no two slots could add more than 300, and never more than the 240 uncovered.
        assert_eq!(r.bound, 240.0);

        // On weekdays only, the Saturday group is not covered.
        let weekdays: Vec<Slot> = candidates
            .iter()
            .map(|s| Slot {
                days: Days::Weekdays,
                ..*s
            })
            .collect();
        let r = recommend(
            &places,
            &uncovered,
            period(),
            &weekdays,
            Reach::default(),
            2,
        );
        assert_eq!(r.added(), 230.0);
    }

    #[test]
    fn a_hub_open_longer_is_offered_for_the_bands_it_is_closed_and_a_new_hub_all_day() {
        let places = [place("crossing", 48.00, 26.00), place("far", 46.00, 28.00)];
        let hub = Site {
            location: Point::new(48.01, 26.00).unwrap(),
            open: OpenHours::from_schedule(period(), "Mo-Su 08:00-20:00", &[], chrono_tz::UTC)
                .unwrap(),
        };
        let longer = longer_hours(&hub, period(), 4);
        let bands: Vec<u8> = longer.iter().map(|s| s.first_hour).collect();
        assert_eq!(bands, [0, 4, 20], "closed 20:00–08:00");
        let uncovered = [at(0, 0, 21, 60.0), at(0, 3, 5, 30.0), at(1, 2, 12, 45.0)];
        let r = recommend(&places, &uncovered, period(), &longer, Reach::default(), 1);
        assert_eq!(
            (longer[r.chosen[0].0].first_hour, r.chosen[0].1),
            (20, 60.0)
        );
        // Opening a hub far away takes in all its arrivals, whatever the hour.
        let hubs = [new_hub(&places[0]), new_hub(&places[1])];
        let r = recommend(&places, &uncovered, period(), &hubs, Reach::default(), 2);
        assert_eq!(r.chosen, vec![(0, 90.0), (1, 45.0)]);
    }

    #[test]
    fn a_band_may_run_past_midnight() {
        let slot = Slot {
            location: Point::new(48.0, 26.0).unwrap(),
            first_hour: 22,
            hours: 4,
            days: Days::Every,
        };
        assert!(
            slot.covers_hour(22)
                && slot.covers_hour(23)
                && slot.covers_hour(0)
                && slot.covers_hour(1)
        );
        assert!(!slot.covers_hour(2) && !slot.covers_hour(21));
    }
}
