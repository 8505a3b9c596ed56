//! Resolving a typed town to coordinates with no online service: GeoNames towns of the host
//! countries and Ukraine with their names in other languages and scripts (built by
//! `scripts/gazetteer/build.py`), so "Краків", "Krakow" and "Kraków" all find Kraków.
//!
//! A name as the visitor wrote it, in their script, counts before the same letters folded into
//! Latin ("Рим" is Rome, not a town whose Latin name folds to "rim"); exact names before names
//! that start with the query; close spellings are only looked for when no name fits exactly.

use bluedot_core::geo::Point;

const DATA: &str = include_str!("../data/gazetteer.tsv");

#[derive(Debug, Clone, PartialEq)]
pub struct Town {
    pub name: String,
    /// ISO 3166-1 alpha-2; includes `UA`, which is not a host country.
    pub country: String,
    pub location: Point,
    pub population: u32,
    /// Every name of the town, the main one first.
    names: Vec<Name>,
}

/// One name of a town: as the data writes it, lowercased in its own script, and folded.
#[derive(Debug, Clone, PartialEq)]
struct Name {
    text: String,
    written: String,
    folded: String,
}

/// How well a town's name fits what was typed, best first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Fit {
    /// A name exactly as typed, in the visitor's script.
    Written,
    /// A name with the same letters once scripts and accents are folded.
    Folded,
    /// A name that starts with what was typed, in the visitor's script.
    WrittenStart,
    /// A name that starts with what was typed, once folded.
    FoldedStart,
    /// A name spelt closely (a slip, another transliteration).
    Close,
}

impl Fit {
    pub fn is_exact(self) -> bool {
        matches!(self, Fit::Written | Fit::Folded)
    }
}

/// A town found for a query, with the name to show for it: in the visitor's script where
/// the town has a name in it ("Кишинів" understood as Chișinău is shown as typed).
#[derive(Debug, Clone)]
pub struct Found<'a> {
    pub town: &'a Town,
    pub fit: Fit,
    pub name: String,
}

