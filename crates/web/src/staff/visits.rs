//! The visit counter: a group recorded in a few taps at a busy border point, today's figures at
//! a glance, and corrections that are logged rather than overwritten. A submission carries an
//! idempotency key chosen when the form was shown, so a retried or doubled submission records
//! the group once; `staff.js` queues submissions while the connection is down.

use askama::Template;
use axum::Form;
use axum::extract::{Extension, Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use bluedot_core::policy::Action;
use bluedot_core::supply::SupplyItem;
use bluedot_core::visit::{AgeBand, Counts, MAX_GROUP, VisitDraft};
use bluedot_core::{Hub, PriorityGroup, ServiceKind, ValidationError};
use bluedot_store::StoreError;
use bluedot_store::visits::{DayFigures, NewVisit, Visit, VisitStatus};
use chrono::{NaiveDate, Utc};
use serde::Deserialize;
use uuid::Uuid;

use super::people::{Choice, choices};
use super::{ClientAddr, Nav, Staff, StaffError, StaffResult, check_csrf, hub_target, signed_in};
use crate::AppState;
use crate::view::{Ctx, render_form};

/// Today at a hub, by its own clock: a night shift's visits count for the day they began.
pub(super) fn hub_today(hub: &Hub) -> NaiveDate {
    Utc::now()
        .with_timezone(&hub.country.timezone())
        .date_naive()
}

/// A band as a form field and element id: its code with `+` spelled out, since `+` means a
/// space in form encoding.
fn band_slug(band: AgeBand) -> String {
    band.code().replace('+', "plus")
}

/// Every age band's field slug with its label, in order (`female-<slug>`, `male-<slug>`).
pub(super) fn band_slugs() -> Vec<(String, String)> {
    AgeBand::ALL
        .iter()
        .map(|b| (band_slug(*b), b.code().to_owned()))
        .collect()
}

/// One age band row of the counter.
pub struct BandField {
    pub label: &'static str,
    pub slug: String,
    pub female: u32,
    pub male: u32,
}

fn new_key() -> String {
    Uuid::new_v4().to_string()
}

/// The hubs where this account may record visits.
fn recording_hubs(staff: &Staff, hubs: &[Hub]) -> Vec<Hub> {
    hubs.iter()
        .filter(|h| staff.may(Action::RecordVisit, hub_target(h)))
        .cloned()
        .collect()
}

/// The counter form as submitted (or prefilled for a correction).
#[derive(Default, Clone)]
pub struct VisitForm {
    pub hub: String,
    pub key: String,
    pub counts: Counts,
    pub with_disability: u32,
    pub groups: Vec<String>,
    pub nationality: String,
    pub services: Vec<String>,
    pub reason: String,
    /// Items handed out to the group, from the hub's stock.
    pub items: Vec<(SupplyItem, u32)>,
    /// The deployment the group was met on; empty at the hub itself.
    pub deployment: String,
    pub csrf: String,
}

impl VisitForm {
    pub(super) fn from_pairs(pairs: &[(String, String)]) -> Result<VisitForm, ValidationError> {
        let mut f = VisitForm::default();
        let number = |field: &'static str, v: &str| -> Result<u32, ValidationError> {
            if v.trim().is_empty() {
                return Ok(0);
            }
            v.trim()
                .parse::<u32>()
                .ok()
                .filter(|n| *n <= MAX_GROUP)
                .ok_or_else(|| {
                    ValidationError::new(field, format!("a number from 0 to {MAX_GROUP}"))
                })
        };
        for (k, v) in pairs {
            match k.as_str() {
                "hub" => f.hub = v.clone(),
                "key" => f.key = v.clone(),
                "disability" => f.with_disability = number("with_disability", v)?,
                "group" => f.groups.push(v.clone()),
                "service" => f.services.push(v.clone()),
                "nationality" => f.nationality = v.clone(),
                "reason" => f.reason = v.clone(),
                "csrf" => f.csrf = v.clone(),
                "deployment" => f.deployment = v.trim().to_owned(),
                other if other.starts_with("item-") => {
                    let item = SupplyItem::from_code(&other["item-".len()..])
                        .ok_or_else(|| ValidationError::new("item", "unknown item"))?;
                    let n = number("item", v)?;
                    if n > 0 {
                        f.items.push((item, n));
                    }
                }
                other => {
                    let band = other
                        .strip_prefix("female-")
                        .map(|b| (b, true))
                        .or_else(|| other.strip_prefix("male-").map(|b| (b, false)));
                    if let Some((slug, female)) = band {
                        let band = AgeBand::ALL
                            .iter()
                            .copied()
                            .find(|b| band_slug(*b) == slug)
                            .ok_or_else(|| ValidationError::new("counts", "unknown age band"))?;
                        f.counts.set(band, female, number("counts", v)?);
                    }
                }
            }
        }
        Ok(f)
    }

    fn from_visit(visit: &Visit) -> VisitForm {
        VisitForm {
            hub: visit.hub_id.to_string(),
            key: new_key(),
            counts: visit.draft.counts,
            with_disability: visit.draft.with_disability,
            groups: visit
                .draft
                .groups
                .iter()
                .map(|g| g.code().to_owned())
                .collect(),
            nationality: visit.draft.nationality.clone(),
            services: visit
                .draft
                .services
                .iter()
                .map(|s| s.code().to_owned())
                .collect(),
            reason: String::new(),
            items: Vec::new(),
            deployment: visit
                .deployment_id
                .map(|d| d.to_string())
                .unwrap_or_default(),
            csrf: String::new(),
        }
    }

    pub(super) fn deployment_id(&self) -> Result<Option<Uuid>, ValidationError> {
        if self.deployment.is_empty() {
            return Ok(None);
        }
        self.deployment
            .parse()
            .map(Some)
            .map_err(|_| ValidationError::new("deployment", "choose from the list"))
    }

    pub(super) fn draft(&self) -> Result<VisitDraft, ValidationError> {
        let mut groups = Vec::new();
        for g in &self.groups {
            groups.push(
                PriorityGroup::from_code(g)
                    .ok_or_else(|| ValidationError::new("group", "choose from the list"))?,
            );
        }
        let mut services = Vec::new();
        for s in &self.services {
            services.push(
                ServiceKind::from_code(s)
                    .ok_or_else(|| ValidationError::new("service", "choose from the list"))?,
            );
        }
        VisitDraft {
            counts: self.counts,
            with_disability: self.with_disability,
            groups,
            nationality: self.nationality.clone(),
            services,
        }
        .validate()
    }

    fn band_fields(&self) -> Vec<BandField> {
        AgeBand::ALL
            .iter()
            .map(|b| BandField {
                label: b.code(),
                slug: band_slug(*b),
                female: self.counts.get(*b, true),
                male: self.counts.get(*b, false),
            })
            .collect()
    }

    pub fn has_group(&self, code: &str) -> bool {
        self.groups.iter().any(|g| g == code)
    }

    pub fn has_service(&self, code: &str) -> bool {
        self.services.iter().any(|s| s == code)
    }
}

