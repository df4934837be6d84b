//! One dashboard in SigNoz's format (`crate::dashboard`): the grid from
//! `layout` (drag to move, corner to resize, both saved), the variables bar,
//! settings, lock/unlock, export; panels drawn from `query_range` (builder,
//! PromQL, ClickHouse SQL) with full-screen, clone, delete, create alert and
//! the panel editor.

use super::dashboard_panel::{PanelBody, PanelEditor};
use crate::app::api;
use crate::app::components::{resource_view, ErrorView};
use crate::app::role::can_edit;
use crate::dashboard::{alert_link, export_json, DashboardSpec, LayoutItem, Variable, Widget};
use crate::model::DashboardJson;
use crate::query_builder::composite::{query_id, Query};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_params_map;
use std::collections::BTreeMap;

/// Height of one grid row in px (SigNoz's grid rows are taller; ours keep h=2 panels readable).
const ROW_PX: f64 = 90.0;

fn new_id() -> String {
    query_id(js_sys::Date::now() as u64 ^ (js_sys::Math::random() * 1e12) as u64)
}

#[component]
pub fn DashboardPage() -> impl IntoView {
    let params = use_params_map();
    let uuid = Memo::new(move |_| params.get().get("uuid").unwrap_or_default());
    let loaded = LocalResource::new(move || {
        let id = uuid.get();
        async move { api::dashboard_json(&id).await }
    });
    view! {
        <section class="dashboard">
            {resource_view(loaded, move |d: DashboardJson| {
                let spec = DashboardSpec::from_value(&d.data);
                view! { <DashboardBody uuid=d.uuid.clone() locked=d.locked() spec=spec/> }
            })}
        </section>
    }
}

#[derive(Clone, PartialEq)]
struct Drag {
    id: String,
    resize: bool,
    from: (i32, i32),
    orig: LayoutItem,
    now: (i64, i64, i64, i64),
}

