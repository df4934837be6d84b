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
use opentelemetry_proto::tonic::collector::logs::v1::{ExportLogsPartialSuccess, ExportLogsServiceRequest, ExportLogsServiceResponse};
use opentelemetry_proto::tonic::collector::metrics::v1::{
    ExportMetricsPartialSuccess, ExportMetricsServiceRequest, ExportMetricsServiceResponse,
};
use opentelemetry_proto::tonic::collector::trace::v1::{
    ExportTracePartialSuccess, ExportTraceServiceRequest, ExportTraceServiceResponse,
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
    allowed.iter().any(|a| a == "*" || a.trim_end_matches('/') == origin)
}

/// CORS for browser exporters: preflights may ask for content-type and content-encoding.
async fn cors(allowed: Arc<Vec<String>>, req: Request, next: Next) -> Response {
    let origin = req.headers().get(header::ORIGIN).and_then(|o| o.to_str().ok()).map(str::to_owned);
    let allow_origin = origin.as_deref().filter(|o| origin_allowed(&allowed, o)).map(|o| {
        if allowed.iter().any(|a| a == "*") { "*".to_string() } else { o.to_string() }
    });
    if req.method() == Method::OPTIONS {
        let mut resp = StatusCode::NO_CONTENT.into_response();
        if let Some(ao) = allow_origin {
            let h = resp.headers_mut();
            h.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, HeaderValue::from_str(&ao).unwrap());
            h.insert(header::ACCESS_CONTROL_ALLOW_METHODS, HeaderValue::from_static("POST, OPTIONS"));
            h.insert(
                header::ACCESS_CONTROL_ALLOW_HEADERS,
                HeaderValue::from_static("content-type, content-encoding, accept, traceparent, tracestate"),
            );
            h.insert(header::ACCESS_CONTROL_MAX_AGE, HeaderValue::from_static("86400"));
            h.insert(header::VARY, HeaderValue::from_static("Origin"));
        }
        return resp;
    }
    let mut resp = next.run(req).await;
    if let Some(ao) = allow_origin {
        resp.headers_mut().insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, HeaderValue::from_str(&ao).unwrap());
        resp.headers_mut().insert(header::VARY, HeaderValue::from_static("Origin"));
    }
    resp
}

fn status_reply(encoding: Encoding, status: StatusCode, message: String) -> Response {
    let body = RpcStatus { code: if status == StatusCode::INTERNAL_SERVER_ERROR { 13 } else { 3 }, message };
    match encoding {
        Encoding::Protobuf => (status, [(header::CONTENT_TYPE, "application/x-protobuf")], body.encode_to_vec()).into_response(),
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
    let ct = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok());
    let encoding = decode::encoding_of(ct).map_err(|e| error_reply(Encoding::Json, e))?;
    let limit = state.max_body_bytes;
    if let Some(len) = headers.get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<usize>().ok()) {
        if len > limit {
            return Err(error_reply(encoding, DecodeError::TooLarge(limit)));
        }
    }
    let raw: Bytes = axum::body::to_bytes(body, limit)
        .await
        .map_err(|_| error_reply(encoding, DecodeError::TooLarge(limit)))?;
    let ce = headers.get(header::CONTENT_ENCODING).and_then(|v| v.to_str().ok());
    let bytes = decode::decompress(&raw, ce, limit).map_err(|e| error_reply(encoding, e))?;
    let msg = decode::decode::<T>(&bytes, encoding).map_err(|e| error_reply(encoding, e))?;
    Ok((msg, encoding))
}

async fn store(state: &ReceiverState, converted: &mut convert::Converted, encoding: Encoding) -> Result<(), Response> {
    let batch = std::mem::take(&mut converted.batch);
    state
        .store
        .write(batch)
        .await
        .map_err(|e| status_reply(encoding, StatusCode::INTERNAL_SERVER_ERROR, format!("could not store data: {e}")))
}

fn ok_reply<M: Message>(encoding: Encoding, msg: M, json_field: &str, rejected: i64, reason: &str) -> Response {
    match encoding {
        Encoding::Protobuf => (StatusCode::OK, [(header::CONTENT_TYPE, "application/x-protobuf")], msg.encode_to_vec()).into_response(),
        Encoding::Json => {
            let body = if rejected > 0 {
                serde_json::json!({"partialSuccess": {json_field: rejected.to_string(), "errorMessage": reason}})
            } else {
                serde_json::json!({})
            };
            (StatusCode::OK, [(header::CONTENT_TYPE, "application/json")], body.to_string()).into_response()
        }
    }
}

async fn traces(State(state): State<ReceiverState>, headers: HeaderMap, body: Body) -> Response {
    let (req, enc) = match read_message::<ExportTraceServiceRequest>(&state, &headers, body).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let mut c = convert::traces(&req);
    if let Err(r) = store(&state, &mut c, enc).await {
        return r;
    }
    let partial = (c.rejected > 0)
        .then(|| ExportTracePartialSuccess { rejected_spans: c.rejected, error_message: c.reason.clone() });
    ok_reply(enc, ExportTraceServiceResponse { partial_success: partial }, "rejectedSpans", c.rejected, &c.reason)
}

async fn metrics(State(state): State<ReceiverState>, headers: HeaderMap, body: Body) -> Response {
    let (req, enc) = match read_message::<ExportMetricsServiceRequest>(&state, &headers, body).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let mut c = convert::metrics(&req);
    if let Err(r) = store(&state, &mut c, enc).await {
        return r;
    }
    let partial = (c.rejected > 0)
        .then(|| ExportMetricsPartialSuccess { rejected_data_points: c.rejected, error_message: c.reason.clone() });
    ok_reply(enc, ExportMetricsServiceResponse { partial_success: partial }, "rejectedDataPoints", c.rejected, &c.reason)
}

async fn logs(State(state): State<ReceiverState>, headers: HeaderMap, body: Body) -> Response {
    let (req, enc) = match read_message::<ExportLogsServiceRequest>(&state, &headers, body).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let mut c = convert::logs(&req);
    if let Err(r) = store(&state, &mut c, enc).await {
        return r;
    }
    let partial = (c.rejected > 0)
        .then(|| ExportLogsPartialSuccess { rejected_log_records: c.rejected, error_message: c.reason.clone() });
    ok_reply(enc, ExportLogsServiceResponse { partial_success: partial }, "rejectedLogRecords", c.rejected, &c.reason)
}
