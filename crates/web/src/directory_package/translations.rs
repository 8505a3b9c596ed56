//! The directory's texts for translators, as one GNU gettext PO file per language, the format
//! every translation tool reads (Poedit, Weblate, Lokalise, OmegaT). Each text is one message:
//! its context names where it lives and the language it is translated from
//! (`en/hub/<id>/name`, `en/page/RO/rights/body`), `msgid` is the source text as exported and
//! `msgstr` the translation. A page translation older than its source is marked fuzzy, as
//! gettext marks a translation to check. An import refuses every text whose source changed
//! since the export (its `msgid` no longer matches) and reports it; nothing is written if
//! anything is refused.

use std::collections::BTreeMap;
use std::io::BufWriter;

use bluedot_core::article::{Article, Topic};
use bluedot_core::{Country, Lang, Localized};
use bluedot_store::audit::Change;
use bluedot_store::directory::{Edit, Expected};
use bluedot_store::{Store, StoreError};
use polib::catalog::Catalog;
use polib::message::Message;
use polib::metadata::CatalogMetadata;
use uuid::Uuid;

use super::{Importer, Report, outside_scope};

/// One text to translate.
struct Unit {
    context: String,
    source: String,
    translation: String,
    /// Translated from an earlier version of the source.
    outdated: bool,
    /// What the translator is told about where the text appears.
    note: String,
}

/// The page fields a translator writes, in the order a page reads.
const PAGE_FIELDS: [&str; 3] = ["title", "summary", "body"];

fn page_field<'a>(article: &'a mut Article, field: &str) -> Option<&'a mut String> {
    match field {
        "title" => Some(&mut article.title),
        "summary" => Some(&mut article.summary),
        "body" => Some(&mut article.body),
        _ => None,
    }
}

/// The version of `topic` a translation into `lang` is made from: the one the existing
/// translation names, else the version written in `from`, else the first written in its own
/// right. None when `lang` is itself written in its own right, or nothing is written yet.
fn page_source(articles: &[Article], topic: Topic, lang: Lang, from: Lang) -> Option<&Article> {
    let of_topic = || articles.iter().filter(|a| a.topic == topic);
    let original = |l: Lang| of_topic().find(|a| a.lang == l && a.source_lang.is_none());
    match of_topic().find(|a| a.lang == lang) {
        Some(existing) => original(existing.source_lang?),
        None => original(from).or_else(|| of_topic().find(|a| a.source_lang.is_none())),
    }
}

/// The PO file of every text this importer may change, for translation into `lang` from
/// `from` (information pages name their own source).
pub async fn export(
    store: &Store,
    importer: Importer<'_>,
    lang: Lang,
    from: Lang,
) -> Result<String, StoreError> {
    let mut units = vec![];
    for country in Country::ALL {
        if !importer.writes_pages(country) {
            continue;
        }
        let articles = store.articles(country, None).await?;
        let outdated = store.outdated_translations(country).await?;
        for topic in Topic::ALL {
            let Some(source) = page_source(&articles, *topic, lang, from) else {
                continue;
            };
            if source.lang == lang {
                continue;
            }
            let mut translation = articles
                .iter()
                .find(|a| a.topic == *topic && a.lang == lang)
                .cloned();
            let mut original = source.clone();
            for field in PAGE_FIELDS {
                let text = page_field(&mut original, field)
                    .cloned()
                    .unwrap_or_default();
                if text.is_empty() {
                    continue;
                }
                units.push(Unit {
                    context: format!(
                        "{}/page/{}/{}/{field}",
                        source.lang.code(),
                        country.code(),
                        topic.code()
                    ),
                    translation: translation
                        .as_mut()
                        .and_then(|t| page_field(t, field).cloned())
                        .unwrap_or_default(),
                    outdated: outdated.contains(&(*topic, lang)),
                    note: format!(
                        "Information page {} · {}: {field}",
                        country.code(),
                        topic.code()
                    ),
                    source: text,
                });
            }
        }
    }
    for mut hub in store.list_hubs().await? {
        if !importer.saves_hub(&hub, Some(&hub.clone())) {
            continue;
        }
        let (id, name) = (hub.id, hub.slug.clone());
        units.extend(entry_units("hub", id, &name, hub.texts_mut(), lang, from));
    }
    for mut provider in store.list_providers(None).await? {
        if !importer.adds(provider.country) {
            continue;
        }
        let (id, name) = (provider.id, provider.organization.clone());
        units.extend(entry_units(
            "provider",
            id,
            &name,
            provider.texts_mut(),
            lang,
            from,
        ));
    }
    Ok(write_catalog(units, lang))
}

