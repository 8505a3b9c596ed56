//! Child protection cases on both backends: one open case per child, steps in order with their
//! text encrypted, two people acting at once, documents checked and encrypted, anonymisation.

use bluedot_core::case::{
    ApprovalState, CaseDeadlines, CaseStage, ClosureReason, ProtectionConcern, RiskLevel, Step,
};
use bluedot_core::policy::{Role, Scope};
use bluedot_store::Store;
use bluedot_store::cases::{CaseChange, CaseFilter, NewCase, StepText};
use chrono::{Duration, Utc};
use sqlx::Connection;
use uuid::Uuid;

use crate::on_both_backends;
use crate::people::{child, demo_hub, keys};

async fn user(store: &Store, name: &str, role: Role, hub: Uuid) -> Uuid {
    store
        .create_user(
            name,
            name,
            role,
            &Scope {
                hubs: vec![hub],
                ..Scope::default()
            },
            crate::support::system(),
        )
        .await
        .unwrap()
        .id
}

fn text(note: &str) -> StepText {
    StepText {
        note: note.into(),
        ..StepText::default()
    }
}

/// Every text cell of the case tables, read with a plain connection.
async fn raw_case_cells(url: &str) -> String {
    let mut out = String::new();
    for (table, cols) in [
        ("cases", "stage || risk || concerns"),
        ("case_events", "step || COALESCE(body, '')"),
        ("case_documents", "name || content"),
    ] {
        let sql = format!("SELECT ({cols})::text FROM {table}").replace(
            "::text",
            if url.starts_with("postgres") {
                "::text"
            } else {
                ""
            },
        );
        let rows: Vec<(Option<String>,)> = if url.starts_with("postgres") {
            let mut c = sqlx::PgConnection::connect(url).await.unwrap();
            sqlx::query_as(&sql).fetch_all(&mut c).await.unwrap()
        } else {
            let mut c = sqlx::SqliteConnection::connect(url).await.unwrap();
            sqlx::query_as(&sql).fetch_all(&mut c).await.unwrap()
        };
        out.extend(rows.into_iter().filter_map(|r| r.0));
    }
    out
}

