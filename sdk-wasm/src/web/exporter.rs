//! OTLP/HTTP over the page's original `fetch`: optional gzip (CompressionStream), custom
//! headers, timeout via AbortController, `keepalive` within its budget, and retries per
//! `export::retry`. The first request starts synchronously in `send` (unless gzip is on,
//! which must compress first), so data handed over in a synchronous burst is already on its
//! way before the burst ends. With the offline buffer on, what the collector could not take
//! goes there (`web::offline`), and a successful export drains it.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use js_sys::{Promise, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

use super::js;
use super::offline::{self, OfflineBuffer};
use super::timers::{sleep, Timeout};
use crate::config::Compression;
use crate::export::offline::Record;
use crate::export::{classify, parse_retry_after, ExportStats, KeepaliveBudget, Outcome, RetryPolicy, SignalKind, Verdict};
use crate::ids::RandomSource;
use crate::otlp::Encoding;
use crate::propagation::cors::resolve;
use crate::resource::Resource;

pub struct Exporter {
    /// `fetch` as it was when the SDK started: never an instrumented wrapper.
    fetch: js_sys::Function,
    pub traces_url: String,
    pub metrics_url: String,
    pub logs_url: String,
    pub encoding: Encoding,
    compression: Compression,
    headers: Vec<(String, String)>,
    timeout_ms: f64,
    export_timeout_ms: f64,
    retry: RetryPolicy,
    pub resource: Resource,
    keepalive: RefCell<KeepaliveBudget>,
    pub stats: RefCell<ExportStats>,
    random: super::random::WebRandom,
    /// Export tasks not yet settled, for forceFlush.
    pending: RefCell<Vec<(u32, Promise)>>,
    next_task: Cell<u32>,
    /// HTTP requests of ours currently in flight.
    pub requests_in_flight: Cell<u32>,
    /// Where bodies wait while the collector is unreachable; `None` when turned off.
    pub offline: Option<OfflineBuffer>,
}

/// How an export task ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Delivery {
    Delivered,
    Failed,
    /// Kept in the offline buffer for later.
    Buffered,
}

/// What the collector made of one body (after the retries).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sent {
    /// 2xx.
    Acked,
    /// Refused for good (4xx, 500, 501) or timed out (it may have arrived: not resent).
    Refused,
    /// Network error, or 429/502/503/504 still after the retries: worth keeping.
    Unreachable,
}

impl Exporter {
    pub fn new(cfg: &crate::config::Config, resource: Resource) -> Result<Rc<Self>, JsValue> {
        let fetch: js_sys::Function = js::global_get("fetch").dyn_into().map_err(|_| JsValue::from_str("fetch is not available"))?;
        let ex = Rc::new(Exporter {
            fetch,
            traces_url: cfg.traces_url.clone(),
            metrics_url: cfg.metrics_url.clone(),
            logs_url: cfg.logs_url.clone(),
            encoding: cfg.encoding,
            compression: cfg.compression,
            headers: cfg.headers.clone(),
            timeout_ms: cfg.timeout_ms as f64,
            export_timeout_ms: cfg.batch.export_timeout_ms as f64,
            retry: RetryPolicy { max_retries: cfg.max_retries, ..Default::default() },
            resource,
            keepalive: RefCell::new(KeepaliveBudget::default()),
            stats: RefCell::new(ExportStats::default()),
            random: super::random::WebRandom::new(),
            pending: RefCell::new(Vec::new()),
            next_task: Cell::new(0),
            requests_in_flight: Cell::new(0),
            offline: cfg.offline.map(OfflineBuffer::new),
        });
        if let Some(b) = &ex.offline {
            b.listen(Rc::downgrade(&ex));
        }
        Ok(ex)
    }

    /// Whether `url` is one of our endpoints (resolved against the page; query ignored).
    pub fn is_own_url(&self, url: &str) -> bool {
        let Some(r) = resolve(url, &js::document_url()) else { return false };
        let href = r.href.split(['?', '#']).next().unwrap_or("");
        href == self.traces_url || href == self.metrics_url || href == self.logs_url
    }

    /// Sends one OTLP body, retrying as the policy allows. `on_done` runs once when the task
    /// settles. The returned promise never rejects.
    pub fn send(self: &Rc<Self>, url: String, body: Vec<u8>, on_done: impl FnOnce(Delivery) + 'static) -> Promise {
        self.send_as(url, self.encoding, body, Box::new(on_done))
    }

