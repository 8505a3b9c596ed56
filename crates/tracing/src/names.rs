//! Which given names are the same name: Ukrainian and Russian forms and diminutives, from the
//! curated list in `data/given_names.txt` plus any a deployment adds in the same format.

use std::collections::HashMap;

use crate::fold::{ch_as_h, fold, loose};

const BUILT_IN: &str = include_str!("../data/given_names.txt");
const PLACES: &str = include_str!("../data/places.txt");

/// Given-name groups, looked up by folded form.
#[derive(Debug, Clone, Default)]
pub struct NameGroups {
    groups: HashMap<String, Vec<u32>>,
    /// Each group's folded forms, by group id.
    forms: Vec<Vec<String>>,
    /// Every form, and every form with one letter left out, to the groups it is a form of:
    /// a name one slip from a known form meets it here.
    slips: HashMap<String, Vec<u32>>,
    count: u32,
}

/// Endings of pet forms, folded (every one is tried: -юся is -iusia, and its -usia too).
const PET_SUFFIXES: [&str; 11] = [
    "ochka", "echka", "enka", "onka", "iusia", "usia", "chik", "ik", "ka", "ko", "us",
];

/// Endings a name's stem takes back once the pet ending is gone (Оксан-а, Юр-ій, Софі-я).
const NAME_ENDINGS: [&str; 6] = ["", "a", "ia", "o", "i", "ii"];

/// Names shorter than this are not snapped: one slip turns them into too many others.
const SHORTEST_SNAPPED: usize = 4;

/// A word and every variant of it with one letter left out.
fn with_one_left_out(word: &str) -> Vec<String> {
    let letters: Vec<char> = word.chars().collect();
    let mut all = vec![word.to_owned()];
    for i in 0..letters.len() {
        let mut shorter = letters.clone();
        shorter.remove(i);
        all.push(shorter.into_iter().collect());
    }
    all
}

impl NameGroups {
    /// The built-in list.
    pub fn built_in() -> NameGroups {
        let mut g = NameGroups::default();
        g.add_lines(BUILT_IN);
        g
    }

    /// The built-in list of towns' Ukrainian, Russian and former names.
    pub fn places() -> NameGroups {
        let mut g = NameGroups::default();
        g.add_lines(PLACES);
        g
    }

