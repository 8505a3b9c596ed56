//! Indicators traced back to the records they count, on both backends: known visits, people
//! and cases in, known tallies out.

use bluedot_core::case::{ProtectionConcern, RiskLevel};
use bluedot_core::indicator::Indicator;
use bluedot_core::person::SpecificNeed;
use bluedot_core::policy::{Role, Scope};
use bluedot_store::Store;
use bluedot_store::cases::NewCase;
use bluedot_store::figures::Tally;
use chrono::{Days, NaiveDate, Utc};

use crate::on_both_backends;
use crate::people::{child, demo_hub, keys};
use crate::staff::{app, send};
use crate::visits::{group, new_visit};

fn sum(tallies: &[Tally], indicator: Indicator, part: Option<&str>) -> u64 {
    tallies
        .iter()
        .filter(|t| t.indicator == indicator && part.is_none_or(|p| t.part == p))
        .map(|t| t.value)
        .sum()
}

#[tokio::test]
async fn every_indicator_counts_exactly_the_records_behind_it() {
    on_both_backends!(async |store: Store, backend: &str, _url: String| {
        let keys = keys();
        let siret = demo_hub(&store, "siret-border").await;
        let medyka = demo_hub(&store, "medyka-border").await;
        let day = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
        let on = |hub, key: &str, women, children, day: NaiveDate| {
            let mut v = new_visit(hub, key, group(women, children));
            v.day = day;
            v
        };
        // In the period: 3 + 5 people at Siret, 3 at Medyka.
        store
            .record_visit(&on(&siret, "a", 1, 2, day))
            .await
            .unwrap();
        store
            .record_visit(&on(&siret, "b", 2, 3, day))
            .await
            .unwrap();
        store
            .record_visit(&on(&medyka, "c", 3, 0, day))
            .await
            .unwrap();
        // Voided, and outside the period: not counted.
        let voided = store
            .record_visit(&on(&siret, "d", 7, 7, day))
            .await
            .unwrap();
        assert!(
            store
                .void_visit(voided.id, None, "entered twice")
                .await
                .unwrap()
        );
        let before = day - Days::new(30);
        store
            .record_visit(&on(&siret, "e", 9, 9, before))
            .await
            .unwrap();

        let t = store.tallies(day, day).await.unwrap();
        assert_eq!(sum(&t, Indicator::PeopleReached, None), 11, "{backend}");
        assert_eq!(sum(&t, Indicator::PeopleReached, Some("female-18-59")), 6);
        assert_eq!(sum(&t, Indicator::ChildrenReached, None), 5);
        assert_eq!(sum(&t, Indicator::ChildrenReached, Some("male-5-11")), 5);
        assert_eq!(
            sum(&t, Indicator::PeopleWithDisability, None),
            3,
            "one per visit"
        );
        assert_eq!(
            sum(
                &t,
                Indicator::PriorityGroupVisits,
                Some("women-young-children")
            ),
            3,
            "{backend}"
        );
        let at_siret: u64 = t
            .iter()
            .filter(|x| x.indicator == Indicator::PeopleReached && x.hub_id == siret.id)
            .map(|x| x.value)
            .sum();
        assert_eq!(at_siret, 8, "{backend}");
        // The earlier visit is there for a period that holds it.
        let wide = store.tallies(before, day).await.unwrap();
        assert_eq!(sum(&wide, Indicator::PeopleReached, None), 29, "{backend}");

        // People and cases are counted on the hub's day they were registered or opened.
        let today = Utc::now()
            .with_timezone(&siret.country.timezone())
            .date_naive();
        let girl = store.create_person(&keys, &child(&siret)).await.unwrap();
        let mut mother = child(&siret);
        mother.needs = vec![SpecificNeed::SingleCaregiver];
        store.create_person(&keys, &mother).await.unwrap();
        let mut separated = child(&medyka);
        separated.needs = vec![SpecificNeed::Separated];
        store.create_person(&keys, &separated).await.unwrap();
        let worker = store
            .create_user(
                "worker",
                "worker",
                Role::SocialWorker,
                &Scope {
                    hubs: vec![siret.id],
                    ..Scope::default()
                },
            )
            .await
            .unwrap()
            .id;
        let case = NewCase {
            person_id: girl,
            hub_id: siret.id,
            country: siret.country,
            concerns: vec![ProtectionConcern::Unaccompanied],
            risk: RiskLevel::High,
            assigned_to: worker,
            opened_by: Some(worker),
            screening: "Crossed alone".into(),
        };
        store
            .open_case(&keys, &case, &Default::default())
            .await
            .unwrap();
        let t = store.tallies(today, today).await.unwrap();
        assert_eq!(sum(&t, Indicator::ChildrenAtRisk, None), 2, "{backend}");
        assert_eq!(
            sum(&t, Indicator::UascIdentified, Some("unaccompanied-child")),
            1
        );
        assert_eq!(
            sum(&t, Indicator::UascIdentified, Some("separated-child")),
            1
        );
        assert_eq!(sum(&t, Indicator::CasesOpened, None), 1, "{backend}");
        assert_eq!(sum(&t, Indicator::CasesClosed, None), 0);
        let yesterday = today - Days::new(1);
        let t = store.tallies(yesterday, yesterday).await.unwrap();
        assert_eq!(sum(&t, Indicator::ChildrenAtRisk, None), 0, "{backend}");
    });
}

