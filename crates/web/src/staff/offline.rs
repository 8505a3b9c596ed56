//! Offline work for mobile teams: a worker signs in once, sets a PIN, and the browser then
//! registers people, counts visit groups, writes case notes, changes a case's risk level and
//! makes referrals without a connection. Each piece of work is an operation the browser keeps
//! encrypted and sends, in order, when the connection returns; the server applies each once
//! (its idempotency key is the id of what it writes), under the same policy as online, and
//! tells the worker what became of it: done, refused and why, or a conflict to resolve.
//!
//! The shell page holds no personal data (labels and choices only), so the service worker may
//! keep it for offline use; what the device holds about people comes from `package` and is
//! encrypted in the browser under the device's data key.

use askama::Template;
use axum::Json;
use axum::extract::{Extension, Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use bluedot_core::case::{RiskLevel, Step};
use bluedot_core::person::{ConsentGiver, ConsentPurpose, Sex, SpecificNeed};
use bluedot_core::policy::{self, Action};
use bluedot_core::referral::{IN_HUB_ROLES, Urgency};
use bluedot_core::{Hub, Lang, ServiceKind};
use bluedot_store::StoreError;
use bluedot_store::cases::{CaseChange, CaseFilter, StepText};
use bluedot_store::offline::{Device, Outcome, already_written, open_sealed};
use bluedot_store::people::{NewConsent, NewPerson};
use bluedot_store::referrals::ReferralTo;
use bluedot_store::visits::NewVisit;
use chrono::{DateTime, Utc};
use serde::Deserialize;
use uuid::Uuid;

use super::people::{Choice, PersonForm, choices};
use super::referrals::{SlipFill, slip_page};
use super::visits::VisitForm;
use super::{ClientAddr, Desk, StaffError, StaffResult, hub_target, same_origin, staff_t};
use crate::AppState;
use crate::view::{Ctx, render};

/// Operations taken in one request: a day's work of a busy team, and a bound on one request.
const MAX_OPERATIONS: usize = 200;

/// How far ahead of the server's clock a device's clock may run before its times are not
/// believed.
const CLOCK_SKEW_MINUTES: i64 = 10;

#[derive(Template)]
#[template(path = "staff/offline.html")]
struct ShellPage {
    ctx: Ctx,
    nav: super::Nav,
    hub: Hub,
    hub_name: String,
    others: Vec<Choice>,
    hours: u32,
    sexes: Vec<Choice>,
    needs: Vec<Choice>,
    givers: Vec<Choice>,
    risks: Vec<Choice>,
    bands: Vec<(String, String)>,
    /// Supplies the hub had in stock when the page was made; the server checks again.
    items: Vec<Choice>,
    referral: super::referrals::ReferralOptions,
    /// The languages a slip can be printed in, the persons' own first.
    slip_langs: Vec<Choice>,
    /// Messages with several placeholders, which the script fills in.
    progress_msg: String,
    conflict_msg: String,
}

#[derive(Deserialize)]
pub struct HubParam {
    hub: Option<Uuid>,
}

/// The hubs a mobile team of this account works for: where it may register people or count
/// visits.
fn team_hubs(desk: &Desk) -> Vec<&Hub> {
    desk.hubs
        .iter()
        .filter(|h| {
            desk.staff.may(Action::EditPerson, hub_target(h))
                || desk.staff.may(Action::RecordVisit, hub_target(h))
        })
        .collect()
}

fn team_hub(desk: &Desk, asked: Option<Uuid>) -> StaffResult<Hub> {
    let hubs = team_hubs(desk);
    asked
        .and_then(|id| hubs.iter().find(|h| h.id == id))
        .or_else(|| hubs.first())
        .map(|h| (*h).clone())
        .ok_or(StaffError::Forbidden(desk.staff.lang))
}

/// The offline desk: forms and labels, no personal data.
pub async fn shell(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(params): Query<HubParam>,
) -> StaffResult {
    let desk = Desk::open(&state, &headers).await?;
    let hub = team_hub(&desk, params.hub)?;
    let ctx = Ctx::new(desk.staff.lang, "/", "offline");
    let referral = super::referrals::options(&state, &ctx, &desk.staff, &hub)
        .await
        .map_err(|e| desk.internal(e))?;
    let stock = state
        .store
        .stock(hub.id)
        .await
        .map_err(|e| desk.internal(e))?;
    let page = ShellPage {
        nav: super::Nav::for_staff(&desk.staff, &desk.hubs),
        hub_name: hub.name.text(ctx.lang).to_owned(),
        others: team_hubs(&desk)
            .into_iter()
            .filter(|h| h.id != hub.id)
            .map(|h| Choice {
                value: h.id.to_string(),
                label: h.name.text(ctx.lang).to_owned(),
            })
            .collect(),
        hours: state.config.offline_hours,
        sexes: choices(&ctx, Sex::ALL, Sex::code, "sex"),
        needs: choices(&ctx, SpecificNeed::ALL, SpecificNeed::code, "need"),
        givers: choices(&ctx, ConsentGiver::ALL, ConsentGiver::code, "consent-by"),
        risks: choices(&ctx, RiskLevel::ALL, RiskLevel::code, "case-risk"),
        bands: super::visits::band_slugs(),
        items: stock
            .iter()
            .filter(|line| line.quantity > 0)
            .map(|line| Choice {
                value: line.item.code().to_owned(),
                label: ctx.t(&format!("item-{}", line.item.code())),
            })
            .collect(),
        referral,
        slip_langs: [Lang::Uk, Lang::Ru]
            .into_iter()
            .chain(
                Lang::ALL
                    .iter()
                    .copied()
                    .filter(|l| !matches!(l, Lang::Uk | Lang::Ru)),
            )
            .map(|l| Choice {
                value: l.code().to_owned(),
                label: l.native_name().to_owned(),
            })
            .collect(),
        progress_msg: ctx.ta(
            "offline-progress",
            &[("sent", "{sent}".into()), ("total", "{total}".into())],
        ),
        conflict_msg: ctx.ta(
            "offline-conflict",
            &[
                ("case", "{case}".into()),
                ("mine", "{mine}".into()),
                ("who", "{who}".into()),
                ("theirs", "{theirs}".into()),
            ],
        ),
        hub,
        ctx,
    };
    let mut response = render(&page).into_response();
    // The service worker keeps this page (and only pages marked so) for offline use.
    response.headers_mut().insert(
        "x-bluedot-offline-shell",
        HeaderValue::from_static("no-personal-data"),
    );
    Ok(response)
}

/// A JSON request from our own pages: the same origin, and a body type a cross-site form
/// cannot send.
fn json_from_our_pages(desk: &Desk, headers: &HeaderMap) -> StaffResult<()> {
    let json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if json && same_origin(headers, desk.staff.https) {
        Ok(())
    } else {
        Err(StaffError::BadRequest(
            desk.staff.lang,
            staff_t(desk.staff.lang, "staff-csrf"),
        ))
    }
}

fn json(status: StatusCode, body: serde_json::Value) -> Response {
    (status, Json(body)).into_response()
}

#[derive(Deserialize)]
pub struct EnrolBody {
    hub: Uuid,
}

/// Enrols this browser: answers with the device id, its data key (once, to be wrapped under
/// the PIN in the browser) and when it must wipe itself.
pub async fn enrol(
    State(state): State<AppState>,
    Extension(from): Extension<ClientAddr>,
    headers: HeaderMap,
    Json(body): Json<EnrolBody>,
) -> StaffResult {
    let desk = Desk::open(&state, &headers).await?;
    json_from_our_pages(&desk, &headers)?;
    let hub = team_hub(&desk, Some(body.hub))?;
    if hub.id != body.hub {
        return Err(StaffError::Forbidden(desk.staff.lang));
    }
    let (device, key) = state
        .store
        .enrol_device(
            &desk.keys,
            desk.staff.user.id,
            state.config.offline_hours,
            &desk.staff.change_at(&from, &hub),
        )
        .await
        .map_err(|e| desk.internal(e))?;
    use base64::Engine;
    Ok(json(
        StatusCode::OK,
        serde_json::json!({
            "device": device.id,
            "key": base64::engine::general_purpose::STANDARD.encode(key.as_slice()),
            "expires_at": device.expires_at,
            "user": desk.staff.user.id,
            "hub": hub.id,
        }),
    ))
}

/// Whether a device may go on holding data: `active`, `expired` (send what is queued, then
/// wipe) or `ended` (signed out, or the account disabled: wipe now). Asked without a session,
/// so a device learns it must wipe even when its worker can no longer sign in.
pub async fn status(State(state): State<AppState>, Path(id): Path<Uuid>) -> StaffResult {
    let lang = bluedot_core::Lang::FALLBACK;
    let device = state
        .store
        .device(id)
        .await
        .map_err(|e| StaffError::internal(lang, e))?;
    let disabled = match &device {
        Some(d) => state
            .store
            .user(d.user_id)
            .await
            .map_err(|e| StaffError::internal(lang, e))?
            .is_none_or(|u| u.disabled),
        None => true,
    };
    let now = state.store.now();
    let said = match device {
        Some(d) if !disabled && d.ended_at.is_none() && now < d.expires_at => "active",
        Some(d) if !disabled && d.ended_at.is_none() => "expired",
        _ => "ended",
    };
    Ok(json(StatusCode::OK, serde_json::json!({ "state": said })))
}

/// The device's own account, signed in, still holding it.
async fn own_device(state: &AppState, desk: &Desk, id: Uuid) -> StaffResult<Option<Device>> {
    let device = state.store.device(id).await.map_err(|e| desk.internal(e))?;
    Ok(device.filter(|d| d.user_id == desk.staff.user.id && d.ended_at.is_none()))
}

/// Signs the worker out on this device and ends the device.
pub async fn end(
    State(state): State<AppState>,
    Extension(from): Extension<ClientAddr>,
    Path(id): Path<Uuid>,
    headers: HeaderMap,
) -> StaffResult {
    let desk = Desk::open(&state, &headers).await?;
    json_from_our_pages(&desk, &headers)?;
    if own_device(&state, &desk, id).await?.is_some() {
        state
            .store
            .end_device(id, &desk.staff.change_in(&from, None))
            .await
            .map_err(|e| desk.internal(e))?;
    }
    state
        .store
        .end_session(&desk.staff.token)
        .await
        .map_err(|e| desk.internal(e))?;
    let mut response = json(StatusCode::OK, serde_json::json!({ "state": "ended" }));
    response.headers_mut().insert(
        header::SET_COOKIE,
        super::session_cookie("", desk.staff.https, 0),
    );
    Ok(response)
}

/// What the device holds: the hub's open cases assigned to the worker or a team mate, with
/// the name and birth year of each case's person, for notes, risk changes, referrals and the
/// duplicate check made on the device.
pub async fn package(
    State(state): State<AppState>,
    Extension(from): Extension<ClientAddr>,
    headers: HeaderMap,
    Query(params): Query<HubParam>,
) -> StaffResult {
    let desk = Desk::open(&state, &headers).await?;
    let hub = team_hub(&desk, params.hub)?;
    let mut cases = Vec::new();
    if policy::works_on_cases(&desk.staff.actor, hub_target(&hub)) {
        let deployments = super::deployments::under_way(&state, &hub)
            .await
            .map_err(|e| desk.internal(e))?;
        let mut team = vec![desk.staff.user.id];
        for d in deployments
            .iter()
            .filter(|d| d.has_member(desk.staff.user.id))
        {
            team.extend(d.team.iter().map(|(id, _)| *id));
        }
        let open = state
            .store
            .cases_in_scope(
                &desk.staff.actor.scope,
                &CaseFilter {
                    open_only: true,
                    hub: Some(hub.id),
                    ..CaseFilter::default()
                },
            )
            .await
            .map_err(|e| desk.internal(e))?;
        let ctx = Ctx::new(desk.staff.lang, "/", "offline");
        for case in open
            .into_iter()
            .filter(|c| team.contains(&c.state.assigned_to))
        {
            let Some(person) = state
                .store
                .person(&desk.keys, case.person_id)
                .await
                .map_err(|e| desk.internal(e))?
            else {
                continue;
            };
            let Some(identity) = person.identity else {
                continue;
            };
            cases.push(serde_json::json!({
                "id": case.id,
                "number": case.case_number,
                "person": person.id,
                "name": identity.full_name(),
                "latin": format!("{} {}", identity.latin_given_name, identity.latin_family_name).trim(),
                "birth_year": person.birth_year,
                "risk": case.state.risk.code(),
                "risk_label": ctx.t(&format!("case-risk-{}", case.state.risk.code())),
                "version": case.version,
            }));
        }
    }
    let mut event = desk
        .staff
        .event_at("offline.package", format!("hub:{}", hub.id), &from, &hub);
    event.outcome = format!("{} cases", cases.len());
    super::audit(&state, desk.staff.lang, event).await?;
    Ok(json(
        StatusCode::OK,
        serde_json::json!({
            "hub": hub.id,
            "taken_at": state.store.now(),
            "cases": cases,
        }),
    ))
}

#[derive(Deserialize)]
pub struct SlipsParams {
    hub: Option<Uuid>,
    lang: Option<String>,
}

/// Blank referral slips in one language, one for each receiver a referral from the hub may go
/// to, for the device to fill in and print offline. They hold no personal data: the referral's
/// facts are placeholders (`{name}`, `{reference}`, `{date}`, `{service}`, `{urgency}`),
/// with the labels of services and urgencies to fill them with.
pub async fn slips(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(params): Query<SlipsParams>,
) -> StaffResult {
    let desk = Desk::open(&state, &headers).await?;
    let hub = team_hub(&desk, params.hub)?;
    let lang = params
        .lang
        .as_deref()
        .and_then(Lang::from_tag)
        .unwrap_or(Lang::Uk);
    let providers = state
        .store
        .list_providers(Some(hub.country))
        .await
        .map_err(|e| desk.internal(e))?;
    let mut receivers: Vec<(String, ReferralTo)> = IN_HUB_ROLES
        .iter()
        .map(|r| {
            (
                format!("specialist:{}", r.code()),
                ReferralTo::Specialist(*r),
            )
        })
        .collect();
    receivers.extend(
        providers
            .iter()
            .map(|p| (format!("provider:{}", p.id), ReferralTo::Provider(p.id))),
    );
    let mut slips = serde_json::Map::new();
    for (value, to) in receivers {
        let blank = SlipFill {
            reference: "{reference}".into(),
            date: "{date}".into(),
            name: "{name}".into(),
            service: "{service}".into(),
            urgency: "{urgency}".into(),
        };
        let page = slip_page(Ctx::new(lang, "/", "slip"), &hub, &providers, to, blank);
        let html = page.render().map_err(|e| desk.internal(e))?;
        slips.insert(value, html.into());
    }
    let ctx = Ctx::new(lang, "/", "slip");
    let labels =
        |codes: Vec<&'static str>, prefix: &str| -> serde_json::Map<String, serde_json::Value> {
            codes
                .into_iter()
                .map(|c| (c.to_owned(), ctx.t(&format!("{prefix}-{c}")).into()))
                .collect()
        };
    Ok(json(
        StatusCode::OK,
        serde_json::json!({
            "lang": lang.code(),
            "slips": slips,
            "services": labels(ServiceKind::ALL.iter().map(|s| s.code()).collect(), "service"),
            "urgencies": labels(Urgency::ALL.iter().map(|u| u.code()).collect(), "slip-urgency"),
        }),
    ))
}