#[tokio::test]
async fn a_case_goes_from_screening_to_approved_closure_with_its_history_encrypted() {
    on_both_backends!(async |store: Store, backend: &str, url: String| {
        let keys = keys();
        let deadlines = CaseDeadlines::default();
        let hub = demo_hub(&store, "siret-border").await;
        let worker = user(&store, "worker", Role::SocialWorker, hub.id).await;
        let supervisor = user(&store, "lead", Role::HubCoordinator, hub.id).await;
        let person = store
            .create_person(&keys, &child(&hub), crate::support::system())
            .await
            .unwrap();
        let new = NewCase {
            person_id: person,
            hub_id: hub.id,
            country: hub.country,
            concerns: vec![
                ProtectionConcern::Unaccompanied,
                ProtectionConcern::WithoutDocuments,
            ],
            risk: RiskLevel::High,
            assigned_to: worker,
            opened_by: Some(worker),
            screening: "Crossed alone at Siret, aunt Оксана in Kraków".into(),
        };
        let id = store
            .open_case(&keys, &new, &deadlines, crate::support::system())
            .await
            .unwrap();
        let err = store
            .open_case(&keys, &new, &deadlines, crate::support::system())
            .await
            .unwrap_err();
        assert!(
            err.to_string().contains("already has an open case"),
            "{backend}: {err}"
        );

        let case = store.case(id).await.unwrap().unwrap();
        assert!(case.case_number.starts_with("RO-"), "{}", case.case_number);
        assert_eq!(case.state.stage, CaseStage::Assessment);
        assert!(case.state.assessment_due <= Utc::now() + Duration::hours(24));

        let step = |case: bluedot_store::cases::Case, step: Step, by: Uuid, note: &'static str| {
            let store = store.clone();
            let keys = keys.clone();
            async move {
                store
                    .case_step(
                        &keys,
                        &CaseChange {
                            id: case.id,
                            version: case.version,
                            step,
                            text: text(note),
                            by,
                        },
                        &deadlines,
                        crate::support::system(),
                    )
                    .await
            }
        };
        let case = step(
            case,
            Step::Assess,
            worker,
            "Healthy, wants to reach aunt Оксана",
        )
        .await
        .unwrap();
        assert_eq!(case.state.stage, CaseStage::CasePlan);
        // Acting on an old version is refused, whatever the step.
        let stale = store
            .case_step(
                &keys,
                &CaseChange {
                    id,
                    version: case.version - 1,
                    step: Step::Plan { follow_up: None },
                    text: text(""),
                    by: worker,
                },
                &deadlines,
                crate::support::system(),
            )
            .await
            .unwrap_err();
        assert!(
            stale.to_string().contains("someone else changed"),
            "{backend}"
        );
        let case = step(
            case,
            Step::Plan { follow_up: None },
            worker,
            "Trace the aunt; interim care",
        )
        .await
        .unwrap();
        let case = step(
            case,
            Step::RecordBia { bid_required: true },
            worker,
            "Best interest: kinship care with aunt",
        )
        .await
        .unwrap();
        assert_eq!(case.state.bia, ApprovalState::Pending);
        let refused = step(case.clone(), Step::ApproveBip, worker, "")
            .await
            .unwrap_err();
        assert!(
            refused.to_string().contains("someone other than"),
            "{backend}"
        );
        let case = step(case, Step::ApproveBip, supervisor, "Agreed")
            .await
            .unwrap();
        let case = step(
            case,
            Step::RequestClosure(ClosureReason::Transferred),
            worker,
            "Moved to Poland",
        )
        .await
        .unwrap();
        let case = step(case, Step::ApproveClosure, supervisor, "")
            .await
            .unwrap();
        assert_eq!(case.state.stage, CaseStage::Closed, "{backend}");
        assert_eq!(case.state.closure_reason, Some(ClosureReason::Transferred));

        let history = store.case_history(&keys, id).await.unwrap();
        let steps: Vec<&str> = history.iter().map(|e| e.step.as_str()).collect();
        assert_eq!(
            steps,
            [
                "opened",
                "assessment",
                "case-plan",
                "bia",
                "bia-approval",
                "closure-request",
                "closure-approval"
            ]
        );
        assert_eq!(
            history[0].text.as_ref().unwrap().note,
            "Crossed alone at Siret, aunt Оксана in Kraków"
        );

        let raw = raw_case_cells(&url).await;
        assert!(
            raw.contains("enc:v1:k1:") && raw.contains("unaccompanied"),
            "{backend}"
        );
        for secret in ["Оксана", "Kraków", "kinship care"] {
            assert!(!raw.contains(secret), "{backend}: {secret} in the clear");
        }

        // A new case may be opened once the first is closed; scope and filters list them.
        let second = store
            .open_case(
                &keys,
                &NewCase {
                    risk: RiskLevel::Low,
                    ..new.clone()
                },
                &deadlines,
                crate::support::system(),
            )
            .await
            .unwrap();
        let scope = Scope {
            hubs: vec![hub.id],
            ..Scope::default()
        };
        let open = store
            .cases_in_scope(
                &scope,
                &CaseFilter {
                    open_only: true,
                    ..CaseFilter::default()
                },
            )
            .await
            .unwrap();
        assert_eq!(
            open.iter().map(|c| c.id).collect::<Vec<_>>(),
            vec![second],
            "{backend}"
        );
        let all = store
            .cases_in_scope(&scope, &CaseFilter::default())
            .await
            .unwrap();
        assert_eq!(all.len(), 2);
        let theirs = store
            .cases_in_scope(
                &scope,
                &CaseFilter {
                    people: Some(vec![Uuid::now_v7()]),
                    ..CaseFilter::default()
                },
            )
            .await
            .unwrap();
        assert!(theirs.is_empty());
        let elsewhere = Scope {
            hubs: vec![Uuid::now_v7()],
            ..Scope::default()
        };
        assert!(
            store
                .cases_in_scope(&elsewhere, &CaseFilter::default())
                .await
                .unwrap()
                .is_empty()
        );
    });
}

