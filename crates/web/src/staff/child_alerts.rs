//! Flagging a child for a social worker: the information desk (or anyone at a hub) says what
//! they saw, where the child is now and how urgent it is, without access to any record; the
//! hub's social workers see the flag on their home page and one of them takes it.

use askama::Template;
use axum::Form;
use axum::extract::{Extension, Path, Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect};
use bluedot_core::Hub;
use bluedot_core::person::SpecificNeed;
use bluedot_core::policy::Action;
use bluedot_core::referral::Urgency;
use bluedot_store::child_alerts::{CONCERNS, ChildAlert, NewChildAlert, SEEN_MAX, WHERE_NOW_MAX};
use serde::Deserialize;
use uuid::Uuid;

use super::people::Choice;
use super::{ClientAddr, Desk, Nav, StaffError, StaffResult, check_csrf, hub_target};
use crate::AppState;
use crate::view::{Ctx, render_form};

/// What was typed, kept whole when the form is refused.
#[derive(Default, Deserialize)]
pub struct FlagForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    hub: String,
    #[serde(default)]
    concern: String,
    #[serde(default)]
    urgency: String,
    #[serde(default)]
    seen: String,
    #[serde(default)]
    where_now: String,
}

/// The refusal beside each field, in the worker's language.
#[derive(Default)]
pub struct FlagErrors {
    hub: Option<String>,
    concern: Option<String>,
    urgency: Option<String>,
    seen: Option<String>,
    where_now: Option<String>,
}

impl FlagErrors {
    fn any(&self) -> bool {
        [
            &self.hub,
            &self.concern,
            &self.urgency,
            &self.seen,
            &self.where_now,
        ]
        .iter()
        .any(|e| e.is_some())
    }
}

#[derive(Template)]
#[template(path = "staff/flag_child.html")]
struct FlagPage {
    ctx: Ctx,
    nav: Nav,
    csrf: String,
    hubs: Vec<crate::view::HubGroup>,
    concerns: Vec<Choice>,
    urgencies: Vec<Choice>,
    form: FlagForm,
    errors: FlagErrors,
    sent: Option<String>,
    seen_max: usize,
    seen_limit: String,
    where_now_max: usize,
}

const URGENCIES: [Urgency; 3] = [Urgency::High, Urgency::Medium, Urgency::Low];

/// The hubs where this account may flag a child.
fn flag_hubs(desk: &Desk) -> Vec<&Hub> {
    desk.hubs
        .iter()
        .filter(|h| desk.staff.may(Action::FlagChild, hub_target(h)))
        .collect()
}

fn page(desk: &Desk, form: FlagForm, errors: FlagErrors, sent: Option<String>) -> FlagPage {
    let ctx = Ctx::new(desk.staff.lang, "/", "flag");
    let hubs = crate::view::hub_groups(&ctx, flag_hubs(desk));
    FlagPage {
        nav: Nav::for_staff(&desk.staff, &desk.hubs),
        csrf: desk.staff.session.csrf_token.clone(),
        hubs,
        concerns: CONCERNS
            .iter()
            .map(|c| Choice {
                value: c.code().to_owned(),
                label: ctx.t(&format!("need-{}", c.code())),
            })
            .collect(),
        urgencies: URGENCIES
            .iter()
            .map(|u| Choice {
                value: u.code().to_owned(),
                label: ctx.t(&format!("flag-urgency-{}", u.code())),
            })
            .collect(),
        form,
        errors,
        sent,
        seen_max: SEEN_MAX,
        seen_limit: ctx.tn("flag-limit", "max", SEEN_MAX),
        where_now_max: WHERE_NOW_MAX,
        ctx,
    }
}

#[derive(Deserialize)]
pub struct SentParams {
    sent: Option<Uuid>,
}

pub async fn new(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(params): Query<SentParams>,
) -> StaffResult {
    let desk = Desk::open(&state, &headers).await?;
    let hubs = flag_hubs(&desk);
    if hubs.is_empty() {
        return Err(StaffError::Forbidden(desk.staff.lang));
    }
    let form = FlagForm {
        // One hub: nothing to choose.
        hub: match hubs.as_slice() {
            [only] => only.id.to_string(),
            _ => String::new(),
        },
        ..FlagForm::default()
    };
    let sent = params.sent.and_then(|id| desk.hub(id)).map(|hub| {
        Ctx::new(desk.staff.lang, "/", "flag").ts(
            "flag-sent",
            "hub",
            hub.name.text(desk.staff.lang),
        )
    });
    Ok(render_form(
        &page(&desk, form, FlagErrors::default(), sent),
        false,
    ))
}

