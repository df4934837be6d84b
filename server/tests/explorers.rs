//! What the traces and logs explorers need from the server, over real HTTP: resource filters on
//! the APM routes, v2 metric tag autocomplete, saved views and the logs live tail (SSE).

mod common;

use std::time::{Duration, Instant};

use common::*;
use serde_json::{json, Value};

/// OTLP/JSON spans of one service in one resource.
fn spans_json(service: &str, env: &str, spans: Value) -> Value {
    json!({"resourceSpans": [{"resource": {"attributes": [
        {"key": "service.name", "value": {"stringValue": service}},
        {"key": "deployment.environment", "value": {"stringValue": env}}]},
        "scopeSpans": [{"scope": {"name": "t"}, "spans": spans}]}]})
}

fn span(trace: &str, id: &str, parent: &str, name: &str, t0: u64) -> Value {
    json!({"traceId": trace, "spanId": id, "parentSpanId": parent, "name": name, "kind": 2,
        "startTimeUnixNano": t0.to_string(), "endTimeUnixNano": (t0 + 5_000_000).to_string(), "status": {"code": 0}})
}

async fn post_otlp(srv: &TestServer, path: &str, body: &Value) {
    let r = srv
        .http
        .post(format!("{}{path}", srv.otlp))
        .json(body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "{path}");
}

/// `frontend` (prod) calls `api` (prod); `frontend` (test) calls `api` (test) once more.
async fn two_environments(srv: &TestServer, t0: u64) {
    let trace = |n: u8| format!("{:032x}", 0xab00 + n as u32);
    for (env, n, calls) in [("prod", 1u8, 2u8), ("test", 2, 1)] {
        for c in 0..calls {
            let t = trace(n * 10 + c);
            let root = format!("{:016x}", 0x100 + (n * 10 + c) as u32);
            let child = format!("{:016x}", 0x200 + (n * 10 + c) as u32);
            post_otlp(
                srv,
                "/v1/traces",
                &spans_json("frontend", env, json!([span(&t, &root, "", "GET /", t0)])),
            )
            .await;
            post_otlp(
                srv,
                "/v1/traces",
                &spans_json(
                    "api",
                    env,
                    json!([span(&t, &child, &root, "GET /users", t0 + 1_000_000)]),
                ),
            )
            .await;
        }
    }
}

fn prod_only(op: &str, values: &[&str]) -> Value {
    json!([{"Key": "deployment.environment", "Operator": op, "StringValues": values,
        "BoolValues": [], "NumberValues": [], "TagType": "ResourceAttribute"}])
}

