//! The index of registered children and the scoring of a tracing request against them.
//!
//! Candidates come from several blocking keys (family-name skeleton; given name with the first
//! letter of the family name; given name with birth year), tried with given and family name
//! both ways round, so a request meets its child without comparing every record, even with a
//! typo in one name or the names swapped. Each candidate is then scored with every piece of
//! evidence as log-odds points (names, sex, birth date or age, place of origin, relatives),
//! turned into a score in [0, 1], with an explanation per field.

use std::sync::Arc;

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use strsim::{jaro_winkler, osa_distance};

use crate::fold::{
    ch_as_h, family_stem, fold, known_reading, loose, more_telling, readings, writing_system,
};
use crate::names::NameGroups;
use crate::parallel::on_every_core;

/// A person as the matcher reads them: a registered child or the child a request seeks.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Person {
    pub id: String,
    pub given_name: String,
    pub family_name: String,
    /// `m`, `f` or unknown.
    pub sex: Option<char>,
    pub birth_year: Option<i32>,
    pub birth_month_day: Option<(u32, u32)>,
    /// Age in whole years at `age_year`, when no birth year is known.
    pub age: Option<u32>,
    pub place_of_origin: String,
    pub mother_name: String,
    pub father_name: String,
}

/// Who is looking, for a request.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Requester {
    pub name: String,
    /// mother, father, grandmother, aunt, …
    pub relation: String,
}

/// One piece of evidence for or against a candidate.
#[derive(Debug, Clone, PartialEq)]
pub struct Evidence {
    pub field: &'static str,
    pub points: f64,
    pub note: String,
    /// The same in a form a user interface words in the reader's language.
    pub said: Said,
}

/// What a piece of evidence says, as a code (`given-forms`, `birth-year-apart` …) and the two
/// values compared: the request's and the candidate's.
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize, serde::Deserialize)]
pub struct Said {
    pub code: String,
    pub sought: String,
    pub found: String,
    /// A birth year worked out from an age rather than recorded.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub by_age: bool,
}

impl Said {
    fn new(code: &str, sought: impl ToString, found: impl ToString) -> Said {
        Said {
            code: code.to_owned(),
            sought: sought.to_string(),
            found: found.to_string(),
            by_age: false,
        }
    }
}

/// One line a person can read: `given_name +4.0 (olena ~ olenka: forms of one name)`.
impl std::fmt::Display for Evidence {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {:+.1} ({})", self.field, self.points, self.note)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Match {
    pub child_id: String,
    pub score: f64,
    pub evidence: Vec<Evidence>,
    /// The writing system the names were read in: the request's, then the child's
    /// (`fold::writing_system`).
    pub spelling: [&'static str; 2],
}

/// A folded name with its "ch"-as-х reading, both computed once.
#[derive(Debug, Clone, Default)]
struct Form {
    text: String,
    h: String,
    /// The loosest reading (`fold::loose`).
    loose: String,
    /// The given-name groups it belongs to (empty for other fields).
    groups: Vec<u32>,
    /// The text's number in the index (`Matcher::intern`), for a registered child's names.
    id: u32,
    /// The number of all it is read as, which is what comparing it depends on: `id`, unless
    /// it is a family name with other readings (Savcienco and Savchenko share their first
    /// reading, not Savcienco's others).
    readings_id: u32,
    /// A family name's other readings, where its spelling system is uncertain (Tymoszenko:
    /// Polish ш or Hungarian с).
    others: Vec<String>,
    /// The loosest reading of each of them (`fold::loose`).
    others_loose: Vec<String>,
    /// What blocking needs of a registered child's given name, worked out once per spelling.
    as_given: Option<AsGiven>,
    /// What blocking needs of a registered child's family name: its first reading, then the
    /// others.
    as_family: Vec<AsFamily>,
    /// The writing system a given or family name is written in (`fold::writing_system`).
    spelling: &'static str,
}

impl Form {
    fn new(text: String) -> Form {
        let h = ch_as_h(&text);
        let loose = loose(&text);
        Form {
            text,
            h,
            loose,
            groups: Vec::new(),
            id: u32::MAX,
            readings_id: u32::MAX,
            spelling: "",
            others: Vec::new(),
            others_loose: Vec::new(),
            as_given: None,
            as_family: Vec::new(),
        }
    }

    /// A family name, with its other readings.
    fn family(written: &str, names: &NameGroups) -> Form {
        let mut all = readings(written).into_iter().map(|r| family_stem(&r));
        let first = all.next().unwrap_or_default();
        let others: Vec<String> = all.filter(|r| *r != first).collect();
        Form {
            others_loose: others.iter().map(|r| loose(r)).collect(),
            others,
            ..Form::given(first, names)
        }
    }

    /// Whether one reading of each is the same name.
    fn same_in_some_reading(&self, other: &Form) -> bool {
        self.others.contains(&other.text)
            || other.others.contains(&self.text)
            || self.others.iter().any(|r| other.others.contains(r))
    }

    /// Whether one reading of each is alike in the loosest reading (Svec read the Polish way,
    /// Schwez the German way: both швець).
    fn loosely_alike_in_some_reading(&self, other: &Form) -> bool {
        if self.others.is_empty() && other.others.is_empty() {
            return false;
        }
        fn all(f: &Form) -> impl Iterator<Item = &String> {
            std::iter::once(&f.loose).chain(&f.others_loose)
        }
        all(self).any(|r| all(other).any(|t| t == r))
    }

    fn given(text: String, names: &NameGroups) -> Form {
        let groups = names.of(&text).to_vec();
        Form {
            groups,
            ..Form::new(text)
        }
    }

    /// A name or place, taken for the known one it is a pet form of or a single slip from
    /// when it is not known (`NameGroups::known_or_near`).
    fn snapped(text: String, known: &NameGroups) -> Form {
        Form {
            groups: known.known_or_near(&text),
            ..Form::new(text)
        }
    }

    /// The identity of a given name for blocking and counting: its first group, or its
    /// folded form.
    fn name_key(&self) -> String {
        name_key(self.groups.first().copied(), &self.text)
    }

    /// Whether two given names are one name: the same, or forms of it.
    fn same_name(&self, other: &Form) -> bool {
        self.text == other.text || self.groups.iter().any(|g| other.groups.contains(g))
    }

    fn is_empty(&self) -> bool {
        self.text.is_empty()
    }
}

impl std::ops::Deref for Form {
    type Target = str;

    fn deref(&self) -> &str {
        &self.text
    }
}

impl std::fmt::Display for Form {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text)
    }
}

/// A person's folded fields, computed once. Name fields are shared among the registered
/// children who write them alike, which is most of them.
#[derive(Debug, Clone)]
struct Prepared {
    given: Arc<Form>,
    family: Arc<Form>,
    sex: Option<char>,
    /// The birth year of a birth date (or a year alone).
    year: Option<i32>,
    /// The birth year an age gives (`age_year` − age), which is one year either way.
    year_of_age: Option<i32>,
    month_day: Option<(u32, u32)>,
    place: Arc<Form>,
    mother: Arc<Form>,
    father: Arc<Form>,
    /// The writing system of the given and family name together.
    spelling: &'static str,
}

/// The year ages are counted at in the tracing data sets' exchange format (registration in
/// 2022); a server counts them at the present year (`Matcher::with_age_year`).
pub const AGE_YEAR: i32 = 2022;

impl Prepared {
    /// The birth year for blocking: the recorded one, else the one the age gives.
    fn any_year(&self) -> Option<i32> {
        self.year.or(self.year_of_age)
    }
}

/// The fields of a person that are names, each folded its own way.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Field {
    Given,
    Family,
    Place,
    Parent,
}

fn field_form(field: Field, text: &str, names: &NameGroups, places: &NameGroups) -> Form {
    match field {
        Field::Given => {
            let form = Form::snapped(known_name(text, names), names);
            Form {
                as_given: Some(AsGiven::new(&form, names)),
                spelling: writing_system(text),
                ..form
            }
        }
        Field::Family => {
            let form = Form::family(text, names);
            Form {
                as_family: std::iter::once(&form.text)
                    .chain(&form.others)
                    .map(|r| AsFamily::new(r))
                    .collect(),
                spelling: writing_system(text),
                ..form
            }
        }
        Field::Place => Form::snapped(known_name(text, places), places),
        Field::Parent => Form::snapped(first_word(&known_name(text, names)), names),
    }
}

