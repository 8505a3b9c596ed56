//! The Prometheus metrics endpoint, on its own listen address (`--metrics-listen`) so it is
//! never exposed with the site. Request counts and latencies are recorded as requests pass
//! (`crate::ops::observe`); the figures that live in the database are read at each scrape.

use std::net::SocketAddr;

use axum::Router;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use bluedot_store::Store;
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};

/// Latency buckets in seconds, from a cached page to a slow export.
const BUCKETS: [f64; 12] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0,
];

#[derive(Clone)]
struct Scrape {
    store: Store,
    handle: PrometheusHandle,
    review_after_days: i64,
}

/// Installs the recorder and serves `/metrics` on `listen` until the process ends.
pub async fn serve(
    listen: SocketAddr,
    store: Store,
    review_after_days: i64,
) -> std::io::Result<()> {
    let handle = PrometheusBuilder::new()
        .set_buckets(&BUCKETS)
        .map_err(std::io::Error::other)?
        .install_recorder()
        .map_err(std::io::Error::other)?;
    let listener = tokio::net::TcpListener::bind(listen).await?;
    let app = Router::new()
        .route("/metrics", get(scrape))
        .with_state(Scrape {
            store,
            handle,
            review_after_days,
        });
    tokio::spawn(async move {
        if let Err(e) = axum::serve(listener, app).await {
            tracing::error!(error = %e, "the metrics endpoint stopped");
        }
    });
    Ok(())
}

async fn scrape(State(s): State<Scrape>) -> Response {
    let now = s.store.now();
    let pool = s.store.pool_use();
    metrics::gauge!("bluedot_db_pool_connections", "state" => "open").set(pool.open as f64);
    metrics::gauge!("bluedot_db_pool_connections", "state" => "idle").set(pool.idle as f64);
    metrics::gauge!("bluedot_db_pool_connections", "state" => "max").set(pool.max as f64);
    let review_before = now - chrono::Duration::days(s.review_after_days);
    match s.store.operational_figures(now, review_before).await {
        Ok(f) => {
            metrics::gauge!("bluedot_transfer_deliveries_waiting").set(f.deliveries_waiting as f64);
            let age = f
                .oldest_delivery_waiting
                .map(|at| (now - at).num_seconds().max(0) as f64)
                .unwrap_or(0.0);
            metrics::gauge!("bluedot_transfer_oldest_waiting_seconds").set(age);
            metrics::gauge!("bluedot_audit_entries").set(f.audit_entries as f64);
            if let Some(at) = f.last_audit_entry {
                metrics::gauge!("bluedot_audit_last_entry_timestamp_seconds")
                    .set(at.timestamp() as f64);
            }
            metrics::gauge!("bluedot_directory_entries_due").set(f.directory_due as f64);
            metrics::gauge!("bluedot_sign_in_failures").set(f.sign_in_failures as f64);
            metrics::gauge!("bluedot_accounts_locked").set(f.accounts_locked as f64);
            metrics::gauge!("bluedot_database_up").set(1.0);
        }
        Err(e) => {
            tracing::warn!(error = %e, "metrics: the database did not answer");
            metrics::gauge!("bluedot_database_up").set(0.0);
        }
    }
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        s.handle.render(),
    )
        .into_response()
}
