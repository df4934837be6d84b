//! A dashboard panel drawn from its widget (time series, value, table, list),
//! and the panel editor: the shared query builder, PromQL and ClickHouse SQL
//! tabs, display options, live preview.

use crate::app::api;
use crate::app::components::query_builder::QueryBuilder;
use crate::app::components::{ChartSeries, ErrorView, TimeChart};
use crate::app::state::use_time_window;
use crate::dashboard::{
    drawn_queries, has_query, stack, unit_format, widget_request, Threshold, Widget,
};
use crate::model::QueryRangeData;
use crate::query_builder::composite::Query;
use crate::query_builder::results::{flat_rows, series_name, table};
use leptos::prelude::*;
use serde_json::{json, Value};

/// The series a time-series panel draws, named by legend, stacked when asked.
fn panel_series(w: &Widget, d: &QueryRangeData) -> Vec<ChartSeries> {
    let mut out = Vec::new();
    for (name, legend) in drawn_queries(&w.query) {
        for r in d.result.iter().filter(|r| r.query_name == name) {
            for s in r.series() {
                out.push(ChartSeries {
                    name: series_name(&legend, &name, s),
                    points: s
                        .values
                        .iter()
                        .map(|p| (p.timestamp as f64, p.value))
                        .collect(),
                });
            }
        }
    }
    if w.stacked() {
        let stacked = stack(&out.iter().map(|s| s.points.clone()).collect::<Vec<_>>());
        for (s, p) in out.iter_mut().zip(stacked) {
            s.points = p;
        }
    }
    out
}

fn colour(c: &str) -> String {
    match c {
        "Red" => "#e5484d".into(),
        "Orange" => "#f76b15".into(),
        "Green" => "#30a46c".into(),
        "Blue" => "#0090ff".into(),
        other => other.to_lowercase(),
    }
}

/// A panel's chart (or table, or list) for the time window and variables.
/// `data-state` on the body says drawn / empty / error (tests count it).
#[component]
pub fn PanelBody(
    widget: Widget,
    vars: Memo<Value>,
    #[prop(default = 180.0)] height: f64,
    #[prop(default = false)] compact: bool,
) -> impl IntoView {
    if !has_query(&widget) {
        return view! { <div class="panel-body empty" data-state="empty">"No query yet: edit the panel."</div> }.into_any();
    }
    let window = use_time_window();
    let w = widget.clone();
    let data = LocalResource::new(move || {
        let (s, e) = window.get();
        let body = widget_request(&w, s, e, crate::url_state::step_seconds(s, e), &vars.get());
        async move { api::query_range(&body).await }
    });
    let fmt = unit_format(widget.unit());
    let title = if compact {
        String::new()
    } else {
        widget.title().to_string()
    };
    let body = move || {
        let w = widget.clone();
        match data.get() {
            None => view! { <div class="panel-body loading" data-state="loading">"Loading…"</div> }.into_any(),
            Some(Err(e)) => view! { <div class="panel-body" data-state="error"><ErrorView message=e.message/></div> }.into_any(),
            Some(Ok(d)) => draw(&w, &d, title.clone(), fmt, height),
        }
    };
    view! { {body} }.into_any()
}

