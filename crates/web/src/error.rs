//! Errors as visitors see them: a page in their language with a clear message and the right
//! status. Internal details go to the log only, without personal data.

use askama::Template;
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use bluedot_core::Lang;

use crate::view::Ctx;

/// The page that says what went wrong, in the reader's language.
#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage {
    pub ctx: Ctx,
    pub title: String,
    pub message: String,
}

#[derive(Debug)]
pub enum Problem {
    NotFound,
    /// Input the visitor can correct; the message id says what is wrong.
    BadRequest(&'static str),
    Internal,
}

/// An error on a public page, rendered in the visitor's language.
#[derive(Debug)]
pub struct PageError {
    pub lang: Lang,
    pub problem: Problem,
}

impl PageError {
    pub fn not_found(lang: Lang) -> Self {
        Self {
            lang,
            problem: Problem::NotFound,
        }
    }

    pub fn bad_request(lang: Lang, message_id: &'static str) -> Self {
        Self {
            lang,
            problem: Problem::BadRequest(message_id),
        }
    }

    pub fn internal(lang: Lang, error: impl std::fmt::Display) -> Self {
        tracing::error!(%error, "request failed");
        Self {
            lang,
            problem: Problem::Internal,
        }
    }
}

/// Turns any failure of the layers below into an internal error page in the reader's language.
pub trait OrPageError<T> {
    fn or_page_error(self, lang: Lang) -> Result<T, PageError>;
}

impl<T, E: std::fmt::Display> OrPageError<T> for Result<T, E> {
    fn or_page_error(self, lang: Lang) -> Result<T, PageError> {
        self.map_err(|e| PageError::internal(lang, e))
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let (status, title, message) = match self.problem {
            Problem::NotFound => (
                StatusCode::NOT_FOUND,
                "error-not-found-title",
                "error-not-found",
            ),
            Problem::BadRequest(id) => (StatusCode::BAD_REQUEST, "error-bad-request-title", id),
            Problem::Internal => (
                StatusCode::INTERNAL_SERVER_ERROR,
                "error-internal-title",
                "error-internal",
            ),
        };
        error_page(self.lang, status, title, message)
    }
}

/// The site's error page: `title` and `message` are message ids, in the reader's language.
fn error_page(lang: Lang, status: StatusCode, title: &str, message: &str) -> Response {
    let ctx = Ctx::new(lang, "/", "");
    let body = ErrorPage {
        title: ctx.t(title),
        message: ctx.t(message),
        ctx,
    }
    .render()
    .unwrap_or_else(|_| "error".to_owned());
    (
        status,
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        body,
    )
        .into_response()
}

/// The visitor's language for a request outside any page: from the path's first segment when
/// it is a language, else from `Accept-Language`, else English.
pub fn request_lang(req: &Request) -> Lang {
    lang_for(req.uri().path(), req.headers().get(header::ACCEPT_LANGUAGE))
}

fn lang_for(path: &str, accept_language: Option<&HeaderValue>) -> Lang {
    let first = path.trim_start_matches('/').split('/').next();
    first
        .and_then(|s| s.parse::<Lang>().ok())
        .or_else(|| {
            accept_language
                .and_then(|v| v.to_str().ok())
                .and_then(Lang::negotiate)
        })
        .unwrap_or(Lang::FALLBACK)
}

/// An API error as RFC 9457 problem details.
pub fn problem(status: StatusCode, detail: &str) -> Response {
    let body = serde_json::json!({
        "type": "about:blank",
        "title": status.canonical_reason().unwrap_or("Error"),
        "status": status.as_u16(),
        "detail": detail,
    });
    (
        status,
        [
            (header::CONTENT_TYPE, "application/problem+json"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        body.to_string(),
    )
        .into_response()
}

pub async fn fallback(req: Request) -> PageError {
    PageError::not_found(request_lang(&req))
}

/// Paths answered as data rather than pages: their errors are problem details (RFC 9457).
fn is_api(path: &str) -> bool {
    [
        "/services",
        "/service_at_locations",
        "/organizations",
        "/locations",
        "/openapi.json",
        "/api",
    ]
    .iter()
    .any(|p| {
        path.strip_prefix(p)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
    })
}

/// Replaces the framework's own plain-text refusals (a form or query that does not parse, a body
/// too large or of the wrong type) with the site's error page in the visitor's language, or with
/// problem details on the API: their texts name internal fields and speak English only.
pub async fn framework_rejections(req: Request, next: axum::middleware::Next) -> Response {
    // Kept to tell the language and the kind of answer only if one is needed: most responses
    // pass untouched.
    let uri = req.uri().clone();
    let accept_language = req.headers().get(header::ACCEPT_LANGUAGE).cloned();
    let response = next.run(req).await;
    let status = response.status();
    let plain = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("text/plain"));
    if !(status.is_client_error() || status.is_server_error()) || !plain {
        return response;
    }
    if is_api(uri.path()) {
        let detail = if status.is_server_error() {
            "internal error"
        } else {
            "the request could not be read: check its parameters, body and content type"
        };
        return problem(status, detail);
    }
    let (title, message) = if status.is_server_error() {
        ("error-internal-title", "error-internal")
    } else {
        ("error-bad-request-title", "error-bad-request")
    };
    error_page(
        lang_for(uri.path(), accept_language.as_ref()),
        status,
        title,
        message,
    )
}
