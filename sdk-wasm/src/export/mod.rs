//! Export policy, pure: when to retry, how long to wait, and when `keepalive` may be used.

pub mod keepalive;
pub mod retry;

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
}
