//! Network planning for coordinators: arrivals imported from border statistics (whole or not
//! at all), read against the hubs of a country over a period; coverage, the worst gaps on a
//! map and in a table, the changes that would close most of them, plans saved and compared
//! with today, and a plan's team slots turned into deployments. Aggregate figures only; every
//! reading and change is audited like other figures.

use std::collections::HashMap;

use askama::Template;
use axum::Form;
use axum::extract::{Extension, Multipart, Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Json, Redirect, Response};
use bluedot_core::deployment::DeploymentPlan;
use bluedot_core::planning::{ArrivalCount, ArrivalPlace, Change, Period, PlannedChange, Reach};
use bluedot_core::policy::{Action, Target};
use bluedot_core::{Country, Hub, HubStatus};
use bluedot_store::StoreError;
use bluedot_store::planning::{Scenario, SlotDeployment};
use chrono::{Duration, NaiveDate, TimeZone, Utc};
use serde::Deserialize;
use uuid::Uuid;

use super::sheets::{Cell, Format, Sheet};
use super::{
    ClientAddr, Desk, Nav, StaffError, StaffResult, Upload, audit, check_csrf, form_value,
    hub_target,
};
use crate::AppState;
use crate::planning::{
    Analysis, Comparison, Refused, analyse, compare, read_arrivals, read_places,
};
use crate::view::{Ctx, render, render_form};

/// A month of hourly arrivals at a few hundred places, with room.
pub const MAX_UPLOAD_BYTES: usize = 32 * 1024 * 1024;

/// Hours in a band of the gaps table and of suggested slots.
const BAND_HOURS: u8 = 4;

/// The longest period read at once: a year.
const MAX_DAYS: i64 = 366;

/// What the reader asked to see: a country, a period, a reach and how many suggestions.
#[derive(Deserialize, Default)]
pub struct PlanningQuery {
    #[serde(default)]
    country: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    radius_km: String,
    #[serde(default)]
    slots: String,
    #[serde(default)]
    hxl: String,
    #[serde(default)]
    imported: String,
}

/// The selection read from a query, against the countries the account covers and the days
/// with arrivals.
struct Selection {
    country: Country,
    covered: Vec<Country>,
    /// The first and last day with arrivals in the country, if any.
    days: Option<(NaiveDate, NaiveDate)>,
    period: Period,
    radius_km: u32,
    slots: usize,
}

impl Selection {
    fn last(&self) -> NaiveDate {
        self.period.date(self.period.days - 1)
    }

    fn query(&self) -> String {
        format!(
            "country={}&from={}&to={}&radius_km={}&slots={}",
            self.country.code(),
            self.period.first,
            self.last(),
            self.radius_km,
            self.slots
        )
    }

    fn reach(&self) -> Reach {
        Reach {
            radius_km: f64::from(self.radius_km),
            ..Reach::default()
        }
    }
}

/// The countries whose figures the account may see; none means no planning.
fn covered_countries(desk: &Desk) -> StaffResult<Vec<Country>> {
    let covered: Vec<Country> = Country::ALL
        .into_iter()
        .filter(|c| desk.staff.may(Action::ViewAggregates, Target::Country(*c)))
        .collect();
    if covered.is_empty() {
        return Err(StaffError::Forbidden(desk.staff.lang));
    }
    Ok(covered)
}

async fn select(state: &AppState, desk: &Desk, q: &PlanningQuery) -> StaffResult<Selection> {
    let covered = covered_countries(desk)?;
    let asked = Country::from_code(&q.country.to_uppercase()).filter(|c| covered.contains(c));
    let mut country = asked.unwrap_or(covered[0]);
    let mut days = None;
    // Without a choice, the first covered country with arrivals.
    for candidate in asked.into_iter().chain(covered.iter().copied()) {
        days = state
            .store
            .arrival_days(&[candidate])
            .await
            .map_err(|e| desk.internal(e))?;
        if days.is_some() || asked.is_some() {
            country = candidate;
            break;
        }
    }
    let parse = |s: &str| NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok();
    let today = Utc::now().date_naive();
    let (data_first, data_last) = days.unwrap_or((today, today));
    let default_last = data_last;
    let default_first = (data_last - Duration::days(29)).max(data_first);
    let (mut first, mut last) = (
        parse(&q.from).unwrap_or(default_first),
        parse(&q.to).unwrap_or(default_last),
    );
    if last < first || (last - first).num_days() >= MAX_DAYS {
        (first, last) = (default_first, default_last);
    }
    Ok(Selection {
        country,
        covered,
        days,
        period: Period {
            first,
            days: ((last - first).num_days() + 1) as u32,
        },
        radius_km: q.radius_km.trim().parse().unwrap_or(10).clamp(1, 100),
        slots: q.slots.trim().parse().unwrap_or(3).clamp(1, 20),
    })
}

