//! The typed API client. Every HTTP call goes through [`send`] — the one seam
//! where API calls are made, so tracing them (dogfood) wraps one function.
//! Handles the three reply shapes of the contract (§2): raw JSON, the
//! `{status,data}` envelope, and text/plain structured errors.

mod admin;
mod endpoints;
pub mod session;

pub use admin::*;
pub use endpoints::*;

use crate::model::{error_message, Envelope};
use gloo_net::http::{Method, RequestBuilder};
use serde::de::DeserializeOwned;
use serde_json::Value;

#[derive(Debug, Clone, PartialEq)]
pub struct ApiError {
    pub status: u16,
    pub message: String,
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl ApiError {
    fn network(e: impl std::fmt::Display) -> ApiError {
        ApiError {
            status: 0,
            message: format!("network error: {e}"),
        }
    }
    fn decode(path: &str, e: impl std::fmt::Display) -> ApiError {
        ApiError {
            status: 0,
            message: format!("unexpected reply from {path}: {e}"),
        }
    }
}

pub type ApiResult<T> = Result<T, ApiError>;

/// Base URL of the query-service API: `<meta name="api-base">` in index.html,
/// default same-origin `/api` (what nginx proxies).
pub fn api_base() -> String {
    web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.query_selector("meta[name=api-base]").ok().flatten())
        .and_then(|m| m.get_attribute("content"))
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "/api".to_string())
        .trim_end_matches('/')
        .to_string()
}

/// One HTTP round trip: status and body bytes. The single seam for dogfood tracing.
/// Bytes, not text: a 100 000-span trace is ~25 MB, and copying the ArrayBuffer into wasm
/// memory is far cheaper than decoding it to a JS string and re-encoding that as UTF-8.
async fn send(
    method: Method,
    url: &str,
    token: Option<&str>,
    body: Option<&str>,
) -> ApiResult<(u16, Vec<u8>)> {
    #[cfg(feature = "dogfood")]
    let traced = super::dogfood::start_call(method.as_str(), url);
    let req = RequestBuilder::new(url).method(method);
    #[cfg(feature = "dogfood")]
    let req = match &traced {
        Some((_, traceparent)) => req.header("traceparent", traceparent),
        None => req,
    };
    let result = send_untraced(req, token, body).await;
    #[cfg(feature = "dogfood")]
    if let Some((span, _)) = traced {
        span.finish(result.as_ref().map(|r| r.0).map_err(|e| e.message.as_str()));
    }
    result
}

async fn send_untraced(
    mut req: RequestBuilder,
    token: Option<&str>,
    body: Option<&str>,
) -> ApiResult<(u16, Vec<u8>)> {
    if let Some(t) = token {
        req = req.header("Authorization", &format!("Bearer {t}"));
    }
    let resp = match body {
        Some(b) => {
            req.header("Content-Type", "application/json")
                .body(b.to_string())
                .map_err(ApiError::network)?
                .send()
                .await
        }
        None => req.send().await,
    }
    .map_err(ApiError::network)?;
    let status = resp.status();
    let bytes = resp.binary().await.map_err(ApiError::network)?;
    Ok((status, bytes))
}

/// A call with the Bearer token; on 401 one refresh then one retry, else
/// the session ends (back to login). Returns the body of a 2xx reply.
pub async fn call(method: Method, path: &str, body: Option<&Value>) -> ApiResult<Vec<u8>> {
    let url = format!("{}{path}", api_base());
    let body = body.map(|b| b.to_string());
    let token = session::access_token();
    let (status, text) = send(method.clone(), &url, token.as_deref(), body.as_deref()).await?;
    let (status, text) = if status == 401 && token.is_some() {
        if refresh().await {
            let token = session::access_token();
            send(method, &url, token.as_deref(), body.as_deref()).await?
        } else {
            (status, text)
        }
    } else {
        (status, text)
    };
    if status == 401 {
        session::end();
    }
    if (200..300).contains(&status) {
        Ok(text)
    } else {
        Err(ApiError {
            status,
            message: error_message(status, &String::from_utf8_lossy(&text)),
        })
    }
}

/// `POST /api/v1/login {refreshToken}`; stores the new tokens on success.
async fn refresh() -> bool {
    let Some(refresh) = session::refresh_token() else {
        return false;
    };
    let url = format!("{}/v1/login", api_base());
    let body = serde_json::json!({ "refreshToken": refresh }).to_string();
    match send(Method::POST, &url, None, Some(&body)).await {
        Ok((200, text)) => match serde_json::from_slice(&text) {
            Ok(login) => {
                session::store(&login);
                true
            }
            Err(_) => false,
        },
        _ => false,
    }
}

/// A trace reply: our server's compact reply still arriving (read it with
/// [`read_chunk`]), or a whole v0.39 reply.
pub enum TraceBody {
    Stream(web_sys::ReadableStreamDefaultReader),
    Whole(Vec<u8>),
}

/// The reply boot.js already asked for, if it asked for `trace_id` and got
/// a 2xx: a `Response` of the compact route (body unread) or the v0.39
/// reply's bytes; taken once.
pub(crate) async fn take_prefetched_trace(trace_id: &str) -> Option<TraceBody> {
    use wasm_bindgen::{JsCast, JsValue};
    let window: JsValue = web_sys::window()?.into();
    let key = JsValue::from_str("__tracePrefetch");
    let pre = js_sys::Reflect::get(&window, &key).ok()?;
    if pre.is_undefined() || pre.is_null() {
        return None;
    }
    let _ = js_sys::Reflect::delete_property(&window.clone().into(), &key);
    let id = js_sys::Reflect::get(&pre, &JsValue::from_str("id")).ok()?;
    if id.as_string().as_deref() != Some(trace_id) {
        return None;
    }
    let reply = js_sys::Reflect::get(&pre, &JsValue::from_str("reply")).ok()?;
    let reply = wasm_bindgen_futures::JsFuture::from(js_sys::Promise::resolve(&reply))
        .await
        .ok()?;
    if reply.is_null() || reply.is_undefined() {
        return None;
    }
    match reply.dyn_into::<web_sys::Response>() {
        Ok(resp) => Some(TraceBody::Stream(
            resp.body()?.get_reader().unchecked_into(),
        )),
        Err(bytes) => Some(TraceBody::Whole(js_sys::Uint8Array::new(&bytes).to_vec())),
    }
}

