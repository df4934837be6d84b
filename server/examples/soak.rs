//! Soak benchmark (not a test, not in CI): ingest at a steady rate for N minutes while other
//! clients query, then report acknowledged vs stored spans, memory and query latency.
//!
//!   cargo run --release -p server --example soak [-- --minutes 10 --rate 20000 --queriers 2]
//!
//! Senders post protobuf batches of 512 spans on a fixed schedule and retry a 503 after its
//! Retry-After; an acknowledged batch counts once. Memory is the process's VmRSS (the server
//! runs in-process, so it includes the load generator, which holds little).

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::tonic::common::v1::{any_value, AnyValue, KeyValue};
use opentelemetry_proto::tonic::resource::v1::Resource;
use opentelemetry_proto::tonic::trace::v1::{ResourceSpans, ScopeSpans, Span};
use prost::Message;
use serde_json::json;

const BATCH: usize = 512;

fn arg(name: &str, default: u64) -> u64 {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn kv(k: &str, v: &str) -> KeyValue {
    KeyValue {
        key: k.into(),
        value: Some(AnyValue {
            value: Some(any_value::Value::StringValue(v.into())),
        }),
        ..Default::default()
    }
}

fn now_ns() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64
}

/// Batch `n`: 64 traces of 8 spans from one of 10 services, timed now.
fn batch(n: u64) -> Vec<u8> {
    let t0 = now_ns();
    let mut spans = Vec::with_capacity(BATCH);
    for i in 0..BATCH as u64 {
        let mut trace_id = [0u8; 16];
        trace_id[..8].copy_from_slice(&(n + 1).to_be_bytes());
        trace_id[8..].copy_from_slice(&(i / 8 + 1).to_be_bytes());
        let dur = 1_000_000 + (n * 7919 + i * 104_729) % 400_000_000;
        spans.push(Span {
            trace_id: trace_id.to_vec(),
            span_id: ((n << 16) | (i + 1)).to_be_bytes().to_vec(),
            parent_span_id: if i % 8 == 0 {
                vec![]
            } else {
                ((n << 16) | (i - i % 8 + 1)).to_be_bytes().to_vec()
            },
            name: format!("op{}", i % 20),
            kind: if i % 8 == 0 { 2 } else { 3 },
            start_time_unix_nano: t0 - dur,
            end_time_unix_nano: t0,
            attributes: vec![kv("http.method", "GET"), kv("http.route", "/api/x")],
            ..Default::default()
        });
    }
    ExportTraceServiceRequest {
        resource_spans: vec![ResourceSpans {
            resource: Some(Resource {
                attributes: vec![kv("service.name", &format!("svc{}", n % 10))],
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

fn rss_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

fn percentile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    sorted[((sorted.len() - 1) as f64 * q).round() as usize]
}

#[tokio::main]
async fn main() {
    let minutes = arg("--minutes", 5);
    let rate = arg("--rate", 20_000);
    let queriers = arg("--queriers", 2);
    let dir = std::env::temp_dir().join(format!("server-soak-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let running = server::start(server::Config::ephemeral(dir.clone()))
        .await
        .unwrap();
    let api = format!("http://{}", running.api_addr);
    let otlp = format!("http://{}/v1/traces", running.otlp_addr);
    let http = reqwest::Client::new();
    http.post(format!("{api}/api/v1/register"))
        .json(&json!({"name": "s", "orgName": "s", "email": "s@example.com", "password": "soak-soak"}))
        .send()
        .await
        .unwrap();
    let login: serde_json::Value = http
        .post(format!("{api}/api/v1/login"))
        .json(&json!({"email": "s@example.com", "password": "soak-soak"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = login["accessJwt"].as_str().unwrap().to_string();
    println!("soak: {minutes} min at {rate} spans/s, {queriers} concurrent queriers");

    let end = Instant::now() + Duration::from_secs(minutes * 60);
    let acked = Arc::new(AtomicU64::new(0));
    let retries = Arc::new(AtomicU64::new(0));
    let rss_start = rss_mib();
    let rss_max = Arc::new(Mutex::new(rss_start));

    // Memory sampler.
    let sampler = {
        let rss_max = rss_max.clone();
        tokio::spawn(async move {
            while Instant::now() < end {
                let r = rss_mib();
                {
                    let mut m = rss_max.lock().unwrap();
                    *m = m.max(r);
                }
                tokio::time::sleep(Duration::from_secs(2)).await;
            }
        })
    };

    // Senders: one batch per tick, each send in its own task so a slow reply does not
    // slow the schedule.
    let sender = {
        let (http, otlp, acked, retries) =
            (http.clone(), otlp.clone(), acked.clone(), retries.clone());
        tokio::spawn(async move {
            let mut tick =
                tokio::time::interval(Duration::from_secs_f64(BATCH as f64 / rate as f64));
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            let mut n = 0u64;
            let mut inflight = Vec::new();
            while Instant::now() < end {
                tick.tick().await;
                let body = batch(n);
                n += 1;
                let (http, otlp, acked, retries) =
                    (http.clone(), otlp.clone(), acked.clone(), retries.clone());
                inflight.push(tokio::spawn(async move {
                    loop {
                        let r = http
                            .post(&otlp)
                            .header("content-type", "application/x-protobuf")
                            .body(body.clone())
                            .send()
                            .await;
                        match r {
                            Ok(r) if r.status() == 200 => {
                                acked.fetch_add(BATCH as u64, Ordering::Relaxed);
                                return;
                            }
                            Ok(r) if r.status() == 503 => {
                                retries.fetch_add(1, Ordering::Relaxed);
                                tokio::time::sleep(Duration::from_secs(1)).await;
                            }
                            Ok(r) => panic!("ingest answered {}", r.status()),
                            Err(e) => panic!("ingest failed: {e}"),
                        }
                    }
                }));
                inflight.retain(|t| !t.is_finished());
            }
            for t in inflight {
                t.await.unwrap();
            }
            n
        })
    };

    // Queriers: services, a p99 chart and a trace, round robin.
    let mut query_tasks = Vec::new();
    for q in 0..queriers {
        let (http, api, token) = (http.clone(), api.clone(), token.clone());
        query_tasks.push(tokio::spawn(async move {
            let mut lat: Vec<f64> = Vec::new();
            let mut i = q;
            while Instant::now() < end {
                let now_ms = (now_ns() / 1_000_000) as i64;
                let t = Instant::now();
                let r = match i % 3 {
                    0 => http
                        .post(format!("{api}/api/v1/services"))
                        .bearer_auth(&token)
                        .json(&json!({"start": ((now_ms - 3_600_000) * 1_000_000).to_string(), "end": (now_ms * 1_000_000).to_string(), "tags": []})),
                    1 => http
                        .post(format!("{api}/api/v3/query_range"))
                        .bearer_auth(&token)
                        .json(&json!({"start": now_ms - 3_600_000, "end": now_ms, "step": 60,
                            "compositeQuery": {"queryType": "builder", "panelType": "graph", "builderQueries": {"A": {
                                "queryName": "A", "expression": "A", "dataSource": "traces", "aggregateOperator": "p99",
                                "aggregateAttribute": {"key": "durationNano", "dataType": "float64", "isColumn": true},
                                "groupBy": [{"key": "serviceName", "dataType": "string", "isColumn": true}],
                                "stepInterval": 60}}}})),
                    _ => http
                        .get(format!(
                            "{api}/api/v1/traces/{:016x}{:016x}",
                            (i * 13) % 1000 + 1,
                            1
                        ))
                        .bearer_auth(&token),
                };
                let resp = r.send().await.unwrap();
                let ok = resp.status().is_success();
                let _ = resp.bytes().await;
                assert!(ok, "query {} failed", i % 3);
                lat.push(t.elapsed().as_secs_f64() * 1000.0);
                i += 1;
            }
            lat
        }));
    }

    let batches = sender.await.unwrap();
    let mut lat = Vec::new();
    for t in query_tasks {
        lat.extend(t.await.unwrap());
    }
    sampler.await.unwrap();
    lat.sort_by(f64::total_cmp);
    let acked = acked.load(Ordering::Relaxed);
    let stored: i64 = running
        .store
        .with_conn(|c| {
            c.query_row("SELECT count(*) FROM spans", [], |r| r.get(0))
                .map_err(|e| e.to_string())
        })
        .await
        .unwrap();
    let secs = (minutes * 60) as f64;
    println!(
        "spans: {} sent in {batches} batches, {acked} acknowledged ({:.0} spans/s), {stored} stored, {} retried 503s",
        batches * BATCH as u64,
        acked as f64 / secs,
        retries.load(Ordering::Relaxed)
    );
    println!(
        "queries: {} done, p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        lat.len(),
        percentile(&lat, 0.5),
        percentile(&lat, 0.99),
        lat.last().copied().unwrap_or(f64::NAN)
    );
    println!(
        "memory (VmRSS): start {rss_start:.0} MiB, max {:.0} MiB, end {:.0} MiB",
        *rss_max.lock().unwrap(),
        rss_mib()
    );
    assert_eq!(stored as u64, acked, "every acknowledged span is stored");
    running.shutdown().await;
    let _ = std::fs::remove_dir_all(&dir);
}
