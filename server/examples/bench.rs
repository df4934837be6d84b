//! Benchmark (not a test): ingest over real HTTP with protobuf batches of 512 spans, fill the
//! database to 1 000 000 spans, then time `services`, `traces/{id}` and p99 `query_range`.
//!
//!   cargo run --release -p server --example bench [-- --spans 1000000 --concurrency 4]

mod support;
use support::{arg, kv, percentile};

use std::time::{Duration, Instant};

use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::tonic::resource::v1::Resource;
use opentelemetry_proto::tonic::trace::v1::{ResourceSpans, ScopeSpans, Span, Status};
use prost::Message;
use serde_json::{json, Value};

const BATCH: usize = 512;
const SPANS_PER_TRACE: usize = 8;
const SERVICES: usize = 10;
const OPS: usize = 20;

/// Deterministic pseudo-random numbers so runs are comparable.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

/// One protobuf request of BATCH spans: whole traces, one service per resource. Like live
/// traffic, batch `n` of `of` carries spans from its own slice of the window (plus jitter).
fn batch(n: usize, of: usize, start_ns: u64, window_ns: u64, rng: &mut Rng) -> (Vec<u8>, String) {
    let slice = window_ns / of as u64;
    let slice_start = start_ns + n as u64 * slice;
    let service = n % SERVICES;
    let mut spans = Vec::with_capacity(BATCH);
    let mut last_trace = String::new();
    for t in 0..BATCH / SPANS_PER_TRACE {
        let mut trace_id = [0u8; 16];
        trace_id[..8].copy_from_slice(&(n as u64).to_be_bytes());
        trace_id[8..].copy_from_slice(&(t as u64 + 1).to_be_bytes());
        last_trace = hex::encode(trace_id);
        let t0 = slice_start + rng.next() % (slice * 4).max(1);
        for s in 0..SPANS_PER_TRACE {
            let dur = 1_000_000 + rng.next() % 500_000_000;
            let span_id = (((n as u64) << 20) | ((t as u64) << 4) | (s as u64 + 1))
                .to_be_bytes()
                .to_vec();
            let parent = if s == 0 {
                vec![]
            } else {
                (((n as u64) << 20) | ((t as u64) << 4) | 1)
                    .to_be_bytes()
                    .to_vec()
            };
            spans.push(Span {
                trace_id: trace_id.to_vec(),
                span_id,
                parent_span_id: parent,
                name: format!(
                    "op-{}",
                    if s == 0 {
                        rng.next() as usize % 3
                    } else {
                        rng.next() as usize % OPS
                    }
                ),
                kind: if s == 0 { 2 } else { 3 },
                start_time_unix_nano: t0 + s as u64 * 1000,
                end_time_unix_nano: t0 + s as u64 * 1000 + dur,
                attributes: match s {
                    // A DB call and an external call per trace, for the span-metric queries.
                    1 => vec![kv("db.system", "postgresql"), kv("db.name", "items")],
                    2 => vec![
                        kv("http.method", "POST"),
                        kv("server.address", &format!("api-{}.local", t % 4)),
                    ],
                    _ => vec![
                        kv("http.method", if s % 2 == 0 { "GET" } else { "POST" }),
                        kv("http.route", "/api/items/:id"),
                    ],
                },
                status: Some(Status {
                    code: if rng.next().is_multiple_of(50) { 2 } else { 0 },
                    message: String::new(),
                }),
                ..Default::default()
            });
        }
    }
    let req = ExportTraceServiceRequest {
        resource_spans: vec![ResourceSpans {
            resource: Some(Resource {
                attributes: vec![
                    kv("service.name", &format!("svc-{service}")),
                    kv("deployment.environment", "bench"),
                ],
                ..Default::default()
            }),
            scope_spans: vec![ScopeSpans {
                spans,
                ..Default::default()
            }],
            ..Default::default()
        }],
    };
    (req.encode_to_vec(), last_trace)
}

