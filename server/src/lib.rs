//! The embedded backend: an OTLP/HTTP receiver and SigNoz's query-service API over one
//! SQLite database. `start` runs both servers in-process (tests use port 0).

pub mod alerting;
pub mod api;
pub mod auth;
pub mod config;
pub mod http_server;
pub mod logging;
pub mod metrics;
pub mod otlp;
pub mod promql;
pub mod rules_engine;
pub mod static_files;
pub mod store;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;
use tokio::task::JoinHandle;

pub use config::Config;
use store::Store;

pub struct Running {
    pub otlp_addr: SocketAddr,
    pub api_addr: SocketAddr,
    pub db_path: PathBuf,
    pub store: Store,
    /// The token that opens first-run registration from anywhere, while no user exists and
    /// it was generated (not configured); also written to <data-dir>/setup-token.
    pub setup_token: Option<String>,
    stop: watch::Sender<bool>,
    tasks: Vec<JoinHandle<()>>,
}

impl Running {
    /// Stops accepting, lets in-flight requests finish, and waits for the servers to exit.
    pub async fn shutdown(self) {
        let _ = self.stop.send(true);
        for t in self.tasks {
            let _ = t.await;
        }
    }
}

/// Shortest accepted configured JWT secret: HS256 keys below 256 bits are guessable offline.
pub const MIN_JWT_SECRET_BYTES: usize = 32;

/// The secret from config, else the one kept in the data dir, else a new random one saved there.
fn jwt_secret(config: &Config) -> Result<Vec<u8>, String> {
    if let Some(s) = &config.jwt_secret {
        if s.len() < MIN_JWT_SECRET_BYTES {
            return Err(format!(
                "the JWT secret must be at least {MIN_JWT_SECRET_BYTES} bytes (it has {})",
                s.len()
            ));
        }
        return Ok(s.as_bytes().to_vec());
    }
    let path = config.data_dir.join("jwt-secret");
    if let Ok(s) = std::fs::read_to_string(&path) {
        if !s.trim().is_empty() {
            return Ok(s.trim().as_bytes().to_vec());
        }
    }
    let secret = hex::encode(rand::random::<[u8; 32]>());
    write_private(&path, &secret).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    Ok(secret.into_bytes())
}

fn write_private(path: &Path, contents: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
    opts.open(path)?.write_all(contents.as_bytes())
}

/// The configured setup token (strict), else, while no user exists, the one kept in the data
/// dir or a new random one saved there.
async fn setup_gate(config: &Config, store: &Store) -> Result<api::setup::SetupGate, String> {
    if let Some(t) = config.setup_token.clone().filter(|t| !t.trim().is_empty()) {
        return Ok(api::setup::SetupGate {
            token: Some(t.trim().to_string()),
            strict: true,
        });
    }
    let fresh = store
        .run(|c| {
            Ok(
                c.query_row("SELECT NOT EXISTS (SELECT 1 FROM users)", [], |r| {
                    r.get::<_, bool>(0)
                })?,
            )
        })
        .await?;
    let path = config.data_dir.join("setup-token");
    if !fresh {
        let _ = std::fs::remove_file(&path);
        return Ok(api::setup::SetupGate {
            token: None,
            strict: false,
        });
    }
    let token = match std::fs::read_to_string(&path) {
        Ok(s) if !s.trim().is_empty() => s.trim().to_string(),
        _ => {
            let t = hex::encode(rand::random::<[u8; 16]>());
            write_private(&path, &t)
                .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
            t
        }
    };
    Ok(api::setup::SetupGate {
        token: Some(token),
        strict: false,
    })
}

