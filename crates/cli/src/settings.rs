//! Settings of a bluedot process, layered: defaults, the TOML file, then flags and `BLUEDOT_*`
//! environment variables (clap reads both).

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use anyhow::Context;
use bluedot_core::freshness::FreshnessPolicy;
use bluedot_web::WebConfig;
use figment::Figment;
use figment::providers::{Format, Serialized, Toml};
use serde::{Deserialize, Serialize};

use crate::ServeArgs;

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    pub listen: SocketAddr,
    pub data_dir: PathBuf,
    pub database_url: Option<String>,
    pub tile_url: Option<String>,
    pub tile_attribution: String,
    pub behind_tls: bool,
    pub freshness: FreshnessPolicy,
    pub cache_seconds: u64,
}

impl Default for Settings {
    fn default() -> Self {
        let web = WebConfig::default();
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            data_dir: PathBuf::from("data"),
            database_url: None,
            tile_url: web.tile_url,
            tile_attribution: web.tile_attribution,
            behind_tls: web.behind_tls,
            freshness: web.freshness,
            cache_seconds: web.cache_seconds,
        }
    }
}

impl Settings {
    pub fn load(file: Option<&Path>, args: &ServeArgs) -> anyhow::Result<Settings> {
        let mut figment = Figment::from(Serialized::defaults(Settings::default()));
        if let Some(file) = file {
            if !file.exists() {
                anyhow::bail!("configuration file {} does not exist", file.display());
            }
            figment = figment.merge(Toml::file(file));
        }
        let mut s: Settings = figment
            .extract()
            .with_context(|| "invalid configuration".to_string())?;
        if let Some(v) = &args.db.data_dir {
            s.data_dir = v.clone();
        }
        if let Some(v) = &args.db.database_url {
            s.database_url = Some(v.clone()).filter(|u| !u.is_empty());
        }
        if let Some(v) = args.listen {
            s.listen = v;
        }
        if let Some(v) = &args.tile_url {
            s.tile_url = Some(v.clone()).filter(|u| !u.is_empty());
        }
        if let Some(v) = &args.tile_attribution {
            s.tile_attribution = v.clone();
        }
        s.behind_tls |= args.behind_tls;
        if let Some(v) = args.unverified_after_days {
            s.freshness.unverified_after_days = v;
        }
        if let Some(v) = args.hide_after_days {
            s.freshness.hide_after_days = (v > 0).then_some(v);
        }
        Ok(s)
    }

    pub fn web(&self) -> WebConfig {
        WebConfig {
            tile_url: self.tile_url.clone(),
            tile_attribution: self.tile_attribution.clone(),
            freshness: self.freshness,
            behind_tls: self.behind_tls,
            cache_seconds: self.cache_seconds,
        }
    }
}
