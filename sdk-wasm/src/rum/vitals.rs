//! Web vitals as web.dev defines them, computed from the performance entries the browser
//! glue forwards (times in ms relative to the page's activation):
//! - LCP: the last `largest-contentful-paint` candidate before the first input (key, click,
//!   pointer; the browser stops candidates at input and scroll itself);
//! - CLS: the largest session window of `layout-shift`s without recent input, a window
//!   closing after a 1 s gap or at 5 s;
//! - INP: event-timing entries grouped by `interactionId`, the worst duration per
//!   interaction, then the 98th percentile: the worst, skipping one per 50 interactions;
//! - FCP: the `first-contentful-paint` entry; TTFB: `responseStart − activationStart` ≥ 0.
//!
//! Ratings use the published thresholds (value ≤ good → good, ≤ poor → needs-improvement).

/// One of the five vitals.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Vital {
    Lcp,
    Inp,
    Cls,
    Fcp,
    Ttfb,
}

pub const ALL: [Vital; 5] = [Vital::Lcp, Vital::Inp, Vital::Cls, Vital::Fcp, Vital::Ttfb];

impl Vital {
    /// The log body and `web_vital.name`.
    pub fn name(self) -> &'static str {
        match self {
            Vital::Lcp => "LCP",
            Vital::Inp => "INP",
            Vital::Cls => "CLS",
            Vital::Fcp => "FCP",
            Vital::Ttfb => "TTFB",
        }
    }

    /// The histogram's name.
    pub fn metric(self) -> &'static str {
        match self {
            Vital::Lcp => "browser.web_vital.lcp",
            Vital::Inp => "browser.web_vital.inp",
            Vital::Cls => "browser.web_vital.cls",
            Vital::Fcp => "browser.web_vital.fcp",
            Vital::Ttfb => "browser.web_vital.ttfb",
        }
    }

    pub fn unit(self) -> &'static str {
        if self == Vital::Cls {
            "1"
        } else {
            "ms"
        }
    }

    /// (good up to, needs improvement up to).
    pub fn thresholds(self) -> (f64, f64) {
        match self {
            Vital::Lcp => (2500.0, 4000.0),
            Vital::Inp => (200.0, 500.0),
            Vital::Cls => (0.1, 0.25),
            Vital::Fcp => (1800.0, 3000.0),
            Vital::Ttfb => (800.0, 1800.0),
        }
    }

    /// Histogram bucket bounds around the thresholds (CLS is unitless and small).
    pub fn buckets(self) -> &'static [f64] {
        match self {
            Vital::Cls => &[0.01, 0.025, 0.05, 0.1, 0.15, 0.25, 0.5, 1.0],
            Vital::Inp => &[25.0, 50.0, 100.0, 200.0, 300.0, 500.0, 1000.0, 2000.0],
            _ => &[
                100.0, 250.0, 500.0, 800.0, 1000.0, 1800.0, 2500.0, 3000.0, 4000.0, 6000.0, 10000.0,
            ],
        }
    }

    pub fn rating(self, value: f64) -> &'static str {
        let (good, poor) = self.thresholds();
        if value <= good {
            "good"
        } else if value <= poor {
            "needs-improvement"
        } else {
            "poor"
        }
    }
}

/// CLS session windows.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Cls {
    window: f64,
    first_ms: f64,
    last_ms: f64,
    max: Option<f64>,
}

impl Cls {
    pub fn add(&mut self, value: f64, start_ms: f64, had_recent_input: bool) {
        if had_recent_input || !value.is_finite() || value < 0.0 {
            return;
        }
        if self.max.is_some()
            && start_ms - self.last_ms < 1000.0
            && start_ms - self.first_ms < 5000.0
        {
            self.window += value;
        } else {
            self.window = value;
            self.first_ms = start_ms;
        }
        self.last_ms = start_ms;
        self.max = Some(self.max.unwrap_or(0.0).max(self.window));
    }

    /// The largest window; `Some(0)` once observed with no shifts is the caller's choice.
    pub fn value(&self) -> Option<f64> {
        self.max
    }
}

/// INP: the longest interactions seen (worst duration per `interactionId`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Inp {
    /// (interaction id, worst duration), longest first, at most [`Inp::KEEP`].
    longest: Vec<(u64, f64)>,
    min_id: u64,
    max_id: u64,
}

impl Inp {
    /// Enough for the 98th percentile of up to 500 interactions (as web-vitals keeps).
    const KEEP: usize = 10;

