//! What a finished span carries to the exporter.

use std::borrow::Cow;
use std::sync::Arc;

use super::{Link, SpanContext, SpanId};
use crate::attributes::{KeyValue, Scope, Value};

/// What a span is to its trace (OTLP `Span.SpanKind`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SpanKind {
    Client,
    Server,
    Producer,
    Consumer,
    #[default]
    Internal,
}

/// How a span ended (OTLP `Status`; the description goes with an error only). Ordered
/// `Unset < Error < Ok`, the order in which one may replace another.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd)]
pub enum Status {
    #[default]
    Unset,
    Error {
        description: Cow<'static, str>,
    },
    Ok,
}

impl Status {
    pub fn error(description: impl Into<Cow<'static, str>>) -> Self {
        Status::Error {
            description: description.into(),
        }
    }
}

#[cfg(feature = "otel-api")]
mod from_otel {
    use super::{SpanKind, Status};
    use opentelemetry::trace::{SpanKind as K, Status as S};

    impl From<K> for SpanKind {
        fn from(k: K) -> Self {
            match k {
                K::Client => SpanKind::Client,
                K::Server => SpanKind::Server,
                K::Producer => SpanKind::Producer,
                K::Consumer => SpanKind::Consumer,
                K::Internal => SpanKind::Internal,
            }
        }
    }

    impl From<S> for Status {
        fn from(s: S) -> Self {
            match s {
                S::Unset => Status::Unset,
                S::Error { description } => Status::Error { description },
                S::Ok => Status::Ok,
            }
        }
    }
}

/// A span event with its own nanosecond timestamp.
#[derive(Clone, Debug, PartialEq)]
pub struct SpanEvent {
    pub name: Cow<'static, str>,
    pub time_ns: u64,
    pub attributes: Vec<KeyValue>,
    pub dropped_attributes: u32,
}

/// A span as exported (OTLP `Span`).
#[derive(Clone, Debug, PartialEq)]
pub struct SpanData {
    pub span_context: SpanContext,
    /// `SpanId::INVALID` for a root span.
    pub parent_span_id: SpanId,
    pub parent_is_remote: bool,
    pub name: Cow<'static, str>,
    pub kind: SpanKind,
    pub start_ns: u64,
    pub end_ns: u64,
    pub attributes: Vec<KeyValue>,
    pub dropped_attributes: u32,
    pub events: Vec<SpanEvent>,
    pub dropped_events: u32,
    pub links: Vec<Link>,
    pub dropped_links: u32,
    pub status: Status,
    pub scope: Arc<Scope>,
    /// The RUM session the span started in: sent once per batch as the `session.id`
    /// resource attribute (the encoders group spans by it), not on every span.
    pub session: Option<String>,
}

/// Per-span limits (the OpenTelemetry defaults: 128 each).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SpanLimits {
    pub attributes: u32,
    pub events: u32,
    pub links: u32,
    pub attributes_per_event: u32,
    pub attributes_per_link: u32,
}

impl Default for SpanLimits {
    fn default() -> Self {
        SpanLimits {
            attributes: 128,
            events: 128,
            links: 128,
            attributes_per_event: 128,
            attributes_per_link: 128,
        }
    }
}

/// Adds or replaces `kv`; a new key past `limit` is dropped and counted.
pub(crate) fn put_attribute(
    attrs: &mut Vec<KeyValue>,
    dropped: &mut u32,
    limit: u32,
    kv: KeyValue,
) {
    if let Some(a) = attrs.iter_mut().find(|a| a.key == kv.key) {
        a.value = kv.value;
    } else if attrs.len() < limit as usize {
        attrs.push(kv);
    } else {
        *dropped += 1;
    }
}

/// Caps an attribute list in place (a later duplicate key replaces the earlier value) and
/// counts what was dropped; the usual list, within the limit and without duplicates, is
/// returned as it came, not copied.
pub(crate) fn capped_attributes(mut attrs: Vec<KeyValue>, limit: u32) -> (Vec<KeyValue>, u32) {
    let mut kept = 0;
    let mut dropped = 0;
    for i in 0..attrs.len() {
        if let Some(j) = (0..kept).find(|&j| attrs[j].key == attrs[i].key) {
            attrs[j].value = std::mem::replace(&mut attrs[i].value, Value::Bool(false));
        } else if kept < limit as usize {
            attrs.swap(kept, i);
            kept += 1;
        } else {
            dropped += 1;
        }
    }
    attrs.truncate(kept);
    (attrs, dropped)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capping_keeps_order_lets_a_later_duplicate_win_and_counts_the_overflow() {
        let kv = |k: &'static str, v: i64| KeyValue::new(k, v);
        let input = vec![
            kv("a", 1),
            kv("b", 2),
            kv("a", 3),
            kv("c", 4),
            kv("d", 5),
            kv("b", 6),
        ];
        let (attrs, dropped) = capped_attributes(input, 3);
        assert_eq!(attrs, vec![kv("a", 3), kv("b", 6), kv("c", 4)]);
        assert_eq!(
            dropped, 1,
            "only d: duplicates replace, they are not dropped"
        );
        let within = vec![kv("x", 1), kv("y", 2)];
        let ptr = within.as_ptr();
        let (attrs, dropped) = capped_attributes(within, 128);
        assert_eq!(
            (attrs.as_ptr(), attrs.len(), dropped),
            (ptr, 2, 0),
            "kept, not copied"
        );
    }
}
