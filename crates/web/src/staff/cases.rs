//! Child protection cases: opened from a child's record after a screening, moved on step by step
//! (assessment, plan, follow-ups, best interests procedure, care, birth registration, closure),
//! with supervisors approving what needs four eyes. The steps a page offers are the ones the
//! case rules (`core::case`) accept now and the policy lets this account take. Only accounts
//! that manage or supervise cases at the hub see a case; everyone else gets "not found".

use std::collections::HashMap;

use askama::Template;
use axum::Form;
use axum::body::Body;
use axum::extract::{Extension, Multipart, Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};
use bluedot_core::case::{
    BirthRegistration, CareArrangement, CaseAlert, CaseStage, CaseState, ClosureReason,
    ProtectionConcern, RiskLevel, Step,
};
use bluedot_core::person::{Identity, age_on, latin_form, name_skeleton};
use bluedot_core::policy::{self, Action, Field, may_see};
use bluedot_core::{Hub, ValidationError};
use bluedot_store::StoreError;
use bluedot_store::accounts::User;
use bluedot_store::cases::{Caregiver, Case, CaseChange, CaseFilter, NewCase, StepText};
use bluedot_store::people::PersonRecord;
use chrono::{Datelike, NaiveDate, Utc};
use serde::Deserialize;
use uuid::Uuid;

use super::Desk;
use super::people::{Choice, choices};
use super::{ClientAddr, Nav, Staff, StaffError, StaffResult, audit, check_csrf, hub_target};
use crate::AppState;
use crate::view::{Ctx, render, render_form};

/// Whether an account works on cases at `hub`: it manages or supervises them there, and its
/// role reads case work.
/// Whether this account works on the cases at `hub` (the rule is the policy's).
fn works_on_cases(staff: &Staff, hub: &Hub) -> bool {
    policy::works_on_cases(&staff.actor, hub_target(hub))
}

/// A case as this account may see it.
pub(super) struct Opened {
    pub case: Case,
    pub hub: Hub,
    pub person: PersonRecord,
}

impl Desk {
    /// The case `id` if this account works on cases at its hub; otherwise the refusal is
    /// audited and answered as "not found".
    pub(super) async fn case(
        &self,
        state: &AppState,
        from: &ClientAddr,
        id: &str,
        verb: &str,
    ) -> StaffResult<Opened> {
        let (case, hub) = self
            .open_record::<Case>(state, from, id, verb, |actor, at, _| {
                policy::works_on_cases(actor, at)
            })
            .await?;
        let person = state
            .store
            .person(&self.keys, case.person_id)
            .await
            .map_err(|e| self.internal(e))?
            .ok_or_else(|| self.internal("case's person is missing"))?;
        Ok(Opened { case, hub, person })
    }

    async fn audit_case(
        &self,
        state: &AppState,
        from: &ClientAddr,
        verb: &str,
        case: &Case,
        hub: &Hub,
    ) -> StaffResult<()> {
        let event = self
            .staff
            .event_at(verb, format!("case:{}", case.id), from, hub);
        audit(state, self.staff.lang, event).await
    }
}

fn ctx_for(staff: &Staff) -> Ctx {
    Ctx::new(staff.lang, "/", "cases")
}

fn name_of(person: &PersonRecord) -> String {
    person
        .identity
        .as_ref()
        .map(Identity::full_name)
        .unwrap_or_else(|| format!("#{}", &person.id.simple().to_string()[..8]))
}

fn age_of(person: &PersonRecord) -> Option<u32> {
    let today = Utc::now().date_naive();
    match person.identity.as_ref().and_then(|i| i.birth_date) {
        Some(born) => Some(age_on(born, today)),
        None => person
            .birth_year
            .map(|y| u32::try_from(today.year() - y).unwrap_or(0)),
    }
}

async fn user_names(state: &AppState) -> Result<HashMap<Uuid, String>, StoreError> {
    Ok(state
        .store
        .list_users()
        .await?
        .into_iter()
        .map(|u| (u.id, u.display_name))
        .collect())
}

// ---------------------------------------------------------------------------------------------
// The list and search

#[derive(Deserialize, Default)]
pub struct ListParams {
    #[serde(default)]
    q: String,
    /// `open` (default), `closed` or `all`.
    #[serde(default)]
    status: String,
    #[serde(default)]
    mine: Option<String>,
    #[serde(default)]
    hub: String,
    #[serde(default)]
    min_age: String,
    #[serde(default)]
    max_age: String,
    #[serde(default)]
    alerts: Option<String>,
}

#[derive(Clone)]
pub struct CaseLine {
    pub id: Uuid,
    pub number: String,
    pub child: String,
    pub age: String,
    pub hub: String,
    pub stage: String,
    pub risk: String,
    pub risk_code: &'static str,
    pub assigned: String,
    pub alerts: Vec<String>,
}

#[derive(Template)]
#[template(path = "staff/cases.html")]
struct ListPage {
    ctx: Ctx,
    nav: Nav,
    q: String,
    status: String,
    mine: bool,
    alerts_only: bool,
    hub: String,
    min_age: String,
    max_age: String,
    hubs: Vec<crate::view::HubGroup>,
    lines: Vec<CaseLine>,
    alert_count: usize,
    error: Option<String>,
}

/// Whether a name typed in any script or spelling matches a person: by substring of the Latin
/// form, or by the spelling-blind skeleton of a whole name (Aleksandr finds Олександр).
fn name_matches(identity: &Identity, query: &str) -> bool {
    let key = |s: &str| -> String {
        latin_form(s)
            .to_lowercase()
            .chars()
            .filter(|c| c.is_alphanumeric())
            .collect()
    };
    let names = [
        &identity.given_name,
        &identity.family_name,
        &identity.latin_given_name,
        &identity.latin_family_name,
    ];
    query.split_whitespace().all(|word| {
        let wanted = key(word);
        let skeleton = name_skeleton(word);
        names.iter().any(|n| {
            key(n).contains(&wanted) || (!skeleton.is_empty() && name_skeleton(n) == skeleton)
        })
    })
}

