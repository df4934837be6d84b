//! The recording span, with our nanosecond clock. With the `otel-api` feature it implements
//! the `opentelemetry` `Span` trait too (the trait's defaults would use a millisecond
//! `Date.now()` on wasm).

use std::borrow::Cow;
use std::sync::Arc;

use super::Status;
use crate::attributes::KeyValue;

use super::span_data::{capped_attributes, put_attribute, SpanData, SpanEvent};
use super::tracer::ProviderInner;
use super::{Link, SpanContext};

/// A span: recording until `end`, after which changes are ignored.
/// Dropping a recording span ends it (as in the OpenTelemetry Rust SDK); call
/// [`SdkSpan::discard`] to abandon it instead.
pub struct SdkSpan {
    context: SpanContext,
    data: Option<Box<SpanData>>,
    provider: Arc<ProviderInner>,
    /// What the `opentelemetry` trait's `span_context` returns (a reference to its type).
    #[cfg(feature = "otel-api")]
    otel_context: opentelemetry::trace::SpanContext,
}

impl SdkSpan {
    pub(crate) fn recording(data: SpanData, provider: Arc<ProviderInner>) -> Self {
        let mut span = SdkSpan::non_recording(data.span_context.clone(), provider);
        span.data = Some(Box::new(data));
        span
    }

    pub(crate) fn non_recording(context: SpanContext, provider: Arc<ProviderInner>) -> Self {
        SdkSpan {
            #[cfg(feature = "otel-api")]
            otel_context: (&context).into(),
            context,
            data: None,
            provider,
        }
    }

    pub fn span_context(&self) -> &SpanContext {
        &self.context
    }

    pub fn is_recording(&self) -> bool {
        self.data.is_some()
    }

    /// Adds or replaces an attribute; a new key past the limit is dropped and counted.
    pub fn set_attribute(&mut self, attribute: KeyValue) {
        let limit = self.provider.limits.attributes;
        if let Some(d) = self.data.as_mut() {
            put_attribute(
                &mut d.attributes,
                &mut d.dropped_attributes,
                limit,
                attribute,
            );
        }
    }

    /// Adds attributes whose keys differ from each other (an instrumentation's finished
    /// record), each checked only against the attributes the span had before: a record's ten
    /// attributes make ten key comparisons with the start's few, not forty-five among
    /// themselves.
    pub fn set_distinct_attributes(&mut self, attributes: impl IntoIterator<Item = KeyValue>) {
        let limit = self.provider.limits.attributes as usize;
        let Some(d) = self.data.as_mut() else { return };
        let before = d.attributes.len();
        let attributes = attributes.into_iter();
        // One exact growth, not a doubling per push: the span waits in the queue with it.
        d.attributes.reserve_exact(attributes.size_hint().0);
        for kv in attributes {
            if let Some(a) = d.attributes[..before].iter_mut().find(|a| a.key == kv.key) {
                a.value = kv.value;
            } else if d.attributes.len() < limit {
                d.attributes.push(kv);
            } else {
                d.dropped_attributes += 1;
            }
        }
    }

    /// Ok is final; Error may not overwrite Ok; Unset never overwrites.
    pub fn set_status(&mut self, status: Status) {
        if let Some(d) = self.data.as_mut() {
            if status > d.status
                || matches!(
                    (&status, &d.status),
                    (Status::Error { .. }, Status::Error { .. })
                )
            {
                d.status = status;
            }
        }
    }

    pub fn update_name(&mut self, new_name: impl Into<Cow<'static, str>>) {
        if let Some(d) = self.data.as_mut() {
            d.name = new_name.into();
        }
    }

    /// Links another span (an invalid context is ignored; past the limit, counted).
    pub fn add_link(&mut self, span_context: SpanContext, attributes: Vec<KeyValue>) {
        let limits = self.provider.limits;
        if let Some(d) = self.data.as_mut() {
            if !span_context.is_valid() {
                return;
            }
            if d.links.len() >= limits.links as usize {
                d.dropped_links += 1;
                return;
            }
            let (attributes, dropped) = capped_attributes(attributes, limits.attributes_per_link);
            d.links.push(Link::new(span_context, attributes, dropped));
        }
    }

    /// Adds an event now.
    pub fn add_event(&mut self, name: impl Into<Cow<'static, str>>, attributes: Vec<KeyValue>) {
        let t = self.now();
        self.add_event_at(name, t, attributes);
    }

    /// Ends the span now.
    pub fn end(&mut self) {
        let t = self.now();
        self.end_at(t);
    }

