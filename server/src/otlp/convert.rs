//! OTLP messages → rows for the store. Spans with malformed ids or an end before their start
//! are rejected (counted for OTLP partial success) instead of failing the whole request;
//! timestamps, durations and per-item counts are bounded here so nothing later can overflow
//! or grow without limit (a warning in the partial success says what was changed).

use opentelemetry_proto::tonic::collector::logs::v1::ExportLogsServiceRequest;
use opentelemetry_proto::tonic::collector::metrics::v1::ExportMetricsServiceRequest;
use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::tonic::common::v1::{any_value::Value as AV, AnyValue, KeyValue};
use opentelemetry_proto::tonic::metrics::v1::{metric::Data, number_data_point::Value as NV};
use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};

use crate::store::rows::{value_to_string, Batch, ErrorRow, LogRow, MetricRow, SpanRow};

pub const UNKNOWN_SERVICE: &str = "unknown_service";
const SPAN_KIND_SERVER: i32 = 2;
const SPAN_KIND_CONSUMER: i32 = 5;
const STATUS_CODE_ERROR: i32 = 2;

/// Attributes kept per span, event, link, log record, data point or resource (the OTel SDKs'
/// default limit); later ones are dropped with a warning.
pub const MAX_ATTRIBUTES: usize = 128;
/// Events and links kept per span (OTel's default limits).
pub const MAX_EVENTS: usize = 128;
pub const MAX_LINKS: usize = 128;
/// Spans, log records or data points accepted from one request; the rest are rejected.
pub const MAX_RECORDS: usize = 100_000;
/// Resources accepted from one request; the items of later ones are rejected.
pub const MAX_RESOURCES: usize = 1_000;
/// A timestamp further than this ahead of the receive time is taken as the receive time:
/// future rows would hide from every time window and outlive retention.
pub const MAX_CLOCK_SKEW_NS: i64 = 10 * 60 * 1_000_000_000;
/// Longest span duration stored (7 days); longer ones are clamped.
pub const MAX_DURATION_NS: i64 = 7 * 24 * 3600 * 1_000_000_000;

pub struct Converted {
    pub batch: Batch,
    /// Items refused (partial success).
    pub rejected: i64,
    /// Why items were refused or changed; a message with `rejected == 0` is a warning.
    pub reason: String,
}

impl Converted {
    fn new() -> Self {
        Converted {
            batch: Batch::default(),
            rejected: 0,
            reason: String::new(),
        }
    }
    fn reject(&mut self, n: usize, why: &str) {
        self.rejected += n as i64;
        self.note(why);
    }
    /// Adds `why` to the message once.
    fn note(&mut self, why: &str) {
        if !self.reason.split("; ").any(|r| r == why) {
            if !self.reason.is_empty() {
                self.reason.push_str("; ");
            }
            self.reason.push_str(why);
        }
    }
}

/// The receive time and what conversion had to change, shared by the three signals.
struct Clock {
    now_ns: i64,
    clamped: bool,
}

impl Clock {
    /// An OTLP timestamp as stored: 0 (unset) and anything beyond the allowed skew become
    /// the receive time.
    fn ts(&mut self, t: u64) -> i64 {
        let t = t.min(i64::MAX as u64) as i64;
        if t == 0 {
            self.now_ns
        } else if t > self.now_ns.saturating_add(MAX_CLOCK_SKEW_NS) {
            self.clamped = true;
            self.now_ns
        } else {
            t
        }
    }
    fn finish(self, out: &mut Converted) {
        if self.clamped {
            out.note("timestamps more than 10 minutes ahead of the server clock were set to the receive time");
        }
    }
}

const DROPPED_ATTRIBUTES: &str = "attributes beyond 128 per item were dropped";

/// `attrs_to_map` keeping the first [`MAX_ATTRIBUTES`], noting a drop in `out`.
fn bounded_attrs(kvs: &[KeyValue], out: &mut Converted) -> Map<String, Value> {
    if kvs.len() > MAX_ATTRIBUTES {
        out.note(DROPPED_ATTRIBUTES);
    }
    attrs_to_map(&kvs[..kvs.len().min(MAX_ATTRIBUTES)])
}

