//! Traces and Logs explorers as SigNoz v0.39 has them (`/traces-explorer`,
//! `/logs/logs-explorer`): the query builder, "Run query", and the views
//! List / Traces / Time Series / Table. The staged query lives in the URL as
//! SigNoz's `compositeQuery` (+ `panelTypes`), so links open in either UI.
//! Saved views, add to dashboard, create alert and downloads act on it.

use crate::app::api;
use crate::app::components::query_builder::QueryBuilder;
use crate::app::components::{palette, resource_view, ChartSeries, ErrorView, TimeChart};
use crate::app::state::{now_ms, use_set_query, use_time_window, use_url_query, with_range};
use crate::format::{compact, duration_ns};
use crate::model::{value_text, ListRow, QueryRangeData, SavedView};
use crate::query_builder::composite::{
    explorer_request, panel_type_from_param, panel_type_param, query_id, widget, AttributeKey,
    ListOptions, Query,
};
use crate::query_builder::heatmap;
use crate::query_builder::list_view::{Pagination, ViewOptions, PER_PAGE};
use crate::query_builder::results::{csv, flat_rows, json_rows, series_name, summary, table};
use crate::url_state::{step_seconds, Query as UrlQuery};
use leptos::prelude::*;
use leptos::task::spawn_local;
use serde_json::json;
use serde_json::Value;

#[component]
pub fn TracesExplorerPage() -> impl IntoView {
    explorer("traces")
}

#[component]
pub fn LogsExplorerPage() -> impl IntoView {
    explorer("logs")
}

/// Back to the first page, keeping the chosen page size (as v0.39 does on a new query).
pub(crate) fn first_page(u: &mut UrlQuery, source: &str) {
    if let Some(p) = u.get("pagination") {
        let mut p = Pagination::from_param(Some(p), source);
        p.offset = 0;
        u.insert("pagination".into(), p.to_param());
    }
}

/// Views of each explorer: `(panelType, label)`.
fn views(source: &str) -> &'static [(&'static str, &'static str)] {
    if source == "traces" {
        &[
            ("list", "List"),
            ("trace", "Traces"),
            ("graph", "Time Series"),
            ("table", "Table"),
            ("heatmap", "Heatmap"),
        ]
    } else {
        &[
            ("list", "List"),
            ("graph", "Time Series"),
            ("table", "Table"),
        ]
    }
}

/// The panel type a view asks `query_range` and saves with: the heatmap
/// (ours, not a SigNoz panel type) is a time series of counts.
fn api_panel(p: &str) -> &str {
    if p == "heatmap" {
        "graph"
    } else {
        p
    }
}

/// Formats values of a query's unit: durations for `*Nano` attributes.
fn value_format(q: &Query) -> fn(f64) -> String {
    let nanos = q.builder.query_data.iter().any(|b| {
        b.aggregate_attribute.key.ends_with("Nano")
            && !matches!(
                b.aggregate_operator.as_str(),
                "count" | "count_distinct" | "noop"
            )
    });
    if nanos {
        duration_ns
    } else {
        compact
    }
}

