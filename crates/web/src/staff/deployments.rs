//! Mobile team deployments: a coordinator plans where, when and who; the team starts and
//! completes it; the visit counter and referrals made on the way name it, so its page counts
//! what the team reached there.

use askama::Template;
use axum::Form;
use axum::extract::{Extension, Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect};
use bluedot_core::deployment::{DeploymentPlan, DeploymentStatus};
use bluedot_core::policy::{Action, Scope};
use bluedot_core::visit::AgeBand;
use bluedot_core::{Hub, ValidationError};
use bluedot_store::StoreError;
use bluedot_store::deployments::{Deployment, NewDeployment};
use chrono::{DateTime, Duration, NaiveDateTime, TimeZone, Utc};
use serde::Deserialize;
use std::sync::Arc;
use uuid::Uuid;

use super::people::Choice;
use super::{
    ClientAddr, Nav, Staff, StaffError, StaffResult, audit, check_csrf, hub_target, signed_in,
};
use crate::AppState;
use crate::view::{Ctx, render, render_form};

/// The `datetime-local` form format, read in the hub's time zone.
const LOCAL_FORMAT: &str = "%Y-%m-%dT%H:%M";

/// How long finished deployments stay on the list.
const LIST_DAYS_BACK: i64 = 30;

struct DeploymentDesk {
    staff: Staff,
    all: Arc<Vec<Hub>>,
    /// Hubs whose deployments this account sees: where it records visits or plans deployments.
    hubs: Vec<Hub>,
}

async fn load(state: &AppState, headers: &HeaderMap) -> StaffResult<DeploymentDesk> {
    let staff = signed_in(state, headers).await?;
    let all = state
        .directory
        .hubs()
        .await
        .map_err(|e| StaffError::internal(staff.lang, e))?;
    let hubs: Vec<Hub> = all
        .iter()
        .filter(|h| sees_deployments(&staff, h))
        .cloned()
        .collect();
    if hubs.is_empty() {
        return Err(StaffError::Forbidden(staff.lang));
    }
    Ok(DeploymentDesk { staff, all, hubs })
}

fn sees_deployments(staff: &Staff, hub: &Hub) -> bool {
    bluedot_core::policy::sees_deployments(&staff.actor, hub_target(hub))
}

impl DeploymentDesk {
    fn internal(&self, e: impl std::fmt::Display) -> StaffError {
        StaffError::internal(self.staff.lang, e)
    }

    fn hub(&self, id: Uuid) -> Option<&Hub> {
        self.hubs.iter().find(|h| h.id == id)
    }

    fn planning_hubs(&self) -> Vec<&Hub> {
        self.hubs
            .iter()
            .filter(|h| self.staff.may(Action::PlanDeployment, hub_target(h)))
            .collect()
    }

    /// The deployment `id` at a hub this account sees; otherwise 404, and the refusal audited.
    async fn deployment(
        &self,
        state: &AppState,
        from: &ClientAddr,
        id: &str,
    ) -> StaffResult<(Deployment, Hub)> {
        super::records::open_record(
            state,
            &self.staff,
            &self.all,
            from,
            id,
            "deployment.view",
            |actor, at, _| bluedot_core::policy::sees_deployments(actor, at),
        )
        .await
    }
}

/// A deployment as the list and its page show it.
pub struct DeploymentLine {
    pub id: Uuid,
    pub place: String,
    pub hub: String,
    pub when: String,
    pub status: String,
    pub status_code: &'static str,
    pub team: String,
    pub people: u32,
    pub referrals: u32,
}

async fn line(
    state: &AppState,
    ctx: &Ctx,
    d: &Deployment,
    hub: &Hub,
) -> Result<DeploymentLine, StoreError> {
    let figures = state.store.deployment_figures(d.id).await?;
    Ok(DeploymentLine {
        id: d.id,
        place: d.place.clone(),
        hub: hub.name.text(ctx.lang).to_owned(),
        when: format!(
            "{} – {}",
            ctx.at_hub(d.starts_at, hub),
            ctx.at_hub(d.ends_at, hub)
        ),
        status: ctx.t(&format!("deployment-status-{}", d.status.code())),
        status_code: d.status.code(),
        team: d
            .team
            .iter()
            .map(|(_, name)| name.as_str())
            .collect::<Vec<_>>()
            .join(", "),
        people: figures.counts.total(),
        referrals: figures.referrals,
    })
}

