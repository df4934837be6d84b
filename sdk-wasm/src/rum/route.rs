//! SPA route helpers: the default route (the URL's path) and how a history entry change is
//! classified.

/// The path of an absolute or relative URL (`/a/b` of `https://h/a/b?q#f`), `/` when empty.
pub fn pathname(url: &str) -> &str {
    let after_scheme = url.find("://").map_or(0, |i| i + 3);
    let rest = &url[after_scheme..];
    let start = if after_scheme > 0 {
        rest.find('/').map_or(rest.len(), |i| i)
    } else {
        0
    };
    let path = &rest[start..];
    let path = &path[..path.find(['?', '#']).unwrap_or(path.len())];
    if path.is_empty() {
        "/"
    } else {
        path
    }
}

/// Whether two URLs differ only after `#` (a hash change, not a new history document).
pub fn only_fragment_differs(a: &str, b: &str) -> bool {
    let base = |u: &str| u.split('#').next().unwrap_or("").to_string();
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
    fn fragment_changes() {
        assert!(only_fragment_differs("https://h/a#x", "https://h/a#y"));
        assert!(only_fragment_differs("https://h/a", "https://h/a#y"));
        assert!(!only_fragment_differs("https://h/a#x", "https://h/b#x"));
        assert!(!only_fragment_differs("https://h/a", "https://h/a"));
    }
}
