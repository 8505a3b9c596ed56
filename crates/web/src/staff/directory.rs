//! The directory as its coordinators run it: hubs with their services, hours, closures and
//! contacts; the information pages and their translations; the review queue of what is due
//! for checking. Every save is a version in the entry's history (see
//! `bluedot_store::directory`), so each change shows who made it and can be undone.

use std::collections::BTreeMap;

use askama::Template;
use axum::Extension;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Json, Redirect, Response};
use bluedot_core::article::{Article, Topic, TranslationState, translation_states};
use bluedot_core::freshness::Freshness;
use bluedot_core::geo::Point;
use bluedot_core::hub::{
    Accessibility, Closure, Contact, HubService, MessagingApp, WheelchairAccess,
};
use bluedot_core::policy;
use bluedot_core::provider::Provider;
use bluedot_core::{
    Country, Hub, HubKind, HubStatus, Lang, Localized, PriorityGroup, ServiceKind, ValidationError,
};
use bluedot_store::StoreError;
use bluedot_store::directory::{Edit, EntryVersion, Expected, Saved};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use uuid::Uuid;

use super::admin::SelectOption;
use super::deployments::local_time;
use super::{
    ClientAddr, Nav, Staff, StaffError, StaffResult, check_csrf, form_field, hub_target, signed_in,
};
use crate::AppState;
use crate::view::{Ctx, render, render_form, week_rows};

/// A signed-in editor of the directory with the hubs as they stand.
pub(super) struct Editor {
    pub(super) staff: Staff,
    hubs: std::sync::Arc<Vec<Hub>>,
}

impl Editor {
    pub(super) async fn open(state: &AppState, headers: &HeaderMap) -> StaffResult<Editor> {
        let staff = signed_in(state, headers).await?;
        let hubs = state
            .directory
            .hubs()
            .await
            .map_err(|e| StaffError::internal(staff.lang, e))?;
        if !policy::edits_directory_anywhere(&staff.actor) {
            return Err(StaffError::Forbidden(staff.lang));
        }
        Ok(Editor { staff, hubs })
    }

    /// The editor behind a form post, once its CSRF token and origin are checked.
    pub(super) async fn posting(
        state: &AppState,
        headers: &HeaderMap,
        pairs: &[(String, String)],
    ) -> StaffResult<Editor> {
        let editor = Editor::open(state, headers).await?;
        check_csrf(&editor.staff, headers, &form_field(pairs, "csrf"))?;
        Ok(editor)
    }

    pub(super) fn ctx(&self) -> Ctx {
        Ctx::new(self.staff.lang, "/", "directory")
    }

    /// What the editor is told of a refused save; an error that is not a refusal stays one.
    pub(super) fn refusal(&self, e: StoreError) -> StaffResult<String> {
        match e {
            StoreError::Invalid(e) => Ok(field_message(&self.ctx(), &e)),
            StoreError::Conflict(message) => Ok(message),
            e => Err(self.internal(e)),
        }
    }

    /// A refused save from a form without a page of its own, answered as a message page.
    pub(super) fn refused_request(&self, e: StoreError) -> StaffError {
        match self.refusal(e) {
            Ok(message) => StaffError::BadRequest(self.staff.lang, message),
            Err(e) => e,
        }
    }

    pub(super) fn nav(&self) -> Nav {
        Nav::for_staff(&self.staff, &self.hubs)
    }

    pub(super) fn internal(&self, e: impl std::fmt::Display) -> StaffError {
        StaffError::internal(self.staff.lang, e)
    }

    /// The countries where this editor adds hubs.
    pub(super) fn adding_countries(&self) -> Vec<Country> {
        Country::ALL
            .into_iter()
            .filter(|c| policy::adds_to_directory(&self.staff.actor, *c))
            .collect()
    }

    /// The countries whose information pages this editor writes.
    fn page_countries(&self) -> Vec<Country> {
        Country::ALL
            .into_iter()
            .filter(|c| policy::edits_pages(&self.staff.actor, *c))
            .collect()
    }

    /// A hub as stored now, with its version, if this editor may change it.
    async fn hub(&self, state: &AppState, id: Uuid) -> StaffResult<(Hub, i64)> {
        let (hub, version) = state
            .store
            .hub_for_edit(id)
            .await
            .map_err(|e| self.internal(e))?
            .ok_or(StaffError::NotFound(self.staff.lang))?;
        if !policy::edits_hub(&self.staff.actor, hub_target(&hub)) {
            return Err(StaffError::Forbidden(self.staff.lang));
        }
        Ok((hub, version))
    }

    /// The history page of a directory entry kept at `href` (restored at `href/restore`).
    pub(super) async fn history(
        &self,
        state: &AppState,
        entry: &str,
        title: String,
        href: String,
    ) -> StaffResult {
        let versions = state
            .store
            .entry_history(entry)
            .await
            .map_err(|e| self.internal(e))?;
        let ctx = self.ctx();
        let page = HistoryPage {
            nav: self.nav(),
            csrf: self.staff.session.csrf_token.clone(),
            title,
            restore: format!("{href}/restore"),
            back: href,
            versions: version_rows(&ctx, &versions),
            ctx,
        };
        Ok(render(&page))
    }

    fn pages_of(&self, country: &str) -> StaffResult<Country> {
        Country::from_code(country)
            .filter(|c| policy::edits_pages(&self.staff.actor, *c))
            .ok_or(StaffError::Forbidden(self.staff.lang))
    }
}

/// Makes the change visible on this process's pages at once (other processes within their
/// cache time).
pub(super) async fn published(state: &AppState) {
    state.directory.invalidate().await;
}

/// A refused save as the form shows it: the field's label and why.
fn field_message(ctx: &Ctx, e: &ValidationError) -> String {
    super::field_error(ctx.lang, &format!("dir-field-{}", e.field), e)
}

// ---------------------------------------------------------------------------------------------
// The directory page: what this editor runs, and what is due for review

pub struct HubLine {
    pub id: Uuid,
    pub name: String,
    pub country: String,
    pub status: String,
    pub verified: String,
}

pub struct ReviewLine {
    pub what: String,
    pub name: String,
    pub href: String,
    pub verify: String,
    pub state: String,
    pub verified: String,
}

pub struct ProviderLine {
    pub id: Uuid,
    pub name: String,
    pub country: String,
    pub service: String,
    pub verified: String,
}

pub struct PageLine {
    pub country: String,
    pub topic: String,
    pub langs: Vec<LangState>,
}

pub struct LangState {
    pub code: &'static str,
    pub href: String,
    pub state: String,
    pub class: &'static str,
}

#[derive(Template)]
#[template(path = "staff/directory.html")]
struct DirectoryPage {
    ctx: Ctx,
    nav: Nav,
    csrf: String,
    hubs: Vec<HubLine>,
    adding: Vec<SelectOption>,
    review: Vec<ReviewLine>,
    providers: Vec<ProviderLine>,
    pages: Vec<PageLine>,
}

