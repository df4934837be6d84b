//! The embedded backend: an OTLP/HTTP receiver and SigNoz's query-service API over one
//! SQLite database. `start` runs both servers in-process (tests use port 0).

pub mod api;
pub mod auth;
pub mod config;
pub mod otlp;
pub mod promql;
pub mod rules_engine;
pub mod static_files;
pub mod store;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use axum::extract::Request;
use tokio::sync::watch;
use tokio::task::JoinHandle;

pub use config::Config;
use store::Store;

pub struct Running {
    pub otlp_addr: SocketAddr,
    pub api_addr: SocketAddr,
    pub db_path: PathBuf,
    pub store: Store,
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

/// The secret from config, else the one kept in the data dir, else a new random one saved there.
fn jwt_secret(config: &Config) -> Result<Vec<u8>, String> {
    if let Some(s) = &config.jwt_secret {
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

async fn serve(
    listener: tokio::net::TcpListener,
    app: axum::Router,
    mut stop: watch::Receiver<bool>,
) {
    let _ = axum::serve(listener, app)
        .with_graceful_shutdown(async move {
            let _ = stop.wait_for(|s| *s).await;
        })
        .await;
}

pub async fn start(config: Config) -> Result<Running, String> {
    std::fs::create_dir_all(&config.data_dir)
        .map_err(|e| format!("cannot create {}: {e}", config.data_dir.display()))?;
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
    let receiver = otlp::router(otlp::ReceiverState {
        store: store.clone(),
        max_body_bytes: config.max_body_bytes,
        allowed_origins: Arc::new(config.allowed_origins.clone()),
    });
    let state = api::AppState {
        store: store.clone(),
        jwt: Arc::new(auth::JwtKey::new(&secret)),
        stop: stop_rx.clone(),
    };
    let mut app = api::router(state);
    if let Some(root) = config.web_root.clone() {
        app = app.fallback(move |req: Request| static_files::serve(root.clone(), req));
    }

    let mut tasks = vec![
        tokio::spawn(serve(otlp_listener, receiver, stop_rx.clone())),
        tokio::spawn(serve(api_listener, app, stop_rx.clone())),
    ];
    tasks.push(tokio::spawn(retention_loop(
        store.clone(),
        config.retention_nanos(),
        stop_rx.clone(),
    )));
    tasks.push(tokio::spawn(rules_engine::run(
        store.clone(),
        Duration::from_secs(config.rules_tick_secs.max(1)),
        stop_rx,
    )));
    Ok(Running {
        otlp_addr,
        api_addr,
        db_path: store.path().to_path_buf(),
        store,
        stop,
        tasks,
    })
}

/// Deletes expired telemetry at start and then every ten minutes.
async fn retention_loop(store: Store, retention_ns: i64, mut stop: watch::Receiver<bool>) {
    loop {
        let cutoff = api::now_ns().saturating_sub(retention_ns);
        if let Err(e) = store.sweep(cutoff).await {
            eprintln!("retention sweep failed: {e}");
        }
        tokio::select! {
            _ = tokio::time::sleep(Duration::from_secs(600)) => {}
            _ = stop.wait_for(|s| *s) => return,
        }
    }
}
