//! The alert rule editor, on SigNoz's paths: `/alerts/new[?alertType=…]
//! [&compositeQuery=…]` and `/alerts/edit?ruleId=…`. The rule stays the JSON it
//! came as (`crate::alert_rule`); a rule this editor cannot express is shown
//! read-only. An existing rule also shows its history and mute windows.

use crate::alert_rule::{
    postable, unsupported, with_source, RuleForm, ALERT_TYPES, EVAL_WINDOWS, MATCH_TYPES, OPS,
    SEVERITIES,
};
use crate::app::api;
use crate::app::components::query_builder::QueryBuilder;
use crate::app::components::{resource_view, ChartSeries, ErrorView, TimeChart};
use crate::app::role::can_edit;
use crate::app::state::{now_ms, use_time_window, use_url_query};
use crate::model::{value_text, QueryRangeData};
use crate::query_builder::composite::{query_id, Query};
use crate::url_state::{format_attrs, parse_attrs};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_navigate;
use leptos_router::NavigateOptions;
use serde_json::{json, Value};

fn origin() -> String {
    web_sys::window()
        .and_then(|w| w.location().origin().ok())
        .unwrap_or_default()
}

/// What the page edits: the stored rule (Null for a new one) and its form.
#[derive(Clone)]
enum Loaded {
    Editable(Value, Box<RuleForm>),
    ReadOnly(Value, String),
}

#[component]
pub fn RuleEditPage() -> impl IntoView {
    let url = use_url_query();
    let rule_id = url.with_untracked(|u| u.get("ruleId").cloned().unwrap_or_default());
    let id = rule_id.clone();
    let loaded = LocalResource::new(move || {
        let id = id.clone();
        let u = url.get_untracked();
        async move {
            if id.is_empty() {
                let kind = u
                    .get("alertType")
                    .filter(|t| ALERT_TYPES.iter().any(|a| a.0 == t.as_str()))
                    .cloned()
                    .unwrap_or_else(|| "METRIC_BASED_ALERT".into());
                let mut f = RuleForm::new(&kind, query_id(now_ms() as u64));
                // "Create alert" links (explorers, SigNoz) carry the query.
                if let Some(q) = u
                    .get("compositeQuery")
                    .and_then(|p| Query::from_url_param(p).ok())
                {
                    f.alert_type = match q.data_source() {
                        "logs" => "LOGS_BASED_ALERT",
                        "traces" => "TRACES_BASED_ALERT",
                        _ => "METRIC_BASED_ALERT",
                    }
                    .into();
                    f.selected_query = crate::alert_rule::drawn_query(&q);
                    f.query = q;
                    f.name = "Alert from explorer".into();
                    f.target = "0".into();
                }
                return Ok(Loaded::Editable(Value::Null, Box::new(f)));
            }
            let rule = api::rule_json(&id).await?;
            Ok(match unsupported(&rule) {
                Some(why) => Loaded::ReadOnly(rule, why),
                None => {
                    let f = RuleForm::read(&rule, query_id(now_ms() as u64));
                    Loaded::Editable(rule, Box::new(f))
                }
            })
        }
    });
    let title = if rule_id.is_empty() {
        "New alert rule"
    } else {
        "Edit alert rule"
    };
    let extras = (!rule_id.is_empty()).then(|| {
        let (a, b) = (rule_id.clone(), rule_id.clone());
        view! { <RuleHistory rule_id=a/><MuteWindows rule_id=b/> }
    });
    view! {
        <section>
            <div class="toolbar"><h1>{title}</h1><span class="grow"></span><a href="/alerts">"All rules"</a></div>
            {resource_view(loaded, move |l: Loaded| match l {
                Loaded::ReadOnly(rule, why) => view! {
                    <div class="error" role="alert">{format!("This rule is shown read-only: {why}. It is kept exactly as it is.")}</div>
                    <pre class="json" aria-label="Rule JSON">{serde_json::to_string_pretty(&rule).unwrap_or_default()}</pre>
                }.into_any(),
                Loaded::Editable(rule, f) => view! { <RuleEditor original=rule form=*f/> }.into_any(),
            })}
            {extras}
        </section>
    }
}

fn field(
    form: RwSignal<RuleForm>,
    label: &'static str,
    get: fn(&RuleForm) -> &String,
    set: fn(&mut RuleForm, String),
) -> impl IntoView {
    view! {
        <label>{label}<input type="text" prop:value=move || form.with(|f| get(f).clone())
            on:input=move |ev| form.update(|f| set(f, event_target_value(&ev)))/></label>
    }
}

