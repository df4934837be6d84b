//! Trace detail from our server's streamed compact reply (shown from its
//! first rows, growing in batches as the rest arrives) or SigNoz's
//! `GET /api/v1/traces/{id}`: a virtualised waterfall
//! (DOM rows only for what is on screen), a flame graph whose boxes are
//! bounded by pixels × levels, and the span panel. Keyboard: ↑/↓ move,
//! ←/→ collapse/expand (or go to parent/child), Enter opens the span,
//! `/` searches spans. Tools: in-trace filter ("N hidden" rows), critical
//! path, self time, compare with another trace, download as JSON.

use crate::app::api;
use crate::app::components::{palette, ErrorView, Loading};
use crate::app::state::use_url_query;
use crate::format::{datetime_ms, duration_ns};
use crate::query_builder::explore_link::explorer_filter_link;
use crate::trace::{
    critical_path, filter_rows, flame_rects, parse_duration_ms, ruler_ticks, trace_json,
    virtual_window, CompactStream, Row, SpanEvent, SpanFilter, TraceTree,
};
use leptos::html;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use std::sync::Arc;

const ROW_H: f64 = 24.0;
const OVERSCAN: usize = 12;
const FLAME_W: f64 = 1000.0;
const FLAME_ROW: f64 = 18.0;
const FLAME_LEVELS: u32 = 16;
/// Indentation stops growing past this depth (the depth is still shown).
const MAX_INDENT: u32 = 24;
/// Least distance between two ruler labels, px.
const TICK_GAP: f64 = 90.0;

const RESOURCE_PREFIXES: [&str; 13] = [
    "service.",
    "telemetry.",
    "host.",
    "os.",
    "process.",
    "container.",
    "k8s.",
    "cloud.",
    "deployment.",
    "browser.",
    "device.",
    "webengine.",
    "faas.",
];

fn is_resource_key(k: &str) -> bool {
    RESOURCE_PREFIXES.iter().any(|p| k.starts_with(p))
}

/// How much of a trace is in the view.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub(crate) struct Progress {
    /// Spans in the view.
    pub loaded: usize,
    /// Spans the server said the trace has (compact reply).
    pub total: Option<u64>,
    /// The whole reply is in.
    pub done: bool,
}

#[derive(Debug, Clone, PartialEq)]
enum Phase {
    Waiting,
    Shown,
    NotFound,
    Failed(String),
}

/// Rows before the waterfall first shows: one chunk of the server's reply.
const FIRST_ROWS: usize = 1000;
/// At most this long between two re-layouts while a trace streams in.
const BATCH_MS: f64 = 1000.0;
/// Parse at most this long before letting the browser paint and handle input.
const SLICE_MS: f64 = 40.0;
/// Bytes parsed between two looks at the clock.
const SLICE_BYTES: usize = 128 * 1024;

#[component]
pub fn TraceDetailPage() -> impl IntoView {
    let params = use_params_map();
    let q = use_url_query();
    let trace_id = Memo::new(move |_| params.get().get("id").unwrap_or_default());
    let tree = RwSignal::new(Arc::new(TraceTree::default()));
    let progress = RwSignal::new(Progress::default());
    let phase = RwSignal::new(Phase::Waiting);
    // Which load is current: a newer trace id (or leaving the page) stops the older one.
    let run = StoredValue::new(0u64);
    Effect::new(move |_| {
        let id = trace_id.get();
        let me = run.get_value() + 1;
        run.set_value(me);
        phase.set(Phase::Waiting);
        tree.set(Arc::new(TraceTree::default()));
        progress.set(Progress::default());
        leptos::task::spawn_local(async move {
            let live = move || run.try_get_value() == Some(me);
            if let Err(e) = load_trace(&id, tree, progress, phase, live).await {
                if live() {
                    phase.set(Phase::Failed(e));
                }
            }
        });
    });
    let shown = Memo::new(move |_| phase.get());
    view! {
        <section class="trace-page" data-loaded=move || if progress.with(|p| p.done) { "complete" } else { "partial" }>
            {move || match shown.get() {
                Phase::Waiting => view! { <Loading/> }.into_any(),
                Phase::Failed(message) => view! { <ErrorView message=message/> }.into_any(),
                Phase::NotFound => view! { <p class="empty">{format!("Trace {} was not found.", trace_id.get_untracked())}</p> }.into_any(),
                Phase::Shown => {
                    // `span=` from our links, `spanId=` from SigNoz's.
                    let initial = q.with_untracked(|q| q.get("span").or_else(|| q.get("spanId")).cloned());
                    view! { <LiveTraceView tree=tree.read_only() progress=progress.read_only() initial_span=initial/> }.into_any()
                }
            }}
        </section>
    }
}

/// Resolves after the browser had a chance to paint and handle input.
async fn yield_to_browser() {
    let p = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(w) = web_sys::window() {
            let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 0);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(p).await;
}

