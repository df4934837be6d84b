//! SigNoz v0.39's v1 logs API over real HTTP: `/api/v1/logs` with the `q` search language
//! and id paging, `/fields` (GET and POST), `/aggregate` and the SSE `/tail`, with logs
//! ingested over OTLP/HTTP.

mod common;

use std::time::{Duration, Instant};

use common::*;
use serde_json::{json, Value};

const MIN: u64 = 60_000_000_000;

async fn post_logs(srv: &TestServer, body: &Value) {
    let r = srv
        .http
        .post(format!("{}/v1/logs", srv.otlp))
        .json(body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
}

/// One log of `service` at `t` (ns) with a page, a byte count and a latency.
fn record(service: &str, t: u64, sev: (&str, u8), body: &str, page: &str, bytes: i64) -> Value {
    json!({"resource": {"attributes": [{"key": "service.name", "value": {"stringValue": service}}]},
        "scopeLogs": [{"logRecords": [{"timeUnixNano": t.to_string(), "severityText": sev.0,
        "severityNumber": sev.1, "body": {"stringValue": body}, "attributes": [
            {"key": "page", "value": {"stringValue": page}},
            {"key": "bytes", "value": {"intValue": bytes.to_string()}},
            {"key": "latency", "value": {"doubleValue": 1.5}},
            {"key": "cached", "value": {"boolValue": true}}]}]}]})
}

/// Five logs one second apart in one minute, a sixth two minutes later. Returns the minute.
async fn seed(srv: &TestServer) -> u64 {
    let t0 = (now_ns() / MIN) * MIN - 10 * MIN;
    let info = ("INFO", 9);
    let logs = [
        record("web", t0, info, "user login ok", "/cart", 512),
        record(
            "pay",
            t0 + 1_000_000_000,
            ("ERROR", 17),
            "payment failed: card declined",
            "/checkout",
            2048,
        ),
        record("web", t0 + 2_000_000_000, info, "it's quoted", "/home", 10),
        record("api", t0 + 3_000_000_000, info, "100% done_x", "/cart", 99),
        record(
            "api",
            t0 + 4_000_000_000,
            ("WARN", 13),
            "slow request",
            "/search",
            700,
        ),
        record("web", t0 + 2 * MIN, info, "later login", "/cart", 1),
    ];
    post_logs(srv, &json!({"resourceLogs": logs})).await;
    t0
}

fn bodies(v: &Value) -> Vec<String> {
    v["results"]
        .as_array()
        .unwrap_or_else(|| panic!("no results in {v}"))
        .iter()
        .map(|r| r["body"].as_str().unwrap().to_string())
        .collect()
}

async fn search(srv: &TestServer, token: &str, q: &str, extra: &str) -> (u16, Value) {
    srv.get(token, &format!("/api/v1/logs?q={}{extra}", url_encode(q)))
        .await
}

#[tokio::test]
async fn list_shape_search_language_and_paging() {
    let srv = TestServer::start().await;
    let token = srv.admin_token().await;
    let viewer = srv.viewer_token().await;
    let t0 = seed(&srv).await;

    // Shape: SignozLog rows under `results`, newest first, 30 by default.
    let (status, v) = srv.get(&viewer, "/api/v1/logs").await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(
        bodies(&v),
        [
            "later login",
            "slow request",
            "100% done_x",
            "it's quoted",
            "payment failed: card declined",
            "user login ok"
        ]
    );
    let row = &v["results"][5];
    assert_eq!(row["timestamp"], t0);
    assert!(row["id"].as_str().unwrap().len() > 10);
    assert_eq!(row["severity_text"], "INFO");
    assert_eq!(row["severity_number"], 9);
    assert_eq!(row["trace_flags"], 0);
    assert_eq!(row["resources_string"]["service.name"], "web");
    assert_eq!(row["attributes_string"]["page"], "/cart");
    assert_eq!(row["attributes_int"]["bytes"], 512);
    assert_eq!(row["attributes_float"]["latency"], 1.5);
    assert_eq!(row["attributes_bool"]["cached"], true);
    for k in ["trace_id", "span_id", "body"] {
        assert!(row[k].is_string(), "{k}");
    }

    // The q language.
    let cases: &[(&str, &[&str])] = &[
        (
            "service.name IN ('pay', 'api')",
            &[
                "slow request",
                "100% done_x",
                "payment failed: card declined",
            ],
        ),
        (
            "service.name nin ('web','api')",
            &["payment failed: card declined"],
        ),
        ("body CONTAINS 'LOGIN'", &["later login", "user login ok"]),
        (
            "body ncontains 'login' AND page IN ('/cart')",
            &["100% done_x"],
        ),
        ("fulltext contains '100%'", &["100% done_x"]),
        ("body contains 'done_'", &["100% done_x"]),
        ("body contains 'it\\'s'", &["it's quoted"]),
        (
            "bytes gt 512",
            &["slow request", "payment failed: card declined"],
        ),
        (
            "bytes GTE 512 and bytes lt 2048",
            &["slow request", "user login ok"],
        ),
        ("bytes lte 10", &["later login", "it's quoted"]),
        ("bytes > 600 AND service.name IN ('api')", &["slow request"]),
        (
            "severity_number gt 9 AND severity_text IN ('ERROR')",
            &["payment failed: card declined"],
        ),
        // AND binds tighter than OR.
        (
            "page in ('/home') OR service.name in ('pay') and bytes lt 100",
            &["it's quoted"],
        ),
        (
            "page exists and bytes lt 11",
            &["later login", "it's quoted"],
        ),
        (
            "latency exists AND bytes gt 1000",
            &["payment failed: card declined"],
        ),
        ("cached nexists", &[]),
        ("card declined", &["payment failed: card declined"]),
        // Text that is no condition at all is a body search, with every value bound.
        ("'; DROP TABLE logs; --", &[]),
    ];
    for (q, want) in cases {
        let (status, v) = search(&srv, &viewer, q, "").await;
        assert_eq!(status, 200, "{q}: {v}");
        assert_eq!(bodies(&v), *want, "{q}");
    }

    // Bad syntax and unknown fields: 400 in v0.39's words, and nothing runs.
    for (q, msg) in [
        (
            "page in ('/cart') garbage",
            "failed to parse query, contains unknown tokens",
        ),
        (
            "page in ('/cart') OR 1=1; DROP TABLE logs",
            "failed to parse query, contains unknown tokens",
        ),
        (
            "page in ('/cart') AND x in ('y'",
            "failed to parse query, contains unknown tokens",
        ),
        ("nosuch in ('x')", "field not found for filtering"),
        (
            "page in ('/cart') OR 1 = 1",
            "field not found for filtering",
        ),
    ] {
        let (status, v) = search(&srv, &token, q, "").await;
        assert_eq!(status, 400, "{q}: {v}");
        assert_eq!(v["status"], "error");
        assert_eq!(v["errorType"], "bad_data");
        assert_eq!(v["error"], msg, "{q}");
    }
    // Hostile or broken text never reaches SQL as SQL: each answer is 200 or 400, never 500.
    for q in [
        "body contains '%' OR '1'='1'",
        "body contains '\\'",
        "page in ()",
        "page in (')",
        "page in ('a',,'b')",
        "page gt",
        "page gt '' ; --",
        "attrs) OR 1 IN (1",
        "x\u{0}y in ('a')",
        "((((((((((",
        "' OR 1=1 --",
        "page in ('a') AND AND page in ('b')",
        "page contains 'a' or",
        "page.. gt 1e999",
        "bytes gt 9999999999999999999999",
        "ts in (SELECT 1)",
        "page regex '(unclosed'",
    ] {
        let (status, v) = search(&srv, &token, q, "").await;
        assert!(status == 200 || status == 400, "{q}: {status} {v}");
    }
    let (_, v) = srv.get(&token, "/api/v1/logs").await;
    assert_eq!(bodies(&v).len(), 6, "the table is intact");

    // Params: limit, order, time window; bad values are 400.
    let (_, v) = srv.get(&token, "/api/v1/logs?limit=2&order=asc").await;
    assert_eq!(
        bodies(&v),
        ["user login ok", "payment failed: card declined"]
    );
    let (_, v) = srv
        .get(
            &token,
            &format!(
                "/api/v1/logs?timestampStart={}&timestampEnd={}",
                t0 + 1_000_000_000,
                t0 + 3_000_000_000
            ),
        )
        .await;
    assert_eq!(
        bodies(&v),
        [
            "100% done_x",
            "it's quoted",
            "payment failed: card declined"
        ]
    );
    let (_, v) = srv.get(&token, "/api/v1/logs?limit=100000").await;
    assert_eq!(bodies(&v).len(), 6, "a big limit is capped, not refused");
    for bad in [
        "limit=x",
        "limit=-1",
        "order=sideways",
        "orderBy=attrs) --",
        "timestampStart=yesterday",
    ] {
        let (status, v) = srv.get(&token, &format!("/api/v1/logs?{bad}")).await;
        assert_eq!(status, 400, "{bad}: {v}");
    }

    // Paging by id: idLt continues a newest-first list; idGt goes back to the page before.
    let (_, page1) = srv.get(&token, "/api/v1/logs?limit=2").await;
    assert_eq!(bodies(&page1), ["later login", "slow request"]);
    let last = page1["results"][1]["id"].as_str().unwrap();
    let (_, page2) = srv
        .get(&token, &format!("/api/v1/logs?limit=2&idLt={last}"))
        .await;
    assert_eq!(bodies(&page2), ["100% done_x", "it's quoted"]);
    let first = page2["results"][0]["id"].as_str().unwrap();
    let (_, back) = srv
        .get(&token, &format!("/api/v1/logs?limit=2&idGt={first}"))
        .await;
    assert_eq!(bodies(&back), bodies(&page1), "previous page, newest first");
    let (_, v) = srv
        .get(
            &token,
            &format!("/api/v1/logs?limit=2&order=asc&idLt={first}"),
        )
        .await;
    assert_eq!(
        bodies(&v),
        ["payment failed: card declined", "it's quoted"],
        "asc + idLt reads the page before, oldest first"
    );

    // No token: 401.
    let r = srv.request("GET", "", "/api/v1/logs").send().await.unwrap();
    assert_eq!(r.status(), 401);
    srv.stop().await;
}

#[tokio::test]
async fn aggregate_counts_per_bucket_and_group() {
    let srv = TestServer::start().await;
    srv.admin_token().await;
    let viewer = srv.viewer_token().await;
    let t0 = seed(&srv).await;
    let window = format!("timestampStart={}&timestampEnd={}", t0, t0 + 5 * MIN);

    let (status, v) = srv
        .get(&viewer, &format!("/api/v1/logs/aggregate?{window}&step=60"))
        .await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(
        v,
        json!({"items": {
            t0.to_string(): {"timestamp": t0, "value": 5.0},
            (t0 + 2 * MIN).to_string(): {"timestamp": t0 + 2 * MIN, "value": 1.0}}})
    );

    // Five-minute buckets, grouped by service, filtered by q.
    let (status, v) = srv
        .get(
            &viewer,
            &format!(
                "/api/v1/logs/aggregate?{window}&step=300&groupBy=service.name&q={}",
                url_encode("bytes lt 1000")
            ),
        )
        .await;
    assert_eq!(status, 200, "{v}");
    let b = (t0 / (5 * MIN)) * 5 * MIN;
    let items = v["items"].as_object().unwrap();
    let mut total = 0.0;
    for item in items.values() {
        assert!(
            item.get("value").is_none(),
            "grouped items carry groupBy only"
        );
        for n in item["groupBy"].as_object().unwrap().values() {
            total += n.as_f64().unwrap();
        }
    }
    assert_eq!(total, 5.0, "{v}");
    assert!(items.contains_key(&b.to_string()), "{v}");

    // Other functions read a field.
    let (_, v) = srv
        .get(
            &viewer,
            &format!("/api/v1/logs/aggregate?{window}&step=600&function=max(bytes)"),
        )
        .await;
    let only = v["items"]
        .as_object()
        .unwrap()
        .values()
        .next()
        .unwrap()
        .clone();
    assert_eq!(only["value"], 2048.0, "{v}");

    for bad in [
        window.clone(),
        format!("timestampStart={t0}&step=60"),
        format!("{window}&step=60&function=sleep(1)"),
        format!("{window}&step=60&groupBy=nosuch"),
        format!("{window}&step=60&q={}", url_encode("page in ('x') junk")),
    ] {
        let (status, v) = srv
            .get(&viewer, &format!("/api/v1/logs/aggregate?{bad}"))
            .await;
        assert_eq!(status, 400, "{bad}: {v}");
    }
    srv.stop().await;
}

#[tokio::test]
async fn fields_round_trip_and_roles() {
    let srv = TestServer::start().await;
    let admin = srv.admin_token().await;
    let viewer = srv.viewer_token().await;
    seed(&srv).await;

    let (status, v) = srv.get(&viewer, "/api/v1/logs/fields").await;
    assert_eq!(status, 200, "{v}");
    let selected = v["selected"].as_array().unwrap();
    assert_eq!(selected.len(), 7, "the static fields");
    assert_eq!(
        selected[0],
        json!({"name": "timestamp", "dataType": "UInt32", "type": "static"})
    );
    let interesting = v["interesting"].as_array().unwrap();
    for f in [
        json!({"name": "bytes", "dataType": "Int64", "type": "attributes"}),
        json!({"name": "page", "dataType": "String", "type": "attributes"}),
        json!({"name": "service.name", "dataType": "String", "type": "resources"}),
    ] {
        assert!(interesting.contains(&f), "{f} in {v}");
    }

    let promote =
        json!({"name": "page", "dataType": "String", "type": "attributes", "selected": true});
    let (status, v) = srv
        .post(&viewer, "/api/v1/logs/fields", promote.clone())
        .await;
    assert_eq!(status, 403, "viewers may not change fields: {v}");
    let (status, v) = srv
        .post(&admin, "/api/v1/logs/fields", promote.clone())
        .await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["name"], "page");
    assert_eq!(v["selected"], true);
    let (_, v) = srv.get(&viewer, "/api/v1/logs/fields").await;
    let page = json!({"name": "page", "dataType": "String", "type": "attributes"});
    assert!(v["selected"].as_array().unwrap().contains(&page), "{v}");
    assert!(!v["interesting"].as_array().unwrap().contains(&page), "{v}");

    // Still there after a restart of the store? It is in SQLite: check the row directly.
    let n: i64 = srv
        .running
        .as_ref()
        .unwrap()
        .store
        .with_conn(|c| {
            c.query_row("SELECT COUNT(*) FROM log_selected_fields", [], |r| r.get(0))
                .map_err(|e| e.to_string())
        })
        .await
        .unwrap();
    assert_eq!(n, 1);

    let mut demote = promote.clone();
    demote["selected"] = json!(false);
    let (status, _) = srv.post(&admin, "/api/v1/logs/fields", demote).await;
    assert_eq!(status, 200);
    let (_, v) = srv.get(&viewer, "/api/v1/logs/fields").await;
    assert!(v["interesting"].as_array().unwrap().contains(&page), "{v}");
    assert_eq!(v["selected"].as_array().unwrap().len(), 7);

    for (body, msg) in [
        (
            json!({"name": "", "dataType": "String", "type": "attributes"}),
            "name cannot be empty",
        ),
        (
            json!({"name": "a", "dataType": "String", "type": "tag"}),
            "type tag not supported",
        ),
        (
            json!({"name": "a", "dataType": "", "type": "attributes"}),
            "dataType cannot be empty",
        ),
        (
            json!({"name": "a", "dataType": "String", "type": "attributes", "index": "drop()"}),
            "index type drop() not supported",
        ),
        (
            json!({"name": "id", "dataType": "String", "type": "static", "selected": true}),
            "cannot update static fields",
        ),
    ] {
        let (status, v) = srv.post(&admin, "/api/v1/logs/fields", body).await;
        assert_eq!(status, 400, "{v}");
        assert_eq!(v["error"], msg);
    }
    let r = srv
        .request("GET", "", "/api/v1/logs/fields")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    srv.stop().await;
}

