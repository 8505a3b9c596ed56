//! Referrals and their follow-up. A referral needs the person's consent to referral on record;
//! its status moves only forward, and two receivers acting at once cannot both win.

use bluedot_core::policy::{Field, Role, Scope};
use bluedot_core::referral::{ReferralStatus, Urgency};
use bluedot_core::{Country, ServiceKind, ValidationError};
use chrono::{DateTime, Utc};
use sqlx::types::Json;
use uuid::Uuid;

use crate::audit::{Change, append_audit, audited_row_change};
use crate::crypto::KeyRing;
use crate::scope::{ScopeParams, bind_scope};
use crate::{Result, Store, StoreError, decode_code, on_pool};

const REASON: &str = "referrals.reason";
const FEEDBACK: &str = "referrals.feedback";

/// Who receives a referral.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReferralTo {
    /// A specialist of the hub, by role: whoever of them takes it from the queue.
    Specialist(Role),
    /// An external provider from the directory.
    Provider(Uuid),
}

#[derive(Debug, Clone)]
pub struct NewReferral {
    pub person_id: Uuid,
    pub hub_id: Uuid,
    pub country: Country,
    pub service: ServiceKind,
    pub to: ReferralTo,
    pub urgency: Urgency,
    /// The parts of the record the receiver may see.
    pub shared: Vec<Field>,
    pub reason: String,
    pub created_by: Option<Uuid>,
    /// The mobile team deployment the referral was made on, if not at the hub itself.
    pub deployment_id: Option<Uuid>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Referral {
    pub id: Uuid,
    pub person_id: Uuid,
    pub hub_id: Uuid,
    pub country: Country,
    pub service: ServiceKind,
    pub to: ReferralTo,
    pub urgency: Urgency,
    pub status: ReferralStatus,
    pub shared: Vec<Field>,
    pub reason: String,
    pub feedback: Option<String>,
    pub created_by: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub due_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub deployment_id: Option<Uuid>,
}

#[derive(sqlx::FromRow)]
struct ReferralRow {
    id: Uuid,
    person_id: Uuid,
    hub_id: Uuid,
    country: String,
    service: String,
    to_role: Option<String>,
    to_provider: Option<Uuid>,
    urgency: String,
    status: String,
    shared: Json<Vec<Field>>,
    reason: String,
    feedback: Option<String>,
    created_by: Option<Uuid>,
    created_at: DateTime<Utc>,
    due_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    deployment_id: Option<Uuid>,
}

const COLUMNS: &str = "id, person_id, hub_id, country, service, to_role, to_provider, urgency,
    status, shared, reason, feedback, created_by, created_at, due_at, updated_at, deployment_id";

impl ReferralRow {
    fn decrypt(self, keys: &KeyRing) -> Result<Referral> {
        let open = |field: &str, v: &str| {
            keys.decrypt(field, v)
                .map_err(|e| StoreError::Corrupt(format!("{field}: {e}")))
        };
        let to = match (self.to_role, self.to_provider) {
            (Some(role), None) => {
                ReferralTo::Specialist(decode_code("referrals.to_role", &role, Role::from_code)?)
            }
            (None, Some(provider)) => ReferralTo::Provider(provider),
            _ => return Err(StoreError::Corrupt("referral without one receiver".into())),
        };
        Ok(Referral {
            id: self.id,
            person_id: self.person_id,
            hub_id: self.hub_id,
            country: decode_code("referrals.country", &self.country, Country::from_code)?,
            service: decode_code("referrals.service", &self.service, ServiceKind::from_code)?,
            to,
            urgency: decode_code("referrals.urgency", &self.urgency, Urgency::from_code)?,
            status: decode_code("referrals.status", &self.status, ReferralStatus::from_code)?,
            shared: self.shared.0,
            reason: open(REASON, &self.reason)?,
            feedback: self.feedback.map(|f| open(FEEDBACK, &f)).transpose()?,
            created_by: self.created_by,
            created_at: self.created_at,
            due_at: self.due_at,
            updated_at: self.updated_at,
            deployment_id: self.deployment_id,
        })
    }
}

impl Store {
    /// Sends a referral. Refused without the person's consent to referral in force.
    pub async fn create_referral(
        &self,
        keys: &KeyRing,
        new: &NewReferral,
        who: &Change,
    ) -> Result<Uuid> {
        self.create_referral_as(keys, Uuid::now_v7(), new, who)
            .await
    }

