//! The public directory: hubs with their services, providers and articles. Reading is here;
//! changing is in [`edits`], where every save is a version kept in the entry's history.

mod edits;

pub use edits::{Edit, EntryVersion, Expected, Saved, article_entry, hub_entry, provider_entry};

use std::collections::HashMap;

use bluedot_core::article::{Article, Topic};
use bluedot_core::geo::Point;
use bluedot_core::hub::{Accessibility, Closure, Contact, HubService};
use bluedot_core::provider::Provider;
use bluedot_core::{Country, Hub, HubKind, HubStatus, Lang, Localized, PriorityGroup, ServiceKind};
use chrono::{DateTime, Utc};
use sqlx::types::Json;
use uuid::Uuid;

use crate::{Result, Store, decode_code, on_pool};

#[derive(sqlx::FromRow)]
pub(crate) struct HubRow {
    id: Uuid,
    slug: String,
    kind: String,
    country: String,
    name: Json<Localized>,
    description: Json<Localized>,
    address: Json<Localized>,
    lat: f64,
    lon: f64,
    opening_hours: String,
    contacts: Json<Vec<Contact>>,
    languages: Json<Vec<String>>,
    accessibility: Json<Accessibility>,
    status: String,
    status_note: Json<Localized>,
    partners: Json<Vec<String>>,
    closures: Json<Vec<Closure>>,
    verified_at: DateTime<Utc>,
    is_demo: bool,
    version: i64,
}

#[derive(sqlx::FromRow)]
pub(crate) struct HubServiceRow {
    hub_id: Uuid,
    service: String,
    priority_groups: Json<Vec<PriorityGroup>>,
    note: Json<Localized>,
    hours: Option<String>,
    languages: Json<Vec<String>>,
    provided_by: String,
    eligibility: Json<Localized>,
    verified_at: DateTime<Utc>,
}

impl HubRow {
    pub(crate) fn into_hub(self, services: Vec<HubService>) -> Result<Hub> {
        Ok(Hub {
            id: self.id,
            slug: self.slug,
            kind: decode_code("hubs.kind", &self.kind, HubKind::from_code)?,
            country: decode_code("hubs.country", &self.country, Country::from_code)?,
            name: self.name.0,
            description: self.description.0,
            address: self.address.0,
            location: Point {
                lat: self.lat,
                lon: self.lon,
            },
            opening_hours: self.opening_hours,
            contacts: self.contacts.0,
            languages: self.languages.0,
            accessibility: self.accessibility.0,
            status: decode_code("hubs.status", &self.status, HubStatus::from_code)?,
            status_note: self.status_note.0,
            partners: self.partners.0,
            services,
            closures: self.closures.0,
            verified_at: self.verified_at,
            is_demo: self.is_demo,
        })
    }
}

impl HubServiceRow {
    pub(crate) fn into_service(self) -> Result<HubService> {
        Ok(HubService {
            kind: decode_code(
                "hub_services.service",
                &self.service,
                ServiceKind::from_code,
            )?,
            priority_groups: self.priority_groups.0,
            note: self.note.0,
            hours: self.hours,
            languages: self.languages.0,
            provided_by: self.provided_by,
            eligibility: self.eligibility.0,
            verified_at: self.verified_at,
        })
    }
}

const SERVICE_COLUMNS: &str = "hub_id, service, priority_groups, note, hours, languages, provided_by, eligibility, verified_at";

pub(crate) const HUB_COLUMNS: &str = "id, slug, kind, country, name, description, address, lat, lon, \
     opening_hours, contacts, languages, accessibility, status, status_note, partners, \
     closures, verified_at, is_demo, version";

const PROVIDER_COLUMNS: &str = "id, country, organization, service, name, description, \
     address, lat, lon, opening_hours, contacts, website, eligibility, languages, free_of_charge, \
     fees, verified_at, is_demo";

pub(crate) const ARTICLE_COLUMNS: &str =
    "country, topic, lang, title, summary, body, source_lang, verified_at, is_demo, version";

/// An entry whose last verification is older than the review age.
#[derive(Debug, Clone, PartialEq)]
pub struct StaleEntry {
    pub what: &'static str,
    pub country: Country,
    pub key: String,
    pub verified_at: DateTime<Utc>,
}

