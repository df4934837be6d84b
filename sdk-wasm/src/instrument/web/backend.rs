//! Where instrumentation spans come from and go to. `CoreBackend` is the SDK
//! core (its tracer issues ids and samples, its batch processor exports);
//! `MemoryBackend` (`memory.rs`, cargo feature `testing`) keeps spans in memory for the
//! browser tests.

use crate::attributes::{KeyValue, Scope};
use crate::instrument::span::{Kind, Parent, SpanRecord};
use crate::instrument::table::Table;
use crate::propagation::headers_for_url;
use crate::trace::{SdkTracer, SpanOptions};
use crate::trace::{SpanKind, Status};
use crate::web::js::document_url;
use crate::web::Sdk;
use std::cell::RefCell;
use std::rc::Rc;

pub trait Backend {
    /// Issues the ids (and sampling decision) of a new span; `given` ones were issued before
    /// the core started (the npm loader's early spans) and are kept.
    #[allow(clippy::too_many_arguments)]
    fn start(
        &self,
        scope: &'static str,
        name: &str,
        kind: Kind,
        parent: Option<Parent>,
        remote_parent: bool,
        start_ns: u64,
        given: Option<Parent>,
    ) -> Parent;
    /// The span is complete.
    fn finish(&self, span: SpanRecord);
    /// The span was started but must not be exported.
    fn discard(&self, span: &SpanRecord);
    /// Propagation headers for a request to `url` made by `span`; empty when
    /// the CORS rule says no.
    fn headers(&self, url: &str, span: &SpanRecord) -> Vec<(&'static str, String)>;
    /// Adds an event to a started, unfinished span (e.g. an `exception` while it is current).
    fn add_event(
        &self,
        _span_id: &[u8; 8],
        _name: &'static str,
        _attributes: Vec<KeyValue>,
        _time_ns: u64,
    ) -> bool {
        false
    }
    /// The SDK's own export endpoints are never traced. `url` is absolute, as `new URL`
    /// serialises it (the shim resolves every request's).
    fn is_own_url(&self, url: &str) -> bool {
        crate::web::is_exporter_url(url)
    }
    /// For a request to `url` without a parent: `Some(whether it gets a traceparent, and no
    /// other header)` when that and its sampling decision ([`Backend::root_sampled`]) are
    /// known without starting the span; `None` when only a started span can tell.
    fn root_traceparent(&self, _url: &str) -> Option<bool> {
        None
    }
    /// The sampling decision of every span without a parent, when it is one.
    fn root_sampled(&self) -> Option<bool> {
        None
    }
    /// The page's route changed (every later span carries it).
    fn set_route(&self, _route: &str) {}
    /// User input happened (keeps the session alive).
    fn activity(&self) {}
    /// A URL as it may be recorded (query secrets redacted).
    fn redact_url(&self, url: &str) -> String {
        url.to_string()
    }
}

fn span_kind(k: Kind) -> SpanKind {
    match k {
        Kind::Internal => SpanKind::Internal,
        Kind::Client => SpanKind::Client,
    }
}

/// The SDK core: spans are started with its tracer (one instrumentation
/// scope per instrumentation) and end in its batch processor.
pub struct CoreBackend {
    sdk: Rc<Sdk>,
    /// The page's URL when installed: only its origin (which never changes) decides the CORS
    /// rule, as every request URL the shim hands over is absolute. Read once, not on every
    /// request.
    page_url: String,
    tracers: RefCell<Vec<(&'static str, SdkTracer)>>,
    live: RefCell<Table<[u8; 8], crate::trace::SdkSpan>>,
}

impl CoreBackend {
    pub fn new(sdk: Rc<Sdk>) -> Self {
        CoreBackend {
            sdk,
            page_url: document_url(),
            tracers: RefCell::new(Vec::new()),
            live: RefCell::new(Table::default()),
        }
    }

