//! Dashboards, rules (with the scheduler's evaluation), channels and the errors APIs: field
//! names and JSON types as in the SigNoz v0.39 contract.

mod common;

use std::collections::HashMap;

use common::*;
use opentelemetry_proto::tonic::trace::v1::span::Event;
use serde_json::{json, Value};

fn keys(v: &Value) -> Vec<String> {
    let mut k: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
    k.sort();
    k
}

#[tokio::test]
async fn dashboards_crud() {
    let srv = TestServer::start().await;
    let token = srv.admin_token().await;
    let (status, body) = srv.get(&token, "/api/v1/dashboards").await;
    assert_eq!(
        (status, body),
        (200, json!({"status": "success", "data": []}))
    );

    let data = json!({"title": "Checkout", "description": "d", "tags": ["prod", "checkout"], "layout": [{"i": "w1", "x": 0, "y": 0, "w": 6, "h": 3}],
        "variables": {}, "widgets": [{"id": "w1", "title": "p99", "panelTypes": "graph", "query": {"queryType": "builder", "promql": [], "clickhouse_sql": [], "builder": {"queryData": [], "queryFormulas": []}, "id": "q1"}}]});
    let (status, body) = srv.post(&token, "/api/v1/dashboards", data.clone()).await;
    assert_eq!(status, 200, "{body}");
    let d = &body["data"];
    assert_eq!(
        keys(d),
        [
            "created_at",
            "created_by",
            "data",
            "id",
            "isLocked",
            "updated_at",
            "updated_by",
            "uuid"
        ]
    );
    assert!(d["id"].is_i64());
    assert_eq!(
        d["isLocked"],
        Value::Null,
        "create reply carries isLocked null"
    );
    assert_eq!(d["data"], data, "data is stored as sent");
    assert_eq!(d["created_by"], "ada@example.com");
    let uuid = d["uuid"].as_str().unwrap().to_string();

    let (_, got) = srv.get(&token, &format!("/api/v1/dashboards/{uuid}")).await;
    assert_eq!(got["data"]["isLocked"], 0);
    let mut changed = data.clone();
    changed["title"] = json!("Checkout v2");
    let r = srv
        .http
        .put(format!("{}/api/v1/dashboards/{uuid}", srv.api))
        .bearer_auth(&token)
        .json(&changed)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let (_, list) = srv.get(&token, "/api/v1/dashboards?tags=prod").await;
    assert_eq!(list["data"][0]["data"]["title"], "Checkout v2");
    let (_, list) = srv
        .get(&token, "/api/v1/dashboards?tags=prod&tags=dev")
        .await;
    assert_eq!(list["data"], json!([]));

    let (status, body) = srv
        .post(
            &token,
            "/api/v1/dashboards",
            json!({"description": "no title"}),
        )
        .await;
    assert_eq!(status, 400);
    assert_eq!(body["errorType"], "bad_data");
    let r = srv
        .http
        .delete(format!("{}/api/v1/dashboards/{uuid}", srv.api))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.json::<Value>().await.unwrap(),
        json!({"status": "success"})
    );
    let (status, body) = srv.get(&token, &format!("/api/v1/dashboards/{uuid}")).await;
    assert_eq!((status, &body["errorType"]), (404, &json!("not_found")));
    srv.stop().await;
}

#[tokio::test]
async fn a_locked_dashboard_refuses_edits_and_deletes_until_unlocked() {
    let srv = TestServer::start().await;
    let token = srv.admin_token().await;
    let data = json!({"title": "Hosts", "widgets": [], "layout": []});
    let (_, body) = srv.post(&token, "/api/v1/dashboards", data.clone()).await;
    let uuid = body["data"]["uuid"].as_str().unwrap().to_string();
    let put = |path: String, body: Option<Value>| {
        let mut r = srv
            .http
            .put(format!("{}{path}", srv.api))
            .bearer_auth(&token);
        if let Some(b) = body {
            r = r.json(&b);
        }
        async move {
            let r = r.send().await.unwrap();
            (
                r.status().as_u16(),
                r.json::<Value>().await.unwrap_or(Value::Null),
            )
        }
    };
    let (status, body) = put(format!("/api/v1/dashboards/{uuid}/lock"), None).await;
    assert_eq!(status, 200, "{body}");
    let (_, got) = srv.get(&token, &format!("/api/v1/dashboards/{uuid}")).await;
    assert_eq!(got["data"]["isLocked"], 1);

    let (status, body) = put(
        format!("/api/v1/dashboards/{uuid}"),
        Some(json!({"title": "Changed"})),
    )
    .await;
    assert_eq!((status, &body["errorType"]), (400, &json!("bad_data")));
    assert!(body["error"].as_str().unwrap().contains("locked"), "{body}");
    let r = srv
        .http
        .delete(format!("{}/api/v1/dashboards/{uuid}", srv.api))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let (_, got) = srv.get(&token, &format!("/api/v1/dashboards/{uuid}")).await;
    assert_eq!(got["data"]["data"], data, "nothing changed while locked");

    let (status, _) = put(format!("/api/v1/dashboards/{uuid}/unlock"), None).await;
    assert_eq!(status, 200);
    let (status, _) = put(
        format!("/api/v1/dashboards/{uuid}"),
        Some(json!({"title": "Changed"})),
    )
    .await;
    assert_eq!(status, 200);
    let (status, body) = put("/api/v1/dashboards/no-such/lock".into(), None).await;
    assert_eq!((status, &body["errorType"]), (404, &json!("not_found")));
    srv.stop().await;
}

