//! External providers: national services that hubs refer people to.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::geo::Point;
use crate::hub::Contact;
use crate::{Country, Localized, ServiceKind, ValidationError};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Provider {
    pub id: Uuid,
    pub country: Country,
    pub organization: String,
    pub service: ServiceKind,
    pub name: Localized,
    pub description: Localized,
    pub address: Localized,
    pub location: Option<Point>,
    pub opening_hours: Option<String>,
    pub contacts: Vec<Contact>,
    pub website: Option<String>,
    /// Who may use the service (e.g. "holders of temporary protection").
    pub eligibility: Localized,
    pub languages: Vec<String>,
    pub free_of_charge: bool,
    pub fees: Localized,
    pub verified_at: DateTime<Utc>,
    pub is_demo: bool,
}

impl Provider {
    /// Checks what the database cannot: a name, coordinates, hours and a web address.
    pub fn validate(&self) -> Result<(), ValidationError> {
        if self.organization.trim().is_empty() && self.name.is_empty() {
            return Err(ValidationError::new(
                "organization",
                "a provider needs an organisation or a name",
            ));
        }
        if let Some(at) = self.location {
            Point::new(at.lat, at.lon)?;
        }
        if let Some(hours) = &self.opening_hours {
            crate::hours::parse(hours)?;
        }
        if let Some(url) = &self.website
            && !(url.starts_with("https://") || url.starts_with("http://"))
        {
            return Err(ValidationError::new(
                "website",
                "a web address starts with https:// or http://",
            ));
        }
        Ok(())
    }
}
