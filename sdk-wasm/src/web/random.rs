//! `crypto.getRandomValues`, drawn in chunks: 256 bytes, or 4 KiB for the tracer's span and
//! trace ids (one JS call per ~170 spans; a call costs microseconds, and at one per ~10 spans
//! it was ≈ 0.8 µs of a click span's ~10 in a profile).

use std::cell::RefCell;

use super::js::CRYPTO;
use super::local::LocalOnly;
use crate::ids::RandomSource;

pub struct WebRandom {
    pool: LocalOnly<RefCell<(Vec<u8>, usize)>>,
}

impl WebRandom {
    pub fn new() -> Self {
        Self::with_pool(256)
    }

    /// Drawing `bytes` at a time.
    pub fn with_pool(bytes: usize) -> Self {
        WebRandom {
            pool: LocalOnly(RefCell::new((vec![0; bytes], bytes))),
        }
    }
}

impl Default for WebRandom {
    fn default() -> Self {
        Self::new()
    }
}

impl RandomSource for WebRandom {
    fn fill(&self, buf: &mut [u8]) {
        let mut pool = self.pool.borrow_mut();
        let (bytes, pos) = &mut *pool;
        for b in buf.iter_mut() {
            if *pos == bytes.len() {
                // Without a crypto object (never in a browser) ids would repeat; fall back to Math.random.
                if CRYPTO.with(|c| c.get_random_values_with_u8_array(bytes).is_err()) {
                    bytes
                        .iter_mut()
                        .for_each(|x| *x = (js_sys::Math::random() * 256.0) as u8);
                }
                *pos = 0;
            }
            *b = bytes[*pos];
            *pos += 1;
        }
    }
}
