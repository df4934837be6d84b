//! Batch processor logic, pure, for any signal (spans, log records): a bounded queue that hands out full batches as soon as
//! they are complete, bounded by the number of exports in flight. The browser glue
//! (`web::pipeline`) encodes and sends each batch it is given right away, which is what lets
//! a synchronous burst of thousands of spans through without loss. A batch is also full when
//! its spans' estimated encoded size reaches `max_batch_bytes` (about one keepalive request),
//! so that little is left queued when the page goes away.

#[derive(Clone, Debug, PartialEq)]
pub struct BatchConfig {
    pub max_queue_size: usize,
    pub max_export_batch_size: usize,
    pub scheduled_delay_ms: u32,
    pub export_timeout_ms: u32,
    /// Exports in flight at once (OpenTelemetry JS's exporter allows 30).
    pub max_concurrent_exports: usize,
    /// Estimated encoded bytes that make a batch full, whatever its span count.
    pub max_batch_bytes: usize,
    /// Estimated encoded bytes the queue may hold: while exports are stuck (collector down),
    /// long attribute values would otherwise keep `max_queue_size` large items in wasm memory,
    /// which never shrinks.
    pub max_queue_bytes: usize,
}

/// Just under one keepalive request (60 KiB), leaving room for the estimate's error.
pub const MAX_BATCH_BYTES: usize = 56 * 1024;
/// 4 MiB: the default queue's 2048 items at 2 KiB each.
pub const MAX_QUEUE_BYTES: usize = 4 << 20;

impl Default for BatchConfig {
    fn default() -> Self {
        BatchConfig {
            max_queue_size: 2048,
            max_export_batch_size: 512,
            scheduled_delay_ms: 5000,
            export_timeout_ms: 30000,
            max_concurrent_exports: 30,
            max_batch_bytes: MAX_BATCH_BYTES,
            max_queue_bytes: MAX_QUEUE_BYTES,
        }
    }
}

#[derive(Debug)]
pub struct BatchQueue<T> {
    cfg: BatchConfig,
    /// Items (spans, log records), oldest first, and their estimated encoded sizes. Vecs, not
    /// a VecDeque (smaller wasm): a batch drains the front, and what is left, usually a few
    /// items, moves down.
    queue: Vec<T>,
    sizes: Vec<usize>,
    /// Sum of the queued spans' estimated sizes.
    bytes: usize,
    in_flight: usize,
    dropped: u64,
}

impl<T> BatchQueue<T> {
    pub fn new(mut cfg: BatchConfig) -> Self {
        cfg.max_queue_size = cfg.max_queue_size.max(1);
        cfg.max_export_batch_size = cfg.max_export_batch_size.clamp(1, cfg.max_queue_size);
        cfg.max_concurrent_exports = cfg.max_concurrent_exports.max(1);
        cfg.max_batch_bytes = cfg.max_batch_bytes.max(1);
        cfg.max_queue_bytes = cfg.max_queue_bytes.max(cfg.max_batch_bytes);
        BatchQueue {
            cfg,
            queue: Vec::new(),
            sizes: Vec::new(),
            bytes: 0,
            in_flight: 0,
            dropped: 0,
        }
    }

    pub fn config(&self) -> &BatchConfig {
        &self.cfg
    }

    /// Queues an ended span of `size` estimated encoded bytes and returns the batches to
    /// export now. The span is dropped (and counted) only when the queue is full (by count or
    /// by bytes) and no export slot is free to drain it.
    pub fn push(&mut self, span: T, size: usize) -> Vec<Vec<T>> {
        let mut out = self.take_full_batches();
        if self.queue.len() >= self.cfg.max_queue_size
            || (!self.queue.is_empty() && self.bytes + size > self.cfg.max_queue_bytes)
        {
            self.dropped += 1;
            return out;
        }
        self.queue.push(span);
        self.sizes.push(size);
        self.bytes += size;
        out.extend(self.take_full_batches());
        out
    }

    /// Full batches, while export slots are free.
    pub fn take_full_batches(&mut self) -> Vec<Vec<T>> {
        let mut out = Vec::new();
        while (self.queue.len() >= self.cfg.max_export_batch_size
            || self.bytes >= self.cfg.max_batch_bytes)
            && self.in_flight < self.cfg.max_concurrent_exports
        {
            out.push(self.take_batch());
        }
        out
    }

    /// Everything queued, in batches. With `ignore_limit` (the page is being hidden and
    /// may never run again) the in-flight bound is not applied.
    pub fn take_all(&mut self, ignore_limit: bool) -> Vec<Vec<T>> {
        let mut out = Vec::new();
        while !self.queue.is_empty()
            && (ignore_limit || self.in_flight < self.cfg.max_concurrent_exports)
        {
            out.push(self.take_batch());
        }
        out
    }

    /// The oldest spans up to the batch size or byte bound (at least one).
    fn take_batch(&mut self) -> Vec<T> {
        let (mut n, mut bytes) = (0, 0);
        for size in self.sizes.iter().take(self.cfg.max_export_batch_size) {
            if n > 0 && bytes + size > self.cfg.max_batch_bytes {
                break;
            }
            n += 1;
            bytes += size;
        }
        self.in_flight += 1;
        self.bytes -= bytes;
        self.sizes.drain(..n);
        self.queue.drain(..n).collect()
    }

    /// An export handed out by this queue has finished (successfully or not).
    pub fn export_done(&mut self) {
        self.in_flight = self.in_flight.saturating_sub(1);
    }

    pub fn len(&self) -> usize {
        self.queue.len()
    }

    pub fn is_empty(&self) -> bool {
        self.queue.is_empty()
    }

    pub fn in_flight(&self) -> usize {
        self.in_flight
    }

