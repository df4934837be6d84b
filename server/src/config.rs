//! Command-line flags (each with an environment-variable fallback) and their defaults.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::Parser;

#[derive(Parser, Debug, Clone)]
#[command(
    name = "server",
    version,
    about = "OTLP/HTTP receiver + SQLite + SigNoz v0.39 query-service API"
)]
pub struct Config {
    /// Directory holding the SQLite database and the generated JWT secret.
    #[arg(long, env = "OTEL_WASM_DATA_DIR", default_value = "./data")]
    pub data_dir: PathBuf,
    /// Address of the OTLP/HTTP receiver (/v1/traces, /v1/metrics, /v1/logs).
    #[arg(long, env = "OTEL_WASM_OTLP_ADDR", default_value = "127.0.0.1:4318")]
    pub otlp_addr: SocketAddr,
    /// Address of the query-service API (/api/...) and the dashboard files.
    #[arg(long, env = "OTEL_WASM_API_ADDR", default_value = "127.0.0.1:8080")]
    pub api_addr: SocketAddr,
    /// HS256 secret for access tokens; generated and kept in <data-dir>/jwt-secret when absent.
    #[arg(long, env = "OTEL_WASM_JWT_SECRET", hide_env_values = true)]
    pub jwt_secret: Option<String>,
    /// Comma-separated origins allowed to send OTLP from a browser; `*` allows any. This only
    /// tells browsers which pages may read the reply: it is not authentication (see
    /// --ingest-token).
    #[arg(
        long,
        env = "OTEL_WASM_ALLOWED_ORIGINS",
        default_value = "*",
        value_delimiter = ','
    )]
    pub allowed_origins: Vec<String>,
    /// When set, OTLP requests must carry it as `Authorization: Bearer <token>` or
    /// `signoz-access-token: <token>`; otherwise 401.
    #[arg(long, env = "OTEL_WASM_INGEST_TOKEN", hide_env_values = true)]
    pub ingest_token: Option<String>,
    /// Comma-separated origins whose pages may call the API cross-origin. Empty (the default):
    /// same-origin only, no CORS headers at all.
    #[arg(long, env = "OTEL_WASM_API_ALLOWED_ORIGINS", value_delimiter = ',')]
    pub api_allowed_origins: Vec<String>,
    /// Token that first-run registration must carry (`X-Setup-Token` header or `setupToken`
    /// field) whatever its origin. Without it, a token is generated, printed and written to
    /// <data-dir>/setup-token; same-origin and loopback requests may register without it.
    #[arg(long, env = "OTEL_WASM_SETUP_TOKEN", hide_env_values = true)]
    pub setup_token: Option<String>,
    /// Log lines as `text` (default) or `json`; the level comes from RUST_LOG (default info).
    #[arg(long, env = "OTEL_WASM_LOG_FORMAT", default_value = "text", value_parser = ["text", "json"])]
    pub log_format: String,
    /// Open connections per listener; further clients wait in the accept queue.
    #[arg(long, env = "OTEL_WASM_MAX_CONNECTIONS", default_value_t = 1024)]
    pub max_connections: usize,
    /// Seconds a client has to send a request's headers (and its first bytes), and the longest
    /// pause allowed while it sends a body.
    #[arg(long, env = "OTEL_WASM_READ_TIMEOUT_SECS", default_value_t = 10)]
    pub read_timeout_secs: u64,
    /// Seconds a whole request may take (body and handler), streamed trace replies excepted.
    #[arg(long, env = "OTEL_WASM_REQUEST_TIMEOUT_SECS", default_value_t = 120)]
    pub request_timeout_secs: u64,
    /// Directory with the built dashboard; served at / with index.html as SPA fallback.
    #[arg(long, env = "OTEL_WASM_WEB_ROOT")]
    pub web_root: Option<PathBuf>,
    /// Telemetry older than this many hours is deleted.
    #[arg(long, env = "OTEL_WASM_RETENTION_HOURS", default_value_t = 72)]
    pub retention_hours: u64,
    /// Largest accepted OTLP request body (after gzip decompression too), in bytes.
    #[arg(long, env = "OTEL_WASM_MAX_BODY_BYTES", default_value_t = 16 * 1024 * 1024)]
    pub max_body_bytes: usize,
    /// Seconds between evaluations of alert rules (SigNoz evaluates each at its own frequency;
    /// this is the scheduler tick).
    #[arg(long, env = "OTEL_WASM_RULES_TICK_SECS", default_value_t = 15)]
    pub rules_tick_secs: u64,
    /// Seconds a streamed reply may wait for a client that stopped reading before it is cut
    /// off (it holds a database snapshot meanwhile).
    #[arg(long, env = "OTEL_WASM_REPLY_STALL_SECS", default_value_t = 30)]
    pub reply_stall_secs: u64,
    /// Public origin of this server (how browsers reach the dashboard), used in the links
    /// alert notifications carry; default `http://<api-addr>`.
    #[arg(long, env = "OTEL_WASM_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// Labels alerts are grouped by into one notification (besides their channels).
    #[arg(
        long,
        env = "OTEL_WASM_ALERT_GROUP_BY",
        default_value = "alertname",
        value_delimiter = ','
    )]
    pub alert_group_by: Vec<String>,
    /// Milliseconds a new alert group waits before its first notification.
    #[arg(long, env = "OTEL_WASM_ALERT_GROUP_WAIT_MS", default_value_t = 30_000)]
    pub alert_group_wait_ms: u64,
    /// Milliseconds between notifications of a group whose alerts changed.
    #[arg(
        long,
        env = "OTEL_WASM_ALERT_GROUP_INTERVAL_MS",
        default_value_t = 300_000
    )]
    pub alert_group_interval_ms: u64,
    /// Milliseconds after which a group still firing is notified again.
    #[arg(
        long,
        env = "OTEL_WASM_ALERT_REPEAT_INTERVAL_MS",
        default_value_t = 14_400_000
    )]
    pub alert_repeat_interval_ms: u64,
    /// Extra attempts for a failed notification (network error, 429, 5xx), with doubling
    /// backoff from --alert-retry-backoff-ms.
    #[arg(long, env = "OTEL_WASM_ALERT_RETRIES", default_value_t = 3)]
    pub alert_retries: u32,
    #[arg(
        long,
        env = "OTEL_WASM_ALERT_RETRY_BACKOFF_MS",
        default_value_t = 1_000
    )]
    pub alert_retry_backoff_ms: u64,
}

