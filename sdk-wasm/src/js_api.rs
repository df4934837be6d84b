//! The wasm-bindgen surface (compiled for wasm32 only). Small on purpose: the TypeScript
//! package wraps it into @opentelemetry/api's `Tracer` and `Meter` interfaces.
//!
//! ```text
//! init(config) -> Sdk                       throws Error("invalid config: <field>: <reason>")
//!     config.instrumentations: true | {...}  auto-instrumentations (see instrument::web)
//! Sdk.forceFlush() -> Promise<void>         export everything, wait for in-flight exports
//! Sdk.shutdown() -> Promise<void>           flush, then stop (timers/listeners removed)
//! Sdk.stats() -> { spansEnded, spansExported, spansDropped, spansFailed, exportRequests,
//!                  exportRetries, exportFailures, metricExports, metricExportFailures,
//!                  spansStashed, spansResent, spansStashDropped, offlineBuffered, offlineSent,
//!                  offlineDropped, logsEmitted, logsExported, logsDropped, logsFailed,
//!                  logsStashed, logsResent, logsStashDropped, errorsDropped, queueLength,
//!                  exportsInFlight, scrubHookErrors }
//!     config.offline: true | { maxBytes?, maxAgeMs? }   offline buffer (IndexedDB), off by default
//! Sdk.tracer(name, version?) -> Tracer
//! Sdk.meter(name, version?) -> Meter
//! Sdk.isExporterUrl(url) -> boolean         true for our own OTLP endpoints
//! Sdk.emitLog(scopeName, scopeVersion?, { body?, severityNumber?, severityText?, eventName?,
//!             attributes?, timestamp? })     one OTLP log record (batched to /v1/logs)
//!     config.webVitals / errors / longTasks: truthy turns on web vitals, error logs, long tasks
//! Sdk.activeSpanContext() -> spanContext?   the auto-instrumentations' current context
//! Sdk.enterContext(spanContext) -> token / Sdk.exitContext(token)   make it current for a while
//! Sdk.propagationHeaders(url, spanContext) -> { traceparent?, tracestate? }  (CORS rule applied)
//! Tracer.startSpan(name, { kind?, attributes?, links?, startTime?, parent? }?) -> Span
//! Span.setAttribute(key, value) / setAttributes(obj) / addEvent(name, attrs?, time?)
//!     / addLink(spanContext, attrs?) / setStatus(code, message?) / updateName(name)
//!     / end(time?) / isRecording() / recordException(exception, time?) / spanContext()
//! Meter.createCounter / createUpDownCounter / createHistogram / createGauge
//!     (name, { description?, unit?, valueType?, advice?: { explicitBucketBoundaries? } }?)
//!     -> Instrument with add(value, attrs?) and record(value, attrs?)
//! ```
//! Values follow @opentelemetry/api: `kind` is SpanKind (0 internal, 1 server, 2 client,
//! 3 producer, 4 consumer); status `code` 0 unset, 1 ok, 2 error; `valueType` 0 int, 1 double;
//! times are epoch ms, `performance.now()`-relative ms (below `timeOrigin`), `[s, ns]` or
//! `Date`; a span context is `{ traceId, spanId, traceFlags, isRemote?, traceState? }`.

use std::rc::Rc;
#[cfg(any(feature = "metrics", feature = "logs"))]
use std::sync::Arc;

use js_sys::{Array, Object, Promise};
use opentelemetry::trace::{
    Link, Span as _, SpanContext, SpanId, SpanKind, Status, TraceFlags, TraceId,
};
use opentelemetry::{InstrumentationScope, KeyValue};
use wasm_bindgen::prelude::*;

use crate::config::{ConfigError, RawAttr, RawConfig, RawSession};
#[cfg(feature = "metrics")]
use crate::metrics::{InstrumentDescriptor, InstrumentId, InstrumentKind};
use crate::propagation::traceparent::hex_into;
use crate::propagation::{headers_for_url, tracestate};
use crate::trace::{SdkSpan, SdkTracer, SpanOptions};
use crate::web::clock::ms_to_ns;
use crate::web::js::{self, get, set};
use crate::web::rum::attribute_value;
use crate::web::Sdk as Running;

