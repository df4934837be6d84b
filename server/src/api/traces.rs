//! GET /api/v1/traces/{traceId}: every span of a trace as the 12-column rows SigNoz's trace
//! detail view parses.

use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use serde_json::{json, Map, Value};

use super::access::ViewAccess;
use super::{raw, AppState, RawError};
use crate::store::rows::value_to_string;

pub fn routes() -> Router<AppState> {
    Router::new().route("/api/v1/traces/{trace_id}", get(trace_detail))
}

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

fn parse_map(s: &str) -> Map<String, Value> {
    serde_json::from_str(s).unwrap_or_default()
}

async fn trace_detail(
    State(st): State<AppState>,
    _: ViewAccess,
    Path(trace_id): Path<String>,
) -> Result<Response, RawError> {
    let id = trace_id.trim().to_ascii_lowercase();
    let rows = st
        .store
        .with_conn(move |c| {
            let mut s = c
                .prepare_cached(
                    "SELECT ts, span_id, trace_id, service, name, kind, duration, attrs, resource, refs, events, has_error
                     FROM spans WHERE trace_id = ?1 ORDER BY ts",
                )
                .map_err(|e| e.to_string())?;
            let mut rows = s.query([&id]).map_err(|e| e.to_string())?;
            let mut out = Vec::new();
            while let Some(r) = rows.next().map_err(|e| e.to_string())? {
                let ts: i64 = r.get(0).unwrap();
                let kind: i64 = r.get(5).unwrap();
                let dur: i64 = r.get(6).unwrap();
                let mut keys = Vec::new();
                let mut values = Vec::new();
                // Span attributes first, then resource attributes, as SigNoz's tag map holds both.
                for m in [parse_map(&r.get::<_, String>(7).unwrap()), parse_map(&r.get::<_, String>(8).unwrap())] {
                    for (k, v) in m {
                        keys.push(Value::String(k));
                        values.push(Value::String(value_to_string(&v)));
                    }
                }
                let refs: Value = serde_json::from_str(&r.get::<_, String>(9).unwrap()).unwrap_or(json!([]));
                let events: Value = serde_json::from_str(&r.get::<_, String>(10).unwrap()).unwrap_or(json!([]));
                out.push(json!([
                    ts / 1_000_000,
                    r.get::<_, String>(1).unwrap(),
                    r.get::<_, String>(2).unwrap(),
                    r.get::<_, String>(3).unwrap(),
                    r.get::<_, String>(4).unwrap(),
                    kind.to_string(),
                    dur.to_string(),
                    keys,
                    values,
                    refs,
                    events,
                    r.get::<_, bool>(11).unwrap()
                ]));
            }
            Ok(out)
        })
        .await
        .map_err(RawError::internal)?;
    Ok(raw(json!([{"columns": COLUMNS, "events": rows}])))
}
