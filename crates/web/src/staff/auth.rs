//! Signing in (password, then a TOTP or recovery code), signing out, and the one-time setup
//! of an account's credentials.

use askama::Template;
use axum::Form;
use axum::extract::{Extension, Path, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Redirect, Response};
use bluedot_store::audit::{AuditEvent, Change};
use chrono::Duration;
use serde::Deserialize;

use super::credentials::{
    check_totp, hash_password, new_recovery_codes, new_totp_secret, password_problem,
    recovery_hash, totp_url, verify_password,
};
use super::{
    ClientAddr, StaffError, StaffResult, audit, check_csrf, same_origin, session_cookie,
    session_token, signed_in, staff_lang, staff_t,
};
use crate::AppState;
use crate::view::{Ctx, render};

/// Failed attempts (password or code) before an account locks, and for how long.
pub const MAX_FAILED_LOGINS: i32 = 5;
pub const LOCKOUT_MINUTES: i64 = 15;

#[derive(Template)]
#[template(path = "staff/login.html")]
struct LoginPage {
    ctx: Ctx,
    error: Option<String>,
    username: String,
}

pub async fn login_form(headers: HeaderMap) -> Response {
    let ctx = Ctx::new(staff_lang(&headers), "/", "staff");
    render(&LoginPage {
        ctx,
        error: None,
        username: String::new(),
    })
}

#[derive(Deserialize)]
pub struct LoginForm {
    username: String,
    password: String,
}

fn event(
    actor: Option<uuid::Uuid>,
    action: &str,
    subject: String,
    source: &ClientAddr,
    outcome: &str,
) -> AuditEvent {
    AuditEvent {
        actor_id: actor,
        action: action.to_owned(),
        subject,
        hub_id: None,
        country: None,
        source: source.0.clone(),
        outcome: outcome.to_owned(),
    }
}

pub async fn login(
    State(state): State<AppState>,
    Extension(from): Extension<ClientAddr>,
    headers: HeaderMap,
    Form(form): Form<LoginForm>,
) -> StaffResult {
    let lang = staff_lang(&headers);
    if state.keys.is_none() {
        return Err(StaffError::NoKeys(lang));
    }
    if !same_origin(&headers, state.config.behind_tls) {
        return Err(StaffError::BadRequest(lang, staff_t(lang, "staff-csrf")));
    }
    if !state.sign_in_limiter.attempt(&from, &form.username) {
        audit(
            &state,
            lang,
            event(
                None,
                "sign-in",
                "user:unknown".into(),
                &from,
                "rate-limited",
            ),
        )
        .await?;
        return Err(StaffError::TooManyAttempts(lang));
    }
    let user = state
        .store
        .user_by_username(&form.username)
        .await
        .map_err(|e| StaffError::internal(lang, e))?;
    // One message for every failure, so the page never tells whether an account exists.
    let refuse = |username: String| {
        let ctx = Ctx::new(lang, "/", "staff");
        let page = LoginPage {
            error: Some(ctx.t("staff-login-failed")),
            username,
            ctx,
        };
        Ok((axum::http::StatusCode::UNAUTHORIZED, render(&page)).into_response())
    };
    let Some(user) = user else {
        // As slow as checking a real password, so timing does not tell either.
        verify_password(&form.password, None);
        audit(
            &state,
            lang,
            event(
                None,
                "sign-in",
                "user:unknown".into(),
                &from,
                "unknown-user",
            ),
        )
        .await?;
        return refuse(form.username);
    };
    let subject = format!("user:{}", user.id);
    let why_not = if user.disabled {
        Some("disabled")
    } else if user.totp_secret.is_none() {
        Some("not-set-up")
    } else if !claim_guess(&state, lang, user.id).await? {
        Some("locked")
    } else if !verify_password(&form.password, user.password_hash.as_deref()) {
        Some("bad-password")
    } else {
        None
    };
    if let Some(why) = why_not {
        audit(
            &state,
            lang,
            event(Some(user.id), "sign-in", subject, &from, why),
        )
        .await?;
        return refuse(form.username);
    }
    state
        .store
        .sign_in_guess_right(user.id, MAX_FAILED_LOGINS)
        .await
        .map_err(|e| StaffError::internal(lang, e))?;
    // A session the browser already held ends here: the password step starts a new one.
    if let Some(old) = session_token(&headers) {
        state
            .store
            .end_session(&old)
            .await
            .map_err(|e| StaffError::internal(lang, e))?;
    }
    let token = state
        .store
        .create_session(user.id, false, state.session_limits)
        .await
        .map_err(|e| StaffError::internal(lang, e))?;
    audit(
        &state,
        lang,
        event(Some(user.id), "sign-in.password", subject, &from, "ok"),
    )
    .await?;
    Ok(with_session_cookie(
        &state,
        Redirect::to("/staff/2fa").into_response(),
        &token,
    ))
}

