//! Network planning for coordinators: arrivals files read against the hubs of the countries
//! the account covers, with coverage, the worst gaps and what would close them. Aggregate
//! figures only; each analysis is audited like other figures.

use askama::Template;
use axum::extract::{Extension, Multipart, State};
use axum::http::HeaderMap;
use bluedot_core::Country;
use bluedot_core::planning::Reach;
use bluedot_core::policy::{Action, Target};

use super::{ClientAddr, Desk, Nav, StaffError, StaffResult, audit, check_csrf};
use crate::AppState;
use crate::planning::{Analysis, Change, analyse, read_arrivals, read_places};
use crate::view::{Ctx, render, render_form};

/// A month of hourly arrivals at a few hundred places, with room.
pub const MAX_UPLOAD_BYTES: usize = 32 * 1024 * 1024;

#[derive(Template)]
#[template(path = "staff/planning.html")]
struct PlanningPage {
    ctx: Ctx,
    nav: Nav,
    csrf: String,
    refused: Vec<String>,
    analysis: Option<AnalysisView>,
    radius_km: u32,
    slots: usize,
}

struct AnalysisView {
    summary: String,
    countries: Vec<(String, String, String)>,
    gaps: Vec<(String, String, String)>,
    suggestions: Vec<SuggestionView>,
}

struct SuggestionView {
    title: String,
    lines: Vec<String>,
    total: String,
}

/// The countries whose figures the account may see; none means no planning.
fn countries(desk: &Desk) -> StaffResult<Vec<Country>> {
    let covered: Vec<Country> = Country::ALL
        .into_iter()
        .filter(|c| desk.staff.may(Action::ViewAggregates, Target::Country(*c)))
        .collect();
    if covered.is_empty() {
        return Err(StaffError::Forbidden(desk.staff.lang));
    }
    Ok(covered)
}

fn page(
    desk: &Desk,
    refused: Vec<String>,
    analysis: Option<AnalysisView>,
    radius_km: u32,
    slots: usize,
) -> PlanningPage {
    PlanningPage {
        ctx: Ctx::new(desk.staff.lang, "/", "planning"),
        nav: Nav::for_staff(&desk.staff, &desk.hubs),
        csrf: desk.staff.session.csrf_token.clone(),
        refused,
        analysis,
        radius_km,
        slots,
    }
}

pub async fn form(State(state): State<AppState>, headers: HeaderMap) -> StaffResult {
    let desk = Desk::open(&state, &headers).await?;
    countries(&desk)?;
    Ok(render(&page(&desk, Vec::new(), None, 10, 3)))
}

