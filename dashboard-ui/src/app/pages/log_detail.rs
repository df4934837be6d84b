//! The logs list of the explorer and its detail drawer: field table and
//! JSON view, copy, and filter-in / filter-out, which edit the explorer's
//! query builder and run it.

use crate::app::state::with_range;
use crate::model::{value_text, ListRow};
use crate::query_builder::composite::{AttributeKey, FilterItem, Query};
use crate::query_builder::list_view::{
    context_filters, context_request, log_value, ViewOptions, CONTEXT_LINES, CONTEXT_MORE,
};
use crate::query_builder::results::log_fields;
use crate::url_state::Query as UrlQuery;
use leptos::prelude::*;
use serde_json::{Map, Value};
use std::sync::Arc;

/// What the drawer needs from the explorer: its draft query and "run".
#[derive(Clone, Copy)]
pub struct ExplorerDraft {
    pub draft: RwSignal<Query>,
    pub run: Callback<()>,
}

/// Log timestamps: RFC3339 text, or ns numbers in some replies.
fn log_time(row: &ListRow) -> String {
    if !row.timestamp.is_empty() && !row.timestamp.starts_with("0001") {
        return super::traces::short_time(&row.timestamp);
    }
    crate::format::datetime_ms(row.number("timestamp") / 1e6, 0)
}

fn copy(text: String) {
    if let Some(w) = web_sys::window() {
        let _ = w.navigator().clipboard().write_text(&text);
    }
}

/// Adds `key op value` to the first query and runs it (SigNoz's filter in/out).
fn add_filter(
    ctx: Option<ExplorerDraft>,
    key: crate::query_builder::composite::AttributeKey,
    op: &str,
    value: Value,
) {
    let Some(ctx) = ctx else { return };
    ctx.draft.update(|q| {
        if let Some(a) = q.builder.query_data.first_mut() {
            a.filters
                .items
                .retain(|it| it.key.as_ref().map(|k| &k.key) != Some(&key.key));
            let id = format!("{:08x}", (js_sys::Math::random() * 4294967295.0) as u32);
            a.filters.items.push(FilterItem {
                id,
                key: Some(key),
                op: op.into(),
                value,
                extra: Map::new(),
            });
        }
    });
    ctx.run.run(());
}

/// `key: value` of a chosen column, or nothing when the row lacks it.
fn column_text(r: &ListRow, k: &AttributeKey) -> Option<String> {
    log_value(r, k).map(|v| value_text(&v))
}

