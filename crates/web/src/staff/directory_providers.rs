//! External providers in the directory (a legal aid clinic, a child helpline, the migration
//! office): what they offer, to whom, at what cost, when and how to reach them, kept by the
//! country coordinators of their country with the same versions, history and "still correct"
//! as hubs.

use std::collections::BTreeMap;

use askama::Template;
use axum::Extension;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect};
use bluedot_core::geo::Point;
use bluedot_core::hub::MessagingApp;
use bluedot_core::policy;
use bluedot_core::provider::Provider;
use bluedot_core::{Country, Lang, Localized, ServiceKind, ValidationError};
use bluedot_store::directory::{Edit, Expected, provider_entry};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use uuid::Uuid;

use super::directory::{
    Choice, Editor, choices, contact_pairs, contacts_of, languages_of, published,
};
use super::{ClientAddr, Nav, StaffError, StaffResult, form_field};
use crate::AppState;
use crate::view::{Ctx, render, render_form, week_rows};

/// A provider's form as typed, kept whole when a save is refused.
#[derive(Default, Clone)]
struct ProviderDraft {
    organization: String,
    service: String,
    website: String,
    opening_hours: String,
    lat: String,
    lon: String,
    languages: String,
    free_of_charge: bool,
    /// Each text by its key (`name`, `eligibility`) and language.
    texts: BTreeMap<(String, Lang), String>,
    contacts: Vec<(String, String)>,
}

impl ProviderDraft {
    fn of(provider: &Provider) -> ProviderDraft {
        let mut texts = BTreeMap::new();
        for (key, text) in provider.clone().texts_mut() {
            for (lang, value) in &text.0 {
                texts.insert((key.clone(), *lang), value.clone());
            }
        }
        ProviderDraft {
            organization: provider.organization.clone(),
            service: provider.service.code().to_owned(),
            website: provider.website.clone().unwrap_or_default(),
            opening_hours: provider.opening_hours.clone().unwrap_or_default(),
            lat: provider
                .location
                .map(|p| format!("{:.6}", p.lat))
                .unwrap_or_default(),
            lon: provider
                .location
                .map(|p| format!("{:.6}", p.lon))
                .unwrap_or_default(),
            languages: provider.languages.join(", "),
            free_of_charge: provider.free_of_charge,
            texts,
            contacts: provider
                .contacts
                .iter()
                .map(|c| (c.channel.code().to_owned(), c.value.clone()))
                .collect(),
        }
    }

    fn from_pairs(pairs: &[(String, String)]) -> ProviderDraft {
        let mut d = ProviderDraft::default();
        for (k, v) in pairs {
            let v = v.trim().to_owned();
            match k.as_str() {
                "organization" => d.organization = v,
                "service" => d.service = v,
                "website" => d.website = v,
                "opening_hours" => d.opening_hours = v,
                "lat" => d.lat = v,
                "lon" => d.lon = v,
                "languages" => d.languages = v,
                "free_of_charge" => d.free_of_charge = true,
                _ => {
                    if let Some((key, code)) = k.split_once('.')
                        && let Some(lang) = Lang::from_tag(code)
                        && !v.is_empty()
                    {
                        d.texts.insert((key.to_owned(), lang), v);
                    }
                }
            }
        }
        d.contacts = contact_pairs(pairs);
        d
    }