/// A GET whose 2xx reply names `format` in the `x-trace-format` header,
/// its body still to be read; `None` for any other answer (as from SigNoz,
/// which has no such route) or a network error.
pub(crate) async fn open_trace_stream(path: &str, format: &str) -> Option<TraceBody> {
    use wasm_bindgen::JsCast;
    let url = format!("{}{path}", api_base());
    let mut req = RequestBuilder::new(&url).method(Method::GET);
    if let Some(t) = session::access_token() {
        req = req.header("Authorization", &format!("Bearer {t}"));
    }
    #[cfg(feature = "dogfood")]
    let traced = super::dogfood::start_call("GET", &url);
    #[cfg(feature = "dogfood")]
    if let Some((_, traceparent)) = &traced {
        req = req.header("traceparent", traceparent);
    }
    let resp = req.send().await;
    #[cfg(feature = "dogfood")]
    if let Some((span, _)) = traced {
        span.finish(
            resp.as_ref()
                .map(|r| r.status())
                .map_err(|_| "network error"),
        );
    }
    let resp = resp.ok()?;
    let body = resp.body()?;
    if !resp.ok() || resp.headers().get("x-trace-format").as_deref() != Some(format) {
        let _ = body.cancel();
        return None;
    }
    Some(TraceBody::Stream(body.get_reader().unchecked_into()))
}

/// The next piece of a streamed body; `None` at its end.
pub async fn read_chunk(
    reader: &web_sys::ReadableStreamDefaultReader,
) -> ApiResult<Option<Vec<u8>>> {
    let chunk = wasm_bindgen_futures::JsFuture::from(reader.read())
        .await
        .map_err(|_| ApiError::network("the reply was interrupted"))?;
    let field = |name: &str| {
        js_sys::Reflect::get(&chunk, &wasm_bindgen::JsValue::from_str(name)).unwrap_or_default()
    };
    if field("done").as_bool().unwrap_or(true) {
        return Ok(None);
    }
    Ok(Some(js_sys::Uint8Array::new(&field("value")).to_vec()))
}

/// A raw-JSON endpoint.
pub async fn raw<T: DeserializeOwned>(
    method: Method,
    path: &str,
    body: Option<&Value>,
) -> ApiResult<T> {
    let text = call(method, path, body).await?;
    serde_json::from_slice(&text).map_err(|e| ApiError::decode(path, e))
}

/// An enveloped endpoint whose `data` may be absent.
pub async fn envelope_opt<T: DeserializeOwned>(
    method: Method,
    path: &str,
    body: Option<&Value>,
) -> ApiResult<Option<T>> {
    let text = call(method, path, body).await?;
    let env: Envelope<T> = serde_json::from_slice(&text).map_err(|e| ApiError::decode(path, e))?;
    if env.status != "success" {
        return Err(ApiError {
            status: 200,
            message: error_message(200, &String::from_utf8_lossy(&text)),
        });
    }
    Ok(env.data)
}

/// An enveloped endpoint that must carry `data`.
pub async fn envelope<T: DeserializeOwned>(
    method: Method,
    path: &str,
    body: Option<&Value>,
) -> ApiResult<T> {
    envelope_opt(method, path, body)
        .await?
        .ok_or_else(|| ApiError::decode(path, "no data"))
}

/// A streamed GET (server-sent events): `on_open` runs once the reply's
/// headers arrived, `on_chunk` gets each body chunk as it arrives and returns
/// false to stop. With the Bearer token, like every call; not through
/// [`send`], whose reply is read whole.
pub async fn stream(
    path: &str,
    on_open: impl FnOnce(),
    mut on_chunk: impl FnMut(&[u8]) -> bool,
) -> ApiResult<()> {
    use wasm_bindgen::JsCast;
    let url = format!("{}{path}", api_base());
    let mut req = RequestBuilder::new(&url)
        .method(Method::GET)
        .header("Accept", "text/event-stream");
    if let Some(t) = session::access_token() {
        req = req.header("Authorization", &format!("Bearer {t}"));
    }
    let resp = req.send().await.map_err(ApiError::network)?;
    if !resp.ok() {
        let status = resp.status();
        let text = resp.text().await.unwrap_or_default();
        return Err(ApiError {
            status,
            message: error_message(status, &text),
        });
    }
    let body = resp
        .body()
        .ok_or_else(|| ApiError::network("empty reply"))?;
    on_open();
    let reader: web_sys::ReadableStreamDefaultReader = body.get_reader().unchecked_into();
    loop {
        let chunk = wasm_bindgen_futures::JsFuture::from(reader.read())
            .await
            .map_err(|_| ApiError::network("the stream was interrupted"))?;
        let field = |name: &str| {
            js_sys::Reflect::get(&chunk, &wasm_bindgen::JsValue::from_str(name)).unwrap_or_default()
        };
        if field("done").as_bool().unwrap_or(true) {
            return Ok(());
        }
        let bytes = js_sys::Uint8Array::new(&field("value")).to_vec();
        if !on_chunk(&bytes) {
            let _ = reader.cancel();
            return Ok(());
        }
    }
}
