//! Home (nearest hubs), the hub list with filters, the hub page and the map.

use askama::Template;
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Redirect, Response};
use bluedot_core::geo::Point;
use bluedot_core::hub::Hub;
use bluedot_core::taxonomy::ServiceArea;
use bluedot_core::{Country, Lang, PriorityGroup, ServiceKind};
use serde::Deserialize;

use crate::error::{OrPageError, PageError};
use crate::view::{
    ContactLink, Ctx, DayRow, HubCard, OpenLabel, Text, hours_in_words, open_label, render, visible,
};
use crate::{AppState, GAZETTEER};

/// How many hubs the home page lists as "nearest".
const NEAREST: usize = 5;

/// A town found by name this close to a hub found by name is the hub's own town.
const SAME_PLACE_KM: f64 = 15.0;

/// The hubs as pages read them (see [`crate::directory`]).
pub(super) async fn directory(
    state: &AppState,
    lang: Lang,
) -> Result<std::sync::Arc<Vec<Hub>>, PageError> {
    state.directory.hubs().await.or_page_error(lang)
}

/// The language a path names, or a 404 page in the language the browser prefers.
pub(super) fn page_lang(code: &str, headers: &HeaderMap) -> Result<Lang, PageError> {
    code.parse().map_err(|_| {
        let preferred = headers
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok())
            .and_then(Lang::negotiate)
            .unwrap_or(Lang::FALLBACK);
        PageError::not_found(preferred)
    })
}

/// The path and query after `/{lang}`, so the language switcher keeps the visitor in place.
pub(super) fn path_after_lang(uri: &Uri, lang: Lang) -> String {
    let path = uri.path();
    let rest = path.get(1 + lang.code().len()..).unwrap_or("/");
    let rest = if rest.is_empty() { "/" } else { rest };
    match uri.query() {
        Some(q) => format!("{rest}?{q}"),
        None => rest.to_owned(),
    }
}

pub(super) fn ctx_for(state: &AppState, lang: Lang, uri: &Uri, section: &'static str) -> Ctx {
    let mut ctx = Ctx::new(lang, path_after_lang(uri, lang), section);
    ctx.origin = state.config.public_url.clone();
    ctx
}

/// `/` sends the visitor to their language's home page.
pub async fn root(headers: HeaderMap) -> Response {
    let lang = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .and_then(Lang::negotiate)
        .unwrap_or(Lang::Uk);
    let mut response = Redirect::to(&format!("/{lang}/")).into_response();
    response
        .headers_mut()
        .insert(header::VARY, HeaderValue::from_static("accept-language"));
    response
}

pub async fn lang_root(
    Path(code): Path<String>,
    headers: HeaderMap,
) -> Result<Redirect, PageError> {
    let lang = page_lang(&code, &headers)?;
    Ok(Redirect::permanent(&format!("/{lang}/")))
}

#[derive(Deserialize, Default)]
pub struct HomeQuery {
    q: Option<String>,
    country: Option<String>,
    lat: Option<String>,
    lon: Option<String>,
    near: Option<String>,
}

pub struct FilterChoice {
    pub code: String,
    pub label: String,
    pub selected: bool,
}

pub struct Alternative {
    pub label: String,
    pub href: String,
}

#[derive(Template)]
#[template(path = "home.html")]
pub struct HomePage {
    ctx: Ctx,
    q: String,
    countries: Vec<FilterChoice>,
    /// What the results are near ("Siret, Romania"), or the chosen country.
    heading: Option<String>,
    alternatives: Vec<Alternative>,
    notice: Option<String>,
    results: Vec<HubCard>,
    info_countries: Vec<FilterChoice>,
}

fn country_choices(ctx: &Ctx, selected: Option<Country>) -> Vec<FilterChoice> {
    let mut choices: Vec<FilterChoice> = Country::ALL
        .into_iter()
        .map(|c| FilterChoice {
            code: c.code().to_owned(),
            label: ctx.country_name(c),
            selected: Some(c) == selected,
        })
        .collect();
    crate::locale::of(ctx.lang).sort_by_text(&mut choices, |c| &c.label);
    choices
}

/// A town's label with its country, named in the reader's language when it is one we know.
fn town_label(ctx: &Ctx, name: &str, country_code: &str) -> String {
    let country = match Country::from_code(country_code) {
        Some(c) => ctx.country_name(c),
        None if country_code == "UA" => ctx.t("country-ua"),
        None => country_code.to_owned(),
    };
    format!("{name}, {country}")
}

