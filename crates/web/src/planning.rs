//! Network planning from arrivals statistics: reading the files border-crossing statistics are
//! published as, and the analysis of the network against them (coverage, gaps, suggestions),
//! for the staff pages and the `bluedot planning` command alike.

use std::collections::HashMap;

use bluedot_core::planning::{
    Arrivals, HOURS, OpenHours, Period, Place, Reach, Site, Slot, coverage, longer_hours, new_hub,
    recommend, team_slots,
};
use bluedot_core::{Country, Hub, HubStatus, ValidationError};
use chrono::NaiveDate;

/// Ways people cross that published statistics count.
const MODES: [&str; 6] = ["road", "rail", "ferry", "foot", "bus", "air"];

/// A place arrivals are counted at, and its country.
#[derive(Debug)]
pub struct KnownPlace {
    pub place: Place,
    pub country: Country,
}

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
type Places = (Vec<KnownPlace>, HashMap<String, u32>);

/// Reads `code,name,country,lat,lon`: the crossing points, stations and towns counted.
pub fn read_places(text: &str) -> Result<Places, Vec<Refused>> {
    let mut places = Vec::new();
    let mut by_code = HashMap::new();
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
        if get(code).is_empty() {
            refused.push(refuse("the place needs a code".into()));
            continue;
        }
        if by_code
            .insert(get(code).to_owned(), places.len() as u32)
            .is_some()
        {
            refused.push(refuse(format!("code {} is given twice", get(code))));
            continue;
        }
        places.push(KnownPlace {
            place: Place {
                name: get(name).to_owned(),
                location: point,
            },
            country: in_country,
        });
    }
    if refused.is_empty() {
        Ok((places, by_code))
    } else {
        Err(refused)
    }
}

