//! Case transfers on the staff side: the sender chooses where the case goes and which parts of
//! the file travel, sees exactly what will be sent, and sends it; the receiving hub's or
//! country's coordinators see expected arrivals with the child's needs and accept (choosing
//! the hub and case worker) or decline. Across borders the case travels as a sealed package
//! (see `crate::exchange`); inside the deployment it moves when accepted.

use askama::Template;
use axum::Form;
use axum::extract::{Extension, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect};
use bluedot_core::case::ProtectionConcern;
use bluedot_core::case::{ApprovalState, RiskLevel};
use bluedot_core::person::{ConsentPurpose, SpecificNeed};
use bluedot_core::policy::{self, Action};
use bluedot_core::transfer::{
    Answer, Arrival, ArrivalReport, BestInterestsSummary, CareSummary, CasePackage, CaseStatus,
    FORMAT_VERSION, HistoryEntry, HubRef, LinkedRequest, MAX_TRANSFER_DOCUMENT_BYTES, Payload,
    SenderContact, TransferDirection, TransferDocument, TransferPart, TransferStatus, overdue,
};
use bluedot_core::{Country, Hub, ValidationError};
use bluedot_store::StoreError;
use bluedot_store::cases::NewCase;
use bluedot_store::people::{NewConsent, NewPerson};
use bluedot_store::transfers::{NewTransfer, Transfer, arrival_in_range};
use chrono::{NaiveDate, Utc};
use uuid::Uuid;

use super::cases::{Opened, case_workers, case_workers_among};
use super::people::{Choice, choices};
use super::{ClientAddr, Desk, Nav, Staff, StaffError, StaffResult, audit, check_csrf, hub_target};
use crate::AppState;
use crate::view::{Ctx, render};

fn ctx_for(staff: &Staff) -> Ctx {
    Ctx::new(staff.lang, "/", "transfers")
}

/// The transfer form as submitted.
#[derive(Default, Clone)]
pub struct SendForm {
    pub to: String,
    /// For a partner deployment: the hub the child is expected at, if known.
    pub dest_hub: String,
    pub parts: Vec<String>,
    /// The ids of the case documents chosen to travel.
    pub docs: Vec<String>,
    pub arrival: String,
    pub note: String,
    /// When the package shown in the preview was made (RFC 3339), and the SHA-256 of its
    /// bytes: the confirmation sends those very bytes or nothing.
    pub prepared: String,
    pub digest: String,
}

impl SendForm {
    fn read(pairs: &[(String, String)]) -> (SendForm, String, bool) {
        let mut f = SendForm::default();
        let (mut csrf, mut confirm) = (String::new(), false);
        for (k, v) in pairs {
            match k.as_str() {
                "to" => f.to = v.clone(),
                "dest_hub" => f.dest_hub = v.clone(),
                "prepared" => f.prepared = v.clone(),
                "digest" => f.digest = v.clone(),
                "part" => f.parts.push(v.clone()),
                "doc" => f.docs.push(v.clone()),
                "arrival" => f.arrival = v.trim().to_owned(),
                "note" => f.note = v.trim().to_owned(),
                "csrf" => csrf = v.clone(),
                "confirm" => confirm = v == "1",
                _ => {}
            }
        }
        (f, csrf, confirm)
    }

    pub fn has(&self, part: &str) -> bool {
        self.parts.iter().any(|p| p == part)
    }

    pub fn has_doc(&self, id: &str) -> bool {
        self.docs.iter().any(|d| d == id)
    }
}

/// Where a case can go: a hub of this deployment, or a partner deployment.
enum Destination {
    Hub(Box<Hub>),
    Partner(bluedot_store::package::Partner),
}

/// The case `id` if this account may send it on: it works on cases at its hub and manages
/// them there; otherwise "not found", audited.
async fn case_to_send(
    state: &AppState,
    desk: &Desk,
    from: &ClientAddr,
    id: &str,
) -> StaffResult<Opened> {
    let opened = desk.case(state, from, id, "transfer.send").await?;
    if !desk.staff.may(Action::ManageCase, hub_target(&opened.hub)) {
        let event = desk.staff.denied_at(
            "transfer.send",
            format!("case:{}", opened.case.id),
            from,
            &opened.hub,
        );
        audit(state, desk.staff.lang, event).await?;
        return Err(StaffError::NotFound(desk.staff.lang));
    }
    Ok(opened)
}

/// Countries served by a partner deployment: a case for them goes to that deployment, never to
/// this directory's copy of their hubs.
fn partner_countries(state: &AppState) -> Vec<Country> {
    state
        .exchange
        .iter()
        .flat_map(|e| e.partners.iter())
        .filter_map(|p| Country::from_code(&p.country))
        .collect()
}

/// Where this deployment sends cases: its own hubs (other than the case's), then the partner
/// deployments, each named with its country.
fn destinations(state: &AppState, ctx: &Ctx, hubs: &[Hub], from: &Hub) -> Vec<Choice> {
    let abroad = partner_countries(state);
    let mut out: Vec<Choice> = hubs
        .iter()
        .filter(|h| h.id != from.id && !abroad.contains(&h.country))
        .map(|h| Choice {
            value: format!("hub:{}", h.id),
            label: format!(
                "{} — {}",
                ctx.country_name(h.country),
                h.name.text(ctx.lang)
            ),
        })
        .collect();
    if let Some(exchange) = &state.exchange {
        out.extend(exchange.partners.iter().map(|p| Choice {
            value: format!("partner:{}", p.id),
            label: format!(
                "{} — {}",
                Country::from_code(&p.country)
                    .map(|c| ctx.country_name(c))
                    .unwrap_or_else(|| p.country.clone()),
                ctx.ts("transfer-partner", "id", &p.id)
            ),
        }));
    }
    out
}

/// The hubs of partner countries, for the sender to say where the child is expected.
fn destination_hubs(state: &AppState, ctx: &Ctx, hubs: &[Hub]) -> Vec<crate::view::HubGroup> {
    let abroad = partner_countries(state);
    crate::view::hub_groups(ctx, hubs.iter().filter(|h| abroad.contains(&h.country)))
}

fn destination(state: &AppState, hubs: &[Hub], value: &str) -> Option<Destination> {
    match value.split_once(':')? {
        ("hub", id) => {
            let id: Uuid = id.parse().ok()?;
            hubs.iter()
                .find(|h| h.id == id)
                .cloned()
                .map(|h| Destination::Hub(Box::new(h)))
        }
        ("partner", id) => state
            .exchange
            .as_ref()?
            .partner(id)
            .cloned()
            .map(Destination::Partner),
        _ => None,
    }
}

