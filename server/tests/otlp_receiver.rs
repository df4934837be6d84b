//! The OTLP/HTTP receiver: encodings, gzip, CORS, limits, malformed input and partial
//! success; logs and metrics ingest read back through query_range.

mod common;

use std::io::Write;

use common::*;
use opentelemetry_proto::tonic::collector::logs::v1::ExportLogsServiceRequest;
use opentelemetry_proto::tonic::collector::metrics::v1::ExportMetricsServiceRequest;
use opentelemetry_proto::tonic::collector::trace::v1::{
    ExportTraceServiceRequest, ExportTraceServiceResponse,
};
use opentelemetry_proto::tonic::common::v1::AnyValue;
use opentelemetry_proto::tonic::logs::v1::{LogRecord, ResourceLogs, ScopeLogs};
use opentelemetry_proto::tonic::metrics::v1::{
    metric, number_data_point, Gauge, Histogram, HistogramDataPoint, Metric, NumberDataPoint,
    ResourceMetrics, ScopeMetrics, Sum,
};
use opentelemetry_proto::tonic::resource::v1::Resource;
use prost::Message;
use serde_json::{json, Value};

async fn post(
    srv: &TestServer,
    path: &str,
    ct: &str,
    enc: Option<&str>,
    body: Vec<u8>,
) -> reqwest::Response {
    let mut r = srv
        .http
        .post(format!("{}{path}", srv.otlp))
        .header("content-type", ct)
        .body(body);
    if let Some(e) = enc {
        r = r.header("content-encoding", e);
    }
    r.send().await.unwrap()
}

fn gzip(b: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    e.write_all(b).unwrap();
    e.finish().unwrap()
}

#[tokio::test]
async fn bad_input_gets_clear_errors_and_nothing_breaks() {
    let srv = TestServer::start_with(|c| c.max_body_bytes = 64 * 1024).await;
    let good = request("svc", &[SpanSpec::new(1, 1, "op", now_ns(), 1000)]).encode_to_vec();

    // Truncated protobuf → 400 with a protobuf google.rpc.Status that says what was wrong.
    let r = post(
        &srv,
        "/v1/traces",
        "application/x-protobuf",
        None,
        good[..good.len() - 3].to_vec(),
    )
    .await;
    assert_eq!(r.status(), 400);
    let st = server::otlp::RpcStatus::decode(r.bytes().await.unwrap()).unwrap();
    assert!(st.message.contains("invalid protobuf"), "{}", st.message);

    // Wrong JSON types → 400 JSON status.
    let r = post(
        &srv,
        "/v1/traces",
        "application/json",
        None,
        br#"{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":42}]}]}]}"#.to_vec(),
    )
    .await;
    assert_eq!(r.status(), 400);
    let body: Value = r.json().await.unwrap();
    assert!(
        body["message"].as_str().unwrap().contains("OTLP/JSON"),
        "{body}"
    );

    // Unknown content type → 415; huge bodies → 413 (also when only gzip hides the size).
    assert_eq!(
        post(&srv, "/v1/traces", "text/plain", None, b"hi".to_vec())
            .await
            .status(),
        415
    );
    assert_eq!(
        post(
            &srv,
            "/v1/logs",
            "application/x-protobuf",
            None,
            vec![0u8; 100 * 1024]
        )
        .await
        .status(),
        413
    );
    let bomb = gzip(&vec![b' '; 1024 * 1024]);
    assert!(bomb.len() < 64 * 1024);
    assert_eq!(
        post(&srv, "/v1/traces", "application/json", Some("gzip"), bomb)
            .await
            .status(),
        413
    );
    assert_eq!(
        post(
            &srv,
            "/v1/traces",
            "application/json",
            Some("gzip"),
            b"not gzip".to_vec()
        )
        .await
        .status(),
        400
    );

    // Gzip protobuf works.
    let r = post(
        &srv,
        "/v1/traces",
        "application/x-protobuf",
        Some("gzip"),
        gzip(&good),
    )
    .await;
    assert_eq!(r.status(), 200);

    // Partial success: one good span, one with a short trace id.
    let mut bad = SpanSpec::new(2, 2, "bad", now_ns(), 1000).to_proto();
    bad.trace_id = vec![1, 2, 3];
    let mut req = request("svc", &[SpanSpec::new(3, 3, "fine", now_ns(), 1000)]);
    req.resource_spans[0].scope_spans[0].spans.push(bad);
    let r = post(
        &srv,
        "/v1/traces",
        "application/x-protobuf",
        None,
        req.encode_to_vec(),
    )
    .await;
    assert_eq!(r.status(), 200);
    let resp = ExportTraceServiceResponse::decode(r.bytes().await.unwrap()).unwrap();
    let ps = resp.partial_success.unwrap();
    assert_eq!(ps.rejected_spans, 1);
    assert!(ps.error_message.contains("traceId"));
    let json_req: Value = serde_json::to_value(&req).unwrap();
    let r = post(
        &srv,
        "/v1/traces",
        "application/json",
        None,
        json_req.to_string().into_bytes(),
    )
    .await;
    assert_eq!(r.status(), 200);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["partialSuccess"]["rejectedSpans"], "1");

    // Still serving after all that.
    let token = srv.admin_token().await;
    let (_, d) = srv
        .get(
            &token,
            &format!(
                "/api/v1/traces/{}",
                hex::encode(SpanSpec::new(3, 3, "", 0, 0).trace)
            ),
        )
        .await;
    assert_eq!(
        d[0]["events"].as_array().unwrap().len(),
        2,
        "the good span, sent as protobuf and as JSON"
    );
    srv.stop().await;
}

