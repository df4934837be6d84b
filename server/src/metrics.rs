//! The server's own metrics in Prometheus text format (`GET /metrics` on the API listener).
//! One process-wide registry; any module records through the small functions below.

use std::sync::OnceLock;
use std::time::Instant;

use axum::extract::{MatchedPath, Request};
use axum::middleware::Next;
use axum::response::Response;
use prometheus_client::encoding::text::encode;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::Registry;

type Labels = Vec<(&'static str, String)>;

struct Metrics {
    registry: Registry,
    http_requests: Family<Labels, Counter>,
    otlp_requests: Family<Labels, Counter>,
    otlp_items: Family<Labels, Counter>,
    rule_evaluations: Family<Labels, Counter>,
    alert_deliveries: Family<Labels, Counter>,
    rule_duration: Histogram,
    db_bytes: Gauge,
    queued_rows: Gauge,
}

fn metrics() -> &'static Metrics {
    static M: OnceLock<Metrics> = OnceLock::new();
    M.get_or_init(|| {
        let mut registry = Registry::with_prefix("otel_wasm");
        let http_requests = Family::<Labels, Counter>::default();
        registry.register(
            "http_requests",
            "HTTP requests answered, by listener, route and status",
            http_requests.clone(),
        );
        let otlp_requests = Family::<Labels, Counter>::default();
        registry.register(
            "otlp_requests",
            "OTLP export requests by signal and outcome (accepted or the reason of rejection)",
            otlp_requests.clone(),
        );
        let otlp_items = Family::<Labels, Counter>::default();
        registry.register(
            "otlp_items",
            "Spans, data points and log records received, by signal and outcome",
            otlp_items.clone(),
        );
        let rule_evaluations = Family::<Labels, Counter>::default();
        registry.register(
            "rule_evaluations",
            "Alert rule evaluations by result",
            rule_evaluations.clone(),
        );
        let alert_deliveries = Family::<Labels, Counter>::default();
        registry.register(
            "alert_deliveries",
            "Alert notifications delivered to channels, by channel type and outcome (sent, failed)",
            alert_deliveries.clone(),
        );
        let rule_duration = Histogram::new(exponential_buckets(0.001, 4.0, 9));
        registry.register(
            "rule_evaluation_seconds",
            "Time one alert rule evaluation took",
            rule_duration.clone(),
        );
        let db_bytes = Gauge::default();
        registry.register(
            "database_bytes",
            "Size of the database file plus its write-ahead log",
            db_bytes.clone(),
        );
        let queued_rows = Gauge::default();
        registry.register(
            "writer_queued_rows",
            "Rows waiting for the database writer (the queue refuses work beyond 200 000)",
            queued_rows.clone(),
        );
        Metrics {
            registry,
            http_requests,
            otlp_requests,
            otlp_items,
            rule_evaluations,
            alert_deliveries,
            rule_duration,
            queued_rows,
            db_bytes,
        }
    })
}

/// Counts one answered HTTP request.
pub fn http_request(listener: &'static str, route: &str, status: u16) {
    metrics()
        .http_requests
        .get_or_create(&vec![
            ("listener", listener.to_string()),
            ("route", route.to_string()),
            ("status", status.to_string()),
        ])
        .inc();
}

/// Counts one OTLP export request; `outcome` is `accepted` or why it was refused.
pub fn otlp_request(signal: &str, outcome: &str) {
    metrics()
        .otlp_requests
        .get_or_create(&vec![
            ("signal", signal.to_string()),
            ("outcome", outcome.to_string()),
        ])
        .inc();
}

/// Counts items of one stored OTLP request: accepted, and rejected (partial success).
pub fn otlp_items(signal: &str, accepted: u64, rejected: u64) {
    let m = metrics();
    for (outcome, n) in [("accepted", accepted), ("rejected", rejected)] {
        if n > 0 {
            m.otlp_items
                .get_or_create(&vec![
                    ("signal", signal.to_string()),
                    ("outcome", outcome.to_string()),
                ])
                .inc_by(n);
        }
    }
}

/// Records one alert rule evaluation and how long it took.
pub fn rule_evaluation(ok: bool, seconds: f64) {
    let m = metrics();
    m.rule_evaluations
        .get_or_create(&vec![(
            "result",
            if ok { "ok" } else { "error" }.to_string(),
        )])
        .inc();
    m.rule_duration.observe(seconds);
}

pub fn alert_delivery(channel_type: &str, ok: bool) {
    metrics()
        .alert_deliveries
        .get_or_create(&vec![
            ("channel_type", channel_type.to_string()),
            ("outcome", if ok { "sent" } else { "failed" }.to_string()),
        ])
        .inc();
}

pub fn set_writer_queued_rows(rows: usize) {
    metrics()
        .queued_rows
        .set(i64::try_from(rows).unwrap_or(i64::MAX));
}

pub fn set_database_bytes(bytes: u64) {
    metrics()
        .db_bytes
        .set(i64::try_from(bytes).unwrap_or(i64::MAX));
}

/// The whole registry in Prometheus text exposition format.
pub fn render() -> String {
    let mut out = String::new();
    encode(&mut out, &metrics().registry).expect("writing to a String cannot fail");
    out
}

/// The reason an OTLP reply's status stands for, as the `outcome` label.
fn otlp_outcome(status: u16) -> &'static str {
    match status {
        200 => "accepted",
        400 => "malformed",
        401 => "unauthenticated",
        408 => "timeout",
        413 => "too_large",
        415 => "unsupported_media_type",
        429 | 503 => "overloaded",
        s if s >= 500 => "server_error",
        _ => "other",
    }
}

/// Middleware for the API listener: counts requests by matched route and status.
pub async fn track_api(req: Request, next: Next) -> Response {
    let route = route_of(&req);
    let resp = next.run(req).await;
    http_request("api", &route, resp.status().as_u16());
    resp
}

/// Middleware for the OTLP listener: counts requests by route and status, and by signal and
/// outcome.
pub async fn track_otlp(req: Request, next: Next) -> Response {
    let route = route_of(&req);
    let is_export = req.method() == axum::http::Method::POST;
    let started = Instant::now();
    let resp = next.run(req).await;
    let status = resp.status().as_u16();
    http_request("otlp", &route, status);
    if is_export {
        if let Some(signal) = route.strip_prefix("/v1/") {
            otlp_request(signal, otlp_outcome(status));
        }
    }
    tracing::debug!(
        route,
        status,
        elapsed_ms = started.elapsed().as_millis() as u64,
        "otlp request"
    );
    resp
}

fn route_of(req: &Request) -> String {
    req.extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| "other".to_string())
}
