//! Browser glue: installs the JS shim (`shim.js`) with callbacks into Rust and
//! turns what it reports into spans. The shim owns patching and the current
//! context; this glue owns span data and hooks, and asks the pure sibling modules of
//! `instrument` for the decisions.
//!
//! Hooks are called with no borrow of the state held, so a hook may call
//! fetch, or the span methods, without re-entrancy trouble; a hook that
//! throws is counted in `stats().hookErrors` and otherwise ignored.
//!
//! One module per concern: `ffi` (the shim's exports), `state` (what the callbacks share),
//! `hooks` (user hooks), `requests`, `interactions`, `navigation` and `document_load` (the
//! shim's callbacks of each instrumentation); this file installs and uninstalls, and gives
//! `js_api` the current context.

mod backend;
pub(crate) mod config;
mod document_load;
mod dom;
mod ffi;
mod hooks;
mod interactions;
#[cfg(feature = "testing")]
mod memory;
mod navigation;
mod requests;
mod state;

pub use backend::{Backend, CoreBackend};
pub use document_load::on_document_load;
pub use ffi::original_fetch;
pub use interactions::{
    on_activity, on_boundary, on_expire, on_frustration, on_interaction, on_work_end, on_work_start,
};
#[cfg(feature = "testing")]
pub use memory::MemoryBackend;
pub use navigation::on_route;
pub use requests::{on_end, on_entries, on_header, on_send, on_start, on_sweep};

use super::context::{Interactions, RecentContexts};
use super::held::HeldRequests;
use super::interaction::InteractionSpans;
use super::navigation::Location;
use super::span::Parent;
use super::table::Table;
use dom::Clock;
use ffi::{shim_current_context, shim_install, shim_swap_context, shim_uninstall};
use js_sys::{Array, Reflect};
use navigation::route_for;
use state::{buffered_entries, with_state, State, Stats, GENERATION, STATE};
use std::cell::Cell;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// Instrumentation scope names (as OpenTelemetry JS's package names).
const SCOPE_FETCH: &str = "sdk-wasm/instrumentation-fetch";
const SCOPE_XHR: &str = "sdk-wasm/instrumentation-xml-http-request";
const SCOPE_DOCUMENT_LOAD: &str = "sdk-wasm/instrumentation-document-load";
const SCOPE_USER_INTERACTION: &str = "sdk-wasm/instrumentation-user-interaction";
const SCOPE_NAVIGATION: &str = "sdk-wasm/instrumentation-navigation";

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

// Page hidden or being left: everything we hold goes to the backend now.
// (The SDK core also calls `flush(true)` from its own page-hide handler, so
// the order of the two listeners does not matter.)
#[cfg_attr(feature = "js-api", wasm_bindgen(js_name = "__cb_hidden"))]
pub fn on_hidden() {
    flush(true);
}

thread_local! {
    /// The installed fast path's `drain` (see [`install`]).
    static FAST_DRAIN: std::cell::RefCell<Option<js_sys::Function>> = const { std::cell::RefCell::new(None) };
}

/// Hands the core the requests the fast path (`fast.js`) recorded and not replayed yet:
/// before anything changes what a span start records (route, global attributes, consent).
pub fn replay_recorded() {
    let drain = FAST_DRAIN.with(|d| d.borrow().clone());
    if let Some(d) = drain {
        let _ = d.call0(&JsValue::UNDEFINED);
    }
}

/// See [`Installed::flush`]; a no-op when nothing is installed.
fn flush(page_hidden: bool) {
    replay_recorded();
    let urls: Vec<String> = with_state(|s| s.held.urls(f64::INFINITY)).unwrap_or_default();
    let entries = buffered_entries(&urls);
    with_state(|s| {
        let now = s.clock.now_ms();
        s.match_held(&entries, true, Some(now));
        if page_hidden {
            let open = s.interactions.end_all(now);
            s.end_interactions(open);
        }
        // Ended clicks waiting for their dead-click verdict go without it.
        for span in s.interaction_spans.flush(page_hidden) {
            s.finish(span);
        }
    });
}

