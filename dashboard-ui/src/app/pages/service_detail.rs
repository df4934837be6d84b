//! The service detail page as SigNoz v0.39 has it (`/services/:name`): the
//! resource filter, Apdex settings, and the tabs Overview (latency, rate,
//! error %, Apdex, top operations), DB Call Metrics and External Metrics
//! (span-metric queries, `crate::query_builder::service_metrics`). Clicking a
//! chart point opens the traces explorer on that service over that step;
//! each chart's "Create alert" opens the rule editor with the chart's query.

use crate::app::api;
use crate::app::components::resource_filter::{use_resource_tags, ResourceFilter};
use crate::app::components::{resource_view, ChartKind, ChartSeries, TimeChart};
use crate::app::state::{use_set_query, use_time_window, use_url_query};
use crate::format::{compact, duration_ns, percent};
use crate::model::QueryRangeData;
use crate::query_builder::service_metrics::{self as sm, traces_link, Calls, ChartQuery};
use crate::resource_filter::from_param;
use crate::url_state::{encode_query, step_seconds, Query as UrlQuery, TraceFilters};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::{use_navigate, use_params_map};
use serde_json::Value;

use super::services::series_points;

/// v0.39's tab keys (`?tab=`) and labels.
const TABS: [(&str, &str); 3] = [
    ("OVER_METRICS", "Overview"),
    ("DB_CALL_METRICS", "DB Call Metrics"),
    ("EXTERNAL_METRICS", "External Metrics"),
];

fn ms(v: f64) -> String {
    if v.is_finite() {
        duration_ns(v * 1e6)
    } else {
        "–".into()
    }
}

fn reqps(v: f64) -> String {
    format!("{} req/s", compact(v))
}

fn apdex_value(v: f64) -> String {
    if v.is_finite() {
        format!("{v:.2}")
    } else {
        "–".into()
    }
}

/// One span-metric chart: fetches its query for the page's window and draws
/// the drawn query's series under their legends.
#[component]
fn MetricChart(
    title: &'static str,
    testid: &'static str,
    make: fn(&str, &[Value], i64) -> ChartQuery,
    service: Memo<String>,
    resource: Memo<Vec<Value>>,
    format: fn(f64) -> String,
    calls: Calls,
    #[prop(default = ChartKind::Line)] kind: ChartKind,
) -> impl IntoView {
    let window = use_time_window();
    let data = LocalResource::new(move || {
        let svc = service.get();
        let res = resource.get();
        let (s, e) = window.get();
        async move {
            let step = step_seconds(s, e);
            let cq = make(&svc, &res, step);
            let d: QueryRangeData = api::query_range(&cq.request(s, e, step)).await?;
            let series = cq.series(&d);
            Ok::<_, api::ApiError>((series, step, sm::alert_link(cq.queries)))
        }
    });
    let navigate = use_navigate();
    view! {
        <div data-testid=testid>
            {resource_view(data, move |(series, step, alert): (sm::NamedSeries, i64, String)| {
                let navigate = navigate.clone();
                let on_point = Callback::new(move |t: f64| {
                    navigate(&traces_link(&service.get_untracked(), calls, t, step), Default::default());
                });
                let series = series
                    .into_iter()
                    .map(|(name, points)| ChartSeries { name, points })
                    .collect::<Vec<_>>();
                view! { <TimeChart title=title.into() series=series kind=kind format=format on_point=on_point alert=Some(alert)/> }
            })}
        </div>
    }
}

/// The Apdex chart: the service's threshold, its top-level operations and the
/// latency histogram's buckets, then v0.39's three-query formula.
#[component]
fn ApdexChart(
    service: Memo<String>,
    resource: Memo<Vec<Value>>,
    version: RwSignal<u32>,
) -> impl IntoView {
    let window = use_time_window();
    let data = LocalResource::new(move || {
        let svc = service.get();
        let res = resource.get();
        let (s, e) = window.get();
        version.track();
        async move {
            let threshold = api::apdex_threshold(&svc).await?;
            let (delta, le) = api::metric_meta("signoz_latency_bucket", &svc).await?;
            let ops = api::top_level_operations().await.unwrap_or_default();
            let ops = ops.get(&svc).cloned().unwrap_or_default();
            let step = step_seconds(s, e);
            if ops.is_empty() || le.is_empty() {
                // v0.39 does not run the query without operations or buckets.
                return Ok::<_, api::ApiError>((threshold, Vec::new(), step, None));
            }
            let cq = sm::apdex(&svc, &ops, threshold, &le, delta, &res, step);
            let d = api::query_range(&cq.request(s, e, step)).await?;
            let series = cq.series(&d);
            Ok((threshold, series, step, Some(sm::alert_link(cq.queries))))
        }
    });
    let navigate = use_navigate();
    view! {
        <div data-testid="apdex">
            {resource_view(data, move |(threshold, series, step, alert): (f64, sm::NamedSeries, i64, Option<String>)| {
                let navigate = navigate.clone();
                let on_point = Callback::new(move |t: f64| {
                    navigate(&traces_link(&service.get_untracked(), Calls::All, t, step), Default::default());
                });
                let series = series
                    .into_iter()
                    .map(|(name, points)| ChartSeries { name, points })
                    .collect::<Vec<_>>();
                view! {
                    <TimeChart title=format!("Apdex (threshold {threshold} s)") series=series format=apdex_value
                        soft=(Some(0.0), Some(1.0)) on_point=on_point alert=alert/>
                }
            })}
        </div>
    }
}

