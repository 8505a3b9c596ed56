//! `bluedot tracing match`: matches a list of tracing requests against a list of registered
//! children, as agencies exchange them, and writes `request_id,rank,child_id,score`.
//! Malformed rows are reported on standard error with their line number and skipped.

use std::io::Write;
use std::path::Path;

use anyhow::Context;
use bluedot_tracing::{Matcher, NameGroups, Person, Requester};

/// A row that could not be read, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    pub file: String,
    pub line: u64,
    pub reason: String,
}

/// A birth year, with month and day when the full date is known.
type Birth = (Option<i32>, Option<(u32, u32)>);

fn parse_birth(text: &str) -> Result<Birth, String> {
    let t = text.trim();
    if t.is_empty() {
        return Ok((None, None));
    }
    if let Ok(d) = chrono::NaiveDate::parse_from_str(t, "%Y-%m-%d") {
        use chrono::Datelike;
        return Ok((Some(d.year()), Some((d.month(), d.day()))));
    }
    match t.parse::<i32>() {
        Ok(y) if (1900..=2100).contains(&y) => Ok((Some(y), None)),
        _ => Err(format!("birth_date {t:?} is not YYYY-MM-DD or YYYY")),
    }
}

fn parse_person(get: &dyn Fn(&str) -> Option<String>, extra: bool) -> Result<Person, String> {
    let id = get("id").filter(|s| !s.trim().is_empty()).ok_or("no id")?;
    let sex = match get("sex").unwrap_or_default().trim() {
        "" => None,
        "m" | "M" => Some('m'),
        "f" | "F" => Some('f'),
        other => return Err(format!("sex {other:?} is not m, f or empty")),
    };
    let (birth_year, birth_month_day) = parse_birth(&get("birth_date").unwrap_or_default())?;
    let age = match get("age").unwrap_or_default().trim() {
        "" => None,
        a => Some(
            a.parse::<u32>()
                .ok()
                .filter(|a| *a <= 30)
                .ok_or_else(|| format!("age {a:?} is not a number of years"))?,
        ),
    };
    Ok(Person {
        id: id.trim().to_owned(),
        given_name: get("given_name").unwrap_or_default(),
        family_name: get("family_name").unwrap_or_default(),
        sex,
        birth_year,
        birth_month_day,
        age,
        place_of_origin: get("place_of_origin").unwrap_or_default(),
        mother_name: if extra {
            get("mother_name").unwrap_or_default()
        } else {
            String::new()
        },
        father_name: if extra {
            get("father_name").unwrap_or_default()
        } else {
            String::new()
        },
    })
}

/// Reads a CSV file with a header row, calling `row` with a field getter for each record.
fn read_rows(
    path: &Path,
    required: &[&str],
    skipped: &mut Vec<Skipped>,
    mut row: impl FnMut(&dyn Fn(&str) -> Option<String>) -> Result<(), String>,
) -> anyhow::Result<usize> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_path(path)
        .with_context(|| format!("cannot open {}", path.display()))?;
    let headers = reader
        .headers()
        .with_context(|| format!("{}: no header row", path.display()))?
        .clone();
    for name in required {
        if !headers.iter().any(|h| h.trim() == *name) {
            anyhow::bail!("{}: the header has no column {name:?}", path.display());
        }
    }
    // Each column's place, found once: a register has a million rows.
    let columns: Vec<(String, usize)> = headers
        .iter()
        .enumerate()
        .map(|(i, h)| (h.trim().to_owned(), i))
        .collect();
    let file = path.display().to_string();
    let mut read = 0;
    for record in reader.records() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map(|p| p.line()).unwrap_or(0);
                skipped.push(Skipped {
                    file: file.clone(),
                    line,
                    reason: e.to_string(),
                });
                continue;
            }
        };
        let line = record.position().map(|p| p.line()).unwrap_or(0);
        if record.len() != headers.len() {
            skipped.push(Skipped {
                file: file.clone(),
                line,
                reason: format!("{} fields, the header has {}", record.len(), headers.len()),
            });
            continue;
        }
        let get = |name: &str| {
            columns
                .iter()
                .find(|(h, _)| h == name)
                .and_then(|(_, i)| record.get(*i))
                .map(str::to_owned)
        };
        match row(&get) {
            Ok(()) => read += 1,
            Err(reason) => skipped.push(Skipped {
                file: file.clone(),
                line,
                reason,
            }),
        }
    }
    Ok(read)
}

/// A match's evidence in one line a person can read: `field +points (note); …`.
fn evidence(m: &bluedot_tracing::Match) -> String {
    m.evidence
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
        .replace('"', "'")
}

