//! "Valid OTLP": our encoders' bytes decoded by an independent implementation, the
//! `opentelemetry-proto` crate (prost for protobuf, its serde support for OTLP/JSON), with
//! every field checked.
#![cfg(not(target_arch = "wasm32"))]

use std::sync::Arc;

use crate::attributes::{Array, KeyValue, Scope, StringValue, Value};
use crate::propagation::tracestate;
use crate::trace::{Link, SpanContext, SpanId, TraceFlags, TraceId, TraceState};
use crate::trace::{SpanKind, Status};
use opentelemetry_proto::tonic::collector::metrics::v1::ExportMetricsServiceRequest;
use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::tonic::common::v1::{any_value, AnyValue};
use opentelemetry_proto::tonic::metrics::v1::{metric, number_data_point};
use prost::Message;

use super::{json, proto, Encoding};
use crate::metrics::{InstrumentDescriptor, InstrumentKind, MetricsRegistry, Temporality};
use crate::resource::Resource;
use crate::trace::{SpanData, SpanEvent};

fn all_value_types() -> Vec<KeyValue> {
    vec![
        KeyValue::new("s", "text \"quoted\" \\ \n é"),
        KeyValue::new("b", true),
        KeyValue::new("i", -42i64),
        KeyValue::new("big", i64::MAX),
        KeyValue::new("f", 1.5f64),
        KeyValue::new("fz", 0.0f64),
        KeyValue::new("nan", f64::NAN),
        KeyValue::new("inf", f64::NEG_INFINITY),
        KeyValue::new(
            "as",
            Value::Array(Array::String(vec![
                StringValue::from("a"),
                StringValue::from("b"),
            ])),
        ),
        KeyValue::new("ab", Value::Array(Array::Bool(vec![true, false]))),
        KeyValue::new("ai", Value::Array(Array::I64(vec![1, -2, 0]))),
        KeyValue::new("af", Value::Array(Array::F64(vec![0.25, -1e300]))),
    ]
}

/// The same without NaN and infinities, which the independent JSON decoder cannot read in
/// `AnyValue` (OTLP/JSON spells them "NaN", "Infinity", "-Infinity"; checked separately).
fn finite_value_types() -> Vec<KeyValue> {
    all_value_types()
        .into_iter()
        .filter(|kv| !matches!(kv.value, Value::F64(f) if !f.is_finite()))
        .collect()
}

fn check_value(ours: &Value, theirs: &AnyValue) {
    use any_value::Value as V;
    let v = theirs
        .value
        .as_ref()
        .unwrap_or_else(|| panic!("missing value for {ours:?}"));
    match (ours, v) {
        (Value::String(a), V::StringValue(b)) => assert_eq!(a.as_str(), b),
        (Value::Bool(a), V::BoolValue(b)) => assert_eq!(a, b),
        (Value::I64(a), V::IntValue(b)) => assert_eq!(a, b),
        (Value::F64(a), V::DoubleValue(b)) => {
            assert!(a == b || (a.is_nan() && b.is_nan()), "{a} vs {b}")
        }
        (Value::Array(a), V::ArrayValue(b)) => {
            let ours: Vec<Value> = match a {
                Array::String(v) => v.iter().map(|s| Value::String(s.clone())).collect(),
                Array::Bool(v) => v.iter().map(|x| Value::Bool(*x)).collect(),
                Array::I64(v) => v.iter().map(|x| Value::I64(*x)).collect(),
                Array::F64(v) => v.iter().map(|x| Value::F64(*x)).collect(),
            };
            assert_eq!(ours.len(), b.values.len());
            for (o, t) in ours.iter().zip(&b.values) {
                check_value(o, t);
            }
        }
        (o, t) => panic!("{o:?} decoded as {t:?}"),
    }
}

fn check_attrs(ours: &[KeyValue], theirs: &[opentelemetry_proto::tonic::common::v1::KeyValue]) {
    assert_eq!(ours.len(), theirs.len());
    for (o, t) in ours.iter().zip(theirs) {
        assert_eq!(o.key.as_str(), t.key);
        check_value(&o.value, t.value.as_ref().unwrap());
    }
}

fn resource() -> Resource {
    Resource::new(
        "checkout",
        Some("2.0.1"),
        Some("staging"),
        vec![KeyValue::new("team", "web")],
    )
}

