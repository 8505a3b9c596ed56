//! The permission policy: the one place that decides whether a staff member may do something
//! or see a field. Deny by default: an action is allowed only where a rule below says so, and
//! only inside the account's scope. Handlers and commands ask; they never decide.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::Country;
use crate::taxonomy::coded_enum;

coded_enum! {
    /// What a staff account is for. Each role sees what its work needs and nothing more.
    Role {
        InformationDesk => "information-desk",
        SocialWorker => "social-worker",
        Psychosocial => "psychosocial",
        LegalAid => "legal-aid",
        HubCoordinator => "hub-coordinator",
        CountryCoordinator => "country-coordinator",
        DataAnalyst => "data-analyst",
        /// Writes and translates a country's information pages; sees no personal data.
        ContentEditor => "content-editor",
        SystemAdministrator => "system-administrator",
    }
}

coded_enum! {
    /// Everything a staff member can ask to do.
    Action {
        /// Record visits (counts by age, sex, disability; no names).
        RecordVisit => "record-visit",
        /// See figures aggregated over many people; never names.
        ViewAggregates => "view-aggregates",
        /// Set and remove the targets figures are measured against, for a place.
        SetTargets => "set-targets",
        /// Flag a child at risk or alone for a hub's social workers, without seeing records.
        FlagChild => "flag-child",
        /// Open a person's or a case's record.
        ViewPerson => "view-person",
        /// Register a person with specific needs or change their record.
        EditPerson => "edit-person",
        /// Anonymise or erase a person's record (a request to be forgotten, or retention).
        ErasePerson => "erase-person",
        /// Open, assess, plan and follow up child protection cases.
        ManageCase => "manage-case",
        /// Approve case closures, best interests decisions and reassignments.
        SuperviseCase => "supervise-case",
        /// Receive, transfer and count a hub's supplies (handing them out comes with a visit).
        ManageStock => "manage-stock",
        /// Plan, cancel and staff a hub's mobile team deployments (the team starts and ends them).
        PlanDeployment => "plan-deployment",
        /// Change the public directory: hubs, their services, hours and closures, providers.
        EditDirectory => "edit-directory",
        /// Write, translate and verify the information pages of the public site.
        EditPages => "edit-pages",
        /// Search and export the audit log.
        ViewAudit => "view-audit",
        /// Create, reset and disable staff accounts.
        ManageUsers => "manage-users",
        /// Answer a country's inclusion assessment and act on the barriers it finds.
        AssessInclusion => "assess-inclusion",
        /// Send a country's inclusion assessment back or approve it.
        ApproveInclusion => "approve-inclusion",
        /// Change the inclusion questionnaire, in every language.
        EditQuestionnaire => "edit-questionnaire",
    }
}

coded_enum! {
    /// Parts of a person's or case's record that roles see separately.
    Field {
        /// Names, dates of birth, contacts, documents.
        Identity => "identity",
        /// Specific-needs categories and the screening that found them.
        Needs => "needs",
        /// Social work: assessments, case plan, case notes, care arrangements.
        CaseWork => "case-work",
        /// Psychosocial assessments and session notes.
        PsychosocialNotes => "psychosocial-notes",
        /// Legal status, documentation and legal advice notes.
        LegalNotes => "legal-notes",
    }
}

/// Where an account may act: some hubs, some whole countries, or (administrators of a
/// deployment) everywhere.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scope {
    #[serde(default)]
    pub hubs: Vec<Uuid>,
    #[serde(default)]
    pub countries: Vec<Country>,
    #[serde(default)]
    pub everywhere: bool,
}

/// What an action is about: a record held at a hub in a country, or the network as a whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Hub { hub: Uuid, country: Country },
    Country(Country),
    Network,
}

impl Scope {
    pub fn covers(&self, target: Target) -> bool {
        if self.everywhere {
            return true;
        }
        match target {
            Target::Hub { hub, country } => {
                self.hubs.contains(&hub) || self.countries.contains(&country)
            }
            Target::Country(country) => self.countries.contains(&country),
            Target::Network => false,
        }
    }

    pub fn is_empty(&self) -> bool {
        !self.everywhere && self.hubs.is_empty() && self.countries.is_empty()
    }
}

/// A signed-in staff member as the policy sees them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub user_id: Uuid,
    pub role: Role,
    pub scope: Scope,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Allow,
    Deny,
}

