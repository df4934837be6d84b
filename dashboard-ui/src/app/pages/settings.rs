//! Settings on SigNoz's paths: `/settings` (retention per signal,
//! `/api/v1/settings/ttl`), `/usage-explorer` (`/api/v1/usage`), `/status`
//! (version) and `/shortcuts`.

use crate::app::api;
use crate::app::components::{resource_view, ChartSeries, ErrorView, TimeChart};
use crate::app::role::is_admin;
use crate::app::shortcuts::GLOBAL;
use crate::app::state::use_time_window;
use crate::model::{value_text, Version};
use leptos::prelude::*;
use leptos::task::spawn_local;
use serde_json::Value;

const SECTIONS: [(&str, &str); 7] = [
    ("/settings", "General"),
    ("/settings/channels", "Alert channels"),
    ("/settings/org-settings", "Organization"),
    ("/my-settings", "My settings"),
    ("/usage-explorer", "Usage"),
    ("/status", "Status"),
    ("/shortcuts", "Shortcuts"),
];

/// The settings pages' own navigation.
#[component]
pub fn SettingsNav() -> impl IntoView {
    view! {
        <nav class="tabs" aria-label="Settings">
            {SECTIONS.map(|(p, l)| view! { <a href=p>{l}</a> })}
        </nav>
    }
}

/// `(type, label, field of the GET reply)`.
const SIGNALS: [(&str, &str, &str); 3] = [
    ("traces", "Traces", "traces_ttl_duration_hrs"),
    ("metrics", "Metrics", "metrics_ttl_duration_hrs"),
    ("logs", "Logs", "logs_ttl_duration_hrs"),
];

#[component]
pub fn SettingsPage() -> impl IntoView {
    view! {
        <section>
            <SettingsNav/>
            <div class="toolbar"><h1>"Retention"</h1></div>
            <p class="hint">"How long each signal is kept before it is deleted."</p>
            {SIGNALS.map(|(kind, label, field)| view! { <Retention kind=kind label=label field=field/> })}
        </section>
    }
}

#[component]
fn Retention(kind: &'static str, label: &'static str, field: &'static str) -> impl IntoView {
    let admin = is_admin();
    let current = LocalResource::new(move || api::ttl(kind));
    let hours = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let notice = RwSignal::new(None::<String>);
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Ok(h) = hours.get_untracked().trim().parse::<u64>() else {
            return error.set(Some("Retention is a whole number of hours.".into()));
        };
        if h == 0 {
            return error.set(Some("Retention must be at least one hour.".into()));
        }
        spawn_local(async move {
            match api::set_ttl(kind, h).await {
                Ok(r) => {
                    error.set(None);
                    notice.set(Some(value_text(&r["message"])));
                    current.refetch();
                }
                Err(e) => error.set(Some(e.message)),
            }
        });
    };
    view! {
        <form class="filters" on:submit=save aria-label=format!("{label} retention")>
            <h2>{label}</h2>
            {resource_view(current, move |v: Value| {
                let h = v[field].as_f64().unwrap_or(-1.0);
                if hours.get_untracked().is_empty() && h > 0.0 { hours.set(format!("{h}")); }
                let text = if h > 0.0 { format!("kept {h} hours ({:.1} days)", h / 24.0) } else { "kept forever".into() };
                view! { <span class="hint">{text}</span> }
            })}
            <Show when=move || admin.get()>
                <label>"Hours"<input type="number" min="1" prop:value=move || hours.get() on:input=move |ev| hours.set(event_target_value(&ev))/></label>
                <button type="submit">"Save"</button>
            </Show>
            {move || error.get().map(|m| view! { <ErrorView message=m/> })}
            {move || notice.get().filter(|m| !m.is_empty()).map(|m| view! { <span class="notice" role="status">{m}</span> })}
        </form>
    }
}

#[component]
pub fn UsagePage() -> impl IntoView {
    let window = use_time_window();
    let service = RwSignal::new(String::new());
    let data = LocalResource::new(move || {
        let (s, e) = window.get();
        let svc = service.get();
        let step = ((e - s) / 1000 / 60).max(3600);
        async move { api::usage(s, e, &svc, step).await }
    });
    view! {
        <section>
            <SettingsNav/>
            <div class="toolbar"><h1>"Usage explorer"</h1>
                <label>"Service"<input type="text" placeholder="all services" prop:value=move || service.get()
                    on:change=move |ev| service.set(event_target_value(&ev))/></label>
            </div>
            {resource_view(data, move |v: Value| {
                let rows = v.as_array().cloned().unwrap_or_default();
                if rows.is_empty() {
                    return view! { <p class="empty">"No spans in this time range."</p> }.into_any();
                }
                let ts = |r: &Value| r["timestamp"].as_f64().unwrap_or(0.0) / 1e6;
                let total: f64 = rows.iter().map(|r| r["count"].as_f64().unwrap_or(0.0)).sum();
                let series = vec![ChartSeries { name: "spans".into(),
                    points: rows.iter().map(|r| (ts(r), r["count"].as_f64().unwrap_or(0.0))).collect() }];
                view! {
                    <p>{format!("{} spans in total", crate::format::compact(total))}</p>
                    <TimeChart title="Spans ingested".to_string() series=series format=crate::format::compact/>
                }.into_any()
            })}
        </section>
    }
}

#[component]
pub fn StatusPage() -> impl IntoView {
    let version = LocalResource::new(api::version);
    view! {
        <section>
            <SettingsNav/>
            <div class="toolbar"><h1>"Status"</h1></div>
            {resource_view(version, |v: Version| view! {
                <dl class="facts">
                    <dt>"Running version"</dt><dd class="mono">{v.version.clone()}</dd>
                    <dt>"Setup completed"</dt><dd>{v.setup_completed.to_string()}</dd>
                </dl>
                <p class="hint">"Compare with the latest release at "
                    <a href="https://github.com/SigNoz/signoz/releases" rel="noopener">"SigNoz's releases"</a>"."</p>
            })}
        </section>
    }
}

#[component]
pub fn ShortcutsPage() -> impl IntoView {
    view! {
        <section>
            <SettingsNav/>
            <div class="toolbar"><h1>"Keyboard shortcuts"</h1></div>
            <table class="data" aria-label="Keyboard shortcuts">
                <thead><tr><th>"Keys"</th><th>"Opens"</th></tr></thead>
                <tbody>
                    {GLOBAL.map(|(k, path, label)| view! {
                        <tr><td><kbd>"shift"</kbd>" + "<kbd>{k}</kbd></td><td><a href=path>{label}</a></td></tr>
                    })}
                </tbody>
            </table>
        </section>
    }
}
