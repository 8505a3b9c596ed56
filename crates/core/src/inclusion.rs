//! Inclusion mapping: how far refugee children are included in a country's national child
//! protection system, assessed round by round against a versioned questionnaire organised by
//! the domains of the UNICEF–UNHCR mapping toolkit and the Blueprint's priority areas.
//! Aggregate judgements about systems, never about people.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::ValidationError;
use crate::indicator::Indicator;
use crate::taxonomy::{PriorityGroup, coded_enum};
use crate::text::Localized;

coded_enum! {
    /// The toolkit's domains, then the Blueprint's priority areas.
    Domain {
        LawsPolicies => "laws-policies",
        Governance => "governance",
        Data => "data",
        Resources => "resources",
        Services => "services",
        Barriers => "barriers",
        Affordability => "affordability",
        Awareness => "awareness",
        Participation => "participation",
        BirthRegistration => "birth-registration",
        BestInterests => "best-interests",
        Mhpss => "mhpss",
        Gbv => "gbv",
    }
}

coded_enum! {
    /// How far refugee children are included, on the toolkit's fixed scale.
    Rating {
        Included => "included",
        Partly => "partly",
        NotIncluded => "not-included",
        Unknown => "unknown",
    }
}

impl Rating {
    /// Included 1, partly ½, not included 0; unknown counts for nothing either way.
    pub fn score(self) -> Option<f64> {
        match self {
            Rating::Included => Some(1.0),
            Rating::Partly => Some(0.5),
            Rating::NotIncluded => Some(0.0),
            Rating::Unknown => None,
        }
    }
}

coded_enum! {
    /// What keeps refugee children from a service.
    Barrier {
        Procedural => "procedural",
        Physical => "physical",
        Language => "language",
        Discrimination => "discrimination",
        FreedomOfMovement => "freedom-of-movement",
        Cost => "cost",
        Information => "information",
    }
}

coded_enum! {
    /// Where a round of assessment stands: written by country staff, reviewed by the country
    /// coordinator, then read-only.
    Stage {
        Draft => "draft",
        InReview => "in-review",
        Approved => "approved",
    }
}

coded_enum! {
    /// Where an action on a barrier stands.
    ActionStatus {
        Open => "open",
        InProgress => "in-progress",
        Done => "done",
    }
}

/// One question of the questionnaire, in the nine languages, and the figure the platform
/// already counts that bears on it, if any.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Question {
    pub code: String,
    pub domain: Domain,
    pub text: Localized,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub figure: Option<Indicator>,
}

/// The questions as first published (version 1).
pub fn first_questionnaire() -> Vec<Question> {
    serde_json::from_str(include_str!("../data/inclusion-questionnaire.json"))
        .expect("the built-in questionnaire is valid")
}

/// Checks a questionnaire an administrator wrote: codes unique and short, every question
/// with an English text at least.
pub fn check_questionnaire(questions: &[Question]) -> Result<(), ValidationError> {
    if questions.is_empty() {
        return Err(ValidationError::new(
            "questions",
            "the questionnaire needs at least one question",
        ));
    }
    let mut codes = std::collections::HashSet::new();
    for q in questions {
        let code_ok = !q.code.is_empty()
            && q.code.len() <= 40
            && q.code
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        if !code_ok {
            return Err(ValidationError::new(
                "code",
                "a question code is up to 40 lowercase letters, digits and dashes",
            ));
        }
        if !codes.insert(q.code.as_str()) {
            return Err(ValidationError::new(
                "code",
                "each question needs its own code",
            ));
        }
        if q.text
            .0
            .get(&crate::Lang::En)
            .is_none_or(|t| t.trim().is_empty())
        {
            return Err(ValidationError::new(
                "text",
                "every question needs its English text",
            ));
        }
        if q.text.0.values().any(|t| t.chars().count() > 1_000) {
            return Err(ValidationError::new(
                "text",
                "a question is up to 1,000 characters",
            ));
        }
    }
    Ok(())
}

