//! The staff home page, account management and the audit log.

use std::collections::HashMap;

use askama::Template;
use axum::Form;
use axum::extract::{Extension, Path, Query, State};
use axum::http::{HeaderMap, header};
use axum::response::IntoResponse;
use bluedot_core::policy::{Action, Role, Scope, Target};
use bluedot_core::{Country, Hub, Lang};
use bluedot_store::accounts::User;
use bluedot_store::audit::{AuditEvent, AuditQuery};
use chrono::{Duration, NaiveDate, Utc};
use serde::Deserialize;
use uuid::Uuid;

use super::cases::WORK_LIST_CARDS;
use super::{
    ClientAddr, Nav, Staff, StaffError, StaffResult, audit, check_csrf, signed_in, staff_t,
};
use crate::AppState;
use crate::view::{Ctx, render};

/// How long a setup or reset link stays valid.
pub const LINK_HOURS: i64 = 72;

fn ctx_for(staff: &Staff, section: &'static str) -> Ctx {
    Ctx::new(staff.lang, "/", section)
}

fn scope_label(ctx: &Ctx, scope: &Scope, hubs: &[Hub]) -> String {
    if scope.everywhere {
        return ctx.t("staff-scope-everywhere");
    }
    let mut parts: Vec<String> = scope
        .countries
        .iter()
        .map(|c| ctx.country_name(*c))
        .collect();
    parts.extend(scope.hubs.iter().map(|id| {
        hubs.iter()
            .find(|h| h.id == *id)
            .map(|h| h.name.text(ctx.lang).to_owned())
            .unwrap_or_else(|| id.to_string())
    }));
    parts.join(", ")
}

fn targets(scope: &Scope, hubs: &[Hub]) -> Vec<Target> {
    super::scope_targets(scope, hubs)
}

fn may_anywhere(staff: &Staff, action: Action, hubs: &[Hub]) -> bool {
    staff.may_anywhere(action, hubs)
}

pub struct StaleRow {
    pub what: &'static str,
    pub key: String,
    pub verified: String,
}

#[derive(Template)]
#[template(path = "staff/home.html")]
struct HomePage {
    ctx: Ctx,
    name: String,
    role: String,
    scope: String,
    csrf: String,
    nav: Nav,
    stale: Option<Vec<StaleRow>>,
    hand_overs: super::transfers::HandOvers,
    flags: Vec<super::child_alerts::FlagCard>,
    work: WorkList,
    nothing_waits: bool,
    languages: Vec<LanguageChoice>,
    follows_browser: bool,
    overdue: Vec<super::inclusion::OverdueLine>,
}

/// What waits for the signed-in account in its cases, referrals and tracing requests.
#[derive(Default)]
pub struct WorkList {
    cases: super::cases::CaseWork,
    referrals: Vec<super::referrals::ReferralLine>,
    tracing: Vec<super::family_tracing::RequestLine>,
    consent_asks: Vec<super::family_tracing::ConsentAskLine>,
}

impl WorkList {
    fn is_empty(&self) -> bool {
        self.cases.mine.is_empty()
            && self.cases.approvals.is_empty()
            && self.referrals.is_empty()
            && self.tracing.is_empty()
            && self.consent_asks.is_empty()
    }
}

pub struct LanguageChoice {
    code: &'static str,
    name: &'static str,
    chosen: bool,
}