fn parse_coordinate(value: &str) -> Option<f64> {
    value.trim().parse::<f64>().ok().filter(|v| v.is_finite())
}

pub async fn home(
    State(state): State<AppState>,
    Path(code): Path<String>,
    Query(query): Query<HomeQuery>,
    headers: HeaderMap,
    uri: Uri,
) -> Result<Response, PageError> {
    let lang = page_lang(&code, &headers)?;
    let mut ctx = ctx_for(&state, lang, &uri, "home");
    let hubs = directory(&state, lang).await?;
    let policy = &state.config.freshness;
    let q = query.q.as_deref().unwrap_or("").trim().to_owned();
    if q.chars().count() > 100 {
        return Err(PageError::bad_request(lang, "error-query-too-long"));
    }
    let country = match query.country.as_deref().filter(|c| !c.is_empty()) {
        Some(c) => Some(
            Country::from_code(c).ok_or(PageError::bad_request(lang, "error-unknown-country"))?,
        ),
        None => None,
    };

    let mut heading = None;
    let mut alternatives = vec![];
    let mut notice = None;
    let mut origin: Option<Point> = None;
    // Where the visitor is, or the place they typed, when it lies outside the countries with
    // hubs (Lviv, Odesa): "" for the visitor's own position.
    let mut outside: Option<String> = None;
    match (query.lat.as_deref(), query.lon.as_deref()) {
        (Some(lat), Some(lon)) => {
            let point = parse_coordinate(lat)
                .zip(parse_coordinate(lon))
                .and_then(|(lat, lon)| Point::new(lat, lon).ok())
                .ok_or(PageError::bad_request(lang, "error-bad-coordinates"))?;
            origin = Some(point);
            let near = query.near.as_deref().unwrap_or("").trim();
            if !Country::ALL
                .into_iter()
                .any(|c| crate::outlines::in_country(c, point))
            {
                outside = Some(near.to_owned());
            }
            heading = Some(if near.is_empty() {
                ctx.t("nearest-to-you")
            } else {
                ctx.ts("nearest-to", "place", near)
            });
        }
        (None, None) => {}
        _ => return Err(PageError::bad_request(lang, "error-bad-coordinates")),
    }
    if origin.is_none() && !q.is_empty() {
        let towns = GAZETTEER.search(&q, 6);
        // A hub's own name, in any language, names its town ("Гребенне" for Blue Dot
        // Hrebenne) before any namesake elsewhere; a slip in it counts only when no town
        // bears exactly the name typed.
        let exact_town = towns.first().filter(|t| t.fit.is_exact());
        let hub = super::hub_places::find(&hubs, &q, lang).filter(|h| match exact_town {
            // The town itself, when it is the hub's: its hubs are then ranked from its centre.
            Some(town) => h.exact && town.town.location.distance_km(h.hub.location) > SAME_PLACE_KM,
            None => true,
        });
        if let Some(place) = &hub {
            origin = Some(place.hub.location);
            let label = town_label(&ctx, &place.town, place.hub.country.code());
            heading = Some(ctx.ts("nearest-to", "place", &label));
            // The towns of that name elsewhere stay one tap away.
            alternatives = towns
                .iter()
                .filter(|t| t.town.location.distance_km(place.hub.location) > SAME_PLACE_KM)
                .map(|t| alternative(&ctx, t))
                .collect();
        }
        match towns.split_first().filter(|_| hub.is_none()) {
            Some((best, rest)) => {
                origin = Some(best.town.location);
                let label = town_label(&ctx, &best.name, &best.town.country);
                heading = Some(ctx.ts("nearest-to", "place", &label));
                if Country::from_code(&best.town.country).is_none() {
                    outside = Some(label.clone());
                }
                alternatives = rest.iter().map(|t| alternative(&ctx, t)).collect();
            }
            None if hub.is_none() => notice = Some(ctx.ts("town-not-found", "query", &q)),
            None => {}
        }
    }

    if let Some(place) = outside {
        notice = Some(if place.is_empty() {
            ctx.t("outside-network-you")
        } else {
            ctx.ts("outside-network", "place", &place)
        });
    }
    let visible_hubs: Vec<&Hub> = visible(&hubs, policy, ctx.now).collect();
    let results: Vec<HubCard> = if let Some(from) = origin {
        let mut near: Vec<&Hub> = visible_hubs.clone();
        near.sort_by(|a, b| {
            from.distance_km(a.location)
                .total_cmp(&from.distance_km(b.location))
        });
        near.into_iter()
            .take(NEAREST)
            .map(|h| HubCard::new(&ctx, h, policy, Some(from)))
            .collect()
    } else if let Some(country) = country {
        heading = Some(ctx.ts("hubs-in", "country", &ctx.country_name(country)));
        let mut cards: Vec<HubCard> = visible_hubs
            .iter()
            .filter(|h| h.country == country)
            .map(|h| HubCard::new(&ctx, h, policy, None))
            .collect();
        crate::locale::of(ctx.lang).sort_by_text(&mut cards, |c| &c.name.text);
        cards
    } else {
        vec![]
    };
    ctx.demo = hubs.iter().any(|h| h.is_demo);
    let page = HomePage {
        countries: country_choices(&ctx, country),
        info_countries: country_choices(&ctx, None),
        q,
        heading,
        alternatives,
        notice,
        results,
        ctx,
    };
    Ok(render(&page))
}

