//! Shared view pieces: the shell (navigation, time picker, theme), status
//! views, charts.

pub mod chart;
pub mod query_builder;
pub mod resource_filter;
pub mod theme;
mod time_picker;

pub use chart::{ChartKind, ChartSeries, TimeChart};
pub use theme::ThemeSwitch;
pub use time_picker::{AutoRefresh, TimePicker};

use super::api::session::LoggedIn;
use super::state::{use_url_query, with_range, RefreshTick};
use leptos::prelude::*;
use leptos_router::components::Redirect;
use leptos_router::hooks::use_location;

const NAV: [(&str, &str); 12] = [
    ("/get-started", "Get started"),
    ("/services", "Services"),
    ("/traces-explorer", "Traces explorer"),
    ("/traces", "Trace search"),
    ("/logs/logs-explorer", "Logs explorer"),
    ("/logs", "Log search"),
    ("/exceptions", "Exceptions"),
    ("/service-map", "Service map"),
    ("/dashboards", "Dashboards"),
    ("/alerts", "Alerts"),
    ("/browser", "Browser"),
    ("/settings", "Settings"),
];

/// Whether `path` is the nav entry for the page at `current` (the longest
/// prefix wins, so `/traces-explorer` does not light up `/traces`).
fn nav_active(current: &str, path: &str) -> bool {
    // The saved-views pages sit under the old search pages' paths but belong to the explorers.
    let current = match current {
        "/traces/saved-views" => "/traces-explorer",
        "/logs/saved-views" | "/logs-explorer/index-fields" => "/logs/logs-explorer",
        c => c,
    };
    let matches = |p: &str| current == p || current.starts_with(&format!("{p}/"));
    matches(path)
        && !NAV
            .iter()
            .any(|(other, _)| other.len() > path.len() && matches(other))
}

/// The logged-in frame around every page; sends anonymous users to login.
#[component]
pub fn Shell(children: ChildrenFn) -> impl IntoView {
    let logged_in = expect_context::<LoggedIn>().0;
    let tick = RefreshTick(RwSignal::new(0));
    provide_context(tick);
    let set_query = super::state::use_set_query();
    provide_context(chart::ZoomTo(Callback::new(move |(s, e): (i64, i64)| {
        let r = crate::url_state::TimeRange::Custom {
            start_ms: s,
            end_ms: e,
        };
        set_query(Box::new(move |q| r.write(q)));
    })));
    let q = use_url_query();
    let loc = use_location();
    let children = StoredValue::new(children);
    super::shortcuts::install();
    move || {
        if !logged_in.get() {
            return view! { <Redirect path="/login"/> }.into_any();
        }
        view! {
            <div class="app">
                <nav class="side" aria-label="Main">
                    <a class="brand" href="/services">"◆ otel-wasm"</a>
                    {NAV
                        .iter()
                        .map(|(path, label)| {
                            let path = *path;
                            let active = move || nav_active(&loc.pathname.get(), path);
                            view! {
                                <a href=move || with_range(path, &q.get()) class:active=active>
                                    {*label}
                                </a>
                            }
                        })
                        .collect_view()}
                </nav>
                <div class="main">
                    <header class="top">
                        <TimePicker/>
                        <button on:click=move |_| tick.0.update(|t| *t += 1) title="Reload with the current time">
                            "↻ Refresh"
                        </button>
                        <AutoRefresh tick=tick.0/>
                        <span class="grow"></span>
                        <ThemeSwitch/>
                        <button on:click=|_| leptos::task::spawn_local(async {
                            super::api::logout().await;
                            super::api::session::end();
                        })>"Log out"</button>
                    </header>
                    <main>{children.with_value(|c| c())}</main>
                </div>
            </div>
        }
        .into_any()
    }
}

/// An API error as text.
#[component]
pub fn ErrorView(message: String) -> impl IntoView {
    view! { <div class="error" role="alert">{message}</div> }
}

#[component]
pub fn Loading() -> impl IntoView {
    view! { <div class="loading">"Loading…"</div> }
}

/// Stable colour for the i-th service/series (golden-angle hues).
pub fn palette(i: usize) -> String {
    format!("hsl({:.0} 65% 55%)", (i as f64 * 137.508 + 200.0) % 360.0)
}

/// Renders a `LocalResource<Result<T, ApiError>>`: loading, error, or `f(value)`.
pub fn resource_view<T, F, V>(
    r: LocalResource<Result<T, super::api::ApiError>>,
    f: F,
) -> impl IntoView
where
    T: Clone + 'static,
    F: Fn(T) -> V + Send + Sync + 'static,
    V: IntoView + 'static,
{
    move || match r.get() {
        None => view! { <Loading/> }.into_any(),
        Some(Err(e)) => view! { <ErrorView message=e.message/> }.into_any(),
        Some(Ok(v)) => f(v).into_any(),
    }
}

/// A labelled text input bound to a signal.
pub fn text_field(
    label: &'static str,
    sig: RwSignal<String>,
    placeholder: &'static str,
) -> impl IntoView {
    view! {
        <label>{label}<input type="text" placeholder=placeholder prop:value=move || sig.get()
            on:input=move |ev| sig.set(event_target_value(&ev))/></label>
    }
}

/// Previous/next paging over a 0-based page number.
pub fn pager(
    page: impl Fn() -> u32 + Copy + Send + Sync + 'static,
    go: impl Fn(i32) + Clone + Send + Sync + 'static,
    prev_label: &'static str,
    next_label: &'static str,
) -> impl IntoView {
    let go_prev = go.clone();
    view! {
        <div class="pager">
            <button on:click=move |_| go_prev(-1) disabled=move || page() == 0>{prev_label}</button>
            <span>{move || format!("Page {}", page() + 1)}</span>
            <button on:click=move |_| go(1)>{next_label}</button>
        </div>
    }
}