fn parse_age(ctx: &Ctx, text: &str) -> Result<Option<u32>, String> {
    match text.trim() {
        "" => Ok(None),
        t => t
            .parse::<u32>()
            .ok()
            .filter(|a| *a <= 25)
            .map(Some)
            .ok_or_else(|| ctx.t("case-bad-age")),
    }
}

pub async fn list(
    State(state): State<AppState>,
    Extension(from): Extension<ClientAddr>,
    Query(params): Query<ListParams>,
    headers: HeaderMap,
) -> StaffResult {
    let l = Desk::open(&state, &headers).await?;
    let case_hubs: Vec<&Hub> = l
        .hubs
        .iter()
        .filter(|h| works_on_cases(&l.staff, h))
        .collect();
    if case_hubs.is_empty() {
        return Err(StaffError::Forbidden(l.staff.lang));
    }
    let ctx = ctx_for(&l.staff);
    let (min_age, max_age, error) = match (
        parse_age(&ctx, &params.min_age),
        parse_age(&ctx, &params.max_age),
    ) {
        (Ok(a), Ok(b)) => (a, b, None),
        (Err(e), _) | (_, Err(e)) => (None, None, Some(e)),
    };
    let hub = params
        .hub
        .parse::<Uuid>()
        .ok()
        .filter(|id| case_hubs.iter().any(|h| h.id == *id));
    // Names are encrypted: a name search reads the records in scope first.
    let people: HashMap<Uuid, PersonRecord> = state
        .store
        .people_in_scope(&l.keys, &l.staff.actor.scope, 5_000)
        .await
        .map_err(|e| l.internal(e))?
        .into_iter()
        .map(|p| (p.id, p))
        .collect();
    let q = params.q.trim();
    let named: Option<Vec<Uuid>> = (!q.is_empty()).then(|| {
        people
            .values()
            .filter(|p| p.identity.as_ref().is_some_and(|i| name_matches(i, q)))
            .map(|p| p.id)
            .collect()
    });
    let filter = CaseFilter {
        open_only: !matches!(params.status.as_str(), "closed" | "all"),
        assigned_to: params.mine.is_some().then_some(l.staff.user.id),
        hub,
        people: named,
    };
    let cases = state
        .store
        .cases_in_scope(&l.staff.actor.scope, &filter)
        .await
        .map_err(|e| l.internal(e))?;
    let names = user_names(&state).await.map_err(|e| l.internal(e))?;
    let now = Utc::now();
    let mut alert_count = 0;
    let mut lines = Vec::new();
    for c in &cases {
        if params.status == "closed" && c.state.is_open() {
            continue;
        }
        let (Some(hub), Some(person)) = (l.hub(c.hub_id), people.get(&c.person_id)) else {
            continue;
        };
        if !works_on_cases(&l.staff, hub) {
            continue;
        }
        let age = age_of(person);
        if min_age.is_some_and(|m| age.is_none_or(|a| a < m))
            || max_age.is_some_and(|m| age.is_none_or(|a| a > m))
        {
            continue;
        }
        let alerts = c.state.alerts(now);
        if !alerts.is_empty() {
            alert_count += 1;
        } else if params.alerts.is_some() {
            continue;
        }
        lines.push(line(&ctx, c, person, hub, &names, &alerts));
    }
    let mut event = l.staff.event("case.list", "cases".into(), &from);
    if !q.is_empty() {
        event.action = "case.search".into();
    }
    audit(&state, l.staff.lang, event).await?;
    let page = ListPage {
        nav: Nav::for_staff(&l.staff, &l.hubs),
        q: params.q.clone(),
        status: if params.status.is_empty() {
            "open".into()
        } else {
            params.status.clone()
        },
        mine: params.mine.is_some(),
        alerts_only: params.alerts.is_some(),
        hub: params.hub.clone(),
        min_age: params.min_age.clone(),
        max_age: params.max_age.clone(),
        hubs: crate::view::hub_groups(&ctx, case_hubs.iter().copied()),
        lines,
        alert_count,
        error,
        ctx,
    };
    let refused = page.error.is_some();
    Ok(render_form(&page, refused))
}

/// A worker's open cases that need attention now, and the steps waiting for this account's
/// approval: the case part of the home page's work list.
#[derive(Default)]
pub struct CaseWork {
    pub mine: Vec<CaseLine>,
    pub approvals: Vec<CaseLine>,
}

/// At most this many cards per part of the work list; the list pages hold the rest.
pub const WORK_LIST_CARDS: usize = 20;

