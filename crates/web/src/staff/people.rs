//! People with specific needs: registration, the record itself (shown part by part as the
//! policy allows), notes, consent, the person's own copy of their data, closure, anonymisation
//! and erasure. Every view and change is audited; records outside an account's scope answer
//! "not found", so their existence is not revealed.

use askama::Template;
use axum::Form;
use axum::extract::{Extension, Path, Query, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Redirect, Response};
use bluedot_core::person::{
    ConsentGiver, ConsentPurpose, Identity, PersonStatus, Sex, SpecificNeed, age_on, latin_form,
};
use bluedot_core::policy::{Action, Field, may_see, may_write_note};
use bluedot_core::{Hub, ValidationError};
use bluedot_store::StoreError;
use bluedot_store::people::{Consent, NewConsent, NewPerson, Note, PersonRecord};
use chrono::{Datelike, NaiveDate, Utc};
use serde::Deserialize;
use uuid::Uuid;

use super::Desk;
use super::{ClientAddr, Nav, Staff, StaffError, StaffResult, audit, check_csrf, hub_target};
use crate::AppState;
use crate::view::{Ctx, render, render_form};

/// How many records the list shows at most; searching narrows it.
const LIST_LIMIT: i64 = 500;

/// The parts of a record that hold notes, in the order the page shows them.
const NOTE_FIELDS: [Field; 3] = [Field::CaseWork, Field::PsychosocialNotes, Field::LegalNotes];

impl Desk {
    /// The record `id` with its hub if the account may take `action` on it.
    async fn record(
        &self,
        state: &AppState,
        from: &ClientAddr,
        id: &str,
        action: Action,
        verb: &str,
    ) -> StaffResult<(PersonRecord, Hub)> {
        self.open_record(state, from, id, verb, |actor, at, _| {
            bluedot_core::policy::decide(actor, action, at).allowed()
        })
        .await
    }

    async fn audit_ok(
        &self,
        state: &AppState,
        from: &ClientAddr,
        verb: &str,
        subject: String,
        hub: &Hub,
    ) -> StaffResult<()> {
        let event = self.staff.event_at(verb, subject, from, hub);
        audit(state, self.staff.lang, event).await
    }
}

fn ctx_for(staff: &Staff) -> Ctx {
    Ctx::new(staff.lang, "/", "people")
}

fn display_name(identity: Option<&Identity>, id: Uuid) -> String {
    identity
        .map(Identity::full_name)
        .unwrap_or_else(|| format!("#{}", &id.simple().to_string()[..8]))
}

// ---------------------------------------------------------------------------------------------
// The list

#[derive(Deserialize)]
pub struct ListParams {
    #[serde(default)]
    q: String,
}

pub struct PersonRow {
    pub id: Uuid,
    pub name: String,
    pub latin: String,
    pub age: String,
    pub hub: String,
    pub needs: Vec<String>,
    pub status: String,
}

#[derive(Template)]
#[template(path = "staff/people.html")]
struct ListPage {
    ctx: Ctx,
    nav: Nav,
    q: String,
    rows: Vec<PersonRow>,
    can_register: bool,
}

/// Lower-case Latin letters and digits only, so that "Олена", "Olena" and "OLENA " compare.
fn search_key(text: &str) -> String {
    latin_form(text)
        .to_lowercase()
        .chars()
        .filter(|c| c.is_alphanumeric())
        .collect()
}

fn age_label(ctx: &Ctx, person: &PersonRecord) -> String {
    let today = Utc::now().date_naive();
    match person.identity.as_ref().and_then(|i| i.birth_date) {
        Some(born) => age_on(born, today).to_string(),
        None => person
            .birth_year
            .map(|y| ctx.ts("person-age-about", "years", &(today.year() - y).to_string()))
            .unwrap_or_else(|| ctx.t("staff-unknown")),
    }
}

