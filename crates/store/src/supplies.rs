//! Each hub's stock and its movements. Stock never goes negative, however many workers hand
//! out at once: a subtraction happens only where enough is left, in the same statement that
//! checks it, and every change is a movement row written in the same transaction.

use bluedot_core::supply::{MAX_MOVEMENT, MovementKind, SupplyItem};
use chrono::{DateTime, SubsecRound, Utc};
use uuid::Uuid;

use crate::audit::{Change, append_audit};
use crate::{Result, Store, StoreError, decode_code, on_pool};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StockLine {
    pub item: SupplyItem,
    pub quantity: u32,
    /// At or below this, the hub is warned.
    pub low_at: u32,
}

impl StockLine {
    pub fn is_low(&self) -> bool {
        self.quantity <= self.low_at && (self.low_at > 0 || self.quantity == 0)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Movement {
    pub id: Uuid,
    pub item: SupplyItem,
    pub kind: MovementKind,
    pub change: i32,
    pub visit_id: Option<Uuid>,
    pub other_hub_id: Option<Uuid>,
    pub note: String,
    pub recorded_by: Option<Uuid>,
    pub recorded_at: DateTime<Utc>,
}

#[derive(sqlx::FromRow)]
struct MovementRow {
    id: Uuid,
    item: String,
    kind: String,
    change: i32,
    visit_id: Option<Uuid>,
    other_hub_id: Option<Uuid>,
    note: String,
    recorded_by: Option<Uuid>,
    recorded_at: DateTime<Utc>,
}

/// Who moves stock, and why.
#[derive(Debug, Clone, Default)]
pub struct MovementBy {
    pub recorded_by: Option<Uuid>,
    pub note: String,
}

pub fn check_quantity(n: u32) -> Result<i32> {
    if n == 0 || n > MAX_MOVEMENT {
        return Err(bluedot_core::ValidationError::new(
            "quantity",
            format!("a quantity from 1 to {MAX_MOVEMENT}"),
        )
        .into());
    }
    Ok(n as i32)
}

/// Subtracts `n` of an item from a hub's stock inside the caller's transaction, or fails with
/// what is left, leaving the transaction to be rolled back.
macro_rules! take_stock {
    ($tx:expr, $hub:expr, $item:expr, $n:expr) => {{
        let taken = sqlx::query(
            "UPDATE stock SET quantity = quantity - $3, updated_at = $4
             WHERE hub_id = $1 AND item = $2 AND quantity >= $3",
        )
        .bind($hub)
        .bind($item.code())
        .bind($n)
        .bind(Utc::now().trunc_subsecs(6))
        .execute(&mut *$tx)
        .await?
        .rows_affected();
        if taken != 1 {
            let left: Option<(i32,)> =
                sqlx::query_as("SELECT quantity FROM stock WHERE hub_id = $1 AND item = $2")
                    .bind($hub)
                    .bind($item.code())
                    .fetch_optional(&mut *$tx)
                    .await?;
            return Err(StoreError::OutOfStock {
                item: $item,
                available: left.map(|(q,)| q.max(0) as u32).unwrap_or(0),
            });
        }
    }};
}
pub(crate) use take_stock;

/// Adds `n` of an item to a hub's stock inside the caller's transaction.
macro_rules! add_stock {
    ($tx:expr, $hub:expr, $item:expr, $n:expr) => {{
        sqlx::query(
            "INSERT INTO stock (hub_id, item, quantity, low_at, updated_at)
             VALUES ($1, $2, $3, 0, $4)
             ON CONFLICT (hub_id, item) DO UPDATE
             SET quantity = stock.quantity + excluded.quantity, updated_at = excluded.updated_at",
        )
        .bind($hub)
        .bind($item.code())
        .bind($n)
        .bind(Utc::now().trunc_subsecs(6))
        .execute(&mut *$tx)
        .await?;
    }};
}

/// Writes a movement row inside the caller's transaction, with the hub-local day it counts on.
macro_rules! movement {
    ($tx:expr, $hub:expr, $item:expr, $kind:expr, $change:expr, $visit:expr, $other:expr, $by:expr) => {{
        let (country,): (String,) = sqlx::query_as("SELECT country FROM hubs WHERE id = $1")
            .bind($hub)
            .fetch_one(&mut *$tx)
            .await?;
        let country =
            $crate::decode_code("hubs.country", &country, bluedot_core::Country::from_code)?;
        let at = Utc::now().trunc_subsecs(6);
        sqlx::query(
            "INSERT INTO stock_movements (id, hub_id, item, kind, change, visit_id, other_hub_id,
                 note, recorded_by, recorded_at, day)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        )
        .bind(Uuid::now_v7())
        .bind($hub)
        .bind($item.code())
        .bind($kind.code())
        .bind($change)
        .bind($visit)
        .bind($other)
        .bind($by.note.trim())
        .bind($by.recorded_by)
        .bind(at)
        .bind(country.local_day(at))
        .execute(&mut *$tx)
        .await?;
    }};
}
pub(crate) use movement;

impl Store {
    /// A hub's stock of every item, zero where nothing was ever received.
    pub async fn stock(&self, hub_id: Uuid) -> Result<Vec<StockLine>> {
        let rows: Vec<(String, i32, i32)> = on_pool!(self, pool => sqlx::query_as(
            "SELECT item, quantity, low_at FROM stock WHERE hub_id = $1",
        )
        .bind(hub_id)
        .fetch_all(pool)
        .await?);
        let mut lines: Vec<StockLine> = SupplyItem::ALL
            .iter()
            .map(|item| StockLine {
                item: *item,
                quantity: 0,
                low_at: 0,
            })
            .collect();
        for (item, quantity, low_at) in rows {
            let item = decode_code("stock.item", &item, SupplyItem::from_code)?;
            if let Some(line) = lines.iter_mut().find(|l| l.item == item) {
                line.quantity = quantity.max(0) as u32;
                line.low_at = low_at.max(0) as u32;
            }
        }
        Ok(lines)
    }

