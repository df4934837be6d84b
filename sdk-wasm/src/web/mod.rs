//! Browser glue, kept thin: randomness, clock, timers, the fetch transport, page-lifecycle
//! listeners, and the pipelines that connect the pure core to them.

pub mod clock;
pub mod exporter;
pub mod js;
pub mod lifecycle;
pub mod local;
pub mod offline;
pub mod pipeline;
pub mod random;
pub mod regexp;
pub mod rum;
pub mod rum_signals;
pub mod stash;
pub mod timers;

pub use pipeline::{is_exporter_url, is_exporting, Sdk};