/// The hubs of a country that could cover its arrivals.
fn country_hubs(desk: &Desk, country: Country) -> Vec<Hub> {
    desk.hubs
        .iter()
        .filter(|h| h.country == country)
        .cloned()
        .collect()
}

/// The places and counts of the selection, and the analysis of them.
async fn analysis_of(
    state: &AppState,
    desk: &Desk,
    sel: &Selection,
) -> StaffResult<(Vec<ArrivalPlace>, Vec<ArrivalCount>, Analysis)> {
    let places = state
        .store
        .arrival_places(&[sel.country])
        .await
        .map_err(|e| desk.internal(e))?;
    let counts = state
        .store
        .arrival_counts(&[sel.country], sel.period.first, sel.last())
        .await
        .map_err(|e| desk.internal(e))?;
    let hubs = country_hubs(desk, sel.country);
    let analysis = analyse(
        &places,
        &counts,
        sel.period,
        &hubs,
        sel.reach(),
        BAND_HOURS,
        sel.slots,
    )
    .map_err(|e| desk.internal(e))?;
    Ok((places, counts, analysis))
}

#[derive(Template)]
#[template(path = "staff/planning.html")]
struct PlanningPage {
    ctx: Ctx,
    nav: Nav,
    csrf: String,
    countries: Vec<(String, String, bool)>,
    from: String,
    to: String,
    radius_km: u32,
    slots: usize,
    query: String,
    demo: bool,
    imported: Option<String>,
    refused: Vec<String>,
    analysis: Option<AnalysisView>,
    plans: Vec<PlanLine>,
}

struct AnalysisView {
    summary: String,
    countries: Vec<(String, String, String)>,
    gaps: Vec<(String, String, String)>,
    suggestions: Vec<SuggestionView>,
    default_name: String,
}

struct SuggestionView {
    title: String,
    lines: Vec<SuggestionLine>,
    total: String,
}

struct SuggestionLine {
    value: String,
    text: String,
    checked: bool,
}

struct PlanLine {
    id: Uuid,
    name: String,
    meta: String,
}

/// "HH:00–HH:00" for a band that may run past midnight.
fn hours(first: u8, n: u8) -> String {
    let end = first + n;
    format!(
        "{first:02}:00–{:02}:00",
        if end > 24 { end - 24 } else { end }
    )
}

fn share(covered: f64, of: f64) -> String {
    format!("{:.1}", 100.0 * covered / of.max(1.0))
}

/// A count in the reader's way of writing numbers.
fn whole(ctx: &Ctx, n: f64) -> String {
    ctx.number(n.round() as i64)
}

/// A change as the form sends it: kind, where, first hour and hours.
fn change_value(c: &PlannedChange) -> String {
    format!("{}|{}|{}|{}", c.change.code(), c.at, c.first_hour, c.hours)
}

fn change_of(value: &str) -> Option<PlannedChange> {
    let mut parts = value.split('|');
    let change = Change::from_code(parts.next()?)?;
    let at = parts.next()?.to_owned();
    let first_hour: u8 = parts.next()?.parse().ok()?;
    let hours: u8 = parts.next()?.parse().ok()?;
    (first_hour < 24 && (1..=24).contains(&hours) && !at.is_empty() && parts.next().is_none())
        .then_some(PlannedChange {
            change,
            at,
            first_hour,
            hours,
        })
}

/// A change in words in the reader's language, with places and hubs by their names.
fn change_text(
    ctx: &Ctx,
    c: &PlannedChange,
    places: &[ArrivalPlace],
    hubs: &[Hub],
    added: &str,
) -> String {
    let name = match c.change {
        Change::LongerHours => hubs
            .iter()
            .find(|h| h.slug == c.at)
            .map_or_else(|| c.at.clone(), |h| h.name.text(ctx.lang).to_owned()),
        Change::Team | Change::NewHub => places
            .iter()
            .find(|p| p.code == c.at)
            .map_or_else(|| c.at.clone(), |p| p.place.name.clone()),
    };
    let line = match c.change {
        Change::Team => "planning-line-team",
        Change::LongerHours => "planning-line-longer",
        Change::NewHub => "planning-line-new",
    };
    ctx.ta(
        line,
        &[
            ("at", name.into()),
            ("hours", hours(c.first_hour, c.hours).into()),
            ("added", added.to_owned().into()),
        ],
    )
}

