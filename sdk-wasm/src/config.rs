//! SDK configuration: read from the JS object given to `init` (camelCase keys) into
//! [`RawConfig`], then validated into typed settings. Every problem names the field and the
//! reason.
//!
//! The browser build reads the object field by field (`js_api::config::raw_config`) rather than
//! through serde-wasm-bindgen: that keeps serde and Rust's float formatting out of the wasm
//! (about 30 KB) and lets type errors name their field too. Native tests deserialize the
//! same struct from JSON with serde, which checks the camelCase key names.

use crate::export::offline::Limits as OfflineLimits;
use crate::metrics::Temporality;
use crate::otlp::json::push_u64;
use crate::otlp::Encoding;
use crate::propagation::cors::resolve;
use crate::trace::{BatchConfig, Sampler};

/// The config object as JS gives it. Numbers are `f64` so that a wrong number (negative,
/// fractional) gets a precise message from validation instead of a generic type error.
/// `propagateTraceHeaderCorsUrls` (strings and RegExps) is read by the JS glue directly.
#[derive(Clone, Debug, Default)]
#[cfg_attr(
    test,
    derive(serde::Deserialize),
    serde(rename_all = "camelCase", default)
)]
pub struct RawConfig {
    pub service_name: Option<String>,
    pub service_version: Option<String>,
    pub deployment_environment: Option<String>,
    /// Extra resource attributes: string, number or boolean values.
    #[cfg_attr(test, serde(deserialize_with = "tests::entries"))]
    pub resource_attributes: Option<Vec<(String, RawAttr)>>,
    pub endpoint: Option<String>,
    pub traces_endpoint: Option<String>,
    pub metrics_endpoint: Option<String>,
    pub logs_endpoint: Option<String>,
    pub encoding: Option<String>,
    pub compression: Option<String>,
    #[cfg_attr(test, serde(deserialize_with = "tests::entries"))]
    pub headers: Option<Vec<(String, String)>>,
    pub timeout_ms: Option<f64>,
    pub max_queue_size: Option<f64>,
    pub max_export_batch_size: Option<f64>,
    pub scheduled_delay_ms: Option<f64>,
    pub export_timeout_ms: Option<f64>,
    pub max_concurrent_exports: Option<f64>,
    pub sampler: Option<String>,
    pub sampler_ratio: Option<f64>,
    pub metrics_interval_ms: Option<f64>,
    pub metrics_temporality: Option<String>,
    pub flush_on_page_hide: Option<bool>,
    pub max_retries: Option<f64>,
    /// `offline`: `true`/an object turns the offline buffer on (default off in the core;
    /// the npm wrapper turns it on); the object's `maxBytes` / `maxAgeMs` come flattened.
    pub offline: Option<bool>,
    pub offline_max_bytes: Option<f64>,
    pub offline_max_age_ms: Option<f64>,
    /// Absent: sessions on with defaults. (`session: false` is `enabled: false`.)
    #[cfg_attr(test, serde(skip))]
    pub session: Option<RawSession>,
    /// Redacted query parameter names, added to the default list.
    pub redact_query_params: Option<Vec<String>>,
    /// Longest string attribute value kept, in characters.
    pub attribute_value_length_limit: Option<f64>,
}

