//! Hostile input against a real server (loopback HTTP, real database files): each test
//! reproduces a finding of the security review and checks the server stays up, answers with
//! a clear error and loses nothing it acknowledged.

mod common;

use std::collections::HashMap;
use std::io::Write;
use std::time::{Duration, Instant};

use common::*;
use opentelemetry_proto::tonic::collector::logs::v1::ExportLogsServiceRequest;
use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceResponse;
use opentelemetry_proto::tonic::logs::v1::{LogRecord, ResourceLogs, ScopeLogs};
use prost::Message;
use serde_json::{json, Value};

fn now_ms() -> i64 {
    (now_ns() / 1_000_000) as i64
}

fn graph(queries: Value) -> Value {
    json!({"start": now_ms() - 3_600_000, "end": now_ms(), "step": 60,
        "compositeQuery": {"queryType": "builder", "panelType": "graph", "builderQueries": queries}})
}

fn count_by_service() -> Value {
    json!({"queryName": "A", "expression": "A", "dataSource": "traces", "aggregateOperator": "count",
        "stepInterval": 60, "groupBy": [{"key": "serviceName", "dataType": "string", "type": "tag", "isColumn": true}]})
}

async fn health(srv: &TestServer) -> (u16, Value) {
    let r = srv
        .http
        .get(format!("{}/api/v1/health", srv.api))
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

async fn sql<T: Send + 'static>(
    srv: &TestServer,
    f: impl FnOnce(&mut rusqlite::Connection) -> rusqlite::Result<T> + Send + 'static,
) -> T {
    srv.running
        .as_ref()
        .unwrap()
        .store
        .with_conn(move |c| f(c).map_err(|e| e.to_string()))
        .await
        .unwrap()
}

async fn post_otlp(
    srv: &TestServer,
    path: &str,
    ct: &str,
    ce: Option<&str>,
    body: Vec<u8>,
) -> reqwest::Response {
    let mut rb = srv
        .http
        .post(format!("{}{path}", srv.otlp))
        .header("content-type", ct);
    if let Some(ce) = ce {
        rb = rb.header("content-encoding", ce);
    }
    rb.body(body).send().await.unwrap()
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    enc.write_all(data).unwrap();
    enc.finish().unwrap()
}

// Finding 1: a deeply nested formula overflowed the stack and aborted the process.
#[tokio::test]
async fn deep_formula_is_a_400_not_a_crash() {
    let srv = TestServer::start().await;
    let token = srv.admin_token().await;
    for expr in [
        format!("{}A", "-".repeat(60_000)),
        format!("{}A{}", "(".repeat(5_000), ")".repeat(5_000)),
    ] {
        let body =
            graph(json!({"A": count_by_service(), "F1": {"queryName": "F1", "expression": expr}}));
        let (status, reply) = srv.query_range(&token, body).await;
        assert_eq!(status, 400, "{reply}");
        assert_eq!(reply["errorType"], "bad_data");
    }
    let (status, _) = health(&srv).await;
    assert_eq!(status, 200);
    srv.stop().await;
}

