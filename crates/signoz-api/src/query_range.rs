//! `POST /api/v3/query_range`: the request (`QueryRangeParamsV3`) and the reply's `data`.
//!
//! Times are epoch milliseconds, `step` / `stepInterval` seconds. Request fields the server
//! does not use are ignored; the dashboard builds its requests from its own query model
//! (which keeps SigNoz's frontend fields), so these request types are what the server reads.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize, Serializer};
use serde_json::{Map, Value};

use crate::de::{float_as_string, float_from_string, null_as_default, value_text};

#[derive(Deserialize, Serialize, Debug, Clone, Default)]
#[serde(default, rename_all = "camelCase")]
pub struct QueryRangeParams {
    pub start: i64,
    pub end: i64,
    pub step: i64,
    pub variables: Map<String, Value>,
    pub no_cache: bool,
    pub composite_query: Option<CompositeQuery>,
}

#[derive(Deserialize, Serialize, Debug, Clone, Default)]
#[serde(default, rename_all = "camelCase")]
pub struct CompositeQuery {
    pub query_type: String,
    pub panel_type: String,
    pub builder_queries: BTreeMap<String, BuilderQuery>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prom_queries: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ch_queries: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
}

/// `BaseAutocompleteData`: an attribute key, as filters, groupBy and autocomplete carry it.
#[derive(Deserialize, Serialize, Debug, Clone, Default, PartialEq)]
#[serde(default, rename_all = "camelCase")]
pub struct AttributeKey {
    pub key: String,
    pub data_type: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub is_column: bool,
    #[serde(rename = "isJSON")]
    pub is_json: bool,
}

#[derive(Deserialize, Serialize, Debug, Clone, Default)]
#[serde(default)]
pub struct FilterItem {
    pub key: AttributeKey,
    pub value: Value,
    pub op: String,
}

#[derive(Deserialize, Serialize, Debug, Clone, Default)]
#[serde(default)]
pub struct FilterSet {
    pub op: String,
    pub items: Vec<FilterItem>,
}

#[derive(Deserialize, Serialize, Debug, Clone, Default)]
#[serde(default, rename_all = "camelCase")]
pub struct Having {
    pub column_name: String,
    pub op: String,
    pub value: Value,
}

#[derive(Deserialize, Serialize, Debug, Clone, Default)]
#[serde(default, rename_all = "camelCase")]
pub struct OrderBy {
    pub column_name: String,
    pub order: String,
}

/// A builder query's `dataSource`. Anything else is kept as sent, so validation can name it.
#[derive(Deserialize, Debug, Clone, Default, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum DataSource {
    Traces,
    Logs,
    Metrics,
    #[default]
    #[serde(skip)]
    Missing,
    #[serde(untagged)]
    Other(String),
}

impl DataSource {
    pub fn as_str(&self) -> &str {
        match self {
            DataSource::Traces => "traces",
            DataSource::Logs => "logs",
            DataSource::Metrics => "metrics",
            DataSource::Missing => "",
            DataSource::Other(s) => s,
        }
    }
}

impl Serialize for DataSource {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

#[derive(Deserialize, Serialize, Debug, Clone, Default)]
#[serde(default, rename_all = "camelCase")]
pub struct BuilderQuery {
    pub query_name: String,
    pub expression: String,
    pub data_source: DataSource,
    pub aggregate_operator: String,
    pub aggregate_attribute: AttributeKey,
    pub filters: Option<FilterSet>,
    pub group_by: Vec<AttributeKey>,
    pub step_interval: i64,
    pub disabled: bool,
    pub having: Vec<Having>,
    pub legend: String,
    pub limit: Option<u64>,
    pub offset: u64,
    pub page_size: u64,
    pub order_by: Vec<OrderBy>,
    pub reduce_to: String,
    pub select_columns: Vec<AttributeKey>,
}

impl BuilderQuery {
    /// A formula's expression names other queries; a query's is its own name.
    pub fn is_formula(&self) -> bool {
        self.expression != self.query_name
    }
}

/// The reply's `data`: `{"resultType": "", "result": [...]}`.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct QueryRangeData {
    #[serde(default)]
    pub result_type: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub result: Vec<QueryResult>,
}

/// One query's result: time series (graph, value, table panels) or rows (list, trace).
/// The server writes both keys, the unused one as `null`; `series` is `null` or `[]` for
/// "no series" depending on the data source, as SigNoz does.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct QueryResult {
    #[serde(default)]
    pub query_name: String,
    #[serde(default)]
    pub series: Option<Vec<Series>>,
    #[serde(default)]
    pub list: Option<Vec<ListRow>>,
}

impl QueryResult {
    /// The series, none for `null`.
    pub fn series(&self) -> &[Series] {
        self.series.as_deref().unwrap_or_default()
    }
    /// The rows, none for `null`.
    pub fn list(&self) -> &[ListRow] {
        self.list.as_deref().unwrap_or_default()
    }
}

/// One labelled series. `labelsArray` repeats the labels in groupBy order, one single-key
/// object each (`null` when there are none).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Series {
    #[serde(default, deserialize_with = "null_as_default")]
    pub labels: BTreeMap<String, String>,
    #[serde(default)]
    pub labels_array: Option<Vec<BTreeMap<String, String>>>,
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

/// A point: timestamp in ms, value as a string that may be `"NaN"`, `"+Inf"`, `"-Inf"`.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct Point {
    pub timestamp: i64,
    #[serde(
        deserialize_with = "float_from_string",
        serialize_with = "float_as_string"
    )]
    pub value: f64,
}

/// A list row: an RFC 3339 timestamp and the selected columns (free-form).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
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
    /// A data column as a number (NaN when missing or not numeric).
    pub fn number(&self, key: &str) -> f64 {
        match self.data.get(key) {
            Some(Value::Number(n)) => n.as_f64().unwrap_or(f64::NAN),
            Some(Value::String(s)) => s.parse().unwrap_or(f64::NAN),
            _ => f64::NAN,
        }
    }
}