    /// The provider this draft describes over `base`, as verified by its editor at `now`.
    fn to_provider(
        &self,
        base: &Provider,
        now: DateTime<Utc>,
    ) -> Result<Provider, ValidationError> {
        let service = ServiceKind::from_code(&self.service).ok_or_else(|| {
            ValidationError::new(
                "service",
                format!("{:?} is not in the taxonomy", self.service),
            )
        })?;
        let number = |text: &str| text.replace(',', ".").parse::<f64>().ok();
        let location = match (self.lat.as_str(), self.lon.as_str()) {
            ("", "") => None,
            (lat, lon) => {
                let (Some(lat), Some(lon)) = (number(lat), number(lon)) else {
                    return Err(ValidationError::new(
                        "location",
                        "give the latitude and longitude as numbers, or leave both empty",
                    ));
                };
                let point = Point::new(lat, lon)?;
                if !crate::outlines::in_country(base.country, point) {
                    return Err(ValidationError::new(
                        "location",
                        format!(
                            "the point {lat:.5}, {lon:.5} lies outside {}; check the pin",
                            base.country.code()
                        ),
                    ));
                }
                Some(point)
            }
        };
        let optional = |text: &str| (!text.is_empty()).then(|| text.to_owned());
        let mut provider = Provider {
            organization: self.organization.clone(),
            service,
            location,
            opening_hours: optional(&self.opening_hours),
            contacts: contacts_of(&self.contacts)?,
            website: optional(&self.website),
            languages: languages_of(&self.languages)?,
            free_of_charge: self.free_of_charge,
            verified_at: now,
            ..base.clone()
        };
        for (key, text) in provider.texts_mut() {
            *text = Localized(
                self.texts
                    .iter()
                    .filter(|((k, _), _)| *k == key)
                    .map(|((_, lang), value)| (*lang, value.clone()))
                    .collect(),
            );
        }
        provider.validate()?;
        Ok(provider)
    }
}

/// One text field of one language on the form.
struct TextField {
    key: String,
    label: String,
    value: String,
    long: bool,
}

struct LangFields {
    code: &'static str,
    native: &'static str,
    open: bool,
    missing: bool,
    fields: Vec<TextField>,
}

#[derive(Template)]
#[template(path = "staff/provider_form.html")]
struct ProviderForm {
    ctx: Ctx,
    nav: Nav,
    csrf: String,
    action: String,
    id: Option<Uuid>,
    version: i64,
    title: String,
    country: String,
    country_code: String,
    error: Option<String>,
    saved: bool,
    draft: ProviderDraft,
    services: Vec<Choice>,
    langs: Vec<LangFields>,
    channels: Vec<Choice>,
    contacts: Vec<(String, String)>,
    week: Vec<crate::view::DayRow>,
    hours_error: Option<String>,
    verified: String,
    hours_required: bool,
    location_required: bool,
}

/// The texts a provider has in each language, in the order the form shows them.
const TEXTS: [(&str, bool); 5] = [
    ("name", false),
    ("description", true),
    ("address", false),
    ("eligibility", true),
    ("fees", false),
];

impl ProviderForm {
    fn new(
        editor: &Editor,
        country: Country,
        provider: Option<(&Provider, i64)>,
        draft: ProviderDraft,
        error: Option<String>,
    ) -> ProviderForm {
        let ctx = editor.ctx();
        let hours_error = match draft.opening_hours.as_str() {
            "" => None,
            hours => bluedot_core::hours::parse(hours).err().map(|e| e.message),
        };
        let week = if hours_error.is_none() && !draft.opening_hours.is_empty() {
            week_rows(&ctx, &draft.opening_hours, country)
        } else {
            vec![]
        };
        let langs = Lang::ALL
            .iter()
            .map(|&lang| {
                let value = |key: &str| {
                    draft
                        .texts
                        .get(&(key.to_owned(), lang))
                        .cloned()
                        .unwrap_or_default()
                };
                let missing = value("name").is_empty();
                LangFields {
                    code: lang.code(),
                    native: lang.native_name(),
                    open: !missing || [Lang::En, Lang::Uk, country.language()].contains(&lang),
                    missing,
                    fields: TEXTS
                        .iter()
                        .map(|(key, long)| TextField {
                            key: (*key).to_owned(),
                            label: ctx.t(&format!("dir-field-{key}")),
                            value: value(key),
                            long: *long,
                        })
                        .collect(),
                }
            })
            .collect();
        let mut contacts = draft.contacts.clone();
        contacts.extend([
            (String::new(), String::new()),
            (String::new(), String::new()),
        ]);
        ProviderForm {
            nav: editor.nav(),
            csrf: editor.staff.session.csrf_token.clone(),
            action: match provider {
                Some((p, _)) => format!("/staff/directory/providers/{}", p.id),
                None => "/staff/directory/providers".to_owned(),
            },
            id: provider.map(|(p, _)| p.id),
            version: provider.map(|(_, v)| v).unwrap_or(0),
            title: match provider {
                Some((p, _)) => provider_title(&ctx, p),
                None => ctx.t("dir-new-provider"),
            },
            country: ctx.country_name(country),
            country_code: country.code().to_owned(),
            error,
            saved: false,
            services: choices(
                &ctx,
                ServiceKind::ALL,
                ServiceKind::code,
                "service-",
                &draft.service,
            ),
            channels: choices(&ctx, MessagingApp::ALL, MessagingApp::code, "contact-", ""),
            contacts,
            week,
            hours_error,
            verified: provider
                .map(|(p, _)| ctx.date(&p.verified_at))
                .unwrap_or_default(),
            hours_required: false,
            location_required: false,
            langs,
            draft,
            ctx,
        }
    }
}