pub fn any_to_json(v: &AnyValue) -> Value {
    match &v.value {
        Some(AV::StringValue(s)) => Value::String(s.clone()),
        Some(AV::BoolValue(b)) => Value::Bool(*b),
        Some(AV::IntValue(i)) => Value::from(*i),
        Some(AV::DoubleValue(d)) => serde_json::Number::from_f64(*d)
            .map(Value::Number)
            .unwrap_or(Value::String(d.to_string())),
        // Composite values are kept as their JSON text so every attribute stays a scalar.
        Some(AV::ArrayValue(a)) => {
            Value::String(Value::Array(a.values.iter().map(any_to_json).collect()).to_string())
        }
        Some(AV::KvlistValue(kv)) => {
            Value::String(Value::Object(attrs_to_map(&kv.values)).to_string())
        }
        Some(AV::BytesValue(b)) => Value::String(hex::encode(b)),
        // An index into a profiles string table, which traces, metrics and logs do not carry.
        Some(AV::StringValueStrindex(i)) => Value::from(*i),
        None => Value::Null,
    }
}

pub fn attrs_to_map(kvs: &[KeyValue]) -> Map<String, Value> {
    kvs.iter()
        .map(|kv| {
            (
                kv.key.clone(),
                kv.value.as_ref().map(any_to_json).unwrap_or(Value::Null),
            )
        })
        .collect()
}

fn service_of(resource: &Map<String, Value>) -> String {
    match resource.get("service.name") {
        Some(Value::String(s)) if !s.is_empty() => s.clone(),
        _ => UNKNOWN_SERVICE.to_string(),
    }
}

fn str_attr(attrs: &Map<String, Value>, keys: &[&str]) -> String {
    keys.iter()
        .find_map(|k| attrs.get(*k).map(value_to_string))
        .unwrap_or_default()
}

/// Stable id of an error group: same type, message and service → same group.
pub fn error_group_id(exception_type: &str, message: &str, service: &str) -> String {
    let mut h = Sha256::new();
    for part in [exception_type, message, service] {
        h.update(part.as_bytes());
        h.update([0u8]);
    }
    hex::encode(&h.finalize()[..16])
}

fn error_id(span_id: &str, index: usize, ts: i64) -> String {
    let mut h = Sha256::new();
    h.update(format!("{span_id}/{index}/{ts}").as_bytes());
    hex::encode(&h.finalize()[..16])
}

