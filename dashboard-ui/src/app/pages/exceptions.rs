//! Exceptions list (`listErrors`) and detail (`errorFromGroupID`).

use crate::app::api;
use crate::app::components::resource_view;
use crate::app::state::{use_time_window, use_url_query, with_range};
use crate::model::{ErrorDetail, ErrorGroup};
use crate::url_state::encode;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

/// RFC3339 → epoch ns string (what errorFromGroupID takes); "" if unparsable.
fn rfc3339_to_ns(s: &str) -> String {
    let ms = js_sys::Date::parse(s);
    if ms.is_finite() {
        format!("{}", (ms as i128) * 1_000_000)
    } else {
        String::new()
    }
}

#[component]
pub fn ExceptionsPage() -> impl IntoView {
    let window = use_time_window();
    let q = use_url_query();
    let list = LocalResource::new(move || {
        let (s, e) = window.get();
        async move { api::list_errors(s, e, 100, 0).await }
    });
    view! {
        <section>
            <div class="toolbar"><h1>"Exceptions"</h1></div>
            <table class="data">
                <thead><tr><th>"Exception"</th><th>"Message"</th><th>"Service"</th><th>"Count"</th><th>"Last seen"</th><th>"First seen"</th></tr></thead>
                <tbody>
                    {resource_view(list, move |groups: Vec<ErrorGroup>| {
                        if groups.is_empty() {
                            return view! { <tr><td colspan="6" class="empty">"No exceptions in this time range."</td></tr> }.into_any();
                        }
                        let range_q = q.get_untracked();
                        groups.into_iter().map(|g| {
                            let href = format!("{}&ts={}", with_range(&format!("/exceptions/{}", encode(&g.group_id)), &range_q), rfc3339_to_ns(&g.last_seen));
                            view! {
                                <tr>
                                    <td><a href=href>{g.exception_type.clone()}</a></td>
                                    <td class="clip">{g.exception_message.clone()}</td>
                                    <td>{g.service_name.clone()}</td>
                                    <td class="num">{g.exception_count}</td>
                                    <td class="nowrap">{super::traces::short_time(&g.last_seen)}</td>
                                    <td class="nowrap">{super::traces::short_time(&g.first_seen)}</td>
                                </tr>
                            }
                        }).collect_view().into_any()
                    })}
                </tbody>
            </table>
        </section>
    }
}

#[component]
pub fn ExceptionDetailPage() -> impl IntoView {
    let params = use_params_map();
    let q = use_url_query();
    let group = Memo::new(move |_| params.get().get("group").unwrap_or_default());
    let detail = LocalResource::new(move || {
        let g = group.get();
        let ts = q.get().get("ts").cloned().unwrap_or_default();
        async move { api::error_from_group(&g, &ts).await }
    });
    view! {
        <section>
            {resource_view(detail, move |e: ErrorDetail| {
                let trace_href = format!("{}&span={}", with_range(&format!("/trace/{}", e.trace_id), &q.get_untracked()), e.span_id);
                view! {
                    <div class="toolbar"><h1>{e.exception_type.clone()}</h1></div>
                    <p class="message">{e.exception_message.clone()}</p>
                    <dl class="facts">
                        <dt>"Service"</dt><dd>{e.service_name.clone()}</dd>
                        <dt>"Time"</dt><dd>{e.timestamp.clone()}</dd>
                        <dt>"Escaped"</dt><dd>{e.exception_escaped.to_string()}</dd>
                        <dt>"Error ID"</dt><dd class="mono">{e.error_id.clone()}</dd>
                        <dt>"Trace"</dt><dd><a class="mono" href=trace_href>{e.trace_id.clone()}</a></dd>
                    </dl>
                    <h2>"Stack trace"</h2>
                    <pre class="stack">{e.exception_stacktrace.clone()}</pre>
                }
            })}
        </section>
    }
}
