//! The open data conforms to the official HSDS 3 schemas (the compiled schemas of
//! openreferral/specification, vendored under `tests/hsds-schema` with their licence): every
//! list item and every single service the API serves validates with zero errors.

use axum::body::Body;
use axum::http::Request;
use bluedot_store::Store;
use bluedot_store::audit::Change;
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
    assert!(
        response.status().is_success(),
        "{path}: {}",
        response.status()
    );
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
        // One service with everything a service can say of itself beyond the hub's.
        let (mut hub, version) = {
            let first = store.list_hubs().await.unwrap().remove(0);
            store.hub_for_edit(first.id).await.unwrap().unwrap()
        };
        let detailed = &mut hub.services[0];
        detailed.hours = Some("Mo-Fr 10:00-12:00".into());
        detailed.languages = vec!["uk".into(), "en".into()];
        detailed.provided_by = "A partner organisation".into();
        detailed.eligibility =
            bluedot_core::Localized::new().with(bluedot_core::Lang::En, "Families with children");
        let change = Change::by_system("test");
        store
            .save_hub(
                &change,
                &hub,
                bluedot_store::directory::Expected::Version(version),
                bluedot_store::directory::Edit::Edit,
            )
            .await
            .unwrap();
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
                found.extend(
                    errors(&service, &one)
                        .into_iter()
                        .map(|e| format!("{id} {e}")),
                );
                checked += 2;
            }
            for (path, validator) in [
                ("/organizations", &organization_list),
                ("/service_at_locations", &sal_list),
                ("/locations", &location),
            ] {
                let list = get_json(&app, &format!("{path}?per_page=500&lang={lang}")).await;
                for item in list["contents"].as_array().unwrap() {
                    found.extend(
                        errors(validator, item)
                            .into_iter()
                            .map(|e| format!("{path} {e}")),
                    );
                    if path == "/organizations" {
                        found.extend(
                            errors(&organization, item)
                                .into_iter()
                                .map(|e| format!("{path} {e}")),
                        );
                    }
                    checked += 1;
                }
            }
        }
        let detailed = get_json(
            &app,
            &format!("/services?per_page=500&country={}", hub.country.code()),
        )
        .await;
        assert!(
            detailed["contents"]
                .as_array()
                .unwrap()
                .iter()
                .any(|s| s["eligibility_description"] == "Families with children"
                    && s["schedules"][0]["x_opening_hours"] == "Mo-Fr 10:00-12:00"),
            "{backend}: the service's own details are published"
        );
        found.sort();
        found.dedup();
        assert!(
            found.is_empty(),
            "{backend}: {} schema errors after {checked} documents, e.g.\n{}",
            found.len(),
            found
                .iter()
                .take(30)
                .cloned()
                .collect::<Vec<_>>()
                .join("\n")
        );
    });
}

/// A second, empty database on the named backend, for moving a directory between two.
async fn empty_database(backend: &str) -> crate::support::TestDb {
    match backend {
        "sqlite" => crate::support::sqlite().await,
        _ => crate::support::postgres()
            .await
            .expect("the first ran on it"),
    }
}

#[tokio::test]
async fn a_directory_round_trips_through_an_hsds_package_and_a_broken_one_writes_nothing() {
    use bluedot_web::directory_package::{Importer, Package, export_hsds_json};
    let import = async |store: &Store, change: &Change, package: &serde_json::Value, write| {
        let package = Package::Json(package.clone());
        bluedot_web::directory_package::import(store, change, Importer::System, &package, write)
            .await
    };
    on_both_backends!(async |store: Store, backend: &str, _url: String| {
        bluedot_cli::load_demo(&store).await.unwrap();
        let exported = export_hsds_json(&store).await.unwrap();
        let change = bluedot_store::audit::Change::by_system("test");

        let target_db = empty_database(backend).await;
        let target = target_db.store.clone();
        let dry = import(&target, &change, &exported, false).await.unwrap();
        assert!(dry.refused.is_empty(), "{backend}: {:?}", dry.refused);
        assert!(dry.created.len() > 36, "{backend}: {}", dry.summary());
        assert_eq!(
            target.count_hubs().await.unwrap(),
            0,
            "{backend}: a dry run writes nothing"
        );

        import(&target, &change, &exported, true).await.unwrap();
        let again = export_hsds_json(&target).await.unwrap();
        assert!(
            again == exported,
            "{backend}: export → import → export differs"
        );
        // Importing the same file again changes nothing, and writes no new versions.
        let audited = crate::support::audit_entries(&target, "directory.")
            .await
            .len();
        let twice = import(&target, &change, &exported, true).await.unwrap();
        assert!(
            twice.created.is_empty() && twice.changed.is_empty(),
            "{backend}: {}",
            twice.summary()
        );
        assert_eq!(
            crate::support::audit_entries(&target, "directory.")
                .await
                .len(),
            audited
        );

        // One broken hub in the package: it is named with the reason, and nothing is written.
        let mut broken = exported.clone();
        broken["x_bluedot"]["hubs"][3]["opening_hours"] = "whenever we like".into();
        broken["x_bluedot"]["hubs"][5]["location"] =
            serde_json::json!({"lat": 49.84, "lon": 24.03});
        let empty_db = empty_database(backend).await;
        let empty = empty_db.store.clone();
        let report = import(&empty, &change, &broken, true).await.unwrap();
        let reasons: Vec<String> = report
            .refused
            .iter()
            .map(|(at, why)| format!("{at}: {why}"))
            .collect();
        assert_eq!(reasons.len(), 2, "{backend}: {reasons:?}");
        assert!(
            reasons[0].contains("opening_hours"),
            "{backend}: {reasons:?}"
        );
        assert!(reasons[1].contains("outside"), "{backend}: {reasons:?}");
        assert_eq!(empty.count_hubs().await.unwrap(), 0, "{backend}");

        // A package from another HSDS tool (no bluedot extension): an unknown taxonomy code is
        // refused with where it was found.
        let mut foreign = exported.clone();
        foreign.as_object_mut().unwrap().remove("x_bluedot");
        foreign["services"][0]["attributes"][0]["taxonomy_term"]["code"] = "teleportation".into();
        let report = import(&empty, &change, &foreign, true).await.unwrap();
        assert!(
            report
                .refused
                .iter()
                .any(|(_, why)| why.contains("teleportation")),
            "{backend}: {:?}",
            report.refused
        );
        assert_eq!(empty.count_hubs().await.unwrap(), 0, "{backend}");
        target_db.drop_database().await;
        empty_db.drop_database().await;
    });
}

