//! The legacy `/trace` page of SigNoz v0.39 (its sidebar "Traces" link): span list, chart
//! aggregates, facet counts, tag keys and tag values, all under one set of filters. Raw
//! replies and raw errors, as v0.39's handlers write them.
//!
//! Filters become a [`Where`] over `spans` (bound parameters only); tag filters are the
//! services routes' ([`push_tag_filters`]) and the chart is the v3 builder's: the span rollup
//! when only services, operations and errors are filtered ([`traces::graph_from_rollup`]),
//! else an aggregation over raw spans ([`table::aggregate_where`]).

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use axum::body::Bytes;
use axum::extract::State;
use axum::response::Response;
use axum::routing::post;
use axum::Router;
use rusqlite::types::Value as SqlValue;
use rusqlite::{params_from_iter, Connection};
use serde::Deserialize;
use serde_json::Value;
use signoz_api::de::null_as_default;
use signoz_api::legacy_traces::{
    FilteredSpan, FilteredSpans, SpanAggregateItem, SpanAggregates, SpanFilters, TagFilters,
    TagValues,
};

use super::access::ViewAccess;
use super::query_range::model::{AttributeKey, BuilderQuery, FilterItem, FilterSet};
use super::query_range::{rfc3339_nano, table, traces, QueryError};
use super::services::{parse_ns, push_tag_filters, TagQuery};
use super::{parse_body, raw, AppState, RawError};
use crate::store::filter::{attr_expr, AttrScope, Expr, Where};
use crate::store::StoreError;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/getFilteredSpans", post(filtered_spans))
        .route("/api/v1/getFilteredSpans/aggregates", post(aggregates))
        .route("/api/v1/getSpanFilters", post(span_filters))
        .route("/api/v1/getTagFilters", post(tag_filters))
        .route("/api/v1/getTagValues", post(tag_values))
}

/// Most spans one page may list.
pub const MAX_LIMIT: i64 = 10_000;
/// Most values one filter list (or tags) may carry; SQLite binds at most 32766 parameters.
pub const MAX_VALUES: usize = 1_000;
/// Tag keys and values are read from at most this many of the newest matching spans, so a
/// week-long window costs a bounded scan.
pub const TAG_SCAN_SPANS: i64 = 100_000;

/// The request of all five routes (`GetFilteredSpansParams`, `SpanFilterParams`,
/// `TagFilterParams`, ...): field names in any case, lower-cased by [`parse_body`].
#[derive(Deserialize, Default, Debug)]
#[serde(default)]
struct LegacyParams {
    start: Value,
    end: Value,
    #[serde(rename = "traceid", deserialize_with = "null_as_default")]
    trace_id: Vec<String>,
    #[serde(rename = "servicename", deserialize_with = "null_as_default")]
    service_name: Vec<String>,
    #[serde(deserialize_with = "null_as_default")]
    operation: Vec<String>,
    #[serde(rename = "spankind")]
    span_kind: Value,
    #[serde(deserialize_with = "null_as_default")]
    status: Vec<String>,
    #[serde(rename = "httproute", deserialize_with = "null_as_default")]
    http_route: Vec<String>,
    #[serde(rename = "httpcode", deserialize_with = "null_as_default")]
    http_code: Vec<String>,
    #[serde(rename = "httpurl", deserialize_with = "null_as_default")]
    http_url: Vec<String>,
    #[serde(rename = "httphost", deserialize_with = "null_as_default")]
    http_host: Vec<String>,
    #[serde(rename = "httpmethod", deserialize_with = "null_as_default")]
    http_method: Vec<String>,
    #[serde(deserialize_with = "null_as_default")]
    component: Vec<String>,
    #[serde(rename = "rpcmethod", deserialize_with = "null_as_default")]
    rpc_method: Vec<String>,
    #[serde(rename = "responsestatuscode", deserialize_with = "null_as_default")]
    response_status_code: Vec<String>,
    #[serde(rename = "minduration")]
    min_duration: Value,
    #[serde(rename = "maxduration")]
    max_duration: Value,
    #[serde(deserialize_with = "null_as_default")]
    tags: Vec<TagQuery>,
    #[serde(deserialize_with = "null_as_default")]
    exclude: Vec<String>,
    // getFilteredSpans
    limit: i64,
    offset: i64,
    order: String,
    #[serde(rename = "orderparam")]
    order_param: String,
    // getSpanFilters
    #[serde(rename = "getfilters", deserialize_with = "null_as_default")]
    get_filters: Vec<String>,
    // getTagValues
    #[serde(rename = "tagkey")]
    tag_key: TagKey,
    // aggregates
    step: i64,
    function: String,
    #[serde(rename = "groupby")]
    group_by: String,
}

