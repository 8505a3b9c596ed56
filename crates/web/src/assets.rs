//! Static files compiled into the binary: styles, scripts, the map library and its offline
//! basemap, icons, the web app manifest and the service worker.
//!
//! Files are addressed with a content hash in the query (`/static/app.css?v=...`) by the
//! templates, so they can be cached for a long time and still change with a release.

use std::sync::LazyLock;

use axum::Router;
use axum::extract::Path;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use rust_embed::RustEmbed;

use crate::AppState;

#[derive(RustEmbed)]
#[folder = "static/"]
struct Static;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/static/{*path}", get(static_file))
        .route("/sw.js", get(service_worker))
        .route("/manifest.webmanifest", get(manifest))
        .route("/favicon.ico", get(favicon))
}

/// A short hash of every static file together: the cache-busting version in asset URLs and the
/// name of the service worker's cache.
pub static VERSION: LazyLock<String> = LazyLock::new(|| {
    let mut names: Vec<_> = Static::iter().collect();
    names.sort();
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for name in names {
        if let Some(file) = Static::get(&name) {
            for b in name.bytes().chain(file.metadata.sha256_hash()) {
                hash = (hash ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
            }
        }
    }
    format!("{:012x}", hash & 0xffff_ffff_ffff)
});

fn content_type(path: &str) -> &'static str {
    match path.rsplit('.').next() {
        Some("css") => "text/css; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("json") | Some("geojson") => "application/json",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        _ => "application/octet-stream",
    }
}

fn file_response(path: &str, cache: &'static str) -> Response {
    match Static::get(path) {
        Some(file) => (
            [
                (
                    header::CONTENT_TYPE,
                    HeaderValue::from_static(content_type(path)),
                ),
                (header::CACHE_CONTROL, HeaderValue::from_static(cache)),
            ],
            file.data,
        )
            .into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

async fn static_file(Path(path): Path<String>) -> Response {
    file_response(&path, "public, max-age=604800")
}

async fn favicon() -> Response {
    file_response("icon.svg", "public, max-age=604800")
}

/// The service worker must be served from the root to control every language's pages, and
/// must always be revalidated so a new release reaches visitors.
async fn service_worker() -> Response {
    let Some(file) = Static::get("sw.js") else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let script = String::from_utf8_lossy(&file.data).replace("__VERSION__", &VERSION);
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
            (
                header::HeaderName::from_static("service-worker-allowed"),
                "/",
            ),
        ],
        script,
    )
        .into_response()
}

async fn manifest() -> Response {
    let body = serde_json::json!({
        "name": "Digital Blue Dot",
        "short_name": "Blue Dot",
        "description": "Find a Blue Dot support hub for refugees: services, opening hours, your rights.",
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#0b5cab",
        "icons": [
            {"src": format!("/static/icon.svg?v={}", *VERSION), "sizes": "any", "type": "image/svg+xml", "purpose": "any maskable"}
        ]
    });
    (
        [
            (header::CONTENT_TYPE, "application/manifest+json"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        body.to_string(),
    )
        .into_response()
}

/// A static file's bytes, for code that reads the shipped data (the country outlines).
pub fn file(path: &str) -> Option<Vec<u8>> {
    Static::get(path).map(|f| f.data.into_owned())
}