#[derive(Deserialize)]
pub struct SyncBody {
    device: Uuid,
    operations: Vec<SealedOperation>,
}

#[derive(Deserialize)]
pub struct SealedOperation {
    key: Uuid,
    sealed: String,
}

/// An operation as the device wrote it, once opened.
#[derive(Deserialize)]
struct Operation {
    kind: String,
    done_at: DateTime<Utc>,
    /// The record it is about: a case or a person.
    #[serde(default)]
    target: String,
    /// The fields of the matching online form.
    #[serde(default)]
    fields: Vec<(String, String)>,
}

/// Applies a device's queued operations in order and answers with each one's outcome. An
/// operation sent again gets its first outcome back. A failure of the server stops the batch
/// there: what came before is applied and answered, the rest is sent again later.
pub async fn sync(
    State(state): State<AppState>,
    Extension(from): Extension<ClientAddr>,
    headers: HeaderMap,
    Json(body): Json<SyncBody>,
) -> StaffResult {
    let desk = Desk::open(&state, &headers).await?;
    json_from_our_pages(&desk, &headers)?;
    let lang = desk.staff.lang;
    let Some(device) = own_device(&state, &desk, body.device).await? else {
        return Ok(json(
            StatusCode::FORBIDDEN,
            serde_json::json!({ "state": "ended", "error": staff_t(lang, "offline-device-ended") }),
        ));
    };
    if body.operations.len() > MAX_OPERATIONS {
        return Err(StaffError::BadRequest(
            lang,
            staff_t(lang, "offline-too-many"),
        ));
    }
    let key = state
        .store
        .device_key(&desk.keys, device.id)
        .await
        .map_err(|e| desk.internal(e))?
        .ok_or_else(|| desk.internal("an enrolled device has no key"))?;
    let mut results = Vec::new();
    for sealed in &body.operations {
        let op_key = sealed.key.to_string();
        let outcome = match state.store.operation_outcome(&op_key).await {
            Ok(Some(outcome)) => outcome,
            Ok(None) => {
                let opened = open_sealed(&key, &sealed.sealed, &op_key)
                    .and_then(|plain| serde_json::from_slice::<Operation>(&plain).ok());
                let Some(op) = opened else {
                    let refused = Outcome::Refused {
                        reason: staff_t(lang, "offline-unreadable"),
                    };
                    results.push(answer(&op_key, &refused));
                    continue;
                };
                // A device's clock is believed within the time it held the work.
                let now = state.store.now();
                let done_at = op.done_at.clamp(
                    device.enrolled_at - chrono::Duration::minutes(CLOCK_SKEW_MINUTES),
                    now,
                );
                let offline_from = ClientAddr(format!(
                    "{} offline {} device {}",
                    from.0,
                    done_at.format("%Y-%m-%dT%H:%MZ"),
                    &device.id.simple().to_string()[24..]
                ));
                let applied = match apply(&state, &desk, &offline_from, sealed.key, done_at, &op)
                    .await
                {
                    Ok(outcome) => outcome,
                    Err(e) => {
                        // Nothing of this operation was kept: the device sends it again.
                        let e = refusal(e).err();
                        tracing::warn!(error = ?e, "offline operation could not be applied now");
                        return Ok(json(
                            StatusCode::SERVICE_UNAVAILABLE,
                            serde_json::json!({ "results": results, "error": staff_t(lang, "offline-try-later") }),
                        ));
                    }
                };
                state
                    .store
                    .record_operation(&op_key, &device, &op.kind, done_at, &applied)
                    .await
                    .map_err(|e| desk.internal(e))?
            }
            Err(e) => return Err(desk.internal(e)),
        };
        results.push(answer(&op_key, &outcome));
    }
    Ok(json(
        StatusCode::OK,
        serde_json::json!({ "results": results }),
    ))
}