pub async fn list(
    State(state): State<AppState>,
    Extension(from): Extension<ClientAddr>,
    Query(params): Query<ListParams>,
    headers: HeaderMap,
) -> StaffResult {
    let l = Desk::open(&state, &headers).await?;
    if !l.staff.may_anywhere(Action::ViewPerson, &l.hubs) {
        return Err(StaffError::Forbidden(l.staff.lang));
    }
    let ctx = ctx_for(&l.staff);
    let records = state
        .store
        .people_in_scope(&l.keys, &l.staff.actor.scope, LIST_LIMIT)
        .await
        .map_err(|e| l.internal(e))?;
    let wanted = search_key(&params.q);
    let rows = records
        .iter()
        .filter_map(|p| Some((p, l.hub(p.hub_id)?)))
        .filter(|(p, hub)| l.staff.may(Action::ViewPerson, hub_target(hub)) && p.identity.is_some())
        .filter(|(p, _)| {
            let identity = p.identity.as_ref().expect("filtered above");
            wanted.is_empty()
                || [
                    &identity.given_name,
                    &identity.family_name,
                    &identity.latin_given_name,
                    &identity.latin_family_name,
                ]
                .iter()
                .any(|n| search_key(n).contains(&wanted))
        })
        .map(|(p, hub)| {
            let identity = p.identity.as_ref().expect("filtered above");
            PersonRow {
                id: p.id,
                name: identity.full_name(),
                latin: format!(
                    "{} {}",
                    identity.latin_given_name, identity.latin_family_name
                )
                .trim()
                .to_owned(),
                age: age_label(&ctx, p),
                hub: hub.name.text(ctx.lang).to_owned(),
                needs: p
                    .needs
                    .iter()
                    .map(|n| ctx.t(&format!("need-{}", n.code())))
                    .collect(),
                status: ctx.t(&format!("person-status-{}", p.status.code())),
            }
        })
        .collect();
    // The list shows names: it is a view of personal data like any other.
    let mut event = l.staff.event("person.list", "people".into(), &from);
    if !params.q.is_empty() {
        event.action = "person.search".into();
    }
    audit(&state, l.staff.lang, event).await?;
    let page = ListPage {
        nav: Nav::for_staff(&l.staff, &l.hubs),
        q: params.q,
        rows,
        can_register: l.staff.may_anywhere(Action::EditPerson, &l.hubs),
        ctx,
    };
    Ok(render(&page))
}

// ---------------------------------------------------------------------------------------------
// Registration

/// The registration form as submitted, kept to show it again with an error.
#[derive(Default)]
pub struct PersonForm {
    pub hub: String,
    pub given_name: String,
    pub family_name: String,
    pub latin_given_name: String,
    pub latin_family_name: String,
    pub sex: String,
    pub birth_date: String,
    pub age: String,
    pub languages: String,
    pub nationality: String,
    pub phone: String,
    pub document_kind: String,
    pub document_number: String,
    pub needs: Vec<String>,
    pub consent_by: String,
    /// Ticked after a duplicate warning: the person is not one of those shown.
    pub confirmed_new: bool,
    pub csrf: String,
}

impl PersonForm {
    pub(super) fn from_pairs(pairs: Vec<(String, String)>) -> PersonForm {
        let mut f = PersonForm::default();
        for (k, v) in pairs {
            let v = v.trim().to_owned();
            match k.as_str() {
                "hub" => f.hub = v,
                "given_name" => f.given_name = v,
                "family_name" => f.family_name = v,
                "latin_given_name" => f.latin_given_name = v,
                "latin_family_name" => f.latin_family_name = v,
                "sex" => f.sex = v,
                "birth_date" => f.birth_date = v,
                "age" => f.age = v,
                "languages" => f.languages = v,
                "nationality" => f.nationality = v,
                "phone" => f.phone = v,
                "document_kind" => f.document_kind = v,
                "document_number" => f.document_number = v,
                "need" => f.needs.push(v),
                "consent_by" => f.consent_by = v,
                "confirmed_new" => f.confirmed_new = v == "yes",
                "csrf" => f.csrf = v,
                _ => {}
            }
        }
        f
    }

    fn has_need(&self, code: &str) -> bool {
        self.needs.iter().any(|n| n == code)
    }

