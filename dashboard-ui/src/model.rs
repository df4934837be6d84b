//! Wire types of the SigNoz query-service v0.39 API, exactly as the contract
//! (`signoz-api.md` §4–§6) serializes them. Lenient where real servers differ
//! (`null` vs `[]`, numbers sent as strings) so one odd field never loses a page.

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// `{"status":"success","data":…}`; `data` is absent for nil payloads.
#[derive(Debug, Clone, Deserialize)]
pub struct Envelope<T> {
    pub status: String,
    #[serde(default = "none")]
    pub data: Option<T>,
}
fn none<T>() -> Option<T> {
    None
}

/// `GET /api/v1/version`.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Version {
    #[serde(default)]
    pub version: String,
    #[serde(default)]
    pub ee: String,
    #[serde(default)]
    pub setup_completed: bool,
}

/// `POST /api/v1/login` reply (raw).
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct LoginResponse {
    pub access_jwt: String,
    #[serde(default)]
    pub access_jwt_expiry: i64,
    pub refresh_jwt: String,
    #[serde(default)]
    pub refresh_jwt_expiry: i64,
    #[serde(default)]
    pub user_id: String,
}

/// `GET /api/v1/user/{id}` (raw). `flags` is `null` for users who never set one.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct UserPayload {
    #[serde(default)]
    pub id: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub org_id: String,
    #[serde(default)]
    pub role: String,
    #[serde(default)]
    pub organization: String,
    #[serde(default)]
    pub flags: Option<BTreeMap<String, String>>,
}

/// One row of `POST /api/v1/services`. Latencies in ns.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ServiceItem {
    pub service_name: String,
    #[serde(default)]
    pub p99: f64,
    #[serde(default)]
    pub avg_duration: f64,
    #[serde(default)]
    pub num_calls: u64,
    #[serde(default)]
    pub call_rate: f64,
    #[serde(default)]
    pub num_errors: u64,
    /// Percent.
    #[serde(default)]
    pub error_rate: f64,
}

/// One row of `POST /api/v1/service/top_operations` (ns latencies).
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct TopOperation {
    pub name: String,
    #[serde(default)]
    pub p50: f64,
    #[serde(default)]
    pub p95: f64,
    #[serde(default)]
    pub p99: f64,
    #[serde(default)]
    pub num_calls: u64,
    #[serde(default)]
    pub error_count: u64,
}

/// One edge of `POST /api/v1/dependency_graph`.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct DependencyEdge {
    pub parent: String,
    pub child: String,
    #[serde(default)]
    pub call_count: u64,
    #[serde(default)]
    pub call_rate: f64,
    /// Percent.
    #[serde(default)]
    pub error_rate: f64,
    #[serde(default)]
    pub p99: f64,
}

/// `GET /api/v1/traces/{id}` is `[SearchSpansResult]`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct SearchSpansResult {
    #[serde(default)]
    pub columns: Vec<String>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub events: Vec<SpanRow>,
}

/// One 12-column span row, in the contract's column order.
#[derive(Debug, Clone, Deserialize)]
pub struct SpanRow(
    /// `__time`, ms.
    pub f64,
    pub String,
    pub String,
    pub String,
    pub String,
    /// Kind; a string on the wire, a number tolerated.
    #[serde(deserialize_with = "string_or_number")]
    pub String,
    /// DurationNano as a decimal string (number tolerated).
    #[serde(deserialize_with = "string_or_number")]
    pub String,
    #[serde(deserialize_with = "null_as_default")] pub Vec<String>,
    #[serde(deserialize_with = "null_as_default")] pub Vec<String>,
    #[serde(deserialize_with = "null_as_default")] pub Vec<String>,
    #[serde(deserialize_with = "null_as_default")] pub Vec<String>,
    #[serde(default)] pub bool,
);

