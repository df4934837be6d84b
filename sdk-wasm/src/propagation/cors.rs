//! The CORS rule for trace headers, as one pure function, and the small URL resolver it needs.
//!
//! Headers go to a URL only when, after resolving it against the document's URL, its origin
//! (scheme, host, port) equals the document's, or when it matches one of the configured
//! patterns: a RegExp matches anywhere in the resolved URL, a plain string only when equal to
//! the whole resolved URL (OpenTelemetry JS's `propagateTraceHeaderCorsUrls` semantics).
//! Adding `traceparent` to any other cross-origin request would trigger a CORS preflight the
//! server is likely to reject.

/// Something that may match a URL anywhere in it: a JS `RegExp` in the browser
/// (`web::regexp`), or any Rust matcher.
pub trait UrlMatcher {
    fn is_match(&self, url: &str) -> bool;
}

pub enum UrlPattern {
    /// Equal to the whole resolved URL.
    Exact(String),
    /// A matcher that searches the resolved URL (a JS RegExp).
    Matches(Box<dyn UrlMatcher>),
}

impl UrlPattern {
    pub fn matches(&self, url: &str) -> bool {
        match self {
            UrlPattern::Exact(s) => s == url,
            UrlPattern::Matches(m) => m.is_match(url),
        }
    }
}

impl std::fmt::Debug for UrlPattern {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            UrlPattern::Exact(s) => f.debug_tuple("Exact").field(s).finish(),
            UrlPattern::Matches(_) => f.write_str("Matches(..)"),
        }
    }
}

/// Whether trace headers may be sent to `url`, requested from a document at `document_url`.
pub fn should_inject(url: &str, document_url: &str, patterns: &[UrlPattern]) -> bool {
    if same_origin_text(url, document_url) {
        return true;
    }
    let Some(target) = resolve(url, document_url) else {
        return false;
    };
    let doc = resolve(document_url, document_url).and_then(|d| d.origin);
    if target.origin.is_some() && target.origin == doc {
        return true;
    }
    patterns.iter().any(|p| p.matches(&target.href))
}

/// Whether `url` starts with the document's `http(s)://host[:port]` and then its path: the same
/// origin, seen without resolving either URL (in the browser, each resolve is a dozen calls into
/// JS, on every request). Both are as the browser serialises them (the shim's `new URL(…).href`
/// and `location.href`); any other form is left to [`resolve`].
fn same_origin_text(url: &str, document_url: &str) -> bool {
    let Some(rest) = document_url
        .strip_prefix("https://")
        .or_else(|| document_url.strip_prefix("http://"))
    else {
        return false;
    };
    // Through the `/` that starts the path (which a serialised http(s) URL always has).
    let Some(end) = crate::text::find(rest, b'/') else {
        return false;
    };
    let origin = &document_url[..document_url.len() - rest.len() + end + 1];
    !crate::text::has(origin, b'@') && url.starts_with(origin)
}

/// A tuple origin; opaque origins (data:, blob:, about:) are `None` on [`ResolvedUrl`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Origin {
    pub scheme: String,
    pub host: String,
    pub port: u16,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResolvedUrl {
    /// Serialized absolute URL: scheme and host lowercased, default port omitted,
    /// dot segments removed.
    pub href: String,
    pub origin: Option<Origin>,
}

fn default_port(scheme: &str) -> Option<u16> {
    match scheme {
        "http" | "ws" => Some(80),
        "https" | "wss" => Some(443),
        "ftp" => Some(21),
        _ => None,
    }
}

#[cfg(not(target_arch = "wasm32"))]
/// Splits `scheme:` off an absolute URL.
fn split_scheme(url: &str) -> Option<(String, &str)> {
    let colon = url.find(':')?;
    let s = &url[..colon];
    let b = s.as_bytes();
    if b.is_empty()
        || !b[0].is_ascii_alphabetic()
        || !b
            .iter()
            .all(|c| c.is_ascii_alphanumeric() || b"+-.".contains(c))
    {
        return None;
    }
    Some((s.to_ascii_lowercase(), &url[colon + 1..]))
}

