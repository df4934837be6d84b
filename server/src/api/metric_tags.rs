//! v2 metric tag autocomplete (`/api/v2/metrics/autocomplete/tagKey|tagValue`). SigNoz's
//! resource filter asks for the labels of `signoz_calls_total` starting with `resource_`; this
//! server has no span-metrics pipeline, so span-metric names are answered from stored spans:
//! resource attribute `k8s.pod.name` is label `resource_k8s_pod_name`, as SigNoz's spanmetrics
//! processor names it. Other metric names are answered from their stored points.

use std::collections::BTreeSet;

use axum::extract::{Query, State};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use rusqlite::{params, Connection};
use serde::Deserialize;

use super::access::ViewAccess;
use super::query_range::span_metrics::{is_span_metric, ADDRESS, HTTP_STATUS_CODE};
use super::{envelope, ApiError, AppState};
use crate::store::StoreError;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v2/metrics/autocomplete/tagKey", get(tag_keys))
        .route("/api/v2/metrics/autocomplete/tagValue", get(tag_values))
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct TagParams {
    metric_name: String,
    #[serde(rename = "match")]
    matches: String,
    tag_key: String,
}

/// Most keys or values one reply lists.
const MAX_ITEMS: usize = 1000;
/// Most recently seen series of a metric scanned for its label keys and values.
const SERIES_SCANNED: i64 = 10_000;
/// Recent spans scanned for the values of a span metric's derived labels.
const SPANS_SCANNED: i64 = 10_000;

/// Labels every span metric carries besides the resource ones.
const SPAN_METRIC_LABELS: &[&str] = &[
    "address",
    "db_name",
    "db_system",
    "http_status_code",
    "operation",
    "service_name",
    "span_kind",
    "status_code",
];

/// Label keys of a span metric: the fixed ones, `le` on `_bucket`, `resource_<key>`.
pub fn span_label_keys(c: &Connection, metric: &str) -> Result<BTreeSet<String>, StoreError> {
    let mut keys: BTreeSet<String> = span_resource_keys(c)?
        .iter()
        .map(|k| resource_label(k))
        .collect();
    keys.extend(SPAN_METRIC_LABELS.iter().map(|s| s.to_string()));
    if metric.ends_with("_bucket") {
        keys.insert("le".into());
    }
    Ok(keys)
}

/// A resource attribute key as a span-metric label: `resource_` + non-alphanumerics as `_`.
pub fn resource_label(key: &str) -> String {
    let body: String = key
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    format!("resource_{body}")
}

fn params_of(q: TagParams) -> Result<TagParams, ApiError> {
    if q.metric_name.is_empty() {
        return Err(ApiError::bad_data("metricName not present in params"));
    }
    Ok(q)
}

fn matching(items: BTreeSet<String>, m: &str) -> Vec<String> {
    let m = m.to_lowercase();
    items
        .into_iter()
        .filter(|s| s.to_lowercase().contains(&m))
        .take(MAX_ITEMS)
        .collect()
}

fn strings(
    c: &Connection,
    sql: &str,
    p: impl rusqlite::Params,
) -> Result<BTreeSet<String>, StoreError> {
    let mut st = c.prepare_cached(sql)?;
    let rows = st.query_map(p, |r| r.get::<_, Option<String>>(0))?;
    let mut out = BTreeSet::new();
    for r in rows {
        if let Some(s) = r? {
            out.insert(s);
        }
    }
    Ok(out)
}

fn span_resource_keys(c: &Connection) -> Result<BTreeSet<String>, StoreError> {
    strings(
        c,
        "SELECT key FROM attr_keys WHERE source = 'traces' AND type = 'resource'",
        [],
    )
}

