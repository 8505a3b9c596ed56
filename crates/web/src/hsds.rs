//! Open data: hubs and providers as Open Referral HSDS 3 (organizations, services, locations,
//! service_at_location, schedules), extended with `x_`-prefixed fields for what HSDS lacks:
//! translations, hub kind, temporary closures, last verification and the demo flag.
//! Described by the OpenAPI document at `/openapi.json`.

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use bluedot_core::geo::Point;
use bluedot_core::hub::{Hub, HubService, MessagingApp};
use bluedot_core::provider::Provider;
use bluedot_core::{Country, Lang, Localized, ServiceKind};
use serde::Deserialize;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::AppState;
use crate::directory::Snapshot;
use crate::view::visible;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/services", get(services))
        .route("/services/{id}", get(service))
        .route("/service_at_locations", get(service_at_locations))
        .route("/organizations", get(organizations))
        .route("/locations", get(locations))
        .route("/openapi.json", get(openapi))
}

/// An API error as RFC 9457 problem details, with a message a developer can act on.
pub struct ApiError(pub StatusCode, pub String);

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        crate::error::problem(self.0, &self.1)
    }
}

fn bad_request(message: impl Into<String>) -> ApiError {
    ApiError(StatusCode::BAD_REQUEST, message.into())
}

fn internal(e: impl std::fmt::Display) -> ApiError {
    tracing::error!(error = %e, "open data request failed");
    ApiError(StatusCode::INTERNAL_SERVER_ERROR, "internal error".into())
}

fn json_ok(body: Value) -> Response {
    (
        [(header::CACHE_CONTROL, "public, max-age=60")],
        axum::Json(body),
    )
        .into_response()
}

/// Ids derived from what they identify, so they are stable across reloads and deployments.
fn service_id(hub: &Hub, kind: ServiceKind) -> Uuid {
    Uuid::new_v5(&hub.id, format!("service:{kind}").as_bytes())
}

fn organization_id(country: Country) -> Uuid {
    Uuid::new_v5(
        &Uuid::NAMESPACE_URL,
        format!("bluedot:organization:{country}").as_bytes(),
    )
}

fn provider_organization_id(p: &Provider) -> Uuid {
    Uuid::new_v5(
        &Uuid::NAMESPACE_URL,
        format!(
            "bluedot:provider-organization:{}:{}",
            p.country, p.organization
        )
        .as_bytes(),
    )
}

/// The id of a service's offer at its hub (a service is offered at one hub).
pub(crate) fn service_at_location_id(service: Uuid) -> Uuid {
    Uuid::new_v5(&service, b"at")
}

/// The id of a part of a record (a phone, an address, a language): derived from the record's
/// id and what the part is, so it is the same on every request and every deployment.
fn part_id(parent: &Uuid, part: &str) -> Uuid {
    Uuid::new_v5(parent, part.as_bytes())
}

/// The taxonomy term of a service kind. HSDS ids are UUIDs; the readable code is its `code`.
fn taxonomy_term(kind: ServiceKind, lang: Lang) -> Value {
    let name = crate::I18N.message(lang, &format!("service-{}", kind.code()), None);
    json!({
        "id": Uuid::new_v5(&Uuid::NAMESPACE_URL, format!("bluedot:taxonomy:{kind}").as_bytes()),
        "code": kind.code(),
        "name": name,
        "description": name,
        "vocabulary": "bluedot-services",
    })
}

/// A service's classification by its kind, as an HSDS attribute linking it to the term.
fn attribute(owner: &Uuid, kind: ServiceKind, lang: Lang) -> Value {
    let term = taxonomy_term(kind, lang);
    json!({
        "id": part_id(owner, &format!("attribute:{kind}")),
        "link_id": owner,
        "link_type": "service",
        "link_entity": "service",
        "taxonomy_term_id": term["id"],
        "taxonomy_term": term,
    })
}

fn languages(owner: &Uuid, codes: &[String]) -> Vec<Value> {
    codes
        .iter()
        .map(|code| json!({"id": part_id(owner, &format!("language:{code}")), "code": code}))
        .collect()
}

