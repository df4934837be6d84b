//! Benchmark (not a test): OTLP/JSON decode of a 512-span body, conformant JSON (decoded
//! straight into the typed request) against the same body with enum names (which takes the
//! normalising `serde_json::Value` path).
//!
//!   cargo run --release -p server --example json_decode

use std::time::Instant;

use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use server::otlp::decode::{decode, Encoding};

fn body(kind: &str) -> String {
    let span = format!(
        r#"{{"traceId":"0102030405060708090a0b0c0d0e0f10","spanId":"0102030405060708","name":"GET /api/orders","kind":{kind},
        "startTimeUnixNano":"1700000000000000000","endTimeUnixNano":"1700000000500000000","attributes":[
        {{"key":"http.method","value":{{"stringValue":"GET"}}}},{{"key":"http.route","value":{{"stringValue":"/api/orders"}}}},
        {{"key":"http.status_code","value":{{"intValue":"200"}}}},{{"key":"user.id","value":{{"stringValue":"u-123"}}}}]}}"#
    );
    format!(
        r#"{{"resourceSpans":[{{"resource":{{"attributes":[{{"key":"service.name","value":{{"stringValue":"svc"}}}}]}},"scopeSpans":[{{"spans":[{}]}}]}}]}}"#,
        vec![span; 512].join(",")
    )
}

fn main() {
    for (label, b) in [
        ("conformant (typed)", body("2")),
        ("enum names (via Value)", body("\"SPAN_KIND_SERVER\"")),
    ] {
        let runs = 200;
        let t = Instant::now();
        for _ in 0..runs {
            let r: ExportTraceServiceRequest = decode(b.as_bytes(), Encoding::Json).unwrap();
            assert_eq!(r.resource_spans[0].scope_spans[0].spans.len(), 512);
        }
        let ms = t.elapsed().as_secs_f64() * 1e3 / runs as f64;
        println!(
            "OTLP/JSON 512 spans ({} KB), {label}: {ms:.2} ms per body",
            b.len() / 1024
        );
    }
}