// Findings 1 and 11: rules are validated when saved, and one rule that fails or panics does
// not stop the evaluation of the others.
#[tokio::test]
async fn bad_rules_are_refused_and_cannot_stop_other_rules() {
    let srv = TestServer::start().await;
    let token = srv.admin_token().await;
    let cq = |queries: Value| json!({"queryType": "builder", "panelType": "graph", "builderQueries": queries});
    let rule = |cq: Value| json!({"alert": "r", "condition": {"compositeQuery": cq, "op": "1", "target": 0}});
    let poison = cq(json!({"A": count_by_service(),
        "F1": {"queryName": "F1", "expression": format!("{}A", "-".repeat(60_000))}}));
    let (status, body) = srv
        .post(&token, "/api/v1/rules", rule(poison.clone()))
        .await;
    assert_eq!(status, 400, "{body}");
    let mut huge_step = count_by_service();
    huge_step["stepInterval"] = json!(36028797018963968i64);
    let (status, body) = srv
        .post(
            &token,
            "/api/v1/rules",
            rule(cq(json!({"A": huge_step.clone()}))),
        )
        .await;
    assert_eq!(status, 400, "{body}");
    let (status, body) = srv.post(&token, "/api/v1/rules", rule(json!({}))).await;
    assert_eq!(status, 400, "{body}");

    // Rules saved by an older version skipped validation: put them in directly, before a
    // healthy rule that must fire.
    let sp = SpanSpec::new(1, 1, "GET /", now_ns() - 60_000_000_000, 1_000_000);
    assert_eq!(
        srv.send_traces(&request("frontend", &[sp])).await.status(),
        200
    );
    let bad = [
        rule(poison).to_string(),
        rule(cq(json!({"A": huge_step}))).to_string(),
    ];
    sql(&srv, move |c| {
        for data in bad {
            c.execute(
                "INSERT INTO rules (data, state) VALUES (?1, 'inactive')",
                [data],
            )?;
        }
        Ok(())
    })
    .await;
    let (status, body) = srv
        .post(
            &token,
            "/api/v1/rules",
            rule(cq(json!({"A": count_by_service()}))),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let n = sql(&srv, |c| {
        let mut last = HashMap::new();
        Ok(server::rules_engine::evaluate_due(c, now_ms(), &mut last).unwrap())
    })
    .await;
    assert_eq!(n, 3);
    let (_, list) = srv.get(&token, "/api/v1/rules").await;
    let states: Vec<&str> = list["data"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["state"].as_str().unwrap())
        .collect();
    // The rules that cannot run say so (state `error` with the reason); the healthy one fires.
    assert_eq!(states, ["error", "error", "firing"]);
    for r in &list["data"]["rules"].as_array().unwrap()[..2] {
        assert!(!r["lastError"].as_str().unwrap().is_empty(), "{r}");
    }
    srv.stop().await;
}

// Finding 11: a stepInterval that overflows nanosecond arithmetic.
#[tokio::test]
async fn huge_step_interval_is_a_400() {
    let srv = TestServer::start().await;
    let token = srv.admin_token().await;
    for source in ["metrics", "traces", "logs"] {
        let q = json!({"queryName": "A", "expression": "A", "dataSource": source, "aggregateOperator": "sum",
            "aggregateAttribute": {"key": "m"}, "stepInterval": 36028797018963968i64});
        let (status, body) = srv.query_range(&token, graph(json!({ "A": q }))).await;
        assert_eq!(status, 400, "{source}: {body}");
        assert!(body["error"].as_str().unwrap().contains("stepInterval"));
    }
    srv.stop().await;
}

// Finding 2: a span ending at 2^64-1 poisoned the per-minute rollup (duration sum overflowed
// into a REAL) and every rollup reader failed.
#[tokio::test]
async fn extreme_durations_cannot_poison_the_rollup() {
    let srv = TestServer::start().await;
    let token = srv.admin_token().await;
    let t = now_ns() - 30_000_000_000;
    let mut spans = Vec::new();
    for i in 0..3u8 {
        spans.push(SpanSpec::new(1, i + 1, "GET /", t, 1));
    }
    let mut req = request("frontend", &spans);
    for s in &mut req.resource_spans[0].scope_spans[0].spans {
        s.end_time_unix_nano = u64::MAX;
    }
    // An end before the start is refused, the rest stored.
    let mut backwards = SpanSpec::new(1, 9, "GET /", t, 0).to_proto();
    backwards.end_time_unix_nano = t - 1;
    req.resource_spans[0].scope_spans[0].spans.push(backwards);
    let r = srv.send_traces(&req).await;
    assert_eq!(r.status(), 200);
    let reply = ExportTraceServiceResponse::decode(r.bytes().await.unwrap()).unwrap();
    let ps = reply.partial_success.unwrap();
    assert_eq!(ps.rejected_spans, 1);
    assert!(
        ps.error_message.contains("endTimeUnixNano"),
        "{}",
        ps.error_message
    );
    assert!(ps.error_message.contains("7 days"), "{}", ps.error_message);

    let durations: Vec<i64> = sql(&srv, |c| {
        let mut s = c.prepare("SELECT duration FROM spans")?;
        let v = s.query_map([], |r| r.get(0))?.collect::<Result<_, _>>()?;
        Ok(v)
    })
    .await;
    assert_eq!(durations, vec![7 * 24 * 3600 * 1_000_000_000i64; 3]);

    // Rollup rows an older version left with a REAL sum must still be readable.
    sql(&srv, |c| {
        c.execute("UPDATE span_rollup SET duration_sum = 9.3e18", [])?;
        Ok(())
    })
    .await;
    let window = json!({"start": (t - 600_000_000_000).to_string(), "end": (t + 600_000_000_000).to_string(), "tags": []});
    let (status, body) = srv.post(&token, "/api/v1/services", window.clone()).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body[0]["numCalls"], 3);
    let mut window_ops = window.clone();
    window_ops["service"] = json!("frontend");
    let (status, body) = srv
        .post(&token, "/api/v1/service/top_operations", window_ops)
        .await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = srv
        .query_range(&token, graph(json!({"A": count_by_service()})))
        .await;
    assert_eq!(status, 200, "{body}");
    let mut avg = count_by_service();
    avg["aggregateOperator"] = json!("avg");
    avg["aggregateAttribute"] =
        json!({"key": "durationNano", "dataType": "float64", "isColumn": true});
    let (status, body) = srv.query_range(&token, graph(json!({ "A": avg }))).await;
    assert_eq!(status, 200, "{body}");

    // More maximal spans in the same minute: the sum saturates instead of overflowing.
    assert_eq!(srv.send_traces(&req).await.status(), 200);
    let (status, body) = srv.post(&token, "/api/v1/services", window).await;
    assert_eq!(status, 200, "{body}");
    let kind: String = sql(&srv, |c| {
        c.query_row("SELECT typeof(duration_sum) FROM span_rollup", [], |r| {
            r.get(0)
        })
    })
    .await;
    assert_eq!(kind, "integer");
    srv.stop().await;
}

