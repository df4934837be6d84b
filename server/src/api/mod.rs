//! The query-service API (SigNoz v0.39 shapes): shared state, the three reply shapes, access
//! checks, and the router that mounts one module per route group.

pub mod access;
pub mod alerts;
pub mod apdex;
pub mod autocomplete;
pub mod channels;
pub mod dashboard_vars;
pub mod dashboards;
pub mod errors;
pub mod legacy_traces;
pub mod livetail;
pub mod login_guard;
pub mod logs_search;
pub mod logs_v1;
pub mod metric_tags;
pub mod promql_api;
pub mod query_range;
pub mod rule_json;
pub mod rules;
pub mod services;
pub mod settings;
pub mod setup;
pub mod team;
pub mod trace_compact;
pub mod traces;
pub mod users;
pub mod views;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use serde::Serialize;
use serde_json::Value;
use signoz_api::{Envelope, ErrorReply, RawErrorReply};
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::{RequestBodyTimeoutLayer, TimeoutLayer};
use tower_http::trace::{DefaultMakeSpan, DefaultOnResponse, TraceLayer};

use crate::auth::JwtKey;
use crate::store::{Store, StoreError};

#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub jwt: Arc<JwtKey>,
    /// Turns true at shutdown; long-lived streams (live tail) end on it.
    pub stop: tokio::sync::watch::Receiver<bool>,
    pub login: Arc<login_guard::LoginGuard>,
    pub setup: Arc<setup::SetupGate>,
    /// How long a streamed reply waits for a client that stopped reading.
    pub reply_stall: std::time::Duration,
    /// Notification settings and client for test notifications.
    pub alerting: Arc<crate::alerting::Alerting>,
    /// `--retention-hours`: each signal's retention until one is set in settings/ttl.
    pub retention_hours: u64,
}

/// What the API listener serves besides the API, and its limits.
#[derive(Clone, Debug, Default)]
pub struct RouterOptions {
    /// Built dashboard served at / (index.html for unknown paths).
    pub web_root: Option<PathBuf>,
    /// Origins allowed to call the API cross-origin; empty = same-origin only.
    pub allowed_origins: Vec<String>,
    /// Longest pause while a request body arrives.
    pub body_timeout: Duration,
    /// Longest a request may take, streamed replies excepted.
    pub request_timeout: Duration,
}

/// The text clients get for any 500: the detail goes to the log only.
pub const INTERNAL_MESSAGE: &str = "internal server error; see the server log";

/// Errors that must not reach a client as they are: 500s, and a query task that panicked
/// (whatever status the handler chose).
fn is_internal(status: StatusCode, message: &str) -> bool {
    status == StatusCode::INTERNAL_SERVER_ERROR || message.starts_with("query task failed")
}

/// Reply shape 1: `{"status":"success","data":...}` (no `data` key when None).
pub fn envelope<T: Serialize>(data: Option<T>) -> Response {
    axum::Json(Envelope::success(data)).into_response()
}

/// Reply shape 2: the payload itself.
pub fn raw<T: Serialize>(data: T) -> Response {
    axum::Json(data).into_response()
}

/// SigNoz's `errorType`: what went wrong, which fixes the HTTP status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    BadData,
    Execution,
    Timeout,
    Canceled,
    NotFound,
    NotImplemented,
    Unauthorized,
    Forbidden,
    Internal,
}

impl ErrorKind {
    /// The `errorType` string on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::BadData => "bad_data",
            ErrorKind::Execution => "execution",
            ErrorKind::Timeout => "timeout",
            ErrorKind::Canceled => "canceled",
            ErrorKind::NotFound => "not_found",
            ErrorKind::NotImplemented => "not_implemented",
            ErrorKind::Unauthorized => "unauthorized",
            ErrorKind::Forbidden => "forbidden",
            ErrorKind::Internal => "internal",
        }
    }

    fn status(self) -> StatusCode {
        match self {
            ErrorKind::BadData => StatusCode::BAD_REQUEST,
            ErrorKind::Execution => StatusCode::UNPROCESSABLE_ENTITY,
            ErrorKind::Timeout | ErrorKind::Canceled => StatusCode::SERVICE_UNAVAILABLE,
            ErrorKind::NotFound => StatusCode::NOT_FOUND,
            ErrorKind::NotImplemented => StatusCode::NOT_IMPLEMENTED,
            ErrorKind::Unauthorized => StatusCode::UNAUTHORIZED,
            ErrorKind::Forbidden => StatusCode::FORBIDDEN,
            ErrorKind::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

/// Reply shape 3a (`RespondError`): JSON error whose status follows `errorType`.
#[derive(Debug, Clone)]
pub struct ApiError {
    pub kind: ErrorKind,
    pub message: String,
    pub data: Option<Value>,
}

impl ApiError {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        ApiError {
            kind,
            message: message.into(),
            data: None,
        }
    }
    pub fn bad_data(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::BadData, message)
    }
    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Internal, message)
    }
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::NotFound, message)
    }
    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Forbidden, message)
    }
    fn status(&self) -> StatusCode {
        self.kind.status()
    }
}