    pub fn dropped(&self) -> u64 {
        self.dropped
    }

    /// Forgets queued spans (after shutdown); they are not counted as dropped.
    pub fn clear(&mut self) {
        self.queue.clear();
        self.sizes.clear();
        self.bytes = 0;
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::attributes::Scope;
    use crate::trace::SpanData;
    use crate::trace::SpanKind;
    use crate::trace::{SpanContext, SpanId, TraceFlags, TraceId, TraceState};
    use std::sync::Arc;

    pub(crate) fn span(n: u64) -> SpanData {
        SpanData {
            span_context: SpanContext::new(
                TraceId::from_bytes([1; 16]),
                SpanId::from_bytes((n + 1).to_be_bytes()),
                TraceFlags::SAMPLED,
                false,
                TraceState::default(),
            ),
            parent_span_id: SpanId::INVALID,
            parent_is_remote: false,
            name: "s".into(),
            kind: SpanKind::Internal,
            start_ns: n,
            end_ns: n + 1,
            attributes: vec![],
            dropped_attributes: 0,
            events: vec![],
            dropped_events: 0,
            links: vec![],
            dropped_links: 0,
            status: Default::default(),
            scope: Arc::new(Scope::new("t")),
            session: None,
        }
    }

    fn cfg(queue: usize, batch: usize, conc: usize) -> BatchConfig {
        BatchConfig {
            max_queue_size: queue,
            max_export_batch_size: batch,
            max_concurrent_exports: conc,
            ..Default::default()
        }
    }

    #[test]
    fn a_full_batch_is_handed_out_at_once() {
        let mut q = BatchQueue::new(cfg(2048, 512, 30));
        for i in 0..511 {
            assert!(q.push(span(i), 0).is_empty());
        }
        let out = q.push(span(511), 0);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].len(), 512);
        assert_eq!(out[0][0].start_ns, 0, "oldest first");
        assert_eq!(q.len(), 0);
        assert_eq!(q.in_flight(), 1);
    }

    #[test]
    fn a_burst_of_5000_loses_nothing_while_slots_are_free() {
        let mut q = BatchQueue::new(BatchConfig::default());
        let mut exported = 0;
        for i in 0..5000 {
            exported += q.push(span(i), 0).iter().map(Vec::len).sum::<usize>();
        }
        exported += q.take_all(false).iter().map(Vec::len).sum::<usize>();
        assert_eq!(exported, 5000);
        assert_eq!(q.dropped(), 0);
    }

    #[test]
    fn overflow_drops_and_counts_only_when_no_slot_is_free() {
        let mut q = BatchQueue::new(cfg(10, 5, 1));
        let mut exported = 0;
        for i in 0..30 {
            exported += q.push(span(i), 0).iter().map(Vec::len).sum::<usize>();
        }
        // One batch of 5 went out, then the single slot stayed busy: 10 queued, 15 dropped.
        assert_eq!(exported, 5);
        assert_eq!(q.len(), 10);
        assert_eq!(q.dropped(), 15);
        // Once the export finishes, the next push drains full batches before queueing.
        q.export_done();
        let out = q.push(span(99), 0);
        assert_eq!(out.iter().map(Vec::len).sum::<usize>(), 5);
        assert_eq!(q.len(), 6);
    }

    #[test]
    fn the_queue_is_bounded_by_bytes_too() {
        let mut q = BatchQueue::new(BatchConfig {
            max_concurrent_exports: 1,
            max_batch_bytes: 1000,
            max_queue_bytes: 2500,
            ..Default::default()
        });
        // 1000 B make a batch: it goes out and holds the only slot.
        let mut exported = 0;
        for i in 0..10 {
            exported += q.push(span(i), 500).iter().map(Vec::len).sum::<usize>();
        }
        assert_eq!(exported, 2);
        // 2500 B fit while the slot is busy; the other three are dropped and counted.
        assert_eq!((q.len(), q.dropped()), (5, 3));
    }

    #[test]
    fn take_all_respects_or_ignores_the_in_flight_bound() {
        let mut q = BatchQueue::new(cfg(100, 4, 2));
        for _ in 0..2 {
            q.push(span(0), 0);
            assert_eq!(q.take_all(false).len(), 1);
        }
        for i in 0..9 {
            q.push(span(i), 0);
        }
        assert!(q.take_all(false).is_empty(), "both slots busy");
        let out = q.take_all(true);
        assert_eq!(out.iter().map(Vec::len).collect::<Vec<_>>(), vec![4, 4, 1]);
    }

    #[test]
    fn a_batch_is_full_at_max_batch_bytes() {
        let mut q = BatchQueue::new(BatchConfig {
            max_batch_bytes: 1000,
            ..Default::default()
        });
        for i in 0..3 {
            assert!(q.push(span(i), 300).is_empty());
        }
        let out = q.push(span(3), 300);
        assert_eq!(
            out.iter().map(Vec::len).collect::<Vec<_>>(),
            vec![3],
            "1200 B queued: a batch of 900 B goes"
        );
        assert_eq!(q.len(), 1);
        assert!(q.push(span(4), 300).is_empty(), "600 B queued");
        let out = q.push(span(5), 5000);
        assert_eq!(
            out.iter().map(Vec::len).collect::<Vec<_>>(),
            vec![2, 1],
            "an oversized span travels alone"
        );
        assert!(q.is_empty());
    }

    #[test]
    fn batch_size_is_clamped_to_queue_size() {
        let q = BatchQueue::<SpanData>::new(cfg(100, 500, 0));
        assert_eq!(q.config().max_export_batch_size, 100);
        assert_eq!(q.config().max_concurrent_exports, 1);
    }
}
