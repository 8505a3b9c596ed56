//! Who is asking: the client's address, as the socket shows it or, behind a trusted reverse
//! proxy, as the proxy reports it. Limiters and the audit log key on it, so a forged
//! `X-Forwarded-For` from anyone but a configured proxy must count for nothing.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use axum::extract::{ConnectInfo, Request};
use axum::http::HeaderMap;
use axum::middleware::Next;
use axum::response::Response;
use ipnet::IpNet;

/// Where a request came from, for the audit log and the limiters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClientAddr(pub String);

/// Resolves the client address of every request and stores it as a [`ClientAddr`] extension.
pub async fn resolve(trusted: Arc<[IpNet]>, mut req: Request, next: Next) -> Response {
    let peer = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip());
    let addr = match peer {
        Some(peer) => client_ip(peer, req.headers(), &trusted).to_string(),
        None => "local".to_owned(),
    };
    req.extensions_mut().insert(ClientAddr(addr));
    next.run(req).await
}

/// The client's address: the peer's, unless the peer is a trusted proxy, in which case the
/// forwarding chain is walked from the nearest hop back and the first address that is not a
/// trusted proxy is the client. Addresses a client wrote itself further back are never reached.
pub fn client_ip(peer: IpAddr, headers: &HeaderMap, trusted: &[IpNet]) -> IpAddr {
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|net| net.contains(ip));
    if !is_trusted(&peer) {
        return peer;
    }
    let mut chain = forwarded_chain(headers);
    // Nearest hop last: walk back while the hop is one of ours.
    while let Some(hop) = chain.pop() {
        match hop {
            Some(ip) if is_trusted(&ip) => continue,
            Some(ip) => return ip,
            // An entry that does not parse cannot be trusted to name the client: stop at the
            // last hop known to be real.
            None => break,
        }
    }
    peer
}

/// The addresses the proxies reported, oldest first: `Forwarded: for=` (RFC 7239) if present,
/// else `X-Forwarded-For`. `None` for an entry that is not an address (`unknown`, obfuscated).
fn forwarded_chain(headers: &HeaderMap) -> Vec<Option<IpAddr>> {
    let values = |name: &str| -> Vec<String> {
        headers
            .get_all(name)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(|s| s.trim().to_owned())
            .collect()
    };
    let forwarded = values("forwarded");
    if !forwarded.is_empty() {
        return forwarded
            .iter()
            .map(|element| {
                element
                    .split(';')
                    .filter_map(|pair| pair.trim().split_once('='))
                    .find(|(k, _)| k.eq_ignore_ascii_case("for"))
                    .and_then(|(_, v)| parse_node(v))
            })
            .collect();
    }
    values("x-forwarded-for")
        .iter()
        .map(|v| parse_node(v))
        .collect()
}

/// An address as proxies write it: `203.0.113.7`, `"[2001:db8::1]:4711"`, `198.51.100.2:80`.
fn parse_node(value: &str) -> Option<IpAddr> {
    let v = value.trim().trim_matches('"');
    if let Ok(ip) = v.parse::<IpAddr>() {
        return Some(ip);
    }
    if let Some(rest) = v.strip_prefix('[') {
        return rest.split_once(']')?.0.parse().ok();
    }
    v.parse::<SocketAddr>().ok().map(|s| s.ip())
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(*k, HeaderValue::from_str(v).unwrap());
        }
        h
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn forwarded_addresses_count_only_from_trusted_proxies() {
        let trusted: Vec<IpNet> = vec!["10.0.0.0/8".parse().unwrap()];
        let forged = headers(&[("x-forwarded-for", "198.51.100.9")]);
        assert_eq!(
            client_ip(ip("203.0.113.5"), &forged, &trusted),
            ip("203.0.113.5"),
            "a client cannot name itself"
        );
        assert_eq!(
            client_ip(ip("10.0.0.2"), &forged, &[]),
            ip("10.0.0.2"),
            "no proxies configured"
        );
        let chain = headers(&[("x-forwarded-for", "1.1.1.1, 203.0.113.5, 10.0.0.3")]);
        assert_eq!(
            client_ip(ip("10.0.0.2"), &chain, &trusted),
            ip("203.0.113.5"),
            "the first untrusted hop from the right; the client-written 1.1.1.1 is ignored"
        );
        let rfc = headers(&[(
            "forwarded",
            "for=1.1.1.1, for=\"[2001:db8::7]:4711\";proto=https",
        )]);
        assert_eq!(client_ip(ip("10.1.2.3"), &rfc, &trusted), ip("2001:db8::7"));
        let unknown = headers(&[("x-forwarded-for", "unknown")]);
        assert_eq!(
            client_ip(ip("10.1.2.3"), &unknown, &trusted),
            ip("10.1.2.3")
        );
    }
}
