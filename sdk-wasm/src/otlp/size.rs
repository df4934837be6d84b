//! A cheap estimate of a span's encoded size, so the batch queue can export before a batch
//! outgrows one keepalive request without encoding anything. Within ~25 % of the real size
//! for typical spans (tested against the encoders in `otlp::tests`).

use crate::attributes::{Array, KeyValue, Value};

use super::Encoding;
use crate::logs::LogRecord;
use crate::trace::SpanData;

/// Bytes `log` adds to a body in `encoding` (the shared envelope not counted).
pub fn estimated_log_size(log: &LogRecord, encoding: Encoding) -> usize {
    let proto = 60 + log.body.len() + log.event_name.len() + attrs_size(&log.attributes);
    scale(proto, encoding)
}

fn attrs_size(a: &[KeyValue]) -> usize {
    a.iter()
        .map(|kv| 6 + kv.key.as_str().len() + value_size(&kv.value))
        .sum()
}

fn scale(proto: usize, encoding: Encoding) -> usize {
    match encoding {
        Encoding::Protobuf => proto,
        // Hex ids, field names and quoting: a bit over twice the protobuf size.
        Encoding::Json => proto * 2 + 100,
    }
}

/// Bytes `span` adds to a body in `encoding` (the shared envelope not counted).
pub fn estimated_span_size(span: &SpanData, encoding: Encoding) -> usize {
    let attrs = attrs_size;
    let events: usize = span
        .events
        .iter()
        .map(|e| 14 + e.name.len() + attrs(&e.attributes))
        .sum();
    let links: usize = span
        .links
        .iter()
        .map(|l| 34 + l.span_context.trace_state().header().len() + attrs(&l.attributes))
        .sum();
    let status = super::status_parts(&span.status).1.len();
    let tracestate = span.span_context.trace_state().header().len();
    let proto =
        70 + span.name.len() + status + tracestate + attrs(&span.attributes) + events + links;
    scale(proto, encoding)
}

fn value_size(v: &Value) -> usize {
    match v {
        Value::String(s) => 2 + s.as_str().len(),
        Value::Array(Array::String(a)) => 4 + a.iter().map(|s| 4 + s.as_str().len()).sum::<usize>(),
        Value::Array(Array::Bool(a)) => 4 + a.len() * 3,
        Value::Array(Array::I64(a)) => 4 + a.len() * 11,
        Value::Array(Array::F64(a)) => 4 + a.len() * 11,
        _ => 10,
    }
}