// Finding 18: future timestamps hid from every window and outlived retention; logs without
// any timestamp were stored at 1970 and deleted by the next sweep.
#[tokio::test]
async fn future_and_missing_timestamps_get_the_receive_time() {
    let srv = TestServer::start().await;
    let before = now_ns() as i64;
    let future = SpanSpec::new(1, 1, "GET /", now_ns() + 86_400_000_000_000, 5_000_000);
    let r = srv.send_traces(&request("frontend", &[future])).await;
    assert_eq!(r.status(), 200);
    let ps = ExportTraceServiceResponse::decode(r.bytes().await.unwrap())
        .unwrap()
        .partial_success
        .unwrap();
    assert_eq!(ps.rejected_spans, 0);
    assert!(
        ps.error_message.contains("receive time"),
        "{}",
        ps.error_message
    );
    let logs = ExportLogsServiceRequest {
        resource_logs: vec![ResourceLogs {
            scope_logs: vec![ScopeLogs {
                log_records: vec![LogRecord {
                    body: Some(opentelemetry_proto::tonic::common::v1::AnyValue {
                        value: Some(s("no time")),
                    }),
                    ..Default::default()
                }],
                ..Default::default()
            }],
            ..Default::default()
        }],
    };
    let r = post_otlp(
        &srv,
        "/v1/logs",
        "application/x-protobuf",
        None,
        logs.encode_to_vec(),
    )
    .await;
    assert_eq!(r.status(), 200);
    let after = now_ns() as i64;
    let (span_ts, log_ts): (i64, i64) = sql(&srv, |c| {
        Ok((
            c.query_row("SELECT ts FROM spans", [], |r| r.get(0))?,
            c.query_row("SELECT ts FROM logs", [], |r| r.get(0))?,
        ))
    })
    .await;
    assert!((before..=after).contains(&span_ts), "{span_ts}");
    assert!((before..=after).contains(&log_ts), "{log_ts}");
    // A sweep at the retention cutoff keeps both.
    let store = srv.running.as_ref().unwrap().store.clone();
    store.sweep(before - 72 * 3_600_000_000_000).await.unwrap();
    assert_eq!(
        sql(&srv, |c| c.query_row(
            "SELECT count(*) FROM logs",
            [],
            |r| r.get::<_, i64>(0)
        ))
        .await,
        1
    );
    srv.stop().await;
}

