//! OTLP/JSON encoders, per the OTLP specification's JSON mapping: lowerCamelCase field names,
//! trace and span ids as lowercase hex (not base64), enum values as integers, 64-bit integers
//! as decimal strings, non-finite doubles as "NaN"/"Infinity"/"-Infinity".

use crate::attributes::{Array, KeyValue, Scope, Value};
use crate::trace::{Link, SpanId};

use super::proto::temporality_number;
use super::{
    estimated_span_size, kind_number, logs_by_session, metrics_by_scope, span_flags,
    spans_by_session, status_parts, Encoding, SESSION_ID,
};
use crate::decimal::push_u64;
use crate::logs::LogRecord;
use crate::metrics::{HistogramPoint, MetricData, MetricPoints, NumberPoint};
use crate::propagation::traceparent::push_hex;
use crate::resource::Resource;
use crate::trace::{SpanData, SpanEvent};

/// Formats a finite double as a JSON number. The browser build passes JavaScript's own
/// `Number#toString` (keeps Rust's float formatting out of the wasm); tests use [`std_f64`].
pub type FloatFormat = fn(f64, &mut String);

pub fn std_f64(v: f64, out: &mut String) {
    out.push_str(&v.to_string());
}

pub struct JsonWriter {
    pub out: String,
    float: FloatFormat,
    /// Whether the next member/element needs a leading comma.
    comma: bool,
}

impl JsonWriter {
    pub fn new(float: FloatFormat) -> Self {
        JsonWriter {
            out: String::new(),
            float,
            comma: false,
        }
    }

    fn sep(&mut self) {
        if self.comma {
            self.out.push(',');
        }
        self.comma = true;
    }

    fn key(&mut self, k: &str) {
        self.sep();
        self.out.push('"');
        self.out.push_str(k);
        self.out.push_str("\":");
        // The value follows; whatever comes after it needs a comma.
        self.comma = true;
    }

    fn open(&mut self, c: char) {
        self.out.push(c);
        self.comma = false;
    }

    fn close(&mut self, c: char) {
        self.out.push(c);
        self.comma = true;
    }

    fn obj(&mut self, k: &str, body: impl FnOnce(&mut Self)) {
        self.key(k);
        self.open('{');
        body(self);
        self.close('}');
    }

    fn arr<T>(
        &mut self,
        k: &str,
        items: impl IntoIterator<Item = T>,
        mut each: impl FnMut(&mut Self, T),
    ) {
        self.key(k);
        self.open('[');
        for it in items {
            self.sep();
            self.open('{');
            each(self, it);
            self.close('}');
        }
        self.close(']');
    }

    fn str_raw(&mut self, s: &str) {
        self.out.push('"');
        for c in s.chars() {
            match c {
                '"' => self.out.push_str("\\\""),
                '\\' => self.out.push_str("\\\\"),
                '\n' => self.out.push_str("\\n"),
                '\r' => self.out.push_str("\\r"),
                '\t' => self.out.push_str("\\t"),
                c if (c as u32) < 0x20 => {
                    self.out.push_str("\\u00");
                    push_hex(&mut self.out, &[c as u8]);
                }
                c => self.out.push(c),
            }
        }
        self.out.push('"');
    }

    fn str(&mut self, k: &str, v: &str) {
        if !v.is_empty() {
            self.key(k);
            self.str_raw(v);
        }
    }

    fn hex(&mut self, k: &str, bytes: &[u8]) {
        self.key(k);
        self.out.push('"');
        push_hex(&mut self.out, bytes);
        self.out.push('"');
    }

    fn uint(&mut self, k: &str, v: u64) {
        if v != 0 {
            self.key(k);
            push_u64(&mut self.out, v);
        }
    }

    /// 64-bit integers are strings in OTLP/JSON.
    fn u64_str(&mut self, k: &str, v: u64) {
        self.key(k);
        self.out.push('"');
        push_u64(&mut self.out, v);
        self.out.push('"');
    }

    fn i64_str_raw(&mut self, v: i64) {
        self.out.push('"');
        if v < 0 {
            self.out.push('-');
        }
        push_u64(&mut self.out, v.unsigned_abs());
        self.out.push('"');
    }

    fn f64_raw(&mut self, v: f64) {
        if v.is_nan() {
            self.out.push_str("\"NaN\"");
        } else if v.is_infinite() {
            self.out.push_str(if v > 0.0 {
                "\"Infinity\""
            } else {
                "\"-Infinity\""
            });
        } else {
            (self.float)(v, &mut self.out);
        }
    }

    fn f64(&mut self, k: &str, v: f64) {
        self.key(k);
        self.f64_raw(v);
    }