    /// The record this form describes, or the first thing wrong with it.
    pub(super) fn parse(
        &self,
        hubs: &[Hub],
    ) -> Result<(Hub, Sex, Identity, Vec<SpecificNeed>, ConsentGiver), ValidationError> {
        let hub = self
            .hub
            .parse::<Uuid>()
            .ok()
            .and_then(|id| hubs.iter().find(|h| h.id == id))
            .cloned()
            .ok_or_else(|| ValidationError::new("hub", "choose the hub from the list"))?;
        let sex =
            Sex::from_code(&self.sex).ok_or_else(|| ValidationError::new("sex", "choose one"))?;
        let today = Utc::now().date_naive();
        let birth_date = match self.birth_date.as_str() {
            "" => None,
            text => {
                let date = NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| {
                    ValidationError::new("birth_date", "write the date as YYYY-MM-DD")
                })?;
                if date > today || date.year() < today.year() - 120 {
                    return Err(ValidationError::new(
                        "birth_date",
                        "the date must be in the past 120 years",
                    ));
                }
                Some(date)
            }
        };
        let birth_year_estimated = match (self.age.as_str(), birth_date) {
            ("", _) | (_, Some(_)) => None,
            (text, None) => {
                let age: i32 = text
                    .parse()
                    .ok()
                    .filter(|a| (0..=120).contains(a))
                    .ok_or_else(|| ValidationError::new("age", "an age is 0 to 120 years"))?;
                Some(today.year() - age)
            }
        };
        let mut needs = Vec::new();
        for code in &self.needs {
            needs.push(
                SpecificNeed::from_code(code)
                    .ok_or_else(|| ValidationError::new("need", "choose needs from the list"))?,
            );
        }
        let consent = ConsentGiver::from_code(&self.consent_by).ok_or_else(|| {
            ValidationError::new("consent_by", "record who consented to the registration")
        })?;
        let optional = |s: &str| Some(s.to_owned()).filter(|s| !s.is_empty());
        let identity = Identity {
            given_name: self.given_name.clone(),
            family_name: self.family_name.clone(),
            latin_given_name: self.latin_given_name.clone(),
            latin_family_name: self.latin_family_name.clone(),
            birth_date,
            birth_year_estimated,
            languages: self
                .languages
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect(),
            nationality: optional(&self.nationality),
            phone: optional(&self.phone),
            documents: match (self.document_kind.as_str(), self.document_number.as_str()) {
                (_, "") => Vec::new(),
                (kind, number) => vec![bluedot_core::person::Document {
                    kind: if kind.is_empty() {
                        "document".into()
                    } else {
                        kind.into()
                    },
                    number: number.into(),
                }],
            },
        }
        .validate()?;
        Ok((hub, sex, identity, needs, consent))
    }
}

#[derive(Clone)]
pub struct Choice {
    pub value: String,
    pub label: String,
}

/// Possible earlier registrations of the person being registered, among those the staff member
/// may open. Matches at hubs outside their scope are not mentioned, not even as a count: that a
/// child is registered elsewhere in the network already tells where the child has been.
#[derive(Default)]
pub struct Duplicates {
    pub visible: Vec<PersonRow>,
}

#[derive(Template)]
#[template(path = "staff/person_new.html")]
struct NewPage {
    ctx: Ctx,
    nav: Nav,
    csrf: String,
    form: PersonForm,
    duplicates: Option<Duplicates>,
    hubs: Vec<crate::view::HubGroup>,
    sexes: Vec<Choice>,
    needs: Vec<Choice>,
    givers: Vec<Choice>,
    error: Option<String>,
}

/// The coded values of an enumeration as form choices, labelled `{prefix}-{code}` in the
/// reader's language.
pub(super) fn choices<T: Copy>(
    ctx: &Ctx,
    all: &[T],
    code: fn(T) -> &'static str,
    prefix: &str,
) -> Vec<Choice> {
    all.iter()
        .map(|v| Choice {
            value: code(*v).to_owned(),
            label: ctx.t(&format!("{prefix}-{}", code(*v))),
        })
        .collect()
}

fn new_page(
    l: &Desk,
    form: PersonForm,
    error: Option<String>,
    duplicates: Option<Duplicates>,
) -> StaffResult {
    let ctx = ctx_for(&l.staff);
    let hubs = crate::view::hub_groups(
        &ctx,
        l.hubs
            .iter()
            .filter(|h| l.staff.may(Action::EditPerson, hub_target(h))),
    );
    if hubs.is_empty() {
        return Err(StaffError::Forbidden(l.staff.lang));
    }
    let page = NewPage {
        nav: Nav::for_staff(&l.staff, &l.hubs),
        csrf: l.staff.session.csrf_token.clone(),
        sexes: choices(&ctx, Sex::ALL, Sex::code, "sex"),
        needs: choices(&ctx, SpecificNeed::ALL, SpecificNeed::code, "need"),
        givers: choices(&ctx, ConsentGiver::ALL, ConsentGiver::code, "consent-by"),
        hubs,
        form,
        error,
        duplicates,
        ctx,
    };
    // A duplicate warning also sends the form back, for the worker to confirm.
    let refused = page.error.is_some() || page.duplicates.is_some();
    Ok(render_form(&page, refused))
}

