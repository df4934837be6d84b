//! Bounded, seeded fuzzers: mutation plus structure-aware generation for the OTLP decoders
//! (protobuf and JSON, all three signals, gzip, the decode-size estimate and row conversion),
//! and structure-aware query_range requests (deep formulas, extreme stepIntervals, nested
//! filters) run against a real database file. cargo-fuzz needs a nightly toolchain; these
//! run on stable as ordinary tests. Ignored in `cargo test`; scripts/test.d/35-server-fuzz.sh
//! runs them with FUZZ_SECS and FUZZ_SEED and prints the execution counts.
//!
//!   FUZZ_SECS=60 cargo test -p server --release --test fuzz_decoders -- --ignored --nocapture

mod common;

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::time::{Duration, Instant};

use common::*;
use opentelemetry_proto::tonic::collector::logs::v1::ExportLogsServiceRequest;
use opentelemetry_proto::tonic::collector::metrics::v1::ExportMetricsServiceRequest;
use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::tonic::common::v1::AnyValue;
use opentelemetry_proto::tonic::logs::v1::{LogRecord, ResourceLogs, ScopeLogs};
use opentelemetry_proto::tonic::metrics::v1::{
    metric, Histogram, HistogramDataPoint, Metric, ResourceMetrics, ScopeMetrics,
};
use opentelemetry_proto::tonic::trace::v1::span::{Event, Link};
use prost::Message;
use serde_json::{json, Value};
use server::otlp::{budget, convert, decode};

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

fn seeds() -> Vec<Vec<u8>> {
    let mut sp = SpanSpec::new(1, 1, "GET /", 1_700_000_000_000_000_000, 5_000_000);
    sp.attrs = vec![kv("http.method", s("GET")), kv("n", i(-3))];
    sp.events = vec![Event {
        name: "exception".into(),
        time_unix_nano: 1,
        attributes: vec![kv("exception.type", s("E"))],
        ..Default::default()
    }];
    let mut child = SpanSpec::new(1, 2, "child", 1_700_000_000_000_000_000, 1).child_of(&sp);
    child.error = true;
    let mut traces = request("svc", &[sp, child]);
    traces.resource_spans[0].scope_spans[0].spans[0].links = vec![Link {
        trace_id: vec![1; 16],
        span_id: vec![2; 8],
        ..Default::default()
    }];
    let logs = ExportLogsServiceRequest {
        resource_logs: vec![ResourceLogs {
            scope_logs: vec![ScopeLogs {
                log_records: vec![LogRecord {
                    time_unix_nano: 5,
                    body: Some(AnyValue {
                        value: Some(s("hi")),
                    }),
                    attributes: vec![kv("a", i(1))],
                    ..Default::default()
                }],
                ..Default::default()
            }],
            ..Default::default()
        }],
    };
    let metrics = ExportMetricsServiceRequest {
        resource_metrics: vec![ResourceMetrics {
            scope_metrics: vec![ScopeMetrics {
                metrics: vec![Metric {
                    name: "h".into(),
                    data: Some(metric::Data::Histogram(Histogram {
                        aggregation_temporality: 2,
                        data_points: vec![HistogramDataPoint {
                            count: 3,
                            explicit_bounds: vec![1.0, 2.0],
                            bucket_counts: vec![1, 1, 1],
                            ..Default::default()
                        }],
                    })),
                    ..Default::default()
                }],
                ..Default::default()
            }],
            ..Default::default()
        }],
    };
    vec![
        traces.encode_to_vec(),
        serde_json::to_vec(&traces).unwrap(),
        logs.encode_to_vec(),
        serde_json::to_vec(&logs).unwrap(),
        metrics.encode_to_vec(),
        serde_json::to_vec(&metrics).unwrap(),
    ]
}