#[derive(Deserialize, Default, Debug)]
#[serde(default)]
struct TagKey {
    key: String,
    #[serde(rename = "type")]
    kind: String,
}

/// Where a filter's values live: a spans column, or a span/resource attribute.
#[derive(Clone, Copy)]
enum Source {
    Column(&'static str),
    Attr(&'static str),
}

/// The filter fields by their v0.39 name (`constants.go`; `name` is the operation).
const FIELDS: &[(&str, Source)] = &[
    ("traceID", Source::Column("trace_id")),
    ("serviceName", Source::Column("service")),
    ("name", Source::Column("name")),
    ("httpMethod", Source::Column("http_method")),
    ("responseStatusCode", Source::Column("response_status_code")),
    ("httpCode", Source::Attr("http.status_code")),
    ("httpRoute", Source::Attr("http.route")),
    ("httpUrl", Source::Attr("http.url")),
    ("httpHost", Source::Attr("http.host")),
    ("component", Source::Attr("component")),
    ("rpcMethod", Source::Attr("rpc.method")),
    // groupBy only
    ("dbName", Source::Attr("db.name")),
    ("dbOperation", Source::Attr("db.operation")),
    ("dbSystem", Source::Attr("db.system")),
    ("msgSystem", Source::Attr("messaging.system")),
    ("msgOperation", Source::Attr("messaging.operation")),
];

fn source(name: &str) -> Option<Source> {
    FIELDS.iter().find(|(n, _)| *n == name).map(|(_, s)| *s)
}

/// A field as text, '' when the span lacks it (ClickHouse's empty column).
fn field_expr(s: Source) -> Expr {
    match s {
        Source::Column(c) => Expr {
            sql: c.to_string(),
            params: vec![],
        },
        Source::Attr(k) => {
            let e = attr_expr(k, AttrScope::Either);
            Expr {
                sql: format!("COALESCE(CAST({} AS TEXT), '')", e.sql),
                params: e.params,
            }
        }
    }
}

/// What `getSpanFilters` can count (`getFilters`).
const FACETS: &[&str] = &[
    "traceID",
    "serviceName",
    "operation",
    "status",
    "duration",
    "httpCode",
    "httpRoute",
    "httpUrl",
    "httpMethod",
    "httpHost",
    "component",
    "rpcMethod",
    "responseStatusCode",
];

/// A duration bound: a decimal string (or number) of nanoseconds; "" means none.
fn duration_bound(v: &Value, name: &str) -> Result<Option<i64>, String> {
    match v {
        Value::Null => Ok(None),
        Value::String(s) if s.trim().is_empty() => Ok(None),
        Value::String(s) => s
            .trim()
            .parse::<i64>()
            .map(Some)
            .map_err(|_| format!("{name} param is not a valid duration in nanoseconds")),
        Value::Number(n) => n
            .as_i64()
            .map(Some)
            .ok_or_else(|| format!("{name} param is not a valid duration in nanoseconds")),
        _ => Err(format!(
            "{name} param is not a valid duration in nanoseconds"
        )),
    }
}

fn span_kind(v: &Value) -> Result<Option<i64>, String> {
    let bad = || "spanKind param is not a valid span kind number".to_string();
    match v {
        Value::Null => Ok(None),
        Value::String(s) if s.trim().is_empty() => Ok(None),
        Value::String(s) => s.trim().parse::<i64>().map(Some).map_err(|_| bad()),
        Value::Number(n) => n.as_i64().map(Some).ok_or_else(bad),
        _ => Err(bad()),
    }
}

impl LegacyParams {
    fn parse(body: &[u8]) -> Result<LegacyParams, RawError> {
        let p: LegacyParams = parse_body(body).map_err(RawError::bad)?;
        let lists = [
            &p.trace_id,
            &p.service_name,
            &p.operation,
            &p.status,
            &p.http_route,
            &p.http_code,
            &p.http_url,
            &p.http_host,
            &p.http_method,
            &p.component,
            &p.rpc_method,
            &p.response_status_code,
            &p.exclude,
            &p.get_filters,
        ];
        let tag_values = p
            .tags
            .iter()
            .map(|t| t.string_values.len() + t.number_values.len() + t.bool_values.len())
            .max()
            .unwrap_or(0);
        if lists.iter().any(|l| l.len() > MAX_VALUES)
            || p.tags.len() > MAX_VALUES
            || tag_values > MAX_VALUES
        {
            return Err(RawError::bad(format!(
                "too many filter values: at most {MAX_VALUES} per filter"
            )));
        }
        Ok(p)
    }

    /// `start`/`end` in ns (v0.39 sends decimal strings).
    fn window(&self) -> Result<(i64, i64), RawError> {
        let start = parse_ns(&self.start, "start").map_err(RawError::bad)?;
        let end = parse_ns(&self.end, "end").map_err(RawError::bad)?;
        if end < start {
            return Err(RawError::bad("end must not be before start"));
        }
        Ok((start, end))
    }

    /// The time window and every filter, as v0.39 applies them: values of one field are
    /// ORed, fields ANDed; a field named in `exclude` is negated.
    fn where_clause(&self) -> Result<Where, RawError> {
        let (start, end) = self.window()?;
        let mut w = Where::default();
        w.push("ts BETWEEN ? AND ?", [start.into(), end.into()]);
        let excluded: HashSet<&str> = self
            .exclude
            .iter()
            .map(|e| if e == "operation" { "name" } else { e.as_str() })
            .collect();
        let lists: [(&str, &Vec<String>); 11] = [
            ("traceID", &self.trace_id),
            ("serviceName", &self.service_name),
            ("httpRoute", &self.http_route),
            ("httpCode", &self.http_code),
            ("httpHost", &self.http_host),
            ("httpMethod", &self.http_method),
            ("httpUrl", &self.http_url),
            ("component", &self.component),
            ("name", &self.operation),
            ("rpcMethod", &self.rpc_method),
            ("responseStatusCode", &self.response_status_code),
        ];
        for (name, values) in lists {
            if values.is_empty() {
                continue;
            }
            let e = field_expr(source(name).expect("every filter field is listed"));
            let not = if excluded.contains(name) { "NOT " } else { "" };
            let marks = vec!["?"; values.len()].join(", ");
            let mut params = e.params;
            params.extend(values.iter().map(|v| SqlValue::Text(v.clone())));
            w.push(format!("{not}{} IN ({marks})", e.sql), params);
        }
        if let Some(min) =
            duration_bound(&self.min_duration, "minDuration").map_err(RawError::bad)?
        {
            w.push("duration >= ?", [min.into()]);
        }
        if let Some(max) =
            duration_bound(&self.max_duration, "maxDuration").map_err(RawError::bad)?
        {
            w.push("duration <= ?", [max.into()]);
        }
        // Both statuses (or none) mean no filter; excluding one keeps the other.
        if let [one] = self.status.as_slice() {
            let error = match one.as_str() {
                "error" => Some(true),
                "ok" => Some(false),
                _ => None,
            };
            if let Some(error) = error {
                let want = error != excluded.contains("status");
                w.push("has_error = ?", [SqlValue::Integer(want as i64)]);
            }
        }
        if let Some(kind) = span_kind(&self.span_kind).map_err(RawError::bad)? {
            w.push("kind = ?", [kind.into()]);
        }
        push_tag_filters(&mut w, &self.tags).map_err(RawError::bad)?;
        Ok(w)
    }
}

impl LegacyParams {
    /// The filters as v3 filter items when the span rollup can answer them (service and
    /// operation lists, errors only); None when any other filter is set.
    fn rollup_filters(&self) -> Option<FilterSet> {
        let others = [
            &self.trace_id,
            &self.http_route,
            &self.http_code,
            &self.http_url,
            &self.http_host,
            &self.http_method,
            &self.component,
            &self.rpc_method,
            &self.response_status_code,
        ];
        let unset = |v: &Value| match v {
            Value::Null => true,
            Value::String(s) => s.trim().is_empty(),
            _ => false,
        };
        if others.iter().any(|l| !l.is_empty())
            || !self.tags.is_empty()
            || !unset(&self.min_duration)
            || !unset(&self.max_duration)
            || !unset(&self.span_kind)
        {
            return None;
        }
        let excluded = |name: &str| self.exclude.iter().any(|e| e == name);
        let mut items = Vec::new();
        for (key, values, name) in [
            ("serviceName", &self.service_name, "serviceName"),
            ("name", &self.operation, "operation"),
        ] {
            if values.is_empty() {
                continue;
            }
            if excluded(name) || excluded(key) {
                return None;
            }
            items.push(FilterItem {
                key: AttributeKey {
                    key: key.into(),
                    is_column: true,
                    ..Default::default()
                },
                op: "in".into(),
                value: Value::from(values.clone()),
            });
        }
        match self.status.as_slice() {
            [one] if one == "error" && !excluded("status") => items.push(FilterItem {
                key: AttributeKey {
                    key: "hasError".into(),
                    is_column: true,
                    ..Default::default()
                },
                op: "=".into(),
                value: Value::Bool(true),
            }),
            [one] if one == "error" || one == "ok" => return None,
            _ => {}
        }
        Some(FilterSet {
            op: "AND".into(),
            items,
        })
    }
}

fn store_err(e: StoreError) -> RawError {
    RawError::internal(e.to_string())
}

async fn run<T, F>(st: &AppState, f: F) -> Result<T, RawError>
where
    T: Send + 'static,
    F: FnOnce(&Connection) -> Result<T, RawError> + Send + 'static,
{
    st.store.run(move |c| Ok(f(c))).await.map_err(store_err)?
}

fn sql_err(e: rusqlite::Error) -> RawError {
    store_err(e.into())
}

/// POST /api/v1/getFilteredSpans
async fn filtered_spans(
    State(st): State<AppState>,
    _: ViewAccess,
    body: Bytes,
) -> Result<Response, RawError> {
    let p = LegacyParams::parse(&body)?;
    let w = p.where_clause()?;
    let order = match (p.order.as_str(), p.order_param.as_str()) {
        ("", _) => "ts DESC",
        ("descending", "duration") => "duration DESC",
        ("ascending", "duration") => "duration ASC",
        ("descending", "timestamp") => "ts DESC",
        ("ascending", "timestamp") => "ts ASC",
        _ => return Err(RawError::bad("order param is not in correct format")),
    };
    if p.limit < 0 || p.offset < 0 {
        return Err(RawError::bad("limit and offset must not be negative"));
    }
    let limit = if p.limit == 0 {
        10
    } else {
        p.limit.min(MAX_LIMIT)
    };
    let offset = p.offset;
    let reply = run(&st, move |c| {
        let where_sql = w.sql();
        let total: i64 = c
            .query_row(
                &format!("SELECT COUNT(*) FROM spans WHERE {where_sql}"),
                params_from_iter(w.params.iter()),
                |r| r.get(0),
            )
            .map_err(sql_err)?;
        let rpc = field_expr(Source::Attr("rpc.method"));
        let sql = format!(
            "SELECT ts, span_id, trace_id, service, name, duration, http_method, {}, response_status_code
             FROM spans WHERE {where_sql} ORDER BY {order} LIMIT ? OFFSET ?",
            rpc.sql
        );
        let mut params = rpc.params;
        params.extend(w.params);
        params.push(limit.into());
        params.push(offset.into());
        let mut stmt = c.prepare(&sql).map_err(sql_err)?;
        let rows = stmt
            .query_map(params_from_iter(params.iter()), |r| {
                let http_method: String = r.get(6)?;
                let rpc_method: String = r.get(7)?;
                Ok(FilteredSpan {
                    timestamp: rfc3339_nano(r.get(0)?),
                    span_id: r.get(1)?,
                    trace_id: r.get(2)?,
                    service_name: r.get(3)?,
                    operation: r.get(4)?,
                    duration_nano: r.get::<_, i64>(5)?.max(0) as u64,
                    method: if rpc_method.is_empty() {
                        http_method.clone()
                    } else {
                        rpc_method.clone()
                    },
                    http_method,
                    status_code: r.get(8)?,
                    rpc_method,
                })
            })
            .map_err(sql_err)?;
        let spans = rows.collect::<Result<Vec<_>, _>>().map_err(sql_err)?;
        Ok(FilteredSpans {
            spans,
            total_spans: total.max(0) as u64,
        })
    })
    .await?;
    Ok(raw(reply))
}

/// v0.39's chart functions: the v3 aggregate operator each one is.
fn aggregate_operator(function: &str) -> Option<&'static str> {
    Some(match function {
        "count" => "count",
        "ratePerSec" => "rate",
        "sum" => "sum",
        "avg" => "avg",
        "min" => "min",
        "max" => "max",
        "p50" => "p50",
        "p90" => "p90",
        "p95" => "p95",
        "p99" => "p99",
        _ => return None,
    })
}

/// A groupBy: a field name, or an attribute as `key.(string|number|bool)`.
fn group_by_key(g: &str) -> Result<AttributeKey, String> {
    // Columns go by their v3 key (the same name), attributes by the attribute.
    match source(g) {
        Some(Source::Column(_)) => {
            return Ok(AttributeKey {
                key: g.to_string(),
                is_column: true,
                ..Default::default()
            })
        }
        Some(Source::Attr(k)) => {
            return Ok(AttributeKey {
                key: k.to_string(),
                ..Default::default()
            })
        }
        None => {}
    }
    let unsupported = || format!("GroupBy: {g} not supported");
    let (key, kind) = g.rsplit_once(".(").ok_or_else(unsupported)?;
    let data_type = match kind {
        "string)" => "string",
        "number)" => "float64",
        "bool)" => "bool",
        _ => return Err(unsupported()),
    };
    if key.is_empty() {
        return Err(unsupported());
    }
    Ok(AttributeKey {
        key: key.to_string(),
        data_type: data_type.to_string(),
        ..Default::default()
    })
}

/// POST /api/v1/getFilteredSpans/aggregates
async fn aggregates(
    State(st): State<AppState>,
    _: ViewAccess,
    body: Bytes,
) -> Result<Response, RawError> {
    let p = LegacyParams::parse(&body)?;
    let w = p.where_clause()?;
    let (start, end) = p.window()?;
    if p.step <= 0 {
        return Err(RawError::bad("step param missing in query"));
    }
    if p.step > super::query_range::model::MAX_STEP_SECS {
        return Err(RawError::bad(format!(
            "step must be at most {} seconds",
            super::query_range::model::MAX_STEP_SECS
        )));
    }
    if p.function.is_empty() {
        return Err(RawError::bad("function param missing in query"));
    }
    let op = aggregate_operator(&p.function).ok_or_else(|| {
        RawError::bad(format!(
            "given function: {} is not allowed in query",
            p.function
        ))
    })?;
    let group_by = if p.group_by.is_empty() {
        vec![]
    } else {
        vec![group_by_key(&p.group_by).map_err(RawError::bad)?]
    };
    let grouped = !group_by.is_empty();
    // v0.39 buckets by whole minutes (`toStartOfInterval(timestamp, INTERVAL step/60 minute)`).
    let q = BuilderQuery {
        aggregate_operator: op.to_string(),
        aggregate_attribute: if matches!(op, "count" | "rate") {
            AttributeKey::default()
        } else {
            AttributeKey {
                key: "durationNano".into(),
                is_column: true,
                ..Default::default()
            }
        },
        group_by,
        step_interval: (p.step / 60).max(1) * 60,
        ..Default::default()
    };
    let rate = op == "rate";
    let rollup = p.rollup_filters().map(|filters| BuilderQuery {
        filters: Some(filters),
        ..q.clone()
    });
    let series = run(&st, move |c| {
        let fail = |e| match e {
            QueryError::Invalid(m) => RawError::bad(m),
            QueryError::Store(e) => store_err(e),
        };
        // The per-minute rollup answers service/operation/error charts without a scan.
        if let Some(rq) = rollup {
            if let Some(s) = traces::graph_from_rollup(c, &rq, start, end).map_err(fail)? {
                return Ok(s);
            }
        }
        table::aggregate_where(c, &table::SPANS, &q, w, start, end, false).map_err(fail)
    })
    .await?;
    let mut items: BTreeMap<i64, SpanAggregateItem> = BTreeMap::new();
    for (labels, points) in &series.series {
        let label = labels.first().map(|(_, v)| v.as_str()).unwrap_or("");
        if grouped && label.is_empty() {
            continue;
        }
        for (&ts_ms, &v) in points {
            let ts = ts_ms.saturating_mul(1_000_000);
            // v0.39 reads the value as a whole number, then as float32 (a rate is divided
            // after that).
            let v = if rate { v as f32 } else { v.trunc() as f32 };
            let item = items.entry(ts).or_insert_with(|| SpanAggregateItem {
                timestamp: ts,
                ..Default::default()
            });
            if grouped {
                item.group_by.insert(label.to_string(), v);
            } else {
                item.value = v;
            }
        }
    }
    Ok(raw(SpanAggregates { items }))
}

/// POST /api/v1/getSpanFilters
async fn span_filters(
    State(st): State<AppState>,
    _: ViewAccess,
    body: Bytes,
) -> Result<Response, RawError> {
    let p = LegacyParams::parse(&body)?;
    let w = p.where_clause()?;
    for f in &p.get_filters {
        if !FACETS.contains(&f.as_str()) {
            return Err(RawError::bad(format!("filter type: {f} not supported")));
        }
    }
    let wanted = p.get_filters;
    let reply = run(&st, move |c| facets(c, &w, &wanted)).await?;
    Ok(raw(reply))
}

/// The asked-for facets in one scan of the matching spans (v0.39 runs one query per facet).
fn facets(c: &Connection, w: &Where, wanted: &[String]) -> Result<SpanFilters, RawError> {
    let mut fields: Vec<&str> = Vec::new();
    for f in wanted {
        let name = match f.as_str() {
            "traceID" | "status" | "duration" => continue,
            "operation" => "name",
            other => other,
        };
        if !fields.contains(&name) {
            fields.push(name);
        }
    }
    let want = |f: &str| wanted.iter().any(|w| w == f);
    let mut select = vec!["has_error".to_string(), "duration".to_string()];
    let mut params = Vec::new();
    for f in &fields {
        let e = field_expr(source(f).expect("facet names are checked"));
        select.push(e.sql);
        params.extend(e.params);
    }
    params.extend(w.params.iter().cloned());
    let sql = format!("SELECT {} FROM spans WHERE {}", select.join(", "), w.sql());
    let mut stmt = c.prepare(&sql).map_err(sql_err)?;
    let mut rows = stmt
        .query(params_from_iter(params.iter()))
        .map_err(sql_err)?;
    let mut counts: Vec<HashMap<String, u64>> = vec![HashMap::new(); fields.len()];
    let (mut n, mut errors, mut min, mut max) = (0u64, 0u64, i64::MAX, i64::MIN);
    while let Some(r) = rows.next().map_err(sql_err)? {
        n += 1;
        if r.get::<_, i64>(0).map_err(sql_err)? != 0 {
            errors += 1;
        }
        let d: i64 = r.get(1).map_err(sql_err)?;
        min = min.min(d);
        max = max.max(d);
        for (i, m) in counts.iter_mut().enumerate() {
            let v = r.get_ref(i + 2).map_err(sql_err)?;
            let Ok(v) = v.as_str() else { continue };
            if v.is_empty() {
                continue;
            }
            match m.get_mut(v) {
                Some(c) => *c += 1,
                None => {
                    m.insert(v.to_string(), 1);
                }
            }
        }
    }
    let mut out = SpanFilters::default();
    if want("status") {
        out.status = BTreeMap::from([("ok".into(), n - errors), ("error".into(), errors)]);
    }
    // v0.39 (duration sort on) gives {} when no span matches.
    if want("duration") && n > 0 {
        out.duration = BTreeMap::from([
            ("minDuration".into(), min.max(0) as u64),
            ("maxDuration".into(), max.max(0) as u64),
        ]);
    }
    for (f, m) in fields.iter().zip(counts) {
        let slot = match *f {
            "name" => &mut out.operation,
            "serviceName" => &mut out.service_name,
            "httpCode" => &mut out.http_code,
            "httpRoute" => &mut out.http_route,
            "httpUrl" => &mut out.http_url,
            "httpMethod" => &mut out.http_method,
            "httpHost" => &mut out.http_host,
            "component" => &mut out.component,
            "rpcMethod" => &mut out.rpc_method,
            _ => &mut out.response_status_code,
        };
        *slot = m.into_iter().collect();
    }
    Ok(out)
}

/// Attribute keys v0.39 leaves out of the tag list (they have their own filters).
const HIDDEN_TAGS: &[&str] = &[
    "http.code",
    "http.route",
    "http.method",
    "http.url",
    "http.status_code",
    "http.host",
    "messaging.system",
    "messaging.operation",
    "component",
    "error",
    "service.name",
];

/// POST /api/v1/getTagFilters
async fn tag_filters(
    State(st): State<AppState>,
    _: ViewAccess,
    body: Bytes,
) -> Result<Response, RawError> {
    let p = LegacyParams::parse(&body)?;
    let w = p.where_clause()?;
    let reply = run(&st, move |c| {
        let (mut strings, mut numbers, mut bools) =
            (BTreeSet::new(), BTreeSet::new(), BTreeSet::new());
        // Span and resource attributes both count as tags (v0.39's tag maps hold both).
        for col in ["attrs", "resource"] {
            let sql = format!(
                "SELECT DISTINCT j.key, j.type FROM
                   (SELECT {col} AS a FROM spans WHERE {} ORDER BY ts DESC LIMIT ?) s, json_each(s.a) j",
                w.sql()
            );
            let mut params = w.params.clone();
            params.push(TAG_SCAN_SPANS.into());
            let mut stmt = c.prepare(&sql).map_err(sql_err)?;
            let rows = stmt
                .query_map(params_from_iter(params.iter()), |r| {
                    Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
                })
                .map_err(sql_err)?;
            for row in rows {
                let (key, kind) = row.map_err(sql_err)?;
                if HIDDEN_TAGS.contains(&key.as_str()) {
                    continue;
                }
                match kind.as_str() {
                    "integer" | "real" => numbers.insert(key),
                    "true" | "false" => bools.insert(key),
                    "null" => false,
                    _ => strings.insert(key),
                };
            }
        }
        Ok(TagFilters {
            string_tag_keys: strings.into_iter().collect(),
            number_tag_keys: numbers.into_iter().collect(),
            bool_tag_keys: bools.into_iter().collect(),
        })
    })
    .await?;
    Ok(raw(reply))
}

/// POST /api/v1/getTagValues
async fn tag_values(
    State(st): State<AppState>,
    _: ViewAccess,
    body: Bytes,
) -> Result<Response, RawError> {
    let p = LegacyParams::parse(&body)?;
    if p.tag_key.key.is_empty() && p.tag_key.kind.is_empty() {
        return Err(RawError::bad("TagKey param missing in query"));
    }
    match p.tag_key.kind.as_str() {
        "string" => {}
        "number" => return Ok(raw(TagValues::default())),
        "bool" => {
            return Ok(raw(TagValues {
                bool_tag_values: vec![true, false],
                ..Default::default()
            }))
        }
        other => {
            return Err(RawError::bad(format!(
                "tag keys type {other} is not supported"
            )))
        }
    }
    if p.limit < 0 {
        return Err(RawError::bad("limit must not be negative"));
    }
    let limit = if p.limit == 0 {
        100
    } else {
        p.limit.min(MAX_LIMIT)
    };
    let w = p.where_clause()?;
    let key = p.tag_key.key;
    let reply = run(&st, move |c| {
        let e = attr_expr(&key, AttrScope::Either);
        let sql = format!(
            "SELECT DISTINCT v FROM (SELECT {} AS v FROM spans WHERE {} ORDER BY ts DESC LIMIT ?)
             WHERE typeof(v) = 'text' AND v != '' ORDER BY v LIMIT ?",
            e.sql,
            w.sql()
        );
        let mut params = e.params;
        params.extend(w.params);
        params.push(TAG_SCAN_SPANS.into());
        params.push(limit.into());
        let mut stmt = c.prepare(&sql).map_err(sql_err)?;
        let rows = stmt
            .query_map(params_from_iter(params.iter()), |r| r.get::<_, String>(0))
            .map_err(sql_err)?;
        Ok(TagValues {
            string_tag_values: rows.collect::<Result<_, _>>().map_err(sql_err)?,
            ..Default::default()
        })
    })
    .await?;
    Ok(raw(reply))
}