/// Starts the SDK. See the module docs for the config fields.
#[wasm_bindgen]
pub fn init(config: JsValue) -> Result<Sdk, JsError> {
    let fail = |e: ConfigError| JsError::new(&e.message());
    let cfg = raw_config(&config)
        .map_err(fail)?
        .validate(&js::document_url())
        .map_err(fail)?;
    let patterns =
        crate::instrument::web::config::patterns(&get(&config, "propagateTraceHeaderCorsUrls"));
    let scrub = get(&config, "scrubAttributes")
        .dyn_into::<js_sys::Function>()
        .ok();
    let instrumentations = instrumentations_config(&config);
    let baggage_keys = strings(&config, "baggageKeys").unwrap_or_default();
    let sdk = Running::start(
        cfg,
        patterns,
        scrub,
        get(&config, "requireConsent").is_truthy(),
    )
    .map_err(|e| JsError::new(&e.as_string().unwrap_or_default()))?;
    *sdk.rum.baggage_keys.borrow_mut() = baggage_keys;
    if let Some(v) = instrumentations {
        let backend = Box::new(crate::instrument::web::CoreBackend::new(sdk.clone()));
        crate::instrument::web::install(&v, backend).map_err(|e| JsError::new(&e))?;
    }
    // Truthy turns a feature on; the npm wrapper passes `true` unless configured `false`.
    let on = |k: &str| get(&config, k).is_truthy();
    sdk.start_rum(crate::web::rum_signals::Options {
        vitals: on("webVitals"),
        errors: on("errors"),
        long_tasks: on("longTasks"),
        console: on("captureConsole"),
    });
    Ok(Sdk(sdk))
}

/// `instrumentations: true | { ... }` turns on the auto-instrumentations (document load,
/// fetch, XHR, user interactions; see `instrument::web`); they are installed after the
/// exporter captured the page's original `fetch`. `None` when off, and where they cannot run
/// (no `window.performance`, e.g. Node).
fn instrumentations_config(config: &JsValue) -> Option<JsValue> {
    let v = get(config, "instrumentations");
    (v.is_truthy()
        && !js::global_get("performance").is_undefined()
        && !js::global_get("document").is_undefined())
    .then_some(v)
}

/// A present field: not undefined or null.
fn field(v: &JsValue, k: &str) -> Option<JsValue> {
    Some(get(v, k)).filter(|x| !x.is_undefined() && !x.is_null())
}

fn string(v: &JsValue, k: &str) -> Option<String> {
    get(v, k).as_string()
}

fn number(v: &JsValue, k: &str) -> Option<f64> {
    get(v, k).as_f64()
}

/// A plain object's entries whose value `f` accepts.
fn entries<T>(v: &JsValue, k: &str, f: fn(JsValue) -> Option<T>) -> Vec<(String, T)> {
    let x = get(v, k);
    if !x.is_object() {
        return Vec::new();
    }
    Object::entries(x.unchecked_ref())
        .iter()
        .filter_map(|e| {
            let e = Array::from(&e);
            Some((e.get(0).as_string()?, f(e.get(1))?))
        })
        .collect()
}

/// The strings of an array field; `None` when it is not an array.
fn strings(v: &JsValue, k: &str) -> Option<Vec<String>> {
    let x = get(v, k);
    Array::is_array(&x).then(|| {
        Array::from(&x)
            .iter()
            .filter_map(|s| s.as_string())
            .collect()
    })
}

