use super::TraceTree;
use std::collections::HashMap;

/// Each span's self time in ns: its duration minus the time covered by at
/// least one child (children clipped to the span, overlaps counted once).
pub fn self_times(tree: &TraceTree) -> Vec<f64> {
    let mut out = Vec::with_capacity(tree.len());
    for (i, s) in tree.spans.iter().enumerate() {
        let (a, b) = (s.start_ms, s.end_ms());
        // Children are in start order (the tree sorts spans by start).
        let mut covered = 0.0;
        let mut run: Option<(f64, f64)> = None;
        for &c in &tree.children[i] {
            let cs = &tree.spans[c as usize];
            let (ca, cb) = (cs.start_ms.max(a), cs.end_ms().min(b));
            if cb <= ca {
                continue;
            }
            run = match run {
                Some((ra, rb)) if ca <= rb => Some((ra, rb.max(cb))),
                Some((ra, rb)) => {
                    covered += rb - ra;
                    Some((ca, cb))
                }
                None => Some((ca, cb)),
            };
        }
        if let Some((ra, rb)) = run {
            covered += rb - ra;
        }
        out.push((s.duration_ns - covered * 1e6).max(0.0));
    }
    out
}

/// What the self-time table groups by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SelfTimeBy {
    Service,
    Operation,
}

/// One row of the self-time table.
#[derive(Debug, Clone, PartialEq)]
pub struct SelfTimeRow {
    pub service: String,
    /// Empty when grouped by service.
    pub operation: String,
    pub spans: u32,
    pub self_ns: f64,
    pub total_ns: f64,
}

/// Self time summed per service or per (service, operation), largest first.
pub fn self_time_table(tree: &TraceTree, self_ns: &[f64], by: SelfTimeBy) -> Vec<SelfTimeRow> {
    let mut groups: HashMap<(&str, &str), SelfTimeRow> = HashMap::new();
    for (i, s) in tree.spans.iter().enumerate() {
        let op = match by {
            SelfTimeBy::Service => "",
            SelfTimeBy::Operation => &*s.name,
        };
        let row = groups
            .entry((&*s.service, op))
            .or_insert_with(|| SelfTimeRow {
                service: s.service.to_string(),
                operation: op.to_string(),
                spans: 0,
                self_ns: 0.0,
                total_ns: 0.0,
            });
        row.spans += 1;
        row.self_ns += self_ns[i];
        row.total_ns += s.duration_ns;
    }
    let mut rows: Vec<SelfTimeRow> = groups.into_values().collect();
    rows.sort_by(|a, b| {
        b.self_ns
            .total_cmp(&a.self_ns)
            .then_with(|| a.service.cmp(&b.service))
            .then_with(|| a.operation.cmp(&b.operation))
    });
    rows
}