pub fn traces(req: &ExportTraceServiceRequest, now_ns: i64) -> Converted {
    let mut out = Converted::new();
    let mut clock = Clock {
        now_ns,
        clamped: false,
    };
    for (n, rs) in req.resource_spans.iter().enumerate() {
        if n >= MAX_RESOURCES {
            let spans = rs.scope_spans.iter().map(|s| s.spans.len()).sum();
            out.reject(spans, "more than 1000 resources in one request");
            continue;
        }
        let resource = std::sync::Arc::new(
            rs.resource
                .as_ref()
                .map(|r| bounded_attrs(&r.attributes, &mut out))
                .unwrap_or_default(),
        );
        let service = service_of(&resource);
        for ss in &rs.scope_spans {
            for span in &ss.spans {
                if span.trace_id.len() != 16
                    || span.span_id.len() != 8
                    || span.trace_id.iter().all(|b| *b == 0)
                {
                    out.reject(
                        1,
                        "spans need a 16-byte non-zero traceId and an 8-byte spanId",
                    );
                    continue;
                }
                if span.end_time_unix_nano < span.start_time_unix_nano {
                    out.reject(1, "spans need endTimeUnixNano >= startTimeUnixNano");
                    continue;
                }
                if out.batch.spans.len() >= MAX_RECORDS {
                    out.reject(1, "more than 100000 spans in one request");
                    continue;
                }
                let trace_id = hex::encode(&span.trace_id);
                let span_id = hex::encode(&span.span_id);
                let parent_span_id = if span.parent_span_id.len() == 8 {
                    hex::encode(&span.parent_span_id)
                } else {
                    String::new()
                };
                let attrs = bounded_attrs(&span.attributes, &mut out);
                let ts = clock.ts(span.start_time_unix_nano);
                let duration = span.end_time_unix_nano - span.start_time_unix_nano;
                let duration = if duration > MAX_DURATION_NS as u64 {
                    out.note("span durations above 7 days were clamped to 7 days");
                    MAX_DURATION_NS
                } else {
                    duration as i64
                };
                let (status_code, status_message) = span
                    .status
                    .as_ref()
                    .map(|s| (s.code, s.message.clone()))
                    .unwrap_or((0, String::new()));
                if span.events.len() > MAX_EVENTS || span.links.len() > MAX_LINKS {
                    out.note("events and links beyond 128 per span were dropped");
                }
                let mut events = Vec::with_capacity(span.events.len().min(MAX_EVENTS));
                for (i, ev) in span.events.iter().take(MAX_EVENTS).enumerate() {
                    let ev_attrs = bounded_attrs(&ev.attributes, &mut out);
                    let is_error = ev.name == "exception";
                    let attribute_map: Map<String, Value> = ev_attrs
                        .iter()
                        .map(|(k, v)| (k.clone(), Value::String(value_to_string(v))))
                        .collect();
                    events.push(
                        json!({"name": ev.name, "timeUnixNano": ev.time_unix_nano, "attributeMap": attribute_map, "isError": is_error})
                            .to_string(),
                    );
                    if is_error {
                        let ev_ts = if ev.time_unix_nano > 0 {
                            clock.ts(ev.time_unix_nano)
                        } else {
                            ts
                        };
                        let exception_type = str_attr(&ev_attrs, &["exception.type"]);
                        let exception_message = str_attr(&ev_attrs, &["exception.message"]);
                        out.batch.errors.push(ErrorRow {
                            ts: ev_ts,
                            error_id: error_id(&span_id, i, ev_ts),
                            group_id: error_group_id(&exception_type, &exception_message, &service),
                            trace_id: trace_id.clone(),
                            span_id: span_id.clone(),
                            service: service.clone(),
                            exception_stacktrace: str_attr(&ev_attrs, &["exception.stacktrace"]),
                            exception_escaped: matches!(
                                ev_attrs.get("exception.escaped"),
                                Some(Value::Bool(true))
                            ) || ev_attrs
                                .get("exception.escaped")
                                .map(value_to_string)
                                .as_deref()
                                == Some("true"),
                            exception_type,
                            exception_message,
                        });
                    }
                }
                let mut refs = vec![format!(
                    "{{TraceId={trace_id}, SpanId={parent_span_id}, RefType=CHILD_OF}}"
                )];
                for link in span.links.iter().take(MAX_LINKS) {
                    refs.push(format!(
                        "{{TraceId={}, SpanId={}, RefType=FOLLOWS_FROM}}",
                        hex::encode(&link.trace_id),
                        hex::encode(&link.span_id)
                    ));
                }
                out.batch.spans.push(SpanRow {
                    ts,
                    top_level: parent_span_id.is_empty()
                        || span.kind == SPAN_KIND_SERVER
                        || span.kind == SPAN_KIND_CONSUMER,
                    trace_id,
                    span_id,
                    parent_span_id,
                    service: service.clone(),
                    name: span.name.clone(),
                    kind: span.kind,
                    duration,
                    has_error: status_code == STATUS_CODE_ERROR,
                    status_code,
                    status_message,
                    http_method: str_attr(&attrs, &["http.request.method", "http.method"]),
                    response_status_code: str_attr(
                        &attrs,
                        &[
                            "http.response.status_code",
                            "http.status_code",
                            "rpc.grpc.status_code",
                        ],
                    ),
                    attrs,
                    resource: resource.clone(),
                    events,
                    refs,
                });
            }
        }
    }
    clock.finish(&mut out);
    out
}