/// Reads the config object once. The npm wrapper has checked every field's type (its
/// `toCoreConfig`), so a value of the wrong type reads as absent; the values' meaning (URLs,
/// ranges, names) is checked by `RawConfig::validate`.
fn raw_config(v: &JsValue) -> Result<RawConfig, ConfigError> {
    if !v.is_object() {
        return Err(ConfigError::new("config", "must be an object"));
    }
    let session = field(v, "session").map(|x| RawSession {
        enabled: x.is_truthy(),
        storage: string(&x, "storage"),
        inactivity_timeout_ms: number(&x, "inactivityTimeoutMs"),
        max_duration_ms: number(&x, "maxDurationMs"),
    });
    // offline: false/absent (off) | true | { maxBytes?, maxAgeMs? }
    let offline = field(v, "offline").unwrap_or(JsValue::FALSE);
    Ok(RawConfig {
        service_name: string(v, "serviceName"),
        service_version: string(v, "serviceVersion"),
        deployment_environment: string(v, "deploymentEnvironment"),
        resource_attributes: Some(entries(v, "resourceAttributes", |x| {
            if let Some(s) = x.as_string() {
                Some(RawAttr::String(s))
            } else if let Some(n) = x.as_f64() {
                Some(RawAttr::Number(n))
            } else {
                x.as_bool().map(RawAttr::Bool)
            }
        })),
        endpoint: string(v, "endpoint"),
        traces_endpoint: string(v, "tracesEndpoint"),
        metrics_endpoint: string(v, "metricsEndpoint"),
        logs_endpoint: string(v, "logsEndpoint"),
        encoding: string(v, "encoding"),
        compression: string(v, "compression"),
        headers: Some(entries(v, "headers", |x| x.as_string())),
        timeout_ms: number(v, "timeoutMs"),
        max_queue_size: number(v, "maxQueueSize"),
        max_export_batch_size: number(v, "maxExportBatchSize"),
        scheduled_delay_ms: number(v, "scheduledDelayMs"),
        export_timeout_ms: number(v, "exportTimeoutMs"),
        max_concurrent_exports: number(v, "maxConcurrentExports"),
        sampler: string(v, "sampler"),
        sampler_ratio: number(v, "samplerRatio"),
        metrics_interval_ms: number(v, "metricsIntervalMs"),
        metrics_temporality: string(v, "metricsTemporality"),
        flush_on_page_hide: get(v, "flushOnPageHide").as_bool(),
        max_retries: number(v, "maxRetries"),
        session,
        redact_query_params: strings(v, "redactQueryParams"),
        attribute_value_length_limit: number(v, "attributeValueLengthLimit"),
        offline: Some(offline.is_truthy()),
        offline_max_bytes: number(&offline, "maxBytes"),
        offline_max_age_ms: number(&offline, "maxAgeMs"),
    })
}

#[wasm_bindgen]
pub struct Sdk(Rc<Running>);

#[wasm_bindgen]
impl Sdk {
    #[wasm_bindgen(js_name = forceFlush)]
    pub fn force_flush(&self) -> Promise {
        let s = self.0.clone();
        crate::web::timers::promise(Box::pin(s.force_flush()))
    }

    pub fn shutdown(&self) -> Promise {
        let s = self.0.clone();
        crate::web::timers::promise(Box::pin(s.shutdown()))
    }

    /// Sets attributes on every later span and log record; a `null`/`undefined` value
    /// removes that key.
    #[wasm_bindgen(js_name = setAttributes)]
    pub fn set_attributes(&self, attrs: JsValue) {
        self.0.rum.set_globals(changes(&attrs, ""));
    }

    /// `{ id, email?, name? }` → `user.id`, `user.email`, `user.name` on every later span and
    /// log record (`null` removes them).
    #[wasm_bindgen(js_name = setUser)]
    pub fn set_user(&self, user: JsValue) {
        let mut c = changes(&user, "user.");
        c.retain(|(k, _)| k == "user.id" || k == "user.email" || k == "user.name");
        for k in ["user.id", "user.email", "user.name"] {
            if !c.iter().any(|(x, _)| x == k) {
                c.push((k.to_string(), None));
            }
        }
        self.0.rum.set_globals(c);
    }

    /// Nothing is recorded for export, nor written to storage, until `resume()`.
    pub fn pause(&self) {
        self.0.pause();
    }

    pub fn resume(&self) {
        self.0.resume();
    }