impl Store {
    /// Every hub with its services, ordered by country then slug.
    pub async fn list_hubs(&self) -> Result<Vec<Hub>> {
        let sql = format!("SELECT {HUB_COLUMNS} FROM hubs ORDER BY country, slug");
        let (rows, service_rows): (Vec<HubRow>, Vec<HubServiceRow>) = on_pool!(self, pool => (
            sqlx::query_as(&sql).fetch_all(pool).await?,
            sqlx::query_as(&format!("SELECT {SERVICE_COLUMNS} FROM hub_services"))
            .fetch_all(pool)
            .await?,
        ));
        let mut services: HashMap<Uuid, Vec<HubService>> = HashMap::new();
        for row in service_rows {
            services
                .entry(row.hub_id)
                .or_default()
                .push(row.into_service()?);
        }
        rows.into_iter()
            .map(|row| {
                let mut own = services.remove(&row.id).unwrap_or_default();
                own.sort_by_key(|s| s.kind);
                row.into_hub(own)
            })
            .collect()
    }

    pub async fn hub_by_slug(&self, slug: &str) -> Result<Option<Hub>> {
        let sql = format!("SELECT {HUB_COLUMNS} FROM hubs WHERE slug = $1");
        let row: Option<HubRow> =
            on_pool!(self, pool => sqlx::query_as(&sql).bind(slug).fetch_optional(pool).await?);
        match row {
            Some(row) => Ok(Some(self.with_services(row).await?.0)),
            None => Ok(None),
        }
    }

    /// A hub's row completed with its services, and the row's version.
    pub(crate) async fn with_services(&self, row: HubRow) -> Result<(Hub, i64)> {
        let sql = format!("SELECT {SERVICE_COLUMNS} FROM hub_services WHERE hub_id = $1");
        let service_rows: Vec<HubServiceRow> = on_pool!(self, pool => sqlx::query_as(&sql)
        .bind(row.id)
        .fetch_all(pool)
        .await?);
        let mut services = service_rows
            .into_iter()
            .map(HubServiceRow::into_service)
            .collect::<Result<Vec<_>>>()?;
        services.sort_by_key(|s| s.kind);
        let version = row.version;
        Ok((row.into_hub(services)?, version))
    }

    pub async fn count_hubs(&self) -> Result<i64> {
        Ok(
            on_pool!(self, pool => sqlx::query_scalar("SELECT COUNT(*) FROM hubs")
            .fetch_one(pool)
            .await?),
        )
    }

    pub async fn provider_by_id(&self, id: Uuid) -> Result<Option<Provider>> {
        let sql = format!("SELECT {PROVIDER_COLUMNS} FROM providers WHERE id = $1");
        let row: Option<ProviderRow> = on_pool!(self, pool => sqlx::query_as(&sql)
        .bind(id)
        .fetch_optional(pool)
        .await?);
        row.map(ProviderRow::into_provider).transpose()
    }

    /// Providers, of one country or all, ordered by country, service and organisation.
    pub async fn list_providers(&self, country: Option<Country>) -> Result<Vec<Provider>> {
        let sql = format!(
            "SELECT {PROVIDER_COLUMNS} FROM providers WHERE ($1 IS NULL OR country = $1)
             ORDER BY country, service, organization"
        );
        let rows: Vec<ProviderRow> = on_pool!(self, pool => sqlx::query_as(&sql)
        .bind(country.map(|c| c.code()))
        .fetch_all(pool)
        .await?);
        rows.into_iter().map(ProviderRow::into_provider).collect()
    }

    /// A mark that changes whenever any article is saved, verified or imported (each bumps its
    /// version), so caches of pages built from articles know when to build again.
    pub async fn articles_mark(&self) -> Result<String> {
        let (count, versions): (i64, i64) = on_pool!(self, pool => sqlx::query_as(
            "SELECT COUNT(*), CAST(COALESCE(SUM(version), 0) AS BIGINT) FROM articles"
        )
        .fetch_one(pool)
        .await?);
        Ok(format!("{count}.{versions}"))
    }