/// The logs list in v0.39's three formats: `raw` (one text line per log),
/// `list` ("Default": time, severity, body with the chosen fields under it)
/// and `table` ("Column": one column per chosen field). Bodies are cut to
/// the options' max lines; a click opens the detail drawer.
pub fn log_rows(rows: Vec<ListRow>, url: &UrlQuery, options: &ViewOptions) -> AnyView {
    let rows = Arc::new(rows);
    let selected = RwSignal::new(None::<usize>);
    let url = url.clone();
    let clamp = format!("-webkit-line-clamp:{}", options.max_lines);
    let cols = options.select_columns.clone();
    let drawer_rows = rows.clone();
    let drawer_view = move || {
        selected
            .get()
            .and_then(|i| drawer_rows.get(i).cloned())
            .map(|r| drawer(r, selected))
    };
    if options.format == "raw" {
        let lines = rows
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let fields: String = cols
                    .iter()
                    .filter_map(|c| column_text(r, c).map(|v| format!("{}={v} ", c.key)))
                    .collect();
                let text = format!("{} | {}{}", log_time(r), fields, r.text("body"));
                view! {
                    <div class="log-line clamp clickable" style=clamp.clone() data-log-id=r.text("id")
                        class:selected=move || selected.get() == Some(i) on:click=move |_| selected.set(Some(i))>{text}</div>
                }
            })
            .collect_view();
        return view! { <div class="logs-raw" role="list">{lines}</div> {drawer_view} }.into_any();
    }
    let column_format = options.format == "table";
    let head_cols = column_format.then(|| {
        cols.iter()
            .map(|c| view! { <th data-column=c.key.clone()>{c.key.clone()}</th> })
            .collect_view()
    });
    let table_rows = rows
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let sev = r.text("severity_text");
            let trace_id = r.text("trace_id");
            let trace = (!trace_id.is_empty()).then(|| {
                let href = format!("{}&spanId={}", with_range(&format!("/trace/{trace_id}"), &url), r.text("span_id"));
                view! { <a class="mono" href=href on:click=|ev| ev.stop_propagation()>{trace_id.chars().take(12).collect::<String>()}</a> }
            });
            let col_cells = column_format.then(|| {
                cols.iter()
                    .map(|c| view! { <td data-column=c.key.clone()>{column_text(r, c).unwrap_or_default()}</td> })
                    .collect_view()
            });
            let fields = (!column_format && !cols.is_empty()).then(|| {
                let items = cols
                    .iter()
                    .filter_map(|c| column_text(r, c).map(|v| (c.key.clone(), v)))
                    .map(|(k, v)| view! { <span class="log-field" data-column=k.clone()><span class="hint">{format!("{k}: ")}</span>{v}</span> })
                    .collect_view();
                view! { <div class="log-fields">{items}</div> }
            });
            view! {
                <tr class="clickable" data-log-id=r.text("id") class:selected=move || selected.get() == Some(i) on:click=move |_| selected.set(Some(i))>
                    <td class="mono nowrap">{log_time(r)}</td>
                    <td><span class=format!("sev sev-{}", sev.to_lowercase())>{sev.clone()}</span></td>
                    {col_cells}
                    <td><div class="log-body clamp" style=clamp.clone()>{r.text("body")}</div>{fields}</td>
                    <td>{trace}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <table class="data logs" class:columns=column_format>
            <thead><tr><th>"Time (UTC)"</th><th>"Severity"</th>{head_cols}<th>"Body"</th><th>"Trace"</th></tr></thead>
            <tbody>{table_rows}</tbody>
        </table>
        {drawer_view}
    }
    .into_any()
}

/// Context: the lines before and after `row` from the same resource (v0.39's
/// "Show in context"), oldest at the top, `row` marked; each side grows by 10 on request.
fn context_view(row: ListRow) -> AnyView {
    let window = crate::app::state::use_time_window();
    let before_n = RwSignal::new(CONTEXT_LINES);
    let after_n = RwSignal::new(CONTEXT_LINES);
    let row = Arc::new(row);
    let shared = row.clone();
    let side = move |before: bool, n: RwSignal<u64>| {
        let row = shared.clone();
        LocalResource::new(move || {
            let (s, e) = window.get();
            let body = context_request(&row, before, n.get(), s, e, "context".into());
            async move { crate::app::api::query_range(&body).await }
        })
    };
    let before = side(true, before_n);
    let after = side(false, after_n);
    let lines = move |data: crate::model::QueryRangeData, reverse: bool, cls: &'static str| {
        let mut rows = data
            .result
            .into_iter()
            .next()
            .and_then(|r| r.list)
            .unwrap_or_default();
        if reverse {
            rows.reverse();
        }
        if rows.is_empty() {
            return view! { <p class="empty">"No lines."</p> }.into_any();
        }
        rows.iter()
            .map(|r| view! { <div class=format!("log-line {cls}") data-log-id=r.text("id")>{format!("{} | {} | {}", log_time(r), r.text("severity_text"), r.text("body"))}</div> })
            .collect_view()
            .into_any()
    };
    let filters = context_filters(&row)
        .into_iter()
        .filter_map(|f| {
            f.key
                .map(|k| format!("{} = {}", k.key, value_text(&f.value)))
        })
        .collect::<Vec<_>>()
        .join(", ");
    let me = format!(
        "{} | {} | {}",
        log_time(&row),
        row.text("severity_text"),
        row.text("body")
    );
    view! {
        <div class="log-context" aria-label="Log context">
            <p class="hint">{format!("Same resource: {}", if filters.is_empty() { "(no resource attributes)".to_string() } else { filters })}</p>
            <button type="button" on:click=move |_| before_n.update(|n| *n += CONTEXT_MORE)>"Show 10 earlier lines"</button>
            <div class="logs-raw">
                {move || crate::app::components::resource_view(before, move |d| lines(d, true, "ctx-before"))}
                <div class="log-line ctx-current selected" data-log-id=row.text("id")>{me}</div>
                {move || crate::app::components::resource_view(after, move |d| lines(d, false, "ctx-after"))}
            </div>
            <button type="button" on:click=move |_| after_n.update(|n| *n += CONTEXT_MORE)>"Show 10 later lines"</button>
        </div>
    }
    .into_any()
}