    /// Goods arrive at a hub.
    pub async fn receive_stock(
        &self,
        hub_id: Uuid,
        item: SupplyItem,
        n: u32,
        by: &MovementBy,
        who: &Change,
    ) -> Result<()> {
        let n = check_quantity(n)?;
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            add_stock!(tx, hub_id, item, n);
            movement!(tx, hub_id, item, MovementKind::Receipt, n, None::<Uuid>, None::<Uuid>, by);
            append_audit!(self, tx, &who.event("stock.receive", format!("hub:{hub_id}/item:{}", item.code())));
            tx.commit().await?;
        });
        Ok(())
    }

    /// Hands items out without a visit (a visit's distributions go with the visit).
    pub async fn distribute_stock(
        &self,
        hub_id: Uuid,
        item: SupplyItem,
        n: u32,
        by: &MovementBy,
        who: &Change,
    ) -> Result<()> {
        let n = check_quantity(n)?;
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            take_stock!(tx, hub_id, item, n);
            movement!(tx, hub_id, item, MovementKind::Distribution, -n, None::<Uuid>, None::<Uuid>, by);
            append_audit!(self, tx, &who.event("stock.distribute", format!("hub:{hub_id}/item:{}", item.code())));
            tx.commit().await?;
        });
        Ok(())
    }

    /// Moves stock from one hub to another: both sides change together or not at all.
    pub async fn transfer_stock(
        &self,
        from: Uuid,
        to: Uuid,
        item: SupplyItem,
        n: u32,
        by: &MovementBy,
        who: &Change,
    ) -> Result<()> {
        let n = check_quantity(n)?;
        if from == to {
            return Err(
                bluedot_core::ValidationError::new("to", "choose another hub to send to").into(),
            );
        }
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            take_stock!(tx, from, item, n);
            add_stock!(tx, to, item, n);
            movement!(tx, from, item, MovementKind::TransferOut, -n, None::<Uuid>, Some(to), by);
            movement!(tx, to, item, MovementKind::TransferIn, n, None::<Uuid>, Some(from), by);
            append_audit!(self, tx, &who.event("stock.transfer", format!("hub:{from}/item:{}", item.code())));
            tx.commit().await?;
        });
        Ok(())
    }

    /// Replaces the book figure with what was counted on the shelf, keeping the difference as a
    /// movement, and sets the level that warns of low stock.
    pub async fn count_stock(
        &self,
        hub_id: Uuid,
        item: SupplyItem,
        counted: u32,
        low_at: u32,
        by: &MovementBy,
        who: &Change,
    ) -> Result<()> {
        if counted > MAX_MOVEMENT * 10 || low_at > MAX_MOVEMENT {
            return Err(bluedot_core::ValidationError::new("quantity", "too large").into());
        }
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            let before: Option<(i32,)> =
                sqlx::query_as("SELECT quantity FROM stock WHERE hub_id = $1 AND item = $2")
                    .bind(hub_id)
                    .bind(item.code())
                    .fetch_optional(&mut *tx)
                    .await?;
            let before = before.map(|(q,)| q).unwrap_or(0);
            sqlx::query(
                "INSERT INTO stock (hub_id, item, quantity, low_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5)
                 ON CONFLICT (hub_id, item) DO UPDATE
                 SET quantity = excluded.quantity, low_at = excluded.low_at,
                     updated_at = excluded.updated_at",
            )
            .bind(hub_id)
            .bind(item.code())
            .bind(counted as i32)
            .bind(low_at as i32)
            .bind(Utc::now().trunc_subsecs(6))
            .execute(&mut *tx)
            .await?;
            let change = counted as i32 - before;
            if change != 0 {
                movement!(tx, hub_id, item, MovementKind::StockCount, change, None::<Uuid>, None::<Uuid>, by);
            }
            append_audit!(self, tx, &who.event("stock.count", format!("hub:{hub_id}/item:{}", item.code())));
            tx.commit().await?;
        });
        Ok(())
    }

    /// A hub's latest movements, newest first.
    pub async fn stock_movements(&self, hub_id: Uuid, limit: i64) -> Result<Vec<Movement>> {
        let rows: Vec<MovementRow> = on_pool!(self, pool => sqlx::query_as(
            "SELECT id, item, kind, change, visit_id, other_hub_id, note, recorded_by, recorded_at
             FROM stock_movements WHERE hub_id = $1 ORDER BY recorded_at DESC, id DESC LIMIT $2",
        )
        .bind(hub_id)
        .bind(limit)
        .fetch_all(pool)
        .await?);
        rows.into_iter()
            .map(|r| {
                Ok(Movement {
                    id: r.id,
                    item: decode_code("stock_movements.item", &r.item, SupplyItem::from_code)?,
                    kind: decode_code("stock_movements.kind", &r.kind, MovementKind::from_code)?,
                    change: r.change,
                    visit_id: r.visit_id,
                    other_hub_id: r.other_hub_id,
                    note: r.note,
                    recorded_by: r.recorded_by,
                    recorded_at: r.recorded_at,
                })
            })
            .collect()
    }
}