    pub fn stats(&self) -> Object {
        let st = self.0.exporter.stats().borrow().clone();
        let q = self.0.spans.queue_state();
        #[cfg(feature = "logs")]
        let lq = self.0.logs.queue_state();
        #[cfg(not(feature = "logs"))]
        let lq = (0, 0, 0);
        let o = Object::new();
        let n = |k: &str, v: u64| set(&o, k, &JsValue::from_f64(v as f64));
        n("spansEnded", st.spans_ended);
        n("spansExported", st.spans_exported);
        n("spansDropped", q.2);
        n("spansFailed", st.spans_failed);
        n("exportRequests", st.export_requests);
        n("exportRetries", st.export_retries);
        n("exportFailures", st.export_failures);
        n("metricExports", st.metric_exports);
        n("metricExportFailures", st.metric_export_failures);
        n("spansStashed", st.spans_stashed);
        n("spansResent", st.spans_resent);
        n("spansStashDropped", st.spans_stash_dropped);
        n("logsEmitted", st.logs_emitted);
        n("logsExported", st.logs_exported);
        n("logsDropped", lq.2);
        n("logsFailed", st.logs_failed);
        n("logsStashed", st.logs_stashed);
        n("logsResent", st.logs_resent);
        n("logsStashDropped", st.logs_stash_dropped);
        n("errorsDropped", crate::web::rum_signals::errors_dropped());
        n("offlineBuffered", st.offline_buffered);
        n("offlineSent", st.offline_sent);
        n("offlineDropped", st.offline_dropped);
        n("queueLength", q.0 as u64);
        n("exportsInFlight", q.1 as u64);
        n("scrubHookErrors", self.0.rum.scrub_errors.get());
        o
    }

    pub fn tracer(&self, name: String, version: Option<String>) -> Tracer {
        use opentelemetry::trace::TracerProvider as _;
        Tracer(
            self.0.provider.tracer_with_scope(scope(name, version)),
            self.0.clone(),
        )
    }

    #[cfg(feature = "metrics")]
    pub fn meter(&self, name: String, version: Option<String>) -> Meter {
        Meter {
            sdk: self.0.clone(),
            scope: Arc::new(scope(name, version)),
        }
    }

    /// The auto-instrumentations' current span context (e.g. the click being handled), or
    /// undefined; the TS wrapper uses it as the parent when no JS span is active.
    #[wasm_bindgen(js_name = activeSpanContext)]
    pub fn active_span_context(&self) -> JsValue {
        crate::instrument::web::current_parent().map_or(JsValue::UNDEFINED, |p| {
            span_context_to_js(&p.span_context(false)).into()
        })
    }

    /// Makes `spanContext` the auto-instrumentations' current context while JS code runs in
    /// it (requests it starts become its children); returns a token for `exitContext`.
    #[wasm_bindgen(js_name = enterContext)]
    pub fn enter_context(&self, span_context: JsValue) -> u32 {
        match span_context_from_js(&span_context) {
            Some(cx) => crate::instrument::web::enter_parent(
                crate::instrument::span::Parent::from_span_context(&cx),
            ),
            None => crate::instrument::web::current_context(),
        }
    }

    #[wasm_bindgen(js_name = exitContext)]
    pub fn exit_context(&self, token: u32) {
        crate::instrument::web::restore_context(token);
    }

    /// Emits one log record: `{ body?, severityNumber?, severityText?, eventName?,
    /// attributes?, timestamp? }` (scope `name`/`version`), with the active span's context.
    #[cfg(feature = "logs")]
    #[wasm_bindgen(js_name = emitLog)]
    pub fn emit_log(&self, name: String, version: Option<String>, record: JsValue) {
        let now = self.0.provider.now_ns();
        let severity = get(&record, "severityNumber")
            .as_f64()
            .unwrap_or(0.0)
            .clamp(0.0, 24.0) as u8;
        let body = get(&record, "body");
        let body = body
            .as_string()
            .or_else(|| body.as_f64().map(js_number_string))
            .unwrap_or_default();
        let event = get(&record, "eventName").as_string().unwrap_or_default();
        let mut log = crate::logs::LogRecord::event(
            Arc::new(scope(name, version)),
            &event,
            severity,
            body,
            time_ns(&self.0, &get(&record, "timestamp")).unwrap_or(now),
        );
        log.observed_ns = now;
        if event.is_empty() {
            log.attributes.clear();
        }
        if let Some(t) = get(&record, "severityText").as_string() {
            log.severity_text = t;
        }
        log.attributes
            .extend(attributes(&get(&record, "attributes")));
        log.trace = crate::instrument::web::current_parent()
            .map(|p| (p.trace_id, p.span_id, p.sampled as u8));
        self.0.emit_log(log);
    }