fn choice(
    form: RwSignal<RuleForm>,
    label: &'static str,
    options: &'static [(&'static str, &'static str)],
    get: fn(&RuleForm) -> &String,
    set: fn(&mut RuleForm, String),
) -> impl IntoView {
    view! {
        <label>{label}
            <select aria-label=label prop:value=move || form.with(|f| get(f).clone()) on:change=move |ev| form.update(|f| set(f, event_target_value(&ev)))>
                {options.iter().map(|(v, l)| view! { <option value=*v selected=form.with_untracked(|f| get(f) == v)>{*l}</option> }).collect_view()}
            </select>
        </label>
    }
}

const QUERY_TABS: [(&str, &str); 3] = [
    ("builder", "Query builder"),
    ("promql", "PromQL"),
    ("clickhouse_sql", "ClickHouse query"),
];

/// The first PromQL or ClickHouse query's text (`promql` / `clickhouse_sql` lists).
fn tab_text(q: &Query, tab: &str) -> String {
    let list = if tab == "promql" {
        &q.promql
    } else {
        &q.clickhouse_sql
    };
    value_text(&list[0]["query"])
}

fn set_tab_text(q: &mut Query, tab: &str, text: String) {
    let list = if tab == "promql" {
        &mut q.promql
    } else {
        &mut q.clickhouse_sql
    };
    if !list.is_array() || list.as_array().is_some_and(Vec::is_empty) {
        *list = json!([{"name": "A", "query": "", "legend": "", "disabled": false}]);
    }
    list[0]["query"] = json!(text);
}

