//! URL patterns (`ignoreUrls`, `propagateTraceHeaderCorsUrls`) and the
//! same-origin test behind trace-header injection.

/// A configured pattern: a string matches only the whole URL; a RegExp
/// matches anywhere in it (OpenTelemetry JS semantics). The RegExp test is a
/// function so the rule is testable natively.
pub enum UrlPattern {
    Exact(String),
    Search(Box<dyn Fn(&str) -> bool>),
}

impl UrlPattern {
    pub fn matches(&self, url: &str) -> bool {
        match self {
            UrlPattern::Exact(s) => s == url,
            UrlPattern::Search(f) => f(url),
        }
    }
}

pub fn any_match(patterns: &[UrlPattern], url: &str) -> bool {
    patterns.iter().any(|p| p.matches(url))
}

/// `scheme://host:port` of an absolute URL, lower-cased, port made explicit.
pub fn origin(absolute_url: &str) -> Option<String> {
    let (scheme, _) = absolute_url.split_once("://")?;
    let (host, port) = super::semconv::server_address_port(absolute_url)?;
    let host = if host.contains(':') { format!("[{host}]") } else { host };
    Some(format!("{}://{host}:{port}", scheme.to_ascii_lowercase()))
}

/// Trace headers go to the page's own origin, and elsewhere only to URLs
/// the page allows (the server must then accept the header in CORS).
pub fn should_inject(absolute_url: &str, page_origin: &str, cors_allowed: &[UrlPattern]) -> bool {
    origin(absolute_url).is_some_and(|o| Some(o) == origin(page_origin)) || any_match(cors_allowed, absolute_url)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_strings_and_searches() {
        let pats = vec![UrlPattern::Exact("http://a/x".into()), UrlPattern::Search(Box::new(|u| u.contains("collector")))];
        assert!(any_match(&pats, "http://a/x"));
        assert!(!any_match(&pats, "http://a/x?y"));
        assert!(any_match(&pats, "https://collector.example/v1/traces"));
        assert!(!any_match(&[], "http://a/x"));
    }

    #[test]
    fn same_origin_with_default_ports() {
        assert!(should_inject("http://h:80/a", "http://H/", &[]));
        assert!(should_inject("https://h/a", "https://h:443", &[]));
        assert!(!should_inject("http://h:81/a", "http://h/", &[]));
        assert!(!should_inject("https://h/a", "http://h/", &[]));
        assert!(!should_inject("http://localhost:5/a", "http://127.0.0.1:5/", &[]));
        let allow = vec![UrlPattern::Search(Box::new(|u| u.starts_with("http://localhost:5/")))];
        assert!(should_inject("http://localhost:5/a", "http://127.0.0.1:5/", &allow));
        assert_eq!(origin("http://[::1]:8/x").as_deref(), Some("http://[::1]:8"));
    }
}
