//! The `instrumentations` config object from JS. Read with `Reflect` rather
//! than serde because it holds RegExps and hook functions.
//!
//! ```js
//! {
//!   ignoreUrls: [/api\.example\.com\/health/ | "https://exact/url", ...],
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
use js_sys::{Array, Function, Object, Reflect, RegExp};
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

fn function(obj: &JsValue, key: &str) -> Result<Option<Function>, String> {
    let v = get(obj, key);
    if v.is_undefined() || v.is_null() {
        return Ok(None);
    }
    v.dyn_into::<Function>()
        .map(Some)
        .map_err(|_| format!("{key}: expected a function"))
}

fn flag(obj: &JsValue, key: &str, default: bool) -> Result<bool, String> {
    let v = get(obj, key);
    if v.is_undefined() {
        return Ok(default);
    }
    v.as_bool()
        .ok_or_else(|| format!("{key}: expected true or false"))
}

/// One instrumentation's section: `false` or `{enabled: false}` turns it off;
/// absent means on with defaults.
fn section(cfg: &JsValue, key: &str) -> Result<Option<JsValue>, String> {
    let v = get(cfg, key);
    if v.is_undefined() || v.is_null() {
        return Ok(Some(Object::new().into()));
    }
    if let Some(on) = v.as_bool() {
        return Ok(on.then(|| Object::new().into()));
    }
    if !v.is_object() {
        return Err(format!("{key}: expected an object or false"));
    }
    Ok(flag(&v, "enabled", true)
        .map_err(|e| format!("{key}.{e}"))?
        .then_some(v))
}

/// Strings (the whole URL) and RegExps (anywhere in it), alone or in an array.
pub(super) fn patterns(v: &JsValue, key: &str) -> Result<Vec<UrlPattern>, String> {
    if v.is_undefined() || v.is_null() {
        return Ok(Vec::new());
    }
    let items: Vec<JsValue> = if Array::is_array(v) {
        Array::from(v).iter().collect()
    } else {
        vec![v.clone()]
    };
    items
        .into_iter()
        .map(|item| {
            if let Some(s) = item.as_string() {
                Ok(UrlPattern::Exact(s))
            } else if let Ok(re) = item.dyn_into::<RegExp>() {
                Ok(UrlPattern::Matches(Box::new(JsRegExp(LocalOnly(re)))))
            } else {
                Err(format!("{key}: expected strings or RegExps"))
            }
        })
        .collect()
}

fn http(cfg: &JsValue, key: &str) -> Result<Option<HttpConfig>, String> {
    let Some(v) = section(cfg, key)? else {
        return Ok(None);
    };
    let ctx = |e: String| format!("{key}.{e}");
    Ok(Some(HttpConfig {
        request_hook: function(&v, "requestHook").map_err(ctx)?,
        custom_attributes: function(&v, "applyCustomAttributesOnSpan").map_err(ctx)?,
        network_events: !flag(&v, "ignoreNetworkEvents", false).map_err(ctx)?,
    }))
}

pub fn parse(cfg: &JsValue) -> Result<Config, String> {
    if !(cfg.is_undefined() || cfg.is_null() || cfg.is_object()) {
        return Err("instrumentations: expected an object".into());
    }
    let document_load = match section(cfg, "documentLoad")? {
        None => None,
        Some(v) => {
            let hooks = get(&v, "applyCustomAttributesOnSpan");
            let ctx = |e: String| format!("documentLoad.applyCustomAttributesOnSpan.{e}");
            Some(DocumentLoadConfig {
                on_document_load: function(&hooks, "documentLoad").map_err(ctx)?,
                on_document_fetch: function(&hooks, "documentFetch").map_err(ctx)?,
                on_resource_fetch: function(&hooks, "resourceFetch").map_err(ctx)?,
                network_events: !flag(&v, "ignoreNetworkEvents", false)
                    .map_err(|e| format!("documentLoad.{e}"))?,
                paint_events: !flag(&v, "ignorePerformancePaintEvents", false)
                    .map_err(|e| format!("documentLoad.{e}"))?,
            })
        }
    };
    let interaction = match section(cfg, "userInteraction")? {
        None => None,
        Some(v) => {
            let ctx = |e: String| format!("userInteraction.{e}");
            let names = get(&v, "eventNames");
            let event_names = if names.is_undefined() {
                vec!["click".to_string()]
            } else if Array::is_array(&names) {
                Array::from(&names)
                    .iter()
                    .map(|n| {
                        n.as_string()
                            .ok_or_else(|| ctx("eventNames: expected strings".into()))
                    })
                    .collect::<Result<_, _>>()?
            } else {
                return Err(ctx("eventNames: expected an array of strings".into()));
            };
            let max = get(&v, "maxDurationMs");
            let max_duration_ms = match max.as_f64() {
                Some(ms) if ms > 0.0 => ms,
                None if max.is_undefined() => 5000.0,
                _ => return Err(ctx("maxDurationMs: expected a positive number".into())),
            };
            Some(InteractionConfig {
                event_names,
                should_prevent: function(&v, "shouldPreventSpanCreation").map_err(ctx)?,
                max_duration_ms,
            })
        }
    };
    let navigation = match section(cfg, "navigation")? {
        None => None,
        Some(v) => Some(NavigationConfig {
            route_template: function(&v, "routeTemplate").map_err(|e| format!("navigation.{e}"))?,
        }),
    };
    Ok(Config {
        navigation,
        ignore_urls: patterns(&get(cfg, "ignoreUrls"), "ignoreUrls")?,
        fetch: http(cfg, "fetch")?,
        xhr: http(cfg, "xhr")?,
        document_load,
        interaction,
    })
}
