//! Interaction contexts: which user interaction a piece of async work belongs
//! to, and when an interaction's span may end.
//!
//! The browser glue keeps a "current context" handle (0 = none) in JS, sets it
//! when an interaction is dispatched or when captured async work runs, and
//! clears it at the next macrotask boundary. This module decides the rest:
//! an interaction ends once its dispatch is over (seen at that boundary) and
//! all work started in it (requests, short timers, animation frames) has
//! ended, or when its maximum duration passes, whichever comes first.

use super::span::Parent;
use std::collections::VecDeque;

#[derive(Debug)]
struct Open {
    handle: u32,
    dispatching: bool,
    pending: u32,
    deadline_ms: f64,
}

#[derive(Debug, Default)]
pub struct Interactions {
    open: Vec<Open>,
}

impl Interactions {
    /// A new interaction is being dispatched. Any earlier dispatch is over by
    /// now (events are dispatched one task at a time), so those may end: their
    /// handles are returned.
    pub fn start(&mut self, handle: u32, now_ms: f64, max_ms: f64) -> Vec<u32> {
        let ended = self.dispatch_boundary();
        self.open.push(Open { handle, dispatching: true, pending: 0, deadline_ms: now_ms + max_ms });
        ended
    }

    /// A macrotask boundary: dispatches in progress are over. Returns the
    /// interactions that thereby end (no pending work).
    pub fn dispatch_boundary(&mut self) -> Vec<u32> {
        for o in self.open.iter_mut() {
            o.dispatching = false;
        }
        self.take(|o| o.pending == 0)
    }

    /// Work started in the context `handle`; false if that interaction already
    /// ended (the work is still its child, but no longer keeps it open).
    pub fn work_started(&mut self, handle: u32) -> bool {
        match self.open.iter_mut().find(|o| o.handle == handle) {
            Some(o) => {
                o.pending += 1;
                true
            }
            None => false,
        }
    }

    /// Work counted by `work_started` ended. Returns the handle if the
    /// interaction thereby ends.
    pub fn work_ended(&mut self, handle: u32) -> Option<u32> {
        let o = self.open.iter_mut().find(|o| o.handle == handle)?;
        o.pending = o.pending.saturating_sub(1);
        if o.pending == 0 && !o.dispatching {
            self.take(|o| o.handle == handle).pop()
        } else {
            None
        }
    }

    /// Interactions past their maximum duration end now, pending work or not.
    pub fn expire(&mut self, now_ms: f64) -> Vec<u32> {
        self.take(|o| o.deadline_ms <= now_ms)
    }

    pub fn is_open(&self, handle: u32) -> bool {
        self.open.iter().any(|o| o.handle == handle)
    }

    /// Every open interaction ends (page hidden, uninstall).
    pub fn end_all(&mut self) -> Vec<u32> {
        self.take(|_| true)
    }

    fn take(&mut self, pred: impl Fn(&Open) -> bool) -> Vec<u32> {
        let mut ended = Vec::new();
        self.open.retain(|o| {
            let end = pred(o);
            if end {
                ended.push(o.handle);
            }
            !end
        });
        ended
    }
}

/// Span contexts behind recent handles, so that work running after its
/// interaction ended still gets the right parent. Bounded: old handles are
/// forgotten (their late work then starts a new trace).
#[derive(Debug)]
pub struct RecentContexts {
    entries: VecDeque<(u32, Parent)>,
    capacity: usize,
}

impl RecentContexts {
    pub fn new(capacity: usize) -> Self {
        RecentContexts { entries: VecDeque::with_capacity(capacity), capacity }
    }

    /// Remembers the context behind `handle` (non-zero).
    pub fn add(&mut self, handle: u32, parent: Parent) {
        if self.entries.len() == self.capacity {
            self.entries.pop_front();
        }
        self.entries.push_back((handle, parent));
    }

    pub fn get(&self, handle: u32) -> Option<Parent> {
        if handle == 0 {
            return None;
        }
        self.entries.iter().rev().find(|(h, _)| *h == handle).map(|(_, p)| *p)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ends_at_boundary_without_work() {
        let mut i = Interactions::default();
        assert!(i.start(1, 0.0, 1000.0).is_empty());
        assert_eq!(i.dispatch_boundary(), vec![1]);
        assert!(!i.is_open(1));
    }

    #[test]
    fn pending_work_keeps_it_open_until_it_ends() {
        let mut i = Interactions::default();
        i.start(1, 0.0, 1000.0);
        assert!(i.work_started(1));
        assert!(i.work_started(1));
        assert!(i.dispatch_boundary().is_empty());
        assert_eq!(i.work_ended(1), None);
        assert_eq!(i.work_ended(1), Some(1));
        assert!(!i.work_started(1));
    }

    #[test]
    fn work_ending_during_dispatch_does_not_end_it() {
        let mut i = Interactions::default();
        i.start(1, 0.0, 1000.0);
        i.work_started(1);
        assert_eq!(i.work_ended(1), None);
        assert_eq!(i.dispatch_boundary(), vec![1]);
    }

    #[test]
    fn next_interaction_closes_previous_dispatch() {
        let mut i = Interactions::default();
        i.start(1, 0.0, 1000.0);
        i.work_started(1);
        assert!(i.start(2, 1.0, 1000.0).is_empty());
        i.work_started(2);
        // Each keeps its own work.
        assert_eq!(i.work_ended(2), None, "2 is still dispatching");
        assert_eq!(i.work_ended(1), Some(1));
        assert_eq!(i.dispatch_boundary(), vec![2]);
    }

    #[test]
    fn deadline_caps_duration() {
        let mut i = Interactions::default();
        i.start(1, 0.0, 100.0);
        i.work_started(1);
        i.dispatch_boundary();
        assert!(i.expire(99.0).is_empty());
        assert_eq!(i.expire(100.0), vec![1]);
        assert_eq!(i.work_ended(1), None);
    }

    #[test]
    fn recent_contexts_are_bounded() {
        let p = Parent { trace_id: [1; 16], span_id: [2; 8], sampled: true };
        let mut r = RecentContexts::new(2);
        r.add(1, p);
        r.add(2, p);
        r.add(3, p);
        assert_eq!(r.get(1), None);
        assert!(r.get(2).is_some() && r.get(3).is_some());
        assert_eq!(r.get(0), None);
    }
}
