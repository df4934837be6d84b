//! Structured logs through `tracing`: human-readable text by default, one JSON object per
//! line with `--log-format json`. The level filter comes from RUST_LOG (default `info`).

use tracing_subscriber::EnvFilter;

/// Installs the global subscriber; later calls (tests start many servers) are no-ops.
pub fn init(format: &str) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let _ = if format == "json" {
        builder.json().flatten_event(true).try_init()
    } else {
        builder.try_init()
    };
}
