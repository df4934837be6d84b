//! What the dashboard reads from the API. The wire types shared with the server live in the
//! `signoz-api` crate and are re-exported here; this module adds the dashboard-only views
//! (dashboards, rules, alerts, saved views), which keep their bodies as free JSON.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use signoz_api::de::{null_as_default, string_or_number};
use std::collections::BTreeMap;

pub use signoz_api::exceptions::{ErrorDetail, ErrorGroup};
pub use signoz_api::query_range::{ListRow, Point, QueryRangeData, QueryResult, Series};
pub use signoz_api::services::{DependencyEdge, ServiceItem, TopOperation};
pub use signoz_api::traces::{SearchSpansResult, SpanRow};
pub use signoz_api::users::{LoginResponse, UserPayload, Version};
pub use signoz_api::{error_message, parse_float, value_text, Envelope};

/// One dashboard with `data` read as [`DashboardData`] (contract §4.7).
pub type Dashboard = signoz_api::dashboards::Dashboard<DashboardData>;

/// One dashboard with `data` exactly as stored (read by `crate::dashboard`, which
/// keeps every field).
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
pub struct DashboardJson {
    #[serde(default)]
    pub uuid: String,
    #[serde(default, rename = "isLocked")]
    pub is_locked: Option<Value>,
    #[serde(default)]
    pub data: Value,
}

impl DashboardJson {
    /// The frontend types `isLocked` as a boolean, the server sends 0/1 (or null).
    pub fn locked(&self) -> bool {
        matches!(&self.is_locked, Some(Value::Bool(true)))
            || self.is_locked.as_ref().and_then(Value::as_i64) == Some(1)
    }
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
pub struct DashboardData {
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub description: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub tags: Vec<String>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub widgets: Vec<Value>,
    /// Every other field, kept so a save never drops what another UI wrote.
    #[serde(flatten)]
    pub rest: Map<String, Value>,
}

/// `GET /api/v1/rules` → `data.rules`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct RulesList {
    #[serde(default, deserialize_with = "null_as_default")]
    pub rules: Vec<Rule>,
}

/// A `GettableRule`: the posted rule plus `id` (a string) and `state`.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Rule {
    #[serde(default, deserialize_with = "string_or_number")]
    pub id: String,
    #[serde(default)]
    pub state: String,
    #[serde(default)]
    pub alert: String,
    #[serde(default)]
    pub alert_type: String,
    #[serde(default)]
    pub rule_type: String,
    #[serde(default)]
    pub eval_window: String,
    #[serde(default)]
    pub frequency: String,
    #[serde(default)]
    pub condition: Value,
    #[serde(default, deserialize_with = "null_as_default")]
    pub labels: BTreeMap<String, String>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub annotations: BTreeMap<String, String>,
    #[serde(default)]
    pub disabled: bool,
}

/// Alertmanager alert inside the `/api/v1/alerts` string payload.
pub type TriggeredAlert = signoz_api::alerts::GettableAlert;

/// `/api/v1/alerts` carries a JSON *string* (or, leniently, the array itself).
pub fn parse_triggered_alerts(data: &Value) -> Result<Vec<TriggeredAlert>, String> {
    let parsed: Value = match data {
        Value::String(s) if s.trim().is_empty() => return Ok(Vec::new()),
        Value::String(s) => serde_json::from_str(s).map_err(|e| format!("alerts payload: {e}"))?,
        Value::Null => return Ok(Vec::new()),
        other => other.clone(),
    };
    // Alertmanager v1 wraps the list as {"status":"success","data":[...]}.
    let list = match parsed {
        Value::Object(mut m) => m.remove("data").unwrap_or(Value::Array(Vec::new())),
        other => other,
    };
    match list {
        Value::Null => Ok(Vec::new()),
        v => serde_json::from_value(v).map_err(|e| format!("alerts payload: {e}")),
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests;

/// A saved explorer view (`/api/v1/explorer/views`). `raw` is the view as it
/// came, so an update keeps the fields we do not show. Read by hand from
/// `Value` (a derived deserializer costs more wasm than this).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SavedView {
    pub uuid: String,
    pub name: String,
    pub source_page: String,
    /// The API `compositeQuery` (`builderQueries` keyed by name).
    pub composite_query: Value,
    pub extra_data: String,
    pub created_by: String,
    pub raw: Value,
}

impl SavedView {
    pub fn from_value(v: &Value) -> SavedView {
        let text = |k: &str| value_text(&v[k]);
        SavedView {
            uuid: text("uuid"),
            name: text("name"),
            source_page: text("sourcePage"),
            composite_query: v["compositeQuery"].clone(),
            extra_data: text("extraData"),
            created_by: text("createdBy"),
            raw: v.clone(),
        }
    }
}
