//! OTLP encoders written by hand (no prost, no serde_json in the wasm build):
//! protobuf (`application/x-protobuf`) and OTLP/JSON (`application/json`).

pub mod json;
pub mod proto;
mod size;

pub use size::{estimated_log_size, estimated_span_size};

use std::sync::Arc;

use opentelemetry::trace::{SpanKind, Status};
use opentelemetry::InstrumentationScope;

use crate::logs::LogRecord;
use crate::metrics::MetricData;
use crate::trace::SpanData;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Encoding {
    #[default]
    Protobuf,
    Json,
}

impl Encoding {
    pub fn content_type(self) -> &'static str {
        match self {
            Encoding::Protobuf => "application/x-protobuf",
            Encoding::Json => "application/json",
        }
    }
}

/// OTLP `Span.SpanKind` numbers.
pub(crate) fn kind_number(kind: &SpanKind) -> u64 {
    match kind {
        SpanKind::Internal => 1,
        SpanKind::Server => 2,
        SpanKind::Client => 3,
        SpanKind::Producer => 4,
        SpanKind::Consumer => 5,
    }
}

/// OTLP `Status.StatusCode` number and message.
pub(crate) fn status_parts(status: &Status) -> (u64, &str) {
    match status {
        Status::Unset => (0, ""),
        Status::Ok => (1, ""),
        Status::Error { description } => (2, description),
    }
}

/// OTLP `Span.flags`: the W3C trace flags plus the "parent is remote" bits
/// (`SPAN_FLAGS_CONTEXT_HAS_IS_REMOTE_MASK` 0x100, `SPAN_FLAGS_CONTEXT_IS_REMOTE_MASK` 0x200).
pub(crate) fn span_flags(trace_flags: u8, remote: bool) -> u32 {
    trace_flags as u32 | 0x100 | if remote { 0x200 } else { 0 }
}

/// Same scope: the same `Arc`, or equal name, version and schema URL. (The scope's own
/// `PartialEq` sorts attribute lists, which would pull a sort into the wasm build.)
pub(crate) fn same_scope(a: &Arc<InstrumentationScope>, b: &Arc<InstrumentationScope>) -> bool {
    Arc::ptr_eq(a, b)
        || (a.name() == b.name() && a.version() == b.version() && a.schema_url() == b.schema_url())
}

/// Groups items by instrumentation scope, keeping first-seen order.
pub(crate) fn group_by_scope<T>(
    items: &[T],
    scope: impl Fn(&T) -> &Arc<InstrumentationScope>,
) -> Vec<(&Arc<InstrumentationScope>, Vec<&T>)> {
    let mut groups: Vec<(&Arc<InstrumentationScope>, Vec<&T>)> = Vec::new();
    for it in items {
        let s = scope(it);
        match groups.iter_mut().find(|(g, _)| same_scope(g, s)) {
            Some((_, v)) => v.push(it),
            None => groups.push((s, vec![it])),
        }
    }
    groups
}

pub(crate) fn spans_by_scope(
    spans: &[SpanData],
) -> Vec<(&Arc<InstrumentationScope>, Vec<&SpanData>)> {
    group_by_scope(spans, |s| &s.scope)
}

pub(crate) fn metrics_by_scope(
    metrics: &[MetricData],
) -> Vec<(&Arc<InstrumentationScope>, Vec<&MetricData>)> {
    group_by_scope(metrics, |m| &m.scope)
}

pub(crate) fn logs_by_scope(
    logs: &[LogRecord],
) -> Vec<(&Arc<InstrumentationScope>, Vec<&LogRecord>)> {
    group_by_scope(logs, |l| &l.scope)
}

#[cfg(test)]
mod tests;
