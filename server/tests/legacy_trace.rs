//! The legacy `/trace` page's routes, `query_range/format`, `/disks` and `/configs`, over real
//! HTTP against spans ingested over OTLP.

mod common;

use common::*;
use opentelemetry_proto::tonic::common::v1::any_value;
use serde_json::{json, Value};

const MS: u64 = 1_000_000;

/// Three spans in one minute: checkout `GET /cart` (10 ms), checkout `POST /pay` (50 ms,
/// error) and its payments child `charge` (30 ms, client, gRPC).
async fn seed(srv: &TestServer) -> u64 {
    let t0 = (now_ns() - 300_000_000_000) / 60_000_000_000 * 60_000_000_000 + 1_000_000_000;
    let mut cart = SpanSpec::new(1, 1, "GET /cart", t0, 10 * MS);
    cart.attrs = vec![
        kv("http.method", s("GET")),
        kv("http.route", s("/cart")),
        kv("http.status_code", i(200)),
        kv("http.url", s("http://shop/cart")),
        kv("component", s("http")),
        kv("customer.tier", s("gold")),
        kv("retry.count", i(3)),
        kv("cache.hit", any_value::Value::BoolValue(true)),
    ];
    let mut pay = SpanSpec::new(2, 2, "POST /pay", t0 + 2 * MS, 50 * MS);
    pay.error = true;
    pay.attrs = vec![
        kv("http.method", s("POST")),
        kv("http.route", s("/pay")),
        kv("http.status_code", i(500)),
        kv("customer.tier", s("silver")),
    ];
    let mut charge = SpanSpec::new(2, 3, "charge", t0 + 5 * MS, 30 * MS).child_of(&pay);
    charge.attrs = vec![
        kv("rpc.method", s("Charge")),
        kv("rpc.grpc.status_code", i(0)),
    ];
    for (svc, spans) in [("checkout", vec![cart, pay]), ("payments", vec![charge])] {
        let r = srv.send_traces(&request(svc, &spans)).await;
        assert_eq!(r.status(), 200);
    }
    t0
}

fn window(t0: u64, extra: Value) -> Value {
    let mut body = json!({"start": (t0 - 60_000_000_000).to_string(), "end": (t0 + 60_000_000_000).to_string(),
        "tags": [], "exclude": [], "minDuration": "", "maxDuration": ""});
    for (k, v) in extra.as_object().unwrap() {
        body[k] = v.clone();
    }
    body
}

async fn spans(srv: &TestServer, token: &str, body: Value) -> (u64, Vec<String>) {
    let (status, r) = srv.post(token, "/api/v1/getFilteredSpans", body).await;
    assert_eq!(status, 200, "{r}");
    let mut ops: Vec<String> = r["spans"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|s| s["operation"].as_str().unwrap().to_string())
                .collect()
        })
        .unwrap_or_default();
    ops.sort();
    (r["totalSpans"].as_u64().unwrap(), ops)
}

