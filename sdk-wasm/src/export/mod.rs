//! Export policy, pure: when to retry, how long to wait, when `keepalive` may be used, how a
//! page-hide export is cut to fit it, the stash for what does not fit, and the offline buffer.

pub mod chunk;
pub mod keepalive;
pub mod offline;
pub mod retry;
pub mod stash;

pub use keepalive::KeepaliveBudget;
pub use retry::{classify, parse_retry_after, Outcome, RetryPolicy, Verdict};

/// Counters visible to the app through `stats()`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ExportStats {
    pub spans_ended: u64,
    pub spans_exported: u64,
    /// Dropped because the queue was full (and no export slot was free to drain it).
    pub spans_dropped: u64,
    /// Spans in batches that failed for good (after retries).
    pub spans_failed: u64,
    pub export_requests: u64,
    pub export_retries: u64,
    pub export_failures: u64,
    pub metric_exports: u64,
    pub metric_export_failures: u64,
    /// Spans written to the `localStorage` stash because they did not fit a keepalive request.
    pub spans_stashed: u64,
    /// Stashed spans (from an earlier page) delivered after `init`.
    pub spans_resent: u64,
    /// Stashed spans lost: the stash's size bound, a storage quota, or no storage at all.
    pub spans_stash_dropped: u64,
    /// Batches (any signal) put in the offline buffer: collector unreachable or browser offline.
    pub offline_buffered: u64,
    /// Buffered batches the collector acknowledged later.
    pub offline_sent: u64,
    /// Buffered batches dropped unsent: the byte or age bound, or rejected when resent.
    pub offline_dropped: u64,
    /// The span counters' counterparts for log records.
    pub logs_emitted: u64,
    pub logs_exported: u64,
    pub logs_failed: u64,
    pub logs_stashed: u64,
    pub logs_resent: u64,
    pub logs_stash_dropped: u64,
}

/// Which OTLP signal a body belongs to (its endpoint and its counters).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SignalKind {
    Traces,
    Logs,
}

/// One signal's delivery counters inside [`ExportStats`].
pub struct SignalCounters<'a> {
    pub exported: &'a mut u64,
    pub failed: &'a mut u64,
    pub stashed: &'a mut u64,
    pub resent: &'a mut u64,
    pub stash_dropped: &'a mut u64,
}

impl ExportStats {
    pub fn signal(&mut self, kind: SignalKind) -> SignalCounters<'_> {
        match kind {
            SignalKind::Traces => SignalCounters {
                exported: &mut self.spans_exported,
                failed: &mut self.spans_failed,
                stashed: &mut self.spans_stashed,
                resent: &mut self.spans_resent,
                stash_dropped: &mut self.spans_stash_dropped,
            },
            SignalKind::Logs => SignalCounters {
                exported: &mut self.logs_exported,
                failed: &mut self.logs_failed,
                stashed: &mut self.logs_stashed,
                resent: &mut self.logs_resent,
                stash_dropped: &mut self.logs_stash_dropped,
            },
        }
    }
}
