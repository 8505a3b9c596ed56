//! Finished responses kept in memory, plain and compressed with brotli and gzip, each under the
//! version of the data it was made from: the open-data lists, and the public pages
//! ([`serve_public_page`]). A repeated request costs a map look-up and a copy of a reference,
//! not a rebuild and a compression; a client that already holds the response gets
//! `304 Not Modified` from its `ETag`.

use std::collections::HashMap;
use std::io::Write;
use std::sync::{Arc, Mutex};

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::Value;
use sha2::{Digest, Sha256};

/// What the cache may hold, in bytes of bodies: lists by place and filter are few, but
/// `lat`/`long` and paging make many distinct requests, and a client could ask for them on
/// purpose to fill memory.
const MAX_BYTES: usize = 64 * 1024 * 1024;

#[derive(Default)]
pub struct ResponseCache {
    entries: Mutex<Entries>,
    /// One gate per address being rendered: when a page's period ends, the many requests that
    /// arrive for it wait for one rendering rather than each rendering it again.
    rendering: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
}

#[derive(Default)]
struct Entries {
    map: HashMap<String, Arc<CachedBody>>,
    bytes: usize,
}

pub struct CachedBody {
    version: String,
    etag: HeaderValue,
    /// The original response's own headers (type, caching rules, language).
    headers: HeaderMap,
    plain: Bytes,
    gzip: Bytes,
    brotli: Bytes,
}

impl ResponseCache {
    /// The JSON response for `key` made from data at `version`, built by `build` if there is
    /// none.
    pub fn get_or_build(
        &self,
        key: &str,
        version: &str,
        build: impl FnOnce() -> Value,
    ) -> Arc<CachedBody> {
        if let Some(hit) = self.get(key, version) {
            return hit;
        }
        // Built outside the lock: other requests are served meanwhile.
        let headers = HeaderMap::from_iter([
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            ),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=60"),
            ),
        ]);
        let body = Bytes::from(build().to_string());
        self.insert(key, CachedBody::new(version, headers, body))
    }

    /// The response held for `key`, if it was made from data at `version`.
    pub fn get(&self, key: &str, version: &str) -> Option<Arc<CachedBody>> {
        self.lock()
            .map
            .get(key)
            .filter(|b| b.version == version)
            .cloned()
    }

    /// Keeps `body` for `key`, making room by dropping older versions first, then everything.
    pub fn insert(&self, key: &str, body: CachedBody) -> Arc<CachedBody> {
        let body = Arc::new(body);
        let mut entries = self.lock();
        if entries.bytes + body.size() > MAX_BYTES {
            let version = &body.version;
            entries.map.retain(|_, b| &b.version == version);
            if entries.map.values().map(|b| b.size()).sum::<usize>() + body.size() > MAX_BYTES {
                entries.map.clear();
            }
            entries.bytes = entries.map.values().map(|b| b.size()).sum();
        }
        if let Some(old) = entries.map.insert(key.to_owned(), body.clone()) {
            entries.bytes -= old.size();
        }
        entries.bytes += body.size();
        body
    }

    /// The gate for rendering `key`, left (and forgotten by the last to leave) when dropped,
    /// also when a client goes away mid-render.
    fn gate(&self, key: &str) -> RenderGate<'_> {
        let mut rendering = self.rendering.lock().unwrap_or_else(|e| e.into_inner());
        RenderGate {
            cache: self,
            key: key.to_owned(),
            gate: rendering.entry(key.to_owned()).or_default().clone(),
        }
    }

    /// Bytes of bodies held now.
    pub fn bytes(&self) -> usize {
        self.lock().bytes
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Entries> {
        // A panic while holding the lock leaves a map that is still whole.
        self.entries.lock().unwrap_or_else(|e| e.into_inner())
    }
}

struct RenderGate<'a> {
    cache: &'a ResponseCache,
    key: String,
    gate: Arc<tokio::sync::Mutex<()>>,
}

impl Drop for RenderGate<'_> {
    fn drop(&mut self) {
        let mut rendering = self
            .cache
            .rendering
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        // The map's own reference and this one: nobody else waits.
        if Arc::strong_count(&self.gate) <= 2 {
            rendering.remove(&self.key);
        }
    }
}