fn now_ms() -> f64 {
    js_sys::Date::now()
}

/// Reads the trace into `tree`: a compact reply in batches as it arrives (the
/// view shows from the first [`FIRST_ROWS`] on and grows per batch), a v0.39
/// reply whole. Stops quietly once `live` says this load is no longer wanted.
async fn load_trace(
    id: &str,
    tree: RwSignal<Arc<TraceTree>>,
    progress: RwSignal<Progress>,
    phase: RwSignal<Phase>,
    live: impl Fn() -> bool,
) -> Result<(), String> {
    let path = format!("/v1/traces/{id}");
    let bad = |e: String| format!("unexpected reply from {path}: {e}");
    let reader = match api::trace_body(id).await.map_err(|e| e.message)? {
        api::TraceBody::Whole(bytes) => {
            let spans = crate::trace::parse_trace(&bytes).map_err(bad)?;
            if !live() {
                return Ok(());
            }
            let t = TraceTree::from_spans(spans);
            let n = t.len();
            tree.set(Arc::new(t));
            progress.set(Progress {
                loaded: n,
                total: Some(n as u64),
                done: true,
            });
            phase.set(if n == 0 {
                Phase::NotFound
            } else {
                Phase::Shown
            });
            return Ok(());
        }
        api::TraceBody::Stream(reader) => reader,
    };
    let mut stream = CompactStream::new();
    let mut pending = Vec::new();
    let (mut last_batch, mut last_yield) = (now_ms(), now_ms());
    loop {
        let chunk = api::read_chunk(&reader).await.map_err(|e| e.message)?;
        if !live() {
            let _ = reader.cancel();
            return Ok(());
        }
        let done = chunk.is_none();
        match chunk {
            // A read can hand over megabytes at once (all that arrived while the app
            // booted): parse it in slices, letting the browser in between.
            Some(bytes) => {
                for piece in bytes.chunks(SLICE_BYTES) {
                    tree.with_untracked(|t| stream.push(piece, &t.spans, &mut pending))
                        .map_err(bad)?;
                    if now_ms() - last_yield >= SLICE_MS {
                        yield_to_browser().await;
                        last_yield = now_ms();
                        if !live() {
                            let _ = reader.cancel();
                            return Ok(());
                        }
                    }
                }
            }
            None => stream.finish().map_err(bad)?,
        }
        let in_view = tree.with_untracked(|t| t.len());
        // Re-layout per batch (each at least half the spans already shown, or after
        // BATCH_MS), never per span: a layout is linear in the whole trace.
        let due = done
            || pending.len() >= (in_view / 2).max(FIRST_ROWS)
            || (!pending.is_empty() && now_ms() - last_batch >= BATCH_MS);
        if due {
            let batch = std::mem::take(&mut pending);
            if !batch.is_empty() {
                tree.update(|t| {
                    let t = Arc::make_mut(t);
                    if t.is_empty() {
                        // The announced total, capped in case a server announces nonsense.
                        let total = stream.total().unwrap_or(0).min(5_000_000) as usize;
                        t.reserve(total.max(batch.len()));
                    }
                    t.append(batch)
                });
            }
            let loaded = tree.with_untracked(|t| t.len());
            progress.set(Progress {
                loaded,
                total: stream.total(),
                done,
            });
            if phase.get_untracked() == Phase::Waiting && (done || loaded > 0) {
                phase.set(if loaded == 0 {
                    Phase::NotFound
                } else {
                    Phase::Shown
                });
            }
            last_batch = now_ms();
        }
        if done {
            return Ok(());
        }
        // Chunks already queued resolve without a task boundary: let the browser
        // paint and handle input between them.
        if due || now_ms() - last_yield >= SLICE_MS {
            yield_to_browser().await;
            last_yield = now_ms();
        }
    }
}

/// The trace view over a whole trace (a file, a test).
#[component]
pub(crate) fn TraceView(tree: Arc<TraceTree>, initial_span: Option<String>) -> impl IntoView {
    let n = tree.len();
    let progress = Progress {
        loaded: n,
        total: Some(n as u64),
        done: true,
    };
    view! {
        <LiveTraceView tree=RwSignal::new(tree).read_only() progress=RwSignal::new(progress).read_only()
            initial_span=initial_span/>
    }
}