#[tokio::test]
async fn daily_sums_keep_every_visit_of_concurrent_counters_and_follow_corrections() {
    on_both_backends!(async |store: Store, backend: &str, _url: String| {
        let hub = demo_hub(&store, "siret-border").await;
        let day = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
        // Twenty counters at one hub record at once: each visit is in the day's sum.
        let counters: Vec<_> = (0..20)
            .map(|i| {
                let store = store.clone();
                let v = new_visit(&hub, &format!("counter-{i}"), group(1, 1));
                tokio::spawn(async move { store.record_visit(&v).await.unwrap() })
            })
            .collect();
        for c in counters {
            c.await.unwrap();
        }
        let t = store.tallies(day, day).await.unwrap();
        assert_eq!(sum(&t, Indicator::PeopleReached, None), 40, "{backend}");
        // A correction that moves a visit to the day before takes it out of this day's sum.
        let moved = store
            .record_visit(&new_visit(&hub, "late", group(2, 0)))
            .await
            .unwrap();
        let mut fixed = new_visit(&hub, "late-fixed", group(2, 0));
        fixed.day = day - Days::new(1);
        store
            .correct_visit(moved.id, &fixed, "recorded on the wrong day")
            .await
            .unwrap();
        let t = store.tallies(day, day).await.unwrap();
        assert_eq!(sum(&t, Indicator::PeopleReached, None), 40, "{backend}");
        let t = store.tallies(fixed.day, fixed.day).await.unwrap();
        assert_eq!(sum(&t, Indicator::PeopleReached, None), 2, "{backend}");
    });
}

#[tokio::test]
async fn the_public_page_sums_the_network_and_suppresses_small_counts() {
    on_both_backends!(async |store: Store, backend: &str, _url: String| {
        let siret = demo_hub(&store, "siret-border").await;
        let medyka = demo_hub(&store, "medyka-border").await;
        for (hub, key, women, children) in [
            (&siret, "a", 1, 2),
            (&siret, "b", 2, 3),
            (&medyka, "c", 3, 0),
        ] {
            store
                .record_visit(&new_visit(hub, key, group(women, children)))
                .await
                .unwrap();
        }
        let app = app(&store);
        let page = send(&app, "GET", "/en/figures", None, None).await;
        assert_eq!(page.status, axum::http::StatusCode::OK, "{backend}");
        assert!(
            page.body
                .contains("11 people supported by 2 hubs in 2 countries."),
            "{backend}: {}",
            page.body
        );
        assert!(page.body.contains("Among them 5 children."));
        // Poland's three people are too few to show.
        let poland = page.body.split("Poland").nth(1).unwrap_or_default();
        assert!(
            poland.starts_with("</th><td>1</td><td>&#60;5</td><td>0</td>"),
            "{backend}: {poland}"
        );
        let uk = send(&app, "GET", "/uk/figures", None, None).await;
        assert!(uk.body.contains("Людей, яким допомогли: 11"), "{}", uk.body);
    });
}
