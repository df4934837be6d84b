//! The logs list of the explorer and its detail drawer: field table and
//! JSON view, copy, and filter-in / filter-out, which edit the explorer's
//! query builder and run it.

use crate::app::state::with_range;
use crate::model::{value_text, ListRow};
use crate::query_builder::composite::{FilterItem, Query};
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

pub fn log_rows(rows: Vec<ListRow>, url: &UrlQuery) -> AnyView {
    let rows = Arc::new(rows);
    let selected = RwSignal::new(None::<usize>);
    let url = url.clone();
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
            view! {
                <tr class="clickable" class:selected=move || selected.get() == Some(i) on:click=move |_| selected.set(Some(i))>
                    <td class="mono nowrap">{log_time(r)}</td>
                    <td><span class=format!("sev sev-{}", sev.to_lowercase())>{sev.clone()}</span></td>
                    <td class="log-body">{r.text("body")}</td>
                    <td>{trace}</td>
                </tr>
            }
        })
        .collect_view();
    let drawer_rows = rows.clone();
    view! {
        <table class="data logs">
            <thead><tr><th>"Time (UTC)"</th><th>"Severity"</th><th>"Body"</th><th>"Trace"</th></tr></thead>
            <tbody>{table_rows}</tbody>
        </table>
        {move || selected.get().and_then(|i| drawer_rows.get(i).cloned()).map(|r| drawer(r, selected))}
    }
    .into_any()
}

fn drawer(row: ListRow, selected: RwSignal<Option<usize>>) -> AnyView {
    let ctx = use_context::<ExplorerDraft>();
    let json_tab = RwSignal::new(false);
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
                    <button role="tab" aria-selected=move || (!json_tab.get()).to_string() on:click=move |_| json_tab.set(false)>"Overview"</button>
                    <button role="tab" aria-selected=move || json_tab.get().to_string() on:click=move |_| json_tab.set(true)>"JSON"</button>
                </div>
                <span class="grow"></span>
                <button type="button" on:click=move |_| copy(json_copy.clone())>"Copy JSON"</button>
                <button type="button" aria-label="Close" on:click=move |_| selected.set(None)>"✕"</button>
            </div>
            <p class="log-body">{row.text("body")}</p>
            <div hidden=move || json_tab.get()>
                <table class="kv fields"><tbody>{fields}</tbody></table>
            </div>
            <pre class="json" hidden=move || !json_tab.get()>{json_text}</pre>
        </aside>
    }
    .into_any()
}
