//! Case packages between deployments: `POST /api/transfers` takes a sealed package (a case, or
//! the answer to one) from a partner server, and a delivery loop sends ours, retrying with
//! back-off until the partner has it. A package already received is acknowledged again and
//! not stored twice. The same bytes can travel as a file (`bluedot transfer export/import`).

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use bluedot_core::transfer::{Payload, check_format};
use bluedot_store::Store;
use bluedot_store::audit::{AuditEvent, Change};
use bluedot_store::crypto::KeyRing;
use bluedot_store::package::{Partner, TransferKeys};
use bluedot_store::transfers::Delivery;
use chrono::{DateTime, Utc};

use crate::AppState;

/// This deployment's transfer keys and its partners.
pub struct Exchange {
    pub keys: TransferKeys,
    pub partners: Vec<Partner>,
    client: reqwest::Client,
}

impl Exchange {
    pub fn new(keys: TransferKeys, partners: Vec<Partner>) -> Exchange {
        Exchange {
            keys,
            partners,
            client: reqwest::Client::builder()
                .timeout(Duration::from_secs(30))
                .build()
                .expect("an HTTP client builds"),
        }
    }

    pub fn partner(&self, id: &str) -> Option<&Partner> {
        self.partners.iter().find(|p| p.id == id)
    }
}

/// What became of a package that arrived.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ingested {
    Case { from: String, new: bool },
    Answer { from: String, new: bool },
    Arrival { from: String, new: bool },
}

#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    #[error("{0}")]
    Refused(String),
    #[error("storage failed: {0}")]
    Store(#[from] bluedot_store::StoreError),
}

/// Opens, checks and stores a package, whether it came over HTTP or as a file. Every package,
/// taken or refused, is audited.
pub async fn ingest(
    store: &Store,
    keys: &KeyRing,
    exchange: &Exchange,
    bytes: &[u8],
    source: &str,
) -> Result<Ingested, IngestError> {
    let who = Change::by_system(source);
    let opened = exchange.keys.open(&exchange.partners, bytes);
    let (from, id, payload) = match opened {
        Ok(ok) => ok,
        Err(e) => {
            let refused = AuditEvent {
                outcome: "refused".into(),
                ..who.event("transfer.receive", "package".into())
            };
            store.audit(&refused).await?;
            return Err(IngestError::Refused(e.to_string()));
        }
    };
    // A package of a newer major format is refused saying so, before its content is read.
    let raw: serde_json::Value = serde_json::from_slice(&payload)
        .map_err(|_| IngestError::Refused("the package's content is not understood".into()))?;
    if raw["kind"] == "case" {
        let format = raw["format"].as_str().unwrap_or("1.0");
        check_format(format).map_err(IngestError::Refused)?;
    }
    let payload: Payload = serde_json::from_value(raw)
        .map_err(|_| IngestError::Refused("the package's content is not understood".into()))?;
    let outcome = match payload {
        Payload::Case(package) => {
            let who = Change {
                country: Some(package.to_country.clone()),
                ..who
            };
            let to_hub = expected_at(store, &package).await?;
            let new = store
                .receive_case_package(keys, &from, id, &package, to_hub, &who)
                .await
                .map_err(|e| match e {
                    bluedot_store::StoreError::Invalid(v) => IngestError::Refused(v.to_string()),
                    other => IngestError::Store(other),
                })?;
            Ingested::Case { from, new }
        }
        Payload::Answer(answer) => {
            if answer.package != id {
                return Err(IngestError::Refused(
                    "the answer names another package".into(),
                ));
            }
            let new = store.receive_answer(keys, &from, &answer, &who).await?;
            Ingested::Answer { from, new }
        }
        Payload::Arrival(report) => {
            if report.package != id {
                return Err(IngestError::Refused(
                    "the arrival report names another package".into(),
                ));
            }
            let new = store.receive_arrival(keys, &from, &report, &who).await?;
            Ingested::Arrival { from, new }
        }
    };
    Ok(outcome)
}

