//! v3 query_range over ingested spans: list, trace and graph panels, rollup and raw paths,
//! formulas, and the request errors SigNoz would crash on.

mod common;

use common::*;
use serde_json::{json, Value};

fn key(k: &str, dt: &str) -> Value {
    json!({"key": k, "dataType": dt, "type": "tag", "isColumn": true, "isJSON": false})
}

fn attr(k: &str, dt: &str) -> Value {
    json!({"key": k, "dataType": dt, "type": "tag", "isColumn": false, "isJSON": false})
}

fn query(panel: &str, start_ms: u64, end_ms: u64, queries: Value) -> Value {
    json!({"start": start_ms, "end": end_ms, "step": 60, "variables": {},
        "compositeQuery": {"queryType": "builder", "panelType": panel, "builderQueries": queries}})
}

fn builder(name: &str, op: &str, attr_key: Value, filters: Value, group_by: Value) -> Value {
    json!({"queryName": name, "expression": name, "dataSource": "traces", "aggregateOperator": op,
        "aggregateAttribute": attr_key, "filters": {"op": "AND", "items": filters}, "groupBy": group_by,
        "having": [], "orderBy": [], "stepInterval": 60, "limit": null, "disabled": false, "reduceTo": "sum", "legend": ""})
}

/// 20 spans in one minute: checkout (10, durations 10..100 ms, one error) and cart (10).
async fn seeded() -> (TestServer, String, u64) {
    let srv = TestServer::start().await;
    let token = srv.admin_token().await;
    let minute = (now_ns() / 60_000_000_000 - 5) * 60_000_000_000;
    for (svc, base) in [("checkout", 0u8), ("cart", 100u8)] {
        let spans: Vec<SpanSpec> = (0..10u8)
            .map(|n| {
                let mut s = SpanSpec::new(
                    base + n,
                    1,
                    if n % 2 == 0 { "GET /a" } else { "GET /b" },
                    minute + n as u64 * 1_000_000_000,
                    (n as u64 + 1) * 10_000_000,
                );
                s.error = svc == "checkout" && n == 9;
                s.attrs = vec![
                    kv("http.method", s_("GET")),
                    kv("http.status_code", i(200 + n as i64)),
                ];
                s
            })
            .collect();
        assert_eq!(srv.send_traces(&request(svc, &spans)).await.status(), 200);
    }
    (srv, token, minute)
}

fn s_(v: &str) -> opentelemetry_proto::tonic::common::v1::any_value::Value {
    s(v)
}

#[tokio::test]
async fn list_and_trace_panels() {
    let (srv, token, minute) = seeded().await;
    let (start, end) = (minute / 1_000_000 - 60_000, minute / 1_000_000 + 120_000);
    let mut q = builder(
        "A",
        "noop",
        json!({"key": "", "dataType": "", "type": "", "isColumn": false, "isJSON": false}),
        json!([{"key": key("serviceName", "string"), "op": "=", "value": "checkout"}, {"key": key("hasError", "bool"), "op": "=", "value": true}]),
        json!([]),
    );
    q["selectColumns"] = json!([
        key("serviceName", "string"),
        key("name", "string"),
        key("durationNano", "float64")
    ]);
    q["orderBy"] = json!([{"columnName": "timestamp", "order": "desc"}]);
    q["limit"] = json!(20);
    let (status, body) = srv
        .query_range(&token, query("list", start, end, json!({"A": q.clone()})))
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["status"], "success");
    assert_eq!(body["data"]["resultType"], "");
    let r = &body["data"]["result"][0];
    assert_eq!(r["queryName"], "A");
    assert_eq!(r["series"], Value::Null);
    let list = r["list"].as_array().unwrap();
    assert_eq!(list.len(), 1);
    let row = &list[0];
    assert_eq!(row["data"]["serviceName"], "checkout");
    assert_eq!(row["data"]["name"], "GET /b");
    assert_eq!(row["data"]["durationNano"], 100_000_000);
    assert_eq!(row["data"]["spanID"].as_str().unwrap().len(), 16);
    assert_eq!(row["data"]["traceID"].as_str().unwrap().len(), 32);
    assert!(row["timestamp"].as_str().unwrap().ends_with('Z'));

    // One row per trace.
    q["filters"] = json!({"op": "AND", "items": [{"key": key("serviceName", "string"), "op": "in", "value": ["cart"]}]});
    let (status, body) = srv
        .query_range(&token, query("trace", start, end, json!({"A": q})))
        .await;
    assert_eq!(status, 200, "{body}");
    let list = body["data"]["result"][0]["list"].as_array().unwrap();
    assert_eq!(list.len(), 10);
    assert_eq!(list[0]["timestamp"], "0001-01-01T00:00:00Z");
    let mut keys: Vec<&String> = list[0]["data"].as_object().unwrap().keys().collect();
    keys.sort();
    assert_eq!(
        keys,
        [
            "span_count",
            "subQuery.durationNano",
            "subQuery.name",
            "subQuery.serviceName",
            "traceID"
        ]
    );
    assert_eq!(
        list[0]["data"]["subQuery.durationNano"], 100_000_000,
        "longest first"
    );
    assert_eq!(list[0]["data"]["span_count"], 1);
    srv.stop().await;
}