async fn tag_keys(
    State(st): State<AppState>,
    _: ViewAccess,
    Query(q): Query<TagParams>,
) -> Result<Response, ApiError> {
    let q = params_of(q)?;
    let keys = st
        .store
        .run(move |c| {
            let keys = if is_span_metric(&q.metric_name) {
                span_label_keys(c, &q.metric_name)?
            } else {
                strings(
                    c,
                    "SELECT DISTINCT j.key FROM (SELECT labels FROM metric_series WHERE metric = ?1
                     ORDER BY last_seen DESC LIMIT ?2) p, json_each(p.labels) j",
                    params![q.metric_name, SERIES_SCANNED],
                )?
            };
            Ok(matching(keys, &q.matches))
        })
        .await?;
    Ok(envelope(Some(keys)))
}

async fn tag_values(
    State(st): State<AppState>,
    _: ViewAccess,
    Query(q): Query<TagParams>,
) -> Result<Response, ApiError> {
    let q = params_of(q)?;
    if q.tag_key.is_empty() {
        return Err(ApiError::bad_data("tagKey not present in params"));
    }
    let values = st
        .store
        .run(move |c| {
            let values = if is_span_metric(&q.metric_name) {
                span_label_values(c, &q.tag_key)?
            } else {
                strings(
                    c,
                    "SELECT DISTINCT CAST(json_extract(labels, ?3) AS TEXT) FROM (SELECT labels FROM metric_series
                     WHERE metric = ?1 ORDER BY last_seen DESC LIMIT ?2)",
                    params![
                        q.metric_name,
                        SERIES_SCANNED,
                        format!("$.\"{}\"", q.tag_key.replace('"', ""))
                    ],
                )?
            };
            Ok(matching(values, &q.matches))
        })
        .await?;
    Ok(envelope(Some(values)))
}

/// Values of one span-metric label, from what the writer recorded for spans.
pub fn span_label_values(c: &Connection, label: &str) -> Result<BTreeSet<String>, StoreError> {
    match label {
        "service_name" => strings(c, "SELECT DISTINCT service FROM span_rollup", []),
        "operation" => strings(c, "SELECT DISTINCT name FROM span_rollup", []),
        "span_kind" => Ok([
            "SPAN_KIND_UNSPECIFIED",
            "SPAN_KIND_INTERNAL",
            "SPAN_KIND_SERVER",
            "SPAN_KIND_CLIENT",
            "SPAN_KIND_PRODUCER",
            "SPAN_KIND_CONSUMER",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect()),
        "status_code" => Ok(["STATUS_CODE_UNSET", "STATUS_CODE_OK", "STATUS_CODE_ERROR"]
            .iter()
            .map(|s| s.to_string())
            .collect()),
        "db_system" | "db_name" => strings(
            c,
            "SELECT value FROM attr_values WHERE source = 'traces' AND key = ?1",
            [if label == "db_system" {
                "db.system"
            } else {
                "db.name"
            }],
        ),
        // Derived per span: read from the latest client spans.
        "address" => strings(
            c,
            &format!(
                "SELECT DISTINCT a FROM (SELECT {ADDRESS} AS a FROM spans WHERE kind = 3
                 ORDER BY ts DESC LIMIT {SPANS_SCANNED})"
            ),
            [],
        ),
        "http_status_code" => strings(
            c,
            &format!(
                "SELECT DISTINCT a FROM (SELECT {HTTP_STATUS_CODE} AS a FROM spans
                 ORDER BY ts DESC LIMIT {SPANS_SCANNED})"
            ),
            [],
        ),
        "le" => Ok(crate::promql::span_source::BOUNDS_MS
            .iter()
            .map(|b| crate::promql::format_value(*b))
            .chain(["+Inf".to_string()])
            .collect()),
        _ => {
            let mut out = BTreeSet::new();
            for key in span_resource_keys(c)? {
                if resource_label(&key) == label {
                    out.extend(strings(
                        c,
                        "SELECT value FROM attr_values WHERE source = 'traces' AND key = ?1",
                        [&key],
                    )?);
                }
            }
            Ok(out)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resource_labels() {
        assert_eq!(
            resource_label("deployment.environment"),
            "resource_deployment_environment"
        );
        assert_eq!(resource_label("k8s.pod-name"), "resource_k8s_pod_name");
    }
}