fn translations(text: &Localized) -> Value {
    Value::Object(
        text.0
            .iter()
            .map(|(l, t)| (l.code().to_owned(), Value::from(t.as_str())))
            .collect(),
    )
}

fn schedule(
    id_seed: &Uuid,
    opening_hours: &str,
    service: Option<Uuid>,
    location: Option<Uuid>,
) -> Value {
    let mut schedule = json!({
        "id": Uuid::new_v5(id_seed, b"schedule"),
        "description": opening_hours,
        "x_opening_hours": opening_hours,
    });
    // Absent links are left out: HSDS types them as strings, never null.
    if let Some(service) = service {
        schedule["service_id"] = json!(service);
    }
    if let Some(location) = location {
        schedule["location_id"] = json!(location);
    }
    schedule
}

fn phones(owner: &Uuid, contacts: &[bluedot_core::hub::Contact]) -> Vec<Value> {
    contacts
        .iter()
        .filter(|c| c.channel == MessagingApp::Phone)
        .map(|c| {
            json!({
                "id": part_id(owner, &format!("phone:{}", c.value)),
                "number": c.value,
                "type": "voice",
            })
        })
        .collect()
}

/// The town of an address written "street, town" (as the directory's addresses are): HSDS
/// asks for it separately.
fn city_of(address: &str) -> &str {
    address.rsplit(',').next().unwrap_or("").trim()
}

pub(crate) fn location_json(hub: &Hub, lang: Lang) -> Value {
    json!({
        "id": hub.id,
        "location_type": "physical",
        "name": hub.name.text(lang),
        "description": hub.description.text(lang),
        "latitude": hub.location.lat,
        "longitude": hub.location.lon,
        "addresses": [{
            "id": part_id(&hub.id, "address"),
            "location_id": hub.id,
            "address_1": hub.address.text(lang),
            "city": city_of(hub.address.text(lang)),
            "state_province": "",
            "postal_code": "",
            "country": hub.country.code(),
            "address_type": "physical",
        }],
        "phones": phones(&hub.id, &hub.contacts),
        "languages": languages(&hub.id, &hub.languages),
        "accessibility": [{
            "id": part_id(&hub.id, "accessibility"),
            "location_id": hub.id,
            "description": hub.accessibility.note.text(lang),
            "details": hub.accessibility.wheelchair.code(),
        }],
        "schedules": [schedule(&hub.id, &hub.opening_hours, None, Some(hub.id))],
        "x_slug": hub.slug,
        "x_hub_kind": hub.kind.code(),
        "x_status": hub.status.code(),
        "x_status_note": translations(&hub.status_note),
        "x_translations": {"name": translations(&hub.name), "description": translations(&hub.description)},
        "x_last_verified": hub.verified_at,
        "x_is_demo": hub.is_demo,
    })
}

pub(crate) fn service_json(hub: &Hub, s: &HubService, lang: Lang) -> Value {
    let id = service_id(hub, s.kind);
    let name = crate::I18N.message(lang, &format!("service-{}", s.kind.code()), None);
    let hours = s.hours.as_deref().unwrap_or(&hub.opening_hours);
    let spoken = if s.languages.is_empty() {
        &hub.languages
    } else {
        &s.languages
    };
    let mut service = json!({
        "id": id,
        "organization_id": organization_id(hub.country),
        "name": format!("{name} — {}", hub.name.text(lang)),
        "description": s.note.text(lang),
        "status": if hub.status == bluedot_core::HubStatus::Open { "active" } else { "inactive" },
        "languages": languages(&id, spoken),
        "schedules": [schedule(&id, hours, Some(id), Some(hub.id))],
        "attributes": [attribute(&id, s.kind, lang)],
        "x_service_kind": s.kind.code(),
        "x_priority_groups": s.priority_groups.iter().map(|g| g.code()).collect::<Vec<_>>(),
        "x_hub_id": hub.id,
        "x_last_verified": s.verified_at,
        "x_is_demo": hub.is_demo,
    });
    if !s.eligibility.is_empty() {
        service["eligibility_description"] = json!(s.eligibility.text(lang));
    }
    if !s.provided_by.is_empty() {
        service["x_provided_by"] = json!(s.provided_by);
    }
    service
}