    /// Adds an event at an explicit time (epoch nanoseconds).
    pub fn add_event_at(
        &mut self,
        name: impl Into<Cow<'static, str>>,
        time_ns: u64,
        attributes: Vec<KeyValue>,
    ) {
        let limits = self.provider.limits;
        if let Some(d) = self.data.as_mut() {
            if d.events.len() >= limits.events as usize {
                d.dropped_events += 1;
                return;
            }
            let (attributes, dropped_attributes) =
                capped_attributes(attributes, limits.attributes_per_event);
            d.events.push(SpanEvent {
                name: name.into(),
                time_ns,
                attributes,
                dropped_attributes,
            });
        }
    }

    /// Records an exception event (`exception.type`, `exception.message`, `exception.stacktrace`)
    /// and leaves the status alone, as the OpenTelemetry API does.
    pub fn record_exception_at(
        &mut self,
        ty: Option<String>,
        message: Option<String>,
        stack: Option<String>,
        time_ns: u64,
    ) {
        let mut attrs = Vec::new();
        if let Some(t) = ty {
            attrs.push(KeyValue::new("exception.type", t));
        }
        if let Some(m) = message {
            attrs.push(KeyValue::new("exception.message", m));
        }
        if let Some(s) = stack {
            attrs.push(KeyValue::new("exception.stacktrace", s));
        }
        self.add_event_at("exception", time_ns, attrs);
    }

    /// Ends the span at an explicit time (epoch nanoseconds) and hands it to the processor.
    pub fn end_at(&mut self, end_ns: u64) {
        if let Some(mut d) = self.data.take() {
            d.end_ns = end_ns.max(d.start_ns);
            if !self
                .provider
                .shut_down
                .load(std::sync::atomic::Ordering::Relaxed)
            {
                self.provider.processor.on_end(*d);
            }
        }
    }

    /// Abandons the span without exporting it.
    pub fn discard(&mut self) {
        self.data = None;
    }

    /// The span's data while it is recording (for tests and instrumentations).
    pub fn data(&self) -> Option<&SpanData> {
        self.data.as_deref()
    }

    fn now(&self) -> u64 {
        self.provider.clock.now_ns()
    }
}

/// The `opentelemetry` crate's attributes as ours.
#[cfg(feature = "otel-api")]
pub(crate) fn ours(attributes: Vec<opentelemetry::KeyValue>) -> Vec<KeyValue> {
    attributes.into_iter().map(KeyValue::from).collect()
}

#[cfg(feature = "otel-api")]
impl opentelemetry::trace::Span for SdkSpan {
    fn add_event<T: Into<Cow<'static, str>>>(
        &mut self,
        name: T,
        attributes: Vec<opentelemetry::KeyValue>,
    ) {
        SdkSpan::add_event(self, name, ours(attributes));
    }

    fn record_error(&mut self, err: &dyn std::error::Error) {
        let t = self.now();
        self.record_exception_at(None, Some(err.to_string()), None, t);
    }

    fn add_event_with_timestamp<T: Into<Cow<'static, str>>>(
        &mut self,
        name: T,
        timestamp: std::time::SystemTime,
        attributes: Vec<opentelemetry::KeyValue>,
    ) {
        let t = crate::clock::system_time_to_ns(timestamp);
        self.add_event_at(name, t, ours(attributes));
    }

    fn span_context(&self) -> &opentelemetry::trace::SpanContext {
        &self.otel_context
    }

    fn is_recording(&self) -> bool {
        SdkSpan::is_recording(self)
    }

    fn set_attribute(&mut self, attribute: opentelemetry::KeyValue) {
        SdkSpan::set_attribute(self, attribute.into());
    }

    fn set_status(&mut self, status: opentelemetry::trace::Status) {
        SdkSpan::set_status(self, status.into());
    }

    fn update_name<T: Into<Cow<'static, str>>>(&mut self, new_name: T) {
        SdkSpan::update_name(self, new_name);
    }

    fn add_link(
        &mut self,
        span_context: opentelemetry::trace::SpanContext,
        attributes: Vec<opentelemetry::KeyValue>,
    ) {
        SdkSpan::add_link(self, (&span_context).into(), ours(attributes));
    }

    fn end(&mut self) {
        SdkSpan::end(self);
    }

    fn end_with_timestamp(&mut self, timestamp: std::time::SystemTime) {
        self.end_at(crate::clock::system_time_to_ns(timestamp));
    }
}

impl Drop for SdkSpan {
    fn drop(&mut self) {
        if self.data.is_some() {
            let t = self.now();
            self.end_at(t);
        }
    }
}
