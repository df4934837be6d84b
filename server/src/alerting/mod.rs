//! Alerts leaving the server: what an alert is, the links it carries (SigNoz's rule URL and
//! related traces/logs), the dispatcher that groups and times notifications, and the senders
//! for each channel type.

pub mod dispatcher;
pub mod links;
pub mod mutes;
pub mod notify;

use std::collections::BTreeMap;

use serde::Serialize;

pub type Labels = BTreeMap<String, String>;

/// One alert of a rule (one per label set), firing or resolved, as the dispatcher gets it.
#[derive(Debug, Clone, Serialize)]
pub struct Alert {
    pub rule_id: i64,
    pub fingerprint: String,
    pub labels: Labels,
    pub annotations: Labels,
    /// ms since the epoch.
    pub starts_at: i64,
    /// Set when resolved (ms).
    pub ends_at: Option<i64>,
    pub generator_url: String,
    /// The rule's `preferredChannels`; empty means every channel, as SigNoz routes.
    pub channels: Vec<String>,
    pub value: f64,
    /// Without a refresh for this long (ms) a firing alert counts as resolved (its rule was
    /// deleted or stopped).
    pub stale_after_ms: i64,
}

impl Alert {
    pub fn is_resolved(&self) -> bool {
        self.ends_at.is_some()
    }
}

/// What the API needs to send notifications itself (test rule, test channel).
pub struct Alerting {
    pub cfg: DispatchConfig,
    pub http: reqwest::Client,
}

/// Timings and limits of the dispatcher (server flags).
#[derive(Debug, Clone)]
pub struct DispatchConfig {
    /// The server's public origin, e.g. `http://localhost:8080`: rule links point here when a
    /// rule's `source` is no URL.
    pub public_url: String,
    pub group_by: Vec<String>,
    pub group_wait_ms: u64,
    pub group_interval_ms: u64,
    pub repeat_interval_ms: u64,
    /// Extra attempts after a failed delivery (with doubling backoff from `retry_backoff_ms`).
    pub retries: u32,
    pub retry_backoff_ms: u64,
}

impl Default for DispatchConfig {
    fn default() -> Self {
        DispatchConfig {
            public_url: "http://localhost:8080".into(),
            group_by: vec!["alertname".into()],
            group_wait_ms: 30_000,
            group_interval_ms: 300_000,
            repeat_interval_ms: 4 * 3_600_000,
            retries: 3,
            retry_backoff_ms: 1_000,
        }
    }
}

/// Hex SHA-256 of the sorted labels: an alert's identity.
pub fn fingerprint(labels: &Labels) -> String {
    use sha2::Digest;
    let mut h = sha2::Sha256::new();
    for (k, v) in labels {
        h.update(k.as_bytes());
        h.update([0xff]);
        h.update(v.as_bytes());
        h.update([0xfe]);
    }
    hex::encode(&h.finalize()[..8])
}

pub fn rfc3339_ms(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .unwrap_or_default()
        .to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}