/// The `session` config object.
#[derive(Clone, Debug, Default)]
pub struct RawSession {
    pub enabled: bool,
    pub storage: Option<String>,
    pub inactivity_timeout_ms: Option<f64>,
    pub max_duration_ms: Option<f64>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SessionStorage {
    Local,
    Session,
    /// Memory only: a new session per page load.
    None,
}

#[derive(Clone, Debug, PartialEq)]
pub struct SessionConfig {
    pub storage: SessionStorage,
    pub limits: crate::rum::session::Limits,
}

#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(test, derive(serde::Deserialize), serde(untagged))]
pub enum RawAttr {
    Bool(bool),
    Number(f64),
    String(String),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Compression {
    #[default]
    None,
    Gzip,
}

/// Validated settings.
#[derive(Clone, Debug, PartialEq)]
pub struct Config {
    pub service_name: String,
    pub service_version: Option<String>,
    pub deployment_environment: Option<String>,
    pub resource_attributes: Vec<(String, RawAttr)>,
    /// Absolute URLs, resolved against the page.
    pub traces_url: String,
    pub metrics_url: String,
    pub logs_url: String,
    pub encoding: Encoding,
    pub compression: Compression,
    pub headers: Vec<(String, String)>,
    pub timeout_ms: u32,
    pub batch: BatchConfig,
    pub sampler: Sampler,
    pub metrics_interval_ms: u32,
    pub metrics_temporality: Temporality,
    pub flush_on_page_hide: bool,
    pub max_retries: u32,
    /// `None`: sessions off.
    pub session: Option<SessionConfig>,
    /// Lowercase parameter names whose values are redacted in recorded URLs.
    pub redact_query_params: Vec<String>,
    /// Longer string attribute values are truncated to this many characters.
    pub attribute_value_length_limit: u32,
    /// The offline buffer's bounds; `None` when it is off.
    pub offline: Option<OfflineLimits>,
}

pub const DEFAULT_ENDPOINT: &str = "http://localhost:4318";

/// A config problem: which field, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigError {
    pub field: &'static str,
    pub reason: String,
}

impl ConfigError {
    pub fn new(field: &'static str, reason: &str) -> Self {
        ConfigError {
            field,
            reason: reason.into(),
        }
    }

    /// `invalid config: <field>: <reason>` (built without `format!` to keep it out of the wasm).
    pub fn message(&self) -> String {
        let mut s = String::from("invalid config: ");
        s.push_str(self.field);
        s.push_str(": ");
        s.push_str(&self.reason);
        s
    }
}

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message())
    }
}

fn err(field: &'static str, reason: &str) -> ConfigError {
    ConfigError::new(field, reason)
}

/// A whole number in `min..=max`, or the default.
fn whole(
    field: &'static str,
    v: Option<f64>,
    default: u32,
    min: u32,
    max: u32,
) -> Result<u32, ConfigError> {
    match v {
        None => Ok(default),
        Some(x) if x.fract() == 0.0 && x >= min as f64 && x <= max as f64 => Ok(x as u32),
        Some(_) => {
            let mut reason = String::from("must be a whole number from ");
            push_u64(&mut reason, min as u64);
            reason.push_str(" to ");
            push_u64(&mut reason, max as u64);
            Err(ConfigError { field, reason })
        }
    }
}

/// An http(s) URL, absolute or relative to `base` (the page).
fn http_url(field: &'static str, v: &str, base: &str) -> Result<String, ConfigError> {
    let trimmed = v.trim();
    if trimmed.is_empty() {
        return Err(err(field, "must not be empty"));
    }
    if trimmed.contains(' ') {
        return Err(err(field, "is not a URL (contains a space)"));
    }
    match resolve(trimmed, base) {
        Some(r)
            if r.origin
                .as_ref()
                .is_some_and(|o| o.scheme == "http" || o.scheme == "https") =>
        {
            Ok(r.href)
        }
        _ => Err(err(field, "is not an http(s) URL")),
    }
}

fn join_path(base: &str, path: &str) -> String {
    let mut s = base.trim_end_matches('/').to_string();
    s.push_str(path);
    s
}

