//! The public request for help in finding a child: a relative describes the child and how to be
//! called back. Nothing is searched until staff have verified who asks, and the answer is the
//! same whether or not a child is registered, so the form can never be used to locate a child.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use bluedot_core::Hub;
use bluedot_core::tracing_request::{RequesterInfo, Sought};
use bluedot_store::tracing::NewTracingRequest;
use uuid::Uuid;

use super::pages::{ctx_for, page_lang};
use crate::AppState;
use crate::error::PageError;
use crate::view::{Ctx, render};

/// The form as typed, to show again after a mistake.
#[derive(Default, Clone, serde::Deserialize)]
pub struct RequestForm {
    #[serde(default)]
    pub given_name: String,
    #[serde(default)]
    pub family_name: String,
    #[serde(default)]
    pub age: String,
    #[serde(default)]
    pub place: String,
    #[serde(default)]
    pub your_name: String,
    #[serde(default)]
    pub relation: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub hub: String,
}

/// What a relative may say they are to the child, as stored; the matcher compares a mother's
/// or a father's name with the parents recorded with the child.
pub const RELATIONS: [&str; 8] = [
    "mother",
    "father",
    "grandmother",
    "grandfather",
    "aunt",
    "uncle",
    "sibling",
    "other",
];

#[derive(Template)]
#[template(path = "tracing_public.html")]
struct FormPage {
    ctx: Ctx,
    form: RequestForm,
    hubs: Vec<crate::view::HubGroup>,
    relations: &'static [&'static str],
    error: bool,
    thanks: bool,
    /// Too many requests from this address: the form is shown with a request to wait.
    limited: bool,
}

async fn hubs(state: &AppState, ctx: &Ctx) -> Result<Vec<Hub>, PageError> {
    let all = state
        .directory
        .hubs()
        .await
        .map_err(|e| PageError::internal(ctx.lang, e))?;
    Ok(crate::view::visible(&all, &state.config.freshness, ctx.now)
        .cloned()
        .collect())
}

fn page(ctx: Ctx, form: RequestForm, hubs: &[Hub], error: bool, thanks: bool) -> FormPage {
    let choices = crate::view::hub_groups(&ctx, hubs);
    FormPage {
        ctx,
        form,
        hubs: choices,
        relations: &RELATIONS,
        error,
        thanks,
        limited: false,
    }
}

pub async fn form(
    State(state): State<AppState>,
    Path(code): Path<String>,
    headers: HeaderMap,
    uri: Uri,
) -> Result<Response, PageError> {
    let lang = page_lang(&code, &headers)?;
    let ctx = ctx_for(&state, lang, &uri, "tracing");
    let hubs = hubs(&state, &ctx).await?;
    Ok(render(&page(
        ctx,
        RequestForm::default(),
        &hubs,
        false,
        false,
    )))
}

pub async fn send(
    State(state): State<AppState>,
    Path(code): Path<String>,
    axum::Extension(from): axum::Extension<crate::client::ClientAddr>,
    headers: HeaderMap,
    uri: Uri,
    Form(form): Form<RequestForm>,
) -> Result<Response, PageError> {
    let lang = page_lang(&code, &headers)?;
    let ctx = ctx_for(&state, lang, &uri, "tracing");
    // The audit names the channel, not the visitor's address: nobody needs to know who asked
    // from where before staff have called them back.
    let source = "public-site".to_owned();
    // Counted per address, which is not stored: enough to stop a script filling the queue.
    if !state.public_limiter.attempt(&from, "tracing-request") {
        let all = hubs(&state, &ctx).await?;
        let mut page = page(ctx, form, &all, false, false);
        page.limited = true;
        return Ok((StatusCode::TOO_MANY_REQUESTS, render(&page)).into_response());
    }
    let keys = state
        .keys
        .clone()
        .ok_or_else(|| PageError::internal(lang, "no encryption keys"))?;
    let all = hubs(&state, &ctx).await?;
    let hub = form
        .hub
        .parse::<Uuid>()
        .ok()
        .and_then(|id| all.iter().find(|h| h.id == id));
    let age = match form.age.trim() {
        "" => Ok(None),
        a => a.parse::<u32>().map(Some),
    };
    let digits = form.phone.chars().filter(char::is_ascii_digit).count();
    let new = match (hub, age) {
        (Some(hub), Ok(age)) if digits >= 6 && RELATIONS.contains(&form.relation.as_str()) => {
            Some(NewTracingRequest {
                hub_id: hub.id,
                country: hub.country,
                public: true,
                sought: Sought {
                    given_name: form.given_name.trim().to_owned(),
                    family_name: form.family_name.trim().to_owned(),
                    age,
                    place_of_origin: form.place.trim().to_owned(),
                    ..Sought::default()
                },
                requester: RequesterInfo {
                    name: form.your_name.trim().to_owned(),
                    relation: form.relation.trim().to_owned(),
                    phone: form.phone.trim().to_owned(),
                    contact_note: String::new(),
                },
                created_by: None,
            })
        }
        _ => None,
    };
    let stored = match &new {
        Some(new) => match state
            .store
            .create_tracing_request(
                &keys,
                new,
                &bluedot_store::audit::Change {
                    actor_id: None,
                    source: source.clone(),
                    hub_id: Some(new.hub_id),
                    country: Some(new.country.code().to_owned()),
                },
            )
            .await
        {
            Ok(_) => true,
            Err(bluedot_store::StoreError::Invalid(_)) => false,
            Err(e) => return Err(PageError::internal(lang, e)),
        },
        None => false,
    };
    if stored {
        // The same answer for everyone: nothing here depends on who is registered.
        return Ok(render(&page(
            ctx,
            RequestForm::default(),
            &all,
            false,
            true,
        )));
    }
    Ok(crate::view::render_form(
        &page(ctx, form, &all, true, false),
        true,
    ))
}
