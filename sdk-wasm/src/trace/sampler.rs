//! Samplers: always-on (default), always-off, trace-id ratio, parent-based.

use super::{SpanContext, TraceId};

#[derive(Clone, Debug, PartialEq, Default)]
pub enum Sampler {
    #[default]
    AlwaysOn,
    AlwaysOff,
    /// Samples this fraction of traces, decided by the trace id alone so that every
    /// participant of a trace decides the same way.
    TraceIdRatio(f64),
    /// Follows a valid parent's sampled flag; roots use the inner sampler.
    ParentBased(Box<Sampler>),
}

impl Sampler {
    /// Whether a new span with this parent (if any) and trace id is recorded and sampled.
    /// With a `session_key` (the session id), the ratio decision is made on it instead of
    /// the trace id, so that all traces of a session are in or all are out; parent-based
    /// sampling still follows a valid parent first.
    /// The decision for every span without a parent when it needs neither the trace id nor
    /// the session (always on or off, or a ratio of 0 or 1); `None` otherwise.
    pub fn root_decision(&self) -> Option<bool> {
        match self {
            Sampler::AlwaysOn => Some(true),
            Sampler::AlwaysOff => Some(false),
            Sampler::TraceIdRatio(r) if *r >= 1.0 => Some(true),
            Sampler::TraceIdRatio(r) if r.is_nan() || *r <= 0.0 => Some(false),
            Sampler::TraceIdRatio(_) => None,
            Sampler::ParentBased(root) => root.root_decision(),
        }
    }

    pub fn should_sample(
        &self,
        parent: Option<&SpanContext>,
        trace_id: TraceId,
        session_key: Option<TraceId>,
    ) -> bool {
        match self {
            Sampler::AlwaysOn => true,
            Sampler::AlwaysOff => false,
            Sampler::TraceIdRatio(ratio) => ratio_sampled(*ratio, session_key.unwrap_or(trace_id)),
            Sampler::ParentBased(root) => match parent.filter(|p| p.is_valid()) {
                Some(p) => p.is_sampled(),
                None => root.should_sample(None, trace_id, session_key),
            },
        }
    }
}

/// The lower 8 bytes of the trace id, shifted to 63 bits, compared with ratio × 2^63.
fn ratio_sampled(ratio: f64, trace_id: TraceId) -> bool {
    if ratio >= 1.0 {
        return true;
    }
    if ratio.is_nan() || ratio <= 0.0 {
        return false;
    }
    let bytes = trace_id.to_bytes();
    let mut low = [0u8; 8];
    low.copy_from_slice(&bytes[8..]);
    let rnd = u64::from_be_bytes(low) >> 1;
    let bound = (ratio * (1u64 << 63) as f64) as u64;
    rnd < bound
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::trace::{SpanId, TraceFlags, TraceState};

    fn tid(n: u128) -> TraceId {
        TraceId::from_bytes(n.to_be_bytes())
    }

    fn parent(sampled: bool) -> SpanContext {
        let flags = if sampled {
            TraceFlags::SAMPLED
        } else {
            TraceFlags::default()
        };
        SpanContext::new(
            tid(1),
            SpanId::from_bytes([1; 8]),
            flags,
            true,
            TraceState::default(),
        )
    }

    #[test]
    fn always_on_and_off() {
        assert!(Sampler::AlwaysOn.should_sample(None, tid(5), None));
        assert!(!Sampler::AlwaysOff.should_sample(Some(&parent(true)), tid(5), None));
    }

    #[test]
    fn ratio_is_deterministic_and_roughly_proportional() {
        let s = Sampler::TraceIdRatio(0.25);
        let n = 10_000u64;
        let mut x = 0x9e3779b97f4a7c15u64;
        let mut hits = 0;
        for _ in 0..n {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let id = tid(((x as u128) << 64) | x as u128);
            let a = s.should_sample(None, id, None);
            assert_eq!(a, s.should_sample(None, id, None));
            hits += a as u64;
        }
        assert!((2200..2800).contains(&hits), "{hits}");
        assert!(!Sampler::TraceIdRatio(0.0).should_sample(None, tid(u128::MAX), None));
        assert!(Sampler::TraceIdRatio(1.0).should_sample(None, tid(u128::MAX), None));
        // Lower half of the id space is sampled at 0.5, upper half is not.
        assert!(Sampler::TraceIdRatio(0.5).should_sample(None, tid(1), None));
        assert!(!Sampler::TraceIdRatio(0.5).should_sample(None, tid(u64::MAX as u128), None));
    }

    #[test]
    fn parent_based_follows_parent_then_root() {
        let s = Sampler::ParentBased(Box::new(Sampler::AlwaysOff));
        assert!(s.should_sample(Some(&parent(true)), tid(5), None));
        assert!(!s.should_sample(Some(&parent(false)), tid(5), None));
        assert!(!s.should_sample(None, tid(5), None));
        let s = Sampler::ParentBased(Box::new(Sampler::AlwaysOn));
        assert!(s.should_sample(None, tid(5), None));
        assert!(s.should_sample(Some(&SpanContext::default()), tid(5), None));
    }

    #[test]
    fn a_session_key_decides_the_ratio_for_every_trace() {
        let s = Sampler::ParentBased(Box::new(Sampler::TraceIdRatio(0.5)));
        let (inside, outside) = (Some(tid(1)), Some(tid(u64::MAX as u128)));
        for t in [1u128, u64::MAX as u128, 12345, 1 << 70] {
            assert!(
                s.should_sample(None, tid(t), inside),
                "a sampled session keeps every trace"
            );
            assert!(
                !s.should_sample(None, tid(t), outside),
                "an unsampled one drops every trace"
            );
        }
        assert!(
            s.should_sample(Some(&parent(true)), tid(5), outside),
            "a sampled parent still wins"
        );
        assert!(Sampler::AlwaysOn.should_sample(None, tid(5), outside));
    }

    #[test]
    fn root_decisions_known_without_the_trace_id() {
        assert_eq!(Sampler::AlwaysOn.root_decision(), Some(true));
        assert_eq!(Sampler::AlwaysOff.root_decision(), Some(false));
        assert_eq!(Sampler::TraceIdRatio(1.0).root_decision(), Some(true));
        assert_eq!(Sampler::TraceIdRatio(0.0).root_decision(), Some(false));
        assert_eq!(Sampler::TraceIdRatio(0.5).root_decision(), None);
        let pb = |s| Sampler::ParentBased(Box::new(s));
        assert_eq!(pb(Sampler::AlwaysOn).root_decision(), Some(true));
        assert_eq!(pb(Sampler::TraceIdRatio(0.5)).root_decision(), None);
        // Each known decision is what should_sample says for a root.
        for s in [
            Sampler::AlwaysOn,
            Sampler::AlwaysOff,
            pb(Sampler::AlwaysOff),
        ] {
            let d = s.root_decision().unwrap();
            assert_eq!(s.should_sample(None, tid(7), Some(tid(9))), d);
        }
    }
}
