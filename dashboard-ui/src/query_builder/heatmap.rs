//! The traces explorer's latency heatmap (time × duration, colour = span
//! count), asked of `query_range` as one builder query per duration bucket —
//! a traces `count` under the explorer's filters and the bucket's
//! `durationNano` bounds — so it runs on SigNoz's own query-service too.

use super::composite::{AttributeKey, BuilderQuery, FilterItem, Query};
use crate::model::QueryRangeData;
use serde_json::{json, Map, Value};

/// Bucket edges in milliseconds: 1-2-5 steps from 1 ms to 10 s. With the
/// bucket below the first edge and the one from the last edge on, every span
/// falls in exactly one bucket.
const EDGES_MS: [u64; 13] = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000];

/// One duration bucket: `lo <= durationNano < hi` (no `hi` for the last).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bucket {
    pub lo_ns: u64,
    pub hi_ns: Option<u64>,
}

impl Bucket {
    /// `5–10 ms`, `< 1 ms`, `≥ 10 s`.
    pub fn label(&self) -> String {
        match (self.lo_ns, self.hi_ns) {
            (0, Some(hi)) => format!("< {}", ms_text(hi)),
            (lo, None) => format!("\u{2265} {}", ms_text(lo)),
            (lo, Some(hi)) => {
                let (a, b) = (ms_text(lo), ms_text(hi));
                // "1–2 s", not "1 s–2 s", when both share the unit.
                match (a.rsplit_once(' '), b.rsplit_once(' ')) {
                    (Some((an, au)), Some((_, bu))) if au == bu => format!("{an}\u{2013}{b}"),
                    _ => format!("{a}\u{2013}{b}"),
                }
            }
        }
    }
}

fn ms_text(ns: u64) -> String {
    let ms = ns / 1_000_000;
    if ms >= 1000 {
        format!("{} s", ms / 1000)
    } else {
        format!("{ms} ms")
    }
}

/// The buckets, shortest first: `< 1 ms`, 12 between 1 ms and 10 s, `≥ 10 s`.
pub fn buckets() -> Vec<Bucket> {
    let ns = |ms: u64| ms * 1_000_000;
    let mut out = vec![Bucket {
        lo_ns: 0,
        hi_ns: Some(ns(EDGES_MS[0])),
    }];
    out.extend(EDGES_MS.windows(2).map(|w| Bucket {
        lo_ns: ns(w[0]),
        hi_ns: Some(ns(w[1])),
    }));
    out.push(Bucket {
        lo_ns: ns(EDGES_MS[EDGES_MS.len() - 1]),
        hi_ns: None,
    });
    out
}

/// The query name of bucket `i`: A, B, … (one letter each, as the builder names queries).
pub fn query_name(i: usize) -> String {
    char::from(b'A' + i as u8).to_string()
}

/// The `query_range` body: the explorer's first query's filters, one `count`
/// per bucket, panel type graph at `step` seconds. An error when the filters
/// are joined by OR (a bucket bound cannot be ANDed onto them without nesting).
pub fn request(
    q: &Query,
    start_ms: i64,
    end_ms: i64,
    step: i64,
) -> Result<(Value, Vec<Bucket>), String> {
    let base = q
        .builder
        .query_data
        .first()
        .ok_or("the query builder has no query")?;
    if base.filters.op.eq_ignore_ascii_case("OR") && base.filters.items.len() > 1 {
        return Err("The heatmap needs filters joined by AND.".into());
    }
    let step = step.max(60);
    let duration = AttributeKey::trace_column("durationNano");
    let bound = |op: &str, ns: u64| FilterItem {
        id: String::new(),
        key: Some(duration.clone()),
        op: op.into(),
        value: json!(ns),
        extra: Map::new(),
    };
    let bs = buckets();
    let mut queries = Map::new();
    for (i, b) in bs.iter().enumerate() {
        let name = query_name(i);
        let mut bq = BuilderQuery::new(&name, "traces");
        bq.filters.items = base.filters.items.clone();
        bq.filters.op = "AND".into();
        if b.lo_ns > 0 {
            bq.filters.items.push(bound(">=", b.lo_ns));
        }
        if let Some(hi) = b.hi_ns {
            bq.filters.items.push(bound("<", hi));
        }
        bq.step_interval = step;
        bq.legend = b.label();
        queries.insert(name, bq.to_value());
    }
    let body = json!({
        "start": start_ms,
        "end": end_ms,
        "step": step,
        "variables": {},
        "compositeQuery": {"queryType": "builder", "panelType": "graph", "builderQueries": queries},
    });
    Ok((body, bs))
}

/// The drawn grid: one column per step from the window's first step, one row
/// per bucket (shortest first), the span count of each cell.
#[derive(Debug, Clone, PartialEq)]
pub struct Grid {
    /// Column start times (ms).
    pub times: Vec<i64>,
    pub step_ms: i64,
    pub buckets: Vec<Bucket>,
    /// `counts[bucket][column]`.
    pub counts: Vec<Vec<u64>>,
    pub max: u64,
}

impl Grid {
    pub fn total(&self) -> u64 {
        self.counts.iter().flatten().sum()
    }
}

