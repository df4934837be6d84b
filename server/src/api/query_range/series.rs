//! Time series as query_range returns them: labelled points with string values, plus the
//! reductions (`reduceTo`, limit, having) shared by every data source.

use std::collections::BTreeMap;

use serde_json::Value;
use signoz_api::query_range::{Point, Series};

use super::model::Having;

/// Group labels in groupBy order.
pub type Labels = Vec<(String, String)>;

#[derive(Default, Debug, Clone)]
pub struct SeriesSet {
    /// labels → (timestamp ms → value)
    pub series: BTreeMap<Labels, BTreeMap<i64, f64>>,
}

impl SeriesSet {
    pub fn set(&mut self, labels: Labels, ts_ms: i64, v: f64) {
        self.series.entry(labels).or_default().insert(ts_ms, v);
    }

    pub fn is_empty(&self) -> bool {
        self.series.is_empty()
    }

    /// Keeps the `limit` series with the largest total (SigNoz orders groups by value desc).
    pub fn limit(&mut self, limit: Option<u64>) {
        let Some(n) = limit.filter(|n| *n > 0) else {
            return;
        };
        if self.series.len() as u64 <= n {
            return;
        }
        let mut totals: Vec<(f64, Labels)> = self
            .series
            .iter()
            .map(|(l, p)| (p.values().sum(), l.clone()))
            .collect();
        totals.sort_by(|a, b| b.0.total_cmp(&a.0));
        let keep: std::collections::HashSet<Labels> = totals
            .into_iter()
            .take(n as usize)
            .map(|(_, l)| l)
            .collect();
        self.series.retain(|l, _| keep.contains(l));
    }

    /// Drops points whose value fails any `having` condition.
    pub fn having(&mut self, having: &[Having]) {
        if having.is_empty() {
            return;
        }
        for points in self.series.values_mut() {
            points.retain(|_, v| having.iter().all(|h| holds(*v, h)));
        }
        self.series.retain(|_, p| !p.is_empty());
    }

    /// Collapses every series to one point (value/table panels), per `reduceTo`.
    pub fn reduce(&mut self, reduce_to: &str) {
        for points in self.series.values_mut() {
            let Some((&last_ts, &last)) = points.iter().next_back() else {
                continue;
            };
            let vals: Vec<f64> = points.values().copied().collect();
            let v = match reduce_to {
                "sum" => vals.iter().sum(),
                "avg" => vals.iter().sum::<f64>() / vals.len() as f64,
                "min" => vals.iter().copied().fold(f64::INFINITY, f64::min),
                "max" => vals.iter().copied().fold(f64::NEG_INFINITY, f64::max),
                _ => last,
            };
            points.clear();
            points.insert(last_ts, v);
        }
    }

    /// The reply's `series`: `None` (`null`) when empty and `empty_as_null`, else a list.
    pub fn to_wire(&self, empty_as_null: bool) -> Option<Vec<Series>> {
        if self.series.is_empty() && empty_as_null {
            return None;
        }
        Some(
            self.series
                .iter()
                .map(|(labels, points)| Series {
                    labels: labels.iter().cloned().collect(),
                    labels_array: (!labels.is_empty()).then(|| {
                        labels
                            .iter()
                            .map(|(k, v)| BTreeMap::from([(k.clone(), v.clone())]))
                            .collect()
                    }),
                    values: points
                        .iter()
                        .map(|(ts, v)| Point {
                            timestamp: *ts,
                            value: *v,
                        })
                        .collect(),
                })
                .collect(),
        )
    }
}

fn holds(v: f64, h: &Having) -> bool {
    let target = match &h.value {
        Value::Number(n) => n.as_f64().unwrap_or(f64::NAN),
        Value::String(s) => s.parse().unwrap_or(f64::NAN),
        Value::Array(a) => {
            let set: Vec<f64> = a.iter().filter_map(|x| x.as_f64()).collect();
            return match h.op.to_ascii_lowercase().as_str() {
                "in" => set.contains(&v),
                "nin" | "not_in" => !set.contains(&v),
                _ => true,
            };
        }
        _ => return true,
    };
    match h.op.as_str() {
        "=" | "==" => v == target,
        "!=" => v != target,
        ">" => v > target,
        ">=" => v >= target,
        "<" => v < target,
        "<=" => v <= target,
        _ => true,
    }
}

/// Go's `strconv.FormatFloat(v, 'f', -1, 64)`, with Go's spellings of the non-finite values.
pub use signoz_api::de::format_float as format_value;

/// Start of the step bucket holding `ts_ns`, in ms (buckets align to multiples of the step).
/// Saturating, and a step below one second counts as one, so no input can overflow or divide by 0.
pub fn bucket_ms(ts_ns: i64, step_s: i64) -> i64 {
    let step_s = step_s.max(1);
    let step_ns = step_s.saturating_mul(1_000_000_000);
    ts_ns
        .div_euclid(step_ns)
        .saturating_mul(step_s)
        .saturating_mul(1000)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_format_like_go() {
        assert_eq!(format_value(812000000.0), "812000000");
        assert_eq!(format_value(790500000.5), "790500000.5");
        assert_eq!(format_value(f64::NAN), "NaN");
        assert_eq!(format_value(f64::NEG_INFINITY), "-Inf");
        assert_eq!(format_value(1e21), "1000000000000000000000");
    }

    use serde_json::json;

    #[test]
    fn series_json_shapes() {
        let mut s = SeriesSet::default();
        assert_eq!(wire(&s, true), Value::Null);
        assert_eq!(wire(&s, false), json!([]));
        s.set(vec![], 60_000, 2.0);
        assert_eq!(
            wire(&s, true),
            json!([{"labels": {}, "labelsArray": null, "values": [{"timestamp": 60000, "value": "2"}]}])
        );
        let mut g = SeriesSet::default();
        g.set(vec![("serviceName".into(), "a".into())], 0, 1.0);
        assert_eq!(
            wire(&g, true)[0]["labelsArray"],
            json!([{"serviceName": "a"}])
        );
    }

    fn wire(s: &SeriesSet, empty_as_null: bool) -> Value {
        serde_json::to_value(s.to_wire(empty_as_null)).unwrap()
    }

    #[test]
    fn buckets_align_to_step() {
        assert_eq!(bucket_ms(125_000_000_000, 60), 120_000);
        assert_eq!(bucket_ms(59_999_999_999, 60), 0);
        assert_eq!(bucket_ms(1_700_000_000_000_000_000, 1 << 55), 0);
        assert_eq!(bucket_ms(5, 0), 0);
    }
}
