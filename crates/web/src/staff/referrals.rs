//! Referral pages: send from a person's record, the receiving specialist's queue with overdue
//! flags, the referral itself with accept / decline / complete, and a slip for the person in
//! their language to take to the provider.

use askama::Template;
use axum::Form;
use axum::extract::{Extension, Path, Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect};
use bluedot_core::person::Identity;
use bluedot_core::policy::ReferralSide as Side;
use bluedot_core::policy::{self, Action, Field, Role, may_see, role_sees};
use bluedot_core::provider::Provider;
use bluedot_core::referral::{IN_HUB_ROLES, ReferralStatus, Urgency, is_overdue};
use bluedot_core::{Hub, Lang, ServiceKind};
use bluedot_store::StoreError;
use bluedot_store::referrals::{NewReferral, Referral, ReferralTo};
use chrono::Utc;
use serde::Deserialize;
use uuid::Uuid;

use super::Desk;
use super::people::{Choice, choices};
use super::{ClientAddr, Nav, Staff, StaffError, StaffResult, audit, check_csrf, hub_target};
use crate::AppState;
use crate::view::{ContactLink, Ctx, DayRow, hours_in_words, render};

/// The role of the specialists a referral was sent to; none for an external provider.
fn sent_to(referral: &Referral) -> Option<Role> {
    match referral.to {
        ReferralTo::Specialist(role) => Some(role),
        ReferralTo::Provider(_) => None,
    }
}

impl Desk {
    fn side(&self, referral: &Referral, hub: &Hub) -> Option<Side> {
        policy::referral_side(&self.staff.actor, hub_target(hub), sent_to(referral))
    }

    /// The referral `id` and how this account stands to it; refusals are audited and answered
    /// as "not found".
    async fn referral(
        &self,
        state: &AppState,
        from: &ClientAddr,
        id: &str,
        verb: &str,
    ) -> StaffResult<(Referral, Hub, Side)> {
        let (referral, hub) = self
            .open_record(state, from, id, verb, |actor, at, r: &Referral| {
                policy::referral_side(actor, at, sent_to(r)).is_some()
            })
            .await?;
        // The rule just held, so the side is there.
        let side = self
            .side(&referral, &hub)
            .ok_or(StaffError::NotFound(self.staff.lang))?;
        Ok((referral, hub, side))
    }

    /// The person's name if the referral shares it and this account may read it.
    async fn shared_identity(
        &self,
        state: &AppState,
        referral: &Referral,
        hub: &Hub,
    ) -> StaffResult<Option<Identity>> {
        let shown = referral.shared.contains(&Field::Identity)
            && may_see(&self.staff.actor, Field::Identity, hub_target(hub));
        if !shown {
            return Ok(None);
        }
        Ok(state
            .store
            .person(&self.keys, referral.person_id)
            .await
            .map_err(|e| self.internal(e))?
            .and_then(|p| p.identity))
    }
}

fn receiver_label(ctx: &Ctx, to: ReferralTo, providers: &[Provider]) -> String {
    match to {
        ReferralTo::Specialist(role) => ctx.t(&format!("role-{}", role.code())),
        ReferralTo::Provider(id) => providers
            .iter()
            .find(|p| p.id == id)
            .map(|p| format!("{} — {}", p.organization, p.name.text(ctx.lang)))
            .unwrap_or_else(|| ctx.t("referral-provider-gone")),
    }
}

// ---------------------------------------------------------------------------------------------
// Sending

pub async fn send(
    State(state): State<AppState>,
    Extension(from): Extension<ClientAddr>,
    Path(person): Path<String>,
    headers: HeaderMap,
    Form(pairs): Form<Vec<(String, String)>>,
) -> StaffResult {
    let l = Desk::open(&state, &headers).await?;
    check_csrf(&l.staff, &headers, &super::form_field(&pairs, "csrf"))?;
    let person_id: Uuid = person
        .parse()
        .map_err(|_| StaffError::NotFound(l.staff.lang))?;
    let id = make(&state, &l, &from, Uuid::now_v7(), person_id, &pairs).await?;
    Ok(Redirect::to(&format!("/staff/referrals/{id}")).into_response())
}

