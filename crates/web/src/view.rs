//! What every page template shares: the reader's language, translations, links to the same
//! page in other languages, and the small view models hubs are shown with.

use askama::Template;
use axum::http::{HeaderValue, header};
use axum::response::{Html, IntoResponse, Response};
use bluedot_core::freshness::{Freshness, FreshnessPolicy};
use bluedot_core::geo::Point;
use bluedot_core::hours::{self, OpenState};
use bluedot_core::hub::{Contact, MessagingApp};
use bluedot_core::{Country, Hub, HubStatus, Lang, Localized};
use chrono::{DateTime, Datelike, Utc};
use fluent_bundle::FluentValue;

use crate::I18N;
use crate::i18n::args;

/// The page's context: language, where it is, and when it was made.
pub struct Ctx {
    pub lang: Lang,
    /// The page's path after the language prefix, with its query (`/hubs?service=x`).
    pub path: String,
    pub now: DateTime<Utc>,
    /// Which navigation entry is current.
    pub section: &'static str,
    /// Whether the page shows demonstration data.
    pub demo: bool,
    /// The site's public address, for links that must be absolute (canonical, alternates);
    /// empty where pages are not for search engines.
    pub origin: String,
}

pub struct LangLink {
    pub code: &'static str,
    pub name: &'static str,
    pub href: String,
    pub current: bool,
}

impl Ctx {
    pub fn new(lang: Lang, path: impl Into<String>, section: &'static str) -> Ctx {
        Ctx {
            lang,
            path: path.into(),
            now: Utc::now(),
            section,
            demo: false,
            origin: String::new(),
        }
    }

    pub fn t(&self, id: &str) -> String {
        I18N.message(self.lang, id, None)
    }

    /// A message with one string argument.
    pub fn ts(&self, id: &str, key: &str, value: &str) -> String {
        I18N.message(
            self.lang,
            id,
            Some(&args(&[(key, FluentValue::from(value.to_owned()))])),
        )
    }

    /// A message with one number argument (plural rules apply).
    pub fn tn(&self, id: &str, key: &str, value: usize) -> String {
        I18N.message(
            self.lang,
            id,
            Some(&args(&[(key, FluentValue::from(value))])),
        )
    }