/// Whether two texts are written in the same script (Latin or Cyrillic), by their letters.
fn same_script(a: &str, b: &str) -> bool {
    let cyrillic = |s: &str| s.chars().any(|c| ('\u{0400}'..='\u{04ff}').contains(&c));
    cyrillic(a) == cyrillic(b)
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

/// Lowercase with words separated by one space and apostrophes made one, script kept.
/// Romanian s and t with a cedilla (ş, ţ: old keyboards and much of GeoNames) are the same
/// letters as with a comma below (ș, ț).
fn written(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
        .replace(['’', 'ʼ', '`'], "'")
        .replace('ё', "е")
        .replace('ş', "ș")
        .replace('ţ', "ț")
}

/// Shortest query that a name may merely start with.
const SHORTEST_START: usize = 3;

impl Gazetteer {
    pub fn load() -> Gazetteer {
        let towns = DATA
            .lines()
            .filter(|l| !l.starts_with('#'))
            .filter_map(|line| {
                let mut f = line.split('\t');
                let (name, country, lat, lon, population) =
                    (f.next()?, f.next()?, f.next()?, f.next()?, f.next()?);
                let names = std::iter::once(name)
                    .chain(f.next().unwrap_or("").split('|'))
                    .filter(|n| !n.is_empty())
                    .map(|n| Name {
                        text: n.to_owned(),
                        written: written(n),
                        folded: fold(n),
                    })
                    .collect();
                Some(Town {
                    names,
                    name: name.to_owned(),
                    country: country.to_owned(),
                    location: Point::new(lat.parse().ok()?, lon.parse().ok()?).ok()?,
                    population: population.parse().ok()?,
                })
            })
            .collect();
        Gazetteer { towns }
    }

    /// Towns of at least `population` people, largest first: the place names of the map.
    pub fn towns_of_at_least(&self, population: u32) -> impl Iterator<Item = &Town> {
        self.towns
            .iter()
            .filter(move |t| t.population >= population)
    }

    pub fn len(&self) -> usize {
        self.towns.len()
    }

    /// The name to show for a town found by `matched`: the query itself when it is the same
    /// name folded, else a name of the town in the query's script, else the matched name.
    fn shown_name(town: &Town, fit: Fit, matched: &str, query: &str) -> String {
        if same_script(matched, query) {
            return matched.to_owned();
        }
        if fit == Fit::Folded {
            return query.split_whitespace().collect::<Vec<_>>().join(" ");
        }
        town.names
            .iter()
            .map(|n| n.text.as_str())
            .find(|n| same_script(n, query))
            .unwrap_or(&town.name)
            .to_owned()
    }

    pub fn is_empty(&self) -> bool {
        self.towns.is_empty()
    }

    /// Towns matching `query`, best first (see the module's notes), larger towns first among
    /// equally good names. At most `limit`.
    pub fn search(&self, query: &str, limit: usize) -> Vec<Found<'_>> {
        let as_written = written(query.trim());
        let folded = fold(query);
        if folded.len() < 2 {
            return vec![];
        }
        let long_enough = as_written.chars().count() >= SHORTEST_START;
        // Plain ASCII says nothing about the visitor's script: it is compared folded only, so
        // "erzsebetvaros" finds Erzsébetváros before a village whose other name is spelt so.
        let script_told = !as_written.is_ascii();
        // Each town once, with its best-fitting name: (fit, closeness, town, name matched).
        let mut found: Vec<(Fit, f64, &Town, &str)> = self
            .towns
            .iter()
            .filter_map(|town| {
                town.names
                    .iter()
                    .filter_map(|n| {
                        let fit = if script_told && n.written == as_written {
                            Fit::Written
                        } else if n.folded == folded {
                            Fit::Folded
                        } else if script_told && long_enough && n.written.starts_with(&as_written) {
                            Fit::WrittenStart
                        } else if long_enough && n.folded.starts_with(&folded) {
                            Fit::FoldedStart
                        } else {
                            return None;
                        };
                        Some((fit, n.text.as_str()))
                    })
                    .min_by_key(|(fit, _)| *fit)
                    .map(|(fit, name)| (fit, 1.0, town, name))
            })
            .collect();
        // Close spellings only when nothing is named exactly so: a slip must never win over
        // a town that has the very name typed.
        if !found.iter().any(|(fit, ..)| fit.is_exact()) {
            let started: std::collections::HashSet<*const Town> = found
                .iter()
                .map(|(_, _, town, _)| *town as *const Town)
                .collect();
            found.extend(
                self.towns
                    .iter()
                    .filter(|town| !started.contains(&(*town as *const Town)))
                    .filter_map(|town| {
                        town.names
                            .iter()
                            .filter(|n| n.folded.len().abs_diff(folded.len()) <= 3)
                            .map(|n| (strsim::jaro_winkler(&n.folded, &folded), n.text.as_str()))
                            .filter(|(closeness, _)| *closeness >= 0.88)
                            .max_by(|a, b| a.0.total_cmp(&b.0))
                            .map(|(closeness, name)| (Fit::Close, closeness, town, name))
                    }),
            );
        }
        found.sort_by(|a, b| {
            a.0.cmp(&b.0)
                .then(b.1.total_cmp(&a.1))
                .then(b.2.population.cmp(&a.2.population))
        });
        // The name to show is worked out only for the towns returned.
        found
            .into_iter()
            .take(limit)
            .map(|(fit, _, town, name)| Found {
                town,
                fit,
                name: Self::shown_name(town, fit, name, query),
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_towns_in_any_script_and_spelling() {
        let g = Gazetteer::load();
        assert!(g.len() > 20_000);
        let first = |q: &str| g.search(q, 5).first().map(|t| t.town.name.clone());
        assert_eq!(first("Siret").as_deref(), Some("Siret"));
        assert_eq!(first("  siret ").as_deref(), Some("Siret"));
        assert_eq!(first("Przemysl").as_deref(), Some("Przemyśl"));
        assert_eq!(first("Chisinau").as_deref(), Some("Chisinau"));
        assert_eq!(first("Сірет").as_deref(), Some("Siret"));
        assert_eq!(first("Bucharset").as_deref(), Some("Bucharest"));
        assert!(g.search("x", 5).is_empty());
        assert!(g.search("qqqqzzzz", 5).is_empty());
    }

    /// Queries as refugees and staff type them, in Cyrillic and in Latin with and without
    /// accents, with slips: each must resolve to the right town first. The names were chosen
    /// by where people cross and stay, not read from the data.
    #[test]
    fn typed_places_resolve_to_the_right_town() {
        let g = Gazetteer::load();
        let cases: &[(&str, &str, &str)] = &[
            ("Краків", "Kraków", "PL"),
            ("Краков", "Kraków", "PL"),
            ("Krakow", "Kraków", "PL"),
            ("Krakuw", "Kraków", "PL"),
            ("Рим", "Rome", "IT"),
            ("Roma", "Rome", "IT"),
            ("Серет", "Siret", "RO"),
            ("Ісакча", "Isaccea", "RO"),
            ("Исакча", "Isaccea", "RO"),
            ("Варшава", "Warsaw", "PL"),
            ("Warszawa", "Warsaw", "PL"),
            ("Warszwa", "Warsaw", "PL"),
            ("Кишинів", "Chisinau", "MD"),
            ("Кишинев", "Chisinau", "MD"),
            ("Chișinău", "Chisinau", "MD"),
            ("Перемишль", "Przemyśl", "PL"),
            ("Пшемисль", "Przemyśl", "PL"),
            ("Кошице", "Košice", "SK"),
            ("Kosice", "Košice", "SK"),
            ("Київ", "Kyiv", "UA"),
            ("Киев", "Kyiv", "UA"),
            ("Kiev", "Kyiv", "UA"),
            ("Кагул", "Cahul", "MD"),
            ("Львів", "Lviv", "UA"),
            ("Львов", "Lviv", "UA"),
            ("Lwów", "Lviv", "UA"),
            ("Одеса", "Odesa", "UA"),
            ("Odessa", "Odesa", "UA"),
            ("Чернівці", "Chernivtsi", "UA"),
            ("Ужгород", "Uzhhorod", "UA"),
            ("Бухарест", "Bucharest", "RO"),
            ("București", "Bucharest", "RO"),
            ("Bucuresti", "Bucharest", "RO"),
            ("Ясси", "Iaşi", "RO"),
            ("Iasi", "Iaşi", "RO"),
            ("Сучава", "Suceava", "RO"),
            ("Галац", "Galaţi", "RO"),
            ("Тулча", "Tulcea", "RO"),
            ("Констанца", "Constanţa", "RO"),
            ("Будапешт", "Budapest", "HU"),
            ("Budapesht", "Budapest", "HU"),
            ("Дебрецен", "Debrecen", "HU"),
            ("Братислава", "Bratislava", "SK"),
            ("Пряшів", "Prešov", "SK"),
            ("Софія", "Sofia", "BG"),
            ("София", "Sofia", "BG"),
            ("Варна", "Varna", "BG"),
            ("Бургас", "Burgas", "BG"),
            ("Пловдив", "Plovdiv", "BG"),
            ("Мілан", "Milan", "IT"),
            ("Милан", "Milan", "IT"),
            ("Неаполь", "Naples", "IT"),
            ("Люблін", "Lublin", "PL"),
            ("Вроцлав", "Wrocław", "PL"),
            ("Wroclaw", "Wrocław", "PL"),
            ("Гданськ", "Gdańsk", "PL"),
            ("Жешув", "Rzeszów", "PL"),
            ("Rzeszow", "Rzeszów", "PL"),
            ("Бєльці", "Bălţi", "MD"),
            ("Бельцы", "Bălţi", "MD"),
        ];
        let mut wrong = vec![];
        for (query, name, country) in cases {
            let got = g
                .search(query, 1)
                .first()
                .map(|f| (f.town.name.as_str(), f.town.country.as_str()));
            if got != Some((name, country)) {
                wrong.push(format!("{query} → {got:?}, expected {name}, {country}"));
            }
        }
        assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    }

    /// The largest towns of each country, by their own name with and without accents.
    #[test]
    fn the_largest_towns_are_found_by_their_names() {
        let g = Gazetteer::load();
        let mut wrong = vec![];
        for country in ["UA", "RO", "MD", "PL", "HU", "SK", "BG", "IT"] {
            for town in g.towns.iter().filter(|t| t.country == country).take(50) {
                // Another, larger town may bear the name too; then it rightly comes first.
                let own = fold(&town.name);
                let larger_namesake = g.towns.iter().any(|t| {
                    !std::ptr::eq(t, town)
                        && t.population >= town.population
                        && t.names.iter().any(|n| n.folded == own)
                });
                if larger_namesake {
                    continue;
                }
                for query in [town.name.clone(), fold(&town.name)] {
                    let got = g.search(&query, 1);
                    if !got.first().is_some_and(|f| std::ptr::eq(f.town, town)) {
                        wrong.push(format!("{query} ({country})"));
                    }
                }
            }
        }
        assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    }

    #[test]
    fn folds_scripts_and_accents() {
        assert_eq!(fold("Sighetu Marmației"), "sighetu marmatiei");
        assert_eq!(fold("Київ"), "kiyiv");
        assert_eq!(fold("Łódź!"), "lodz");
        // Either Romanian s/t, with a cedilla or a comma, is one letter as written.
        assert_eq!(
            written("Timişoara  Ţăndărei"),
            written("Timișoara Țăndărei")
        );
    }
}