fn state_label(ctx: &Ctx, state: TranslationState) -> (String, &'static str) {
    let code = match state {
        TranslationState::Source => "source",
        TranslationState::Current => "current",
        TranslationState::Outdated => "outdated",
        TranslationState::Missing => "missing",
    };
    (ctx.t(&format!("dir-translation-{code}")), code)
}

pub async fn list(State(state): State<AppState>, headers: HeaderMap) -> StaffResult {
    let editor = Editor::open(&state, &headers).await?;
    let ctx = editor.ctx();
    let policy_ = &state.config.freshness;
    let now = state.store.now();
    let editable: Vec<&Hub> = editor
        .hubs
        .iter()
        .filter(|h| policy::edits_hub(&editor.staff.actor, hub_target(h)))
        .collect();
    let mut review: Vec<(DateTime<Utc>, ReviewLine)> = vec![];
    for hub in &editable {
        let verified = hub.oldest_verification();
        let judged = policy_.judge(verified, now);
        if judged != Freshness::Fresh {
            review.push((
                verified,
                ReviewLine {
                    what: ctx.t("dir-what-hub"),
                    name: hub.name.text(ctx.lang).to_owned(),
                    href: format!("/staff/directory/hubs/{}", hub.id),
                    verify: format!("/staff/directory/hubs/{}/verify", hub.id),
                    state: ctx.t(&format!("dir-freshness-{}", freshness_code(judged))),
                    verified: ctx.date(&verified),
                },
            ));
        }
    }
    let providers: Vec<Provider> = state
        .store
        .list_providers(None)
        .await
        .map_err(|e| editor.internal(e))?
        .into_iter()
        .filter(|p| policy::adds_to_directory(&editor.staff.actor, p.country))
        .collect();
    for p in &providers {
        let judged = policy_.judge(p.verified_at, now);
        if judged != Freshness::Fresh {
            review.push((
                p.verified_at,
                ReviewLine {
                    what: ctx.t("dir-what-provider"),
                    name: super::directory_providers::provider_title(&ctx, p),
                    href: format!("/staff/directory/providers/{}", p.id),
                    verify: format!("/staff/directory/providers/{}/verify", p.id),
                    state: ctx.t(&format!("dir-freshness-{}", freshness_code(judged))),
                    verified: ctx.date(&p.verified_at),
                },
            ));
        }
    }
    let mut pages = vec![];
    for country in editor.page_countries() {
        let articles = state
            .store
            .articles(country, None)
            .await
            .map_err(|e| editor.internal(e))?;
        let outdated = state
            .store
            .outdated_translations(country)
            .await
            .map_err(|e| editor.internal(e))?;
        for topic in Topic::ALL {
            let mut langs = vec![];
            for (lang, translation) in translation_states(&articles, &outdated, *topic) {
                let found = articles
                    .iter()
                    .find(|a| a.topic == *topic && a.lang == lang);
                let href = page_href(country, *topic, lang);
                let (label, class) = state_label(&ctx, translation);
                if let Some(a) = found {
                    let judged = policy_.judge(a.verified_at, now);
                    if judged != Freshness::Fresh || translation == TranslationState::Outdated {
                        let state = if translation == TranslationState::Outdated {
                            label.clone()
                        } else {
                            ctx.t(&format!("dir-freshness-{}", freshness_code(judged)))
                        };
                        review.push((
                            a.verified_at,
                            ReviewLine {
                                what: ctx.t("dir-what-page"),
                                name: format!("{} · {}", a.title, lang.code()),
                                verify: format!("{href}/verify"),
                                href: href.clone(),
                                state,
                                verified: ctx.date(&a.verified_at),
                            },
                        ));
                    }
                }
                langs.push(LangState {
                    code: lang.code(),
                    href,
                    state: label,
                    class,
                });
            }
            pages.push(PageLine {
                country: ctx.country_name(country),
                topic: ctx.t(&format!("dir-topic-{}", topic.code())),
                langs,
            });
        }
    }
    review.sort_by_key(|(at, _)| *at);
    let page = DirectoryPage {
        nav: editor.nav(),
        csrf: editor.staff.session.csrf_token.clone(),
        hubs: editable
            .iter()
            .map(|h| HubLine {
                id: h.id,
                name: h.name.text(ctx.lang).to_owned(),
                country: ctx.country_name(h.country),
                status: ctx.t(&format!("dir-status-{}", h.status.code())),
                verified: ctx.date(&h.oldest_verification()),
            })
            .collect(),
        adding: editor
            .adding_countries()
            .into_iter()
            .map(|c| SelectOption {
                value: c.code().to_owned(),
                label: ctx.country_name(c),
            })
            .collect(),
        review: review.into_iter().map(|(_, line)| line).collect(),
        providers: providers
            .iter()
            .map(|p| ProviderLine {
                id: p.id,
                name: super::directory_providers::provider_title(&ctx, p),
                country: ctx.country_name(p.country),
                service: ctx.t(&format!("service-{}", p.service.code())),
                verified: ctx.date(&p.verified_at),
            })
            .collect(),
        pages,
        ctx,
    };
    Ok(render(&page))
}

fn freshness_code(f: Freshness) -> &'static str {
    match f {
        Freshness::Fresh => "fresh",
        Freshness::NeedsReview => "due",
        Freshness::Unverified => "unverified",
        Freshness::Hidden => "hidden",
    }
}

fn page_href(country: Country, topic: Topic, lang: Lang) -> String {
    format!(
        "/staff/directory/pages/{}/{}/{}",
        country.code(),
        topic.code(),
        lang.code()
    )
}

// ---------------------------------------------------------------------------------------------
// The hub form

/// The texts of a hub in one language, as typed.
#[derive(Default, Clone)]
pub struct LangTexts {
    pub name: String,
    pub description: String,
    pub address: String,
    pub status_note: String,
    pub access_note: String,
}

/// A hub's form as typed, kept whole when a save is refused so nothing typed is lost.
#[derive(Default, Clone)]
pub struct HubDraft {
    pub slug: String,
    pub kind: String,
    pub country: String,
    pub lat: String,
    pub lon: String,
    pub opening_hours: String,
    pub status: String,
    pub wheelchair: String,
    pub languages: String,
    pub partners: String,
    pub texts: BTreeMap<Lang, LangTexts>,
    pub contacts: Vec<(String, String)>,
    /// Offered services by code.
    pub services: BTreeMap<String, ServiceDraft>,
}

/// What the form says of one offered service.
#[derive(Default, Clone)]
pub struct ServiceDraft {
    pub groups: Vec<String>,
    pub hours: String,
    pub languages: String,
    pub provided_by: String,
    /// Who may use it, in the languages shown on the form.
    pub eligibility: BTreeMap<Lang, String>,
}