fn explorer(source: &'static str) -> AnyView {
    let url = use_url_query();
    let set_query = use_set_query();
    let window = use_time_window();
    let initial_id = query_id(now_ms() as u64);
    let id2 = initial_id.clone();
    let parsed = Memo::new(move |_| {
        url.with(|u| match u.get("compositeQuery") {
            None => Ok(Query::initial(source, initial_id.clone())),
            Some(p) => Query::from_url_param(p),
        })
    });
    let staged = Memo::new(move |_| {
        parsed
            .get()
            .unwrap_or_else(|_| Query::initial(source, id2.clone()))
    });
    // The heatmap keeps `panelTypes` a SigNoz panel type (graph) and marks itself apart.
    let panel = Memo::new(move |_| {
        url.with(|u| {
            if source == "traces" && u.get("heatmap").is_some_and(|v| v == "true") {
                "heatmap"
            } else {
                panel_type_from_param(u.get("panelTypes").map(String::as_str), "list")
            }
        })
    });
    let pagination = Memo::new(move |_| {
        url.with(|u| Pagination::from_param(u.get("pagination").map(String::as_str), source))
    });
    let options_read = Memo::new(move |_| {
        url.with(|u| ViewOptions::from_param(u.get("options").map(String::as_str), source))
    });
    let options = Memo::new(move |_| {
        options_read
            .get()
            .unwrap_or_else(|_| ViewOptions::default_for(source))
    });
    // Only the traces list asks the server for its columns; log rows carry every field.
    let query_columns = Memo::new(move |_| {
        if source == "traces" {
            options.with(|o| o.select_columns.clone())
        } else {
            Vec::new()
        }
    });
    let order = Memo::new(move |_| {
        url.with(|u| {
            u.get("order")
                .cloned()
                .unwrap_or_else(|| "timestamp desc".into())
        })
    });
    let draft = RwSignal::new(staged.get_untracked());
    Effect::new(move |_| draft.set(staged.get()));
    let results = LocalResource::new(move || {
        let q = staged.get();
        let p = panel.get();
        let (s, e) = window.get();
        let (col, dir) = order
            .get()
            .split_once(' ')
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .unwrap_or_default();
        let pg = pagination.get();
        let list = ListOptions {
            page_size: pg.limit,
            offset: pg.offset,
            order_by: (col, dir),
            select_columns: query_columns.get(),
        };
        async move {
            if p == "heatmap" {
                let step = step_seconds(s, e);
                return match heatmap::request(&q, s, e, step) {
                    Ok((body, _)) => api::query_range(&body).await,
                    Err(message) => Err(api::ApiError {
                        status: 400,
                        message,
                    }),
                };
            }
            api::query_range(&explorer_request(
                &q,
                p,
                s,
                e,
                step_seconds(s, e),
                Some(&list),
            ))
            .await
        }
    });
    let sq = set_query.clone();
    let run = move || {
        let param = draft.get_untracked().to_url_param();
        sq(Box::new(move |u: &mut UrlQuery| {
            u.insert("compositeQuery".into(), param);
            first_page(u, source);
        }));
    };
    let run2 = run.clone();
    let run3 = run.clone();
    let run4 = run.clone();
    provide_context(super::log_detail::ExplorerDraft {
        draft,
        run: Callback::new(move |_: ()| run3()),
    });
    let sq = set_query.clone();
    let set_panel = move |p: &'static str| {
        let param = draft.get_untracked().to_url_param();
        sq(Box::new(move |u: &mut UrlQuery| {
            u.insert("panelTypes".into(), panel_type_param(api_panel(p)));
            if p == "heatmap" {
                u.insert("heatmap".into(), "true".into());
            } else {
                u.remove("heatmap");
            }
            u.insert("compositeQuery".into(), param);
            first_page(u, source);
        }));
    };
    let sq = set_query.clone();
    let go_page = move |delta: i64| {
        let mut p = pagination.get_untracked();
        p.offset = (p.offset as i64 + delta * p.limit as i64).max(0) as u64;
        sq(Box::new(move |u: &mut UrlQuery| {
            u.insert("pagination".into(), p.to_param());
        }));
    };
    let sq = set_query.clone();
    let set_page_size = move |limit: u64| {
        let p = Pagination { offset: 0, limit };
        sq(Box::new(move |u: &mut UrlQuery| {
            u.insert("pagination".into(), p.to_param());
        }));
    };
    let sq = set_query.clone();
    let set_options = Callback::new(move |edit: ViewOptions| {
        let param = edit.to_param();
        sq(Box::new(move |u: &mut UrlQuery| {
            u.insert("options".into(), param);
        }));
    });
    let sq = set_query.clone();
    let set_order = move |o: String| {
        sq(Box::new(move |u: &mut UrlQuery| {
            u.insert("order".into(), o);
            first_page(u, source);
        }));
    };
    let title = if source == "traces" {
        "Traces explorer"
    } else {
        "Logs explorer"
    };
    let tabs = views(source)
        .iter()
        .map(|(p, label)| {
            let set_panel = set_panel.clone();
            view! {
                <button role="tab" aria-selected=move || (panel.get() == *p).to_string() on:click=move |_| set_panel(p)>{*label}</button>
            }
        })
        .collect_view();
    let live_link = (source == "logs").then(|| {
        view! {
            <a class="button" href=move || url.with(|u| with_range("/logs/logs-explorer/live", u))>"● Live tail"</a>
            <a class="button" href=move || url.with(|u| with_range("/logs-explorer/index-fields", u))>"Index fields"</a>
        }
    });
    let body = move || {
        let p = panel.get();
        let fmt = value_format(&staged.get_untracked());
        resource_view(results, move |data: QueryRangeData| {
            if p == "heatmap" {
                let (s, e) = window.get_untracked();
                return super::heatmap::heatmap_view(&data, s, e, step_seconds(s, e));
            }
            render_results(
                source,
                p,
                &staged.get_untracked(),
                data,
                fmt,
                url.get_untracked(),
                &options.get(),
            )
        })
    };
    view! {
        <section class="explorer">
            <div class="toolbar">
                <h1>{title}</h1>
                <div class="tabs" role="tablist">{tabs}</div>
                <span class="grow"></span>
                {live_link}
                <SavedViews source=source staged=staged panel=panel/>
            </div>
            {move || parsed.get().err().map(|m| view! { <ErrorView message=format!("The link's query could not be read ({m}); showing the default query.")/> })}
            <form class="qb-form" on:submit=move |ev: leptos::ev::SubmitEvent| { ev.prevent_default(); run2(); }>
                <QueryBuilder query=draft/>
                <div class="qb-run">
                    <button type="submit" class="primary">"▶ Run query"</button>
                    <span class="hint">"The query is kept in the address bar (SigNoz's compositeQuery), so the link reopens it here or in SigNoz."</span>
                    <span class="grow"></span>
                    <Actions source=source staged=staged panel=panel results=results/>
                </div>
            </form>
            {move || matches!(panel.get(), "list" | "trace").then(|| {
                let set_order = set_order.clone();
                let set_page_size = set_page_size.clone();
                let order_options: &[(&str, &str)] = if source == "traces" {
                    &[("timestamp desc", "Newest first"), ("timestamp asc", "Oldest first"), ("durationNano desc", "Slowest first"), ("durationNano asc", "Fastest first")]
                } else {
                    &[("timestamp desc", "Newest first"), ("timestamp asc", "Oldest first")]
                };
                let current = order.get();
                view! {
                    <div class="toolbar">
                        <label>"Order "
                            <select aria-label="Order rows" on:change=move |ev| set_order(event_target_value(&ev))>
                                {order_options.iter().map(|(v, l)| view! { <option value=*v selected=current == *v>{*l}</option> }).collect_view()}
                            </select>
                        </label>
                        <label>"Per page "
                            <select aria-label="Rows per page" on:change=move |ev| {
                                if let Ok(n) = event_target_value(&ev).parse() { set_page_size(n) }
                            }>
                                {PER_PAGE.iter().map(|n| view! { <option value=n.to_string() selected=pagination.get_untracked().limit == *n>{n.to_string()}</option> }).collect_view()}
                            </select>
                        </label>
                        {(panel.get() == "list").then(|| view! { <ListOptionsBar source=source options=options set_options=set_options/> })}
                    </div>
                }
            })}
            {move || options_read.get().err().map(|m| view! { <ErrorView message=format!("The link's list options could not be read ({m}); showing the defaults.")/> })}
            {move || (source == "logs" && panel.get() == "list").then(|| view! { <super::log_volume::LogVolume staged=staged/> })}
            <div class:with-facets=source == "traces">
                {(source == "traces").then(|| view! { <super::facets::TraceFacets staged=staged draft=draft run=Callback::new(move |_: ()| run4())/> })}
                <div class="explorer-main">
                    {body}
                    {move || matches!(panel.get(), "list" | "trace").then(|| {
                        let go_prev = go_page.clone();
                        let go_next = go_page.clone();
                        view! {
                            <div class="pager">
                                <button on:click=move |_| go_prev(-1) disabled=move || pagination.get().offset == 0>"← Previous"</button>
                                <span>{move || format!("Page {}", pagination.get().page() + 1)}</span>
                                <button on:click=move |_| go_next(1)>"Next →"</button>
                            </div>
                        }
                    })}
                </div>
            </div>
        </section>
    }
    .into_any()
}