/// One row of arrivals as read: place, date, hours it spans (local), count, mode.
struct Row {
    place: u32,
    date: NaiveDate,
    first_hour: u8,
    hours: u8,
    count: f64,
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

/// Reads `place,date,count[,hour_band][,mode]`, every row checked before any is used.
/// A count over an hour band is spread evenly over its hours.
pub fn read_arrivals(
    text: &str,
    places: &HashMap<String, u32>,
) -> Result<(Period, Vec<Arrivals>), Vec<Refused>> {
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
    let mut rows = Vec::new();
    let mut refused = std::mem::take(&mut table.refused);
    for (line, record) in &table.rows {
        let line = *line;
        let get = |i: Option<usize>| i.and_then(|i| record.get(i)).unwrap_or("");
        let mut why = Vec::new();
        let at = places.get(get(Some(place)));
        if at.is_none() {
            why.push(format!(
                "place {:?} is not in the places file",
                get(Some(place))
            ));
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
        match (at, day, n, hours) {
            (Some(&place), Some(date), Some(n), Some((first_hour, hours))) if why.is_empty() => {
                rows.push(Row {
                    place,
                    date,
                    first_hour,
                    hours,
                    count: f64::from(n),
                })
            }
            _ => refused.push(Refused {
                line,
                reason: why.join("; "),
            }),
        }
    }
    if !refused.is_empty() {
        return Err(refused);
    }
    let (Some(first), Some(last)) = (
        rows.iter().map(|r| r.date).min(),
        rows.iter().map(|r| r.date).max(),
    ) else {
        return Err(vec![Refused {
            line: 1,
            reason: "no arrivals in the file".into(),
        }]);
    };
    let period = Period {
        first,
        days: ((last - first).num_days() + 1) as u32,
    };
    let mut arrivals = Vec::new();
    for row in rows {
        let day = period.day_of(row.date).expect("within the rows' own dates");
        let each = row.count / f64::from(row.hours);
        for h in 0..row.hours {
            let hour = (row.first_hour + h) % HOURS as u8;
            // An hour past midnight belongs to the next day.
            let next_day = u32::from(row.first_hour + h >= HOURS as u8);
            if day + next_day < period.days {
                arrivals.push(Arrivals {
                    place: row.place,
                    day: day + next_day,
                    hour,
                    count: each,
                });
            }
        }
    }
    Ok((period, arrivals))
}

/// What a suggestion changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// A mobile team at a counted place.
    Team,
    /// A hub of the directory open in more hours.
    LongerHours,
    /// A new hub at a counted place, round the clock.
    NewHub,
}

/// One change suggested: where (a place's name or a hub's slug), the hours, what it adds.
#[derive(Debug, Clone, PartialEq)]
pub struct Suggested {
    pub at: String,
    pub first_hour: u8,
    pub hours: u8,
    pub added: f64,
}

/// The best changes of one kind, with what they add together and the bound on any choice.
#[derive(Debug, Clone, PartialEq)]
pub struct Suggestions {
    pub change: Change,
    pub chosen: Vec<Suggested>,
    pub added: f64,
    pub bound: f64,
}

/// A place and band of hours with arrivals no hub was open for.
#[derive(Debug, Clone, PartialEq)]
pub struct Gap {
    pub place: String,
    pub first_hour: u8,
    pub hours: u8,
    pub missed: f64,
}

/// The network against a period of arrivals.
#[derive(Debug, Clone, PartialEq)]
pub struct Analysis {
    pub period: Period,
    pub places: usize,
    pub arrived: f64,
    pub covered: f64,
    /// Per country with arrivals: arrived, covered.
    pub countries: Vec<(Country, f64, f64)>,
    pub gaps: Vec<Gap>,
    pub suggestions: Vec<Suggestions>,
}

/// Coverage of `arrivals` by the hubs not closed for good, the ten worst gaps in bands of
/// `band_hours`, and the `k` best of each kind of change (at most three new hubs).
pub fn analyse(
    known: &[KnownPlace],
    period: Period,
    arrivals: &[Arrivals],
    hubs: &[Hub],
    reach: Reach,
    band_hours: u8,
    k: usize,
) -> Result<Analysis, ValidationError> {
    let band_hours = band_hours.clamp(1, 24);
    let places: Vec<Place> = known.iter().map(|k| k.place.clone()).collect();
    let mut sites = Vec::new();
    let mut open_hubs = Vec::new();
    for hub in hubs.iter().filter(|h| h.status != HubStatus::Closed) {
        let open = OpenHours::from_schedule(
            period,
            &hub.opening_hours,
            &hub.closures,
            hub.country.timezone(),
        )?;
        sites.push(Site {
            location: hub.location,
            open,
        });
        open_hubs.push(hub);
    }
    let covered = coverage(&places, &sites, arrivals, reach);
    let countries = Country::ALL
        .into_iter()
        .filter_map(|country| {
            let (arrived, with_hub) = known
                .iter()
                .zip(&covered.places)
                .filter(|(k, _)| k.country == country)
                .fold((0.0, 0.0), |(a, c), (_, p)| (a + p.0, c + p.1));
            (arrived > 0.0).then_some((country, arrived, with_hub))
        })
        .collect();
    let gaps = covered
        .gaps(band_hours as usize, 10)
        .into_iter()
        .map(|(place, first, missed)| Gap {
            place: places[place as usize].name.clone(),
            first_hour: first as u8,
            hours: band_hours.min(24 - first as u8),
            missed,
        })
        .collect();
    let suggest = |change: Change, candidates: Vec<(String, Slot)>, k: usize| {
        let slots: Vec<Slot> = candidates.iter().map(|(_, s)| *s).collect();
        let plan = recommend(&places, &covered.uncovered, period, &slots, reach, k);
        Suggestions {
            change,
            chosen: plan
                .chosen
                .iter()
                .map(|&(i, added)| Suggested {
                    at: candidates[i].0.clone(),
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
        let teams = places
            .iter()
            .flat_map(|place| {
                team_slots(std::slice::from_ref(place), band_hours)
                    .into_iter()
                    .map(move |slot| (place.name.clone(), slot))
            })
            .collect();
        suggestions.push(suggest(Change::Team, teams, k));
        let longer = open_hubs
            .iter()
            .zip(&sites)
            .flat_map(|(hub, site)| {
                longer_hours(site, period, band_hours)
                    .into_iter()
                    .map(move |slot| (hub.slug.clone(), slot))
            })
            .collect();
        suggestions.push(suggest(Change::LongerHours, longer, k));
        let new = places
            .iter()
            .map(|p| (p.name.clone(), new_hub(p)))
            .collect();
        suggestions.push(suggest(Change::NewHub, new, k.min(3)));
    }
    Ok(Analysis {
        period,
        places: places.len(),
        arrived: covered.arrived,
        covered: covered.covered,
        countries,
        gaps,
        suggestions,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const PLACES: &str = "code,name,country,lat,lon\nSRT,Siret crossing,RO,47.95,26.07\nVIC,Vicovu de Sus,RO,47.93,25.68\n";

    #[test]
    fn arrivals_are_read_with_their_bands_spread_over_the_hours() {
        let (_, codes) = read_places(PLACES).unwrap();
        let (period, arrivals) = read_arrivals(
            "place,date,count,hour_band,mode\nSRT,2026-11-02,40,22-02,rail\nVIC,2026-11-03,48,,road\n",
            &codes,
        )
        .unwrap();
        assert_eq!(period.days, 2);
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
        let vic: Vec<&Arrivals> = arrivals.iter().filter(|a| a.place == 1).collect();
        assert_eq!(vic.len(), 24);
        assert!(vic.iter().all(|a| a.count == 2.0));
    }

    #[test]
    fn every_bad_row_is_reported_with_its_line_and_nothing_is_used() {
        let (_, codes) = read_places(PLACES).unwrap();
        let refused = read_arrivals(
            "place,date,count,hour_band,mode\nSRT,2026-11-02,40,,\nXXX,2026-13-01,-3,25-26,boat\nSRT,2026-11-02,5,08-12,road\n",
            &codes,
        )
        .unwrap_err();
        assert_eq!(refused.len(), 1);
        assert_eq!(refused[0].line, 3);
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
