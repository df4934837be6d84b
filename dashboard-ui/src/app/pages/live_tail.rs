//! Live tail (`/logs/logs-explorer/live`): logs matching the builder's
//! filters as they arrive, over `GET /api/v3/logs/livetail?q=<query_range
//! body>` (server-sent events, as SigNoz v0.39), with pause / resume.

use crate::app::api;
use crate::app::components::query_builder::QueryBuilder;
use crate::app::components::ErrorView;
use crate::app::state::{now_ms, use_set_query, use_url_query, with_range};
use crate::model::ListRow;
use crate::query_builder::composite::{explorer_request, query_id, ListOptions, Query};
use crate::url_state::{encode, Query as UrlQuery};
use leptos::prelude::*;
use leptos::task::spawn_local;
use serde_json::Value;

/// Lines kept on screen (newest first).
const MAX_LINES: usize = 500;

#[component]
pub fn LiveTailPage() -> impl IntoView {
    let url = use_url_query();
    let set_query = use_set_query();
    let initial_id = query_id(now_ms() as u64);
    let staged = Memo::new(move |_| {
        url.with(|u| {
            u.get("compositeQuery")
                .and_then(|p| Query::from_url_param(p).ok())
        })
        .unwrap_or_else(|| Query::initial("logs", initial_id.clone()))
    });
    let draft = RwSignal::new(staged.get_untracked());
    let lines = RwSignal::new(Vec::<ListRow>::new());
    let paused = RwSignal::new(false);
    let status = RwSignal::new(String::from("connecting…"));
    let error = RwSignal::new(None::<String>);
    // Each connection has a generation; a newer one (or leaving) stops the older reader.
    let generation = StoredValue::new(0u64);
    let connect = move || {
        generation.update_value(|g| *g += 1);
        let mine = generation.get_value();
        let q = staged.get_untracked();
        let now = now_ms();
        let list = ListOptions {
            page_size: 10,
            offset: 0,
            order_by: ("timestamp".into(), "desc".into()),
            select_columns: vec![],
        };
        let body = explorer_request(&q, "list", now - 15 * 60_000, now, 60, Some(&list));
        let path = format!("/v3/logs/livetail?q={}", encode(&body.to_string()));
        status.set("connecting…".into());
        error.set(None);
        spawn_local(async move {
            let mut parser = crate::sse::Parser::default();
            let opened = move || {
                if generation.try_get_value() == Some(mine) {
                    status.set("live".into());
                }
            };
            let result = api::stream(&path, opened, |chunk| {
                if generation.try_get_value() != Some(mine) {
                    return false;
                }
                for ev in parser.push(chunk) {
                    if ev.event != "message" {
                        continue;
                    }
                    if let Ok(Value::Object(data)) = serde_json::from_str::<Value>(&ev.data) {
                        lines.update(|l| {
                            l.insert(
                                0,
                                ListRow {
                                    timestamp: String::new(),
                                    data,
                                },
                            );
                            l.truncate(MAX_LINES);
                        });
                    }
                }
                true
            })
            .await;
            if generation.try_get_value() == Some(mine) {
                match result {
                    Ok(()) => status.set("disconnected".into()),
                    Err(e) => {
                        status.set("disconnected".into());
                        error.set(Some(e.message));
                    }
                }
            }
        });
    };
    let disconnect = move || {
        generation.update_value(|g| *g += 1);
        status.set("paused".into());
    };
    Effect::new(move |_| {
        let q = staged.get();
        draft.set(q);
        if !paused.get_untracked() {
            connect();
        }
    });
    on_cleanup(move || generation.update_value(|g| *g += 1));
    let toggle = move |_| {
        if paused.get_untracked() {
            paused.set(false);
            connect();
        } else {
            paused.set(true);
            disconnect();
        }
    };
    let apply = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let param = draft.get_untracked().to_url_param();
        set_query(Box::new(move |u: &mut UrlQuery| {
            u.insert("compositeQuery".into(), param);
        }));
    };
    let rows = move || {
        let l = lines.get();
        if l.is_empty() {
            return view! { <p class="empty">"Waiting for logs… new lines appear here as they are ingested."</p> }.into_any();
        }
        super::log_detail::log_rows(
            l,
            &url.get_untracked(),
            &crate::query_builder::list_view::ViewOptions::default_for("logs"),
        )
    };
    view! {
        <section class="explorer">
            <div class="toolbar">
                <h1>"Live tail"</h1>
                <span class=move || format!("badge live-{}", status.get().trim_end_matches('…'))>{move || status.get()}</span>
                <button type="button" on:click=toggle>{move || if paused.get() { "▶ Resume" } else { "⏸ Pause" }}</button>
                <button type="button" on:click=move |_| lines.set(Vec::new())>"Clear"</button>
                <span class="grow"></span>
                <a href=move || url.with(|u| {
                    let mut keep = UrlQuery::new();
                    if let Some(c) = u.get("compositeQuery") { keep.insert("compositeQuery".into(), c.clone()); }
                    with_range("/logs/logs-explorer", u) + "&" + &crate::url_state::encode_query(&keep)
                })>"← Logs explorer"</a>
            </div>
            <form class="qb-form" on:submit=apply>
                <QueryBuilder query=draft/>
                <div class="qb-run"><button type="submit" class="primary">"Apply filters"</button></div>
            </form>
            {move || error.get().map(|m| view! { <ErrorView message=m/> })}
            {rows}
        </section>
    }
}
