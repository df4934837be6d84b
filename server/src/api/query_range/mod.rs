//! POST /api/v3/query_range: builder queries over traces, logs and metrics, formulas across
//! them, enveloped as SigNoz v0.39 does (`series` values as strings, rows with RFC3339 times).

pub mod formula;
pub(crate) mod logs;
mod metrics;
pub mod model;
pub mod series;
pub mod signoz_names;
pub mod span_metrics;
pub(crate) mod table;
pub(crate) mod traces;

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::State;
use axum::response::Response;
use axum::routing::post;
use axum::Router;
use rusqlite::Connection;
use serde_json::{Map, Value};
use signoz_api::query_range::{ListRow, QueryRangeData, QueryResult};

use super::access::ViewAccess;
use super::{envelope, ApiError, AppState};
use crate::store::StoreError;
use model::{BuilderQuery, CompositeQuery, DataSource, QueryRangeParams};
use series::SeriesSet;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v3/query_range", post(query_range))
        .route("/api/v3/query_range/format", post(format))
}

/// Go's `time.RFC3339Nano` for a UTC timestamp: trailing zeros of the fraction trimmed.
pub fn rfc3339_nano(ts_ns: i64) -> String {
    let dt = chrono::DateTime::from_timestamp(
        ts_ns.div_euclid(1_000_000_000),
        ts_ns.rem_euclid(1_000_000_000) as u32,
    )
    .unwrap_or_default();
    let frac = format!("{:09}", ts_ns.rem_euclid(1_000_000_000));
    let frac = frac.trim_end_matches('0');
    let base = dt.format("%Y-%m-%dT%H:%M:%S");
    if frac.is_empty() {
        format!("{base}Z")
    } else {
        format!("{base}.{frac}Z")
    }
}

async fn query_range(
    State(st): State<AppState>,
    _: ViewAccess,
    body: Bytes,
) -> Result<Response, ApiError> {
    let mut params: QueryRangeParams = serde_json::from_slice(&body)
        .map_err(|e| ApiError::bad_data(format!("error decoding request body: {e}")))?;
    model::substitute_variables(&mut params);
    let result = st.store.run(move |c| Ok(run(c, &params))).await??;
    Ok(envelope(Some(QueryRangeData {
        result_type: String::new(),
        result,
    })))
}

/// POST /api/v3/query_range/format: the request back, validated, with dashboard variables
/// filled in (builder filter values; PromQL and ClickHouse query text) and `variables` in
/// the query type's format, as v0.39 does. Keys this server does not know are echoed as sent.
async fn format(_: ViewAccess, body: Bytes) -> Result<Response, ApiError> {
    let bad = |e: String| ApiError::bad_data(format!("cannot parse the request body: {e}"));
    let mut echo: Value = serde_json::from_slice(&body).map_err(|e| bad(e.to_string()))?;
    if !echo.is_object() {
        return Err(bad("expected a JSON object".into()));
    }
    let mut params: QueryRangeParams =
        serde_json::from_value(echo.clone()).map_err(|e| bad(e.to_string()))?;
    let query_type = params
        .composite_query
        .as_ref()
        .map(|cq| cq.query_type.clone())
        .unwrap_or_default();
    let (text_key, formatter): (&str, fn(&Value) -> String) = match query_type.as_str() {
        "builder" => {
            model::validate(&params).map_err(ApiError::bad_data)?;
            ("", |_| String::new())
        }
        "promql" => ("promQueries", crate::promql::variables::prom_formatted),
        "clickhouse_sql" => ("chQueries", crate::promql::variables::clickhouse_formatted),
        other => {
            return Err(ApiError::bad_data(format!(
                "query type is invalid: {other:?}"
            )))
        }
    };
    let cq = &mut echo["compositeQuery"];
    if text_key.is_empty() {
        model::substitute_variables(&mut params);
        let queries = &params
            .composite_query
            .as_ref()
            .expect("validated")
            .builder_queries;
        for (name, q) in queries {
            for (i, item) in q.filters.iter().flat_map(|f| f.items.iter()).enumerate() {
                if let Some(slot) = cq
                    .pointer_mut(&format!(
                        "/builderQueries/{}/filters/items/{i}",
                        pointer_escape(name)
                    ))
                    .and_then(Value::as_object_mut)
                {
                    slot.insert("value".into(), item.value.clone());
                    slot.insert("op".into(), Value::String(item.op.clone()));
                }
            }
        }
        echo["variables"] = Value::Object(Map::new());
        return Ok(envelope(Some(echo)));
    }
    let Some(queries) = cq.get_mut(text_key).and_then(Value::as_object_mut) else {
        return Err(ApiError::bad_data(format!(
            "{text_key} are required for query type {query_type}"
        )));
    };
    for q in queries.values_mut() {
        if q.get("disabled").and_then(Value::as_bool) == Some(true) {
            continue;
        }
        if let Some(Value::String(text)) = q.get_mut("query") {
            *text = crate::promql::variables::substitute_with(
                text,
                &params.variables,
                params.start,
                params.end,
                formatter,
            );
        }
    }
    let vars: Map<String, Value> = params
        .variables
        .iter()
        .map(|(k, v)| (k.clone(), Value::String(formatter(v))))
        .collect();
    echo["variables"] = Value::Object(vars);
    // v0.39 evaluates a PromQL value panel at one instant.
    if query_type == "promql" && echo["compositeQuery"]["panelType"] == "value" {
        echo["start"] = echo["end"].clone();
    }
    Ok(envelope(Some(echo)))
}

