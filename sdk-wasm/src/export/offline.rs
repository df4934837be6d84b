//! The offline buffer's rules, pure: which stored batches go when a new one arrives (age,
//! then oldest first over the byte bound), when to try again while the collector stays
//! away, and the bookkeeping that keeps an acknowledged batch from being sent twice. The
//! browser glue (`web::offline`) keeps the batches in IndexedDB, or in [`MemoryStore`]
//! when the page has no usable IndexedDB.
//!
//! IndexedDB is opened only when needed ([`StoreUse`]): a page whose exports all succeed,
//! after pages that left nothing behind, never opens it. A `localStorage` marker, set before
//! a batch is written and cleared by a drain that leaves the store empty, tells a new page
//! (and a drain after another tab's outage) that there is something to read.
//!
//! What is buffered: an export that found the collector unreachable (network error, or
//! 429/502/503/504 still failing after the retries) or that was not tried because
//! `navigator.onLine` was false. A 4xx or a 500/501 is a rejection of that body and is
//! not kept; neither is a timeout (the collector may have received it: resending could
//! duplicate it).

use crate::otlp::Encoding;

/// Bounds of the buffer (config `offline: { maxBytes, maxAgeMs }`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Limits {
    /// Total body bytes kept.
    pub max_bytes: u32,
    /// Batches older than this are dropped unsent.
    pub max_age_ms: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_bytes: 5 * 1024 * 1024,
            max_age_ms: 24 * 3600 * 1000,
        }
    }
}

/// One stored batch: an encoded OTLP body (uncompressed) and where it goes.
#[derive(Clone, Debug, PartialEq)]
pub struct Record {
    /// Store key; increasing in insertion order, so a lower id is older.
    pub id: f64,
    /// The full export URL (the signal path included), as when the batch was made.
    pub url: String,
    pub encoding: Encoding,
    pub body: Vec<u8>,
    /// Epoch ms when it was first buffered.
    pub created_ms: f64,
    /// Export attempts so far (the one that failed before buffering counts).
    pub attempts: u32,
}

/// What [`evictions`] looks at: (id, body bytes, created epoch ms).
pub type Meta = (f64, usize, f64);

/// The batches to delete so that one of `incoming` bytes fits: every expired batch, then
/// the oldest ones until the total is within `max_bytes`. `held` is oldest first (store
/// order: IndexedDB returns keys ascending; no sort here, it would cost 4 KB of wasm).
/// `None` when the incoming batch alone is over the bound (it is dropped; nothing stored
/// goes for it).
pub fn evictions(held: &[Meta], incoming: usize, now_ms: f64, limits: Limits) -> Option<Vec<f64>> {
    let max = limits.max_bytes as usize;
    if incoming > max {
        return None;
    }
    let live = |m: &&Meta| !expired(m.2, now_ms, limits);
    let mut total = held.iter().filter(live).map(|m| m.1).sum::<usize>() + incoming;
    let drop = held.iter().filter(|m| {
        if !live(m) {
            return true;
        }
        let over = total > max;
        if over {
            total -= m.1;
        }
        over
    });
    Some(drop.map(|m| m.0).collect())
}

/// Whether a batch made at `created_ms` is past the age bound (or from the future by more
/// than a day: a clock that jumped back must not keep it forever).
pub fn expired(created_ms: f64, now_ms: f64, limits: Limits) -> bool {
    let age = now_ms - created_ms;
    age > limits.max_age_ms as f64 || age < -86_400_000.0
}

/// Wait before the next attempt to drain the buffer after `failed` drains in a row found
/// the collector unreachable: 5 s, doubling, at most 5 min. The `online` event and a
/// successful export drain at once regardless.
pub fn retry_delay_ms(failed: u32) -> f64 {
    let d = 5_000.0 * 2f64.powi(failed.saturating_sub(1).min(16) as i32);
    d.min(300_000.0)
}

/// What the `localStorage` marker says about the IndexedDB store.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Marker {
    /// No batch was written since a drain left the store empty.
    Absent,
    /// A batch may be stored.
    Present,
    /// No usable `localStorage` (missing, blocked, throwing): assume a batch may be stored.
    Unknown,
}

impl Marker {
    /// From the JS helper's code: 0 absent, 1 present, anything else unknown.
    pub fn from_code(code: u8) -> Marker {
        match code {
            0 => Marker::Absent,
            1 => Marker::Present,
            _ => Marker::Unknown,
        }
    }
}