fn sample_spans(attrs: Vec<KeyValue>) -> Vec<SpanData> {
    let scope = Arc::new(Scope {
        attributes: vec![KeyValue::new("scope.attr", 7i64)],
        ..Scope::new("app").with_version("1.0")
    });
    let other = Arc::new(Scope::new("lib"));
    let tid = TraceId::from_hex("0af7651916cd43dd8448eb211c80319c").unwrap();
    let ts = tracestate::parse("vendor=v1").unwrap();
    let linked = SpanContext::new(
        TraceId::from_hex("11111111111111111111111111111111").unwrap(),
        SpanId::from_hex("2222222222222222").unwrap(),
        TraceFlags::SAMPLED,
        true,
        ts.clone(),
    );
    let kinds = [
        SpanKind::Internal,
        SpanKind::Server,
        SpanKind::Client,
        SpanKind::Producer,
        SpanKind::Consumer,
    ];
    let statuses = [Status::Unset, Status::Ok, Status::error("boom \"x\"")];
    kinds
        .iter()
        .enumerate()
        .map(|(i, kind)| SpanData {
            span_context: SpanContext::new(
                tid,
                SpanId::from_bytes([i as u8 + 1; 8]),
                TraceFlags::SAMPLED,
                false,
                if i == 0 {
                    ts.clone()
                } else {
                    TraceState::default()
                },
            ),
            parent_span_id: if i == 0 {
                SpanId::INVALID
            } else {
                SpanId::from_bytes([1; 8])
            },
            parent_is_remote: i == 4,
            name: format!("span-{i}").into(),
            kind: *kind,
            start_ns: 1_700_000_000_000_000_000 + i as u64,
            end_ns: 1_700_000_000_500_000_000 + i as u64,
            attributes: if i == 0 {
                attrs.clone()
            } else {
                vec![KeyValue::new("n", i as i64)]
            },
            dropped_attributes: i as u32,
            events: vec![SpanEvent {
                name: "evt".into(),
                time_ns: 1_700_000_000_100_000_000,
                attributes: vec![KeyValue::new("e", 1.25)],
                dropped_attributes: 2,
            }],
            dropped_events: 3,
            links: vec![Link::new(linked.clone(), vec![KeyValue::new("l", "x")], 4)],
            dropped_links: 5,
            status: statuses[i % 3].clone(),
            scope: if i < 3 { scope.clone() } else { other.clone() },
            session: None,
        })
        .collect()
}

fn check_traces(req: &ExportTraceServiceRequest, spans: &[SpanData], res: &Resource) {
    assert_eq!(req.resource_spans.len(), 1);
    let rs = &req.resource_spans[0];
    check_attrs(&res.attributes, &rs.resource.as_ref().unwrap().attributes);
    assert_eq!(rs.scope_spans.len(), 2, "grouped by scope");
    let s0 = rs.scope_spans[0].scope.as_ref().unwrap();
    assert_eq!((s0.name.as_str(), s0.version.as_str()), ("app", "1.0"));
    check_attrs(&[KeyValue::new("scope.attr", 7i64)], &s0.attributes);
    assert_eq!(rs.scope_spans[1].scope.as_ref().unwrap().name, "lib");
    let decoded: Vec<_> = rs.scope_spans.iter().flat_map(|s| &s.spans).collect();
    assert_eq!(decoded.len(), spans.len());
    for (o, t) in spans.iter().zip(decoded) {
        let cx = &o.span_context;
        assert_eq!(t.trace_id, cx.trace_id().to_bytes());
        assert_eq!(t.span_id, cx.span_id().to_bytes());
        assert_eq!(t.trace_state, cx.trace_state().header());
        if o.parent_span_id == SpanId::INVALID {
            assert!(t.parent_span_id.is_empty());
            assert_eq!(
                t.flags, 0,
                "a root span's flags would tell nothing: not sent"
            );
        } else {
            assert_eq!(t.parent_span_id, o.parent_span_id.to_bytes());
            assert_eq!(t.flags, 0x101 | if o.parent_is_remote { 0x200 } else { 0 });
        }
        assert_eq!(t.name, o.name);
        assert_eq!(t.kind, super::kind_number(&o.kind) as i32);
        assert_eq!(
            (t.start_time_unix_nano, t.end_time_unix_nano),
            (o.start_ns, o.end_ns)
        );
        check_attrs(&o.attributes, &t.attributes);
        assert_eq!(t.dropped_attributes_count, o.dropped_attributes);
        assert_eq!(t.events.len(), 1);
        let (te, oe) = (&t.events[0], &o.events[0]);
        assert_eq!(
            (
                te.time_unix_nano,
                te.name.as_str(),
                te.dropped_attributes_count
            ),
            (oe.time_ns, "evt", 2)
        );
        check_attrs(&oe.attributes, &te.attributes);
        assert_eq!(t.dropped_events_count, 3);
        let (tl, ol) = (&t.links[0], &o.links[0]);
        assert_eq!(tl.trace_id, ol.span_context.trace_id().to_bytes());
        assert_eq!(tl.span_id, ol.span_context.span_id().to_bytes());
        assert_eq!(tl.trace_state, "vendor=v1");
        assert_eq!(tl.flags, 0x301);
        assert_eq!(tl.dropped_attributes_count, 4);
        check_attrs(&ol.attributes, &tl.attributes);
        assert_eq!(t.dropped_links_count, 5);
        let (code, msg) = super::status_parts(&o.status);
        let st = t.status.clone().unwrap_or_default();
        assert_eq!((st.code as u64, st.message.as_str()), (code, msg));
    }
}