/// The plan form as submitted, kept to show again with an error.
#[derive(Default, Clone)]
pub struct PlanForm {
    pub hub: String,
    pub place: String,
    pub starts_at: String,
    pub ends_at: String,
    pub team: Vec<String>,
    pub note: String,
}

impl PlanForm {
    pub fn has_member(&self, id: &str) -> bool {
        self.team.iter().any(|t| t == id)
    }
}

/// Someone who may be on a team: an active account that records visits at the hub.
pub struct Candidate {
    pub id: String,
    pub label: String,
}

#[derive(Template)]
#[template(path = "staff/deployments.html")]
struct ListPage {
    ctx: Ctx,
    nav: Nav,
    csrf: String,
    lines: Vec<DeploymentLine>,
    planning_hubs: Vec<crate::view::HubGroup>,
    candidates: Vec<Candidate>,
    form: PlanForm,
    error: Option<String>,
}

impl DeploymentDesk {
    async fn list_page(
        &self,
        state: &AppState,
        form: PlanForm,
        error: Option<String>,
    ) -> StaffResult {
        let ctx = Ctx::new(self.staff.lang, "/", "deployments");
        let since = Utc::now() - Duration::days(LIST_DAYS_BACK);
        let deployments = state
            .store
            .deployments(&self.staff.actor.scope, None, since)
            .await
            .map_err(|e| self.internal(e))?;
        let mut lines = Vec::new();
        for d in &deployments {
            if let Some(hub) = self.hub(d.hub_id) {
                lines.push(
                    line(state, &ctx, d, hub)
                        .await
                        .map_err(|e| self.internal(e))?,
                );
            }
        }
        let planning = self.planning_hubs();
        let candidates = if planning.is_empty() {
            Vec::new()
        } else {
            let users = state
                .store
                .list_users()
                .await
                .map_err(|e| self.internal(e))?;
            users
                .iter()
                .filter(|u| {
                    !u.disabled
                        && planning
                            .iter()
                            .any(|h| bluedot_core::policy::joins_teams(&u.actor(), hub_target(h)))
                })
                .map(|u| Candidate {
                    id: u.id.to_string(),
                    label: format!(
                        "{} ({})",
                        u.display_name,
                        ctx.t(&format!("role-{}", u.role.code()))
                    ),
                })
                .collect()
        };
        let page = ListPage {
            nav: Nav::for_staff(&self.staff, &self.all),
            csrf: self.staff.session.csrf_token.clone(),
            lines,
            planning_hubs: crate::view::hub_groups(&ctx, planning.iter().copied()),
            candidates,
            form,
            error,
            ctx,
        };
        let refused = page.error.is_some();
        Ok(render_form(&page, refused))
    }
}

pub async fn list(State(state): State<AppState>, headers: HeaderMap) -> StaffResult {
    let l = load(&state, &headers).await?;
    l.list_page(&state, PlanForm::default(), None).await
}

/// A moment typed in a form (`datetime-local`) in the hub's own time zone.
pub(super) fn local_time(
    value: &str,
    hub: &Hub,
    field: &'static str,
) -> Result<DateTime<Utc>, ValidationError> {
    NaiveDateTime::parse_from_str(value.trim(), LOCAL_FORMAT)
        .ok()
        .and_then(|naive| {
            hub.country
                .timezone()
                .from_local_datetime(&naive)
                .earliest()
        })
        .map(|at| at.with_timezone(&Utc))
        .ok_or_else(|| ValidationError::new(field, "give a date and time"))
}

