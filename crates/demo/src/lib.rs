//! The demo network: the 36 Blue Dot hubs in seven countries as publicly described (2022),
//! at their real places, with sample providers and information articles. Every record is
//! flagged `is_demo`, and every page that shows one says so.
//!
//! Built from `now` so that verification ages are realistic: most entries were checked days
//! ago, a few are overdue for review, one is old enough to be shown as unverified.

mod arrivals;
mod articles;
mod articles_more;
mod hubs;
mod inclusion;
mod providers;
mod visits;

use chrono::{DateTime, Utc};

pub use arrivals::{DemoArrivals, DemoPlace, arrivals};
pub use articles::articles;
pub use hubs::hubs;
pub use inclusion::inclusion_answers;
pub use providers::providers;
pub use visits::{DemoVisit, visits};

/// A text in each of the site's languages, given in the order of `Lang::ALL`.
fn in_every_language(texts: [&str; 9]) -> bluedot_core::Localized {
    bluedot_core::Lang::ALL
        .into_iter()
        .zip(texts)
        .fold(bluedot_core::Localized::new(), |all, (lang, text)| {
            all.with(lang, text)
        })
}

/// Stable ids, so that loading the demo twice updates rather than duplicates.
fn demo_id(kind: &str, key: &str) -> uuid::Uuid {
    uuid::Uuid::new_v5(
        &uuid::Uuid::NAMESPACE_URL,
        format!("bluedot-demo:{kind}:{key}").as_bytes(),
    )
}

fn days_ago(now: DateTime<Utc>, days: i64) -> DateTime<Utc> {
    now - chrono::Duration::days(days)
}
