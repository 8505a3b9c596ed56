//! The host countries of the Blue Dot network.

use serde::{Deserialize, Serialize};

use crate::Lang;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Country {
    #[serde(rename = "BG")]
    Bulgaria,
    #[serde(rename = "HU")]
    Hungary,
    #[serde(rename = "IT")]
    Italy,
    #[serde(rename = "MD")]
    Moldova,
    #[serde(rename = "PL")]
    Poland,
    #[serde(rename = "RO")]
    Romania,
    #[serde(rename = "SK")]
    Slovakia,
}

impl Country {
    pub const ALL: [Country; 7] = [
        Country::Bulgaria,
        Country::Hungary,
        Country::Italy,
        Country::Moldova,
        Country::Poland,
        Country::Romania,
        Country::Slovakia,
    ];

    /// ISO 3166-1 alpha-2.
    pub fn code(self) -> &'static str {
        match self {
            Country::Bulgaria => "BG",
            Country::Hungary => "HU",
            Country::Italy => "IT",
            Country::Moldova => "MD",
            Country::Poland => "PL",
            Country::Romania => "RO",
            Country::Slovakia => "SK",
        }
    }

    pub fn from_code(code: &str) -> Option<Country> {
        Country::ALL
            .into_iter()
            .find(|c| c.code().eq_ignore_ascii_case(code))
    }

    /// The IANA time zone opening hours are read in.
    pub fn timezone(self) -> chrono_tz::Tz {
        match self {
            Country::Bulgaria => chrono_tz::Europe::Sofia,
            Country::Hungary => chrono_tz::Europe::Budapest,
            Country::Italy => chrono_tz::Europe::Rome,
            Country::Moldova => chrono_tz::Europe::Chisinau,
            Country::Poland => chrono_tz::Europe::Warsaw,
            Country::Romania => chrono_tz::Europe::Bucharest,
            Country::Slovakia => chrono_tz::Europe::Bratislava,
        }
    }

    /// The calendar day a moment falls on at the country's hubs: the day figures count it on.
    pub fn local_day(self, at: chrono::DateTime<chrono::Utc>) -> chrono::NaiveDate {
        at.with_timezone(&self.timezone()).date_naive()
    }

    /// The language of the country's officials and signs.
    pub fn language(self) -> Lang {
        match self {
            Country::Bulgaria => Lang::Bg,
            Country::Hungary => Lang::Hu,
            Country::Italy => Lang::It,
            Country::Moldova | Country::Romania => Lang::Ro,
            Country::Poland => Lang::Pl,
            Country::Slovakia => Lang::Sk,
        }
    }

    /// Numbers to call in an emergency, most general first, with what each is for
    /// (a message id of the site's translations).
    pub fn emergency_numbers(self) -> &'static [(&'static str, &'static str)] {
        match self {
            Country::Bulgaria => &[
                ("112", "emergency-general"),
                ("116 111", "emergency-child-helpline"),
            ],
            Country::Hungary => &[
                ("112", "emergency-general"),
                ("116 111", "emergency-child-helpline"),
            ],
            Country::Italy => &[
                ("112", "emergency-general"),
                ("114", "emergency-child-helpline"),
            ],
            Country::Moldova => &[
                ("112", "emergency-general"),
                ("116 111", "emergency-child-helpline"),
            ],
            Country::Poland => &[
                ("112", "emergency-general"),
                ("116 111", "emergency-child-helpline"),
            ],
            Country::Romania => &[
                ("112", "emergency-general"),
                ("119", "emergency-child-helpline"),
            ],
            Country::Slovakia => &[
                ("112", "emergency-general"),
                ("116 111", "emergency-child-helpline"),
            ],
        }
    }
}

impl std::fmt::Display for Country {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for c in Country::ALL {
            assert_eq!(Country::from_code(c.code()), Some(c));
            assert_eq!(Country::from_code(&c.code().to_lowercase()), Some(c));
        }
        assert_eq!(Country::from_code("UA"), None);
        assert_eq!(Country::Moldova.language(), Lang::Ro);
    }
}
