//! The dashboard. Pure logic (models, query building, URL state, trace and
//! chart layout) compiles everywhere and is tested natively; the Leptos app in
//! `app` exists only on wasm32.

pub mod alert_rule;
pub mod channel;
pub mod chart;
pub mod dashboard;
pub mod format;
pub mod model;
pub mod query_builder;
pub mod resource_filter;
pub mod rum;
pub mod service_map;
pub mod sse;
pub mod trace;
pub mod url_state;

#[cfg(target_arch = "wasm32")]
mod app;

// Not in the browser component tests: their harness mounts single components, and the app's
// lazily loaded pages only resolve in the split build (build.sh).
#[cfg(all(target_arch = "wasm32", not(test)))]
#[wasm_bindgen::prelude::wasm_bindgen(start)]
pub fn start() {
    console_error_panic_hook::set_once();
    app::mount();
}