/// How a provider is named to its editors: its service's name for refugees, else its
/// organisation.
pub(super) fn provider_title(ctx: &Ctx, p: &Provider) -> String {
    match p.name.text(ctx.lang) {
        "" => p.organization.clone(),
        name => format!("{name} · {}", p.organization),
    }
}

impl Editor {
    /// A provider as stored now, with its version, if this editor keeps its country.
    async fn provider(&self, state: &AppState, id: Uuid) -> StaffResult<(Provider, i64)> {
        let (provider, version) = state
            .store
            .provider_for_edit(id)
            .await
            .map_err(|e| self.internal(e))?
            .ok_or(StaffError::NotFound(self.staff.lang))?;
        if !policy::adds_to_directory(&self.staff.actor, provider.country) {
            return Err(StaffError::Forbidden(self.staff.lang));
        }
        Ok((provider, version))
    }
}

#[derive(Deserialize)]
pub struct NewProviderQuery {
    country: Option<String>,
}

pub async fn new_form(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<NewProviderQuery>,
) -> StaffResult {
    let editor = Editor::open(&state, &headers).await?;
    let country = q
        .country
        .as_deref()
        .and_then(Country::from_code)
        .or_else(|| editor.adding_countries().first().copied())
        .filter(|c| policy::adds_to_directory(&editor.staff.actor, *c))
        .ok_or(StaffError::Forbidden(editor.staff.lang))?;
    let draft = ProviderDraft {
        service: ServiceKind::LegalCounselling.code().to_owned(),
        languages: format!("uk, {}", country.language().code()),
        free_of_charge: true,
        ..ProviderDraft::default()
    };
    Ok(render(&ProviderForm::new(
        &editor, country, None, draft, None,
    )))
}

pub async fn create(
    State(state): State<AppState>,
    Extension(from): Extension<ClientAddr>,
    headers: HeaderMap,
    axum::Form(pairs): axum::Form<Vec<(String, String)>>,
) -> StaffResult {
    let editor = Editor::posting(&state, &headers, &pairs).await?;
    let country = Country::from_code(&form_field(&pairs, "country"))
        .filter(|c| policy::adds_to_directory(&editor.staff.actor, *c))
        .ok_or(StaffError::Forbidden(editor.staff.lang))?;
    let draft = ProviderDraft::from_pairs(&pairs);
    let now = state.store.now();
    let base = Provider::blank(Uuid::now_v7(), country, now);
    let change = editor.staff.change_in(&from, Some(country));
    let saved = match draft.to_provider(&base, now) {
        Ok(p) => state
            .store
            .save_provider(&change, &p, Expected::New, Edit::Edit)
            .await
            .map(|_| p.id),
        Err(e) => Err(e.into()),
    };
    match saved {
        Ok(id) => {
            published(&state).await;
            Ok(Redirect::to(&format!("/staff/directory/providers/{id}?saved=1")).into_response())
        }
        Err(e) => {
            let message = editor.refusal(e)?;
            let page = ProviderForm::new(&editor, country, None, draft, Some(message));
            Ok(render_form(&page, true))
        }
    }
}

#[derive(Deserialize)]
pub struct SavedQuery {
    saved: Option<String>,
}

