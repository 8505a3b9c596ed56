//! Demo answers to the inclusion questionnaire: one approved round per country, so that the
//! profile and the comparison have something to show. Made up, and marked as demo where shown.

use bluedot_core::Country;
use bluedot_core::inclusion::{Answer, Barrier, Domain, Question, Rating};
use bluedot_core::taxonomy::PriorityGroup;

/// A rating for each question, varied by country and domain but the same on every run.
pub fn inclusion_answers(country: Country, questions: &[Question]) -> Vec<(String, Answer)> {
    let seed = country
        .code()
        .bytes()
        .fold(7u32, |h, b| h.wrapping_mul(31).wrapping_add(u32::from(b)));
    questions
        .iter()
        .enumerate()
        .map(|(i, q)| {
            let rating = match (seed.wrapping_add(i as u32 * 7)) % 5 {
                0 | 1 => Rating::Included,
                2 | 3 => Rating::Partly,
                _ => Rating::NotIncluded,
            };
            let barriers = match (rating, q.domain) {
                (Rating::Included, _) => vec![],
                (_, Domain::Barriers | Domain::Services) => {
                    vec![Barrier::Language, Barrier::Information]
                }
                (_, Domain::BirthRegistration | Domain::LawsPolicies) => vec![Barrier::Procedural],
                (_, Domain::Affordability) => vec![Barrier::Cost],
                _ => vec![Barrier::Information],
            };
            let groups = if barriers.is_empty() {
                vec![]
            } else {
                vec![PriorityGroup::Children, PriorityGroup::Disability]
            };
            (
                q.code.clone(),
                Answer {
                    rating,
                    evidence: "Demo answer, made up for the demonstration network.".into(),
                    sources: String::new(),
                    barriers,
                    groups,
                },
            )
        })
        .collect()
}