impl Decision {
    pub fn allowed(self) -> bool {
        self == Decision::Allow
    }
}

/// Which actions a role may take at all, before scope is considered.
pub fn role_allows(role: Role, action: Action) -> bool {
    use Action::*;
    use Role::*;
    match role {
        InformationDesk => matches!(action, RecordVisit | FlagChild | ManageStock),
        SocialWorker => matches!(
            action,
            RecordVisit | FlagChild | ViewPerson | EditPerson | ManageCase
        ),
        Psychosocial | LegalAid => matches!(action, RecordVisit | FlagChild | ViewPerson),
        // A hub coordinator's scope is its hubs; the country's assessment is not theirs.
        CountryCoordinator if matches!(action, AssessInclusion | ApproveInclusion) => true,
        HubCoordinator | CountryCoordinator => matches!(
            action,
            RecordVisit
                | FlagChild
                | ViewAggregates
                | SetTargets
                | ViewPerson
                | EditPerson
                | ErasePerson
                | ManageCase
                | SuperviseCase
                | ManageStock
                | PlanDeployment
                | EditDirectory
                | EditPages
                | ViewAudit
        ),
        DataAnalyst => matches!(action, ViewAggregates),
        ContentEditor => matches!(action, EditPages | AssessInclusion),
        // Administrators run accounts and configuration; they never see case contents.
        SystemAdministrator => matches!(action, ManageUsers | ViewAudit | EditQuestionnaire),
    }
}

/// Which parts of a record a role sees when it may view the record at all.
pub fn role_sees(role: Role, field: Field) -> bool {
    use Field::*;
    use Role::*;
    match role {
        SocialWorker | HubCoordinator | CountryCoordinator => {
            matches!(field, Identity | Needs | CaseWork | LegalNotes)
        }
        Psychosocial => matches!(field, Identity | Needs | PsychosocialNotes),
        LegalAid => matches!(field, Identity | Needs | LegalNotes),
        InformationDesk | DataAnalyst | ContentEditor | SystemAdministrator => false,
    }
}

/// The part of a record a role writes its notes in, if it writes any.
pub fn note_field(role: Role) -> Option<Field> {
    use Role::*;
    match role {
        SocialWorker | HubCoordinator | CountryCoordinator => Some(Field::CaseWork),
        Psychosocial => Some(Field::PsychosocialNotes),
        LegalAid => Some(Field::LegalNotes),
        InformationDesk | DataAnalyst | ContentEditor | SystemAdministrator => None,
    }
}

/// Decides whether `actor` may add a note to the record at `target`: in the part their role
/// writes, which they must also be able to read.
pub fn may_write_note(actor: &Actor, target: Target) -> Option<Field> {
    note_field(actor.role).filter(|field| may_see(actor, *field, target))
}

/// Decides an action on a target.
pub fn decide(actor: &Actor, action: Action, target: Target) -> Decision {
    if role_allows(actor.role, action) && actor.scope.covers(target) {
        Decision::Allow
    } else {
        Decision::Deny
    }
}

/// Decides whether a field of a record at `target` is shown to `actor`.
pub fn may_see(actor: &Actor, field: Field, target: Target) -> bool {
    decide(actor, Action::ViewPerson, target).allowed() && role_sees(actor.role, field)
}

// Named rules for records and pages, each built from the matrix above. Handlers ask these by
// name; none of them decides for itself.

/// Whether `actor` handles case work at `target`: manages or supervises cases there. Family
/// tracing and transfers of cases are theirs.
pub fn handles_cases(actor: &Actor, target: Target) -> bool {
    decide(actor, Action::ManageCase, target).allowed()
        || decide(actor, Action::SuperviseCase, target).allowed()
}

/// Whether `actor` works on the child protection cases at `target`: who handles cases there and
/// also reads the case work.
pub fn works_on_cases(actor: &Actor, target: Target) -> bool {
    handles_cases(actor, target) && may_see(actor, Field::CaseWork, target)
}

/// The permission a case step asks for: approvals and reassignments are a supervisor's.
pub fn case_step_action(step: &crate::case::Step) -> Action {
    if step.needs_supervisor() {
        Action::SuperviseCase
    } else {
        Action::ManageCase
    }
}

