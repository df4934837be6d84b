//! Dark and light themes: follows `prefers-color-scheme` unless the user
//! picks one (kept in localStorage, applied as `<html data-theme>`).

use leptos::prelude::*;

const KEY: &str = "theme";

fn stored() -> String {
    web_sys::window()
        .and_then(|w| w.local_storage().ok().flatten())
        .and_then(|s| s.get_item(KEY).ok().flatten())
        .unwrap_or_else(|| "auto".into())
}

fn apply(theme: &str) {
    if let Some(root) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    {
        let _ = root.set_attribute("data-theme", theme);
    }
    if let Some(s) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()) {
        let _ = s.set_item(KEY, theme);
    }
}

pub fn init() {
    apply(&stored());
}

#[component]
pub fn ThemeSwitch() -> impl IntoView {
    let theme = RwSignal::new(stored());
    view! {
        <label class="theme">
            "Theme "
            <select
                aria-label="Theme"
                prop:value=move || theme.get()
                on:change=move |ev| {
                    let v = event_target_value(&ev);
                    apply(&v);
                    theme.set(v);
                }
            >
                <option value="auto">"System"</option>
                <option value="dark">"Dark"</option>
                <option value="light">"Light"</option>
            </select>
        </label>
    }
}