// Finding 3: 16 KB of gzip decoded into 0.9 GB (8 M empty ResourceSpans) on an async worker.
#[tokio::test]
async fn decode_bombs_are_refused_before_decoding() {
    let srv = TestServer::start().await;
    let bomb = gzip(&[0x0a, 0x00].repeat(8 << 20));
    assert!(bomb.len() < 100_000);
    let t = Instant::now();
    let r = post_otlp(
        &srv,
        "/v1/traces",
        "application/x-protobuf",
        Some("gzip"),
        bomb,
    )
    .await;
    assert_eq!(r.status(), 413);
    let msg = r.bytes().await.unwrap();
    let status = server::otlp::RpcStatus::decode(msg).unwrap();
    assert!(
        status.message.contains("smaller batches"),
        "{}",
        status.message
    );
    let json_bomb =
        gzip(format!("{{\"resourceSpans\":[{}{{}}]}}", "{},".repeat(5 << 20)).as_bytes());
    let r = post_otlp(
        &srv,
        "/v1/traces",
        "application/json",
        Some("gzip"),
        json_bomb,
    )
    .await;
    assert_eq!(r.status(), 413);
    assert!(t.elapsed() < Duration::from_secs(20), "{:?}", t.elapsed());
    let (status, _) = health(&srv).await;
    assert_eq!(status, 200);
    srv.stop().await;
}

// Findings 3 and 4: attributes per item are capped (OTel's 128) with a warning, and the
// autocomplete keys a client can create are capped and swept with retention.
#[tokio::test]
async fn attributes_and_autocomplete_keys_are_bounded() {
    let srv = TestServer::start().await;
    let t = now_ns() - 10_000_000_000;
    let mut spans = Vec::new();
    for n in 0..50u8 {
        let mut sp = SpanSpec::new(2, n + 1, "op", t, 1000);
        sp.attrs = (0..130)
            .map(|k| kv(&format!("k{n}_{k}"), i(k as i64)))
            .collect();
        spans.push(sp);
    }
    let r = srv.send_traces(&request("svc", &spans)).await;
    assert_eq!(r.status(), 200);
    let ps = ExportTraceServiceResponse::decode(r.bytes().await.unwrap())
        .unwrap()
        .partial_success
        .unwrap();
    assert_eq!(ps.rejected_spans, 0);
    assert!(ps.error_message.contains("128"), "{}", ps.error_message);
    let (attrs, keys): (String, i64) = sql(&srv, |c| {
        Ok((
            c.query_row("SELECT attrs FROM spans LIMIT 1", [], |r| r.get(0))?,
            c.query_row(
                "SELECT count(*) FROM attr_keys WHERE source = 'traces' AND type = 'tag'",
                [],
                |r| r.get(0),
            )?,
        ))
    })
    .await;
    let attrs: serde_json::Map<String, Value> = serde_json::from_str(&attrs).unwrap();
    assert_eq!(attrs.len(), 128);
    assert_eq!(keys, 5_000, "50 × 128 distinct keys, capped");

    // Keys not seen within the retention period go with the sweep.
    let store = srv.running.as_ref().unwrap().store.clone();
    store.sweep(now_ns() as i64 + 1).await.unwrap();
    let left: i64 = sql(&srv, |c| {
        c.query_row(
            "SELECT (SELECT count(*) FROM attr_keys) + (SELECT count(*) FROM attr_values)
             + (SELECT count(*) FROM top_level_ops)",
            [],
            |r| r.get(0),
        )
    })
    .await;
    assert_eq!(left, 0);
    // ...and come back when they are seen again.
    let fresh = SpanSpec::new(3, 1, "op", now_ns() - 1_000_000_000, 1000);
    assert_eq!(
        srv.send_traces(&request("svc", &[fresh])).await.status(),
        200
    );
    let back: i64 = sql(&srv, |c| {
        c.query_row("SELECT count(*) FROM top_level_ops", [], |r| r.get(0))
    })
    .await;
    assert_eq!(back, 1);
    srv.stop().await;
}

