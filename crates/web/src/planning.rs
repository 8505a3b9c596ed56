//! Network planning from arrivals statistics: reading the files border-crossing statistics are
//! published as, and the analysis of the network against them (coverage, gaps, suggestions),
//! for the staff pages and the `bluedot planning` command alike.

use std::collections::{HashMap, HashSet};

use bluedot_core::planning::{
    ArrivalCount, ArrivalPlace, Change, Coverage, OpenHours, Period, Place, PlannedChange, Reach,
    Site, Slot, coverage, hourly, longer_hours, new_hub, recommend, team_slots,
};
use bluedot_core::{Country, Hub, HubStatus, ValidationError};
use chrono::NaiveDate;

/// Ways people cross that published statistics count.
const MODES: [&str; 6] = ["road", "rail", "ferry", "foot", "bus", "air"];

/// A row refused, with its line in the file.
#[derive(Debug, PartialEq, Eq)]
pub struct Refused {
    pub line: u64,
    pub reason: String,
}

/// A CSV file read whole: its header, and its records with their lines; a record the reader
/// cannot split is refused with its line.
struct Table {
    headers: csv::StringRecord,
    rows: Vec<(u64, csv::StringRecord)>,
    refused: Vec<Refused>,
}

impl Table {
    fn read(text: &str) -> Table {
        let mut reader = csv::ReaderBuilder::new()
            .trim(csv::Trim::All)
            // Trailing optional columns may be left off a row; the checks name what is missing.
            .flexible(true)
            .from_reader(text.as_bytes());
        let headers = reader.headers().cloned().unwrap_or_default();
        let (mut rows, mut refused) = (Vec::new(), Vec::new());
        for record in reader.records() {
            match record {
                Ok(r) => rows.push((r.position().map_or(0, |p| p.line()), r)),
                Err(e) => refused.push(Refused {
                    line: e.position().map_or(0, |p| p.line()),
                    reason: e.to_string(),
                }),
            }
        }
        Table {
            headers,
            rows,
            refused,
        }
    }

    /// The column of that name, in any case.
    fn column(&self, name: &str) -> Option<usize> {
        self.headers
            .iter()
            .position(|h| h.eq_ignore_ascii_case(name))
    }
}

/// The places read, and each one's number by its code.
/// Reads a places file (`code,name,country,lat,lon`); every bad row is refused with its line.
pub fn read_places(text: &str) -> Result<Vec<ArrivalPlace>, Vec<Refused>> {
    let mut places: Vec<ArrivalPlace> = Vec::new();
    let mut codes = HashSet::new();
    let mut table = Table::read(text);
    let mut refused = std::mem::take(&mut table.refused);
    let column = |name: &str| table.column(name);
    let (Some(code), Some(name), Some(country), Some(lat), Some(lon)) = (
        column("code"),
        column("name"),
        column("country"),
        column("lat"),
        column("lon"),
    ) else {
        return Err(vec![Refused {
            line: 1,
            reason: "the header must name code, name, country, lat and lon".into(),
        }]);
    };
    for (line, record) in &table.rows {
        let line = *line;
        let get = |i: usize| record.get(i).unwrap_or("");
        let refuse = |reason: String| Refused { line, reason };
        let Some(in_country) = Country::from_code(&get(country).to_uppercase()) else {
            refused.push(refuse(format!(
                "country {:?} is not one of the network's",
                get(country)
            )));
            continue;
        };
        let point = match (get(lat).parse::<f64>(), get(lon).parse::<f64>()) {
            (Ok(la), Ok(lo)) => bluedot_core::geo::Point::new(la, lo),
            _ => {
                refused.push(refuse("lat and lon must be decimal degrees".into()));
                continue;
            }
        };
        let point = match point {
            Ok(p) => p,
            Err(e) => {
                refused.push(refuse(e.to_string()));
                continue;
            }
        };
        if get(code).is_empty() || get(code).chars().count() > 40 {
            refused.push(refuse(
                "the place needs a code of up to 40 characters".into(),
            ));
            continue;
        }
        if get(name).is_empty() || get(name).chars().count() > 120 {
            refused.push(refuse(
                "the place needs a name of up to 120 characters".into(),
            ));
            continue;
        }
        if !codes.insert(get(code).to_owned()) {
            refused.push(refuse(format!("code {} is given twice", get(code))));
            continue;
        }
        places.push(ArrivalPlace {
            code: get(code).to_owned(),
            place: Place {
                name: get(name).to_owned(),
                location: point,
            },
            country: in_country,
        });
    }
    if refused.is_empty() {
        Ok(places)
    } else {
        Err(refused)
    }
}

