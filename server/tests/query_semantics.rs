//! query_range semantics that must match SigNoz v0.39: real regular expressions, `nin` on
//! attributes, value panels reduced per step, metric count_distinct and percentiles over
//! samples, and boolean attributes that stay booleans.

mod common;

use common::*;
use serde_json::{json, Value};

fn attr(k: &str, dt: &str) -> Value {
    json!({"key": k, "dataType": dt, "type": "tag", "isColumn": false, "isJSON": false})
}

fn col(k: &str, dt: &str) -> Value {
    json!({"key": k, "dataType": dt, "type": "tag", "isColumn": true, "isJSON": false})
}

fn query(source: &str, op: &str, agg: Value, filters: Value) -> Value {
    json!({"queryName": "A", "expression": "A", "dataSource": source, "aggregateOperator": op,
        "aggregateAttribute": agg, "filters": {"op": "AND", "items": filters}, "groupBy": [],
        "having": [], "orderBy": [], "stepInterval": 60, "limit": null, "disabled": false, "reduceTo": "sum", "legend": ""})
}

fn body(panel: &str, start_ms: u64, end_ms: u64, q: Value) -> Value {
    json!({"start": start_ms, "end": end_ms, "step": 60, "variables": {},
        "compositeQuery": {"queryType": "builder", "panelType": panel, "builderQueries": {"A": q}}})
}

