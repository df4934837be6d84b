//! Error storm control, pure: a token bucket (a burst, then a steady rate) and
//! deduplication of identical errors within a time window. What either refuses is counted.

/// Errors allowed in a burst, and the refill rate after it.
pub const BURST: f64 = 10.0;
pub const PER_SECOND: f64 = 1.0;
/// An identical error (same type, message and location) within this long is a duplicate.
pub const DEDUP_MS: f64 = 60_000.0;
/// Distinct recent errors remembered for deduplication.
const REMEMBER: usize = 32;

#[derive(Clone, Debug, PartialEq)]
pub struct ErrorLimiter {
    tokens: f64,
    last_ms: f64,
    /// (key hash, time last reported), most recent last.
    recent: Vec<(u64, f64)>,
    pub dropped: u64,
}

impl Default for ErrorLimiter {
    fn default() -> Self {
        ErrorLimiter {
            tokens: BURST,
            last_ms: f64::NAN,
            recent: Vec::new(),
            dropped: 0,
        }
    }
}

impl ErrorLimiter {
    /// Whether an error identified by `key` at `now_ms` may be reported; counts it as dropped
    /// if not.
    pub fn allow(&mut self, key: &str, now_ms: f64) -> bool {
        let h = fnv1a(key.as_bytes());
        if !self.last_ms.is_nan() {
            self.tokens =
                (self.tokens + (now_ms - self.last_ms).max(0.0) / 1000.0 * PER_SECOND).min(BURST);
        }
        self.last_ms = now_ms;
        self.recent.retain(|(_, t)| now_ms - t < DEDUP_MS);
        if self.recent.iter().any(|(k, _)| *k == h) || self.tokens < 1.0 {
            self.dropped += 1;
            return false;
        }
        self.tokens -= 1.0;
        if self.recent.len() == REMEMBER {
            self.recent.remove(0);
        }
        self.recent.push((h, now_ms));
        true
    }
}

fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ *b as u64).wrapping_mul(0x100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_storm_is_cut_to_the_burst_then_the_rate() {
        let mut l = ErrorLimiter::default();
        let allowed = (0..1000).filter(|i| l.allow(&i.to_string(), 0.0)).count();
        assert_eq!(allowed, 10);
        assert_eq!(l.dropped, 990);
        assert!(l.allow("later", 1000.0), "one token back after a second");
        assert!(!l.allow("later2", 1000.0));
        assert!(
            (0..10)
                .filter(|i| l.allow(&("x".to_string() + &i.to_string()), 60_000.0))
                .count()
                == 10,
            "refilled to the burst"
        );
    }

    #[test]
    fn identical_errors_are_deduplicated_within_the_window() {
        let mut l = ErrorLimiter::default();
        assert!(l.allow("TypeError: x @a.js:1:2", 0.0));
        assert!(!l.allow("TypeError: x @a.js:1:2", 10.0));
        assert!(l.allow("TypeError: x @a.js:1:3", 20.0), "another location");
        assert!(
            l.allow("TypeError: x @a.js:1:2", DEDUP_MS + 1.0),
            "reported again after the window"
        );
        assert_eq!(l.dropped, 1);
    }
}
