//! A hub's supplies: what is on the shelf, what runs low, receipts, transfers to other hubs and
//! shelf counts. Handing items out to a group happens on the visit counter.

use askama::Template;
use axum::Form;
use axum::extract::{Extension, Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect};
use bluedot_core::Hub;
use bluedot_core::policy::Action;
use bluedot_core::supply::SupplyItem;
use bluedot_store::StoreError;
use bluedot_store::supplies::MovementBy;
use serde::Deserialize;
use uuid::Uuid;

use super::people::Choice;
use super::visits::out_of_stock;
use super::{
    ClientAddr, Nav, Staff, StaffError, StaffResult, audit, check_csrf, hub_target, signed_in,
};
use crate::AppState;
use crate::view::{Ctx, render_form};

pub struct StockRow {
    pub code: &'static str,
    pub label: String,
    pub quantity: u32,
    pub low_at: u32,
    pub low: bool,
}

pub struct MovementRow {
    pub when: String,
    pub item: String,
    pub kind: String,
    pub change: String,
    pub note: String,
}

#[derive(Template)]
#[template(path = "staff/supplies.html")]
struct SuppliesPage {
    ctx: Ctx,
    nav: Nav,
    csrf: String,
    hub_id: Uuid,
    hub_name: String,
    hubs: Vec<crate::view::HubGroup>,
    destinations: Vec<crate::view::HubGroup>,
    items: Vec<Choice>,
    stock: Vec<StockRow>,
    movements: Vec<MovementRow>,
    can_manage: bool,
    error: Option<String>,
}

struct StockDesk {
    staff: Staff,
    all: std::sync::Arc<Vec<Hub>>,
    /// Hubs whose stock this account sees: where it records visits or manages stock.
    hubs: Vec<Hub>,
}

async fn load(state: &AppState, headers: &HeaderMap) -> StaffResult<StockDesk> {
    let staff = signed_in(state, headers).await?;
    let all = state
        .directory
        .hubs()
        .await
        .map_err(|e| StaffError::internal(staff.lang, e))?;
    let hubs: Vec<Hub> = all
        .iter()
        .filter(|h| bluedot_core::policy::sees_stock(&staff.actor, hub_target(h)))
        .cloned()
        .collect();
    if hubs.is_empty() {
        return Err(StaffError::Forbidden(staff.lang));
    }
    Ok(StockDesk { staff, all, hubs })
}

impl StockDesk {
    fn hub(&self, id: Option<&str>) -> StaffResult<Hub> {
        match id {
            None | Some("") => Ok(self.hubs[0].clone()),
            Some(id) => id
                .parse::<Uuid>()
                .ok()
                .and_then(|id| self.hubs.iter().find(|h| h.id == id))
                .cloned()
                .ok_or(StaffError::NotFound(self.staff.lang)),
        }
    }

    async fn page(&self, state: &AppState, hub: &Hub, error: Option<String>) -> StaffResult {
        let ctx = Ctx::new(self.staff.lang, "/", "supplies");
        let internal = |e: StoreError| StaffError::internal(self.staff.lang, e);
        let stock = state.store.stock(hub.id).await.map_err(internal)?;
        let movements = state
            .store
            .stock_movements(hub.id, 50)
            .await
            .map_err(internal)?;
        let tz = hub.country.timezone();
        let item_label = |item: SupplyItem| ctx.t(&format!("item-{}", item.code()));
        let page = SuppliesPage {
            nav: Nav::for_staff(&self.staff, &self.all),
            csrf: self.staff.session.csrf_token.clone(),
            hub_id: hub.id,
            hub_name: hub.name.text(ctx.lang).to_owned(),
            hubs: crate::view::hub_groups(&ctx, &self.hubs),
            // Stock may go to any hub of the deployment, usually a neighbour in the country.
            destinations: crate::view::hub_groups(
                &ctx,
                self.all
                    .iter()
                    .filter(|h| h.id != hub.id && h.country == hub.country),
            ),
            items: SupplyItem::ALL
                .iter()
                .map(|i| Choice {
                    value: i.code().to_owned(),
                    label: item_label(*i),
                })
                .collect(),
            stock: stock
                .iter()
                .map(|l| StockRow {
                    code: l.item.code(),
                    label: item_label(l.item),
                    quantity: l.quantity,
                    low_at: l.low_at,
                    low: l.is_low(),
                })
                .collect(),
            movements: movements
                .iter()
                .map(|m| MovementRow {
                    when: crate::locale::of(ctx.lang).moment(m.recorded_at, tz),
                    item: item_label(m.item),
                    kind: ctx.t(&format!("movement-{}", m.kind.code())),
                    change: format!("{:+}", m.change),
                    note: m.note.clone(),
                })
                .collect(),
            can_manage: self.staff.may(Action::ManageStock, hub_target(hub)),
            error,
            ctx,
        };
        let refused = page.error.is_some();
        Ok(render_form(&page, refused))
    }
}