#[tokio::test]
async fn browser_cors_preflight_and_origins() {
    let srv =
        TestServer::start_with(|c| c.allowed_origins = vec!["http://localhost:5173".into()]).await;
    let pre = |origin: &'static str| {
        srv.http
            .request(reqwest::Method::OPTIONS, format!("{}/v1/traces", srv.otlp))
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header(
                "access-control-request-headers",
                "content-type,content-encoding",
            )
            .send()
    };
    let r = pre("http://localhost:5173").await.unwrap();
    assert!(r.status().is_success());
    assert_eq!(
        r.headers()["access-control-allow-origin"],
        "http://localhost:5173"
    );
    let allowed = r.headers()["access-control-allow-headers"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(allowed.contains("content-type") && allowed.contains("content-encoding"));
    let r = pre("http://evil.example").await.unwrap();
    assert!(r.headers().get("access-control-allow-origin").is_none());
    let r = srv
        .http
        .post(format!("{}/v1/traces", srv.otlp))
        .header("origin", "http://localhost:5173")
        .header("content-type", "application/json")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(
        r.headers()["access-control-allow-origin"],
        "http://localhost:5173"
    );
    srv.stop().await;
}

fn resource(service: &str) -> Option<Resource> {
    Some(Resource {
        attributes: vec![kv("service.name", s(service))],
        ..Default::default()
    })
}

