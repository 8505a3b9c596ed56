//! Children flagged for a social worker by whoever met them at a hub, the information desk
//! first: what was seen, where the child is now, how urgent. The one who flags sees no
//! records; the hub's social workers see the flag at once and one of them takes it.

use bluedot_core::person::SpecificNeed;
use bluedot_core::policy::Scope;
use bluedot_core::referral::Urgency;
use bluedot_core::{Country, ValidationError};
use chrono::{DateTime, Duration, SubsecRound, Utc};
use uuid::Uuid;

use crate::audit::{Change, append_audit};
use crate::crypto::KeyRing;
use crate::scope::{ScopeParams, bind_scope};
use crate::{Result, Store, StoreError, decode_code, on_pool};

const SEEN: &str = "child_alerts.seen";
const WHERE_NOW: &str = "child_alerts.where_now";

/// Longest texts a flag holds: a few sentences, typed at a busy desk.
pub const SEEN_MAX: usize = 1000;
pub const WHERE_NOW_MAX: usize = 300;

/// The concerns a flag can name: the ones that call a social worker at once.
pub const CONCERNS: [SpecificNeed; 3] = [
    SpecificNeed::Unaccompanied,
    SpecificNeed::Separated,
    SpecificNeed::ChildAtRisk,
];

#[derive(Debug, Clone)]
pub struct NewChildAlert {
    pub hub_id: Uuid,
    pub country: Country,
    pub concern: SpecificNeed,
    pub urgency: Urgency,
    pub seen: String,
    pub where_now: String,
    pub raised_by: Option<Uuid>,
}

