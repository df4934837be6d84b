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