/// How a staff member stands to a referral.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReferralSide {
    /// Referred, or supervises the hub: sees it all, records an external provider's answer.
    Sender,
    /// A specialist of the role it was sent to, at that hub.
    Receiver,
}

/// Which side of a referral held at `target` `actor` is on, if any. `sent_to` is the role of
/// the specialists it was sent to (none for an external provider).
pub fn referral_side(actor: &Actor, target: Target, sent_to: Option<Role>) -> Option<ReferralSide> {
    if decide(actor, Action::EditPerson, target).allowed() {
        Some(ReferralSide::Sender)
    } else if sent_to == Some(actor.role) && decide(actor, Action::ViewPerson, target).allowed() {
        Some(ReferralSide::Receiver)
    } else {
        None
    }
}

/// Whether `actor` follows referral queues at `target`: supervisors, and the specialists that
/// referrals are sent to.
pub fn follows_referrals(actor: &Actor, target: Target) -> bool {
    decide(actor, Action::SuperviseCase, target).allowed()
        || (crate::referral::IN_HUB_ROLES.contains(&actor.role)
            && decide(actor, Action::ViewPerson, target).allowed())
}

/// Whether `actor` decides a transfer whose receiving side is any of `receiving` (the hub it
/// is sent to, or every hub of the country a partner's package is for): a supervisor there.
pub fn decides_transfer(actor: &Actor, receiving: impl IntoIterator<Item = Target>) -> bool {
    receiving
        .into_iter()
        .any(|t| decide(actor, Action::SuperviseCase, t).allowed())
}

/// Whether an account may be given the cases of `target` to carry: a case worker's role,
/// covering that hub.
pub fn carries_cases(account: &Actor, target: Target) -> bool {
    decide(account, Action::ManageCase, target).allowed()
}

/// Whether an account may be on a mobile team from `target`: it records visits there.
pub fn joins_teams(account: &Actor, target: Target) -> bool {
    decide(account, Action::RecordVisit, target).allowed()
}

/// Whether `actor` sees the mobile team deployments of `target`: those who plan them and those
/// who could be on a team.
pub fn sees_deployments(actor: &Actor, target: Target) -> bool {
    decide(actor, Action::RecordVisit, target).allowed()
        || decide(actor, Action::PlanDeployment, target).allowed()
}

/// Where `actor` may move a deployment of `target` now in status `from`: planners anywhere the
/// life cycle allows; a member of its team may start and complete it, never cancel it.
pub fn deployment_moves(
    actor: &Actor,
    target: Target,
    on_team: bool,
    from: crate::deployment::DeploymentStatus,
) -> Vec<crate::deployment::DeploymentStatus> {
    use crate::deployment::DeploymentStatus;
    let planner = decide(actor, Action::PlanDeployment, target).allowed();
    let member = on_team && decide(actor, Action::RecordVisit, target).allowed();
    from.next()
        .iter()
        .copied()
        .filter(|to| planner || (member && *to != DeploymentStatus::Cancelled))
        .collect()
}

/// Whether `actor` sees the supplies of `target`: who manages them, and who hands them out
/// with a visit.
pub fn sees_stock(actor: &Actor, target: Target) -> bool {
    decide(actor, Action::ManageStock, target).allowed()
        || decide(actor, Action::RecordVisit, target).allowed()
}

/// Whether `actor` may change the directory entry of a hub: its coordinators and those of its
/// country.
pub fn edits_hub(actor: &Actor, hub: Target) -> bool {
    decide(actor, Action::EditDirectory, hub).allowed()
}

/// Whether `actor` may add hubs and providers to `country`'s directory: its country
/// coordinators.
pub fn adds_to_directory(actor: &Actor, country: Country) -> bool {
    decide(actor, Action::EditDirectory, Target::Country(country)).allowed()
}

/// Whether `actor` may write and translate `country`'s information pages.
pub fn edits_pages(actor: &Actor, country: Country) -> bool {
    decide(actor, Action::EditPages, Target::Country(country)).allowed()
}

/// Whether `actor` works on the directory at all somewhere: the staff directory pages are
/// theirs.
pub fn edits_directory_anywhere(actor: &Actor) -> bool {
    use Action::*;
    [EditDirectory, EditPages]
        .iter()
        .any(|a| role_allows(actor.role, *a) && !actor.scope.is_empty())
}

