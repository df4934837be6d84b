//! Alert rules (list with state, create/edit/enable/disable/delete a
//! threshold rule) and triggered alerts.

use crate::app::api;
use crate::app::components::{resource_view, ErrorView};
use crate::model::{Rule, TriggeredAlert};
use crate::query_builder::{panel_query_from_composite, threshold_rule, PanelQuery};
use leptos::prelude::*;
use leptos::task::spawn_local;

const OPS: [(&str, &str); 4] = [
    ("1", "above"),
    ("2", "below"),
    ("3", "equal to"),
    ("4", "not equal to"),
];

#[derive(Debug, Clone, Default, PartialEq)]
struct RuleForm {
    id: Option<String>,
    name: String,
    query: PanelQuery,
    op: String,
    target: String,
    severity: String,
    disabled: bool,
}

impl RuleForm {
    fn from_rule(r: &Rule) -> RuleForm {
        RuleForm {
            id: Some(r.id.clone()),
            name: r.alert.clone(),
            query: panel_query_from_composite(&r.condition["compositeQuery"]),
            op: r.condition["op"].as_str().unwrap_or("1").to_string(),
            target: crate::model::value_text(&r.condition["target"]),
            severity: r
                .labels
                .get("severity")
                .cloned()
                .unwrap_or_else(|| "warning".into()),
            disabled: r.disabled,
        }
    }
}

