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
