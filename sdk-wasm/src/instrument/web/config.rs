//! The `instrumentations` config object from JS. Read with `Reflect` rather
//! than serde because it holds RegExps and hook functions.
//!
//! `ignoreUrls` (top level in the SDK config): `[/api\.example\.com\/health/ | "https://exact/url", ...]`.
//!
//! ```js
//! {
//!   fetch: { enabled, requestHook(span, request), applyCustomAttributesOnSpan(span, request, result),
//!            ignoreNetworkEvents } | false,
//!   xhr: { enabled, applyCustomAttributesOnSpan(span, xhr), ignoreNetworkEvents } | false,
//!   documentLoad: { enabled, ignoreNetworkEvents, ignorePerformancePaintEvents,
//!                   applyCustomAttributesOnSpan: { documentLoad(span), documentFetch(span),
//!                                                  resourceFetch(span, entry) } } | false,
//!   userInteraction: { enabled, eventNames: ["click"], maxDurationMs: 5000,
//!                      shouldPreventSpanCreation(eventType, element, span) } | false,
//!   navigation: { enabled, routeTemplate(url) } | false,
//! }
//! ```

use crate::propagation::UrlPattern;
use crate::web::local::LocalOnly;
use crate::web::regexp::JsRegExp;
use js_sys::{Array, Function, Reflect, RegExp};
use wasm_bindgen::{JsCast, JsValue};

pub struct HttpConfig {
    pub request_hook: Option<Function>,
    pub custom_attributes: Option<Function>,
    pub network_events: bool,
}

pub struct DocumentLoadConfig {
    pub on_document_load: Option<Function>,
    pub on_document_fetch: Option<Function>,
    pub on_resource_fetch: Option<Function>,
    pub network_events: bool,
    pub paint_events: bool,
}

pub struct InteractionConfig {
    pub event_names: Vec<String>,
    pub should_prevent: Option<Function>,
    pub max_duration_ms: f64,
}

pub struct NavigationConfig {
    /// URL (absolute string) → route template; else the path is the route.
    pub route_template: Option<Function>,
}

pub struct Config {
    /// No span and no headers for these (string: whole URL; RegExp: anywhere).
    pub ignore_urls: Vec<UrlPattern>,
    pub fetch: Option<HttpConfig>,
    pub xhr: Option<HttpConfig>,
    pub document_load: Option<DocumentLoadConfig>,
    pub interaction: Option<InteractionConfig>,
    pub navigation: Option<NavigationConfig>,
}

fn get(obj: &JsValue, key: &str) -> JsValue {
    if obj.is_object() {
        Reflect::get(obj, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
    } else {
        JsValue::UNDEFINED
    }
}

fn function(obj: &JsValue, key: &str) -> Option<Function> {
    get(obj, key).dyn_into::<Function>().ok()
}

fn flag(obj: &JsValue, key: &str, default: bool) -> bool {
    get(obj, key).as_bool().unwrap_or(default)
}

/// One instrumentation's section: `false` or `{enabled: false}` turns it off;
/// absent (or `true`) means on with defaults.
fn section(cfg: &JsValue, key: &str) -> Option<JsValue> {
    let v = get(cfg, key);
    if v.as_bool() == Some(false) || !flag(&v, "enabled", true) {
        return None;
    }
    Some(v)
}

/// Strings (the whole URL) and RegExps (anywhere in it), alone or in an array; other
/// items are skipped (the npm wrapper has rejected them).
pub(crate) fn patterns(v: &JsValue) -> Vec<UrlPattern> {
    let items: Vec<JsValue> = if Array::is_array(v) {
        Array::from(v).iter().collect()
    } else {
        vec![v.clone()]
    };
    items
        .into_iter()
        .filter_map(|item| {
            if let Some(s) = item.as_string() {
                Some(UrlPattern::Exact(s))
            } else {
                let re = item.dyn_into::<RegExp>().ok()?;
                Some(UrlPattern::Matches(Box::new(JsRegExp(LocalOnly(re)))))
            }
        })
        .collect()
}

fn http(cfg: &JsValue, key: &str) -> Option<HttpConfig> {
    let v = section(cfg, key)?;
    Some(HttpConfig {
        request_hook: function(&v, "requestHook"),
        custom_attributes: function(&v, "applyCustomAttributesOnSpan"),
        network_events: !flag(&v, "ignoreNetworkEvents", false),
    })
}

/// Reads the object once (absent: every instrumentation on). The npm wrapper has checked the
/// types (sections, hooks, event names), so a value of the wrong type reads as absent.
pub fn parse(cfg: &JsValue, ignore_urls: &JsValue) -> Config {
    let document_load = section(cfg, "documentLoad").map(|v| {
        let hooks = get(&v, "applyCustomAttributesOnSpan");
        DocumentLoadConfig {
            on_document_load: function(&hooks, "documentLoad"),
            on_document_fetch: function(&hooks, "documentFetch"),
            on_resource_fetch: function(&hooks, "resourceFetch"),
            network_events: !flag(&v, "ignoreNetworkEvents", false),
            paint_events: !flag(&v, "ignorePerformancePaintEvents", false),
        }
    });
    let interaction = section(cfg, "userInteraction").map(|v| {
        let names = get(&v, "eventNames");
        let event_names = if Array::is_array(&names) {
            Array::from(&names)
                .iter()
                .filter_map(|n| n.as_string())
                .collect()
        } else {
            vec!["click".to_string()]
        };
        InteractionConfig {
            event_names,
            should_prevent: function(&v, "shouldPreventSpanCreation"),
            max_duration_ms: get(&v, "maxDurationMs")
                .as_f64()
                .filter(|ms| *ms > 0.0)
                .unwrap_or(5000.0),
        }
    });
    let navigation = section(cfg, "navigation").map(|v| NavigationConfig {
        route_template: function(&v, "routeTemplate"),
    });
    Config {
        navigation,
        ignore_urls: patterns(ignore_urls),
        fetch: http(cfg, "fetch"),
        xhr: http(cfg, "xhr"),
        document_load,
        interaction,
    }
}
