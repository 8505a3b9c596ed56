//! Opening hours in OpenStreetMap `opening_hours` syntax, evaluated in a hub's time zone.

use std::collections::HashMap;
use std::sync::{LazyLock, RwLock};

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use chrono_tz::Tz;
use opening_hours::{OpeningHours, RuleKind};

use crate::ValidationError;

/// Whether a place is open at a moment, and when that changes (local time of the place).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OpenState {
    pub open: bool,
    pub next_change: Option<NaiveDateTime>,
}

/// Parses an expression. Parsed forms are kept: a network has few distinct expressions and
/// every page showing "open now" evaluates them again.
pub fn parse(expression: &str) -> Result<OpeningHours, ValidationError> {
    static PARSED: LazyLock<RwLock<HashMap<String, OpeningHours>>> =
        LazyLock::new(Default::default);
    const MAX_KEPT: usize = 10_000;
    if let Some(hours) = PARSED.read().ok().and_then(|m| m.get(expression).cloned()) {
        return Ok(hours);
    }
    let hours = expression.parse::<OpeningHours>().map_err(|e| {
        ValidationError::new(
            "opening_hours",
            format!("not valid OpenStreetMap opening_hours syntax: {e}"),
        )
    })?;
    if let Ok(mut m) = PARSED.write()
        && m.len() < MAX_KEPT
    {
        m.insert(expression.to_owned(), hours.clone());
    }
    Ok(hours)
}

/// Evaluates `expression` at `now` in the time zone `tz`.
pub fn state_at(
    expression: &str,
    tz: Tz,
    now: DateTime<Utc>,
) -> Result<OpenState, ValidationError> {
    let hours = parse(expression)?;
    let local = now.with_timezone(&tz).naive_local();
    Ok(OpenState {
        open: hours.is_open(local),
        next_change: hours.next_change(local),
    })
}

/// One day of a weekly schedule: the date and its open intervals as `("09:00", "18:00")`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Day {
    pub date: NaiveDate,
    pub open: Vec<(String, String)>,
}

/// The seven days from `now` (local to `tz`), for showing hours as a readable week.
pub fn week_from(
    expression: &str,
    tz: Tz,
    now: DateTime<Utc>,
) -> Result<Vec<Day>, ValidationError> {
    let hours = parse(expression)?;
    let today = now.with_timezone(&tz).date_naive();
    Ok(today
        .iter_days()
        .take(7)
        .map(|date| Day {
            date,
            open: hours
                .schedule_at(date)
                .into_iter()
                .filter(|r| r.kind == RuleKind::Open)
                .map(|r| (r.range.start.to_string(), r.range.end.to_string()))
                .collect(),
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn evaluates_in_local_time() {
        // 07:30 UTC on a Monday in November is 09:30 in Bucharest (UTC+2).
        let now = Utc.with_ymd_and_hms(2026, 11, 23, 7, 30, 0).unwrap();
        let s = state_at("Mo-Fr 09:00-17:00", chrono_tz::Europe::Bucharest, now).unwrap();
        assert!(s.open);
        assert_eq!(s.next_change.unwrap().format("%H:%M").to_string(), "17:00");
        // Same instant in Warsaw is 08:30: still closed, opens at 09:00.
        let s = state_at("Mo-Fr 09:00-17:00", chrono_tz::Europe::Warsaw, now).unwrap();
        assert!(!s.open);
        assert_eq!(s.next_change.unwrap().format("%H:%M").to_string(), "09:00");
    }

    #[test]
    fn always_open_never_changes() {
        let now = Utc.with_ymd_and_hms(2026, 11, 23, 3, 0, 0).unwrap();
        let s = state_at("24/7", chrono_tz::Europe::Rome, now).unwrap();
        assert!(s.open);
        assert_eq!(s.next_change, None);
    }

    #[test]
    fn week_lists_open_intervals_per_day() {
        // Sunday 22 November 2026.
        let now = Utc.with_ymd_and_hms(2026, 11, 22, 12, 0, 0).unwrap();
        let week = week_from(
            "Mo-Fr 09:00-18:00; Sa 10:00-14:00",
            chrono_tz::Europe::Warsaw,
            now,
        )
        .unwrap();
        assert_eq!(week.len(), 7);
        assert!(week[0].open.is_empty());
        assert_eq!(week[1].open, vec![("09:00".to_owned(), "18:00".to_owned())]);
        assert_eq!(week[6].open, vec![("10:00".to_owned(), "14:00".to_owned())]);
        let always = week_from("24/7", chrono_tz::Europe::Warsaw, now).unwrap();
        assert_eq!(
            always[3].open,
            vec![("00:00".to_owned(), "24:00".to_owned())]
        );
    }

    #[test]
    fn rejects_nonsense() {
        assert_eq!(parse("whenever").unwrap_err().field, "opening_hours");
    }
}
