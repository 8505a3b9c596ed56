//! Child protection case management: the rules a case follows from the screening that opens it
//! to the closure a supervisor approves. Each step is a [`Step`] applied to the case's
//! [`CaseState`] by [`CaseState::apply`], which refuses steps out of order; the store keeps the
//! state's plain parts as columns (what queues, alerts and figures filter on) and what each step
//! says about the child as encrypted text.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::ValidationError;
use crate::taxonomy::coded_enum;

coded_enum! {
    /// What a screening can find, after the Child Protection Minimum Standards' categories.
    ProtectionConcern {
        Unaccompanied => "unaccompanied",
        Separated => "separated",
        RiskOfSeparation => "risk-of-separation",
        PhysicalOrEmotionalViolence => "violence",
        SexualViolence => "sexual-violence",
        Trafficking => "trafficking",
        Neglect => "neglect",
        ChildLabour => "child-labour",
        ChildMarriage => "child-marriage",
        Disability => "disability",
        MedicalCondition => "medical-condition",
        PsychosocialDistress => "psychosocial-distress",
        WithoutDocuments => "without-documents",
        WithoutBirthCertificate => "without-birth-certificate",
    }
}

impl ProtectionConcern {
    /// Unaccompanied and separated children (UASC), counted on their own in every report.
    pub fn is_uasc(self) -> bool {
        matches!(
            self,
            ProtectionConcern::Unaccompanied | ProtectionConcern::Separated
        )
    }
}

coded_enum! {
    RiskLevel {
        High => "high",
        Medium => "medium",
        Low => "low",
    }
}

coded_enum! {
    /// Where a case stands: the next piece of work it waits for.
    CaseStage {
        /// Opened from a screening; the assessment is due by the risk level's deadline.
        Assessment => "assessment",
        /// Assessed; a case plan is to be agreed.
        CasePlan => "case-plan",
        /// The plan is being carried out and followed up.
        Implementation => "implementation",
        /// Closed with a supervisor's approval.
        Closed => "closed",
    }
}

coded_enum! {
    ClosureReason {
        Reunified => "reunified",
        Transferred => "transferred",
        NeedsMet => "needs-met",
        MovedOn => "moved-on",
        ReachedAdulthood => "reached-adulthood",
        LostContact => "lost-contact",
    }
}

coded_enum! {
    /// Where and with whom the child lives now.
    CareArrangement {
        ParentalCare => "parental-care",
        KinshipCare => "kinship-care",
        FosterCare => "foster-care",
        ResidentialCare => "residential-care",
        SupervisedIndependentLiving => "supervised-independent-living",
        NoArrangement => "no-arrangement",
    }
}

coded_enum! {
    /// Where a best interests assessment or determination stands.
    ApprovalState {
        NotStarted => "not-started",
        /// Recorded by the case worker, waiting for the supervisor.
        Pending => "pending",
        Approved => "approved",
    }
}

coded_enum! {
    /// Birth registration of a newborn or a child without a birth certificate.
    BirthRegistration {
        NotNeeded => "not-needed",
        Needed => "needed",
        /// Applied for at the civil registry.
        Applied => "applied",
        Registered => "registered",
        /// The registry refused or cannot register; other documentation is sought.
        NotPossible => "not-possible",
    }
}

impl BirthRegistration {
    fn next(self) -> &'static [BirthRegistration] {
        use BirthRegistration::*;
        match self {
            NotNeeded => &[Needed],
            Needed => &[Applied, NotPossible],
            Applied => &[Registered, NotPossible],
            Registered | NotPossible => &[],
        }
    }
}

/// How soon each risk level demands action, and how often plans are followed up; set per
/// deployment (the settings file's `[case_deadlines]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CaseDeadlines {
    pub high_hours: i64,
    pub medium_days: i64,
    pub low_days: i64,
    /// Days between follow-ups when a step does not set the next one.
    pub follow_up_days: i64,
}

impl Default for CaseDeadlines {
    fn default() -> Self {
        CaseDeadlines {
            high_hours: 24,
            medium_days: 3,
            low_days: 7,
            follow_up_days: 14,
        }
    }
}

impl CaseDeadlines {
    pub fn action_window(&self, risk: RiskLevel) -> Duration {
        match risk {
            RiskLevel::High => Duration::hours(self.high_hours),
            RiskLevel::Medium => Duration::days(self.medium_days),
            RiskLevel::Low => Duration::days(self.low_days),
        }
    }
}