fn analysis_view(
    ctx: &Ctx,
    sel: &Selection,
    a: &Analysis,
    places: &[ArrivalPlace],
    hubs: &[Hub],
) -> AnalysisView {
    AnalysisView {
        summary: ctx.ta(
            "planning-summary",
            &[
                ("from", ctx.day(a.period.first).into()),
                ("to", ctx.day(a.period.date(a.period.days - 1)).into()),
                ("arrived", whole(ctx, a.arrived).into()),
                ("places", a.places.to_string().into()),
                ("share", share(a.covered, a.arrived).into()),
                ("km", sel.radius_km.to_string().into()),
            ],
        ),
        countries: a
            .countries
            .iter()
            .map(|(c, arrived, covered)| {
                (
                    ctx.country_name(*c),
                    whole(ctx, *arrived),
                    format!("{} %", share(*covered, *arrived)),
                )
            })
            .collect(),
        gaps: a
            .gaps
            .iter()
            .map(|g| {
                (
                    g.place.clone(),
                    hours(g.first_hour, g.hours),
                    whole(ctx, g.missed),
                )
            })
            .collect(),
        suggestions: a
            .suggestions
            .iter()
            .map(|s| SuggestionView {
                title: ctx.t(match s.change {
                    Change::Team => "planning-teams",
                    Change::LongerHours => "planning-longer",
                    Change::NewHub => "planning-new-hubs",
                }),
                lines: s
                    .chosen
                    .iter()
                    .map(|c| {
                        let planned = c.planned(s.change);
                        SuggestionLine {
                            value: change_value(&planned),
                            text: change_text(ctx, &planned, places, hubs, &whole(ctx, c.added)),
                            checked: s.change == Change::Team,
                        }
                    })
                    .collect(),
                total: ctx.ta(
                    "planning-total",
                    &[
                        ("added", whole(ctx, s.added).into()),
                        ("share", share(a.covered + s.added, a.arrived).into()),
                        ("bound", whole(ctx, s.bound).into()),
                    ],
                ),
            })
            .collect(),
        default_name: ctx.ta(
            "planning-default-name",
            &[
                ("country", ctx.country_name(sel.country).into()),
                ("from", ctx.day(a.period.first).into()),
            ],
        ),
    }
}

async fn plan_lines(
    state: &AppState,
    desk: &Desk,
    ctx: &Ctx,
    covered: &[Country],
) -> StaffResult<Vec<PlanLine>> {
    let plans = state
        .store
        .scenarios(covered)
        .await
        .map_err(|e| desk.internal(e))?;
    Ok(plans
        .into_iter()
        .map(|p| PlanLine {
            id: p.id,
            meta: ctx.ta(
                if p.deployed_at.is_some() {
                    "planning-plan-meta-deployed"
                } else {
                    "planning-plan-meta"
                },
                &[
                    ("country", ctx.country_name(p.country).into()),
                    ("changes", p.changes.len().into()),
                    ("from", ctx.day(p.first_day).into()),
                    ("to", ctx.day(p.last_day).into()),
                ],
            ),
            name: p.name,
        })
        .collect())
}

async fn planning_page(
    state: &AppState,
    desk: &Desk,
    sel: &Selection,
    imported: Option<String>,
    refused: Vec<String>,
    with_analysis: bool,
) -> StaffResult<PlanningPage> {
    let ctx = Ctx::new(desk.staff.lang, "/", "planning");
    let analysis = match sel.days {
        Some(_) if with_analysis => {
            let (places, _, a) = analysis_of(state, desk, sel).await?;
            let hubs = country_hubs(desk, sel.country);
            Some(analysis_view(&ctx, sel, &a, &places, &hubs))
        }
        _ => None,
    };
    let demo = state
        .store
        .arrivals_are_demo(&[sel.country])
        .await
        .map_err(|e| desk.internal(e))?;
    Ok(PlanningPage {
        nav: Nav::for_staff(&desk.staff, &desk.hubs),
        csrf: desk.staff.session.csrf_token.clone(),
        countries: sel
            .covered
            .iter()
            .map(|c| (c.code().to_owned(), ctx.country_name(*c), *c == sel.country))
            .collect(),
        from: sel.period.first.to_string(),
        to: sel.last().to_string(),
        radius_km: sel.radius_km,
        slots: sel.slots,
        query: sel.query(),
        demo,
        imported,
        refused,
        analysis,
        plans: plan_lines(state, desk, &ctx, &sel.covered).await?,
        ctx,
    })
}

