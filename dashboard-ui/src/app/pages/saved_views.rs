//! The saved-views pages of v0.39 (`/traces/saved-views`, `/logs/saved-views`):
//! every view of one explorer from `GET /api/v1/explorer/views?sourcePage=…`,
//! with open (the explorer with the view's query, as its own view picker
//! opens it), rename and delete.

use super::explorer::{explorer_path, view_params};
use crate::app::api;
use crate::app::components::resource_view;
use crate::app::state::{use_url_query, with_range};
use crate::model::{value_text, SavedView};
use crate::url_state::{encode_query, Query as UrlQuery, TimeRange};
use leptos::prelude::*;
use leptos::task::spawn_local;

#[component]
pub fn TracesSavedViewsPage() -> impl IntoView {
    saved_views_page("traces")
}

#[component]
pub fn LogsSavedViewsPage() -> impl IntoView {
    saved_views_page("logs")
}

/// The explorer link of a view, keeping the page's time range; the error when
/// its query cannot be read.
fn open_href(v: &SavedView, url: &UrlQuery) -> Result<String, String> {
    let mut q = UrlQuery::new();
    TimeRange::from_query(url).write(&mut q);
    q.extend(view_params(v)?);
    Ok(format!(
        "{}?{}",
        explorer_path(&v.source_page),
        encode_query(&q)
    ))
}

fn saved_views_page(source: &'static str) -> AnyView {
    let url = use_url_query();
    let list = LocalResource::new(move || api::saved_views(source));
    let search = RwSignal::new(String::new());
    let message = RwSignal::new(None::<String>);
    // The view being renamed (uuid, new name) and the one asked to be deleted.
    let renaming = RwSignal::new(None::<(String, String)>);
    let deleting = RwSignal::new(None::<String>);
    let rename = move |mut v: SavedView| {
        let Some((_, name)) = renaming.get_untracked() else {
            return;
        };
        let name = name.trim().to_string();
        if name.is_empty() {
            message.set(Some("Give the view a name.".into()));
            return;
        }
        v.name = name;
        spawn_local(async move {
            match api::update_saved_view(&v).await {
                Ok(()) => {
                    renaming.set(None);
                    message.set(Some(format!("Renamed to \u{201c}{}\u{201d}.", v.name)));
                    list.refetch();
                }
                Err(e) => message.set(Some(e.message)),
            }
        });
    };
    let delete = move |v: SavedView| {
        spawn_local(async move {
            match api::delete_saved_view(&v.uuid).await {
                Ok(()) => {
                    deleting.set(None);
                    message.set(Some(format!("Deleted \u{201c}{}\u{201d}.", v.name)));
                    list.refetch();
                }
                Err(e) => message.set(Some(e.message)),
            }
        });
    };
    let (title, explorer_label) = if source == "traces" {
        ("Traces views", "Traces explorer")
    } else {
        ("Logs views", "Logs explorer")
    };
    let rows = move |views: Vec<SavedView>| {
        let needle = search.get().trim().to_lowercase();
        let views: Vec<SavedView> = views
            .into_iter()
            .filter(|v| needle.is_empty() || v.name.to_lowercase().contains(&needle))
            .collect();
        if views.is_empty() {
            let text = if needle.is_empty() {
                "No saved views yet: save one from the explorer's Save view."
            } else {
                "No view matches this search."
            };
            return view! { <p class="empty">{text}</p> }.into_any();
        }
        let u = url.get();
        let body = views
            .into_iter()
            .map(|v| {
                let uuid = v.uuid.clone();
                let (u1, u2) = (uuid.clone(), uuid.clone());
                let (href, vname) = (open_href(&v, &u), v.name.clone());
                let name_cell = move || match href.clone() {
                    Ok(href) => view! { <a href=href class="view-name">{vname.clone()}</a> }.into_any(),
                    Err(e) => view! { <span class="view-name">{vname.clone()}</span> <span class="hint">{format!(" (cannot open: {e})")}</span> }.into_any(),
                };
                let edited = |k: &str| {
                    let when = value_text(&v.raw[k]);
                    super::traces::short_time(&when)
                };
                let created = format!("{} · {}", v.created_by, edited("createdAt"));
                let updated = format!("{} · {}", value_text(&v.raw["updatedBy"]), edited("updatedAt"));
                let panel = match v.composite_query["panelType"].as_str().unwrap_or("") {
                    "list" => "List".to_string(),
                    "trace" => "Traces".into(),
                    "graph" => "Time Series".into(),
                    "table" => "Table".into(),
                    "value" => "Value".into(),
                    other => other.into(),
                };
                let (v1, v2, v3) = (v.clone(), v.clone(), v.clone());
                let name = v.name.clone();
                view! {
                    <tr data-view=v.uuid.clone()>
                        <td>
                            {move || match renaming.get() {
                                Some((id, text)) if id == u1 => {
                                    let v1 = v1.clone();
                                    view! {
                                        <form class="inline" on:submit=move |ev: leptos::ev::SubmitEvent| { ev.prevent_default(); rename(v1.clone()); }>
                                            <input type="text" aria-label="New view name" prop:value=text
                                                on:input=move |ev| renaming.update(|r| if let Some(r) = r { r.1 = event_target_value(&ev) })/>
                                            <button type="submit" class="primary">"Save"</button>
                                            <button type="button" on:click=move |_| renaming.set(None)>"Cancel"</button>
                                        </form>
                                    }.into_any()
                                }
                                _ => name_cell(),
                            }}
                        </td>
                        <td>{panel}</td>
                        <td class="hint">{created}</td>
                        <td class="hint">{updated}</td>
                        <td class="edit-control nowrap">
                            {move || if deleting.get().as_deref() == Some(u2.as_str()) {
                                let v3 = v3.clone();
                                view! {
                                    <span role="alert">{format!("Delete \u{201c}{}\u{201d}? ", v3.name)}</span>
                                    <button type="button" class="danger" on:click=move |_| delete(v3.clone())>"Yes, delete"</button>
                                    <button type="button" on:click=move |_| deleting.set(None)>"Cancel"</button>
                                }.into_any()
                            } else {
                                let (v2, uuid, name) = (v2.clone(), uuid.clone(), name.clone());
                                view! {
                                    <button type="button" class="link" aria-label=format!("Rename {name}")
                                        on:click=move |_| renaming.set(Some((v2.uuid.clone(), v2.name.clone())))>"Rename"</button>
                                    <button type="button" class="link danger" aria-label=format!("Delete {name}")
                                        on:click=move |_| deleting.set(Some(uuid.clone()))>"Delete"</button>
                                }.into_any()
                            }}
                        </td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            <table class="data saved-views-list">
                <thead><tr><th>"Name"</th><th>"View"</th><th>"Created"</th><th>"Last edited"</th><th></th></tr></thead>
                <tbody>{body}</tbody>
            </table>
        }
        .into_any()
    };
    view! {
        <section class="saved-views-page">
            <div class="toolbar">
                <h1>{title}</h1>
                <span class="grow"></span>
                <a class="button" href=move || url.with(|u| with_range(explorer_path(source), u))>{format!("← {explorer_label}")}</a>
            </div>
            <div class="toolbar">
                <input type="search" placeholder="Search for views…" aria-label="Search views"
                    prop:value=move || search.get() on:input=move |ev| search.set(event_target_value(&ev))/>
                {move || message.get().map(|m| view! { <span class="hint" role="status">{m}</span> })}
            </div>
            {resource_view(list, rows)}
        </section>
    }
    .into_any()
}
