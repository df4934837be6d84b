//! How much memory decoding a request body will take, worked out before decoding it.
//!
//! A small body can decode into a huge object graph: 16 MiB of `0a 00` is 8 M empty
//! `ResourceSpans` (a 16 KB gzip). Protobuf bodies are walked on the wire format with the OTLP
//! schema (no allocation), counting each message by the size of the struct prost will build;
//! JSON bodies are bounded by the number of JSON values, each of which becomes at most one
//! `serde_json::Value` plus one struct.

use std::mem::size_of;

use opentelemetry_proto::tonic::common::v1 as common;
use opentelemetry_proto::tonic::logs::v1 as logs;
use opentelemetry_proto::tonic::metrics::v1 as metrics;
use opentelemetry_proto::tonic::resource::v1 as resource;
use opentelemetry_proto::tonic::trace::v1 as trace;

use super::decode::{DecodeError, Encoding};

/// Which export request a body holds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Signal {
    Traces,
    Metrics,
    Logs,
}

/// OTLP message types that own other messages (everything else is skipped as bytes).
#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    TracesReq,
    MetricsReq,
    LogsReq,
    ResourceSpans,
    ResourceMetrics,
    ResourceLogs,
    ScopeSpans,
    ScopeMetrics,
    ScopeLogs,
    Resource,
    Scope,
    KeyValue,
    AnyValue,
    ArrayValue,
    KvList,
    Span,
    Event,
    Link,
    Metric,
    /// Gauge or Sum
    NumberPoints,
    HistogramPoints,
    ExpHistogramPoints,
    SummaryPoints,
    NumberPoint,
    HistogramPoint,
    ExpHistogramPoint,
    SummaryPoint,
    Exemplar,
    LogRecord,
    /// A message with no message fields we need to look into (Status, Buckets, EntityRef…).
    Leaf,
}

/// The struct a message decodes into, in bytes (a `Vec` may hold up to twice that).
fn size(k: Kind) -> usize {
    match k {
        Kind::TracesReq | Kind::MetricsReq | Kind::LogsReq => 0,
        Kind::ResourceSpans => size_of::<trace::ResourceSpans>(),
        Kind::ResourceMetrics => size_of::<metrics::ResourceMetrics>(),
        Kind::ResourceLogs => size_of::<logs::ResourceLogs>(),
        Kind::ScopeSpans => size_of::<trace::ScopeSpans>(),
        Kind::ScopeMetrics => size_of::<metrics::ScopeMetrics>(),
        Kind::ScopeLogs => size_of::<logs::ScopeLogs>(),
        Kind::Resource => size_of::<resource::Resource>(),
        Kind::Scope => size_of::<common::InstrumentationScope>(),
        Kind::KeyValue => size_of::<common::KeyValue>(),
        Kind::AnyValue => size_of::<common::AnyValue>(),
        Kind::ArrayValue => size_of::<common::ArrayValue>(),
        Kind::KvList => size_of::<common::KeyValueList>(),
        Kind::Span => size_of::<trace::Span>(),
        Kind::Event => size_of::<trace::span::Event>(),
        Kind::Link => size_of::<trace::span::Link>(),
        Kind::Metric => size_of::<metrics::Metric>(),
        Kind::NumberPoints => size_of::<metrics::Sum>(),
        Kind::HistogramPoints => size_of::<metrics::Histogram>(),
        Kind::ExpHistogramPoints => size_of::<metrics::ExponentialHistogram>(),
        Kind::SummaryPoints => size_of::<metrics::Summary>(),
        Kind::NumberPoint => size_of::<metrics::NumberDataPoint>(),
        Kind::HistogramPoint => size_of::<metrics::HistogramDataPoint>(),
        Kind::ExpHistogramPoint => size_of::<metrics::ExponentialHistogramDataPoint>(),
        Kind::SummaryPoint => size_of::<metrics::SummaryDataPoint>(),
        Kind::Exemplar => size_of::<metrics::Exemplar>(),
        Kind::LogRecord => size_of::<logs::LogRecord>(),
        Kind::Leaf => 64,
    }
}

