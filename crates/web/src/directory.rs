//! The public directory as pages read it: a short-lived in-memory copy of the hubs and
//! providers, so that busy public pages do not each go to the database. Every process reads the
//! database again after `ttl`, so changes made through any process show everywhere within
//! seconds. Each copy carries a version, a digest of its content, which keys the open-data
//! response cache and its `ETag`s.

use std::sync::Arc;
use std::time::{Duration, Instant};

use bluedot_core::Hub;
use bluedot_core::provider::Provider;
use bluedot_store::{Store, StoreError};
use sha2::{Digest, Sha256};
use tokio::sync::RwLock;

/// One reading of the directory (hubs and providers, and a mark of the articles' state).
pub struct Snapshot {
    pub hubs: Arc<Vec<Hub>>,
    pub providers: Vec<Provider>,
    /// Changes whenever anything in the directory does.
    pub version: String,
}

impl Snapshot {
    /// `articles` is the articles' change mark: pages are cached by this version, and the
    /// information pages are built from articles.
    fn new(hubs: Vec<Hub>, providers: Vec<Provider>, articles: &str) -> Snapshot {
        let mut digest = Sha256::new();
        digest.update(serde_json::to_vec(&hubs).unwrap_or_default());
        digest.update(serde_json::to_vec(&providers).unwrap_or_default());
        digest.update(articles.as_bytes());
        Snapshot {
            hubs: Arc::new(hubs),
            providers,
            version: hex::encode(&digest.finalize()[..12]),
        }
    }
}

pub struct DirectoryCache {
    store: Store,
    ttl: Duration,
    current: RwLock<Option<(Instant, Arc<Snapshot>)>>,
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
        Ok(self.snapshot().await?.hubs.clone())
    }

    /// The whole directory, as of at most `ttl` ago.
    pub async fn snapshot(&self) -> Result<Arc<Snapshot>, StoreError> {
        if let Some((at, snapshot)) = &*self.current.read().await
            && at.elapsed() < self.ttl
        {
            return Ok(snapshot.clone());
        }
        let mut slot = self.current.write().await;
        // Another request may have refreshed it while this one waited for the lock.
        if let Some((at, snapshot)) = &*slot
            && at.elapsed() < self.ttl
        {
            return Ok(snapshot.clone());
        }
        let snapshot = Arc::new(Snapshot::new(
            self.store.list_hubs().await?,
            self.store.list_providers(None).await?,
            &self.store.articles_mark().await?,
        ));
        *slot = Some((Instant::now(), snapshot.clone()));
        Ok(snapshot)
    }

    /// Forgets the copy, after this process changed the directory.
    pub async fn invalidate(&self) {
        *self.current.write().await = None;
    }
}