fn mutate(rng: &mut Rng, corpus: &[Vec<u8>]) -> Vec<u8> {
    let mut d = corpus[rng.below(corpus.len())].clone();
    for _ in 0..=rng.below(4) {
        let len = d.len();
        match rng.below(8) {
            0 if len > 0 => {
                let i = rng.below(len);
                d[i] ^= 1 << rng.below(8);
            }
            1 if len > 0 => {
                let i = rng.below(len);
                d[i] = [0, 0xff, 0x7f, 0x80, b'"', b'{', b'}', b'0'][rng.below(8)];
            }
            2 => {
                let i = rng.below(len + 1);
                let n = 1 + rng.below(8);
                let bytes: Vec<u8> = (0..n).map(|_| rng.next() as u8).collect();
                d.splice(i..i, bytes);
            }
            3 if len > 1 => {
                let i = rng.below(len);
                let n = 1 + rng.below((len - i).min(16));
                d.drain(i..i + n);
            }
            4 if len > 0 => d.truncate(rng.below(len)),
            5 if len > 0 => {
                let i = rng.below(len);
                let n = 1 + rng.below((len - i).min(32));
                let chunk = d[i..i + n].to_vec();
                let at = rng.below(d.len() + 1);
                d.splice(at..at, chunk);
            }
            6 => {
                let other = &corpus[rng.below(corpus.len())];
                if !other.is_empty() {
                    let cut = rng.below(d.len() + 1);
                    let from = rng.below(other.len());
                    d.truncate(cut);
                    d.extend_from_slice(&other[from..]);
                }
            }
            _ if len > 0 => {
                // Interesting varint values in protobuf; digits in JSON.
                let i = rng.below(len);
                d[i] = [0x08, 0x0a, 0x12, 0x1a, 0x22, 0x39, b'9', b'-'][rng.below(8)];
            }
            _ => {}
        }
    }
    d
}

/// Everything the receiver does with an untrusted body; true if any decoder accepted it.
fn exercise(input: &[u8]) -> bool {
    let mut accepted = false;
    let now = 1_700_000_000_000_000_000;
    for enc in [decode::Encoding::Protobuf, decode::Encoding::Json] {
        for signal in [
            budget::Signal::Traces,
            budget::Signal::Metrics,
            budget::Signal::Logs,
        ] {
            let _ = budget::decoded_size(input, enc, signal);
        }
        if let Ok(r) = decode::decode::<ExportTraceServiceRequest>(input, enc) {
            let _ = convert::traces(&r, now);
            accepted = true;
        }
        if let Ok(r) = decode::decode::<ExportLogsServiceRequest>(input, enc) {
            let _ = convert::logs(&r, now);
            accepted = true;
        }
        if let Ok(r) = decode::decode::<ExportMetricsServiceRequest>(input, enc) {
            let _ = convert::metrics(&r, now);
            accepted = true;
        }
    }
    let _ = decode::decompress(input, Some("gzip"), 1 << 20);
    accepted
}

