//! Browser (RUM) page: web vitals (p75 and rating shares, overall and by
//! route), top browser errors, sessions and route changes, page loads by route
//! (p75 load time and count of `documentLoad` spans), slowest resources
//! (`resourceFetch`), interactions with the most errors. All `query_range`
//! queries (`query_builder::rum_queries`); the joins live in `crate::rum`.

use crate::app::api;
use crate::app::components::resource_view;
use crate::app::state::{use_time_window, use_url_query, with_range};
use crate::format::{compact, duration_ns, percent};
use crate::model::QueryRangeData;
use crate::rum::{error_rows, grouped, rating, single, vital_rows, vital_text, VitalRow, RATINGS};
use leptos::prelude::*;
use std::collections::BTreeMap;

/// `label → value` of the one-point-per-group series of query `name`.
fn table_column(data: &QueryRangeData, name: &str) -> BTreeMap<String, f64> {
    data.result
        .iter()
        .filter(|r| r.query_name == name)
        .flat_map(|r| r.series().iter())
        .map(|s| {
            let label = s.labels.values().next().cloned().unwrap_or_default();
            let v = s
                .values
                .iter()
                .rev()
                .map(|p| p.value)
                .find(|v| v.is_finite())
                .unwrap_or(f64::NAN);
            (label, v)
        })
        .collect()
}

#[component]
pub fn BrowserPage() -> impl IntoView {
    let window = use_time_window();
    // One request per named query of `rum_queries`, refetched with the time window.
    let fetch = move |name: &'static str| {
        LocalResource::new(move || {
            let (s, e) = window.get();
            let q = crate::query_builder::rum_queries(s, e)
                .into_iter()
                .find(|(n, _)| *n == name)
                .map(|(_, q)| q);
            async move { api::query_range(&q.unwrap_or_default()).await }
        })
    };
    let loads = fetch("pageLoads");
    let resources = fetch("resources");
    let interactions = fetch("interactions");
    let vitals = fetch("vitals");
    let error_counts = fetch("errorCounts");
    let recent_errors = fetch("recentErrors");
    let sessions = fetch("sessions");
    let range_q = use_url_query();
    view! {
        <section>
            <div class="toolbar"><h1>"Browser"</h1></div>
            <h2>"Web vitals (p75)"</h2>
            {resource_view(vitals, |d: QueryRangeData| {
                let overall = vital_rows(&grouped(&d, "A"), &grouped(&d, "B"), false);
                let by_route = vital_rows(&grouped(&d, "C"), &grouped(&d, "D"), true);
                if overall.is_empty() {
                    return view! { <p class="empty">"No web vitals (browser.web_vital log records) in this time range."</p> }.into_any();
                }
                view! {
                    <div class="vitals">{overall.into_iter().map(|r| vital_card(&r)).collect_view()}</div>
                    <h3>"By route"</h3>
                    <table class="data"><thead><tr><th>"Route"</th><th>"Vital"</th><th>"p75"</th>
                        <th>"Good"</th><th>"Needs improvement"</th><th>"Poor"</th><th>"Reports"</th></tr></thead>
                    <tbody>{by_route.into_iter().map(|r| {
                        let [g, n, p] = r.shares();
                        view! {
                            <tr><td class="clip">{r.route.clone()}</td><td>{r.vital.clone()}</td>
                            <td class=format!("num rating-{}", rating(&r.vital, r.p75))>{vital_text(&r.vital, r.p75)}</td>
                            <td class="num">{percent(g)}</td><td class="num">{percent(n)}</td><td class="num">{percent(p)}</td>
                            <td class="num">{compact(r.total())}</td></tr>
                        }
                    }).collect_view()}</tbody></table>
                }.into_any()
            })}
            <h2>"Top errors"</h2>
            {resource_view(error_counts, move |counts: QueryRangeData| {
                let counts = grouped(&counts, "A");
                view! {
                    {resource_view(recent_errors, move |recent: QueryRangeData| {
                        let list = recent.result.into_iter().next().map(|r| r.list.unwrap_or_default()).unwrap_or_default();
                        let rows = error_rows(&counts, &list, 20);
                        if rows.is_empty() {
                            return view! { <p class="empty">"No browser errors (browser.error log records) in this time range."</p> }.into_any();
                        }
                        let range_q = range_q.get_untracked();
                        view! {
                            <table class="data"><thead><tr><th>"Message"</th><th>"Count"</th><th>"Last seen (UTC)"</th><th>"Trace"</th></tr></thead>
                            <tbody>{rows.into_iter().map(|r| {
                                let link = (!r.trace_id.is_empty()).then(|| {
                                    let mut href = with_range(&format!("/trace/{}", r.trace_id), &range_q);
                                    if !r.span_id.is_empty() { href.push_str(&format!("&span={}", r.span_id)); }
                                    view! { <a class="mono" href=href>{r.trace_id.chars().take(12).collect::<String>()}</a> }
                                });
                                view! {
                                    <tr><td class="clip">{r.message.clone()}</td><td class="num">{compact(r.count)}</td>
                                    <td class="mono nowrap">{super::traces::short_time(&r.last_seen)}</td><td>{link}</td></tr>
                                }
                            }).collect_view()}</tbody></table>
                        }.into_any()
                    })}
                }.into_any()
            })}
            <h2>"Sessions and route changes"</h2>
            {resource_view(sessions, |d: QueryRangeData| {
                let n = single(&d, "A");
                let mut routes = grouped(&d, "B");
                routes.sort_by(|a, b| b.1.total_cmp(&a.1));
                view! {
                    <p class="stat">"Sessions: "<strong>{compact(if n.is_finite() { n } else { 0.0 })}</strong></p>
                    {if routes.is_empty() {
                        view! { <p class="empty">"No route changes (routeChange spans) in this time range."</p> }.into_any()
                    } else {
                        view! {
                            <table class="data"><thead><tr><th>"Route"</th><th>"Route changes"</th></tr></thead>
                            <tbody>{routes.into_iter().map(|(l, v)| view! {
                                <tr><td class="clip">{l.get("page.route").cloned().unwrap_or_default()}</td><td class="num">{compact(v)}</td></tr>
                            }).collect_view()}</tbody></table>
                        }.into_any()
                    }}
                }.into_any()
            })}
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
        </section>
    }
}

/// One vital: p75 in its rating colour and a good / needs-improvement / poor bar.
fn vital_card(r: &VitalRow) -> impl IntoView {
    let shares = r.shares();
    let rated = rating(&r.vital, r.p75);
    view! {
        <div class="vital">
            <div class="vital-name">{r.vital.clone()}</div>
            <div class=format!("vital-p75 rating-{rated}")>{vital_text(&r.vital, r.p75)}</div>
            <div class="vital-bar">{RATINGS.iter().zip(shares).map(|(name, v)| view! {
                <span class=format!("rating-bg-{name}") style=format!("width:{v:.1}%") title=format!("{name} {}", percent(v))></span>
            }).collect_view()}</div>
            <div class="vital-shares">{RATINGS.iter().zip(shares).map(|(name, v)| view! {
                <span class=format!("rating-{name}")>{format!("{} {}", short_rating(name), percent(v))}</span>
            }).collect_view()}</div>
        </div>
    }
}

fn short_rating(r: &str) -> &'static str {
    match r {
        "good" => "good",
        "needs-improvement" => "needs impr.",
        _ => "poor",
    }
}