/// Whether `actor` may read a country's inclusion assessments: those who write them, those who
/// see the country's figures, and the administrators who keep the questionnaire.
pub fn reads_inclusion(actor: &Actor, country: Country) -> bool {
    use Action::*;
    [AssessInclusion, ViewAggregates, EditQuestionnaire]
        .iter()
        .any(|a| decide(actor, *a, Target::Country(country)).allowed())
}

/// Whether figures over `counted` places are shown to `actor` exactly: only to a reader who may
/// open every record counted; anyone else sees small counts suppressed.
pub fn sees_exact_counts(actor: &Actor, counted: impl IntoIterator<Item = Target>) -> bool {
    counted
        .into_iter()
        .all(|t| decide(actor, Action::ViewPerson, t).allowed())
}

#[cfg(test)]
mod tests {
    use super::*;

    const HUB: Uuid = Uuid::from_u128(1);
    const OTHER_HUB: Uuid = Uuid::from_u128(2);

    fn actor(role: Role, scope: Scope) -> Actor {
        Actor {
            user_id: Uuid::from_u128(99),
            role,
            scope,
        }
    }

    /// The expected table, written out in full so that any change to the policy shows here.
    fn expected(role: Role, action: Action) -> bool {
        use Action::*;
        use Role::*;
        let row: &[Action] = match role {
            InformationDesk => &[RecordVisit, FlagChild, ManageStock],
            SocialWorker => &[RecordVisit, FlagChild, ViewPerson, EditPerson, ManageCase],
            Psychosocial => &[RecordVisit, FlagChild, ViewPerson],
            LegalAid => &[RecordVisit, FlagChild, ViewPerson],
            CountryCoordinator => &[
                RecordVisit,
                FlagChild,
                ViewAggregates,
                SetTargets,
                ViewPerson,
                EditPerson,
                ErasePerson,
                ManageCase,
                SuperviseCase,
                ManageStock,
                PlanDeployment,
                EditDirectory,
                EditPages,
                ViewAudit,
                AssessInclusion,
                ApproveInclusion,
            ],
            HubCoordinator => &[
                RecordVisit,
                FlagChild,
                ViewAggregates,
                SetTargets,
                ViewPerson,
                EditPerson,
                ErasePerson,
                ManageCase,
                SuperviseCase,
                ManageStock,
                PlanDeployment,
                EditDirectory,
                EditPages,
                ViewAudit,
            ],
            DataAnalyst => &[ViewAggregates],
            ContentEditor => &[EditPages, AssessInclusion],
            SystemAdministrator => &[ManageUsers, ViewAudit, EditQuestionnaire],
        };
        row.contains(&action)
    }

    #[test]
    fn walks_the_whole_role_action_scope_matrix() {
        let here = Target::Hub {
            hub: HUB,
            country: Country::Romania,
        };
        let elsewhere_same_country = Target::Hub {
            hub: OTHER_HUB,
            country: Country::Romania,
        };
        let other_country = Target::Hub {
            hub: OTHER_HUB,
            country: Country::Poland,
        };
        let scopes = [
            (
                "hub",
                Scope {
                    hubs: vec![HUB],
                    ..Scope::default()
                },
            ),
            (
                "country",
                Scope {
                    countries: vec![Country::Romania],
                    ..Scope::default()
                },
            ),
            ("nothing", Scope::default()),
            (
                "everywhere",
                Scope {
                    everywhere: true,
                    ..Scope::default()
                },
            ),
        ];
        let mut checked = 0;
        for &role in Role::ALL {
            for &action in Action::ALL {
                for (name, scope) in &scopes {
                    let a = actor(role, scope.clone());
                    let role_ok = expected(role, action);
                    let cases = [
                        (here, *name != "nothing"),
                        (
                            elsewhere_same_country,
                            matches!(*name, "country" | "everywhere"),
                        ),
                        (other_country, *name == "everywhere"),
                        (
                            Target::Country(Country::Romania),
                            matches!(*name, "country" | "everywhere"),
                        ),
                        (Target::Network, *name == "everywhere"),
                    ];
                    for (target, in_scope) in cases {
                        let want = role_ok && in_scope;
                        assert_eq!(
                            decide(&a, action, target).allowed(),
                            want,
                            "{role} {action} scope={name} target={target:?}"
                        );
                        checked += 1;
                    }
                }
            }
        }
        assert_eq!(checked, Role::ALL.len() * Action::ALL.len() * 4 * 5);
    }