pub async fn new_form(State(state): State<AppState>, headers: HeaderMap) -> StaffResult {
    let l = Desk::open(&state, &headers).await?;
    let mut form = PersonForm::default();
    // One hub in scope: it is the obvious choice.
    if let [only] = &l.staff.actor.scope.hubs[..] {
        form.hub = only.to_string();
    }
    new_page(&l, form, None, None)
}

pub async fn create(
    State(state): State<AppState>,
    Extension(from): Extension<ClientAddr>,
    headers: HeaderMap,
    Form(pairs): Form<Vec<(String, String)>>,
) -> StaffResult {
    let l = Desk::open(&state, &headers).await?;
    let form = PersonForm::from_pairs(pairs);
    check_csrf(&l.staff, &headers, &form.csrf)?;
    let (hub, sex, identity, needs, given_by) = match form.parse(&l.hubs) {
        Ok(parsed) => parsed,
        Err(e) => {
            let message = field_message(&l.staff, &e);
            return new_page(&l, form, Some(message), None);
        }
    };
    if !l.staff.may(Action::EditPerson, hub_target(&hub)) {
        let event = l
            .staff
            .denied_at("person.create", "person:new".into(), &from, &hub);
        audit(&state, l.staff.lang, event).await?;
        return Err(StaffError::Forbidden(l.staff.lang));
    }
    if !form.confirmed_new {
        let duplicates = likely_duplicates(&state, &l, &identity).await?;
        if !duplicates.visible.is_empty() {
            let mut event =
                l.staff
                    .event_at("person.duplicate-warning", "person:new".into(), &from, &hub);
            event.outcome = format!("{} shown", duplicates.visible.len());
            audit(&state, l.staff.lang, event).await?;
            return new_page(&l, form, None, Some(duplicates));
        }
    }
    let new = NewPerson {
        hub_id: hub.id,
        country: hub.country,
        sex,
        identity,
        needs,
        consent: NewConsent {
            purpose: ConsentPurpose::Registration,
            given_by,
            recorded_by: Some(l.staff.user.id),
        },
        registered_by: Some(l.staff.user.id),
    };
    let id = match state
        .store
        .create_person(&l.keys, &new, &l.staff.change_at(&from, &hub))
        .await
    {
        Ok(id) => id,
        Err(StoreError::Invalid(e)) => {
            let message = field_message(&l.staff, &e);
            return new_page(&l, form, Some(message), None);
        }
        Err(e) => return Err(l.internal(e)),
    };
    Ok(Redirect::to(&format!("/staff/people/{id}")).into_response())
}

/// Earlier records that are likely the same person: names alike in any script and, where both
/// are known, birth years at most two apart.
pub(super) async fn likely_duplicates(
    state: &AppState,
    l: &Desk,
    identity: &Identity,
) -> StaffResult<Duplicates> {
    let ctx = ctx_for(&l.staff);
    let year = identity
        .birth_date
        .map(|d| d.year())
        .or(identity.birth_year_estimated);
    let found = state
        .store
        .likely_duplicates(&l.keys, identity)
        .await
        .map_err(|e| l.internal(e))?;
    let mut out = Duplicates::default();
    for p in found {
        if let (Some(a), Some(b)) = (year, p.birth_year)
            && (a - b).abs() > 2
        {
            continue;
        }
        let Some(hub) = l.hub(p.hub_id) else { continue };
        if let (Some(found), true) = (
            &p.identity,
            l.staff.may(Action::ViewPerson, hub_target(hub)),
        ) {
            out.visible.push(PersonRow {
                id: p.id,
                name: found.full_name(),
                latin: format!("{} {}", found.latin_given_name, found.latin_family_name),
                age: age_label(&ctx, &p),
                hub: hub.name.text(ctx.lang).to_owned(),
                needs: Vec::new(),
                status: ctx.t(&format!("person-status-{}", p.status.code())),
            });
        }
    }
    Ok(out)
}

/// "Field: message", with the field's label in the staff member's language.
pub(super) fn field_message(staff: &Staff, e: &ValidationError) -> String {
    super::field_error(
        staff.lang,
        &format!("person-{}", e.field.replace('_', "-")),
        e,
    )
}