/// `GET /staff/planning`: the analysis of the chosen country and period, audited.
pub async fn show(
    State(state): State<AppState>,
    Extension(from): Extension<ClientAddr>,
    headers: HeaderMap,
    Query(q): Query<PlanningQuery>,
) -> StaffResult {
    let desk = Desk::open(&state, &headers).await?;
    let sel = select(&state, &desk, &q).await?;
    let ctx = Ctx::new(desk.staff.lang, "/", "planning");
    let imported = q.imported.parse::<usize>().ok().map(|n| {
        ctx.ta(
            "planning-imported",
            &[
                ("rows", n.into()),
                ("from", ctx.day(sel.period.first).into()),
                ("to", ctx.day(sel.last()).into()),
            ],
        )
    });
    if sel.days.is_some() {
        let event = desk
            .staff
            .event_in("planning.coverage", sel.query(), &from, sel.country);
        audit(&state, desk.staff.lang, event).await?;
    }
    let page = planning_page(&state, &desk, &sel, imported, Vec::new(), true).await?;
    Ok(render(&page))
}

/// `POST /staff/planning`: imports a places file and an arrivals file. Every row is checked
/// first; one refused row refuses the import, each reported with its line, and nothing is
/// written. Places must be in countries the account covers.
pub async fn import(
    State(state): State<AppState>,
    Extension(from): Extension<ClientAddr>,
    headers: HeaderMap,
    mut multipart: Multipart,
) -> StaffResult {
    let desk = Desk::open(&state, &headers).await?;
    let covered = covered_countries(&desk)?;
    let upload = Upload::read(&desk.staff, &headers, &mut multipart, "planning-too-big").await?;
    let ctx = Ctx::new(desk.staff.lang, "/", "planning");
    let text =
        |field: &str| String::from_utf8_lossy(upload.file(field).unwrap_or_default()).into_owned();
    let refusals = |file: &str, refused: Vec<Refused>| -> Vec<String> {
        refused
            .iter()
            .map(|r| {
                format!(
                    "{file}, {} {}: {}",
                    ctx.t("planning-line"),
                    r.line,
                    r.reason
                )
            })
            .collect()
    };
    let refuse = |refused: Vec<String>| async {
        let sel = select(&state, &desk, &PlanningQuery::default()).await?;
        let page = planning_page(&state, &desk, &sel, None, refused, false).await?;
        Ok::<_, StaffError>(render_form(&page, true))
    };
    // A places file adds to or corrects the places already known; without one, the arrivals
    // are read against those.
    let mut places = state
        .store
        .arrival_places(&covered)
        .await
        .map_err(|e| desk.internal(e))?;
    let mut sent_places = Vec::new();
    if upload.file("places").is_some() {
        sent_places = match read_places(&text("places")) {
            Ok(read) => read,
            Err(r) => return refuse(refusals(&ctx.t("planning-places-file"), r)).await,
        };
        let outside: Vec<String> = sent_places
            .iter()
            .filter(|p| !covered.contains(&p.country))
            .map(|p| format!("{}: {}", p.place.name, ctx.t("planning-not-yours")))
            .collect();
        if !outside.is_empty() {
            return refuse(outside).await;
        }
        places.retain(|p| !sent_places.iter().any(|s| s.code == p.code));
        places.extend(sent_places.iter().cloned());
    }
    let counts = match read_arrivals(&text("arrivals"), &places) {
        Ok(read) => read,
        Err(r) => return refuse(refusals(&ctx.t("planning-arrivals-file"), r)).await,
    };
    let summary = state
        .store
        .import_arrivals(
            &sent_places,
            &counts,
            false,
            &desk.staff.change_in(&from, None),
        )
        .await
        .map_err(|e| desk.internal(e))?;
    let country = places
        .iter()
        .find(|p| p.code == counts[0].place)
        .map_or(covered[0], |p| p.country);
    Ok(Redirect::to(&format!(
        "/staff/planning?country={}&from={}&to={}&imported={}",
        country.code(),
        summary.first_day,
        summary.last_day,
        summary.rows
    ))
    .into_response())
}