pub async fn home(
    State(state): State<AppState>,
    Extension(from): Extension<ClientAddr>,
    headers: HeaderMap,
) -> StaffResult {
    let staff = signed_in(&state, &headers).await?;
    let ctx = ctx_for(&staff, "staff");
    let hubs = state
        .directory
        .hubs()
        .await
        .map_err(|e| StaffError::internal(staff.lang, e))?;
    // Coordinators see what in their scope is overdue for verification.
    let stale = if may_anywhere(&staff, Action::EditDirectory, &hubs) {
        let before = Utc::now() - Duration::days(state.config.freshness.review_after_days);
        let entries = state
            .store
            .stale_entries(before)
            .await
            .map_err(|e| StaffError::internal(staff.lang, e))?;
        Some(
            entries
                .into_iter()
                .filter(|e| {
                    let hub = hubs
                        .iter()
                        .find(|h| e.key.split(" / ").next() == Some(h.slug.as_str()));
                    let target = match hub {
                        Some(h) if e.what != "provider" && e.what != "article" => Target::Hub {
                            hub: h.id,
                            country: h.country,
                        },
                        _ => Target::Country(e.country),
                    };
                    staff.may(Action::EditDirectory, target)
                })
                .map(|e| StaleRow {
                    what: e.what,
                    key: e.key,
                    verified: ctx.date(&e.verified_at),
                })
                .collect(),
        )
    } else {
        None
    };
    // Children on their way to this account's hubs; nothing to show without the keys to read
    // them.
    // The work list: what waits for this account today, each item one tap from its page.
    // Nothing to show without the keys to read records.
    let (hand_overs, flags, work) = match super::Desk::open(&state, &headers).await {
        Ok(desk) => {
            let work = WorkList {
                cases: super::cases::work_for(&state, &desk).await?,
                referrals: super::referrals::queue_lines(&state, &desk, true, WORK_LIST_CARDS)
                    .await?
                    .unwrap_or_default(),
                tracing: if desk.tracing_hubs().is_empty() {
                    vec![]
                } else {
                    desk.request_lines(&state)
                        .await?
                        .into_iter()
                        .filter(|r| matches!(r.status_code, "unverified" | "open"))
                        .take(WORK_LIST_CARDS)
                        .collect()
                },
                consent_asks: super::family_tracing::consent_asks_for(
                    &state,
                    &desk,
                    WORK_LIST_CARDS,
                )
                .await?,
            };
            if !work.is_empty() {
                audit(
                    &state,
                    staff.lang,
                    staff.event("work-list.view", "work-list".into(), &from),
                )
                .await?;
            }
            (
                super::transfers::hand_overs(&state, &desk).await?,
                super::child_alerts::for_home(&state, &desk).await?,
                work,
            )
        }
        Err(_) => (
            super::transfers::HandOvers {
                arriving: vec![],
                overdue: vec![],
            },
            vec![],
            WorkList::default(),
        ),
    };
    let overdue = super::inclusion::overdue_for(&state, &staff, &ctx).await?;
    let nothing_waits = work.is_empty()
        && overdue.is_empty()
        && flags.is_empty()
        && hand_overs.arriving.is_empty()
        && hand_overs.overdue.is_empty();
    let page = HomePage {
        hand_overs,
        flags,
        work,
        nothing_waits,
        name: staff.user.display_name.clone(),
        role: ctx.t(&format!("role-{}", staff.user.role.code())),
        scope: scope_label(&ctx, &staff.user.scope, &hubs),
        csrf: staff.session.csrf_token.clone(),
        nav: Nav::for_staff(&staff, &hubs),
        stale,
        languages: super::staff_languages()
            .iter()
            .map(|l| LanguageChoice {
                code: l.code(),
                name: l.native_name(),
                chosen: staff.user.language == Some(*l),
            })
            .collect(),
        follows_browser: staff.user.language.is_none(),
        overdue,
        ctx,
    };
    Ok(render(&page))
}

#[derive(Deserialize)]
pub struct LanguageForm {
    csrf: String,
    /// A language code, or empty to follow the browser.
    lang: String,
}

