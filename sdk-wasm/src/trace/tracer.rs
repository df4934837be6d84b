//! The tracer provider and tracer: [`SdkTracer::start_span`] with explicit parent, kind,
//! attributes, links and start time. With the `otel-api` feature they implement the
//! `opentelemetry` API traits too, so Rust wasm apps can trace with the standard API.

use std::borrow::Cow;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use super::SpanKind;
use crate::attributes::{KeyValue, Scope};

use super::span::SdkSpan;
use super::span_data::{capped_attributes, SpanData, SpanLimits};
use super::{Link, Sampler, SpanContext, SpanId, TraceFlags, TraceId};
use crate::clock::Clock;
use crate::ids::{new_span_id, new_trace_id, RandomSource};

/// Receives every sampled span when it ends.
pub trait SpanProcessor: Send + Sync {
    fn on_end(&self, span: SpanData);
}

/// Consulted at every span start (the RUM context: session and route).
pub trait StartHook: Send + Sync {
    /// `activity`: whether this span counts as user/app activity (see `rum::session`).
    fn on_start(&self, activity: bool) -> SpanStart;
}

/// What a [`StartHook`] adds to a new span.
#[derive(Debug, Default)]
pub struct SpanStart {
    /// Set first, so the span's own attributes win on a clash.
    pub attributes: Vec<KeyValue>,
    /// The key ratio sampling decides on instead of the trace id (the session id).
    pub sampling_key: Option<TraceId>,
    /// The session id, kept on the span as [`SpanData::session`].
    pub session: Option<String>,
}

pub(crate) struct ProviderInner {
    pub(crate) processor: Box<dyn SpanProcessor>,
    pub(crate) clock: Box<dyn Clock + Send + Sync>,
    pub(crate) random: Box<dyn RandomSource + Send + Sync>,
    pub(crate) sampler: Sampler,
    pub(crate) limits: SpanLimits,
    pub(crate) shut_down: AtomicBool,
    pub(crate) start_hook: Option<Box<dyn StartHook>>,
}

/// Creates tracers that share one sampler, clock, id source and span processor.
#[derive(Clone)]
pub struct SdkTracerProvider {
    inner: Arc<ProviderInner>,
}

impl SdkTracerProvider {
    pub fn new(
        processor: Box<dyn SpanProcessor>,
        clock: Box<dyn Clock + Send + Sync>,
        random: Box<dyn RandomSource + Send + Sync>,
        sampler: Sampler,
        limits: SpanLimits,
    ) -> Self {
        let inner = ProviderInner {
            processor,
            clock,
            random,
            sampler,
            limits,
            shut_down: AtomicBool::new(false),
            start_hook: None,
        };
        SdkTracerProvider {
            inner: Arc::new(inner),
        }
    }

    /// Adds the hook every span start consults (before any tracer was handed out).
    pub fn with_start_hook(mut self, hook: Box<dyn StartHook>) -> Self {
        if let Some(inner) = Arc::get_mut(&mut self.inner) {
            inner.start_hook = Some(hook);
        }
        self
    }

    /// After shutdown, new spans are non-recording and ended spans are not exported.
    /// See [`Sampler::root_decision`].
    pub fn root_decision(&self) -> Option<bool> {
        self.inner.sampler.root_decision()
    }

    pub fn shutdown(&self) {
        self.inner.shut_down.store(true, Ordering::Relaxed);
    }

    pub fn now_ns(&self) -> u64 {
        self.inner.clock.now_ns()
    }

    /// A tracer for one instrumentation scope.
    pub fn tracer_with_scope(&self, scope: Scope) -> SdkTracer {
        SdkTracer {
            provider: self.inner.clone(),
            scope: Arc::new(scope),
        }
    }
}

#[cfg(feature = "otel-api")]
impl opentelemetry::trace::TracerProvider for SdkTracerProvider {
    type Tracer = SdkTracer;

    fn tracer_with_scope(&self, scope: opentelemetry::InstrumentationScope) -> SdkTracer {
        SdkTracerProvider::tracer_with_scope(self, scope.into())
    }
}

