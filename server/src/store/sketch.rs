//! A mergeable latency sketch: counts in log-scale buckets (each bucket ±2.5 % wide), stored
//! sparsely as (u16 index, u32 count) pairs. Merging is adding counts, so per-minute sketches
//! add up to any window.

use std::collections::BTreeMap;

const GAMMA: f64 = 1.05;

#[derive(Default, Debug, Clone, PartialEq)]
pub struct Sketch {
    buckets: BTreeMap<u16, u64>,
}

fn index_of(value: f64) -> u16 {
    if value <= 1.0 {
        return 0;
    }
    (value.ln() / GAMMA.ln()).ceil().min(u16::MAX as f64) as u16
}

/// Midpoint (geometric) of a bucket, so the relative error stays within half a bucket.
fn value_of(index: u16) -> f64 {
    if index == 0 {
        return 0.0;
    }
    GAMMA.powf(index as f64 - 0.5)
}

impl Sketch {
    pub fn add(&mut self, value: f64) {
        *self.buckets.entry(index_of(value)).or_default() += 1;
    }

    pub fn merge(&mut self, other: &Sketch) {
        for (i, c) in &other.buckets {
            *self.buckets.entry(*i).or_default() += c;
        }
    }

    pub fn count(&self) -> u64 {
        self.buckets.values().sum()
    }

    /// How many values are at most `value` (to the sketch's bucket resolution).
    pub fn count_at_most(&self, value: f64) -> u64 {
        let top = index_of(value);
        self.buckets.range(..=top).map(|(_, c)| c).sum()
    }

    /// The q-quantile (0..=1) by nearest rank; None when empty.
    pub fn quantile(&self, q: f64) -> Option<f64> {
        let total = self.count();
        if total == 0 {
            return None;
        }
        let rank = ((q * total as f64).ceil() as u64).clamp(1, total);
        let mut seen = 0;
        for (i, c) in &self.buckets {
            seen += c;
            if seen >= rank {
                return Some(value_of(*i));
            }
        }
        None
    }

    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.buckets.len() * 6);
        for (i, c) in &self.buckets {
            out.extend_from_slice(&i.to_le_bytes());
            out.extend_from_slice(&(*c).min(u32::MAX as u64).to_le_bytes()[..4]);
        }
        out
    }

    /// Trailing bytes that do not form a whole pair are ignored.
    pub fn decode(bytes: &[u8]) -> Sketch {
        let mut s = Sketch::default();
        for pair in bytes.chunks_exact(6) {
            let i = u16::from_le_bytes([pair[0], pair[1]]);
            let c = u32::from_le_bytes([pair[2], pair[3], pair[4], pair[5]]) as u64;
            *s.buckets.entry(i).or_default() += c;
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_stay_within_bucket_error() {
        let mut s = Sketch::default();
        for v in 1..=1000u64 {
            s.add((v * 1_000_000) as f64);
        }
        for (q, exact) in [(0.5, 500e6), (0.9, 900e6), (0.99, 990e6)] {
            let got = s.quantile(q).unwrap();
            assert!((got - exact).abs() / exact < 0.03, "q{q}: {got} vs {exact}");
        }
    }

    #[test]
    fn encode_merge_decode() {
        let mut a = Sketch::default();
        a.add(10.0);
        a.add(1e9);
        let mut b = Sketch::decode(&a.encode());
        assert_eq!(a, b);
        b.merge(&a);
        assert_eq!(b.count(), 4);
        assert_eq!(Sketch::decode(&[1, 2, 3]).count(), 0);
        assert_eq!(Sketch::default().quantile(0.5), None);
    }
}
