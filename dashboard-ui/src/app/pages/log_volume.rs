//! The log-volume histogram above the logs explorer's list: the list's
//! filters counted per step (`count`, graph panel), one bar per step; a
//! click on a bar narrows the time range to that step.

use crate::app::api;
use crate::app::components::resource_view;
use crate::app::state::{use_set_query, use_time_window};
use crate::chart::LinearScale;
use crate::format::{compact, datetime_ms};
use crate::model::QueryRangeData;
use crate::query_builder::composite::Query;
use crate::query_builder::list_view::volume_request;
use crate::url_state::{step_seconds, Query as UrlQuery, TimeRange};
use leptos::prelude::*;

const W: f64 = 1000.0;
const H: f64 = 90.0;

#[component]
pub fn LogVolume(staged: Memo<Query>) -> impl IntoView {
    let window = use_time_window();
    let set_query = use_set_query();
    let data = LocalResource::new(move || {
        let (s, e) = window.get();
        let body = volume_request(&staged.get(), s, e, step_seconds(s, e));
        async move { api::query_range(&body).await }
    });
    let narrow = StoredValue::new(set_query);
    let draw = move |d: QueryRangeData| {
        let (s, e) = window.get_untracked();
        let step_ms = step_seconds(s, e) * 1000;
        let points: Vec<(i64, f64)> = d
            .result
            .first()
            .and_then(|r| r.series().first())
            .map(|sr| sr.values.iter().map(|p| (p.timestamp, p.value)).collect())
            .unwrap_or_default();
        let total: f64 = points.iter().map(|p| p.1).filter(|v| v.is_finite()).sum();
        let max = points.iter().map(|p| p.1).fold(0.0_f64, f64::max).max(1.0);
        let x = LinearScale::new((s as f64, e as f64), (0.0, W));
        let y = LinearScale::new((0.0, max), (H, 4.0));
        let band = (W * step_ms as f64 / (e - s).max(1) as f64 - 1.0).max(1.0);
        let bars = points
            .into_iter()
            .filter(|(_, v)| v.is_finite() && *v > 0.0)
            .map(|(ts, v)| {
                let top = y.map(v);
                let label = format!("{}: {} logs", datetime_ms(ts as f64, 0), compact(v));
                let pick = move |_| {
                    let r = TimeRange::Custom { start_ms: ts, end_ms: ts + step_ms };
                    narrow.with_value(|f| {
                        f(Box::new(move |u: &mut UrlQuery| {
                            r.write(u);
                            super::explorer::first_page(u, "logs");
                        }))
                    });
                };
                view! {
                    <rect class="bar clickable" x=format!("{:.1}", x.map(ts as f64)) y=format!("{top:.1}")
                        width=format!("{band:.1}") height=format!("{:.1}", (H - top).max(1.0))
                        data-ts=ts.to_string() data-count=v.to_string() on:click=pick>
                        <title>{label}</title>
                    </rect>
                }
            })
            .collect_view();
        view! {
            <figure class="volume" aria-label="Log volume">
                <figcaption class="hint">{format!("{} logs · {} per bar · click a bar to zoom in", compact(total), crate::format::duration_ns(step_ms as f64 * 1e6))}</figcaption>
                <svg viewBox=format!("0 0 {W} {H}") preserveAspectRatio="none" role="img">{bars}</svg>
            </figure>
        }
    };
    view! { <div class="volume-wrap">{move || resource_view(data, draw)}</div> }
}
