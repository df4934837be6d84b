//! Reads the JS config object (the npm package's `TelemetryConfig`) into [`RawConfig`], once.
//! A field of the wrong type is an error naming its path; absent (undefined or null) is its
//! default. Each reader takes the field's path (`"batch.maxQueueSize"`) and reads its last
//! segment from the object given, so errors name the path without building strings.

use std::cell::RefCell;

use js_sys::{Array, Object};
use wasm_bindgen::prelude::*;

use crate::config::{
    ConfigError, RawAttr, RawBatch, RawConfig, RawOffline, RawSampler, RawSession, Toggle,
};
use crate::web::js::get;

/// Reads fields, keeping the first type error: the reads return `None` after it, and
/// [`raw_config`] returns it at the end (no early return from inside the struct literal,
/// whose partly built fields would each need their own drop path: ~10 KB of wasm).
#[derive(Default)]
struct Reader(RefCell<Option<ConfigError>>);

impl Reader {
    fn fail<T>(&self, path: &'static str, reason: &str) -> Option<T> {
        let mut e = self.0.borrow_mut();
        if e.is_none() {
            *e = Some(ConfigError::new(path, reason));
        }
        None
    }

    /// A present field if `ok` accepts it, else the error `reason` (one function for every
    /// type: the error path is compiled once).
    #[inline(never)]
    fn typed(
        &self,
        v: &JsValue,
        path: &'static str,
        reason: &str,
        ok: fn(&JsValue) -> bool,
    ) -> Option<JsValue> {
        let x = field(v, path)?;
        if ok(&x) {
            Some(x)
        } else {
            self.fail(path, reason)
        }
    }

    fn string(&self, v: &JsValue, path: &'static str) -> Option<String> {
        self.typed(v, path, "must be a string", JsValue::is_string)?
            .as_string()
    }

    fn number(&self, v: &JsValue, path: &'static str) -> Option<f64> {
        self.typed(v, path, "must be a number", |x| x.as_f64().is_some())?
            .as_f64()
    }

    fn boolean(&self, v: &JsValue, path: &'static str) -> Option<bool> {
        self.typed(v, path, "must be a boolean", |x| x.as_bool().is_some())?
            .as_bool()
    }

    /// An array of strings.
    fn strings(&self, v: &JsValue, path: &'static str) -> Option<Vec<String>> {
        let x = self.typed(v, path, "must be an array of strings", |x| {
            Array::is_array(x) && Array::from(x).iter().all(|s| s.is_string())
        })?;
        Some(
            Array::from(&x)
                .iter()
                .filter_map(|s| s.as_string())
                .collect(),
        )
    }

    /// A plain object's entries, each value converted by `f` (else the error `reason`).
    fn entries<T>(
        &self,
        v: &JsValue,
        path: &'static str,
        reason: &str,
        f: fn(JsValue) -> Option<T>,
    ) -> Option<Vec<(String, T)>> {
        let x = self.object(v, path)?;
        let mut out = Vec::new();
        for e in Object::entries(x.unchecked_ref()).iter() {
            let e = Array::from(&e);
            match (e.get(0).as_string(), f(e.get(1))) {
                (Some(k), Some(v)) => out.push((k, v)),
                _ => return self.fail(path, reason),
            }
        }
        Some(out)
    }

    /// A present plain object.
    fn object(&self, v: &JsValue, path: &'static str) -> Option<JsValue> {
        self.typed(v, path, "must be an object", is_object)
    }

    /// `true`, `false` or an options object read by `f`.
    fn toggle<T>(
        &self,
        v: &JsValue,
        path: &'static str,
        f: impl FnOnce(&JsValue) -> T,
    ) -> Option<Toggle<T>> {
        let x = field(v, path)?;
        if let Some(b) = x.as_bool() {
            Some(Toggle::On(b))
        } else if is_object(&x) {
            Some(Toggle::With(f(&x)))
        } else {
            self.fail(path, "must be a boolean or an object")
        }
    }

