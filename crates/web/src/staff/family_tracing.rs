//! Family tracing on the staff side: tracing requests recorded by case workers (or sent by
//! relatives through the public site and verified here first), the candidate children the
//! matcher finds with its evidence, the case worker's decision on each, the verification of the
//! relationship, and the reunification that closes the request. Where a candidate child is is
//! shown only to staff who work on cases at that child's hub.

use askama::Template;
use axum::Form;
use axum::extract::{Extension, Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect};
use bluedot_core::person::Identity;
use bluedot_core::policy::Action;
use bluedot_core::tracing_request::{MatchStatus, RequesterInfo, Sought, TracingStatus};
use bluedot_core::{Hub, ValidationError};
use bluedot_store::StoreError;
use bluedot_store::tracing::{ConsentAsksOf, NewTracingRequest, Reunification, TracingRequest};
use chrono::{Datelike, NaiveDate};
use uuid::Uuid;

use super::Desk;
use super::{ClientAddr, Nav, StaffError, StaffResult, audit, check_csrf, form_field, hub_target};
use crate::AppState;
use crate::tracing_index::TracingIndex;
use crate::view::{Ctx, render_form};

/// Candidates kept per request, and the least score worth showing.
const CANDIDATES: usize = 10;
const LEAST_SCORE: f64 = 0.05;
/// A child without consent to tracing this likely to be the one sought gets their case worker
/// asked to seek consent; at most this many children per request.
const CONSENT_ASK_SCORE: f64 = 0.3;
const CONSENT_ASKS: usize = 3;

fn handles_cases(l: &Desk, hub: &Hub) -> bool {
    bluedot_core::policy::handles_cases(&l.staff.actor, hub_target(hub))
}

impl Desk {
    pub fn tracing_hubs(&self) -> Vec<&Hub> {
        self.hubs
            .iter()
            .filter(|h| handles_cases(self, h))
            .collect()
    }

    /// The request `id` if this account works on tracing at its hub; otherwise 404, audited.
    async fn tracing_request(
        &self,
        state: &AppState,
        from: &ClientAddr,
        id: &str,
        verb: &str,
    ) -> StaffResult<(TracingRequest, Hub)> {
        self.open_record(state, from, id, verb, |actor, at, _| {
            bluedot_core::policy::handles_cases(actor, at)
        })
        .await
    }

    /// The server's tracing index, current with the database.
    async fn tracing_index<'a>(&self, state: &'a AppState) -> StaffResult<&'a TracingIndex> {
        crate::tracing_index::current(&state.tracing, &state.store, &self.keys)
            .await
            .map_err(|e| self.internal(e))
    }

    /// Runs the matcher for an open request and records its candidates.
    async fn search(
        &self,
        state: &AppState,
        from: &ClientAddr,
        request: &TracingRequest,
    ) -> StaffResult<usize> {
        let index = self.tracing_index(state).await?;
        self.search_in(state, from, index, request).await
    }

    /// Records the candidates with consent to tracing, and asks the case workers of likely
    /// children without it to seek consent.
    async fn search_in(
        &self,
        state: &AppState,
        from: &ClientAddr,
        index: &TracingIndex,
        request: &TracingRequest,
    ) -> StaffResult<usize> {
        let found: Vec<(Uuid, f64, String)> = index
            .find(&request.sought, &request.requester, CANDIDATES)
            .await
            .into_iter()
            .filter(|m| m.score >= LEAST_SCORE)
            .filter_map(|m| {
                let person = m.child_id.parse().ok()?;
                let evidence: Vec<StoredEvidence> = m
                    .evidence
                    .iter()
                    .map(|e| StoredEvidence {
                        points: e.points,
                        said: e.said.clone(),
                    })
                    .collect();
                Some((person, m.score, serde_json::to_string(&evidence).ok()?))
            })
            .collect();
        state
            .store
            .propose_candidates(&self.keys, request.id, &found)
            .await
            .map_err(|e| self.internal(e))?;
        let without_consent: Vec<Uuid> = index
            .find_without_consent(&request.sought, &request.requester, CONSENT_ASKS)
            .await
            .into_iter()
            .filter(|m| m.score >= CONSENT_ASK_SCORE)
            .filter_map(|m| m.child_id.parse().ok())
            .collect();
        if !without_consent.is_empty() {
            let who = bluedot_store::audit::Change {
                actor_id: Some(self.staff.user.id),
                source: from.0.clone(),
                hub_id: Some(request.hub_id),
                country: Some(request.country.code().to_owned()),
            };
            state
                .store
                .ask_for_tracing_consent(request.id, &without_consent, &who)
                .await
                .map_err(|e| self.internal(e))?;
        }
        Ok(found.len())
    }
}