pub fn logs(req: &ExportLogsServiceRequest, now_ns: i64) -> Converted {
    let mut out = Converted::new();
    let mut clock = Clock {
        now_ns,
        clamped: false,
    };
    for (n, rl) in req.resource_logs.iter().enumerate() {
        if n >= MAX_RESOURCES {
            let records = rl.scope_logs.iter().map(|s| s.log_records.len()).sum();
            out.reject(records, "more than 1000 resources in one request");
            continue;
        }
        let resource = rl
            .resource
            .as_ref()
            .map(|r| bounded_attrs(&r.attributes, &mut out))
            .unwrap_or_default();
        let service = service_of(&resource);
        for sl in &rl.scope_logs {
            for rec in &sl.log_records {
                if out.batch.logs.len() >= MAX_RECORDS {
                    out.reject(1, "more than 100000 log records in one request");
                    continue;
                }
                // Event time, else observed time, else the receive time (never 1970, which
                // retention would delete at once).
                let ts = clock.ts(if rec.time_unix_nano > 0 {
                    rec.time_unix_nano
                } else {
                    rec.observed_time_unix_nano
                });
                let body = rec
                    .body
                    .as_ref()
                    .map(|b| value_to_string(&any_to_json(b)))
                    .unwrap_or_default();
                let mut h = Sha256::new();
                h.update(
                    format!(
                        "{ts}/{}/{}/{body}",
                        hex::encode(&rec.trace_id),
                        hex::encode(&rec.span_id)
                    )
                    .as_bytes(),
                );
                h.update(out.batch.logs.len().to_le_bytes());
                // SigNoz log ids sort by time: a zero-padded timestamp prefix keeps that property.
                let id = format!("{ts:020}{}", &hex::encode(h.finalize())[..12]);
                let attrs = bounded_attrs(&rec.attributes, &mut out);
                out.batch.logs.push(LogRow {
                    ts,
                    observed_ts: if rec.observed_time_unix_nano > 0 {
                        clock.ts(rec.observed_time_unix_nano)
                    } else {
                        0
                    },
                    id,
                    trace_id: hex::encode(&rec.trace_id),
                    span_id: hex::encode(&rec.span_id),
                    trace_flags: rec.flags & 0xff,
                    severity_text: rec.severity_text.clone(),
                    severity_number: rec.severity_number,
                    body,
                    service: service.clone(),
                    attrs,
                    resource: resource.clone(),
                });
            }
        }
    }
    clock.finish(&mut out);
    out
}

/// Data points of a metric that would be stored (the others are rejected by type).
fn points_of(m: &opentelemetry_proto::tonic::metrics::v1::Metric) -> usize {
    match &m.data {
        Some(Data::Gauge(g)) => g.data_points.len(),
        Some(Data::Sum(s)) => s.data_points.len(),
        Some(Data::Histogram(h)) => h.data_points.len(),
        _ => 0,
    }
}

