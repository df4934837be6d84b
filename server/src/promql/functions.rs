//! PromQL functions: range-vector functions (rate and friends, `*_over_time`), element-wise
//! math, `histogram_quantile`, and the scalar/vector conversions.

use std::collections::{HashMap, HashSet};

use promql_parser::parser::{Call, Expr};

use super::eval::{drop_name, kahan_sum, mean, variance, Evaluator};
use super::{bad, Error, Labels, Sample, Series, Value};

/// A range function over one series' samples in (lo, hi] with the range in seconds.
type RangeFn = fn(&[(i64, f64)], i64, i64, f64) -> Option<f64>;

/// Go's math.Max / math.Min: NaN wins.
fn go_max(a: f64, b: f64) -> f64 {
    if a.is_nan() || b.is_nan() {
        f64::NAN
    } else {
        a.max(b)
    }
}
fn go_min(a: f64, b: f64) -> f64 {
    if a.is_nan() || b.is_nan() {
        f64::NAN
    } else {
        a.min(b)
    }
}

fn unparen(e: &Expr) -> &Expr {
    match e {
        Expr::Paren(p) => unparen(&p.expr),
        other => other,
    }
}

fn arg(c: &Call, i: usize) -> Result<&Expr, Error> {
    c.args
        .args
        .get(i)
        .map(|b| b.as_ref())
        .ok_or_else(|| bad(format!("{}: missing argument {}", c.func.name, i + 1)))
}

/// A range-vector argument with the window it covers (ms) and its length in seconds.
fn range_arg(ev: &Evaluator, e: &Expr, t: i64) -> Result<(Vec<Series>, i64, i64, f64), Error> {
    match unparen(e) {
        Expr::MatrixSelector(ms) => {
            let (series, lo, hi) = ev.select_range(&ms.vs, &ms.range, t);
            Ok((series, lo, hi, ms.range.as_secs_f64()))
        }
        Expr::Subquery(_) => Err(bad("PromQL subqueries are not supported by this server")),
        other => Err(bad(format!("expected a range vector: {other}"))),
    }
}

/// Results of functions that drop the metric name must stay distinct series.
pub(crate) fn distinct(out: Vec<Sample>) -> Result<Value, Error> {
    let mut seen = HashSet::with_capacity(out.len());
    for s in &out {
        if !seen.insert(&s.labels) {
            return Err(bad("vector cannot contain metrics with the same labelset"));
        }
    }
    Ok(Value::Vector(out))
}

