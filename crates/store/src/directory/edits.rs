//! Changing the directory. Every save of a hub, provider or article is a numbered version of
//! the entry, kept whole in `directory_history` with who saved it and which fields changed,
//! and audited in the same transaction. Versions let an editor's save refuse to overwrite a
//! change made since the form was opened, make restoring an earlier version a save like any
//! other, and make imports idempotent: a save that changes nothing writes nothing.

use bluedot_core::article::Article;
use bluedot_core::provider::Provider;
use bluedot_core::{Country, Hub, Lang, ValidationError};
use chrono::{DateTime, Utc};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use sha2::{Digest, Sha256};
use sqlx::types::Json;
use uuid::Uuid;

use super::{ARTICLE_COLUMNS, ArticleRow, HUB_COLUMNS, HubRow};
use crate::audit::{Change, append_audit};
use crate::{Result, Store, StoreError, on_pool};

/// What a save expects to find in place of the entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expected {
    /// Nothing: a new entry, refused if one with the same key exists.
    New,
    /// The version the editor opened; refused if the entry changed since.
    Version(i64),
    /// Whatever is there: imports and the demo loader, which match entries by key.
    Any,
}

impl Expected {
    /// The stored version a save replaces (none for a new entry), or why the save is refused:
    /// `what` ("the hub") exists already, is gone, or changed since the editor opened it.
    fn check(self, stored: Option<i64>, what: &str) -> Result<Option<i64>> {
        match (stored, self) {
            (Some(_), Expected::New) => Err(StoreError::Conflict(format!("{what} exists already"))),
            (None, Expected::Version(_)) => Err(stale(what)),
            (Some(v), Expected::Version(want)) if v != want => Err(stale(what)),
            (stored, _) => Ok(stored),
        }
    }
}

/// Why an entry is saved, as its history tells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edit {
    /// Changed on an editor's form (or created there).
    Edit,
    /// Confirmed "still correct" by the person who checked it.
    Verify,
    /// An earlier version brought back.
    Restore(i64),
    /// Written by an import or the demo loader.
    Import,
}

impl Edit {
    fn code(self, created: bool) -> &'static str {
        match self {
            Edit::Edit if created => "created",
            Edit::Edit => "edited",
            Edit::Verify => "verified",
            Edit::Restore(_) => "restored",
            Edit::Import => "imported",
        }
    }
}

/// What a save did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Saved {
    /// The entry already held exactly this; nothing was written.
    Unchanged,
    /// Written as this version.
    Version(i64),
}

/// One saved version of an entry, as its history shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct EntryVersion {
    pub version: i64,
    /// created, edited, verified, restored or imported.
    pub action: String,
    pub restored_from: Option<i64>,
    pub actor_id: Option<Uuid>,
    pub actor_name: Option<String>,
    pub source: String,
    pub changed_at: DateTime<Utc>,
    /// The top-level fields that differ from the version before.
    pub changed: Vec<String>,
    /// The entry as saved in this version.
    pub content: Value,
}

#[derive(sqlx::FromRow)]
struct HistoryRow {
    version: i64,
    action: String,
    restored_from: Option<i64>,
    actor_id: Option<Uuid>,
    actor_name: Option<String>,
    source: String,
    changed_at: DateTime<Utc>,
    changed: Json<Vec<String>>,
    content: Json<Value>,
}

pub fn hub_entry(id: Uuid) -> String {
    format!("hub:{id}")
}

pub fn provider_entry(id: Uuid) -> String {
    format!("provider:{id}")
}

pub fn article_entry(country: Country, topic: bluedot_core::article::Topic, lang: Lang) -> String {
    format!(
        "article:{}/{}/{}",
        country.code(),
        topic.code(),
        lang.code()
    )
}

/// The fields of `new` whose values differ from `old` (all of them for a new entry).
fn changed_fields(old: Option<&Value>, new: &Value) -> Vec<String> {
    let (Some(Value::Object(old)), Value::Object(new)) = (old, new) else {
        return match new {
            Value::Object(new) => new.keys().cloned().collect(),
            _ => vec![],
        };
    };
    new.iter()
        .filter(|(k, v)| old.get(*k) != Some(v))
        .map(|(k, _)| k.clone())
        .chain(old.keys().filter(|k| !new.contains_key(*k)).cloned())
        .collect()
}

/// A digest of an article's text: translations record their source's, so a later change of
/// the source shows them outdated.
fn text_digest(a: &Article) -> String {
    let mut digest = Sha256::new();
    for part in [&a.title, &a.summary, &a.body] {
        digest.update(part.as_bytes());
        digest.update([0]);
    }
    hex::encode(&digest.finalize()[..16])
}