pub async fn work_for(state: &AppState, l: &Desk) -> StaffResult<CaseWork> {
    let mut work = CaseWork::default();
    if !l.hubs.iter().any(|h| works_on_cases(&l.staff, h)) {
        return Ok(work);
    }
    let filter = CaseFilter {
        open_only: true,
        assigned_to: None,
        hub: None,
        people: None,
    };
    let cases = state
        .store
        .cases_in_scope(&l.staff.actor.scope, &filter)
        .await
        .map_err(|e| l.internal(e))?;
    let names = user_names(state).await.map_err(|e| l.internal(e))?;
    let ctx = ctx_for(&l.staff);
    let now = Utc::now();
    for c in &cases {
        let Some(hub) = l.hub(c.hub_id).filter(|h| works_on_cases(&l.staff, h)) else {
            continue;
        };
        let alerts = c.state.alerts(now);
        let waits_for_approval = alerts.iter().any(|a| {
            matches!(
                a,
                CaseAlert::BipPendingApproval | CaseAlert::ClosurePendingApproval
            )
        }) && l.staff.may(Action::SuperviseCase, hub_target(hub));
        let mine = c.state.assigned_to == l.staff.user.id && !alerts.is_empty();
        let room = |lines: &Vec<CaseLine>| lines.len() < WORK_LIST_CARDS;
        if !(mine && room(&work.mine) || waits_for_approval && room(&work.approvals)) {
            continue;
        }
        let Some(person) = state
            .store
            .person(&l.keys, c.person_id)
            .await
            .map_err(|e| l.internal(e))?
        else {
            continue;
        };
        let card = line(&ctx, c, &person, hub, &names, &alerts);
        if waits_for_approval && room(&work.approvals) {
            work.approvals.push(card.clone());
        }
        if mine && room(&work.mine) {
            work.mine.push(card);
        }
    }
    Ok(work)
}

fn line(
    ctx: &Ctx,
    c: &Case,
    person: &PersonRecord,
    hub: &Hub,
    names: &HashMap<Uuid, String>,
    alerts: &[CaseAlert],
) -> CaseLine {
    CaseLine {
        id: c.id,
        number: c.case_number.clone(),
        child: name_of(person),
        age: age_of(person)
            .map(|a| a.to_string())
            .unwrap_or_else(|| ctx.t("staff-unknown")),
        hub: hub.name.text(ctx.lang).to_owned(),
        stage: ctx.t(&format!("case-stage-{}", c.state.stage.code())),
        risk: ctx.t(&format!("case-risk-{}", c.state.risk.code())),
        risk_code: c.state.risk.code(),
        assigned: names.get(&c.state.assigned_to).cloned().unwrap_or_default(),
        alerts: alerts
            .iter()
            .map(|a| ctx.t(&format!("case-alert-{}", a.code())))
            .collect(),
    }
}

// ---------------------------------------------------------------------------------------------
// Opening a case from a child's record

/// What the person page needs to offer opening a case.
pub struct OpenOptions {
    pub concerns: Vec<Choice>,
    pub risks: Vec<Choice>,
    pub workers: Vec<Choice>,
    pub me: String,
}

/// The open-case form for a child at `hub`, if this account may open one there.
async fn open_options(
    state: &AppState,
    ctx: &Ctx,
    staff: &Staff,
    hub: &Hub,
) -> Result<Option<OpenOptions>, StoreError> {
    if !staff.may(Action::ManageCase, hub_target(hub)) {
        return Ok(None);
    }
    Ok(Some(OpenOptions {
        concerns: choices(
            ctx,
            ProtectionConcern::ALL,
            ProtectionConcern::code,
            "concern",
        ),
        risks: choices(ctx, RiskLevel::ALL, RiskLevel::code, "case-risk"),
        workers: case_workers(state, &[hub]).await?,
        me: staff.user.id.to_string(),
    }))
}

/// Accounts that can carry a case at one of `hubs`.
pub(super) async fn case_workers(
    state: &AppState,
    hubs: &[&Hub],
) -> Result<Vec<Choice>, StoreError> {
    Ok(case_workers_among(&state.store.list_users().await?, hubs))
}

/// Of `users`, those that can carry a case at one of `hubs`.
pub(super) fn case_workers_among(users: &[User], hubs: &[&Hub]) -> Vec<Choice> {
    users
        .iter()
        .filter(|u| {
            !u.disabled
                && hubs
                    .iter()
                    .any(|h| policy::carries_cases(&u.actor(), hub_target(h)))
        })
        .map(|u| Choice {
            value: u.id.to_string(),
            label: u.display_name.clone(),
        })
        .collect()
}

pub async fn open(
    State(state): State<AppState>,
    Extension(from): Extension<ClientAddr>,
    Path(person): Path<String>,
    headers: HeaderMap,
    Form(pairs): Form<Vec<(String, String)>>,
) -> StaffResult {
    let l = Desk::open(&state, &headers).await?;
    let lang = l.staff.lang;
    let get = |name: &str| super::form_field(&pairs, name);
    check_csrf(&l.staff, &headers, &get("csrf"))?;
    let person_id: Uuid = person.parse().map_err(|_| StaffError::NotFound(lang))?;
    let person = state
        .store
        .person(&l.keys, person_id)
        .await
        .map_err(|e| l.internal(e))?
        .ok_or(StaffError::NotFound(lang))?;
    let hub = l
        .hub(person.hub_id)
        .cloned()
        .ok_or_else(|| l.internal("person's hub is missing"))?;
    if !l.staff.may(Action::ManageCase, hub_target(&hub)) {
        let event = l
            .staff
            .denied_at("case.open", format!("person:{person_id}"), &from, &hub);
        audit(&state, lang, event).await?;
        return Err(StaffError::NotFound(lang));
    }
    let bad = |field: &'static str, message: &str| {
        StaffError::BadRequest(
            lang,
            field_message(lang, &ValidationError::new(field, message)),
        )
    };
    let mut concerns = Vec::new();
    for (k, v) in &pairs {
        if k == "concern" {
            concerns.push(
                ProtectionConcern::from_code(v)
                    .ok_or_else(|| bad("concerns", "choose from the list"))?,
            );
        }
    }
    let risk =
        RiskLevel::from_code(&get("risk")).ok_or_else(|| bad("risk", "choose the risk level"))?;
    let workers = case_workers(&state, &[&hub])
        .await
        .map_err(|e| l.internal(e))?;
    let assigned = get("assigned_to");
    let assigned_to: Uuid = workers
        .iter()
        .find(|w| w.value == assigned)
        .and_then(|w| w.value.parse().ok())
        .ok_or_else(|| bad("assigned_to", "choose a case worker of this hub"))?;
    let new = NewCase {
        person_id,
        hub_id: hub.id,
        country: hub.country,
        concerns,
        risk,
        assigned_to,
        opened_by: Some(l.staff.user.id),
        screening: get("screening"),
    };
    let id = match state
        .store
        .open_case(
            &l.keys,
            &new,
            &state.config.case_deadlines,
            &l.staff.change_at(&from, &hub),
        )
        .await
    {
        Ok(id) => id,
        Err(StoreError::Invalid(e)) => {
            return Err(StaffError::BadRequest(lang, field_message(lang, &e)));
        }
        Err(e) => return Err(l.internal(e)),
    };
    Ok(Redirect::to(&format!("/staff/cases/{id}")).into_response())
}