pub(crate) fn call(ev: &Evaluator, c: &Call, t: i64) -> Result<Value, Error> {
    let name = c.func.name;
    match name {
        "time" => Ok(Value::Scalar(t as f64 / 1000.0)),
        "vector" => Ok(Value::Vector(vec![Sample {
            labels: Labels::new(),
            value: ev.eval_scalar(arg(c, 0)?, t)?,
        }])),
        "scalar" => {
            let v = ev.eval_vector(arg(c, 0)?, t)?;
            Ok(Value::Scalar(if v.len() == 1 {
                v[0].value
            } else {
                f64::NAN
            }))
        }
        "timestamp" => {
            let out = match unparen(arg(c, 0)?) {
                Expr::VectorSelector(vs) => ev
                    .select_instant(vs, t)
                    .into_iter()
                    .map(|(s, ts)| Sample {
                        labels: drop_name(s.labels),
                        value: ts as f64 / 1000.0,
                    })
                    .collect(),
                e => ev
                    .eval_vector(e, t)?
                    .into_iter()
                    .map(|s| Sample {
                        labels: drop_name(s.labels),
                        value: t as f64 / 1000.0,
                    })
                    .collect(),
            };
            distinct(out)
        }
        "histogram_quantile" => {
            let q = ev.eval_scalar(arg(c, 0)?, t)?;
            let v = ev.eval_vector(arg(c, 1)?, t)?;
            distinct(histogram_quantile(q, v))
        }
        "abs" | "ceil" | "floor" | "exp" | "ln" | "log2" | "log10" | "sqrt" | "sgn" => {
            let f: fn(f64) -> f64 = match name {
                "abs" => f64::abs,
                "ceil" => f64::ceil,
                "floor" => f64::floor,
                "exp" => f64::exp,
                "ln" => f64::ln,
                "log2" => f64::log2,
                "log10" => f64::log10,
                "sqrt" => f64::sqrt,
                _ => |v: f64| {
                    if v > 0.0 {
                        1.0
                    } else if v < 0.0 {
                        -1.0
                    } else {
                        v
                    }
                },
            };
            map_vector(ev, c, t, f)
        }
        "round" => {
            let to = match c.args.args.get(1) {
                Some(e) => ev.eval_scalar(e, t)?,
                None => 1.0,
            };
            let inv = 1.0 / to;
            map_vector(ev, c, t, move |v| (v * inv + 0.5).floor() / inv)
        }
        "clamp" => {
            let lo = ev.eval_scalar(arg(c, 1)?, t)?;
            let hi = ev.eval_scalar(arg(c, 2)?, t)?;
            if hi < lo {
                return Ok(Value::Vector(Vec::new()));
            }
            map_vector(ev, c, t, move |v| go_max(lo, go_min(hi, v)))
        }
        "clamp_min" => {
            let lo = ev.eval_scalar(arg(c, 1)?, t)?;
            map_vector(ev, c, t, move |v| go_max(lo, v))
        }
        "clamp_max" => {
            let hi = ev.eval_scalar(arg(c, 1)?, t)?;
            map_vector(ev, c, t, move |v| go_min(hi, v))
        }
        "quantile_over_time" => {
            let q = ev.eval_scalar(arg(c, 0)?, t)?;
            over_range(ev, arg(c, 1)?, t, true, |s, _, _, _| {
                Some(quantile(q, s.iter().map(|p| p.1).collect()))
            })
        }
        "last_over_time" => {
            let (series, ..) = range_arg(ev, arg(c, 0)?, t)?;
            Ok(Value::Vector(
                series
                    .into_iter()
                    .filter_map(|s| {
                        let v = s.samples.last()?.1;
                        Some(Sample {
                            labels: s.labels,
                            value: v,
                        })
                    })
                    .collect(),
            ))
        }
        _ => {
            let f: RangeFn = match name {
                "rate" => |s, lo, hi, r| extrapolated_rate(s, lo, hi, r, true, true),
                "increase" => |s, lo, hi, r| extrapolated_rate(s, lo, hi, r, true, false),
                "delta" => |s, lo, hi, r| extrapolated_rate(s, lo, hi, r, false, false),
                "irate" => |s, _, _, _| instant_delta(s, true),
                "idelta" => |s, _, _, _| instant_delta(s, false),
                "deriv" => |s, _, _, _| deriv(s),
                "changes" => |s, _, _, _| {
                    Some(
                        s.windows(2)
                            .filter(|w| !(w[0].1 == w[1].1 || (w[0].1.is_nan() && w[1].1.is_nan())))
                            .count() as f64,
                    )
                },
                "resets" => {
                    |s, _, _, _| Some(s.windows(2).filter(|w| w[1].1 < w[0].1).count() as f64)
                }
                "avg_over_time" => |s, _, _, _| Some(mean(&vals(s))),
                "sum_over_time" => |s, _, _, _| Some(kahan_sum(&vals(s))),
                "count_over_time" => |s, _, _, _| Some(s.len() as f64),
                "present_over_time" => |_, _, _, _| Some(1.0),
                "min_over_time" => |s, _, _, _| {
                    Some(s.iter().map(|p| p.1).fold(f64::NAN, |m, v| {
                        if m.is_nan() || v < m {
                            v
                        } else {
                            m
                        }
                    }))
                },
                "max_over_time" => |s, _, _, _| {
                    Some(s.iter().map(|p| p.1).fold(f64::NAN, |m, v| {
                        if m.is_nan() || v > m {
                            v
                        } else {
                            m
                        }
                    }))
                },
                "stddev_over_time" => |s, _, _, _| Some(variance(&vals(s)).sqrt()),
                "stdvar_over_time" => |s, _, _, _| Some(variance(&vals(s))),
                other => {
                    return Err(bad(format!(
                        "PromQL function {other:?} is not supported by this server"
                    )))
                }
            };
            over_range(ev, arg(c, 0)?, t, true, f)
        }
    }
}

