//! The figures dashboard: every indicator for a place (the network, a country, a hub) and a
//! period, with a chart by day, week or month and a drill-down to the places inside. A
//! reader sees only hubs where it may view aggregates, and exact small counts only where it
//! may also open the records; exports always suppress them.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

use askama::Template;
use axum::Form;
use axum::extract::{Extension, Path, Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use bluedot_core::indicator::{Indicator, Shown, Target, TargetPlace};
use bluedot_core::policy::Action;
use bluedot_core::{Country, Hub};
use bluedot_store::figures::{StoredTarget, Tally};
use chrono::{Datelike, Days, Months, NaiveDate, Utc};
use serde::Deserialize;
use uuid::Uuid;

use super::sheets::{Cell, Format as SheetFormat, Sheet, neutralise};
use super::{
    ClientAddr, Nav, Staff, StaffError, StaffResult, audit, check_csrf, form_field, hub_target,
    signed_in, staff_t,
};
use crate::AppState;
use crate::view::{Ctx, render_form};

/// The longest period one view reads: three years of days.
const MAX_DAYS: u64 = 3 * 366;

#[derive(Debug, Default, Clone, Deserialize)]
pub struct FigureQuery {
    #[serde(default)]
    pub from: String,
    #[serde(default)]
    pub to: String,
    #[serde(default)]
    pub by: String,
    #[serde(default)]
    pub country: String,
    #[serde(default)]
    pub hub: String,
    /// For a CSV export: "1" adds the HXL hashtag row.
    #[serde(default)]
    pub hxl: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Grain {
    Day,
    Week,
    Month,
}

impl Grain {
    fn code(self) -> &'static str {
        match self {
            Grain::Day => "day",
            Grain::Week => "week",
            Grain::Month => "month",
        }
    }

    /// The first day of the period `day` falls in (weeks start on Monday).
    pub fn start(self, day: NaiveDate) -> NaiveDate {
        match self {
            Grain::Day => day,
            Grain::Week => day - Days::new(u64::from(day.weekday().num_days_from_monday())),
            Grain::Month => day.with_day(1).unwrap_or(day),
        }
    }

    fn next(self, start: NaiveDate) -> NaiveDate {
        match self {
            Grain::Day => start + Days::new(1),
            Grain::Week => start + Days::new(7),
            Grain::Month => start + Months::new(1),
        }
    }
}

/// Where the figures are for.
#[derive(Debug, Clone)]
pub enum Place {
    Network,
    Country(Country),
    Hub(Box<Hub>),
}

impl Place {
    fn holds(&self, hub: &Hub) -> bool {
        match self {
            Place::Network => true,
            Place::Country(c) => hub.country == *c,
            Place::Hub(one) => hub.id == one.id,
        }
    }
}

/// What one reader asked for, checked against what it may see.
pub struct Selection {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub grain: Grain,
    pub place: Place,
    /// The hubs counted: those in the place where the reader may view aggregates.
    pub hubs: Vec<Hub>,
    /// Whether the reader may open the records behind every count (no suppression).
    pub exact: bool,
    /// Whether the reader sees every hub of the place, and of the whole network.
    pub whole_place: bool,
    pub whole_network: bool,
}

/// A reader's choice that cannot be shown, with the field it concerns.
pub struct Refused(pub &'static str);

impl Selection {
    pub fn read(
        staff: &Staff,
        all: &[Hub],
        q: &FigureQuery,
        today: NaiveDate,
    ) -> Result<Selection, Refused> {
        let day = |s: &str, default: NaiveDate| match s.trim() {
            "" => Ok(default),
            s => NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| ()),
        };
        let to = day(&q.to, today).map_err(|_| Refused("to"))?;
        let from = day(&q.from, to - Days::new(29)).map_err(|_| Refused("from"))?;
        if from > to || to - Days::new(MAX_DAYS) > from {
            return Err(Refused("period"));
        }
        let grain = match q.by.as_str() {
            "" | "day" => Grain::Day,
            "week" => Grain::Week,
            "month" => Grain::Month,
            _ => return Err(Refused("by")),
        };
        let visible: Vec<&Hub> = all
            .iter()
            .filter(|h| staff.may(Action::ViewAggregates, hub_target(h)))
            .collect();
        let place = if !q.hub.is_empty() {
            let hub = visible
                .iter()
                .find(|h| h.slug == q.hub)
                .ok_or(Refused("hub"))?;
            Place::Hub(Box::new((*hub).clone()))
        } else if !q.country.is_empty() {
            let country = Country::from_code(&q.country).ok_or(Refused("country"))?;
            Place::Country(country)
        } else {
            Place::Network
        };
        let whole_network = visible.len() == all.len();
        let hubs: Vec<Hub> = visible
            .into_iter()
            .filter(|h| place.holds(h))
            .cloned()
            .collect();
        let whole_place = hubs.len() == all.iter().filter(|h| place.holds(h)).count();
        if hubs.is_empty() {
            return Err(Refused("country"));
        }
        let exact =
            bluedot_core::policy::sees_exact_counts(&staff.actor, hubs.iter().map(hub_target));
        Ok(Selection {
            from,
            to,
            grain,
            place,
            hubs,
            exact,
            whole_place,
            whole_network,
        })
    }

    /// The tallies of the selected hubs.
    pub fn keep(&self, tallies: Vec<Tally>) -> Vec<Tally> {
        let hubs: HashSet<Uuid> = self.hubs.iter().map(|h| h.id).collect();
        tallies
            .into_iter()
            .filter(|t| hubs.contains(&t.hub_id))
            .collect()
    }

    /// The query string that selects the same period for another place.
    fn query_for(&self, country: Option<Country>, hub: Option<&Hub>) -> String {
        let mut q = format!("from={}&to={}&by={}", self.from, self.to, self.grain.code());
        if let Some(c) = country {
            q.push_str(&format!("&country={}", c.code()));
        }
        if let Some(h) = hub {
            q.push_str(&format!("&hub={}", h.slug));
        }
        q
    }

    fn query(&self) -> String {
        match &self.place {
            Place::Network => self.query_for(None, None),
            Place::Country(c) => self.query_for(Some(*c), None),
            Place::Hub(h) => self.query_for(Some(h.country), Some(h)),
        }
    }
}

/// The total of an indicator (or of one of its parts) over some tallies.
pub fn total<'a>(
    tallies: impl IntoIterator<Item = &'a Tally>,
    indicator: Indicator,
    part: Option<&str>,
) -> u64 {
    tallies
        .into_iter()
        .filter(|t| t.indicator == indicator && part.is_none_or(|p| t.part == p))
        .map(|t| t.value)
        .sum()
}