/// An hour band as statistics write it, `HH-HH` (to the hour; `22-02` runs past midnight,
/// `00-24` is the whole day); empty is the whole day.
fn hour_band(text: &str) -> Option<(u8, u8)> {
    if text.is_empty() {
        return Some((0, 24));
    }
    let (from, to) = text.split_once('-')?;
    let (from, to): (u8, u8) = (from.trim().parse().ok()?, to.trim().parse().ok()?);
    if from > 23 || to > 24 || from == to {
        return None;
    }
    let hours = if to > from { to - from } else { to + 24 - from };
    Some((from, hours))
}

/// Reads an arrivals file (`place,date,count[,hour_band][,mode]`) against the places known
/// (`places`); every bad row is refused with its line, and a file with a refused row gives
/// nothing.
pub fn read_arrivals(
    text: &str,
    places: &[ArrivalPlace],
) -> Result<Vec<ArrivalCount>, Vec<Refused>> {
    let known: HashSet<&str> = places.iter().map(|p| p.code.as_str()).collect();
    let mut table = Table::read(text);
    let column = |name: &str| table.column(name);
    let (Some(place), Some(date), Some(count)) = (column("place"), column("date"), column("count"))
    else {
        return Err(vec![Refused {
            line: 1,
            reason: "the header must name place, date and count (hour_band and mode may follow)"
                .into(),
        }]);
    };
    let (band, mode) = (column("hour_band"), column("mode"));
    let mut counts = Vec::new();
    let mut seen: HashMap<(String, NaiveDate, u8, String), u64> = HashMap::new();
    let mut refused = std::mem::take(&mut table.refused);
    for (line, record) in &table.rows {
        let line = *line;
        let get = |i: Option<usize>| i.and_then(|i| record.get(i)).unwrap_or("");
        let mut why = Vec::new();
        let at = get(Some(place));
        if !known.contains(at) {
            why.push(format!("place {at:?} is not in the places file"));
        }
        let day = NaiveDate::parse_from_str(get(Some(date)), "%Y-%m-%d").ok();
        if day.is_none() {
            why.push(format!("date {:?} is not YYYY-MM-DD", get(Some(date))));
        }
        let n = get(Some(count)).parse::<u32>().ok();
        if n.is_none() {
            why.push(format!(
                "count {:?} is not a whole number",
                get(Some(count))
            ));
        }
        let hours = hour_band(get(band));
        if hours.is_none() {
            why.push(format!("hour band {:?} is not HH-HH", get(band)));
        }
        let m = get(mode).to_lowercase();
        if !m.is_empty() && !MODES.contains(&m.as_str()) {
            why.push(format!("mode {m:?} is not one of {}", MODES.join(", ")));
        }
        match (day, n, hours) {
            (Some(date), Some(count), Some((first_hour, hours))) if why.is_empty() => {
                // The same count twice would be counted twice: the file must say it once.
                let key = (at.to_owned(), date, first_hour, m.clone());
                if let Some(earlier) = seen.insert(key, line) {
                    refused.push(Refused {
                        line,
                        reason: format!("place, date, hour band and mode repeat line {earlier}"),
                    });
                    continue;
                }
                counts.push(ArrivalCount {
                    place: at.to_owned(),
                    date,
                    first_hour,
                    hours,
                    mode: m,
                    count,
                })
            }
            _ => refused.push(Refused {
                line,
                reason: why.join("; "),
            }),
        }
    }
    if counts.is_empty() && refused.is_empty() {
        refused.push(Refused {
            line: 1,
            reason: "no arrivals in the file".into(),
        });
    }
    if refused.is_empty() {
        Ok(counts)
    } else {
        refused.sort_by_key(|r| r.line);
        Err(refused)
    }
}