pub(crate) fn provider_service_json(p: &Provider, lang: Lang) -> Value {
    let mut service = json!({
        "id": p.id,
        "organization_id": provider_organization_id(p),
        "name": p.name.text(lang),
        "description": p.description.text(lang),
        "status": "active",
        "eligibility_description": p.eligibility.text(lang),
        "fees_description": if p.free_of_charge { crate::I18N.message(lang, "free-of-charge", None) } else { p.fees.text(lang).to_owned() },
        "languages": languages(&p.id, &p.languages),
        "phones": phones(&p.id, &p.contacts),
        "schedules": p.opening_hours.as_deref().map(|h| vec![schedule(&p.id, h, Some(p.id), None)]).unwrap_or_default(),
        "attributes": [attribute(&p.id, p.service, lang)],
        "x_service_kind": p.service.code(),
        "x_free_of_charge": p.free_of_charge,
        "x_country": p.country.code(),
        "x_translations": {"name": translations(&p.name), "eligibility": translations(&p.eligibility)},
        "x_last_verified": p.verified_at,
        "x_is_demo": p.is_demo,
    });
    if let Some(url) = &p.website {
        service["url"] = json!(url);
    }
    service
}

/// The radius a proximity search may ask for, in kilometres: from a metre to half the globe.
const MIN_PROXIMITY_KM: f64 = 0.001;
const MAX_PROXIMITY_KM: f64 = 20_000.0;

/// Items per page when a request does not say, and the most it may ask for.
pub const DEFAULT_PER_PAGE: usize = 50;
pub const MAX_PER_PAGE: usize = 500;

/// One page of a list, as HSDS 3 shapes it. A page past the end is empty, not an error.
fn paged(mut contents: Vec<Value>, page: usize, per_page: usize) -> Value {
    let total = contents.len();
    let pages = total.div_ceil(per_page).max(1);
    let start = (page - 1).saturating_mul(per_page).min(total);
    let end = start.saturating_add(per_page).min(total);
    let contents: Vec<Value> = contents.drain(start..end).collect();
    json!({
        "total_items": total,
        "total_pages": pages,
        "page_number": page,
        "size": per_page,
        "first_page": page == 1,
        "last_page": page >= pages,
        "empty": contents.is_empty(),
        "contents": contents,
    })
}

#[derive(Deserialize, Default)]
struct ListParams {
    lang: Option<String>,
    page: Option<String>,
    per_page: Option<String>,
    /// A service code from the taxonomy, as HSDS names the filter.
    taxonomy_term_id: Option<String>,
    country: Option<String>,
    lat: Option<String>,
    long: Option<String>,
    /// Radius in kilometres around `lat`/`long`.
    proximity: Option<String>,
}

struct Filters {
    lang: Lang,
    service: Option<ServiceKind>,
    country: Option<Country>,
    near: Option<(Point, Option<f64>)>,
    page: usize,
    per_page: usize,
}

impl ListParams {
    /// Reads a query string; a parameter given twice, or one this API does not know, is refused
    /// rather than half-read.
    fn from_query(raw: Option<&str>) -> Result<ListParams, ApiError> {
        let pairs: Vec<(String, String)> = serde_urlencoded::from_str(raw.unwrap_or(""))
            .map_err(|_| bad_request("the query string is not form-encoded"))?;
        let mut seen = std::collections::HashSet::new();
        if let Some((name, _)) = pairs.iter().find(|(k, _)| !seen.insert(k.as_str())) {
            return Err(bad_request(format!(
                "parameter {name:?} is given more than once"
            )));
        }
        let mut params = ListParams::default();
        for (k, v) in pairs {
            let slot = match k.as_str() {
                "lang" => &mut params.lang,
                "page" => &mut params.page,
                "per_page" => &mut params.per_page,
                "taxonomy_term_id" => &mut params.taxonomy_term_id,
                "country" => &mut params.country,
                "lat" => &mut params.lat,
                "long" => &mut params.long,
                "proximity" => &mut params.proximity,
                // Refused rather than ignored: a misspelt filter would otherwise quietly return
                // everything.
                unknown => {
                    return Err(bad_request(format!(
                        "unknown parameter {unknown:?}; use lang, country, taxonomy_term_id, \
                         lat, long, proximity, page or per_page"
                    )));
                }
            };
            *slot = Some(v);
        }
        Ok(params)
    }
}

