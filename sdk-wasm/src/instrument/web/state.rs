//! The installed instrumentations' state: spans being built, requests in flight, open
//! interactions and request spans held for their resource-timing entry, in one
//! `thread_local` that every shim callback borrows briefly (never across a user hook).

use super::config::Config;
use super::dom::{self, Clock};
use super::{Backend, SCOPE_FETCH, SCOPE_XHR};
use crate::instrument::context::{Interactions, RecentContexts};
use crate::instrument::held::{Held, HeldRequests};
use crate::instrument::semconv::Api;
use crate::instrument::span::{Kind, SpanRecord};
use crate::instrument::table::Table;
use crate::instrument::timing::{network_events, Matched, ResourceEntry};
use std::cell::{Cell, RefCell};
use wasm_bindgen::JsValue;

pub(super) struct Request {
    pub(super) api: Api,
    pub(super) ctx: u32,
    pub(super) url: String,
    pub(super) start_ms: f64,
    /// What the page passed (Request/init or the xhr), for hooks.
    pub(super) request: JsValue,
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
    /// Interaction handle → location path when it started.
    pub(super) interaction_paths: Table<u32, String>,
    pub(super) interactions: Interactions,
    pub(super) contexts: RecentContexts,
    /// Finished request spans waiting for their resource-timing entry.
    pub(super) held: HeldRequests,
    pub(super) stats: Stats,
    /// The page's route and URL as last recorded (navigation instrumentation).
    pub(super) route: String,
    pub(super) href: String,
    /// When the document load spans were made (`performance.now()` ms): resources starting
    /// later become `resourceFetch` spans of their own.
    pub(super) loaded_at: Option<f64>,
    /// Clicks whose dead-click verdict the shim has not given yet.
    pub(super) awaiting_verdict: Vec<u32>,
    /// Ended click spans held for that verdict (at most ~1 s).
    pub(super) settling: Vec<(u32, SpanRecord)>,
    /// The last request URL and whether `ignoreUrls` matched it.
    pub(super) last_ignored: Option<(String, bool)>,
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

    pub(super) fn finish(&mut self, span: SpanRecord) {
        self.stats.spans_finished += 1;
        self.backend.finish(span);
    }

    /// Ends interactions; one whose URL (path, query, hash) changed while it
    /// ran, by any means (history API, `location.hash`, back button), was a
    /// navigation and is renamed `Navigation: <route>`.
    pub(super) fn end_interactions(&mut self, ended: Vec<(u32, f64)>) {
        if ended.is_empty() {
            return;
        }
        let route = location_path();
        for (h, at_ms) in ended {
            let started_at = self.interaction_paths.remove(&h);
            if let Some(mut span) = self.spans.remove(&h) {
                if started_at.is_some_and(|r| r != route) {
                    span.name = String::from("Navigation: ") + &self.backend.redact_url(&route);
                }
                span.end_ns = self.clock.to_unix_ns(at_ms).max(span.start_ns);
                if self.awaiting_verdict.contains(&h) {
                    self.settling.push((h, span));
                    if self.settling.len() > 64 {
                        let (_, oldest) = self.settling.remove(0);
                        self.finish(oldest);
                    }
                } else {
                    self.finish(span);
                }
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
        let me = self.backend.start(
            scope,
            "CORS Preflight",
            Kind::Internal,
            Some(p),
            false,
            start,
            None,
        );
        let mut pre = SpanRecord::new("CORS Preflight", Kind::Internal, me, Some(&p), start);
        pre.end_ns = self.clock.to_unix_ns(e.response_end);
        for (name, t) in network_events(e) {
            pre.event(name, self.clock.to_unix_ns(t));
        }
        self.finish(pre);
    }

    /// Hands on the held spans done waiting (see [`HeldRequests::release`]).
    pub(super) fn match_held(&mut self, entries: &[ResourceEntry], release_all: bool, now_ms: f64) {
        let mut held = std::mem::take(&mut self.held);
        held.release(entries, release_all, now_ms, |h, matched| {
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
        out.extend(dom::resource_entries(
            &perf.get_entries_by_name(url),
            &["fetch", "xmlhttprequest"],
        ));
    }
    out
}

pub(super) fn location_path() -> String {
    crate::instrument::semconv::route_of(&crate::web::js::document_url()).to_string()
}