pub async fn edit_form(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<Uuid>,
    Query(q): Query<SavedQuery>,
) -> StaffResult {
    let editor = Editor::open(&state, &headers).await?;
    let (provider, version) = editor.provider(&state, id).await?;
    let mut page = ProviderForm::new(
        &editor,
        provider.country,
        Some((&provider, version)),
        ProviderDraft::of(&provider),
        None,
    );
    page.saved = q.saved.is_some();
    Ok(render(&page))
}

pub async fn save(
    State(state): State<AppState>,
    Extension(from): Extension<ClientAddr>,
    headers: HeaderMap,
    Path(id): Path<Uuid>,
    axum::Form(pairs): axum::Form<Vec<(String, String)>>,
) -> StaffResult {
    let editor = Editor::posting(&state, &headers, &pairs).await?;
    let (stored, _) = editor.provider(&state, id).await?;
    let opened: i64 = form_field(&pairs, "version").parse().unwrap_or(-1);
    let draft = ProviderDraft::from_pairs(&pairs);
    let change = editor.staff.change_in(&from, Some(stored.country));
    let saved = match draft.to_provider(&stored, state.store.now()) {
        Ok(p) => {
            state
                .store
                .save_provider(&change, &p, Expected::Version(opened), Edit::Edit)
                .await
        }
        Err(e) => Err(e.into()),
    };
    if let Err(e) = saved {
        let message = editor.refusal(e)?;
        let page = ProviderForm::new(
            &editor,
            stored.country,
            Some((&stored, opened)),
            draft,
            Some(message),
        );
        return Ok(render_form(&page, true));
    }
    published(&state).await;
    Ok(Redirect::to(&format!("/staff/directory/providers/{id}?saved=1")).into_response())
}

/// "Still correct": the person who checked the provider confirms it as it stands.
pub async fn verify(
    State(state): State<AppState>,
    Extension(from): Extension<ClientAddr>,
    headers: HeaderMap,
    Path(id): Path<Uuid>,
    axum::Form(pairs): axum::Form<Vec<(String, String)>>,
) -> StaffResult {
    let editor = Editor::posting(&state, &headers, &pairs).await?;
    let (mut provider, version) = editor.provider(&state, id).await?;
    provider.verified_at = state.store.now();
    let change = editor.staff.change_in(&from, Some(provider.country));
    state
        .store
        .save_provider(&change, &provider, Expected::Version(version), Edit::Verify)
        .await
        .map_err(|e| editor.refused_request(e))?;
    published(&state).await;
    Ok(super::directory::back_to(
        &pairs,
        &format!("/staff/directory/providers/{id}?saved=1"),
    ))
}

pub async fn history(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<Uuid>,
) -> StaffResult {
    let editor = Editor::open(&state, &headers).await?;
    let (provider, _) = editor.provider(&state, id).await?;
    let title = provider_title(&editor.ctx(), &provider);
    editor
        .history(
            &state,
            &provider_entry(id),
            title,
            format!("/staff/directory/providers/{id}"),
        )
        .await
}

pub async fn restore(
    State(state): State<AppState>,
    Extension(from): Extension<ClientAddr>,
    headers: HeaderMap,
    Path(id): Path<Uuid>,
    axum::Form(pairs): axum::Form<Vec<(String, String)>>,
) -> StaffResult {
    let editor = Editor::posting(&state, &headers, &pairs).await?;
    let (current, version) = editor.provider(&state, id).await?;
    let wanted: i64 = form_field(&pairs, "version")
        .parse()
        .map_err(|_| StaffError::NotFound(editor.staff.lang))?;
    let mut earlier: Provider = state
        .store
        .entry_version(&provider_entry(id), wanted)
        .await
        .map_err(|e| editor.internal(e))?
        .ok_or(StaffError::NotFound(editor.staff.lang))?;
    // A restore never moves the provider out of the editor's scope.
    earlier.country = current.country;
    let change = editor.staff.change_in(&from, Some(current.country));
    state
        .store
        .save_provider(
            &change,
            &earlier,
            Expected::Version(version),
            Edit::Restore(wanted),
        )
        .await
        .map_err(|e| editor.refused_request(e))?;
    published(&state).await;
    Ok(Redirect::to(&format!("/staff/directory/providers/{id}/history")).into_response())
}