/// A failed query or metadata write is the server's fault: a 500 whose detail is logged only.
impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        ApiError::internal(e.to_string())
    }
}

impl From<rusqlite::Error> for ApiError {
    fn from(e: rusqlite::Error) -> Self {
        StoreError::from(e).into()
    }
}

impl From<serde_json::Error> for ApiError {
    fn from(e: serde_json::Error) -> Self {
        StoreError::from(e).into()
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut status = self.status();
        let (kind, message) = if is_internal(status, &self.message) {
            tracing::error!(error = %self.message, "API request failed");
            status = StatusCode::INTERNAL_SERVER_ERROR;
            ("internal", INTERNAL_MESSAGE.to_string())
        } else {
            (self.kind.as_str(), self.message)
        };
        let mut body = ErrorReply::new(kind, message);
        body.data = self.data;
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

impl From<StoreError> for RawError {
    fn from(e: StoreError) -> Self {
        RawError::internal(e.to_string())
    }
}

impl IntoResponse for RawError {
    fn into_response(self) -> Response {
        let RawError(mut status, mut message) = self;
        if is_internal(status, &message) {
            tracing::error!(error = %message, "API request failed");
            status = StatusCode::INTERNAL_SERVER_ERROR;
            message = INTERNAL_MESSAGE.to_string();
        }
        let body = RawErrorReply::new(status.as_u16(), message);
        let text = serde_json::to_string(&body).expect("an error reply always serializes");
        (
            status,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            format!("{text}\n"),
        )
            .into_response()
    }
}

/// Parses a JSON body the way Go's encoding/json does for these handlers: field names match
/// case-insensitively (SigNoz's UI sends `Key`/`Operator`), unknown fields are ignored.
pub fn parse_body<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Result<T, String> {
    let v: Value = if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        Value::Object(Default::default())
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
pub async fn list_rows<T: Send + 'static>(
    st: &AppState,
    sql: String,
    row: fn(&rusqlite::Row) -> rusqlite::Result<T>,
) -> Result<Vec<T>, ApiError> {
    let rows = st
        .store
        .run(move |c| {
            let mut s = c.prepare(&sql)?;
            let rows = s.query_map([], row)?;
            Ok(rows.collect::<Result<Vec<_>, _>>()?)
        })
        .await?;
    Ok(rows)
}

/// Runs a `DELETE ... WHERE <key> = ?1`; 404 `not_found` naming `what` when nothing matched.
pub async fn delete_row<K: rusqlite::ToSql + Send + 'static>(
    st: &AppState,
    sql: &'static str,
    key: K,
    what: &'static str,
) -> Result<(), ApiError> {
    let n = st.store.run(move |c| Ok(c.execute(sql, [key])?)).await?;
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

pub fn router(state: AppState, opts: RouterOptions) -> Router {
    let mut timed = Router::new()
        .merge(users::routes())
        .merge(services::routes())
        .merge(query_range::routes())
        .merge(autocomplete::routes())
        .merge(dashboards::routes())
        .merge(rules::routes())
        .merge(channels::routes())
        .merge(alerts::routes())
        .merge(team::routes())
        .merge(settings::routes())
        .merge(errors::routes())
        .merge(views::routes())
        .merge(metric_tags::routes())
        .merge(apdex::routes())
        .merge(promql_api::routes())
        .merge(dashboard_vars::routes())
        .merge(legacy_traces::routes())
        .merge(logs_v1::routes())
        .route("/metrics", get(metrics_page));
    if let Some(root) = opts.web_root.clone() {
        timed = timed.fallback(move |req: Request| crate::static_files::serve(root.clone(), req));
    }
    // The whole-request timeout would cut a long trace reply mid-stream, so the streamed
    // routes are merged after it.
    let timed = timed.layer(TimeoutLayer::with_status_code(
        StatusCode::REQUEST_TIMEOUT,
        opts.request_timeout,
    ));
    let mut app = timed
        .merge(traces::routes())
        .merge(trace_compact::routes())
        .merge(livetail::routes())
        .merge(logs_v1::stream_routes())
        .with_state(state)
        .layer(middleware::from_fn(require_json))
        .layer(middleware::from_fn(crate::metrics::track_api))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(CatchPanicLayer::custom(panic_reply))
        .layer(RequestBodyTimeoutLayer::new(opts.body_timeout))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(DefaultMakeSpan::new().level(tracing::Level::INFO))
                .on_response(DefaultOnResponse::new().level(tracing::Level::INFO)),
        );
    if let Some(cors) = cors_layer(&opts.allowed_origins) {
        app = app.layer(cors);
    }
    app
}

/// Prometheus text exposition of the server's own metrics.
async fn metrics_page(State(st): State<AppState>) -> Response {
    let db = st.store.path().to_path_buf();
    let mut wal = db.clone().into_os_string();
    wal.push("-wal");
    let size = |p: &std::path::Path| std::fs::metadata(p).map(|m| m.len()).unwrap_or(0);
    crate::metrics::set_database_bytes(size(&db) + size(std::path::Path::new(&wal)));
    crate::metrics::set_writer_queued_rows(st.store.queued_rows());
    (
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        crate::metrics::render(),
    )
        .into_response()
}

fn panic_reply(detail: Box<dyn std::any::Any + Send + 'static>) -> Response {
    let text = detail
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| detail.downcast_ref::<&str>().copied())
        .unwrap_or("(no message)");
    tracing::error!(panic = text, "API handler panicked");
    ApiError::internal(INTERNAL_MESSAGE).into_response()
}

