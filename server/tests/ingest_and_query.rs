//! Ingest OTLP built with opentelemetry-proto + prost (and OTLP/JSON), then read it back
//! through the query-service API and compare fields and JSON shapes.

mod common;

use common::*;
use opentelemetry_proto::tonic::trace::v1::span::Event;
use serde_json::{json, Value};

fn checkout_trace(t0: u64) -> (SpanSpec, SpanSpec) {
    let mut root = SpanSpec::new(1, 1, "GET /cart", t0, 45_000_000);
    root.attrs = vec![kv("http.method", s("GET")), kv("http.status_code", i(200))];
    let mut child = SpanSpec::new(1, 2, "SELECT cart", t0 + 7_000_000, 12_000_000).child_of(&root);
    child.error = true;
    child.attrs = vec![kv("db.system", s("postgresql"))];
    child.events = vec![Event {
        time_unix_nano: t0 + 12_000_000,
        name: "exception".into(),
        attributes: vec![
            kv("exception.type", s("Timeout")),
            kv("exception.message", s("db slow")),
        ],
        ..Default::default()
    }];
    (root, child)
}

#[tokio::test]
async fn trace_detail_rows_match_what_was_sent() {
    let srv = TestServer::start().await;
    let token = srv.admin_token().await;
    let t0 = now_ns() - 60_000_000_000;
    let (root, child) = checkout_trace(t0);
    let r = srv
        .send_traces(&request("frontend", std::slice::from_ref(&root)))
        .await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "application/x-protobuf");
    let r = srv
        .send_traces(&request("checkout", std::slice::from_ref(&child)))
        .await;
    assert_eq!(r.status(), 200);

    let trace_id = hex::encode(root.trace);
    let (status, body) = srv.get(&token, &format!("/api/v1/traces/{trace_id}")).await;
    assert_eq!(status, 200);
    assert_eq!(
        body[0]["columns"],
        json!([
            "__time",
            "SpanId",
            "TraceId",
            "ServiceName",
            "Name",
            "Kind",
            "DurationNano",
            "TagsKeys",
            "TagsValues",
            "References",
            "Events",
            "HasError"
        ])
    );
    let rows = body[0]["events"].as_array().unwrap();
    assert_eq!(rows.len(), 2);
    let r0 = &rows[0];
    assert_eq!(r0[0], json!(t0 / 1_000_000));
    assert_eq!(r0[1], json!(hex::encode(root.id)));
    assert_eq!(r0[2], json!(trace_id));
    assert_eq!(r0[3], "frontend");
    assert_eq!(r0[4], "GET /cart");
    assert_eq!(r0[5], "2");
    assert_eq!(r0[6], "45000000");
    let keys = r0[7].as_array().unwrap();
    let vals = r0[8].as_array().unwrap();
    let pos = keys.iter().position(|k| k == "http.status_code").unwrap();
    assert_eq!(vals[pos], "200");
    assert_eq!(
        r0[9],
        json!([format!("{{TraceId={trace_id}, SpanId=, RefType=CHILD_OF}}")])
    );
    assert_eq!(r0[10], json!([]));
    assert_eq!(r0[11], false);
    let r1 = &rows[1];
    assert_eq!(r1[3], "checkout");
    assert_eq!(
        r1[9],
        json!([format!(
            "{{TraceId={trace_id}, SpanId={}, RefType=CHILD_OF}}",
            hex::encode(root.id)
        )])
    );
    let ev: Value = serde_json::from_str(r1[10][0].as_str().unwrap()).unwrap();
    assert_eq!(ev["name"], "exception");
    assert_eq!(ev["isError"], true);
    assert_eq!(ev["attributeMap"]["exception.type"], "Timeout");
    assert_eq!(ev["timeUnixNano"], json!(t0 + 12_000_000));
    assert_eq!(r1[11], true);

    let (status, body) = srv
        .get(&token, "/api/v1/traces/00000000000000000000000000000099")
        .await;
    assert_eq!(status, 200);
    assert_eq!(body[0]["events"], json!([]));
    srv.stop().await;
}

