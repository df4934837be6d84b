//! Browser glue: installs the JS shim (`shim.js`) with callbacks into Rust and
//! turns what it reports into spans. The shim owns patching and the current
//! context; this module owns span data, hooks and the pure decisions.
//!
//! Hooks are called with no borrow of the state held, so a hook may call
//! fetch, or the span methods, without re-entrancy trouble; a hook that
//! throws is counted in `stats().hookErrors` and otherwise ignored.

mod backend;
pub(crate) mod config;
mod dom;
#[cfg(feature = "testing")]
mod memory;

pub use backend::{Backend, CoreBackend};
#[cfg(feature = "testing")]
pub use memory::MemoryBackend;

use super::context::{Interactions, RecentContexts};
use super::document_load::{self, PageFacts, Role};
use super::held::{Held, HeldRequests};
use super::semconv::{normalise_method, outcome_attrs, server_address_port, Api, Outcome};
use super::span::{hex, Kind, Parent, SpanRecord, Value};
use super::table::Table;
use super::timing::{network_events, Matched, ResourceEntry};
use crate::web::js;
use config::Config;
use dom::Clock;
use js_sys::{Array, Function, Reflect};
use std::cell::{Cell, RefCell};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

#[wasm_bindgen(module = "/src/instrument/web/shim.js")]
extern "C" {
    #[wasm_bindgen(js_name = install)]
    fn shim_install(callbacks: &JsValue, opts: &JsValue);
    #[wasm_bindgen(js_name = uninstall)]
    fn shim_uninstall();
    #[wasm_bindgen(js_name = errorCount)]
    fn shim_error_count() -> u32;
    #[wasm_bindgen(js_name = armTimingWait)]
    fn shim_arm_timing_wait(ms: f64);
    #[wasm_bindgen(js_name = armExpiry)]
    fn shim_arm_expiry(ms: f64);
    #[wasm_bindgen(js_name = currentContext)]
    fn shim_current_context() -> u32;
    #[wasm_bindgen(js_name = swapContext)]
    fn shim_swap_context(ctx: u32) -> u32;
    #[wasm_bindgen(js_name = now)]
    fn shim_now() -> f64;
    #[wasm_bindgen(js_name = originalFetch)]
    fn shim_original_fetch() -> JsValue;
}

/// `fetch` as the page had it before any instrumentation of ours (the npm loader may have
/// patched it before the core started): the exporter's.
pub fn original_fetch() -> JsValue {
    shim_original_fetch()
}

/// Instrumentation scope names (as OpenTelemetry JS's package names).
const SCOPE_FETCH: &str = "sdk-wasm/instrumentation-fetch";
const SCOPE_XHR: &str = "sdk-wasm/instrumentation-xml-http-request";
const SCOPE_DOCUMENT_LOAD: &str = "sdk-wasm/instrumentation-document-load";
const SCOPE_USER_INTERACTION: &str = "sdk-wasm/instrumentation-user-interaction";
const SCOPE_NAVIGATION: &str = "sdk-wasm/instrumentation-navigation";

struct Request {
    api: Api,
    ctx: u32,
    url: String,
    start_ms: f64,
    /// What the page passed (Request/init or the xhr), for hooks.
    request: JsValue,
}

#[derive(Default, Clone, Copy)]
struct Stats {
    hook_errors: u32,
    spans_started: u32,
    spans_finished: u32,
}

struct State {
    cfg: Config,
    backend: Box<dyn Backend>,
    clock: Clock,
    next_handle: u32,
    /// Spans being built, by handle: requests, interactions, document load.
    spans: Table<u32, SpanRecord>,
    requests: Table<u32, Request>,
    /// Interaction handle → location path when it started.
    interaction_paths: Table<u32, String>,
    interactions: Interactions,
    contexts: RecentContexts,
    /// Finished request spans waiting for their resource-timing entry.
    held: HeldRequests,
    stats: Stats,
    /// The page's route and URL as last recorded (navigation instrumentation).
    route: String,
    href: String,
    /// When the document load spans were made (`performance.now()` ms): resources starting
    /// later become `resourceFetch` spans of their own.
    loaded_at: Option<f64>,
    /// Clicks whose dead-click verdict the shim has not given yet.
    awaiting_verdict: Vec<u32>,
    /// Ended click spans held for that verdict (at most ~1 s).
    settling: Vec<(u32, SpanRecord)>,
    /// The last request URL and whether `ignoreUrls` matched it.
    last_ignored: Option<(String, bool)>,
}

thread_local! {
    static STATE: RefCell<Option<State>> = const { RefCell::new(None) };
    /// Which [`install`] the state belongs to: an older [`Installed`] dropped later must not
    /// remove a newer installation.
    static GENERATION: Cell<u32> = const { Cell::new(0) };
}

/// The installed instrumentations, owned by the SDK: dropping it restores everything
/// patched and hands held spans on (see [`install`]).
#[must_use = "dropping it uninstalls the instrumentations"]
pub struct Installed {
    generation: u32,
}