/// The message type of field `field` inside a `k`, when it is a message.
fn child(k: Kind, field: u64) -> Option<Kind> {
    use Kind::*;
    Some(match (k, field) {
        (TracesReq, 1) => ResourceSpans,
        (MetricsReq, 1) => ResourceMetrics,
        (LogsReq, 1) => ResourceLogs,
        (ResourceSpans | ResourceMetrics | ResourceLogs, 1) => Resource,
        (ResourceSpans, 2) => ScopeSpans,
        (ResourceMetrics, 2) => ScopeMetrics,
        (ResourceLogs, 2) => ScopeLogs,
        (ScopeSpans | ScopeMetrics | ScopeLogs, 1) => Scope,
        (ScopeSpans, 2) => Span,
        (ScopeMetrics, 2) => Metric,
        (ScopeLogs, 2) => LogRecord,
        (Resource, 1) | (Scope, 3) | (KvList, 1) => KeyValue,
        (Resource, 3) => Leaf,
        (KeyValue, 2) | (ArrayValue, 1) => AnyValue,
        (AnyValue, 5) => ArrayValue,
        (AnyValue, 6) => KvList,
        (Span, 9) | (Event, 3) | (Link, 4) => KeyValue,
        (Span, 11) => Event,
        (Span, 13) => Link,
        (Span, 15) => Leaf,
        (Metric, 12) => KeyValue,
        (Metric, 5 | 7) => NumberPoints,
        (Metric, 9) => HistogramPoints,
        (Metric, 10) => ExpHistogramPoints,
        (Metric, 11) => SummaryPoints,
        (NumberPoints, 1) => NumberPoint,
        (HistogramPoints, 1) => HistogramPoint,
        (ExpHistogramPoints, 1) => ExpHistogramPoint,
        (SummaryPoints, 1) => SummaryPoint,
        (NumberPoint, 7) | (HistogramPoint, 9) | (ExpHistogramPoint, 1) | (SummaryPoint, 7) => {
            KeyValue
        }
        (NumberPoint, 5) | (HistogramPoint, 8) | (ExpHistogramPoint, 11) => Exemplar,
        (ExpHistogramPoint, 8 | 9) | (SummaryPoint, 6) => Leaf,
        (Exemplar, 7) => KeyValue,
        (LogRecord, 5) => AnyValue,
        (LogRecord, 6) => KeyValue,
        _ => return None,
    })
}

/// Memory one heap-allocated field (String, Vec<u8>, packed Vec) takes beyond its bytes.
const FIELD_ALLOC_BYTES: usize = 48;

/// Deepest message nesting walked (prost's own recursion limit is 100).
const MAX_DEPTH: usize = 100;

fn varint(b: &[u8], i: &mut usize) -> Result<u64, String> {
    let mut v = 0u64;
    for shift in (0..64).step_by(7) {
        let byte = *b.get(*i).ok_or("truncated varint")?;
        *i += 1;
        v |= u64::from(byte & 0x7f) << shift;
        if byte < 0x80 {
            return Ok(v);
        }
    }
    Err("varint longer than 10 bytes".into())
}

/// Adds the decoded size of every message inside `b` (a `k`) to `total`.
fn walk(b: &[u8], k: Kind, depth: usize, total: &mut usize) -> Result<(), String> {
    if depth > MAX_DEPTH {
        return Err("messages nested too deeply".into());
    }
    let mut i = 0;
    while i < b.len() {
        let tag = varint(b, &mut i)?;
        let (field, wire) = (tag >> 3, tag & 7);
        match wire {
            0 => {
                varint(b, &mut i)?;
            }
            1 => i += 8,
            5 => i += 4,
            2 => {
                let len = varint(b, &mut i)?;
                let end = usize::try_from(len)
                    .ok()
                    .and_then(|l| i.checked_add(l))
                    .filter(|e| *e <= b.len())
                    .ok_or("length beyond the end of the message")?;
                if let Some(c) = child(k, field) {
                    // Twice the struct: a growing Vec may hold up to double its length.
                    *total = total.saturating_add(2 * size(c));
                    walk(&b[i..end], c, depth + 1, total)?;
                } else {
                    // A string, bytes or packed field: its bytes are in `wire`; this is the
                    // allocation itself (repeated tiny strings cost far more than their bytes).
                    *total = total.saturating_add(FIELD_ALLOC_BYTES);
                }
                i = end;
            }
            _ => return Err(format!("unsupported wire type {wire}")),
        }
        if i > b.len() {
            return Err("field beyond the end of the message".into());
        }
    }
    Ok(())
}

/// Bytes one `serde_json::Value` node, its map slot and the struct it becomes may take
/// (strings are counted by the body size).
const JSON_NODE_BYTES: usize = 128;

/// Number of JSON values in `b`: a value is the first in its object or array (one `{` or
/// `[` each) or follows a `,`, so counting those outside strings bounds it from above.
fn json_nodes(b: &[u8]) -> usize {
    let (mut n, mut in_str, mut esc) = (1usize, false, false);
    for &c in b {
        if in_str {
            if esc {
                esc = false;
            } else if c == b'\\' {
                esc = true;
            } else if c == b'"' {
                in_str = false;
            }
        } else {
            match c {
                b'"' => in_str = true,
                b'{' | b'[' | b',' => n += 1,
                _ => {}
            }
        }
    }
    n
}

