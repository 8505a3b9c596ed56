//! Domain types and rules of bluedot. Everything here is pure: no I/O, no clock
//! reads (callers pass `now`), so rules can be tested exactly.

pub mod article;
pub mod case;
pub mod country;
pub mod deployment;
pub mod freshness;
pub mod geo;
pub mod hours;
pub mod hub;
pub mod inclusion;
pub mod indicator;
pub mod lang;
pub mod person;
pub mod planning;
pub mod policy;
pub mod provider;
pub mod referral;
pub mod supply;
pub mod taxonomy;
pub mod text;
pub mod tracing_request;
pub mod transfer;
pub mod visit;

pub use country::Country;
pub use hub::{Hub, HubKind, HubStatus};
pub use lang::Lang;
pub use taxonomy::{PriorityGroup, ServiceKind};
pub use text::Localized;

/// A rule of the domain was broken by input; the message names the field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct ValidationError {
    pub field: &'static str,
    pub message: String,
}

impl ValidationError {
    pub fn new(field: &'static str, message: impl Into<String>) -> Self {
        Self {
            field,
            message: message.into(),
        }
    }
}