/// An answer to one question.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    pub rating: Rating,
    pub evidence: String,
    /// Links and documents, one per line.
    pub sources: String,
    pub barriers: Vec<Barrier>,
    pub groups: Vec<PriorityGroup>,
}

impl Answer {
    /// Tidied and checked: texts trimmed and bounded, lists without repeats.
    pub fn validate(mut self) -> Result<Answer, ValidationError> {
        self.evidence = self.evidence.trim().to_owned();
        self.sources = self
            .sources
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect::<Vec<_>>()
            .join("\n");
        if self.evidence.chars().count() > 4_000 {
            return Err(ValidationError::new("evidence", "up to 4,000 characters"));
        }
        if self.sources.chars().count() > 4_000 {
            return Err(ValidationError::new("sources", "up to 4,000 characters"));
        }
        self.barriers.sort();
        self.barriers.dedup();
        self.groups.sort();
        self.groups.dedup();
        Ok(self)
    }
}

/// The share of a domain's rated questions that are included (partly counting half), from 0
/// to 1; none when no question of the domain is rated other than unknown.
pub fn domain_scores<'a>(
    questions: &[Question],
    answers: impl Fn(&str) -> Option<&'a Answer>,
) -> BTreeMap<Domain, Option<f64>> {
    let mut sums: BTreeMap<Domain, (f64, u32)> = BTreeMap::new();
    for q in questions {
        let entry = sums.entry(q.domain).or_default();
        if let Some(score) = answers(&q.code).and_then(|a| a.rating.score()) {
            entry.0 += score;
            entry.1 += 1;
        }
    }
    sums.into_iter()
        .map(|(d, (sum, n))| (d, (n > 0).then(|| sum / f64::from(n))))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(rating: Rating) -> Answer {
        Answer {
            rating,
            evidence: String::new(),
            sources: String::new(),
            barriers: vec![],
            groups: vec![],
        }
    }

    #[test]
    fn the_first_questionnaire_covers_every_domain_in_nine_languages() {
        let questions = first_questionnaire();
        check_questionnaire(&questions).unwrap();
        for domain in Domain::ALL {
            assert!(questions.iter().any(|q| q.domain == *domain), "{domain}");
        }
        for q in &questions {
            assert_eq!(q.text.0.len(), crate::Lang::ALL.len(), "{}", q.code);
        }
    }

    #[test]
    fn a_domain_scores_its_rated_questions_and_leaves_unknown_out() {
        let questions = first_questionnaire();
        let mut answers = std::collections::HashMap::new();
        answers.insert("laws".to_owned(), answer(Rating::Included));
        answers.insert("coordination".to_owned(), answer(Rating::Partly));
        answers.insert("data".to_owned(), answer(Rating::Unknown));
        let extra = Question {
            code: "laws-2".into(),
            domain: Domain::LawsPolicies,
            text: Localized::new().with(crate::Lang::En, "x"),
            figure: None,
        };
        answers.insert("laws-2".to_owned(), answer(Rating::NotIncluded));
        let mut all = questions.clone();
        all.push(extra);
        let scores = domain_scores(&all, |code| answers.get(code));
        assert_eq!(scores[&Domain::LawsPolicies], Some(0.5));
        assert_eq!(scores[&Domain::Governance], Some(0.5));
        assert_eq!(scores[&Domain::Data], None);
        assert_eq!(scores[&Domain::Gbv], None);
    }

    #[test]
    fn a_questionnaire_with_a_repeated_code_or_no_english_is_refused() {
        let mut q = first_questionnaire();
        q[1].code = q[0].code.clone();
        assert_eq!(check_questionnaire(&q).unwrap_err().field, "code");
        let mut q = first_questionnaire();
        q[0].text.0.remove(&crate::Lang::En);
        assert_eq!(check_questionnaire(&q).unwrap_err().field, "text");
    }
}