#[test]
fn traces_protobuf_decodes_with_prost() {
    let (spans, res) = (sample_spans(all_value_types()), resource());
    let bytes = proto::encode_traces(&res, &spans);
    let req = ExportTraceServiceRequest::decode(bytes.as_slice()).expect("valid protobuf");
    check_traces(&req, &spans, &res);
}

/// Nested messages of every length-prefix width: under 128 B, two bytes, three bytes.
#[test]
fn long_messages_decode_with_prost() {
    let mut attrs = all_value_types();
    attrs.push(KeyValue::new("long.200", "x".repeat(200)));
    attrs.push(KeyValue::new("long.20000", "y".repeat(20_000)));
    let (mut spans, res) = (sample_spans(attrs), resource());
    spans.extend(anchor_spans(200));
    let bytes = proto::encode_traces(&res, &spans);
    assert!(bytes.len() > 1 << 14);
    let req = ExportTraceServiceRequest::decode(bytes.as_slice()).expect("valid protobuf");
    let n: usize = req
        .resource_spans
        .iter()
        .flat_map(|r| &r.scope_spans)
        .map(|s| s.spans.len())
        .sum();
    assert_eq!(n, spans.len());
    let long = req
        .resource_spans
        .iter()
        .flat_map(|r| &r.scope_spans)
        .flat_map(|s| &s.spans)
        .flat_map(|s| &s.attributes)
        .find(|kv| kv.key == "long.20000")
        .expect("the long attribute");
    assert_eq!(
        long.value.as_ref().and_then(|v| v.value.as_ref()),
        Some(
            &opentelemetry_proto::tonic::common::v1::any_value::Value::StringValue(
                "y".repeat(20_000)
            )
        )
    );
}

#[test]
fn traces_json_decodes_with_serde() {
    let res = resource();
    let text = json::encode_traces(&res, &sample_spans(all_value_types()), json::std_f64);
    let v: serde_json::Value = serde_json::from_str(&text).expect("valid JSON");
    // Spot-check the JSON mapping rules the decoder would also accept in other forms.
    let span0 = &v["resourceSpans"][0]["scopeSpans"][0]["spans"][0];
    assert_eq!(
        span0["traceId"], "0af7651916cd43dd8448eb211c80319c",
        "hex, not base64"
    );
    assert_eq!(span0["kind"], 1, "enums as integers");
    assert_eq!(
        span0["startTimeUnixNano"], "1700000000000000000",
        "64-bit ints as strings"
    );
    assert_eq!(
        span0["attributes"][3]["value"]["intValue"],
        i64::MAX.to_string()
    );
    assert_eq!(span0["attributes"][6]["value"]["doubleValue"], "NaN");
    assert_eq!(span0["attributes"][7]["value"]["doubleValue"], "-Infinity");
    assert!(span0.get("parentSpanId").is_none());
    let spans = sample_spans(finite_value_types());
    let text = json::encode_traces(&res, &spans, json::std_f64);
    let req: ExportTraceServiceRequest = serde_json::from_str(&text).expect("OTLP/JSON");
    check_traces(&req, &spans, &res);
}

