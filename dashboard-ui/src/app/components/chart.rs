//! SVG charts drawn from `crate::chart` maths: line and bar time series with
//! axes, a hover tooltip, drag-to-zoom and a legend, and a single-value panel.
//! No JS chart library; every label is a text node.

use super::palette;
use crate::chart::{bars, format_tick_time, line_path, nice_ticks, time_ticks, LinearScale};
use leptos::prelude::*;

#[derive(Debug, Clone, PartialEq)]
pub struct ChartSeries {
    pub name: String,
    /// `(epoch ms, value)`; non-finite values are gaps.
    pub points: Vec<(f64, f64)>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ChartKind {
    Line,
    Bar,
}

const W: f64 = 640.0;
const PAD_L: f64 = 56.0;
const PAD_R: f64 = 12.0;
const PAD_T: f64 = 10.0;
const PAD_B: f64 = 24.0;

/// Sets the time range to `(start_ms, end_ms)`; the shell provides it. A chart dragged
/// across zooms to the selected times through it, as v0.39's uPlot charts do.
#[derive(Clone, Copy)]
pub struct ZoomTo(pub Callback<(i64, i64)>);

/// A drag narrower than this (viewBox units) is a click, not a zoom.
const MIN_DRAG: f64 = 4.0;

fn local_offset_minutes() -> i64 {
    -(js_sys::Date::new_0().get_timezone_offset() as i64)
}

/// The time under the pointer of a mouse event on the chart's SVG.
fn time_at(ev: &leptos::ev::MouseEvent, xs: &LinearScale) -> Option<f64> {
    use wasm_bindgen::JsCast;
    let el = ev
        .current_target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())?;
    let rect = el.get_bounding_client_rect();
    if rect.width() <= 0.0 {
        return None;
    }
    let vx = (ev.client_x() as f64 - rect.left()) / rect.width() * W;
    Some(xs.invert(vx))
}

