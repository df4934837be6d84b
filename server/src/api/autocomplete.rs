//! v3 autocomplete: aggregate attributes, attribute keys and attribute values, from the keys
//! and values the writer records at ingest (plus the span/log columns SigNoz exposes).

use axum::extract::{Query, State};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use rusqlite::{params, Connection};
use serde::Deserialize;
use signoz_api::autocomplete::{AttributeKeys, AttributeValues};
use signoz_api::query_range::AttributeKey;

use super::access::ViewAccess;
use super::metric_tags;
use super::query_range::{signoz_names, span_metrics};
use super::{envelope, ApiError, AppState};
use crate::store::StoreError;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/api/v3/autocomplete/aggregate_attributes",
            get(aggregate_attributes),
        )
        .route("/api/v3/autocomplete/attribute_keys", get(attribute_keys))
        .route(
            "/api/v3/autocomplete/attribute_values",
            get(attribute_values),
        )
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct AutocompleteQuery {
    data_source: String,
    aggregate_operator: String,
    search_text: String,
    tag_type: String,
    limit: Option<i64>,
    attribute_key: String,
    filter_attribute_key_data_type: String,
    aggregate_attribute: String,
}

/// Span and log fields that are real columns (`isColumn: true`).
fn columns(source: &str) -> &'static [(&'static str, &'static str)] {
    match source {
        "traces" => &[
            ("serviceName", "string"),
            ("name", "string"),
            ("durationNano", "float64"),
            ("hasError", "bool"),
            ("kind", "int64"),
            ("traceID", "string"),
            ("spanID", "string"),
            ("parentSpanID", "string"),
            ("httpMethod", "string"),
            ("responseStatusCode", "string"),
            ("statusCode", "float64"),
        ],
        "logs" => &[
            ("body", "string"),
            ("severity_text", "string"),
            ("severity_number", "int64"),
            ("trace_id", "string"),
            ("span_id", "string"),
            ("trace_flags", "int64"),
        ],
        _ => &[],
    }
}

fn key_json(key: &str, data_type: &str, kind: &str, is_column: bool) -> AttributeKey {
    AttributeKey {
        key: key.into(),
        data_type: data_type.into(),
        kind: kind.into(),
        is_column,
        is_json: false,
    }
}

fn check_source(s: &str) -> Result<(), ApiError> {
    if matches!(s, "traces" | "logs" | "metrics") {
        Ok(())
    } else {
        Err(ApiError::bad_data(format!("invalid data source: {s:?}")))
    }
}

fn stored_keys(
    c: &Connection,
    source: &str,
    search: &str,
    numeric_only: bool,
    limit: i64,
) -> Result<Vec<AttributeKey>, StoreError> {
    let mut st = c
        .prepare_cached(
            "SELECT key, data_type, type FROM attr_keys WHERE source = ?1 AND instr(lower(key), lower(?2)) > 0
             AND (?3 = 0 OR data_type IN ('int64', 'float64')) ORDER BY key LIMIT ?4",
        )?;
    let rows = st.query_map(params![source, search, numeric_only, limit], |r| {
        Ok(key_json(
            &r.get::<_, String>(0)?,
            &r.get::<_, String>(1)?,
            &r.get::<_, String>(2)?,
            false,
        ))
    })?;
    rows.collect::<Result<Vec<_>, _>>()
        .map_err(StoreError::from)
}

/// A span-metric name with no stored points of its own, so answered from spans.
fn span_metric_from_spans(c: &rusqlite::Connection, metric: &str) -> Result<bool, StoreError> {
    if !span_metrics::is_span_metric(metric) {
        return Ok(false);
    }
    let stored: bool = c
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM metric_points WHERE metric = ?1)")?
        .query_row([metric], |r| r.get(0))?;
    Ok(!stored)
}

async fn aggregate_attributes(
    State(st): State<AppState>,
    _: ViewAccess,
    Query(q): Query<AutocompleteQuery>,
) -> Result<Response, ApiError> {
    check_source(&q.data_source)?;
    let limit = q.limit.filter(|l| *l > 0).unwrap_or(50);
    let keys = st
        .store
        .run(move |c| {
            if q.data_source == "metrics" {
                // SigNoz's metric names (dots as underscores, histograms as _bucket/_count/_sum).
                let mut names = signoz_names::metric_names(c, &q.search_text, limit as usize)?;
                // Span metrics answer from spans when a service has any.
                let has_spans: bool =
                    c.query_row("SELECT EXISTS (SELECT 1 FROM span_rollup)", [], |r| {
                        r.get(0)
                    })?;
                if has_spans {
                    let search = q.search_text.to_lowercase();
                    for n in span_metrics::NAMES {
                        if n.contains(&search) && !names.iter().any(|m| m == n) {
                            names.push(n.to_string());
                        }
                    }
                    names.sort();
                    names.truncate(limit as usize);
                }
                return Ok(names
                    .iter()
                    .map(|n| key_json(n, "float64", "", true))
                    .collect());
            }
            let numeric_only = !matches!(
                q.aggregate_operator.as_str(),
                "count" | "count_distinct" | "noop" | ""
            );
            let mut out: Vec<AttributeKey> = columns(&q.data_source)
                .iter()
                .filter(|(k, dt)| {
                    k.to_lowercase().contains(&q.search_text.to_lowercase())
                        && (!numeric_only || matches!(*dt, "int64" | "float64"))
                })
                .map(|(k, dt)| key_json(k, dt, "tag", true))
                .collect();
            out.extend(stored_keys(
                c,
                &q.data_source,
                &q.search_text,
                numeric_only,
                limit,
            )?);
            out.truncate(limit as usize);
            Ok(out)
        })
        .await?;
    Ok(envelope(Some(AttributeKeys {
        attribute_keys: keys,
    })))
}