pub async fn raise(
    State(state): State<AppState>,
    Extension(from): Extension<ClientAddr>,
    headers: HeaderMap,
    Form(form): Form<FlagForm>,
) -> StaffResult {
    let desk = Desk::open(&state, &headers).await?;
    check_csrf(&desk.staff, &headers, &form.csrf)?;
    let ctx = Ctx::new(desk.staff.lang, "/", "flag");
    let hub = form
        .hub
        .parse::<Uuid>()
        .ok()
        .and_then(|id| flag_hubs(&desk).into_iter().find(|h| h.id == id))
        .cloned();
    let concern = SpecificNeed::from_code(&form.concern).filter(|c| CONCERNS.contains(c));
    let urgency = Urgency::from_code(&form.urgency);
    let length = |s: &str| s.trim().chars().count();
    let errors = FlagErrors {
        hub: hub.is_none().then(|| ctx.t("flag-error-hub")),
        concern: concern.is_none().then(|| ctx.t("flag-error-concern")),
        urgency: urgency.is_none().then(|| ctx.t("flag-error-urgency")),
        seen: (length(&form.seen) == 0 || length(&form.seen) > SEEN_MAX)
            .then(|| ctx.tn("flag-error-seen", "max", SEEN_MAX)),
        where_now: (length(&form.where_now) == 0 || length(&form.where_now) > WHERE_NOW_MAX)
            .then(|| ctx.tn("flag-error-where-now", "max", WHERE_NOW_MAX)),
    };
    let (Some(hub), Some(concern), Some(urgency), false) = (hub, concern, urgency, errors.any())
    else {
        return Ok(render_form(&page(&desk, form, errors, None), true));
    };
    let new = NewChildAlert {
        hub_id: hub.id,
        country: hub.country,
        concern,
        urgency,
        seen: form.seen.clone(),
        where_now: form.where_now.clone(),
        raised_by: Some(desk.staff.user.id),
    };
    state
        .store
        .raise_child_alert(&desk.keys, &new, &desk.staff.change_at(&from, &hub))
        .await
        .map_err(|e| desk.internal(e))?;
    Ok(Redirect::to(&format!("/staff/flag?sent={}", hub.id)).into_response())
}

#[derive(Deserialize)]
pub struct TakeForm {
    csrf: String,
}

pub async fn take(
    State(state): State<AppState>,
    Extension(from): Extension<ClientAddr>,
    Path(id): Path<Uuid>,
    headers: HeaderMap,
    Form(form): Form<TakeForm>,
) -> StaffResult {
    let desk = Desk::open(&state, &headers).await?;
    check_csrf(&desk.staff, &headers, &form.csrf)?;
    let lang = desk.staff.lang;
    let alert = state
        .store
        .child_alert(&desk.keys, id)
        .await
        .map_err(|e| desk.internal(e))?
        .ok_or(StaffError::Forbidden(lang))?;
    let hub = desk
        .hub(alert.hub_id)
        .filter(|h| desk.staff.may(Action::ManageCase, hub_target(h)))
        .cloned()
        .ok_or(StaffError::Forbidden(lang))?;
    let taken = state
        .store
        .take_child_alert(id, desk.staff.user.id, &desk.staff.change_at(&from, &hub))
        .await
        .map_err(|e| desk.internal(e))?;
    if !taken {
        return Err(StaffError::BadRequest(
            lang,
            super::staff_t(lang, "flag-already-taken"),
        ));
    }
    Ok(Redirect::to(&format!("/staff#flag-{id}")).into_response())
}

/// A flag as a social worker's home page shows it.
pub struct FlagCard {
    pub id: Uuid,
    pub concern: String,
    pub urgency: String,
    pub high: bool,
    pub hub: String,
    pub raised: String,
    pub seen: String,
    pub where_now: String,
    pub taken: Option<String>,
}

/// The flags at hubs where this account works on cases, for its home page.
pub async fn for_home(state: &AppState, desk: &Desk) -> StaffResult<Vec<FlagCard>> {
    let ctx = Ctx::new(desk.staff.lang, "/", "staff");
    let alerts: Vec<ChildAlert> = state
        .store
        .child_alerts(&desk.keys, &desk.staff.user.scope)
        .await
        .map_err(|e| desk.internal(e))?;
    Ok(alerts
        .into_iter()
        .filter_map(|a| {
            let hub = desk
                .hub(a.hub_id)
                .filter(|h| desk.staff.may(Action::ManageCase, hub_target(h)))?;
            let unknown = ctx.t("staff-unknown");
            Some(FlagCard {
                id: a.id,
                concern: ctx.t(&format!("need-{}", a.concern.code())),
                urgency: ctx.t(&format!("flag-urgency-{}", a.urgency.code())),
                high: a.urgency == Urgency::High,
                hub: hub.name.text(ctx.lang).to_owned(),
                raised: format!(
                    "{} · {}",
                    a.raised_by.unwrap_or_else(|| unknown.clone()),
                    ctx.at_hub(a.raised_at, hub)
                ),
                seen: a.seen,
                where_now: a.where_now,
                taken: a.taken_at.map(|at| {
                    ctx.ta(
                        "flag-taken",
                        &[
                            ("who", a.taken_by.unwrap_or(unknown).into()),
                            ("when", ctx.at_hub(at, hub).into()),
                        ],
                    )
                }),
            })
        })
        .collect())
}