/// `GET /staff/planning/map.json`: the places of the selection with their arrivals and those
/// no hub covered, and the hubs with their reach, as GeoJSON for the map.
pub async fn map_data(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<PlanningQuery>,
) -> Result<Response, StaffError> {
    let desk = Desk::open(&state, &headers).await?;
    let sel = select(&state, &desk, &q).await?;
    let (_, _, a) = analysis_of(&state, &desk, &sel).await?;
    let ctx = Ctx::new(desk.staff.lang, "/", "planning");
    let mut features: Vec<serde_json::Value> = a
        .by_place
        .iter()
        .filter(|p| p.arrived > 0.0)
        .map(|p| {
            let missed = p.arrived - p.covered;
            serde_json::json!({
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [p.place.place.location.lon, p.place.place.location.lat]},
                "properties": {
                    "kind": "place",
                    "name": p.place.place.name,
                    "arrived": p.arrived.round(),
                    "missed": missed.round(),
                    "label": ctx.ta("planning-map-place", &[
                        ("name", p.place.place.name.clone().into()),
                        ("arrived", whole(&ctx, p.arrived).into()),
                        ("missed", whole(&ctx, missed).into()),
                    ]),
                }
            })
        })
        .collect();
    for hub in country_hubs(&desk, sel.country)
        .iter()
        .filter(|h| h.status != HubStatus::Closed)
    {
        features.push(serde_json::json!({
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [hub.location.lon, hub.location.lat]},
            "properties": {
                "kind": "hub",
                "name": hub.name.text(ctx.lang),
                // How far a hub reaches in a straight line.
                "reach_m": 1000.0 * sel.reach().radius_km / sel.reach().road_factor,
            }
        }));
    }
    Ok((
        StatusCode::OK,
        [(header::CACHE_CONTROL, "no-store")],
        Json(serde_json::json!({"type": "FeatureCollection", "features": features})),
    )
        .into_response())
}

const EXPORT_COLUMNS: [&str; 10] = [
    "country",
    "place",
    "place_name",
    "period_start",
    "period_end",
    "hours",
    "arrived",
    "covered",
    "uncovered",
    "radius_km",
];
const HXL_TAGS: [&str; 10] = [
    "#country+code",
    "#loc+code",
    "#loc+name",
    "#date+start",
    "#date+end",
    "#date+hours",
    "#affected+arrived+num",
    "#reached+covered+num",
    "#affected+uncovered+num",
    "#meta+radius+km",
];

/// `/staff/planning.csv` (`hxl=1` adds the hashtag row) and `/staff/planning.xlsx`: per place
/// and band of hours, the arrivals, those covered and not, for the selection.
pub async fn export_csv(
    state: State<AppState>,
    from: Extension<ClientAddr>,
    headers: HeaderMap,
    q: Query<PlanningQuery>,
) -> Result<Response, StaffError> {
    let hxl = q.hxl == "1";
    export(state, from, headers, q, Format::Csv { hxl }).await
}

pub async fn export_xlsx(
    state: State<AppState>,
    from: Extension<ClientAddr>,
    headers: HeaderMap,
    q: Query<PlanningQuery>,
) -> Result<Response, StaffError> {
    export(state, from, headers, q, Format::Xlsx).await
}

async fn export(
    State(state): State<AppState>,
    Extension(from): Extension<ClientAddr>,
    headers: HeaderMap,
    Query(q): Query<PlanningQuery>,
    format: Format,
) -> Result<Response, StaffError> {
    let desk = Desk::open(&state, &headers).await?;
    let sel = select(&state, &desk, &q).await?;
    let (places, counts, a) = analysis_of(&state, &desk, &sel).await?;
    // Arrivals per place and band, before coverage: the covered ones are the difference.
    let mut arrived: HashMap<(&str, u8), f64> = HashMap::new();
    for a in bluedot_core::planning::hourly(&places, &counts, sel.period) {
        let band = a.hour / BAND_HOURS * BAND_HOURS;
        *arrived
            .entry((places[a.place as usize].code.as_str(), band))
            .or_default() += a.count;
    }
    let mut rows = Vec::new();
    for p in &a.by_place {
        for band in (0..24u8).step_by(BAND_HOURS as usize) {
            let total = arrived
                .get(&(p.place.code.as_str(), band))
                .copied()
                .unwrap_or(0.0);
            if total == 0.0 {
                continue;
            }
            let missed: f64 = p.uncovered_by_hour
                [band as usize..(band + BAND_HOURS).min(24) as usize]
                .iter()
                .sum();
            rows.push(vec![
                Cell::text(p.place.country.code()),
                Cell::text(&p.place.code),
                Cell::text(&p.place.place.name),
                Cell::text(&sel.period.first.to_string()),
                Cell::text(&sel.last().to_string()),
                Cell::text(&format!("{band:02}-{:02}", band + BAND_HOURS)),
                Cell::Number(total.round()),
                Cell::Number((total - missed).round()),
                Cell::Number(missed.round()),
                Cell::Number(f64::from(sel.radius_km)),
            ]);
        }
    }
    let event = desk
        .staff
        .event_in("planning.export", sel.query(), &from, sel.country);
    audit(&state, desk.staff.lang, event).await?;
    let sheet = Sheet {
        name: "coverage",
        columns: &EXPORT_COLUMNS,
        tags: &HXL_TAGS,
        rows,
    };
    let stem = format!(
        "bluedot-coverage-{}-{}-{}",
        sel.country.code().to_lowercase(),
        sel.period.first,
        sel.last()
    );
    format.download(&sheet, &stem).map_err(|e| desk.internal(e))
}

