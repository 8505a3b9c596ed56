//! Builds an index of 1,000,000 synthetic children and answers 2,000 requests against it:
//! prints build time, peak memory, per-request latency (p50, p99), the all-in time as the
//! batch command runs (requests on every core), and recall@1/@10, which every request has a
//! known answer for; the same rules at 100,000 children first, to show what scale costs.
//! Run with `cargo bench -p bluedot-tracing`.
//!
//! The children are made from Ukrainian name stems and endings, written in Cyrillic or in one
//! of the Latin spellings, with birth years 2004–2022, so blocks are as crowded as in a large
//! real registry; requests are registered children with a typo, another script, a diminutive
//! or a year off by one.

use std::time::{Duration, Instant};

use bluedot_tracing::{Matcher, NameGroups, Person, Requester, on_every_core};

#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

/// A small deterministic generator: the same data on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[(self.next() % items.len() as u64) as usize]
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

const GIVEN_M: &[&str] = &[
    "Олександр",
    "Андрій",
    "Богдан",
    "Василь",
    "Володимир",
    "Дмитро",
    "Данило",
    "Іван",
    "Ігор",
    "Максим",
    "Марко",
    "Матвій",
    "Михайло",
    "Назар",
    "Олег",
    "Остап",
    "Петро",
    "Роман",
    "Сергій",
    "Тарас",
    "Тимофій",
    "Юрій",
    "Ярослав",
    "Захар",
    "Євген",
    "Кирило",
    "Степан",
];
const GIVEN_F: &[&str] = &[
    "Анна",
    "Вікторія",
    "Дарина",
    "Діана",
    "Єва",
    "Емілія",
    "Ірина",
    "Катерина",
    "Марія",
    "Надія",
    "Наталія",
    "Ольга",
    "Поліна",
    "Соломія",
    "Софія",
    "Тетяна",
    "Уляна",
    "Юлія",
    "Христина",
    "Ярослава",
    "Аліна",
    "Вероніка",
    "Валентина",
    "Галина",
    "Злата",
    "Мілана",
];
const STEMS: &[&str] = &[
    "Кравч",
    "Шевч",
    "Бонда",
    "Ткач",
    "Коваль",
    "Бойк",
    "Мельн",
    "Савч",
    "Олійн",
    "Лисен",
    "Марч",
    "Руд",
    "Мороз",
    "Павл",
    "Петр",
    "Клим",
    "Гончар",
    "Сидор",
    "Левч",
    "Гнат",
    "Кузьм",
    "Дмитр",
    "Карп",
    "Литвин",
    "Панч",
    "Ярош",
    "Соломк",
    "Гордi",
    "Демч",
    "Зінч",
    "Костюк",
    "Мазур",
    "Поліщ",
    "Тарас",
    "Білоус",
    "Приход",
    "Юрч",
    "Кушнір",
    "Данильч",
    "Федор",
    "Остапч",
    "Стасюк",
    "Хоменк",
    "Яковл",
    "Ничип",
    "Семен",
    "Гаврил",
    "Максим",
];
const ENDINGS: &[&str] = &[
    "енко",
    "ук",
    "чук",
    "ишин",
    "ович",
    "ак",
    "ик",
    "ко",
    "ський",
];
const PLACES: &[&str] = &[
    "Харків",
    "Київ",
    "Одеса",
    "Дніпро",
    "Запоріжжя",
    "Миколаїв",
    "Херсон",
    "Маріуполь",
    "Чернігів",
    "Суми",
    "Полтава",
    "Краматорськ",
    "Бахмут",
    "Ізюм",
    "Умань",
    "Буча",
];