    /// A message with several arguments: numbers (plural rules apply) or text.
    pub fn ta(&self, id: &str, pairs: &[(&str, FluentValue<'_>)]) -> String {
        I18N.message(self.lang, id, Some(&args(pairs)))
    }

    pub fn code(&self) -> &'static str {
        self.lang.code()
    }

    /// `/{lang}{rest}` for links within the reader's language.
    pub fn href(&self, rest: &str) -> String {
        format!("/{}{rest}", self.lang.code())
    }

    pub fn languages(&self) -> Vec<LangLink> {
        Lang::ALL
            .into_iter()
            .map(|l| LangLink {
                code: l.code(),
                name: l.native_name(),
                href: format!("/{}{}", l.code(), self.path),
                current: l == self.lang,
            })
            .collect()
    }

    pub fn generated(&self) -> String {
        crate::locale::of(self.lang).moment(self.now, chrono_tz::UTC)
    }

    pub fn generated_iso(&self) -> String {
        self.now.to_rfc3339()
    }

    /// The day of a moment, in the reader's language.
    pub fn date(&self, at: &DateTime<Utc>) -> String {
        self.day(at.date_naive())
    }

    /// A calendar day in the reader's language.
    pub fn day(&self, day: chrono::NaiveDate) -> String {
        crate::locale::of(self.lang).day(day)
    }

    /// A moment as the clock of `hub` shows it, in the reader's language.
    pub fn at_hub(&self, at: DateTime<Utc>, hub: &Hub) -> String {
        crate::locale::of(self.lang).moment(at, hub.country.timezone())
    }

    /// The day of a moment on the clock of `hub`, in the reader's language.
    pub fn day_at_hub(&self, at: DateTime<Utc>, hub: &Hub) -> String {
        crate::locale::of(self.lang).day_in(at, hub.country.timezone())
    }

    /// A moment where no hub is concerned, on the network's reference clock (UTC).
    pub fn moment(&self, at: DateTime<Utc>) -> String {
        crate::locale::of(self.lang).moment(at, chrono_tz::UTC)
    }

    /// A figure as its reader may see it: exact, or "<5" when small counts are suppressed.
    pub fn shown(&self, figure: bluedot_core::indicator::Shown) -> String {
        use bluedot_core::indicator::{SUPPRESS_BELOW, Shown};
        match figure {
            Shown::Exact(n) => self.number(n as i64),
            Shown::Suppressed => format!("<{}", self.number(SUPPRESS_BELOW as i64)),
        }
    }

    /// A whole number with the grouping of the reader's language.
    pub fn number(&self, n: i64) -> String {
        crate::locale::of(self.lang).number(n)
    }

    pub fn country_name(&self, country: Country) -> String {
        self.t(&format!("country-{}", country.code().to_lowercase()))
    }

    /// A static file's URL, versioned so it can be cached long.
    pub fn asset(&self, path: &str) -> String {
        format!("/static/{path}?v={}", *crate::assets::VERSION)
    }

    pub fn is(&self, section: &str) -> bool {
        self.section == section
    }
}

/// A text shown in a language other than the page's carries its own `lang` attribute.
pub struct Text {
    pub text: String,
    pub lang: &'static str,
    pub fallback: bool,
}

impl Text {
    pub fn of(value: &Localized, lang: Lang) -> Text {
        match value.get(lang) {
            Some(found) => Text {
                text: found.text.to_owned(),
                lang: found.lang.code(),
                fallback: found.is_fallback(lang),
            },
            None => Text {
                text: String::new(),
                lang: lang.code(),
                fallback: false,
            },
        }
    }
}

/// Whether a hub is open, in words, with a CSS class for its colour.
pub struct OpenLabel {
    pub class: &'static str,
    pub text: String,
}

pub fn open_label(ctx: &Ctx, hub: &Hub) -> OpenLabel {
    match hub.status {
        HubStatus::Closed => {
            return OpenLabel {
                class: "closed",
                text: ctx.t("status-closed"),
            };
        }
        HubStatus::TemporarilyClosed => {
            return OpenLabel {
                class: "closed",
                text: ctx.t("status-temporarily-closed"),
            };
        }
        HubStatus::Open => {}
    }
    let tz = hub.country.timezone();
    let today = ctx.now.with_timezone(&tz).date_naive();
    let when = |at: chrono::NaiveDateTime| {
        let time = at.format("%H:%M").to_string();
        if at.date() == today {
            time
        } else if at.date() - today < chrono::Duration::days(7) {
            format!("{} {time}", weekday(ctx, at.weekday()))
        } else {
            format!("{} {time}", at.format("%d.%m."))
        }
    };
    // An announced closure overrides the usual hours while it lasts.
    let closure = hub.closure_at(ctx.now);
    let expression = match closure {
        Some(c) => match &c.hours {
            Some(changed) => changed.as_str(),
            None => {
                // A date, not a weekday: "until" would need the weekday's declined form in
                // Ukrainian, Russian, Polish and Slovak.
                let end = c
                    .ends_at
                    .with_timezone(&tz)
                    .format("%d.%m. %H:%M")
                    .to_string();
                return OpenLabel {
                    class: "closed",
                    text: ctx.ts("closed-until", "time", &end),
                };
            }
        },
        None => hub.opening_hours.as_str(),
    };
    let Ok(OpenState { open, next_change }) = hours::state_at(expression, tz, ctx.now) else {
        return OpenLabel {
            class: "unknown",
            text: ctx.t("hours-unknown"),
        };
    };
    // A closure starting before the usual next change is the next change.
    let next_change = match hub
        .coming_closures(ctx.now)
        .into_iter()
        .find(|c| c.starts_at > ctx.now)
    {
        Some(c) if open => {
            let starts = c.starts_at.with_timezone(&tz).naive_local();
            Some(next_change.map_or(starts, |n| n.min(starts)))
        }
        _ => next_change,
    };
    match (open, next_change) {
        (true, None) => OpenLabel {
            class: "open",
            text: ctx.t("open-always"),
        },
        (true, Some(at)) => OpenLabel {
            class: "open",
            text: ctx.ts("open-until", "time", &when(at)),
        },
        (false, Some(at)) => OpenLabel {
            class: "closed",
            text: ctx.ts("closed-opens", "time", &when(at)),
        },
        (false, None) => OpenLabel {
            class: "closed",
            text: ctx.t("status-closed"),
        },
    }
}

/// Whether a hub is open at the reader's moment, closures counted.
pub fn is_open_now(hub: &Hub, now: DateTime<Utc>) -> bool {
    hub.hours_at(now)
        .and_then(|expression| hours::state_at(expression, hub.country.timezone(), now).ok())
        .is_some_and(|s| s.open)
}

pub fn weekday(ctx: &Ctx, day: chrono::Weekday) -> String {
    ctx.t(&format!("weekday-{}", day.number_from_monday()))
}

/// One day of the coming week's opening hours, in the reader's words.
pub struct DayRow {
    pub weekday: chrono::Weekday,
    pub day: String,
    pub hours: String,
    pub today: bool,
}

/// The next seven days of an opening-hours expression, from today in the country's time zone; empty
/// when the expression cannot be read (the raw text is shown beside it anyway).
pub fn week_rows(ctx: &Ctx, opening_hours: &str, country: Country) -> Vec<DayRow> {
    let tz = country.timezone();
    let today = ctx.now.with_timezone(&tz).date_naive();
    hours::week_from(opening_hours, tz, ctx.now)
        .unwrap_or_default()
        .into_iter()
        .map(|d| DayRow {
            weekday: d.date.weekday(),
            day: weekday(ctx, d.date.weekday()),
            hours: if d.open.is_empty() {
                ctx.t("day-closed")
            } else if d.open == [("00:00".to_owned(), "24:00".to_owned())] {
                ctx.t("open-always")
            } else {
                d.open
                    .iter()
                    .map(|(a, b)| format!("{a}–{b}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            },
            today: d.date == today,
        })
        .collect()
}

/// The coming week as people say it, Monday to Sunday: days in a row that keep the same hours share one line
/// ("Monday – Friday"), and hours the same every day are said once ("Every day").
fn compact_week(ctx: &Ctx, mut days: Vec<DayRow>) -> Vec<DayRow> {
    // Monday first, as a week is read; each day is still its next occurrence, so a holiday
    // in the coming week shows on its own day.
    days.sort_by_key(|d| d.weekday.num_days_from_monday());
    let mut runs: Vec<(DayRow, Option<String>)> = vec![];
    for day in days {
        match runs.last_mut() {
            Some((first, last)) if first.hours == day.hours => {
                first.today |= day.today;
                *last = Some(day.day);
            }
            _ => runs.push((day, None)),
        }
    }
    if let [(only, last @ Some(_))] = runs.as_mut_slice() {
        only.day = ctx.t("every-day");
        *last = None;
    }
    runs.into_iter()
        .map(|(mut first, last)| {
            if let Some(last) = last {
                first.day = format!("{} – {}", first.day, last);
            }
            first
        })
        .collect()
}

/// Opening hours as people read them: the coming week in words, and the expression as written
/// only when it could not be read into days.
#[derive(Default)]
pub struct HoursInWords {
    pub days: Vec<DayRow>,
    pub unread: Option<String>,
}

pub fn hours_in_words(ctx: &Ctx, expression: &str, country: Country) -> HoursInWords {
    let days = compact_week(ctx, week_rows(ctx, expression, country));
    let unread = (days.is_empty() && !expression.trim().is_empty()).then(|| expression.to_owned());
    HoursInWords { days, unread }
}

/// A way to reach a hub or provider, as a link the phone opens in the right app: a call, a
/// chat in the messenger named, or a new e-mail.
pub struct ContactLink {
    pub label: String,
    pub value: String,
    pub href: Option<String>,
}

impl ContactLink {
    pub fn new(ctx: &Ctx, contact: &Contact) -> ContactLink {
        let value = contact.value.trim();
        // "+40 230 123 456 (night line)": the number is what comes before any remark.
        let digits: String = value
            .chars()
            .take_while(|c| *c != '(')
            .filter(|c| c.is_ascii_digit() || *c == '+')
            .collect();
        let international = digits.starts_with('+');
        let number = digits.trim_start_matches('+');
        // Messengers need a full international number; a phone also dials national and short
        // numbers as written ("119", "0800 800 119").
        let has_number = international && number.len() >= 5;
        let dialable = number.len() >= 3;
        let handle = value
            .trim_start_matches("https://t.me/")
            .trim_start_matches('@');
        // Telegram usernames start with a letter.
        let is_handle = handle.starts_with(|c: char| c.is_ascii_alphabetic())
            && handle
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_');
        let href = match contact.channel {
            MessagingApp::Email => value.contains('@').then(|| format!("mailto:{value}")),
            MessagingApp::Telegram if is_handle => Some(format!("https://t.me/{handle}")),
            MessagingApp::Phone if international && dialable => Some(format!("tel:+{number}")),
            MessagingApp::Phone if dialable => Some(format!("tel:{number}")),
            MessagingApp::Phone => None,
            _ if !has_number => None,
            MessagingApp::Whatsapp => Some(format!("https://wa.me/{number}")),
            MessagingApp::Viber => Some(format!("viber://chat?number=%2B{number}")),
            MessagingApp::Telegram => Some(format!("https://t.me/+{number}")),
            MessagingApp::Signal => Some(format!("https://signal.me/#p/+{number}")),
        };
        ContactLink {
            label: ctx.t(&format!("contact-{}", contact.channel.code())),
            value: value.to_owned(),
            href,
        }
    }
}

/// A hub as lists and search results show it.
pub struct HubCard {
    pub slug: String,
    pub name: Text,
    pub kind: String,
    pub country: String,
    pub distance: Option<String>,
    pub open: OpenLabel,
    pub unverified: bool,
    pub verified: String,
    /// Codes the list's filters match (`service:legal-counselling group:children country:RO`),
    /// so a list saved on the phone can still be filtered offline.
    pub filter_codes: String,
}

impl HubCard {
    pub fn new(ctx: &Ctx, hub: &Hub, policy: &FreshnessPolicy, from: Option<Point>) -> HubCard {
        HubCard {
            slug: hub.slug.clone(),
            name: Text::of(&hub.name, ctx.lang),
            kind: ctx.t(&format!("kind-{}", hub.kind.code())),
            country: ctx.country_name(hub.country),
            distance: from.map(|p| format_km(ctx, p.distance_km(hub.location))),
            open: open_label(ctx, hub),
            unverified: policy.judge(hub.oldest_verification(), ctx.now) >= Freshness::Unverified,
            verified: ctx.date(&hub.oldest_verification()),
            filter_codes: filter_codes(hub),
        }
    }
}

fn filter_codes(hub: &Hub) -> String {
    let mut codes: Vec<String> = hub
        .services
        .iter()
        .map(|s| format!("service:{}", s.kind.code()))
        .collect();
    codes.extend(
        hub.priority_groups()
            .into_iter()
            .map(|g| format!("group:{}", g.code())),
    );
    codes.push(format!("country:{}", hub.country.code()));
    codes.join(" ")
}

pub fn format_km(ctx: &Ctx, km: f64) -> String {
    let shown = if km < 10.0 {
        format!("{km:.1}")
    } else {
        format!("{km:.0}")
    };
    ctx.ts("distance-km", "km", &shown)
}

/// One hub in a picker.
pub struct HubOption {
    pub value: String,
    pub label: String,
}

impl HubOption {
    /// Whether this is the hub whose id is `chosen`.
    pub fn is(&self, chosen: impl AsRef<str>) -> bool {
        self.value == chosen.as_ref()
    }
}

/// The hubs of one country, for an option group.
pub struct HubGroup {
    pub country: String,
    pub hubs: Vec<HubOption>,
}

/// How many hubs a picker offers.
pub fn hub_count(groups: &[HubGroup]) -> usize {
    groups.iter().map(|g| g.hubs.len()).sum()
}

/// Hubs for a picker: grouped by country, countries and hubs in the reader's alphabetical
/// order, each hub once; two hubs of one name in a country are told apart by address.
pub fn hub_groups<'a>(ctx: &Ctx, hubs: impl IntoIterator<Item = &'a Hub>) -> Vec<HubGroup> {
    let order = crate::locale::of(ctx.lang);
    let mut seen = std::collections::HashSet::new();
    let hubs: Vec<&Hub> = hubs.into_iter().filter(|h| seen.insert(h.id)).collect();
    let name = |h: &Hub| h.name.text(ctx.lang).to_owned();
    let mut countries: Vec<(Country, String)> = hubs
        .iter()
        .map(|h| (h.country, ctx.country_name(h.country)))
        .collect();
    countries.sort_by(|a, b| order.compare(&a.1, &b.1));
    countries.dedup_by_key(|c| c.0);
    countries
        .into_iter()
        .map(|(country, country_name)| {
            let here: Vec<&Hub> = hubs
                .iter()
                .copied()
                .filter(|h| h.country == country)
                .collect();
            let mut options: Vec<HubOption> = here
                .iter()
                .map(|h| {
                    let twins = here.iter().filter(|o| name(o) == name(h)).count();
                    HubOption {
                        value: h.id.to_string(),
                        label: if twins > 1 {
                            format!("{} — {}", name(h), h.address.text(ctx.lang))
                        } else {
                            name(h)
                        },
                    }
                })
                .collect();
            // By the label read, so that twins told apart by address are in order too.
            options.sort_by(|a, b| order.compare(&a.label, &b.label));
            HubGroup {
                country: country_name,
                hubs: options,
            }
        })
        .collect()
}

/// Hubs the public may see: not closed for good and not hidden for staleness.
pub fn visible<'a>(
    hubs: &'a [Hub],
    policy: &'a FreshnessPolicy,
    now: DateTime<Utc>,
) -> impl Iterator<Item = &'a Hub> + 'a {
    hubs.iter().filter(move |h| {
        h.status != HubStatus::Closed && policy.is_public(h.oldest_verification(), now)
    })
}

/// Renders a form page: 400 when it shows the form again because the input was refused, so
/// that clients and tests can tell, 200 otherwise.
pub fn render_form(page: &impl Template, refused: bool) -> Response {
    let status = if refused {
        axum::http::StatusCode::BAD_REQUEST
    } else {
        axum::http::StatusCode::OK
    };
    (status, render(page)).into_response()
}

/// Renders a page as HTML that is never stored by shared caches but may be revalidated.
pub fn render(page: &impl Template) -> Response {
    match page.render() {
        Ok(html) => {
            let mut response = Html(html).into_response();
            response
                .headers_mut()
                .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
            response
        }
        Err(e) => {
            tracing::error!(error = %e, "template rendering failed");
            (
                axum::http::StatusCode::INTERNAL_SERVER_ERROR,
                "internal error",
            )
                .into_response()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn week(expression: &str) -> Vec<(String, String, bool)> {
        let mut ctx = Ctx::new(Lang::En, "/", "");
        // A Wednesday, so the rolling week starts mid-week.
        ctx.now = "2026-12-02T10:00:00Z".parse().unwrap();
        compact_week(&ctx, week_rows(&ctx, expression, Country::Romania))
            .into_iter()
            .map(|d| (d.day, d.hours, d.today))
            .collect()
    }

    #[test]
    fn a_week_is_said_monday_first_with_runs_of_equal_days_folded() {
        assert_eq!(
            week("24/7"),
            [("Every day".into(), "Open 24 hours".into(), true)]
        );
        assert_eq!(
            week("Mo-Fr 09:00-17:00; Sa 10:00-14:00"),
            [
                ("Monday – Friday".into(), "09:00–17:00".into(), true),
                ("Saturday".into(), "10:00–14:00".into(), false),
                ("Sunday".into(), "Closed".into(), false),
            ]
        );
        assert_eq!(
            week("Mo,We,Fr 08:00-12:00"),
            [
                ("Monday".into(), "08:00–12:00".into(), false),
                ("Tuesday".into(), "Closed".into(), false),
                ("Wednesday".into(), "08:00–12:00".into(), true),
                ("Thursday".into(), "Closed".into(), false),
                ("Friday".into(), "08:00–12:00".into(), false),
                ("Saturday – Sunday".into(), "Closed".into(), false),
            ]
        );
        assert!(week("whenever we can").is_empty());
    }

    #[test]
    fn contacts_open_the_app_they_name() {
        let ctx = Ctx::new(Lang::En, "/", "");
        let href = |channel, value: &str| {
            ContactLink::new(
                &ctx,
                &Contact {
                    channel,
                    value: value.to_owned(),
                },
            )
            .href
        };
        let number = "+40 21 800 101 (night line)";
        assert_eq!(
            href(MessagingApp::Phone, number).unwrap(),
            "tel:+4021800101"
        );
        assert_eq!(
            href(MessagingApp::Whatsapp, number).unwrap(),
            "https://wa.me/4021800101"
        );
        assert_eq!(
            href(MessagingApp::Viber, number).unwrap(),
            "viber://chat?number=%2B4021800101"
        );
        assert_eq!(
            href(MessagingApp::Telegram, "@bluedot_md").unwrap(),
            "https://t.me/bluedot_md"
        );
        assert_eq!(
            href(MessagingApp::Telegram, number).unwrap(),
            "https://t.me/+4021800101"
        );
        assert_eq!(
            href(MessagingApp::Signal, number).unwrap(),
            "https://signal.me/#p/+4021800101"
        );
        assert_eq!(
            href(MessagingApp::Email, "help@example.org").unwrap(),
            "mailto:help@example.org"
        );
        assert_eq!(href(MessagingApp::Phone, "119").unwrap(), "tel:119");
        assert_eq!(
            href(MessagingApp::Phone, "0800 800 119").unwrap(),
            "tel:0800800119"
        );
        assert_eq!(href(MessagingApp::Whatsapp, "0800 800 119"), None);
        assert_eq!(href(MessagingApp::Phone, "ask at the desk"), None);
        assert_eq!(href(MessagingApp::Whatsapp, "@not-a-number"), None);
    }
}