/// Makes the referral a form describes for `person_id`, under `id`, as `send` does for the
/// page and the offline sync does for a mobile team; refusals are audited.
pub(super) async fn make(
    state: &AppState,
    l: &Desk,
    from: &ClientAddr,
    id: Uuid,
    person_id: Uuid,
    pairs: &[(String, String)],
) -> StaffResult<Uuid> {
    let lang = l.staff.lang;
    let get = |name: &str| super::form_field(pairs, name);
    let person = state
        .store
        .person(&l.keys, person_id)
        .await
        .map_err(|e| l.internal(e))?
        .ok_or(StaffError::NotFound(lang))?;
    let hub = l
        .hub(person.hub_id)
        .cloned()
        .ok_or(StaffError::NotFound(lang))?;
    if !l.staff.may(Action::EditPerson, hub_target(&hub)) {
        let event = l
            .staff
            .denied_at("referral.create", format!("person:{person_id}"), from, &hub);
        audit(state, lang, event).await?;
        return Err(StaffError::NotFound(lang));
    }
    let bad = |id: &str| StaffError::BadRequest(lang, crate::I18N.message(lang, id, None));
    let service =
        ServiceKind::from_code(&get("service")).ok_or_else(|| bad("referral-bad-service"))?;
    let urgency = Urgency::from_code(&get("urgency")).ok_or_else(|| bad("referral-bad-urgency"))?;
    let to = match get("to").split_once(':') {
        Some(("specialist", role)) => Role::from_code(role)
            .filter(|r| IN_HUB_ROLES.contains(r))
            .map(ReferralTo::Specialist),
        Some(("provider", id)) => id.parse().ok().map(ReferralTo::Provider),
        _ => None,
    }
    .ok_or_else(|| bad("referral-bad-receiver"))?;
    if let ReferralTo::Provider(id) = to {
        let providers = state
            .store
            .list_providers(Some(hub.country))
            .await
            .map_err(|e| l.internal(e))?;
        if !providers.iter().any(|p| p.id == id) {
            return Err(bad("referral-bad-receiver"));
        }
    }
    let mut shared = Vec::new();
    for (k, v) in pairs {
        if k == "share" {
            shared.push(Field::from_code(v).ok_or_else(|| bad("referral-bad-share"))?);
        }
    }
    let deployment_id = match get("deployment").trim() {
        "" => None,
        id => Some(id.parse().map_err(|_| bad("referral-bad-deployment"))?),
    };
    let new = NewReferral {
        deployment_id,
        person_id,
        hub_id: hub.id,
        country: hub.country,
        service,
        to,
        urgency,
        shared,
        reason: get("reason"),
        created_by: Some(l.staff.user.id),
    };
    match state
        .store
        .create_referral_as(&l.keys, id, &new, &l.staff.change_at(from, &hub))
        .await
    {
        Ok(id) => Ok(id),
        // Made by an earlier sending of the same offline operation.
        Err(e) if bluedot_store::offline::already_written(&e) => Ok(id),
        Err(StoreError::Invalid(e)) => Err(StaffError::BadRequest(
            lang,
            super::field_error(lang, &format!("referral-{}", e.field), &e),
        )),
        Err(e) => Err(l.internal(e)),
    }
}

/// What the person page needs to offer a referral.
pub struct ReferralOptions {
    pub services: Vec<Choice>,
    pub receivers: Vec<Choice>,
    pub urgencies: Vec<Choice>,
    pub parts: Vec<Choice>,
    /// Deployments of the hub under way, and the one this account is on.
    pub deployments: Vec<Choice>,
    pub own_deployment: String,
}

pub async fn options(
    state: &AppState,
    ctx: &Ctx,
    staff: &Staff,
    hub: &Hub,
) -> Result<ReferralOptions, StoreError> {
    let providers = state.store.list_providers(Some(hub.country)).await?;
    let deployments = super::deployments::under_way(state, hub).await?;
    let mut receivers: Vec<Choice> = IN_HUB_ROLES
        .iter()
        .map(|r| Choice {
            value: format!("specialist:{}", r.code()),
            label: ctx.t(&format!("role-{}", r.code())),
        })
        .collect();
    receivers.extend(providers.iter().map(|p| Choice {
        value: format!("provider:{}", p.id),
        label: format!("{} — {}", p.organization, p.name.text(ctx.lang)),
    }));
    Ok(ReferralOptions {
        services: choices(ctx, ServiceKind::ALL, ServiceKind::code, "service"),
        receivers,
        urgencies: choices(ctx, Urgency::ALL, Urgency::code, "urgency"),
        parts: choices(ctx, Field::ALL, Field::code, "field"),
        own_deployment: super::deployments::own(&deployments, staff).unwrap_or_default(),
        deployments: super::deployments::choices(&deployments),
    })
}

