//! A bounded, seeded mutation fuzzer for the OTLP decoders (protobuf and JSON, all three
//! signals, plus gzip and row conversion). cargo-fuzz needs a nightly toolchain; this runs
//! on stable as an ordinary test. Ignored in `cargo test`; scripts/test.d/35-server-fuzz.sh
//! runs it with FUZZ_SECS and FUZZ_SEED and prints the execution count.
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
use server::otlp::{convert, decode};

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
    for enc in [decode::Encoding::Protobuf, decode::Encoding::Json] {
        if let Ok(r) = decode::decode::<ExportTraceServiceRequest>(input, enc) {
            let _ = convert::traces(&r);
            accepted = true;
        }
        if let Ok(r) = decode::decode::<ExportLogsServiceRequest>(input, enc) {
            let _ = convert::logs(&r);
            accepted = true;
        }
        if let Ok(r) = decode::decode::<ExportMetricsServiceRequest>(input, enc) {
            let _ = convert::metrics(&r);
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
            let input = mutate(&mut rng, &corpus);
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
