//! The query-service API (SigNoz v0.39 shapes): shared state, the three reply shapes, access
//! checks, and the router that mounts one module per route group.

pub mod access;
pub mod apdex;
pub mod autocomplete;
pub mod channels;
pub mod dashboard_vars;
pub mod dashboards;
pub mod errors;
pub mod livetail;
pub mod metric_tags;
pub mod promql_api;
pub mod query_range;
pub mod rules;
pub mod services;
pub mod traces;
pub mod users;
pub mod views;

use std::sync::Arc;

use axum::extract::Request;
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::Router;
use serde::Serialize;
use serde_json::{json, Value};

use crate::auth::JwtKey;
use crate::store::Store;

#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub jwt: Arc<JwtKey>,
    /// Turns true at shutdown; long-lived streams (live tail) end on it.
    pub stop: tokio::sync::watch::Receiver<bool>,
}

/// Reply shape 1: `{"status":"success","data":...}` (no `data` key when None).
pub fn envelope<T: Serialize>(data: Option<T>) -> Response {
    let body = match data {
        Some(d) => json!({"status": "success", "data": d}),
        None => json!({"status": "success"}),
    };
    axum::Json(body).into_response()
}

/// Reply shape 2: the payload itself.
pub fn raw<T: Serialize>(data: T) -> Response {
    axum::Json(data).into_response()
}

/// Reply shape 3a (`RespondError`): JSON error whose status follows `errorType`.
#[derive(Debug, Clone)]
pub struct ApiError {
    pub kind: &'static str,
    pub message: String,
    pub data: Option<Value>,
}

impl ApiError {
    pub fn new(kind: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            kind,
            message: message.into(),
            data: None,
        }
    }
    pub fn bad_data(message: impl Into<String>) -> Self {
        Self::new("bad_data", message)
    }
    pub fn internal(message: impl Into<String>) -> Self {
        Self::new("internal", message)
    }
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new("not_found", message)
    }
    fn status(&self) -> StatusCode {
        match self.kind {
            "bad_data" => StatusCode::BAD_REQUEST,
            "execution" => StatusCode::UNPROCESSABLE_ENTITY,
            "timeout" | "canceled" => StatusCode::SERVICE_UNAVAILABLE,
            "not_found" => StatusCode::NOT_FOUND,
            "not_implemented" => StatusCode::NOT_IMPLEMENTED,
            "unauthorized" => StatusCode::UNAUTHORIZED,
            "forbidden" => StatusCode::FORBIDDEN,
            _ => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        let mut body = json!({"status": "error", "errorType": self.kind, "error": self.message});
        if let Some(d) = self.data {
            body["data"] = d;
        }
        (status, axum::Json(body)).into_response()
    }
}

/// Reply shape 3b (`HandleError` in raw handlers): text/plain JSON with a trailing newline.
#[derive(Debug)]
pub struct RawError(pub StatusCode, pub String);

impl RawError {
    pub fn bad(message: impl Into<String>) -> Self {
        RawError(StatusCode::BAD_REQUEST, message.into())
    }
    pub fn internal(message: impl Into<String>) -> Self {
        RawError(StatusCode::INTERNAL_SERVER_ERROR, message.into())
    }
}

impl IntoResponse for RawError {
    fn into_response(self) -> Response {
        let body = json!({"data": null, "total": 0, "limit": 0, "offset": 0,
            "errors": [{"code": self.0.as_u16(), "msg": self.1}]});
        (
            self.0,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            format!("{body}\n"),
        )
            .into_response()
    }
}

/// Parses a JSON body the way Go's encoding/json does for these handlers: field names match
/// case-insensitively (SigNoz's UI sends `Key`/`Operator`), unknown fields are ignored.
pub fn parse_body<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Result<T, String> {
    let v: Value = if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        json!({})
    } else {
        serde_json::from_slice(bytes).map_err(|e| format!("error decoding request body: {e}"))?
    };
    serde_json::from_value(lowercase_keys(v))
        .map_err(|e| format!("error decoding request body: {e}"))
}

/// Lower-cases object keys so structs declared with lowercase serde names match any casing.
fn lowercase_keys(v: Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.into_iter()
                .map(|(k, v)| (k.to_ascii_lowercase(), lowercase_keys(v)))
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.into_iter().map(lowercase_keys).collect()),
        other => other,
    }
}

