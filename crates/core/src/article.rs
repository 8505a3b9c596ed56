//! Information pages for refugees, per country and language.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::taxonomy::coded_enum;
use crate::{Country, Lang};

coded_enum! {
    /// What every country's information set covers, in the order pages list them.
    Topic {
        Rights => "rights",
        Services => "services",
        StayingSafe => "staying-safe",
        FamilyReunification => "family-reunification",
        Emergency => "emergency",
    }
}

/// One article in one language. Bodies are Markdown; raw HTML in them is never rendered.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Article {
    pub country: Country,
    pub topic: Topic,
    pub lang: Lang,
    pub title: String,
    pub summary: String,
    pub body: String,
    /// The language this version was translated from; none when it was written in its own right.
    #[serde(default)]
    pub source_lang: Option<Lang>,
    pub verified_at: DateTime<Utc>,
    pub is_demo: bool,
}

/// How one language version of an article stands against its source.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TranslationState {
    /// Written in its own right.
    Source,
    /// Translated from a source that has not changed since.
    Current,
    /// The source changed after this translation was written or last verified.
    Outdated,
    /// Not written in this language.
    Missing,
}

/// How each of the nine language versions of `topic` stands, from the versions stored
/// (`articles`, any topics) and the translations whose source changed since (`outdated`).
pub fn translation_states(
    articles: &[Article],
    outdated: &[(Topic, Lang)],
    topic: Topic,
) -> Vec<(Lang, TranslationState)> {
    Lang::ALL
        .iter()
        .map(|&lang| {
            let state = match articles.iter().find(|a| a.topic == topic && a.lang == lang) {
                None => TranslationState::Missing,
                Some(a) if a.source_lang.is_none() => TranslationState::Source,
                Some(_) if outdated.contains(&(topic, lang)) => TranslationState::Outdated,
                Some(_) => TranslationState::Current,
            };
            (lang, state)
        })
        .collect()
}
