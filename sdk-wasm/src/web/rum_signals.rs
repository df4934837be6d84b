//! Real-user monitoring signals in the page: `rum_signals.js` forwards performance entries and error events;
//! this module keeps the pure state (`rum::vitals`, `rum::errors`) and turns it into
//! telemetry: `browser.web_vital` log records and `browser.web_vital.*` histograms at page
//! hide, `browser.error` log records plus an `exception` event on the active span (or on an
//! `exception` span of its own, so that span-based error views such as SigNoz's Exceptions
//! page list every error), resource load failures and, opt-in, `console.error`/`warn` as log
//! records, and `longtask` / `long-animation-frame` spans.

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::sync::Arc;

use crate::attributes::{KeyValue, Scope};
use wasm_bindgen::prelude::*;

use super::clock::WebClock;
use super::js::{self, get};
use super::Sdk;
use crate::clock::Clock;
use crate::decimal::push_u64;
use crate::instrument::span::hex;
use crate::logs::{LogRecord, SEVERITY_ERROR, SEVERITY_INFO, SEVERITY_WARN};
use crate::metrics::{InstrumentDescriptor, InstrumentKind};
use crate::rum::errors::ErrorLimiter;
use crate::rum::vitals::{navigation_type, PageVitals, Vital};
use crate::trace::{SdkTracer, SpanOptions};
// Names: `browser.web_vital` / `browser.error` / `browser.resource_error` / `browser.console`
// log records, `web_vital.*` and `exception.*` attributes, as in sdk-wasm/README.md.

#[wasm_bindgen(module = "/src/web/rum_signals.js")]
extern "C" {
    #[wasm_bindgen(js_name = installRum)]
    fn shim_install(callbacks: &JsValue, opts: &JsValue);
    #[wasm_bindgen(js_name = uninstallRum)]
    fn shim_uninstall();
    #[wasm_bindgen(js_name = takeRecords)]
    fn shim_take_records();
    #[wasm_bindgen(js_name = interactionCount)]
    fn shim_interaction_count() -> f64;
    #[wasm_bindgen(js_name = takeAttribution)]
    fn shim_take_attribution() -> JsValue;
}

/// Which RUM features run (`init({ webVitals, errors, longTasks, captureConsole })`).
#[derive(Clone, Copy, Debug, Default)]
pub struct Options {
    pub vitals: bool,
    pub errors: bool,
    pub long_tasks: bool,
    pub console: bool,
}

impl Options {
    pub fn any(&self) -> bool {
        self.vitals || self.errors || self.long_tasks || self.console
    }
}

struct State {
    sdk: Rc<Sdk>,
    vitals: PageVitals,
    navigation_type: &'static str,
    /// Random hex id of the page view (a load or a back/forward-cache restore).
    page_view: String,
    limiter: ErrorLimiter,
    /// `performance.interactionCount` when this page view started (soft navigations).
    interactions_before: f64,
    vitals_scope: Arc<Scope>,
    errors_scope: Arc<Scope>,
    /// Starts the `exception` span of an error thrown while no span is active.
    errors: SdkTracer,
    long_tasks: SdkTracer,
}

thread_local! {
    static STATE: RefCell<Option<State>> = const { RefCell::new(None) };
    /// Which [`install`] the state belongs to (see [`Installed`]).
    static GENERATION: Cell<u32> = const { Cell::new(0) };
}

/// Runs `f` on the state; `None` when not installed (or re-entered).
fn with_state<R>(f: impl FnOnce(&mut State) -> R) -> Option<R> {
    STATE.with(|s| s.try_borrow_mut().ok()?.as_mut().map(f))
}

fn scope(name: &'static str) -> Arc<Scope> {
    Arc::new(Scope::new(name).with_version(crate::VERSION))
}

fn page_view_id() -> String {
    let mut b = [0u8; 8];
    crate::ids::RandomSource::fill(&super::random::WebRandom::new(), &mut b);
    hex(&b)
}

/// The running RUM features, owned by the SDK: dropping it removes their listeners and
/// observers. (Their state stays a global: the shim's callbacks need a static target.)
#[must_use = "dropping it stops the RUM features"]
pub struct Installed {
    generation: u32,
}

impl Installed {
    fn is_current(&self) -> bool {
        GENERATION.with(Cell::get) == self.generation
    }

    /// Reports the page view's vitals (once), before the page-hide flush sends them.
    pub fn report_vitals(&self) {
        if self.is_current() {
            report_vitals();
        }
    }

    /// The SPA's route changed (a soft navigation): the vitals so far are reported for the
    /// route they happened on, and a new page view (CLS and INP only) starts for the next one.
    pub fn soft_navigation(&self) {
        if self.is_current() {
            soft_navigation();
        }
    }