pub async fn plan(
    State(state): State<AppState>,
    Extension(from): Extension<ClientAddr>,
    headers: HeaderMap,
    Form(pairs): Form<Vec<(String, String)>>,
) -> StaffResult {
    let l = load(&state, &headers).await?;
    let lang = l.staff.lang;
    let mut form = PlanForm::default();
    let mut csrf = String::new();
    for (k, v) in pairs {
        match k.as_str() {
            "csrf" => csrf = v,
            "hub" => form.hub = v,
            "place" => form.place = v,
            "starts_at" => form.starts_at = v,
            "ends_at" => form.ends_at = v,
            "team" => form.team.push(v),
            "note" => form.note = v,
            _ => {}
        }
    }
    check_csrf(&l.staff, &headers, &csrf)?;
    let hub = form
        .hub
        .parse::<Uuid>()
        .ok()
        .and_then(|id| l.hub(id))
        .filter(|h| l.staff.may(Action::PlanDeployment, hub_target(h)))
        .cloned()
        .ok_or(StaffError::Forbidden(lang))?;
    let checked = check_plan(&state, &form, &hub).await;
    let plan = match checked {
        Ok(plan) => plan,
        Err(PlanError::Invalid(e)) => {
            let message = field_message(&l.staff, &e);
            return l.list_page(&state, form, Some(message)).await;
        }
        Err(PlanError::Store(e)) => return Err(l.internal(e)),
    };
    let new = NewDeployment {
        hub_id: hub.id,
        country: hub.country,
        plan,
        created_by: Some(l.staff.user.id),
    };
    let id = match state
        .store
        .plan_deployment(&new, &l.staff.change_at(&from, &hub))
        .await
    {
        Ok(id) => id,
        Err(StoreError::Invalid(e)) => {
            let message = field_message(&l.staff, &e);
            return l.list_page(&state, form, Some(message)).await;
        }
        Err(e) => return Err(l.internal(e)),
    };
    Ok(Redirect::to(&format!("/staff/deployments/{id}")).into_response())
}

enum PlanError {
    Invalid(ValidationError),
    Store(StoreError),
}

/// Reads the plan form for `hub`: times in the hub's zone, a team of accounts that record
/// visits there.
async fn check_plan(
    state: &AppState,
    form: &PlanForm,
    hub: &Hub,
) -> Result<DeploymentPlan, PlanError> {
    let starts_at = local_time(&form.starts_at, hub, "starts_at").map_err(PlanError::Invalid)?;
    let ends_at = local_time(&form.ends_at, hub, "ends_at").map_err(PlanError::Invalid)?;
    let mut team = Vec::new();
    for id in &form.team {
        let user = match id.parse::<Uuid>() {
            Ok(id) => state.store.user(id).await.map_err(PlanError::Store)?,
            Err(_) => None,
        };
        let fits = user.as_ref().is_some_and(|u| {
            !u.disabled && bluedot_core::policy::joins_teams(&u.actor(), hub_target(hub))
        });
        match user {
            Some(u) if fits => team.push(u.id),
            _ => {
                return Err(PlanError::Invalid(ValidationError::new(
                    "team",
                    "everyone on the team must be able to record visits at this hub",
                )));
            }
        }
    }
    Ok(DeploymentPlan {
        place: form.place.clone(),
        starts_at,
        ends_at,
        team,
        note: form.note.clone(),
    })
}

fn field_message(staff: &Staff, e: &ValidationError) -> String {
    super::field_error(staff.lang, &format!("deployment-{}", e.field), e)
}

pub struct BandFigure {
    pub label: String,
    pub female: u32,
    pub male: u32,
}

#[derive(Template)]
#[template(path = "staff/deployment.html")]
struct DeploymentPage {
    ctx: Ctx,
    nav: Nav,
    csrf: String,
    line: DeploymentLine,
    hub_id: Uuid,
    note: String,
    started: String,
    ended: String,
    visits: u32,
    children: u32,
    with_disability: u32,
    bands: Vec<BandFigure>,
    moves: Vec<Choice>,
    counter: bool,
}

/// Who may move a deployment on: planners at its hub always; the team may start and complete
/// it, never cancel it.
fn allowed_moves(staff: &Staff, d: &Deployment, hub: &Hub) -> Vec<DeploymentStatus> {
    bluedot_core::policy::deployment_moves(
        &staff.actor,
        hub_target(hub),
        d.has_member(staff.user.id),
        d.status,
    )
}

