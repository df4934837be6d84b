//! Dashboards list: search and tag filter, create, import (file or paste),
//! delete. One dashboard is `dashboard_view`.

use crate::app::api;
use crate::app::components::{resource_view, ErrorView};
use crate::app::state::{use_url_query, with_range};
use crate::dashboard::{import_json, matches_filter, DashboardSpec};
use crate::model::DashboardJson;
use crate::url_state::encode;
use leptos::prelude::*;
use leptos::task::spawn_local;
use serde_json::json;

pub use super::dashboard_view::DashboardPage;

#[component]
pub fn DashboardsPage() -> impl IntoView {
    let q = use_url_query();
    let list = LocalResource::new(api::dashboards_json);
    let title = RwSignal::new(String::new());
    let search = RwSignal::new(String::new());
    let tag = RwSignal::new(String::new());
    let import_text = RwSignal::new(String::new());
    let importing = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let create = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let t = title.get_untracked().trim().to_string();
        if t.is_empty() {
            error.set(Some("A dashboard needs a title.".into()));
            return;
        }
        let data = json!({"title": t, "description": "", "tags": [], "layout": [], "widgets": [], "variables": {}});
        spawn_local(async move {
            match api::create_dashboard_json(&data).await {
                Ok(_) => {
                    title.set(String::new());
                    error.set(None);
                    list.refetch();
                }
                Err(e) => error.set(Some(e.message)),
            }
        });
    };
    let do_import = move |text: String| {
        let spec = match import_json(&text) {
            Ok(s) => s,
            Err(e) => {
                error.set(Some(format!("Cannot import: {e}")));
                return;
            }
        };
        spawn_local(async move {
            match api::create_dashboard_json(&spec.to_value()).await {
                Ok(d) => {
                    error.set(None);
                    import_text.set(String::new());
                    importing.set(false);
                    let href = format!("/dashboards/{}", encode(&d.uuid));
                    let _ = window().location().set_href(&href);
                }
                Err(e) => error.set(Some(e.message)),
            }
        });
    };
    let on_file = move |ev: leptos::ev::Event| {
        use wasm_bindgen::JsCast;
        let Some(input) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        else {
            return;
        };
        let Some(file) = input.files().and_then(|f| f.get(0)) else {
            return;
        };
        spawn_local(async move {
            match wasm_bindgen_futures::JsFuture::from(file.text()).await {
                Ok(t) => do_import(t.as_string().unwrap_or_default()),
                Err(_) => error.set(Some("Cannot read the file.".into())),
            }
        });
    };
    let delete = move |uuid: String| {
        spawn_local(async move {
            match api::delete_dashboard(&uuid).await {
                Ok(()) => list.refetch(),
                Err(e) => error.set(Some(e.message)),
            }
        });
    };
    view! {
        <section>
            <div class="toolbar">
                <h1>"Dashboards"</h1>
                <button class="edit-control" on:click=move |_| importing.update(|v| *v = !*v)>"Import JSON"</button>
            </div>
            <form class="filters edit-control" on:submit=create>
                <label>"New dashboard"<input type="text" placeholder="Title" prop:value=move || title.get()
                    on:input=move |ev| title.set(event_target_value(&ev))/></label>
                <button type="submit">"Create"</button>
                <label>"Search"<input type="search" aria-label="Search dashboards" prop:value=move || search.get()
                    on:input=move |ev| search.set(event_target_value(&ev))/></label>
                <label>"Tag"<input type="text" aria-label="Filter by tag" prop:value=move || tag.get()
                    on:input=move |ev| tag.set(event_target_value(&ev))/></label>
            </form>
            {move || importing.get().then(|| view! {
                <div class="editor import" aria-label="Import dashboard">
                    <label>"Upload a file"<input type="file" accept=".json,application/json" on:change=on_file/></label>
                    <label>"or paste the JSON"
                        <textarea rows="8" aria-label="Dashboard JSON" prop:value=move || import_text.get()
                            on:input=move |ev| import_text.set(event_target_value(&ev))></textarea>
                    </label>
                    <button on:click=move |_| do_import(import_text.get_untracked())>"Import and load"</button>
                </div>
            })}
            {move || error.get().map(|m| view! { <ErrorView message=m/> })}
            <table class="data">
                <thead><tr><th>"Title"</th><th>"Description"</th><th>"Tags"</th><th>"Panels"</th><th></th></tr></thead>
                <tbody>
                    {resource_view(list, move |ds: Vec<DashboardJson>| {
                        let range_q = q.get_untracked();
                        move || {
                            let tags: Vec<String> = tag.get().split(',').map(|t| t.trim().to_string()).filter(|t| !t.is_empty()).collect();
                            let s = search.get();
                            let shown: Vec<(DashboardJson, DashboardSpec)> = ds.iter()
                                .map(|d| (d.clone(), DashboardSpec::from_value(&d.data)))
                                .filter(|(_, spec)| matches_filter(spec, &s, &tags))
                                .collect();
                            if shown.is_empty() {
                                return view! { <tr><td colspan="5" class="empty">"No dashboards."</td></tr> }.into_any();
                            }
                            shown.into_iter().map(|(d, spec)| {
                                let uuid = d.uuid.clone();
                                let locked = d.locked();
                                let tag_views = spec.tags().iter().map(|t| {
                                    let t2 = t.clone();
                                    view! { <button class="link tag" on:click=move |_| tag.set(t2.clone())>{t.clone()}</button> }
                                }).collect_view();
                                view! {
                                    <tr>
                                        <td><a href=with_range(&format!("/dashboards/{}", encode(&d.uuid)), &range_q)>{spec.title.clone()}</a>
                                            {locked.then(|| view! { <span class="hint">" (locked)"</span> })}</td>
                                        <td>{spec.description.clone().unwrap_or_default()}</td>
                                        <td>{tag_views}</td>
                                        <td class="num">{spec.widgets.len()}</td>
                                        <td><button class="danger edit-control" disabled=locked on:click=move |_| delete(uuid.clone())>"Delete"</button></td>
                                    </tr>
                                }
                            }).collect_view().into_any()
                        }
                    })}
                </tbody>
            </table>
        </section>
    }
}