impl HubDraft {
    fn of(hub: &Hub) -> HubDraft {
        let mut texts: BTreeMap<Lang, LangTexts> = BTreeMap::new();
        let mut put = |value: &Localized, field: fn(&mut LangTexts) -> &mut String| {
            for (lang, text) in &value.0 {
                *field(texts.entry(*lang).or_default()) = text.clone();
            }
        };
        put(&hub.name, |t| &mut t.name);
        put(&hub.description, |t| &mut t.description);
        put(&hub.address, |t| &mut t.address);
        put(&hub.status_note, |t| &mut t.status_note);
        put(&hub.accessibility.note, |t| &mut t.access_note);
        HubDraft {
            slug: hub.slug.clone(),
            kind: hub.kind.code().to_owned(),
            country: hub.country.code().to_owned(),
            lat: format!("{:.6}", hub.location.lat),
            lon: format!("{:.6}", hub.location.lon),
            opening_hours: hub.opening_hours.clone(),
            status: hub.status.code().to_owned(),
            wheelchair: hub.accessibility.wheelchair.code().to_owned(),
            languages: hub.languages.join(", "),
            partners: hub.partners.join("\n"),
            texts,
            contacts: hub
                .contacts
                .iter()
                .map(|c| (c.channel.code().to_owned(), c.value.clone()))
                .collect(),
            services: hub
                .services
                .iter()
                .map(|s| {
                    let draft = ServiceDraft {
                        groups: s
                            .priority_groups
                            .iter()
                            .map(|g| g.code().to_owned())
                            .collect(),
                        hours: s.hours.clone().unwrap_or_default(),
                        languages: s.languages.join(", "),
                        provided_by: s.provided_by.clone(),
                        eligibility: s.eligibility.0.clone(),
                    };
                    (s.kind.code().to_owned(), draft)
                })
                .collect(),
        }
    }

    fn from_pairs(pairs: &[(String, String)]) -> HubDraft {
        let mut d = HubDraft::default();
        for (k, v) in pairs {
            match k.as_str() {
                "slug" => d.slug = v.trim().to_owned(),
                "kind" => d.kind = v.clone(),
                "country" => d.country = v.clone(),
                "lat" => d.lat = v.trim().to_owned(),
                "lon" => d.lon = v.trim().to_owned(),
                "opening_hours" => d.opening_hours = v.trim().to_owned(),
                "status" => d.status = v.clone(),
                "wheelchair" => d.wheelchair = v.clone(),
                "languages" => d.languages = v.clone(),
                "partners" => d.partners = v.clone(),
                "service" => {
                    d.services.entry(v.clone()).or_default();
                }
                _ => {
                    if let Some((field, code)) = k.split_once('.') {
                        if [
                            "groups",
                            "service_hours",
                            "service_languages",
                            "provided_by",
                            "eligibility",
                        ]
                        .contains(&field)
                        {
                            // Read per service below, once the ticked services are known.
                            continue;
                        }
                        let Some(lang) = Lang::from_tag(code) else {
                            continue;
                        };
                        let t = d.texts.entry(lang).or_default();
                        let slot = match field {
                            "name" => &mut t.name,
                            "description" => &mut t.description,
                            "address" => &mut t.address,
                            "status_note" => &mut t.status_note,
                            "access_note" => &mut t.access_note,
                            _ => continue,
                        };
                        *slot = v.trim().to_owned();
                    }
                }
            }
        }
        // What is said of each service is kept only for those ticked.
        for (k, v) in pairs {
            let Some((field, rest)) = k.split_once('.') else {
                continue;
            };
            let (code, lang) = match rest.split_once('.') {
                Some((code, lang)) => (code, Lang::from_tag(lang)),
                None => (rest, None),
            };
            let Some(service) = d.services.get_mut(code) else {
                continue;
            };
            let v = v.trim().to_owned();
            match (field, lang) {
                ("groups", None) => service.groups.push(v),
                ("service_hours", None) => service.hours = v,
                ("service_languages", None) => service.languages = v,
                ("provided_by", None) => service.provided_by = v,
                ("eligibility", Some(lang)) => {
                    service.eligibility.insert(lang, v);
                }
                _ => {}
            }
        }
        d.contacts = contact_pairs(pairs);
        d
    }

    fn localized(&self, field: fn(&LangTexts) -> &String) -> Localized {
        Localized(
            self.texts
                .iter()
                .filter(|(_, t)| !field(t).trim().is_empty())
                .map(|(l, t)| (*l, field(t).clone()))
                .collect(),
        )
    }

    /// The hub this draft describes, over `base` (the stored hub, or a new one's blank), as
    /// verified by its editor at `now`. Refuses, naming the field, what is not valid.
    fn to_hub(&self, base: &Hub, now: DateTime<Utc>) -> Result<Hub, ValidationError> {
        let invalid = |field: &'static str, message: &str| ValidationError::new(field, message);
        let kind =
            HubKind::from_code(&self.kind).ok_or_else(|| invalid("kind", "choose a kind"))?;
        let status = HubStatus::from_code(&self.status)
            .ok_or_else(|| invalid("status", "choose a status"))?;
        let wheelchair = WheelchairAccess::from_code(&self.wheelchair)
            .ok_or_else(|| invalid("wheelchair", "choose wheelchair access"))?;
        let number = |text: &str| text.replace(',', ".").parse::<f64>().ok();
        let (Some(lat), Some(lon)) = (number(&self.lat), number(&self.lon)) else {
            return Err(invalid(
                "location",
                "give the latitude and longitude as numbers, or place the pin on the map",
            ));
        };
        let location = Point::new(lat, lon)?;
        if !crate::outlines::in_country(base.country, location) {
            return Err(ValidationError::new(
                "location",
                format!(
                    "the point {lat:.5}, {lon:.5} lies outside {}; check the pin",
                    base.country.code()
                ),
            ));
        }
        let contacts = contacts_of(&self.contacts)?;
        let languages = languages_of(&self.languages)?;
        let mut services = vec![];
        for (code, said) in &self.services {
            let kind = ServiceKind::from_code(code).ok_or_else(|| {
                ValidationError::new("services", format!("{code:?} is not in the taxonomy"))
            })?;
            let priority_groups = said
                .groups
                .iter()
                .map(|g| {
                    PriorityGroup::from_code(g).ok_or_else(|| {
                        ValidationError::new("services", format!("{g:?} is not a priority group"))
                    })
                })
                .collect::<Result<Vec<_>, _>>()?;
            let stored = base.services.iter().find(|s| s.kind == kind);
            // Languages not on the form keep what they say (translated elsewhere).
            let mut eligibility = stored.map(|s| s.eligibility.clone()).unwrap_or_default();
            for (lang, text) in &said.eligibility {
                match text.as_str() {
                    "" => eligibility.0.remove(lang),
                    text => eligibility.0.insert(*lang, text.to_owned()),
                };
            }
            services.push(HubService {
                priority_groups,
                note: stored.map(|s| s.note.clone()).unwrap_or_default(),
                hours: (!said.hours.is_empty()).then(|| said.hours.clone()),
                languages: languages_of(&said.languages)?,
                provided_by: said.provided_by.clone(),
                eligibility,
                ..HubService::new(kind, now)
            });
        }
        services.sort_by_key(|s| s.kind);
        let hub = Hub {
            id: base.id,
            slug: self.slug.clone(),
            kind,
            country: base.country,
            name: self.localized(|t| &t.name),
            description: self.localized(|t| &t.description),
            address: self.localized(|t| &t.address),
            location,
            opening_hours: self.opening_hours.clone(),
            contacts,
            languages,
            accessibility: Accessibility {
                wheelchair,
                note: self.localized(|t| &t.access_note),
            },
            status,
            status_note: self.localized(|t| &t.status_note),
            partners: self
                .partners
                .lines()
                .map(str::trim)
                .filter(|p| !p.is_empty())
                .map(str::to_owned)
                .collect(),
            services,
            closures: base.closures.clone(),
            verified_at: now,
            is_demo: base.is_demo,
        };
        hub.validate()?;
        Ok(hub)
    }
}