#[tokio::test]
async fn graphs_from_rollup_and_raw_spans_agree() {
    let (srv, token, minute) = seeded().await;
    let (start, end) = (minute / 1_000_000, minute / 1_000_000 + 60_000);
    let dur = key("durationNano", "float64");
    let svc = json!([{"key": key("serviceName", "string"), "op": "=", "value": "checkout"}]);
    // Rollup path: filters on serviceName only.
    let q = builder("C", "p99", dur.clone(), svc.clone(), json!([]));
    let (status, body) = srv
        .query_range(&token, query("graph", start, end, json!({"C": q})))
        .await;
    assert_eq!(status, 200, "{body}");
    let r = &body["data"]["result"][0];
    assert_eq!(r["list"], Value::Null);
    let s0 = &r["series"][0];
    assert_eq!(s0["labels"], json!({}));
    assert_eq!(s0["labelsArray"], Value::Null);
    assert_eq!(s0["values"][0]["timestamp"], json!(minute / 1_000_000));
    let p99: f64 = s0["values"][0]["value"]
        .as_str()
        .expect("value is a string")
        .parse()
        .unwrap();
    assert!((p99 - 100e6).abs() / 100e6 < 0.03, "{p99}");

    // Raw path: an attribute filter forces a scan; count grouped by serviceName.
    let f = json!([{"key": attr("http.method", "string"), "op": "=", "value": "GET"}]);
    let q = builder(
        "A",
        "count",
        json!({"key": ""}),
        f,
        json!([key("serviceName", "string")]),
    );
    let (status, body) = srv
        .query_range(&token, query("graph", start, end, json!({"A": q})))
        .await;
    assert_eq!(status, 200, "{body}");
    let series = body["data"]["result"][0]["series"].as_array().unwrap();
    assert_eq!(series.len(), 2);
    assert_eq!(series[0]["labels"], json!({"serviceName": "cart"}));
    assert_eq!(series[0]["labelsArray"], json!([{"serviceName": "cart"}]));
    assert_eq!(series[0]["values"][0]["value"], "10");

    // Numeric attribute comparison, and avg on the raw path.
    let f = json!([{"key": attr("http.status_code", "int64"), "op": ">=", "value": "205"}, {"key": key("serviceName", "string"), "op": "=", "value": "cart"}]);
    let q = builder("A", "avg", dur.clone(), f, json!([]));
    let (_, body) = srv
        .query_range(&token, query("graph", start, end, json!({"A": q})))
        .await;
    assert_eq!(
        body["data"]["result"][0]["series"][0]["values"][0]["value"],
        "80000000"
    );

    // Error-rate formula as SigNoz's service page builds it.
    let a = builder(
        "A",
        "count",
        json!({"key": ""}),
        json!([{"key": key("serviceName", "string"), "op": "=", "value": "checkout"}, {"key": key("hasError", "bool"), "op": "=", "value": true}]),
        json!([]),
    );
    let b = builder("B", "count", json!({"key": ""}), svc.clone(), json!([]));
    let mut f1 = builder("F1", "", json!({"key": ""}), json!([]), json!([]));
    f1["expression"] = json!("A*100/B");
    let (status, body) = srv
        .query_range(
            &token,
            query("graph", start, end, json!({"A": a, "B": b, "F1": f1})),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let f1 = body["data"]["result"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["queryName"] == "F1")
        .unwrap()
        .clone();
    assert_eq!(f1["series"][0]["values"][0]["value"], "10");

    // Nothing matches: traces series are null.
    let q = builder(
        "A",
        "count",
        json!({"key": ""}),
        json!([{"key": key("serviceName", "string"), "op": "=", "value": "nobody"}]),
        json!([]),
    );
    let (_, body) = srv
        .query_range(&token, query("graph", start, end, json!({"A": q})))
        .await;
    assert_eq!(body["data"]["result"][0]["series"], Value::Null);
    srv.stop().await;
}

#[tokio::test]
async fn bad_queries_get_bad_data_and_sql_looking_values_are_just_values() {
    let (srv, token, minute) = seeded().await;
    let (start, end) = (minute / 1_000_000, minute / 1_000_000 + 60_000);
    let mut q = builder("A", "count", json!({"key": ""}), json!([]), json!([]));
    q["stepInterval"] = json!(0);
    let (status, body) = srv
        .query_range(&token, query("graph", start, end, json!({"A": q})))
        .await;
    assert_eq!(status, 400);
    assert_eq!(body["status"], "error");
    assert_eq!(body["errorType"], "bad_data");
    assert!(body["error"].as_str().unwrap().contains("stepInterval"));

    for bad in [
        json!({"start": "yesterday"}),
        json!({"start": start, "end": end}),
        json!([1, 2]),
    ] {
        let (status, body) = srv.query_range(&token, bad).await;
        assert_eq!(status, 400, "{body}");
        assert_eq!(body["errorType"], "bad_data");
    }

    for evil in ["x' OR '1'='1", "\"; DROP TABLE spans; --", "%", "_"] {
        let f = json!([{"key": attr(evil, "string"), "op": "=", "value": evil}, {"key": key("serviceName", "string"), "op": "contains", "value": evil}]);
        let q = builder(
            "A",
            "count",
            json!({"key": ""}),
            f,
            json!([attr(evil, "string")]),
        );
        let (status, body) = srv
            .query_range(&token, query("graph", start, end, json!({"A": q})))
            .await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["data"]["result"][0]["series"], Value::Null);
    }
    // The data is still there.
    let q = builder("A", "count", json!({"key": ""}), json!([]), json!([]));
    let (_, body) = srv
        .query_range(&token, query("graph", start, end, json!({"A": q})))
        .await;
    assert_eq!(
        body["data"]["result"][0]["series"][0]["values"][0]["value"],
        "20"
    );
    srv.stop().await;
}