#[tokio::test]
async fn services_and_operations_are_computed_from_ingested_spans() {
    let srv = TestServer::start().await;
    let token = srv.admin_token().await;
    let t0 = now_ns() - 120_000_000_000;
    let mut spans = Vec::new();
    for n in 0..10u8 {
        let mut sp = SpanSpec::new(
            10 + n,
            1,
            "GET /cart",
            t0 + n as u64 * 1_000_000,
            (n as u64 + 1) * 10_000_000,
        );
        sp.error = n == 0;
        spans.push(sp);
    }
    let internal = SpanSpec::new(10, 9, "render", t0, 1_000_000).child_of(&spans[0]);
    spans.push(internal);
    assert_eq!(
        srv.send_traces(&request("frontend", &spans)).await.status(),
        200
    );

    let window = json!({"start": (t0 - 600_000_000_000).to_string(), "end": (t0 + 600_000_000_000).to_string(), "tags": []});
    let (status, body) = srv.post(&token, "/api/v1/services", window.clone()).await;
    assert_eq!(status, 200, "{body}");
    let items = body.as_array().unwrap();
    assert_eq!(items.len(), 1);
    let s0 = &items[0];
    let keys: Vec<&str> = s0.as_object().unwrap().keys().map(|k| k.as_str()).collect();
    let mut expected = vec![
        "serviceName",
        "p99",
        "avgDuration",
        "numCalls",
        "callRate",
        "numErrors",
        "errorRate",
        "num4XX",
        "fourXXRate",
    ];
    expected.sort();
    let mut got = keys.clone();
    got.sort();
    assert_eq!(got, expected);
    assert_eq!(s0["serviceName"], "frontend");
    assert_eq!(s0["numCalls"], 10, "only top-level operations count");
    assert_eq!(s0["numErrors"], 1);
    assert_eq!(s0["errorRate"], 10.0);
    assert_eq!(s0["avgDuration"], 55_000_000.0);
    let p99 = s0["p99"].as_f64().unwrap();
    assert!((p99 - 100_000_000.0).abs() / 100_000_000.0 < 0.03, "{p99}");
    assert_eq!(s0["num4XX"], 0);

    let mut w = window.clone();
    w["service"] = json!("frontend");
    let (status, ops) = srv
        .post(&token, "/api/v1/service/top_operations", w.clone())
        .await;
    assert_eq!(status, 200);
    let ops = ops.as_array().unwrap();
    assert_eq!(ops.len(), 2);
    assert_eq!(ops[0]["name"], "GET /cart", "sorted by p99 desc");
    assert_eq!(ops[0]["numCalls"], 10);
    assert_eq!(ops[0]["errorCount"], 1);
    for k in ["p50", "p95", "p99", "numCalls", "errorCount", "name"] {
        assert!(ops[0].get(k).is_some(), "{k}");
    }
    w["service"] = json!("nobody");
    assert_eq!(
        srv.post(&token, "/api/v1/service/top_operations", w)
            .await
            .1,
        json!([])
    );

    let (status, tl) = srv
        .post(&token, "/api/v1/service/top_level_operations", Value::Null)
        .await;
    assert_eq!(status, 200);
    assert_eq!(tl, json!({"frontend": ["GET /cart"]}));

    // Resource tag filter (SigNoz's UI sends capitalised field names).
    let mut w = window.clone();
    w["tags"] = json!([{"Key": "deployment.environment", "Operator": "In", "StringValues": ["prod"], "NumberValues": [], "BoolValues": [], "TagType": "ResourceAttribute"}]);
    assert_eq!(
        srv.post(&token, "/api/v1/services", w.clone()).await.1,
        json!([])
    );
    w["tags"][0]["StringValues"] = json!(["test"]);
    assert_eq!(
        srv.post(&token, "/api/v1/services", w).await.1[0]["numCalls"],
        10
    );
    srv.stop().await;
}