async fn ingest(
    http: &reqwest::Client,
    url: &str,
    bodies: Vec<Vec<u8>>,
    concurrency: usize,
) -> Duration {
    let started = Instant::now();
    let queue = std::sync::Arc::new(std::sync::Mutex::new(bodies));
    let mut tasks = Vec::new();
    for _ in 0..concurrency {
        let (http, url, queue) = (http.clone(), url.to_string(), queue.clone());
        tasks.push(tokio::spawn(async move {
            loop {
                let Some(body) = queue.lock().unwrap().pop() else {
                    break;
                };
                let r = http
                    .post(&url)
                    .header("content-type", "application/x-protobuf")
                    .body(body)
                    .send()
                    .await
                    .unwrap();
                assert_eq!(r.status(), 200);
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    started.elapsed()
}

async fn time_requests<F, Fut>(n: usize, mut f: F) -> (f64, f64, f64)
where
    F: FnMut(usize) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let mut ms = Vec::with_capacity(n);
    for i in 0..n {
        let t = Instant::now();
        f(i).await;
        ms.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    ms.sort_by(f64::total_cmp);
    (
        percentile(&ms, 0.5),
        percentile(&ms, 0.99),
        *ms.last().unwrap(),
    )
}

#[tokio::main]
async fn main() {
    let total: usize = arg("--spans", 1_000_000);
    let concurrency: usize = arg("--concurrency", 4);
    let dir = std::env::temp_dir().join(format!("server-bench-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let running = server::start(server::Config::ephemeral(dir.clone()))
        .await
        .unwrap();
    let api = format!("http://{}", running.api_addr);
    let otlp = format!("http://{}/v1/traces", running.otlp_addr);
    let http = reqwest::Client::new();

    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64;
    let window = 3_600_000_000_000u64;
    let start = now - window - 60_000_000_000;
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let batches = total.div_ceil(BATCH);
    let mut bodies = Vec::with_capacity(batches);
    let mut trace_ids = Vec::new();
    for n in 0..batches {
        let (b, t) = batch(n, batches, start, window, &mut rng);
        bodies.push(b);
        if n % 37 == 0 {
            trace_ids.push(t);
        }
    }
    println!(
        "bench: {} spans in {} protobuf batches of {BATCH}, {concurrency} concurrent senders",
        batches * BATCH,
        batches
    );

    // Throughput on the first 200 000 spans (an empty-ish database), then fill the rest.
    let first: Vec<Vec<u8>> = bodies
        .drain(..(200_000 / BATCH).min(bodies.len()))
        .collect();
    let first_spans = first.len() * BATCH;
    let took = ingest(&http, &otlp, first, concurrency).await;
    println!(
        "ingest: {first_spans} spans in {:.2} s = {:.0} spans/s",
        took.as_secs_f64(),
        first_spans as f64 / took.as_secs_f64()
    );
    let rest_spans = bodies.len() * BATCH;
    let took = ingest(&http, &otlp, bodies, concurrency).await;
    println!(
        "ingest (filling to {}): {rest_spans} spans in {:.2} s = {:.0} spans/s",
        batches * BATCH,
        took.as_secs_f64(),
        rest_spans as f64 / took.as_secs_f64()
    );
    let db_mb = std::fs::metadata(running.db_path.clone())
        .map(|m| m.len() as f64 / 1e6)
        .unwrap_or(0.0);
    println!("database: {:.0} MB", db_mb);

    let reg =
        json!({"name": "b", "orgName": "b", "email": "b@example.com", "password": "benchmark"});
    http.post(format!("{api}/api/v1/register"))
        .json(&reg)
        .send()
        .await
        .unwrap();
    let login: Value = http
        .post(format!("{api}/api/v1/login"))
        .json(&reg)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = login["accessJwt"].as_str().unwrap().to_string();

    let win =
        json!({"start": start.to_string(), "end": (now + 60_000_000_000).to_string(), "tags": []});
    let (p50, p99, max) = time_requests(20, |_| {
        let r = http
            .post(format!("{api}/api/v1/services"))
            .bearer_auth(&token)
            .json(&win)
            .send();
        async move {
            let v: Value = r.await.unwrap().json().await.unwrap();
            assert_eq!(v.as_array().unwrap().len(), SERVICES);
        }
    })
    .await;
    println!("services (1 h window): p50 {p50:.1} ms, p99 {p99:.1} ms, max {max:.1} ms");

    let (p50, p99, max) = time_requests(trace_ids.len().min(200), |i| {
        let r = http
            .get(format!("{api}/api/v1/traces/{}", trace_ids[i]))
            .bearer_auth(&token)
            .send();
        async move {
            let v: Value = r.await.unwrap().json().await.unwrap();
            assert_eq!(v[0]["events"].as_array().unwrap().len(), SPANS_PER_TRACE);
        }
    })
    .await;
    println!(
        "traces/{{id}} ({} lookups): p50 {p50:.1} ms, p99 {p99:.1} ms, max {max:.1} ms",
        trace_ids.len().min(200)
    );

    let key = |k: &str, dt: &str, col: bool| json!({"key": k, "dataType": dt, "type": "tag", "isColumn": col, "isJSON": false});
    let qr = |filters: Value, group_by: Value| {
        json!({"start": start / 1_000_000, "end": (now + 60_000_000_000) / 1_000_000, "step": 60,
            "compositeQuery": {"queryType": "builder", "panelType": "graph", "builderQueries": {"A": {"queryName": "A", "expression": "A",
            "dataSource": "traces", "aggregateOperator": "p99", "aggregateAttribute": key("durationNano", "float64", true),
            "filters": {"op": "AND", "items": filters}, "groupBy": group_by, "stepInterval": 60, "reduceTo": "sum"}}}})
    };
    let cases = [
        (
            "p99 by minute, one service (rollup path)",
            qr(
                json!([{"key": key("serviceName", "string", true), "op": "=", "value": "svc-3"}]),
                json!([]),
            ),
        ),
        (
            "p99 by minute, all services grouped by serviceName (rollup path)",
            qr(json!([]), json!([key("serviceName", "string", true)])),
        ),
        (
            "p99 by minute, one service + attribute filter (raw spans)",
            qr(
                json!([{"key": key("serviceName", "string", true), "op": "=", "value": "svc-3"}, {"key": key("http.method", "string", false), "op": "=", "value": "GET"}]),
                json!([]),
            ),
        ),
    ];
    // SigNoz's span-metric names, derived from the spans (v0.39 service page, PromQL).
    let metric = |name: &str, filters: Value, group_by: Value, disabled: bool, q: &str| {
        json!({"queryName": q, "expression": q, "dataSource": "metrics", "aggregateOperator": "sum_rate",
            "aggregateAttribute": {"key": name, "dataType": "float64", "type": "", "isColumn": true},
            "filters": {"op": "AND", "items": filters}, "groupBy": group_by, "stepInterval": 60,
            "disabled": disabled, "reduceTo": "sum"})
    };
    let svc = json!({"key": {"key": "service_name", "dataType": "string", "type": "resource", "isColumn": false}, "op": "IN", "value": ["svc-3"]});
    let errors = json!({"key": {"key": "status_code", "dataType": "string", "type": "tag", "isColumn": false}, "op": "IN", "value": ["STATUS_CODE_ERROR"]});
    let address =
        json!([{"key": "address", "dataType": "string", "type": "tag", "isColumn": false}]);
    let window_ms = |builder: Value, kind: &str| {
        json!({"start": start / 1_000_000, "end": (now + 60_000_000_000) / 1_000_000, "step": 60,
            "compositeQuery": {"queryType": kind, "panelType": "graph", "builderQueries": builder.clone(),
                "promQueries": builder}})
    };
    let promql = |q: &str| {
        window_ms(
            json!({"A": {"query": q, "disabled": false, "legend": ""}}),
            "promql",
        )
    };
    let span_cases = [
        (
            "span metrics: DB calls RPS by db_system, one service (builder, raw spans)",
            window_ms(json!({"A": metric("signoz_db_latency_count", json!([svc]), json!([{"key": "db_system", "dataType": "string", "type": "tag", "isColumn": false}]), false, "A")}), "builder"),
        ),
        (
            "span metrics: external call error % by address, one service (builder formula, raw spans)",
            window_ms(json!({
                "A": metric("signoz_external_call_latency_count", json!([svc, errors]), address.clone(), true, "A"),
                "B": metric("signoz_external_call_latency_count", json!([svc]), address.clone(), true, "B"),
                "F1": {"queryName": "F1", "expression": "A*100/B", "disabled": false}}), "builder"),
        ),
        (
            "span metrics: PromQL external call rate by address, one service (raw spans)",
            promql(r#"sum by (address) (rate(signoz_external_call_latency_count{service_name="svc-3"}[5m]))"#),
        ),
        (
            "span metrics: PromQL p99 from signoz_latency_bucket, one service (rollup)",
            promql(r#"histogram_quantile(0.99, sum(rate(signoz_latency_bucket{service_name="svc-3"}[5m])) by (le))"#),
        ),
    ];
    for (label, body) in cases.into_iter().chain(span_cases) {
        let (p50, p99, max) = time_requests(10, |_| {
            let r = http
                .post(format!("{api}/api/v3/query_range"))
                .bearer_auth(&token)
                .json(&body)
                .send();
            async move {
                let v: Value = r.await.unwrap().json().await.unwrap();
                assert_eq!(v["status"], "success", "{v}");
            }
        })
        .await;
        println!("query_range {label}: p50 {p50:.1} ms, p99 {p99:.1} ms, max {max:.1} ms");
    }

    // The legacy /trace page: what one page load asks for, over the whole hour.
    let legacy = |extra: Value| {
        let mut b = json!({"start": start.to_string(), "end": (now + 60_000_000_000).to_string(),
            "tags": [], "exclude": [], "minDuration": "", "maxDuration": ""});
        for (k, v) in extra.as_object().unwrap() {
            b[k] = v.clone();
        }
        b
    };
    let legacy_cases = [
        (
            "getFilteredSpans, newest 10",
            "/api/v1/getFilteredSpans",
            legacy(json!({"limit": 10})),
        ),
        (
            "getFilteredSpans, one service, 10 longest",
            "/api/v1/getFilteredSpans",
            legacy(
                json!({"limit": 10, "serviceName": ["svc-3"], "order": "descending", "orderParam": "duration"}),
            ),
        ),
        (
            "getFilteredSpans/aggregates, count per minute by service",
            "/api/v1/getFilteredSpans/aggregates",
            legacy(json!({"function": "count", "step": 60, "groupBy": "serviceName"})),
        ),
        (
            "getFilteredSpans/aggregates, p99 per minute by http.route",
            "/api/v1/getFilteredSpans/aggregates",
            legacy(json!({"function": "p99", "step": 60, "groupBy": "httpRoute"})),
        ),
        (
            "getSpanFilters, the page's 6 facets",
            "/api/v1/getSpanFilters",
            legacy(
                json!({"getFilters": ["serviceName", "status", "duration", "operation", "httpMethod", "httpRoute"]}),
            ),
        ),
        ("getTagFilters", "/api/v1/getTagFilters", legacy(json!({}))),
        (
            "getTagValues db.name",
            "/api/v1/getTagValues",
            legacy(json!({"tagKey": {"Key": "db.name", "Type": "string"}})),
        ),
    ];
    for (label, path, body) in legacy_cases {
        let (p50, p99, max) = time_requests(10, |_| {
            let r = http
                .post(format!("{api}{path}"))
                .bearer_auth(&token)
                .json(&body)
                .send();
            async move {
                let r = r.await.unwrap();
                assert_eq!(r.status(), 200, "{path}");
            }
        })
        .await;
        println!("{label}: p50 {p50:.1} ms, p99 {p99:.1} ms, max {max:.1} ms");
    }
    running.shutdown().await;
    let _ = std::fs::remove_dir_all(&dir);
}