/// A whole number from `min` to `max` given as parameter `name`, or `default` when absent.
fn count_param(
    name: &str,
    value: Option<&str>,
    default: usize,
    min: usize,
    max: usize,
) -> Result<usize, ApiError> {
    match value {
        None => Ok(default),
        Some(v) => v
            .trim()
            .parse::<usize>()
            .ok()
            .filter(|n| (min..=max).contains(n))
            .ok_or_else(|| {
                bad_request(format!("{name} must be a whole number from {min} to {max}"))
            }),
    }
}

impl ListParams {
    fn parse(&self) -> Result<Filters, ApiError> {
        let lang = match self.lang.as_deref() {
            None => Lang::FALLBACK,
            Some(l) => l.parse().map_err(|_| {
                bad_request(format!(
                    "unknown lang {l:?}; use one of uk, ru, en, pl, ro, hu, sk, bg, it"
                ))
            })?,
        };
        let service = match self.taxonomy_term_id.as_deref() {
            None => None,
            Some(code) => Some(
                ServiceKind::from_code(code)
                    .ok_or_else(|| bad_request(format!("unknown taxonomy_term_id {code:?}")))?,
            ),
        };
        let country = match self.country.as_deref() {
            None => None,
            Some(code) => Some(
                Country::from_code(code)
                    .ok_or_else(|| bad_request(format!("unknown country {code:?}")))?,
            ),
        };
        let number = |name: &str, v: &str| {
            v.trim()
                .parse::<f64>()
                .map_err(|_| bad_request(format!("{name} must be a number")))
        };
        let near = match (self.lat.as_deref(), self.long.as_deref()) {
            (Some(lat), Some(lon)) => {
                let point = Point::new(number("lat", lat)?, number("long", lon)?)
                    .map_err(|e| bad_request(e.to_string()))?;
                let radius = match self.proximity.as_deref() {
                    None => None,
                    Some(r) => {
                        let r = number("proximity", r)?;
                        if !(MIN_PROXIMITY_KM..=MAX_PROXIMITY_KM).contains(&r) {
                            return Err(bad_request(format!(
                                "proximity is a radius in kilometres, from {MIN_PROXIMITY_KM} \
                                 (a metre) to {MAX_PROXIMITY_KM}"
                            )));
                        }
                        Some(r)
                    }
                };
                Some((point, radius))
            }
            (None, None) if self.proximity.is_some() => {
                return Err(bad_request("proximity needs lat and long"));
            }
            (None, None) => None,
            _ => return Err(bad_request("give both lat and long")),
        };
        let page = count_param("page", self.page.as_deref(), 1, 1, 1_000_000)?;
        let per_page = count_param(
            "per_page",
            self.per_page.as_deref(),
            DEFAULT_PER_PAGE,
            1,
            MAX_PER_PAGE,
        )?;
        Ok(Filters {
            lang,
            service,
            country,
            near,
            page,
            per_page,
        })
    }
}

/// The hubs the public may see now.
fn public_hubs(state: &AppState, snapshot: &Snapshot) -> Vec<Hub> {
    visible(&snapshot.hubs, &state.config.freshness, chrono::Utc::now())
        .cloned()
        .collect()
}

/// What a list handler makes of the directory: every item that passes the filters.
type ListBuilder = fn(&AppState, &Snapshot, &Filters) -> Vec<Value>;

/// Answers a list from the response cache, building it (and its compressed form) on a miss.
/// Entries are keyed by the path, the query and the directory's version, so a change to the
/// directory is served at once; the hour is in the key too, because what the public may see
/// also depends on how long ago an entry was verified.
async fn cached_list(
    state: &AppState,
    uri: &Uri,
    headers: &HeaderMap,
    build: ListBuilder,
) -> Result<Response, ApiError> {
    let f = ListParams::from_query(uri.query())?.parse()?;
    let snapshot = state.directory.snapshot().await.map_err(internal)?;
    let version = format!(
        "{}-{}",
        snapshot.version,
        chrono::Utc::now().format("%Y%m%d%H")
    );
    // Keyed by what the request means, not how it was written: reordered or unknown parameters
    // do not make new entries.
    let key = format!(
        "{}?{:?}/{:?}/{:?}/{:?}/{}/{}",
        uri.path(),
        f.lang,
        f.service,
        f.country,
        f.near,
        f.page,
        f.per_page
    );
    let body = state.api_cache.get_or_build(&key, &version, || {
        paged(build(state, &snapshot, &f), f.page, f.per_page)
    });
    Ok(body.respond(headers))
}