/// The units of a hub's or provider's texts that exist in `from`.
fn entry_units(
    kind: &str,
    id: Uuid,
    name: &str,
    texts: Vec<(String, &mut Localized)>,
    lang: Lang,
    from: Lang,
) -> Vec<Unit> {
    texts
        .into_iter()
        .filter_map(|(key, text)| {
            let source = text.0.get(&from).filter(|t| !t.trim().is_empty())?;
            Some(Unit {
                context: format!("{}/{kind}/{id}/{key}", from.code()),
                source: source.clone(),
                translation: text.0.get(&lang).cloned().unwrap_or_default(),
                outdated: false,
                note: format!("{kind} {name}: {key}"),
            })
        })
        .collect()
}

fn write_catalog(units: Vec<Unit>, lang: Lang) -> String {
    let mut metadata = CatalogMetadata::new();
    metadata.project_id_version = "bluedot directory".into();
    metadata.language = lang.code().into();
    metadata.mime_version = "1.0".into();
    metadata.content_type = "text/plain; charset=UTF-8".into();
    metadata.content_transfer_encoding = "8bit".into();
    let mut catalog = Catalog::new(metadata);
    for unit in units {
        let mut message = Message::build_singular();
        message
            .with_msgctxt(unit.context)
            .with_msgid(unit.source)
            .with_msgstr(unit.translation)
            .with_extracted_comments(unit.note);
        if unit.outdated {
            message.with_flags("fuzzy".parse().unwrap_or_default());
        }
        catalog.append_or_update(message.done());
    }
    let mut out = BufWriter::new(vec![]);
    let written = polib::po_file::write(&catalog, &mut out);
    match (written, out.into_inner()) {
        (Ok(()), Ok(bytes)) => String::from_utf8(bytes).unwrap_or_default(),
        // Writing to memory cannot fail.
        _ => String::new(),
    }
}

/// Where one translated text goes.
enum Place {
    Page {
        country: Country,
        topic: Topic,
        field: String,
    },
    Hub(Uuid, String),
    Provider(Uuid, String),
}

fn place(context: &str) -> Option<(Lang, Place)> {
    let mut parts = context.splitn(3, '/');
    let from: Lang = parts.next()?.parse().ok()?;
    let kind = parts.next()?;
    let rest = parts.next()?;
    let place = match kind {
        "page" => {
            let mut parts = rest.split('/');
            let country = Country::from_code(parts.next()?)?;
            let topic = Topic::from_code(parts.next()?)?;
            let field = parts.next()?.to_owned();
            Place::Page {
                country,
                topic,
                field,
            }
        }
        "hub" | "provider" => {
            let (id, key) = rest.split_once('/')?;
            let id: Uuid = id.parse().ok()?;
            if kind == "hub" {
                Place::Hub(id, key.to_owned())
            } else {
                Place::Provider(id, key.to_owned())
            }
        }
        _ => return None,
    };
    Some((from, place))
}

/// One translated text of a file, for the entry it belongs to.
struct Translated {
    from: Lang,
    /// The field of the entry (`title`, `name`, `service/legal-aid`).
    key: String,
    /// The source as exported.
    source: String,
    translation: String,
}

const SOURCE_CHANGED: &str =
    "the source text changed since this file was exported: export again and translate it anew";