/// A suggested change: where (a place's code, or a hub's slug for longer hours), its name
/// for people, its band, and the arrivals it adds to those suggested before it.
#[derive(Debug, Clone, PartialEq)]
pub struct Suggested {
    pub at: String,
    pub name: String,
    pub first_hour: u8,
    pub hours: u8,
    pub added: f64,
}

impl Suggested {
    pub fn planned(&self, change: Change) -> PlannedChange {
        PlannedChange {
            change,
            at: self.at.clone(),
            first_hour: self.first_hour,
            hours: self.hours,
        }
    }
}

/// The best `k` changes of one kind, what they add together, and what no `k` could beat.
#[derive(Debug, Clone, PartialEq)]
pub struct Suggestions {
    pub change: Change,
    pub chosen: Vec<Suggested>,
    pub added: f64,
    pub bound: f64,
}

/// Arrivals no hub covered at a place in a band of hours, over the period.
#[derive(Debug, Clone, PartialEq)]
pub struct Gap {
    pub code: String,
    pub place: String,
    pub first_hour: u8,
    pub hours: u8,
    pub missed: f64,
}

/// What a place saw over the period: arrivals, those covered, and the uncovered ones by hour
/// of the day (for the map and the exports).
#[derive(Debug, Clone, PartialEq)]
pub struct PlaceCoverage {
    pub place: ArrivalPlace,
    pub arrived: f64,
    pub covered: f64,
    pub uncovered_by_hour: [f64; 24],
}

/// The network against the arrivals of a period: coverage in all and per country, the worst
/// gaps and the best changes of each kind.
#[derive(Debug, Clone, PartialEq)]
pub struct Analysis {
    pub period: Period,
    pub places: usize,
    pub arrived: f64,
    pub covered: f64,
    /// Per country: arrived, covered.
    pub countries: Vec<(Country, f64, f64)>,
    pub by_place: Vec<PlaceCoverage>,
    pub gaps: Vec<Gap>,
    pub suggestions: Vec<Suggestions>,
}

/// The hubs not closed, each as a site open in its hours over the period.
fn hub_sites(hubs: &[Hub], period: Period) -> Result<Vec<(&Hub, Site)>, ValidationError> {
    hubs.iter()
        .filter(|h| h.status != HubStatus::Closed)
        .map(|hub| {
            let open = OpenHours::from_schedule(
                period,
                &hub.opening_hours,
                &hub.closures,
                hub.country.timezone(),
            )?;
            Ok((
                hub,
                Site {
                    location: hub.location,
                    open,
                },
            ))
        })
        .collect()
}

fn per_country(places: &[ArrivalPlace], covered: &Coverage) -> Vec<(Country, f64, f64)> {
    Country::ALL
        .into_iter()
        .filter_map(|country| {
            let (arrived, with_hub) = places
                .iter()
                .zip(&covered.places)
                .filter(|(k, _)| k.country == country)
                .fold((0.0, 0.0), |(a, c), (_, p)| (a + p.0, c + p.1));
            (arrived > 0.0).then_some((country, arrived, with_hub))
        })
        .collect()
}

