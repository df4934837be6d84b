//! Service map: an SVG graph from `POST /api/v1/dependency_graph`.

use crate::app::api;
use crate::app::components::resource_filter::{use_resource_tags, ResourceFilter};
use crate::app::components::{palette, resource_view};
use crate::app::state::{use_time_window, use_url_query, with_range};
use crate::format::{compact, duration_ns, percent};
use crate::model::DependencyEdge;
use crate::service_map::layout;
use crate::url_state::encode;
use leptos::prelude::*;

const W: f64 = 960.0;
const H: f64 = 480.0;

#[component]
pub fn ServiceMapPage() -> impl IntoView {
    let window = use_time_window();
    let q = use_url_query();
    let tags = use_resource_tags();
    let edges = LocalResource::new(move || {
        let (s, e) = window.get();
        let tags = tags.get();
        async move { api::dependency_graph(s, e, &tags).await }
    });
    view! {
        <section>
            <div class="toolbar"><h1>"Service map"</h1></div>
            <ResourceFilter/>
            {resource_view(edges, move |edges: Vec<DependencyEdge>| {
                if edges.is_empty() {
                    return view! { <p class="empty">"No calls between services in this time range."</p> }.into_any();
                }
                let nodes = layout(&edges, W, H);
                let pos = |name: &str| nodes.iter().find(|n| n.name == name).map(|n| (n.x, n.y)).unwrap_or((0.0, 0.0));
                let range_q = q.get_untracked();
                let lines = edges.iter().map(|e| {
                    let ((x1, y1), (x2, y2)) = (pos(&e.parent), pos(&e.child));
                    let label = format!("{} calls · {} · p99 {}", compact(e.call_count as f64), percent(e.error_rate), duration_ns(e.p99));
                    view! {
                        <g class="edge" class:error={e.error_rate > 0.0}>
                            <line x1=x1 y1=y1 x2=x2 y2=y2 marker-end="url(#arrow)"/>
                            <text x=(x1 + x2) / 2.0 y=(y1 + y2) / 2.0 - 6.0 text-anchor="middle">{label}</text>
                        </g>
                    }
                }).collect_view();
                // Plain SVG groups (an <a> here would be an HTML element and break
                // the SVG); a click opens the service page.
                let circles = nodes.iter().enumerate().map(|(i, n)| {
                    let href = with_range(&format!("/services/{}", encode(&n.name)), &range_q);
                    view! {
                        <g class="node" role="link" on:click=move |_| {
                            if let Some(w) = web_sys::window() { let _ = w.location().set_href(&href); }
                        }>
                            <circle cx=n.x cy=n.y r="18" fill=palette(i)/>
                            <text x=n.x y=n.y + 34.0 text-anchor="middle">{n.name.clone()}</text>
                        </g>
                    }
                }).collect_view();
                let links = nodes.iter().map(|n| {
                    view! { <li><a href=with_range(&format!("/services/{}", encode(&n.name)), &range_q)>{n.name.clone()}</a></li> }
                }).collect_view();
                view! {
                    <svg class="service-map" viewBox=format!("0 0 {W} {H}") role="img" aria-label="Service map">
                        <defs>
                            <marker id="arrow" viewBox="0 0 10 10" refX="28" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse">
                                <path d="M0,0L10,5L0,10z"/>
                            </marker>
                        </defs>
                        {lines}
                        {circles}
                    </svg>
                    <ul class="legend">{links}</ul>
                }.into_any()
            })}
        </section>
    }
}
