//! The JS shim's exports (`shim.js`): it patches `fetch`, XHR, event listeners and history,
//! keeps the current context, and runs the timers; Rust calls it only through these.

use wasm_bindgen::prelude::*;

#[wasm_bindgen(module = "/src/instrument/web/shim.js")]
extern "C" {
    #[wasm_bindgen(js_name = install)]
    pub(super) fn shim_install(callbacks: &JsValue, opts: &JsValue);
    #[wasm_bindgen(js_name = uninstall)]
    pub(super) fn shim_uninstall();
    #[wasm_bindgen(js_name = errorCount)]
    pub(super) fn shim_error_count() -> u32;
    #[wasm_bindgen(js_name = armTimingWait)]
    pub(super) fn shim_arm_timing_wait(ms: f64);
    #[wasm_bindgen(js_name = armExpiry)]
    pub(super) fn shim_arm_expiry(ms: f64);
    #[wasm_bindgen(js_name = currentContext)]
    pub(super) fn shim_current_context() -> u32;
    #[wasm_bindgen(js_name = swapContext)]
    pub(super) fn shim_swap_context(ctx: u32) -> u32;
    #[wasm_bindgen(js_name = now)]
    pub(super) fn shim_now() -> f64;
    #[wasm_bindgen(js_name = originalFetch)]
    pub(super) fn shim_original_fetch() -> JsValue;
}

/// `fetch` as the page had it before any instrumentation of ours (the npm loader may have
/// patched it before the core started): the exporter's.
pub fn original_fetch() -> JsValue {
    shim_original_fetch()
}
