//! `server`: OTLP/HTTP receiver + SQLite + SigNoz v0.39 query-service API + dashboard files.

use clap::Parser;

#[tokio::main]
async fn main() {
    let config = server::Config::parse();
    let web_root = config.web_root.clone();
    let retention = config.retention_hours;
    let running = match server::start(config).await {
        Ok(r) => r,
        Err(e) => {
            eprintln!("server: {e}");
            std::process::exit(1);
        }
    };
    println!("server {} (SigNoz query-service v0.39 API)", env!("CARGO_PKG_VERSION"));
    println!("  OTLP/HTTP receiver  http://{}/v1/traces  /v1/metrics  /v1/logs", running.otlp_addr);
    println!("  query-service API   http://{}/api/v1/version", running.api_addr);
    match &web_root {
        Some(root) => println!("  dashboard           http://{}/  (files from {})", running.api_addr, root.display()),
        None => println!("  dashboard           not served (pass --web-root <dir>)"),
    }
    println!("  database            {}  (retention {retention} h)", running.db_path.display());
    let _ = tokio::signal::ctrl_c().await;
    println!("server: shutting down");
    running.shutdown().await;
}
