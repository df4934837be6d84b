//! GET /api/v1/traces/{id}/compact against a real server: its newline-delimited chunks,
//! expanded back into 12-column rows, equal the v0.39 route's reply for the same trace, row for row.

mod common;

use common::*;
use opentelemetry_proto::tonic::trace::v1::span;
use serde_json::{json, Value};

/// The reply's lines as one object: the head's fields, every chunk's strings and rows joined,
/// and the end line's count.
fn join(body: &str) -> Value {
    assert!(body.ends_with('\n'), "every line ends with a newline");
    let mut lines = body
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap());
    let mut all = lines.next().unwrap();
    let (mut strings, mut spans) = (Vec::new(), Vec::new());
    for l in lines {
        if let Some(n) = l.get("end") {
            all["end"] = n.clone();
            continue;
        }
        assert!(all.get("end").is_none(), "nothing after the end line");
        strings.extend(l["strings"].as_array().unwrap().iter().cloned());
        spans.extend(l["spans"].as_array().unwrap().iter().cloned());
    }
    all["strings"] = Value::Array(strings);
    all["spans"] = Value::Array(spans);
    all
}

/// The compact reply written out as the v0.39 route's rows.
fn expand(compact: &Value) -> Vec<Value> {
    let trace_id = compact["traceId"].as_str().unwrap();
    let strings = compact["strings"].as_array().unwrap();
    let spans = compact["spans"].as_array().unwrap();
    let text = |v: &Value| strings[v.as_u64().unwrap() as usize].clone();
    spans
        .iter()
        .map(|r| {
            let parent = r[8].as_i64().unwrap();
            let refs = if parent >= 0 {
                let p = spans[parent as usize][1].as_str().unwrap();
                json!([format!(
                    "{{TraceId={trace_id}, SpanId={p}, RefType=CHILD_OF}}"
                )])
            } else {
                r[9].clone()
            };
            let ids =
                |v: &Value| -> Vec<Value> { v.as_array().unwrap().iter().map(text).collect() };
            json!([
                r[0],
                r[1],
                trace_id,
                text(&r[2]),
                text(&r[3]),
                r[4].to_string(),
                r[5].to_string(),
                ids(&r[6]),
                ids(&r[7]),
                refs,
                r[10],
                r[11]
            ])
        })
        .collect()
}

#[tokio::test]
async fn compact_reply_holds_the_same_spans_as_the_v039_route() {
    let srv = TestServer::start().await;
    let token = srv.admin_token().await;
    let t0 = now_ns() - 60_000_000_000;
    let root = SpanSpec::new(7, 1, "GET /cart", t0, 9_000_000);
    let mut child =
        SpanSpec::new(7, 2, "SELECT \"cart\"\n", t0 + 1_000_000, 2_000_000).child_of(&root);
    child.attrs = vec![
        kv("db.system", s("sqlite")),
        kv("rows", i(3)),
        kv("quote", s("a\"b\\c")),
    ];
    child.error = true;
    child.events = vec![span::Event {
        time_unix_nano: t0 + 1_500_000,
        name: "exception".into(),
        attributes: vec![kv("exception.message", s("boom"))],
        ..Default::default()
    }];
    // Its parent was never sent: the reference stays as stored text.
    let mut orphan = SpanSpec::new(7, 3, "late", t0 + 2_000_000, 1_000);
    orphan.parent = Some([9; 8]);
    let grandchild = SpanSpec::new(7, 4, "GET /cart", t0 + 500_000, 500).child_of(&child);
    assert_eq!(
        srv.send_traces(&request("frontend", std::slice::from_ref(&root)))
            .await
            .status(),
        200
    );
    assert_eq!(
        srv.send_traces(&request("cart", &[child, orphan, grandchild]))
            .await
            .status(),
        200
    );

    let trace_id = hex::encode(root.trace);
    let (status, v039) = srv.get(&token, &format!("/api/v1/traces/{trace_id}")).await;
    assert_eq!(status, 200);
    let r = srv
        .http
        .get(format!(
            "{}/api/v1/traces/{}/compact",
            srv.api,
            trace_id.to_uppercase()
        ))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["x-trace-format"], "compact-2");
    let compact = join(&r.text().await.unwrap());
    assert_eq!(compact["format"], "compact-2");
    assert_eq!(compact["total"], 4);
    assert_eq!(compact["end"], 4);
    let rows = v039[0]["events"].as_array().unwrap();
    assert_eq!(rows.len(), 4);
    assert_eq!(&expand(&compact), rows);
    // Parents by row index where the reference is a plain in-trace CHILD_OF to an earlier row,
    // text otherwise (the grandchild starts before its parent).
    let parents: Vec<i64> = compact["spans"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r[8].as_i64().unwrap())
        .collect();
    assert_eq!(parents, [-1, -1, 0, -1]);
    // Repeated strings are sent once.
    let strings = compact["strings"].as_array().unwrap();
    assert_eq!(strings.iter().filter(|s| *s == "GET /cart").count(), 1);

    let none = srv
        .request(
            "GET",
            &token,
            "/api/v1/traces/00000000000000000000000000000099/compact",
        )
        .send()
        .await
        .unwrap();
    assert_eq!(none.status(), 200);
    let none = none.text().await.unwrap();
    let lines: Vec<Value> = none
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2, "{none}");
    assert_eq!(lines[0]["total"], 0);
    assert_eq!(lines[1], json!({"end": 0}));
    srv.stop().await;
}

#[tokio::test]
async fn compact_reply_needs_a_login() {
    let srv = TestServer::start().await;
    let r = srv
        .http
        .get(format!("{}/api/v1/traces/ab/compact", srv.api))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    srv.stop().await;
}

#[tokio::test]
async fn a_large_trace_comes_in_chunks_the_first_one_small() {
    let srv = TestServer::start().await;
    let token = srv.admin_token().await;
    let t0 = now_ns() - 60_000_000_000;
    let root = SpanSpec::new(8, 0, "root", t0, 10_000_000);
    let mut spans = vec![root.clone()];
    for k in 1..2500u32 {
        let mut s = SpanSpec::new(8, 0, &format!("op {}", k % 7), t0 + k as u64 * 1000, 500)
            .child_of(&root);
        s.id[5..8].copy_from_slice(&k.to_be_bytes()[1..]);
        spans.push(s);
    }
    assert_eq!(srv.send_traces(&request("big", &spans)).await.status(), 200);
    let trace_id = hex::encode(root.trace);
    let body = srv
        .request("GET", &token, &format!("/api/v1/traces/{trace_id}/compact"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let lines: Vec<Value> = body
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines[0]["total"], 2500);
    // The first chunk has 1 000 rows, each later one up to the byte chunk size.
    assert_eq!(lines[1]["spans"].as_array().unwrap().len(), 1000);
    let all = join(&body);
    assert_eq!(all["spans"].as_array().unwrap().len(), 2500);
    assert_eq!(all["end"], 2500);
    // Every row after the root names it by row index; its strings came in an earlier chunk.
    assert!(all["spans"].as_array().unwrap()[1..]
        .iter()
        .all(|r| r[8] == 0));
    srv.stop().await;
}
