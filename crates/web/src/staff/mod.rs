//! Staff pages under `/staff`: sign-in with a password and a second factor, account
//! management for administrators, the audit log for coordinators. Every decision goes through
//! the permission policy in `bluedot_core::policy`; every sign-in, change and view is audited.
//! Responses are never cached (`Cache-Control: no-store`) and never reach the public site's
//! offline cache.

mod admin;
mod auth;
mod cases;
mod child_alerts;
pub mod credentials;
mod deployments;
mod directory;
mod directory_import;
mod directory_providers;
mod family_tracing;
mod figures;
mod inclusion;
mod offline;
mod people;
mod planning;
mod records;
mod referrals;
pub mod sheets;
mod supplies;
mod transfers;
mod visits;

use askama::Template;
use axum::Router;
use axum::extract::Request;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use bluedot_core::policy::{self, Action, Actor, Scope, Target, decide};
use bluedot_core::{Hub, Lang};
use bluedot_store::accounts::{Session, User};
use bluedot_store::audit::{AuditEvent, Change};

use crate::AppState;
use crate::view::Ctx;

pub const SESSION_COOKIE: &str = "bluedot_staff";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/staff", get(admin::home))
        .route("/staff/login", get(auth::login_form).post(auth::login))
        .route(
            "/staff/2fa",
            get(auth::second_factor_form).post(auth::second_factor),
        )
        .route("/staff/logout", post(auth::logout))
        .route("/staff/language", post(admin::set_language))
        .route("/staff/logout-everywhere", post(auth::logout_everywhere))
        .route(
            "/staff/setup/{token}",
            get(auth::setup_form).post(auth::setup),
        )
        .route("/staff/users", get(admin::users).post(admin::create_user))
        .route("/staff/users/{id}/reset", post(admin::reset_user))
        .route("/staff/users/{id}/disable", post(admin::disable_user))
        .route("/staff/audit", get(admin::audit_log))
        .route("/staff/visits", get(visits::counter).post(visits::record))
        .route(
            "/staff/visits/{id}/correct",
            get(visits::correct_form).post(visits::correct),
        )
        .route("/staff/visits/{id}/void", post(visits::void))
        .route(
            "/staff/supplies",
            get(supplies::page).post(supplies::change),
        )
        .route(
            "/staff/deployments",
            get(deployments::list).post(deployments::plan),
        )
        .route("/staff/deployments/{id}", get(deployments::view))
        .route(
            "/staff/flag",
            get(child_alerts::new).post(child_alerts::raise),
        )
        .route("/staff/flags/{id}/take", post(child_alerts::take))
        .route("/staff/deployments/{id}/status", post(deployments::move_on))
        .route("/staff/people/{id}/referrals", post(referrals::send))
        .route("/staff/referrals", get(referrals::queue))
        .route("/staff/referrals/{id}", get(referrals::view))
        .route("/staff/referrals/{id}/status", post(referrals::move_on))
        .route("/staff/referrals/{id}/slip", get(referrals::slip))
        .route("/staff/cases", get(cases::list))
        .route("/staff/people/{id}/cases", post(cases::open))
        .route("/staff/cases/{id}", get(cases::view))
        .route("/staff/cases/{id}/step", post(cases::step))
        .route("/staff/cases/{id}/notes", post(cases::note))
        .route(
            "/staff/cases/{id}/documents",
            post(cases::upload).layer(axum::extract::DefaultBodyLimit::max(
                bluedot_store::cases::MAX_DOCUMENT_BYTES + 64 * 1024,
            )),
        )
        .route("/staff/cases/{id}/documents/{doc}", get(cases::download))
        .route("/staff/cases/{id}/summary", get(cases::summary))
        .route(
            "/staff/cases/{id}/transfer",
            get(transfers::form).post(transfers::send),
        )
        .route(
            "/staff/tracing",
            get(family_tracing::list).post(family_tracing::create),
        )
        .route(
            "/staff/tracing/{id}",
            get(family_tracing::view).post(family_tracing::act),
        )
        .route("/staff/offline", get(offline::shell))
        .route("/staff/offline/devices", post(offline::enrol))
        .route("/staff/offline/devices/{id}", get(offline::status))
        .route("/staff/offline/devices/{id}/end", post(offline::end))
        .route("/staff/offline/package", get(offline::package))
        .route("/staff/offline/slips", get(offline::slips))
        .route("/staff/offline/sync", post(offline::sync))
        .route("/staff/figures", get(figures::page))
        .route("/staff/figures.csv", get(figures::export_csv))
        .route("/staff/figures.xlsx", get(figures::export_xlsx))
        .route("/staff/figures/targets", post(figures::set_target))
        .route(
            "/staff/figures/targets/{id}/remove",
            post(figures::remove_target),
        )
        .route("/staff/transfers", get(transfers::list))
        .route(
            "/staff/transfers/{id}/decision",
            post(transfers::record_decision),
        )
        .route(
            "/staff/transfers/{id}/arrival",
            post(transfers::record_arrival),
        )
        .route(
            "/staff/planning",
            get(planning::show)
                .post(planning::import)
                .layer(axum::extract::DefaultBodyLimit::max(
                    planning::MAX_UPLOAD_BYTES,
                )),
        )
        .route(
            "/staff/inclusion",
            get(inclusion::overview).post(inclusion::start),
        )
        .route("/staff/inclusion/compare", get(inclusion::compare))
        .route(
            "/staff/inclusion/compare.xlsx",
            get(inclusion::compare_export),
        )
        .route(
            "/staff/inclusion/questionnaire",
            get(inclusion::questionnaire).post(inclusion::publish_questionnaire),
        )
        .route(
            "/staff/inclusion/actions/{id}",
            post(inclusion::move_action),
        )
        .route("/staff/inclusion/{id}", get(inclusion::show))
        .route(
            "/staff/inclusion/{id}/answers",
            post(inclusion::save_answers),
        )
        .route("/staff/inclusion/{id}/review", post(inclusion::review))
        .route("/staff/inclusion/{id}/actions", post(inclusion::add_action))
        .route("/staff/inclusion/{id}/report", get(inclusion::report))
        .route("/staff/inclusion/{id}/export.xlsx", get(inclusion::export))
        .route("/staff/planning/map.json", get(planning::map_data))
        .route("/staff/planning.csv", get(planning::export_csv))
        .route("/staff/planning.xlsx", get(planning::export_xlsx))
        .route("/staff/planning/plans", post(planning::save_plan))
        .route("/staff/planning/plans/{id}", get(planning::show_plan))
        .route(
            "/staff/planning/plans/{id}/deploy",
            post(planning::deploy_plan),
        )
        .route("/staff/directory", get(directory::list))
        .route(
            "/staff/directory/import",
            get(directory_import::form)
                .post(directory_import::run)
                .layer(axum::extract::DefaultBodyLimit::max(
                    directory_import::MAX_PACKAGE_BYTES,
                )),
        )
        .route("/staff/directory/export", get(directory_import::export))
        .route(
            "/staff/directory/translations",
            get(directory_import::translations_file)
                .post(directory_import::import_translations)
                .layer(axum::extract::DefaultBodyLimit::max(
                    directory_import::MAX_PACKAGE_BYTES,
                )),
        )
        .route(
            "/staff/directory/providers",
            post(directory_providers::create),
        )
        .route(
            "/staff/directory/providers/new",
            get(directory_providers::new_form),
        )
        .route(
            "/staff/directory/providers/{id}",
            get(directory_providers::edit_form).post(directory_providers::save),
        )
        .route(
            "/staff/directory/providers/{id}/verify",
            post(directory_providers::verify),
        )
        .route(
            "/staff/directory/providers/{id}/history",
            get(directory_providers::history),
        )
        .route(
            "/staff/directory/providers/{id}/restore",
            post(directory_providers::restore),
        )
        .route("/staff/directory/hubs", post(directory::create_hub))
        .route("/staff/directory/hubs/new", get(directory::new_hub_form))
        .route(
            "/staff/directory/hubs/{id}",
            get(directory::edit_hub_form).post(directory::save_hub),
        )
        .route(
            "/staff/directory/hubs/{id}/verify",
            post(directory::verify_hub),
        )
        .route(
            "/staff/directory/hubs/{id}/closures",
            post(directory::add_closure),
        )
        .route(
            "/staff/directory/hubs/{id}/closures/{closure}/remove",
            post(directory::remove_closure),
        )
        .route(
            "/staff/directory/hubs/{id}/history",
            get(directory::hub_history),
        )
        .route(
            "/staff/directory/hubs/{id}/restore",
            post(directory::restore_hub),
        )
        .route(
            "/staff/directory/hours-preview",
            get(directory::hours_preview),
        )
        .route(
            "/staff/directory/pages/{country}/{topic}/{lang}",
            get(directory::page_editor).post(directory::save_page),
        )
        .route(
            "/staff/directory/pages/{country}/{topic}/{lang}/verify",
            post(directory::verify_page),
        )
        .route(
            "/staff/directory/pages/{country}/{topic}/{lang}/history",
            get(directory::page_history),
        )
        .route(
            "/staff/directory/pages/{country}/{topic}/{lang}/restore",
            post(directory::restore_page),
        )
        .route("/staff/people", get(people::list).post(people::create))
        .route("/staff/people/new", get(people::new_form))
        .route("/staff/people/{id}", get(people::view))
        .route("/staff/people/{id}/notes", post(people::add_note))
        .route("/staff/people/{id}/consents", post(people::record_consent))
        .route(
            "/staff/people/{id}/consents/{consent}/withdraw",
            post(people::withdraw_consent),
        )
        .route("/staff/people/{id}/export", get(people::export))
        .route("/staff/people/{id}/close", post(people::close))
        .route("/staff/people/{id}/anonymise", post(people::anonymise))
        .route("/staff/people/{id}/erase", post(people::erase))
        .layer(middleware::from_fn(staff_headers))
        .layer(middleware::from_fn(too_large_in_words))
}

