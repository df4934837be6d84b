//! Log records, pure: what the logs pipeline queues and the OTLP encoders write
//! (`otlp::proto::encode_logs`, `otlp::json::encode_logs`). The browser sources (errors, web
//! vitals, the JS `emitLog`) build them; `web::pipeline` batches and exports them to
//! `/v1/logs` through the same queue and exporter as spans.

use std::sync::Arc;

use crate::attributes::{KeyValue, Scope};

/// OTLP `SeverityNumber` values used here.
pub const SEVERITY_INFO: u8 = 9;
pub const SEVERITY_WARN: u8 = 13;
pub const SEVERITY_ERROR: u8 = 17;

#[derive(Clone, Debug, PartialEq)]
pub struct LogRecord {
    pub time_ns: u64,
    pub observed_ns: u64,
    /// OTLP `SeverityNumber` (0 = unspecified).
    pub severity: u8,
    pub severity_text: String,
    /// A string body (empty = none).
    pub body: String,
    /// The LogRecord `event_name` field (12); also sent as the `event.name` attribute.
    pub event_name: String,
    pub attributes: Vec<KeyValue>,
    /// The active span's context when the record was made: (trace id, span id, trace flags).
    pub trace: Option<([u8; 16], [u8; 8], u8)>,
    pub scope: Arc<Scope>,
    /// The RUM session: sent once per batch as the `session.id` resource attribute, as for
    /// spans ([`crate::trace::SpanData::session`]).
    pub session: Option<String>,
}

impl LogRecord {
    /// A record of `scope` at `time_ns` with `event.name` set (attribute and field).
    pub fn event(
        scope: Arc<Scope>,
        event_name: &str,
        severity: u8,
        body: String,
        time_ns: u64,
    ) -> Self {
        LogRecord {
            time_ns,
            observed_ns: time_ns,
            severity,
            severity_text: severity_text(severity).into(),
            body,
            event_name: event_name.into(),
            attributes: vec![KeyValue::new("event.name", event_name.to_string())],
            trace: None,
            scope,
            session: None,
        }
    }
}

/// The short name of a severity number's range (`INFO` for 9–12, …); empty for 0.
pub fn severity_text(n: u8) -> &'static str {
    match n {
        1..=4 => "TRACE",
        5..=8 => "DEBUG",
        9..=12 => "INFO",
        13..=16 => "WARN",
        17..=20 => "ERROR",
        21..=24 => "FATAL",
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn severity_texts() {
        assert_eq!(severity_text(SEVERITY_INFO), "INFO");
        assert_eq!(severity_text(SEVERITY_ERROR), "ERROR");
        assert_eq!(severity_text(0), "");
        assert_eq!(severity_text(24), "FATAL");
    }
}