#[tokio::test]
async fn resource_filter_scopes_services_operations_and_the_map() {
    let srv = TestServer::start().await;
    let token = srv.admin_token().await;
    let t0 = now_ns() - 120_000_000_000;
    two_environments(&srv, t0).await;
    let window = |tags: Value| json!({"start": (t0 - 60_000_000_000).to_string(), "end": (t0 + 60_000_000_000).to_string(), "tags": tags});
    let calls = |body: &Value, svc: &str| {
        body.as_array()
            .unwrap()
            .iter()
            .find(|s| s["serviceName"] == svc)
            .map(|s| s["numCalls"].as_u64().unwrap())
    };
    let (status, all) = srv
        .post(&token, "/api/v1/services", window(json!([])))
        .await;
    assert_eq!(status, 200, "{all}");
    assert_eq!(calls(&all, "frontend"), Some(3));
    let (_, prod) = srv
        .post(
            &token,
            "/api/v1/services",
            window(prod_only("In", &["prod"])),
        )
        .await;
    assert_eq!(calls(&prod, "frontend"), Some(2), "{prod}");
    let (_, not_prod) = srv
        .post(
            &token,
            "/api/v1/services",
            window(prod_only("NotIn", &["prod"])),
        )
        .await;
    assert_eq!(calls(&not_prod, "frontend"), Some(1), "{not_prod}");
    // v1 StartsWith is a literal prefix: `pro` matches prod, `pr%d` matches nothing.
    let (_, p) = srv
        .post(
            &token,
            "/api/v1/services",
            window(prod_only("StartsWith", &["pro"])),
        )
        .await;
    assert_eq!(calls(&p, "frontend"), Some(2), "{p}");
    let (_, p) = srv
        .post(
            &token,
            "/api/v1/services",
            window(prod_only("StartsWith", &["pr%d"])),
        )
        .await;
    assert_eq!(p, json!([]));

    let mut b = window(prod_only("In", &["test"]));
    b["service"] = json!("api");
    let (status, ops) = srv.post(&token, "/api/v1/service/top_operations", b).await;
    assert_eq!(status, 200, "{ops}");
    assert_eq!(ops[0]["name"], "GET /users");
    assert_eq!(ops[0]["numCalls"], 1);

    let (status, map) = srv
        .post(&token, "/api/v1/dependency_graph", window(json!([])))
        .await;
    assert_eq!(status, 200, "{map}");
    assert_eq!(map[0]["callCount"], 3, "{map}");
    let (_, map) = srv
        .post(
            &token,
            "/api/v1/dependency_graph",
            window(prod_only("In", &["prod"])),
        )
        .await;
    assert_eq!(
        (map[0]["parent"].as_str(), map[0]["child"].as_str()),
        (Some("frontend"), Some("api"))
    );
    assert_eq!(map[0]["callCount"], 2, "{map}");
    let (_, map) = srv
        .post(
            &token,
            "/api/v1/dependency_graph",
            window(prod_only("In", &["staging"])),
        )
        .await;
    assert_eq!(map, json!([]));

    // The resource-attribute picker: keys of signoz_calls_total starting with resource_, then values.
    let (status, keys) = srv
        .get(
            &token,
            "/api/v2/metrics/autocomplete/tagKey?metricName=signoz_calls_total&match=resource_",
        )
        .await;
    assert_eq!(status, 200, "{keys}");
    assert_eq!(keys["status"], "success");
    let keys: Vec<&str> = keys["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k.as_str().unwrap())
        .collect();
    assert!(
        keys.contains(&"resource_deployment_environment"),
        "{keys:?}"
    );
    assert!(keys.iter().all(|k| k.starts_with("resource_")), "{keys:?}");
    let (_, values) = srv
        .get(&token, "/api/v2/metrics/autocomplete/tagValue?metricName=signoz_calls_total&tagKey=resource_deployment_environment")
        .await;
    assert_eq!(values["data"], json!(["prod", "test"]));
    let (_, values) = srv
        .get(&token, "/api/v2/metrics/autocomplete/tagValue?metricName=signoz_calls_total&tagKey=service_name")
        .await;
    assert_eq!(values["data"], json!(["api", "frontend"]));
    let (status, err) = srv
        .get(&token, "/api/v2/metrics/autocomplete/tagKey?match=x")
        .await;
    assert_eq!(status, 400);
    assert_eq!(err["error"], "metricName not present in params");
    let (status, _) = srv
        .get(
            &token,
            "/api/v2/metrics/autocomplete/tagValue?metricName=signoz_calls_total",
        )
        .await;
    assert_eq!(status, 400);
    srv.stop().await;
}

#[tokio::test]
async fn metric_tag_autocomplete_reads_stored_metric_labels() {
    let srv = TestServer::start().await;
    let token = srv.admin_token().await;
    let t = now_ns() - 60_000_000_000;
    post_otlp(&srv, "/v1/metrics", &json!({"resourceMetrics": [{"resource": {"attributes": [
        {"key": "service.name", "value": {"stringValue": "web"}}]}, "scopeMetrics": [{"metrics": [{"name": "queue_depth",
        "gauge": {"dataPoints": [{"timeUnixNano": t.to_string(), "asDouble": 3.0, "attributes": [{"key": "queue", "value": {"stringValue": "mail"}}]}]}}]}]}]})).await;
    let (_, keys) = srv
        .get(
            &token,
            "/api/v2/metrics/autocomplete/tagKey?metricName=queue_depth",
        )
        .await;
    let keys = keys["data"].as_array().unwrap();
    assert!(
        keys.contains(&json!("queue")) && keys.contains(&json!("service.name")),
        "{keys:?}"
    );
    let (_, values) = srv
        .get(
            &token,
            "/api/v2/metrics/autocomplete/tagValue?metricName=queue_depth&tagKey=queue",
        )
        .await;
    assert_eq!(values["data"], json!(["mail"]));
    srv.stop().await;
}

async fn send(
    srv: &TestServer,
    token: &str,
    method: reqwest::Method,
    path: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let mut r = srv
        .http
        .request(method, format!("{}{path}", srv.api))
        .bearer_auth(token);
    if let Some(b) = body {
        r = r.json(&b);
    }
    let r = r.send().await.unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn saved_views_crud_is_lossless_and_role_checked() {
    let srv = TestServer::start().await;
    let token = srv.admin_token().await;
    // What SigNoz v0.39's "Save view" sends, plus a field this server has never heard of.
    let view = json!({"name": "slow checkout", "category": "", "sourcePage": "traces", "tags": ["perf"],
        "compositeQuery": {"queryType": "builder", "panelType": "list", "unit": null,
            "builderQueries": {"A": {"queryName": "A", "expression": "A", "dataSource": "traces", "aggregateOperator": "noop",
                "filters": {"op": "AND", "items": [{"id": "f1", "key": {"key": "serviceName", "dataType": "string", "type": "tag", "isColumn": true}, "op": "=", "value": "checkout"}]},
                "stepInterval": 60, "customField": {"nested": [1, 2]}}}},
        "extraData": "{\"color\":\"#FF0000\",\"selectColumns\":[]}", "futureField": {"x": 1}});
    let (status, created) = srv
        .post(&token, "/api/v1/explorer/views", view.clone())
        .await;
    assert_eq!(status, 200, "{created}");
    assert_eq!(created["status"], "success");
    let id = created["data"].as_str().unwrap().to_string();
    assert_eq!(id.len(), 36);

    let (status, got) = srv
        .get(&token, &format!("/api/v1/explorer/views/{id}"))
        .await;
    assert_eq!(status, 200, "{got}");
    let got = &got["data"];
    assert_eq!(got["uuid"], id.as_str());
    assert_eq!(got["createdBy"], "ada@example.com");
    assert!(got["createdAt"].as_str().unwrap().ends_with('Z'));
    for k in [
        "name",
        "category",
        "sourcePage",
        "tags",
        "compositeQuery",
        "extraData",
        "futureField",
    ] {
        assert_eq!(got[k], view[k], "{k} comes back as sent");
    }

    let (_, list) = srv
        .get(&token, "/api/v1/explorer/views?sourcePage=traces")
        .await;
    assert_eq!(list["data"].as_array().unwrap().len(), 1);
    let (_, list) = srv
        .get(
            &token,
            "/api/v1/explorer/views?sourcePage=traces&name=CHECK",
        )
        .await;
    assert_eq!(
        list["data"].as_array().unwrap().len(),
        1,
        "name matches case-insensitively"
    );
    let (_, list) = srv
        .get(&token, "/api/v1/explorer/views?sourcePage=logs")
        .await;
    assert_eq!(list["data"], json!([]));

    // v0.39's UI updates with only these four fields; everything else must survive.
    let renamed = json!({"name": "slow checkout (p99)", "compositeQuery": view["compositeQuery"],
        "extraData": view["extraData"], "sourcePage": "traces"});
    let (status, updated) = send(
        &srv,
        &token,
        reqwest::Method::PUT,
        &format!("/api/v1/explorer/views/{id}"),
        Some(renamed),
    )
    .await;
    assert_eq!(status, 200, "{updated}");
    assert_eq!(updated["data"]["name"], "slow checkout (p99)");
    assert_eq!(updated["data"]["futureField"], json!({"x": 1}));
    assert_eq!(updated["data"]["tags"], json!(["perf"]));
    assert_eq!(updated["data"]["createdAt"], got["createdAt"]);
    let (_, again) = srv
        .get(&token, &format!("/api/v1/explorer/views/{id}"))
        .await;
    assert_eq!(again["data"], updated["data"]);

    let (status, err) = srv
        .post(
            &token,
            "/api/v1/explorer/views",
            json!({"name": "no query", "sourcePage": "logs"}),
        )
        .await;
    assert_eq!(
        (status, err["error"].as_str()),
        (400, Some("composite query is required"))
    );
    let (status, _) = send(
        &srv,
        &token,
        reqwest::Method::PUT,
        "/api/v1/explorer/views/nope",
        Some(view.clone()),
    )
    .await;
    assert_eq!(status, 404);

    let viewer = srv.viewer_token().await;
    let (status, _) = srv
        .get(&viewer, &format!("/api/v1/explorer/views/{id}"))
        .await;
    assert_eq!(status, 200);
    let (status, err) = srv
        .post(&viewer, "/api/v1/explorer/views", view.clone())
        .await;
    assert_eq!(
        (status, err["errorType"].as_str()),
        (403, Some("forbidden"))
    );
    let (status, _) = send(
        &srv,
        &viewer,
        reqwest::Method::DELETE,
        &format!("/api/v1/explorer/views/{id}"),
        None,
    )
    .await;
    assert_eq!(status, 403);

    let (status, body) = send(
        &srv,
        &token,
        reqwest::Method::DELETE,
        &format!("/api/v1/explorer/views/{id}"),
        None,
    )
    .await;
    assert_eq!((status, body), (200, json!({"status": "success"})));
    let (status, _) = srv
        .get(&token, &format!("/api/v1/explorer/views/{id}"))
        .await;
    assert_eq!(status, 404);
    srv.stop().await;
}

fn log_record(body: &str, page: &str, t: u64) -> Value {
    json!({"timeUnixNano": t.to_string(), "severityText": "INFO", "severityNumber": 9,
        "body": {"stringValue": body}, "attributes": [
            {"key": "page", "value": {"stringValue": page}},
            {"key": "cached", "value": {"boolValue": true}},
            {"key": "bytes", "value": {"intValue": "512"}}]})
}

async fn send_log(srv: &TestServer, body: &str, page: &str) {
    post_otlp(
        srv,
        "/v1/logs",
        &json!({"resourceLogs": [{"resource": {"attributes": [
        {"key": "service.name", "value": {"stringValue": "web"}}]},
        "scopeLogs": [{"logRecords": [log_record(body, page, now_ns())]}]}]}),
    )
    .await;
}

/// The `q` parameter v0.39's live-logs page sends: a list query on logs with its filters.
fn tail_query(start_ms: u64, filters: Value) -> String {
    let q = json!({"start": start_ms, "end": start_ms + 900_000, "step": 60, "variables": {},
        "compositeQuery": {"queryType": "builder", "panelType": "list", "builderQueries": {"A": {
            "queryName": "A", "expression": "A", "dataSource": "logs", "aggregateOperator": "noop",
            "aggregateAttribute": {"key": "", "dataType": "", "type": "", "isColumn": false},
            "filters": {"op": "AND", "items": filters}, "groupBy": [], "having": [],
            "orderBy": [{"columnName": "timestamp", "order": "desc"}], "stepInterval": 60,
            "limit": null, "pageSize": 100, "offset": 0, "disabled": false, "reduceTo": "sum", "legend": ""}}}});
    url_encode(&q.to_string())
}

#[tokio::test]
async fn live_tail_streams_new_matching_logs_within_two_seconds() {
    let srv = TestServer::start().await;
    let token = srv.admin_token().await;
    send_log(&srv, "before the tail opened", "/cart").await;
    let start_ms = now_ns() / 1_000_000 - 3_600_000;
    let filters = json!([{"key": {"key": "page", "dataType": "string", "type": "tag", "isColumn": false}, "op": "=", "value": "/cart"}]);
    let url = format!(
        "{}/api/v3/logs/livetail?q={}",
        srv.api,
        tail_query(start_ms, filters.clone())
    );

    let resp = srv.http.get(&url).send().await.unwrap();
    assert_eq!(resp.status(), 401, "a token is required");
    let resp = srv.http.get(&url).bearer_auth(&token).send().await.unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.headers()["content-type"], "text/event-stream");
    assert_eq!(resp.headers()["x-accel-buffering"], "no");
    let mut events = SseEvents::new(resp);
    let first = events.next(Duration::from_secs(5)).await.expect("backlog");
    assert_eq!(first["body"], "before the tail opened");
    // SignozLog: ns timestamp and typed attribute maps.
    assert!(first["timestamp"].as_u64().unwrap() > 1_600_000_000_000_000_000);
    assert_eq!(first["attributes_string"]["page"], "/cart");
    assert_eq!(first["attributes_bool"]["cached"], true);
    assert_eq!(first["attributes_int"]["bytes"], 512);
    assert_eq!(first["resources_string"]["service.name"], "web");

    let sent = Instant::now();
    send_log(&srv, "first live", "/cart").await;
    let got = events
        .next(Duration::from_secs(2))
        .await
        .expect("arrives within 2 s");
    assert_eq!(got["body"], "first live");
    let latency = sent.elapsed();
    eprintln!("live tail: ingest-to-event latency {latency:?}");
    assert!(latency < Duration::from_secs(2), "{latency:?}");
    send_log(&srv, "other page", "/home").await;
    send_log(&srv, "second live", "/cart").await;
    let got = events.next(Duration::from_secs(2)).await.expect("second");
    assert_eq!(got["body"], "second live", "the /home log is filtered out");

    // A native EventSource cannot send headers: the token may come as a query parameter.
    let url2 = format!("{url}&Authorization=Bearer%20{token}");
    let resp = srv.http.get(&url2).send().await.unwrap();
    assert_eq!(resp.status(), 200);

    let bad = json!([{"key": {"key": "page", "dataType": "string", "type": "tag"}, "op": "regex", "value": "(unclosed"}]);
    let resp = srv
        .http
        .get(format!(
            "{}/api/v3/logs/livetail?q={}",
            srv.api,
            tail_query(start_ms, bad)
        ))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 400);
    let err: Value = resp.json().await.unwrap();
    assert!(
        err["error"].as_str().unwrap().contains("invalid regex"),
        "{err}"
    );

    // Shutdown ends open streams instead of waiting for them.
    tokio::time::timeout(Duration::from_secs(10), srv.stop())
        .await
        .expect("shutdown does not hang on open streams");
    drop(events);
}