pub async fn view(
    State(state): State<AppState>,
    Extension(from): Extension<ClientAddr>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> StaffResult {
    let l = load(&state, &headers).await?;
    let (d, hub) = l.deployment(&state, &from, &id).await?;
    let ctx = Ctx::new(l.staff.lang, "/", "deployments");
    let figures = state
        .store
        .deployment_figures(d.id)
        .await
        .map_err(|e| l.internal(e))?;
    let page = DeploymentPage {
        nav: Nav::for_staff(&l.staff, &l.all),
        csrf: l.staff.session.csrf_token.clone(),
        line: line(&state, &ctx, &d, &hub)
            .await
            .map_err(|e| l.internal(e))?,
        hub_id: hub.id,
        note: d.note.clone(),
        started: d
            .started_at
            .map(|t| ctx.at_hub(t, &hub))
            .unwrap_or_default(),
        ended: d.ended_at.map(|t| ctx.at_hub(t, &hub)).unwrap_or_default(),
        visits: figures.visits,
        children: figures.counts.children(),
        with_disability: figures.with_disability,
        bands: AgeBand::ALL
            .iter()
            .map(|b| BandFigure {
                label: b.code().to_owned(),
                female: figures.counts.get(*b, true),
                male: figures.counts.get(*b, false),
            })
            .collect(),
        moves: allowed_moves(&l.staff, &d, &hub)
            .iter()
            .map(|s| Choice {
                value: s.code().to_owned(),
                label: ctx.t(&format!("deployment-move-{}", s.code())),
            })
            .collect(),
        counter: d.status.records() && l.staff.may(Action::RecordVisit, hub_target(&hub)),
        ctx,
    };
    Ok(render(&page))
}

#[derive(Deserialize)]
pub struct MoveForm {
    csrf: String,
    status: String,
}

pub async fn move_on(
    State(state): State<AppState>,
    Extension(from): Extension<ClientAddr>,
    Path(id): Path<String>,
    headers: HeaderMap,
    Form(form): Form<MoveForm>,
) -> StaffResult {
    let l = load(&state, &headers).await?;
    check_csrf(&l.staff, &headers, &form.csrf)?;
    let lang = l.staff.lang;
    let (d, hub) = l.deployment(&state, &from, &id).await?;
    let bad =
        || StaffError::BadRequest(lang, crate::I18N.message(lang, "deployment-bad-move", None));
    let to = DeploymentStatus::from_code(&form.status).ok_or_else(bad)?;
    if !allowed_moves(&l.staff, &d, &hub).contains(&to) {
        let event = l.staff.denied_at(
            &format!("deployment.{}", to.code()),
            format!("deployment:{}", d.id),
            &from,
            &hub,
        );
        audit(&state, lang, event).await?;
        return Err(bad());
    }
    match state
        .store
        .move_deployment(d.id, to, &l.staff.change_at(&from, &hub))
        .await
    {
        Ok(()) => {}
        Err(StoreError::Invalid(_) | StoreError::Conflict(_)) => return Err(bad()),
        Err(e) => return Err(l.internal(e)),
    }
    Ok(Redirect::to(&format!("/staff/deployments/{}", d.id)).into_response())
}

/// Deployments of `hub` under way now, for the counter and the referral form to offer.
pub async fn under_way(state: &AppState, hub: &Hub) -> Result<Vec<Deployment>, StoreError> {
    let scope = Scope {
        hubs: vec![hub.id],
        ..Default::default()
    };
    Ok(state
        .store
        .deployments(
            &scope,
            Some(hub.id),
            Utc::now() - Duration::days(LIST_DAYS_BACK),
        )
        .await?
        .into_iter()
        .filter(|d| d.status.records())
        .collect())
}

/// The choices for a "where" select: the place of each deployment.
pub fn choices(deployments: &[Deployment]) -> Vec<Choice> {
    deployments
        .iter()
        .map(|d| Choice {
            value: d.id.to_string(),
            label: d.place.clone(),
        })
        .collect()
}

/// The deployment this account is out on, to preselect: the team records there by default.
pub fn own(deployments: &[Deployment], staff: &Staff) -> Option<String> {
    deployments
        .iter()
        .find(|d| d.has_member(staff.user.id))
        .map(|d| d.id.to_string())
}