#[tokio::test]
async fn two_workers_acting_at_once_on_a_case_one_wins() {
    on_both_backends!(async |store: Store, backend: &str, _url: String| {
        let keys = keys();
        let deadlines = CaseDeadlines::default();
        let hub = demo_hub(&store, "siret-border").await;
        let worker = user(&store, "worker", Role::SocialWorker, hub.id).await;
        let person = store
            .create_person(&keys, &child(&hub), crate::support::system())
            .await
            .unwrap();
        let id = store
            .open_case(
                &keys,
                &NewCase {
                    person_id: person,
                    hub_id: hub.id,
                    country: hub.country,
                    concerns: vec![ProtectionConcern::Separated],
                    risk: RiskLevel::Medium,
                    assigned_to: worker,
                    opened_by: None,
                    screening: String::new(),
                },
                &deadlines,
                crate::support::system(),
            )
            .await
            .unwrap();
        let racers: Vec<_> = (0..6)
            .map(|n| {
                let store = store.clone();
                let keys = keys.clone();
                tokio::spawn(async move {
                    store
                        .case_step(
                            &keys,
                            &CaseChange {
                                id,
                                version: 1,
                                step: Step::Assess,
                                text: text(&format!("assessment {n}")),
                                by: worker,
                            },
                            &deadlines,
                            crate::support::system(),
                        )
                        .await
                        .map_err(|e| e.to_string())
                })
            })
            .collect();
        let mut won = 0;
        for r in racers {
            match r.await.unwrap() {
                Ok(_) => won += 1,
                Err(e) => assert!(e.contains("someone else changed"), "{backend}: {e}"),
            }
        }
        assert_eq!(won, 1, "{backend}");
        let history = store.case_history(&keys, id).await.unwrap();
        assert_eq!(history.len(), 2, "{backend}: opened + one assessment");
        assert_eq!(store.case(id).await.unwrap().unwrap().version, 2);
    });
}

#[tokio::test]
async fn documents_are_checked_encrypted_and_wiped_with_the_person() {
    on_both_backends!(async |store: Store, backend: &str, url: String| {
        let keys = keys();
        let hub = demo_hub(&store, "siret-border").await;
        let worker = user(&store, "worker", Role::SocialWorker, hub.id).await;
        let person = store
            .create_person(&keys, &child(&hub), crate::support::system())
            .await
            .unwrap();
        let id = store
            .open_case(
                &keys,
                &NewCase {
                    person_id: person,
                    hub_id: hub.id,
                    country: hub.country,
                    concerns: vec![ProtectionConcern::WithoutBirthCertificate],
                    risk: RiskLevel::Low,
                    assigned_to: worker,
                    opened_by: None,
                    screening: "Born on the road near Оргіїв".into(),
                },
                &CaseDeadlines::default(),
                crate::support::system(),
            )
            .await
            .unwrap();
        let pdf =
            b"%PDF-1.4\n1 0 obj << /Title (Birth certificate Orhei) >> endobj\n%%EOF".to_vec();
        let doc = store
            .add_case_document(
                &keys,
                id,
                "birth-certificate.pdf",
                &pdf,
                crate::support::system(),
            )
            .await
            .unwrap();
        let (info, bytes) = store.case_document(&keys, id, doc).await.unwrap().unwrap();
        assert_eq!(bytes, pdf, "{backend}");
        assert_eq!(info.content_type, "application/pdf");
        assert_eq!(info.name, "birth-certificate.pdf");
        let exe = store
            .add_case_document(
                &keys,
                id,
                "photo.jpg",
                b"MZ\x90\x00 not a picture",
                crate::support::system(),
            )
            .await
            .unwrap_err();
        assert!(exe.to_string().contains("PDF, JPEG or PNG"), "{exe}");
        let mut big = b"%PDF-".to_vec();
        big.resize(5 * 1024 * 1024 + 1, b'x');
        assert!(
            store
                .add_case_document(&keys, id, "big.pdf", &big, crate::support::system())
                .await
                .is_err()
        );
        assert!(
            store
                .case_document(&keys, Uuid::now_v7(), doc)
                .await
                .unwrap()
                .is_none(),
            "documents belong to their case"
        );
        let raw = raw_case_cells(&url).await;
        for secret in ["Orhei", "birth-certificate.pdf", "Оргіїв"] {
            assert!(!raw.contains(secret), "{backend}: {secret} in the clear");
        }

        assert!(
            store
                .anonymise_person(person, crate::support::system())
                .await
                .unwrap()
        );
        assert!(
            store.case_documents(&keys, id).await.unwrap().is_empty(),
            "{backend}"
        );
        let history = store.case_history(&keys, id).await.unwrap();
        assert!(history.iter().all(|e| e.text.is_none()), "{backend}");
        let case = store.case(id).await.unwrap().unwrap();
        assert_eq!(
            case.state.concerns,
            vec![ProtectionConcern::WithoutBirthCertificate],
            "figures stay"
        );
    });
}