/// Sign-in attempts allowed for one account from one client address: a burst of this many,
/// refilled at one every two seconds. Keyed on both, so an attacker cannot block a colleague
/// who signs in from the same address (a hub's shared connection, a proxy).
const SIGN_IN_BURST: u32 = 30;
/// Sign-in attempts allowed from one client address across all accounts: a burst, refilled
/// at one a second. Enough for every colleague of a busy hub at the start of a shift; slow for
/// guessing across many accounts.
const ADDRESS_BURST: u32 = 60;

/// Limits password and second-factor attempts per client address and account, and per
/// address, on top of the per-account lock-out.
pub struct SignInLimiter {
    per_account: governor::DefaultKeyedRateLimiter<(String, String)>,
    per_address: governor::DefaultKeyedRateLimiter<String>,
}

impl Default for SignInLimiter {
    fn default() -> Self {
        Self::new()
    }
}

impl SignInLimiter {
    pub fn new() -> Self {
        let quota = |period_ms: u64, burst: u32| {
            governor::Quota::with_period(std::time::Duration::from_millis(period_ms))
                .expect("period is not zero")
                .allow_burst(std::num::NonZeroU32::new(burst).expect("burst is not zero"))
        };
        SignInLimiter {
            per_account: governor::RateLimiter::keyed(quota(2000, SIGN_IN_BURST)),
            per_address: governor::RateLimiter::keyed(quota(1000, ADDRESS_BURST)),
        }
    }

