//! PromQL, SigNoz metric names and ClickHouse SQL refusals over real HTTP, with metrics
//! ingested through the real OTLP receiver.

mod common;

use common::*;
use opentelemetry_proto::tonic::collector::metrics::v1::ExportMetricsServiceRequest;
use opentelemetry_proto::tonic::metrics::v1::{
    metric, number_data_point, Gauge, Histogram, HistogramDataPoint, Metric, NumberDataPoint,
    ResourceMetrics, ScopeMetrics, Sum,
};
use opentelemetry_proto::tonic::resource::v1::Resource;
use prost::Message;
use serde_json::{json, Value};

const DELTA: i32 = 1;
const CUMULATIVE: i32 = 2;

fn number(
    t: u64,
    v: f64,
    attrs: Vec<opentelemetry_proto::tonic::common::v1::KeyValue>,
) -> NumberDataPoint {
    NumberDataPoint {
        time_unix_nano: t,
        value: Some(number_data_point::Value::AsDouble(v)),
        attributes: attrs,
        ..Default::default()
    }
}

/// Ten minutes of 15 s samples ending at `end_ns`: a cumulative counter (+30 per sample,
/// 2/s), a delta counter (15 per sample, 1/s), a gauge, and a cumulative histogram whose
/// every sample adds 10 observations in (10, 100] and 10 in (100, 1000].
fn metrics(end_ns: u64) -> ExportMetricsServiceRequest {
    let n = 41u64;
    let t = |i: u64| end_ns - (n - 1 - i) * 15_000_000_000;
    let route = || vec![kv("http.route", s("/cart"))];
    let m = |name: &str, data: metric::Data| Metric {
        name: name.into(),
        data: Some(data),
        ..Default::default()
    };
    ExportMetricsServiceRequest {
        resource_metrics: vec![ResourceMetrics {
            resource: Some(Resource {
                attributes: vec![kv("service.name", s("web")), kv("host.name", s("h1"))],
                ..Default::default()
            }),
            scope_metrics: vec![ScopeMetrics {
                metrics: vec![
                    m(
                        "http.server.requests",
                        metric::Data::Sum(Sum {
                            data_points: (0..n)
                                .map(|i| number(t(i), i as f64 * 30.0, route()))
                                .collect(),
                            aggregation_temporality: CUMULATIVE,
                            is_monotonic: true,
                        }),
                    ),
                    m(
                        "jobs.done",
                        metric::Data::Sum(Sum {
                            data_points: (0..n).map(|i| number(t(i), 15.0, vec![])).collect(),
                            aggregation_temporality: DELTA,
                            is_monotonic: true,
                        }),
                    ),
                    m(
                        "system.memory.usage",
                        metric::Data::Gauge(Gauge {
                            data_points: (0..n)
                                .flat_map(|i| {
                                    [
                                        number(t(i), 100.0, vec![kv("state", s("used"))]),
                                        number(t(i), 300.0, vec![kv("state", s("free"))]),
                                    ]
                                })
                                .collect(),
                        }),
                    ),
                    m(
                        "checkout.latency",
                        metric::Data::Histogram(Histogram {
                            data_points: (0..n)
                                .map(|i| HistogramDataPoint {
                                    time_unix_nano: t(i),
                                    count: i * 20,
                                    sum: Some(i as f64 * 5000.0),
                                    bucket_counts: vec![0, i * 10, i * 10, 0],
                                    explicit_bounds: vec![10.0, 100.0, 1000.0],
                                    ..Default::default()
                                })
                                .collect(),
                            aggregation_temporality: CUMULATIVE,
                        }),
                    ),
                ],
                ..Default::default()
            }],
            ..Default::default()
        }],
    }
}

struct Fixture {
    srv: TestServer,
    token: String,
    end_ms: i64,
}

