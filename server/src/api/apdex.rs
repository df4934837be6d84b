//! Apdex settings (`/api/v1/settings/apdex`) and latency metric metadata (`/api/v1/metric_meta`)
//! for the service page, raw replies as SigNoz v0.39. Span-metric names answer from spans with
//! SigNoz's default latency buckets (the spanmetrics processor's `latency_histogram_buckets`).

use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use rusqlite::{params, OptionalExtension};
use serde::Deserialize;
use signoz_api::settings::{ApdexSettings as Apdex, MetricMeta};
use signoz_api::users::Message;

use super::access::{AdminAccess, ViewAccess};
use super::query_range::span_metrics::is_span_metric;
use super::{parse_body, raw, AppState, RawError};
use crate::store::StoreError;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/api/v1/settings/apdex",
            get(get_settings).post(set_settings),
        )
        .route("/api/v1/metric_meta", get(metric_meta))
}

/// SigNoz's threshold (seconds) for services without a saved one.
const DEFAULT_THRESHOLD: f64 = 0.5;

/// Bucket bounds (ms) of SigNoz's `signoz_latency_bucket`: 100us … 60s.
const SPAN_LATENCY_BUCKETS_MS: &[f64] = &[
    0.1, 1.0, 2.0, 6.0, 10.0, 50.0, 100.0, 250.0, 500.0, 1000.0, 1400.0, 2000.0, 5000.0, 10000.0,
    20000.0, 40000.0, 60000.0,
];

#[derive(Deserialize, Default)]
#[serde(default)]
struct ServicesParam {
    services: String,
}

async fn get_settings(
    State(st): State<AppState>,
    _: ViewAccess,
    Query(p): Query<ServicesParam>,
) -> Result<Response, RawError> {
    let services: Vec<String> = p.services.trim().split(',').map(str::to_string).collect();
    let rows = st
        .store
        .run(move |c| {
            let mut stored = Vec::new();
            let mut missing = Vec::new();
            let mut s = c
                .prepare("SELECT threshold, exclude_status_codes FROM apdex_settings WHERE service_name = ?1")?;
            for svc in services {
                let row = s
                    .query_row([&svc], |r| Ok((r.get::<_, f64>(0)?, r.get::<_, String>(1)?)))
                    .optional()?;
                match row {
                    Some((threshold, exclude_status_codes)) => stored.push(Apdex {
                        service_name: svc,
                        threshold,
                        exclude_status_codes,
                    }),
                    None => missing.push(Apdex {
                        service_name: svc,
                        threshold: DEFAULT_THRESHOLD,
                        exclude_status_codes: String::new(),
                    }),
                }
            }
            // SigNoz lists saved settings first, then defaults for the rest.
            stored.extend(missing);
            Ok(stored)
        })
        .await
        .map_err(RawError::internal)?;
    Ok(raw(rows))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ApdexSettings {
    #[serde(rename = "servicename")]
    service_name: String,
    threshold: f64,
    // v0.39's settings dialog sends `excludeStatusCode`; the model's name is the plural.
    #[serde(rename = "excludestatuscodes", alias = "excludestatuscode")]
    exclude_status_codes: String,
}

async fn set_settings(
    State(st): State<AppState>,
    _: AdminAccess,
    body: Bytes,
) -> Result<Response, RawError> {
    let s: ApdexSettings = parse_body(&body).map_err(RawError::bad)?;
    if s.service_name.is_empty() {
        return Err(RawError::bad("serviceName is required"));
    }
    if !(s.threshold.is_finite() && s.threshold > 0.0) {
        return Err(RawError::bad(
            "threshold must be a positive number of seconds",
        ));
    }
    st.store
        .run(move |c| {
            c.execute(
                "INSERT OR REPLACE INTO apdex_settings (service_name, threshold, exclude_status_codes)
                 VALUES (?1, ?2, ?3)",
                params![s.service_name, s.threshold, s.exclude_status_codes],
            )
            .map_err(StoreError::from)
        })
        .await
        .map_err(RawError::internal)?;
    Ok(raw(Message::new("apdex score updated successfully")))
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct MetaParams {
    metric_name: String,
    service_name: String,
}

/// `{delta, le}` of a latency histogram for one service: stored histogram points when there
/// are any, else (span-metric names) SigNoz's buckets when the service has spans.
async fn metric_meta(
    State(st): State<AppState>,
    _: ViewAccess,
    Query(p): Query<MetaParams>,
) -> Result<Response, RawError> {
    let meta = st
        .store
        .run(move |c| {
            let base = p.metric_name.strip_suffix("_bucket").unwrap_or(&p.metric_name);
            let stored: Option<(Option<String>, i64)> = c
                .query_row(
                    "SELECT bounds, temporality FROM metric_points WHERE metric IN (?1, ?2) AND kind = 'histogram'
                     AND COALESCE(json_extract(labels, '$.\"service_name\"'), json_extract(labels, '$.\"service.name\"')) = ?3
                     ORDER BY ts DESC LIMIT 1",
                    params![p.metric_name, base, p.service_name],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?;
            if let Some((bounds, temporality)) = stored {
                let le: Vec<f64> = bounds
                    .and_then(|b| serde_json::from_str(&b).ok())
                    .unwrap_or_default();
                return Ok(MetricMeta {
                    delta: temporality == 1,
                    le: (!le.is_empty()).then_some(le),
                });
            }
            let has_spans = is_span_metric(&p.metric_name)
                && c.query_row(
                    "SELECT EXISTS (SELECT 1 FROM span_rollup WHERE service = ?1)",
                    [&p.service_name],
                    |r| r.get::<_, bool>(0),
                )?;
            // Go's nil slice: `null` when the metric has no buckets for the service.
            let le = has_spans.then(|| SPAN_LATENCY_BUCKETS_MS.to_vec());
            Ok::<_, StoreError>(MetricMeta { delta: false, le })
        })
        .await
        .map_err(RawError::internal)?;
    Ok(raw(meta))
}
