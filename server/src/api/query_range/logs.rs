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