fn render_results(
    source: &'static str,
    panel: &str,
    q: &Query,
    data: QueryRangeData,
    fmt: fn(f64) -> String,
    url: UrlQuery,
    options: &ViewOptions,
) -> AnyView {
    match panel {
        "graph" => {
            let legends: Vec<(String, String)> = q
                .builder
                .query_data
                .iter()
                .map(|b| (b.query_name.clone(), b.legend.clone()))
                .chain(
                    q.builder
                        .query_formulas
                        .iter()
                        .map(|f| (f.query_name.clone(), f.legend.clone())),
                )
                .collect();
            let legend_of = |name: &str| {
                legends
                    .iter()
                    .find(|(n, _)| n == name)
                    .map(|(_, l)| l.clone())
                    .unwrap_or_default()
            };
            let mut series = Vec::new();
            let mut rows = Vec::new();
            for r in &data.result {
                for s in r.series() {
                    let name = series_name(&legend_of(&r.query_name), &r.query_name, s);
                    let m = summary(s);
                    rows.push((r.query_name.clone(), name.clone(), m));
                    series.push(ChartSeries {
                        name,
                        points: s
                            .values
                            .iter()
                            .map(|p| (p.timestamp as f64, p.value))
                            .collect(),
                    });
                }
            }
            if series.is_empty() {
                return view! { <p class="empty">"No data for this query in this time range."</p> }
                    .into_any();
            }
            let rows = rows
                .into_iter()
                .enumerate()
                .map(|(i, (qn, name, m))| {
                    let key = name.clone();
                    view! {
                        <tr data-series=key>
                            <td><span class="swatch" style=format!("background:{}", palette(i))></span>{qn}</td>
                            <td>{name}</td>
                            <td class="num">{m.points}</td>
                            <td class="num" data-value=m.min.to_string()>{fmt(m.min)}</td>
                            <td class="num" data-value=m.avg.to_string()>{fmt(m.avg)}</td>
                            <td class="num" data-value=m.max.to_string()>{fmt(m.max)}</td>
                            <td class="num" data-value=m.last.to_string()>{fmt(m.last)}</td>
                        </tr>
                    }
                })
                .collect_view();
            view! {
                <div class="charts one"><TimeChart title="Result".to_string() series=series format=fmt height=260.0/></div>
                <table class="data series-summary">
                    <thead><tr><th>"Query"</th><th>"Series"</th><th>"Points"</th><th>"Min"</th><th>"Avg"</th><th>"Max"</th><th>"Last"</th></tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            }
            .into_any()
        }
        "table" => {
            let order: Vec<String> = q
                .builder
                .query_data
                .iter()
                .map(|b| b.query_name.clone())
                .chain(
                    q.builder
                        .query_formulas
                        .iter()
                        .map(|f| f.query_name.clone()),
                )
                .collect();
            let t = table(&data, &order);
            if t.rows.is_empty() {
                return view! { <p class="empty">"No data for this query in this time range."</p> }
                    .into_any();
            }
            let head = t
                .label_columns
                .iter()
                .chain(t.value_columns.iter())
                .map(|c| view! { <th>{c.clone()}</th> })
                .collect_view();
            let body = t
                .rows
                .into_iter()
                .map(|(labels, values)| {
                    view! {
                        <tr>
                            {labels.into_iter().map(|l| view! { <td>{l}</td> }).collect_view()}
                            {values.into_iter().map(|v| view! {
                                <td class="num" data-value=v.map(|v| v.to_string()).unwrap_or_default()>{v.map(fmt).unwrap_or_else(|| "–".into())}</td>
                            }).collect_view()}
                        </tr>
                    }
                })
                .collect_view();
            view! { <table class="data result-table"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table> }.into_any()
        }
        _ => {
            let rows = data
                .result
                .into_iter()
                .next()
                .map(|r| r.list.unwrap_or_default())
                .unwrap_or_default();
            if rows.is_empty() {
                return view! { <p class="empty">"Nothing matches this query in this time range."</p> }.into_any();
            }
            match (source, panel) {
                ("traces", "trace") => trace_rows(rows, &url),
                ("traces", _) => span_rows(rows, &url, &options.select_columns),
                _ => super::log_detail::log_rows(rows, &url, options),
            }
        }
    }
}

