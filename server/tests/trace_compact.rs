//! GET /api/v1/traces/{id}/compact against a real server: expanded back into 12-column rows
//! it equals the v0.39 route's reply for the same trace, row for row.

mod common;

use common::*;
use opentelemetry_proto::tonic::trace::v1::span;
use serde_json::{json, Value};

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
    assert_eq!(r.headers()["x-trace-format"], "compact-1");
    let compact: Value = r.json().await.unwrap();
    assert_eq!(compact["format"], "compact-1");
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

    let (status, none) = srv
        .get(
            &token,
            "/api/v1/traces/00000000000000000000000000000099/compact",
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(none["spans"], json!([]));
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