fn p99_rule(target_ms: f64) -> Value {
    json!({"alert": "High p99 checkout", "alertType": "TRACES_BASED_ALERT", "ruleType": "threshold_rule",
        "condition": {"compositeQuery": {"queryType": "builder", "panelType": "graph", "builderQueries": {"A": {
            "queryName": "A", "expression": "A", "dataSource": "traces", "aggregateOperator": "p99",
            "aggregateAttribute": {"key": "durationNano", "dataType": "float64", "type": "tag", "isColumn": true},
            "filters": {"op": "AND", "items": [{"key": {"key": "serviceName", "dataType": "string", "type": "tag", "isColumn": true}, "op": "=", "value": "checkout"}]},
            "groupBy": [], "stepInterval": 60, "reduceTo": "sum"}}},
            "op": "1", "target": target_ms, "matchType": "1", "targetUnit": "ms", "selectedQueryName": "A"},
        "labels": {"severity": "warning"}, "annotations": {"summary": "High latency"}, "disabled": false,
        "source": "http://localhost:3301/alerts/new", "preferredChannels": []})
}

#[tokio::test]
async fn rules_crud_and_evaluation() {
    let srv = TestServer::start().await;
    let token = srv.admin_token().await;
    // A 900 ms checkout span in the last minutes.
    let sp = SpanSpec::new(1, 1, "GET /pay", now_ns() - 90_000_000_000, 900_000_000);
    assert_eq!(
        srv.send_traces(&request("checkout", &[sp])).await.status(),
        200
    );

    let (status, body) = srv.post(&token, "/api/v1/rules", p99_rule(500.0)).await;
    assert_eq!(status, 200, "{body}");
    let r = &body["data"];
    assert_eq!(r["id"], "1", "rule ids are strings");
    assert_eq!(r["state"], "inactive");
    assert_eq!(r["evalWindow"], "5m0s");
    assert_eq!(r["frequency"], "1m0s");
    for k in [
        "createAt",
        "createBy",
        "updateAt",
        "updateBy",
        "condition",
        "labels",
        "annotations",
        "preferredChannels",
    ] {
        assert!(r.get(k).is_some(), "{k}");
    }
    let (_, body) = srv.post(&token, "/api/v1/rules", p99_rule(5000.0)).await;
    assert_eq!(body["data"]["id"], "2");

    // Run the scheduler's evaluation on the real database.
    let n = srv
        .running
        .as_ref()
        .unwrap()
        .store
        .with_conn(|c| {
            let mut last = HashMap::new();
            server::rules_engine::evaluate_due(c, chrono_now_ms(), &mut last)
                .map_err(|e| e.to_string())
        })
        .await
        .unwrap();
    assert_eq!(n, 2);
    let (_, list) = srv.get(&token, "/api/v1/rules").await;
    let rules = list["data"]["rules"].as_array().unwrap();
    assert_eq!(rules[0]["state"], "firing", "900 ms > 500 ms");
    assert_eq!(rules[1]["state"], "inactive", "900 ms < 5000 ms");

    let r = srv
        .http
        .patch(format!("{}/api/v1/rules/1", srv.api))
        .bearer_auth(&token)
        .json(&json!({"disabled": true}))
        .send()
        .await
        .unwrap();
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["data"]["state"], "disabled");
    let r = srv
        .http
        .put(format!("{}/api/v1/rules/2", srv.api))
        .bearer_auth(&token)
        .json(&p99_rule(100.0))
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.json::<Value>().await.unwrap(),
        json!({"status": "success", "data": "rule successfully edited"})
    );
    let r = srv
        .http
        .delete(format!("{}/api/v1/rules/2", srv.api))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.json::<Value>().await.unwrap(),
        json!({"status": "success", "data": "rule successfully deleted"})
    );
    let (status, _) = srv.get(&token, "/api/v1/rules/2").await;
    assert_eq!(status, 404);
    let (status, body) = srv
        .post(&token, "/api/v1/rules", json!({"alert": "x"}))
        .await;
    assert_eq!((status, &body["errorType"]), (400, &json!("bad_data")));
    srv.stop().await;
}

