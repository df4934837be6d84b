//! Exceptions (raw JSON): listErrors, countErrors, errorFromGroupID, errorFromErrorID and
//! nextPrevErrorIDs, from the `exception` span events stored at ingest.

use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use rusqlite::{params, params_from_iter, Connection, OptionalExtension};
use serde::Deserialize;
use serde_json::Value;
use signoz_api::exceptions::{ErrorDetail, ErrorGroup, NextPrevErrors};

use super::access::ViewAccess;
use super::query_range::rfc3339_nano;
use super::services::{parse_ns, TagQuery};
use super::{parse_body, raw, ApiError, AppState, RawError};
use crate::store::filter::Where;
use crate::store::StoreError;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/listErrors", post(list_errors))
        .route("/api/v1/countErrors", post(count_errors))
        .route("/api/v1/errorFromGroupID", get(error_from_group))
        .route("/api/v1/errorFromErrorID", get(error_from_id))
        .route("/api/v1/nextPrevErrorIDs", get(next_prev))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ListBody {
    start: Value,
    end: Value,
    limit: i64,
    offset: i64,
    order: String,
    #[serde(rename = "orderparam")]
    order_param: String,
    #[serde(rename = "servicename")]
    service_name: String,
    #[serde(rename = "exceptiontype")]
    exception_type: String,
    #[allow(dead_code)]
    tags: Vec<TagQuery>,
}

fn window(b: &ListBody) -> Result<Where, RawError> {
    let start = parse_ns(&b.start, "start").map_err(RawError::bad)?;
    let end = parse_ns(&b.end, "end").map_err(RawError::bad)?;
    let mut w = Where::default();
    w.push("ts BETWEEN ? AND ?", [start.into(), end.into()]);
    if !b.service_name.is_empty() {
        w.push("service = ?", [b.service_name.clone().into()]);
    }
    if !b.exception_type.is_empty() {
        w.push("exception_type = ?", [b.exception_type.clone().into()]);
    }
    Ok(w)
}

async fn list_errors(
    State(st): State<AppState>,
    _: ViewAccess,
    body: Bytes,
) -> Result<Response, RawError> {
    let b: ListBody = parse_body(&body).map_err(RawError::bad)?;
    if b.limit == 0 {
        return Err(RawError::bad("limit param cannot be empty from the query"));
    }
    let w = window(&b)?;
    // Only these fixed names reach the SQL text.
    let order_col = match b.order_param.as_str() {
        "exceptionType" => "exception_type",
        "exceptionCount" => "cnt",
        "firstSeen" => "first_seen",
        "serviceName" => "service",
        _ => "last_seen",
    };
    let dir = if b.order == "ascending" {
        "ASC"
    } else {
        "DESC"
    };
    let (limit, offset) = (b.limit.clamp(1, 10_000), b.offset.max(0));
    let items = st
        .store
        .run(move |c| {
            let sql = format!(
                "SELECT exception_type, exception_message, COUNT(*) AS cnt, MAX(ts) AS last_seen, MIN(ts) AS first_seen, service, group_id
                 FROM errors WHERE {} GROUP BY group_id ORDER BY {order_col} {dir} LIMIT {limit} OFFSET {offset}",
                w.sql()
            );
            let mut s = c.prepare(&sql)?;
            let rows = s
                .query_map(params_from_iter(w.params.iter()), |r| {
                    Ok(ErrorGroup {
                        exception_type: r.get(0)?,
                        exception_message: r.get(1)?,
                        exception_count: r.get::<_, i64>(2)? as u64,
                        last_seen: rfc3339_nano(r.get(3)?),
                        first_seen: rfc3339_nano(r.get(4)?),
                        service_name: r.get(5)?,
                        group_id: r.get(6)?,
                    })
                })?;
            rows.collect::<Result<Vec<_>, _>>().map_err(StoreError::from)
        })
        .await
        .map_err(RawError::internal)?;
    Ok(raw(items))
}