/// A person's fields prepared, each name field by `form`.
fn prepare(p: &Person, age_year: i32, mut form: impl FnMut(Field, &str) -> Arc<Form>) -> Prepared {
    let given = form(Field::Given, &p.given_name);
    let family = form(Field::Family, &p.family_name);
    Prepared {
        spelling: more_telling(given.spelling, family.spelling),
        given,
        family,
        sex: p.sex,
        year: p.birth_year,
        year_of_age: p.age.map(|a| age_year - a as i32),
        month_day: p.birth_month_day,
        place: form(Field::Place, &p.place_of_origin),
        mother: form(Field::Parent, &p.mother_name),
        father: form(Field::Parent, &p.father_name),
    }
}

/// A name folded in the reading that is a known name, where its spelling system is uncertain.
fn known_name(text: &str, known: &NameGroups) -> String {
    known_reading(text, |r| {
        !known.of(r).is_empty() || !known.of(&first_word(r)).is_empty()
    })
}

fn first_word(s: &str) -> String {
    s.split(' ').next().unwrap_or("").to_owned()
}

/// Consonants of a folded name, for blocking: vowels are where spellings differ most.
fn skeleton(folded: &str) -> String {
    ch_as_h(folded)
        .chars()
        .filter(|c| !"aeiou ".contains(*c))
        .take(4)
        .collect()
}

/// The key of a full birth date, the one key that needs no name.
fn date_key(p: &Prepared) -> Option<Key> {
    let (y, (m, d)) = (p.year?, p.month_day?);
    Some(key(5, (y, m, d)))
}

/// A name in the given-name place of the blocking keys.
#[derive(Debug, Clone, Default)]
struct AsGiven {
    /// Its identity (`name_key`): its group or folded text; `None` when empty.
    identity: Option<String>,
    /// The identities of the known names it is a slip from, when it is a slip from several.
    slips: Vec<String>,
    /// Its first letter once "ch" is read as х.
    initial: Option<char>,
}

impl AsGiven {
    /// `text` read as a given name; `form.groups` where it is one (a snapped given name).
    fn new(form: &Form, names: &NameGroups) -> AsGiven {
        let slips = names.one_slip_from(&form.text);
        AsGiven {
            identity: (!form.text.is_empty())
                .then(|| name_key(form.groups.first().copied(), &form.text)),
            slips: if slips.len() > 1 {
                slips.iter().map(|g| name_key(Some(*g), "")).collect()
            } else {
                Vec::new()
            },
            initial: form.h.chars().next(),
        }
    }

    /// Any text read as a given name (a family name, when the two may have been swapped).
    fn of(text: &str, names: &NameGroups) -> AsGiven {
        AsGiven::new(&Form::snapped(text.to_owned(), names), names)
    }
}

/// A name in the family-name place of the blocking keys.
#[derive(Debug, Clone, Default)]
struct AsFamily {
    skeleton: String,
    /// The skeleton of its loosest reading (sibilants and ц alike).
    loose_skeleton: String,
    initial: Option<char>,
}

impl AsFamily {
    fn new(text: &str) -> AsFamily {
        AsFamily {
            skeleton: skeleton(text),
            loose_skeleton: skeleton(&loose(text)),
            initial: ch_as_h(text).chars().next(),
        }
    }
}

/// Every key of a given name and a family name (either may be empty) born in `year`.
fn keys_of(given: &AsGiven, family: &AsFamily, year: Option<i32>) -> Vec<Key> {
    let mut keys = Vec::with_capacity(6);
    let fam = family.skeleton.as_str();
    let loose_fam = family.loose_skeleton.as_str();
    // A name a slip from two known names is looked for under both.
    for group in &given.slips {
        if let Some(y) = year {
            keys.push(key(2, (group.as_str(), y)));
        }
        if !fam.is_empty() {
            keys.push(key(7, (group.as_str(), loose_fam)));
        }
    }
    if !fam.is_empty() {
        keys.push(key(0, fam));
        // Spelling systems that disagree on sibilants (s, z, sh, zh) and on ц.
        if loose_fam != fam {
            keys.push(key(6, loose_fam));
        }
        if let Some(y) = year {
            // A typo in the given name still meets the child through family and year.
            keys.push(key(3, (fam, y)));
        }
        if let Some(first) = given.initial {
            keys.push(key(4, (fam, first)));
        }
    }
    if let Some(g) = given.identity.as_deref() {
        if !fam.is_empty() {
            // Both names, no year: narrow however common the family name, and blind to a
            // birth year or age that is off by more than one.
            keys.push(key(7, (g, loose_fam)));
        }
        if let Some(first) = family.initial {
            keys.push(key(1, (g, first)));
        }
        if let Some(y) = year {
            keys.push(key(2, (g, y)));
        }
    }
    keys
}

/// Whether two names of some length differ by one typing slip: a letter left out, added,
/// changed or two swapped.
fn one_slip(a: &Form, b: &Form) -> bool {
    a.text.len() >= 4
        && b.text.len() >= 4
        && a.text.len().abs_diff(b.text.len()) <= 1
        && osa_distance(&a.text, &b.text) <= 1
}

/// A slip apart once "ch" is read as х on both sides (Parchoemnko for Parhomenko).
fn one_slip_as_h(a: &Form, b: &Form) -> bool {
    (a.h != a.text || b.h != b.text)
        && a.h.len() >= 4
        && a.h.len().abs_diff(b.h.len()) <= 1
        && osa_distance(&a.h, &b.h) <= 1
}

/// Jaro-Winkler similarity, reading "ch" either as ч or as х.
fn similar(a: &Form, b: &Form) -> f64 {
    let direct = jaro_winkler(&a.text, &b.text);
    if direct >= 0.999 || (a.h == a.text && b.h == b.text) {
        direct
    } else {
        direct.max(jaro_winkler(&a.h, &b.h))
    }
}

/// A name's identity: its group, or its folded text when it has none.
fn name_key(group: Option<u32>, folded: &str) -> String {
    match group {
        Some(g) => format!("#{g}"),
        None => folded.to_owned(),
    }
}

/// The number of a folded name in the index, the same for every field that writes it.
fn intern(interned: &mut HashMap<String, u32>, text: &str) -> u32 {
    if let Some(&id) = interned.get(text) {
        return id;
    }
    let id = interned.len() as u32;
    interned.insert(text.to_owned(), id);
    id
}

/// A blocking key: its kind, and a hash of its text. The index holds millions, so no text is
/// kept; two texts that hash alike only hand over a few more candidates to score.
type Key = (u8, u64);

fn key(kind: u8, parts: impl std::hash::Hash) -> Key {
    use std::hash::Hasher;
    let mut hasher = rustc_hash::FxHasher::default();
    parts.hash(&mut hasher);
    (kind, hasher.finish())
}

/// Registered children, indexed for matching.
pub struct Matcher {
    names: NameGroups,
    places: NameGroups,
    children: Vec<(String, Prepared)>,
    /// Each child's given name and family name readings as numbers (`Form::id`,
    /// `Form::readings_id`), beside `children`: a request's first pass compares each distinct
    /// name once (`Memo`) and reads only these for thousands of candidates.
    name_ids: Vec<[u32; 2]>,
    index: HashMap<Key, Vec<u32>>,
    /// Where each child id's current entry is.
    by_id: HashMap<String, u32>,
    /// Entries replaced or removed; skipped when matching.
    retired: HashSet<u32>,
    /// Each distinct folded name of a child, numbered: a request compares each name once.
    interned: HashMap<String, u32>,
    /// The year ages are counted at.
    age_year: i32,
    /// How many current children bear each family name (by interned id): sharing a common
    /// name says less than sharing a rare one.
    family_count: Vec<u32>,
    /// How many current children bear each given name, by its blocking identity (its first
    /// group, or its folded form).
    given_count: HashMap<String, u32>,
    /// Each spelling of each name field (`Field as usize`), folded once and shared by the
    /// children who write it.
    forms: [HashMap<String, Arc<Form>>; 4],
}