#[derive(Deserialize)]
pub struct HubParam {
    hub: Option<String>,
}

pub async fn page(
    State(state): State<AppState>,
    Query(params): Query<HubParam>,
    headers: HeaderMap,
) -> StaffResult {
    let l = load(&state, &headers).await?;
    let hub = l.hub(params.hub.as_deref())?;
    l.page(&state, &hub, None).await
}

#[derive(Deserialize)]
pub struct MovementForm {
    csrf: String,
    hub: String,
    /// `receive`, `transfer` or `count`.
    action: String,
    item: String,
    #[serde(default)]
    quantity: String,
    #[serde(default)]
    low_at: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    note: String,
}

pub async fn change(
    State(state): State<AppState>,
    Extension(from): Extension<ClientAddr>,
    headers: HeaderMap,
    Form(form): Form<MovementForm>,
) -> StaffResult {
    let l = load(&state, &headers).await?;
    check_csrf(&l.staff, &headers, &form.csrf)?;
    let lang = l.staff.lang;
    let hub = l.hub(Some(&form.hub))?;
    if !l.staff.may(Action::ManageStock, hub_target(&hub)) {
        let event = l
            .staff
            .denied_at("stock.change", format!("hub:{}", hub.id), &from, &hub);
        audit(&state, lang, event).await?;
        return Err(StaffError::Forbidden(lang));
    }
    let message = |id: &str| crate::I18N.message(lang, id, None);
    let Some(item) = SupplyItem::from_code(&form.item) else {
        return l.page(&state, &hub, Some(message("stock-bad-item"))).await;
    };
    let number = |text: &str| text.trim().parse::<u32>().ok();
    let by = MovementBy {
        recorded_by: Some(l.staff.user.id),
        note: form.note.chars().take(200).collect(),
    };
    let who = l.staff.change_at(&from, &hub);
    let outcome = match form.action.as_str() {
        "receive" => match number(&form.quantity) {
            Some(n) => state.store.receive_stock(hub.id, item, n, &by, &who).await,
            None => {
                return l
                    .page(&state, &hub, Some(message("stock-bad-quantity")))
                    .await;
            }
        },
        "transfer" => {
            let to = form
                .to
                .parse::<Uuid>()
                .ok()
                .filter(|id| l.all.iter().any(|h| h.id == *id));
            match (number(&form.quantity), to) {
                (Some(n), Some(to)) => {
                    state
                        .store
                        .transfer_stock(hub.id, to, item, n, &by, &who)
                        .await
                }
                (None, _) => {
                    return l
                        .page(&state, &hub, Some(message("stock-bad-quantity")))
                        .await;
                }
                (_, None) => {
                    return l
                        .page(&state, &hub, Some(message("stock-bad-destination")))
                        .await;
                }
            }
        }
        "count" => match (number(&form.quantity), number(&form.low_at)) {
            (Some(n), Some(low)) => {
                state
                    .store
                    .count_stock(hub.id, item, n, low, &by, &who)
                    .await
            }
            _ => {
                return l
                    .page(&state, &hub, Some(message("stock-bad-quantity")))
                    .await;
            }
        },
        _ => return Err(StaffError::BadRequest(lang, message("stock-bad-action"))),
    };
    match outcome {
        Ok(()) => {}
        Err(StoreError::OutOfStock { item, available }) => {
            let text = out_of_stock(&l.staff, item, available);
            return l.page(&state, &hub, Some(text)).await;
        }
        Err(StoreError::Invalid(e)) => {
            return l
                .page(
                    &state,
                    &hub,
                    Some(super::field_error(l.staff.lang, "stock-quantity", &e)),
                )
                .await;
        }
        Err(e) => return Err(StaffError::internal(lang, e)),
    }
    Ok(Redirect::to(&format!("/staff/supplies?hub={}", hub.id)).into_response())
}