fn sample_metrics(t: Temporality, attrs: Vec<KeyValue>) -> Vec<crate::metrics::MetricData> {
    let scope = Arc::new(Scope::new("meter").with_version("0.1"));
    let mut r = MetricsRegistry::new(t);
    let mut d = InstrumentDescriptor::new("clicks", InstrumentKind::Counter, scope.clone());
    d.description = "button clicks".into();
    d.unit = "{click}".into();
    d.integer = true;
    let c = r.register(d);
    let u = r.register(InstrumentDescriptor::new(
        "inflight",
        InstrumentKind::UpDownCounter,
        scope.clone(),
    ));
    let mut hd = InstrumentDescriptor::new("latency", InstrumentKind::Histogram, scope.clone());
    hd.unit = "ms".into();
    hd.boundaries = vec![10.0, 100.0];
    let h = r.register(hd);
    let g = r.register(InstrumentDescriptor::new(
        "memory",
        InstrumentKind::Gauge,
        scope,
    ));
    r.record(c, 3.0, attrs, 1_000);
    r.record(u, -2.5, vec![], 1_000);
    for v in [5.0, 50.0, 500.0] {
        r.record(h, v, vec![KeyValue::new("route", "/a")], 1_000);
    }
    r.record(g, 0.0, vec![], 1_500);
    r.collect(2_000)
}

fn check_metrics(req: &ExportMetricsServiceRequest, t: Temporality, attrs: Vec<KeyValue>) {
    let temporality = if t == Temporality::Delta { 1 } else { 2 };
    let rm = &req.resource_metrics[0];
    check_attrs(
        &resource().attributes,
        &rm.resource.as_ref().unwrap().attributes,
    );
    let sm = &rm.scope_metrics[0];
    assert_eq!(sm.scope.as_ref().unwrap().name, "meter");
    assert_eq!(sm.scope.as_ref().unwrap().version, "0.1");
    let m = &sm.metrics;
    assert_eq!(m.len(), 4);
    assert_eq!(
        (
            m[0].name.as_str(),
            m[0].description.as_str(),
            m[0].unit.as_str()
        ),
        ("clicks", "button clicks", "{click}")
    );
    let Some(metric::Data::Sum(sum)) = &m[0].data else {
        panic!("sum")
    };
    assert!(sum.is_monotonic);
    assert_eq!(sum.aggregation_temporality, temporality);
    let p = &sum.data_points[0];
    assert_eq!(p.value, Some(number_data_point::Value::AsInt(3)));
    assert_eq!((p.start_time_unix_nano, p.time_unix_nano), (1_000, 2_000));
    let mut sorted = attrs;
    sorted.sort_by(|a, b| a.key.as_str().cmp(b.key.as_str()));
    check_attrs(&sorted, &p.attributes);
    let Some(metric::Data::Sum(ud)) = &m[1].data else {
        panic!("updown")
    };
    assert!(!ud.is_monotonic);
    assert_eq!(
        ud.data_points[0].value,
        Some(number_data_point::Value::AsDouble(-2.5))
    );
    let Some(metric::Data::Histogram(hist)) = &m[2].data else {
        panic!("histogram")
    };
    assert_eq!(hist.aggregation_temporality, temporality);
    assert_eq!(m[2].unit, "ms");
    let hp = &hist.data_points[0];
    assert_eq!(
        (hp.count, hp.sum, hp.min, hp.max),
        (3, Some(555.0), Some(5.0), Some(500.0))
    );
    assert_eq!(hp.bucket_counts, vec![1, 1, 1]);
    assert_eq!(hp.explicit_bounds, vec![10.0, 100.0]);
    check_attrs(&[KeyValue::new("route", "/a")], &hp.attributes);
    let Some(metric::Data::Gauge(g)) = &m[3].data else {
        panic!("gauge")
    };
    assert_eq!(
        g.data_points[0].value,
        Some(number_data_point::Value::AsDouble(0.0)),
        "zero is present, not omitted"
    );
    assert_eq!(g.data_points[0].time_unix_nano, 2_000);
}

#[test]
fn metrics_protobuf_decodes_with_prost() {
    for t in [Temporality::Cumulative, Temporality::Delta] {
        let bytes = proto::encode_metrics(&resource(), &sample_metrics(t, all_value_types()));
        let req = ExportMetricsServiceRequest::decode(bytes.as_slice()).expect("valid protobuf");
        check_metrics(&req, t, all_value_types());
    }
}

