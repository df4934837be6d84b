//! The OTLP/HTTP receiver: POST /v1/traces, /v1/metrics, /v1/logs in protobuf or JSON,
//! optionally gzip-compressed, with CORS for browser senders.

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

use crate::store::Store;
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

fn status_reply(encoding: Encoding, status: StatusCode, message: String) -> Response {
    let body = RpcStatus {
        code: if status == StatusCode::INTERNAL_SERVER_ERROR {
            13
        } else {
            3
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
        DecodeError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
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

/// Everything that is the same for the three signals: content type, size, gzip, decode.
async fn read_message<T: Message + Default + serde::de::DeserializeOwned>(
    state: &ReceiverState,
    headers: &HeaderMap,
    body: Body,
) -> Result<(T, Encoding), Response> {
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
        .and_then(|v| v.to_str().ok());
    let bytes = decode::decompress(&raw, ce, limit).map_err(|e| error_reply(encoding, e))?;
    let msg = decode::decode::<T>(&bytes, encoding).map_err(|e| error_reply(encoding, e))?;
    Ok((msg, encoding))
}

/// One signal's receive path: decode, convert, commit, then answer (with partial success
/// when items were rejected). `reply` builds the signal's Export*ServiceResponse.
async fn receive<T, M>(
    state: &ReceiverState,
    headers: &HeaderMap,
    body: Body,
    convert: fn(&T) -> convert::Converted,
    reply: fn(i64, String) -> M,
    json_field: &str,
) -> Response
where
    T: Message + Default + serde::de::DeserializeOwned,
    M: Message,
{
    let (req, enc) = match read_message::<T>(state, headers, body).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let c = convert(&req);
    drop(req);
    let signal = json_field
        .trim_start_matches("rejected")
        .to_ascii_lowercase();
    let accepted = c.batch.spans.len() + c.batch.logs.len() + c.batch.metrics.len();
    if let Err(e) = state.store.write(c.batch).await {
        tracing::error!(error = %e, "OTLP: could not store data");
        return status_reply(
            enc,
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("could not store data: {e}"),
        );
    }
    crate::metrics::otlp_items(&signal, accepted as u64, c.rejected.max(0) as u64);
    match enc {
        Encoding::Protobuf => (
            StatusCode::OK,
            [(header::CONTENT_TYPE, "application/x-protobuf")],
            reply(c.rejected, c.reason).encode_to_vec(),
        )
            .into_response(),
        Encoding::Json => {
            let body = if c.rejected > 0 {
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
    let reply = |rejected, reason| ExportTraceServiceResponse {
        partial_success: (rejected > 0).then_some(ExportTracePartialSuccess {
            rejected_spans: rejected,
            error_message: reason,
        }),
    };
    receive(
        &state,
        &headers,
        body,
        convert::traces,
        reply,
        "rejectedSpans",
    )
    .await
}

async fn metrics(State(state): State<ReceiverState>, headers: HeaderMap, body: Body) -> Response {
    let reply = |rejected, reason| ExportMetricsServiceResponse {
        partial_success: (rejected > 0).then_some(ExportMetricsPartialSuccess {
            rejected_data_points: rejected,
            error_message: reason,
        }),
    };
    receive(
        &state,
        &headers,
        body,
        convert::metrics,
        reply,
        "rejectedDataPoints",
    )
    .await
}

async fn logs(State(state): State<ReceiverState>, headers: HeaderMap, body: Body) -> Response {
    let reply = |rejected, reason| ExportLogsServiceResponse {
        partial_success: (rejected > 0).then_some(ExportLogsPartialSuccess {
            rejected_log_records: rejected,
            error_message: reason,
        }),
    };
    receive(
        &state,
        &headers,
        body,
        convert::logs,
        reply,
        "rejectedLogRecords",
    )
    .await
}
