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
    /// An empty provider of `country`: what a new provider's form and an import start from.
    pub fn blank(id: Uuid, country: Country, now: DateTime<Utc>) -> Provider {
        Provider {
            id,
            country,
            organization: String::new(),
            service: ServiceKind::LegalCounselling,
            name: Localized::new(),
            description: Localized::new(),
            address: Localized::new(),
            location: None,
            opening_hours: None,
            contacts: vec![],
            website: None,
            eligibility: Localized::new(),
            languages: vec![],
            free_of_charge: true,
            fees: Localized::new(),
            verified_at: now,
            is_demo: false,
        }
    }

    /// The provider's texts that are written in each language, each named by a stable key.
    pub fn texts_mut(&mut self) -> Vec<(String, &mut Localized)> {
        vec![
            ("name".to_owned(), &mut self.name),
            ("description".to_owned(), &mut self.description),
            ("address".to_owned(), &mut self.address),
            ("eligibility".to_owned(), &mut self.eligibility),
            ("fees".to_owned(), &mut self.fees),
        ]
    }

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