/// A case's plain parts: what queues, alerts and figures are made of.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseState {
    pub stage: CaseStage,
    pub risk: RiskLevel,
    pub concerns: Vec<ProtectionConcern>,
    pub assigned_to: Uuid,
    pub opened_at: DateTime<Utc>,
    /// When the assessment is due (from the risk level at opening or its last change).
    pub assessment_due: DateTime<Utc>,
    pub assessed_at: Option<DateTime<Utc>>,
    pub next_follow_up: Option<DateTime<Utc>>,
    pub bia: ApprovalState,
    pub bid_required: bool,
    pub bid: ApprovalState,
    pub care: Option<CareArrangement>,
    pub caregiver_verified: bool,
    pub birth_registration: BirthRegistration,
    /// A closure asked for by `closure_requested_by`, waiting for a supervisor.
    pub closure_requested: Option<ClosureReason>,
    pub closure_requested_by: Option<Uuid>,
    pub closure_reason: Option<ClosureReason>,
    pub closed_at: Option<DateTime<Utc>>,
    /// Who recorded the best interests step that waits for approval.
    pub bip_recorded_by: Option<Uuid>,
}

/// One piece of work on a case. Text that speaks about the child travels beside the step (the
/// store encrypts it); the step carries only what the rules need.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    Assess,
    Plan {
        /// The first follow-up; default from the deadlines.
        follow_up: Option<NaiveDate>,
    },
    FollowUp {
        next: Option<NaiveDate>,
    },
    ChangeRisk(RiskLevel),
    Reassign(Uuid),
    /// A best interests assessment, and whether the situation needs a determination too.
    RecordBia {
        bid_required: bool,
    },
    /// A best interests determination with the panel's decision.
    RecordBid,
    ApproveBip,
    /// The supervisor sends the recorded assessment or determination back to be done again.
    ReturnBip,
    SetCare {
        arrangement: CareArrangement,
        caregiver_verified: bool,
    },
    SetBirthRegistration(BirthRegistration),
    RequestClosure(ClosureReason),
    ApproveClosure,
    RejectClosure,
}

impl Step {
    /// The name the audit log and the case history use.
    pub fn code(&self) -> &'static str {
        match self {
            Step::Assess => "assessment",
            Step::Plan { .. } => "case-plan",
            Step::FollowUp { .. } => "follow-up",
            Step::ChangeRisk(_) => "risk",
            Step::Reassign(_) => "reassign",
            Step::RecordBia { .. } => "bia",
            Step::RecordBid => "bid",
            Step::ApproveBip => "bip-approval",
            Step::ReturnBip => "bip-return",
            Step::SetCare { .. } => "care",
            Step::SetBirthRegistration(_) => "birth-registration",
            Step::RequestClosure(_) => "closure-request",
            Step::ApproveClosure => "closure-approval",
            Step::RejectClosure => "closure-rejection",
        }
    }

    /// Steps that need a supervisor (`SuperviseCase`), not only the case worker.
    pub fn needs_supervisor(&self) -> bool {
        matches!(
            self,
            Step::Reassign(_)
                | Step::ApproveBip
                | Step::ReturnBip
                | Step::ApproveClosure
                | Step::RejectClosure
        )
    }

    /// The name the history and the audit give this step taken on `before`: an approval or a
    /// sending back names whether it was the assessment or the determination.
    pub fn event_code(&self, before: &CaseState) -> &'static str {
        let determination = before.bid == ApprovalState::Pending;
        match (self, determination) {
            (Step::ApproveBip, true) => "bid-approval",
            (Step::ApproveBip, false) => "bia-approval",
            (Step::ReturnBip, true) => "bid-return",
            (Step::ReturnBip, false) => "bia-return",
            _ => self.code(),
        }
    }
}

fn refuse(field: &'static str, message: impl Into<String>) -> ValidationError {
    ValidationError::new(field, message)
}

