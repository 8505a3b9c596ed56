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
use sqlx::Connection;

use crate::on_both_backends;
use crate::people::{child, demo_hub, keys};
use crate::staff::{account_signed_in, app, csrf_of, send};
use crate::visits::{group, new_visit};

fn sum(tallies: &[Tally], indicator: Indicator, part: Option<&str>) -> u64 {
    tallies
        .iter()
        .filter(|t| t.indicator == indicator && part.is_none_or(|p| t.part == p))
        .map(|t| t.value)
        .sum()
}

/// Runs a statement over a connection of its own, behind the store's back; rows affected.
async fn execute(url: &str, sql: &str) -> u64 {
    if url.starts_with("postgres") {
        let mut c = sqlx::PgConnection::connect(url).await.unwrap();
        let done = sqlx::query(sql).execute(&mut c).await.unwrap();
        done.rows_affected()
    } else {
        let mut c = sqlx::SqliteConnection::connect(url).await.unwrap();
        let done = sqlx::query(sql).execute(&mut c).await.unwrap();
        done.rows_affected()
    }
}

#[tokio::test]
async fn every_indicator_counts_exactly_the_records_behind_it() {
    // Run at noon, and at 22:30 UTC in winter, when Romania's day has turned and Poland's not.
    for now in ["2026-11-22T12:00:00Z", "2026-11-22T22:30:00Z"] {
        let now: chrono::DateTime<Utc> = now.parse().unwrap();
        every_indicator_counts_exactly_at(now).await;
    }
}

