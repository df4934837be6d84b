//! The OTLP/HTTP receiver: POST /v1/traces, /v1/metrics, /v1/logs in protobuf or JSON,
//! optionally gzip-compressed, with CORS for browser senders.

pub mod budget;
pub mod convert;
pub mod decode;
pub mod guard;

use std::sync::Arc;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Router;
use opentelemetry_proto::tonic::collector::logs::v1::{
    ExportLogsPartialSuccess, ExportLogsServiceResponse,
};
use opentelemetry_proto::tonic::collector::metrics::v1::{
    ExportMetricsPartialSuccess, ExportMetricsServiceResponse,
};
use opentelemetry_proto::tonic::collector::trace::v1::{
    ExportTracePartialSuccess, ExportTraceServiceResponse,
};
use prost::Message;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::store::{Store, WriteError};
use budget::Signal;
use decode::{DecodeError, Encoding};

#[derive(Clone)]
pub struct ReceiverState {
    pub store: Store,
    pub max_body_bytes: usize,
    pub allowed_origins: Arc<Vec<String>>,
    /// Required on every export when set (`Authorization: Bearer` or `signoz-access-token`).
    pub ingest_token: Option<Arc<str>>,
    /// Longest pause while a body arrives, and longest a whole request may take.
    pub body_timeout: Duration,
    pub request_timeout: Duration,
    pub limits: DecodeLimits,
}

/// Decompression, decoding and conversion run on the blocking pool (never on the async
/// workers that serve every request), this many at once.
pub const DECODE_SLOTS: usize = 2;
/// Memory that all decodes in flight may take together, by the estimate made before
/// decoding (`budget::decoded_size`); a single request above it gets 413.
pub const DECODE_MEMORY_BYTES: usize = 256 << 20;
/// How long a request waits for a decode slot or memory before it gets 503 + Retry-After.
const DECODE_WAIT: Duration = Duration::from_secs(10);
/// Retry-After (seconds) on 503 replies.
const RETRY_AFTER_SECS: &str = "5";

/// The receiver's shared decode slots and memory budget (permits are KiB).
#[derive(Clone)]
pub struct DecodeLimits {
    cpu: Arc<Semaphore>,
    memory_kib: Arc<Semaphore>,
}

impl Default for DecodeLimits {
    fn default() -> Self {
        DecodeLimits {
            cpu: Arc::new(Semaphore::new(DECODE_SLOTS)),
            memory_kib: Arc::new(Semaphore::new(DECODE_MEMORY_BYTES >> 10)),
        }
    }
}

async fn acquire(
    sem: &Arc<Semaphore>,
    n: u32,
    encoding: Encoding,
) -> Result<OwnedSemaphorePermit, Response> {
    match tokio::time::timeout(DECODE_WAIT, sem.clone().acquire_many_owned(n)).await {
        Ok(Ok(p)) => Ok(p),
        _ => Err(busy_reply(
            encoding,
            "the receiver is busy decoding other requests; retry later".into(),
        )),
    }
}

/// google.rpc.Status, the body of OTLP/HTTP error replies.
#[derive(Clone, PartialEq, prost::Message)]
pub struct RpcStatus {
    #[prost(int32, tag = "1")]
    pub code: i32,
    #[prost(string, tag = "2")]
    pub message: String,
}

pub fn router(state: ReceiverState) -> Router {
    let cors = guard::cors_layer(&state.allowed_origins);
    let token = state.ingest_token.clone();
    let (body_timeout, request_timeout) = (state.body_timeout, state.request_timeout);
    Router::new()
        .route("/v1/traces", post(traces))
        .route("/v1/metrics", post(metrics))
        .route("/v1/logs", post(logs))
        .with_state(state)
        .layer(middleware::from_fn(move |req: Request, next: Next| {
            guard::require_token(token.clone(), req, next)
        }))
        .layer(middleware::from_fn(crate::metrics::track_otlp))
        .layer(cors)
        .layer(tower_http::catch_panic::CatchPanicLayer::new())
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            request_timeout,
        ))
        .layer(tower_http::timeout::RequestBodyTimeoutLayer::new(
            body_timeout,
        ))
        .layer(
            tower_http::trace::TraceLayer::new_for_http().make_span_with(
                tower_http::trace::DefaultMakeSpan::new().level(tracing::Level::DEBUG),
            ),
        )
}