/// The hub of this directory where the sender expects the child: by id, else by slug (the
/// directories of partner deployments share both when they come from the same source), and
/// only in the country the package is for.
async fn expected_at(
    store: &Store,
    package: &bluedot_core::transfer::CasePackage,
) -> Result<Option<uuid::Uuid>, bluedot_store::StoreError> {
    let Some(wanted) = &package.destination_hub else {
        return Ok(None);
    };
    let by_id = store.hub_for_edit(wanted.id).await?.map(|(h, _)| h);
    let hub = match by_id {
        Some(h) => Some(h),
        None => store.hub_by_slug(&wanted.slug).await?,
    };
    Ok(hub
        .filter(|h| h.country.code() == package.to_country)
        .map(|h| h.id))
}

/// The largest sealed package taken: documents of up to
/// `MAX_TRANSFER_DOCUMENT_BYTES` are encoded three times on the way (base64 in the payload,
/// in the signed payload and in the sealed envelope), about 2.4 times their size.
pub const MAX_PACKAGE_BYTES: usize = 24 * 1024 * 1024;

pub fn routes() -> Router<AppState> {
    Router::new().route(
        "/api/transfers",
        post(receive).layer(DefaultBodyLimit::max(MAX_PACKAGE_BYTES)),
    )
}

async fn receive(State(state): State<AppState>, body: Bytes) -> Response {
    let (Some(exchange), Some(keys)) = (state.exchange.clone(), state.keys.clone()) else {
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            axum::Json(serde_json::json!({"error": "this deployment takes no transfers"})),
        )
            .into_response();
    };
    match ingest(&state.store, &keys, &exchange, &body, "api").await {
        Ok(
            Ingested::Case { new, .. }
            | Ingested::Answer { new, .. }
            | Ingested::Arrival { new, .. },
        ) => (
            StatusCode::OK,
            axum::Json(serde_json::json!({"received": true, "new": new})),
        )
            .into_response(),
        Err(IngestError::Refused(why)) => (
            StatusCode::BAD_REQUEST,
            axum::Json(serde_json::json!({"error": why})),
        )
            .into_response(),
        Err(IngestError::Store(e)) => {
            tracing::error!(error = %e, "storing a transfer package failed");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                axum::Json(serde_json::json!({"error": "try again later"})),
            )
                .into_response()
        }
    }
}

/// Sends every package and answer due at `at`; returns how many the partners took.
pub async fn deliver_due(
    store: &Store,
    exchange: &Exchange,
    at: DateTime<Utc>,
) -> Result<usize, bluedot_store::StoreError> {
    let mut delivered = 0;
    for delivery in store.due_deliveries(at).await? {
        match send(exchange, &delivery).await {
            Ok(()) => {
                store.delivery_done(&delivery).await?;
                delivered += 1;
            }
            Err(why) => {
                tracing::warn!(transfer = %delivery.id, partner = %delivery.partner, error = %why, "delivery failed; will retry");
                store.delivery_failed(&delivery, &why).await?;
            }
        }
    }
    Ok(delivered)
}

async fn send(exchange: &Exchange, delivery: &Delivery) -> Result<(), String> {
    let partner = exchange
        .partner(&delivery.partner)
        .ok_or_else(|| format!("{} is no longer a configured partner", delivery.partner))?;
    let url = format!("{}/api/transfers", partner.url.trim_end_matches('/'));
    let response = exchange
        .client
        .post(&url)
        .header("content-type", "application/octet-stream")
        .body(delivery.bytes.clone())
        .send()
        .await
        .map_err(|e| format!("{url}: {e}"))?;
    if response.status().is_success() {
        Ok(())
    } else {
        let status = response.status();
        let text = response.text().await.unwrap_or_default();
        Err(format!(
            "{url}: {status} {}",
            text.chars().take(200).collect::<String>()
        ))
    }
}

/// Delivers due packages every few seconds for as long as the server runs.
pub fn spawn_delivery(store: Store, exchange: Arc<Exchange>) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(5));
        loop {
            tick.tick().await;
            if let Err(e) = deliver_due(&store, &exchange, Utc::now()).await {
                tracing::error!(error = %e, "transfer delivery failed");
            }
        }
    });
}