/// A time-series chart. `format` renders values (axis and tooltip).
#[component]
pub fn TimeChart(
    title: String,
    series: Vec<ChartSeries>,
    #[prop(default = ChartKind::Line)] kind: ChartKind,
    #[prop(default = 180.0)] height: f64,
    format: fn(f64) -> String,
    /// Widen the value axis to at least these bounds (a panel's softMin / softMax).
    #[prop(optional)]
    soft: (Option<f64>, Option<f64>),
    /// Horizontal lines `(value, colour)`.
    #[prop(optional)]
    thresholds: Vec<(f64, String)>,
    /// Called with the time (ms) of the point nearest a click.
    #[prop(optional)]
    on_point: Option<Callback<f64>>,
    /// A "Create alert" link in the caption (the rule editor with this chart's query).
    #[prop(default = None)]
    alert: Option<String>,
) -> impl IntoView {
    let caption = move || {
        view! {
            <figcaption>{title.clone()}{alert.clone().map(|href| view! {
                <a class="link chart-alert edit-control" href=href>"Create alert"</a>
            })}</figcaption>
        }
    };
    let all: Vec<(f64, f64)> = series
        .iter()
        .flat_map(|s| s.points.iter().copied())
        .collect();
    let finite = |v: &f64| v.is_finite();
    let (mut x0, mut x1) = (f64::INFINITY, f64::NEG_INFINITY);
    let (mut y0, mut y1) = (0.0_f64, f64::NEG_INFINITY);
    for &(x, y) in &all {
        if finite(&x) {
            x0 = x0.min(x);
            x1 = x1.max(x);
        }
        if finite(&y) {
            y0 = y0.min(y);
            y1 = y1.max(y);
        }
    }
    if series
        .iter()
        .all(|s| s.points.iter().all(|p| !p.1.is_finite()))
    {
        return view! {
            <figure class="chart">
                {caption()}
                <div class="empty">"No data in this time range."</div>
            </figure>
        }
        .into_any();
    }
    if let Some(lo) = soft.0.filter(|v| v.is_finite()) {
        y0 = y0.min(lo);
    }
    if let Some(hi) = soft.1.filter(|v| v.is_finite()) {
        y1 = y1.max(hi);
    }
    for (t, _) in &thresholds {
        if t.is_finite() {
            y0 = y0.min(*t);
            y1 = y1.max(*t);
        }
    }
    if kind == ChartKind::Bar {
        // Bars need half a band of room at each end.
        let n = series.first().map(|s| s.points.len()).unwrap_or(1).max(1) as f64;
        let band = if x1 > x0 { (x1 - x0) / n } else { 60_000.0 };
        x0 -= band / 2.0;
        x1 += band / 2.0;
    }
    let ticks_y = nice_ticks(y0, y1 * 1.05, 4);
    let y_top = ticks_y.last().copied().unwrap_or(y1).max(y1);
    let xs = LinearScale::new((x0, x1), (PAD_L, W - PAD_R));
    let ys = LinearScale::new((y0, y_top), (height - PAD_B, PAD_T));
    let ticks_x = time_ticks(x0 as i64, x1 as i64, 6);
    let span = (x1 - x0) as i64;
    let offset = local_offset_minutes();
    let hover = RwSignal::new(None::<f64>);
    // A chart of one instant (x0 == x1) has no time axis to select on.
    let zoom = use_context::<ZoomTo>().filter(|_| x1 > x0);
    // `(time at mousedown, time under the pointer)` while dragging.
    let drag = RwSignal::new(None::<(f64, f64)>);
    // A drag ends in a click event too: that click must not also pick a point.
    let dragged = StoredValue::new(false);
    let series_count = series.len().max(1);
    let marks = series
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let colour = palette(i);
            match kind {
                ChartKind::Line => {
                    // A lone point (one bucket) draws no line: mark it with a dot.
                    let finite: Vec<&(f64, f64)> = s.points.iter().filter(|p| p.0.is_finite() && p.1.is_finite()).collect();
                    let dot = (finite.len() == 1).then(|| {
                        view! { <circle cx=xs.map(finite[0].0) cy=ys.map(finite[0].1) r="3" fill=colour.clone()/> }
                    });
                    view! {
                        <path d=line_path(&s.points, &xs, &ys) fill="none" stroke=colour.clone() stroke-width="1.6"/>
                        {dot}
                    }
                    .into_any()
                }
                ChartKind::Bar => {
                    // Grouped bars: each series takes a slice of the band.
                    bars(&s.points, &xs, &ys, 2.0)
                        .into_iter()
                        .map(|(bx, by, bw, bh)| {
                            let w = bw / series_count as f64;
                            view! { <rect x=bx + w * i as f64 y=by width=w height=bh fill=colour.clone()/> }
                        })
                        .collect_view()
                        .into_any()
                }
            }
        })
        .collect_view();
    let tooltip_series = series.clone();
    let nearest_to = {
        let series = series.clone();
        move |t: f64| {
            series
                .iter()
                .flat_map(|s| s.points.iter())
                .map(|p| p.0)
                .min_by(|a, b| (a - t).abs().total_cmp(&(b - t).abs()))
        }
    };
    let on_click = move |ev: leptos::ev::MouseEvent| {
        if dragged.get_value() {
            dragged.set_value(false);
            return;
        }
        let Some(cb) = on_point else { return };
        if let Some(x) = time_at(&ev, &xs).and_then(&nearest_to) {
            cb.run(x);
        }
    };
    let on_move = move |ev: leptos::ev::MouseEvent| {
        if let Some(t) = time_at(&ev, &xs) {
            hover.set(Some(t));
            if drag.with_untracked(Option::is_some) {
                drag.update(|d| {
                    if let Some(d) = d {
                        d.1 = t;
                    }
                });
            }
        }
    };
    let on_down = move |ev: leptos::ev::MouseEvent| {
        if zoom.is_none() || ev.button() != 0 {
            return;
        }
        if let Some(t) = time_at(&ev, &xs) {
            ev.prevent_default(); // no text selection while dragging
            drag.set(Some((t, t)));
        }
    };
    let on_up = move |_| {
        let Some((a, b)) = drag.get_untracked() else {
            return;
        };
        drag.set(None);
        if (xs.map(a) - xs.map(b)).abs() < MIN_DRAG {
            return;
        }
        dragged.set_value(true);
        let (lo, hi) = (a.min(b).max(x0), a.max(b).min(x1));
        if let Some(z) = zoom.filter(|_| hi > lo) {
            z.0.run((lo as i64, hi as i64));
        }
    };
    let selection = move || {
        let (a, b) = drag.get()?;
        let (l, r) = (
            xs.map(a.min(b)).clamp(PAD_L, W - PAD_R),
            xs.map(a.max(b)).clamp(PAD_L, W - PAD_R),
        );
        Some(
            view! { <rect class="zoom-sel" x=l y=PAD_T width=r - l height=height - PAD_T - PAD_B/> },
        )
    };
    let tooltip = move || {
        let t = hover.get()?;
        // Nearest point of the first series with data.
        let nearest = tooltip_series
            .iter()
            .flat_map(|s| s.points.iter())
            .map(|p| p.0)
            .min_by(|a, b| (a - t).abs().total_cmp(&(b - t).abs()))?;
        let px = xs.map(nearest);
        let rows = tooltip_series
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let v = s
                    .points
                    .iter()
                    .find(|p| p.0 == nearest)
                    .map(|p| p.1)
                    .unwrap_or(f64::NAN);
                view! {
                    <div><span class="swatch" style=format!("background:{}", palette(i))></span>
                    {format!("{}: {}", s.name, format(v))}</div>
                }
            })
            .collect_view();
        let left_pct = px / W * 100.0;
        Some(view! {
            <div class="tooltip" style=format!("left:{left_pct:.1}%")>
                <div class="tt-time">{crate::format::datetime_ms(nearest, offset)}</div>
                {rows}
            </div>
        })
    };
    let guide = move || {
        hover.get().map(|t| {
            let x = xs.map(t).clamp(PAD_L, W - PAD_R);
            view! { <line class="guide" x1=x x2=x y1=PAD_T y2=height - PAD_B/> }
        })
    };
    let legend = series
        .iter()
        .enumerate()
        .map(|(i, s)| {
            view! { <li><span class="swatch" style=format!("background:{}", palette(i))></span>{s.name.clone()}</li> }
        })
        .collect_view();
    view! {
        <figure class="chart">
            {caption()}
            <div class="chart-area">
                <svg viewBox=format!("0 0 {W} {height}") role="img" preserveAspectRatio="none"
                    class:clickable=on_point.is_some() class:zoomable=zoom.is_some()
                    on:mousemove=on_move on:mousedown=on_down on:mouseup=on_up
                    on:mouseleave=move |_| { hover.set(None); drag.set(None); } on:click=on_click>
                    {ticks_y.iter().map(|&v| {
                        let y = ys.map(v);
                        view! {
                            <line class="grid" x1=PAD_L x2=W - PAD_R y1=y y2=y/>
                            <text class="axis" x=PAD_L - 4.0 y=y + 3.0 text-anchor="end">{format(v)}</text>
                        }
                    }).collect_view()}
                    {ticks_x.iter().map(|&t| {
                        let x = xs.map(t as f64);
                        view! { <text class="axis" x=x y=height - 6.0 text-anchor="middle">{format_tick_time(t, span, offset)}</text> }
                    }).collect_view()}
                    {marks}
                    {thresholds.iter().map(|(t, c)| {
                        let y = ys.map(*t);
                        view! { <line class="threshold" x1=PAD_L x2=W - PAD_R y1=y y2=y stroke=c.clone() stroke-dasharray="6 3"/> }
                    }).collect_view()}
                    {guide}
                    {selection}
                </svg>
                {tooltip}
            </div>
            <ul class="legend">{legend}</ul>
        </figure>
    }
    .into_any()
}