impl RawConfig {
    /// Validates against the page's URL (`document_url`, for relative endpoints).
    pub fn validate(self, document_url: &str) -> Result<Config, ConfigError> {
        let service_name = self.service_name.unwrap_or_default();
        if service_name.trim().is_empty() {
            return Err(err("serviceName", "must be a non-empty string"));
        }
        let endpoint = http_url(
            "endpoint",
            self.endpoint.as_deref().unwrap_or(DEFAULT_ENDPOINT),
            document_url,
        )?;
        let traces_url = match &self.traces_endpoint {
            Some(u) => http_url("tracesEndpoint", u, document_url)?,
            None => join_path(&endpoint, "/v1/traces"),
        };
        let metrics_url = match &self.metrics_endpoint {
            Some(u) => http_url("metricsEndpoint", u, document_url)?,
            None => join_path(&endpoint, "/v1/metrics"),
        };
        let logs_url = match &self.logs_endpoint {
            Some(u) => http_url("logsEndpoint", u, document_url)?,
            None => join_path(&endpoint, "/v1/logs"),
        };
        let encoding = match self.encoding.as_deref() {
            None | Some("protobuf") => Encoding::Protobuf,
            Some("json") => Encoding::Json,
            Some(_) => return Err(err("encoding", "must be \"protobuf\" or \"json\"")),
        };
        let compression = match self.compression.as_deref() {
            None | Some("none") => Compression::None,
            Some("gzip") => Compression::Gzip,
            Some(_) => return Err(err("compression", "must be \"none\" or \"gzip\"")),
        };
        let headers = self.headers.unwrap_or_default();
        for (k, _) in &headers {
            if k.is_empty()
                || !k
                    .bytes()
                    .all(|c| c.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&c))
            {
                return Err(err("headers", "header names must be HTTP tokens"));
            }
        }
        let max_queue_size =
            whole("maxQueueSize", self.max_queue_size, 2048, 1, 1_000_000)? as usize;
        let max_export_batch_size = whole(
            "maxExportBatchSize",
            self.max_export_batch_size,
            512,
            1,
            1_000_000,
        )? as usize;
        if max_export_batch_size > max_queue_size {
            return Err(err("maxExportBatchSize", "must not exceed maxQueueSize"));
        }
        let batch = BatchConfig {
            max_queue_size,
            max_export_batch_size,
            scheduled_delay_ms: whole(
                "scheduledDelayMs",
                self.scheduled_delay_ms,
                5000,
                0,
                3_600_000,
            )?,
            export_timeout_ms: whole(
                "exportTimeoutMs",
                self.export_timeout_ms,
                30000,
                1,
                3_600_000,
            )?,
            max_concurrent_exports: whole(
                "maxConcurrentExports",
                self.max_concurrent_exports,
                30,
                1,
                1000,
            )? as usize,
            max_batch_bytes: crate::trace::batch::MAX_BATCH_BYTES,
            max_queue_bytes: crate::trace::batch::MAX_QUEUE_BYTES,
        };
        let ratio = match self.sampler_ratio {
            None => 1.0,
            Some(r) if (0.0..=1.0).contains(&r) => r,
            Some(_) => return Err(err("samplerRatio", "must be a number from 0 to 1")),
        };
        let sampler = match self.sampler.as_deref() {
            None | Some("always_on") => Sampler::AlwaysOn,
            Some("always_off") => Sampler::AlwaysOff,
            Some("traceidratio") => Sampler::TraceIdRatio(ratio),
            Some("parentbased_always_on") => Sampler::ParentBased(Box::new(Sampler::AlwaysOn)),
            Some("parentbased_always_off") => Sampler::ParentBased(Box::new(Sampler::AlwaysOff)),
            Some("parentbased_traceidratio") => Sampler::ParentBased(Box::new(Sampler::TraceIdRatio(ratio))),
            Some(_) => {
                return Err(err("sampler", "must be always_on, always_off, traceidratio, parentbased_always_on, parentbased_always_off or parentbased_traceidratio"))
            }
        };
        let metrics_temporality = match self.metrics_temporality.as_deref() {
            None | Some("cumulative") => Temporality::Cumulative,
            Some("delta") => Temporality::Delta,
            Some(_) => {
                return Err(err(
                    "metricsTemporality",
                    "must be \"cumulative\" or \"delta\"",
                ))
            }
        };
        let session = match self.session {
            Some(s) if !s.enabled => None,
            s => Some(
                s.unwrap_or(RawSession {
                    enabled: true,
                    ..Default::default()
                })
                .validate()?,
            ),
        };
        // The user's names are added to the defaults, never replace them.
        let mut redact_query_params = crate::rum::redact::names(crate::rum::redact::DEFAULT_NAMES);
        for n in self.redact_query_params.iter().flatten() {
            let n = n.trim().to_ascii_lowercase();
            if !n.is_empty() && !redact_query_params.contains(&n) {
                redact_query_params.push(n);
            }
        }
        let offline = match self.offline {
            Some(true) => {
                let d = OfflineLimits::default();
                Some(OfflineLimits {
                    max_bytes: whole(
                        "offline.maxBytes",
                        self.offline_max_bytes,
                        d.max_bytes,
                        1024,
                        1 << 30,
                    )?,
                    max_age_ms: whole(
                        "offline.maxAgeMs",
                        self.offline_max_age_ms,
                        d.max_age_ms,
                        1000,
                        30 * 86_400_000,
                    )?,
                })
            }
            _ => None,
        };
        Ok(Config {
            session,
            redact_query_params,
            attribute_value_length_limit: whole(
                "attributeValueLengthLimit",
                self.attribute_value_length_limit,
                crate::rum::limits::DEFAULT_VALUE_LENGTH,
                1,
                100_000_000,
            )?,
            service_name,
            service_version: self.service_version.filter(|s| !s.is_empty()),
            deployment_environment: self.deployment_environment.filter(|s| !s.is_empty()),
            resource_attributes: self.resource_attributes.unwrap_or_default(),
            traces_url,
            metrics_url,
            logs_url,
            encoding,
            compression,
            headers,
            timeout_ms: whole("timeoutMs", self.timeout_ms, 10_000, 1, 3_600_000)?,
            batch,
            sampler,
            metrics_interval_ms: whole(
                "metricsIntervalMs",
                self.metrics_interval_ms,
                30_000,
                0,
                86_400_000,
            )?,
            metrics_temporality,
            flush_on_page_hide: self.flush_on_page_hide.unwrap_or(true),
            max_retries: whole("maxRetries", self.max_retries, 5, 0, 100)?,
            offline,
        })
    }
}