/// v0.39's "Application Settings" popover: the Apdex threshold in seconds.
#[component]
fn ApdexSettings(service: Memo<String>, version: RwSignal<u32>) -> impl IntoView {
    let open = RwSignal::new(false);
    let value = RwSignal::new(String::new());
    let message = RwSignal::new(None::<String>);
    let show = move |_| {
        message.set(None);
        let svc = service.get_untracked();
        spawn_local(async move {
            match api::apdex_threshold(&svc).await {
                Ok(t) => value.set(t.to_string()),
                Err(e) => message.set(Some(e.message)),
            }
            open.set(true);
        });
    };
    let save = move |_| {
        let svc = service.get_untracked();
        let Some(t) = value
            .get_untracked()
            .trim()
            .parse::<f64>()
            .ok()
            .filter(|t| t.is_finite() && *t > 0.0)
        else {
            message.set(Some(
                "The threshold must be a number of seconds above 0.".into(),
            ));
            return;
        };
        spawn_local(async move {
            match api::set_apdex_threshold(&svc, t).await {
                Ok(()) => {
                    open.set(false);
                    message.set(Some("Apdex threshold saved.".into()));
                    version.update(|v| *v += 1);
                }
                Err(e) => message.set(Some(e.message)),
            }
        });
    };
    view! {
        <span class="actions" style="position:relative">
            <button type="button" on:click=show>"Settings"</button>
            {move || message.get().map(|m| view! { <span class="hint" role="status">{m}</span> })}
            {move || open.get().then(|| view! {
                <div class="popover" role="dialog" aria-label="Application Settings">
                    <strong>"Application Settings"</strong>
                    <label>"Apdex threshold (in seconds)"
                        <input type="number" min="0" step="0.1" aria-label="Apdex threshold (in seconds)"
                            prop:value=move || value.get() on:input=move |ev| value.set(event_target_value(&ev))/>
                    </label>
                    <span>
                        <button type="button" on:click=move |_| open.set(false)>"Cancel"</button>
                        <button type="button" class="primary" on:click=save>"Save"</button>
                    </span>
                </div>
            })}
        </span>
    }
}