pub async fn run(
    State(state): State<AppState>,
    Extension(from): Extension<ClientAddr>,
    headers: HeaderMap,
    mut multipart: Multipart,
) -> StaffResult {
    let desk = Desk::open(&state, &headers).await?;
    let covered = countries(&desk)?;
    let ctx = Ctx::new(desk.staff.lang, "/", "planning");
    let too_big = || StaffError::BadRequest(desk.staff.lang, ctx.t("planning-too-big"));
    let (mut csrf, mut places, mut arrivals) = (String::new(), String::new(), String::new());
    let (mut radius_km, mut slots) = (10u32, 3usize);
    while let Some(field) = multipart.next_field().await.map_err(|_| too_big())? {
        let name = field.name().unwrap_or_default().to_owned();
        let text = field.text().await.map_err(|_| too_big())?;
        match name.as_str() {
            "csrf" => csrf = text,
            "places" => places = text,
            "arrivals" => arrivals = text,
            "radius_km" => radius_km = text.trim().parse().unwrap_or(10).clamp(1, 100),
            "slots" => slots = text.trim().parse().unwrap_or(3).clamp(1, 20),
            _ => {}
        }
    }
    check_csrf(&desk.staff, &headers, &csrf)?;
    let refusals = |file: &str, refused: Vec<crate::planning::Refused>| -> Vec<String> {
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
    let (known, by_code) = match read_places(&places) {
        Ok(read) => read,
        Err(r) => {
            let refused = refusals(&ctx.t("planning-places-file"), r);
            return Ok(render_form(
                &page(&desk, refused, None, radius_km, slots),
                true,
            ));
        }
    };
    // Places of countries the account does not cover are not its to plan.
    let outside: Vec<String> = known
        .iter()
        .filter(|k| !covered.contains(&k.country))
        .map(|k| format!("{}: {}", k.place.name, ctx.t("planning-not-yours")))
        .collect();
    if !outside.is_empty() {
        return Ok(render_form(
            &page(&desk, outside, None, radius_km, slots),
            true,
        ));
    }
    let (period, rows) = match read_arrivals(&arrivals, &by_code) {
        Ok(read) => read,
        Err(r) => {
            let refused = refusals(&ctx.t("planning-arrivals-file"), r);
            return Ok(render_form(
                &page(&desk, refused, None, radius_km, slots),
                true,
            ));
        }
    };
    let hubs: Vec<bluedot_core::Hub> = desk
        .hubs
        .iter()
        .filter(|h| covered.contains(&h.country))
        .cloned()
        .collect();
    let reach = Reach {
        radius_km: f64::from(radius_km),
        ..Reach::default()
    };
    let analysis =
        analyse(&known, period, &rows, &hubs, reach, 4, slots).map_err(|e| desk.internal(e))?;
    let mut event = desk.staff.event(
        "planning.coverage",
        format!("period:{}", period.first),
        &from,
    );
    event.outcome = format!(
        "{} places, {:.0} arrivals",
        analysis.places, analysis.arrived
    );
    audit(&state, desk.staff.lang, event).await?;
    let view = view(&ctx, &analysis, radius_km, &hubs);
    Ok(render(&page(
        &desk,
        Vec::new(),
        Some(view),
        radius_km,
        slots,
    )))
}

fn view(ctx: &Ctx, a: &Analysis, radius_km: u32, hubs: &[bluedot_core::Hub]) -> AnalysisView {
    // Hubs by their name in the reader's language, not their slug.
    let named = |change: Change, at: &str| match change {
        Change::LongerHours => hubs
            .iter()
            .find(|h| h.slug == at)
            .map_or_else(|| at.to_owned(), |h| h.name.text(ctx.lang).to_owned()),
        _ => at.to_owned(),
    };
    let share = |covered: f64, of: f64| format!("{:.1}", 100.0 * covered / of.max(1.0));
    let whole = |n: f64| format!("{n:.0}");
    let hours = |first: u8, n: u8| {
        let end = first + n;
        format!(
            "{first:02}:00–{:02}:00",
            if end > 24 { end - 24 } else { end }
        )
    };
    AnalysisView {
        summary: ctx.ta(
            "planning-summary",
            &[
                ("from", ctx.day(a.period.first).into()),
                ("to", ctx.day(a.period.date(a.period.days - 1)).into()),
                ("arrived", whole(a.arrived).into()),
                ("places", a.places.to_string().into()),
                ("share", share(a.covered, a.arrived).into()),
                ("km", radius_km.to_string().into()),
            ],
        ),
        countries: a
            .countries
            .iter()
            .map(|(c, arrived, covered)| {
                (
                    ctx.t(&format!("country-{}", c.code().to_lowercase())),
                    whole(*arrived),
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
                    whole(g.missed),
                )
            })
            .collect(),
        suggestions: a
            .suggestions
            .iter()
            .map(|s| {
                let (title, line) = match s.change {
                    Change::Team => ("planning-teams", "planning-line-team"),
                    Change::LongerHours => ("planning-longer", "planning-line-longer"),
                    Change::NewHub => ("planning-new-hubs", "planning-line-new"),
                };
                SuggestionView {
                    title: ctx.t(title),
                    lines: s
                        .chosen
                        .iter()
                        .map(|c| {
                            ctx.ta(
                                line,
                                &[
                                    ("at", named(s.change, &c.at).into()),
                                    ("hours", hours(c.first_hour, c.hours).into()),
                                    ("added", whole(c.added).into()),
                                ],
                            )
                        })
                        .collect(),
                    total: ctx.ta(
                        "planning-total",
                        &[
                            ("added", whole(s.added).into()),
                            ("share", share(a.covered + s.added, a.arrived).into()),
                            ("bound", whole(s.bound).into()),
                        ],
                    ),
                }
            })
            .collect(),
    }
}
