//! Interaction contexts: which user interaction a piece of async work belongs
//! to, and when an interaction's span may end.
//!
//! The browser glue keeps a "current context" handle (0 = none) in JS, sets it
//! when an interaction is dispatched or when captured async work runs, and
//! clears it at the next macrotask boundary. This module decides the rest:
//! an interaction ends at a macrotask boundary where its dispatch is over and
//! no work started in it (requests, body reads, short timers, animation
//! frames) is pending, or when its maximum duration passes. Ending only at a
//! boundary matters: when a response arrives, the code awaiting it runs in
//! microtasks of the same task and may start the next request, so "no work
//! pending" right after a response is not yet idle.

use super::span::Parent;

#[derive(Debug)]
struct Open {
    handle: u32,
    pending: u32,
    /// When the last pending work ended (the span's end time if it stays idle).
    idle_since_ms: Option<f64>,
    deadline_ms: f64,
}

#[derive(Debug, Default)]
pub struct Interactions {
    open: Vec<Open>,
}

/// An interaction that ended, and when.
pub type Ended = (u32, f64);

impl Interactions {
    /// A new interaction is being dispatched. (It cannot end before the next
    /// macrotask boundary, by which time its dispatch is over.)
    pub fn start(&mut self, handle: u32, now_ms: f64, max_ms: f64) {
        self.open.push(Open {
            handle,
            pending: 0,
            idle_since_ms: None,
            deadline_ms: now_ms + max_ms,
        });
    }

    /// A macrotask boundary: dispatches in progress are over, and idle
    /// interactions end (at the time their last work ended, else now).
    pub fn boundary(&mut self, now_ms: f64) -> Vec<Ended> {
        self.take(|o| o.pending == 0, now_ms)
    }

    /// Work started in the context `handle`; false if that interaction already
    /// ended (the work is still its child, but no longer keeps it open).
    pub fn work_started(&mut self, handle: u32) -> bool {
        match self.open.iter_mut().find(|o| o.handle == handle) {
            Some(o) => {
                o.pending += 1;
                o.idle_since_ms = None;
                true
            }
            None => false,
        }
    }

    /// Work counted by `work_started` ended.
    pub fn work_ended(&mut self, handle: u32, now_ms: f64) {
        if let Some(o) = self.open.iter_mut().find(|o| o.handle == handle) {
            o.pending = o.pending.saturating_sub(1);
            if o.pending == 0 {
                o.idle_since_ms = Some(now_ms);
            }
        }
    }

    /// Interactions past their maximum duration end now, pending work or not.
    pub fn expire(&mut self, now_ms: f64) -> Vec<Ended> {
        let ended = self.take(|o| o.deadline_ms <= now_ms, now_ms);
        ended.into_iter().map(|(h, _)| (h, now_ms)).collect()
    }

    /// The earliest deadline of an open interaction, if any.
    pub fn next_deadline(&self) -> Option<f64> {
        self.open
            .iter()
            .map(|o| o.deadline_ms)
            .min_by(f64::total_cmp)
    }

    pub fn is_open(&self, handle: u32) -> bool {
        self.open.iter().any(|o| o.handle == handle)
    }

    /// Every open interaction ends now (page hidden, uninstall).
    pub fn end_all(&mut self, now_ms: f64) -> Vec<Ended> {
        self.take(|_| true, now_ms)
            .into_iter()
            .map(|(h, _)| (h, now_ms))
            .collect()
    }

    fn take(&mut self, pred: impl Fn(&Open) -> bool, now_ms: f64) -> Vec<Ended> {
        let mut ended = Vec::new();
        self.open.retain(|o| {
            let end = pred(o);
            if end {
                let at = if o.pending == 0 {
                    o.idle_since_ms.unwrap_or(now_ms)
                } else {
                    now_ms
                };
                ended.push((o.handle, at));
            }
            !end
        });
        ended
    }
}

/// Span contexts behind recent handles, so that work running after its
/// interaction ended still gets the right parent. Bounded: old handles are
/// forgotten (their late work then starts a new trace).
/// A ring over a `Vec` (less wasm than a `VecDeque`): once full, each new entry replaces the
/// oldest.
#[derive(Debug)]
pub struct RecentContexts {
    entries: Vec<(u32, Parent)>,
    capacity: usize,
    /// Where the next entry goes once the ring is full.
    oldest: usize,
}

impl RecentContexts {
    pub fn new(capacity: usize) -> Self {
        RecentContexts {
            entries: Vec::with_capacity(capacity),
            capacity: capacity.max(1),
            oldest: 0,
        }
    }

