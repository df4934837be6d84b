//! View state read from and written to the URL (see `crate::url_state`).

use crate::url_state::{encode_query, parse_query, Query, TimeRange};
use leptos::prelude::*;
use leptos_router::hooks::{use_location, use_navigate};
use leptos_router::NavigateOptions;

/// The current URL query, reactive.
pub fn use_url_query() -> Memo<Query> {
    let loc = use_location();
    Memo::new(move |_| parse_query(&loc.search.get()))
}

/// One edit of the URL query, for `use_set_query`.
pub type QueryEdit = Box<dyn FnOnce(&mut Query)>;

/// Returns a function that rewrites the URL query in place (no new history
/// entry), keeping the path.
pub fn use_set_query() -> impl Fn(QueryEdit) + Clone {
    let loc = use_location();
    let navigate = use_navigate();
    move |f: QueryEdit| {
        let mut q = parse_query(&loc.search.get_untracked());
        f(&mut q);
        let path = loc.pathname.get_untracked();
        let qs = encode_query(&q);
        let url = if qs.is_empty() {
            path
        } else {
            format!("{path}?{qs}")
        };
        navigate(
            &url,
            NavigateOptions {
                replace: true,
                scroll: false,
                ..Default::default()
            },
        );
    }
}

/// Milliseconds since the epoch from the JS clock (no `Instant` in wasm).
pub fn now_ms() -> i64 {
    js_sys::Date::now() as i64
}

/// A bump counter the Refresh button increments so relative ranges move to "now".
#[derive(Clone, Copy)]
pub struct RefreshTick(pub RwSignal<u32>);

/// The resolved `(start_ms, end_ms)` of the URL's time range, re-evaluated
/// when the URL changes or Refresh is pressed.
pub fn use_time_window() -> Memo<(i64, i64)> {
    let q = use_url_query();
    let tick = use_context::<RefreshTick>().map(|t| t.0);
    Memo::new(move |_| {
        if let Some(t) = tick {
            t.track();
        }
        TimeRange::from_query(&q.get()).resolve(now_ms())
    })
}

/// A link target that carries the current time range along.
pub fn with_range(path: &str, q: &Query) -> String {
    let mut keep = Query::new();
    TimeRange::from_query(q).write(&mut keep);
    format!("{path}?{}", encode_query(&keep))
}