/// Places the reply's points: bucket by query name, column by timestamp
/// (points outside the window's columns are dropped).
pub fn grid(data: &QueryRangeData, bs: &[Bucket], start_ms: i64, end_ms: i64, step: i64) -> Grid {
    let step_ms = step.max(60) * 1000;
    let first = start_ms.div_euclid(step_ms) * step_ms;
    let columns = ((end_ms - first).max(0) / step_ms + 1) as usize;
    let times: Vec<i64> = (0..columns).map(|i| first + i as i64 * step_ms).collect();
    let mut counts = vec![vec![0u64; columns]; bs.len()];
    for r in &data.result {
        let Some(row) = (0..bs.len()).find(|i| query_name(*i) == r.query_name) else {
            continue;
        };
        for p in r.series().iter().flat_map(|s| s.values.iter()) {
            let col = (p.timestamp - first).div_euclid(step_ms);
            if p.value.is_finite() && p.value > 0.0 && (0..columns as i64).contains(&col) {
                counts[row][col as usize] += p.value.round() as u64;
            }
        }
    }
    let max = counts.iter().flatten().copied().max().unwrap_or(0);
    Grid {
        times,
        step_ms,
        buckets: bs.to_vec(),
        counts,
        max,
    }
}

/// A cell's fill for `count` of `max`: log-scaled (a few slow spans stay
/// visible beside thousands of fast ones) from pale to deep blue.
pub fn color(count: u64, max: u64) -> String {
    if count == 0 || max == 0 {
        return "transparent".into();
    }
    let t = ((count as f64).ln_1p() / (max as f64).ln_1p()).clamp(0.0, 1.0);
    let mix = |a: f64, b: f64| (a + (b - a) * t).round() as u8;
    format!(
        "rgb({},{},{})",
        mix(219.0, 8.0),
        mix(234.0, 48.0),
        mix(254.0, 107.0)
    )
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::query_builder::composite::Query;

    #[test]
    fn buckets_cover_every_duration_once() {
        let bs = buckets();
        assert_eq!(bs.len(), 14);
        assert_eq!(bs[0].lo_ns, 0);
        assert!(bs.last().unwrap().hi_ns.is_none());
        for w in bs.windows(2) {
            assert_eq!(w[0].hi_ns, Some(w[1].lo_ns), "contiguous");
        }
        let labels: Vec<String> = bs.iter().map(Bucket::label).collect();
        assert_eq!(labels[0], "< 1 ms");
        assert_eq!(labels[1], "1\u{2013}2 ms");
        assert_eq!(labels[9], "500 ms\u{2013}1 s");
        assert_eq!(labels[10], "1\u{2013}2 s");
        assert_eq!(labels[13], "\u{2265} 10 s");
    }

    #[test]
    fn request_is_one_count_per_bucket_under_the_filters() {
        let mut q = Query::initial("traces", "id".into());
        let item = FilterItem {
            key: Some(AttributeKey::new("serviceName", "string", "tag", true)),
            op: "=".into(),
            value: json!("shop"),
            ..Default::default()
        };
        q.builder.query_data[0].filters.items.push(item);
        q.builder.query_data[0].aggregate_operator = "p99".into();
        let (body, bs) = request(&q, 1_000, 3_601_000, 30).unwrap();
        assert_eq!(body["step"], 60, "at least a minute, as the explorer asks");
        let cq = &body["compositeQuery"];
        assert_eq!(cq["panelType"], "graph");
        let qs = cq["builderQueries"].as_object().unwrap();
        assert_eq!(qs.len(), bs.len());
        let a = &qs["A"];
        assert_eq!(a["aggregateOperator"], "count");
        assert_eq!(a["dataSource"], "traces");
        assert_eq!(a["stepInterval"], 60);
        let items = a["filters"]["items"].as_array().unwrap();
        assert_eq!(items.len(), 2, "the filter and < 1 ms");
        assert_eq!(items[0]["key"]["key"], "serviceName");
        assert_eq!(items[1]["key"]["key"], "durationNano");
        assert_eq!(items[1]["key"]["isColumn"], true);
        assert_eq!(items[1]["op"], "<");
        assert_eq!(items[1]["value"], 1_000_000);
        let e = &qs["E"]["filters"]["items"];
        assert_eq!(e[1]["op"], ">=");
        assert_eq!(e[1]["value"], 10_000_000u64);
        assert_eq!(e[2]["value"], 20_000_000u64);
        let last = &qs["N"]["filters"]["items"];
        assert_eq!(last.as_array().unwrap().len(), 2, "no upper bound");
        assert_eq!(last[1]["value"], 10_000_000_000u64);
    }

    #[test]
    fn or_filters_are_refused() {
        let mut q = Query::initial("traces", "id".into());
        let f = &mut q.builder.query_data[0].filters;
        f.op = "OR".into();
        f.items = vec![FilterItem::default(), FilterItem::default()];
        assert!(request(&q, 0, 1, 60).is_err());
        q.builder.query_data[0].filters.items.truncate(1);
        assert!(request(&q, 0, 1, 60).is_ok(), "one item: OR is AND");
    }

    #[test]
    fn grid_places_points_by_query_and_step() {
        let reply = json!({"resultType": "", "result": [
            {"queryName": "A", "series": [{"labels": {}, "values": [
                {"timestamp": 120_000, "value": "3"}, {"timestamp": 240_000, "value": "1"}]}]},
            {"queryName": "C", "series": [{"labels": {}, "values": [
                {"timestamp": 180_000, "value": "7"}, {"timestamp": 9_999_999, "value": "5"}]}]},
            {"queryName": "B", "series": null},
        ]});
        let data: QueryRangeData = serde_json::from_value(reply).unwrap();
        let g = grid(&data, &buckets(), 130_000, 250_000, 60);
        assert_eq!(g.times, vec![120_000, 180_000, 240_000]);
        assert_eq!(g.counts[0], vec![3, 0, 1]);
        assert_eq!(g.counts[2], vec![0, 7, 0]);
        assert_eq!(g.max, 7);
        assert_eq!(g.total(), 11, "the point outside the window is dropped");
    }

    #[test]
    fn colours_scale_with_the_count() {
        assert_eq!(color(0, 10), "transparent");
        assert_eq!(color(10, 10), "rgb(8,48,107)");
        assert_ne!(color(1, 10), color(5, 10));
    }
}