#[derive(Template)]
#[template(path = "staff/transfer_form.html")]
struct FormPage {
    ctx: Ctx,
    nav: Nav,
    csrf: String,
    case_id: Uuid,
    number: String,
    child: String,
    destinations: Vec<Choice>,
    dest_hubs: Vec<crate::view::HubGroup>,
    parts: Vec<Choice>,
    /// The case's documents, any of which may travel.
    documents: Vec<Choice>,
    form: SendForm,
    error: Option<String>,
    /// Set on the second step: what will travel, to be confirmed.
    preview: Option<PackageView>,
}

/// One step of the sender's history as staff read it.
pub struct HistoryLine {
    pub when: String,
    pub step: String,
    pub author: String,
    pub note: String,
}

/// A package as staff read it: every field it carries, so a preview hides nothing that travels.
pub struct PackageView {
    pub format: String,
    pub child: String,
    pub latin: String,
    pub born: String,
    pub sex: String,
    pub languages: String,
    pub nationality: String,
    pub phone: String,
    pub documents: Vec<String>,
    pub needs: String,
    pub concerns: String,
    pub risk: String,
    pub care: String,
    /// Stage and each step's status, as lines.
    pub status: Vec<String>,
    pub best_interests: Vec<String>,
    pub plan: Vec<String>,
    pub history: Vec<HistoryLine>,
    /// The files that travel, each with its size and checksum.
    pub files: Vec<String>,
    pub tracing: Vec<String>,
    pub destination: String,
    pub arrival: String,
    pub from: String,
    pub contact: String,
    pub consent: String,
    pub note: String,
    pub parts: String,
}

fn join_codes<T: Copy>(
    ctx: &Ctx,
    items: &[T],
    prefix: &str,
    code: fn(T) -> &'static str,
) -> String {
    items
        .iter()
        .map(|i| ctx.t(&format!("{prefix}{}", code(*i))))
        .collect::<Vec<_>>()
        .join(", ")
}

pub fn view_package(ctx: &Ctx, p: &CasePackage) -> PackageView {
    let child = &p.child;
    let approval = |a: ApprovalState| ctx.t(&format!("approval-{}", a.code()));
    let day = |at: &chrono::DateTime<Utc>| ctx.date(at);
    PackageView {
        format: p.format.clone(),
        child: child.full_name(),
        latin: format!("{} {}", child.latin_given_name, child.latin_family_name)
            .trim()
            .to_owned(),
        born: child
            .birth_date
            .map(|d| ctx.day(d))
            .or(child.birth_year_estimated.map(|y| format!("~{y}")))
            .unwrap_or_default(),
        sex: ctx.t(&format!("sex-{}", p.sex.code())),
        languages: child.languages.join(", "),
        nationality: child.nationality.clone().unwrap_or_default(),
        phone: child.phone.clone().unwrap_or_default(),
        documents: child
            .documents
            .iter()
            .map(|d| format!("{}: {}", d.kind, d.number))
            .collect(),
        needs: join_codes(ctx, &p.needs, "need-", SpecificNeed::code),
        concerns: join_codes(ctx, &p.concerns, "concern-", ProtectionConcern::code),
        risk: p
            .risk
            .map(|r| ctx.t(&format!("case-risk-{}", r.code())))
            .unwrap_or_default(),
        care: p
            .care
            .as_ref()
            .map(|c| {
                let mut s = ctx.t(&format!("care-{}", c.arrangement.code()));
                if let Some(name) = &c.caregiver {
                    s.push_str(&format!(
                        " · {name} ({})",
                        c.relationship.clone().unwrap_or_default()
                    ));
                }
                if c.verified {
                    s.push_str(&format!(" · {}", ctx.t("case-caregiver-verified")));
                }
                s
            })
            .unwrap_or_default(),
        status: p
            .status
            .as_ref()
            .map(|st| {
                let mut lines = vec![
                    format!(
                        "{}: {}",
                        ctx.t("case-stage"),
                        ctx.t(&format!("case-stage-{}", st.stage.code()))
                    ),
                    format!("{}: {}", ctx.t("case-opened"), day(&st.opened_at)),
                ];
                if let Some(at) = &st.assessed_at {
                    lines.push(format!("{}: {}", ctx.t("case-step-assessment"), day(at)));
                }
                lines.push(format!("{}: {}", ctx.t("case-bia"), approval(st.bia)));
                lines.push(format!(
                    "{}: {}",
                    ctx.t("case-bid"),
                    if st.bid_required {
                        approval(st.bid)
                    } else {
                        ctx.t("case-bid-not-required")
                    }
                ));
                lines.push(format!(
                    "{}: {}",
                    ctx.t("case-birth-registration"),
                    ctx.t(&format!(
                        "birth-registration-{}",
                        st.birth_registration.code()
                    ))
                ));
                if let Some(at) = &st.next_follow_up {
                    lines.push(format!("{}: {}", ctx.t("case-next-follow-up"), day(at)));
                }
                lines
            })
            .unwrap_or_default(),
        best_interests: p
            .best_interests
            .as_ref()
            .map(|b| {
                let mut lines = vec![format!(
                    "{}: {} · {}: {}",
                    ctx.t("case-bia"),
                    approval(b.bia),
                    ctx.t("case-bid"),
                    approval(b.bid)
                )];
                lines.extend(b.notes.iter().cloned());
                lines
            })
            .unwrap_or_default(),
        plan: p.plan.clone(),
        history: p
            .history
            .iter()
            .map(|h| HistoryLine {
                when: ctx.moment(h.at),
                step: ctx.t(&format!("case-step-{}", h.step)),
                author: h.author.clone(),
                note: h.note.clone(),
            })
            .collect(),
        files: p
            .documents
            .iter()
            .map(|d| {
                format!(
                    "{} · {} · {:.0} kB · SHA-256 {}…",
                    d.name,
                    d.content_type,
                    (d.size as f64 / 1024.0).ceil(),
                    d.sha256.get(..12).unwrap_or(&d.sha256)
                )
            })
            .collect(),
        tracing: p
            .tracing
            .iter()
            .map(|r| {
                [
                    r.requester.as_str(),
                    r.relation.as_str(),
                    r.phone.as_str(),
                    r.contact_note.as_str(),
                    r.status.as_str(),
                ]
                .iter()
                .filter(|s| !s.is_empty())
                .cloned()
                .collect::<Vec<_>>()
                .join(" · ")
            })
            .collect(),
        destination: {
            let country = Country::from_code(&p.to_country)
                .map(|c| ctx.country_name(c))
                .unwrap_or_else(|| p.to_country.clone());
            match &p.destination_hub {
                Some(hub) => format!("{country} — {}", hub.name),
                None => country,
            }
        },
        arrival: p.expected_arrival.map(|d| ctx.day(d)).unwrap_or_default(),
        from: format!(
            "{} · {} · {}",
            p.sender_hub, p.case_number, p.sender_contact
        ),
        contact: p
            .sender
            .as_ref()
            .map(|c| {
                [
                    c.worker.as_str(),
                    c.role.as_str(),
                    c.hub.as_str(),
                    c.deployment.as_str(),
                    c.phone.as_str(),
                    c.email.as_str(),
                ]
                .iter()
                .filter(|s| !s.is_empty())
                .cloned()
                .collect::<Vec<_>>()
                .join(" · ")
            })
            .unwrap_or_default(),
        consent: {
            let by = ctx.t(&format!("consent-by-{}", p.consent_by.code()));
            match &p.consent_at {
                Some(at) => format!("{by} · {}", day(at)),
                None => by,
            }
        },
        note: p.note.clone(),
        parts: p
            .parts
            .iter()
            .map(|t| ctx.t(&format!("transfer-part-{}", t.code())))
            .collect::<Vec<_>>()
            .join(", "),
    }
}

