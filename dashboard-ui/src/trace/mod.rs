//! Trace detail logic, pure: spans from the 12-column rows, the span tree
//! (CHILD_OF parents, missing parents become roots), the visible row list for
//! the waterfall, flame-graph layout and the virtual window. Everything here is
//! linear in the span count or better, so a 100 000-span trace stays fast.

mod flame;
mod tree;
mod window;

pub use flame::{flame_rects, FlameRect};
pub use tree::{RefType, Reference, Span, SpanEvent, SpanKind, TraceTree};
pub use window::{virtual_window, Window};

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests;