fn vals(s: &[(i64, f64)]) -> Vec<f64> {
    s.iter().map(|p| p.1).collect()
}

fn map_vector(ev: &Evaluator, c: &Call, t: i64, f: impl Fn(f64) -> f64) -> Result<Value, Error> {
    let v = ev.eval_vector(arg(c, 0)?, t)?;
    distinct(
        v.into_iter()
            .map(|s| Sample {
                labels: drop_name(s.labels),
                value: f(s.value),
            })
            .collect(),
    )
}

fn over_range(
    ev: &Evaluator,
    e: &Expr,
    t: i64,
    drop: bool,
    f: impl Fn(&[(i64, f64)], i64, i64, f64) -> Option<f64>,
) -> Result<Value, Error> {
    let (series, lo, hi, range) = range_arg(ev, e, t)?;
    let out = series
        .into_iter()
        .filter_map(|s| {
            let v = f(&s.samples, lo, hi, range)?;
            Some(Sample {
                labels: if drop { drop_name(s.labels) } else { s.labels },
                value: v,
            })
        })
        .collect();
    distinct(out)
}

/// rate / increase / delta with Prometheus's extrapolation to the window's edges.
fn extrapolated_rate(
    s: &[(i64, f64)],
    range_start: i64,
    range_end: i64,
    range_secs: f64,
    is_counter: bool,
    is_rate: bool,
) -> Option<f64> {
    if s.len() < 2 {
        return None;
    }
    let (first_t, first_v) = s[0];
    let (last_t, last_v) = s[s.len() - 1];
    let mut result = last_v - first_v;
    if is_counter {
        let mut prev = first_v;
        for &(_, v) in &s[1..] {
            if v < prev {
                result += prev;
            }
            prev = v;
        }
    }
    let mut to_start = (first_t - range_start) as f64 / 1000.0;
    let mut to_end = (range_end - last_t) as f64 / 1000.0;
    let sampled = (last_t - first_t) as f64 / 1000.0;
    let avg_step = sampled / (s.len() - 1) as f64;
    let threshold = avg_step * 1.1;
    if to_start >= threshold {
        to_start = avg_step / 2.0;
    }
    if is_counter && result > 0.0 && first_v >= 0.0 {
        // A counter cannot have been below zero before the first sample.
        let to_zero = sampled * (first_v / result);
        if to_zero < to_start {
            to_start = to_zero;
        }
    }
    if to_end >= threshold {
        to_end = avg_step / 2.0;
    }
    let mut factor = (sampled + to_start + to_end) / sampled;
    if is_rate {
        factor /= range_secs;
    }
    Some(result * factor)
}

/// irate / idelta from the last two samples.
fn instant_delta(s: &[(i64, f64)], is_rate: bool) -> Option<f64> {
    if s.len() < 2 {
        return None;
    }
    let (pt, pv) = s[s.len() - 2];
    let (lt, lv) = s[s.len() - 1];
    let mut result = lv - pv;
    if is_rate && lv < pv {
        result = lv;
    }
    let interval = lt - pt;
    if interval == 0 {
        return None;
    }
    if is_rate {
        result /= interval as f64 / 1000.0;
    }
    Some(result)
}

/// Slope of the least-squares line through the samples, per second.
fn deriv(s: &[(i64, f64)]) -> Option<f64> {
    if s.len() < 2 {
        return None;
    }
    let t0 = s[0].0;
    let n = s.len() as f64;
    let (mut sx, mut sy, mut sxy, mut sx2) = (0.0, 0.0, 0.0, 0.0);
    let mut const_y = true;
    let y0 = s[0].1;
    for &(t, v) in s {
        let x = (t - t0) as f64 / 1000.0;
        if v != y0 {
            const_y = false;
        }
        sx += x;
        sy += v;
        sxy += x * v;
        sx2 += x * x;
    }
    if const_y {
        if y0.is_finite() {
            return Some(0.0);
        }
        return Some(f64::NAN);
    }
    let cov = sxy - sx * sy / n;
    let var = sx2 - sx * sx / n;
    Some(cov / var)
}