#[tokio::test]
async fn logs_and_metrics_are_queryable() {
    let srv = TestServer::start().await;
    let token = srv.admin_token().await;
    let minute = (now_ns() / 60_000_000_000 - 5) * 60_000_000_000;
    let logs = ExportLogsServiceRequest {
        resource_logs: vec![ResourceLogs {
            resource: resource("web"),
            scope_logs: vec![ScopeLogs {
                log_records: (0..3u64)
                    .map(|n| LogRecord {
                        time_unix_nano: minute + n * 1_000_000_000,
                        severity_number: 9,
                        severity_text: "INFO".into(),
                        body: Some(AnyValue {
                            value: Some(s(&format!("hello {n}"))),
                        }),
                        attributes: vec![kv("user.id", i(n as i64)), kv("page", s("/cart"))],
                        trace_id: vec![7; 16],
                        span_id: vec![8; 8],
                        ..Default::default()
                    })
                    .collect(),
                ..Default::default()
            }],
            ..Default::default()
        }],
    };
    assert_eq!(
        post(
            &srv,
            "/v1/logs",
            "application/x-protobuf",
            None,
            logs.encode_to_vec()
        )
        .await
        .status(),
        200
    );
    let q = |panel: &str, op: &str| {
        json!({"start": minute / 1_000_000, "end": minute / 1_000_000 + 60_000, "step": 60,
        "compositeQuery": {"queryType": "builder", "panelType": panel, "builderQueries": {"A": {"queryName": "A", "expression": "A",
        "dataSource": "logs", "aggregateOperator": op, "aggregateAttribute": {"key": ""}, "stepInterval": 60,
        "filters": {"op": "AND", "items": [{"key": {"key": "page", "dataType": "string", "type": "tag"}, "op": "=", "value": "/cart"}]},
        "orderBy": [{"columnName": "timestamp", "order": "desc"}], "pageSize": 2}}}})
    };
    let (status, body) = srv.query_range(&token, q("list", "noop")).await;
    assert_eq!(status, 200, "{body}");
    let list = body["data"]["result"][0]["list"].as_array().unwrap();
    assert_eq!(list.len(), 2);
    let d = &list[0]["data"];
    assert_eq!(d["body"], "hello 2");
    assert_eq!(d["attributes_int64"]["user.id"], 2);
    assert_eq!(d["attributes_string"]["page"], "/cart");
    assert_eq!(d["resources_string"]["service.name"], "web");
    assert_eq!(d["trace_id"], "07".repeat(16));
    for k in [
        "id",
        "span_id",
        "trace_flags",
        "severity_text",
        "severity_number",
        "attributes_float64",
        "attributes_bool",
    ] {
        assert!(d.get(k).is_some(), "{k}");
    }
    let (_, body) = srv.query_range(&token, q("graph", "count")).await;
    assert_eq!(
        body["data"]["result"][0]["series"][0]["values"][0]["value"],
        "3"
    );

    // Metrics: a cumulative counter, a gauge and a histogram.
    let t = |n: u64| minute + n * 20_000_000_000;
    let metrics = ExportMetricsServiceRequest {
        resource_metrics: vec![ResourceMetrics {
            resource: resource("web"),
            scope_metrics: vec![ScopeMetrics {
                metrics: vec![
                    Metric {
                        name: "requests".into(),
                        data: Some(metric::Data::Sum(Sum {
                            aggregation_temporality: 2,
                            is_monotonic: true,
                            data_points: (0..3)
                                .map(|n| NumberDataPoint {
                                    time_unix_nano: t(n),
                                    value: Some(number_data_point::Value::AsInt(
                                        60 * (n as i64 + 1),
                                    )),
                                    ..Default::default()
                                })
                                .collect(),
                        })),
                        ..Default::default()
                    },
                    Metric {
                        name: "heap".into(),
                        data: Some(metric::Data::Gauge(Gauge {
                            data_points: (0..3)
                                .map(|n| NumberDataPoint {
                                    time_unix_nano: t(n),
                                    value: Some(number_data_point::Value::AsDouble(
                                        10.0 * (n as f64 + 1.0),
                                    )),
                                    ..Default::default()
                                })
                                .collect(),
                        })),
                        ..Default::default()
                    },
                    Metric {
                        name: "latency".into(),
                        data: Some(metric::Data::Histogram(Histogram {
                            aggregation_temporality: 1,
                            data_points: vec![HistogramDataPoint {
                                time_unix_nano: t(1),
                                count: 20,
                                explicit_bounds: vec![10.0, 20.0, 40.0],
                                bucket_counts: vec![0, 10, 10, 0],
                                ..Default::default()
                            }],
                        })),
                        ..Default::default()
                    },
                ],
                ..Default::default()
            }],
            ..Default::default()
        }],
    };
    assert_eq!(
        post(
            &srv,
            "/v1/metrics",
            "application/x-protobuf",
            None,
            metrics.encode_to_vec()
        )
        .await
        .status(),
        200
    );
    let mq = |name: &str, op: &str| {
        json!({"start": minute / 1_000_000, "end": minute / 1_000_000 + 60_000, "step": 60,
        "compositeQuery": {"queryType": "builder", "panelType": "graph", "builderQueries": {"A": {"queryName": "A", "expression": "A",
        "dataSource": "metrics", "aggregateOperator": op, "aggregateAttribute": {"key": name, "dataType": "float64"}, "stepInterval": 60}}}})
    };
    let (status, body) = srv.query_range(&token, mq("heap", "avg")).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body["data"]["result"][0]["series"][0]["values"][0]["value"],
        "20"
    );
    let (_, body) = srv.query_range(&token, mq("requests", "sum_rate")).await;
    assert_eq!(
        body["data"]["result"][0]["series"][0]["values"][0]["value"], "3",
        "180 over 60 s"
    );
    let (_, body) = srv
        .query_range(&token, mq("latency", "hist_quantile_50"))
        .await;
    assert_eq!(
        body["data"]["result"][0]["series"][0]["values"][0]["value"],
        "20"
    );
    let (_, body) = srv.query_range(&token, mq("nothing", "avg")).await;
    assert_eq!(
        body["data"]["result"][0]["series"],
        json!([]),
        "metrics graphs give [] when empty"
    );

    // Autocomplete sees what was ingested.
    let (_, body) = srv
        .get(
            &token,
            "/api/v3/autocomplete/aggregate_attributes?dataSource=metrics&searchText=hea",
        )
        .await;
    assert_eq!(body["data"]["attributeKeys"][0]["key"], "heap");
    let (_, body) = srv
        .get(
            &token,
            "/api/v3/autocomplete/attribute_keys?dataSource=logs&searchText=page",
        )
        .await;
    assert_eq!(
        body["data"]["attributeKeys"],
        json!([{"key": "page", "dataType": "string", "type": "tag", "isColumn": false, "isJSON": false}])
    );
    let (_, body) = srv.get(&token, "/api/v3/autocomplete/attribute_values?dataSource=logs&attributeKey=page&filterAttributeKeyDataType=string").await;
    assert_eq!(
        body["data"],
        json!({"stringAttributeValues": ["/cart"], "numberAttributeValues": [], "boolAttributeValues": []})
    );
    srv.stop().await;
}

#[test]
fn json_encoder_of_the_proto_crate_round_trips_through_our_decoder() {
    let req = request(
        "svc",
        &[SpanSpec::new(1, 1, "op", 1_700_000_000_000_000_000, 5)],
    );
    let text = serde_json::to_vec(&req).unwrap();
    let back: ExportTraceServiceRequest =
        server::otlp::decode::decode(&text, server::otlp::decode::Encoding::Json).unwrap();
    assert_eq!(back, req);
}
