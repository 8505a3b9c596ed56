//! Security headers on every response. The Content-Security-Policy allows no inline script and
//! nothing from other origins except map tiles when a tile server is configured.

use axum::extract::Request;
use axum::http::{HeaderName, HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;

/// The CSP for a deployment; `tile_url` adds its origin to `img-src`.
pub fn content_security_policy(tile_url: Option<&str>) -> String {
    let tiles = tile_url.and_then(origin_of).unwrap_or_default();
    format!(
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: {tiles}; \
         connect-src 'self'; font-src 'self'; manifest-src 'self'; worker-src 'self'; \
         object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )
}

/// `https://{s}.tile.example/{z}/{x}/{y}.png` → `https://*.tile.example`.
fn origin_of(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let host = rest.split('/').next()?.replace("{s}", "*");
    let origin = format!("{scheme}://{host}");
    // Only what a header may carry, and no separator that would start another directive.
    origin
        .chars()
        .all(|c| c.is_ascii_graphic() && c != ';' && c != ',')
        .then_some(origin)
}

pub async fn headers(csp: HeaderValue, hsts: bool, req: Request, next: Next) -> Response {
    let mut response = next.run(req).await;
    let h = response.headers_mut();
    h.insert(header::CONTENT_SECURITY_POLICY, csp);
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    // Nothing leaks to other sites; our own form posts keep their Origin header, which the
    // staff pages check (with no-referrer, browsers send `Origin: null`).
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    h.insert(
        HeaderName::from_static("permissions-policy"),
        HeaderValue::from_static(
            "geolocation=(self), camera=(), microphone=(), interest-cohort=()",
        ),
    );
    h.insert(
        HeaderName::from_static("cross-origin-opener-policy"),
        HeaderValue::from_static("same-origin"),
    );
    if hsts {
        h.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=63072000; includeSubDomains"),
        );
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tile_origin_joins_img_src() {
        let csp = content_security_policy(Some("https://{s}.tile.example.org/{z}/{x}/{y}.png"));
        assert!(csp.contains("img-src 'self' data: https://*.tile.example.org;"));
        assert!(content_security_policy(None).contains("script-src 'self';"));
        // A tile address that would smuggle in a directive, or break the header, is left out.
        let smuggled = content_security_policy(Some("https://t.example;script-src *.evil/{z}.png"));
        assert!(!smuggled.contains("evil") && !smuggled.contains("t.example"));
        assert!(!content_security_policy(Some("https://t.exa\nmple/{z}.png")).contains("t.exa"));
    }
}