#[test]
fn metrics_json_decodes_with_serde() {
    for t in [Temporality::Cumulative, Temporality::Delta] {
        let text = json::encode_metrics(
            &resource(),
            &sample_metrics(t, finite_value_types()),
            json::std_f64,
        );
        let v: serde_json::Value = serde_json::from_str(&text).expect("valid JSON");
        let hp =
            &v["resourceMetrics"][0]["scopeMetrics"][0]["metrics"][2]["histogram"]["dataPoints"][0];
        assert_eq!(hp["count"], "3");
        assert_eq!(hp["bucketCounts"][0], "1");
        let req: ExportMetricsServiceRequest = serde_json::from_str(&text).expect("OTLP/JSON");
        check_metrics(&req, t, finite_value_types());
    }
}

#[test]
fn empty_batches_are_still_valid() {
    let res = resource();
    let req =
        ExportTraceServiceRequest::decode(proto::encode_traces(&res, &[]).as_slice()).unwrap();
    assert_eq!(req.resource_spans[0].scope_spans.len(), 0);
    let _: ExportTraceServiceRequest =
        serde_json::from_str(&json::encode_traces(&res, &[], json::std_f64)).unwrap();
    assert_eq!(Encoding::default().content_type(), "application/x-protobuf");
    assert_eq!(Encoding::Json.content_type(), "application/json");
}

#[test]
fn protobuf_is_much_smaller_than_json() {
    let (spans, res) = (sample_spans(all_value_types()), resource());
    let p = proto::encode_traces(&res, &spans).len();
    let j = json::encode_traces(&res, &spans, json::std_f64).len();
    assert!(p * 2 < j, "protobuf {p} vs json {j}");
}

/// `n` root spans of one scope, numbered ids and times, shaped by `shape`.
fn numbered_spans(n: u64, scope: &str, shape: impl Fn(u64, &mut SpanData)) -> Vec<SpanData> {
    let scope = Arc::new(Scope::new(scope.to_string()).with_version("0.0.0"));
    let tid = TraceId::from_hex("0af7651916cd43dd8448eb211c80319c").unwrap();
    (0..n)
        .map(|i| {
            let mut s = SpanData {
                span_context: SpanContext::new(
                    tid,
                    SpanId::from_bytes((i + 1).to_be_bytes()),
                    TraceFlags::SAMPLED,
                    false,
                    TraceState::default(),
                ),
                parent_span_id: SpanId::INVALID,
                parent_is_remote: false,
                name: "".into(),
                kind: SpanKind::Internal,
                start_ns: 1_700_000_000_000_000_000 + i * 1000,
                end_ns: 1_700_000_000_000_050_000 + i * 1000,
                attributes: vec![],
                dropped_attributes: 0,
                events: vec![],
                dropped_events: 0,
                links: vec![],
                dropped_links: 0,
                status: Status::Unset,
                scope: scope.clone(),
                session: None,
            };
            shape(i, &mut s);
            s
        })
        .collect()
}

/// The anchor's span shape (`bench.span` with `bench.i` and `bench.kind`), as in
/// /work/shared/anchor-js.
fn anchor_spans(n: u64) -> Vec<SpanData> {
    numbered_spans(n, "anchor-bench", |i, s| {
        s.name = "bench.span".into();
        s.attributes = vec![
            KeyValue::new("bench.i", i as i64),
            KeyValue::new("bench.kind", "heap"),
        ];
    })
}

/// A fetch span as the instrumentation makes it: six attributes, eight timing events.
fn fetch_spans(n: u64) -> Vec<SpanData> {
    let events = [
        "fetchStart",
        "domainLookupStart",
        "domainLookupEnd",
        "connectStart",
        "connectEnd",
        "requestStart",
        "responseStart",
        "responseEnd",
    ];
    numbered_spans(n, "@sdk-wasm/instrumentation-fetch", |i, s| {
        s.name = "GET".into();
        s.kind = SpanKind::Client;
        s.parent_span_id = SpanId::from_bytes([9; 8]);
        s.attributes = vec![
            KeyValue::new("http.request.method", "GET"),
            KeyValue::new(
                "url.full",
                format!("https://api.example.com/items/{i}?page=2"),
            ),
            KeyValue::new("server.address", "api.example.com"),
            KeyValue::new("server.port", 443i64),
            KeyValue::new("http.response.status_code", 200i64),
            KeyValue::new("http.response.body.size", 1834i64),
        ];
        s.events = events
            .iter()
            .map(|e| SpanEvent {
                name: (*e).into(),
                time_ns: s.start_ns + 10_000,
                attributes: vec![],
                dropped_attributes: 0,
            })
            .collect();
    })
}

