//! How an interaction span ends: renamed `Navigation: <route>` when the page's URL changed
//! while it ran, and, for a click, held after its end until the shim's dead-click verdict
//! (at most ~1 s) so that `interaction.dead` is on the exported span. When it ends is
//! [`super::context::Interactions`]' business; the spans themselves stay in the glue's table
//! (user hooks edit them there) until they end.

use super::semconv::route_of;
use super::span::{SpanRecord, Value};
use super::table::Table;

/// At most this many clicks wait for their verdict (the oldest goes without it).
pub const MAX_WAITING: usize = 64;

/// The shim's frustration signals on a click (its `kind`): `interaction.rage` (one of several
/// clicks in a burst on one spot) and `interaction.dead` (the verdict: whether the click
/// changed nothing).
pub const RAGE: u8 = 0;
pub const DEAD: u8 = 1;

/// What the interaction spans need between start and export, by handle.
#[derive(Debug, Default)]
pub struct InteractionSpans {
    /// The route (path, query, fragment) each open interaction started on.
    start_routes: Table<u32, String>,
    /// Clicks whose dead-click verdict the shim has not given yet.
    awaiting_verdict: Vec<u32>,
    /// Ended clicks held for that verdict.
    settling: Vec<(u32, SpanRecord)>,
}

impl InteractionSpans {
    /// Interaction `h` (an `event_type` event) started with the page at `href`.
    pub fn started(&mut self, h: u32, event_type: &str, href: &str) {
        self.start_routes.insert_new(h, route_of(href).to_string());
        if event_type == "click" {
            self.awaiting_verdict.push(h);
            if self.awaiting_verdict.len() > MAX_WAITING {
                self.awaiting_verdict.remove(0);
            }
        }
    }

    /// A hook prevented interaction `h`: it has no span. (A prevented click stays on the
    /// waiting list, where it costs a slot until it falls off: the shim gives no verdict on
    /// a click without a span.)
    pub fn prevented(&mut self, h: u32) {
        self.start_routes.remove(&h);
    }

    /// Interaction `h` ended at `end_ns` (not before its start) with the page now on
    /// `route_now` (see [`route_of`]); `span` is its span if it still has one. A URL change
    /// makes it `Navigation: <template>` when the app names routes by template (few names
    /// however many ids the paths hold), else `Navigation: <route_now>`. Returns the span
    /// done: this one, unless it is a click awaiting its verdict (then the oldest held click
    /// when more than [`MAX_WAITING`] are held). `redact` applies the URL redaction to the
    /// name.
    pub fn end(
        &mut self,
        h: u32,
        span: Option<SpanRecord>,
        end_ns: u64,
        route_now: &str,
        template: Option<&str>,
        redact: impl Fn(&str) -> String,
    ) -> Option<SpanRecord> {
        let started_on = self.start_routes.remove(&h);
        let mut span = span?;
        if started_on.is_some_and(|r| r != route_now) {
            span.name = String::from("Navigation: ") + &redact(template.unwrap_or(route_now));
        }
        span.end_ns = end_ns.max(span.start_ns);
        if !self.awaiting_verdict.contains(&h) {
            return Some(span);
        }
        self.settling.push((h, span));
        (self.settling.len() > MAX_WAITING).then(|| self.settling.remove(0).1)
    }

    /// The shim's signal `kind` ([`RAGE`], [`DEAD`]) on click `h`: set on `open` (its span,
    /// while it runs) or on the ended span held for it. The dead-click verdict returns that
    /// held span, done.
    pub fn frustration(
        &mut self,
        h: u32,
        kind: u8,
        value: bool,
        open: Option<&mut SpanRecord>,
    ) -> Option<SpanRecord> {
        let key = if kind == RAGE {
            "interaction.rage"
        } else {
            "interaction.dead"
        };
        if let Some(span) = open {
            span.set(key, Value::Bool(value));
        } else if let Some((_, span)) = self.settling.iter_mut().find(|(x, _)| *x == h) {
            span.set(key, Value::Bool(value));
        }
        if kind != DEAD {
            return None;
        }
        self.awaiting_verdict.retain(|x| *x != h);
        let i = self.settling.iter().position(|(x, _)| *x == h)?;
        Some(self.settling.remove(i).1)
    }