/// The largest candidate list a key may hand over; more common keys are skipped for a request
/// that has narrower ones.
const MAX_BLOCK: usize = 1_500;

/// Candidates from the narrow keys that make the broad ones unnecessary.
const ENOUGH_CANDIDATES: usize = 1000;

impl Matcher {
    pub fn new(names: NameGroups) -> Matcher {
        Matcher {
            names,
            places: NameGroups::places(),
            children: Vec::new(),
            name_ids: Vec::new(),
            index: HashMap::default(),
            by_id: HashMap::default(),
            retired: HashSet::default(),
            interned: HashMap::default(),
            age_year: AGE_YEAR,
            family_count: Vec::new(),
            forms: Default::default(),
            given_count: HashMap::default(),
        }
    }

    /// Counts ages given without a birth date at `year` (the present, for requests made now).
    pub fn with_age_year(mut self, year: i32) -> Matcher {
        self.age_year = year;
        self
    }

    /// How many children matching sees.
    pub fn len(&self) -> usize {
        self.by_id.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_id.is_empty()
    }

    /// Takes a child out of matching (record closed, consent withdrawn).
    pub fn remove(&mut self, id: &str) {
        if let Some(n) = self.by_id.remove(id) {
            self.retired.insert(n);
            let child = &self.children[n as usize].1;
            self.family_count[child.family.id as usize] -= 1;
            let given = child.given.name_key();
            if let Some(count) = self.given_count.get_mut(&given) {
                *count -= 1;
            }
        }
    }

    /// Adds a child, or replaces the entry of the same id; matching sees it at once.
    pub fn add(&mut self, child: &Person) {
        self.fold_spellings(std::slice::from_ref(child));
        let prepared = self.prepared(child);
        let keys = self.child_keys(&prepared);
        self.insert(child, prepared, keys);
    }

    /// Adds many children, folding their names and working out their keys on every core;
    /// the same as adding them one by one.
    pub fn add_all(&mut self, children: &[Person]) {
        self.fold_spellings(children);
        let this = &*self;
        let parts = on_every_core(children, |child| {
            let prepared = this.prepared(child);
            let keys = this.child_keys(&prepared);
            (prepared, keys)
        });
        let numbered: Vec<(u32, Vec<Key>)> = children
            .iter()
            .zip(parts)
            .map(|(child, (prepared, keys))| (self.record(child, prepared), keys))
            .collect();
        // The postings of each run of children on its own core, then appended run by run:
        // every list ends in the same order as when children are added one by one.
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
        let runs: Vec<&[(u32, Vec<Key>)]> = numbered
            .chunks(numbered.len().div_ceil(threads).max(1))
            .collect();
        let postings = on_every_core(&runs, |run| {
            let mut lists: HashMap<Key, Vec<u32>> = HashMap::default();
            for (n, keys) in run.iter() {
                for key in keys {
                    lists.entry(*key).or_default().push(*n);
                }
            }
            lists
        });
        for lists in postings {
            for (key, ids) in lists {
                self.index.entry(key).or_default().extend(ids);
            }
        }
    }

    /// Folds every spelling of a name field the index has not seen yet, on every core.
    /// Registers repeat the same spellings many times: each is folded once, and kept once.
    fn fold_spellings(&mut self, children: &[Person]) {
        let mut new: Vec<(Field, &str)> = Vec::new();
        let mut queued: HashSet<(Field, &str)> = HashSet::default();
        for child in children {
            for (field, text) in [
                (Field::Given, &child.given_name),
                (Field::Family, &child.family_name),
                (Field::Place, &child.place_of_origin),
                (Field::Parent, &child.mother_name),
                (Field::Parent, &child.father_name),
            ] {
                let spelling = (field, text.as_str());
                if !self.forms[field as usize].contains_key(text) && queued.insert(spelling) {
                    new.push(spelling);
                }
            }
        }
        let (names, places) = (&self.names, &self.places);
        let folded = on_every_core(&new, |&(field, text)| {
            field_form(field, text, names, places)
        });
        for ((field, text), mut form) in new.into_iter().zip(folded) {
            form.id = intern(&mut self.interned, &form.text);
            form.readings_id = if form.others.is_empty() {
                form.id
            } else {
                // Not a name: the readings joined, which no folded text contains.
                intern(
                    &mut self.interned,
                    &format!("{}|{}", form.text, form.others.join("|")),
                )
            };
            self.forms[field as usize].insert(text.to_owned(), Arc::new(form));
        }
    }

    /// A child's fields, its names taken from the folded spellings (`fold_spellings` first).
    fn prepared(&self, child: &Person) -> Prepared {
        prepare(child, self.age_year, |field, text| {
            self.forms[field as usize]
                .get(text)
                .cloned()
                .unwrap_or_else(|| Arc::new(field_form(field, text, &self.names, &self.places)))
        })
    }

    /// Every key a child is indexed under.
    fn child_keys(&self, prepared: &Prepared) -> Vec<Key> {
        let given = match &prepared.given.as_given {
            Some(given) => std::borrow::Cow::Borrowed(given),
            None => std::borrow::Cow::Owned(AsGiven::new(&prepared.given, &self.names)),
        };
        let year = prepared.any_year();
        // A family field's form holds its first reading at least (`field_form`).
        let mut keys: Vec<Key> = prepared
            .family
            .as_family
            .iter()
            .flat_map(|family| keys_of(&given, family, year))
            .collect();
        keys.extend(date_key(prepared));
        keys.sort_unstable();
        keys.dedup();
        keys
    }

    fn insert(&mut self, child: &Person, prepared: Prepared, keys: Vec<Key>) {
        let n = self.record(child, prepared);
        for key in keys {
            self.index.entry(key).or_default().push(n);
        }
    }

    /// Keeps a child (replacing the entry of the same id) and counts its names; returns its
    /// number, under which the index lists it.
    fn record(&mut self, child: &Person, prepared: Prepared) -> u32 {
        self.remove(&child.id);
        let family = prepared.family.id as usize;
        if self.family_count.len() <= family {
            self.family_count.resize(family + 1, 0);
        }
        self.family_count[family] += 1;
        let given = prepared.given.name_key();
        *self.given_count.entry(given).or_default() += 1;
        let n = self.children.len() as u32;
        self.by_id.insert(child.id.clone(), n);
        self.name_ids
            .push([prepared.given.id, prepared.family.readings_id]);
        self.children.push((child.id.clone(), prepared));
        n
    }

    /// Every key of a given and a family name as written in a request (either may be a name
    /// read in the other place).
    fn keys(&self, given: &str, family: &str, year: Option<i32>) -> Vec<Key> {
        keys_of(
            &AsGiven::of(given, &self.names),
            &AsFamily::new(family),
            year,
        )
    }