/// Sets the language of the signed-in account's staff pages.
pub async fn set_language(
    State(state): State<AppState>,
    Extension(from): Extension<ClientAddr>,
    headers: HeaderMap,
    Form(form): Form<LanguageForm>,
) -> StaffResult {
    let staff = signed_in(&state, &headers).await?;
    check_csrf(&staff, &headers, &form.csrf)?;
    let language = match form.lang.trim() {
        "" => None,
        code => Some(
            Lang::from_tag(code)
                .filter(|l| super::staff_languages().contains(l))
                .ok_or_else(|| {
                    StaffError::BadRequest(staff.lang, staff_t(staff.lang, "staff-bad-language"))
                })?,
        ),
    };
    state
        .store
        .set_user_language(staff.user.id, language, &staff.change_in(&from, None))
        .await
        .map_err(|e| StaffError::internal(staff.lang, e))?;
    Ok(axum::response::Redirect::to("/staff").into_response())
}

pub struct UserRow {
    pub id: Uuid,
    pub username: String,
    pub name: String,
    pub role: String,
    pub scope: String,
    pub state: String,
    pub disabled: bool,
}

pub struct SelectOption {
    pub value: String,
    pub label: String,
}

#[derive(Template)]
#[template(path = "staff/users.html")]
struct UsersPage {
    ctx: Ctx,
    nav: Nav,
    csrf: String,
    users: Vec<UserRow>,
    roles: Vec<Pick>,
    countries: Vec<Pick>,
    /// The hubs an account may be given, by country.
    hub_groups: Vec<(String, Vec<Pick>)>,
    created: Option<(String, String)>,
    error: Option<String>,
    draft: NewUserDraft,
}

/// A choice on a form, and whether it is chosen.
pub struct Pick {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

/// The new-account form as typed, kept whole when the account is refused.
#[derive(Default)]
pub struct NewUserDraft {
    pub username: String,
    pub display_name: String,
    pub role: String,
    pub countries: Vec<String>,
    pub hubs: Vec<String>,
}

impl NewUserDraft {
    fn read(form: &[(String, String)]) -> NewUserDraft {
        let mut d = NewUserDraft::default();
        for (k, v) in form {
            let v = v.trim().to_owned();
            match k.as_str() {
                "username" => d.username = v,
                "display_name" => d.display_name = v,
                "role" => d.role = v,
                "country" => d.countries.push(v),
                "hub" => d.hubs.push(v),
                _ => {}
            }
        }
        d
    }
}

async fn users_page(
    state: &AppState,
    staff: &Staff,
    created: Option<(String, String)>,
    error: Option<String>,
    draft: NewUserDraft,
) -> StaffResult {
    let ctx = ctx_for(staff, "users");
    let hubs = state
        .directory
        .hubs()
        .await
        .map_err(|e| StaffError::internal(staff.lang, e))?;
    if !may_anywhere(staff, Action::ManageUsers, &hubs) {
        return Err(StaffError::Forbidden(staff.lang));
    }
    let all = state
        .store
        .list_users()
        .await
        .map_err(|e| StaffError::internal(staff.lang, e))?;
    let users = all
        .into_iter()
        .filter(|u| {
            targets(&u.scope, &hubs)
                .iter()
                .all(|t| staff.may(Action::ManageUsers, *t))
        })
        .map(|u| UserRow {
            id: u.id,
            state: ctx.t(if u.disabled {
                "staff-user-disabled"
            } else if u.totp_secret.is_none() {
                "staff-user-pending"
            } else {
                "staff-user-active"
            }),
            disabled: u.disabled,
            role: ctx.t(&format!("role-{}", u.role.code())),
            scope: scope_label(&ctx, &u.scope, &hubs),
            username: u.username,
            name: u.display_name,
        })
        .collect();
    let page = UsersPage {
        nav: Nav::for_staff(staff, &hubs),
        csrf: staff.session.csrf_token.clone(),
        users,
        roles: Role::ALL
            .iter()
            .map(|r| Pick {
                value: r.code().into(),
                label: ctx.t(&format!("role-{}", r.code())),
                selected: draft.role == r.code(),
            })
            .collect(),
        countries: Country::ALL
            .iter()
            .filter(|c| staff.may(Action::ManageUsers, Target::Country(**c)))
            .map(|c| Pick {
                value: c.code().into(),
                label: ctx.country_name(*c),
                selected: draft.countries.iter().any(|d| d == c.code()),
            })
            .collect(),
        hub_groups: Country::ALL
            .iter()
            .map(|c| {
                let here: Vec<&Hub> = hubs
                    .iter()
                    .filter(|h| h.country == *c)
                    .filter(|h| staff.may(Action::ManageUsers, super::hub_target(h)))
                    .collect();
                let picks = here
                    .iter()
                    .map(|h| {
                        let name = h.name.text(ctx.lang);
                        // Two hubs of one name in a town are told apart by their address.
                        let twins = here
                            .iter()
                            .filter(|o| o.name.text(ctx.lang) == name)
                            .count();
                        let label = if twins > 1 {
                            format!("{name} — {}", h.address.text(ctx.lang))
                        } else {
                            name.to_owned()
                        };
                        Pick {
                            value: h.id.to_string(),
                            label,
                            selected: draft.hubs.iter().any(|d| *d == h.id.to_string()),
                        }
                    })
                    .collect::<Vec<_>>();
                (ctx.country_name(*c), picks)
            })
            .filter(|(_, picks)| !picks.is_empty())
            .collect(),
        draft,
        created,
        error,
        ctx,
    };
    Ok(render(&page))
}

pub async fn users(
    State(state): State<AppState>,
    Extension(from): Extension<ClientAddr>,
    headers: HeaderMap,
) -> StaffResult {
    let staff = signed_in(&state, &headers).await?;
    let response = users_page(&state, &staff, None, None, NewUserDraft::default()).await?;
    audit(
        &state,
        staff.lang,
        AuditEvent {
            actor_id: Some(staff.user.id),
            action: "user.list".into(),
            subject: "users".into(),
            hub_id: None,
            country: None,
            source: from.0,
            outcome: "ok".into(),
        },
    )
    .await?;
    Ok(response)
}

/// Where a link to `/staff/setup/{token}` points, from the request's own host.
fn setup_url(headers: &HeaderMap, secure: bool, token: &str) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("localhost");
    let scheme = if secure { "https" } else { "http" };
    format!("{scheme}://{host}/staff/setup/{token}")
}