/// OpenTelemetry JS sends ~427 B per anchor span as OTLP/JSON; our protobuf goal is ≤ 0.4× that.
#[test]
fn bytes_per_span_against_the_otel_js_anchor() {
    let spans = anchor_spans(512);
    let res = resource();
    let proto_per_span = proto::encode_traces(&res, &spans).len() as f64 / 512.0;
    let json_per_span = json::encode_traces(&res, &spans, json::std_f64).len() as f64 / 512.0;
    println!(
        "bytes per span: protobuf {proto_per_span:.1}, json {json_per_span:.1} (OTel JS json: 427)"
    );
    assert!(proto_per_span <= 0.4 * 427.0, "{proto_per_span}");
}

/// The estimate behind "export before a batch outgrows a keepalive request", within 25 %
/// either way in both encodings for typical spans. (The varied sample spans above are not
/// typical: five spans carrying two scopes and every value type.)
#[test]
fn estimated_span_size_is_close() {
    let res = resource();
    for (name, spans) in [("fetch", fetch_spans(200)), ("anchor", anchor_spans(200))] {
        let actual_p = proto::encode_traces(&res, &spans).len();
        let actual_j = json::encode_traces(&res, &spans, json::std_f64).len();
        let est = |e| {
            spans
                .iter()
                .map(|s| super::estimated_span_size(s, e))
                .sum::<usize>()
        };
        let (est_p, est_j) = (est(Encoding::Protobuf), est(Encoding::Json));
        println!("200 {name} spans: protobuf {actual_p} B, estimate {est_p}; json {actual_j} B, estimate {est_j}");
        for (actual, est) in [(actual_p, est_p), (actual_j, est_j)] {
            let r = est as f64 / actual as f64;
            assert!(
                (0.75..=1.25).contains(&r),
                "{name}: estimate {est} vs {actual}"
            );
        }
    }
}

fn sample_logs(attrs: Vec<KeyValue>) -> Vec<crate::logs::LogRecord> {
    use crate::logs::{LogRecord, SEVERITY_ERROR, SEVERITY_INFO};
    let errors = Arc::new(Scope::new("otel-wasm/errors").with_version("0.1.0"));
    let vitals = Arc::new(Scope::new("otel-wasm/web-vitals"));
    let mut err = LogRecord::event(
        errors.clone(),
        "browser.error",
        SEVERITY_ERROR,
        "boom \"x\"".into(),
        1_700_000_000_000_000_123,
    );
    err.observed_ns += 5;
    err.attributes.extend(attrs);
    err.trace = Some(([7; 16], [8; 8], 1));
    let mut lcp = LogRecord::event(
        vitals,
        "browser.web_vital",
        SEVERITY_INFO,
        "LCP".into(),
        1_700_000_001_000_000_000,
    );
    lcp.attributes
        .push(KeyValue::new("web_vital.value", 1234.5));
    let mut bare = LogRecord::event(errors, "", 0, String::new(), 1);
    bare.attributes.clear();
    vec![err, lcp, bare]
}