/// Lower-cases, trims and drops a trailing slash, so configured origins match what browsers
/// send in `Origin`.
pub fn normalise_origin(o: &str) -> String {
    o.trim().trim_end_matches('/').to_ascii_lowercase()
}

/// Cross-origin access to the API for the configured origins only (none by default: the
/// dashboard is served from the same origin). Bearer tokens, so no credentials mode.
fn cors_layer(origins: &[String]) -> Option<CorsLayer> {
    let list: Vec<String> = origins
        .iter()
        .map(|o| normalise_origin(o))
        .filter(|o| !o.is_empty())
        .collect();
    if list.is_empty() {
        return None;
    }
    let any = list.iter().any(|o| o == "*");
    let allow = if any {
        AllowOrigin::any()
    } else {
        AllowOrigin::predicate(move |o: &HeaderValue, _: &axum::http::request::Parts| {
            o.to_str()
                .is_ok_and(|o| list.contains(&normalise_origin(o)))
        })
    };
    Some(
        CorsLayer::new()
            .allow_origin(allow)
            .allow_methods([
                Method::GET,
                Method::DELETE,
                Method::POST,
                Method::PUT,
                Method::PATCH,
            ])
            .allow_headers([
                header::ACCEPT,
                header::AUTHORIZATION,
                header::CONTENT_TYPE,
                header::CACHE_CONTROL,
            ]),
    )
}

/// A POST that carries a body must say it is JSON. Browsers send `text/plain` and form
/// bodies cross-site without a preflight; JSON needs one, which the CORS policy refuses.
async fn require_json(req: Request, next: Next) -> Response {
    if req.method() == Method::POST && req.uri().path().starts_with("/api/") && has_body(&req) {
        let ct = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        let essence = ct
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        if essence != "application/json" && !essence.ends_with("+json") {
            let body = ErrorReply::new(
                ErrorKind::BadData.as_str(),
                "Content-Type must be application/json",
            );
            return (StatusCode::UNSUPPORTED_MEDIA_TYPE, axum::Json(body)).into_response();
        }
    }
    next.run(req).await
}

fn has_body(req: &Request) -> bool {
    let h = req.headers();
    h.contains_key(header::TRANSFER_ENCODING)
        || h.get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
            .is_some_and(|n| n > 0)
}