/// A plan saved from the analysis: its name, the selection it was judged on and the changes
/// ticked.
pub async fn save_plan(
    State(state): State<AppState>,
    Extension(from): Extension<ClientAddr>,
    headers: HeaderMap,
    Form(fields): Form<Vec<(String, String)>>,
) -> StaffResult {
    let desk = Desk::open(&state, &headers).await?;
    let field = |name: &str| form_value(&fields, name);
    check_csrf(&desk.staff, &headers, field("csrf"))?;
    let q = PlanningQuery {
        country: field("country").to_owned(),
        from: field("from").to_owned(),
        to: field("to").to_owned(),
        radius_km: field("radius_km").to_owned(),
        slots: field("slots").to_owned(),
        ..PlanningQuery::default()
    };
    let sel = select(&state, &desk, &q).await?;
    if sel.country.code() != field("country").to_uppercase() {
        return Err(StaffError::Forbidden(desk.staff.lang));
    }
    let changes: Vec<PlannedChange> = fields
        .iter()
        .filter(|(k, _)| k == "change")
        .filter_map(|(_, v)| change_of(v))
        .collect();
    let saved = state
        .store
        .save_scenario(
            sel.country,
            field("name"),
            sel.period.first,
            sel.last(),
            sel.radius_km,
            &changes,
            &desk.staff.change_in(&from, Some(sel.country)),
        )
        .await;
    match saved {
        Ok(id) => Ok(Redirect::to(&format!("/staff/planning/plans/{id}")).into_response()),
        Err(StoreError::Invalid(e)) => {
            let message = super::field_error(desk.staff.lang, &format!("planning-{}", e.field), &e);
            let page = planning_page(&state, &desk, &sel, None, vec![message], true).await?;
            Ok(render_form(&page, true))
        }
        Err(e) => Err(desk.internal(e)),
    }
}

#[derive(Template)]
#[template(path = "staff/planning_plan.html")]
struct PlanPage {
    ctx: Ctx,
    nav: Nav,
    csrf: String,
    id: Uuid,
    name: String,
    meta: String,
    rows: Vec<(String, String, String, String)>,
    changes: Vec<String>,
    back: String,
    /// Team slots with the hub whose team would go, when the plan may become deployments.
    team_slots: Vec<String>,
    candidates: Vec<(String, String)>,
    first_day: String,
    days: u32,
    deployed: Option<String>,
    error: Option<String>,
}

/// A plan of a country the account covers; otherwise 404.
async fn plan_of(state: &AppState, desk: &Desk, id: &str) -> StaffResult<Scenario> {
    let covered = covered_countries(desk)?;
    let not_found = || StaffError::NotFound(desk.staff.lang);
    let id = id.parse::<Uuid>().map_err(|_| not_found())?;
    state
        .store
        .scenario(id)
        .await
        .map_err(|e| desk.internal(e))?
        .filter(|s| covered.contains(&s.country))
        .ok_or_else(not_found)
}

/// The hub whose team goes to `place` for a plan: the nearest hub of the country, not closed,
/// that the account may plan deployments at.
fn base_hub<'h>(desk: &'h Desk, country: Country, place: &ArrivalPlace) -> Option<&'h Hub> {
    desk.hubs
        .iter()
        .filter(|h| {
            h.country == country
                && h.status != HubStatus::Closed
                && desk.staff.may(Action::PlanDeployment, hub_target(h))
        })
        .min_by(|a, b| {
            let d = |h: &Hub| h.location.distance_km(place.place.location);
            d(a).total_cmp(&d(b))
        })
}

