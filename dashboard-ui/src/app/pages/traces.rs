//! Traces explorer: filters in the URL, span-list and per-trace views, paging.

use crate::app::api;
use crate::app::components::{pager, resource_view, text_field};
use crate::app::state::{use_set_query, use_time_window, use_url_query, with_range};
use crate::format::duration_ns;
use crate::model::QueryRangeData;
use crate::url_state::{format_attrs, parse_attrs, Query, TraceFilters};
use leptos::prelude::*;

pub const PAGE_SIZE: u32 = 50;

/// "YYYY-MM-DDTHH:MM:SS.sssZ" → "YYYY-MM-DD HH:MM:SS" for display.
pub fn short_time(rfc3339: &str) -> String {
    let s = rfc3339.replace('T', " ");
    s.chars().take(19).collect()
}

#[component]
pub fn TracesPage() -> impl IntoView {
    let q = use_url_query();
    let set_query = use_set_query();
    let window = use_time_window();
    let filters = Memo::new(move |_| TraceFilters::from_query(&q.get()));
    // Form fields: edited locally, applied to the URL on submit.
    let service = RwSignal::new(String::new());
    let operation = RwSignal::new(String::new());
    let status = RwSignal::new(String::new());
    let min_ms = RwSignal::new(String::new());
    let max_ms = RwSignal::new(String::new());
    let attrs = RwSignal::new(String::new());
    Effect::new(move |_| {
        let f = filters.get();
        service.set(f.service.clone());
        operation.set(f.operation.clone());
        status.set(f.status.clone());
        min_ms.set(f.min_ms.map(|v| v.to_string()).unwrap_or_default());
        max_ms.set(f.max_ms.map(|v| v.to_string()).unwrap_or_default());
        attrs.set(format_attrs(&f.attrs));
    });
    let results = LocalResource::new(move || {
        let f = filters.get();
        let (s, e) = window.get();
        async move {
            let body = crate::query_builder::traces_explorer(&f, s, e, PAGE_SIZE);
            api::query_range(&body).await
        }
    });
    let sq = set_query.clone();
    let apply = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let f = TraceFilters {
            service: service.get_untracked().trim().to_string(),
            operation: operation.get_untracked().trim().to_string(),
            status: status.get_untracked(),
            min_ms: min_ms.get_untracked().trim().parse().ok(),
            max_ms: max_ms.get_untracked().trim().parse().ok(),
            attrs: parse_attrs(&attrs.get_untracked()),
            view_traces: filters.get_untracked().view_traces,
            page: 0,
        };
        sq(Box::new(move |q: &mut Query| f.write(q)));
    };
    let sq = set_query.clone();
    let set_view = move |traces: bool| {
        let mut f = filters.get_untracked();
        f.view_traces = traces;
        f.page = 0;
        sq(Box::new(move |q: &mut Query| f.write(q)));
    };
    let set_view2 = set_view.clone();
    let sq = set_query.clone();
    let go_page = move |delta: i32| {
        let mut f = filters.get_untracked();
        f.page = (f.page as i32 + delta).max(0) as u32;
        sq(Box::new(move |q: &mut Query| f.write(q)));
    };
    view! {
        <section>
            <div class="toolbar">
                <h1>"Traces"</h1>
                <div class="tabs" role="tablist">
                    <button role="tab" aria-selected=move || (!filters.get().view_traces).to_string()
                        on:click=move |_| set_view(false)>"Spans"</button>
                    <button role="tab" aria-selected=move || filters.get().view_traces.to_string()
                        on:click=move |_| set_view2(true)>"Traces"</button>
                </div>
            </div>
            <form class="filters" on:submit=apply>
                {text_field("Service", service, "any")}
                {text_field("Operation", operation, "any")}
                <label>"Status"
                    <select prop:value=move || status.get() on:change=move |ev| status.set(event_target_value(&ev))>
                        <option value="">"All"</option>
                        <option value="error">"Error"</option>
                        <option value="ok">"OK"</option>
                    </select>
                </label>
                {text_field("Min ms", min_ms, "0")}
                {text_field("Max ms", max_ms, "∞")}
                {text_field("Attributes", attrs, "key=value;key2=value2")}
                <button type="submit">"Apply"</button>
            </form>
            {resource_view(results, move |data: QueryRangeData| {
                let rows = data.result.into_iter().next().map(|r| r.list.unwrap_or_default()).unwrap_or_default();
                let traces_view = filters.get_untracked().view_traces;
                let range_q = q.get_untracked();
                if rows.is_empty() {
                    return view! { <p class="empty">"No spans match these filters in this time range."</p> }.into_any();
                }
                let body = rows.into_iter().map(|r| {
                    let trace_id = r.text("traceID");
                    if traces_view {
                        let href = with_range(&format!("/trace/{trace_id}"), &range_q);
                        view! {
                            <tr>
                                <td><a class="mono" href=href>{trace_id.clone()}</a></td>
                                <td>{r.text("subQuery.serviceName")}</td>
                                <td>{r.text("subQuery.name")}</td>
                                <td class="num">{r.text("span_count")}</td>
                                <td class="num">{duration_ns(r.number("subQuery.durationNano"))}</td>
                            </tr>
                        }.into_any()
                    } else {
                        let href = format!("{}&span={}", with_range(&format!("/trace/{trace_id}"), &range_q), r.text("spanID"));
                        let err = r.data.get("hasError").and_then(|v| v.as_bool()).unwrap_or(false);
                        view! {
                            <tr>
                                <td class="mono">{short_time(&r.timestamp)}</td>
                                <td>{r.text("serviceName")}</td>
                                <td><a href=href>{r.text("name")}</a></td>
                                <td class="num">{duration_ns(r.number("durationNano"))}</td>
                                <td>{if err { view! { <span class="badge err">"error"</span> }.into_any() } else { view! { <span class="badge ok">"ok"</span> }.into_any() }}</td>
                                <td class="mono">{trace_id.chars().take(16).collect::<String>()}</td>
                            </tr>
                        }.into_any()
                    }
                }).collect_view();
                let head = if traces_view {
                    view! { <tr><th>"Trace ID"</th><th>"Root service"</th><th>"Root operation"</th><th>"Spans"</th><th>"Duration"</th></tr> }.into_any()
                } else {
                    view! { <tr><th>"Time (UTC)"</th><th>"Service"</th><th>"Operation"</th><th>"Duration"</th><th>"Status"</th><th>"Trace"</th></tr> }.into_any()
                };
                view! { <table class="data"><thead>{head}</thead><tbody>{body}</tbody></table> }.into_any()
            })}
            {pager(move || filters.get().page, go_page, "← Previous", "Next →")}
        </section>
    }
}
