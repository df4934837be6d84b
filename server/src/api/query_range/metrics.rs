//! Builder graphs over metric points: gauges and sums (values, or per-second rates of
//! counters) and histogram quantiles, aggregated across series per step bucket.

use std::collections::{BTreeMap, HashMap};

use rusqlite::{params_from_iter, Connection};
use serde_json::{Map, Value};

use super::model::{quantile_of, BuilderQuery};
use super::series::{bucket_ms, Labels, SeriesSet};
use super::table::quantile_sorted;
use super::QueryError;
use crate::store::filter::{attr_expr, condition, AttrScope, ValueKind, Where};
use crate::store::rows::value_to_string;

struct Point {
    ts: i64,
    kind: String,
    temporality: i32,
    value: Option<f64>,
    bounds: Vec<f64>,
    counts: Vec<f64>,
}

/// Prometheus-style histogram_quantile over cumulative-by-bound counts.
pub fn histogram_quantile(q: f64, bounds: &[f64], counts: &[f64]) -> f64 {
    let total: f64 = counts.iter().sum();
    if total <= 0.0 || counts.len() != bounds.len() + 1 {
        return f64::NAN;
    }
    let rank = q * total;
    let mut cum = 0.0;
    for (i, c) in counts.iter().enumerate() {
        if cum + c >= rank && *c > 0.0 {
            if i == bounds.len() {
                // The +Inf bucket: Prometheus answers with the highest finite bound.
                return bounds.last().copied().unwrap_or(f64::NAN);
            }
            let lower = if i == 0 {
                0.0f64.min(bounds[0])
            } else {
                bounds[i - 1]
            };
            let upper = bounds[i];
            return lower + (upper - lower) * ((rank - cum) / c);
        }
        cum += c;
    }
    bounds.last().copied().unwrap_or(f64::NAN)
}

/// Whether any point of `metric` is stored (span-metric names fall back to spans when not).
pub fn has_points(c: &Connection, metric: &str) -> Result<bool, QueryError> {
    c.prepare_cached("SELECT EXISTS (SELECT 1 FROM metric_points WHERE metric = ?1)")
        .and_then(|mut s| s.query_row([metric], |r| r.get(0)))
        .map_err(QueryError::from)
}

/// Which number of a stored point a query reads: the gauge/sum value, or a histogram's
/// count or sum (SigNoz's `<name>_count` / `<name>_sum`, read as counters).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ValuePart {
    Value,
    Count,
    Sum,
}