    /// Whether another attempt at `account` from `from` may go ahead now.
    pub fn attempt(&self, from: &ClientAddr, account: &str) -> bool {
        // Forget keys that have been quiet long enough to be back at a full burst.
        if self.per_account.len() > 10_000 {
            self.per_account.retain_recent();
        }
        if self.per_address.len() > 10_000 {
            self.per_address.retain_recent();
        }
        // The address first, so a flood from one address adds no keys; names longer than any
        // username are cut, so a key costs little however long the typed name.
        let account: String = account.trim().to_lowercase().chars().take(64).collect();
        self.per_address.check_key(&from.0).is_ok()
            && self
                .per_account
                .check_key(&(from.0.clone(), account))
                .is_ok()
    }
}

pub use crate::client::ClientAddr;

/// A form too large to read answers with a page in the worker's language that says so and
/// how to keep what was typed, instead of the framework's plain-text refusal.
async fn too_large_in_words(req: Request, next: Next) -> Response {
    let lang = staff_lang(req.headers());
    let response = next.run(req).await;
    if response.status() == StatusCode::PAYLOAD_TOO_LARGE {
        return StaffError::TooLarge(lang).into_response();
    }
    response
}

async fn staff_headers(req: Request, next: Next) -> Response {
    let mut response = next.run(req).await;
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

static TRANSLATED: std::sync::LazyLock<Vec<Lang>> =
    std::sync::LazyLock::new(|| crate::I18N.staff_languages());

/// Before sign-in, staff pages speak the browser's language where they are translated into
/// it, English otherwise; a page's `lang` is always the language it is written in.
pub fn staff_lang(headers: &HeaderMap) -> Lang {
    headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .and_then(|accept| Lang::negotiate_among(accept, &TRANSLATED))
        .unwrap_or(Lang::FALLBACK)
}

/// The languages an account may choose for its staff pages.
pub fn staff_languages() -> &'static [Lang] {
    &TRANSLATED
}

