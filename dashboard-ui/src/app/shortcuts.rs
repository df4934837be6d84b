//! SigNoz v0.39's global shortcuts (`constants/shortcuts/globalShortcuts.ts`).

use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use leptos_router::NavigateOptions;
use wasm_bindgen::JsCast;

/// `(key with shift, path, what it opens)`.
pub const GLOBAL: [(&str, &str, &str); 6] = [
    ("s", "/services", "Services"),
    ("t", "/traces-explorer", "Traces explorer"),
    ("l", "/logs/logs-explorer", "Logs explorer"),
    ("d", "/dashboards", "Dashboards"),
    ("a", "/alerts", "Alerts"),
    ("e", "/exceptions", "Exceptions"),
];

/// Listens for shift+key on the window while the calling component lives;
/// keys typed into a field are left alone.
pub fn install() {
    let navigate = use_navigate();
    let handle = window_event_listener(leptos::ev::keydown, move |ev| {
        if !ev.shift_key() || ev.ctrl_key() || ev.meta_key() || ev.alt_key() {
            return;
        }
        let typing = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .is_some_and(|el| {
                matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT")
                    || el.has_attribute("contenteditable")
            });
        if typing {
            return;
        }
        let key = ev.key().to_ascii_lowercase();
        if let Some((_, path, _)) = GLOBAL.iter().find(|(k, _, _)| *k == key) {
            ev.prevent_default();
            navigate(path, NavigateOptions::default());
        }
    });
    on_cleanup(move || handle.remove());
}