impl Installed {
    fn is_current(&self) -> bool {
        GENERATION.with(Cell::get) == self.generation
    }

    /// Hands request spans waiting for resource timing (with the entries buffered so far)
    /// and click spans waiting for their dead-click verdict to the backend; with
    /// `page_hidden`, open interactions end too.
    pub fn flush(&self, page_hidden: bool) {
        if self.is_current() {
            flush(page_hidden);
        }
    }
}

impl Drop for Installed {
    fn drop(&mut self) {
        if self.is_current() {
            uninstall();
        }
    }
}

/// Runs `f` on the installed state; `None` when not installed (or re-entered).
fn with_state<R>(f: impl FnOnce(&mut State) -> R) -> Option<R> {
    STATE.with(|s| s.try_borrow_mut().ok()?.as_mut().map(f))
}

impl State {
    fn handle(&mut self) -> u32 {
        self.next_handle = self.next_handle.wrapping_add(1).max(1);
        self.next_handle
    }

    fn finish(&mut self, span: SpanRecord) {
        self.stats.spans_finished += 1;
        self.backend.finish(span);
    }

    /// Ends interactions; one whose URL (path, query, hash) changed while it
    /// ran, by any means (history API, `location.hash`, back button), was a
    /// navigation and is renamed `Navigation: <route>`.
    fn end_interactions(&mut self, ended: Vec<(u32, f64)>) {
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
    fn release_held(&mut self, held: Held, matched: Option<Matched>, entries: &[ResourceEntry]) {
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
    fn match_held(&mut self, entries: &[ResourceEntry], release_all: bool, now_ms: f64) {
        let mut held = std::mem::take(&mut self.held);
        held.release(entries, release_all, now_ms, |h, matched| {
            self.release_held(h, matched, entries)
        });
        self.held = held;
    }
}

fn performance() -> Option<web_sys::Performance> {
    web_sys::window()?.performance()
}

/// Entries for the held spans' URLs straight from the performance buffer
/// (for entries delivered before the observer saw the span, or no observer).
fn buffered_entries(urls: &[String]) -> Vec<ResourceEntry> {
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

// ---- hooks ------------------------------------------------------------------

/// The span handed to user hooks: enough of the OpenTelemetry Span interface
/// to add attributes and rename. Calls after the span ended do nothing.
#[wasm_bindgen(js_name = InstrumentationSpan)]
pub struct HookSpan {
    handle: u32,
}

fn js_to_value(v: &JsValue) -> Option<Value> {
    if let Some(s) = v.as_string() {
        Some(Value::Str(s))
    } else if let Some(b) = v.as_bool() {
        Some(Value::Bool(b))
    } else {
        v.as_f64()
            .map(|n| crate::attributes::as_integer(n).map_or(Value::F64(n), Value::Int))
    }
}

#[wasm_bindgen(js_class = InstrumentationSpan)]
impl HookSpan {
    #[wasm_bindgen(js_name = setAttribute)]
    pub fn set_attribute(&self, key: &str, value: JsValue) -> HookSpan {
        if let Some(v) = js_to_value(&value) {
            with_state(|s| s.spans.get_mut(&self.handle).map(|span| span.set(key, v)));
        }
        HookSpan {
            handle: self.handle,
        }
    }

    #[wasm_bindgen(js_name = setAttributes)]
    pub fn set_attributes(&self, attributes: JsValue) -> HookSpan {
        if let Ok(pairs) = js_sys::Object::entries(attributes.unchecked_ref()).dyn_into::<Array>() {
            for pair in pairs.iter() {
                let pair = Array::from(&pair);
                if let Some(k) = pair.get(0).as_string() {
                    self.set_attribute(&k, pair.get(1));
                }
            }
        }
        HookSpan {
            handle: self.handle,
        }
    }

    #[wasm_bindgen(js_name = updateName)]
    pub fn update_name(&self, name: &str) -> HookSpan {
        with_state(|s| {
            s.spans
                .get_mut(&self.handle)
                .map(|span| span.name = name.to_string())
        });
        HookSpan {
            handle: self.handle,
        }
    }

    /// `{traceId, spanId, traceFlags}` as hex, like `Span.spanContext()`.
    #[wasm_bindgen(js_name = spanContext)]
    pub fn span_context(&self) -> JsValue {
        let o = js_sys::Object::new();
        with_state(|s| {
            if let Some(span) = s.spans.get(&self.handle) {
                let _ = Reflect::set(&o, &"traceId".into(), &hex(&span.trace_id).into());
                let _ = Reflect::set(&o, &"spanId".into(), &hex(&span.span_id).into());
                let _ = Reflect::set(&o, &"traceFlags".into(), &(span.sampled as u8).into());
            }
        });
        o.into()
    }

    #[wasm_bindgen(js_name = isRecording)]
    pub fn is_recording(&self) -> bool {
        with_state(|s| s.spans.contains_key(&self.handle)).unwrap_or(false)
    }
}

/// Calls a user hook; a throw is counted, never propagated. Returns its result.
fn call_hook(hook: &Function, args: &[&JsValue]) -> JsValue {
    let this = JsValue::UNDEFINED;
    let result = match args {
        [a] => hook.call1(&this, a),
        [a, b] => hook.call2(&this, a, b),
        [a, b, c] => hook.call3(&this, a, b, c),
        _ => hook.call0(&this),
    };
    result.unwrap_or_else(|_| {
        with_state(|s| s.stats.hook_errors += 1);
        JsValue::UNDEFINED
    })
}

fn hook_span(handle: u32) -> JsValue {
    HookSpan { handle }.into()
}

// ---- callbacks from the shim ------------------------------------------------

/// An early span's ids as the loader wrote them: 32 hex trace id, 16 hex span id, then `1`
/// if sampled (what its `traceparent` said).
fn given_ids(s: &str) -> Option<Parent> {
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

// `ids`: the early span's ids from the npm loader (see [`given_ids`]); the core issues them
// otherwise.
#[cfg_attr(feature = "js-api", wasm_bindgen(js_name = "__cb_start"))]
pub fn on_start(
    api: u8,
    method: JsValue,
    url: JsValue,
    ctx: u32,
    input: JsValue,
    init: JsValue,
    ids: JsValue,
) -> u32 {
    let (method, url) = (js::text(&method), js::text(&url));
    let api = if api == 0 { Api::Fetch } else { Api::Xhr };
    let given = ids.as_string().as_deref().and_then(given_ids);
    let started = with_state(|s| {
        let cfg = match api {
            Api::Fetch => s.cfg.fetch.as_ref(),
            Api::Xhr => s.cfg.xhr.as_ref(),
        }?;
        let hook = cfg.request_hook.clone();
        // The last URL's verdict is kept: a polled endpoint would ask the same RegExps (in JS,
        // with the URL copied there) on every request.
        let ignored = match &s.last_ignored {
            Some((u, v)) if *u == url => *v,
            _ => {
                let v = s.cfg.ignore_urls.iter().any(|p| p.matches(&url));
                s.last_ignored = Some((url.clone(), v));
                v
            }
        };
        if ignored || s.backend.is_own_url(&url) {
            return None;
        }
        let m = normalise_method(&method);
        let h = s.handle();
        let start_ms = s.clock.now_ms();
        let start_ns = s.clock.to_unix_ns(start_ms);
        let parent = s.contexts.get(ctx);
        let scope = if api == Api::Fetch {
            SCOPE_FETCH
        } else {
            SCOPE_XHR
        };
        let me = s.backend.start(
            scope,
            &m.normalised,
            Kind::Client,
            parent,
            false,
            start_ns,
            given,
        );
        let mut span = SpanRecord::new(&m.normalised, Kind::Client, me, parent.as_ref(), start_ns);
        span.set("http.request.method", m.normalised);
        if let Some(o) = m.original {
            span.set("http.request.method_original", o);
        }
        span.set("url.full", url.as_str());
        if let Some((host, port)) = server_address_port(&url) {
            span.set("server.address", host);
            span.set("server.port", port as i64);
        }
        if api == Api::Xhr {
            span.event("open", start_ns);
        }
        s.stats.spans_started += 1;
        s.interactions.work_started(ctx);
        s.spans.insert_new(h, span);
        let request = if api == Api::Xhr || init.is_undefined() {
            input
        } else {
            init
        };
        s.requests.insert_new(
            h,
            Request {
                api,
                ctx,
                url,
                start_ms,
                request: request.clone(),
            },
        );
        Some((h, hook, request))
    })
    .flatten();
    let Some((h, hook, request)) = started else {
        return 0;
    };
    if let Some(hook) = hook {
        call_hook(&hook, &[&hook_span(h), &request]);
    }
    h
}

// Propagation headers for request `h` as `[name, value, ...]`, or nothing
// when the CORS rule says no.
#[cfg_attr(feature = "js-api", wasm_bindgen(js_name = "__cb_header"))]
pub fn on_header(h: u32) -> JsValue {
    header(h).map_or(JsValue::UNDEFINED, Into::into)
}

fn header(h: u32) -> Option<Array> {
    with_state(|s| {
        let url = &s.requests.get(&h)?.url;
        let headers = s.backend.headers(url, s.spans.get(&h)?);
        if headers.is_empty() {
            return None;
        }
        let out = Array::new();
        for (k, v) in headers {
            out.push(&JsValue::from_str(k));
            out.push(&JsValue::from_str(&v));
        }
        Some(out)
    })
    .flatten()
}

// `send` was called on XHR `h`.
#[cfg_attr(feature = "js-api", wasm_bindgen(js_name = "__cb_event"))]
pub fn on_event(h: u32) {
    with_state(|s| {
        let now = s.clock.now_ns();
        s.spans.get_mut(&h).map(|span| span.event("send", now))
    });
}

#[cfg_attr(feature = "js-api", wasm_bindgen(js_name = "__cb_end"))]
pub fn on_end(h: u32, outcome: u8, status: u16, result: JsValue) {
    let outcome = match outcome {
        0 => Outcome::Response(status),
        2 => Outcome::Aborted,
        3 => Outcome::Timeout,
        _ => Outcome::NetworkError,
    };
    let hook = with_state(|s| {
        let req = s.requests.get(&h)?;
        let api = req.api;
        let cfg = if api == Api::Fetch {
            s.cfg.fetch.as_ref()
        } else {
            s.cfg.xhr.as_ref()
        };
        let hook = cfg.and_then(|c| c.custom_attributes.clone());
        let now_ms = s.clock.now_ms();
        let now = s.clock.to_unix_ns(now_ms);
        let span = s.spans.get_mut(&h)?;
        span.end_ns = now;
        let a = outcome_attrs(api, outcome);
        if let Some(code) = a.status_code {
            span.set("http.response.status_code", code as i64);
        }
        if api == Api::Xhr {
            span.event(a.xhr_event, now);
        }
        if let Some(t) = a.error_type {
            span.set("error.type", t.as_str());
            span.error = Some(t);
        }
        Some((now_ms, hook.map(|f| (f, req.request.clone()))))
    })
    .flatten();
    let Some((now_ms, hook)) = hook else { return };
    if let Some((hook, request)) = hook {
        let span = hook_span(h);
        match result.is_undefined() {
            true => call_hook(&hook, &[&span, &request]),
            false => call_hook(&hook, &[&span, &request, &result]),
        };
    }
    let arm = with_state(|s| {
        let (Some(req), Some(span)) = (s.requests.remove(&h), s.spans.remove(&h)) else {
            return false;
        };
        s.interactions.work_ended(req.ctx, now_ms);
        let cfg = if req.api == Api::Fetch {
            s.cfg.fetch.as_ref()
        } else {
            s.cfg.xhr.as_ref()
        };
        let wants_timing =
            cfg.is_some_and(|c| c.network_events) && matches!(outcome, Outcome::Response(_));
        if !wants_timing {
            s.finish(span);
            return false;
        }
        let initiator = if req.api == Api::Fetch {
            "fetch"
        } else {
            "xmlhttprequest"
        };
        let evicted = s.held.push(Held {
            span,
            url: req.url,
            initiator,
            start_ms: req.start_ms,
            end_ms: now_ms,
        });
        if let Some(oldest) = evicted {
            s.release_held(oldest, None, &[]);
        }
        true
    });
    if arm == Some(true) {
        shim_arm_timing_wait(250.0);
    }
}

#[cfg_attr(feature = "js-api", wasm_bindgen(js_name = "__cb_entries"))]
pub fn on_entries(list: JsValue) {
    let (waiting, loaded_at) =
        with_state(|s| (!s.held.is_empty(), s.loaded_at)).unwrap_or((false, None));
    let list = Array::from(&list);
    if waiting {
        let entries = dom::resource_entries(&list, &["fetch", "xmlhttprequest"]);
        with_state(|s| {
            let now = s.clock.now_ms();
            s.match_held(&entries, false, now)
        });
    }
    if let Some(t0) = loaded_at {
        late_resources(&list, t0);
    }
}

/// Scripts, stylesheets, images, fonts, … loaded after the document load (code-split chunks,
/// lazy images): one root `resourceFetch` span each, as at load. Requests have spans of their own.
fn late_resources(list: &Array, loaded_at: f64) {
    for raw in list.iter() {
        let not_a_request = |i: &str| !matches!(i, "fetch" | "xmlhttprequest" | "beacon");
        let Some(e) = dom::resource_entry_if(&raw, not_a_request) else {
            continue;
        };
        if e.start_time < loaded_at {
            continue;
        }
        let made = with_state(|s| {
            let cfg = s.cfg.document_load.as_ref()?;
            let opts = document_load::Options {
                network_events: cfg.network_events,
                paint_events: cfg.paint_events,
            };
            let hook = cfg.on_resource_fetch.clone();
            let p = document_load::fetch_span(
                Role::ResourceFetch(0),
                "resourceFetch",
                &e,
                &s.backend.redact_url(&e.name),
                &opts,
            );
            let start = s.clock.to_unix_ns(p.start_ms);
            let me = s.backend.start(
                SCOPE_DOCUMENT_LOAD,
                p.name,
                Kind::Internal,
                None,
                false,
                start,
                None,
            );
            let mut span = SpanRecord::new(p.name, Kind::Internal, me, None, start);
            span.end_ns = s.clock.to_unix_ns(p.end_ms);
            for (k, v) in p.attributes {
                span.set(k, v);
            }
            span.set("resource.initiator_type", e.initiator_type.as_str());
            for (name, t) in p.events {
                span.event(name, s.clock.to_unix_ns(t));
            }
            let h = s.handle();
            s.spans.insert_new(h, span);
            Some((h, hook))
        })
        .flatten();
        let Some((h, hook)) = made else { continue };
        if let Some(f) = hook {
            call_hook(&f, &[&hook_span(h), &raw]);
        }
        with_state(|s| s.spans.remove(&h).map(|span| s.finish(span)));
    }
}

// Periodic check while spans wait for timing; true while some still wait.
#[cfg_attr(feature = "js-api", wasm_bindgen(js_name = "__cb_sweep"))]
pub fn on_sweep() -> bool {
    // Requests that ended in the last 100 ms get their entries from the observer.
    let urls: Vec<String> =
        with_state(|s| s.held.urls(s.clock.now_ms() - 100.0)).unwrap_or_default();
    let entries = buffered_entries(&urls);
    with_state(|s| {
        let now = s.clock.now_ms();
        s.match_held(&entries, false, now);
        !s.held.is_empty()
    })
    .unwrap_or(false)
}

// Page hidden or being left: everything we hold goes to the backend now.
// (The SDK core also calls `flush(true)` from its own page-hide handler, so
// the order of the two listeners does not matter.)
#[cfg_attr(feature = "js-api", wasm_bindgen(js_name = "__cb_hidden"))]
pub fn on_hidden() {
    flush(true);
}

/// See [`Installed::flush`]; a no-op when nothing is installed.
fn flush(page_hidden: bool) {
    let urls: Vec<String> = with_state(|s| s.held.urls(f64::INFINITY)).unwrap_or_default();
    let entries = buffered_entries(&urls);
    with_state(|s| {
        let now = s.clock.now_ms();
        s.match_held(&entries, true, now);
        if page_hidden {
            let open = s.interactions.end_all(now);
            s.end_interactions(open);
            // Their verdict would come too late.
            s.awaiting_verdict.clear();
        }
        // Ended clicks waiting for their dead-click verdict go without it: a flush exports
        // what has ended.
        for (_, span) in std::mem::take(&mut s.settling) {
            s.finish(span);
        }
    });
}

fn location_path() -> String {
    super::semconv::route_of(&crate::web::js::document_url()).to_string()
}

// An interaction is being dispatched on `target` (an element, not disabled:
// the shim checked). `ancestry` is the shim's one-string description of the
// target's ancestors (see `xpath::parse_ancestry`); `href` is `location.href`.
#[cfg_attr(feature = "js-api", wasm_bindgen(js_name = "__cb_interaction"))]
pub fn on_interaction(
    event_type: JsValue,
    target: JsValue,
    tag: JsValue,
    ancestry: JsValue,
    href: JsValue,
    ids: JsValue,
) -> u32 {
    let (event_type, tag, ancestry, href) = (
        js::text(&event_type),
        js::text(&tag),
        js::text(&ancestry),
        js::text(&href),
    );
    let given = ids.as_string().as_deref().and_then(given_ids);
    let created = with_state(|s| {
        let cfg = s.cfg.interaction.as_ref()?;
        let hook = cfg.should_prevent.clone();
        let h = s.handle();
        let start = s.clock.now_ns();
        let me = s.backend.start(
            SCOPE_USER_INTERACTION,
            &event_type,
            Kind::Internal,
            None,
            false,
            start,
            given,
        );
        let mut span = SpanRecord::new(&event_type, Kind::Internal, me, None, start);
        span.set("event_type", event_type.as_str());
        span.set("target_element", tag);
        span.set(
            "target_xpath",
            super::xpath::xpath(&super::xpath::parse_ancestry(&ancestry)),
        );
        s.interaction_paths
            .insert_new(h, super::semconv::route_of(&href).to_string());
        if event_type == "click" {
            s.awaiting_verdict.push(h);
            if s.awaiting_verdict.len() > 64 {
                s.awaiting_verdict.remove(0);
            }
        }
        span.set("url.full", href);
        s.spans.insert_new(h, span);
        Some((h, hook))
    })
    .flatten();
    let Some((h, hook)) = created else { return 0 };
    if let Some(hook) = hook {
        if call_hook(
            &hook,
            &[&JsValue::from_str(&event_type), &target, &hook_span(h)],
        )
        .is_truthy()
        {
            with_state(|s| {
                s.interaction_paths.remove(&h);
                s.spans.remove(&h).map(|span| s.backend.discard(&span))
            });
            return 0;
        }
    }
    let max = with_state(|s| {
        let max = s
            .cfg
            .interaction
            .as_ref()
            .map_or(5000.0, |c| c.max_duration_ms);
        let now = s.clock.now_ms();
        s.interactions.start(h, now, max);
        if let Some(span) = s.spans.get(&h) {
            let parent = span.as_parent();
            s.contexts.add(h, parent);
        }
        s.stats.spans_started += 1;
        max
    });
    if let Some(max) = max {
        // One timer for all interactions: the shim keeps it if already armed.
        shim_arm_expiry(max + 1.0);
    }
    h
}

// The shim's frustration signals on a click span: `kind` 0 `interaction.rage`, 1
// `interaction.dead` (the verdict: the span, if it has ended, is exported now).
#[cfg_attr(feature = "js-api", wasm_bindgen(js_name = "__cb_frustration"))]
pub fn on_frustration(h: u32, kind: u8, value: bool) {
    with_state(|s| {
        let key = if kind == 0 {
            "interaction.rage"
        } else {
            "interaction.dead"
        };
        if let Some(span) = s.spans.get_mut(&h) {
            span.set(key, Value::Bool(value));
        } else if let Some((_, span)) = s.settling.iter_mut().find(|(x, _)| *x == h) {
            span.set(key, Value::Bool(value));
        }
        if kind == 1 {
            s.awaiting_verdict.retain(|x| *x != h);
            if let Some(i) = s.settling.iter().position(|(x, _)| *x == h) {
                let (_, span) = s.settling.remove(i);
                s.finish(span);
            }
        }
    });
}

// ---- SPA navigation ---------------------------------------------------------

/// History entry kinds reported by the shim.
const PUSH: u8 = 0;
const REPLACE: u8 = 1;

/// The route of `href`: `routeTemplate(href)` when it returns a non-empty string, else the
/// path. Called with no state borrowed; a throwing hook is counted.
fn route_for(hook: Option<&Function>, href: &str) -> String {
    hook.map(|f| call_hook(f, &[&JsValue::from_str(href)]))
        .and_then(|v| v.as_string())
        .filter(|r| !r.is_empty())
        .unwrap_or_else(|| crate::rum::route::pathname(href).to_string())
}

// The URL may have changed: `pushState` / `replaceState` (after the page's call returned),
// `popstate` or `hashchange` (`kind` 2). An unchanged URL records nothing, so the
// `popstate` + `hashchange` pair of one hash change makes one span.
#[cfg_attr(feature = "js-api", wasm_bindgen(js_name = "__cb_route"))]
pub fn on_route(kind: u8, href: JsValue, ctx: u32) {
    let href = js::text(&href);
    let changed = with_state(|s| {
        let nav = s.cfg.navigation.as_ref()?;
        if href == s.href {
            return None;
        }
        let ty = match kind {
            PUSH => "push",
            REPLACE => "replace",
            _ if crate::rum::route::only_fragment_differs(&s.href, &href) => "hash",
            _ => "pop",
        };
        s.href = href.clone();
        Some((nav.route_template.clone(), ty))
    })
    .flatten();
    let Some((hook, ty)) = changed else { return };
    let route = route_for(hook.as_ref(), &href);
    with_state(|s| {
        let previous = std::mem::replace(&mut s.route, route.clone());
        s.backend.set_route(&route);
        let now = s.clock.now_ns();
        let parent = s.contexts.get(ctx);
        let me = s.backend.start(
            SCOPE_NAVIGATION,
            "routeChange",
            Kind::Internal,
            parent,
            false,
            now,
            None,
        );
        let mut span = SpanRecord::new("routeChange", Kind::Internal, me, parent.as_ref(), now);
        span.set("browser.navigation.type", ty);
        span.set("url.full", href);
        span.set("page.route", route);
        span.set("page.previous_route", previous);
        s.stats.spans_started += 1;
        s.finish(span);
    });
}

#[cfg_attr(feature = "js-api", wasm_bindgen(js_name = "__cb_activity"))]
pub fn on_activity() {
    with_state(|s| s.backend.activity());
}

#[cfg_attr(feature = "js-api", wasm_bindgen(js_name = "__cb_boundary"))]
pub fn on_boundary() {
    with_state(|s| {
        let now = s.clock.now_ms();
        let ended = s.interactions.boundary(now);
        s.end_interactions(ended);
    });
}

#[cfg_attr(feature = "js-api", wasm_bindgen(js_name = "__cb_workStart"))]
pub fn on_work_start(ctx: u32) -> bool {
    with_state(|s| s.interactions.work_started(ctx)).unwrap_or(false)
}

#[cfg_attr(feature = "js-api", wasm_bindgen(js_name = "__cb_workEnd"))]
pub fn on_work_end(ctx: u32) {
    with_state(|s| {
        let now = s.clock.now_ms();
        s.interactions.work_ended(ctx, now);
    });
}

// The expiry timer fired; returns ms until the next deadline (0: none).
#[cfg_attr(feature = "js-api", wasm_bindgen(js_name = "__cb_expire"))]
pub fn on_expire() -> f64 {
    with_state(|s| {
        let now = s.clock.now_ms();
        let ended = s.interactions.expire(now);
        s.end_interactions(ended);
        s.interactions
            .next_deadline()
            .map_or(0.0, |d| (d - now).max(1.0))
    })
    .unwrap_or(0.0)
}

const DOCUMENT_LOAD_FLAG: &str = "__sdkWasmDocumentLoad";

/// `Server-Timing: traceparent;desc="00-…"` on the navigation response: the server's trace
/// without a meta tag in the page (the browser exposes it to the page's own origin, or with
/// `Timing-Allow-Origin`).
fn server_timing_traceparent(perf: &web_sys::Performance) -> Option<String> {
    let nav = perf.get_entries_by_type("navigation").get(0);
    let entries = Reflect::get(&nav, &JsValue::from_str("serverTiming"))
        .ok()
        .filter(js_sys::Array::is_array)?;
    js_sys::Array::from(&entries).iter().find_map(|e| {
        let name = Reflect::get(&e, &JsValue::from_str("name"))
            .ok()?
            .as_string()?;
        (name == "traceparent").then(|| {
            Reflect::get(&e, &JsValue::from_str("description"))
                .ok()?
                .as_string()
        })?
    })
}

#[cfg_attr(feature = "js-api", wasm_bindgen(js_name = "__cb_documentLoad"))]
pub fn on_document_load() {
    // What starts from now on is not in the document load's spans.
    with_state(|s| s.loaded_at = Some(s.clock.now_ms()));
    let Some(window) = web_sys::window() else {
        return;
    };
    // Once per page, also across SDK re-initialisation.
    let flag = JsValue::from_str(DOCUMENT_LOAD_FLAG);
    if Reflect::get(&window, &flag)
        .map(|v| v.is_truthy())
        .unwrap_or(false)
    {
        return;
    }
    let _ = Reflect::set(&window, &flag, &JsValue::TRUE);
    let Some(perf) = performance() else { return };
    let Some(nav) = dom::navigation_entry(&perf) else {
        return;
    };
    let resources = dom::resource_entries(&perf.get_entries_by_type("resource"), &[]);
    // Through `Reflect.get`, as elsewhere: no web-sys import per getter.
    let url = crate::web::js::document_url();
    let user_agent = crate::web::js::get(&crate::web::js::global_get("navigator"), "userAgent")
        .as_string()
        .unwrap_or_default();
    let meta_parent = window
        .document()
        .and_then(|d| {
            d.query_selector("meta[name=\"traceparent\"]")
                .ok()
                .flatten()
        })
        .and_then(|m| m.get_attribute("content"))
        .and_then(|c| crate::propagation::extract(&c, None))
        .or_else(|| {
            server_timing_traceparent(&perf).and_then(|c| crate::propagation::extract(&c, None))
        })
        .map(|cx| Parent::from_span_context(&cx));
    let planned = with_state(|s| {
        let cfg = s.cfg.document_load.as_ref()?;
        let page = PageFacts {
            url: &url,
            user_agent: &user_agent,
            first_paint: paint(&perf, "first-paint"),
            first_contentful_paint: paint(&perf, "first-contentful-paint"),
            now_ms: s.clock.now_ms(),
        };
        let opts = document_load::Options {
            network_events: cfg.network_events,
            paint_events: cfg.paint_events,
        };
        let hooks = (
            cfg.on_document_load.clone(),
            cfg.on_document_fetch.clone(),
            cfg.on_resource_fetch.clone(),
        );
        let plan = document_load::plan(&nav, &resources, &page, &opts);
        let mut root: Option<Parent> = meta_parent;
        let mut made = Vec::new();
        for p in plan {
            let is_root = p.role == Role::DocumentLoad;
            let parent = if is_root { meta_parent } else { root };
            let start = s.clock.to_unix_ns(p.start_ms);
            let me = s.backend.start(
                SCOPE_DOCUMENT_LOAD,
                p.name,
                Kind::Internal,
                parent,
                is_root,
                start,
                None,
            );
            let mut span = SpanRecord::new(p.name, Kind::Internal, me, parent.as_ref(), start);
            span.end_ns = s.clock.to_unix_ns(p.end_ms);
            for (k, v) in p.attributes {
                span.set(k, v);
            }
            for (name, t) in p.events {
                span.event(name, s.clock.to_unix_ns(t));
            }
            if p.role == Role::DocumentLoad {
                root = Some(span.as_parent());
            }
            let h = s.handle();
            s.spans.insert_new(h, span);
            made.push((h, p.role));
        }
        Some((made, hooks))
    })
    .flatten();
    let Some((made, (on_load, on_fetch, on_resource))) = planned else {
        return;
    };
    for (h, role) in &made {
        let span = hook_span(*h);
        match role {
            Role::DocumentLoad => on_load.as_ref().map(|f| call_hook(f, &[&span])),
            Role::DocumentFetch => on_fetch.as_ref().map(|f| call_hook(f, &[&span])),
            Role::ResourceFetch(i) => on_resource.as_ref().map(|f| {
                let entry = perf.get_entries_by_type("resource").get(*i as u32);
                call_hook(f, &[&span, &entry])
            }),
        };
    }
    // Children first, then the root (the order OTel JS exports them in).
    with_state(|s| {
        for (h, _) in made.iter().rev() {
            if let Some(span) = s.spans.remove(h) {
                s.finish(span);
            }
        }
    });
}

fn paint(perf: &web_sys::Performance, name: &str) -> Option<f64> {
    dom::paint_time(perf, name)
}

// ---- install ----------------------------------------------------------------

/// The shim's callbacks (its `R`): this module's `__cb_*` exports (see [`js::callbacks`]).
const CALLBACK_NAMES: [&str; 16] = [
    "start",
    "header",
    "event",
    "end",
    "entries",
    "sweep",
    "hidden",
    "interaction",
    "boundary",
    "workStart",
    "workEnd",
    "expire",
    "documentLoad",
    "route",
    "activity",
    "frustration",
];

/// Installs the instrumentations configured by `config` (the
/// `instrumentations` object, see `config.rs`) that leave `ignore_urls` (the config's
/// `ignoreUrls`) alone; spans start and end in `backend`. Call it after the exporter
/// captured the original `fetch`. Replaces an earlier installation; the returned handle
/// uninstalls when dropped.
pub fn install(
    config: &JsValue,
    ignore_urls: &JsValue,
    backend: Box<dyn Backend>,
) -> Result<Installed, String> {
    if !cfg!(feature = "js-api") {
        return Err(
            "instrumentations: need the js-api feature (the shim calls its exports)".into(),
        );
    }
    let cfg = config::parse(config, ignore_urls);
    let clock = Clock::new().ok_or("instrumentations: need window.performance")?;
    uninstall();
    let generation = GENERATION.with(|g| {
        g.set(g.get().wrapping_add(1));
        g.get()
    });
    let opts = js_sys::Object::new();
    let set = |k: &str, v: JsValue| {
        let _ = Reflect::set(&opts, &JsValue::from_str(k), &v);
    };
    set("fetch", cfg.fetch.is_some().into());
    set("xhr", cfg.xhr.is_some().into());
    set("documentLoad", cfg.document_load.is_some().into());
    let names: Array = cfg
        .interaction
        .iter()
        .flat_map(|c| c.event_names.iter())
        .map(|n| JsValue::from_str(n))
        .collect();
    set("eventNames", names.into());
    set("navigation", cfg.navigation.is_some().into());
    let href = crate::web::js::document_url();
    let route = cfg
        .navigation
        .as_ref()
        .map(|n| route_for(n.route_template.as_ref(), &href));
    if let Some(r) = &route {
        backend.set_route(r);
    }
    STATE.with(|s| {
        *s.borrow_mut() = Some(State {
            cfg,
            backend,
            clock,
            next_handle: 0,
            spans: Table::default(),
            requests: Table::default(),
            interaction_paths: Table::default(),
            interactions: Interactions::default(),
            contexts: RecentContexts::new(256),
            held: HeldRequests::default(),
            stats: Stats::default(),
            route: route.unwrap_or_default(),
            href,
            loaded_at: None,
            awaiting_verdict: Vec::new(),
            settling: Vec::new(),
            last_ignored: None,
        })
    });
    let r = crate::web::js::callbacks(&CALLBACK_NAMES);
    shim_install(&r, &opts);
    Ok(Installed { generation })
}

/// Restores everything patched, hands held spans on, and drops the state.
fn uninstall() {
    flush(true);
    // Only what we installed: hooks the npm loader installed before the core wait for `install`.
    if STATE.with(|s| s.try_borrow().map_or(true, |s| s.is_some())) {
        shim_uninstall();
    }
    STATE.with(|s| s.borrow_mut().take());
}

/// Counters for the browser tests: `{spansStarted, spansFinished, hookErrors, internalErrors}`.
#[cfg(feature = "testing")]
pub fn stats() -> JsValue {
    let st = with_state(|s| s.stats).unwrap_or_default();
    let o = js_sys::Object::new();
    for (k, v) in [
        ("spansStarted", st.spans_started),
        ("spansFinished", st.spans_finished),
        ("hookErrors", st.hook_errors),
        ("internalErrors", shim_error_count()),
    ] {
        let _ = Reflect::set(&o, &JsValue::from_str(k), &JsValue::from(v));
    }
    o.into()
}

/// The current interaction context handle (0 = none); for tests and diagnostics.
pub fn current_context() -> u32 {
    shim_current_context()
}

/// The span behind the current context (the interaction being handled, or the one whose async
/// work is running), so that spans started from JS in that work become its children.
pub fn current_parent() -> Option<Parent> {
    let ctx = shim_current_context();
    with_state(|s| s.contexts.get(ctx)).flatten()
}

/// Adds an event to the current context's span if the instrumentations own it and it is
/// still open (e.g. an `exception` thrown by a click handler lands on the click's span).
/// Returns whether it found such a span.
pub fn add_event_to_current(
    name: &'static str,
    attributes: Vec<opentelemetry::KeyValue>,
    time_ns: u64,
) -> bool {
    match current_parent() {
        Some(p) => with_state(|s| s.backend.add_event(&p.span_id, name, attributes, time_ns))
            .unwrap_or(false),
        None => false,
    }
}

/// Makes `parent` the current context, so that requests started now (or in async work
/// scheduled now) become its children; returns the previous context for `restore_context`.
pub fn enter_parent(parent: Parent) -> u32 {
    let h = with_state(|s| {
        let h = s.handle();
        s.contexts.add(h, parent);
        h
    });
    match h {
        Some(h) => shim_swap_context(h),
        None => 0, // not installed: nothing to parent
    }
}

pub fn restore_context(previous: u32) {
    if with_state(|_| ()).is_some() {
        shim_swap_context(previous);
    }
}