impl RawSession {
    fn validate(self) -> Result<SessionConfig, ConfigError> {
        let storage = match self.storage.as_deref() {
            None | Some("localStorage") => SessionStorage::Local,
            Some("sessionStorage") => SessionStorage::Session,
            Some("none") => SessionStorage::None,
            Some(_) => {
                return Err(err(
                    "session.storage",
                    "must be \"localStorage\", \"sessionStorage\" or \"none\"",
                ))
            }
        };
        let d = crate::rum::session::Limits::default();
        let limits = crate::rum::session::Limits {
            inactivity_ms: whole(
                "session.inactivityTimeoutMs",
                self.inactivity_timeout_ms,
                d.inactivity_ms as u32,
                1,
                604_800_000,
            )? as u64,
            max_duration_ms: whole(
                "session.maxDurationMs",
                self.max_duration_ms,
                d.max_duration_ms as u32,
                1,
                604_800_000,
            )? as u64,
        };
        Ok(SessionConfig { storage, limits })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = "https://shop.example/app/";

    /// A JSON object as (key, value) pairs, in order.
    pub(super) fn entries<'de, D, V>(d: D) -> Result<Option<Vec<(String, V)>>, D::Error>
    where
        D: serde::Deserializer<'de>,
        V: serde::Deserialize<'de>,
    {
        use serde::Deserialize;
        let map = std::collections::BTreeMap::<String, V>::deserialize(d)?;
        Ok(Some(map.into_iter().collect()))
    }

    fn raw(json: &str) -> RawConfig {
        serde_json::from_str(json).expect("deserializes")
    }

    fn error(json: &str) -> String {
        raw(json).validate(PAGE).unwrap_err().to_string()
    }

    #[test]
    fn defaults() {
        let c = raw(r#"{"serviceName":"shop"}"#).validate(PAGE).unwrap();
        assert_eq!(c.traces_url, "http://localhost:4318/v1/traces");
        assert_eq!(c.metrics_url, "http://localhost:4318/v1/metrics");
        assert_eq!(c.logs_url, "http://localhost:4318/v1/logs");
        assert_eq!(c.encoding, Encoding::Protobuf);
        assert_eq!(c.compression, Compression::None);
        assert_eq!(c.batch, BatchConfig::default());
        assert_eq!(c.sampler, Sampler::AlwaysOn);
        assert_eq!(
            (c.timeout_ms, c.metrics_interval_ms, c.max_retries),
            (10_000, 30_000, 5)
        );
        assert_eq!(c.metrics_temporality, Temporality::Cumulative);
        assert!(c.flush_on_page_hide);
        let s = c.session.expect("sessions are on by default");
        assert_eq!(
            (s.storage, s.limits.inactivity_ms, s.limits.max_duration_ms),
            (SessionStorage::Local, 900_000, 14_400_000)
        );
        assert!(c.redact_query_params.iter().any(|n| n == "access_token"));
        assert!(c.redact_query_params.iter().any(|n| n == "email"));
        assert_eq!(c.attribute_value_length_limit, 4096);
        assert_eq!(
            c.offline, None,
            "the core's offline buffer is off unless asked for"
        );
    }

    #[test]
    fn session_and_redaction_settings() {
        let with = |session: RawSession| {
            RawConfig {
                session: Some(session),
                ..raw(r#"{"serviceName":"s"}"#)
            }
            .validate(PAGE)
        };
        assert_eq!(
            with(RawSession::default()).unwrap().session,
            None,
            "session: false"
        );
        let c = with(RawSession {
            enabled: true,
            storage: Some("none".into()),
            inactivity_timeout_ms: Some(1000.0),
            max_duration_ms: Some(5000.0),
        })
        .unwrap();
        let s = c.session.unwrap();
        assert_eq!(
            (s.storage, s.limits.inactivity_ms, s.limits.max_duration_ms),
            (SessionStorage::None, 1000, 5000)
        );
        let e = with(RawSession {
            enabled: true,
            storage: Some("cookie".into()),
            ..Default::default()
        })
        .unwrap_err();
        assert_eq!(e.to_string(), "invalid config: session.storage: must be \"localStorage\", \"sessionStorage\" or \"none\"");
        let e = with(RawSession {
            enabled: true,
            inactivity_timeout_ms: Some(-5.0),
            ..Default::default()
        })
        .unwrap_err();
        assert_eq!(e.field, "session.inactivityTimeoutMs");
        let c = raw(r#"{"serviceName":"s","redactQueryParams":["UID"," ",""]}"#)
            .validate(PAGE)
            .unwrap();
        assert!(
            c.redact_query_params.iter().any(|n| n == "uid"),
            "a listed name is added"
        );
        assert!(
            c.redact_query_params.iter().any(|n| n == "token"),
            "the defaults stay"
        );
        assert!(c.redact_query_params.iter().all(|n| !n.is_empty()));
    }

    #[test]
    fn offline_buffer_bounds() {
        let c = raw(r#"{"serviceName":"s","offline":true}"#)
            .validate(PAGE)
            .unwrap();
        assert_eq!(c.offline, Some(OfflineLimits::default()));
        let c = raw(
            r#"{"serviceName":"s","offline":true,"offlineMaxBytes":2048,"offlineMaxAgeMs":60000}"#,
        )
        .validate(PAGE)
        .unwrap();
        assert_eq!(
            c.offline,
            Some(OfflineLimits {
                max_bytes: 2048,
                max_age_ms: 60000
            })
        );
        assert_eq!(
            raw(r#"{"serviceName":"s","offline":false,"offlineMaxBytes":1}"#)
                .validate(PAGE)
                .unwrap()
                .offline,
            None
        );
        assert_eq!(
            error(r#"{"serviceName":"s","offline":true,"offlineMaxBytes":10}"#),
            "invalid config: offline.maxBytes: must be a whole number from 1024 to 1073741824"
        );
        assert_eq!(
            error(r#"{"serviceName":"s","offline":true,"offlineMaxAgeMs":-1}"#),
            "invalid config: offline.maxAgeMs: must be a whole number from 1000 to 2592000000"
        );
    }

    #[test]
    fn camel_case_fields() {
        let c = raw(
            r#"{"serviceName":"shop","serviceVersion":"1.0","deploymentEnvironment":"prod",
                "resourceAttributes":{"team":"web","shard":3,"beta":true},
                "endpoint":"/otel/","encoding":"json","compression":"gzip",
                "headers":{"x-api-key":"k"},"timeoutMs":500,"maxQueueSize":1000,
                "maxExportBatchSize":100,"scheduledDelayMs":30000,"exportTimeoutMs":1000,
                "maxConcurrentExports":4,"sampler":"parentbased_traceidratio","samplerRatio":0.5,
                "metricsIntervalMs":0,"metricsTemporality":"delta","flushOnPageHide":false,"maxRetries":2,
                "attributeValueLengthLimit":100}"#,
        )
        .validate(PAGE)
        .unwrap();
        assert_eq!(
            c.traces_url, "https://shop.example/otel/v1/traces",
            "relative endpoints resolve against the page"
        );
        assert_eq!(c.encoding, Encoding::Json);
        assert_eq!(c.compression, Compression::Gzip);
        assert_eq!(c.headers, vec![("x-api-key".to_string(), "k".to_string())]);
        assert_eq!(
            c.resource_attributes[1],
            ("shard".to_string(), RawAttr::Number(3.0))
        );
        assert_eq!(c.batch.max_queue_size, 1000);
        assert_eq!(c.batch.scheduled_delay_ms, 30000);
        assert_eq!(
            c.sampler,
            Sampler::ParentBased(Box::new(Sampler::TraceIdRatio(0.5)))
        );
        assert_eq!(c.metrics_temporality, Temporality::Delta);
        assert!(!c.flush_on_page_hide);
        assert_eq!(c.max_retries, 2);
        assert_eq!(c.attribute_value_length_limit, 100);
        let c = raw(r#"{"serviceName":"s","endpoint":"http://c:4318","tracesEndpoint":"https://t.example/x"}"#).validate(PAGE).unwrap();
        assert_eq!(c.traces_url, "https://t.example/x");
        assert_eq!(c.metrics_url, "http://c:4318/v1/metrics");
        let c = raw(r#"{"serviceName":"s","logsEndpoint":"/l"}"#)
            .validate(PAGE)
            .unwrap();
        assert_eq!(c.logs_url, "https://shop.example/l");
        assert_eq!(
            error(r#"{"serviceName":"s","logsEndpoint":"a b"}"#),
            "invalid config: logsEndpoint: is not a URL (contains a space)"
        );
    }

    #[test]
    fn errors_name_the_field_and_reason() {
        assert_eq!(
            error(r#"{}"#),
            "invalid config: serviceName: must be a non-empty string"
        );
        assert_eq!(
            error(r#"{"serviceName":"  "}"#),
            "invalid config: serviceName: must be a non-empty string"
        );
        assert_eq!(
            error(r#"{"serviceName":"s","endpoint":"not a url"}"#),
            "invalid config: endpoint: is not a URL (contains a space)"
        );
        assert_eq!(
            error(r#"{"serviceName":"s","endpoint":"ftp://x/"}"#),
            "invalid config: endpoint: is not an http(s) URL"
        );
        assert_eq!(
            error(r#"{"serviceName":"s","endpoint":"mailto:x"}"#),
            "invalid config: endpoint: is not an http(s) URL"
        );
        assert_eq!(
            error(r#"{"serviceName":"s","endpoint":""}"#),
            "invalid config: endpoint: must not be empty"
        );
        assert_eq!(
            error(r#"{"serviceName":"s","encoding":"xml"}"#),
            "invalid config: encoding: must be \"protobuf\" or \"json\""
        );
        assert_eq!(
            error(r#"{"serviceName":"s","compression":"br"}"#),
            "invalid config: compression: must be \"none\" or \"gzip\""
        );
        assert_eq!(
            error(r#"{"serviceName":"s","maxQueueSize":-1}"#),
            "invalid config: maxQueueSize: must be a whole number from 1 to 1000000"
        );
        assert_eq!(
            error(r#"{"serviceName":"s","timeoutMs":1.5}"#),
            "invalid config: timeoutMs: must be a whole number from 1 to 3600000"
        );
        assert_eq!(
            error(r#"{"serviceName":"s","maxQueueSize":10,"maxExportBatchSize":20}"#),
            "invalid config: maxExportBatchSize: must not exceed maxQueueSize"
        );
        assert_eq!(
            error(r#"{"serviceName":"s","samplerRatio":2}"#),
            "invalid config: samplerRatio: must be a number from 0 to 1"
        );
        assert!(error(r#"{"serviceName":"s","sampler":"sometimes"}"#)
            .starts_with("invalid config: sampler: must be"));
        assert_eq!(
            error(r#"{"serviceName":"s","metricsTemporality":"x"}"#),
            "invalid config: metricsTemporality: must be \"cumulative\" or \"delta\""
        );
        assert_eq!(
            error(r#"{"serviceName":"s","headers":{"bad header":"x"}}"#),
            "invalid config: headers: header names must be HTTP tokens"
        );
    }
}