/// All rows of a metadata query, each turned into JSON by `row`.
pub async fn list_rows(
    st: &AppState,
    sql: String,
    row: fn(&rusqlite::Row) -> rusqlite::Result<Value>,
) -> Result<Vec<Value>, ApiError> {
    st.store
        .with_conn(move |c| {
            let mut s = c.prepare(&sql).map_err(|e| e.to_string())?;
            let rows = s.query_map([], row).map_err(|e| e.to_string())?;
            rows.collect::<Result<Vec<_>, _>>()
                .map_err(|e| e.to_string())
        })
        .await
        .map_err(ApiError::internal)
}

/// Runs a `DELETE ... WHERE <key> = ?1`; 404 `not_found` naming `what` when nothing matched.
pub async fn delete_row<K: rusqlite::ToSql + Send + 'static>(
    st: &AppState,
    sql: &'static str,
    key: K,
    what: &'static str,
) -> Result<(), ApiError> {
    let n = st
        .store
        .with_conn(move |c| c.execute(sql, [key]).map_err(|e| e.to_string()))
        .await
        .map_err(ApiError::internal)?;
    if n == 0 {
        return Err(ApiError::not_found(format!("{what} not found")));
    }
    Ok(())
}

pub fn now_ns() -> i64 {
    chrono::Utc::now().timestamp_nanos_opt().unwrap_or(0)
}

pub fn now_rfc3339() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Nanos, true)
}

pub fn router(state: AppState) -> Router {
    Router::new()
        .merge(users::routes())
        .merge(services::routes())
        .merge(traces::routes())
        .merge(query_range::routes())
        .merge(autocomplete::routes())
        .merge(dashboards::routes())
        .merge(rules::routes())
        .merge(channels::routes())
        .merge(errors::routes())
        .merge(views::routes())
        .merge(metric_tags::routes())
        .merge(livetail::routes())
        .merge(apdex::routes())
        .merge(promql_api::routes())
        .merge(dashboard_vars::routes())
        .with_state(state)
        .layer(middleware::from_fn(cors))
}

const CORS_METHODS: &[&str] = &["GET", "DELETE", "POST", "PUT", "PATCH", "OPTIONS"];
const CORS_HEADERS: &[&str] = &["accept", "authorization", "content-type", "cache-control"];

/// The API's CORS, as rs/cors with SigNoz's settings: any origin, no credentials, preflights
/// answered with 204 when the method and headers are allowed.
async fn cors(req: Request, next: Next) -> Response {
    let has_origin = req.headers().contains_key(header::ORIGIN);
    let preflight = req.method() == Method::OPTIONS
        && req
            .headers()
            .contains_key(header::ACCESS_CONTROL_REQUEST_METHOD);
    if preflight {
        let mut resp = StatusCode::NO_CONTENT.into_response();
        let h = req.headers();
        let method = h
            .get(header::ACCESS_CONTROL_REQUEST_METHOD)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_ascii_uppercase();
        let asked: Vec<String> = h
            .get(header::ACCESS_CONTROL_REQUEST_HEADERS)
            .and_then(|v| v.to_str().ok())
            .map(|s| {
                s.split(',')
                    .map(|x| x.trim().to_ascii_lowercase())
                    .filter(|x| !x.is_empty())
                    .collect()
            })
            .unwrap_or_default();
        let ok = has_origin
            && CORS_METHODS.contains(&method.as_str())
            && asked.iter().all(|a| CORS_HEADERS.contains(&a.as_str()));
        let out = resp.headers_mut();
        out.insert(
            header::VARY,
            HeaderValue::from_static(
                "Origin, Access-Control-Request-Method, Access-Control-Request-Headers",
            ),
        );
        if ok {
            out.insert(
                header::ACCESS_CONTROL_ALLOW_ORIGIN,
                HeaderValue::from_static("*"),
            );
            out.insert(
                header::ACCESS_CONTROL_ALLOW_METHODS,
                HeaderValue::from_str(&method).unwrap(),
            );
            if !asked.is_empty() {
                out.insert(
                    header::ACCESS_CONTROL_ALLOW_HEADERS,
                    HeaderValue::from_str(&asked.join(", ")).unwrap(),
                );
            }
        }
        return resp;
    }
    let mut resp = next.run(req).await;
    if has_origin {
        resp.headers_mut().insert(
            header::ACCESS_CONTROL_ALLOW_ORIGIN,
            HeaderValue::from_static("*"),
        );
        resp.headers_mut()
            .insert(header::VARY, HeaderValue::from_static("Origin"));
    }
    resp
}