fn services_list(state: &AppState, snapshot: &Snapshot, f: &Filters) -> Vec<Value> {
    let hubs = public_hubs(state, snapshot);
    let mut out: Vec<Value> = hubs
        .iter()
        .filter(|h| f.country.is_none_or(|c| h.country == c))
        .flat_map(|h| h.services.iter().map(move |s| (h, s)))
        .filter(|(_, s)| f.service.is_none_or(|k| s.kind == k))
        .map(|(h, s)| service_json(h, s, f.lang))
        .collect();
    out.extend(
        snapshot
            .providers
            .iter()
            .filter(|p| f.country.is_none_or(|c| p.country == c))
            .filter(|p| f.service.is_none_or(|k| p.service == k))
            .map(|p| provider_service_json(p, f.lang)),
    );
    out
}

async fn services(
    State(state): State<AppState>,
    uri: Uri,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    cached_list(&state, &uri, &headers, services_list).await
}

async fn service(
    State(state): State<AppState>,
    Path(id): Path<String>,
    uri: Uri,
) -> Result<Response, ApiError> {
    let id: Uuid = id
        .parse()
        .map_err(|_| bad_request("service id must be a UUID"))?;
    let f = ListParams::from_query(uri.query())?.parse()?;
    let snapshot = state.directory.snapshot().await.map_err(internal)?;
    for hub in &public_hubs(&state, &snapshot) {
        if let Some(s) = hub.services.iter().find(|s| service_id(hub, s.kind) == id) {
            let mut body = service_json(hub, s, f.lang);
            body["organization"] = organization_json(hub.country, f.lang);
            body["service_at_locations"] = json!([{
                "id": service_at_location_id(id),
                "service_id": id,
                "location_id": hub.id,
                "location": location_json(hub, f.lang),
            }]);
            return Ok(json_ok(body));
        }
    }
    match snapshot.providers.iter().find(|p| p.id == id) {
        Some(p) => Ok(json_ok(provider_service_json(p, f.lang))),
        None => Err(ApiError(StatusCode::NOT_FOUND, format!("no service {id}"))),
    }
}

pub(crate) fn organization_json(country: Country, lang: Lang) -> Value {
    let country_name = crate::I18N.message(
        lang,
        &format!("country-{}", country.code().to_lowercase()),
        None,
    );
    json!({
        "id": organization_id(country),
        "name": format!("Blue Dot — {country_name}"),
        "description": crate::I18N.message(lang, "organization-description", None),
        "x_country": country.code(),
    })
}

fn organizations_list(_: &AppState, snapshot: &Snapshot, f: &Filters) -> Vec<Value> {
    let mut out: Vec<Value> = Country::ALL
        .into_iter()
        .filter(|c| f.country.is_none_or(|x| x == *c))
        .map(|c| organization_json(c, f.lang))
        .collect();
    let mut seen = std::collections::HashSet::new();
    for p in snapshot
        .providers
        .iter()
        .filter(|p| f.country.is_none_or(|c| p.country == c))
        .filter(|p| f.service.is_none_or(|k| p.service == k))
    {
        if seen.insert(provider_organization_id(p)) {
            out.push(json!({
                "id": provider_organization_id(p),
                "name": p.organization,
                "description": p.description.text(f.lang),
                "x_country": p.country.code(),
                "x_is_demo": p.is_demo,
            }));
        }
    }
    out
}

async fn organizations(
    State(state): State<AppState>,
    uri: Uri,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    cached_list(&state, &uri, &headers, organizations_list).await
}

