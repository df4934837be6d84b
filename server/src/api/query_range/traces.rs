//! Builder queries over spans: graphs (from the per-minute rollup when the query only
//! filters and groups by service and operation, else from raw spans), `list` and `trace`.

use std::collections::HashMap;

use rusqlite::types::Value as SqlValue;
use rusqlite::{params_from_iter, Connection};
use serde_json::{json, Map, Value};

use super::model::{quantile_of, BuilderQuery};
use super::rfc3339_nano;
use super::series::{Labels, SeriesSet};
use super::table::{decode_value, SPANS};
use super::{list_row, QueryError};
use crate::store::rows::lossy_i64;
use crate::store::sketch::Sketch;
use signoz_api::query_range::ListRow;

const NS_PER_MIN: i64 = 60_000_000_000;

/// Graph over the rollup, or None when the query needs raw spans.
pub fn graph_from_rollup(
    c: &Connection,
    q: &BuilderQuery,
    start_ns: i64,
    end_ns: i64,
) -> Result<Option<SeriesSet>, QueryError> {
    let op = q.aggregate_operator.as_str();
    let quantile = quantile_of(op);
    let on_duration = q.aggregate_attribute.key == "durationNano";
    let counting = matches!(op, "count" | "rate");
    if q.step_interval % 60 != 0
        || !(counting || (on_duration && (quantile.is_some() || matches!(op, "avg" | "sum"))))
    {
        return Ok(None);
    }
    if !q
        .group_by
        .iter()
        .all(|g| matches!(g.key.as_str(), "serviceName" | "name"))
    {
        return Ok(None);
    }
    let mut sql = vec!["minute BETWEEN ? AND ?".to_string()];
    let mut params: Vec<SqlValue> = vec![
        start_ns.div_euclid(NS_PER_MIN).into(),
        end_ns.div_euclid(NS_PER_MIN).into(),
    ];
    let mut errors_only = false;
    for item in q.filters.iter().flat_map(|f| f.items.iter()) {
        let col = match item.key.key.as_str() {
            "serviceName" if item.key.kind != "resource" => "service",
            "name" => "name",
            "hasError"
                if counting
                    && item.op == "="
                    && (item.value == json!(true) || item.value == json!("true")) =>
            {
                errors_only = true;
                continue;
            }
            _ => return Ok(None),
        };
        let values: Vec<SqlValue> = match (&item.op[..], &item.value) {
            ("=", Value::String(s)) => vec![s.clone().into()],
            ("in", Value::Array(a)) if a.iter().all(|v| v.is_string()) => a
                .iter()
                .map(|v| v.as_str().unwrap().to_string().into())
                .collect(),
            _ => return Ok(None),
        };
        if values.is_empty() {
            return Ok(Some(SeriesSet::default()));
        }
        sql.push(format!("{col} IN ({})", vec!["?"; values.len()].join(", ")));
        params.extend(values);
    }
    if q.filters
        .as_ref()
        .is_some_and(|f| f.op.eq_ignore_ascii_case("or") && f.items.len() > 1)
    {
        return Ok(None);
    }
    let stmt = format!("SELECT service, name, minute, calls, errors, duration_sum, sketch FROM span_rollup WHERE {}", sql.join(" AND "));
    let mut st = c.prepare(&stmt)?;
    let mut rows = st.query(params_from_iter(params.iter()))?;
    let step_min = q.step_interval / 60;
    // (labels, bucket ms) → (calls, errors, duration sum, sketch)
    let mut acc: HashMap<(Labels, i64), (i64, i64, i64, Sketch)> = HashMap::new();
    while let Some(r) = rows.next()? {
        let service: String = r.get(0)?;
        let name: String = r.get(1)?;
        let minute: i64 = r.get(2)?;
        let labels: Labels = q
            .group_by
            .iter()
            .map(|g| {
                (
                    g.key.clone(),
                    if g.key == "serviceName" {
                        service.clone()
                    } else {
                        name.clone()
                    },
                )
            })
            .collect();
        let bucket = minute.div_euclid(step_min) * step_min * 60_000;
        let e = acc
            .entry((labels, bucket))
            .or_insert_with(|| (0, 0, 0, Sketch::default()));
        let read = |i| lossy_i64(r, i).map_err(QueryError::from);
        e.0 = e.0.saturating_add(read(3)?);
        e.1 = e.1.saturating_add(read(4)?);
        e.2 = e.2.saturating_add(read(5)?);
        if quantile.is_some() {
            e.3.merge(&Sketch::decode(&r.get::<_, Vec<u8>>(6)?));
        }
    }
    let mut out = SeriesSet::default();
    for ((labels, ts), (calls, errors, dur, sketch)) in acc {
        let n = if errors_only { errors } else { calls };
        let v = match op {
            "count" => n as f64,
            "rate" => n as f64 / q.step_interval as f64,
            "sum" => dur as f64,
            "avg" if calls > 0 => dur as f64 / calls as f64,
            _ => match quantile.and_then(|qv| sketch.quantile(qv)) {
                Some(v) => v,
                None => continue,
            },
        };
        if errors_only && n == 0 {
            continue;
        }
        out.set(labels, ts, v);
    }
    Ok(Some(out))
}

