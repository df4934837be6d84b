//! Builder `list` over logs, with SigNoz's log row fields (graphs use `table::aggregate`).

use rusqlite::types::Value as SqlValue;
use rusqlite::{params_from_iter, Connection};
use serde_json::{json, Map, Value};

use super::model::BuilderQuery;
use super::rfc3339_nano;
use super::table::LOGS;
use super::traces::page;
use super::{list_row, QueryError};
use crate::store::rows::value_to_string;
use signoz_api::logs_v1::SignozLog;
use signoz_api::query_range::ListRow;

/// Log attributes split by type as SigNoz keeps them: strings, ints, floats, bools.
pub fn split_attributes(attrs: Map<String, Value>) -> [Map<String, Value>; 4] {
    let (mut strings, mut ints, mut floats, mut bools) =
        (Map::new(), Map::new(), Map::new(), Map::new());
    for (k, v) in attrs {
        match &v {
            Value::Bool(_) => bools.insert(k, v),
            Value::Number(n) if n.is_i64() || n.is_u64() => ints.insert(k, v),
            Value::Number(_) => floats.insert(k, v),
            _ => strings.insert(k, Value::String(value_to_string(&v))),
        };
    }
    [strings, ints, floats, bools]
}

/// Resource attributes as `resources_string` (every value as a string).
pub fn resources_string(resource: Map<String, Value>) -> Map<String, Value> {
    resource
        .into_iter()
        .map(|(k, v)| (k, Value::String(value_to_string(&v))))
        .collect()
}

pub fn list(
    c: &Connection,
    q: &BuilderQuery,
    start_ns: i64,
    end_ns: i64,
) -> Result<Vec<ListRow>, QueryError> {
    let w = LOGS.where_clause(q, start_ns, end_ns)?;
    let asc = q
        .order_by
        .first()
        .is_some_and(|o| o.column_name == "timestamp" && o.order.eq_ignore_ascii_case("asc"));
    let dir = if asc { "ASC" } else { "DESC" };
    let (limit, offset) = page(q);
    let mut params: Vec<SqlValue> = w.params.clone();
    params.push(limit.into());
    params.push(offset.into());
    let sql = format!(
        "SELECT ts, id, trace_id, span_id, trace_flags, severity_text, severity_number, body, attrs, resource
         FROM logs WHERE {} ORDER BY ts {dir}, id {dir} LIMIT ? OFFSET ?",
        w.sql()
    );
    let mut st = c.prepare(&sql)?;
    let mut rows = st.query(params_from_iter(params.iter()))?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let ts: i64 = r.get(0).unwrap();
        let attrs: Map<String, Value> =
            serde_json::from_str(&r.get::<_, String>(8).unwrap()).unwrap_or_default();
        let resource: Map<String, Value> =
            serde_json::from_str(&r.get::<_, String>(9).unwrap()).unwrap_or_default();
        let [strings, ints, floats, bools] = split_attributes(attrs);
        let resources = resources_string(resource);
        // The row's columns are SigNoz's logs table, free-form on the wire (`ListRow.data`).
        out.push(list_row(
            rfc3339_nano(ts),
            json!({
                "id": r.get::<_, String>(1).unwrap(),
                "trace_id": r.get::<_, String>(2).unwrap(),
                "span_id": r.get::<_, String>(3).unwrap(),
                "trace_flags": r.get::<_, i64>(4).unwrap(),
                "severity_text": r.get::<_, String>(5).unwrap(),
                "severity_number": r.get::<_, i64>(6).unwrap(),
                "body": r.get::<_, String>(7).unwrap(),
                "attributes_string": strings,
                "attributes_int64": ints,
                "attributes_float64": floats,
                "attributes_bool": bools,
                "resources_string": resources,
            }),
        ));
    }
    Ok(out)
}

/// The columns [`signoz_log`] reads, in order.
pub const SIGNOZ_LOG_COLUMNS: &str =
    "ts, id, trace_id, span_id, trace_flags, severity_text, severity_number, body, attrs, resource";

/// A row selected with [`SIGNOZ_LOG_COLUMNS`] starting at column `at`, as SigNoz's `SignozLog`.
pub fn signoz_log(r: &rusqlite::Row, at: usize) -> SignozLog {
    let text = |i: usize| r.get::<_, String>(at + i).unwrap_or_default();
    let int = |i: usize| r.get::<_, i64>(at + i).unwrap_or(0);
    let attrs: Map<String, Value> = serde_json::from_str(&text(8)).unwrap_or_default();
    let resource: Map<String, Value> = serde_json::from_str(&text(9)).unwrap_or_default();
    let [strings, ints, floats, bools] = split_attributes(attrs);
    let strs = |m: Map<String, Value>| {
        m.into_iter()
            .map(|(k, v)| (k, value_to_string(&v)))
            .collect()
    };
    SignozLog {
        timestamp: int(0).max(0) as u64,
        id: text(1),
        trace_id: text(2),
        span_id: text(3),
        trace_flags: int(4).clamp(0, u32::MAX as i64) as u32,
        severity_text: text(5),
        severity_number: int(6).clamp(0, u8::MAX as i64) as u8,
        body: text(7),
        resources_string: strs(resources_string(resource)),
        attributes_string: strs(strings),
        attributes_int: ints
            .into_iter()
            .filter_map(|(k, v)| Some((k, v.as_i64()?)))
            .collect(),
        attributes_float: floats
            .into_iter()
            .filter_map(|(k, v)| Some((k, v.as_f64()?)))
            .collect(),
        attributes_bool: bools
            .into_iter()
            .filter_map(|(k, v)| Some((k, v.as_bool()?)))
            .collect(),
    }
}