/// The service page's span-metric queries (DB and external call tabs, latency) run on spans.
#[tokio::test]
async fn service_page_span_metrics_apdex_and_metric_meta() {
    let srv = TestServer::start().await;
    let token = srv.admin_token().await;
    let m0 = (now_ns() / 60_000_000_000 - 5) * 60_000_000_000;
    let trace = "000000000000000000000000000000aa";
    let mut server_span = span(
        trace,
        "00000000000000a1",
        "",
        "GET /users",
        m0 + 1_000_000_000,
    );
    server_span["endTimeUnixNano"] = json!((m0 + 1_100_000_000).to_string());
    let mut db = span(
        trace,
        "00000000000000a2",
        "00000000000000a1",
        "SELECT users",
        m0 + 1_010_000_000,
    );
    db["kind"] = json!(3);
    db["endTimeUnixNano"] = json!((m0 + 1_030_000_000).to_string());
    db["attributes"] = json!([{"key": "db.system", "value": {"stringValue": "postgresql"}}]);
    let mut ext = span(
        trace,
        "00000000000000a3",
        "00000000000000a1",
        "POST /charge",
        m0 + 1_040_000_000,
    );
    ext["kind"] = json!(3);
    ext["endTimeUnixNano"] = json!((m0 + 1_090_000_000).to_string());
    ext["attributes"] =
        json!([{"key": "server.address", "value": {"stringValue": "payments.local"}}]);
    ext["status"] = json!({"code": 2});
    post_otlp(
        &srv,
        "/v1/traces",
        &spans_json("api", "prod", json!([server_span, db, ext])),
    )
    .await;

    let svc = json!({"key": {"key": "service_name", "dataType": "string", "type": "resource", "isColumn": false}, "op": "IN", "value": ["api"]});
    let metric = |name: &str, op: &str, filters: Value, group_by: Value| {
        json!({"queryName": "A", "expression": "A", "dataSource": "metrics", "aggregateOperator": op,
            "aggregateAttribute": {"key": name, "dataType": "float64", "type": "", "isColumn": true},
            "filters": {"op": "AND", "items": filters}, "groupBy": group_by, "having": [], "orderBy": [],
            "stepInterval": 60, "limit": null, "disabled": false, "reduceTo": "sum", "legend": ""})
    };
    let run = |queries: Value| {
        json!({"start": m0 / 1_000_000, "end": m0 / 1_000_000 + 59_999, "step": 60, "variables": {},
            "compositeQuery": {"queryType": "builder", "panelType": "graph", "builderQueries": queries}})
    };
    let first = |r: &Value, name: &str| -> (Value, f64) {
        let res = r["data"]["result"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["queryName"] == name)
            .expect(name)
            .clone();
        let s = &res["series"][0];
        (
            s["labels"].clone(),
            s["values"][0]["value"]
                .as_str()
                .expect("a value")
                .parse()
                .unwrap(),
        )
    };

    let (status, r) = srv
        .query_range(
            &token,
            run(json!({"A": metric("signoz_calls_total", "sum_rate", json!([svc]), json!([]))})),
        )
        .await;
    assert_eq!(status, 200, "{r}");
    assert!((first(&r, "A").1 - 3.0 / 60.0).abs() < 1e-12, "{r}");
    // The service page's resource filter, as v0.39 sends it on metrics queries.
    for (op, calls) in [("IN", Some(3.0 / 60.0)), ("NIN", None)] {
        let env = json!({"id": "e1", "key": {"key": "resource_deployment_environment", "isColumn": false, "type": "", "dataType": ""},
            "op": op, "value": ["prod"]});
        let (status, r) = srv
            .query_range(
                &token,
                run(json!({"A": metric("signoz_calls_total", "sum_rate", json!([svc, env]), json!([]))})),
            )
            .await;
        assert_eq!(status, 200, "{r}");
        let got = r["data"]["result"][0]["series"][0]["values"][0]["value"]
            .as_str()
            .map(|v| v.parse::<f64>().unwrap());
        assert_eq!(got, calls, "{op}: {r}");
    }

    let by_db =
        json!([{"key": "db_system", "dataType": "string", "type": "tag", "isColumn": false}]);
    let (_, r) = srv
        .query_range(
            &token,
            run(json!({"A": metric("signoz_db_latency_count", "sum_rate", json!([svc]), by_db)})),
        )
        .await;
    let (labels, v) = first(&r, "A");
    assert_eq!(labels, json!({"db_system": "postgresql"}), "{r}");
    assert!((v - 1.0 / 60.0).abs() < 1e-12);

    // Database calls avg duration: A/B of _sum and _count, in ms.
    let mut a = metric("signoz_db_latency_sum", "sum_rate", json!([svc]), json!([]));
    let mut b = metric(
        "signoz_db_latency_count",
        "sum_rate",
        json!([svc]),
        json!([]),
    );
    a["disabled"] = json!(true);
    b["queryName"] = json!("B");
    b["expression"] = json!("B");
    b["disabled"] = json!(true);
    let f = json!({"queryName": "F1", "expression": "A/B", "disabled": false, "legend": "Average Duration"});
    let (status, r) = srv
        .query_range(&token, run(json!({"A": a, "B": b, "F1": f})))
        .await;
    assert_eq!(status, 200, "{r}");
    assert!((first(&r, "F1").1 - 20.0).abs() < 1e-9, "{r}");

    // External calls by address, and their errors.
    let by_address =
        json!([{"key": "address", "dataType": "string", "type": "tag", "isColumn": false}]);
    let errors = json!({"key": {"key": "status_code", "dataType": "string", "type": "tag", "isColumn": false}, "op": "IN", "value": ["STATUS_CODE_ERROR"]});
    let (_, r) = srv
        .query_range(&token, run(json!({"A": metric("signoz_external_call_latency_count", "sum_rate", json!([svc, errors]), by_address)})))
        .await;
    let (labels, v) = first(&r, "A");
    assert_eq!(labels, json!({"address": "payments.local"}), "{r}");
    assert!((v - 1.0 / 60.0).abs() < 1e-12);

    // Latency p99 from the latency histogram name, in ms (spans of 20, 50 and 100 ms).
    let (_, r) = srv.query_range(&token, run(json!({"A": metric("signoz_latency_bucket", "hist_quantile_99", json!([svc]), json!([]))}))).await;
    let p99 = first(&r, "A").1;
    assert!((50.0..=100.0).contains(&p99), "{r}");

    // Apdex settings: defaults, then saved by an admin.
    let (status, got) = srv.get(&token, "/api/v1/settings/apdex?services=api").await;
    assert_eq!(status, 200);
    assert_eq!(
        got,
        json!([{"serviceName": "api", "threshold": 0.5, "excludeStatusCodes": ""}])
    );
    let (status, set) = srv
        .post(
            &token,
            "/api/v1/settings/apdex",
            json!({"serviceName": "api", "threshold": 0.3, "excludeStatusCodes": "404"}),
        )
        .await;
    assert_eq!(
        (status, set),
        (200, json!({"data": "apdex score updated successfully"}))
    );
    let (_, got) = srv
        .get(&token, "/api/v1/settings/apdex?services=web,api")
        .await;
    assert_eq!(
        got,
        json!([{"serviceName": "api", "threshold": 0.3, "excludeStatusCodes": "404"},
        {"serviceName": "web", "threshold": 0.5, "excludeStatusCodes": ""}])
    );
    let viewer = srv.viewer_token().await;
    let (status, _) = srv
        .post(
            &viewer,
            "/api/v1/settings/apdex",
            json!({"serviceName": "api", "threshold": 1}),
        )
        .await;
    assert_eq!(status, 403);

    let (status, meta) = srv
        .get(
            &token,
            "/api/v1/metric_meta?metricName=signoz_latency_bucket&serviceName=api",
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(meta["delta"], false);
    assert_eq!(meta["le"].as_array().unwrap().len(), 17);
    assert_eq!(meta["le"][1], 1.0);
    let (_, meta) = srv
        .get(
            &token,
            "/api/v1/metric_meta?metricName=signoz_latency_bucket&serviceName=nobody",
        )
        .await;
    assert_eq!(meta, json!({"delta": false, "le": null}));
    srv.stop().await;
}
