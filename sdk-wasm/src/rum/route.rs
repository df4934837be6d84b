//! SPA route helpers: the default route (the URL's path), how a history entry change is
//! classified, and when an interaction span's route goes without saying.

use crate::attributes::{KeyValue, Value};

use crate::text;

/// The path of an absolute or relative URL (`/a/b` of `https://h/a/b?q#f`), `/` when empty.
pub fn pathname(url: &str) -> &str {
    let after_scheme = crate::instrument::semconv::scheme_end(url).map_or(0, |i| i + 3);
    let rest = &url[after_scheme..];
    let start = if after_scheme > 0 {
        text::find(rest, b'/').unwrap_or(rest.len())
    } else {
        0
    };
    let path = &rest[start..];
    let path = &path[..text::find_any(path, b"?#").unwrap_or(path.len())];
    if path.is_empty() {
        "/"
    } else {
        path
    }
}

/// An interaction span (one with `event_type`, OpenTelemetry's user-interaction convention)
/// carries the page it happened on as `url.full` (OpenTelemetry JS's `http.url`). Its
/// `page.route` then says nothing more when it is just that URL's path (no route template):
/// it is left out (29 B of a ~230 B click span), and a reader takes the path of `url.full`.
/// A templated route (`/orders/:id`) is kept.
pub fn drop_implied_route(attrs: &mut Vec<KeyValue>) {
    let get = |k: &str| {
        attrs
            .iter()
            .find(|kv| kv.key.as_str() == k)
            .map(|kv| &kv.value)
    };
    // Most spans are no interaction: one scan, not three.
    if get("event_type").is_none() {
        return;
    }
    let implied = match (get("url.full"), get("page.route")) {
        (Some(Value::String(url)), Some(Value::String(route))) => {
            pathname(url.as_str()) == route.as_str()
        }
        _ => false,
    };
    if implied {
        attrs.retain(|kv| kv.key.as_str() != "page.route");
    }
}

/// Whether two URLs differ only after `#` (a hash change, not a new history document).
pub fn only_fragment_differs<'a>(a: &'a str, b: &'a str) -> bool {
    let base = |u: &'a str| text::split_once(u, b'#').map_or(u, |(b, _)| b);
    a != b && base(a) == base(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pathnames() {
        assert_eq!(pathname("https://h:8080/a/b?q=1#f"), "/a/b");
        assert_eq!(pathname("https://h"), "/");
        assert_eq!(pathname("https://h?x"), "/");
        assert_eq!(pathname("/rel/x?y"), "/rel/x");
    }

    #[test]
    fn an_interaction_span_route_is_implied_by_its_url() {
        let span = |route: &str, extra: Option<KeyValue>| {
            let mut a = vec![
                KeyValue::new("page.route", route.to_string()),
                KeyValue::new("target_element", "BUTTON"),
                KeyValue::new("url.full", "https://h/orders/7?tab=2#x"),
            ];
            a.extend(extra);
            drop_implied_route(&mut a);
            a.iter().any(|kv| kv.key.as_str() == "page.route")
        };
        let click = || Some(KeyValue::new("event_type", "click"));
        assert!(
            !span("/orders/7", click()),
            "the path of url.full: left out"
        );
        assert!(span("/orders/:id", click()), "a template says more: kept");
        assert!(
            span("/orders/7", None),
            "not an interaction span (url.full is not the page)"
        );
    }

    #[test]
    fn fragment_changes() {
        assert!(only_fragment_differs("https://h/a#x", "https://h/a#y"));
        assert!(only_fragment_differs("https://h/a", "https://h/a#y"));
        assert!(!only_fragment_differs("https://h/a#x", "https://h/b#x"));
        assert!(!only_fragment_differs("https://h/a", "https://h/a"));
    }
}