    /// The best `top` candidates for a request, best first.
    pub fn find(&self, sought: &Person, requester: &Requester, top: usize) -> Vec<Match> {
        let mut q = prepare(sought, self.age_year, |field, text| {
            Arc::new(field_form(field, text, &self.names, &self.places))
        });
        if q.family.is_empty() {
            // Relatives mostly share the child's family name (in its other gender, which the
            // stem ignores): the requester's stands in for a missing one.
            let theirs = fold(&requester.name);
            if let Some(last) = theirs.split(' ').nth(1) {
                q.family = Arc::new(Form::given(family_stem(last), &self.names));
            }
        }
        let mut seen: Vec<u32> = Vec::new();
        let year = q.any_year();
        let mut lookups = self.keys(&q.given, &q.family, year);
        // A full birth date finds a child whose names are both misspelt.
        lookups.extend(date_key(&q));
        for other in &q.family.others {
            lookups.extend(self.keys(&q.given, other, year));
        }
        // Given and family name may have been swapped.
        lookups.extend(self.keys(&q.family, &q.given, year));
        // Years are often off by one: the neighbouring years too.
        if let Some(y) = year {
            for dy in [-1, 1] {
                for key in self.keys(&q.given, &q.family, Some(y + dy)) {
                    if key.0 == 2 || key.0 == 3 {
                        lookups.push(key);
                    }
                }
            }
        }
        // Narrow keys (with the birth year) first; the broad ones only when they find too
        // little, which is when the year is unknown or far off.
        let narrow = |k: &Key| matches!(k.0, 2 | 3 | 5 | 7);
        for pass in [true, false] {
            if !pass && seen.len() >= ENOUGH_CANDIDATES {
                break;
            }
            for key in lookups.iter().filter(|k| narrow(k) == pass) {
                if let Some(ids) = self.index.get(key)
                    && ids.len() <= MAX_BLOCK
                {
                    if self.retired.is_empty() {
                        seen.extend_from_slice(ids);
                    } else {
                        seen.extend(ids.iter().copied().filter(|i| !self.retired.contains(i)));
                    }
                }
            }
            seen.sort_unstable();
            seen.dedup();
        }
        let requester_name = fold(&requester.name);
        let req = Requesting {
            given: Form::given(
                first_word(&known_name(&requester.name, &self.names)),
                &self.names,
            ),
            family: Form::new(
                requester_name
                    .split(' ')
                    .nth(1)
                    .map(family_stem)
                    .unwrap_or_default(),
            ),
            relation: requester.relation.trim().to_lowercase(),
            swapped_given: field_form(Field::Given, &sought.family_name, &self.names, &self.places),
            swapped_family: field_form(
                Field::Family,
                &sought.given_name,
                &self.names,
                &self.places,
            ),
        };
        let mut memo = Memo::default();
        // Points are sums of tenths added in another order than the bound's: a rounding's
        // worth of slack keeps a candidate whose points equal the last kept one's.
        let most_beside_names = most_points_beside_names(&q, &req) + 1e-9;
        // Names are compared once per distinct name (memo) and settle most candidates: score
        // in order of what the names leave possible, and stop once no other field could lift
        // a candidate into the top.
        let mut by_names: Vec<(f64, u32)> = seen
            .into_iter()
            .map(|i| {
                let names = self.names(&q, i, &req, &mut memo).points();
                (names + most_beside_names, i)
            })
            .collect();
        by_names.sort_unstable_by(|a, b| b.0.total_cmp(&a.0));
        let mut scored: Vec<(f64, u32)> = Vec::with_capacity(top + 1);
        for (bound, i) in by_names {
            if scored.len() >= top && bound < scored[top - 1].0 {
                break;
            }
            let points = self.points(&q, i, &req, &mut memo, None);
            debug_assert!(points <= bound + 1e-9, "{points} above its bound {bound}");
            let at = scored.partition_point(|s| s.0 > points || (s.0 == points && s.1 < i));
            scored.insert(at, (points, i));
            scored.truncate(top);
        }
        // The score, not the order: a candidate sharing a common family name is less surely
        // the child than one sharing a rare name, and a lower rank never scores higher.
        let mut ceiling = 1.0_f64;
        scored
            .into_iter()
            .map(|(_, i)| {
                let (id, child) = &self.children[i as usize];
                let mut evidence = Vec::new();
                let mut points = self.points(&q, i, &req, &mut memo, Some(&mut evidence));
                // How rare the names are that agreed, as they were compared: as written (the
                // family name perhaps as the requester writes it), or swapped.
                let (given, family) = self.names(&q, i, &req, &mut memo).as_compared();
                if given >= SAME_NAME {
                    let share = self.given_share(&child.given);
                    let rarity = GIVEN_RARITY.points(share);
                    points += rarity;
                    evidence.push(rarity_evidence("given", &child.given, share, rarity));
                }
                if family >= SAME_FAMILY {
                    let share = self.family_share(child.family.id);
                    let rarity = FAMILY_RARITY.points(share);
                    points += rarity;
                    evidence.push(rarity_evidence("family", &child.family, share, rarity));
                }
                ceiling = ceiling.min(to_score(points));
                Match {
                    child_id: id.clone(),
                    score: ceiling,
                    evidence,
                    spelling: [q.spelling, child.spelling],
                }
            })
            .collect()
    }

