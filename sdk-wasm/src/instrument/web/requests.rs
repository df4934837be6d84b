//! Fetch and XMLHttpRequest: the shim's request callbacks, from start through the
//! propagation headers to the end, and the sweep that hands request spans waiting for
//! their resource-timing entry on.

use super::document_load::late_resources;
use super::ffi::shim_arm_timing_wait;
use super::hooks::{call_hook, hook_span};
use super::state::{buffered_entries, with_state, Request};
use super::{dom, SCOPE_FETCH, SCOPE_XHR};
use crate::instrument::held::Held;
use crate::instrument::semconv::{
    normalise_method, outcome_attrs, server_address_port, Api, Outcome,
};
use crate::instrument::span::{given_ids, Kind};
use crate::web::js;
use js_sys::Array;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

// `ids`: the early span's ids from the npm loader (see [`given_ids`]); the core issues them
// otherwise.
#[cfg_attr(feature = "js-api", wasm_bindgen(js_name = "__cb_start"))]
pub fn on_start(
    api: u8,
    method: JsValue,
    url: JsValue,
    ctx: u32,
    input: JsValue,
    init: JsValue,
    ids: JsValue,
) -> u32 {
    let (method, url) = (js::text(&method), js::text(&url));
    let api = if api == 0 { Api::Fetch } else { Api::Xhr };
    let given = ids.as_string().as_deref().and_then(given_ids);
    let started = with_state(|s| {
        let cfg = match api {
            Api::Fetch => s.cfg.fetch.as_ref(),
            Api::Xhr => s.cfg.xhr.as_ref(),
        }?;
        let hook = cfg.request_hook.clone();
        // What the page passed is kept for the end's hook only when there is one.
        let keep_request = cfg.custom_attributes.is_some();
        // The last URL's verdict is kept: a polled endpoint would ask the same RegExps (in JS,
        // with the URL copied there) on every request.
        let ignored = match &s.last_ignored {
            Some((u, v)) if *u == url => *v,
            _ => {
                let v = s.cfg.ignore_urls.iter().any(|p| p.matches(&url));
                s.last_ignored = Some((url.clone(), v));
                v
            }
        };
        if ignored || s.backend.is_own_url(&url) {
            return None;
        }
        let m = normalise_method(&method);
        let h = s.handle();
        let start_ms = s.clock.now_ms();
        let start_ns = s.clock.to_unix_ns(start_ms);
        let parent = s.contexts.get(ctx);
        let scope = if api == Api::Fetch {
            SCOPE_FETCH
        } else {
            SCOPE_XHR
        };
        let mut span = s.new_span(
            scope,
            &m.normalised,
            Kind::Client,
            parent,
            false,
            start_ns,
            given,
        );
        span.set("http.request.method", m.normalised);
        if let Some(o) = m.original {
            span.set("http.request.method_original", o);
        }
        span.set("url.full", url.clone());
        if let Some((host, port)) = server_address_port(&url) {
            span.set("server.address", host);
            span.set("server.port", port as i64);
        }
        if api == Api::Xhr {
            span.event("open", start_ns);
        }
        s.stats.spans_started += 1;
        s.interactions.work_started(ctx);
        s.spans.insert_new(h, span);
        let request = if api == Api::Xhr || init.is_undefined() {
            input
        } else {
            init
        };
        s.requests.insert_new(
            h,
            Request {
                api,
                ctx,
                url,
                start_ms,
                request: keep_request.then(|| request.clone()),
            },
        );
        Some((h, hook, request))
    })
    .flatten();
    let Some((h, hook, request)) = started else {
        return 0;
    };
    if let Some(hook) = hook {
        call_hook(&hook, &[&hook_span(h), &request]);
    }
    h
}

// How `fast.js` may trace a request to `url` made outside any context, asked once per URL:
// 0 not at all (ignored, the exporter's, or the instrumentation is off), 1 without headers,
// 2 with a `traceparent` alone, 3 only through the core (a hook, baggage).
#[cfg_attr(feature = "js-api", wasm_bindgen(js_name = "__cb_verdict"))]
#[cfg_attr(not(feature = "js-api"), allow(dead_code))] // only fast.js calls it
pub fn on_verdict(api: u8, url: JsValue) -> u8 {
    let url = js::text(&url);
    with_state(|s| {
        let cfg = match api {
            0 => s.cfg.fetch.as_ref(),
            _ => s.cfg.xhr.as_ref(),
        };
        let Some(cfg) = cfg else { return 0 };
        if s.cfg.ignore_urls.iter().any(|p| p.matches(&url)) || s.backend.is_own_url(&url) {
            return 0;
        }
        if cfg.request_hook.is_some() || cfg.custom_attributes.is_some() {
            return 3;
        }
        match s.backend.root_traceparent(&url) {
            Some(true) => 2,
            Some(false) => 1,
            None => 3,
        }
    })
    .unwrap_or(0)
}

// Propagation headers for request `h` as one string, `name\nvalue\nname\nvalue` (a header has
// no newline; one string crosses to JS, not an array of them), or nothing when the CORS rule
// says no.
#[cfg_attr(feature = "js-api", wasm_bindgen(js_name = "__cb_header"))]
pub fn on_header(h: u32) -> JsValue {
    header(h).map_or(JsValue::UNDEFINED, |t| JsValue::from_str(&t))
}

