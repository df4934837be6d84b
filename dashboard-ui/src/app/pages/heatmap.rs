//! The traces explorer's Heatmap view: the grid of `query_builder::heatmap`
//! as SVG cells (hover title per cell) with a colour legend.

use crate::chart::{format_tick_time, time_ticks};
use crate::format::{compact, datetime_ms};
use crate::model::QueryRangeData;
use crate::query_builder::heatmap::{buckets, color, grid};
use leptos::prelude::*;

const W: f64 = 1000.0;
const LEFT: f64 = 96.0;
const ROW_H: f64 = 20.0;
const AXIS_H: f64 = 22.0;

fn local_offset_minutes() -> i64 {
    -(js_sys::Date::new_0().get_timezone_offset() as i64)
}

pub fn heatmap_view(data: &QueryRangeData, start_ms: i64, end_ms: i64, step: i64) -> AnyView {
    let g = grid(data, &buckets(), start_ms, end_ms, step);
    if g.total() == 0 {
        return view! { <p class="empty">"No spans for this query in this time range."</p> }
            .into_any();
    }
    let offset = local_offset_minutes();
    let rows = g.buckets.len();
    let plot_w = W - LEFT;
    let col_w = plot_w / g.times.len().max(1) as f64;
    let height = rows as f64 * ROW_H + AXIS_H;
    let t0 = g.times[0];
    let t1 = t0 + g.times.len() as i64 * g.step_ms;
    let x_of = |t: i64| LEFT + (t - t0) as f64 / (t1 - t0) as f64 * plot_w;
    // Longest durations on top, as latency charts read.
    let y_of = |row: usize| (rows - 1 - row) as f64 * ROW_H;
    let mut cells = Vec::new();
    for (row, counts) in g.counts.iter().enumerate() {
        let label = g.buckets[row].label();
        for (col, &n) in counts.iter().enumerate() {
            if n == 0 {
                continue;
            }
            let ts = g.times[col];
            let title = format!(
                "{} · {}: {n} span{}",
                datetime_ms(ts as f64, offset),
                label,
                if n == 1 { "" } else { "s" }
            );
            cells.push(view! {
                <rect class="cell" x=x_of(ts) y=y_of(row) width=col_w.max(1.0) height=ROW_H - 1.0
                    fill=color(n, g.max) data-ts=ts.to_string() data-bucket=label.clone() data-count=n.to_string()>
                    <title>{title}</title>
                </rect>
            });
        }
    }
    let row_labels = g
        .buckets
        .iter()
        .enumerate()
        .map(|(row, b)| {
            view! { <text x=LEFT - 6.0 y=y_of(row) + ROW_H * 0.7 text-anchor="end">{b.label()}</text> }
        })
        .collect_view();
    let span = t1 - t0;
    let ticks = time_ticks(t0, t1, 8)
        .into_iter()
        .map(|t| {
            view! { <text x=x_of(t) y=height - 6.0 text-anchor="middle">{format_tick_time(t, span, offset)}</text> }
        })
        .collect_view();
    // Legend: five swatches from one span to the busiest cell.
    let legend = [0.0, 0.25, 0.5, 0.75, 1.0]
        .into_iter()
        .map(|f: f64| ((g.max as f64).powf(f)).round().max(1.0) as u64)
        .collect::<Vec<_>>();
    let mut legend_counts = legend.clone();
    legend_counts.dedup();
    let legend = legend_counts
        .into_iter()
        .map(|n| {
            view! {
                <span class="heat-swatch"><i style=format!("background:{}", color(n, g.max))></i>{compact(n as f64)}</span>
            }
        })
        .collect_view();
    let total = g.total();
    view! {
        <figure class="heatmap" data-total=total.to_string()>
            <svg viewBox=format!("0 0 {W} {height}") role="img" aria-label="Latency heatmap: time by span duration, colour by span count">
                <rect class="plot" x=LEFT y=0 width=plot_w height=rows as f64 * ROW_H></rect>
                {cells}
                <g class="axis">{row_labels}{ticks}</g>
            </svg>
            <figcaption class="heat-legend">
                <span>{format!("{} spans · spans per cell:", compact(total as f64))}</span>
                {legend}
            </figcaption>
        </figure>
    }
    .into_any()
}