#[tokio::test]
async fn filtered_spans_shape_filters_and_paging() {
    let srv = TestServer::start().await;
    let token = srv.admin_token().await;
    let t0 = seed(&srv).await;

    let (status, r) = srv
        .post(
            &token,
            "/api/v1/getFilteredSpans",
            window(
                t0,
                json!({"limit": 10, "offset": 0, "order": "", "orderParam": ""}),
            ),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(r["totalSpans"], 3);
    let rows = r["spans"].as_array().unwrap();
    assert_eq!(rows.len(), 3);
    // Newest first.
    assert_eq!(rows[0]["operation"], "charge");
    let mut keys: Vec<&String> = rows[0].as_object().unwrap().keys().collect();
    keys.sort();
    assert_eq!(
        keys,
        [
            "HttpMethod",
            "RPCMethod",
            "durationNano",
            "method",
            "operation",
            "serviceName",
            "spanID",
            "statusCode",
            "timestamp",
            "traceID"
        ]
    );
    assert_eq!(rows[0]["RPCMethod"], "Charge");
    assert_eq!(rows[0]["method"], "Charge");
    assert_eq!(rows[0]["serviceName"], "payments");
    assert_eq!(rows[0]["durationNano"], 30 * MS);
    let cart = &rows[2];
    assert_eq!(cart["HttpMethod"], "GET");
    assert_eq!(cart["method"], "GET");
    assert_eq!(cart["statusCode"], "200");
    assert_eq!(cart["spanID"], "cd00000000000001");
    assert!(cart["timestamp"].as_str().unwrap().ends_with('Z'));

    let cases: Vec<(Value, Vec<&str>)> = vec![
        (
            json!({"serviceName": ["checkout"]}),
            vec!["GET /cart", "POST /pay"],
        ),
        (
            json!({"serviceName": ["checkout"], "exclude": ["serviceName"]}),
            vec!["charge"],
        ),
        (json!({"status": ["error"]}), vec!["POST /pay"]),
        (
            json!({"status": ["error"], "exclude": ["status"]}),
            vec!["GET /cart", "charge"],
        ),
        (
            json!({"status": ["ok", "error"]}),
            vec!["GET /cart", "POST /pay", "charge"],
        ),
        (json!({"operation": ["charge"]}), vec!["charge"]),
        (
            json!({"operation": ["charge"], "exclude": ["operation"]}),
            vec!["GET /cart", "POST /pay"],
        ),
        (json!({"httpRoute": ["/cart"]}), vec!["GET /cart"]),
        (json!({"httpCode": ["500"]}), vec!["POST /pay"]),
        (
            json!({"httpMethod": ["GET", "POST"]}),
            vec!["GET /cart", "POST /pay"],
        ),
        (json!({"httpUrl": ["http://shop/cart"]}), vec!["GET /cart"]),
        (json!({"component": ["http"]}), vec!["GET /cart"]),
        (json!({"rpcMethod": ["Charge"]}), vec!["charge"]),
        (json!({"responseStatusCode": ["500"]}), vec!["POST /pay"]),
        (json!({"spanKind": "3"}), vec!["charge"]),
        (
            json!({"minDuration": "20000000"}),
            vec!["POST /pay", "charge"],
        ),
        (json!({"maxDuration": "20000000"}), vec!["GET /cart"]),
        (
            json!({"tags": [{"Key": "customer.tier.(string)", "Operator": "Equals", "StringValues": ["gold", "silver"], "NumberValues": [], "BoolValues": []}]}),
            vec!["GET /cart", "POST /pay"],
        ),
        (
            json!({"tags": [{"Key": "customer.tier.(string)", "Operator": "NotIn", "StringValues": ["gold"], "NumberValues": [], "BoolValues": []}]}),
            vec!["POST /pay", "charge"],
        ),
        (
            json!({"tags": [{"Key": "customer.tier.(string)", "Operator": "Contains", "StringValues": ["ILV"], "NumberValues": [], "BoolValues": []}]}),
            vec!["POST /pay"],
        ),
        (
            json!({"tags": [{"Key": "rpc.method.(string)", "Operator": "Exists", "StringValues": [], "NumberValues": [], "BoolValues": []}]}),
            vec!["charge"],
        ),
        // Hostile values are only ever data.
        (json!({"serviceName": ["checkout' OR 1=1 --"]}), vec![]),
        (
            json!({"tags": [{"Key": "x\"); DROP TABLE spans; --.(string)", "Operator": "Equals", "StringValues": ["'"], "NumberValues": [], "BoolValues": []}]}),
            vec![],
        ),
    ];
    for (extra, want) in cases {
        let (total, ops) = spans(&srv, &token, window(t0, extra.clone())).await;
        assert_eq!(ops, want, "{extra}");
        assert_eq!(total as usize, want.len(), "{extra}");
    }
    // Still three spans after the hostile ones.
    assert_eq!(spans(&srv, &token, window(t0, json!({}))).await.0, 3);

    // Paging: by duration, longest first, one per page.
    let page = |offset: i64| {
        window(
            t0,
            json!({"limit": 1, "offset": offset, "order": "descending", "orderParam": "duration"}),
        )
    };
    let (total, ops) = spans(&srv, &token, page(1)).await;
    assert_eq!((total, ops), (3, vec!["charge".to_string()]));
    let (_, ops) = spans(&srv, &token, page(2)).await;
    assert_eq!(ops, ["GET /cart"]);
    // Limit 0 is v0.39's default of 10.
    let (_, ops) = spans(&srv, &token, window(t0, json!({"limit": 0}))).await;
    assert_eq!(ops.len(), 3);

    // Nothing in the window: `spans` is null, as Go writes an empty slice.
    let (status, r) = srv
        .post(
            &token,
            "/api/v1/getFilteredSpans",
            json!({"start": "1", "end": "2"}),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(r, json!({"spans": null, "totalSpans": 0}));
    srv.stop().await;
}

#[tokio::test]
async fn aggregates_by_step_function_and_group() {
    let srv = TestServer::start().await;
    let token = srv.admin_token().await;
    let t0 = seed(&srv).await;
    let bucket = (t0 / 60_000_000_000 * 60_000_000_000).to_string();
    let agg = |extra: Value| {
        let srv = &srv;
        let token = token.clone();
        async move {
            srv.post(
                &token,
                "/api/v1/getFilteredSpans/aggregates",
                window(t0, extra),
            )
            .await
        }
    };

    let (status, r) = agg(json!({"function": "count", "step": 60, "groupBy": ""})).await;
    assert_eq!(status, 200, "{r}");
    assert_eq!(
        r,
        json!({"items": {bucket.clone(): {"timestamp": bucket.parse::<u64>().unwrap(), "value": 3.0}}})
    );

    let (_, r) = agg(json!({"function": "count", "step": 60, "groupBy": "serviceName"})).await;
    assert_eq!(
        r["items"][&bucket]["groupBy"],
        json!({"checkout": 2.0, "payments": 1.0})
    );
    assert!(r["items"][&bucket].get("value").is_none());

    let (_, r) =
        agg(json!({"function": "avg", "step": 60, "groupBy": "customer.tier.(string)"})).await;
    assert_eq!(
        r["items"][&bucket]["groupBy"],
        json!({"gold": 10_000_000.0, "silver": 50_000_000.0})
    );

    let (_, r) = agg(json!({"function": "max", "step": 60, "groupBy": "httpRoute"})).await;
    assert_eq!(
        r["items"][&bucket]["groupBy"],
        json!({"/cart": 10_000_000.0, "/pay": 50_000_000.0})
    );

    let (_, r) =
        agg(json!({"function": "ratePerSec", "step": 60, "serviceName": ["checkout"]})).await;
    let rate = r["items"][&bucket]["value"].as_f64().unwrap();
    assert!((rate - 2.0 / 60.0).abs() < 1e-6, "{rate}");

    let (_, r) = agg(json!({"function": "p99", "step": 60, "status": ["error"]})).await;
    assert_eq!(r["items"][&bucket]["value"], 50_000_000.0);

    // Service/operation/error charts come from the per-minute rollup, the rest from raw
    // spans: both answer alike.
    let (_, rollup) = agg(
        json!({"function": "count", "step": 60, "serviceName": ["checkout"], "status": ["error"]}),
    )
    .await;
    let (_, scan) = agg(json!({"function": "count", "step": 60, "serviceName": ["checkout"], "status": ["error"], "httpMethod": ["POST"]})).await;
    assert_eq!(rollup["items"][&bucket]["value"], 1.0);
    assert_eq!(rollup, scan);
    let (_, r) = agg(json!({"function": "count", "step": 60, "status": ["ok"]})).await;
    assert_eq!(r["items"][&bucket]["value"], 2.0);
    let (_, r) = agg(
        json!({"function": "count", "step": 60, "operation": ["charge"], "exclude": ["operation"]}),
    )
    .await;
    assert_eq!(r["items"][&bucket]["value"], 2.0);
    let (_, r) = agg(json!({"function": "p50", "step": 120, "groupBy": "name"})).await;
    let two_min = (t0 / 120_000_000_000 * 120_000_000_000).to_string();
    let p50 = r["items"][&two_min]["groupBy"]["charge"].as_f64().unwrap();
    assert!((p50 / 30e6 - 1.0).abs() < 0.05, "{r}");

    for (extra, msg) in [
        (
            json!({"function": "count", "step": 0}),
            "step param missing",
        ),
        (
            json!({"function": "", "step": 60}),
            "function param missing",
        ),
        (json!({"function": "median", "step": 60}), "not allowed"),
        (
            json!({"function": "count", "step": 60, "groupBy": "bogus"}),
            "GroupBy: bogus not supported",
        ),
    ] {
        let (status, r) = agg(extra.clone()).await;
        assert_eq!(status, 400, "{extra}");
        assert!(r["errors"][0]["msg"].as_str().unwrap().contains(msg), "{r}");
    }
    srv.stop().await;
}

#[tokio::test]
async fn span_filters_tag_keys_and_values() {
    let srv = TestServer::start().await;
    let token = srv.admin_token().await;
    let t0 = seed(&srv).await;

    let all = [
        "serviceName",
        "status",
        "duration",
        "operation",
        "httpCode",
        "httpRoute",
        "httpUrl",
        "httpMethod",
        "httpHost",
        "component",
        "rpcMethod",
        "responseStatusCode",
        "traceID",
    ];
    let (status, r) = srv
        .post(
            &token,
            "/api/v1/getSpanFilters",
            window(t0, json!({"getFilters": all})),
        )
        .await;
    assert_eq!(status, 200, "{r}");
    assert_eq!(
        r,
        json!({
            "serviceName": {"checkout": 2, "payments": 1},
            "status": {"ok": 2, "error": 1},
            "duration": {"minDuration": 10 * MS, "maxDuration": 50 * MS},
            "operation": {"GET /cart": 1, "POST /pay": 1, "charge": 1},
            "httpCode": {"200": 1, "500": 1},
            "responseStatusCode": {"0": 1, "200": 1, "500": 1},
            "rpcMethod": {"Charge": 1},
            "httpUrl": {"http://shop/cart": 1},
            "httpMethod": {"GET": 1, "POST": 1},
            "httpRoute": {"/cart": 1, "/pay": 1},
            "httpHost": {},
            "component": {"http": 1},
        })
    );
    // Counts follow the filters; facets not asked for stay empty; no span, no duration.
    let (_, r) = srv
        .post(
            &token,
            "/api/v1/getSpanFilters",
            window(
                t0,
                json!({"getFilters": ["serviceName", "status"], "status": ["error"]}),
            ),
        )
        .await;
    assert_eq!(r["serviceName"], json!({"checkout": 1}));
    assert_eq!(r["status"], json!({"ok": 0, "error": 1}));
    assert_eq!(r["operation"], json!({}));
    let (_, r) = srv
        .post(
            &token,
            "/api/v1/getSpanFilters",
            json!({"start": "1", "end": "2", "getFilters": ["duration"]}),
        )
        .await;
    assert_eq!(r["duration"], json!({}));
    let (status, r) = srv
        .post(
            &token,
            "/api/v1/getSpanFilters",
            window(t0, json!({"getFilters": ["bogus"]})),
        )
        .await;
    assert_eq!(status, 400);
    assert_eq!(r["errors"][0]["msg"], "filter type: bogus not supported");

    let (status, r) = srv
        .post(&token, "/api/v1/getTagFilters", window(t0, json!({})))
        .await;
    assert_eq!(status, 200, "{r}");
    let list = |k: &str| -> Vec<String> {
        r[k].as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap().to_string())
            .collect()
    };
    let strings = list("stringTagKeys");
    assert!(strings.contains(&"customer.tier".to_string()), "{r}");
    assert!(strings.contains(&"deployment.environment".to_string()));
    assert!(!strings.contains(&"http.route".to_string()));
    assert!(!strings.contains(&"service.name".to_string()));
    assert!(list("numberTagKeys").contains(&"retry.count".to_string()));
    assert_eq!(list("boolTagKeys"), ["cache.hit"]);
    // Filters narrow the keys to the matching spans.
    let (_, r) = srv
        .post(
            &token,
            "/api/v1/getTagFilters",
            window(t0, json!({"serviceName": ["payments"]})),
        )
        .await;
    assert!(!r["stringTagKeys"]
        .as_array()
        .unwrap()
        .contains(&json!("customer.tier")));

    let values = |key: &str, kind: &str| window(t0, json!({"tagKey": {"Key": key, "Type": kind}}));
    let (status, r) = srv
        .post(
            &token,
            "/api/v1/getTagValues",
            values("customer.tier", "string"),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(
        r,
        json!({"stringTagValues": ["gold", "silver"], "boolTagValues": [], "numberTagValues": []})
    );
    let (_, r) = srv
        .post(&token, "/api/v1/getTagValues", values("cache.hit", "bool"))
        .await;
    assert_eq!(r["boolTagValues"], json!([true, false]));
    let (_, r) = srv
        .post(
            &token,
            "/api/v1/getTagValues",
            values("retry.count", "number"),
        )
        .await;
    assert_eq!(
        r,
        json!({"stringTagValues": [], "boolTagValues": [], "numberTagValues": []})
    );
    let (status, r) = srv
        .post(&token, "/api/v1/getTagValues", values("x", "float"))
        .await;
    assert_eq!(status, 400);
    assert_eq!(
        r["errors"][0]["msg"],
        "tag keys type float is not supported"
    );
    let (status, r) = srv
        .post(&token, "/api/v1/getTagValues", window(t0, json!({})))
        .await;
    assert_eq!(status, 400);
    assert_eq!(r["errors"][0]["msg"], "TagKey param missing in query");
    srv.stop().await;
}

#[tokio::test]
async fn access_and_bad_input() {
    let srv = TestServer::start().await;
    let admin = srv.admin_token().await;
    let viewer = srv.viewer_token().await;
    let t0 = seed(&srv).await;
    let routes = [
        "/api/v1/getFilteredSpans",
        "/api/v1/getFilteredSpans/aggregates",
        "/api/v1/getSpanFilters",
        "/api/v1/getTagFilters",
        "/api/v1/getTagValues",
    ];
    for path in routes {
        let r = srv
            .request("POST", "", path)
            .json(&window(t0, json!({})))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 401, "{path}");
    }
    let (status, r) = srv
        .post(&viewer, "/api/v1/getFilteredSpans", window(t0, json!({})))
        .await;
    assert_eq!((status, r["totalSpans"].clone()), (200, json!(3)));
    let (status, _) = srv
        .post(
            &viewer,
            "/api/v1/getFilteredSpans/aggregates",
            window(t0, json!({"function": "count", "step": 60})),
        )
        .await;
    assert_eq!(status, 200);

    let too_many: Vec<String> = (0..1001).map(|n| n.to_string()).collect();
    let bad = [
        (json!({"start": "abc", "end": "2"}), "start param"),
        (json!({"start": "1"}), "end param missing"),
        (
            json!({"start": "5", "end": "2"}),
            "end must not be before start",
        ),
        (window(t0, json!({"limit": -1})), "must not be negative"),
        (
            window(t0, json!({"order": "sideways", "orderParam": "duration"})),
            "order param is not in correct format",
        ),
        (
            window(t0, json!({"order": "ascending", "orderParam": "name"})),
            "order param is not in correct format",
        ),
        (window(t0, json!({"minDuration": "1ms"})), "minDuration"),
        (window(t0, json!({"spanKind": "server"})), "spanKind"),
        (window(t0, json!({"serviceName": "checkout"})), "decoding"),
        (window(t0, json!({"serviceName": too_many})), "too many"),
        (
            window(
                t0,
                json!({"tags": [{"Key": "a.(string)", "Operator": "Bogus", "StringValues": ["x"]}]}),
            ),
            "unsupported tag operator",
        ),
    ];
    for (body, msg) in bad {
        let r = srv
            .request("POST", &admin, "/api/v1/getFilteredSpans")
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 400, "{body}");
        assert!(r
            .headers()
            .get("content-type")
            .unwrap()
            .to_str()
            .unwrap()
            .starts_with("text/plain"));
        let v: Value = r.json().await.unwrap();
        assert_eq!(v["errors"][0]["code"], 400);
        let text = v["errors"][0]["msg"].as_str().unwrap();
        assert!(text.contains(msg), "{body}: {text}");
    }
    // Not JSON at all.
    let r = srv
        .request("POST", &admin, "/api/v1/getSpanFilters")
        .header("content-type", "application/json")
        .body("{")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);

    let r = srv
        .request("GET", "", "/api/v1/disks")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    let (status, disks) = srv.get(&viewer, "/api/v1/disks").await;
    assert_eq!(status, 200);
    assert_eq!(disks, json!([{"name": "default", "type": "local"}]));
    srv.stop().await;
}