fn answer(key: &str, outcome: &Outcome) -> serde_json::Value {
    serde_json::json!({ "key": key, "outcome": outcome })
}

/// What a worker is told of a refusal: the page's message, in their language. Failures of the
/// server and lost sessions are not refusals: the operation waits and is sent again.
fn refusal(e: StaffError) -> Result<String, StaffError> {
    match e {
        StaffError::BadRequest(_, message) => Ok(message),
        StaffError::Forbidden(l) | StaffError::NotFound(l) => Ok(staff_t(l, "offline-forbidden")),
        other => Err(other),
    }
}

/// Runs one operation, as its online form would.
async fn apply(
    state: &AppState,
    desk: &Desk,
    from: &ClientAddr,
    id: Uuid,
    done_at: DateTime<Utc>,
    op: &Operation,
) -> StaffResult<Outcome> {
    let done = match op.kind.as_str() {
        "person" => register(state, desk, from, id, &op.fields).await,
        "visit" => count_visit(state, desk, from, id, done_at, &op.fields)
            .await
            .map(Outcome::done),
        "case-note" => case_note(state, desk, from, id, op)
            .await
            .map(Outcome::done),
        "case-risk" => return change_risk(state, desk, from, op).await,
        "referral" => match op.target.parse::<Uuid>() {
            Ok(person) => super::referrals::make(state, desk, from, id, person, &op.fields)
                .await
                .map(|id| Outcome::done(format!("referral:{id}"))),
            Err(_) => Err(StaffError::NotFound(desk.staff.lang)),
        },
        _ => Err(StaffError::BadRequest(
            desk.staff.lang,
            staff_t(desk.staff.lang, "offline-unreadable"),
        )),
    };
    done.or_else(|e| refusal(e).map(|reason| Outcome::Refused { reason }))
}