async fn plan_page(
    state: &AppState,
    desk: &Desk,
    plan: &Scenario,
    error: Option<String>,
) -> StaffResult<PlanPage> {
    let ctx = Ctx::new(desk.staff.lang, "/", "planning");
    let places = state
        .store
        .arrival_places(&[plan.country])
        .await
        .map_err(|e| desk.internal(e))?;
    let counts = state
        .store
        .arrival_counts(&[plan.country], plan.first_day, plan.last_day)
        .await
        .map_err(|e| desk.internal(e))?;
    let hubs = country_hubs(desk, plan.country);
    let period = Period {
        first: plan.first_day,
        days: ((plan.last_day - plan.first_day).num_days() + 1) as u32,
    };
    let reach = Reach {
        radius_km: f64::from(plan.radius_km),
        ..Reach::default()
    };
    let c: Comparison = compare(&places, &counts, period, &hubs, reach, &plan.changes)
        .map_err(|e| desk.internal(e))?;
    let mut rows: Vec<(String, String, String, String)> = c
        .countries
        .iter()
        .map(|(country, arrived, today, planned)| {
            (
                ctx.country_name(*country),
                whole(&ctx, *arrived),
                format!("{} % ({})", share(*today, *arrived), whole(&ctx, *today)),
                format!(
                    "{} % ({})",
                    share(*planned, *arrived),
                    whole(&ctx, *planned)
                ),
            )
        })
        .collect();
    if rows.is_empty() {
        rows.push((
            ctx.country_name(plan.country),
            "0".into(),
            "–".into(),
            "–".into(),
        ));
    }
    let changes = c
        .changes
        .iter()
        .map(|(change, added)| match added {
            Some(n) => change_text(&ctx, change, &places, &hubs, &whole(&ctx, *n)),
            None => format!(
                "{} ({})",
                change_text(&ctx, change, &places, &hubs, "0"),
                ctx.t("planning-change-unknown")
            ),
        })
        .collect();
    let team_slots: Vec<String> = plan
        .changes
        .iter()
        .filter(|c| c.change == Change::Team)
        .filter_map(|c| {
            let place = places.iter().find(|p| p.code == c.at)?;
            let hub = base_hub(desk, plan.country, place)?;
            Some(ctx.ta(
                "planning-slot-from",
                &[
                    ("at", place.place.name.clone().into()),
                    ("hours", hours(c.first_hour, c.hours).into()),
                    ("hub", hub.name.text(ctx.lang).to_owned().into()),
                ],
            ))
        })
        .collect();
    let candidates = if team_slots.is_empty() || plan.deployed_at.is_some() {
        Vec::new()
    } else {
        let users = state
            .store
            .list_users()
            .await
            .map_err(|e| desk.internal(e))?;
        let bases: Vec<&Hub> = desk
            .hubs
            .iter()
            .filter(|h| {
                h.country == plan.country && desk.staff.may(Action::PlanDeployment, hub_target(h))
            })
            .collect();
        users
            .iter()
            .filter(|u| {
                !u.disabled
                    && bases
                        .iter()
                        .any(|h| bluedot_core::policy::joins_teams(&u.actor(), hub_target(h)))
            })
            .map(|u| {
                (
                    u.id.to_string(),
                    format!(
                        "{} ({})",
                        u.display_name,
                        ctx.t(&format!("role-{}", u.role.code()))
                    ),
                )
            })
            .collect()
    };
    let tomorrow = Utc::now()
        .with_timezone(&plan.country.timezone())
        .date_naive()
        + Duration::days(1);
    Ok(PlanPage {
        nav: Nav::for_staff(&desk.staff, &desk.hubs),
        csrf: desk.staff.session.csrf_token.clone(),
        id: plan.id,
        name: plan.name.clone(),
        meta: ctx.ta(
            "planning-plan-judged",
            &[
                ("country", ctx.country_name(plan.country).into()),
                ("from", ctx.day(plan.first_day).into()),
                ("to", ctx.day(plan.last_day).into()),
                ("km", plan.radius_km.to_string().into()),
            ],
        ),
        rows,
        changes,
        back: format!(
            "/staff/planning?country={}&from={}&to={}&radius_km={}",
            plan.country.code(),
            plan.first_day,
            plan.last_day,
            plan.radius_km
        ),
        team_slots,
        candidates,
        first_day: tomorrow.to_string(),
        days: 7,
        deployed: plan
            .deployed_at
            .map(|at| ctx.ts("planning-deployed", "date", &ctx.date(&at))),
        error,
        ctx,
    })
}

