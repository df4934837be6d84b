//! The v1 logs API (`/api/v1/logs*`, raw replies): SigNoz v0.39 `model/response.go`
//! `SignozLog`, `GetFieldsResponse`, `GetLogsAggregatesResponse` and `queryParams.go`
//! `UpdateField`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// One log record as the v1 list and both live tails send it (timestamp in ns).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SignozLog {
    pub timestamp: u64,
    pub id: String,
    pub trace_id: String,
    pub span_id: String,
    pub trace_flags: u32,
    pub severity_text: String,
    pub severity_number: u8,
    pub body: String,
    pub resources_string: BTreeMap<String, String>,
    pub attributes_string: BTreeMap<String, String>,
    /// `attributes_int64` in the table; SigNoz names it `attributes_int` on the wire.
    pub attributes_int: BTreeMap<String, i64>,
    pub attributes_float: BTreeMap<String, f64>,
    pub attributes_bool: BTreeMap<String, bool>,
}

/// `GET /api/v1/logs`: `{"results":[SignozLog]}`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LogsResults {
    pub results: Vec<SignozLog>,
}

/// A log field: `type` is `static`, `attributes` or `resources`; `dataType` is the
/// ClickHouse type name (`String`, `Int64`, `Float64`, `Bool`, `UInt32`, ...).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogField {
    pub name: String,
    #[serde(rename = "dataType")]
    pub data_type: String,
    #[serde(rename = "type")]
    pub kind: String,
}

/// `GET /api/v1/logs/fields`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogFields {
    pub selected: Vec<LogField>,
    pub interesting: Vec<LogField>,
}

/// `POST /api/v1/logs/fields` body, echoed back on success.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct UpdateField {
    pub name: String,
    #[serde(rename = "dataType")]
    pub data_type: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub selected: bool,
    /// ClickHouse skip-index type (`minmax`, `bloom_filter(0.01)`, ...).
    pub index: String,
    #[serde(rename = "indexGranularity")]
    pub index_granularity: i64,
}

/// One bucket of `GET /api/v1/logs/aggregate`. Go's `omitempty`: a zero timestamp or value
/// and an empty groupBy are left out.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LogsAggregateItem {
    #[serde(default, skip_serializing_if = "is_zero_i64")]
    pub timestamp: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<f64>,
    #[serde(rename = "groupBy", default, skip_serializing_if = "Option::is_none")]
    pub group_by: Option<BTreeMap<String, f64>>,
}

fn is_zero_i64(v: &i64) -> bool {
    *v == 0
}

/// `GET /api/v1/logs/aggregate`: items keyed by bucket start (ns, as a JSON object key).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LogsAggregate {
    pub items: BTreeMap<i64, LogsAggregateItem>,
}
