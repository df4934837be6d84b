//! Shared SQL for builder queries over the span and log tables: which keys are real columns,
//! how filters and groupBy keys become SQL, and time-bucketed aggregation.

use std::collections::BTreeMap;

use rusqlite::types::Value as SqlValue;
use rusqlite::{params_from_iter, Connection};
use serde_json::Value;

use super::model::{quantile_of, AttributeKey, BuilderQuery};
use super::series::{Labels, SeriesSet};
use super::QueryError;
use crate::store::filter::{
    attr_expr, attr_json_expr, condition, AttrScope, Expr, ValueKind, Where,
};
use crate::store::rows::value_to_string;

#[derive(Clone, Copy)]
pub struct Table {
    pub name: &'static str,
    /// Maps an API column key to (SQL column, how values compare).
    pub column: fn(&str) -> Option<(&'static str, ValueKind)>,
}

pub fn span_column(key: &str) -> Option<(&'static str, ValueKind)> {
    use ValueKind::*;
    Some(match key {
        "serviceName" => ("service", Text),
        "name" => ("name", Text),
        "durationNano" => ("duration", Number),
        "hasError" => ("has_error", Bool),
        "kind" | "spanKind" => ("kind", Number),
        "traceID" => ("trace_id", Text),
        "spanID" => ("span_id", Text),
        "parentSpanID" => ("parent_span_id", Text),
        "httpMethod" => ("http_method", Text),
        "responseStatusCode" => ("response_status_code", Text),
        "statusCode" => ("status_code", Number),
        "statusMessage" => ("status_message", Text),
        "timestamp" => ("ts", Number),
        _ => return None,
    })
}

pub fn log_column(key: &str) -> Option<(&'static str, ValueKind)> {
    use ValueKind::*;
    Some(match key {
        "body" => ("body", Text),
        "severity_text" => ("severity_text", Text),
        "severity_number" => ("severity_number", Number),
        "trace_id" => ("trace_id", Text),
        "span_id" => ("span_id", Text),
        "trace_flags" => ("trace_flags", Number),
        "id" => ("id", Text),
        "timestamp" => ("ts", Number),
        _ => return None,
    })
}

pub const SPANS: Table = Table {
    name: "spans",
    column: span_column,
};
pub const LOGS: Table = Table {
    name: "logs",
    column: log_column,
};

impl Table {
    /// The real column a key names (unless it is explicitly an attribute of another scope).
    fn column_of(&self, k: &AttributeKey) -> Option<(&'static str, ValueKind)> {
        let (col, kind) = (self.column)(&k.key)?;
        (k.is_column || AttrScope::parse(&k.kind) != AttrScope::Resource).then_some((col, kind))
    }

    /// SQL for a key: a real column when the key names one, else a JSON attribute lookup.
    pub fn key_expr(&self, k: &AttributeKey) -> (Expr, ValueKind) {
        match self.column_of(k) {
            Some((col, kind)) => (
                Expr {
                    sql: col.to_string(),
                    params: vec![],
                },
                kind,
            ),
            None => (
                attr_expr(&k.key, AttrScope::parse(&k.kind)),
                ValueKind::of_data_type(&k.data_type),
            ),
        }
    }

    /// SQL that selects a key's value (list columns, groupBy labels) and how to read it back
    /// with its type: attributes come as JSON text, bool columns as 0/1.
    pub fn select_expr(&self, k: &AttributeKey) -> (Expr, Decode) {
        match self.column_of(k) {
            Some((col, kind)) => (
                Expr {
                    sql: col.to_string(),
                    params: vec![],
                },
                Decode::Column(kind),
            ),
            None => (
                attr_json_expr(&k.key, AttrScope::parse(&k.kind)),
                Decode::Json,
            ),
        }
    }

