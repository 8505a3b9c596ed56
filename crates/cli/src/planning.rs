//! `bluedot planning`: the analysis of `bluedot_web::planning` as text, and demo arrivals.

use std::path::Path;

use anyhow::Context;
use bluedot_core::Hub;
use bluedot_core::planning::Reach;
use bluedot_web::planning::{Analysis, Change, Refused, analyse, read_arrivals, read_places};
use chrono::NaiveDate;

/// Writes the demo arrivals (`bluedot_demo::arrivals`) as the two files `coverage` reads.
pub fn write_demo(dir: &Path, first: NaiveDate, days: u32) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let hubs = bluedot_demo::hubs(chrono::Utc::now());
    let (places, rows) = bluedot_demo::arrivals(&hubs, first, days);
    let mut out = csv::Writer::from_path(dir.join("demo-places.csv"))?;
    out.write_record(["code", "name", "country", "lat", "lon"])?;
    for (code, name, country, lat, lon) in &places {
        out.write_record([code, name, *country, &lat.to_string(), &lon.to_string()])?;
    }
    out.flush()?;
    let mut out = csv::Writer::from_path(dir.join("demo-arrivals.csv"))?;
    out.write_record(["place", "date", "count", "hour_band", "mode"])?;
    for (code, date, band, mode, count) in &rows {
        out.write_record([code, &date.to_string(), &count.to_string(), band, *mode])?;
    }
    out.flush()?;
    println!(
        "{} places and {} rows of demo arrivals written to {}",
        places.len(),
        rows.len(),
        dir.display()
    );
    Ok(())
}

/// The hour a band ends, as statistics write it: 24 for midnight at its end, past midnight
/// from 0 again.
fn band_end(first: u8, hours: u8) -> u8 {
    let end = first + hours;
    if end > 24 { end - 24 } else { end }
}

/// Reads the two files and prints the analysis; a refused row stops it, with every refused
/// row reported by line.
pub fn report(
    places_file: &Path,
    arrivals_file: &Path,
    hubs: &[Hub],
    reach: Reach,
    band_hours: u8,
    slots: usize,
    out: &mut impl std::io::Write,
) -> anyhow::Result<()> {
    let read = |p: &Path| {
        std::fs::read_to_string(p).with_context(|| format!("cannot read {}", p.display()))
    };
    let refusals = |file: &Path, refused: Vec<Refused>| {
        let lines: Vec<String> = refused
            .iter()
            .map(|r| format!("{}:{}: {}", file.display(), r.line, r.reason))
            .collect();
        anyhow::anyhow!(
            "rows refused: {}; nothing was used:\n{}",
            refused.len(),
            lines.join("\n")
        )
    };
    let (known, by_code) =
        read_places(&read(places_file)?).map_err(|r| refusals(places_file, r))?;
    let (period, arrivals) =
        read_arrivals(&read(arrivals_file)?, &by_code).map_err(|r| refusals(arrivals_file, r))?;
    let analysis = analyse(&known, period, &arrivals, hubs, reach, band_hours, slots)?;
    write(&analysis, reach, out)
}

fn write(a: &Analysis, reach: Reach, out: &mut impl std::io::Write) -> anyhow::Result<()> {
    let share = |covered: f64| 100.0 * covered / a.arrived.max(1.0);
    writeln!(
        out,
        "{} to {}: {:.0} arrivals at {} places, {:.1} % with a hub open within {} km by road (road factor {})",
        a.period.first,
        a.period.date(a.period.days - 1),
        a.arrived,
        a.places,
        share(a.covered),
        reach.radius_km,
        reach.road_factor
    )?;
    for (country, arrived, covered) in &a.countries {
        writeln!(
            out,
            "  {}: {:.1} % of {arrived:.0}",
            country.code(),
            100.0 * covered / arrived
        )?;
    }
    writeln!(out, "worst gaps (place, hours, arrivals with no hub open):")?;
    for g in &a.gaps {
        writeln!(
            out,
            "  {} {:02}-{:02}: {:.0}",
            g.place,
            g.first_hour,
            band_end(g.first_hour, g.hours),
            g.missed
        )?;
    }
    for s in &a.suggestions {
        let (title, k) = match s.change {
            Change::Team => ("mobile-team slots (every day)", s.chosen.len()),
            Change::LongerHours => ("hubs open longer", s.chosen.len()),
            Change::NewHub => ("new hubs, round the clock", s.chosen.len()),
        };
        writeln!(out, "{title}:")?;
        if s.chosen.is_empty() {
            writeln!(out, "  none would add arrivals")?;
            continue;
        }
        for c in &s.chosen {
            let hours = format!("{:02}-{:02}", c.first_hour, band_end(c.first_hour, c.hours));
            let what = match s.change {
                Change::Team => format!("a team at {} {hours}", c.at),
                Change::LongerHours => format!("{} open also {hours}", c.at),
                Change::NewHub => format!("a hub at {}", c.at),
            };
            writeln!(out, "  {what}: +{:.0}", c.added)?;
        }
        writeln!(
            out,
            "  together +{:.0} arrivals ({:.1} % covered); no {k} could add more than {:.0}",
            s.added,
            share(a.covered + s.added),
            s.bound
        )?;
    }
    Ok(())
}
