//! The directory as a file, for moving it between deployments and tools: an Open Referral HSDS 3
//! JSON package (organisations, locations and services as the open-data API serves them) or its
//! tabular form (`tabular`), with the whole of each entry under `x_bluedot`, so that export →
//! import → export gives the same files. Packages from other HSDS tools, without `x_bluedot`,
//! are read from their locations and services. An import is checked whole before anything is
//! written: one refused record and nothing is.

pub mod tabular;
pub mod translations;

use std::collections::BTreeMap;

use bluedot_core::article::Article;
use bluedot_core::geo::Point;
use bluedot_core::hub::{Contact, HubService, MessagingApp};
use bluedot_core::policy::{self, Actor, Target};
use bluedot_core::provider::Provider;
use bluedot_core::{Country, Hub, HubKind, Lang, Localized, ServiceKind};
use bluedot_store::audit::Change;
use bluedot_store::directory::{Edit, Expected};
use bluedot_store::{Store, StoreError};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use uuid::Uuid;

/// The entries of a directory, whole.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Entries {
    pub hubs: Vec<Hub>,
    pub providers: Vec<Provider>,
    pub articles: Vec<Article>,
}

/// The directory as an HSDS 3 JSON package.
pub async fn export_hsds_json(store: &Store) -> Result<Value, StoreError> {
    let hubs = store.list_hubs().await?;
    let providers = store.list_providers(None).await?;
    let mut articles = vec![];
    for country in Country::ALL {
        articles.extend(store.articles(country, None).await?);
    }
    let lang = Lang::FALLBACK;
    let mut services: Vec<Value> = vec![];
    for hub in &hubs {
        services.extend(
            hub.services
                .iter()
                .map(|s| crate::hsds::service_json(hub, s, lang)),
        );
    }
    services.extend(
        providers
            .iter()
            .map(|p| crate::hsds::provider_service_json(p, lang)),
    );
    Ok(json!({
        "hsds_version": "3.0",
        "organizations": Country::ALL.map(|c| crate::hsds::organization_json(c, lang)),
        "locations": hubs.iter().map(|h| crate::hsds::location_json(h, lang)).collect::<Vec<_>>(),
        "services": services,
        "x_bluedot": Entries { hubs, providers, articles },
    }))
}

/// A directory package as it arrives: one HSDS JSON file, or the files of a tabular package by
/// name.
pub enum Package {
    Json(Value),
    Tabular(BTreeMap<String, Vec<u8>>),
}

impl Package {
    /// The package made of the files a person chose: a single JSON file is an HSDS JSON
    /// package, CSV files (with or without their `datapackage.json`) a tabular one.
    pub fn from_files(mut files: BTreeMap<String, Vec<u8>>) -> Result<Package, String> {
        let is_tabular = files
            .keys()
            .any(|name| name.ends_with(".csv") || name == tabular::DESCRIPTOR);
        if is_tabular {
            return Ok(Package::Tabular(files));
        }
        match files.len() {
            0 => Err("choose the package's file or files".into()),
            1 => {
                let (name, bytes) = files.pop_first().unwrap_or_default();
                serde_json::from_slice(&bytes)
                    .map(Package::Json)
                    .map_err(|e| format!("{name} is not JSON: {e}"))
            }
            _ => Err("choose one HSDS JSON file, or the CSV files of a tabular package".into()),
        }
    }
}

/// What an import did, or would do, to each entry.
#[derive(Debug, Default, PartialEq)]
pub struct Report {
    pub created: Vec<String>,
    pub changed: Vec<String>,
    pub unchanged: Vec<String>,
    /// Where in the file, and why.
    pub refused: Vec<(String, String)>,
    /// Left for later without refusing the rest (a page whose translation is not finished),
    /// and why.
    pub skipped: Vec<(String, String)>,
}

impl Report {
    pub fn summary(&self) -> String {
        let mut summary = format!(
            "{} to create, {} to change, {} unchanged, {} refused",
            self.created.len(),
            self.changed.len(),
            self.unchanged.len(),
            self.refused.len()
        );
        if !self.skipped.is_empty() {
            summary.push_str(&format!(", {} left unfinished", self.skipped.len()));
        }
        summary
    }
}