// ---------------------------------------------------------------------------------------------
// The record

pub struct NoteView {
    pub when: String,
    pub author: String,
    pub body: String,
}

pub struct NoteSection {
    pub field: &'static str,
    pub title: String,
    pub notes: Vec<NoteView>,
    pub writable: bool,
}

pub struct ConsentView {
    pub id: Uuid,
    pub purpose: String,
    pub given_by: String,
    pub recorded: String,
    pub withdrawn: Option<String>,
}

#[derive(Template)]
#[template(path = "staff/person.html")]
struct RecordPage {
    ctx: Ctx,
    nav: Nav,
    csrf: String,
    id: Uuid,
    title: String,
    hub: String,
    status: String,
    active: bool,
    anonymised: bool,
    registered: String,
    identity: Option<IdentityView>,
    needs: Option<Vec<String>>,
    consents: Vec<ConsentView>,
    purposes: Vec<Choice>,
    givers: Vec<Choice>,
    sections: Vec<NoteSection>,
    can_edit: bool,
    can_erase: bool,
    referrals: Vec<super::referrals::ReferralLine>,
    refer: Option<super::referrals::ReferralOptions>,
    cases: Vec<super::cases::CaseLink>,
    open_case: Option<super::cases::OpenOptions>,
    /// A tracing request could concern this child, who has no consent to tracing yet.
    consent_asked: bool,
}

pub struct IdentityView {
    pub names: String,
    pub latin: String,
    pub sex: String,
    pub born: String,
    pub languages: String,
    pub nationality: String,
    pub phone: String,
    pub documents: String,
}

async fn author_names(state: &AppState, notes: &[Note]) -> Vec<String> {
    let mut out = Vec::with_capacity(notes.len());
    for n in notes {
        let name = match n.author_id {
            Some(id) => state
                .store
                .user(id)
                .await
                .ok()
                .flatten()
                .map(|u| u.display_name)
                .unwrap_or_default(),
            None => String::new(),
        };
        out.push(name);
    }
    out
}

