//! How old a verification may grow before readers are warned or the entry is hidden.
//! Stale information is what kills refugee information sites, so every hub, service and
//! article is judged by this one policy.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct FreshnessPolicy {
    /// Past this age an entry is listed for coordinators to check again.
    pub review_after_days: i64,
    /// Past this age the public site marks the entry as unverified.
    pub unverified_after_days: i64,
    /// Past this age the public site hides the entry; `None` never hides.
    pub hide_after_days: Option<i64>,
}

impl Default for FreshnessPolicy {
    fn default() -> Self {
        Self {
            review_after_days: 30,
            unverified_after_days: 60,
            hide_after_days: Some(180),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Freshness {
    Fresh,
    NeedsReview,
    Unverified,
    Hidden,
}

impl FreshnessPolicy {
    pub fn judge(&self, verified_at: DateTime<Utc>, now: DateTime<Utc>) -> Freshness {
        let age = now - verified_at;
        if self
            .hide_after_days
            .is_some_and(|d| age > Duration::days(d))
        {
            Freshness::Hidden
        } else if age > Duration::days(self.unverified_after_days) {
            Freshness::Unverified
        } else if age > Duration::days(self.review_after_days) {
            Freshness::NeedsReview
        } else {
            Freshness::Fresh
        }
    }

    /// Readers see an entry unless it has grown too old.
    pub fn is_public(&self, verified_at: DateTime<Utc>, now: DateTime<Utc>) -> bool {
        self.judge(verified_at, now) != Freshness::Hidden
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ages_into_each_state() {
        let p = FreshnessPolicy::default();
        let now = Utc::now();
        let ago = |d| now - Duration::days(d);
        assert_eq!(p.judge(ago(0), now), Freshness::Fresh);
        assert_eq!(p.judge(ago(30), now), Freshness::Fresh);
        assert_eq!(p.judge(ago(31), now), Freshness::NeedsReview);
        assert_eq!(p.judge(ago(61), now), Freshness::Unverified);
        assert_eq!(p.judge(ago(181), now), Freshness::Hidden);
        let keep = FreshnessPolicy {
            hide_after_days: None,
            ..p
        };
        assert_eq!(keep.judge(ago(1000), now), Freshness::Unverified);
    }
}
