//! One SDK instance in the page: the batch processors of spans and of log records (one
//! generic [`Pipeline`]: pure `BatchQueue` + JS timer + exporter), the metrics reader (JS
//! interval + exporter), and page-hide flushing: while the page is hidden, queued items go out in keepalive-sized chunks and what does not fit is stashed
//! in `localStorage` for the next page (`export::chunk`, `export::stash`).

use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};

use crate::attributes::{KeyValue, Value};
use js_sys::Promise;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

use super::clock::WebClock;
#[cfg(feature = "metrics")]
use super::exporter::Delivery;
use super::exporter::Exporter;
use super::lifecycle::PageHideListener;
use super::local::LocalOnly;
use super::random::WebRandom;
use super::rum::{RumContext, RumStartHook};
#[cfg(feature = "metrics")]
use super::timers::Interval;
use super::{js, offline, stash, timers};
#[cfg(feature = "metrics")]
use crate::clock::Clock;
use crate::config::{Config, RawAttr};
use crate::export::{chunk, keepalive, stash::Entry, SignalKind};
#[cfg(feature = "logs")]
use crate::logs::LogRecord;
#[cfg(feature = "metrics")]
use crate::metrics::{MetricData, MetricsRegistry};
#[cfg(feature = "logs")]
use crate::otlp::estimated_log_size;
#[cfg(feature = "otlp-json")]
use crate::otlp::json;
use crate::otlp::{estimated_span_size, proto, Encoding};
use crate::propagation::UrlPattern;
use crate::resource::Resource;
use crate::trace::{BatchQueue, SdkTracerProvider, SpanData, SpanLimits, SpanProcessor};

thread_local! {
    /// Exporter endpoints of live SDK instances, for [`is_exporter_url`].
    static EXPORTERS: RefCell<Vec<Weak<Exporter>>> = const { RefCell::new(Vec::new()) };
}

/// Whether `href` (absolute, as `new URL` serialises it; query ignored) is an OTLP endpoint of
/// a live SDK instance: instrumentations must not trace these requests. `false` when no SDK
/// runs.
pub fn is_exporter_url(href: &str) -> bool {
    EXPORTERS.with(|e| {
        e.borrow()
            .iter()
            .filter_map(Weak::upgrade)
            .any(|x| x.is_own_href(href))
    })
}

/// Whether any live SDK instance has an export request in flight right now.
pub fn is_exporting() -> bool {
    EXPORTERS.with(|e| {
        e.borrow()
            .iter()
            .filter_map(Weak::upgrade)
            .any(|x| x.requests_in_flight() > 0)
    })
}

/// What a [`Pipeline`] carries: spans or log records.
pub trait Signal: Sized + 'static {
    const KIND: SignalKind;
    /// Last touches before the item is queued: session, route and privacy (`web::rum`).
    fn prepare(&mut self, rum: &RumContext);
    fn estimated_size(&self, encoding: Encoding) -> usize;
    fn encode(ex: &Exporter, items: &[Self]) -> Vec<u8>;
}

impl Signal for SpanData {
    const KIND: SignalKind = SignalKind::Traces;
    fn prepare(&mut self, rum: &RumContext) {
        rum.clean_span(self);
        crate::rum::route::drop_implied_route(&mut self.attributes);
    }
    fn estimated_size(&self, encoding: Encoding) -> usize {
        estimated_span_size(self, encoding)
    }
    fn encode(ex: &Exporter, spans: &[Self]) -> Vec<u8> {
        #[cfg(feature = "otlp-json")]
        if ex.encoding == Encoding::Json {
            return json::encode_traces(&ex.resource, spans, js::js_f64).into_bytes();
        }
        proto::encode_traces(&ex.resource, spans)
    }
}

#[cfg(feature = "logs")]
impl Signal for LogRecord {
    const KIND: SignalKind = SignalKind::Logs;
    /// Every log record carries the session and the page it was made on (`url.full`,
    /// `page.route`), redacted and scrubbed.
    fn prepare(&mut self, rum: &RumContext) {
        rum.prepare_log(self);
    }
    fn estimated_size(&self, encoding: Encoding) -> usize {
        estimated_log_size(self, encoding)
    }
    fn encode(ex: &Exporter, logs: &[Self]) -> Vec<u8> {
        #[cfg(feature = "otlp-json")]
        if ex.encoding == Encoding::Json {
            return json::encode_logs(&ex.resource, logs, js::js_f64).into_bytes();
        }
        proto::encode_logs(&ex.resource, logs)
    }
}