impl CachedBody {
    /// A body made from data at `version`, compressed once here for every later request.
    pub fn new(version: &str, headers: HeaderMap, plain: Bytes) -> CachedBody {
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        gz.write_all(&plain)
            .expect("writing to memory does not fail");
        let gzip = Bytes::from(gz.finish().expect("writing to memory does not fail"));
        // Quality 9 of 11: nearly the smallest, at a fraction of the time of the slowest levels;
        // paid once per version, where visitors on roaming data pay for every byte.
        let mut br = brotli::CompressorWriter::new(Vec::new(), 4096, 9, 22);
        br.write_all(&plain)
            .expect("writing to memory does not fail");
        let brotli = Bytes::from(br.into_inner());
        // Weak: the plain and the compressed bodies are the same resource.
        let etag = format!("W/\"{}\"", hex::encode(&Sha256::digest(&plain)[..16]));
        CachedBody {
            version: version.to_owned(),
            etag: HeaderValue::from_str(&etag).expect("hex is a valid header value"),
            headers,
            plain,
            gzip,
            brotli,
        }
    }

    fn size(&self) -> usize {
        self.plain.len() + self.gzip.len() + self.brotli.len()
    }

    /// The answer to a request with these headers: 304 if the client holds this version,
    /// else the body, compressed as the client accepts (brotli, then gzip).
    pub fn respond(&self, request: &HeaderMap) -> Response {
        let mut headers = self.headers.clone();
        headers.insert(header::ETAG, self.etag.clone());
        headers.insert(header::VARY, HeaderValue::from_static("Accept-Encoding"));
        if matches_etag(request, &self.etag) {
            headers.remove(header::CONTENT_TYPE);
            return (StatusCode::NOT_MODIFIED, headers).into_response();
        }
        let (encoding, body) = if accepts(request, "br") {
            (Some("br"), &self.brotli)
        } else if accepts(request, "gzip") {
            (Some("gzip"), &self.gzip)
        } else {
            (None, &self.plain)
        };
        if let Some(encoding) = encoding {
            headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static(encoding));
        }
        (headers, Body::from(body.clone())).into_response()
    }
}

/// Whether `If-None-Match` names this entity tag (weak comparison, as RFC 9110 asks for it).
fn matches_etag(request: &HeaderMap, etag: &HeaderValue) -> bool {
    let ours = etag.to_str().unwrap_or("").trim_start_matches("W/");
    request
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|t| t.trim())
        .any(|t| t == "*" || t.trim_start_matches("W/") == ours)
}

/// Whether `Accept-Encoding` allows `coding` (and does not give it `q=0`).
fn accepts(request: &HeaderMap, coding: &str) -> bool {
    request
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|item| {
            let mut parts = item.split(';').map(str::trim);
            let named = parts.next().unwrap_or("");
            let refused = parts.any(|p| {
                p.strip_prefix("q=")
                    .and_then(|q| q.parse::<f32>().ok())
                    .is_some_and(|q| q == 0.0)
            });
            (named.eq_ignore_ascii_case(coding) || named == "*") && !refused
        })
}

/// Serves public pages from the cache. A page is the same for every visitor who asks for the same
/// address, so it is rendered once per directory version and cache period (`cache_seconds`,
/// which also bounds how long "open now" may lag the clock), then served from memory. Only
/// complete pages are kept; answers that set cookies, errors, and searches from a visitor's own
/// position (which the server does not keep) are passed through.
pub async fn serve_public_page(
    State(state): State<crate::AppState>,
    request: Request,
    next: Next,
) -> Response {
    let from_position = request.uri().query().is_some_and(|q| {
        q.split('&')
            .any(|p| p.starts_with("lat=") || p.starts_with("lon="))
    });
    if request.method() != Method::GET || from_position {
        return next.run(request).await;
    }
    let Ok(snapshot) = state.directory.snapshot().await else {
        return next.run(request).await;
    };
    let period = state.config.cache_seconds.max(1);
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default()
        .as_secs();
    let version = format!("{}:{}", snapshot.version, now / period);
    let key = request.uri().to_string();
    if let Some(hit) = state.page_cache.get(&key, &version) {
        return hit.respond(request.headers());
    }
    let gate = state.page_cache.gate(&key);
    let _rendering = gate.gate.lock().await;
    match state.page_cache.get(&key, &version) {
        // Rendered by the request this one waited for.
        Some(hit) => hit.respond(request.headers()),
        None => render_and_keep(&state, &key, &version, request, next).await,
    }
}

