//! Cases over HTTP on both backends: a social worker opens a case for an unaccompanied child,
//! assesses, plans, records the best interests procedure, which the supervisor approves, and
//! the closure goes through the supervisor too; other roles and hubs never see the case.

use axum::http::StatusCode;
use bluedot_core::policy::{Role, Scope};
use bluedot_store::Store;

use crate::on_both_backends;
use crate::staff::{
    account_signed_in, app, between, csrf_of, encode, multipart, register, send, send_body,
    version_of,
};

#[tokio::test]
async fn an_unaccompanied_child_s_case_from_screening_to_approved_closure() {
    on_both_backends!(async |store: Store, backend: &str, _url: String| {
        bluedot_cli::load_demo(&store).await.unwrap();
        let app = app(&store);
        let siret = store.hub_by_slug("siret-border").await.unwrap().unwrap();
        let other = store.hub_by_slug("isaccea-border").await.unwrap().unwrap();
        let here = Scope {
            hubs: vec![siret.id],
            ..Scope::default()
        };
        let worker =
            account_signed_in(&app, &store, "worker", Role::SocialWorker, here.clone()).await;
        let lead =
            account_signed_in(&app, &store, "lead", Role::HubCoordinator, here.clone()).await;
        let legal = account_signed_in(&app, &store, "legal", Role::LegalAid, here.clone()).await;
        let outsider = account_signed_in(
            &app,
            &store,
            "outsider",
            Role::HubCoordinator,
            Scope {
                hubs: vec![other.id],
                ..Scope::default()
            },
        )
        .await;

        let csrf = csrf_of(
            &send(&app, "GET", "/staff/people/new", Some(&worker), None)
                .await
                .body,
        );
        let person = register(
            &app,
            &worker,
            siret.id,
            &format!("given_name={}&family_name={}&sex=male&age=12&languages=uk&need=unaccompanied-child&consent_by=child-assent", encode("Олександр"), encode("Кравченко")),
        )
        .await;
        let record = send(&app, "GET", &person, Some(&worker), None).await;
        let worker_id = store.user_by_username("worker").await.unwrap().unwrap().id;
        assert!(
            record
                .body
                .contains(&format!("<option value=\"{worker_id}\" selected>")),
            "the worker carries the case unless told otherwise"
        );
        assert!(record.body.contains("id=\"open-case\""), "{backend}");
        let open = |concerns: &str| {
            format!(
                "csrf={csrf}{concerns}&risk=high&assigned_to={}&screening={}",
                worker_id,
                encode("Crossed alone; says his aunt lives in Kraków")
            )
        };
        let none = send(
            &app,
            "POST",
            &format!("{person}/cases"),
            Some(&worker),
            Some(&open("")),
        )
        .await;
        assert_eq!(none.status, StatusCode::BAD_REQUEST, "{backend}");
        assert!(
            none.body
                .contains("Protection concerns: a case is opened for at least one"),
            "{}",
            none.body
        );
        let opened = send(
            &app,
            "POST",
            &format!("{person}/cases"),
            Some(&worker),
            Some(&open(
                "&concern=unaccompanied&concern=without-birth-certificate",
            )),
        )
        .await;
        assert_eq!(
            opened.status,
            StatusCode::SEE_OTHER,
            "{backend}: {}",
            opened.body
        );
        let case = opened.location.unwrap();
        let again = send(
            &app,
            "POST",
            &format!("{person}/cases"),
            Some(&worker),
            Some(&open("&concern=unaccompanied")),
        )
        .await;
        assert!(again.body.contains("already has an open case"), "{backend}");

        let page = send(&app, "GET", &case, Some(&worker), None).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("id=\"assessment-due\"") && page.body.contains("high risk"));
        assert!(
            page.body
                .contains("Crossed alone; says his aunt lives in Kraków")
        );

        // Nobody else sees it: legal aid at the same hub, a coordinator elsewhere.
        for who in [&legal, &outsider] {
            assert_eq!(
                send(&app, "GET", &case, Some(who), None).await.status,
                StatusCode::NOT_FOUND,
                "{backend}"
            );
        }
        assert_eq!(
            send(&app, "GET", "/staff/cases", Some(&legal), None)
                .await
                .status,
            StatusCode::FORBIDDEN
        );

        // Found from another spelling and script.
        for q in ["Aleksandr", "krawczenko", "Олександр Кравченко"] {
            let found = send(
                &app,
                "GET",
                &format!("/staff/cases?q={}", encode(q)),
                Some(&worker),
                None,
            )
            .await;
            assert!(found.body.contains(&case), "{backend}: {q}");
        }
        let young = send(&app, "GET", "/staff/cases?max_age=10", Some(&worker), None).await;
        assert!(young.body.contains("id=\"no-cases\""), "{backend}");
        let bad_age = send(&app, "GET", "/staff/cases?min_age=old", Some(&worker), None).await;
        assert_eq!(bad_age.status, StatusCode::BAD_REQUEST);

        let step = |who: &String, body: String| {
            let app = app.clone();
            let url = format!("{case}/step");
            let who = who.clone();
            async move { send(&app, "POST", &url, Some(&who), Some(&body)).await }
        };
        let v = |page: &str| version_of(page);
        let page = send(&app, "GET", &case, Some(&worker), None).await;
        let empty = step(
            &worker,
            format!(
                "csrf={csrf}&version={}&step=assessment&note=",
                v(&page.body)
            ),
        )
        .await;
        assert_eq!(empty.status, StatusCode::BAD_REQUEST);
        assert!(
            empty.body.contains("Note: write what was found"),
            "{}",
            empty.body
        );
        let r = step(
            &worker,
            format!(
                "csrf={csrf}&version={}&step=assessment&note={}",
                v(&page.body),
                encode("Healthy; aunt Оксана in Kraków confirmed by phone")
            ),
        )
        .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{backend}: {}", r.body);
        // The same form sent again is stale: refused, and the case shown as it is now.
        let stale = step(
            &worker,
            format!(
                "csrf={csrf}&version={}&step=case-plan&note=x",
                v(&page.body)
            ),
        )
        .await;
        assert_eq!(stale.status, StatusCode::BAD_REQUEST);
        assert!(stale.body.contains("Someone else changed this case"));
        let page = send(&app, "GET", &case, Some(&worker), None).await;
        let r = step(
            &worker,
            format!(
                "csrf={csrf}&version={}&step=case-plan&note={}",
                v(&page.body),
                encode("Trace the aunt; interim foster care")
            ),
        )
        .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        let page = send(&app, "GET", &case, Some(&worker), None).await;
        let r = step(
            &worker,
            format!(
                "csrf={csrf}&version={}&step=bia&bid_required=1&note={}",
                v(&page.body),
                encode("Kinship care with the aunt recommended")
            ),
        )
        .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        // The worker may not approve; the supervisor may.
        let page = send(&app, "GET", &case, Some(&worker), None).await;
        assert!(!page.body.contains("id=\"step-approve-bip\""));
        let r = step(
            &worker,
            format!("csrf={csrf}&version={}&step=bip-approval", v(&page.body)),
        )
        .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{backend}");
        let lead_page = send(&app, "GET", &case, Some(&lead), None).await;
        assert!(
            lead_page.body.contains("id=\"step-approve-bip\""),
            "{backend}"
        );
        let lead_csrf = csrf_of(&lead_page.body);
        // The supervisor may send it back, saying why; without a reason nothing changes.
        let no_reason = step(
            &lead,
            format!(
                "csrf={lead_csrf}&version={}&step=bip-return",
                v(&lead_page.body)
            ),
        )
        .await;
        assert!(
            no_reason.body.contains("say why it is sent back"),
            "{backend}: {}",
            no_reason.status
        );
        let r = step(
            &lead,
            format!(
                "csrf={lead_csrf}&version={}&step=bip-return&note={}",
                v(&lead_page.body),
                encode("Hear the child first")
            ),
        )
        .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{backend}: {}", r.body);
        let page = send(&app, "GET", &case, Some(&worker), None).await;
        assert_eq!(between(&page.body, "id=\"case-bia\">", "<"), "not started");
        assert!(page.body.contains("Best interests assessment sent back"));
        assert!(page.body.contains("Hear the child first"), "{backend}");
        let r = step(
            &worker,
            format!(
                "csrf={csrf}&version={}&step=bia&bid_required=1&note={}",
                v(&page.body),
                encode("Kinship care with the aunt; she wishes it too")
            ),
        )
        .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        let lead_page = send(&app, "GET", &case, Some(&lead), None).await;
        let r = step(
            &lead,
            format!(
                "csrf={lead_csrf}&version={}&step=bip-approval&note=Agreed",
                v(&lead_page.body)
            ),
        )
        .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{backend}: {}", r.body);
        let page = send(&app, "GET", &case, Some(&worker), None).await;
        let no_panel = step(
            &worker,
            format!("csrf={csrf}&version={}&step=bid&note=x", v(&page.body)),
        )
        .await;
        assert!(
            no_panel
                .body
                .contains("Panel members: name who sat on the panel")
        );
        let r = step(
            &worker,
            format!(
                "csrf={csrf}&version={}&step=bid&panel={}&note={}",
                v(&page.body),
                encode("M. Popescu (DGASPC), I. Ionescu (UNICEF)"),
                encode("Placement with the aunt in Poland")
            ),
        )
        .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        let lead_page = send(&app, "GET", &case, Some(&lead), None).await;
        let r = step(
            &lead,
            format!(
                "csrf={lead_csrf}&version={}&step=bip-approval",
                v(&lead_page.body)
            ),
        )
        .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        let page = send(&app, "GET", &case, Some(&worker), None).await;
        assert_eq!(
            between(&page.body, "id=\"case-bid\">", "<"),
            "approved",
            "{backend}"
        );
        let r = step(&worker, format!("csrf={csrf}&version={}&step=care&care=kinship-care&caregiver_name={}&caregiver_relationship=aunt&caregiver_verified=1&note={}", v(&page.body), encode("Оксана Кравченко"), encode("Birth certificates of mother and aunt"))).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        let page = send(&app, "GET", &case, Some(&worker), None).await;
        let r = step(
            &worker,
            format!(
                "csrf={csrf}&version={}&step=birth-registration&birth_registration=applied",
                v(&page.body)
            ),
        )
        .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);

        // A document: checked, stored, downloaded as an attachment; anything else refused.
        let pdf = b"%PDF-1.4\n% statement of the aunt\n%%EOF".to_vec();
        let (ct, body) = multipart(&[("csrf", &csrf)], ("document", "aunt-statement.pdf", &pdf));
        let up = send_body(
            &app,
            "POST",
            &format!("{case}/documents"),
            Some(&worker),
            Some((&ct, body)),
        )
        .await;
        assert_eq!(up.status, StatusCode::SEE_OTHER, "{backend}: {}", up.body);
        let (ct, body) = multipart(
            &[("csrf", &csrf)],
            ("document", "notes.txt", b"plain words"),
        );
        let refused = send_body(
            &app,
            "POST",
            &format!("{case}/documents"),
            Some(&worker),
            Some((&ct, body)),
        )
        .await;
        assert_eq!(refused.status, StatusCode::BAD_REQUEST);
        assert!(refused.body.contains("attach a PDF, JPEG or PNG file"));
        let page = send(&app, "GET", &case, Some(&worker), None).await;
        let doc_url = format!(
            "{case}/documents/{}",
            between(&page.body, &format!("href=\"{case}/documents/"), "\"")
        );
        let got = send(&app, "GET", &doc_url, Some(&worker), None).await;
        assert_eq!(got.bytes, pdf, "{backend}");
        assert_eq!(got.content_type.as_deref(), Some("application/pdf"));
        assert!(got.content_disposition.unwrap().starts_with("attachment;"));
        assert_eq!(
            send(&app, "GET", &doc_url, Some(&outsider), None)
                .await
                .status,
            StatusCode::NOT_FOUND
        );

        // Closure: asked by the worker, approved by the supervisor only.
        let page = send(&app, "GET", &case, Some(&worker), None).await;
        let r = step(
            &worker,
            format!(
                "csrf={csrf}&version={}&step=closure-request&reason=transferred&note={}",
                v(&page.body),
                encode("Travels to the aunt in Poland")
            ),
        )
        .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        let page = send(&app, "GET", &case, Some(&worker), None).await;
        let r = step(
            &worker,
            format!(
                "csrf={csrf}&version={}&step=closure-approval",
                v(&page.body)
            ),
        )
        .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        let list = send(&app, "GET", "/staff/cases?alerts=1", Some(&lead), None).await;
        assert!(
            list.body.contains("closure waits for approval"),
            "{backend}"
        );
        let lead_page = send(&app, "GET", &case, Some(&lead), None).await;
        let r = step(
            &lead,
            format!(
                "csrf={lead_csrf}&version={}&step=closure-approval",
                v(&lead_page.body)
            ),
        )
        .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        let page = send(&app, "GET", &case, Some(&worker), None).await;
        assert_eq!(
            between(&page.body, "id=\"case-stage\">", "<"),
            "closed",
            "{backend}"
        );
        assert!(!page.body.contains("id=\"next-steps\""));
        let closed_list = send(
            &app,
            "GET",
            "/staff/cases?status=closed",
            Some(&worker),
            None,
        )
        .await;
        assert!(closed_list.body.contains(&case));

        // The summary: the history the reader may see, and what it leaves out.
        let summary = send(&app, "GET", &format!("{case}/summary"), Some(&worker), None).await;
        assert_eq!(summary.status, StatusCode::OK);
        assert!(
            summary.body.contains("Олександр Кравченко")
                && summary.body.contains("Oleksandr Kravchenko")
        );
        assert!(
            summary
                .body
                .contains("Kinship care with the aunt recommended")
        );
        assert!(summary.body.contains("Оксана Кравченко (aunt)"));
        // The printout names the child's needs, the documents in the file, and which step each
        // approval was.
        assert!(
            between(&summary.body, "id=\"summary-needs\">", "<").contains("Unaccompanied child"),
            "{backend}"
        );
        assert!(
            between(&summary.body, "id=\"summary-documents\">", "</ul>")
                .contains("aunt-statement.pdf"),
            "{backend}"
        );
        assert!(
            summary
                .body
                .contains("Best interests determination approved")
        );
        assert!(
            between(&summary.body, "id=\"summary-withheld\">", "<").contains("Psychosocial notes")
        );

        let audit = store
            .search_audit(&bluedot_store::audit::AuditQuery {
                action_prefix: Some("case.".into()),
                limit: 200,
                ..Default::default()
            })
            .await
            .unwrap();
        for (action, outcome) in [
            ("case.open", "ok"),
            ("case.view", "ok"),
            ("case.view", "denied"),
            ("case.assessment", "ok"),
            ("case.bia-approval", "ok"),
            ("case.bid-approval", "ok"),
            ("case.bia-return", "ok"),
            ("case.bip-approval", "denied"),
            ("case.closure-approval", "ok"),
            ("case.document.add", "ok"),
            ("case.document.open", "ok"),
            ("case.summary", "ok"),
            ("case.search", "ok"),
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