/// After sign-in, the language the account chose wins over the browser's.
fn account_lang(user: &bluedot_store::accounts::User, headers: &HeaderMap) -> Lang {
    user.language
        .filter(|l| TRANSLATED.contains(l))
        .unwrap_or_else(|| staff_lang(headers))
}

/// A signed-in staff member who has passed both factors.
pub struct Staff {
    /// Whether clients reach this server over TLS, for the same-origin check.
    pub https: bool,
    pub user: User,
    pub actor: Actor,
    pub session: Session,
    pub token: String,
    pub lang: Lang,
}

impl Staff {
    pub fn may(&self, action: Action, target: Target) -> bool {
        decide(&self.actor, action, target).allowed()
    }

    /// Whether a rule of the policy holds for this account at one of `hubs` at least.
    pub fn anywhere(&self, hubs: &[Hub], rule: fn(&Actor, Target) -> bool) -> bool {
        hubs.iter().any(|h| rule(&self.actor, hub_target(h)))
    }

    /// Whether the account may take `action` somewhere in its scope.
    pub fn may_anywhere(&self, action: Action, hubs: &[Hub]) -> bool {
        scope_targets(&self.actor.scope, hubs)
            .into_iter()
            .any(|t| self.may(action, t))
    }

    /// An audit entry for something this staff member did, successful unless changed.
    pub fn event(&self, action: &str, subject: String, from: &ClientAddr) -> AuditEvent {
        AuditEvent {
            actor_id: Some(self.user.id),
            action: action.to_owned(),
            subject,
            hub_id: None,
            country: None,
            source: from.0.clone(),
            outcome: "ok".to_owned(),
        }
    }
}

impl Staff {
    /// An audit entry for something read or changed about a whole country (its figures, its
    /// plans, its assessments), which lets that country's coordinators find it.
    pub fn event_in(
        &self,
        action: &str,
        subject: String,
        from: &ClientAddr,
        country: bluedot_core::Country,
    ) -> AuditEvent {
        let mut event = self.event(action, subject, from);
        event.country = Some(country.code().to_owned());
        event
    }

    /// An audit entry for something done to a record held at `hub`, which lets coordinators
    /// of that hub or country find it.
    pub fn event_at(
        &self,
        action: &str,
        subject: String,
        from: &ClientAddr,
        hub: &Hub,
    ) -> AuditEvent {
        let mut event = self.event(action, subject, from);
        event.hub_id = Some(hub.id);
        event.country = Some(hub.country.code().to_owned());
        event
    }

    /// Who changes something of a country (or of the whole network), for the store to audit
    /// in the change's own transaction.
    pub fn change_in(&self, from: &ClientAddr, country: Option<bluedot_core::Country>) -> Change {
        Change {
            actor_id: Some(self.user.id),
            source: from.0.clone(),
            hub_id: None,
            country: country.map(|c| c.code().to_owned()),
        }
    }

    /// Who changes a record held at `hub`, for the store to audit in the change's own
    /// transaction.
    pub fn change_at(&self, from: &ClientAddr, hub: &Hub) -> Change {
        Change {
            actor_id: Some(self.user.id),
            source: from.0.clone(),
            hub_id: Some(hub.id),
            country: Some(hub.country.code().to_owned()),
        }
    }