pub struct BandRow {
    pub code: &'static str,
    pub slug: String,
    pub female: u32,
    pub male: u32,
}

/// An item the hub has in stock, offered on the counter.
pub struct StockField {
    pub code: &'static str,
    pub label: String,
    pub available: u32,
    pub given: u32,
}

pub struct VisitRow {
    pub id: Uuid,
    pub time: String,
    pub people: u32,
    pub children: u32,
    pub status: String,
    pub current: bool,
    pub reason: String,
}

/// Today's figures as the page shows them.
pub struct Today {
    pub visits: u32,
    pub people: u32,
    pub children: u32,
    pub with_disability: u32,
    pub bands: Vec<BandRow>,
    pub services: Vec<(String, u32)>,
}

impl Today {
    fn new(ctx: &Ctx, f: &DayFigures) -> Today {
        Today {
            visits: f.visits,
            people: f.counts.total(),
            children: f.counts.children(),
            with_disability: f.with_disability,
            bands: AgeBand::ALL
                .iter()
                .map(|b| BandRow {
                    code: b.code(),
                    slug: band_slug(*b),
                    female: f.counts.get(*b, true),
                    male: f.counts.get(*b, false),
                })
                .collect(),
            services: f
                .services
                .iter()
                .map(|(s, n)| (ctx.t(&format!("service-{}", s.code())), *n))
                .collect(),
        }
    }
}

