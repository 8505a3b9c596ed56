//! The directory's hubs as places people type: a hub's name in each language names its town
//! ("Блакитна точка Паланка", "Punct Albastru Palanca"), so those forms find the hub even where
//! the gazetteer knows the town by another name, or knows a namesake elsewhere (a Ukrainian
//! village called Palanka is not the crossing into Moldova that the visitor is looking for).

use std::collections::HashSet;

use bluedot_core::{Hub, Lang};

use crate::gazetteer::fold;

/// A hub found by its town's name.
pub struct HubPlace<'a> {
    pub hub: &'a Hub,
    /// The name typed is one of the hub's forms (after folding scripts and accents); otherwise
    /// it is one slip away from one.
    pub exact: bool,
    /// The town as the hub's name in the visitor's language writes it.
    pub town: String,
}

/// The hub whose town's name, in any language, is `query`; failing that, the one whose name
/// is one slip (two for long names) from it. `None` for queries under three letters.
pub fn find<'a>(hubs: &'a [Hub], query: &str, lang: Lang) -> Option<HubPlace<'a>> {
    let typed = fold(query);
    if typed.len() < 3 {
        return None;
    }
    let padded = format!(" {typed} ");
    let slips = if typed.chars().count() >= 9 { 2 } else { 1 };
    let brands: Vec<HashSet<String>> = Lang::ALL.iter().map(|l| shared_words(hubs, *l)).collect();
    let mut best: Option<(&Hub, usize)> = None;
    for hub in hubs {
        for (l, brand) in Lang::ALL.iter().zip(&brands) {
            let town = fold(&town_words(hub.name.text(*l), brand));
            if town.is_empty() {
                continue;
            }
            if format!(" {town} ").contains(&padded) {
                return Some(HubPlace {
                    hub,
                    exact: true,
                    town: shown_town(hub, lang, &brands),
                });
            }
            if typed.chars().count() >= 5 {
                let distance = strsim::damerau_levenshtein(&town, &typed);
                if distance <= slips && best.is_none_or(|(_, d)| distance < d) {
                    best = Some((hub, distance));
                }
            }
        }
    }
    best.map(|(hub, _)| HubPlace {
        hub,
        exact: false,
        town: shown_town(hub, lang, &brands),
    })
}

fn shown_town(hub: &Hub, lang: Lang, brands: &[HashSet<String>]) -> String {
    let at = Lang::ALL.iter().position(|l| *l == lang).unwrap_or(0);
    let town = town_words(hub.name.text(lang), &brands[at]);
    if town.is_empty() {
        hub.name.text(lang).to_owned()
    } else {
        town
    }
}

/// Folded words found in every hub's name in `lang`: the network's own name ("Blue Dot"),
/// which names no place. With one hub there is nothing to compare, so nothing is set aside.
fn shared_words(hubs: &[Hub], lang: Lang) -> HashSet<String> {
    if hubs.len() < 2 {
        return HashSet::new();
    }
    let words = |hub: &Hub| -> HashSet<String> {
        hub.name.text(lang).split_whitespace().map(fold).collect()
    };
    hubs.iter().skip(1).fold(words(&hubs[0]), |shared, hub| {
        let theirs = words(hub);
        shared.intersection(&theirs).cloned().collect()
    })
}

fn town_words(name: &str, brand: &HashSet<String>) -> String {
    name.split_whitespace()
        .filter(|w| !brand.contains(&fold(w)))
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use bluedot_core::Localized;

    fn hub(slug: &str, en: &str, uk: &str) -> Hub {
        let mut hub = bluedot_demo::hubs(chrono::Utc::now()).remove(0);
        hub.slug = slug.to_owned();
        hub.name = Localized::new().with(Lang::En, en).with(Lang::Uk, uk);
        hub
    }

    #[test]
    fn a_hub_is_found_by_its_towns_name_in_any_language_or_with_a_slip() {
        let hubs = [
            hub("a", "Blue Dot Palanca", "Блакитна точка Паланка"),
            hub(
                "b",
                "Blue Dot Vyšné Nemecké",
                "Блакитна точка Вишнє Німецьке",
            ),
            hub("c", "Blue Dot Hrebenne", "Блакитна точка Гребенне"),
        ];
        let found = |q: &str| find(&hubs, q, Lang::Uk).map(|p| (p.hub.slug.clone(), p.exact));
        assert_eq!(found("Паланка"), Some(("a".into(), true)));
        assert_eq!(found("palanca"), Some(("a".into(), true)));
        assert_eq!(found("Vysne Nemecke"), Some(("b".into(), true)));
        assert_eq!(found("Німецьке"), Some(("b".into(), true)));
        assert_eq!(found("Гребене"), Some(("c".into(), false)));
        assert_eq!(
            find(&hubs, "Hrebenne", Lang::Uk).map(|p| p.town),
            Some("Гребенне".into())
        );
        // The network's own name is not a place; nor is a word far from every town.
        assert!(found("Blue Dot").is_none());
        assert!(found("точка").is_none());
        assert!(found("Budapest").is_none());
    }
}