pub async fn start(config: Config) -> Result<Running, String> {
    store::create_private_dir(&config.data_dir)?;
    let secret = jwt_secret(&config)?;
    let store = Store::open(&config.data_dir)?;
    let otlp_listener = tokio::net::TcpListener::bind(config.otlp_addr)
        .await
        .map_err(|e| format!("cannot listen on {} (OTLP): {e}", config.otlp_addr))?;
    let api_listener = tokio::net::TcpListener::bind(config.api_addr)
        .await
        .map_err(|e| format!("cannot listen on {} (API): {e}", config.api_addr))?;
    let otlp_addr = otlp_listener.local_addr().map_err(|e| e.to_string())?;
    let api_addr = api_listener.local_addr().map_err(|e| e.to_string())?;

    let (stop, stop_rx) = watch::channel(false);
    let read_timeout = Duration::from_secs(config.read_timeout_secs.max(1));
    let request_timeout = Duration::from_secs(config.request_timeout_secs.max(1));
    let receiver = otlp::router(otlp::ReceiverState {
        store: store.clone(),
        max_body_bytes: config.max_body_bytes,
        allowed_origins: Arc::new(config.allowed_origins.clone()),
        ingest_token: config
            .ingest_token
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(Arc::from),
        body_timeout: read_timeout,
        request_timeout,
        limits: otlp::DecodeLimits::default(),
    });
    let public_url = config
        .public_url
        .clone()
        .filter(|u| !u.trim().is_empty())
        .map(|u| u.trim().trim_end_matches('/').to_string())
        .unwrap_or_else(|| format!("http://{api_addr}"));
    let dispatch_cfg = alerting::DispatchConfig {
        public_url: public_url.clone(),
        group_by: config.alert_group_by.clone(),
        group_wait_ms: config.alert_group_wait_ms,
        group_interval_ms: config.alert_group_interval_ms,
        repeat_interval_ms: config.alert_repeat_interval_ms,
        retries: config.alert_retries,
        retry_backoff_ms: config.alert_retry_backoff_ms,
    };
    let (dispatch, dispatch_rx) = alerting::dispatcher::channel();
    let setup = setup_gate(&config, &store).await?;
    let setup_token = setup.token.clone().filter(|_| !setup.strict);
    let state = api::AppState {
        store: store.clone(),
        jwt: Arc::new(auth::JwtKey::new(&secret)),
        stop: stop_rx.clone(),
        login: Arc::new(api::login_guard::LoginGuard::default()),
        setup: Arc::new(setup),
        reply_stall: Duration::from_secs(config.reply_stall_secs.max(1)),
        alerting: Arc::new(alerting::Alerting {
            cfg: dispatch_cfg.clone(),
            http: reqwest::Client::new(),
        }),
        retention_hours: config.retention_hours,
    };
    let app = api::router(
        state,
        api::RouterOptions {
            web_root: config.web_root.clone(),
            allowed_origins: config.api_allowed_origins.clone(),
            body_timeout: read_timeout,
            request_timeout,
        },
    );
    let limits = http_server::Limits {
        read_timeout,
        max_connections: config.max_connections,
    };

    let mut tasks = vec![
        tokio::spawn(http_server::serve(
            otlp_listener,
            receiver,
            limits,
            stop_rx.clone(),
        )),
        tokio::spawn(http_server::serve(
            api_listener,
            app,
            limits,
            stop_rx.clone(),
        )),
    ];
    tasks.push(tokio::spawn(retention_loop(
        store.clone(),
        config.retention_hours,
        stop_rx.clone(),
    )));
    tasks.push(tokio::spawn(alerting::dispatcher::run(
        store.clone(),
        dispatch_cfg,
        dispatch_rx,
        stop_rx.clone(),
    )));
    tasks.push(tokio::spawn(rules_engine::run(
        store.clone(),
        Duration::from_secs(config.rules_tick_secs.max(1)),
        rules_engine::EvalContext { public_url },
        Some(dispatch),
        stop_rx,
    )));
    Ok(Running {
        otlp_addr,
        api_addr,
        db_path: store.path().to_path_buf(),
        store,
        setup_token,
        stop,
        tasks,
    })
}

/// Deletes expired telemetry at start and then every ten minutes, each signal after its own
/// retention (`/api/v1/settings/ttl`, default `--retention-hours`).
async fn retention_loop(store: Store, default_hours: u64, mut stop: watch::Receiver<bool>) {
    loop {
        let hours = api::settings::retention_hours(&store, default_hours).await;
        let cutoff =
            |h: u64| api::now_ns().saturating_sub((h as i64).saturating_mul(3_600_000_000_000));
        let cutoffs = store::Cutoffs {
            traces: cutoff(hours.traces),
            logs: cutoff(hours.logs),
            metrics: cutoff(hours.metrics),
        };
        if let Err(e) = store.sweep_signals(cutoffs).await {
            tracing::error!(error = %e, "retention sweep failed");
        }
        tokio::select! {
            _ = tokio::time::sleep(Duration::from_secs(600)) => {}
            _ = stop.wait_for(|s| *s) => return,
        }
    }
}