    #[test]
    fn directory_rules_follow_scope() {
        let ro_hub = Target::Hub {
            hub: HUB,
            country: Country::Romania,
        };
        let hub_coordinator = actor(
            Role::HubCoordinator,
            Scope {
                hubs: vec![HUB],
                ..Scope::default()
            },
        );
        let country = Scope {
            countries: vec![Country::Romania],
            ..Scope::default()
        };
        let country_coordinator = actor(Role::CountryCoordinator, country.clone());
        let editor = actor(Role::ContentEditor, country);
        // A hub coordinator edits their hub, adds nothing and writes no country pages.
        assert!(edits_hub(&hub_coordinator, ro_hub));
        assert!(!adds_to_directory(&hub_coordinator, Country::Romania));
        assert!(!edits_pages(&hub_coordinator, Country::Romania));
        // A country coordinator does all of it in their country only.
        assert!(edits_hub(&country_coordinator, ro_hub));
        assert!(adds_to_directory(&country_coordinator, Country::Romania));
        assert!(edits_pages(&country_coordinator, Country::Romania));
        assert!(!adds_to_directory(&country_coordinator, Country::Poland));
        // A content editor writes pages, touches no hub and sees no one.
        assert!(edits_pages(&editor, Country::Romania));
        assert!(!edits_pages(&editor, Country::Poland));
        assert!(!edits_hub(&editor, ro_hub));
        assert!(!may_see(&editor, Field::Identity, ro_hub));
        assert!(edits_directory_anywhere(&editor));
        assert!(!edits_directory_anywhere(&actor(
            Role::SocialWorker,
            Scope {
                everywhere: true,
                ..Scope::default()
            }
        )));
    }

    #[test]
    fn fields_are_shown_by_role() {
        let here = Target::Hub {
            hub: HUB,
            country: Country::Romania,
        };
        let scope = Scope {
            hubs: vec![HUB],
            ..Scope::default()
        };
        let legal = actor(Role::LegalAid, scope.clone());
        assert!(may_see(&legal, Field::LegalNotes, here));
        assert!(!may_see(&legal, Field::PsychosocialNotes, here));
        let psy = actor(Role::Psychosocial, scope.clone());
        assert!(may_see(&psy, Field::PsychosocialNotes, here));
        assert!(!may_see(&psy, Field::LegalNotes, here));
        for role in [
            Role::DataAnalyst,
            Role::SystemAdministrator,
            Role::InformationDesk,
        ] {
            for &field in Field::ALL {
                assert!(
                    !may_see(
                        &actor(
                            role,
                            Scope {
                                everywhere: true,
                                ..Scope::default()
                            }
                        ),
                        field,
                        here
                    ),
                    "{role} {field}"
                );
            }
        }
        let elsewhere = Target::Hub {
            hub: OTHER_HUB,
            country: Country::Romania,
        };
        assert!(!may_see(
            &actor(Role::SocialWorker, scope),
            Field::Identity,
            elsewhere
        ));
    }

    #[test]
    fn each_role_writes_notes_only_where_it_reads() {
        let here = Target::Hub {
            hub: HUB,
            country: Country::Romania,
        };
        let scope = Scope {
            hubs: vec![HUB],
            ..Scope::default()
        };
        let writes = |role| may_write_note(&actor(role, scope.clone()), here);
        assert_eq!(writes(Role::SocialWorker), Some(Field::CaseWork));
        assert_eq!(writes(Role::Psychosocial), Some(Field::PsychosocialNotes));
        assert_eq!(writes(Role::LegalAid), Some(Field::LegalNotes));
        assert_eq!(writes(Role::InformationDesk), None);
        assert_eq!(writes(Role::SystemAdministrator), None);
        let elsewhere = Target::Country(Country::Poland);
        assert_eq!(
            may_write_note(&actor(Role::SocialWorker, scope), elsewhere),
            None
        );
    }

    /// Every role in scope of one hub, for the named rules' tables.
    fn at_hub(role: Role) -> (Actor, Target) {
        let target = Target::Hub {
            hub: HUB,
            country: Country::Romania,
        };
        let scope = Scope {
            hubs: vec![HUB],
            ..Scope::default()
        };
        (actor(role, scope), target)
    }

