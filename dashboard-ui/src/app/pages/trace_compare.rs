//! `/trace-compare?a=&b=`: two traces side by side: spans matched by their
//! place in the tree, duration deltas, spans only in one of them.

use crate::app::api;
use crate::app::components::resource_view;
use crate::app::state::use_url_query;
use crate::format::duration_ns;
use crate::trace::{compare, Comparison, TraceTree};
use leptos::prelude::*;
use std::sync::Arc;

const SHOWN: usize = 200;

#[component]
pub fn TraceComparePage() -> impl IntoView {
    let q = use_url_query();
    let ids = Memo::new(move |_| {
        q.with(|q| {
            (
                q.get("a").cloned().unwrap_or_default(),
                q.get("b").cloned().unwrap_or_default(),
            )
        })
    });
    let data = LocalResource::new(move || {
        let (a, b) = ids.get();
        async move {
            let ta = Arc::new(TraceTree::from_spans(api::trace_spans(&a).await?));
            let tb = Arc::new(TraceTree::from_spans(api::trace_spans(&b).await?));
            let cmp = Arc::new(compare(&ta, &tb));
            Ok((ta, tb, cmp))
        }
    });
    view! {
        <section class="trace-compare">
            <h1>"Compare traces"</h1>
            {move || {
                let (a, b) = ids.get();
                (a.is_empty() || b.is_empty()).then(|| view! { <p class="empty">"Give two trace ids: /trace-compare?a=…&b=…"</p> })
            }}
            {resource_view(data, move |(ta, tb, cmp): (Arc<TraceTree>, Arc<TraceTree>, Arc<Comparison>)| {
                let (a, b) = ids.get_untracked();
                comparison_view(&a, &b, &ta, &tb, &cmp)
            })}
        </section>
    }
}

fn comparison_view(
    a: &str,
    b: &str,
    ta: &TraceTree,
    tb: &TraceTree,
    cmp: &Comparison,
) -> impl IntoView {
    let label = |t: &TraceTree| {
        t.roots
            .first()
            .map(|&r| {
                let s = &t.spans[r as usize];
                format!("{}: {}", s.service, s.name)
            })
            .unwrap_or_else(|| "(not found)".into())
    };
    let matched = cmp
        .matched
        .iter()
        .take(SHOWN)
        .map(|m| {
            let (x, y) = (&ta.spans[m.a as usize], &tb.spans[m.b as usize]);
            let (slower, faster) = (m.delta_ns > 0.0, m.delta_ns < 0.0);
            let sign = if slower {
                "+"
            } else if faster {
                "−"
            } else {
                ""
            };
            view! {
                <tr class:slower=slower class:faster=faster>
                    <td>{x.service.to_string()}</td>
                    <td>{x.name.to_string()}</td>
                    <td class="num">{duration_ns(x.duration_ns)}</td>
                    <td class="num">{duration_ns(y.duration_ns)}</td>
                    <td class="num delta">{format!("{sign}{}", duration_ns(m.delta_ns.abs()))}</td>
                </tr>
            }
        })
        .collect_view();
    let only = |t: &TraceTree, list: &[u32], id: &str, class: &'static str| {
        let more = list.len().saturating_sub(SHOWN);
        let items = list
            .iter()
            .take(SHOWN)
            .map(|&i| {
                let s = &t.spans[i as usize];
                view! {
                    <li><a href=format!("/trace/{}?span={}", crate::url_state::encode(id), crate::url_state::encode(&s.span_id))>
                        {format!("{}: {} ({})", s.service, s.name, duration_ns(s.duration_ns))}
                    </a></li>
                }
            })
            .collect_view();
        view! {
            <ul class=class>{items}</ul>
            {(more > 0).then(|| view! { <p class="hint">{format!("… and {more} more")}</p> })}
        }
    };
    view! {
        <dl class="facts">
            <dt>"A"</dt><dd><a class="mono" href=format!("/trace/{}", crate::url_state::encode(a))>{a.to_string()}</a>" "{label(ta)}</dd>
            <dt>"B"</dt><dd><a class="mono" href=format!("/trace/{}", crate::url_state::encode(b))>{b.to_string()}</a>" "{label(tb)}</dd>
            <dt>"Duration"</dt><dd>{format!("{} → {}", duration_ns(ta.duration_ms() * 1e6), duration_ns(tb.duration_ms() * 1e6))}</dd>
            <dt>"Spans"</dt><dd>{format!("{} → {}", ta.len(), tb.len())}</dd>
            <dt>"Matched"</dt><dd class="matched-count">{cmp.matched.len()}</dd>
            <dt>"Only in A"</dt><dd class="only-a-count">{cmp.only_a.len()}</dd>
            <dt>"Only in B"</dt><dd class="only-b-count">{cmp.only_b.len()}</dd>
        </dl>
        <h2>"Matched spans, largest change first"</h2>
        <table class="data compare-table">
            <thead><tr><th>"Service"</th><th>"Operation"</th><th>"A"</th><th>"B"</th><th>"Δ"</th></tr></thead>
            <tbody>{matched}</tbody>
        </table>
        <h2>"Only in A"</h2>
        {only(ta, &cmp.only_a, a, "only-a")}
        <h2>"Only in B"</h2>
        {only(tb, &cmp.only_b, b, "only-b")}
    }
}
