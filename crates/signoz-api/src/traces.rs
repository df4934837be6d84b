//! `GET /api/v1/traces/{traceId}`: `[{"columns": [...], "events": [[row], ...]}]`, one
//! 12-column row per span. The server streams this reply by hand (a large trace is tens of
//! MB), writing [`COLUMNS`] and rows in [`SpanRow`]'s order.

use serde::{Deserialize, Serialize};

use crate::de::{null_as_default, string_or_number};

/// The column names, in row order.
pub const COLUMNS: [&str; 12] = [
    "__time",
    "SpanId",
    "TraceId",
    "ServiceName",
    "Name",
    "Kind",
    "DurationNano",
    "TagsKeys",
    "TagsValues",
    "References",
    "Events",
    "HasError",
];

/// One element of the reply (`SearchSpansResult`).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct SearchSpansResult {
    #[serde(default)]
    pub columns: Vec<String>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub events: Vec<SpanRow>,
}

/// One span row, in [`COLUMNS`] order. `References` and `Events` are JSON texts
/// (`{"RefType":"CHILD_OF","SpanId":…,"TraceId":…}` and event objects).
#[derive(Debug, Clone, Deserialize, Serialize)]
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