fn to_value(entry: &impl Serialize) -> Result<Value> {
    serde_json::to_value(entry).map_err(|e| StoreError::Corrupt(e.to_string()))
}

fn stale(what: &str) -> StoreError {
    StoreError::Conflict(format!(
        "{what} was changed by someone else since you opened it; open it again to see their change"
    ))
}

/// Writes the history row and the audit entry of a saved version, inside the save's
/// transaction.
macro_rules! record_version {
    ($store:expr, $tx:expr, $change:expr, $entry:expr, $version:expr, $edit:expr, $created:expr,
     $content:expr, $changed:expr, $subject:expr) => {{
        let edit: Edit = $edit;
        let action = edit.code($created);
        sqlx::query(
            "INSERT INTO directory_history (entry, version, action, restored_from, content,
                 changed, actor_id, source, changed_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(&$entry)
        .bind($version)
        .bind(action)
        .bind(match edit {
            Edit::Restore(from) => Some(from),
            _ => None,
        })
        .bind(Json($content))
        .bind(Json($changed))
        .bind($change.actor_id)
        .bind(&$change.source)
        .bind($store.now())
        .execute(&mut *$tx)
        .await?;
        append_audit!(
            $store,
            $tx,
            &$change.event(&format!("directory.{action}"), $subject)
        );
    }};
}

impl Store {
    /// A hub with the version an editor's save must name, by id.
    pub async fn hub_for_edit(&self, id: Uuid) -> Result<Option<(Hub, i64)>> {
        let sql = format!("SELECT {HUB_COLUMNS} FROM hubs WHERE id = $1");
        let row: Option<HubRow> =
            on_pool!(self, pool => sqlx::query_as(&sql).bind(id).fetch_optional(pool).await?);
        match row {
            Some(row) => self.with_services(row).await.map(Some),
            None => Ok(None),
        }
    }

    /// Saves a hub and its whole list of services as a new version, audited; refuses
    /// (writing nothing) what the hub's rules refuse or what `expected` does not find.
    pub async fn save_hub(
        &self,
        change: &Change,
        hub: &Hub,
        expected: Expected,
        edit: Edit,
    ) -> Result<Saved> {
        hub.validate()?;
        let old = self.hub_for_edit(hub.id).await?;
        let old_version = expected.check(old.as_ref().map(|(_, v)| *v), "the hub")?;
        let content = to_value(hub)?;
        let old_content = old.as_ref().map(|(h, _)| to_value(h)).transpose()?;
        if old_content.as_ref() == Some(&content) {
            return Ok(Saved::Unchanged);
        }
        let changed = changed_fields(old_content.as_ref(), &content);
        let version = old_version.unwrap_or(0) + 1;
        let entry = hub_entry(hub.id);
        let now = self.now();
        let subject = format!("hub {}", hub.slug);
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            let written = sqlx::query(
                "INSERT INTO hubs (id, slug, kind, country, name, description, address, lat, lon,
                     opening_hours, contacts, languages, accessibility, status, status_note,
                     partners, closures, verified_at, is_demo, created_at, updated_at, version)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16,
                     $17, $18, $19, $20, $20, $21)
                 ON CONFLICT (id) DO UPDATE SET slug = excluded.slug, kind = excluded.kind,
                     country = excluded.country, name = excluded.name,
                     description = excluded.description, address = excluded.address,
                     lat = excluded.lat, lon = excluded.lon,
                     opening_hours = excluded.opening_hours, contacts = excluded.contacts,
                     languages = excluded.languages, accessibility = excluded.accessibility,
                     status = excluded.status, status_note = excluded.status_note,
                     partners = excluded.partners, closures = excluded.closures,
                     verified_at = excluded.verified_at, is_demo = excluded.is_demo,
                     updated_at = excluded.updated_at, version = excluded.version
                 WHERE hubs.version = $22",
            )
            .bind(hub.id)
            .bind(&hub.slug)
            .bind(hub.kind.code())
            .bind(hub.country.code())
            .bind(Json(&hub.name))
            .bind(Json(&hub.description))
            .bind(Json(&hub.address))
            .bind(hub.location.lat)
            .bind(hub.location.lon)
            .bind(&hub.opening_hours)
            .bind(Json(&hub.contacts))
            .bind(Json(&hub.languages))
            .bind(Json(&hub.accessibility))
            .bind(hub.status.code())
            .bind(Json(&hub.status_note))
            .bind(Json(&hub.partners))
            .bind(Json(&hub.closures))
            .bind(hub.verified_at)
            .bind(hub.is_demo)
            .bind(now)
            .bind(version)
            .bind(old_version.unwrap_or(-1))
            .execute(&mut *tx)
            .await
            .map_err(|e| slug_taken(e, &hub.slug))?
            .rows_affected();
            if written != 1 {
                return Err(stale("the hub"));
            }
            sqlx::query("DELETE FROM hub_services WHERE hub_id = $1")
                .bind(hub.id)
                .execute(&mut *tx)
                .await?;
            for service in &hub.services {
                sqlx::query(
                    "INSERT INTO hub_services (hub_id, service, priority_groups, note, hours,
                         languages, provided_by, eligibility, verified_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                )
                .bind(hub.id)
                .bind(service.kind.code())
                .bind(Json(&service.priority_groups))
                .bind(Json(&service.note))
                .bind(&service.hours)
                .bind(Json(&service.languages))
                .bind(&service.provided_by)
                .bind(Json(&service.eligibility))
                .bind(service.verified_at)
                .execute(&mut *tx)
                .await?;
            }
            let change = Change {
                hub_id: Some(hub.id),
                country: Some(hub.country.code().to_owned()),
                ..change.clone()
            };
            record_version!(self, tx, change, entry, version, edit, old.is_none(), &content,
                &changed, subject);
            tx.commit().await?;
        });
        Ok(Saved::Version(version))
    }

    /// A provider as stored now, with the version an editor's save must name.
    pub async fn provider_for_edit(&self, id: Uuid) -> Result<Option<(Provider, i64)>> {
        let Some(provider) = self.provider_by_id(id).await? else {
            return Ok(None);
        };
        let last: Option<i64> = on_pool!(self, pool => sqlx::query_scalar(
            "SELECT MAX(version) FROM directory_history WHERE entry = $1",
        )
        .bind(provider_entry(id))
        .fetch_one(pool)
        .await?);
        Ok(Some((provider, last.unwrap_or(0))))
    }

    /// Saves a provider as a new version, audited. Providers are matched by id.
    pub async fn save_provider(
        &self,
        change: &Change,
        provider: &Provider,
        expected: Expected,
        edit: Edit,
    ) -> Result<Saved> {
        provider.validate()?;
        let old = self.provider_by_id(provider.id).await?;
        let content = to_value(provider)?;
        let old_content = old.as_ref().map(to_value).transpose()?;
        if old_content.as_ref() == Some(&content) {
            return Ok(Saved::Unchanged);
        }
        let changed = changed_fields(old_content.as_ref(), &content);
        let entry = provider_entry(provider.id);
        let subject = format!("provider {}", provider.id);
        let p = provider;
        let version = on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            let last: Option<i64> = sqlx::query_scalar(
                "SELECT MAX(version) FROM directory_history WHERE entry = $1",
            )
            .bind(&entry)
            .fetch_one(&mut *tx)
            .await?;
            let last = match (&old, last) {
                (None, _) => None,
                // A provider written before histories were kept is at version 0.
                (Some(_), last) => Some(last.unwrap_or(0)),
            };
            let version = expected.check(last, "the provider")?.unwrap_or(0) + 1;
            sqlx::query(
                "INSERT INTO providers (id, country, organization, service, name, description,
                     address, lat, lon, opening_hours, contacts, website, eligibility, languages,
                     free_of_charge, fees, verified_at, is_demo)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16,
                     $17, $18)
                 ON CONFLICT (id) DO UPDATE SET country = excluded.country,
                     organization = excluded.organization, service = excluded.service,
                     name = excluded.name, description = excluded.description,
                     address = excluded.address, lat = excluded.lat, lon = excluded.lon,
                     opening_hours = excluded.opening_hours, contacts = excluded.contacts,
                     website = excluded.website, eligibility = excluded.eligibility,
                     languages = excluded.languages, free_of_charge = excluded.free_of_charge,
                     fees = excluded.fees, verified_at = excluded.verified_at,
                     is_demo = excluded.is_demo",
            )
            .bind(p.id)
            .bind(p.country.code())
            .bind(&p.organization)
            .bind(p.service.code())
            .bind(Json(&p.name))
            .bind(Json(&p.description))
            .bind(Json(&p.address))
            .bind(p.location.map(|l| l.lat))
            .bind(p.location.map(|l| l.lon))
            .bind(&p.opening_hours)
            .bind(Json(&p.contacts))
            .bind(&p.website)
            .bind(Json(&p.eligibility))
            .bind(Json(&p.languages))
            .bind(p.free_of_charge)
            .bind(Json(&p.fees))
            .bind(p.verified_at)
            .bind(p.is_demo)
            .execute(&mut *tx)
            .await?;
            let change = Change {
                country: Some(p.country.code().to_owned()),
                ..change.clone()
            };
            // The history's key makes a concurrent second version of the same number fail.
            record_version!(self, tx, change, entry, version, edit, old.is_none(), &content,
                &changed, subject);
            tx.commit().await?;
            version
        });
        Ok(Saved::Version(version))
    }

    /// One language version of an article with the version an editor's save must name.
    pub async fn article_for_edit(
        &self,
        country: Country,
        topic: bluedot_core::article::Topic,
        lang: Lang,
    ) -> Result<Option<(Article, i64)>> {
        let sql = format!(
            "SELECT {ARTICLE_COLUMNS} FROM articles WHERE country = $1 AND topic = $2 AND lang = $3"
        );
        let row: Option<ArticleRow> = on_pool!(self, pool => sqlx::query_as(&sql)
        .bind(country.code())
        .bind(topic.code())
        .bind(lang.code())
        .fetch_optional(pool)
        .await?);
        row.map(|r| {
            let version = r.version;
            r.into_article().map(|a| (a, version))
        })
        .transpose()
    }

    /// Saves one language version of an article as a new version, audited. A translation
    /// records the digest of its source as it stands now: saving or verifying a translation
    /// says it matches today's source.
    pub async fn save_article(
        &self,
        change: &Change,
        article: &Article,
        expected: Expected,
        edit: Edit,
    ) -> Result<Saved> {
        validate_article(article)?;
        let (country, topic, lang) = (article.country, article.topic, article.lang);
        let source_digest = match article.source_lang {
            Some(source) => {
                let (found, _) = self
                    .article_for_edit(country, topic, source)
                    .await?
                    .ok_or_else(|| {
                        ValidationError::new(
                            "source_lang",
                            format!("there is no {} version to translate from", source.code()),
                        )
                    })?;
                if found.source_lang.is_some() {
                    return Err(ValidationError::new(
                        "source_lang",
                        "translate from a version written in its own right, not from a translation",
                    )
                    .into());
                }
                Some(text_digest(&found))
            }
            None => None,
        };
        let old = self.article_for_edit(country, topic, lang).await?;
        let old_version = expected.check(old.as_ref().map(|(_, v)| *v), "the page")?;
        let old_digest = self.recorded_source_digest(country, topic, lang).await?;
        let content = to_value(article)?;
        let old_content = old.as_ref().map(|(a, _)| to_value(a)).transpose()?;
        if old_content.as_ref() == Some(&content) && old_digest == source_digest {
            return Ok(Saved::Unchanged);
        }
        let changed = changed_fields(old_content.as_ref(), &content);
        let version = old_version.unwrap_or(0) + 1;
        let entry = article_entry(country, topic, lang);
        let subject = format!("page {}/{}/{}", country.code(), topic.code(), lang.code());
        let a = article;
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            let written = sqlx::query(
                "INSERT INTO articles (country, topic, lang, title, summary, body, source_lang,
                     source_digest, verified_at, is_demo, version, text_digest)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $13)
                 ON CONFLICT (country, topic, lang) DO UPDATE SET title = excluded.title,
                     summary = excluded.summary, body = excluded.body,
                     source_lang = excluded.source_lang, source_digest = excluded.source_digest,
                     verified_at = excluded.verified_at, is_demo = excluded.is_demo,
                     version = excluded.version, text_digest = excluded.text_digest
                 WHERE articles.version = $12",
            )
            .bind(country.code())
            .bind(topic.code())
            .bind(lang.code())
            .bind(&a.title)
            .bind(&a.summary)
            .bind(&a.body)
            .bind(a.source_lang.map(|l| l.code()))
            .bind(&source_digest)
            .bind(a.verified_at)
            .bind(a.is_demo)
            .bind(version)
            .bind(old_version.unwrap_or(-1))
            .bind(text_digest(a))
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if written != 1 {
                return Err(stale("the page"));
            }
            let change = Change {
                country: Some(country.code().to_owned()),
                ..change.clone()
            };
            record_version!(self, tx, change, entry, version, edit, old.is_none(), &content,
                &changed, subject);
            tx.commit().await?;
        });
        Ok(Saved::Version(version))
    }

    async fn recorded_source_digest(
        &self,
        country: Country,
        topic: bluedot_core::article::Topic,
        lang: Lang,
    ) -> Result<Option<String>> {
        let digest: Option<Option<String>> = on_pool!(self, pool => sqlx::query_scalar(
            "SELECT source_digest FROM articles WHERE country = $1 AND topic = $2 AND lang = $3",
        )
        .bind(country.code())
        .bind(topic.code())
        .bind(lang.code())
        .fetch_optional(pool)
        .await?);
        Ok(digest.flatten())
    }

    /// The translations of `country`'s pages whose source changed after they were written or
    /// last verified, as (topic, language).
    pub async fn outdated_translations(
        &self,
        country: Country,
    ) -> Result<Vec<(bluedot_core::article::Topic, Lang)>> {
        let rows: Vec<(String, String)> = on_pool!(self, pool => sqlx::query_as(
            "SELECT t.topic, t.lang FROM articles t
             JOIN articles s ON s.country = t.country AND s.topic = t.topic
                 AND s.lang = t.source_lang
             WHERE t.country = $1 AND (t.source_digest IS NULL OR t.source_digest <> s.text_digest)",
        )
        .bind(country.code())
        .fetch_all(pool)
        .await?);
        rows.into_iter()
            .map(|(topic, lang)| {
                Ok((
                    crate::decode_code(
                        "articles.topic",
                        &topic,
                        bluedot_core::article::Topic::from_code,
                    )?,
                    crate::decode_code("articles.lang", &lang, Lang::from_tag)?,
                ))
            })
            .collect()
    }

    /// Every saved version of an entry (`hub:<id>`, `provider:<id>`,
    /// `article:<country>/<topic>/<lang>`), newest first.
    pub async fn entry_history(&self, entry: &str) -> Result<Vec<EntryVersion>> {
        let rows: Vec<HistoryRow> = on_pool!(self, pool => sqlx::query_as(
            "SELECT h.version, h.action, h.restored_from, h.actor_id, u.display_name AS actor_name,
                 h.source, h.changed_at, h.changed, h.content
             FROM directory_history h LEFT JOIN users u ON u.id = h.actor_id
             WHERE h.entry = $1 ORDER BY h.version DESC",
        )
        .bind(entry)
        .fetch_all(pool)
        .await?);
        Ok(rows
            .into_iter()
            .map(|r| EntryVersion {
                version: r.version,
                action: r.action,
                restored_from: r.restored_from,
                actor_id: r.actor_id,
                actor_name: r.actor_name,
                source: r.source,
                changed_at: r.changed_at,
                changed: r.changed.0,
                content: r.content.0,
            })
            .collect())
    }

    /// One saved version of an entry, read back as the entry it was.
    pub async fn entry_version<T: DeserializeOwned>(
        &self,
        entry: &str,
        version: i64,
    ) -> Result<Option<T>> {
        let content: Option<Json<Value>> = on_pool!(self, pool => sqlx::query_scalar(
            "SELECT content FROM directory_history WHERE entry = $1 AND version = $2",
        )
        .bind(entry)
        .bind(version)
        .fetch_optional(pool)
        .await?);
        content
            .map(|c| {
                serde_json::from_value(c.0)
                    .map_err(|e| StoreError::Corrupt(format!("{entry} version {version}: {e}")))
            })
            .transpose()
    }
}

fn validate_article(a: &Article) -> Result<(), ValidationError> {
    if a.title.trim().is_empty() {
        return Err(ValidationError::new("title", "a page needs a title"));
    }
    if a.body.trim().is_empty() {
        return Err(ValidationError::new("body", "a page needs a text"));
    }
    if a.source_lang == Some(a.lang) {
        return Err(ValidationError::new(
            "source_lang",
            "a page cannot be a translation of itself",
        ));
    }
    Ok(())
}

/// A save that would give a hub another hub's slug says so, instead of a database error.
fn slug_taken(e: sqlx::Error, slug: &str) -> StoreError {
    match &e {
        sqlx::Error::Database(d) if d.is_unique_violation() => ValidationError::new(
            "slug",
            format!("another hub already has the address {slug:?}"),
        )
        .into(),
        _ => e.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn changed_fields_name_what_differs() {
        let old = json!({"a": 1, "b": [1, 2], "c": "x"});
        let new = json!({"a": 1, "b": [2], "d": true});
        let mut changed = changed_fields(Some(&old), &new);
        changed.sort();
        assert_eq!(changed, ["b", "c", "d"]);
        assert_eq!(changed_fields(None, &json!({"a": 1})), ["a"]);
    }
}