#[test]
#[ignore = "bounded fuzz run; see scripts/test.d/35-server-fuzz.sh"]
fn fuzz_otlp_decoders() {
    let secs: u64 = std::env::var("FUZZ_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(10);
    let seed: u64 = std::env::var("FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x5eed_0075);
    let mut rng = Rng(seed | 1);
    let mut corpus = seeds();
    let deadline = Instant::now() + Duration::from_secs(secs);
    let (mut execs, mut accepted) = (0u64, 0u64);
    // Panics are caught and reported with the input; silence the default hook's noise.
    std::panic::set_hook(Box::new(|_| {}));
    while Instant::now() < deadline {
        for _ in 0..256 {
            // Half generated from the OTLP structure, half mutated bytes.
            let input = if rng.below(2) == 0 {
                structured_otlp(&mut rng)
            } else {
                mutate(&mut rng, &corpus)
            };
            match catch_unwind(AssertUnwindSafe(|| exercise(&input))) {
                Ok(true) => {
                    accepted += 1;
                    // Inputs that still decode are good parents for further mutation.
                    if corpus.len() < 4096 && rng.below(16) == 0 {
                        corpus.push(input);
                    }
                }
                Ok(false) => {}
                Err(_) => {
                    let _ = std::panic::take_hook();
                    let path = std::env::temp_dir().join(format!("otlp-fuzz-crash-{seed}.bin"));
                    std::fs::write(&path, &input).unwrap();
                    panic!("decoder panicked after {execs} executions (seed {seed}); input saved to {}", path.display());
                }
            }
            execs += 1;
        }
    }
    let _ = std::panic::take_hook();
    println!("fuzz_otlp_decoders: {execs} executions in {secs} s (seed {seed}), {accepted} accepted, corpus {}", corpus.len());
}

/// Values at the edges of the integer types and of the server's limits.
fn edge_u64(rng: &mut Rng) -> u64 {
    const EDGES: [u64; 10] = [
        0,
        1,
        1_700_000_000_000_000_000,
        i64::MAX as u64,
        i64::MAX as u64 + 1,
        u64::MAX,
        u64::MAX - 1,
        7 * 24 * 3600 * 1_000_000_000,
        4_000_000_000_000_000_000,
        60_000_000_000,
    ];
    if rng.below(3) == 0 {
        rng.next()
    } else {
        EDGES[rng.below(EDGES.len())]
    }
}

fn any_value(rng: &mut Rng, depth: usize) -> AnyValue {
    use opentelemetry_proto::tonic::common::v1::{any_value::Value as V, ArrayValue, KeyValueList};
    let v = match rng.below(if depth > 0 { 8 } else { 6 }) {
        0 => V::StringValue("s".repeat(rng.below(300))),
        1 => V::BoolValue(true),
        2 => V::IntValue(edge_u64(rng) as i64),
        3 => V::DoubleValue([f64::NAN, f64::INFINITY, -0.0, 1e308][rng.below(4)]),
        4 => V::BytesValue(vec![0xff; rng.below(40)]),
        5 => return AnyValue { value: None },
        6 => V::ArrayValue(ArrayValue {
            values: (0..rng.below(4))
                .map(|_| any_value(rng, depth - 1))
                .collect(),
        }),
        _ => V::KvlistValue(KeyValueList {
            values: (0..rng.below(4))
                .map(|k| opentelemetry_proto::tonic::common::v1::KeyValue {
                    key: format!("n{k}"),
                    value: Some(any_value(rng, depth - 1)),
                    ..Default::default()
                })
                .collect(),
        }),
    };
    AnyValue { value: Some(v) }
}

fn attributes(rng: &mut Rng) -> Vec<opentelemetry_proto::tonic::common::v1::KeyValue> {
    let n = [0, 1, 5, 127, 128, 129, 400][rng.below(7)];
    (0..n)
        .map(|k| opentelemetry_proto::tonic::common::v1::KeyValue {
            key: if rng.below(8) == 0 {
                String::new()
            } else {
                format!("k{}", k % (1 + rng.below(200)))
            },
            value: {
                // Deep values on a few attributes only, so inputs stay small and fast.
                let depth = if rng.below(16) == 0 {
                    1 + rng.below(6)
                } else {
                    1
                };
                Some(any_value(rng, depth))
            },
            ..Default::default()
        })
        .collect()
}

/// A well-formed OTLP request (protobuf or JSON) with hostile content: extreme times, end
/// before start, deep attribute values, attribute counts around the limits, bad ids.
fn structured_otlp(rng: &mut Rng) -> Vec<u8> {
    let json = rng.below(4) == 0;
    match rng.below(3) {
        0 => {
            let mut specs = Vec::new();
            for n in 0..rng.below(6) {
                let mut sp = SpanSpec::new(1, n as u8, "op", 0, 0);
                sp.attrs = attributes(rng);
                specs.push(sp);
            }
            let mut req = request("svc", &specs);
            for sp in &mut req.resource_spans[0].scope_spans[0].spans {
                sp.start_time_unix_nano = edge_u64(rng);
                sp.end_time_unix_nano = edge_u64(rng);
                if rng.below(4) == 0 {
                    sp.trace_id = vec![0; rng.below(20)];
                }
                sp.events = (0..[0, 1, 129][rng.below(3)])
                    .map(|_| Event {
                        name: ["exception", "e"][rng.below(2)].into(),
                        time_unix_nano: edge_u64(rng),
                        attributes: vec![kv("exception.type", s("E"))],
                        ..Default::default()
                    })
                    .collect();
            }
            if json {
                serde_json::to_vec(&req).unwrap()
            } else {
                req.encode_to_vec()
            }
        }
        1 => {
            let req = ExportLogsServiceRequest {
                resource_logs: vec![ResourceLogs {
                    scope_logs: vec![ScopeLogs {
                        log_records: (0..rng.below(5))
                            .map(|_| LogRecord {
                                time_unix_nano: edge_u64(rng),
                                observed_time_unix_nano: edge_u64(rng),
                                body: Some(any_value(rng, 4)),
                                attributes: attributes(rng),
                                ..Default::default()
                            })
                            .collect(),
                        ..Default::default()
                    }],
                    ..Default::default()
                }],
            };
            if json {
                serde_json::to_vec(&req).unwrap()
            } else {
                req.encode_to_vec()
            }
        }
        _ => {
            let n = rng.below(5);
            let req = ExportMetricsServiceRequest {
                resource_metrics: vec![ResourceMetrics {
                    scope_metrics: vec![ScopeMetrics {
                        metrics: vec![Metric {
                            name: "h".into(),
                            data: Some(metric::Data::Histogram(Histogram {
                                aggregation_temporality: rng.below(4) as i32,
                                data_points: (0..n)
                                    .map(|_| HistogramDataPoint {
                                        time_unix_nano: edge_u64(rng),
                                        count: edge_u64(rng),
                                        explicit_bounds: vec![1.0; rng.below(4)],
                                        bucket_counts: vec![edge_u64(rng); rng.below(5)],
                                        attributes: attributes(rng),
                                        ..Default::default()
                                    })
                                    .collect(),
                            })),
                            ..Default::default()
                        }],
                        ..Default::default()
                    }],
                    ..Default::default()
                }],
            };
            if json {
                serde_json::to_vec(&req).unwrap()
            } else {
                req.encode_to_vec()
            }
        }
    }
}

fn pick<'a>(rng: &mut Rng, items: &[&'a str]) -> &'a str {
    items[rng.below(items.len())]
}