    /// Errors refused by the rate limit or as duplicates, for `stats().errorsDropped`.
    pub fn errors_dropped(&self) -> u64 {
        with_state(|s| s.limiter.dropped).unwrap_or(0)
    }
}

impl Drop for Installed {
    fn drop(&mut self) {
        if self.is_current() {
            uninstall();
        }
    }
}

/// Starts the features `opts` turns on for `sdk` (replacing an earlier installation);
/// `None` when none is on.
pub fn install(sdk: Rc<Sdk>, opts: Options) -> Option<Installed> {
    uninstall();
    // The shim calls this module's exports, which exist with `js-api` only.
    if !opts.any() || !cfg!(feature = "js-api") {
        return None;
    }
    let generation = GENERATION.with(|g| {
        g.set(g.get().wrapping_add(1));
        g.get()
    });
    let long_tasks = sdk
        .provider
        .tracer_with_scope(Scope::new("otel-wasm/long-tasks").with_version(crate::VERSION));
    let errors = sdk
        .provider
        .tracer_with_scope(Scope::new("otel-wasm/errors").with_version(crate::VERSION));
    let page_view = page_view_id();
    STATE.with(|s| {
        *s.borrow_mut() = Some(State {
            sdk,
            vitals: PageVitals::default(),
            navigation_type: "navigate",
            page_view,
            limiter: ErrorLimiter::default(),
            interactions_before: 0.0,
            vitals_scope: scope("otel-wasm/web-vitals"),
            errors_scope: scope("otel-wasm/errors"),
            errors,
            long_tasks,
        })
    });
    // The shim's callbacks: this module's `__cb_*` exports (see `js::callbacks`).
    let cb = js::callbacks(&["vital", "error", "entry", "console"]);
    let o = js_sys::Object::new();
    js::set(&o, "vitals", &opts.vitals.into());
    js::set(&o, "errors", &opts.errors.into());
    js::set(&o, "longTasks", &opts.long_tasks.into());
    js::set(&o, "console", &opts.console.into());
    shim_install(&cb, &o);
    Some(Installed { generation })
}

/// Removes the listeners and observers.
fn uninstall() {
    shim_uninstall();
    STATE.with(|s| s.borrow_mut().take());
}

#[cfg_attr(feature = "js-api", wasm_bindgen(js_name = "__cb_vital"))]
pub fn on_vital(kind: u8, a: f64, b: f64, c: JsValue) {
    with_state(|s| match kind {
        0 => s.vitals.lcp.candidate(a),
        1 => s.vitals.lcp.stop(),
        2 if b < 0.0 => s.vitals.cls_observed = true,
        2 => s.vitals.cls.add(a, b, c.as_f64() == Some(1.0)),
        3 => s.vitals.inp.add(a as u64, b),
        4 => {
            s.vitals.fcp.get_or_insert(a);
        }
        5 => {
            s.vitals.ttfb = Some(a);
            s.navigation_type = navigation_type(&c.as_string().unwrap_or_default(), b == 1.0);
        }
        6 => {
            // A back/forward-cache restore: a new page view, served without a request.
            s.vitals = s.vitals.restored();
            s.navigation_type = "back-forward-cache";
            s.page_view = page_view_id();
        }
        7 => {
            s.vitals.fcp.get_or_insert(a);
            if b == 1.0 {
                s.vitals.lcp.candidate(a);
            }
        }
        _ => {}
    });
}

/// The active span's context for a log record (the auto-instrumentations' current one).
fn active_trace() -> Option<([u8; 16], [u8; 8], u8)> {
    crate::instrument::web::current_parent().map(|p| (p.trace_id, p.span_id, p.sampled as u8))
}

fn soft_navigation() {
    report_vitals();
    let count = shim_interaction_count();
    with_state(|s| {
        s.vitals = s.vitals.soft_navigation();
        s.navigation_type = "soft-navigation";
        s.page_view = page_view_id();
        s.interactions_before = count.max(0.0);
    });
}

/// `web_vital.attribution.*` of vital `v` from the shim's attribution object.
fn attribution(v: Vital, a: &JsValue) -> Vec<KeyValue> {
    let text = |k: &str| get(a, k).as_string().filter(|s| !s.is_empty());
    let num = |k: &str| get(a, k).as_f64();
    let mut out = Vec::new();
    let element = match v {
        Vital::Lcp => text("lcpElement"),
        Vital::Inp => text("inpElement"),
        Vital::Cls => text("clsElement"),
        _ => None,
    };
    if let Some(e) = element {
        out.push(KeyValue::new("web_vital.attribution.element", e));
    }
    match v {
        Vital::Lcp => {
            out.extend(text("lcpUrl").map(|u| KeyValue::new("web_vital.attribution.url", u)))
        }
        Vital::Cls => out.extend(
            num("clsValue").map(|x| KeyValue::new("web_vital.attribution.largest_shift_value", x)),
        ),
        Vital::Inp => {
            for (k, key) in [
                ("inpInputDelay", "web_vital.attribution.input_delay"),
                ("inpProcessing", "web_vital.attribution.processing_duration"),
                (
                    "inpPresentation",
                    "web_vital.attribution.presentation_delay",
                ),
            ] {
                out.extend(num(k).map(|x| KeyValue::new(key, x)));
            }
        }
        _ => {}
    }
    out
}