/// One referral as lists show it.
pub struct ReferralLine {
    pub id: Uuid,
    pub person: String,
    pub service: String,
    pub receiver: String,
    pub urgency: String,
    pub status: String,
    pub due: String,
    pub overdue: bool,
}

/// Still waiting for the receiver's answer, or past its due time.
fn waits_for_answer(r: &Referral) -> bool {
    r.status == ReferralStatus::Sent || is_overdue(r.status, r.due_at, Utc::now())
}

pub fn line(
    ctx: &Ctx,
    r: &Referral,
    person: String,
    providers: &[Provider],
    hub: &Hub,
) -> ReferralLine {
    ReferralLine {
        id: r.id,
        person,
        service: ctx.t(&format!("service-{}", r.service.code())),
        receiver: receiver_label(ctx, r.to, providers),
        urgency: ctx.t(&format!("urgency-{}", r.urgency.code())),
        status: ctx.t(&format!("referral-status-{}", r.status.code())),
        due: ctx.at_hub(r.due_at, hub),
        overdue: is_overdue(r.status, r.due_at, Utc::now()),
    }
}

// ---------------------------------------------------------------------------------------------
// The queue

#[derive(Template)]
#[template(path = "staff/referrals.html")]
struct QueuePage {
    ctx: Ctx,
    nav: Nav,
    lines: Vec<ReferralLine>,
    overdue: usize,
}

/// The open referrals this account follows (all of its hubs' for supervisors, its role's
/// queue for specialists), or `None` when it follows none; with `only_waiting`, just those
/// waiting for an answer. At most `limit`: names are read only for the referrals returned.
pub async fn queue_lines(
    state: &AppState,
    l: &Desk,
    only_waiting: bool,
    limit: usize,
) -> StaffResult<Option<Vec<ReferralLine>>> {
    let role = l.staff.user.role;
    let supervises = l.staff.may_anywhere(Action::SuperviseCase, &l.hubs);
    if !supervises && !IN_HUB_ROLES.contains(&role) {
        return Ok(None);
    }
    let ctx = Ctx::new(l.staff.lang, "/", "referrals");
    let referrals = state
        .store
        .referral_queue(&l.keys, &l.staff.actor.scope, (!supervises).then_some(role))
        .await
        .map_err(|e| l.internal(e))?;
    let providers = state
        .store
        .list_providers(None)
        .await
        .map_err(|e| l.internal(e))?;
    let mut lines = Vec::new();
    for r in referrals
        .iter()
        .filter(|r| !only_waiting || waits_for_answer(r))
    {
        if lines.len() == limit {
            break;
        }
        let Some(hub) = l.hub(r.hub_id) else { continue };
        if !l.staff.may(Action::ViewPerson, hub_target(hub)) {
            continue;
        }
        let person = l
            .shared_identity(state, r, hub)
            .await?
            .map(|i| i.full_name())
            .unwrap_or_else(|| format!("#{}", &r.person_id.simple().to_string()[..8]));
        lines.push(line(&ctx, r, person, &providers, hub));
    }
    Ok(Some(lines))
}

pub async fn queue(
    State(state): State<AppState>,
    Extension(from): Extension<ClientAddr>,
    headers: HeaderMap,
) -> StaffResult {
    let l = Desk::open(&state, &headers).await?;
    let lines = queue_lines(&state, &l, false, usize::MAX)
        .await?
        .ok_or(StaffError::Forbidden(l.staff.lang))?;
    audit(
        &state,
        l.staff.lang,
        l.staff.event("referral.queue", "referrals".into(), &from),
    )
    .await?;
    let page = QueuePage {
        nav: Nav::for_staff(&l.staff, &l.hubs),
        overdue: lines.iter().filter(|r| r.overdue).count(),
        lines,
        ctx: Ctx::new(l.staff.lang, "/", "referrals"),
    };
    Ok(render(&page))
}

// ---------------------------------------------------------------------------------------------
// One referral

#[derive(Template)]
#[template(path = "staff/referral.html")]
struct ReferralPage {
    ctx: Ctx,
    nav: Nav,
    csrf: String,
    line: ReferralLine,
    person_id: Uuid,
    is_sender: bool,
    identity: Option<Identity>,
    needs: Option<Vec<String>>,
    shared: Vec<String>,
    reason: String,
    feedback: String,
    moves: Vec<Choice>,
    to_provider: bool,
    slip_langs: Vec<Choice>,
}