/// Claims the right to check one guess at this account's password or code (see
/// [`bluedot_store::Store::claim_sign_in_guess`]); false while the account is locked.
async fn claim_guess(
    state: &AppState,
    lang: bluedot_core::Lang,
    user: uuid::Uuid,
) -> StaffResult<bool> {
    state
        .store
        .claim_sign_in_guess(user, MAX_FAILED_LOGINS, Duration::minutes(LOCKOUT_MINUTES))
        .await
        .map_err(|e| StaffError::internal(lang, e))
}

fn with_session_cookie(state: &AppState, mut response: Response, token: &str) -> Response {
    response.headers_mut().insert(
        header::SET_COOKIE,
        session_cookie(
            token,
            state.config.behind_tls,
            state.session_limits.absolute.num_seconds(),
        ),
    );
    response
}

#[derive(Template)]
#[template(path = "staff/two_factor.html")]
struct SecondFactorPage {
    ctx: Ctx,
    csrf: String,
    error: Option<String>,
}

/// The session that passed the password step, with its token.
async fn half_signed_in(
    state: &AppState,
    headers: &HeaderMap,
) -> StaffResult<(String, bluedot_store::accounts::Session)> {
    let lang = staff_lang(headers);
    let token = session_token(headers).ok_or(StaffError::SignIn)?;
    let session = state
        .store
        .session(&token, state.session_limits)
        .await
        .map_err(|e| StaffError::internal(lang, e))?
        .ok_or(StaffError::SignIn)?;
    Ok((token, session))
}

pub async fn second_factor_form(State(state): State<AppState>, headers: HeaderMap) -> StaffResult {
    let (_, session) = half_signed_in(&state, &headers).await?;
    if session.second_factor {
        return Ok(Redirect::to("/staff").into_response());
    }
    let ctx = Ctx::new(staff_lang(&headers), "/", "staff");
    Ok(render(&SecondFactorPage {
        ctx,
        csrf: session.csrf_token,
        error: None,
    }))
}

#[derive(Deserialize)]
pub struct CodeForm {
    code: String,
    csrf: String,
}

