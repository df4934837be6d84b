//! The team over real HTTP: an invited user joins as Viewer and gets 403 on every write
//! route, the admin promotes them to Editor (who still cannot manage users), reset-password
//! tokens, deleting users; and retention per signal driving the retention job.

mod common;

use std::time::{Duration, Instant};

use common::{now_ns, request, SpanSpec, TestServer};
use serde_json::{json, Value};

async fn send(
    srv: &TestServer,
    token: &str,
    method: &str,
    path: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let mut b = srv.request(method, token, path);
    if let Some(body) = body {
        b = b.json(&body);
    }
    let r = b.send().await.unwrap();
    let status = r.status().as_u16();
    let text = r.text().await.unwrap();
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

/// Every route that changes something, with a body good enough to pass validation, so a
/// 403 can only come from the role check.
fn write_routes(
    admin_id: &str,
    org_id: &str,
    ids: &Value,
) -> Vec<(&'static str, String, Option<Value>)> {
    let rule = json!({"alert": "r", "condition": {"compositeQuery": {"queryType": "builder", "panelType": "graph",
        "builderQueries": {"A": {"queryName": "A", "expression": "A", "dataSource": "traces", "aggregateOperator": "count", "stepInterval": 60}}},
        "op": "1", "target": 1, "matchType": "1", "selectedQueryName": "A"}});
    let channel = json!({"name": "c2", "webhook_configs": [{"url": "http://127.0.0.1:9/"}]});
    let mute = json!({"name": "m", "startsAt": 0, "endsAt": 1});
    let (rule_id, channel_id, dash, view, mute_id) = (
        ids["rule"].as_str().unwrap(),
        ids["channel"].as_i64().unwrap(),
        ids["dashboard"].as_str().unwrap(),
        ids["view"].as_str().unwrap(),
        ids["mute"].as_str().unwrap(),
    );
    vec![
        ("POST", "/api/v1/rules".into(), Some(rule.clone())),
        (
            "PUT",
            format!("/api/v1/rules/{rule_id}"),
            Some(rule.clone()),
        ),
        (
            "PATCH",
            format!("/api/v1/rules/{rule_id}"),
            Some(json!({"disabled": true})),
        ),
        ("DELETE", format!("/api/v1/rules/{rule_id}"), None),
        ("POST", "/api/v1/testRule".into(), Some(rule)),
        ("POST", "/api/v1/channels".into(), Some(channel.clone())),
        (
            "PUT",
            format!("/api/v1/channels/{channel_id}"),
            Some(channel.clone()),
        ),
        ("DELETE", format!("/api/v1/channels/{channel_id}"), None),
        ("POST", "/api/v1/testChannel".into(), Some(channel)),
        ("POST", "/api/v1/mutes".into(), Some(mute.clone())),
        ("PUT", format!("/api/v1/mutes/{mute_id}"), Some(mute)),
        ("DELETE", format!("/api/v1/mutes/{mute_id}"), None),
        (
            "POST",
            "/api/v1/dashboards".into(),
            Some(json!({"title": "d"})),
        ),
        (
            "PUT",
            format!("/api/v1/dashboards/{dash}"),
            Some(json!({"title": "d"})),
        ),
        ("DELETE", format!("/api/v1/dashboards/{dash}"), None),
        ("POST", "/api/v1/explorer/views".into(), Some(view_body())),
        (
            "PUT",
            format!("/api/v1/explorer/views/{view}"),
            Some(json!({"name": "v2"})),
        ),
        ("DELETE", format!("/api/v1/explorer/views/{view}"), None),
        (
            "POST",
            "/api/v1/settings/apdex".into(),
            Some(json!({"serviceName": "s", "threshold": 0.5, "excludeStatusCodes": ""})),
        ),
        (
            "POST",
            "/api/v1/settings/ttl?type=traces&duration=24h".into(),
            None,
        ),
        (
            "POST",
            "/api/v1/invite".into(),
            Some(json!({"name": "x", "email": "x@example.com", "role": "VIEWER"})),
        ),
        ("DELETE", "/api/v1/invite/pending@example.com".into(), None),
        (
            "PUT",
            format!("/api/v1/rbac/role/{admin_id}"),
            Some(json!({"group_name": "VIEWER"})),
        ),
        ("DELETE", format!("/api/v1/user/{admin_id}"), None),
        (
            "PUT",
            format!("/api/v1/user/{admin_id}"),
            Some(json!({"name": "pwned"})),
        ),
        (
            "PATCH",
            format!("/api/v1/user/{admin_id}/flags"),
            Some(json!({"k": "v"})),
        ),
        (
            "POST",
            format!("/api/v1/changePassword/{admin_id}"),
            Some(json!({"oldPassword": "s3cret-pass", "newPassword": "whatever-123"})),
        ),
        (
            "PUT",
            format!("/api/v1/org/{org_id}"),
            Some(json!({"name": "pwned"})),
        ),
        (
            "GET",
            format!("/api/v1/getResetPasswordToken/{admin_id}"),
            None,
        ),
        ("GET", format!("/api/v1/orgUsers/{org_id}"), None),
        ("GET", "/api/v1/invite".into(), None),
    ]
}

fn view_body() -> Value {
    json!({"name": "v", "sourcePage": "traces", "compositeQuery": {"queryType": "builder", "panelType": "list",
        "builderQueries": {"A": {"queryName": "A", "expression": "A", "dataSource": "traces"}}}})
}

/// Routes an editor may use (the rest of `write_routes` manage users or settings).
const EDITOR_OK: &[&str] = &[
    "/api/v1/rules",
    "/api/v1/channels",
    "/api/v1/testRule",
    "/api/v1/mutes",
    "/api/v1/dashboards",
    "/api/v1/explorer/views",
    "/api/v1/testChannel",
];

#[tokio::test]
async fn invited_viewer_cannot_write_and_a_promoted_editor_cannot_manage_users() {
    let srv = TestServer::start().await;
    let admin = srv.admin_token().await;
    let me = srv.login("ada@example.com", "s3cret-pass").await;
    let admin_id = me["userId"].as_str().unwrap().to_string();
    let (_, user) = send(
        &srv,
        &admin,
        "GET",
        &format!("/api/v1/user/{admin_id}"),
        None,
    )
    .await;
    let org_id = user["orgId"].as_str().unwrap().to_string();

    // Things to try to change.
    let (_, r) = send(
        &srv,
        &admin,
        "POST",
        "/api/v1/rules",
        Some(
            write_routes(
                "",
                "",
                &json!({"rule":"0","channel":0,"dashboard":"","view":"","mute":""}),
            )[0]
            .2
            .clone()
            .unwrap(),
        ),
    )
    .await;
    let rule = r["data"]["id"].as_str().unwrap().to_string();
    let (s, _) = send(
        &srv,
        &admin,
        "POST",
        "/api/v1/channels",
        Some(json!({"name": "c1", "webhook_configs": [{"url": "http://127.0.0.1:9/"}]})),
    )
    .await;
    assert_eq!(s, 200);
    let (_, chans) = send(&srv, &admin, "GET", "/api/v1/channels", None).await;
    let (_, d) = send(
        &srv,
        &admin,
        "POST",
        "/api/v1/dashboards",
        Some(json!({"title": "t"})),
    )
    .await;
    let (_, v) = send(
        &srv,
        &admin,
        "POST",
        "/api/v1/explorer/views",
        Some(view_body()),
    )
    .await;
    let (_, m) = send(
        &srv,
        &admin,
        "POST",
        "/api/v1/mutes",
        Some(json!({"name": "m", "startsAt": 0, "endsAt": 1})),
    )
    .await;
    let ids = json!({"rule": rule, "channel": chans["data"][0]["id"], "dashboard": d["data"]["uuid"],
        "view": v["data"], "mute": m["data"]["id"]});
    let (s, _) = send(
        &srv,
        &admin,
        "POST",
        "/api/v1/invite",
        Some(json!({"name": "P", "email": "pending@example.com", "role": "EDITOR"})),
    )
    .await;
    assert_eq!(s, 200);

    // Invite, look it up without a token (the signup page), register with it.
    let (s, inv) = send(&srv, &admin, "POST", "/api/v1/invite",
        Some(json!({"name": "Bob", "email": "bob@example.com", "role": "VIEWER", "frontendBaseUrl": "http://x/"}))).await;
    assert_eq!(s, 200, "{inv}");
    assert_eq!(inv["email"], "bob@example.com");
    let invite_token = inv["inviteToken"].as_str().unwrap().to_string();
    let (s, pending) = send(&srv, &admin, "GET", "/api/v1/invite", None).await;
    assert_eq!(s, 200);
    assert_eq!(pending.as_array().unwrap().len(), 2);
    let (s, details) = send(
        &srv,
        "",
        "GET",
        &format!("/api/v1/invite/{invite_token}"),
        None,
    )
    .await;
    assert_eq!(s, 200, "{details}");
    assert_eq!(details["role"], "VIEWER");
    assert_eq!(details["organization"], "acme");
    let (s, body) = send(&srv, "", "POST", "/api/v1/register",
        Some(json!({"name": "Bob", "email": "mallory@example.com", "password": "bob-password", "token": invite_token}))).await;
    assert_eq!(s, 400, "another email cannot use the invite: {body}");
    let (s, body) = send(&srv, "", "POST", "/api/v1/register",
        Some(json!({"name": "Bob", "email": "bob@example.com", "password": "bob-password", "token": invite_token}))).await;
    assert_eq!(s, 200, "{body}");
    let (s, _) = send(&srv, "", "POST", "/api/v1/register",
        Some(json!({"name": "Bob", "email": "bob2@example.com", "password": "bob-password", "token": invite_token}))).await;
    assert_eq!(s, 400, "an invite works once");
    let bob = srv.login("bob@example.com", "bob-password").await;
    let bob_id = bob["userId"].as_str().unwrap().to_string();
    let viewer = bob["accessJwt"].as_str().unwrap().to_string();

    // The viewer reads everything and changes nothing.
    for path in [
        "/api/v1/rules",
        "/api/v1/channels",
        "/api/v1/alerts",
        "/api/v1/mutes",
        "/api/v1/dashboards",
        "/api/v1/settings/ttl?type=logs",
        &format!("/api/v1/rules/{rule}/history"),
    ] {
        let (s, body) = send(&srv, &viewer, "GET", path, None).await;
        assert_eq!(s, 200, "{path}: {body}");
    }
    for (method, path, body) in write_routes(&admin_id, &org_id, &ids) {
        let (s, reply) = send(&srv, &viewer, method, &path, body).await;
        assert_eq!(s, 403, "viewer {method} {path}: {reply}");
    }
    let (s, _) = send(
        &srv,
        &viewer,
        "PUT",
        &format!("/api/v1/user/{bob_id}"),
        Some(json!({"name": "Robert"})),
    )
    .await;
    assert_eq!(s, 200, "a viewer edits their own profile");

    // Promoted to Editor: may change alerting and dashboards, still not users or settings.
    let (s, body) = send(
        &srv,
        &admin,
        "PUT",
        &format!("/api/v1/rbac/role/{bob_id}"),
        Some(json!({"group_name": "EDITOR"})),
    )
    .await;
    assert_eq!(s, 200, "{body}");
    assert_eq!(body["data"], "user group updated successfully");
    let (_, role) = send(
        &srv,
        &viewer,
        "GET",
        &format!("/api/v1/rbac/role/{bob_id}"),
        None,
    )
    .await;
    assert_eq!(role, json!({"user_id": bob_id, "group_name": "EDITOR"}));
    for (method, path, body) in write_routes(&admin_id, &org_id, &ids) {
        let (s, reply) = send(&srv, &viewer, method, &path, body).await;
        let base = path.split('?').next().unwrap();
        let editor_may = EDITOR_OK
            .iter()
            .any(|p| base == *p || base.starts_with(&format!("{p}/")))
            && !(base.starts_with("/api/v1/channels/"));
        if editor_may {
            assert_ne!(s, 403, "editor {method} {path}: {reply}");
        } else {
            assert_eq!(s, 403, "editor {method} {path}: {reply}");
        }
    }

    // Members, reset password, delete; the last admin stays.
    let (s, members) = send(
        &srv,
        &admin,
        "GET",
        &format!("/api/v1/orgUsers/{org_id}"),
        None,
    )
    .await;
    assert_eq!(s, 200);
    assert_eq!(members.as_array().unwrap().len(), 2);
    let bob_row = members
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["email"] == "bob@example.com")
        .unwrap();
    assert_eq!(bob_row["role"], "EDITOR");
    let (s, reset) = send(
        &srv,
        &admin,
        "GET",
        &format!("/api/v1/getResetPasswordToken/{bob_id}"),
        None,
    )
    .await;
    assert_eq!(s, 200);
    let (s, body) = send(
        &srv,
        "",
        "POST",
        "/api/v1/resetPassword",
        Some(json!({"password": "new-bob-password", "token": reset["token"]})),
    )
    .await;
    assert_eq!(s, 200, "{body}");
    let (s, _) = send(&srv, &viewer, "GET", "/api/v1/rules", None).await;
    assert_eq!(s, 401, "tokens from before the reset are revoked");
    srv.login("bob@example.com", "new-bob-password").await;
    let (s, _) = send(
        &srv,
        "",
        "POST",
        "/api/v1/resetPassword",
        Some(json!({"password": "again-and-again", "token": reset["token"]})),
    )
    .await;
    assert_eq!(s, 400, "a reset token works once");
    let (s, body) = send(
        &srv,
        &admin,
        "PUT",
        &format!("/api/v1/rbac/role/{admin_id}"),
        Some(json!({"group_name": "VIEWER"})),
    )
    .await;
    assert_eq!(s, 400, "{body}");
    let (s, _) = send(
        &srv,
        &admin,
        "DELETE",
        "/api/v1/invite/pending@example.com",
        None,
    )
    .await;
    assert_eq!(s, 200);
    let (s, body) = send(
        &srv,
        &admin,
        "DELETE",
        &format!("/api/v1/user/{bob_id}"),
        None,
    )
    .await;
    assert_eq!(s, 200, "{body}");
    let (s, org) = send(&srv, &admin, "GET", &format!("/api/v1/org/{org_id}"), None).await;
    assert_eq!(s, 200);
    assert_eq!(org["name"], "acme");
    srv.stop().await;
}

