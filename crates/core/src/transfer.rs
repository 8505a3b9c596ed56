//! Case transfers: a child's case handed to another hub of the deployment or to another
//! country's deployment, with only the parts of the file the sender chose (data minimisation),
//! and the receiver's answer. These are the payloads; how they travel is the store's business.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::case::{ApprovalState, CareArrangement, ProtectionConcern, RiskLevel};
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
    }
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

/// A case as it travels: who the child is, and the parts the sender chose.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CasePackage {
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
}

/// The receiver's answer to a package.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Answer {
    pub package: Uuid,
    pub accepted: bool,
    pub note: String,
    pub at: DateTime<Utc>,
}

/// What a package carries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Payload {
    Case(Box<CasePackage>),
    Answer(Answer),
}
