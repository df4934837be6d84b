//! Stable HTTP semantic conventions for client spans: method normalisation,
//! server address/port from an absolute URL, and the outcome → status mapping
//! shared by fetch and XHR.

use crate::text;

/// Methods kept as they are (upper-cased); anything else becomes `_OTHER`.
const KNOWN_METHODS: [&str; 10] = [
    "CONNECT", "DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT", "TRACE", "QUERY",
];

/// `http.request.method` and, when it differs from what the page passed,
/// `http.request.method_original`.
#[derive(Debug, PartialEq, Eq)]
pub struct Method {
    pub normalised: String,
    pub original: Option<String>,
}

pub fn normalise_method(raw: &str) -> Method {
    let upper = raw.to_ascii_uppercase();
    let normalised = if KNOWN_METHODS.contains(&upper.as_str()) {
        upper
    } else {
        "_OTHER".to_string()
    };
    let original = (normalised != raw).then(|| raw.to_string());
    Method {
        normalised,
        original,
    }
}

/// Host and port of an absolute `http(s)` URL (`server.address`, `server.port`);
/// the port defaults from the scheme. `None` for URLs that are not absolute.
pub fn server_address_port(absolute_url: &str) -> Option<(String, u16)> {
    let i = scheme_end(absolute_url)?;
    let (scheme, rest) = (&absolute_url[..i], &absolute_url[i + 3..]);
    let default_port = match scheme.to_ascii_lowercase().as_str() {
        "http" | "ws" => 80,
        "https" | "wss" => 443,
        _ => 0,
    };
    let authority = &rest[..text::find_any(rest, b"/?#").unwrap_or(rest.len())];
    let host_port = text::rsplit_once(authority, b'@').map_or(authority, |(_, hp)| hp);
    let (host, port) = if let Some(v6) = host_port.strip_prefix('[') {
        let (host, after) = text::split_once(v6, b']')?;
        (host, after.strip_prefix(':'))
    } else {
        match text::rsplit_once(host_port, b':') {
            Some((h, p)) => (h, Some(p)),
            None => (host_port, None),
        }
    };
    if host.is_empty() {
        return None;
    }
    let port = match port {
        Some(p) if !p.is_empty() => crate::decimal::parse(p)?,
        _ => default_port,
    };
    Some((host.to_ascii_lowercase(), port))
}

/// Where `://` starts in a URL. A byte search: `str::find` with a string pattern brings in
/// the two-way searcher (~2 KB of wasm) for this one three-byte needle.
pub fn scheme_end(url: &str) -> Option<usize> {
    url.as_bytes().windows(3).position(|w| w == b"://")
}

/// Path, query and fragment of an absolute URL (`/a?b#c`), the part that
/// names a route in a single-page app.
pub fn route_of(href: &str) -> &str {
    let after_scheme = scheme_end(href).map_or(0, |i| i + 3);
    text::find_any(&href[after_scheme..], b"/?#").map_or("/", |i| &href[after_scheme + i..])
}

/// How a request ended, as seen by the page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Response headers arrived (fetch) or `load` fired (XHR). Status 0 is an
    /// opaque response.
    Response(u16),
    NetworkError,
    Aborted,
    Timeout,
}

/// What an outcome puts on the span.
#[derive(Debug, PartialEq, Eq)]
pub struct OutcomeAttrs {
    pub status_code: Option<u16>,
    /// `error.type`; also the ERROR status message.
    pub error_type: Option<String>,
    /// Span status ERROR.
    pub is_error: bool,
    /// The XHR event closing the span (`loaded`, `error`, `abort`, `timeout`).
    pub xhr_event: &'static str,
}

/// Which API made the request: an abort is an error for fetch (the promise
/// rejects with AbortError) but UNSET for XHR (OpenTelemetry JS parity).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Api {
    Fetch,
    Xhr,
}

