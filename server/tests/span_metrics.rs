//! SigNoz's span-metric names derived from stored spans: the same numbers through
//! `query_range` builder queries (the v0.39 service page's own), PromQL and autocomplete, with
//! the spanmetrics processor's rules for which spans are DB and external calls and what their
//! `address` is.

mod common;

use common::*;
use opentelemetry_proto::tonic::common::v1::KeyValue;
use serde_json::{json, Value};

/// One minute of `shop` spans, three minutes ago: 4 server calls, 3 DB calls (one SERVER span
/// with `db.system` that is no DB call), 5 client calls of which 4 have an address.
async fn seed(srv: &TestServer) -> u64 {
    let m0 = (now_ns() / 60_000_000_000 - 3) * 60_000_000_000;
    let mut spans = Vec::new();
    let mut id = 0u8;
    let mut add = |name: &str, kind: i32, dur_ms: u64, error: bool, attrs: Vec<KeyValue>| {
        id += 1;
        let mut s = SpanSpec::new(
            1,
            id,
            name,
            m0 + id as u64 * 1_000_000_000,
            dur_ms * 1_000_000,
        );
        s.kind = kind;
        s.error = error;
        s.attrs = attrs;
        spans.push(s);
    };
    for (dur, code) in [(3, 200), (20, 200), (80, 200), (300, 500)] {
        add(
            "GET /cart",
            2,
            dur,
            code == 500,
            vec![kv("http.status_code", i(code))],
        );
    }
    let pg = || kv("db.system", s("postgresql"));
    add(
        "SELECT cart",
        3,
        10,
        false,
        vec![pg(), kv("db.name", s("shop"))],
    );
    add(
        "SELECT items",
        3,
        30,
        false,
        vec![pg(), kv("db.name", s("shop"))],
    );
    add("GET", 1, 4, false, vec![kv("db.system", s("redis"))]);
    add("proxied", 2, 4, false, vec![kv("db.system", s("mysql"))]);
    add(
        "POST",
        3,
        40,
        false,
        vec![
            kv("http.host", s("pay.local:8443")),
            kv("net.peer.name", s("ignored")),
        ],
    );
    add(
        "GET",
        3,
        60,
        true,
        vec![
            kv("net.peer.name", s("inv.local")),
            kv("net.peer.port", i(9000)),
        ],
    );
    add(
        "GET",
        3,
        20,
        false,
        vec![kv("http.url", s("https://u:p@geo.example.com/v1?q=1"))],
    );
    add(
        "Cart/Get",
        3,
        5,
        false,
        vec![
            kv("rpc.system", s("grpc")),
            kv("rpc.service", s("Cart")),
            kv("rpc.method", s("Get")),
        ],
    );
    add("local work", 3, 5, false, vec![]);
    assert_eq!(
        srv.send_traces(&request("shop", &spans)).await.status(),
        200
    );
    m0
}

fn metric(name: &str, op: &str, filters: Value, group_by: &[&str]) -> Value {
    let group_by: Vec<Value> = group_by
        .iter()
        .map(|k| json!({"key": k, "dataType": "string", "type": "tag", "isColumn": false}))
        .collect();
    json!({"queryName": "A", "expression": "A", "dataSource": "metrics", "aggregateOperator": op,
        "aggregateAttribute": {"key": name, "dataType": "float64", "type": "", "isColumn": true},
        "filters": {"op": "AND", "items": filters}, "groupBy": group_by, "having": [], "orderBy": [],
        "stepInterval": 60, "limit": null, "disabled": false, "reduceTo": "sum", "legend": ""})
}

fn shop() -> Value {
    json!({"id": "", "key": {"key": "service_name", "dataType": "string", "type": "resource", "isColumn": false},
        "op": "IN", "value": ["shop"]})
}