/// The trace view over a trace that may still be arriving: the waterfall,
/// search and keyboard work from the first rows on; the tools that need the
/// whole trace (filter, critical path, compare, download, flame graph, self
/// time) appear once it is complete.
#[component]
fn LiveTraceView(
    tree: ReadSignal<Arc<TraceTree>>,
    progress: ReadSignal<Progress>,
    initial_span: Option<String>,
) -> impl IntoView {
    let done = Memo::new(move |_| progress.with(|p| p.done));
    let collapsed = RwSignal::new(Vec::<bool>::new());
    let filter = RwSignal::new(SpanFilter::default());
    let rows = Memo::new(move |_| {
        tree.with(|t| {
            let spans = collapsed.with(|c| t.visible_rows(c));
            filter.with(|f| filter_rows(t, &spans, f))
        })
    });
    // Computed the first time it is switched on (the switch shows once the trace is complete).
    let crit_on = RwSignal::new(false);
    let crit = Memo::new(move |_| {
        if crit_on.get() {
            tree.with(|t| critical_path(t))
        } else {
            Vec::new()
        }
    });
    let on_crit = move |i: u32| crit.with(|c| c.get(i as usize).copied().unwrap_or(false));
    let is_collapsed =
        move |i: u32| collapsed.with(|c| c.get(i as usize).copied().unwrap_or(false));
    let scroll_top = RwSignal::new(0.0_f64);
    let viewport_h = RwSignal::new(600.0_f64);
    let cursor = RwSignal::new(0usize);
    let selected = RwSignal::new(None::<u32>);
    let matches = RwSignal::new(Vec::<u32>::new());
    let match_pos = RwSignal::new(0usize);
    let scroller = NodeRef::<html::Div>::new();
    let ruler_track = NodeRef::<html::Div>::new();
    // The ruler's track width and the waterfall's scrollbar width (the ruler sits outside
    // the scroller, so it is padded by the scrollbar to line up with the bars).
    let ruler_w = RwSignal::new(0.0_f64);
    let scrollbar_w = RwSignal::new(0.0_f64);
    let measure = move || {
        if let Some(el) = scroller.get_untracked() {
            scrollbar_w.set((el.offset_width() - el.client_width()).max(0) as f64);
        }
        if let Some(el) = ruler_track.get_untracked() {
            ruler_w.set(el.client_width() as f64);
        }
    };
    let on_resize = window_event_listener(leptos::ev::resize, move |_| measure());
    on_cleanup(move || on_resize.remove());
    let search_box = NodeRef::<html::Input>::new();
    // Spans that arrived since `collapsed` was sized start expanded.
    let sized = move |c: &mut Vec<bool>| {
        let n = tree.with_untracked(|t| t.len());
        if c.len() < n {
            c.resize(n, false);
        }
    };

    // Scrolls so the cursor row is on screen.
    let ensure_visible = move |k: usize| {
        if let Some(el) = scroller.get_untracked() {
            let top = k as f64 * ROW_H;
            let h = el.client_height() as f64;
            let cur = el.scroll_top() as f64;
            if top < cur {
                el.set_scroll_top(top as i32);
            } else if top + ROW_H > cur + h {
                el.set_scroll_top((top + ROW_H - h) as i32);
            }
        }
    };
    let focus_span = move |i: u32| {
        tree.with_untracked(|t| {
            collapsed.update(|c| {
                sized(c);
                t.reveal(i, c)
            })
        });
        if let Some(k) = rows.with_untracked(|r| r.iter().position(|&r| r == Row::Span(i))) {
            cursor.set(k);
            ensure_visible(k);
        }
        selected.set(Some(i));
    };
    Effect::new(move |prev: Option<()>| {
        if prev.is_none() {
            if let Some(el) = scroller.get() {
                viewport_h.set(el.client_height().max(200) as f64);
                let _ = el.set_attribute("data-ready", "true");
                // After the first layout, when the scroller knows whether it scrolls.
                request_animation_frame(measure);
            }
        }
    });
    // The initial span from the URL (a link from an explorer), once it has arrived.
    let initial = StoredValue::new(initial_span);
    Effect::new(move |_| {
        let Some(id) = initial.get_value() else {
            return;
        };
        if let Some(i) = tree.with(|t| t.index_of(&id)) {
            initial.set_value(None);
            request_animation_frame(move || focus_span(i));
        } else if done.get() {
            initial.set_value(None);
        }
    });

    let window = Memo::new(move |_| {
        virtual_window(
            scroll_top.get(),
            viewport_h.get(),
            ROW_H,
            rows.with(Vec::len),
            OVERSCAN,
        )
    });
    // Keyed by the span count too: a row is drawn again when a batch arrives (its bar
    // moves as the trace's end grows, a child may have come).
    let visible = Memo::new(move |_| {
        let w = window.get();
        let n = tree.with(|t| t.len());
        rows.with(|r| (w.first..w.end).map(|k| (k, r[k], n)).collect::<Vec<_>>())
    });

    let toggle = move |i: u32| {
        if tree.with_untracked(|t| !t.children[i as usize].is_empty()) {
            collapsed.update(|c| {
                sized(c);
                c[i as usize] = !c[i as usize]
            });
        }
    };
    let on_key = move |ev: leptos::ev::KeyboardEvent| {
        let total = rows.with_untracked(Vec::len);
        if total == 0 {
            return;
        }
        let k = cursor.get_untracked().min(total - 1);
        let row = rows.with_untracked(|r| r[k]);
        let page = (viewport_h.get_untracked() / ROW_H) as usize;
        let move_to = |k2: usize| {
            let k2 = k2.min(total - 1);
            cursor.set(k2);
            ensure_visible(k2);
        };
        let t = tree.get_untracked();
        match ev.key().as_str() {
            "ArrowDown" => move_to(k + 1),
            "ArrowUp" => move_to(k.saturating_sub(1)),
            "PageDown" => move_to(k + page),
            "PageUp" => move_to(k.saturating_sub(page)),
            "Home" => move_to(0),
            "End" => move_to(total - 1),
            "ArrowRight" | "ArrowLeft" | "Enter" | " " if row.span().is_none() => {}
            "ArrowRight" => {
                let i = row.span().unwrap_or_default();
                if is_collapsed(i) {
                    toggle(i);
                } else if !t.children[i as usize].is_empty() {
                    move_to(k + 1);
                }
            }
            "ArrowLeft" => {
                let i = row.span().unwrap_or_default();
                if !is_collapsed(i) && !t.children[i as usize].is_empty() {
                    toggle(i);
                } else if let Some(p) = t.parent[i as usize] {
                    if let Some(pk) =
                        rows.with_untracked(|r| r[..k].iter().rposition(|&x| x == Row::Span(p)))
                    {
                        move_to(pk);
                    }
                }
            }
            "Enter" | " " => selected.set(row.span()),
            "Escape" => selected.set(None),
            "/" => {
                if let Some(input) = search_box.get_untracked() {
                    let _ = input.focus();
                }
            }
            _ => return,
        }
        ev.prevent_default();
    };

    // Searches the spans in the view (all of them once the trace is complete).
    let on_search_key = move |ev: leptos::ev::KeyboardEvent| match ev.key().as_str() {
        "Enter" => {
            ev.prevent_default();
            let needle = search_box
                .get_untracked()
                .map(|i| i.value())
                .unwrap_or_default();
            let found = tree.with_untracked(|t| t.search(&needle));
            let pos = if matches.with_untracked(|m| *m == found) && !found.is_empty() {
                (match_pos.get_untracked() + if ev.shift_key() { found.len() - 1 } else { 1 })
                    % found.len()
            } else {
                0
            };
            if let Some(&i) = found.get(pos) {
                focus_span(i);
            }
            matches.set(found);
            match_pos.set(pos);
        }
        "Escape" => {
            if let Some(el) = scroller.get_untracked() {
                let _ = el.focus();
            }
        }
        _ => {}
    };

    let header = move || {
        let complete = done.get();
        tree.with(|t| trace_header(t, complete))
    };
    let row_view = move |(k, row, _): (usize, Row, usize)| {
        let i = match row {
            Row::Span(i) => i,
            Row::Hidden(count) => {
                return view! {
                    <div class="wf-row wf-hidden" role="row" style=format!("top:{}px", k as f64 * ROW_H)
                        class:cursor=move || cursor.get() == k on:click=move |_| cursor.set(k)>
                        {format!("{count} hidden")}
                    </div>
                }
                .into_any();
            }
        };
        let t = tree.get_untracked();
        let s = &t.spans[i as usize];
        let depth = t.depth[i as usize];
        let (left, width) = t.bar(i);
        let colour = palette(t.service_index[i as usize] as usize);
        let has_children = !t.children[i as usize].is_empty();
        let hidden = t.descendants[i as usize];
        let glyph = move || {
            if !has_children {
                "·"
            } else if is_collapsed(i) {
                "▸"
            } else {
                "▾"
            }
        };
        let hidden_note =
            move || (has_children && is_collapsed(i)).then(|| format!(" (+{hidden})"));
        view! {
            <div class="wf-row" role="row" style=format!("top:{}px", k as f64 * ROW_H)
                class:cursor=move || cursor.get() == k
                class:selected=move || selected.get() == Some(i)
                class:error=s.has_error
                class:crit=move || on_crit(i)
                aria-selected=move || (selected.get() == Some(i)).to_string()
                on:click=move |_| { cursor.set(k); selected.set(Some(i)); }>
                <div class="wf-name" style=format!("padding-left:{}px", depth.min(MAX_INDENT) * 12 + 4)>
                    <button class="twisty" tabindex="-1" aria-label="Collapse or expand"
                        on:click=move |ev| { ev.stop_propagation(); toggle(i); }>{glyph}</button>
                    <span class="svc-dot" style=format!("background:{colour}")></span>
                    <span class="svc">{s.service.to_string()}</span>
                    " "
                    <span class="op">{s.name.to_string()}</span>
                    {hidden_note}
                    {(depth > MAX_INDENT).then(|| format!(" [depth {depth}]"))}
                </div>
                <div class="wf-track">
                    <div class="wf-bar" style=format!("left:{:.3}%;width:max({:.3}%,2px);background:{colour}", left * 100.0, width * 100.0)></div>
                    <span class="wf-dur" style=format!("left:{:.3}%", (left * 100.0).min(90.0))>
                        {duration_ns(s.duration_ns)}{s.has_error.then_some(" ⚠ error")}
                    </span>
                </div>
            </div>
        }
        .into_any()
    };

    let panel = move || {
        selected
            .get()
            .map(|i| tree.with_untracked(|t| span_panel(t, i, focus_span)))
    };
    // Times from the trace's start over the whole trace, as the bars are drawn; it
    // grows with the trace while it streams in.
    let ticks = Memo::new(move |_| {
        let span_ns = tree.with(|t| t.duration_ms() * 1e6);
        ruler_ticks(0.0, span_ns, ruler_w.get(), TICK_GAP)
    });
    let ruler = move || {
        ticks
            .get()
            .into_iter()
            .map(|t| {
                let edge = if t.frac > 0.0 && t.frac >= 1.0 - 60.0 / ruler_w.get().max(60.0) {
                    " end"
                } else {
                    ""
                };
                view! {
                    <div class=format!("wf-tick{edge}") style=format!("left:{:.3}%", t.frac * 100.0)>
                        <span class="wf-tick-label">{t.label}</span>
                    </div>
                }
            })
            .collect_view()
    };
    let total_h = move || format!("height:{}px", rows.with(Vec::len) as f64 * ROW_H);
    let scroll_to_top = move || {
        cursor.set(0);
        if let Some(el) = scroller.get_untracked() {
            el.set_scroll_top(0);
        }
    };
    Effect::new(move |_| {
        filter.track();
        scroll_to_top();
    });
    // What needs the whole trace, once it is complete; until then how far loading got.
    let whole = move || {
        if !done.get() {
            let p = progress.get();
            let of = p.total.map(|m| format!(" of {m}")).unwrap_or_default();
            return view! {
                <p class="trace-loading hint" role="status">{format!("loading {}{of} spans…", p.loaded)}</p>
            }
            .into_any();
        }
        let t = tree.get_untracked();
        view! {
            {trace_tools(&t, filter, crit_on, rows, t.len())}
            <FlameGraph tree=t.clone() selected=selected crit=crit/>
            <super::trace_tools::SelfTimeTable tree=t.clone()/>
        }
        .into_any()
    };
    view! {
        {header}
        {whole}
        <div class="trace-body">
            <div class="waterfall">
                <div class="wf-tools">
                    <input type="search" node_ref=search_box placeholder="Search spans ( / )" aria-label="Search spans"
                        on:keydown=on_search_key/>
                    <span class="hint">{move || {
                        let m = matches.with(Vec::len);
                        if m == 0 { String::new() } else { format!("{} / {m} matches", match_pos.get() + 1) }
                    }}</span>
                    <button on:click=move |_| collapsed.set(Vec::new())>"Expand all"</button>
                    <span class="hint">"↑↓ move · ←→ collapse/expand · Enter details · / search"</span>
                </div>
                <div class="wf-ruler" aria-hidden="true" style=move || format!("padding-right:{}px", scrollbar_w.get())>
                    <div class="wf-name hint">"Time from trace start"</div>
                    <div class="wf-track" node_ref=ruler_track>{ruler}</div>
                </div>
                <div class="wf-scroll" node_ref=scroller tabindex="0" role="treegrid" aria-label="Waterfall"
                    on:scroll=move |ev| {
                        let el = event_target::<web_sys::Element>(&ev);
                        scroll_top.set(el.scroll_top() as f64);
                    }
                    on:keydown=on_key>
                    <div class="wf-spacer" style=total_h>
                        <For each=move || visible.get() key=|kv| *kv children=row_view/>
                    </div>
                </div>
            </div>
            {panel}
        </div>
    }
}

