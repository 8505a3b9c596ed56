//! Case transfers: a child's case handed to another hub of the deployment or to another
//! country's deployment, with only the parts of the file the sender chose (data minimisation),
//! and the receiver's answer. These are the payloads; how they travel is the store's business.
//!
//! The payload format is versioned (`FORMAT_VERSION`, "major.minor", in every case package;
//! documented in `docs/transfer-package.md` with its JSON schema). A reader takes any package
//! of a major version it knows, ignoring fields added by later minor versions, and refuses a
//! newer major version with a message saying so. Packages written before the format carried
//! its version are read as "1.0".

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::case::{
    ApprovalState, BirthRegistration, CareArrangement, CaseStage, ProtectionConcern, RiskLevel,
};
use crate::person::{ConsentGiver, Identity, Sex, SpecificNeed};
use crate::taxonomy::coded_enum;

coded_enum! {
    /// Parts of a case file a sender may include. Who the child is always travels: the
    /// receiver must be able to recognise the child on arrival.
    TransferPart {
        Needs => "needs",
        Care => "care",
        BestInterests => "best-interests",
        CasePlan => "case-plan",
        /// The case's history: every step with who took it, when, and its note.
        History => "history",
        /// The family tracing requests that found the child, with whom to contact.
        Tracing => "tracing",
    }
}

/// The version of the case package format this build writes.
pub const FORMAT_VERSION: &str = "2.0";

/// The major version of `FORMAT_VERSION`: packages of a higher major are refused.
pub const FORMAT_MAJOR: u32 = 2;

fn first_format() -> String {
    "1.0".to_owned()
}

/// Whether this build reads a package of `format`; the reason when not.
pub fn check_format(format: &str) -> Result<(), String> {
    let major = format
        .split('.')
        .next()
        .and_then(|m| m.trim().parse::<u32>().ok());
    match major {
        Some(m) if (1..=FORMAT_MAJOR).contains(&m) => Ok(()),
        Some(m) if m > FORMAT_MAJOR => Err(format!(
            "this package is in format {format}, newer than this deployment reads \
             (up to {FORMAT_MAJOR}.x): update bluedot here, then import it again"
        )),
        _ => Err(format!("{format:?} is not a case package format version")),
    }
}

/// Where a case stands, as the sender's file has it: the receiver continues from here.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseStatus {
    pub stage: CaseStage,
    pub opened_at: DateTime<Utc>,
    pub assessed_at: Option<DateTime<Utc>>,
    pub next_follow_up: Option<DateTime<Utc>>,
    pub bia: ApprovalState,
    pub bid_required: bool,
    pub bid: ApprovalState,
    pub care: Option<CareArrangement>,
    pub caregiver_verified: bool,
    pub birth_registration: BirthRegistration,
}

/// One step of the sender's history, credited to who took it there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryEntry {
    pub at: DateTime<Utc>,
    /// The step's code (`assessment`, `bia`, `bip-approval`, `birth-registration` …).
    pub step: String,
    /// Who took it: name, role and organisation, as the sender's deployment knows them.
    pub author: String,
    #[serde(default)]
    pub note: String,
}

/// Whom the receiver asks about the child.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SenderContact {
    /// The sending deployment (`RO`).
    pub deployment: String,
    pub hub: String,
    pub worker: String,
    pub role: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub email: String,
}

/// A document of the case file that travels with it: the file itself (base64), with its
/// size and SHA-256 so the receiver checks it arrived whole.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TransferDocument {
    pub name: String,
    pub content_type: String,
    pub size: u64,
    /// Hex SHA-256 of the file's bytes.
    pub sha256: String,
    /// The file's bytes, base64 (standard alphabet, padded).
    pub data: String,
}

/// The most a package may carry in documents, in bytes before encoding: sealed and encoded
/// twice on the way, the package stays within what a receiver accepts.
pub const MAX_TRANSFER_DOCUMENT_BYTES: u64 = 8 * 1024 * 1024;

/// A hub named across deployments: its id and slug as the directories share them, and its
/// name for people.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HubRef {
    pub id: Uuid,
    pub slug: String,
    pub name: String,
}

coded_enum! {
    TransferStatus {
        /// Waiting to be delivered to the partner deployment.
        Pending => "pending",
        /// At the receiver, waiting for a coordinator.
        Received => "received",
        Accepted => "accepted",
        Declined => "declined",
    }
}

coded_enum! {
    TransferDirection {
        Out => "out",
        In => "in",
    }
}

/// The caregiver as the file knows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CareSummary {
    pub arrangement: CareArrangement,
    pub caregiver: Option<String>,
    pub relationship: Option<String>,
    pub verified: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BestInterestsSummary {
    pub bia: ApprovalState,
    pub bid: ApprovalState,
    /// The texts of the assessment and determination steps, oldest first.
    pub notes: Vec<String>,
}