    /// An event-timing (or first-input) entry; id 0 is not an interaction.
    pub fn add(&mut self, interaction_id: u64, duration_ms: f64) {
        if interaction_id == 0 || !duration_ms.is_finite() {
            return;
        }
        if self.min_id == 0 || interaction_id < self.min_id {
            self.min_id = interaction_id;
        }
        self.max_id = self.max_id.max(interaction_id);
        // Kept in order by hand: a sort would add a merge sort to the wasm.
        let worst = match self
            .longest
            .iter()
            .position(|(id, _)| *id == interaction_id)
        {
            Some(i) => self.longest.remove(i).1.max(duration_ms),
            None => duration_ms,
        };
        let at = self
            .longest
            .iter()
            .position(|e| e.1 < worst)
            .unwrap_or(self.longest.len());
        if at < Self::KEEP {
            self.longest.insert(at, (interaction_id, worst));
            self.longest.truncate(Self::KEEP);
        }
    }

    /// The ~98th percentile: the worst interaction, skipping one per 50. `interactions` is
    /// the page's interaction count (`performance.interactionCount`) when the browser has it;
    /// otherwise it is estimated from the ids, which Chromium spaces by 7.
    pub fn value(&self, interactions: Option<u64>) -> Option<f64> {
        let count = interactions.unwrap_or_else(|| {
            if self.max_id == 0 {
                0
            } else {
                (self.max_id - self.min_id) / 7 + 1
            }
        });
        let skip = (count / 50) as usize;
        self.longest
            .get(skip.min(self.longest.len().saturating_sub(1)))
            .map(|e| e.1)
    }
}

/// LCP: the last candidate, until input stops it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Lcp {
    value: Option<f64>,
    stopped: bool,
}

impl Lcp {
    pub fn candidate(&mut self, ms: f64) {
        if !self.stopped && ms.is_finite() {
            self.value = Some(ms.max(0.0));
        }
    }

    /// The first input: later candidates no longer count.
    pub fn stop(&mut self) {
        self.stopped = true;
    }

    pub fn value(&self) -> Option<f64> {
        self.value
    }
}

/// The vitals of one page view (a load, or a restore from the back/forward cache).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PageVitals {
    pub lcp: Lcp,
    pub cls: Cls,
    pub inp: Inp,
    pub fcp: Option<f64>,
    pub ttfb: Option<f64>,
    /// Whether layout shifts can be observed at all (CLS is then 0 without shifts).
    pub cls_observed: bool,
    reported: bool,
}

impl PageVitals {
    /// The next page view after a back/forward-cache restore: served without a request
    /// (TTFB 0), fresh LCP, CLS and INP.
    pub fn restored(&self) -> PageVitals {
        PageVitals {
            cls_observed: self.cls_observed,
            ttfb: Some(0.0),
            ..Default::default()
        }
    }

    /// A new page view after an SPA route change: CLS and INP start again; LCP, FCP and TTFB
    /// belong to real page loads only.
    pub fn soft_navigation(&self) -> PageVitals {
        let mut v = PageVitals {
            cls_observed: self.cls_observed,
            ..Default::default()
        };
        v.lcp.stop();
        v
    }

    /// The values to report at page hide, once per page view; empty afterwards.
    pub fn report(&mut self, interactions: Option<u64>) -> Vec<(Vital, f64)> {
        if self.reported {
            return Vec::new();
        }
        self.reported = true;
        let cls = self.cls.value().or(self.cls_observed.then_some(0.0));
        let values = [
            self.lcp.value(),
            self.inp.value(interactions),
            cls,
            self.fcp,
            self.ttfb,
        ];
        ALL.iter()
            .zip(values)
            .filter_map(|(v, x)| Some((*v, x?)))
            .collect()
    }
}