pub async fn create_user(
    State(state): State<AppState>,
    Extension(from): Extension<ClientAddr>,
    headers: HeaderMap,
    Form(form): Form<Vec<(String, String)>>,
) -> StaffResult {
    let staff = signed_in(&state, &headers).await?;
    let field = |name: &str| {
        form.iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim().to_owned())
            .unwrap_or_default()
    };
    check_csrf(&staff, &headers, &field("csrf"))?;
    let lang = staff.lang;
    let hubs = state
        .directory
        .hubs()
        .await
        .map_err(|e| StaffError::internal(lang, e))?;
    // Whatever is refused, the form comes back as it was typed.
    let refused = |key: &str| {
        users_page(
            &state,
            &staff,
            None,
            Some(staff_t(lang, key)),
            NewUserDraft::read(&form),
        )
    };
    let Some(role) = Role::from_code(&field("role")) else {
        return refused("staff-bad-role").await;
    };
    let mut scope = Scope::default();
    for (k, v) in &form {
        match k.as_str() {
            "country" => match Country::from_code(v) {
                Some(c) => scope.countries.push(c),
                None => return refused("error-unknown-country").await,
            },
            "hub" => match v
                .parse::<Uuid>()
                .ok()
                .filter(|id| hubs.iter().any(|h| h.id == *id))
            {
                Some(id) => scope.hubs.push(id),
                None => return refused("staff-bad-hub").await,
            },
            _ => {}
        }
    }
    // A manager can only hand out what their own scope covers.
    if scope.is_empty()
        || !targets(&scope, &hubs)
            .iter()
            .all(|t| staff.may(Action::ManageUsers, *t))
    {
        audit(
            &state,
            lang,
            AuditEvent {
                actor_id: Some(staff.user.id),
                action: "user.create".into(),
                subject: "user:new".into(),
                hub_id: None,
                country: None,
                source: from.0.clone(),
                outcome: "denied".into(),
            },
        )
        .await?;
        return refused("staff-scope-not-allowed").await;
    }
    let user = match state
        .store
        .create_user(
            &field("username"),
            &field("display_name"),
            role,
            &scope,
            &staff.change_in(&from, None),
        )
        .await
    {
        Ok(u) => u,
        Err(bluedot_store::StoreError::Invalid(e)) => {
            return users_page(
                &state,
                &staff,
                None,
                Some(super::field_error(
                    staff.lang,
                    &format!("staff-{}", e.field.replace('_', "-")),
                    &e,
                )),
                NewUserDraft::read(&form),
            )
            .await;
        }
        Err(e) => return Err(StaffError::internal(lang, e)),
    };
    let token = state
        .store
        .create_setup_link(
            user.id,
            Duration::hours(LINK_HOURS),
            &staff.change_in(&from, None),
            "user.setup-link",
        )
        .await
        .map_err(|e| StaffError::internal(lang, e))?;
    users_page(
        &state,
        &staff,
        Some((
            user.username,
            setup_url(&headers, state.config.behind_tls, &token),
        )),
        None,
        NewUserDraft::default(),
    )
    .await
}