#[component]
pub fn ServiceDetailPage() -> impl IntoView {
    let params = use_params_map();
    let service = Memo::new(move |_| params.get().get("name").unwrap_or_default());
    let window = use_time_window();
    let q = use_url_query();
    let set_query = use_set_query();
    let tab = Memo::new(move |_| {
        q.with(|u| {
            u.get("tab")
                .filter(|t| TABS.iter().any(|(k, _)| k == t))
                .cloned()
                .unwrap_or_else(|| TABS[0].0.to_string())
        })
    });
    let attrs = Memo::new(move |_| {
        q.with(|u| from_param(u.get("resourceAttribute").map(String::as_str).unwrap_or("")))
    });
    let metric_resource = Memo::new(move |_| attrs.with(|a| sm::resource_items(a)));
    let apdex_version = RwSignal::new(0u32);
    let overview = LocalResource::new(move || {
        let svc = service.get();
        let (s, e) = window.get();
        let res = attrs.with(|a| crate::query_builder::resource_trace_items(a));
        async move {
            let ops = api::top_level_operations().await.unwrap_or_default();
            let ops = ops.get(&svc).cloned().unwrap_or_default();
            let step = step_seconds(s, e);
            let body = crate::query_builder::service_overview(&svc, &ops, &res, s, e, step);
            let alerts = sm::overview_alert_links(&body);
            api::query_range(&body).await.map(|d| (d, step, alerts))
        }
    });
    let tags = use_resource_tags();
    let top_ops = LocalResource::new(move || {
        let svc = service.get();
        let (s, e) = window.get();
        let tags = tags.get();
        async move { api::top_operations(&svc, s, e, &tags).await }
    });
    let traces_list_link = move |op: &str| {
        let mut query = q.get_untracked();
        TraceFilters {
            service: service.get_untracked(),
            operation: op.to_string(),
            ..Default::default()
        }
        .write(&mut query);
        format!("/traces?{}", encode_query(&query))
    };
    let tabs = TABS
        .iter()
        .map(|(k, label)| {
            let set_query = set_query.clone();
            let select = move |_| {
                set_query(Box::new(move |u: &mut UrlQuery| {
                    u.insert("tab".into(), k.to_string());
                }));
            };
            view! {
                <button role="tab" aria-selected=move || (tab.get() == *k).to_string() on:click=select>{*label}</button>
            }
        })
        .collect_view();
    let navigate = use_navigate();
    let overview_charts = move || {
        let navigate = navigate.clone();
        resource_view(
            overview,
            move |(data, step, alerts): (QueryRangeData, i64, [String; 3])| {
                let [lat_alert, rate_alert, err_alert] = alerts;
                let navigate = navigate.clone();
                let on_point = Callback::new(move |t: f64| {
                    navigate(
                        &traces_link(&service.get_untracked(), Calls::All, t, step),
                        Default::default(),
                    );
                });
                let latency = ["A", "B", "C"]
                    .iter()
                    .zip(["p50", "p90", "p99"])
                    .map(|(n, label)| ChartSeries {
                        name: label.into(),
                        points: series_points(&data, n),
                    })
                    .collect::<Vec<_>>();
                let calls = series_points(&data, "D");
                let errors = series_points(&data, "E");
                let rate: Vec<(f64, f64)> =
                    calls.iter().map(|&(t, c)| (t, c / step as f64)).collect();
                let error_pct: Vec<(f64, f64)> = calls
                    .iter()
                    .map(|&(t, c)| {
                        let e = errors.iter().find(|p| p.0 == t).map(|p| p.1).unwrap_or(0.0);
                        (t, if c > 0.0 { e / c * 100.0 } else { 0.0 })
                    })
                    .collect();
                view! {
                    <TimeChart title="Latency".into() series=latency format=duration_ns on_point=on_point alert=Some(lat_alert)/>
                    <TimeChart title="Rate (ops/s)".into() kind=ChartKind::Bar
                        series=vec![ChartSeries { name: "ops/s".into(), points: rate }] format=compact on_point=on_point
                        alert=Some(rate_alert)/>
                    <TimeChart title="Error Percentage".into()
                        series=vec![ChartSeries { name: "error %".into(), points: error_pct }] format=percent on_point=on_point
                        alert=Some(err_alert)/>
                }
            },
        )
    };
    view! {
        <section>
            <div class="toolbar">
                <h1>{move || service.get()}</h1>
                <ApdexSettings service=service version=apdex_version/>
                <a href=move || traces_list_link("")>"View traces →"</a>
            </div>
            <ResourceFilter/>
            <div class="tabs" role="tablist">{tabs}</div>
            {move || match tab.get().as_str() {
                "DB_CALL_METRICS" => view! {
                    <div class="charts">
                        <MetricChart title="Database Calls RPS" testid="database_call_rps" make=sm::db_calls_rps
                            service=service resource=metric_resource format=reqps calls=Calls::Db/>
                        <MetricChart title="Database Calls Avg Duration" testid="database_call_avg_duration"
                            make=sm::db_calls_avg_duration service=service resource=metric_resource format=ms calls=Calls::Db/>
                    </div>
                }.into_any(),
                "EXTERNAL_METRICS" => view! {
                    <div class="charts">
                        <MetricChart title="External Call Error Percentage" testid="external_call_error_percentage"
                            make=sm::external_error_percent service=service resource=metric_resource format=percent calls=Calls::External/>
                        <MetricChart title="External Call duration" testid="external_call_duration"
                            make=sm::external_duration service=service resource=metric_resource format=ms calls=Calls::External/>
                        <MetricChart title="External Call RPS(by Address)" testid="external_call_rps_by_address"
                            make=sm::external_rps_by_address service=service resource=metric_resource format=reqps calls=Calls::External/>
                        <MetricChart title="External Call duration(by Address)" testid="external_call_duration_by_address"
                            make=sm::external_duration_by_address service=service resource=metric_resource format=ms calls=Calls::External/>
                    </div>
                }.into_any(),
                _ => view! {
                    <div class="charts">
                        {overview_charts.clone()}
                        <ApdexChart service=service resource=metric_resource version=apdex_version/>
                    </div>
                    <h2>"Top operations"</h2>
                    <table class="data">
                        <thead><tr><th>"Operation"</th><th>"P50"</th><th>"P95"</th><th>"P99"</th><th>"Calls"</th><th>"Errors"</th></tr></thead>
                        <tbody>
                            {resource_view(top_ops, move |ops| {
                                if ops.is_empty() {
                                    return view! { <tr><td colspan="6" class="empty">"No operations in this time range."</td></tr> }.into_any();
                                }
                                ops.into_iter().map(|o| view! {
                                    <tr>
                                        <td><a href=traces_list_link(&o.name)>{o.name.clone()}</a></td>
                                        <td class="num">{duration_ns(o.p50)}</td>
                                        <td class="num">{duration_ns(o.p95)}</td>
                                        <td class="num">{duration_ns(o.p99)}</td>
                                        <td class="num">{o.num_calls}</td>
                                        <td class="num">{o.error_count}</td>
                                    </tr>
                                }).collect_view().into_any()
                            })}
                        </tbody>
                    </table>
                }.into_any(),
            }}
        </section>
    }
}