fn draw(
    w: &Widget,
    d: &QueryRangeData,
    title: String,
    fmt: fn(f64) -> String,
    height: f64,
) -> AnyView {
    let thresholds: Vec<Threshold> = w.thresholds.clone().unwrap_or_default();
    match w.panel_type() {
        "value" => {
            let series = panel_series(w, d);
            let v = series
                .iter()
                .find_map(|s| s.points.iter().rev().find(|p| p.1.is_finite()).map(|p| p.1))
                .unwrap_or(f64::NAN);
            let state = if v.is_finite() { "drawn" } else { "empty" };
            let style = thresholds
                .iter()
                .find(|t| t.matches(v))
                .and_then(|t| t.color.as_deref())
                .map(|c| format!("color:{}", colour(c)))
                .unwrap_or_default();
            view! {
                <div class="panel-body" data-state=state>
                    <figure class="chart value"><figcaption>{title}</figcaption>
                        <div class="big-value" style=style>{if v.is_finite() { fmt(v) } else { "No data".into() }}</div>
                    </figure>
                </div>
            }
            .into_any()
        }
        "table" => {
            let order: Vec<String> = drawn_queries(&w.query)
                .into_iter()
                .map(|(n, _)| n)
                .collect();
            let t = table(d, &order);
            let state = if t.rows.is_empty() { "empty" } else { "drawn" };
            view! {
                <div class="panel-body table-wrap" data-state=state>
                    <table class="data">
                        <thead><tr>
                            {t.label_columns.iter().map(|c| view! { <th>{c.clone()}</th> }).collect_view()}
                            {t.value_columns.iter().map(|c| view! { <th class="num">{c.clone()}</th> }).collect_view()}
                        </tr></thead>
                        <tbody>{t.rows.iter().map(|(labels, values)| view! {
                            <tr>
                                {labels.iter().map(|l| view! { <td>{l.clone()}</td> }).collect_view()}
                                {values.iter().map(|v| view! { <td class="num">{v.map(fmt).unwrap_or_default()}</td> }).collect_view()}
                            </tr>
                        }).collect_view()}</tbody>
                    </table>
                </div>
            }
            .into_any()
        }
        "list" => {
            let rows: Vec<_> = d
                .result
                .iter()
                .flat_map(|r| r.list().iter().cloned())
                .collect();
            let (cols, rows) = flat_rows(&rows);
            let state = if rows.is_empty() { "empty" } else { "drawn" };
            view! {
                <div class="panel-body table-wrap" data-state=state>
                    <table class="data">
                        <thead><tr>{cols.iter().map(|c| view! { <th>{c.clone()}</th> }).collect_view()}</tr></thead>
                        <tbody>{rows.into_iter().map(|r| view! {
                            <tr>{r.into_iter().map(|c| view! { <td>{c}</td> }).collect_view()}</tr>
                        }).collect_view()}</tbody>
                    </table>
                </div>
            }
            .into_any()
        }
        _ => {
            let series = panel_series(w, d);
            let drawn = series
                .iter()
                .any(|s| s.points.iter().any(|p| p.1.is_finite()));
            let lines: Vec<(f64, String)> = thresholds
                .iter()
                .filter_map(|t| Some((t.value?, colour(t.color.as_deref().unwrap_or("Red")))))
                .collect();
            let soft = (w.soft_min.flatten(), w.soft_max.flatten());
            view! {
                <div class="panel-body" data-state=if drawn { "drawn" } else { "empty" }>
                    <TimeChart title=title series=series format=fmt height=height soft=soft thresholds=lines/>
                </div>
            }
            .into_any()
        }
    }
}

fn num_text(v: Option<Option<f64>>) -> String {
    v.flatten().map(|x| x.to_string()).unwrap_or_default()
}

/// Empty text clears the bound (`null`, as SigNoz writes it).
fn parse_num(t: String) -> Option<Option<f64>> {
    Some(t.trim().parse::<f64>().ok())
}

const TABS: [(&str, &str); 3] = [
    ("builder", "Query builder"),
    ("promql", "PromQL"),
    ("clickhouse_sql", "ClickHouse SQL"),
];