/// Reads a package into entries, refusing (with where and why) what cannot be read.
pub fn read_package(package: &Package) -> (Entries, Vec<(String, String)>) {
    let (package, mut refused) = match package {
        Package::Json(value) => (value.clone(), vec![]),
        Package::Tabular(files) => tabular::read(files),
    };
    if let Some(ours) = package.get("x_bluedot") {
        let entries = Entries {
            hubs: read_list(ours, "hubs", &mut refused),
            providers: read_list(ours, "providers", &mut refused),
            articles: read_list(ours, "articles", &mut refused),
        };
        return (entries, refused);
    }
    let mut entries = Entries::default();
    let services = package["services"].as_array().cloned().unwrap_or_default();
    for (i, location) in package["locations"]
        .as_array()
        .into_iter()
        .flatten()
        .enumerate()
    {
        match hub_from_location(location, &services) {
            Ok(hub) => entries.hubs.push(hub),
            Err(e) => {
                let at = match location["x_read_from"].as_str() {
                    Some(at) => at.to_owned(),
                    None => format!("locations[{i}]"),
                };
                refused.push((at, e));
            }
        }
    }
    (entries, refused)
}

/// The entries of one list under `x_bluedot`; those that cannot be read are refused with
/// their place in the file.
fn read_list<T: serde::de::DeserializeOwned>(
    ours: &Value,
    list: &str,
    refused: &mut Vec<(String, String)>,
) -> Vec<T> {
    let mut read = vec![];
    for (i, item) in ours[list].as_array().into_iter().flatten().enumerate() {
        match serde_json::from_value(item.clone()) {
            Ok(entry) => read.push(entry),
            Err(e) => refused.push((format!("x_bluedot.{list}[{i}]"), e.to_string())),
        }
    }
    read
}

/// A hub from an HSDS location and the services offered there.
fn hub_from_location(location: &Value, services: &[Value]) -> Result<Hub, String> {
    let now = chrono::Utc::now();
    let text = |v: &Value| v.as_str().unwrap_or("").trim().to_owned();
    let id: Uuid = location["id"]
        .as_str()
        .and_then(|s| s.parse().ok())
        .ok_or("id: a location needs a UUID id")?;
    let address = &location["addresses"][0];
    let country = Country::from_code(&text(&address["country"]))
        .ok_or("addresses[0].country: not one of the network's countries")?;
    let name = text(&location["name"]);
    let (Some(lat), Some(lon)) = (
        location["latitude"].as_f64(),
        location["longitude"].as_f64(),
    ) else {
        return Err("latitude, longitude: a hub needs its coordinates".into());
    };
    let schedule = &location["schedules"][0];
    let hours = match text(&schedule["x_opening_hours"]) {
        h if !h.is_empty() => h,
        _ => text(&schedule["description"]),
    };
    let mut hub_services = vec![];
    for service in services {
        let here = ["schedules", "service_at_locations"].iter().any(|list| {
            service[list]
                .as_array()
                .into_iter()
                .flatten()
                .any(|s| s["location_id"] == location["id"])
        });
        if !here {
            continue;
        }
        for attribute in service["attributes"].as_array().into_iter().flatten() {
            let code = text(&attribute["taxonomy_term"]["code"]);
            let kind = ServiceKind::from_code(&code)
                .ok_or(format!("services: unknown taxonomy code {code:?}"))?;
            if !hub_services.iter().any(|s: &HubService| s.kind == kind) {
                hub_services.push(HubService::new(kind, now));
            }
        }
    }
    let slug = match text(&location["x_slug"]) {
        s if !s.is_empty() => s,
        _ => deunicode::deunicode(&name)
            .to_lowercase()
            .split(|c: char| !c.is_ascii_alphanumeric())
            .filter(|w| !w.is_empty())
            .collect::<Vec<_>>()
            .join("-"),
    };
    Ok(Hub {
        slug,
        kind: HubKind::from_code(&text(&location["x_hub_kind"]))
            .unwrap_or(HubKind::CommunityCentre),
        name: Localized::new().with(Lang::FALLBACK, name),
        description: Localized::new().with(Lang::FALLBACK, text(&location["description"])),
        address: Localized::new().with(Lang::FALLBACK, text(&address["address_1"])),
        location: Point { lat, lon },
        opening_hours: hours,
        contacts: location["phones"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|p| Contact {
                channel: MessagingApp::Phone,
                value: text(&p["number"]),
            })
            .collect(),
        languages: location["languages"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|l| text(&l["code"]))
            .collect(),
        services: hub_services,
        ..Hub::blank(id, country, now)
    })
}

/// Who brings a package in: the system (the command line, which may write every entry) or a
/// signed-in editor, who may bring in only what they could change by hand.
#[derive(Clone, Copy)]
pub enum Importer<'a> {
    System,
    Editor(&'a Actor),
}

