//! The indicators the network is steered by, and how a count may be shown to someone who
//! cannot see the records behind it.

use crate::taxonomy::coded_enum;

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
        /// Best interests assessments recorded.
        BiaCompleted => "bia-completed",
        /// Best interests determinations recorded.
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
}
