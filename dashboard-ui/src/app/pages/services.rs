//! Services table (`POST /api/v1/services`); the detail page is `service_detail`.

use crate::app::api;
use crate::app::components::resource_filter::{use_resource_tags, ResourceFilter};
use crate::app::components::resource_view;
use crate::app::state::{use_set_query, use_time_window, use_url_query, with_range};
use crate::format::{duration_ns, percent, rate};
use crate::model::{QueryRangeData, ServiceItem};
use crate::url_state::{encode, Query};
use leptos::prelude::*;

const COLUMNS: [(&str, &str); 5] = [
    ("name", "Service"),
    ("p99", "P99 latency"),
    ("avg", "Avg latency"),
    ("rate", "Ops / s"),
    ("errors", "Error %"),
];

fn sort_services(rows: &mut [ServiceItem], key: &str, desc: bool) {
    rows.sort_by(|a, b| {
        let o = match key {
            "name" => a.service_name.cmp(&b.service_name),
            "avg" => a.avg_duration.total_cmp(&b.avg_duration),
            "rate" => a.call_rate.total_cmp(&b.call_rate),
            "errors" => a.error_rate.total_cmp(&b.error_rate),
            _ => a.p99.total_cmp(&b.p99),
        };
        if desc {
            o.reverse()
        } else {
            o
        }
    });
}

#[component]
pub fn ServicesPage() -> impl IntoView {
    let window = use_time_window();
    let q = use_url_query();
    let set_query = use_set_query();
    let tags = use_resource_tags();
    let services = LocalResource::new(move || {
        let (s, e) = window.get();
        let tags = tags.get();
        async move { api::services(s, e, &tags).await }
    });
    let search = Memo::new(move |_| q.get().get("q").cloned().unwrap_or_default());
    let sort = Memo::new(move |_| q.get().get("sort").cloned().unwrap_or_else(|| "p99".into()));
    let desc = Memo::new(move |_| q.get().get("dir").map(|d| d != "asc").unwrap_or(true));
    let sq = set_query.clone();
    let on_search = move |ev: leptos::ev::Event| {
        let v = event_target_value(&ev);
        sq(Box::new(move |q: &mut Query| {
            q.insert("q".into(), v);
        }));
    };
    let header = move |key: &'static str, label: &'static str| {
        let set_query = set_query.clone();
        let click = move |_| {
            let now_desc = if sort.get_untracked() == key {
                !desc.get_untracked()
            } else {
                key != "name"
            };
            set_query(Box::new(move |q: &mut Query| {
                q.insert("sort".into(), key.into());
                q.insert(
                    "dir".into(),
                    if now_desc {
                        "desc".into()
                    } else {
                        "asc".into()
                    },
                );
            }));
        };
        let arrow = move || {
            if sort.get() == key {
                if desc.get() {
                    " ▼"
                } else {
                    " ▲"
                }
            } else {
                ""
            }
        };
        let aria = move || {
            if sort.get() == key {
                if desc.get() {
                    "descending"
                } else {
                    "ascending"
                }
            } else {
                "none"
            }
        };
        view! { <th aria-sort=aria><button class="link" on:click=click>{label}{arrow}</button></th> }
    };
    let headers = COLUMNS.iter().map(|(k, l)| header(k, l)).collect_view();
    view! {
        <section>
            <div class="toolbar">
                <h1>"Services"</h1>
                <input type="search" placeholder="Search services" aria-label="Search services"
                    prop:value=move || search.get() on:input=on_search/>
            </div>
            <ResourceFilter/>
            <table class="data">
                <thead><tr>{headers}</tr></thead>
                <tbody>
                    {resource_view(services, move |list: Vec<ServiceItem>| {
                        let needle = search.get().to_lowercase();
                        let mut rows: Vec<ServiceItem> =
                            list.into_iter().filter(|s| s.service_name.to_lowercase().contains(&needle)).collect();
                        sort_services(&mut rows, &sort.get(), desc.get());
                        if rows.is_empty() {
                            return view! { <tr><td colspan="5" class="empty">"No services in this time range."</td></tr> }
                                .into_any();
                        }
                        rows.into_iter()
                            .map(|s| {
                                let href = with_range(&format!("/services/{}", encode(&s.service_name)), &q.get_untracked());
                                view! {
                                    <tr>
                                        <td><a href=href>{s.service_name.clone()}</a></td>
                                        <td class="num">{duration_ns(s.p99)}</td>
                                        <td class="num">{duration_ns(s.avg_duration)}</td>
                                        <td class="num">{rate(s.call_rate)}</td>
                                        <td class="num" class:bad={s.error_rate > 5.0}>{percent(s.error_rate)}</td>
                                    </tr>
                                }
                            })
                            .collect_view()
                            .into_any()
                    })}
                </tbody>
            </table>
        </section>
    }
}

/// The first series of query `name` as chart points.
pub fn series_points(data: &QueryRangeData, name: &str) -> Vec<(f64, f64)> {
    data.result
        .iter()
        .find(|r| r.query_name == name)
        .and_then(|r| r.series().first())
        .map(|s| {
            s.values
                .iter()
                .map(|p| (p.timestamp as f64, p.value))
                .collect()
        })
        .unwrap_or_default()
}
