//! The audit log as people read it, over HTTP on both backends: who (name and role), on what
//! (a case's number, not an id), searched by the person acting and by the record.

use bluedot_core::policy::{Role, Scope};
use bluedot_store::Store;

use crate::on_both_backends;
use crate::staff::{account_signed_in, app, open_case, register, send};

#[tokio::test]
async fn the_audit_log_names_people_and_records() {
    on_both_backends!(async |store: Store, backend: &str, _url: String| {
        bluedot_cli::load_demo(&store).await.unwrap();
        let app = app(&store);
        let siret = store.hub_by_slug("siret-border").await.unwrap().unwrap();
        let at_siret = Scope {
            hubs: vec![siret.id],
            ..Scope::default()
        };
        let worker =
            account_signed_in(&app, &store, "ana", Role::SocialWorker, at_siret.clone()).await;
        let lead = account_signed_in(&app, &store, "lead", Role::HubCoordinator, at_siret).await;
        let ana = store.user_by_username("ana").await.unwrap().unwrap();
        let person = register(
            &app,
            &worker,
            siret.id,
            "given_name=Iryna&family_name=Melnyk&sex=female&age=7&languages=uk&need=separated-child&consent_by=parent",
        )
        .await;
        let case_url = open_case(
            &app,
            &worker,
            &person,
            &format!(
                "concern=separated&risk=low&assigned_to={}&screening=seen",
                ana.id
            ),
        )
        .await;
        let case = send(&app, "GET", &case_url, Some(&worker), None).await;
        let number = crate::staff::between(&case.body, "<title>", " ·")
            .trim()
            .to_owned();
        assert!(number.starts_with("RO-"), "{backend}: {number}");

        // Searched by the person acting: her name and role, the case by its number.
        let log = send(
            &app,
            "GET",
            &format!("/staff/audit?actor={}", ana.id),
            Some(&lead),
            None,
        )
        .await;
        assert!(log.body.contains("ana (ana)"), "{backend}");
        assert!(log.body.contains("Social worker"), "{backend}");
        assert!(log.body.contains(&format!("Case {number}")), "{backend}");
        assert!(
            log.body.contains(&format!("href=\"{case_url}\"")),
            "{backend}"
        );
        let table = &log.body[log.body.find("id=\"audit\"").unwrap()..];
        assert!(
            !table.contains("lead (lead)"),
            "{backend}: only her entries"
        );

        // Searched by the record: only that case's entries.
        let by_case = send(
            &app,
            "GET",
            &format!("/staff/audit?record={number}"),
            Some(&lead),
            None,
        )
        .await;
        let rows = by_case.body.matches("<tr><td>").count();
        assert!(rows >= 2, "{backend}: opened and viewed, {rows}");
        assert!(!by_case.body.contains("sign-in"), "{backend}");

        // The export carries the same columns, names included.
        let csv = send(
            &app,
            "GET",
            &format!("/staff/audit?format=csv&actor={}", ana.id),
            Some(&lead),
            None,
        )
        .await;
        assert!(
            csv.body
                .starts_with("seq,at,actor,role,action,record,hub,source,outcome\n")
        );
        assert!(csv.body.contains(&format!("Case {number}")), "{backend}");
        assert!(!csv.body.contains("lead (lead)"), "{backend}");
    });
}