/// The batch processor's browser half, for one signal: the same queue, timer, exporter,
/// keepalive chunks and stash for spans and for log records.
pub struct Pipeline<T: Signal> {
    exporter: Rc<Exporter>,
    rum: Rc<RumContext>,
    queue: RefCell<BatchQueue<T>>,
    delay_ms: f64,
    timer: Cell<Option<JsValue>>,
    /// Created once and reused by every setTimeout (never dropped while it may run).
    tick: RefCell<Option<Closure<dyn FnMut()>>>,
    shut_down: Cell<bool>,
    /// Earlier pages' stash and offline buffer are still to be sent (`catch_up`).
    catch_up: Cell<bool>,
}

pub type SpanPipeline = Pipeline<SpanData>;
#[cfg(feature = "logs")]
pub type LogPipeline = Pipeline<LogRecord>;

impl<T: Signal> Pipeline<T> {
    fn new(exporter: Rc<Exporter>, rum: Rc<RumContext>, cfg: &Config) -> Rc<Self> {
        let p = Rc::new(Pipeline {
            exporter,
            rum,
            queue: RefCell::new(BatchQueue::new(cfg.batch.clone())),
            delay_ms: cfg.batch.scheduled_delay_ms as f64,
            timer: Cell::new(None),
            tick: RefCell::new(None),
            shut_down: Cell::new(false),
            catch_up: Cell::new(false),
        });
        let weak = Rc::downgrade(&p);
        *p.tick.borrow_mut() = Some(Closure::new(move || {
            if let Some(p) = weak.upgrade() {
                p.timer.set(None);
                if p.catch_up.get() {
                    // The catch-up tick: the queue keeps its own delay.
                    p.catch_up();
                    p.arm_timer();
                } else {
                    p.export_ready(false);
                }
            }
        }));
        p
    }

    /// Queues one ended span / emitted log record, after the RUM context added the session
    /// (logs: and route, page URL) and redacted and scrubbed its attributes.
    pub fn push(self: &Rc<Self>, mut item: T) {
        if self.shut_down.get() || self.rum.paused.get() {
            return;
        }
        item.prepare(&self.rum);
        self.exporter.count_new(T::KIND);
        let size = item.estimated_size(self.exporter.encoding);
        let batches = self.queue.borrow_mut().push(item, size);
        self.send_all(batches, false);
        self.arm_timer();
    }

    /// Exports the queue in batches while export slots are free; when the page is hiding,
    /// all of it at once.
    fn export_ready(self: &Rc<Self>, hiding: bool) {
        let batches = self.queue.borrow_mut().take_all(hiding);
        self.send_all(batches, hiding);
        self.arm_timer();
    }

    fn arm_timer(&self) {
        self.arm_timer_in(self.delay_ms);
    }

    fn arm_timer_in(&self, ms: f64) {
        let armed = self.timer.take();
        let need =
            (self.catch_up.get() || !self.queue.borrow().is_empty()) && !self.shut_down.get();
        match (armed, need) {
            (Some(id), true) => self.timer.set(Some(id)),
            (Some(id), false) => js::clear_timeout(&id),
            (None, true) => {
                if let Some(cb) = self.tick.borrow().as_ref() {
                    // Outside the app's current context: the instrumentations would count a
                    // short timer as an interaction's work.
                    let id = crate::instrument::web::outside_context(|| {
                        js::set_timeout(cb.as_ref().unchecked_ref(), ms)
                    });
                    self.timer.set(Some(id));
                }
            }
            (None, false) => {}
        }
    }

    /// Sends what an earlier page (or another tab) stashed or buffered while the collector
    /// was away: once, at the first tick (`CATCH_UP_MS` after start) or flush, so reading
    /// storage is no part of `init`; not while paused (`resume` does it), after a page hide
    /// or shutdown.
    fn catch_up(&self) {
        if self.catch_up.replace(false) && !self.rum.paused.get() && !self.shut_down.get() {
            resend_stash(&self.exporter);
            self.exporter.drain_offline();
        }
    }

