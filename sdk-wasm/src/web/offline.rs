//! The offline buffer's browser half (rules in `export::offline`): batches the collector
//! could not take are kept in IndexedDB (`offline.js`), or in memory when IndexedDB is
//! missing or fails, and drained — one origin-wide drain at a time (Web Locks, or a lease)
//! — on the `online` event, after a successful export, at `init`, and on a backoff timer
//! while the collector stays away. A batch is deleted once the collector acknowledged it.
//! IndexedDB is opened only once the `localStorage` marker or a write of this page says a
//! batch may be stored ([`StoreUse`]): an empty buffer costs no open, read or lock.
//!
//! Why not instead of the page-hide stash (`web::stash`): IndexedDB writes are async and
//! may not finish while the page unloads; `localStorage` is synchronous. So the stash
//! keeps what page hide cannot send, this buffer what an outage cannot.

use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};

use js_sys::{Object, Promise, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

use super::js::{self, get, set};
use super::listener::Listener;
use super::timers::Timeout;
use super::transport::{Owner, Sent, Transport};
use crate::export::offline::{
    evictions, expired, retry_delay_ms, Ledger, Limits, Marker, MemoryStore, Meta, Record, StoreUse,
};
use crate::otlp::Encoding;

#[wasm_bindgen(module = "/src/web/offline.js")]
extern "C" {
    fn idb_put(rec: &JsValue) -> Promise;
    fn idb_all() -> Promise;
    fn idb_bump(id: f64) -> Promise;
    fn idb_delete(ids: &JsValue) -> Promise;
    fn idb_settle() -> Promise;
    fn marker() -> u8;
    fn lock_take() -> Promise;
    fn lock_release();
    /// `navigator.onLine` (true where unknown).
    pub fn is_online() -> bool;
}

/// How the exporter holds the buffer (the timer and `online` callbacks hold it weakly).
pub type Shared = Rc<OfflineBuffer>;

/// Where a record lives: IndexedDB keys and memory ids are separate spaces.
type Key = (bool, f64);

pub struct OfflineBuffer {
    /// Itself, for the timer and listener callbacks.
    this: Weak<OfflineBuffer>,
    /// Owns the transport batches are sent through (and `offline_sent` / `offline_dropped`
    /// counted in).
    owner: Weak<dyn Owner>,
    limits: Limits,
    /// Cleared for good once IndexedDB fails: memory only from then on.
    idb: Cell<bool>,
    /// Whether drains read IndexedDB now.
    store: RefCell<StoreUse>,
    memory: RefCell<MemoryStore>,
    ledger: RefCell<Ledger<Key>>,
    failed_drains: Cell<u32>,
    draining: Cell<bool>,
    /// A drain was asked for while one ran: run again after it (it may have started
    /// before the collector came back).
    rerun: Cell<bool>,
    retry: RefCell<Option<Timeout>>,
    on_online: RefCell<Option<Listener>>,
}

/// How a drain ended.
enum Drained {
    /// Nothing left that could be sent.
    All,
    /// The collector is still away, or another tab drains: try again later.
    Later,
}

impl OfflineBuffer {
    /// A buffer sending through `owner`'s transport, listening for `online` (drains then).
    /// `owner` may still be under construction: it is only upgraded later.
    pub fn new(limits: Limits, owner: Weak<dyn Owner>) -> Rc<Self> {
        let b = Rc::new_cyclic(|this: &Weak<Self>| OfflineBuffer {
            this: this.clone(),
            owner,
            limits,
            idb: Cell::new(!js::global_get("indexedDB").is_undefined()),
            store: RefCell::new(StoreUse::default()),
            memory: RefCell::new(MemoryStore::default()),
            ledger: RefCell::new(Ledger::default()),
            failed_drains: Cell::new(0),
            draining: Cell::new(false),
            rerun: Cell::new(false),
            retry: RefCell::new(None),
            on_online: RefCell::new(None),
        });
        let weak = b.this.clone();
        *b.on_online.borrow_mut() = Listener::on_global("online", move |_| {
            if let Some(b) = weak.upgrade() {
                b.drain();
            }
        });
        b
    }

    /// Stops listening and retrying (shutdown); stored batches stay for the next page.
    pub fn stop(&self) {
        self.on_online.borrow_mut().take();
        self.retry.borrow_mut().take();
    }

    /// Keeps a batch the collector could not take; returns the batches dropped for room
    /// (the new one included when it alone is over the bound).
    pub async fn put(&self, r: Record) -> u64 {
        if self.idb.get() {
            self.store.borrow_mut().writing();
            let all = await_value(idb_all()).await;
            if js_sys::Array::is_array(&all) {
                // Sizes and ages only: the bodies stay on the JS side.
                let metas: Vec<Meta> = js_sys::Array::from(&all)
                    .iter()
                    .filter_map(|x| {
                        Some((
                            get(&x, "id").as_f64()?,
                            get(&get(&x, "body"), "byteLength").as_f64()? as usize,
                            get(&x, "created").as_f64()?,
                        ))
                    })
                    .collect();
                let Some(drop) = evictions(&metas, r.body.len(), r.created_ms, self.limits) else {
                    return 1;
                };
                if !drop.is_empty() {
                    await_value(idb_delete(&ids_js(&drop))).await;
                }
                if !await_value(idb_put(&record_js(&r))).await.is_null() {
                    return drop.len() as u64;
                }
            }
            // IndexedDB missing, blocked (private mode) or full: memory from now on.
            self.idb.set(false);
        }
        self.memory.borrow_mut().put(r, self.limits)
    }

    /// Every stored batch, IndexedDB's first (when `idb`), each oldest first.
    async fn all(&self, idb: bool) -> Vec<(Key, Record)> {
        let mut out = Vec::new();
        if idb {
            match idb_records().await {
                Some(v) => out.extend(v.into_iter().map(|r| ((true, r.id), r))),
                None => self.idb.set(false),
            }
        }
        out.extend(
            self.memory
                .borrow()
                .all()
                .into_iter()
                .map(|r| ((false, r.id), r)),
        );
        out
    }

    async fn delete(&self, key: Key) {
        let gone = if key.0 {
            !await_value(idb_delete(&ids_js(&[key.1]))).await.is_null()
        } else {
            self.memory.borrow_mut().delete(&[key.1]);
            true
        };
        if gone {
            self.ledger.borrow_mut().deleted(key);
        }
    }

    /// Arms the retry timer (unless armed): the collector stayed away.
    fn retry_later(&self) {
        if self.retry.borrow().is_some() {
            return;
        }
        let weak = self.this.clone();
        let t = Timeout::new(retry_delay_ms(self.failed_drains.get()), move || {
            if let Some(b) = weak.upgrade() {
                b.retry.borrow_mut().take();
                b.drain();
            }
        });
        *self.retry.borrow_mut() = Some(t);
    }

    /// The batch went to the buffer: try again on the schedule.
    pub fn buffered(&self) {
        self.failed_drains.set(self.failed_drains.get().max(1));
        self.retry_later();
    }

    /// Starts a drain unless one runs or the browser is offline; `forceFlush` waits for it.
    pub fn drain(&self) {
        if !is_online() {
            return;
        }
        if self.draining.get() {
            self.rerun.set(true);
            return;
        }
        let idb = self.idb.get()
            && self
                .store
                .borrow_mut()
                .wanted(|| Marker::from_code(marker()));
        // Nothing stored anywhere: no IndexedDB open, no lock, no task.
        if !idb && self.memory.borrow().is_empty() {
            return;
        }
        let (Some(me), Some(owner)) = (self.this.upgrade(), self.owner.upgrade()) else {
            return;
        };
        self.draining.set(true);
        self.retry.borrow_mut().take();
        let _task = Transport::spawn(&owner.clone(), async move {
            let b = &me;
            let t = owner.transport();
            // Memory batches are this page's own: only IndexedDB's need the origin-wide lock.
            let end = if !idb {
                b.drain_locked(t, false).await
            } else if await_value(lock_take()).await.as_bool() == Some(true) {
                let end = b.drain_locked(t, true).await;
                // Left empty: the marker goes, and later drains skip IndexedDB until it is
                // set again.
                if matches!(end, Drained::All)
                    && b.idb.get()
                    && await_value(idb_settle()).await.as_f64() == Some(0.0)
                {
                    b.store.borrow_mut().emptied();
                }
                lock_release();
                end
            } else {
                Drained::Later
            };
            b.draining.set(false);
            match end {
                Drained::All => b.failed_drains.set(0),
                Drained::Later => b.failed_drains.set(b.failed_drains.get() + 1),
            }
            if b.rerun.take() {
                b.drain();
            } else if matches!(end, Drained::Later) {
                b.retry_later();
            }
        });
    }

    /// Sends the stored batches oldest first, deleting each the collector acknowledged,
    /// until one finds the collector away.
    async fn drain_locked(&self, t: &Transport, idb: bool) -> Drained {
        let records = self.all(idb).await;
        // Acknowledged earlier but not deleted (a failed delete): delete, never resend.
        let stale: Vec<Key> = self.ledger.borrow().undeleted().to_vec();
        for k in stale {
            self.delete(k).await;
        }
        let now = js::date_now_ms();
        for (key, r) in records {
            if !self.ledger.borrow_mut().claim(key) {
                continue;
            }
            if expired(r.created_ms, now, self.limits) {
                self.ledger.borrow_mut().finish(key, false);
                t.stats.borrow_mut().offline_dropped += 1;
                self.delete(key).await;
                continue;
            }
            let sent = t
                .deliver(&r.url, r.encoding, &r.body[..].into(), None, false, None)
                .await;
            self.ledger.borrow_mut().finish(key, sent == Sent::Acked);
            match sent {
                Sent::Acked => t.stats.borrow_mut().offline_sent += 1,
                Sent::Refused => t.stats.borrow_mut().offline_dropped += 1,
                Sent::Unreachable | Sent::Stashed => {
                    if key.0 {
                        await_value(idb_bump(key.1)).await;
                    }
                    return Drained::Later;
                }
            }
            self.delete(key).await;
        }
        Drained::All
    }
}

impl Drop for OfflineBuffer {
    fn drop(&mut self) {
        self.stop();
    }
}

/// A promise's value; `null` if it rejected (our helper's promises never do).
async fn await_value(p: Promise) -> JsValue {
    JsFuture::from(p).await.unwrap_or(JsValue::NULL)
}

/// The IndexedDB records (unreadable ones are deleted), or `None` without IndexedDB.
async fn idb_records() -> Option<Vec<Record>> {
    let v = await_value(idb_all()).await;
    if !js_sys::Array::is_array(&v) {
        return None;
    }
    let (mut ok, mut bad) = (Vec::new(), Vec::new());
    for x in js_sys::Array::from(&v).iter() {
        match record_from_js(&x) {
            Some(r) => ok.push(r),
            None => bad.extend(get(&x, "id").as_f64()),
        }
    }
    if !bad.is_empty() {
        await_value(idb_delete(&ids_js(&bad))).await;
    }
    Some(ok)
}

fn ids_js(ids: &[f64]) -> JsValue {
    ids.iter()
        .map(|&i| JsValue::from_f64(i))
        .collect::<js_sys::Array>()
        .into()
}

fn record_js(r: &Record) -> JsValue {
    let o: JsValue = Object::new().into();
    set(&o, "url", &JsValue::from_str(&r.url));
    set(&o, "type", &JsValue::from_str(r.encoding.content_type()));
    set(&o, "body", &Uint8Array::from(&r.body[..]));
    set(&o, "created", &JsValue::from_f64(r.created_ms));
    set(&o, "attempts", &JsValue::from_f64(r.attempts as f64));
    o
}

fn record_from_js(v: &JsValue) -> Option<Record> {
    let encoding = match get(v, "type").as_string()?.as_str() {
        "application/x-protobuf" => Encoding::Protobuf,
        "application/json" => Encoding::Json,
        _ => return None,
    };
    Some(Record {
        id: get(v, "id").as_f64()?,
        url: get(v, "url").as_string()?,
        encoding,
        body: get(v, "body").dyn_into::<Uint8Array>().ok()?.to_vec(),
        created_ms: get(v, "created").as_f64()?,
        attempts: get(v, "attempts").as_f64().unwrap_or(1.0) as u32,
    })
}
