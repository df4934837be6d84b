//! Time in nanoseconds since the Unix epoch.
//!
//! The browser clock (`web::clock`) is `performance.timeOrigin + performance.now()`,
//! monotonic within a page. Pure code only sees this trait, so tests can drive time.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// A source of "now" in nanoseconds since the Unix epoch.
pub trait Clock {
    fn now_ns(&self) -> u64;
}

/// Converts an OpenTelemetry API `SystemTime` into epoch nanoseconds.
/// Pure arithmetic: never calls `SystemTime::now`, so it is safe on wasm.
pub fn system_time_to_ns(t: SystemTime) -> u64 {
    t.duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(0)
}

/// The inverse of [`system_time_to_ns`].
pub fn ns_to_system_time(ns: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_nanos(ns)
}

/// A clock that tests set by hand.
#[derive(Debug, Default)]
pub struct ManualClock(pub std::sync::atomic::AtomicU64);

impl ManualClock {
    pub fn new(ns: u64) -> Self {
        ManualClock(std::sync::atomic::AtomicU64::new(ns))
    }
    pub fn set(&self, ns: u64) {
        self.0.store(ns, std::sync::atomic::Ordering::Relaxed);
    }
    pub fn advance(&self, ns: u64) {
        self.0.fetch_add(ns, std::sync::atomic::Ordering::Relaxed);
    }
}

impl Clock for ManualClock {
    fn now_ns(&self) -> u64 {
        self.0.load(std::sync::atomic::Ordering::Relaxed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn system_time_round_trip() {
        let ns = 1_700_000_000_123_456_789;
        assert_eq!(system_time_to_ns(ns_to_system_time(ns)), ns);
    }
}
