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
    count: u32,
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
