//! `/logs-explorer/index-fields` (v0.39's LogsIndexToFields): the log fields
//! from `GET /api/v1/logs/fields`, "selected" (static columns and promoted
//! fields) and "interesting" (every other key seen on a log), with promote and
//! demote through `POST /api/v1/logs/fields` for editors.

use crate::app::api;
use crate::app::components::resource_view;
use crate::app::role::can_edit;
use crate::app::state::{use_url_query, with_range};
use leptos::prelude::*;
use leptos::task::spawn_local;
use serde_json::Value;

fn text(f: &Value, k: &str) -> String {
    f[k].as_str().unwrap_or_default().to_string()
}

#[component]
pub fn LogsIndexFieldsPage() -> impl IntoView {
    let url = use_url_query();
    let fields = LocalResource::new(api::log_fields);
    let search = RwSignal::new(String::new());
    let message = RwSignal::new(None::<(bool, String)>);
    let busy = RwSignal::new(false);
    let editor = can_edit();
    let change = move |f: Value, selected: bool| {
        busy.set(true);
        spawn_local(async move {
            let name = text(&f, "name");
            match api::set_log_field(&f, selected).await {
                Ok(()) => {
                    let what = if selected { "Added" } else { "Removed" };
                    message.set(Some((false, format!("{what} \u{201c}{name}\u{201d}."))));
                    fields.refetch();
                }
                Err(e) => message.set(Some((true, e.message))),
            }
            busy.set(false);
        });
    };
    let table = move |label: &'static str, list: Vec<Value>, selected: bool| {
        let needle = search.get().trim().to_lowercase();
        let rows: Vec<Value> = list
            .into_iter()
            .filter(|f| needle.is_empty() || text(f, "name").to_lowercase().contains(&needle))
            .collect();
        let body = if rows.is_empty() {
            view! { <tr><td colspan="4" class="empty">"No fields."</td></tr> }.into_any()
        } else {
            rows.into_iter()
                .map(|f| {
                    let kind = text(&f, "type");
                    let fixed = kind == "static";
                    let (action, title) = if selected {
                        ("Remove", "Remove from selected fields")
                    } else {
                        ("Add", "Add to selected fields")
                    };
                    let name = text(&f, "name");
                    let f2 = f.clone();
                    view! {
                        <tr>
                            <td>{name.clone()}</td>
                            <td class="hint">{text(&f, "dataType")}</td>
                            <td class="hint">{kind}</td>
                            <td>{if fixed {
                                view! { <span class="hint">"static"</span> }.into_any()
                            } else {
                                view! {
                                    <button type="button" title=title aria-label=format!("{action} {name}")
                                        disabled=move || !editor.get() || busy.get()
                                        on:click=move |_| change(f2.clone(), !selected)>{action}</button>
                                }.into_any()
                            }}</td>
                        </tr>
                    }
                })
                .collect_view()
                .into_any()
        };
        view! {
            <h2>{label}</h2>
            <table class="data" aria-label=label>
                <thead><tr><th>"Name"</th><th>"Data type"</th><th>"Type"</th><th></th></tr></thead>
                <tbody>{body}</tbody>
            </table>
        }
    };
    view! {
        <section>
            <div class="toolbar">
                <h1>"Index fields"</h1>
                <span class="grow"></span>
                <a href=move || url.with(|u| with_range("/logs/logs-explorer", u))>"← Logs explorer"</a>
            </div>
            <p class="hint">
                "Selected fields are shown as columns of the logs list and can be searched by name in log search; "
                "every other key seen on a log is listed under interesting fields."
            </p>
            {move || (!editor.get()).then(|| view! {
                <p class="hint" role="note">"Only editors and admins can change the selected fields."</p>
            })}
            <input type="search" placeholder="Search fields…" aria-label="Search fields"
                prop:value=move || search.get() on:input=move |ev| search.set(event_target_value(&ev))/>
            {move || message.get().map(|(err, m)| if err {
                view! { <div class="error" role="alert">{m}</div> }.into_any()
            } else {
                view! { <p class="hint" role="status">{m}</p> }.into_any()
            })}
            {resource_view(fields, move |(selected, interesting): (Vec<Value>, Vec<Value>)| view! {
                {move || table("Selected fields", selected.clone(), true)}
                {move || table("Interesting fields", interesting.clone(), false)}
            })}
        </section>
    }
}