/// Contacts as typed (channel code, value), refused when a channel is not one we know.
pub(super) fn contacts_of(typed: &[(String, String)]) -> Result<Vec<Contact>, ValidationError> {
    typed
        .iter()
        .map(|(channel, value)| {
            let channel = MessagingApp::from_code(channel).ok_or_else(|| {
                ValidationError::new("contacts", "choose a channel for each contact")
            })?;
            Ok(Contact {
                channel,
                value: value.clone(),
            })
        })
        .collect()
}

/// The contact rows of a posted form: each channel with its value, empty rows left out.
pub(super) fn contact_pairs(pairs: &[(String, String)]) -> Vec<(String, String)> {
    let field = |name: &'static str| pairs.iter().filter(move |(k, _)| k == name);
    field("contact_channel")
        .zip(field("contact_value"))
        .map(|((_, channel), (_, value))| (channel.clone(), value.trim().to_owned()))
        .filter(|(_, v)| !v.is_empty())
        .collect()
}

/// Language codes typed as a list ("uk, ro, en"), refused when one is not a code.
pub(super) fn languages_of(typed: &str) -> Result<Vec<String>, ValidationError> {
    typed
        .split([',', ' ', ';'])
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(|code| {
            let ok = code.len() <= 8 && code.chars().all(|c| c.is_ascii_alphabetic() || c == '-');
            if ok {
                Ok(code.to_ascii_lowercase())
            } else {
                Err(ValidationError::new(
                    "languages",
                    format!("{code:?} is not a language code such as uk, ro or en"),
                ))
            }
        })
        .collect()
}

pub struct LangRow {
    pub code: &'static str,
    pub native: &'static str,
    pub texts: LangTexts,
    pub open: bool,
}

pub struct ServiceRow {
    pub code: &'static str,
    pub label: String,
    pub offered: bool,
    pub groups: Vec<GroupRow>,
    pub said: ServiceDraft,
    /// Who may use it: (language code, language name, text) for the form's languages.
    pub eligibility: Vec<(&'static str, &'static str, String)>,
}

pub struct GroupRow {
    pub code: &'static str,
    pub label: String,
    pub checked: bool,
}

pub struct Choice {
    pub value: &'static str,
    pub label: String,
    pub selected: bool,
}

pub struct ClosureRow {
    pub id: Uuid,
    pub when: String,
    pub hours: String,
    pub reason: String,
    pub current: bool,
}

#[derive(Template)]
#[template(path = "staff/hub_form.html")]
struct HubFormPage {
    ctx: Ctx,
    nav: Nav,
    csrf: String,
    /// Where the form posts: the hub's page, or the list for a new hub.
    action: String,
    id: Option<Uuid>,
    version: i64,
    title: String,
    country: String,
    country_code: String,
    error: Option<String>,
    saved: bool,
    draft: HubDraft,
    langs: Vec<LangRow>,
    kinds: Vec<Choice>,
    statuses: Vec<Choice>,
    wheelchairs: Vec<Choice>,
    channels: Vec<Choice>,
    contacts: Vec<(String, String)>,
    services: Vec<ServiceRow>,
    week: Vec<crate::view::DayRow>,
    hours_error: Option<String>,
    closures: Vec<ClosureRow>,
    verified: String,
    hours_required: bool,
    location_required: bool,
}

pub(super) fn choices<T: Copy>(
    ctx: &Ctx,
    all: &[T],
    code: fn(T) -> &'static str,
    prefix: &str,
    selected: &str,
) -> Vec<Choice> {
    all.iter()
        .map(|v| Choice {
            value: code(*v),
            label: ctx.t(&format!("{prefix}{}", code(*v))),
            selected: code(*v) == selected,
        })
        .collect()
}