/// In the browser, its own URL parser resolves (`new URL(url, base)`), so the wasm carries
/// no parser; [`resolve`] below is the same rules for native callers and tests.
#[cfg(target_arch = "wasm32")]
pub fn resolve(url: &str, base: &str) -> Option<ResolvedUrl> {
    use crate::web::js::{get, Url};
    use wasm_bindgen::JsValue;
    // An absolute URL needs no base, even a bad one (`new URL` would throw on it).
    let u: JsValue = Url::new(url, &JsValue::from_str(base))
        .or_else(|_| Url::new(url, &JsValue::UNDEFINED))
        .ok()?
        .into();
    // Credentials never reach URL patterns or span attributes (the native resolver drops them).
    for k in ["username", "password"] {
        let _ = js_sys::Reflect::set(&u, &JsValue::from_str(k), &JsValue::from_str(""));
    }
    let text = |k: &str| get(&u, k).as_string().unwrap_or_default();
    let protocol = text("protocol");
    let scheme = crate::text::trim_end(&protocol, b':');
    let host = text("hostname");
    let port = match text("port").as_str() {
        "" => default_port(scheme),
        p => crate::decimal::parse(p),
    };
    let origin = match port {
        Some(port) if !host.is_empty() && default_port(scheme).is_some() => Some(Origin {
            scheme: scheme.to_string(),
            host,
            port,
        }),
        _ => None,
    };
    Some(ResolvedUrl {
        href: text("href"),
        origin,
    })
}

/// Resolves `url` against `base` (itself absolute), the way a browser resolves a fetch URL:
/// absolute, scheme-relative (`//host/p`), absolute-path (`/p`), query-only, fragment-only
/// and path-relative (`p`, `../p`) forms. `None` if neither yields an absolute URL.
#[cfg(not(target_arch = "wasm32"))]
pub fn resolve(url: &str, base: &str) -> Option<ResolvedUrl> {
    let url: String = url
        .trim_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect();
    if let Some((scheme, rest)) = split_scheme(&url) {
        return Some(build_absolute(scheme, rest));
    }
    let b = resolve_base(base)?;
    let url = url.replace('\\', "/");
    let joined = if url.starts_with("//") {
        format_abs(&b.scheme, &url)
    } else if url.starts_with('/') {
        format_abs(&b.scheme, &(String::from("//") + &b.authority + &url))
    } else if url.starts_with('?') {
        format_abs(
            &b.scheme,
            &(String::from("//") + &b.authority + &b.path + &url),
        )
    } else if url.starts_with('#') || url.is_empty() {
        format_abs(
            &b.scheme,
            &(String::from("//") + &b.authority + &b.path + &b.query + &url),
        )
    } else {
        let dir = &b.path[..b.path.rfind('/').map(|i| i + 1).unwrap_or(0)];
        format_abs(&b.scheme, &(String::from("//") + &b.authority + dir + &url))
    };
    let (scheme, rest) = split_scheme(&joined)?;
    Some(build_absolute(scheme, rest))
}

#[cfg(not(target_arch = "wasm32"))]
fn format_abs(scheme: &str, rest: &str) -> String {
    let mut s = String::with_capacity(scheme.len() + 1 + rest.len());
    s.push_str(scheme);
    s.push(':');
    s.push_str(rest);
    s
}

#[cfg(not(target_arch = "wasm32"))]
struct Base {
    scheme: String,
    authority: String,
    path: String,
    query: String,
}

#[cfg(not(target_arch = "wasm32"))]
fn resolve_base(base: &str) -> Option<Base> {
    let (scheme, rest) = split_scheme(base.trim())?;
    let r = build_absolute(scheme.clone(), rest);
    r.origin.as_ref()?;
    // Re-split the normalized href: scheme://authority/path?query#fragment
    let after = &r.href[scheme.len() + 3..];
    let path_at = after.find('/').unwrap_or(after.len());
    let authority = after[..path_at].to_string();
    let tail = &after[path_at..];
    let tail = &tail[..tail.find('#').unwrap_or(tail.len())];
    let q = tail.find('?').unwrap_or(tail.len());
    Some(Base {
        scheme,
        authority,
        path: tail[..q].to_string(),
        query: tail[q..].to_string(),
    })
}