/// Edits a copy of the widget; the preview redraws as the query changes.
#[component]
pub fn PanelEditor(
    widget: Widget,
    vars: Memo<Value>,
    on_save: Callback<Widget>,
    on_cancel: Callback<()>,
) -> impl IntoView {
    let mut q0 = widget.query.clone();
    for (key, text_key) in [("promql", "query"), ("clickhouse_sql", "query")] {
        let list = if key == "promql" {
            &mut q0.promql
        } else {
            &mut q0.clickhouse_sql
        };
        if list.as_array().is_none_or(|a| a.is_empty()) {
            *list = json!([{"name": "A", text_key: "", "legend": "", "disabled": false}]);
        }
    }
    if q0.builder.query_data.is_empty() {
        q0.builder.query_data = Query::initial("metrics", q0.id.clone()).builder.query_data;
    }
    let query = RwSignal::new(q0);
    let draft = RwSignal::new(widget.clone());
    let preview = Memo::new(move |_| {
        let mut w = draft.get();
        w.query = query.get();
        w
    });
    let text = |label: &'static str, get: fn(&Widget) -> String, set: fn(&mut Widget, String)| {
        let init = draft.with_untracked(get);
        view! { <label>{label}<input type="text" aria-label=label value=init on:input=move |ev| { let t = event_target_value(&ev); draft.update(|w| set(w, t)); }/></label> }
    };
    let ptype = draft.with_untracked(|w| w.panel_type().to_string());
    let stacked = draft.with_untracked(|w| w.stacked());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        on_save.run(preview.get_untracked());
    };
    // A memo: the query editor below is rebuilt only when the tab changes, not on every edit
    // (rebuilding the builder on each edit re-ran its autocomplete, which edits the query: a loop).
    let tab = Memo::new(move |_| query.with(|q| q.query_type.clone()));
    view! {
        <form class="editor panel-editor" aria-label="Panel editor" on:submit=submit>
            <div class="filters">
                {text("Title", |w| w.title().to_string(), |w, t| w.title = Some(t))}
                {text("Description", |w| w.description.clone().unwrap_or_default(), |w, t| w.description = Some(t))}
                <label>"Panel type"<select aria-label="Panel type" on:change=move |ev| { let t = event_target_value(&ev); draft.update(|w| w.panel_types = Some(t)); }>
                    {["graph", "value", "table", "list"].map(|k| view! { <option value=k selected=k == ptype>{k}</option> })}
                </select></label>
                {text("Unit", |w| w.unit().to_string(), |w, t| w.y_axis_unit = Some(t))}
                {text("Soft min", |w| num_text(w.soft_min), |w, t| w.soft_min = parse_num(t))}
                {text("Soft max", |w| num_text(w.soft_max), |w, t| w.soft_max = parse_num(t))}
                {text("Threshold (> value)", |w| w.thresholds.as_ref().and_then(|t| t.first()).and_then(|t| t.value).map(|v| v.to_string()).unwrap_or_default(),
                    |w, t| w.thresholds = Some(match t.trim().parse::<f64>() {
                        Ok(v) => vec![Threshold::from_value(&json!({"index": "0", "keyIndex": 0, "thresholdOperator": ">", "thresholdValue": v, "thresholdUnit": w.unit(), "thresholdColor": "Red", "thresholdFormat": "Text", "thresholdLabel": ""}))],
                        Err(_) => Vec::new(),
                    }))}
                <label><input type="checkbox" checked=stacked on:change=move |ev| { let c = event_target_checked(&ev); draft.update(|w| w.is_stacked = Some(c)); }/>"Stacked"</label>
            </div>
            <div class="tabs" role="tablist">
                {TABS.map(|(k, label)| view! {
                    <button type="button" role="tab" aria-selected=move || query.with(|q| (q.query_type == k).to_string())
                        on:click=move |_| query.update(|q| q.query_type = k.to_string())>{label}</button>
                })}
            </div>
            {move || match tab.get().as_str() {
                "promql" => view! { <TextQueries query=query key="promql" label="PromQL"/> }.into_any(),
                "clickhouse_sql" => view! { <TextQueries query=query key="clickhouse_sql" label="ClickHouse SQL"/> }.into_any(),
                _ => view! { <QueryBuilder query=query choose_source=true/> }.into_any(),
            }}
            <div class="preview" aria-label="Preview">
                {move || view! { <PanelBody widget=preview.get() vars=vars/> }}
            </div>
            <button type="submit" class="primary">"Save panel"</button>
            <button type="button" on:click=move |_| on_cancel.run(())>"Cancel"</button>
        </form>
    }
}

/// The PromQL or ClickHouse queries of a panel: text, legend, on/off; add more.
#[component]
fn TextQueries(query: RwSignal<Query>, key: &'static str, label: &'static str) -> impl IntoView {
    let list = move |q: &Query| {
        if key == "promql" {
            q.promql.clone()
        } else {
            q.clickhouse_sql.clone()
        }
    };
    let count = Memo::new(move |_| query.with(|q| list(q).as_array().map(Vec::len).unwrap_or(0)));
    let edit = move |i: usize, field: &'static str, v: Value| {
        query.update(|q| {
            let l = if key == "promql" {
                &mut q.promql
            } else {
                &mut q.clickhouse_sql
            };
            if let Some(item) = l.get_mut(i) {
                item[field] = v;
                // Older dashboards keep ClickHouse text under `rawQuery`; one text only.
                if field == "query" {
                    if let Some(o) = item.as_object_mut() {
                        o.remove("rawQuery");
                    }
                }
            }
        })
    };
    view! {
        <div class="text-queries">
            {move || (0..count.get()).map(|i| {
                let item = query.with_untracked(|q| list(q)[i].clone());
                let name = item["name"].as_str().unwrap_or("A").to_string();
                let text = item["query"].as_str().or(item["rawQuery"].as_str()).unwrap_or("").to_string();
                let legend = item["legend"].as_str().unwrap_or("").to_string();
                view! {
                    <div class="text-query">
                        <label>{format!("{label} {name}")}
                            <textarea rows="3" aria-label=format!("{label} query {name}") on:input=move |ev| edit(i, "query", json!(event_target_value(&ev)))>{text}</textarea>
                        </label>
                        <label>"Legend"<input type="text" value=legend on:input=move |ev| edit(i, "legend", json!(event_target_value(&ev)))/></label>
                    </div>
                }
            }).collect_view()}
            <button type="button" on:click=move |_| query.update(|q| {
                let l = if key == "promql" { &mut q.promql } else { &mut q.clickhouse_sql };
                let used: Vec<String> = l.as_array().into_iter().flatten().filter_map(|i| i["name"].as_str().map(str::to_string)).collect();
                if let (Some(name), Some(a)) = (crate::query_builder::vocab::next_name(&used, crate::query_builder::vocab::query_names()), l.as_array_mut()) {
                    a.push(json!({"name": name, "query": "", "legend": "", "disabled": false}));
                }
            })>"+ Query"</button>
        </div>
    }
}