#[component]
pub(crate) fn RuleEditor(original: Value, form: RuleForm) -> impl IntoView {
    let navigate = use_navigate();
    let editable = can_edit();
    let query = RwSignal::new(form.query.clone());
    let form = RwSignal::new(form);
    let error = RwSignal::new(None::<String>);
    let notice = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let original = StoredValue::new(original);
    let channels = LocalResource::new(api::channels_json);
    let labels_text = RwSignal::new(format_attrs(&form.with_untracked(|f| f.labels.clone())));
    // The form with the query and labels the sub-editors hold.
    let current = move || {
        let mut f = form.get_untracked();
        f.query = query.get_untracked();
        f.labels = parse_attrs(&labels_text.get_untracked());
        f
    };
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let f = current();
        let orig = original.get_value();
        let body = match f.apply(&orig) {
            Ok(b) => postable(b),
            Err(e) => return error.set(Some(e)),
        };
        let navigate = navigate.clone();
        busy.set(true);
        spawn_local(async move {
            let id = value_text(&orig["id"]);
            let result = async {
                if id.is_empty() {
                    let mut body = body;
                    body["source"] = json!(format!("{}/alerts/new", origin()));
                    let created = api::create_rule_json(&body).await?;
                    let new_id = value_text(&created["id"]);
                    if !new_id.is_empty() {
                        body["source"] = json!(crate::alert_rule::rule_source(&origin(), &new_id));
                        api::update_rule_json(&new_id, &body).await?;
                    }
                    Ok(())
                } else {
                    api::update_rule_json(&id, &with_source(body, &origin(), &id)).await
                }
            }
            .await;
            busy.set(false);
            match result {
                Ok(()) => navigate("/alerts", NavigateOptions::default()),
                Err(e) => error.set(Some(e.message)),
            }
        });
    };
    let test = move |_| {
        let f = current();
        let body = match f.apply(&original.get_value()) {
            Ok(b) => postable(b),
            Err(e) => return error.set(Some(e)),
        };
        busy.set(true);
        spawn_local(async move {
            match api::test_rule(&body).await {
                Ok(r) => {
                    error.set(None);
                    notice.set(Some(format!(
                        "Test notification: {} ({} alert{} would fire).",
                        value_text(&r["message"]),
                        value_text(&r["alertCount"]),
                        if r["alertCount"] == json!(1) { "" } else { "s" }
                    )));
                }
                Err(e) => error.set(Some(e.message)),
            }
            busy.set(false);
        });
    };
    // A memo: the query editor below is rebuilt only when the tab changes, not on every edit.
    let tab_memo = Memo::new(move |_| query.with(|q| q.query_type.clone()));
    let tab = move || tab_memo.get();
    let tabs = QUERY_TABS
        .iter()
        .map(|(t, label)| {
            let t = *t;
            view! {
                <button type="button" role="tab" class:active=move || tab() == t aria-selected=move || (tab() == t).to_string()
                    on:click=move |_| query.update(|q| q.query_type = t.to_string())>{*label}</button>
            }
        })
        .collect_view();
    let query_editor = move || {
        let t = tab();
        if t == "builder" {
            view! { <QueryBuilder query=query choose_source=true/> }.into_any()
        } else {
            let label = if t == "promql" {
                "PromQL query"
            } else {
                "ClickHouse query"
            };
            let t2 = t.clone();
            view! {
                <label class="wide">{label}
                    <textarea rows="4" prop:value=move || query.with_untracked(|q| tab_text(q, &t))
                        on:input=move |ev| { let v = event_target_value(&ev); query.update(|q| set_tab_text(q, &t2, v)); }></textarea>
                </label>
            }
            .into_any()
        }
    };
    let query_names = move || {
        query.with(|q| {
            q.builder
                .query_data
                .iter()
                .map(|b| b.query_name.clone())
                .chain(
                    q.builder
                        .query_formulas
                        .iter()
                        .map(|f| f.query_name.clone()),
                )
                .collect::<Vec<_>>()
        })
    };
    view! {
        <form class="editor rule" on:submit=save aria-label="Alert rule editor">
            <fieldset>
                <legend>"Alert type"</legend>
                <label>"Alert type"
                    <select aria-label="Alert type" prop:value=move || form.with(|f| f.alert_type.clone()) on:change=move |ev| {
                        let t = event_target_value(&ev);
                        // A new rule starts over on the type's data source, as SigNoz's editor does.
                        if original.with_value(Value::is_null) {
                            let fresh = RuleForm::new(&t, query_id(now_ms() as u64));
                            query.set(fresh.query);
                        }
                        form.update(|f| f.alert_type = t);
                    }>
                        {ALERT_TYPES.map(|(v, l)| view! { <option value=v selected=form.with_untracked(|f| f.alert_type == v)>{l}</option> })}
                    </select>
                </label>
            </fieldset>
            <fieldset>
                <legend>"Query"</legend>
                <div class="tabs" role="tablist">{tabs}</div>
                {query_editor}
                <RulePreview query=query form=form/>
            </fieldset>
            <fieldset>
                <legend>"Condition"</legend>
                <label>"Query"
                    <select prop:value=move || form.with(|f| f.selected_query.clone())
                        on:change=move |ev| form.update(|f| f.selected_query = event_target_value(&ev))>
                        {move || query_names().into_iter().map(|n| { let label = n.clone(); view! { <option value=n>{label}</option> } }).collect_view()}
                    </select>
                </label>
                {choice(form, "Is", &OPS, |f| &f.op, |f, v| f.op = v)}
                {choice(form, "Match", &MATCH_TYPES, |f| &f.match_type, |f, v| f.match_type = v)}
                {field(form, "Threshold", |f| &f.target, |f, v| f.target = v)}
                {field(form, "Threshold unit", |f| &f.target_unit, |f, v| f.target_unit = v)}
                {choice(form, "Evaluation window", &EVAL_WINDOWS, |f| &f.eval_window, |f, v| f.eval_window = v)}
                {field(form, "Frequency", |f| &f.frequency, |f, v| f.frequency = v)}
            </fieldset>
            <fieldset>
                <legend>"Alert"</legend>
                {field(form, "Name", |f| &f.name, |f, v| f.name = v)}
                <label>"Severity"
                    <select prop:value=move || form.with(|f| f.severity.clone()) on:change=move |ev| form.update(|f| f.severity = event_target_value(&ev))>
                        {SEVERITIES.map(|s| view! { <option value=s selected=form.with_untracked(|f| f.severity == s)>{s}</option> })}
                    </select>
                </label>
                {field(form, "Summary", |f| &f.summary, |f, v| f.summary = v)}
                <label class="wide">"Description"
                    <textarea rows="3" prop:value=move || form.with_untracked(|f| f.description.clone())
                        on:input=move |ev| form.update(|f| f.description = event_target_value(&ev))></textarea>
                </label>
                <label class="wide">"Labels (key=value, comma separated)"
                    <input type="text" prop:value=move || labels_text.get() on:input=move |ev| labels_text.set(event_target_value(&ev))/>
                </label>
            </fieldset>
            <fieldset aria-label="Notification channels">
                <legend>"Notification channels"</legend>
                {resource_view(channels, move |list: Vec<Value>| {
                    if list.is_empty() {
                        return view! { <p class="hint">"No channels yet: "<a href="/settings/channels/new">"add one"</a>"."</p> }.into_any();
                    }
                    list.into_iter().map(|c| {
                        let name = value_text(&c["name"]);
                        let (n1, n2) = (name.clone(), name.clone());
                        view! {
                            <label class="check">
                                <input type="checkbox" prop:checked=move || form.with(|f| f.channels.contains(&n1))
                                    on:change=move |ev| { let on = event_target_checked(&ev); let n = n2.clone();
                                        form.update(|f| { f.channels.retain(|c| *c != n); if on { f.channels.push(n); } }) }/>
                                {name}
                            </label>
                        }
                    }).collect_view().into_any()
                })}
            </fieldset>
            {move || error.get().map(|m| view! { <ErrorView message=m/> })}
            {move || notice.get().map(|m| view! { <p class="notice" role="status">{m}</p> })}
            <Show when=move || editable.get() fallback=|| view! { <p class="hint">"Viewers cannot change rules."</p> }>
                <div class="actions">
                    <button type="submit" disabled=move || busy.get()>"Save rule"</button>
                    <button type="button" disabled=move || busy.get() on:click=test>"Test notification"</button>
                    <a href="/alerts">"Cancel"</a>
                </div>
            </Show>
        </form>
    }
}