#[component]
fn DashboardBody(uuid: String, locked: bool, spec: DashboardSpec) -> impl IntoView {
    let spec = RwSignal::new(spec);
    let locked = RwSignal::new(locked);
    let error = RwSignal::new(None::<String>);
    let editing = RwSignal::new(None::<Widget>);
    let full = RwSignal::new(None::<Widget>);
    let settings = RwSignal::new(false);
    let export = RwSignal::new(false);
    let uuid = StoredValue::new(uuid);
    let save = move || {
        let data = spec.get_untracked().to_value();
        spawn_local(async move {
            match api::update_dashboard_json(&uuid.get_value(), &data).await {
                Ok(()) => error.set(None),
                Err(e) => error.set(Some(e.message)),
            }
        });
    };

    // Variables: QUERY values fetched in dependency order, then defaults picked.
    let options = RwSignal::new(BTreeMap::<String, Vec<String>>::new());
    let vars_ready = RwSignal::new(false);
    let load_variables = move || {
        spawn_local(async move {
            let mut order: Vec<(String, Variable)> =
                spec.with_untracked(|s| s.variables().to_vec());
            // A variable whose query names another goes after it.
            let names: Vec<String> = order.iter().map(|(k, _)| k.clone()).collect();
            order.sort_by_key(|(_, v)| {
                let q = v.query_value.clone().unwrap_or_default();
                names
                    .iter()
                    .filter(|n| q.contains(&format!("{{{{.{n}}}}}")))
                    .count()
            });
            for (name, var) in order {
                let fetched = if var.kind() == "QUERY" {
                    let payload = spec.with_untracked(|s| s.variables_payload());
                    match api::variable_values(var.query_value.as_deref().unwrap_or(""), &payload)
                        .await
                    {
                        Ok(v) => v,
                        Err(e) => {
                            error.set(Some(format!("Variable {name}: {}", e.message)));
                            Vec::new()
                        }
                    }
                } else {
                    Vec::new()
                };
                let opts = var.options(&fetched);
                spec.update(|s| {
                    if let Some(v) = s.variable_mut(&name) {
                        v.default_selection(&opts);
                    }
                });
                options.update(|o| {
                    o.insert(name.clone(), opts);
                });
            }
            vars_ready.set(true);
        });
    };
    load_variables();
    let vars = Memo::new(move |_| spec.with(|s| s.variables_payload()));

    let widgets = Memo::new(move |_| spec.with(|s| s.widgets.clone()));
    let places = Memo::new(move |_| {
        spec.with(|s| {
            s.placed()
                .into_iter()
                .map(|(w, l)| (w.id, l))
                .collect::<BTreeMap<String, LayoutItem>>()
        })
    });
    let drag = RwSignal::new(None::<Drag>);
    let grid = NodeRef::<leptos::html::Div>::new();
    let col_px = move || {
        grid.get_untracked()
            .map(|g| g.get_bounding_client_rect().width() / crate::dashboard::GRID_COLUMNS as f64)
            .unwrap_or(80.0)
            .max(1.0)
    };
    let mv = window_event_listener(leptos::ev::mousemove, move |ev| {
        let Some(mut d) = drag.get_untracked() else {
            return;
        };
        let dx = ((ev.client_x() - d.from.0) as f64 / col_px()).round() as i64;
        let dy = ((ev.client_y() - d.from.1) as f64 / ROW_PX).round() as i64;
        let o = &d.orig;
        d.now = if d.resize {
            (o.x, o.y, (o.w + dx).clamp(1, 12 - o.x), (o.h + dy).max(1))
        } else {
            ((o.x + dx).clamp(0, 12 - o.w), (o.y + dy).max(0), o.w, o.h)
        };
        drag.set(Some(d));
    });
    let up = window_event_listener(leptos::ev::mouseup, move |_| {
        let Some(d) = drag.get_untracked() else {
            return;
        };
        drag.set(None);
        let o = &d.orig;
        if d.now != (o.x, o.y, o.w, o.h) {
            spec.update(|s| s.set_place(&d.id, d.now.0, d.now.1, d.now.2, d.now.3));
            save();
        }
    });
    on_cleanup(move || {
        mv.remove();
        up.remove();
    });
    let editable = can_edit();
    let start_drag = move |ev: leptos::ev::MouseEvent, id: String, resize: bool| {
        if locked.get_untracked() || !editable.get_untracked() || ev.button() != 0 {
            return;
        }
        let Some(orig) = places.with_untracked(|p| p.get(&id).cloned()) else {
            return;
        };
        ev.prevent_default();
        let now = (orig.x, orig.y, orig.w, orig.h);
        drag.set(Some(Drag {
            id,
            resize,
            from: (ev.client_x(), ev.client_y()),
            orig,
            now,
        }));
    };
    let style_of = move |id: &str| {
        let (x, y, w, h) = match drag.get().filter(|d| d.id == id) {
            Some(d) => d.now,
            None => places.with(|p| {
                p.get(id)
                    .map(|l| (l.x, l.y, l.w, l.h))
                    .unwrap_or((0, 0, 6, 3))
            }),
        };
        format!(
            "grid-column:{} / span {w};grid-row:{} / span {h};",
            x + 1,
            y + 1
        )
    };

    let add_panel = move |_| {
        let id = new_id();
        editing.set(Some(Widget::new(
            &id,
            "graph",
            Query::initial("metrics", id.clone()),
        )));
    };
    let save_widget = Callback::new(move |w: Widget| {
        spec.update(|s| s.upsert_widget(w));
        editing.set(None);
        save();
    });
    let toggle_lock = move |_| {
        let to = !locked.get_untracked();
        spawn_local(async move {
            match api::lock_dashboard(&uuid.get_value(), to).await {
                Ok(()) => {
                    locked.set(to);
                    error.set(None);
                }
                Err(e) => error.set(Some(e.message)),
            }
        });
    };
    let title = move || spec.with(|s| s.title.clone());
    let description = move || spec.with(|s| s.description.clone().unwrap_or_default());
    let tags = move || spec.with(|s| s.tags().join(", "));

    view! {
        <div class="toolbar">
            <h1>{title}</h1>
            <span class="hint">{tags}</span>
            <span class="grow"></span>
            {move || (!locked.get()).then(|| view! {
                <button class="edit-control" on:click=add_panel>"+ Add panel"</button>
                <button class="edit-control" on:click=move |_| settings.update(|v| *v = !*v)>"Settings"</button>
            })}
            <button on:click=move |_| export.update(|v| *v = !*v)>"Export JSON"</button>
            <button class="edit-control" on:click=toggle_lock aria-pressed=move || locked.get().to_string()>
                {move || if locked.get() { "Unlock" } else { "Lock" }}
            </button>
        </div>
        <p class="hint">{description}</p>
        {move || error.get().map(|m| view! { <ErrorView message=m/> })}
        {move || export.get().then(|| {
            let text = export_json(&spec.get_untracked());
            let file = format!("{}.json", spec.with_untracked(|s| s.title.replace(['/', ' '], "-")));
            let t1 = text.clone();
            let t2 = text.clone();
            view! {
                <div class="editor export">
                    <button on:click=move |_| {
                        let _ = window().navigator().clipboard().write_text(&t1);
                    }>"Copy"</button>
                    <button on:click=move |_| super::explorer::download(&file, "application/json", &t2)>"Download"</button>
                    <textarea readonly rows="6" aria-label="Exported JSON">{text}</textarea>
                </div>
            }
        })}
        {move || settings.get().then(|| view! { <Settings spec=spec on_save=Callback::new(move |_| { settings.set(false); save(); })/> })}
        <VariablesBar spec=spec options=options on_change=Callback::new(move |_| if !locked.get_untracked() { save() })/>
        {move || editing.get().map(|w| view! {
            <PanelEditor widget=w vars=vars on_save=save_widget on_cancel=Callback::new(move |_| editing.set(None))/>
        })}
        {move || full.get().map(|w| view! {
            <div class="fullscreen" role="dialog" aria-label="Full-screen panel">
                <button class="close" on:click=move |_| full.set(None)>"✕ Close"</button>
                <PanelBody widget=w vars=vars height=420.0/>
            </div>
        })}
        {move || (vars_ready.get() && widgets.with(|w| w.is_empty())).then(|| view! { <p class="empty">"No panels yet. Add one."</p> })}
        <div class="dash-grid" node_ref=grid style=format!("grid-auto-rows:{ROW_PX}px")>
            <Show when=move || vars_ready.get()>
                <For each=move || widgets.get() key=|w| w.to_value().to_string() let:w>
                    {
                        let id = w.id.clone();
                        let (id1, id2, id3, id4, id5) = (id.clone(), id.clone(), id.clone(), id.clone(), id.clone());
                        let wf = w.clone();
                        let we = w.clone();
                        let alert = alert_link(&w);
                        let rows = move || places.with(|p| p.get(&id5).map(|l| l.h).unwrap_or(3));
                        let (attr_id, attr_qt, attr_pt, head) = (id.clone(), w.query.query_type.clone(), w.panel_type().to_string(), w.title().to_string());
                        view! {
                            <div class="panel" data-panel-id=attr_id data-query-type=attr_qt
                                data-panel-type=attr_pt style=move || style_of(&id1)>
                                <div class="panel-head" on:mousedown=move |ev| start_drag(ev, id2.clone(), false)>
                                    <span class="panel-title">{head}</span>
                                    <span class="panel-tools" on:mousedown=|ev| ev.stop_propagation()>
                                        <button class="link" title="Full screen" on:click=move |_| full.set(Some(wf.clone()))>"⤢"</button>
                                        <a class="link edit-control" href=alert title="Create alert">"🔔"</a>
                                        {move || (!locked.get()).then(|| {
                                            let (we, idc, idd) = (we.clone(), id3.clone(), id4.clone());
                                            view! {
                                                <button class="link edit-control" on:click=move |_| editing.set(Some(we.clone()))>"Edit"</button>
                                                <button class="link edit-control" on:click=move |_| { spec.update(|s| { s.clone_widget(&idc, &new_id()); }); save(); }>"Clone"</button>
                                                <button class="link danger edit-control" on:click=move |_| { spec.update(|s| s.remove_widget(&idd)); save(); }>"Delete"</button>
                                            }
                                        })}
                                    </span>
                                </div>
                                {move || {
                                    let h = rows() as f64 * ROW_PX - 70.0;
                                    view! { <PanelBody widget=w.clone() vars=vars height=h.max(60.0) compact=true/> }
                                }}
                                {move || (!locked.get()).then(|| {
                                    let idr = id.clone();
                                    view! { <span class="resize edit-control" title="Resize" on:mousedown=move |ev| start_drag(ev, idr.clone(), true)></span> }
                                })}
                            </div>
                        }
                    }
                </For>
            </Show>
        </div>
    }
}

