//! Soak benchmark (not a test, not in CI): the release server binary as a child process, fed
//! OTLP at a steady rate for minutes while other clients query it and a slowloris client holds
//! connections open. Reports the server's memory over time, acknowledged vs stored spans, the
//! query latencies and what became of the slow connections.
//!
//!   cargo build --release -p server && cargo run --release -p server --example soak -- \
//!     [--minutes 10] [--rate 20000] [--queriers 2] [--slow 64] [--server-bin target/release/server]

mod support;
use support::{arg, kv, percentile};

use std::net::{SocketAddr, TcpListener};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::tonic::resource::v1::Resource;
use opentelemetry_proto::tonic::trace::v1::{ResourceSpans, ScopeSpans, Span, Status};
use prost::Message;
use serde_json::{json, Value};

const BATCH: usize = 500;
const SERVICES: u64 = 8;

fn free_addr() -> SocketAddr {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
}

fn now_ns() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64
}

/// Batch `n`: BATCH spans of one service, traces of 5 spans, timestamps at the send time.
fn batch(n: u64) -> Vec<u8> {
    let t0 = now_ns();
    let spans = (0..BATCH as u64)
        .map(|i| {
            let trace = (n << 16) | (i / 5);
            let mut trace_id = [0u8; 16];
            trace_id[..8].copy_from_slice(&0x50a4u64.to_be_bytes());
            trace_id[8..].copy_from_slice(&trace.to_be_bytes());
            let id = |k: u64| ((n << 20) | (i / 5) << 3 | k).to_be_bytes().to_vec();
            Span {
                trace_id: trace_id.to_vec(),
                span_id: id(i % 5 + 1),
                parent_span_id: if i % 5 == 0 { vec![] } else { id(1) },
                name: format!("op-{}", (n + i) % 12),
                kind: 2,
                start_time_unix_nano: t0 - 2_000_000_000 + i * 1000,
                end_time_unix_nano: t0 - 2_000_000_000
                    + i * 1000
                    + 1_000_000
                    + (i * 7919 % 400) * 1_000_000,
                attributes: vec![
                    kv("http.method", if i % 2 == 0 { "GET" } else { "POST" }),
                    kv("http.route", "/api/items/:id"),
                ],
                status: Some(Status {
                    code: if i % 40 == 0 { 2 } else { 0 },
                    message: String::new(),
                }),
                ..Default::default()
            }
        })
        .collect();
    ExportTraceServiceRequest {
        resource_spans: vec![ResourceSpans {
            resource: Some(Resource {
                attributes: vec![
                    kv("service.name", &format!("soak-{}", n % SERVICES)),
                    kv("deployment.environment", "soak"),
                ],
                ..Default::default()
            }),
            scope_spans: vec![ScopeSpans {
                spans,
                ..Default::default()
            }],
            ..Default::default()
        }],
    }
    .encode_to_vec()
}

fn rss_mib(pid: u32) -> f64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines().find(|l| l.starts_with("VmRSS:")).and_then(|l| {
                l.split_whitespace()
                    .nth(1)
                    .and_then(|v| v.parse::<f64>().ok())
            })
        })
        .map(|kb| kb / 1024.0)
        .unwrap_or(0.0)
}

#[derive(Default)]
struct Counts {
    acked: AtomicU64,
    rejected_in_ack: AtomicU64,
    retried: AtomicU64,
    failed: AtomicU64,
}

struct Server(Child);
impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

