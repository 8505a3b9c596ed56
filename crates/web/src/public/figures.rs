//! The network in figures for everyone: how many people and children the hubs have supported,
//! where, computed from the visits recorded. Only sums over whole countries, with small counts
//! suppressed, so nothing here can point at a person.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, Uri};
use axum::response::Response;
use bluedot_core::indicator::Shown;
use fluent_bundle::FluentValue;

use super::pages::{ctx_for, page_lang};
use crate::AppState;
use crate::error::PageError;
use crate::view::{Ctx, render};

pub struct CountryLine {
    pub name: String,
    pub hubs: String,
    pub people: String,
    pub children: String,
}

#[derive(Template)]
#[template(path = "figures.html")]
struct FiguresPage {
    ctx: Ctx,
    summary: String,
    children: String,
    countries: Vec<CountryLine>,
}

pub async fn page(
    State(state): State<AppState>,
    Path(code): Path<String>,
    headers: HeaderMap,
    uri: Uri,
) -> Result<Response, PageError> {
    let lang = page_lang(&code, &headers)?;
    let ctx = ctx_for(&state, lang, &uri, "figures");
    let reach = state
        .store
        .reach_by_country()
        .await
        .map_err(|e| PageError::internal(lang, e))?;
    let shown = |n: u64| Shown::of(n, false).to_string();
    let people: u64 = reach.iter().map(|r| r.people).sum();
    let children: u64 = reach.iter().map(|r| r.children).sum();
    let hubs: u64 = reach.iter().map(|r| r.hubs).sum();
    let summary = ctx.ta(
        "figures-public-summary",
        &[
            ("people", FluentValue::from(shown(people))),
            ("hubs", FluentValue::from(hubs)),
            ("countries", FluentValue::from(reach.len())),
        ],
    );
    // Largest first: names sort differently in every alphabet, figures do not.
    let mut reach = reach;
    reach.sort_by_key(|r| std::cmp::Reverse(r.people));
    let countries: Vec<CountryLine> = reach
        .iter()
        .map(|r| CountryLine {
            name: ctx.country_name(r.country),
            hubs: r.hubs.to_string(),
            people: shown(r.people),
            children: shown(r.children),
        })
        .collect();
    let children = ctx.ts("figures-public-children", "children", &shown(children));
    Ok(render(&FiguresPage {
        ctx,
        summary,
        children,
        countries,
    }))
}
