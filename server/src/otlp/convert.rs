//! OTLP messages → rows for the store. Spans with malformed ids are rejected (counted for
//! OTLP partial success) instead of failing the whole request.

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

pub struct Converted {
    pub batch: Batch,
    pub rejected: i64,
    pub reason: String,
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

pub fn traces(req: &ExportTraceServiceRequest) -> Converted {
    let mut out = Converted {
        batch: Batch::default(),
        rejected: 0,
        reason: String::new(),
    };
    for rs in &req.resource_spans {
        let resource = std::sync::Arc::new(
            rs.resource
                .as_ref()
                .map(|r| attrs_to_map(&r.attributes))
                .unwrap_or_default(),
        );
        let service = service_of(&resource);
        for ss in &rs.scope_spans {
            for span in &ss.spans {
                if span.trace_id.len() != 16
                    || span.span_id.len() != 8
                    || span.trace_id.iter().all(|b| *b == 0)
                {
                    out.rejected += 1;
                    out.reason =
                        "spans need a 16-byte non-zero traceId and an 8-byte spanId".into();
                    continue;
                }
                let trace_id = hex::encode(&span.trace_id);
                let span_id = hex::encode(&span.span_id);
                let parent_span_id = if span.parent_span_id.len() == 8 {
                    hex::encode(&span.parent_span_id)
                } else {
                    String::new()
                };
                let attrs = attrs_to_map(&span.attributes);
                let ts = span.start_time_unix_nano.min(i64::MAX as u64) as i64;
                let duration = span
                    .end_time_unix_nano
                    .saturating_sub(span.start_time_unix_nano)
                    .min(i64::MAX as u64) as i64;
                let (status_code, status_message) = span
                    .status
                    .as_ref()
                    .map(|s| (s.code, s.message.clone()))
                    .unwrap_or((0, String::new()));
                let mut events = Vec::with_capacity(span.events.len());
                for (i, ev) in span.events.iter().enumerate() {
                    let ev_attrs = attrs_to_map(&ev.attributes);
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
                            ev.time_unix_nano.min(i64::MAX as u64) as i64
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
                for link in &span.links {
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
    out
}

pub fn logs(req: &ExportLogsServiceRequest) -> Converted {
    let mut out = Converted {
        batch: Batch::default(),
        rejected: 0,
        reason: String::new(),
    };
    for rl in &req.resource_logs {
        let resource = rl
            .resource
            .as_ref()
            .map(|r| attrs_to_map(&r.attributes))
            .unwrap_or_default();
        let service = service_of(&resource);
        for sl in &rl.scope_logs {
            for rec in &sl.log_records {
                let ts = if rec.time_unix_nano > 0 {
                    rec.time_unix_nano
                } else {
                    rec.observed_time_unix_nano
                };
                let ts = ts.min(i64::MAX as u64) as i64;
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
                out.batch.logs.push(LogRow {
                    ts,
                    observed_ts: rec.observed_time_unix_nano.min(i64::MAX as u64) as i64,
                    id,
                    trace_id: hex::encode(&rec.trace_id),
                    span_id: hex::encode(&rec.span_id),
                    trace_flags: rec.flags & 0xff,
                    severity_text: rec.severity_text.clone(),
                    severity_number: rec.severity_number,
                    body,
                    service: service.clone(),
                    attrs: attrs_to_map(&rec.attributes),
                    resource: resource.clone(),
                });
            }
        }
    }
    out
}

pub fn metrics(req: &ExportMetricsServiceRequest) -> Converted {
    let mut out = Converted {
        batch: Batch::default(),
        rejected: 0,
        reason: String::new(),
    };
    for rm in &req.resource_metrics {
        let resource = rm
            .resource
            .as_ref()
            .map(|r| attrs_to_map(&r.attributes))
            .unwrap_or_default();
        for sm in &rm.scope_metrics {
            for m in &sm.metrics {
                let labels_of = |attrs: &[KeyValue]| {
                    let mut l = resource.clone();
                    l.extend(attrs_to_map(attrs));
                    l
                };
                let number = |v: &Option<NV>| match v {
                    Some(NV::AsDouble(d)) => Some(*d),
                    Some(NV::AsInt(i)) => Some(*i as f64),
                    None => None,
                };
                match &m.data {
                    Some(Data::Gauge(g)) => {
                        for p in &g.data_points {
                            out.batch.metrics.push(MetricRow {
                                ts: p.time_unix_nano as i64,
                                metric: m.name.clone(),
                                kind: "gauge",
                                labels: labels_of(&p.attributes),
                                value: number(&p.value),
                                ..Default::default()
                            });
                        }
                    }
                    Some(Data::Sum(s)) => {
                        for p in &s.data_points {
                            out.batch.metrics.push(MetricRow {
                                ts: p.time_unix_nano as i64,
                                metric: m.name.clone(),
                                kind: "sum",
                                temporality: s.aggregation_temporality,
                                monotonic: s.is_monotonic,
                                labels: labels_of(&p.attributes),
                                value: number(&p.value),
                                ..Default::default()
                            });
                        }
                    }
                    Some(Data::Histogram(h)) => {
                        for p in &h.data_points {
                            if p.bucket_counts.len() != p.explicit_bounds.len() + 1
                                && !p.bucket_counts.is_empty()
                            {
                                out.rejected += 1;
                                out.reason =
                                    "histogram points need bucketCounts = explicitBounds + 1"
                                        .into();
                                continue;
                            }
                            out.batch.metrics.push(MetricRow {
                                ts: p.time_unix_nano as i64,
                                metric: m.name.clone(),
                                kind: "histogram",
                                temporality: h.aggregation_temporality,
                                monotonic: true,
                                labels: labels_of(&p.attributes),
                                count: Some(p.count),
                                sum: p.sum,
                                bounds: Some(p.explicit_bounds.clone()),
                                bucket_counts: Some(p.bucket_counts.clone()),
                                ..Default::default()
                            });
                        }
                    }
                    Some(Data::ExponentialHistogram(e)) => {
                        out.rejected += e.data_points.len() as i64;
                        out.reason = "exponential histograms are not stored".into();
                    }
                    Some(Data::Summary(s)) => {
                        out.rejected += s.data_points.len() as i64;
                        out.reason = "summaries are not stored".into();
                    }
                    None => {}
                }
            }
        }
    }
    out
}