pub async fn second_factor(
    State(state): State<AppState>,
    Extension(from): Extension<ClientAddr>,
    headers: HeaderMap,
    Form(form): Form<CodeForm>,
) -> StaffResult {
    let lang = staff_lang(&headers);
    let (token, session) = half_signed_in(&state, &headers).await?;
    if !same_origin(&headers, state.config.behind_tls)
        || !super::credentials::same_secret(&session.csrf_token, &form.csrf)
    {
        return Err(StaffError::BadRequest(lang, staff_t(lang, "staff-csrf")));
    }
    let keys = state.keys.as_ref().ok_or(StaffError::NoKeys(lang))?;
    let user = state
        .store
        .user(session.user_id)
        .await
        .map_err(|e| StaffError::internal(lang, e))?
        .ok_or(StaffError::SignIn)?;
    if !state.sign_in_limiter.attempt(&from, &user.username) {
        return Err(StaffError::TooManyAttempts(lang));
    }
    let subject = format!("user:{}", user.id);
    let secret = user
        .totp_secret
        .as_deref()
        .map(|s| keys.decrypt("users.totp_secret", s))
        .transpose()
        .map_err(|e| StaffError::internal(lang, e))?;
    let outcome = if user.disabled {
        Err("disabled")
    } else if !claim_guess(&state, lang, user.id).await? {
        Err("locked")
    } else {
        // A code counts once: a replayed one fails like a wrong one.
        let by_code = match secret
            .as_deref()
            .and_then(|s| check_totp(s, &user.username, &form.code))
        {
            Some(step) => state
                .store
                .claim_totp_step(user.id, step)
                .await
                .map_err(|e| StaffError::internal(lang, e))?,
            None => false,
        };
        let by_recovery = !by_code
            && state
                .store
                .use_recovery_code(user.id, &recovery_hash(&form.code))
                .await
                .map_err(|e| StaffError::internal(lang, e))?;
        if by_code {
            Ok("ok")
        } else if by_recovery {
            Ok("ok-recovery-code")
        } else {
            Err("bad-code")
        }
    };
    let how = match outcome {
        Ok(how) => how,
        Err(why) => {
            audit(
                &state,
                lang,
                event(Some(user.id), "sign-in.second-factor", subject, &from, why),
            )
            .await?;
            let ctx = Ctx::new(lang, "/", "staff");
            let page = SecondFactorPage {
                error: Some(ctx.t("staff-code-failed")),
                csrf: session.csrf_token,
                ctx,
            };
            return Ok((axum::http::StatusCode::UNAUTHORIZED, render(&page)).into_response());
        }
    };
    state
        .store
        .clear_failed_logins(user.id)
        .await
        .map_err(|e| StaffError::internal(lang, e))?;
    // Fully signed in: a new session id, so a cookie copied after the password step is dead.
    let renewed = state
        .store
        .renew_session_after_second_factor(&token)
        .await
        .map_err(|e| StaffError::internal(lang, e))?
        .ok_or(StaffError::SignIn)?;
    audit(
        &state,
        lang,
        event(Some(user.id), "sign-in", subject, &from, how),
    )
    .await?;
    Ok(with_session_cookie(
        &state,
        Redirect::to("/staff").into_response(),
        &renewed,
    ))
}

#[derive(Deserialize)]
pub struct CsrfForm {
    csrf: String,
}

fn signed_out() -> Response {
    let mut response = Redirect::to("/staff/login").into_response();
    response
        .headers_mut()
        .insert(header::SET_COOKIE, super::session_cookie("", false, 0));
    response
}

pub async fn logout(
    State(state): State<AppState>,
    Extension(from): Extension<ClientAddr>,
    headers: HeaderMap,
    Form(form): Form<CsrfForm>,
) -> StaffResult {
    let staff = signed_in(&state, &headers).await?;
    check_csrf(&staff, &headers, &form.csrf)?;
    state
        .store
        .end_session(&staff.token)
        .await
        .map_err(|e| StaffError::internal(staff.lang, e))?;
    audit(
        &state,
        staff.lang,
        event(
            Some(staff.user.id),
            "sign-out",
            format!("user:{}", staff.user.id),
            &from,
            "ok",
        ),
    )
    .await?;
    Ok(signed_out())
}

pub async fn logout_everywhere(
    State(state): State<AppState>,
    Extension(from): Extension<ClientAddr>,
    headers: HeaderMap,
    Form(form): Form<CsrfForm>,
) -> StaffResult {
    let staff = signed_in(&state, &headers).await?;
    check_csrf(&staff, &headers, &form.csrf)?;
    state
        .store
        .end_all_sessions(staff.user.id)
        .await
        .map_err(|e| StaffError::internal(staff.lang, e))?;
    audit(
        &state,
        staff.lang,
        event(
            Some(staff.user.id),
            "sign-out.everywhere",
            format!("user:{}", staff.user.id),
            &from,
            "ok",
        ),
    )
    .await?;
    Ok(signed_out())
}

#[derive(Template)]
#[template(path = "staff/setup.html")]
struct SetupPage {
    ctx: Ctx,
    token: String,
    username: String,
    secret: String,
    otpauth: String,
    /// The `otpauth://` address as a QR code (SVG) for a phone's authenticator app to scan.
    qr: String,
    error: Option<String>,
}

/// A QR code of `text` as an SVG element, drawn by the server: the page loads nothing else.
fn qr_svg(text: &str) -> String {
    match qrcode::QrCode::with_error_correction_level(text, qrcode::EcLevel::M) {
        Ok(code) => {
            let svg = code
                .render::<qrcode::render::svg::Color>()
                .min_dimensions(200, 200)
                .quiet_zone(true)
                .build();
            // Inline in the page: without the XML prolog, and named for screen readers.
            let start = svg.find("<svg").unwrap_or(0);
            svg[start..].replacen("<svg", "<svg role=\"img\" aria-label=\"QR code\"", 1)
        }
        Err(_) => String::new(),
    }
}