    fn any_value(&mut self, v: &Value) {
        self.open('{');
        match v {
            Value::String(s) => {
                self.key("stringValue");
                self.str_raw(s.as_str());
            }
            Value::Bool(b) => {
                self.key("boolValue");
                self.out.push_str(if *b { "true" } else { "false" });
            }
            Value::I64(i) => {
                self.key("intValue");
                self.i64_str_raw(*i);
            }
            Value::F64(f) => self.f64("doubleValue", *f),
            Value::Array(a) => self.obj("arrayValue", |w| w.array(a)),
        }
        self.close('}');
    }

    fn array(&mut self, a: &Array) {
        self.key("values");
        self.open('[');
        let each = |w: &mut Self, v: Value| {
            w.sep();
            w.any_value(&v);
        };
        match a {
            Array::Bool(v) => v.iter().for_each(|x| each(self, Value::Bool(*x))),
            Array::I64(v) => v.iter().for_each(|x| each(self, Value::I64(*x))),
            Array::F64(v) => v.iter().for_each(|x| each(self, Value::F64(*x))),
            Array::String(v) => v.iter().for_each(|x| each(self, Value::String(x.clone()))),
        }
        self.close(']');
    }

    fn attributes(&mut self, attrs: &[KeyValue]) {
        if attrs.is_empty() {
            return;
        }
        self.arr("attributes", attrs, |w, kv| {
            w.str("key", kv.key.as_str());
            w.key("value");
            w.any_value(&kv.value);
        });
    }

    /// The SDK's resource, plus `session.id` for one session's spans or logs (as protobuf).
    fn resource(&mut self, r: &Resource, session: Option<&str>) {
        let Some(id) = session else {
            return self.obj("resource", |w| w.attributes(&r.attributes));
        };
        let mut attrs: Vec<KeyValue> = r
            .attributes
            .iter()
            .filter(|kv| kv.key.as_str() != SESSION_ID)
            .cloned()
            .collect();
        attrs.push(KeyValue::new(SESSION_ID, id.to_string()));
        self.obj("resource", |w| w.attributes(&attrs));
    }

    fn scope(&mut self, s: &Scope) {
        self.obj("scope", |w| {
            w.str("name", &s.name);
            w.str("version", s.version.as_deref().unwrap_or(""));
            w.attributes(&s.attributes);
        });
    }

    fn span(&mut self, s: &SpanData) {
        let cx = &s.span_context;
        self.hex("traceId", &cx.trace_id().to_bytes());
        self.hex("spanId", &cx.span_id().to_bytes());
        self.str("traceState", cx.trace_state().header());
        if s.parent_span_id != SpanId::INVALID {
            self.hex("parentSpanId", &s.parent_span_id.to_bytes());
            self.uint(
                "flags",
                span_flags(cx.trace_flags().to_u8(), s.parent_is_remote) as u64,
            );
        }
        self.str("name", &s.name);
        self.uint("kind", kind_number(&s.kind));
        self.u64_str("startTimeUnixNano", s.start_ns);
        self.u64_str("endTimeUnixNano", s.end_ns);
        self.attributes(&s.attributes);
        self.uint("droppedAttributesCount", s.dropped_attributes as u64);
        if !s.events.is_empty() {
            self.arr("events", &s.events, |w, e| w.event(e));
        }
        self.uint("droppedEventsCount", s.dropped_events as u64);
        if !s.links.is_empty() {
            self.arr("links", &s.links, |w, l| w.link(l));
        }
        self.uint("droppedLinksCount", s.dropped_links as u64);
        let (code, msg) = status_parts(&s.status);
        self.obj("status", |w| {
            w.str("message", msg);
            w.uint("code", code);
        });
    }

    fn event(&mut self, e: &SpanEvent) {
        self.u64_str("timeUnixNano", e.time_ns);
        self.str("name", &e.name);
        self.attributes(&e.attributes);
        self.uint("droppedAttributesCount", e.dropped_attributes as u64);
    }

    fn link(&mut self, l: &Link) {
        let cx = &l.span_context;
        self.hex("traceId", &cx.trace_id().to_bytes());
        self.hex("spanId", &cx.span_id().to_bytes());
        self.str("traceState", cx.trace_state().header());
        self.attributes(&l.attributes);
        self.uint("droppedAttributesCount", l.dropped_attributes_count as u64);
        self.uint(
            "flags",
            span_flags(cx.trace_flags().to_u8(), cx.is_remote()) as u64,
        );
    }