pub fn outcome_attrs(api: Api, outcome: Outcome) -> OutcomeAttrs {
    let (status_code, error_type, xhr_event) = match outcome {
        Outcome::Response(status) => (
            (status != 0).then_some(status),
            (status >= 400).then(|| crate::decimal::u64_text(status.into())),
            // OTel JS reports a load with status >= 299 as an `error` event.
            if status != 0 && status < 299 {
                "loaded"
            } else {
                "error"
            },
        ),
        Outcome::NetworkError => (None, Some("error".to_string()), "error"),
        Outcome::Aborted if api == Api::Fetch => (None, Some("AbortError".to_string()), "abort"),
        Outcome::Aborted => (None, None, "abort"),
        Outcome::Timeout => (None, Some("timeout".to_string()), "timeout"),
    };
    OutcomeAttrs {
        status_code,
        is_error: error_type.is_some(),
        error_type,
        xhr_event,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn methods_are_normalised() {
        assert_eq!(
            normalise_method("GET"),
            Method {
                normalised: "GET".into(),
                original: None
            }
        );
        assert_eq!(
            normalise_method("get"),
            Method {
                normalised: "GET".into(),
                original: Some("get".into())
            }
        );
        assert_eq!(normalise_method("QUERY").normalised, "QUERY");
        let other = normalise_method("PURGE");
        assert_eq!(other.normalised, "_OTHER");
        assert_eq!(other.original.as_deref(), Some("PURGE"));
    }

    #[test]
    fn routes() {
        assert_eq!(route_of("http://h:1/a/b?x=1#y"), "/a/b?x=1#y");
        assert_eq!(route_of("https://h"), "/");
        assert_eq!(route_of("https://h?q"), "?q");
    }

    #[test]
    fn server_address_and_port() {
        assert_eq!(
            server_address_port("http://example.com/a"),
            Some(("example.com".into(), 80))
        );
        assert_eq!(
            server_address_port("https://Example.com?q"),
            Some(("example.com".into(), 443))
        );
        assert_eq!(
            server_address_port("http://127.0.0.1:8080/x"),
            Some(("127.0.0.1".into(), 8080))
        );
        assert_eq!(
            server_address_port("http://u:p@h:81#f"),
            Some(("h".into(), 81))
        );
        assert_eq!(
            server_address_port("http://[::1]:9000/"),
            Some(("::1".into(), 9000))
        );
        assert_eq!(
            server_address_port("http://[::1]/"),
            Some(("::1".into(), 80))
        );
        assert_eq!(server_address_port("/relative"), None);
        assert_eq!(server_address_port("http://h:notaport/"), None);
    }

    fn attrs(api: Api, o: Outcome) -> (Option<u16>, Option<&'static str>, bool, &'static str) {
        let a = outcome_attrs(api, o);
        let e = a.error_type.map(|s| &*Box::leak(s.into_boxed_str()));
        (a.status_code, e, a.is_error, a.xhr_event)
    }

    #[test]
    fn outcomes_map_to_status() {
        use Api::*;
        assert_eq!(
            attrs(Xhr, Outcome::Response(200)),
            (Some(200), None, false, "loaded")
        );
        assert_eq!(
            attrs(Fetch, Outcome::Response(404)),
            (Some(404), Some("404"), true, "error")
        );
        assert_eq!(
            attrs(Fetch, Outcome::Response(500)),
            (Some(500), Some("500"), true, "error")
        );
        // 3xx seen by XHR: an `error` event but not an ERROR status (OTel JS parity).
        assert_eq!(
            attrs(Xhr, Outcome::Response(304)),
            (Some(304), None, false, "error")
        );
        // Opaque responses have status 0: no status code, no error.
        assert_eq!(
            attrs(Fetch, Outcome::Response(0)),
            (None, None, false, "error")
        );
        assert_eq!(
            attrs(Fetch, Outcome::NetworkError),
            (None, Some("error"), true, "error")
        );
        assert_eq!(
            attrs(Xhr, Outcome::NetworkError),
            (None, Some("error"), true, "error")
        );
        assert_eq!(
            attrs(Fetch, Outcome::Aborted),
            (None, Some("AbortError"), true, "abort")
        );
        assert_eq!(attrs(Xhr, Outcome::Aborted), (None, None, false, "abort"));
        assert_eq!(
            attrs(Xhr, Outcome::Timeout),
            (None, Some("timeout"), true, "timeout")
        );
    }
}
