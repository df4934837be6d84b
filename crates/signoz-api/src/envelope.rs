//! The three reply shapes: the `{status, data}` envelope, its error form, and the text/plain
//! error of raw routes.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// `{"status":"success","data":…}`; `data` is absent for nil payloads.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
pub struct Envelope<T> {
    pub status: String,
    #[serde(default = "none", skip_serializing_if = "Option::is_none")]
    pub data: Option<T>,
}

fn none<T>() -> Option<T> {
    None
}

impl<T> Envelope<T> {
    pub fn success(data: Option<T>) -> Self {
        Envelope {
            status: "success".into(),
            data,
        }
    }
}

/// Envelope routes' error: `{"status":"error","errorType":…,"error":…}`, plus `data` when the
/// failure names its part (query_range: `{queryName: message}`).
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ErrorReply {
    pub status: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data: Option<Value>,
    #[serde(default)]
    pub error_type: String,
    #[serde(default)]
    pub error: String,
}

impl ErrorReply {
    pub fn new(error_type: &str, error: impl Into<String>) -> Self {
        ErrorReply {
            status: "error".into(),
            error_type: error_type.into(),
            error: error.into(),
            data: None,
        }
    }
}

/// Raw routes' error (Go's `HandleError`):
/// `{"data":null,"total":0,"limit":0,"offset":0,"errors":[{"code":…,"msg":…}]}`.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
pub struct RawErrorReply {
    #[serde(default)]
    pub data: Option<Value>,
    #[serde(default)]
    pub total: i64,
    #[serde(default)]
    pub limit: i64,
    #[serde(default)]
    pub offset: i64,
    #[serde(default, deserialize_with = "crate::de::null_as_default")]
    pub errors: Vec<RawErrorItem>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
pub struct RawErrorItem {
    #[serde(default)]
    pub code: u16,
    #[serde(default)]
    pub msg: String,
}

impl RawErrorReply {
    pub fn new(code: u16, msg: impl Into<String>) -> Self {
        RawErrorReply {
            errors: vec![RawErrorItem {
                code,
                msg: msg.into(),
            }],
            ..Default::default()
        }
    }
}

/// The message of an error reply in any of the three shapes: envelope `{"error":…}`,
/// text/plain `{"errors":[{msg}]}`, or anything else (the raw text, shortened).
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
