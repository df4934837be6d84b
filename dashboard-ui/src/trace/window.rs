/// Which rows of a fixed-row-height list to put in the DOM.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    /// First row rendered (inclusive).
    pub first: usize,
    /// One past the last row rendered.
    pub end: usize,
}

/// Rows intersecting `[scroll_top, scroll_top + height)` plus `overscan`
/// rows each side, clamped to `total`. O(1): DOM work depends only on the
/// viewport, never on the span count.
pub fn virtual_window(
    scroll_top: f64,
    height: f64,
    row_height: f64,
    total: usize,
    overscan: usize,
) -> Window {
    if total == 0 || row_height <= 0.0 {
        return Window { first: 0, end: 0 };
    }
    let top = scroll_top.max(0.0);
    let first_visible = ((top / row_height).floor() as usize).min(total - 1);
    let visible = (height.max(0.0) / row_height).ceil() as usize + 1;
    let first = first_visible.saturating_sub(overscan);
    let end = (first_visible + visible + overscan).min(total);
    Window { first, end }
}