/// Span fields that are columns (not attributes) when typed without autocomplete.
const SPAN_COLUMNS: [&str; 11] = [
    "serviceName",
    "name",
    "durationNano",
    "hasError",
    "httpMethod",
    "responseStatusCode",
    "statusCode",
    "kind",
    "traceID",
    "spanID",
    "parentSpanID",
];

/// Header of a traces-list column: v0.39's names for the span columns.
fn column_label(key: &str) -> String {
    match key {
        "serviceName" => "Service",
        "name" => "Operation",
        "durationNano" => "Duration",
        "httpMethod" => "Method",
        "responseStatusCode" => "Status code",
        "hasError" => "Status",
        other => other,
    }
    .to_string()
}

fn span_rows(rows: Vec<ListRow>, url: &UrlQuery, columns: &[AttributeKey]) -> AnyView {
    let head = columns
        .iter()
        .map(|c| view! { <th data-column=c.key.clone()>{column_label(&c.key)}</th> })
        .collect_view();
    let body = rows
        .into_iter()
        .map(|r| {
            let trace_id = r.text("traceID");
            let href = format!("{}&spanId={}", with_range(&format!("/trace/{trace_id}"), url), r.text("spanID"));
            let cells = columns
                .iter()
                .map(|c| {
                    let v = r.data.get(&c.key).cloned().unwrap_or(Value::Null);
                    match c.key.as_str() {
                        "name" => view! { <td><a href=href.clone()>{value_text(&v)}</a></td> }.into_any(),
                        "durationNano" => view! { <td class="num">{duration_ns(r.number("durationNano"))}</td> }.into_any(),
                        "hasError" => {
                            let err = v.as_bool().unwrap_or(value_text(&v) == "true");
                            view! { <td>{if err { view! { <span class="badge err">"error"</span> }.into_any() } else { view! { <span class="badge ok">"ok"</span> }.into_any() }}</td> }.into_any()
                        }
                        _ => view! { <td>{value_text(&v)}</td> }.into_any(),
                    }
                })
                .collect_view();
            view! {
                <tr>
                    <td class="mono nowrap"><a href=href.clone()>{super::traces::short_time(&r.timestamp)}</a></td>
                    {cells}
                </tr>
            }
        })
        .collect_view();
    view! {
        <table class="data spans">
            <thead><tr><th>"Time (UTC)"</th>{head}</tr></thead>
            <tbody>{body}</tbody>
        </table>
    }
    .into_any()
}

