//! The OTLP/HTTP receiver: POST /v1/traces, /v1/metrics, /v1/logs in protobuf or JSON,
//! optionally gzip-compressed, with CORS for browser senders.

pub mod convert;
pub mod decode;

use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
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
    let cors_origins = state.allowed_origins.clone();
    Router::new()
        .route("/v1/traces", post(traces))
        .route("/v1/metrics", post(metrics))
        .route("/v1/logs", post(logs))
        .with_state(state)
        .layer(middleware::from_fn(move |req: Request, next: Next| {
            let origins = cors_origins.clone();
            async move { cors(origins, req, next).await }
        }))
}

fn origin_allowed(allowed: &[String], origin: &str) -> bool {
    allowed
        .iter()
        .any(|a| a == "*" || a.trim_end_matches('/') == origin)
}

/// CORS for browser exporters: preflights may ask for content-type and content-encoding.
async fn cors(allowed: Arc<Vec<String>>, req: Request, next: Next) -> Response {
    let origin = req
        .headers()
        .get(header::ORIGIN)
        .and_then(|o| o.to_str().ok())
        .map(str::to_owned);
    let allow_origin = origin
        .as_deref()
        .filter(|o| origin_allowed(&allowed, o))
        .map(|o| {
            if allowed.iter().any(|a| a == "*") {
                "*".to_string()
            } else {
                o.to_string()
            }
        });
    if req.method() == Method::OPTIONS {
        let mut resp = StatusCode::NO_CONTENT.into_response();
        if let Some(ao) = allow_origin {
            let h = resp.headers_mut();
            h.insert(
                header::ACCESS_CONTROL_ALLOW_ORIGIN,
                HeaderValue::from_str(&ao).unwrap(),
            );
            h.insert(
                header::ACCESS_CONTROL_ALLOW_METHODS,
                HeaderValue::from_static("POST, OPTIONS"),
            );
            h.insert(
                header::ACCESS_CONTROL_ALLOW_HEADERS,
                HeaderValue::from_static(
                    "content-type, content-encoding, accept, traceparent, tracestate",
                ),
            );
            h.insert(
                header::ACCESS_CONTROL_MAX_AGE,
                HeaderValue::from_static("86400"),
            );
            h.insert(header::VARY, HeaderValue::from_static("Origin"));
        }
        return resp;
    }
    let mut resp = next.run(req).await;
    if let Some(ao) = allow_origin {
        resp.headers_mut().insert(
            header::ACCESS_CONTROL_ALLOW_ORIGIN,
            HeaderValue::from_str(&ao).unwrap(),
        );
        resp.headers_mut()
            .insert(header::VARY, HeaderValue::from_static("Origin"));
    }
    resp
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
    let status = match e {
        DecodeError::UnsupportedContentType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
        DecodeError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
        DecodeError::Malformed(_) => StatusCode::BAD_REQUEST,
    };
    status_reply(encoding, status, e.to_string())
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
    let raw: Bytes = axum::body::to_bytes(body, limit)
        .await
        .map_err(|_| error_reply(encoding, DecodeError::TooLarge(limit)))?;
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
    if let Err(e) = state.store.write(c.batch).await {
        return status_reply(
            enc,
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("could not store data: {e}"),
        );
    }
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
