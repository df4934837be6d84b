//! OTLP/HTTP requests over the page's original `fetch`: optional gzip (CompressionStream),
//! custom headers, timeout via AbortController, `keepalive` within its budget, retries per
//! `export::retry`, and what the collector made of a body ([`Sent`]). Knows nothing of the
//! offline buffer or the stash: `web::offline` and `web::exporter` both send through it.
//! The exporter owns it; the offline buffer reaches it through the [`Owner`] trait, so that
//! it depends on the transport alone (and the tracing-only build keeps one allocation).

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use js_sys::{Promise, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

use super::js;
use super::timers::{sleep, Timeout};
use crate::config::Compression;
use crate::export::{
    classify, parse_retry_after, ExportStats, KeepaliveBudget, Outcome, RetryPolicy, SignalKind,
    Verdict,
};
use crate::ids::RandomSource;
use crate::otlp::Encoding;

/// What owns the transport (the exporter): export tasks keep it alive until they settle.
pub trait Owner {
    fn transport(&self) -> &Transport;
}

pub struct Transport {
    /// `fetch` as it was when the SDK started: never an instrumented wrapper.
    fetch: js_sys::Function,
    pub compression: Compression,
    headers: Vec<(String, String)>,
    timeout_ms: f64,
    export_timeout_ms: f64,
    retry: RetryPolicy,
    /// Whether a network error is retried in place: not with the offline buffer on (its
    /// drain is the retry). Always without the `offline` feature.
    #[cfg(feature = "offline")]
    retry_network_errors: bool,
    keepalive: RefCell<KeepaliveBudget>,
    /// The SDK's export counters (`stats()`), kept here so that the exporter and the offline
    /// buffer both reach them; the transport itself counts requests and retries.
    pub stats: RefCell<ExportStats>,
    random: super::random::WebRandom,
    /// Export tasks not yet settled, for forceFlush.
    pending: RefCell<Vec<(u32, Promise)>>,
    next_task: Cell<u32>,
    /// HTTP requests of ours currently in flight.
    pub requests_in_flight: Cell<u32>,
    /// Queue exports not sent yet (being gzipped, or waiting for a task of their own): at page
    /// hide the exporter sends them uncompressed at once instead
    /// ([`take_held`](Transport::take_held)).
    held: RefCell<Vec<Rc<Held>>>,
}

/// A queue export's body not sent yet (being compressed, or waiting for a task of its own),
/// which page hide may take over.
pub struct Held {
    pub url: String,
    pub encoding: Encoding,
    pub body: Uint8Array,
    pub kind: SignalKind,
    pub items: u64,
    pub taken: RefCell<Option<Taken>>,
}

/// What page hide did with a held body.
pub enum Taken {
    /// Sent uncompressed (the export task finishes this request).
    Sent(Request),
    /// Stashed for the next page (counted there).
    Stashed,
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
    /// Stashed at page hide before it was sent.
    Stashed,
}

impl Transport {
    /// A transport over `fetch` (the page's original one). Inlined into its one caller (the
    /// exporter's `new`): smaller wasm.
    #[inline(always)]
    pub fn new(
        cfg: &crate::config::Config,
        fetch: js_sys::Function,
        retry_network_errors: bool,
    ) -> Self {
        #[cfg(not(feature = "offline"))]
        let _ = retry_network_errors;
        Transport {
            fetch,
            compression: cfg.compression,
            headers: cfg.headers.clone(),
            timeout_ms: cfg.timeout_ms as f64,
            export_timeout_ms: cfg.batch.export_timeout_ms as f64,
            retry: RetryPolicy {
                max_retries: cfg.max_retries,
                ..Default::default()
            },
            #[cfg(feature = "offline")]
            retry_network_errors,
            keepalive: RefCell::new(KeepaliveBudget::default()),
            stats: RefCell::new(ExportStats::default()),
            random: super::random::WebRandom::new(),
            pending: RefCell::new(Vec::new()),
            next_task: Cell::new(0),
            requests_in_flight: Cell::new(0),
            held: RefCell::new(Vec::new()),
        }
    }

    /// Runs an export task on `owner`'s transport, tracked for forceFlush until it settles.
    pub fn spawn<O: Owner + ?Sized + 'static>(
        owner: &Rc<O>,
        task: impl std::future::Future<Output = ()> + 'static,
    ) -> Promise {
        let t = owner.transport();
        let id = t.next_task.get().wrapping_add(1);
        t.next_task.set(id);
        let me = owner.clone();
        let promise = super::timers::promise(Box::pin(async move {
            task.await;
            me.transport()
                .pending
                .borrow_mut()
                .retain(|(i, _)| *i != id);
        }));
        t.pending.borrow_mut().push((id, promise.clone()));
        promise
    }

    /// Every export task not yet settled.
    pub fn pending(&self) -> Vec<Promise> {
        self.pending
            .borrow()
            .iter()
            .map(|(_, p)| p.clone())
            .collect()
    }

    /// Registers a body about to be compressed, which page hide may take over.
    #[inline(always)]
    pub fn hold(&self, h: Held) -> Rc<Held> {
        let h = Rc::new(h);
        self.held.borrow_mut().push(h.clone());
        h
    }

    /// The bodies not sent yet (page hide takes them over).
    pub fn take_held(&self) -> Vec<Rc<Held>> {
        std::mem::take(&mut *self.held.borrow_mut())
    }

    /// Sends one body (gzipped first if configured), starting with `first` if already
    /// started, with the policy's retries when `retries`; with `held`, page hide may take the
    /// body over until it is sent. A network error is not retried in place
    /// unless `retry_network_errors`.
    pub async fn deliver(
        &self,
        url: &str,
        encoding: Encoding,
        body: &Uint8Array,
        first: Option<Request>,
        retries: bool,
        held: Option<Rc<Held>>,
    ) -> Sent {
        let started = js::date_now_ms();
        let mut attempt = first;
        let mut gzipped = None;
        if attempt.is_none() && (held.is_some() || self.compression == Compression::Gzip) {
            // Without CompressionStream (very old browsers) the body goes uncompressed; not
            // compressed at all if page hide already took it. Uncompressed, a held body waits
            // for a task of its own.
            let taken = held.as_ref().is_some_and(|h| h.taken.borrow().is_some());
            let z = match (taken, self.compression) {
                (true, _) => None,
                (false, Compression::Gzip) => gzip(body).await.ok(),
                (false, _) => {
                    sleep(0.0).await;
                    None
                }
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
        let wire = gzipped.as_ref().unwrap_or(body);
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
                    if !retries
                        || (outcome == Outcome::NetworkError && !self.retries_network_errors()) =>
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

    fn retries_network_errors(&self) -> bool {
        #[cfg(feature = "offline")]
        return self.retry_network_errors;
        #[cfg(not(feature = "offline"))]
        true
    }

    /// What the keepalive budget can still take: (bytes, requests).
    pub fn keepalive_room(&self) -> (usize, usize) {
        self.keepalive.borrow().room()
    }

    /// Starts one HTTP request now.
    pub fn request(
        &self,
        url: &str,
        encoding: Encoding,
        body: &Uint8Array,
        gzipped: bool,
    ) -> Request {
        self.stats.borrow_mut().export_requests += 1;
        let len = body.length() as usize;
        let keepalive = self.keepalive.borrow_mut().try_acquire(len);
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
        js::set(&init, "body", body);
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
            keepalive_bytes: if keepalive { Some(len) } else { None },
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
    async fn finish(self, t: &Transport) -> (Outcome, Option<String>) {
        let result = JsFuture::from(self.promise).await;
        t.requests_in_flight
            .set(t.requests_in_flight.get().saturating_sub(1));
        if let Some(n) = self.keepalive_bytes {
            t.keepalive.borrow_mut().release(n);
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
async fn gzip(body: &Uint8Array) -> Result<Uint8Array, JsValue> {
    let parts = js_sys::Array::of1(body);
    let blob = web_sys::Blob::new_with_u8_array_sequence(&parts)?;
    let cs = js::CompressionStream::new("gzip")?;
    let stream = blob.stream().pipe_through(cs.unchecked_ref());
    let resp = web_sys::Response::new_with_opt_readable_stream(Some(&stream))?;
    let buf = JsFuture::from(resp.array_buffer()?).await?;
    Ok(Uint8Array::new(&buf))
}
