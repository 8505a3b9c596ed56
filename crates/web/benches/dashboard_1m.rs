//! The figures dashboard at the scale of the whole network: 1,000,000 visits over a year and
//! 100,000 children with open cases at the demo hubs, on SQLite and (when reachable)
//! PostgreSQL. Each page and export goes through the real router as a signed-in coordinator
//! who sees everything; prints the median and worst of five requests.
//! Run with `cargo bench -p bluedot-web --bench dashboard_1m`.

use std::time::Instant;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use bluedot_core::Hub;
use bluedot_core::policy::{Role, Scope};
use bluedot_store::Store;
use bluedot_store::accounts::SessionLimits;
use bluedot_store::crypto::KeyRing;
use bluedot_store::visits::NewVisit;
use bluedot_web::{AppState, WebConfig};
use chrono::{Days, NaiveDate, Utc};
use sqlx::Connection;
use tower::ServiceExt;
use uuid::Uuid;

const VISITS: usize = 1_000_000;
const CASES: usize = 100_000;
const POSTGRES: &str = "postgres://postgres@127.0.0.1:5432";

fn history(hubs: &[Hub], last: NaiveDate) -> Vec<NewVisit> {
    let mut visits: Vec<NewVisit> = bluedot_demo::visits(hubs, last, 365, 70)
        .into_iter()
        .map(|v| NewVisit::imported(v.hub, v.country, v.day, v.key, v.draft))
        .collect();
    assert!(visits.len() >= VISITS, "generated {} visits", visits.len());
    visits.truncate(VISITS);
    visits
}

/// Children and their cases written straight into the tables: creating 100,000 through the
/// store one transaction at a time would take most of an hour with durable commits.
macro_rules! insert_cases {
    ($conn:expr, $hubs:expr, $worker:expr) => {{
        let mut tx = $conn.begin().await.unwrap();
        let now = Utc::now();
        for i in 0..CASES {
            let hub = &$hubs[i % $hubs.len()];
            let person = Uuid::now_v7();
            // Spread over the year, so that each period holds its share.
            let at = now - chrono::Duration::minutes((i as i64 * 5) % (365 * 24 * 60));
            sqlx::query(
                "INSERT INTO people (id, hub_id, country, status, sex, birth_year, needs,
                     registered_at, updated_at, registered_day)
                 VALUES ($1, $2, $3, 'active', 'female', 2014, $4, $5, $5, $6)",
            )
            .bind(person)
            .bind(hub.id)
            .bind(hub.country.code())
            .bind(sqlx::types::Json(["unaccompanied-child", "child-at-risk"]))
            .bind(at)
            .bind(hub.country.local_day(at))
            .execute(&mut *tx)
            .await
            .unwrap();
            sqlx::query(
                "INSERT INTO cases (id, person_id, hub_id, country, case_number, stage, risk,
                     concerns, uasc, assigned_to, opened_at, assessment_due, bia, bid_required,
                     bid, caregiver_verified, birth_registration, version, updated_at,
                     opened_day)
                 VALUES ($1, $2, $3, $4, $5, 'assessment', 'high', $6, TRUE, $7, $8, $8,
                     'not-started', FALSE, 'not-started', FALSE, 'not-needed', 1, $8, $9)",
            )
            .bind(Uuid::now_v7())
            .bind(person)
            .bind(hub.id)
            .bind(hub.country.code())
            .bind(format!("BENCH-{i:06}"))
            .bind(sqlx::types::Json(["unaccompanied"]))
            .bind($worker)
            .bind(at)
            .bind(hub.country.local_day(at))
            .execute(&mut *tx)
            .await
            .unwrap();
        }
        tx.commit().await.unwrap();
    }};
}

async fn get(app: &Router, cookie: &str, path: &str) -> (StatusCode, usize) {
    let request = Request::get(path)
        .header(header::COOKIE, cookie)
        .header(header::HOST, "localhost")
        .body(Body::empty())
        .unwrap();
    let response = app.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let body = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .unwrap();
    (status, body.len())
}

