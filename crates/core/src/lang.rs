//! The languages of the public site and of content, as BCP 47 codes.

use serde::{Deserialize, Serialize};

/// A language bluedot speaks. Codes are BCP 47 (`uk` for Ukrainian, never `ua`;
/// Moldova's Romanian is plain `ro`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    Uk,
    Ru,
    En,
    Pl,
    Ro,
    Hu,
    Sk,
    Bg,
    It,
}

impl Lang {
    /// In the order the language switcher shows them: the refugees' languages first.
    pub const ALL: [Lang; 9] = [
        Lang::Uk,
        Lang::Ru,
        Lang::En,
        Lang::Pl,
        Lang::Ro,
        Lang::Hu,
        Lang::Sk,
        Lang::Bg,
        Lang::It,
    ];

    /// The language content falls back to when a text is missing in the asked one.
    pub const FALLBACK: Lang = Lang::En;

    pub fn code(self) -> &'static str {
        match self {
            Lang::Uk => "uk",
            Lang::Ru => "ru",
            Lang::En => "en",
            Lang::Pl => "pl",
            Lang::Ro => "ro",
            Lang::Hu => "hu",
            Lang::Sk => "sk",
            Lang::Bg => "bg",
            Lang::It => "it",
        }
    }

    /// The language's name in itself, for the switcher.
    pub fn native_name(self) -> &'static str {
        match self {
            Lang::Uk => "Українська",
            Lang::Ru => "Русский",
            Lang::En => "English",
            Lang::Pl => "Polski",
            Lang::Ro => "Română",
            Lang::Hu => "Magyar",
            Lang::Sk => "Slovenčina",
            Lang::Bg => "Български",
            Lang::It => "Italiano",
        }
    }

    /// Parses a BCP 47 tag, ignoring region and script subtags (`ro-MD` is `ro`).
    pub fn from_tag(tag: &str) -> Option<Lang> {
        let primary = tag.split(['-', '_']).next()?.trim().to_ascii_lowercase();
        Lang::ALL.into_iter().find(|l| l.code() == primary)
    }

    /// Picks the best language from an `Accept-Language` header value, honouring q-values.
    pub fn negotiate(accept_language: &str) -> Option<Lang> {
        Lang::negotiate_among(accept_language, &Lang::ALL)
    }

    /// The best of `available` for an `Accept-Language` header, if it names any of them.
    pub fn negotiate_among(accept_language: &str, available: &[Lang]) -> Option<Lang> {
        let mut best: Option<(f32, usize, Lang)> = None;
        for (position, item) in accept_language.split(',').enumerate() {
            let mut parts = item.split(';');
            let Some(lang) = parts
                .next()
                .and_then(Lang::from_tag)
                .filter(|l| available.contains(l))
            else {
                continue;
            };
            let quality = parts
                .find_map(|p| p.trim().strip_prefix("q="))
                .and_then(|q| q.parse::<f32>().ok())
                .unwrap_or(1.0);
            if quality <= 0.0 {
                continue;
            }
            let better = match best {
                None => true,
                Some((q, pos, _)) => quality > q || (quality == q && position < pos),
            };
            if better {
                best = Some((quality, position, lang));
            }
        }
        best.map(|(_, _, lang)| lang)
    }
}

impl std::fmt::Display for Lang {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

impl std::str::FromStr for Lang {
    type Err = crate::ValidationError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Lang::ALL
            .into_iter()
            .find(|l| l.code() == s)
            .ok_or_else(|| crate::ValidationError::new("lang", format!("unknown language {s:?}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn negotiates_by_quality_then_order() {
        assert_eq!(Lang::negotiate("de-DE,uk;q=0.8,ru;q=0.9"), Some(Lang::Ru));
        assert_eq!(Lang::negotiate("ro-MD, en;q=0.5"), Some(Lang::Ro));
        assert_eq!(Lang::negotiate("fr, de"), None);
        assert_eq!(Lang::negotiate("uk;q=0, en"), Some(Lang::En));
    }

    #[test]
    fn ua_is_not_a_language_code() {
        assert!("ua".parse::<Lang>().is_err());
        assert_eq!("uk".parse::<Lang>(), Ok(Lang::Uk));
    }
}
