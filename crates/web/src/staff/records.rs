//! The one way from a staff request to a record held at a hub: parse the id, fetch the record,
//! find its hub, ask the policy, and on refusal audit it and answer "not found", exactly as for
//! an id that does not exist, so nobody learns that a record is there where they may not look.
//! A handler cannot hold a person's, case's, referral's, tracing request's, visit's or
//! deployment's record without going through [`open_record`].

use std::future::Future;

use bluedot_core::Hub;
use bluedot_core::policy::{Actor, Target};
use bluedot_store::StoreError;
use bluedot_store::cases::Case;
use bluedot_store::deployments::Deployment;
use bluedot_store::people::PersonRecord;
use bluedot_store::referrals::Referral;
use bluedot_store::tracing::TracingRequest;
use bluedot_store::visits::Visit;
use uuid::Uuid;

use super::{ClientAddr, Staff, StaffError, StaffResult, audit, hub_target};
use crate::AppState;

/// A kind of record held at a hub.
pub trait HeldRecord: Sized {
    /// How the audit log names it: `person:ID`.
    const KIND: &'static str;

    fn fetch(
        state: &AppState,
        id: Uuid,
    ) -> impl Future<Output = Result<Option<Self>, FetchError>> + Send;

    fn hub_id(&self) -> Uuid;
}

/// Why a record could not be read (not: that it is not there, or not for this reader).
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("no encryption keys")]
    NoKeys,
}

/// The record `id` and its hub, if `allowed` (a rule of the policy) lets `staff` reach it
/// there; otherwise the refusal is audited as `verb` and answered "not found".
pub async fn open_record<R: HeldRecord>(
    state: &AppState,
    staff: &Staff,
    hubs: &[Hub],
    from: &ClientAddr,
    id: &str,
    verb: &str,
    allowed: impl FnOnce(&Actor, Target, &R) -> bool,
) -> StaffResult<(R, Hub)> {
    let lang = staff.lang;
    let id: Uuid = id.parse().map_err(|_| StaffError::NotFound(lang))?;
    let record = R::fetch(state, id)
        .await
        .map_err(|e| match e {
            FetchError::NoKeys => StaffError::NoKeys(lang),
            FetchError::Store(e) => StaffError::internal(lang, e),
        })?
        .ok_or(StaffError::NotFound(lang))?;
    let hub = hubs
        .iter()
        .find(|h| h.id == record.hub_id())
        .cloned()
        .ok_or_else(|| StaffError::internal(lang, format!("the {}'s hub is missing", R::KIND)))?;
    if !allowed(&staff.actor, hub_target(&hub), &record) {
        let event = staff.denied_at(verb, format!("{}:{id}", R::KIND), from, &hub);
        audit(state, lang, event).await?;
        return Err(StaffError::NotFound(lang));
    }
    Ok((record, hub))
}

impl super::Desk {
    /// [`open_record`] for a signed-in desk, which knows the staff member and every hub.
    pub async fn open_record<R: HeldRecord>(
        &self,
        state: &AppState,
        from: &ClientAddr,
        id: &str,
        verb: &str,
        allowed: impl FnOnce(&Actor, Target, &R) -> bool,
    ) -> StaffResult<(R, Hub)> {
        open_record(state, &self.staff, &self.hubs, from, id, verb, allowed).await
    }
}

fn keys(state: &AppState) -> Result<&bluedot_store::crypto::KeyRing, FetchError> {
    state.keys.as_deref().ok_or(FetchError::NoKeys)
}

impl HeldRecord for PersonRecord {
    const KIND: &'static str = "person";
    async fn fetch(state: &AppState, id: Uuid) -> Result<Option<Self>, FetchError> {
        Ok(state.store.person(keys(state)?, id).await?)
    }
    fn hub_id(&self) -> Uuid {
        self.hub_id
    }
}

impl HeldRecord for Case {
    const KIND: &'static str = "case";
    async fn fetch(state: &AppState, id: Uuid) -> Result<Option<Self>, FetchError> {
        Ok(state.store.case(id).await?)
    }
    fn hub_id(&self) -> Uuid {
        self.hub_id
    }
}

impl HeldRecord for Referral {
    const KIND: &'static str = "referral";
    async fn fetch(state: &AppState, id: Uuid) -> Result<Option<Self>, FetchError> {
        Ok(state.store.referral(keys(state)?, id).await?)
    }
    fn hub_id(&self) -> Uuid {
        self.hub_id
    }
}

impl HeldRecord for TracingRequest {
    const KIND: &'static str = "tracing";
    async fn fetch(state: &AppState, id: Uuid) -> Result<Option<Self>, FetchError> {
        Ok(state.store.tracing_request(keys(state)?, id).await?)
    }
    fn hub_id(&self) -> Uuid {
        self.hub_id
    }
}

impl HeldRecord for Visit {
    const KIND: &'static str = "visit";
    async fn fetch(state: &AppState, id: Uuid) -> Result<Option<Self>, FetchError> {
        Ok(state.store.visit(id).await?)
    }
    fn hub_id(&self) -> Uuid {
        self.hub_id
    }
}

impl HeldRecord for Deployment {
    const KIND: &'static str = "deployment";
    async fn fetch(state: &AppState, id: Uuid) -> Result<Option<Self>, FetchError> {
        Ok(state.store.deployment(id).await?)
    }
    fn hub_id(&self) -> Uuid {
        self.hub_id
    }
}