pub async fn view(
    State(state): State<AppState>,
    Extension(from): Extension<ClientAddr>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> StaffResult {
    let l = Desk::open(&state, &headers).await?;
    let (referral, hub, side) = l.referral(&state, &from, &id, "referral.view").await?;
    let ctx = Ctx::new(l.staff.lang, "/", "referrals");
    let providers = state
        .store
        .list_providers(Some(hub.country))
        .await
        .map_err(|e| l.internal(e))?;
    let identity = l.shared_identity(&state, &referral, &hub).await?;
    let person = state
        .store
        .person(&l.keys, referral.person_id)
        .await
        .map_err(|e| l.internal(e))?;
    let needs = person.as_ref().filter(|_| {
        referral.shared.contains(&Field::Needs) && role_sees(l.staff.user.role, Field::Needs)
    });
    let name = identity
        .as_ref()
        .map(Identity::full_name)
        .unwrap_or_else(|| format!("#{}", &referral.person_id.simple().to_string()[..8]));
    // The receiving specialist acts on in-hub referrals; for an external provider, who has no
    // account, the sender records its answer.
    let acts = match referral.to {
        ReferralTo::Specialist(_) => side == Side::Receiver || side == Side::Sender,
        ReferralTo::Provider(_) => side == Side::Sender,
    };
    let moves = if acts {
        referral
            .status
            .next()
            .iter()
            .map(|s| Choice {
                value: s.code().to_owned(),
                label: ctx.t(&format!("referral-move-{}", s.code())),
            })
            .collect()
    } else {
        Vec::new()
    };
    let languages: Vec<Lang> = identity
        .iter()
        .flat_map(|i| i.languages.iter())
        .filter_map(|code| Lang::from_tag(code.trim()))
        .chain(Lang::ALL.iter().copied())
        .fold(Vec::new(), |mut out, l| {
            if !out.contains(&l) {
                out.push(l);
            }
            out
        });
    let page = ReferralPage {
        nav: Nav::for_staff(&l.staff, &l.hubs),
        csrf: l.staff.session.csrf_token.clone(),
        line: line(&ctx, &referral, name, &providers, &hub),
        person_id: referral.person_id,
        is_sender: side == Side::Sender,
        needs: needs.map(|p| {
            p.needs
                .iter()
                .map(|n| ctx.t(&format!("need-{}", n.code())))
                .collect()
        }),
        identity,
        shared: referral
            .shared
            .iter()
            .map(|f| ctx.t(&format!("field-{}", f.code())))
            .collect(),
        reason: referral.reason.clone(),
        feedback: referral.feedback.clone().unwrap_or_default(),
        moves,
        to_provider: matches!(referral.to, ReferralTo::Provider(_)),
        slip_langs: languages
            .iter()
            .map(|lang| Choice {
                value: lang.code().to_owned(),
                label: lang.native_name().to_owned(),
            })
            .collect(),
        ctx,
    };
    let event = l.staff.event_at(
        "referral.view",
        format!("referral:{}", referral.id),
        &from,
        &hub,
    );
    audit(&state, l.staff.lang, event).await?;
    Ok(render(&page))
}

#[derive(Deserialize)]
pub struct MoveForm {
    csrf: String,
    status: String,
    #[serde(default)]
    feedback: String,
}

pub async fn move_on(
    State(state): State<AppState>,
    Extension(from): Extension<ClientAddr>,
    Path(id): Path<String>,
    headers: HeaderMap,
    Form(form): Form<MoveForm>,
) -> StaffResult {
    let l = Desk::open(&state, &headers).await?;
    check_csrf(&l.staff, &headers, &form.csrf)?;
    let lang = l.staff.lang;
    let (referral, hub, side) = l.referral(&state, &from, &id, "referral.update").await?;
    let allowed = match referral.to {
        ReferralTo::Specialist(_) => true,
        ReferralTo::Provider(_) => side == Side::Sender,
    };
    let to = ReferralStatus::from_code(&form.status)
        .filter(|_| allowed)
        .ok_or_else(|| {
            StaffError::BadRequest(lang, crate::I18N.message(lang, "referral-bad-move", None))
        })?;
    match state
        .store
        .move_referral(
            &l.keys,
            referral.id,
            to,
            &form.feedback,
            &l.staff.change_at(&from, &hub),
        )
        .await
    {
        Ok(()) => {}
        Err(StoreError::Invalid(e)) => {
            return Err(StaffError::BadRequest(
                lang,
                super::field_error(lang, &format!("referral-{}", e.field), &e),
            ));
        }
        Err(StoreError::Conflict(m)) => return Err(StaffError::BadRequest(lang, m)),
        Err(e) => return Err(l.internal(e)),
    }
    Ok(Redirect::to(&format!("/staff/referrals/{}", referral.id)).into_response())
}

// ---------------------------------------------------------------------------------------------
// The slip

#[derive(Template)]
#[template(path = "staff/referral_slip.html")]
pub(super) struct SlipPage {
    ctx: Ctx,
    reference: String,
    date: String,
    name: String,
    service: String,
    receiver: String,
    address: String,
    /// Hours as written, only when they could not be read into days.
    unread_hours: Option<String>,
    week: Vec<DayRow>,
    contacts: Vec<ContactLink>,
    urgency: String,
    hub: String,
}

/// What a slip says of the referral itself: filled in from the referral online, or with
/// placeholders for a device to fill in offline.
pub(super) struct SlipFill {
    pub reference: String,
    pub date: String,
    pub name: String,
    pub service: String,
    pub urgency: String,
}

/// A slip in `ctx`'s language: the referral's facts, where to go, its hours and contacts.
pub(super) fn slip_page(
    ctx: Ctx,
    hub: &Hub,
    providers: &[Provider],
    to: ReferralTo,
    fill: SlipFill,
) -> SlipPage {
    let lang = ctx.lang;
    let (receiver, address, hours, contacts) = match to {
        ReferralTo::Provider(pid) => match providers.iter().find(|p| p.id == pid) {
            Some(p) => (
                format!("{} — {}", p.organization, p.name.text(lang)),
                p.address.text(lang).to_owned(),
                p.opening_hours.clone().unwrap_or_default(),
                p.contacts
                    .iter()
                    .map(|c| ContactLink::new(&ctx, c))
                    .collect(),
            ),
            None => (
                ctx.t("slip-ask-hub"),
                String::new(),
                String::new(),
                Vec::new(),
            ),
        },
        ReferralTo::Specialist(role) => (
            format!(
                "{} — {}",
                hub.name.text(lang),
                ctx.t(&format!("slip-role-{}", role.code()))
            ),
            hub.address.text(lang).to_owned(),
            hub.opening_hours.clone(),
            hub.contacts
                .iter()
                .map(|c| ContactLink::new(&ctx, c))
                .collect(),
        ),
    };
    let hours = hours_in_words(&ctx, &hours, hub.country);
    SlipPage {
        reference: fill.reference,
        date: fill.date,
        name: fill.name,
        service: fill.service,
        receiver,
        address,
        week: hours.days,
        unread_hours: hours.unread,
        contacts,
        urgency: fill.urgency,
        hub: hub.name.text(lang).to_owned(),
        ctx,
    }
}

#[derive(Deserialize)]
pub struct SlipParams {
    lang: Option<String>,
}

/// A slip the person takes to the provider, in the language they read: who sent them, where to
/// go, when it is open, how to get in touch. Only the sender prints it.
pub async fn slip(
    State(state): State<AppState>,
    Extension(from): Extension<ClientAddr>,
    Path(id): Path<String>,
    Query(params): Query<SlipParams>,
    headers: HeaderMap,
) -> StaffResult {
    let l = Desk::open(&state, &headers).await?;
    let (referral, hub, side) = l.referral(&state, &from, &id, "referral.slip").await?;
    if side != Side::Sender {
        return Err(StaffError::Forbidden(l.staff.lang));
    }
    let lang = params
        .lang
        .as_deref()
        .and_then(Lang::from_tag)
        .unwrap_or(Lang::Uk);
    let ctx = Ctx::new(lang, "/", "slip");
    let identity = state
        .store
        .person(&l.keys, referral.person_id)
        .await
        .map_err(|e| l.internal(e))?
        .and_then(|p| p.identity);
    let providers = state
        .store
        .list_providers(Some(hub.country))
        .await
        .map_err(|e| l.internal(e))?;
    let fill = SlipFill {
        reference: referral.id.simple().to_string()[..8].to_uppercase(),
        date: ctx.day_at_hub(referral.created_at, &hub),
        name: identity.map(|i| i.full_name()).unwrap_or_default(),
        service: ctx.t(&format!("service-{}", referral.service.code())),
        urgency: ctx.t(&format!("slip-urgency-{}", referral.urgency.code())),
    };
    let page = slip_page(ctx, &hub, &providers, referral.to, fill);
    let event = l.staff.event_at(
        "referral.slip",
        format!("referral:{}", referral.id),
        &from,
        &hub,
    );
    audit(&state, l.staff.lang, event).await?;
    Ok(render(&page))
}
