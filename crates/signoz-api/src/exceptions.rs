//! Exceptions: `POST /api/v1/listErrors`, `/countErrors` (a bare number),
//! `GET /api/v1/errorFromGroupID`, `/errorFromErrorID`, `/nextPrevErrorIDs`.
//! Times are RFC 3339 strings with nanoseconds.

use serde::{Deserialize, Serialize};

/// One row of `POST /api/v1/listErrors`: an exception group.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
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

/// `GET /api/v1/errorFromGroupID` and `/errorFromErrorID`: one exception.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ErrorDetail {
    #[serde(default)]
    pub error_id: String,
    #[serde(default)]
    pub exception_type: String,
    #[serde(default)]
    pub exception_stacktrace: String,
    #[serde(default, deserialize_with = "crate::de::bool_lenient")]
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

/// `GET /api/v1/nextPrevErrorIDs`: the neighbours of one exception in its group (empty IDs
/// and the zero time when there is none).
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
pub struct NextPrevErrors {
    #[serde(default, rename = "nextErrorID")]
    pub next_error_id: String,
    #[serde(default, rename = "nextTimestamp")]
    pub next_timestamp: String,
    #[serde(default, rename = "prevErrorID")]
    pub prev_error_id: String,
    #[serde(default, rename = "prevTimestamp")]
    pub prev_timestamp: String,
    #[serde(default, rename = "groupID")]
    pub group_id: String,
}
