//! A minimal protobuf writer and the OTLP trace/metrics request encoders on top of it.
//! Field numbers are those of opentelemetry-proto v1 (`trace.proto`, `metrics.proto`,
//! `common.proto`, `resource.proto`).

use crate::attributes::{Array, KeyValue, Value};

use super::{
    estimated_span_size, kind_number, logs_by_session, metrics_by_scope, span_flags,
    spans_by_session, status_parts, Encoding, SESSION_ID,
};
use crate::attributes::Scope;
use crate::logs::LogRecord;
use crate::metrics::{HistogramPoint, MetricData, MetricPoints, NumberPoint, Temporality};
use crate::resource::Resource;
use crate::trace::Link;
use crate::trace::{SpanData, SpanEvent};

const VARINT: u32 = 0;
const I64: u32 = 1;
const LEN: u32 = 2;
const I32: u32 = 5;

#[derive(Default)]
pub struct ProtoWriter {
    pub buf: Vec<u8>,
}

impl ProtoWriter {
    fn varint(&mut self, mut v: u64) {
        while v >= 0x80 {
            self.buf.push(v as u8 | 0x80);
            v >>= 7;
        }
        self.buf.push(v as u8);
    }

    fn tag(&mut self, field: u32, wire: u32) {
        self.varint(((field << 3) | wire) as u64);
    }

    fn uint(&mut self, field: u32, v: u64) {
        if v != 0 {
            self.tag(field, VARINT);
            self.varint(v);
        }
    }

    fn bool(&mut self, field: u32, v: bool) {
        self.uint(field, v as u64);
    }

    fn fixed64(&mut self, field: u32, v: u64) {
        if v != 0 {
            self.tag(field, I64);
            self.buf.extend_from_slice(&v.to_le_bytes());
        }
    }

    /// A double; `always` writes it even when zero (for `oneof` and `optional` fields).
    fn double(&mut self, field: u32, v: f64, always: bool) {
        if always || v.to_bits() != 0 {
            self.tag(field, I64);
            self.buf.extend_from_slice(&v.to_le_bytes());
        }
    }

    fn fixed32(&mut self, field: u32, v: u32) {
        if v != 0 {
            self.tag(field, I32);
            self.buf.extend_from_slice(&v.to_le_bytes());
        }
    }

    fn bytes(&mut self, field: u32, b: &[u8]) {
        if !b.is_empty() {
            self.tag(field, LEN);
            self.varint(b.len() as u64);
            self.buf.extend_from_slice(b);
        }
    }

    fn string(&mut self, field: u32, s: &str) {
        self.bytes(field, s.as_bytes());
    }

    /// A nested message, written even when empty (presence matters for `oneof` members).
    /// One byte is held for its length, which holds it below 128 (most nested messages); a
    /// longer one moves the body right once. No allocation per message.
    fn message(&mut self, field: u32, body: impl FnOnce(&mut Self)) {
        self.tag(field, LEN);
        self.buf.push(0);
        let start = self.buf.len();
        body(self);
        self.close_message(start);
    }

    /// Writes the length of the message body that began at `start` (out of line: `message`
    /// is instantiated once per call site).
    #[inline(never)]
    fn close_message(&mut self, start: usize) {
        let end = self.buf.len();
        let len = end - start;
        if len < 0x80 {
            self.buf[start - 1] = len as u8;
            return;
        }
        self.varint(len as u64);
        let n = self.buf.len() - end;
        let mut v = [0u8; 10];
        v[..n].copy_from_slice(&self.buf[end..]);
        self.buf.copy_within(start..end, start + n - 1);
        self.buf.truncate(end + n - 1);
        self.buf[start - 1..start - 1 + n].copy_from_slice(&v[..n]);
    }

    fn packed_fixed64(&mut self, field: u32, vs: impl ExactSizeIterator<Item = u64>) {
        if vs.len() > 0 {
            self.tag(field, LEN);
            self.varint(vs.len() as u64 * 8);
            for v in vs {
                self.buf.extend_from_slice(&v.to_le_bytes());
            }
        }
    }

    fn any_value(&mut self, v: &Value) {
        match v {
            Value::String(s) => self.string(1, s.as_str()),
            Value::Bool(b) => {
                self.tag(2, VARINT);
                self.varint(*b as u64);
            }
            Value::I64(i) => {
                self.tag(3, VARINT);
                self.varint(*i as u64);
            }
            Value::F64(f) => self.double(4, *f, true),
            Value::Array(a) => self.message(5, |w| w.array(a)),
        }
    }