async fn attribute_keys(
    State(st): State<AppState>,
    _: ViewAccess,
    Query(q): Query<AutocompleteQuery>,
) -> Result<Response, ApiError> {
    check_source(&q.data_source)?;
    let limit = q.limit.filter(|l| *l > 0).unwrap_or(50);
    let keys = st
        .store
        .run(move |c| {
            let mut out: Vec<AttributeKey> = columns(&q.data_source)
                .iter()
                .filter(|(k, _)| k.to_lowercase().contains(&q.search_text.to_lowercase()))
                .map(|(k, dt)| key_json(k, dt, "tag", true))
                .collect();
            let mut stored = stored_keys(c, &q.data_source, &q.search_text, false, limit)?;
            if q.data_source == "metrics" {
                // Label keys as SigNoz's exporter writes them (`host.name` → `host_name`).
                let search = q.search_text.to_lowercase();
                let keys = if span_metric_from_spans(c, &q.aggregate_attribute)? {
                    metric_tags::span_label_keys(c, &q.aggregate_attribute)?
                        .into_iter()
                        .collect()
                } else {
                    signoz_names::label_keys(c, &q.aggregate_attribute)?
                };
                stored = keys
                    .into_iter()
                    .filter(|k| k.to_lowercase().contains(&search))
                    .map(|k| key_json(&k, "string", "tag", false))
                    .collect();
            }
            if !q.tag_type.is_empty() {
                stored.retain(|k| k.kind.eq_ignore_ascii_case(&q.tag_type));
            }
            out.extend(stored);
            out.truncate(limit as usize);
            Ok(out)
        })
        .await?;
    Ok(envelope(Some(AttributeKeys {
        attribute_keys: keys,
    })))
}

async fn attribute_values(
    State(st): State<AppState>,
    _: ViewAccess,
    Query(q): Query<AutocompleteQuery>,
) -> Result<Response, ApiError> {
    check_source(&q.data_source)?;
    if q.attribute_key.is_empty() {
        return Err(ApiError::bad_data("attributeKey is required"));
    }
    let limit = q.limit.filter(|l| *l > 0).unwrap_or(50);
    let values = st
        .store
        .run(move |c| {
            if q.data_source == "metrics" {
                if span_metric_from_spans(c, &q.aggregate_attribute)? {
                    let search = q.search_text.to_lowercase();
                    return Ok(metric_tags::span_label_values(c, &q.attribute_key)?
                        .into_iter()
                        .filter(|v| v.to_lowercase().contains(&search))
                        .take(limit as usize)
                        .collect());
                }
                return signoz_names::label_values(c, &q.attribute_key, &q.search_text, limit);
            }
            // Span columns with few distinct values come from the rollup's primary key.
            let sql = match (q.data_source.as_str(), q.attribute_key.as_str()) {
                ("traces", "serviceName") => "SELECT DISTINCT service FROM span_rollup WHERE instr(lower(service), lower(?1)) > 0 ORDER BY 1 LIMIT ?2",
                ("traces", "name") => "SELECT DISTINCT name FROM span_rollup WHERE instr(lower(name), lower(?1)) > 0 ORDER BY 1 LIMIT ?2",
                _ => "SELECT value FROM attr_values WHERE source = ?3 AND key = ?4 AND instr(lower(value), lower(?1)) > 0 ORDER BY value LIMIT ?2",
            };
            let mut s = c.prepare_cached(sql)?;
            let n = s.parameter_count();
            let all = [&q.search_text as &dyn rusqlite::ToSql, &limit, &q.data_source, &q.attribute_key];
            let rows = s.query_map(&all[..n], |r| r.get::<_, String>(0))?;
            rows.collect::<Result<Vec<_>, _>>().map_err(StoreError::from)
        })
        .await?;
    let mut out = AttributeValues::default();
    for v in values {
        match q.filter_attribute_key_data_type.as_str() {
            "int64" | "float64" => {
                if let Ok(n) = v.parse::<f64>() {
                    out.number_attribute_values.push(n);
                }
            }
            "bool" => {
                if let Ok(b) = v.parse::<bool>() {
                    out.bool_attribute_values.push(b);
                }
            }
            _ => out.string_attribute_values.push(v),
        }
    }
    Ok(envelope(Some(out)))
}