    /// The log-odds that child number `child` is the one sought, with the evidence if asked.
    fn points(
        &self,
        q: &Prepared,
        child: u32,
        req: &Requesting,
        memo: &mut Memo,
        mut why: Option<&mut Vec<Evidence>>,
    ) -> f64 {
        let c = &self.children[child as usize].1;
        let mut note = |field: &'static str, points: f64, text: &dyn Fn() -> (String, Said)| {
            if let Some(w) = why.as_deref_mut() {
                let (note, said) = text();
                w.push(Evidence {
                    field,
                    points,
                    note,
                    said,
                });
            }
            points
        };
        let names = self.names(q, child, req, memo);
        let Names {
            given: g,
            family: f,
            by_requester,
            ..
        } = names;
        let mut total = 0.0;
        if names.swapped_won() {
            total += note("names", names.swapped_points(), &|| {
                (
                    format!(
                        "given and family name swapped: {} {} ~ {} {}",
                        req.swapped_given, req.swapped_family, c.given, c.family
                    ),
                    Said::new(
                        "names-swapped",
                        format!("{} {}", req.swapped_given, req.swapped_family),
                        format!("{} {}", c.given, c.family),
                    ),
                )
            });
        } else {
            total += note("given_name", g, &|| {
                describe_name("given", &q.given, &c.given, g, SAME_NAME)
            });
            total += note("family_name", f, &|| {
                if by_requester {
                    let (text, mut said) =
                        describe_name("family", &req.family, &c.family, f, SAME_FAMILY);
                    said.code = "family-as-requester".into();
                    (format!("{text}, as the requester writes it"), said)
                } else {
                    describe_name("family", &q.family, &c.family, f, SAME_FAMILY)
                }
            });
        }
        match (q.sex, c.sex) {
            (Some(a), Some(b)) if a == b => {
                total += note("sex", SAME_SEX, &|| {
                    ("same sex".into(), Said::new("sex-same", a, b))
                })
            }
            (Some(a), Some(b)) => {
                total += note("sex", -3.0, &|| {
                    ("different sex".into(), Said::new("sex-different", a, b))
                })
            }
            _ => {}
        }
        total += self.birth_points(q, c, &mut note);
        if !q.place.is_empty() && !c.place.is_empty() {
            let (p, sim) = *memo
                .place
                .entry(c.place.id)
                .or_insert_with(|| place_points(&q.place, &c.place));
            total += note("place_of_origin", p, &|| {
                let code = if p > 0.0 {
                    "place-same"
                } else if p == 0.0 {
                    "place-alike"
                } else {
                    "place-different"
                };
                (
                    format!("{} ~ {} ({:.2})", q.place, c.place, sim),
                    Said::new(code, &q.place, &c.place),
                )
            });
        }
        total += self.relative_points(req, c, memo, &mut note);
        total
    }

    /// How the names of child number `child` compare, as written and swapped. Each distinct
    /// name is compared once per request (`memo`), so the child's record is read only for a
    /// name not compared yet.
    fn names(&self, q: &Prepared, child: u32, req: &Requesting, memo: &mut Memo) -> Names {
        let [given_id, family_id] = self.name_ids[child as usize];
        let c = || &self.children[child as usize].1;
        let given = *memo
            .given
            .entry(given_id)
            .or_insert_with(|| self.name_points(&q.given, &c().given));
        let (family, by_requester) = *memo.family.entry(family_id).or_insert_with(|| {
            let c = c();
            let as_asked = self.family_points_here(&q.family, &c.family);
            let requesters = self.family_points_here(&req.family, &c.family);
            if requesters > as_asked && !q.family.is_empty() && !req.family.is_empty() {
                (requesters, true)
            } else {
                (as_asked, false)
            }
        });
        // Swapped names are only worth a look when the names do not fit as written.
        let swapped = if given + family >= 2.5 {
            None
        } else {
            let gs = *memo
                .given_swapped
                .entry(given_id)
                .or_insert_with(|| self.name_points(&req.swapped_given, &c().given));
            let fs = *memo
                .family_swapped
                .entry(family_id)
                .or_insert_with(|| family_points(&req.swapped_family, &c().family));
            Some((gs, fs))
        };
        Names {
            given,
            family,
            by_requester,
            swapped,
        }
    }

    /// `family_points`, where two family names that many children each bear (Marchenko,
    /// Kharchenko) are two families, not one name with a slip: a slip makes a rare form.
    fn family_points_here(&self, a: &Form, b: &Form) -> f64 {
        let points = family_points(a, b);
        if points <= 0.0 || points >= SAME_FAMILY {
            return points;
        }
        let borne_by = |form: &Form| {
            self.interned
                .get(&form.text)
                .and_then(|id| self.family_count.get(*id as usize))
                .copied()
                .unwrap_or(0)
        };
        let frequent = (FREQUENT_FAMILY_SHARE * self.len() as f64).max(5.0) as u32;
        if borne_by(a) >= frequent && borne_by(b) >= frequent {
            different_family_points(similar(a, b))
        } else {
            points
        }
    }

    /// The share of current children bearing a given name or a form of it.
    fn given_share(&self, given: &Form) -> f64 {
        let count = self
            .given_count
            .get(&given.name_key())
            .copied()
            .unwrap_or(0);
        GIVEN_RARITY.share(count, self.len())
    }

    /// The share of current children bearing a family name.
    fn family_share(&self, family: u32) -> f64 {
        let count = self.family_count.get(family as usize).copied().unwrap_or(0);
        FAMILY_RARITY.share(count, self.len())
    }

    fn name_points(&self, a: &Form, b: &Form) -> f64 {
        if a.is_empty() || b.is_empty() {
            return 0.0;
        }
        // The form a name is written in (Ukrainian, Russian, diminutive) says nothing about
        // whether it is the child: an equivalent form counts as much as the same one.
        if a.same_name(b) || a.h == b.h {
            return SAME_NAME;
        }
        // Two different names that are both known (Lilia, Emilia; Zoriana, Zoryna) only look
        // alike: no slip made one of the other.
        let two_names = !a.groups.is_empty() && !b.groups.is_empty();
        if !two_names && (a.loose == b.loose || one_slip(a, b)) {
            return 1.5;
        }
        let sim = similar(a, b);
        if !two_names && (sim >= 0.87 || (sim >= 0.7 && self.slip_from_form(a, b))) {
            0.7
        } else if sim >= 0.8 {
            -1.2
        } else {
            -5.2
        }
    }

    /// Whether `a` is one typing slip from another form of `b`'s name (Tetana for Tatiana,
    /// through Tetiana).
    fn slip_from_form(&self, a: &Form, b: &Form) -> bool {
        a.text.len() >= 4
            && b.groups.iter().any(|g| {
                self.names.forms(*g).iter().any(|f| {
                    f.len() >= 4
                        && f.len().abs_diff(a.text.len()) <= 1
                        && osa_distance(&a.text, f) <= 1
                })
            })
    }

    fn birth_points(
        &self,
        q: &Prepared,
        c: &Prepared,
        note: &mut impl FnMut(&'static str, f64, &dyn Fn() -> (String, Said)) -> f64,
    ) -> f64 {
        let (qy, cy, table, what) = match (q.year, c.year, q.year_of_age, c.year_of_age) {
            (Some(a), Some(b), _, _) => (a, b, YEARS, "born"),
            // A recorded year is closer to the truth than an age: one year and one age agree
            // more often than two ages.
            (Some(a), None, _, Some(b)) | (None, Some(b), Some(a), _) => {
                (a, b, YEAR_AND_AGE, "born (one by age)")
            }
            (_, _, Some(a), Some(b)) => (a, b, AGES, "by age born"),
            _ => return 0.0,
        };
        let dy = (qy - cy).unsigned_abs() as usize;
        let mut p = table[dy.min(3)];
        let mut day = "";
        if let (Some(a), Some(b), Some(_), Some(_)) = (q.month_day, c.month_day, q.year, c.year) {
            if a == b && dy == 0 {
                p += SAME_DAY;
                day = ", same day";
            } else if dy == 0 || a != b {
                // Two full dates are copied from documents: another day is another child, and
                // a year apart is no nearness when the day differs too.
                p -= 3.6;
                day = ", another day";
            }
        }
        note("birth", p, &|| {
            let code = match (dy, day) {
                (0, ", same day") => "birth-same-day",
                (_, ", another day") => "birth-another-day",
                (0, _) => "birth-same-year",
                (1, _) => "birth-year-apart",
                _ => "birth-years-apart",
            };
            let mut said = Said::new(code, qy, cy);
            said.by_age = what != "born";
            (format!("{what} {qy} ~ {cy}{day}"), said)
        })
    }

    fn relative_points(
        &self,
        req: &Requesting,
        c: &Prepared,
        memo: &mut Memo,
        note: &mut impl FnMut(&'static str, f64, &dyn Fn() -> (String, Said)) -> f64,
    ) -> f64 {
        let given = &req.given;
        let parent = match parent_asked(&req.relation) {
            Some(Parent::Mother) => Some(&c.mother),
            Some(Parent::Father) => Some(&c.father),
            None => None,
        };
        match parent {
            Some(recorded) if !recorded.is_empty() && !given.is_empty() => {
                let same = *memo.parent.entry(recorded.id).or_insert_with(|| {
                    given.same_name(recorded) || similar(given, recorded) >= 0.93
                });
                if same {
                    note("relatives", SAME_PARENT, &|| {
                        (
                            format!("{} {given} ~ {recorded}", req.relation),
                            Said::new("parent-same", given, recorded),
                        )
                    })
                } else {
                    note("relatives", -3.8, &|| {
                        (
                            format!("{} {given} ≠ {recorded}", req.relation),
                            Said::new("parent-different", given, recorded),
                        )
                    })
                }
            }
            // A grandmother's or an aunt's name says nothing about the child's parents' names.
            _ => 0.0,
        }
    }
}

/// Name comparisons already made for one request: candidates share few distinct names, so
/// each is compared once.
#[derive(Default)]
struct Memo {
    given: HashMap<u32, f64>,
    /// Points, and whether the requester's own family name gave them.
    family: HashMap<u32, (f64, bool)>,
    /// The request's family name against candidates' given names, and the other way round.
    given_swapped: HashMap<u32, f64>,
    family_swapped: HashMap<u32, f64>,
    /// Places of origin: points and similarity.
    place: HashMap<u32, (f64, f64)>,
    /// Whether a recorded parent's name is the requester's.
    parent: HashMap<u32, bool>,
}

/// Points of the names as written, and of the names swapped.
struct Names {
    given: f64,
    family: f64,
    /// Whether the requester's own family name gave `family`.
    by_requester: bool,
    /// The given and the family name's points read swapped; `None` when the names fit as
    /// written.
    swapped: Option<(f64, f64)>,
}

impl Names {
    /// The points of the names swapped, less what assuming the swap costs.
    fn swapped_points(&self) -> f64 {
        self.swapped
            .map_or(f64::MIN, |(given, family)| given + family - 0.5)
    }

    /// Whether the names fit better swapped than as written.
    fn swapped_won(&self) -> bool {
        self.swapped_points() > self.given + self.family
    }

    fn points(&self) -> f64 {
        self.swapped_points().max(self.given + self.family)
    }

    /// The given and the family name's points as they were compared: as written, or swapped.
    fn as_compared(&self) -> (f64, f64) {
        match self.swapped {
            Some(swapped) if self.swapped_won() => swapped,
            _ => (self.given, self.family),
        }
    }
}

/// The most that sex, birth, place and relatives can add to a candidate's names, given what
/// the request holds: a request without a place or a parent's name leaves fewer candidates
/// that the other fields could lift into the top.
fn most_points_beside_names(q: &Prepared, req: &Requesting) -> f64 {
    let sex = if q.sex.is_some() { SAME_SEX } else { 0.0 };
    let birth = match (q.any_year(), q.month_day.and(q.year)) {
        (None, _) => 0.0,
        (Some(_), day) => {
            let best_year = [YEARS, AGES, YEAR_AND_AGE]
                .iter()
                .flatten()
                .fold(f64::MIN, |a, b| a.max(*b));
            best_year + if day.is_some() { SAME_DAY } else { 0.0 }
        }
    };
    let place = if q.place.is_empty() { 0.0 } else { SAME_PLACE };
    let parent = if parent_asked(&req.relation).is_some() && !req.given.is_empty() {
        SAME_PARENT
    } else {
        0.0
    };
    sex + birth + place + parent
}

const SAME_SEX: f64 = 0.3;
/// Added to the year's points when two full birth dates agree to the day.
const SAME_DAY: f64 = 4.7;
const SAME_PLACE: f64 = 3.5;
/// The requester's given name is the parent's the child's record holds.
const SAME_PARENT: f64 = 3.2;

/// How far apart the years are, and how much an agreement is worth, depends on what
/// each side recorded: years agree most often (a year off is then little evidence),
/// an age is one year off as often as not (so a year off still counts for it).
/// Points: exact, one year off, two years off, further. Fitted as log-odds on the
/// candidates of the dev sets, then the exact year and two years off set by how often
/// the sought child comes first: a year both sides recorded is the surest agreement.
const YEARS: [f64; 4] = [2.6, 0.5, -2.3, -4.1];
const AGES: [f64; 4] = [2.0, 1.6, -0.6, -2.9];
const YEAR_AND_AGE: [f64; 4] = [2.3, 1.7, -2.3, -4.3];

/// A parent the requester says they are.
enum Parent {
    Mother,
    Father,
}

fn parent_asked(relation: &str) -> Option<Parent> {
    match relation {
        "mother" | "мати" | "мама" | "мать" | "mama" => Some(Parent::Mother),
        "father" | "батько" | "тато" | "отец" | "папа" | "tato" | "papa" => {
            Some(Parent::Father)
        }
        _ => None,
    }
}

struct Requesting {
    /// The requester's given name.
    given: Form,
    /// The requester's family name (stem), which relatives mostly share with the child and
    /// may spell better than the child's in the request.
    family: Form,
    relation: String,
    /// The sought child's family name read as a given name, and the given name as a family
    /// name (Halyna read as a family name loses its feminine ending): for names swapped.
    swapped_given: Form,
    swapped_family: Form,
}

/// Points for two places of origin, and how similar they are.
fn place_points(a: &Form, b: &Form) -> (f64, f64) {
    let sim = if a.same_name(b) { 1.0 } else { similar(a, b) };
    // Two different known places (Chernihiv, Chernivtsi) are apart however alike they look.
    let two_places = sim < 1.0 && !a.groups.is_empty() && !b.groups.is_empty();
    let p = if two_places {
        -4.2
    } else if sim >= 0.9 {
        SAME_PLACE
    } else if sim >= 0.8 {
        0.0
    } else {
        -4.2
    };
    (p, sim)
}

fn family_points(a: &Form, b: &Form) -> f64 {
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    if a.text == b.text || a.h == b.h || a.same_in_some_reading(b) {
        return SAME_FAMILY;
    }
    // Alike once read loosely, in some reading, or a slip apart, also with "ch" read as х.
    if a.loose == b.loose
        || one_slip(a, b)
        || one_slip_as_h(a, b)
        || a.loosely_alike_in_some_reading(b)
    {
        return 2.4;
    }
    different_family_points(similar(a, b))
}

/// The points of two family names that are not one name, by how alike they look.
fn different_family_points(sim: f64) -> f64 {
    if sim >= 0.93 {
        -0.2
    } else if sim >= 0.87 {
        -1.3
    } else {
        -5.5
    }
}

/// A name compared, in words: `which` is `given` or `family`; `same` the points a name
/// equal in another form or alphabet earns.
fn describe_name(which: &str, a: &Form, b: &Form, points: f64, same: f64) -> (String, Said) {
    let (text, kind) = if a.is_empty() || b.is_empty() {
        ("not given".into(), "none")
    } else if a.text == b.text {
        (format!("{a}: same"), "same")
    } else if points >= same {
        (format!("{a} ~ {b}: forms of one name"), "forms")
    } else if points > 0.0 {
        (format!("{a} ~ {b} ({:.2})", similar(a, b)), "alike")
    } else {
        (format!("{a} ~ {b} ({:.2})", similar(a, b)), "different")
    };
    (text, Said::new(&format!("{which}-{kind}"), a, b))
}

/// The points of a family name that is the same, or the same in another alphabet.
const SAME_FAMILY: f64 = 3.1;

/// A family name borne by this share of the children (and at least five) is a family of its
/// own, not a slip of another.
const FREQUENT_FAMILY_SHARE: f64 = 0.005;

/// How much sharing a name says beyond the name's own points, by how rare the name is among
/// the registered children: in log-odds, how much less likely a stranger bears it by chance
/// than one bearing a name of the `typical` share, which earns the name's points as they are.
struct Rarity {
    weight: f64,
    typical: f64,
    limit: f64,
}

impl Rarity {
    /// `count` of `children` as a share, drawn towards the typical share as if a thousand more
    /// children bore names at that rate: a small register says little about how common a name
    /// is (one child of one bears every name it holds).
    fn share(&self, count: u32, children: usize) -> f64 {
        const PRIOR_CHILDREN: f64 = 1000.0;
        (f64::from(count) + PRIOR_CHILDREN * self.typical) / (children as f64 + PRIOR_CHILDREN)
    }

    fn points(&self, share: f64) -> f64 {
        (self.weight * (self.typical / share).ln()).clamp(-self.limit, self.limit)
    }
}

/// Given names, around one that one child in 500 bears (the lists hold several hundred).
const GIVEN_RARITY: Rarity = Rarity {
    weight: 0.5,
    typical: 0.002,
    limit: 2.0,
};

/// Family names, around one that one child in 70 bears. A family name spelt alike is the
/// likeliest chance agreement of all (the most common are borne by one child in 20), so a
/// common one spelt alike earns about what a rarer one a slip away does, and how rare the
/// name is weighs more than for a given name. Weights fitted as log-odds on the dev sets' top
/// candidates, sought child against a child who is not registered.
const FAMILY_RARITY: Rarity = Rarity {
    weight: 0.75,
    typical: 1.0 / 70.0,
    limit: 2.0,
};

/// The points of a given name that is the same, or a form of it (Ukrainian, Russian,
/// diminutive).
const SAME_NAME: f64 = 2.9;

/// How rare a shared name is, as evidence: `which` is `given` or `family`; the found value is
/// N in "about one child in N".
fn rarity_evidence(which: &str, name: &Form, share: f64, points: f64) -> Evidence {
    let one_in = (1.0 / share).round() as u64;
    let kind = if points >= 0.0 { "rare" } else { "common" };
    Evidence {
        field: if which == "given" {
            "given_name_rarity"
        } else {
            "family_name_rarity"
        },
        points,
        note: format!("{name}: {kind}, about one child in {one_in}"),
        said: Said::new(&format!("{kind}-{which}"), name, one_in),
    }
}

/// Log-odds points to a score in [0, 1].
fn to_score(points: f64) -> f64 {
    1.0 / (1.0 + (-(points - 7.0)).exp())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The child a request seeks, by names and birth year alone.
    fn sought_child(given: &str, family: &str, year: i32) -> Person {
        Person {
            given_name: given.into(),
            family_name: family.into(),
            birth_year: Some(year),
            ..Person::default()
        }
    }

    fn child(id: &str, given: &str, family: &str, year: i32, mother: &str) -> Person {
        Person {
            id: id.into(),
            given_name: given.into(),
            family_name: family.into(),
            sex: Some('m'),
            birth_year: Some(year),
            mother_name: mother.into(),
            place_of_origin: "Харків".into(),
            ..Person::default()
        }
    }

    #[test]
    fn two_frequent_family_names_a_slip_apart_are_two_families() {
        let mut m = Matcher::new(NameGroups::built_in());
        for n in 0..40 {
            m.add(&child(&format!("U{n}"), "Тарас", "Гуменюк", 2010, ""));
            m.add(&child(&format!("A{n}"), "Тарас", "Гуменяк", 2010, ""));
        }
        m.add(&child("T1", "Тарас", "Гумнюк", 2010, ""));
        let form = |f: &str| Form::family(f, &NameGroups::built_in());
        let (humeniuk, humeniak, slip) = (form("Humeniuk"), form("Гуменяк"), form("Гумнюк"));
        assert!(m.family_points_here(&humeniuk, &humeniak) < 0.0);
        assert_eq!(m.family_points_here(&humeniuk, &slip), 2.4);
    }

    #[test]
    fn adding_many_at_once_indexes_as_adding_one_by_one() {
        let children: Vec<Person> = (0..300)
            .map(|n| {
                let given = ["Мирон", "Myroslawa", "Остап", "Ostap", "Зоряна"][n % 5];
                let family = ["Гуменюк", "Humeniuk", "Кармелюк", "Szapoval"][n % 4];
                child(
                    &format!("C{n}"),
                    given,
                    family,
                    2005 + (n % 13) as i32,
                    "Олена",
                )
            })
            .collect::<Vec<_>>()
            .into_iter()
            // A child sent again within the batch replaces its first entry.
            .chain([child("C7", "Остап", "Гуменюк", 2011, "Олена")])
            .collect();
        let (mut one_by_one, mut at_once) = (
            Matcher::new(NameGroups::built_in()),
            Matcher::new(NameGroups::built_in()),
        );
        for c in &children {
            one_by_one.add(c);
        }
        at_once.add_all(&children);
        assert_eq!(at_once.len(), one_by_one.len());
        // The same lists, in the same order, under every key.
        assert_eq!(at_once.index, one_by_one.index);
        let sought = sought_child("Ostap", "Humeniuk", 2010);
        let answer = |m: &Matcher| {
            m.find(&sought, &Requester::default(), 10)
                .into_iter()
                .map(|f| (f.child_id, f.score))
                .collect::<Vec<_>>()
        };
        assert_eq!(answer(&at_once), answer(&one_by_one));
        assert!(!answer(&at_once).is_empty());
    }

    #[test]
    fn a_name_a_slip_from_two_known_names_is_looked_for_under_both() {
        let mut names = NameGroups::built_in();
        names.add_lines("карина каріна");
        let (marina, karina) = (names.of(&fold("Марина"))[0], names.of(&fold("Карина"))[0]);
        let m = Matcher::new(names);
        let keys = m.keys(&fold("Barina"), &fold("Гуменюк"), Some(2014));
        for group in [marina, karina] {
            assert!(
                keys.contains(&key(2, (format!("#{group}").as_str(), 2014))),
                "{keys:?}"
            );
        }
        // Scored, it is neither: the slip could be from either.
        assert!(m.names.snap(&fold("Barina")).is_none());
    }

    #[test]
    fn names_written_in_each_others_place_are_read_whole() {
        let mut m = Matcher::new(NameGroups::built_in());
        m.add(&child("L1", "Лариса", "Гнатишин", 2011, ""));
        m.add(&child("L2", "Ларисса", "Гнатишина", 2011, ""));
        // Larysa in the family-name place would lose its ending as a feminine family name.
        let swapped = sought_child("Hnatyshyn", "Larysa", 2011);
        let found = m.find(&swapped, &Requester::default(), 2);
        assert_eq!(found[0].child_id, "L1");
        let names = found[0]
            .evidence
            .iter()
            .find(|e| e.field == "names")
            .unwrap();
        assert!(
            (names.points - (SAME_NAME + SAME_FAMILY - 0.5)).abs() < 1e-9,
            "{names:?}"
        );
        assert_eq!(names.said.sought, "larisa hnatishin");
        // How common the names are weighs on names swapped as on names in their places.
        assert!(
            found[0]
                .evidence
                .iter()
                .any(|e| e.field == "family_name_rarity"),
            "{:?}",
            found[0].evidence
        );
    }

    #[test]
    fn a_family_name_the_requester_spells_better_is_weighed_by_its_rarity_too() {
        let mut m = Matcher::new(NameGroups::built_in());
        m.add(&child("Y1", "Ярина", "Гнатишин", 2016, "Оксана"));
        let requester = Requester {
            name: "Oksana Hnatyshyn".into(),
            relation: "mother".into(),
        };
        let found = &m.find(&sought_child("Yaryna", "Hnatysh", 2016), &requester, 1)[0];
        let family = found
            .evidence
            .iter()
            .find(|e| e.field == "family_name")
            .unwrap();
        assert_eq!(family.said.code, "family-as-requester", "{found:?}");
        assert!(
            found
                .evidence
                .iter()
                .any(|e| e.field == "family_name_rarity"),
            "{found:?}"
        );
    }

    #[test]
    fn two_spellings_with_one_first_reading_are_compared_each_with_its_own_readings() {
        // Hnatciuc (Romanian) and Hnatchuk share their first reading, гначук; only Hnatciuc is
        // also read гнацюк, which is how Hnatcjuk may be read.
        let sought = sought_child("Yaryna", "Hnatcjuk", 2015);
        let family_points_of = |m: &Matcher, id: &str| {
            let found = m.find(&sought, &Requester::default(), 2);
            let found = found.iter().find(|f| f.child_id == id).unwrap();
            let family = found.evidence.iter().find(|e| e.field == "family_name");
            family.unwrap().points
        };
        let mut alone = Matcher::new(NameGroups::built_in());
        alone.add(&child("B", "Ярина", "Hnatchuk", 2015, ""));
        let mut both = Matcher::new(NameGroups::built_in());
        both.add(&child("A", "Ярина", "Hnatciuc", 2015, ""));
        both.add(&child("B", "Ярина", "Hnatchuk", 2015, ""));
        assert_eq!(family_points_of(&both, "A"), SAME_FAMILY);
        // A requester who gives no family name of their own leaves the request's to count.
        assert!(
            family_points_of(&alone, "B") < 0.0,
            "{:?}",
            alone.find(&sought, &Requester::default(), 2)
        );
        assert_eq!(family_points_of(&both, "B"), family_points_of(&alone, "B"));
    }

    #[test]
    fn a_register_too_small_to_say_how_common_a_name_is_adds_little_for_it() {
        let mut m = Matcher::new(NameGroups::built_in());
        m.add(&child("S1", "Антоніна", "Шаповал", 2012, ""));
        let sought = sought_child("Antonina", "Shapoval", 2012);
        let found = &m.find(&sought, &Requester::default(), 1)[0];
        for field in ["given_name_rarity", "family_name_rarity"] {
            let rarity = found.evidence.iter().find(|e| e.field == field).unwrap();
            assert!(rarity.points.abs() < 0.25, "{rarity:?}");
        }
        // A family name one child in 20 bears is a common one; one in 70 is typical.
        assert!(FAMILY_RARITY.points(1.0 / 20.0) < -0.5);
        assert!(FAMILY_RARITY.points(1.0 / 70.0).abs() < 1e-9);
        assert!(FAMILY_RARITY.points(1.0 / 1000.0) > 1.5);
    }

    #[test]
    fn sharing_a_rare_family_name_scores_higher_than_sharing_a_common_one() {
        let mut m = Matcher::new(NameGroups::built_in());
        for n in 0..40 {
            m.add(&child(
                &format!("G{n}"),
                "Тарас",
                "Гуменюк",
                2000 + n % 10,
                "",
            ));
        }
        m.add(&child("K1", "Остап", "Кармелюк", 2013, ""));
        m.add(&child("G99", "Остап", "Гуменюк", 2013, ""));
        let sought = |family: &str| Person {
            given_name: "Ostap".into(),
            family_name: family.into(),
            birth_year: Some(2013),
            ..Person::default()
        };
        let rare = &m.find(&sought("Karmeliuk"), &Requester::default(), 1)[0];
        let common = &m.find(&sought("Humeniuk"), &Requester::default(), 1)[0];
        assert_eq!(
            (rare.child_id.as_str(), common.child_id.as_str()),
            ("K1", "G99")
        );
        assert!(rare.score > common.score, "{rare:?} {common:?}");
        // Likewise a given name: forty Tarases, two Ostaps.
        m.add(&child("V1", "Тарас", "Вергун", 2013, ""));
        let taras = Person {
            given_name: "Taras".into(),
            ..sought("Verhun")
        };
        let common_given = &m.find(&taras, &Requester::default(), 1)[0];
        assert_eq!(common_given.child_id, "V1");
        assert!(rare.score > common_given.score, "{rare:?} {common_given:?}");
        // Further candidates never score above the first.
        let all = m.find(&sought("Humeniuk"), &Requester::default(), 10);
        assert!(all.windows(2).all(|w| w[0].score >= w[1].score));
    }

    #[test]
    fn look_alikes_that_are_different_known_names_places_or_dates_conflict() {
        let mut names = NameGroups::built_in();
        names.add_lines("зоряна зоря\nзорина");
        let m = Matcher::new(names.clone());
        let form = |n: &str| Form::given(fold(n), &names);
        // Zoriana and Zoryna are both names: alike, yet one is not a slip of the other.
        assert!(m.name_points(&form("Zoriana"), &form("Зорина")) < 0.0);
        // An unknown form close to a known name is still a likely slip.
        assert!(m.name_points(&form("Zorjama"), &form("Зоряна")) > 0.0);
        let mut places = NameGroups::places();
        places.add_lines("ніжин nizhyn\nніжинці");
        let place = |p: &str| Form::given(fold(p), &places);
        assert!(place_points(&place("Nizhyn"), &place("Ніжинці")).0 < 0.0);
        assert!(place_points(&place("Nizhyn"), &place("Ніжин")).0 > 0.0);
        // Two full birth dates a year and some days apart are two children.
        let born = |y, md| Person {
            birth_year: Some(y),
            birth_month_day: Some(md),
            ..Person::default()
        };
        let prepare = |p: &Person| {
            prepare(p, AGE_YEAR, |field, text| {
                Arc::new(field_form(field, text, &names, &places))
            })
        };
        let mut note = |_: &'static str, p: f64, _: &dyn Fn() -> (String, Said)| p;
        let apart = m.birth_points(
            &prepare(&born(2011, (1, 12))),
            &prepare(&born(2010, (12, 13))),
            &mut note,
        );
        let slip = m.birth_points(
            &prepare(&born(2011, (1, 12))),
            &prepare(&born(2010, (1, 12))),
            &mut note,
        );
        assert!(apart < 0.0 && slip > 0.0, "{apart} {slip}");
    }

    #[test]
    fn a_family_name_in_an_uncertain_system_is_the_same_in_one_of_its_readings() {
        let names = NameGroups::built_in();
        // Polish "sz" is ш, Hungarian "sz" is с: with no other letter to tell, both readings
        // count, and the one that fits is the same name.
        let polish = Form::family("Szapoval", &names);
        let cyrillic = Form::family("Шаповал", &names);
        assert_ne!(polish.text, cyrillic.text);
        assert_eq!(family_points(&polish, &cyrillic), SAME_FAMILY);
        // German "sh" is ж as Romanian "j" is; Polish "c" is ц before any letter.
        let family = |name: &str| Form::family(name, &names);
        assert_eq!(
            family_points(&family("Shownir"), &family("Jovnir")),
            SAME_FAMILY
        );
        assert_eq!(
            family_points(&family("Shownir"), &family("Жовнір")),
            SAME_FAMILY
        );
        assert_eq!(
            family_points(&family("Kowalec"), &family("Ковалець")),
            SAME_FAMILY
        );
        // The same once each is read in its likely system (Polish Hrabec, German Hrabez), or
        // alike once read loosely too (Sawec, a "sz" written "s", beside German Schawez).
        assert_eq!(
            family_points(&family("Hrabec"), &family("Hrabez")),
            SAME_FAMILY
        );
        assert_eq!(family_points(&family("Sawec"), &family("Schawez")), 2.4);
        // A slip apart once "ch" is х: Machenko written for Махненко.
        assert_eq!(family_points(&family("Machenko"), &family("Mahnenko")), 2.4);
        assert!(family_points(&family("Hrabec"), &family("Махненко")) < 0.0);
        // Found through the other reading's keys too.
        let mut m = Matcher::new(names);
        m.add(&child("C1", "Мирон", "Шаповал", 2014, "Олена"));
        m.add(&child("C2", "Мирон", "Сапович", 2014, "Олена"));
        let sought = sought_child("Myron", "Szapoval", 2014);
        let found = m.find(&sought, &Requester::default(), 2);
        assert_eq!(found[0].child_id, "C1", "{found:?}");
    }

    #[test]
    fn finds_a_child_across_scripts_forms_and_swaps_and_explains_why() {
        let mut m = Matcher::new(NameGroups::built_in());
        m.add(&child("C1", "Олександр", "Кравченко", 2012, "Оксана"));
        m.add(&child("C2", "Андрій", "Кравченко", 2009, "Оксана"));
        m.add(&child("C3", "Олександр", "Шевчук", 2012, "Ірина"));
        let mother = Requester {
            name: "Oksana Krawczenko".into(),
            relation: "mother".into(),
        };
        for (given, family) in [
            ("Sashko", "Krawczenko"),
            ("Aleksandr", "Kravchenko"),
            ("Kravchenko", "Oleksandr"),
            ("Олександр", "Кравчнко"),
        ] {
            let sought = Person {
                given_name: given.into(),
                family_name: family.into(),
                sex: Some('m'),
                age: Some(10),
                place_of_origin: "Charkiw".into(),
                ..Person::default()
            };
            let found = m.find(&sought, &mother, 3);
            assert_eq!(found[0].child_id, "C1", "{given} {family}: {found:?}");
            assert!(found[0].score > 0.8, "{given} {family}: {}", found[0].score);
            assert!(found.iter().all(|f| f.score <= found[0].score));
            let fields: Vec<&str> = found[0].evidence.iter().map(|e| e.field).collect();
            assert!(
                fields.contains(&"birth") && fields.contains(&"relatives"),
                "{fields:?}"
            );
        }
        // No family name given: the requester's stands in; a Polish pet form finds the name.
        m.add(&Person {
            id: "C4".into(),
            given_name: "Олександра".into(),
            family_name: "Бондаренко".into(),
            sex: Some('f'),
            birth_year: Some(2018),
            ..Person::default()
        });
        let sasza = Person {
            given_name: "Sasza".into(),
            sex: Some('f'),
            age: Some(4),
            ..Person::default()
        };
        let father = Requester {
            name: "Danylo Bondarenko".into(),
            relation: "father".into(),
        };
        assert_eq!(m.find(&sasza, &father, 1)[0].child_id, "C4");
        // Replaced and removed entries are not found any more.
        m.add(&Person {
            family_name: "Шевчук".into(),
            ..child("C1", "Олександр", "Шевчук", 2012, "Оксана")
        });
        let sought = sought_child("Oleksandr", "Kravchenko", 2012);
        assert!(
            m.find(&sought, &mother, 5)
                .iter()
                .all(|f| f.child_id != "C1" || f.score < 0.5)
        );
        m.remove("C1");
        assert!(
            m.find(&sought, &mother, 5)
                .iter()
                .all(|f| f.child_id != "C1")
        );
        assert_eq!(m.len(), 3);
        // Someone not registered gets no confident match.
        let stranger = Person {
            given_name: "Marta".into(),
            family_name: "Hnatiuk".into(),
            sex: Some('f'),
            birth_year: Some(2015),
            ..Person::default()
        };
        let found = m.find(&stranger, &Requester::default(), 3);
        assert!(found.iter().all(|f| f.score < 0.2), "{found:?}");
    }
}
