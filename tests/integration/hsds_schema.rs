//! The open data conforms to the official HSDS 3 schemas (the compiled schemas of
//! openreferral/specification, vendored under `tests/hsds-schema` with their licence): every
//! list item and every single service the API serves validates with zero errors.

use axum::body::Body;
use axum::http::Request;
use bluedot_store::Store;
use bluedot_web::{AppState, WebConfig};
use http_body_util::BodyExt;
use serde_json::Value;
use tower::ServiceExt;

use crate::on_both_backends;

fn schema(name: &str) -> Value {
    let path = format!("{}/hsds-schema/{name}.json", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

fn validator(schema: &Value) -> jsonschema::Validator {
    jsonschema::options()
        .should_validate_formats(true)
        .build(schema)
        .unwrap()
}

/// Every error of `value` against `validator`, as "where: what".
fn errors(validator: &jsonschema::Validator, value: &Value) -> Vec<String> {
    validator
        .iter_errors(value)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect()
}

async fn get_json(app: &axum::Router, path: &str) -> Value {
    let response = app
        .clone()
        .oneshot(Request::get(path).body(Body::empty()).unwrap())
        .await
        .unwrap();
    assert!(response.status().is_success(), "{path}: {}", response.status());
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    serde_json::from_slice(&bytes).unwrap()
}

#[tokio::test]
async fn every_endpoint_validates_against_the_official_schemas() {
    let service = validator(&schema("service"));
    let service_list = validator(&schema("service_list"));
    let organization_list = validator(&schema("organization_list"));
    let organization = validator(&schema("organization"));
    let sal_list = validator(&schema("service_at_location_list"));
    // HSDS defines a location inside a service at a location; the API lists them on their own.
    let location = validator(
        &schema("service")["properties"]["service_at_locations"]["items"]["properties"]["location"],
    );
    on_both_backends!(async |store: Store, backend: &str, _url: String| {
        bluedot_cli::load_demo(&store).await.unwrap();
        let app = bluedot_web::router(AppState::new(store.clone(), WebConfig::default()));
        let mut found: Vec<String> = vec![];
        let mut checked = 0;
        for lang in ["en", "uk"] {
            let list = get_json(&app, &format!("/services?per_page=500&lang={lang}")).await;
            let items = list["contents"].as_array().unwrap();
            assert!(items.len() > 100, "{backend}: {} services", items.len());
            for item in items {
                found.extend(errors(&service_list, item));
                let id = item["id"].as_str().unwrap();
                let one = get_json(&app, &format!("/services/{id}?lang={lang}")).await;
                found.extend(errors(&service, &one).into_iter().map(|e| format!("{id} {e}")));
                checked += 2;
            }
            for (path, validator) in [
                ("/organizations", &organization_list),
                ("/service_at_locations", &sal_list),
                ("/locations", &location),
            ] {
                let list = get_json(&app, &format!("{path}?per_page=500&lang={lang}")).await;
                for item in list["contents"].as_array().unwrap() {
                    found.extend(errors(validator, item).into_iter().map(|e| format!("{path} {e}")));
                    if path == "/organizations" {
                        found.extend(errors(&organization, item).into_iter().map(|e| format!("{path} {e}")));
                    }
                    checked += 1;
                }
            }
        }
        found.sort();
        found.dedup();
        assert!(found.is_empty(), "{backend}: {} schema errors after {checked} documents, e.g.\n{}", found.len(), found.iter().take(30).cloned().collect::<Vec<_>>().join("\n"));
    });
}
