//! Trace and span ids from a random source; never all-zero (an all-zero id is invalid).

use crate::trace::{SpanId, TraceId};

/// Fills buffers with cryptographically strong random bytes.
/// The browser implementation is `crypto.getRandomValues` (`web::random`).
pub trait RandomSource {
    fn fill(&self, buf: &mut [u8]);

    /// A float in [0, 1), for jitter.
    fn unit_f64(&self) -> f64 {
        let mut b = [0u8; 8];
        self.fill(&mut b);
        (u64::from_le_bytes(b) >> 11) as f64 / (1u64 << 53) as f64
    }
}

pub fn new_trace_id(rng: &dyn RandomSource) -> TraceId {
    loop {
        let mut b = [0u8; 16];
        rng.fill(&mut b);
        if b != [0; 16] {
            return TraceId::from_bytes(b);
        }
    }
}

pub fn new_span_id(rng: &dyn RandomSource) -> SpanId {
    loop {
        let mut b = [0u8; 8];
        rng.fill(&mut b);
        if b != [0; 8] {
            return SpanId::from_bytes(b);
        }
    }
}

/// A deterministic generator for tests (xorshift; not for production).
#[derive(Debug)]
pub struct SeededRandom(std::sync::atomic::AtomicU64);

impl SeededRandom {
    pub fn new(seed: u64) -> Self {
        SeededRandom(std::sync::atomic::AtomicU64::new(seed.max(1)))
    }
}

impl RandomSource for SeededRandom {
    fn fill(&self, buf: &mut [u8]) {
        use std::sync::atomic::Ordering::Relaxed;
        for chunk in buf.chunks_mut(8) {
            let mut x = self.0.load(Relaxed);
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            self.0.store(x, Relaxed);
            chunk.copy_from_slice(&x.to_le_bytes()[..chunk.len()]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Returns zeros for the first `zeros` calls, then ones.
    struct ZerosFirst(std::cell::Cell<u32>);
    impl RandomSource for ZerosFirst {
        fn fill(&self, buf: &mut [u8]) {
            let n = self.0.get();
            self.0.set(n.saturating_sub(1));
            buf.fill(if n > 0 { 0 } else { 1 });
        }
    }

    #[test]
    fn ids_are_never_all_zero() {
        let rng = ZerosFirst(std::cell::Cell::new(3));
        assert_ne!(new_trace_id(&rng), TraceId::INVALID);
        let rng = ZerosFirst(std::cell::Cell::new(3));
        assert_ne!(new_span_id(&rng), SpanId::INVALID);
    }

    #[test]
    fn seeded_ids_differ() {
        let rng = SeededRandom::new(7);
        assert_ne!(new_trace_id(&rng), new_trace_id(&rng));
        let f = rng.unit_f64();
        assert!((0.0..1.0).contains(&f));
    }
}
