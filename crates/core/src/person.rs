//! People registered at a hub because they need follow-up: who they are (encrypted at rest),
//! what specific needs they have (plain, so figures can be counted without decrypting), and
//! what they consented to.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::ValidationError;
use crate::taxonomy::coded_enum;

coded_enum! {
    Sex {
        Female => "female",
        Male => "male",
        Other => "other",
        Unknown => "unknown",
    }
}

coded_enum! {
    /// Specific needs, after UNHCR's standardised specific-needs codes, plus the risks the Blue
    /// Dot hubs screen for at the border.
    SpecificNeed {
        ChildAtRisk => "child-at-risk",
        Unaccompanied => "unaccompanied-child",
        Separated => "separated-child",
        SingleCaregiver => "single-caregiver",
        Disability => "disability",
        SeriousMedical => "serious-medical-condition",
        OlderPersonAtRisk => "older-person-at-risk",
        SurvivorOfViolence => "survivor-of-violence",
        RiskOfTrafficking => "risk-of-trafficking",
        PregnantOrLactating => "pregnant-or-lactating",
        WomanAtRisk => "woman-at-risk",
        WithoutDocuments => "without-documents",
        LegalProtectionNeeds => "legal-protection-needs",
    }
}

coded_enum! {
    /// What a consent is for. Each use of a person's data needs its own.
    ConsentPurpose {
        /// Keeping the record at all, for follow-up by the hub.
        Registration => "registration",
        /// Sharing with a specialist or provider the person is referred to.
        Referral => "referral",
        /// Family tracing: comparing the record with tracing requests.
        Tracing => "tracing",
        /// Handing the case over to another hub or country.
        Transfer => "transfer",
    }
}

coded_enum! {
    /// Who gave a consent: the person, or for a child the adult responsible.
    ConsentGiver {
        Person => "person",
        Parent => "parent",
        LegalGuardian => "legal-guardian",
        Caregiver => "caregiver",
        /// A child without a responsible adult, heard according to age and maturity.
        ChildAssent => "child-assent",
    }
}

coded_enum! {
    PersonStatus {
        Active => "active",
        /// Follow-up ended; the record waits out the retention period.
        Closed => "closed",
        /// Identity removed; only what counts for statistics remains.
        Anonymised => "anonymised",
    }
}

/// A document a person holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Document {
    pub kind: String,
    pub number: String,
}

/// Who a person is: every field here is personal data and is stored encrypted as a whole.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Identity {
    /// Names as the person writes them, in any script.
    pub given_name: String,
    pub family_name: String,
    /// The same names in Latin letters, for search and for officials abroad.
    pub latin_given_name: String,
    pub latin_family_name: String,
    pub birth_date: Option<NaiveDate>,
    /// When the date is unknown: the year from the age the person gives or appears to be.
    #[serde(default)]
    pub birth_year_estimated: Option<i32>,
    #[serde(default)]
    pub languages: Vec<String>,
    pub nationality: Option<String>,
    pub phone: Option<String>,
    #[serde(default)]
    pub documents: Vec<Document>,
}

impl Identity {
    /// Checks what a registration needs and fills in Latin forms that were left empty.
    pub fn validate(mut self) -> Result<Identity, ValidationError> {
        self.given_name = self.given_name.trim().to_owned();
        self.family_name = self.family_name.trim().to_owned();
        if self.given_name.is_empty() && self.family_name.is_empty() {
            return Err(ValidationError::new(
                "given_name",
                "a given name or a family name is needed",
            ));
        }
        for (name, field) in [
            (&self.given_name, "given_name"),
            (&self.family_name, "family_name"),
        ] {
            if name.chars().count() > 100 || name.chars().any(char::is_control) {
                return Err(ValidationError::new(field, "names are at most 100 letters"));
            }
        }
        if self.latin_given_name.trim().is_empty() {
            self.latin_given_name = latin_form(&self.given_name);
        }
        if self.latin_family_name.trim().is_empty() {
            self.latin_family_name = latin_form(&self.family_name);
        }
        if let Some(phone) = &self.phone {
            let digits = phone.chars().filter(char::is_ascii_digit).count();
            let allowed = phone
                .chars()
                .all(|c| c.is_ascii_digit() || " +-()".contains(c));
            if !allowed || !(6..=15).contains(&digits) {
                return Err(ValidationError::new(
                    "phone",
                    "a phone number has 6 to 15 digits",
                ));
            }
        }
        Ok(self)
    }

