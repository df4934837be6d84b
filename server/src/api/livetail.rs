//! `GET /api/v3/logs/livetail?q=<QueryRangeParamsV3 JSON>`: server-sent events, one `data:`
//! event per log row in SigNoz's `SignozLog` shape, as v0.39 streams them. The stream starts
//! with the latest 100 matching logs since `start`, then follows every commit: the store's
//! writer wakes it, and it reads the rows added since (by rowid) with the builder's filters,
//! so filters mean exactly what they mean in query_range.
//!
//! Auth: `Authorization: Bearer <jwt>` as SigNoz's EventSource polyfill sends it; a browser's
//! native EventSource cannot set headers, so `?Authorization=Bearer%20<jwt>` is accepted too.
//! The stream has no deadline; a request timeout layer must leave this route out.

use std::convert::Infallible;
use std::time::Duration;

use axum::extract::{Query, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use rusqlite::{params_from_iter, Connection};
use serde::Deserialize;
use signoz_api::logs_v1::SignozLog;
use signoz_api::ErrorReply;
use tokio::sync::{broadcast, mpsc, watch, Semaphore};

use super::access::{authenticate, Role};
use super::query_range::logs::{signoz_log, SIGNOZ_LOG_COLUMNS};
use super::query_range::model::{substitute_variables, BuilderQuery, DataSource, QueryRangeParams};
use super::query_range::table::LOGS;
use super::{ApiError, AppState};
use crate::store::filter::Where;
use crate::store::StoreError;

pub fn routes() -> Router<AppState> {
    Router::new().route("/api/v3/logs/livetail", get(livetail))
}

/// Logs sent when the stream opens (SigNoz: "the new 100 logs").
const BACKLOG: i64 = 100;
/// Rows read per query while catching up.
const BATCH: i64 = 1000;

#[derive(Deserialize, Default)]
#[serde(default)]
struct TailParams {
    q: String,
    #[serde(rename = "Authorization")]
    authorization: Option<String>,
}

/// The logs builder query of the request (the first one), with variables substituted.
fn logs_query(q: &str) -> Result<(BuilderQuery, i64), ApiError> {
    let mut p: QueryRangeParams = serde_json::from_str(q)
        .map_err(|e| ApiError::bad_data(format!("error decoding the q parameter: {e}")))?;
    substitute_variables(&mut p);
    let cq = p
        .composite_query
        .as_ref()
        .ok_or_else(|| ApiError::bad_data("composite query is required"))?;
    if cq.query_type != "builder" {
        return Err(ApiError::bad_data("invalid query type"));
    }
    let q = cq
        .builder_queries
        .values()
        .find(|q| q.data_source == DataSource::Logs && !q.is_formula())
        .ok_or_else(|| ApiError::bad_data("live tail needs a builder query on logs"))?;
    // Without a start SigNoz tails from now.
    let start_ns = if p.start > 0 {
        p.start.saturating_mul(1_000_000)
    } else {
        super::now_ns()
    };
    Ok((q.clone(), start_ns))
}

/// Rows after `after_rowid` (and, for the opening backlog, since `since_ns`) that match
/// `filter`; returns (rowid, SignozLog) oldest first.
fn read(
    c: &Connection,
    filter: &Where,
    after_rowid: i64,
    upto_rowid: Option<i64>,
    since_ns: Option<i64>,
) -> Result<Vec<(i64, SignozLog)>, StoreError> {
    let mut w = filter.clone();
    if let Some(since) = since_ns {
        w.push("ts >= ?", [since.into()]);
    }
    w.push("rowid > ?", [after_rowid.into()]);
    if let Some(upto) = upto_rowid {
        w.push("rowid <= ?", [upto.into()]);
    }
    let (order, limit) = if since_ns.is_some() {
        ("ts DESC, id DESC", BACKLOG)
    } else {
        ("rowid", BATCH)
    };
    let sql = format!(
        "SELECT rowid, {SIGNOZ_LOG_COLUMNS} FROM logs WHERE {} ORDER BY {order} LIMIT {limit}",
        w.sql()
    );
    let mut st = c.prepare(&sql)?;
    let mut rows = st.query(params_from_iter(w.params.iter()))?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        out.push((r.get(0)?, signoz_log(r, 1)));
    }
    if since_ns.is_some() {
        out.reverse();
    }
    Ok(out)
}

fn max_rowid(c: &Connection) -> Result<i64, StoreError> {
    c.query_row("SELECT COALESCE(MAX(rowid), 0) FROM logs", [], |r| r.get(0))
        .map_err(StoreError::from)
}

