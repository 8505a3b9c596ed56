//! Information pages per country: rights, services, staying safe, family reunification and
//! emergency numbers, stored per language with a visible fallback.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, Uri};
use axum::response::Response;
use bluedot_core::article::{Article, Topic};
use bluedot_core::provider::Provider;
use bluedot_core::{Country, Lang};

use super::pages::{FilterChoice, ctx_for, page_lang};
use crate::AppState;
use crate::error::{OrPageError, PageError};
use crate::view::{ContactLink, Ctx, DayRow, Text, hours_in_words, render};

#[derive(Template)]
#[template(path = "info_countries.html")]
pub struct CountriesPage {
    ctx: Ctx,
    countries: Vec<FilterChoice>,
}

pub async fn countries(
    State(state): State<AppState>,
    Path(code): Path<String>,
    headers: HeaderMap,
    uri: Uri,
) -> Result<Response, PageError> {
    let lang = page_lang(&code, &headers)?;
    let ctx = ctx_for(&state, lang, &uri, "info");
    let mut countries: Vec<FilterChoice> = Country::ALL
        .into_iter()
        .map(|c| FilterChoice {
            code: c.code().to_lowercase(),
            label: ctx.country_name(c),
            selected: false,
        })
        .collect();
    crate::locale::of(ctx.lang).sort_by_text(&mut countries, |c| &c.label);
    Ok(render(&CountriesPage { ctx, countries }))
}

fn country_of(lang: Lang, code: &str) -> Result<Country, PageError> {
    // URLs use lowercase codes; anything else is not a page we have.
    if code.chars().any(|c| c.is_ascii_uppercase()) {
        return Err(PageError::not_found(lang));
    }
    Country::from_code(code).ok_or(PageError::not_found(lang))
}

/// The article of `topic` in the reader's language, else English, else any language.
/// The version of a topic to show a reader of `lang`: theirs, unless it is missing or a
/// translation whose source changed since (`outdated`); then its source, English, or any.
fn pick<'a>(
    articles: &'a [Article],
    outdated: &[(Topic, Lang)],
    topic: Topic,
    lang: Lang,
) -> Option<&'a Article> {
    let of = |l: Lang| articles.iter().find(|a| a.topic == topic && a.lang == l);
    match of(lang) {
        Some(a) if !outdated.contains(&(topic, lang)) => Some(a),
        own => own
            .and_then(|a| a.source_lang)
            .and_then(of)
            .or_else(|| of(Lang::FALLBACK))
            .or_else(|| articles.iter().find(|a| a.topic == topic)),
    }
}

pub struct TopicLink {
    pub href: String,
    pub title: Text,
    pub summary: String,
}

pub struct ProviderView {
    pub organization: String,
    pub name: Text,
    pub service: String,
    pub eligibility: Option<Text>,
    pub free: bool,
    pub fees: Option<Text>,
    pub contacts: Vec<ContactLink>,
    /// Opening hours in words, one line per run of days with the same hours.
    pub hours: Vec<DayRow>,
    /// Hours as written, only when they could not be read into days.
    pub unread_hours: Option<String>,
    pub languages: String,
    pub verified: String,
}

#[derive(Template)]
#[template(path = "info_country.html")]
pub struct CountryPage {
    ctx: Ctx,
    country: String,
    topics: Vec<TopicLink>,
    /// Number as shown, as dialled (`tel:` link), and what it is for.
    emergency: Vec<(String, String, String)>,
    providers: Vec<ProviderView>,
}

fn provider_view(ctx: &Ctx, p: &Provider) -> ProviderView {
    let hours = p
        .opening_hours
        .as_deref()
        .map(|h| hours_in_words(ctx, h, p.country))
        .unwrap_or_default();
    ProviderView {
        organization: p.organization.clone(),
        name: Text::of(&p.name, ctx.lang),
        service: ctx.t(&format!("service-{}", p.service.code())),
        eligibility: (!p.eligibility.is_empty()).then(|| Text::of(&p.eligibility, ctx.lang)),
        free: p.free_of_charge,
        fees: (!p.fees.is_empty()).then(|| Text::of(&p.fees, ctx.lang)),
        contacts: p
            .contacts
            .iter()
            .map(|c| ContactLink::new(ctx, c))
            .collect(),
        hours: hours.days,
        unread_hours: hours.unread,
        languages: p
            .languages
            .iter()
            .map(|l| Lang::from_tag(l).map(|l| l.native_name()).unwrap_or(l))
            .collect::<Vec<_>>()
            .join(", "),
        verified: ctx.date(&p.verified_at),
    }
}

