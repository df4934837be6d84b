//! Exceptions: the list (`listErrors` paged by `countErrors`, sorted by any
//! column, filtered by type and service; state in the URL as SigNoz keeps it)
//! and one occurrence (`errorFromGroupID` / `errorFromErrorID`, older / newer
//! through `nextPrevErrorIDs`), also on SigNoz's `/error-detail?groupId=&timestamp=`.

use crate::app::api;
use crate::app::components::resource_view;
use crate::app::state::{use_set_query, use_time_window, use_url_query, with_range};
use crate::model::{value_text, ErrorDetail, ErrorGroup};
use crate::url_state::encode;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use serde_json::json;

const PAGE: u32 = 25;

/// `(orderParam, column title)`.
const COLUMNS: [(&str, &str); 6] = [
    ("exceptionType", "Exception"),
    ("exceptionMessage", "Message"),
    ("serviceName", "Service"),
    ("exceptionCount", "Count"),
    ("lastSeen", "Last seen"),
    ("firstSeen", "First seen"),
];

/// RFC3339 → epoch ns string (what errorFromGroupID takes); "" if unparsable.
fn rfc3339_to_ns(s: &str) -> String {
    let ms = js_sys::Date::parse(s);
    if ms.is_finite() {
        format!("{}", (ms as i128) * 1_000_000)
    } else {
        String::new()
    }
}

fn detail_href(group: &str, ts_ns: &str, error_id: &str) -> String {
    let mut h = format!(
        "/error-detail?groupId={}&timestamp={}",
        encode(group),
        encode(ts_ns)
    );
    if !error_id.is_empty() {
        h.push_str(&format!("&errorId={}", encode(error_id)));
    }
    h
}

