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
    /// The service's own hours (OpenStreetMap syntax) when they differ from the hub's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hours: Option<String>,
    /// BCP 47 codes of the languages the service is given in, when they differ from the hub's.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub languages: Vec<String>,
    /// The partner organisation that runs the service at the hub, if not the hub itself.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub provided_by: String,
    /// Who may use it, when not everyone.
    #[serde(default, skip_serializing_if = "Localized::is_empty")]
    pub eligibility: Localized,
    pub verified_at: DateTime<Utc>,
}

impl HubService {
    /// A service of `kind` with nothing said about it yet.
    pub fn new(kind: ServiceKind, verified_at: DateTime<Utc>) -> HubService {
        HubService {
            kind,
            priority_groups: vec![],
            note: Localized::new(),
            hours: None,
            languages: vec![],
            provided_by: String::new(),
            eligibility: Localized::new(),
            verified_at,
        }
    }
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
    /// Announced closures and changes of hours, past ones kept for the record.
    #[serde(default)]
    pub closures: Vec<Closure>,
    pub verified_at: DateTime<Utc>,
    pub is_demo: bool,
}

/// A temporary closure or change of hours, announced with its reason so refugees are not sent
/// to a locked door.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Closure {
    pub id: Uuid,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    /// The hours kept meanwhile (OpenStreetMap syntax); none when the hub is shut.
    #[serde(default)]
    pub hours: Option<String>,
    pub reason: Localized,
}

impl Closure {
    pub fn covers(&self, at: DateTime<Utc>) -> bool {
        self.starts_at <= at && at < self.ends_at
    }

    fn validate(&self) -> Result<(), ValidationError> {
        if self.ends_at <= self.starts_at {
            return Err(ValidationError::new(
                "closures",
                "a closure must end after it starts",
            ));
        }
        if self.reason.is_empty() {
            return Err(ValidationError::new(
                "closures",
                "give the reason for the closure: refugees are shown it",
            ));
        }
        if let Some(hours) = &self.hours {
            crate::hours::parse(hours)?;
        }
        Ok(())
    }
}

impl Hub {
    /// The hub's texts that are written in each language, each named by a key that stays the
    /// same while the text exists: for translators' files and anything else that walks them.
    pub fn texts_mut(&mut self) -> Vec<(String, &mut Localized)> {
        let mut texts = vec![
            ("name".to_owned(), &mut self.name),
            ("description".to_owned(), &mut self.description),
            ("address".to_owned(), &mut self.address),
            ("status_note".to_owned(), &mut self.status_note),
            ("accessibility".to_owned(), &mut self.accessibility.note),
        ];
        for service in &mut self.services {
            texts.push((
                format!("service/{}", service.kind.code()),
                &mut service.note,
            ));
        }
        for closure in &mut self.closures {
            texts.push((format!("closure/{}", closure.id), &mut closure.reason));
        }
        texts
    }

    /// Checks what the database cannot: slug shape, names, coordinates and hours.
    pub fn validate(&self) -> Result<(), ValidationError> {
        validate_slug(&self.slug)?;
        if self.name.is_empty() {
            return Err(ValidationError::new("name", "a hub needs a name"));
        }
        Point::new(self.location.lat, self.location.lon)?;
        crate::hours::parse(&self.opening_hours)?;
        for closure in &self.closures {
            closure.validate()?;
        }
        let mut seen = std::collections::HashSet::new();
        for s in &self.services {
            if !seen.insert(s.kind) {
                return Err(ValidationError::new(
                    "services",
                    format!("service {} listed twice", s.kind),
                ));
            }
            if let Some(hours) = &s.hours {
                crate::hours::parse(hours).map_err(|e| {
                    ValidationError::new("services", format!("hours of {}: {}", s.kind, e.message))
                })?;
            }
        }
        Ok(())
    }

    /// A hub with nothing filled in yet but where it is held: what an editor's form and an
    /// import start from.
    pub fn blank(id: Uuid, country: Country, now: DateTime<Utc>) -> Hub {
        Hub {
            id,
            slug: String::new(),
            kind: HubKind::CommunityCentre,
            country,
            name: Localized::new(),
            description: Localized::new(),
            address: Localized::new(),
            location: Point { lat: 0.0, lon: 0.0 },
            opening_hours: String::new(),
            contacts: vec![],
            languages: vec![],
            accessibility: Accessibility {
                wheelchair: WheelchairAccess::Unknown,
                note: Localized::new(),
            },
            status: HubStatus::Open,
            status_note: Localized::new(),
            partners: vec![],
            services: vec![],
            closures: vec![],
            verified_at: now,
            is_demo: false,
        }
    }

    /// The closure or change of hours in force at `at`, if any.
    pub fn closure_at(&self, at: DateTime<Utc>) -> Option<&Closure> {
        self.closures.iter().find(|c| c.covers(at))
    }

    /// The hours in force at `at`: the changed hours of a closure, or the usual ones; none when
    /// the hub is shut at that time, for good or for a while.
    pub fn hours_at(&self, at: DateTime<Utc>) -> Option<&str> {
        if self.status != HubStatus::Open {
            return None;
        }
        match self.closure_at(at) {
            Some(closure) => closure.hours.as_deref(),
            None => Some(&self.opening_hours),
        }
    }

    /// Closures that have not ended by `at`, soonest first.
    pub fn coming_closures(&self, at: DateTime<Utc>) -> Vec<&Closure> {
        let mut coming: Vec<&Closure> = self.closures.iter().filter(|c| c.ends_at > at).collect();
        coming.sort_by_key(|c| c.starts_at);
        coming
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
