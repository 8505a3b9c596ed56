//! Referrals: a person handed to a specialist in the hub or to an external provider, followed
//! until the receiver reports back.

use chrono::{DateTime, Duration, Utc};

use crate::ValidationError;
use crate::policy::Role;
use crate::taxonomy::coded_enum;

coded_enum! {
    ReferralStatus {
        Sent => "sent",
        Accepted => "accepted",
        Declined => "declined",
        Completed => "completed",
    }
}

coded_enum! {
    /// How soon the receiver must act: high within a day, medium within three, low within a week.
    Urgency {
        High => "high",
        Medium => "medium",
        Low => "low",
    }
}

impl Urgency {
    pub fn window(self) -> Duration {
        match self {
            Urgency::High => Duration::hours(24),
            Urgency::Medium => Duration::days(3),
            Urgency::Low => Duration::days(7),
        }
    }
}

/// The specialists a referral inside the hub can go to.
pub const IN_HUB_ROLES: [Role; 3] = [Role::SocialWorker, Role::Psychosocial, Role::LegalAid];

impl ReferralStatus {
    /// The statuses a referral may move to from this one; anything else is out of order.
    pub fn next(self) -> &'static [ReferralStatus] {
        use ReferralStatus::*;
        match self {
            Sent => &[Accepted, Declined],
            Accepted => &[Completed],
            Declined | Completed => &[],
        }
    }

    pub fn is_open(self) -> bool {
        matches!(self, ReferralStatus::Sent | ReferralStatus::Accepted)
    }

    /// Checks a move, with the feedback a decline or completion must carry.
    pub fn check_move(self, to: ReferralStatus, feedback: &str) -> Result<(), ValidationError> {
        if !self.next().contains(&to) {
            return Err(ValidationError::new(
                "status",
                format!("a {} referral cannot become {}", self.code(), to.code()),
            ));
        }
        if matches!(to, ReferralStatus::Declined | ReferralStatus::Completed)
            && feedback.trim().is_empty()
        {
            return Err(ValidationError::new(
                "feedback",
                "say what happened, for the person who referred",
            ));
        }
        Ok(())
    }
}

/// Whether an open referral has passed the time its urgency allows.
pub fn is_overdue(status: ReferralStatus, due_at: DateTime<Utc>, now: DateTime<Utc>) -> bool {
    status.is_open() && now > due_at
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn referrals_move_only_forward() {
        use ReferralStatus::*;
        assert!(Sent.check_move(Accepted, "").is_ok());
        assert!(Accepted.check_move(Completed, "Seen by the lawyer").is_ok());
        assert_eq!(
            Accepted.check_move(Completed, " ").unwrap_err().field,
            "feedback"
        );
        assert_eq!(Sent.check_move(Completed, "x").unwrap_err().field, "status");
        assert!(Completed.check_move(Accepted, "x").is_err());
        assert!(Declined.next().is_empty());
    }

    #[test]
    fn overdue_depends_on_urgency_and_status() {
        let sent = Utc::now() - Duration::hours(30);
        let due_high = sent + Urgency::High.window();
        let due_medium = sent + Urgency::Medium.window();
        let now = Utc::now();
        assert!(is_overdue(ReferralStatus::Sent, due_high, now));
        assert!(!is_overdue(ReferralStatus::Sent, due_medium, now));
        assert!(!is_overdue(ReferralStatus::Completed, due_high, now));
    }
}
