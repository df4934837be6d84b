//! Reads the JS config object (the npm package's `TelemetryConfig`) into [`RawConfig`], once.
//! A field of the wrong type is an error naming its path; absent (undefined or null) is its
//! default. Each reader takes the field's path (`"batch.maxQueueSize"`) and reads its last
//! segment from the object given, so errors name the path without building strings.

use js_sys::{Array, Object};
use wasm_bindgen::prelude::*;

use crate::config::{
    ConfigError, RawAttr, RawBatch, RawConfig, RawOffline, RawSampler, RawSession, Toggle,
};
use crate::web::js::get;

type Read<T> = Result<Option<T>, ConfigError>;

/// The field at `path`'s last segment, when present (not undefined or null).
fn field(v: &JsValue, path: &'static str) -> Option<JsValue> {
    let key = path.rsplit('.').next().unwrap_or(path);
    Some(get(v, key)).filter(|x| !x.is_undefined() && !x.is_null())
}

/// A present field converted by `f`, or an error with `reason`.
fn typed<T>(
    v: &JsValue,
    path: &'static str,
    reason: &str,
    f: impl FnOnce(&JsValue) -> Option<T>,
) -> Read<T> {
    field(v, path)
        .map(|x| f(&x).ok_or_else(|| ConfigError::new(path, reason)))
        .transpose()
}

fn string(v: &JsValue, path: &'static str) -> Read<String> {
    typed(v, path, "must be a string", JsValue::as_string)
}

fn number(v: &JsValue, path: &'static str) -> Read<f64> {
    typed(v, path, "must be a number", JsValue::as_f64)
}

fn boolean(v: &JsValue, path: &'static str) -> Read<bool> {
    typed(v, path, "must be a boolean", JsValue::as_bool)
}

fn is_object(x: &JsValue) -> bool {
    x.is_object() && !Array::is_array(x)
}

/// A plain object's entries, each value converted by `f` (else the error `reason`).
fn entries<T>(
    v: &JsValue,
    path: &'static str,
    reason: &str,
    f: fn(JsValue) -> Option<T>,
) -> Read<Vec<(String, T)>> {
    let Some(x) = field(v, path) else {
        return Ok(None);
    };
    if !is_object(&x) {
        return Err(ConfigError::new(path, "must be an object"));
    }
    Object::entries(x.unchecked_ref())
        .iter()
        .map(|e| {
            let e = Array::from(&e);
            Some((e.get(0).as_string()?, f(e.get(1))?))
        })
        .collect::<Option<Vec<_>>>()
        .map(Some)
        .ok_or_else(|| ConfigError::new(path, reason))
}

/// An array of strings.
pub(super) fn strings(v: &JsValue, path: &'static str) -> Read<Vec<String>> {
    typed(v, path, "must be an array of strings", |x| {
        Array::is_array(x)
            .then(|| Array::from(x).iter().map(|s| s.as_string()).collect())
            .flatten()
    })
}

/// `true`, `false` or an options object read by `f`.
fn toggle<T>(
    v: &JsValue,
    path: &'static str,
    f: impl FnOnce(&JsValue) -> Result<T, ConfigError>,
) -> Read<Toggle<T>> {
    let Some(x) = field(v, path) else {
        return Ok(None);
    };
    if let Some(b) = x.as_bool() {
        return Ok(Some(Toggle::On(b)));
    }
    if !is_object(&x) {
        return Err(ConfigError::new(path, "must be a boolean or an object"));
    }
    f(&x).map(|t| Some(Toggle::With(t)))
}

/// An options object read by `f`.
fn object<T>(
    v: &JsValue,
    path: &'static str,
    f: impl FnOnce(&JsValue) -> Result<T, ConfigError>,
) -> Read<T> {
    match field(v, path) {
        None => Ok(None),
        Some(x) if is_object(&x) => f(&x).map(Some),
        Some(_) => Err(ConfigError::new(path, "must be an object")),
    }
}

fn sampler(v: &JsValue) -> Read<RawSampler> {
    let Some(x) = field(v, "sampler") else {
        return Ok(None);
    };
    if let Some(name) = x.as_string() {
        return Ok(Some(RawSampler::Named(name)));
    }
    if !is_object(&x) {
        // Validation names the accepted values.
        return Ok(Some(RawSampler::Named(String::new())));
    }
    Ok(Some(RawSampler::Ratio {
        // Absent: NaN, out of range for validation.
        ratio: number(&x, "sampler.ratio")?.unwrap_or(f64::NAN),
        parent_based: boolean(&x, "sampler.parentBased")?,
    }))
}

/// Reads the config object once; the values' meaning (URLs, ranges, names) is checked by
/// `RawConfig::validate`.
pub(super) fn raw_config(v: &JsValue) -> Result<RawConfig, ConfigError> {
    if !is_object(v) {
        return Err(ConfigError::new("config", "must be an object"));
    }
    Ok(RawConfig {
        service_name: string(v, "serviceName")?,
        service_version: string(v, "serviceVersion")?,
        environment: string(v, "environment")?,
        resource_attributes: entries(
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
        )?,
        otlp_endpoint: string(v, "otlpEndpoint")?,
        traces_endpoint: string(v, "tracesEndpoint")?,
        metrics_endpoint: string(v, "metricsEndpoint")?,
        logs_endpoint: string(v, "logsEndpoint")?,
        encoding: string(v, "encoding")?,
        compression: string(v, "compression")?,
        headers: entries(v, "headers", "values must be strings", |x| x.as_string())?,
        request_timeout_millis: number(v, "requestTimeoutMillis")?,
        max_retries: number(v, "maxRetries")?,
        flush_on_page_hide: boolean(v, "flushOnPageHide")?,
        batch: object(v, "batch", |b| {
            Ok(RawBatch {
                max_queue_size: number(b, "batch.maxQueueSize")?,
                max_export_batch_size: number(b, "batch.maxExportBatchSize")?,
                scheduled_delay_millis: number(b, "batch.scheduledDelayMillis")?,
                export_timeout_millis: number(b, "batch.exportTimeoutMillis")?,
                max_concurrent_exports: number(b, "batch.maxConcurrentExports")?,
            })
        })?,
        sampling_ratio: number(v, "samplingRatio")?,
        sampler: sampler(v)?,
        metric_export_interval_millis: number(v, "metricExportIntervalMillis")?,
        metrics_temporality: string(v, "metricsTemporality")?,
        offline: toggle(v, "offline", |o| {
            Ok(RawOffline {
                max_bytes: number(o, "offline.maxBytes")?,
                max_age_ms: number(o, "offline.maxAgeMs")?,
            })
        })?,
        session: toggle(v, "session", |s| {
            Ok(RawSession {
                storage: string(s, "session.storage")?,
                inactivity_timeout_ms: number(s, "session.inactivityTimeoutMs")?,
                max_duration_ms: number(s, "session.maxDurationMs")?,
            })
        })?,
        redact_query_params: strings(v, "redactQueryParams")?,
        attribute_value_length_limit: number(v, "attributeValueLengthLimit")?,
        web_vitals: boolean(v, "webVitals")?,
        errors: boolean(v, "errors")?,
        long_tasks: boolean(v, "longTasks")?,
        capture_console: boolean(v, "captureConsole")?,
        require_consent: boolean(v, "requireConsent")?,
        baggage_keys: strings(v, "baggageKeys")?,
    })
}
