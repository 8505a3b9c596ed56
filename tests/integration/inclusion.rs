//! Inclusion mapping over HTTP, on both backends: a Moldova round started from the demo round,
//! answered by two writers (a change made meanwhile refused, not overwritten), sent back by
//! domain and approved; an overdue action on its owner's home; the comparison with the change
//! since the last round; the questionnaire versioned by an administrator.

use axum::http::StatusCode;
use bluedot_core::Country;
use bluedot_core::policy::{Role, Scope};
use bluedot_store::Store;

use crate::on_both_backends;
use crate::staff::{account_signed_in, app, csrf_of, encode, send};
use crate::support::audit_entries;

fn form(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{k}={}", encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

fn of(countries: &[Country]) -> Scope {
    Scope {
        countries: countries.to_vec(),
        ..Scope::default()
    }
}

/// The revision of a question's answer as the page shows it.
fn seen(body: &str, question: &str) -> String {
    let marker = format!("name=\"{question}.seen\" value=\"");
    let at = body.find(&marker).expect("the question is on the page") + marker.len();
    body[at..].split('"').next().unwrap().to_owned()
}

#[tokio::test]
async fn a_country_round_is_answered_reviewed_approved_and_compared_with_the_last() {
    on_both_backends!(async |store: Store, backend: &str, _url: String| {
        bluedot_cli::load_demo(&store).await.unwrap();
        assert_eq!(bluedot_cli::load_demo_inclusion(&store).await.unwrap(), 7);
        let app = app(&store);
        let md = of(&[Country::Moldova]);
        let coord = account_signed_in(
            &app,
            &store,
            "coord.md",
            Role::CountryCoordinator,
            md.clone(),
        )
        .await;
        let editor =
            account_signed_in(&app, &store, "editor.md", Role::ContentEditor, md.clone()).await;
        let analyst = account_signed_in(
            &app,
            &store,
            "analyst",
            Role::DataAnalyst,
            of(&[Country::Moldova, Country::Romania]),
        )
        .await;
        let worker =
            account_signed_in(&app, &store, "worker.md", Role::SocialWorker, md.clone()).await;
        assert_eq!(
            send(&app, "GET", "/staff/inclusion", Some(&worker), None)
                .await
                .status,
            StatusCode::FORBIDDEN,
            "{backend}"
        );

        let home = send(&app, "GET", "/staff/inclusion", Some(&coord), None).await;
        assert_eq!(home.status, StatusCode::OK, "{backend}");
        assert!(
            home.body
                .contains("Moldova</a></th><td>2025 (demo)</td><td>Approved"),
            "{backend}: {}",
            home.body
        );
        assert!(
            !home.body.contains("Romania</a>"),
            "{backend}: Romania is not theirs"
        );
        let csrf = csrf_of(&home.body);

        let started = send(
            &app,
            "POST",
            "/staff/inclusion",
            Some(&coord),
            Some(&form(&[
                ("csrf", &csrf),
                ("country", "MD"),
                ("period", "2026"),
            ])),
        )
        .await;
        assert_eq!(
            started.status,
            StatusCode::SEE_OTHER,
            "{backend}: {}",
            started.body
        );
        let round = started.location.unwrap();
        let again = send(
            &app,
            "POST",
            "/staff/inclusion",
            Some(&coord),
            Some(&form(&[
                ("csrf", &csrf),
                ("country", "MD"),
                ("period", "2026 H2"),
            ])),
        )
        .await;
        assert_eq!(again.status, StatusCode::BAD_REQUEST, "{backend}");
        assert!(
            again.body.contains("already has a round in progress"),
            "{backend}"
        );

        // The demo round's answers were carried over: each question has a revision.
        let page = send(&app, "GET", &round, Some(&editor), None).await;
        assert_eq!(page.status, StatusCode::OK, "{backend}");
        let editor_csrf = csrf_of(&page.body);
        let laws_seen = seen(&page.body, "laws");
        assert_eq!(laws_seen, "1", "{backend}");
        let answer = |csrf: &str, seen: &str, rating: &str, evidence: &str| {
            form(&[
                ("csrf", csrf),
                ("domain", "laws-policies"),
                ("laws.seen", seen),
                ("laws.rating", rating),
                ("laws.evidence", evidence),
                ("laws.sources", "https://example.org/law-2026\n"),
                ("laws.barrier", "procedural"),
                ("laws.group", "uasc"),
            ])
        };
        let saved = send(
            &app,
            "POST",
            &format!("{round}/answers"),
            Some(&editor),
            Some(&answer(
                &editor_csrf,
                &laws_seen,
                "partly",
                "Правовий статус без реєстрації",
            )),
        )
        .await;
        assert_eq!(
            saved.status,
            StatusCode::SEE_OTHER,
            "{backend}: {}",
            saved.body
        );
        // The coordinator answers from the page read before the editor's save: refused.
        let late = send(
            &app,
            "POST",
            &format!("{round}/answers"),
            Some(&coord),
            Some(&answer(&csrf, &laws_seen, "included", "overwrite")),
        )
        .await;
        assert_eq!(late.status, StatusCode::BAD_REQUEST, "{backend}");
        assert!(
            late.body.contains("Someone changed one of these answers"),
            "{backend}"
        );
        let page = send(&app, "GET", &round, Some(&coord), None).await;
        assert!(
            page.body.contains("Правовий статус без реєстрації"),
            "{backend}"
        );
        assert!(
            page.body.contains("Last changed by editor.md"),
            "{backend}: {}",
            page.body
        );

        // Review: sent back by domain with a reason, then approved.
        // A review step on the round: send for review, send the data domain back, approve.
        let review = |cookie: &String, csrf: &String, step: &str| {
            let (app, round) = (app.clone(), round.clone());
            let body = form(&[
                ("csrf", csrf),
                ("step", step),
                ("domain", "data"),
                ("reason", "Give the 2026 figures by age and sex."),
            ]);
            let cookie = cookie.clone();
            async move {
                send(
                    &app,
                    "POST",
                    &format!("{round}/review"),
                    Some(&cookie),
                    Some(&body),
                )
                .await
                .status
            }
        };
        assert_eq!(
            review(&editor, &editor_csrf, "submit").await,
            StatusCode::SEE_OTHER,
            "{backend}"
        );
        let frozen = send(
            &app,
            "POST",
            &format!("{round}/answers"),
            Some(&editor),
            Some(&answer(&editor_csrf, "2", "included", "late")),
        )
        .await;
        assert_eq!(frozen.status, StatusCode::BAD_REQUEST, "{backend}");
        assert!(frozen.body.contains("no longer a draft"), "{backend}");
        assert_eq!(
            review(&editor, &editor_csrf, "approve").await,
            StatusCode::FORBIDDEN,
            "{backend}: an editor does not approve"
        );
        assert_eq!(
            review(&coord, &csrf, "return").await,
            StatusCode::SEE_OTHER,
            "{backend}"
        );
        let page = send(&app, "GET", &round, Some(&editor), None).await;
        assert!(
            page.body
                .contains("sent back by coord.md: Give the 2026 figures by age and sex."),
            "{backend}"
        );
        assert_eq!(
            review(&editor, &editor_csrf, "submit").await,
            StatusCode::SEE_OTHER,
            "{backend}"
        );
        assert_eq!(
            review(&coord, &csrf, "approve").await,
            StatusCode::SEE_OTHER,
            "{backend}"
        );
        let page = send(&app, "GET", &round, Some(&coord), None).await;
        assert!(
            page.body.contains("Approved · questionnaire version 1"),
            "{backend}"
        );
        assert!(
            !page.body.contains("/answers\""),
            "{backend}: an approved round is read-only"
        );
        assert!(
            !page.body.contains("sent back by"),
            "{backend}: settled when sent again"
        );

        // An action already past its due date shows on its owner's home until done.
        let editor_id = store
            .user_by_username("editor.md")
            .await
            .unwrap()
            .unwrap()
            .id
            .to_string();
        let yesterday = (chrono::Utc::now().date_naive() - chrono::Days::new(1)).to_string();
        let added = send(
            &app,
            "POST",
            &format!("{round}/actions"),
            Some(&coord),
            Some(&form(&[
                ("csrf", &csrf),
                ("question", "laws"),
                ("barrier", "procedural"),
                ("what", "Draft the registration amendment"),
                ("owner", &editor_id),
                ("due", &yesterday),
            ])),
        )
        .await;
        assert_eq!(
            added.status,
            StatusCode::SEE_OTHER,
            "{backend}: {}",
            added.body
        );
        let home = send(&app, "GET", "/staff", Some(&editor), None).await;
        assert!(
            home.body
                .contains("Your overdue actions on inclusion barriers"),
            "{backend}"
        );
        assert!(
            home.body.contains("Draft the registration amendment"),
            "{backend}"
        );
        let action = store
            .overdue_inclusion_actions(
                store
                    .user_by_username("editor.md")
                    .await
                    .unwrap()
                    .unwrap()
                    .id,
                chrono::Utc::now().date_naive(),
            )
            .await
            .unwrap();
        assert_eq!(action.len(), 1, "{backend}");
        let done = send(
            &app,
            "POST",
            &format!("/staff/inclusion/actions/{}", action[0].id),
            Some(&editor),
            Some(&form(&[
                ("csrf", &editor_csrf),
                ("status", "done"),
                ("from", "home"),
            ])),
        )
        .await;
        assert_eq!(done.status, StatusCode::SEE_OTHER, "{backend}");
        let home = send(&app, "GET", "/staff", Some(&editor), None).await;
        assert!(
            !home.body.contains("Draft the registration amendment"),
            "{backend}"
        );

        // The comparison: Moldova's two rounds beside Romania's, with the change.
        let compare = send(
            &app,
            "GET",
            "/staff/inclusion/compare",
            Some(&analyst),
            None,
        )
        .await;
        assert_eq!(compare.status, StatusCode::OK, "{backend}");
        for row in ["Moldova, 2026", "Moldova, 2025", "Romania, 2025"] {
            assert!(compare.body.contains(row), "{backend}: {row}");
        }
        assert!(
            !compare.body.contains("Poland, 2025"),
            "{backend}: not the analyst's"
        );
        assert!(
            compare.body.contains("<span class=\"small change\">("),
            "{backend}: {}",
            compare.body
        );
        let xlsx = send(
            &app,
            "GET",
            "/staff/inclusion/compare.xlsx",
            Some(&analyst),
            None,
        )
        .await;
        assert!(xlsx.bytes.starts_with(b"PK"), "{backend}");
        let report = send(
            &app,
            "GET",
            &format!("{round}/report"),
            Some(&analyst),
            None,
        )
        .await;
        assert!(
            report.body.contains("Правовий статус без реєстрації"),
            "{backend}"
        );

        // The questionnaire: only administrators publish; rounds keep their version.
        assert_eq!(
            send(
                &app,
                "GET",
                "/staff/inclusion/questionnaire",
                Some(&coord),
                None
            )
            .await
            .status,
            StatusCode::FORBIDDEN,
            "{backend}"
        );
        let admin = account_signed_in(
            &app,
            &store,
            "admin",
            Role::SystemAdministrator,
            Scope {
                everywhere: true,
                ..Scope::default()
            },
        )
        .await;
        let editor_page = send(
            &app,
            "GET",
            "/staff/inclusion/questionnaire",
            Some(&admin),
            None,
        )
        .await;
        assert_eq!(editor_page.status, StatusCode::OK, "{backend}");
        let (_, questions) = store.inclusion_questionnaire().await.unwrap();
        let admin_csrf = csrf_of(&editor_page.body);
        let mut pairs: Vec<(String, String)> =
            vec![("csrf".into(), admin_csrf), ("version".into(), "1".into())];
        for (i, q) in questions.iter().enumerate() {
            pairs.push((format!("q{i}.code"), q.code.clone()));
            pairs.push((format!("q{i}.domain"), q.domain.code().into()));
            pairs.push((
                format!("q{i}.en"),
                q.text.text(bluedot_core::Lang::En).into(),
            ));
        }
        let n = questions.len();
        pairs.push((format!("q{n}.code"), "interpreters".into()));
        pairs.push((format!("q{n}.domain"), "resources".into()));
        pairs.push((
            format!("q{n}.en"),
            "Are interpreters paid by the system?".into(),
        ));
        pairs.push((
            format!("q{n}.uk"),
            "Чи оплачує система перекладачів?".into(),
        ));
        let body = pairs
            .iter()
            .map(|(k, v)| format!("{k}={}", encode(v)))
            .collect::<Vec<_>>()
            .join("&");
        let published = send(
            &app,
            "POST",
            "/staff/inclusion/questionnaire",
            Some(&admin),
            Some(&body),
        )
        .await;
        assert_eq!(
            published.status,
            StatusCode::SEE_OTHER,
            "{backend}: {}",
            published.body
        );
        let stale = send(
            &app,
            "POST",
            "/staff/inclusion/questionnaire",
            Some(&admin),
            Some(&body),
        )
        .await;
        assert_eq!(
            stale.status,
            StatusCode::BAD_REQUEST,
            "{backend}: a second publish from the same version"
        );
        let (version, now) = store.inclusion_questionnaire().await.unwrap();
        assert_eq!((version, now.len()), (2, n + 1), "{backend}");
        let page = send(&app, "GET", &round, Some(&coord), None).await;
        assert!(
            !page.body.contains("Are interpreters paid"),
            "{backend}: the approved round keeps version 1"
        );

        for action in [
            "inclusion.start",
            "inclusion.answer",
            "inclusion.submit",
            "inclusion.return",
            "inclusion.approve",
            "inclusion.action-add",
            "inclusion.action-status",
            "inclusion.questionnaire",
            "inclusion.compare",
            "inclusion.report",
        ] {
            assert!(
                !audit_entries(&store, action).await.is_empty(),
                "{backend}: {action}"
            );
        }
    });
}