/// 503 with Retry-After: OTLP exporters retry these (a 500 they would drop).
fn busy_reply(encoding: Encoding, message: String) -> Response {
    let mut r = status_reply(encoding, StatusCode::SERVICE_UNAVAILABLE, message);
    r.headers_mut().insert(
        header::RETRY_AFTER,
        axum::http::HeaderValue::from_static(RETRY_AFTER_SECS),
    );
    r
}

fn status_reply(encoding: Encoding, status: StatusCode, message: String) -> Response {
    let body = RpcStatus {
        // google.rpc.Code: INTERNAL, UNAVAILABLE, INVALID_ARGUMENT
        code: match status {
            StatusCode::INTERNAL_SERVER_ERROR => 13,
            StatusCode::SERVICE_UNAVAILABLE => 14,
            _ => 3,
        },
        message,
    };
    match encoding {
        Encoding::Protobuf => (
            status,
            [(header::CONTENT_TYPE, "application/x-protobuf")],
            body.encode_to_vec(),
        )
            .into_response(),
        Encoding::Json => (
            status,
            [(header::CONTENT_TYPE, "application/json")],
            serde_json::json!({"code": body.code, "message": body.message}).to_string(),
        )
            .into_response(),
    }
}

fn error_reply(encoding: Encoding, e: DecodeError) -> Response {
    // Client mistakes are counted in /metrics; logging each at a higher level would let a
    // flood of bad requests flood the log too.
    tracing::debug!(error = %e, "OTLP request rejected");
    let status = match e {
        DecodeError::UnsupportedContentType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
        DecodeError::TooLarge(_) | DecodeError::TooComplex(_) => StatusCode::PAYLOAD_TOO_LARGE,
        DecodeError::Malformed(_) => StatusCode::BAD_REQUEST,
    };
    status_reply(encoding, status, e.to_string())
}

/// The body paused longer than the read timeout (tower-http's body timeout).
fn stalled(e: &axum::Error) -> bool {
    let mut cur: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = cur {
        if err.is::<tower_http::timeout::TimeoutError>() {
            return true;
        }
        cur = err.source();
    }
    false
}

/// Everything that is the same for the three signals: content type, size, gzip, a decode
/// memory estimate, decode and convert. Only reading the body happens on the async worker.
async fn read_and_convert<T: Message + Default + serde::de::DeserializeOwned + 'static>(
    state: &ReceiverState,
    headers: &HeaderMap,
    body: Body,
    signal: Signal,
    convert: fn(&T, i64) -> convert::Converted,
) -> Result<(convert::Converted, Encoding), Response> {
    let ct = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok());
    let encoding = decode::encoding_of(ct).map_err(|e| error_reply(Encoding::Json, e))?;
    let limit = state.max_body_bytes;
    if let Some(len) = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok())
    {
        if len > limit {
            return Err(error_reply(encoding, DecodeError::TooLarge(limit)));
        }
    }
    let raw: Bytes = axum::body::to_bytes(body, limit).await.map_err(|e| {
        if stalled(&e) {
            status_reply(
                encoding,
                StatusCode::REQUEST_TIMEOUT,
                "the request body stopped arriving".into(),
            )
        } else {
            error_reply(encoding, DecodeError::TooLarge(limit))
        }
    })?;
    let ce = headers
        .get(header::CONTENT_ENCODING)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let limits = &state.limits;

    let cpu = acquire(&limits.cpu, 1, encoding).await?;
    let (bytes, estimate) = blocking(encoding, move || {
        let bytes = decode::decompress(&raw, ce.as_deref(), limit)?;
        let estimate = budget::decoded_size(&bytes, encoding, signal)?;
        Ok((bytes, estimate))
    })
    .await?;
    drop(cpu);
    if estimate > DECODE_MEMORY_BYTES {
        return Err(error_reply(
            encoding,
            DecodeError::TooComplex(format!(
                "request would take about {} MiB to decode, more than the {} MiB allowed: send smaller batches",
                estimate >> 20,
                DECODE_MEMORY_BYTES >> 20
            )),
        ));
    }
    let memory = acquire(&limits.memory_kib, (estimate >> 10).max(1) as u32, encoding).await?;
    let cpu = acquire(&limits.cpu, 1, encoding).await?;
    let now = crate::api::now_ns();
    let converted = blocking(encoding, move || {
        let msg = decode::decode::<T>(&bytes, encoding)?;
        drop(bytes);
        Ok(convert(&msg, now))
    })
    .await?;
    drop((cpu, memory));
    Ok((converted, encoding))
}