fn order_sql(q: &BuilderQuery, default: &str) -> (String, Vec<SqlValue>) {
    let Some(o) = q.order_by.first() else {
        return (default.to_string(), vec![]);
    };
    let dir = if o.order.eq_ignore_ascii_case("asc") {
        "ASC"
    } else {
        "DESC"
    };
    let key = super::model::AttributeKey {
        key: o.column_name.clone(),
        is_column: true,
        ..Default::default()
    };
    let (e, _) = SPANS.key_expr(&key);
    (format!("{} {dir}", e.sql), e.params)
}

pub fn page(q: &BuilderQuery) -> (i64, i64) {
    let limit = q
        .limit
        .filter(|l| *l > 0)
        .or(Some(q.page_size).filter(|p| *p > 0))
        .unwrap_or(100)
        .min(10_000);
    (limit as i64, q.offset.min(i64::MAX as u64) as i64)
}

/// `list` panel: one row per span with spanID, traceID and the selected columns.
pub fn list(
    c: &Connection,
    q: &BuilderQuery,
    start_ns: i64,
    end_ns: i64,
) -> Result<Vec<ListRow>, QueryError> {
    let w = SPANS.where_clause(q, start_ns, end_ns)?;
    let mut select = vec![
        "ts".to_string(),
        "span_id".to_string(),
        "trace_id".to_string(),
    ];
    let mut params: Vec<SqlValue> = Vec::new();
    let mut decodes = Vec::new();
    for col in &q.select_columns {
        let (e, decode) = SPANS.select_expr(col);
        select.push(e.sql);
        params.extend(e.params);
        decodes.push(decode);
    }
    let (order, order_params) = order_sql(q, "ts DESC");
    let (limit, offset) = page(q);
    let where_sql = w.sql();
    params.extend(w.params);
    params.extend(order_params);
    params.push(limit.into());
    params.push(offset.into());
    let sql = format!(
        "SELECT {} FROM spans WHERE {} ORDER BY {order} LIMIT ? OFFSET ?",
        select.join(", "),
        where_sql
    );
    let mut st = c.prepare(&sql)?;
    let mut rows = st.query(params_from_iter(params.iter()))?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let ts: i64 = r.get(0).unwrap();
        let mut data = Map::new();
        data.insert("spanID".into(), Value::String(r.get(1).unwrap()));
        data.insert("traceID".into(), Value::String(r.get(2).unwrap()));
        for (i, col) in q.select_columns.iter().enumerate() {
            let mut v = decode_value(
                r.get::<_, SqlValue>(i + 3).unwrap_or(SqlValue::Null),
                decodes[i],
            );
            if v.is_null() && (col.data_type == "string" || col.data_type.is_empty()) {
                v = Value::String(String::new());
            }
            data.insert(col.key.clone(), v);
        }
        out.push(ListRow {
            timestamp: rfc3339_nano(ts),
            data,
        });
    }
    Ok(out)
}

/// `trace` panel: root spans of the traces that have a matching span, longest first.
pub fn traces(
    c: &Connection,
    q: &BuilderQuery,
    start_ns: i64,
    end_ns: i64,
) -> Result<Vec<ListRow>, QueryError> {
    let w = SPANS.where_clause(q, start_ns, end_ns)?;
    let (limit, offset) = page(q);
    let sql = format!(
        "SELECT p.service, p.name, (SELECT COUNT(*) FROM spans x WHERE x.trace_id = p.trace_id), p.duration, p.trace_id
         FROM spans p WHERE p.parent_span_id = '' AND p.trace_id IN (SELECT trace_id FROM spans WHERE {})
         ORDER BY p.duration DESC LIMIT ? OFFSET ?",
        w.sql()
    );
    let mut params = w.params;
    params.push(limit.into());
    params.push(offset.into());
    let mut st = c.prepare(&sql)?;
    let mut rows = st.query(params_from_iter(params.iter()))?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        out.push(list_row(
            "0001-01-01T00:00:00Z".into(),
            json!({
                "subQuery.serviceName": r.get::<_, String>(0).unwrap(),
                "subQuery.name": r.get::<_, String>(1).unwrap(),
                "span_count": r.get::<_, i64>(2).unwrap(),
                "subQuery.durationNano": r.get::<_, i64>(3).unwrap(),
                "traceID": r.get::<_, String>(4).unwrap(),
            }),
        ));
    }
    Ok(out)
}
