//! Mobile team deployments: a hub's team goes out to another place (a bus stop at the border, a
//! collective shelter, a village) for some hours or days. The visits and referrals made there
//! belong to the hub's figures and are also counted for the deployment.

use chrono::{DateTime, Duration, Utc};
use uuid::Uuid;

use crate::ValidationError;
use crate::taxonomy::coded_enum;

coded_enum! {
    DeploymentStatus {
        Planned => "planned",
        UnderWay => "under-way",
        Completed => "completed",
        Cancelled => "cancelled",
    }
}

impl DeploymentStatus {
    /// The statuses a deployment may move to from this one.
    pub fn next(self) -> &'static [DeploymentStatus] {
        use DeploymentStatus::*;
        match self {
            Planned => &[UnderWay, Cancelled],
            UnderWay => &[Completed],
            Completed | Cancelled => &[],
        }
    }

    /// Whether the counter offers it: only while the team is out.
    pub fn records(self) -> bool {
        self == DeploymentStatus::UnderWay
    }
}

/// How long after a deployment ends what its team recorded offline is still accepted for it.
pub const LATE_RECORDS: Duration = Duration::hours(48);

/// Whether a visit or referral may be recorded for a deployment now: while it is under way, and
/// for a while after it ended, so that what a team queued without a connection still arrives.
pub fn accepts_records(
    status: DeploymentStatus,
    ended_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> bool {
    match status {
        DeploymentStatus::UnderWay => true,
        DeploymentStatus::Completed => ended_at.is_some_and(|end| now - end <= LATE_RECORDS),
        DeploymentStatus::Planned | DeploymentStatus::Cancelled => false,
    }
}

/// The longest a single deployment may be planned for; longer work is a new hub or a series.
pub const MAX_LENGTH_DAYS: i64 = 14;

/// A deployment as planned: where, when, who.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeploymentPlan {
    pub place: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    /// Staff accounts on the team.
    pub team: Vec<Uuid>,
    pub note: String,
}

impl DeploymentPlan {
    /// Checks the plan and returns it tidied (trimmed, team without repeats). `now` refuses
    /// plans that ended before they could be recorded.
    pub fn validate(mut self, now: DateTime<Utc>) -> Result<DeploymentPlan, ValidationError> {
        self.place = self.place.trim().to_owned();
        self.note = self.note.trim().to_owned();
        if self.place.is_empty() || self.place.chars().count() > 120 {
            return Err(ValidationError::new(
                "place",
                "name the place in up to 120 characters",
            ));
        }
        if self.note.chars().count() > 1_000 {
            return Err(ValidationError::new("note", "up to 1,000 characters"));
        }
        if self.ends_at <= self.starts_at {
            return Err(ValidationError::new(
                "ends_at",
                "the end must come after the start",
            ));
        }
        if self.ends_at - self.starts_at > Duration::days(MAX_LENGTH_DAYS) {
            return Err(ValidationError::new(
                "ends_at",
                format!("a deployment lasts at most {MAX_LENGTH_DAYS} days"),
            ));
        }
        if self.ends_at < now - Duration::days(1) {
            return Err(ValidationError::new(
                "ends_at",
                "this deployment is already over; plan from today on",
            ));
        }
        self.team.sort();
        self.team.dedup();
        if self.team.is_empty() {
            return Err(ValidationError::new(
                "team",
                "choose at least one person for the team",
            ));
        }
        Ok(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(hours: i64) -> DeploymentPlan {
        let starts_at = DateTime::parse_from_rfc3339("2026-11-23T08:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        DeploymentPlan {
            place: "  Isaccea ferry  ".into(),
            starts_at,
            ends_at: starts_at + Duration::hours(hours),
            team: vec![Uuid::from_u128(2), Uuid::from_u128(1), Uuid::from_u128(2)],
            note: String::new(),
        }
    }

    #[test]
    fn a_plan_needs_a_place_a_time_in_order_and_a_team() {
        let now = plan(1).starts_at;
        let ok = plan(8).validate(now).unwrap();
        assert_eq!(ok.place, "Isaccea ferry");
        assert_eq!(ok.team, vec![Uuid::from_u128(1), Uuid::from_u128(2)]);
        assert_eq!(plan(0).validate(now).unwrap_err().field, "ends_at");
        assert_eq!(plan(-3).validate(now).unwrap_err().field, "ends_at");
        assert_eq!(plan(15 * 24).validate(now).unwrap_err().field, "ends_at");
        let mut empty = plan(8);
        empty.team.clear();
        assert_eq!(empty.validate(now).unwrap_err().field, "team");
        let mut nowhere = plan(8);
        nowhere.place = "  ".into();
        assert_eq!(nowhere.validate(now).unwrap_err().field, "place");
        assert_eq!(
            plan(8).validate(now + Duration::days(3)).unwrap_err().field,
            "ends_at"
        );
    }

    #[test]
    fn status_moves_forward_and_only_an_active_deployment_records() {
        use DeploymentStatus::*;
        assert!(Planned.next().contains(&UnderWay));
        assert!(!Planned.next().contains(&Completed));
        assert!(Completed.next().is_empty() && Cancelled.next().is_empty());
        assert_eq!(
            DeploymentStatus::ALL
                .iter()
                .filter(|s| s.records())
                .collect::<Vec<_>>(),
            vec![&UnderWay]
        );
        let now = Utc::now();
        assert!(accepts_records(UnderWay, None, now));
        assert!(accepts_records(
            Completed,
            Some(now - Duration::hours(47)),
            now
        ));
        assert!(!accepts_records(
            Completed,
            Some(now - Duration::hours(49)),
            now
        ));
        assert!(!accepts_records(Planned, None, now));
        assert!(!accepts_records(Cancelled, Some(now), now));
    }
}