#[component]
pub fn ExceptionsPage() -> impl IntoView {
    let window = use_time_window();
    let q = use_url_query();
    let set_query = use_set_query();
    let param = move |k: &str, d: &str| q.with(|u| u.get(k).cloned().unwrap_or_else(|| d.into()));
    let state = Memo::new(move |_| {
        (
            param("orderParam", "lastSeen"),
            param("order", "descending"),
            param("exceptionType", ""),
            param("serviceName", ""),
            param("page", "0").parse::<u32>().unwrap_or(0),
        )
    });
    let list = LocalResource::new(move || {
        let (s, e) = window.get();
        let (by, order, kind, service, page) = state.get();
        let body = json!({"start": format!("{}", s as i128 * 1_000_000), "end": format!("{}", e as i128 * 1_000_000),
            "limit": PAGE, "offset": page * PAGE, "order": order, "orderParam": by,
            "serviceName": service, "exceptionType": kind, "tags": []});
        async move { api::list_errors_by(&body).await }
    });
    let total = LocalResource::new(move || {
        let (s, e) = window.get();
        let (_, _, kind, service, _) = state.get();
        async move { api::count_errors(s, e, &service, &kind).await }
    });
    let set = {
        let set_query = set_query.clone();
        move |k: &'static str, v: String| {
            set_query(Box::new(move |u| {
                if v.is_empty() {
                    u.remove(k);
                } else {
                    u.insert(k.into(), v);
                }
                if k != "page" {
                    u.remove("page");
                }
            }))
        }
    };
    let headers = {
        let set = set.clone();
        COLUMNS
            .map(|(key, title)| {
                let set = set.clone();
                let arrow = move || {
                    let (by, order, ..) = state.get();
                    if by == key {
                        if order == "ascending" { " ▲" } else { " ▼" }
                    } else {
                        ""
                    }
                };
                view! {
                    <th><button class="link" on:click=move |_| {
                        let (by, order, ..) = state.get_untracked();
                        let next = if by == key && order == "descending" { "ascending" } else { "descending" };
                        let set2 = set.clone();
                        set("orderParam", key.to_string());
                        set2("order", next.to_string());
                    }>{title}{arrow}</button></th>
                }
            })
    };
    let (set_kind, set_service, set_page) = (set.clone(), set.clone(), set);
    view! {
        <section>
            <div class="toolbar"><h1>"Exceptions"</h1>
                <label>"Exception type"<input type="search" prop:value=move || state.get().2
                    on:change=move |ev| set_kind("exceptionType", event_target_value(&ev))/></label>
                <label>"Service"<input type="search" prop:value=move || state.get().3
                    on:change=move |ev| set_service("serviceName", event_target_value(&ev))/></label>
            </div>
            <table class="data">
                <thead><tr>{headers}</tr></thead>
                <tbody>
                    {resource_view(list, move |groups: Vec<ErrorGroup>| {
                        if groups.is_empty() {
                            return view! { <tr><td colspan="6" class="empty">"No exceptions in this time range."</td></tr> }.into_any();
                        }
                        groups.into_iter().map(|g| {
                            let href = detail_href(&g.group_id, &rfc3339_to_ns(&g.last_seen), "");
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
            <div class="pager">
                <button disabled=move || state.get().4 == 0 on:click={ let set = set_page.clone(); move |_| set("page", (state.get_untracked().4.saturating_sub(1)).to_string()) }>"Newer"</button>
                <span>{move || {
                    let page = state.get().4;
                    let n = total.get().and_then(Result::ok).unwrap_or(0);
                    let pages = n.div_ceil(PAGE as u64).max(1);
                    format!("Page {} of {pages} · {n} groups", page + 1)
                }}</span>
                <button disabled=move || { let n = total.get().and_then(Result::ok).unwrap_or(0); (state.get().4 as u64 + 1) * PAGE as u64 >= n }
                    on:click=move |_| set_page("page", (state.get_untracked().4 + 1).to_string())>"Older"</button>
            </div>
        </section>
    }
}

#[component]
pub fn ExceptionDetailPage() -> impl IntoView {
    let params = use_params_map();
    let q = use_url_query();
    // `/exceptions/:group?ts=` (ours) or `/error-detail?groupId=&timestamp=[&errorId=]` (SigNoz's).
    let key = Memo::new(move |_| {
        let u = q.get();
        let group = params
            .get()
            .get("group")
            .or_else(|| u.get("groupId").cloned())
            .unwrap_or_default();
        let ts = u
            .get("ts")
            .or_else(|| u.get("timestamp"))
            .cloned()
            .unwrap_or_default();
        let id = u.get("errorId").cloned().unwrap_or_default();
        (group, ts, id)
    });
    let detail = LocalResource::new(move || {
        let (g, ts, id) = key.get();
        async move {
            if id.is_empty() {
                api::error_from_group(&g, &ts).await
            } else {
                api::error_by_id(&id, &g, &ts).await
            }
        }
    });
    view! {
        <section>
            {resource_view(detail, move |e: ErrorDetail| {
                let trace_href = format!("{}&span={}", with_range(&format!("/trace/{}", e.trace_id), &q.get_untracked()), e.span_id);
                let (g, ts, id) = (e.group_id.clone(), rfc3339_to_ns(&e.timestamp), e.error_id.clone());
                let nav = LocalResource::new(move || { let (g, ts, id) = (g.clone(), ts.clone(), id.clone()); async move { api::next_prev_errors(&g, &id, &ts).await } });
                let group = e.group_id.clone();
                view! {
                    <div class="toolbar"><h1>{e.exception_type.clone()}</h1><span class="grow"></span>
                        {move || nav.get().and_then(Result::ok).map(|n| {
                            let link = |id_key: &str, ts_key: &str, label: &'static str| {
                                let id = value_text(&n[id_key]);
                                (!id.is_empty()).then(|| view! { <a class="button" href=detail_href(&group, &rfc3339_to_ns(&value_text(&n[ts_key])), &id)>{label}</a> })
                            };
                            view! { {link("prevErrorID", "prevTimestamp", "← Older")}{link("nextErrorID", "nextTimestamp", "Newer →")} }
                        })}
                    </div>
                    <p class="message">{e.exception_message.clone()}</p>
                    <dl class="facts">
                        <dt>"Service"</dt><dd>{e.service_name.clone()}</dd>
                        <dt>"Time"</dt><dd>{e.timestamp.clone()}</dd>
                        <dt>"Escaped"</dt><dd>{e.exception_escaped.to_string()}</dd>
                        <dt>"Error ID"</dt><dd class="mono">{e.error_id.clone()}</dd>
                        <dt>"Trace"</dt><dd><a class="mono" href=trace_href.clone()>{e.trace_id.clone()}</a></dd>
                    </dl>
                    <p><a class="button" href=trace_href>"See the error in the trace"</a></p>
                    <h2>"Stack trace"</h2>
                    <pre class="stack">{e.exception_stacktrace.clone()}</pre>
                }
            })}
        </section>
    }
}
