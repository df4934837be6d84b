//! Auth as SigNoz v0.39: open routes, first user ADMIN, password and refresh-token login,
//! 401 for missing/bad/expired tokens and 403 for a role that is too low.

mod common;

use common::*;
use serde_json::{json, Value};
use server::auth::{Claims, JwtKey};

#[tokio::test]
async fn open_routes_and_first_user_flow() {
    let srv = TestServer::start().await;
    let v = srv.get_open("/api/v1/version").await;
    assert_eq!(
        v,
        json!({"version": "v0.39.0", "ee": "Y", "setupCompleted": false})
    );
    let h = srv.get_open("/api/v1/health").await;
    assert_eq!(h, json!({"status": "ok"}));
    let f = srv.get_open("/api/v1/featureFlags").await;
    assert_eq!(f["status"], "success");
    let flag = f["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["name"] == "QUERY_BUILDER_PANELS")
        .unwrap();
    assert_eq!(
        flag,
        &json!({"name": "QUERY_BUILDER_PANELS", "active": true, "usage": 0, "usage_limit": 20, "route": ""})
    );

    // Too-short password, then the real registration (reply has no data key).
    let r = srv
        .post_open(
            "/api/v1/register",
            json!({"name": "x", "orgName": "o", "email": "x@example.com", "password": "short"}),
        )
        .await;
    assert_eq!(r.status(), 400);
    let token = srv.admin_token().await;
    let v = srv.get_open("/api/v1/version").await;
    assert_eq!(v["setupCompleted"], true);

    // A second self-registration needs an invite.
    let r = srv.post_open("/api/v1/register", json!({"name": "Bob", "orgName": "o", "email": "bob@example.com", "password": "password123"})).await;
    assert_eq!(r.status(), 400);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["errorType"], "bad_data");
    assert!(body["error"].as_str().unwrap().contains("invitation"));

    let pre = srv
        .get_open("/api/v1/loginPrecheck?email=ada@example.com&ref=x")
        .await;
    assert_eq!(
        pre,
        json!({"status": "success", "data": {"sso": false, "ssoUrl": "", "canSelfRegister": false, "isUser": true, "ssoError": ""}})
    );

    let login = srv.login("ada@example.com", "s3cret-pass").await;
    let mut keys: Vec<&String> = login.as_object().unwrap().keys().collect();
    keys.sort();
    assert_eq!(
        keys,
        [
            "accessJwt",
            "accessJwtExpiry",
            "refreshJwt",
            "refreshJwtExpiry",
            "userId"
        ]
    );
    assert!(login["accessJwtExpiry"].is_i64());
    let uid = login["userId"].as_str().unwrap();

    let (status, user) = srv.get(&token, &format!("/api/v1/user/{uid}")).await;
    assert_eq!(status, 200);
    let mut keys: Vec<&String> = user.as_object().unwrap().keys().collect();
    keys.sort();
    assert_eq!(
        keys,
        [
            "createdAt",
            "email",
            "flags",
            "groupId",
            "id",
            "name",
            "orgId",
            "organization",
            "profilePictureURL",
            "role"
        ]
    );
    assert_eq!(user["role"], "ADMIN");
    assert_eq!(user["flags"], Value::Null);
    assert_eq!(user["organization"], "acme");
    assert!(user["createdAt"].is_i64());

    let (status, lic) = srv.get(&token, "/api/v2/licenses").await;
    assert_eq!(status, 200);
    assert_eq!(lic["data"]["onTrial"], false);
    assert_eq!(lic["data"]["licenses"], json!([]));

    // Refresh-token login gives working tokens.
    let r = srv
        .post_open(
            "/api/v1/login",
            json!({"refreshToken": login["refreshJwt"]}),
        )
        .await;
    assert_eq!(r.status(), 200);
    let again: Value = r.json().await.unwrap();
    assert_eq!(again["userId"], uid);

    // Wrong password: 401 through HandleError (text/plain structured error).
    let r = srv
        .post_open(
            "/api/v1/login",
            json!({"email": "ada@example.com", "password": "nope-nope"}),
        )
        .await;
    assert_eq!(r.status(), 401);
    assert!(r.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/plain"));
    let body: Value = serde_json::from_str(&r.text().await.unwrap()).unwrap();
    assert_eq!(body["errors"][0]["code"], 401);
    srv.stop().await;
}

#[tokio::test]
async fn data_routes_need_a_valid_bearer_token() {
    let srv = TestServer::start().await;
    let token = srv.admin_token().await;
    let uid = srv.login("ada@example.com", "s3cret-pass").await["userId"]
        .as_str()
        .unwrap()
        .to_string();
    let routes: Vec<(&str, &str)> = vec![
        ("POST", "/api/v1/services"),
        ("GET", "/api/v1/traces/abc"),
        ("POST", "/api/v3/query_range"),
        ("GET", "/api/v1/dashboards"),
        ("GET", "/api/v1/rules"),
        ("GET", "/api/v1/channels"),
        ("POST", "/api/v1/listErrors"),
        (
            "GET",
            "/api/v3/autocomplete/attribute_keys?dataSource=traces",
        ),
        ("POST", "/api/v1/service/top_level_operations"),
    ];
    let expired = JwtKey::new(server::config::TEST_JWT_SECRET.as_bytes()).sign(&Claims {
        id: uid.clone(),
        gid: "g".into(),
        email: "ada@example.com".into(),
        exp: 1000,
        typ: "access".into(),
        ver: 0,
    });
    let foreign = JwtKey::new(b"other-secret").sign(&Claims {
        id: uid,
        gid: "g".into(),
        email: "ada@example.com".into(),
        exp: i64::MAX / 2,
        typ: "access".into(),
        ver: 0,
    });
    for (method, path) in routes {
        for auth in [
            None,
            Some("Bearer garbage".to_string()),
            Some(format!("Bearer {expired}")),
            Some(format!("Bearer {foreign}")),
            Some(format!("Token {token}")),
        ] {
            let mut req = srv
                .http
                .request(method.parse().unwrap(), format!("{}{path}", srv.api))
                .json(&json!({}));
            if let Some(a) = &auth {
                req = req.header("authorization", a);
            }
            let r = req.send().await.unwrap();
            assert_eq!(r.status(), 401, "{method} {path} with {auth:?}");
            let body: Value = r.json().await.unwrap();
            assert_eq!(body["status"], "error");
            assert_eq!(body["errorType"], "unauthorized");
            assert!(body["error"]
                .as_str()
                .unwrap()
                .starts_with("failed to parse jwt token"));
        }
    }
    // The scheme word is case-insensitive, as SigNoz's UI sends `bearer`.
    let r = srv
        .http
        .get(format!("{}/api/v1/dashboards", srv.api))
        .header("authorization", format!("bearer {token}"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    srv.stop().await;
}

#[tokio::test]
async fn a_viewer_cannot_edit() {
    let srv = TestServer::start().await;
    let _admin = srv.admin_token().await;
    let token = srv.viewer_token().await;
    let (status, _) = srv.get(&token, "/api/v1/dashboards").await;
    assert_eq!(status, 200);
    let (status, body) = srv
        .post(&token, "/api/v1/dashboards", json!({"title": "x"}))
        .await;
    assert_eq!(status, 403);
    assert_eq!(body["errorType"], "forbidden");
    let (status, body) = srv.get(&token, "/api/v1/user").await;
    assert_eq!(status, 403, "{body}");
    let (status, _) = srv.get(&token, "/api/v1/user/viewer-1").await;
    assert_eq!(status, 200, "self access");
    srv.stop().await;
}

/// The dashboard is same-origin, so by default the API sends no CORS headers at all (SigNoz
/// allows any origin); `--api-allowed-origins` opens it to listed origins.
#[tokio::test]
async fn api_cors_is_same_origin_unless_configured() {
    let preflight = |srv: &TestServer, origin: &'static str| {
        srv.http
            .request(
                reqwest::Method::OPTIONS,
                format!("{}/api/v1/services", srv.api),
            )
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header(
                "access-control-request-headers",
                "authorization,content-type",
            )
            .send()
    };
    let srv = TestServer::start().await;
    let r = preflight(&srv, "http://localhost:3301").await.unwrap();
    assert!(r.headers().get("access-control-allow-origin").is_none());
    let r = srv
        .http
        .get(format!("{}/api/v1/version", srv.api))
        .header("origin", "http://x")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.headers().get("access-control-allow-origin").is_none());
    srv.stop().await;

    let srv =
        TestServer::start_with(|c| c.api_allowed_origins = vec![" http://localhost:3301/ ".into()])
            .await;
    let r = preflight(&srv, "http://localhost:3301").await.unwrap();
    assert!(r.status().is_success());
    assert_eq!(
        r.headers()["access-control-allow-origin"],
        "http://localhost:3301"
    );
    assert!(r.headers()["access-control-allow-methods"]
        .to_str()
        .unwrap()
        .contains("POST"));
    let r = preflight(&srv, "https://evil.example").await.unwrap();
    assert!(r.headers().get("access-control-allow-origin").is_none());
    srv.stop().await;
}