    /// Time window plus the query's filters (AND, or OR when the filter set says so).
    pub fn where_clause(
        &self,
        q: &BuilderQuery,
        start_ns: i64,
        end_ns: i64,
    ) -> Result<Where, String> {
        let mut w = Where::default();
        w.push("ts BETWEEN ? AND ?", [start_ns.into(), end_ns.into()]);
        if let Some(f) = &q.filters {
            let mut parts = Vec::new();
            let mut params = Vec::new();
            for item in &f.items {
                let (e, kind) = self.key_expr(&item.key);
                let (sql, p) = condition(&e, &item.op, &item.value, kind)?;
                parts.push(format!("({sql})"));
                params.extend(p);
            }
            if !parts.is_empty() {
                let joiner = if f.op.eq_ignore_ascii_case("or") {
                    " OR "
                } else {
                    " AND "
                };
                w.push(parts.join(joiner), params);
            }
        }
        Ok(w)
    }
}

pub fn sql_to_json(v: SqlValue) -> Value {
    match v {
        SqlValue::Null => Value::Null,
        SqlValue::Integer(i) => Value::from(i),
        SqlValue::Real(f) => serde_json::Number::from_f64(f)
            .map(Value::Number)
            .unwrap_or(Value::Null),
        SqlValue::Text(s) => Value::String(s),
        SqlValue::Blob(b) => Value::String(hex::encode(b)),
    }
}

/// How a selected value turns back into JSON (see `Table::select_expr`).
#[derive(Clone, Copy, Debug)]
pub enum Decode {
    Column(ValueKind),
    Json,
}

/// A selected value with its type: `true` stays `true`, strings stay strings.
pub fn decode_value(v: SqlValue, d: Decode) -> Value {
    match (d, v) {
        (Decode::Json, SqlValue::Text(t)) => serde_json::from_str(&t).unwrap_or(Value::String(t)),
        (Decode::Column(ValueKind::Bool), SqlValue::Integer(i)) => Value::Bool(i != 0),
        (_, v) => sql_to_json(v),
    }
}

/// A groupBy label as SigNoz prints it (`"true"`, `"200"`, strings unquoted).
pub fn decode_label(v: SqlValue, d: Decode) -> String {
    match (d, v) {
        (_, SqlValue::Real(f)) => f.to_string(),
        (d, v) => value_to_string(&decode_value(v, d)),
    }
}

/// Linear-interpolated quantile of sorted values (ClickHouse's `quantile` is similar).
pub fn quantile_sorted(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let pos = q * (sorted.len() - 1) as f64;
    let lo = pos.floor() as usize;
    let hi = pos.ceil() as usize;
    sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo as f64)
}

/// Time-bucketed aggregation over a raw table, one series per groupBy combination.
/// `whole_range` puts everything into one bucket at `start` (value/table panels).
pub fn aggregate(
    c: &Connection,
    t: &Table,
    q: &BuilderQuery,
    start_ns: i64,
    end_ns: i64,
    whole_range: bool,
) -> Result<SeriesSet, QueryError> {
    let w = t.where_clause(q, start_ns, end_ns)?;
    aggregate_where(c, t, q, w, start_ns, end_ns, whole_range)
}