#[tokio::test]
async fn a_declined_transfer_leaves_the_case_open_with_the_answer_in_its_history() {
    use bluedot_core::person::{ConsentGiver, ConsentPurpose};
    use bluedot_core::transfer::{Answer, CasePackage, TransferPart, TransferStatus};
    use bluedot_store::people::NewConsent;
    use bluedot_store::transfers::NewTransfer;

    on_both_backends!(async |store: Store, backend: &str, _url: String| {
        let keys = keys();
        let hub = demo_hub(&store, "siret-border").await;
        let worker = user(&store, "worker", Role::SocialWorker, hub.id).await;
        let new_person = child(&hub);
        let person = store
            .create_person(&keys, &new_person, crate::support::system())
            .await
            .unwrap();
        let case = store
            .open_case(
                &keys,
                &NewCase {
                    person_id: person,
                    hub_id: hub.id,
                    country: hub.country,
                    concerns: vec![ProtectionConcern::Unaccompanied],
                    risk: RiskLevel::High,
                    assigned_to: worker,
                    opened_by: None,
                    screening: String::new(),
                },
                &CaseDeadlines::default(),
                crate::support::system(),
            )
            .await
            .unwrap();
        let transfer = NewTransfer {
            id: Uuid::now_v7(),
            case_id: case,
            from_hub: hub.id,
            to_hub: None,
            partner: Some("PL".into()),
            country: bluedot_core::Country::Poland,
            payload: CasePackage {
                format: bluedot_core::transfer::FORMAT_VERSION.into(),
                case_number: "RO-TEST".into(),
                sent_at: Utc::now(),
                to_country: "PL".into(),
                expected_arrival: None,
                sender_hub: "Siret".into(),
                sender_contact: String::new(),
                note: String::new(),
                child: new_person.identity.clone(),
                sex: new_person.sex,
                consent_by: ConsentGiver::ChildAssent,
                parts: vec![TransferPart::Needs],
                needs: vec![],
                concerns: vec![ProtectionConcern::Unaccompanied],
                risk: Some(RiskLevel::High),
                care: None,
                best_interests: None,
                plan: vec![],
                status: None,
                history: vec![],
                destination_hub: None,
                sender: None,
                consent_at: None,
                documents: vec![],
                tracing: vec![],
            },
            package: Some(b"sealed".to_vec()),
            created_by: Some(worker),
        };
        let refused = store
            .create_transfer(&keys, &transfer, crate::support::system())
            .await
            .unwrap_err();
        assert!(
            refused.to_string().contains("consent to transfer"),
            "{backend}"
        );
        store
            .record_consent(
                person,
                &NewConsent {
                    purpose: ConsentPurpose::Transfer,
                    given_by: ConsentGiver::ChildAssent,
                    recorded_by: None,
                },
                crate::support::system(),
            )
            .await
            .unwrap();
        store
            .create_transfer(&keys, &transfer, crate::support::system())
            .await
            .unwrap();
        let twice = NewTransfer {
            id: Uuid::now_v7(),
            ..transfer.clone()
        };
        let err = store
            .create_transfer(&keys, &twice, crate::support::system())
            .await
            .unwrap_err();
        assert!(
            err.to_string().contains("already being transferred"),
            "{backend}"
        );
        let answer = Answer {
            package: transfer.id,
            accepted: false,
            note: "No placement available in Przemyśl".into(),
            at: Utc::now(),
        };
        assert!(
            !store
                .receive_answer(&keys, "MD", &answer, crate::support::system())
                .await
                .unwrap(),
            "only the addressee answers"
        );
        assert!(
            store
                .receive_answer(&keys, "PL", &answer, crate::support::system())
                .await
                .unwrap()
        );
        assert!(
            !store
                .receive_answer(&keys, "PL", &answer, crate::support::system())
                .await
                .unwrap(),
            "taken once"
        );
        let t = store.transfer(&keys, transfer.id).await.unwrap().unwrap();
        assert_eq!(t.status, TransferStatus::Declined, "{backend}");
        assert_eq!(
            t.decision_note.as_deref(),
            Some("No placement available in Przemyśl")
        );
        let c = store.case(case).await.unwrap().unwrap();
        assert!(
            c.state.is_open(),
            "{backend}: a declined transfer leaves the case open"
        );
        let history = store.case_history(&keys, case).await.unwrap();
        assert_eq!(history.last().unwrap().step, "transfer-declined");
        // Declined, the case may travel again.
        store
            .create_transfer(
                &keys,
                &NewTransfer {
                    id: Uuid::now_v7(),
                    ..transfer
                },
                crate::support::system(),
            )
            .await
            .unwrap();
    });
}