/// One select (or text box) per variable; a change re-runs the panels.
#[component]
fn VariablesBar(
    spec: RwSignal<DashboardSpec>,
    options: RwSignal<BTreeMap<String, Vec<String>>>,
    on_change: Callback<()>,
) -> impl IntoView {
    let names = Memo::new(move |_| {
        spec.with(|s| {
            s.variables()
                .iter()
                .map(|(k, v)| (k.clone(), v.kind().to_string(), v.multi()))
                .collect::<Vec<_>>()
        })
    });
    move || {
        let list = names.get();
        if list.is_empty() {
            return None;
        }
        Some(view! {
            <div class="filters variables" aria-label="Variables">
                {list.into_iter().map(|(name, kind, multi)| {
                    let n1 = name.clone();
                    let selected = move || spec.with(|s| s.variables().iter().find(|(k, _)| *k == n1).map(|(_, v)| v.selected()).unwrap_or_default());
                    if kind == "TEXTBOX" {
                        let n2 = name.clone();
                        return view! {
                            <label>{format!("${name}")}
                                <input type="text" aria-label=format!("Variable {name}") prop:value=move || selected().join(",")
                                    on:change=move |ev| { let v = event_target_value(&ev); spec.update(|s| if let Some(x) = s.variable_mut(&n2) { x.select(vec![v]) }); on_change.run(()); }/>
                            </label>
                        }.into_any();
                    }
                    let n2 = name.clone();
                    let n3 = name.clone();
                    let on_pick = move |ev: leptos::ev::Event| {
                        use wasm_bindgen::JsCast;
                        let Some(sel) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlSelectElement>().ok()) else { return };
                        let opts = sel.selected_options();
                        let picked: Vec<String> = (0..opts.length()).filter_map(|i| opts.item(i)).filter_map(|o| o.get_attribute("value")).collect();
                        let all = options.with_untracked(|o| o.get(&n2).cloned().unwrap_or_default());
                        spec.update(|s| if let Some(x) = s.variable_mut(&n2) {
                            if picked.iter().any(|p| p == "__ALL__") { x.select_all(&all) } else { x.select(picked) }
                        });
                        on_change.run(());
                    };
                    let show_all = spec.with_untracked(|s| s.variables().iter().find(|(k, _)| *k == name).map(|(_, v)| v.show_all_option.unwrap_or(false) && v.multi()).unwrap_or(false));
                    view! {
                        <label>{format!("${name}")}
                            <select aria-label=format!("Variable {name}") multiple=multi on:change=on_pick>
                                {show_all.then(|| view! { <option value="__ALL__">"ALL"</option> })}
                                {move || {
                                    let sel = selected();
                                    options.with(|o| o.get(&n3).cloned().unwrap_or_default()).into_iter().map(|o| {
                                        let is = sel.contains(&o);
                                        view! { <option value=o.clone() selected=is>{o.clone()}</option> }
                                    }).collect_view()
                                }}
                            </select>
                        </label>
                    }.into_any()
                }).collect_view()}
            </div>
        })
    }
}

