//! What stands in front of the OTLP handlers: CORS for browser exporters and the optional
//! ingest token. The origin allow-list only decides which pages may *read* replies; it does not
//! stop anyone from sending. `--ingest-token` does.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::Request;
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use prost::Message;
use tower_http::cors::{AllowHeaders, AllowOrigin, CorsLayer};

use super::RpcStatus;

/// The header SigNoz Cloud's collectors take the ingestion key in.
pub const SIGNOZ_TOKEN_HEADER: &str = "signoz-access-token";

/// Browser CORS: POST from the allowed origins (`*` = any), with whatever request headers the
/// preflight asks for (SDKs may be configured with custom ones, e.g. an ingest key).
pub fn cors_layer(allowed: &[String]) -> CorsLayer {
    let list: Vec<String> = allowed
        .iter()
        .map(|o| crate::api::normalise_origin(o))
        .filter(|o| !o.is_empty())
        .collect();
    let origin = if list.iter().any(|o| o == "*") {
        AllowOrigin::any()
    } else {
        AllowOrigin::predicate(move |o: &HeaderValue, _: &axum::http::request::Parts| {
            o.to_str()
                .is_ok_and(|o| list.contains(&crate::api::normalise_origin(o)))
        })
    };
    CorsLayer::new()
        .allow_origin(origin)
        .allow_methods([Method::POST])
        .allow_headers(AllowHeaders::mirror_request())
        .max_age(Duration::from_secs(86400))
}

/// With an ingest token configured, every export must present it.
pub async fn require_token(token: Option<Arc<str>>, req: Request, next: Next) -> Response {
    let Some(token) = token else {
        return next.run(req).await;
    };
    let h = req.headers();
    let bearer = h
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            let (scheme, t) = v.trim().split_once(' ')?;
            scheme.eq_ignore_ascii_case("bearer").then(|| t.trim())
        });
    let signoz = h
        .get(SIGNOZ_TOKEN_HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::trim);
    let ok = [bearer, signoz]
        .into_iter()
        .flatten()
        .any(|given| constant_time_eq(given.as_bytes(), token.as_bytes()));
    if ok {
        return next.run(req).await;
    }
    let protobuf = h
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("application/x-protobuf"));
    // google.rpc.Code UNAUTHENTICATED = 16.
    let status = RpcStatus {
        code: 16,
        message: "missing or wrong ingest token (Authorization: Bearer or signoz-access-token)"
            .into(),
    };
    if protobuf {
        (
            StatusCode::UNAUTHORIZED,
            [(header::CONTENT_TYPE, "application/x-protobuf")],
            status.encode_to_vec(),
        )
            .into_response()
    } else {
        (
            StatusCode::UNAUTHORIZED,
            [(header::CONTENT_TYPE, "application/json")],
            serde_json::json!({"code": status.code, "message": status.message}).to_string(),
        )
            .into_response()
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