#[tokio::test]
async fn tail_streams_new_matching_logs() {
    let srv = TestServer::start().await;
    srv.admin_token().await;
    let viewer = srv.viewer_token().await;
    let t0 = seed(&srv).await;
    let q = url_encode("page in ('/cart') AND bytes lt 1000");
    let url = format!("{}/api/v1/logs/tail?q={q}&timestampStart={}", srv.api, t0);

    let resp = srv.http.get(&url).send().await.unwrap();
    assert_eq!(resp.status(), 401);
    let resp = srv
        .http
        .get(&url)
        .bearer_auth(&viewer)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.headers()["content-type"], "text/event-stream");
    let mut events = SseEvents::new(resp);
    // The backlog since timestampStart, oldest first.
    for want in ["user login ok", "100% done_x", "later login"] {
        let e = events.next(Duration::from_secs(5)).await.expect("backlog");
        assert_eq!(e["body"], want);
    }
    let sent = Instant::now();
    let now = now_ns();
    post_logs(
        &srv,
        &json!({"resourceLogs": [
            record("web", now, ("INFO", 9), "not this one", "/home", 1),
            record("web", now + 1, ("INFO", 9), "live cart", "/cart", 5)]}),
    )
    .await;
    let e = events
        .next(Duration::from_secs(3))
        .await
        .expect("new log arrives");
    assert_eq!(e["body"], "live cart");
    assert_eq!(e["attributes_int"]["bytes"], 5);
    assert!(sent.elapsed() < Duration::from_secs(3));

    // idGt skips what the client has.
    let (_, v) = srv
        .get(&viewer, "/api/v1/logs?limit=1&order=asc&q=bytes%20lt%20100")
        .await;
    let id = v["results"][0]["id"].as_str().unwrap().to_string();
    let resp = srv
        .http
        .get(format!("{url}&idGt={id}"))
        .bearer_auth(&viewer)
        .send()
        .await
        .unwrap();
    let mut after = SseEvents::new(resp);
    let e = after.next(Duration::from_secs(5)).await.expect("backlog");
    assert_eq!(
        e["body"], "100% done_x",
        "the log with that id itself is left out"
    );
    drop(after);

    // A bad q is 400 before the stream opens.
    let resp = srv
        .http
        .get(format!(
            "{}/api/v1/logs/tail?q={}&Authorization=Bearer%20{viewer}",
            srv.api,
            url_encode("page in ('/cart') junk")
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 400);
    tokio::time::timeout(Duration::from_secs(10), srv.stop())
        .await
        .expect("shutdown ends open streams");
    drop(events);
}