fn field_message(lang: bluedot_core::Lang, e: &ValidationError) -> String {
    super::field_error(lang, &format!("case-field-{}", e.field), e)
}

// ---------------------------------------------------------------------------------------------
// The case page

pub struct EventView {
    pub when: String,
    pub who: String,
    pub step: String,
    pub note: String,
    pub detail: String,
}

/// Who took a step: the account here, or the author named by the deployment that handed the
/// case over.
fn event_author(
    e: &bluedot_store::cases::CaseEvent,
    names: &std::collections::HashMap<Uuid, String>,
) -> String {
    e.by.and_then(|id| names.get(&id).cloned())
        .or_else(|| e.text.as_ref().and_then(|t| t.author.clone()))
        .unwrap_or_default()
}

/// A case document as a list shows it.
fn document_view(ctx: &Ctx, d: &bluedot_store::cases::DocumentInfo, hub: &Hub) -> DocumentView {
    DocumentView {
        id: d.id,
        name: d.name.clone(),
        kind: d
            .content_type
            .rsplit('/')
            .next()
            .unwrap_or("")
            .to_uppercase(),
        size: format!("{} kB", ctx.number((d.size as f64 / 1024.0).ceil() as i64)),
        when: ctx.day_at_hub(d.uploaded_at, hub),
    }
}

pub struct DocumentView {
    pub id: Uuid,
    pub name: String,
    pub kind: String,
    pub size: String,
    pub when: String,
}

/// The steps this account may take on the case now, by kind; each is a form on the page.
#[derive(Default)]
pub struct Offered {
    pub assess: bool,
    pub plan: bool,
    pub follow_up: bool,
    pub bia: bool,
    pub bid: bool,
    pub approve_bip: bool,
    pub closure: bool,
    pub approve_closure: bool,
    pub change_risk: bool,
    pub care: bool,
    pub birth: Vec<Choice>,
    pub reassign: Vec<Choice>,
}

impl Offered {
    fn any(&self) -> bool {
        self.assess
            || self.plan
            || self.follow_up
            || self.bia
            || self.bid
            || self.approve_bip
            || self.closure
            || self.approve_closure
            || self.change_risk
            || self.care
            || !self.birth.is_empty()
            || !self.reassign.is_empty()
    }
}

#[derive(Template)]
#[template(path = "staff/case.html")]
struct CasePage {
    ctx: Ctx,
    nav: Nav,
    csrf: String,
    id: Uuid,
    version: i64,
    number: String,
    child: String,
    person_id: Uuid,
    age: String,
    hub: String,
    stage: String,
    /// Opens the form of the step the case waits for.
    stage_code: &'static str,
    risk: String,
    risk_code: &'static str,
    concerns: Vec<String>,
    assigned: String,
    opened: String,
    assessment_due: String,
    next_follow_up: String,
    bia: String,
    bid: String,
    care: String,
    birth_registration: String,
    closure: String,
    alerts: Vec<String>,
    history: Vec<EventView>,
    documents: Vec<DocumentView>,
    referrals: Vec<super::referrals::ReferralLine>,
    offered: Offered,
    risks: Vec<Choice>,
    cares: Vec<Choice>,
    reasons: Vec<Choice>,
    can_write: bool,
    error: Option<String>,
}

/// Which steps to offer: those the rules accept now (tried with default details) that the
/// policy lets this account take.
fn offered(
    state: &AppState,
    staff: &Staff,
    case: &CaseState,
    hub: &Hub,
    ctx: &Ctx,
    workers: &[Choice],
) -> Offered {
    let me = staff.user.id;
    // Steps a case worker takes, and those a supervisor's (reassigning is one).
    let worker = staff.may(Action::ManageCase, hub_target(hub));
    let supervisor = staff.may(Action::SuperviseCase, hub_target(hub));
    let now = Utc::now();
    let deadlines = &state.config.case_deadlines;
    let can = |step: Step| {
        staff.may(policy::case_step_action(&step), hub_target(hub))
            && case.apply(&step, me, deadlines, now).is_ok()
    };
    Offered {
        assess: can(Step::Assess),
        plan: can(Step::Plan { follow_up: None }),
        follow_up: can(Step::FollowUp { next: None }),
        bia: can(Step::RecordBia {
            bid_required: false,
        }),
        bid: can(Step::RecordBid),
        approve_bip: can(Step::ApproveBip),
        closure: can(Step::RequestClosure(ClosureReason::NeedsMet)),
        approve_closure: can(Step::ApproveClosure),
        change_risk: case.is_open() && worker,
        care: case.is_open() && worker,
        birth: BirthRegistration::ALL
            .iter()
            .filter(|b| can(Step::SetBirthRegistration(**b)))
            .map(|b| Choice {
                value: b.code().to_owned(),
                label: ctx.t(&format!("birth-registration-{}", b.code())),
            })
            .collect(),
        reassign: if supervisor && case.is_open() {
            workers
                .iter()
                .filter(|w| w.value != case.assigned_to.to_string())
                .map(|w| Choice {
                    value: w.value.clone(),
                    label: w.label.clone(),
                })
                .collect()
        } else {
            Vec::new()
        },
    }
}