pub async fn view(
    State(state): State<AppState>,
    Extension(from): Extension<ClientAddr>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> StaffResult {
    let l = Desk::open(&state, &headers).await?;
    let (person, hub) = l
        .record(&state, &from, &id, Action::ViewPerson, "person.view")
        .await?;
    let ctx = ctx_for(&l.staff);
    let target = hub_target(&hub);
    let actor = &l.staff.actor;
    let sees = |field| may_see(actor, field, target);
    let identity = person.identity.as_ref().filter(|_| sees(Field::Identity));
    let visible_notes: Vec<Field> = NOTE_FIELDS.iter().copied().filter(|f| sees(*f)).collect();
    let notes = state
        .store
        .notes(&l.keys, person.id, &visible_notes)
        .await
        .map_err(|e| l.internal(e))?;
    let authors = author_names(&state, &notes).await;
    let writes = may_write_note(actor, target).filter(|_| person.status == PersonStatus::Active);
    let sections = visible_notes
        .iter()
        .map(|field| NoteSection {
            field: field.code(),
            title: ctx.t(&format!("field-{}", field.code())),
            notes: notes
                .iter()
                .zip(&authors)
                .filter(|(n, _)| n.field == *field)
                .map(|(n, author)| NoteView {
                    when: ctx.at_hub(n.written_at, &hub),
                    author: author.clone(),
                    body: n.body.clone(),
                })
                .collect(),
            writable: writes == Some(*field),
        })
        .collect();
    let consents = if sees(Field::Identity) {
        state
            .store
            .consents(person.id)
            .await
            .map_err(|e| l.internal(e))?
    } else {
        Vec::new()
    };
    let today = Utc::now().date_naive();
    let can_edit = person.status == PersonStatus::Active && l.staff.may(Action::EditPerson, target);
    let referrals = if sees(Field::Needs) {
        let providers = state
            .store
            .list_providers(Some(hub.country))
            .await
            .map_err(|e| l.internal(e))?;
        state
            .store
            .referrals_of(&l.keys, person.id)
            .await
            .map_err(|e| l.internal(e))?
            .iter()
            .map(|r| super::referrals::line(&ctx, r, String::new(), &providers, &hub))
            .collect()
    } else {
        Vec::new()
    };
    let refer = if can_edit {
        Some(
            super::referrals::options(&state, &ctx, &l.staff, &hub)
                .await
                .map_err(|e| l.internal(e))?,
        )
    } else {
        None
    };
    let (cases, open_case) = super::cases::of_person(&state, &ctx, &l.staff, &person, &hub)
        .await
        .map_err(|e| l.internal(e))?;
    let consent_asked = !state
        .store
        .open_consent_asks(
            &l.staff.actor.scope,
            bluedot_store::tracing::ConsentAsksOf::Child(person.id),
        )
        .await
        .map_err(|e| l.internal(e))?
        .is_empty();
    let page = RecordPage {
        consent_asked,
        referrals,
        refer,
        cases,
        open_case: open_case.filter(|_| person.status == PersonStatus::Active),
        nav: Nav::for_staff(&l.staff, &l.hubs),
        csrf: l.staff.session.csrf_token.clone(),
        id: person.id,
        title: display_name(identity, person.id),
        hub: hub.name.text(ctx.lang).to_owned(),
        status: ctx.t(&format!("person-status-{}", person.status.code())),
        active: person.status == PersonStatus::Active,
        anonymised: person.status == PersonStatus::Anonymised,
        registered: ctx.day_at_hub(person.registered_at, &hub),
        identity: identity.map(|i| IdentityView {
            names: i.full_name(),
            latin: format!("{} {}", i.latin_given_name, i.latin_family_name)
                .trim()
                .to_owned(),
            sex: ctx.t(&format!("sex-{}", person.sex.code())),
            born: match i.birth_date {
                Some(d) => format!("{} ({})", ctx.day(d), age_on(d, today)),
                None => age_label(&ctx, &person),
            },
            languages: i.languages.join(", "),
            nationality: i.nationality.clone().unwrap_or_default(),
            phone: i.phone.clone().unwrap_or_default(),
            documents: i
                .documents
                .iter()
                .map(|d| format!("{} {}", d.kind, d.number))
                .collect::<Vec<_>>()
                .join(", "),
        }),
        needs: sees(Field::Needs).then(|| {
            person
                .needs
                .iter()
                .map(|n| ctx.t(&format!("need-{}", n.code())))
                .collect()
        }),
        consents: consents
            .iter()
            .map(|c: &Consent| ConsentView {
                id: c.id,
                purpose: ctx.t(&format!("consent-purpose-{}", c.purpose.code())),
                given_by: ctx.t(&format!("consent-by-{}", c.given_by.code())),
                recorded: ctx.day_at_hub(c.recorded_at, &hub),
                withdrawn: c.withdrawn_at.map(|w| ctx.day_at_hub(w, &hub)),
            })
            .collect(),
        purposes: choices(
            &ctx,
            ConsentPurpose::ALL,
            ConsentPurpose::code,
            "consent-purpose",
        ),
        givers: choices(&ctx, ConsentGiver::ALL, ConsentGiver::code, "consent-by"),
        sections,
        can_edit: person.status == PersonStatus::Active && l.staff.may(Action::EditPerson, target),
        can_erase: l.staff.may(Action::ErasePerson, target),
        ctx,
    };
    l.audit_ok(
        &state,
        &from,
        "person.view",
        format!("person:{}", person.id),
        &hub,
    )
    .await?;
    Ok(render(&page))
}

// ---------------------------------------------------------------------------------------------
// Changes

#[derive(Deserialize)]
pub struct NoteForm {
    csrf: String,
    field: String,
    body: String,
}

pub async fn add_note(
    State(state): State<AppState>,
    Extension(from): Extension<ClientAddr>,
    Path(id): Path<String>,
    headers: HeaderMap,
    Form(form): Form<NoteForm>,
) -> StaffResult {
    let l = Desk::open(&state, &headers).await?;
    check_csrf(&l.staff, &headers, &form.csrf)?;
    let (person, hub) = l
        .record(&state, &from, &id, Action::ViewPerson, "note.add")
        .await?;
    let lang = l.staff.lang;
    let field = Field::from_code(&form.field);
    if field.is_none() || may_write_note(&l.staff.actor, hub_target(&hub)) != field {
        return Err(StaffError::Forbidden(lang));
    }
    if person.status != PersonStatus::Active {
        return Err(StaffError::BadRequest(
            lang,
            crate::I18N.message(lang, "person-not-active", None),
        ));
    }
    match state
        .store
        .add_note(
            &l.keys,
            person.id,
            field.expect("checked"),
            &form.body,
            &l.staff.change_at(&from, &hub),
        )
        .await
    {
        Ok(_) => {}
        Err(StoreError::Invalid(e)) => {
            return Err(StaffError::BadRequest(lang, field_message(&l.staff, &e)));
        }
        Err(e) => return Err(l.internal(e)),
    };
    Ok(Redirect::to(&format!("/staff/people/{}#notes-{}", person.id, form.field)).into_response())
}

#[derive(Deserialize)]
pub struct ConsentForm {
    csrf: String,
    purpose: String,
    given_by: String,
}

pub async fn record_consent(
    State(state): State<AppState>,
    Extension(from): Extension<ClientAddr>,
    Path(id): Path<String>,
    headers: HeaderMap,
    Form(form): Form<ConsentForm>,
) -> StaffResult {
    let l = Desk::open(&state, &headers).await?;
    check_csrf(&l.staff, &headers, &form.csrf)?;
    let (person, hub) = l
        .record(&state, &from, &id, Action::EditPerson, "consent.record")
        .await?;
    let lang = l.staff.lang;
    let (Some(purpose), Some(given_by)) = (
        ConsentPurpose::from_code(&form.purpose),
        ConsentGiver::from_code(&form.given_by),
    ) else {
        return Err(StaffError::BadRequest(
            lang,
            crate::I18N.message(lang, "consent-bad", None),
        ));
    };
    state
        .store
        .record_consent(
            person.id,
            &NewConsent {
                purpose,
                given_by,
                recorded_by: Some(l.staff.user.id),
            },
            &l.staff.change_at(&from, &hub),
        )
        .await
        .map_err(|e| l.internal(e))?;
    if purpose == ConsentPurpose::Tracing {
        // The child can be traced from now on: every open request looks again at once.
        super::family_tracing::search_open_requests(&state, &from, &l).await?;
    }
    Ok(Redirect::to(&format!("/staff/people/{}#consents", person.id)).into_response())
}

#[derive(Deserialize)]
pub struct CsrfOnly {
    csrf: String,
}

pub async fn withdraw_consent(
    State(state): State<AppState>,
    Extension(from): Extension<ClientAddr>,
    Path((id, consent)): Path<(String, String)>,
    headers: HeaderMap,
    Form(form): Form<CsrfOnly>,
) -> StaffResult {
    let l = Desk::open(&state, &headers).await?;
    check_csrf(&l.staff, &headers, &form.csrf)?;
    let (person, hub) = l
        .record(&state, &from, &id, Action::EditPerson, "consent.withdraw")
        .await?;
    let consent: Uuid = consent
        .parse()
        .map_err(|_| StaffError::NotFound(l.staff.lang))?;
    let done = state
        .store
        .withdraw_consent(person.id, consent, &l.staff.change_at(&from, &hub))
        .await
        .map_err(|e| l.internal(e))?;
    if !done {
        return Err(StaffError::NotFound(l.staff.lang));
    }
    Ok(Redirect::to(&format!("/staff/people/{}#consents", person.id)).into_response())
}

/// The person's own copy of their record (right of access), as JSON: every part the staff
/// member handing it over may see, and which parts those are.
pub async fn export(
    State(state): State<AppState>,
    Extension(from): Extension<ClientAddr>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> StaffResult<Response> {
    let l = Desk::open(&state, &headers).await?;
    let (person, hub) = l
        .record(&state, &from, &id, Action::EditPerson, "person.export")
        .await?;
    let target = hub_target(&hub);
    let parts: Vec<Field> = Field::ALL
        .iter()
        .copied()
        .filter(|f| may_see(&l.staff.actor, *f, target))
        .collect();
    let notes = state
        .store
        .notes(&l.keys, person.id, &parts)
        .await
        .map_err(|e| l.internal(e))?;
    let consents = state
        .store
        .consents(person.id)
        .await
        .map_err(|e| l.internal(e))?;
    let document = serde_json::json!({
        "id": person.id,
        "exported_at": Utc::now(),
        "parts": parts,
        "hub": { "id": hub.id, "name": hub.name.text(l.staff.lang), "country": hub.country.code() },
        "status": person.status,
        "registered_at": person.registered_at,
        "closed_at": person.closed_at,
        "sex": person.sex,
        "identity": person.identity.as_ref().filter(|_| parts.contains(&Field::Identity)),
        "specific_needs": parts.contains(&Field::Needs).then_some(&person.needs),
        "consents": consents.iter().map(|c| serde_json::json!({
            "purpose": c.purpose,
            "given_by": c.given_by,
            "recorded_at": c.recorded_at,
            "withdrawn_at": c.withdrawn_at,
        })).collect::<Vec<_>>(),
        "notes": notes.iter().map(|n| serde_json::json!({
            "part": n.field,
            "written_at": n.written_at,
            "text": n.body,
        })).collect::<Vec<_>>(),
    });
    l.audit_ok(
        &state,
        &from,
        "person.export",
        format!("person:{}", person.id),
        &hub,
    )
    .await?;
    let body = serde_json::to_string_pretty(&document).map_err(|e| l.internal(e))?;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "application/json; charset=utf-8".to_owned(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"person-{}.json\"", person.id),
            ),
        ],
        body,
    )
        .into_response())
}

