//! The public site and the open-data API over HTTP, on both backends.

use std::io::Read;

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode, header};
use bluedot_store::Store;
use bluedot_web::{AppState, WebConfig};
use chrono::{Duration, Utc};
use http_body_util::BodyExt;
use serde_json::Value;
use tower::ServiceExt;

use crate::on_both_backends;

struct Reply {
    status: StatusCode,
    headers: HeaderMap,
    body: String,
}

async fn app_with_demo(store: &Store) -> Router {
    bluedot_cli::load_demo(store).await.unwrap();
    bluedot_web::router(AppState::new(store.clone(), WebConfig::default()))
}

async fn get_with(app: &Router, path: &str, headers: &[(&str, &str)]) -> Reply {
    let mut request = Request::get(path);
    for (k, v) in headers {
        request = request.header(*k, *v);
    }
    let response = app
        .clone()
        .oneshot(request.body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    Reply {
        status,
        headers,
        body: String::from_utf8_lossy(&bytes).into_owned(),
    }
}

async fn get(app: &Router, path: &str) -> Reply {
    get_with(app, path, &[]).await
}

fn json(reply: &Reply) -> Value {
    serde_json::from_str(&reply.body).unwrap_or_else(|e| panic!("{e}: {}", reply.body))
}

/// The slugs of hub cards on a page, in order.
fn card_slugs(html: &str) -> Vec<String> {
    html.split("class=\"card-name\" href=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .filter_map(|href| href.rsplit('/').next())
        .map(str::to_owned)
        .collect()
}

#[tokio::test]
async fn root_redirects_to_the_browsers_language() {
    on_both_backends!(async |store: Store, _backend: &str, _url: String| {
        let app = app_with_demo(&store).await;
        let r = get_with(&app, "/", &[("accept-language", "de-DE,ru;q=0.8,en;q=0.5")]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        assert_eq!(r.headers[header::LOCATION], "/ru/");
        let r = get(&app, "/").await;
        assert_eq!(r.headers[header::LOCATION], "/uk/");
        let r = get(&app, "/pl").await;
        assert_eq!(r.headers[header::LOCATION], "/pl/");
    });
}

#[tokio::test]
async fn typed_towns_find_the_nearest_hubs() {
    on_both_backends!(async |store: Store, backend: &str, _url: String| {
        let app = app_with_demo(&store).await;
        for (query, first) in [
            ("Siret", "siret-border"),
            ("Przemysl", "przemysl-station"),
            ("%D0%A1%D1%96%D1%80%D0%B5%D1%82", "siret-border"), // Сірет
            ("Chisinau", "chisinau-station"),
            ("Varna", "varna"),
        ] {
            let r = get(&app, &format!("/en/?q={query}")).await;
            assert_eq!(r.status, StatusCode::OK, "{backend} {query}");
            let slugs = card_slugs(&r.body);
            assert_eq!(slugs.len(), 5, "{backend} {query}");
            assert_eq!(slugs[0], first, "{backend} {query}");
            assert!(
                r.body.contains(" km</strong>"),
                "{backend}: distances shown"
            );
        }
        // Outside the seven countries: said so, with the nearest hubs across the border.
        let r = get(&app, &format!("/uk/?q={}", crate::staff::encode("Львів"))).await;
        assert!(
            r.body.contains("поза країнами, де працюють пункти"),
            "{backend}"
        );
        let slugs = card_slugs(&r.body);
        assert!(
            slugs[0].contains("hrebenne") || slugs[0].contains("medyka"),
            "{backend}: {slugs:?}"
        );
        let r = get(&app, "/uk/?lat=49.842&lon=24.031").await;
        assert!(r.body.contains("Ви поза країнами"), "{backend}");
        for inside in ["/uk/?lat=47.98&lon=26.05", "/uk/?q=Siret"] {
            let r = get(&app, inside).await;
            assert!(!r.body.contains("поза країнами"), "{backend} {inside}");
        }

        let r = get(&app, "/uk/?q=Qwzxy").await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(r.body.contains("Не вдалося знайти «Qwzxy»"));
        assert!(card_slugs(&r.body).is_empty());

        // Places typed in Ukrainian lead to the right country, named as they were typed.
        for (query, understood, first) in [
            ("Краків", "Краків, Польща", "krakow-station"),
            ("Серет", "Серет, Румунія", "siret-border"),
            ("Ісакча", "Ісакча, Румунія", "isaccea-border"),
            ("Кишинів", "Кишинів", "chisinau-station"),
            ("Перемишль", "Перемишль, Польща", "przemysl-station"),
            ("Гребенне", "Гребенне", "hrebenne-border"),
            ("Кагул", "Кагул, Молдова", "cahul"),
        ] {
            let r = get(&app, &format!("/uk/?q={}", crate::staff::encode(query))).await;
            assert_eq!(r.status, StatusCode::OK, "{backend} {query}");
            let heading = crate::staff::between(&r.body, "id=\"results-heading\">", "<");
            assert!(heading.contains(understood), "{backend} {query}: {heading}");
            assert_eq!(card_slugs(&r.body)[0], first, "{backend} {query}");
        }
        let rome = get(&app, &format!("/uk/?q={}", crate::staff::encode("Рим"))).await;
        assert!(
            crate::staff::between(&rome.body, "id=\"results-heading\">", "<")
                .contains("Рим, Італія"),
            "{backend}"
        );
    });
}

#[tokio::test]
async fn coordinates_and_countries_list_hubs() {
    on_both_backends!(async |store: Store, backend: &str, _url: String| {
        let app = app_with_demo(&store).await;
        // Near Isaccea on the Danube.
        let r = get(&app, "/en/?lat=45.27&lon=28.46").await;
        assert_eq!(card_slugs(&r.body)[0], "isaccea-border", "{backend}");
        let r = get(&app, "/en/?country=SK").await;
        let mut slugs = card_slugs(&r.body);
        slugs.sort();
        assert_eq!(
            slugs,
            ["bratislava-station", "ubla-border", "vysne-nemecke-border"]
        );
        for bad in [
            "/en/?lat=91&lon=0",
            "/en/?lat=x&lon=1",
            "/en/?lat=45",
            "/en/?country=UA",
        ] {
            let r = get(&app, bad).await;
            assert_eq!(r.status, StatusCode::BAD_REQUEST, "{backend} {bad}");
            assert!(r.body.contains("id=\"error-message\""), "{bad}");
        }
    });
}

#[tokio::test]
async fn the_list_filters_by_service_group_and_country() {
    on_both_backends!(async |store: Store, backend: &str, _url: String| {
        let app = app_with_demo(&store).await;
        let all = card_slugs(&get(&app, "/en/hubs").await.body);
        // Ungheni is temporarily closed but still listed; nothing is hidden in the demo.
        assert_eq!(all.len(), 36, "{backend}");
        let births = card_slugs(&get(&app, "/en/hubs?service=birth-registration").await.body);
        assert!(!births.is_empty() && births.len() < all.len());
        let hubs = store.list_hubs().await.unwrap();
        for slug in &births {
            let hub = hubs.iter().find(|h| &h.slug == slug).unwrap();
            assert!(
                hub.offers(bluedot_core::ServiceKind::BirthRegistration),
                "{slug}"
            );
        }
        let lgbtiq = card_slugs(&get(&app, "/en/hubs?group=lgbtiq&country=PL").await.body);
        assert!(!lgbtiq.is_empty());
        for slug in &lgbtiq {
            let hub = hubs.iter().find(|h| &h.slug == slug).unwrap();
            assert!(hub.serves(bluedot_core::PriorityGroup::Lgbtiq) && hub.country.code() == "PL");
        }
        let r = get(&app, "/uk/hubs?service=birth-registration").await;
        assert!(
            r.body.contains(&format!("{} пунктів", births.len()))
                || r.body.contains(&format!("{} пункти", births.len()))
        );
        let r = get(&app, "/uk/hubs?group=aliens").await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
        assert!(r.body.contains("Цієї групи немає в списку"));
    });
}

#[tokio::test]
async fn hub_pages_show_what_a_visitor_needs() {
    on_both_backends!(async |store: Store, backend: &str, _url: String| {
        let app = app_with_demo(&store).await;
        let r = get(&app, "/uk/hubs/siret-border").await;
        assert_eq!(r.status, StatusCode::OK, "{backend}");
        for expected in [
            "<html lang=\"uk\">",
            "Блакитна точка Серет",
            "Цілодобово",
            "href=\"geo:47.98000,26.04600\"",
            "Дитячий простір",
            "Години роботи",
            "tel:+4021800101",
            "Українська",
            "Інформацію востаннє перевірено",
            "hreflang=\"ro\" href=\"http://127.0.0.1:8080/ro/hubs/siret-border\"",
            "rel=\"canonical\" href=\"http://127.0.0.1:8080/uk/hubs/siret-border\"",
            // Open day and night: said once, not seven times.
            "<th scope=\"row\">Щодня</th><td>Цілодобово</td>",
            // Every messenger is a tap away.
            "href=\"viber://chat?number=%2B4021800101\"",
        ] {
            assert!(r.body.contains(expected), "{backend}: missing {expected}");
        }
        assert!(
            !r.body.contains("24/7"),
            "{backend}: hours as written shown"
        );
        // What the hub offers and how to reach it come before its hours and contacts.
        let at = |id: &str| r.body.find(&format!("id=\"{id}\"")).unwrap();
        assert!(at("services-h") < at("where-h") && at("where-h") < at("hours-h"));
        assert!(at("hours-h") < at("contact-h"));
        // Every text of the demo is written in each of the nine languages.
        let r = get(&app, "/hu/hubs/zahony-station").await;
        assert!(r.body.contains("Kék Pont a pályaudvaron"), "{backend}");
        assert!(!r.body.contains("class=\"fallback\""), "{backend}");
        let r = get(&app, "/en/hubs/ungheni").await;
        assert!(r.body.contains("Temporarily closed"));
        let r = get(&app, "/en/hubs/no-such-hub").await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        let r = get(&app, "/ua/hubs/siret-border").await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "ua is not a language code");
    });
}

#[tokio::test]
async fn errors_speak_the_visitors_language_and_never_500() {
    on_both_backends!(async |store: Store, backend: &str, _url: String| {
        let app = app_with_demo(&store).await;
        let r = get_with(&app, "/xx/hubs", &[("accept-language", "ru")]).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        assert!(r.body.contains("Страница не найдена"), "{backend}");
        let r = get(&app, "/uk/nothing-here").await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        assert!(r.body.contains("Сторінку не знайдено"));
        let long = "a".repeat(150);
        for path in [
            format!("/en/?q={long}"),
            "/en/?q=%FF%FE".to_owned(),
            "/en/?lat=NaN&lon=1".to_owned(),
            "/en/?lat=1e400&lon=1".to_owned(),
            "/en/hubs?service=%00".to_owned(),
            "/en/info/RO".to_owned(),
            "/en/info/ro/nonsense".to_owned(),
            "/en/map/hubs.geojson?x=1".to_owned(),
            "/services/not-a-uuid".to_owned(),
            "/service_at_locations?lat=1".to_owned(),
            "/static/../Cargo.toml".to_owned(),
        ] {
            let r = get(&app, &path).await;
            assert!(
                r.status.is_success() || r.status.is_client_error(),
                "{backend} {path}: {}",
                r.status
            );
        }
    });
}

#[tokio::test]
async fn information_pages_fall_back_visibly() {
    on_both_backends!(async |store: Store, backend: &str, _url: String| {
        let app = app_with_demo(&store).await;
        let r = get(&app, "/uk/info/md").await;
        assert_eq!(r.status, StatusCode::OK, "{backend}");
        assert!(r.body.contains("Ваші права в Молдові"));
        assert!(r.body.contains("href=\"tel:112\""));
        assert!(r.body.contains("Інші служби"), "providers listed");
        // A provider's hours are said in words, its phone a tap away.
        assert!(
            r.body.contains("понеділок – пʼятниця</th><td>09:00–17:00"),
            "{backend}"
        );
        assert!(r.body.contains("href=\"tel:+37322800900\""), "{backend}");
        assert!(!r.body.contains("Mo-Fr"), "{backend}");
        // Countries in the reader's alphabetical order, not by character codes (І before Б).
        for (lang, first, second) in [("uk", "Болгарія", "Італія"), ("ru", "Болгария", "Италия")]
        {
            let r = get(&app, &format!("/{lang}/info")).await;
            let (a, b) = (r.body.find(first).unwrap(), r.body.find(second).unwrap());
            assert!(a < b, "{backend}: {lang} lists {second} before {first}");
        }
        let r = get(&app, "/uk/info/pl/staying-safe").await;
        assert!(r.body.contains("<article class=\"text\" lang=\"uk\">"));
        assert!(r.body.contains("Ніхто не має права вимагати"));
        assert!(!r.body.contains("ще не перекладено"));
        let r = get(&app, "/pl/info/pl/staying-safe").await;
        assert!(
            r.body.contains("<article class=\"text\" lang=\"pl\">"),
            "{backend}"
        );
        assert!(r.body.contains("Nikt nie może żądać"), "{backend}");
    });
}

#[tokio::test]
async fn a_text_not_yet_translated_shows_in_its_own_language_with_a_note() {
    on_both_backends!(async |store: Store, backend: &str, _url: String| {
        use bluedot_core::Lang;
        crate::support::load_demo_in(&store, &[Lang::En, Lang::Uk, Lang::Ru]).await;
        let app = bluedot_web::router(AppState::new(store.clone(), WebConfig::default()));
        // No Hungarian description: the English one, marked as English, with a note.
        let r = get(&app, "/hu/hubs/zahony-station").await;
        assert!(r.body.contains("lang=\"en\""), "{backend}");
        assert!(r.body.contains("class=\"fallback\""), "{backend}");
        // No Polish article: the English one, marked as such.
        let r = get(&app, "/pl/info/pl/staying-safe").await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(
            r.body.contains("<article class=\"text\" lang=\"en\">"),
            "{backend}"
        );
        assert!(r.body.contains("class=\"fallback\""));
    });
}

#[tokio::test]
async fn stale_hubs_are_marked_then_hidden() {
    on_both_backends!(async |store: Store, backend: &str, _url: String| {
        let app = app_with_demo(&store).await;
        // Ungheni was checked 65 days ago: shown, marked unverified.
        let r = get(&app, "/en/hubs/ungheni").await;
        assert!(r.body.contains("Not checked since"), "{backend}");
        let mut hub = store.hub_by_slug("burgas").await.unwrap().unwrap();
        hub.verified_at = Utc::now() - Duration::days(400);
        crate::support::import_hub(&store, &hub).await.unwrap();
        // A fresh app, so the directory is read again.
        let app = bluedot_web::router(AppState::new(store.clone(), WebConfig::default()));
        assert_eq!(
            get(&app, "/en/hubs/burgas").await.status,
            StatusCode::NOT_FOUND
        );
        assert!(!card_slugs(&get(&app, "/en/hubs").await.body).contains(&"burgas".to_owned()));
    });
}

#[tokio::test]
async fn open_data_follows_hsds() {
    on_both_backends!(async |store: Store, backend: &str, _url: String| {
        let app = app_with_demo(&store).await;
        let services = json(&get(&app, "/services?taxonomy_term_id=family-tracing").await);
        let contents = services["contents"].as_array().unwrap();
        assert!(!contents.is_empty(), "{backend}");
        assert_eq!(services["total_items"], contents.len());
        assert!(
            contents
                .iter()
                .all(|s| s["x_service_kind"] == "family-tracing")
        );
        let id = contents[0]["id"].as_str().unwrap();
        let one = json(&get(&app, &format!("/services/{id}?lang=uk")).await);
        assert_eq!(one["id"], id);
        assert!(one["service_at_locations"][0]["location"]["latitude"].is_number());
        assert!(
            one["organization"]["name"]
                .as_str()
                .unwrap()
                .starts_with("Blue Dot")
        );

        let near = json(
            &get(
                &app,
                "/service_at_locations?lat=47.98&long=26.05&proximity=50",
            )
            .await,
        );
        let rows = near["contents"].as_array().unwrap();
        assert!(!rows.is_empty());
        assert!(
            rows.iter()
                .all(|r| r["location"]["x_slug"] == "siret-border"),
            "only Siret within 50 km"
        );
        let all = json(&get(&app, "/service_at_locations?lat=44.43&long=26.10").await);
        let distances: Vec<f64> = all["contents"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["x_distance_km"].as_f64().unwrap())
            .collect();
        assert!(distances.windows(2).all(|w| w[0] <= w[1]), "nearest first");

        let locations = json(&get(&app, "/locations?country=RO").await);
        assert_eq!(locations["total_items"], 8);
        let loc = &locations["contents"][0];
        assert!(loc["x_translations"]["name"]["uk"].is_string());
        assert!(loc["x_last_verified"].is_string());
        assert!(loc["x_hub_kind"].is_string());
        let orgs = json(&get(&app, "/organizations").await);
        assert!(orgs["total_items"].as_u64().unwrap() >= 7);

        for bad in [
            "/services?lang=ua",
            "/services?taxonomy_term_id=x",
            "/service_at_locations?lat=1",
            "/service_at_locations?lat=1&long=2&proximity=-1",
            "/service_at_locations?lat=0&long=0&proximity=5e-324",
            "/services/123",
        ] {
            let r = get(&app, bad).await;
            assert_eq!(r.status, StatusCode::BAD_REQUEST, "{bad}");
            assert_eq!(
                r.headers.get("content-type").map(|v| v.to_str().unwrap()),
                Some("application/problem+json"),
                "{bad}"
            );
            assert!(json(&r)["detail"].is_string(), "{bad}");
        }
        let r = get(&app, &format!("/services/{}", uuid::Uuid::nil())).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);

        let spec = json(&get(&app, "/openapi.json").await);
        assert_eq!(spec["openapi"], "3.1.0");
        for path in [
            "/services",
            "/services/{id}",
            "/service_at_locations",
            "/organizations",
            "/locations",
        ] {
            assert!(spec["paths"][path]["get"].is_object(), "{path} documented");
        }
    });
}

#[tokio::test]
async fn responses_carry_security_headers() {
    on_both_backends!(async |store: Store, _backend: &str, _url: String| {
        let app = app_with_demo(&store).await;
        let r = get(&app, "/en/").await;
        let csp = r.headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
        assert!(csp.contains("script-src 'self';") && csp.contains("frame-ancestors 'none'"));
        assert_eq!(r.headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
        assert_eq!(r.headers[header::REFERRER_POLICY], "same-origin");
        assert!(
            r.headers.get(header::STRICT_TRANSPORT_SECURITY).is_none(),
            "no HSTS without TLS"
        );
        assert!(!r.body.contains("<script>"), "no inline script");
        // Absolute addresses name only the site itself (canonical and language links).
        let elsewhere = r.body.replace("\"http://127.0.0.1:8080/", "\"/");
        assert!(
            !elsewhere.contains("http://") && !elsewhere.contains("https://"),
            "no third-party resources"
        );
        let tls = WebConfig {
            behind_tls: true,
            ..WebConfig::default()
        };
        let app = bluedot_web::router(AppState::new(store.clone(), tls));
        assert!(
            get(&app, "/en/")
                .await
                .headers
                .get(header::STRICT_TRANSPORT_SECURITY)
                .is_some()
        );
    });
}

#[tokio::test]
async fn public_pages_fit_the_weight_budget() {
    on_both_backends!(async |store: Store, backend: &str, _url: String| {
        let app = app_with_demo(&store).await;
        let home = get(&app, "/en/").await;
        let css = home
            .body
            .split("href=\"/static/app.css")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap();
        let js = home
            .body
            .split("src=\"/static/app.js")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap();
        let assets = [
            format!("/static/app.css{css}"),
            format!("/static/app.js{js}"),
            "/static/icon.svg".to_owned(),
            "/manifest.webmanifest".to_owned(),
        ];
        for page in ["/uk/", "/uk/?q=Siret", "/uk/hubs", "/uk/hubs/siret-border"] {
            let mut total = 0;
            for path in std::iter::once(page.to_owned()).chain(assets.iter().cloned()) {
                let r = get_with(&app, &path, &[("accept-encoding", "gzip")]).await;
                assert_eq!(r.status, StatusCode::OK, "{path}");
                total += compressed_len(&app, &path).await;
            }
            assert!(
                total < 50 * 1024,
                "{backend} {page}: {total} bytes compressed"
            );
        }
    });
}

/// Bytes on the wire for `path` when the client accepts gzip.
async fn compressed_len(app: &Router, path: &str) -> usize {
    let response = app
        .clone()
        .oneshot(
            Request::get(path)
                .header("accept-encoding", "gzip")
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    let gzipped = response
        .headers()
        .get(header::CONTENT_ENCODING)
        .is_some_and(|v| v == "gzip");
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    if gzipped {
        // It must really be gzip, and decode.
        let mut decoded = String::new();
        flate2::read::GzDecoder::new(&bytes[..])
            .read_to_string(&mut decoded)
            .unwrap();
    }
    bytes.len()
}

#[tokio::test]
async fn the_service_worker_and_manifest_are_served() {
    on_both_backends!(async |store: Store, _backend: &str, _url: String| {
        let app = app_with_demo(&store).await;
        let sw = get(&app, "/sw.js").await;
        assert_eq!(sw.status, StatusCode::OK);
        assert!(!sw.body.contains("__VERSION__"));
        assert_eq!(sw.headers["service-worker-allowed"], "/");
        let manifest = json(&get(&app, "/manifest.webmanifest").await);
        assert_eq!(manifest["start_url"], "/");
        let map = get(&app, "/en/map/hubs.geojson").await;
        assert_eq!(json(&map)["features"].as_array().unwrap().len(), 36);
        let outlines = get(&app, "/static/vendor/countries.geojson").await;
        assert!(json(&outlines)["features"].as_array().unwrap().len() > 20);
    });
}

#[tokio::test]
async fn processes_sharing_a_database_see_each_others_changes() {
    on_both_backends!(async |store: Store, backend: &str, url: String| {
        bluedot_cli::load_demo(&store).await.unwrap();
        // A second process: its own connection pool and its own directory cache.
        let other = Store::connect(&url)
            .await
            .unwrap()
            .with_audit_keys(crate::support::test_audit_keys());
        let no_cache = WebConfig {
            cache_seconds: 0,
            ..WebConfig::default()
        };
        let first = bluedot_web::router(AppState::new(store.clone(), no_cache.clone()));
        let second = bluedot_web::router(AppState::new(other.clone(), no_cache));
        assert!(
            get(&second, "/en/hubs/albita-border")
                .await
                .body
                .contains("Blue Dot Albița")
        );
        let mut hub = store.hub_by_slug("albita-border").await.unwrap().unwrap();
        hub.status = bluedot_core::HubStatus::TemporarilyClosed;
        crate::support::import_hub(&store, &hub).await.unwrap();
        for app in [&first, &second] {
            let page = get(app, "/en/hubs/albita-border").await;
            assert!(page.body.contains("Temporarily closed"), "{backend}");
        }
        other.close().await;
    });
}

#[tokio::test]
async fn the_open_data_link_explains_the_api_in_the_visitors_language() {
    on_both_backends!(async |store: Store, backend: &str, _url: String| {
        let app = app_with_demo(&store).await;
        let home = get(&app, "/ro/").await;
        assert!(home.body.contains("href=\"/ro/open-data\""), "{backend}");
        let page = get(&app, "/ro/open-data").await;
        assert_eq!(page.status, StatusCode::OK, "{backend}");
        assert!(page.body.contains("<h1>Date deschise</h1>"), "{backend}");
        assert!(page.body.contains("HSDS 3"));
        // Each list is one tap away, in the reader's language, and the example works.
        assert!(
            page.body
                .contains("href=\"/services?lang=ro&amp;per_page=5\"")
        );
        let example = "/services?country=RO&taxonomy_term_id=legal-counselling&lang=ro";
        assert!(page.body.contains(&example.replace('&', "&#38;")));
        let listed = json(&get(&app, example).await);
        assert!(listed["total_items"].as_u64().unwrap() > 0, "{backend}");
        assert!(page.body.contains("href=\"/openapi.json\""));
    });
}

#[tokio::test]
async fn public_pages_are_served_compressed_from_memory_with_etags() {
    on_both_backends!(async |store: Store, backend: &str, _url: String| {
        bluedot_cli::load_demo(&store).await.unwrap();
        // A period no clock reaches the end of, so at no hour is the page rendered again by
        // the clock between the test's requests: only the directory's change renews it.
        let config = WebConfig {
            cache_seconds: u64::MAX / 4,
            ..WebConfig::default()
        };
        let state = AppState::new(store.clone(), config);
        let app = bluedot_web::router(state.clone());
        let page = "/uk/hubs/albita-border";
        let first = get_with(&app, page, &[("accept-encoding", "gzip, br")]).await;
        assert_eq!(first.status, StatusCode::OK, "{backend}");
        assert_eq!(first.headers[header::CONTENT_ENCODING], "br", "{backend}");
        assert_eq!(
            first.headers[header::CACHE_CONTROL],
            "no-cache",
            "{backend}"
        );
        assert!(first.headers[header::CONTENT_SECURITY_POLICY].len() > 10);
        let etag = first.headers[header::ETAG].to_str().unwrap().to_owned();
        let gzip = get_with(&app, page, &[("accept-encoding", "gzip")]).await;
        assert_eq!(gzip.headers[header::CONTENT_ENCODING], "gzip", "{backend}");
        assert_eq!(gzip.headers[header::ETAG], etag.as_str(), "{backend}");
        let plain = get(&app, page).await;
        assert!(plain.headers.get(header::CONTENT_ENCODING).is_none());
        assert!(plain.body.contains("Блакитна точка Албіца"), "{backend}");
        let again = get_with(&app, page, &[("if-none-match", &etag)]).await;
        assert_eq!(again.status, StatusCode::NOT_MODIFIED, "{backend}");
        assert!(again.body.is_empty());
        // A change to the directory is a new page at once, with a new tag.
        let mut hub = store.hub_by_slug("albita-border").await.unwrap().unwrap();
        hub.status = bluedot_core::HubStatus::TemporarilyClosed;
        crate::support::import_hub(&store, &hub).await.unwrap();
        // As after an edit through this process (others see it when their copy expires).
        state.directory.invalidate().await;
        let changed = get_with(&app, page, &[("if-none-match", &etag)]).await;
        assert_eq!(changed.status, StatusCode::OK, "{backend}");
        assert!(changed.body.contains("Тимчасово зачинено"), "{backend}");
        assert_ne!(changed.headers[header::ETAG], etag.as_str(), "{backend}");
        // Unknown pages are not kept, and still answer 404.
        assert_eq!(
            get(&app, "/uk/hubs/nowhere").await.status,
            StatusCode::NOT_FOUND
        );
    });
}

#[tokio::test]
async fn open_data_lists_are_paged_cached_and_strict() {
    on_both_backends!(async |store: Store, backend: &str, _url: String| {
        let app = app_with_demo(&store).await;
        let first = json(&get(&app, "/services").await);
        let total = first["total_items"].as_u64().unwrap() as usize;
        assert!(
            total > 50,
            "{backend}: the demo has more than one default page"
        );
        assert_eq!(
            first["contents"].as_array().unwrap().len(),
            50,
            "default page size"
        );
        assert_eq!(first["size"], 50);
        assert_eq!(first["total_pages"], total.div_ceil(50));
        assert_eq!(first["first_page"], true);
        assert_eq!(first["last_page"], false);
        // Pages of any size together are the whole list, once each, in order.
        let ids_in_pages = async |per_page: usize| {
            let mut ids = Vec::new();
            for page in 1..=total.div_ceil(per_page) {
                let p =
                    json(&get(&app, &format!("/services?per_page={per_page}&page={page}")).await);
                assert_eq!(p["page_number"], page);
                assert_eq!(p["last_page"], page == total.div_ceil(per_page));
                ids.extend(
                    p["contents"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|s| s["id"].as_str().unwrap().to_owned()),
                );
            }
            ids
        };
        let by_20 = ids_in_pages(20).await;
        let by_500 = ids_in_pages(500).await;
        assert_eq!(by_20.len(), total, "{backend}");
        assert!(by_20 == by_500, "{backend}: pages of 20 and of 500 differ");
        let past = json(&get(&app, "/services?page=999").await);
        assert_eq!(past["empty"], true);
        assert_eq!(past["total_items"], total);
        let locations = json(&get(&app, "/locations?per_page=2&country=RO").await);
        assert_eq!(locations["contents"].as_array().unwrap().len(), 2);

        // Repeated requests: a compressed body and an ETag that answers 304 next time.
        let zipped = get_with(&app, "/services", &[("accept-encoding", "gzip, br")]).await;
        assert_eq!(zipped.headers["content-encoding"], "br", "{backend}");
        let etag = zipped.headers["etag"].to_str().unwrap().to_owned();
        let again = get_with(&app, "/services", &[("if-none-match", &etag)]).await;
        assert_eq!(again.status, StatusCode::NOT_MODIFIED, "{backend}");
        assert!(again.body.is_empty());
        let other = get(&app, "/services?per_page=10").await;
        assert_ne!(
            other.headers["etag"],
            etag.as_str(),
            "another query, another tag"
        );

        // /locations honours the service filter.
        let tracing = json(
            &get(
                &app,
                "/locations?taxonomy_term_id=family-tracing&per_page=500",
            )
            .await,
        );
        let everything = json(&get(&app, "/locations?per_page=500").await);
        let n = tracing["total_items"].as_u64().unwrap();
        assert!(
            n > 0 && n < everything["total_items"].as_u64().unwrap(),
            "{backend}"
        );

        for bad in [
            "/services?lang=",
            "/services?country=",
            "/locations?taxonomy_term_id=",
            "/services?lang=uk&lang=ru",
            "/services?per_page=0",
            "/services?per_page=501",
            "/services?page=0",
            "/services?page=x",
            "/services?contry=RO",
        ] {
            let r = get(&app, bad).await;
            assert_eq!(r.status, StatusCode::BAD_REQUEST, "{backend}: {bad}");
            assert_eq!(
                r.headers["content-type"], "application/problem+json",
                "{bad}"
            );
            assert!(json(&r)["detail"].is_string());
        }
    });
}

#[tokio::test]
async fn unreadable_requests_get_the_sites_own_answer() {
    let db = crate::support::sqlite().await;
    let app = app_with_demo(&db.store).await;
    // A form without its fields: the framework's text names them; people get the error page in
    // their language.
    let response = app
        .clone()
        .oneshot(
            Request::post("/staff/login")
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .header(header::ACCEPT_LANGUAGE, "uk")
                .body(Body::from("nothing=here"))
                .unwrap(),
        )
        .await
        .unwrap();
    assert!(response.status().is_client_error(), "{}", response.status());
    assert_eq!(
        response.headers()[header::CONTENT_TYPE],
        "text/html; charset=utf-8"
    );
    let body = response.into_body().collect().await.unwrap().to_bytes();
    let body = String::from_utf8_lossy(&body);
    assert!(body.contains("lang=\"uk\""), "{body}");
    assert!(!body.contains("missing field"), "{body}");
    // On the API, a body over the limit is refused with problem details.
    let response = app
        .clone()
        .oneshot(
            Request::post("/api/transfers")
                .body(Body::from(vec![
                    b'x';
                    bluedot_web::exchange::MAX_PACKAGE_BYTES + 1
                ]))
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(
        response.headers()[header::CONTENT_TYPE],
        "application/problem+json"
    );
    db.drop_database().await;
}

#[tokio::test]
async fn readiness_names_what_is_missing_and_requests_carry_an_id() {
    on_both_backends!(async |store: Store, backend: &str, _url: String| {
        let app = app_with_demo(&store).await;
        let alive = get_with(&app, "/healthz", &[("x-request-id", "lb-check-1")]).await;
        assert_eq!(alive.status, StatusCode::OK, "{backend}");
        assert_eq!(alive.headers["x-request-id"], "lb-check-1");
        assert_eq!(alive.headers[header::CACHE_CONTROL], "no-store");
        // An id that could carry anything else is replaced, not echoed.
        let odd = get_with(&app, "/healthz", &[("x-request-id", "name=Оксана")]).await;
        assert_ne!(odd.headers["x-request-id"], "name=Оксана");
        // Without encryption keys staff work cannot be done: not ready, and it says why.
        let ready = get_with(&app, "/readyz", &[]).await;
        assert_eq!(ready.status, StatusCode::SERVICE_UNAVAILABLE, "{backend}");
        let body: serde_json::Value = serde_json::from_str(&ready.body).unwrap();
        assert_eq!(body["keys"], "missing");
        assert_eq!(body["database"], "ok");
        assert_eq!(body["migrations"], "ok");
        let keys = bluedot_store::crypto::KeyRing::parse(
            &bluedot_store::crypto::KeyRing::generate_spec("k1"),
        )
        .unwrap();
        let keyed =
            bluedot_web::router(AppState::new(store.clone(), WebConfig::default()).with_keys(keys));
        assert_eq!(
            get_with(&keyed, "/readyz", &[]).await.status,
            StatusCode::OK
        );
    });
}

#[tokio::test]
async fn a_staff_page_declares_the_language_it_is_written_in() {
    let db = crate::support::sqlite().await;
    let app = app_with_demo(&db.store).await;
    let translated = bluedot_web::I18N.staff_languages();
    for lang in bluedot_core::Lang::ALL {
        let accept = format!("{}, en;q=0.5", lang.code());
        let public = get_with(&app, &format!("/{}/", lang.code()), &[]).await;
        assert!(
            public
                .body
                .contains(&format!("<html lang=\"{}\"", lang.code()))
        );
        // The staff pages speak the reader's language only where they are translated into it;
        // otherwise they are English and say so, for screen readers and translation tools.
        let staff = get_with(&app, "/staff/login", &[("accept-language", &accept)]).await;
        let expected = if translated.contains(&lang) {
            lang.code()
        } else {
            "en"
        };
        assert!(
            staff.body.contains(&format!("<html lang=\"{expected}\"")),
            "{lang}: {}",
            &staff.body[..200.min(staff.body.len())]
        );
    }
    db.drop_database().await;
}

#[tokio::test]
async fn the_public_tracing_form_preselects_no_hub_and_tells_hubs_apart() {
    let db = crate::support::sqlite().await;
    let app = app_with_demo(&db.store).await;
    let page = get(&app, "/uk/tracing").await;
    assert_eq!(page.status, StatusCode::OK);
    let select = crate::staff::between(&page.body, "<select id=\"hub\"", "</select>");
    assert!(
        !select.contains(" selected"),
        "no hub is chosen for the visitor"
    );
    assert!(
        select.contains("<option value=\"\">"),
        "an empty first choice"
    );
    assert!(
        select.contains("<optgroup label=\"Молдова\">"),
        "grouped by country"
    );
    // Two hubs named Кишинів are told apart by their addresses.
    let moldova = crate::staff::between(select, "<optgroup label=\"Молдова\">", "</optgroup>");
    let labels: Vec<&str> = moldova
        .split("\">")
        .skip(1)
        .filter_map(|s| s.split('<').next())
        .filter(|l| l.contains("Кишинів"))
        .collect();
    assert_eq!(labels.len(), 2, "{moldova}");
    assert_ne!(labels[0], labels[1]);
    db.drop_database().await;
}