/// A case as it travels: who the child is, where the case stands, and the parts the sender
/// chose.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CasePackage {
    /// The format version ("2.0"); "1.0" for packages written before it was carried.
    #[serde(default = "first_format")]
    pub format: String,
    pub case_number: String,
    pub sent_at: DateTime<Utc>,
    /// Where the child is expected, as the sender knows it.
    pub to_country: String,
    pub expected_arrival: Option<NaiveDate>,
    pub sender_hub: String,
    pub sender_contact: String,
    pub note: String,
    pub child: Identity,
    pub sex: Sex,
    pub consent_by: ConsentGiver,
    pub parts: Vec<TransferPart>,
    #[serde(default)]
    pub needs: Vec<SpecificNeed>,
    #[serde(default)]
    pub concerns: Vec<ProtectionConcern>,
    pub risk: Option<RiskLevel>,
    pub care: Option<CareSummary>,
    pub best_interests: Option<BestInterestsSummary>,
    /// Assessment and case plan texts, oldest first.
    #[serde(default)]
    pub plan: Vec<String>,
    /// Where the case stands (format 2).
    #[serde(default)]
    pub status: Option<CaseStatus>,
    /// The sender's history, oldest first, when the sender chose to send it (format 2).
    #[serde(default)]
    pub history: Vec<HistoryEntry>,
    /// The hub the child is expected at, where the sender knows it (format 2).
    #[serde(default)]
    pub destination_hub: Option<HubRef>,
    /// Whom to ask about the child (format 2).
    #[serde(default)]
    pub sender: Option<SenderContact>,
    /// When the consent to transfer was recorded (format 2).
    #[serde(default)]
    pub consent_at: Option<DateTime<Utc>>,
    /// The documents the sender chose to send (format 2).
    #[serde(default)]
    pub documents: Vec<TransferDocument>,
    /// The family tracing requests that found this child, when the sender chose to send them
    /// (format 2).
    #[serde(default)]
    pub tracing: Vec<LinkedRequest>,
}

/// A family tracing request that found the child: who is looking for them and how to reach
/// them, so the destination can continue the reunification.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkedRequest {
    pub reference: String,
    pub requester: String,
    pub relation: String,
    pub phone: String,
    pub contact_note: String,
    /// The request's state at the sender (`open`, `matched`, `reunified` …).
    pub status: String,
}

/// The receiver's answer to a package.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Answer {
    pub package: Uuid,
    pub accepted: bool,
    pub note: String,
    pub at: DateTime<Utc>,
}

coded_enum! {
    /// Whether a child handed over reached the receiver.
    Arrival {
        Arrived => "arrived",
        /// Not there by the expected day, or known not to be coming: a child-protection alert.
        NotArrived => "not-arrived",
    }
}

/// The receiver's report on the child's arrival, sent back to the sender.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArrivalReport {
    pub package: Uuid,
    pub arrival: Arrival,
    pub note: String,
    pub at: DateTime<Utc>,
}

/// What a package carries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Payload {
    Case(Box<CasePackage>),
    Answer(Answer),
    Arrival(ArrivalReport),
}

/// Whether a child handed over is overdue: expected by `expected` (the receiver's local day),
/// not reported, and `today` is past it.
pub fn overdue(expected: Option<NaiveDate>, arrival: Option<Arrival>, today: NaiveDate) -> bool {
    arrival.is_none() && expected.is_some_and(|day| day < today)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_child_is_overdue_only_after_the_expected_day_without_a_report() {
        let day = |d: u32| NaiveDate::from_ymd_opt(2026, 12, d).unwrap();
        assert!(
            !overdue(Some(day(3)), None, day(3)),
            "the expected day itself is not late"
        );
        assert!(overdue(Some(day(3)), None, day(4)));
        assert!(!overdue(Some(day(3)), Some(Arrival::Arrived), day(9)));
        assert!(
            !overdue(Some(day(3)), Some(Arrival::NotArrived), day(9)),
            "reported already"
        );
        assert!(!overdue(None, None, day(9)), "no day was given");
    }

    #[test]
    fn a_newer_major_format_is_refused_and_older_ones_are_read() {
        assert!(check_format(FORMAT_VERSION).is_ok());
        assert!(check_format("1.0").is_ok());
        assert!(
            check_format("2.7").is_ok(),
            "a later minor version adds only fields"
        );
        let newer = check_format("3.0").unwrap_err();
        assert!(newer.contains("newer"), "{newer}");
        assert!(check_format("two").is_err());
    }

    #[test]
    fn a_package_written_before_the_format_was_versioned_reads_as_1_0() {
        let v1 = include_str!("../testdata/transfer-package-v1.json");
        let payload: Payload = serde_json::from_str(v1).expect("a format 1 package reads");
        let Payload::Case(case) = payload else {
            panic!("a case package");
        };
        assert_eq!(case.format, "1.0");
        assert!(case.status.is_none() && case.history.is_empty());
        assert_eq!(case.child.given_name, "Оксана");
    }
}