/// Title, facts and legend; a missing parent is reported once the trace is complete (until
/// then it may still come).
fn trace_header(tree: &TraceTree, complete: bool) -> impl IntoView {
    let root = tree.roots.first().map(|&r| &tree.spans[r as usize]);
    let title = root
        .map(|s| format!("{}: {}", s.service, s.name))
        .unwrap_or_default();
    let missing = if complete {
        tree.missing_parent_count()
    } else {
        0
    };
    let legend = tree
        .services
        .iter()
        .enumerate()
        .map(|(i, s)| view! { <li><span class="swatch" style=format!("background:{}", palette(i))></span>{s.clone()}</li> })
        .collect_view();
    let offset = -(js_sys::Date::new_0().get_timezone_offset() as i64);
    view! {
        <div class="trace-head">
            <h1>{title}</h1>
            <dl class="facts">
                <dt>"Trace"</dt><dd class="mono">{tree.spans[0].trace_id.to_string()}</dd>
                <dt>"Start"</dt><dd>{datetime_ms(tree.start_ms, offset)}</dd>
                <dt>"Duration"</dt><dd>{duration_ns(tree.duration_ms() * 1e6)}</dd>
                <dt>"Spans"</dt><dd class="span-count">{tree.len()}</dd>
                <dt>"Errors"</dt><dd>{tree.error_count()}</dd>
                <dt>"Depth"</dt><dd>{tree.max_depth + 1}</dd>
            </dl>
            {(missing > 0).then(|| view! {
                <div class="warn" role="status">{format!("{missing} span(s) reference a parent that is not in this trace; they are shown as roots.")}</div>
            })}
            <ul class="legend">{legend}</ul>
        </div>
    }
}