    fn log_record(&mut self, l: &LogRecord) {
        self.u64_str("timeUnixNano", l.time_ns);
        self.u64_str("observedTimeUnixNano", l.observed_ns);
        self.uint("severityNumber", l.severity as u64);
        self.str("severityText", &l.severity_text);
        if !l.body.is_empty() {
            self.key("body");
            self.any_value(&Value::String(l.body.clone().into()));
        }
        self.attributes(&l.attributes);
        if let Some((trace_id, span_id, flags)) = &l.trace {
            self.uint("flags", *flags as u64);
            self.hex("traceId", trace_id);
            self.hex("spanId", span_id);
        }
        self.str("eventName", &l.event_name);
    }

    fn metric(&mut self, m: &MetricData) {
        self.str("name", &m.name);
        self.str("description", &m.description);
        self.str("unit", &m.unit);
        match &m.points {
            MetricPoints::Gauge { integer, points } => self.obj("gauge", |w| {
                w.arr("dataPoints", points, |w, p| w.number_point(p, *integer));
            }),
            MetricPoints::Sum {
                monotonic,
                temporality,
                integer,
                points,
            } => self.obj("sum", |w| {
                w.arr("dataPoints", points, |w, p| w.number_point(p, *integer));
                w.uint("aggregationTemporality", temporality_number(*temporality));
                if *monotonic {
                    w.key("isMonotonic");
                    w.out.push_str("true");
                }
            }),
            MetricPoints::Histogram {
                temporality,
                points,
            } => self.obj("histogram", |w| {
                w.arr("dataPoints", points, |w, p| w.histogram_point(p));
                w.uint("aggregationTemporality", temporality_number(*temporality));
            }),
        }
    }

    fn number_point(&mut self, p: &NumberPoint, integer: bool) {
        self.attributes(&p.attributes);
        if p.start_ns != 0 {
            self.u64_str("startTimeUnixNano", p.start_ns);
        }
        self.u64_str("timeUnixNano", p.time_ns);
        if integer {
            self.key("asInt");
            self.i64_str_raw(p.value as i64);
        } else {
            self.f64("asDouble", p.value);
        }
    }

    fn histogram_point(&mut self, p: &HistogramPoint) {
        self.attributes(&p.attributes);
        self.u64_str("startTimeUnixNano", p.start_ns);
        self.u64_str("timeUnixNano", p.time_ns);
        self.u64_str("count", p.count);
        self.f64("sum", p.sum);
        self.key("bucketCounts");
        self.open('[');
        for c in &p.bucket_counts {
            self.sep();
            self.out.push('"');
            push_u64(&mut self.out, *c);
            self.out.push('"');
        }
        self.close(']');
        self.key("explicitBounds");
        self.open('[');
        for b in &p.boundaries {
            self.sep();
            self.f64_raw(*b);
        }
        self.close(']');
        if p.count > 0 {
            self.f64("min", p.min);
            self.f64("max", p.max);
        }
    }
}

/// An `ExportTraceServiceRequest` as OTLP/JSON.
pub fn encode_traces(resource: &Resource, spans: &[SpanData], float: FloatFormat) -> String {
    let mut w = JsonWriter::new(float);
    // Sized by the spans' size estimate, as the protobuf body is.
    w.out.reserve(
        spans
            .iter()
            .map(|s| estimated_span_size(s, Encoding::Json))
            .sum(),
    );
    w.open('{');
    w.arr(
        "resourceSpans",
        spans_by_session(spans),
        |w, (session, scopes)| {
            w.resource(resource, session);
            w.arr("scopeSpans", scopes, |w, (scope, group)| {
                w.scope(scope);
                w.arr("spans", group, |w, s| w.span(s));
            });
        },
    );
    w.close('}');
    w.out
}

/// An `ExportMetricsServiceRequest` as OTLP/JSON.
pub fn encode_metrics(resource: &Resource, metrics: &[MetricData], float: FloatFormat) -> String {
    let mut w = JsonWriter::new(float);
    w.open('{');
    w.arr("resourceMetrics", [()], |w, ()| {
        w.resource(resource, None);
        w.arr(
            "scopeMetrics",
            metrics_by_scope(metrics),
            |w, (scope, group)| {
                w.scope(scope);
                w.arr("metrics", group, |w, m| w.metric(m));
            },
        );
    });
    w.close('}');
    w.out
}

/// An `ExportLogsServiceRequest` as OTLP/JSON.
pub fn encode_logs(resource: &Resource, logs: &[LogRecord], float: FloatFormat) -> String {
    let mut w = JsonWriter::new(float);
    w.open('{');
    w.arr(
        "resourceLogs",
        logs_by_session(logs),
        |w, (session, scopes)| {
            w.resource(resource, session);
            w.arr("scopeLogs", scopes, |w, (scope, group)| {
                w.scope(scope);
                w.arr("logRecords", group, |w, l| w.log_record(l));
            });
        },
    );
    w.close('}');
    w.out
}