/// Renders a page and keeps it, when it is a whole page, for the rest of its period.
async fn render_and_keep(
    state: &crate::AppState,
    key: &str,
    version: &str,
    request: Request,
    next: Next,
) -> Response {
    // What the answer depends on, kept while the request goes on to be rendered.
    let asked: HeaderMap = request
        .headers()
        .iter()
        .filter(|(name, _)| [header::ACCEPT_ENCODING, header::IF_NONE_MATCH].contains(name))
        .map(|(name, value)| (name.clone(), value.clone()))
        .collect();
    let response = next.run(request).await;
    let whole_page = response.status() == StatusCode::OK
        && !response.headers().contains_key(header::SET_COOKIE)
        && !response.headers().contains_key(header::CONTENT_ENCODING);
    if !whole_page {
        return response;
    }
    let (parts, body) = response.into_parts();
    match axum::body::to_bytes(body, usize::MAX).await {
        Ok(bytes) => {
            let kept: HeaderMap = parts
                .headers
                .iter()
                .filter(|(name, _)| *name != header::CONTENT_LENGTH)
                .map(|(name, value): (&HeaderName, &HeaderValue)| (name.clone(), value.clone()))
                .collect();
            state
                .page_cache
                .insert(key, CachedBody::new(version, kept, bytes))
                .respond(&asked)
        }
        Err(e) => {
            tracing::error!(error = %e, "reading a rendered page failed");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cache_stays_within_its_memory_bound_and_answers_304() {
        let cache = ResponseCache::default();
        let big = "x".repeat(1024 * 1024);
        for i in 0..100 {
            cache.get_or_build(
                &format!("/services?page={i}"),
                "v1",
                || serde_json::json!({ "contents": big }),
            );
            assert!(cache.bytes() <= MAX_BYTES, "{} bytes held", cache.bytes());
        }
        let body = cache.get_or_build("/services", "v1", || serde_json::json!([1]));
        let again = cache.get_or_build("/services", "v1", || panic!("built twice"));
        assert!(Arc::ptr_eq(&body, &again));
        let mut request = HeaderMap::new();
        request.insert(header::IF_NONE_MATCH, body.etag.clone());
        assert_eq!(body.respond(&request).status(), StatusCode::NOT_MODIFIED);
        // A new version of the data is built anew.
        let fresh = cache.get_or_build("/services", "v2", || serde_json::json!([2]));
        assert_ne!(fresh.etag, body.etag);
        let asked = HeaderMap::from_iter([(
            header::ACCEPT_ENCODING,
            HeaderValue::from_static("gzip;q=0, br"),
        )]);
        assert!(!accepts(&asked, "gzip") && accepts(&asked, "br"));
        let answer = fresh.respond(&asked);
        assert_eq!(answer.headers()[header::CONTENT_ENCODING], "br");
        assert_eq!(answer.headers()[header::CONTENT_TYPE], "application/json");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn requests_arriving_together_share_one_rendering_and_the_gate_is_forgotten() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        let cache = Arc::new(ResponseCache::default());
        let renders = Arc::new(AtomicUsize::new(0));
        let requests: Vec<_> = (0..8)
            .map(|_| {
                let (cache, renders) = (cache.clone(), renders.clone());
                tokio::spawn(async move {
                    let gate = cache.gate("/uk/hubs");
                    let _rendering = gate.gate.lock().await;
                    if cache.get("/uk/hubs", "v1").is_none() {
                        renders.fetch_add(1, Ordering::SeqCst);
                        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
                        let page = Bytes::from_static(b"<p>page</p>");
                        cache.insert("/uk/hubs", CachedBody::new("v1", HeaderMap::new(), page));
                    }
                })
            })
            .collect();
        for request in requests {
            request.await.unwrap();
        }
        assert_eq!(renders.load(Ordering::SeqCst), 1);
        assert!(cache.rendering.lock().unwrap().is_empty());
    }
}
