//! Browser (RUM) page: page loads by route (p75 load time and count of
//! `documentLoad` spans), slowest resources (`resourceFetch`), interactions
//! with the most errors — all `query_range` table queries over traces.

use crate::app::api;
use crate::app::components::resource_view;
use crate::app::state::use_time_window;
use crate::format::{compact, duration_ns};
use crate::model::QueryRangeData;
use leptos::prelude::*;
use std::collections::BTreeMap;

/// `label → value` of the one-point-per-group series of query `name`.
fn table_column(data: &QueryRangeData, name: &str) -> BTreeMap<String, f64> {
    data.result
        .iter()
        .filter(|r| r.query_name == name)
        .flat_map(|r| r.series.iter())
        .map(|s| {
            let label = s.labels.values().next().cloned().unwrap_or_default();
            let v = s.values.iter().rev().map(|p| p.value).find(|v| v.is_finite()).unwrap_or(f64::NAN);
            (label, v)
        })
        .collect()
}

#[component]
pub fn BrowserPage() -> impl IntoView {
    let window = use_time_window();
    let queries = move || {
        let (s, e) = window.get();
        crate::query_builder::rum_queries(s, e).into_iter().map(|(_, q)| q).collect::<Vec<_>>()
    };
    let loads = LocalResource::new(move || {
        let q = queries().swap_remove(0);
        async move { api::query_range(&q).await }
    });
    let resources = LocalResource::new(move || {
        let q = queries().swap_remove(1);
        async move { api::query_range(&q).await }
    });
    let interactions = LocalResource::new(move || {
        let q = queries().swap_remove(2);
        async move { api::query_range(&q).await }
    });
    view! {
        <section>
            <div class="toolbar"><h1>"Browser"</h1></div>
            <h2>"Page loads by route"</h2>
            {resource_view(loads, |d: QueryRangeData| {
                let p75 = table_column(&d, "A");
                let count = table_column(&d, "B");
                let mut rows: Vec<_> = p75.into_iter().collect();
                rows.sort_by(|a, b| b.1.total_cmp(&a.1));
                if rows.is_empty() {
                    return view! { <p class="empty">"No page loads (documentLoad spans) in this time range."</p> }.into_any();
                }
                view! {
                    <table class="data"><thead><tr><th>"Page"</th><th>"p75 load time"</th><th>"Loads"</th></tr></thead>
                    <tbody>{rows.into_iter().map(|(url, v)| view! {
                        <tr><td class="clip">{url.clone()}</td><td class="num">{duration_ns(v)}</td>
                        <td class="num">{compact(count.get(&url).copied().unwrap_or(f64::NAN))}</td></tr>
                    }).collect_view()}</tbody></table>
                }.into_any()
            })}
            <h2>"Slowest resources"</h2>
            {resource_view(resources, |d: QueryRangeData| {
                let mut rows: Vec<_> = table_column(&d, "A").into_iter().collect();
                rows.sort_by(|a, b| b.1.total_cmp(&a.1));
                rows.truncate(20);
                if rows.is_empty() {
                    return view! { <p class="empty">"No resource loads (resourceFetch spans) in this time range."</p> }.into_any();
                }
                view! {
                    <table class="data"><thead><tr><th>"Resource"</th><th>"p75 duration"</th></tr></thead>
                    <tbody>{rows.into_iter().map(|(url, v)| view! {
                        <tr><td class="clip">{url}</td><td class="num">{duration_ns(v)}</td></tr>
                    }).collect_view()}</tbody></table>
                }.into_any()
            })}
            <h2>"Interactions with the most errors"</h2>
            {resource_view(interactions, |d: QueryRangeData| {
                let errors = table_column(&d, "A");
                let total = table_column(&d, "B");
                let mut rows: Vec<_> = total.into_iter().map(|(k, n)| { let e = errors.get(&k).copied().unwrap_or(0.0); (k, e, n) }).collect();
                rows.sort_by(|a, b| b.1.total_cmp(&a.1).then(b.2.total_cmp(&a.2)));
                if rows.is_empty() {
                    return view! { <p class="empty">"No user interactions in this time range."</p> }.into_any();
                }
                view! {
                    <table class="data"><thead><tr><th>"Interaction"</th><th>"Errors"</th><th>"Count"</th></tr></thead>
                    <tbody>{rows.into_iter().map(|(k, e, n)| view! {
                        <tr><td>{k}</td><td class="num">{compact(e)}</td><td class="num">{compact(n)}</td></tr>
                    }).collect_view()}</tbody></table>
                }.into_any()
            })}
            <h2>"Web vitals"</h2>
            <p class="empty">"Web vitals appear here once the SDK reports them."</p>
        </section>
    }
}