impl Desk {
    async fn case_page(
        &self,
        state: &AppState,
        opened: &Opened,
        error: Option<String>,
    ) -> StaffResult {
        let Opened { case, hub, person } = opened;
        let ctx = ctx_for(&self.staff);
        let s = &case.state;
        let names = user_names(state).await.map_err(|e| self.internal(e))?;
        let history = state
            .store
            .case_history(&self.keys, case.id)
            .await
            .map_err(|e| self.internal(e))?;
        let documents = state
            .store
            .case_documents(&self.keys, case.id)
            .await
            .map_err(|e| self.internal(e))?;
        let providers = state
            .store
            .list_providers(Some(hub.country))
            .await
            .map_err(|e| self.internal(e))?;
        let referrals = state
            .store
            .referrals_of(&self.keys, person.id)
            .await
            .map_err(|e| self.internal(e))?
            .iter()
            .map(|r| super::referrals::line(&ctx, r, String::new(), &providers, hub))
            .collect();
        let workers = case_workers(state, &[hub])
            .await
            .map_err(|e| self.internal(e))?;
        let approval =
            |a: bluedot_core::case::ApprovalState| ctx.t(&format!("approval-{}", a.code()));
        let page = CasePage {
            nav: Nav::for_staff(&self.staff, &self.hubs),
            csrf: self.staff.session.csrf_token.clone(),
            id: case.id,
            version: case.version,
            number: case.case_number.clone(),
            child: name_of(person),
            person_id: person.id,
            age: age_of(person)
                .map(|a| a.to_string())
                .unwrap_or_else(|| ctx.t("staff-unknown")),
            hub: hub.name.text(ctx.lang).to_owned(),
            stage: ctx.t(&format!("case-stage-{}", s.stage.code())),
            stage_code: s.stage.code(),
            risk: ctx.t(&format!("case-risk-{}", s.risk.code())),
            risk_code: s.risk.code(),
            concerns: s
                .concerns
                .iter()
                .map(|c| ctx.t(&format!("concern-{}", c.code())))
                .collect(),
            assigned: names.get(&s.assigned_to).cloned().unwrap_or_default(),
            opened: ctx.at_hub(s.opened_at, hub),
            assessment_due: if s.stage == CaseStage::Assessment {
                ctx.at_hub(s.assessment_due, hub)
            } else {
                String::new()
            },
            next_follow_up: s
                .next_follow_up
                .map(|t| ctx.day_at_hub(t, hub))
                .unwrap_or_default(),
            bia: approval(s.bia),
            bid: if s.bid_required {
                approval(s.bid)
            } else {
                ctx.t("case-bid-not-required")
            },
            care: s
                .care
                .map(|c| {
                    let label = ctx.t(&format!("care-{}", c.code()));
                    if s.caregiver_verified {
                        format!("{label} · {}", ctx.t("case-caregiver-verified"))
                    } else {
                        label
                    }
                })
                .unwrap_or_default(),
            birth_registration: ctx.t(&format!(
                "birth-registration-{}",
                s.birth_registration.code()
            )),
            closure: match (s.closure_reason, s.closure_requested) {
                (Some(r), _) => ctx.t(&format!("closure-{}", r.code())),
                (None, Some(r)) => format!(
                    "{} ({})",
                    ctx.t(&format!("closure-{}", r.code())),
                    ctx.t("case-closure-waiting")
                ),
                _ => String::new(),
            },
            alerts: s
                .alerts(Utc::now())
                .iter()
                .map(|a| ctx.t(&format!("case-alert-{}", a.code())))
                .collect(),
            history: history
                .iter()
                .map(|e| {
                    let text = e.text.clone().unwrap_or_default();
                    let mut detail = Vec::new();
                    if let Some(c) = &text.caregiver {
                        detail.push(format!("{} ({})", c.name, c.relationship));
                    }
                    if !text.panel.is_empty() {
                        detail.push(format!("{}: {}", ctx.t("case-panel"), text.panel));
                    }
                    EventView {
                        when: ctx.at_hub(e.at, hub),
                        who: event_author(e, &names),
                        step: ctx.t(&format!("case-step-{}", e.step)),
                        note: text.note,
                        detail: detail.join(" · "),
                    }
                })
                .collect(),
            documents: documents
                .iter()
                .map(|d| document_view(&ctx, d, hub))
                .collect(),
            referrals,
            offered: offered(state, &self.staff, s, hub, &ctx, &workers),
            risks: choices(&ctx, RiskLevel::ALL, RiskLevel::code, "case-risk"),
            cares: choices(&ctx, CareArrangement::ALL, CareArrangement::code, "care"),
            reasons: choices(&ctx, ClosureReason::ALL, ClosureReason::code, "closure"),
            can_write: s.is_open() && self.staff.may(Action::ManageCase, hub_target(hub)),
            error,
            ctx,
        };
        let refused = page.error.is_some();
        Ok(render_form(&page, refused))
    }
}

