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
use crate::export::{
    classify, parse_retry_after, ExportStats, KeepaliveBudget, Outcome, RetryPolicy, SignalKind,
    Verdict,
};
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
    /// Bodies being gzipped (CompressionStream is async): at page hide they go out
    /// uncompressed at once instead ([`release_held`](Exporter::release_held)).
    held: RefCell<Vec<Rc<Held>>>,
}

struct Held {
    url: String,
    encoding: Encoding,
    body: Vec<u8>,
    kind: SignalKind,
    items: u64,
    taken: RefCell<Option<Taken>>,
}

/// What page hide did with a held body.
enum Taken {
    /// Sent uncompressed (the export task finishes this request).
    Sent(Request),
    /// Stashed for the next page (counted there).
    Stashed,
}

/// How an export task ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Delivery {
    Delivered,
    Failed,
    /// Kept in the offline buffer (or the page-hide stash) for later.
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
    /// Stashed at page hide while it was being compressed.
    Stashed,
}

impl Exporter {
    pub fn new(cfg: &crate::config::Config, resource: Resource) -> Result<Rc<Self>, JsValue> {
        let fetch: js_sys::Function = crate::instrument::web::original_fetch()
            .dyn_into()
            .map_err(|_| JsValue::from_str("fetch is not available"))?;
        let ex = Rc::new(Exporter {
            fetch,
            traces_url: cfg.traces_url.clone(),
            metrics_url: cfg.metrics_url.clone(),
            logs_url: cfg.logs_url.clone(),
            // Without the JSON encoder every export is protobuf, whatever the config says.
            encoding: if cfg!(feature = "otlp-json") {
                cfg.encoding
            } else {
                Encoding::Protobuf
            },
            compression: cfg.compression,
            headers: cfg.headers.clone(),
            timeout_ms: cfg.timeout_ms as f64,
            export_timeout_ms: cfg.batch.export_timeout_ms as f64,
            retry: RetryPolicy {
                max_retries: cfg.max_retries,
                ..Default::default()
            },
            resource,
            keepalive: RefCell::new(KeepaliveBudget::default()),
            stats: RefCell::new(ExportStats::default()),
            random: super::random::WebRandom::new(),
            pending: RefCell::new(Vec::new()),
            next_task: Cell::new(0),
            requests_in_flight: Cell::new(0),
            #[cfg(feature = "offline")]
            offline: cfg.offline.map(OfflineBuffer::new),
            #[cfg(not(feature = "offline"))]
            offline: None,
            held: RefCell::new(Vec::new()),
        });
        if let Some(b) = &ex.offline {
            b.listen(Rc::downgrade(&ex));
        }
        Ok(ex)
    }

    /// Whether `url` is one of our endpoints (resolved against the page; query ignored).
    pub fn is_own_url(&self, url: &str) -> bool {
        let Some(r) = resolve(url, &js::document_url()) else {
            return false;
        };
        let href = r.href.split(['?', '#']).next().unwrap_or("");
        href == self.traces_url || href == self.metrics_url || href == self.logs_url
    }

    /// Sends one OTLP body, retrying as the policy allows. `on_done` runs once when the task
    /// settles. The returned promise never rejects.
    pub fn send(
        self: &Rc<Self>,
        url: String,
        body: Vec<u8>,
        on_done: impl FnOnce(Delivery) + 'static,
    ) -> Promise {
        self.send_task(url, self.encoding, body, None, false, Box::new(on_done))
    }

    /// [`send`](Self::send) for a body of `items` spans / log records, which page hide may
    /// take over while it is being compressed.
    pub fn send_items(
        self: &Rc<Self>,
        url: String,
        body: Vec<u8>,
        kind: SignalKind,
        items: u64,
        on_done: impl FnOnce(Delivery) + 'static,
    ) -> Promise {
        self.send_task(
            url,
            self.encoding,
            body,
            Some((kind, items)),
            false,
            Box::new(on_done),
        )
    }

