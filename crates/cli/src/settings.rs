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
    /// Where Prometheus metrics are served (`/metrics`); none by default.
    pub metrics_listen: Option<SocketAddr>,
    pub data_dir: PathBuf,
    pub database_url: Option<String>,
    pub tile_url: Option<String>,
    pub tile_attribution: String,
    /// Where the public reaches the site (`https://bluedot.example.org`); by default the
    /// listening address over plain HTTP.
    pub public_url: Option<String>,
    pub behind_tls: bool,
    pub freshness: FreshnessPolicy,
    pub cache_seconds: u64,
    /// Hours a mobile team's device may hold data offline before it wipes itself.
    pub offline_hours: u32,
    pub encryption_keys: Option<String>,
    /// Chain the audit log (`bluedot audit keygen`); kept out of the database.
    pub audit_keys: Option<String>,
    /// Days a closed person's record is kept before `bluedot retention` anonymises it.
    pub retention_days: i64,
    /// `[case_deadlines]`: hours for high risk, days for medium and low, days between
    /// follow-ups.
    pub case_deadlines: bluedot_core::case::CaseDeadlines,
    /// This deployment's name to partners (e.g. `RO`), for case transfers.
    pub deployment_id: Option<String>,
    /// The 32-byte transfer secret, base64 (`bluedot transfer keygen`).
    pub transfer_key: Option<String>,
    /// `[[partners]]`: id, url, public_key, country of each partner deployment.
    pub partners: Vec<bluedot_store::package::Partner>,
    /// Reverse proxies (CIDRs, e.g. `10.0.0.0/8`) whose `X-Forwarded-For` / `Forwarded`
    /// headers name the client; no one else's are believed.
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// `[limits]`: deadlines and caps that keep slow or greedy clients from holding the server.
    pub limits: bluedot_web::server::ServerLimits,
}