#[tokio::test]
async fn a_directory_round_trips_through_an_hsds_tabular_package_and_a_broken_row_is_named() {
    use bluedot_web::directory_package::{Importer, Package, export_hsds_json, tabular};
    let import = async |store: &Store, change: &Change, package: &Package, write| {
        bluedot_web::directory_package::import(store, change, Importer::System, package, write)
            .await
    };
    on_both_backends!(async |store: Store, backend: &str, _url: String| {
        bluedot_cli::load_demo(&store).await.unwrap();
        let files = tabular::write(&export_hsds_json(&store).await.unwrap()).unwrap();
        for table in [
            "organizations.csv",
            "services.csv",
            "locations.csv",
            "schedules.csv",
        ] {
            let text = String::from_utf8(files[table].clone()).unwrap();
            assert!(text.lines().count() > 1, "{backend}: {table} has rows");
        }
        let descriptor: serde_json::Value =
            serde_json::from_slice(&files[tabular::DESCRIPTOR]).unwrap();
        assert_eq!(descriptor["profile"], "tabular-data-package");
        let change = bluedot_store::audit::Change::by_system("test");

        let target_db = empty_database(backend).await;
        let target = target_db.store.clone();
        let report = import(&target, &change, &Package::Tabular(files.clone()), true)
            .await
            .unwrap();
        assert!(report.refused.is_empty(), "{backend}: {:?}", report.refused);
        let again = tabular::write(&export_hsds_json(&target).await.unwrap()).unwrap();
        assert!(
            again == files,
            "{backend}: export → import → export differs"
        );

        // The tables alone, as another HSDS tool writes them: hubs are read from locations
        // and the services offered there; a bad number is named by file and line.
        let mut foreign = files.clone();
        foreign.remove(tabular::ENTRIES);
        let hubs = store.list_hubs().await.unwrap();
        let empty_db = empty_database(backend).await;
        let empty = empty_db.store.clone();
        let dry = import(&empty, &change, &Package::Tabular(foreign.clone()), false)
            .await
            .unwrap();
        assert!(dry.refused.is_empty(), "{backend}: {:?}", dry.refused);
        assert_eq!(
            dry.created.len(),
            hubs.len(),
            "{backend}: {}",
            dry.summary()
        );

        // The third hub's latitude (line 4, after the header) made unreadable.
        let mut rows = csv::Reader::from_reader(foreign["locations.csv"].as_slice());
        let header = rows.headers().unwrap().clone();
        let latitude = header.iter().position(|c| c == "latitude").unwrap();
        let mut out = csv::Writer::from_writer(vec![]);
        out.write_record(&header).unwrap();
        for (i, row) in rows.records().enumerate() {
            let mut cells: Vec<String> = row.unwrap().iter().map(str::to_owned).collect();
            if i == 2 {
                cells[latitude] = "north".into();
            }
            out.write_record(&cells).unwrap();
        }
        foreign.insert("locations.csv".into(), out.into_inner().unwrap());
        let broken = import(&empty, &change, &Package::Tabular(foreign), true)
            .await
            .unwrap();
        assert!(
            broken
                .refused
                .iter()
                .any(|(at, why)| at == "locations.csv line 4" && why.contains("latitude")),
            "{backend}: {:?}",
            broken.refused
        );
        assert_eq!(empty.count_hubs().await.unwrap(), 0, "{backend}");
        target_db.drop_database().await;
        empty_db.drop_database().await;
    });
}
