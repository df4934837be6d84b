//! The global time range, kept in the URL (`range=` or `start=&end=`).

use crate::app::state::{use_set_query, use_url_query};
use crate::url_state::{TimeRange, PRESETS};
use leptos::prelude::*;

/// Epoch ms → the local `YYYY-MM-DDTHH:MM` a datetime-local input takes.
fn to_local_input(ms: i64) -> String {
    let offset = -(js_sys::Date::new(&(ms as f64).into()).get_timezone_offset() as i64);
    let s = crate::format::datetime_ms(ms as f64, offset);
    s.replace(' ', "T")[..16].to_string()
}

/// A datetime-local value, read as local time by the JS Date parser.
fn from_local_input(s: &str) -> Option<i64> {
    let t = js_sys::Date::new(&s.into()).get_time();
    t.is_finite().then_some(t as i64)
}

#[component]
pub fn TimePicker() -> impl IntoView {
    let q = use_url_query();
    let set_query = use_set_query();
    let range = Memo::new(move |_| TimeRange::from_query(&q.get()));
    let selected = move || match range.get() {
        TimeRange::Last(name) => name.to_string(),
        TimeRange::Custom { .. } => "custom".into(),
    };
    let custom_open = RwSignal::new(false);
    let start = RwSignal::new(String::new());
    let end = RwSignal::new(String::new());
    let set_q = set_query.clone();
    let on_change = move |ev: leptos::ev::Event| {
        let v = event_target_value(&ev);
        if v == "custom" {
            let (s, e) = range.get_untracked().resolve(crate::app::state::now_ms());
            start.set(to_local_input(s));
            end.set(to_local_input(e));
            custom_open.set(true);
        } else if let Some((name, _)) = PRESETS.iter().find(|(n, _)| *n == v) {
            custom_open.set(false);
            let r = TimeRange::Last(name);
            set_q(Box::new(move |q| r.write(q)));
        }
    };
    let apply = move |_| {
        if let (Some(s), Some(e)) = (
            from_local_input(&start.get_untracked()),
            from_local_input(&end.get_untracked()),
        ) {
            if s < e {
                let r = TimeRange::Custom {
                    start_ms: s,
                    end_ms: e,
                };
                set_query(Box::new(move |q| r.write(q)));
                custom_open.set(false);
            }
        }
    };
    view! {
        <div class="time-picker">
            <select aria-label="Time range" prop:value=selected on:change=on_change>
                {PRESETS.iter().map(|(n, _)| view! { <option value=*n>{format!("Last {n}")}</option> }).collect_view()}
                <option value="custom">"Custom…"</option>
            </select>
            <span class="range-label">{move || range.get().label()}</span>
            <Show when=move || custom_open.get()>
                <input type="datetime-local" aria-label="From" prop:value=move || start.get()
                    on:input=move |ev| start.set(event_target_value(&ev))/>
                <input type="datetime-local" aria-label="To" prop:value=move || end.get()
                    on:input=move |ev| end.set(event_target_value(&ev))/>
                <button on:click=apply.clone()>"Apply"</button>
            </Show>
        </div>
    }
}

/// v0.39's auto-refresh choices (`container/TopNav/AutoRefresh/config.ts`): label, seconds.
const REFRESH_OPTIONS: [(&str, u32); 12] = [
    ("off", 0),
    ("5s", 5),
    ("10s", 10),
    ("30s", 30),
    ("1m", 60),
    ("5m", 300),
    ("10m", 600),
    ("15m", 900),
    ("30m", 1800),
    ("1h", 3600),
    ("2h", 7200),
    ("1d", 86400),
];

/// Like v0.39, the interval is remembered per page path in localStorage (not in the URL).
const REFRESH_KEY: &str = "AUTO_REFRESH_INTERVAL";

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

fn stored_intervals() -> serde_json::Map<String, serde_json::Value> {
    storage()
        .and_then(|s| s.get_item(REFRESH_KEY).ok().flatten())
        .and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or_default()
}

/// Auto-refresh: bumps the refresh tick every interval, so pages reading
/// `use_time_window` re-query with "now" moved on. Off for a custom (fixed) range, as in v0.39.
#[component]
pub fn AutoRefresh(tick: RwSignal<u32>) -> impl IntoView {
    let loc = leptos_router::hooks::use_location();
    let q = use_url_query();
    let fixed =
        Memo::new(move |_| matches!(TimeRange::from_query(&q.get()), TimeRange::Custom { .. }));
    let interval = RwSignal::new("off".to_string());
    Effect::new(move |_| {
        let path = loc.pathname.get();
        let v = stored_intervals()
            .get(&path)
            .and_then(|v| v.as_str().map(str::to_string))
            .filter(|v| REFRESH_OPTIONS.iter().any(|(n, _)| n == v))
            .unwrap_or_else(|| "off".into());
        interval.set(v);
    });
    let handle = StoredValue::new_local(None::<leptos::leptos_dom::helpers::IntervalHandle>);
    Effect::new(move |_| {
        let secs = REFRESH_OPTIONS
            .iter()
            .find(|(n, _)| *n == interval.get())
            .map_or(0, |(_, s)| *s);
        if let Some(h) = handle.get_value() {
            h.clear();
        }
        handle.set_value(None);
        if secs > 0 && !fixed.get() {
            handle.set_value(
                leptos::leptos_dom::helpers::set_interval_with_handle(
                    move || tick.update(|t| *t += 1),
                    std::time::Duration::from_secs(secs as u64),
                )
                .ok(),
            );
        }
    });
    on_cleanup(move || {
        if let Some(h) = handle.try_get_value().flatten() {
            h.clear();
        }
    });
    let on_change = move |ev: leptos::ev::Event| {
        let v = event_target_value(&ev);
        let mut all = stored_intervals();
        let path = loc.pathname.get_untracked();
        if v == "off" {
            all.remove(&path);
        } else {
            all.insert(path, v.clone().into());
        }
        if let Some(s) = storage() {
            let _ = s.set_item(REFRESH_KEY, &serde_json::Value::Object(all).to_string());
        }
        interval.set(v);
    };
    view! {
        <select aria-label="Auto refresh" title=move || if fixed.get() { "Auto refresh is off for a custom time range" } else { "Auto refresh" }
            prop:value=move || interval.get() disabled=move || fixed.get() on:change=on_change>
            {REFRESH_OPTIONS.iter().map(|(n, _)| view! {
                <option value=*n>{if *n == "off" { "Auto refresh: off".to_string() } else { format!("Every {n}") }}</option>
            }).collect_view()}
        </select>
    }
}
