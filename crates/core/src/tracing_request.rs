//! Tracing requests: a relative looking for a child, recorded by staff or sent through the
//! public site (then verified by staff before anything happens), followed until reunification.

use serde::{Deserialize, Serialize};

use crate::ValidationError;
use crate::taxonomy::coded_enum;

coded_enum! {
    TracingStatus {
        /// Sent through the public site; staff must verify who asks before any search.
        Unverified => "unverified",
        /// Being searched.
        Open => "open",
        /// A candidate was confirmed and the relationship verified.
        Found => "found",
        Reunified => "reunified",
        /// Closed without reunification (withdrawn, child found elsewhere, …).
        Closed => "closed",
    }
}

coded_enum! {
    MatchStatus {
        Proposed => "proposed",
        Confirmed => "confirmed",
        Rejected => "rejected",
        /// The relationship with the requester verified: reunification may go ahead.
        Verified => "verified",
    }
}

/// The child a request seeks, as the requester describes them. Encrypted at rest.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sought {
    pub given_name: String,
    pub family_name: String,
    pub sex: Option<char>,
    pub birth_date: Option<chrono::NaiveDate>,
    pub birth_year: Option<i32>,
    pub age: Option<u32>,
    pub place_of_origin: String,
    pub description: String,
}

/// Who asks, and how to reach them. Encrypted at rest.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequesterInfo {
    pub name: String,
    /// mother, father, grandmother, aunt, sibling, …
    pub relation: String,
    pub phone: String,
    pub contact_note: String,
}

impl Sought {
    pub fn validate(self) -> Result<Sought, ValidationError> {
        if self.given_name.trim().is_empty() && self.family_name.trim().is_empty() {
            return Err(ValidationError::new(
                "given_name",
                "give the child's given name or family name",
            ));
        }
        if self.age.is_some_and(|a| a > 25) {
            return Err(ValidationError::new("age", "the age is 0 to 25"));
        }
        Ok(self)
    }
}

impl RequesterInfo {
    pub fn validate(self) -> Result<RequesterInfo, ValidationError> {
        if self.name.trim().is_empty() {
            return Err(ValidationError::new("requester_name", "give your name"));
        }
        if self.relation.trim().is_empty() {
            return Err(ValidationError::new(
                "relation",
                "say how you are related to the child",
            ));
        }
        let digits = self.phone.chars().filter(char::is_ascii_digit).count();
        if !self.phone.trim().is_empty() && !(6..=15).contains(&digits) {
            return Err(ValidationError::new(
                "phone",
                "a phone number has 6 to 15 digits",
            ));
        }
        Ok(self)
    }
}