    /// Every ended click held for its verdict, done (a flush exports what has ended); with
    /// `page_hidden`, no verdict is awaited any more (it would come too late).
    pub fn flush(&mut self, page_hidden: bool) -> impl Iterator<Item = SpanRecord> {
        if page_hidden {
            self.awaiting_verdict.clear();
        }
        std::mem::take(&mut self.settling)
            .into_iter()
            .map(|(_, s)| s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::instrument::span::{Kind, Parent};

    fn span(name: &str, start_ns: u64) -> SpanRecord {
        let me = Parent {
            trace_id: [1; 16],
            span_id: [2; 8],
            sampled: true,
        };
        SpanRecord::new(name, Kind::Internal, me, None, start_ns)
    }

    fn attr(s: &SpanRecord, key: &str) -> Option<Value> {
        s.get(key).cloned()
    }

    /// Ends `h` (started at 100 ns) at 500 ns with the page at `href_now`; the spans done.
    fn end(ix: &mut InteractionSpans, h: u32, name: &str, href_now: &str) -> Vec<SpanRecord> {
        let redact = |r: &str| r.replace("secret", "REDACTED");
        ix.end(
            h,
            Some(span(name, 100)),
            500,
            route_of(href_now),
            None,
            redact,
        )
        .into_iter()
        .collect()
    }

    #[test]
    fn an_interaction_on_an_unchanged_url_keeps_its_name_and_ends_now() {
        let mut ix = InteractionSpans::default();
        ix.started(1, "keydown", "https://h/a?q=1#f");
        let done = end(&mut ix, 1, "keydown", "https://h/a?q=1#f");
        assert_eq!(done.len(), 1);
        assert_eq!(done[0].name, "keydown");
        assert_eq!(done[0].end_ns, 500);
    }

    #[test]
    fn a_url_change_while_it_ran_makes_it_a_navigation_named_by_the_redacted_route() {
        let mut ix = InteractionSpans::default();
        ix.started(1, "submit", "https://h/a");
        let done = end(&mut ix, 1, "submit", "https://h/secret/b?x=1#h");
        assert_eq!(done[0].name, "Navigation: /REDACTED/b?x=1#h");
        // Query and fragment are part of the route; the origin is not.
        ix.started(2, "submit", "https://h/a?x=1");
        assert_eq!(
            end(&mut ix, 2, "submit", "https://h/a?x=2")[0].name,
            "Navigation: /a?x=2"
        );
        ix.started(3, "submit", "https://h/a");
        assert_eq!(
            end(&mut ix, 3, "submit", "https://h/a#tab")[0].name,
            "Navigation: /a#tab"
        );
        ix.started(4, "submit", "https://h/a");
        assert_eq!(
            end(&mut ix, 4, "submit", "https://other/a")[0].name,
            "submit"
        );
    }

    #[test]
    fn with_route_templates_a_navigation_is_named_by_the_template() {
        let mut ix = InteractionSpans::default();
        ix.started(2, "keydown", "https://h/orders/7");
        let redact = |r: &str| r.to_string();
        let nav = ix.end(
            2,
            Some(span("keydown", 100)),
            500,
            "/orders/8",
            Some("/orders/:id"),
            redact,
        );
        assert_eq!(nav.unwrap().name, "Navigation: /orders/:id");
        // Whether the URL changed is still the path's business, not the template's.
        ix.started(3, "keydown", "https://h/orders/8");
        let same = ix.end(
            3,
            Some(span("keydown", 100)),
            500,
            "/orders/8",
            Some("/orders/:id"),
            redact,
        );
        assert_eq!(same.unwrap().name, "keydown");
    }

    #[test]
    fn an_end_before_the_start_is_clamped_to_the_start() {
        let mut ix = InteractionSpans::default();
        ix.started(1, "keydown", "https://h/");
        let done = ix.end(1, Some(span("keydown", 900)), 500, "/", None, |r| r.into());
        assert_eq!(done.unwrap().end_ns, 900);
    }

    #[test]
    fn an_ended_click_waits_for_its_verdict_and_gets_it() {
        let mut ix = InteractionSpans::default();
        ix.started(1, "click", "https://h/");
        assert!(end(&mut ix, 1, "click", "https://h/").is_empty());
        // A rage signal after the end lands on the held span, which still waits.
        assert_eq!(ix.frustration(1, RAGE, true, None), None);
        let done = ix.frustration(1, DEAD, false, None).unwrap();
        assert_eq!(attr(&done, "interaction.rage"), Some(Value::Bool(true)));
        assert_eq!(attr(&done, "interaction.dead"), Some(Value::Bool(false)));
        assert_eq!(done.end_ns, 500);
    }

    #[test]
    fn a_verdict_before_the_end_goes_on_the_open_span_which_then_ends_at_once() {
        let mut ix = InteractionSpans::default();
        ix.started(1, "click", "https://h/");
        let mut open = span("click", 100);
        assert_eq!(ix.frustration(1, DEAD, true, Some(&mut open)), None);
        assert_eq!(attr(&open, "interaction.dead"), Some(Value::Bool(true)));
        assert_eq!(end(&mut ix, 1, "click", "https://h/").len(), 1);
    }

    #[test]
    fn only_clicks_wait_for_a_verdict() {
        let mut ix = InteractionSpans::default();
        ix.started(1, "submit", "https://h/");
        assert_eq!(end(&mut ix, 1, "submit", "https://h/").len(), 1);
        assert_eq!(ix.frustration(1, DEAD, true, None), None);
    }

    #[test]
    fn beyond_the_cap_the_oldest_held_click_goes_without_its_verdict() {
        let mut ix = InteractionSpans::default();
        for h in 1..=MAX_WAITING as u32 + 1 {
            ix.started(h, "click", "https://h/");
        }
        // Click 1 fell off the waiting list: it ends at once.
        assert_eq!(end(&mut ix, 1, "click", "https://h/").len(), 1);
        let mut released = Vec::new();
        for h in 2..=MAX_WAITING as u32 + 1 {
            released.extend(end(&mut ix, h, &format!("c{h}"), "https://h/"));
        }
        assert!(released.is_empty(), "64 wait");
        ix.started(100, "click", "https://h/");
        let released = end(&mut ix, 100, "c100", "https://h/");
        assert_eq!(
            released.iter().map(|s| &s.name[..]).collect::<Vec<_>>(),
            ["c2"]
        );
    }

    #[test]
    fn a_flush_hands_held_clicks_on_and_a_page_hide_stops_awaiting_verdicts() {
        let mut ix = InteractionSpans::default();
        for h in [1, 2, 3] {
            ix.started(h, "click", "https://h/");
        }
        end(&mut ix, 1, "c1", "https://h/");
        assert_eq!(ix.flush(false).count(), 1);
        // Click 2 still awaits its verdict after a plain flush …
        assert!(end(&mut ix, 2, "c2", "https://h/").is_empty());
        assert_eq!(ix.flush(true).count(), 1);
        // … but not after a page hide.
        assert_eq!(end(&mut ix, 3, "c3", "https://h/").len(), 1);
    }

    #[test]
    fn a_prevented_or_spanless_interaction_leaves_nothing_behind() {
        let mut ix = InteractionSpans::default();
        ix.started(1, "click", "https://h/");
        ix.prevented(1);
        ix.started(2, "click", "https://h/");
        assert_eq!(ix.end(2, None, 500, "/b", None, |r| r.into()), None);
        assert!(ix.start_routes.is_empty());
        assert_eq!(ix.frustration(2, DEAD, true, None), None);
        assert!(ix.settling.is_empty());
    }
}