/// Whether this page reads the IndexedDB store: not until the marker says a batch may be
/// there or this page writes one, and not again once a drain left the store empty (until
/// the marker is set again, by this page or another tab).
#[derive(Debug, Default)]
pub struct StoreUse {
    open: bool,
}

impl StoreUse {
    /// A drain is due (`init`, `online`, a successful export, the retry timer): whether it
    /// reads the store. `marker` is read (synchronously) only while the store is not in use.
    pub fn wanted(&mut self, marker: impl FnOnce() -> Marker) -> bool {
        if !self.open {
            self.open = marker() != Marker::Absent;
        }
        self.open
    }

    /// A batch is being written to the store.
    pub fn writing(&mut self) {
        self.open = true;
    }

    /// A drain found the store empty (and cleared the marker).
    pub fn emptied(&mut self) {
        self.open = false;
    }
}

/// At-most-once bookkeeping of one page: batches the collector acknowledged whose delete
/// has not (yet) succeeded are never sent again from this page, and a batch is sent by at
/// most one drain at a time. (Across tabs, a lock guards the drain; see `web::offline`.)
#[derive(Debug)]
pub struct Ledger<K> {
    acked: Vec<K>,
    sending: Vec<K>,
}

impl<K> Default for Ledger<K> {
    fn default() -> Self {
        Ledger {
            acked: Vec::new(),
            sending: Vec::new(),
        }
    }
}

impl<K: Copy + PartialEq> Ledger<K> {
    /// Claims `id` for sending; `false` if it was acknowledged or is being sent already.
    pub fn claim(&mut self, id: K) -> bool {
        if self.acked.contains(&id) || self.sending.contains(&id) {
            return false;
        }
        self.sending.push(id);
        true
    }

    /// The send of `id` ended; `acked` when the collector accepted it.
    pub fn finish(&mut self, id: K, acked: bool) {
        self.sending.retain(|x| *x != id);
        if acked {
            self.acked.push(id);
        }
    }

    /// The store no longer holds `id`.
    pub fn deleted(&mut self, id: K) {
        self.acked.retain(|x| *x != id);
    }

    /// Acknowledged batches still waiting for their delete.
    pub fn undeleted(&self) -> &[K] {
        &self.acked
    }
}

/// The buffer where IndexedDB is missing or refuses us (e.g. private browsing): same bounds,
/// gone with the page.
#[derive(Debug, Default)]
pub struct MemoryStore {
    records: Vec<Record>,
    next_id: f64,
}

impl MemoryStore {
    /// Stores a batch within `limits`; returns how many batches were dropped (the incoming
    /// one included, when it alone is over the bound).
    pub fn put(&mut self, mut r: Record, limits: Limits) -> u64 {
        let metas: Vec<Meta> = self
            .records
            .iter()
            .map(|r| (r.id, r.body.len(), r.created_ms))
            .collect();
        let Some(drop) = evictions(&metas, r.body.len(), r.created_ms, limits) else {
            return 1;
        };
        self.delete(&drop);
        self.next_id += 1.0;
        r.id = self.next_id;
        self.records.push(r);
        drop.len() as u64
    }

    /// Every stored batch, oldest first.
    pub fn all(&self) -> Vec<Record> {
        self.records.clone()
    }

    pub fn delete(&mut self, ids: &[f64]) {
        self.records.retain(|r| !ids.contains(&r.id));
    }

    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const L: Limits = Limits {
        max_bytes: 100,
        max_age_ms: 1000,
    };

    fn rec(bytes: usize, created: f64) -> Record {
        Record {
            id: 0.0,
            url: "http://c/v1/traces".into(),
            encoding: Encoding::Json,
            body: vec![b'x'; bytes],
            created_ms: created,
            attempts: 1,
        }
    }

    #[test]
    fn oldest_go_first_until_the_new_batch_fits() {
        let held = [(1.0, 30, 10.0), (2.0, 30, 10.0), (3.0, 30, 10.0)];
        assert_eq!(
            evictions(&held, 10, 20.0, L),
            Some(vec![]),
            "90 + 10 fits exactly"
        );
        assert_eq!(evictions(&held, 11, 20.0, L), Some(vec![1.0]));
        assert_eq!(evictions(&held, 70, 20.0, L), Some(vec![1.0, 2.0]));
        assert_eq!(evictions(&held, 100, 20.0, L), Some(vec![1.0, 2.0, 3.0]));
        assert_eq!(
            evictions(&held, 101, 20.0, L),
            None,
            "over the bound alone: refused, nothing evicted"
        );
        assert_eq!(evictions(&[], 0, 0.0, L), Some(vec![]));
    }