pub struct IndicatorLine {
    pub code: &'static str,
    pub label: String,
    pub value: String,
    /// Its parts (age bands, services, outcomes), largest first.
    pub parts: Vec<(String, String)>,
}

pub struct Bar {
    pub x: u32,
    pub y: u32,
    pub height: u32,
    pub label: String,
    pub value: String,
}

/// A bar chart drawn on the server: readable on a phone, nothing to download or run.
pub struct Chart {
    pub width: u32,
    pub height: u32,
    pub bar_width: u32,
    pub bars: Vec<Bar>,
    pub max: String,
}

pub const CHART_HEIGHT: u32 = 160;

fn chart(ctx: &Ctx, sel: &Selection, tallies: &[Tally], indicator: Indicator) -> Chart {
    let mut starts = Vec::new();
    let mut start = sel.grain.start(sel.from);
    while start <= sel.to {
        starts.push(start);
        start = sel.grain.next(start);
    }
    let slots: HashMap<NaiveDate, usize> =
        starts.iter().enumerate().map(|(i, s)| (*s, i)).collect();
    let mut sums = vec![0u64; starts.len()];
    for t in tallies.iter().filter(|t| t.indicator == indicator) {
        if let Some(&i) = slots.get(&sel.grain.start(t.day)) {
            sums[i] += t.value;
        }
    }
    let values: Vec<Shown> = sums.into_iter().map(|n| Shown::of(n, sel.exact)).collect();
    let max = values.iter().map(|v| v.drawn()).max().unwrap_or(0).max(1);
    let slot = (600 / starts.len().max(1) as u32).clamp(4, 40);
    let bars = starts
        .iter()
        .zip(&values)
        .enumerate()
        .map(|(i, (s, v))| {
            let height = (v.drawn() * u64::from(CHART_HEIGHT) / max) as u32;
            Bar {
                x: i as u32 * slot,
                y: CHART_HEIGHT - height,
                height,
                label: ctx.day(*s),
                value: ctx.shown(*v),
            }
        })
        .collect();
    Chart {
        width: slot * starts.len().max(1) as u32,
        height: CHART_HEIGHT,
        bar_width: (slot - slot / 5).max(2),
        bars,
        max: ctx.number(max as i64),
    }
}