/// Everything about a new span that an instrumentation may set explicitly.
#[derive(Clone, Debug)]
pub struct SpanOptions {
    pub name: Cow<'static, str>,
    pub kind: SpanKind,
    /// The parent span's context (local or remote); `None` or invalid starts a new trace.
    pub parent: Option<SpanContext>,
    pub attributes: Vec<KeyValue>,
    pub links: Vec<Link>,
    /// Epoch nanoseconds; `None` means now.
    pub start_ns: Option<u64>,
    /// Counts as activity for the session (false for background instrumentation spans).
    pub activity: bool,
    /// Ids and sampling decided before the SDK started (the npm loader's early spans, whose
    /// `traceparent` already went out); `None`: issued and sampled here.
    pub ids: Option<(TraceId, SpanId, bool)>,
}

impl SpanOptions {
    pub fn new(name: impl Into<Cow<'static, str>>) -> Self {
        SpanOptions {
            name: name.into(),
            kind: SpanKind::Internal,
            parent: None,
            attributes: Vec::new(),
            links: Vec::new(),
            start_ns: None,
            activity: true,
            ids: None,
        }
    }
}

#[derive(Clone)]
pub struct SdkTracer {
    provider: Arc<ProviderInner>,
    scope: Arc<Scope>,
}

impl SdkTracer {
    /// Starts a span; it is recording only if the sampler samples it.
    pub fn start_span(&self, opts: SpanOptions) -> SdkSpan {
        let p = &self.provider;
        let parent = opts.parent.filter(|c| c.is_valid());
        let trace_id = match (&parent, opts.ids) {
            (Some(c), _) => c.trace_id(),
            (None, Some((t, _, _))) => t,
            (None, None) => new_trace_id(&*p.random),
        };
        let span_id = opts
            .ids
            .map_or_else(|| new_span_id(&*p.random), |(_, s, _)| s);
        let trace_state = parent
            .as_ref()
            .map(|c| c.trace_state().clone())
            .unwrap_or_default();
        let start = p
            .start_hook
            .as_ref()
            .map(|h| h.on_start(opts.activity))
            .unwrap_or_default();
        let sampled = !p.shut_down.load(Ordering::Relaxed)
            && match opts.ids {
                Some((_, _, sampled)) => sampled,
                None => p
                    .sampler
                    .should_sample(parent.as_ref(), trace_id, start.sampling_key),
            };
        let flags = if sampled {
            TraceFlags::SAMPLED
        } else {
            TraceFlags::default()
        };
        let context = SpanContext::new(trace_id, span_id, flags, false, trace_state);
        if !sampled {
            return SdkSpan::non_recording(context, p.clone());
        }
        let limits = p.limits;
        let mut all = start.attributes;
        all.extend(opts.attributes);
        let (attributes, dropped_attributes) = capped_attributes(all, limits.attributes);
        let mut links: Vec<Link> = opts
            .links
            .into_iter()
            .filter(|l| l.span_context.is_valid())
            .collect();
        let dropped_links = links.len().saturating_sub(limits.links as usize) as u32;
        links.truncate(limits.links as usize);
        for l in &mut links {
            let (a, d) = capped_attributes(
                std::mem::take(&mut l.attributes),
                limits.attributes_per_link,
            );
            l.attributes = a;
            l.dropped_attributes_count += d;
        }
        let data = SpanData {
            span_context: context,
            parent_span_id: parent
                .as_ref()
                .map(|c| c.span_id())
                .unwrap_or(SpanId::INVALID),
            parent_is_remote: parent.as_ref().map(|c| c.is_remote()).unwrap_or(false),
            name: opts.name,
            kind: opts.kind,
            start_ns: opts.start_ns.unwrap_or_else(|| p.clock.now_ns()),
            end_ns: 0,
            attributes,
            dropped_attributes,
            events: Vec::new(),
            dropped_events: 0,
            links,
            dropped_links,
            status: Default::default(),
            scope: self.scope.clone(),
            session: start.session,
        };
        SdkSpan::recording(data, p.clone())
    }