/// Latin spellings of a Cyrillic name, as officials in host countries write them.
fn latin(name: &str, system: u64) -> String {
    let table: &[(&str, [&str; 3])] = &[
        ("Щ", ["Shch", "Szcz", "Schtsch"]),
        ("щ", ["shch", "szcz", "schtsch"]),
        ("Ч", ["Ch", "Cz", "Tsch"]),
        ("ч", ["ch", "cz", "tsch"]),
        ("Ш", ["Sh", "Sz", "Sch"]),
        ("ш", ["sh", "sz", "sch"]),
        ("Ж", ["Zh", "Ż", "Sh"]),
        ("ж", ["zh", "ż", "sh"]),
        ("Х", ["Kh", "Ch", "Ch"]),
        ("х", ["kh", "ch", "ch"]),
        ("Ц", ["Ts", "C", "Z"]),
        ("ц", ["ts", "c", "z"]),
        ("Ю", ["Yu", "Ju", "Ju"]),
        ("ю", ["iu", "ju", "ju"]),
        ("Я", ["Ya", "Ja", "Ja"]),
        ("я", ["ia", "ja", "ja"]),
        ("Є", ["Ye", "Je", "Je"]),
        ("є", ["ie", "je", "je"]),
        ("Ї", ["Yi", "Ji", "Ji"]),
        ("ї", ["i", "ji", "ji"]),
        ("Й", ["Y", "J", "J"]),
        ("й", ["i", "j", "j"]),
        ("И", ["Y", "Y", "Y"]),
        ("и", ["y", "y", "y"]),
        ("І", ["I", "I", "I"]),
        ("і", ["i", "i", "i"]),
        ("Г", ["H", "H", "H"]),
        ("г", ["h", "h", "h"]),
        ("В", ["V", "W", "W"]),
        ("в", ["v", "w", "w"]),
        ("ь", ["", "", ""]),
    ];
    let mut out = String::new();
    for c in name.chars() {
        let s = c.to_string();
        match table.iter().find(|(k, _)| *k == s) {
            Some((_, forms)) => out.push_str(forms[system as usize % 3]),
            None => out.push_str(&deunicode_basic(c)),
        }
    }
    out
}

fn deunicode_basic(c: char) -> String {
    const PLAIN: &[(char, &str)] = &[
        ('А', "A"),
        ('а', "a"),
        ('Б', "B"),
        ('б', "b"),
        ('Д', "D"),
        ('д', "d"),
        ('Е', "E"),
        ('е', "e"),
        ('З', "Z"),
        ('з', "z"),
        ('К', "K"),
        ('к', "k"),
        ('Л', "L"),
        ('л', "l"),
        ('М', "M"),
        ('м', "m"),
        ('Н', "N"),
        ('н', "n"),
        ('О', "O"),
        ('о', "o"),
        ('П', "P"),
        ('п', "p"),
        ('Р', "R"),
        ('р', "r"),
        ('С', "S"),
        ('с', "s"),
        ('Т', "T"),
        ('т', "t"),
        ('У', "U"),
        ('у', "u"),
        ('Ф', "F"),
        ('ф', "f"),
    ];
    PLAIN
        .iter()
        .find(|(k, _)| *k == c)
        .map(|(_, v)| (*v).to_owned())
        .unwrap_or_else(|| c.to_string())
}

fn child(rng: &mut Rng, n: usize) -> Person {
    let female = rng.below(2) == 0;
    let given = rng.pick(if female { GIVEN_F } else { GIVEN_M });
    let mut family = format!("{}{}", rng.pick(STEMS), rng.pick(ENDINGS));
    if female && family.ends_with("ський") {
        family = family.replace("ський", "ська");
    }
    let script = rng.below(4);
    let (given, family) = if script == 0 {
        (given.to_owned(), family)
    } else {
        (latin(given, script - 1), latin(&family, script - 1))
    };
    Person {
        id: format!("C{n:07}"),
        given_name: given,
        family_name: family,
        sex: Some(if female { 'f' } else { 'm' }),
        birth_year: Some(2004 + rng.below(19) as i32),
        birth_month_day: (rng.below(2) == 0)
            .then(|| (1 + rng.below(12) as u32, 1 + rng.below(28) as u32)),
        age: None,
        place_of_origin: rng.pick(PLACES).to_owned(),
        mother_name: rng.pick(GIVEN_F).to_owned(),
        father_name: String::new(),
    }
}

