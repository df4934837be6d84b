//! SDK configuration: the object given to `init`, in the public dialect of the npm package's
//! `TelemetryConfig` (camelCase names, nested `batch`, `sampler`, `session`, `offline`), read
//! into [`RawConfig`], then validated into typed settings. The defaults live here, once: the
//! npm wrapper passes the user's object through. Every problem names the field's path
//! (`batch.maxQueueSize`) and the reason.
//!
//! The browser build reads the object field by field (`js_api::config::raw_config`) rather than
//! through serde-wasm-bindgen: that keeps serde and Rust's float formatting out of the wasm
//! (about 30 KB) and lets type errors name their field too. Native tests deserialize the
//! same struct from the same JSON with serde, which checks the names and the nesting.
//!
//! Rust callers fill in the fields they need:
//! `RawConfig { otlp_endpoint: Some(url), ..RawConfig::new("shop") }.validate(page_url)`.

use crate::decimal::push_u64;
use crate::export::offline::Limits as OfflineLimits;
use crate::metrics::Temporality;
use crate::otlp::Encoding;
use crate::propagation::cors::resolve;
use crate::trace::{BatchConfig, Sampler};

/// The config object as JS gives it (the fields JS values can fill: the RegExps and functions
/// of `propagateTraceHeaderCorsUrls`, `ignoreUrls`, `scrubAttributes` and `instrumentations`
/// are read by the JS glue). Numbers are `f64` so that a wrong number (negative, fractional)
/// gets a precise message from validation. `None` is an absent field: its default.
#[derive(Clone, Debug, Default)]
#[cfg_attr(
    test,
    derive(serde::Deserialize),
    serde(rename_all = "camelCase", default, deny_unknown_fields)
)]
pub struct RawConfig {
    pub service_name: Option<String>,
    pub service_version: Option<String>,
    /// `deployment.environment.name` (and `deployment.environment`).
    pub environment: Option<String>,
    /// Extra resource attributes: string, number or boolean values.
    #[cfg_attr(test, serde(deserialize_with = "tests::entries"))]
    pub resource_attributes: Option<Vec<(String, RawAttr)>>,
    /// Base URL; `/v1/traces`, `/v1/metrics` and `/v1/logs` are appended.
    pub otlp_endpoint: Option<String>,
    pub traces_endpoint: Option<String>,
    pub metrics_endpoint: Option<String>,
    pub logs_endpoint: Option<String>,
    pub encoding: Option<String>,
    pub compression: Option<String>,
    #[cfg_attr(test, serde(deserialize_with = "tests::entries"))]
    pub headers: Option<Vec<(String, String)>>,
    /// Time limit of one export request (aborted after it).
    pub request_timeout_millis: Option<f64>,
    /// Retries of a failed export request.
    pub max_retries: Option<f64>,
    pub flush_on_page_hide: Option<bool>,
    pub batch: Option<RawBatch>,
    /// Shorthand for `sampler: { ratio }`; give one or the other.
    pub sampling_ratio: Option<f64>,
    pub sampler: Option<RawSampler>,
    pub metric_export_interval_millis: Option<f64>,
    pub metrics_temporality: Option<String>,
    /// Absent: on with the default bounds.
    pub offline: Option<Toggle<RawOffline>>,
    /// Absent: on with the defaults.
    pub session: Option<Toggle<RawSession>>,
    /// Redacted query parameter names, added to the default list.
    pub redact_query_params: Option<Vec<String>>,
    /// Longest string attribute value kept, in characters.
    pub attribute_value_length_limit: Option<f64>,
    /// RUM features: on unless `false` (`captureConsole`: off unless `true`).
    pub web_vitals: Option<bool>,
    pub errors: Option<bool>,
    pub long_tasks: Option<bool>,
    pub capture_console: Option<bool>,
    /// Start paused until consent is given.
    pub require_consent: Option<bool>,
    /// Attribute keys also sent as W3C `baggage`.
    pub baggage_keys: Option<Vec<String>>,
}

