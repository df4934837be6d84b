//! What hostile or careless clients cannot do any more (findings of the security review):
//! hold connections open, flood or guess logins, reuse refresh or revoked tokens, register the
//! first admin from another site, crash a handler with a bad escape, send OTLP without the
//! ingest token, read internals from 500s or channel secrets as a viewer, delete a locked
//! dashboard, or frame the dashboard. Real server on loopback, real sockets.

mod common;

use std::time::{Duration, Instant};

use common::*;
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

fn addr(url: &str) -> String {
    url.trim_start_matches("http://").to_string()
}

/// Reads until the server closes the connection (or `limit` passes); returns what arrived
/// and when the connection ended, or None if it was still open at `limit`.
async fn read_until_closed(s: &mut TcpStream, limit: Duration) -> Option<(Vec<u8>, Duration)> {
    let start = Instant::now();
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        let left = limit.checked_sub(start.elapsed())?;
        match tokio::time::timeout(left, s.read(&mut buf)).await {
            Err(_) => return None,
            Ok(Ok(0)) | Ok(Err(_)) => return Some((got, start.elapsed())),
            Ok(Ok(n)) => got.extend_from_slice(&buf[..n]),
        }
    }
}

/// Finding 5: partial headers, silence, and a trickled body no longer hold a connection.
#[tokio::test]
async fn slow_clients_are_cut_off_on_both_listeners() {
    let srv = TestServer::start_with(|c| {
        c.read_timeout_secs = 1;
        c.request_timeout_secs = 3;
    })
    .await;
    for base in [&srv.api, &srv.otlp] {
        // Partial headers.
        let mut s = TcpStream::connect(addr(base)).await.unwrap();
        s.write_all(b"POST /v1/traces HTTP/1.1\r\nHost: x\r\n")
            .await
            .unwrap();
        let closed = read_until_closed(&mut s, Duration::from_secs(6)).await;
        assert!(
            closed.is_some(),
            "{base}: partial headers kept the connection open"
        );
        // Nothing at all.
        let mut s = TcpStream::connect(addr(base)).await.unwrap();
        let closed = read_until_closed(&mut s, Duration::from_secs(6)).await;
        assert!(closed.is_some(), "{base}: a silent connection stayed open");
        // A body that stops after one byte.
        let path = if base == &srv.api {
            "/api/v1/login"
        } else {
            "/v1/traces"
        };
        let mut s = TcpStream::connect(addr(base)).await.unwrap();
        s.write_all(
            format!("POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000000\r\n\r\n{{")
                .as_bytes(),
        )
        .await
        .unwrap();
        let closed = read_until_closed(&mut s, Duration::from_secs(8)).await;
        let (reply, _) =
            closed.unwrap_or_else(|| panic!("{base}: a stalled body kept the connection open"));
        if base == &srv.otlp {
            let reply = String::from_utf8_lossy(&reply);
            assert!(reply.starts_with("HTTP/1.1 408"), "{reply}");
        }
    }
    // An idle keep-alive connection after a complete request.
    let mut s = TcpStream::connect(addr(&srv.api)).await.unwrap();
    s.write_all(b"GET /api/v1/health HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .unwrap();
    let closed = read_until_closed(&mut s, Duration::from_secs(6)).await;
    let (reply, _) = closed.expect("an idle keep-alive connection stayed open");
    assert!(String::from_utf8_lossy(&reply).starts_with("HTTP/1.1 200"));
    // A body trickled just fast enough to dodge the pause limit still ends at the request
    // timeout.
    let mut s = TcpStream::connect(addr(&srv.otlp)).await.unwrap();
    s.write_all(
        b"POST /v1/traces HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000000\r\n\r\n",
    )
    .await
    .unwrap();
    let started = Instant::now();
    let mut ended = false;
    while started.elapsed() < Duration::from_secs(10) {
        if s.write_all(b" ").await.is_err() {
            ended = true;
            break;
        }
        let mut b = [0u8; 512];
        match tokio::time::timeout(Duration::from_millis(400), s.read(&mut b)).await {
            Ok(Ok(0)) | Ok(Err(_)) => {
                ended = true;
                break;
            }
            Ok(Ok(_)) => {
                ended = true; // the timeout reply
                break;
            }
            Err(_) => {}
        }
    }
    assert!(ended, "a trickled body ran past the request timeout");
    srv.stop().await;
}

/// Finding 5: the connection cap holds further clients back until a slot frees.
#[tokio::test]
async fn connections_beyond_the_cap_wait_for_a_free_slot() {
    let srv = TestServer::start_with(|c| {
        c.read_timeout_secs = 2;
        c.max_connections = 1;
    })
    .await;
    let _hog = TcpStream::connect(addr(&srv.api)).await.unwrap();
    tokio::time::sleep(Duration::from_millis(100)).await;
    let started = Instant::now();
    let r = srv
        .http
        .get(format!("{}/api/v1/health", srv.api))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(
        started.elapsed() >= Duration::from_millis(1200),
        "served while the only slot was taken ({:?})",
        started.elapsed()
    );
    srv.stop().await;
}

async fn login_status(srv: &TestServer, email: &str, password: &str) -> reqwest::Response {
    srv.http
        .post(format!("{}/api/v1/login", srv.api))
        .json(&json!({"email": email, "password": password}))
        .send()
        .await
        .unwrap()
}

/// Finding 6: guessing is throttled per account and per IP with 429 + Retry-After, and an
/// unknown e-mail costs the same password work as a wrong password.
#[tokio::test]
async fn password_guessing_is_throttled() {
    let srv = TestServer::start().await;
    srv.admin_token().await;
    // Same work for unknown e-mails: best of three of each.
    let mut known = Duration::MAX;
    let mut unknown = Duration::MAX;
    for i in 0..3 {
        let t = Instant::now();
        assert_eq!(
            login_status(&srv, "ada@example.com", "wrong-pass")
                .await
                .status(),
            401
        );
        known = known.min(t.elapsed());
        let t = Instant::now();
        let r = login_status(&srv, &format!("nobody{i}@example.com"), "wrong-pass").await;
        assert_eq!(r.status(), 401);
        unknown = unknown.min(t.elapsed());
    }
    assert!(
        unknown.as_secs_f64() > known.as_secs_f64() * 0.4,
        "unknown e-mail answered in {unknown:?}, wrong password in {known:?}"
    );
    // Two more failures reach the account's allowance; now even the right password waits.
    for _ in 0..2 {
        assert_eq!(
            login_status(&srv, "ada@example.com", "wrong-pass")
                .await
                .status(),
            401
        );
    }
    let r = login_status(&srv, "ada@example.com", "s3cret-pass").await;
    assert_eq!(r.status(), 429);
    let wait: u64 = r.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=900).contains(&wait));
    tokio::time::sleep(Duration::from_secs(wait)).await;
    assert_eq!(
        login_status(&srv, "ada@example.com", "s3cret-pass")
            .await
            .status(),
        200
    );

    // One IP trying many accounts is locked too (it has made 5 + 3 failures so far).
    let mut locked = false;
    for i in 0..20 {
        let r = login_status(&srv, &format!("guess{i}@example.com"), "x-password").await;
        if r.status() == 429 {
            locked = true;
            break;
        }
        assert_eq!(r.status(), 401);
    }
    assert!(locked, "20 failures from one IP never led to 429");
    // Behind a proxy on this machine, the client it names in X-Forwarded-For is what counts.
    let r = srv
        .http
        .post(format!("{}/api/v1/login", srv.api))
        .header("x-forwarded-for", "198.51.100.1, 203.0.113.9")
        .json(&json!({"email": "fresh@example.com", "password": "x-password"}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        401,
        "another client behind the proxy is not locked"
    );
    srv.stop().await;
}