    /// Adds groups in the data file's format: one group per line, forms separated by spaces
    /// (or by commas when a form has several words), `#` comments.
    pub fn add_lines(&mut self, text: &str) {
        for line in text.lines() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let id = self.count;
            self.count += 1;
            self.forms.push(Vec::new());
            // Forms of several words (town names) are separated by commas.
            let forms: Vec<&str> = if line.contains(',') {
                line.split(',')
                    .map(str::trim)
                    .filter(|f| !f.is_empty())
                    .collect()
            } else {
                line.split_whitespace().collect()
            };
            for form in forms {
                let folded = fold(form);
                self.forms[id as usize].push(folded.clone());
                if folded.chars().count() >= SHORTEST_SNAPPED {
                    for variant in with_one_left_out(&folded) {
                        let ids = self.slips.entry(variant).or_default();
                        if !ids.contains(&id) {
                            ids.push(id);
                        }
                    }
                }
                for key in [loose(&folded), ch_as_h(&folded), folded] {
                    let ids = self.groups.entry(key).or_default();
                    if !ids.contains(&id) {
                        ids.push(id);
                    }
                }
            }
        }
    }

    /// The groups a folded given name belongs to, read more loosely if need be.
    pub fn of(&self, folded: &str) -> &[u32] {
        self.groups
            .get(folded)
            .or_else(|| self.groups.get(&ch_as_h(folded)))
            .or_else(|| self.groups.get(&loose(folded)))
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    /// The one group whose known form `folded` is a single slip from (a letter left out, added,
    /// changed, or two swapped), for a name no group holds: Плоіна is Поліна, Sogiia is Sofiia.
    /// None when it is known, or when slips lead to more than one name.
    pub fn snap(&self, folded: &str) -> Option<u32> {
        match self.one_slip_from(folded).as_slice() {
            [one] => Some(*one),
            _ => None,
        }
    }

    /// The groups a folded name is taken to belong to: those that hold it, else the one whose
    /// pet form it is (`pet_form_of`), else the one a single slip away (`snap`).
    pub fn known_or_near(&self, folded: &str) -> Vec<u32> {
        let known = self.of(folded);
        if !known.is_empty() {
            return known.to_vec();
        }
        self.pet_form_of(folded)
            .or_else(|| self.snap(folded))
            .into_iter()
            .collect()
    }

    /// The group of a pet form made by the general rules of Ukrainian and Russian (stem and
    /// -ка, -ко, -ик, -чик, -уся, -очка, -енька…: Оксанка, Тарасик, Андрійко, Юрко) from a
    /// known name, for a name no group holds. None when the stem leads to two names.
    pub fn pet_form_of(&self, folded: &str) -> Option<u32> {
        if !self.of(folded).is_empty() {
            return None;
        }
        let mut found = None;
        for suffix in PET_SUFFIXES {
            let Some(stem) = folded.strip_suffix(suffix) else {
                continue;
            };
            if stem.chars().count() < 3 {
                continue;
            }
            for ending in NAME_ENDINGS {
                let name = format!("{stem}{ending}");
                if let Some(&group) = self.groups.get(&name).and_then(|g| g.first()) {
                    match found {
                        None => found = Some(group),
                        Some(g) if g == group => {}
                        Some(_) => return None,
                    }
                }
            }
        }
        found
    }

    /// Every group a known form of which `folded`, a name no group holds, is a single slip
    /// from: more than one when the slip is ambiguous (Sohia: Sofia or Sonia).
    pub fn one_slip_from(&self, folded: &str) -> Vec<u32> {
        let mut found = Vec::new();
        if folded.chars().count() < SHORTEST_SNAPPED || !self.of(folded).is_empty() {
            return found;
        }
        for variant in with_one_left_out(folded) {
            for &group in self.slips.get(&variant).map(Vec::as_slice).unwrap_or(&[]) {
                if !found.contains(&group)
                    && self
                        .forms(group)
                        .iter()
                        .any(|form| strsim::osa_distance(form, folded) <= 1)
                {
                    found.push(group);
                }
            }
        }
        found.sort_unstable();
        found
    }

    /// The folded forms of a group.
    pub fn forms(&self, group: u32) -> &[String] {
        self.forms
            .get(group as usize)
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    /// Whether two folded given names are forms of one name.
    pub fn same(&self, a: &str, b: &str) -> bool {
        a == b || self.of(a).iter().any(|g| self.of(b).contains(g))
    }

    pub fn len(&self) -> usize {
        self.count as usize
    }

    pub fn is_empty(&self) -> bool {
        self.count == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms_and_diminutives_are_one_name_in_any_script() {
        let g = NameGroups::built_in();
        assert!(g.len() > 50, "{} groups", g.len());
        // One slip from a single known name is that name; from none, or from two, nothing.
        let snapped = |a: &str| g.snap(&fold(a)).map(|group| g.forms(group)[0].clone());
        assert_eq!(snapped("Вталій"), Some(fold("Віталій")));
        assert_eq!(snapped("Ruslna"), Some(fold("Руслан")));
        assert_eq!(snapped("Stanyslaw"), None, "a known form is not snapped");
        assert_eq!(snapped("Zynoviji"), None);
        // Pet forms by the general rules, from names the list gives only in full.
        let pet = |a: &str| {
            g.pet_form_of(&fold(a))
                .map(|group| g.forms(group)[0].clone())
        };
        assert_eq!(pet("Вадимчик"), Some(fold("Вадим")));
        assert_eq!(pet("Стефанійка"), Some(fold("Стефанія")));
        assert_eq!(pet("Ларисочка"), Some(fold("Лариса")));
        assert_eq!(pet("Бзиндик"), None);
        let mut two = NameGroups::default();
        two.add_lines("карина\nмарина");
        assert_eq!(two.snap(&fold("Барина")), None, "one slip from two names");
        let same = |a: &str, b: &str| g.same(&fold(a), &fold(b));
        assert!(same("Олександр", "Aleksandr"));
        assert!(same("Sashko", "Олександр"));
        assert!(same("Wiroczka", "Віра"));
        assert!(same("Motja", "Матвій"));
        assert!(same("Jaryk", "Yaroslav"));
        assert!(!same("Олександр", "Андрій"));
        let places = NameGroups::places();
        assert!(places.same(&fold("Ровно"), &fold("Riwne")));
        assert!(places.same(&fold("Белая Церковь"), &fold("Bila Tserkva")));
        assert!(places.same(&fold("Kirovograd"), &fold("Кропивницький")));
        assert!(!places.same(&fold("Київ"), &fold("Харків")));
        let mut local = NameGroups::built_in();
        assert!(!local.same(&fold("Сюзанна"), &fold("Zuzanna")));
        local.add_lines("# a deployment's own\nсюзанна zuzanna сюзі\n");
        assert!(local.same(&fold("Сюзанна"), &fold("Zuzanna")));
    }
}
