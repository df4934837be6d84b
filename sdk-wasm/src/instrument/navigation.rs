//! SPA navigation: which URL changes the shim reports are route changes, of which type, and
//! what their `routeChange` span says. The browser glue supplies the URLs and the route
//! (from the page's `routeTemplate` hook, see [`route_or_path`]).

use super::span::Value;
use crate::rum::route::{only_fragment_differs, pathname};

/// The span each route change makes.
pub const SPAN_NAME: &str = "routeChange";

/// How the URL changed (`browser.navigation.type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NavigationType {
    /// `history.pushState`.
    Push,
    /// `history.replaceState`.
    Replace,
    /// `popstate` / `hashchange` that changed only the fragment.
    Hash,
    /// `popstate` to another document URL (back, forward).
    Pop,
}

impl NavigationType {
    /// From the shim's report: `kind` 0 after `pushState`, 1 after `replaceState`, anything
    /// else after `popstate` or `hashchange` (then the URLs tell a hash change from a pop).
    pub fn of(kind: u8, from: &str, to: &str) -> Self {
        match kind {
            0 => NavigationType::Push,
            1 => NavigationType::Replace,
            _ if only_fragment_differs(from, to) => NavigationType::Hash,
            _ => NavigationType::Pop,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            NavigationType::Push => "push",
            NavigationType::Replace => "replace",
            NavigationType::Hash => "hash",
            NavigationType::Pop => "pop",
        }
    }
}

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

/// One route change: the `routeChange` span's attributes.
#[derive(Debug, PartialEq)]
pub struct RouteChange {
    pub ty: NavigationType,
    pub href: String,
    pub route: String,
    pub previous_route: String,
}

impl Location {
    pub fn new(href: String, route: String) -> Self {
        Location { href, route }
    }

    /// The shim reported `href` (see [`NavigationType::of`] for `kind`). `None` when the URL
    /// is the one recorded, so the `popstate` + `hashchange` pair of one hash change counts
    /// once; else records it and says how it changed.
    pub fn url_changed(&mut self, kind: u8, href: &str) -> Option<NavigationType> {
        if href == self.href {
            return None;
        }
        let ty = NavigationType::of(kind, &self.href, href);
        self.href = href.to_string();
        Some(ty)
    }

    /// Records `route` as the page's route after a change of type `ty` to `href`.
    pub fn route_changed(
        &mut self,
        ty: NavigationType,
        href: String,
        route: String,
    ) -> RouteChange {
        let previous_route = std::mem::replace(&mut self.route, route.clone());
        RouteChange {
            ty,
            href,
            route,
            previous_route,
        }
    }
}

impl RouteChange {
    pub fn attributes(self) -> [(&'static str, Value); 4] {
        [
            ("browser.navigation.type", self.ty.as_str().into()),
            ("url.full", self.href.into()),
            ("page.route", self.route.into()),
            ("page.previous_route", self.previous_route.into()),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PUSH: u8 = 0;
    const REPLACE: u8 = 1;
    const POP_OR_HASH: u8 = 2;

    fn at(href: &str) -> Location {
        Location::new(href.into(), pathname(href).into())
    }

    #[test]
    fn history_calls_are_push_or_replace_even_when_only_the_fragment_changes() {
        let mut l = at("https://h/a");
        assert_eq!(
            l.url_changed(PUSH, "https://h/b"),
            Some(NavigationType::Push)
        );
        assert_eq!(
            l.url_changed(PUSH, "https://h/b#x"),
            Some(NavigationType::Push)
        );
        assert_eq!(
            l.url_changed(REPLACE, "https://h/b#y"),
            Some(NavigationType::Replace)
        );
        assert_eq!(
            l.url_changed(REPLACE, "https://h/c?q=1"),
            Some(NavigationType::Replace)
        );
    }

    #[test]
    fn popstate_and_hashchange_are_hash_when_only_the_fragment_changed_else_pop() {
        let mut l = at("https://h/a");
        assert_eq!(
            l.url_changed(POP_OR_HASH, "https://h/a#s"),
            Some(NavigationType::Hash)
        );
        assert_eq!(
            l.url_changed(POP_OR_HASH, "https://h/a#t"),
            Some(NavigationType::Hash)
        );
        assert_eq!(
            l.url_changed(POP_OR_HASH, "https://h/a"),
            Some(NavigationType::Hash)
        );
        // Back to another path, or the same path with another query: a pop.
        assert_eq!(
            l.url_changed(POP_OR_HASH, "https://h/b"),
            Some(NavigationType::Pop)
        );
        assert_eq!(
            l.url_changed(POP_OR_HASH, "https://h/b?p=2"),
            Some(NavigationType::Pop)
        );
    }

    #[test]
    fn an_unchanged_url_is_no_route_change() {
        let mut l = at("https://h/a");
        // A call that leaves the URL as it was (e.g. replaceState with state only).
        assert_eq!(l.url_changed(REPLACE, "https://h/a"), None);
        // One hash change fires popstate then hashchange: one change.
        assert_eq!(
            l.url_changed(POP_OR_HASH, "https://h/a#x"),
            Some(NavigationType::Hash)
        );
        assert_eq!(l.url_changed(POP_OR_HASH, "https://h/a#x"), None);
    }

    #[test]
    fn each_change_names_the_route_it_left() {
        let mut l = at("https://h/users");
        let first = l.route_changed(
            NavigationType::Push,
            "https://h/users/7".into(),
            "/users/:id".into(),
        );
        assert_eq!(first.previous_route, "/users");
        assert_eq!(first.route, "/users/:id");
        let second = l.route_changed(
            NavigationType::Pop,
            "https://h/users".into(),
            "/users".into(),
        );
        assert_eq!(second.previous_route, "/users/:id");
    }

    #[test]
    fn the_span_carries_type_url_and_both_routes() {
        let mut l = at("https://h/a");
        let ty = l.url_changed(POP_OR_HASH, "https://h/a#tab").unwrap();
        let change = l.route_changed(ty, "https://h/a#tab".into(), "/a".into());
        assert_eq!(
            change.attributes(),
            [
                ("browser.navigation.type", Value::from("hash")),
                ("url.full", Value::from("https://h/a#tab")),
                ("page.route", Value::from("/a")),
                ("page.previous_route", Value::from("/a")),
            ]
        );
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