impl CaseState {
    /// A case opened from a screening that found `concerns`.
    pub fn open(
        concerns: Vec<ProtectionConcern>,
        risk: RiskLevel,
        assigned_to: Uuid,
        deadlines: &CaseDeadlines,
        now: DateTime<Utc>,
    ) -> Result<CaseState, ValidationError> {
        let mut concerns = concerns;
        concerns.sort();
        concerns.dedup();
        if concerns.is_empty() {
            return Err(refuse(
                "concerns",
                "a case is opened for at least one protection concern",
            ));
        }
        let birth_registration = if concerns.contains(&ProtectionConcern::WithoutBirthCertificate) {
            BirthRegistration::Needed
        } else {
            BirthRegistration::NotNeeded
        };
        Ok(CaseState {
            stage: CaseStage::Assessment,
            risk,
            concerns,
            assigned_to,
            opened_at: now,
            assessment_due: now + deadlines.action_window(risk),
            assessed_at: None,
            next_follow_up: None,
            bia: ApprovalState::NotStarted,
            bid_required: false,
            bid: ApprovalState::NotStarted,
            care: None,
            caregiver_verified: false,
            birth_registration,
            closure_requested: None,
            closure_requested_by: None,
            closure_reason: None,
            closed_at: None,
            bip_recorded_by: None,
        })
    }

    /// A case received from another deployment, continued where the sender left it: the stage
    /// and every step's status as they were. Deadlines run from `now`: an assessment still to
    /// be done is due within the risk level's window from arrival, a follow-up the sender set
    /// keeps its date, and a plan in progress is next followed up after the usual interval.
    pub fn continued(
        status: &crate::transfer::CaseStatus,
        concerns: Vec<ProtectionConcern>,
        risk: RiskLevel,
        assigned_to: Uuid,
        deadlines: &CaseDeadlines,
        now: DateTime<Utc>,
    ) -> Result<CaseState, ValidationError> {
        if status.stage == CaseStage::Closed {
            return Err(refuse("stage", "a closed case is not handed over"));
        }
        let mut state = CaseState::open(concerns, risk, assigned_to, deadlines, now)?;
        state.stage = status.stage;
        state.assessed_at = status.assessed_at;
        state.next_follow_up = match status.stage {
            CaseStage::Implementation => Some(
                status
                    .next_follow_up
                    .filter(|at| *at > now)
                    .unwrap_or(now + Duration::days(deadlines.follow_up_days)),
            ),
            _ => None,
        };
        state.bia = status.bia;
        state.bid_required = status.bid_required;
        state.bid = status.bid;
        state.care = status.care;
        state.caregiver_verified = status.caregiver_verified;
        state.birth_registration = status.birth_registration;
        Ok(state)
    }

    pub fn is_open(&self) -> bool {
        self.stage != CaseStage::Closed
    }

    /// Whether a recorded best interests step waits for `by` to decide on it (the four-eyes
    /// rule: not who recorded it, who `does` it); true when it is the determination.
    fn bip_waiting(&self, by: Uuid, does: &str) -> Result<bool, ValidationError> {
        let pending_bid = self.bid == ApprovalState::Pending;
        if self.bia != ApprovalState::Pending && !pending_bid {
            return Err(refuse(
                "step",
                "nothing of the best interests procedure waits",
            ));
        }
        if self.bip_recorded_by == Some(by) {
            return Err(refuse(
                "step",
                format!("someone other than who recorded it {does}"),
            ));
        }
        Ok(pending_bid)
    }