/// Queues one event for the client; false once the client is gone or the server stops (a
/// client that stops reading must not hold shutdown up).
async fn deliver(tx: &mpsc::Sender<Event>, stop: &mut watch::Receiver<bool>, event: Event) -> bool {
    tokio::select! {
        sent = tx.send(event) => sent.is_ok(),
        _ = stop.wait_for(|s| *s) => false,
    }
}

fn event_json(row: &SignozLog) -> String {
    serde_json::to_string(row).expect("a SignozLog always serializes")
}

/// Open streams at most; each one re-reads the log table after every commit.
const MAX_STREAMS: usize = 64;
static STREAMS: Semaphore = Semaphore::const_new(MAX_STREAMS);

/// Checks the caller (header, or the `Authorization` query parameter) is at least a viewer.
pub(crate) async fn authenticate_tail(
    st: &AppState,
    authorization: Option<&str>,
    req: Request,
) -> Result<(), ApiError> {
    let (mut parts, _) = req.into_parts();
    if !parts.headers.contains_key(header::AUTHORIZATION) {
        if let Some(v) = authorization.and_then(|a| HeaderValue::from_str(a).ok()) {
            parts.headers.insert(header::AUTHORIZATION, v);
        }
    }
    authenticate(st, &parts, Role::Viewer).await.map(|_| ())
}

async fn livetail(
    State(st): State<AppState>,
    Query(p): Query<TailParams>,
    req: Request,
) -> Result<Response, ApiError> {
    authenticate_tail(&st, p.authorization.as_deref(), req).await?;
    let (q, start_ns) = logs_query(&p.q)?;
    let filter = LOGS
        .where_clause(&q, i64::MIN, i64::MAX)
        .map_err(ApiError::bad_data)?;
    stream(&st, filter, start_ns).await
}

/// The SSE reply: the latest [`BACKLOG`] rows matching `filter` since `start_ns`, then every
/// matching row committed after. Shared by the v3 and the v1 (`/api/v1/logs/tail`) tails.
pub(crate) async fn stream(
    st: &AppState,
    filter: Where,
    start_ns: i64,
) -> Result<Response, ApiError> {
    let Ok(permit) = STREAMS.try_acquire() else {
        let msg = format!("too many live tail streams (at most {MAX_STREAMS}); try again later");
        let body = ErrorReply::new("unavailable", msg);
        return Ok((StatusCode::SERVICE_UNAVAILABLE, axum::Json(body)).into_response());
    };

    // Subscribe before reading, so a commit between the backlog and the first wait wakes us.
    let mut woken = st.store.subscribe_logs();
    let query = filter.clone();
    let (backlog, mut cursor) = st
        .store
        .run(move |c| {
            let max = max_rowid(c)?;
            Ok((read(c, &query, 0, Some(max), Some(start_ns))?, max))
        })
        .await?;

    let (tx, mut rx) = mpsc::channel::<Event>(256);
    let store = st.store.clone();
    let mut stop = st.stop.clone();
    tokio::spawn(async move {
        let _permit = permit;
        for (_, row) in backlog {
            if !deliver(&tx, &mut stop, Event::default().data(event_json(&row))).await {
                return;
            }
        }
        loop {
            tokio::select! {
                r = woken.recv() => {
                    if matches!(r, Err(broadcast::error::RecvError::Closed)) {
                        return;
                    }
                }
                _ = stop.wait_for(|s| *s) => return,
                _ = tx.closed() => return,
            }
            // Catch up to the newest row in batches. The cursor moves past rows the filters
            // skip too, so a selective tail never rescans what it has already looked at.
            loop {
                let query = filter.clone();
                let after = cursor;
                let batch = store
                    .run(move |c| {
                        let upto = max_rowid(c)?;
                        Ok((read(c, &query, after, Some(upto), None)?, upto))
                    })
                    .await;
                let (rows, upto) = match batch {
                    Ok(b) => b,
                    Err(e) => {
                        deliver(
                            &tx,
                            &mut stop,
                            Event::default().event("error").data(e.to_string()),
                        )
                        .await;
                        return;
                    }
                };
                let full = rows.len() as i64 == BATCH;
                for (rowid, row) in rows {
                    cursor = rowid;
                    if !deliver(&tx, &mut stop, Event::default().data(event_json(&row))).await {
                        return;
                    }
                }
                if !full {
                    cursor = cursor.max(upto);
                    break;
                }
            }
        }
    });
    let stream = futures_util::stream::poll_fn(move |cx| {
        rx.poll_recv(cx).map(|e| e.map(Ok::<_, Infallible>))
    });
    let mut resp = Sse::new(stream)
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
        .into_response();
    let h = resp.headers_mut();
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    // Proxies such as nginx must pass events on as they come, not buffer them.
    h.insert("x-accel-buffering", HeaderValue::from_static("no"));
    Ok(resp)
}
