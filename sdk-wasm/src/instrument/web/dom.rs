//! Reading the browser: clock and performance entries. Everything
//! here is a thin conversion into the pure types.

use crate::instrument::document_load::NavigationEntry;
use crate::instrument::timing::ResourceEntry;
use crate::web::js::get;
use wasm_bindgen::JsValue;
use web_sys::Performance;

pub struct Clock {
    origin_whole_ms: u64,
    origin_fract_ms: f64,
}

impl Clock {
    pub fn new() -> Option<Clock> {
        let performance = web_sys::window()?.performance()?;
        let origin = performance.time_origin();
        Some(Clock {
            origin_whole_ms: origin.trunc() as u64,
            origin_fract_ms: origin.fract(),
        })
    }

    /// Milliseconds since `timeOrigin` (the unit of performance entries).
    /// (The shim's clock: during the replay of calls recorded before the core, their own time.)
    pub fn now_ms(&self) -> f64 {
        super::ffi::shim_now()
    }

    /// Unix nanoseconds of a `timeOrigin`-relative time, without losing
    /// precision to f64 (Unix ns do not fit its 53-bit mantissa).
    pub fn to_unix_ns(&self, ms: f64) -> u64 {
        let rel_ns = ((self.origin_fract_ms + ms) * 1e6).max(0.0) as u64;
        self.origin_whole_ms * 1_000_000 + rel_ns
    }

    pub fn now_ns(&self) -> u64 {
        self.to_unix_ns(self.now_ms())
    }
}

fn num(e: &JsValue, k: &str) -> f64 {
    get(e, k).as_f64().unwrap_or(0.0)
}

#[wasm_bindgen::prelude::wasm_bindgen]
extern "C" {
    /// `Reflect.get` as a number (`NaN` when not one): one call into JS a field. Only for
    /// objects (it throws otherwise).
    #[wasm_bindgen(js_namespace = Reflect, js_name = get)]
    fn get_number(target: &JsValue, key: &JsValue) -> f64;
}

/// The fields of a [`ResourceEntry`] read from the entry, in its order, then its initiator type
/// and name; then the initiator types of requests.
const FIELDS: [&str; 17] = [
    "startTime",
    "fetchStart",
    "domainLookupStart",
    "domainLookupEnd",
    "connectStart",
    "secureConnectionStart",
    "connectEnd",
    "requestStart",
    "responseStart",
    "responseEnd",
    "encodedBodySize",
    "decodedBodySize",
    "initiatorType",
    "name",
    "fetch",
    "xmlhttprequest",
    "beacon",
];

thread_local! {
    /// [`FIELDS`] as JS strings, made once: a `&str` key is a new JS string (decoded from
    /// wasm memory) on every read, and a request's entry is read on every request.
    static KEYS: Vec<JsValue> = FIELDS.iter().map(|k| JsValue::from_str(k)).collect();
}

/// A performance entry's `initiatorType`: `None` for what is not a resource (or navigation)
/// entry (`Reflect.get` throws on what is not an object).
pub fn initiator_type(e: &JsValue) -> Option<String> {
    KEYS.with(|k| {
        let v = js_sys::Reflect::get(e, &k[12]).ok()?;
        // A request's is compared in JS, not copied into wasm memory, on every request.
        match k[14..].iter().position(|i| *i == v) {
            Some(i) => Some(FIELDS[14 + i].to_string()),
            None => v.as_string(),
        }
    })
}

/// The rest of a resource entry whose [`initiator_type`] was read. Of a request's (`request`) only what matching it to its span and its network events use:
/// `startTime` and the body sizes are left 0 (a getter of a fresh entry costs, and a request's
/// entry is read on every request). Fields are read through one `Reflect.get` import instead
/// of one web-sys import (and JS glue function) per getter.
pub fn entry_of(e: &JsValue, initiator_type: String, request: bool) -> ResourceEntry {
    KEYS.with(|k| {
        let name = js_sys::Reflect::get(e, &k[13])
            .ok()
            .and_then(|v| v.as_string())
            .unwrap_or_default();
        let t: [f64; 12] = std::array::from_fn(|i| {
            let v = match request && !(1..=9).contains(&i) {
                true => 0.0,
                false => get_number(e, &k[i]),
            };
            if v.is_nan() {
                0.0
            } else {
                v
            }
        });
        ResourceEntry {
            name,
            initiator_type,
            start_time: t[0],
            fetch_start: t[1],
            domain_lookup_start: t[2],
            domain_lookup_end: t[3],
            connect_start: t[4],
            secure_connection_start: t[5],
            connect_end: t[6],
            request_start: t[7],
            response_start: t[8],
            response_end: t[9],
            encoded_body_size: t[10],
            decoded_body_size: t[11],
        }
    })
}

/// A `PerformanceResourceTiming` (or navigation entry): `None` for other entries.
pub fn resource_entry(e: &JsValue) -> Option<ResourceEntry> {
    let initiator_type = initiator_type(e)?;
    Some(entry_of(e, initiator_type, false))
}

/// A request's (`fetch`, `xmlhttprequest`) entry, read as requests need it (see
/// [`entry_of`]); `None` for other entries, whose other fields are not read.
pub fn request_entry(e: &JsValue) -> Option<ResourceEntry> {
    let initiator_type = initiator_type(e)?;
    matches!(initiator_type.as_str(), "fetch" | "xmlhttprequest")
        .then(|| entry_of(e, initiator_type, true))
}

pub fn navigation_entry(performance: &Performance) -> Option<NavigationEntry> {
    let e = performance.get_entries_by_type("navigation").get(0);
    let t = [
        "unloadEventStart",
        "unloadEventEnd",
        "domInteractive",
        "domContentLoadedEventStart",
        "domContentLoadedEventEnd",
        "domComplete",
        "loadEventStart",
        "loadEventEnd",
    ]
    .map(|k| num(&e, k));
    Some(NavigationEntry {
        resource: resource_entry(&e)?,
        unload_event_start: t[0],
        unload_event_end: t[1],
        dom_interactive: t[2],
        dom_content_loaded_event_start: t[3],
        dom_content_loaded_event_end: t[4],
        dom_complete: t[5],
        load_event_start: t[6],
        load_event_end: t[7],
    })
}

/// The resource entries of `list`.
pub fn resource_entries(list: &js_sys::Array) -> Vec<ResourceEntry> {
    list.iter().filter_map(|v| resource_entry(&v)).collect()
}

pub fn paint_time(performance: &Performance, name: &str) -> Option<f64> {
    performance
        .get_entries_by_type("paint")
        .iter()
        .find(|e| get(e, "name").as_string().as_deref() == Some(name))
        .map(|e| num(&e, "startTime"))
}