/// The case's documents as choices for the send form.
async fn document_choices(
    state: &AppState,
    keys: &bluedot_store::crypto::KeyRing,
    case: Uuid,
) -> StaffResult<Vec<Choice>> {
    let documents = state
        .store
        .case_documents(keys, case)
        .await
        .map_err(|e| StaffError::internal(bluedot_core::Lang::En, e))?;
    Ok(documents
        .into_iter()
        .map(|d| Choice {
            value: d.id.to_string(),
            label: format!("{} ({:.0} kB)", d.name, (d.size as f64 / 1024.0).ceil()),
        })
        .collect())
}

fn part_choices(ctx: &Ctx) -> Vec<Choice> {
    choices(ctx, TransferPart::ALL, TransferPart::code, "transfer-part")
}

pub async fn form(
    State(state): State<AppState>,
    Extension(from): Extension<ClientAddr>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> StaffResult {
    let desk = Desk::open(&state, &headers).await?;
    let (staff, hubs) = (&desk.staff, &desk.hubs);
    let p = case_to_send(&state, &desk, &from, &id).await?;
    let ctx = ctx_for(staff);
    let page = FormPage {
        nav: Nav::for_staff(staff, hubs),
        csrf: staff.session.csrf_token.clone(),
        case_id: p.case.id,
        number: p.case.case_number.clone(),
        child: p
            .person
            .identity
            .as_ref()
            .map(|i| i.full_name())
            .unwrap_or_default(),
        destinations: destinations(&state, &ctx, hubs, &p.hub),
        dest_hubs: destination_hubs(&state, &ctx, hubs),
        parts: part_choices(&ctx),
        documents: document_choices(&state, &desk.keys, p.case.id).await?,
        form: SendForm {
            parts: TransferPart::ALL
                .iter()
                .map(|p| p.code().to_owned())
                .collect(),
            ..SendForm::default()
        },
        error: None,
        preview: None,
        ctx,
    };
    Ok(render(&page))
}

/// Where a case is going, as the send form chose it.
struct Route {
    destination: Destination,
    country: Country,
    /// For a partner deployment: the hub the child is expected at, if the sender knows it.
    hub: Option<Hub>,
}

/// Builds the package from the case file, with only the chosen parts, as made at `prepared`.
#[allow(clippy::too_many_arguments)]
async fn build_package(
    state: &AppState,
    keys: &bluedot_store::crypto::KeyRing,
    staff: &Staff,
    p: &Opened,
    form: &SendForm,
    route: &Route,
    prepared: chrono::DateTime<Utc>,
    ctx: &Ctx,
) -> Result<CasePackage, ValidationError> {
    let identity = p
        .person
        .identity
        .clone()
        .ok_or_else(|| ValidationError::new("case", "the child's record was anonymised"))?;
    let mut parts: Vec<TransferPart> = form
        .parts
        .iter()
        .filter_map(|c| TransferPart::from_code(c))
        .collect();
    parts.extend(bluedot_store::transfers::ALWAYS_SENT);
    parts.sort();
    parts.dedup();
    let expected_arrival = match form.arrival.as_str() {
        "" => None,
        d => Some(
            NaiveDate::parse_from_str(d, "%Y-%m-%d")
                .ok()
                .filter(|d| arrival_in_range(*d, prepared.date_naive()))
                .ok_or_else(|| {
                    ValidationError::new("arrival", "a date from today to 90 days ahead")
                })?,
        ),
    };
    if form.note.chars().count() > 2_000 {
        return Err(ValidationError::new("note", "up to 2,000 characters"));
    }
    let consent = state
        .store
        .consents(p.person.id)
        .await
        .map_err(|_| ValidationError::new("consent", "cannot read the consents"))?
        .into_iter()
        .find(|c| c.in_force() && c.purpose == ConsentPurpose::Transfer)
        .ok_or_else(|| ValidationError::new("consent", "record the consent to transfer first"))?;
    let history = state
        .store
        .case_history(keys, p.case.id)
        .await
        .map_err(|_| ValidationError::new("case", "cannot read the case history"))?;
    let users = state
        .store
        .list_users()
        .await
        .map_err(|_| ValidationError::new("case", "cannot read the accounts"))?;
    let deployment = state
        .exchange
        .as_ref()
        .map(|e| e.keys.deployment.clone())
        .unwrap_or_else(|| p.hub.country.code().to_owned());
    let hub_name = p.hub.name.text(bluedot_core::Lang::En).to_owned();
    // Who took a step, as the receiver will read it: name, role, organisation.
    let author = |by: Option<Uuid>, text: Option<&bluedot_store::cases::StepText>| match by
        .and_then(|id| users.iter().find(|u| u.id == id))
    {
        Some(u) => format!(
            "{} ({}), {hub_name}, {deployment}",
            u.display_name,
            u.role.code()
        ),
        None => text.and_then(|t| t.author.clone()).unwrap_or_default(),
    };
    let notes_of = |steps: &[&str]| -> Vec<String> {
        history
            .iter()
            .filter(|e| steps.contains(&e.step.as_str()))
            .filter_map(|e| e.text.as_ref())
            .filter(|t| !t.note.is_empty() || !t.panel.is_empty())
            .map(|t| {
                if t.panel.is_empty() {
                    t.note.clone()
                } else {
                    format!("{} ({}: {})", t.note, ctx.t("case-panel"), t.panel)
                }
            })
            .collect()
    };
    let s = &p.case.state;
    let with = |part| parts.contains(&part);
    let caregiver = history
        .iter()
        .rev()
        .filter(|e| e.step == "care")
        .find_map(|e| e.text.as_ref().and_then(|t| t.caregiver.clone()));
    let sender = &staff.user;
    let mut documents = vec![];
    for id in &form.docs {
        let id: Uuid = id
            .parse()
            .map_err(|_| ValidationError::new("documents", "choose documents of this case"))?;
        let (info, bytes) = state
            .store
            .case_document(keys, p.case.id, id)
            .await
            .map_err(|_| ValidationError::new("documents", "cannot read a document"))?
            .ok_or_else(|| ValidationError::new("documents", "choose documents of this case"))?;
        documents.push(TransferDocument {
            name: info.name,
            content_type: info.content_type,
            size: bytes.len() as u64,
            sha256: info.sha256,
            data: base64::Engine::encode(&base64::engine::general_purpose::STANDARD, &bytes),
        });
    }
    if documents.iter().map(|d| d.size).sum::<u64>() > MAX_TRANSFER_DOCUMENT_BYTES {
        return Err(ValidationError::new(
            "documents",
            "documents may add up to 8 MB in one package: choose fewer",
        ));
    }
    let tracing = if with(TransferPart::Tracing) {
        state
            .store
            .tracing_requests_for_person(keys, p.person.id)
            .await
            .map_err(|_| ValidationError::new("case", "cannot read the tracing requests"))?
            .into_iter()
            .map(|r| LinkedRequest {
                reference: r.id.to_string(),
                requester: r.requester.name,
                relation: r.requester.relation,
                phone: r.requester.phone,
                contact_note: r.requester.contact_note,
                status: r.status.code().to_owned(),
            })
            .collect()
    } else {
        Vec::new()
    };
    Ok(CasePackage {
        documents,
        tracing,
        format: FORMAT_VERSION.to_owned(),
        case_number: p.case.case_number.clone(),
        sent_at: prepared,
        to_country: route.country.code().to_owned(),
        expected_arrival,
        sender_hub: hub_name.clone(),
        sender_contact: p
            .hub
            .contacts
            .first()
            .map(|c| c.value.clone())
            .unwrap_or_default(),
        note: form.note.clone(),
        child: identity,
        sex: p.person.sex,
        consent_by: consent.given_by,
        consent_at: Some(consent.recorded_at),
        needs: if with(TransferPart::Needs) {
            p.person.needs.clone()
        } else {
            Vec::<SpecificNeed>::new()
        },
        concerns: if with(TransferPart::Needs) {
            s.concerns.clone()
        } else {
            Vec::new()
        },
        risk: with(TransferPart::Needs).then_some(s.risk),
        care: if with(TransferPart::Care) {
            s.care.map(|arrangement| CareSummary {
                arrangement,
                caregiver: caregiver.as_ref().map(|c| c.name.clone()),
                relationship: caregiver.as_ref().map(|c| c.relationship.clone()),
                verified: s.caregiver_verified,
            })
        } else {
            None
        },
        best_interests: (with(TransferPart::BestInterests) && s.bia != ApprovalState::NotStarted)
            .then(|| BestInterestsSummary {
                bia: s.bia,
                bid: s.bid,
                notes: notes_of(&["bia", "bid"]),
            }),
        plan: if with(TransferPart::CasePlan) {
            notes_of(&["assessment", "case-plan"])
        } else {
            Vec::new()
        },
        // Where the case stands always travels: the receiver continues from it.
        status: Some(CaseStatus {
            stage: s.stage,
            opened_at: s.opened_at,
            assessed_at: s.assessed_at,
            next_follow_up: s.next_follow_up,
            bia: s.bia,
            bid_required: s.bid_required,
            bid: s.bid,
            care: s.care.filter(|_| with(TransferPart::Care)),
            caregiver_verified: s.caregiver_verified && with(TransferPart::Care),
            birth_registration: s.birth_registration,
        }),
        history: if with(TransferPart::History) {
            history
                .iter()
                .map(|e| HistoryEntry {
                    at: e.at,
                    step: e.step.clone(),
                    author: author(e.by, e.text.as_ref()),
                    note: e.text.as_ref().map(|t| t.note.clone()).unwrap_or_default(),
                })
                .collect()
        } else {
            Vec::new()
        },
        destination_hub: route.hub.as_ref().map(|h| HubRef {
            id: h.id,
            slug: h.slug.clone(),
            name: h.name.text(bluedot_core::Lang::En).to_owned(),
        }),
        sender: Some(SenderContact {
            deployment,
            hub: hub_name,
            worker: sender.display_name.clone(),
            role: sender.role.code().to_owned(),
            phone: p
                .hub
                .contacts
                .iter()
                .find(|c| c.channel == bluedot_core::hub::MessagingApp::Phone)
                .map(|c| c.value.clone())
                .unwrap_or_default(),
            email: p
                .hub
                .contacts
                .iter()
                .find(|c| c.channel == bluedot_core::hub::MessagingApp::Email)
                .map(|c| c.value.clone())
                .unwrap_or_default(),
        }),
        parts,
    })
}

/// The bytes that travel for a package, and their SHA-256 in hex.
fn package_bytes(package: &CasePackage) -> (Vec<u8>, String) {
    use sha2::Digest as _;
    let bytes = serde_json::to_vec(&Payload::Case(Box::new(package.clone()))).expect("serialises");
    let digest = hex::encode(sha2::Sha256::digest(&bytes));
    (bytes, digest)
}

/// Where the send form says the case goes.
fn route_of(state: &AppState, hubs: &[Hub], p: &Opened, form: &SendForm) -> Option<Route> {
    let destination = destination(state, hubs, &form.to).filter(|d| match d {
        Destination::Hub(h) => h.id != p.hub.id,
        Destination::Partner(_) => true,
    })?;
    let (country, hub) = match &destination {
        Destination::Hub(h) => (h.country, None),
        Destination::Partner(partner) => {
            let country = Country::from_code(&partner.country)?;
            let hub = form
                .dest_hub
                .parse::<Uuid>()
                .ok()
                .and_then(|id| hubs.iter().find(|h| h.id == id && h.country == country))
                .cloned();
            (country, hub)
        }
    };
    Some(Route {
        destination,
        country,
        hub,
    })
}

pub async fn send(
    State(state): State<AppState>,
    Extension(from): Extension<ClientAddr>,
    Path(id): Path<String>,
    headers: HeaderMap,
    Form(pairs): Form<Vec<(String, String)>>,
) -> StaffResult {
    let desk = Desk::open(&state, &headers).await?;
    let (staff, keys, hubs) = (&desk.staff, &desk.keys, &desk.hubs);
    let lang = staff.lang;
    let (mut form, csrf, confirm) = SendForm::read(&pairs);
    check_csrf(staff, &headers, &csrf)?;
    let p = case_to_send(&state, &desk, &from, &id).await?;
    let ctx = ctx_for(staff);
    let route = route_of(&state, hubs, &p, &form);
    // A confirmation sends the package made for its preview, no later than an hour after.
    let now = state.store.now();
    let prepared = chrono::DateTime::parse_from_rfc3339(&form.prepared)
        .map(|t| t.with_timezone(&Utc))
        .ok()
        .filter(|t| confirm && *t <= now && now - *t < chrono::Duration::hours(1))
        .unwrap_or(now);
    let built = match &route {
        None => Err(ValidationError::new("to", "choose where the case goes")),
        Some(route) => build_package(&state, keys, staff, &p, &form, route, prepared, &ctx).await,
    };
    let documents = document_choices(&state, keys, p.case.id).await?;
    let page = |form: SendForm, error: Option<String>, preview: Option<PackageView>| FormPage {
        documents: documents.clone(),
        nav: Nav::for_staff(staff, hubs),
        csrf: staff.session.csrf_token.clone(),
        case_id: p.case.id,
        number: p.case.case_number.clone(),
        child: p
            .person
            .identity
            .as_ref()
            .map(|i| i.full_name())
            .unwrap_or_default(),
        destinations: destinations(&state, &ctx, hubs, &p.hub),
        dest_hubs: destination_hubs(&state, &ctx, hubs),
        parts: part_choices(&ctx),
        form,
        error,
        preview,
        ctx: ctx_for(staff),
    };
    let package = match built {
        Ok(package) => package,
        Err(e) => {
            let error = super::field_error(ctx.lang, &format!("transfer-field-{}", e.field), &e);
            let page = page(form, Some(error), None);
            return Ok((StatusCode::BAD_REQUEST, render(&page)).into_response());
        }
    };
    let (bytes, digest) = package_bytes(&package);
    // The preview is read back from the very bytes that will travel.
    let preview = || match serde_json::from_slice::<Payload>(&bytes) {
        Ok(Payload::Case(read)) => Some(view_package(&ctx, &read)),
        _ => None,
    };
    if !confirm || form.digest != digest {
        let changed = confirm.then(|| ctx.t("transfer-changed-since-preview"));
        form.prepared = prepared.to_rfc3339_opts(chrono::SecondsFormat::Nanos, true);
        form.digest = digest;
        return Ok(render(&page(form, changed, preview())));
    }
    let route = route.expect("a package was built for it");
    let transfer_id = Uuid::now_v7();
    let (to_hub, partner, sealed) = match route.destination {
        Destination::Hub(h) => (Some(h.id), None, None),
        Destination::Partner(partner) => {
            let exchange = state
                .exchange
                .as_ref()
                .expect("a partner implies an exchange");
            let sealed = exchange
                .keys
                .seal(&partner, transfer_id, &bytes)
                .map_err(|e| StaffError::internal(lang, e))?;
            (None, Some(partner.id.clone()), Some(sealed))
        }
    };
    let new = NewTransfer {
        id: transfer_id,
        case_id: p.case.id,
        from_hub: p.hub.id,
        to_hub,
        partner,
        country: route.country,
        payload: package,
        package: sealed,
        created_by: Some(staff.user.id),
    };
    match state
        .store
        .create_transfer(keys, &new, &staff.change_at(&from, &p.hub))
        .await
    {
        Ok(()) => {}
        Err(StoreError::Invalid(e)) => {
            let error = super::field_error(ctx.lang, &format!("transfer-field-{}", e.field), &e);
            let page = page(form, Some(error), None);
            return Ok((StatusCode::BAD_REQUEST, render(&page)).into_response());
        }
        Err(e) => return Err(StaffError::internal(lang, e)),
    }
    Ok(Redirect::to("/staff/transfers").into_response())
}

// ---------------------------------------------------------------------------------------------
// Expected arrivals and outgoing transfers

pub struct IncomingView {
    pub id: Uuid,
    pub origin: String,
    pub received: String,
    pub package: PackageView,
    /// Whether this account accepts or declines it; others at the expected hub only see it.
    pub decides: bool,
    /// The receiving hubs, the one where the child is expected first.
    pub hubs: Vec<crate::view::HubGroup>,
    /// The hub the sender proposed, chosen at first.
    pub proposed_hub: String,
    pub workers: Vec<Choice>,
}

pub struct OutgoingView {
    pub id: Uuid,
    pub case_id: Option<Uuid>,
    pub child: String,
    pub to: String,
    pub status: String,
    pub status_code: &'static str,
    pub sent: String,
    pub problem: String,
    pub answer: String,
    /// Sent, delivered, decided, arrived: the line both sides read.
    pub line: Vec<String>,
    pub overdue: Option<String>,
}

/// A child accepted here and not yet reported arrived.
pub struct AwaitedView {
    pub id: Uuid,
    pub child: String,
    pub destination: String,
    pub line: Vec<String>,
    pub overdue: Option<String>,
    /// Whether the answer reached the sender (for a partner's case).
    pub answer: String,
}

/// The status line of a transfer, the same words on both sides.
fn status_line(ctx: &Ctx, t: &Transfer) -> Vec<String> {
    let time = |at: &chrono::DateTime<Utc>| ctx.moment(*at);
    let mut line = vec![ctx.ts("transfer-line-sent", "time", &time(&t.created_at))];
    match &t.delivered_at {
        Some(at) => line.push(ctx.ts("transfer-line-delivered", "time", &time(at))),
        None => line.push(ctx.t("transfer-line-waiting")),
    }
    if let Some(at) = &t.decided_at {
        let key = match t.status {
            TransferStatus::Declined => "transfer-line-declined",
            _ => "transfer-line-accepted",
        };
        line.push(ctx.ts(key, "time", &time(at)));
    }
    if let (Some(arrival), Some(at)) = (t.arrival, &t.arrival_at) {
        line.push(ctx.ts(
            &format!("transfer-line-{}", arrival.code()),
            "time",
            &time(at),
        ));
    }
    line
}

/// The alert for a child not reported arrived by the day expected.
fn overdue_alert(ctx: &Ctx, t: &Transfer, now: chrono::DateTime<Utc>) -> Option<String> {
    let waiting = matches!(
        t.status,
        TransferStatus::Pending | TransferStatus::Received | TransferStatus::Accepted
    );
    (waiting
        && overdue(
            t.payload.expected_arrival,
            t.arrival,
            t.country.local_day(now),
        ))
    .then(|| {
        let day = t
            .payload
            .expected_arrival
            .map(|d| d.to_string())
            .unwrap_or_default();
        ctx.ts("transfer-overdue", "date", &day)
    })
}

#[derive(Template)]
#[template(path = "staff/transfers.html")]
struct ListPage {
    ctx: Ctx,
    nav: Nav,
    csrf: String,
    incoming: Vec<IncomingView>,
    awaited: Vec<AwaitedView>,
    outgoing: Vec<OutgoingView>,
}

/// Whether `staff` reports the arrival of a child accepted at `t`'s receiving hub.
fn reports_arrival(staff: &Staff, t: &Transfer, hubs: &[Hub]) -> bool {
    let receiving = t.direction == TransferDirection::In || t.partner.is_none();
    receiving
        && t.status == TransferStatus::Accepted
        && t.to_hub
            .and_then(|id| hubs.iter().find(|h| h.id == id))
            .is_some_and(|h| policy::handles_cases(&staff.actor, hub_target(h)))
}

/// Whether this account decides on a transfer arriving: it supervises cases at the receiving
/// hub, or (for a package from abroad) somewhere in the receiving country.
fn decides(staff: &Staff, t: &Transfer, hubs: &[Hub]) -> bool {
    // The receiving side: the hub a transfer between hubs goes to, or every hub of the country
    // a partner's package is for.
    let receiving = hubs
        .iter()
        .filter(|h| match (t.direction, t.partner.as_ref()) {
            (TransferDirection::Out, None) => t.to_hub == Some(h.id),
            (TransferDirection::In, Some(_)) => h.country == t.country,
            _ => false,
        });
    policy::decides_transfer(&staff.actor, receiving.map(hub_target))
}

/// Whether `staff` waits for a transfer that has arrived and is not yet decided, and whether
/// they decide it: its coordinators decide; front-line staff of the hub where the child is
/// expected see it coming.
fn awaited_by(staff: &Staff, t: &Transfer, hubs: &[Hub]) -> Option<bool> {
    if t.status != TransferStatus::Received {
        return None;
    }
    let deciding = decides(staff, t, hubs);
    let expected_here = t.direction == TransferDirection::In
        && t.to_hub
            .and_then(|id| hubs.iter().find(|h| h.id == id))
            .is_some_and(|h| policy::handles_cases(&staff.actor, hub_target(h)));
    (deciding || expected_here).then_some(deciding)
}

/// A child on the way to this account's hubs, for its home page.
pub struct ArrivalLine {
    pub id: Uuid,
    pub child: String,
    pub from: String,
    pub expected: String,
    pub destination: String,
}

/// What a home page shows of hand-overs: children on their way to `staff`'s hubs, soonest
/// expected first, and children that `staff` sent or awaits who are past their expected day
/// without an arrival.
pub struct HandOvers {
    pub arriving: Vec<ArrivalLine>,
    pub overdue: Vec<ArrivalLine>,
}

pub async fn hand_overs(state: &AppState, desk: &Desk) -> StaffResult<HandOvers> {
    let Desk { staff, keys, hubs } = desk;
    if !staff.anywhere(hubs, policy::handles_cases) {
        return Ok(HandOvers {
            arriving: vec![],
            overdue: vec![],
        });
    }
    let ctx = ctx_for(staff);
    let now = state.store.now();
    let mut transfers = state
        .store
        .transfers_in_scope(keys, &staff.actor.scope)
        .await
        .map_err(|e| desk.internal(e))?;
    transfers.sort_by_key(|t| t.payload.expected_arrival);
    let line = |t: &Transfer| {
        let p = view_package(&ctx, &t.payload);
        ArrivalLine {
            id: t.id,
            child: p.child,
            from: p.from,
            expected: p.arrival,
            destination: p.destination,
        }
    };
    let sent_by_me = |t: &Transfer| {
        t.direction == TransferDirection::Out
            && t.from_hub
                .and_then(|id| hubs.iter().find(|h| h.id == id))
                .is_some_and(|h| policy::handles_cases(&staff.actor, hub_target(h)))
    };
    Ok(HandOvers {
        arriving: transfers
            .iter()
            .filter(|t| awaited_by(staff, t, hubs).is_some())
            .map(line)
            .collect(),
        overdue: transfers
            .iter()
            .filter(|t| overdue_alert(&ctx, t, now).is_some())
            .filter(|t| {
                sent_by_me(t)
                    || reports_arrival(staff, t, hubs)
                    || awaited_by(staff, t, hubs).is_some()
            })
            .map(line)
            .collect(),
    })
}

pub async fn list(State(state): State<AppState>, headers: HeaderMap) -> StaffResult {
    let Desk { staff, keys, hubs } = Desk::open(&state, &headers).await?;
    let lang = staff.lang;
    if !staff.anywhere(&hubs, policy::handles_cases) {
        return Err(StaffError::Forbidden(lang));
    }
    let ctx = ctx_for(&staff);
    let transfers = state
        .store
        .transfers_in_scope(&keys, &staff.actor.scope)
        .await
        .map_err(|e| StaffError::internal(lang, e))?;
    let hub_name = |id: Option<Uuid>| {
        id.and_then(|id| hubs.iter().find(|h| h.id == id))
            .map(|h| h.name.text(lang).to_owned())
            .unwrap_or_default()
    };
    let users = state
        .store
        .list_users()
        .await
        .map_err(|e| StaffError::internal(lang, e))?;
    let mut incoming = Vec::new();
    let mut awaited = Vec::new();
    let mut outgoing = Vec::new();
    let now = state.store.now();
    for t in &transfers {
        if reports_arrival(&staff, t, &hubs) && t.arrival.is_none() {
            let time = |at: &chrono::DateTime<Utc>| ctx.moment(*at);
            awaited.push(AwaitedView {
                id: t.id,
                child: t.payload.child.full_name(),
                destination: hub_name(t.to_hub),
                line: status_line(&ctx, t),
                overdue: overdue_alert(&ctx, t, now),
                answer: match (&t.partner, &t.answer_delivered_at) {
                    (None, _) => String::new(),
                    (Some(_), Some(at)) => ctx.ts("transfer-answer-delivered", "time", &time(at)),
                    (Some(_), None) => ctx.t("transfer-answer-waiting"),
                },
            });
        }
        if let Some(deciding) = awaited_by(&staff, t, &hubs) {
            let mut receiving: Vec<&Hub> = hubs
                .iter()
                .filter(|h| match t.to_hub {
                    Some(to) if t.partner.is_none() => h.id == to,
                    _ => h.country == t.country,
                })
                .filter(|h| staff.may(Action::SuperviseCase, hub_target(h)))
                .collect();
            receiving.sort_by_key(|h| Some(h.id) != t.to_hub);
            incoming.push(IncomingView {
                id: t.id,
                origin: match &t.partner {
                    Some(p) => ctx.ts("transfer-partner", "id", p),
                    None => hub_name(t.from_hub),
                },
                received: ctx.date(&t.created_at),
                package: view_package(&ctx, &t.payload),
                decides: deciding,
                workers: case_workers_among(&users, &receiving),
                hubs: crate::view::hub_groups(&ctx, receiving.iter().copied()),
                proposed_hub: t.to_hub.map(|id| id.to_string()).unwrap_or_default(),
            });
        }
        if t.direction == TransferDirection::Out
            && t.from_hub
                .and_then(|id| hubs.iter().find(|h| h.id == id))
                .is_some_and(|h| policy::handles_cases(&staff.actor, hub_target(h)))
        {
            outgoing.push(OutgoingView {
                id: t.id,
                case_id: t.case_id,
                child: t.payload.child.full_name(),
                to: match &t.partner {
                    Some(p) => ctx.ts("transfer-partner", "id", p),
                    None => hub_name(t.to_hub),
                },
                status: ctx.t(&format!("transfer-status-{}", t.status.code())),
                status_code: t.status.code(),
                sent: ctx.moment(t.created_at),
                problem: if t.status == TransferStatus::Pending && t.attempts > 0 {
                    ctx.ts("transfer-retrying", "count", &t.attempts.to_string())
                } else {
                    String::new()
                },
                answer: t.decision_note.clone().unwrap_or_default(),
                line: status_line(&ctx, t),
                overdue: overdue_alert(&ctx, t, now),
            });
        }
    }
    let page = ListPage {
        nav: Nav::for_staff(&staff, &hubs),
        csrf: staff.session.csrf_token.clone(),
        incoming,
        awaited,
        outgoing,
        ctx,
    };
    Ok(render(&page))
}

pub async fn record_decision(
    State(state): State<AppState>,
    Extension(from): Extension<ClientAddr>,
    Path(id): Path<String>,
    headers: HeaderMap,
    Form(pairs): Form<Vec<(String, String)>>,
) -> StaffResult {
    let Desk { staff, keys, hubs } = Desk::open(&state, &headers).await?;
    let lang = staff.lang;
    let get = |name: &str| super::form_field(&pairs, name).trim().to_owned();
    check_csrf(&staff, &headers, &get("csrf"))?;
    let internal = |e: StoreError| StaffError::internal(lang, e);
    let id: Uuid = id.parse().map_err(|_| StaffError::NotFound(lang))?;
    let t = state
        .store
        .transfer(&keys, id)
        .await
        .map_err(internal)?
        .ok_or(StaffError::NotFound(lang))?;
    let country_hub = hubs.iter().find(|h| h.country == t.country).cloned();
    if !decides(&staff, &t, &hubs) {
        if let Some(h) = &country_hub {
            let event = staff.denied_at("transfer.decide", format!("transfer:{id}"), &from, h);
            audit(&state, lang, event).await?;
        }
        return Err(StaffError::NotFound(lang));
    }
    let accepted = get("decision") == "accept";
    let note = get("note");
    let bad = |key: &str| StaffError::BadRequest(lang, crate::I18N.message(lang, key, None));
    if !accepted && note.is_empty() {
        return Err(bad("transfer-decline-needs-reason"));
    }
    let hub = if accepted {
        let wanted: Option<Uuid> = get("hub").parse().ok().or(t.to_hub);
        Some(
            hubs.iter()
                .find(|h| Some(h.id) == wanted && h.country == t.country)
                .filter(|h| staff.may(Action::SuperviseCase, hub_target(h)))
                .cloned()
                .ok_or_else(|| bad("transfer-choose-hub"))?,
        )
    } else {
        None
    };
    let worker: Option<Uuid> = if accepted {
        let hub = hub.as_ref().expect("set when accepted");
        let workers = case_workers(&state, &[hub]).await.map_err(internal)?;
        let w = get("assigned_to");
        Some(
            workers
                .iter()
                .find(|c| c.value == w)
                .and_then(|c| c.value.parse().ok())
                .ok_or_else(|| bad("transfer-choose-worker"))?,
        )
    } else {
        None
    };
    let change = staff.change_at(
        &from,
        hub.as_ref()
            .or(country_hub.as_ref())
            .ok_or_else(|| bad("transfer-choose-hub"))?,
    );
    let decided = match t.partner.clone() {
        None => {
            if accepted {
                state
                    .store
                    .accept_local_transfer(&keys, id, worker.expect("set"), &note, &change)
                    .await
                    .map_err(internal)?
            } else {
                state
                    .store
                    .decline_local_transfer(&keys, id, &note, &change)
                    .await
                    .map_err(internal)?
            }
        }
        Some(partner) => {
            let answer = Payload::Answer(Answer {
                package: id,
                accepted,
                note: note.clone(),
                at: Utc::now(),
            });
            let sealed = seal_reply(&state, lang, &partner, id, &answer)?;
            if accepted {
                // The decision, the child's record and the case: one transaction.
                let (person, case) = from_package(
                    &t,
                    hub.as_ref().expect("set when accepted"),
                    worker.expect("set when accepted"),
                    &staff,
                );
                state
                    .store
                    .accept_incoming(
                        &keys,
                        id,
                        &note,
                        &person,
                        &case,
                        &state.config.case_deadlines,
                        sealed,
                        &change,
                    )
                    .await
                    .map_err(internal)?
                    .is_some()
            } else {
                state
                    .store
                    .decide_incoming(&keys, id, false, &note, None, None, Some(sealed), &change)
                    .await
                    .map_err(internal)?
            }
        }
    };
    if !decided {
        return Err(bad("transfer-already-decided"));
    }
    Ok(Redirect::to("/staff/transfers").into_response())
}

/// The child's record and the case an accepted package becomes at the receiving hub.
fn from_package(t: &Transfer, hub: &Hub, worker: Uuid, staff: &Staff) -> (NewPerson, NewCase) {
    let p = &t.payload;
    let person = NewPerson {
        hub_id: hub.id,
        country: hub.country,
        sex: p.sex,
        identity: p.child.clone(),
        needs: p.needs.clone(),
        consent: NewConsent {
            purpose: ConsentPurpose::Registration,
            given_by: p.consent_by,
            recorded_by: Some(staff.user.id),
        },
        registered_by: Some(staff.user.id),
    };

    // The screening note is written once, in the language of the coordinator who accepts.
    let ctx = Ctx::new(staff.lang, "/", "transfers");
    let mut summary = vec![ctx.ta(
        "transfer-summary-from",
        &[
            ("partner", t.partner.clone().unwrap_or_default().into()),
            ("hub", p.sender_hub.as_str().into()),
            ("case", p.case_number.as_str().into()),
        ],
    )];
    if !p.note.is_empty() {
        summary.push(p.note.clone());
    }
    summary.extend(p.plan.iter().cloned());
    if let Some(b) = &p.best_interests {
        summary.push(ctx.ta(
            "transfer-summary-best-interests",
            &[
                ("bia", ctx.t(&format!("approval-{}", b.bia.code())).into()),
                ("bid", ctx.t(&format!("approval-{}", b.bid.code())).into()),
            ],
        ));
        summary.extend(b.notes.iter().cloned());
    }
    if let Some(c) = &p.care {
        let arrangement = ctx.t(&format!("care-{}", c.arrangement.code()));
        let caregiver = c
            .caregiver
            .as_ref()
            .map(|n| format!(", {n} ({})", c.relationship.clone().unwrap_or_default()))
            .unwrap_or_default();
        summary.push(format!("{}: {arrangement}{caregiver}", ctx.t("case-care")));
    }
    let concerns = if p.concerns.is_empty() {
        vec![bluedot_core::case::ProtectionConcern::Separated]
    } else {
        p.concerns.clone()
    };
    let case = NewCase {
        // Filled in by the store with the record it registers.
        person_id: Uuid::nil(),
        hub_id: hub.id,
        country: hub.country,
        concerns,
        risk: p.risk.unwrap_or(RiskLevel::Medium),
        assigned_to: worker,
        opened_by: Some(staff.user.id),
        screening: summary.join("\n"),
    };
    (person, case)
}

/// A reply to a partner's package (the answer, the arrival report), sealed for that partner.
fn seal_reply(
    state: &AppState,
    lang: bluedot_core::Lang,
    partner: &str,
    id: Uuid,
    payload: &Payload,
) -> StaffResult<Vec<u8>> {
    let missing = || {
        StaffError::BadRequest(
            lang,
            crate::I18N.message(lang, "transfer-no-exchange", None),
        )
    };
    let exchange = state.exchange.as_ref().ok_or_else(missing)?;
    let partner = exchange.partner(partner).ok_or_else(missing)?;
    exchange
        .keys
        .seal(
            partner,
            id,
            &serde_json::to_vec(payload).expect("serialises"),
        )
        .map_err(|e| StaffError::internal(lang, e))
}

/// The receiving hub reports that the child arrived, or did not: recorded in the case and sent
/// back to the sender.
pub async fn record_arrival(
    State(state): State<AppState>,
    Extension(from): Extension<ClientAddr>,
    Path(id): Path<String>,
    headers: HeaderMap,
    Form(pairs): Form<Vec<(String, String)>>,
) -> StaffResult {
    let Desk { staff, keys, hubs } = Desk::open(&state, &headers).await?;
    let lang = staff.lang;
    let get = |name: &str| super::form_field(&pairs, name).trim().to_owned();
    check_csrf(&staff, &headers, &get("csrf"))?;
    let internal = |e: StoreError| StaffError::internal(lang, e);
    let id: Uuid = id.parse().map_err(|_| StaffError::NotFound(lang))?;
    let t = state
        .store
        .transfer(&keys, id)
        .await
        .map_err(internal)?
        .ok_or(StaffError::NotFound(lang))?;
    let hub = t
        .to_hub
        .and_then(|h| hubs.iter().find(|x| x.id == h))
        .cloned();
    let (true, Some(hub)) = (reports_arrival(&staff, &t, &hubs), hub) else {
        return Err(StaffError::NotFound(lang));
    };
    let bad = |key: &str| StaffError::BadRequest(lang, crate::I18N.message(lang, key, None));
    let arrival =
        Arrival::from_code(&get("arrival")).ok_or_else(|| bad("transfer-arrival-choose"))?;
    let note = get("note");
    if arrival == Arrival::NotArrived && note.is_empty() {
        return Err(bad("transfer-not-arrived-needs-note"));
    }
    let report = match &t.partner {
        None => None,
        Some(partner) => {
            let payload = Payload::Arrival(ArrivalReport {
                package: id,
                arrival,
                note: note.clone(),
                at: state.store.now(),
            });
            Some(seal_reply(&state, lang, partner, id, &payload)?)
        }
    };
    let recorded = state
        .store
        .record_arrival(
            &keys,
            id,
            arrival,
            &note,
            report,
            &staff.change_at(&from, &hub),
        )
        .await
        .map_err(internal)?;
    if !recorded {
        return Err(bad("transfer-already-decided"));
    }
    Ok(Redirect::to("/staff/transfers").into_response())
}