fn ctx_for(l: &Desk) -> Ctx {
    Ctx::new(l.staff.lang, "/", "tracing")
}

pub struct RequestLine {
    pub id: Uuid,
    pub sought: String,
    pub requester: String,
    pub hub: String,
    pub status: String,
    pub status_code: &'static str,
    pub created: String,
}

#[derive(Template)]
#[template(path = "staff/tracing.html")]
struct ListPage {
    ctx: Ctx,
    nav: Nav,
    csrf: String,
    lines: Vec<RequestLine>,
    hubs: Vec<crate::view::HubGroup>,
    error: Option<String>,
}

fn sought_name(s: &Sought) -> String {
    format!("{} {}", s.given_name, s.family_name)
        .trim()
        .to_owned()
}

impl Desk {
    /// The tracing requests at hubs where this account handles cases, newest first.
    pub async fn request_lines(&self, state: &AppState) -> StaffResult<Vec<RequestLine>> {
        let ctx = ctx_for(self);
        let requests = state
            .store
            .tracing_requests_in_scope(&self.keys, &self.staff.actor.scope)
            .await
            .map_err(|e| self.internal(e))?;
        Ok(requests
            .iter()
            .filter_map(|r| Some((r, self.hub(r.hub_id)?)))
            .filter(|(_, hub)| handles_cases(self, hub))
            .map(|(r, hub)| RequestLine {
                id: r.id,
                sought: sought_name(&r.sought),
                requester: format!("{} ({})", r.requester.name, r.requester.relation),
                hub: hub.name.text(ctx.lang).to_owned(),
                status: ctx.t(&format!("tracing-status-{}", r.status.code())),
                status_code: r.status.code(),
                created: ctx.day_at_hub(r.created_at, hub),
            })
            .collect())
    }

    async fn list_page(&self, state: &AppState, error: Option<String>) -> StaffResult {
        let ctx = ctx_for(self);
        let lines = self.request_lines(state).await?;
        let page = ListPage {
            nav: Nav::for_staff(&self.staff, &self.hubs),
            csrf: self.staff.session.csrf_token.clone(),
            lines,
            hubs: crate::view::hub_groups(
                &ctx,
                self.tracing_hubs()
                    .into_iter()
                    .filter(|h| self.staff.may(Action::ManageCase, hub_target(h))),
            ),
            error,
            ctx,
        };
        let refused = page.error.is_some();
        Ok(render_form(&page, refused))
    }
}

pub async fn list(State(state): State<AppState>, headers: HeaderMap) -> StaffResult {
    let l = Desk::open(&state, &headers).await?;
    if l.tracing_hubs().is_empty() {
        return Err(StaffError::Forbidden(l.staff.lang));
    }
    l.list_page(&state, None).await
}

fn read_sought(pairs: &[(String, String)]) -> Result<(Sought, RequesterInfo), ValidationError> {
    let get = |name: &str| form_field(pairs, name).trim().to_owned();
    let birth_date = match get("birth_date").as_str() {
        "" => None,
        d => Some(
            NaiveDate::parse_from_str(d, "%Y-%m-%d")
                .map_err(|_| ValidationError::new("birth_date", "give a date"))?,
        ),
    };
    let age = match get("age").as_str() {
        "" => None,
        a => Some(
            a.parse::<u32>()
                .map_err(|_| ValidationError::new("age", "the age is 0 to 25"))?,
        ),
    };
    let sex = match get("sex").as_str() {
        "f" => Some('f'),
        "m" => Some('m'),
        _ => None,
    };
    Ok((
        Sought {
            given_name: get("given_name"),
            family_name: get("family_name"),
            sex,
            birth_date,
            birth_year: None,
            age,
            place_of_origin: get("place_of_origin"),
            description: get("description"),
        },
        RequesterInfo {
            name: get("requester_name"),
            relation: get("relation"),
            phone: get("phone"),
            contact_note: get("contact_note"),
        },
    ))
}

