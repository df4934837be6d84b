//! Shared test harness: a real server on loopback port 0 with a fresh data dir, a reqwest
//! client, a logged-in admin token, and an independent OTLP encoder (opentelemetry-proto +
//! prost, not our SDK).
#![allow(dead_code)]

use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};

use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::tonic::common::v1::{any_value, AnyValue, KeyValue};
use opentelemetry_proto::tonic::resource::v1::Resource;
use opentelemetry_proto::tonic::trace::v1::{
    span, status, ResourceSpans, ScopeSpans, Span, Status,
};
use prost::Message;
use serde_json::{json, Value};

pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(tag: &str) -> TempDir {
        static N: AtomicU32 = AtomicU32::new(0);
        let p = std::env::temp_dir().join(format!(
            "server-test-{tag}-{}-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::SeqCst),
            rand_suffix()
        ));
        std::fs::create_dir_all(&p).unwrap();
        TempDir(p)
    }
}

fn rand_suffix() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos() as u64
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Stopped by `stop()`; if a test panics first, dropping `running` drops its stop channel,
/// which ends both servers' graceful shutdown and the background loops.
pub struct TestServer {
    pub running: Option<server::Running>,
    pub api: String,
    pub otlp: String,
    pub http: reqwest::Client,
    pub dir: TempDir,
}

impl TestServer {
    pub async fn start() -> TestServer {
        Self::start_with(|_| {}).await
    }

    pub async fn start_with(tweak: impl FnOnce(&mut server::Config)) -> TestServer {
        let dir = TempDir::new("srv");
        let mut cfg = server::Config::ephemeral(dir.0.clone());
        tweak(&mut cfg);
        let running = server::start(cfg).await.expect("server starts");
        TestServer {
            api: format!("http://{}", running.api_addr),
            otlp: format!("http://{}", running.otlp_addr),
            running: Some(running),
            http: reqwest::Client::new(),
            dir,
        }
    }

    pub async fn stop(mut self) {
        if let Some(r) = self.running.take() {
            r.shutdown().await;
        }
    }