#[derive(Deserialize)]
pub struct CsrfForm {
    csrf: String,
}

/// The account `id`, if the signed-in manager's scope covers all of its scope.
async fn managed_user(
    state: &AppState,
    staff: &Staff,
    id: &str,
) -> StaffResult<bluedot_store::accounts::User> {
    let lang = staff.lang;
    let id: Uuid = id.parse().map_err(|_| StaffError::NotFound(lang))?;
    let user = state
        .store
        .user(id)
        .await
        .map_err(|e| StaffError::internal(lang, e))?
        .ok_or(StaffError::NotFound(lang))?;
    let hubs = state
        .directory
        .hubs()
        .await
        .map_err(|e| StaffError::internal(lang, e))?;
    if targets(&user.scope, &hubs)
        .iter()
        .all(|t| staff.may(Action::ManageUsers, *t))
    {
        Ok(user)
    } else {
        Err(StaffError::Forbidden(lang))
    }
}

pub async fn reset_user(
    State(state): State<AppState>,
    Extension(from): Extension<ClientAddr>,
    Path(id): Path<String>,
    headers: HeaderMap,
    Form(form): Form<CsrfForm>,
) -> StaffResult {
    let staff = signed_in(&state, &headers).await?;
    check_csrf(&staff, &headers, &form.csrf)?;
    let user = managed_user(&state, &staff, &id).await?;
    let token = state
        .store
        .create_setup_link(
            user.id,
            Duration::hours(LINK_HOURS),
            &staff.change_in(&from, None),
            "user.reset",
        )
        .await
        .map_err(|e| StaffError::internal(staff.lang, e))?;
    users_page(
        &state,
        &staff,
        Some((
            user.username,
            setup_url(&headers, state.config.behind_tls, &token),
        )),
        None,
        NewUserDraft::default(),
    )
    .await
}

pub async fn disable_user(
    State(state): State<AppState>,
    Extension(from): Extension<ClientAddr>,
    Path(id): Path<String>,
    headers: HeaderMap,
    Form(form): Form<CsrfForm>,
) -> StaffResult {
    let staff = signed_in(&state, &headers).await?;
    check_csrf(&staff, &headers, &form.csrf)?;
    let user = managed_user(&state, &staff, &id).await?;
    let disable = !user.disabled;
    state
        .store
        .set_disabled(user.id, disable, &staff.change_in(&from, None))
        .await
        .map_err(|e| StaffError::internal(staff.lang, e))?;
    users_page(&state, &staff, None, None, NewUserDraft::default()).await
}