#[derive(Template)]
#[template(path = "staff/visits.html")]
struct CounterPage {
    ctx: Ctx,
    nav: Nav,
    csrf: String,
    hub_name: String,
    hubs: Vec<crate::view::HubGroup>,
    form: VisitForm,
    bands: Vec<BandField>,
    groups: Vec<Choice>,
    services: Vec<Choice>,
    stock: Vec<StockField>,
    /// Deployments of the hub under way, where the group may have been met instead.
    deployments: Vec<Choice>,
    today: Today,
    day: String,
    visits: Vec<VisitRow>,
    recorded: bool,
    error: Option<String>,
    /// Set when correcting a visit: its id.
    correcting: Option<Uuid>,
}

struct CounterDesk {
    staff: Staff,
    /// Every hub of the directory, to say where a refused visit was.
    all: std::sync::Arc<Vec<Hub>>,
    /// The hubs where this account records visits.
    hubs: Vec<Hub>,
}

async fn load(state: &AppState, headers: &HeaderMap) -> StaffResult<CounterDesk> {
    let staff = signed_in(state, headers).await?;
    let all = state
        .directory
        .hubs()
        .await
        .map_err(|e| StaffError::internal(staff.lang, e))?;
    let hubs = recording_hubs(&staff, &all);
    if hubs.is_empty() {
        return Err(StaffError::Forbidden(staff.lang));
    }
    Ok(CounterDesk { staff, all, hubs })
}

impl CounterDesk {
    fn hub(&self, id: &str) -> Option<&Hub> {
        let id: Uuid = id.parse().ok()?;
        self.hubs.iter().find(|h| h.id == id)
    }

    fn internal(&self, e: impl std::fmt::Display) -> StaffError {
        StaffError::internal(self.staff.lang, e)
    }

