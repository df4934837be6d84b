//! Reads the JS config object into [`RawConfig`], once.

use js_sys::{Array, Object};
use wasm_bindgen::prelude::*;

use crate::config::{ConfigError, RawAttr, RawConfig, RawSession};
use crate::web::js::get;

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
pub(super) fn strings(v: &JsValue, k: &str) -> Option<Vec<String>> {
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
pub(super) fn raw_config(v: &JsValue) -> Result<RawConfig, ConfigError> {
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