#[tokio::test]
async fn query_range_format_and_configs() {
    let srv = TestServer::start().await;
    let _admin = srv.admin_token().await;
    let viewer = srv.viewer_token().await;
    let body = json!({"start": 1_700_000_000_000i64, "end": 1_700_000_900_000i64, "step": 60,
        "variables": {"svc": ["a", "b"], "env": "prod"}, "dataSource": "kept",
        "compositeQuery": {"queryType": "builder", "panelType": "graph", "fillGaps": true,
            "builderQueries": {"A": {"queryName": "A", "expression": "A", "dataSource": "traces",
                "aggregateOperator": "count", "stepInterval": 60, "functions": [],
                "filters": {"op": "AND", "items": [
                    {"key": {"key": "serviceName", "dataType": "string", "type": "tag", "isColumn": true}, "op": "=", "value": "{{.svc}}", "id": "x1"},
                    {"key": {"key": "deployment.environment", "type": "resource"}, "op": "=", "value": "{{.env}}"}]}}}}});
    let (status, r) = srv.post(&viewer, "/api/v3/query_range/format", body).await;
    assert_eq!(status, 200, "{r}");
    assert_eq!(r["status"], "success");
    let d = &r["data"];
    let items = &d["compositeQuery"]["builderQueries"]["A"]["filters"]["items"];
    assert_eq!(items[0]["value"], json!(["a", "b"]));
    assert_eq!(items[0]["op"], "in");
    assert_eq!(items[0]["id"], "x1");
    assert_eq!(items[1]["value"], "prod");
    assert_eq!(d["variables"], json!({}));
    assert_eq!(d["dataSource"], "kept");
    assert_eq!(d["compositeQuery"]["fillGaps"], true);

    let prom = json!({"start": 1_700_000_000_000i64, "end": 1_700_000_900_000i64, "step": 60,
        "variables": {"job": "api", "hosts": ["h1", "h2"]},
        "compositeQuery": {"queryType": "promql", "panelType": "graph",
            "promQueries": {"A": {"query": "up{job=\"{{.job}}\", host=~\"$hosts\"}", "disabled": false, "name": "A"}}}});
    let (status, r) = srv.post(&viewer, "/api/v3/query_range/format", prom).await;
    assert_eq!(status, 200, "{r}");
    assert_eq!(
        r["data"]["compositeQuery"]["promQueries"]["A"]["query"],
        "up{job=\"api\", host=~\"h1|h2\"}"
    );
    assert_eq!(
        r["data"]["variables"],
        json!({"job": "api", "hosts": "h1|h2"})
    );

    let ch = json!({"start": 1_700_000_000_000i64, "end": 1_700_000_900_000i64,
        "variables": {"svc": ["a", "b'"]},
        "compositeQuery": {"queryType": "clickhouse_sql", "panelType": "table",
            "chQueries": {"A": {"query": "SELECT 1 WHERE serviceName IN {{.svc}}", "disabled": false}}}});
    let (status, r) = srv.post(&viewer, "/api/v3/query_range/format", ch).await;
    assert_eq!(status, 200, "{r}");
    assert_eq!(
        r["data"]["compositeQuery"]["chQueries"]["A"]["query"],
        "SELECT 1 WHERE serviceName IN ['a','b\\'']"
    );

    for bad in [
        json!([1]),
        json!({"start": 1, "end": 2, "compositeQuery": {"queryType": "builder", "panelType": "graph", "builderQueries": {}}}),
        json!({"start": 1, "end": 2, "compositeQuery": {"queryType": "sql"}}),
        json!({"start": 1, "end": 2, "compositeQuery": {"queryType": "promql", "panelType": "graph"}}),
    ] {
        let (status, r) = srv
            .post(&viewer, "/api/v3/query_range/format", bad.clone())
            .await;
        assert_eq!(status, 400, "{bad}");
        assert_eq!(r["errorType"], "bad_data");
    }
    let r = srv
        .request("POST", "", "/api/v3/query_range/format")
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);

    // Open, and the offline answer of v0.39 (its built-in help menu).
    let c = srv.get_open("/api/v1/configs").await;
    assert_eq!(c["status"], "success");
    let help = &c["data"]["helpConfig"];
    assert_eq!(help["enabled"], true);
    assert_eq!(help["frontendPositionId"], "tooltip");
    assert_eq!(help["components"].as_array().unwrap().len(), 3);
    assert_eq!(
        help["components"][2],
        json!({"text": "Read the docs", "position": 3, "darkIcon": "FileTextOutlined",
            "lightIcon": "FileTextFilled", "href": "https://signoz.io/docs"})
    );
    srv.stop().await;
}
