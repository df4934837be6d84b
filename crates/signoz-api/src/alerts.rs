//! `GET /api/v1/alerts`: `data` is a JSON *string* holding Alertmanager's v1 reply
//! `{"status":"success","data":[alert…]}` (v0.39 passes Alertmanager's body through).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::de::null_as_default;

/// One alert as Alertmanager lists it. Times are RFC 3339; `endsAt` is Go's zero time while
/// the alert fires.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct GettableAlert {
    #[serde(default, deserialize_with = "null_as_default")]
    pub labels: BTreeMap<String, String>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub annotations: BTreeMap<String, String>,
    #[serde(default)]
    pub starts_at: String,
    #[serde(default)]
    pub ends_at: String,
    #[serde(default)]
    pub updated_at: String,
    #[serde(default, rename = "generatorURL")]
    pub generator_url: String,
    #[serde(default)]
    pub fingerprint: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub receivers: Vec<Receiver>,
    /// `{state, silencedBy, inhibitedBy}`; read leniently (older servers send a string).
    #[serde(default)]
    pub status: Value,
    /// The rule's value when it fired (an addition of this server's).
    #[serde(default)]
    pub value: f64,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
pub struct Receiver {
    #[serde(default)]
    pub name: String,
}

/// `status` of an alert this server writes.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct AlertStatus {
    pub state: String,
    #[serde(default)]
    pub silenced_by: Vec<String>,
    #[serde(default)]
    pub inhibited_by: Vec<String>,
}

/// `POST /api/v1/testRule` `data`: how many alerts the rule fired now.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct TestRuleResult {
    #[serde(default)]
    pub alert_count: u64,
    #[serde(default)]
    pub message: String,
}

/// One state change of a rule (`GET /api/v1/rules/{id}/history`, this server's addition).
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct RuleHistoryEntry {
    #[serde(default)]
    pub rule_id: String,
    #[serde(default)]
    pub unix_milli: i64,
    #[serde(default)]
    pub timestamp: String,
    #[serde(default)]
    pub state: String,
    #[serde(default)]
    pub value: Option<f64>,
    /// The alert's labels as stored (an object of strings; `null` if unreadable).
    #[serde(default)]
    pub labels: Value,
    #[serde(default)]
    pub fingerprint: String,
}

/// One notification attempt (`GET /api/v1/alerts/deliveries`, this server's delivery log).
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Delivery {
    #[serde(default)]
    pub id: i64,
    #[serde(default)]
    pub timestamp: String,
    #[serde(default)]
    pub channel: String,
    #[serde(default)]
    pub channel_type: String,
    #[serde(default)]
    pub group_key: String,
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub firing: i64,
    #[serde(default)]
    pub resolved: i64,
    #[serde(default)]
    pub attempts: i64,
    #[serde(default)]
    pub http_status: Option<i64>,
    #[serde(default)]
    pub error: Option<String>,
}