    async fn page(
        &self,
        state: &AppState,
        hub: &Hub,
        mut form: VisitForm,
        recorded: bool,
        error: Option<String>,
        correcting: Option<Uuid>,
    ) -> StaffResult {
        let ctx = Ctx::new(self.staff.lang, "/", "visits");
        let day = hub_today(hub);
        let figures = state
            .store
            .day_figures(hub.id, day)
            .await
            .map_err(|e| self.internal(e))?;
        let visits = state
            .store
            .visits_on(hub.id, day)
            .await
            .map_err(|e| self.internal(e))?;
        let all_hubs = state.directory.hubs().await.map_err(|e| self.internal(e))?;
        let tz = hub.country.timezone();
        let stock = state
            .store
            .stock(hub.id)
            .await
            .map_err(|e| self.internal(e))?;
        let deployments = if correcting.is_none() {
            let found = super::deployments::under_way(state, hub)
                .await
                .map_err(|e| self.internal(e))?;
            if form.deployment.is_empty()
                && let Some(own) = super::deployments::own(&found, &self.staff)
            {
                form.deployment = own;
            }
            super::deployments::choices(&found)
        } else {
            Vec::new()
        };
        let page = CounterPage {
            nav: Nav::for_staff(&self.staff, &all_hubs),
            csrf: self.staff.session.csrf_token.clone(),
            hub_name: hub.name.text(ctx.lang).to_owned(),
            hubs: crate::view::hub_groups(&ctx, &self.hubs),
            bands: form.band_fields(),
            groups: choices(&ctx, PriorityGroup::ALL, PriorityGroup::code, "group"),
            // The services this hub offers, which are the ones given on the spot.
            services: hub
                .services
                .iter()
                .map(|s| Choice {
                    value: s.kind.code().to_owned(),
                    label: ctx.t(&format!("service-{}", s.kind.code())),
                })
                .collect(),
            stock: stock
                .iter()
                .filter(|line| line.quantity > 0 && correcting.is_none())
                .map(|line| StockField {
                    code: line.item.code(),
                    label: ctx.t(&format!("item-{}", line.item.code())),
                    available: line.quantity,
                    given: form
                        .items
                        .iter()
                        .find(|(i, _)| *i == line.item)
                        .map(|(_, n)| *n)
                        .unwrap_or(0),
                })
                .collect(),
            deployments,
            today: Today::new(&ctx, &figures),
            day: ctx.day(day),
            visits: visits
                .iter()
                .map(|v| VisitRow {
                    id: v.id,
                    time: v.recorded_at.with_timezone(&tz).format("%H:%M").to_string(),
                    people: v.draft.counts.total(),
                    children: v.draft.counts.children(),
                    status: ctx.t(&format!("visit-status-{}", v.status.code())),
                    current: v.status == VisitStatus::Current,
                    reason: v.change_reason.clone().unwrap_or_default(),
                })
                .collect(),
            form,
            recorded,
            error,
            correcting,
            ctx,
        };
        let refused = page.error.is_some();
        Ok(render_form(&page, refused))
    }
}

#[derive(Deserialize)]
pub struct CounterParams {
    hub: Option<String>,
    recorded: Option<String>,
    /// Preselects a deployment, from its page's "record visits here".
    deployment: Option<String>,
}

/// A new, empty counter for `hub`, with a fresh idempotency key.
fn empty_form(hub: &Hub) -> VisitForm {
    VisitForm {
        hub: hub.id.to_string(),
        key: new_key(),
        nationality: "UA".into(),
        ..VisitForm::default()
    }
}

pub async fn counter(
    State(state): State<AppState>,
    Query(params): Query<CounterParams>,
    headers: HeaderMap,
) -> StaffResult {
    let l = load(&state, &headers).await?;
    let hub = match params.hub.as_deref() {
        Some(id) => l.hub(id).ok_or(StaffError::NotFound(l.staff.lang))?,
        None => &l.hubs[0],
    }
    .clone();
    let mut form = empty_form(&hub);
    form.deployment = params.deployment.unwrap_or_default();
    l.page(&state, &hub, form, params.recorded.is_some(), None, None)
        .await
}

/// Whether the request came from the counter's script, which wants JSON back.
fn wants_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"))
}

pub(super) fn field_message(staff: &Staff, e: &ValidationError) -> String {
    super::field_error(
        staff.lang,
        &format!("visit-{}", e.field.replace('_', "-")),
        e,
    )
}

/// "Not enough blankets: 3 left", in the staff member's language.
pub fn out_of_stock(staff: &Staff, item: SupplyItem, available: u32) -> String {
    let lang = staff.lang;
    let mut args = fluent_bundle::FluentArgs::new();
    args.set(
        "item",
        crate::I18N.message(lang, &format!("item-{}", item.code()), None),
    );
    args.set("available", available);
    crate::I18N.message(lang, "stock-not-enough", Some(&args))
}

fn json_reply(status: StatusCode, body: serde_json::Value) -> Response {
    (status, axum::Json(body)).into_response()
}