fn chrono_now_ms() -> i64 {
    (now_ns() / 1_000_000) as i64
}

#[tokio::test]
async fn channels_list_and_create() {
    let srv = TestServer::start().await;
    let token = srv.admin_token().await;
    assert_eq!(
        srv.get(&token, "/api/v1/channels").await.1,
        json!({"status": "success", "data": []})
    );
    let (status, body) = srv
        .post(
            &token,
            "/api/v1/channels",
            json!({"name": "ops-webhook", "webhook_configs": [{"url": "http://hook"}]}),
        )
        .await;
    assert_eq!((status, body), (200, json!({"status": "success"})));
    let (_, list) = srv.get(&token, "/api/v1/channels").await;
    let c = &list["data"][0];
    assert_eq!(
        keys(c),
        ["created_at", "data", "id", "name", "type", "updated_at"]
    );
    assert!(c["id"].is_i64());
    assert_eq!(c["type"], "webhook");
    assert!(
        c["data"].is_string(),
        "data is the receiver as a JSON string"
    );
    srv.stop().await;
}

#[tokio::test]
async fn errors_from_exception_events() {
    let srv = TestServer::start().await;
    let token = srv.admin_token().await;
    let t0 = now_ns() - 120_000_000_000;
    let exception = |msg: &str, at: u64| Event {
        time_unix_nano: at,
        name: "exception".into(),
        attributes: vec![
            kv("exception.type", s("TypeError")),
            kv("exception.message", s(msg)),
            kv("exception.stacktrace", s("at f (app.js:1)")),
            kv(
                "exception.escaped",
                opentelemetry_proto::tonic::common::v1::any_value::Value::BoolValue(true),
            ),
        ],
        ..Default::default()
    };
    let spans: Vec<SpanSpec> = (0..3u8)
        .map(|n| {
            let mut sp = SpanSpec::new(n, 1, "click", t0 + n as u64 * 1_000_000_000, 1000);
            sp.error = true;
            sp.events = vec![exception(
                if n < 2 { "x is undefined" } else { "y is null" },
                t0 + n as u64 * 1_000_000_000,
            )];
            sp
        })
        .collect();
    assert_eq!(srv.send_traces(&request("web", &spans)).await.status(), 200);
    let window = json!({"start": (t0 - 60_000_000_000).to_string(), "end": (t0 + 60_000_000_000).to_string(), "limit": 10, "offset": 0,
        "order": "descending", "orderParam": "exceptionCount", "tags": []});
    let (status, list) = srv.post(&token, "/api/v1/listErrors", window.clone()).await;
    assert_eq!(status, 200, "{list}");
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 2);
    assert_eq!(
        keys(&list[0]),
        [
            "exceptionCount",
            "exceptionMessage",
            "exceptionType",
            "firstSeen",
            "groupID",
            "lastSeen",
            "serviceName"
        ]
    );
    assert_eq!(list[0]["exceptionCount"], 2);
    assert_eq!(list[0]["exceptionMessage"], "x is undefined");
    let (_, count) = srv.post(&token, "/api/v1/countErrors", window).await;
    assert_eq!(count, json!(2));

    let group = list[0]["groupID"].as_str().unwrap();
    let (status, e) = srv
        .get(
            &token,
            &format!(
                "/api/v1/errorFromGroupID?groupID={group}&timestamp={}",
                t0 + 10_000_000_000
            ),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(
        keys(&e),
        [
            "errorId",
            "exceptionEscaped",
            "exceptionMessage",
            "exceptionStacktrace",
            "exceptionType",
            "groupID",
            "serviceName",
            "spanID",
            "timestamp",
            "traceID"
        ]
    );
    assert_eq!(e["exceptionEscaped"], true);
    assert_eq!(e["exceptionStacktrace"], "at f (app.js:1)");
    let (_, np) = srv
        .get(
            &token,
            &format!(
                "/api/v1/nextPrevErrorIDs?groupID={group}&errorID={}",
                e["errorId"].as_str().unwrap()
            ),
        )
        .await;
    assert_eq!(
        keys(&np),
        [
            "groupID",
            "nextErrorID",
            "nextTimestamp",
            "prevErrorID",
            "prevTimestamp"
        ]
    );
    assert_eq!(np["nextErrorID"], "");
    assert_ne!(np["prevErrorID"], "");

    let (status, _) = srv
        .post(
            &token,
            "/api/v1/listErrors",
            json!({"start": "1", "end": "2", "limit": 0}),
        )
        .await;
    assert_eq!(status, 400, "limit is required");
    srv.stop().await;
}
