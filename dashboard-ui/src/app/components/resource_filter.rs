//! The resource-attribute filter bar (Services, service detail, service
//! map): `deployment.environment IN local, …` chips kept in the URL as
//! SigNoz's `resourceAttribute` parameter (`crate::resource_filter`).

use crate::app::api;
use crate::app::state::{use_set_query, use_url_query};
use crate::resource_filter::{
    from_param, metric_key_to_trace, tags, to_param, trace_key_to_metric, ResourceAttr,
};
use crate::url_state::Query;
use leptos::prelude::*;
use leptos::task::spawn_local;
use serde_json::Value;

/// The `tags` the current URL's resource filter sends.
pub fn use_resource_tags() -> Memo<Value> {
    let url = use_url_query();
    Memo::new(move |_| {
        url.with(|u| {
            tags(&from_param(
                u.get("resourceAttribute").map(String::as_str).unwrap_or(""),
            ))
        })
    })
}

#[component]
pub fn ResourceFilter() -> impl IntoView {
    let url = use_url_query();
    let set_query = use_set_query();
    let attrs = Memo::new(move |_| {
        url.with(|u| from_param(u.get("resourceAttribute").map(String::as_str).unwrap_or("")))
    });
    let key = RwSignal::new(String::new());
    let op = RwSignal::new(String::from("IN"));
    let values = RwSignal::new(String::new());
    let key_options = RwSignal::new(Vec::<String>::new());
    let value_options = RwSignal::new(Vec::<String>::new());
    spawn_local(async move {
        if let Ok(k) = api::resource_tag_keys("").await {
            key_options.set(k);
        }
    });
    let write = StoredValue::new(move |list: Vec<ResourceAttr>| {
        let p = to_param(&list);
        set_query(Box::new(move |q: &mut Query| {
            if p.is_empty() {
                q.remove("resourceAttribute");
            } else {
                q.insert("resourceAttribute".into(), p);
            }
        }));
    });
    let add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let k = key.get_untracked().trim().to_string();
        let vals: Vec<String> = values
            .get_untracked()
            .split(',')
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
            .collect();
        if k.is_empty() || vals.is_empty() {
            return;
        }
        let tag_key = if k.starts_with("resource_") {
            k
        } else {
            trace_key_to_metric(&k)
        };
        let mut list = attrs.get_untracked();
        let id = format!("{}", list.len() + 1);
        list.push(ResourceAttr {
            id,
            tag_key,
            operator: op.get_untracked(),
            tag_value: vals,
        });
        key.set(String::new());
        values.set(String::new());
        write.with_value(|w| w(list));
    };
    let load_values = move || {
        let k = key.get_untracked();
        if k.trim().is_empty() {
            return;
        }
        let k = if k.starts_with("resource_") {
            k
        } else {
            trace_key_to_metric(&k)
        };
        spawn_local(async move {
            if let Ok(v) = api::resource_tag_values(&k).await {
                value_options.set(v);
            }
        });
    };
    view! {
        <form class="resource-filter" on:submit=add aria-label="Resource filter">
            <span class="qb-label">"Resource"</span>
            {move || attrs.get().into_iter().enumerate().map(|(i, a)| {
                let text = format!("{} {} {}", metric_key_to_trace(&a.tag_key), a.operator, a.tag_value.join(", "));
                view! {
                    <span class="chip">{text.clone()}
                        <button type="button" class="link" aria-label=format!("Remove {text}") on:click=move |_| {
                            let mut list = attrs.get_untracked();
                            if i < list.len() { list.remove(i); }
                            write.with_value(|w| w(list));
                        }>"×"</button>
                    </span>
                }
            }).collect_view()}
            <input type="text" list="resource-keys" placeholder="deployment.environment" aria-label="Resource attribute"
                prop:value=move || key.get() on:input=move |ev| key.set(event_target_value(&ev)) on:change=move |_| load_values()/>
            <datalist id="resource-keys">{move || key_options.get().into_iter().map(|k| {
                let label = metric_key_to_trace(&k);
                view! { <option value=label/> }
            }).collect_view()}</datalist>
            <select aria-label="Resource operator" on:change=move |ev| op.set(event_target_value(&ev))>
                <option value="IN">"IN"</option>
                <option value="Not IN">"NOT IN"</option>
            </select>
            <input type="text" list="resource-values" placeholder="value, value" aria-label="Resource values"
                prop:value=move || values.get() on:focus=move |_| load_values() on:input=move |ev| values.set(event_target_value(&ev))/>
            <datalist id="resource-values">{move || value_options.get().into_iter().map(|v| view! { <option value=v/> }).collect_view()}</datalist>
            <button type="submit">"Add"</button>
        </form>
    }
}