    /// Remembers the context behind `handle` (non-zero).
    pub fn add(&mut self, handle: u32, parent: Parent) {
        if self.entries.len() < self.capacity {
            self.entries.push((handle, parent));
        } else {
            self.entries[self.oldest] = (handle, parent);
            self.oldest = (self.oldest + 1) % self.capacity;
        }
    }

    /// The context behind `handle`; the newest if a handle was added twice.
    pub fn get(&self, handle: u32) -> Option<Parent> {
        if handle == 0 {
            return None;
        }
        // Oldest first: from `oldest` to the end, then the slots already overwritten.
        let (rewritten, older) = self.entries.split_at(self.oldest);
        older
            .iter()
            .chain(rewritten)
            .rev()
            .find(|(h, _)| *h == handle)
            .map(|(_, p)| *p)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ends_at_boundary_without_work() {
        let mut i = Interactions::default();
        i.start(1, 0.0, 1000.0);
        assert_eq!(i.boundary(5.0), vec![(1, 5.0)]);
        assert!(!i.is_open(1));
    }

    #[test]
    fn pending_work_keeps_it_open_until_idle_at_a_boundary() {
        let mut i = Interactions::default();
        i.start(1, 0.0, 1000.0);
        assert!(i.work_started(1));
        assert!(i.work_started(1));
        assert!(i.boundary(1.0).is_empty());
        i.work_ended(1, 2.0);
        i.work_ended(1, 3.0);
        // The response's continuation starts more work in the same task.
        assert!(i.work_started(1));
        i.work_ended(1, 4.0);
        assert_eq!(
            i.boundary(9.0),
            vec![(1, 4.0)],
            "ends when its last work ended"
        );
        assert!(!i.work_started(1));
    }

    #[test]
    fn work_ending_during_dispatch_does_not_end_it() {
        let mut i = Interactions::default();
        i.start(1, 0.0, 1000.0);
        i.work_started(1);
        i.work_ended(1, 1.0);
        assert!(i.is_open(1));
        assert_eq!(i.boundary(2.0), vec![(1, 1.0)]);
    }

    #[test]
    fn next_interaction_keeps_each_ones_work() {
        let mut i = Interactions::default();
        i.start(1, 0.0, 1000.0);
        i.work_started(1);
        i.start(2, 1.0, 1000.0);
        i.work_started(2);
        i.work_ended(1, 2.0);
        assert_eq!(i.boundary(3.0), vec![(1, 2.0)]);
        assert!(i.is_open(2));
        i.work_ended(2, 4.0);
        assert_eq!(i.boundary(5.0), vec![(2, 4.0)]);
    }

    #[test]
    fn deadline_caps_duration() {
        let mut i = Interactions::default();
        i.start(1, 0.0, 100.0);
        i.work_started(1);
        i.boundary(1.0);
        assert!(i.expire(99.0).is_empty());
        assert_eq!(i.next_deadline(), Some(100.0));
        assert_eq!(i.expire(100.0), vec![(1, 100.0)]);
        assert_eq!(i.next_deadline(), None);
        i.work_ended(1, 101.0);
        assert!(i.boundary(102.0).is_empty());
    }

    #[test]
    fn recent_contexts_are_bounded() {
        let p = Parent {
            trace_id: [1; 16],
            span_id: [2; 8],
            sampled: true,
        };
        let mut r = RecentContexts::new(2);
        r.add(1, p);
        r.add(2, p);
        r.add(3, p);
        assert_eq!(r.get(1), None);
        assert!(r.get(2).is_some() && r.get(3).is_some());
        assert_eq!(r.get(0), None);
    }

    #[test]
    fn a_handle_added_again_after_wrapping_finds_its_newest_context() {
        let at = |n: u8| Parent {
            trace_id: [n; 16],
            span_id: [n; 8],
            sampled: true,
        };
        let mut r = RecentContexts::new(3);
        for (h, n) in [(1, 1), (2, 2), (7, 3), (4, 4), (7, 5)] {
            r.add(h, at(n));
        }
        // Kept: 7 → 3, 4 → 4, 7 → 5 (1 and 2 were replaced).
        assert_eq!(r.get(7), Some(at(5)));
        assert_eq!(r.get(4), Some(at(4)));
        assert_eq!((r.get(1), r.get(2)), (None, None));
        r.add(8, at(6)); // replaces 7 → 3
        assert_eq!(r.get(7), Some(at(5)));
    }
}