/// A refusal in the worker's language.
fn refused(desk: &Desk, message: String) -> StaffError {
    StaffError::BadRequest(desk.staff.lang, message)
}

async fn register(
    state: &AppState,
    desk: &Desk,
    from: &ClientAddr,
    id: Uuid,
    fields: &[(String, String)],
) -> StaffResult<Outcome> {
    let form = PersonForm::from_pairs(fields.to_vec());
    let (hub, sex, identity, needs, given_by) = form
        .parse(&desk.hubs)
        .map_err(|e| refused(desk, super::people::field_message(&desk.staff, &e)))?;
    if !desk.staff.may(Action::EditPerson, hub_target(&hub)) {
        let event = desk
            .staff
            .denied_at("person.create", "person:new".into(), from, &hub);
        super::audit(state, desk.staff.lang, event).await?;
        return Err(StaffError::Forbidden(desk.staff.lang));
    }
    let new = NewPerson {
        hub_id: hub.id,
        country: hub.country,
        sex,
        identity: identity.clone(),
        needs,
        consent: NewConsent {
            purpose: ConsentPurpose::Registration,
            given_by,
            recorded_by: Some(desk.staff.user.id),
        },
        registered_by: Some(desk.staff.user.id),
    };
    let change = desk.staff.change_at(from, &hub);
    match state
        .store
        .create_person_as(&desk.keys, id, &new, &change)
        .await
    {
        // Written by an earlier sending of this operation; its consent step may not have been.
        Ok(_) => {}
        Err(e) if already_written(&e) => {}
        Err(StoreError::Invalid(e)) => {
            return Err(refused(desk, super::people::field_message(&desk.staff, &e)));
        }
        Err(e) => return Err(desk.internal(e)),
    }
    // Consent to referral asked at registration, so a referral made offline can follow.
    let referral_consent =
        |c: &bluedot_store::people::Consent| c.purpose == ConsentPurpose::Referral && c.in_force();
    if super::form_field(fields, "consent_referral") == "yes"
        && !state
            .store
            .consents(id)
            .await
            .map_err(|e| desk.internal(e))?
            .iter()
            .any(referral_consent)
    {
        state
            .store
            .record_consent(
                id,
                &NewConsent {
                    purpose: ConsentPurpose::Referral,
                    given_by,
                    recorded_by: Some(desk.staff.user.id),
                },
                &change,
            )
            .await
            .map_err(|e| desk.internal(e))?;
    }
    // The device could check only what it held; the worker is told of earlier records here,
    // as the form online would have warned, to merge them if they are the same child.
    let similar: Vec<Uuid> = super::people::likely_duplicates(state, desk, &identity)
        .await?
        .visible
        .iter()
        .map(|p| p.id)
        .filter(|p| *p != id)
        .collect();
    if !similar.is_empty() {
        let mut event = desk.staff.event_at(
            "person.duplicate-warning",
            format!("person:{id}"),
            from,
            &hub,
        );
        event.outcome = format!("{} shown", similar.len());
        super::audit(state, desk.staff.lang, event).await?;
    }
    Ok(Outcome::Done {
        record: format!("person:{id}"),
        similar,
    })
}

