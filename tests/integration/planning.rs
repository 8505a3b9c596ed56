//! Network planning against the directory as stored, on both backends: coverage of arrivals by
//! hubs open within reach in their hour, checked against a case worked out by hand, and a
//! malformed row refused with its line.

use bluedot_core::planning::Reach;
use bluedot_store::Store;

use crate::on_both_backends;

#[tokio::test]
async fn arrivals_are_covered_only_by_hubs_open_within_reach_in_their_hour() {
    on_both_backends!(async |store: Store, backend: &str, _url: String| {
        bluedot_cli::load_demo(&store).await.unwrap();
        let hubs = store.list_hubs().await.unwrap();
        let dir = std::env::temp_dir().join(format!("bluedot-planning-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).unwrap();
        // At the Siret crossing (open round the clock), at Iași station (08:00–20:00), and at
        // a crossing 60 km from any hub.
        std::fs::write(
            dir.join("places.csv"),
            "code,name,country,lat,lon\nSRT,Siret,RO,47.9800,26.0460\nIAS,Iasi station,RO,47.1657,27.5700\nFAR,Far crossing,RO,45.90,24.00\n",
        )
        .unwrap();
        std::fs::write(
            dir.join("arrivals.csv"),
            "place,date,count,hour_band,mode\n\
             SRT,2026-11-03,40,00-04,road\n\
             IAS,2026-11-03,40,00-04,rail\n\
             IAS,2026-11-03,40,08-12,rail\n\
             FAR,2026-11-04,20,12-16,road\n",
        )
        .unwrap();
        let mut out = Vec::new();
        bluedot_cli::planning::report(
            &dir.join("places.csv"),
            &dir.join("arrivals.csv"),
            &hubs,
            Reach::default(),
            4,
            1,
            &mut out,
        )
        .unwrap();
        let text = String::from_utf8(out).unwrap();
        // 40 at Siret and 40 by day at Iași of 140: 57.1 %.
        assert!(
            text.contains("140 arrivals at 3 places, 57.1 %"),
            "{backend}: {text}"
        );
        assert!(text.contains("Iasi station 00-04: 40"), "{backend}: {text}");
        assert!(text.contains("Far crossing 12-16: 20"), "{backend}: {text}");
        assert!(
            text.contains("iasi-station open also 00-04: +40"),
            "{backend}: {text}"
        );

        std::fs::write(
            dir.join("bad.csv"),
            "place,date,count\nSRT,2026-11-03,40\nSRT,2026-11-31,10\n",
        )
        .unwrap();
        let refused = bluedot_cli::planning::report(
            &dir.join("places.csv"),
            &dir.join("bad.csv"),
            &hubs,
            Reach::default(),
            4,
            1,
            &mut Vec::new(),
        )
        .unwrap_err()
        .to_string();
        assert!(
            refused.contains("bad.csv:3: date \"2026-11-31\""),
            "{backend}: {refused}"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    });
}

/// A multipart body with text fields and named files.
fn form_with_files(fields: &[(&str, &str)], files: &[(&str, &str)]) -> (String, Vec<u8>) {
    let boundary = "bluedot-planning-boundary";
    let mut body = String::new();
    for (name, value) in fields {
        body.push_str(&format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
        ));
    }
    for (name, text) in files {
        body.push_str(&format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{name}.csv\"\r\nContent-Type: text/csv\r\n\r\n{text}\r\n"
        ));
    }
    body.push_str(&format!("--{boundary}--\r\n"));
    (
        format!("multipart/form-data; boundary={boundary}"),
        body.into_bytes(),
    )
}

#[tokio::test]
async fn a_coordinator_imports_arrivals_sees_the_gaps_saves_a_plan_and_deploys_it() {
    use axum::http::StatusCode;
    use bluedot_core::Country;
    use bluedot_core::policy::{Role, Scope};

    use crate::staff::{account_signed_in, app, csrf_of, encode, send, send_body};
    let encode = |pairs: &[(&str, &str)]| -> String {
        pairs
            .iter()
            .map(|(k, v)| format!("{k}={}", encode(v)))
            .collect::<Vec<_>>()
            .join("&")
    };
    use crate::support::audit_entries;

    on_both_backends!(async |store: Store, backend: &str, _url: String| {
        bluedot_cli::load_demo(&store).await.unwrap();
        let app = app(&store);
        let romania = Scope {
            countries: vec![Country::Romania],
            ..Scope::default()
        };
        let coordinator = account_signed_in(
            &app,
            &store,
            "coord",
            Role::CountryCoordinator,
            romania.clone(),
        )
        .await;
        let worker = account_signed_in(&app, &store, "worker", Role::SocialWorker, romania).await;
        assert_eq!(
            send(&app, "GET", "/staff/planning", Some(&worker), None)
                .await
                .status,
            StatusCode::FORBIDDEN,
            "{backend}: figures are not a social worker's"
        );
        let page = send(&app, "GET", "/staff/planning", Some(&coordinator), None).await;
        assert_eq!(page.status, StatusCode::OK, "{backend}: {}", page.body);
        assert!(
            !page.body.contains("planning-summary"),
            "{backend}: nothing imported yet"
        );
        let csrf = csrf_of(&page.body);
        let import = |places: Option<String>, arrivals: String| {
            let (app, coordinator, csrf) = (app.clone(), coordinator.clone(), csrf.clone());
            async move {
                let mut files = vec![("arrivals", arrivals.as_str())];
                if let Some(p) = &places {
                    files.insert(0, ("places", p.as_str()));
                }
                let body = form_with_files(&[("csrf", &csrf)], &files);
                send_body(
                    &app,
                    "POST",
                    "/staff/planning",
                    Some(&coordinator),
                    Some((&body.0, body.1)),
                )
                .await
            }
        };
        let places = "code,name,country,lat,lon\nSRT,Siret,RO,47.9800,26.0460\nIAS,Iasi station,RO,47.1657,27.5700\nFAR,Far crossing,RO,45.90,24.00\n";
        let arrivals = "place,date,count,hour_band,mode\nSRT,2026-11-03,40,00-04,road\nIAS,2026-11-03,40,00-04,rail\nIAS,2026-11-03,40,08-12,rail\nFAR,2026-11-04,20,12-16,road\n";

        // A place of another country is not the coordinator's to plan; a bad row is shown with
        // its line; nothing is written either time.
        let refused = import(
            Some(format!("{places}MDK,Medyka,PL,49.80,22.93\n")),
            arrivals.into(),
        )
        .await;
        assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{backend}");
        assert!(
            refused.body.contains("Medyka: not in a country you cover"),
            "{backend}"
        );
        let bad = format!("{arrivals}SRT,2026-11-05,forty\n");
        let refused = import(Some(places.into()), bad).await;
        assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{backend}");
        assert!(
            refused
                .body
                .contains("Arrivals (CSV), line 6: count &#34;forty&#34; is not a whole number"),
            "{backend}: {}",
            refused.body
        );
        assert_eq!(
            store.arrival_days(&[Country::Romania]).await.unwrap(),
            None,
            "{backend}"
        );
        assert!(
            store
                .arrival_places(&[Country::Romania])
                .await
                .unwrap()
                .is_empty(),
            "{backend}"
        );
        assert!(
            audit_entries(&store, "planning.import").await.is_empty(),
            "{backend}"
        );

        let imported = import(Some(places.into()), arrivals.into()).await;
        assert_eq!(
            imported.status,
            StatusCode::SEE_OTHER,
            "{backend}: {}",
            imported.body
        );
        let shown_at = imported.location.unwrap();
        assert_eq!(
            shown_at,
            "/staff/planning?country=RO&from=2026-11-03&to=2026-11-04&imported=4"
        );
        let shown = send(&app, "GET", &shown_at, Some(&coordinator), None).await;
        assert_eq!(shown.status, StatusCode::OK, "{backend}");
        assert!(
            shown.body.contains("140 arrivals at 3 places, 57.1 %"),
            "{backend}: {}",
            shown.body
        );
        assert!(
            shown
                .body
                .contains("<td>Iasi station</td><td>00:00–04:00</td><td>40</td>"),
            "{backend}"
        );
        assert!(
            shown
                .body
                .contains("Blue Dot Iași also open 00:00–04:00: +40"),
            "{backend}"
        );
        assert_eq!(
            audit_entries(&store, "planning.import").await.len(),
            1,
            "{backend}"
        );
        assert_eq!(
            audit_entries(&store, "planning.coverage").await.len(),
            1,
            "{backend}"
        );

        // A corrected count replaces the one imported before; the places are known by now.
        let corrected =
            "place,date,count,hour_band,mode\nSRT,2026-11-03,60,00-04,road\n".to_owned();
        assert_eq!(
            import(None, corrected).await.status,
            StatusCode::SEE_OTHER,
            "{backend}"
        );
        let query = "country=RO&from=2026-11-03&to=2026-11-04&radius_km=10&slots=1";
        let shown = send(
            &app,
            "GET",
            &format!("/staff/planning?{query}"),
            Some(&coordinator),
            None,
        )
        .await;
        assert!(
            shown.body.contains("160 arrivals at 3 places, 62.5 %"),
            "{backend}: {}",
            shown.body
        );

        // The map and the files say the same.
        let map = send(
            &app,
            "GET",
            &format!("/staff/planning/map.json?{query}"),
            Some(&coordinator),
            None,
        )
        .await;
        let map: serde_json::Value = serde_json::from_str(&map.body).unwrap();
        let iasi = map["features"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["properties"]["name"] == "Iasi station")
            .unwrap();
        assert_eq!(iasi["properties"]["arrived"], 80.0, "{backend}");
        assert_eq!(iasi["properties"]["missed"], 40.0, "{backend}");
        let csv = send(
            &app,
            "GET",
            &format!("/staff/planning.csv?{query}&hxl=1"),
            Some(&coordinator),
            None,
        )
        .await;
        let lines: Vec<&str> = csv.body.lines().collect();
        assert!(
            lines[1].starts_with("#country+code,#loc+code"),
            "{backend}: {}",
            csv.body
        );
        assert!(
            lines.contains(&"RO,IAS,Iasi station,2026-11-03,2026-11-04,00-04,40,0,40,10"),
            "{backend}: {}",
            csv.body
        );
        assert!(
            lines.contains(&"RO,IAS,Iasi station,2026-11-03,2026-11-04,08-12,40,40,0,10"),
            "{backend}: {}",
            csv.body
        );
        let xlsx = send(
            &app,
            "GET",
            &format!("/staff/planning.xlsx?{query}"),
            Some(&coordinator),
            None,
        )
        .await;
        assert!(xlsx.bytes.starts_with(b"PK"), "{backend}");
        assert_eq!(
            audit_entries(&store, "planning.export").await.len(),
            2,
            "{backend}"
        );

        // A plan: a team at the far crossing by day, and Iași station open at night.
        let form = encode(&[
            ("csrf", &csrf),
            ("country", "RO"),
            ("from", "2026-11-03"),
            ("to", "2026-11-04"),
            ("radius_km", "10"),
            ("name", "Night and far"),
            ("change", "team|FAR|12|4"),
            ("change", "longer-hours|iasi-station|0|4"),
        ]);
        let saved = send(
            &app,
            "POST",
            "/staff/planning/plans",
            Some(&coordinator),
            Some(&form),
        )
        .await;
        assert_eq!(
            saved.status,
            StatusCode::SEE_OTHER,
            "{backend}: {}",
            saved.body
        );
        let plan_at = saved.location.unwrap();
        let plan = send(&app, "GET", &plan_at, Some(&coordinator), None).await;
        assert!(
            plan.body
                .contains("<td>160</td><td>62.5 % (100)</td><td>100.0 % (160)</td>"),
            "{backend}: {}",
            plan.body
        );
        assert!(
            plan.body
                .contains("A team at Far crossing, 12:00–16:00: +20"),
            "{backend}"
        );
        assert!(
            plan.body
                .contains("Blue Dot Iași also open 00:00–04:00: +40"),
            "{backend}"
        );
        let empty = encode(&[("csrf", &csrf), ("country", "RO"), ("name", "Nothing")]);
        let refused = send(
            &app,
            "POST",
            "/staff/planning/plans",
            Some(&coordinator),
            Some(&empty),
        )
        .await;
        assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{backend}");
        assert!(
            refused
                .body
                .contains("choose at least one change for the plan"),
            "{backend}"
        );

        // Its team slot becomes a deployment on each of two days, once.
        let team = store
            .user_by_username("worker")
            .await
            .unwrap()
            .unwrap()
            .id
            .to_string();
        let first = (chrono::Utc::now().date_naive() + chrono::Days::new(2)).to_string();
        let deploy = encode(&[
            ("csrf", &csrf),
            ("first_day", &first),
            ("days", "2"),
            ("team", &team),
        ]);
        let done = send(
            &app,
            "POST",
            &format!("{plan_at}/deploy"),
            Some(&coordinator),
            Some(&deploy),
        )
        .await;
        assert_eq!(
            done.status,
            StatusCode::SEE_OTHER,
            "{backend}: {}",
            done.body
        );
        let since = chrono::Utc::now() - chrono::Duration::days(1);
        let all = Scope {
            countries: vec![Country::Romania],
            ..Scope::default()
        };
        let planned = store.deployments(&all, None, since).await.unwrap();
        assert_eq!(planned.len(), 2, "{backend}");
        assert!(
            planned.iter().all(|d| d.place == "Far crossing"),
            "{backend}"
        );
        assert!(
            planned
                .iter()
                .all(|d| d.ends_at - d.starts_at == chrono::Duration::hours(4)),
            "{backend}"
        );
        let noon = planned[0]
            .starts_at
            .with_timezone(&Country::Romania.timezone());
        assert_eq!(chrono::Timelike::hour(&noon), 12, "{backend}");
        let again = send(
            &app,
            "POST",
            &format!("{plan_at}/deploy"),
            Some(&coordinator),
            Some(&deploy),
        )
        .await;
        assert_eq!(again.status, StatusCode::BAD_REQUEST, "{backend}");
        assert_eq!(
            store.deployments(&all, None, since).await.unwrap().len(),
            2,
            "{backend}"
        );
        assert_eq!(
            audit_entries(&store, "planning.scenario-deploy")
                .await
                .len(),
            1,
            "{backend}"
        );
    });
}