    /// [`send`](Self::send) uncompressed, the request started now: at page hide, when the
    /// page may not run again to finish a compression.
    pub fn send_now(
        self: &Rc<Self>,
        url: String,
        body: Vec<u8>,
        on_done: impl FnOnce(Delivery) + 'static,
    ) -> Promise {
        self.send_task(url, self.encoding, body, None, true, Box::new(on_done))
    }

    /// At page hide: each body still being compressed is sent uncompressed now, with
    /// keepalive, or stashed for the next page when the keepalive budget has no room.
    pub fn release_held(&self) {
        let held: Vec<Rc<Held>> = self.held.borrow_mut().drain(..).collect();
        let offline_now = self.offline.is_some() && !offline::is_online();
        for h in held {
            let (room, slots) = self.keepalive_room();
            let t = if !offline_now && slots > 0 && h.body.len() <= room {
                Taken::Sent(self.request(&h.url, h.encoding, &h.body, false))
            } else {
                let e = crate::export::stash::Entry {
                    url: h.url.clone(),
                    encoding: h.encoding,
                    spans: h.items,
                    body: h.body.clone(),
                };
                let dropped = super::stash::save(vec![e]);
                self.count_stashed(h.kind, h.items, dropped);
                Taken::Stashed
            };
            *h.taken.borrow_mut() = Some(t);
        }
    }

    /// [`send`](Self::send) for a body in a given encoding (a stashed body may predate a
    /// config change). With the offline buffer on, a body the collector could not take (or
    /// that was not tried: the browser is offline) goes to the buffer. `on_done` is boxed so
    /// that the export task is compiled once, not once per caller.
    pub fn send_as(
        self: &Rc<Self>,
        url: String,
        encoding: Encoding,
        body: Vec<u8>,
        on_done: Box<dyn FnOnce(Delivery)>,
    ) -> Promise {
        self.send_task(url, encoding, body, None, false, on_done)
    }

