//! The fixed taxonomy of services hubs and providers offer, and the priority groups a service
//! is meant for. Codes are stable: they appear in URLs, the open-data API and the database.
//! Names and descriptions live in the translations (`service-<code>`, `group-<code>`).

/// Defines a code-carrying enum with `code()`, `from_code()` and `ALL` in one place, so a new
/// entry cannot be forgotten in one of them.
macro_rules! coded_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident => $code:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, ::serde::Serialize, ::serde::Deserialize)]
        pub enum $name {
            $($(#[$vmeta])* #[serde(rename = $code)] $variant),+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }

            pub fn from_code(code: &str) -> Option<$name> {
                match code { $($code => Some($name::$variant),)+ _ => None }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.code())
            }
        }
    };
}
pub(crate) use coded_enum;

coded_enum! {
    /// Every service of the Blue Dot minimum package and what hubs are reported to offer besides.
    ServiceKind {
        // Identification and referral of children at risk
        ChildProtectionAssessment => "child-protection-assessment",
        ReferralChildProtection => "referral-child-protection",
        FamilyTracing => "family-tracing",
        // Mental health and psychosocial support
        ChildFriendlySpace => "child-friendly-space",
        AdolescentSpace => "adolescent-space",
        MotherBabySpace => "mother-baby-space",
        PsychologicalFirstAid => "psychological-first-aid",
        PsychosocialSupport => "psychosocial-support",
        // Legal aid and counselling
        LegalCounselling => "legal-counselling",
        TemporaryProtection => "temporary-protection",
        DocumentationSupport => "documentation-support",
        BirthRegistration => "birth-registration",
        // Information and advice
        InformationDesk => "information-desk",
        WifiCharging => "wifi-charging",
        Interpretation => "interpretation",
        // Gender-based violence
        GbvSupport => "gbv-support",
        // Health, hygiene, basic needs
        FirstAid => "first-aid",
        HealthNutritionAdvice => "health-nutrition-advice",
        Hygiene => "hygiene",
        Supplies => "supplies",
        RestArea => "rest-area",
        EarlyLearning => "early-learning",
        VulnerableRegistration => "vulnerable-registration",
        MobileTeam => "mobile-team",
    }
}

coded_enum! {
    /// Whom a service is meant for, after UNHCR's specific-needs categories. Used to tag services,
    /// never to record anything about a visitor.
    PriorityGroup {
        Children => "children",
        Adolescents => "adolescents",
        UnaccompaniedSeparatedChildren => "uasc",
        WomenWithYoungChildren => "women-young-children",
        PregnantBreastfeeding => "pregnant-breastfeeding",
        Disability => "disability",
        MedicalNeeds => "medical-needs",
        OlderPersons => "older-persons",
        TraffickingRisk => "trafficking-risk",
        GbvSurvivors => "gbv-survivors",
        Lgbtiq => "lgbtiq",
    }
}

impl ServiceKind {
    /// The minimum-package area a service belongs to, for grouping on pages.
    pub fn area(self) -> ServiceArea {
        use ServiceKind::*;
        match self {
            ChildProtectionAssessment | ReferralChildProtection | FamilyTracing => {
                ServiceArea::ChildProtection
            }
            ChildFriendlySpace
            | AdolescentSpace
            | MotherBabySpace
            | PsychologicalFirstAid
            | PsychosocialSupport => ServiceArea::Psychosocial,
            LegalCounselling | TemporaryProtection | DocumentationSupport | BirthRegistration => {
                ServiceArea::Legal
            }
            InformationDesk | WifiCharging | Interpretation => ServiceArea::Information,
            GbvSupport => ServiceArea::Protection,
            FirstAid
            | HealthNutritionAdvice
            | Hygiene
            | Supplies
            | RestArea
            | EarlyLearning
            | VulnerableRegistration
            | MobileTeam => ServiceArea::BasicNeeds,
        }
    }
}

coded_enum! {
    ServiceArea {
        ChildProtection => "child-protection",
        Psychosocial => "psychosocial",
        Legal => "legal",
        Information => "information",
        Protection => "protection",
        BasicNeeds => "basic-needs",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_round_trip() {
        let mut seen = std::collections::HashSet::new();
        for s in ServiceKind::ALL {
            assert!(seen.insert(s.code()));
            assert_eq!(ServiceKind::from_code(s.code()), Some(*s));
        }
        for g in PriorityGroup::ALL {
            assert_eq!(PriorityGroup::from_code(g.code()), Some(*g));
        }
        assert_eq!(ServiceKind::from_code("nonsense"), None);
    }

    #[test]
    fn serde_uses_codes() {
        let json = serde_json::to_string(&ServiceKind::BirthRegistration).unwrap();
        assert_eq!(json, "\"birth-registration\"");
    }
}