#[derive(Template)]
#[template(path = "staff/setup_done.html")]
struct SetupDonePage {
    ctx: Ctx,
    codes: Vec<String>,
}

async fn link_owner(
    state: &AppState,
    lang: bluedot_core::Lang,
    token: &str,
) -> StaffResult<bluedot_store::accounts::User> {
    let user_id = state
        .store
        .setup_link_user(token)
        .await
        .map_err(|e| StaffError::internal(lang, e))?
        .ok_or_else(|| StaffError::BadRequest(lang, staff_t(lang, "staff-link-invalid")))?;
    state
        .store
        .user(user_id)
        .await
        .map_err(|e| StaffError::internal(lang, e))?
        .filter(|u| !u.disabled)
        .ok_or_else(|| StaffError::BadRequest(lang, staff_t(lang, "staff-link-invalid")))
}

fn setup_page(
    ctx: Ctx,
    token: String,
    username: String,
    secret: String,
    error: Option<String>,
) -> Response {
    let otpauth = totp_url(&secret, &username).unwrap_or_default();
    render(&SetupPage {
        qr: qr_svg(&otpauth),
        ctx,
        token,
        username,
        secret,
        otpauth,
        error,
    })
}

pub async fn setup_form(
    State(state): State<AppState>,
    Path(token): Path<String>,
    headers: HeaderMap,
) -> StaffResult {
    let lang = staff_lang(&headers);
    state.keys.as_ref().ok_or(StaffError::NoKeys(lang))?;
    let user = link_owner(&state, lang, &token).await?;
    let ctx = Ctx::new(lang, "/", "staff");
    Ok(setup_page(
        ctx,
        token,
        user.username,
        new_totp_secret(),
        None,
    ))
}

#[derive(Deserialize)]
pub struct SetupForm {
    password: String,
    password_again: String,
    secret: String,
    code: String,
}

pub async fn setup(
    State(state): State<AppState>,
    Extension(from): Extension<ClientAddr>,
    Path(token): Path<String>,
    headers: HeaderMap,
    Form(form): Form<SetupForm>,
) -> StaffResult {
    let lang = staff_lang(&headers);
    let keys = state.keys.as_ref().ok_or(StaffError::NoKeys(lang))?;
    if !same_origin(&headers, state.config.behind_tls) {
        return Err(StaffError::BadRequest(lang, staff_t(lang, "staff-csrf")));
    }
    let user = link_owner(&state, lang, &token).await?;
    let ctx = Ctx::new(lang, "/", "staff");
    let problem =
        password_problem(&form.password, &form.password_again, &user.username).or_else(|| {
            check_totp(&form.secret, &user.username, &form.code)
                .is_none()
                .then_some("staff-code-failed")
        });
    if let Some(problem) = problem {
        let error = Some(ctx.t(problem));
        let page = setup_page(ctx, token, user.username, form.secret, error);
        return Ok((axum::http::StatusCode::BAD_REQUEST, page).into_response());
    }
    // Use the link up first: of two submissions at once, only one gets this far.
    if state
        .store
        .consume_setup_link(&token)
        .await
        .map_err(|e| StaffError::internal(lang, e))?
        .is_none()
    {
        return Err(StaffError::BadRequest(
            lang,
            staff_t(lang, "staff-link-invalid"),
        ));
    }
    let (codes, hashes) = new_recovery_codes();
    state
        .store
        .set_credentials(
            user.id,
            &hash_password(&form.password),
            &keys.encrypt("users.totp_secret", &form.secret),
            &hashes,
            &Change {
                actor_id: Some(user.id),
                ..Change::by_system(&from.0)
            },
        )
        .await
        .map_err(|e| StaffError::internal(lang, e))?;
    // The code that proved the authenticator works is spent like any other.
    if let Some(step) = check_totp(&form.secret, &user.username, &form.code) {
        state
            .store
            .claim_totp_step(user.id, step)
            .await
            .map_err(|e| StaffError::internal(lang, e))?;
    }
    Ok(render(&SetupDonePage { ctx, codes }))
}