    /// Every language version of a country's articles (of one topic, or all).
    pub async fn articles(&self, country: Country, topic: Option<Topic>) -> Result<Vec<Article>> {
        let sql = format!(
            "SELECT {ARTICLE_COLUMNS} FROM articles WHERE country = $1
             AND ($2 IS NULL OR topic = $2) ORDER BY topic, lang"
        );
        let rows: Vec<ArticleRow> = on_pool!(self, pool => sqlx::query_as(&sql)
        .bind(country.code())
        .bind(topic.map(|t| t.code()))
        .fetch_all(pool)
        .await?);
        rows.into_iter().map(ArticleRow::into_article).collect()
    }

    /// Hubs, hub services, providers and articles last verified before `before`, oldest first.
    pub async fn stale_entries(&self, before: DateTime<Utc>) -> Result<Vec<StaleEntry>> {
        let rows: Vec<(String, String, String, DateTime<Utc>)> = on_pool!(self, pool => sqlx::query_as(
            "SELECT 'hub', country, slug, verified_at FROM hubs WHERE verified_at < $1
             UNION ALL
             SELECT 'service', h.country, h.slug || ' / ' || s.service, s.verified_at
               FROM hub_services s JOIN hubs h ON h.id = s.hub_id WHERE s.verified_at < $1
             UNION ALL
             SELECT 'provider', country, organization || ' / ' || service, verified_at
               FROM providers WHERE verified_at < $1
             UNION ALL
             SELECT 'article', country, topic || ' / ' || lang, verified_at
               FROM articles WHERE verified_at < $1
             ORDER BY 4, 2, 3",
        )
        .bind(before)
        .fetch_all(pool)
        .await?);
        rows.into_iter()
            .map(|(what, country, key, verified_at)| {
                Ok(StaleEntry {
                    what: match what.as_str() {
                        "hub" => "hub",
                        "service" => "service",
                        "provider" => "provider",
                        _ => "article",
                    },
                    country: decode_code("country", &country, Country::from_code)?,
                    key,
                    verified_at,
                })
            })
            .collect()
    }
}

#[derive(sqlx::FromRow)]
struct ProviderRow {
    id: Uuid,
    country: String,
    organization: String,
    service: String,
    name: Json<Localized>,
    description: Json<Localized>,
    address: Json<Localized>,
    lat: Option<f64>,
    lon: Option<f64>,
    opening_hours: Option<String>,
    contacts: Json<Vec<Contact>>,
    website: Option<String>,
    eligibility: Json<Localized>,
    languages: Json<Vec<String>>,
    free_of_charge: bool,
    fees: Json<Localized>,
    verified_at: DateTime<Utc>,
    is_demo: bool,
}

impl ProviderRow {
    fn into_provider(self) -> Result<Provider> {
        Ok(Provider {
            id: self.id,
            country: decode_code("providers.country", &self.country, Country::from_code)?,
            organization: self.organization,
            service: decode_code("providers.service", &self.service, ServiceKind::from_code)?,
            name: self.name.0,
            description: self.description.0,
            address: self.address.0,
            location: match (self.lat, self.lon) {
                (Some(lat), Some(lon)) => Some(Point { lat, lon }),
                _ => None,
            },
            opening_hours: self.opening_hours,
            contacts: self.contacts.0,
            website: self.website,
            eligibility: self.eligibility.0,
            languages: self.languages.0,
            free_of_charge: self.free_of_charge,
            fees: self.fees.0,
            verified_at: self.verified_at,
            is_demo: self.is_demo,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct ArticleRow {
    country: String,
    topic: String,
    lang: String,
    title: String,
    summary: String,
    body: String,
    source_lang: Option<String>,
    verified_at: DateTime<Utc>,
    is_demo: bool,
    version: i64,
}

impl ArticleRow {
    pub(crate) fn into_article(self) -> Result<Article> {
        Ok(Article {
            country: decode_code("articles.country", &self.country, Country::from_code)?,
            topic: decode_code("articles.topic", &self.topic, Topic::from_code)?,
            lang: decode_code("articles.lang", &self.lang, Lang::from_tag)?,
            title: self.title,
            summary: self.summary,
            body: self.body,
            source_lang: self
                .source_lang
                .map(|l| decode_code("articles.source_lang", &l, Lang::from_tag))
                .transpose()?,
            verified_at: self.verified_at,
            is_demo: self.is_demo,
        })
    }
}