/// `GET /staff/planning/plans/{id}`: the plan beside today, audited.
pub async fn show_plan(
    State(state): State<AppState>,
    Extension(from): Extension<ClientAddr>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> StaffResult {
    let desk = Desk::open(&state, &headers).await?;
    let plan = plan_of(&state, &desk, &id).await?;
    let event = desk.staff.event_in(
        "planning.scenario-view",
        format!("planning-scenario:{}", plan.id),
        &from,
        plan.country,
    );
    audit(&state, desk.staff.lang, event).await?;
    Ok(render(&plan_page(&state, &desk, &plan, None).await?))
}

/// `POST /staff/planning/plans/{id}/deploy`: each team slot of the plan becomes a planned
/// deployment on each of the days asked for, from the nearest hub the account plans for,
/// with the team chosen; all in one step, and only once.
pub async fn deploy_plan(
    State(state): State<AppState>,
    Extension(from): Extension<ClientAddr>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(fields): Form<Vec<(String, String)>>,
) -> StaffResult {
    let desk = Desk::open(&state, &headers).await?;
    let field = |name: &str| form_value(&fields, name);
    check_csrf(&desk.staff, &headers, field("csrf"))?;
    let plan = plan_of(&state, &desk, &id).await?;
    let ctx = Ctx::new(desk.staff.lang, "/", "planning");
    let refuse = |message: String| async {
        let page = plan_page(&state, &desk, &plan, Some(message)).await?;
        Ok::<_, StaffError>(render_form(&page, true))
    };
    let first_day = match NaiveDate::parse_from_str(field("first_day").trim(), "%Y-%m-%d") {
        Ok(day) => day,
        Err(_) => return refuse(ctx.t("planning-error-first-day")).await,
    };
    let days: u32 = match field("days").trim().parse() {
        Ok(n) if (1..=31).contains(&n) => n,
        _ => return refuse(ctx.t("planning-error-days")).await,
    };
    let team: Vec<Uuid> = fields
        .iter()
        .filter(|(k, _)| k == "team")
        .filter_map(|(_, v)| v.parse().ok())
        .collect();
    if team.is_empty() {
        return refuse(ctx.t("planning-error-team")).await;
    }
    let places = state
        .store
        .arrival_places(&[plan.country])
        .await
        .map_err(|e| desk.internal(e))?;
    let mut users = Vec::new();
    for member in &team {
        match state
            .store
            .user(*member)
            .await
            .map_err(|e| desk.internal(e))?
        {
            Some(u) if !u.disabled => users.push(u),
            _ => return refuse(ctx.t("planning-error-team")).await,
        }
    }
    let zone = plan.country.timezone();
    let mut deployments = Vec::new();
    for change in plan.changes.iter().filter(|c| c.change == Change::Team) {
        let Some(place) = places.iter().find(|p| p.code == change.at) else {
            continue;
        };
        let Some(hub) = base_hub(&desk, plan.country, place) else {
            return Err(StaffError::Forbidden(desk.staff.lang));
        };
        if !users
            .iter()
            .all(|u| bluedot_core::policy::joins_teams(&u.actor(), hub_target(hub)))
        {
            return refuse(ctx.ts("planning-error-team-hub", "hub", hub.name.text(ctx.lang))).await;
        }
        for day in 0..days {
            let date = first_day + Duration::days(i64::from(day));
            let Some(starts) = date
                .and_hms_opt(u32::from(change.first_hour), 0, 0)
                .and_then(|local| zone.from_local_datetime(&local).earliest())
            else {
                continue;
            };
            let starts_at = starts.with_timezone(&Utc);
            deployments.push(SlotDeployment {
                hub_id: hub.id,
                plan: DeploymentPlan {
                    place: place.place.name.clone(),
                    starts_at,
                    ends_at: starts_at + Duration::hours(i64::from(change.hours)),
                    team: team.clone(),
                    note: ctx.ts("planning-deployment-note", "plan", &plan.name),
                },
            });
        }
    }
    if deployments.is_empty() {
        return refuse(ctx.t("planning-error-no-slots")).await;
    }
    let result = state
        .store
        .deploy_scenario(
            plan.id,
            &deployments,
            plan.country,
            &desk.staff.change_in(&from, Some(plan.country)),
        )
        .await;
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/staff/planning/plans/{}", plan.id)).into_response()),
        Err(StoreError::Conflict(_)) => {
            let plan = plan_of(&state, &desk, &id).await?;
            let page =
                plan_page(&state, &desk, &plan, Some(ctx.t("planning-error-deployed"))).await?;
            Ok(render_form(&page, true))
        }
        Err(StoreError::Invalid(e)) => {
            refuse(super::field_error(
                desk.staff.lang,
                &format!("deployment-{}", e.field),
                &e,
            ))
            .await
        }
        Err(e) => Err(desk.internal(e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_change_goes_through_the_form_and_back() {
        let change = PlannedChange {
            change: Change::LongerHours,
            at: "iasi-station".into(),
            first_hour: 20,
            hours: 4,
        };
        assert_eq!(change_of(&change_value(&change)), Some(change));
        for bad in [
            "team|X|24|4",
            "team|X|2|0",
            "team||2|4",
            "boat|X|2|4",
            "team|X|2|4|1",
        ] {
            assert_eq!(change_of(bad), None, "{bad}");
        }
    }
}