/// The analysis of `counts` at `places` over `period` against `hubs`: gaps by bands of
/// `band_hours`, and the `k` best changes of each kind.
pub fn analyse(
    known: &[ArrivalPlace],
    counts: &[ArrivalCount],
    period: Period,
    hubs: &[Hub],
    reach: Reach,
    band_hours: u8,
    k: usize,
) -> Result<Analysis, ValidationError> {
    let band_hours = band_hours.clamp(1, 24);
    let places: Vec<Place> = known.iter().map(|k| k.place.clone()).collect();
    let arrivals = hourly(known, counts, period);
    let open_hubs = hub_sites(hubs, period)?;
    let sites: Vec<Site> = open_hubs.iter().map(|(_, s)| s.clone()).collect();
    let covered = coverage(&places, &sites, &arrivals, reach);
    let gaps = covered
        .gaps(band_hours as usize, 10)
        .into_iter()
        .map(|(place, first, missed)| Gap {
            code: known[place as usize].code.clone(),
            place: places[place as usize].name.clone(),
            first_hour: first as u8,
            hours: band_hours.min(24 - first as u8),
            missed,
        })
        .collect();
    let suggest = |change: Change, candidates: Vec<(String, String, Slot)>, k: usize| {
        let slots: Vec<Slot> = candidates.iter().map(|(_, _, s)| *s).collect();
        let plan = recommend(&places, &covered.uncovered, period, &slots, reach, k);
        Suggestions {
            change,
            chosen: plan
                .chosen
                .iter()
                .map(|&(i, added)| Suggested {
                    at: candidates[i].0.clone(),
                    name: candidates[i].1.clone(),
                    first_hour: slots[i].first_hour,
                    hours: slots[i].hours,
                    added,
                })
                .collect(),
            added: plan.added(),
            bound: plan.bound,
        }
    };
    let mut suggestions = Vec::new();
    if k > 0 {
        let teams = known
            .iter()
            .flat_map(|p| {
                team_slots(std::slice::from_ref(&p.place), band_hours)
                    .into_iter()
                    .map(move |slot| (p.code.clone(), p.place.name.clone(), slot))
            })
            .collect();
        suggestions.push(suggest(Change::Team, teams, k));
        let longer = open_hubs
            .iter()
            .flat_map(|(hub, site)| {
                longer_hours(site, period, band_hours)
                    .into_iter()
                    .map(move |slot| (hub.slug.clone(), hub.slug.clone(), slot))
            })
            .collect();
        suggestions.push(suggest(Change::LongerHours, longer, k));
        let new = known
            .iter()
            .map(|p| (p.code.clone(), p.place.name.clone(), new_hub(&p.place)))
            .collect();
        suggestions.push(suggest(Change::NewHub, new, k.min(3)));
    }
    let by_place = known
        .iter()
        .zip(covered.places.iter().zip(&covered.uncovered_by_hour))
        .map(|(p, (&(arrived, with_hub), by_hour))| PlaceCoverage {
            place: p.clone(),
            arrived,
            covered: with_hub,
            uncovered_by_hour: *by_hour,
        })
        .collect();
    Ok(Analysis {
        period,
        places: places.len(),
        arrived: covered.arrived,
        covered: covered.covered,
        countries: per_country(known, &covered),
        by_place,
        gaps,
        suggestions,
    })
}

/// A plan beside today: coverage per country with today's hubs and with the plan's changes,
/// and what each change adds to those before it.
#[derive(Debug, Clone, PartialEq)]
pub struct Comparison {
    pub arrived: f64,
    pub today: f64,
    pub planned: f64,
    /// Per country: arrived, covered today, covered with the plan.
    pub countries: Vec<(Country, f64, f64, f64)>,
    /// Each change with the arrivals it adds; a change whose place or hub is no longer known
    /// adds nothing and says so with `None`.
    pub changes: Vec<(PlannedChange, Option<f64>)>,
}