    fn send_task(
        self: &Rc<Self>,
        url: String,
        encoding: Encoding,
        body: Vec<u8>,
        hold: Option<(SignalKind, u64)>,
        now: bool,
        on_done: Box<dyn FnOnce(Delivery)>,
    ) -> Promise {
        let offline_now = self.offline.is_some() && !offline::is_online();
        // Without compression, start the first request right now, synchronously.
        let first = match (offline_now, self.compression) {
            (false, Compression::None) => Some(self.request(&url, encoding, &body, false)),
            (false, _) if now => Some(self.request(&url, encoding, &body, false)),
            _ => None,
        };
        // Registered now, not when the task first runs (a microtask later): a page hide in
        // this same task must find it.
        let held = match (
            first.is_none() && !offline_now && self.compression == Compression::Gzip,
            hold,
        ) {
            (true, Some((kind, items))) => {
                let h = Rc::new(Held {
                    url: url.clone(),
                    encoding,
                    body: body.clone(),
                    kind,
                    items,
                    taken: RefCell::new(None),
                });
                self.held.borrow_mut().push(h.clone());
                Some(h)
            }
            _ => None,
        };
        let me = self.clone();
        self.spawn(async move {
            let sent = if offline_now {
                Sent::Unreachable
            } else {
                me.deliver_held(&url, encoding, &body, first, true, held)
                    .await
            };
            let d = match (sent, &me.offline) {
                (Sent::Stashed, _) => Delivery::Buffered,
                (Sent::Acked, _) => {
                    // The collector is back: anything buffered can follow.
                    offline::drain(&me);
                    Delivery::Delivered
                }
                (Sent::Unreachable, Some(b)) => {
                    let attempts = if offline_now { 0 } else { 1 };
                    let r = Record {
                        id: 0.0,
                        url,
                        encoding,
                        body,
                        created_ms: js::date_now_ms(),
                        attempts,
                    };
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
    pub fn spawn(
        self: &Rc<Self>,
        task: impl std::future::Future<Output = ()> + 'static,
    ) -> Promise {
        let id = self.next_task.get().wrapping_add(1);
        self.next_task.set(id);
        let me = self.clone();
        let promise = super::timers::promise(Box::pin(async move {
            task.await;
            me.pending.borrow_mut().retain(|(i, _)| *i != id);
        }));
        self.pending.borrow_mut().push((id, promise.clone()));
        promise
    }

    /// Sends one body (gzipped first if configured), starting with `first` if already
    /// started, with the policy's retries when `retries`. A network error is not retried
    /// in place when the offline buffer is on: the buffer's drain is its retry.
    pub async fn deliver(
        self: &Rc<Self>,
        url: &str,
        encoding: Encoding,
        body: &[u8],
        first: Option<Request>,
        retries: bool,
    ) -> Sent {
        self.deliver_held(url, encoding, body, first, retries, None)
            .await
    }

    /// [`deliver`](Self::deliver); with `hold`, page hide may take the body over while it
    /// is being compressed.
    async fn deliver_held(
        self: &Rc<Self>,
        url: &str,
        encoding: Encoding,
        body: &[u8],
        first: Option<Request>,
        retries: bool,
        held: Option<Rc<Held>>,
    ) -> Sent {
        let started = js::date_now_ms();
        let mut attempt = first;
        let mut gzipped = None;
        if attempt.is_none() && self.compression == Compression::Gzip {
            // Without CompressionStream (very old browsers) the body goes uncompressed; not
            // compressed at all if page hide already took it.
            let z = if held.as_ref().is_some_and(|h| h.taken.borrow().is_some()) {
                None
            } else {
                gzip(body).await.ok()
            };
            match held {
                Some(h) => {
                    self.held.borrow_mut().retain(|x| !Rc::ptr_eq(x, &h));
                    match h.taken.borrow_mut().take() {
                        Some(Taken::Sent(r)) => attempt = Some(r),
                        Some(Taken::Stashed) => return Sent::Stashed,
                        None => gzipped = z,
                    }
                }
                None => gzipped = z,
            }
        }
        let wire = gzipped.as_deref().unwrap_or(body);
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
                Verdict::Retryable
                    if !retries || (outcome == Outcome::NetworkError && self.offline.is_some()) =>
                {
                    return Sent::Unreachable;
                }
                Verdict::Retryable => {
                    retry += 1;
                    let now = js::date_now_ms();
                    let ra = retry_after.and_then(|v| parse_retry_after(&v, now));
                    match self.retry.delay_ms(
                        retry,
                        self.random.unit_f64(),
                        ra,
                        now,
                        started + self.export_timeout_ms,
                    ) {
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
        self.pending
            .borrow()
            .iter()
            .map(|(_, p)| p.clone())
            .collect()
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
        js::set(
            &headers,
            "content-type",
            &JsValue::from_str(encoding.content_type()),
        );
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
        self.requests_in_flight
            .set(self.requests_in_flight.get() + 1);
        // A synchronous throw (e.g. a bad header value) becomes a rejected promise.
        let promise = match self
            .fetch
            .call2(&js::global(), &JsValue::from_str(url), &init)
        {
            Ok(p) => p
                .dyn_into::<Promise>()
                .unwrap_or_else(|v| Promise::resolve(&v)),
            Err(e) => Promise::reject(&e),
        };
        Request {
            promise,
            keepalive_bytes: if keepalive { Some(body.len()) } else { None },
            _abort: abort,
        }
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
        ex.requests_in_flight
            .set(ex.requests_in_flight.get().saturating_sub(1));
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
                let aborted = js::get(&e, "name")
                    .as_string()
                    .is_some_and(|n| n == "AbortError");
                (
                    if aborted {
                        Outcome::Timeout
                    } else {
                        Outcome::NetworkError
                    },
                    None,
                )
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
