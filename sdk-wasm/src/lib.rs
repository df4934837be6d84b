//! Browser telemetry SDK: spans, metrics and OTLP/HTTP export from WebAssembly.

use wasm_bindgen::prelude::*;

pub mod instrument;

/// The SDK's version, as reported in `telemetry.sdk.version`.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

#[wasm_bindgen(js_name = sdkVersion)]
pub fn sdk_version() -> String {
    VERSION.to_string()
}

#[cfg(test)]
mod tests {
    #[test]
    fn version_is_semver() {
        assert_eq!(super::VERSION.split('.').count(), 3);
    }
}
