//! Logs explorer: `v3/query_range` logs list with filters in the URL,
//! expandable attributes and a link to the trace.

use crate::app::api;
use crate::app::components::{pager, resource_view, text_field};
use crate::app::state::{use_set_query, use_time_window, use_url_query, with_range};
use crate::model::{value_text, ListRow, QueryRangeData};
use crate::url_state::{format_attrs, parse_attrs, LogFilters, Query};
use leptos::prelude::*;
use serde_json::Value;

const PAGE_SIZE: u32 = 100;

/// Every attribute map of a log row as sorted `(key, value)` text pairs.
fn log_attributes(row: &ListRow) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (col, v) in &row.data {
        if col.starts_with("attributes_") || col.starts_with("resources_") {
            if let Value::Object(m) = v {
                out.extend(m.iter().map(|(k, v)| (k.clone(), value_text(v))));
            }
        }
    }
    out.sort();
    out
}

/// Log timestamps: RFC3339 text, or ns numbers in some replies.
fn log_time(row: &ListRow) -> String {
    if !row.timestamp.is_empty() && !row.timestamp.starts_with("0001") {
        return super::traces::short_time(&row.timestamp);
    }
    let ns = row.number("timestamp");
    crate::format::datetime_ms(ns / 1e6, 0)
}

#[component]
pub fn LogsPage() -> impl IntoView {
    let q = use_url_query();
    let set_query = use_set_query();
    let window = use_time_window();
    let filters = Memo::new(move |_| LogFilters::from_query(&q.get()));
    let service = RwSignal::new(String::new());
    let severity = RwSignal::new(String::new());
    let body = RwSignal::new(String::new());
    let trace = RwSignal::new(String::new());
    let attrs = RwSignal::new(String::new());
    Effect::new(move |_| {
        let f = filters.get();
        service.set(f.service.clone());
        severity.set(f.severity.clone());
        body.set(f.body.clone());
        trace.set(f.trace_id.clone());
        attrs.set(format_attrs(&f.attrs));
    });
    let results = LocalResource::new(move || {
        let f = filters.get();
        let (s, e) = window.get();
        async move { api::query_range(&crate::query_builder::logs_list(&f, s, e, PAGE_SIZE)).await }
    });
    let sq = set_query.clone();
    let apply = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let f = LogFilters {
            service: service.get_untracked().trim().into(),
            severity: severity.get_untracked(),
            body: body.get_untracked(),
            trace_id: trace.get_untracked().trim().into(),
            attrs: parse_attrs(&attrs.get_untracked()),
            page: 0,
        };
        sq(Box::new(move |q: &mut Query| f.write(q)));
    };
    let go_page = move |delta: i32| {
        let mut f = filters.get_untracked();
        f.page = (f.page as i32 + delta).max(0) as u32;
        set_query(Box::new(move |q: &mut Query| f.write(q)));
    };
    view! {
        <section>
            <div class="toolbar"><h1>"Logs"</h1></div>
            <form class="filters" on:submit=apply>
                {text_field("Service", service, "any")}
                <label>"Severity"
                    <select prop:value=move || severity.get() on:change=move |ev| severity.set(event_target_value(&ev))>
                        <option value="">"All"</option>
                        {["TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"].map(|s| view! { <option value=s>{s}</option> })}
                    </select>
                </label>
                {text_field("Body contains", body, "text")}
                {text_field("Trace ID", trace, "")}
                {text_field("Attributes", attrs, "key=value")}
                <button type="submit">"Apply"</button>
            </form>
            {resource_view(results, move |data: QueryRangeData| {
                let rows = data.result.into_iter().next().map(|r| r.list.unwrap_or_default()).unwrap_or_default();
                if rows.is_empty() {
                    return view! { <p class="empty">"No logs match these filters in this time range."</p> }.into_any();
                }
                let range_q = q.get_untracked();
                view! {
                    <table class="data logs">
                        <thead><tr><th>"Time (UTC)"</th><th>"Severity"</th><th>"Body"</th><th>"Trace"</th></tr></thead>
                        <tbody>
                            {rows.into_iter().map(|r| {
                                let sev = r.text("severity_text");
                                let trace_id = r.text("trace_id");
                                let attrs = log_attributes(&r);
                                let trace_link = (!trace_id.is_empty()).then(|| {
                                    let mut href = with_range(&format!("/trace/{trace_id}"), &range_q);
                                    let span = r.text("span_id");
                                    if !span.is_empty() { href.push_str(&format!("&span={span}")); }
                                    view! { <a class="mono" href=href>{trace_id.chars().take(12).collect::<String>()}</a> }
                                });
                                view! {
                                    <tr>
                                        <td class="mono nowrap">{log_time(&r)}</td>
                                        <td><span class=format!("sev sev-{}", sev.to_lowercase())>{sev.clone()}</span></td>
                                        <td>
                                            <details>
                                                <summary class="log-body">{r.text("body")}</summary>
                                                <table class="kv"><tbody>
                                                    {attrs.into_iter().map(|(k, v)| view! { <tr><th>{k}</th><td>{v}</td></tr> }).collect_view()}
                                                </tbody></table>
                                            </details>
                                        </td>
                                        <td>{trace_link}</td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            })}
            {pager(move || filters.get().page, go_page, "← Newer", "Older →")}
        </section>
    }
}