    /// [`send`](Self::send) for a body in a given encoding (a stashed body may predate a
    /// config change). With the offline buffer on, a body the collector could not take (or
    /// that was not tried: the browser is offline) goes to the buffer. `on_done` is boxed so
    /// that the export task is compiled once, not once per caller.
    pub fn send_as(self: &Rc<Self>, url: String, encoding: Encoding, body: Vec<u8>, on_done: Box<dyn FnOnce(Delivery)>) -> Promise {
        let offline_now = self.offline.is_some() && !offline::is_online();
        // Without compression, start the first request right now, synchronously.
        let first = match (offline_now, self.compression) {
            (false, Compression::None) => Some(self.request(&url, encoding, &body, false)),
            _ => None,
        };
        let me = self.clone();
        self.spawn(async move {
            let sent = if offline_now { Sent::Unreachable } else { me.deliver(&url, encoding, &body, first, true).await };
            let d = match (sent, &me.offline) {
                (Sent::Acked, _) => {
                    // The collector is back: anything buffered can follow.
                    offline::drain(&me);
                    Delivery::Delivered
                }
                (Sent::Unreachable, Some(b)) => {
                    let attempts = if offline_now { 0 } else { 1 };
                    let r = Record { id: 0.0, url, encoding, body, created_ms: js::date_now_ms(), attempts };
                    let dropped = b.put(r).await;
                    let mut s = me.stats.borrow_mut();
                    s.offline_buffered += 1;
                    s.offline_dropped += dropped;
                    drop(s);
                    b.buffered(&me);
                    Delivery::Buffered
                }
                _ => Delivery::Failed,
            };
            if d == Delivery::Failed {
                me.stats.borrow_mut().export_failures += 1;
            }
            on_done(d);
        })
    }

    /// Runs an export task, tracked for forceFlush until it settles.
    pub fn spawn(self: &Rc<Self>, task: impl std::future::Future<Output = ()> + 'static) -> Promise {
        let id = self.next_task.get().wrapping_add(1);
        self.next_task.set(id);
        let me = self.clone();
        let promise = wasm_bindgen_futures::future_to_promise(async move {
            task.await;
            me.pending.borrow_mut().retain(|(i, _)| *i != id);
            Ok(JsValue::UNDEFINED)
        });
        self.pending.borrow_mut().push((id, promise.clone()));
        promise
    }

    /// Sends one body (gzipped first if configured), starting with `first` if already
    /// started, with the policy's retries when `retries`. A network error is not retried
    /// in place when the offline buffer is on: the buffer's drain is its retry.
    pub async fn deliver(self: &Rc<Self>, url: &str, encoding: Encoding, body: &[u8], first: Option<Request>, retries: bool) -> Sent {
        let started = js::date_now_ms();
        // Without CompressionStream (very old browsers) the body goes uncompressed.
        let gzipped = match self.compression {
            Compression::Gzip => gzip(body).await.ok(),
            Compression::None => None,
        };
        let wire = gzipped.as_deref().unwrap_or(body);
        let mut attempt = first;
        let mut retry = 0;
        loop {
            let req = match attempt.take() {
                Some(r) => r,
                None => self.request(url, encoding, wire, gzipped.is_some()),
            };
            let (outcome, retry_after) = req.finish(self).await;
            match classify(outcome) {
                Verdict::Success => return Sent::Acked,
                Verdict::Failed => return Sent::Refused,
                Verdict::Retryable if !retries || (outcome == Outcome::NetworkError && self.offline.is_some()) => return Sent::Unreachable,
                Verdict::Retryable => {
                    retry += 1;
                    let now = js::date_now_ms();
                    let ra = retry_after.and_then(|v| parse_retry_after(&v, now));
                    match self.retry.delay_ms(retry, self.random.unit_f64(), ra, now, started + self.export_timeout_ms) {
                        Some(d) => {
                            self.stats.borrow_mut().export_retries += 1;
                            sleep(d).await;
                        }
                        None => return Sent::Unreachable,
                    }
                }
            }
        }
    }

    pub fn url(&self, kind: SignalKind) -> &str {
        match kind {
            SignalKind::Traces => &self.traces_url,
            SignalKind::Logs => &self.logs_url,
        }
    }

    /// Counts a span ended / a log record emitted.
    pub fn count_new(&self, kind: SignalKind) {
        let mut s = self.stats.borrow_mut();
        *match kind {
            SignalKind::Traces => &mut s.spans_ended,
            SignalKind::Logs => &mut s.logs_emitted,
        } += 1;
    }

