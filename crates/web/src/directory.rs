//! The public directory as pages read it: a short-lived in-memory copy of the hubs, so that
//! busy public pages do not each go to the database. Every process reads the database again
//! after `ttl`, so changes made through any process show everywhere within seconds.

use std::sync::Arc;
use std::time::{Duration, Instant};

use bluedot_core::Hub;
use bluedot_store::{Store, StoreError};
use tokio::sync::RwLock;

pub struct DirectoryCache {
    store: Store,
    ttl: Duration,
    current: RwLock<Option<(Instant, Arc<Vec<Hub>>)>>,
}

impl DirectoryCache {
    pub fn new(store: Store, ttl: Duration) -> Self {
        Self {
            store,
            ttl,
            current: RwLock::new(None),
        }
    }

    /// All hubs, as of at most `ttl` ago.
    pub async fn hubs(&self) -> Result<Arc<Vec<Hub>>, StoreError> {
        if let Some((at, hubs)) = &*self.current.read().await
            && at.elapsed() < self.ttl
        {
            return Ok(hubs.clone());
        }
        let mut slot = self.current.write().await;
        // Another request may have refreshed it while this one waited for the lock.
        if let Some((at, hubs)) = &*slot
            && at.elapsed() < self.ttl
        {
            return Ok(hubs.clone());
        }
        let hubs = Arc::new(self.store.list_hubs().await?);
        *slot = Some((Instant::now(), hubs.clone()));
        Ok(hubs)
    }

    /// Forgets the copy, after this process changed the directory.
    pub async fn invalidate(&self) {
        *self.current.write().await = None;
    }
}