    #[test]
    fn named_rules_follow_the_roles() {
        use Role::*;
        let other = Target::Hub {
            hub: OTHER_HUB,
            country: Country::Poland,
        };
        for &role in Role::ALL {
            let (a, here) = at_hub(role);
            let coordinator = matches!(role, HubCoordinator | CountryCoordinator);
            assert_eq!(
                works_on_cases(&a, here),
                coordinator || role == SocialWorker,
                "{role} cases"
            );
            assert_eq!(
                handles_cases(&a, here),
                coordinator || role == SocialWorker,
                "{role} tracing and transfers"
            );
            assert_eq!(
                follows_referrals(&a, here),
                coordinator || matches!(role, SocialWorker | Psychosocial | LegalAid),
                "{role} referrals"
            );
            assert_eq!(
                sees_deployments(&a, here),
                !matches!(role, DataAnalyst | ContentEditor | SystemAdministrator),
                "{role} deployments"
            );
            assert_eq!(
                sees_stock(&a, here),
                !matches!(role, DataAnalyst | ContentEditor | SystemAdministrator),
                "{role} stock"
            );
            assert_eq!(
                decides_transfer(&a, [other, here]),
                coordinator,
                "{role} transfers"
            );
            assert_eq!(
                sees_exact_counts(&a, [here]),
                coordinator || matches!(role, SocialWorker | Psychosocial | LegalAid),
                "{role} exact counts"
            );
            assert_eq!(
                carries_cases(&a, here),
                coordinator || role == SocialWorker,
                "{role} carries cases"
            );
            assert_eq!(
                joins_teams(&a, here),
                !matches!(role, DataAnalyst | ContentEditor | SystemAdministrator),
                "{role} joins teams"
            );
            assert!(!carries_cases(&a, other) && !joins_teams(&a, other));
            // Outside the account's scope none of them holds.
            assert!(!works_on_cases(&a, other) && !handles_cases(&a, other));
            assert!(!follows_referrals(&a, other) && !sees_deployments(&a, other));
            assert!(!sees_stock(&a, other) && !decides_transfer(&a, [other]));
            assert!(!sees_exact_counts(&a, [here, other]), "{role}");
        }
    }

    #[test]
    fn referral_sides_and_case_steps() {
        let (worker, here) = at_hub(Role::SocialWorker);
        let (lawyer, _) = at_hub(Role::LegalAid);
        let (psychologist, _) = at_hub(Role::Psychosocial);
        let (desk, _) = at_hub(Role::InformationDesk);
        let to_legal = Some(Role::LegalAid);
        assert_eq!(
            referral_side(&worker, here, to_legal),
            Some(ReferralSide::Sender)
        );
        assert_eq!(
            referral_side(&lawyer, here, to_legal),
            Some(ReferralSide::Receiver)
        );
        assert_eq!(referral_side(&psychologist, here, to_legal), None);
        assert_eq!(referral_side(&lawyer, here, None), None, "a provider's");
        assert_eq!(referral_side(&desk, here, to_legal), None);
        let elsewhere = Target::Country(Country::Poland);
        assert_eq!(referral_side(&lawyer, elsewhere, to_legal), None);

        use crate::case::Step;
        assert_eq!(case_step_action(&Step::ApproveBip), Action::SuperviseCase);
        assert_eq!(
            case_step_action(&Step::ApproveClosure),
            Action::SuperviseCase
        );
        assert_eq!(case_step_action(&Step::Assess), Action::ManageCase);
    }

    #[test]
    fn teams_start_and_complete_deployments_but_only_planners_cancel() {
        use crate::deployment::DeploymentStatus::*;
        let (desk, here) = at_hub(Role::InformationDesk);
        let (coordinator, _) = at_hub(Role::HubCoordinator);
        assert_eq!(deployment_moves(&desk, here, true, Planned), vec![UnderWay]);
        assert_eq!(deployment_moves(&desk, here, false, Planned), vec![]);
        assert_eq!(
            deployment_moves(&coordinator, here, false, Planned),
            vec![UnderWay, Cancelled]
        );
        assert_eq!(
            deployment_moves(&desk, here, true, UnderWay),
            vec![Completed]
        );
        let (analyst, _) = at_hub(Role::DataAnalyst);
        assert_eq!(deployment_moves(&analyst, here, true, Planned), vec![]);
    }
}
