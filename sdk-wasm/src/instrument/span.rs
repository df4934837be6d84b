//! The spans instrumentations build: plain data, handed to a [`SpanSink`] when
//! finished. Kept apart from the SDK core's span types so the instrumentation
//! logic is testable natively; the browser glue adapts it to the core.

use opentelemetry::trace::{SpanContext, SpanId, TraceFlags, TraceId};

pub type TraceIdBytes = [u8; 16];
pub type SpanIdBytes = [u8; 8];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Internal,
    Client,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Str(String),
    Int(i64),
    F64(f64),
    Bool(bool),
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::Str(s.to_string())
    }
}
impl From<String> for Value {
    fn from(s: String) -> Self {
        Value::Str(s)
    }
}
impl From<i64> for Value {
    fn from(v: i64) -> Self {
        Value::Int(v)
    }
}

/// Where a span hangs: its trace and (unless it is a root) its parent span.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Parent {
    pub trace_id: TraceIdBytes,
    pub span_id: SpanIdBytes,
    pub sampled: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub name: String,
    pub time_ns: u64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SpanRecord {
    pub trace_id: TraceIdBytes,
    pub span_id: SpanIdBytes,
    pub parent_span_id: Option<SpanIdBytes>,
    pub sampled: bool,
    pub name: String,
    pub kind: Kind,
    pub start_ns: u64,
    pub end_ns: u64,
    pub attributes: Vec<(String, Value)>,
    pub events: Vec<Event>,
    /// `Some(message)` = status ERROR.
    pub error: Option<String>,
}

impl SpanRecord {
    /// A span whose own ids (`me`) were issued by the backend.
    pub fn new(name: &str, kind: Kind, me: Parent, parent: Option<&Parent>, start_ns: u64) -> Self {
        SpanRecord {
            trace_id: me.trace_id,
            span_id: me.span_id,
            parent_span_id: parent.map(|p| p.span_id),
            sampled: me.sampled,
            name: name.to_string(),
            kind,
            start_ns,
            end_ns: start_ns,
            attributes: Vec::new(),
            events: Vec::new(),
            error: None,
        }
    }

    /// Sets an attribute, replacing an earlier value under the same key.
    pub fn set(&mut self, key: &str, value: impl Into<Value>) {
        let value = value.into();
        match self.attributes.iter_mut().find(|(k, _)| k == key) {
            Some(slot) => slot.1 = value,
            None => self.attributes.push((key.to_string(), value)),
        }
    }

    pub fn get(&self, key: &str) -> Option<&Value> {
        self.attributes
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v)
    }

    pub fn event(&mut self, name: &str, time_ns: u64) {
        self.events.push(Event {
            name: name.to_string(),
            time_ns,
        });
    }

    /// This span as the parent of others.
    pub fn as_parent(&self) -> Parent {
        Parent {
            trace_id: self.trace_id,
            span_id: self.span_id,
            sampled: self.sampled,
        }
    }
}

pub fn hex(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len() * 2);
    crate::propagation::traceparent::push_hex(&mut s, bytes);
    s
}

impl Parent {
    /// The W3C/OpenTelemetry form, for propagation.
    pub fn span_context(&self, remote: bool) -> SpanContext {
        let flags = if self.sampled {
            TraceFlags::SAMPLED
        } else {
            TraceFlags::default()
        };
        SpanContext::new(
            TraceId::from_bytes(self.trace_id),
            SpanId::from_bytes(self.span_id),
            flags,
            remote,
            Default::default(),
        )
    }

    pub fn from_span_context(cx: &SpanContext) -> Parent {
        Parent {
            trace_id: cx.trace_id().to_bytes(),
            span_id: cx.span_id().to_bytes(),
            sampled: cx.is_sampled(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn child_inherits_trace_and_converts_to_span_context() {
        let root = Parent {
            trace_id: [1; 16],
            span_id: [2; 8],
            sampled: true,
        };
        let parent = SpanRecord::new("click", Kind::Internal, root, None, 5);
        let me = Parent {
            trace_id: [1; 16],
            span_id: [3; 8],
            sampled: true,
        };
        let mut child = SpanRecord::new("GET", Kind::Client, me, Some(&parent.as_parent()), 6);
        assert_eq!(child.parent_span_id, Some([2; 8]));
        child.set("a", 1i64);
        child.set("a", "x");
        assert_eq!(child.attributes.len(), 1);
        assert_eq!(child.get("a"), Some(&Value::Str("x".into())));
        let cx = child.as_parent().span_context(false);
        assert!(cx.is_valid() && cx.is_sampled());
        assert_eq!(Parent::from_span_context(&cx), me);
        assert_eq!(hex(&[0xab, 1]), "ab01");
    }
}
