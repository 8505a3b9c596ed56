//! Visits on both backends: recorded once however often retried, corrected only by a logged
//! change, summed per hub and day.

use bluedot_core::visit::{AgeBand, Counts, VisitDraft};
use bluedot_core::{PriorityGroup, ServiceKind};
use bluedot_store::Store;
use bluedot_store::visits::{NewVisit, VisitStatus};
use chrono::NaiveDate;

use crate::on_both_backends;
use crate::people::demo_hub;

pub fn group(women: u32, children: u32) -> VisitDraft {
    let mut counts = Counts::default();
    counts.set(AgeBand::From18To59, true, women);
    counts.set(AgeBand::From5To11, false, children);
    VisitDraft {
        counts,
        with_disability: 1,
        groups: vec![PriorityGroup::WomenWithYoungChildren],
        nationality: "UA".into(),
        services: vec![ServiceKind::InformationDesk, ServiceKind::Supplies],
    }
}

fn day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 22).unwrap()
}

pub fn new_visit(hub: &bluedot_core::Hub, key: &str, draft: VisitDraft) -> NewVisit {
    NewVisit {
        hub_id: hub.id,
        country: hub.country,
        day: day(),
        idempotency_key: key.into(),
        recorded_by: None,
        draft,
        items: Vec::new(),
        deployment_id: None,
    }
}

#[tokio::test]
async fn a_retried_submission_is_recorded_once() {
    on_both_backends!(async |store: Store, backend: &str, _url: String| {
        let hub = demo_hub(&store, "siret-border").await;
        let first = store
            .record_visit(
                &new_visit(&hub, "k-1", group(1, 2)),
                crate::support::system(),
            )
            .await
            .unwrap();
        assert!(first.created);
        let again = store
            .record_visit(
                &new_visit(&hub, "k-1", group(1, 2)),
                crate::support::system(),
            )
            .await
            .unwrap();
        assert_eq!(again.id, first.id, "{backend}");
        assert!(!again.created);
        // Ten retries racing each other still make one visit.
        let racers: Vec<_> = (0..10)
            .map(|_| {
                let store = store.clone();
                let v = new_visit(&hub, "k-2", group(2, 1));
                tokio::spawn(async move {
                    store
                        .record_visit(&v, crate::support::system())
                        .await
                        .unwrap()
                })
            })
            .collect();
        let mut ids = Vec::new();
        for r in racers {
            ids.push(r.await.unwrap());
        }
        assert_eq!(ids.iter().filter(|r| r.created).count(), 1, "{backend}");
        assert!(ids.iter().all(|r| r.id == ids[0].id));
        let figures = store.day_figures(hub.id, day()).await.unwrap();
        assert_eq!(figures.visits, 2, "{backend}");
        assert_eq!(figures.counts.total(), 6);
        assert_eq!(figures.counts.children(), 3);
        assert_eq!(figures.with_disability, 2);
        assert!(figures.services.contains(&(ServiceKind::Supplies, 2)));
        // A key belongs to one hub.
        let other = demo_hub(&store, "isaccea-border").await;
        assert!(
            store
                .record_visit(
                    &new_visit(&other, "k-1", group(1, 0)),
                    crate::support::system()
                )
                .await
                .is_err()
        );
    });
}

#[tokio::test]
async fn bad_visits_are_refused_and_nothing_is_written() {
    on_both_backends!(async |store: Store, backend: &str, _url: String| {
        let hub = demo_hub(&store, "siret-border").await;
        let mut bad = group(0, 0);
        bad.with_disability = 0;
        let err = store
            .record_visit(&new_visit(&hub, "k-0", bad), crate::support::system())
            .await
            .unwrap_err();
        assert!(
            err.to_string().contains("count at least one person"),
            "{backend}: {err}"
        );
        assert!(store.visits_on(hub.id, day()).await.unwrap().is_empty());
    });
}