// Finding 3: a bounded queue in front of the writer answers 503 + Retry-After when full
// instead of growing without limit; nothing acknowledged is lost.
#[tokio::test]
async fn full_writer_queue_is_a_retryable_503() {
    let srv = TestServer::start().await;
    // Hold the database's write lock so the writer stalls and its queue fills.
    let db = srv.running.as_ref().unwrap().db_path.clone();
    let (locked_tx, locked_rx) = std::sync::mpsc::channel();
    let (release_tx, release_rx) = std::sync::mpsc::channel::<()>();
    let holder = std::thread::spawn(move || {
        let c = rusqlite::Connection::open(db).unwrap();
        c.execute_batch("BEGIN IMMEDIATE").unwrap();
        locked_tx.send(()).unwrap();
        let _ = release_rx.recv_timeout(Duration::from_secs(60));
        c.execute_batch("ROLLBACK").unwrap();
    });
    locked_rx.recv().unwrap();
    let t = now_ns() - 10_000_000_000;
    let mut sends = Vec::new();
    for n in 0..400u32 {
        let http = srv.http.clone();
        let url = format!("{}/v1/traces", srv.otlp);
        let sp = SpanSpec::new(4, 1, &format!("op{n}"), t, 1000);
        let body = request("svc", &[sp]).encode_to_vec();
        sends.push(tokio::spawn(async move {
            let r = http
                .post(url)
                .header("content-type", "application/x-protobuf")
                .body(body)
                .send()
                .await
                .unwrap();
            (
                r.status().as_u16(),
                r.headers().get("retry-after").is_some(),
            )
        }));
    }
    // Release once the writer has given up on the lock or everything was answered.
    tokio::time::sleep(Duration::from_secs(5)).await;
    release_tx.send(()).unwrap();
    let mut ok = 0;
    let mut busy = 0;
    for s in sends {
        match s.await.unwrap() {
            (200, _) => ok += 1,
            (503, true) => busy += 1,
            other => panic!("unexpected reply {other:?}"),
        }
    }
    holder.join().unwrap();
    assert!(busy > 0, "the queue never filled ({ok} ok)");
    let stored: i64 = sql(&srv, |c| {
        c.query_row("SELECT count(*) FROM spans", [], |r| r.get(0))
    })
    .await;
    assert_eq!(stored, ok, "every acknowledged span is stored");
    let sp = SpanSpec::new(5, 1, "after", t, 1000);
    assert_eq!(srv.send_traces(&request("svc", &[sp])).await.status(), 200);
    srv.stop().await;
}

/// A small tmpfs for the data dir (needs root); None when it cannot be mounted here.
struct SmallDisk(std::path::PathBuf);

