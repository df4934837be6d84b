//! Document load: the page's navigation and resource entries as spans once the page has
//! loaded, and a `resourceFetch` span for each resource loaded after that.

use super::dom;
use super::hooks::{call_hook, hook_span};
use super::state::{performance, with_state, State};
use super::SCOPE_DOCUMENT_LOAD;
use crate::instrument::document_load::{self, PageFacts, Role};
use crate::instrument::span::{Kind, Parent, SpanRecord};
use crate::instrument::timing::ResourceEntry;
use js_sys::Reflect;
use wasm_bindgen::prelude::*;

const DOCUMENT_LOAD_FLAG: &str = "__sdkWasmDocumentLoad";

/// `Server-Timing: traceparent;desc="00-…"` on the navigation response: the server's trace
/// without a meta tag in the page (the browser exposes it to the page's own origin, or with
/// `Timing-Allow-Origin`).
fn server_timing_traceparent(perf: &web_sys::Performance) -> Option<String> {
    let nav = perf.get_entries_by_type("navigation").get(0);
    let entries = Reflect::get(&nav, &JsValue::from_str("serverTiming"))
        .ok()
        .filter(js_sys::Array::is_array)?;
    js_sys::Array::from(&entries).iter().find_map(|e| {
        let name = Reflect::get(&e, &JsValue::from_str("name"))
            .ok()?
            .as_string()?;
        (name == "traceparent").then(|| {
            Reflect::get(&e, &JsValue::from_str("description"))
                .ok()?
                .as_string()
        })?
    })
}

#[cfg_attr(feature = "js-api", wasm_bindgen(js_name = "__cb_documentLoad"))]
pub fn on_document_load() {
    // What starts from now on is not in the document load's spans.
    with_state(|s| s.loaded_at = Some(s.clock.now_ms()));
    let Some(window) = web_sys::window() else {
        return;
    };
    // Once per page, also across SDK re-initialisation.
    let flag = JsValue::from_str(DOCUMENT_LOAD_FLAG);
    if Reflect::get(&window, &flag)
        .map(|v| v.is_truthy())
        .unwrap_or(false)
    {
        return;
    }
    let _ = Reflect::set(&window, &flag, &JsValue::TRUE);
    let Some(perf) = performance() else { return };
    let Some(nav) = dom::navigation_entry(&perf) else {
        return;
    };
    let resources = dom::resource_entries(&perf.get_entries_by_type("resource"));
    // Through `Reflect.get`, as elsewhere: no web-sys import per getter.
    let url = crate::web::js::document_url();
    let user_agent = crate::web::js::get(&crate::web::js::global_get("navigator"), "userAgent")
        .as_string()
        .unwrap_or_default();
    let meta_parent = window
        .document()
        .and_then(|d| {
            d.query_selector("meta[name=\"traceparent\"]")
                .ok()
                .flatten()
        })
        .and_then(|m| m.get_attribute("content"))
        .and_then(|c| crate::propagation::extract(&c, None))
        .or_else(|| {
            server_timing_traceparent(&perf).and_then(|c| crate::propagation::extract(&c, None))
        })
        .map(|cx| Parent::from_span_context(&cx));
    let planned = with_state(|s| {
        let cfg = s.cfg.document_load.as_ref()?;
        let page = PageFacts {
            url: &url,
            user_agent: &user_agent,
            first_paint: paint(&perf, "first-paint"),
            first_contentful_paint: paint(&perf, "first-contentful-paint"),
            now_ms: s.clock.now_ms(),
        };
        let opts = document_load::Options {
            network_events: cfg.network_events,
            paint_events: cfg.paint_events,
        };
        let hooks = (
            cfg.on_document_load.clone(),
            cfg.on_document_fetch.clone(),
            cfg.on_resource_fetch.clone(),
        );
        let plan = document_load::plan(&nav, &resources, &page, &opts);
        let mut root: Option<Parent> = meta_parent;
        let mut made = Vec::new();
        for p in plan {
            let is_root = p.role == Role::DocumentLoad;
            let parent = if is_root { meta_parent } else { root };
            let role = p.role;
            let span = planned_span(s, p, parent, is_root, None);
            if role == Role::DocumentLoad {
                root = Some(span.as_parent());
            }
            let h = s.handle();
            s.spans.insert_new(h, span);
            made.push((h, role));
        }
        Some((made, hooks))
    })
    .flatten();
    let Some((made, (on_load, on_fetch, on_resource))) = planned else {
        return;
    };
    for (h, role) in &made {
        let span = hook_span(*h);
        match role {
            Role::DocumentLoad => on_load.as_ref().map(|f| call_hook(f, &[&span])),
            Role::DocumentFetch => on_fetch.as_ref().map(|f| call_hook(f, &[&span])),
            Role::ResourceFetch(i) => on_resource.as_ref().map(|f| {
                let entry = perf.get_entries_by_type("resource").get(*i as u32);
                call_hook(f, &[&span, &entry])
            }),
        };
    }
    // Children first, then the root (the order OTel JS exports them in).
    with_state(|s| {
        for (h, _) in made.iter().rev() {
            if let Some(span) = s.spans.remove(h) {
                s.finish(span);
            }
        }
    });
}

fn paint(perf: &web_sys::Performance, name: &str) -> Option<f64> {
    dom::paint_time(perf, name)
}

/// Scripts, stylesheets, images, fonts, … loaded after the document load (code-split chunks,
/// lazy images): one root `resourceFetch` span each, as at load. Requests have spans of their own.
/// `late`: the entries (and what they were read from) of resources that started loading after
/// the page.
pub(super) fn late_resources(late: Vec<(JsValue, ResourceEntry)>) {
    for (raw, e) in late {
        let made = with_state(|s| {
            let cfg = s.cfg.document_load.as_ref()?;
            let opts = document_load::Options {
                network_events: cfg.network_events,
                paint_events: cfg.paint_events,
            };
            let hook = cfg.on_resource_fetch.clone();
            let p = document_load::fetch_span(
                Role::ResourceFetch(0),
                "resourceFetch",
                &e,
                &s.backend.redact_url(&e.name),
                &opts,
            );
            let span = planned_span(s, p, None, false, Some(e.initiator_type.as_str()));
            let h = s.handle();
            s.spans.insert_new(h, span);
            Some((h, hook))
        })
        .flatten();
        let Some((h, hook)) = made else { continue };
        if let Some(f) = hook {
            call_hook(&f, &[&hook_span(h), &raw]);
        }
        with_state(|s| s.spans.remove(&h).map(|span| s.finish(span)));
    }
}

/// The span a planned document-load or resource span becomes; `initiator_type` for a
/// resource that loaded after the page (`resource.initiator_type`).
fn planned_span(
    s: &State,
    p: document_load::PlannedSpan,
    parent: Option<Parent>,
    remote_parent: bool,
    initiator_type: Option<&str>,
) -> SpanRecord {
    let start = s.clock.to_unix_ns(p.start_ms);
    let mut span = s.new_span(
        SCOPE_DOCUMENT_LOAD,
        p.name,
        Kind::Internal,
        parent,
        remote_parent,
        start,
        None,
    );
    span.end_ns = s.clock.to_unix_ns(p.end_ms);
    for (k, v) in p.attributes {
        span.set(k, v);
    }
    if let Some(t) = initiator_type {
        span.set("resource.initiator_type", t.to_string());
    }
    for (name, t) in p.events {
        span.event(name, s.clock.to_unix_ns(t));
    }
    span
}