async fn count_errors(
    State(st): State<AppState>,
    _: ViewAccess,
    body: Bytes,
) -> Result<Response, RawError> {
    let b: ListBody = parse_body(&body).map_err(RawError::bad)?;
    let w = window(&b)?;
    let n = st
        .store
        .run(move |c| {
            c.query_row(
                &format!(
                    "SELECT COUNT(DISTINCT group_id) FROM errors WHERE {}",
                    w.sql()
                ),
                params_from_iter(w.params.iter()),
                |r| r.get::<_, i64>(0),
            )
            .map_err(StoreError::from)
        })
        .await
        .map_err(RawError::internal)?;
    Ok(raw(n))
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct ErrorQuery {
    #[serde(rename = "groupID")]
    group_id: String,
    #[serde(rename = "errorID")]
    error_id: String,
    timestamp: String,
}

const SELECT: &str = "SELECT error_id, exception_type, exception_stacktrace, exception_escaped, exception_message, ts, span_id,
    trace_id, service, group_id FROM errors";

fn error_json(r: &rusqlite::Row) -> rusqlite::Result<ErrorDetail> {
    Ok(ErrorDetail {
        error_id: r.get(0)?,
        exception_type: r.get(1)?,
        exception_stacktrace: r.get(2)?,
        exception_escaped: r.get(3)?,
        exception_message: r.get(4)?,
        timestamp: rfc3339_nano(r.get(5)?),
        span_id: r.get(6)?,
        trace_id: r.get(7)?,
        service_name: r.get(8)?,
        group_id: r.get(9)?,
    })
}

/// The raw reply for one error, or SigNoz's 404 when there is none.
fn found_or_404(found: Option<ErrorDetail>) -> Result<Response, RawError> {
    found.map(raw).ok_or_else(|| {
        RawError(
            axum::http::StatusCode::NOT_FOUND,
            "Error/Exception not found".into(),
        )
    })
}

fn one(
    c: &Connection,
    sql: &str,
    p: impl rusqlite::Params,
) -> Result<Option<ErrorDetail>, StoreError> {
    c.query_row(sql, p, error_json)
        .optional()
        .map_err(StoreError::from)
}

async fn error_from_group(
    State(st): State<AppState>,
    _: ViewAccess,
    Query(q): Query<ErrorQuery>,
) -> Result<Response, RawError> {
    if q.group_id.is_empty() {
        return Err(RawError::bad(
            "groupID param cannot be empty from the query",
        ));
    }
    let ts: i64 = q.timestamp.parse().unwrap_or(i64::MAX);
    let found = st
        .store
        .run(move |c| {
            // The group's error at (or else latest before) the given time, else its newest one.
            match one(
                c,
                &format!("{SELECT} WHERE group_id = ?1 AND ts <= ?2 ORDER BY ts DESC LIMIT 1"),
                params![q.group_id, ts],
            )? {
                Some(v) => Ok(Some(v)),
                None => one(
                    c,
                    &format!("{SELECT} WHERE group_id = ?1 ORDER BY ts DESC LIMIT 1"),
                    params![q.group_id],
                ),
            }
        })
        .await
        .map_err(RawError::internal)?;
    found_or_404(found)
}

async fn error_from_id(
    State(st): State<AppState>,
    _: ViewAccess,
    Query(q): Query<ErrorQuery>,
) -> Result<Response, RawError> {
    if q.error_id.is_empty() {
        return Err(RawError::bad(
            "errorID param cannot be empty from the query",
        ));
    }
    let found = st
        .store
        .run(move |c| {
            one(
                c,
                &format!("{SELECT} WHERE error_id = ?1 AND (?2 = '' OR group_id = ?2) LIMIT 1"),
                params![q.error_id, q.group_id],
            )
        })
        .await
        .map_err(RawError::internal)?;
    found_or_404(found)
}

async fn next_prev(
    State(st): State<AppState>,
    _: ViewAccess,
    Query(q): Query<ErrorQuery>,
) -> Result<Response, ApiError> {
    if q.group_id.is_empty() || q.error_id.is_empty() {
        return Err(ApiError::bad_data("groupID and errorID are required"));
    }
    let out = st
        .store
        .run(move |c| {
            let ts: i64 = c
                .query_row("SELECT ts FROM errors WHERE error_id = ?1", [&q.error_id], |r| r.get(0))
                .optional()?
                .unwrap_or_else(|| q.timestamp.parse().unwrap_or(0));
            let pick = |sql: &str| -> Result<(String, String), StoreError> {
                c.query_row(sql, params![q.group_id, ts, q.error_id], |r| Ok((r.get::<_, String>(0)?, rfc3339_nano(r.get(1)?))))
                    .optional()
                    .map_err(StoreError::from)
                    .map(|o| o.unwrap_or_else(|| (String::new(), rfc3339_nano(0))))
            };
            let next = pick("SELECT error_id, ts FROM errors WHERE group_id = ?1 AND (ts > ?2 OR (ts = ?2 AND error_id > ?3)) ORDER BY ts, error_id LIMIT 1")?;
            let prev = pick("SELECT error_id, ts FROM errors WHERE group_id = ?1 AND (ts < ?2 OR (ts = ?2 AND error_id < ?3)) ORDER BY ts DESC, error_id DESC LIMIT 1")?;
            Ok(NextPrevErrors {
                next_error_id: next.0,
                next_timestamp: next.1,
                prev_error_id: prev.0,
                prev_timestamp: prev.1,
                group_id: q.group_id,
            })
        })
        .await?;
    Ok(raw(out))
}