/// A JSON pointer segment for a key (`~` and `/` escaped).
fn pointer_escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

/// A list row from its timestamp and a JSON object of columns.
pub(crate) fn list_row(timestamp: String, data: Value) -> ListRow {
    let Value::Object(data) = data else {
        unreachable!("list rows are built from JSON objects")
    };
    ListRow { timestamp, data }
}

/// Why a builder query failed. SigNoz answers 400 for either, naming the query.
#[derive(Debug)]
pub enum QueryError {
    /// The query asks for something that cannot be answered as written.
    Invalid(String),
    /// The database failed while answering it.
    Store(StoreError),
}

impl std::fmt::Display for QueryError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            QueryError::Invalid(m) => f.write_str(m),
            QueryError::Store(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for QueryError {}

impl From<StoreError> for QueryError {
    fn from(e: StoreError) -> Self {
        QueryError::Store(e)
    }
}

impl From<rusqlite::Error> for QueryError {
    fn from(e: rusqlite::Error) -> Self {
        QueryError::Store(e.into())
    }
}

impl From<String> for QueryError {
    fn from(m: String) -> Self {
        QueryError::Invalid(m)
    }
}

impl From<&str> for QueryError {
    fn from(m: &str) -> Self {
        QueryError::Invalid(m.to_string())
    }
}

/// One query's output before it is shaped into a `Result`.
enum Output {
    Series(SeriesSet),
    Rows(Vec<ListRow>),
}

fn run_one(
    c: &Connection,
    q: &BuilderQuery,
    panel: &str,
    start_ns: i64,
    end_ns: i64,
) -> Result<Output, QueryError> {
    // Table panels aggregate the whole window; value panels are computed per step and then
    // reduced with `reduceTo`, as SigNoz v0.39 does (`reduceToQuery`).
    let whole_range = panel == "table";
    Ok(match (&q.data_source, panel) {
        (DataSource::Traces, "list") => Output::Rows(traces::list(c, q, start_ns, end_ns)?),
        (DataSource::Traces, "trace") => Output::Rows(traces::traces(c, q, start_ns, end_ns)?),
        (DataSource::Logs, "list") => Output::Rows(logs::list(c, q, start_ns, end_ns)?),
        (_, "list" | "trace") => {
            return Err(QueryError::Invalid(format!(
                "panel type {panel} is not supported for {}",
                q.data_source.as_str()
            )))
        }
        (DataSource::Traces, _) => {
            let fast = if whole_range {
                None
            } else {
                traces::graph_from_rollup(c, q, start_ns, end_ns)?
            };
            match fast {
                Some(s) => Output::Series(s),
                None => Output::Series(table::aggregate(
                    c,
                    &table::SPANS,
                    q,
                    start_ns,
                    end_ns,
                    whole_range,
                )?),
            }
        }
        (DataSource::Logs, _) => Output::Series(table::aggregate(
            c,
            &table::LOGS,
            q,
            start_ns,
            end_ns,
            whole_range,
        )?),
        _ if span_metrics::is_span_metric(&q.aggregate_attribute.key)
            && !metrics::has_points(c, &q.aggregate_attribute.key)? =>
        {
            Output::Series(span_metrics::graph(c, q, start_ns, end_ns, whole_range)?)
        }
        _ => Output::Series(signoz_names::graph(c, q, start_ns, end_ns, whole_range)?),
    })
}

/// Validates and runs a query_range request; the `result` array of the reply.
pub fn run(c: &Connection, p: &QueryRangeParams) -> Result<Vec<QueryResult>, ApiError> {
    match p.composite_query.as_ref().map(|cq| cq.query_type.as_str()) {
        Some("promql") => return super::promql_api::run_v3(c, p),
        Some("clickhouse_sql") => {
            return Err(ApiError::bad_data(
                super::promql_api::CLICKHOUSE_SQL_MESSAGE,
            ))
        }
        _ => {}
    }
    let cq = model::validate(p).map_err(ApiError::bad_data)?;
    execute(c, p, cq)
}

fn execute(
    c: &Connection,
    p: &QueryRangeParams,
    cq: &CompositeQuery,
) -> Result<Vec<QueryResult>, ApiError> {
    let start_ns = p.start.saturating_mul(1_000_000);
    let end_ns = p.end.saturating_mul(1_000_000);
    let panel = cq.panel_type.as_str();
    let mut series: HashMap<String, SeriesSet> = HashMap::new();
    let mut results = Vec::new();
    let fail = |name: &str, e: String| {
        let mut err = ApiError::bad_data(format!("error in query {name}: {e}"));
        err.data = Some(Value::Object(Map::from_iter([(
            name.to_string(),
            Value::String(e),
        )])));
        err
    };
    for (name, q) in cq.builder_queries.iter().filter(|(_, q)| !q.is_formula()) {
        match run_one(c, q, panel, start_ns, end_ns).map_err(|e| fail(name, e.to_string()))? {
            Output::Rows(rows) => {
                if !q.disabled {
                    results.push(QueryResult {
                        query_name: name.clone(),
                        series: None,
                        list: Some(rows),
                    });
                }
            }
            Output::Series(mut s) => {
                s.having(&q.having);
                series.insert(name.clone(), s);
            }
        }
    }
    for (name, q) in cq.builder_queries.iter().filter(|(_, q)| q.is_formula()) {
        let s = formula::evaluate(&q.expression, &series).map_err(|e| fail(name, e))?;
        series.insert(name.clone(), s);
    }
    for (name, q) in &cq.builder_queries {
        let Some(s) = series.get_mut(name) else {
            continue;
        };
        if q.disabled {
            continue;
        }
        s.limit(q.limit);
        if matches!(panel, "value" | "table") {
            s.reduce(&q.reduce_to);
        }
        // SigNoz: traces and value/table panels give `null` when nothing matched, metrics
        // and logs graphs `[]`.
        let source = if q.is_formula() {
            formula_source(cq, q)
        } else {
            q.data_source.as_str()
        };
        let empty_as_null = source == "traces" || matches!(panel, "value" | "table");
        results.push(QueryResult {
            query_name: name.clone(),
            series: s.to_wire(empty_as_null),
            list: None,
        });
    }
    Ok(results)
}

/// A formula's data source is that of the queries it uses (the first one decides).
fn formula_source<'a>(cq: &'a CompositeQuery, q: &BuilderQuery) -> &'a str {
    formula::referenced(&q.expression)
        .ok()
        .and_then(|names| names.into_iter().find_map(|n| cq.builder_queries.get(&n)))
        .map(|r| r.data_source.as_str())
        .unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_like_go() {
        assert_eq!(
            rfc3339_nano(1_707_905_400_130_000_000),
            "2024-02-14T10:10:00.13Z"
        );
        assert_eq!(
            rfc3339_nano(1_707_905_400_000_000_000),
            "2024-02-14T10:10:00Z"
        );
    }
}