impl HubFormPage {
    fn new(
        editor: &Editor,
        country: Country,
        hub: Option<(&Hub, i64)>,
        draft: HubDraft,
        error: Option<String>,
    ) -> HubFormPage {
        let ctx = editor.ctx();
        let hours_error = bluedot_core::hours::parse(&draft.opening_hours)
            .err()
            .map(|e| e.message);
        let week = if hours_error.is_none() {
            week_rows(&ctx, &draft.opening_hours, country)
        } else {
            vec![]
        };
        let langs = Lang::ALL
            .iter()
            .map(|&lang| {
                let texts = draft.texts.get(&lang).cloned().unwrap_or_default();
                LangRow {
                    code: lang.code(),
                    native: lang.native_name(),
                    open: !texts.name.is_empty()
                        || lang == Lang::En
                        || lang == Lang::Uk
                        || lang == country.language(),
                    texts,
                }
            })
            .collect();
        let mut contacts = draft.contacts.clone();
        contacts.extend([
            (String::new(), String::new()),
            (String::new(), String::new()),
        ]);
        // The languages whose texts a service's details are written in on this form; the
        // others are translated through the translators' files.
        let mut form_langs = vec![Lang::En, Lang::Uk, country.language()];
        form_langs.dedup();
        let services = ServiceKind::ALL
            .iter()
            .map(|kind| {
                let offered = draft.services.get(kind.code());
                let said = offered.cloned().unwrap_or_default();
                ServiceRow {
                    code: kind.code(),
                    label: ctx.t(&format!("service-{}", kind.code())),
                    offered: offered.is_some(),
                    groups: PriorityGroup::ALL
                        .iter()
                        .map(|g| GroupRow {
                            code: g.code(),
                            label: ctx.t(&format!("group-{}", g.code())),
                            checked: said.groups.iter().any(|c| c == g.code()),
                        })
                        .collect(),
                    eligibility: form_langs
                        .iter()
                        .map(|l| {
                            let text = said.eligibility.get(l).cloned().unwrap_or_default();
                            (l.code(), l.native_name(), text)
                        })
                        .collect(),
                    said,
                }
            })
            .collect();
        let now = ctx.now;
        let closures = hub
            .map(|(h, _)| {
                h.coming_closures(now)
                    .into_iter()
                    .map(|c| ClosureRow {
                        id: c.id,
                        when: format!(
                            "{} – {}",
                            ctx.at_hub(c.starts_at, h),
                            ctx.at_hub(c.ends_at, h)
                        ),
                        hours: c.hours.clone().unwrap_or_else(|| ctx.t("dir-closure-shut")),
                        reason: c.reason.text(ctx.lang).to_owned(),
                        current: c.covers(now),
                    })
                    .collect()
            })
            .unwrap_or_default();
        HubFormPage {
            nav: editor.nav(),
            csrf: editor.staff.session.csrf_token.clone(),
            action: match hub {
                Some((h, _)) => format!("/staff/directory/hubs/{}", h.id),
                None => "/staff/directory/hubs".to_owned(),
            },
            id: hub.map(|(h, _)| h.id),
            version: hub.map(|(_, v)| v).unwrap_or(0),
            title: match hub {
                Some((h, _)) => h.name.text(ctx.lang).to_owned(),
                None => ctx.t("dir-new-hub"),
            },
            country: ctx.country_name(country),
            country_code: country.code().to_owned(),
            error,
            saved: false,
            kinds: choices(&ctx, HubKind::ALL, HubKind::code, "kind-", &draft.kind),
            statuses: choices(
                &ctx,
                HubStatus::ALL,
                HubStatus::code,
                "dir-status-",
                &draft.status,
            ),
            wheelchairs: choices(
                &ctx,
                WheelchairAccess::ALL,
                WheelchairAccess::code,
                "wheelchair-",
                &draft.wheelchair,
            ),
            channels: choices(&ctx, MessagingApp::ALL, MessagingApp::code, "contact-", ""),
            contacts,
            services,
            week,
            hours_error,
            closures,
            verified: hub
                .map(|(h, _)| ctx.date(&h.oldest_verification()))
                .unwrap_or_default(),
            hours_required: true,
            location_required: true,
            langs,
            draft,
            ctx,
        }
    }
}

#[derive(Deserialize)]
pub struct NewHubQuery {
    country: Option<String>,
}

pub async fn new_hub_form(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<NewHubQuery>,
) -> StaffResult {
    let editor = Editor::open(&state, &headers).await?;
    let country = q
        .country
        .as_deref()
        .and_then(Country::from_code)
        .or_else(|| editor.adding_countries().first().copied())
        .filter(|c| policy::adds_to_directory(&editor.staff.actor, *c))
        .ok_or(StaffError::Forbidden(editor.staff.lang))?;
    let draft = HubDraft {
        country: country.code().to_owned(),
        kind: HubKind::BorderCrossing.code().to_owned(),
        status: HubStatus::Open.code().to_owned(),
        wheelchair: WheelchairAccess::Unknown.code().to_owned(),
        languages: format!("uk, {}", country.language().code()),
        opening_hours: "Mo-Su 08:00-20:00".to_owned(),
        ..HubDraft::default()
    };
    Ok(render(&HubFormPage::new(
        &editor, country, None, draft, None,
    )))
}

pub async fn create_hub(
    State(state): State<AppState>,
    Extension(from): Extension<ClientAddr>,
    headers: HeaderMap,
    axum::Form(pairs): axum::Form<Vec<(String, String)>>,
) -> StaffResult {
    let editor = Editor::posting(&state, &headers, &pairs).await?;
    let draft = HubDraft::from_pairs(&pairs);
    let country = Country::from_code(&draft.country)
        .filter(|c| policy::adds_to_directory(&editor.staff.actor, *c))
        .ok_or(StaffError::Forbidden(editor.staff.lang))?;
    let now = state.store.now();
    let base = Hub::blank(Uuid::now_v7(), country, now);
    let refused = |editor: &Editor, draft: HubDraft, message: String| {
        render_form(
            &HubFormPage::new(editor, country, None, draft, Some(message)),
            true,
        )
    };
    let change = editor.staff.change_in(&from, Some(country));
    let saved = match draft.to_hub(&base, now) {
        Ok(hub) => state
            .store
            .save_hub(&change, &hub, Expected::New, Edit::Edit)
            .await
            .map(|_| hub.id),
        Err(e) => Err(e.into()),
    };
    let id = match saved {
        Ok(id) => id,
        Err(e) => return Ok(refused(&editor, draft, editor.refusal(e)?)),
    };
    published(&state).await;
    Ok(Redirect::to(&format!("/staff/directory/hubs/{id}?saved=1")).into_response())
}

#[derive(Deserialize)]
pub struct SavedQuery {
    saved: Option<String>,
}

pub async fn edit_hub_form(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<Uuid>,
    Query(q): Query<SavedQuery>,
) -> StaffResult {
    let editor = Editor::open(&state, &headers).await?;
    let (hub, version) = editor.hub(&state, id).await?;
    let mut page = HubFormPage::new(
        &editor,
        hub.country,
        Some((&hub, version)),
        HubDraft::of(&hub),
        None,
    );
    page.saved = q.saved.is_some();
    Ok(render(&page))
}

pub async fn save_hub(
    State(state): State<AppState>,
    Extension(from): Extension<ClientAddr>,
    headers: HeaderMap,
    Path(id): Path<Uuid>,
    axum::Form(pairs): axum::Form<Vec<(String, String)>>,
) -> StaffResult {
    let editor = Editor::posting(&state, &headers, &pairs).await?;
    let (stored, _) = editor.hub(&state, id).await?;
    let opened: i64 = form_field(&pairs, "version").parse().unwrap_or(-1);
    let draft = HubDraft::from_pairs(&pairs);
    let refused = |editor: &Editor, draft: HubDraft, message: String| {
        render_form(
            &HubFormPage::new(
                editor,
                stored.country,
                Some((&stored, opened)),
                draft,
                Some(message),
            ),
            true,
        )
    };
    let change = editor.staff.change_at(&from, &stored);
    let saved = match draft.to_hub(&stored, state.store.now()) {
        Ok(hub) => {
            state
                .store
                .save_hub(&change, &hub, Expected::Version(opened), Edit::Edit)
                .await
        }
        Err(e) => Err(e.into()),
    };
    if let Err(e) = saved {
        return Ok(refused(&editor, draft, editor.refusal(e)?));
    }
    published(&state).await;
    Ok(Redirect::to(&format!("/staff/directory/hubs/{id}?saved=1")).into_response())
}

