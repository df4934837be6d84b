//! Finished request spans waiting for their resource-timing entry: the span's end time is
//! fixed already, only its hand-over waits, so the network events (DNS, connect, TLS,
//! request, response) and the CORS preflight can be added from the entry. Each waits at
//! most [`TIMING_WAIT_MS`]; page hide releases them all at once.

use super::span::SpanRecord;
use super::timing::{match_entry, Matched, RequestWindow, ResourceEntry};

/// How long a finished request span waits for its entry before it goes without.
pub const TIMING_WAIT_MS: f64 = 1000.0;
/// Bound on waiting spans (the oldest goes first, without its entry).
pub const MAX_HELD: usize = 256;

pub struct Held {
    pub span: SpanRecord,
    /// The request's absolute URL, as the browser names its entry.
    pub url: String,
    /// `fetch` or `xmlhttprequest`.
    pub initiator: &'static str,
    pub start_ms: f64,
    pub end_ms: f64,
}

impl Held {
    fn window(&self) -> RequestWindow<'_> {
        RequestWindow {
            url: &self.url,
            initiator_type: self.initiator,
            start: self.start_ms,
            end: self.end_ms,
        }
    }
}

#[derive(Default)]
pub struct HeldRequests {
    held: Vec<Held>,
}

impl HeldRequests {
    /// Starts waiting for `h`'s entry; returns the oldest waiting span when over the bound
    /// (it goes on without its entry).
    pub fn push(&mut self, h: Held) -> Option<Held> {
        let evicted = (self.held.len() >= MAX_HELD).then(|| self.held.remove(0));
        self.held.push(h);
        evicted
    }

    pub fn is_empty(&self) -> bool {
        self.held.is_empty()
    }

    /// The URLs of the waiting requests that ended by `ended_by` (to look their entries up in
    /// the performance buffer; one that ended since gets its entry from the observer, and a
    /// lookup returns every entry of the URL).
    pub fn urls(&self, ended_by: f64) -> Vec<String> {
        self.held
            .iter()
            .filter(|h| h.end_ms <= ended_by)
            .map(|h| h.url.clone())
            .collect()
    }

    /// Hands `release` the spans done waiting, oldest first, each with the entries it
    /// matched among `entries` (an entry goes to one request): those whose entry is there,
    /// those that waited [`TIMING_WAIT_MS`] by `now_ms` (asked only for a span without its
    /// entry), and with `release_all` every one.
    pub fn release(
        &mut self,
        entries: &[ResourceEntry],
        release_all: bool,
        mut now_ms: impl FnMut() -> f64,
        mut release: impl FnMut(Held, Option<Matched>),
    ) {
        let mut used = vec![false; entries.len()];
        for h in std::mem::take(&mut self.held) {
            let found = match_entry(&h.window(), entries, &used);
            if found.is_none() && !release_all && now_ms() - h.end_ms < TIMING_WAIT_MS {
                self.held.push(h);
                continue;
            }
            if let Some(m) = &found {
                used[m.main] = true;
                if let Some(p) = m.preflight {
                    used[p] = true;
                }
            }
            release(h, found);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::instrument::span::{Kind, Parent};

    fn held(url: &str, start_ms: f64, end_ms: f64) -> Held {
        let me = Parent {
            trace_id: [1; 16],
            span_id: [2; 8],
            sampled: true,
        };
        Held {
            span: SpanRecord::new("GET", Kind::Client, me, None, 0),
            url: url.into(),
            initiator: "fetch",
            start_ms,
            end_ms,
        }
    }

    fn entry(url: &str, fetch_start: f64) -> ResourceEntry {
        ResourceEntry {
            name: url.into(),
            initiator_type: "fetch".into(),
            start_time: fetch_start,
            fetch_start,
            response_start: fetch_start + 2.0,
            response_end: fetch_start + 3.0,
            ..Default::default()
        }
    }

    fn release(
        w: &mut HeldRequests,
        entries: &[ResourceEntry],
        all: bool,
        now_ms: f64,
    ) -> Vec<(Held, Option<Matched>)> {
        let mut out = Vec::new();
        w.release(entries, all, || now_ms, |h, m| out.push((h, m)));
        out
    }

    fn urls(out: &[(Held, Option<Matched>)]) -> Vec<&str> {
        out.iter().map(|(h, _)| h.url.as_str()).collect()
    }

    #[test]
    fn a_span_goes_when_its_entry_comes_or_its_second_is_over() {
        let mut w = HeldRequests::default();
        assert!(w.push(held("https://a/1", 10.0, 20.0)).is_none());
        assert!(w.push(held("https://a/2", 11.0, 21.0)).is_none());
        // Only /2's entry so far: /1 keeps waiting.
        let out = release(&mut w, &[entry("https://a/2", 11.5)], false, 30.0);
        assert_eq!(urls(&out), ["https://a/2"]);
        assert_eq!(
            out[0].1,
            Some(Matched {
                main: 0,
                preflight: None
            })
        );
        assert_eq!(w.urls(f64::INFINITY), ["https://a/1"]);
        // A second after it ended, /1 goes without network events.
        assert!(release(&mut w, &[], false, 1019.0).is_empty());
        let out = release(&mut w, &[], false, 1020.0);
        assert_eq!(urls(&out), ["https://a/1"]);
        assert!(out[0].1.is_none());
        assert!(w.is_empty());
    }

    #[test]
    fn each_entry_goes_to_one_request_and_a_pair_is_request_and_preflight() {
        let mut w = HeldRequests::default();
        w.push(held("https://a/x", 10.0, 20.0));
        w.push(held("https://a/x", 30.0, 40.0));
        let out = release(
            &mut w,
            &[entry("https://a/x", 10.5), entry("https://a/x", 30.5)],
            false,
            50.0,
        );
        assert_eq!(out.len(), 2);
        assert_eq!(
            out[0].1,
            Some(Matched {
                main: 0,
                preflight: None
            })
        );
        assert_eq!(
            out[1].1,
            Some(Matched {
                main: 1,
                preflight: None
            })
        );
        // Cross-origin: the browser reports the preflight and the request.
        w.push(held("https://b/y", 100.0, 120.0));
        let out = release(
            &mut w,
            &[entry("https://b/y", 100.5), entry("https://b/y", 105.0)],
            false,
            130.0,
        );
        assert_eq!(
            out[0].1,
            Some(Matched {
                main: 1,
                preflight: Some(0)
            })
        );
    }

    #[test]
    fn release_all_takes_everything_and_the_bound_evicts_the_oldest() {
        let mut w = HeldRequests::default();
        for i in 0..MAX_HELD {
            assert!(w.push(held(&format!("https://a/{i}"), 0.0, 5.0)).is_none());
        }
        let evicted = w
            .push(held("https://a/new", 0.0, 1.0))
            .expect("over the bound");
        assert_eq!(evicted.url, "https://a/0");
        let out = release(&mut w, &[entry("https://a/5", 0.5)], true, 6.0);
        assert_eq!(out.len(), MAX_HELD);
        assert!(out
            .iter()
            .any(|(h, m)| h.url == "https://a/5" && m.is_some()));
        assert!(w.is_empty());
    }
}
