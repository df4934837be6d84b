//! Who may create the first (ADMIN) account while the instance is fresh. A web page on another
//! site must not be able to do it through the operator's browser, so registration is accepted
//! only:
//! - with the setup token (`X-Setup-Token` header or `setupToken` body field), or
//! - unless the token was configured explicitly (`--setup-token`, strict mode), from a page of
//!   the server's own origin (`Origin` matches `Host`), or from a non-browser client on
//!   loopback (no `Origin`).

use std::net::SocketAddr;

use axum::http::{header, HeaderMap};

pub struct SetupGate {
    pub token: Option<String>,
    /// The token was given on the command line: nothing else opens registration.
    pub strict: bool,
}

pub const TOKEN_HEADER: &str = "x-setup-token";

impl SetupGate {
    /// Why the request may not register, if it may not.
    pub fn check(
        &self,
        headers: &HeaderMap,
        peer: Option<SocketAddr>,
        body_token: &str,
    ) -> Result<(), &'static str> {
        let given = headers
            .get(TOKEN_HEADER)
            .and_then(|v| v.to_str().ok())
            .unwrap_or(body_token);
        if let Some(t) = &self.token {
            if !given.is_empty() && constant_time_eq(given.as_bytes(), t.as_bytes()) {
                return Ok(());
            }
        }
        if self.strict {
            return Err("a setup token is required to create the first account (see the server's start-up output)");
        }
        let cross_site = headers
            .get("sec-fetch-site")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v == "cross-site" || v == "same-site");
        let origin = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok());
        let ok = match origin {
            Some(o) => !cross_site && same_origin(o, headers),
            None => !cross_site && peer.is_some_and(|p| p.ip().to_canonical().is_loopback()),
        };
        if ok {
            Ok(())
        } else {
            Err("the first account can only be created from the dashboard served by this server, from this machine, or with the setup token printed at start-up")
        }
    }
}

/// `Origin` names the host the request was sent to (`Host`). When `Host` carries no port
/// (a proxy that forwards `$host`), only the host names are compared.
fn same_origin(origin: &str, headers: &HeaderMap) -> bool {
    let Some(host) = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .map(|h| h.trim().to_ascii_lowercase())
    else {
        return false;
    };
    let Some(authority) = origin
        .trim()
        .to_ascii_lowercase()
        .split_once("://")
        .map(|(_, a)| a.trim_end_matches('/').to_string())
    else {
        return false;
    };
    if authority == host {
        return true;
    }
    let host_has_port = host
        .rsplit_once(':')
        .is_some_and(|(_, p)| p.parse::<u16>().is_ok())
        && !host.ends_with(']');
    if host_has_port {
        return false;
    }
    let origin_host = match authority.rsplit_once(':') {
        Some((h, p)) if p.parse::<u16>().is_ok() && !authority.ends_with(']') => h.to_string(),
        _ => authority,
    };
    origin_host == host
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut m = HeaderMap::new();
        for (k, v) in pairs {
            m.insert(*k, v.parse().unwrap());
        }
        m
    }

    #[test]
    fn origin_must_match_host() {
        assert!(same_origin(
            "http://127.0.0.1:8080",
            &h(&[("host", "127.0.0.1:8080")])
        ));
        assert!(same_origin(
            "http://localhost:3301",
            &h(&[("host", "localhost")])
        ));
        assert!(!same_origin(
            "https://evil.example",
            &h(&[("host", "127.0.0.1:8080")])
        ));
        assert!(!same_origin(
            "http://127.0.0.1:9999",
            &h(&[("host", "127.0.0.1:8080")])
        ));
        assert!(!same_origin("null", &h(&[("host", "127.0.0.1:8080")])));
    }

    #[test]
    fn loopback_without_origin_or_token() {
        let g = SetupGate {
            token: Some("t0k".into()),
            strict: false,
        };
        let lo: SocketAddr = "127.0.0.1:5000".parse().unwrap();
        let far: SocketAddr = "192.0.2.7:5000".parse().unwrap();
        assert!(g.check(&h(&[]), Some(lo), "").is_ok());
        assert!(g.check(&h(&[]), Some(far), "").is_err());
        assert!(g.check(&h(&[]), Some(far), "t0k").is_ok());
        assert!(g.check(&h(&[(TOKEN_HEADER, "t0k")]), Some(far), "").is_ok());
        let strict = SetupGate {
            token: Some("t0k".into()),
            strict: true,
        };
        assert!(strict.check(&h(&[]), Some(lo), "").is_err());
    }
}