/// Another town the typed name may have meant, as a link to the hubs nearest to it.
fn alternative(ctx: &Ctx, found: &crate::gazetteer::Found) -> Alternative {
    let label = town_label(ctx, &found.name, &found.town.country);
    Alternative {
        href: format!(
            "{}?lat={:.4}&lon={:.4}&near={}",
            ctx.href("/"),
            found.town.location.lat,
            found.town.location.lon,
            urlencode(&label)
        ),
        label,
    }
}

/// Percent-encodes a query value (only what a link needs; the label is our own text).
fn urlencode(value: &str) -> String {
    let mut out = String::new();
    for b in value.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

#[derive(Deserialize, Default)]
pub struct ListQuery {
    service: Option<String>,
    group: Option<String>,
    country: Option<String>,
}

#[derive(Template)]
#[template(path = "hubs.html")]
pub struct HubListPage {
    ctx: Ctx,
    services: Vec<FilterChoice>,
    groups: Vec<FilterChoice>,
    countries: Vec<FilterChoice>,
    filtered: bool,
    count: String,
    /// "No hubs", "1 hub", … up to the number listed: the count as the page says it, for
    /// lists filtered on the phone while offline.
    counts: String,
    cards: Vec<HubCard>,
}

/// Parses an optional filter value with `parse`, treating an empty value as no filter.
fn filter<T>(
    lang: Lang,
    value: Option<&str>,
    parse: impl Fn(&str) -> Option<T>,
    message: &'static str,
) -> Result<Option<T>, PageError> {
    match value.map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) => parse(v)
            .map(Some)
            .ok_or(PageError::bad_request(lang, message)),
    }
}

/// Options of a filter over a taxonomy, labelled by the messages `{prefix}-{code}`.
fn taxonomy_choices<T: Copy + PartialEq>(
    ctx: &Ctx,
    all: &[T],
    prefix: &str,
    selected: Option<T>,
    code: impl Fn(T) -> &'static str,
) -> Vec<FilterChoice> {
    all.iter()
        .map(|&item| FilterChoice {
            code: code(item).to_owned(),
            label: ctx.t(&format!("{prefix}-{}", code(item))),
            selected: Some(item) == selected,
        })
        .collect()
}

pub async fn hub_list(
    State(state): State<AppState>,
    Path(code): Path<String>,
    Query(query): Query<ListQuery>,
    headers: HeaderMap,
    uri: Uri,
) -> Result<Response, PageError> {
    let lang = page_lang(&code, &headers)?;
    let mut ctx = ctx_for(&state, lang, &uri, "list");
    let service = filter(
        lang,
        query.service.as_deref(),
        ServiceKind::from_code,
        "error-unknown-service",
    )?;
    let group = filter(
        lang,
        query.group.as_deref(),
        PriorityGroup::from_code,
        "error-unknown-group",
    )?;
    let country = filter(
        lang,
        query.country.as_deref(),
        Country::from_code,
        "error-unknown-country",
    )?;
    let hubs = directory(&state, lang).await?;
    let policy = &state.config.freshness;
    let mut cards: Vec<(String, HubCard)> = visible(&hubs, policy, ctx.now)
        .filter(|h| service.is_none_or(|s| h.offers(s)))
        .filter(|h| group.is_none_or(|g| h.serves(g)))
        .filter(|h| country.is_none_or(|c| h.country == c))
        .map(|h| {
            let card = HubCard::new(&ctx, h, policy, None);
            (card.country.clone(), card)
        })
        .collect();
    let order = crate::locale::of(ctx.lang);
    cards.sort_by(|a, b| {
        order
            .compare(&a.0, &b.0)
            .then_with(|| order.compare(&a.1.name.text, &b.1.name.text))
    });
    ctx.demo = hubs.iter().any(|h| h.is_demo);
    let services = taxonomy_choices(&ctx, ServiceKind::ALL, "service", service, |s| s.code());
    let groups = taxonomy_choices(&ctx, PriorityGroup::ALL, "group", group, |g| g.code());
    let page = HubListPage {
        services,
        groups,
        countries: country_choices(&ctx, country),
        filtered: service.is_some() || group.is_some() || country.is_some(),
        count: ctx.tn("hubs-count", "count", cards.len()),
        counts: serde_json::to_string(
            &(0..=cards.len())
                .map(|n| ctx.tn("hubs-count", "count", n))
                .collect::<Vec<_>>(),
        )
        .unwrap_or_default(),
        cards: cards.into_iter().map(|(_, c)| c).collect(),
        ctx,
    };
    Ok(render(&page))
}