/// A request for `c`: another spelling, a typo, a year off by one.
fn request_for(rng: &mut Rng, c: &Person) -> (Person, Requester) {
    let mut given = c.given_name.clone();
    if rng.below(3) == 0 && given.chars().count() > 4 {
        let mut chars: Vec<char> = given.chars().collect();
        chars.remove(2);
        given = chars.into_iter().collect();
    }
    let year = c.birth_year.map(|y| y + rng.below(3) as i32 - 1);
    (
        Person {
            id: format!("R-{}", c.id),
            given_name: given,
            family_name: latin(&c.family_name, rng.below(3)),
            sex: c.sex,
            birth_year: year,
            birth_month_day: None,
            age: None,
            place_of_origin: c.place_of_origin.clone(),
            mother_name: String::new(),
            father_name: String::new(),
        },
        Requester {
            name: c.mother_name.clone(),
            relation: "mother".into(),
        },
    )
}

fn peak_memory_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        })
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

fn main() {
    // The matcher's rules at a tenth of the size first, so the recall lost to scale shows.
    let at_100k = run(100_000, false);
    let at_1m = run(1_000_000, true);
    println!(
        "recall@1 at 1M is {:.1} % below 100k, recall@10 {:.1} %",
        100.0 * (1.0 - at_1m.0 / at_100k.0),
        100.0 * (1.0 - at_1m.1 / at_100k.1)
    );
}

/// Indexes `n` generated children and answers 2,000 requests for some of them; prints the
/// figures and returns recall@1 and recall@10.
fn run(n: usize, timed: bool) -> (f64, f64) {
    let mut rng = Rng(0x05ee_db10_ed07_u64 | 1);
    let children: Vec<Person> = (0..n).map(|i| child(&mut rng, i)).collect();
    let generated = peak_memory_mb();
    let start = Instant::now();
    let mut matcher = Matcher::new(NameGroups::built_in());
    matcher.add_all(&children);
    let build = start.elapsed();
    let after_build = peak_memory_mb();
    let requests: Vec<(Person, Requester, &str)> = (0..2_000)
        .map(|_| {
            let target = &children[rng.below(n as u64) as usize];
            let (sought, requester) = request_for(&mut rng, target);
            (sought, requester, target.id.as_str())
        })
        .collect();
    let mut latencies: Vec<Duration> = Vec::with_capacity(requests.len());
    let (mut first, mut found) = (0, 0);
    for (sought, requester, target) in &requests {
        let t = Instant::now();
        let top = matcher.find(sought, requester, 10);
        latencies.push(t.elapsed());
        found += usize::from(top.iter().any(|m| m.child_id == *target));
        first += usize::from(top.first().is_some_and(|m| m.child_id == *target));
    }
    // As `bluedot tracing match` answers them: on every core.
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let answering = Instant::now();
    on_every_core(&requests, |(sought, requester, _)| {
        matcher.find(sought, requester, 10)
    });
    let answering = answering.elapsed();
    let recall = (first as f64 / 2000.0, found as f64 / 2000.0);
    latencies.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!("children indexed: {}", matcher.len());
    if timed {
        println!("index build: {:.2} s", build.as_secs_f64());
        println!(
            "peak memory: {:.0} MB (of which the generated children {:.0} MB)",
            after_build, generated
        );
        println!(
            "per request: p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
            ms(latencies[latencies.len() / 2]),
            ms(latencies[latencies.len() * 99 / 100]),
            ms(*latencies.last().unwrap())
        );
        println!(
            "2,000 requests on {threads} threads: {:.2} s; all-in with the index build {:.2} s",
            answering.as_secs_f64(),
            (build + answering).as_secs_f64()
        );
    }
    // Every request seeks a generated child, so each has a known answer.
    println!(
        "recall@1 {:.4} ({first} of 2000), recall@10 {:.4} ({found} of 2000)",
        recall.0, recall.1
    );
    recall
}