/// The rule's query over the page's time range, with the threshold drawn.
#[component]
fn RulePreview(query: RwSignal<Query>, form: RwSignal<RuleForm>) -> impl IntoView {
    let window = use_time_window();
    // Runs on load and on "Preview", not on every keystroke.
    let run = RwSignal::new(0u32);
    let data = LocalResource::new(move || {
        run.track();
        let (s, e) = window.get();
        let q = query.get_untracked();
        let body = json!({"start": s, "end": e, "step": crate::url_state::step_seconds(s, e),
            "variables": {}, "compositeQuery": q.composite_query("graph")});
        async move { api::query_range(&body).await }
    });
    view! {
        <div class="preview">
            <button type="button" on:click=move |_| run.update(|n| *n += 1)>"Preview"</button>
            {resource_view(data, move |d: QueryRangeData| {
                let (s, e) = window.get_untracked();
                let (sel, target) = form.with_untracked(|f| (f.selected_query.clone(), f.target.trim().parse::<f64>().ok()));
                let mut series: Vec<ChartSeries> = d.result.iter().filter(|r| r.query_name == sel || d.result.len() == 1)
                    .flat_map(|r| r.series().iter().map(|s| ChartSeries { name: s.label_text(&r.query_name),
                        points: s.values.iter().map(|p| (p.timestamp as f64, p.value)).collect() }))
                    .collect();
                if series.is_empty() {
                    return view! { <p class="empty">"No data for this query in this time range."</p> }.into_any();
                }
                if let Some(t) = target {
                    series.push(ChartSeries { name: "threshold".into(), points: vec![(s as f64, t), (e as f64, t)] });
                }
                view! { <TimeChart title="Preview".to_string() series=series format=crate::format::sig3/> }.into_any()
            })}
        </div>
    }
}

fn time_text(v: &Value) -> String {
    let ms = v.as_f64().or_else(|| v.as_str().map(js_sys::Date::parse));
    match ms {
        Some(ms) if ms.is_finite() => js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms))
            .to_iso_string()
            .as_string()
            .unwrap_or_default(),
        _ => value_text(v),
    }
}