async fn count_visit(
    state: &AppState,
    desk: &Desk,
    from: &ClientAddr,
    id: Uuid,
    done_at: DateTime<Utc>,
    fields: &[(String, String)],
) -> StaffResult<String> {
    let message = |e: &bluedot_core::ValidationError| {
        refused(desk, super::visits::field_message(&desk.staff, e))
    };
    let form = VisitForm::from_pairs(fields).map_err(|e| message(&e))?;
    let hub = form
        .hub
        .parse::<Uuid>()
        .ok()
        .and_then(|h| desk.hub(h))
        .filter(|h| desk.staff.may(Action::RecordVisit, hub_target(h)))
        .cloned()
        .ok_or(StaffError::Forbidden(desk.staff.lang))?;
    let draft = form.draft().map_err(|e| message(&e))?;
    let new = NewVisit {
        hub_id: hub.id,
        country: hub.country,
        // The day the group was met, not the day the connection came back.
        day: hub.country.local_day(done_at),
        idempotency_key: id.to_string(),
        recorded_by: Some(desk.staff.user.id),
        draft,
        items: form.items.clone(),
        deployment_id: form.deployment_id().map_err(|e| message(&e))?,
    };
    match state
        .store
        .record_visit(&new, &desk.staff.change_at(from, &hub))
        .await
    {
        Ok(recorded) => Ok(format!("visit:{}", recorded.id)),
        Err(StoreError::Invalid(e)) => Err(message(&e)),
        Err(StoreError::OutOfStock { item, available }) => Err(refused(
            desk,
            super::visits::out_of_stock(&desk.staff, item, available),
        )),
        Err(e) => Err(desk.internal(e)),
    }
}