/// Runs `f` on the blocking pool; its errors become the OTLP error reply.
async fn blocking<R: Send + 'static>(
    encoding: Encoding,
    f: impl FnOnce() -> Result<R, DecodeError> + Send + 'static,
) -> Result<R, Response> {
    match tokio::task::spawn_blocking(f).await {
        Ok(Ok(r)) => Ok(r),
        Ok(Err(e)) => Err(error_reply(encoding, e)),
        Err(_) => Err(status_reply(
            encoding,
            StatusCode::INTERNAL_SERVER_ERROR,
            "the request could not be processed".into(),
        )),
    }
}

/// One signal's receive path: decode, convert, commit, then answer (with partial success
/// when items were rejected or changed). `reply` builds the signal's Export*ServiceResponse.
async fn receive<T, M>(
    state: &ReceiverState,
    headers: &HeaderMap,
    body: Body,
    signal: Signal,
    convert: fn(&T, i64) -> convert::Converted,
    reply: fn(i64, String) -> M,
    json_field: &str,
) -> Response
where
    T: Message + Default + serde::de::DeserializeOwned + 'static,
    M: Message,
{
    let (c, enc) = match read_and_convert::<T>(state, headers, body, signal, convert).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let signal_name = json_field
        .trim_start_matches("rejected")
        .to_ascii_lowercase();
    let accepted = c.batch.spans.len() + c.batch.logs.len() + c.batch.metrics.len();
    if let Err(e) = state.store.write(c.batch).await {
        tracing::warn!(error = %e, "OTLP: could not store data");
        // Every storage failure (queue full, disk full, writer gone) is worth a retry.
        let message = match e {
            WriteError::Storage(_) => format!("{e}; retry later"),
            _ => e.to_string(),
        };
        return busy_reply(enc, message);
    }
    crate::metrics::otlp_items(&signal_name, accepted as u64, c.rejected.max(0) as u64);
    let partial = c.rejected > 0 || !c.reason.is_empty();
    match enc {
        Encoding::Protobuf => (
            StatusCode::OK,
            [(header::CONTENT_TYPE, "application/x-protobuf")],
            reply(c.rejected, c.reason).encode_to_vec(),
        )
            .into_response(),
        Encoding::Json => {
            let body = if partial {
                serde_json::json!({"partialSuccess": {json_field: c.rejected.to_string(), "errorMessage": c.reason}})
            } else {
                serde_json::json!({})
            };
            (
                StatusCode::OK,
                [(header::CONTENT_TYPE, "application/json")],
                body.to_string(),
            )
                .into_response()
        }
    }
}

async fn traces(State(state): State<ReceiverState>, headers: HeaderMap, body: Body) -> Response {
    let reply = |rejected: i64, reason: String| ExportTraceServiceResponse {
        partial_success: (rejected > 0 || !reason.is_empty()).then_some(
            ExportTracePartialSuccess {
                rejected_spans: rejected,
                error_message: reason,
            },
        ),
    };
    receive(
        &state,
        &headers,
        body,
        Signal::Traces,
        convert::traces,
        reply,
        "rejectedSpans",
    )
    .await
}

async fn metrics(State(state): State<ReceiverState>, headers: HeaderMap, body: Body) -> Response {
    let reply = |rejected: i64, reason: String| ExportMetricsServiceResponse {
        partial_success: (rejected > 0 || !reason.is_empty()).then_some(
            ExportMetricsPartialSuccess {
                rejected_data_points: rejected,
                error_message: reason,
            },
        ),
    };
    receive(
        &state,
        &headers,
        body,
        Signal::Metrics,
        convert::metrics,
        reply,
        "rejectedDataPoints",
    )
    .await
}

async fn logs(State(state): State<ReceiverState>, headers: HeaderMap, body: Body) -> Response {
    let reply = |rejected: i64, reason: String| ExportLogsServiceResponse {
        partial_success: (rejected > 0 || !reason.is_empty()).then_some(ExportLogsPartialSuccess {
            rejected_log_records: rejected,
            error_message: reason,
        }),
    };
    receive(
        &state,
        &headers,
        body,
        Signal::Logs,
        convert::logs,
        reply,
        "rejectedLogRecords",
    )
    .await
}
