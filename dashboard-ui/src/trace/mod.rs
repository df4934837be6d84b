//! Trace detail logic, pure: spans from the 12-column rows, the span tree
//! (CHILD_OF parents, missing parents become roots), the visible row list for
//! the waterfall, flame-graph layout and the virtual window; the time
//! ruler's ticks, the critical path, self time, in-trace filters, comparing
//! two traces and the JSON a trace downloads as. Everything here is linear in the span count or better, so a 100 000-span trace stays fast.

mod compact;
mod compare;
mod critical;
mod export;
mod filter;
mod flame;
mod parse;
mod ruler;
mod self_time;
mod tree;
mod window;

pub use compact::{parse_compact, CompactStream, FORMAT as COMPACT_FORMAT};
pub use compare::{compare, Comparison, Matched};
pub use critical::critical_path;
pub use export::{trace_json, COLUMNS};
pub use filter::{filter_rows, parse_duration_ms, Row, SpanFilter};
pub use flame::{flame_rects, FlameRect};
pub use parse::{parse_trace, Interner};
pub use ruler::{nice_step, ruler_ticks, Tick};
pub use self_time::{self_time_table, self_times, SelfTimeBy, SelfTimeRow};
pub use tree::{RefType, Reference, Span, SpanEvent, SpanKind, TraceTree};
pub use window::{virtual_window, Window};

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests;
