//! The traces explorer's facets (v0.39's `/trace` filter panel): status,
//! service, operation, duration, HTTP method / route / status, RPC method,
//! each value with its span count under the other filters; ticking values
//! edits the builder's filters (`=` / `IN`, duration bounds) and runs it.

use crate::app::api;
use crate::app::state::use_time_window;
use crate::format::compact;
use crate::query_builder::composite::{AttributeKey, Query};
use crate::query_builder::list_view::{
    bound, facet_counts, facet_request, facet_selected, set_bound, set_facet, trace_facets,
};
use leptos::prelude::*;

#[component]
pub fn TraceFacets(
    staged: Memo<Query>,
    draft: RwSignal<Query>,
    run: Callback<()>,
) -> impl IntoView {
    let window = use_time_window();
    let groups = trace_facets()
        .into_iter()
        .map(|(label, key)| {
            // As v0.39's panel: status, service and operation open; the others (attribute
            // lookups, the costly counts on a large store) count only once opened.
            let open = RwSignal::new(matches!(key.key.as_str(), "hasError" | "serviceName" | "name"));
            let k = StoredValue::new(key);
            let counts = LocalResource::new(move || {
                let (s, e) = window.get();
                let body = open
                    .get()
                    .then(|| facet_request(&staged.get(), &k.get_value(), s, e));
                async move {
                    match body {
                        Some(b) => Some(api::query_range(&b).await),
                        None => None,
                    }
                }
            });
            let values = move || {
                let key = k.get_value();
                let selected = staged.with(|q| facet_selected(q, &key.key));
                let list = match counts.get() {
                    None => return view! { <p class="hint">"…"</p> }.into_any(),
                    Some(None) => return ().into_any(),
                    Some(Some(Err(e))) => return view! { <p class="hint">{e.message}</p> }.into_any(),
                    Some(Some(Ok(d))) => facet_counts(&d, &key.key),
                };
                if list.is_empty() {
                    return view! { <p class="hint">"No values."</p> }.into_any();
                }
                list.into_iter()
                    .filter(|(v, _)| !v.is_empty())
                    .map(|(v, n)| {
                        let checked = selected.contains(&v);
                        let shown = match (key.key.as_str(), v.as_str()) {
                            ("hasError", "true") => "Error".to_string(),
                            ("hasError", "false") => "Ok".to_string(),
                            _ => v.clone(),
                        };
                        let value = v.clone();
                        let toggle = move |_| {
                            let key = k.get_value();
                            let mut sel = staged.with_untracked(|q| facet_selected(q, &key.key));
                            if let Some(i) = sel.iter().position(|s| *s == value) {
                                sel.remove(i);
                            } else {
                                sel.push(value.clone());
                            }
                            draft.update(|q| set_facet(q, &key, &sel));
                            run.run(());
                        };
                        view! {
                            <label class="facet-value" data-value=v.clone()>
                                <input type="checkbox" prop:checked=checked on:change=toggle/>
                                <span class="grow">{shown}</span>
                                <span class="num hint">{compact(n)}</span>
                            </label>
                        }
                    })
                    .collect_view()
                    .into_any()
            };
            view! {
                <details class="facet" data-facet=k.get_value().key prop:open=move || open.get()
                    on:toggle=move |ev| open.set(event_target::<web_sys::HtmlDetailsElement>(&ev).open())>
                    <summary>{label}</summary>
                    {values}
                </details>
            }
        })
        .collect_view();
    let d2 = AttributeKey::trace_column("durationNano");
    let set = move |op: &'static str, text: String| {
        let ms = text
            .trim()
            .parse::<f64>()
            .ok()
            .filter(|v| v.is_finite() && *v >= 0.0);
        draft.update(|q| set_bound(q, &d2, op, ms.map(|m| m * 1e6)));
        run.run(());
    };
    let set_min = set.clone();
    let shown = move |op: &'static str| {
        staged.with(|q| {
            bound(q, "durationNano", op)
                .map(|ns| (ns / 1e6).to_string())
                .unwrap_or_default()
        })
    };
    view! {
        <aside class="facets" aria-label="Facets">
            <details open class="facet" data-facet="durationNano">
                <summary>"Duration (ms)"</summary>
                <div class="facet-range">
                    <input type="number" min="0" step="any" placeholder="min" aria-label="Min duration (ms)"
                        prop:value=move || shown(">=") on:change=move |ev| set_min(">=", event_target_value(&ev))/>
                    <input type="number" min="0" step="any" placeholder="max" aria-label="Max duration (ms)"
                        prop:value=move || shown("<=") on:change=move |ev| set("<=", event_target_value(&ev))/>
                </div>
            </details>
            {groups}
        </aside>
    }
}