    /// Applies `step`, done by `by` at `now`, or says why it cannot be done now. Supervision
    /// rights are the policy's business; this checks order and the four-eyes rule (nobody
    /// approves what they asked for themselves).
    pub fn apply(
        &self,
        step: &Step,
        by: Uuid,
        deadlines: &CaseDeadlines,
        now: DateTime<Utc>,
    ) -> Result<CaseState, ValidationError> {
        if !self.is_open() {
            return Err(refuse("step", "the case is closed"));
        }
        let mut next = self.clone();
        let follow_up_default = now + Duration::days(deadlines.follow_up_days);
        let date_to_time = |d: NaiveDate| -> Result<DateTime<Utc>, ValidationError> {
            let at = d.and_hms_opt(9, 0, 0).expect("valid time").and_utc();
            if d < now.date_naive() {
                return Err(refuse(
                    "follow_up",
                    "the next follow-up cannot be in the past",
                ));
            }
            Ok(at)
        };
        match step {
            Step::Assess => {
                if self.stage != CaseStage::Assessment {
                    return Err(refuse("step", "the case was already assessed"));
                }
                next.stage = CaseStage::CasePlan;
                next.assessed_at = Some(now);
            }
            Step::Plan { follow_up } => {
                if self.stage == CaseStage::Assessment {
                    return Err(refuse("step", "assess the child before planning"));
                }
                next.stage = CaseStage::Implementation;
                next.next_follow_up = Some(match follow_up {
                    Some(d) => date_to_time(*d)?,
                    None => follow_up_default,
                });
            }
            Step::FollowUp { next: when } => {
                if self.stage != CaseStage::Implementation {
                    return Err(refuse("step", "follow-ups come once there is a case plan"));
                }
                next.next_follow_up = Some(match when {
                    Some(d) => date_to_time(*d)?,
                    None => follow_up_default,
                });
            }
            Step::ChangeRisk(risk) => {
                next.risk = *risk;
                if self.stage == CaseStage::Assessment {
                    // A higher risk brings the assessment forward, never pushes it back.
                    next.assessment_due = self
                        .assessment_due
                        .min(now + deadlines.action_window(*risk));
                }
            }
            Step::Reassign(to) => {
                if *to == self.assigned_to {
                    return Err(refuse("assigned_to", "the case is already with them"));
                }
                next.assigned_to = *to;
            }
            Step::RecordBia { bid_required } => {
                if self.bia != ApprovalState::NotStarted {
                    return Err(refuse("step", "the best interests assessment is recorded"));
                }
                next.bia = ApprovalState::Pending;
                next.bid_required = *bid_required;
                next.bip_recorded_by = Some(by);
            }
            Step::RecordBid => {
                if self.bia != ApprovalState::Approved {
                    return Err(refuse(
                        "step",
                        "a determination follows an approved best interests assessment",
                    ));
                }
                if !self.bid_required {
                    return Err(refuse(
                        "step",
                        "the assessment found no determination needed",
                    ));
                }
                if self.bid != ApprovalState::NotStarted {
                    return Err(refuse("step", "the determination is recorded"));
                }
                next.bid = ApprovalState::Pending;
                next.bip_recorded_by = Some(by);
            }
            Step::ApproveBip => {
                let pending_bid = self.bip_waiting(by, "must approve it")?;
                if pending_bid {
                    next.bid = ApprovalState::Approved;
                } else {
                    next.bia = ApprovalState::Approved;
                }
                next.bip_recorded_by = None;
            }
            Step::ReturnBip => {
                let pending_bid = self.bip_waiting(by, "sends it back")?;
                // Back to be done again: recorded anew, then approved.
                if pending_bid {
                    next.bid = ApprovalState::NotStarted;
                } else {
                    next.bia = ApprovalState::NotStarted;
                    next.bid_required = false;
                }
                next.bip_recorded_by = None;
            }
            Step::SetCare {
                arrangement,
                caregiver_verified,
            } => {
                next.care = Some(*arrangement);
                next.caregiver_verified = *caregiver_verified;
            }
            Step::SetBirthRegistration(to) => {
                if !self.birth_registration.next().contains(to) {
                    return Err(refuse(
                        "birth_registration",
                        format!(
                            "birth registration cannot go from {} to {}",
                            self.birth_registration.code(),
                            to.code()
                        ),
                    ));
                }
                next.birth_registration = *to;
            }
            Step::RequestClosure(reason) => {
                if self.closure_requested.is_some() {
                    return Err(refuse("step", "a closure already waits for approval"));
                }
                if self.bia == ApprovalState::Pending || self.bid == ApprovalState::Pending {
                    return Err(refuse(
                        "step",
                        "the best interests procedure waits for approval",
                    ));
                }
                next.closure_requested = Some(*reason);
                next.closure_requested_by = Some(by);
            }
            Step::ApproveClosure => {
                let Some(reason) = self.closure_requested else {
                    return Err(refuse("step", "no closure was asked for"));
                };
                if self.closure_requested_by == Some(by) {
                    return Err(refuse(
                        "step",
                        "someone other than who asked for the closure must approve it",
                    ));
                }
                next.stage = CaseStage::Closed;
                next.closure_reason = Some(reason);
                next.closed_at = Some(now);
                next.closure_requested = None;
                next.next_follow_up = None;
            }
            Step::RejectClosure => {
                if self.closure_requested.is_none() {
                    return Err(refuse("step", "no closure was asked for"));
                }
                next.closure_requested = None;
                next.closure_requested_by = None;
            }
        }
        Ok(next)
    }

    /// What needs someone's attention now.
    pub fn alerts(&self, now: DateTime<Utc>) -> Vec<CaseAlert> {
        let mut out = Vec::new();
        if !self.is_open() {
            return out;
        }
        if self.stage == CaseStage::Assessment && now > self.assessment_due {
            out.push(CaseAlert::AssessmentOverdue);
        }
        if self.next_follow_up.is_some_and(|at| now > at) {
            out.push(CaseAlert::FollowUpOverdue);
        }
        if self.bia == ApprovalState::Pending || self.bid == ApprovalState::Pending {
            out.push(CaseAlert::BipPendingApproval);
        }
        if self.closure_requested.is_some() {
            out.push(CaseAlert::ClosurePendingApproval);
        }
        out
    }
}