fn locations_list(state: &AppState, snapshot: &Snapshot, f: &Filters) -> Vec<Value> {
    public_hubs(state, snapshot)
        .iter()
        .filter(|h| f.country.is_none_or(|c| h.country == c))
        .filter(|h| {
            f.service
                .is_none_or(|k| h.services.iter().any(|s| s.kind == k))
        })
        .map(|h| location_json(h, f.lang))
        .collect()
}

async fn locations(
    State(state): State<AppState>,
    uri: Uri,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    cached_list(&state, &uri, &headers, locations_list).await
}

/// Services at hubs, optionally near a point (`lat`, `long`, `proximity` in km), nearest first,
/// each with its distance in `x_distance_km`.
fn service_at_locations_list(state: &AppState, snapshot: &Snapshot, f: &Filters) -> Vec<Value> {
    let hubs = public_hubs(state, snapshot);
    let mut rows: Vec<(Option<f64>, Value)> = vec![];
    for hub in hubs
        .iter()
        .filter(|h| f.country.is_none_or(|c| h.country == c))
    {
        let distance = f.near.map(|(p, _)| p.distance_km(hub.location));
        if let (Some(d), Some((_, Some(radius)))) = (distance, f.near)
            && d > radius
        {
            continue;
        }
        for s in hub
            .services
            .iter()
            .filter(|s| f.service.is_none_or(|k| s.kind == k))
        {
            let sid = service_id(hub, s.kind);
            rows.push((
                distance,
                json!({
                    "id": service_at_location_id(sid),
                    "service_id": sid,
                    "location_id": hub.id,
                    "service": service_json(hub, s, f.lang),
                    "location": location_json(hub, f.lang),
                    "x_distance_km": distance.map(|d| (d * 10.0).round() / 10.0),
                }),
            ));
        }
    }
    rows.sort_by(|a, b| a.0.unwrap_or(0.0).total_cmp(&b.0.unwrap_or(0.0)));
    rows.into_iter().map(|(_, v)| v).collect()
}

async fn service_at_locations(
    State(state): State<AppState>,
    uri: Uri,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    cached_list(&state, &uri, &headers, service_at_locations_list).await
}

async fn openapi() -> Response {
    json_ok(openapi_document())
}

