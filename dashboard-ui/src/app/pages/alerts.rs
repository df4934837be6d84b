//! Alerts (`/alerts?tab=AlertRules|TriggeredAlerts`, as SigNoz's tabs): the
//! rules with their state, search, enable/disable, clone and delete; and the
//! alerts firing now (`GET /api/v1/alerts`). The editor is `rule_editor`.

use crate::alert_rule::{condition_text, postable};
use crate::app::api;
use crate::app::components::{resource_view, ErrorView};
use crate::app::role::can_edit;
use crate::app::state::{use_set_query, use_url_query};
use crate::model::{value_text, TriggeredAlert};
use crate::url_state::encode;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_navigate;
use leptos_router::NavigateOptions;
use serde_json::{json, Value};

#[component]
pub fn AlertsPage() -> impl IntoView {
    let url = use_url_query();
    let set_query = use_set_query();
    let tab = Memo::new(move |_| {
        url.with(|u| u.get("tab").cloned())
            .unwrap_or_else(|| "AlertRules".into())
    });
    let tab_link = move |t: &'static str, label: &'static str| {
        let set_query = set_query.clone();
        view! {
            <button role="tab" class:active=move || tab.get() == t aria-selected=move || (tab.get() == t).to_string()
                on:click=move |_| set_query(Box::new(move |q| { q.insert("tab".into(), t.into()); }))>{label}</button>
        }
    };
    view! {
        <section>
            <div class="toolbar"><h1>"Alerts"</h1></div>
            <div class="tabs" role="tablist">
                {tab_link("AlertRules", "Alert rules")}
                {tab_link("TriggeredAlerts", "Triggered alerts")}
            </div>
            {move || if tab.get() == "TriggeredAlerts" { view! { <TriggeredAlerts/> }.into_any() } else { view! { <RulesList/> }.into_any() }}
        </section>
    }
}

#[component]
fn RulesList() -> impl IntoView {
    let rules = LocalResource::new(api::rules_json);
    let error = RwSignal::new(None::<String>);
    let search = RwSignal::new(String::new());
    let editable = can_edit();
    let navigate = use_navigate();
    let run = move |fut: std::pin::Pin<
        Box<dyn std::future::Future<Output = Result<(), api::ApiError>>>,
    >| {
        spawn_local(async move {
            match fut.await {
                Ok(()) => {
                    error.set(None);
                    rules.refetch();
                }
                Err(e) => error.set(Some(e.message)),
            }
        });
    };
    let new_rule = move |_| navigate("/alerts/new", NavigateOptions::default());
    view! {
        <div class="toolbar">
            <input type="search" placeholder="Search by name, severity or label" aria-label="Search rules"
                prop:value=move || search.get() on:input=move |ev| search.set(event_target_value(&ev))/>
            <span class="grow"></span>
            <Show when=move || editable.get()>
                <button on:click=new_rule.clone()>"+ New alert rule"</button>
            </Show>
        </div>
        {move || error.get().map(|m| view! { <ErrorView message=m/> })}
        <table class="data">
            <thead><tr><th>"Name"</th><th>"State"</th><th>"Severity"</th><th>"Labels"</th><th>"Condition"</th><th>"Enabled"</th><th></th></tr></thead>
            <tbody>
                {resource_view(rules, move |list: Vec<Value>| {
                    let needle = search.get().to_lowercase();
                    let list: Vec<Value> = list.into_iter().filter(|r| needle.is_empty()
                        || r["alert"].to_string().to_lowercase().contains(&needle)
                        || r["labels"].to_string().to_lowercase().contains(&needle)).collect();
                    if list.is_empty() {
                        return view! { <tr><td colspan="7" class="empty">"No alert rules yet."</td></tr> }.into_any();
                    }
                    list.into_iter().map(|r| {
                        let id = value_text(&r["id"]);
                        let disabled = r["disabled"].as_bool().unwrap_or(false);
                        let state = r["state"].as_str().unwrap_or("").to_string();
                        let labels = r["labels"].as_object().map(|m| m.iter().filter(|(k, _)| *k != "severity")
                            .map(|(k, v)| format!("{k}={}", value_text(v))).collect::<Vec<_>>().join(", ")).unwrap_or_default();
                        let href = format!("/alerts/edit?ruleId={}", encode(&id));
                        let (id1, id2) = (id.clone(), id.clone());
                        let copy = r.clone();
                        view! {
                            <tr>
                                <td><a href=href>{value_text(&r["alert"])}</a></td>
                                <td><span class=format!("badge state-{state}")>{state.clone()}</span></td>
                                <td>{value_text(&r["labels"]["severity"])}</td>
                                <td class="clip">{labels}</td>
                                <td class="clip">{condition_text(&r)}</td>
                                <td>
                                    <label class="switch">
                                        <input type="checkbox" prop:checked=!disabled aria-label="Enabled" disabled=move || !editable.get()
                                            on:change=move |_| run(Box::pin({ let id = id1.clone(); async move { api::set_rule_disabled(&id, !disabled).await } }))/>
                                        {if disabled { "off" } else { "on" }}
                                    </label>
                                </td>
                                <td>
                                    <Show when=move || editable.get()>
                                        <button class="link" on:click={
                                            let copy = copy.clone();
                                            move |_| {
                                                let mut c = postable(copy.clone());
                                                c["alert"] = json!(format!("{} (copy)", value_text(&c["alert"])));
                                                run(Box::pin(async move { api::create_rule_json(&c).await.map(|_| ()) }))
                                            }
                                        }>"Clone"</button>
                                        <button class="link danger" on:click={
                                            let id = id2.clone();
                                            move |_| run(Box::pin({ let id = id.clone(); async move { api::delete_rule(&id).await } }))
                                        }>"Delete"</button>
                                    </Show>
                                </td>
                            </tr>
                        }
                    }).collect_view().into_any()
                })}
            </tbody>
        </table>
    }
}