/// `{label value: first point}` of every series of query `name`.
fn by_label(r: &Value, name: &str, label: &str) -> Vec<(String, f64)> {
    let res = r["data"]["result"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["queryName"] == name)
        .unwrap_or_else(|| panic!("{name} in {r}"));
    let mut out: Vec<(String, f64)> = res["series"]
        .as_array()
        .unwrap_or(&vec![])
        .iter()
        .map(|s| {
            (
                s["labels"][label].as_str().unwrap_or("").to_string(),
                s["values"][0]["value"].as_str().unwrap().parse().unwrap(),
            )
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

#[tokio::test]
async fn span_metrics_follow_the_processor_rules_in_builder_promql_and_autocomplete() {
    let srv = TestServer::start().await;
    let token = srv.admin_token().await;
    let m0 = seed(&srv).await;
    let start_ms = m0 / 1_000_000;
    let builder = |queries: Value| {
        json!({"start": start_ms, "end": start_ms + 59_999, "step": 60, "variables": {},
            "compositeQuery": {"queryType": "builder", "panelType": "graph", "builderQueries": queries}})
    };

    // Database Calls RPS by db_system (v0.39 `databaseCallsRPS`): SERVER spans are no DB calls.
    let (status, r) = srv
        .query_range(
            &token,
            builder(json!({"A": metric("signoz_db_latency_count", "sum_rate", json!([shop()]), &["db_system"])})),
        )
        .await;
    assert_eq!(status, 200, "{r}");
    assert_eq!(
        by_label(&r, "A", "db_system"),
        [
            ("postgresql".into(), 2.0 / 60.0),
            ("redis".into(), 1.0 / 60.0)
        ]
    );

    // External Call RPS by address: the processor's address order, CLIENT spans only.
    let (_, r) = srv
        .query_range(
            &token,
            builder(json!({"A": metric("signoz_external_call_latency_count", "sum_rate", json!([shop()]), &["address"])})),
        )
        .await;
    let addresses: Vec<String> = by_label(&r, "A", "address")
        .into_iter()
        .map(|(a, v)| {
            assert!((v - 1.0 / 60.0).abs() < 1e-12, "{a}: {v}");
            a
        })
        .collect();
    assert_eq!(
        addresses,
        [
            "Cart/Get",
            "geo.example.com",
            "inv.local:9000",
            "pay.local:8443"
        ]
    );

    // External Call Error Percentage by address (A*100/B), duration by address (A/B, ms).
    let errors = json!({"id": "", "key": {"key": "status_code", "dataType": "int64", "type": "tag", "isColumn": false},
        "op": "IN", "value": ["STATUS_CODE_ERROR"]});
    let pair = |a_name: &str, a_filters: Value, b_name: &str, expr: &str| {
        let mut a = metric(a_name, "sum_rate", a_filters, &["address"]);
        let mut b = metric(b_name, "sum_rate", json!([shop()]), &["address"]);
        a["disabled"] = json!(true);
        b["disabled"] = json!(true);
        b["queryName"] = json!("B");
        b["expression"] = json!("B");
        builder(json!({"A": a, "B": b,
            "F1": {"queryName": "F1", "expression": expr, "disabled": false, "legend": "{{address}}"}}))
    };
    let (status, r) = srv
        .query_range(
            &token,
            pair(
                "signoz_external_call_latency_count",
                json!([shop(), errors]),
                "signoz_external_call_latency_count",
                "A*100/B",
            ),
        )
        .await;
    assert_eq!(status, 200, "{r}");
    assert!(
        by_label(&r, "F1", "address").contains(&("inv.local:9000".into(), 100.0)),
        "{r}"
    );
    let (_, r) = srv
        .query_range(
            &token,
            pair(
                "signoz_external_call_latency_sum",
                json!([shop()]),
                "signoz_external_call_latency_count",
                "A/B",
            ),
        )
        .await;
    let durations = by_label(&r, "F1", "address");
    assert!(
        durations.contains(&("pay.local:8443".into(), 40.0)),
        "{durations:?}"
    );

    // Calls by span kind and HTTP status code.
    let server = json!({"id": "", "key": {"key": "span_kind", "dataType": "string", "type": "tag", "isColumn": false},
        "op": "=", "value": "SPAN_KIND_SERVER"});
    let (_, r) = srv
        .query_range(
            &token,
            builder(json!({"A": metric("signoz_calls_total", "sum_rate", json!([shop(), server]), &["http_status_code"])})),
        )
        .await;
    // (The mysql SERVER span has no status code: a group-by leaves it out, as on traces.)
    assert_eq!(
        by_label(&r, "A", "http_status_code"),
        [("200".into(), 3.0 / 60.0), ("500".into(), 1.0 / 60.0)]
    );

    // Apdex (v0.39 `apDexMetricsQueryBuilderQueries`, cumulative): threshold 0.1 s; `le` 100 and
    // the next bucket at or above 400 (500). GET /cart: 3 satisfied, the 300 ms one erred.
    let op = json!({"id": "", "key": {"key": "operation", "dataType": "string", "type": "tag", "isColumn": false},
        "op": "IN", "value": ["GET /cart"]});
    let svc_eq = json!({"id": "", "key": {"key": "service_name", "dataType": "string", "type": "tag", "isColumn": false},
        "op": "=", "value": "shop"});
    let not_error = json!({"id": "", "key": {"key": "status_code", "dataType": "string", "type": "tag", "isColumn": false},
        "op": "!=", "value": "STATUS_CODE_ERROR"});
    let le = |v: &str| json!({"id": "", "key": {"key": "le", "dataType": "string", "type": "tag", "isColumn": false}, "op": "=", "value": v});
    let mut a = metric("signoz_latency_count", "sum_rate", json!([svc_eq, op]), &[]);
    let mut b = metric(
        "signoz_latency_bucket",
        "sum_rate",
        json!([not_error, le("100"), svc_eq, op]),
        &[],
    );
    let mut cq = metric(
        "signoz_latency_bucket",
        "sum_rate",
        json!([le("500"), not_error, svc_eq, op]),
        &[],
    );
    for (q, n) in [(&mut a, "A"), (&mut b, "B"), (&mut cq, "C")] {
        q["disabled"] = json!(true);
        q["queryName"] = json!(n);
        q["expression"] = json!(n);
    }
    let (status, r) = srv
        .query_range(
            &token,
            builder(json!({"A": a, "B": b, "C": cq,
                "F1": {"queryName": "F1", "expression": "((B + C)/2)/A", "disabled": false, "legend": "Apdex"}})),
        )
        .await;
    assert_eq!(status, 200, "{r}");
    let apdex = by_label(&r, "F1", "x")[0].1;
    assert!((apdex - 0.75).abs() < 1e-9, "{r}");

    // A bound past the last bucket (`+Inf`) counts every span, as the histogram's last bucket.
    let mut inf = metric(
        "signoz_latency_bucket",
        "sum_rate",
        json!([svc_eq, op, le("+Inf")]),
        &[],
    );
    inf["legend"] = json!("");
    let (status, r) = srv.query_range(&token, builder(json!({"A": inf}))).await;
    assert_eq!(status, 200, "{r}");
    assert_eq!(by_label(&r, "A", "x"), [("".into(), 4.0 / 60.0)], "{r}");

    // PromQL: the same counters, read at their last sample.
    let promql = |q: &str| {
        json!({"start": start_ms, "end": start_ms + 180_000, "step": 60, "variables": {},
            "compositeQuery": {"queryType": "promql", "panelType": "graph",
                "promQueries": {"A": {"query": q, "disabled": false, "legend": ""}}}})
    };
    let last = |r: &Value, label: &str| -> Vec<(String, f64)> {
        let mut out: Vec<(String, f64)> = r["data"]["result"][0]["series"]
            .as_array()
            .unwrap_or(&vec![])
            .iter()
            .map(|s| {
                let v = s["values"].as_array().unwrap();
                (
                    s["labels"][label].as_str().unwrap_or("").to_string(),
                    v[v.len() - 1]["value"].as_str().unwrap().parse().unwrap(),
                )
            })
            .collect();
        out.sort_by(|a, b| a.0.cmp(&b.0));
        out
    };
    let (status, r) = srv
        .query_range(
            &token,
            promql(r#"sum by (db_system) (signoz_db_latency_count{service_name="shop"})"#),
        )
        .await;
    assert_eq!(status, 200, "{r}");
    assert_eq!(
        last(&r, "db_system"),
        [("postgresql".into(), 2.0), ("redis".into(), 1.0)]
    );
    let (_, r) = srv
        .query_range(
            &token,
            promql(r#"sum by (address) (signoz_external_call_latency_sum{service_name="shop", status_code="STATUS_CODE_ERROR"})"#),
        )
        .await;
    assert_eq!(last(&r, "address"), [("inv.local:9000".into(), 60.0)]);
    let (_, r) = srv
        .query_range(
            &token,
            promql(r#"sum(signoz_calls_total{service_name="shop", span_kind="SPAN_KIND_SERVER", http_status_code="500", resource_deployment_environment="test"})"#),
        )
        .await;
    assert_eq!(last(&r, "x"), [("".into(), 1.0)], "{r}");
    // The rollup path (service and operation only) and the raw path agree on buckets.
    for q in [
        r#"sum(signoz_latency_bucket{service_name="shop", operation="GET /cart", le="100"})"#,
        r#"sum(signoz_latency_bucket{service_name="shop", operation="GET /cart", le="100", span_kind="SPAN_KIND_SERVER"})"#,
    ] {
        let (_, r) = srv.query_range(&token, promql(q)).await;
        assert_eq!(last(&r, "x"), [("".into(), 3.0)], "{q}: {r}");
    }

    // Autocomplete: names, label keys and values of span metrics.
    let (_, r) = srv
        .get(
            &token,
            "/api/v3/autocomplete/aggregate_attributes?dataSource=metrics&aggregateOperator=sum_rate&searchText=signoz_",
        )
        .await;
    let names: Vec<&str> = r["data"]["attributeKeys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["key"].as_str().unwrap())
        .collect();
    for n in [
        "signoz_calls_total",
        "signoz_db_latency_count",
        "signoz_db_latency_sum",
        "signoz_external_call_latency_count",
        "signoz_external_call_latency_sum",
        "signoz_latency_bucket",
        "signoz_latency_count",
        "signoz_latency_sum",
    ] {
        assert!(names.contains(&n), "{n} in {names:?}");
    }
    let (_, r) = srv
        .get(
            &token,
            "/api/v3/autocomplete/attribute_keys?dataSource=metrics&aggregateAttribute=signoz_latency_bucket&searchText=",
        )
        .await;
    let keys: Vec<&str> = r["data"]["attributeKeys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["key"].as_str().unwrap())
        .collect();
    for k in [
        "le",
        "address",
        "db_system",
        "span_kind",
        "resource_deployment_environment",
    ] {
        assert!(keys.contains(&k), "{k} in {keys:?}");
    }
    let (_, r) = srv
        .get(
            &token,
            "/api/v3/autocomplete/attribute_values?dataSource=metrics&aggregateAttribute=signoz_external_call_latency_count&attributeKey=address&searchText=local",
        )
        .await;
    assert_eq!(
        r["data"]["stringAttributeValues"],
        json!(["inv.local:9000", "pay.local:8443"]),
        "{r}"
    );
    srv.stop().await;
}

#[tokio::test]
async fn apdex_settings_take_v039_dialog_fields_and_metric_meta_is_null_without_buckets() {
    let srv = TestServer::start().await;
    let token = srv.admin_token().await;
    seed(&srv).await;
    // The v0.39 settings dialog posts `servicename` and `excludeStatusCode`.
    let (status, body) = srv
        .post(
            &token,
            "/api/v1/settings/apdex",
            json!({"servicename": "shop", "threshold": 0.25, "excludeStatusCode": "404,500"}),
        )
        .await;
    assert_eq!(
        (status, body),
        (200, json!({"data": "apdex score updated successfully"}))
    );
    let (_, got) = srv
        .get(&token, "/api/v1/settings/apdex?services=shop")
        .await;
    assert_eq!(
        got,
        json!([{"serviceName": "shop", "threshold": 0.25, "excludeStatusCodes": "404,500"}])
    );
    let (status, body) = srv
        .post(
            &token,
            "/api/v1/settings/apdex",
            json!({"serviceName": "shop", "threshold": -1}),
        )
        .await;
    assert_eq!(status, 400, "{body}");
    let (_, meta) = srv
        .get(
            &token,
            "/api/v1/metric_meta?metricName=signoz_latency_bucket&serviceName=shop",
        )
        .await;
    assert_eq!(meta["delta"], false);
    assert_eq!(meta["le"][0], 0.1);
    let (_, meta) = srv
        .get(
            &token,
            "/api/v1/metric_meta?metricName=signoz_latency_bucket&serviceName=none",
        )
        .await;
    assert_eq!(meta, json!({"delta": false, "le": null}));
    srv.stop().await;
}
