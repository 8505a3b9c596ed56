//! Inclusion mapping: each country's rounds of assessment of how far refugee children are
//! included in its national child protection system. Country coordinators and content editors
//! of the country write; the country coordinator sends domains back or approves; analysts and
//! the network read; administrators keep the questionnaire. No personal data; every change and
//! every export is audited.

use std::collections::{BTreeMap, HashMap};

use askama::Template;
use axum::Form;
use axum::extract::{Extension, Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use bluedot_core::inclusion::{
    ActionStatus, Answer, Barrier, Domain, Question, Rating, Stage, domain_scores,
};
use bluedot_core::indicator::Shown;
use bluedot_core::policy::{self, Action, Target};
use bluedot_core::taxonomy::PriorityGroup;
use bluedot_core::{Country, Lang};
use bluedot_store::StoreError;
use bluedot_store::inclusion::{AnswerEdit, Assessment, InclusionAction, StoredAnswer};
use chrono::{Duration, NaiveDate, Utc};
use uuid::Uuid;

use super::sheets::{Cell, Format, Sheet};
use super::{
    ClientAddr, Nav, Staff, StaffError, StaffResult, audit, check_csrf, field_error,
    form_value as field, signed_in,
};
use crate::AppState;
use crate::view::{Ctx, render, render_form};

/// The signed-in account with the hubs its navigation needs.
struct Desk {
    staff: Staff,
    hubs: std::sync::Arc<Vec<bluedot_core::Hub>>,
}

impl Desk {
    async fn open(state: &AppState, headers: &HeaderMap) -> StaffResult<Desk> {
        let staff = signed_in(state, headers).await?;
        let hubs = state
            .directory
            .hubs()
            .await
            .map_err(|e| StaffError::internal(staff.lang, e))?;
        Ok(Desk { staff, hubs })
    }

    fn internal(&self, e: impl std::fmt::Display) -> StaffError {
        StaffError::internal(self.staff.lang, e)
    }

    fn ctx(&self) -> Ctx {
        Ctx::new(self.staff.lang, "/", "inclusion")
    }

    fn nav(&self) -> Nav {
        Nav::for_staff(&self.staff, &self.hubs)
    }

    /// The countries whose assessments the account reads; none means the module is not theirs.
    fn reads(&self) -> StaffResult<Vec<Country>> {
        let countries: Vec<Country> = Country::ALL
            .into_iter()
            .filter(|c| policy::reads_inclusion(&self.staff.actor, *c))
            .collect();
        if countries.is_empty() {
            return Err(StaffError::Forbidden(self.staff.lang));
        }
        Ok(countries)
    }

    fn may(&self, action: Action, country: Country) -> bool {
        self.staff.may(action, Target::Country(country))
    }

    /// Whether the account may take `action` at `target`, or 403.
    fn must(&self, action: Action, target: Target) -> StaffResult<()> {
        if self.staff.may(action, target) {
            Ok(())
        } else {
            Err(StaffError::Forbidden(self.staff.lang))
        }
    }

    /// A form posted about a round: the desk open, the form's token checked, the round read.
    async fn posted(
        state: &AppState,
        headers: &HeaderMap,
        fields: &[(String, String)],
        id: &str,
    ) -> StaffResult<(Desk, Assessment)> {
        let desk = Desk::open(state, headers).await?;
        check_csrf(&desk.staff, headers, field(fields, "csrf"))?;
        let a = desk.assessment(state, id).await?;
        Ok((desk, a))
    }

    /// A round the account may read; otherwise 404.
    async fn assessment(&self, state: &AppState, id: &str) -> StaffResult<Assessment> {
        let not_found = || StaffError::NotFound(self.staff.lang);
        let id = id.parse::<Uuid>().map_err(|_| not_found())?;
        state
            .store
            .assessment(id)
            .await
            .map_err(|e| self.internal(e))?
            .filter(|a| policy::reads_inclusion(&self.staff.actor, a.country))
            .ok_or_else(not_found)
    }

    /// The questions of the questionnaire version a round was started on.
    async fn questions(&self, state: &AppState, a: &Assessment) -> StaffResult<Vec<Question>> {
        state
            .store
            .questionnaire_version(a.questionnaire)
            .await
            .map_err(|e| self.internal(e))
    }

    /// A refused field in the reader's language, labelled by the page's field names.
    fn refusal(&self, e: &bluedot_core::ValidationError) -> String {
        field_error(self.staff.lang, &format!("inclusion-{}", e.field), e)
    }

    fn change(&self, from: &ClientAddr, country: Country) -> bluedot_store::audit::Change {
        self.staff.change_in(from, Some(country))
    }
}

fn all<'a>(fields: &'a [(String, String)], name: &'a str) -> impl Iterator<Item = &'a str> {
    fields
        .iter()
        .filter(move |(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

fn domain_name(ctx: &Ctx, d: Domain) -> String {
    ctx.t(&format!("inclusion-domain-{}", d.code()))
}

/// A domain's score as a share, and the class of its cell in the heat table.
fn score_text(score: Option<f64>) -> (String, &'static str) {
    match score {
        None => ("–".into(), "heat-none"),
        Some(s) => {
            let class = match (s * 4.0).round() as u8 {
                0 => "heat-0",
                1 => "heat-1",
                2 => "heat-2",
                3 => "heat-3",
                _ => "heat-4",
            };
            (format!("{:.0} %", s * 100.0), class)
        }
    }
}

fn change_text(now: Option<f64>, before: Option<f64>) -> String {
    match (now, before) {
        (Some(n), Some(b)) => {
            let points = ((n - b) * 100.0).round() as i64;
            match points {
                0 => "±0".into(),
                p if p > 0 => format!("+{p}"),
                p => format!("−{}", -p),
            }
        }
        _ => String::new(),
    }
}

/// The rounds of the reader's countries, a form to start one, and the way to the comparison.
#[derive(Template)]
#[template(path = "staff/inclusion.html")]
struct OverviewPage {
    ctx: Ctx,
    nav: Nav,
    csrf: String,
    rounds: Vec<RoundLine>,
    startable: Vec<(String, String)>,
    edits_questionnaire: bool,
    error: Option<String>,
}

struct RoundLine {
    id: Uuid,
    country: String,
    period: String,
    stage: String,
    demo: bool,
}

async fn overview_page(
    state: &AppState,
    desk: &Desk,
    error: Option<String>,
) -> StaffResult<OverviewPage> {
    let ctx = desk.ctx();
    let countries = desk.reads()?;
    let rounds = state
        .store
        .assessments(&countries)
        .await
        .map_err(|e| desk.internal(e))?;
    Ok(OverviewPage {
        nav: desk.nav(),
        csrf: desk.staff.session.csrf_token.clone(),
        rounds: rounds
            .iter()
            .rev()
            .map(|a| RoundLine {
                id: a.id,
                country: ctx.country_name(a.country),
                period: a.period.clone(),
                stage: ctx.t(&format!("inclusion-stage-{}", a.stage.code())),
                demo: a.is_demo,
            })
            .collect(),
        startable: countries
            .iter()
            .filter(|c| desk.may(Action::AssessInclusion, **c))
            .map(|c| (c.code().to_owned(), ctx.country_name(*c)))
            .collect(),
        edits_questionnaire: desk.staff.may(Action::EditQuestionnaire, Target::Network),
        error,
        ctx,
    })
}

/// `GET /staff/inclusion`
pub async fn overview(State(state): State<AppState>, headers: HeaderMap) -> StaffResult {
    let desk = Desk::open(&state, &headers).await?;
    Ok(render(&overview_page(&state, &desk, None).await?))
}

/// `POST /staff/inclusion`: starts a round for a country, from the last approved one's answers.
pub async fn start(
    State(state): State<AppState>,
    Extension(from): Extension<ClientAddr>,
    headers: HeaderMap,
    Form(fields): Form<Vec<(String, String)>>,
) -> StaffResult {
    let desk = Desk::open(&state, &headers).await?;
    check_csrf(&desk.staff, &headers, field(&fields, "csrf"))?;
    let country = Country::from_code(field(&fields, "country"))
        .filter(|c| desk.may(Action::AssessInclusion, *c))
        .ok_or(StaffError::Forbidden(desk.staff.lang))?;
    let started = state
        .store
        .start_assessment(
            country,
            field(&fields, "period"),
            false,
            &desk.change(&from, country),
        )
        .await;
    let message = match started {
        Ok(id) => return Ok(Redirect::to(&format!("/staff/inclusion/{id}")).into_response()),
        Err(StoreError::Invalid(e)) => desk.refusal(&e),
        Err(StoreError::Conflict(_)) => desk.ctx().t("inclusion-error-round-open"),
        Err(e) => return Err(desk.internal(e)),
    };
    Ok(render_form(
        &overview_page(&state, &desk, Some(message)).await?,
        true,
    ))
}

/// What the assessment page shows of one question.
struct QuestionView {
    code: String,
    text: String,
    figure: Option<String>,
    rating: Rating,
    evidence: String,
    sources: Vec<String>,
    barriers: Vec<Barrier>,
    groups: Vec<PriorityGroup>,
    seen: String,
    changed: Option<String>,
}

struct DomainView {
    code: &'static str,
    name: String,
    score: String,
    before: String,
    change: String,
    class: &'static str,
    returned: Option<String>,
    questions: Vec<QuestionView>,
}

struct ActionLine {
    id: Uuid,
    question: String,
    barrier: String,
    what: String,
    owner: String,
    due: String,
    overdue: bool,
    status: ActionStatus,
    may_move: bool,
}

#[derive(Template)]
#[template(path = "staff/inclusion_assessment.html")]
struct AssessmentPage {
    ctx: Ctx,
    nav: Nav,
    csrf: String,
    id: Uuid,
    title: String,
    meta: String,
    demo: bool,
    editable: bool,
    may_submit: bool,
    may_review: bool,
    may_act: bool,
    domains: Vec<DomainView>,
    barriers_found: Vec<(String, usize)>,
    actions: Vec<ActionLine>,
    owners: Vec<(String, String)>,
    question_choices: Vec<(String, String)>,
    ratings: Vec<(Rating, String)>,
    barrier_choices: Vec<(Barrier, String)>,
    groups: Vec<(PriorityGroup, String)>,
    statuses: Vec<(ActionStatus, String)>,
    error: Option<String>,
}

/// The figure the platform counts for `question` in `country` over the last year, in words.
fn figure_line(
    ctx: &Ctx,
    question: &Question,
    totals: &HashMap<bluedot_core::indicator::Indicator, u64>,
) -> Option<String> {
    let indicator = question.figure?;
    let n = totals.get(&indicator).copied().unwrap_or(0);
    Some(ctx.ta(
        "inclusion-figure",
        &[
            (
                "indicator",
                ctx.t(&format!("indicator-{}", indicator.code())).into(),
            ),
            ("count", ctx.shown(Shown::of(n, false)).into()),
        ],
    ))
}

/// The round's questions with their answers, by domain, beside the previous round's scores.
async fn assessment_page(
    state: &AppState,
    desk: &Desk,
    a: &Assessment,
    error: Option<String>,
) -> StaffResult<AssessmentPage> {
    let ctx = desk.ctx();
    let lang = ctx.lang;
    let store = &state.store;
    let questions = desk.questions(state, a).await?;
    let answers = store.answers(a.id).await.map_err(|e| desk.internal(e))?;
    let returns = store
        .open_returns(a.id)
        .await
        .map_err(|e| desk.internal(e))?;
    let previous = match a.previous_id {
        Some(p) => {
            let before = store.assessment(p).await.map_err(|e| desk.internal(e))?;
            match before {
                Some(b) => {
                    let q = store
                        .questionnaire_version(b.questionnaire)
                        .await
                        .map_err(|e| desk.internal(e))?;
                    let ans = store.answers(b.id).await.map_err(|e| desk.internal(e))?;
                    domain_scores(&q, |code| ans.get(code).map(|s| &s.answer))
                }
                None => BTreeMap::new(),
            }
        }
        None => BTreeMap::new(),
    };
    let scores = domain_scores(&questions, |code| answers.get(code).map(|s| &s.answer));
    // What the platform counted in the country over the last year.
    let today = Utc::now().date_naive();
    // Read only when a question shows one: a year of the network's tallies is not free.
    let tallies = if questions.iter().any(|q| q.figure.is_some()) {
        store
            .tallies(today - Duration::days(365), today)
            .await
            .map_err(|e| desk.internal(e))?
    } else {
        Vec::new()
    };
    let mut totals: HashMap<bluedot_core::indicator::Indicator, u64> = HashMap::new();
    for t in tallies.iter().filter(|t| t.country == a.country) {
        *totals.entry(t.indicator).or_default() += t.value;
    }
    let users = store.list_users().await.map_err(|e| desk.internal(e))?;
    let name_of = |id: Option<Uuid>| {
        id.and_then(|id| users.iter().find(|u| u.id == id))
            .map_or_else(|| ctx.t("inclusion-system"), |u| u.display_name.clone())
    };
    let domains = Domain::ALL
        .iter()
        .filter(|d| questions.iter().any(|q| q.domain == **d))
        .map(|d| {
            let score = scores.get(d).copied().flatten();
            let before = previous.get(d).copied().flatten();
            let (score_shown, class) = score_text(score);
            DomainView {
                code: d.code(),
                name: domain_name(&ctx, *d),
                score: score_shown,
                before: if a.previous_id.is_some() {
                    score_text(before).0
                } else {
                    String::new()
                },
                change: change_text(score, before),
                class,
                returned: returns
                    .iter()
                    .filter(|r| r.domain == *d)
                    .map(|r| {
                        ctx.ta(
                            "inclusion-returned",
                            &[
                                ("who", name_of(r.returned_by).into()),
                                ("reason", r.reason.clone().into()),
                            ],
                        )
                    })
                    .next(),
                questions: questions
                    .iter()
                    .filter(|q| q.domain == *d)
                    .map(|q| {
                        let stored: Option<&StoredAnswer> = answers.get(&q.code);
                        let answer = stored.map(|s| s.answer.clone());
                        QuestionView {
                            code: q.code.clone(),
                            text: q.text.text(lang).to_owned(),
                            figure: figure_line(&ctx, q, &totals),
                            rating: answer.as_ref().map_or(Rating::Unknown, |x| x.rating),
                            evidence: answer
                                .as_ref()
                                .map(|x| x.evidence.clone())
                                .unwrap_or_default(),
                            sources: answer
                                .as_ref()
                                .map(|x| x.sources.lines().map(str::to_owned).collect())
                                .unwrap_or_default(),
                            barriers: answer
                                .as_ref()
                                .map(|x| x.barriers.clone())
                                .unwrap_or_default(),
                            groups: answer
                                .as_ref()
                                .map(|x| x.groups.clone())
                                .unwrap_or_default(),
                            seen: stored.map(|s| s.revision.to_string()).unwrap_or_default(),
                            changed: stored.map(|s| {
                                ctx.ta(
                                    "inclusion-changed",
                                    &[
                                        ("who", name_of(s.updated_by).into()),
                                        ("when", ctx.date(&s.updated_at).into()),
                                    ],
                                )
                            }),
                        }
                    })
                    .collect(),
            }
        })
        .collect();
    let mut found: BTreeMap<Barrier, usize> = BTreeMap::new();
    for s in answers.values() {
        for b in &s.answer.barriers {
            *found.entry(*b).or_default() += 1;
        }
    }
    let may_act = desk.may(Action::AssessInclusion, a.country);
    let actions = store
        .inclusion_actions(a.id)
        .await
        .map_err(|e| desk.internal(e))?;
    let question_text = |code: &str| {
        questions
            .iter()
            .find(|q| q.code == code)
            .map_or_else(|| code.to_owned(), |q| q.text.text(lang).to_owned())
    };
    let owners = users
        .iter()
        .filter(|u| !u.disabled && policy::reads_inclusion(&u.actor(), a.country))
        .map(|u| (u.id.to_string(), u.display_name.clone()))
        .collect();
    Ok(AssessmentPage {
        nav: desk.nav(),
        csrf: desk.staff.session.csrf_token.clone(),
        id: a.id,
        title: ctx.ta(
            "inclusion-round-title",
            &[
                ("country", ctx.country_name(a.country).into()),
                ("period", a.period.clone().into()),
            ],
        ),
        meta: ctx.ta(
            "inclusion-round-meta",
            &[
                (
                    "stage",
                    ctx.t(&format!("inclusion-stage-{}", a.stage.code())).into(),
                ),
                ("version", a.questionnaire.into()),
            ],
        ),
        demo: a.is_demo,
        editable: a.stage == Stage::Draft && may_act,
        may_submit: a.stage == Stage::Draft && may_act,
        may_review: a.stage == Stage::InReview && desk.may(Action::ApproveInclusion, a.country),
        may_act,
        domains,
        barriers_found: found
            .into_iter()
            .map(|(b, n)| (ctx.t(&format!("inclusion-barrier-{}", b.code())), n))
            .collect(),
        actions: actions
            .iter()
            .map(|x| ActionLine {
                id: x.id,
                question: question_text(&x.question),
                barrier: ctx.t(&format!("inclusion-barrier-{}", x.barrier.code())),
                what: x.what.clone(),
                owner: name_of(Some(x.owner_id)),
                due: ctx.day(x.due),
                overdue: x.status != ActionStatus::Done && x.due < today,
                status: x.status,
                may_move: may_act || x.owner_id == desk.staff.user.id,
            })
            .collect(),
        owners,
        question_choices: questions
            .iter()
            .map(|q| (q.code.clone(), q.text.text(lang).to_owned()))
            .collect(),
        ratings: Rating::ALL
            .iter()
            .map(|r| (*r, ctx.t(&format!("inclusion-rating-{}", r.code()))))
            .collect(),
        barrier_choices: Barrier::ALL
            .iter()
            .map(|b| (*b, ctx.t(&format!("inclusion-barrier-{}", b.code()))))
            .collect(),
        groups: PriorityGroup::ALL
            .iter()
            .map(|g| (*g, ctx.t(&format!("group-{}", g.code()))))
            .collect(),
        statuses: ActionStatus::ALL
            .iter()
            .map(|s| (*s, ctx.t(&format!("inclusion-action-{}", s.code()))))
            .collect(),
        error,
        ctx,
    })
}

/// `GET /staff/inclusion/{id}`
pub async fn show(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> StaffResult {
    let desk = Desk::open(&state, &headers).await?;
    let a = desk.assessment(&state, &id).await?;
    Ok(render(&assessment_page(&state, &desk, &a, None).await?))
}

/// The page again after a refused step, with why, as a 400 (409 for a change lost to another).
async fn refused(state: &AppState, desk: &Desk, a: &Assessment, message: String) -> StaffResult {
    Ok(render_form(
        &assessment_page(state, desk, a, Some(message)).await?,
        true,
    ))
}

fn back_to(a: &Assessment, anchor: &str) -> Response {
    Redirect::to(&format!("/staff/inclusion/{}{anchor}", a.id)).into_response()
}

/// Where a step on a round leads: back to the round at `anchor` when it was taken, the page
/// again with why when a field was refused.
async fn settled<T>(
    state: &AppState,
    desk: &Desk,
    a: &Assessment,
    done: Result<T, StoreError>,
    anchor: &str,
) -> StaffResult {
    match done {
        Ok(_) => Ok(back_to(a, anchor)),
        Err(StoreError::Invalid(e)) => refused(state, desk, a, desk.refusal(&e)).await,
        Err(e) => Err(desk.internal(e)),
    }
}

/// `POST /staff/inclusion/{id}/answers`: one domain's answers, saved together.
pub async fn save_answers(
    State(state): State<AppState>,
    Extension(from): Extension<ClientAddr>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(fields): Form<Vec<(String, String)>>,
) -> StaffResult {
    let (desk, a) = Desk::posted(&state, &headers, &fields, &id).await?;
    desk.must(Action::AssessInclusion, Target::Country(a.country))?;
    let ctx = desk.ctx();
    let domain = Domain::from_code(field(&fields, "domain"));
    let questions = desk.questions(&state, &a).await?;
    let mut edits = Vec::new();
    for q in questions.iter().filter(|q| Some(q.domain) == domain) {
        let key = |part: &str| format!("{}.{part}", q.code);
        let Some(rating) = Rating::from_code(field(&fields, &key("rating"))) else {
            continue;
        };
        let seen = field(&fields, &key("seen")).parse::<i64>().ok();
        edits.push(AnswerEdit {
            question: q.code.clone(),
            answer: Answer {
                rating,
                evidence: field(&fields, &key("evidence")).to_owned(),
                sources: field(&fields, &key("sources")).to_owned(),
                barriers: all(&fields, &key("barrier"))
                    .filter_map(Barrier::from_code)
                    .collect(),
                groups: all(&fields, &key("group"))
                    .filter_map(PriorityGroup::from_code)
                    .collect(),
            },
            seen,
        });
    }
    if edits.is_empty() {
        return Err(StaffError::NotFound(desk.staff.lang));
    }
    let saved = state
        .store
        .save_answers(a.id, &edits, &desk.change(&from, a.country))
        .await;
    match saved {
        Err(StoreError::Conflict(question)) => {
            let message = if questions.iter().any(|q| q.code == question) {
                ctx.t("inclusion-error-changed")
            } else {
                ctx.t("inclusion-error-not-draft")
            };
            refused(&state, &desk, &a, message).await
        }
        saved => {
            let anchor = format!("#domain-{}", field(&fields, "domain"));
            settled(&state, &desk, &a, saved, &anchor).await
        }
    }
}

/// `POST /staff/inclusion/{id}/review`: send for review, send a domain back, or approve.
pub async fn review(
    State(state): State<AppState>,
    Extension(from): Extension<ClientAddr>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(fields): Form<Vec<(String, String)>>,
) -> StaffResult {
    let (desk, a) = Desk::posted(&state, &headers, &fields, &id).await?;
    let who = desk.change(&from, a.country);
    let step = field(&fields, "step");
    let allowed = match step {
        "submit" => desk.may(Action::AssessInclusion, a.country),
        "return" | "approve" => desk.may(Action::ApproveInclusion, a.country),
        _ => false,
    };
    if !allowed {
        return Err(StaffError::Forbidden(desk.staff.lang));
    }
    let done = match step {
        "submit" => state.store.submit_assessment(a.id, &who).await,
        "approve" => state.store.approve_assessment(a.id, &who).await,
        _ => match Domain::from_code(field(&fields, "domain")) {
            Some(domain) => {
                state
                    .store
                    .return_domain(a.id, domain, field(&fields, "reason"), &who)
                    .await
            }
            None => return Err(StaffError::NotFound(desk.staff.lang)),
        },
    };
    match done {
        Err(StoreError::Conflict(_)) => {
            let a = desk.assessment(&state, &id).await?;
            refused(&state, &desk, &a, desk.ctx().t("inclusion-error-moved")).await
        }
        done => settled(&state, &desk, &a, done, "").await,
    }
}

/// `POST /staff/inclusion/{id}/actions`: an action on a barrier, with its owner and due date.
pub async fn add_action(
    State(state): State<AppState>,
    Extension(from): Extension<ClientAddr>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(fields): Form<Vec<(String, String)>>,
) -> StaffResult {
    let (desk, a) = Desk::posted(&state, &headers, &fields, &id).await?;
    desk.must(Action::AssessInclusion, Target::Country(a.country))?;
    let ctx = desk.ctx();
    let questions = desk.questions(&state, &a).await?;
    let question = field(&fields, "question");
    let barrier = Barrier::from_code(field(&fields, "barrier"));
    let due = NaiveDate::parse_from_str(field(&fields, "due").trim(), "%Y-%m-%d").ok();
    let owner = match field(&fields, "owner").parse::<Uuid>() {
        Ok(id) => state.store.user(id).await.map_err(|e| desk.internal(e))?,
        Err(_) => None,
    }
    // The owner must be able to read the round the action belongs to.
    .filter(|u| !u.disabled && policy::reads_inclusion(&u.actor(), a.country));
    let (Some(barrier), Some(due), Some(owner)) = (barrier, due, owner) else {
        return refused(&state, &desk, &a, ctx.t("inclusion-error-action")).await;
    };
    if !questions.iter().any(|q| q.code == question) {
        return refused(&state, &desk, &a, ctx.t("inclusion-error-action")).await;
    }
    let added = state
        .store
        .add_inclusion_action(
            &a,
            question,
            barrier,
            field(&fields, "what"),
            owner.id,
            due,
            &desk.change(&from, a.country),
        )
        .await;
    settled(&state, &desk, &a, added, "#actions").await
}

/// `POST /staff/inclusion/actions/{id}`: an action moved on, by its owner or a writer.
pub async fn move_action(
    State(state): State<AppState>,
    Extension(from): Extension<ClientAddr>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(fields): Form<Vec<(String, String)>>,
) -> StaffResult {
    let desk = Desk::open(&state, &headers).await?;
    check_csrf(&desk.staff, &headers, field(&fields, "csrf"))?;
    let not_found = || StaffError::NotFound(desk.staff.lang);
    let action: InclusionAction = match id.parse::<Uuid>() {
        Ok(id) => state
            .store
            .inclusion_action(id)
            .await
            .map_err(|e| desk.internal(e))?,
        Err(_) => None,
    }
    .filter(|x| policy::reads_inclusion(&desk.staff.actor, x.country))
    .ok_or_else(not_found)?;
    let writer = desk.may(Action::AssessInclusion, action.country);
    if !writer && action.owner_id != desk.staff.user.id {
        return Err(StaffError::Forbidden(desk.staff.lang));
    }
    let status = ActionStatus::from_code(field(&fields, "status")).ok_or_else(not_found)?;
    state
        .store
        .set_inclusion_action_status(action.id, status, &desk.change(&from, action.country))
        .await
        .map_err(|e| desk.internal(e))?;
    let back = if field(&fields, "from") == "home" {
        "/staff#inclusion-overdue".to_owned()
    } else {
        format!("/staff/inclusion/{}#actions", action.assessment_id)
    };
    Ok(Redirect::to(&back).into_response())
}

/// The printable report of a round: the profile, every answer and the actions, laid out for A4.
#[derive(Template)]
#[template(path = "staff/inclusion_report.html")]
struct ReportPage {
    ctx: Ctx,
    page: AssessmentPage,
}

/// `GET /staff/inclusion/{id}/report`
pub async fn report(
    State(state): State<AppState>,
    Extension(from): Extension<ClientAddr>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> StaffResult {
    let desk = Desk::open(&state, &headers).await?;
    let a = desk.assessment(&state, &id).await?;
    let event = desk.staff.event_in(
        "inclusion.report",
        format!("inclusion:{}", a.id),
        &from,
        a.country,
    );
    audit(&state, desk.staff.lang, event).await?;
    let page = assessment_page(&state, &desk, &a, None).await?;
    Ok(render(&ReportPage {
        ctx: desk.ctx(),
        page,
    }))
}

const ANSWER_COLUMNS: [&str; 9] = [
    "country", "period", "domain", "question", "rating", "evidence", "sources", "barriers",
    "groups",
];
const ANSWER_TAGS: [&str; 9] = [
    "#country+code",
    "#date+period",
    "#sector+domain",
    "#indicator+text",
    "#status+rating",
    "#description+evidence",
    "#meta+source",
    "#impact+barrier",
    "#population+group",
];

/// `GET /staff/inclusion/{id}/export.xlsx`: every answer of the round, in the reader's language.
pub async fn export(
    State(state): State<AppState>,
    Extension(from): Extension<ClientAddr>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, StaffError> {
    let desk = Desk::open(&state, &headers).await?;
    let a = desk.assessment(&state, &id).await?;
    let ctx = desk.ctx();
    let questions = desk.questions(&state, &a).await?;
    let answers = state
        .store
        .answers(a.id)
        .await
        .map_err(|e| desk.internal(e))?;
    let rows = questions
        .iter()
        .map(|q| {
            let answer = answers.get(&q.code).map(|s| &s.answer);
            let list = |codes: Vec<String>| codes.join(", ");
            vec![
                Cell::text(a.country.code()),
                Cell::text(&a.period),
                Cell::text(&domain_name(&ctx, q.domain)),
                Cell::text(q.text.text(ctx.lang)),
                Cell::text(&ctx.t(&format!(
                    "inclusion-rating-{}",
                    answer.map_or(Rating::Unknown, |x| x.rating).code()
                ))),
                Cell::text(answer.map_or("", |x| x.evidence.as_str())),
                Cell::text(answer.map_or("", |x| x.sources.as_str())),
                Cell::text(&list(answer.map_or_else(Vec::new, |x| {
                    x.barriers
                        .iter()
                        .map(|b| ctx.t(&format!("inclusion-barrier-{}", b.code())))
                        .collect()
                }))),
                Cell::text(&list(answer.map_or_else(Vec::new, |x| {
                    x.groups
                        .iter()
                        .map(|g| ctx.t(&format!("group-{}", g.code())))
                        .collect()
                }))),
            ]
        })
        .collect();
    let event = desk.staff.event_in(
        "inclusion.export",
        format!("inclusion:{}", a.id),
        &from,
        a.country,
    );
    audit(&state, desk.staff.lang, event).await?;
    let sheet = Sheet {
        name: "assessment",
        columns: &ANSWER_COLUMNS,
        tags: &ANSWER_TAGS,
        rows,
    };
    let stem = format!(
        "bluedot-inclusion-{}-{}",
        a.country.code().to_lowercase(),
        a.period.replace(|c: char| !c.is_ascii_alphanumeric(), "-")
    );
    Format::Xlsx
        .download(&sheet, &stem)
        .map_err(|e| desk.internal(e))
}

/// One row of the comparison: a country's round, its domains' scores and the change since the
/// round before.
struct CompareRow {
    country: String,
    period: String,
    id: Uuid,
    cells: Vec<(String, &'static str, String)>,
}

#[derive(Template)]
#[template(path = "staff/inclusion_compare.html")]
struct ComparePage {
    ctx: Ctx,
    nav: Nav,
    domains: Vec<String>,
    rows: Vec<CompareRow>,
}

/// The approved rounds of the reader's countries with their domain scores, each beside the
/// same country's round before it.
async fn comparison(
    state: &AppState,
    desk: &Desk,
) -> StaffResult<(
    Vec<Domain>,
    Vec<(
        Assessment,
        BTreeMap<Domain, Option<f64>>,
        BTreeMap<Domain, Option<f64>>,
    )>,
)> {
    let countries = desk.reads()?;
    let rounds = state
        .store
        .assessments(&countries)
        .await
        .map_err(|e| desk.internal(e))?;
    let mut scored: HashMap<Uuid, BTreeMap<Domain, Option<f64>>> = HashMap::new();
    let mut rows = Vec::new();
    for a in rounds.iter().filter(|a| a.stage == Stage::Approved) {
        let questions = desk.questions(state, a).await?;
        let answers = state
            .store
            .answers(a.id)
            .await
            .map_err(|e| desk.internal(e))?;
        let scores = domain_scores(&questions, |code| answers.get(code).map(|s| &s.answer));
        let before = a
            .previous_id
            .and_then(|p| scored.get(&p).cloned())
            .unwrap_or_default();
        scored.insert(a.id, scores.clone());
        rows.push((a.clone(), scores, before));
    }
    rows.sort_by(|x, y| {
        x.0.country
            .code()
            .cmp(y.0.country.code())
            .then(y.0.approved_at.cmp(&x.0.approved_at))
    });
    Ok((Domain::ALL.to_vec(), rows))
}

/// `GET /staff/inclusion/compare`: a heat table by domain across countries and rounds.
pub async fn compare(
    State(state): State<AppState>,
    Extension(from): Extension<ClientAddr>,
    headers: HeaderMap,
) -> StaffResult {
    let desk = Desk::open(&state, &headers).await?;
    let ctx = desk.ctx();
    let (domains, rows) = comparison(&state, &desk).await?;
    audit(
        &state,
        desk.staff.lang,
        desk.staff
            .event("inclusion.compare", "inclusion:compare".into(), &from),
    )
    .await?;
    Ok(render(&ComparePage {
        nav: desk.nav(),
        domains: domains.iter().map(|d| domain_name(&ctx, *d)).collect(),
        rows: rows
            .iter()
            .map(|(a, scores, before)| CompareRow {
                country: ctx.country_name(a.country),
                period: a.period.clone(),
                id: a.id,
                cells: domains
                    .iter()
                    .map(|d| {
                        let now = scores.get(d).copied().flatten();
                        let (text, class) = score_text(now);
                        (
                            text,
                            class,
                            change_text(now, before.get(d).copied().flatten()),
                        )
                    })
                    .collect(),
            })
            .collect(),
        ctx,
    }))
}

/// `GET /staff/inclusion/compare.xlsx`: the comparison as numbers, one row per round and domain.
pub async fn compare_export(
    State(state): State<AppState>,
    Extension(from): Extension<ClientAddr>,
    headers: HeaderMap,
) -> Result<Response, StaffError> {
    let desk = Desk::open(&state, &headers).await?;
    let ctx = desk.ctx();
    let (domains, rounds) = comparison(&state, &desk).await?;
    let mut rows = Vec::new();
    for (a, scores, before) in &rounds {
        for d in &domains {
            let number = |s: Option<f64>| {
                s.map_or_else(|| Cell::text(""), |s| Cell::Number((s * 100.0).round()))
            };
            rows.push(vec![
                Cell::text(a.country.code()),
                Cell::text(&a.period),
                Cell::text(d.code()),
                Cell::text(&domain_name(&ctx, *d)),
                number(scores.get(d).copied().flatten()),
                number(before.get(d).copied().flatten()),
            ]);
        }
    }
    audit(
        &state,
        desk.staff.lang,
        desk.staff
            .event("inclusion.export", "inclusion:compare".into(), &from),
    )
    .await?;
    let sheet = Sheet {
        name: "comparison",
        columns: &[
            "country",
            "period",
            "domain",
            "domain_name",
            "score",
            "previous_score",
        ],
        tags: &[
            "#country+code",
            "#date+period",
            "#sector+code",
            "#sector+name",
            "#indicator+score+pct",
            "#indicator+score+previous+pct",
        ],
        rows,
    };
    Format::Xlsx
        .download(&sheet, "bluedot-inclusion-comparison")
        .map_err(|e| desk.internal(e))
}

/// The questionnaire as administrators edit it: every question in the nine languages.
#[derive(Template)]
#[template(path = "staff/inclusion_questionnaire.html")]
struct QuestionnairePage {
    ctx: Ctx,
    nav: Nav,
    csrf: String,
    version: u32,
    questions: Vec<QuestionForm>,
    domains: Vec<(Domain, String)>,
    figures: Vec<(String, String)>,
    languages: Vec<(Lang, &'static str)>,
    error: Option<String>,
    saved: bool,
}

struct QuestionForm {
    index: usize,
    code: String,
    domain: Domain,
    figure: String,
    texts: Vec<(Lang, String)>,
}

/// The figures a question may show beside it.
const QUESTION_FIGURES: [bluedot_core::indicator::Indicator; 6] = {
    use bluedot_core::indicator::Indicator::*;
    [
        BidCompleted,
        BiaCompleted,
        BirthRegistrations,
        PeopleWithDisability,
        ChildrenAtRisk,
        UascIdentified,
    ]
};

fn questionnaire_page(
    desk: &Desk,
    version: u32,
    questions: &[Question],
    error: Option<String>,
    saved: bool,
) -> QuestionnairePage {
    let ctx = desk.ctx();
    let blank = Question {
        code: String::new(),
        domain: Domain::LawsPolicies,
        text: Default::default(),
        figure: None,
    };
    QuestionnairePage {
        nav: desk.nav(),
        csrf: desk.staff.session.csrf_token.clone(),
        version,
        // Every question, and one empty to add.
        questions: questions
            .iter()
            .chain(std::iter::once(&blank))
            .enumerate()
            .map(|(index, q)| QuestionForm {
                index,
                code: q.code.clone(),
                domain: q.domain,
                figure: q.figure.map(|f| f.code().to_owned()).unwrap_or_default(),
                texts: Lang::ALL
                    .iter()
                    .map(|l| (*l, q.text.0.get(l).cloned().unwrap_or_default()))
                    .collect(),
            })
            .collect(),
        domains: Domain::ALL
            .iter()
            .map(|d| (*d, domain_name(&ctx, *d)))
            .collect(),
        figures: QUESTION_FIGURES
            .iter()
            .map(|f| {
                (
                    f.code().to_owned(),
                    ctx.t(&format!("indicator-{}", f.code())),
                )
            })
            .collect(),
        languages: Lang::ALL.iter().map(|l| (*l, l.native_name())).collect(),
        error,
        saved,
        ctx,
    }
}

/// `GET /staff/inclusion/questionnaire`
pub async fn questionnaire(
    State(state): State<AppState>,
    headers: HeaderMap,
    axum::extract::Query(q): axum::extract::Query<HashMap<String, String>>,
) -> StaffResult {
    let desk = Desk::open(&state, &headers).await?;
    desk.must(Action::EditQuestionnaire, Target::Network)?;
    let (version, questions) = state
        .store
        .inclusion_questionnaire()
        .await
        .map_err(|e| desk.internal(e))?;
    Ok(render(&questionnaire_page(
        &desk,
        version,
        &questions,
        None,
        q.contains_key("saved"),
    )))
}

/// `POST /staff/inclusion/questionnaire`: the questions as edited become the next version;
/// rounds already started keep theirs. A question with no code and no text is left out.
pub async fn publish_questionnaire(
    State(state): State<AppState>,
    Extension(from): Extension<ClientAddr>,
    headers: HeaderMap,
    Form(fields): Form<Vec<(String, String)>>,
) -> StaffResult {
    let desk = Desk::open(&state, &headers).await?;
    desk.must(Action::EditQuestionnaire, Target::Network)?;
    check_csrf(&desk.staff, &headers, field(&fields, "csrf"))?;
    let seen: u32 = field(&fields, "version").parse().unwrap_or(0);
    let mut questions = Vec::new();
    for index in 0.. {
        let key = |part: &str| format!("q{index}.{part}");
        if !fields.iter().any(|(k, _)| k == &key("code")) {
            break;
        }
        let mut text = bluedot_core::text::Localized::new();
        for lang in Lang::ALL {
            let t = field(&fields, &key(lang.code())).trim();
            if !t.is_empty() {
                text = text.with(lang, t);
            }
        }
        let code = field(&fields, &key("code")).trim().to_owned();
        if code.is_empty() && text.is_empty() {
            continue;
        }
        questions.push(Question {
            code,
            domain: Domain::from_code(field(&fields, &key("domain")))
                .unwrap_or(Domain::LawsPolicies),
            text,
            figure: bluedot_core::indicator::Indicator::from_code(field(&fields, &key("figure")))
                .filter(|f| QUESTION_FIGURES.contains(f)),
        });
    }
    let ctx = desk.ctx();
    let published = state
        .store
        .publish_questionnaire(&questions, seen, &desk.staff.change_in(&from, None))
        .await;
    let message = match published {
        Ok(_) => {
            return Ok(Redirect::to("/staff/inclusion/questionnaire?saved=1").into_response());
        }
        Err(StoreError::Invalid(e)) => desk.refusal(&e),
        Err(StoreError::Conflict(_)) => ctx.t("inclusion-error-questionnaire-changed"),
        Err(e) => return Err(desk.internal(e)),
    };
    Ok(render_form(
        &questionnaire_page(&desk, seen, &questions, Some(message), false),
        true,
    ))
}

/// An action overdue for the signed-in account, for its home page.
pub struct OverdueLine {
    pub id: Uuid,
    pub what: String,
    pub country: String,
    pub due: String,
    pub href: String,
}

/// The actions the account owns that are past their due date and not done.
pub async fn overdue_for(
    state: &AppState,
    staff: &Staff,
    ctx: &Ctx,
) -> StaffResult<Vec<OverdueLine>> {
    let today = Utc::now().date_naive();
    let actions = state
        .store
        .overdue_inclusion_actions(staff.user.id, today)
        .await
        .map_err(|e| StaffError::internal(staff.lang, e))?;
    Ok(actions
        .into_iter()
        .map(|x| OverdueLine {
            id: x.id,
            what: x.what,
            country: ctx.country_name(x.country),
            due: ctx.day(x.due),
            href: format!("/staff/inclusion/{}#actions", x.assessment_id),
        })
        .collect())
}