#[derive(Deserialize)]
pub struct CloseForm {
    csrf: String,
    reason: String,
}

pub async fn close(
    State(state): State<AppState>,
    Extension(from): Extension<ClientAddr>,
    Path(id): Path<String>,
    headers: HeaderMap,
    Form(form): Form<CloseForm>,
) -> StaffResult {
    let l = Desk::open(&state, &headers).await?;
    check_csrf(&l.staff, &headers, &form.csrf)?;
    let (person, hub) = l
        .record(&state, &from, &id, Action::EditPerson, "person.close")
        .await?;
    let lang = l.staff.lang;
    let reason = form.reason.trim();
    if reason.is_empty() || reason.chars().count() > 200 {
        return Err(StaffError::BadRequest(
            lang,
            crate::I18N.message(lang, "person-close-reason-needed", None),
        ));
    }
    if !state
        .store
        .close_person(person.id, reason, &l.staff.change_at(&from, &hub))
        .await
        .map_err(|e| l.internal(e))?
    {
        return Err(StaffError::BadRequest(
            lang,
            crate::I18N.message(lang, "person-not-active", None),
        ));
    }
    Ok(Redirect::to(&format!("/staff/people/{}", person.id)).into_response())
}

#[derive(Deserialize)]
pub struct ConfirmForm {
    csrf: String,
    #[serde(default)]
    confirm: String,
}