pub async fn record(
    State(state): State<AppState>,
    Extension(from): Extension<ClientAddr>,
    headers: HeaderMap,
    Form(pairs): Form<Vec<(String, String)>>,
) -> StaffResult {
    let l = load(&state, &headers).await?;
    let json = wants_json(&headers);
    let csrf = pairs
        .iter()
        .find(|(k, _)| k == "csrf")
        .map(|(_, v)| v.as_str())
        .unwrap_or("");
    check_csrf(&l.staff, &headers, csrf)?;
    let hub_id = pairs
        .iter()
        .find(|(k, _)| k == "hub")
        .map(|(_, v)| v.as_str())
        .unwrap_or("");
    let hub = l
        .hub(hub_id)
        .ok_or(StaffError::Forbidden(l.staff.lang))?
        .clone();
    let parsed = VisitForm::from_pairs(&pairs).and_then(|form| {
        let draft = form.draft()?;
        let deployment_id = form.deployment_id()?;
        Ok((form, draft, deployment_id))
    });
    let (form, draft, deployment_id) = match parsed {
        Ok(ok) => ok,
        Err(e) => {
            let message = field_message(&l.staff, &e);
            if json {
                return Ok(json_reply(
                    StatusCode::BAD_REQUEST,
                    serde_json::json!({ "error": message }),
                ));
            }
            let form = VisitForm::from_pairs(&pairs).unwrap_or_else(|_| empty_form(&hub));
            return l.page(&state, &hub, form, false, Some(message), None).await;
        }
    };
    if form.key.len() < 8 || form.key.len() > 64 {
        return Err(StaffError::BadRequest(l.staff.lang, "key".into()));
    }
    let new = NewVisit {
        hub_id: hub.id,
        country: hub.country,
        day: hub_today(&hub),
        idempotency_key: form.key.clone(),
        recorded_by: Some(l.staff.user.id),
        draft,
        items: form.items.clone(),
        deployment_id,
    };
    let recorded = match state
        .store
        .record_visit(&new, &l.staff.change_at(&from, &hub))
        .await
    {
        Ok(r) => r,
        Err(StoreError::Invalid(e)) => {
            let message = field_message(&l.staff, &e);
            if json {
                return Ok(json_reply(
                    StatusCode::BAD_REQUEST,
                    serde_json::json!({ "error": message }),
                ));
            }
            return l.page(&state, &hub, form, false, Some(message), None).await;
        }
        Err(StoreError::OutOfStock { item, available }) => {
            let message = out_of_stock(&l.staff, item, available);
            if json {
                return Ok(json_reply(
                    StatusCode::CONFLICT,
                    serde_json::json!({ "error": message }),
                ));
            }
            return l.page(&state, &hub, form, false, Some(message), None).await;
        }
        Err(e) => return Err(l.internal(e)),
    };
    if json {
        let f = state
            .store
            .day_figures(hub.id, new.day)
            .await
            .map_err(|e| l.internal(e))?;
        return Ok(json_reply(
            StatusCode::OK,
            serde_json::json!({
                "id": recorded.id,
                "created": recorded.created,
                "today": {
                    "visits": f.visits,
                    "people": f.counts.total(),
                    "children": f.counts.children(),
                    "with_disability": f.with_disability,
                    "bands": AgeBand::ALL.iter().map(|b| serde_json::json!({
                        "band": band_slug(*b),
                        "female": f.counts.get(*b, true),
                        "male": f.counts.get(*b, false),
                    })).collect::<Vec<_>>(),
                },
            }),
        ));
    }
    Ok(Redirect::to(&format!(
        "/staff/visits?hub={}&recorded={}",
        hub.id, recorded.id
    ))
    .into_response())
}

/// The visit `id` at a hub where this account records visits; a refusal is audited.
async fn own_visit(
    state: &AppState,
    l: &CounterDesk,
    from: &ClientAddr,
    id: &str,
    verb: &str,
) -> StaffResult<(Visit, Hub)> {
    super::records::open_record(state, &l.staff, &l.all, from, id, verb, |actor, at, _| {
        bluedot_core::policy::decide(actor, Action::RecordVisit, at).allowed()
    })
    .await
}

