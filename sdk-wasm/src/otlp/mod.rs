//! OTLP encoders written by hand (no prost, no serde_json in the wasm build):
//! protobuf (`application/x-protobuf`) and OTLP/JSON (`application/json`).

pub mod json;
pub mod proto;
mod size;

pub use size::{estimated_log_size, estimated_span_size};

use std::sync::Arc;

use crate::attributes::Scope;
use crate::trace::{SpanKind, Status};

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
/// Sent for child spans only: on a root span they would say "sampled" (every exported span
/// is) and "the parent is not remote" (there is no parent), 6 bytes that tell nothing.
pub(crate) fn span_flags(trace_flags: u8, remote: bool) -> u32 {
    trace_flags as u32 | 0x100 | if remote { 0x200 } else { 0 }
}

/// Same scope: the same `Arc`, or equal name and version.
pub(crate) fn same_scope(a: &Arc<Scope>, b: &Arc<Scope>) -> bool {
    Arc::ptr_eq(a, b) || (a.name == b.name && a.version == b.version)
}

/// The resource attribute a span's or log record's RUM session is sent as (once per batch).
pub const SESSION_ID: &str = "session.id";

/// Items grouped by scope, keeping first-seen order.
pub(crate) type ScopeGroups<'a, T> = Vec<(&'a Arc<Scope>, Vec<&'a T>)>;

/// Groups items by instrumentation scope, keeping first-seen order.
pub(crate) fn group_by_scope<'a, T: 'a>(
    items: impl IntoIterator<Item = &'a T>,
    scope: impl Fn(&'a T) -> &'a Arc<Scope>,
) -> ScopeGroups<'a, T> {
    let mut groups: ScopeGroups<'a, T> = Vec::new();
    for it in items {
        let s = scope(it);
        match groups.iter_mut().find(|(g, _)| same_scope(g, s)) {
            Some((_, v)) => v.push(it),
            None => groups.push((s, vec![it])),
        }
    }
    groups
}

/// Groups items by RUM session (one `ResourceSpans` / `ResourceLogs` each), then by scope;
/// first-seen order. A batch is nearly always one session: two only across a rollover.
pub(crate) fn group_by_session<'a, T: 'a>(
    items: &'a [T],
    session: impl Fn(&'a T) -> Option<&'a str>,
    scope: impl Fn(&'a T) -> &'a Arc<Scope> + Copy,
) -> Vec<(Option<&'a str>, ScopeGroups<'a, T>)> {
    let mut sessions: Vec<(Option<&'a str>, Vec<&'a T>)> = Vec::new();
    for it in items {
        let s = session(it);
        match sessions.iter_mut().find(|(g, _)| *g == s) {
            Some((_, v)) => v.push(it),
            None => sessions.push((s, vec![it])),
        }
    }
    if sessions.is_empty() {
        // An empty batch keeps its one (empty) resource group.
        sessions.push((None, Vec::new()));
    }
    sessions
        .into_iter()
        .map(|(s, v)| (s, group_by_scope(v, scope)))
        .collect()
}

pub(crate) fn spans_by_session(
    spans: &[SpanData],
) -> Vec<(Option<&str>, ScopeGroups<'_, SpanData>)> {
    group_by_session(spans, |s| s.session.as_deref(), |s| &s.scope)
}

pub(crate) fn metrics_by_scope(metrics: &[MetricData]) -> ScopeGroups<'_, MetricData> {
    group_by_scope(metrics, |m| &m.scope)
}

pub(crate) fn logs_by_session(
    logs: &[LogRecord],
) -> Vec<(Option<&str>, ScopeGroups<'_, LogRecord>)> {
    group_by_session(logs, |l| l.session.as_deref(), |l| &l.scope)
}

#[cfg(test)]
mod tests;