    /// Sends batches the queue handed out; while the page hides or is hidden, as keepalive
    /// chunks instead (see [`send_hidden`](Self::send_hidden)).
    fn send_all(self: &Rc<Self>, batches: Vec<Vec<T>>, hiding: bool) {
        if batches.is_empty() {
            return;
        }
        if hiding || js::document_hidden() {
            // Chunks are not queue exports: give the queue its slots back at once.
            batches
                .iter()
                .for_each(|_| self.queue.borrow_mut().export_done());
            self.send_hidden(batches.into_iter().flatten().collect());
            return;
        }
        for batch in batches {
            let n = batch.len() as u64;
            let body = T::encode(&self.exporter, &batch);
            drop(batch);
            let me = self.clone();
            let _task = self.exporter.send_items(
                self.exporter.url(T::KIND).to_string(),
                body,
                T::KIND,
                n,
                move |d| {
                    me.exporter.count_delivery(T::KIND, d, n, false);
                    me.queue.borrow_mut().export_done();
                    // A slot is free: full batches that waited for one can go now.
                    if !me.shut_down.get() {
                        let more = me.queue.borrow_mut().take_full_batches();
                        me.send_all(more, false);
                    }
                },
            );
        }
    }

    /// The page may not run again: a request without `keepalive` would be cancelled, so the
    /// items go in chunks that fit the keepalive budget, and what does not fit is stashed in
    /// `localStorage` for the next `init` on this origin.
    fn send_hidden(&self, items: Vec<T>) {
        let ex = &self.exporter;
        let (room_bytes, room_slots) = ex.keepalive_room();
        // Offline, nothing can leave now: all of it to the (synchronous) stash.
        let (room_bytes, room_slots) = if ex.offline.is_some() && !offline::is_online() {
            (0, 0)
        } else {
            (room_bytes, room_slots)
        };
        let plan = chunk::plan(&items, room_bytes, room_slots, keepalive::MAX_BYTES, |s| {
            T::encode(ex, s)
        });
        drop(items);
        send_hidden_plan(ex, T::KIND, plan);
    }

    /// (queued, exports in flight, dropped)
    pub fn queue_state(&self) -> (usize, usize, u64) {
        let q = self.queue.borrow();
        (q.len(), q.in_flight(), q.dropped())
    }

    fn stop(&self) {
        self.shut_down.set(true);
        self.arm_timer();
        self.queue.borrow_mut().clear();
    }
}

#[cfg(feature = "metrics")]
fn encode_metrics(ex: &Exporter, metrics: &[MetricData]) -> Vec<u8> {
    #[cfg(feature = "otlp-json")]
    if ex.encoding == Encoding::Json {
        return json::encode_metrics(&ex.resource, metrics, js::js_f64).into_bytes();
    }
    proto::encode_metrics(&ex.resource, metrics)
}

/// The `SpanProcessor` the tracer provider calls.
struct WebProcessor(LocalOnly<Rc<SpanPipeline>>);

impl SpanProcessor for WebProcessor {
    fn on_end(&self, span: SpanData) {
        self.0.push(span);
    }
}

/// One running SDK: what `init` returns to JS.
pub struct Sdk {
    pub provider: SdkTracerProvider,
    pub spans: Rc<SpanPipeline>,
    #[cfg(feature = "logs")]
    pub logs: Rc<LogPipeline>,
    #[cfg(feature = "metrics")]
    pub metrics: Rc<RefCell<MetricsRegistry>>,
    pub exporter: Rc<Exporter>,
    pub clock: Rc<WebClock>,
    pub cors_patterns: Vec<UrlPattern>,
    /// Session, route, redaction and scrubbing for every signal.
    pub rum: Rc<RumContext>,
    #[cfg(feature = "metrics")]
    metrics_timer: RefCell<Option<Interval>>,
    page_hide: RefCell<Option<PageHideListener>>,
    /// The auto-instrumentations and the RUM features this SDK started (dropped: removed).
    instrumentations: RefCell<Option<crate::instrument::web::Installed>>,
    rum_signals: RefCell<Option<super::rum_signals::Installed>>,
    flush_on_page_hide: bool,
    shut_down: Cell<bool>,
}

