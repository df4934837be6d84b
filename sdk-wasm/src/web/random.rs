//! `crypto.getRandomValues`, drawn in 256-byte chunks so ids cost one JS call per ~10 spans.

use std::cell::RefCell;

use super::js::CRYPTO;
use super::local::LocalOnly;
use crate::ids::RandomSource;

pub struct WebRandom {
    pool: LocalOnly<RefCell<(Vec<u8>, usize)>>,
}

impl WebRandom {
    pub fn new() -> Self {
        WebRandom {
            pool: LocalOnly(RefCell::new((vec![0; 256], 256))),
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
