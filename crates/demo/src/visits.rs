//! A history of visits for the demo hubs, so that the figures dashboard has something to
//! show: mostly women with children, some older people, a few teenagers alone, busier at
//! border crossings than in town. Generated from a fixed seed, the same on every machine.

use bluedot_core::visit::{AgeBand, Counts, VisitDraft};
use bluedot_core::{Hub, HubKind, PriorityGroup, ServiceKind};
use chrono::{Days, NaiveDate};

/// One visit of the demo history; its key makes loading it twice harmless.
pub struct DemoVisit {
    pub hub: uuid::Uuid,
    pub country: bluedot_core::Country,
    pub day: NaiveDate,
    pub key: String,
    pub draft: VisitDraft,
}

/// A small deterministic generator (SplitMix64): demo data needs repeatability, not quality.
struct Dice(u64);

impl Dice {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n`.
    fn below(&mut self, n: u32) -> u32 {
        (self.next() % u64::from(n.max(1))) as u32
    }

    /// True `percent` times in a hundred.
    fn chance(&mut self, percent: u32) -> bool {
        self.below(100) < percent
    }
}

/// `per_day` visits on average at each hub on each of the `days` days up to `last`.
pub fn visits(hubs: &[Hub], last: NaiveDate, days: u32, per_day: u32) -> Vec<DemoVisit> {
    let mut dice = Dice(20_220_224);
    let mut out = Vec::new();
    for hub in hubs {
        let busy = match hub.kind {
            HubKind::BorderCrossing => 3,
            HubKind::Station | HubKind::RegistrationSite => 2,
            _ => 1,
        };
        for back in 0..days {
            let day = last - Days::new(u64::from(back));
            let n = dice.below(per_day * busy) + 1;
            for i in 0..n {
                out.push(DemoVisit {
                    hub: hub.id,
                    country: hub.country,
                    day,
                    key: format!("demo:{}:{day}:{i}", hub.slug),
                    draft: group(&mut dice),
                });
            }
        }
    }
    out
}

fn group(dice: &mut Dice) -> VisitDraft {
    let mut counts = Counts::default();
    let mut groups = Vec::new();
    let alone = dice.chance(2);
    if alone {
        // A teenager crossing without a parent.
        counts.set(AgeBand::From12To17, dice.chance(50), 1);
        groups.push(PriorityGroup::UnaccompaniedSeparatedChildren);
    } else {
        counts.set(AgeBand::From18To59, true, 1 + u32::from(dice.chance(15)));
        if dice.chance(8) {
            counts.set(AgeBand::From18To59, false, 1);
        }
        if dice.chance(20) {
            counts.set(AgeBand::From60, dice.chance(75), 1);
            groups.push(PriorityGroup::OlderPersons);
        }
        let bands = [AgeBand::Under5, AgeBand::From5To11, AgeBand::From12To17];
        for _ in 0..dice.below(4) {
            let band = bands[dice.below(3) as usize];
            let female = dice.chance(50);
            let i = bands.iter().position(|b| *b == band).unwrap_or(0);
            let now = if female {
                counts.female[i]
            } else {
                counts.male[i]
            };
            counts.set(band, female, now + 1);
        }
        if counts.female[0] + counts.male[0] > 0 {
            groups.push(PriorityGroup::WomenWithYoungChildren);
        }
        if counts.children() > 0 {
            groups.push(PriorityGroup::Children);
        }
    }
    let with_disability = u32::from(dice.chance(8));
    if with_disability > 0 {
        groups.push(PriorityGroup::Disability);
    }
    let mut services = vec![ServiceKind::InformationDesk];
    for (service, percent) in [
        (ServiceKind::Supplies, 40),
        (ServiceKind::ChildFriendlySpace, 30),
        (ServiceKind::PsychologicalFirstAid, 10),
        (ServiceKind::LegalCounselling, 10),
        (ServiceKind::TemporaryProtection, 15),
    ] {
        if dice.chance(percent) {
            services.push(service);
        }
    }
    if alone {
        services.push(ServiceKind::ChildProtectionAssessment);
    }
    VisitDraft {
        counts,
        with_disability,
        groups,
        nationality: "UA".into(),
        services,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_history_is_the_same_every_time_and_every_visit_is_valid() {
        let hubs = crate::hubs(chrono::Utc::now());
        let last = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
        let a = visits(&hubs, last, 30, 3);
        let b = visits(&hubs, last, 30, 3);
        assert_eq!(a.len(), b.len());
        assert!(
            a.iter()
                .zip(&b)
                .all(|(x, y)| x.key == y.key && x.draft == y.draft)
        );
        assert!(a.len() > hubs.len() * 30, "at least one visit a hub a day");
        assert!(a.iter().all(|v| v.draft.clone().validate().is_ok()));
        let children: u32 = a.iter().map(|v| v.draft.counts.children()).sum();
        let people: u32 = a.iter().map(|v| v.draft.counts.total()).sum();
        assert!(children * 3 > people, "mostly families with children");
    }
}