    /// Registers the first user (ADMIN) and returns an access token.
    pub async fn admin_token(&self) -> String {
        let r = self
            .http
            .post(format!("{}/api/v1/register", self.api))
            .json(&json!({"name": "Ada", "orgName": "acme", "email": "ada@example.com", "password": "s3cret-pass"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "{:?}", r.text().await);
        self.login("ada@example.com", "s3cret-pass").await["accessJwt"]
            .as_str()
            .unwrap()
            .to_string()
    }

    pub async fn login(&self, email: &str, password: &str) -> Value {
        let r = self
            .http
            .post(format!("{}/api/v1/login", self.api))
            .json(&json!({"email": email, "password": password}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        r.json().await.unwrap()
    }

    /// A VIEWER's access token: the user `vic@example.com` is added directly in the database
    /// (invites are not implemented); the admin must exist already.
    pub async fn viewer_token(&self) -> String {
        let hash = server::auth::hash_password("viewer-pass");
        self.running.as_ref().unwrap().store.with_conn(move |c| {
            c.execute(
                "INSERT INTO users (id, name, email, password_hash, created_at, group_id, org_id)
                 SELECT 'viewer-1', 'Vic', 'vic@example.com', ?1, 0, g.id, o.id FROM groups g, orgs o WHERE g.name = 'VIEWER'",
                [hash],
            ).map_err(|e| e.to_string())
        }).await.unwrap();
        self.login("vic@example.com", "viewer-pass").await["accessJwt"]
            .as_str()
            .unwrap()
            .to_string()
    }

    /// GET of an open route (no token); the reply must be JSON.
    pub async fn get_open(&self, path: &str) -> Value {
        let r = self
            .http
            .get(format!("{}{path}", self.api))
            .send()
            .await
            .unwrap();
        r.json().await.unwrap()
    }

    /// POST of a JSON body to an open route (no token).
    pub async fn post_open(&self, path: &str, body: Value) -> reqwest::Response {
        self.http
            .post(format!("{}{path}", self.api))
            .json(&body)
            .send()
            .await
            .unwrap()
    }

    pub async fn get(&self, token: &str, path: &str) -> (u16, Value) {
        let r = self
            .http
            .get(format!("{}{path}", self.api))
            .bearer_auth(token)
            .send()
            .await
            .unwrap();
        let status = r.status().as_u16();
        (status, r.json().await.unwrap_or(Value::Null))
    }

    pub async fn query_range(&self, token: &str, body: Value) -> (u16, Value) {
        self.post(token, "/api/v3/query_range", body).await
    }

    pub async fn post(&self, token: &str, path: &str, body: Value) -> (u16, Value) {
        let r = self
            .http
            .post(format!("{}{path}", self.api))
            .bearer_auth(token)
            .json(&body)
            .send()
            .await
            .unwrap();
        let status = r.status().as_u16();
        let text = r.text().await.unwrap();
        (
            status,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        )
    }

    /// A request to the API by method name, with the bearer token unless it is empty.
    pub fn request(&self, method: &str, token: &str, path: &str) -> reqwest::RequestBuilder {
        let url = format!("{}{path}", self.api);
        let b = match method {
            "GET" => self.http.get(url),
            "POST" => self.http.post(url),
            "PUT" => self.http.put(url),
            "PATCH" => self.http.patch(url),
            _ => self.http.delete(url),
        };
        if token.is_empty() {
            b
        } else {
            b.bearer_auth(token)
        }
    }

    pub async fn send_traces(&self, req: &ExportTraceServiceRequest) -> reqwest::Response {
        self.http
            .post(format!("{}/v1/traces", self.otlp))
            .header("content-type", "application/x-protobuf")
            .body(req.encode_to_vec())
            .send()
            .await
            .unwrap()
    }
}

/// Percent-encodes everything but RFC 3986's unreserved characters (for query strings).
#[allow(dead_code)]
pub fn url_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

pub fn kv(key: &str, v: any_value::Value) -> KeyValue {
    KeyValue {
        key: key.into(),
        value: Some(AnyValue { value: Some(v) }),
        ..Default::default()
    }
}

pub fn s(v: &str) -> any_value::Value {
    any_value::Value::StringValue(v.into())
}

pub fn i(v: i64) -> any_value::Value {
    any_value::Value::IntValue(v)
}

/// A test span description.
#[derive(Clone)]
pub struct SpanSpec {
    pub trace: [u8; 16],
    pub id: [u8; 8],
    pub parent: Option<[u8; 8]>,
    pub name: String,
    pub kind: i32,
    pub start_ns: u64,
    pub dur_ns: u64,
    pub error: bool,
    pub attrs: Vec<KeyValue>,
    pub events: Vec<span::Event>,
}

impl SpanSpec {
    pub fn new(trace: u8, id: u8, name: &str, start_ns: u64, dur_ns: u64) -> SpanSpec {
        let mut t = [0u8; 16];
        t[15] = trace;
        t[0] = 0xab;
        let mut s = [0u8; 8];
        s[7] = id;
        s[0] = 0xcd;
        SpanSpec {
            trace: t,
            id: s,
            parent: None,
            name: name.into(),
            kind: 2,
            start_ns,
            dur_ns,
            error: false,
            attrs: vec![],
            events: vec![],
        }
    }

    pub fn child_of(mut self, parent: &SpanSpec) -> SpanSpec {
        self.parent = Some(parent.id);
        self.kind = 3;
        self
    }

    pub fn to_proto(&self) -> Span {
        Span {
            trace_id: self.trace.to_vec(),
            span_id: self.id.to_vec(),
            parent_span_id: self.parent.map(|p| p.to_vec()).unwrap_or_default(),
            name: self.name.clone(),
            kind: self.kind,
            start_time_unix_nano: self.start_ns,
            end_time_unix_nano: self.start_ns + self.dur_ns,
            attributes: self.attrs.clone(),
            events: self.events.clone(),
            status: Some(Status {
                code: if self.error {
                    status::StatusCode::Error as i32
                } else {
                    status::StatusCode::Ok as i32
                },
                message: String::new(),
            }),
            ..Default::default()
        }
    }
}

pub fn request(service: &str, spans: &[SpanSpec]) -> ExportTraceServiceRequest {
    ExportTraceServiceRequest {
        resource_spans: vec![ResourceSpans {
            resource: Some(Resource {
                attributes: vec![
                    kv("service.name", s(service)),
                    kv("deployment.environment", s("test")),
                ],
                ..Default::default()
            }),
            scope_spans: vec![ScopeSpans {
                spans: spans.iter().map(SpanSpec::to_proto).collect(),
                ..Default::default()
            }],
            ..Default::default()
        }],
    }
}

pub fn now_ns() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64
}

/// Reads the JSON `data:` payloads of a server-sent-events response.
pub struct SseEvents {
    resp: reqwest::Response,
    buf: String,
}

impl SseEvents {
    pub fn new(resp: reqwest::Response) -> Self {
        SseEvents {
            resp,
            buf: String::new(),
        }
    }

    /// The next event's payload, or `None` when none comes within `within` or the stream ends.
    pub async fn next(&mut self, within: std::time::Duration) -> Option<Value> {
        let deadline = std::time::Instant::now() + within;
        loop {
            while let Some(end) = self.buf.find("\n\n") {
                let block: String = self.buf.drain(..end + 2).collect();
                let data: Vec<&str> = block
                    .lines()
                    .filter_map(|l| l.strip_prefix("data: ").or_else(|| l.strip_prefix("data:")))
                    .collect();
                if !data.is_empty() {
                    return Some(serde_json::from_str(&data.join("\n")).unwrap());
                }
            }
            let left = deadline.checked_duration_since(std::time::Instant::now())?;
            match tokio::time::timeout(left, self.resp.chunk()).await {
                Ok(Ok(Some(c))) => self.buf.push_str(&String::from_utf8_lossy(&c)),
                _ => return None,
            }
        }
    }
}