#[component]
fn FlameGraph(
    tree: Arc<TraceTree>,
    selected: RwSignal<Option<u32>>,
    crit: Memo<Vec<bool>>,
) -> impl IntoView {
    let zoom = RwSignal::new((tree.start_ms, tree.end_ms));
    let top = RwSignal::new(0u32);
    let max_depth = tree.max_depth;
    let t = tree.clone();
    let full = (tree.start_ms, tree.end_ms);
    // Boxes carry no handlers or reactive classes of their own (a big trace draws thousands):
    // one click handler on the SVG finds the box by `data-i`, one overlay marks the selection.
    let boxes = move || {
        let (t0, t1) = zoom.get();
        let d0 = top.get();
        let crit = crit.get();
        flame_rects(&t, t0, t1, FLAME_W, d0, d0 + FLAME_LEVELS)
            .into_iter()
            .map(|r| {
                let s = &t.spans[r.span as usize];
                let y = (r.depth - d0) as f64 * FLAME_ROW;
                let colour = palette(t.service_index[r.span as usize] as usize);
                let on_path = crit.get(r.span as usize).copied().unwrap_or(false);
                let label = if r.width > 50.0 {
                    let max_chars = (r.width / 7.0) as usize;
                    Some(s.name.chars().take(max_chars).collect::<String>())
                } else {
                    None
                };
                let tip = if r.merged > 0 {
                    format!("{} and {} more spans", s.name, r.merged)
                } else {
                    format!(
                        "{} · {} · {}",
                        s.service,
                        s.name,
                        duration_ns(s.duration_ns)
                    )
                };
                view! {
                    <g class="fl-box" class:error=s.has_error class:crit=on_path data-i=r.span>
                        <rect x=r.x y=y width=r.width height=FLAME_ROW - 1.0 fill=colour></rect>
                        <title>{tip}</title>
                        {label.map(|l| view! { <text x=r.x + 3.0 y=y + 12.5>{l}</text> })}
                    </g>
                }
                .into_any()
            })
            .collect_view()
    };
    let t = tree.clone();
    let highlight = move || {
        let i = selected.get()?;
        let (t0, t1) = zoom.get();
        let d = t.depth[i as usize]
            .checked_sub(top.get())
            .filter(|d| *d < FLAME_LEVELS)?;
        let s = &t.spans[i as usize];
        let scale = FLAME_W / (t1 - t0).max(1e-9);
        let x = ((s.start_ms - t0) * scale).clamp(0.0, FLAME_W);
        let w = (((s.end_ms() - t0) * scale).clamp(0.0, FLAME_W) - x).max(1.0);
        Some(
            view! { <rect class="fl-selected" x=x y=d as f64 * FLAME_ROW width=w height=FLAME_ROW - 1.0></rect> },
        )
    };
    let t = tree.clone();
    let on_click = move |ev: leptos::ev::MouseEvent| {
        let hit = event_target::<web_sys::Element>(&ev)
            .closest(".fl-box")
            .ok()
            .flatten();
        if let Some(i) = hit
            .and_then(|g| g.get_attribute("data-i"))
            .and_then(|v| v.parse::<u32>().ok())
        {
            if let Some(s) = t.spans.get(i as usize) {
                selected.set(Some(i));
                if s.end_ms() > s.start_ms {
                    zoom.set((s.start_ms, s.end_ms()));
                }
            }
        }
    };
    let levels = (max_depth + 1).min(FLAME_LEVELS);
    view! {
        <details class="flame" open>
            <summary>"Flame graph"</summary>
            <div class="flame-tools">
                <button on:click=move |_| zoom.set(full)>"Reset zoom"</button>
                <button disabled=move || top.get() == 0 on:click=move |_| top.update(|d| *d = d.saturating_sub(4))>"▲ Shallower"</button>
                <button disabled=move || { top.get() + FLAME_LEVELS > max_depth } on:click=move |_| top.update(|d| *d += 4)>"▼ Deeper"</button>
                <span class="hint">{move || format!("levels {}–{} of {}", top.get(), (top.get() + FLAME_LEVELS).min(max_depth + 1), max_depth + 1)}</span>
            </div>
            <svg class="flame-svg" viewBox=format!("0 0 {FLAME_W} {}", levels as f64 * FLAME_ROW) preserveAspectRatio="none"
                style=format!("height:{}px", levels as f64 * FLAME_ROW) on:click=on_click>
                {boxes}
                {highlight}
            </svg>
        </details>
    }
}

