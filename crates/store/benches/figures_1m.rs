//! Figures at the scale of the whole network: 1,000,000 visits over a year at the demo hubs,
//! on SQLite and (when reachable) PostgreSQL. Prints how long loading took and how long the
//! tallies behind the network dashboard take for the last 30 days and for the whole year.
//! Run with `cargo bench -p bluedot-store --bench figures_1m`.

use std::time::Instant;

use bluedot_store::Store;
use bluedot_store::visits::NewVisit;
use chrono::{Days, NaiveDate};
use sqlx::Connection;

const VISITS: usize = 1_000_000;
const POSTGRES: &str = "postgres://postgres@127.0.0.1:5432";

fn history(last: NaiveDate) -> (Vec<bluedot_core::Hub>, Vec<NewVisit>) {
    let hubs = bluedot_demo::hubs(chrono::Utc::now());
    let mut visits: Vec<NewVisit> = bluedot_demo::visits(&hubs, last, 365, 70)
        .into_iter()
        .map(|v| NewVisit::imported(v.hub, v.country, v.day, v.key, v.draft))
        .collect();
    assert!(visits.len() >= VISITS, "generated {} visits", visits.len());
    visits.truncate(VISITS);
    (hubs, visits)
}

async fn run(
    name: &str,
    store: &Store,
    hubs: &[bluedot_core::Hub],
    visits: &[NewVisit],
    last: NaiveDate,
) {
    store.migrate().await.unwrap();
    for hub in hubs {
        store
            .save_hub(
                &bluedot_store::audit::Change::by_system("bench"),
                hub,
                bluedot_store::directory::Expected::Any,
                bluedot_store::directory::Edit::Import,
            )
            .await
            .unwrap();
    }
    let started = Instant::now();
    for chunk in visits.chunks(50_000) {
        store.import_visits(chunk).await.unwrap();
    }
    println!(
        "{name}: {} visits loaded in {:.1} s",
        visits.len(),
        started.elapsed().as_secs_f64()
    );
    for (label, days) in [("last 30 days", 29), ("whole year", 364)] {
        let from = last - Days::new(days);
        let mut times = Vec::new();
        let mut rows = 0;
        for _ in 0..5 {
            let t = Instant::now();
            rows = store.tallies(from, last).await.unwrap().len();
            times.push(t.elapsed().as_secs_f64() * 1000.0);
        }
        times.sort_by(f64::total_cmp);
        println!(
            "{name}: network tallies, {label}: median {:.0} ms, worst {:.0} ms ({rows} tallies)",
            times[2], times[4]
        );
    }
}

#[tokio::main]
async fn main() {
    let last = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
    let (hubs, visits) = history(last);
    let dir = std::env::temp_dir().join(format!("bluedot-bench-{}", uuid::Uuid::now_v7()));
    std::fs::create_dir_all(&dir).unwrap();
    let sqlite = Store::open_sqlite(&dir.join("bench.db"))
        .await
        .unwrap()
        .with_audit_keys(bluedot_store::audit::AuditKeys::generate("bench"));
    run("sqlite", &sqlite, &hubs, &visits, last).await;
    sqlite.close().await;
    std::fs::remove_dir_all(&dir).ok();

    let mut admin = match sqlx::PgConnection::connect(&format!("{POSTGRES}/postgres")).await {
        Ok(admin) => admin,
        Err(e) => {
            println!("postgres: not reachable at {POSTGRES} ({e}), skipped");
            return;
        }
    };
    let db = format!("bluedot_bench_{}", uuid::Uuid::now_v7().simple());
    let create = format!("CREATE DATABASE {db}");
    sqlx::query(&create).execute(&mut admin).await.unwrap();
    let store = Store::connect(&format!("{POSTGRES}/{db}"))
        .await
        .unwrap()
        .with_audit_keys(bluedot_store::audit::AuditKeys::generate("bench"));
    run("postgres", &store, &hubs, &visits, last).await;
    store.close().await;
    let drop = format!("DROP DATABASE {db}");
    sqlx::query(&drop).execute(&mut admin).await.unwrap();
}
