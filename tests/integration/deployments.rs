//! Mobile team deployments on both backends: planned with a place, a time and a team; started
//! and completed by the team; visits and referrals made there counted for it.

use axum::http::StatusCode;
use bluedot_core::deployment::{DeploymentPlan, DeploymentStatus};
use bluedot_core::policy::{Role, Scope};
use bluedot_store::Store;
use bluedot_store::deployments::NewDeployment;
use chrono::{Duration, Utc};

use crate::on_both_backends;
use crate::people::demo_hub;
use crate::staff::{account_signed_in, app, between, csrf_of, encode, register, send};

/// `datetime-local` text for a time `hours` from now in Romania.
fn local(hours: i64) -> String {
    (Utc::now() + Duration::hours(hours))
        .with_timezone(&chrono_tz::Europe::Bucharest)
        .format("%Y-%m-%dT%H:%M")
        .to_string()
}

#[tokio::test]
async fn a_team_goes_out_and_what_it_reaches_is_counted_for_the_deployment() {
    on_both_backends!(async |store: Store, backend: &str, _url: String| {
        bluedot_cli::load_demo(&store).await.unwrap();
        let app = app(&store);
        let siret = store.hub_by_slug("siret-border").await.unwrap().unwrap();
        let other = store.hub_by_slug("isaccea-border").await.unwrap().unwrap();
        let here = Scope {
            hubs: vec![siret.id],
            ..Scope::default()
        };
        let elsewhere = Scope {
            hubs: vec![other.id],
            ..Scope::default()
        };
        let lead =
            account_signed_in(&app, &store, "lead", Role::HubCoordinator, here.clone()).await;
        let ana = account_signed_in(&app, &store, "ana", Role::InformationDesk, here.clone()).await;
        let worker =
            account_signed_in(&app, &store, "worker", Role::SocialWorker, here.clone()).await;
        let outsider =
            account_signed_in(&app, &store, "outsider", Role::InformationDesk, elsewhere).await;
        let ana_id = store.user_by_username("ana").await.unwrap().unwrap().id;
        let worker_id = store.user_by_username("worker").await.unwrap().unwrap().id;
        let outsider_id = store
            .user_by_username("outsider")
            .await
            .unwrap()
            .unwrap()
            .id;

        let list = send(&app, "GET", "/staff/deployments", Some(&lead), None).await;
        assert_eq!(list.status, StatusCode::OK, "{backend}");
        assert!(list.body.contains("id=\"no-deployments\""));
        assert!(list.body.contains(&format!("value=\"{ana_id}\"")));
        assert!(
            !list.body.contains(&format!("value=\"{outsider_id}\"")),
            "only people who record visits at the lead's hubs are offered"
        );
        let csrf = csrf_of(&list.body);
        let plan = |starts: i64, ends: i64, team: &[uuid::Uuid]| {
            let mut body = format!(
                "csrf={csrf}&hub={}&place={}&starts_at={}&ends_at={}&note={}",
                siret.id,
                encode("Vicovu de Sus bus stop"),
                encode(&local(starts)),
                encode(&local(ends)),
                encode("Bring the child-friendly kit")
            );
            for id in team {
                body.push_str(&format!("&team={id}"));
            }
            body
        };
        // The end before the start: refused, the form kept.
        let bad = send(
            &app,
            "POST",
            "/staff/deployments",
            Some(&lead),
            Some(&plan(5, 2, &[ana_id])),
        )
        .await;
        assert_eq!(bad.status, StatusCode::BAD_REQUEST, "{backend}");
        assert!(
            bad.body
                .contains("Until: the end must come after the start")
        );
        assert!(bad.body.contains("value=\"Vicovu de Sus bus stop\""));
        let bad = send(
            &app,
            "POST",
            "/staff/deployments",
            Some(&lead),
            Some(&plan(1, 9, &[ana_id, outsider_id])),
        )
        .await;
        assert_eq!(bad.status, StatusCode::BAD_REQUEST);
        assert!(
            bad.body.contains("Team: everyone on the team"),
            "{}",
            bad.body
        );
        // Information desk staff record visits but do not plan.
        let desk_csrf = csrf_of(
            &send(&app, "GET", "/staff/visits", Some(&ana), None)
                .await
                .body,
        );
        assert!(
            !send(&app, "GET", "/staff/deployments", Some(&ana), None)
                .await
                .body
                .contains("id=\"plan-deployment\"")
        );
        let refused = send(
            &app,
            "POST",
            "/staff/deployments",
            Some(&ana),
            Some(&plan(1, 9, &[ana_id]).replace(&csrf, &desk_csrf)),
        )
        .await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN);

        let planned = send(
            &app,
            "POST",
            "/staff/deployments",
            Some(&lead),
            Some(&plan(0, 9, &[ana_id, worker_id])),
        )
        .await;
        assert_eq!(
            planned.status,
            StatusCode::SEE_OTHER,
            "{backend}: {}",
            planned.body
        );
        let page_url = planned.location.unwrap();
        let deployment_id = page_url.rsplit('/').next().unwrap().to_owned();
        let page = send(&app, "GET", &page_url, Some(&ana), None).await;
        assert!(page.body.contains("planned") && page.body.contains("ana, worker"));
        assert!(page.body.contains("value=\"under-way\""));
        assert!(
            !page.body.contains("value=\"cancelled\""),
            "the team may not cancel"
        );

        // Not started: the counter does not offer it, and a visit naming it is refused.
        let counter = send(&app, "GET", "/staff/visits", Some(&ana), None).await;
        assert!(!counter.body.contains(&deployment_id), "{backend}");
        let visit = |key: &str, women: u32, children: u32, deployment: &str| {
            format!(
                "csrf={}&hub={}&key={key}&female-18-59={women}&male-5-11={children}&nationality=UA&deployment={deployment}",
                csrf_of(&counter.body),
                siret.id
            )
        };
        let early = send(
            &app,
            "POST",
            "/staff/visits",
            Some(&ana),
            Some(&visit("early-visit-1", 1, 0, &deployment_id)),
        )
        .await;
        assert_eq!(early.status, StatusCode::BAD_REQUEST, "{backend}");
        assert!(early.body.contains("not under way"), "{}", early.body);

        let ana_csrf = csrf_of(&page.body);
        let moved = move_to(&app, &page_url, &ana, &ana_csrf, "cancelled").await;
        assert_eq!(moved.status, StatusCode::BAD_REQUEST, "{backend}");
        let moved = move_to(&app, &page_url, &ana, &ana_csrf, "under-way").await;
        assert_eq!(moved.status, StatusCode::SEE_OTHER, "{backend}");
        let again = move_to(&app, &page_url, &ana, &ana_csrf, "under-way").await;
        assert_eq!(again.status, StatusCode::BAD_REQUEST, "started once");

        // Under way: the team's counter preselects it; the hub's figures include it.
        let counter = send(&app, "GET", "/staff/visits", Some(&ana), None).await;
        assert!(
            counter.body.contains(&format!(
                "<option value=\"{deployment_id}\" selected>Vicovu de Sus bus stop"
            )),
            "{backend}"
        );
        for (key, women, children, deployment) in [
            ("out-visit-1", 1, 2, deployment_id.as_str()),
            ("out-visit-2", 1, 0, deployment_id.as_str()),
            ("hub-visit-1", 2, 0, ""),
        ] {
            let r = send(
                &app,
                "POST",
                "/staff/visits",
                Some(&ana),
                Some(&visit(key, women, children, deployment)),
            )
            .await;
            assert_eq!(r.status, StatusCode::SEE_OTHER, "{backend}: {}", r.body);
        }

        // A referral made out there, by the social worker on the team.
        let worker_csrf = csrf_of(
            &send(&app, "GET", "/staff/people/new", Some(&worker), None)
                .await
                .body,
        );
        let person = register(
            &app,
            &worker,
            siret.id,
            &format!("given_name={}&family_name={}&sex=male&age=9&languages=uk&need=separated-child&consent_by=parent", encode("Марко"), encode("Бойко")),
        )
        .await;
        send(
            &app,
            "POST",
            &format!("{person}/consents"),
            Some(&worker),
            Some(&format!(
                "csrf={worker_csrf}&purpose=referral&given_by=parent"
            )),
        )
        .await;
        let record = send(&app, "GET", &person, Some(&worker), None).await;
        assert!(
            record
                .body
                .contains(&format!("<option value=\"{deployment_id}\" selected>")),
            "{backend}: the worker on the team refers from there by default"
        );
        let referred = send(
            &app,
            "POST",
            &format!("{person}/referrals"),
            Some(&worker),
            Some(&format!(
                "csrf={worker_csrf}&service=family-tracing&to=specialist%3Asocial-worker&urgency=high&share=identity&reason={}&deployment={deployment_id}",
                encode("Separated from his mother at the crossing")
            )),
        )
        .await;
        assert_eq!(
            referred.status,
            StatusCode::SEE_OTHER,
            "{backend}: {}",
            referred.body
        );

        let page = send(&app, "GET", &page_url, Some(&lead), None).await;
        assert_eq!(
            between(&page.body, "id=\"deployment-people\">", "<"),
            "4",
            "{backend}"
        );
        assert_eq!(between(&page.body, "id=\"deployment-children\">", "<"), "2");
        assert_eq!(between(&page.body, "id=\"deployment-visits\">", "<"), "2");
        assert_eq!(
            between(&page.body, "id=\"deployment-referrals\">", "<"),
            "1"
        );
        let counter = send(&app, "GET", "/staff/visits", Some(&ana), None).await;
        assert_eq!(
            between(&counter.body, "id=\"today-people\">", "<"),
            "6",
            "{backend}: the hub's figures include the deployment's"
        );
        let list = send(&app, "GET", "/staff/deployments", Some(&lead), None).await;
        assert!(list.body.contains("4 people reached") && list.body.contains("1 referrals"));

        // Another hub's staff never see it.
        let hidden = send(&app, "GET", &page_url, Some(&outsider), None).await;
        assert_eq!(hidden.status, StatusCode::NOT_FOUND, "{backend}");
        let theirs = send(&app, "GET", "/staff/deployments", Some(&outsider), None).await;
        assert!(!theirs.body.contains(&deployment_id));

        // Back at the hub: completed; what the team queued offline still arrives.
        let done = move_to(&app, &page_url, &ana, &ana_csrf, "completed").await;
        assert_eq!(done.status, StatusCode::SEE_OTHER);
        let counter = send(&app, "GET", "/staff/visits", Some(&ana), None).await;
        assert!(!counter.body.contains(&deployment_id));
        let late = send(
            &app,
            "POST",
            "/staff/visits",
            Some(&ana),
            Some(&visit("queued-offline-1", 0, 1, &deployment_id)),
        )
        .await;
        assert_eq!(
            late.status,
            StatusCode::SEE_OTHER,
            "{backend}: {}",
            late.body
        );
        let page = send(&app, "GET", &page_url, Some(&lead), None).await;
        assert!(page.body.contains("completed"));
        assert_eq!(between(&page.body, "id=\"deployment-people\">", "<"), "5");

        let audit = store
            .search_audit(&bluedot_store::audit::AuditQuery {
                action_prefix: Some("deployment.".into()),
                limit: 100,
                ..Default::default()
            })
            .await
            .unwrap();
        for (action, outcome) in [
            ("deployment.plan", "ok"),
            ("deployment.under-way", "ok"),
            ("deployment.completed", "ok"),
            ("deployment.cancelled", "denied"),
            ("deployment.view", "denied"),
        ] {
            assert!(
                audit
                    .iter()
                    .any(|e| e.action == action && e.outcome == outcome),
                "{backend}: {action} {outcome}"
            );
        }
    });
}