/// `batch`: span batching and export concurrency.
#[derive(Clone, Debug, Default)]
#[cfg_attr(
    test,
    derive(serde::Deserialize),
    serde(rename_all = "camelCase", default, deny_unknown_fields)
)]
pub struct RawBatch {
    pub max_queue_size: Option<f64>,
    pub max_export_batch_size: Option<f64>,
    pub scheduled_delay_millis: Option<f64>,
    pub export_timeout_millis: Option<f64>,
    pub max_concurrent_exports: Option<f64>,
}

/// `sampler`: a name, or `{ ratio, parentBased }`.
#[derive(Clone, Debug)]
#[cfg_attr(test, derive(serde::Deserialize), serde(untagged))]
pub enum RawSampler {
    /// `always_on`, `always_off`, `parentbased_always_on`, `parentbased_always_off`.
    Named(String),
    /// That fraction of traces; `parent_based` (default true): children follow their parent.
    Ratio {
        ratio: f64,
        #[cfg_attr(test, serde(rename = "parentBased"))]
        parent_based: Option<bool>,
    },
}

/// A feature given as `true`, `false` or its options object (`offline`, `session`).
#[derive(Clone, Debug)]
#[cfg_attr(test, derive(serde::Deserialize), serde(untagged))]
pub enum Toggle<T> {
    On(bool),
    With(T),
}

impl<T: Default> Toggle<T> {
    /// The options when on (absent: on), `None` when off.
    fn options(v: Option<Self>) -> Option<T> {
        match v {
            Some(Toggle::On(false)) => None,
            Some(Toggle::With(t)) => Some(t),
            _ => Some(T::default()),
        }
    }
}

/// `offline`'s bounds.
#[derive(Clone, Debug, Default)]
#[cfg_attr(
    test,
    derive(serde::Deserialize),
    serde(rename_all = "camelCase", default, deny_unknown_fields)
)]
pub struct RawOffline {
    pub max_bytes: Option<f64>,
    pub max_age_ms: Option<f64>,
}