// ---- install ----------------------------------------------------------------

/// The shim's callbacks (its `R`): this module's `__cb_*` exports (see [`js::callbacks`]).
const CALLBACK_NAMES: [&str; 17] = [
    "start",
    "header",
    "send",
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
    "verdict",
];

/// Installs the instrumentations configured by `config` (the
/// `instrumentations` object, see `config.rs`) that leave `ignore_urls` (the config's
/// `ignoreUrls`) alone; spans start and end in `backend`. `fast_path`: `fast.js`'s
/// `fastPath`, which records requests outside any context in JS and replays them here in
/// batches, or undefined (every call comes straight here). Call it after the exporter
/// captured the original `fetch`. Replaces an earlier installation; the returned handle
/// uninstalls when dropped.
pub fn install(
    config: &JsValue,
    ignore_urls: &JsValue,
    backend: Box<dyn Backend>,
    fast_path: &JsValue,
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
    let root_sampled = backend
        .root_sampled()
        .map_or(JsValue::UNDEFINED, JsValue::from);
    STATE.with(|s| {
        *s.borrow_mut() = Some(State {
            cfg,
            backend,
            clock,
            next_handle: 0,
            spans: Table::default(),
            requests: Table::default(),
            interactions: Interactions::default(),
            interaction_spans: InteractionSpans::default(),
            contexts: RecentContexts::new(256),
            held: HeldRequests::default(),
            stats: Stats::default(),
            location: Location::new(href, route.unwrap_or_default()),
            loaded_at: None,
            last_ignored: None,
            expiry_armed: false,
        })
    });
    let mut r: JsValue = crate::web::js::callbacks(&CALLBACK_NAMES).into();
    if let Some(f) = fast_path.dyn_ref::<js_sys::Function>() {
        if let Ok(fast) = f.call2(&JsValue::UNDEFINED, &r, &root_sampled) {
            let drain = crate::web::js::get(&fast, "drain").dyn_into().ok();
            FAST_DRAIN.with(|d| *d.borrow_mut() = drain);
            r = crate::web::js::get(&fast, "callbacks");
        }
    }
    shim_install(&r, &opts);
    Ok(Installed { generation })
}

/// Restores everything patched, hands held spans on, and drops the state.
fn uninstall() {
    flush(true);
    FAST_DRAIN.with(|d| d.borrow_mut().take());
    // Only what we installed: hooks the npm loader installed before the core wait for `install`.
    if STATE.with(|s| s.try_borrow().map_or(true, |s| s.is_some())) {
        shim_uninstall();
    }
    STATE.with(|s| s.borrow_mut().take());
}

/// Counters for the browser tests: `{spansStarted, spansFinished, hookErrors, internalErrors}`.
#[cfg(feature = "testing")]
pub fn stats() -> JsValue {
    replay_recorded();
    let st = with_state(|s| s.stats).unwrap_or_default();
    let o = js_sys::Object::new();
    for (k, v) in [
        ("spansStarted", st.spans_started),
        ("spansFinished", st.spans_finished),
        ("hookErrors", st.hook_errors),
        ("internalErrors", ffi::shim_error_count()),
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
    attributes: Vec<crate::attributes::KeyValue>,
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

/// Runs `f` with no current context: what it schedules is nobody's work.
pub fn outside_context<R>(f: impl FnOnce() -> R) -> R {
    let installed = with_state(|_| ()).is_some();
    let previous = if installed { shim_swap_context(0) } else { 0 };
    let r = f();
    if previous != 0 {
        shim_swap_context(previous);
    }
    r
}

pub fn restore_context(previous: u32) {
    if with_state(|_| ()).is_some() {
        shim_swap_context(previous);
    }
}