#[derive(Deserialize, Default)]
pub struct AuditParams {
    actor: Option<String>,
    record: Option<String>,
    action: Option<String>,
    outcome: Option<String>,
    hub: Option<String>,
    since: Option<String>,
    until: Option<String>,
    format: Option<String>,
}

/// An entry as people read it: names, roles and references instead of ids.
pub struct AuditRow {
    pub seq: i64,
    /// In the reader's language, to the minute.
    pub at: String,
    /// To the second, in UTC: for the export and the page's machine-readable time.
    pub at_exact: String,
    pub actor: String,
    pub role: String,
    pub action: String,
    pub record: String,
    /// Where the record can be opened, for those who may.
    pub link: Option<String>,
    pub hub: String,
    pub source: String,
    pub outcome: String,
}

#[derive(Template)]
#[template(path = "staff/audit.html")]
struct AuditPage {
    ctx: Ctx,
    nav: Nav,
    params: AuditParams,
    actors: Vec<(String, String)>,
    hubs: Vec<crate::view::HubGroup>,
    outcomes: Vec<&'static str>,
    rows: Vec<AuditRow>,
}

/// The outcomes the log records.
const OUTCOMES: [&str; 3] = ["ok", "denied", "failed"];

/// A CSV cell that a spreadsheet will not run as a formula.
pub fn csv_cell(value: &str) -> String {
    let neutral = if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}")
    } else {
        value.to_owned()
    };
    if neutral.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", neutral.replace('"', "\"\""))
    } else {
        neutral
    }
}

/// The record an entry is about, in words, and where to open it.
fn record_label(
    ctx: &Ctx,
    subject: &str,
    country: Option<&str>,
    users: &HashMap<Uuid, &User>,
    hubs: &[Hub],
) -> (String, Option<String>) {
    if let Some(label) = figures_label(ctx, subject, hubs) {
        return (label, Some(format!("/staff/figures?{subject}")));
    }
    // A compound subject (`case:…/person:…`) is named by its first part.
    let first = subject.split('/').next().unwrap_or(subject);
    let Some((kind, id)) = first.split_once(':') else {
        return (subject.to_owned(), None);
    };
    let uuid = id.parse::<Uuid>().ok();
    // A record without a number of its own is named by its kind and the id's last digits.
    let short =
        |label: &str, id: Uuid| format!("{} {}", ctx.t(label), &id.simple().to_string()[24..]);
    match (kind, uuid) {
        ("case", Some(id)) => {
            let number = country
                .and_then(Country::from_code)
                .map(|c| bluedot_store::cases::case_number(c, id))
                .unwrap_or_else(|| id.to_string());
            (
                format!("{} {number}", ctx.t("audit-record-case")),
                Some(format!("/staff/cases/{id}")),
            )
        }
        ("person", Some(id)) => (
            short("audit-record-person", id),
            Some(format!("/staff/people/{id}")),
        ),
        ("user", Some(id)) => (
            format!(
                "{} {}",
                ctx.t("audit-record-user"),
                users
                    .get(&id)
                    .map(|u| u.username.clone())
                    .unwrap_or_else(|| id.to_string())
            ),
            None,
        ),
        ("hub", Some(id)) => (
            hubs.iter()
                .find(|h| h.id == id)
                .map(|h| h.name.text(ctx.lang).to_owned())
                .unwrap_or_else(|| subject.to_owned()),
            Some(format!("/staff/directory/hubs/{id}")),
        ),
        ("tracing-request" | "tracing", Some(id)) => (
            short("audit-record-tracing", id),
            Some(format!("/staff/tracing/{id}")),
        ),
        ("referral", Some(id)) => (
            short("audit-record-referral", id),
            Some(format!("/staff/referrals/{id}")),
        ),
        ("child-alert", Some(id)) => (short("audit-record-flag", id), None),
        _ => (subject.to_owned(), None),
    }
}