/// [`aggregate`] over rows chosen by `w` instead of the query's own filters (the legacy
/// `getFilteredSpans/aggregates` filters).
pub fn aggregate_where(
    c: &Connection,
    t: &Table,
    q: &BuilderQuery,
    w: Where,
    start_ns: i64,
    end_ns: i64,
    whole_range: bool,
) -> Result<SeriesSet, QueryError> {
    let step = q.step_interval;
    let mut select = Vec::new();
    let mut params: Vec<SqlValue> = Vec::new();
    if whole_range {
        select.push("0".to_string());
    } else {
        select.push("ts / ?".to_string());
        params.push(step.max(1).saturating_mul(1_000_000_000).into());
    }
    let mut group_where = Vec::new();
    let mut decodes = Vec::new();
    for g in &q.group_by {
        let (sel, decode) = t.select_expr(g);
        select.push(sel.sql);
        params.extend(sel.params);
        decodes.push(decode);
        let (e, _) = t.key_expr(g);
        group_where.push((format!("{} IS NOT NULL", e.sql), e.params));
    }
    let op = q.aggregate_operator.as_str();
    let quantile = quantile_of(op);
    let (value_sql, value_params) = if q.aggregate_attribute.key.is_empty() {
        ("1".to_string(), vec![])
    } else {
        let (e, _) = t.key_expr(&q.aggregate_attribute);
        (e.sql, e.params)
    };
    let step_f = step as f64;
    let agg = match op {
        _ if quantile.is_some() => None,
        "count" | "noop" => Some(("COUNT(*)".to_string(), 1.0)),
        "rate" => Some(("COUNT(*)".to_string(), step_f)),
        "count_distinct" => Some((format!("COUNT(DISTINCT {value_sql})"), 1.0)),
        "sum" => Some((format!("SUM({value_sql})"), 1.0)),
        "avg" => Some((format!("AVG({value_sql})"), 1.0)),
        "min" => Some((format!("MIN({value_sql})"), 1.0)),
        "max" => Some((format!("MAX({value_sql})"), 1.0)),
        "sum_rate" | "rate_sum" => Some((format!("SUM({value_sql})"), step_f)),
        "avg_rate" | "rate_avg" => Some((format!("AVG({value_sql})"), step_f)),
        "min_rate" | "rate_min" => Some((format!("MIN({value_sql})"), step_f)),
        "max_rate" | "rate_max" => Some((format!("MAX({value_sql})"), step_f)),
        other => {
            return Err(QueryError::Invalid(format!(
                "aggregate operator {other:?} is not supported here"
            )))
        }
    };
    let uses_value = !matches!(op, "count" | "noop" | "rate");
    if let Some((a, _)) = &agg {
        select.push(a.clone());
        if uses_value {
            params.extend(value_params.clone());
        }
    } else {
        select.push(value_sql.clone());
        params.extend(value_params.clone());
    }
    let mut where_sql = w.sql();
    let mut where_params = w.params.clone();
    for (sql, p) in group_where {
        where_sql.push_str(&format!(" AND {sql}"));
        where_params.extend(p);
    }
    if agg.is_none() || (uses_value && !q.aggregate_attribute.key.is_empty()) {
        where_sql.push_str(&format!(" AND {value_sql} IS NOT NULL"));
        where_params.extend(value_params);
    }
    let ngroup = q.group_by.len();
    let group_cols: Vec<String> = (1..=ngroup + 1).map(|i| i.to_string()).collect();
    let sql = match agg {
        Some(_) => format!(
            "SELECT {} FROM {} WHERE {where_sql} GROUP BY {}",
            select.join(", "),
            t.name,
            group_cols.join(", ")
        ),
        None => format!(
            "SELECT {} FROM {} WHERE {where_sql}",
            select.join(", "),
            t.name
        ),
    };
    params.extend(where_params);
    let mut st = c.prepare(&sql)?;
    let mut rows = st.query(params_from_iter(params.iter()))?;
    let mut out = SeriesSet::default();
    let mut samples: BTreeMap<(Labels, i64), Vec<f64>> = BTreeMap::new();
    let bucket_ts = |b: i64| {
        if whole_range {
            start_ns / 1_000_000
        } else {
            b.saturating_mul(step).saturating_mul(1000)
        }
    };
    while let Some(r) = rows.next()? {
        let b: i64 = r.get(0)?;
        let labels: Labels = q
            .group_by
            .iter()
            .enumerate()
            .map(|(i, g)| {
                (
                    g.key.clone(),
                    decode_label(
                        r.get::<_, SqlValue>(i + 1).unwrap_or(SqlValue::Null),
                        decodes[i],
                    ),
                )
            })
            .collect();
        let v = match r.get::<_, SqlValue>(ngroup + 1).unwrap_or(SqlValue::Null) {
            SqlValue::Integer(i) => i as f64,
            SqlValue::Real(f) => f,
            SqlValue::Text(s) => s.parse().unwrap_or(f64::NAN),
            _ => continue,
        };
        match &agg {
            Some((_, div)) => out.set(
                labels,
                bucket_ts(b),
                v / if whole_range && *div != 1.0 {
                    (end_ns - start_ns) as f64 / 1e9
                } else {
                    *div
                },
            ),
            None => samples.entry((labels, bucket_ts(b))).or_default().push(v),
        }
    }
    if let Some(qv) = quantile {
        for ((labels, ts), mut vals) in samples {
            vals.sort_by(f64::total_cmp);
            out.set(labels, ts, quantile_sorted(&vals, qv));
        }
    }
    Ok(out)
}