pub async fn correct_form(
    State(state): State<AppState>,
    Extension(from): Extension<ClientAddr>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> StaffResult {
    let l = load(&state, &headers).await?;
    let (visit, hub) = own_visit(&state, &l, &from, &id, "visit.correct").await?;
    if visit.status != VisitStatus::Current {
        return Err(StaffError::BadRequest(
            l.staff.lang,
            crate::I18N.message(l.staff.lang, "visit-not-current", None),
        ));
    }
    l.page(
        &state,
        &hub,
        VisitForm::from_visit(&visit),
        false,
        None,
        Some(visit.id),
    )
    .await
}

pub async fn correct(
    State(state): State<AppState>,
    Extension(from): Extension<ClientAddr>,
    Path(id): Path<String>,
    headers: HeaderMap,
    Form(pairs): Form<Vec<(String, String)>>,
) -> StaffResult {
    let l = load(&state, &headers).await?;
    let (visit, hub) = own_visit(&state, &l, &from, &id, "visit.correct").await?;
    let form = VisitForm::from_pairs(&pairs)
        .map_err(|e| StaffError::BadRequest(l.staff.lang, field_message(&l.staff, &e)))?;
    check_csrf(&l.staff, &headers, &form.csrf)?;
    let draft = match form.draft() {
        Ok(d) => d,
        Err(e) => {
            let message = field_message(&l.staff, &e);
            return l
                .page(&state, &hub, form, false, Some(message), Some(visit.id))
                .await;
        }
    };
    let new = NewVisit {
        hub_id: hub.id,
        country: hub.country,
        day: visit.day,
        idempotency_key: form.key.clone(),
        recorded_by: Some(l.staff.user.id),
        draft,
        items: Vec::new(),
        // Where the group was met does not change with a correction.
        deployment_id: visit.deployment_id,
    };
    match state
        .store
        .correct_visit(
            visit.id,
            &new,
            &form.reason,
            &l.staff.change_at(&from, &hub),
        )
        .await
    {
        Ok(_) => {}
        Err(StoreError::Invalid(e)) => {
            let message = field_message(&l.staff, &e);
            return l
                .page(&state, &hub, form, false, Some(message), Some(visit.id))
                .await;
        }
        Err(StoreError::Conflict(_)) => {
            return Err(StaffError::BadRequest(
                l.staff.lang,
                crate::I18N.message(l.staff.lang, "visit-not-current", None),
            ));
        }
        Err(e) => return Err(l.internal(e)),
    };
    Ok(Redirect::to(&format!("/staff/visits?hub={}", hub.id)).into_response())
}

#[derive(Deserialize)]
pub struct VoidForm {
    csrf: String,
    reason: String,
}

pub async fn void(
    State(state): State<AppState>,
    Extension(from): Extension<ClientAddr>,
    Path(id): Path<String>,
    headers: HeaderMap,
    Form(form): Form<VoidForm>,
) -> StaffResult {
    let l = load(&state, &headers).await?;
    check_csrf(&l.staff, &headers, &form.csrf)?;
    let (visit, hub) = own_visit(&state, &l, &from, &id, "visit.void").await?;
    let done = match state
        .store
        .void_visit(visit.id, &form.reason, &l.staff.change_at(&from, &hub))
        .await
    {
        Ok(done) => done,
        Err(StoreError::Invalid(e)) => {
            return Err(StaffError::BadRequest(
                l.staff.lang,
                field_message(&l.staff, &e),
            ));
        }
        Err(e) => return Err(l.internal(e)),
    };
    if !done {
        return Err(StaffError::BadRequest(
            l.staff.lang,
            crate::I18N.message(l.staff.lang, "visit-not-current", None),
        ));
    }
    Ok(Redirect::to(&format!("/staff/visits?hub={}", hub.id)).into_response())
}