    pub fn scope(&self) -> &Scope {
        &self.scope
    }
}

#[cfg(feature = "otel-api")]
impl opentelemetry::trace::Tracer for SdkTracer {
    type Span = SdkSpan;

    fn build_with_context(
        &self,
        builder: opentelemetry::trace::SpanBuilder,
        parent_cx: &opentelemetry::Context,
    ) -> SdkSpan {
        use crate::clock::system_time_to_ns;
        use opentelemetry::trace::TraceContextExt;
        let parent = parent_cx
            .has_active_span()
            .then(|| parent_cx.span().span_context().into());
        let mut span = self.start_span(SpanOptions {
            name: builder.name,
            kind: builder.span_kind.map_or(SpanKind::Internal, Into::into),
            parent,
            attributes: crate::trace::span::ours(builder.attributes.unwrap_or_default()),
            links: builder
                .links
                .unwrap_or_default()
                .into_iter()
                .map(Link::from)
                .collect(),
            start_ns: builder.start_time.map(system_time_to_ns),
            activity: true,
            ids: None,
        });
        for e in builder.events.unwrap_or_default() {
            let attributes = crate::trace::span::ours(e.attributes);
            span.add_event_at(e.name, system_time_to_ns(e.timestamp), attributes);
        }
        span
    }
}

#[cfg(test)]
mod tests {
    use super::super::Status;
    use super::*;
    use crate::clock::ManualClock;
    use crate::ids::SeededRandom;
    use opentelemetry::trace::{Tracer as _, TracerProvider as _};
    use std::sync::Mutex;

    #[derive(Clone, Default)]
    struct Collect(Arc<Mutex<Vec<SpanData>>>);
    impl SpanProcessor for Collect {
        fn on_end(&self, span: SpanData) {
            self.0.lock().unwrap().push(span);
        }
    }

    fn provider(sampler: Sampler, limits: SpanLimits) -> (SdkTracerProvider, Collect) {
        let c = Collect::default();
        let p = SdkTracerProvider::new(
            Box::new(c.clone()),
            Box::new(ManualClock::new(1_000)),
            Box::new(SeededRandom::new(42)),
            sampler,
            limits,
        );
        (p, c)
    }

    #[test]
    fn the_standard_api_builds_parent_child_traces() {
        let (p, out) = provider(Sampler::AlwaysOn, SpanLimits::default());
        let tracer = p.tracer("app");
        tracer.in_span("parent", |cx| {
            let mut child = tracer.start_with_context("child", &cx);
            child.set_attribute(KeyValue::new("k", "v"));
            // The crate's own attribute types, through its `Span` trait.
            let list = opentelemetry::Array::String(vec!["a".into(), "b".into()]);
            opentelemetry::trace::Span::set_attribute(
                &mut child,
                opentelemetry::KeyValue::new("list", opentelemetry::Value::Array(list)),
            );
            opentelemetry::trace::Span::set_attribute(
                &mut child,
                opentelemetry::KeyValue::new("n", 3),
            );
            child.end();
        });
        let built = tracer
            .span_builder("built")
            .with_attributes([opentelemetry::KeyValue::new("flag", true)])
            .start(&tracer);
        drop(built);
        let spans = out.0.lock().unwrap();
        assert_eq!(spans.len(), 3);
        let (child, parent) = (&spans[0], &spans[1]);
        assert_eq!(spans[2].attributes, vec![KeyValue::new("flag", true)]);
        assert_eq!(child.name, "child");
        assert_eq!(
            child.span_context.trace_id(),
            parent.span_context.trace_id()
        );
        assert_eq!(child.parent_span_id, parent.span_context.span_id());
        assert_eq!(parent.parent_span_id, SpanId::INVALID);
        let list = crate::attributes::Array::String(vec!["a".into(), "b".into()]);
        assert_eq!(
            child.attributes,
            vec![
                KeyValue::new("k", "v"),
                KeyValue::new("list", list),
                KeyValue::new("n", 3)
            ]
        );
        assert_eq!(parent.scope.name, "app");
        assert!(child.start_ns >= 1_000 && child.end_ns >= child.start_ns);
    }

