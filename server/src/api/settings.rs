//! Settings (raw replies, as v0.39): retention per signal (`/api/v1/settings/ttl`), which the
//! server's retention job follows, and the ingestion usage explorer (`/api/v1/usage`).

use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use rusqlite::params;
use serde::Deserialize;
use signoz_api::settings::{
    ConfigComponent, DiskItem, DynamicConfig, DynamicConfigs, TtlReply, TtlSetReply, UsageItem,
};

use super::access::{AdminAccess, ViewAccess};
use super::rules::parse_duration_secs;
use super::{envelope, raw, AppState, RawError};
use crate::store::Store;
use crate::store::StoreError;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/settings/ttl", get(get_ttl).post(set_ttl))
        .route("/api/v1/usage", get(usage))
        .route("/api/v1/disks", get(disks))
        .route("/api/v1/configs", get(configs))
}

/// GET /api/v1/disks: v0.39 lists ClickHouse's disks; this server keeps everything on one
/// local disk, which is what a single-disk ClickHouse reports. No cold storage to move to.
async fn disks(_: ViewAccess) -> Response {
    raw(vec![DiskItem {
        name: "default".into(),
        kind: "local".into(),
    }])
}

/// GET /api/v1/configs (open, enveloped): v0.39 fetches these from signoz.io and falls back
/// to a built-in help menu when offline; this server never calls out, so it always answers
/// that fallback.
async fn configs() -> Response {
    let link = |position, text: &str, light: &str, dark: &str, href: &str| ConfigComponent {
        text: text.into(),
        position,
        dark_icon: dark.into(),
        light_icon: light.into(),
        href: href.into(),
    };
    let help = DynamicConfig {
        enabled: true,
        frontend_position_id: "tooltip".into(),
        components: vec![
            link(
                1,
                "How to use SigNoz in production",
                "RiseOutlined",
                "RiseOutlined",
                "https://signoz.io/docs/production-readiness",
            ),
            link(
                2,
                "Create an issue in GitHub",
                "GithubFilled",
                "GithubOutlined",
                "https://github.com/SigNoz/signoz/issues/new/choose",
            ),
            link(
                3,
                "Read the docs",
                "FileTextFilled",
                "FileTextOutlined",
                "https://signoz.io/docs",
            ),
        ],
    };
    envelope(Some(DynamicConfigs::from([(
        "helpConfig".to_string(),
        help,
    )])))
}

/// Retention in hours per signal.
#[derive(Debug, Clone, Copy)]
pub struct Hours {
    pub traces: u64,
    pub logs: u64,
    pub metrics: u64,
}

const SIGNALS: &[&str] = &["traces", "metrics", "logs"];

/// The retention set through the API for each signal, else `default`.
pub async fn retention_hours(store: &Store, default: u64) -> Hours {
    let read = store
        .run(move |c| {
            let get = |s: &str| -> u64 {
                c.query_row(
                    "SELECT value FROM settings WHERE key = ?1",
                    [format!("ttl.{s}")],
                    |r| r.get::<_, String>(0),
                )
                .ok()
                .and_then(|v| v.parse().ok())
                .unwrap_or(default)
            };
            Ok(Hours {
                traces: get("traces"),
                logs: get("logs"),
                metrics: get("metrics"),
            })
        })
        .await;
    read.unwrap_or(Hours {
        traces: default,
        logs: default,
        metrics: default,
    })
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct TtlQuery {
    #[serde(rename = "type")]
    kind: String,
    duration: String,
    #[serde(rename = "coldStorage")]
    cold_storage: String,
    #[serde(rename = "toColdDuration")]
    to_cold_duration: String,
}

fn signal(kind: &str) -> Result<&'static str, RawError> {
    if kind.is_empty() {
        return Err(RawError::bad("type param cannot be empty from the query"));
    }
    SIGNALS
        .iter()
        .find(|s| **s == kind)
        .copied()
        .ok_or_else(|| {
            RawError::bad(format!(
                "invalid type {kind:?}: use traces, metrics or logs"
            ))
        })
}

