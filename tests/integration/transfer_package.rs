//! The case transfer payload against its published schema (`docs/transfer-package.schema.json`):
//! every kind of payload this build writes conforms, a format 1 package still does, and what
//! the schema forbids is refused by it.

use bluedot_core::case::{ApprovalState, BirthRegistration, CaseStage, RiskLevel};
use bluedot_core::person::{ConsentGiver, Identity, Sex};
use bluedot_core::transfer::{
    Answer, Arrival, ArrivalReport, CasePackage, CaseStatus, FORMAT_VERSION, HistoryEntry, HubRef,
    LinkedRequest, Payload, SenderContact, TransferDocument, TransferPart,
};
use chrono::Utc;
use serde_json::Value;
use uuid::Uuid;

fn validator() -> jsonschema::Validator {
    let path = format!(
        "{}/../docs/transfer-package.schema.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let schema: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .unwrap()
}

fn errors(validator: &jsonschema::Validator, value: &Value) -> Vec<String> {
    validator
        .iter_errors(value)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect()
}

/// A package with every part filled in.
fn full_package() -> CasePackage {
    let now = Utc::now();
    CasePackage {
        format: FORMAT_VERSION.into(),
        case_number: "RO-7F3A2C".into(),
        sent_at: now,
        to_country: "PL".into(),
        expected_arrival: Some(now.date_naive()),
        sender_hub: "Blue Dot Siret".into(),
        sender_contact: "+40 230 000 000".into(),
        note: "Travels with her grandmother.".into(),
        child: Identity {
            given_name: "Софія".into(),
            family_name: "Ткаченко".into(),
            latin_given_name: "Sofiia".into(),
            latin_family_name: "Tkachenko".into(),
            birth_date: None,
            birth_year_estimated: Some(2019),
            languages: vec!["uk".into()],
            nationality: Some("UA".into()),
            phone: None,
            documents: vec![],
        },
        sex: Sex::Female,
        consent_by: ConsentGiver::LegalGuardian,
        consent_at: Some(now),
        parts: TransferPart::ALL.to_vec(),
        needs: vec![bluedot_core::person::SpecificNeed::Separated],
        concerns: vec![bluedot_core::case::ProtectionConcern::Separated],
        risk: Some(RiskLevel::Medium),
        care: None,
        best_interests: None,
        plan: vec!["Assessed: no birth certificate.".into()],
        status: Some(CaseStatus {
            stage: CaseStage::CasePlan,
            opened_at: now,
            assessed_at: Some(now),
            next_follow_up: None,
            bia: ApprovalState::NotStarted,
            bid_required: false,
            bid: ApprovalState::NotStarted,
            care: None,
            caregiver_verified: false,
            birth_registration: BirthRegistration::Applied,
        }),
        history: vec![HistoryEntry {
            at: now,
            step: "birth-registration".into(),
            author: "Ana Pop (social-worker), Blue Dot Siret, RO".into(),
            note: "Applied at the civil registry.".into(),
        }],
        destination_hub: Some(HubRef {
            id: Uuid::now_v7(),
            slug: "przemysl-station".into(),
            name: "Blue Dot Przemyśl".into(),
        }),
        sender: Some(SenderContact {
            deployment: "RO".into(),
            hub: "Blue Dot Siret".into(),
            worker: "Ana Pop".into(),
            role: "social-worker".into(),
            phone: "+40 230 000 000".into(),
            email: String::new(),
        }),
        documents: vec![TransferDocument {
            name: "receipt.pdf".into(),
            content_type: "application/pdf".into(),
            size: 4,
            sha256: "0".repeat(64),
            data: "JVBERg==".into(),
        }],
        tracing: vec![LinkedRequest {
            reference: Uuid::now_v7().to_string(),
            requester: "Олена Ткаченко".into(),
            relation: "mother".into(),
            phone: "+380 67 000 0000".into(),
            contact_note: "Calls in the evening".into(),
            status: "found".into(),
        }],
    }
}

#[test]
fn every_payload_conforms_to_the_published_schema() {
    let v = validator();
    let package = serde_json::to_value(Payload::Case(Box::new(full_package()))).unwrap();
    assert_eq!(errors(&v, &package), Vec::<String>::new());
    let answer = Payload::Answer(Answer {
        package: Uuid::now_v7(),
        accepted: true,
        note: "Expected at Przemyśl".into(),
        at: Utc::now(),
    });
    assert_eq!(
        errors(&v, &serde_json::to_value(answer).unwrap()),
        Vec::<String>::new()
    );
    let arrival = Payload::Arrival(ArrivalReport {
        package: Uuid::now_v7(),
        arrival: Arrival::NotArrived,
        note: "Not on the bus".into(),
        at: Utc::now(),
    });
    assert_eq!(
        errors(&v, &serde_json::to_value(arrival).unwrap()),
        Vec::<String>::new()
    );

    let v1: Value = serde_json::from_str(include_str!(
        "../../crates/core/testdata/transfer-package-v1.json"
    ))
    .unwrap();
    assert_eq!(errors(&v, &v1), Vec::<String>::new(), "a format 1 package");

    let mut broken = package.clone();
    broken["status"]["stage"] = "closed".into();
    broken["documents"][0]["sha256"] = "not-a-digest".into();
    assert_eq!(
        errors(&v, &broken).len(),
        1,
        "one branch of oneOf fails as a whole"
    );
    assert!(!errors(&v, &serde_json::json!({"kind": "gift"})).is_empty());
}

#[tokio::test]
async fn a_package_of_a_newer_major_format_is_refused_saying_so() {
    use bluedot_store::crypto::KeyRing;
    use bluedot_store::package::{Partner, TransferKeys};
    use bluedot_web::exchange::{Exchange, IngestError, ingest};
    let db = crate::support::sqlite().await;
    let (ro_secret, pl_secret) = (
        TransferKeys::generate_secret(),
        TransferKeys::generate_secret(),
    );
    let ro = TransferKeys::from_secret("RO", &ro_secret).unwrap();
    let pl = TransferKeys::from_secret("PL", &pl_secret).unwrap();
    let to_pl = Partner {
        id: "PL".into(),
        url: String::new(),
        public_key: pl.public_key(),
        country: "PL".into(),
    };
    let exchange = Exchange::new(
        pl,
        vec![Partner {
            id: "RO".into(),
            url: String::new(),
            public_key: ro.public_key(),
            country: "RO".into(),
        }],
    );
    let keys = KeyRing::parse(&KeyRing::generate_spec("pl1")).unwrap();
    let mut newer = serde_json::to_value(Payload::Case(Box::new(full_package()))).unwrap();
    newer["format"] = "3.0".into();
    let id = Uuid::now_v7();
    let sealed = ro
        .seal(&to_pl, id, &serde_json::to_vec(&newer).unwrap())
        .unwrap();
    match ingest(&db.store, &keys, &exchange, &sealed, "test").await {
        Err(IngestError::Refused(why)) => assert!(why.contains("newer"), "{why}"),
        other => panic!("a format 3 package must be refused: {other:?}"),
    }
    let transfers = db
        .store
        .transfers_in_scope(
            &keys,
            &bluedot_core::policy::Scope {
                everywhere: true,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert!(transfers.is_empty(), "nothing of it is stored");
}