fn field_message(l: &Desk, e: &ValidationError) -> String {
    super::field_error(l.staff.lang, &format!("tracing-field-{}", e.field), e)
}

pub async fn create(
    State(state): State<AppState>,
    Extension(from): Extension<ClientAddr>,
    headers: HeaderMap,
    Form(pairs): Form<Vec<(String, String)>>,
) -> StaffResult {
    let l = Desk::open(&state, &headers).await?;
    check_csrf(&l.staff, &headers, &form_field(&pairs, "csrf"))?;
    let hub = form_field(&pairs, "hub")
        .parse::<Uuid>()
        .ok()
        .and_then(|id| l.hub(id))
        .filter(|h| l.staff.may(Action::ManageCase, hub_target(h)))
        .cloned()
        .ok_or(StaffError::Forbidden(l.staff.lang))?;
    let (sought, requester) = match read_sought(&pairs) {
        Ok(ok) => ok,
        Err(e) => return l.list_page(&state, Some(field_message(&l, &e))).await,
    };
    let new = NewTracingRequest {
        hub_id: hub.id,
        country: hub.country,
        public: false,
        sought,
        requester,
        created_by: Some(l.staff.user.id),
    };
    let id = match state
        .store
        .create_tracing_request(&l.keys, &new, &l.staff.change_at(&from, &hub))
        .await
    {
        Ok(id) => id,
        Err(StoreError::Invalid(e)) => {
            return l.list_page(&state, Some(field_message(&l, &e))).await;
        }
        Err(e) => return Err(l.internal(e)),
    };
    let request = state
        .store
        .tracing_request(&l.keys, id)
        .await
        .map_err(|e| l.internal(e))?
        .ok_or_else(|| l.internal("request just created is missing"))?;
    l.search(&state, &from, &request).await?;
    Ok(Redirect::to(&format!("/staff/tracing/{id}")).into_response())
}

/// A piece of the matcher's evidence as a candidate keeps it: what it says, worded only when
/// shown, in the reader's language.
#[derive(serde::Serialize, serde::Deserialize)]
struct StoredEvidence {
    points: f64,
    #[serde(flatten)]
    said: bluedot_tracing::matcher::Said,
}

/// One line of evidence, for (`supports`) or against the candidate.
pub struct EvidenceView {
    pub text: String,
    pub supports: bool,
}

/// Names as people wrote them, in the request and in the child's record: the matcher compares
/// folded forms, the worker reads these.
struct Written<'a> {
    sought: &'a Sought,
    found: Option<&'a Identity>,
}

impl Written<'_> {
    /// The compared pair for a name code, as written, if both sides wrote it.
    fn names(&self, code: &str) -> Option<(&str, &str)> {
        let found = self.found?;
        let pair = if code.starts_with("given-") {
            (self.sought.given_name.as_str(), found.given_name.as_str())
        } else if code.starts_with("family-") && code != "family-as-requester" {
            (self.sought.family_name.as_str(), found.family_name.as_str())
        } else {
            return None;
        };
        (!pair.0.trim().is_empty() && !pair.1.trim().is_empty()).then_some(pair)
    }
}