pub struct PlaceRow {
    pub name: String,
    pub href: String,
    pub values: Vec<String>,
}

/// The indicators in the drill-down table: one line each place, the ones read most.
const PLACE_COLUMNS: [Indicator; 6] = [
    Indicator::PeopleReached,
    Indicator::ChildrenReached,
    Indicator::ChildrenAtRisk,
    Indicator::UascIdentified,
    Indicator::CasesOpened,
    Indicator::ReferralsMade,
];

#[derive(Template)]
#[template(path = "staff/figures.html")]
struct FiguresPage {
    ctx: Ctx,
    nav: Nav,
    place_name: String,
    /// Links up the drill-down: the network, then the country of a hub.
    trail: Vec<(String, String)>,
    /// The form's days, as the date fields take them.
    from: String,
    to: String,
    /// The same days in the reader's language.
    period: String,
    by: &'static str,
    country: String,
    hub: String,
    exact: bool,
    indicators: Vec<IndicatorLine>,
    chart: Chart,
    columns: Vec<String>,
    places: Vec<PlaceRow>,
    query: String,
    error: Option<String>,
    targets: Vec<TargetLine>,
    /// The form to set a target here, for those who may.
    target_form: Option<TargetForm>,
}

pub struct TargetLine {
    pub id: String,
    pub label: String,
    pub indicator: String,
    pub period: String,
    pub reached: String,
    pub value: String,
    /// Capped at 100 for the bar; the text says the real figure.
    pub bar: u64,
    pub percent: u64,
}

