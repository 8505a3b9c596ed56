//! Resolving a typed town to coordinates with no online service: GeoNames towns of the host
//! countries and Ukraine (see `assets-src/build.mjs`), matched after folding scripts and
//! accents, so "Сірет", "siret" and "Siret" all find Siret.

use bluedot_core::geo::Point;

const DATA: &str = include_str!("../data/gazetteer.tsv");

#[derive(Debug, Clone, PartialEq)]
pub struct Town {
    pub name: String,
    /// ISO 3166-1 alpha-2; includes `UA`, which is not a host country.
    pub country: String,
    pub location: Point,
    pub population: u32,
    folded: String,
}

pub struct Gazetteer {
    towns: Vec<Town>,
}

/// Lowercase ASCII with accents removed and Cyrillic transliterated, words separated by one
/// space: the form typed names and gazetteer names are compared in.
pub fn fold(text: &str) -> String {
    let ascii = deunicode::deunicode(text).to_ascii_lowercase();
    let mut out = String::with_capacity(ascii.len());
    for word in ascii.split(|c: char| !c.is_ascii_alphanumeric()) {
        if word.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

impl Gazetteer {
    pub fn load() -> Gazetteer {
        let towns = DATA
            .lines()
            .filter(|l| !l.starts_with('#'))
            .filter_map(|line| {
                let mut f = line.split('\t');
                let (name, country, lat, lon, population) =
                    (f.next()?, f.next()?, f.next()?, f.next()?, f.next()?);
                Some(Town {
                    folded: fold(name),
                    name: name.to_owned(),
                    country: country.to_owned(),
                    location: Point::new(lat.parse().ok()?, lon.parse().ok()?).ok()?,
                    population: population.parse().ok()?,
                })
            })
            .collect();
        Gazetteer { towns }
    }

    pub fn len(&self) -> usize {
        self.towns.len()
    }

    pub fn is_empty(&self) -> bool {
        self.towns.is_empty()
    }

    /// Towns matching `query`, best first: exact names, then names starting with the query,
    /// then close spellings; larger towns first within each. At most `limit`.
    pub fn search(&self, query: &str, limit: usize) -> Vec<&Town> {
        let q = fold(query);
        if q.len() < 2 {
            return vec![];
        }
        // Exact and prefix matches are cheap; close spellings are only looked for when the
        // name as typed is not a town (a typo, another spelling system).
        let mut scored: Vec<(u8, f64, &Town)> = self
            .towns
            .iter()
            .filter_map(|t| {
                if t.folded == q {
                    Some((0, 1.0, t))
                } else if t.folded.starts_with(&q) {
                    Some((1, 1.0, t))
                } else {
                    None
                }
            })
            .collect();
        if !scored.iter().any(|(rank, _, _)| *rank == 0) {
            scored.extend(self.towns.iter().filter_map(|t| {
                if t.folded.len().abs_diff(q.len()) > 3 || t.folded.starts_with(&q) {
                    return None;
                }
                let s = strsim::jaro_winkler(&t.folded, &q);
                (s >= 0.88).then_some((2, s, t))
            }));
        }
        scored.sort_by(|a, b| {
            a.0.cmp(&b.0)
                .then(b.1.total_cmp(&a.1))
                .then(b.2.population.cmp(&a.2.population))
        });
        scored.into_iter().take(limit).map(|(_, _, t)| t).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_towns_in_any_script_and_spelling() {
        let g = Gazetteer::load();
        assert!(g.len() > 10_000);
        let first = |q: &str| g.search(q, 5).first().map(|t| t.name.clone());
        assert_eq!(first("Siret").as_deref(), Some("Siret"));
        assert_eq!(first("  siret ").as_deref(), Some("Siret"));
        assert_eq!(first("Przemysl").as_deref(), Some("Przemyśl"));
        assert_eq!(first("Chisinau").as_deref(), Some("Chisinau"));
        assert_eq!(first("Сірет").as_deref(), Some("Siret"));
        assert_eq!(first("Bucharset").as_deref(), Some("Bucharest"));
        assert!(g.search("x", 5).is_empty());
        assert!(g.search("qqqqzzzz", 5).is_empty());
    }

    #[test]
    fn folds_scripts_and_accents() {
        assert_eq!(fold("Sighetu Marmației"), "sighetu marmatiei");
        assert_eq!(fold("Київ"), "kiyiv");
        assert_eq!(fold("Łódź!"), "lodz");
    }
}