    /// The audit entry for a refusal of something at `hub`.
    pub fn denied_at(
        &self,
        action: &str,
        subject: String,
        from: &ClientAddr,
        hub: &Hub,
    ) -> AuditEvent {
        AuditEvent {
            outcome: "denied".to_owned(),
            ..self.event_at(action, subject, from, hub)
        }
    }
}

/// The targets a scope spans: used to check that a manager covers all of another account's
/// scope, and where an account may act at all.
pub fn scope_targets(scope: &Scope, hubs: &[Hub]) -> Vec<Target> {
    if scope.everywhere {
        return vec![Target::Network];
    }
    let mut out: Vec<Target> = scope
        .countries
        .iter()
        .map(|c| Target::Country(*c))
        .collect();
    out.extend(scope.hubs.iter().filter_map(|id| {
        hubs.iter().find(|h| h.id == *id).map(|h| Target::Hub {
            hub: h.id,
            country: h.country,
        })
    }));
    out
}

/// The target a record at `hub` is.
pub fn hub_target(hub: &Hub) -> Target {
    Target::Hub {
        hub: hub.id,
        country: hub.country,
    }
}

/// Which sections the staff navigation offers this account.
pub struct Nav {
    pub visits: bool,
    pub flag: bool,
    pub referrals: bool,
    pub supplies: bool,
    pub deployments: bool,
    pub people: bool,
    pub cases: bool,
    pub transfers: bool,
    pub tracing: bool,
    pub users: bool,
    pub audit: bool,
    pub figures: bool,
    pub directory: bool,
    pub offline: bool,
    pub planning: bool,
    pub inclusion: bool,
}

impl Nav {
    pub fn for_staff(staff: &Staff, hubs: &[Hub]) -> Nav {
        Nav {
            visits: staff.may_anywhere(Action::RecordVisit, hubs),
            flag: staff.may_anywhere(Action::FlagChild, hubs),
            referrals: staff.anywhere(hubs, policy::follows_referrals),
            supplies: staff.anywhere(hubs, policy::sees_stock),
            deployments: staff.anywhere(hubs, policy::sees_deployments),
            people: staff.may_anywhere(Action::ViewPerson, hubs),
            cases: staff.anywhere(hubs, policy::works_on_cases),
            transfers: staff.anywhere(hubs, policy::handles_cases),
            tracing: staff.anywhere(hubs, policy::handles_cases),
            users: staff.may_anywhere(Action::ManageUsers, hubs),
            audit: staff.may_anywhere(Action::ViewAudit, hubs),
            figures: staff.may_anywhere(Action::ViewAggregates, hubs),
            offline: staff.may_anywhere(Action::EditPerson, hubs)
                || staff.may_anywhere(Action::RecordVisit, hubs),
            planning: bluedot_core::Country::ALL
                .into_iter()
                .any(|c| staff.may(Action::ViewAggregates, policy::Target::Country(c))),
            directory: policy::edits_directory_anywhere(&staff.actor),
            inclusion: bluedot_core::Country::ALL
                .into_iter()
                .any(|c| policy::reads_inclusion(&staff.actor, c)),
        }
    }
}

#[derive(Debug)]
pub enum StaffError {
    /// Not signed in (or not past the second factor): go to the sign-in page.
    SignIn,
    SecondFactor,
    Forbidden(Lang),
    /// Too many sign-in attempts from this address.
    TooManyAttempts(Lang),
    BadRequest(Lang, String),
    /// The form sent more than the server reads: nothing was kept server-side.
    TooLarge(Lang),
    NotFound(Lang),
    /// Staff sign-in needs encryption keys, which this deployment was not given.
    NoKeys(Lang),
    Internal(Lang),
}

impl StaffError {
    pub fn internal(lang: Lang, e: impl std::fmt::Display) -> Self {
        tracing::error!(error = %e, "staff request failed");
        StaffError::Internal(lang)
    }
}

#[derive(Template)]
#[template(path = "staff/message.html")]
pub struct MessagePage {
    pub ctx: Ctx,
    pub title: String,
    pub message: String,
}