    pub fn full_name(&self) -> String {
        [self.given_name.as_str(), self.family_name.as_str()]
            .iter()
            .filter(|s| !s.is_empty())
            .copied()
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// A Latin form of a name: Ukrainian by the national passport system (KMU 55:2010), and the
/// letters only Russian and Belarusian use by the same conventions (ы → y, э → e, ё → io,
/// ъ dropped). Names already in Latin letters are kept.
pub fn latin_form(name: &str) -> String {
    let ukrainian = uklatn::encode(name, uklatn::Table::Kmu55);
    ukrainian
        .chars()
        .flat_map(|c| -> Vec<char> {
            match c {
                'ы' => vec!['y'],
                'Ы' => vec!['Y'],
                'э' => vec!['e'],
                'Э' => vec!['E'],
                'ё' => vec!['i', 'o'],
                'Ё' => vec!['I', 'o'],
                'ъ' | 'Ъ' => vec![],
                'ў' => vec!['u'],
                'Ў' => vec!['U'],
                other => vec![other],
            }
        })
        .collect()
}

/// A spelling-blind key of one name, for finding the same person registered twice: the Latin
/// form, folded to ASCII, with the letter groups that transliteration systems and European
/// officials write differently made equal (shch/sch/sh/sz → s, ch/cz/tsch/ts → c, zh/ž → z,
/// kh → h, x → ks, w → v, ph → f), then without vowels, y, j and h, and without doubled
/// letters. Олександр, Oleksandr, Aleksandr and Alexander all give `lksndr`.
pub fn name_skeleton(name: &str) -> String {
    let ascii = deunicode::deunicode(&latin_form(name)).to_lowercase();
    let mut s: String = ascii.chars().filter(|c| c.is_ascii_alphabetic()).collect();
    for (from, to) in [
        ("shch", "s"),
        ("tsch", "c"),
        ("sch", "s"),
        ("sh", "s"),
        ("sz", "s"),
        ("ch", "c"),
        ("cz", "c"),
        ("ts", "c"),
        ("tz", "c"),
        ("zh", "z"),
        ("kh", "h"),
        ("ck", "k"),
        ("ph", "f"),
        ("x", "ks"),
        ("w", "v"),
        ("q", "k"),
    ] {
        s = s.replace(from, to);
    }
    let mut out = String::with_capacity(s.len());
    for c in s.chars().filter(|c| !"aeiouyjh".contains(*c)) {
        if !out.ends_with(c) {
            out.push(c);
        }
    }
    out
}

/// The skeletons of every name a person is known by, as written and in Latin letters.
pub fn name_skeletons(identity: &Identity) -> Vec<String> {
    let mut keys: Vec<String> = [
        &identity.given_name,
        &identity.family_name,
        &identity.latin_given_name,
        &identity.latin_family_name,
    ]
    .iter()
    .flat_map(|n| n.split([' ', '-']))
    .map(name_skeleton)
    .filter(|k| !k.is_empty())
    .collect();
    keys.sort();
    keys.dedup();
    keys
}

/// Age in whole years on `today`.
pub fn age_on(birth: NaiveDate, today: NaiveDate) -> u32 {
    today.years_since(birth).unwrap_or(0)
}

/// The birth year kept in clear for figures by age band; the exact date stays encrypted.
pub fn birth_year(identity: &Identity) -> Option<i32> {
    identity
        .birth_date
        .map(|d| d.year())
        .or(identity.birth_year_estimated)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latin_forms_follow_the_passport_system() {
        assert_eq!(latin_form("Олександр"), "Oleksandr");
        assert_eq!(latin_form("Шевченко"), "Shevchenko");
        assert_eq!(latin_form("Юлія"), "Yuliia");
        // Russian letters that Ukrainian lacks still come out Latin.
        assert_eq!(latin_form("Вадим Быстров"), "Vadym Bystrov");
        assert_eq!(latin_form("Anna"), "Anna");
    }

    #[test]
    fn validation_fills_latin_names_and_refuses_nonsense() {
        let ok = Identity {
            given_name: " Марія ".into(),
            family_name: "Коваль".into(),
            phone: Some("+380 67 123 4567".into()),
            ..Identity::default()
        }
        .validate()
        .unwrap();
        assert_eq!(ok.given_name, "Марія");
        assert_eq!(ok.latin_given_name, "Mariia");
        assert_eq!(ok.latin_family_name, "Koval");

        let err = Identity::default().validate().unwrap_err();
        assert_eq!(err.field, "given_name");
        let err = Identity {
            given_name: "A".into(),
            phone: Some("call me".into()),
            ..Identity::default()
        }
        .validate()
        .unwrap_err();
        assert_eq!(err.field, "phone");
    }

    #[test]
    fn skeletons_see_through_scripts_and_spellings() {
        for name in [
            "Олександр",
            "Oleksandr",
            "Aleksandr",
            "Alexander",
            "Александр",
        ] {
            assert_eq!(name_skeleton(name), "lksndr", "{name}");
        }
        for name in ["Кравченко", "Kravchenko", "Krawczenko", "Kravtschenko"] {
            assert_eq!(name_skeleton(name), "krvcnk", "{name}");
        }
        assert_eq!(name_skeleton("Шевченко"), name_skeleton("Szewczenko"));
        assert_eq!(name_skeleton("Юлія"), name_skeleton("Julia"));
        assert_ne!(name_skeleton("Олена"), name_skeleton("Олег"));
    }

    #[test]
    fn ages_count_whole_years() {
        let born = NaiveDate::from_ymd_opt(2012, 3, 1).unwrap();
        assert_eq!(
            age_on(born, NaiveDate::from_ymd_opt(2026, 2, 28).unwrap()),
            13
        );
        assert_eq!(
            age_on(born, NaiveDate::from_ymd_opt(2026, 3, 1).unwrap()),
            14
        );
    }
}
