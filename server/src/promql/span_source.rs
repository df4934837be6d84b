//! SigNoz's span metrics for PromQL, from the per-minute span rollup, for stores that hold
//! spans but no span-metrics pipeline output (SigNoz's key-operations dashboard queries
//! `signoz_latency_bucket` and `signoz_calls_total` in PromQL).
//!
//! Series: `signoz_calls_total{service_name, operation, status_code}` (STATUS_CODE_ERROR for
//! errored calls, STATUS_CODE_UNSET for the rest) and `signoz_latency_bucket{…, le}`,
//! `_count`, `_sum` per service and operation, with SigNoz's default buckets in ms. Each is a
//! counter sampled at the end of every minute that had spans, counting from the selected
//! window's start. The rollup has no span kind or resource attributes, so matchers on those
//! labels find nothing.

use std::collections::BTreeMap;

use promql_parser::label::{MatchOp, Matcher};
use rusqlite::{params, Connection};

use super::{format_value, matches_all, Labels, Series};
use crate::store::sketch::Sketch;
use crate::store::StoreError;

/// SigNoz's default `latency_histogram_buckets`, in ms.
const BOUNDS_MS: &[f64] = &[
    0.1, 1.0, 2.0, 6.0, 10.0, 50.0, 100.0, 250.0, 500.0, 1000.0, 1400.0, 2000.0, 5000.0, 10000.0,
    20000.0, 40000.0, 60000.0,
];

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Calls,
    Bucket,
    Count,
    Sum,
}

fn kind_of(name: &str) -> Option<Kind> {
    Some(match name {
        "signoz_calls_total" => Kind::Calls,
        "signoz_latency_bucket" => Kind::Bucket,
        "signoz_latency_count" => Kind::Count,
        "signoz_latency_sum" => Kind::Sum,
        _ => return None,
    })
}

pub fn is_span_metric(name: &str) -> bool {
    kind_of(name).is_some()
}

/// (service, operation) pairs that have spans: the label sets of every span metric.
pub fn services_and_operations(c: &Connection) -> Result<Vec<(String, String)>, StoreError> {
    let mut st = c.prepare_cached("SELECT DISTINCT service, name FROM span_rollup")?;
    let rows = st.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
    rows.collect::<Result<Vec<_>, _>>()
        .map_err(StoreError::from)
}

/// The span-metric series `matchers` select in `[start_ms, end_ms]`.
pub fn select(
    c: &Connection,
    name: &str,
    matchers: &[Matcher],
    start_ms: i64,
    end_ms: i64,
) -> Result<Vec<Series>, StoreError> {
    let Some(kind) = kind_of(name) else {
        return Ok(Vec::new());
    };
    let service = matchers
        .iter()
        .find(|m| m.name == "service_name" && matches!(m.op, MatchOp::Equal))
        .map(|m| m.value.clone());
    let mut st = c.prepare_cached(
        "SELECT service, name, minute, calls, errors, duration_sum, sketch FROM span_rollup
             WHERE minute BETWEEN ?1 AND ?2 AND (?3 IS NULL OR service = ?3) ORDER BY minute",
    )?;
    // A minute's counts are complete at its end, which is when its sample is taken.
    let first = start_ms.div_euclid(60_000) - 1;
    let last = end_ms.div_euclid(60_000) - 1;
    let mut rows = st.query(params![first, last, service])?;
    let mut running: BTreeMap<Labels, (f64, Vec<(i64, f64)>)> = BTreeMap::new();
    let mut add = |labels: Labels, ts: i64, v: f64| {
        if !matches_all(matchers, &labels) {
            return;
        }
        let e = running.entry(labels).or_default();
        if e.1.is_empty() {
            // The counter is zero when the first minute in the window begins.
            e.1.push((ts - 60_000, 0.0));
        }
        e.0 += v;
        let total = e.0;
        e.1.push((ts, total));
    };
    while let Some(r) = rows.next()? {
        let service: String = r.get(0)?;
        let op: String = r.get(1)?;
        let minute: i64 = r.get(2)?;
        let calls: i64 = r.get(3)?;
        let errors: i64 = r.get(4)?;
        let dur_ns: i64 = r.get(5)?;
        let ts = (minute + 1) * 60_000;
        let base = |extra: &[(&str, String)]| -> Labels {
            let mut l = Labels::new();
            l.insert("__name__".into(), name.to_string());
            l.insert("service_name".into(), service.clone());
            l.insert("operation".into(), op.clone());
            for (k, v) in extra {
                l.insert(k.to_string(), v.clone());
            }
            l
        };
        match kind {
            Kind::Calls => {
                add(
                    base(&[("status_code", "STATUS_CODE_UNSET".into())]),
                    ts,
                    (calls - errors) as f64,
                );
                if errors > 0 {
                    add(
                        base(&[("status_code", "STATUS_CODE_ERROR".into())]),
                        ts,
                        errors as f64,
                    );
                }
            }
            Kind::Count => add(base(&[]), ts, calls as f64),
            Kind::Sum => add(base(&[]), ts, dur_ns as f64 / 1e6),
            Kind::Bucket => {
                let sketch = Sketch::decode(&r.get::<_, Vec<u8>>(6)?);
                for b in BOUNDS_MS {
                    let n = sketch.count_at_most(b * 1e6) as f64;
                    add(base(&[("le", format_value(*b))]), ts, n);
                }
                add(base(&[("le", "+Inf".into())]), ts, calls as f64);
            }
        }
    }
    Ok(running
        .into_iter()
        .map(|(labels, (_, samples))| Series { labels, samples })
        .collect())
}
