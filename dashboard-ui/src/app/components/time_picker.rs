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