pub async fn view(
    State(state): State<AppState>,
    Extension(from): Extension<ClientAddr>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> StaffResult {
    let l = Desk::open(&state, &headers).await?;
    let opened = l.case(&state, &from, &id, "case.view").await?;
    l.audit_case(&state, &from, "case.view", &opened.case, &opened.hub)
        .await?;
    l.case_page(&state, &opened, None).await
}

// ---------------------------------------------------------------------------------------------
// Steps

#[derive(Deserialize, Default)]
pub struct StepForm {
    csrf: String,
    version: i64,
    step: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    follow_up: String,
    #[serde(default)]
    risk: String,
    #[serde(default)]
    bid_required: Option<String>,
    #[serde(default)]
    panel: String,
    #[serde(default)]
    care: String,
    #[serde(default)]
    caregiver_name: String,
    #[serde(default)]
    caregiver_relationship: String,
    #[serde(default)]
    caregiver_verified: Option<String>,
    #[serde(default)]
    birth_registration: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    assign_to: String,
}

fn pick<T>(field: &'static str, parsed: Option<T>) -> Result<T, ValidationError> {
    parsed.ok_or_else(|| ValidationError::new(field, "choose from the list"))
}

impl StepForm {
    /// The step and its words, or which field is wrong.
    fn read(&self) -> Result<(Step, StepText), ValidationError> {
        let date = |text: &str| -> Result<Option<NaiveDate>, ValidationError> {
            match text.trim() {
                "" => Ok(None),
                t => NaiveDate::parse_from_str(t, "%Y-%m-%d")
                    .map(Some)
                    .map_err(|_| ValidationError::new("follow_up", "give a date")),
            }
        };
        let mut text = StepText {
            note: self.note.trim().to_owned(),
            ..StepText::default()
        };
        // What is sent back says why: the case worker acts on it.
        let sent_back_why = |text: &StepText| {
            if text.note.is_empty() {
                Err(ValidationError::new(
                    "note",
                    "say why it is sent back: the case worker reads it",
                ))
            } else {
                Ok(())
            }
        };
        let needs_note = |text: &StepText| {
            if text.note.is_empty() {
                Err(ValidationError::new(
                    "note",
                    "write what was found and decided",
                ))
            } else {
                Ok(())
            }
        };
        let step = match self.step.as_str() {
            "assessment" => {
                needs_note(&text)?;
                Step::Assess
            }
            "case-plan" => {
                needs_note(&text)?;
                Step::Plan {
                    follow_up: date(&self.follow_up)?,
                }
            }
            "follow-up" => {
                needs_note(&text)?;
                Step::FollowUp {
                    next: date(&self.follow_up)?,
                }
            }
            "risk" => Step::ChangeRisk(pick("risk", RiskLevel::from_code(&self.risk))?),
            "reassign" => Step::Reassign(pick("assigned_to", self.assign_to.parse().ok())?),
            "bia" => {
                needs_note(&text)?;
                Step::RecordBia {
                    bid_required: self.bid_required.is_some(),
                }
            }
            "bid" => {
                needs_note(&text)?;
                text.panel = self.panel.trim().to_owned();
                if text.panel.is_empty() {
                    return Err(ValidationError::new("panel", "name who sat on the panel"));
                }
                Step::RecordBid
            }
            "bip-approval" => Step::ApproveBip,
            "bip-return" => {
                sent_back_why(&text)?;
                Step::ReturnBip
            }
            "care" => {
                let arrangement = pick("care", CareArrangement::from_code(&self.care))?;
                if !self.caregiver_name.trim().is_empty() {
                    text.caregiver = Some(Caregiver {
                        name: self.caregiver_name.trim().to_owned(),
                        relationship: self.caregiver_relationship.trim().to_owned(),
                    });
                }
                let verified = self.caregiver_verified.is_some();
                if verified && text.caregiver.is_none() {
                    return Err(ValidationError::new(
                        "caregiver",
                        "name the caregiver whose relationship was verified",
                    ));
                }
                Step::SetCare {
                    arrangement,
                    caregiver_verified: verified,
                }
            }
            "birth-registration" => Step::SetBirthRegistration(pick(
                "birth_registration",
                BirthRegistration::from_code(&self.birth_registration),
            )?),
            "closure-request" => {
                needs_note(&text)?;
                Step::RequestClosure(pick("reason", ClosureReason::from_code(&self.reason))?)
            }
            "closure-approval" => Step::ApproveClosure,
            "closure-rejection" => {
                sent_back_why(&text)?;
                Step::RejectClosure
            }
            _ => return Err(ValidationError::new("step", "choose a step")),
        };
        Ok((step, text))
    }
}

pub async fn step(
    State(state): State<AppState>,
    Extension(from): Extension<ClientAddr>,
    Path(id): Path<String>,
    headers: HeaderMap,
    Form(form): Form<StepForm>,
) -> StaffResult {
    let l = Desk::open(&state, &headers).await?;
    check_csrf(&l.staff, &headers, &form.csrf)?;
    let lang = l.staff.lang;
    let opened = l.case(&state, &from, &id, "case.step").await?;
    let (step, text) = match form.read() {
        Ok(ok) => ok,
        Err(e) => {
            return l
                .case_page(&state, &opened, Some(field_message(lang, &e)))
                .await;
        }
    };
    let verb = format!("case.{}", step.code());
    let action = policy::case_step_action(&step);
    let reassign_ok = match step {
        Step::Reassign(to) => case_workers(&state, &[&opened.hub])
            .await
            .map_err(|e| l.internal(e))?
            .iter()
            .any(|w| w.value == to.to_string()),
        _ => true,
    };
    if !l.staff.may(action, hub_target(&opened.hub)) || !reassign_ok {
        let event = l.staff.denied_at(
            &verb,
            format!("case:{}", opened.case.id),
            &from,
            &opened.hub,
        );
        audit(&state, lang, event).await?;
        return Err(StaffError::Forbidden(lang));
    }
    let change = CaseChange {
        id: opened.case.id,
        version: form.version,
        step,
        text,
        by: l.staff.user.id,
    };
    match state
        .store
        .case_step(
            &l.keys,
            &change,
            &state.config.case_deadlines,
            &l.staff.change_at(&from, &opened.hub),
        )
        .await
    {
        Ok(case) => Ok(Redirect::to(&format!("/staff/cases/{}", case.id)).into_response()),
        Err(StoreError::Invalid(e)) => {
            l.case_page(&state, &opened, Some(field_message(lang, &e)))
                .await
        }
        Err(StoreError::Conflict(_)) => {
            let fresh = l.case(&state, &from, &id, "case.step").await?;
            l.case_page(
                &state,
                &fresh,
                Some(crate::I18N.message(lang, "case-changed", None)),
            )
            .await
        }
        Err(e) => Err(l.internal(e)),
    }
}

#[derive(Deserialize)]
pub struct NoteForm {
    csrf: String,
    note: String,
}

pub async fn note(
    State(state): State<AppState>,
    Extension(from): Extension<ClientAddr>,
    Path(id): Path<String>,
    headers: HeaderMap,
    Form(form): Form<NoteForm>,
) -> StaffResult {
    let l = Desk::open(&state, &headers).await?;
    check_csrf(&l.staff, &headers, &form.csrf)?;
    let opened = l.case(&state, &from, &id, "case.note").await?;
    if !l.staff.may(Action::ManageCase, hub_target(&opened.hub)) {
        return Err(StaffError::Forbidden(l.staff.lang));
    }
    let text = StepText {
        note: form.note.trim().to_owned(),
        ..StepText::default()
    };
    match state
        .store
        .case_note(
            &l.keys,
            opened.case.id,
            &text,
            l.staff.user.id,
            &l.staff.change_at(&from, &opened.hub),
        )
        .await
    {
        Ok(()) => {}
        Err(StoreError::Invalid(e)) => {
            return l
                .case_page(&state, &opened, Some(field_message(l.staff.lang, &e)))
                .await;
        }
        Err(e) => return Err(l.internal(e)),
    }
    Ok(Redirect::to(&format!("/staff/cases/{}", opened.case.id)).into_response())
}

// ---------------------------------------------------------------------------------------------
// Documents

pub async fn upload(
    State(state): State<AppState>,
    Extension(from): Extension<ClientAddr>,
    Path(id): Path<String>,
    headers: HeaderMap,
    mut multipart: Multipart,
) -> StaffResult {
    let l = Desk::open(&state, &headers).await?;
    let lang = l.staff.lang;
    let opened = l.case(&state, &from, &id, "case.document").await?;
    let mut csrf = String::new();
    let mut file: Option<(String, Vec<u8>)> = None;
    let too_big = || {
        StaffError::BadRequest(
            lang,
            field_message(
                lang,
                &ValidationError::new("document", "files are at most 5 MB"),
            ),
        )
    };
    while let Some(field) = multipart.next_field().await.map_err(|_| too_big())? {
        match field.name() {
            Some("csrf") => csrf = field.text().await.map_err(|_| too_big())?,
            Some("document") => {
                let name = field.file_name().unwrap_or("document").to_owned();
                let bytes = field.bytes().await.map_err(|_| too_big())?;
                file = Some((name, bytes.to_vec()));
            }
            _ => {}
        }
    }
    check_csrf(&l.staff, &headers, &csrf)?;
    if !opened.case.state.is_open() || !l.staff.may(Action::ManageCase, hub_target(&opened.hub)) {
        return Err(StaffError::Forbidden(lang));
    }
    let Some((name, bytes)) = file.filter(|(_, b)| !b.is_empty()) else {
        return l
            .case_page(
                &state,
                &opened,
                Some(field_message(
                    lang,
                    &ValidationError::new("document", "choose a file"),
                )),
            )
            .await;
    };
    match state
        .store
        .add_case_document(
            &l.keys,
            opened.case.id,
            &name,
            &bytes,
            &l.staff.change_at(&from, &opened.hub),
        )
        .await
    {
        Ok(_) => {}
        Err(StoreError::Invalid(e)) => {
            return l
                .case_page(&state, &opened, Some(field_message(lang, &e)))
                .await;
        }
        Err(e) => return Err(l.internal(e)),
    };
    Ok(Redirect::to(&format!("/staff/cases/{}", opened.case.id)).into_response())
}

pub async fn download(
    State(state): State<AppState>,
    Extension(from): Extension<ClientAddr>,
    Path((id, doc)): Path<(String, String)>,
    headers: HeaderMap,
) -> StaffResult {
    let l = Desk::open(&state, &headers).await?;
    let lang = l.staff.lang;
    let opened = l.case(&state, &from, &id, "case.document.open").await?;
    let doc: Uuid = doc.parse().map_err(|_| StaffError::NotFound(lang))?;
    let (info, bytes) = state
        .store
        .case_document(&l.keys, opened.case.id, doc)
        .await
        .map_err(|e| l.internal(e))?
        .ok_or(StaffError::NotFound(lang))?;
    let event = l.staff.event_at(
        "case.document.open",
        format!("case:{}/document:{doc}", opened.case.id),
        &from,
        &opened.hub,
    );
    audit(&state, lang, event).await?;
    let mut response = Response::new(Body::from(bytes));
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(&info.content_type).expect("a known type"),
    );
    // Always a download, never rendered in the staff origin.
    let ascii: String = info
        .name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || ".-_".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    h.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_str(&format!("attachment; filename=\"{ascii}\""))
            .expect("ASCII file name"),
    );
    h.insert(
        header::HeaderName::from_static("x-content-type-options"),
        HeaderValue::from_static("nosniff"),
    );
    Ok(response)
}

