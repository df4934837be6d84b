use super::{Span, TraceTree};

/// Which spans the waterfall shows; an empty field matches everything.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SpanFilter {
    /// Exact service name.
    pub service: String,
    pub errors_only: bool,
    pub min_duration_ms: Option<f64>,
    pub max_duration_ms: Option<f64>,
    /// `key` (the span has it) or `key=value` (value contains, any case).
    pub attribute: String,
}

impl SpanFilter {
    pub fn is_empty(&self) -> bool {
        self.service.is_empty()
            && !self.errors_only
            && self.min_duration_ms.is_none()
            && self.max_duration_ms.is_none()
            && self.attribute.trim().is_empty()
    }

    pub fn matches(&self, s: &Span) -> bool {
        if !self.service.is_empty() && *s.service != *self.service {
            return false;
        }
        if self.errors_only && !s.has_error {
            return false;
        }
        let ms = s.duration_ns / 1e6;
        if self.min_duration_ms.is_some_and(|m| ms < m)
            || self.max_duration_ms.is_some_and(|m| ms > m)
        {
            return false;
        }
        let attr = self.attribute.trim();
        if attr.is_empty() {
            return true;
        }
        match attr.split_once('=') {
            Some((k, v)) => {
                let (k, v) = (k.trim(), v.trim().to_lowercase());
                s.tags()
                    .any(|(tk, tv)| tk == k && tv.to_lowercase().contains(&v))
            }
            None => s.tags().any(|(tk, _)| tk == attr),
        }
    }
}

/// One waterfall row once a filter applies: a span, or a run of spans the
/// filter hides, shown as one "N hidden" row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Row {
    Span(u32),
    Hidden(u32),
}

impl Row {
    pub fn span(self) -> Option<u32> {
        match self {
            Row::Span(i) => Some(i),
            Row::Hidden(_) => None,
        }
    }
}

/// `rows` (pre-order, as [`TraceTree::visible_rows`] gives them) with the
/// spans `filter` rejects folded into "N hidden" rows. O(rows).
pub fn filter_rows(tree: &TraceTree, rows: &[u32], filter: &SpanFilter) -> Vec<Row> {
    if filter.is_empty() {
        return rows.iter().map(|&i| Row::Span(i)).collect();
    }
    let mut out = Vec::new();
    let mut hidden = 0u32;
    for &i in rows {
        if filter.matches(&tree.spans[i as usize]) {
            if hidden > 0 {
                out.push(Row::Hidden(hidden));
                hidden = 0;
            }
            out.push(Row::Span(i));
        } else {
            hidden += 1;
        }
    }
    if hidden > 0 {
        out.push(Row::Hidden(hidden));
    }
    out
}

/// A duration typed in the filter box: a number with an optional unit
/// (`ns`, `us`/`µs`, `ms`, `s`; ms when none). `None` when empty or invalid.
pub fn parse_duration_ms(text: &str) -> Option<f64> {
    let t = text.trim().to_lowercase();
    if t.is_empty() {
        return None;
    }
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let v: f64 = num.parse().ok()?;
    let scale = match unit.trim() {
        "" | "ms" => 1.0,
        "s" => 1e3,
        "us" | "µs" => 1e-3,
        "ns" => 1e-6,
        "m" | "min" => 60e3,
        _ => return None,
    };
    Some(v * scale)
}
