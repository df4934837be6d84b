//! What the receiver hands to the writer: one struct per stored row.

use std::sync::Arc;

use serde_json::{Map, Value};

#[derive(Debug, Clone, Default)]
pub struct SpanRow {
    pub ts: i64,
    pub trace_id: String,
    pub span_id: String,
    pub parent_span_id: String,
    pub service: String,
    pub name: String,
    pub kind: i32,
    pub duration: i64,
    pub status_code: i32,
    pub status_message: String,
    pub has_error: bool,
    pub http_method: String,
    pub response_status_code: String,
    pub attrs: Map<String, Value>,
    /// Shared by every span of one resource, so the writer serialises it once.
    pub resource: Arc<Map<String, Value>>,
    /// Each a JSON text `{name,timeUnixNano,attributeMap,isError}` as the trace-detail API returns.
    pub events: Vec<String>,
    /// Each `{TraceId=.., SpanId=.., RefType=CHILD_OF|FOLLOWS_FROM}`.
    pub refs: Vec<String>,
    /// Entry point of its service (no parent, or a SERVER/CONSUMER span).
    pub top_level: bool,
}

#[derive(Debug, Clone, Default)]
pub struct ErrorRow {
    pub ts: i64,
    pub error_id: String,
    pub group_id: String,
    pub trace_id: String,
    pub span_id: String,
    pub service: String,
    pub exception_type: String,
    pub exception_message: String,
    pub exception_stacktrace: String,
    pub exception_escaped: bool,
}

#[derive(Debug, Clone, Default)]
pub struct LogRow {
    pub ts: i64,
    pub observed_ts: i64,
    pub id: String,
    pub trace_id: String,
    pub span_id: String,
    pub trace_flags: u32,
    pub severity_text: String,
    pub severity_number: i32,
    pub body: String,
    pub service: String,
    pub attrs: Map<String, Value>,
    pub resource: Map<String, Value>,
}

#[derive(Debug, Clone, Default)]
pub struct MetricRow {
    pub ts: i64,
    pub metric: String,
    /// "sum" | "gauge" | "histogram"
    pub kind: &'static str,
    /// OTLP AggregationTemporality: 1 delta, 2 cumulative, 0 for gauges.
    pub temporality: i32,
    pub monotonic: bool,
    pub labels: Map<String, Value>,
    pub value: Option<f64>,
    pub count: Option<u64>,
    pub sum: Option<f64>,
    pub bounds: Option<Vec<f64>>,
    pub bucket_counts: Option<Vec<u64>>,
}

/// One OTLP request's worth of rows, written in one transaction.
#[derive(Debug, Default)]
pub struct Batch {
    pub spans: Vec<SpanRow>,
    pub errors: Vec<ErrorRow>,
    pub logs: Vec<LogRow>,
    pub metrics: Vec<MetricRow>,
}

/// SQLite-friendly JSON type name of a value, as the autocomplete API reports it.
pub fn data_type_of(v: &Value) -> &'static str {
    match v {
        Value::Bool(_) => "bool",
        Value::Number(n) if n.is_i64() || n.is_u64() => "int64",
        Value::Number(_) => "float64",
        _ => "string",
    }
}

/// The string form used in tag value lists (strings unquoted, everything else as JSON).
pub fn value_to_string(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// An integer column read saturating: a REAL there (a sum that overflowed before sums were
/// capped, or data written elsewhere) becomes the nearest i64 instead of an error.
pub fn lossy_i64(r: &rusqlite::Row, i: usize) -> rusqlite::Result<i64> {
    use rusqlite::types::ValueRef;
    Ok(match r.get_ref(i)? {
        ValueRef::Integer(v) => v,
        ValueRef::Real(f) => f as i64,
        ValueRef::Text(t) => std::str::from_utf8(t)
            .ok()
            .and_then(|s| s.trim().parse::<f64>().ok())
            .map_or(0, |f| f as i64),
        ValueRef::Null | ValueRef::Blob(_) => 0,
    })
}