/// A formula: well-formed, deeply nested, very long, or random tokens.
fn formula(rng: &mut Rng) -> String {
    match rng.below(6) {
        0 => format!("{}A", "-".repeat([10, 64, 65, 1000, 60_000][rng.below(5)])),
        1 => {
            let n = [10, 63, 64, 65, 5_000][rng.below(5)];
            format!("{}A{}", "(".repeat(n), ")".repeat(n))
        }
        2 => vec!["A"; 1 + rng.below(600)].join(pick(rng, &["+", "*", "/", "%", "-"])),
        3 => (0..rng.below(40))
            .map(|_| {
                pick(
                    rng,
                    &[
                        "A", "B", "F1", "(", ")", "-", "+", "*", "/", "%", "1.5", "1e", ".", " ",
                        "9", "Z",
                    ],
                )
            })
            .collect(),
        _ => pick(rng, &["A*100/B", "(A+B)/2", "A/0", "-A", "A--B", "B%A"]).to_string(),
    }
}

fn filter_value(rng: &mut Rng, depth: usize) -> Value {
    match rng.below(if depth > 0 { 8 } else { 6 }) {
        0 => json!("GET"),
        1 => json!(["a", 1, null]),
        2 => json!(edge_u64(rng)),
        3 => json!("%_\\"),
        4 => json!("{{.svc}}"),
        5 => Value::Null,
        6 => Value::Array(
            (0..rng.below(5))
                .map(|_| filter_value(rng, depth - 1))
                .collect(),
        ),
        _ => json!({ "x": filter_value(rng, depth - 1) }),
    }
}