/// An upper estimate of the memory decoding `body` takes, in bytes. Protobuf bodies that
/// are not valid wire format are refused here with the reason.
pub fn decoded_size(body: &[u8], encoding: Encoding, signal: Signal) -> Result<usize, DecodeError> {
    let wire = body.len().saturating_mul(2);
    match encoding {
        Encoding::Protobuf => {
            let root = match signal {
                Signal::Traces => Kind::TracesReq,
                Signal::Metrics => Kind::MetricsReq,
                Signal::Logs => Kind::LogsReq,
            };
            let mut total = wire;
            walk(body, root, 0, &mut total)
                .map_err(|e| DecodeError::Malformed(format!("invalid protobuf body: {e}")))?;
            Ok(total)
        }
        Encoding::Json => Ok(json_nodes(body)
            .saturating_mul(JSON_NODE_BYTES)
            .saturating_add(wire)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::otlp::decode::decode;
    use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
    use prost::Message;

    #[test]
    fn empty_resources_count_by_their_decoded_size() {
        let body = [0x0a, 0x00].repeat(1000);
        let est = decoded_size(&body, Encoding::Protobuf, Signal::Traces).unwrap();
        assert!(est >= 1000 * size_of::<trace::ResourceSpans>(), "{est}");
        let req: ExportTraceServiceRequest = decode(&body, Encoding::Protobuf).unwrap();
        assert_eq!(req.resource_spans.len(), 1000);
    }

    #[test]
    fn nested_values_and_bad_wire_format() {
        let kv = common::KeyValue {
            key: "k".into(),
            value: Some(common::AnyValue {
                value: Some(common::any_value::Value::ArrayValue(common::ArrayValue {
                    values: vec![common::AnyValue::default(); 10],
                })),
            }),
            ..Default::default()
        };
        let req = ExportTraceServiceRequest {
            resource_spans: vec![trace::ResourceSpans {
                resource: Some(resource::Resource {
                    attributes: vec![kv],
                    ..Default::default()
                }),
                ..Default::default()
            }],
        };
        let body = req.encode_to_vec();
        let est = decoded_size(&body, Encoding::Protobuf, Signal::Traces).unwrap();
        assert!(est >= 10 * size_of::<common::AnyValue>(), "{est}");
        assert!(decoded_size(&[0x0a, 0x05, 0x00], Encoding::Protobuf, Signal::Traces).is_err());
        assert!(decoded_size(&[0x0b], Encoding::Protobuf, Signal::Traces).is_err());
    }

    /// A full-size body of ordinary spans must fit the 256 MiB decode budget, in either encoding.
    #[test]
    fn ordinary_spans_fit_the_budget_at_the_default_body_limit() {
        let kv = |k: &str, v: &str| common::KeyValue {
            key: k.into(),
            value: Some(common::AnyValue {
                value: Some(common::any_value::Value::StringValue(v.into())),
            }),
            ..Default::default()
        };
        let spans: Vec<trace::Span> = (0..1000u64)
            .map(|i| trace::Span {
                trace_id: vec![1; 16],
                span_id: i.to_be_bytes().to_vec(),
                name: "GET /api/orders".into(),
                kind: 2,
                start_time_unix_nano: 1_700_000_000_000_000_000,
                end_time_unix_nano: 1_700_000_000_100_000_000,
                attributes: (0..10).map(|a| kv(&format!("attr.{a}"), "value")).collect(),
                ..Default::default()
            })
            .collect();
        let req = ExportTraceServiceRequest {
            resource_spans: vec![trace::ResourceSpans {
                scope_spans: vec![trace::ScopeSpans {
                    spans,
                    ..Default::default()
                }],
                ..Default::default()
            }],
        };
        for (enc, body) in [
            (Encoding::Protobuf, req.encode_to_vec()),
            (Encoding::Json, serde_json::to_vec(&req).unwrap()),
        ] {
            let est = decoded_size(&body, enc, Signal::Traces).unwrap();
            let at_limit = est as f64 / body.len() as f64 * (16 << 20) as f64;
            assert!(
                at_limit < (256 << 20) as f64,
                "{enc:?}: {est} for {} bytes",
                body.len()
            );
        }
    }

    #[test]
    fn repeated_tiny_strings_count_by_their_allocations() {
        let req = ExportTraceServiceRequest {
            resource_spans: vec![trace::ResourceSpans {
                resource: Some(resource::Resource {
                    entity_refs: vec![common::EntityRef {
                        id_keys: vec!["x".into(); 100_000],
                        ..Default::default()
                    }],
                    ..Default::default()
                }),
                ..Default::default()
            }],
        };
        let body = req.encode_to_vec();
        let est = decoded_size(&body, Encoding::Protobuf, Signal::Traces).unwrap();
        assert!(est >= 100_000 * 48, "{est} for {} bytes", body.len());
    }

    #[test]
    fn json_nodes_ignore_strings() {
        assert_eq!(json_nodes(br#"{"a":"{,[:\"","b":[1,2]}"#), 5);
    }
}