async fn every_indicator_counts_exactly_at(now: chrono::DateTime<Utc>) {
    on_both_backends!(async |store: Store, backend: &str, _url: String| {
        let store = store.with_clock(bluedot_store::Clock::Fixed(now));
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
            .record_visit(&on(&siret, "a", 1, 2, day), crate::support::system())
            .await
            .unwrap();
        store
            .record_visit(&on(&siret, "b", 2, 3, day), crate::support::system())
            .await
            .unwrap();
        store
            .record_visit(&on(&medyka, "c", 3, 0, day), crate::support::system())
            .await
            .unwrap();
        // Voided, and outside the period: not counted.
        let voided = store
            .record_visit(&on(&siret, "d", 7, 7, day), crate::support::system())
            .await
            .unwrap();
        assert!(
            store
                .void_visit(voided.id, "entered twice", crate::support::system())
                .await
                .unwrap()
        );
        let before = day - Days::new(30);
        store
            .record_visit(&on(&siret, "e", 9, 9, before), crate::support::system())
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

        // People and cases are counted on the day each one's hub saw them registered or opened.
        let day_at =
            |hub: &bluedot_core::Hub| now.with_timezone(&hub.country.timezone()).date_naive();
        let (today, medyka_today) = (day_at(&siret), day_at(&medyka));
        let girl = store
            .create_person(&keys, &child(&siret), crate::support::system())
            .await
            .unwrap();
        let mut mother = child(&siret);
        mother.needs = vec![SpecificNeed::SingleCaregiver];
        store
            .create_person(&keys, &mother, crate::support::system())
            .await
            .unwrap();
        let mut separated = child(&medyka);
        separated.needs = vec![SpecificNeed::Separated];
        store
            .create_person(&keys, &separated, crate::support::system())
            .await
            .unwrap();
        let worker = store
            .create_user(
                "worker",
                "worker",
                Role::SocialWorker,
                &Scope {
                    hubs: vec![siret.id],
                    ..Scope::default()
                },
                crate::support::system(),
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
            .open_case(&keys, &case, &Default::default(), crate::support::system())
            .await
            .unwrap();
        let t = store
            .tallies(today.min(medyka_today), today.max(medyka_today))
            .await
            .unwrap();
        assert_eq!(sum(&t, Indicator::ChildrenAtRisk, None), 2, "{backend}");
        let at_medyka = store.tallies(medyka_today, medyka_today).await.unwrap();
        assert_eq!(
            sum(
                &at_medyka,
                Indicator::UascIdentified,
                Some("separated-child")
            ),
            1,
            "{backend} at {now}: on Medyka's own day"
        );
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
        let yesterday = today.min(medyka_today) - Days::new(1);
        let t = store.tallies(yesterday, yesterday).await.unwrap();
        assert_eq!(sum(&t, Indicator::ChildrenAtRisk, None), 0, "{backend}");
    });
}

#[tokio::test]
async fn daily_sums_keep_every_visit_of_concurrent_counters_and_follow_corrections() {
    on_both_backends!(async |store: Store, backend: &str, url: String| {
        let hub = demo_hub(&store, "siret-border").await;
        let day = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
        // Twenty counters at one hub record at once: each visit is in the day's sum.
        let counters: Vec<_> = (0..20)
            .map(|i| {
                let store = store.clone();
                let v = new_visit(&hub, &format!("counter-{i}"), group(1, 1));
                tokio::spawn(async move {
                    store
                        .record_visit(&v, crate::support::system())
                        .await
                        .unwrap()
                })
            })
            .collect();
        for c in counters {
            c.await.unwrap();
        }
        let t = store.tallies(day, day).await.unwrap();
        assert_eq!(sum(&t, Indicator::PeopleReached, None), 40, "{backend}");
        // A correction that moves a visit to the day before takes it out of this day's sum.
        let moved = store
            .record_visit(
                &new_visit(&hub, "late", group(2, 0)),
                crate::support::system(),
            )
            .await
            .unwrap();
        let mut fixed = new_visit(&hub, "late-fixed", group(2, 0));
        fixed.day = day - Days::new(1);
        store
            .correct_visit(
                moved.id,
                &fixed,
                "recorded on the wrong day",
                crate::support::system(),
            )
            .await
            .unwrap();
        let t = store.tallies(day, day).await.unwrap();
        assert_eq!(sum(&t, Indicator::PeopleReached, None), 40, "{backend}");
        let t = store.tallies(fixed.day, fixed.day).await.unwrap();
        assert_eq!(sum(&t, Indicator::PeopleReached, None), 2, "{backend}");

        // A database whose visits predate the daily sums gets them when it is migrated.
        let emptied = execute(&url, "DELETE FROM visit_days").await;
        assert_eq!(emptied, 2, "{backend}");
        assert!(store.tallies(day, day).await.unwrap().is_empty());
        store.migrate().await.unwrap();
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
                .record_visit(
                    &new_visit(hub, key, group(women, children)),
                    crate::support::system(),
                )
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

#[tokio::test]
async fn figures_and_targets_stay_within_each_roles_scope() {
    on_both_backends!(async |store: Store, backend: &str, _url: String| {
        let siret = demo_hub(&store, "siret-border").await;
        let medyka = demo_hub(&store, "medyka-border").await;
        store
            .record_visit(
                &new_visit(&siret, "ro", group(2, 1)),
                crate::support::system(),
            )
            .await
            .unwrap();
        store
            .record_visit(
                &new_visit(&medyka, "pl", group(9, 9)),
                crate::support::system(),
            )
            .await
            .unwrap();
        let app = app(&store);
        let country = |c| Scope {
            countries: vec![c],
            ..Scope::default()
        };
        let lead = account_signed_in(
            &app,
            &store,
            "lead",
            Role::CountryCoordinator,
            country(bluedot_core::Country::Romania),
        )
        .await;
        let analyst = account_signed_in(
            &app,
            &store,
            "analyst",
            Role::DataAnalyst,
            country(bluedot_core::Country::Romania),
        )
        .await;
        let worker = account_signed_in(
            &app,
            &store,
            "worker",
            Role::SocialWorker,
            Scope {
                hubs: vec![siret.id],
                ..Scope::default()
            },
        )
        .await;
        let period = "from=2026-11-22&to=2026-11-22";
        // The coordinator sees Romania's three people exactly; the analyst sees "<5".
        let page = send(
            &app,
            "GET",
            &format!("/staff/figures?{period}"),
            Some(&lead),
            None,
        )
        .await;
        assert_eq!(page.status, axum::http::StatusCode::OK, "{backend}");
        let people = |body: &str| {
            body.split("id=\"ind-people-reached\"")
                .nth(1)
                .and_then(|rest| rest.split("class=\"value\">").nth(1))
                .and_then(|rest| rest.split('<').next())
                .unwrap_or_default()
                .to_owned()
        };
        assert_eq!(people(&page.body), "3", "{backend}");
        let seen = send(
            &app,
            "GET",
            &format!("/staff/figures?{period}"),
            Some(&analyst),
            None,
        )
        .await;
        assert_eq!(people(&seen.body), "&#60;5", "{backend}");
        // Poland is no place of theirs, and a worker has no figures at all.
        let poland = send(
            &app,
            "GET",
            &format!("/staff/figures?{period}&country=PL"),
            Some(&lead),
            None,
        )
        .await;
        assert_eq!(
            poland.status,
            axum::http::StatusCode::BAD_REQUEST,
            "{backend}"
        );
        let csv = send(
            &app,
            "GET",
            &format!("/staff/figures.csv?{period}&country=PL"),
            Some(&lead),
            None,
        )
        .await;
        assert_eq!(csv.status, axum::http::StatusCode::NOT_FOUND, "{backend}");
        let denied = send(&app, "GET", "/staff/figures", Some(&worker), None).await;
        assert_eq!(
            denied.status,
            axum::http::StatusCode::FORBIDDEN,
            "{backend}"
        );

        // Targets: the coordinator sets one for Romania, the analyst may not.
        let form = |body: &str| {
            format!(
                "csrf={}&country=RO&indicator=people-reached&label=&starts=2026-01-01&ends=2026-12-31&value=100",
                csrf_of(body)
            )
        };
        let ro = send(&app, "GET", "/staff/figures?country=RO", Some(&lead), None).await;
        let set = send(
            &app,
            "POST",
            "/staff/figures/targets",
            Some(&lead),
            Some(&form(&ro.body)),
        )
        .await;
        assert_eq!(
            set.status,
            axum::http::StatusCode::SEE_OTHER,
            "{backend}: {}",
            set.body
        );
        assert_eq!(store.targets().await.unwrap().len(), 1);
        // Refused input shows the form again as typed, with why, and stores nothing.
        let backwards = form(&ro.body).replace("starts=2026-01-01", "starts=2027-01-01");
        let again = send(
            &app,
            "POST",
            "/staff/figures/targets",
            Some(&lead),
            Some(&backwards),
        )
        .await;
        assert_eq!(
            again.status,
            axum::http::StatusCode::BAD_REQUEST,
            "{backend}"
        );
        assert!(
            again.body.contains("on or after the first"),
            "{}",
            again.body
        );
        assert!(again.body.contains("value=\"2027-01-01\""));
        assert_eq!(store.targets().await.unwrap().len(), 1);
        let as_analyst = send(
            &app,
            "GET",
            "/staff/figures?country=RO",
            Some(&analyst),
            None,
        )
        .await;
        assert!(!as_analyst.body.contains("id=\"new-target\""));
        let home = send(&app, "GET", "/staff", Some(&analyst), None).await;
        let refused = send(
            &app,
            "POST",
            "/staff/figures/targets",
            Some(&analyst),
            Some(&form(&home.body)),
        )
        .await;
        assert_eq!(
            refused.status,
            axum::http::StatusCode::FORBIDDEN,
            "{backend}"
        );
        assert_eq!(store.targets().await.unwrap().len(), 1);
        let audited = store
            .search_audit(&bluedot_store::audit::AuditQuery {
                action_prefix: Some("figures.target".into()),
                limit: 10,
                ..Default::default()
            })
            .await
            .unwrap();
        assert_eq!(audited.len(), 1, "{backend}");
    });
}

#[tokio::test]
async fn referrals_best_interests_birth_registration_tracing_and_supplies_are_counted() {
    use bluedot_core::ServiceKind;
    use bluedot_core::case::{BirthRegistration, Step};
    use bluedot_core::person::{ConsentGiver, ConsentPurpose};
    use bluedot_core::policy::Field;
    use bluedot_core::referral::{ReferralStatus, Urgency};
    use bluedot_core::supply::SupplyItem;
    use bluedot_core::tracing_request::{MatchStatus, RequesterInfo, Sought};
    use bluedot_store::cases::{CaseChange, StepText};
    use bluedot_store::people::NewConsent;
    use bluedot_store::referrals::{NewReferral, ReferralTo};
    use bluedot_store::supplies::MovementBy;
    use bluedot_store::tracing::{NewTracingRequest, Reunification};

    on_both_backends!(async |store: Store, backend: &str, url: String| {
        let keys = keys();
        let hub = demo_hub(&store, "siret-border").await;
        let user = |name: &'static str, role| {
            let store = store.clone();
            async move {
                let scope = Scope {
                    hubs: vec![hub.id],
                    ..Scope::default()
                };
                store
                    .create_user(name, name, role, &scope, crate::support::system())
                    .await
                    .unwrap()
                    .id
            }
        };
        let worker = user("worker", Role::SocialWorker).await;
        let lead = user("lead", Role::HubCoordinator).await;
        let girl = store
            .create_person(&keys, &child(&hub), crate::support::system())
            .await
            .unwrap();
        for purpose in [ConsentPurpose::Referral, ConsentPurpose::Tracing] {
            let consent = NewConsent {
                purpose,
                given_by: ConsentGiver::ChildAssent,
                recorded_by: None,
            };
            store
                .record_consent(girl, &consent, crate::support::system())
                .await
                .unwrap();
        }

        // Two referrals made, one completed.
        let referral = |service| NewReferral {
            person_id: girl,
            hub_id: hub.id,
            country: hub.country,
            service,
            to: ReferralTo::Specialist(Role::LegalAid),
            urgency: Urgency::Medium,
            shared: vec![Field::Needs],
            reason: "papers".into(),
            created_by: Some(worker),
            deployment_id: None,
        };
        let legal = store
            .create_referral(
                &keys,
                &referral(ServiceKind::LegalCounselling),
                crate::support::system(),
            )
            .await
            .unwrap();
        store
            .create_referral(
                &keys,
                &referral(ServiceKind::PsychosocialSupport),
                crate::support::system(),
            )
            .await
            .unwrap();
        for (to, feedback) in [
            (ReferralStatus::Accepted, ""),
            (ReferralStatus::Completed, "papers issued"),
        ] {
            store
                .move_referral(&keys, legal, to, feedback, crate::support::system())
                .await
                .unwrap();
        }

        // A case through its best interests assessment and determination, and a birth
        // registration seen through.
        let new = NewCase {
            person_id: girl,
            hub_id: hub.id,
            country: hub.country,
            concerns: vec![ProtectionConcern::Unaccompanied],
            risk: RiskLevel::High,
            assigned_to: worker,
            opened_by: Some(worker),
            screening: "alone".into(),
        };
        let deadlines = Default::default();
        let id = store
            .open_case(&keys, &new, &deadlines, crate::support::system())
            .await
            .unwrap();
        let mut case = store.case(id).await.unwrap().unwrap();
        for (step, by) in [
            (Step::Assess, worker),
            (Step::RecordBia { bid_required: true }, worker),
            (Step::ApproveBip, lead),
            (Step::RecordBid, worker),
            (Step::ApproveBip, lead),
            (
                Step::SetBirthRegistration(BirthRegistration::Needed),
                worker,
            ),
            (
                Step::SetBirthRegistration(BirthRegistration::Applied),
                worker,
            ),
            (
                Step::SetBirthRegistration(BirthRegistration::Registered),
                worker,
            ),
        ] {
            let change = CaseChange {
                id,
                version: case.version,
                step,
                text: StepText {
                    note: "done".into(),
                    panel: "panel of three".into(),
                    ..StepText::default()
                },
                by,
            };
            case = store
                .case_step(&keys, &change, &deadlines, crate::support::system())
                .await
                .unwrap();
        }

        // A tracing request that ends in reunification, and one closed unresolved.
        let request = |given: &str| NewTracingRequest {
            hub_id: hub.id,
            country: hub.country,
            public: false,
            sought: Sought {
                given_name: given.into(),
                family_name: "Кравченко".into(),
                ..Sought::default()
            },
            requester: RequesterInfo {
                name: "Оксана Кравченко".into(),
                relation: "mother".into(),
                phone: "+48 600 100 200".into(),
                contact_note: String::new(),
            },
            created_by: Some(worker),
        };
        let found = store
            .create_tracing_request(&keys, &request("Олена"), crate::support::system())
            .await
            .unwrap();
        store
            .propose_candidates(&keys, found, &[(girl, 0.9, "names".into())])
            .await
            .unwrap();
        for to in [MatchStatus::Confirmed, MatchStatus::Verified] {
            store
                .decide_candidate(found, girl, to, crate::support::system())
                .await
                .unwrap();
        }
        let met = Reunification {
            place: "Siret".into(),
            with_whom: "mother".into(),
            ..Reunification::default()
        };
        assert!(
            store
                .reunify(&keys, found, &met, crate::support::system())
                .await
                .unwrap()
        );
        let unresolved = store
            .create_tracing_request(&keys, &request("Марта"), crate::support::system())
            .await
            .unwrap();
        assert!(
            store
                .close_tracing_request(unresolved, crate::support::system())
                .await
                .unwrap()
        );

        // Twelve blankets in, five handed out.
        let by = MovementBy {
            recorded_by: None,
            note: String::new(),
        };
        store
            .receive_stock(
                hub.id,
                SupplyItem::Blanket,
                12,
                &by,
                crate::support::system(),
            )
            .await
            .unwrap();
        store
            .distribute_stock(
                hub.id,
                SupplyItem::Blanket,
                5,
                &by,
                crate::support::system(),
            )
            .await
            .unwrap();

        let today = Utc::now()
            .with_timezone(&hub.country.timezone())
            .date_naive();
        let t = store.tallies(today, today).await.unwrap();
        let expect = [
            (Indicator::ReferralsMade, None, 2),
            (Indicator::ReferralsMade, Some("legal-counselling"), 1),
            (Indicator::ReferralsCompleted, Some("legal-counselling"), 1),
            (Indicator::ReferralsCompleted, None, 1),
            (Indicator::CasesOpened, None, 1),
            (Indicator::BiaCompleted, None, 1),
            (Indicator::BidCompleted, None, 1),
            (Indicator::BirthRegistrations, None, 1),
            (Indicator::TracingResolved, None, 2),
            (Indicator::TracingResolved, Some("reunified"), 1),
            (Indicator::Reunifications, None, 1),
            (Indicator::SuppliesDistributed, Some("blanket"), 5),
            (Indicator::SuppliesDistributed, None, 5),
        ];
        for (indicator, part, n) in expect {
            assert_eq!(
                sum(&t, indicator, part),
                n,
                "{backend}: {indicator} {part:?}"
            );
        }

        // Records written before their counted days were stored get them when the database
        // is migrated, and count the same.
        for sql in [
            "UPDATE people SET registered_day = NULL",
            "UPDATE cases SET opened_day = NULL, closed_day = NULL",
            "UPDATE referrals SET created_day = NULL, updated_day = NULL",
            "UPDATE stock_movements SET day = NULL",
        ] {
            assert!(execute(&url, sql).await > 0, "{backend}: {sql}");
        }
        let blank = store.tallies(today, today).await.unwrap();
        assert_eq!(sum(&blank, Indicator::ReferralsMade, None), 0, "{backend}");
        assert_eq!(sum(&blank, Indicator::ChildrenAtRisk, None), 0, "{backend}");
        store.migrate().await.unwrap();
        let mut again = store.tallies(today, today).await.unwrap();
        let mut before = t;
        for tallies in [&mut again, &mut before] {
            tallies.sort_by_key(|t| (t.indicator.code(), t.part.clone()));
        }
        assert_eq!(again, before, "{backend}");
        assert_eq!(sum(&again, Indicator::ChildrenAtRisk, None), 1, "{backend}");
        assert_eq!(sum(&again, Indicator::CasesOpened, None), 1, "{backend}");
    });
}
