//! Visits: one contact of a person or a group with a hub, counted by age band, sex and
//! disability, with the priority groups met and the services given. No names: a visit is a
//! count, which is what lets information-desk staff record it.

use serde::{Deserialize, Serialize};

use crate::taxonomy::coded_enum;
use crate::{PriorityGroup, ServiceKind, ValidationError};

coded_enum! {
    /// The age bands figures are reported in.
    AgeBand {
        Under5 => "0-4",
        From5To11 => "5-11",
        From12To17 => "12-17",
        From18To59 => "18-59",
        From60 => "60+",
    }
}

impl AgeBand {
    pub fn is_child(self) -> bool {
        matches!(
            self,
            AgeBand::Under5 | AgeBand::From5To11 | AgeBand::From12To17
        )
    }

    /// The band an age in whole years falls in.
    pub fn of_age(years: u32) -> AgeBand {
        match years {
            0..=4 => AgeBand::Under5,
            5..=11 => AgeBand::From5To11,
            12..=17 => AgeBand::From12To17,
            18..=59 => AgeBand::From18To59,
            _ => AgeBand::From60,
        }
    }
}

/// The largest group one visit may count: a bus is recorded as several groups.
pub const MAX_GROUP: u32 = 200;

/// People counted in one visit: `[age band][female, male]`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    pub female: [u32; 5],
    pub male: [u32; 5],
}

impl Counts {
    pub fn get(&self, band: AgeBand, female: bool) -> u32 {
        let i = band_index(band);
        if female { self.female[i] } else { self.male[i] }
    }

    pub fn set(&mut self, band: AgeBand, female: bool, n: u32) {
        let i = band_index(band);
        if female {
            self.female[i] = n;
        } else {
            self.male[i] = n;
        }
    }

    pub fn total(&self) -> u32 {
        self.female.iter().chain(&self.male).sum()
    }

    pub fn children(&self) -> u32 {
        AgeBand::ALL
            .iter()
            .filter(|b| b.is_child())
            .map(|b| self.get(*b, true) + self.get(*b, false))
            .sum()
    }

    pub fn add(&mut self, other: &Counts) {
        for i in 0..5 {
            self.female[i] += other.female[i];
            self.male[i] += other.male[i];
        }
    }
}

fn band_index(band: AgeBand) -> usize {
    AgeBand::ALL
        .iter()
        .position(|b| *b == band)
        .expect("every band is in ALL")
}

/// What the counter screen sends.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VisitDraft {
    pub counts: Counts,
    /// People in the group with a disability, as found with the Washington Group short set
    /// (a lot of difficulty, or cannot do at all, in at least one of the six domains).
    pub with_disability: u32,
    pub groups: Vec<PriorityGroup>,
    /// ISO 3166-1 alpha-2 code, e.g. `UA`.
    pub nationality: String,
    pub services: Vec<ServiceKind>,
}

impl VisitDraft {
    /// Checks the draft and puts its lists in a stable order.
    pub fn validate(mut self) -> Result<VisitDraft, ValidationError> {
        let total = self.counts.total();
        if total == 0 {
            return Err(ValidationError::new("counts", "count at least one person"));
        }
        if total > MAX_GROUP {
            return Err(ValidationError::new(
                "counts",
                format!("a group has at most {MAX_GROUP} people; record a larger one in parts"),
            ));
        }
        if self.with_disability > total {
            return Err(ValidationError::new(
                "with_disability",
                "cannot be more than the people in the group",
            ));
        }
        self.nationality = self.nationality.trim().to_ascii_uppercase();
        if self.nationality.len() != 2 || !self.nationality.bytes().all(|b| b.is_ascii_uppercase())
        {
            return Err(ValidationError::new(
                "nationality",
                "use a two-letter country code such as UA",
            ));
        }
        self.groups.sort();
        self.groups.dedup();
        self.services.sort();
        self.services.dedup();
        Ok(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft(f: u32, m: u32) -> VisitDraft {
        let mut counts = Counts::default();
        counts.set(AgeBand::From18To59, true, f);
        counts.set(AgeBand::Under5, false, m);
        VisitDraft {
            counts,
            nationality: "ua".into(),
            ..VisitDraft::default()
        }
    }

    #[test]
    fn counts_add_up_by_band_and_sex() {
        let d = draft(1, 2);
        assert_eq!(d.counts.total(), 3);
        assert_eq!(d.counts.children(), 2);
        let mut sum = Counts::default();
        sum.add(&d.counts);
        sum.add(&d.counts);
        assert_eq!(sum.get(AgeBand::Under5, false), 4);
        assert_eq!(AgeBand::of_age(17), AgeBand::From12To17);
        assert_eq!(AgeBand::of_age(60), AgeBand::From60);
    }

    #[test]
    fn validation_refuses_empty_huge_and_inconsistent_groups() {
        assert_eq!(draft(1, 0).validate().unwrap().nationality, "UA");
        assert_eq!(draft(0, 0).validate().unwrap_err().field, "counts");
        assert_eq!(draft(150, 51).validate().unwrap_err().field, "counts");
        let mut d = draft(1, 0);
        d.with_disability = 2;
        assert_eq!(d.validate().unwrap_err().field, "with_disability");
        let mut d = draft(1, 0);
        d.nationality = "Ukraine".into();
        assert_eq!(d.validate().unwrap_err().field, "nationality");
    }
}