fn drawer(row: ListRow, selected: RwSignal<Option<usize>>) -> AnyView {
    let ctx = use_context::<ExplorerDraft>();
    // 0 overview, 1 JSON, 2 context.
    let tab = RwSignal::new(0u8);
    let ctx_row = row.clone();
    let mut whole = row.data.clone();
    whole.insert("timestamp".into(), Value::String(row.timestamp.clone()));
    let json_text = serde_json::to_string_pretty(&Value::Object(whole)).unwrap_or_default();
    let json_copy = json_text.clone();
    let fields = log_fields(&row)
        .into_iter()
        .map(|(key, value)| {
            let text = value_text(&value);
            let (k_in, k_out, v_in, v_out, t_copy) = (key.clone(), key.clone(), value.clone(), value.clone(), text.clone());
            let scope = if key.is_column { "column".to_string() } else { key.kind.clone() };
            view! {
                <tr>
                    <th>{key.key.clone()}<span class="hint">{format!(" {scope}")}</span></th>
                    <td class="mono">{text}</td>
                    <td class="nowrap">
                        <button type="button" class="link" title="Filter for this value" aria-label=format!("Filter in {}", key.key)
                            on:click=move |_| add_filter(ctx, k_in.clone(), "=", v_in.clone())>"⊕"</button>
                        <button type="button" class="link" title="Filter out this value" aria-label=format!("Filter out {}", key.key)
                            on:click=move |_| add_filter(ctx, k_out.clone(), "!=", v_out.clone())>"⊖"</button>
                        <button type="button" class="link" title="Copy value" on:click=move |_| copy(t_copy.clone())>"copy"</button>
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <aside class="drawer" role="dialog" aria-label="Log details">
            <div class="toolbar">
                <h2>"Log details"</h2>
                <div class="tabs" role="tablist">
                    <button role="tab" aria-selected=move || (tab.get() == 0).to_string() on:click=move |_| tab.set(0)>"Overview"</button>
                    <button role="tab" aria-selected=move || (tab.get() == 1).to_string() on:click=move |_| tab.set(1)>"JSON"</button>
                    <button role="tab" aria-selected=move || (tab.get() == 2).to_string() on:click=move |_| tab.set(2)>"Context"</button>
                </div>
                <span class="grow"></span>
                <button type="button" on:click=move |_| copy(json_copy.clone())>"Copy JSON"</button>
                <button type="button" aria-label="Close" on:click=move |_| selected.set(None)>"✕"</button>
            </div>
            <p class="log-body">{row.text("body")}</p>
            <div hidden=move || tab.get() != 0>
                <table class="kv fields"><tbody>{fields}</tbody></table>
            </div>
            <pre class="json" hidden=move || tab.get() != 1>{json_text}</pre>
            {move || (tab.get() == 2).then(|| context_view(ctx_row.clone()))}
        </aside>
    }
    .into_any()
}