impl IntoResponse for StaffError {
    fn into_response(self) -> Response {
        let (lang, status, title, message) = match self {
            StaffError::SignIn => return Redirect::to("/staff/login").into_response(),
            StaffError::SecondFactor => return Redirect::to("/staff/2fa").into_response(),
            StaffError::Forbidden(l) => (
                l,
                StatusCode::FORBIDDEN,
                "staff-forbidden-title",
                Err("staff-forbidden"),
            ),
            StaffError::TooManyAttempts(l) => (
                l,
                StatusCode::TOO_MANY_REQUESTS,
                "staff-too-many-title",
                Err("staff-too-many"),
            ),
            StaffError::BadRequest(l, m) => {
                (l, StatusCode::BAD_REQUEST, "error-bad-request-title", Ok(m))
            }
            StaffError::TooLarge(l) => (
                l,
                StatusCode::PAYLOAD_TOO_LARGE,
                "staff-too-large-title",
                Err("staff-too-large"),
            ),
            StaffError::NotFound(l) => (
                l,
                StatusCode::NOT_FOUND,
                "error-not-found-title",
                Err("error-not-found"),
            ),
            StaffError::NoKeys(l) => (
                l,
                StatusCode::SERVICE_UNAVAILABLE,
                "staff-no-keys-title",
                Err("staff-no-keys"),
            ),
            StaffError::Internal(l) => (
                l,
                StatusCode::INTERNAL_SERVER_ERROR,
                "error-internal-title",
                Err("error-internal"),
            ),
        };
        let ctx = Ctx::new(lang, "/", "");
        // Either a message already written, or the id of one to translate.
        let message = message.unwrap_or_else(|id| ctx.t(id));
        let page = MessagePage {
            title: ctx.t(title),
            message,
            ctx,
        };
        (status, crate::view::render(&page)).into_response()
    }
}

pub type StaffResult<T = Response> = Result<T, StaffError>;

/// The session token from the cookie header, if any.
pub fn session_token(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == SESSION_COOKIE)
        .map(|(_, v)| v.to_owned())
}

pub fn session_cookie(token: &str, secure: bool, max_age: i64) -> HeaderValue {
    let secure = if secure { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{SESSION_COOKIE}={token}; Path=/staff; HttpOnly; SameSite=Strict; Max-Age={max_age}{secure}"
    ))
    .expect("cookie value is ASCII")
}

/// Form posts must come from our own pages: the Origin (or Referer) names this scheme, host
/// and port. `https` says whether clients reach us over TLS (`behind_tls`).
pub fn same_origin(headers: &HeaderMap, https: bool) -> bool {
    let Some(host) = headers.get(header::HOST).and_then(|v| v.to_str().ok()) else {
        return true;
    };
    let scheme = if https { "https" } else { "http" };
    let from = headers
        .get(header::ORIGIN)
        .or_else(|| headers.get(header::REFERER))
        .and_then(|v| v.to_str().ok());
    match from {
        None => true,
        Some(url) => match url.split_once("://") {
            Some((their_scheme, rest)) => {
                let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
                their_scheme.eq_ignore_ascii_case(scheme)
                    && without_default_port(authority, scheme)
                        .eq_ignore_ascii_case(without_default_port(host, scheme))
            }
            // `Origin: null` and anything else that is not a URL.
            None => false,
        },
    }
}

/// `host:443` is `host` for https, `host:80` for http.
fn without_default_port<'a>(authority: &'a str, scheme: &str) -> &'a str {
    let default = if scheme == "https" { ":443" } else { ":80" };
    authority.strip_suffix(default).unwrap_or(authority)
}

/// A signed-in staff member with what pages about people's records need: the keys that open
/// them and the hubs they are held at.
pub struct Desk {
    pub staff: Staff,
    pub keys: std::sync::Arc<bluedot_store::crypto::KeyRing>,
    pub hubs: std::sync::Arc<Vec<Hub>>,
}

impl Desk {
    pub async fn open(state: &AppState, headers: &HeaderMap) -> StaffResult<Desk> {
        let staff = signed_in(state, headers).await?;
        let keys = state.keys.clone().ok_or(StaffError::NoKeys(staff.lang))?;
        let hubs = state
            .directory
            .hubs()
            .await
            .map_err(|e| StaffError::internal(staff.lang, e))?;
        Ok(Desk { staff, keys, hubs })
    }

    pub fn internal(&self, e: impl std::fmt::Display) -> StaffError {
        StaffError::internal(self.staff.lang, e)
    }

