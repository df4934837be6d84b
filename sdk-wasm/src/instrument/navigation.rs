//! SPA navigation: which URL changes the shim reports are route changes, of which type
//! (`browser.navigation.type`), and the route each one leaves. The browser glue supplies the
//! URLs and the route (from the page's `routeTemplate` hook, see [`route_or_path`]).

use crate::rum::route::{only_fragment_differs, pathname};

/// The span each route change makes.
pub const SPAN_NAME: &str = "routeChange";

/// How the shim saw the URL change: after `history.pushState`, after `history.replaceState`;
/// any other `kind` is a `popstate` or `hashchange` event.
pub const PUSH: u8 = 0;
pub const REPLACE: u8 = 1;

/// The route of `href`: what the `routeTemplate` hook gave when it is a non-empty string,
/// else the URL's path (no query, no fragment).
pub fn route_or_path(template: Option<String>, href: &str) -> String {
    template
        .filter(|r| !r.is_empty())
        .unwrap_or_else(|| pathname(href).to_string())
}

/// The page's URL and route as the navigation instrumentation last recorded them.
#[derive(Debug, Default)]
pub struct Location {
    href: String,
    route: String,
}

impl Location {
    pub fn new(href: String, route: String) -> Self {
        Location { href, route }
    }

    /// The shim reported `href` after a `kind` change. `None` when the URL is the one
    /// recorded, so the `popstate` + `hashchange` pair of one hash change counts once; else
    /// records it and returns the navigation type: `push`, `replace`, `hash` (an event that
    /// changed only the fragment) or `pop` (back or forward to another document URL).
    pub fn url_changed(&mut self, kind: u8, href: &str) -> Option<&'static str> {
        if href == self.href {
            return None;
        }
        let ty = match kind {
            PUSH => "push",
            REPLACE => "replace",
            _ if only_fragment_differs(&self.href, href) => "hash",
            _ => "pop",
        };
        self.href = href.to_string();
        Some(ty)
    }

    /// The page's route as last recorded.
    pub fn route(&self) -> &str {
        &self.route
    }

    /// Records `route` as the page's route; returns the route it replaces
    /// (`page.previous_route`).
    pub fn route_changed(&mut self, route: &str) -> String {
        std::mem::replace(&mut self.route, route.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const POP_OR_HASH: u8 = 2;

    fn at(href: &str) -> Location {
        Location::new(href.into(), pathname(href).into())
    }

    #[test]
    fn history_calls_are_push_or_replace_even_when_only_the_fragment_changes() {
        let mut l = at("https://h/a");
        assert_eq!(l.url_changed(PUSH, "https://h/b"), Some("push"));
        assert_eq!(l.url_changed(PUSH, "https://h/b#x"), Some("push"));
        assert_eq!(l.url_changed(REPLACE, "https://h/b#y"), Some("replace"));
        assert_eq!(l.url_changed(REPLACE, "https://h/c?q=1"), Some("replace"));
    }

    #[test]
    fn popstate_and_hashchange_are_hash_when_only_the_fragment_changed_else_pop() {
        let mut l = at("https://h/a");
        assert_eq!(l.url_changed(POP_OR_HASH, "https://h/a#s"), Some("hash"));
        assert_eq!(l.url_changed(POP_OR_HASH, "https://h/a#t"), Some("hash"));
        assert_eq!(l.url_changed(POP_OR_HASH, "https://h/a"), Some("hash"));
        // Back to another path, or the same path with another query: a pop.
        assert_eq!(l.url_changed(POP_OR_HASH, "https://h/b"), Some("pop"));
        assert_eq!(l.url_changed(POP_OR_HASH, "https://h/b?p=2"), Some("pop"));
    }

    #[test]
    fn an_unchanged_url_is_no_route_change() {
        let mut l = at("https://h/a");
        // A call that leaves the URL as it was (e.g. replaceState with state only).
        assert_eq!(l.url_changed(REPLACE, "https://h/a"), None);
        // One hash change fires popstate then hashchange: one change.
        assert_eq!(l.url_changed(POP_OR_HASH, "https://h/a#x"), Some("hash"));
        assert_eq!(l.url_changed(POP_OR_HASH, "https://h/a#x"), None);
        // The type compares with the URL last recorded, not the page's first one.
        assert_eq!(l.url_changed(POP_OR_HASH, "https://h/a#y"), Some("hash"));
    }

    #[test]
    fn each_change_names_the_route_it_left() {
        let mut l = at("https://h/users");
        assert_eq!(l.route_changed("/users/:id"), "/users");
        assert_eq!(l.route_changed("/users"), "/users/:id");
        // A change of URL within one route leaves that route.
        assert_eq!(l.route_changed("/users"), "/users");
    }

    #[test]
    fn the_route_is_the_template_or_else_the_path() {
        let href = "https://h/users/7?tab=2#top";
        assert_eq!(route_or_path(Some("/users/:id".into()), href), "/users/:id");
        // A hook that returned nothing, an empty string or not a string (or threw).
        assert_eq!(route_or_path(Some(String::new()), href), "/users/7");
        assert_eq!(route_or_path(None, href), "/users/7");
        assert_eq!(route_or_path(None, "https://h"), "/");
    }
}
