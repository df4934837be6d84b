//! JS values to the SDK's types and back: attributes, times, span contexts, scopes.

use crate::attributes::{KeyValue, Scope};
use crate::trace::SpanContext;
use js_sys::{Array, Object};
use wasm_bindgen::prelude::*;

use crate::web::clock::ms_to_ns;
use crate::web::js;
use crate::web::rum::attribute_value;
use crate::web::Sdk as Running;

pub(super) fn scope(name: String, version: Option<String>) -> Scope {
    Scope {
        version: version.map(Into::into),
        ..Scope::new(name)
    }
}

pub(super) fn js_number_string(n: f64) -> String {
    let mut s = String::new();
    js::js_f64(n, &mut s);
    s
}

/// A plain JS object's entries as `prefix`+key → value (`None`: null, undefined or not an
/// attribute value: removes the key).
pub(super) fn changes(
    obj: &JsValue,
    prefix: &str,
) -> Vec<(String, Option<crate::attributes::Value>)> {
    if !obj.is_object() || Array::is_array(obj) {
        return Vec::new();
    }
    Object::entries(obj.unchecked_ref())
        .iter()
        .filter_map(|e| {
            let e = Array::from(&e);
            Some((
                prefix.to_string() + &e.get(0).as_string()?,
                attribute_value(&e.get(1)),
            ))
        })
        .collect()
}

/// A plain JS object of attributes (entries that are not attribute values are left out).
pub(super) fn attributes(obj: &JsValue) -> Vec<KeyValue> {
    changes(obj, "")
        .into_iter()
        .filter_map(|(k, v)| Some(KeyValue::new(k, v?)))
        .collect()
}

/// An @opentelemetry/api `TimeInput` in epoch ns; `None` for undefined or invalid.
pub(super) fn time_ns(sdk: &Running, t: &JsValue) -> Option<u64> {
    if let Some(ms) = t.as_f64() {
        // Like OpenTelemetry JS: numbers below timeOrigin are performance.now() readings.
        let origin = sdk.clock.origin_ms();
        return Some(if ms < origin {
            sdk.clock.perf_ms_to_ns(ms)
        } else {
            ms_to_ns(ms)
        });
    }
    if Array::is_array(t) {
        let a = Array::from(t);
        let (s, ns) = (a.get(0).as_f64()?, a.get(1).as_f64()?);
        return Some((s as u64) * 1_000_000_000 + ns as u64);
    }
    if let Some(d) = t.dyn_ref::<js_sys::Date>() {
        let ms = d.get_time();
        return ms.is_finite().then(|| ms_to_ns(ms));
    }
    None
}

/// A span context handed in as [`SpanContext::to_text`]'s form.
pub(super) fn span_context_from_js(v: &JsValue) -> Option<SpanContext> {
    SpanContext::from_text(&v.as_string()?)
}
