//! Opening hours in OpenStreetMap `opening_hours` syntax, evaluated in a hub's time zone.

use chrono::{DateTime, NaiveDateTime, Utc};
use chrono_tz::Tz;
use opening_hours::OpeningHours;

use crate::ValidationError;

/// Whether a place is open at a moment, and when that changes (local time of the place).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OpenState {
    pub open: bool,
    pub next_change: Option<NaiveDateTime>,
}

pub fn parse(expression: &str) -> Result<OpeningHours, ValidationError> {
    expression.parse::<OpeningHours>().map_err(|e| {
        ValidationError::new(
            "opening_hours",
            format!("not valid OpenStreetMap opening_hours syntax: {e}"),
        )
    })
}

/// Evaluates `expression` at `now` in the time zone `tz`.
pub fn state_at(expression: &str, tz: Tz, now: DateTime<Utc>) -> Result<OpenState, ValidationError> {
    let hours = parse(expression)?;
    let local = now.with_timezone(&tz).naive_local();
    Ok(OpenState {
        open: hours.is_open(local),
        next_change: hours.next_change(local),
    })
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
    fn rejects_nonsense() {
        assert_eq!(parse("whenever").unwrap_err().field, "opening_hours");
    }
}
