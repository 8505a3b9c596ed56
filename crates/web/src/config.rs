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
    /// Where the public reaches the site (`https://bluedot.example.org`, no trailing slash):
    /// canonical and language links name it, as search engines need absolute addresses.
    pub public_url: String,
    pub freshness: FreshnessPolicy,
    /// Set when clients reach the server over HTTPS (directly or via a proxy): enables HSTS.
    pub behind_tls: bool,
    /// How long a process may serve the directory from memory before reading it again.
    pub cache_seconds: u64,
    /// How soon each risk level of a child protection case demands action.
    pub case_deadlines: bluedot_core::case::CaseDeadlines,
    /// Reverse proxies whose `X-Forwarded-For` / `Forwarded` headers name the client. Requests
    /// from anywhere else are taken to come from their socket's address.
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// Deadlines and caps that keep slow or greedy clients from holding the server.
    pub limits: crate::server::ServerLimits,
    /// Hours a mobile team's device may hold data offline before it wipes itself.
    pub offline_hours: u32,
}

impl Default for WebConfig {
    fn default() -> Self {
        Self {
            tile_url: None,
            tile_attribution: String::new(),
            public_url: "http://127.0.0.1:8080".to_owned(),
            freshness: FreshnessPolicy::default(),
            behind_tls: false,
            cache_seconds: 5,
            case_deadlines: bluedot_core::case::CaseDeadlines::default(),
            trusted_proxies: Vec::new(),
            limits: crate::server::ServerLimits::default(),
            offline_hours: 12,
        }
    }
}
