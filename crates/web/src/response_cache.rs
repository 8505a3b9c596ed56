//! Finished open-data responses kept in memory, plain and gzip-compressed, each under the
//! version of the data it was made from. A repeated request costs a map look-up and a copy of
//! a reference, not a rebuild and a compression; a client that already holds the response gets
//! `304 Not Modified` from its `ETag`.

use std::collections::HashMap;
use std::io::Write;
use std::sync::{Arc, Mutex};

use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
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
}

#[derive(Default)]
struct Entries {
    map: HashMap<String, Arc<CachedBody>>,
    bytes: usize,
}

pub struct CachedBody {
    version: String,
    etag: HeaderValue,
    plain: Bytes,
    gzip: Bytes,
}

impl ResponseCache {
    /// The response for `key` made from data at `version`, built by `build` if there is none.
    pub fn get_or_build(
        &self,
        key: &str,
        version: &str,
        build: impl FnOnce() -> Value,
    ) -> Arc<CachedBody> {
        if let Some(hit) = self.lock().map.get(key).filter(|b| b.version == version) {
            return hit.clone();
        }
        // Built outside the lock: other requests are served meanwhile.
        let body = Arc::new(CachedBody::new(version, build()));
        let mut entries = self.lock();
        if entries.bytes + body.size() > MAX_BYTES {
            entries.map.retain(|_, b| b.version == version);
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

    /// Bytes of bodies held now.
    pub fn bytes(&self) -> usize {
        self.lock().bytes
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Entries> {
        // A panic while holding the lock leaves a map that is still whole.
        self.entries.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl CachedBody {
    fn new(version: &str, value: Value) -> CachedBody {
        let plain = Bytes::from(value.to_string());
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        gz.write_all(&plain)
            .expect("writing to memory does not fail");
        let gzip = Bytes::from(gz.finish().expect("writing to memory does not fail"));
        // Weak: the plain and the compressed bodies are the same resource.
        let etag = format!("W/\"{}\"", hex::encode(&Sha256::digest(&plain)[..16]));
        CachedBody {
            version: version.to_owned(),
            etag: HeaderValue::from_str(&etag).expect("hex is a valid header value"),
            plain,
            gzip,
        }
    }

    fn size(&self) -> usize {
        self.plain.len() + self.gzip.len()
    }

    /// The answer to a request with these headers: 304 if the client holds this version,
    /// else the body, compressed if the client accepts gzip.
    pub fn respond(&self, request: &HeaderMap) -> Response {
        let common = [
            (header::ETAG, self.etag.clone()),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=60"),
            ),
            (header::VARY, HeaderValue::from_static("Accept-Encoding")),
        ];
        if matches_etag(request, &self.etag) {
            return (StatusCode::NOT_MODIFIED, common).into_response();
        }
        let json = (
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        if accepts_gzip(request) {
            let encoding = (header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
            (common, [json, encoding], Body::from(self.gzip.clone())).into_response()
        } else {
            (common, [json], Body::from(self.plain.clone())).into_response()
        }
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

/// Whether `Accept-Encoding` allows gzip (and does not give it `q=0`).
fn accepts_gzip(request: &HeaderMap) -> bool {
    request
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|item| {
            let mut parts = item.split(';').map(str::trim);
            let coding = parts.next().unwrap_or("");
            let refused = parts.any(|p| {
                p.strip_prefix("q=")
                    .and_then(|q| q.parse::<f32>().ok())
                    .is_some_and(|q| q == 0.0)
            });
            (coding.eq_ignore_ascii_case("gzip") || coding == "*") && !refused
        })
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
        assert!(!accepts_gzip(&HeaderMap::from_iter([(
            header::ACCEPT_ENCODING,
            HeaderValue::from_static("gzip;q=0, br")
        )])));
    }
}