impl SmallDisk {
    fn mount(bytes: usize) -> Option<SmallDisk> {
        let dir = TempDir::new("tmpfs");
        let path = dir.0.clone();
        std::mem::forget(dir);
        let ok = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={bytes}")])
            .arg("tmpfs")
            .arg(&path)
            .status()
            .is_ok_and(|s| s.success());
        ok.then_some(SmallDisk(path))
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount")
            .arg("-l")
            .arg(&self.0)
            .status();
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

// Findings 10 and 21: a full disk makes ingest answer 503 + Retry-After (retryable) and
// health 503, reads keep working, and both recover when space is freed.
#[tokio::test]
async fn full_disk_is_a_retryable_503_and_reads_keep_working() {
    let Some(disk) = SmallDisk::mount(8 << 20) else {
        eprintln!(
            "SKIPPED: cannot mount a tmpfs here (needs root); the full-disk path is untested"
        );
        return;
    };
    let data = disk.0.join("data");
    let srv = TestServer::start_with(|c| c.data_dir = data.clone()).await;
    let token = srv.admin_token().await;
    let t = now_ns() - 10_000_000_000;
    assert_eq!(
        srv.send_traces(&request("svc", &[SpanSpec::new(6, 1, "before", t, 1000)]))
            .await
            .status(),
        200
    );
    // Fill the rest of the disk.
    let filler = disk.0.join("filler");
    {
        let mut f = std::fs::File::create(&filler).unwrap();
        let block = vec![7u8; 64 * 1024];
        while f.write_all(&block).is_ok() {}
        let _ = f.sync_all();
    }
    let mut big = SpanSpec::new(6, 2, "big", t, 1000);
    big.attrs = vec![kv("payload", s(&"x".repeat(2 << 20)))];
    let r = srv.send_traces(&request("svc", &[big.clone()])).await;
    assert_eq!(r.status(), 503);
    assert!(r.headers().get("retry-after").is_some());
    let (status, body) = health(&srv).await;
    assert_eq!(status, 503, "{body}");
    let window = json!({"start": (t - 600_000_000_000).to_string(), "end": (t + 600_000_000_000).to_string(), "tags": []});
    let (status, body) = srv.post(&token, "/api/v1/services", window).await;
    assert_eq!(status, 200, "reads keep working: {body}");
    assert_eq!(body[0]["numCalls"], 1);

    std::fs::remove_file(&filler).unwrap();
    let (status, body) = health(&srv).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(srv.send_traces(&request("svc", &[big])).await.status(), 200);
    srv.stop().await;
    drop(disk);
}

// Finding 9: a client that stopped reading a streamed trace pinned a read snapshot (the WAL
// could not be reset) and a blocking thread for as long as it stayed connected.
#[tokio::test]
async fn stalled_trace_reader_is_cut_off() {
    let srv = TestServer::start_with(|c| c.reply_stall_secs = 1).await;
    let token = srv.admin_token().await;
    let t = now_ns() - 10_000_000_000;
    // About 24 MB of reply, far more than socket buffers hold.
    for batch in 0..4u8 {
        let spans: Vec<SpanSpec> = (0..200u16)
            .map(|n| {
                let mut sp = SpanSpec::new(7, 1, "op", t, 1000);
                sp.id = [batch, (n >> 8) as u8, n as u8, 1, 2, 3, 4, 5];
                sp.attrs = vec![kv("payload", s(&"y".repeat(30_000)))];
                sp
            })
            .collect();
        assert_eq!(srv.send_traces(&request("svc", &spans)).await.status(), 200);
    }
    let trace_id = hex::encode(SpanSpec::new(7, 1, "op", t, 1).trace);
    let addr = srv.api.trim_start_matches("http://").to_string();
    // Blocking socket work off the test's single runtime thread, which also runs the server.
    let (conn, head) = tokio::task::spawn_blocking(move || {
        use std::io::Read;
        let mut conn = std::net::TcpStream::connect(&addr).unwrap();
        write!(
            conn,
            "GET /api/v1/traces/{trace_id} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\n\r\n"
        )
        .unwrap();
        let mut head = [0u8; 12];
        conn.read_exact(&mut head).unwrap();
        (conn, head)
    })
    .await
    .unwrap();
    assert_eq!(&head, b"HTTP/1.1 200");
    // Never read further; keep writing meanwhile.
    let more = SpanSpec::new(8, 1, "more", t, 1000);
    assert_eq!(
        srv.send_traces(&request("svc", &[more])).await.status(),
        200
    );
    tokio::time::sleep(Duration::from_secs(3)).await;
    let db = srv.running.as_ref().unwrap().db_path.clone();
    let busy: i64 = tokio::task::spawn_blocking(move || {
        let c = rusqlite::Connection::open(db).unwrap();
        c.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| r.get(0))
            .unwrap()
    })
    .await
    .unwrap();
    assert_eq!(busy, 0, "the stalled reply still holds a read snapshot");
    drop(conn);
    srv.stop().await;
}

// Finding 20: the data dir and database are private, and a short JWT secret is refused.
#[tokio::test]
async fn private_files_and_a_long_enough_jwt_secret() {
    use std::os::unix::fs::PermissionsExt;
    let srv = TestServer::start_with(|c| c.data_dir = c.data_dir.join("nested")).await;
    let db = srv.running.as_ref().unwrap().db_path.clone();
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(db.parent().unwrap()), 0o700);
    assert_eq!(mode(&db), 0o600);
    srv.stop().await;
    let dir = TempDir::new("jwt");
    let mut cfg = server::Config::ephemeral(dir.0.clone());
    cfg.jwt_secret = Some("too-short".into());
    let err = server::start(cfg)
        .await
        .err()
        .expect("a short secret is refused");
    assert!(err.contains("32 bytes"), "{err}");
}

// Finding 20: concurrent queries share a bounded pool of read connections.
#[tokio::test]
async fn concurrent_queries_use_a_bounded_reader_pool() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;
    let srv = TestServer::start().await;
    let store = srv.running.as_ref().unwrap().store.clone();
    let (now, max) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    let mut tasks = Vec::new();
    for _ in 0..40 {
        let (store, now, max) = (store.clone(), now.clone(), max.clone());
        tasks.push(tokio::spawn(async move {
            store
                .with_conn(move |_| {
                    let n = now.fetch_add(1, Ordering::SeqCst) + 1;
                    max.fetch_max(n, Ordering::SeqCst);
                    std::thread::sleep(Duration::from_millis(50));
                    now.fetch_sub(1, Ordering::SeqCst);
                    Ok(())
                })
                .await
                .unwrap()
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let max = max.load(Ordering::SeqCst);
    assert!(max <= server::store::MAX_READERS, "{max} at once");
    srv.stop().await;
}