    #[wasm_bindgen(js_name = isExporterUrl)]
    pub fn is_exporter_url(&self, url: &str) -> bool {
        self.0.exporter.is_own_url(url)
    }

    /// Header name → value for a request to `url` made within `spanContext`; empty when the
    /// CORS rule says no.
    #[wasm_bindgen(js_name = propagationHeaders)]
    pub fn propagation_headers(&self, url: &str, span_context: JsValue) -> Object {
        let o = Object::new();
        if let Some(cx) = span_context_from_js(&span_context) {
            for (k, v) in
                headers_for_url(url, &js::document_url(), &self.0.cors_patterns, &cx, None)
            {
                set(&o, k, &JsValue::from_str(&v));
            }
        }
        o
    }
}

fn scope(name: String, version: Option<String>) -> InstrumentationScope {
    let b = InstrumentationScope::builder(name);
    match version {
        Some(v) => b.with_version(v).build(),
        None => b.build(),
    }
}

#[wasm_bindgen]
pub struct Tracer(SdkTracer, Rc<Running>);

#[wasm_bindgen]
impl Tracer {
    #[wasm_bindgen(js_name = startSpan)]
    pub fn start_span(&self, name: String, options: JsValue) -> Span {
        let mut o = SpanOptions::new(name);
        o.kind = match get(&options, "kind").as_f64().map(|k| k as u32) {
            Some(1) => SpanKind::Server,
            Some(2) => SpanKind::Client,
            Some(3) => SpanKind::Producer,
            Some(4) => SpanKind::Consumer,
            _ => SpanKind::Internal,
        };
        o.attributes = attributes(&get(&options, "attributes"));
        o.start_ns = time_ns(&self.1, &get(&options, "startTime"));
        o.parent = span_context_from_js(&get(&options, "parent"));
        let links = get(&options, "links");
        if Array::is_array(&links) {
            o.links = Array::from(&links)
                .iter()
                .filter_map(|l| {
                    Some(Link::new(
                        span_context_from_js(&get(&l, "context"))?,
                        attributes(&get(&l, "attributes")),
                        0,
                    ))
                })
                .collect();
        }
        Span {
            span: self.0.start_span(o),
            sdk: self.1.clone(),
        }
    }
}

#[wasm_bindgen]
pub struct Span {
    span: SdkSpan,
    sdk: Rc<Running>,
}

#[wasm_bindgen]
impl Span {
    #[wasm_bindgen(js_name = setAttribute)]
    pub fn set_attribute(&mut self, key: String, value: JsValue) {
        if let Some(v) = attribute_value(&value) {
            self.span.set_attribute(KeyValue::new(key, v));
        }
    }

    #[wasm_bindgen(js_name = setAttributes)]
    pub fn set_attributes(&mut self, attrs: JsValue) {
        for kv in attributes(&attrs) {
            self.span.set_attribute(kv);
        }
    }

    #[wasm_bindgen(js_name = addEvent)]
    pub fn add_event(&mut self, name: String, attrs: JsValue, time: JsValue) {
        let t = time_ns(&self.sdk, &time).unwrap_or_else(|| self.sdk.provider.now_ns());
        self.span.add_event_at(name, t, attributes(&attrs));
    }

    #[wasm_bindgen(js_name = addLink)]
    pub fn add_link(&mut self, span_context: JsValue, attrs: JsValue) {
        if let Some(cx) = span_context_from_js(&span_context) {
            self.span.add_link(cx, attributes(&attrs));
        }
    }

    #[wasm_bindgen(js_name = setStatus)]
    pub fn set_status(&mut self, code: u32, message: Option<String>) {
        self.span.set_status(match code {
            1 => Status::Ok,
            2 => Status::error(message.unwrap_or_default()),
            _ => Status::Unset,
        });
    }

    #[wasm_bindgen(js_name = updateName)]
    pub fn update_name(&mut self, name: String) {
        self.span.update_name(name);
    }

    pub fn end(&mut self, time: JsValue) {
        let t = time_ns(&self.sdk, &time).unwrap_or_else(|| self.sdk.provider.now_ns());
        self.span.end_at(t);
    }