/// Matches every request in `requests` against every child in `children`; writes the top `top`
/// candidates per request to `out`. Returns the rows skipped.
pub fn run(
    children: &Path,
    requests: &Path,
    top: usize,
    names: NameGroups,
    explain: bool,
    out: &mut impl Write,
) -> anyhow::Result<Vec<Skipped>> {
    let mut skipped = Vec::new();
    let mut matcher = Matcher::new(names);
    let reading = crate::progress::spinner("reading and indexing the children");
    let mut registered = Vec::new();
    read_rows(
        children,
        &["id", "given_name", "family_name"],
        &mut skipped,
        |get| {
            registered.push(parse_person(get, true)?);
            Ok(())
        },
    )?;
    matcher.add_all(&registered);
    drop(registered);
    let mut sought = Vec::new();
    read_rows(
        requests,
        &["id", "given_name", "family_name"],
        &mut skipped,
        |get| {
            let person = parse_person(get, false)?;
            let requester = Requester {
                name: get("requester_name").unwrap_or_default(),
                relation: get("requester_relation").unwrap_or_default(),
            };
            sought.push((person, requester));
            Ok(())
        },
    )?;
    reading.finish_and_clear();
    let progress = crate::progress::bar(sought.len() as u64, "matching requests");
    // Requests are independent: answer them on every core, and write them in order.
    let answers = bluedot_tracing::on_every_core(&sought, |(person, requester)| {
        let mut text = String::new();
        for (rank, m) in matcher.find(person, requester, top).iter().enumerate() {
            text.push_str(&format!(
                "{},{},{},{:.6}",
                person.id,
                rank + 1,
                m.child_id,
                m.score
            ));
            if explain {
                text.push_str(&format!(
                    ",\"{}\",{} / {}",
                    evidence(m),
                    m.spelling[0],
                    m.spelling[1]
                ));
            }
            text.push('\n');
        }
        progress.inc(1);
        text
    });
    progress.finish_and_clear();
    if explain {
        writeln!(out, "request_id,rank,child_id,score,evidence,spelling")?;
    } else {
        writeln!(out, "request_id,rank,child_id,score")?;
    }
    for part in answers {
        out.write_all(part.as_bytes())?;
    }
    Ok(skipped)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn malformed_rows_are_reported_by_line_and_skipped() {
        let dir = std::env::temp_dir().join(format!("bluedot-tracing-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let children = dir.join("children.csv");
        let requests = dir.join("requests.csv");
        std::fs::write(
            &children,
            "id,given_name,family_name,sex,birth_date,age,place_of_origin,mother_name,father_name\n\
             C1,Олександр,Кравченко,m,2012-03-04,,Харків,Оксана,\n\
             C2,Марта,Гнатюк,x,2015,,,,\n\
             C3,Андрій,Кравченко,m,2009,,Харків,Оксана\n\
             C4,Ірина,Бойко,f,12.05.2010,,,,\n",
        )
        .unwrap();
        std::fs::write(
            &requests,
            "id,given_name,family_name,sex,birth_date,age,place_of_origin,requester_name,requester_relation\n\
             R1,Sashko,Krawczenko,m,,10,Charkiw,Oksana Krawczenko,mother\n\
             R2,Anna,Shevchuk,f,,,,,\n",
        )
        .unwrap();
        let mut out = Vec::new();
        let skipped = run(
            &children,
            &requests,
            5,
            NameGroups::built_in(),
            false,
            &mut out,
        )
        .unwrap();
        let lines: Vec<(u64, &str)> = skipped
            .iter()
            .map(|s| (s.line, s.reason.as_str()))
            .collect();
        assert_eq!(lines.len(), 3, "{lines:?}");
        assert_eq!(lines[0].0, 3);
        assert!(lines[0].1.contains("sex \"x\""));
        assert_eq!(lines[1].0, 4);
        assert!(lines[1].1.contains("8 fields"));
        assert_eq!(lines[2].0, 5);
        assert!(lines[2].1.contains("birth_date"));
        let text = String::from_utf8(out).unwrap();
        let mut rows = text.lines();
        assert_eq!(rows.next(), Some("request_id,rank,child_id,score"));
        let first: Vec<&str> = rows.next().unwrap().split(',').collect();
        assert_eq!(&first[..3], ["R1", "1", "C1"]);
        let score: f64 = first[3].parse().unwrap();
        assert!((0.0..=1.0).contains(&score) && score > 0.8, "{score}");
        // Explained: each field's points, and the writing system each side was read in.
        let mut out = Vec::new();
        run(
            &children,
            &requests,
            1,
            NameGroups::built_in(),
            true,
            &mut out,
        )
        .unwrap();
        let text = String::from_utf8(out).unwrap();
        let mut rows = text.lines();
        assert_eq!(
            rows.next(),
            Some("request_id,rank,child_id,score,evidence,spelling")
        );
        let first = rows.next().unwrap();
        assert!(first.starts_with("R1,1,C1,"), "{first}");
        assert!(first.contains("given_name +"), "{first}");
        assert!(first.ends_with(",Polish / Cyrillic"), "{first}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
