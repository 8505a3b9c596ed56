//! Network planning at the size of a year: hourly arrivals at 500 places against 40 hubs with
//! their hours, and a recommendation of 10 mobile-team slots among 5,000 candidates. Prints the
//! time of each. Run with `cargo bench -p bluedot-core --bench planning`.

use std::time::Instant;

use bluedot_core::geo::Point;
use bluedot_core::planning::{
    Arrivals, Days, OpenHours, Period, Place, Reach, Site, Slot, coverage, recommend,
};
use chrono::NaiveDate;

/// A small deterministic generator, so every run measures the same data.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

fn main() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let period = Period {
        first: NaiveDate::from_ymd_opt(2025, 1, 1).unwrap(),
        days: 365,
    };
    // Places along a border about 600 km long, hubs among them.
    let places: Vec<Place> = (0..500)
        .map(|i| Place {
            name: format!("place {i}"),
            location: Point::new(45.0 + 5.0 * rng.unit(), 22.0 + 6.0 * rng.unit()).unwrap(),
        })
        .collect();
    let schedules = [
        "24/7",
        "Mo-Su 08:00-20:00",
        "Mo-Fr 09:00-18:00",
        "Mo-Su 07:00-23:00",
    ];
    let started = Instant::now();
    let hubs: Vec<Site> = (0..40)
        .map(|i| Site {
            location: places[(i * 12) % places.len()].location,
            open: OpenHours::from_schedule(
                period,
                schedules[i % 4],
                &[],
                chrono_tz::Europe::Bucharest,
            )
            .unwrap(),
        })
        .collect();
    let hours_built = started.elapsed();
    // Every place, every hour of the year: busier by day and at weekends, some places mostly
    // at night (ferries, night trains).
    let mut arrivals = Vec::with_capacity(places.len() * 365 * 24);
    for place in 0..places.len() as u32 {
        let night = place % 7 == 0;
        let size = 1.0 + 20.0 * rng.unit();
        for day in 0..period.days {
            let weekend = matches!(
                period.date(day).format("%u").to_string().as_str(),
                "6" | "7"
            );
            for hour in 0..24u8 {
                let daytime = (8..20).contains(&hour);
                let shape = if night != daytime { 1.0 } else { 0.2 };
                let count = (size * shape * if weekend { 1.4 } else { 1.0 } * rng.unit()).round();
                if count > 0.0 {
                    arrivals.push(Arrivals {
                        place,
                        day,
                        hour,
                        count,
                    });
                }
            }
        }
    }
    let reach = Reach::default();
    let started = Instant::now();
    let covered = coverage(&places, &hubs, &arrivals, reach);
    let coverage_time = started.elapsed();
    println!(
        "coverage of {} place-hours ({} places × 365 days × 24 h) against {} hubs: {:.3} s \
         (hours of the hubs {:.3} s); {:.1} % covered",
        arrivals.len(),
        places.len(),
        hubs.len(),
        coverage_time.as_secs_f64(),
        hours_built.as_secs_f64(),
        100.0 * covered.share()
    );
    // 5,000 candidate slots: 500 places × 10 (bands of 4 h through the day, and two evening
    // and night bands on weekends).
    let mut candidates: Vec<Slot> = Vec::with_capacity(5_000);
    for place in &places {
        let location = place.location;
        for first_hour in (0..24u8).step_by(3) {
            candidates.push(Slot {
                location,
                first_hour,
                hours: 4,
                days: Days::Every,
            });
        }
        for first_hour in [18u8, 22] {
            candidates.push(Slot {
                location,
                first_hour,
                hours: 4,
                days: Days::Weekend,
            });
        }
    }
    let started = Instant::now();
    let plan = recommend(&places, &covered.uncovered, period, &candidates, reach, 10);
    let recommend_time = started.elapsed();
    println!(
        "k = 10 among {} candidate slots: {:.3} s; adds {:.0} arrivals (bound {:.0}, {:.1} % of it)",
        candidates.len(),
        recommend_time.as_secs_f64(),
        plan.added(),
        plan.bound,
        100.0 * plan.added() / plan.bound
    );
}
