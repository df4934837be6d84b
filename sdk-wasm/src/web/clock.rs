//! `performance.timeOrigin + performance.now()` in nanoseconds: monotonic within the page.

use std::cell::Cell;

use super::js::PERFORMANCE;
use super::local::LocalOnly;
use crate::clock::Clock;

pub struct WebClock {
    origin_ms: f64,
    last: LocalOnly<Cell<u64>>,
}

impl WebClock {
    pub fn new() -> Self {
        WebClock {
            origin_ms: PERFORMANCE.with(|p| p.time_origin()),
            last: LocalOnly(Cell::new(0)),
        }
    }

    /// `performance.now()` in ms.
    pub fn perf_now_ms() -> f64 {
        PERFORMANCE.with(|p| p.now())
    }

    pub fn origin_ms(&self) -> f64 {
        self.origin_ms
    }

    /// Epoch nanoseconds for a `performance.now()`-style reading.
    pub fn perf_ms_to_ns(&self, perf_ms: f64) -> u64 {
        ms_to_ns(self.origin_ms + perf_ms)
    }
}

impl Default for WebClock {
    fn default() -> Self {
        Self::new()
    }
}

/// Epoch milliseconds (fractional) to nanoseconds, splitting to keep sub-ms precision.
pub fn ms_to_ns(ms: f64) -> u64 {
    if ms.is_nan() || ms <= 0.0 {
        return 0;
    }
    let whole = ms.trunc();
    (whole as u64) * 1_000_000 + ((ms - whole) * 1e6).round() as u64
}

impl Clock for WebClock {
    fn now_ns(&self) -> u64 {
        // performance.now() is monotonic; the max() guards against rounding only.
        let t = self.perf_ms_to_ns(Self::perf_now_ms()).max(self.last.get());
        self.last.set(t);
        t
    }
}
