//! `bluedot planning`: the analysis of `bluedot_web::planning` as text, and demo arrivals.

use std::path::Path;

use anyhow::Context;
use bluedot_core::Hub;
use bluedot_core::planning::{Change, Reach, period_of};
use bluedot_web::planning::{Analysis, Refused, analyse, read_arrivals, read_places};
use chrono::NaiveDate;

/// The demo arrivals (`bluedot_demo::arrivals`) as the two CSV files `coverage` reads and
/// the planning page imports: places, and counts by day, hour band and mode.
fn demo_files(first: NaiveDate, days: u32) -> anyhow::Result<(String, String, usize, usize)> {
    let hubs = bluedot_demo::hubs(chrono::Utc::now());
    let (places, rows) = bluedot_demo::arrivals(&hubs, first, days);
    let mut out = csv::Writer::from_writer(Vec::new());
    out.write_record(["code", "name", "country", "lat", "lon"])?;
    for (code, name, country, lat, lon) in &places {
        out.write_record([code, name, *country, &lat.to_string(), &lon.to_string()])?;
    }
    let places_csv = String::from_utf8(out.into_inner()?)?;
    let mut out = csv::Writer::from_writer(Vec::new());
    out.write_record(["place", "date", "count", "hour_band", "mode"])?;
    for (code, date, band, mode, count) in &rows {
        out.write_record([code, &date.to_string(), &count.to_string(), band, *mode])?;
    }
    let arrivals_csv = String::from_utf8(out.into_inner()?)?;
    Ok((places_csv, arrivals_csv, places.len(), rows.len()))
}

/// Writes the demo arrivals as `demo-places.csv` and `demo-arrivals.csv` in `dir`.
pub fn write_demo(dir: &Path, first: NaiveDate, days: u32) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let (places, arrivals, n_places, n_rows) = demo_files(first, days)?;
    std::fs::write(dir.join("demo-places.csv"), places)?;
    std::fs::write(dir.join("demo-arrivals.csv"), arrivals)?;
    println!(
        "{n_places} places and {n_rows} rows of demo arrivals written to {}",
        dir.display()
    );
    Ok(())
}

/// Imports `days` days of demo arrivals from `first` through the readers an import takes,
/// marked as demo; returns the number of counts.
pub async fn load_demo(
    store: &bluedot_store::Store,
    first: NaiveDate,
    days: u32,
) -> anyhow::Result<usize> {
    let (places, arrivals, _, _) = demo_files(first, days)?;
    let failed = |r: Vec<Refused>| anyhow::anyhow!("demo arrivals refused: {:?}", r.first());
    let places = read_places(&places).map_err(failed)?;
    let counts = read_arrivals(&arrivals, &places).map_err(failed)?;
    let change = bluedot_store::audit::Change::by_system("demo");
    Ok(store
        .import_arrivals(&places, &counts, true, &change)
        .await?
        .rows)
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
    let known = read_places(&read(places_file)?).map_err(|r| refusals(places_file, r))?;
    let counts =
        read_arrivals(&read(arrivals_file)?, &known).map_err(|r| refusals(arrivals_file, r))?;
    let period = period_of(&counts).context("no arrivals in the file")?;
    let analysis = analyse(&known, &counts, period, hubs, reach, band_hours, slots)?;
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
                Change::Team => format!("a team at {} {hours}", c.name),
                Change::LongerHours => format!("{} open also {hours}", c.at),
                Change::NewHub => format!("a hub at {}", c.name),
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