impl NewChildAlert {
    /// Every problem at once, each naming its field.
    pub fn problems(&self) -> Vec<ValidationError> {
        let mut problems = vec![];
        if !CONCERNS.contains(&self.concern) {
            problems.push(ValidationError::new(
                "concern",
                "not a concern a flag names",
            ));
        }
        for (field, text, max) in [
            ("seen", &self.seen, SEEN_MAX),
            ("where_now", &self.where_now, WHERE_NOW_MAX),
        ] {
            let length = text.trim().chars().count();
            if length == 0 || length > max {
                problems.push(ValidationError::new(field, "empty or too long"));
            }
        }
        problems
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChildAlert {
    pub id: Uuid,
    pub hub_id: Uuid,
    pub country: Country,
    pub concern: SpecificNeed,
    pub urgency: Urgency,
    pub seen: String,
    pub where_now: String,
    pub raised_by: Option<String>,
    pub raised_at: DateTime<Utc>,
    pub taken_by: Option<String>,
    pub taken_at: Option<DateTime<Utc>>,
}

#[derive(sqlx::FromRow)]
struct AlertRow {
    id: Uuid,
    hub_id: Uuid,
    country: String,
    concern: String,
    urgency: String,
    seen: String,
    where_now: String,
    raised_by: Option<String>,
    raised_at: DateTime<Utc>,
    taken_by: Option<String>,
    taken_at: Option<DateTime<Utc>>,
}

impl AlertRow {
    fn into_alert(self, keys: &KeyRing) -> Result<ChildAlert> {
        let open = |field: &str, v: &str| {
            keys.decrypt(field, v)
                .map_err(|e| StoreError::Corrupt(format!("{field}: {e}")))
        };
        Ok(ChildAlert {
            id: self.id,
            hub_id: self.hub_id,
            country: decode_code("child_alerts.country", &self.country, Country::from_code)?,
            concern: decode_code(
                "child_alerts.concern",
                &self.concern,
                SpecificNeed::from_code,
            )?,
            urgency: decode_code("child_alerts.urgency", &self.urgency, Urgency::from_code)?,
            seen: open(SEEN, &self.seen)?,
            where_now: open(WHERE_NOW, &self.where_now)?,
            raised_by: self.raised_by,
            raised_at: self.raised_at,
            taken_by: self.taken_by,
            taken_at: self.taken_at,
        })
    }
}

impl Store {
    /// Records a flag, its texts encrypted, and audits who raised it where.
    pub async fn raise_child_alert(
        &self,
        keys: &KeyRing,
        new: &NewChildAlert,
        who: &Change,
    ) -> Result<Uuid> {
        if let Some(problem) = new.problems().into_iter().next() {
            return Err(problem.into());
        }
        let id = Uuid::now_v7();
        let now = self.now().trunc_subsecs(6);
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            sqlx::query(
                "INSERT INTO child_alerts (id, hub_id, country, concern, urgency, seen, where_now,
                     raised_by, raised_at, taken_by, taken_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, NULL, NULL)",
            )
            .bind(id)
            .bind(new.hub_id)
            .bind(new.country.code())
            .bind(new.concern.code())
            .bind(new.urgency.code())
            .bind(keys.encrypt(SEEN, new.seen.trim()))
            .bind(keys.encrypt(WHERE_NOW, new.where_now.trim()))
            .bind(new.raised_by)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            append_audit!(self, tx, &who.event("child-alert.raise", format!("child-alert:{id}")));
            tx.commit().await?;
        });
        Ok(id)
    }

    /// Flags at hubs within `scope` that nobody has taken, and those taken in the last day
    /// (so the team sees who took one), the most urgent and oldest open ones first.
    pub async fn child_alerts(&self, keys: &KeyRing, scope: &Scope) -> Result<Vec<ChildAlert>> {
        if scope.is_empty() {
            return Ok(Vec::new());
        }
        let in_scope = ScopeParams::of(scope);
        let sql = format!(
            "SELECT a.id, a.hub_id, a.country, a.concern, a.urgency, a.seen, a.where_now,
                    r.display_name AS raised_by, a.raised_at, t.display_name AS taken_by, a.taken_at
             FROM child_alerts a
             LEFT JOIN users r ON r.id = a.raised_by
             LEFT JOIN users t ON t.id = a.taken_by
             WHERE (a.taken_at IS NULL OR a.taken_at >= $4) AND {in_scope}
             ORDER BY CASE WHEN a.taken_at IS NULL THEN 0 ELSE 1 END,
                      CASE a.urgency WHEN 'high' THEN 0 WHEN 'medium' THEN 1 ELSE 2 END,
                      a.raised_at, a.id
             LIMIT 200",
            in_scope = self.in_scope("a.country", "a.hub_id"),
        );
        let since = (self.now() - Duration::days(1)).trunc_subsecs(6);
        let rows: Vec<AlertRow> = on_pool!(self, pool => bind_scope!(sqlx::query_as(&sql), in_scope)
            .bind(since)
            .fetch_all(pool)
            .await?);
        rows.into_iter().map(|r| r.into_alert(keys)).collect()
    }

    /// The flag `id`, wherever it is (the caller checks the reader's scope).
    pub async fn child_alert(&self, keys: &KeyRing, id: Uuid) -> Result<Option<ChildAlert>> {
        let row: Option<AlertRow> = on_pool!(self, pool => sqlx::query_as(
            "SELECT a.id, a.hub_id, a.country, a.concern, a.urgency, a.seen, a.where_now,
                    r.display_name AS raised_by, a.raised_at, t.display_name AS taken_by, a.taken_at
             FROM child_alerts a
             LEFT JOIN users r ON r.id = a.raised_by
             LEFT JOIN users t ON t.id = a.taken_by
             WHERE a.id = $1",
        )
        .bind(id)
        .fetch_optional(pool)
        .await?);
        row.map(|r| r.into_alert(keys)).transpose()
    }

    /// A social worker takes the flag; false when someone took it first.
    pub async fn take_child_alert(&self, id: Uuid, by: Uuid, who: &Change) -> Result<bool> {
        let now = self.now().trunc_subsecs(6);
        let taken = on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            let taken = sqlx::query(
                "UPDATE child_alerts SET taken_by = $2, taken_at = $3
                 WHERE id = $1 AND taken_at IS NULL",
            )
            .bind(id)
            .bind(by)
            .bind(now)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if taken == 1 {
                append_audit!(self, tx, &who.event("child-alert.take", format!("child-alert:{id}")));
            }
            tx.commit().await?;
            taken
        });
        Ok(taken == 1)
    }
}