    #[test]
    fn explicit_options_for_instrumentations() {
        let (p, out) = provider(Sampler::AlwaysOn, SpanLimits::default());
        let tracer = p.tracer("fetch");
        let remote = crate::propagation::extract(
            "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
            Some("v=1"),
        )
        .unwrap();
        let mut span = tracer.start_span(SpanOptions {
            kind: SpanKind::Client,
            parent: Some(remote.clone()),
            attributes: vec![KeyValue::new("http.request.method", "GET")],
            links: vec![
                Link::new(SpanContext::default(), vec![], 0),
                Link::new(remote.clone(), vec![], 0),
            ],
            start_ns: Some(5_000),
            ..SpanOptions::new("GET")
        });
        span.add_event_at("responseEnd", 7_000, vec![]);
        span.end_at(9_000);
        let s = &out.0.lock().unwrap()[0];
        assert_eq!(
            (s.start_ns, s.end_ns, s.events[0].time_ns),
            (5_000, 9_000, 7_000)
        );
        assert_eq!(s.kind, SpanKind::Client);
        assert!(s.parent_is_remote);
        assert_eq!(s.parent_span_id, remote.span_id());
        assert_eq!(s.span_context.trace_state().header(), "v=1");
        assert_eq!(s.links.len(), 1, "invalid links are dropped");
    }

    struct Session(TraceId);
    impl StartHook for Session {
        fn on_start(&self, activity: bool) -> SpanStart {
            SpanStart {
                attributes: vec![
                    KeyValue::new("route", "/r"),
                    KeyValue::new("activity", activity),
                ],
                sampling_key: Some(self.0),
                session: Some("s".into()),
            }
        }
    }

    #[test]
    fn the_start_hook_adds_attributes_and_decides_sampling_by_session() {
        let ratio = Sampler::TraceIdRatio(0.5);
        let (p, out) = provider(ratio.clone(), SpanLimits::default());
        let p = p.with_start_hook(Box::new(Session(TraceId::from_bytes(1u128.to_be_bytes()))));
        let t = p.tracer("t");
        for _ in 0..20 {
            t.start("in").end();
        }
        t.start_span(SpanOptions {
            attributes: vec![KeyValue::new("route", "/mine")],
            activity: false,
            ..SpanOptions::new("own")
        })
        .end();
        let spans = out.0.lock().unwrap();
        assert_eq!(spans.len(), 21, "the session is sampled, so every trace is");
        assert_eq!(
            spans[0].attributes,
            vec![
                KeyValue::new("route", "/r"),
                KeyValue::new("activity", true)
            ]
        );
        assert_eq!(
            spans[0].session.as_deref(),
            Some("s"),
            "a field, not an attribute"
        );
        assert_eq!(
            spans[20].attributes,
            vec![
                KeyValue::new("route", "/mine"),
                KeyValue::new("activity", false)
            ],
            "the span's own value wins"
        );
        drop(spans);
        let (p, out) = provider(ratio, SpanLimits::default());
        let t = p
            .with_start_hook(Box::new(Session(TraceId::from_bytes(
                (u64::MAX as u128).to_be_bytes(),
            ))))
            .tracer("t");
        for _ in 0..20 {
            t.start("out").end();
        }
        assert!(
            out.0.lock().unwrap().is_empty(),
            "an unsampled session records nothing"
        );
    }