/// Reads a PO file of translations and checks every text against the directory as it is;
/// writes the translations when `write` and nothing was refused.
pub async fn import(
    store: &Store,
    change: &Change,
    importer: Importer<'_>,
    po: &[u8],
    write: bool,
) -> Result<Report, StoreError> {
    let mut report = Report::default();
    let catalog = match polib::po_file::parse_from_reader(po) {
        Ok(c) => c,
        Err(e) => {
            report.refused.push(("PO file".into(), e.to_string()));
            return Ok(report);
        }
    };
    let Ok(lang) = catalog.metadata.language.parse::<Lang>() else {
        report.refused.push((
            "PO header".into(),
            format!(
                "Language {:?} is not one of uk, ru, en, pl, ro, hu, sk, bg, it",
                catalog.metadata.language
            ),
        ));
        return Ok(report);
    };
    // Translated texts grouped by the entry they belong to.
    let mut pages: BTreeMap<(Country, Topic), Vec<Translated>> = BTreeMap::new();
    let mut hubs: BTreeMap<Uuid, Vec<Translated>> = BTreeMap::new();
    let mut providers: BTreeMap<Uuid, Vec<Translated>> = BTreeMap::new();
    for message in catalog.messages() {
        let context = message.msgctxt().unwrap_or_default().to_owned();
        let translation = message.msgstr().unwrap_or_default().trim().to_owned();
        if translation.is_empty() || message.is_fuzzy() {
            continue;
        }
        let source = message.msgid().to_owned();
        let Some((from, place)) = place(&context) else {
            report
                .refused
                .push((context, "not a text of this directory".into()));
            continue;
        };
        let (group, key) = match place {
            Place::Page {
                country,
                topic,
                field,
            } => (pages.entry((country, topic)).or_default(), field),
            Place::Hub(id, key) => (hubs.entry(id).or_default(), key),
            Place::Provider(id, key) => (providers.entry(id).or_default(), key),
        };
        group.push(Translated {
            from,
            key,
            source,
            translation,
        });
    }

    let mut page_saves = vec![];
    for ((country, topic), texts) in pages {
        // A page is translated from one source: the first text names it, and any other
        // source is refused below as not matching.
        let from = texts[0].from;
        let name = format!("page {}/{}/{}", country.code(), topic.code(), lang.code());
        if !importer.writes_pages(country) {
            report.refused.push((name, outside_scope(country)));
            continue;
        }
        let Some((source, _)) = store.article_for_edit(country, topic, from).await? else {
            report.refused.push((name, SOURCE_CHANGED.into()));
            continue;
        };
        let stored = store.article_for_edit(country, topic, lang).await?;
        if stored
            .as_ref()
            .is_some_and(|(a, _)| a.source_lang.is_none())
        {
            report.refused.push((
                name,
                "this language version is written in its own right, not translated".into(),
            ));
            continue;
        }
        let outdated = store
            .outdated_translations(country)
            .await?
            .contains(&(topic, lang));
        let mut page = match &stored {
            Some((a, _)) => a.clone(),
            None => Article {
                country,
                topic,
                lang,
                title: String::new(),
                summary: String::new(),
                body: String::new(),
                source_lang: None,
                verified_at: store.now(),
                is_demo: false,
            },
        };
        let mut source = source;
        let mut refused = false;
        for t in texts {
            let current = page_field(&mut source, &t.key).cloned();
            match (current, page_field(&mut page, &t.key)) {
                (Some(current), Some(slot)) if current == t.source && t.from == from => {
                    *slot = t.translation;
                }
                _ => {
                    report
                        .refused
                        .push((format!("{name} {}", t.key), SOURCE_CHANGED.into()));
                    refused = true;
                }
            }
        }
        if refused {
            continue;
        }
        page.source_lang = Some(from);
        if page.title.trim().is_empty() || page.body.trim().is_empty() {
            report.skipped.push((
                name,
                "not written: a page needs at least its title and its text translated".into(),
            ));
            continue;
        }
        match &stored {
            Some((a, _)) if *a == page && !outdated => report.unchanged.push(name),
            Some((_, version)) => {
                page.verified_at = store.now();
                report.changed.push(name);
                page_saves.push((page, Expected::Version(*version)));
            }
            None => {
                report.created.push(name);
                page_saves.push((page, Expected::New));
            }
        }
    }

    let mut hub_saves = vec![];
    for (id, texts) in hubs {
        let Some((stored, version)) = store.hub_for_edit(id).await? else {
            report
                .refused
                .push((format!("hub {id}"), "no such hub in this directory".into()));
            continue;
        };
        let name = format!("hub {}", stored.slug);
        if !importer.saves_hub(&stored, Some(&stored)) {
            report.refused.push((name, outside_scope(stored.country)));
            continue;
        }
        let mut hub = stored.clone();
        if apply(&name, hub.texts_mut(), lang, texts, &mut report) {
            if hub == stored {
                report.unchanged.push(name);
            } else {
                report.changed.push(name);
                hub_saves.push((hub, version));
            }
        }
    }

    let mut provider_saves = vec![];
    for (id, texts) in providers {
        let Some((stored, version)) = store.provider_for_edit(id).await? else {
            report.refused.push((
                format!("provider {id}"),
                "no such provider in this directory".into(),
            ));
            continue;
        };
        let name = format!("provider {}", stored.organization);
        if !importer.adds(stored.country) {
            report.refused.push((name, outside_scope(stored.country)));
            continue;
        }
        let mut provider = stored.clone();
        if apply(&name, provider.texts_mut(), lang, texts, &mut report) {
            if provider == stored {
                report.unchanged.push(name);
            } else {
                report.changed.push(name);
                provider_saves.push((provider, version));
            }
        }
    }

    if !write || !report.refused.is_empty() {
        return Ok(report);
    }
    for (page, expected) in &page_saves {
        store
            .save_article(change, page, *expected, Edit::Edit)
            .await?;
    }
    for (hub, version) in &hub_saves {
        store
            .save_hub(change, hub, Expected::Version(*version), Edit::Edit)
            .await?;
    }
    for (provider, version) in &provider_saves {
        store
            .save_provider(change, provider, Expected::Version(*version), Edit::Edit)
            .await?;
    }
    Ok(report)
}

/// Puts each translation into the entry's text it belongs to, when that text's source is
/// still the one translated; reports each that is not. Whether all were put.
fn apply(
    name: &str,
    mut texts: Vec<(String, &mut Localized)>,
    lang: Lang,
    translations: Vec<Translated>,
    report: &mut Report,
) -> bool {
    let mut all = true;
    for t in translations {
        let slot = texts.iter_mut().find(|(k, _)| *k == t.key);
        match slot {
            Some((_, text)) if text.0.get(&t.from) == Some(&t.source) => {
                text.0.insert(lang, t.translation);
            }
            _ => {
                report
                    .refused
                    .push((format!("{name} {}", t.key), SOURCE_CHANGED.into()));
                all = false;
            }
        }
    }
    all
}