fn check_logs(
    req: &opentelemetry_proto::tonic::collector::logs::v1::ExportLogsServiceRequest,
    logs: &[crate::logs::LogRecord],
) {
    assert_eq!(req.resource_logs.len(), 1);
    let rl = &req.resource_logs[0];
    check_attrs(
        &resource().attributes,
        &rl.resource.as_ref().unwrap().attributes,
    );
    let scopes: Vec<_> = rl
        .scope_logs
        .iter()
        .map(|s| s.scope.as_ref().unwrap().name.as_str())
        .collect();
    assert_eq!(
        scopes,
        ["otel-wasm/errors", "otel-wasm/web-vitals"],
        "grouped by scope, first seen first"
    );
    assert_eq!(rl.scope_logs[0].scope.as_ref().unwrap().version, "0.1.0");
    let decoded: Vec<_> = [0, 2, 1]
        .iter()
        .map(|&i| &logs[i])
        .zip(rl.scope_logs.iter().flat_map(|s| &s.log_records))
        .collect();
    assert_eq!(decoded.len(), 3);
    for (o, t) in decoded {
        assert_eq!(
            (t.time_unix_nano, t.observed_time_unix_nano),
            (o.time_ns, o.observed_ns)
        );
        assert_eq!(t.severity_number, o.severity as i32);
        assert_eq!(t.severity_text, o.severity_text);
        assert_eq!(t.event_name, o.event_name);
        check_attrs(&o.attributes, &t.attributes);
        match t.body.as_ref().and_then(|b| b.value.as_ref()) {
            Some(any_value::Value::StringValue(s)) => assert_eq!(s, &o.body),
            None => assert!(o.body.is_empty()),
            other => panic!("body {other:?}"),
        }
        match o.trace {
            Some((tid, sid, flags)) => assert_eq!(
                (t.trace_id.as_slice(), t.span_id.as_slice(), t.flags),
                (&tid[..], &sid[..], flags as u32)
            ),
            None => assert!(t.trace_id.is_empty() && t.span_id.is_empty() && t.flags == 0),
        }
    }
}

#[test]
fn logs_protobuf_decodes_with_prost() {
    use opentelemetry_proto::tonic::collector::logs::v1::ExportLogsServiceRequest;
    let logs = sample_logs(all_value_types());
    let req = ExportLogsServiceRequest::decode(proto::encode_logs(&resource(), &logs).as_slice())
        .expect("valid protobuf");
    check_logs(&req, &logs);
}

#[test]
fn logs_json_decodes_with_serde() {
    use opentelemetry_proto::tonic::collector::logs::v1::ExportLogsServiceRequest;
    let logs = sample_logs(finite_value_types());
    let text = json::encode_logs(&resource(), &logs, json::std_f64);
    let v: serde_json::Value = serde_json::from_str(&text).expect("valid JSON");
    let l0 = &v["resourceLogs"][0]["scopeLogs"][0]["logRecords"][0];
    assert_eq!(l0["traceId"], "07070707070707070707070707070707", "hex ids");
    assert_eq!(l0["severityNumber"], 17);
    assert_eq!(l0["eventName"], "browser.error");
    let req: ExportLogsServiceRequest = serde_json::from_str(&text).expect("OTLP/JSON");
    check_logs(&req, &logs);
}

#[test]
fn estimated_log_size_is_close() {
    let logs: Vec<_> = (0..100)
        .flat_map(|_| {
            sample_logs(vec![KeyValue::new(
                "exception.stacktrace",
                "Error: x\n    at f (https://shop.example/app.js:10:5)",
            )])
        })
        .collect();
    for e in [Encoding::Protobuf, Encoding::Json] {
        let actual = match e {
            Encoding::Protobuf => proto::encode_logs(&resource(), &logs).len(),
            Encoding::Json => json::encode_logs(&resource(), &logs, json::std_f64).len(),
        };
        let est: usize = logs.iter().map(|l| super::estimated_log_size(l, e)).sum();
        let r = est as f64 / actual as f64;
        assert!(
            (0.7..=1.4).contains(&r),
            "{e:?}: estimate {est} vs {actual}"
        );
    }
}

/// Per `Resource*` group: the resource attributes it was sent with, and what it holds (span
/// id bytes, event names): the shape the session grouping must produce.
type SessionGroups<T = u8> = Vec<(Vec<(String, String)>, Vec<T>)>;

fn string_attrs(
    attrs: &[opentelemetry_proto::tonic::common::v1::KeyValue],
) -> Vec<(String, String)> {
    attrs
        .iter()
        .map(
            |kv| match kv.value.as_ref().and_then(|v| v.value.as_ref()) {
                Some(any_value::Value::StringValue(s)) => (kv.key.clone(), s.clone()),
                other => (kv.key.clone(), format!("{other:?}")),
            },
        )
        .collect()
}

fn trace_session_groups(req: &ExportTraceServiceRequest) -> SessionGroups {
    req.resource_spans
        .iter()
        .map(|rs| {
            let attrs = string_attrs(&rs.resource.as_ref().unwrap().attributes);
            let spans = rs.scope_spans.iter().flat_map(|s| &s.spans);
            for s in spans.clone() {
                assert!(s.attributes.iter().all(|kv| kv.key != "session.id"));
            }
            (attrs, spans.map(|s| s.span_id[7]).collect())
        })
        .collect()
}

