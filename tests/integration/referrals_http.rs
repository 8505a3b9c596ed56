//! Referrals over HTTP on both backends: sent from the record with consent, received from the
//! specialist's queue, followed to the end, and a slip in the person's language.

use axum::http::StatusCode;
use bluedot_core::policy::{Role, Scope};
use bluedot_store::Store;

use crate::on_both_backends;
use crate::staff::{account_signed_in, app, csrf_of, encode, send};

#[tokio::test]
async fn a_child_is_referred_to_legal_aid_and_followed_to_the_end() {
    on_both_backends!(async |store: Store, backend: &str, _url: String| {
        bluedot_cli::load_demo(&store).await.unwrap();
        let app = app(&store);
        let siret = store.hub_by_slug("siret-border").await.unwrap().unwrap();
        let scope = Scope {
            hubs: vec![siret.id],
            ..Scope::default()
        };
        let worker =
            account_signed_in(&app, &store, "worker", Role::SocialWorker, scope.clone()).await;
        let legal = account_signed_in(&app, &store, "legal", Role::LegalAid, scope.clone()).await;
        let psy = account_signed_in(&app, &store, "psy", Role::Psychosocial, scope).await;

        let csrf = csrf_of(
            &send(&app, "GET", "/staff/people/new", Some(&worker), None)
                .await
                .body,
        );
        let created = send(
            &app,
            "POST",
            "/staff/people",
            Some(&worker),
            Some(&format!(
                "csrf={csrf}&hub={}&given_name={}&family_name={}&sex=female&age=15&languages=uk&need=unaccompanied-child&consent_by=child-assent",
                siret.id,
                encode("Дарина"),
                encode("Мельник")
            )),
        )
        .await;
        let person = created.location.unwrap();
        let refer = |extra: &str| {
            format!(
                "csrf={csrf}&service=temporary-protection&to=specialist%3Alegal-aid&urgency=high&share=identity&share=needs&reason={}{extra}",
                encode("Needs temporary protection before travelling on")
            )
        };
        // Without consent to referral: refused, with the reason.
        let r = send(
            &app,
            "POST",
            &format!("{person}/referrals"),
            Some(&worker),
            Some(&refer("")),
        )
        .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{backend}");
        assert!(r.body.contains("consent to referral"), "{}", r.body);
        let r = send(
            &app,
            "POST",
            &format!("{person}/consents"),
            Some(&worker),
            Some(&format!(
                "csrf={csrf}&purpose=referral&given_by=child-assent"
            )),
        )
        .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        let r = send(
            &app,
            "POST",
            &format!("{person}/referrals"),
            Some(&worker),
            Some(&refer("")),
        )
        .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{backend}: {}", r.body);
        let referral = r.location.unwrap();

        // Legal aid finds it in their queue; the psychologist's queue is empty.
        let queue = send(&app, "GET", "/staff/referrals", Some(&legal), None).await;
        assert_eq!(queue.status, StatusCode::OK, "{backend}");
        assert!(
            queue.body.contains(&referral) && queue.body.contains("Дарина Мельник"),
            "{}",
            queue.body
        );
        let other = send(&app, "GET", "/staff/referrals", Some(&psy), None).await;
        assert!(other.body.contains("id=\"no-referrals\""), "{backend}");
        assert_eq!(
            send(&app, "GET", &referral, Some(&psy), None).await.status,
            StatusCode::NOT_FOUND
        );

        let page = send(&app, "GET", &referral, Some(&legal), None).await;
        assert!(
            page.body.contains("Needs temporary protection"),
            "{backend}"
        );
        assert!(
            page.body.contains("Unaccompanied child"),
            "needs were shared"
        );
        let legal_csrf = csrf_of(&page.body);
        let step = |status: &str, feedback: &str| {
            format!(
                "csrf={legal_csrf}&status={status}&feedback={}",
                encode(feedback)
            )
        };
        let status_url = format!("{referral}/status");
        let out_of_order = send(
            &app,
            "POST",
            &status_url,
            Some(&legal),
            Some(&step("completed", "done")),
        )
        .await;
        assert_eq!(out_of_order.status, StatusCode::BAD_REQUEST, "{backend}");
        let ok = send(
            &app,
            "POST",
            &status_url,
            Some(&legal),
            Some(&step("accepted", "")),
        )
        .await;
        assert_eq!(ok.status, StatusCode::SEE_OTHER, "{backend}");
        let silent = send(
            &app,
            "POST",
            &status_url,
            Some(&legal),
            Some(&step("completed", " ")),
        )
        .await;
        assert_eq!(
            silent.status,
            StatusCode::BAD_REQUEST,
            "feedback is needed to complete"
        );
        let done = send(
            &app,
            "POST",
            &status_url,
            Some(&legal),
            Some(&step("completed", "Application filed at IGI Suceava")),
        )
        .await;
        assert_eq!(done.status, StatusCode::SEE_OTHER);
        let record = send(&app, "GET", &person, Some(&worker), None).await;
        assert!(
            record.body.contains("completed"),
            "{backend}: the sender sees the outcome"
        );
        let page = send(&app, "GET", &referral, Some(&worker), None).await;
        assert!(page.body.contains("Application filed at IGI Suceava"));

        // A slip for the girl, in Ukrainian.
        let slip = send(
            &app,
            "GET",
            &format!("{referral}/slip?lang=uk"),
            Some(&worker),
            None,
        )
        .await;
        assert_eq!(slip.status, StatusCode::OK, "{backend}");
        assert!(slip.body.contains("<html lang=\"uk\">") && slip.body.contains("Скерування"));
        assert!(
            slip.body.contains("Дарина Мельник")
                && slip.body.contains("Будь ласка, зверніться сьогодні.")
        );
        assert_eq!(
            send(&app, "GET", &format!("{referral}/slip"), Some(&legal), None)
                .await
                .status,
            StatusCode::FORBIDDEN
        );

        let audit = store
            .search_audit(&bluedot_store::audit::AuditQuery {
                action_prefix: Some("referral.".into()),
                limit: 100,
                ..Default::default()
            })
            .await
            .unwrap();
        for action in [
            "referral.create",
            "referral.view",
            "referral.accepted",
            "referral.completed",
            "referral.slip",
        ] {
            assert!(
                audit
                    .iter()
                    .any(|e| e.action == action && e.outcome == "ok"),
                "{backend}: {action}"
            );
        }
        assert!(
            audit
                .iter()
                .any(|e| e.action == "referral.view" && e.outcome == "denied")
        );
    });
}