    fn sampler(&self, v: &JsValue) -> Option<RawSampler> {
        let x = field(v, "sampler")?;
        if let Some(name) = x.as_string() {
            return Some(RawSampler::Named(name));
        }
        if !is_object(&x) {
            // Validation names the accepted values.
            return Some(RawSampler::Named(String::new()));
        }
        Some(RawSampler::Ratio {
            // Absent: NaN, out of range for validation.
            ratio: self.number(&x, "sampler.ratio").unwrap_or(f64::NAN),
            parent_based: self.boolean(&x, "sampler.parentBased"),
        })
    }
}

/// The field at `path`'s last segment, when present (not undefined or null).
fn field(v: &JsValue, path: &'static str) -> Option<JsValue> {
    // Not `rsplit`: its pattern machinery costs ~1 KB of wasm.
    let key = &path[path.bytes().rposition(|b| b == b'.').map_or(0, |i| i + 1)..];
    Some(get(v, key)).filter(|x| !x.is_undefined() && !x.is_null())
}

fn is_object(x: &JsValue) -> bool {
    x.is_object() && !Array::is_array(x)
}

/// Reads the config object once; the values' meaning (URLs, ranges, names) is checked by
/// `RawConfig::validate`.
pub(super) fn raw_config(v: &JsValue) -> Result<RawConfig, ConfigError> {
    if !is_object(v) {
        return Err(ConfigError::new("config", "must be an object"));
    }
    let r = Reader::default();
    let raw = RawConfig {
        service_name: r.string(v, "serviceName"),
        service_version: r.string(v, "serviceVersion"),
        environment: r.string(v, "environment"),
        resource_attributes: r.entries(
            v,
            "resourceAttributes",
            "values must be strings, numbers or booleans",
            |x| {
                if let Some(s) = x.as_string() {
                    Some(RawAttr::String(s))
                } else if let Some(n) = x.as_f64() {
                    Some(RawAttr::Number(n))
                } else {
                    x.as_bool().map(RawAttr::Bool)
                }
            },
        ),
        otlp_endpoint: r.string(v, "otlpEndpoint"),
        traces_endpoint: r.string(v, "tracesEndpoint"),
        metrics_endpoint: r.string(v, "metricsEndpoint"),
        logs_endpoint: r.string(v, "logsEndpoint"),
        encoding: r.string(v, "encoding"),
        compression: r.string(v, "compression"),
        headers: r.entries(v, "headers", "values must be strings", |x| x.as_string()),
        request_timeout_millis: r.number(v, "requestTimeoutMillis"),
        max_retries: r.number(v, "maxRetries"),
        flush_on_page_hide: r.boolean(v, "flushOnPageHide"),
        batch: r.object(v, "batch").map(|b| RawBatch {
            max_queue_size: r.number(&b, "batch.maxQueueSize"),
            max_export_batch_size: r.number(&b, "batch.maxExportBatchSize"),
            scheduled_delay_millis: r.number(&b, "batch.scheduledDelayMillis"),
            export_timeout_millis: r.number(&b, "batch.exportTimeoutMillis"),
            max_concurrent_exports: r.number(&b, "batch.maxConcurrentExports"),
        }),
        sampling_ratio: r.number(v, "samplingRatio"),
        sampler: r.sampler(v),
        metric_export_interval_millis: r.number(v, "metricExportIntervalMillis"),
        metrics_temporality: r.string(v, "metricsTemporality"),
        offline: r.toggle(v, "offline", |o| RawOffline {
            max_bytes: r.number(o, "offline.maxBytes"),
            max_age_ms: r.number(o, "offline.maxAgeMs"),
        }),
        session: r.toggle(v, "session", |s| RawSession {
            storage: r.string(s, "session.storage"),
            inactivity_timeout_ms: r.number(s, "session.inactivityTimeoutMs"),
            max_duration_ms: r.number(s, "session.maxDurationMs"),
        }),
        redact_query_params: r.strings(v, "redactQueryParams"),
        attribute_value_length_limit: r.number(v, "attributeValueLengthLimit"),
        web_vitals: r.boolean(v, "webVitals"),
        errors: r.boolean(v, "errors"),
        long_tasks: r.boolean(v, "longTasks"),
        capture_console: r.boolean(v, "captureConsole"),
        require_consent: r.boolean(v, "requireConsent"),
        baggage_keys: r.strings(v, "baggageKeys"),
    };
    match r.0.into_inner() {
        Some(e) => Err(e),
        None => Ok(raw),
    }
}