    fn array(&mut self, a: &Array) {
        match a {
            Array::Bool(v) => v
                .iter()
                .for_each(|x| self.message(1, |w| w.any_value(&Value::Bool(*x)))),
            Array::I64(v) => v
                .iter()
                .for_each(|x| self.message(1, |w| w.any_value(&Value::I64(*x)))),
            Array::F64(v) => v
                .iter()
                .for_each(|x| self.message(1, |w| w.any_value(&Value::F64(*x)))),
            Array::String(v) => v
                .iter()
                .for_each(|x| self.message(1, |w| w.string(1, x.as_str()))),
        }
    }

    fn attribute(&mut self, field: u32, key: &str, value: &Value) {
        self.message(field, |w| {
            w.string(1, key);
            w.message(2, |w| w.any_value(value));
        });
    }

    fn attributes(&mut self, field: u32, attrs: &[KeyValue]) {
        for kv in attrs {
            self.attribute(field, kv.key.as_str(), &kv.value);
        }
    }

    /// The SDK's resource, plus `session.id` for a batch's spans or logs of one session
    /// (it replaces a `session.id` the resource itself may have).
    fn resource(&mut self, r: &Resource, session: Option<&str>) {
        self.message(1, |w| {
            for kv in &r.attributes {
                if session.is_none() || kv.key.as_str() != SESSION_ID {
                    w.attribute(1, kv.key.as_str(), &kv.value);
                }
            }
            if let Some(id) = session {
                w.attribute(1, SESSION_ID, &Value::String(id.to_string().into()));
            }
        });
    }

    fn scope(&mut self, s: &Scope) {
        self.message(1, |w| {
            w.string(1, &s.name);
            w.string(2, s.version.as_deref().unwrap_or(""));
            for kv in &s.attributes {
                w.attribute(3, kv.key.as_str(), &kv.value);
            }
        });
    }

    fn span(&mut self, s: &SpanData) {
        let cx = &s.span_context;
        self.bytes(1, &cx.trace_id().to_bytes());
        self.bytes(2, &cx.span_id().to_bytes());
        self.string(3, cx.trace_state().header());
        if s.parent_span_id != crate::trace::SpanId::INVALID {
            self.bytes(4, &s.parent_span_id.to_bytes());
            self.fixed32(16, span_flags(cx.trace_flags().to_u8(), s.parent_is_remote));
        }
        self.string(5, &s.name);
        self.uint(6, kind_number(&s.kind));
        self.fixed64(7, s.start_ns);
        self.fixed64(8, s.end_ns);
        self.attributes(9, &s.attributes);
        self.uint(10, s.dropped_attributes as u64);
        for e in &s.events {
            self.message(11, |w| w.event(e));
        }
        self.uint(12, s.dropped_events as u64);
        for l in &s.links {
            self.message(13, |w| w.link(l));
        }
        self.uint(14, s.dropped_links as u64);
        let (code, msg) = status_parts(&s.status);
        if code != 0 {
            self.message(15, |w| {
                w.string(2, msg);
                w.uint(3, code);
            });
        }
    }

    fn event(&mut self, e: &SpanEvent) {
        self.fixed64(1, e.time_ns);
        self.string(2, &e.name);
        self.attributes(3, &e.attributes);
        self.uint(4, e.dropped_attributes as u64);
    }

    fn link(&mut self, l: &Link) {
        let cx = &l.span_context;
        self.bytes(1, &cx.trace_id().to_bytes());
        self.bytes(2, &cx.span_id().to_bytes());
        self.string(3, cx.trace_state().header());
        self.attributes(4, &l.attributes);
        self.uint(5, l.dropped_attributes_count as u64);
        self.fixed32(6, span_flags(cx.trace_flags().to_u8(), cx.is_remote()));
    }

    fn log_record(&mut self, l: &LogRecord) {
        self.fixed64(1, l.time_ns);
        self.uint(2, l.severity as u64);
        self.string(3, &l.severity_text);
        if !l.body.is_empty() {
            self.message(5, |w| w.string(1, &l.body));
        }
        self.attributes(6, &l.attributes);
        if let Some((trace_id, span_id, flags)) = &l.trace {
            self.fixed32(8, *flags as u32);
            self.bytes(9, trace_id);
            self.bytes(10, span_id);
        }
        self.fixed64(11, l.observed_ns);
        self.string(12, &l.event_name);
    }

