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
        /// Change the public directory: hubs, services, articles, providers.
        EditDirectory => "edit-directory",
        /// Search and export the audit log.
        ViewAudit => "view-audit",
        /// Create, reset and disable staff accounts.
        ManageUsers => "manage-users",
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
        InformationDesk => matches!(action, RecordVisit | ManageStock),
        SocialWorker => matches!(action, RecordVisit | ViewPerson | EditPerson | ManageCase),
        Psychosocial | LegalAid => matches!(action, RecordVisit | ViewPerson),
        HubCoordinator | CountryCoordinator => matches!(
            action,
            RecordVisit
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
                | ViewAudit
        ),
        DataAnalyst => matches!(action, ViewAggregates),
        // Administrators run accounts and configuration; they never see case contents.
        SystemAdministrator => matches!(action, ManageUsers | ViewAudit),
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
        InformationDesk | DataAnalyst | SystemAdministrator => false,
    }
}

/// The part of a record a role writes its notes in, if it writes any.
pub fn note_field(role: Role) -> Option<Field> {
    use Role::*;
    match role {
        SocialWorker | HubCoordinator | CountryCoordinator => Some(Field::CaseWork),
        Psychosocial => Some(Field::PsychosocialNotes),
        LegalAid => Some(Field::LegalNotes),
        InformationDesk | DataAnalyst | SystemAdministrator => None,
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
            InformationDesk => &[RecordVisit, ManageStock],
            SocialWorker => &[RecordVisit, ViewPerson, EditPerson, ManageCase],
            Psychosocial => &[RecordVisit, ViewPerson],
            LegalAid => &[RecordVisit, ViewPerson],
            HubCoordinator | CountryCoordinator => &[
                RecordVisit,
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
                ViewAudit,
            ],
            DataAnalyst => &[ViewAggregates],
            SystemAdministrator => &[ManageUsers, ViewAudit],
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
}
