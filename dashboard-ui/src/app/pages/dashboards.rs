//! Dashboards: list, create, delete; a dashboard's panels rendered from
//! `query_range` as line, bar or value charts; add/edit/delete panels with
//! a simple query builder (`crate::query_builder::PanelQuery`).

use crate::app::api;
use crate::app::components::{resource_view, ChartKind, ErrorView, TimeChart, ValueChart};
use crate::app::state::{use_time_window, use_url_query, with_range};
use crate::format::compact;
use crate::model::{Dashboard, DashboardData, QueryRangeData};
use crate::query_builder::{panel_query, widget_json, PanelQuery};
use crate::url_state::encode;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_params_map;
use serde_json::{json, Value};

#[component]
pub fn DashboardsPage() -> impl IntoView {
    let q = use_url_query();
    let list = LocalResource::new(api::dashboards);
    let title = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let create = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let t = title.get_untracked().trim().to_string();
        if t.is_empty() {
            error.set(Some("A dashboard needs a title.".into()));
            return;
        }
        spawn_local(async move {
            let mut data = DashboardData {
                title: t,
                ..Default::default()
            };
            data.rest.insert("layout".into(), json!([]));
            data.rest.insert("variables".into(), json!({}));
            match api::create_dashboard(&data).await {
                Ok(_) => {
                    title.set(String::new());
                    error.set(None);
                    list.refetch();
                }
                Err(e) => error.set(Some(e.message)),
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
            <div class="toolbar"><h1>"Dashboards"</h1></div>
            <form class="filters edit-control" on:submit=create>
                <label>"New dashboard"<input type="text" placeholder="Title" prop:value=move || title.get()
                    on:input=move |ev| title.set(event_target_value(&ev))/></label>
                <button type="submit">"Create"</button>
            </form>
            {move || error.get().map(|m| view! { <ErrorView message=m/> })}
            <table class="data">
                <thead><tr><th>"Title"</th><th>"Description"</th><th>"Tags"</th><th>"Panels"</th><th></th></tr></thead>
                <tbody>
                    {resource_view(list, move |ds: Vec<Dashboard>| {
                        if ds.is_empty() {
                            return view! { <tr><td colspan="5" class="empty">"No dashboards yet."</td></tr> }.into_any();
                        }
                        let range_q = q.get_untracked();
                        ds.into_iter().map(|d| {
                            let uuid = d.uuid.clone();
                            view! {
                                <tr>
                                    <td><a href=with_range(&format!("/dashboards/{}", encode(&d.uuid)), &range_q)>{d.data.title.clone()}</a></td>
                                    <td>{d.data.description.clone()}</td>
                                    <td>{d.data.tags.join(", ")}</td>
                                    <td class="num">{d.data.widgets.len()}</td>
                                    <td><button class="danger edit-control" on:click=move |_| delete(uuid.clone())>"Delete"</button></td>
                                </tr>
                            }
                        }).collect_view().into_any()
                    })}
                </tbody>
            </table>
        </section>
    }
}

/// A panel as this UI edits it.
#[derive(Debug, Clone, PartialEq)]
struct Panel {
    id: String,
    title: String,
    panel_type: String,
    query: Option<PanelQuery>,
}

fn panels_of(data: &DashboardData) -> Vec<Panel> {
    data.widgets
        .iter()
        .map(|w| Panel {
            id: w["id"].as_str().unwrap_or("").to_string(),
            title: w["title"].as_str().unwrap_or("").to_string(),
            panel_type: w["panelTypes"].as_str().unwrap_or("graph").to_string(),
            query: serde_json::from_value(w["ourQuery"].clone()).ok(),
        })
        .collect()
}

/// Writes panels back, keeping widgets we did not edit untouched.
fn with_panel(
    data: &DashboardData,
    panel: Option<&Panel>,
    remove_id: Option<&str>,
) -> DashboardData {
    let mut out = data.clone();
    if let Some(id) = remove_id {
        out.widgets.retain(|w| w["id"].as_str() != Some(id));
        if let Some(Value::Array(layout)) = out.rest.get_mut("layout") {
            layout.retain(|l| l["i"].as_str() != Some(id));
        }
    }
    if let Some(p) = panel {
        let q = p.query.clone().unwrap_or_default();
        let w = widget_json(&p.id, &p.title, &p.panel_type, &q);
        match out
            .widgets
            .iter_mut()
            .find(|x| x["id"].as_str() == Some(p.id.as_str()))
        {
            Some(slot) => *slot = w,
            None => {
                let n = out.widgets.len();
                out.widgets.push(w);
                let layout = out.rest.entry("layout").or_insert_with(|| json!([]));
                if let Value::Array(l) = layout {
                    l.push(json!({"i": p.id, "x": (n % 2) * 6, "y": (n / 2) * 3, "w": 6, "h": 3}));
                }
            }
        }
    }
    out
}

#[component]
pub fn DashboardPage() -> impl IntoView {
    let params = use_params_map();
    let uuid = Memo::new(move |_| params.get().get("uuid").unwrap_or_default());
    let dash = LocalResource::new(move || {
        let id = uuid.get();
        async move { api::dashboard(&id).await }
    });
    let editing = RwSignal::new(None::<Panel>);
    let error = RwSignal::new(None::<String>);
    let save = move |data: DashboardData| {
        spawn_local(async move {
            match api::update_dashboard(&uuid.get_untracked(), &data).await {
                Ok(()) => {
                    editing.set(None);
                    error.set(None);
                    dash.refetch();
                }
                Err(e) => error.set(Some(e.message)),
            }
        });
    };
    view! {
        <section>
            {move || error.get().map(|m| view! { <ErrorView message=m/> })}
            {resource_view(dash, move |d: Dashboard| {
                let data = d.data.clone();
                let panels = panels_of(&data);
                let data_for_new = data.clone();
                let new_panel = move |_| editing.set(Some(Panel {
                    id: format!("w{}", js_sys::Date::now() as u64),
                    title: "New panel".into(),
                    panel_type: "graph".into(),
                    query: Some(PanelQuery::default()),
                }));
                let data_for_edit = data_for_new.clone();
                view! {
                    <div class="toolbar">
                        <h1>{data.title.clone()}</h1>
                        <button class="edit-control" on:click=new_panel>"+ Add panel"</button>
                    </div>
                    <p class="hint">{data.description.clone()}</p>
                    {move || editing.get().map(|p| {
                        let data = data_for_edit.clone();
                        view! { <PanelEditor panel=p on_save=Callback::new(move |p: Panel| save(with_panel(&data, Some(&p), None)))
                            on_cancel=Callback::new(move |_| editing.set(None))/> }
                    })}
                    <div class="panels">
                        {if panels.is_empty() {
                            view! { <p class="empty">"No panels yet. Add one."</p> }.into_any()
                        } else {
                            panels.into_iter().map(|p| {
                                let data = data_for_new.clone();
                                let pe = p.clone();
                                let id = p.id.clone();
                                view! {
                                    <div class="panel">
                                        <div class="panel-tools edit-control">
                                            <button class="link" on:click=move |_| editing.set(Some(pe.clone()))>"Edit"</button>
                                            <button class="link danger" on:click=move |_| save(with_panel(&data, None, Some(&id)))>"Delete"</button>
                                        </div>
                                        <PanelView panel=p/>
                                    </div>
                                }
                            }).collect_view().into_any()
                        }}
                    </div>
                }
            })}
        </section>
    }
}

fn panel_format(p: &PanelQuery) -> fn(f64) -> String {
    if p.aggregate != "count" && p.attribute.ends_with("Nano") {
        crate::format::duration_ns
    } else {
        compact
    }
}

#[component]
fn PanelView(panel: Panel) -> impl IntoView {
    let Some(query) = panel.query.clone() else {
        return view! {
            <figure class="chart"><figcaption>{panel.title.clone()}</figcaption>
            <div class="empty">"This panel was made in another editor; its query is kept as is."</div></figure>
        }
        .into_any();
    };
    let window = use_time_window();
    let pq = query.clone();
    let kind = panel.panel_type.clone();
    let data = LocalResource::new(move || {
        let (s, e) = window.get();
        let body = panel_query(&pq, &kind, s, e, crate::url_state::step_seconds(s, e));
        async move { api::query_range(&body).await }
    });
    let title = panel.title.clone();
    let ptype = panel.panel_type.clone();
    let fmt = panel_format(&query);
    resource_view(data, move |d: QueryRangeData| {
        let series = super::services::all_series(&d, "A", &query.aggregate);
        match ptype.as_str() {
            "value" => {
                let v = series.first().and_then(|s| s.points.iter().rev().find(|p| p.1.is_finite())).map(|p| p.1).unwrap_or(f64::NAN);
                view! { <ValueChart title=title.clone() value=v format=fmt/> }.into_any()
            }
            "bar" => view! { <TimeChart title=title.clone() series=series kind=ChartKind::Bar format=fmt/> }.into_any(),
            _ => view! { <TimeChart title=title.clone() series=series format=fmt/> }.into_any(),
        }
    })
    .into_any()
}

#[component]
fn PanelEditor(panel: Panel, on_save: Callback<Panel>, on_cancel: Callback<()>) -> impl IntoView {
    let q = panel.query.clone().unwrap_or_default();
    let title = RwSignal::new(panel.title.clone());
    let ptype = RwSignal::new(panel.panel_type.clone());
    let source = RwSignal::new(q.data_source.clone());
    let agg = RwSignal::new(q.aggregate.clone());
    let attr = RwSignal::new(q.attribute.clone());
    let service = RwSignal::new(q.service.clone());
    let group_by = RwSignal::new(q.group_by.clone());
    let id = panel.id.clone();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        on_save.run(Panel {
            id: id.clone(),
            title: title.get_untracked(),
            panel_type: ptype.get_untracked(),
            query: Some(PanelQuery {
                data_source: source.get_untracked(),
                aggregate: agg.get_untracked(),
                attribute: attr.get_untracked(),
                service: service.get_untracked(),
                group_by: group_by.get_untracked(),
            }),
        });
    };
    let select = |label: &'static str, sig: RwSignal<String>, options: &'static [&'static str]| {
        view! {
            <label>{label}
                <select prop:value=move || sig.get() on:change=move |ev| sig.set(event_target_value(&ev))>
                    {options.iter().map(|o| view! { <option value=*o>{*o}</option> }).collect_view()}
                </select>
            </label>
        }
    };
    let text = |label: &'static str, sig: RwSignal<String>| {
        view! { <label>{label}<input type="text" prop:value=move || sig.get() on:input=move |ev| sig.set(event_target_value(&ev))/></label> }
    };
    view! {
        <form class="filters editor" on:submit=submit aria-label="Panel editor">
            {text("Title", title)}
            {select("Type", ptype, &["graph", "bar", "value"])}
            {select("Data", source, &["traces", "logs"])}
            {select("Aggregate", agg, &["count", "avg", "sum", "min", "max", "p50", "p75", "p90", "p95", "p99"])}
            {text("Attribute", attr)}
            {text("Service", service)}
            {text("Group by", group_by)}
            <button type="submit">"Save panel"</button>
            <button type="button" on:click=move |_| on_cancel.run(())>"Cancel"</button>
        </form>
    }
}