    /// Counts how an export of `n` spans / log records ended; `resent` for stash bodies.
    pub fn count_delivery(&self, kind: SignalKind, d: Delivery, n: u64, resent: bool) {
        let mut s = self.stats.borrow_mut();
        let c = s.signal(kind);
        *match (d, resent) {
            (Delivery::Delivered, false) => c.exported,
            (Delivery::Delivered, true) => c.resent,
            (Delivery::Failed, _) => c.failed,
            (Delivery::Buffered, _) => return,
        } += n;
    }

    /// Counts items written to the stash, and those it dropped.
    pub fn count_stashed(&self, kind: SignalKind, stashed: u64, dropped: u64) {
        let mut s = self.stats.borrow_mut();
        let c = s.signal(kind);
        *c.stashed += stashed;
        *c.stash_dropped += dropped;
    }

    /// What the keepalive budget can still take: (bytes, requests).
    pub fn keepalive_room(&self) -> (usize, usize) {
        self.keepalive.borrow().room()
    }

    /// Every export task not yet settled.
    pub fn pending(&self) -> Vec<Promise> {
        self.pending.borrow().iter().map(|(_, p)| p.clone()).collect()
    }

    /// Starts one HTTP request now.
    fn request(&self, url: &str, encoding: Encoding, body: &[u8], gzipped: bool) -> Request {
        self.stats.borrow_mut().export_requests += 1;
        let keepalive = self.keepalive.borrow_mut().try_acquire(body.len());
        // A plain object: web-sys's RequestInit has no `keepalive` setter.
        let init: JsValue = js_sys::Object::new().into();
        js::set(&init, "method", &JsValue::from_str("POST"));
        js::set(&init, "keepalive", &JsValue::from_bool(keepalive));
        let headers = js_sys::Object::new();
        js::set(&headers, "content-type", &JsValue::from_str(encoding.content_type()));
        if gzipped {
            js::set(&headers, "content-encoding", &JsValue::from_str("gzip"));
        }
        for (k, v) in &self.headers {
            js::set(&headers, k, &JsValue::from_str(v));
        }
        js::set(&init, "headers", &headers);
        let bytes = Uint8Array::from(body);
        js::set(&init, "body", &bytes);
        let controller = web_sys::AbortController::new().ok();
        if let Some(c) = &controller {
            js::set(&init, "signal", &c.signal());
        }
        let abort = controller.map(|c| Timeout::new(self.timeout_ms, move || c.abort()));
        self.requests_in_flight.set(self.requests_in_flight.get() + 1);
        // A synchronous throw (e.g. a bad header value) becomes a rejected promise.
        let promise = match self.fetch.call2(&js::global(), &JsValue::from_str(url), &init) {
            Ok(p) => p.dyn_into::<Promise>().unwrap_or_else(|v| Promise::resolve(&v)),
            Err(e) => Promise::reject(&e),
        };
        Request { promise, keepalive_bytes: if keepalive { Some(body.len()) } else { None }, _abort: abort }
    }
}

/// One request in flight.
pub struct Request {
    promise: Promise,
    keepalive_bytes: Option<usize>,
    _abort: Option<Timeout>,
}

impl Request {
    /// Waits for the response: the outcome and any `Retry-After` value.
    async fn finish(self, ex: &Exporter) -> (Outcome, Option<String>) {
        let result = JsFuture::from(self.promise).await;
        ex.requests_in_flight.set(ex.requests_in_flight.get().saturating_sub(1));
        if let Some(n) = self.keepalive_bytes {
            ex.keepalive.borrow_mut().release(n);
        }
        match result {
            Ok(resp) => {
                let resp: web_sys::Response = resp.unchecked_into();
                let retry_after = resp.headers().get("retry-after").ok().flatten();
                // Drain the body so the connection can be reused.
                if let Ok(p) = resp.array_buffer() {
                    let _ = JsFuture::from(p).await;
                }
                (Outcome::Status(resp.status()), retry_after)
            }
            Err(e) => {
                let aborted = js::get(&e, "name").as_string().is_some_and(|n| n == "AbortError");
                (if aborted { Outcome::Timeout } else { Outcome::NetworkError }, None)
            }
        }
    }
}

/// gzip through the browser's CompressionStream.
async fn gzip(body: &[u8]) -> Result<Vec<u8>, JsValue> {
    let parts = js_sys::Array::of1(&Uint8Array::from(body));
    let blob = web_sys::Blob::new_with_u8_array_sequence(&parts)?;
    let cs = js::CompressionStream::new("gzip")?;
    let stream = blob.stream().pipe_through(cs.unchecked_ref());
    let resp = web_sys::Response::new_with_opt_readable_stream(Some(&stream))?;
    let buf = JsFuture::from(resp.array_buffer()?).await?;
    Ok(Uint8Array::new(&buf).to_vec())
}