/// The evidence in words; candidates recorded before it was kept as codes show as recorded.
fn evidence_in_words(ctx: &Ctx, stored: &str, written: &Written) -> Vec<EvidenceView> {
    let Ok(items) = serde_json::from_str::<Vec<StoredEvidence>>(stored) else {
        return stored
            .lines()
            .map(|l| EvidenceView {
                text: l.to_owned(),
                supports: !l.contains(" -"),
            })
            .collect();
    };
    items
        .into_iter()
        .filter(|e| !e.said.code.ends_with("-none"))
        .map(|mut e| {
            // How rare a name is: the child's name as written, and the count as it is.
            if let Some(which) = e
                .said
                .code
                .strip_prefix("rare-")
                .or(e.said.code.strip_prefix("common-"))
                && let Some((_, found)) = written.names(&format!("{which}-same"))
            {
                e.said.sought = found.trim().to_owned();
            } else if let Some((sought, found)) = written.names(&e.said.code) {
                // The same folded name written differently is one name in two spellings.
                if e.said.code.ends_with("-same")
                    && sought.trim().to_lowercase() != found.trim().to_lowercase()
                {
                    e.said.code = e.said.code.replace("-same", "-forms");
                }
                e.said.sought = sought.trim().to_owned();
                e.said.found = found.trim().to_owned();
            }
            let mut text = ctx.ta(
                &format!("tracing-says-{}", e.said.code),
                &[
                    ("sought", e.said.sought.as_str().into()),
                    ("found", e.said.found.as_str().into()),
                ],
            );
            if e.said.by_age {
                text = format!("{text} {}", ctx.t("tracing-says-by-age"));
            }
            EvidenceView {
                text,
                supports: e.points > 0.0,
            }
        })
        .collect()
}

pub struct CandidateView {
    pub person_id: Uuid,
    pub name: String,
    pub age: String,
    /// The child's hub, only for staff who work on cases there.
    pub hub: String,
    pub score: String,
    pub evidence: Vec<EvidenceView>,
    pub status: String,
    pub status_code: &'static str,
    /// The child's record is visible to this account.
    pub linkable: bool,
    /// How the relationship was verified, by whom and when, once it is.
    pub verified: Option<String>,
}