    fn metric(&mut self, m: &MetricData) {
        self.string(1, &m.name);
        self.string(2, &m.description);
        self.string(3, &m.unit);
        match &m.points {
            MetricPoints::Gauge { integer, points } => self.message(5, |w| {
                points
                    .iter()
                    .for_each(|p| w.message(1, |w| w.number_point(p, *integer)));
            }),
            MetricPoints::Sum {
                monotonic,
                temporality,
                integer,
                points,
            } => self.message(7, |w| {
                points
                    .iter()
                    .for_each(|p| w.message(1, |w| w.number_point(p, *integer)));
                w.uint(2, temporality_number(*temporality));
                w.bool(3, *monotonic);
            }),
            MetricPoints::Histogram {
                temporality,
                points,
            } => self.message(9, |w| {
                points
                    .iter()
                    .for_each(|p| w.message(1, |w| w.histogram_point(p)));
                w.uint(2, temporality_number(*temporality));
            }),
        }
    }

    fn number_point(&mut self, p: &NumberPoint, integer: bool) {
        self.fixed64(2, p.start_ns);
        self.fixed64(3, p.time_ns);
        if integer {
            // as_int is sfixed64
            self.tag(6, I64);
            self.buf.extend_from_slice(&(p.value as i64).to_le_bytes());
        } else {
            self.double(4, p.value, true);
        }
        self.attributes(7, &p.attributes);
    }

    fn histogram_point(&mut self, p: &HistogramPoint) {
        self.fixed64(2, p.start_ns);
        self.fixed64(3, p.time_ns);
        self.tag(4, I64);
        self.buf.extend_from_slice(&p.count.to_le_bytes());
        self.double(5, p.sum, true);
        self.packed_fixed64(6, p.bucket_counts.iter().copied());
        self.packed_fixed64(7, p.boundaries.iter().map(|b| b.to_bits()));
        self.attributes(9, &p.attributes);
        if p.count > 0 {
            self.double(11, p.min, true);
            self.double(12, p.max, true);
        }
    }
}

pub(crate) fn temporality_number(t: Temporality) -> u64 {
    match t {
        Temporality::Delta => 1,
        Temporality::Cumulative => 2,
    }
}

/// `ExportTraceServiceRequest` bytes.
pub fn encode_traces(resource: &Resource, spans: &[SpanData]) -> Vec<u8> {
    // Sized by the spans' size estimate: a body grown by doubling would take up to twice its
    // size, and wasm memory keeps its peak.
    let estimate: usize = spans
        .iter()
        .map(|s| estimated_span_size(s, Encoding::Protobuf))
        .sum();
    let mut w = ProtoWriter {
        buf: Vec::with_capacity(64 + estimate),
    };
    for (session, scopes) in spans_by_session(spans) {
        w.message(1, |w| {
            w.resource(resource, session);
            for (scope, group) in scopes {
                w.message(2, |w| {
                    w.scope(scope);
                    group.iter().for_each(|s| w.message(2, |w| w.span(s)));
                });
            }
        });
    }
    w.buf
}

/// `ExportMetricsServiceRequest` bytes.
pub fn encode_metrics(resource: &Resource, metrics: &[MetricData]) -> Vec<u8> {
    let mut w = ProtoWriter::default();
    w.message(1, |w| {
        w.resource(resource, None);
        for (scope, group) in metrics_by_scope(metrics) {
            w.message(2, |w| {
                w.scope(scope);
                group.iter().for_each(|m| w.message(2, |w| w.metric(m)));
            });
        }
    });
    w.buf
}

/// `ExportLogsServiceRequest` bytes.
pub fn encode_logs(resource: &Resource, logs: &[LogRecord]) -> Vec<u8> {
    let mut w = ProtoWriter::default();
    for (session, scopes) in logs_by_session(logs) {
        w.message(1, |w| {
            w.resource(resource, session);
            for (scope, group) in scopes {
                w.message(2, |w| {
                    w.scope(scope);
                    group.iter().for_each(|l| w.message(2, |w| w.log_record(l)));
                });
            }
        });
    }
    w.buf
}