/// The `session` options object.
#[derive(Clone, Debug, Default)]
#[cfg_attr(
    test,
    derive(serde::Deserialize),
    serde(rename_all = "camelCase", default, deny_unknown_fields)
)]
pub struct RawSession {
    pub storage: Option<String>,
    pub inactivity_timeout_ms: Option<f64>,
    pub max_duration_ms: Option<f64>,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SessionStorage {
    #[default]
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
    pub web_vitals: bool,
    pub errors: bool,
    pub long_tasks: bool,
    pub capture_console: bool,
    pub require_consent: bool,
    pub baggage_keys: Vec<String>,
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
    let trimmed = v.trim_ascii();
    if trimmed.is_empty() {
        return Err(err(field, "must not be empty"));
    }
    if crate::text::has(trimmed, b' ') {
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
    let mut s = crate::text::trim_end(base, b'/').to_string();
    s.push_str(path);
    s
}

impl RawConfig {
    /// A config with only the service name set: every other field its default.
    pub fn new(service_name: &str) -> Self {
        RawConfig {
            service_name: Some(service_name.into()),
            ..Default::default()
        }
    }

    /// Validates against the page's URL (`document_url`, for relative endpoints). The first
    /// problem, in field order, is the error.
    pub fn validate(self, document_url: &str) -> Result<Config, ConfigError> {
        let mut e = FirstError(None);
        let service_name = self.service_name.unwrap_or_default();
        if service_name.trim_ascii().is_empty() {
            e.note(err("serviceName", "must be a non-empty string"));
        }
        let endpoint = e.take(http_url(
            "otlpEndpoint",
            self.otlp_endpoint.as_deref().unwrap_or(DEFAULT_ENDPOINT),
            document_url,
        ));
        let mut signal_url = |field, given: Option<String>, path| match given {
            Some(u) => e.take(http_url(field, &u, document_url)),
            None => join_path(&endpoint, path),
        };
        let traces_url = signal_url("tracesEndpoint", self.traces_endpoint, "/v1/traces");
        let metrics_url = signal_url("metricsEndpoint", self.metrics_endpoint, "/v1/metrics");
        let logs_url = signal_url("logsEndpoint", self.logs_endpoint, "/v1/logs");
        let encoding = match self.encoding.as_deref() {
            None | Some("protobuf") => Encoding::Protobuf,
            Some("json") => Encoding::Json,
            Some(_) => e.fail("encoding", "must be \"protobuf\" or \"json\""),
        };
        let compression = match self.compression.as_deref() {
            None | Some("none") => Compression::None,
            Some("gzip") => Compression::Gzip,
            Some(_) => e.fail("compression", "must be \"none\" or \"gzip\""),
        };
        let headers = self.headers.unwrap_or_default();
        if headers.iter().any(|(k, _)| {
            k.is_empty()
                || !k
                    .bytes()
                    .all(|c| c.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&c))
        }) {
            e.note(err("headers", "header names must be HTTP tokens"));
        }
        let b = self.batch.unwrap_or_default();
        let max_queue_size =
            e.whole("batch.maxQueueSize", b.max_queue_size, 2048, 1, 1_000_000) as usize;
        let max_export_batch_size = e.whole(
            "batch.maxExportBatchSize",
            b.max_export_batch_size,
            512,
            1,
            1_000_000,
        ) as usize;
        if max_export_batch_size > max_queue_size {
            e.note(err(
                "batch.maxExportBatchSize",
                "must not exceed batch.maxQueueSize",
            ));
        }
        let batch = BatchConfig {
            max_queue_size,
            max_export_batch_size,
            scheduled_delay_ms: e.whole(
                "batch.scheduledDelayMillis",
                b.scheduled_delay_millis,
                5000,
                0,
                3_600_000,
            ),
            export_timeout_ms: e.whole(
                "batch.exportTimeoutMillis",
                b.export_timeout_millis,
                30000,
                1,
                3_600_000,
            ),
            max_concurrent_exports: e.whole(
                "batch.maxConcurrentExports",
                b.max_concurrent_exports,
                30,
                1,
                1000,
            ) as usize,
            max_batch_bytes: crate::trace::batch::MAX_BATCH_BYTES,
            max_queue_bytes: crate::trace::batch::MAX_QUEUE_BYTES,
        };
        let sampler = e.take(sampler(self.sampler, self.sampling_ratio));
        let metrics_temporality = match self.metrics_temporality.as_deref() {
            None | Some("cumulative") => Temporality::Cumulative,
            Some("delta") => Temporality::Delta,
            Some(_) => e.fail("metricsTemporality", "must be \"cumulative\" or \"delta\""),
        };
        let session = Toggle::options(self.session).map(|s| s.validate(&mut e));
        // The user's names are added to the defaults, never replace them.
        let mut redact_query_params = crate::rum::redact::names(crate::rum::redact::DEFAULT_NAMES);
        for n in self.redact_query_params.iter().flatten() {
            let n = n.trim_ascii().to_ascii_lowercase();
            if !n.is_empty() && !redact_query_params.contains(&n) {
                redact_query_params.push(n);
            }
        }
        let offline = Toggle::options(self.offline).map(|o| {
            let d = OfflineLimits::default();
            OfflineLimits {
                max_bytes: e.whole("offline.maxBytes", o.max_bytes, d.max_bytes, 1024, 1 << 30),
                max_age_ms: e.whole(
                    "offline.maxAgeMs",
                    o.max_age_ms,
                    d.max_age_ms,
                    1000,
                    30 * 86_400_000,
                ),
            }
        });
        let config = Config {
            session,
            redact_query_params,
            attribute_value_length_limit: e.whole(
                "attributeValueLengthLimit",
                self.attribute_value_length_limit,
                crate::rum::limits::DEFAULT_VALUE_LENGTH,
                1,
                100_000_000,
            ),
            service_name,
            service_version: self.service_version.filter(|s| !s.is_empty()),
            deployment_environment: self.environment.filter(|s| !s.is_empty()),
            resource_attributes: self.resource_attributes.unwrap_or_default(),
            traces_url,
            metrics_url,
            logs_url,
            encoding,
            compression,
            headers,
            timeout_ms: e.whole(
                "requestTimeoutMillis",
                self.request_timeout_millis,
                10_000,
                1,
                3_600_000,
            ),
            batch,
            sampler,
            metrics_interval_ms: e.whole(
                "metricExportIntervalMillis",
                self.metric_export_interval_millis,
                30_000,
                0,
                86_400_000,
            ),
            metrics_temporality,
            flush_on_page_hide: self.flush_on_page_hide.unwrap_or(true),
            max_retries: e.whole("maxRetries", self.max_retries, 5, 0, 100),
            offline,
            web_vitals: self.web_vitals.unwrap_or(true),
            errors: self.errors.unwrap_or(true),
            long_tasks: self.long_tasks.unwrap_or(true),
            capture_console: self.capture_console.unwrap_or(false),
            require_consent: self.require_consent.unwrap_or(false),
            baggage_keys: self.baggage_keys.unwrap_or_default(),
        };
        match e.0 {
            Some(error) => Err(error),
            None => Ok(config),
        }
    }
}

/// The first problem `validate` found. The checks after it still run, on defaults: one
/// exit at the end, instead of an early return at every check that would drop the fields
/// built so far (drop code at each of them, ≈ 2 KB of wasm).
struct FirstError(Option<ConfigError>);

impl FirstError {
    fn note(&mut self, e: ConfigError) {
        self.0.get_or_insert(e);
    }