async fn wait_up(http: &reqwest::Client, api: &str) {
    for _ in 0..200 {
        if http
            .get(format!("{api}/api/v1/version"))
            .send()
            .await
            .is_ok()
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("server did not start");
}

#[tokio::main]
async fn main() {
    let minutes: f64 = arg("--minutes", 10.0);
    let rate: u64 = arg("--rate", 20_000);
    let queriers: usize = arg("--queriers", 2);
    let slow: usize = arg("--slow", 64);
    let exe = std::env::current_exe().unwrap();
    let default_bin = exe
        .parent()
        .and_then(|p| p.parent())
        .unwrap()
        .join("server");
    let bin: PathBuf = arg("--server-bin", default_bin);
    if !bin.exists() {
        eprintln!(
            "soak: {} not found; run `cargo build --release -p server` first",
            bin.display()
        );
        std::process::exit(2);
    }
    let dir = std::env::temp_dir().join(format!("server-soak-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let (otlp_addr, api_addr) = (free_addr(), free_addr());
    let child = Command::new(&bin)
        .args(["--data-dir", dir.to_str().unwrap()])
        .args([
            "--otlp-addr",
            &otlp_addr.to_string(),
            "--api-addr",
            &api_addr.to_string(),
        ])
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start server");
    let pid = child.id();
    let server = Server(child);
    let api = format!("http://{api_addr}");
    let otlp = format!("http://{otlp_addr}/v1/traces");
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(32)
        .build()
        .unwrap();
    wait_up(&http, &api).await;

    let reg = json!({"name": "s", "orgName": "s", "email": "soak@example.com", "password": "soak-benchmark"});
    let r = http
        .post(format!("{api}/api/v1/register"))
        .json(&reg)
        .send()
        .await
        .unwrap();
    assert!(
        r.status().is_success(),
        "register: {}",
        r.text().await.unwrap_or_default()
    );
    let login: Value = http
        .post(format!("{api}/api/v1/login"))
        .json(&reg)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = login["accessJwt"].as_str().expect("accessJwt").to_string();

    let run_for = Duration::from_secs_f64(minutes * 60.0);
    let started = Instant::now();
    let t_start_ns = now_ns() - 10_000_000_000;
    let counts = Arc::new(Counts::default());
    println!(
        "soak: {minutes} min at {rate} spans/s ({BATCH}-span protobuf batches), {queriers} queriers, {slow} slowloris connections; server pid {pid}"
    );

    // Ingest: one batch every BATCH/rate seconds, each sent by its own task; a 429/503 is
    // retried after Retry-After as an OTLP exporter would, so nothing acknowledged is lost.
    let sender = {
        let (http, otlp, counts) = (http.clone(), otlp.clone(), counts.clone());
        tokio::spawn(async move {
            let mut tick =
                tokio::time::interval(Duration::from_secs_f64(BATCH as f64 / rate as f64));
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Burst);
            let inflight = Arc::new(tokio::sync::Semaphore::new(64));
            let mut n = 0u64;
            while started.elapsed() < run_for {
                tick.tick().await;
                let body = batch(n);
                n += 1;
                let permit = inflight.clone().acquire_owned().await.unwrap();
                let (http, otlp, counts) = (http.clone(), otlp.clone(), counts.clone());
                tokio::spawn(async move {
                    let _permit = permit;
                    for _attempt in 0..20 {
                        let sent = http
                            .post(&otlp)
                            .header("content-type", "application/x-protobuf")
                            .body(body.clone())
                            .timeout(Duration::from_secs(30))
                            .send()
                            .await;
                        match sent {
                            Ok(r) if r.status().is_success() => {
                                let reply = r.bytes().await.unwrap_or_default();
                                let rejected = opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceResponse::decode(reply)
                                    .ok()
                                    .and_then(|p| p.partial_success)
                                    .map(|p| p.rejected_spans as u64)
                                    .unwrap_or(0);
                                counts
                                    .acked
                                    .fetch_add(BATCH as u64 - rejected, Ordering::Relaxed);
                                counts
                                    .rejected_in_ack
                                    .fetch_add(rejected, Ordering::Relaxed);
                                return;
                            }
                            Ok(r) if matches!(r.status().as_u16(), 429 | 502 | 503 | 504) => {
                                let wait = r
                                    .headers()
                                    .get("retry-after")
                                    .and_then(|v| v.to_str().ok())
                                    .and_then(|v| v.parse::<f64>().ok())
                                    .unwrap_or(1.0);
                                counts.retried.fetch_add(1, Ordering::Relaxed);
                                tokio::time::sleep(Duration::from_secs_f64(wait.min(5.0))).await;
                            }
                            _ => {
                                counts.retried.fetch_add(1, Ordering::Relaxed);
                                tokio::time::sleep(Duration::from_secs(1)).await;
                            }
                        }
                    }
                    counts.failed.fetch_add(BATCH as u64, Ordering::Relaxed);
                });
            }
            // Wait for every batch in flight.
            let _ = inflight.acquire_many(64).await;
            n
        })
    };

    // Queries: p99 of duration by service over the last 5 minutes, and the services list.
    let latencies = Arc::new(Mutex::new(Vec::<f64>::new()));
    let mut query_tasks = Vec::new();
    for q in 0..queriers {
        let (http, api, token, latencies) =
            (http.clone(), api.clone(), token.clone(), latencies.clone());
        query_tasks.push(tokio::spawn(async move {
            let mut errors = 0u64;
            while started.elapsed() < run_for {
                let end = now_ns();
                let begin = end - 300_000_000_000;
                let req = if q % 2 == 0 {
                    http.post(format!("{api}/api/v3/query_range")).json(&json!({
                        "start": begin / 1_000_000, "end": end / 1_000_000, "step": 60,
                        "compositeQuery": {"queryType": "builder", "panelType": "graph", "builderQueries": {"A": {
                            "queryName": "A", "expression": "A", "dataSource": "traces", "aggregateOperator": "p99",
                            "aggregateAttribute": {"key": "durationNano", "dataType": "float64", "type": "tag", "isColumn": true},
                            "filters": {"op": "AND", "items": []},
                            "groupBy": [{"key": "serviceName", "dataType": "string", "type": "tag", "isColumn": true}],
                            "stepInterval": 60, "reduceTo": "sum"}}}}))
                } else {
                    http.post(format!("{api}/api/v1/services"))
                        .json(&json!({"start": begin.to_string(), "end": end.to_string(), "tags": []}))
                };
                let t = Instant::now();
                match req.bearer_auth(&token).timeout(Duration::from_secs(60)).send().await {
                    Ok(r) if r.status().is_success() => {
                        let _ = r.bytes().await;
                        latencies.lock().unwrap().push(t.elapsed().as_secs_f64() * 1000.0);
                    }
                    _ => errors += 1,
                }
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
            errors
        }));
    }

    // Slowloris: connections that send a header line, then one byte every 5 s; a closed one is
    // counted and reopened. Plain threads: blocking writes are all this needs.
    let slow_closed = Arc::new(AtomicU64::new(0));
    for i in 0..slow {
        let closed = slow_closed.clone();
        let addr = if i % 2 == 0 { otlp_addr } else { api_addr };
        std::thread::spawn(move || {
            use std::io::Write;
            while started.elapsed() < run_for {
                let Ok(mut s) = std::net::TcpStream::connect(addr) else {
                    std::thread::sleep(Duration::from_secs(1));
                    continue;
                };
                let mut open = s
                    .write_all(b"POST /v1/traces HTTP/1.1\r\nHost: x\r\n")
                    .is_ok();
                while open && started.elapsed() < run_for {
                    std::thread::sleep(Duration::from_secs(5));
                    open = s.write_all(b"X").and_then(|_| s.flush()).is_ok();
                }
                if !open {
                    closed.fetch_add(1, Ordering::Relaxed);
                }
            }
        });
    }

    // Memory, sampled every 10 s.
    let mut rss = Vec::new();
    while started.elapsed() < run_for {
        tokio::time::sleep(Duration::from_secs(10)).await;
        let m = rss_mib(pid);
        rss.push((started.elapsed().as_secs(), m));
        println!(
            "  t={:>4} s  server RSS {:>7.1} MiB  acked {:>9} spans  retried {} requests",
            started.elapsed().as_secs(),
            m,
            counts.acked.load(Ordering::Relaxed),
            counts.retried.load(Ordering::Relaxed)
        );
    }
    let batches = sender.await.unwrap();
    let mut query_errors = 0;
    for t in query_tasks {
        query_errors += t.await.unwrap();
    }
    let elapsed = started.elapsed().as_secs_f64();

    // Everything acknowledged must be stored: count all soak spans.
    let end = now_ns() + 60_000_000_000;
    let count: Value = http
        .post(format!("{api}/api/v3/query_range"))
        .bearer_auth(&token)
        .timeout(Duration::from_secs(600))
        .json(&json!({
            "start": t_start_ns / 1_000_000, "end": end / 1_000_000, "step": 60,
            "compositeQuery": {"queryType": "builder", "panelType": "graph", "builderQueries": {"A": {
                "queryName": "A", "expression": "A", "dataSource": "traces", "aggregateOperator": "count",
                "aggregateAttribute": {"key": "", "dataType": "", "type": "", "isColumn": false},
                "filters": {"op": "AND", "items": []}, "groupBy": [], "stepInterval": 60, "reduceTo": "sum"}}}}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let stored = count["data"]["result"][0]["series"][0]["values"]
        .as_array()
        .map(|v| {
            v.iter()
                .filter_map(|p| p["value"].as_str()?.parse::<f64>().ok())
                .sum::<f64>()
        })
        .unwrap_or(-1.0) as u64;
    let acked = counts.acked.load(Ordering::Relaxed);

    let mut lat = latencies.lock().unwrap().clone();
    lat.sort_by(f64::total_cmp);
    let first_min: Vec<f64> = rss.iter().filter(|(t, _)| *t <= 60).map(|p| p.1).collect();
    let last_min: Vec<f64> = rss
        .iter()
        .filter(|(t, _)| *t as f64 >= elapsed - 70.0)
        .map(|p| p.1)
        .collect();
    let avg = |v: &[f64]| v.iter().sum::<f64>() / v.len().max(1) as f64;
    let db_mb = std::fs::metadata(dir.join("signals.db"))
        .map(|m| m.len() as f64 / 1e6)
        .unwrap_or(0.0);
    println!(
        "soak: {:.0} s, {batches} batches sent, {:.0} spans/s acknowledged",
        elapsed,
        acked as f64 / elapsed
    );
    println!(
        "spans: acknowledged {acked}, stored {stored}, lost {}, rejected in acknowledged replies {}, given up {}, retried requests {}",
        acked.saturating_sub(stored),
        counts.rejected_in_ack.load(Ordering::Relaxed),
        counts.failed.load(Ordering::Relaxed),
        counts.retried.load(Ordering::Relaxed)
    );
    println!(
        "server RSS: first minute {:.1} MiB, last minute {:.1} MiB, max {:.1} MiB; database {db_mb:.0} MB",
        avg(&first_min),
        avg(&last_min),
        rss.iter().map(|p| p.1).fold(0.0, f64::max)
    );
    println!(
        "queries: {} answered, {query_errors} failed, p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        lat.len(),
        percentile(&lat, 0.5),
        percentile(&lat, 0.99),
        lat.last().copied().unwrap_or(f64::NAN)
    );
    println!(
        "slowloris: {slow} connections held open, {} closed by the server (and reopened)",
        slow_closed.load(Ordering::Relaxed)
    );
    drop(server);
    let _ = std::fs::remove_dir_all(&dir);
}