    #[wasm_bindgen(js_name = isRecording)]
    pub fn is_recording(&self) -> bool {
        self.span.is_recording()
    }

    /// `exception` is a string or an Error-like `{ name, message, stack, code }`.
    #[wasm_bindgen(js_name = recordException)]
    pub fn record_exception(&mut self, exception: JsValue, time: JsValue) {
        let t = time_ns(&self.sdk, &time).unwrap_or_else(|| self.sdk.provider.now_ns());
        let (ty, msg, stack) = match exception.as_string() {
            Some(s) => (None, Some(s), None),
            None => {
                let code = get(&exception, "code");
                let ty = get(&exception, "name")
                    .as_string()
                    .or_else(|| code.as_string())
                    .or_else(|| code.as_f64().map(js_number_string));
                (
                    ty,
                    get(&exception, "message").as_string(),
                    get(&exception, "stack").as_string(),
                )
            }
        };
        self.span.record_exception_at(ty, msg, stack, t);
    }

    #[wasm_bindgen(js_name = spanContext)]
    pub fn span_context(&self) -> Object {
        span_context_to_js(self.span.span_context())
    }
}

impl Drop for Span {
    /// A JS span collected without `end()` is not exported (as in OpenTelemetry JS).
    fn drop(&mut self) {
        self.span.discard();
    }
}

fn js_number_string(n: f64) -> String {
    let mut s = String::new();
    js::js_f64(n, &mut s);
    s
}

#[cfg(feature = "metrics")]
#[wasm_bindgen]
pub struct Meter {
    sdk: Rc<Running>,
    scope: Arc<InstrumentationScope>,
}

#[cfg(feature = "metrics")]
#[wasm_bindgen]
impl Meter {
    #[wasm_bindgen(js_name = createCounter)]
    pub fn create_counter(&self, name: String, options: JsValue) -> Instrument {
        self.create(name, InstrumentKind::Counter, &options)
    }
    #[wasm_bindgen(js_name = createUpDownCounter)]
    pub fn create_up_down_counter(&self, name: String, options: JsValue) -> Instrument {
        self.create(name, InstrumentKind::UpDownCounter, &options)
    }
    #[wasm_bindgen(js_name = createHistogram)]
    pub fn create_histogram(&self, name: String, options: JsValue) -> Instrument {
        self.create(name, InstrumentKind::Histogram, &options)
    }
    #[wasm_bindgen(js_name = createGauge)]
    pub fn create_gauge(&self, name: String, options: JsValue) -> Instrument {
        self.create(name, InstrumentKind::Gauge, &options)
    }
}

#[cfg(feature = "metrics")]
impl Meter {
    fn create(&self, name: String, kind: InstrumentKind, options: &JsValue) -> Instrument {
        let mut d = InstrumentDescriptor::new(name, kind, self.scope.clone());
        d.description = get(options, "description")
            .as_string()
            .unwrap_or_default()
            .into();
        d.unit = get(options, "unit").as_string().unwrap_or_default().into();
        d.integer = get(options, "valueType").as_f64() == Some(0.0);
        let bounds = get(&get(options, "advice"), "explicitBucketBoundaries");
        if Array::is_array(&bounds) {
            d.boundaries = Array::from(&bounds)
                .iter()
                .filter_map(|b| b.as_f64())
                .collect();
        }
        let id = self.sdk.metrics.borrow_mut().register(d);
        Instrument {
            sdk: self.sdk.clone(),
            id,
        }
    }
}

#[cfg(feature = "metrics")]
#[wasm_bindgen]
pub struct Instrument {
    sdk: Rc<Running>,
    id: InstrumentId,
}

#[cfg(feature = "metrics")]
#[wasm_bindgen]
impl Instrument {
    /// Counter and up-down counter increment.
    pub fn add(&self, value: f64, attrs: JsValue) {
        self.record(value, attrs);
    }

    /// Histogram observation or gauge value.
    pub fn record(&self, value: f64, attrs: JsValue) {
        if self.sdk.is_shut_down() {
            return;
        }
        let now = self.sdk.provider.now_ns();
        let attrs = self.sdk.rum.metric_attributes(attributes(&attrs));
        self.sdk
            .metrics
            .borrow_mut()
            .record(self.id, value, attrs, now);
    }
}

