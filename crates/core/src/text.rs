//! Text kept in several languages, read with a visible fallback.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::Lang;

/// A text in one or more languages, stored as a JSON object keyed by language code.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Localized(pub BTreeMap<Lang, String>);

/// A text as found for a reader: `lang` differs from the asked language when it fell back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Found<'a> {
    pub text: &'a str,
    pub lang: Lang,
}

impl Found<'_> {
    pub fn is_fallback(&self, asked: Lang) -> bool {
        self.lang != asked
    }
}

impl Localized {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn with(mut self, lang: Lang, text: impl Into<String>) -> Self {
        self.0.insert(lang, text.into());
        self
    }

    pub fn is_empty(&self) -> bool {
        self.0.values().all(|t| t.trim().is_empty())
    }

    /// The text in `lang`, else in English, else in any language it has.
    pub fn get(&self, lang: Lang) -> Option<Found<'_>> {
        let usable = |l: Lang| {
            self.0
                .get(&l)
                .filter(|t| !t.trim().is_empty())
                .map(|t| Found { text: t, lang: l })
        };
        usable(lang)
            .or_else(|| usable(Lang::FALLBACK))
            .or_else(|| self.0.keys().find_map(|&l| usable(l)))
    }

    /// The text for a reader, or an empty string when there is none at all.
    pub fn text(&self, lang: Lang) -> &str {
        self.get(lang).map(|f| f.text).unwrap_or("")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn falls_back_to_english_then_anything() {
        let t = Localized::new()
            .with(Lang::En, "Hub")
            .with(Lang::Ro, "Punct");
        assert_eq!(t.get(Lang::Ro).unwrap().text, "Punct");
        let f = t.get(Lang::Uk).unwrap();
        assert_eq!((f.text, f.lang), ("Hub", Lang::En));
        assert!(f.is_fallback(Lang::Uk));
        let only_ro = Localized::new().with(Lang::Ro, "Punct").with(Lang::Uk, " ");
        assert_eq!(only_ro.get(Lang::Uk).unwrap().lang, Lang::Ro);
        assert!(Localized::new().get(Lang::En).is_none());
    }
}