/// A string value's text (the resources these tests compare hold strings only).
fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.as_str().to_string(),
        other => panic!("not a string: {other:?}"),
    }
}

/// The expected resource of a group: the SDK's (string values only here) plus the session.
fn with_session(res: &Resource, session: Option<&str>) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = res
        .attributes
        .iter()
        .filter(|kv| session.is_none() || kv.key.as_str() != "session.id")
        .map(|kv| (kv.key.as_str().to_string(), text(&kv.value)))
        .collect();
    if let Some(s) = session {
        v.push(("session.id".into(), s.into()));
    }
    v
}

#[test]
fn spans_are_sent_once_per_session_as_a_resource_attribute() {
    // Spans 1..=5 of sessions a, a, b, (none), a; the last of another scope.
    let sessions = [Some("a"), Some("a"), Some("b"), None, Some("a")];
    let mut spans = numbered_spans(5, "app", |i, s| {
        s.session = sessions[i as usize].map(String::from);
        s.attributes = vec![KeyValue::new("page.route", "/")];
    });
    spans[4].scope = Arc::new(Scope::new("lib"));
    // A user resource `session.id` is replaced by the batch's session, kept without one.
    let res = Resource::new(
        "shop",
        None,
        None,
        vec![KeyValue::new("session.id", "user")],
    );
    let expected: SessionGroups = vec![
        (with_session(&res, Some("a")), vec![1, 2, 5]),
        (with_session(&res, Some("b")), vec![3]),
        (with_session(&res, None), vec![4]),
    ];
    let bytes = proto::encode_traces(&res, &spans);
    let req = ExportTraceServiceRequest::decode(bytes.as_slice()).unwrap();
    assert_eq!(trace_session_groups(&req), expected);
    let scopes: Vec<_> = req.resource_spans[0]
        .scope_spans
        .iter()
        .map(|s| s.scope.as_ref().unwrap().name.as_str())
        .collect();
    assert_eq!(scopes, ["app", "lib"], "then grouped by scope");
    let text = json::encode_traces(&res, &spans, json::std_f64);
    let req: ExportTraceServiceRequest = serde_json::from_str(&text).unwrap();
    assert_eq!(
        trace_session_groups(&req),
        expected,
        "the same in OTLP/JSON"
    );

    // One session (the usual batch): one resource, and the id costs its bytes once.
    let one = |n: u64, session: Option<&str>| {
        let spans = numbered_spans(n, "app", |_, s| s.session = session.map(String::from));
        proto::encode_traces(&resource(), &spans).len()
    };
    let id = "0123456789abcdef0123456789abcdef";
    assert_eq!(
        one(1, Some(id)) - one(1, None),
        one(50, Some(id)) - one(50, None)
    );
}

#[test]
fn log_records_are_grouped_by_session_too() {
    use opentelemetry_proto::tonic::collector::logs::v1::ExportLogsServiceRequest;
    let mut logs = sample_logs(vec![]);
    logs[0].session = Some("a".into());
    logs[1].session = Some("b".into());
    logs[2].session = Some("a".into());
    let groups = |req: &ExportLogsServiceRequest| -> SessionGroups<String> {
        req.resource_logs
            .iter()
            .map(|rl| {
                let attrs = string_attrs(&rl.resource.as_ref().unwrap().attributes);
                let events = rl
                    .scope_logs
                    .iter()
                    .flat_map(|s| &s.log_records)
                    .map(|l| l.event_name.clone())
                    .collect();
                (attrs, events)
            })
            .collect()
    };
    let res = resource();
    let expected = vec![
        (
            with_session(&res, Some("a")),
            vec!["browser.error".to_string(), String::new()],
        ),
        (
            with_session(&res, Some("b")),
            vec!["browser.web_vital".to_string()],
        ),
    ];
    let req = ExportLogsServiceRequest::decode(proto::encode_logs(&res, &logs).as_slice()).unwrap();
    assert_eq!(groups(&req), expected);
    let text = json::encode_logs(&res, &logs, json::std_f64);
    let req: ExportLogsServiceRequest = serde_json::from_str(&text).unwrap();
    assert_eq!(groups(&req), expected);
}