/// State changes of the rule over the last week (when the server keeps them).
#[component]
fn RuleHistory(rule_id: String) -> impl IntoView {
    let history = LocalResource::new(move || {
        let id = rule_id.clone();
        let end = now_ms();
        async move { api::rule_history(&id, end - 7 * 86_400_000, end).await }
    });
    view! {
        <h2>"History"</h2>
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || history.get().map(|r| match r {
                Err(e) => view! { <p class="hint">{format!("No history from this server ({}).", e.message)}</p> }.into_any(),
                Ok(d) => {
                    let items = d["items"].as_array().or(d.as_array()).cloned().unwrap_or_default();
                    if items.is_empty() {
                        return view! { <p class="empty">"No state changes in the last 7 days."</p> }.into_any();
                    }
                    view! {
                        <table class="data" aria-label="Rule history">
                            <thead><tr><th>"Time"</th><th>"State"</th><th>"Value"</th><th>"Labels"</th></tr></thead>
                            <tbody>{items.into_iter().map(|h| {
                                let t = if h["unixMilli"].is_null() { &h["timestamp"] } else { &h["unixMilli"] };
                                let state = if h["state"].is_null() { &h["overallState"] } else { &h["state"] };
                                view! { <tr><td class="nowrap">{time_text(t)}</td><td>{value_text(state)}</td>
                                    <td class="num">{value_text(&h["value"])}</td><td class="clip">{value_text(&h["labels"])}</td></tr> }
                            }).collect_view()}</tbody>
                        </table>
                    }.into_any()
                }
            })}
        </Suspense>
    }
}

/// Mute windows covering this rule: list, add, delete.
#[component]
fn MuteWindows(rule_id: String) -> impl IntoView {
    let editable = can_edit();
    let list = LocalResource::new(api::mute_windows);
    let name = RwSignal::new(String::new());
    let start = RwSignal::new(String::new());
    let end = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let id = StoredValue::new(rule_id);
    let covers = move |w: &Value| {
        let ids = w["ruleIds"].as_array();
        ids.is_none_or(|a| a.is_empty() || a.iter().any(|x| value_text(x) == id.get_value()))
    };
    let iso = |local: &str| {
        let ms = js_sys::Date::parse(local);
        ms.is_finite().then(|| {
            js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms))
                .to_iso_string()
                .as_string()
                .unwrap_or_default()
        })
    };
    let add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (Some(s), Some(e)) = (iso(&start.get_untracked()), iso(&end.get_untracked())) else {
            return error.set(Some("Pick a start and an end.".into()));
        };
        let body = json!({"name": name.get_untracked(), "ruleIds": [id.get_value()], "startsAt": s, "endsAt": e});
        spawn_local(async move {
            match api::create_mute_window(&body).await {
                Ok(()) => {
                    error.set(None);
                    list.refetch();
                }
                Err(e) => error.set(Some(e.message)),
            }
        });
    };
    view! {
        <h2>"Mute windows"</h2>
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || list.get().map(|r| match r {
                Err(e) => view! { <p class="hint">{format!("No mute windows on this server ({}).", e.message)}</p> }.into_any(),
                Ok(all) => {
                    let mine: Vec<Value> = all.into_iter().filter(|w| covers(w)).collect();
                    if mine.is_empty() {
                        return view! { <p class="empty">"No mute window covers this rule."</p> }.into_any();
                    }
                    view! {
                        <table class="data" aria-label="Mute windows">
                            <thead><tr><th>"Name"</th><th>"From"</th><th>"To"</th><th></th></tr></thead>
                            <tbody>{mine.into_iter().map(|w| {
                                let wid = value_text(&w["id"]);
                                view! { <tr><td>{value_text(&w["name"])}</td>
                                    <td class="nowrap">{value_text(&w["startsAt"])}</td>
                                    <td class="nowrap">{value_text(&w["endsAt"])}</td>
                                    <td><Show when=move || editable.get()>
                                        <button class="link danger" on:click={ let wid = wid.clone(); move |_| { let wid = wid.clone(); spawn_local(async move {
                                            match api::delete_mute_window(&wid).await { Ok(()) => list.refetch(), Err(e) => error.set(Some(e.message)) } }) } }>"Delete"</button>
                                    </Show></td></tr> }
                            }).collect_view()}</tbody>
                        </table>
                    }.into_any()
                }
            })}
        </Suspense>
        {move || error.get().map(|m| view! { <ErrorView message=m/> })}
        <Show when=move || editable.get()>
            <form class="filters" on:submit=add aria-label="New mute window">
                <label>"Mute name"<input type="text" prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev))/></label>
                <label>"From"<input type="datetime-local" prop:value=move || start.get() on:input=move |ev| start.set(event_target_value(&ev))/></label>
                <label>"To"<input type="datetime-local" prop:value=move || end.get() on:input=move |ev| end.set(event_target_value(&ev))/></label>
                <button type="submit">"Add mute window"</button>
            </form>
        </Show>
    }
}
