//! The indicators the network is steered by, and how a count may be shown to someone who
//! cannot see the records behind it.

use chrono::NaiveDate;
use uuid::Uuid;

use crate::taxonomy::coded_enum;
use crate::{Country, ValidationError};

coded_enum! {
    /// What is counted. Each indicator is counted per hub and hub-local day, with a part
    /// (a breakdown such as an age band, a service or an outcome) or none for the total.
    Indicator {
        /// People in the visits recorded (current visits only), by sex and age band.
        PeopleReached => "people-reached",
        /// Of them, children (0–17), by sex and age band.
        ChildrenReached => "children-reached",
        /// People in the visits recorded who have a disability.
        PeopleWithDisability => "people-with-disability",
        /// Visits that included a priority group, by group.
        PriorityGroupVisits => "priority-group-visits",
        /// Children registered with a protection need (at risk, unaccompanied, separated).
        ChildrenAtRisk => "children-at-risk",
        /// Of them, unaccompanied or separated, by which.
        UascIdentified => "uasc-identified",
        /// Referrals sent, by service.
        ReferralsMade => "referrals-made",
        /// Referrals the receiving service reported completed, by service.
        ReferralsCompleted => "referrals-completed",
        /// Child protection cases opened.
        CasesOpened => "cases-opened",
        /// Child protection cases closed, by outcome.
        CasesClosed => "cases-closed",
        /// Best interests assessments approved.
        BiaCompleted => "bia-completed",
        /// Best interests determinations approved.
        BidCompleted => "bid-completed",
        /// Tracing requests ended (reunified or closed), by how.
        TracingResolved => "tracing-resolved",
        /// Children reunified with their family through tracing.
        Reunifications => "reunifications",
        /// Children whose birth registration the case saw through.
        BirthRegistrations => "birth-registrations",
        /// Supply items handed out, by item.
        SuppliesDistributed => "supplies-distributed",
    }
}

/// Counts below this are shown as "<5" to anyone who may not see the records they come
/// from, and in everything that leaves the system: a count of one or two children at a hub
/// in a week can name a child.
pub const SUPPRESS_BELOW: u64 = 5;

/// A count as one reader may see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shown {
    Exact(u64),
    /// Between 1 and `SUPPRESS_BELOW - 1`.
    Suppressed,
}

impl Shown {
    /// `count` for a reader who sees the records (`exact`), or suppressed if small.
    pub fn of(count: u64, exact: bool) -> Shown {
        if exact || count == 0 || count >= SUPPRESS_BELOW {
            Shown::Exact(count)
        } else {
            Shown::Suppressed
        }
    }

    /// The count a chart may draw: a suppressed one as nothing.
    pub fn drawn(self) -> u64 {
        match self {
            Shown::Exact(n) => n,
            Shown::Suppressed => 0,
        }
    }
}

impl std::fmt::Display for Shown {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Shown::Exact(n) => write!(f, "{n}"),
            Shown::Suppressed => write!(f, "<{SUPPRESS_BELOW}"),
        }
    }
}

/// Where a target applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TargetPlace {
    Network,
    Country(Country),
    Hub { hub: Uuid, country: Country },
}

impl TargetPlace {
    /// The country the place is in, unless it is the whole network.
    pub fn country(self) -> Option<Country> {
        match self {
            TargetPlace::Network => None,
            TargetPlace::Country(c) | TargetPlace::Hub { country: c, .. } => Some(c),
        }
    }

    /// The same place as the permission policy sees it.
    pub fn policy_target(self) -> crate::policy::Target {
        match self {
            TargetPlace::Network => crate::policy::Target::Network,
            TargetPlace::Country(c) => crate::policy::Target::Country(c),
            TargetPlace::Hub { hub, country } => crate::policy::Target::Hub { hub, country },
        }
    }
}

/// What an indicator should reach at a place between two days, e.g. 100,000 children
/// reached with community-based child protection in Romania in 2026.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub indicator: Indicator,
    pub place: TargetPlace,
    pub starts: NaiveDate,
    pub ends: NaiveDate,
    pub value: u64,
    /// What it is called in the plan it comes from.
    pub label: String,
}

impl Target {
    pub fn validate(mut self) -> Result<Target, ValidationError> {
        if self.starts > self.ends {
            return Err(ValidationError::new(
                "ends",
                "the period must end after it starts",
            ));
        }
        if self.value == 0 || self.value > 1_000_000_000 {
            return Err(ValidationError::new(
                "value",
                "give a number from 1 to 1,000,000,000",
            ));
        }
        self.label = self.label.trim().to_owned();
        if self.label.chars().count() > 200 {
            return Err(ValidationError::new("label", "at most 200 characters"));
        }
        Ok(self)
    }

    /// How far `reached` is towards the target, in whole percent (may pass 100).
    pub fn percent(&self, reached: u64) -> u64 {
        reached.saturating_mul(100) / self.value.max(1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_counts_are_suppressed_only_for_readers_without_the_records() {
        assert_eq!(Shown::of(3, false).to_string(), "<5");
        assert_eq!(Shown::of(3, true).to_string(), "3");
        assert_eq!(
            Shown::of(0, false).to_string(),
            "0",
            "nothing is not a person"
        );
        assert_eq!(Shown::of(5, false).to_string(), "5");
        assert_eq!(Shown::of(4, false).drawn(), 0);
        assert!(
            Indicator::ALL
                .iter()
                .all(|i| Indicator::from_code(i.code()) == Some(*i))
        );
    }

    #[test]
    fn a_target_needs_a_period_and_a_positive_value() {
        let day = |d| NaiveDate::from_ymd_opt(2026, 1, d).unwrap();
        let target = Target {
            indicator: Indicator::ChildrenReached,
            place: TargetPlace::Network,
            starts: day(1),
            ends: day(31),
            value: 200,
            label: " community-based child protection ".into(),
        };
        let ok = target.clone().validate().unwrap();
        assert_eq!(ok.label, "community-based child protection");
        assert_eq!(ok.percent(50), 25);
        assert_eq!(ok.percent(300), 150);
        let backwards = Target {
            starts: day(31),
            ends: day(1),
            ..target.clone()
        };
        assert_eq!(backwards.validate().unwrap_err().field, "ends");
        let nothing = Target { value: 0, ..target };
        assert_eq!(nothing.validate().unwrap_err().field, "value");
    }
}