#[cfg(not(target_arch = "wasm32"))]
/// Normalizes an absolute URL given its lowercased scheme and what follows the colon.
fn build_absolute(scheme: String, rest: &str) -> ResolvedUrl {
    let special = default_port(&scheme).is_some() || scheme == "file";
    if !special {
        // Opaque or non-special: keep as written.
        return ResolvedUrl {
            href: format_abs(&scheme, rest),
            origin: None,
        };
    }
    let rest = rest.trim_start_matches(['/', '\\']);
    let end = rest.find(['/', '\\', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..end];
    let tail = &rest[end..];
    let hostport = authority
        .rsplit_once('@')
        .map(|(_, h)| h)
        .unwrap_or(authority);
    let (host, port_str) = match hostport.rfind(':') {
        Some(i) if !hostport[i..].contains(']') => (&hostport[..i], &hostport[i + 1..]),
        _ => (hostport, ""),
    };
    let host = host.to_ascii_lowercase();
    let default = default_port(&scheme);
    let port = if port_str.is_empty() {
        default
    } else {
        crate::decimal::parse(port_str)
    };
    // Path: backslashes are slashes in special URLs; remove dot segments.
    let q = tail.find(['?', '#']).unwrap_or(tail.len());
    let path = remove_dot_segments(&tail[..q].replace('\\', "/"));
    let mut href = String::with_capacity(scheme.len() + host.len() + tail.len() + 10);
    href.push_str(&scheme);
    href.push_str("://");
    href.push_str(&host);
    if let (Some(p), false) = (port, port == default) {
        href.push(':');
        crate::decimal::push_u64(&mut href, p as u64);
    }
    href.push_str(if path.is_empty() { "/" } else { &path });
    href.push_str(&tail[q..]);
    let origin = match (port, scheme.as_str(), host.is_empty()) {
        (Some(port), s, false) if s != "file" => Some(Origin {
            scheme: scheme.clone(),
            host,
            port,
        }),
        _ => None,
    };
    ResolvedUrl { href, origin }
}

#[cfg(not(target_arch = "wasm32"))]
/// RFC 3986 §5.2.4 for a path that starts with `/` (or is empty).
fn remove_dot_segments(path: &str) -> String {
    let mut out: Vec<&str> = Vec::new();
    let segs: Vec<&str> = path.split('/').skip(1).collect();
    let n = segs.len();
    for (i, s) in segs.iter().enumerate() {
        let last = i + 1 == n;
        match *s {
            "." | "%2e" | "%2E" => {
                if last {
                    out.push("");
                }
            }
            ".." | ".%2e" | "%2e." | "%2e%2e" | ".%2E" | "%2E." | "%2E%2E" => {
                out.pop();
                if last {
                    out.push("");
                }
            }
            s => out.push(s),
        }
    }
    if path.is_empty() {
        return String::new();
    }
    let mut r = String::with_capacity(path.len());
    for s in out {
        r.push('/');
        r.push_str(s);
    }
    if r.is_empty() {
        r.push('/');
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = "https://Shop.Example:443/app/cart/index.html?x=1#top";

    /// Stands in for a JS RegExp natively: matches anywhere in the URL.
    struct Contains(&'static str);
    impl UrlMatcher for Contains {
        fn is_match(&self, url: &str) -> bool {
            url.contains(self.0)
        }
    }

    fn href(u: &str) -> String {
        resolve(u, DOC).unwrap().href
    }

    #[test]
    fn same_origin_by_text_only_for_the_serialised_origin_and_a_path() {
        let doc = "https://shop.example/app?x#y";
        for u in ["https://shop.example/", "https://shop.example/api?q"] {
            assert!(same_origin_text(u, doc), "{u}");
        }
        // Left to resolve: another origin, or a form only resolving tells.
        for u in [
            "https://shop.example.evil/x",
            "https://shop.example:8443/x",
            "https://shop.example@evil.example/x",
            "http://shop.example/x",
            "/api",
            "HTTPS://shop.example/x",
        ] {
            assert!(!same_origin_text(u, doc), "{u}");
        }
        assert!(!same_origin_text(
            "https://a@shop.example/x",
            "https://a@shop.example/"
        ));
        assert!(!same_origin_text("data:x", "about:blank"));
        assert!(should_inject("HTTPS://Shop.Example:443/x", doc, &[]));
    }

    #[test]
    fn resolves_like_a_browser() {
        assert_eq!(href("/api/x?y=1"), "https://shop.example/api/x?y=1");
        assert_eq!(href("api/x"), "https://shop.example/app/cart/api/x");
        assert_eq!(href("../api/./x"), "https://shop.example/app/api/x");
        assert_eq!(href("../../../../x"), "https://shop.example/x");
        assert_eq!(href("//CDN.example:8443/a"), "https://cdn.example:8443/a");
        assert_eq!(href("?q=2"), "https://shop.example/app/cart/index.html?q=2");
        assert_eq!(
            href("#frag"),
            "https://shop.example/app/cart/index.html?x=1#frag"
        );
        assert_eq!(href(""), "https://shop.example/app/cart/index.html?x=1");
        assert_eq!(href("HTTP://User:pw@Api.Example:80"), "http://api.example/");
        assert_eq!(
            href("http://api.example:8080/a/../b"),
            "http://api.example:8080/b"
        );
        assert_eq!(href("  /trim\t"), "https://shop.example/trim");
        assert_eq!(href("\\\\evil.example/x"), "https://evil.example/x");
        assert_eq!(href("http://[::1]:9/x"), "http://[::1]:9/x");
        assert_eq!(href("data:text/plain,hi"), "data:text/plain,hi");
    }

    #[test]
    fn origins_default_ports() {
        let o = |u: &str| resolve(u, DOC).unwrap().origin;
        assert_eq!(o("http://a.example").unwrap().port, 80);
        assert_eq!(o("https://a.example").unwrap().port, 443);
        assert_eq!(o("http://[::1]").unwrap().host, "[::1]");
        assert_eq!(o("https://A.example:443/x"), o("https://a.example/y"));
        assert!(o("data:text/plain,hi").is_none());
        assert!(o("blob:https://a.example/uuid").is_none());
        assert!(o("http://a.example:99999/").is_none(), "invalid port");
    }

    #[test]
    fn same_origin_after_resolving() {
        for u in [
            "/api",
            "api",
            "../api",
            "//shop.example/api",
            "https://shop.example:443/api",
            "HTTPS://SHOP.EXAMPLE/api",
            "?x",
            "#y",
        ] {
            assert!(should_inject(u, DOC, &[]), "{u}");
        }
        for u in [
            "http://shop.example/api",
            "https://shop.example:8443/api",
            "//api.shop.example/x",
            "https://other.example/",
            "data:,x",
            "mailto:a@b",
        ] {
            assert!(!should_inject(u, DOC, &[]), "{u}");
        }
        assert!(should_inject("/api", "http://localhost:5173/", &[]));
        assert!(!should_inject(
            "http://localhost:4318/v1/traces",
            "http://localhost:5173/",
            &[]
        ));
    }

    #[test]
    fn exact_strings_match_the_whole_url_only() {
        let p = [UrlPattern::Exact("https://api.example/v1/items".into())];
        assert!(should_inject("https://api.example/v1/items", DOC, &p));
        assert!(
            should_inject("https://API.example:443/v1/items", DOC, &p),
            "compared after normalizing"
        );
        assert!(!should_inject(
            "https://api.example/v1/items?page=2",
            DOC,
            &p
        ));
        assert!(!should_inject("https://api.example/v1", DOC, &p));
    }

    #[test]
    fn matchers_match_anywhere() {
        let p = [UrlPattern::Matches(Box::new(Contains("api.example")))];
        assert!(should_inject(
            "https://api.example/v1/items?page=2",
            DOC,
            &p
        ));
        assert!(should_inject("http://x.example/?u=api.example", DOC, &p));
        assert!(!should_inject("https://other.example/", DOC, &p));
        assert_eq!(format!("{:?}", p[0]), "Matches(..)");
    }

    #[test]
    fn unresolvable_input_injects_nothing() {
        assert!(!should_inject("/api", "not a url", &[]));
        assert!(!should_inject(
            "/api",
            "about:blank",
            &[UrlPattern::Exact("/api".into())]
        ));
    }
}