impl Importer<'_> {
    fn adds(&self, country: Country) -> bool {
        match self {
            Importer::System => true,
            Importer::Editor(actor) => policy::adds_to_directory(actor, country),
        }
    }

    /// Whether this importer may save `hub`, stored now as `stored` (if at all).
    fn saves_hub(&self, hub: &Hub, stored: Option<&Hub>) -> bool {
        let Importer::Editor(actor) = self else {
            return true;
        };
        match stored {
            None => self.adds(hub.country),
            Some(stored) => {
                let target = Target::Hub {
                    hub: stored.id,
                    country: stored.country,
                };
                policy::edits_hub(actor, target)
                    && (stored.country == hub.country || self.adds(hub.country))
            }
        }
    }

    fn writes_pages(&self, country: Country) -> bool {
        match self {
            Importer::System => true,
            Importer::Editor(actor) => policy::edits_pages(actor, country),
        }
    }
}

fn outside_scope(country: Country) -> String {
    format!(
        "outside your scope: you may not change this entry of the {} directory",
        country.code()
    )
}

/// Checks every entry as a save would, against what the store holds and against what the
/// importer may change; writes only when `write` and nothing was refused.
pub async fn import(
    store: &Store,
    change: &Change,
    importer: Importer<'_>,
    package: &Package,
    write: bool,
) -> Result<Report, StoreError> {
    let (mut entries, refused) = read_package(package);
    let mut report = Report {
        refused,
        ..Report::default()
    };
    let mut slugs = std::collections::HashMap::new();
    for (i, hub) in entries.hubs.iter().enumerate() {
        let at = format!("hub {} ({})", hub.slug, i);
        if let Err(e) = hub.validate() {
            report
                .refused
                .push((at, format!("{}: {}", e.field, e.message)));
            continue;
        }
        if !crate::outlines::in_country(hub.country, hub.location) {
            report.refused.push((
                at,
                format!("location: the point lies outside {}", hub.country.code()),
            ));
            continue;
        }
        if let Some(other) = slugs.insert(hub.slug.clone(), hub.id)
            && other != hub.id
        {
            report
                .refused
                .push((at, format!("slug: {} is used by two hubs", hub.slug)));
            continue;
        }
        let name = format!("hub {}", hub.slug);
        let stored = store.hub_for_edit(hub.id).await?.map(|(stored, _)| stored);
        match stored {
            Some(stored) if stored == *hub => report.unchanged.push(name),
            _ if !importer.saves_hub(hub, stored.as_ref()) => {
                report.refused.push((at, outside_scope(hub.country)));
            }
            None => report.created.push(name),
            Some(_) => report.changed.push(name),
        }
    }
    for (i, p) in entries.providers.iter().enumerate() {
        if let Err(e) = p.validate() {
            report.refused.push((
                format!("provider {i}"),
                format!("{}: {}", e.field, e.message),
            ));
            continue;
        }
        let name = format!("provider {}", p.organization);
        match store.provider_by_id(p.id).await? {
            Some(stored) if stored == *p => report.unchanged.push(name),
            Some(stored) if !importer.adds(stored.country) => {
                report.refused.push((name, outside_scope(stored.country)));
            }
            _ if !importer.adds(p.country) => report.refused.push((name, outside_scope(p.country))),
            None => report.created.push(name),
            Some(_) => report.changed.push(name),
        }
    }
    // Sources before their translations, which record the source they were made from.
    entries.articles.sort_by_key(|a| a.source_lang.is_some());
    for a in &entries.articles {
        let name = format!(
            "page {}/{}/{}",
            a.country.code(),
            a.topic.code(),
            a.lang.code()
        );
        match store.article_for_edit(a.country, a.topic, a.lang).await? {
            Some((stored, _)) if stored == *a => report.unchanged.push(name),
            _ if !importer.writes_pages(a.country) => {
                report.refused.push((name, outside_scope(a.country)));
            }
            None => report.created.push(name),
            Some(_) => report.changed.push(name),
        }
    }
    if !write || !report.refused.is_empty() {
        return Ok(report);
    }
    for hub in &entries.hubs {
        store
            .save_hub(change, hub, Expected::Any, Edit::Import)
            .await?;
    }
    for p in &entries.providers {
        store
            .save_provider(change, p, Expected::Any, Edit::Import)
            .await?;
    }
    for a in &entries.articles {
        store
            .save_article(change, a, Expected::Any, Edit::Import)
            .await?;
    }
    Ok(report)
}