pub fn metrics(req: &ExportMetricsServiceRequest, now_ns: i64) -> Converted {
    let mut out = Converted::new();
    let mut clock = Clock {
        now_ns,
        clamped: false,
    };
    let number = |v: &Option<NV>| match v {
        Some(NV::AsDouble(d)) => Some(*d),
        Some(NV::AsInt(i)) => Some(*i as f64),
        None => None,
    };
    for (n, rm) in req.resource_metrics.iter().enumerate() {
        if n >= MAX_RESOURCES {
            out.reject(
                rm.scope_metrics
                    .iter()
                    .flat_map(|s| &s.metrics)
                    .map(points_of)
                    .sum(),
                "more than 1000 resources in one request",
            );
            continue;
        }
        let resource = rm
            .resource
            .as_ref()
            .map(|r| bounded_attrs(&r.attributes, &mut out))
            .unwrap_or_default();
        let labels_of = |attrs: &[KeyValue], out: &mut Converted| {
            let mut l = resource.clone();
            l.extend(bounded_attrs(attrs, out));
            l
        };
        for sm in &rm.scope_metrics {
            for m in &sm.metrics {
                let points = points_of(m);
                if out.batch.metrics.len() + points > MAX_RECORDS {
                    out.reject(points, "more than 100000 data points in one request");
                    continue;
                }
                match &m.data {
                    Some(Data::Gauge(g)) => {
                        for p in &g.data_points {
                            let row = MetricRow {
                                ts: clock.ts(p.time_unix_nano),
                                metric: m.name.clone(),
                                kind: "gauge",
                                labels: labels_of(&p.attributes, &mut out),
                                value: number(&p.value),
                                ..Default::default()
                            };
                            out.batch.metrics.push(row);
                        }
                    }
                    Some(Data::Sum(s)) => {
                        for p in &s.data_points {
                            let row = MetricRow {
                                ts: clock.ts(p.time_unix_nano),
                                metric: m.name.clone(),
                                kind: "sum",
                                temporality: s.aggregation_temporality,
                                monotonic: s.is_monotonic,
                                labels: labels_of(&p.attributes, &mut out),
                                value: number(&p.value),
                                ..Default::default()
                            };
                            out.batch.metrics.push(row);
                        }
                    }
                    Some(Data::Histogram(h)) => {
                        for p in &h.data_points {
                            if p.bucket_counts.len() != p.explicit_bounds.len() + 1
                                && !p.bucket_counts.is_empty()
                            {
                                out.reject(
                                    1,
                                    "histogram points need bucketCounts = explicitBounds + 1",
                                );
                                continue;
                            }
                            let row = MetricRow {
                                ts: clock.ts(p.time_unix_nano),
                                metric: m.name.clone(),
                                kind: "histogram",
                                temporality: h.aggregation_temporality,
                                monotonic: true,
                                labels: labels_of(&p.attributes, &mut out),
                                count: Some(p.count),
                                sum: p.sum,
                                bounds: Some(p.explicit_bounds.clone()),
                                bucket_counts: Some(p.bucket_counts.clone()),
                                ..Default::default()
                            };
                            out.batch.metrics.push(row);
                        }
                    }
                    Some(Data::ExponentialHistogram(e)) => {
                        out.reject(e.data_points.len(), "exponential histograms are not stored");
                    }
                    Some(Data::Summary(s)) => {
                        out.reject(s.data_points.len(), "summaries are not stored");
                    }
                    None => {}
                }
            }
        }
    }
    clock.finish(&mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use opentelemetry_proto::tonic::trace::v1::{ResourceSpans, ScopeSpans, Span};

    fn spans(resources: usize, per_resource: usize) -> ExportTraceServiceRequest {
        let span = Span {
            trace_id: vec![1; 16],
            span_id: vec![2; 8],
            start_time_unix_nano: 1_000,
            end_time_unix_nano: 2_000,
            ..Default::default()
        };
        ExportTraceServiceRequest {
            resource_spans: (0..resources)
                .map(|_| ResourceSpans {
                    scope_spans: vec![ScopeSpans {
                        spans: vec![span.clone(); per_resource],
                        ..Default::default()
                    }],
                    ..Default::default()
                })
                .collect(),
        }
    }

    #[test]
    fn records_and_resources_per_request_are_capped() {
        let c = traces(&spans(1, MAX_RECORDS + 3), 10_000);
        assert_eq!((c.batch.spans.len(), c.rejected), (MAX_RECORDS, 3));
        let c = traces(&spans(MAX_RESOURCES + 2, 2), 10_000);
        assert_eq!((c.batch.spans.len(), c.rejected), (2 * MAX_RESOURCES, 4));
        assert!(c.reason.contains("resources"), "{}", c.reason);
    }

    #[test]
    fn times_are_clamped_to_the_receive_time() {
        let now = 1_700_000_000_000_000_000i64;
        let mut clock = Clock {
            now_ns: now,
            clamped: false,
        };
        assert_eq!(clock.ts(0), now);
        assert!(!clock.clamped);
        assert_eq!(clock.ts(now as u64 + 60_000_000_000), now + 60_000_000_000);
        assert_eq!(clock.ts(u64::MAX), now);
        assert!(clock.clamped);
    }
}