    #[test]
    fn ids_issued_before_the_sdk_are_kept_with_their_sampling() {
        // The npm loader's early spans: their traceparent went out before the core existed.
        let (p, out) = provider(Sampler::AlwaysOff, SpanLimits::default());
        let (t, s) = (TraceId::from_bytes([7; 16]), SpanId::from_bytes([9; 8]));
        let mut span = p.tracer("fetch").start_span(SpanOptions {
            ids: Some((t, s, true)),
            ..SpanOptions::new("GET")
        });
        assert_eq!(span.span_context().trace_id(), t);
        assert_eq!(span.span_context().span_id(), s);
        assert!(
            span.span_context().is_sampled(),
            "the early decision, not the sampler's"
        );
        let mut child = p.tracer("fetch").start_span(SpanOptions {
            parent: Some(span.span_context().clone()),
            ids: Some((
                TraceId::from_bytes([1; 16]),
                SpanId::from_bytes([2; 8]),
                true,
            )),
            ..SpanOptions::new("child")
        });
        assert_eq!(child.span_context().trace_id(), t, "a parent's trace wins");
        child.end();
        span.end();
        let spans = out.0.lock().unwrap();
        assert_eq!(spans.len(), 2, "exported although the sampler says no");
        assert_eq!(spans[1].span_context.span_id(), s);
        assert_eq!(spans[0].parent_span_id, s);
    }

    #[test]
    fn unsampled_spans_are_not_recorded_or_exported() {
        let (p, out) = provider(Sampler::AlwaysOff, SpanLimits::default());
        let mut span = p.tracer("t").start("x");
        assert!(!span.is_recording());
        assert!(span.span_context().is_valid());
        assert!(!span.span_context().is_sampled());
        span.end();
        assert!(out.0.lock().unwrap().is_empty());
    }

    #[test]
    fn status_rules_limits_drop_and_shutdown() {
        let limits = SpanLimits {
            attributes: 2,
            events: 1,
            links: 1,
            ..Default::default()
        };
        let (p, out) = provider(Sampler::AlwaysOn, limits);
        let tracer = p.tracer("t");
        {
            let mut s = tracer.start("limits");
            for i in 0..4 {
                s.set_attribute(KeyValue::new(format!("k{i}"), i as i64));
            }
            s.set_attribute(KeyValue::new("k0", 10));
            s.add_event("a", vec![]);
            s.add_event("b", vec![]);
            s.set_status(Status::error("first"));
            s.set_status(Status::Unset);
            assert_eq!(s.data().unwrap().status, Status::error("first"));
            s.set_status(Status::Ok);
            s.set_status(Status::error("late"));
            s.update_name("renamed");
            // Dropped without end(): ends it, as the OpenTelemetry Rust SDK does.
        }
        let mut discarded = tracer.start("discarded");
        discarded.discard();
        drop(discarded);
        p.shutdown();
        tracer.start("after-shutdown").end();
        let spans = out.0.lock().unwrap();
        assert_eq!(spans.len(), 1);
        let s = &spans[0];
        assert_eq!(s.name, "renamed");
        assert_eq!(
            s.attributes,
            vec![KeyValue::new("k0", 10), KeyValue::new("k1", 1)]
        );
        assert_eq!(s.dropped_attributes, 2);
        assert_eq!((s.events.len(), s.dropped_events), (1, 1));
        assert_eq!(s.status, Status::Ok, "Ok is final");
    }

    #[test]
    fn distinct_attributes_replace_the_start_ones_and_respect_the_limit() {
        let limits = SpanLimits {
            attributes: 3,
            ..Default::default()
        };
        let (p, out) = provider(Sampler::AlwaysOn, limits);
        let mut s = p.tracer("t").start_span(SpanOptions {
            attributes: vec![KeyValue::new("page.route", "/a"), KeyValue::new("k", 1)],
            ..SpanOptions::new("s")
        });
        s.set_distinct_attributes([
            KeyValue::new("k", 2),
            KeyValue::new("url.full", "http://h/"),
            KeyValue::new("extra", true),
        ]);
        s.end();
        let spans = out.0.lock().unwrap();
        assert_eq!(
            spans[0].attributes,
            vec![
                KeyValue::new("page.route", "/a"),
                KeyValue::new("k", 2),
                KeyValue::new("url.full", "http://h/"),
            ]
        );
        assert_eq!(spans[0].dropped_attributes, 1);
    }
}