/// "Still correct": the person who checked the hub confirms it as it stands.
pub async fn verify_hub(
    State(state): State<AppState>,
    Extension(from): Extension<ClientAddr>,
    headers: HeaderMap,
    Path(id): Path<Uuid>,
    axum::Form(pairs): axum::Form<Vec<(String, String)>>,
) -> StaffResult {
    let editor = Editor::posting(&state, &headers, &pairs).await?;
    let (mut hub, version) = editor.hub(&state, id).await?;
    let now = state.store.now();
    hub.verified_at = now;
    for s in &mut hub.services {
        s.verified_at = now;
    }
    save_or_report(
        &state,
        &editor,
        &editor.staff.change_at(&from, &hub),
        &hub,
        version,
        Edit::Verify,
    )
    .await?;
    Ok(back_to(
        &pairs,
        &format!("/staff/directory/hubs/{id}?saved=1"),
    ))
}

/// Saves a change that needs no form of its own; a refusal is shown as a message.
async fn save_or_report(
    state: &AppState,
    editor: &Editor,
    change: &bluedot_store::audit::Change,
    hub: &Hub,
    version: i64,
    edit: Edit,
) -> StaffResult<Saved> {
    match state
        .store
        .save_hub(change, hub, Expected::Version(version), edit)
        .await
    {
        Ok(saved) => {
            published(state).await;
            Ok(saved)
        }
        Err(e) => Err(editor.refused_request(e)),
    }
}

/// Where a small form sends the editor back: the page named in `back` when it is one of ours.
pub(super) fn back_to(pairs: &[(String, String)], default: &str) -> Response {
    let back = form_field(pairs, "back");
    let target = if back.starts_with("/staff/directory") && !back.contains("//") {
        back
    } else {
        default.to_owned()
    };
    Redirect::to(&target).into_response()
}

pub async fn add_closure(
    State(state): State<AppState>,
    Extension(from): Extension<ClientAddr>,
    headers: HeaderMap,
    Path(id): Path<Uuid>,
    axum::Form(pairs): axum::Form<Vec<(String, String)>>,
) -> StaffResult {
    let editor = Editor::posting(&state, &headers, &pairs).await?;
    let (mut hub, version) = editor.hub(&state, id).await?;
    let closure = read_closure(&pairs, &hub)
        .map_err(|e| StaffError::BadRequest(editor.staff.lang, field_message(&editor.ctx(), &e)))?;
    hub.closures.push(closure);
    save_or_report(
        &state,
        &editor,
        &editor.staff.change_at(&from, &hub),
        &hub,
        version,
        Edit::Edit,
    )
    .await?;
    Ok(Redirect::to(&format!("/staff/directory/hubs/{id}?saved=1#closures")).into_response())
}

fn read_closure(pairs: &[(String, String)], hub: &Hub) -> Result<Closure, ValidationError> {
    let starts_at = local_time(&form_field(pairs, "starts_at"), hub, "starts_at")?;
    let ends_at = local_time(&form_field(pairs, "ends_at"), hub, "ends_at")?;
    let hours = match form_field(pairs, "closure_kind").as_str() {
        "hours" => {
            let hours = form_field(pairs, "closure_hours").trim().to_owned();
            bluedot_core::hours::parse(&hours)?;
            Some(hours)
        }
        _ => None,
    };
    let mut reason = Localized::new();
    for &lang in Lang::ALL.iter() {
        let text = form_field(pairs, &format!("reason.{}", lang.code()));
        if !text.trim().is_empty() {
            reason = reason.with(lang, text.trim());
        }
    }
    Ok(Closure {
        id: Uuid::now_v7(),
        starts_at,
        ends_at,
        hours,
        reason,
    })
}

pub async fn remove_closure(
    State(state): State<AppState>,
    Extension(from): Extension<ClientAddr>,
    headers: HeaderMap,
    Path((id, closure)): Path<(Uuid, Uuid)>,
    axum::Form(pairs): axum::Form<Vec<(String, String)>>,
) -> StaffResult {
    let editor = Editor::posting(&state, &headers, &pairs).await?;
    let (mut hub, version) = editor.hub(&state, id).await?;
    let before = hub.closures.len();
    hub.closures.retain(|c| c.id != closure);
    if hub.closures.len() == before {
        return Err(StaffError::NotFound(editor.staff.lang));
    }
    save_or_report(
        &state,
        &editor,
        &editor.staff.change_at(&from, &hub),
        &hub,
        version,
        Edit::Edit,
    )
    .await?;
    Ok(Redirect::to(&format!("/staff/directory/hubs/{id}?saved=1#closures")).into_response())
}

// ---------------------------------------------------------------------------------------------
// Hours: the preview of the coming week, for the form's live check

#[derive(Deserialize)]
pub struct HoursQuery {
    hours: String,
    country: String,
}

#[derive(serde::Serialize)]
struct HoursPreview {
    ok: bool,
    error: Option<String>,
    days: Vec<PreviewDay>,
}

#[derive(serde::Serialize)]
struct PreviewDay {
    day: String,
    hours: String,
    today: bool,
}

/// The coming week of an expression in the country's time zone, or why it cannot be read.
pub async fn hours_preview(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<HoursQuery>,
) -> StaffResult {
    let editor = Editor::open(&state, &headers).await?;
    let ctx = editor.ctx();
    let country = Country::from_code(&q.country)
        .ok_or_else(|| StaffError::BadRequest(editor.staff.lang, ctx.t("dir-field-country")))?;
    let preview = match bluedot_core::hours::parse(&q.hours) {
        Err(e) => HoursPreview {
            ok: false,
            error: Some(e.message),
            days: vec![],
        },
        Ok(_) => HoursPreview {
            ok: true,
            error: None,
            days: week_rows(&ctx, &q.hours, country)
                .into_iter()
                .map(|d| PreviewDay {
                    day: d.day,
                    hours: d.hours,
                    today: d.today,
                })
                .collect(),
        },
    };
    Ok(Json(preview).into_response())
}

// ---------------------------------------------------------------------------------------------
// History and restore

pub struct VersionRow {
    pub version: i64,
    pub when: String,
    pub who: String,
    pub action: String,
    pub changes: Vec<FieldChange>,
    pub current: bool,
}

pub struct FieldChange {
    pub field: String,
    pub old: String,
    pub new: String,
}

#[derive(Template)]
#[template(path = "staff/entry_history.html")]
struct HistoryPage {
    ctx: Ctx,
    nav: Nav,
    csrf: String,
    title: String,
    back: String,
    restore: String,
    versions: Vec<VersionRow>,
}