fn header(h: u32) -> Option<String> {
    with_state(|s| {
        let url = &s.requests.get(&h)?.url;
        let mut out = String::new();
        for (k, v) in s.backend.headers(url, s.spans.get(&h)?) {
            if !out.is_empty() {
                out.push('\n');
            }
            out.push_str(k);
            out.push('\n');
            out.push_str(&v);
        }
        (!out.is_empty()).then_some(out)
    })
    .flatten()
}

// `send` was called on XHR `h`; with `header`, its propagation headers as [`on_header`] gives
// them (one call into wasm a request, not two).
#[cfg_attr(feature = "js-api", wasm_bindgen(js_name = "__cb_send"))]
pub fn on_send(h: u32, header: bool) -> JsValue {
    with_state(|s| {
        let now = s.clock.now_ns();
        s.spans.get_mut(&h).map(|span| span.event("send", now))
    });
    match header {
        true => on_header(h),
        false => JsValue::UNDEFINED,
    }
}

#[cfg_attr(feature = "js-api", wasm_bindgen(js_name = "__cb_end"))]
pub fn on_end(h: u32, outcome: u8, status: u16, result: JsValue) {
    let outcome = match outcome {
        0 => Outcome::Response(status),
        2 => Outcome::Aborted,
        3 => Outcome::Timeout,
        _ => Outcome::NetworkError,
    };
    let hook = with_state(|s| {
        let req = s.requests.get(&h)?;
        let api = req.api;
        let cfg = if api == Api::Fetch {
            s.cfg.fetch.as_ref()
        } else {
            s.cfg.xhr.as_ref()
        };
        let hook = cfg.and_then(|c| c.custom_attributes.clone());
        let now_ms = s.clock.now_ms();
        let now = s.clock.to_unix_ns(now_ms);
        let span = s.spans.get_mut(&h)?;
        span.end_ns = now;
        let a = outcome_attrs(api, outcome);
        if let Some(code) = a.status_code {
            span.set("http.response.status_code", code as i64);
        }
        if api == Api::Xhr {
            span.event(a.xhr_event, now);
        }
        if let Some(t) = a.error_type {
            span.set("error.type", t.clone());
            span.error = Some(t);
        }
        let request = || req.request.clone().unwrap_or_default();
        Some((now_ms, hook.map(|f| (f, request()))))
    })
    .flatten();
    let Some((now_ms, hook)) = hook else { return };
    if let Some((hook, request)) = hook {
        let span = hook_span(h);
        match result.is_undefined() {
            true => call_hook(&hook, &[&span, &request]),
            false => call_hook(&hook, &[&span, &request, &result]),
        };
    }
    let arm = with_state(|s| {
        let (Some(req), Some(span)) = (s.requests.remove(&h), s.spans.remove(&h)) else {
            return false;
        };
        s.interactions.work_ended(req.ctx, now_ms);
        let cfg = if req.api == Api::Fetch {
            s.cfg.fetch.as_ref()
        } else {
            s.cfg.xhr.as_ref()
        };
        let wants_timing =
            cfg.is_some_and(|c| c.network_events) && matches!(outcome, Outcome::Response(_));
        if !wants_timing {
            s.finish(span);
            return false;
        }
        let initiator = if req.api == Api::Fetch {
            "fetch"
        } else {
            "xmlhttprequest"
        };
        let evicted = s.held.push(Held {
            span,
            url: req.url,
            initiator,
            start_ms: req.start_ms,
            end_ms: now_ms,
        });
        if let Some(oldest) = evicted {
            s.release_held(oldest, None, &[]);
        }
        true
    });
    if arm == Some(true) {
        shim_arm_timing_wait(250.0);
    }
}

#[cfg_attr(feature = "js-api", wasm_bindgen(js_name = "__cb_entries"))]
pub fn on_entries(list: JsValue) {
    let (waiting, loaded_at) =
        with_state(|s| (!s.held.is_empty(), s.loaded_at)).unwrap_or((false, None));
    if !waiting && loaded_at.is_none() {
        return;
    }
    // The observer's list is an array (`getEntries()`).
    let Some(list) = list.dyn_ref::<Array>() else {
        return;
    };
    // Requests' entries for the held spans; other resources loaded after the page become
    // spans of their own (a beacon is neither). Each entry's initiator is read once.
    let mut requests = Vec::new();
    let mut late = Vec::new();
    for raw in list.iter() {
        let Some(initiator) = dom::initiator_type(&raw) else {
            continue;
        };
        match initiator.as_str() {
            "fetch" | "xmlhttprequest" => {
                if waiting {
                    requests.push(dom::entry_of(&raw, initiator, true));
                }
            }
            "beacon" => {}
            _ => {
                if let Some(t0) = loaded_at {
                    let e = dom::entry_of(&raw, initiator, false);
                    if e.start_time >= t0 {
                        late.push((raw, e))
                    }
                }
            }
        }
    }
    if waiting {
        with_state(|s| s.match_held(&requests, false, None));
    }
    if !late.is_empty() {
        late_resources(late);
    }
}

// Periodic check while spans wait for timing; true while some still wait.
#[cfg_attr(feature = "js-api", wasm_bindgen(js_name = "__cb_sweep"))]
pub fn on_sweep() -> bool {
    // Requests that ended in the last 100 ms get their entries from the observer.
    let urls: Vec<String> =
        with_state(|s| s.held.urls(s.clock.now_ms() - 100.0)).unwrap_or_default();
    let entries = buffered_entries(&urls);
    with_state(|s| {
        s.match_held(&entries, false, None);
        !s.held.is_empty()
    })
    .unwrap_or(false)
}
