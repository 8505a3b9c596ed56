//! Dates, times, numbers and the order of lists as each of the nine languages writes them,
//! from the CLDR data compiled into ICU4X: "1 груд. 2026 р." in Ukrainian, "1.12.2026" in
//! Romanian, "2026. dec. 1." in Hungarian; Ukrainian lists sorted by the Ukrainian alphabet,
//! not by character codes. Moments are shown on the clock of the hub they belong to.

use std::cmp::Ordering;
use std::sync::LazyLock;

use bluedot_core::Lang;
use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, Timelike, Utc};
use chrono_tz::Tz;
use icu_calendar::Gregorian;
use icu_collator::options::CollatorOptions;
use icu_collator::{Collator, CollatorBorrowed};
use icu_datetime::FixedCalendarDateTimeFormatter;
use icu_datetime::fieldsets::{YMD, YMDT};
use icu_datetime::input::{Date, DateTime as IcuDateTime, Time};
use icu_datetime::options::TimePrecision;
use icu_decimal::DecimalFormatter;
use icu_decimal::input::Decimal;
use icu_locale_core::Locale;

/// One language's formatters, built once.
pub struct Formats {
    day: FixedCalendarDateTimeFormatter<Gregorian, YMD>,
    moment: FixedCalendarDateTimeFormatter<Gregorian, YMDT>,
    numbers: DecimalFormatter,
    collator: CollatorBorrowed<'static>,
}

static FORMATS: LazyLock<Vec<Formats>> =
    LazyLock::new(|| Lang::ALL.iter().map(|l| Formats::new(*l)).collect());

/// The formatters of `lang`.
pub fn of(lang: Lang) -> &'static Formats {
    let at = Lang::ALL.iter().position(|l| *l == lang).unwrap_or(0);
    &FORMATS[at]
}

impl Formats {
    fn new(lang: Lang) -> Formats {
        // The nine languages are in CLDR; a failure here is a build without the data.
        // English as written in Europe: day before month, a 24-hour clock.
        let tag = match lang {
            Lang::En => "en-GB",
            other => other.code(),
        };
        let locale: Locale = tag.parse().expect("a language tag is a locale");
        Formats {
            day: FixedCalendarDateTimeFormatter::try_new(locale.clone().into(), YMD::medium())
                .expect("date patterns are compiled in"),
            moment: FixedCalendarDateTimeFormatter::try_new(
                locale.clone().into(),
                YMDT::medium().with_time_precision(TimePrecision::Minute),
            )
            .expect("date and time patterns are compiled in"),
            numbers: DecimalFormatter::try_new(locale.clone().into(), Default::default())
                .expect("number symbols are compiled in"),
            collator: Collator::try_new(locale.into(), CollatorOptions::default())
                .expect("collation tables are compiled in"),
        }
    }

    /// A calendar day: "1 Dec 2026".
    pub fn day(&self, day: NaiveDate) -> String {
        match gregorian(day) {
            Some(date) => self.day.format(&date).to_string(),
            None => day.to_string(),
        }
    }

    /// A moment on a clock without its zone: "1 Dec 2026, 14:05".
    pub fn local_moment(&self, at: NaiveDateTime) -> String {
        let time = Time::try_new(at.hour() as u8, at.minute() as u8, 0, 0).ok();
        match (gregorian(at.date()), time) {
            (Some(date), Some(time)) => {
                let text = self.moment.format(&IcuDateTime { date, time }).to_string();
                // ICU4X 2.4 glues Bulgarian's date-time pattern so that the hour mark "ч."
                // comes out twice ("14:05 ч. ч."); once is what Bulgarian writes.
                text.replace("ч. ч.", "ч.")
            }
            _ => at.format("%Y-%m-%d %H:%M").to_string(),
        }
    }

    /// A moment on the clock of `zone`, with the zone's abbreviation: "1 Dec 2026, 16:05 EET".
    pub fn moment(&self, at: DateTime<Utc>, zone: Tz) -> String {
        let local = at.with_timezone(&zone);
        format!(
            "{} {}",
            self.local_moment(local.naive_local()),
            local.format("%Z")
        )
    }

