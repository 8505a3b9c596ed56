//! Running the server as a service: `/healthz` and `/readyz` for load balancers and
//! orchestrators, one log line per request with a request id (returned as `x-request-id`), and
//! request counts and latencies for the metrics endpoint (`crate::metrics_endpoint`). Nothing here
//! records a query string, a form field or anything else that may hold personal data: a request
//! is known by its method, its route template and its status.

use std::sync::LazyLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use axum::Router;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::json;

use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
}

fn uncached(status: StatusCode, body: serde_json::Value) -> Response {
    (
        status,
        [(header::CACHE_CONTROL, "no-store")],
        axum::Json(body),
    )
        .into_response()
}

/// The process is alive and answering.
async fn healthz() -> Response {
    uncached(StatusCode::OK, json!({"status": "ok"}))
}

/// The process can serve: its database answers with every migration applied, and the keys
/// that staff work needs are loaded. 503 names what is missing.
async fn readyz(State(state): State<AppState>) -> Response {
    let ready = state.store.readiness().await;
    let keys = state.keys.is_some();
    let word = |ok: bool| if ok { "ok" } else { "missing" };
    let all = ready.database && ready.migrations && keys;
    uncached(
        if all {
            StatusCode::OK
        } else {
            StatusCode::SERVICE_UNAVAILABLE
        },
        json!({
            "status": if all { "ready" } else { "not ready" },
            "database": if ready.database { "ok" } else { "unreachable" },
            "migrations": if ready.migrations { "ok" } else { "pending" },
            "keys": word(keys),
        }),
    )
}

/// A request id a client or proxy may pass on: short and plain, else one is made.
fn request_id(req: &Request) -> String {
    req.headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .filter(|v| {
            !v.is_empty()
                && v.len() <= 64
                && v.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
        })
        .map(str::to_owned)
        .unwrap_or_else(next_request_id)
}

/// A random prefix per process and a counter: unique across restarts and instances without
/// asking the kernel for randomness on every request.
fn next_request_id() -> String {
    static PROCESS: LazyLock<String> =
        LazyLock::new(|| uuid::Uuid::new_v4().simple().to_string()[..12].to_owned());
    static NEXT: AtomicU64 = AtomicU64::new(1);
    format!("{}-{:x}", *PROCESS, NEXT.fetch_add(1, Ordering::Relaxed))
}

/// Logs and counts each request by its route template, never its path or query.
pub async fn observe(req: Request, next: Next) -> Response {
    let started = Instant::now();
    let id = request_id(&req);
    let method = req.method().as_str().to_owned();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_else(|| "unmatched".to_owned());
    let mut response = next.run(req).await;
    let status = response.status().as_u16();
    let seconds = started.elapsed().as_secs_f64();
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert("x-request-id", value);
    }
    tracing::info!(
        target: "bluedot::request",
        request_id = %id,
        method = %method,
        route = %route,
        status,
        duration_ms = (seconds * 1000.0 * 10.0).round() / 10.0,
        "request"
    );
    let status = status.to_string();
    metrics::counter!(
        "bluedot_http_requests_total",
        "method" => method.clone(),
        "route" => route.clone(),
        "status" => status
    )
    .increment(1);
    metrics::histogram!(
        "bluedot_http_request_duration_seconds",
        "method" => method,
        "route" => route
    )
    .record(seconds);
    response
}
