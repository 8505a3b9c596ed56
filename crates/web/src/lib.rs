//! The bluedot web server: the public Digital Blue Dot site (server-rendered pages that work
//! without JavaScript, a lazily loaded map, offline support) and the open-data API (HSDS 3).
//!
//! A handler parses the request, asks the domain and the store, and renders. Nothing lives
//! only in one process: the directory cache is a short-lived copy of the database, so several
//! `bluedot serve` processes can run behind a load balancer on one PostgreSQL database.

pub mod assets;
pub mod client;
pub mod config;
pub mod directory;
pub mod directory_package;
pub mod error;
pub mod exchange;
pub mod gazetteer;
pub mod hsds;
pub mod i18n;
pub mod locale;
pub mod metrics_endpoint;
pub mod ops;
pub mod outlines;
pub mod planning;
pub mod public;
pub mod response_cache;
pub mod security;
pub mod server;
pub mod staff;
pub mod tracing_index;
pub mod view;

use std::sync::{Arc, LazyLock};
use std::time::Duration;

use axum::Router;
use bluedot_store::Store;
use bluedot_store::accounts::SessionLimits;
use bluedot_store::crypto::KeyRing;
use tower_http::CompressionLevel;
use tower_http::compression::CompressionLayer;
use tower_http::timeout::{RequestBodyTimeoutLayer, TimeoutLayer};

pub use config::WebConfig;

/// Translations and the gazetteer are read-only data compiled into the binary, loaded once.
pub static I18N: LazyLock<i18n::I18n> =
    LazyLock::new(|| i18n::I18n::load().unwrap_or_else(|e| panic!("translations: {e}")));
pub static GAZETTEER: LazyLock<gazetteer::Gazetteer> = LazyLock::new(gazetteer::Gazetteer::load);

/// What every handler shares, behind one reference count: cloned per request by each layer
/// and extractor, so a clone must be one atomic increment, not one per field.
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

impl std::ops::Deref for AppState {
    type Target = Shared;
    fn deref(&self) -> &Shared {
        &self.0
    }
}

#[derive(Clone)]
pub struct Shared {
    pub store: Store,
    pub config: Arc<WebConfig>,
    pub directory: Arc<directory::DirectoryCache>,
    /// Encrypts sensitive fields; without keys, staff sign-in is unavailable.
    pub keys: Option<Arc<KeyRing>>,
    pub session_limits: SessionLimits,
    /// Sign-in attempts per client address, on top of the per-account lock-out.
    pub sign_in_limiter: Arc<staff::SignInLimiter>,
    /// Case transfers to and from partner deployments, when configured.
    pub exchange: Option<Arc<exchange::Exchange>>,
    /// Public requests for help in tracing, per client address.
    pub public_limiter: Arc<staff::SignInLimiter>,
    /// The family tracing index, built on first use and refreshed before each search.
    pub tracing: Arc<tokio::sync::OnceCell<tracing_index::TracingIndex>>,
    /// Finished open-data responses by request and directory version.
    pub api_cache: Arc<response_cache::ResponseCache>,
    /// Finished public pages by address, directory version and cache period.
    pub page_cache: Arc<response_cache::ResponseCache>,
}

impl AppState {
    pub fn new(store: Store, config: WebConfig) -> AppState {
        let directory = Arc::new(directory::DirectoryCache::new(
            store.clone(),
            Duration::from_secs(config.cache_seconds),
        ));
        AppState(Arc::new(Shared {
            store,
            config: Arc::new(config),
            directory,
            keys: None,
            session_limits: SessionLimits::default(),
            sign_in_limiter: Arc::new(staff::SignInLimiter::new()),
            exchange: None,
            public_limiter: Arc::new(staff::SignInLimiter::new()),
            tracing: Arc::new(tokio::sync::OnceCell::new()),
            api_cache: Arc::new(response_cache::ResponseCache::default()),
            page_cache: Arc::new(response_cache::ResponseCache::default()),
        }))
    }

    pub fn with_keys(mut self, keys: KeyRing) -> AppState {
        Arc::make_mut(&mut self.0).keys = Some(Arc::new(keys));
        self
    }

    pub fn with_exchange(mut self, exchange: exchange::Exchange) -> AppState {
        Arc::make_mut(&mut self.0).exchange = Some(Arc::new(exchange));
        self
    }
}

/// The whole application: public pages, open data, static assets, with security headers,
/// compression and a request timeout around everything.
pub fn router(state: AppState) -> Router {
    // Load data before the first request rather than inside it.
    LazyLock::force(&I18N);
    LazyLock::force(&GAZETTEER);
    let hsts = state.config.behind_tls;
    let limits = state.config.limits;
    // Built once: every response carries it.
    let csp = axum::http::HeaderValue::from_str(&security::content_security_policy(
        state.config.tile_url.as_deref(),
    ))
    .expect("the policy is printable ASCII: a tile origin that is not is left out");
    let trusted_proxies: Arc<[ipnet::IpNet]> = state.config.trusted_proxies.clone().into();
    Router::new()
        .merge(public::routes().layer(axum::middleware::from_fn_with_state(
            state.clone(),
            response_cache::serve_public_page,
        )))
        .merge(hsds::routes())
        .merge(staff::routes())
        .merge(exchange::routes())
        .merge(ops::routes())
        .merge(assets::routes())
        .fallback(error::fallback)
        .with_state(state)
        .layer(axum::middleware::from_fn(error::framework_rejections))
        .layer(axum::middleware::from_fn(move |req, next| {
            security::headers(csp.clone(), hsts, req, next)
        }))
        .layer(axum::middleware::from_fn(move |req, next| {
            client::resolve(trusted_proxies.clone(), req, next)
        }))
        // The fastest level: pages shrink almost as much as at the default level (roaming data
        // is what costs visitors) at a third of the CPU, which is what throughput is bound by.
        .layer(CompressionLayer::new().quality(CompressionLevel::Fastest))
        .layer(TimeoutLayer::with_status_code(
            axum::http::StatusCode::REQUEST_TIMEOUT,
            Duration::from_secs(limits.request_timeout_seconds.max(1)),
        ))
        .layer(RequestBodyTimeoutLayer::new(Duration::from_secs(
            limits.body_read_timeout_seconds.max(1),
        )))
        // Outermost, so the log and the counts see every answer as the client gets it.
        .layer(axum::middleware::from_fn(ops::observe))
}