pub struct ServiceItem {
    pub label: String,
    pub groups: Vec<String>,
    pub note: Option<Text>,
    /// The service's own week, when its hours differ from the hub's.
    pub week: Vec<crate::view::DayRow>,
    pub languages: Option<String>,
    pub provided_by: Option<String>,
    pub eligibility: Option<Text>,
}

pub struct ServiceSection {
    pub label: String,
    pub items: Vec<ServiceItem>,
}

#[derive(Template)]
#[template(path = "hub.html")]
pub struct HubPage {
    ctx: Ctx,
    slug: String,
    name: Text,
    kind: String,
    country: String,
    country_code: String,
    open: OpenLabel,
    status_note: Option<Text>,
    description: Text,
    services: Vec<ServiceSection>,
    week: Vec<DayRow>,
    unread_hours: Option<String>,
    address: Text,
    coordinates: String,
    geo_href: String,
    contacts: Vec<ContactLink>,
    languages: Vec<String>,
    wheelchair: String,
    access_note: Option<Text>,
    partners: Vec<String>,
    verified: String,
    unverified: bool,
    is_demo: bool,
    /// Announced closures and changes of hours not yet over.
    closures: Vec<ClosureNotice>,
    closed_for_good: bool,
    /// The nearest hub open now, when this one is not.
    alternative: Option<HubCard>,
}

pub struct ClosureNotice {
    pub when: String,
    pub reason: Text,
    pub now: bool,
}

fn language_name(ctx: &Ctx, code: &str) -> String {
    match Lang::from_tag(code) {
        Some(l) => l.native_name().to_owned(),
        None => ctx.ts("language-code", "code", code),
    }
}