/// Coverage of `counts` over `period` today and with `plan`'s changes, one by one in order.
pub fn compare(
    known: &[ArrivalPlace],
    counts: &[ArrivalCount],
    period: Period,
    hubs: &[Hub],
    reach: Reach,
    plan: &[PlannedChange],
) -> Result<Comparison, ValidationError> {
    let places: Vec<Place> = known.iter().map(|k| k.place.clone()).collect();
    let arrivals = hourly(known, counts, period);
    let mut sites: Vec<Site> = hub_sites(hubs, period)?
        .into_iter()
        .map(|(_, s)| s)
        .collect();
    let today = coverage(&places, &sites, &arrivals, reach);
    let mut before = today.covered;
    let mut changes = Vec::new();
    let mut planned = today.clone();
    for change in plan {
        let location = match change.change {
            Change::LongerHours => hubs
                .iter()
                .find(|h| h.slug == change.at)
                .map(|h| h.location),
            Change::Team | Change::NewHub => known
                .iter()
                .find(|p| p.code == change.at)
                .map(|p| p.place.location),
        };
        let Some(location) = location else {
            changes.push((change.clone(), None));
            continue;
        };
        sites.push(change.slot(location).site(period));
        planned = coverage(&places, &sites, &arrivals, reach);
        changes.push((change.clone(), Some(planned.covered - before)));
        before = planned.covered;
    }
    let countries = per_country(known, &today)
        .into_iter()
        .zip(per_country(known, &planned))
        .map(|((country, arrived, today), (_, _, with_plan))| (country, arrived, today, with_plan))
        .collect();
    Ok(Comparison {
        arrived: today.arrived,
        today: today.covered,
        planned: planned.covered,
        countries,
        changes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const PLACES: &str = "code,name,country,lat,lon\nSRT,Siret crossing,RO,47.95,26.07\nVIC,Vicovu de Sus,RO,47.93,25.68\n";

    #[test]
    fn arrivals_are_read_with_their_bands_spread_over_the_hours() {
        let places = read_places(PLACES).unwrap();
        let counts = read_arrivals(
            "place,date,count,hour_band,mode\nSRT,2026-11-02,40,22-02,rail\nVIC,2026-11-03,48,,road\n",
            &places,
        )
        .unwrap();
        let period = bluedot_core::planning::period_of(&counts).unwrap();
        assert_eq!(period.days, 2);
        let arrivals = hourly(&places, &counts, period);
        // 22:00 and 23:00 on the first day, 00:00 and 01:00 on the second, 10 each.
        let srt: Vec<(u32, u8, f64)> = arrivals
            .iter()
            .filter(|a| a.place == 0)
            .map(|a| (a.day, a.hour, a.count))
            .collect();
        assert_eq!(
            srt,
            [(0, 22, 10.0), (0, 23, 10.0), (1, 0, 10.0), (1, 1, 10.0)]
        );
        // A count without a band, over the whole day.
        let vic: Vec<&bluedot_core::planning::Arrivals> =
            arrivals.iter().filter(|a| a.place == 1).collect();
        assert_eq!(vic.len(), 24);
        assert!(vic.iter().all(|a| a.count == 2.0));
    }

    #[test]
    fn every_bad_row_is_reported_with_its_line_and_nothing_is_used() {
        let places = read_places(PLACES).unwrap();
        let refused = read_arrivals(
            "place,date,count,hour_band,mode\nSRT,2026-11-02,40,,\nXXX,2026-13-01,-3,25-26,boat\nSRT,2026-11-02,5,08-12,road\nSRT,2026-11-02,7,,\n",
            &places,
        )
        .unwrap_err();
        assert_eq!(refused.len(), 2);
        assert_eq!(refused[0].line, 3);
        assert_eq!(refused[1].line, 5);
        assert!(
            refused[1].reason.contains("repeat line 2"),
            "{}",
            refused[1].reason
        );
        for part in [
            "place \"XXX\"",
            "date \"2026-13-01\"",
            "count \"-3\"",
            "hour band \"25-26\"",
            "mode \"boat\"",
        ] {
            assert!(refused[0].reason.contains(part), "{}", refused[0].reason);
        }
        let bad_places =
            read_places("code,name,country,lat,lon\nA,a,XX,1,2\nA,b,RO,95,2\n").unwrap_err();
        assert_eq!(
            bad_places.iter().map(|r| r.line).collect::<Vec<_>>(),
            [2, 3]
        );
    }
}