impl Sdk {
    /// Starts paused when `cfg.require_consent` (see [`Sdk::resume`]). The RUM features and
    /// the auto-instrumentations are started apart (`start_rum`, `own_instrumentations`).
    pub fn start(
        cfg: Config,
        cors_patterns: Vec<UrlPattern>,
        scrub: Option<js_sys::Function>,
    ) -> Result<Rc<Sdk>, JsValue> {
        let paused = cfg.require_consent;
        let user_attrs = browser_resource_attributes()
            .into_iter()
            .chain(cfg.resource_attributes.iter().map(|(k, v)| {
                let v = match v {
                    RawAttr::Bool(b) => Value::Bool(*b),
                    RawAttr::Number(n) => crate::attributes::number_value(*n),
                    RawAttr::String(s) => Value::from(s.clone()),
                };
                KeyValue::new(k.clone(), v)
            }))
            .collect();
        let resource = Resource::new(
            &cfg.service_name,
            cfg.service_version.as_deref(),
            cfg.deployment_environment.as_deref(),
            user_attrs,
        );
        let exporter = Exporter::new(&cfg, resource)?;
        EXPORTERS.with(|e| {
            let mut e = e.borrow_mut();
            e.retain(|w| w.strong_count() > 0);
            e.push(Rc::downgrade(&exporter));
        });
        let rum = RumContext::new(
            cfg.session.clone(),
            cfg.redact_query_params.clone(),
            cfg.attribute_value_length_limit as usize,
            scrub,
        );
        rum.paused.set(paused);
        *rum.baggage_keys.borrow_mut() = cfg.baggage_keys.clone();
        let spans = SpanPipeline::new(exporter.clone(), rum.clone(), &cfg);
        // Earlier pages' stash and offline buffer go at the first tick, just after `init`.
        spans.catch_up.set(!paused);
        spans.arm_timer_in(CATCH_UP_MS);
        #[cfg(feature = "logs")]
        let logs = LogPipeline::new(exporter.clone(), rum.clone(), &cfg);
        let clock = Rc::new(WebClock::new());
        let provider = SdkTracerProvider::new(
            Box::new(WebProcessor(LocalOnly(spans.clone()))),
            Box::new(WebClock::new()),
            Box::new(WebRandom::with_pool(4096)),
            cfg.sampler.clone(),
            SpanLimits::default(),
        )
        .with_start_hook(Box::new(RumStartHook(LocalOnly(rum.clone()))));
        let sdk: Rc<Sdk> = Rc::new(Sdk {
            provider,
            spans,
            #[cfg(feature = "logs")]
            logs,
            #[cfg(feature = "metrics")]
            metrics: Rc::new(RefCell::new(MetricsRegistry::new(cfg.metrics_temporality))),
            exporter,
            clock,
            cors_patterns,
            rum,
            #[cfg(feature = "metrics")]
            metrics_timer: RefCell::new(None),
            page_hide: RefCell::new(None),
            instrumentations: RefCell::new(None),
            rum_signals: RefCell::new(None),
            flush_on_page_hide: cfg.flush_on_page_hide,
            shut_down: Cell::new(false),
        });
        #[cfg(feature = "metrics")]
        if cfg.metrics_interval_ms > 0 {
            let weak = Rc::downgrade(&sdk);
            *sdk.metrics_timer.borrow_mut() =
                Some(Interval::new(cfg.metrics_interval_ms as f64, move || {
                    if let Some(s) = weak.upgrade() {
                        s.export_metrics();
                    }
                }));
        }
        if cfg.flush_on_page_hide {
            sdk.listen_page_hide();
        }
        Ok(sdk)
    }

    /// Starts the RUM features (web vitals, errors, long tasks); vitals are reported at page
    /// hide, so the page-hide listener runs for them even without `flushOnPageHide`.
    pub fn start_rum(self: &Rc<Self>, opts: super::rum_signals::Options) {
        *self.rum_signals.borrow_mut() = super::rum_signals::install(self.clone(), opts);
        if opts.vitals {
            self.listen_page_hide();
        }
    }

    /// Keeps the installed auto-instrumentations (removed at shutdown).
    pub fn own_instrumentations(&self, installed: crate::instrument::web::Installed) {
        *self.instrumentations.borrow_mut() = Some(installed);
    }

    fn flush_instrumentations(&self, page_hidden: bool) {
        if let Some(i) = self.instrumentations.borrow().as_ref() {
            i.flush(page_hidden);
        }
    }

    /// An SPA route change (see `rum_signals::Installed::soft_navigation`).
    pub fn soft_navigation(&self) {
        if let Some(r) = self.rum_signals.borrow().as_ref() {
            r.soft_navigation();
        }
    }

    /// `stats().errorsDropped`.
    pub fn errors_dropped(&self) -> u64 {
        self.rum_signals
            .borrow()
            .as_ref()
            .map_or(0, |r| r.errors_dropped())
    }

