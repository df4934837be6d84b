//! `server`: OTLP/HTTP receiver + SQLite + SigNoz v0.39 query-service API + dashboard files.

use std::io::Write;

use clap::Parser;

#[tokio::main]
async fn main() {
    let config = server::Config::parse();
    server::logging::init(&config.log_format);
    let web_root = config.web_root.clone();
    let retention = config.retention_hours;
    let running = match server::start(config).await {
        Ok(r) => r,
        Err(e) => {
            tracing::error!("server: {e}");
            std::process::exit(1);
        }
    };
    let dashboard = match &web_root {
        Some(root) => format!(
            "http://{}/  (files from {})",
            running.api_addr,
            root.display()
        ),
        None => "not served (pass --web-root <dir>)".to_string(),
    };
    // A closed stdout (e.g. a parent that stopped reading) must not take the server down.
    let banner = format!(
        "server {} (SigNoz query-service v0.39 API)\n  OTLP/HTTP receiver  http://{}/v1/traces  /v1/metrics  /v1/logs\n  \
         query-service API   http://{}/api/v1/version\n  dashboard           {dashboard}\n  \
         database            {}  (retention {retention} h)\n",
        env!("CARGO_PKG_VERSION"),
        running.otlp_addr,
        running.api_addr,
        running.db_path.display()
    );
    let setup = match &running.setup_token {
        Some(t) => format!(
            "  first-run setup     open; from another machine pass X-Setup-Token: {t}\n                      (also in {})\n",
            running.db_path.with_file_name("setup-token").display()
        ),
        None => String::new(),
    };
    let mut out = std::io::stdout();
    let _ = out
        .write_all(format!("{banner}{setup}").as_bytes())
        .and_then(|_| out.flush());
    wait_for_stop_signal().await;
    let _ = writeln!(std::io::stdout(), "server: shutting down");
    running.shutdown().await;
}

/// Ctrl-C or SIGTERM (what `kill` and service managers send).
async fn wait_for_stop_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}
