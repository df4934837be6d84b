//! Alerting end to end over real HTTP: a rule on ingested spans fires, the dispatcher
//! notifies loopback receivers started here (Alertmanager webhook, Slack-shaped,
//! PagerDuty-shaped) with the rule's labels and links, `GET /api/v1/alerts` lists it, a
//! resolved notification follows when the data falls back, and a mute window holds one back.
//! Also: a SigNoz-written rule survives an edit byte for byte, testRule and testChannel.

mod common;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use common::{now_ns, request, SpanSpec, TestServer};
use serde_json::{json, Value};

/// What a receiver got: (path, body, authorization header).
#[derive(Clone, Default)]
struct Inbox(Arc<Mutex<Vec<(String, Value, String)>>>);

impl Inbox {
    fn on(&self, path: &str) -> Vec<Value> {
        self.0
            .lock()
            .unwrap()
            .iter()
            .filter(|(p, _, _)| p == path)
            .map(|(_, b, _)| b.clone())
            .collect()
    }

    async fn wait(&self, path: &str, n: usize, within: Duration) -> Vec<Value> {
        let t = Instant::now();
        loop {
            let got = self.on(path);
            if got.len() >= n {
                return got;
            }
            assert!(
                t.elapsed() < within,
                "{path}: {} of {n} notifications after {within:?}",
                got.len()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

async fn receive(
    State(inbox): State<Inbox>,
    Path(path): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> StatusCode {
    let auth = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let mut all = inbox.0.lock().unwrap();
    let tries = all.iter().filter(|(p, _, _)| *p == path).count();
    all.push((
        path.clone(),
        serde_json::from_slice(&body).unwrap_or(Value::Null),
        auth,
    ));
    // `flaky` fails its first request, as a receiver restarting would.
    if path == "flaky" && tries == 0 {
        return StatusCode::SERVICE_UNAVAILABLE;
    }
    StatusCode::OK
}

/// A loopback HTTP server that records every POST; its base URL.
async fn start_receiver() -> (String, Inbox) {
    let inbox = Inbox::default();
    let app = axum::Router::new()
        .route("/{*path}", axum::routing::post(receive))
        .with_state(inbox.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (format!("http://{addr}"), inbox)
}

async fn fast_server() -> TestServer {
    TestServer::start_with(|c| {
        c.rules_tick_secs = 1;
        c.alert_group_wait_ms = 100;
        c.alert_group_interval_ms = 300;
        c.alert_repeat_interval_ms = 3_600_000;
        c.alert_retries = 2;
        c.alert_retry_backoff_ms = 50;
        c.public_url = Some("http://signoz.example:3301".into());
    })
    .await
}

async fn send(
    srv: &TestServer,
    token: &str,
    method: &str,
    path: &str,
    body: Option<&str>,
) -> (u16, String) {
    let mut b = srv.request(method, token, path);
    if let Some(body) = body {
        b = b
            .header("content-type", "application/json")
            .body(body.to_string());
    }
    let r = b.send().await.unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

fn checkout_spans(n: u8) -> Vec<SpanSpec> {
    let now = now_ns();
    (0..n)
        .map(|i| SpanSpec::new(i + 1, i + 1, "POST /cart", now - 500_000_000, 2_000_000))
        .collect()
}

fn traces_rule(channels: &[&str]) -> Value {
    json!({"alert": "Checkout busy", "alertType": "TRACES_BASED_ALERT", "ruleType": "threshold_rule",
        "evalWindow": "6s", "frequency": "1s",
        "condition": {"compositeQuery": {"queryType": "builder", "panelType": "graph", "builderQueries": {
            "A": {"queryName": "A", "expression": "A", "dataSource": "traces", "aggregateOperator": "count",
                "aggregateAttribute": {"key": "", "dataType": "", "type": "", "isColumn": false},
                "filters": {"op": "AND", "items": [{"key": {"key": "serviceName", "dataType": "string", "type": "tag", "isColumn": true},
                    "op": "=", "value": "checkout"}]},
                "groupBy": [{"key": "serviceName", "dataType": "string", "type": "tag", "isColumn": true}],
                "stepInterval": 2, "disabled": false, "reduceTo": "sum"}}},
            "op": "1", "target": 2, "matchType": "1", "targetUnit": "", "selectedQueryName": "A"},
        "labels": {"severity": "critical", "team": "shop"},
        "annotations": {"summary": "checkout has {{$value}} spans", "description": "above {{$threshold}} for {{$labels.serviceName}}"},
        "disabled": false, "source": "http://signoz.example:3301/alerts/new",
        "preferredChannels": channels})
}

#[tokio::test]
async fn rule_fires_notifies_resolves_and_a_mute_holds_back() {
    let (recv, inbox) = start_receiver().await;
    let srv = fast_server().await;
    let token = srv.admin_token().await;
    let channels = [
        json!({"name": "ops-webhook", "webhook_configs": [{"send_resolved": true, "url": format!("{recv}/webhook"),
            "http_config": {"basic_auth": {"username": "am", "password": "pw"}}}]}),
        json!({"name": "ops-slack", "slack_configs": [{"send_resolved": true, "api_url": format!("{recv}/slack"),
            "channel": "#alerts", "title": "{{ template \"slack.default.title\" . }}"}]}),
        json!({"name": "ops-pd", "pagerduty_configs": [{"send_resolved": true, "routing_key": "rk-1",
            "url": format!("{recv}/pd")}]}),
    ];
    for ch in &channels {
        let (status, body) = srv.post(&token, "/api/v1/channels", ch.clone()).await;
        assert_eq!(status, 200, "{body}");
    }

    assert_eq!(
        srv.send_traces(&request("checkout", &checkout_spans(5)))
            .await
            .status(),
        200
    );
    let created = Instant::now();
    let (status, body) = srv
        .post(
            &token,
            "/api/v1/rules",
            traces_rule(&["ops-webhook", "ops-slack", "ops-pd"]),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let id = body["data"]["id"].as_str().unwrap().to_string();
    let rule_url = format!("http://signoz.example:3301/alerts/edit?ruleId={id}");

    // Firing: within two evaluation intervals (frequency 1 s, scheduler tick 1 s) plus the
    // group wait.
    let hook = inbox.wait("webhook", 1, Duration::from_secs(10)).await;
    let took = created.elapsed();
    assert!(
        took < Duration::from_millis(2 * 1000 + 1000 + 100 + 900),
        "first notification after {took:?}"
    );
    let n = &hook[0];
    assert_eq!(n["status"], "firing", "{n}");
    assert_eq!(n["version"], "4");
    assert_eq!(n["receiver"], "ops-webhook");
    let a = &n["alerts"][0];
    assert_eq!(a["labels"]["alertname"], "Checkout busy");
    assert_eq!(a["labels"]["severity"], "critical");
    assert_eq!(a["labels"]["team"], "shop");
    assert_eq!(a["labels"]["serviceName"], "checkout");
    assert_eq!(a["labels"]["ruleId"], id.as_str());
    assert_eq!(a["labels"]["ruleSource"], rule_url.as_str());
    assert_eq!(a["generatorURL"], rule_url.as_str());
    assert_eq!(a["annotations"]["summary"], "checkout has 5 spans");
    assert_eq!(a["annotations"]["description"], "above 2 for checkout");
    let related = a["annotations"]["related_traces"].as_str().unwrap();
    assert!(
        related.starts_with("http://signoz.example:3301/traces-explorer?compositeQuery=%257B"),
        "{related}"
    );
    assert!(
        related.contains("&startTime=") && related.contains("checkout"),
        "{related}"
    );
    assert_eq!(inbox.0.lock().unwrap()[0].2, "Basic YW06cHc=");

    let slack = inbox.wait("slack", 1, Duration::from_secs(5)).await;
    let att = &slack[0]["attachments"][0];
    assert_eq!(slack[0]["channel"], "#alerts");
    assert_eq!(att["title_link"], rule_url.as_str());
    assert_eq!(att["title"], "[FIRING:1] Checkout busy");
    assert!(att["text"]
        .as_str()
        .unwrap()
        .contains("*RelatedTraces:* http://signoz.example:3301/traces-explorer?"));
    let pd = inbox.wait("pd", 1, Duration::from_secs(5)).await;
    assert_eq!(pd[0]["routing_key"], "rk-1");
    assert_eq!(pd[0]["event_action"], "trigger");
    assert_eq!(pd[0]["payload"]["severity"], "critical");
    assert_eq!(pd[0]["links"][0]["href"], rule_url.as_str());

    // Triggered alerts: v0.39's `data` is a JSON string of alertmanager's reply.
    let (status, body) = srv.get(&token, "/api/v1/alerts").await;
    assert_eq!(status, 200);
    let am: Value = serde_json::from_str(body["data"].as_str().unwrap()).unwrap();
    assert_eq!(am["status"], "success");
    let active = &am["data"][0];
    assert_eq!(active["labels"]["alertname"], "Checkout busy");
    assert_eq!(active["status"]["state"], "active");
    assert_eq!(active["generatorURL"], rule_url.as_str());
    let (_, rule) = srv.get(&token, &format!("/api/v1/rules/{id}")).await;
    assert_eq!(rule["data"]["state"], "firing");

    // No repeat while nothing changes (repeat interval 1 h), then resolved once the spans
    // leave the 6 s window.
    let hook = inbox.wait("webhook", 2, Duration::from_secs(15)).await;
    assert_eq!(hook[1]["status"], "resolved", "{}", hook[1]);
    assert_eq!(hook[1]["alerts"][0]["status"], "resolved");
    assert_ne!(hook[1]["alerts"][0]["endsAt"], "0001-01-01T00:00:00Z");
    let pd = inbox.wait("pd", 2, Duration::from_secs(5)).await;
    assert_eq!(pd[1]["event_action"], "resolve");
    assert_eq!(pd[1]["dedup_key"], pd[0]["dedup_key"]);
    let (_, body) = srv.get(&token, "/api/v1/alerts").await;
    let am: Value = serde_json::from_str(body["data"].as_str().unwrap()).unwrap();
    assert_eq!(am["data"], json!([]));

    // A mute window on the rule's team label: the next firing is held back while it is open,
    // shown as suppressed, and sent once it is deleted.
    let now = chrono::Utc::now();
    let (status, mute) = srv
        .post(
            &token,
            "/api/v1/mutes",
            json!({"name": "deploy", "startsAt": now.to_rfc3339(),
            "endsAt": (now + chrono::Duration::hours(1)).to_rfc3339(), "matchers": {"team": "shop"},
            "ruleIds": [id.clone()], "comment": "release"}),
        )
        .await;
    assert_eq!(status, 200, "{mute}");
    assert_eq!(mute["data"]["active"], true);
    assert_eq!(mute["data"]["comment"], "release");
    let mute_id = mute["data"]["id"].as_str().unwrap().to_string();
    assert_eq!(
        srv.send_traces(&request("checkout", &checkout_spans(4)))
            .await
            .status(),
        200
    );
    let t = Instant::now();
    loop {
        let (_, rule) = srv.get(&token, &format!("/api/v1/rules/{id}")).await;
        if rule["data"]["state"] == "firing" {
            break;
        }
        assert!(
            t.elapsed() < Duration::from_secs(10),
            "rule did not fire again"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let (_, body) = srv.get(&token, "/api/v1/alerts").await;
    let am: Value = serde_json::from_str(body["data"].as_str().unwrap()).unwrap();
    assert_eq!(am["data"][0]["status"]["state"], "suppressed");
    assert_eq!(
        am["data"][0]["status"]["silencedBy"],
        json!([mute_id.clone()])
    );
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(inbox.on("webhook").len(), 2, "a muted alert was notified");
    let (status, _) = send(
        &srv,
        &token,
        "DELETE",
        &format!("/api/v1/mutes/{mute_id}"),
        None,
    )
    .await;
    assert_eq!(status, 200);
    let hook = inbox.wait("webhook", 3, Duration::from_secs(5)).await;
    assert_eq!(hook[2]["status"], "firing");

    // History: firing, inactive (resolved), firing again, each with time and value.
    let (_, hist) = srv
        .get(&token, &format!("/api/v1/rules/{id}/history"))
        .await;
    let mut chrono: Vec<Value> = hist["data"].as_array().unwrap().clone();
    chrono.reverse();
    let states: Vec<&str> = chrono
        .iter()
        .map(|h| h["state"].as_str().unwrap())
        .collect();
    assert!(
        states.len() >= 3 && states[..3] == ["firing", "inactive", "firing"],
        "{states:?}"
    );
    assert_eq!(chrono[0]["value"], 5.0);
    assert_eq!(chrono[2]["value"], 4.0);
    assert!(chrono[0]["unixMilli"].as_i64().unwrap() > 0);

    // Every delivery is recorded and counted.
    let (_, del) = srv.get(&token, "/api/v1/alerts/deliveries").await;
    let rows = del["data"].as_array().unwrap();
    assert!(rows.len() >= 7, "{del}");
    assert!(rows.iter().all(|r| r["status"] == "sent"), "{del}");
    let metrics = srv
        .http
        .get(format!("{}/metrics", srv.api))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        metrics.contains(
            "otel_wasm_alert_deliveries_total{channel_type=\"webhook\",outcome=\"sent\"}"
        ),
        "{metrics}"
    );
    srv.stop().await;
}

#[tokio::test]
async fn test_rule_test_channel_retries_and_clickhouse_error_state() {
    let (recv, inbox) = start_receiver().await;
    let srv = fast_server().await;
    let token = srv.admin_token().await;
    // testChannel for each type, unsaved; the flaky receiver is retried.
    let receivers = [
        (
            "flaky",
            json!({"name": "t1", "webhook_configs": [{"url": format!("{recv}/flaky")}]}),
        ),
        (
            "teams",
            json!({"name": "t2", "msteams_configs": [{"webhook_url": format!("{recv}/teams")}]}),
        ),
        (
            "genie",
            json!({"name": "t3", "opsgenie_configs": [{"api_key": "gk", "api_url": format!("{recv}/genie/")}]}),
        ),
    ];
    for (_, r) in &receivers {
        let (status, body) = srv.post(&token, "/api/v1/testChannel", r.clone()).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["data"], "test alert sent");
    }
    assert_eq!(inbox.on("flaky").len(), 2, "one retry after the 503");
    assert_eq!(inbox.on("teams")[0]["@type"], "MessageCard");
    let (status, body) = srv
        .post(
            &token,
            "/api/v1/testChannel",
            json!({"name": "dead", "webhook_configs": [{"url": "http://127.0.0.1:9/x"}]}),
        )
        .await;
    assert_eq!(status, 400, "{body}");
    assert!(body["error"]
        .as_str()
        .unwrap()
        .contains("test alert failed"));
    let (status, _) = srv
        .post(&token, "/api/v1/channels", receivers[1].1.clone())
        .await;
    assert_eq!(status, 200);

    // testRule sends what fires now to the rule's channels, without grouping.
    assert_eq!(
        srv.send_traces(&request("checkout", &checkout_spans(3)))
            .await
            .status(),
        200
    );
    let (status, body) = srv
        .post(&token, "/api/v1/testRule", traces_rule(&["t2"]))
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body["data"],
        json!({"alertCount": 1, "message": "notification sent"})
    );
    let teams = inbox.wait("teams", 2, Duration::from_secs(5)).await;
    assert_eq!(teams[1]["title"], "[FIRING:1] Checkout busy");
    let mut quiet = traces_rule(&["t2"]);
    quiet["condition"]["target"] = json!(1000);
    let (_, body) = srv.post(&token, "/api/v1/testRule", quiet).await;
    assert_eq!(body["data"]["alertCount"], 0);

    // A ClickHouse rule is saved but shows why it cannot run.
    let ch = json!({"alert": "ch", "alertType": "METRIC_BASED_ALERT", "condition": {"compositeQuery": {
        "queryType": "clickhouse_sql", "panelType": "graph", "chQueries": {"A": {"query": "SELECT 1", "disabled": false}}},
        "op": "1", "target": 1, "matchType": "1", "selectedQueryName": "A"}});
    let (status, body) = srv.post(&token, "/api/v1/rules", ch).await;
    assert_eq!(status, 200, "{body}");
    let id = body["data"]["id"].as_str().unwrap().to_string();
    let t = Instant::now();
    loop {
        let (_, list) = srv.get(&token, "/api/v1/rules").await;
        let r = list["data"]["rules"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["id"] == id.as_str())
            .unwrap()
            .clone();
        if r["state"] == "error" {
            assert!(
                r["lastError"].as_str().unwrap().contains("ClickHouse"),
                "{r}"
            );
            break;
        }
        assert!(t.elapsed() < Duration::from_secs(10), "{r}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    srv.stop().await;
}

/// A rule as SigNoz v0.39 stores it: PromQL and a builder rule with two queries and a
/// formula, channels and labels, pretty-printed with SigNoz's own spacing.
const SIGNOZ_RULES: [&str; 2] = [
    r#"{
  "alert": "High request rate",
  "alertType": "METRIC_BASED_ALERT",
  "ruleType": "promql_rule",
  "evalWindow": "5m0s",
  "frequency": "1m0s",
  "condition": {
    "compositeQuery": {
      "builderQueries": null,
      "chQueries": null,
      "promQueries": {"A": {"query": "sum(rate(signoz_calls_total{service_name=\"checkout\"}[5m])) by (service_name)", "stats": "", "disabled": false, "legend": "{{service_name}}"}},
      "panelType": "graph",
      "queryType": "promql",
      "unit": ""
    },
    "op": "1",
    "target": 10.0,
    "matchType": "3",
    "targetUnit": "",
    "selectedQueryName": "A"
  },
  "labels": {"severity": "warning", "team": "checkout"},
  "annotations": {"description": "This alert is fired when the defined metric (current value: {{$value}}) crosses the threshold ({{$threshold}})", "summary": "The rule threshold is set to {{$threshold}}, and the observed metric value is {{$value}}"},
  "disabled": false,
  "source": "http://localhost:3301/alerts/new?ruleType=promql",
  "preferredChannels": ["ops-slack", "ops-webhook"],
  "version": "v4"
}"#,
    r#"{"alert":"Error ratio","alertType":"TRACES_BASED_ALERT","ruleType":"threshold_rule","evalWindow":"10m0s","frequency":"2m0s",
"condition":{"compositeQuery":{"builderQueries":{"A":{"queryName":"A","stepInterval":60,"dataSource":"traces","aggregateOperator":"count","aggregateAttribute":{"key":"","dataType":"","type":"","isColumn":false,"isJSON":false},"filters":{"items":[{"key":{"key":"hasError","dataType":"bool","type":"tag","isColumn":true,"isJSON":false},"value":true,"op":"="}],"op":"AND"},"expression":"A","disabled":false,"having":[],"limit":0,"offset":0,"pageSize":0,"orderBy":[],"reduceTo":"sum","groupBy":[{"key":"serviceName","dataType":"string","type":"tag","isColumn":true,"isJSON":false}],"legend":""},"B":{"queryName":"B","stepInterval":60,"dataSource":"traces","aggregateOperator":"count","aggregateAttribute":{"key":"","dataType":"","type":"","isColumn":false,"isJSON":false},"filters":{"items":[],"op":"AND"},"expression":"B","disabled":false,"having":[],"limit":0,"offset":0,"pageSize":0,"orderBy":[],"reduceTo":"sum","groupBy":[{"key":"serviceName","dataType":"string","type":"tag","isColumn":true,"isJSON":false}],"legend":""},"F1":{"queryName":"F1","stepInterval":60,"dataSource":"","aggregateOperator":"","aggregateAttribute":{"key":"","dataType":"","type":"","isColumn":false,"isJSON":false},"expression":"A*100/B","disabled":false,"having":null,"limit":0,"offset":0,"pageSize":0,"orderBy":null,"reduceTo":"","groupBy":null,"legend":"error %"}},"chQueries":{"A":{"query":"","disabled":false}},"promQueries":{"A":{"query":"","disabled":false}},"panelType":"graph","queryType":"builder","unit":"percent"},"op":"1","target":5,"matchType":"4","targetUnit":"percent","selectedQueryName":"F1"},
"labels":{"severity":"critical","details":"https://runbooks.example/errors"},"annotations":{"description":"error ratio {{$value}}","summary":"errors"},"disabled":false,"source":"http://localhost:3301/alerts/new","preferredChannels":["ops-pd"],"createAt":"2024-02-14T09:00:00Z","createBy":"admin@example.com"}"#,
];

/// Top-level fields (and `condition`'s) as their exact JSON text.
fn raw_fields(text: &str) -> std::collections::BTreeMap<String, Box<serde_json::value::RawValue>> {
    serde_json::from_str(text).unwrap()
}

#[tokio::test]
async fn a_signoz_rule_keeps_every_field_byte_for_byte_after_a_threshold_edit() {
    let srv = TestServer::start().await;
    let token = srv.admin_token().await;
    for original in SIGNOZ_RULES {
        let (status, body) = send(&srv, &token, "POST", "/api/v1/rules", Some(original)).await;
        assert_eq!(status, 200, "{body}");
        let id = serde_json::from_str::<Value>(&body).unwrap()["data"]["id"]
            .as_str()
            .unwrap()
            .to_string();
        // Open it as the editor does, change the threshold, save the whole object back.
        let (_, got) = send(&srv, &token, "GET", &format!("/api/v1/rules/{id}"), None).await;
        let mut rule: Value = serde_json::from_str::<Value>(&got).unwrap()["data"].clone();
        rule["condition"]["target"] = json!(42.5);
        let (status, body) = send(
            &srv,
            &token,
            "PUT",
            &format!("/api/v1/rules/{id}"),
            Some(&rule.to_string()),
        )
        .await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(
            serde_json::from_str::<Value>(&body).unwrap()["data"],
            "rule successfully edited"
        );

        let (_, after) = send(&srv, &token, "GET", &format!("/api/v1/rules/{id}"), None).await;
        #[derive(serde::Deserialize)]
        struct Env<'a> {
            #[serde(borrow)]
            data: &'a serde_json::value::RawValue,
        }
        let after: Env = serde_json::from_str(&after).unwrap();
        let (before, after) = (raw_fields(original), raw_fields(after.data.get()));
        for (k, v) in &before {
            if matches!(k.as_str(), "createAt" | "createBy") {
                continue; // server fields: the server's own values are returned
            }
            if k == "condition" {
                let (b, a) = (raw_fields(v.get()), raw_fields(after[k].get()));
                for (ck, cv) in &b {
                    if ck == "target" {
                        assert_eq!(a[ck].get(), "42.5");
                    } else {
                        assert_eq!(a[ck].get(), cv.get(), "condition.{ck} changed");
                    }
                }
                assert_eq!(a.len(), b.len());
            } else {
                assert_eq!(after[k].get(), v.get(), "{k} changed");
            }
        }
        assert_eq!(after["id"].get(), format!("\"{id}\""));
    }
    srv.stop().await;
}

#[tokio::test]
async fn mute_windows_are_checked() {
    let srv = TestServer::start().await;
    let token = srv.admin_token().await;
    for bad in [
        json!({"name": "x"}),
        json!({"name": "x", "startsAt": "2024-01-01T00:00:00Z", "endsAt": "2023-01-01T00:00:00Z"}),
        json!({"name": "x", "startsAt": 1, "endsAt": 2, "matchers": {"a": 1}}),
    ] {
        let (status, body) = srv.post(&token, "/api/v1/mutes", bad).await;
        assert_eq!(status, 400, "{body}");
    }
    let (status, body) = srv
        .post(&token, "/api/v1/mutes", json!({"name": "later", "startsAt": "2099-01-01T00:00:00Z", "endsAt": "2099-01-02T00:00:00Z"}))
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["data"]["active"], false);
    let id = body["data"]["id"].as_str().unwrap();
    let (status, body) = send(
        &srv,
        &token,
        "PUT",
        &format!("/api/v1/mutes/{id}"),
        Some(&json!({"name": "later", "startsAt": 0, "endsAt": 4102444800000i64}).to_string()),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let (_, list) = srv.get(&token, "/api/v1/mutes").await;
    assert_eq!(list["data"][0]["active"], true);
    srv.stop().await;
}