pub struct TargetForm {
    pub csrf: String,
    pub indicators: Vec<(&'static str, String)>,
    /// What was typed, shown again (and the form open) when it was refused.
    pub typed: TypedTarget,
}

#[derive(Debug, Clone, Default)]
pub struct TypedTarget {
    pub indicator: String,
    pub label: String,
    pub starts: String,
    pub ends: String,
    pub value: String,
    pub refused: bool,
}

fn label(ctx: &Ctx, indicator: Indicator) -> String {
    ctx.t(&format!("indicator-{}", indicator.code()))
}

/// A part in the reader's words: an age band and sex, a group, a service, an outcome, an item.
fn part_label(ctx: &Ctx, indicator: Indicator, part: &str) -> String {
    use Indicator::*;
    let prefix = match indicator {
        PeopleReached | ChildrenReached => {
            return match part.split_once('-') {
                Some((sex, band)) => format!("{} {band}", ctx.t(&format!("sex-{sex}"))),
                None => part.to_owned(),
            };
        }
        PriorityGroupVisits => "group",
        UascIdentified => "need",
        ReferralsMade | ReferralsCompleted => "service",
        CasesClosed => "closure",
        TracingResolved => "tracing-status",
        SuppliesDistributed => "item",
        _ => return part.to_owned(),
    };
    ctx.t(&format!("{prefix}-{part}"))
}

fn indicator_lines(ctx: &Ctx, sel: &Selection, tallies: &[Tally]) -> Vec<IndicatorLine> {
    let mut totals: HashMap<Indicator, u64> = HashMap::new();
    let mut parts: HashMap<Indicator, HashMap<&str, u64>> = HashMap::new();
    for t in tallies {
        *totals.entry(t.indicator).or_default() += t.value;
        if !t.part.is_empty() {
            *parts
                .entry(t.indicator)
                .or_default()
                .entry(t.part.as_str())
                .or_default() += t.value;
        }
    }
    Indicator::ALL
        .iter()
        .map(|&indicator| {
            let mut parts: Vec<(&str, u64)> = parts
                .remove(&indicator)
                .unwrap_or_default()
                .into_iter()
                .collect();
            parts.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
            let total = totals.get(&indicator).copied().unwrap_or(0);
            IndicatorLine {
                code: indicator.code(),
                label: label(ctx, indicator),
                value: ctx.shown(Shown::of(total, sel.exact)),
                parts: parts
                    .into_iter()
                    .map(|(p, n)| {
                        let shown = ctx.shown(Shown::of(n, sel.exact));
                        (part_label(ctx, indicator, p), shown)
                    })
                    .collect(),
            }
        })
        .collect()
}

fn place_rows(ctx: &Ctx, sel: &Selection, tallies: &[Tally]) -> Vec<PlaceRow> {
    // Sums per place (a country, or a hub within one) and indicator, in one pass.
    let mut sums: HashMap<(Country, Option<Uuid>, Indicator), u64> = HashMap::new();
    let by_hub = matches!(sel.place, Place::Country(_));
    for t in tallies
        .iter()
        .filter(|t| PLACE_COLUMNS.contains(&t.indicator))
    {
        let hub = by_hub.then_some(t.hub_id);
        *sums.entry((t.country, hub, t.indicator)).or_default() += t.value;
    }
    let values = |country: Country, hub: Option<Uuid>| {
        PLACE_COLUMNS
            .iter()
            .map(|&i| {
                let n = sums.get(&(country, hub, i)).copied().unwrap_or(0);
                ctx.shown(Shown::of(n, sel.exact))
            })
            .collect()
    };
    match &sel.place {
        Place::Network => {
            let mut countries: Vec<Country> = sel.hubs.iter().map(|h| h.country).collect();
            countries.sort_by_key(|c| c.code());
            countries.dedup();
            countries
                .into_iter()
                .map(|c| PlaceRow {
                    name: ctx.country_name(c),
                    href: format!("/staff/figures?{}", sel.query_for(Some(c), None)),
                    values: values(c, None),
                })
                .collect()
        }
        Place::Country(c) => sel
            .hubs
            .iter()
            .map(|h| PlaceRow {
                name: h.name.text(ctx.lang).to_owned(),
                href: format!("/staff/figures?{}", sel.query_for(Some(*c), Some(h))),
                values: values(*c, Some(h.id)),
            })
            .collect(),
        Place::Hub(_) => Vec::new(),
    }
}

impl Selection {
    /// The place as a target's place.
    fn target_place(&self) -> TargetPlace {
        match &self.place {
            Place::Network => TargetPlace::Network,
            Place::Country(c) => TargetPlace::Country(*c),
            Place::Hub(h) => TargetPlace::Hub {
                hub: h.id,
                country: h.country,
            },
        }
    }
}

/// The targets set for the selected place, with how far each has come by `today`. Shown only
/// when the reader sees every hub of the place: a part of a country measured against the
/// country's target would mislead.
async fn target_lines(
    state: &AppState,
    ctx: &Ctx,
    sel: &Selection,
    today: NaiveDate,
) -> Result<Vec<TargetLine>, bluedot_store::StoreError> {
    let here = sel.target_place();
    let targets: Vec<StoredTarget> = state
        .store
        .targets()
        .await?
        .into_iter()
        .filter(|t| sel.whole_place && t.target.place == here)
        .collect();
    let (Some(first), Some(last)) = (
        targets.iter().map(|t| t.target.starts).min(),
        targets.iter().map(|t| t.target.ends.min(today)).max(),
    ) else {
        return Ok(Vec::new());
    };
    let tallies = if first <= last {
        sel.keep(state.store.tallies(first, last).await?)
    } else {
        Vec::new()
    };
    Ok(targets
        .into_iter()
        .map(|StoredTarget { id, target }| {
            let reached = total(
                tallies
                    .iter()
                    .filter(|t| t.day >= target.starts && t.day <= target.ends),
                target.indicator,
                None,
            );
            let percent = target.percent(reached);
            TargetLine {
                id: id.to_string(),
                label: target.label.clone(),
                indicator: label(ctx, target.indicator),
                period: format!("{} – {}", target.starts, target.ends),
                reached: ctx.shown(Shown::of(reached, sel.exact)),
                value: ctx.number(target.value as i64),
                bar: percent.min(100),
                percent,
            }
        })
        .collect())
}

/// Reads the tallies of a selection.
pub async fn load(state: &AppState, staff: &Staff, sel: &Selection) -> StaffResult<Vec<Tally>> {
    let tallies = state
        .store
        .tallies(sel.from, sel.to)
        .await
        .map_err(|e| StaffError::internal(staff.lang, e))?;
    Ok(sel.keep(tallies))
}

/// The signed-in reader and every hub, if it may view aggregates somewhere.
async fn reader(state: &AppState, headers: &HeaderMap) -> StaffResult<(Staff, Arc<Vec<Hub>>)> {
    let staff = signed_in(state, headers).await?;
    let all = state
        .directory
        .hubs()
        .await
        .map_err(|e| StaffError::internal(staff.lang, e))?;
    if !staff.may_anywhere(Action::ViewAggregates, &all) {
        return Err(StaffError::Forbidden(staff.lang));
    }
    Ok((staff, all))
}

pub async fn page(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<FigureQuery>,
) -> StaffResult {
    let (staff, all) = reader(&state, &headers).await?;
    let today = Utc::now().date_naive();
    let (sel, error) = match Selection::read(&staff, &all, &q, today) {
        Ok(sel) => (sel, None),
        Err(Refused(field)) => {
            let fallback = Selection::read(&staff, &all, &FigureQuery::default(), today)
                .map_err(|_| StaffError::Forbidden(staff.lang))?;
            (
                fallback,
                Some(staff_t(staff.lang, &format!("figures-bad-{field}"))),
            )
        }
    };
    dashboard(&state, &staff, &all, &sel, error, TypedTarget::default()).await
}

/// The dashboard for a selection, with a message when something asked was refused.
async fn dashboard(
    state: &AppState,
    staff: &Staff,
    all: &[Hub],
    sel: &Selection,
    error: Option<String>,
    typed: TypedTarget,
) -> StaffResult {
    let ctx = Ctx::new(staff.lang, "/", "figures");
    let today = Utc::now().date_naive();
    let tallies = load(state, staff, sel).await?;
    let targets = target_lines(state, &ctx, sel, today)
        .await
        .map_err(|e| StaffError::internal(staff.lang, e))?;
    let target_form = staff
        .may(Action::SetTargets, sel.target_place().policy_target())
        .then(|| TargetForm {
            csrf: staff.session.csrf_token.clone(),
            indicators: Indicator::ALL
                .iter()
                .map(|&i| (i.code(), label(&ctx, i)))
                .collect(),
            typed,
        });
    // The top of the drill-down is the network only for a reader who sees all of it.
    let top = if sel.whole_network {
        ctx.t("figures-network")
    } else {
        ctx.t("figures-in-scope")
    };
    let (place_name, trail) = match &sel.place {
        Place::Network => (top.clone(), Vec::new()),
        Place::Country(c) => (
            ctx.country_name(*c),
            vec![(
                top.clone(),
                format!("/staff/figures?{}", sel.query_for(None, None)),
            )],
        ),
        Place::Hub(h) => (
            h.name.text(ctx.lang).to_owned(),
            vec![
                (top, format!("/staff/figures?{}", sel.query_for(None, None))),
                (
                    ctx.country_name(h.country),
                    format!("/staff/figures?{}", sel.query_for(Some(h.country), None)),
                ),
            ],
        ),
    };
    let page = FiguresPage {
        nav: Nav::for_staff(staff, all),
        place_name,
        trail,
        from: sel.from.to_string(),
        to: sel.to.to_string(),
        period: format!("{} – {}", ctx.day(sel.from), ctx.day(sel.to)),
        by: sel.grain.code(),
        country: match &sel.place {
            Place::Country(c) => c.code().to_owned(),
            Place::Hub(h) => h.country.code().to_owned(),
            Place::Network => String::new(),
        },
        hub: match &sel.place {
            Place::Hub(h) => h.slug.clone(),
            _ => String::new(),
        },
        exact: sel.exact,
        indicators: indicator_lines(&ctx, sel, &tallies),
        chart: chart(&ctx, sel, &tallies, Indicator::PeopleReached),
        columns: PLACE_COLUMNS.iter().map(|&i| label(&ctx, i)).collect(),
        places: place_rows(&ctx, sel, &tallies),
        query: sel.query(),
        error,
        targets,
        target_form,
        ctx,
    };
    let refused = page.error.is_some();
    Ok(render_form(&page, refused))
}

/// `POST /staff/figures/targets`: sets a target for the place the dashboard shows.
pub async fn set_target(
    State(state): State<AppState>,
    Extension(from): Extension<ClientAddr>,
    headers: HeaderMap,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, StaffError> {
    let (staff, all) = reader(&state, &headers).await?;
    let get = |name: &str| form_field(&pairs, name).trim().to_owned();
    check_csrf(&staff, &headers, &get("csrf"))?;
    let q = FigureQuery {
        country: get("country"),
        hub: get("hub"),
        ..FigureQuery::default()
    };
    let today = Utc::now().date_naive();
    let sel =
        Selection::read(&staff, &all, &q, today).map_err(|_| StaffError::NotFound(staff.lang))?;
    let place = sel.target_place();
    if !staff.may(Action::SetTargets, place.policy_target()) {
        return Err(StaffError::Forbidden(staff.lang));
    }
    let typed = TypedTarget {
        indicator: get("indicator"),
        label: get("label"),
        starts: get("starts"),
        ends: get("ends"),
        value: get("value"),
        refused: true,
    };
    let day = |text: &str| NaiveDate::parse_from_str(text, "%Y-%m-%d").ok();
    let read = || -> Result<Target, &'static str> {
        Ok(Target {
            indicator: Indicator::from_code(&typed.indicator).ok_or("indicator")?,
            place,
            starts: day(&typed.starts).ok_or("starts")?,
            ends: day(&typed.ends).ok_or("ends")?,
            value: typed
                .value
                .replace([',', ' ', '.'], "")
                .parse()
                .map_err(|_| "value")?,
            label: typed.label.clone(),
        })
    };
    let stored = match read() {
        Ok(target) => state
            .store
            .create_target(&target, &staff.change_in(&from, place.country()))
            .await
            .map_err(|e| match e {
                bluedot_store::StoreError::Invalid(e) => Ok(e.field),
                e => Err(e),
            }),
        Err(field) => Err(Ok(field)),
    };
    match stored {
        Ok(_) => {}
        // Refused input: the dashboard again, with the form as typed and why.
        Err(Ok(field)) => {
            let message = staff_t(staff.lang, &format!("target-bad-{field}"));
            return dashboard(&state, &staff, &all, &sel, Some(message), typed).await;
        }
        Err(Err(e)) => return Err(StaffError::internal(staff.lang, e)),
    };
    Ok(Redirect::to(&format!("/staff/figures?{}", sel.query())).into_response())
}

/// `POST /staff/figures/targets/{id}/remove`.
pub async fn remove_target(
    State(state): State<AppState>,
    Extension(from): Extension<ClientAddr>,
    Path(id): Path<String>,
    headers: HeaderMap,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, StaffError> {
    let (staff, all) = reader(&state, &headers).await?;
    check_csrf(&staff, &headers, form_field(&pairs, "csrf").trim())?;
    let internal = |e| StaffError::internal(staff.lang, e);
    let id: uuid::Uuid = id.parse().map_err(|_| StaffError::NotFound(staff.lang))?;
    let stored = state
        .store
        .target(id)
        .await
        .map_err(internal)?
        .ok_or(StaffError::NotFound(staff.lang))?;
    let place = stored.target.place;
    if !staff.may(Action::SetTargets, place.policy_target()) {
        return Err(StaffError::NotFound(staff.lang));
    }
    state
        .store
        .remove_target(id, &staff.change_in(&from, place.country()))
        .await
        .map_err(internal)?;
    let back = match place {
        TargetPlace::Network => String::new(),
        TargetPlace::Country(c) => format!("?country={}", c.code()),
        TargetPlace::Hub { hub, country } => {
            let slug = all
                .iter()
                .find(|h| h.id == hub)
                .map(|h| h.slug.clone())
                .unwrap_or_default();
            format!("?country={}&hub={slug}", country.code())
        }
    };
    Ok(Redirect::to(&format!("/staff/figures{back}")).into_response())
}

/// The columns of every export, and their HXL hashtags.
const EXPORT_COLUMNS: [&str; 8] = [
    "country",
    "hub",
    "hub_name",
    "period_start",
    "period_end",
    "indicator",
    "part",
    "value",
];
const HXL_TAGS: [&str; 8] = [
    "#country+code",
    "#loc+code",
    "#loc+name",
    "#date+start",
    "#date+end",
    "#indicator+code",
    "#indicator+part",
    "#indicator+num",
];

/// One exported line: a hub, a period, an indicator and a part ("" for its total).
pub struct ExportRow {
    pub cells: [String; 7],
    pub value: Shown,
}

/// The figures of a selection as export rows, one per hub, period, indicator and part; small
/// counts suppressed whoever asks, since the file leaves the system, and cells a spreadsheet
/// could run neutralised.
pub fn export_rows(ctx: &Ctx, sel: &Selection, tallies: &[Tally]) -> Vec<ExportRow> {
    let mut sums: BTreeMap<(Country, &str, NaiveDate, Indicator, &str), u64> = BTreeMap::new();
    for t in tallies {
        let Some(hub) = sel.hubs.iter().find(|h| h.id == t.hub_id) else {
            continue;
        };
        let start = sel.grain.start(t.day).max(sel.from);
        let mut parts = vec![""];
        if !t.part.is_empty() {
            parts.push(&t.part);
        }
        for part in parts {
            *sums
                .entry((hub.country, hub.slug.as_str(), start, t.indicator, part))
                .or_default() += t.value;
        }
    }
    sums.into_iter()
        .filter_map(|((country, slug, start, indicator, part), n)| {
            let hub = sel.hubs.iter().find(|h| h.slug == slug)?;
            let end = (sel.grain.next(start) - Days::new(1)).min(sel.to);
            Some(ExportRow {
                cells: [
                    country.code().to_owned(),
                    neutralise(slug),
                    neutralise(hub.name.text(ctx.lang)),
                    start.to_string(),
                    end.to_string(),
                    indicator.code().to_owned(),
                    neutralise(part),
                ],
                value: Shown::of(n, false),
            })
        })
        .collect()
}

/// The rows as a sheet: counts as numbers, suppressed ones as the text "<5".
fn sheet(rows: &[ExportRow]) -> Sheet<'static> {
    Sheet {
        name: "figures",
        columns: &EXPORT_COLUMNS,
        tags: &HXL_TAGS,
        rows: rows
            .iter()
            .map(|row| {
                let mut cells: Vec<Cell> =
                    row.cells.iter().map(|c| Cell::Text(c.clone())).collect();
                cells.push(match row.value {
                    Shown::Exact(n) => Cell::Number(n as f64),
                    Shown::Suppressed => Cell::Text(row.value.to_string()),
                });
                cells
            })
            .collect(),
    }
}

/// `/staff/figures.csv` (`hxl=1` adds the hashtag row) and `/staff/figures.xlsx`: the
/// dashboard's selection as a file.
pub async fn export_csv(
    state: State<AppState>,
    from: Extension<ClientAddr>,
    headers: HeaderMap,
    q: Query<FigureQuery>,
) -> Result<Response, StaffError> {
    export(state, from, headers, q, Format::Csv).await
}

pub async fn export_xlsx(
    state: State<AppState>,
    from: Extension<ClientAddr>,
    headers: HeaderMap,
    q: Query<FigureQuery>,
) -> Result<Response, StaffError> {
    export(state, from, headers, q, Format::Xlsx).await
}

enum Format {
    Csv,
    Xlsx,
}

async fn export(
    State(state): State<AppState>,
    Extension(from): Extension<ClientAddr>,
    headers: HeaderMap,
    Query(q): Query<FigureQuery>,
    format: Format,
) -> Result<Response, StaffError> {
    let (staff, all) = reader(&state, &headers).await?;
    let sel = Selection::read(&staff, &all, &q, Utc::now().date_naive())
        .map_err(|_| StaffError::NotFound(staff.lang))?;
    let tallies = load(&state, &staff, &sel).await?;
    let ctx = Ctx::new(staff.lang, "/", "figures");
    let rows = export_rows(&ctx, &sel, &tallies);
    // What left the system, and for which place and period.
    let event = staff.event("figures.export", sel.query(), &from);
    audit(&state, staff.lang, event).await?;
    let stem = format!("bluedot-figures-{}-{}", sel.from, sel.to);
    let format = match format {
        Format::Csv => SheetFormat::Csv { hxl: q.hxl == "1" },
        Format::Xlsx => SheetFormat::Xlsx,
    };
    format
        .download(&sheet(&rows), &stem)
        .map_err(|e| StaffError::internal(staff.lang, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_a_spreadsheet_would_run_are_neutralised() {
        assert_eq!(neutralise("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(neutralise("+48 600"), "'+48 600");
        assert_eq!(neutralise("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(neutralise("Siret"), "Siret");
    }

    #[test]
    fn periods_start_on_monday_and_the_first_of_the_month() {
        let day = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap(); // a Sunday
        assert_eq!(
            Grain::Week.start(day),
            NaiveDate::from_ymd_opt(2026, 11, 16).unwrap()
        );
        assert_eq!(
            Grain::Month.start(day),
            NaiveDate::from_ymd_opt(2026, 11, 1).unwrap()
        );
        assert_eq!(Grain::Day.start(day), day);
        let dec = Grain::Month.next(NaiveDate::from_ymd_opt(2026, 12, 1).unwrap());
        assert_eq!(dec, NaiveDate::from_ymd_opt(2027, 1, 1).unwrap());
    }

    #[test]
    fn exports_write_suppressed_counts_as_text_and_hashtags_under_the_header() {
        let row = |name: &str, value| ExportRow {
            cells: [
                "RO".into(),
                "siret-border".into(),
                neutralise(name),
                "2026-11-01".into(),
                "2026-11-30".into(),
                "people-reached".into(),
                String::new(),
            ],
            value,
        };
        let rows = [
            row("=1+1", Shown::Suppressed),
            row("Blue Dot Siret", Shown::Exact(12)),
        ];
        let csv = sheet(&rows).csv(true);
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines[1], HXL_TAGS.join(","));
        assert!(
            lines[2].contains(",'=1+1,") && lines[2].ends_with(",<5"),
            "{csv}"
        );
        assert!(lines[3].ends_with(",12"));
        assert!(!sheet(&rows).csv(false).contains("#country"));
        let book = sheet(&rows).xlsx().unwrap();
        assert_eq!(&book[..2], b"PK");
    }
}
