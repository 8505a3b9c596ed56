//! Settings of the web layer; the CLI fills them from the configuration file and environment.

use bluedot_core::freshness::FreshnessPolicy;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct WebConfig {
    /// Basemap tile URL template (`https://tiles.example/{z}/{x}/{y}.png`). Without one the map
    /// draws country outlines from data the server ships, so it works offline.
    pub tile_url: Option<String>,
    pub tile_attribution: String,
    pub freshness: FreshnessPolicy,
    /// Set when clients reach the server over HTTPS (directly or via a proxy): enables HSTS.
    pub behind_tls: bool,
    /// How long a process may serve the directory from memory before reading it again.
    pub cache_seconds: u64,
    /// How soon each risk level of a child protection case demands action.
    pub case_deadlines: bluedot_core::case::CaseDeadlines,
}

impl Default for WebConfig {
    fn default() -> Self {
        Self {
            tile_url: None,
            tile_attribution: String::new(),
            freshness: FreshnessPolicy::default(),
            behind_tls: false,
            cache_seconds: 5,
            case_deadlines: bluedot_core::case::CaseDeadlines::default(),
        }
    }
}