/// `web_vital.navigation_type` from the navigation entry's `type` (and whether the page
/// was prerendered).
pub fn navigation_type(entry_type: &str, prerendered: bool) -> &'static str {
    if prerendered {
        return "prerender";
    }
    match entry_type {
        "reload" => "reload",
        "back_forward" => "back-forward",
        "prerender" => "prerender",
        _ => "navigate",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ratings_follow_the_published_thresholds() {
        assert_eq!(Vital::Lcp.rating(2500.0), "good");
        assert_eq!(Vital::Lcp.rating(2500.1), "needs-improvement");
        assert_eq!(Vital::Lcp.rating(4000.0), "needs-improvement");
        assert_eq!(Vital::Lcp.rating(4001.0), "poor");
        assert_eq!(Vital::Inp.rating(200.0), "good");
        assert_eq!(Vital::Inp.rating(501.0), "poor");
        assert_eq!(Vital::Cls.rating(0.1), "good");
        assert_eq!(Vital::Cls.rating(0.2), "needs-improvement");
        assert_eq!(Vital::Cls.rating(0.26), "poor");
        assert_eq!(Vital::Fcp.rating(1800.0), "good");
        assert_eq!(Vital::Fcp.rating(3000.5), "poor");
        assert_eq!(Vital::Ttfb.rating(801.0), "needs-improvement");
        assert_eq!(Vital::Ttfb.rating(1801.0), "poor");
    }

    #[test]
    fn cls_is_the_largest_session_window() {
        let mut c = Cls::default();
        assert_eq!(c.value(), None);
        c.add(0.1, 0.0, false);
        c.add(0.1, 900.0, false); // gap < 1 s: same window (0.2)
        c.add(0.05, 2500.0, false); // gap 1.6 s: new window
        c.add(0.05, 3000.0, false);
        assert!((c.value().unwrap() - 0.2).abs() < 1e-9);
        c.add(0.5, 3100.0, true); // after input: ignored
        assert!((c.value().unwrap() - 0.2).abs() < 1e-9);
        // A window is capped at 5 s even with small gaps.
        let mut c = Cls::default();
        for i in 0..12 {
            c.add(0.01, i as f64 * 900.0, false);
        }
        // 0, 900, …, 4500 (6 shifts) in the first window; 5400 starts a new one.
        assert!((c.value().unwrap() - 0.06).abs() < 1e-9, "{:?}", c.value());
    }

    #[test]
    fn inp_takes_the_worst_per_interaction_and_the_98th_percentile() {
        let mut i = Inp::default();
        assert_eq!(i.value(None), None);
        i.add(0, 900.0); // not an interaction (e.g. a mousemove)
        assert_eq!(i.value(None), None);
        i.add(7, 40.0);
        i.add(7, 120.0); // pointerup of the same interaction
        i.add(14, 64.0);
        assert_eq!(i.value(None), Some(120.0));
        assert_eq!(i.value(Some(2)), Some(120.0));
        // 120 interactions: skip the 2 worst.
        let mut i = Inp::default();
        for n in 1..=120u64 {
            i.add(n * 7, n as f64);
        }
        assert_eq!(i.value(None), Some(118.0), "estimated count from the ids");
        assert_eq!(i.value(Some(120)), Some(118.0));
        assert_eq!(
            i.value(Some(49)),
            Some(120.0),
            "under 50 interactions: the worst"
        );
        assert_eq!(i.longest.len(), Inp::KEEP);
    }

    #[test]
    fn lcp_keeps_the_last_candidate_until_input() {
        let mut l = Lcp::default();
        l.candidate(300.0);
        l.candidate(1200.0);
        assert_eq!(l.value(), Some(1200.0));
        l.stop();
        l.candidate(5000.0);
        assert_eq!(l.value(), Some(1200.0));
        l.candidate(f64::NAN);
        assert_eq!(l.value(), Some(1200.0));
    }

    #[test]
    fn a_page_view_reports_once() {
        let mut p = PageVitals {
            fcp: Some(100.0),
            ttfb: Some(20.0),
            cls_observed: true,
            ..Default::default()
        };
        p.lcp.candidate(900.0);
        let r = p.report(None);
        assert_eq!(
            r,
            vec![
                (Vital::Lcp, 900.0),
                (Vital::Cls, 0.0),
                (Vital::Fcp, 100.0),
                (Vital::Ttfb, 20.0)
            ],
            "no INP without interactions; CLS 0 when observable"
        );
        assert!(p.report(None).is_empty());
        let mut q = PageVitals::default();
        assert!(
            q.report(None).is_empty(),
            "nothing observed, nothing reported"
        );
        let mut r = p.restored();
        r.fcp = Some(16.0);
        assert_eq!(
            r.report(None),
            vec![(Vital::Cls, 0.0), (Vital::Fcp, 16.0), (Vital::Ttfb, 0.0)],
            "a bfcache restore is a new page view"
        );
    }

    #[test]
    fn a_soft_navigation_starts_a_view_with_cls_and_inp_only() {
        let mut p = PageVitals {
            fcp: Some(100.0),
            ttfb: Some(20.0),
            cls_observed: true,
            ..Default::default()
        };
        p.lcp.candidate(900.0);
        p.cls.add(0.2, 10.0, false);
        p.report(None);
        let mut q = p.soft_navigation();
        q.lcp.candidate(50.0);
        q.inp.add(7, 300.0);
        assert_eq!(
            q.report(None),
            vec![(Vital::Inp, 300.0), (Vital::Cls, 0.0)],
            "no LCP/FCP/TTFB, fresh CLS"
        );
    }

    #[test]
    fn navigation_types() {
        assert_eq!(navigation_type("navigate", false), "navigate");
        assert_eq!(navigation_type("reload", false), "reload");
        assert_eq!(navigation_type("back_forward", false), "back-forward");
        assert_eq!(navigation_type("navigate", true), "prerender");
        assert_eq!(navigation_type("", false), "navigate");
    }
}