    /// `create_referral` under an id chosen beforehand (by a device working offline).
    pub async fn create_referral_as(
        &self,
        keys: &KeyRing,
        id: Uuid,
        new: &NewReferral,
        who: &Change,
    ) -> Result<Uuid> {
        let reason = new.reason.trim();
        if reason.is_empty() || reason.chars().count() > 2_000 {
            return Err(ValidationError::new("reason", "say in up to 2,000 characters why").into());
        }
        if let ReferralTo::Specialist(role) = new.to
            && !bluedot_core::referral::IN_HUB_ROLES.contains(&role)
        {
            return Err(ValidationError::new(
                "to",
                "refer to a social worker, psychologist or legal aid",
            )
            .into());
        }
        let consented =
            self.consents(new.person_id).await?.iter().any(|c| {
                c.in_force() && c.purpose == bluedot_core::person::ConsentPurpose::Referral
            });
        if !consented {
            return Err(ValidationError::new(
                "consent",
                "record the person's consent to referral first",
            )
            .into());
        }
        if let Some(deployment) = new.deployment_id {
            self.check_deployment(deployment, new.hub_id).await?;
        }
        let mut shared = new.shared.clone();
        shared.sort();
        shared.dedup();
        let (to_role, to_provider) = match new.to {
            ReferralTo::Specialist(role) => (Some(role.code()), None),
            ReferralTo::Provider(id) => (None, Some(id)),
        };
        let at = self.now();
        let insert = format!(
            "INSERT INTO referrals ({COLUMNS}, updated_by, created_day, updated_day)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'sent', $9, $10, NULL, $11, $12, $13, $12,
                 $14, $11, $15, $15)"
        );
        on_pool!(self, pool => {
        let mut tx = pool.begin().await?;
        sqlx::query(&insert)
        .bind(id)
        .bind(new.person_id)
        .bind(new.hub_id)
        .bind(new.country.code())
        .bind(new.service.code())
        .bind(to_role)
        .bind(to_provider)
        .bind(new.urgency.code())
        .bind(Json(&shared))
        .bind(keys.encrypt(REASON, reason))
        .bind(new.created_by)
        .bind(at)
        .bind(at + new.urgency.window())
        .bind(new.deployment_id)
        .bind(new.country.local_day(at))
        .execute(&mut *tx)
        .await?;
        append_audit!(self, tx, &who.event("referral.create", format!("referral:{id}/person:{}", new.person_id)));
        tx.commit().await?;
        });
        Ok(id)
    }

    pub async fn referral(&self, keys: &KeyRing, id: Uuid) -> Result<Option<Referral>> {
        let sql = format!("SELECT {COLUMNS} FROM referrals WHERE id = $1");
        let row: Option<ReferralRow> =
            on_pool!(self, pool => sqlx::query_as(&sql).bind(id).fetch_optional(pool).await?);
        row.map(|r| r.decrypt(keys)).transpose()
    }

    /// A person's referrals, newest first.
    pub async fn referrals_of(&self, keys: &KeyRing, person_id: Uuid) -> Result<Vec<Referral>> {
        let sql = format!(
            "SELECT {COLUMNS} FROM referrals WHERE person_id = $1 ORDER BY created_at DESC, id DESC"
        );
        let rows: Vec<ReferralRow> =
            on_pool!(self, pool => sqlx::query_as(&sql).bind(person_id).fetch_all(pool).await?);
        rows.into_iter().map(|r| r.decrypt(keys)).collect()
    }

    /// Open referrals at hubs within `scope`, for one role's queue or (with `None`) all of them,
    /// the most urgent due first.
    pub async fn referral_queue(
        &self,
        keys: &KeyRing,
        scope: &Scope,
        role: Option<Role>,
    ) -> Result<Vec<Referral>> {
        if scope.is_empty() {
            return Ok(Vec::new());
        }
        let in_scope = ScopeParams::of(scope);
        let sql = format!(
            "SELECT {COLUMNS} FROM referrals
             WHERE status IN ('sent', 'accepted')
               AND {in_scope}
               AND ($4 IS NULL OR to_role = $4)
             ORDER BY due_at, id LIMIT 500",
            in_scope = self.in_scope("country", "hub_id"),
        );
        let rows: Vec<ReferralRow> = on_pool!(self, pool => bind_scope!(sqlx::query_as(&sql), in_scope)
            .bind(role.map(|r| r.code()))
            .fetch_all(pool)
            .await?);
        rows.into_iter().map(|r| r.decrypt(keys)).collect()
    }

    /// Moves a referral on (accept, decline, complete) with the receiver's feedback. Fails if
    /// the move is out of order, or if someone else moved it first.
    pub async fn move_referral(
        &self,
        keys: &KeyRing,
        id: Uuid,
        to: ReferralStatus,
        feedback: &str,
        who: &Change,
    ) -> Result<()> {
        let current = self
            .referral(keys, id)
            .await?
            .ok_or_else(|| StoreError::Conflict("no such referral".into()))?;
        current.status.check_move(to, feedback)?;
        let feedback = feedback.trim();
        let sealed = (!feedback.is_empty()).then(|| {
            let text = match &current.feedback {
                Some(before) => format!("{before}\n\n{feedback}"),
                None => feedback.to_owned(),
            };
            keys.encrypt(FEEDBACK, &text)
        });
        let at = self.now();
        let done = audited_row_change!(
            self,
            &who.event(&format!("referral.{}", to.code()), format!("referral:{id}")),
            |tx| sqlx::query(
                "UPDATE referrals SET status = $2, feedback = COALESCE($3, feedback),
                     updated_by = $4, updated_at = $5, updated_day = $7
                 WHERE id = $1 AND status = $6",
            )
            .bind(id)
            .bind(to.code())
            .bind(sealed)
            .bind(who.actor_id)
            .bind(at)
            .bind(current.status.code())
            .bind(current.country.local_day(at))
            .execute(&mut *tx)
            .await?
            .rows_affected()
        );
        if done != 1 {
            return Err(StoreError::Conflict(
                "the referral was changed by someone else; reload it".into(),
            ));
        }
        Ok(())
    }
}