pub async fn country(
    State(state): State<AppState>,
    Path((code, country)): Path<(String, String)>,
    headers: HeaderMap,
    uri: Uri,
) -> Result<Response, PageError> {
    let lang = page_lang(&code, &headers)?;
    let mut ctx = ctx_for(&state, lang, &uri, "info");
    let country = country_of(lang, &country)?;
    let articles = state
        .store
        .articles(country, None)
        .await
        .or_page_error(lang)?;
    let outdated = state
        .store
        .outdated_translations(country)
        .await
        .or_page_error(lang)?;
    let policy = &state.config.freshness;
    let providers = state
        .store
        .list_providers(Some(country))
        .await
        .or_page_error(lang)?;
    let topics = Topic::ALL
        .iter()
        .filter_map(|t| pick(&articles, &outdated, *t, lang))
        .filter(|a| policy.is_public(a.verified_at, ctx.now))
        .map(|a| TopicLink {
            href: ctx.href(&format!(
                "/info/{}/{}",
                country.code().to_lowercase(),
                a.topic.code()
            )),
            title: Text {
                text: a.title.clone(),
                lang: a.lang.code(),
                fallback: a.lang != lang,
            },
            summary: a.summary.clone(),
        })
        .collect();
    ctx.demo = articles.iter().any(|a| a.is_demo) || providers.iter().any(|p| p.is_demo);
    let providers = providers
        .iter()
        .filter(|p| policy.is_public(p.verified_at, ctx.now))
        .map(|p| provider_view(&ctx, p))
        .collect();
    let emergency = country
        .emergency_numbers()
        .iter()
        .map(|(number, what)| (number.to_string(), number.replace(' ', ""), ctx.t(what)))
        .collect();
    let page = CountryPage {
        country: ctx.country_name(country),
        topics,
        emergency,
        providers,
        ctx,
    };
    Ok(render(&page))
}

#[derive(Template)]
#[template(path = "article.html")]
pub struct ArticlePage {
    ctx: Ctx,
    country: String,
    country_code: String,
    title: String,
    article_lang: &'static str,
    fallback: bool,
    body_html: String,
    verified: String,
}

/// Markdown to HTML with any raw HTML in the source shown as text, never interpreted.
pub fn markdown_to_html(source: &str) -> String {
    use pulldown_cmark::{Event, Parser};
    let events = Parser::new(source).map(|e| match e {
        Event::Html(html) | Event::InlineHtml(html) => Event::Text(html),
        other => other,
    });
    let mut out = String::new();
    pulldown_cmark::html::push_html(&mut out, events);
    out
}

pub async fn article(
    State(state): State<AppState>,
    Path((code, country, topic)): Path<(String, String, String)>,
    headers: HeaderMap,
    uri: Uri,
) -> Result<Response, PageError> {
    let lang = page_lang(&code, &headers)?;
    let mut ctx = ctx_for(&state, lang, &uri, "info");
    let country = country_of(lang, &country)?;
    let topic = Topic::from_code(&topic).ok_or(PageError::not_found(lang))?;
    let articles = state
        .store
        .articles(country, Some(topic))
        .await
        .or_page_error(lang)?;
    let outdated = state
        .store
        .outdated_translations(country)
        .await
        .or_page_error(lang)?;
    let article = pick(&articles, &outdated, topic, lang)
        .filter(|a| state.config.freshness.is_public(a.verified_at, ctx.now))
        .ok_or(PageError::not_found(lang))?;
    ctx.demo = article.is_demo;
    let page = ArticlePage {
        country: ctx.country_name(country),
        country_code: country.code().to_lowercase(),
        title: article.title.clone(),
        article_lang: article.lang.code(),
        fallback: article.lang != lang,
        body_html: markdown_to_html(&article.body),
        verified: ctx.date(&article.verified_at),
        ctx,
    };
    Ok(render(&page))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_html_in_articles_is_shown_as_text() {
        let html = markdown_to_html("**bold** <script>alert(1)</script>");
        assert!(html.contains("<strong>bold</strong>"));
        assert!(!html.contains("<script>"));
        assert!(html.contains("&lt;script&gt;"));
    }
}