    /// `r`'s value, or the type's default after noting its error.
    fn take<T: Default>(&mut self, r: Result<T, ConfigError>) -> T {
        r.unwrap_or_else(|e| {
            self.note(e);
            T::default()
        })
    }

    /// Notes an error; the default stands in for the field.
    fn fail<T: Default>(&mut self, field: &'static str, reason: &str) -> T {
        self.note(err(field, reason));
        T::default()
    }

    /// [`whole`], its error noted.
    fn whole(
        &mut self,
        field: &'static str,
        v: Option<f64>,
        default: u32,
        min: u32,
        max: u32,
    ) -> u32 {
        let r = whole(field, v, default, min, max);
        self.take(r)
    }
}

/// `sampler` or its shorthand `samplingRatio` (parent-based).
fn sampler(s: Option<RawSampler>, ratio: Option<f64>) -> Result<Sampler, ConfigError> {
    let in_range = |field, r: f64| {
        if (0.0..=1.0).contains(&r) {
            Ok(r)
        } else {
            Err(err(field, "must be a number from 0 to 1"))
        }
    };
    let parent_based = |s| Sampler::ParentBased(Box::new(s));
    Ok(match (s, ratio) {
        (Some(_), Some(_)) => return Err(err("sampler", "give sampler or samplingRatio, not both")),
        (None, Some(r)) => parent_based(Sampler::TraceIdRatio(in_range("samplingRatio", r)?)),
        (None, None) => Sampler::AlwaysOn,
        (Some(RawSampler::Ratio { ratio, parent_based: p }), None) => {
            let s = Sampler::TraceIdRatio(in_range("sampler.ratio", ratio)?);
            if p == Some(false) {
                s
            } else {
                parent_based(s)
            }
        }
        (Some(RawSampler::Named(n)), None) => match n.as_str() {
            "always_on" => Sampler::AlwaysOn,
            "always_off" => Sampler::AlwaysOff,
            "parentbased_always_on" => parent_based(Sampler::AlwaysOn),
            "parentbased_always_off" => parent_based(Sampler::AlwaysOff),
            _ => return Err(err("sampler", "must be one of always_on, always_off, parentbased_always_on, parentbased_always_off or { ratio }")),
        },
    })
}

impl RawSession {
    fn validate(self, e: &mut FirstError) -> SessionConfig {
        let storage = match self.storage.as_deref() {
            None | Some("localStorage") => SessionStorage::Local,
            Some("sessionStorage") => SessionStorage::Session,
            Some("none") => SessionStorage::None,
            Some(_) => e.fail(
                "session.storage",
                "must be \"localStorage\", \"sessionStorage\" or \"none\"",
            ),
        };
        let d = crate::rum::session::Limits::default();
        let limits = crate::rum::session::Limits {
            inactivity_ms: e.whole(
                "session.inactivityTimeoutMs",
                self.inactivity_timeout_ms,
                d.inactivity_ms as u32,
                1,
                604_800_000,
            ) as u64,
            max_duration_ms: e.whole(
                "session.maxDurationMs",
                self.max_duration_ms,
                d.max_duration_ms as u32,
                1,
                604_800_000,
            ) as u64,
        };
        SessionConfig { storage, limits }
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

    fn valid(json: &str) -> Config {
        raw(json).validate(PAGE).unwrap()
    }

    fn error(json: &str) -> String {
        raw(json).validate(PAGE).unwrap_err().to_string()
    }

    #[test]
    fn defaults() {
        let c = valid(r#"{"serviceName":"shop"}"#);
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
            c.offline,
            Some(OfflineLimits::default()),
            "the offline buffer is on unless false"
        );
        assert_eq!(
            (c.web_vitals, c.errors, c.long_tasks, c.capture_console),
            (true, true, true, false),
            "RUM features on unless false; console capture off unless true"
        );
        assert!(!c.require_consent);
        assert!(c.baggage_keys.is_empty());
        let c = valid(
            r#"{"serviceName":"s","webVitals":false,"errors":false,"longTasks":false,
                "captureConsole":true,"requireConsent":true,"baggageKeys":["user.id"]}"#,
        );
        assert_eq!(
            (c.web_vitals, c.errors, c.long_tasks, c.capture_console),
            (false, false, false, true)
        );
        assert!(c.require_consent);
        assert_eq!(c.baggage_keys, vec!["user.id".to_string()]);
    }