/// A plain JS object's entries as `prefix`+key → value (`None`: null, undefined or not an
/// attribute value: removes the key).
fn changes(obj: &JsValue, prefix: &str) -> Vec<(String, Option<opentelemetry::Value>)> {
    if !obj.is_object() || Array::is_array(obj) {
        return Vec::new();
    }
    Object::entries(obj.unchecked_ref())
        .iter()
        .filter_map(|e| {
            let e = Array::from(&e);
            Some((
                prefix.to_string() + &e.get(0).as_string()?,
                attribute_value(&e.get(1)),
            ))
        })
        .collect()
}

/// A plain JS object of attributes.
fn attributes(obj: &JsValue) -> Vec<KeyValue> {
    if !obj.is_object() || Array::is_array(obj) {
        return Vec::new();
    }
    Object::entries(obj.unchecked_ref())
        .iter()
        .filter_map(|e| {
            let e = Array::from(&e);
            Some(KeyValue::new(
                e.get(0).as_string()?,
                attribute_value(&e.get(1))?,
            ))
        })
        .collect()
}

/// An @opentelemetry/api `TimeInput` in epoch ns; `None` for undefined or invalid.
fn time_ns(sdk: &Running, t: &JsValue) -> Option<u64> {
    if let Some(ms) = t.as_f64() {
        // Like OpenTelemetry JS: numbers below timeOrigin are performance.now() readings.
        let origin = sdk.clock.origin_ms();
        return Some(if ms < origin {
            sdk.clock.perf_ms_to_ns(ms)
        } else {
            ms_to_ns(ms)
        });
    }
    if Array::is_array(t) {
        let a = Array::from(t);
        let (s, ns) = (a.get(0).as_f64()?, a.get(1).as_f64()?);
        return Some((s as u64) * 1_000_000_000 + ns as u64);
    }
    if let Some(d) = t.dyn_ref::<js_sys::Date>() {
        let ms = d.get_time();
        return ms.is_finite().then(|| ms_to_ns(ms));
    }
    None
}

fn span_context_from_js(v: &JsValue) -> Option<SpanContext> {
    let (mut tid, mut sid) = ([0u8; 16], [0u8; 8]);
    hex_into(&get(v, "traceId").as_string()?, &mut tid)?;
    hex_into(&get(v, "spanId").as_string()?, &mut sid)?;
    let (tid, sid) = (TraceId::from_bytes(tid), SpanId::from_bytes(sid));
    let flags = TraceFlags::new(get(v, "traceFlags").as_f64().unwrap_or(0.0) as u8 & 1);
    let remote = get(v, "isRemote").as_bool().unwrap_or(false);
    let ts = get(v, "traceState");
    let ts_text = ts.as_string().or_else(|| {
        // An @opentelemetry/api TraceState object serializes itself.
        let f: js_sys::Function = get(&ts, "serialize").dyn_into().ok()?;
        f.call0(&ts).ok()?.as_string()
    });
    let trace_state = ts_text
        .and_then(|t| tracestate::parse(&t))
        .unwrap_or_default();
    let cx = SpanContext::new(tid, sid, flags, remote, trace_state);
    cx.is_valid().then_some(cx)
}

fn span_context_to_js(cx: &SpanContext) -> Object {
    let o = Object::new();
    let mut hex = String::new();
    crate::propagation::traceparent::push_hex(&mut hex, &cx.trace_id().to_bytes());
    set(&o, "traceId", &JsValue::from_str(&hex));
    hex.clear();
    crate::propagation::traceparent::push_hex(&mut hex, &cx.span_id().to_bytes());
    set(&o, "spanId", &JsValue::from_str(&hex));
    set(
        &o,
        "traceFlags",
        &JsValue::from_f64(cx.trace_flags().to_u8() as f64),
    );
    set(&o, "isRemote", &JsValue::from_bool(cx.is_remote()));
    let ts = tracestate::format(cx.trace_state());
    if !ts.is_empty() {
        set(&o, "traceState", &JsValue::from_str(&ts));
    }
    o
}