/// `POST /api/v3/query_range` `data`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct QueryRangeData {
    #[serde(default, deserialize_with = "null_as_default")]
    pub result: Vec<QueryResult>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct QueryResult {
    #[serde(default)]
    pub query_name: String,
    /// `null` and `[]` both mean "no series" (contract §9).
    #[serde(default, deserialize_with = "null_as_default")]
    pub series: Vec<Series>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub list: Vec<ListRow>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct Series {
    #[serde(default, deserialize_with = "null_as_default")]
    pub labels: BTreeMap<String, String>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub values: Vec<Point>,
}

impl Series {
    /// `k=v, k2=v2`, or `fallback` when there are no labels.
    pub fn label_text(&self, fallback: &str) -> String {
        if self.labels.is_empty() {
            return fallback.to_string();
        }
        self.labels
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Point values are strings and may be `"NaN"`, `"+Inf"`, `"-Inf"` (contract §9).
#[derive(Debug, Clone, Deserialize)]
pub struct Point {
    pub timestamp: i64,
    #[serde(deserialize_with = "float_from_string")]
    pub value: f64,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct ListRow {
    #[serde(default)]
    pub timestamp: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub data: Map<String, Value>,
}

impl ListRow {
    /// A data column as display text (strings unquoted, null as empty).
    pub fn text(&self, key: &str) -> String {
        value_text(self.data.get(key).unwrap_or(&Value::Null))
    }
    pub fn number(&self, key: &str) -> f64 {
        match self.data.get(key) {
            Some(Value::Number(n)) => n.as_f64().unwrap_or(f64::NAN),
            Some(Value::String(s)) => s.parse().unwrap_or(f64::NAN),
            _ => f64::NAN,
        }
    }
}

/// JSON value as plain text for display.
pub fn value_text(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// `POST /api/v1/listErrors` row.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ErrorGroup {
    #[serde(default)]
    pub exception_type: String,
    #[serde(default)]
    pub exception_message: String,
    #[serde(default)]
    pub exception_count: u64,
    #[serde(default)]
    pub last_seen: String,
    #[serde(default)]
    pub first_seen: String,
    #[serde(default)]
    pub service_name: String,
    #[serde(default, rename = "groupID")]
    pub group_id: String,
}

/// `GET /api/v1/errorFromGroupID` reply.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ErrorDetail {
    #[serde(default)]
    pub error_id: String,
    #[serde(default)]
    pub exception_type: String,
    #[serde(default)]
    pub exception_stacktrace: String,
    #[serde(default, deserialize_with = "bool_lenient")]
    pub exception_escaped: bool,
    #[serde(default)]
    pub exception_message: String,
    #[serde(default)]
    pub timestamp: String,
    #[serde(default, rename = "spanID")]
    pub span_id: String,
    #[serde(default, rename = "traceID")]
    pub trace_id: String,
    #[serde(default)]
    pub service_name: String,
    #[serde(default, rename = "groupID")]
    pub group_id: String,
}

/// One dashboard; `data` is free JSON with at least `title` (contract §4.7).
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
pub struct Dashboard {
    #[serde(default)]
    pub id: i64,
    #[serde(default)]
    pub uuid: String,
    #[serde(default)]
    pub created_at: String,
    #[serde(default)]
    pub updated_at: String,
    /// `null` in the create reply, `0`/`1` afterwards.
    #[serde(default, rename = "isLocked")]
    pub is_locked: Option<i64>,
    #[serde(default)]
    pub data: DashboardData,
}

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
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct TriggeredAlert {
    #[serde(default, deserialize_with = "null_as_default")]
    pub labels: BTreeMap<String, String>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub annotations: BTreeMap<String, String>,
    #[serde(default)]
    pub starts_at: String,
    #[serde(default)]
    pub status: Value,
}

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

/// An error reply in any of the contract's shapes (§2): envelope
/// `{"status":"error","error":…}`, structured text/plain `{"errors":[{msg}]}`,
/// or anything else (shown as the raw text).
pub fn error_message(status: u16, body: &str) -> String {
    let text = body.trim();
    if let Ok(v) = serde_json::from_str::<Value>(text) {
        if let Some(msg) = v.get("error").and_then(Value::as_str) {
            return msg.to_string();
        }
        if let Some(msg) = v
            .get("errors")
            .and_then(Value::as_array)
            .and_then(|a| a.first())
            .and_then(|e| e.get("msg"))
            .and_then(Value::as_str)
        {
            return msg.to_string();
        }
    }
    if text.is_empty() {
        format!("HTTP {status}")
    } else {
        let short: String = text.chars().take(300).collect();
        format!("HTTP {status}: {short}")
    }
}

fn null_as_default<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

fn string_or_number<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::String(s) => s,
        Value::Null => String::new(),
        other => other.to_string(),
    })
}

fn float_from_string<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::Number(n) => n.as_f64().unwrap_or(f64::NAN),
        Value::String(s) => parse_float(&s),
        _ => f64::NAN,
    })
}

fn bool_lenient<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::Bool(b) => b,
        Value::String(s) => s == "true",
        _ => false,
    })
}

/// Go's float formatting: `NaN`, `+Inf`, `-Inf` plus ordinary decimals.
pub fn parse_float(s: &str) -> f64 {
    match s.trim() {
        "NaN" => f64::NAN,
        "+Inf" | "Inf" => f64::INFINITY,
        "-Inf" => f64::NEG_INFINITY,
        t => t.parse().unwrap_or(f64::NAN),
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