#[component]
pub fn AlertsPage() -> impl IntoView {
    let rules = LocalResource::new(api::rules);
    let triggered = LocalResource::new(api::triggered_alerts);
    let form = RwSignal::new(None::<RuleForm>);
    let error = RwSignal::new(None::<String>);
    let run = move |fut: std::pin::Pin<
        Box<dyn std::future::Future<Output = Result<(), api::ApiError>>>,
    >| {
        spawn_local(async move {
            match fut.await {
                Ok(()) => {
                    error.set(None);
                    form.set(None);
                    rules.refetch();
                }
                Err(e) => error.set(Some(e.message)),
            }
        });
    };
    let new_rule = move |_| {
        form.set(Some(RuleForm {
            name: "High p99 latency".into(),
            query: PanelQuery {
                aggregate: "p99".into(),
                ..Default::default()
            },
            op: "1".into(),
            target: "500000000".into(),
            severity: "warning".into(),
            ..Default::default()
        }))
    };
    // `/alerts/new?compositeQuery=…` (SigNoz's link, also "Create alert" in the
    // explorers): open the editor on that query.
    let url = crate::app::state::use_url_query();
    if let Some(q) = url.with_untracked(|u| {
        u.get("compositeQuery")
            .and_then(|p| crate::query_builder::composite::Query::from_url_param(p).ok())
    }) {
        form.set(Some(RuleForm {
            name: "Alert from explorer".into(),
            query: panel_query_from_composite(&q.composite_query("graph")),
            op: "1".into(),
            target: "0".into(),
            severity: "warning".into(),
            ..Default::default()
        }));
    }
    view! {
        <section>
            <div class="toolbar"><h1>"Alerts"</h1><button on:click=new_rule>"+ New alert rule"</button></div>
            {move || error.get().map(|m| view! { <ErrorView message=m/> })}
            {move || form.get().map(|f| view! { <RuleEditor form=f on_save=Callback::new(move |f: RuleForm| {
                let target: f64 = f.target.trim().parse().unwrap_or(f64::NAN);
                if !target.is_finite() {
                    error.set(Some("The threshold must be a number.".into()));
                    return;
                }
                let body = threshold_rule(&f.name, &f.query, &f.op, target, &f.severity, f.disabled);
                run(Box::pin(async move {
                    match f.id {
                        Some(id) => api::update_rule(&id, &body).await,
                        None => api::create_rule(&body).await,
                    }
                }));
            }) on_cancel=Callback::new(move |_| form.set(None))/> })}
            <h2>"Rules"</h2>
            <table class="data">
                <thead><tr><th>"Name"</th><th>"State"</th><th>"Severity"</th><th>"Condition"</th><th>"Enabled"</th><th></th></tr></thead>
                <tbody>
                    {resource_view(rules, move |list: Vec<Rule>| {
                        if list.is_empty() {
                            return view! { <tr><td colspan="6" class="empty">"No alert rules yet."</td></tr> }.into_any();
                        }
                        list.into_iter().map(|r| {
                            let (id1, id2) = (r.id.clone(), r.id.clone());
                            let disabled = r.disabled;
                            let rf = RuleForm::from_rule(&r);
                            let op = OPS.iter().find(|(k, _)| *k == rf.op).map(|o| o.1).unwrap_or("?");
                            let cond = format!("{} of {} {} {}", rf.query.aggregate, if rf.query.service.is_empty() { "all services".to_string() } else { rf.query.service.clone() }, op, rf.target);
                            view! {
                                <tr>
                                    <td>{r.alert.clone()}</td>
                                    <td><span class=format!("badge state-{}", r.state)>{r.state.clone()}</span></td>
                                    <td>{rf.severity.clone()}</td>
                                    <td>{cond}</td>
                                    <td>
                                        <label class="switch">
                                            <input type="checkbox" prop:checked=!disabled aria-label="Enabled"
                                                on:change=move |_| run(Box::pin({ let id = id1.clone(); async move { api::set_rule_disabled(&id, !disabled).await } }))/>
                                            {if disabled { "off" } else { "on" }}
                                        </label>
                                    </td>
                                    <td>
                                        <button class="link" on:click=move |_| form.set(Some(rf.clone()))>"Edit"</button>
                                        <button class="link danger" on:click=move |_| run(Box::pin({ let id = id2.clone(); async move { api::delete_rule(&id).await } }))>"Delete"</button>
                                    </td>
                                </tr>
                            }
                        }).collect_view().into_any()
                    })}
                </tbody>
            </table>
            <h2>"Triggered alerts"</h2>
            {resource_view(triggered, |list: Vec<TriggeredAlert>| {
                if list.is_empty() {
                    return view! { <p class="empty">"Nothing is firing."</p> }.into_any();
                }
                view! {
                    <table class="data">
                        <thead><tr><th>"Alert"</th><th>"Severity"</th><th>"Since"</th><th>"Summary"</th></tr></thead>
                        <tbody>
                            {list.into_iter().map(|a| view! {
                                <tr>
                                    <td>{a.labels.get("alertname").cloned().unwrap_or_default()}</td>
                                    <td>{a.labels.get("severity").cloned().unwrap_or_default()}</td>
                                    <td>{a.starts_at.clone()}</td>
                                    <td>{a.annotations.get("summary").cloned().unwrap_or_default()}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            })}
        </section>
    }
}

#[component]
fn RuleEditor(
    form: RuleForm,
    on_save: Callback<RuleForm>,
    on_cancel: Callback<()>,
) -> impl IntoView {
    let name = RwSignal::new(form.name.clone());
    let agg = RwSignal::new(form.query.aggregate.clone());
    let attr = RwSignal::new(form.query.attribute.clone());
    let service = RwSignal::new(form.query.service.clone());
    let op = RwSignal::new(form.op.clone());
    let target = RwSignal::new(form.target.clone());
    let severity = RwSignal::new(form.severity.clone());
    let base = form.clone();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let mut f = base.clone();
        f.name = name.get_untracked();
        f.query.aggregate = agg.get_untracked();
        f.query.attribute = attr.get_untracked();
        f.query.service = service.get_untracked();
        f.op = op.get_untracked();
        f.target = target.get_untracked();
        f.severity = severity.get_untracked();
        on_save.run(f);
    };
    let text = |label: &'static str, sig: RwSignal<String>| {
        view! { <label>{label}<input type="text" prop:value=move || sig.get() on:input=move |ev| sig.set(event_target_value(&ev))/></label> }
    };
    view! {
        <form class="filters editor" on:submit=submit aria-label="Alert rule editor">
            {text("Name", name)}
            <label>"Aggregate"
                <select prop:value=move || agg.get() on:change=move |ev| agg.set(event_target_value(&ev))>
                    {["count", "avg", "max", "p50", "p90", "p95", "p99"].map(|o| view! { <option value=o>{o}</option> })}
                </select>
            </label>
            {text("Attribute", attr)}
            {text("Service", service)}
            <label>"Condition"
                <select prop:value=move || op.get() on:change=move |ev| op.set(event_target_value(&ev))>
                    {OPS.map(|(k, l)| view! { <option value=k>{l}</option> })}
                </select>
            </label>
            {text("Threshold", target)}
            <label>"Severity"
                <select prop:value=move || severity.get() on:change=move |ev| severity.set(event_target_value(&ev))>
                    {["info", "warning", "error", "critical"].map(|o| view! { <option value=o>{o}</option> })}
                </select>
            </label>
            <button type="submit">"Save rule"</button>
            <button type="button" on:click=move |_| on_cancel.run(())>"Cancel"</button>
        </form>
    }
}
