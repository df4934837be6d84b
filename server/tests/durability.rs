//! Acknowledged data survives `kill -9` of a real server process, and the retention sweep
//! deletes what is older than `--retention-hours` when the server starts.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::*;
use prost::Message;

/// Kills the child on drop, so a failing test leaves no server behind.
struct ChildGuard(Child);

impl Drop for ChildGuard {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts the real binary on port 0 and reads the OTLP address it prints.
fn spawn_server(dir: &std::path::Path) -> (ChildGuard, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_server"))
        .args([
            "--data-dir",
            dir.to_str().unwrap(),
            "--otlp-addr",
            "127.0.0.1:0",
            "--api-addr",
            "127.0.0.1:0",
            "--jwt-secret",
            server::config::TEST_JWT_SECRET,
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("server binary starts");
    let stdout = child.stdout.take().unwrap();
    let guard = ChildGuard(child);
    let mut lines = BufReader::new(stdout).lines();
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        let Some(Ok(line)) = lines.next() else { break };
        if let Some(rest) = line.trim().strip_prefix("OTLP/HTTP receiver") {
            let url = rest.trim().split("/v1/").next().unwrap().to_string();
            // Keep draining stdout so the server never writes into a closed pipe.
            std::thread::spawn(move || lines.for_each(drop));
            return (guard, url);
        }
    }
    panic!("server did not print its OTLP address");
}

#[tokio::test]
async fn acknowledged_spans_survive_kill_9() {
    let dir = TempDir::new("kill9");
    let (mut child, otlp) = spawn_server(&dir.0);
    let http = reqwest::Client::new();
    let t0 = now_ns() - 60_000_000_000;
    let mut acked = 0;
    for batch in 0..20u8 {
        let spans: Vec<SpanSpec> = (0..50u8)
            .map(|n| SpanSpec::new(batch, n, "op", t0 + n as u64, 1000))
            .collect();
        let r = http
            .post(format!("{otlp}/v1/traces"))
            .header("content-type", "application/x-protobuf")
            .body(request("durable", &spans).encode_to_vec())
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        acked += spans.len();
    }
    // SIGKILL right after the last acknowledgement: no shutdown, no checkpoint.
    child.0.kill().unwrap();
    child.0.wait().unwrap();

    let srv = TestServer::start_with(|c| c.data_dir = dir.0.clone()).await;
    let token = srv.admin_token().await;
    let mut found = 0;
    for batch in 0..20u8 {
        let (_, d) = srv
            .get(
                &token,
                &format!(
                    "/api/v1/traces/{}",
                    hex::encode(SpanSpec::new(batch, 0, "", 0, 0).trace)
                ),
            )
            .await;
        found += d[0]["events"].as_array().unwrap().len();
    }
    assert_eq!(found, acked);
    srv.stop().await;
}

#[tokio::test]
async fn retention_deletes_old_telemetry_at_start() {
    let dir = TempDir::new("retention");
    let old = SpanSpec::new(1, 1, "old", now_ns() - 3 * 3_600_000_000_000, 1000);
    let new = SpanSpec::new(2, 1, "new", now_ns() - 60_000_000_000, 1000);
    {
        let srv = TestServer::start_with(|c| c.data_dir = dir.0.clone()).await;
        assert_eq!(
            srv.send_traces(&request("svc", &[old.clone(), new.clone()]))
                .await
                .status(),
            200
        );
        srv.stop().await;
    }
    let srv = TestServer::start_with(|c| {
        c.data_dir = dir.0.clone();
        c.retention_hours = 1;
    })
    .await;
    let token = srv.admin_token().await;
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let (_, d) = srv
            .get(
                &token,
                &format!("/api/v1/traces/{}", hex::encode(old.trace)),
            )
            .await;
        if d[0]["events"].as_array().unwrap().is_empty() {
            break;
        }
        assert!(Instant::now() < deadline, "old span was not swept");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let (_, d) = srv
        .get(
            &token,
            &format!("/api/v1/traces/{}", hex::encode(new.trace)),
        )
        .await;
    assert_eq!(d[0]["events"].as_array().unwrap().len(), 1);
    srv.stop().await;
}