fn report_vitals() {
    // Entries the observers hold but have not delivered yet (runs the callbacks).
    shim_take_records();
    let count = shim_interaction_count();
    let attr = shim_take_attribution();
    with_state(|s| {
        let values = s
            .vitals
            .report((count >= 0.0).then_some((count - s.interactions_before).max(0.0) as u64));
        if values.is_empty() {
            return;
        }
        let now = s.sdk.clock.now_ns();
        let route = KeyValue::new("page.route", s.sdk.rum.route());
        for (v, x) in values {
            let rating = v.rating(x);
            let mut log = LogRecord::event(
                s.vitals_scope.clone(),
                "browser.web_vital",
                SEVERITY_INFO,
                v.name().into(),
                now,
            );
            let id = s.page_view.clone() + "-" + v.name();
            log.attributes.extend([
                KeyValue::new("web_vital.name", v.name()),
                KeyValue::new("web_vital.value", x),
                KeyValue::new("web_vital.rating", rating),
                KeyValue::new("web_vital.delta", x),
                KeyValue::new("web_vital.id", id),
                KeyValue::new("web_vital.navigation_type", s.navigation_type),
            ]);
            log.attributes.extend(attribution(v, &attr));
            s.sdk.emit_log(log);
            record_histogram(
                s,
                v,
                x,
                vec![
                    KeyValue::new("web_vital.rating", rating),
                    KeyValue::new("web_vital.navigation_type", s.navigation_type),
                    route.clone(),
                ],
                now,
            );
        }
    });
}

fn record_histogram(s: &State, v: Vital, value: f64, attrs: Vec<KeyValue>, now: u64) {
    let mut d = InstrumentDescriptor::new(
        v.metric(),
        InstrumentKind::Histogram,
        s.vitals_scope.clone(),
    );
    d.unit = v.unit().into();
    d.boundaries = v.buckets().to_vec();
    let attrs = s.sdk.rum.metric_attributes(attrs);
    let mut m = s.sdk.metrics.borrow_mut();
    let id = m.register(d);
    m.record(id, value, attrs, now);
}

// An uncaught error (`source` "error"), unhandled rejection ("unhandledrejection") or a
// failed `<img>`/`<script>`/`<link>` load ("resource": `ty` is the element, `file` its URL).
#[cfg_attr(feature = "js-api", wasm_bindgen(js_name = "__cb_error"))]
pub fn on_error(
    source: JsValue,
    ty: JsValue,
    message: JsValue,
    stack: JsValue,
    file: JsValue,
    line: f64,
    col: f64,
) {
    let [source, ty, message, stack, file] =
        [source, ty, message, stack, file].map(|v| js::text(&v));
    // What makes two errors "the same": type, message and where.
    let mut key = ty.clone() + ": " + &message + " @" + &file + ":";
    push_u64(&mut key, line as u64);
    key.push(':');
    push_u64(&mut key, col as u64);
    let Some((sdk, scope, tracer)) = with_state(|s| {
        s.limiter
            .allow(&key, WebClock::perf_now_ms())
            .then(|| (s.sdk.clone(), s.errors_scope.clone(), s.errors.clone()))
    })
    .flatten() else {
        return;
    };
    let now = sdk.clock.now_ns();
    if source == "resource" {
        let mut log = LogRecord::event(
            scope,
            "browser.resource_error",
            SEVERITY_ERROR,
            message,
            now,
        );
        log.trace = active_trace();
        log.attributes.extend([
            KeyValue::new("error.source", source),
            KeyValue::new("resource.type", ty),
            KeyValue::new("resource.url", file),
        ]);
        sdk.emit_log(log);
        return;
    }
    let mut exception = Vec::with_capacity(3);
    if !ty.is_empty() {
        exception.push(KeyValue::new("exception.type", ty));
    }
    exception.push(KeyValue::new("exception.message", message.clone()));
    if !stack.is_empty() {
        exception.push(KeyValue::new("exception.stacktrace", stack));
    }
    let mut trace = active_trace();
    if !crate::instrument::web::add_event_to_current("exception", exception.clone(), now) {
        // No span of ours is open: a short ERROR span carries the event (with the session
        // and route from the start hook, and the page), and the log record joins its trace.
        let mut o = SpanOptions::new("exception");
        o.start_ns = Some(now);
        o.activity = false;
        o.attributes = vec![KeyValue::new("url.full", js::document_url())];
        let mut span = tracer.start_span(o);
        span.add_event_at("exception", now, exception.clone());
        span.set_status(crate::trace::Status::error(message.clone()));
        let c = span.span_context().clone();
        if span.is_recording() {
            trace = Some((c.trace_id().to_bytes(), c.span_id().to_bytes(), 1));
        }
        span.end_at(now);
    }
    let mut log = LogRecord::event(scope, "browser.error", SEVERITY_ERROR, message, now);
    log.trace = trace;
    log.attributes.extend(exception);
    log.attributes.push(KeyValue::new("error.source", source));
    if !file.is_empty() {
        log.attributes.push(KeyValue::new("code.filepath", file));
    }
    if line > 0.0 {
        log.attributes
            .push(KeyValue::new("code.lineno", line as i64));
        log.attributes.push(KeyValue::new("code.colno", col as i64));
    }
    sdk.emit_log(log);
}