fn builder_query(rng: &mut Rng, name: &str) -> Value {
    let step = [
        json!(0),
        json!(-1),
        json!(1),
        json!(60),
        json!(86_400),
        json!(2_678_400),
        json!(2_678_401),
        json!(1i64 << 31),
        json!(36028797018963968i64),
        json!(i64::MAX),
        json!(i64::MIN),
    ][rng.below(11)]
    .clone();
    let items: Vec<Value> = (0..rng.below(6))
        .map(|_| {
            json!({"key": {"key": pick(rng, &["serviceName", "name", "durationNano", "http.method", "", "a\"b", "hasError", "severity_text", "body"]),
                "dataType": pick(rng, &["string", "int64", "float64", "bool", "", "x"]),
                "type": pick(rng, &["tag", "resource", ""]), "isColumn": rng.below(2) == 0},
                "op": pick(rng, &["=", "!=", ">", "<=", "in", "nin", "contains", "ncontains", "like", "nlike", "regex", "nregex", "exists", "nexists", "has", "nhas", "bogus"]),
                "value": filter_value(rng, 4)})
        })
        .collect();
    let limit = [json!(null), json!(0), json!(1), json!(u64::MAX)][rng.below(4)].clone();
    json!({
        "queryName": name, "expression": name,
        "dataSource": pick(rng, &["traces", "logs", "metrics", "x"]),
        "aggregateOperator": pick(rng, &["count", "count_distinct", "sum", "avg", "min", "max", "rate", "sum_rate", "p99", "p05", "hist_quantile_99", "noop", "bogus"]),
        "aggregateAttribute": {"key": pick(rng, &["durationNano", "m", "http.method", ""]), "dataType": "float64"},
        "filters": {"op": pick(rng, &["AND", "OR", "and"]), "items": items},
        "groupBy": (0..rng.below(3)).map(|_| json!({"key": pick(rng, &["serviceName", "name", "http.method", "le"])})).collect::<Vec<_>>(),
        "stepInterval": step,
        "having": [{"columnName": "x", "op": pick(rng, &[">", "in", "="]), "value": filter_value(rng, 2)}],
        "limit": limit,
        "offset": rng.below(3) * 1000,
        "orderBy": [{"columnName": pick(rng, &["timestamp", "ts; DROP TABLE spans", "durationNano"]), "order": pick(rng, &["asc", "desc", "x"])}],
        "reduceTo": pick(rng, &["sum", "avg", "last", "min", "max", ""]),
        "selectColumns": [{"key": "serviceName"}],
        "disabled": rng.below(8) == 0,
    })
}

fn query_params(rng: &mut Rng) -> Value {
    let now_ms = 1_700_000_000_000i64;
    let (start, end) = [
        (now_ms - 3_600_000, now_ms),
        (1, i64::MAX),
        (now_ms, now_ms - 1),
        (i64::MAX, i64::MAX),
        (0, 0),
        (now_ms - 30 * 86_400_000, now_ms),
    ][rng.below(6)];
    let mut queries = serde_json::Map::new();
    for name in ["A", "B"].iter().take(1 + rng.below(2)) {
        queries.insert(name.to_string(), builder_query(rng, name));
    }
    for f in 0..rng.below(3) {
        queries.insert(
            format!("F{f}"),
            json!({"queryName": format!("F{f}"), "expression": formula(rng)}),
        );
    }
    // Half the requests pass validation, so hostile filters, formulas and steps reach the
    // query code instead of stopping at the first check.
    if rng.below(2) == 0 {
        for (name, q) in queries.iter_mut() {
            if name.starts_with('F') {
                continue;
            }
            let source = pick(rng, &["traces", "logs", "metrics"]);
            q["dataSource"] = json!(source);
            q["aggregateOperator"] = json!(if source == "metrics" {
                pick(rng, &["sum", "avg", "rate", "hist_quantile_99", "sum_rate"])
            } else {
                pick(
                    rng,
                    &["count", "rate", "p99", "avg", "count_distinct", "sum_rate"],
                )
            });
            q["aggregateAttribute"] =
                json!({"key": if source == "metrics" { "h" } else { "durationNano" }});
            q["stepInterval"] = json!([60, 1, 86_400, 2_678_400][rng.below(4)]);
            if source == "metrics" {
                q["groupBy"] = json!([]);
            }
        }
        let panel = pick(rng, &["graph", "value", "table", "list"]);
        return json!({"start": now_ms - 3_600_000, "end": now_ms, "step": 60,
            "variables": {"svc": ["frontend", "x"]},
            "compositeQuery": {"queryType": "builder", "panelType": panel, "builderQueries": queries}});
    }
    json!({"start": start, "end": end, "step": 60,
        "variables": {"svc": ["frontend", "x"]},
        "compositeQuery": {"queryType": pick(rng, &["builder", "builder", "promql", ""]),
            "panelType": pick(rng, &["graph", "value", "table", "list", "trace", "x"]),
            "builderQueries": queries}})
}

