//! The spans instrumentations build: plain data, handed to a [`SpanSink`] when
//! finished. Kept apart from the SDK core's span types so the instrumentation
//! logic is testable natively; the browser glue adapts it to the core.

use std::borrow::Cow;

use crate::attributes::KeyValue;
use crate::trace::{SpanContext, SpanId, TraceFlags, TraceId};

pub type TraceIdBytes = [u8; 16];
pub type SpanIdBytes = [u8; 8];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Internal,
    Client,
}

pub use crate::attributes::Value;

/// Where a span hangs: its trace and (unless it is a root) its parent span.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Parent {
    pub trace_id: TraceIdBytes,
    pub span_id: SpanIdBytes,
    pub sampled: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    /// The instrumentations' own names (`fetchStart`, `open`, …): no allocation per event.
    pub name: &'static str,
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
    /// Keys are mostly the instrumentations' constants: borrowed, no allocation per span.
    pub attributes: Vec<KeyValue>,
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
    pub fn set(&mut self, key: impl Into<Cow<'static, str>>, value: impl Into<Value>) {
        let (key, value) = (key.into(), value.into());
        match self.attributes.iter_mut().find(|a| a.key == *key) {
            Some(slot) => slot.value = value,
            None => self.attributes.push(KeyValue::new(key, value)),
        }
    }

    pub fn get(&self, key: &str) -> Option<&Value> {
        self.attributes
            .iter()
            .find(|a| a.key == key)
            .map(|a| &a.value)
    }

    pub fn event(&mut self, name: &'static str, time_ns: u64) {
        self.events.push(Event { name, time_ns });
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

/// An early span's ids as the loader wrote them: 32 hex trace id, 16 hex span id, then `1`
/// if sampled (what its `traceparent` said).
pub fn given_ids(s: &str) -> Option<Parent> {
    let b = s.as_bytes();
    if b.len() != 49 {
        return None;
    }
    let mut trace_id = [0u8; 16];
    let mut span_id = [0u8; 8];
    let hex = |i: usize| -> Option<u8> {
        let d = |c: u8| (c as char).to_digit(16).map(|v| v as u8);
        Some(d(b[i])? << 4 | d(b[i + 1])?)
    };
    for (i, t) in trace_id.iter_mut().enumerate() {
        *t = hex(2 * i)?;
    }
    for (i, x) in span_id.iter_mut().enumerate() {
        *x = hex(32 + 2 * i)?;
    }
    Some(Parent {
        trace_id,
        span_id,
        sampled: b[48] == b'1',
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_loaders_early_span_ids_are_read_back() {
        let ids = "4bf92f3577b34da6a3ce929d0e0e473600f067aa0ba902b7";
        let p = given_ids(&format!("{ids}1")).unwrap();
        assert_eq!(hex(&p.trace_id), "4bf92f3577b34da6a3ce929d0e0e4736");
        assert_eq!(hex(&p.span_id), "00f067aa0ba902b7");
        assert!(p.sampled);
        assert!(!given_ids(&format!("{ids}0")).unwrap().sampled);
        // Upper-case hex is hex too.
        let upper = given_ids(&format!("{}1", ids.to_uppercase())).unwrap();
        assert_eq!(upper, p);
    }

    #[test]
    fn malformed_early_span_ids_are_ignored() {
        let ids = "4bf92f3577b34da6a3ce929d0e0e473600f067aa0ba902b7";
        assert_eq!(given_ids(""), None);
        assert_eq!(given_ids(ids), None, "no sampled flag");
        assert_eq!(given_ids(&format!("{ids}10")), None, "too long");
        assert_eq!(given_ids(&format!("{}x{}1", &ids[..10], &ids[11..])), None);
        // Multi-byte text of the right byte length is not hex either.
        assert_eq!(given_ids(&format!("é{}1", &ids[2..])), None);
    }

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
        assert_eq!(child.get("a"), Some(&Value::from("x")));
        let cx = child.as_parent().span_context(false);
        assert!(cx.is_valid() && cx.is_sampled());
        assert_eq!(Parent::from_span_context(&cx), me);
        assert_eq!(hex(&[0xab, 1]), "ab01");
    }
}
