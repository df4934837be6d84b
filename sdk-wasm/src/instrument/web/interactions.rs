//! User interactions: the shim's callbacks for a dispatched event (a span, unless a hook
//! prevents it), its frustration signals, the async work it starts, and its end.

use super::ffi::shim_arm_expiry;
use super::hooks::{call_hook, hook_span};
use super::state::with_state;
use super::SCOPE_USER_INTERACTION;
use crate::instrument::span::{given_ids, Kind};
use crate::web::js;
use wasm_bindgen::prelude::*;

/// Separates the fields of `__cb_interaction`'s text (a control character, in none of them
/// but the ancestry, which comes last).
const INTERACTION_FIELD: u8 = 3;

// An interaction is being dispatched on `target` (an element, not disabled: the shim checked).
// `text` is `event type, tag name, location.href, ancestry` joined by INTERACTION_FIELD: one
// string to copy into wasm per click instead of four; the ancestry is the shim's description
// of the target's ancestors (see `xpath::xpath`).
#[cfg_attr(feature = "js-api", wasm_bindgen(js_name = "__cb_interaction"))]
pub fn on_interaction(text: JsValue, target: JsValue, ids: JsValue) -> u32 {
    let text = js::text(&text);
    let field = |s| crate::text::split_once(s, INTERACTION_FIELD).unwrap_or((s, ""));
    let (event_type, rest) = field(&text);
    let (tag, rest) = field(rest);
    let (href, ancestry) = field(rest);
    let given = ids.as_string().as_deref().and_then(given_ids);
    let created = with_state(|s| {
        let cfg = s.cfg.interaction.as_ref()?;
        let hook = cfg.should_prevent.clone();
        let h = s.handle();
        let now_ms = s.clock.now_ms();
        let start = s.clock.to_unix_ns(now_ms);
        let mut span = s.new_span(
            SCOPE_USER_INTERACTION,
            event_type,
            Kind::Internal,
            None,
            false,
            start,
            given,
        );
        span.set("event_type", event_type.to_string());
        span.set("target_element", tag.to_string());
        span.set("target_xpath", crate::instrument::xpath::xpath(ancestry));
        s.interaction_spans.started(h, event_type, href);
        span.set("url.full", href.to_string());
        s.spans.insert_new(h, span);
        Some((h, hook, now_ms))
    })
    .flatten();
    let Some((h, hook, now)) = created else {
        return 0;
    };
    if let Some(hook) = hook {
        if call_hook(
            &hook,
            &[&JsValue::from_str(event_type), &target, &hook_span(h)],
        )
        .is_truthy()
        {
            with_state(|s| {
                s.interaction_spans.prevented(h);
                s.spans.remove(&h).map(|span| s.backend.discard(&span))
            });
            return 0;
        }
    }
    let arm = with_state(|s| {
        let max = s
            .cfg
            .interaction
            .as_ref()
            .map_or(5000.0, |c| c.max_duration_ms);
        s.interactions.start(h, now, max);
        if let Some(span) = s.spans.get(&h) {
            let parent = span.as_parent();
            s.contexts.add(h, parent);
        }
        s.stats.spans_started += 1;
        // One timer for all interactions, re-armed by `on_expire` while any is open.
        (!std::mem::replace(&mut s.expiry_armed, true)).then_some(max)
    });
    if let Some(Some(max)) = arm {
        shim_arm_expiry(max + 1.0);
    }
    h
}

// The shim's frustration signals on a click span: `kind` 0 `interaction.rage`, 1
// `interaction.dead` (the verdict: the span, if it has ended, is exported now).
#[cfg_attr(feature = "js-api", wasm_bindgen(js_name = "__cb_frustration"))]
pub fn on_frustration(h: u32, kind: u8, value: bool) {
    with_state(|s| {
        let open = s.spans.get_mut(&h);
        if let Some(done) = s.interaction_spans.frustration(h, kind, value, open) {
            s.finish(done);
        }
    });
}

#[cfg_attr(feature = "js-api", wasm_bindgen(js_name = "__cb_activity"))]
pub fn on_activity() {
    with_state(|s| s.backend.activity());
}

#[cfg_attr(feature = "js-api", wasm_bindgen(js_name = "__cb_boundary"))]
pub fn on_boundary() {
    with_state(|s| {
        let now = s.clock.now_ms();
        let ended = s.interactions.boundary(now);
        s.end_interactions(ended);
    });
}

#[cfg_attr(feature = "js-api", wasm_bindgen(js_name = "__cb_workStart"))]
pub fn on_work_start(ctx: u32) -> bool {
    with_state(|s| s.interactions.work_started(ctx)).unwrap_or(false)
}

#[cfg_attr(feature = "js-api", wasm_bindgen(js_name = "__cb_workEnd"))]
pub fn on_work_end(ctx: u32) {
    with_state(|s| {
        let now = s.clock.now_ms();
        s.interactions.work_ended(ctx, now);
    });
}

// The expiry timer fired; returns ms until the next deadline (0: none).
#[cfg_attr(feature = "js-api", wasm_bindgen(js_name = "__cb_expire"))]
pub fn on_expire() -> f64 {
    with_state(|s| {
        let now = s.clock.now_ms();
        let ended = s.interactions.expire(now);
        s.end_interactions(ended);
        let next = s
            .interactions
            .next_deadline()
            .map_or(0.0, |d| (d - now).max(1.0));
        // The shim arms the timer again when `next` is not 0.
        s.expiry_armed = next > 0.0;
        next
    })
    .unwrap_or(0.0)
}