/// The OpenAPI 3.1 description of the open-data API.
pub fn openapi_document() -> Value {
    let common = json!([
        {"name": "lang", "in": "query", "schema": {"type": "string", "enum": ["uk","ru","en","pl","ro","hu","sk","bg","it"]}, "description": "Language of names and descriptions (default en); all languages are also in x_translations."},
        {"name": "country", "in": "query", "schema": {"type": "string", "enum": ["BG","HU","IT","MD","PL","RO","SK"]}},
        {"name": "taxonomy_term_id", "in": "query", "schema": {"type": "string", "enum": ServiceKind::ALL.iter().map(|s| s.code()).collect::<Vec<_>>()}, "description": "A service code of the bluedot service taxonomy."}
    ]);
    let mut listed = common.as_array().cloned().unwrap_or_default();
    listed.extend([
        json!({"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 1_000_000, "default": 1}, "description": "Page number, from 1; a page past the last is empty."}),
        json!({"name": "per_page", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE, "default": DEFAULT_PER_PAGE}, "description": "Items per page."}),
    ]);
    let mut near = listed.clone();
    // lat and long come together, and proximity only with them: one form-exploded object
    // parameter says so and still reads `lat=..&long=..&proximity=..` on the wire.
    near.push(json!({
        "name": "near", "in": "query", "style": "form", "explode": true,
        "description": "A point (lat, long) to sort by distance from, and optionally a radius in kilometres (proximity) to keep only what is within it.",
        "schema": {"type": "object", "required": ["lat", "long"], "additionalProperties": false, "properties": {
            "lat": {"type": "number", "minimum": -90, "maximum": 90},
            "long": {"type": "number", "minimum": -180, "maximum": 180},
            "proximity": {"type": "number", "minimum": MIN_PROXIMITY_KM, "maximum": MAX_PROXIMITY_KM, "description": "Radius in kilometres around lat/long."}
        }}
    }));
    let page = |item: &str| {
        json!({"type": "object", "required": ["total_items", "contents"], "properties": {
        "total_items": {"type": "integer"}, "total_pages": {"type": "integer"}, "page_number": {"type": "integer"},
        "size": {"type": "integer"}, "first_page": {"type": "boolean"}, "last_page": {"type": "boolean"},
        "empty": {"type": "boolean"}, "contents": {"type": "array", "items": {"$ref": format!("#/components/schemas/{item}")}}}})
    };
    let problem =
        json!({"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}});
    let ok = |schema: Value| {
        json!({"200": {"description": "OK", "headers": {"ETag": {"schema": {"type": "string"}}}, "content": {"application/json": {"schema": schema}}},
        "304": {"description": "Not modified since the ETag given in If-None-Match"},
        "400": {"description": "Invalid parameter", "content": problem.clone()}})
    };
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "Digital Blue Dot open data (Open Referral HSDS 3)",
            "version": "3.0",
            "description": "Blue Dot hubs and the services they and national providers offer, as HSDS 3 with x_ extensions: x_translations, x_hub_kind, x_status, x_last_verified, x_is_demo, x_distance_km. Lists are paged; a parameter that is unknown, empty or given twice is answered 400 with problem details."
        },
        "paths": {
            "/services": {"get": {"summary": "All services at hubs and of providers", "parameters": listed, "responses": ok(page("Service"))}},
            "/services/{id}": {"get": {"summary": "One service with its organization and locations",
                "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string", "format": "uuid"}}, common[0]],
                "responses": {"200": {"description": "OK", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Service"}}}},
                              "400": {"description": "Invalid id or parameter", "content": problem.clone()}, "404": {"description": "No such service", "content": problem.clone()}}}},
            "/service_at_locations": {"get": {"summary": "Services at hub locations, nearest first when lat/long are given", "parameters": near, "responses": ok(page("ServiceAtLocation"))}},
            "/organizations": {"get": {"summary": "Organizations", "parameters": listed, "responses": ok(page("Organization"))}},
            "/locations": {"get": {"summary": "Hub locations, those offering a service when taxonomy_term_id is given", "parameters": listed, "responses": ok(page("Location"))}}
        },
        "components": {"schemas": {
            "Problem": {"type": "object", "required": ["title", "status", "detail"], "properties": {"type": {"type": "string"}, "title": {"type": "string"}, "status": {"type": "integer"}, "detail": {"type": "string"}}},
            "Organization": {"type": "object", "required": ["id", "name"], "properties": {"id": {"type": "string", "format": "uuid"}, "name": {"type": "string"}, "description": {"type": "string"}}},
            "Schedule": {"type": "object", "properties": {"id": {"type": "string"}, "description": {"type": "string"}, "x_opening_hours": {"type": "string", "description": "OpenStreetMap opening_hours syntax"}}},
            "Service": {"type": "object", "required": ["id", "organization_id", "name", "status"], "properties": {
                "id": {"type": "string", "format": "uuid"}, "organization_id": {"type": "string", "format": "uuid"},
                "name": {"type": "string"}, "description": {"type": "string"}, "status": {"type": "string", "enum": ["active", "inactive", "defunct", "temporarily closed"]},
                "schedules": {"type": "array", "items": {"$ref": "#/components/schemas/Schedule"}},
                "x_service_kind": {"type": "string"}, "x_last_verified": {"type": "string", "format": "date-time"}, "x_is_demo": {"type": "boolean"}}},
            "Location": {"type": "object", "required": ["id", "location_type"], "properties": {
                "id": {"type": "string", "format": "uuid"}, "location_type": {"type": "string"}, "name": {"type": "string"},
                "latitude": {"type": "number"}, "longitude": {"type": "number"},
                "x_hub_kind": {"type": "string"}, "x_status": {"type": "string"}, "x_translations": {"type": "object"},
                "x_last_verified": {"type": "string", "format": "date-time"}}},
            "ServiceAtLocation": {"type": "object", "required": ["id", "service_id", "location_id"], "properties": {
                "id": {"type": "string", "format": "uuid"}, "service_id": {"type": "string", "format": "uuid"}, "location_id": {"type": "string", "format": "uuid"},
                "service": {"$ref": "#/components/schemas/Service"}, "location": {"$ref": "#/components/schemas/Location"},
                "x_distance_km": {"type": ["number", "null"]}}}
        }}
    })
}