impl Default for Settings {
    fn default() -> Self {
        let web = WebConfig::default();
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            metrics_listen: None,
            data_dir: PathBuf::from("data"),
            database_url: None,
            tile_url: web.tile_url,
            tile_attribution: web.tile_attribution,
            public_url: None,
            behind_tls: web.behind_tls,
            freshness: web.freshness,
            cache_seconds: web.cache_seconds,
            offline_hours: web.offline_hours,
            encryption_keys: None,
            audit_keys: None,
            retention_days: 730,
            case_deadlines: web.case_deadlines,
            deployment_id: None,
            transfer_key: None,
            partners: Vec::new(),
            trusted_proxies: web.trusted_proxies,
            limits: web.limits,
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
        if let Some(v) = args.metrics_listen {
            s.metrics_listen = Some(v);
        }
        if let Some(v) = &args.tile_url {
            s.tile_url = Some(v.clone()).filter(|u| !u.is_empty());
        }
        if let Some(v) = &args.tile_attribution {
            s.tile_attribution = v.clone();
        }
        if let Some(v) = &args.public_url {
            s.public_url = Some(v.clone()).filter(|u| !u.is_empty());
        }
        if let Some(url) = &mut s.public_url {
            *url = checked_public_url(url)?;
        }
        s.behind_tls |= args.behind_tls;
        if let Some(v) = args.review_after_days {
            s.freshness.review_after_days = v;
        }
        if let Some(v) = &args.encryption_keys {
            s.encryption_keys = Some(v.clone()).filter(|k| !k.is_empty());
        }
        if let Some(v) = &args.audit_keys {
            s.audit_keys = Some(v.clone()).filter(|k| !k.is_empty());
        }
        if let Some(v) = args.offline_hours {
            s.offline_hours = v;
        }
        if let Some(v) = args.retention_days {
            s.retention_days = v;
        }
        if let Some(v) = &args.transfer.deployment_id {
            s.deployment_id = Some(v.clone()).filter(|v| !v.is_empty());
        }
        if let Some(v) = &args.transfer.transfer_key {
            s.transfer_key = Some(v.clone()).filter(|v| !v.is_empty());
        }
        if let Some(v) = &args.transfer.partners {
            s.partners = serde_json::from_str(v)
                .context("BLUEDOT_PARTNERS is a JSON list of {id, url, public_key, country}")?;
        }
        if s.retention_days < 1 {
            anyhow::bail!(
                "retention_days must be at least 1, not {}",
                s.retention_days
            );
        }
        if let Some(v) = &args.trusted_proxies {
            s.trusted_proxies = v
                .split(',')
                .map(str::trim)
                .filter(|c| !c.is_empty())
                .map(|c| {
                    c.parse::<ipnet::IpNet>()
                        .or_else(|_| c.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
                        .with_context(|| format!("trusted proxy {c:?} is not an address or CIDR"))
                })
                .collect::<anyhow::Result<_>>()?;
        }
        let l = &mut s.limits;
        for (flag, value) in [
            (&mut l.header_read_timeout_seconds, args.header_read_timeout),
            (&mut l.body_read_timeout_seconds, args.body_read_timeout),
            (&mut l.request_timeout_seconds, args.request_timeout),
        ] {
            if let Some(v) = value {
                *flag = v;
            }
        }
        if let Some(v) = args.max_connections {
            l.max_connections = v;
        }
        if l.header_read_timeout_seconds == 0
            || l.body_read_timeout_seconds == 0
            || l.request_timeout_seconds == 0
            || l.max_connections == 0
            || l.max_streams_per_connection == 0
        {
            anyhow::bail!("[limits]: timeouts and caps must be at least 1 ({l:?})");
        }
        if let Some(v) = args.cache_seconds {
            s.cache_seconds = v;
        }
        if let Some(v) = args.unverified_after_days {
            s.freshness.unverified_after_days = v;
        }
        if let Some(v) = args.hide_after_days {
            s.freshness.hide_after_days = (v > 0).then_some(v);
        }
        let f = &s.freshness;
        if f.review_after_days <= 0
            || f.unverified_after_days < f.review_after_days
            || f.hide_after_days
                .is_some_and(|h| h < f.unverified_after_days)
        {
            anyhow::bail!(
                "freshness ages must grow: 0 < review_after_days ({}) <= unverified_after_days ({}) <= hide_after_days ({:?})",
                f.review_after_days,
                f.unverified_after_days,
                f.hide_after_days
            );
        }
        Ok(s)
    }

    pub fn web(&self) -> WebConfig {
        WebConfig {
            tile_url: self.tile_url.clone(),
            tile_attribution: self.tile_attribution.clone(),
            public_url: self
                .public_url
                .clone()
                .unwrap_or_else(|| format!("http://{}", self.listen)),
            freshness: self.freshness,
            behind_tls: self.behind_tls,
            cache_seconds: self.cache_seconds,
            case_deadlines: self.case_deadlines,
            trusted_proxies: self.trusted_proxies.clone(),
            limits: self.limits,
            offline_hours: self.offline_hours.clamp(1, 72),
        }
    }
}

/// The public address as pages will name it: an `http(s)://host[:port]` origin, or one with a
/// path prefix, without a trailing slash.
fn checked_public_url(url: &str) -> anyhow::Result<String> {
    let trimmed = url.trim().trim_end_matches('/');
    let rest = trimmed
        .strip_prefix("https://")
        .or_else(|| trimmed.strip_prefix("http://"));
    match rest {
        Some(host)
            if !host.is_empty()
                && !host.starts_with('/')
                && host
                    .chars()
                    .all(|c| c.is_ascii_graphic() && !"\"<>'`?#@\\".contains(c)) =>
        {
            Ok(trimmed.to_owned())
        }
        _ => anyhow::bail!(
            "public_url must be an address such as https://bluedot.example.org, not {url:?}"
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_override_the_file_which_overrides_defaults() {
        let dir = std::env::temp_dir().join(format!("bluedot-settings-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("bluedot.toml");
        std::fs::write(
            &file,
            "listen = \"0.0.0.0:9000\"\ntile_url = \"https://t.example/{z}/{x}/{y}.png\"\n[freshness]\nreview_after_days = 20\nunverified_after_days = 40\nhide_after_days = 90\n",
        )
        .unwrap();
        let from_file = Settings::load(Some(&file), &ServeArgs::default()).unwrap();
        assert_eq!(from_file.listen.port(), 9000);
        assert_eq!(from_file.freshness.review_after_days, 20);
        assert_eq!(from_file.data_dir, PathBuf::from("data"), "default kept");
        let args = ServeArgs {
            listen: Some("127.0.0.1:7000".parse().unwrap()),
            hide_after_days: Some(0),
            ..Default::default()
        };
        let both = Settings::load(Some(&file), &args).unwrap();
        assert_eq!(both.listen.port(), 7000);
        assert_eq!(both.freshness.hide_after_days, None);
        assert_eq!(
            both.tile_url.as_deref(),
            Some("https://t.example/{z}/{x}/{y}.png")
        );

        std::fs::write(&file, "listne = \"x\"\n").unwrap();
        let err = Settings::load(Some(&file), &ServeArgs::default()).unwrap_err();
        assert!(format!("{err:#}").contains("listne"), "{err:#}");
        assert!(Settings::load(Some(&dir.join("missing.toml")), &ServeArgs::default()).is_err());
        let shrinking = ServeArgs {
            unverified_after_days: Some(10),
            ..Default::default()
        };
        assert!(Settings::load(None, &shrinking).is_err());
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn the_public_address_is_an_origin_or_the_listening_address() {
        let unset = Settings::load(None, &ServeArgs::default()).unwrap();
        assert_eq!(unset.web().public_url, "http://127.0.0.1:8080");
        let given = |url: &str| {
            let args = ServeArgs {
                public_url: Some(url.to_owned()),
                ..Default::default()
            };
            Settings::load(None, &args).map(|s| s.web().public_url)
        };
        assert_eq!(
            given("https://bluedot.example.org/").unwrap(),
            "https://bluedot.example.org"
        );
        assert_eq!(
            given("https://example.org/bluedot").unwrap(),
            "https://example.org/bluedot"
        );
        for bad in [
            "bluedot.example.org",
            "ftp://x.org",
            "https://",
            "https://a.org/\"x",
            "https://a b",
        ] {
            assert!(given(bad).is_err(), "{bad} was accepted");
        }
    }

    #[test]
    fn proxies_and_limits_are_read_and_checked() {
        let dir = std::env::temp_dir().join(format!("bluedot-limits-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("bluedot.toml");
        std::fs::write(
            &file,
            "trusted_proxies = [\"10.0.0.0/8\"]\n[limits]\nmax_connections = 50\n",
        )
        .unwrap();
        let s = Settings::load(Some(&file), &ServeArgs::default()).unwrap();
        assert_eq!(s.trusted_proxies, vec!["10.0.0.0/8".parse().unwrap()]);
        assert_eq!(s.limits.max_connections, 50);
        assert_eq!(s.limits.header_read_timeout_seconds, 10, "default kept");
        let flags = ServeArgs {
            trusted_proxies: Some("192.0.2.1, 2001:db8::/32".into()),
            header_read_timeout: Some(5),
            ..Default::default()
        };
        let s = Settings::load(Some(&file), &flags).unwrap();
        assert_eq!(s.trusted_proxies.len(), 2, "a bare address is a /32");
        assert_eq!(s.limits.header_read_timeout_seconds, 5);
        let bad = ServeArgs {
            trusted_proxies: Some("10.0.0.0/99".into()),
            ..Default::default()
        };
        let err = Settings::load(None, &bad).unwrap_err();
        assert!(format!("{err:#}").contains("10.0.0.0/99"), "{err:#}");
        let zero = ServeArgs {
            max_connections: Some(0),
            ..Default::default()
        };
        assert!(Settings::load(None, &zero).is_err());
        std::fs::remove_dir_all(dir).unwrap();
    }
}