// `console.error` (`error` true) or `console.warn` text → a log record (`captureConsole`).
#[cfg_attr(feature = "js-api", wasm_bindgen(js_name = "__cb_console"))]
pub fn on_console(error: bool, text: JsValue) {
    let text = js::text(&text);
    let Some((sdk, scope)) = with_state(|s| (s.sdk.clone(), s.errors_scope.clone())) else {
        return;
    };
    let now = sdk.clock.now_ns();
    let mut log = LogRecord::event(
        scope,
        "browser.console",
        if error { SEVERITY_ERROR } else { SEVERITY_WARN },
        text,
        now,
    );
    log.trace = active_trace();
    log.attributes.push(KeyValue::new(
        "log.source",
        if error {
            "console.error"
        } else {
            "console.warn"
        },
    ));
    sdk.emit_log(log);
}

// A `longtask` (kind 0) or `long-animation-frame` (kind 1) entry → one INTERNAL span.
#[cfg_attr(feature = "js-api", wasm_bindgen(js_name = "__cb_entry"))]
pub fn on_entry(kind: u8, e: JsValue) {
    let num = |o: &JsValue, k: &str| get(o, k).as_f64().unwrap_or(0.0);
    let text = |o: &JsValue, k: &str| get(o, k).as_string().unwrap_or_default();
    with_state(|s| {
        let (start, duration) = (num(&e, "startTime"), num(&e, "duration"));
        let (name, attributes) = if kind == 0 {
            let a = js_sys::Array::from(&get(&e, "attribution")).get(0);
            (
                "longtask",
                vec![
                    KeyValue::new("longtask.duration", duration),
                    KeyValue::new("longtask.attribution.name", text(&a, "name")),
                    KeyValue::new(
                        "longtask.attribution.container_type",
                        text(&a, "containerType"),
                    ),
                    KeyValue::new(
                        "longtask.attribution.container_src",
                        text(&a, "containerSrc"),
                    ),
                    KeyValue::new("longtask.attribution.container_id", text(&a, "containerId")),
                    KeyValue::new(
                        "longtask.attribution.container_name",
                        text(&a, "containerName"),
                    ),
                ],
            )
        } else {
            let scripts = js_sys::Array::from(&get(&e, "scripts"));
            let mut attrs = vec![
                KeyValue::new("loaf.blocking_duration", num(&e, "blockingDuration")),
                KeyValue::new("loaf.render_start", num(&e, "renderStart")),
                KeyValue::new("loaf.scripts.count", scripts.length() as i64),
            ];
            let longest = scripts.iter().fold(None::<JsValue>, |m, x| match m {
                Some(m) if num(&m, "duration") >= num(&x, "duration") => Some(m),
                _ => Some(x),
            });
            if let Some(l) = longest {
                attrs.extend([
                    KeyValue::new("loaf.script.invoker", text(&l, "invoker")),
                    KeyValue::new("loaf.script.source_url", text(&l, "sourceURL")),
                    KeyValue::new(
                        "loaf.script.source_function_name",
                        text(&l, "sourceFunctionName"),
                    ),
                    KeyValue::new("loaf.script.duration", num(&l, "duration")),
                ]);
            }
            ("long-animation-frame", attrs)
        };
        let mut o = SpanOptions::new(name);
        o.attributes = attributes;
        o.start_ns = Some(s.sdk.clock.perf_ms_to_ns(start));
        let mut span = s.long_tasks.start_span(o);
        span.end_at(s.sdk.clock.perf_ms_to_ns(start + duration));
    });
}