/// A value as the history shows it: text as it is, anything else as compact JSON.
fn shown(value: Option<&serde_json::Value>) -> String {
    let text = match value {
        None | Some(serde_json::Value::Null) => String::new(),
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(v) => v.to_string(),
    };
    if text.chars().count() > 400 {
        format!("{}…", text.chars().take(400).collect::<String>())
    } else {
        text
    }
}

fn version_rows(ctx: &Ctx, versions: &[EntryVersion]) -> Vec<VersionRow> {
    versions
        .iter()
        .enumerate()
        .map(|(i, v)| {
            // Newest first: the version before this one is the next in the list.
            let before = versions.get(i + 1).map(|p| &p.content);
            VersionRow {
                version: v.version,
                when: ctx.moment(v.changed_at),
                who: v
                    .actor_name
                    .clone()
                    .unwrap_or_else(|| ctx.ts("dir-by-system", "source", &v.source)),
                action: match v.restored_from {
                    Some(from) => ctx.ts("dir-action-restored", "version", &from.to_string()),
                    None => ctx.t(&format!("dir-action-{}", v.action)),
                },
                changes: v
                    .changed
                    .iter()
                    .map(|field| FieldChange {
                        field: field.clone(),
                        old: shown(before.and_then(|b| b.get(field))),
                        new: shown(v.content.get(field)),
                    })
                    .collect(),
                current: i == 0,
            }
        })
        .collect()
}

pub async fn hub_history(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<Uuid>,
) -> StaffResult {
    let editor = Editor::open(&state, &headers).await?;
    let (hub, _) = editor.hub(&state, id).await?;
    let title = hub.name.text(editor.staff.lang).to_owned();
    editor
        .history(
            &state,
            &bluedot_store::directory::hub_entry(id),
            title,
            format!("/staff/directory/hubs/{id}"),
        )
        .await
}

pub async fn restore_hub(
    State(state): State<AppState>,
    Extension(from): Extension<ClientAddr>,
    headers: HeaderMap,
    Path(id): Path<Uuid>,
    axum::Form(pairs): axum::Form<Vec<(String, String)>>,
) -> StaffResult {
    let editor = Editor::posting(&state, &headers, &pairs).await?;
    let (current, version) = editor.hub(&state, id).await?;
    let wanted: i64 = form_field(&pairs, "version")
        .parse()
        .map_err(|_| StaffError::NotFound(editor.staff.lang))?;
    let mut earlier: Hub = state
        .store
        .entry_version(&bluedot_store::directory::hub_entry(id), wanted)
        .await
        .map_err(|e| editor.internal(e))?
        .ok_or(StaffError::NotFound(editor.staff.lang))?;
    // The hub stays where it is held: a restore never moves it out of the editor's scope.
    earlier.country = current.country;
    save_or_report(
        &state,
        &editor,
        &editor.staff.change_at(&from, &current),
        &earlier,
        version,
        Edit::Restore(wanted),
    )
    .await?;
    Ok(Redirect::to(&format!("/staff/directory/hubs/{id}/history")).into_response())
}

// ---------------------------------------------------------------------------------------------
// Information pages and their translations

#[derive(Template)]
#[template(path = "staff/page_form.html")]
struct PageForm {
    ctx: Ctx,
    nav: Nav,
    csrf: String,
    action: String,
    country: String,
    topic: String,
    lang: &'static str,
    lang_name: &'static str,
    version: i64,
    exists: bool,
    state: String,
    state_class: &'static str,
    source: Option<Article>,
    source_name: &'static str,
    sources: Vec<Choice>,
    title: String,
    summary: String,
    body: String,
    langs: Vec<LangState>,
    error: Option<String>,
    saved: bool,
    verified: String,
}

struct PageKey {
    country: Country,
    topic: Topic,
    lang: Lang,
}

fn page_key(
    editor: &Editor,
    (country, topic, lang): (String, String, String),
) -> StaffResult<PageKey> {
    let country = editor.pages_of(&country)?;
    let not_found = || StaffError::NotFound(editor.staff.lang);
    Ok(PageKey {
        country,
        topic: Topic::from_code(&topic).ok_or_else(not_found)?,
        lang: Lang::from_tag(&lang)
            .filter(|l| l.code() == lang)
            .ok_or_else(not_found)?,
    })
}

async fn page_form(
    state: &AppState,
    editor: &Editor,
    key: &PageKey,
    typed: Option<(String, String, String, String)>,
    error: Option<String>,
) -> StaffResult<PageForm> {
    let ctx = editor.ctx();
    let versions = state
        .store
        .articles(key.country, Some(key.topic))
        .await
        .map_err(|e| editor.internal(e))?;
    let outdated = state
        .store
        .outdated_translations(key.country)
        .await
        .map_err(|e| editor.internal(e))?;
    let states = translation_states(&versions, &outdated, key.topic);
    let stored = state
        .store
        .article_for_edit(key.country, key.topic, key.lang)
        .await
        .map_err(|e| editor.internal(e))?;
    let own_state = states
        .iter()
        .find(|(l, _)| *l == key.lang)
        .map(|(_, s)| *s)
        .unwrap_or(TranslationState::Missing);
    // The languages written in their own right, which a translation is made from.
    let originals: Vec<&Article> = versions
        .iter()
        .filter(|a| a.source_lang.is_none())
        .collect();
    let chosen_source = match &typed {
        Some((_, _, _, source)) => Lang::from_tag(source),
        None => match &stored {
            Some((a, _)) => a.source_lang,
            None => originals
                .iter()
                .find(|a| a.lang == Lang::En)
                .or(originals.first())
                .map(|a| a.lang),
        },
    };
    let source = chosen_source
        .filter(|l| *l != key.lang)
        .and_then(|l| originals.iter().find(|a| a.lang == l))
        .map(|a| (*a).clone());
    let (title, summary, body) = match (&typed, &stored) {
        (Some((t, s, b, _)), _) => (t.clone(), s.clone(), b.clone()),
        (None, Some((a, _))) => (a.title.clone(), a.summary.clone(), a.body.clone()),
        (None, None) => Default::default(),
    };
    let (state_label, state_class) = state_label(&ctx, own_state);
    let mut sources = vec![Choice {
        value: "",
        label: ctx.t("dir-page-own-right"),
        selected: source.is_none(),
    }];
    sources.extend(
        originals
            .iter()
            .filter(|a| a.lang != key.lang)
            .map(|a| Choice {
                value: a.lang.code(),
                label: a.lang.native_name().to_owned(),
                selected: source.as_ref().is_some_and(|s| s.lang == a.lang),
            }),
    );
    Ok(PageForm {
        nav: editor.nav(),
        csrf: editor.staff.session.csrf_token.clone(),
        action: page_href(key.country, key.topic, key.lang),
        country: ctx.country_name(key.country),
        topic: ctx.t(&format!("dir-topic-{}", key.topic.code())),
        lang: key.lang.code(),
        lang_name: key.lang.native_name(),
        version: stored.as_ref().map(|(_, v)| *v).unwrap_or(0),
        exists: stored.is_some(),
        state: state_label,
        state_class,
        source_name: source.as_ref().map(|s| s.lang.native_name()).unwrap_or(""),
        source,
        sources,
        title,
        summary,
        body,
        langs: states
            .iter()
            .map(|(l, s)| {
                let (label, class) = self::state_label(&ctx, *s);
                LangState {
                    code: l.code(),
                    href: page_href(key.country, key.topic, *l),
                    state: label,
                    class,
                }
            })
            .collect(),
        error,
        saved: false,
        verified: stored
            .as_ref()
            .map(|(a, _)| ctx.date(&a.verified_at))
            .unwrap_or_default(),
        ctx,
    })
}

