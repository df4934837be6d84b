//! Document-load spans planned from the navigation entry, the resource entries
//! and the paint entries, with no DOM access (times in ms since timeOrigin).

use super::span::Value;
use super::timing::{network_events, ResourceEntry};

/// The fields of a `PerformanceNavigationTiming` beyond the resource ones.
#[derive(Debug, Clone, Default)]
pub struct NavigationEntry {
    pub resource: ResourceEntry,
    pub unload_event_start: f64,
    pub unload_event_end: f64,
    pub dom_interactive: f64,
    pub dom_content_loaded_event_start: f64,
    pub dom_content_loaded_event_end: f64,
    pub dom_complete: f64,
    pub load_event_start: f64,
    pub load_event_end: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    DocumentLoad,
    DocumentFetch,
    /// Index into the resource entries.
    ResourceFetch(usize),
}

#[derive(Debug, Clone, PartialEq)]
pub struct PlannedSpan {
    pub role: Role,
    pub name: &'static str,
    pub start_ms: f64,
    pub end_ms: f64,
    pub events: Vec<(&'static str, f64)>,
    pub attributes: Vec<(&'static str, Value)>,
}

pub struct PageFacts<'a> {
    pub url: &'a str,
    pub user_agent: &'a str,
    /// `first-paint` and `first-contentful-paint` start times, if reported.
    pub first_paint: Option<f64>,
    pub first_contentful_paint: Option<f64>,
    pub now_ms: f64,
}

pub struct Options {
    pub network_events: bool,
    pub paint_events: bool,
}

/// Plans `documentLoad` (fetchStart → loadEventEnd, or now when the load event
/// has not ended), its `documentFetch` child and one `resourceFetch` child per
/// resource entry. Zero timings are left out (the event did not happen).
pub fn plan(
    nav: &NavigationEntry,
    resources: &[ResourceEntry],
    page: &PageFacts,
    opts: &Options,
) -> Vec<PlannedSpan> {
    let r = &nav.resource;
    let mut load_events: Vec<(&'static str, f64)> = [
        ("fetchStart", r.fetch_start),
        ("unloadEventStart", nav.unload_event_start),
        ("unloadEventEnd", nav.unload_event_end),
        ("domInteractive", nav.dom_interactive),
        (
            "domContentLoadedEventStart",
            nav.dom_content_loaded_event_start,
        ),
        ("domContentLoadedEventEnd", nav.dom_content_loaded_event_end),
        ("domComplete", nav.dom_complete),
        ("loadEventStart", nav.load_event_start),
        ("loadEventEnd", nav.load_event_end),
    ]
    .into_iter()
    .enumerate()
    .filter(|(i, (_, t))| *i == 0 || *t != 0.0)
    .map(|(_, e)| e)
    .collect();
    if opts.paint_events {
        load_events.extend(page.first_paint.map(|t| ("firstPaint", t)));
        load_events.extend(
            page.first_contentful_paint
                .map(|t| ("firstContentfulPaint", t)),
        );
    }
    let load_end = if nav.load_event_end > 0.0 {
        nav.load_event_end
    } else {
        page.now_ms
    };
    let mut spans = vec![PlannedSpan {
        role: Role::DocumentLoad,
        name: "documentLoad",
        start_ms: r.fetch_start,
        end_ms: load_end.max(r.fetch_start),
        events: load_events,
        attributes: vec![
            ("url.full", page.url.to_string().into()),
            ("user_agent.original", page.user_agent.to_string().into()),
        ],
    }];
    spans.push(fetch_span(
        Role::DocumentFetch,
        "documentFetch",
        r,
        page.url,
        opts,
    ));
    for (i, e) in resources.iter().enumerate() {
        spans.push(fetch_span(
            Role::ResourceFetch(i),
            "resourceFetch",
            e,
            &e.name,
            opts,
        ));
    }
    spans
}

pub fn fetch_span(
    role: Role,
    name: &'static str,
    e: &ResourceEntry,
    url: &str,
    opts: &Options,
) -> PlannedSpan {
    let mut attributes = vec![("url.full", Value::from(url.to_string()))];
    if e.encoded_body_size > 0.0 {
        attributes.push((
            "http.response.body.size",
            Value::I64(e.encoded_body_size as i64),
        ));
    }
    if e.decoded_body_size > 0.0 && e.decoded_body_size != e.encoded_body_size {
        attributes.push((
            "http.response.body.size.decoded",
            Value::I64(e.decoded_body_size as i64),
        ));
    }
    PlannedSpan {
        role,
        name,
        start_ms: e.fetch_start,
        end_ms: e.response_end.max(e.fetch_start),
        events: if opts.network_events {
            network_events(e)
        } else {
            Vec::new()
        },
        attributes,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nav() -> NavigationEntry {
        NavigationEntry {
            resource: ResourceEntry {
                name: "http://h/".into(),
                initiator_type: "navigation".into(),
                fetch_start: 1.5,
                domain_lookup_start: 2.0,
                domain_lookup_end: 2.0,
                connect_start: 2.0,
                connect_end: 3.0,
                request_start: 3.0,
                response_start: 5.0,
                response_end: 6.0,
                encoded_body_size: 100.0,
                decoded_body_size: 300.0,
                ..Default::default()
            },
            dom_interactive: 10.0,
            dom_content_loaded_event_start: 11.0,
            dom_content_loaded_event_end: 12.0,
            dom_complete: 20.0,
            load_event_start: 20.5,
            load_event_end: 21.0,
            ..Default::default()
        }
    }

    fn page(now_ms: f64) -> PageFacts<'static> {
        PageFacts {
            url: "http://h/",
            user_agent: "UA",
            first_paint: Some(8.0),
            first_contentful_paint: Some(9.0),
            now_ms,
        }
    }

    const ALL: Options = Options {
        network_events: true,
        paint_events: true,
    };

    #[test]
    fn load_fetch_and_resources() {
        let res = vec![ResourceEntry {
            name: "http://h/a.js".into(),
            fetch_start: 4.0,
            response_end: 7.0,
            ..Default::default()
        }];
        let spans = plan(&nav(), &res, &page(100.0), &ALL);
        assert_eq!(spans.len(), 3);
        let load = &spans[0];
        assert_eq!(
            (load.name, load.start_ms, load.end_ms),
            ("documentLoad", 1.5, 21.0)
        );
        let names: Vec<_> = load.events.iter().map(|e| e.0).collect();
        // No previous document: the unload events are zero and left out.
        assert_eq!(
            names,
            [
                "fetchStart",
                "domInteractive",
                "domContentLoadedEventStart",
                "domContentLoadedEventEnd",
                "domComplete",
                "loadEventStart",
                "loadEventEnd",
                "firstPaint",
                "firstContentfulPaint"
            ]
        );
        let fetch = &spans[1];
        assert_eq!(
            (fetch.name, fetch.start_ms, fetch.end_ms),
            ("documentFetch", 1.5, 6.0)
        );
        assert_eq!(
            fetch.events.len(),
            8,
            "secureConnectionStart is 0 over http"
        );
        assert!(fetch
            .attributes
            .contains(&("http.response.body.size", Value::I64(100))));
        let r = &spans[2];
        assert_eq!(
            (r.name, r.role, r.end_ms),
            ("resourceFetch", Role::ResourceFetch(0), 7.0)
        );
        assert_eq!(r.attributes[0], ("url.full", Value::from("http://h/a.js")));
        assert_eq!(r.events, vec![("fetchStart", 4.0), ("responseEnd", 7.0)]);
    }

    #[test]
    fn missing_load_end_ends_now_and_options_drop_events() {
        let mut n = nav();
        n.load_event_end = 0.0;
        let spans = plan(
            &n,
            &[],
            &page(50.0),
            &Options {
                network_events: false,
                paint_events: false,
            },
        );
        assert_eq!(spans.len(), 2);
        assert_eq!(spans[0].end_ms, 50.0);
        assert!(!spans[0]
            .events
            .iter()
            .any(|e| e.0 == "loadEventEnd" || e.0 == "firstPaint"));
        assert!(spans[1].events.is_empty());
    }
}
