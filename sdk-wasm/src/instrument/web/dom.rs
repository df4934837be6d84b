//! Reading the browser: clock and performance entries. Everything
//! here is a thin conversion into the pure types.

use crate::instrument::document_load::NavigationEntry;
use crate::instrument::timing::ResourceEntry;
use wasm_bindgen::JsCast;
use web_sys::{Performance, PerformanceNavigationTiming, PerformanceResourceTiming};

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
        super::shim_now()
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

pub fn resource_entry(e: &PerformanceResourceTiming) -> ResourceEntry {
    ResourceEntry {
        name: e.name(),
        initiator_type: e.initiator_type(),
        start_time: e.start_time(),
        fetch_start: e.fetch_start(),
        domain_lookup_start: e.domain_lookup_start(),
        domain_lookup_end: e.domain_lookup_end(),
        connect_start: e.connect_start(),
        secure_connection_start: e.secure_connection_start(),
        connect_end: e.connect_end(),
        request_start: e.request_start(),
        response_start: e.response_start(),
        response_end: e.response_end(),
        encoded_body_size: e.encoded_body_size(),
        decoded_body_size: e.decoded_body_size(),
    }
}

pub fn navigation_entry(performance: &Performance) -> Option<NavigationEntry> {
    let e: PerformanceNavigationTiming = performance
        .get_entries_by_type("navigation")
        .get(0)
        .dyn_into()
        .ok()?;
    Some(NavigationEntry {
        resource: resource_entry(&e),
        unload_event_start: e.unload_event_start(),
        unload_event_end: e.unload_event_end(),
        dom_interactive: e.dom_interactive(),
        dom_content_loaded_event_start: e.dom_content_loaded_event_start(),
        dom_content_loaded_event_end: e.dom_content_loaded_event_end(),
        dom_complete: e.dom_complete(),
        load_event_start: e.load_event_start(),
        load_event_end: e.load_event_end(),
    })
}

/// Resource entries of a given initiator set (all when `initiators` is empty).
pub fn resource_entries(list: &js_sys::Array, initiators: &[&str]) -> Vec<ResourceEntry> {
    list.iter()
        .filter_map(|v| v.dyn_into::<PerformanceResourceTiming>().ok())
        .filter(|e| initiators.is_empty() || initiators.contains(&e.initiator_type().as_str()))
        .map(|e| resource_entry(&e))
        .collect()
}

pub fn paint_time(performance: &Performance, name: &str) -> Option<f64> {
    performance
        .get_entries_by_type("paint")
        .iter()
        .filter_map(|v| v.dyn_into::<web_sys::PerformanceEntry>().ok())
        .find(|e| e.name() == name)
        .map(|e| e.start_time())
}