pub async fn page_editor(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(path): Path<(String, String, String)>,
    Query(q): Query<SavedQuery>,
) -> StaffResult {
    let editor = Editor::open(&state, &headers).await?;
    let key = page_key(&editor, path)?;
    let mut page = page_form(&state, &editor, &key, None, None).await?;
    page.saved = q.saved.is_some();
    Ok(render(&page))
}

pub async fn save_page(
    State(state): State<AppState>,
    Extension(from): Extension<ClientAddr>,
    headers: HeaderMap,
    Path(path): Path<(String, String, String)>,
    axum::Form(pairs): axum::Form<Vec<(String, String)>>,
) -> StaffResult {
    let editor = Editor::posting(&state, &headers, &pairs).await?;
    let key = page_key(&editor, path)?;
    let typed = (
        form_field(&pairs, "title").trim().to_owned(),
        form_field(&pairs, "summary").trim().to_owned(),
        form_field(&pairs, "body")
            .replace("\r\n", "\n")
            .trim()
            .to_owned(),
        form_field(&pairs, "source_lang"),
    );
    let opened: i64 = form_field(&pairs, "version").parse().unwrap_or(0);
    let source_lang = Lang::from_tag(&typed.3).filter(|l| l.code() == typed.3);
    let stored = state
        .store
        .article_for_edit(key.country, key.topic, key.lang)
        .await
        .map_err(|e| editor.internal(e))?;
    let article = Article {
        country: key.country,
        topic: key.topic,
        lang: key.lang,
        title: typed.0.clone(),
        summary: typed.1.clone(),
        body: typed.2.clone(),
        source_lang,
        verified_at: state.store.now(),
        is_demo: stored.as_ref().is_some_and(|(a, _)| a.is_demo),
    };
    let expected = if stored.is_some() {
        Expected::Version(opened)
    } else {
        Expected::New
    };
    let message = match state
        .store
        .save_article(
            &editor.staff.change_in(&from, Some(key.country)),
            &article,
            expected,
            Edit::Edit,
        )
        .await
    {
        Ok(_) => {
            published(&state).await;
            return Ok(Redirect::to(&format!(
                "{}?saved=1",
                page_href(key.country, key.topic, key.lang)
            ))
            .into_response());
        }
        Err(e) => editor.refusal(e)?,
    };
    let page = page_form(&state, &editor, &key, Some(typed), Some(message)).await?;
    Ok(render_form(&page, true))
}

pub async fn verify_page(
    State(state): State<AppState>,
    Extension(from): Extension<ClientAddr>,
    headers: HeaderMap,
    Path(path): Path<(String, String, String)>,
    axum::Form(pairs): axum::Form<Vec<(String, String)>>,
) -> StaffResult {
    let editor = Editor::posting(&state, &headers, &pairs).await?;
    let key = page_key(&editor, path)?;
    let (mut article, version) = state
        .store
        .article_for_edit(key.country, key.topic, key.lang)
        .await
        .map_err(|e| editor.internal(e))?
        .ok_or(StaffError::NotFound(editor.staff.lang))?;
    article.verified_at = state.store.now();
    save_page_or_report(&state, &editor, &from, &article, version, Edit::Verify).await?;
    let href = page_href(key.country, key.topic, key.lang);
    Ok(back_to(&pairs, &format!("{href}?saved=1")))
}

async fn save_page_or_report(
    state: &AppState,
    editor: &Editor,
    from: &ClientAddr,
    article: &Article,
    version: i64,
    edit: Edit,
) -> StaffResult<Saved> {
    match state
        .store
        .save_article(
            &editor.staff.change_in(from, Some(article.country)),
            article,
            Expected::Version(version),
            edit,
        )
        .await
    {
        Ok(saved) => {
            published(state).await;
            Ok(saved)
        }
        Err(e) => Err(editor.refused_request(e)),
    }
}

pub async fn page_history(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(path): Path<(String, String, String)>,
) -> StaffResult {
    let editor = Editor::open(&state, &headers).await?;
    let key = page_key(&editor, path)?;
    let entry = bluedot_store::directory::article_entry(key.country, key.topic, key.lang);
    let ctx = editor.ctx();
    let title = format!(
        "{} · {} · {}",
        ctx.country_name(key.country),
        ctx.t(&format!("dir-topic-{}", key.topic.code())),
        key.lang.native_name()
    );
    let href = page_href(key.country, key.topic, key.lang);
    editor.history(&state, &entry, title, href).await
}

pub async fn restore_page(
    State(state): State<AppState>,
    Extension(from): Extension<ClientAddr>,
    headers: HeaderMap,
    Path(path): Path<(String, String, String)>,
    axum::Form(pairs): axum::Form<Vec<(String, String)>>,
) -> StaffResult {
    let editor = Editor::posting(&state, &headers, &pairs).await?;
    let key = page_key(&editor, path)?;
    let (_, version) = state
        .store
        .article_for_edit(key.country, key.topic, key.lang)
        .await
        .map_err(|e| editor.internal(e))?
        .ok_or(StaffError::NotFound(editor.staff.lang))?;
    let wanted: i64 = form_field(&pairs, "version")
        .parse()
        .map_err(|_| StaffError::NotFound(editor.staff.lang))?;
    let entry = bluedot_store::directory::article_entry(key.country, key.topic, key.lang);
    let earlier: Article = state
        .store
        .entry_version(&entry, wanted)
        .await
        .map_err(|e| editor.internal(e))?
        .ok_or(StaffError::NotFound(editor.staff.lang))?;
    save_page_or_report(
        &state,
        &editor,
        &from,
        &earlier,
        version,
        Edit::Restore(wanted),
    )
    .await?;
    let href = page_href(key.country, key.topic, key.lang);
    Ok(Redirect::to(&format!("{href}/history")).into_response())
}
