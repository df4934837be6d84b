//! PromQL over HTTP: `compositeQuery.queryType: "promql"` in `POST /api/v3/query_range`
//! (SigNoz v0.39's `promQueries`), and the Prometheus-style `GET /api/v1/query_range` and
//! `GET /api/v1/query` v0.39 also serves. ClickHouse SQL gets a clear 400 here.

use axum::extract::{Query, State};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use rusqlite::Connection;
use serde::Deserialize;
use serde_json::{json, Map, Value};

use super::access::ViewAccess;
use super::query_range::model::QueryRangeParams;
use super::{envelope, ApiError, AppState, ErrorKind};
use crate::promql::{self, store_source::SqliteStorage, variables, Error as PromError};
use signoz_api::prometheus::{
    InstantSample, PromData, PromResult, RangeSeries, Sample, StringSample,
};
use signoz_api::query_range::{Point, QueryResult, Series};

/// What a ClickHouse SQL query or variable gets from this server.
pub const CLICKHOUSE_SQL_MESSAGE: &str =
    "ClickHouse SQL needs SigNoz's ClickHouse backend; this server answers builder and PromQL queries";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/api/v1/query_range",
            get(prom_query_range).post(prom_query_range),
        )
        .route("/api/v1/query", get(prom_query).post(prom_query))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct PromQuery {
    query: String,
    disabled: bool,
}

fn prom_error(e: PromError) -> ApiError {
    match e {
        PromError::BadQuery(m) => ApiError::bad_data(m),
        PromError::Storage(m) => ApiError::internal(m),
    }
}

/// Runs the `promQueries` of a v3 request; the `result` array of the reply.
pub fn run_v3(c: &Connection, p: &QueryRangeParams) -> Result<Vec<QueryResult>, ApiError> {
    let cq = p
        .composite_query
        .as_ref()
        .ok_or_else(|| ApiError::bad_data("composite query is required"))?;
    if p.start <= 0 || p.end <= 0 {
        return Err(ApiError::bad_data(
            "start and end are required epoch milliseconds",
        ));
    }
    if p.end < p.start {
        return Err(ApiError::bad_data(
            "start time should be less than end time",
        ));
    }
    let queries: Map<String, Value> = match &cq.prom_queries {
        Some(Value::Object(m)) if !m.is_empty() => m.clone(),
        _ => {
            return Err(ApiError::bad_data(
                "composite query must contain at least one query",
            ))
        }
    };
    // v0.39 evaluates a value panel as one instant, at `end`.
    let value_panel = cq.panel_type == "value";
    let start = if value_panel { p.end } else { p.start };
    let step_ms = p.step.saturating_mul(1000);
    let storage = SqliteStorage::new(c);
    let mut results = Vec::new();
    let mut errors = Map::new();
    for (name, q) in &queries {
        let q: PromQuery = serde_json::from_value(q.clone())
            .map_err(|e| ApiError::bad_data(format!("query {name}: {e}")))?;
        // An empty query (SigNoz's published dashboards have some) has nothing to draw.
        if q.disabled || q.query.trim().is_empty() {
            continue;
        }
        if step_ms <= 0 && !value_panel {
            errors.insert(
                name.clone(),
                json!("zero or negative query resolution step widths are not accepted. Try a positive integer"),
            );
            continue;
        }
        let text = variables::substitute(&q.query, &p.variables, p.start, p.end);
        let out = promql::parse(&text)
            .and_then(|expr| promql::range_query(&storage, &expr, start, p.end, step_ms.max(1)));
        match out {
            Ok(matrix) => results.push(QueryResult {
                query_name: name.clone(),
                series: Some(matrix.iter().map(wire_series).collect()),
                list: None,
            }),
            Err(PromError::Storage(m)) => return Err(ApiError::internal(m)),
            Err(PromError::BadQuery(m)) => {
                errors.insert(name.clone(), json!(m));
            }
        }
    }
    if !errors.is_empty() {
        let detail: Vec<String> = errors
            .iter()
            .map(|(k, v)| format!("{k}: {}", v.as_str().unwrap_or("")))
            .collect();
        let mut err = ApiError::bad_data(format!("error in prom queries: {}", detail.join("; ")));
        err.data = Some(Value::Object(errors));
        return Err(err);
    }
    if value_panel {
        if results.len() > 1 {
            return Err(ApiError::bad_data(
                "there can be only one active query for value type panel",
            ));
        }
        if let Some(n) = results.first().map(|r| r.series().len()).filter(|n| *n > 1) {
            return Err(ApiError::bad_data(format!(
                "there can be only one result series for value type panel but got {n}"
            )));
        }
    }
    Ok(results)
}

