//! Browser glue, kept thin: randomness, clock, timers, the fetch transport (`transport`, used
//! by `offline` and `exporter`: transport ← offline ← exporter), page-lifecycle listeners, and
//! the pipelines that connect the pure core to them.

pub mod clock;
pub mod exporter;
pub mod js;
pub mod lifecycle;
pub mod listener;
pub mod local;
#[cfg(feature = "offline")]
pub mod offline;
#[cfg(not(feature = "offline"))]
#[path = "offline_off.rs"]
pub mod offline;
pub mod pipeline;
pub mod random;
pub mod regexp;
pub mod rum;
#[cfg(feature = "rum-signals")]
pub mod rum_signals;
#[cfg(not(feature = "rum-signals"))]
#[path = "rum_signals_off.rs"]
pub mod rum_signals;
pub mod stash;
pub mod timers;
pub mod transport;

pub use pipeline::{is_exporter_url, is_exporting, Sdk};