#[tokio::test]
async fn retention_per_signal_drives_the_sweep() {
    let srv = TestServer::start().await;
    let admin = srv.admin_token().await;
    let (s, ttl) = send(
        &srv,
        &admin,
        "GET",
        "/api/v1/settings/ttl?type=traces",
        None,
    )
    .await;
    assert_eq!(s, 200);
    assert_eq!(ttl["traces_ttl_duration_hrs"], 72);
    assert_eq!(ttl["status"], "success");
    let (s, _) = send(&srv, &admin, "GET", "/api/v1/settings/ttl", None).await;
    assert_eq!(s, 400);
    let old = SpanSpec::new(1, 1, "old", now_ns() - 3 * 3_600_000_000_000, 1_000);
    let new = SpanSpec::new(2, 2, "new", now_ns() - 1_000_000_000, 1_000);
    assert_eq!(
        srv.send_traces(&request("svc", &[old, new])).await.status(),
        200
    );
    let (s, body) = send(
        &srv,
        &admin,
        "POST",
        "/api/v1/settings/ttl?type=traces&duration=2h",
        None,
    )
    .await;
    assert_eq!(s, 200, "{body}");
    assert_eq!(body["message"], "move ttl has been successfully set up");
    let (_, ttl) = send(
        &srv,
        &admin,
        "GET",
        "/api/v1/settings/ttl?type=traces",
        None,
    )
    .await;
    assert_eq!(ttl["traces_ttl_duration_hrs"], 2);
    let (_, ttl) = send(&srv, &admin, "GET", "/api/v1/settings/ttl?type=logs", None).await;
    assert_eq!(ttl["logs_ttl_duration_hrs"], 72);
    let t = Instant::now();
    loop {
        let store = srv.running.as_ref().unwrap().store.clone();
        let names: Vec<String> = store
            .with_conn(|c| {
                let mut s = c
                    .prepare("SELECT name FROM spans ORDER BY name")
                    .map_err(|e| e.to_string())?;
                let r = s.query_map([], |r| r.get(0)).map_err(|e| e.to_string())?;
                r.collect::<Result<_, _>>().map_err(|e| e.to_string())
            })
            .await
            .unwrap();
        if names == ["new"] {
            break;
        }
        assert!(t.elapsed() < Duration::from_secs(10), "{names:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    for bad in [
        "duration=10m",
        "duration=abc",
        "duration=1h&coldStorage=s3",
        "type=disks&duration=1h",
    ] {
        let q = if bad.starts_with("type") {
            bad.to_string()
        } else {
            format!("type=traces&{bad}")
        };
        let (s, body) = send(
            &srv,
            &admin,
            "POST",
            &format!("/api/v1/settings/ttl?{q}"),
            None,
        )
        .await;
        assert_eq!(s, 400, "{bad}: {body}");
    }
    let end = now_ns();
    let (s, usage) = send(
        &srv,
        &admin,
        "GET",
        &format!(
            "/api/v1/usage?start={}&end={end}&step=3600",
            end - 86_400_000_000_000
        ),
        None,
    )
    .await;
    assert_eq!(s, 200, "{usage}");
    let total: i64 = usage
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["count"].as_i64().unwrap())
        .sum();
    assert!(total >= 1, "{usage}");
    srv.stop().await;
}
