//! The trace view's extras: self-time table, download as JSON, open a trace
//! file (the `/trace-file` page). The logic is in `crate::trace`; this is glue.

use super::trace_detail::TraceView;
use crate::format::duration_ns;
use crate::trace::{parse_trace, self_time_table, self_times, SelfTimeBy, TraceTree};
use leptos::prelude::*;
use std::sync::Arc;
use wasm_bindgen::{JsCast, JsValue};

/// Per-service or per-operation self time, computed when first opened.
#[component]
pub(crate) fn SelfTimeTable(tree: Arc<TraceTree>) -> impl IntoView {
    let open = RwSignal::new(false);
    let by = RwSignal::new(SelfTimeBy::Service);
    let t = tree.clone();
    let self_ns = Memo::new(move |_| {
        if open.get() {
            Arc::new(self_times(&t))
        } else {
            Arc::new(Vec::new())
        }
    });
    let t = tree.clone();
    let table = move || {
        if !open.get() {
            return None;
        }
        let st = self_ns.get();
        let total: f64 = st.iter().sum::<f64>().max(1.0);
        let rows = self_time_table(&t, &st, by.get());
        let shown = rows.len().min(100);
        let more = rows.len() - shown;
        let body = rows
            .into_iter()
            .take(shown)
            .map(|r| {
                view! {
                    <tr>
                        <td>{r.service}</td>
                        <td>{r.operation}</td>
                        <td class="num">{r.spans}</td>
                        <td class="num self-ns">{duration_ns(r.self_ns)}</td>
                        <td class="num">{format!("{:.1}%", r.self_ns / total * 100.0)}</td>
                        <td class="num">{duration_ns(r.total_ns)}</td>
                    </tr>
                }
            })
            .collect_view();
        Some(view! {
            <table class="data self-time-table">
                <thead><tr><th>"Service"</th><th>"Operation"</th><th>"Spans"</th><th>"Self time"</th><th>"Share"</th><th>"Total duration"</th></tr></thead>
                <tbody>{body}</tbody>
            </table>
            {(more > 0).then(|| view! { <p class="hint">{format!("… and {more} more")}</p> })}
        })
    };
    view! {
        <details class="self-time" on:toggle=move |ev| {
            let el = event_target::<web_sys::HtmlDetailsElement>(&ev);
            open.set(el.open());
        }>
            <summary>"Self time"</summary>
            <div class="flame-tools">
                <label><input type="radio" name="self-by" checked on:change=move |_| by.set(SelfTimeBy::Service)/>"by service"</label>
                <label><input type="radio" name="self-by" class="self-by-op" on:change=move |_| by.set(SelfTimeBy::Operation)/>"by operation"</label>
                <span class="hint">"Time a span spends outside its children, summed"</span>
            </div>
            {table}
        </details>
    }
}

/// Starts a browser download of `text` (a Blob, not a data: URL: a trace can be 25 MB).
pub(crate) fn download_json(name: &str, text: &str) {
    let parts = js_sys::Array::of1(&JsValue::from_str(text));
    let bag = web_sys::BlobPropertyBag::new();
    bag.set_type("application/json");
    let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &bag) else {
        return;
    };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else {
        return;
    };
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    if let Ok(a) = doc.create_element("a") {
        let a: web_sys::HtmlAnchorElement = a.unchecked_into();
        a.set_href(&url);
        a.set_download(name);
        a.click();
    }
    // Revoked later: revoking right after click() can cancel the download.
    set_timeout(
        move || {
            let _ = web_sys::Url::revoke_object_url(&url);
        },
        std::time::Duration::from_secs(60),
    );
}

/// `/trace-file`: opens a trace saved as JSON (our download, or SigNoz's
/// `/api/v1/traces/{id}` reply) from a local file.
#[component]
pub fn TraceFilePage() -> impl IntoView {
    let opened = RwSignal::new(None::<Result<Arc<TraceTree>, String>>);
    let on_file = move |ev: leptos::ev::Event| {
        let input = event_target::<web_sys::HtmlInputElement>(&ev);
        let Some(file) = input.files().and_then(|f| f.get(0)) else {
            return;
        };
        let name = file.name();
        wasm_bindgen_futures::spawn_local(async move {
            let buf = wasm_bindgen_futures::JsFuture::from(file.array_buffer()).await;
            let result = match buf {
                Ok(b) => {
                    let bytes = js_sys::Uint8Array::new(&b).to_vec();
                    parse_trace(&bytes)
                        .map(|spans| Arc::new(TraceTree::from_spans(spans)))
                        .map_err(|e| format!("{name}: {e}"))
                        .and_then(|t| {
                            if t.is_empty() {
                                Err(format!("{name}: the file holds no spans"))
                            } else {
                                Ok(t)
                            }
                        })
                }
                Err(_) => Err(format!("{name}: could not be read")),
            };
            opened.set(Some(result));
        });
    };
    view! {
        <section class="trace-page">
            <div class="trace-actions">
                <label>"Open a trace file (JSON, as downloaded here or from SigNoz): "
                    <input type="file" class="trace-file-input" accept=".json,application/json" on:change=on_file/>
                </label>
            </div>
            {move || match opened.get() {
                None => view! { <p class="empty">"No file opened."</p> }.into_any(),
                Some(Err(msg)) => view! { <p class="error" role="alert">{msg}</p> }.into_any(),
                Some(Ok(tree)) => view! { <TraceView tree=tree initial_span=None/> }.into_any(),
            }}
        </section>
    }
}