    fn listen_page_hide(self: &Rc<Self>) {
        if self.page_hide.borrow().is_none() {
            let weak = Rc::downgrade(self);
            *self.page_hide.borrow_mut() = PageHideListener::new(move || {
                if let Some(s) = weak.upgrade() {
                    s.on_page_hide();
                }
            });
        }
    }

    /// The page is being hidden and may never run again: send everything now, ignoring the
    /// in-flight bound; small bodies go with `keepalive` so they outlive the page.
    pub fn on_page_hide(&self) {
        if self.shut_down.get() {
            return;
        }
        // Not sent now (no keepalive): earlier pages' stash stays in storage, with this one's.
        self.spans.catch_up.set(false);
        // The page view's vitals become log records and histogram points first.
        if let Some(r) = self.rum_signals.borrow().as_ref() {
            r.report_vitals();
        }
        if !self.flush_on_page_hide {
            return;
        }
        // Spans the instrumentations still hold (open interactions, requests
        // waiting for resource timing) join this last export.
        self.flush_instrumentations(true);
        // Bodies not sent yet go first, uncompressed (they are the older data).
        self.exporter.release_held();
        self.spans.export_ready(true);
        #[cfg(feature = "logs")]
        self.logs.export_ready(true);
        #[cfg(feature = "metrics")]
        self.export_metrics_at(true);
    }

    /// Stops recording for export and writing to storage (consent withdrawn); what is queued
    /// is dropped.
    pub fn pause(&self) {
        self.rum.paused.set(true);
        self.spans.queue.borrow_mut().clear();
        #[cfg(feature = "logs")]
        self.logs.queue.borrow_mut().clear();
    }

    /// Records and exports again; what earlier pages stashed or buffered is sent now.
    pub fn resume(&self) {
        if self.rum.paused.replace(false) {
            self.spans.catch_up.set(true);
            self.spans.catch_up();
        }
    }

    /// Collects and sends metrics; returns the export task, if there was anything to send.
    #[cfg(feature = "metrics")]
    pub fn export_metrics(&self) -> Option<Promise> {
        self.export_metrics_at(false)
    }

    /// `hiding`: uncompressed and started now (the page may not run again).
    #[cfg(feature = "metrics")]
    fn export_metrics_at(&self, hiding: bool) -> Option<Promise> {
        let now = self.clock.now_ns();
        let data = self.metrics.borrow_mut().collect(now);
        if data.is_empty() || self.rum.paused.get() {
            return None;
        }
        let body = encode_metrics(&self.exporter, &data);
        let ex = self.exporter.clone();
        let on_done = move |d| {
            let mut s = ex.stats().borrow_mut();
            s.metric_exports += 1;
            if d == Delivery::Failed {
                s.metric_export_failures += 1;
            }
        };
        let url = self.exporter.metrics_url.clone();
        Some(if hiding {
            self.exporter.send_now(url, body, on_done)
        } else {
            self.exporter.send(url, body, on_done)
        })
    }

    /// Exports everything queued and waits until every export of this SDK has settled.
    pub async fn force_flush(self: Rc<Self>) {
        self.spans.catch_up();
        self.flush_instrumentations(false);
        #[cfg(feature = "metrics")]
        self.export_metrics();
        loop {
            self.spans.export_ready(false);
            #[cfg(feature = "logs")]
            self.logs.export_ready(false);
            let pending = self.exporter.pending();
            if pending.is_empty() {
                if self.spans.queue.borrow().is_empty() && self.logs_empty() {
                    break;
                }
                // Queue non-empty but nothing in flight cannot last; yield once and retry.
                timers::sleep(0.0).await;
                continue;
            }
            let all = Promise::all(&pending.into_iter().collect::<js_sys::Array>());
            let _ = JsFuture::from(all).await;
        }
    }

    /// Flushes, then stops: no more spans recorded or exported, timers and listeners removed.
    pub async fn shutdown(self: Rc<Self>) {
        if self.shut_down.get() {
            return;
        }
        // The page's fetch, XHR and listeners are restored; the spans they held are flushed.
        self.instrumentations.take();
        self.clone().force_flush().await;
        self.shut_down.set(true);
        self.provider.shutdown();
        self.spans.stop();
        #[cfg(feature = "logs")]
        self.logs.stop();
        #[cfg(feature = "metrics")]
        self.metrics_timer.borrow_mut().take();
        self.page_hide.borrow_mut().take();
        self.rum_signals.take();
        if let Some(b) = &self.exporter.offline {
            b.stop();
        }
    }