#[tokio::test]
async fn a_referral_to_an_outside_provider_is_answered_by_the_sender_and_printed_with_its_hours() {
    on_both_backends!(async |store: Store, backend: &str, _url: String| {
        bluedot_cli::load_demo(&store).await.unwrap();
        let app = app(&store);
        let siret = store.hub_by_slug("siret-border").await.unwrap().unwrap();
        let provider = store
            .list_providers(Some(bluedot_core::Country::Romania))
            .await
            .unwrap()
            .into_iter()
            .find(|p| p.organization.starts_with("Rețeaua de asistență juridică"))
            .unwrap();
        let scope = Scope {
            hubs: vec![siret.id],
            ..Scope::default()
        };
        let worker =
            account_signed_in(&app, &store, "worker", Role::SocialWorker, scope.clone()).await;
        let legal = account_signed_in(&app, &store, "legal", Role::LegalAid, scope).await;
        let csrf = csrf_of(
            &send(&app, "GET", "/staff/people/new", Some(&worker), None)
                .await
                .body,
        );
        let person = send(
            &app,
            "POST",
            "/staff/people",
            Some(&worker),
            Some(&format!(
                "csrf={csrf}&hub={}&given_name={}&family_name={}&sex=female&age=34&languages=ru&need=single-caregiver&consent_by=person",
                siret.id,
                encode("Ирина"),
                encode("Коваль")
            )),
        )
        .await
        .location
        .unwrap();
        send(
            &app,
            "POST",
            &format!("{person}/consents"),
            Some(&worker),
            Some(&format!("csrf={csrf}&purpose=referral&given_by=person")),
        )
        .await;
        let form = send(&app, "GET", &person, Some(&worker), None).await;
        assert!(
            form.body
                .contains(&format!("value=\"provider:{}\"", provider.id)),
            "{backend}: the country's providers are offered"
        );
        let r = send(
            &app,
            "POST",
            &format!("{person}/referrals"),
            Some(&worker),
            Some(&format!(
                "csrf={csrf}&service=legal-counselling&to=provider%3A{}&urgency=medium&share=identity&reason={}",
                provider.id,
                encode("Residence questions")
            )),
        )
        .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{backend}: {}", r.body);
        let referral = r.location.unwrap();

        // No account at the provider: nobody's queue holds it, the sender records the answer.
        let queue = send(&app, "GET", "/staff/referrals", Some(&legal), None).await;
        assert!(!queue.body.contains(&referral), "{backend}");
        let page = send(&app, "GET", &referral, Some(&worker), None).await;
        assert!(
            page.body.contains("Rețeaua de asistență juridică"),
            "{backend}"
        );
        for (status, feedback) in [
            ("accepted", ""),
            ("completed", "Seen on 24 Nov, advice given"),
        ] {
            let r = send(
                &app,
                "POST",
                &format!("{referral}/status"),
                Some(&worker),
                Some(&format!(
                    "csrf={csrf}&status={status}&feedback={}",
                    encode(feedback)
                )),
            )
            .await;
            assert_eq!(r.status, StatusCode::SEE_OTHER, "{backend}: {status}");
        }
        let page = send(&app, "GET", &referral, Some(&worker), None).await;
        assert!(page.body.contains("Seen on 24 Nov, advice given"));

        // The slip in Russian names the provider, its phone and its week of opening hours.
        let slip = send(
            &app,
            "GET",
            &format!("{referral}/slip?lang=ru"),
            Some(&worker),
            None,
        )
        .await;
        assert_eq!(slip.status, StatusCode::OK, "{backend}");
        assert!(slip.body.contains("<html lang=\"ru\">"));
        assert!(slip.body.contains("Ирина Коваль") && slip.body.contains("+40 21 800 900"));
        assert!(
            slip.body
                .contains("понедельник – пятница</th><td>09:00–17:00")
                && !slip.body.contains("Mo-Fr"),
            "{}",
            slip.body
        );
    });
}