async fn case_note(
    state: &AppState,
    desk: &Desk,
    from: &ClientAddr,
    id: Uuid,
    op: &Operation,
) -> StaffResult<String> {
    let opened = desk.case(state, from, &op.target, "case.note").await?;
    if !desk.staff.may(Action::ManageCase, hub_target(&opened.hub)) {
        return Err(StaffError::Forbidden(desk.staff.lang));
    }
    let text = StepText {
        note: super::form_field(&op.fields, "note").trim().to_owned(),
        ..StepText::default()
    };
    match state
        .store
        .case_note_as(
            &desk.keys,
            id,
            opened.case.id,
            &text,
            desk.staff.user.id,
            &desk.staff.change_at(from, &opened.hub),
        )
        .await
    {
        Ok(()) => Ok(format!("case:{}", opened.case.id)),
        Err(e) if already_written(&e) => Ok(format!("case:{}", opened.case.id)),
        Err(StoreError::Invalid(e)) => Err(refused(
            desk,
            super::field_error(desk.staff.lang, "case-note", &e),
        )),
        Err(e) => Err(desk.internal(e)),
    }
}

/// A risk level changed offline from the level the device saw. Applied when the case still
/// has that level; a conflict when someone changed it meanwhile (the worker chooses), never a
/// silent overwrite; nothing to do when it already has the new level.
async fn change_risk(
    state: &AppState,
    desk: &Desk,
    from: &ClientAddr,
    op: &Operation,
) -> StaffResult<Outcome> {
    let lang = desk.staff.lang;
    let opened = match desk.case(state, from, &op.target, "case.risk").await {
        Ok(opened) => opened,
        Err(e) => return refusal(e).map(|reason| Outcome::Refused { reason }),
    };
    let level = |name: &str| RiskLevel::from_code(&super::form_field(&op.fields, name));
    let (Some(seen), Some(mine)) = (level("seen"), level("risk")) else {
        return Ok(Outcome::Refused {
            reason: staff_t(lang, "offline-unreadable"),
        });
    };
    let step = Step::ChangeRisk(mine);
    if !desk
        .staff
        .may(policy::case_step_action(&step), hub_target(&opened.hub))
    {
        return Ok(Outcome::Refused {
            reason: staff_t(lang, "offline-forbidden"),
        });
    }
    let case_id = opened.case.id;
    let mut case = opened.case;
    for _ in 0..3 {
        let theirs = case.state.risk;
        if theirs == mine {
            return Ok(Outcome::done(format!("case:{case_id}")));
        }
        if theirs != seen {
            let changed_by = case_changer(state, desk, case_id).await?;
            return Ok(Outcome::Conflict {
                record: format!("case:{case_id}"),
                field: "risk".into(),
                seen: seen.code().into(),
                theirs: theirs.code().into(),
                mine: mine.code().into(),
                changed_by,
                changed_at: Some(case.updated_at),
            });
        }
        let change = CaseChange {
            id: case_id,
            version: case.version,
            step: step.clone(),
            text: StepText::default(),
            by: desk.staff.user.id,
        };
        match state
            .store
            .case_step(
                &desk.keys,
                &change,
                &state.config.case_deadlines,
                &desk.staff.change_at(from, &opened.hub),
            )
            .await
        {
            Ok(_) => {
                return Ok(Outcome::done(format!("case:{case_id}")));
            }
            // Another step landed between reading and writing: look again.
            Err(StoreError::Conflict(_)) => {
                case = state
                    .store
                    .case(case_id)
                    .await
                    .map_err(|e| desk.internal(e))?
                    .ok_or(StaffError::NotFound(lang))?;
            }
            Err(StoreError::Invalid(e)) => {
                return Ok(Outcome::Refused {
                    reason: super::why(lang, &e),
                });
            }
            Err(e) => return Err(desk.internal(e)),
        }
    }
    Err(desk.internal("a case kept changing while its risk was set"))
}

/// Who last changed a case's risk level, by name, for the worker resolving a conflict.
async fn case_changer(state: &AppState, desk: &Desk, case: Uuid) -> StaffResult<Option<String>> {
    let history = state
        .store
        .case_history(&desk.keys, case)
        .await
        .map_err(|e| desk.internal(e))?;
    let Some(by) = history
        .iter()
        .rev()
        .find(|e| e.step == "risk")
        .and_then(|e| e.by)
    else {
        return Ok(None);
    };
    Ok(state
        .store
        .user(by)
        .await
        .map_err(|e| desk.internal(e))?
        .map(|u| u.display_name))
}
