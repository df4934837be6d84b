//! The legacy `/trace` page's routes (SigNoz v0.39 `getFilteredSpans`, `getFilteredSpans/aggregates`,
//! `getSpanFilters`, `getTagFilters`, `getTagValues`): raw replies, no envelope.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize, Serializer};

use crate::de::null_as_default;

/// `POST /api/v1/getFilteredSpans`. `spans` is `null` when nothing matched, as Go writes a nil slice.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FilteredSpans {
    #[serde(
        default,
        deserialize_with = "null_as_default",
        serialize_with = "empty_as_null"
    )]
    pub spans: Vec<FilteredSpan>,
    #[serde(default)]
    pub total_spans: u64,
}

/// One span row. `HttpMethod` and `RPCMethod` keep Go's field names (no json tag in v0.39);
/// `method` is the RPC method when there is one, else the HTTP method.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
pub struct FilteredSpan {
    /// RFC 3339 with nanoseconds.
    #[serde(default)]
    pub timestamp: String,
    #[serde(default, rename = "spanID")]
    pub span_id: String,
    #[serde(default, rename = "traceID")]
    pub trace_id: String,
    #[serde(default, rename = "serviceName")]
    pub service_name: String,
    #[serde(default)]
    pub operation: String,
    #[serde(default, rename = "durationNano")]
    pub duration_nano: u64,
    #[serde(default, rename = "HttpMethod")]
    pub http_method: String,
    #[serde(default)]
    pub method: String,
    /// The span's response status code (HTTP or gRPC), as text.
    #[serde(default, rename = "statusCode")]
    pub status_code: String,
    #[serde(default, rename = "RPCMethod")]
    pub rpc_method: String,
}

/// `POST /api/v1/getFilteredSpans/aggregates`: one item per bucket, keyed by its start in ns.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct SpanAggregates {
    #[serde(default, deserialize_with = "null_as_default")]
    pub items: BTreeMap<i64, SpanAggregateItem>,
}

/// A bucket: `value` without groupBy, else one value per group. Zero fields are left out
/// (Go's `omitempty`), and values are float32 as in v0.39.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct SpanAggregateItem {
    #[serde(default, skip_serializing_if = "is_zero_i64")]
    pub timestamp: i64,
    #[serde(default, skip_serializing_if = "is_zero_f32")]
    pub value: f32,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub group_by: BTreeMap<String, f32>,
}

/// `POST /api/v1/getSpanFilters`: per filter, the matching span count of each value.
/// Every key is present (empty when not asked for); `status` has `ok`/`error`, `duration`
/// `minDuration`/`maxDuration`.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(default, rename_all = "camelCase")]
pub struct SpanFilters {
    pub service_name: BTreeMap<String, u64>,
    pub status: BTreeMap<String, u64>,
    pub duration: BTreeMap<String, u64>,
    pub operation: BTreeMap<String, u64>,
    pub http_code: BTreeMap<String, u64>,
    pub response_status_code: BTreeMap<String, u64>,
    pub rpc_method: BTreeMap<String, u64>,
    pub http_url: BTreeMap<String, u64>,
    pub http_method: BTreeMap<String, u64>,
    pub http_route: BTreeMap<String, u64>,
    pub http_host: BTreeMap<String, u64>,
    pub component: BTreeMap<String, u64>,
}

/// `POST /api/v1/getTagFilters`: attribute keys of the matching spans, by value type.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct TagFilters {
    #[serde(default, deserialize_with = "null_as_default")]
    pub string_tag_keys: Vec<String>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub number_tag_keys: Vec<String>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub bool_tag_keys: Vec<String>,
}

/// `POST /api/v1/getTagValues`: values of one attribute (strings only; bool keys give
/// `[true, false]`, number keys nothing, as v0.39 does).
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct TagValues {
    #[serde(default, deserialize_with = "null_as_default")]
    pub string_tag_values: Vec<String>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub bool_tag_values: Vec<bool>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub number_tag_values: Vec<f64>,
}

fn empty_as_null<S: Serializer, T: Serialize>(v: &[T], s: S) -> Result<S::Ok, S::Error> {
    if v.is_empty() {
        s.serialize_none()
    } else {
        v.serialize(s)
    }
}

fn is_zero_i64(v: &i64) -> bool {
    *v == 0
}

fn is_zero_f32(v: &f32) -> bool {
    *v == 0.0
}
