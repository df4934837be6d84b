//! What a finished span carries to the exporter.

use std::borrow::Cow;
use std::sync::Arc;

use opentelemetry::trace::{SpanKind, Status};

use super::{Link, SpanContext, SpanId};
use opentelemetry::{InstrumentationScope, KeyValue};

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
    pub scope: Arc<InstrumentationScope>,
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

/// Builds a capped attribute list and its dropped count.
pub(crate) fn capped_attributes(input: Vec<KeyValue>, limit: u32) -> (Vec<KeyValue>, u32) {
    let mut attrs = Vec::with_capacity(input.len().min(limit as usize));
    let mut dropped = 0;
    for kv in input {
        put_attribute(&mut attrs, &mut dropped, limit, kv);
    }
    (attrs, dropped)
}
