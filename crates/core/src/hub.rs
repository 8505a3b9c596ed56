//! Hubs: the Blue Dot sites and mobile team bases.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::geo::Point;
use crate::taxonomy::{PriorityGroup, ServiceKind, coded_enum};
use crate::{Country, Localized, ValidationError};

coded_enum! {
    /// Where a hub stands, which tells refugees what kind of place to look for.
    HubKind {
        BorderCrossing => "border-crossing",
        Station => "station",
        RegistrationSite => "registration-site",
        CashPoint => "cash-point",
        ReceptionCentre => "reception-centre",
        CommunityCentre => "community-centre",
        MobileTeamBase => "mobile-team-base",
    }
}

coded_enum! {
    HubStatus {
        Open => "open",
        TemporarilyClosed => "temporarily-closed",
        Closed => "closed",
    }
}

coded_enum! {
    MessagingApp {
        Phone => "phone",
        Whatsapp => "whatsapp",
        Viber => "viber",
        Telegram => "telegram",
        Signal => "signal",
        Email => "email",
    }
}

coded_enum! {
    WheelchairAccess {
        Yes => "yes",
        Limited => "limited",
        No => "no",
        Unknown => "unknown",
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contact {
    pub channel: MessagingApp,
    pub value: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Accessibility {
    pub wheelchair: WheelchairAccess,
    #[serde(default)]
    pub note: Localized,
}

/// A service offered at a hub, with whom it is for and when it was last checked.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HubService {
    pub kind: ServiceKind,
    #[serde(default)]
    pub priority_groups: Vec<PriorityGroup>,
    #[serde(default)]
    pub note: Localized,
    pub verified_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Hub {
    pub id: Uuid,
    /// Stable, readable identifier used in URLs (`/en/hubs/siret-border`).
    pub slug: String,
    pub kind: HubKind,
    pub country: Country,
    pub name: Localized,
    pub description: Localized,
    pub address: Localized,
    pub location: Point,
    /// OpenStreetMap `opening_hours` syntax, read in the country's time zone.
    pub opening_hours: String,
    pub contacts: Vec<Contact>,
    /// BCP 47 codes of the languages staff speak.
    pub languages: Vec<String>,
    pub accessibility: Accessibility,
    pub status: HubStatus,
    /// Why a hub is temporarily closed, or anything refugees should know now.
    pub status_note: Localized,
    pub partners: Vec<String>,
    pub services: Vec<HubService>,
    pub verified_at: DateTime<Utc>,
    pub is_demo: bool,
}

impl Hub {
    /// Checks what the database cannot: slug shape, names, coordinates and hours.
    pub fn validate(&self) -> Result<(), ValidationError> {
        validate_slug(&self.slug)?;
        if self.name.is_empty() {
            return Err(ValidationError::new("name", "a hub needs a name"));
        }
        Point::new(self.location.lat, self.location.lon)?;
        crate::hours::parse(&self.opening_hours)?;
        let mut seen = std::collections::HashSet::new();
        for s in &self.services {
            if !seen.insert(s.kind) {
                return Err(ValidationError::new(
                    "services",
                    format!("service {} listed twice", s.kind),
                ));
            }
        }
        Ok(())
    }

    pub fn offers(&self, kind: ServiceKind) -> bool {
        self.services.iter().any(|s| s.kind == kind)
    }

    pub fn serves(&self, group: PriorityGroup) -> bool {
        self.services
            .iter()
            .any(|s| s.priority_groups.contains(&group))
    }

    /// Priority groups over all services, in taxonomy order.
    pub fn priority_groups(&self) -> Vec<PriorityGroup> {
        PriorityGroup::ALL
            .iter()
            .copied()
            .filter(|g| self.serves(*g))
            .collect()
    }

    /// The oldest verification date of the hub and its services: what a reader can trust.
    pub fn oldest_verification(&self) -> DateTime<Utc> {
        self.services
            .iter()
            .map(|s| s.verified_at)
            .chain([self.verified_at])
            .min()
            .unwrap_or(self.verified_at)
    }
}

/// Slugs are lowercase ASCII words joined by hyphens, so URLs stay readable in any script.
pub fn validate_slug(slug: &str) -> Result<(), ValidationError> {
    let ok = !slug.is_empty()
        && slug.len() <= 80
        && slug
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !slug.starts_with('-')
        && !slug.ends_with('-');
    if ok {
        Ok(())
    } else {
        Err(ValidationError::new(
            "slug",
            "use lowercase letters, digits and hyphens",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        assert!(validate_slug("siret-border").is_ok());
        assert!(validate_slug("Siret").is_err());
        assert!(validate_slug("-x").is_err());
        assert!(validate_slug("").is_err());
        assert!(validate_slug("sighetu-marmației").is_err());
    }
}
