//! The `Sdk` class: flush, shutdown, app context, consent, stats, tracers and meters,
//! logs, and the context / propagation calls the TypeScript wrapper needs.

use std::rc::Rc;
#[cfg(any(feature = "metrics", feature = "logs"))]
use std::sync::Arc;

use js_sys::{Object, Promise};
use wasm_bindgen::prelude::*;

#[cfg(feature = "logs")]
use super::values::{attributes, js_number_string, time_ns};
use super::values::{changes, scope, span_context_from_js};
#[cfg(feature = "metrics")]
use super::Meter;
use super::Tracer;
use crate::propagation::headers_for_url;
#[cfg(feature = "logs")]
use crate::web::js::get;
use crate::web::js::{self, set};
use crate::web::Sdk as Running;

#[wasm_bindgen]
pub struct Sdk(Rc<Running>);

impl Sdk {
    pub(super) fn new(sdk: Rc<Running>) -> Sdk {
        Sdk(sdk)
    }
}

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
        crate::instrument::web::replay_recorded();
        self.0.rum.set_globals(changes(&attrs, ""));
    }

    /// `{ id, email?, name? }` → `user.id`, `user.email`, `user.name` on every later span and
    /// log record (`null` removes them).
    #[wasm_bindgen(js_name = setUser)]
    pub fn set_user(&self, user: JsValue) {
        crate::instrument::web::replay_recorded();
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
        crate::instrument::web::replay_recorded();
        self.0.pause();
    }

    pub fn resume(&self) {
        crate::instrument::web::replay_recorded();
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
        n("errorsDropped", self.0.errors_dropped());
        n("offlineBuffered", st.offline_buffered);
        n("offlineSent", st.offline_sent);
        n("offlineDropped", st.offline_dropped);
        n("queueLength", q.0 as u64);
        n("exportsInFlight", q.1 as u64);
        n("scrubHookErrors", self.0.rum.scrub_errors.get());
        o
    }

    pub fn tracer(&self, name: String, version: Option<String>) -> Tracer {
        Tracer::new(
            self.0.provider.tracer_with_scope(scope(name, version)),
            self.0.clone(),
        )
    }

    #[cfg(feature = "metrics")]
    pub fn meter(&self, name: String, version: Option<String>) -> Meter {
        Meter::new(self.0.clone(), Arc::new(scope(name, version)))
    }

    /// The auto-instrumentations' current span context (e.g. the click being handled) as
    /// [`SpanContext::to_text`](crate::trace::SpanContext::to_text), or undefined; the TS
    /// wrapper uses it as the parent when no JS span is active.
    #[wasm_bindgen(js_name = activeSpanContext)]
    pub fn active_span_context(&self) -> JsValue {
        crate::instrument::web::current_parent().map_or(JsValue::UNDEFINED, |p| {
            JsValue::from_str(&p.span_context(false).to_text())
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