fn value_of(reply: &Value) -> f64 {
    let s = &reply["data"]["result"][0]["series"];
    assert_eq!(s.as_array().map(|a| a.len()), Some(1), "{reply}");
    s[0]["values"][0]["value"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap()
}

/// Six spans over three minutes (1, 2 and 3 per minute) with routes and a bool attribute.
/// minute 0: /api/v1/users (10 ms, hit) · minute 1: /api/v2/users (20 ms, hit), /api/v1/orders
/// (40 ms, miss) · minute 2: /api/v1/users (30 ms, miss), no route (60 ms), /api/v10/users (90 ms, hit)
async fn seeded() -> (TestServer, String, u64) {
    let srv = TestServer::start().await;
    let token = srv.admin_token().await;
    let m0 = (now_ns() / 60_000_000_000 - 10) * 60_000_000_000;
    let spans = [
        (0u64, Some("/api/v1/users"), 10u64, Some(true)),
        (1, Some("/api/v2/users"), 20, Some(true)),
        (1, Some("/api/v1/orders"), 40, Some(false)),
        (2, Some("/api/v1/users"), 30, Some(false)),
        (2, None, 60, None),
        (2, Some("/api/v10/users"), 90, Some(true)),
    ];
    let spans: Vec<Value> = spans
        .iter()
        .enumerate()
        .map(|(n, (minute, route, ms, hit))| {
            let t0 = m0 + minute * 60_000_000_000 + n as u64 * 1_000_000_000;
            let mut attrs = vec![];
            if let Some(r) = route {
                attrs.push(json!({"key": "http.route", "value": {"stringValue": r}}));
            }
            if let Some(h) = hit {
                attrs.push(json!({"key": "cache.hit", "value": {"boolValue": h}}));
            }
            json!({"traceId": format!("{:032x}", 0x5000 + n), "spanId": format!("{:016x}", 0x600 + n), "name": "GET",
                "kind": 2, "startTimeUnixNano": t0.to_string(), "endTimeUnixNano": (t0 + ms * 1_000_000).to_string(),
                "attributes": attrs, "status": {"code": 0}})
        })
        .collect();
    let r = srv
        .http
        .post(format!("{}/v1/traces", srv.otlp))
        .json(&json!({"resourceSpans": [{"resource": {"attributes": [{"key": "service.name", "value": {"stringValue": "api"}}]},
            "scopeSpans": [{"scope": {"name": "t"}, "spans": spans}]}]}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    (srv, token, m0 / 1_000_000)
}

fn route(op: &str, v: Value) -> Value {
    json!([{"key": attr("http.route", "string"), "op": op, "value": v}])
}

#[tokio::test]
async fn regex_nin_and_value_panels_follow_signoz() {
    let (srv, token, m0) = seeded().await;
    let (start, end) = (m0, m0 + 3 * 60_000 - 1);
    let count = |filters: Value| {
        body(
            "value",
            start,
            end,
            query("traces", "count", json!({"key": ""}), filters),
        )
    };

    // A real regular expression, unanchored unless anchored (ClickHouse `match`).
    let (status, r) = srv
        .query_range(&token, count(route("regex", json!("^/api/v[0-9]+/users$"))))
        .await;
    assert_eq!(status, 200, "{r}");
    assert_eq!(value_of(&r), 4.0);
    let (_, r) = srv
        .query_range(&token, count(route("regex", json!("v1/"))))
        .await;
    assert_eq!(value_of(&r), 3.0);
    // nregex keeps spans without the attribute (they read as ''), as SigNoz's map lookup does.
    let (_, r) = srv
        .query_range(
            &token,
            count(route("nregex", json!("^/api/v[0-9]+/users$"))),
        )
        .await;
    assert_eq!(value_of(&r), 2.0);
    for bad in ["(unclosed", "a{1000}{1000}{1000}"] {
        let (status, r) = srv
            .query_range(&token, count(route("regex", json!(bad))))
            .await;
        assert_eq!(status, 400, "{r}");
        assert_eq!(r["errorType"], "bad_data");
        let msg = r["error"].as_str().unwrap();
        assert!(msg.contains(&format!("invalid regex {bad:?}")), "{msg}");
    }

    // nin on an attribute key (binds the key twice); missing attributes are not "in".
    let (status, r) = srv
        .query_range(
            &token,
            count(route("nin", json!(["/api/v1/users", "/api/v2/users"]))),
        )
        .await;
    assert_eq!(status, 200, "{r}");
    assert_eq!(value_of(&r), 3.0);
    let (_, r) = srv
        .query_range(&token, count(route("in", json!(["/api/v1/users"]))))
        .await;
    assert_eq!(value_of(&r), 2.0);

    // Value panels: per-minute counts 1, 2, 3, then reduceTo.
    for (reduce, want) in [
        ("sum", 6.0),
        ("avg", 2.0),
        ("max", 3.0),
        ("min", 1.0),
        ("last", 3.0),
    ] {
        for filters in [json!([]), route("regex", json!(".*"))] {
            // No filter: from the rollup; a regex filter: from raw spans.
            let mut b = count(filters.clone());
            b["compositeQuery"]["builderQueries"]["A"]["reduceTo"] = json!(reduce);
            let (status, r) = srv.query_range(&token, b).await;
            assert_eq!(status, 200, "{r}");
            assert_eq!(value_of(&r), want, "count reduceTo {reduce} with {filters}");
        }
    }
    // avg duration per minute is 10, 30 and 60 ms: their average, not the 41.7 ms of all spans.
    for filters in [json!([]), route("regex", json!(".*"))] {
        let mut b = body(
            "value",
            start,
            end,
            query("traces", "avg", col("durationNano", "float64"), filters),
        );
        b["compositeQuery"]["builderQueries"]["A"]["reduceTo"] = json!("avg");
        let (_, r) = srv.query_range(&token, b).await;
        assert!((value_of(&r) - 100_000_000.0 / 3.0).abs() < 1.0, "{r}");
    }
    srv.stop().await;
}

#[tokio::test]
async fn boolean_attributes_stay_booleans() {
    let (srv, token, m0) = seeded().await;
    let (start, end) = (m0, m0 + 3 * 60_000 - 1);
    let mut q = query("traces", "noop", json!({"key": ""}), json!([]));
    q["selectColumns"] = json!([
        attr("cache.hit", "bool"),
        col("hasError", "bool"),
        attr("http.route", "string")
    ]);
    q["orderBy"] = json!([{"columnName": "timestamp", "order": "asc"}]);
    let (status, r) = srv.query_range(&token, body("list", start, end, q)).await;
    assert_eq!(status, 200, "{r}");
    let rows: Vec<&Value> = r["data"]["result"][0]["list"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| &row["data"])
        .collect();
    assert_eq!(rows.len(), 6);
    assert_eq!(rows[0]["cache.hit"], true);
    assert_eq!(rows[2]["cache.hit"], false);
    assert_eq!(rows[4]["cache.hit"], Value::Null);
    assert_eq!(rows[0]["hasError"], false);
    assert_eq!(rows[0]["http.route"], "/api/v1/users");

    let mut q = query("traces", "count", json!({"key": ""}), json!([]));
    q["groupBy"] = json!([attr("cache.hit", "bool")]);
    let (status, r) = srv.query_range(&token, body("table", start, end, q)).await;
    assert_eq!(status, 200, "{r}");
    let mut groups: Vec<(String, String)> = r["data"]["result"][0]["series"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["labels"]["cache.hit"].as_str().unwrap().to_string(),
                s["values"][0]["value"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    groups.sort();
    assert_eq!(
        groups,
        [
            ("false".to_string(), "2".to_string()),
            ("true".to_string(), "3".to_string())
        ]
    );

    // Filters on a bool attribute still match.
    let q = query(
        "traces",
        "count",
        json!({"key": ""}),
        json!([{"key": attr("cache.hit", "bool"), "op": "=", "value": true}]),
    );
    let (_, r) = srv.query_range(&token, body("value", start, end, q)).await;
    assert_eq!(value_of(&r), 3.0);
    srv.stop().await;
}

#[tokio::test]
async fn metric_count_distinct_and_percentiles_use_samples() {
    let srv = TestServer::start().await;
    let token = srv.admin_token().await;
    let m0 = (now_ns() / 60_000_000_000 - 5) * 60_000_000_000;
    // Two series of one gauge in one minute: a = 1, 2; b = 2, 5.
    let point = |series: &str, n: u64, v: f64| {
        json!({"timeUnixNano": (m0 + n * 10_000_000_000).to_string(), "asDouble": v,
            "attributes": [{"key": "host", "value": {"stringValue": series}}]})
    };
    let r = srv
        .http
        .post(format!("{}/v1/metrics", srv.otlp))
        .json(&json!({"resourceMetrics": [{"resource": {"attributes": [{"key": "service.name", "value": {"stringValue": "web"}}]},
            "scopeMetrics": [{"metrics": [{"name": "temp", "gauge": {"dataPoints": [
                point("a", 0, 1.0), point("a", 1, 2.0), point("b", 2, 2.0), point("b", 3, 5.0)]}}]}]}]}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let start = m0 / 1_000_000;
    let run = |op: &str| {
        body(
            "graph",
            start,
            start + 59_999,
            query(
                "metrics",
                op,
                json!({"key": "temp", "dataType": "float64", "type": "", "isColumn": true}),
                json!([]),
            ),
        )
    };
    for (op, want) in [("count_distinct", 3.0), ("p50", 2.0), ("p90", 4.1)] {
        let (status, r) = srv.query_range(&token, run(op)).await;
        assert_eq!(status, 200, "{op}: {r}");
        assert!((value_of(&r) - want).abs() < 1e-9, "{op}: {r}");
    }
    srv.stop().await;
}

/// The browser SDK sends `session.id` once per batch as a resource attribute: the RUM page's
/// `count_distinct` and filters on a `resource` key must read it from the resource (and only
/// there: a span attribute of the same name is a different key), for traces and logs.
#[tokio::test]
async fn resource_keys_count_distinct_and_filter_for_traces_and_logs() {
    let srv = TestServer::start().await;
    let token = srv.admin_token().await;
    let m0 = (now_ns() / 60_000_000_000 - 10) * 60_000_000_000;
    let s = |k: &str, v: &str| json!({"key": k, "value": {"stringValue": v}});
    // Resources: session a (2 items), session b (1), none (1, with a span/log attribute).
    let groups = [(Some("a"), 2), (Some("b"), 1), (None, 1)];
    let mut n = 0u64;
    let (mut resource_spans, mut resource_logs) = (vec![], vec![]);
    for (session, count) in groups {
        let mut res = vec![s("service.name", "web")];
        res.extend(session.map(|id| s("session.id", id)));
        let attrs: Vec<Value> = match session {
            None => vec![s("session.id", "tag-only")],
            Some(_) => vec![],
        };
        let (mut spans, mut logs) = (vec![], vec![]);
        for _ in 0..count {
            n += 1;
            let t0 = m0 + n * 1_000_000_000;
            spans.push(json!({"traceId": format!("{:032x}", 0x7000 + n), "spanId": format!("{:016x}", 0x700 + n),
                "name": "click", "kind": 1, "startTimeUnixNano": t0.to_string(),
                "endTimeUnixNano": (t0 + 1_000_000).to_string(), "attributes": attrs}));
            logs.push(json!({"timeUnixNano": t0.to_string(), "severityNumber": 9, "body": {"stringValue": "x"},
                "attributes": attrs}));
        }
        resource_spans.push(json!({"resource": {"attributes": res}, "scopeSpans": [{"scope": {"name": "t"}, "spans": spans}]}));
        resource_logs.push(json!({"resource": {"attributes": res}, "scopeLogs": [{"scope": {"name": "t"}, "logRecords": logs}]}));
    }
    for (path, doc) in [
        ("traces", json!({"resourceSpans": resource_spans})),
        ("logs", json!({"resourceLogs": resource_logs})),
    ] {
        let r = srv
            .http
            .post(format!("{}/v1/{path}", srv.otlp))
            .json(&doc)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "{path}");
    }
    let (start, end) = (m0 / 1_000_000, m0 / 1_000_000 + 60_000 - 1);
    // The v0.39 query-builder key for a resource attribute.
    let session =
        json!({"key": "session.id", "dataType": "string", "type": "resource", "isColumn": false});
    let exists = json!([{"key": session, "op": "exists", "value": ""}]);
    for source in ["traces", "logs"] {
        // A value panel of `source` over the minute, aggregated by `op` on `agg`.
        let value = |op: &str, agg: Value, filters: Value| {
            let q = body("value", start, end, query(source, op, agg, filters));
            let (srv, token) = (&srv, &token);
            async move {
                let (status, r) = srv.query_range(token, q).await;
                assert_eq!(status, 200, "{r}");
                value_of(&r)
            }
        };
        let count = |filters: Value| value("count", json!({"key": ""}), filters);
        assert_eq!(
            value("count_distinct", session.clone(), exists.clone()).await,
            2.0,
            "{source}: sessions a and b"
        );
        let a = json!([{"key": session, "op": "=", "value": "a"}]);
        assert_eq!(count(a).await, 2.0, "{source}: the items of session a");
        assert_eq!(
            count(exists.clone()).await,
            3.0,
            "{source}: a span attribute is not the resource key"
        );
        let tag = json!([{"key": attr("session.id", "string"), "op": "exists", "value": ""}]);
        assert_eq!(
            count(tag).await,
            1.0,
            "{source}: nor the resource attribute a tag key"
        );
    }
}