#[test]
#[ignore = "bounded fuzz run; see scripts/test.d/35-server-fuzz.sh"]
fn fuzz_query_range() {
    use server::api::query_range::{self, model};
    let secs: u64 = std::env::var("FUZZ_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(10);
    let seed: u64 = std::env::var("FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x5eed_0075);
    let dir = TempDir::new("fuzz-qr");
    // A real database with spans, logs and metrics around the query windows.
    let db = {
        let rt = tokio::runtime::Runtime::new().unwrap();
        let store = server::store::Store::open(&dir.0).unwrap();
        let t0 = 1_700_000_000_000_000_000u64 - 600_000_000_000;
        let mut specs = Vec::new();
        for n in 0..20u8 {
            let mut sp = SpanSpec::new(
                n % 3,
                n,
                ["GET /", "POST /x"][n as usize % 2],
                t0 + n as u64 * 1_000_000_000,
                1_000_000 * n as u64,
            );
            sp.attrs = vec![kv("http.method", s("GET")), kv("n", i(n as i64))];
            sp.error = n % 5 == 0;
            specs.push(sp);
        }
        let now = 1_700_000_000_000_000_000;
        for c in [
            convert::traces(&request("frontend", &specs), now),
            convert::logs(
                &decode::decode(&seeds()[2], decode::Encoding::Protobuf).unwrap(),
                now,
            ),
            convert::metrics(
                &decode::decode(&seeds()[4], decode::Encoding::Protobuf).unwrap(),
                now,
            ),
        ] {
            rt.block_on(store.write(c.batch)).unwrap();
        }
        store.path().to_path_buf()
    };
    let conn = rusqlite::Connection::open(&db).unwrap();
    let mut rng = Rng(seed | 1);
    let deadline = Instant::now() + Duration::from_secs(secs);
    let (mut execs, mut ok) = (0u64, 0u64);
    std::panic::set_hook(Box::new(|_| {}));
    while Instant::now() < deadline {
        for _ in 0..16 {
            let body = query_params(&mut rng);
            let run = || -> bool {
                let Ok(mut p) = serde_json::from_value::<model::QueryRangeParams>(body.clone())
                else {
                    return false;
                };
                model::substitute_variables(&mut p);
                query_range::run(&conn, &p).is_ok()
            };
            match catch_unwind(AssertUnwindSafe(run)) {
                Ok(true) => ok += 1,
                Ok(false) => {}
                Err(_) => {
                    let _ = std::panic::take_hook();
                    let path = std::env::temp_dir().join(format!("query-fuzz-crash-{seed}.json"));
                    std::fs::write(&path, body.to_string()).unwrap();
                    panic!("query_range panicked after {execs} executions (seed {seed}); request saved to {}", path.display());
                }
            }
            execs += 1;
        }
    }
    let _ = std::panic::take_hook();
    println!("fuzz_query_range: {execs} executions in {secs} s (seed {seed}), {ok} answered");
}