async fn fixture() -> Fixture {
    let srv = TestServer::start().await;
    let token = srv.admin_token().await;
    let end_ns = (now_ns() / 60_000_000_000) * 60_000_000_000;
    let r = srv
        .http
        .post(format!("{}/v1/metrics", srv.otlp))
        .header("content-type", "application/x-protobuf")
        .body(metrics(end_ns).encode_to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    Fixture {
        srv,
        token,
        end_ms: (end_ns / 1_000_000) as i64,
    }
}

impl Fixture {
    async fn promql(&self, panel: &str, query: &str, vars: Value) -> (u16, Value) {
        self.srv
            .query_range(
                &self.token,
                json!({"start": self.end_ms - 300_000, "end": self.end_ms, "step": 60, "variables": vars,
                    "compositeQuery": {"queryType": "promql", "panelType": panel,
                        "promQueries": {"A": {"query": query, "disabled": false, "legend": "{{service_name}}"}}}}),
            )
            .await
    }
}

fn values(series: &Value) -> Vec<f64> {
    series["values"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["value"].as_str().unwrap().parse().unwrap())
        .collect()
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-6 * b.abs().max(1.0)
}

#[tokio::test]
async fn promql_panels_over_otlp_metrics() {
    let f = fixture().await;
    // Cumulative counter, SigNoz's names for metric and labels.
    let (status, body) = f
        .promql(
            "graph",
            "sum(rate(http_server_requests[5m])) by (service_name, http_route)",
            json!({}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let r = &body["data"]["result"][0];
    assert_eq!(r["queryName"], "A");
    assert!(r["list"].is_null());
    let s = &r["series"][0];
    assert_eq!(
        s["labels"],
        json!({"service_name": "web", "http_route": "/cart"})
    );
    assert!(s["labelsArray"].is_null());
    let v = values(s);
    assert_eq!(v.len(), 6);
    assert!(v.iter().all(|x| close(*x, 2.0)), "{v:?}");
    assert_eq!(s["values"][5]["timestamp"], f.end_ms);

    // Delta counter reads the same way.
    let (_, body) = f
        .promql("graph", "sum(rate(jobs_done[5m]))", json!({}))
        .await;
    assert!(
        values(&body["data"]["result"][0]["series"][0])
            .iter()
            .all(|x| close(*x, 1.0)),
        "{body}"
    );

    // Histogram as _bucket / _count / _sum.
    let (_, body) = f
        .promql(
            "graph",
            "histogram_quantile(0.75, sum by (le) (rate(checkout_latency_bucket[5m])))",
            json!({}),
        )
        .await;
    let v = values(&body["data"]["result"][0]["series"][0]);
    assert!(close(v[5], 550.0), "{body}");
    let (_, body) = f
        .promql(
            "graph",
            "sum(rate(checkout_latency_sum[5m])) / sum(rate(checkout_latency_count[5m]))",
            json!({}),
        )
        .await;
    assert!(
        close(values(&body["data"]["result"][0]["series"][0])[5], 250.0),
        "{body}"
    );

    // Dashboard variables, the __name__ label, and the OTLP spelling.
    let (_, body) = f
        .promql(
            "graph",
            r#"system_memory_usage{host_name="{{.host}}", state=~"$state"}"#,
            json!({"host": "h1", "state": ["used", "x"]}),
        )
        .await;
    let series = body["data"]["result"][0]["series"].as_array().unwrap();
    assert_eq!(series.len(), 1, "{body}");
    assert_eq!(series[0]["labels"]["__name__"], "system_memory_usage");
    assert_eq!(series[0]["labels"]["state"], "used");
    let (_, body) = f
        .promql(
            "graph",
            r#"{__name__="system.memory.usage", state="free"}"#,
            json!({}),
        )
        .await;
    assert_eq!(
        values(&body["data"]["result"][0]["series"][0])[0],
        300.0,
        "{body}"
    );

    // Arithmetic with vector matching.
    let (_, body) = f
        .promql("graph", r#"system_memory_usage{state="used"} / ignoring(state) system_memory_usage{state="free"}"#, json!({}))
        .await;
    assert!(
        close(
            values(&body["data"]["result"][0]["series"][0])[0],
            1.0 / 3.0
        ),
        "{body}"
    );

    // A value panel is one instant at `end`; nothing matching gives [].
    let (_, body) = f
        .promql("value", "sum(system_memory_usage)", json!({}))
        .await;
    let s = &body["data"]["result"][0]["series"][0];
    assert_eq!(values(s), vec![400.0]);
    assert_eq!(s["values"][0]["timestamp"], f.end_ms);
    let (_, body) = f.promql("graph", "nothing_here", json!({})).await;
    assert_eq!(body["data"]["result"][0]["series"], json!([]));
    f.srv.stop().await;
}

#[tokio::test]
async fn promql_errors_and_clickhouse_sql() {
    let f = fixture().await;
    let (status, body) = f
        .promql(
            "graph",
            r#"label_replace(up, "a", "$1", "b", "(.*)")"#,
            json!({}),
        )
        .await;
    assert_eq!(status, 400);
    assert_eq!(body["errorType"], "bad_data");
    assert!(
        body["error"].as_str().unwrap().contains("label_replace"),
        "{body}"
    );
    assert!(body["data"]["A"]
        .as_str()
        .unwrap()
        .contains("label_replace"));
    let (status, body) = f.promql("graph", "sum(", json!({})).await;
    assert_eq!(status, 400, "{body}");
    let (status, body) = f.promql("value", "system_memory_usage", json!({})).await;
    assert_eq!(status, 400);
    assert!(
        body["error"]
            .as_str()
            .unwrap()
            .contains("only one result series"),
        "{body}"
    );

    let (status, body) = f
        .srv
        .query_range(
            &f.token,
            json!({"start": f.end_ms - 60_000, "end": f.end_ms, "step": 60,
                "compositeQuery": {"queryType": "clickhouse_sql", "panelType": "graph",
                    "chQueries": {"A": {"query": "SELECT 1", "disabled": false}}}}),
        )
        .await;
    assert_eq!(status, 400);
    assert_eq!(
        body["error"],
        "ClickHouse SQL needs SigNoz's ClickHouse backend; this server answers builder and PromQL queries"
    );
    f.srv.stop().await;
}

#[tokio::test]
async fn prometheus_style_endpoints() {
    let f = fixture().await;
    let end = f.end_ms as f64 / 1000.0;
    let q = url_encode("sum by (state) (system_memory_usage)");
    let (status, body) = f
        .srv
        .get(
            &f.token,
            &format!(
                "/api/v1/query_range?query={q}&start={}&end={end}&step=60",
                end - 120.0
            ),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["status"], "success");
    assert_eq!(body["data"]["resultType"], "matrix");
    let result = body["data"]["result"].as_array().unwrap();
    assert_eq!(result.len(), 2);
    assert_eq!(result[0]["metric"], json!({"state": "free"}));
    assert_eq!(result[0]["values"][0], json!([end - 120.0, "300"]));

    let (status, body) = f
        .srv
        .get(&f.token, &format!("/api/v1/query?query={q}&time={end}"))
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["data"]["resultType"], "vector");
    assert_eq!(body["data"]["result"][1]["value"], json!([end, "100"]));
    let (_, body) = f
        .srv
        .get(&f.token, &format!("/api/v1/query?query=1%2B1&time={end}"))
        .await;
    assert_eq!(
        body["data"],
        json!({"resultType": "scalar", "result": [end, "2"]})
    );
    let (status, _) = f
        .srv
        .get(
            &f.token,
            "/api/v1/query_range?query=up&start=10&end=5&step=1",
        )
        .await;
    assert_eq!(status, 400);
    let (status, _) = f.srv.get("", "/api/v1/query?query=up").await;
    assert_eq!(status, 401);
    f.srv.stop().await;
}

#[tokio::test]
async fn builder_and_autocomplete_use_signoz_metric_names() {
    let f = fixture().await;
    let builder = |metric: &str, op: &str, filter_key: &str, group: &str| {
        json!({"start": f.end_ms - 300_000, "end": f.end_ms, "step": 60,
            "compositeQuery": {"queryType": "builder", "panelType": "graph", "builderQueries": {"A": {
                "queryName": "A", "expression": "A", "dataSource": "metrics", "aggregateOperator": op,
                "aggregateAttribute": {"key": metric, "dataType": "float64", "type": "", "isColumn": true},
                "filters": {"op": "AND", "items": [{"key": {"key": filter_key, "dataType": "string", "type": "tag"}, "op": "=", "value": "h1"}]},
                "groupBy": if group.is_empty() { json!([]) } else { json!([{"key": group, "dataType": "string", "type": "tag"}]) },
                "stepInterval": 60, "disabled": false, "reduceTo": "sum", "legend": ""}}}})
    };
    for (metric, key, group) in [
        ("http_server_requests", "host_name", "service_name"),
        ("http.server.requests", "host.name", "service.name"),
    ] {
        let (status, body) = f
            .srv
            .query_range(&f.token, builder(metric, "sum_rate", key, group))
            .await;
        assert_eq!(status, 200, "{body}");
        let s = &body["data"]["result"][0]["series"][0];
        assert_eq!(s["labels"], json!({ group: "web" }), "{body}");
        // The last step bucket holds only the sample at `end`.
        assert!(values(s)[..5].iter().all(|v| close(*v, 2.0)), "{body}");
    }
    let (_, body) = f
        .srv
        .query_range(
            &f.token,
            builder("checkout_latency_count", "sum_rate", "host_name", ""),
        )
        .await;
    assert!(
        values(&body["data"]["result"][0]["series"][0])[..5]
            .iter()
            .all(|v| close(*v, 20.0 / 15.0)),
        "{body}"
    );
    let (_, body) = f
        .srv
        .query_range(
            &f.token,
            builder(
                "checkout_latency_bucket",
                "hist_quantile_75",
                "host_name",
                "",
            ),
        )
        .await;
    assert!(
        values(&body["data"]["result"][0]["series"][0])[..5]
            .iter()
            .all(|v| close(*v, 550.0)),
        "{body}"
    );

    let (status, body) = f
        .srv
        .get(&f.token, "/api/v3/autocomplete/aggregate_attributes?dataSource=metrics&aggregateOperator=sum&searchText=checkout")
        .await;
    assert_eq!(status, 200);
    let keys: Vec<&str> = body["data"]["attributeKeys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["key"].as_str().unwrap())
        .collect();
    assert_eq!(
        keys,
        [
            "checkout_latency_bucket",
            "checkout_latency_count",
            "checkout_latency_sum"
        ]
    );
    let (_, body) = f
        .srv
        .get(
            &f.token,
            "/api/v3/autocomplete/aggregate_attributes?dataSource=metrics&searchText=system.memory",
        )
        .await;
    assert_eq!(
        body["data"]["attributeKeys"][0]["key"],
        "system_memory_usage"
    );
    let (_, body) = f
        .srv
        .get(&f.token, "/api/v3/autocomplete/attribute_keys?dataSource=metrics&aggregateAttribute=checkout_latency_bucket&searchText=")
        .await;
    let keys: Vec<&str> = body["data"]["attributeKeys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["key"].as_str().unwrap())
        .collect();
    for k in ["host_name", "service_name", "le", "http_route"] {
        assert!(keys.contains(&k), "{keys:?}");
    }
    assert!(!keys.iter().any(|k| k.contains('.')), "{keys:?}");
    for key in ["host_name", "host.name"] {
        let (_, body) = f
            .srv
            .get(&f.token, &format!("/api/v3/autocomplete/attribute_values?dataSource=metrics&attributeKey={key}&searchText="))
            .await;
        assert_eq!(
            body["data"]["stringAttributeValues"],
            json!(["h1"]),
            "{body}"
        );
    }
    f.srv.stop().await;
}

#[tokio::test]
async fn query_variables_from_stored_metrics() {
    let f = fixture().await;
    let f = &f;
    let var = |query: &str, vars: Value| {
        let body = json!({"query": query, "variables": vars});
        async move { f.srv.post(&f.token, "/api/v2/variables/query", body).await }
    };
    // Shapes from SigNoz's published host-metrics and k8s dashboards.
    let (status, body) = var(
        "SELECT DISTINCT(JSONExtractString(labels, 'host_name'))\nFROM signoz_metrics.time_series_v2\nWHERE not has(JSONExtractKeys(labels), 'k8s_node_name')",
        json!({}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["data"], json!({"variableValues": ["h1"]}));
    let (_, body) = var(
        "SELECT DISTINCT JSONExtractString(labels, 'state') AS state\nFROM signoz_metrics.distributed_time_series_v4\nWHERE metric_name = 'system_memory_usage' and JSONExtractString(labels, 'host_name') IN {{.host}}\nAND fingerprint GLOBAL IN (SELECT DISTINCT fingerprint FROM signoz_metrics.distributed_samples_v4 WHERE metric_name = 'system_memory_usage')",
        json!({"host": ["h1", "h2"]}),
    )
    .await;
    assert_eq!(
        body["data"]["variableValues"],
        json!(["free", "used"]),
        "{body}"
    );
    let (_, body) = var(
        "SELECT JSONExtractString(labels, 'state') FROM signoz_metrics.distributed_time_series_v4 WHERE metric_name = 'system_memory_usage' AND JSONExtractString(labels, 'host_name') = {{.host}} GROUP BY 1",
        json!({"host": "elsewhere"}),
    )
    .await;
    assert_eq!(body["data"], json!({"variableValues": null}));
    let (_, body) = var(
        "SELECT DISTINCT JSONExtractString(labels, 'http_route') FROM signoz_metrics.distributed_time_series_v2 WHERE metric_name like 'http_server_%'",
        json!({}),
    )
    .await;
    assert_eq!(body["data"]["variableValues"], json!(["/cart"]), "{body}");
    // Any other SQL: the ClickHouse refusal.
    let (status, body) = var(
        "SELECT DISTINCT serviceName\nFROM signoz_traces.distributed_signoz_index_v2",
        json!({}),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(
        body["error"],
        "ClickHouse SQL needs SigNoz's ClickHouse backend; this server answers builder and PromQL queries"
    );
    let (status, _) = var("", json!({})).await;
    assert_eq!(status, 400);
}

/// SigNoz's key-operations dashboard (PromQL flavour) over spans, with no span-metrics
/// pipeline: its queries and its QUERY variable, as published.
#[tokio::test]
async fn key_operations_promql_from_spans() {
    let srv = TestServer::start().await;
    let token = srv.admin_token().await;
    let m = now_ns() / 60_000_000_000;
    let mut spans = Vec::new();
    for i in 0..20u64 {
        let minute = m - 3 + i / 10;
        let dur = if i < 10 { 20_000_000 } else { 40_000_000 };
        spans.push(SpanSpec::new(
            1,
            i as u8 + 1,
            "GET /cart",
            minute * 60_000_000_000 + i * 1_000_000_000,
            dur,
        ));
    }
    for i in 0..5u64 {
        let mut s = SpanSpec::new(
            2,
            i as u8 + 1,
            "POST /pay",
            (m - 2) * 60_000_000_000 + i * 1_000_000_000,
            5_000_000,
        );
        s.error = i < 2;
        spans.push(s);
    }
    assert_eq!(
        srv.send_traces(&request("checkout", &spans)).await.status(),
        200
    );
    let end_ms = (m * 60_000) as i64;
    let (status, body) = srv
        .post(&token, "/api/v2/variables/query", json!({"query": "SELECT DISTINCT JSONExtractString(labels, 'service_name')\nFROM signoz_metrics.time_series_v2\nWHERE metric_name = 'signoz_calls_total'", "variables": {}}))
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["data"]["variableValues"], json!(["checkout"]));
    let panel = |query: &str| {
        json!({"start": end_ms - 600_000, "end": end_ms, "step": 60, "variables": {"service_name": "checkout"},
            "compositeQuery": {"queryType": "promql", "panelType": "graph",
                "promQueries": {"A": {"query": query, "disabled": false, "legend": "{{operation}}"}}}})
    };
    let (status, body) = srv
        .query_range(&token, panel(r#"histogram_quantile(0.99, sum(rate(signoz_latency_bucket{service_name="{{.service_name}}"}[5m])) by (le, operation))"#))
        .await;
    assert_eq!(status, 200, "{body}");
    let series = body["data"]["result"][0]["series"].as_array().unwrap();
    let cart = series
        .iter()
        .find(|s| s["labels"]["operation"] == "GET /cart")
        .expect("GET /cart series");
    let p99 = values(cart);
    assert!(p99.iter().all(|v| *v > 10.0 && *v <= 50.0), "{p99:?}");
    let (_, body) = srv
        .query_range(&token, panel(r#"(sum by(operation) (rate(signoz_latency_count{service_name="{{.service_name}}"}[5m]))) * 5 * 60"#))
        .await;
    let ops: Vec<&str> = body["data"]["result"][0]["series"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["labels"]["operation"].as_str().unwrap())
        .collect();
    assert_eq!(ops, ["GET /cart", "POST /pay"], "{body}");
    let (_, body) = srv
        .query_range(&token, panel(r#"sum(increase(signoz_calls_total{service_name="checkout", status_code="STATUS_CODE_ERROR"}[10m]))"#))
        .await;
    let errors = values(&body["data"]["result"][0]["series"][0]);
    assert!(errors.iter().any(|v| close(*v, 2.0)), "{body}");
    srv.stop().await;
}