#[derive(Template)]
#[template(path = "staff/tracing_request.html")]
struct RequestPage {
    ctx: Ctx,
    nav: Nav,
    csrf: String,
    id: Uuid,
    sought: String,
    details: Vec<(String, String)>,
    requester: String,
    status: String,
    status_code: &'static str,
    public: bool,
    candidates: Vec<CandidateView>,
    verification_ways: Vec<(&'static str, String)>,
    reunification: String,
    /// A child without consent to tracing could be the one sought: the worker learns only that.
    consent_sought: bool,
    error: Option<String>,
}

/// Every hub: whoever looks at an ask learns only that it exists.
fn everywhere() -> bluedot_core::policy::Scope {
    bluedot_core::policy::Scope {
        everywhere: true,
        ..Default::default()
    }
}

impl Desk {
    async fn request_page(
        &self,
        state: &AppState,
        request: &TracingRequest,
        error: Option<String>,
    ) -> StaffResult {
        let ctx = ctx_for(self);
        let candidates = state
            .store
            .candidates(&self.keys, request.id)
            .await
            .map_err(|e| self.internal(e))?;
        let mut views = Vec::new();
        for c in candidates {
            let Some(person) = state
                .store
                .person(&self.keys, c.person_id)
                .await
                .map_err(|e| self.internal(e))?
            else {
                continue;
            };
            let hub = self.hub(person.hub_id);
            let visible = hub.is_some_and(|h| handles_cases(self, h));
            let today = chrono::Utc::now().date_naive();
            let identity = person.identity.as_ref();
            views.push(CandidateView {
                person_id: c.person_id,
                name: identity.map(Identity::full_name).unwrap_or_default(),
                age: identity
                    .and_then(|i| i.birth_date)
                    .map(|d| bluedot_core::person::age_on(d, today).to_string())
                    .or_else(|| person.birth_year.map(|y| format!("~{}", today.year() - y)))
                    .unwrap_or_default(),
                hub: if visible {
                    hub.map(|h| h.name.text(ctx.lang).to_owned())
                        .unwrap_or_default()
                } else {
                    ctx.t("tracing-elsewhere")
                },
                score: format!("{:.0}%", c.score * 100.0),
                evidence: evidence_in_words(
                    &ctx,
                    &c.evidence,
                    &Written {
                        sought: &request.sought,
                        found: identity,
                    },
                ),
                status: ctx.t(&format!("tracing-match-{}", c.status.code())),
                status_code: c.status.code(),
                linkable: visible,
                verified: c.verification.as_ref().map(|v| {
                    let ways: Vec<String> = v
                        .ways
                        .iter()
                        .map(|w| ctx.t(&format!("tracing-verify-way-{w}")))
                        .collect();
                    format!(
                        "{}: {} — {}. {}, {}",
                        ctx.t("tracing-verified-how"),
                        ways.join(", "),
                        v.details,
                        c.decided_by.clone().unwrap_or_default(),
                        c.decided_at
                            .map(|t| match hub {
                                Some(h) => ctx.at_hub(t, h),
                                None => ctx.moment(t),
                            })
                            .unwrap_or_default()
                    )
                }),
            });
        }
        let s = &request.sought;
        let mut details = Vec::new();
        let mut add = |key: &str, value: String| {
            if !value.is_empty() {
                details.push((ctx.t(key), value));
            }
        };
        add(
            "person-sex",
            s.sex
                .map(|c| ctx.t(if c == 'f' { "sex-female" } else { "sex-male" }))
                .unwrap_or_default(),
        );
        add(
            "person-born",
            s.birth_date.map(|d| ctx.day(d)).unwrap_or_default(),
        );
        add(
            "tracing-age",
            s.age.map(|a| a.to_string()).unwrap_or_default(),
        );
        add("tracing-place", s.place_of_origin.clone());
        add("tracing-description", s.description.clone());
        let consent_sought = !state
            .store
            .open_consent_asks(&everywhere(), ConsentAsksOf::Request(request.id))
            .await
            .map_err(|e| self.internal(e))?
            .is_empty();
        let page = RequestPage {
            consent_sought,
            verification_ways: bluedot_store::tracing::VERIFICATION_WAYS
                .iter()
                .map(|w| (*w, ctx.t(&format!("tracing-verify-way-{w}"))))
                .collect(),
            nav: Nav::for_staff(&self.staff, &self.hubs),
            csrf: self.staff.session.csrf_token.clone(),
            id: request.id,
            sought: sought_name(s),
            details,
            requester: format!(
                "{} ({}){}",
                request.requester.name,
                request.requester.relation,
                if request.requester.phone.is_empty() {
                    String::new()
                } else {
                    format!(" · {}", request.requester.phone)
                }
            ),
            status: ctx.t(&format!("tracing-status-{}", request.status.code())),
            status_code: request.status.code(),
            public: request.public,
            candidates: views,
            reunification: request
                .reunification
                .as_ref()
                .map(|r| format!("{} · {} · {}", r.date, r.place, r.with_whom))
                .unwrap_or_default(),
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
    let (request, hub) = l
        .tracing_request(&state, &from, &id, "tracing.view")
        .await?;
    let event = l.staff.event_at(
        "tracing.view",
        format!("tracing:{}", request.id),
        &from,
        &hub,
    );
    audit(&state, l.staff.lang, event).await?;
    l.request_page(&state, &request, None).await
}

/// One of the actions on a request: verify it, search again, decide on a candidate, record
/// the reunification, close it.
pub async fn act(
    State(state): State<AppState>,
    Extension(from): Extension<ClientAddr>,
    Path(id): Path<String>,
    headers: HeaderMap,
    Form(pairs): Form<Vec<(String, String)>>,
) -> StaffResult {
    let l = Desk::open(&state, &headers).await?;
    let get = |name: &str| form_field(&pairs, name).trim().to_owned();
    check_csrf(&l.staff, &headers, &get("csrf"))?;
    let lang = l.staff.lang;
    let (request, hub) = l.tracing_request(&state, &from, &id, "tracing.act").await?;
    if !l.staff.may(Action::ManageCase, hub_target(&hub)) {
        return Err(StaffError::Forbidden(lang));
    }
    let internal = |e: StoreError| l.internal(e);
    let action = get("action");
    let invalid = |e: ValidationError| field_message(&l, &e);
    let who = l.staff.change_at(&from, &hub);
    let outcome: Result<(), String> = match action.as_str() {
        "verify" => {
            if state
                .store
                .verify_tracing_request(request.id, &who)
                .await
                .map_err(internal)?
            {
                let open = state
                    .store
                    .tracing_request(&l.keys, request.id)
                    .await
                    .map_err(internal)?
                    .ok_or_else(|| l.internal("request vanished"))?;
                l.search(&state, &from, &open).await?;
                Ok(())
            } else {
                Err(crate::I18N.message(lang, "tracing-not-now", None))
            }
        }
        "search" if request.status == TracingStatus::Open => {
            l.search(&state, &from, &request).await?;
            Ok(())
        }
        "verify-relationship" => {
            let person: Uuid = get("person")
                .parse()
                .map_err(|_| StaffError::NotFound(lang))?;
            let how = bluedot_store::tracing::Verification {
                ways: pairs
                    .iter()
                    .filter(|(k, _)| k == "way")
                    .map(|(_, v)| v.clone())
                    .collect(),
                details: get("details"),
            };
            match state
                .store
                .verify_relationship(&l.keys, request.id, person, &how, &who)
                .await
            {
                Ok(()) => Ok(()),
                Err(StoreError::Invalid(e)) => Err(invalid(e)),
                Err(e) => return Err(internal(e)),
            }
        }
        "confirm" | "reject" => {
            let person: Uuid = get("person")
                .parse()
                .map_err(|_| StaffError::NotFound(lang))?;
            let to = if action == "confirm" {
                MatchStatus::Confirmed
            } else {
                MatchStatus::Rejected
            };
            match state
                .store
                .decide_candidate(request.id, person, to, &who)
                .await
            {
                Ok(()) => Ok(()),
                Err(StoreError::Invalid(e)) => Err(invalid(e)),
                Err(e) => return Err(internal(e)),
            }
        }
        "reunify" => {
            let date = NaiveDate::parse_from_str(&get("date"), "%Y-%m-%d");
            // Whether the child's case closes is the worker's decision, asked each time.
            let close_case = match get("close_case").as_str() {
                "yes" => Some(true),
                "no" => Some(false),
                _ => None,
            };
            match (date, close_case) {
                (Err(_), _) => Err(invalid(ValidationError::new("date", "give the date"))),
                (_, None) => Err(invalid(ValidationError::new(
                    "reunification",
                    "say whether the child's case should close",
                ))),
                (Ok(date), Some(close_case)) => {
                    let r = Reunification {
                        date,
                        place: get("place"),
                        with_whom: get("with_whom"),
                        note: get("note"),
                    };
                    match state.store.reunify(&l.keys, request.id, &r, &who).await {
                        Ok(true) => {
                            if let Some(person) = request.found_person {
                                l.record_reunification_in_case(
                                    &state, person, &r, close_case, &from,
                                )
                                .await?;
                            }
                            Ok(())
                        }
                        Ok(false) => Err(crate::I18N.message(lang, "tracing-not-now", None)),
                        Err(StoreError::Invalid(e)) => Err(invalid(e)),
                        Err(e) => return Err(internal(e)),
                    }
                }
            }
        }
        "close" => {
            state
                .store
                .close_tracing_request(request.id, &who)
                .await
                .map_err(internal)?;
            Ok(())
        }
        _ => Err(crate::I18N.message(lang, "tracing-not-now", None)),
    };
    if let Err(message) = outcome {
        return l.request_page(&state, &request, Some(message)).await;
    }
    // The matcher's search changes no request: it is audited here; every other action is
    // audited by the store with the change it makes.
    if action == "search" {
        let event = l.staff.event_at(
            "tracing.search",
            format!("tracing:{}", request.id),
            &from,
            &hub,
        );
        audit(&state, lang, event).await?;
    }
    Ok(Redirect::to(&format!("/staff/tracing/{}", request.id)).into_response())
}

impl Desk {
    /// The reunification goes into the child's open case, if any: as a note, or, when the
    /// worker chose so, as the request to close the case as reunified, which a supervisor
    /// approves.
    async fn record_reunification_in_case(
        &self,
        state: &AppState,
        person: Uuid,
        r: &Reunification,
        close_case: bool,
        from: &ClientAddr,
    ) -> StaffResult<()> {
        let internal = |e: StoreError| self.internal(e);
        let Some(case) = state
            .store
            .cases_of(person)
            .await
            .map_err(internal)?
            .into_iter()
            .find(|c| c.state.is_open())
        else {
            return Ok(());
        };
        let who = match self.hub(case.hub_id) {
            Some(hub) => self.staff.change_at(from, hub),
            None => return Err(self.internal("the case's hub is not in the directory")),
        };
        let text = bluedot_store::cases::StepText {
            // Written once into the case, in the language of the worker who records it.
            note: format!(
                "{} {}",
                Ctx::new(self.staff.lang, "/", "tracing").ta(
                    "tracing-reunified-note",
                    &[
                        ("date", r.date.to_string().into()),
                        ("place", r.place.as_str().into()),
                        ("with", r.with_whom.as_str().into()),
                    ],
                ),
                r.note
            )
            .trim()
            .to_owned(),
            ..Default::default()
        };
        if !close_case {
            return state
                .store
                .case_note(&self.keys, case.id, &text, self.staff.user.id, &who)
                .await
                .map_err(internal);
        }
        let change = bluedot_store::cases::CaseChange {
            id: case.id,
            version: case.version,
            step: bluedot_core::case::Step::RequestClosure(
                bluedot_core::case::ClosureReason::Reunified,
            ),
            text: text.clone(),
            by: self.staff.user.id,
        };
        match state
            .store
            .case_step(&self.keys, &change, &state.config.case_deadlines, &who)
            .await
        {
            Ok(_) => Ok(()),
            // A closure cannot be asked for now (one waits, or a best interests step does):
            // the reunification still goes into the history.
            Err(StoreError::Invalid(_) | StoreError::Conflict(_)) => state
                .store
                .case_note(&self.keys, case.id, &text, self.staff.user.id, &who)
                .await
                .map_err(internal),
            Err(e) => Err(internal(e)),
        }
    }
}

/// Runs the matcher again for every open request of the deployment, so a child who has just
/// become traceable is proposed wherever a relative is looking for them.
pub async fn search_open_requests(
    state: &AppState,
    from: &ClientAddr,
    l: &Desk,
) -> StaffResult<usize> {
    let open: Vec<TracingRequest> = state
        .store
        .tracing_requests_in_scope(&l.keys, &everywhere())
        .await
        .map_err(|e| l.internal(e))?
        .into_iter()
        .filter(|r| r.status == TracingStatus::Open)
        .collect();
    // One refresh of the index serves every request.
    let index = l.tracing_index(state).await?;
    for request in &open {
        l.search_in(state, from, index, request).await?;
    }
    Ok(open.len())
}

/// A child whose consent to tracing the signed-in case worker is asked to seek.
pub struct ConsentAskLine {
    pub person_id: Uuid,
    pub child: String,
    pub hub: String,
    pub asked: String,
}

/// The asks for consent to tracing waiting for this account: children at hubs where it works on
/// cases whose open case it holds, or who have no open case yet. One card per child, however
/// many requests could concern them.
pub async fn consent_asks_for(
    state: &AppState,
    l: &Desk,
    limit: usize,
) -> StaffResult<Vec<ConsentAskLine>> {
    let asks = state
        .store
        .open_consent_asks(&l.staff.actor.scope, ConsentAsksOf::All)
        .await
        .map_err(|e| l.internal(e))?;
    let ctx = ctx_for(l);
    let mut seen = std::collections::HashSet::new();
    let mut lines = Vec::new();
    for ask in asks {
        let Some(hub) = l.hub(ask.hub_id).filter(|h| handles_cases(l, h)) else {
            continue;
        };
        let mine = ask.case_worker.is_none_or(|w| w == l.staff.user.id);
        if !mine || !seen.insert(ask.person_id) || lines.len() >= limit {
            continue;
        }
        let Some(person) = state
            .store
            .person(&l.keys, ask.person_id)
            .await
            .map_err(|e| l.internal(e))?
        else {
            continue;
        };
        lines.push(ConsentAskLine {
            person_id: ask.person_id,
            child: person
                .identity
                .as_ref()
                .map(Identity::full_name)
                .unwrap_or_default(),
            hub: hub.name.text(ctx.lang).to_owned(),
            asked: ctx.day_at_hub(ask.asked_at, hub),
        });
    }
    Ok(lines)
}