    #[test]
    fn expired_batches_go_whatever_the_size() {
        let held = [(1.0, 10, 0.0), (2.0, 10, 500.0), (3.0, 10, 1500.0)];
        assert_eq!(
            evictions(&held, 10, 1500.0, L),
            Some(vec![1.0]),
            "1500 ms old > 1000"
        );
        assert_eq!(
            evictions(&held, 85, 1500.0, L),
            Some(vec![1.0, 2.0]),
            "then the oldest live one"
        );
        assert!(!expired(0.0, 1000.0, L), "exactly at the bound still lives");
        assert!(expired(0.0, 1000.5, L));
        assert!(
            expired(100_000_000.0, 0.0, L),
            "from the far future (clock jumped back)"
        );
        assert!(
            !expired(
                5000.0,
                0.0,
                Limits {
                    max_age_ms: 1000,
                    ..L
                }
            ),
            "a little ahead is tolerated"
        );
    }

    #[test]
    fn retry_schedule_backs_off_to_five_minutes() {
        let d: Vec<f64> = (0..=8).map(retry_delay_ms).collect();
        assert_eq!(
            d,
            vec![5e3, 5e3, 10e3, 20e3, 40e3, 80e3, 160e3, 300e3, 300e3]
        );
        assert_eq!(retry_delay_ms(u32::MAX), 300e3);
    }

    #[test]
    fn ledger_never_resends_an_acknowledged_batch() {
        let mut l = Ledger::default();
        assert!(l.claim(1.0));
        assert!(!l.claim(1.0), "already being sent");
        l.finish(1.0, false);
        assert!(l.claim(1.0), "a failed send may be tried again");
        l.finish(1.0, true);
        assert!(!l.claim(1.0), "acknowledged: never again");
        assert_eq!(l.undeleted(), &[1.0]);
        l.deleted(1.0);
        assert!(l.undeleted().is_empty());
    }

    #[test]
    fn the_store_is_read_only_when_the_marker_or_a_write_says_so() {
        let mut u = StoreUse::default();
        assert!(
            !u.wanted(|| Marker::Absent),
            "an empty buffer: no open at init"
        );
        assert!(!u.wanted(|| Marker::Absent), "nor at the next export");
        let mut read = false;
        let mut v = StoreUse::default();
        assert!(v.wanted(|| {
            read = true;
            Marker::Present
        }));
        assert!(read, "an earlier page left batches: drained at init");
        assert!(
            v.wanted(|| unreachable!("not read again while in use")),
            "stays in use"
        );
        v.emptied();
        assert!(!v.wanted(|| Marker::Absent), "emptied: back to the marker");
        assert!(v.wanted(|| Marker::Present), "another tab wrote a batch");
        let mut w = StoreUse::default();
        assert!(
            w.wanted(|| Marker::Unknown),
            "no usable localStorage: read as before, so nothing is stranded"
        );
        let mut x = StoreUse::default();
        x.writing();
        assert!(x.wanted(|| unreachable!()), "this page wrote a batch");
        assert_eq!(Marker::from_code(0), Marker::Absent);
        assert_eq!(Marker::from_code(1), Marker::Present);
        assert_eq!(Marker::from_code(2), Marker::Unknown);
    }

    #[test]
    fn memory_store_keeps_the_bounds() {
        let mut m = MemoryStore::default();
        assert_eq!(m.put(rec(40, 0.0), L), 0);
        assert_eq!(m.put(rec(40, 10.0), L), 0);
        assert_eq!(m.put(rec(40, 20.0), L), 1, "the oldest makes room");
        let ids: Vec<f64> = m.all().iter().map(|r| r.id).collect();
        assert_eq!(ids, vec![2.0, 3.0]);
        assert_eq!(m.put(rec(101, 30.0), L), 1, "too big alone: dropped itself");
        assert_eq!(m.all().len(), 2);
        assert_eq!(m.put(rec(1, 5000.0), L), 2, "both others expired");
        m.delete(&[4.0]);
        assert!(m.is_empty());
    }
}