async fn tokens(srv: &TestServer, email: &str, password: &str) -> (String, String) {
    let l = srv.login(email, password).await;
    (
        l["accessJwt"].as_str().unwrap().to_string(),
        l["refreshJwt"].as_str().unwrap().to_string(),
    )
}

async fn refresh(srv: &TestServer, refresh_jwt: &str) -> u16 {
    srv.http
        .post(format!("{}/api/v1/login", srv.api))
        .json(&json!({"refreshToken": refresh_jwt}))
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

/// Finding 7: a refresh token is not an access token; logout and a password change revoke
/// every token issued before; tokens from before token types existed fail cleanly.
#[tokio::test]
async fn refresh_tokens_and_revocation() {
    let srv = TestServer::start().await;
    srv.admin_token().await;
    let (access, refresh_jwt) = tokens(&srv, "ada@example.com", "s3cret-pass").await;
    let (status, body) = srv.post(&refresh_jwt, "/api/v1/services", json!({})).await;
    assert_eq!(
        status, 401,
        "refresh token accepted as access token: {body}"
    );
    assert_eq!(srv.get(&access, "/api/v1/dashboards").await.0, 200);
    assert_eq!(refresh(&srv, &refresh_jwt).await, 200);
    assert_eq!(
        refresh(&srv, &access).await,
        401,
        "an access token cannot refresh"
    );

    // A token in the old format (no typ/ver), correctly signed.
    let uid = srv.login("ada@example.com", "s3cret-pass").await["userId"]
        .as_str()
        .unwrap()
        .to_string();
    let legacy = legacy_token(&uid);
    let (status, body) = srv.get(&legacy, "/api/v1/dashboards").await;
    assert_eq!(status, 401, "{body}");
    assert_eq!(body["errorType"], "unauthorized");
    assert_eq!(refresh(&srv, &legacy).await, 401);

    // Logout revokes access and refresh tokens of this user.
    let (status, _) = srv.post(&access, "/api/v1/logout", json!({})).await;
    assert_eq!(status, 200);
    assert_eq!(srv.get(&access, "/api/v1/dashboards").await.0, 401);
    assert_eq!(refresh(&srv, &refresh_jwt).await, 401);

    // Change password (SigNoz shape): wrong old password refused, then changed; old tokens die.
    let (access, refresh_jwt) = tokens(&srv, "ada@example.com", "s3cret-pass").await;
    let path = format!("/api/v1/changePassword/{uid}");
    let (status, _) = srv
        .post(
            &access,
            &path,
            json!({"oldPassword": "nope-nope", "newPassword": "n3w-secret"}),
        )
        .await;
    assert_eq!(status, 403);
    let r = srv
        .http
        .put(format!("{}{path}", srv.api))
        .bearer_auth(&access)
        .json(&json!({"oldPassword": "s3cret-pass", "newPassword": "n3w-secret"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(srv.get(&access, "/api/v1/dashboards").await.0, 401);
    assert_eq!(refresh(&srv, &refresh_jwt).await, 401);
    assert_eq!(
        login_status(&srv, "ada@example.com", "s3cret-pass")
            .await
            .status(),
        401
    );
    let (access, _) = tokens(&srv, "ada@example.com", "n3w-secret").await;
    assert_eq!(srv.get(&access, "/api/v1/dashboards").await.0, 200);
    srv.stop().await;
}

/// HS256 over SigNoz's original claims, signed with the test server's secret.
fn legacy_token(uid: &str) -> String {
    use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
    use base64::Engine;
    use hmac::{Hmac, Mac};
    let header = B64.encode(br#"{"alg":"HS256","typ":"JWT"}"#);
    let claims =
        json!({"id": uid, "gid": "g", "email": "ada@example.com", "exp": 4_000_000_000i64});
    let payload = B64.encode(claims.to_string());
    let input = format!("{header}.{payload}");
    let mut mac =
        Hmac::<sha2::Sha256>::new_from_slice(server::config::TEST_JWT_SECRET.as_bytes()).unwrap();
    mac.update(input.as_bytes());
    format!("{input}.{}", B64.encode(mac.finalize().into_bytes()))
}

fn register_body() -> Value {
    json!({"name": "M", "orgName": "x", "email": "mallory@evil.example", "password": "hunter2hunter2"})
}

/// Status of a first-run register (JSON body) sent with one extra header.
async fn register_status(srv: &TestServer, header: (&str, &str)) -> u16 {
    let url = format!("{}/api/v1/register", srv.api);
    let r = srv
        .http
        .post(url)
        .header(header.0, header.1)
        .json(&register_body());
    r.send().await.unwrap().status().as_u16()
}

/// Finding 8: another site cannot create the first admin through the operator's browser.
#[tokio::test]
async fn first_run_register_is_same_origin_or_token_only() {
    let srv = TestServer::start().await;
    let url = format!("{}/api/v1/register", srv.api);
    // The review's request: text/plain from another origin, no preflight.
    let r = srv
        .http
        .post(&url)
        .header("origin", "https://evil.example")
        .header("content-type", "text/plain;charset=UTF-8")
        .body(register_body().to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 415);
    assert!(r.headers().get("access-control-allow-origin").is_none());
    // JSON from another origin (it would need a preflight, but even without one).
    assert_eq!(
        register_status(&srv, ("origin", "https://evil.example")).await,
        403
    );
    assert_eq!(
        register_status(&srv, ("sec-fetch-site", "cross-site")).await,
        403
    );
    let v: Value = srv
        .http
        .get(format!("{}/api/v1/version", srv.api))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(v["setupCompleted"], false);
    // The generated setup token is kept in the data dir and printed by main.
    let token = std::fs::read_to_string(srv.dir.0.join("setup-token")).unwrap();
    assert_eq!(
        srv.running.as_ref().unwrap().setup_token.as_deref(),
        Some(token.trim())
    );
    // The dashboard's own origin may register.
    let r = srv
        .http
        .post(&url)
        .header("origin", srv.api.clone())
        .json(&json!({"name": "Ada", "orgName": "acme", "email": "ada@example.com", "password": "s3cret-pass"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "{:?}", r.text().await);
    srv.stop().await;

    // Strict mode: with --setup-token only the token opens registration.
    let srv = TestServer::start_with(|c| c.setup_token = Some("open-sesame".into())).await;
    // Without the token (an ordinary header only), even from loopback: refused.
    assert_eq!(
        register_status(&srv, ("accept", "application/json")).await,
        403
    );
    assert_eq!(
        register_status(&srv, ("x-setup-token", "open-sesame")).await,
        200
    );
    srv.stop().await;
}

/// Finding 8: every JSON POST route wants `Content-Type: application/json`.
#[tokio::test]
async fn json_posts_need_a_json_content_type() {
    let srv = TestServer::start().await;
    let token = srv.admin_token().await;
    for path in [
        "/api/v1/login",
        "/api/v1/dashboards",
        "/api/v3/query_range",
        "/api/v1/services",
    ] {
        let r = srv
            .http
            .post(format!("{}{path}", srv.api))
            .bearer_auth(&token)
            .header("content-type", "text/plain")
            .body("{}")
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 415, "{path}");
    }
    let r = srv
        .http
        .post(format!("{}/api/v1/dashboards", srv.api))
        .bearer_auth(&token)
        .header("content-type", "application/json; charset=utf-8")
        .body(r#"{"title":"ok"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    srv.stop().await;
}

async fn raw_get(base: &str, target: &[u8]) -> Option<String> {
    let mut s = TcpStream::connect(addr(base)).await.unwrap();
    let mut req = b"GET ".to_vec();
    req.extend_from_slice(target);
    req.extend_from_slice(b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    s.write_all(&req).await.unwrap();
    let (got, _) = read_until_closed(&mut s, Duration::from_secs(5)).await?;
    Some(String::from_utf8_lossy(&got).into_owned())
}

/// Finding 16: `%` before a multi-byte character no longer panics the static files handler
/// or the dashboards' `?tags=` parser.
#[tokio::test]
async fn percent_before_multibyte_characters_is_served() {
    let web = TempDir::new("web");
    std::fs::write(web.0.join("index.html"), "<!doctype html><title>t</title>").unwrap();
    let root = web.0.clone();
    let srv = TestServer::start_with(move |c| c.web_root = Some(root)).await;
    let reply = raw_get(&srv.api, b"/%a\xc3\xa9").await.unwrap_or_default();
    assert!(reply.starts_with("HTTP/1.1 200"), "{reply}");
    let token = srv.admin_token().await;
    let mut s = TcpStream::connect(addr(&srv.api)).await.unwrap();
    s.write_all(
        format!("GET /api/v1/dashboards?tags=%a\u{e9} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\nConnection: close\r\n\r\n")
            .as_bytes(),
    )
    .await
    .unwrap();
    let (got, _) = read_until_closed(&mut s, Duration::from_secs(5))
        .await
        .unwrap();
    let reply = String::from_utf8_lossy(&got);
    assert!(reply.starts_with("HTTP/1.1 200"), "{reply}");
    srv.stop().await;
}

/// Finding 25: the dashboard's pages cannot be framed, scripts are limited to our own files.
#[tokio::test]
async fn dashboard_pages_carry_security_headers() {
    let web = TempDir::new("web");
    std::fs::write(
        web.0.join("index.html"),
        r#"<!doctype html><meta name="otel-endpoint" content="http://127.0.0.1:4318"><script type="module" src="/boot.js"></script>"#,
    )
    .unwrap();
    std::fs::write(web.0.join("boot.js"), "export {}").unwrap();
    let root = web.0.clone();
    let srv = TestServer::start_with(move |c| c.web_root = Some(root)).await;
    let r = srv
        .http
        .get(format!("{}/services", srv.api))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let h = r.headers();
    let csp = h["content-security-policy"].to_str().unwrap();
    for part in [
        "script-src 'self' 'wasm-unsafe-eval'",
        "frame-ancestors 'none'",
        "connect-src 'self' http://127.0.0.1:4318",
        "object-src 'none'",
    ] {
        assert!(csp.contains(part), "{part} missing in {csp}");
    }
    assert!(!csp.contains("unsafe-eval'") || csp.contains("wasm-unsafe-eval"));
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert_eq!(h["referrer-policy"], "same-origin");
    assert_eq!(h["x-frame-options"], "DENY");
    let r = srv
        .http
        .get(format!("{}/boot.js", srv.api))
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["x-content-type-options"], "nosniff");
    srv.stop().await;
}

/// Finding 17: origins are trimmed and normalised, preflights may ask for custom headers, and
/// an optional ingest token is enforced (the origin list is not authentication).
#[tokio::test]
async fn otlp_cors_and_ingest_token() {
    let srv = TestServer::start_with(|c| {
        c.allowed_origins = vec!["https://a.example".into(), " https://B.example/".into()];
        c.ingest_token = Some("ingest-key-1".into());
    })
    .await;
    let r = srv
        .http
        .request(reqwest::Method::OPTIONS, format!("{}/v1/traces", srv.otlp))
        .header("origin", "https://b.example")
        .header("access-control-request-method", "POST")
        .header(
            "access-control-request-headers",
            "content-type,x-api-key,signoz-access-token",
        )
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success());
    assert_eq!(
        r.headers()["access-control-allow-origin"],
        "https://b.example"
    );
    let allowed = r.headers()["access-control-allow-headers"]
        .to_str()
        .unwrap()
        .to_lowercase();
    assert!(
        allowed.contains("x-api-key") && allowed.contains("signoz-access-token"),
        "{allowed}"
    );

    let post = |auth: Option<(&'static str, &'static str)>| {
        let mut req = srv
            .http
            .post(format!("{}/v1/traces", srv.otlp))
            .header("content-type", "application/json")
            .body("{}");
        if let Some((k, v)) = auth {
            req = req.header(k, v);
        }
        req.send()
    };
    let r = post(None).await.unwrap();
    assert_eq!(r.status(), 401);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["code"], 16);
    assert_eq!(
        post(Some(("authorization", "Bearer wrong")))
            .await
            .unwrap()
            .status(),
        401
    );
    assert_eq!(
        post(Some(("authorization", "Bearer ingest-key-1")))
            .await
            .unwrap()
            .status(),
        200
    );
    assert_eq!(
        post(Some(("signoz-access-token", "ingest-key-1")))
            .await
            .unwrap()
            .status(),
        200
    );
    srv.stop().await;

    // Off by default.
    let srv = TestServer::start().await;
    let r = srv
        .http
        .post(format!("{}/v1/traces", srv.otlp))
        .header("content-type", "application/json")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    srv.stop().await;
}

/// Finding 19: a failing query answers a generic 500; the detail stays in the server log.
#[tokio::test]
async fn internal_errors_do_not_leak_details() {
    let srv = TestServer::start().await;
    let token = srv.admin_token().await;
    srv.running
        .as_ref()
        .unwrap()
        .store
        .with_conn(|c| {
            c.execute_batch("DROP TABLE dashboards")
                .map_err(|e| e.to_string())
        })
        .await
        .unwrap();
    let (status, body) = srv.get(&token, "/api/v1/dashboards").await;
    assert_eq!(status, 500);
    let text = body.to_string();
    assert!(
        !text.contains("dashboards") && !text.contains("no such table"),
        "{text}"
    );
    assert_eq!(body["errorType"], "internal");
    srv.stop().await;
}

async fn add_user(srv: &TestServer, id: &str, email: &str, role: &str, password: &str) -> String {
    let hash = server::auth::hash_password(password);
    let (id2, email2, role2) = (id.to_string(), email.to_string(), role.to_string());
    srv.running
        .as_ref()
        .unwrap()
        .store
        .with_conn(move |c| {
            c.execute(
                "INSERT INTO users (id, name, email, password_hash, created_at, group_id, org_id)
                 SELECT ?1, 'U', ?2, ?3, 0, g.id, o.id FROM groups g, orgs o WHERE g.name = ?4",
                rusqlite::params![id2, email2, hash, role2],
            )
            .map_err(|e| e.to_string())
        })
        .await
        .unwrap();
    srv.login(email, password).await["accessJwt"]
        .as_str()
        .unwrap()
        .to_string()
}

/// Finding 21: viewers and editors do not see channel secrets (the stored channel keeps them,
/// admins see them); a locked dashboard can be neither deleted nor edited.
#[tokio::test]
async fn channel_secrets_and_locked_dashboards() {
    let srv = TestServer::start().await;
    let admin = srv.admin_token().await;
    let channel = json!({"name": "ops", "webhook_configs": [{"send_resolved": true,
        "url": "https://hooks.example/T0/secret-path", "http_config": {"basic_auth": {"username": "u", "password": "pw-123"}}}]});
    let (status, _) = srv.post(&admin, "/api/v1/channels", channel.clone()).await;
    assert_eq!(status, 200);
    let viewer = add_user(&srv, "viewer-1", "vic@example.com", "VIEWER", "viewer-pass").await;
    let editor = add_user(&srv, "editor-1", "ed@example.com", "EDITOR", "editor-pass").await;
    for who in [&viewer, &editor] {
        let (status, body) = srv.get(who, "/api/v1/channels").await;
        assert_eq!(status, 200);
        let data = body["data"][0]["data"].as_str().unwrap();
        assert!(
            !data.contains("secret-path") && !data.contains("pw-123"),
            "{data}"
        );
        let d: Value = serde_json::from_str(data).unwrap();
        assert_eq!(
            d["webhook_configs"][0]["send_resolved"], true,
            "non-secrets kept"
        );
        assert_eq!(
            d["webhook_configs"][0]["http_config"]["basic_auth"]["username"],
            "u"
        );
        let id = body["data"][0]["id"].as_i64().unwrap();
        let (_, one) = srv.get(who, &format!("/api/v1/channels/{id}")).await;
        assert!(!one["data"]["data"]
            .as_str()
            .unwrap()
            .contains("secret-path"));
    }
    let (_, body) = srv.get(&admin, "/api/v1/channels").await;
    let stored: Value = serde_json::from_str(body["data"][0]["data"].as_str().unwrap()).unwrap();
    assert_eq!(
        stored, channel,
        "the admin sees the channel exactly as saved"
    );

    let (status, d) = srv
        .post(&admin, "/api/v1/dashboards", json!({"title": "keep"}))
        .await;
    assert_eq!(status, 200);
    let uuid = d["data"]["uuid"].as_str().unwrap().to_string();
    let u2 = uuid.clone();
    srv.running
        .as_ref()
        .unwrap()
        .store
        .with_conn(move |c| {
            c.execute("UPDATE dashboards SET locked = 1 WHERE uuid = ?1", [u2])
                .map_err(|e| e.to_string())
        })
        .await
        .unwrap();
    let r = srv
        .http
        .delete(format!("{}/api/v1/dashboards/{uuid}", srv.api))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["status"], "error");
    assert_eq!(body["errorType"], "bad_data");
    assert!(body["error"].as_str().unwrap().contains("locked"));
    let r = srv
        .http
        .put(format!("{}/api/v1/dashboards/{uuid}", srv.api))
        .bearer_auth(&admin)
        .json(&json!({"title": "changed"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let (status, d) = srv.get(&admin, &format!("/api/v1/dashboards/{uuid}")).await;
    assert_eq!(status, 200);
    assert_eq!(d["data"]["data"]["title"], "keep");
    srv.stop().await;
}

/// Self-observability: Prometheus text with request, OTLP and database figures.
#[tokio::test]
async fn metrics_endpoint_reports_requests_and_ingest() {
    let srv = TestServer::start().await;
    let now = now_ns();
    let r = srv
        .send_traces(&request(
            "svc",
            &[SpanSpec::new(1, 1, "op", now, 1_000_000)],
        ))
        .await;
    assert_eq!(r.status(), 200);
    let _ = srv
        .http
        .post(format!("{}/v1/logs", srv.otlp))
        .header("content-type", "text/csv")
        .body("x")
        .send()
        .await
        .unwrap();
    srv.http
        .get(format!("{}/api/v1/health", srv.api))
        .send()
        .await
        .unwrap();
    let r = srv
        .http
        .get(format!("{}/metrics", srv.api))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let text = r.text().await.unwrap();
    for needle in [
        r#"otel_wasm_http_requests_total{listener="api",route="/api/v1/health",status="200"}"#,
        r#"otel_wasm_otlp_requests_total{signal="traces",outcome="accepted"}"#,
        r#"otel_wasm_otlp_requests_total{signal="logs",outcome="unsupported_media_type"}"#,
        r#"otel_wasm_otlp_items_total{signal="spans",outcome="accepted"}"#,
        "otel_wasm_database_bytes ",
        "otel_wasm_writer_queued_rows ",
        "otel_wasm_rule_evaluation_seconds",
    ] {
        assert!(text.contains(needle), "{needle} missing in\n{text}");
    }
    srv.stop().await;
}