coded_enum! {
    CaseAlert {
        AssessmentOverdue => "assessment-overdue",
        FollowUpOverdue => "follow-up-overdue",
        BipPendingApproval => "bip-pending-approval",
        ClosurePendingApproval => "closure-pending-approval",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const WORKER: Uuid = Uuid::from_u128(1);
    const SUPERVISOR: Uuid = Uuid::from_u128(2);

    fn now() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-11-23T10:00:00Z")
            .unwrap()
            .with_timezone(&Utc)
    }

    fn opened(risk: RiskLevel) -> CaseState {
        CaseState::open(
            vec![
                ProtectionConcern::Unaccompanied,
                ProtectionConcern::WithoutBirthCertificate,
            ],
            risk,
            WORKER,
            &CaseDeadlines::default(),
            now(),
        )
        .unwrap()
    }

    fn step(state: &CaseState, step: Step, by: Uuid) -> Result<CaseState, ValidationError> {
        state.apply(&step, by, &CaseDeadlines::default(), now())
    }

    #[test]
    fn high_risk_demands_action_within_a_day_medium_within_three() {
        let high = opened(RiskLevel::High);
        assert_eq!(high.assessment_due, now() + Duration::hours(24));
        assert_eq!(
            opened(RiskLevel::Medium).assessment_due,
            now() + Duration::days(3)
        );
        assert!(high.alerts(now() + Duration::hours(23)).is_empty());
        assert_eq!(
            high.alerts(now() + Duration::hours(25)),
            vec![CaseAlert::AssessmentOverdue]
        );
        let custom = CaseDeadlines {
            high_hours: 12,
            ..CaseDeadlines::default()
        };
        let c = CaseState::open(
            vec![ProtectionConcern::Trafficking],
            RiskLevel::High,
            WORKER,
            &custom,
            now(),
        )
        .unwrap();
        assert_eq!(c.assessment_due, now() + Duration::hours(12));
        // Raising the risk brings the deadline forward.
        let raised = step(
            &opened(RiskLevel::Low),
            Step::ChangeRisk(RiskLevel::High),
            WORKER,
        )
        .unwrap();
        assert_eq!(raised.assessment_due, now() + Duration::hours(24));
        assert_eq!(
            opened(RiskLevel::High).birth_registration,
            BirthRegistration::Needed
        );
    }

    #[test]
    fn the_life_cycle_goes_in_order_and_closure_needs_another_person() {
        let c = opened(RiskLevel::High);
        assert_eq!(
            step(&c, Step::Plan { follow_up: None }, WORKER)
                .unwrap_err()
                .message,
            "assess the child before planning"
        );
        assert!(step(&c, Step::FollowUp { next: None }, WORKER).is_err());
        let c = step(&c, Step::Assess, WORKER).unwrap();
        assert_eq!(c.stage, CaseStage::CasePlan);
        assert!(step(&c, Step::Assess, WORKER).is_err());
        let c = step(&c, Step::Plan { follow_up: None }, WORKER).unwrap();
        assert_eq!(c.stage, CaseStage::Implementation);
        assert_eq!(c.next_follow_up, Some(now() + Duration::days(14)));
        let yesterday = now().date_naive().pred_opt().unwrap();
        assert_eq!(
            step(
                &c,
                Step::FollowUp {
                    next: Some(yesterday)
                },
                WORKER
            )
            .unwrap_err()
            .field,
            "follow_up"
        );
        assert_eq!(
            c.alerts(now() + Duration::days(15)),
            vec![CaseAlert::FollowUpOverdue]
        );
        let c = step(&c, Step::RequestClosure(ClosureReason::Reunified), WORKER).unwrap();
        assert_eq!(c.alerts(now()), vec![CaseAlert::ClosurePendingApproval]);
        assert!(step(&c, Step::ApproveClosure, WORKER).is_err(), "four eyes");
        let rejected = step(&c, Step::RejectClosure, SUPERVISOR).unwrap();
        assert!(rejected.closure_requested.is_none() && rejected.is_open());
        let closed = step(&c, Step::ApproveClosure, SUPERVISOR).unwrap();
        assert_eq!(closed.stage, CaseStage::Closed);
        assert_eq!(closed.closure_reason, Some(ClosureReason::Reunified));
        assert!(closed.alerts(now() + Duration::days(100)).is_empty());
        assert_eq!(
            step(&closed, Step::Assess, WORKER).unwrap_err().message,
            "the case is closed"
        );
    }

    #[test]
    fn a_supervisor_sends_a_best_interests_step_back_to_be_done_again() {
        let c = opened(RiskLevel::High);
        let c = step(&c, Step::RecordBia { bid_required: true }, WORKER).unwrap();
        assert!(
            step(&c, Step::ReturnBip, WORKER).is_err(),
            "not by who recorded it"
        );
        assert_eq!(Step::ReturnBip.event_code(&c), "bia-return");
        let back = step(&c, Step::ReturnBip, SUPERVISOR).unwrap();
        assert_eq!(back.bia, ApprovalState::NotStarted);
        assert!(back.alerts(now()).is_empty(), "nothing waits for approval");
        assert!(
            step(&back, Step::ReturnBip, SUPERVISOR).is_err(),
            "nothing to send back"
        );
        // Recorded again, approved; then the determination is sent back on its own.
        let c = step(&back, Step::RecordBia { bid_required: true }, WORKER).unwrap();
        let c = step(&c, Step::ApproveBip, SUPERVISOR).unwrap();
        let c = step(&c, Step::RecordBid, WORKER).unwrap();
        assert_eq!(Step::ApproveBip.event_code(&c), "bid-approval");
        let c = step(&c, Step::ReturnBip, SUPERVISOR).unwrap();
        assert_eq!(
            (c.bia, c.bid),
            (ApprovalState::Approved, ApprovalState::NotStarted)
        );
    }

    #[test]
    fn best_interests_assessment_then_determination_each_approved_by_someone_else() {
        let c = opened(RiskLevel::High);
        assert!(step(&c, Step::RecordBid, WORKER).is_err(), "BIA first");
        let c = step(&c, Step::RecordBia { bid_required: true }, WORKER).unwrap();
        assert_eq!(c.bia, ApprovalState::Pending);
        assert_eq!(c.alerts(now()), vec![CaseAlert::BipPendingApproval]);
        assert!(step(&c, Step::ApproveBip, WORKER).is_err());
        assert!(
            step(&c, Step::RequestClosure(ClosureReason::NeedsMet), WORKER).is_err(),
            "no closure while the BIP waits"
        );
        let c = step(&c, Step::ApproveBip, SUPERVISOR).unwrap();
        assert_eq!(c.bia, ApprovalState::Approved);
        let c = step(&c, Step::RecordBid, WORKER).unwrap();
        assert_eq!(c.bid, ApprovalState::Pending);
        let c = step(&c, Step::ApproveBip, SUPERVISOR).unwrap();
        assert_eq!(c.bid, ApprovalState::Approved);
        assert!(step(&c, Step::ApproveBip, SUPERVISOR).is_err());
        let no_bid = step(
            &opened(RiskLevel::Low),
            Step::RecordBia {
                bid_required: false,
            },
            WORKER,
        )
        .and_then(|c| step(&c, Step::ApproveBip, SUPERVISOR))
        .unwrap();
        assert!(step(&no_bid, Step::RecordBid, WORKER).is_err());
    }

    #[test]
    fn birth_registration_is_followed_to_the_end() {
        let c = opened(RiskLevel::Medium);
        assert!(
            step(
                &c,
                Step::SetBirthRegistration(BirthRegistration::Registered),
                WORKER
            )
            .is_err()
        );
        let c = step(
            &c,
            Step::SetBirthRegistration(BirthRegistration::Applied),
            WORKER,
        )
        .unwrap();
        let c = step(
            &c,
            Step::SetBirthRegistration(BirthRegistration::Registered),
            WORKER,
        )
        .unwrap();
        assert_eq!(c.birth_registration, BirthRegistration::Registered);
        assert!(
            step(
                &c,
                Step::SetBirthRegistration(BirthRegistration::Needed),
                WORKER
            )
            .is_err()
        );
    }

    #[test]
    fn a_case_needs_a_concern() {
        let err = CaseState::open(
            vec![],
            RiskLevel::Low,
            WORKER,
            &CaseDeadlines::default(),
            now(),
        )
        .unwrap_err();
        assert_eq!(err.field, "concerns");
    }
}
