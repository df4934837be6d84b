//! The wasm-bindgen surface (compiled for wasm32 only). Small on purpose: the TypeScript
//! package wraps it into @opentelemetry/api's `Tracer` and `Meter` interfaces.
//!
//! ```text
//! init(config) -> Sdk                       throws Error("invalid config: <field>: <reason>")
//!     config: the npm package's TelemetryConfig (npm/src/config.ts; defaults in crate::config)
//! Sdk.forceFlush() -> Promise<void>         export everything, wait for in-flight exports
//! Sdk.shutdown() -> Promise<void>           flush, then stop (timers/listeners removed, what the
//!                                           instrumentations patched restored)
//! Sdk.stats() -> { spansEnded, spansExported, spansDropped, spansFailed, exportRequests,
//!                  exportRetries, exportFailures, metricExports, metricExportFailures,
//!                  spansStashed, spansResent, spansStashDropped, offlineBuffered, offlineSent,
//!                  offlineDropped, logsEmitted, logsExported, logsDropped, logsFailed,
//!                  logsStashed, logsResent, logsStashDropped, errorsDropped, queueLength,
//!                  exportsInFlight, scrubHookErrors }
//! Sdk.tracer(name, version?) -> Tracer
//! Sdk.meter(name, version?) -> Meter
//! Sdk.isExporterUrl(url) -> boolean         true for our own OTLP endpoints
//! Sdk.emitLog(scopeName, scopeVersion?, { body?, severityNumber?, severityText?, eventName?,
//!             attributes?, timestamp? })     one OTLP log record (batched to /v1/logs)
//! Sdk.activeSpanContext() -> text?          the auto-instrumentations' current context
//! Sdk.enterContext(spanContext) -> token / Sdk.exitContext(token)   make it current for a while
//! Sdk.propagationHeaders(url, spanContext) -> { traceparent?, tracestate? }  (CORS rule applied)
//! Tracer.startSpan(name, { kind?, attributes?, links?, startTime?, parent? }?) -> Span
//! Span.setAttribute(key, value) / setAttributes(obj) / addEvent(name, attrs?, time?)
//!     / addLink(spanContext, attrs?) / setStatus(code, message?) / updateName(name)
//!     / end(time?) -> text (frees the span) / isRecording() / recordException(exception, time?)
//!     / spanContext() -> text
//! Meter.createCounter / createUpDownCounter / createHistogram / createGauge
//!     (name, { description?, unit?, valueType?, advice?: { explicitBucketBoundaries? } }?)
//!     -> Instrument with add(value, attrs?) and record(value, attrs?)
//! ```
//! Values follow @opentelemetry/api: `kind` is SpanKind (0 internal, 1 server, 2 client,
//! 3 producer, 4 consumer); status `code` 0 unset, 1 ok, 2 error; `valueType` 0 int, 1 double;
//! times are epoch ms, `performance.now()`-relative ms (below `timeOrigin`), `[s, ns]` or
//! `Date`; a span context (`spanContext` above, `parent`, a link's `context`) is text, in and
//! out (`SpanContext::to_text`: trace id and span id in hex, the flags as two hex digits, `1`
//! if remote else `0`, then the trace state).
//!
//! One file per surface: `sdk` (the `Sdk` class), `trace` (`Tracer`, `Span`), `metrics`
//! (`Meter`, `Instrument`); `config` reads the config object, `values` converts JS values
//! (attributes, times, span contexts).

mod config;
#[cfg(feature = "metrics")]
mod metrics;
mod sdk;
mod trace;
mod values;

use wasm_bindgen::prelude::*;

use crate::config::ConfigError;
use crate::web::js::{self, get};
use crate::web::Sdk as Running;

#[cfg(feature = "metrics")]
pub use metrics::{Instrument, Meter};
pub use sdk::Sdk;
pub use trace::{Span, Tracer};

/// Starts the SDK. `config` is the npm package's `TelemetryConfig` (npm/src/config.ts), whose
/// defaults `RawConfig::validate` applies. `fast_path`: the npm package's `fastPath`
/// (`instrument/web/fast.js`), or undefined.
#[wasm_bindgen]
pub fn init(config: JsValue, fast_path: JsValue) -> Result<Sdk, JsError> {
    let fail = |e: ConfigError| JsError::new(&e.message());
    let cfg = config::raw_config(&config)
        .map_err(fail)?
        .validate(&js::document_url())
        .map_err(fail)?;
    let patterns =
        crate::instrument::web::config::patterns(&get(&config, "propagateTraceHeaderCorsUrls"));
    let scrub = get(&config, "scrubAttributes")
        .dyn_into::<js_sys::Function>()
        .ok();
    let rum = crate::web::rum_signals::Options {
        vitals: cfg.web_vitals,
        errors: cfg.errors,
        long_tasks: cfg.long_tasks,
        console: cfg.capture_console,
    };
    let sdk = Running::start(cfg, patterns, scrub)
        .map_err(|e| JsError::new(&e.as_string().unwrap_or_default()))?;
    if let Some(v) = instrumentations_config(&config) {
        let backend = Box::new(crate::instrument::web::CoreBackend::new(sdk.clone()));
        let installed =
            crate::instrument::web::install(&v, &get(&config, "ignoreUrls"), backend, &fast_path)
                .map_err(|e| JsError::new(&e))?;
        sdk.own_instrumentations(installed);
    }
    sdk.start_rum(rum);
    Ok(Sdk::new(sdk))
}

/// `instrumentations`: each on unless its entry is `false` (absent: all on; `false`: all
/// off; see `instrument::web`); they are installed after the exporter captured the page's
/// original `fetch`. `None` when off, and where they cannot run (no `window.performance`,
/// e.g. Node).
fn instrumentations_config(config: &JsValue) -> Option<JsValue> {
    let v = get(config, "instrumentations");
    (v.as_bool() != Some(false)
        && !js::global_get("performance").is_undefined()
        && !js::global_get("document").is_undefined())
    .then_some(v)
}
