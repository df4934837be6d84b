//! The export path: OTLP bodies go out through `web::transport`. A queue export
//! (`send_items`) starts its request from a task of its own (after compressing, if gzip is
//! on): the app's call that filled the batch does not pay for it, and page hide takes over
//! the ones not sent yet. Other bodies start their first request synchronously unless gzip
//! is on. With the offline buffer on, what the collector could not take goes there
//! (`web::offline`), and a successful export drains it.

use std::cell::RefCell;
use std::rc::Rc;
#[cfg(feature = "offline")]
use std::rc::Weak;

use js_sys::{Promise, Uint8Array};
use wasm_bindgen::prelude::*;

use super::js;
use super::offline;
#[cfg(feature = "offline")]
use super::offline::OfflineBuffer;
use super::transport::{Held, Owner, Sent, Taken, Transport};
use crate::config::Compression;
use crate::export::offline::Record;
use crate::export::{ExportStats, SignalKind};
use crate::otlp::Encoding;
use crate::propagation::cors::resolve;
use crate::resource::Resource;

pub struct Exporter {
    pub transport: Transport,
    pub traces_url: String,
    pub metrics_url: String,
    pub logs_url: String,
    pub encoding: Encoding,
    pub resource: Resource,
    /// Where bodies wait while the collector is unreachable; `None` when turned off.
    pub offline: Option<offline::Shared>,
}

/// How an export task ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Delivery {
    Delivered,
    Failed,
    /// Kept in the offline buffer (or the page-hide stash) for later.
    Buffered,
}

impl Owner for Exporter {
    fn transport(&self) -> &Transport {
        &self.transport
    }
}

impl Exporter {
    pub fn new(cfg: &crate::config::Config, resource: Resource) -> Result<Rc<Self>, JsValue> {
        #[cfg(feature = "offline")]
        let limits = cfg.offline;
        #[cfg(not(feature = "offline"))]
        let limits: Option<crate::export::offline::Limits> = None;
        let fetch: js_sys::Function = crate::instrument::web::original_fetch()
            .dyn_into()
            .map_err(|_| JsValue::from_str("fetch is not available"))?;
        let transport = Transport::new(cfg, fetch, limits.is_none());
        let build = |offline| Exporter {
            transport,
            traces_url: cfg.traces_url.clone(),
            metrics_url: cfg.metrics_url.clone(),
            logs_url: cfg.logs_url.clone(),
            // Without the JSON encoder every export is protobuf, whatever the config says.
            encoding: if cfg!(feature = "otlp-json") {
                cfg.encoding
            } else {
                Encoding::Protobuf
            },
            resource,
            offline,
        };
        // The buffer holds the exporter weakly, as the transport's owner.
        #[cfg(feature = "offline")]
        return Ok(Rc::new_cyclic(|me: &Weak<Self>| {
            let owner: Weak<dyn Owner> = me.clone();
            build(limits.map(|l| OfflineBuffer::new(l, owner)))
        }));
        #[cfg(not(feature = "offline"))]
        Ok(Rc::new(build(None)))
    }

    /// Whether `url` is one of our endpoints (resolved against the page; query ignored).
    pub fn is_own_url(&self, url: &str) -> bool {
        resolve(url, &js::document_url()).is_some_and(|r| self.is_endpoint(&r.href))
    }

    /// [`is_own_url`](Self::is_own_url) of a URL the browser serialised already (`new URL`'s
    /// `href`, as the instrumentations hand every request's): no resolving, a call into JS each
    /// field, on every request. With credentials it resolves (that drops them).
    pub fn is_own_href(&self, href: &str) -> bool {
        if crate::text::has(href, b'@') {
            return self.is_own_url(href);
        }
        self.is_endpoint(href)
    }