async fn run(name: &str, store: Store, url: &str, hubs: &[Hub], visits: &[NewVisit]) {
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
    let everywhere = Scope {
        everywhere: true,
        ..Scope::default()
    };
    let lead = store
        .create_user(
            "lead",
            "Network lead",
            Role::CountryCoordinator,
            &everywhere,
            &bluedot_store::audit::Change::by_system("bench"),
        )
        .await
        .unwrap()
        .id;
    if url.starts_with("postgres") {
        let mut conn = sqlx::PgConnection::connect(url).await.unwrap();
        insert_cases!(conn, hubs, lead);
        // What autovacuum does soon after a bulk load in service: statistics, and the
        // visibility map that lets counts be read from the indexes alone.
        sqlx::query("VACUUM ANALYZE")
            .execute(&mut conn)
            .await
            .unwrap();
    } else {
        let mut conn = sqlx::SqliteConnection::connect(url).await.unwrap();
        insert_cases!(conn, hubs, lead);
    }
    println!(
        "{name}: {} visits and {CASES} cases loaded in {:.1} s",
        visits.len(),
        started.elapsed().as_secs_f64()
    );
    let token = store
        .create_session(lead, true, SessionLimits::default())
        .await
        .unwrap();
    let cookie = format!("{}={token}", bluedot_web::staff::SESSION_COOKIE);
    let keys = KeyRing::parse(&KeyRing::generate_spec("bench")).unwrap();
    let app = bluedot_web::router(AppState::new(store, WebConfig::default()).with_keys(keys));
    let today = Utc::now().date_naive();
    let year = format!("from={}&to={today}", today - Days::new(364));
    let pages = [
        (
            "network dashboard, last 30 days",
            "/staff/figures".to_owned(),
        ),
        (
            "network dashboard, a year by month",
            format!("/staff/figures?{year}&by=month"),
        ),
        (
            "country dashboard (RO), a year by week",
            format!("/staff/figures?{year}&by=week&country=RO"),
        ),
        (
            "country export CSV (RO), last 30 days",
            "/staff/figures.csv?country=RO".to_owned(),
        ),
        (
            "country export CSV (RO), a year by month",
            format!("/staff/figures.csv?{year}&by=month&country=RO"),
        ),
        (
            "country export XLSX (RO), a year by month",
            format!("/staff/figures.xlsx?{year}&by=month&country=RO"),
        ),
    ];
    for (label, path) in pages {
        let mut times = Vec::new();
        let mut size = 0;
        for _ in 0..5 {
            let t = Instant::now();
            let (status, bytes) = get(&app, &cookie, &path).await;
            times.push(t.elapsed().as_secs_f64() * 1000.0);
            assert_eq!(status, StatusCode::OK, "{path}");
            size = bytes;
        }
        times.sort_by(f64::total_cmp);
        println!(
            "{name}: {label}: median {:.0} ms, worst {:.0} ms ({} kB)",
            times[2],
            times[4],
            size / 1024
        );
    }
}

#[tokio::main]
async fn main() {
    let hubs = bluedot_demo::hubs(Utc::now());
    let visits = history(&hubs, Utc::now().date_naive() - Days::new(1));
    let dir = std::env::temp_dir().join(format!("bluedot-bench-{}", Uuid::now_v7()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("bench.db");
    let sqlite = Store::open_sqlite(&file)
        .await
        .unwrap()
        .with_audit_keys(bluedot_store::audit::AuditKeys::generate("bench"));
    let url = format!("sqlite://{}", file.display());
    run("sqlite", sqlite.clone(), &url, &hubs, &visits).await;
    sqlite.close().await;
    std::fs::remove_dir_all(&dir).ok();

    let mut admin = match sqlx::PgConnection::connect(&format!("{POSTGRES}/postgres")).await {
        Ok(admin) => admin,
        Err(e) => {
            println!("postgres: not reachable at {POSTGRES} ({e}), skipped");
            return;
        }
    };
    let db = format!("bluedot_bench_{}", Uuid::now_v7().simple());
    let create = format!("CREATE DATABASE {db}");
    sqlx::query(&create).execute(&mut admin).await.unwrap();
    let url = format!("{POSTGRES}/{db}");
    let store = Store::connect(&url)
        .await
        .unwrap()
        .with_audit_keys(bluedot_store::audit::AuditKeys::generate("bench"));
    run("postgres", store.clone(), &url, &hubs, &visits).await;
    store.close().await;
    let drop = format!("DROP DATABASE {db} WITH (FORCE)");
    sqlx::query(&drop).execute(&mut admin).await.unwrap();
}
