//! Browser telemetry SDK: spans, metrics and OTLP/HTTP export from WebAssembly.
//!
//! Pure logic lives in plain Rust modules tested natively (`cargo test -p sdk-wasm`);
//! `web` is the thin browser glue and `js_api` the wasm-bindgen surface (see its docs).

pub mod attributes;
pub mod clock;
pub mod config;
pub mod decimal;
pub mod export;
pub mod ids;
pub mod metrics;
pub mod otlp;
pub mod propagation;
pub mod resource;
pub mod rum;
pub mod text;
pub mod trace;

#[cfg(target_arch = "wasm32")]
pub mod web;

#[cfg(all(target_arch = "wasm32", feature = "js-api"))]
pub mod js_api;

pub mod instrument;
pub mod logs;

// The allocator: talc instead of Rust's default dlmalloc, a few KB less wasm and faster
// (figures in README "Size"). Single-threaded wasm (no atomics), so its unsynchronised cell is sound.
#[cfg(all(target_arch = "wasm32", not(target_feature = "atomics")))]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

/// The SDK's version, as reported in `telemetry.sdk.version`.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

#[cfg(test)]
mod tests {
    #[test]
    fn version_is_semver() {
        assert_eq!(super::VERSION.split('.').count(), 3);
    }
}