/// A figures view or export, whose subject is the figures' query (`from=…&to=…&country=…`),
/// named by its period and place.
fn figures_label(ctx: &Ctx, subject: &str, hubs: &[Hub]) -> Option<String> {
    let pairs: HashMap<String, String> = serde_urlencoded::from_str(subject).ok()?;
    let day = |key: &str| {
        chrono::NaiveDate::parse_from_str(pairs.get(key)?, "%Y-%m-%d")
            .ok()
            .map(|d| ctx.day(d))
    };
    let (from, to) = (day("from")?, day("to")?);
    let place = match (pairs.get("hub"), pairs.get("country")) {
        (Some(slug), _) => hubs
            .iter()
            .find(|h| &h.slug == slug)
            .map(|h| h.name.text(ctx.lang).to_owned()),
        (None, Some(code)) => Country::from_code(code).map(|c| ctx.country_name(c)),
        (None, None) => None,
    };
    Some(match place {
        Some(place) => format!("{}, {place}: {from} – {to}", ctx.t("staff-figures")),
        None => format!("{}: {from} – {to}", ctx.t("staff-figures")),
    })
}

pub async fn audit_log(
    State(state): State<AppState>,
    Extension(from): Extension<ClientAddr>,
    Query(params): Query<AuditParams>,
    headers: HeaderMap,
) -> StaffResult {
    let staff = signed_in(&state, &headers).await?;
    let lang = staff.lang;
    let ctx = ctx_for(&staff, "audit");
    let hubs = state
        .directory
        .hubs()
        .await
        .map_err(|e| StaffError::internal(lang, e))?;
    if !may_anywhere(&staff, Action::ViewAudit, &hubs) {
        return Err(StaffError::Forbidden(lang));
    }
    let date = |v: &Option<String>| -> StaffResult<Option<chrono::DateTime<Utc>>> {
        match v.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => Ok(None),
            Some(s) => NaiveDate::parse_from_str(s, "%Y-%m-%d")
                .map(|d| Some(d.and_hms_opt(0, 0, 0).expect("midnight exists").and_utc()))
                .map_err(|_| StaffError::BadRequest(lang, staff_t(lang, "staff-bad-date"))),
        }
    };
    let text = |v: &Option<String>| {
        v.as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    };
    let scope = &staff.actor.scope;
    // The hubs whose entries this reader may see; one of them when the filter names it.
    let visible_hubs: Vec<&Hub> = hubs
        .iter()
        .filter(|h| staff.may(Action::ViewAudit, super::hub_target(h)))
        .collect();
    let hub = text(&params.hub).and_then(|h| h.parse::<Uuid>().ok());
    let hub = hub.filter(|id| visible_hubs.iter().any(|h| h.id == *id));
    let record = text(&params.record).map(|r| r.to_lowercase());
    let csv = params.format.as_deref() == Some("csv");
    let query = AuditQuery {
        actor_id: text(&params.actor).and_then(|a| a.parse().ok()),
        action_prefix: text(&params.action),
        subject: None,
        outcome: text(&params.outcome).filter(|o| OUTCOMES.contains(&o.as_str())),
        hubs: match hub {
            Some(id) => Some(vec![id]),
            None => (!scope.everywhere).then(|| scope.hubs.clone()),
        },
        countries: match hub {
            Some(_) => Some(vec![]),
            None => (!scope.everywhere).then(|| {
                scope
                    .countries
                    .iter()
                    .map(|c| c.code().to_owned())
                    .collect()
            }),
        },
        since: date(&params.since)?,
        until: date(&params.until)?.map(|d| d + Duration::days(1)),
        // A record is found by its readable reference, worked out below.
        limit: if csv || record.is_some() { 0 } else { 500 },
    };
    let entries = state
        .store
        .search_audit(&query)
        .await
        .map_err(|e| StaffError::internal(lang, e))?;
    audit(
        &state,
        lang,
        AuditEvent {
            actor_id: Some(staff.user.id),
            action: if csv {
                "audit.export".into()
            } else {
                "audit.view".into()
            },
            subject: "audit".into(),
            hub_id: None,
            country: None,
            source: from.0,
            outcome: "ok".into(),
        },
    )
    .await?;
    let users = state
        .store
        .list_users()
        .await
        .map_err(|e| StaffError::internal(lang, e))?;
    let by_id: HashMap<Uuid, &User> = users.iter().map(|u| (u.id, u)).collect();
    let rows: Vec<AuditRow> = entries
        .into_iter()
        .filter_map(|e| {
            let (label, link) = record_label(&ctx, &e.subject, e.country.as_deref(), &by_id, &hubs);
            if let Some(r) = &record
                && !label.to_lowercase().contains(r.as_str())
                && !e.subject.to_lowercase().contains(r.as_str())
            {
                return None;
            }
            let actor = e.actor_id.and_then(|id| by_id.get(&id));
            Some(AuditRow {
                seq: e.seq,
                at: ctx.moment(e.at),
                at_exact: e.at.format("%Y-%m-%d %H:%M:%S").to_string(),
                actor: match (actor, e.actor_id) {
                    (Some(u), _) => format!("{} ({})", u.display_name, u.username),
                    (None, Some(id)) => id.to_string(),
                    (None, None) => ctx.t("audit-system"),
                },
                role: actor
                    .map(|u| ctx.t(&format!("role-{}", u.role.code())))
                    .unwrap_or_default(),
                action: e.action,
                record: label,
                link,
                hub: e
                    .hub_id
                    .and_then(|id| hubs.iter().find(|h| h.id == id))
                    .map(|h| h.name.text(ctx.lang).to_owned())
                    .or_else(|| {
                        e.country
                            .as_deref()
                            .and_then(Country::from_code)
                            .map(|c| ctx.country_name(c))
                    })
                    .unwrap_or_default(),
                source: e.source,
                outcome: e.outcome,
            })
        })
        .take(if csv { usize::MAX } else { 500 })
        .collect();
    if csv {
        let mut out = String::from("seq,at,actor,role,action,record,hub,source,outcome\n");
        for r in &rows {
            let cells = [
                r.seq.to_string(),
                r.at_exact.clone(),
                r.actor.clone(),
                r.role.clone(),
                r.action.clone(),
                r.record.clone(),
                r.hub.clone(),
                r.source.clone(),
                r.outcome.clone(),
            ];
            out.push_str(
                &cells
                    .iter()
                    .map(|c| csv_cell(c))
                    .collect::<Vec<_>>()
                    .join(","),
            );
            out.push('\n');
        }
        return Ok((
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
                (
                    header::CONTENT_DISPOSITION,
                    "attachment; filename=\"bluedot-audit.csv\"",
                ),
            ],
            out,
        )
            .into_response());
    }
    let mut actors: Vec<(String, String)> = users
        .iter()
        .map(|u| {
            (
                u.id.to_string(),
                format!("{} ({})", u.display_name, u.username),
            )
        })
        .collect();
    crate::locale::of(ctx.lang).sort_by_text(&mut actors, |a| &a.1);
    let page = AuditPage {
        nav: Nav::for_staff(&staff, &hubs),
        actors,
        hubs: crate::view::hub_groups(&ctx, visible_hubs.iter().copied()),
        outcomes: OUTCOMES.to_vec(),
        params,
        rows,
        ctx,
    };
    Ok(render(&page))
}

#[cfg(test)]
mod tests {
    use super::csv_cell;

    #[test]
    fn csv_cells_cannot_run_formulas() {
        assert_eq!(csv_cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(csv_cell("+1"), "'+1");
        assert_eq!(csv_cell("sign-in"), "sign-in");
        assert_eq!(csv_cell("a,b"), "\"a,b\"");
    }
}