pub async fn hub_page(
    State(state): State<AppState>,
    Path((code, slug)): Path<(String, String)>,
    headers: HeaderMap,
    uri: Uri,
) -> Result<Response, PageError> {
    let lang = page_lang(&code, &headers)?;
    let mut ctx = ctx_for(&state, lang, &uri, "list");
    let hubs = directory(&state, lang).await?;
    let policy = &state.config.freshness;
    // A hub closed for good keeps its page, with a notice, for those who kept the link.
    let hub = hubs
        .iter()
        .filter(|h| policy.is_public(h.oldest_verification(), ctx.now))
        .find(|h| h.slug == slug)
        .ok_or(PageError::not_found(lang))?;
    ctx.demo = hub.is_demo;
    let tz = hub.country.timezone();
    let local = |at: chrono::DateTime<chrono::Utc>| {
        crate::locale::of(ctx.lang).local_moment(at.with_timezone(&tz).naive_local())
    };
    let closures = hub
        .coming_closures(ctx.now)
        .into_iter()
        .map(|c| {
            let (from, to) = (local(c.starts_at), local(c.ends_at));
            let args = [("from", from.as_str().into()), ("to", to.as_str().into())];
            ClosureNotice {
                when: match &c.hours {
                    None => ctx.ta("closure-closed", &args),
                    Some(hours) => {
                        let mut with_hours = args.to_vec();
                        with_hours.push(("hours", hours.as_str().into()));
                        ctx.ta("closure-changed-hours", &with_hours)
                    }
                },
                reason: Text::of(&c.reason, lang),
                now: c.covers(ctx.now),
            }
        })
        .collect();
    let alternative = (!crate::view::is_open_now(hub, ctx.now))
        .then(|| {
            visible(&hubs, policy, ctx.now)
                .filter(|h| h.id != hub.id && crate::view::is_open_now(h, ctx.now))
                .min_by(|a, b| {
                    let d = |h: &Hub| hub.location.distance_km(h.location);
                    d(a).total_cmp(&d(b))
                })
                .map(|h| HubCard::new(&ctx, h, policy, Some(hub.location)))
        })
        .flatten();

    let mut services: Vec<ServiceSection> = vec![];
    for area in ServiceArea::ALL {
        let items: Vec<ServiceItem> = hub
            .services
            .iter()
            .filter(|s| s.kind.area() == *area)
            .map(|s| ServiceItem {
                label: ctx.t(&format!("service-{}", s.kind.code())),
                groups: s
                    .priority_groups
                    .iter()
                    .map(|g| ctx.t(&format!("group-{}", g.code())))
                    .collect(),
                note: (!s.note.is_empty()).then(|| Text::of(&s.note, lang)),
                week: s
                    .hours
                    .as_deref()
                    .map(|h| hours_in_words(&ctx, h, hub.country).days)
                    .unwrap_or_default(),
                languages: (!s.languages.is_empty()).then(|| {
                    let names = s
                        .languages
                        .iter()
                        .map(|l| Lang::from_tag(l).map(|l| l.native_name()).unwrap_or(l))
                        .collect::<Vec<_>>()
                        .join(", ");
                    ctx.ts("service-given-in", "languages", &names)
                }),
                provided_by: (!s.provided_by.is_empty())
                    .then(|| ctx.ts("service-run-by", "organization", &s.provided_by)),
                eligibility: (!s.eligibility.is_empty()).then(|| Text::of(&s.eligibility, lang)),
            })
            .collect();
        if !items.is_empty() {
            services.push(ServiceSection {
                label: ctx.t(&format!("area-{}", area.code())),
                items,
            });
        }
    }
    let hours = hours_in_words(&ctx, &hub.opening_hours, hub.country);
    let oldest = hub.oldest_verification();
    let page = HubPage {
        slug: hub.slug.clone(),
        name: Text::of(&hub.name, lang),
        kind: ctx.t(&format!("kind-{}", hub.kind.code())),
        country: ctx.country_name(hub.country),
        country_code: hub.country.code().to_lowercase(),
        open: open_label(&ctx, hub),
        status_note: (!hub.status_note.is_empty()).then(|| Text::of(&hub.status_note, lang)),
        description: Text::of(&hub.description, lang),
        services,
        week: hours.days,
        unread_hours: hours.unread,
        address: Text::of(&hub.address, lang),
        coordinates: format!("{:.5}, {:.5}", hub.location.lat, hub.location.lon),
        geo_href: format!("geo:{:.5},{:.5}", hub.location.lat, hub.location.lon),
        contacts: hub
            .contacts
            .iter()
            .map(|c| ContactLink::new(&ctx, c))
            .collect(),
        languages: hub
            .languages
            .iter()
            .map(|c| language_name(&ctx, c))
            .collect(),
        wheelchair: ctx.t(&format!(
            "wheelchair-{}",
            hub.accessibility.wheelchair.code()
        )),
        access_note: (!hub.accessibility.note.is_empty())
            .then(|| Text::of(&hub.accessibility.note, lang)),
        partners: hub.partners.clone(),
        verified: ctx.date(&oldest),
        unverified: policy.judge(oldest, ctx.now) >= bluedot_core::freshness::Freshness::Unverified,
        is_demo: hub.is_demo,
        closures,
        closed_for_good: hub.status == bluedot_core::HubStatus::Closed,
        alternative,
        ctx,
    };
    Ok(render(&page))
}

#[derive(Template)]
#[template(path = "map.html")]
pub struct MapPage {
    ctx: Ctx,
    tile_url: String,
    tile_attribution: String,
}