    fn logs_empty(&self) -> bool {
        #[cfg(feature = "logs")]
        return self.logs.queue.borrow().is_empty();
        #[cfg(not(feature = "logs"))]
        true
    }

    /// Emits a log record (dropped after shutdown).
    #[cfg(feature = "logs")]
    pub fn emit_log(&self, record: LogRecord) {
        self.logs.push(record);
    }

    pub fn is_shut_down(&self) -> bool {
        self.shut_down.get()
    }
}

/// When what earlier pages stashed or buffered is sent: out of `init`, soon after it.
const CATCH_UP_MS: f64 = 100.0;

/// Sends what an earlier page of this origin stashed, each body to the endpoint and in the
/// encoding it was made for, and forgets the stash. Only to this page's own endpoints: the
/// stash is in `localStorage`, which other code of the origin can write, and the request
/// carries the configured headers (ingest keys).
/// Sends a page-hide plan's keepalive chunks and stashes the rest (not generic: one copy for
/// spans and log records).
fn send_hidden_plan(ex: &Rc<Exporter>, kind: SignalKind, plan: chunk::Plan) {
    let url = ex.url(kind);
    for c in plan.keepalive {
        let n = c.spans as u64;
        let me = ex.clone();
        let _task = ex.send_now(url.to_string(), c.body, move |d| {
            me.count_delivery(kind, d, n, false)
        });
    }
    if plan.rest.is_empty() {
        return;
    }
    let entries: Vec<Entry> = plan
        .rest
        .into_iter()
        .map(|c| Entry {
            url: url.to_string(),
            encoding: ex.encoding,
            spans: c.spans as u64,
            body: c.body,
        })
        .collect();
    let stashed: u64 = entries.iter().map(|e| e.spans).sum();
    let dropped = stash::save(entries);
    ex.count_stashed(kind, stashed, dropped);
}

#[inline(never)] // one copy, not one in each signal's `catch_up`
fn resend_stash(ex: &Rc<Exporter>) {
    for e in stash::take() {
        if !(e.url == ex.traces_url || e.url == ex.metrics_url || e.url == ex.logs_url) {
            continue;
        }
        let me = ex.clone();
        let n = e.spans;
        let kind = if e.url == ex.logs_url {
            SignalKind::Logs
        } else {
            SignalKind::Traces
        };
        let _task = ex.send_as(
            e.url,
            e.encoding,
            e.body,
            Box::new(move |d| me.count_delivery(kind, d, n, true)),
        );
    }
}

/// The OpenTelemetry browser resource attributes: `browser.brands`, `browser.platform` and
/// `browser.mobile` (User-Agent Client Hints, where the browser has them), `browser.language`
/// and `user_agent.original`. Configured resource attributes override them.
fn browser_resource_attributes() -> Vec<KeyValue> {
    use super::js::get;
    let nav = super::js::global_get("navigator");
    let mut out = Vec::new();
    let ua = get(&nav, "userAgentData");
    if ua.is_object() {
        let brands: Vec<crate::attributes::StringValue> = js_sys::Array::from(&get(&ua, "brands"))
            .iter()
            .filter_map(|b| {
                Some(
                    (get(&b, "brand").as_string()?
                        + " "
                        + &get(&b, "version").as_string().unwrap_or_default())
                        .into(),
                )
            })
            .collect();
        if !brands.is_empty() {
            out.push(KeyValue::new(
                "browser.brands",
                Value::Array(crate::attributes::Array::String(brands)),
            ));
        }
        if let Some(p) = get(&ua, "platform").as_string().filter(|p| !p.is_empty()) {
            out.push(KeyValue::new("browser.platform", p));
        }
        if let Some(m) = get(&ua, "mobile").as_bool() {
            out.push(KeyValue::new("browser.mobile", m));
        }
    }
    if let Some(l) = get(&nav, "language").as_string().filter(|l| !l.is_empty()) {
        out.push(KeyValue::new("browser.language", l));
    }
    if let Some(u) = get(&nav, "userAgent").as_string().filter(|u| !u.is_empty()) {
        out.push(KeyValue::new("user_agent.original", u));
    }
    out
}