/// The List view's options (v0.39's options menu): the logs' format
/// (Raw / Default / Column) and lines per row, and the chosen columns of either list.
#[component]
fn ListOptionsBar(
    source: &'static str,
    options: Memo<ViewOptions>,
    set_options: Callback<ViewOptions>,
) -> impl IntoView {
    let formats = (source == "logs").then(|| {
        let buttons = [("raw", "Raw"), ("list", "Default"), ("table", "Column")]
            .into_iter()
            .map(|(f, label)| {
                view! {
                    <button type="button" aria-pressed=move || (options.get().format == f).to_string()
                        on:click=move |_| { let mut o = options.get_untracked(); o.format = f.into(); set_options.run(o); }>{label}</button>
                }
            })
            .collect_view();
        view! {
            <span class="seg" role="group" aria-label="Format">{buttons}</span>
            <label>"Max lines "
                <input type="number" min="1" max="100" class="tiny" aria-label="Max lines per row"
                    prop:value=move || options.get().max_lines.to_string()
                    on:change=move |ev| {
                        if let Ok(n) = event_target_value(&ev).parse::<u32>() {
                            let mut o = options.get_untracked();
                            o.max_lines = n.clamp(1, 100);
                            set_options.run(o);
                        }
                    }/>
            </label>
        }
    });
    let search = RwSignal::new(String::new());
    let keys = LocalResource::new(move || {
        let s = search.get();
        async move {
            api::attribute_keys(source, "noop", "", &s)
                .await
                .unwrap_or_default()
        }
    });
    let list_id = format!("columns-{source}");
    let add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let text = search.get_untracked().trim().to_string();
        if text.is_empty() {
            return;
        }
        let known = keys
            .get_untracked()
            .and_then(|ks| ks.into_iter().find(|k| k.key == text));
        let key = known.unwrap_or_else(|| {
            if source == "traces" && SPAN_COLUMNS.contains(&text.as_str()) {
                AttributeKey::trace_column(&text)
            } else {
                AttributeKey::new(&text, "", "tag", false)
            }
        });
        let mut o = options.get_untracked();
        o.add_column(key);
        set_options.run(o);
        search.set(String::new());
    };
    view! {
        {formats}
        <span class="columns">
            {move || options.get().select_columns.into_iter().map(|c| {
                let k = c.key.clone();
                view! {
                    <span class="chip" data-column=c.key.clone()>{c.key.clone()}
                        <button type="button" class="link" aria-label=format!("Remove column {}", c.key)
                            on:click=move |_| { let mut o = options.get_untracked(); o.remove_column(&k); set_options.run(o); }>"✕"</button>
                    </span>
                }
            }).collect_view()}
            <form class="inline" on:submit=add>
                <input type="text" list=list_id.clone() placeholder="Add column" aria-label="Add column"
                    prop:value=move || search.get() on:input=move |ev| search.set(event_target_value(&ev))/>
                <datalist id=list_id>
                    {move || keys.get().unwrap_or_default().into_iter().map(|k| view! { <option value=k.key.clone()>{format!("{} {}", k.kind, k.data_type)}</option> }).collect_view()}
                </datalist>
                <button type="submit">"Add"</button>
            </form>
        </span>
    }
}