/// `{"<type>_ttl_duration_hrs": h, "<type>_move_ttl_duration_hrs": -1,
/// "expected_<type>_ttl_duration_hrs": h, "expected_<type>_move_ttl_duration_hrs": -1,
/// "status": "success"}` (no cold storage here, so the move TTL is always -1).
async fn get_ttl(
    State(st): State<AppState>,
    _: ViewAccess,
    Query(q): Query<TtlQuery>,
) -> Result<Response, RawError> {
    let s = signal(&q.kind)?;
    let default = st.retention_hours;
    let h = retention_hours(&st.store, default).await;
    let hours = match s {
        "traces" => h.traces,
        "logs" => h.logs,
        _ => h.metrics,
    };
    Ok(raw(TtlReply {
        signal: s.to_string(),
        ttl_hours: hours as i64,
        move_ttl_hours: -1,
        expected_ttl_hours: hours as i64,
        expected_move_ttl_hours: -1,
        status: "success".into(),
    }))
}

/// `?type=&duration=720h` (a Go duration of whole hours, at least 1 h). Cold storage is
/// refused: this server keeps everything on one disk.
async fn set_ttl(
    State(st): State<AppState>,
    _: AdminAccess,
    Query(q): Query<TtlQuery>,
) -> Result<Response, RawError> {
    let s = signal(&q.kind)?;
    if !q.cold_storage.is_empty() || !q.to_cold_duration.is_empty() {
        return Err(RawError::bad(
            "cold storage is not available on this server",
        ));
    }
    let secs = parse_duration_secs(&q.duration).ok_or_else(|| {
        RawError::bad(format!(
            "duration is not a valid duration: {:?}",
            q.duration
        ))
    })?;
    let hours = (secs / 3600.0).round();
    if !(1.0..=24.0 * 365.0 * 100.0).contains(&hours) {
        return Err(RawError::bad("duration must be at least 1h"));
    }
    let key = format!("ttl.{s}");
    st.store
        .run(move |c| {
            c.execute(
                "INSERT INTO settings (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = ?2",
                params![key, (hours as u64).to_string()],
            )
            .map_err(StoreError::from)
        })
        .await
        .map_err(RawError::internal)?;
    // Apply the new retention now rather than at the next sweep.
    let store = st.store.clone();
    let default = st.retention_hours;
    tokio::spawn(async move {
        let h = retention_hours(&store, default).await;
        let cutoff =
            |h: u64| super::now_ns().saturating_sub((h as i64).saturating_mul(3_600_000_000_000));
        let _ = store
            .sweep_signals(crate::store::Cutoffs {
                traces: cutoff(h.traces),
                logs: cutoff(h.logs),
                metrics: cutoff(h.metrics),
            })
            .await;
    });
    Ok(raw(TtlSetReply {
        message: "move ttl has been successfully set up".into(),
    }))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct UsageQuery {
    /// ns (string)
    start: String,
    end: String,
    /// s
    step: String,
    service: String,
}

/// Spans ingested per step: `[{"time": RFC 3339, "timestamp": <ns>, "count": n}]`, optionally
/// for one `service`.
async fn usage(State(st): State<AppState>, _: ViewAccess, Query(q): Query<UsageQuery>) -> Response {
    let num = |s: &str, what: &str| -> Result<i64, RawError> {
        s.trim()
            .parse::<i64>()
            .map_err(|_| RawError::bad(format!("{what} must be a number, got {s:?}")))
    };
    let (start, end, step) = match (num(&q.start, "start"), num(&q.end, "end")) {
        (Ok(a), Ok(b)) => (
            a,
            b,
            if q.step.is_empty() {
                3600
            } else {
                match num(&q.step, "step") {
                    Ok(s) => s,
                    Err(e) => return e.into_response(),
                }
            },
        ),
        (Err(e), _) | (_, Err(e)) => return e.into_response(),
    };
    if step < 60 || end < start {
        return RawError::bad("step must be at least 60 s and end after start").into_response();
    }
    let service = q.service;
    let res = st
        .store
        .run(move |c| {
            let mut s = c.prepare(
                "SELECT (minute * 60 / ?3) * ?3 AS b, SUM(calls) FROM span_rollup
                     WHERE minute >= ?1 / 60000000000 AND minute <= ?2 / 60000000000
                     AND (?4 = '' OR service = ?4) GROUP BY b ORDER BY b",
            )?;
            let rows = s.query_map(params![start, end, step, service], |r| {
                let b: i64 = r.get(0)?;
                let n: i64 = r.get(1)?;
                Ok(UsageItem {
                    time: crate::alerting::rfc3339_ms(b * 1000),
                    timestamp: b.saturating_mul(1_000_000_000),
                    count: n,
                })
            })?;
            rows.collect::<Result<Vec<_>, _>>()
                .map_err(StoreError::from)
        })
        .await;
    match res {
        Ok(items) => raw(items),
        Err(e) => RawError::internal(e).into_response(),
    }
}
