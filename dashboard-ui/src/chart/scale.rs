use std::fmt::Write;

/// Maps a domain interval onto a pixel range (either may be reversed).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LinearScale {
    pub d0: f64,
    pub d1: f64,
    pub r0: f64,
    pub r1: f64,
}

impl LinearScale {
    pub fn new(domain: (f64, f64), range: (f64, f64)) -> LinearScale {
        let (mut d0, mut d1) = domain;
        if !d0.is_finite() || !d1.is_finite() {
            (d0, d1) = (0.0, 1.0);
        }
        if d0 == d1 {
            // A flat series still needs a visible band.
            let pad = if d0 == 0.0 { 1.0 } else { d0.abs() * 0.1 };
            (d0, d1) = (d0 - pad, d1 + pad);
        }
        LinearScale {
            d0,
            d1,
            r0: range.0,
            r1: range.1,
        }
    }
    pub fn map(&self, v: f64) -> f64 {
        self.r0 + (v - self.d0) / (self.d1 - self.d0) * (self.r1 - self.r0)
    }
    pub fn invert(&self, px: f64) -> f64 {
        self.d0 + (px - self.r0) / (self.r1 - self.r0) * (self.d1 - self.d0)
    }
}

/// An SVG path through `(x, y)` points; non-finite values break the line
/// (a gap) instead of drawing to zero.
pub fn line_path(points: &[(f64, f64)], x: &LinearScale, y: &LinearScale) -> String {
    let mut d = String::new();
    let mut pen_down = false;
    for &(px, py) in points {
        if !px.is_finite() || !py.is_finite() {
            pen_down = false;
            continue;
        }
        let cmd = if pen_down { 'L' } else { 'M' };
        let _ = write!(d, "{cmd}{:.1},{:.1}", x.map(px), y.map(py));
        pen_down = true;
    }
    d
}

/// Bars `(x, y, width, height)` in pixels for values at x positions, with a
/// baseline at 0; non-finite values produce no bar.
pub fn bars(
    points: &[(f64, f64)],
    x: &LinearScale,
    y: &LinearScale,
    gap: f64,
) -> Vec<(f64, f64, f64, f64)> {
    let n = points.len().max(1) as f64;
    let band = ((x.r1 - x.r0).abs() / n - gap).max(1.0);
    let base = y.map(0.0_f64.clamp(y.d0.min(y.d1), y.d0.max(y.d1)));
    points
        .iter()
        .filter(|(px, py)| px.is_finite() && py.is_finite())
        .map(|&(px, py)| {
            let cx = x.map(px);
            let top = y.map(py);
            (cx - band / 2.0, top.min(base), band, (base - top).abs())
        })
        .collect()
}