    pub fn hub(&self, id: uuid::Uuid) -> Option<&Hub> {
        self.hubs.iter().find(|h| h.id == id)
    }
}

/// The signed-in staff member, fully authenticated, or where to send them.
pub async fn signed_in(state: &AppState, headers: &HeaderMap) -> StaffResult<Staff> {
    let lang = staff_lang(headers);
    let token = session_token(headers).ok_or(StaffError::SignIn)?;
    let session = state
        .store
        .session(&token, state.session_limits)
        .await
        .map_err(|e| StaffError::internal(lang, e))?
        .ok_or(StaffError::SignIn)?;
    if !session.second_factor {
        return Err(StaffError::SecondFactor);
    }
    let user = state
        .store
        .user(session.user_id)
        .await
        .map_err(|e| StaffError::internal(lang, e))?
        .filter(|u| !u.disabled)
        .ok_or(StaffError::SignIn)?;
    let actor = user.actor();
    let lang = account_lang(&user, headers);
    Ok(Staff {
        https: state.config.behind_tls,
        user,
        actor,
        session,
        token,
        lang,
    })
}

/// Checks the form's CSRF token against the session's, and the request's origin.
/// A multipart form read whole, its CSRF token checked: its text fields by name, and its
/// files (not empty ones) with their field and file names, in the order sent.
pub struct Upload {
    fields: std::collections::HashMap<String, String>,
    pub files: Vec<(String, String, Vec<u8>)>,
}

impl Upload {
    /// Reads the form; a body over the route's limit is refused with `too_big` (a message id).
    pub async fn read(
        staff: &Staff,
        headers: &HeaderMap,
        multipart: &mut axum::extract::Multipart,
        too_big: &str,
    ) -> StaffResult<Upload> {
        let refuse = || StaffError::BadRequest(staff.lang, staff_t(staff.lang, too_big));
        let mut upload = Upload {
            fields: Default::default(),
            files: Vec::new(),
        };
        while let Some(field) = multipart.next_field().await.map_err(|_| refuse())? {
            let name = field.name().unwrap_or_default().to_owned();
            match field.file_name().map(str::to_owned) {
                Some(file) => {
                    let bytes = field.bytes().await.map_err(|_| refuse())?;
                    if !bytes.is_empty() {
                        upload.files.push((name, file, bytes.to_vec()));
                    }
                }
                None => {
                    let text = field.text().await.map_err(|_| refuse())?;
                    upload.fields.insert(name, text);
                }
            }
        }
        check_csrf(staff, headers, upload.field("csrf"))?;
        Ok(upload)
    }

    /// A text field, "" when not sent.
    pub fn field(&self, name: &str) -> &str {
        self.fields.get(name).map_or("", String::as_str)
    }

    /// The first file sent in `field`, if any.
    pub fn file(&self, field: &str) -> Option<&[u8]> {
        self.files
            .iter()
            .find(|(f, _, _)| f == field)
            .map(|(_, _, bytes)| bytes.as_slice())
    }
}

pub fn check_csrf(staff: &Staff, headers: &HeaderMap, form_token: &str) -> StaffResult<()> {
    if same_origin(headers, staff.https)
        && credentials::same_secret(&staff.session.csrf_token, form_token)
    {
        Ok(())
    } else {
        Err(StaffError::BadRequest(
            staff.lang,
            staff_t(staff.lang, "staff-csrf"),
        ))
    }
}

/// The first value of a field in a form read as pairs (forms with repeated fields), or "".
pub fn form_field(pairs: &[(String, String)], name: &str) -> String {
    form_value(pairs, name).to_owned()
}

/// A form field's first value, "" when it was not sent.
pub fn form_value<'a>(pairs: &'a [(String, String)], name: &str) -> &'a str {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map_or("", |(_, v)| v.as_str())
}

/// The message id of a reason a field was refused: `why-` and the reason's English words.
pub fn reason_id(reason: &str) -> String {
    let words: Vec<String> = reason
        .to_ascii_lowercase()
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect();
    let mut id = words.join("-");
    id.truncate(60);
    format!("why-{}", id.trim_end_matches('-'))
}