#[component]
fn TriggeredAlerts() -> impl IntoView {
    let triggered = LocalResource::new(api::triggered_alerts);
    let filter = RwSignal::new(String::new());
    view! {
        <div class="toolbar">
            <input type="search" placeholder="Filter by label, e.g. severity=critical" aria-label="Filter alerts"
                prop:value=move || filter.get() on:input=move |ev| filter.set(event_target_value(&ev))/>
        </div>
        {resource_view(triggered, move |list: Vec<TriggeredAlert>| {
            let needle = filter.get().to_lowercase();
            let list: Vec<TriggeredAlert> = list.into_iter().filter(|a| needle.is_empty() || a.labels.iter()
                .any(|(k, v)| format!("{k}={v}").to_lowercase().contains(&needle))).collect();
            if list.is_empty() {
                return view! { <p class="empty">"Nothing is firing."</p> }.into_any();
            }
            view! {
                <table class="data" aria-label="Triggered alerts">
                    <thead><tr><th>"Alert"</th><th>"Status"</th><th>"Severity"</th><th>"Since"</th><th>"Labels"</th><th>"Summary"</th></tr></thead>
                    <tbody>
                        {list.into_iter().map(|a| {
                            let labels = a.labels.iter().filter(|(k, _)| !matches!(k.as_str(), "alertname" | "severity"))
                                .map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(", ");
                            let status = a.status["state"].as_str().unwrap_or("firing").to_string();
                            let rule = a.labels.get("ruleId").cloned();
                            let name = a.labels.get("alertname").cloned().unwrap_or_default();
                            view! {
                                <tr>
                                    <td>{match rule {
                                        Some(id) => view! { <a href=format!("/alerts/edit?ruleId={}", encode(&id))>{name}</a> }.into_any(),
                                        None => name.into_any(),
                                    }}</td>
                                    <td>{status}</td>
                                    <td>{a.labels.get("severity").cloned().unwrap_or_default()}</td>
                                    <td class="nowrap">{super::traces::short_time(&a.starts_at)}</td>
                                    <td class="clip">{labels}</td>
                                    <td>{a.annotations.get("summary").cloned().unwrap_or_default()}</td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            }.into_any()
        })}
    }
}
