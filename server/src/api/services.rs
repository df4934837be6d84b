//! APM routes: services, top_operations, top_level_operations, services/list and the
//! service map (dependency_graph). Service and operation figures come from the per-minute
//! rollup unless tag filters force a scan of raw spans.

use std::collections::{BTreeMap, HashMap};

use axum::body::Bytes;
use axum::extract::State;
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use rusqlite::params_from_iter;
use serde::Deserialize;
use serde_json::Value;
use signoz_api::services::{
    DependencyEdge, ServiceItem, ServiceList, TopLevelOperations, TopOperation,
};

use super::access::ViewAccess;
use super::{parse_body, raw, AppState, RawError};
use crate::store::filter::{attr_expr, condition, v1_operator, AttrScope, ValueKind, Where};
use crate::store::rows::lossy_i64;
use crate::store::sketch::Sketch;
use crate::store::StoreError;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/services", post(services))
        .route("/api/v1/services/list", get(services_list))
        .route("/api/v1/service/top_operations", post(top_operations))
        .route(
            "/api/v1/service/top_level_operations",
            post(top_level_operations),
        )
        .route("/api/v1/dependency_graph", post(dependency_graph))
}

const NS_PER_MIN: i64 = 60_000_000_000;

/// v1 `TagQueryParam`; field names arrive in any case (Go's decoder), lower-cased by parse_body.
#[derive(Deserialize, Default, Debug, Clone)]
#[serde(default)]
pub struct TagQuery {
    pub key: String,
    #[serde(rename = "tagtype")]
    pub tag_type: String,
    pub operator: String,
    #[serde(rename = "stringvalues")]
    pub string_values: Vec<String>,
    #[serde(rename = "numbervalues")]
    pub number_values: Vec<f64>,
    #[serde(rename = "boolvalues")]
    pub bool_values: Vec<bool>,
}

/// Adds v1 tag filters over a table with `attrs`/`resource` JSON columns.
pub fn push_tag_filters(w: &mut Where, tags: &[TagQuery]) -> Result<(), String> {
    for t in tags {
        // `http.method.(string)` style keys carry their type; the store does not need it.
        let key = match t.key.rfind(".(") {
            Some(i) if t.key.ends_with(')') => &t.key[..i],
            _ => t.key.as_str(),
        };
        if key.is_empty() {
            return Err("TagKey param is not valid in query".into());
        }
        let op = v1_operator(&t.operator)
            .ok_or_else(|| format!("unsupported tag operator {:?}", t.operator))?;
        let mut values: Vec<Value> = t
            .string_values
            .iter()
            .map(|s| Value::from(s.as_str()))
            .collect();
        values.extend(t.number_values.iter().map(|n| Value::from(*n)));
        values.extend(t.bool_values.iter().map(|b| Value::from(*b)));
        let expr = attr_expr(key, AttrScope::parse(&t.tag_type));
        if matches!(op, "in" | "nin" | "exists" | "nexists") || values.len() <= 1 {
            let value = if matches!(op, "in" | "nin") {
                Value::Array(values)
            } else {
                values.into_iter().next().unwrap_or(Value::Null)
            };
            let (sql, params) = condition(&expr, op, &value, ValueKind::Any)?;
            w.push(sql, params);
            continue;
        }
        // Several values: v0.39 ORs one comparison per value, and negates the OR for
        // NotContains/NotStartsWith (so every value must miss).
        let negated = matches!(op, "ncontains" | "nstartswith");
        let mut parts = Vec::new();
        let mut params = Vec::new();
        for v in &values {
            let (sql, p) = condition(&expr, op, v, ValueKind::Any)?;
            parts.push(format!("({sql})"));
            params.extend(p);
        }
        w.push(parts.join(if negated { " AND " } else { " OR " }), params);
    }
    Ok(())
}