async fn move_to(
    app: &axum::Router,
    page: &str,
    cookie: &str,
    csrf: &str,
    status: &str,
) -> crate::staff::Reply {
    send(
        app,
        "POST",
        &format!("{page}/status"),
        Some(cookie),
        Some(&format!("csrf={csrf}&status={status}")),
    )
    .await
}

#[tokio::test]
async fn two_team_members_starting_at_once_start_it_once() {
    on_both_backends!(async |store: Store, backend: &str, _url: String| {
        let hub = demo_hub(&store, "siret-border").await;
        let user = store
            .create_user(
                "ana",
                "Ana",
                Role::InformationDesk,
                &Scope {
                    hubs: vec![hub.id],
                    ..Scope::default()
                },
                crate::support::system(),
            )
            .await
            .unwrap();
        let now = Utc::now();
        let id = store
            .plan_deployment(
                &NewDeployment {
                    hub_id: hub.id,
                    country: hub.country,
                    plan: DeploymentPlan {
                        place: "Collective shelter, Rădăuți".into(),
                        starts_at: now,
                        ends_at: now + Duration::hours(8),
                        team: vec![user.id],
                        note: String::new(),
                    },
                    created_by: None,
                },
                crate::support::system(),
            )
            .await
            .unwrap();
        let racers: Vec<_> = (0..6)
            .map(|_| {
                let store = store.clone();
                tokio::spawn(async move {
                    store
                        .move_deployment(id, DeploymentStatus::UnderWay, crate::support::system())
                        .await
                        .is_ok()
                })
            })
            .collect();
        let mut won = 0;
        for r in racers {
            won += usize::from(r.await.unwrap());
        }
        assert_eq!(won, 1, "{backend}");
        let d = store.deployment(id).await.unwrap().unwrap();
        assert_eq!(d.status, DeploymentStatus::UnderWay);
        assert!(d.started_at.is_some() && d.ended_at.is_none());
        assert_eq!(d.team, vec![(user.id, "Ana".to_owned())]);
        // A deployment of another hub cannot be named by this hub's visits.
        let other = demo_hub(&store, "isaccea-border").await;
        let mut visit = crate::visits::new_visit(&other, "wrong-hub-1", crate::visits::group(1, 0));
        visit.deployment_id = Some(id);
        let err = store
            .record_visit(&visit, crate::support::system())
            .await
            .unwrap_err();
        assert!(
            err.to_string().contains("not a deployment of this hub"),
            "{err}"
        );
    });
}