#[tokio::test]
async fn otlp_json_ingest_is_queryable() {
    let srv = TestServer::start().await;
    let token = srv.admin_token().await;
    let t0 = now_ns() - 60_000_000_000;
    let body = json!({"resourceSpans": [{"resource": {"attributes": [{"key": "service.name", "value": {"stringValue": "web"}}]},
        "scopeSpans": [{"scope": {"name": "t"}, "spans": [{"traceId": "5b8efff798038103d269b633813fc60c", "spanId": "eee19b7ec3c1b174",
        "name": "documentLoad", "kind": 1, "startTimeUnixNano": t0.to_string(), "endTimeUnixNano": (t0 + 5_000_000).to_string(),
        "attributes": [{"key": "http.url", "value": {"stringValue": "http://localhost/"}}], "status": {"code": 0}}]}]}]});
    let r = srv
        .http
        .post(format!("{}/v1/traces", srv.otlp))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.json::<Value>().await.unwrap(), json!({}));
    let (_, detail) = srv
        .get(&token, "/api/v1/traces/5b8efff798038103d269b633813fc60c")
        .await;
    let row = &detail[0]["events"][0];
    assert_eq!(row[1], "eee19b7ec3c1b174");
    assert_eq!(row[3], "web");
    assert_eq!(row[5], "1");
    assert_eq!(row[6], "5000000");
    srv.stop().await;
}

#[tokio::test]
async fn dependency_graph_links_services() {
    let srv = TestServer::start().await;
    let token = srv.admin_token().await;
    let t0 = now_ns() - 60_000_000_000;
    let (root, child) = checkout_trace(t0);
    assert_eq!(
        srv.send_traces(&request("frontend", &[root]))
            .await
            .status(),
        200
    );
    assert_eq!(
        srv.send_traces(&request("checkout", &[child]))
            .await
            .status(),
        200
    );
    let window = json!({"start": (t0 - 60_000_000_000).to_string(), "end": (t0 + 60_000_000_000).to_string(), "tags": []});
    let (status, body) = srv.post(&token, "/api/v1/dependency_graph", window).await;
    assert_eq!(status, 200, "{body}");
    let e = &body[0];
    assert_eq!(e["parent"], "frontend");
    assert_eq!(e["child"], "checkout");
    assert_eq!(e["callCount"], 1);
    assert_eq!(e["errorRate"], 100.0);
    for k in ["callRate", "p99", "p95", "p90", "p75", "p50"] {
        assert!(e[k].is_f64(), "{k}");
    }
    let (status, body) = srv
        .post(
            &token,
            "/api/v1/services",
            json!({"start": "soon", "end": "1"}),
        )
        .await;
    assert_eq!(status, 400);
    assert_eq!(
        body["errors"][0]["code"], 400,
        "raw handlers answer with the structured text/plain error"
    );
    srv.stop().await;
}

#[tokio::test]
async fn serves_the_dashboard_with_spa_fallback() {
    let web = TempDir::new("web");
    std::fs::create_dir_all(web.0.join("assets")).unwrap();
    std::fs::write(
        web.0.join("index.html"),
        "<!doctype html><title>dash</title>",
    )
    .unwrap();
    std::fs::write(web.0.join("assets/app.js"), "console.log(1)").unwrap();
    let root = web.0.clone();
    let srv = TestServer::start_with(move |c| c.web_root = Some(root)).await;
    let get = |p: &str| srv.http.get(format!("{}{p}", srv.api)).send();
    let r = get("/assets/app.js").await.unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.headers()["content-type"]
        .to_str()
        .unwrap()
        .contains("javascript"));
    let r = get("/services/checkout").await.unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.text().await.unwrap().contains("<title>dash</title>"));
    assert_eq!(get("/api/v1/nope").await.unwrap().status(), 404);
    // reqwest would normalise the dots away, so send the raw request line.
    let raw = raw_get(
        srv.running.as_ref().unwrap().api_addr,
        "/%2e%2e/%2e%2e/etc/passwd",
    )
    .await;
    assert!(raw.starts_with("HTTP/1.1 400"), "{raw}");
    let v: Value = get("/api/v1/version").await.unwrap().json().await.unwrap();
    assert_eq!(v["version"], "v0.39.0");
    srv.stop().await;
}

async fn raw_get(addr: std::net::SocketAddr, path: &str) -> String {
    let request = format!("GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    tokio::task::spawn_blocking(move || {
        use std::io::{Read, Write};
        let mut sock = std::net::TcpStream::connect(addr).unwrap();
        sock.write_all(request.as_bytes()).unwrap();
        let mut out = String::new();
        sock.read_to_string(&mut out).unwrap();
        out
    })
    .await
    .unwrap()
}