    #[test]
    fn rust_callers_start_from_new() {
        let c = RawConfig {
            otlp_endpoint: Some("/otel".into()),
            sampler: Some(RawSampler::Ratio {
                ratio: 0.25,
                parent_based: Some(false),
            }),
            offline: Some(Toggle::On(false)),
            ..RawConfig::new("dash")
        }
        .validate(PAGE)
        .unwrap();
        assert_eq!(c.service_name, "dash");
        assert_eq!(c.traces_url, "https://shop.example/otel/v1/traces");
        assert_eq!(c.sampler, Sampler::TraceIdRatio(0.25));
        assert_eq!(c.offline, None);
    }

    #[test]
    fn session_and_redaction_settings() {
        assert_eq!(
            valid(r#"{"serviceName":"s","session":false}"#).session,
            None
        );
        assert!(valid(r#"{"serviceName":"s","session":true}"#)
            .session
            .is_some());
        let s = valid(
            r#"{"serviceName":"s","session":{"storage":"none","inactivityTimeoutMs":1000,"maxDurationMs":5000}}"#,
        )
        .session
        .unwrap();
        assert_eq!(
            (s.storage, s.limits.inactivity_ms, s.limits.max_duration_ms),
            (SessionStorage::None, 1000, 5000)
        );
        assert_eq!(
            error(r#"{"serviceName":"s","session":{"storage":"cookie"}}"#),
            "invalid config: session.storage: must be \"localStorage\", \"sessionStorage\" or \"none\""
        );
        assert_eq!(
            error(r#"{"serviceName":"s","session":{"inactivityTimeoutMs":-5}}"#),
            "invalid config: session.inactivityTimeoutMs: must be a whole number from 1 to 604800000"
        );
        let c = valid(r#"{"serviceName":"s","redactQueryParams":["UID"," ",""]}"#);
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
        assert_eq!(
            valid(r#"{"serviceName":"s","offline":true}"#).offline,
            Some(OfflineLimits::default())
        );
        assert_eq!(
            valid(r#"{"serviceName":"s","offline":{"maxBytes":2048,"maxAgeMs":60000}}"#).offline,
            Some(OfflineLimits {
                max_bytes: 2048,
                max_age_ms: 60000
            })
        );
        assert_eq!(
            valid(r#"{"serviceName":"s","offline":false}"#).offline,
            None
        );
        assert_eq!(
            error(r#"{"serviceName":"s","offline":{"maxBytes":10}}"#),
            "invalid config: offline.maxBytes: must be a whole number from 1024 to 1073741824"
        );
        assert_eq!(
            error(r#"{"serviceName":"s","offline":{"maxAgeMs":-1}}"#),
            "invalid config: offline.maxAgeMs: must be a whole number from 1000 to 2592000000"
        );
    }

    #[test]
    fn samplers() {
        let sampler = |json: &str| valid(&format!(r#"{{"serviceName":"s",{json}}}"#)).sampler;
        let pb = |s| Sampler::ParentBased(Box::new(s));
        assert_eq!(sampler(r#""sampler":"always_off""#), Sampler::AlwaysOff);
        assert_eq!(
            sampler(r#""sampler":"parentbased_always_off""#),
            pb(Sampler::AlwaysOff)
        );
        assert_eq!(
            sampler(r#""samplingRatio":0.5"#),
            pb(Sampler::TraceIdRatio(0.5)),
            "the shorthand is parent-based"
        );
        assert_eq!(
            sampler(r#""sampler":{"ratio":0.1}"#),
            pb(Sampler::TraceIdRatio(0.1))
        );
        assert_eq!(
            sampler(r#""sampler":{"ratio":0.1,"parentBased":false}"#),
            Sampler::TraceIdRatio(0.1)
        );
        assert_eq!(
            error(r#"{"serviceName":"s","sampler":"always_on","samplingRatio":0.5}"#),
            "invalid config: sampler: give sampler or samplingRatio, not both"
        );
        assert_eq!(
            error(r#"{"serviceName":"s","samplingRatio":2}"#),
            "invalid config: samplingRatio: must be a number from 0 to 1"
        );
        assert_eq!(
            error(r#"{"serviceName":"s","sampler":{"ratio":-0.1}}"#),
            "invalid config: sampler.ratio: must be a number from 0 to 1"
        );
        assert!(error(r#"{"serviceName":"s","sampler":"traceidratio"}"#)
            .starts_with("invalid config: sampler: must be one of always_on, "));
    }

    #[test]
    fn the_public_names_and_nesting() {
        let c = valid(
            r#"{"serviceName":"shop","serviceVersion":"1.0","environment":"prod",
                "resourceAttributes":{"team":"web","shard":3,"beta":true},
                "otlpEndpoint":"/otel/","encoding":"json","compression":"gzip",
                "headers":{"x-api-key":"k"},"requestTimeoutMillis":500,
                "batch":{"maxQueueSize":1000,"maxExportBatchSize":100,"scheduledDelayMillis":30000,
                         "exportTimeoutMillis":1000,"maxConcurrentExports":4},
                "samplingRatio":0.5,"metricExportIntervalMillis":0,"metricsTemporality":"delta",
                "flushOnPageHide":false,"maxRetries":2,"attributeValueLengthLimit":100}"#,
        );
        assert_eq!(
            c.traces_url, "https://shop.example/otel/v1/traces",
            "relative endpoints resolve against the page"
        );
        assert_eq!(c.deployment_environment.as_deref(), Some("prod"));
        assert_eq!(c.encoding, Encoding::Json);
        assert_eq!(c.compression, Compression::Gzip);
        assert_eq!(c.headers, vec![("x-api-key".to_string(), "k".to_string())]);
        assert_eq!(
            c.resource_attributes[1],
            ("shard".to_string(), RawAttr::Number(3.0))
        );
        assert_eq!(c.timeout_ms, 500);
        assert_eq!(
            (
                c.batch.max_queue_size,
                c.batch.max_export_batch_size,
                c.batch.scheduled_delay_ms,
                c.batch.export_timeout_ms,
                c.batch.max_concurrent_exports
            ),
            (1000, 100, 30000, 1000, 4)
        );
        assert_eq!(c.metrics_interval_ms, 0);
        assert_eq!(c.metrics_temporality, Temporality::Delta);
        assert!(!c.flush_on_page_hide);
        assert_eq!(c.max_retries, 2);
        assert_eq!(c.attribute_value_length_limit, 100);
        let c = valid(
            r#"{"serviceName":"s","otlpEndpoint":"http://c:4318","tracesEndpoint":"https://t.example/x"}"#,
        );
        assert_eq!(c.traces_url, "https://t.example/x");
        assert_eq!(c.metrics_url, "http://c:4318/v1/metrics");
        assert_eq!(
            valid(r#"{"serviceName":"s","logsEndpoint":"/l"}"#).logs_url,
            "https://shop.example/l"
        );
        assert_eq!(
            error(r#"{"serviceName":"s","logsEndpoint":"a b"}"#),
            "invalid config: logsEndpoint: is not a URL (contains a space)"
        );
        // The dialect is the whole shape: the old core names are not read.
        for old in [
            r#""endpoint":"/x""#,
            r#""scheduledDelayMs":1"#,
            r#""offlineMaxBytes":2048"#,
        ] {
            assert!(
                serde_json::from_str::<RawConfig>(&format!(r#"{{"serviceName":"s",{old}}}"#))
                    .is_err(),
                "{old}"
            );
        }
    }

    #[test]
    fn errors_name_the_field_path_and_reason() {
        assert_eq!(
            error(r#"{}"#),
            "invalid config: serviceName: must be a non-empty string"
        );
        assert_eq!(
            error(r#"{"serviceName":"  "}"#),
            "invalid config: serviceName: must be a non-empty string"
        );
        assert_eq!(
            error(r#"{"serviceName":"s","otlpEndpoint":"not a url"}"#),
            "invalid config: otlpEndpoint: is not a URL (contains a space)"
        );
        assert_eq!(
            error(r#"{"serviceName":"s","otlpEndpoint":"ftp://x/"}"#),
            "invalid config: otlpEndpoint: is not an http(s) URL"
        );
        assert_eq!(
            error(r#"{"serviceName":"s","otlpEndpoint":"mailto:x"}"#),
            "invalid config: otlpEndpoint: is not an http(s) URL"
        );
        assert_eq!(
            error(r#"{"serviceName":"s","otlpEndpoint":""}"#),
            "invalid config: otlpEndpoint: must not be empty"
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
            error(r#"{"serviceName":"s","batch":{"maxQueueSize":-1}}"#),
            "invalid config: batch.maxQueueSize: must be a whole number from 1 to 1000000"
        );
        assert_eq!(
            error(r#"{"serviceName":"s","batch":{"scheduledDelayMillis":0.5}}"#),
            "invalid config: batch.scheduledDelayMillis: must be a whole number from 0 to 3600000"
        );
        assert_eq!(
            error(r#"{"serviceName":"s","batch":{"exportTimeoutMillis":0}}"#),
            "invalid config: batch.exportTimeoutMillis: must be a whole number from 1 to 3600000"
        );
        assert_eq!(
            error(r#"{"serviceName":"s","requestTimeoutMillis":1.5}"#),
            "invalid config: requestTimeoutMillis: must be a whole number from 1 to 3600000"
        );
        assert_eq!(
            error(r#"{"serviceName":"s","metricExportIntervalMillis":-1}"#),
            "invalid config: metricExportIntervalMillis: must be a whole number from 0 to 86400000"
        );
        assert_eq!(
            error(r#"{"serviceName":"s","batch":{"maxQueueSize":10,"maxExportBatchSize":20}}"#),
            "invalid config: batch.maxExportBatchSize: must not exceed batch.maxQueueSize"
        );
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