    fn is_endpoint(&self, href: &str) -> bool {
        let href = href.split(['?', '#']).next().unwrap_or("");
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

    /// [`send`](Self::send) for a body of `items` spans / log records, sent from a task of its
    /// own (after its compression, if configured); page hide may take it over until then.
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

    /// At page hide: each body not sent yet is sent uncompressed now, with
    /// keepalive, or stashed for the next page when the keepalive budget has no room.
    pub fn release_held(&self) {
        let offline_now = self.offline.is_some() && !offline::is_online();
        for h in self.transport.take_held() {
            let (room, slots) = self.keepalive_room();
            let t = if !offline_now && slots > 0 && h.body.length() as usize <= room {
                Taken::Sent(self.transport.request(&h.url, h.encoding, &h.body, false))
            } else {
                let e = crate::export::stash::Entry {
                    url: h.url.clone(),
                    encoding: h.encoding,
                    spans: h.items,
                    body: h.body.to_vec(),
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
        let t = &self.transport;
        let offline_now = self.offline.is_some() && !offline::is_online();
        // In JS memory from here on (the request needs it there anyway): an export in flight
        // keeps no copy in wasm memory, which never shrinks, so a burst's bodies would stay
        // there as its peak.
        let body = Uint8Array::from(&body[..]);
        // At page hide, and for bodies that are no queue export, the request starts now; a
        // queue export waits for a task of its own (and for its compression, if configured),
        // so the app's call that filled the batch does not pay for the request.
        let first = match (offline_now, t.compression) {
            (false, _) if now => Some(t.request(&url, encoding, &body, false)),
            (false, Compression::None) if hold.is_none() => {
                Some(t.request(&url, encoding, &body, false))
            }
            _ => None,
        };
        // Registered now, not when the task first runs (a microtask later): a page hide in
        // this same task must find it.
        let held = match (first.is_none() && !offline_now, hold) {
            (true, Some((kind, items))) => Some(t.hold(Held {
                url: url.clone(),
                encoding,
                body: body.clone(),
                kind,
                items,
                taken: RefCell::new(None),
            })),
            _ => None,
        };
        let me = self.clone();
        Transport::spawn(self, async move {
            let sent = if offline_now {
                Sent::Unreachable
            } else {
                me.transport
                    .deliver(&url, encoding, &body, first, true, held)
                    .await
            };
            let d = match (sent, &me.offline) {
                (Sent::Stashed, _) => Delivery::Buffered,
                (Sent::Acked, _) => {
                    // The collector is back: anything buffered can follow.
                    me.drain_offline();
                    Delivery::Delivered
                }
                (Sent::Unreachable, Some(b)) => {
                    let attempts = if offline_now { 0 } else { 1 };
                    let r = Record {
                        id: 0.0,
                        url,
                        encoding,
                        body: body.to_vec(),
                        created_ms: js::date_now_ms(),
                        attempts,
                    };
                    let dropped = b.put(r).await;
                    let mut s = me.stats().borrow_mut();
                    s.offline_buffered += 1;
                    s.offline_dropped += dropped;
                    drop(s);
                    b.buffered();
                    Delivery::Buffered
                }
                _ => Delivery::Failed,
            };
            if d == Delivery::Failed {
                me.stats().borrow_mut().export_failures += 1;
            }
            on_done(d);
        })
    }

    /// Drains the offline buffer (if on): what earlier pages, other tabs or this page could
    /// not send.
    pub fn drain_offline(&self) {
        if let Some(b) = &self.offline {
            b.drain();
        }
    }

    /// HTTP requests of ours currently in flight.
    pub fn requests_in_flight(&self) -> u32 {
        self.transport.requests_in_flight.get()
    }

    pub fn url(&self, kind: SignalKind) -> &str {
        match kind {
            SignalKind::Traces => &self.traces_url,
            SignalKind::Logs => &self.logs_url,
        }
    }

    /// Counts a span ended / a log record emitted.
    pub fn count_new(&self, kind: SignalKind) {
        let mut s = self.stats().borrow_mut();
        *match kind {
            SignalKind::Traces => &mut s.spans_ended,
            SignalKind::Logs => &mut s.logs_emitted,
        } += 1;
    }

    /// Counts how an export of `n` spans / log records ended; `resent` for stash bodies.
    pub fn count_delivery(&self, kind: SignalKind, d: Delivery, n: u64, resent: bool) {
        let mut s = self.stats().borrow_mut();
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
        let mut s = self.stats().borrow_mut();
        let c = s.signal(kind);
        *c.stashed += stashed;
        *c.stash_dropped += dropped;
    }

    /// The export counters (`stats()`).
    pub fn stats(&self) -> &RefCell<ExportStats> {
        &self.transport.stats
    }

    /// What the keepalive budget can still take: (bytes, requests).
    pub fn keepalive_room(&self) -> (usize, usize) {
        self.transport.keepalive_room()
    }

    /// Every export task not yet settled.
    pub fn pending(&self) -> Vec<Promise> {
        self.transport.pending()
    }
}