fn trace_rows(rows: Vec<ListRow>, url: &UrlQuery) -> AnyView {
    let body = rows
        .into_iter()
        .map(|r| {
            let trace_id = r.text("traceID");
            let href = with_range(&format!("/trace/{trace_id}"), url);
            view! {
                <tr>
                    <td><a class="mono" href=href>{trace_id.clone()}</a></td>
                    <td>{r.text("subQuery.serviceName")}</td>
                    <td>{r.text("subQuery.name")}</td>
                    <td class="num">{r.text("span_count")}</td>
                    <td class="num">{duration_ns(r.number("subQuery.durationNano"))}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <table class="data">
            <thead><tr><th>"Trace ID"</th><th>"Root service"</th><th>"Root operation"</th><th>"Spans"</th><th>"Duration"</th></tr></thead>
            <tbody>{body}</tbody>
        </table>
    }
    .into_any()
}

/// Starts a browser download of `text`.
pub(crate) fn download(name: &str, mime: &str, text: &str) {
    use wasm_bindgen::JsCast;
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let href = format!(
        "data:{mime};charset=utf-8,{}",
        crate::url_state::encode(text)
    );
    if let Ok(a) = doc.create_element("a") {
        let _ = a.set_attribute("href", &href);
        let _ = a.set_attribute("download", name);
        if let Ok(a) = a.dyn_into::<web_sys::HtmlElement>() {
            a.click();
        }
    }
}

/// Download, add to dashboard, create alert.
#[component]
fn Actions(
    source: &'static str,
    staged: Memo<Query>,
    panel: Memo<&'static str>,
    results: LocalResource<Result<QueryRangeData, api::ApiError>>,
) -> impl IntoView {
    let message = RwSignal::new(None::<String>);
    let dashboards = RwSignal::new(None::<Vec<crate::model::Dashboard>>);
    let rows = move || {
        results
            .get()
            .and_then(|r| r.ok())
            .and_then(|d| d.result.into_iter().next())
            .map(|r| r.list.unwrap_or_default())
            .unwrap_or_default()
    };
    let dl_csv = move |_| {
        let (cols, table) = flat_rows(&rows());
        download(&format!("{source}.csv"), "text/csv", &csv(&cols, &table));
    };
    let dl_json = move |_| {
        download(
            &format!("{source}.json"),
            "application/json",
            &json_rows(&rows()),
        )
    };
    let open_add = move |_| {
        spawn_local(async move {
            match api::dashboards().await {
                Ok(d) => dashboards.set(Some(d)),
                Err(e) => message.set(Some(e.message)),
            }
        })
    };
    let add_to = move |uuid: String| {
        let q = staged.get_untracked();
        let p = match panel.get_untracked() {
            "list" | "trace" | "heatmap" => "graph",
            p => p,
        };
        spawn_local(async move {
            let result = async {
                let mut d = api::dashboard(&uuid).await?;
                let id = query_id(now_ms() as u64 ^ 0x5157);
                let title = format!("{} explorer query", source);
                let n = d.data.widgets.len() as i64;
                d.data.widgets.push(widget(&id, &title, p, &q));
                let layout = d.data.rest.entry("layout").or_insert_with(|| json!([]));
                if let Some(l) = layout.as_array_mut() {
                    l.push(json!({"i": id, "x": (n % 2) * 6, "y": (n / 2) * 3, "w": 6, "h": 3}));
                }
                api::update_dashboard(&uuid, &d.data).await?;
                Ok::<_, api::ApiError>(d.data.title)
            }
            .await;
            dashboards.set(None);
            message.set(Some(match result {
                Ok(t) => format!("Added to dashboard \u{201c}{t}\u{201d}."),
                Err(e) => e.message,
            }));
        });
    };
    let alert_href = move || {
        let mut u = UrlQuery::new();
        u.insert("compositeQuery".into(), staged.get().to_url_param());
        u.insert("panelTypes".into(), panel_type_param("graph"));
        format!("/alerts/new?{}", crate::url_state::encode_query(&u))
    };
    view! {
        <span class="actions">
            {move || matches!(panel.get(), "list").then(|| view! {
                <button type="button" on:click=dl_csv>"⤓ CSV"</button>
                <button type="button" on:click=dl_json>"⤓ JSON"</button>
            })}
            <button type="button" class="edit-control" on:click=open_add>"Add to dashboard"</button>
            <a class="button edit-control" href=alert_href>"Create alert"</a>
            {move || dashboards.get().map(|list| view! {
                <div class="popover" role="dialog" aria-label="Add to dashboard">
                    <strong>"Add this query as a panel to…"</strong>
                    {if list.is_empty() { view! { <p class="empty">"No dashboards yet: create one on the Dashboards page."</p> }.into_any() } else {
                        list.into_iter().map(|d| {
                            let uuid = d.uuid.clone();
                            view! { <button type="button" class="link" on:click=move |_| add_to(uuid.clone())>{d.data.title.clone()}</button> }
                        }).collect_view().into_any()
                    }}
                    <button type="button" on:click=move |_| dashboards.set(None)>"Cancel"</button>
                </div>
            })}
            {move || message.get().map(|m| view! { <span class="hint" role="status">{m}</span> })}
        </span>
    }
}

/// The explorer of a source page (`traces` | `logs`).
pub(crate) fn explorer_path(source: &str) -> &'static str {
    if source == "logs" {
        "/logs/logs-explorer"
    } else {
        "/traces-explorer"
    }
}

/// The saved-views page of a source page (v0.39's `TRACES_SAVE_VIEWS` / `LOGS_SAVE_VIEWS`).
pub(crate) fn saved_views_path(source: &str) -> &'static str {
    if source == "logs" {
        "/logs/saved-views"
    } else {
        "/traces/saved-views"
    }
}

