//! The installed instrumentations' state: spans being built, requests in flight, open
//! interactions and request spans held for their resource-timing entry, in one
//! `thread_local` that every shim callback borrows briefly (never across a user hook).

use super::config::Config;
use super::dom::{self, Clock};
use super::{Backend, SCOPE_FETCH, SCOPE_XHR};
use crate::instrument::context::{Interactions, RecentContexts};
use crate::instrument::held::{Held, HeldRequests};
use crate::instrument::interaction::InteractionSpans;
use crate::instrument::navigation::Location;
use crate::instrument::semconv::Api;
use crate::instrument::span::{Kind, Parent, SpanRecord};
use crate::instrument::table::Table;
use crate::instrument::timing::{network_events, Matched, ResourceEntry};
use std::cell::{Cell, RefCell};
use wasm_bindgen::JsValue;

pub(super) struct Request {
    pub(super) api: Api,
    pub(super) ctx: u32,
    pub(super) url: String,
    pub(super) start_ms: f64,
    /// What the page passed (Request/init or the xhr), for the end's hook (when there is one).
    pub(super) request: Option<JsValue>,
}

#[derive(Default, Clone, Copy)]
pub(super) struct Stats {
    pub(super) hook_errors: u32,
    pub(super) spans_started: u32,
    pub(super) spans_finished: u32,
}

pub(super) struct State {
    pub(super) cfg: Config,
    pub(super) backend: Box<dyn Backend>,
    pub(super) clock: Clock,
    pub(super) next_handle: u32,
    /// Spans being built, by handle: requests, interactions, document load.
    pub(super) spans: Table<u32, SpanRecord>,
    pub(super) requests: Table<u32, Request>,
    pub(super) interactions: Interactions,
    /// Interaction spans' start routes and dead-click verdicts.
    pub(super) interaction_spans: InteractionSpans,
    pub(super) contexts: RecentContexts,
    /// Finished request spans waiting for their resource-timing entry.
    pub(super) held: HeldRequests,
    pub(super) stats: Stats,
    /// The page's URL and route as last recorded (navigation instrumentation).
    pub(super) location: Location,
    /// When the document load spans were made (`performance.now()` ms): resources starting
    /// later become `resourceFetch` spans of their own.
    pub(super) loaded_at: Option<f64>,
    /// The last request URL and whether `ignoreUrls` matched it.
    pub(super) last_ignored: Option<(String, bool)>,
    /// The shim's interaction expiry timer is armed (it stays armed until it fires).
    pub(super) expiry_armed: bool,
}

thread_local! {
    pub(super) static STATE: RefCell<Option<State>> = const { RefCell::new(None) };
    /// Which [`install`] the state belongs to: an older [`Installed`] dropped later must not
    /// remove a newer installation.
    pub(super) static GENERATION: Cell<u32> = const { Cell::new(0) };
}

/// Runs `f` on the installed state; `None` when not installed (or re-entered).
pub(super) fn with_state<R>(f: impl FnOnce(&mut State) -> R) -> Option<R> {
    STATE.with(|s| s.try_borrow_mut().ok()?.as_mut().map(f))
}

impl State {
    pub(super) fn handle(&mut self) -> u32 {
        self.next_handle = self.next_handle.wrapping_add(1).max(1);
        self.next_handle
    }

    /// A new span: its ids from the backend (see [`Backend::start`]), its data here until
    /// it ends.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn new_span(
        &self,
        scope: &'static str,
        name: &str,
        kind: Kind,
        parent: Option<Parent>,
        remote_parent: bool,
        start_ns: u64,
        given: Option<Parent>,
    ) -> SpanRecord {
        let me = self
            .backend
            .start(scope, name, kind, parent, remote_parent, start_ns, given);
        SpanRecord::new(name, kind, me, parent.as_ref(), start_ns)
    }

    pub(super) fn finish(&mut self, span: SpanRecord) {
        self.stats.spans_finished += 1;
        self.backend.finish(span);
    }

    /// Ends interactions (see [`InteractionSpans::end`]): one whose URL changed while it
    /// ran, by any means (history API, `location.hash`, back button), was a navigation.
    pub(super) fn end_interactions(&mut self, ended: Vec<(u32, f64)>) {
        if ended.is_empty() {
            return;
        }
        let href = crate::web::js::document_url();
        let route = crate::instrument::semconv::route_of(&href);
        // With a `routeTemplate` hook, the route the navigation instrumentation recorded.
        let templated = (self.cfg.navigation.as_ref()).is_some_and(|n| n.route_template.is_some());
        let template = templated.then(|| self.location.route().to_string());
        for (h, at_ms) in ended {
            let backend = &self.backend;
            let done = self.interaction_spans.end(
                h,
                self.spans.remove(&h),
                self.clock.to_unix_ns(at_ms),
                route,
                template.as_deref(),
                |route| backend.redact_url(route),
            );
            if let Some(span) = done {
                self.finish(span);
            }
        }
    }

    /// Hands a request span on, with the network events and preflight of its entry.
    pub(super) fn release_held(
        &mut self,
        held: Held,
        matched: Option<Matched>,
        entries: &[ResourceEntry],
    ) {
        let mut span = held.span;
        if let Some(m) = matched {
            for (name, t) in network_events(&entries[m.main]) {
                span.event(name, self.clock.to_unix_ns(t));
            }
            if let Some(p) = m.preflight {
                self.finish_preflight(&span, &entries[p]);
            }
        }
        self.finish(span);
    }

    fn finish_preflight(&mut self, parent: &SpanRecord, e: &ResourceEntry) {
        let start = self.clock.to_unix_ns(e.fetch_start);
        let scope = if e.initiator_type == "fetch" {
            SCOPE_FETCH
        } else {
            SCOPE_XHR
        };
        let p = parent.as_parent();
        let mut pre = self.new_span(
            scope,
            "CORS Preflight",
            Kind::Internal,
            Some(p),
            false,
            start,
            None,
        );
        pre.end_ns = self.clock.to_unix_ns(e.response_end);
        for (name, t) in network_events(e) {
            pre.event(name, self.clock.to_unix_ns(t));
        }
        self.finish(pre);
    }

    /// Hands on the held spans done waiting (see [`HeldRequests::release`]); the clock is read
    /// (when `now_ms` is not given) only if a span found no entry.
    pub(super) fn match_held(
        &mut self,
        entries: &[ResourceEntry],
        release_all: bool,
        mut now_ms: Option<f64>,
    ) {
        let mut held = std::mem::take(&mut self.held);
        // `Clock::now_ms`, without borrowing `self`.
        let now = || *now_ms.get_or_insert_with(super::ffi::shim_now);
        held.release(entries, release_all, now, |h, matched| {
            self.release_held(h, matched, entries)
        });
        self.held = held;
    }
}

pub(super) fn performance() -> Option<web_sys::Performance> {
    web_sys::window()?.performance()
}

/// Entries for the held spans' URLs straight from the performance buffer
/// (for entries delivered before the observer saw the span, or no observer).
pub(super) fn buffered_entries(urls: &[String]) -> Vec<ResourceEntry> {
    let Some(perf) = performance() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (i, url) in urls.iter().enumerate() {
        // A lookup returns every entry of its URL (a polled endpoint has many): once a URL.
        if urls[..i].contains(url) {
            continue;
        }
        let entries = perf.get_entries_by_name(url);
        out.extend(entries.iter().filter_map(|e| dom::request_entry(&e)));
    }
    out
}