fn span_panel(
    tree: &TraceTree,
    i: u32,
    focus: impl Fn(u32) + Clone + Send + Sync + 'static,
) -> impl IntoView {
    let s = &tree.spans[i as usize];
    let offset = -(js_sys::Date::new_0().get_timezone_offset() as i64);
    let (res, attrs): (Vec<_>, Vec<_>) = s.tags().partition(|(k, _)| is_resource_key(k));
    // Each value links to the traces explorer filtered on it, over the trace's window ± 1 min.
    let (from, to) = (tree.start_ms as i64 - 60_000, tree.end_ms as i64 + 60_000);
    // Tag search (v0.39's span panel): hides attribute and resource rows whose key and value
    // both miss the text (case-insensitive).
    let search = RwSignal::new(String::new());
    let total = res.len() + attrs.len();
    let all: Vec<String> = res
        .iter()
        .chain(attrs.iter())
        .map(|(k, v)| format!("{k}\u{0}{v}").to_lowercase())
        .collect();
    let shown = move || {
        let n = search.get().trim().to_lowercase();
        all.iter().filter(|t| t.contains(&n)).count()
    };
    let kv_table = move |pairs: Vec<(&str, &str)>, resource: bool| {
        if pairs.is_empty() {
            return view! { <p class="empty">"None"</p> }.into_any();
        }
        view! {
            <table class="kv"><tbody>
                {pairs.into_iter().map(|(k, v)| {
                    let href = explorer_filter_link("traces", k, v, resource, from, to);
                    let (kl, vl) = (k.to_lowercase(), v.to_lowercase());
                    let hidden = move || {
                        let n = search.get().trim().to_lowercase();
                        !n.is_empty() && !kl.contains(&n) && !vl.contains(&n)
                    };
                    view! { <tr class:hidden=hidden><th>{k.to_string()}</th><td>{v.to_string()}" "
                        <a class="explore" href=href title="Spans with this value in the traces explorer" aria-label=format!("Explore {k} = {v}")>"⌕"</a></td></tr> }
                }).collect_view()}
            </tbody></table>
        }
        .into_any()
    };
    let events = s
        .events
        .iter()
        .map(|text| match SpanEvent::parse(text) {
            Ok(e) => view! {
                <li class:error=e.is_error>
                    <strong>{e.name.clone()}</strong>
                    " at "{datetime_ms(e.time_unix_nano / 1e6, offset)}
                    <table class="kv"><tbody>
                        {e.attributes.iter().map(|(k, v)| view! { <tr><th>{k.clone()}</th><td><pre>{v.clone()}</pre></td></tr> }).collect_view()}
                    </tbody></table>
                </li>
            }
            .into_any(),
            Err(msg) => view! { <li class="error">{msg}</li> }.into_any(),
        })
        .collect_view();
    let links = s
        .links()
        .map(|r| {
            let target = tree.index_of(&r.span_id);
            let focus = focus.clone();
            let label = format!("{} / {}", r.trace_id, r.span_id);
            match target {
                Some(t) => view! { <li><button class="link" on:click=move |_| focus(t)>{label}</button></li> }.into_any(),
                None => view! { <li><a href=format!("/trace/{}?span={}", r.trace_id, r.span_id)>{label}</a></li> }.into_any(),
            }
        })
        .collect_view();
    let parent = tree.parent[i as usize].map(|p| {
        let focus = focus.clone();
        let name = tree.spans[p as usize].name.to_string();
        view! { <button class="link" on:click=move |_| focus(p)>{name}</button> }
    });
    let missing = tree.missing_parent[i as usize].then(|| s.parent_id().unwrap_or("").to_string());
    view! {
        <aside class="span-panel" aria-label="Span details">
            <h2>{s.name.to_string()}</h2>
            <dl class="facts">
                <dt>"Service"</dt><dd>{s.service.to_string()}</dd>
                <dt>"Kind"</dt><dd>{s.kind.label()}</dd>
                <dt>"Duration"</dt><dd>{duration_ns(s.duration_ns)}</dd>
                <dt>"Start"</dt><dd>{datetime_ms(s.start_ms, offset)}</dd>
                <dt>"Status"</dt><dd>{if s.has_error { "error" } else { "ok" }}</dd>
                <dt>"Span ID"</dt><dd class="mono">{s.span_id.clone()}</dd>
                <dt>"Parent"</dt><dd>{parent}{missing.map(|m| format!("missing ({m})"))}</dd>
            </dl>
            <div class="tag-search">
                <input type="search" placeholder="Search tags (key or value)…" aria-label="Search tags"
                    prop:value=move || search.get() on:input=move |ev| search.set(event_target_value(&ev))/>
                {move || (!search.get().trim().is_empty()).then(|| view! {
                    <span class="hint" role="status">{format!("{} of {total} tags match", shown())}</span>
                })}
            </div>
            <h3>"Attributes"</h3>
            {kv_table(attrs, false)}
            <h3>"Resource"</h3>
            {kv_table(res, true)}
            <h3>{format!("Events ({})", s.events.len())}</h3>
            <ul class="events">{events}</ul>
            <h3>"Links"</h3>
            <ul>{links}</ul>
            <p><a href=crate::url_state::trace_logs_link(&s.trace_id, tree.start_ms, tree.end_ms)>"Logs of this trace →"</a></p>
        </aside>
    }
}

