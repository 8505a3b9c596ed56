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
async fn a_country_coordinator_sees_coverage_gaps_and_suggestions_for_their_country() {
    use axum::http::StatusCode;
    use bluedot_core::Country;
    use bluedot_core::policy::{Role, Scope};

    use crate::staff::{account_signed_in, app, csrf_of, send, send_body};

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
        let csrf = csrf_of(&page.body);
        let places = "code,name,country,lat,lon\nSRT,Siret,RO,47.9800,26.0460\nIAS,Iasi station,RO,47.1657,27.5700\nFAR,Far crossing,RO,45.90,24.00\n";
        let arrivals = "place,date,count,hour_band,mode\nSRT,2026-11-03,40,00-04,road\nIAS,2026-11-03,40,00-04,rail\nIAS,2026-11-03,40,08-12,rail\nFAR,2026-11-04,20,12-16,road\n";
        let body = form_with_files(
            &[("csrf", &csrf), ("radius_km", "10"), ("slots", "1")],
            &[("places", places), ("arrivals", arrivals)],
        );
        let shown = send_body(
            &app,
            "POST",
            "/staff/planning",
            Some(&coordinator),
            Some((&body.0, body.1)),
        )
        .await;
        assert_eq!(shown.status, StatusCode::OK, "{backend}: {}", shown.body);
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
        let audited = crate::support::audit_entries(&store, "planning.coverage").await;
        assert_eq!(audited.len(), 1, "{backend}");

        // A place of another country is not the coordinator's to plan; a bad row is shown with
        // its line; nothing is analysed either time.
        let elsewhere = format!("{places}MDK,Medyka,PL,49.80,22.93\n");
        let body = form_with_files(
            &[("csrf", &csrf)],
            &[("places", &elsewhere), ("arrivals", arrivals)],
        );
        let refused = send_body(
            &app,
            "POST",
            "/staff/planning",
            Some(&coordinator),
            Some((&body.0, body.1)),
        )
        .await;
        assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{backend}");
        assert!(
            refused.body.contains("Medyka: not in a country you cover"),
            "{backend}"
        );
        let bad = "place,date,count\nSRT,2026-11-03,forty\n";
        let body = form_with_files(&[("csrf", &csrf)], &[("places", places), ("arrivals", bad)]);
        let refused = send_body(
            &app,
            "POST",
            "/staff/planning",
            Some(&coordinator),
            Some((&body.0, body.1)),
        )
        .await;
        assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{backend}");
        assert!(
            refused
                .body
                .contains("Arrivals (CSV), line 2: count &#34;forty&#34; is not a whole number"),
            "{backend}: {}",
            refused.body
        );
        assert_eq!(
            crate::support::audit_entries(&store, "planning.coverage")
                .await
                .len(),
            1
        );
    });
}