pub fn graph_part(
    c: &Connection,
    q: &BuilderQuery,
    start_ns: i64,
    end_ns: i64,
    whole_range: bool,
    part: ValuePart,
) -> Result<SeriesSet, QueryError> {
    let step = q.step_interval;
    let op = q.aggregate_operator.as_str();
    let mut w = Where::default();
    // One step of look-back so the first bucket's counter increase can be computed.
    w.push(
        "metric = ? AND ts BETWEEN ? AND ?",
        [
            q.aggregate_attribute.key.clone().into(),
            start_ns
                .saturating_sub(step.saturating_mul(1_000_000_000))
                .into(),
            end_ns.into(),
        ],
    );
    if let Some(f) = &q.filters {
        for item in &f.items {
            let e = attr_expr(&item.key.key, AttrScope::Labels);
            let (sql, p) = condition(
                &e,
                &item.op,
                &item.value,
                ValueKind::of_data_type(&item.key.data_type),
            )?;
            w.push(sql, p);
        }
    }
    let sql = format!(
        "SELECT ts, labels, kind, temporality, {}, bounds, bucket_counts FROM metric_points WHERE {} ORDER BY ts",
        match part {
            ValuePart::Value => "value",
            ValuePart::Count => "CAST(count AS REAL)",
            ValuePart::Sum => "sum",
        },
        w.sql()
    );
    let mut st = c.prepare(&sql)?;
    let mut rows = st.query(params_from_iter(w.params.iter()))?;
    // series identity (full label set) → (group labels, points)
    let mut by_series: HashMap<String, (Labels, Vec<Point>)> = HashMap::new();
    while let Some(r) = rows.next()? {
        let labels_json: String = r.get(1).unwrap();
        let entry = by_series.entry(labels_json.clone()).or_insert_with(|| {
            let labels: Map<String, Value> = serde_json::from_str(&labels_json).unwrap_or_default();
            let group: Labels = q
                .group_by
                .iter()
                .map(|g| {
                    (
                        g.key.clone(),
                        labels.get(&g.key).map(value_to_string).unwrap_or_default(),
                    )
                })
                .collect();
            (group, Vec::new())
        });
        let parse = |s: Option<String>| -> Vec<f64> {
            s.and_then(|s| serde_json::from_str(&s).ok())
                .unwrap_or_default()
        };
        entry.1.push(Point {
            ts: r.get(0).unwrap(),
            kind: if part == ValuePart::Value {
                r.get(2).unwrap()
            } else {
                "sum".to_string()
            },
            temporality: r.get(3).unwrap(),
            value: r.get::<_, Option<f64>>(4).unwrap(),
            bounds: parse(r.get(5).unwrap()),
            counts: parse(r.get(6).unwrap()),
        });
    }
    let bucket = |ts: i64| {
        if whole_range {
            start_ns / 1_000_000
        } else {
            bucket_ms(ts, step)
        }
    };
    let in_range = |ts: i64| ts >= start_ns;
    let rate_op = op.contains("rate");
    let quantile = quantile_of(op).filter(|_| op.starts_with("hist_quantile"));
    // count_distinct and pXX look at every sample in the bucket across series, as SigNoz's
    // `count(distinct(value))` and `quantile(q)(value)` do.
    let sample_quantile = quantile_of(op).filter(|_| op.starts_with('p'));
    let over_samples = op == "count_distinct" || sample_quantile.is_some();
    // (group, bucket) → per-series values to combine
    let mut per_bucket: BTreeMap<(Labels, i64), Vec<f64>> = BTreeMap::new();
    let mut hist: BTreeMap<(Labels, i64), (Vec<f64>, Vec<f64>)> = BTreeMap::new();
    let secs = if whole_range {
        ((end_ns - start_ns) as f64 / 1e9).max(1.0)
    } else {
        step as f64
    };
    for (_, (group, points)) in by_series {
        // Per series: one value per bucket.
        let mut buckets: BTreeMap<i64, Vec<&Point>> = BTreeMap::new();
        let mut prev_last: Option<&Point> = None;
        let mut before: Vec<&Point> = Vec::new();
        for p in &points {
            if in_range(p.ts) {
                buckets.entry(bucket(p.ts)).or_default().push(p);
            } else {
                before.push(p);
            }
        }
        if let Some(p) = before.last() {
            prev_last = Some(p);
        }
        for (b, ps) in buckets {
            let last = *ps.last().unwrap();
            let cumulative = last.temporality == 2;
            if let Some(qv) = quantile {
                let _ = qv;
                let counts: Vec<f64> = if cumulative {
                    match prev_last {
                        Some(prev)
                            if prev.counts.len() == last.counts.len()
                                && prev.counts.iter().zip(&last.counts).all(|(a, b)| b >= a) =>
                        {
                            last.counts
                                .iter()
                                .zip(&prev.counts)
                                .map(|(a, b)| a - b)
                                .collect()
                        }
                        _ => last.counts.clone(),
                    }
                } else {
                    let mut acc = vec![0.0; last.counts.len()];
                    for p in &ps {
                        for (a, c) in acc.iter_mut().zip(&p.counts) {
                            *a += c;
                        }
                    }
                    acc
                };
                let e = hist
                    .entry((group.clone(), b))
                    .or_insert_with(|| (last.bounds.clone(), vec![0.0; counts.len()]));
                if e.1.len() == counts.len() {
                    for (a, c) in e.1.iter_mut().zip(&counts) {
                        *a += c;
                    }
                }
            } else if rate_op && last.kind == "sum" {
                let v = if cumulative {
                    let now = last.value.unwrap_or(0.0);
                    match prev_last.and_then(|p| p.value) {
                        Some(prev) if now >= prev => now - prev,
                        _ => now,
                    }
                } else {
                    ps.iter().filter_map(|p| p.value).sum()
                };
                per_bucket
                    .entry((group.clone(), b))
                    .or_default()
                    .push(v / secs);
            } else {
                let vals: Vec<f64> = ps.iter().filter_map(|p| p.value).collect();
                if vals.is_empty() {
                    continue;
                }
                if over_samples {
                    per_bucket
                        .entry((group.clone(), b))
                        .or_default()
                        .extend(vals);
                    prev_last = Some(last);
                    continue;
                }
                // Counters report their latest total; gauges average within the bucket.
                let v = if last.kind == "sum" {
                    *vals.last().unwrap()
                } else {
                    vals.iter().sum::<f64>() / vals.len() as f64
                };
                per_bucket.entry((group.clone(), b)).or_default().push(v);
            }
            prev_last = Some(last);
        }
    }
    let mut out = SeriesSet::default();
    if let Some(qv) = quantile {
        for ((g, b), (bounds, counts)) in hist {
            let v = histogram_quantile(qv, &bounds, &counts);
            if v.is_finite() {
                out.set(g, b, v);
            }
        }
        return Ok(out);
    }
    for ((g, b), vals) in per_bucket {
        let v = match op {
            "avg" | "avg_rate" | "rate_avg" | "noop" => {
                vals.iter().sum::<f64>() / vals.len() as f64
            }
            "min" | "min_rate" | "rate_min" => vals.iter().copied().fold(f64::INFINITY, f64::min),
            "max" | "max_rate" | "rate_max" => {
                vals.iter().copied().fold(f64::NEG_INFINITY, f64::max)
            }
            "count" => vals.len() as f64,
            "count_distinct" => {
                let mut v = vals.clone();
                v.sort_by(f64::total_cmp);
                v.dedup();
                v.len() as f64
            }
            _ if sample_quantile.is_some() => {
                let mut v = vals.clone();
                v.sort_by(f64::total_cmp);
                quantile_sorted(&v, sample_quantile.unwrap())
            }
            "sum" | "sum_rate" | "rate_sum" | "rate" => vals.iter().sum(),
            other => {
                return Err(QueryError::Invalid(format!(
                    "aggregate operator {other:?} is not supported for metrics"
                )))
            }
        };
        out.set(g, b, v);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn histogram_quantile_interpolates_within_bucket() {
        // bounds 10, 20, 40; counts: 0 below 10, 10 in (10,20], 10 in (20,40], 0 above.
        let v = histogram_quantile(0.5, &[10.0, 20.0, 40.0], &[0.0, 10.0, 10.0, 0.0]);
        assert_eq!(v, 20.0);
        let v = histogram_quantile(0.75, &[10.0, 20.0, 40.0], &[0.0, 10.0, 10.0, 0.0]);
        assert_eq!(v, 30.0);
        assert!(histogram_quantile(0.5, &[1.0], &[0.0, 0.0]).is_nan());
    }
}