/// Anonymise and erase both need the box ticked: neither can be undone.
async fn irreversible(
    state: &AppState,
    from: &ClientAddr,
    id: &str,
    headers: &HeaderMap,
    form: &ConfirmForm,
    verb: &str,
) -> StaffResult<(Desk, PersonRecord, Hub)> {
    let l = Desk::open(state, headers).await?;
    check_csrf(&l.staff, headers, &form.csrf)?;
    let (person, hub) = l.record(state, from, id, Action::ErasePerson, verb).await?;
    if form.confirm != "yes" {
        let lang = l.staff.lang;
        return Err(StaffError::BadRequest(
            lang,
            crate::I18N.message(lang, "person-confirm-needed", None),
        ));
    }
    Ok((l, person, hub))
}

pub async fn anonymise(
    State(state): State<AppState>,
    Extension(from): Extension<ClientAddr>,
    Path(id): Path<String>,
    headers: HeaderMap,
    Form(form): Form<ConfirmForm>,
) -> StaffResult {
    let (l, person, hub) =
        irreversible(&state, &from, &id, &headers, &form, "person.anonymise").await?;
    state
        .store
        .anonymise_person(person.id, &l.staff.change_at(&from, &hub))
        .await
        .map_err(|e| l.internal(e))?;
    Ok(Redirect::to(&format!("/staff/people/{}", person.id)).into_response())
}

pub async fn erase(
    State(state): State<AppState>,
    Extension(from): Extension<ClientAddr>,
    Path(id): Path<String>,
    headers: HeaderMap,
    Form(form): Form<ConfirmForm>,
) -> StaffResult {
    let (l, person, hub) =
        irreversible(&state, &from, &id, &headers, &form, "person.erase").await?;
    state
        .store
        .erase_person(person.id, &l.staff.change_at(&from, &hub))
        .await
        .map_err(|e| l.internal(e))?;
    if let Some(index) = state.tracing.get() {
        index.forget(person.id).await;
    }
    Ok(Redirect::to("/staff/people").into_response())
}