/// Why a field was refused, in the worker's language. Reasons built at run time with their
/// numbers in them have no message and stay as the code wrote them.
pub fn why(lang: Lang, e: &bluedot_core::ValidationError) -> String {
    let id = reason_id(&e.message);
    if crate::I18N.has_own(Lang::FALLBACK, &id) {
        staff_t(lang, &id)
    } else {
        e.message.clone()
    }
}

/// A refused field in the worker's language: its label (the message `label_id`) and why.
pub fn field_error(lang: Lang, label_id: &str, e: &bluedot_core::ValidationError) -> String {
    format!("{}: {}", staff_t(lang, label_id), why(lang, e))
}

pub fn staff_t(lang: Lang, id: &str) -> String {
    crate::I18N.message(lang, id, None)
}

/// Appends to the audit log; a failure to audit fails the request, so nothing happens
/// unrecorded.
pub async fn audit(state: &AppState, lang: Lang, event: AuditEvent) -> StaffResult<()> {
    state
        .store
        .audit(&event)
        .await
        .map(|_| ())
        .map_err(|e| StaffError::internal(lang, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(header::HeaderName, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(k.clone(), HeaderValue::from_str(v).unwrap());
        }
        h
    }

    #[test]
    fn same_origin_compares_scheme_host_and_port() {
        let from =
            |origin: &str| headers(&[(header::HOST, "hub.example:8443"), (header::ORIGIN, origin)]);
        assert!(same_origin(&from("https://hub.example:8443"), true));
        assert!(
            !same_origin(&from("http://hub.example:8443"), true),
            "scheme"
        );
        assert!(
            !same_origin(&from("https://hub.example:9443"), true),
            "port"
        );
        assert!(
            !same_origin(&from("https://evil.example:8443"), true),
            "host"
        );
        assert!(!same_origin(&from("null"), true));
        let default_port = headers(&[
            (header::HOST, "hub.example"),
            (header::ORIGIN, "https://hub.example:443"),
        ]);
        assert!(same_origin(&default_port, true));
        let referer = headers(&[
            (header::HOST, "hub.example"),
            (header::REFERER, "http://hub.example/staff/login?x=1"),
        ]);
        assert!(same_origin(&referer, false));
        assert!(!same_origin(&referer, true));
    }
}

/// Every reason the code gives for refusing a field has its message, so a worker reads it in
/// their language (the completeness test then checks all nine languages have it).
#[cfg(test)]
mod reason_tests {
    use std::path::Path;

    /// The reasons written out as text where a field is refused, in one source file.
    fn reasons_in(source: &str) -> Vec<String> {
        let mut out = vec![];
        for call in source.split("ValidationError::new(").skip(1) {
            let Some((_, rest)) = call.split_once(',') else {
                continue;
            };
            let rest = rest.trim_start();
            let Some(body) = rest.strip_prefix('"') else {
                continue;
            };
            let Some(end) = body.find('"') else { continue };
            let after = body[end + 1..].trim_start();
            if after.starts_with([',', ')']) {
                out.push(body[..end].to_owned());
            }
        }
        out
    }

    fn sources(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                sources(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }

    #[test]
    fn every_reason_for_refusing_a_field_has_a_message() {
        let crates = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let mut files = vec![];
        sources(&crates, &mut files);
        let mut missing = vec![];
        let mut found = 0;
        for file in files {
            for reason in reasons_in(&std::fs::read_to_string(&file).unwrap()) {
                found += 1;
                let id = super::reason_id(&reason);
                if !crate::I18N.has_own(bluedot_core::Lang::FALLBACK, &id) {
                    missing.push(format!("{id} = {reason}  ({})", file.display()));
                }
            }
        }
        assert!(found > 90, "only {found} reasons found");
        assert!(missing.is_empty(), "{}", missing.join("\n"));
    }

    #[test]
    fn a_reason_reads_in_the_workers_language() {
        let e = bluedot_core::ValidationError::new("age", "the age is 0 to 25");
        assert_eq!(
            super::field_error(bluedot_core::Lang::Uk, "case-field-hub", &e),
            "Пункт: вік — від 0 до 25"
        );
        // A reason made at run time keeps its words.
        let made = format!("a number from 0 to {}", 200);
        let e = bluedot_core::ValidationError::new("age", made);
        assert_eq!(
            super::why(bluedot_core::Lang::Ro, &e),
            "a number from 0 to 200"
        );
    }
}