    /// The calendar day of a moment on the clock of `zone`.
    pub fn day_in(&self, at: DateTime<Utc>, zone: Tz) -> String {
        self.day(at.with_timezone(&zone).date_naive())
    }

    /// A whole number with the language's grouping: "12 345" or "12,345".
    pub fn number(&self, n: i64) -> String {
        self.numbers.format(&Decimal::from(n)).to_string()
    }

    /// The order of two texts in this language's alphabet.
    pub fn compare(&self, a: &str, b: &str) -> Ordering {
        self.collator.compare(a, b)
    }

    /// Sorts `items` by the text `key` gives, in this language's alphabetical order.
    pub fn sort_by_text<T>(&self, items: &mut [T], key: impl Fn(&T) -> &str) {
        items.sort_by(|a, b| self.compare(key(a), key(b)));
    }
}

fn gregorian(day: NaiveDate) -> Option<Date<Gregorian>> {
    Date::try_new_gregorian(day.year(), day.month() as u8, day.day() as u8).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, 1).unwrap()
    }

    #[test]
    fn each_language_writes_a_day_its_own_way() {
        let written: Vec<String> = Lang::ALL.iter().map(|l| of(*l).day(day())).collect();
        for (lang, text) in Lang::ALL.iter().zip(&written) {
            assert!(text.contains("2026"), "{lang:?}: {text}");
            assert!(!text.contains("2026-12-01"), "{lang:?}: {text}");
        }
        assert!(written[Lang::ALL.iter().position(|l| *l == Lang::Uk).unwrap()].contains("груд"));
        assert!(
            written[Lang::ALL.iter().position(|l| *l == Lang::Hu).unwrap()].starts_with("2026")
        );
        let distinct: std::collections::HashSet<_> = written.iter().collect();
        assert!(distinct.len() >= 6, "{written:?}");
    }

    #[test]
    fn a_moment_is_shown_on_the_hub_s_clock() {
        let at = day().and_hms_opt(12, 5, 0).unwrap().and_utc();
        let kyiv = of(Lang::En).moment(at, chrono_tz::Europe::Kyiv);
        assert!(kyiv.contains("14:05") && kyiv.ends_with("EET"), "{kyiv}");
        let sofia = of(Lang::Bg).moment(at, chrono_tz::Europe::Sofia);
        assert!(sofia.contains("14:05 ч. EET"), "{sofia}");
        let rome = of(Lang::It).moment(at, chrono_tz::Europe::Rome);
        assert!(rome.contains("13:05") && rome.ends_with("CET"), "{rome}");
    }

    #[test]
    fn numbers_are_grouped_as_the_language_groups_them() {
        assert_eq!(of(Lang::En).number(12345), "12,345");
        assert_eq!(of(Lang::It).number(12345), "12.345");
        // Ukrainian groups with a no-break space.
        assert_eq!(of(Lang::Uk).number(12345), "12\u{a0}345");
    }

    #[test]
    fn lists_follow_the_language_s_alphabet() {
        let mut countries = vec!["Італія", "Болгарія", "Україна", "Польща", "Єгипет"];
        of(Lang::Uk).sort_by_text(&mut countries, |c| c);
        // Є comes after Е and before Ж in Ukrainian; by character codes it would come first.
        assert_eq!(
            countries,
            ["Болгарія", "Єгипет", "Італія", "Польща", "Україна"]
        );
        // Ș is a letter of its own after S in Romanian; elsewhere it sorts as an S.
        let mut towns = vec!["Ștefan Vodă", "Suceava", "Tulcea", "Siret"];
        of(Lang::Ro).sort_by_text(&mut towns, |t| t);
        assert_eq!(towns, ["Siret", "Suceava", "Ștefan Vodă", "Tulcea"]);
        of(Lang::En).sort_by_text(&mut towns, |t| t);
        assert_eq!(towns, ["Siret", "Ștefan Vodă", "Suceava", "Tulcea"]);
    }
}