/// The URL parameters that open a saved view in its explorer, as v0.39's view
/// picker writes them: the query, its panel type, the view's name and key.
pub(crate) fn view_params(v: &SavedView) -> Result<Vec<(String, String)>, String> {
    let panel = v.composite_query["panelType"]
        .as_str()
        .unwrap_or("list")
        .to_string();
    let q = Query::from_composite_query(&v.composite_query, query_id(now_ms() as u64))?;
    Ok(vec![
        ("compositeQuery".into(), q.to_url_param()),
        ("panelTypes".into(), panel_type_param(&panel)),
        // JSON strings, as v0.39 writes them.
        ("viewName".into(), Value::from(v.name.as_str()).to_string()),
        ("viewKey".into(), Value::from(v.uuid.as_str()).to_string()),
    ])
}

/// Saved views of this explorer: open, save as, rename, delete.
#[component]
fn SavedViews(
    source: &'static str,
    staged: Memo<Query>,
    panel: Memo<&'static str>,
) -> impl IntoView {
    let set_query = use_set_query();
    let url = use_url_query();
    let list = LocalResource::new(move || api::saved_views(source));
    let name = RwSignal::new(String::new());
    let message = RwSignal::new(None::<String>);
    let open = RwSignal::new(false);
    let save = move |_| {
        let n = name.get_untracked().trim().to_string();
        if n.is_empty() {
            message.set(Some("Give the view a name.".into()));
            return;
        }
        let cq = staged
            .get_untracked()
            .composite_query(api_panel(panel.get_untracked()));
        spawn_local(async move {
            match api::create_saved_view(&n, source, &cq, "{}").await {
                Ok(_) => {
                    name.set(String::new());
                    message.set(Some(format!("Saved \u{201c}{n}\u{201d}.")));
                    list.refetch();
                }
                Err(e) => message.set(Some(e.message)),
            }
        });
    };
    let sq = StoredValue::new(set_query);
    let open_view = move |v: SavedView| match view_params(&v) {
        Ok(params) => {
            sq.with_value(|f| {
                f(Box::new(move |u: &mut UrlQuery| {
                    u.remove("heatmap");
                    u.extend(params);
                    first_page(u, source);
                }))
            });
            open.set(false);
        }
        Err(e) => message.set(Some(e)),
    };
    let rename = move |mut v: SavedView| {
        let Some(new) = web_sys::window().and_then(|w| {
            w.prompt_with_message_and_default("New name", &v.name)
                .ok()
                .flatten()
        }) else {
            return;
        };
        v.name = new;
        spawn_local(async move {
            match api::update_saved_view(&v).await {
                Ok(()) => list.refetch(),
                Err(e) => message.set(Some(e.message)),
            }
        });
    };
    let delete = move |uuid: String| {
        spawn_local(async move {
            match api::delete_saved_view(&uuid).await {
                Ok(()) => list.refetch(),
                Err(e) => message.set(Some(e.message)),
            }
        });
    };
    view! {
        <span class="saved-views">
            <button type="button" aria-expanded=move || open.get().to_string() on:click=move |_| open.update(|o| *o = !*o)>"Views ▾"</button>
            <input type="text" placeholder="View name" class="short-name edit-control" aria-label="View name" prop:value=move || name.get()
                on:input=move |ev| name.set(event_target_value(&ev))/>
            <button type="button" class="edit-control" on:click=save>"Save view"</button>
            {move || message.get().map(|m| view! { <span class="hint" role="status">{m}</span> })}
            {move || open.get().then(|| view! {
                <div class="popover" role="dialog" aria-label="Saved views">
                    {resource_view(list, move |views: Vec<SavedView>| {
                        if views.is_empty() {
                            return view! { <p class="empty">"No saved views yet."</p> }.into_any();
                        }
                        view! {
                            <table class="data"><tbody>
                                {views.into_iter().map(|v| {
                                    let (v1, v2, uuid) = (v.clone(), v.clone(), v.uuid.clone());
                                    view! {
                                        <tr>
                                            <td><button type="button" class="link" on:click=move |_| open_view(v1.clone())>{v.name.clone()}</button></td>
                                            <td class="hint">{v.created_by.clone()}</td>
                                            <td class="edit-control">
                                                <button type="button" class="link" on:click=move |_| rename(v2.clone())>"Rename"</button>
                                                <button type="button" class="link danger" on:click=move |_| delete(uuid.clone())>"Delete"</button>
                                            </td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody></table>
                        }.into_any()
                    })}
                    <a href=move || url.with(|u| with_range(saved_views_path(source), u))>"Manage views →"</a>
                </div>
            })}
        </span>
    }
}
