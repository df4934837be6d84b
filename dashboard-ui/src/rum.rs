//! Browser (RUM) page logic: web-vital ratings and the tables built from
//! grouped `query_range` series and browser-error log rows. Pure.

use crate::model::{ListRow, QueryRangeData};
use std::collections::BTreeMap;

/// The vitals in display order.
pub const VITALS: [&str; 5] = ["LCP", "INP", "CLS", "FCP", "TTFB"];
/// Rating values of the RUM contract, in display order.
pub const RATINGS: [&str; 3] = ["good", "needs-improvement", "poor"];

/// The web-vitals thresholds (good up to the first, poor above the second).
pub fn thresholds(vital: &str) -> Option<(f64, f64)> {
    Some(match vital {
        "LCP" => (2500.0, 4000.0),
        "INP" => (200.0, 500.0),
        "CLS" => (0.1, 0.25),
        "FCP" => (1800.0, 3000.0),
        "TTFB" => (800.0, 1800.0),
        _ => return None,
    })
}

/// The rating of a value (`""` for an unknown vital or no value).
pub fn rating(vital: &str, value: f64) -> &'static str {
    match thresholds(vital) {
        Some(_) if !value.is_finite() => "",
        Some((good, _)) if value <= good => "good",
        Some((_, poor)) if value <= poor => "needs-improvement",
        Some(_) => "poor",
        None => "",
    }
}

/// A vital's value as text: CLS unitless, the others in ms or s.
pub fn vital_text(vital: &str, value: f64) -> String {
    if !value.is_finite() {
        "–".to_string()
    } else if vital == "CLS" {
        format!("{value:.3}")
    } else if value >= 1000.0 {
        format!("{} s", crate::format::sig3(value / 1000.0))
    } else {
        format!("{value:.0} ms")
    }
}

/// `(labels, value)` of each series of query `name` (last finite point).
pub fn grouped(data: &QueryRangeData, name: &str) -> Vec<(BTreeMap<String, String>, f64)> {
    data.result
        .iter()
        .filter(|r| r.query_name == name)
        .flat_map(|r| r.series().iter())
        .map(|s| {
            let v = s
                .values
                .iter()
                .rev()
                .map(|p| p.value)
                .find(|v| v.is_finite())
                .unwrap_or(f64::NAN);
            (s.labels.clone(), v)
        })
        .collect()
}

/// One row of the vitals table.
#[derive(Debug, Clone, PartialEq)]
pub struct VitalRow {
    /// `page.route`, empty for the overall rows.
    pub route: String,
    pub vital: String,
    pub p75: f64,
    /// Reports per rating, in [`RATINGS`] order.
    pub counts: [f64; 3],
}

impl VitalRow {
    pub fn total(&self) -> f64 {
        self.counts.iter().sum()
    }
    /// Share (0..=100) of each rating.
    pub fn shares(&self) -> [f64; 3] {
        let t = self.total();
        self.counts
            .map(|c| if t > 0.0 { c * 100.0 / t } else { 0.0 })
    }
}

fn vital_order(v: &str) -> usize {
    VITALS.iter().position(|x| *x == v).unwrap_or(VITALS.len())
}

/// Joins p75 series (grouped by `web_vital.name`, plus `page.route` when
/// `by_route`) with count series (the same plus `web_vital.rating`); rows by
/// route, then vital in [`VITALS`] order.
pub fn vital_rows(
    p75: &[(BTreeMap<String, String>, f64)],
    counts: &[(BTreeMap<String, String>, f64)],
    by_route: bool,
) -> Vec<VitalRow> {
    let label = |l: &BTreeMap<String, String>, k: &str| l.get(k).cloned().unwrap_or_default();
    let group = |l: &BTreeMap<String, String>| {
        (
            if by_route {
                label(l, "page.route")
            } else {
                String::new()
            },
            label(l, "web_vital.name"),
        )
    };
    let mut rows: BTreeMap<(String, String), VitalRow> = BTreeMap::new();
    fn entry(
        rows: &mut BTreeMap<(String, String), VitalRow>,
        g: (String, String),
    ) -> &mut VitalRow {
        rows.entry(g.clone()).or_insert_with(|| VitalRow {
            route: g.0,
            vital: g.1,
            p75: f64::NAN,
            counts: [0.0; 3],
        })
    }
    for (l, v) in p75 {
        entry(&mut rows, group(l)).p75 = *v;
    }
    for (l, n) in counts {
        if let Some(i) = RATINGS
            .iter()
            .position(|r| *r == label(l, "web_vital.rating"))
        {
            entry(&mut rows, group(l)).counts[i] += if n.is_finite() { *n } else { 0.0 };
        }
    }
    let mut out: Vec<VitalRow> = rows.into_values().collect();
    out.sort_by(|a, b| {
        a.route
            .cmp(&b.route)
            .then(vital_order(&a.vital).cmp(&vital_order(&b.vital)))
            .then(a.vital.cmp(&b.vital))
    });
    out
}

/// One row of the top-errors table.
#[derive(Debug, Clone, PartialEq)]
pub struct ErrorRow {
    pub message: String,
    pub count: f64,
    /// RFC3339 time of the newest record seen in the recent list ("" if none).
    pub last_seen: String,
    /// Trace id of the newest record of this message that has one.
    pub trace_id: String,
    pub span_id: String,
}

/// Top errors: counts per `exception.message` joined with the newest log rows
/// (newest first) for last seen and a trace link; most frequent first.
pub fn error_rows(
    counts: &[(BTreeMap<String, String>, f64)],
    recent: &[ListRow],
    limit: usize,
) -> Vec<ErrorRow> {
    let mut rows: Vec<ErrorRow> = counts
        .iter()
        .map(|(l, n)| ErrorRow {
            message: l.get("exception.message").cloned().unwrap_or_default(),
            count: *n,
            last_seen: String::new(),
            trace_id: String::new(),
            span_id: String::new(),
        })
        .collect();
    for r in recent {
        let message = message_of(r);
        let Some(row) = rows.iter_mut().find(|e| e.message == message) else {
            continue;
        };
        if row.last_seen.is_empty() {
            row.last_seen = r.timestamp.clone();
        }
        let trace_id = r.text("trace_id");
        if row.trace_id.is_empty() && !trace_id.is_empty() && trace_id.bytes().any(|b| b != b'0') {
            row.trace_id = trace_id;
            row.span_id = r.text("span_id");
        }
    }
    rows.sort_by(|a, b| b.count.total_cmp(&a.count).then(a.message.cmp(&b.message)));
    rows.truncate(limit);
    rows
}

/// `exception.message` of a log row (attribute maps), else its body.
fn message_of(r: &ListRow) -> String {
    r.data
        .get("attributes_string")
        .and_then(|m| m.get("exception.message"))
        .and_then(|v| v.as_str())
        .map(str::to_string)
        .unwrap_or_else(|| r.text("body"))
}

/// The one value of an ungrouped series of query `name` (NaN when absent).
pub fn single(data: &QueryRangeData, name: &str) -> f64 {
    grouped(data, name)
        .first()
        .map(|(_, v)| *v)
        .unwrap_or(f64::NAN)
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests;