// ---------------------------------------------------------------------------------------------
// The printable summary

#[derive(Template)]
#[template(path = "staff/case_summary.html")]
struct SummaryPage {
    ctx: Ctx,
    number: String,
    printed: String,
    printed_by: String,
    child: String,
    latin: String,
    born: String,
    sex: String,
    hub: String,
    stage: String,
    risk: String,
    concerns: Vec<String>,
    assigned: String,
    care: String,
    birth_registration: String,
    bia: String,
    bid: String,
    /// The person's specific needs, when the reader may see them.
    needs: Vec<String>,
    /// The case's documents by name, type, size and date (their contents stay in the file).
    documents: Vec<DocumentView>,
    history: Vec<EventView>,
    /// The parts of the record the reader may not see, named so nobody mistakes the summary
    /// for the whole file.
    withheld: Vec<String>,
}

pub async fn summary(
    State(state): State<AppState>,
    Extension(from): Extension<ClientAddr>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> StaffResult {
    let l = Desk::open(&state, &headers).await?;
    let opened = l.case(&state, &from, &id, "case.summary").await?;
    let Opened { case, hub, person } = &opened;
    let ctx = ctx_for(&l.staff);
    let target = hub_target(hub);
    let sees = |f| may_see(&l.staff.actor, f, target);
    let names = user_names(&state).await.map_err(|e| l.internal(e))?;
    let history = state
        .store
        .case_history(&l.keys, case.id)
        .await
        .map_err(|e| l.internal(e))?;
    let identity = person.identity.as_ref().filter(|_| sees(Field::Identity));
    let documents = if sees(Field::CaseWork) {
        state
            .store
            .case_documents(&l.keys, case.id)
            .await
            .map_err(|e| l.internal(e))?
            .iter()
            .map(|d| document_view(&ctx, d, hub))
            .collect()
    } else {
        Vec::new()
    };
    let s = &case.state;
    let approval = |a: bluedot_core::case::ApprovalState| ctx.t(&format!("approval-{}", a.code()));
    let page = SummaryPage {
        needs: if sees(Field::Needs) {
            person
                .needs
                .iter()
                .map(|n| ctx.t(&format!("need-{}", n.code())))
                .collect()
        } else {
            Vec::new()
        },
        documents,
        number: case.case_number.clone(),
        printed: ctx.at_hub(Utc::now(), hub),
        printed_by: l.staff.user.display_name.clone(),
        child: identity
            .map(Identity::full_name)
            .unwrap_or_else(|| ctx.t("case-withheld")),
        latin: identity
            .map(|i| format!("{} {}", i.latin_given_name, i.latin_family_name))
            .unwrap_or_default(),
        born: identity
            .and_then(|i| i.birth_date)
            .map(|d| ctx.day(d))
            .or_else(|| age_of(person).map(|a| ctx.ts("person-age-about", "years", &a.to_string())))
            .unwrap_or_default(),
        sex: ctx.t(&format!("sex-{}", person.sex.code())),
        hub: hub.name.text(ctx.lang).to_owned(),
        stage: ctx.t(&format!("case-stage-{}", s.stage.code())),
        risk: ctx.t(&format!("case-risk-{}", s.risk.code())),
        concerns: s
            .concerns
            .iter()
            .map(|c| ctx.t(&format!("concern-{}", c.code())))
            .collect(),
        assigned: names.get(&s.assigned_to).cloned().unwrap_or_default(),
        care: s
            .care
            .map(|c| ctx.t(&format!("care-{}", c.code())))
            .unwrap_or_default(),
        birth_registration: ctx.t(&format!(
            "birth-registration-{}",
            s.birth_registration.code()
        )),
        bia: approval(s.bia),
        bid: if s.bid_required {
            approval(s.bid)
        } else {
            ctx.t("case-bid-not-required")
        },
        history: if sees(Field::CaseWork) {
            history
                .iter()
                .map(|e| {
                    let text = e.text.clone().unwrap_or_default();
                    EventView {
                        when: ctx.day_at_hub(e.at, hub),
                        who: event_author(e, &names),
                        step: ctx.t(&format!("case-step-{}", e.step)),
                        note: text.note,
                        detail: text
                            .caregiver
                            .map(|c| format!("{} ({})", c.name, c.relationship))
                            .unwrap_or_default(),
                    }
                })
                .collect()
        } else {
            Vec::new()
        },
        withheld: [Field::PsychosocialNotes, Field::LegalNotes, Field::CaseWork]
            .into_iter()
            .filter(|f| !sees(*f))
            .map(|f| ctx.t(&format!("field-{}", f.code())))
            .collect(),
        ctx,
    };
    l.audit_case(&state, &from, "case.summary", case, hub)
        .await?;
    Ok(render(&page))
}

/// A child's cases as the person page lists them, if this account works on cases there.
pub struct CaseLink {
    pub id: Uuid,
    pub number: String,
    pub stage: String,
}

pub async fn of_person(
    state: &AppState,
    ctx: &Ctx,
    staff: &Staff,
    person: &PersonRecord,
    hub: &Hub,
) -> Result<(Vec<CaseLink>, Option<OpenOptions>), StoreError> {
    if !works_on_cases(staff, hub) {
        return Ok((Vec::new(), None));
    }
    let cases = state.store.cases_of(person.id).await?;
    let child = age_of(person).is_none_or(|a| a < 18);
    let open = if child && !cases.iter().any(|c| c.state.is_open()) && person.identity.is_some() {
        open_options(state, ctx, staff, hub).await?
    } else {
        None
    };
    Ok((
        cases
            .iter()
            .map(|c| CaseLink {
                id: c.id,
                number: c.case_number.clone(),
                stage: ctx.t(&format!("case-stage-{}", c.state.stage.code())),
            })
            .collect(),
        open,
    ))
}