/// Nanosecond epoch from a v1 `start`/`end` (a decimal string, or a number).
pub fn parse_ns(v: &Value, name: &str) -> Result<i64, String> {
    match v {
        Value::String(s) => s
            .trim()
            .parse::<i64>()
            .map_err(|_| format!("{name} param is not a valid epoch nanosecond string")),
        Value::Number(n) => n
            .as_i64()
            .ok_or_else(|| format!("{name} param is not valid")),
        _ => Err(format!("{name} param missing in query")),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct WindowBody {
    start: Value,
    end: Value,
    tags: Vec<TagQuery>,
    service: String,
    limit: Option<i64>,
}

fn window(b: &WindowBody) -> Result<(i64, i64), RawError> {
    let start = parse_ns(&b.start, "start").map_err(RawError::bad)?;
    let end = parse_ns(&b.end, "end").map_err(RawError::bad)?;
    if end < start {
        return Err(RawError::bad("end must not be before start"));
    }
    Ok((start, end))
}

#[derive(Default)]
struct Agg {
    calls: i64,
    errors: i64,
    duration_sum: i64,
    sketch: Sketch,
}

impl Agg {
    fn add_rollup(&mut self, calls: i64, errors: i64, dur: i64, sketch: &[u8]) {
        self.calls = self.calls.saturating_add(calls);
        self.errors = self.errors.saturating_add(errors);
        self.duration_sum = self.duration_sum.saturating_add(dur);
        self.sketch.merge(&Sketch::decode(sketch));
    }
    fn add_span(&mut self, dur: i64, err: bool) {
        self.calls += 1;
        self.errors += err as i64;
        self.duration_sum = self.duration_sum.saturating_add(dur);
        self.sketch.add(dur as f64);
    }
    fn q(&self, q: f64) -> f64 {
        self.sketch.quantile(q).unwrap_or(0.0)
    }
}

/// (service, operation) → aggregate over the window, from the rollup or, with tag filters,
/// from raw spans. `top_level_only` restricts to entry-point operations.
fn aggregate(
    c: &rusqlite::Connection,
    start: i64,
    end: i64,
    service: Option<&str>,
    tags: &[TagQuery],
    top_level_only: bool,
) -> Result<BTreeMap<(String, String), Agg>, StoreError> {
    let mut out: BTreeMap<(String, String), Agg> = BTreeMap::new();
    let top = if top_level_only {
        " AND (service, name) IN (SELECT service, name FROM top_level_ops)"
    } else {
        ""
    };
    if tags.is_empty() {
        let mut w = Where::default();
        w.push(
            "minute BETWEEN ? AND ?",
            [
                start.div_euclid(NS_PER_MIN).into(),
                end.div_euclid(NS_PER_MIN).into(),
            ],
        );
        if let Some(s) = service {
            w.push("service = ?", [s.to_string().into()]);
        }
        let sql = format!("SELECT service, name, calls, errors, duration_sum, sketch FROM span_rollup WHERE {}{top}", w.sql());
        let mut st = c.prepare(&sql)?;
        let mut rows = st.query(params_from_iter(w.params.iter()))?;
        while let Some(r) = rows.next()? {
            type Row = ((String, String), (i64, i64, i64), Vec<u8>);
            let read = || -> rusqlite::Result<Row> {
                Ok((
                    (r.get(0)?, r.get(1)?),
                    (lossy_i64(r, 2)?, lossy_i64(r, 3)?, lossy_i64(r, 4)?),
                    r.get::<_, Vec<u8>>(5)?,
                ))
            };
            let (key, (calls, errors, dur), sketch) = read()?;
            out.entry(key)
                .or_default()
                .add_rollup(calls, errors, dur, &sketch);
        }
    } else {
        let mut w = Where::default();
        w.push("ts BETWEEN ? AND ?", [start.into(), end.into()]);
        if let Some(s) = service {
            w.push("service = ?", [s.to_string().into()]);
        }
        push_tag_filters(&mut w, tags)?;
        let sql = format!(
            "SELECT service, name, duration, has_error FROM spans WHERE {}{top}",
            w.sql()
        );
        let mut st = c.prepare(&sql)?;
        let mut rows = st.query(params_from_iter(w.params.iter()))?;
        while let Some(r) = rows.next()? {
            let read = || -> rusqlite::Result<((String, String), i64, bool)> {
                Ok(((r.get(0)?, r.get(1)?), lossy_i64(r, 2)?, r.get(3)?))
            };
            let (key, dur, err) = read()?;
            out.entry(key).or_default().add_span(dur, err);
        }
    }
    Ok(out)
}

async fn services(
    State(st): State<AppState>,
    _: ViewAccess,
    body: Bytes,
) -> Result<Response, RawError> {
    let b: WindowBody = parse_body(&body).map_err(RawError::bad)?;
    let (start, end) = window(&b)?;
    let per_op = st
        .store
        .run(move |c| aggregate(c, start, end, None, &b.tags, true))
        .await
        .map_err(RawError::bad)?;
    let mut per_service: BTreeMap<String, Agg> = BTreeMap::new();
    for ((service, _), a) in per_op {
        let s = per_service.entry(service).or_default();
        s.calls += a.calls;
        s.errors += a.errors;
        s.duration_sum += a.duration_sum;
        s.sketch.merge(&a.sketch);
    }
    let secs = ((end - start) as f64 / 1e9).max(1e-9);
    let items: Vec<ServiceItem> = per_service
        .into_iter()
        .filter(|(_, a)| a.calls > 0)
        .map(|(name, a)| ServiceItem {
            service_name: name,
            p99: a.q(0.99),
            avg_duration: a.duration_sum as f64 / a.calls as f64,
            num_calls: a.calls as u64,
            call_rate: a.calls as f64 / secs,
            num_errors: a.errors as u64,
            error_rate: a.errors as f64 * 100.0 / a.calls as f64,
            num_4xx: 0,
            four_xx_rate: 0.0,
        })
        .collect();
    Ok(raw(items))
}

async fn services_list(State(st): State<AppState>, _: ViewAccess) -> Result<Response, RawError> {
    let names = st
        .store
        .run(|c| {
            let mut s = c.prepare("SELECT DISTINCT service FROM top_level_ops ORDER BY service")?;
            let v: Result<ServiceList, _> = s.query_map([], |r| r.get(0))?.collect();
            v.map_err(StoreError::from)
        })
        .await
        .map_err(RawError::internal)?;
    Ok(raw(names))
}

async fn top_operations(
    State(st): State<AppState>,
    _: ViewAccess,
    body: Bytes,
) -> Result<Response, RawError> {
    let b: WindowBody = parse_body(&body).map_err(RawError::bad)?;
    let (start, end) = window(&b)?;
    if b.service.is_empty() {
        return Err(RawError::bad("service param missing in query"));
    }
    let limit = b.limit.filter(|l| *l > 0).unwrap_or(5000) as usize;
    let per_op = st
        .store
        .run(move |c| aggregate(c, start, end, Some(&b.service), &b.tags, false))
        .await
        .map_err(RawError::bad)?;
    let mut items: Vec<TopOperation> = per_op
        .into_iter()
        .map(|((_, name), a)| TopOperation {
            p50: a.q(0.5),
            p95: a.q(0.95),
            p99: a.q(0.99),
            num_calls: a.calls as u64,
            error_count: a.errors as u64,
            name,
        })
        .collect();
    items.sort_by(|a, b| b.p99.total_cmp(&a.p99));
    items.truncate(limit);
    Ok(raw(items))
}

async fn top_level_operations(
    State(st): State<AppState>,
    _: ViewAccess,
) -> Result<Response, RawError> {
    let map = st
        .store
        .run(|c| {
            let mut s =
                c.prepare("SELECT service, name FROM top_level_ops ORDER BY service, name")?;
            let mut rows = s.query([])?;
            let mut m = TopLevelOperations::new();
            while let Some(r) = rows.next()? {
                m.entry(r.get(0).unwrap())
                    .or_default()
                    .push(r.get(1).unwrap());
            }
            Ok(m)
        })
        .await
        .map_err(RawError::internal)?;
    Ok(raw(map))
}

async fn dependency_graph(
    State(st): State<AppState>,
    _: ViewAccess,
    body: Bytes,
) -> Result<Response, RawError> {
    let b: WindowBody = parse_body(&body).map_err(RawError::bad)?;
    let (start, end) = window(&b)?;
    let edges = st
        .store
        .run(move |c| {
            // Tag filters (the resource filter) select the child span of each edge (the
            // callee's side), before the join to its parent.
            let mut w = Where::default();
            w.push("ts BETWEEN ? AND ?", [start.into(), end.into()]);
            w.push("parent_span_id != ''", []);
            push_tag_filters(&mut w, &b.tags)?;
            let mut s = c
                .prepare(&format!(
                    "SELECT p.service, c.service, c.duration, c.has_error
                     FROM (SELECT trace_id, parent_span_id, service, duration, has_error FROM spans WHERE {}) c
                     JOIN spans p ON p.trace_id = c.trace_id AND p.span_id = c.parent_span_id
                     WHERE p.service != c.service",
                    w.sql()
                ))?;
            let mut rows = s
                .query(params_from_iter(w.params.iter()))?;
            let mut m: HashMap<(String, String), Agg> = HashMap::new();
            while let Some(r) = rows.next()? {
                m.entry((r.get(0).unwrap(), r.get(1).unwrap()))
                    .or_default()
                    .add_span(r.get(2).unwrap(), r.get(3).unwrap());
            }
            Ok(m)
        })
        .await
        .map_err(RawError::bad)?;
    let secs = ((end - start) as f64 / 1e9).max(1e-9);
    let mut items: Vec<DependencyEdge> = edges
        .into_iter()
        .map(|((parent, child), a)| DependencyEdge {
            parent,
            child,
            call_count: a.calls as u64,
            call_rate: a.calls as f64 / secs,
            error_rate: a.errors as f64 * 100.0 / a.calls as f64,
            p99: a.q(0.99),
            p95: a.q(0.95),
            p90: a.q(0.90),
            p75: a.q(0.75),
            p50: a.q(0.5),
        })
        .collect();
    items.sort_by(|a, b| (&a.parent, &a.child).cmp(&(&b.parent, &b.child)));
    Ok(raw(items))
}