/// The bar above the flame graph: filter, critical path, compare, download.
fn trace_tools(
    tree: &Arc<TraceTree>,
    filter: RwSignal<SpanFilter>,
    crit_on: RwSignal<bool>,
    rows: Memo<Vec<Row>>,
    n: usize,
) -> impl IntoView {
    let service = RwSignal::new(String::new());
    let errors = RwSignal::new(false);
    let min = RwSignal::new(String::new());
    let max = RwSignal::new(String::new());
    let attr = RwSignal::new(String::new());
    let apply = move || {
        filter.set(SpanFilter {
            service: service.get_untracked(),
            errors_only: errors.get_untracked(),
            min_duration_ms: parse_duration_ms(&min.get_untracked()),
            max_duration_ms: parse_duration_ms(&max.get_untracked()),
            attribute: attr.get_untracked(),
        })
    };
    let clear = move || {
        service.set(String::new());
        errors.set(false);
        min.set(String::new());
        max.set(String::new());
        attr.set(String::new());
        filter.set(SpanFilter::default());
    };
    let on_enter = move |ev: leptos::ev::KeyboardEvent| {
        if ev.key() == "Enter" {
            apply();
        }
    };
    let text = |sig: RwSignal<String>, class: &'static str, placeholder: &'static str| {
        view! {
            <input type="text" class=class placeholder=placeholder aria-label=placeholder size="10"
                prop:value=move || sig.get() on:input=move |ev| sig.set(event_target_value(&ev)) on:keydown=on_enter/>
        }
    };
    let services = tree
        .services
        .iter()
        .map(|s| view! { <option value=s.clone()>{s.clone()}</option> })
        .collect_view();
    let summary = move || {
        filter.with(|f| !f.is_empty()).then(|| {
            let (shown, hidden) = rows.with(|r| {
                r.iter().fold((0u32, 0u32), |(s, h), row| match row {
                    Row::Span(_) => (s + 1, h),
                    Row::Hidden(c) => (s, h + c),
                })
            });
            format!("{shown} shown, {hidden} hidden")
        })
    };
    let trace_id = tree
        .spans
        .first()
        .map(|s| s.trace_id.to_string())
        .unwrap_or_default();
    let other = RwSignal::new(String::new());
    // A link, so the router navigates (and the view works without one, in tests).
    let id = trace_id.clone();
    let compare_href = move || {
        format!(
            "/trace-compare?a={}&b={}",
            crate::url_state::encode(&id),
            crate::url_state::encode(other.with(|b| b.trim().to_string()).as_str())
        )
    };
    let compare_link = NodeRef::<html::A>::new();
    let go = move || {
        if let Some(a) = compare_link.get_untracked() {
            a.click();
        }
    };
    let t = tree.clone();
    view! {
        <div class="trace-actions">
            <form class="span-filter" aria-label="Filter spans" on:submit=move |ev| { ev.prevent_default(); apply(); }>
                <select class="filter-service" aria-label="Service" on:change=move |ev| service.set(event_target_value(&ev))
                    prop:value=move || service.get()>
                    <option value="">"All services"</option>
                    {services}
                </select>
                <label><input type="checkbox" class="filter-errors" prop:checked=move || errors.get()
                    on:change=move |ev| errors.set(event_target_checked(&ev))/>"errors"</label>
                {text(min, "filter-min", "min duration")}
                {text(max, "filter-max", "max duration")}
                {text(attr, "filter-attr", "attribute[=value]")}
                <button type="submit" class="filter-apply">"Filter"</button>
                <button type="button" on:click=move |_| clear()>"Clear"</button>
                <span class="hint filter-summary">{summary}</span>
            </form>
            <label><input type="checkbox" class="crit-toggle" on:change=move |ev| crit_on.set(event_target_checked(&ev))/>"Critical path"</label>
            <span class="compare-with">
                <input type="text" class="compare-id" placeholder="other trace id" aria-label="Compare with trace"
                    prop:value=move || other.get() on:input=move |ev| other.set(event_target_value(&ev))
                    on:keydown=move |ev| if ev.key() == "Enter" { go() }/>
                <a class="compare-go button" node_ref=compare_link href=compare_href>"Compare"</a>
            </span>
            <button class="download-json" title=format!("{n} spans as SigNoz's trace JSON")
                on:click=move |_| super::trace_tools::download_json(&format!("trace-{trace_id}.json"), &trace_json(&t))>
                "Download JSON"
            </button>
            <a href="/trace-file">"Open a file…"</a>
        </div>
    }
}