/// A v3 series: Prometheus labels (`__name__` included), `labelsArray` null, string values.
fn wire_series(s: &promql::Series) -> Series {
    Series {
        labels: s.labels.clone(),
        labels_array: None,
        values: s
            .samples
            .iter()
            .map(|&(timestamp, value)| Point { timestamp, value })
            .collect(),
    }
}

/// Prometheus API times: unix seconds (fractional allowed) or RFC 3339.
fn parse_time(s: &str) -> Result<i64, ApiError> {
    if let Ok(f) = s.trim().parse::<f64>() {
        if f.is_finite() {
            return Ok((f * 1000.0).round() as i64);
        }
    }
    chrono::DateTime::parse_from_rfc3339(s.trim())
        .map(|d| d.timestamp_millis())
        .map_err(|_| ApiError::bad_data(format!("cannot parse {s:?} to a valid timestamp")))
}

/// Prometheus API durations: seconds (fractional allowed) or `1m`, `30s`, `1h30m`.
fn parse_duration(s: &str) -> Result<i64, ApiError> {
    if let Ok(f) = s.trim().parse::<f64>() {
        if f.is_finite() {
            return Ok((f * 1000.0).round() as i64);
        }
    }
    promql_parser::util::parse_duration(s.trim())
        .map(|d| d.as_millis() as i64)
        .map_err(|_| ApiError::bad_data(format!("cannot parse {s:?} to a valid duration")))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RangeParams {
    query: String,
    start: String,
    end: String,
    step: String,
    time: String,
}

fn ts_secs(ms: i64) -> f64 {
    ms as f64 / 1000.0
}

/// A stored series as a Prometheus `matrix` element.
fn range_series(s: &promql::Series) -> RangeSeries {
    RangeSeries {
        metric: s.labels.clone(),
        values: s
            .samples
            .iter()
            .map(|&(t, v)| Sample(ts_secs(t), v))
            .collect(),
    }
}

async fn prom_query_range(
    State(st): State<AppState>,
    _: ViewAccess,
    Query(q): Query<RangeParams>,
) -> Result<Response, ApiError> {
    let start = parse_time(&q.start)?;
    let end = parse_time(&q.end)?;
    if end < start {
        return Err(ApiError::bad_data(
            "end timestamp must not be before start time",
        ));
    }
    let step = parse_duration(&q.step)?;
    if step <= 0 {
        return Err(ApiError::bad_data(
            "zero or negative query resolution step widths are not accepted. Try a positive integer",
        ));
    }
    let expr = promql::parse(&q.query).map_err(prom_error)?;
    let matrix = st
        .store
        .run(move |c| {
            Ok(promql::range_query(
                &SqliteStorage::new(c),
                &expr,
                start,
                end,
                step,
            ))
        })
        .await?
        .map_err(exec_error)?;
    let result = PromResult::Matrix(matrix.iter().map(range_series).collect());
    Ok(envelope(Some(PromData::from(result))))
}

/// Evaluation errors of the Prometheus-style endpoints are `execution` (422), as v0.39's.
fn exec_error(e: PromError) -> ApiError {
    match e {
        PromError::BadQuery(m) => ApiError::new(ErrorKind::Execution, m),
        PromError::Storage(m) => ApiError::internal(m),
    }
}

async fn prom_query(
    State(st): State<AppState>,
    _: ViewAccess,
    Query(q): Query<RangeParams>,
) -> Result<Response, ApiError> {
    let t = if q.time.is_empty() {
        chrono::Utc::now().timestamp_millis()
    } else {
        parse_time(&q.time)?
    };
    let expr = promql::parse(&q.query).map_err(prom_error)?;
    let value = st
        .store
        .run(move |c| Ok(promql::instant_query(&SqliteStorage::new(c), &expr, t)))
        .await?
        .map_err(exec_error)?;
    let result = match value {
        promql::Value::Scalar(v) => PromResult::Scalar(Sample(ts_secs(t), v)),
        promql::Value::String(s) => PromResult::String(StringSample(ts_secs(t), s)),
        promql::Value::Vector(v) => PromResult::Vector(
            v.iter()
                .map(|s| InstantSample {
                    metric: s.labels.clone(),
                    value: Sample(ts_secs(t), s.value),
                })
                .collect(),
        ),
        promql::Value::Matrix(m) => PromResult::Matrix(m.iter().map(range_series).collect()),
    };
    Ok(envelope(Some(PromData::from(result))))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prometheus_times_and_durations() {
        assert_eq!(parse_time("1707901200.5").unwrap(), 1_707_901_200_500);
        assert_eq!(
            parse_time("2024-02-14T09:00:00Z").unwrap(),
            1_707_901_200_000
        );
        assert!(parse_time("soon").is_err());
        assert_eq!(parse_duration("60").unwrap(), 60_000);
        assert_eq!(parse_duration("1m30s").unwrap(), 90_000);
        assert!(parse_duration("x").is_err());
    }
}