/// Prometheus's φ-quantile with linear interpolation between the closest ranks.
pub(crate) fn quantile(q: f64, mut v: Vec<f64>) -> f64 {
    if v.is_empty() || q.is_nan() {
        return f64::NAN;
    }
    if q < 0.0 {
        return f64::NEG_INFINITY;
    }
    if q > 1.0 {
        return f64::INFINITY;
    }
    // NaN sorts first, as Go's sort.Float64s puts it.
    v.sort_by(|a, b| match (a.is_nan(), b.is_nan()) {
        (true, true) => std::cmp::Ordering::Equal,
        (true, false) => std::cmp::Ordering::Less,
        (false, true) => std::cmp::Ordering::Greater,
        _ => a.total_cmp(b),
    });
    let n = v.len() as f64;
    let rank = q * (n - 1.0);
    let lower = rank.floor().max(0.0) as usize;
    let upper = (lower + 1).min(v.len() - 1);
    let w = rank - rank.floor();
    v[lower] * (1.0 - w) + v[upper] * w
}

/// histogram_quantile over classic `le` buckets, grouped by every other label.
fn histogram_quantile(q: f64, v: Vec<Sample>) -> Vec<Sample> {
    let mut order: Vec<Labels> = Vec::new();
    let mut groups: HashMap<Labels, Vec<(f64, f64)>> = HashMap::new();
    for s in v {
        let Some(le) = s.labels.get("le").and_then(|l| parse_le(l)) else {
            continue;
        };
        // Grouped with the metric name, which is dropped afterwards: two histograms of
        // different names must not merge.
        let mut key = s.labels;
        key.remove("le");
        let e = groups.entry(key.clone()).or_default();
        if e.is_empty() {
            order.push(key.clone());
        }
        e.push((le, s.value));
    }
    order
        .into_iter()
        .map(|k| {
            let buckets = groups.remove(&k).unwrap_or_default();
            Sample {
                labels: drop_name(k),
                value: bucket_quantile(q, buckets),
            }
        })
        .collect()
}

fn parse_le(s: &str) -> Option<f64> {
    match s.trim() {
        "+Inf" | "Inf" | "+inf" | "inf" => Some(f64::INFINITY),
        "-Inf" | "-inf" => Some(f64::NEG_INFINITY),
        other => other.parse().ok(),
    }
}

/// Prometheus's bucketQuantile: `buckets` are (upper bound, cumulative count).
pub(crate) fn bucket_quantile(q: f64, mut buckets: Vec<(f64, f64)>) -> f64 {
    if q.is_nan() {
        return f64::NAN;
    }
    if q < 0.0 {
        return f64::NEG_INFINITY;
    }
    if q > 1.0 {
        return f64::INFINITY;
    }
    buckets.sort_by(|a, b| a.0.total_cmp(&b.0));
    if buckets.last().is_none_or(|b| b.0 != f64::INFINITY) {
        return f64::NAN;
    }
    // Merge equal bounds, then force the counts to be monotonic.
    let mut merged: Vec<(f64, f64)> = Vec::with_capacity(buckets.len());
    for b in buckets {
        match merged.last_mut() {
            Some(last) if last.0 == b.0 => last.1 += b.1,
            _ => merged.push(b),
        }
    }
    let mut max = f64::NEG_INFINITY;
    for b in merged.iter_mut() {
        if b.1 > max {
            max = b.1;
        } else {
            b.1 = max;
        }
    }
    if merged.len() < 2 {
        return f64::NAN;
    }
    let observations = merged[merged.len() - 1].1;
    if observations == 0.0 || observations.is_nan() {
        return f64::NAN;
    }
    let mut rank = q * observations;
    let n = merged.len();
    let b = merged[..n - 1]
        .iter()
        .position(|x| x.1 >= rank)
        .unwrap_or(n - 1);
    if b == n - 1 {
        return merged[n - 2].0;
    }
    if b == 0 && merged[0].0 <= 0.0 {
        return merged[0].0;
    }
    let (mut start, end, mut count) = (0.0, merged[b].0, merged[b].1);
    if b > 0 {
        start = merged[b - 1].0;
        count -= merged[b - 1].1;
        rank -= merged[b - 1].1;
    }
    start + (end - start) * (rank / count)
}