/// The JWT secret of `Config::ephemeral`.
pub const TEST_JWT_SECRET: &str = "test-secret-of-at-least-32-bytes";

impl Config {
    /// A config for tests and embedding: everything on loopback port 0 inside `data_dir`.
    pub fn ephemeral(data_dir: PathBuf) -> Self {
        Config {
            data_dir,
            otlp_addr: "127.0.0.1:0".parse().unwrap(),
            api_addr: "127.0.0.1:0".parse().unwrap(),
            jwt_secret: Some(TEST_JWT_SECRET.into()),
            allowed_origins: vec!["*".into()],
            ingest_token: None,
            api_allowed_origins: Vec::new(),
            setup_token: None,
            log_format: "text".into(),
            max_connections: 1024,
            read_timeout_secs: 10,
            request_timeout_secs: 120,
            web_root: None,
            retention_hours: 72,
            max_body_bytes: 16 * 1024 * 1024,
            rules_tick_secs: 15,
            reply_stall_secs: 30,
            public_url: None,
            alert_group_by: vec!["alertname".into()],
            alert_group_wait_ms: 30_000,
            alert_group_interval_ms: 300_000,
            alert_repeat_interval_ms: 14_400_000,
            alert_retries: 3,
            alert_retry_backoff_ms: 1_000,
        }
    }

    pub fn retention_nanos(&self) -> i64 {
        (self.retention_hours as i64).saturating_mul(3_600_000_000_000)
    }
}