    /// Starts a span with the tracer of `scope`, made at its first span. Borrowed, not
    /// cloned: a tracer clone and drop per span showed in the click profile.
    fn start_span(&self, scope: &'static str, opts: SpanOptions) -> crate::trace::SdkSpan {
        if let Some((_, tr)) = self.tracers.borrow().iter().find(|(s, _)| *s == scope) {
            return tr.start_span(opts);
        }
        let tr = self
            .sdk
            .provider
            .tracer_with_scope(Scope::new(scope).with_version(crate::VERSION));
        let span = tr.start_span(opts);
        self.tracers.borrow_mut().push((scope, tr));
        span
    }
}

impl Backend for CoreBackend {
    fn start(
        &self,
        scope: &'static str,
        name: &str,
        kind: Kind,
        parent: Option<Parent>,
        remote_parent: bool,
        start_ns: u64,
        given: Option<Parent>,
    ) -> Parent {
        let mut opts = SpanOptions::new(name.to_string());
        opts.ids = given.map(|g| {
            (
                crate::trace::TraceId::from_bytes(g.trace_id),
                crate::trace::SpanId::from_bytes(g.span_id),
                g.sampled,
            )
        });
        opts.kind = span_kind(kind);
        opts.parent = parent.map(|p| p.span_context(remote_parent));
        opts.start_ns = Some(start_ns);
        // Background spans (requests, resources) do not keep the session alive.
        opts.activity = scope == super::SCOPE_USER_INTERACTION || scope == super::SCOPE_NAVIGATION;
        let span = self.start_span(scope, opts);
        let me = Parent::from_span_context(span.span_context());
        self.live.borrow_mut().insert_new(me.span_id, span);
        me
    }

    fn finish(&self, rec: SpanRecord) {
        let Some(mut span) = self.live.borrow_mut().remove(&rec.span_id) else {
            return;
        };
        span.update_name(rec.name);
        span.set_distinct_attributes(rec.attributes);
        for e in rec.events {
            span.add_event_at(e.name, e.time_ns, Vec::new());
        }
        if let Some(msg) = rec.error {
            span.set_status(Status::error(msg));
        }
        span.end_at(rec.end_ns);
    }

    fn add_event(
        &self,
        span_id: &[u8; 8],
        name: &'static str,
        attributes: Vec<KeyValue>,
        time_ns: u64,
    ) -> bool {
        match self.live.borrow_mut().get_mut(span_id) {
            Some(span) => {
                span.add_event_at(name, time_ns, attributes);
                true
            }
            None => false,
        }
    }

    fn discard(&self, rec: &SpanRecord) {
        if let Some(mut span) = self.live.borrow_mut().remove(&rec.span_id) {
            span.discard();
        }
    }

    fn headers(&self, url: &str, rec: &SpanRecord) -> Vec<(&'static str, String)> {
        headers_for_url(
            url,
            &self.page_url,
            &self.sdk.cors_patterns,
            &rec.as_parent().span_context(false),
            self.sdk.rum.baggage().as_ref(),
        )
    }

    fn root_traceparent(&self, url: &str) -> Option<bool> {
        // Baggage depends on the globals at the request's start.
        if !self.sdk.rum.baggage_keys.borrow().is_empty() {
            return None;
        }
        Some(crate::propagation::cors::should_inject(
            url,
            &self.page_url,
            &self.sdk.cors_patterns,
        ))
    }

    fn root_sampled(&self) -> Option<bool> {
        self.sdk.provider.root_decision()
    }

    fn set_route(&self, route: &str) {
        if self.sdk.rum.route_is_set() {
            // An SPA route change: the vitals so far belong to the previous route.
            self.sdk.soft_navigation();
        }
        self.sdk.rum.set_route(route.to_string());
    }

    fn activity(&self) {
        self.sdk.rum.activity();
    }

    fn redact_url(&self, url: &str) -> String {
        self.sdk.rum.redact(url)
    }
}

impl Drop for CoreBackend {
    fn drop(&mut self) {
        // Spans still open at uninstall are abandoned, not exported half-built.
        for (_, mut s) in self.live.borrow_mut().drain() {
            s.discard();
        }
    }
}
