//! Demo arrivals for network planning: counts by place, day and hour band at the demo
//! network's crossings and stations, and at a few crossings with no hub, in the shape border
//! statistics publish them. Invented, deterministic, and marked as demo in every place name.
//! Road crossings are busiest by day, ferry and rail crossings also at night; weekends are
//! busier.

use bluedot_core::{Hub, HubKind};
use chrono::{Datelike, Duration, NaiveDate};

/// A place arrivals are counted at: code, name, country code, latitude, longitude.
pub type DemoPlace = (String, String, &'static str, f64, f64);

/// One row of arrivals: place code, date, hour band (`HH-HH`), mode, count.
pub type DemoArrivals = (String, NaiveDate, String, &'static str, u32);

/// How people cross at a place, which sets the shape of its day.
#[derive(Clone, Copy)]
enum Mode {
    Road,
    Rail,
    Ferry,
}

impl Mode {
    fn code(self) -> &'static str {
        match self {
            Mode::Road => "road",
            Mode::Rail => "rail",
            Mode::Ferry => "ferry",
        }
    }

    /// The share of a day's arrivals in each four-hour band from midnight.
    fn day_shape(self) -> [f64; 6] {
        match self {
            Mode::Road => [0.05, 0.10, 0.25, 0.30, 0.20, 0.10],
            // Night trains arrive in the small hours.
            Mode::Rail => [0.25, 0.20, 0.15, 0.15, 0.10, 0.15],
            Mode::Ferry => [0.30, 0.15, 0.10, 0.10, 0.10, 0.25],
        }
    }
}

/// Crossings of the network's borders where no demo hub stands (road unless said).
const WITHOUT_HUB: [(&str, &str, &str, f64, f64, Mode); 6] = [
    ("halmeu", "Halmeu", "RO", 47.9797, 23.0167, Mode::Road),
    (
        "vicovu-de-sus",
        "Vicovu de Sus",
        "RO",
        47.9314,
        25.6806,
        Mode::Road,
    ),
    (
        "giurgiulesti",
        "Giurgiulești",
        "MD",
        45.4800,
        28.1950,
        Mode::Ferry,
    ),
    ("korczowa", "Korczowa", "PL", 49.9553, 23.0817, Mode::Road),
    ("tiszabecs", "Tiszabecs", "HU", 48.1036, 22.8219, Mode::Road),
    (
        "velke-slemence",
        "Veľké Slemence",
        "SK",
        48.5133,
        22.1481,
        Mode::Road,
    ),
];

/// A small deterministic generator, so the demo is the same every time.
struct Rng(u64);

impl Rng {
    fn unit(&mut self) -> f64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// The places and `days` days of arrivals from `first`: the demo hubs at crossings and
/// stations, and the crossings without a hub.
pub fn arrivals(hubs: &[Hub], first: NaiveDate, days: u32) -> (Vec<DemoPlace>, Vec<DemoArrivals>) {
    let mut places: Vec<(DemoPlace, Mode, f64)> = Vec::new();
    for hub in hubs {
        let mode = match hub.kind {
            HubKind::BorderCrossing if hub.slug.starts_with("isaccea") => Mode::Ferry,
            HubKind::BorderCrossing => Mode::Road,
            HubKind::Station => Mode::Rail,
            _ => continue,
        };
        let name = hub.name.text(bluedot_core::Lang::En).to_owned();
        let size = if matches!(mode, Mode::Rail) {
            300.0
        } else {
            600.0
        };
        places.push((
            (
                hub.slug.to_uppercase(),
                format!("{name} (demo)"),
                hub.country.code(),
                hub.location.lat,
                hub.location.lon,
            ),
            mode,
            size,
        ));
    }
    for (code, name, country, lat, lon, mode) in WITHOUT_HUB {
        places.push((
            (
                code.to_uppercase(),
                format!("{name} (demo)"),
                country,
                lat,
                lon,
            ),
            mode,
            250.0,
        ));
    }
    let mut rng = Rng(0x2022_0224_0000_0001);
    let mut rows = Vec::new();
    for ((code, ..), mode, size) in &places {
        for d in 0..days {
            let date = first + Duration::days(i64::from(d));
            let weekend = date.weekday().number_from_monday() >= 6;
            let day_total = size * if weekend { 1.3 } else { 1.0 } * (0.8 + 0.4 * rng.unit());
            for (band, share) in mode.day_shape().iter().enumerate() {
                let count = (day_total * share * (0.85 + 0.3 * rng.unit())).round() as u32;
                let from = band * 4;
                rows.push((
                    code.clone(),
                    date,
                    format!("{from:02}-{:02}", from + 4),
                    mode.code(),
                    count,
                ));
            }
        }
    }
    (places.into_iter().map(|(p, ..)| p).collect(), rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ferry_and_rail_crossings_have_night_arrivals_and_every_place_says_demo() {
        let hubs = crate::hubs(chrono::Utc::now());
        let first = NaiveDate::from_ymd_opt(2026, 11, 1).unwrap();
        let (places, rows) = arrivals(&hubs, first, 28);
        assert!(places.iter().all(|p| p.1.ends_with("(demo)")));
        let night_share = |code: &str| {
            let of = |night: bool| -> u32 {
                rows.iter()
                    .filter(|r| r.0 == code && (r.2 == "00-04") == night)
                    .map(|r| r.4)
                    .sum()
            };
            f64::from(of(true)) / f64::from(of(true) + of(false))
        };
        assert!(
            night_share("ISACCEA-BORDER") > 0.2,
            "the ferry arrives at night"
        );
        assert!(
            night_share("SIRET-BORDER") < 0.1,
            "the road crossing by day"
        );
        assert_eq!(rows.len(), places.len() * 28 * 6);
    }
}