/// Title, description, tags and variables.
#[component]
fn Settings(spec: RwSignal<DashboardSpec>, on_save: Callback<()>) -> impl IntoView {
    let s0 = spec.get_untracked();
    let title = RwSignal::new(s0.title.clone());
    let description = RwSignal::new(s0.description.clone().unwrap_or_default());
    let tags = RwSignal::new(s0.tags().join(", "));
    let vars = RwSignal::new(s0.variables().to_vec());
    let err = RwSignal::new(None::<String>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let t = title.get_untracked().trim().to_string();
        if t.is_empty() {
            err.set(Some("A dashboard needs a title.".into()));
            return;
        }
        spec.update(|s| {
            s.title = t;
            s.description = Some(description.get_untracked());
            s.tags = Some(
                tags.get_untracked()
                    .split(',')
                    .map(|t| t.trim().to_string())
                    .filter(|t| !t.is_empty())
                    .collect(),
            );
            let v = vars.get_untracked();
            if s.variables.is_some() || !v.is_empty() {
                s.variables = Some(v);
            }
        });
        on_save.run(());
    };
    let count = Memo::new(move |_| vars.with(|v| v.len()));
    let field = move |i: usize,
                      label: &'static str,
                      get: fn(&Variable) -> String,
                      set: fn(&mut Variable, String)| {
        let init = vars.with_untracked(|v| v.get(i).map(|(_, x)| get(x)).unwrap_or_default());
        view! { <label>{label}<input type="text" value=init on:input=move |ev| { let t = event_target_value(&ev); vars.update(|v| if let Some((_, x)) = v.get_mut(i) { set(x, t) }); }/></label> }
    };
    view! {
        <form class="filters editor" aria-label="Dashboard settings" on:submit=submit>
            <label>"Title"<input type="text" prop:value=move || title.get() on:input=move |ev| title.set(event_target_value(&ev))/></label>
            <label>"Description"<input type="text" prop:value=move || description.get() on:input=move |ev| description.set(event_target_value(&ev))/></label>
            <label>"Tags"<input type="text" placeholder="a, b" prop:value=move || tags.get() on:input=move |ev| tags.set(event_target_value(&ev))/></label>
            <fieldset class="vars-edit"><legend>"Variables"</legend>
                {move || (0..count.get()).map(|i| {
                    let (name, kind, multi, all, sort) = vars.with_untracked(|v| v.get(i).map(|(k, x)| (k.clone(), x.kind().to_string(), x.multi(), x.show_all_option.unwrap_or(false), x.sort.clone().unwrap_or_else(|| "DISABLED".into()))).unwrap_or_default());
                    view! {
                        <div class="var-row">
                            <label>"Name"<input type="text" value=name on:change=move |ev| { let t = event_target_value(&ev); vars.update(|v| if let Some((k, x)) = v.get_mut(i) { *k = t.clone(); x.name = Some(t) }); }/></label>
                            <label>"Type"<select on:change=move |ev| { let t = event_target_value(&ev); vars.update(|v| if let Some((_, x)) = v.get_mut(i) { x.kind = Some(t) }); }>
                                {["QUERY", "CUSTOM", "TEXTBOX"].map(|k| view! { <option value=k selected=k == kind>{k}</option> })}
                            </select></label>
                            {field(i, "Query (SQL)", |x| x.query_value.clone().unwrap_or_default(), |x, t| x.query_value = Some(t))}
                            {field(i, "Custom values", |x| x.custom_value.clone().unwrap_or_default(), |x, t| x.custom_value = Some(t))}
                            {field(i, "Text default", |x| x.textbox_value.clone().unwrap_or_default(), |x, t| x.textbox_value = Some(t))}
                            <label><input type="checkbox" checked=multi on:change=move |ev| { let c = event_target_checked(&ev); vars.update(|v| if let Some((_, x)) = v.get_mut(i) { x.multi_select = Some(c) }); }/>"Multi-select"</label>
                            <label><input type="checkbox" checked=all on:change=move |ev| { let c = event_target_checked(&ev); vars.update(|v| if let Some((_, x)) = v.get_mut(i) { x.show_all_option = Some(c) }); }/>"ALL option"</label>
                            <label>"Sort"<select on:change=move |ev| { let t = event_target_value(&ev); vars.update(|v| if let Some((_, x)) = v.get_mut(i) { x.sort = Some(t) }); }>
                                {["DISABLED", "ASC", "DESC"].map(|k| view! { <option value=k selected=k == sort>{k}</option> })}
                            </select></label>
                            <button type="button" class="link danger" on:click=move |_| vars.update(|v| { if i < v.len() { v.remove(i); } })>"Remove"</button>
                        </div>
                    }
                }).collect_view()}
                <button type="button" on:click=move |_| vars.update(|v| {
                    let name = format!("var{}", v.len() + 1);
                    let x = Variable::from_value(&serde_json::json!({"name": name, "type": "CUSTOM", "customValue": "", "description": "", "queryValue": "", "textboxValue": "", "multiSelect": false, "showALLOption": false, "sort": "DISABLED"}));
                    v.push((name, x));
                })>"+ Variable"</button>
            </fieldset>
            {move || err.get().map(|m| view! { <ErrorView message=m/> })}
            <button type="submit" class="primary">"Save settings"</button>
        </form>
    }
}
