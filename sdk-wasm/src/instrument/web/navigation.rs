//! SPA navigation: a `routeChange` span when the URL changes without a page load.

use super::hooks::call_hook;
use super::state::with_state;
use super::SCOPE_NAVIGATION;
use crate::instrument::navigation::{route_or_path, SPAN_NAME};
use crate::instrument::span::Kind;
use crate::web::js;
use js_sys::Function;
use wasm_bindgen::prelude::*;

/// The route of `href`: `routeTemplate(href)` when it returns a non-empty string, else the
/// path. Called with no state borrowed; a throwing hook is counted.
pub(super) fn route_for(hook: Option<&Function>, href: &str) -> String {
    let template = hook.and_then(|f| call_hook(f, &[&JsValue::from_str(href)]).as_string());
    route_or_path(template, href)
}

// The URL may have changed: `pushState` / `replaceState` (after the page's call returned),
// `popstate` or `hashchange` (`kind` 2). An unchanged URL records nothing, so the
// `popstate` + `hashchange` pair of one hash change makes one span.
#[cfg_attr(feature = "js-api", wasm_bindgen(js_name = "__cb_route"))]
pub fn on_route(kind: u8, href: JsValue, ctx: u32) {
    let href = js::text(&href);
    let changed = with_state(|s| {
        let nav = s.cfg.navigation.as_ref()?;
        let ty = s.location.url_changed(kind, &href)?;
        Some((nav.route_template.clone(), ty))
    })
    .flatten();
    let Some((hook, ty)) = changed else { return };
    let route = route_for(hook.as_ref(), &href);
    with_state(|s| {
        let previous = s.location.route_changed(&route);
        s.backend.set_route(&route);
        let now = s.clock.now_ns();
        let parent = s.contexts.get(ctx);
        let mut span = s.new_span(
            SCOPE_NAVIGATION,
            SPAN_NAME,
            Kind::Internal,
            parent,
            false,
            now,
            None,
        );
        span.set("browser.navigation.type", ty);
        span.set("url.full", href);
        span.set("page.route", route);
        span.set("page.previous_route", previous);
        s.stats.spans_started += 1;
        s.finish(span);
    });
}