#[tokio::test]
async fn corrections_keep_the_old_figures_and_the_reason() {
    on_both_backends!(async |store: Store, backend: &str, _url: String| {
        let hub = demo_hub(&store, "siret-border").await;
        let first = store
            .record_visit(&new_visit(&hub, "a", group(1, 3)), crate::support::system())
            .await
            .unwrap();
        let fixed = store
            .correct_visit(
                first.id,
                &new_visit(&hub, "a-fix", group(1, 2)),
                "two children, not three",
                crate::support::system(),
            )
            .await
            .unwrap();
        // Retrying the same correction changes nothing more.
        let retried = store
            .correct_visit(
                first.id,
                &new_visit(&hub, "a-fix", group(1, 2)),
                "two children, not three",
                crate::support::system(),
            )
            .await
            .unwrap();
        assert_eq!(retried.id, fixed.id, "{backend}");
        // A second, different correction of the same old visit loses: it was corrected already.
        let late = store
            .correct_visit(
                first.id,
                &new_visit(&hub, "a-fix-2", group(1, 9)),
                "nine",
                crate::support::system(),
            )
            .await;
        assert!(late.is_err(), "{backend}");
        let all = store.visits_on(hub.id, day()).await.unwrap();
        assert!(
            !all.iter().any(|v| v.draft.counts.total() == 10),
            "{backend}: nothing of the losing correction was written"
        );

        let old = store.visit(first.id).await.unwrap().unwrap();
        assert_eq!(old.status, VisitStatus::Corrected);
        assert_eq!(
            old.change_reason.as_deref(),
            Some("two children, not three")
        );
        assert_eq!(old.draft.counts.total(), 4, "the old figures stay");
        let new = store.visit(fixed.id).await.unwrap().unwrap();
        assert_eq!(new.corrects, Some(first.id));

        let mistake = store
            .record_visit(&new_visit(&hub, "b", group(5, 0)), crate::support::system())
            .await
            .unwrap();
        assert!(
            store
                .void_visit(mistake.id, "test entry", crate::support::system())
                .await
                .unwrap()
        );
        assert!(
            !store
                .void_visit(mistake.id, "test entry", crate::support::system())
                .await
                .unwrap()
        );
        assert!(
            store
                .void_visit(fixed.id, " ", crate::support::system())
                .await
                .is_err(),
            "a reason is needed"
        );

        let figures = store.day_figures(hub.id, day()).await.unwrap();
        assert_eq!(
            (figures.visits, figures.counts.total()),
            (1, 3),
            "{backend}"
        );
        assert_eq!(store.visits_on(hub.id, day()).await.unwrap().len(), 3);
    });
}

#[tokio::test]
async fn a_visit_and_its_audit_entry_are_stored_together_or_not_at_all() {
    on_both_backends!(async |store: Store, backend: &str, url: String| {
        let hub = demo_hub(&store, "siret-border").await;
        let recorded = store
            .record_visit(
                &new_visit(&hub, "with-entry", group(1, 1)),
                crate::support::system(),
            )
            .await
            .unwrap();
        let entries = crate::support::audit_entries(&store, "visit.").await;
        assert_eq!(entries.len(), 1, "{backend}");
        assert_eq!(entries[0].subject, format!("visit:{}", recorded.id));
        // A process that cannot audit (here: no audit key) stores nothing either.
        let unaudited = Store::connect(&url).await.unwrap();
        assert!(
            unaudited
                .record_visit(
                    &new_visit(&hub, "no-entry", group(1, 1)),
                    crate::support::system()
                )
                .await
                .is_err(),
            "{backend}"
        );
        let day = store.visits_on(hub.id, day()).await.unwrap();
        assert_eq!(day.len(), 1, "{backend}: the unaudited visit was not kept");
        assert!(
            unaudited
                .void_visit(recorded.id, "no audit", crate::support::system())
                .await
                .is_err()
        );
        assert_eq!(
            store.visit(recorded.id).await.unwrap().unwrap().status,
            VisitStatus::Current,
            "{backend}"
        );
        unaudited.close().await;
    });
}