#[derive(Template)]
#[template(path = "open_data.html")]
pub struct OpenDataPage {
    ctx: Ctx,
    /// Each list of the API and what it holds.
    lists: Vec<(&'static str, String)>,
    /// Each parameter that narrows a list and what it does.
    parameters: Vec<(&'static str, String)>,
    example: String,
}

/// The open-data API explained in the visitor's language, where the footer's link leads.
pub async fn open_data_page(
    State(state): State<AppState>,
    Path(code): Path<String>,
    headers: HeaderMap,
    uri: Uri,
) -> Result<Response, PageError> {
    let lang = page_lang(&code, &headers)?;
    let ctx = ctx_for(&state, lang, &uri, "");
    let lists = [
        ("/services", "open-data-services"),
        ("/service_at_locations", "open-data-service-at-locations"),
        ("/locations", "open-data-locations"),
        ("/organizations", "open-data-organizations"),
    ]
    .map(|(path, what)| (path, ctx.t(what)))
    .to_vec();
    let parameters = [
        ("lang", "open-data-param-lang"),
        ("country", "open-data-param-country"),
        ("taxonomy_term_id", "open-data-param-service"),
        ("lat, long, proximity", "open-data-param-near"),
        ("page, per_page", "open-data-param-page"),
    ]
    .map(|(name, what)| (name, ctx.t(what)))
    .to_vec();
    let example = format!(
        "/services?country=RO&taxonomy_term_id=legal-counselling&lang={}",
        lang.code()
    );
    Ok(render(&OpenDataPage {
        ctx,
        lists,
        parameters,
        example,
    }))
}

#[derive(Template)]
#[template(path = "offline.html")]
pub struct OfflinePage {
    ctx: Ctx,
}

/// What the phone shows, without a connection, for a page it never saved: says so plainly and
/// lists the pages it did save (the service worker keeps this page and serves it in their place).
pub async fn offline_page(
    State(state): State<AppState>,
    Path(code): Path<String>,
    headers: HeaderMap,
    uri: Uri,
) -> Result<Response, PageError> {
    let lang = page_lang(&code, &headers)?;
    let ctx = ctx_for(&state, lang, &uri, "");
    Ok(render(&OfflinePage { ctx }))
}

pub async fn map_page(
    State(state): State<AppState>,
    Path(code): Path<String>,
    headers: HeaderMap,
    uri: Uri,
) -> Result<Response, PageError> {
    let lang = page_lang(&code, &headers)?;
    let mut ctx = ctx_for(&state, lang, &uri, "map");
    ctx.demo = directory(&state, lang).await?.iter().any(|h| h.is_demo);
    Ok(render(&MapPage {
        ctx,
        tile_url: state.config.tile_url.clone().unwrap_or_default(),
        tile_attribution: state.config.tile_attribution.clone(),
    }))
}

/// Towns to name on the offline basemap (GeoNames, 50,000 people or more), with their
/// population so the map shows the larger ones first and the rest as it zooms in. Names are the
/// ones on the towns' road signs, which is what a refugee on the road matches them against.
pub async fn map_places(
    Path(code): Path<String>,
    headers: HeaderMap,
) -> Result<Response, PageError> {
    page_lang(&code, &headers)?;
    let features: Vec<serde_json::Value> = GAZETTEER
        .towns_of_at_least(50_000)
        .map(|t| {
            serde_json::json!({
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [t.location.lon, t.location.lat]},
                "properties": {"name": t.name, "population": t.population},
            })
        })
        .collect();
    let body = serde_json::json!({"type": "FeatureCollection", "features": features});
    Ok((
        StatusCode::OK,
        [(header::CACHE_CONTROL, "public, max-age=86400")],
        Json(body),
    )
        .into_response())
}

/// Every visible hub as GeoJSON for the map, with labels in the reader's language.
pub async fn map_data(
    State(state): State<AppState>,
    Path(code): Path<String>,
    headers: HeaderMap,
) -> Result<Response, PageError> {
    let lang = page_lang(&code, &headers)?;
    let ctx = Ctx::new(lang, "/map", "map");
    let hubs = directory(&state, lang).await?;
    let features: Vec<serde_json::Value> = visible(&hubs, &state.config.freshness, ctx.now)
        .map(|h| {
            let open = open_label(&ctx, h);
            serde_json::json!({
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [h.location.lon, h.location.lat]},
                "properties": {
                    "name": h.name.text(lang),
                    "kind": ctx.t(&format!("kind-{}", h.kind.code())),
                    "open": open.text,
                    "openClass": open.class,
                    "url": ctx.href(&format!("/hubs/{}", h.slug)),
                }
            })
        })
        .collect();
    let body = serde_json::json!({"type": "FeatureCollection", "features": features});
    Ok((
        StatusCode::OK,
        [(header::CACHE_CONTROL, "no-cache")],
        Json(body),
    )
        .into_response())
}
