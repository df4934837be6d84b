use super::TraceTree;
use std::collections::HashMap;

/// One flame-graph box in pixels.
#[derive(Debug, Clone, PartialEq)]
pub struct FlameRect {
    pub span: u32,
    pub depth: u32,
    pub x: f64,
    pub width: f64,
    /// Spans merged into this box because they were under a pixel wide.
    pub merged: u32,
}

/// Flame-graph boxes for the time window `[t0, t1]` (ms) drawn `width_px`
/// wide, levels `depth_from..depth_to`. Spans that start in the same pixel
/// column of one level merge into one box, so the output is bounded by
/// `width_px × levels` whatever the span count.
pub fn flame_rects(
    tree: &TraceTree,
    t0: f64,
    t1: f64,
    width_px: f64,
    depth_from: u32,
    depth_to: u32,
) -> Vec<FlameRect> {
    let span_ms = (t1 - t0).max(1e-9);
    let scale = width_px / span_ms;
    let mut out: Vec<FlameRect> = Vec::new();
    let mut first_at: HashMap<(u32, u32), usize> = HashMap::new();
    for &i in &tree.preorder {
        let d = tree.depth[i as usize];
        if d < depth_from || d >= depth_to {
            continue;
        }
        let s = &tree.spans[i as usize];
        let (a, b) = (s.start_ms, s.end_ms());
        if b < t0 || a > t1 {
            continue;
        }
        let x = ((a - t0) * scale).clamp(0.0, width_px);
        let x_end = ((b - t0) * scale).clamp(0.0, width_px);
        let w = x_end - x;
        // One box per (level, start pixel): later spans starting in the same
        // pixel column merge into it (sub-pixel or overlapping siblings).
        let key = (d, x.floor() as u32);
        if let Some(&k) = first_at.get(&key) {
            out[k].merged += 1;
            continue;
        }
        first_at.insert(key, out.len());
        out.push(FlameRect {
            span: i,
            depth: d,
            x,
            width: w.max(1.0),
            merged: 0,
        });
    }
    out
}
