//! SigNoz's span metrics for PromQL, derived from stored spans, for stores that hold spans but
//! no span-metrics pipeline output (SigNoz's service page and key-operations dashboard query
//! `signoz_latency_bucket`, `signoz_calls_total`, `signoz_db_latency_*` and
//! `signoz_external_call_latency_*`).
//!
//! Labels as the `signozspanmetrics` processor writes them: `signoz_calls_total` and
//! `signoz_latency_*` carry `service_name`, `operation`, `span_kind`, `status_code` (calls also
//! `http_status_code`; buckets `le`, SigNoz's default bounds in ms);
//! `signoz_db_latency_count|_sum` (spans other than SERVER with `db.system`) carry
//! `service_name`, `status_code`, `db_system`, `db_name`; `signoz_external_call_latency_count|_sum`
//! (CLIENT spans with a remote address) carry `service_name`, `status_code`, `address`,
//! `http_status_code`. Every series also carries `resource_<key>` per resource attribute.
//! Each is a counter sampled at the end of every minute that had spans, counting from the
//! selected window's start.
//!
//! Calls and latency selected only by `service_name`, `operation` and `le` read the per-minute
//! rollup (fast at any volume; its `status_code` is ERROR or UNSET and it has no other labels);
//! everything else aggregates the raw spans per minute in SQL.

use std::collections::BTreeMap;

use promql_parser::label::{MatchOp, Matcher};
use rusqlite::{params, Connection};

use super::{format_value, matches_all, Labels, Series};
use crate::api::metric_tags::resource_label;
use crate::api::query_range::span_metrics::{ADDRESS, HTTP_STATUS_CODE, MAY_HAVE_ADDRESS};
use crate::store::sketch::Sketch;
use crate::store::StoreError;

/// SigNoz's default `latency_histogram_buckets`, in ms.
pub const BOUNDS_MS: &[f64] = &[
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

#[derive(Clone, Copy, PartialEq)]
enum Family {
    Calls,
    Latency,
    Db,
    External,
}

fn kind_of(name: &str) -> Option<Kind> {
    family_of(name).map(|(_, k)| k)
}

fn family_of(name: &str) -> Option<(Family, Kind)> {
    Some(match name {
        "signoz_calls_total" => (Family::Calls, Kind::Calls),
        "signoz_latency_bucket" => (Family::Latency, Kind::Bucket),
        "signoz_latency_count" => (Family::Latency, Kind::Count),
        "signoz_latency_sum" => (Family::Latency, Kind::Sum),
        "signoz_db_latency_count" => (Family::Db, Kind::Count),
        "signoz_db_latency_sum" => (Family::Db, Kind::Sum),
        "signoz_external_call_latency_count" => (Family::External, Kind::Count),
        "signoz_external_call_latency_sum" => (Family::External, Kind::Sum),
        _ => return None,
    })
}

/// Labels the per-minute rollup answers exactly.
const ROLLUP_LABELS: &[&str] = &["__name__", "service_name", "operation", "le"];

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
    let Some((family, kind)) = family_of(name) else {
        return Ok(Vec::new());
    };
    if !matches!(family, Family::Calls | Family::Latency)
        || matchers
            .iter()
            .any(|m| !ROLLUP_LABELS.contains(&m.name.as_str()))
    {
        return select_raw(c, name, family, kind, matchers, start_ms, end_ms);
    }
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

/// Per-minute counters from the raw spans, grouped in SQL by every label of the family.
fn select_raw(
    c: &Connection,
    name: &str,
    family: Family,
    kind: Kind,
    matchers: &[Matcher],
    start_ms: i64,
    end_ms: i64,
) -> Result<Vec<Series>, StoreError> {
    let service = matchers
        .iter()
        .find(|m| m.name == "service_name" && matches!(m.op, MatchOp::Equal))
        .map(|m| m.value.clone());
    const DB_SYSTEM: &str = "json_extract(attrs, '$.\"db.system\"')";
    const DB_NAME: &str = "json_extract(attrs, '$.\"db.name\"')";
    let ext_cond = format!("kind = 3 AND {MAY_HAVE_ADDRESS}");
    // (operation, kind, http_status_code, db_system, db_name, address, which spans)
    let (op, span_kind_col, http, db_system, db_name, address, cond) = match family {
        Family::Calls => (
            "name",
            "kind",
            HTTP_STATUS_CODE,
            "NULL",
            "NULL",
            "NULL",
            "1",
        ),
        Family::Latency => ("name", "kind", "NULL", "NULL", "NULL", "NULL", "1"),
        Family::Db => (
            "NULL",
            "NULL",
            "NULL",
            DB_SYSTEM,
            DB_NAME,
            "NULL",
            "kind != 2 AND json_extract(attrs, '$.\"db.system\"') IS NOT NULL",
        ),
        Family::External => (
            "NULL",
            "NULL",
            HTTP_STATUS_CODE,
            "NULL",
            "NULL",
            ADDRESS,
            ext_cond.as_str(),
        ),
    };
    let buckets: String = if kind == Kind::Bucket {
        BOUNDS_MS
            .iter()
            .map(|b| format!(", SUM(duration <= {})", (b * 1e6) as i64))
            .collect()
    } else {
        String::new()
    };
    // Minutes whose end falls in the window, as the rollup path samples them.
    let first = start_ms.div_euclid(60_000) - 1;
    let last = end_ms.div_euclid(60_000) - 1;
    // A literal condition, so the planner can use the (service, ts) index.
    let by_service = if service.is_some() {
        "service = ?3"
    } else {
        "?3 IS NULL"
    };
    let sql = format!(
        "SELECT minute, service, op, kind, status_code, http, db_system, db_name, address, resource,
                COUNT(*), SUM(duration){buckets}
         FROM (SELECT ts / 60000000000 AS minute, service, {op} AS op, {span_kind_col} AS kind,
                 status_code, {http} AS http, {db_system} AS db_system, {db_name} AS db_name,
                 {address} AS address, resource, duration
               FROM spans WHERE ts >= ?1 AND ts < ?2 AND {by_service} AND {cond})
         WHERE address IS NOT NULL OR ?4
         GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 ORDER BY 1",
    );
    let mut st = c.prepare_cached(&sql)?;
    let mut rows = st.query(params![
        first * 60_000_000_000,
        (last + 1) * 60_000_000_000,
        service,
        family != Family::External
    ])?;
    let mut running: BTreeMap<Labels, (f64, Vec<(i64, f64)>)> = BTreeMap::new();
    let mut resources: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
    while let Some(r) = rows.next()? {
        let minute: i64 = r.get(0)?;
        let ts = (minute + 1) * 60_000;
        let mut l = Labels::new();
        l.insert("__name__".into(), name.to_string());
        l.insert("service_name".into(), r.get(1)?);
        let text = |i: usize| -> rusqlite::Result<Option<String>> {
            Ok(match r.get_ref(i)? {
                rusqlite::types::ValueRef::Null => None,
                rusqlite::types::ValueRef::Integer(n) => Some(n.to_string()),
                rusqlite::types::ValueRef::Real(f) => Some(f.to_string()),
                v => Some(String::from_utf8_lossy(v.as_bytes()?).into_owned()),
            })
        };
        if let Some(op) = text(2)? {
            l.insert("operation".into(), op);
        }
        if let Some(k) = r.get::<_, Option<i64>>(3)? {
            l.insert("span_kind".into(), span_kind(k).into());
        }
        l.insert("status_code".into(), status_code(r.get(4)?).into());
        for (i, label) in [
            (5, "http_status_code"),
            (6, "db_system"),
            (7, "db_name"),
            (8, "address"),
        ] {
            if let Some(v) = text(i)? {
                l.insert(label.into(), v);
            }
        }
        let resource: String = r.get(9)?;
        let rl = resources.entry(resource).or_insert_with_key(|json| {
            serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(json)
                .unwrap_or_default()
                .into_iter()
                .map(|(k, v)| {
                    let v = match v {
                        serde_json::Value::String(s) => s,
                        other => other.to_string(),
                    };
                    (resource_label(&k), v)
                })
                .collect()
        });
        for (k, v) in rl.iter() {
            l.entry(k.clone()).or_insert_with(|| v.clone());
        }
        let count: i64 = r.get(10)?;
        let mut points: Vec<(Labels, f64)> = Vec::new();
        match kind {
            Kind::Calls | Kind::Count => points.push((l, count as f64)),
            Kind::Sum => points.push((l, r.get::<_, i64>(11)? as f64 / 1e6)),
            Kind::Bucket => {
                for (i, b) in BOUNDS_MS.iter().enumerate() {
                    let mut lb = l.clone();
                    lb.insert("le".into(), format_value(*b));
                    points.push((lb, r.get::<_, i64>(12 + i)? as f64));
                }
                l.insert("le".into(), "+Inf".into());
                points.push((l, count as f64));
            }
        }
        for (labels, v) in points {
            if !matches_all(matchers, &labels) {
                continue;
            }
            let e = running.entry(labels).or_default();
            if e.1.is_empty() {
                e.1.push((ts - 60_000, 0.0));
            }
            e.0 += v;
            let total = e.0;
            e.1.push((ts, total));
        }
    }
    Ok(running
        .into_iter()
        .map(|(labels, (_, samples))| Series { labels, samples })
        .collect())
}

fn span_kind(k: i64) -> &'static str {
    match k {
        1 => "SPAN_KIND_INTERNAL",
        2 => "SPAN_KIND_SERVER",
        3 => "SPAN_KIND_CLIENT",
        4 => "SPAN_KIND_PRODUCER",
        5 => "SPAN_KIND_CONSUMER",
        _ => "SPAN_KIND_UNSPECIFIED",
    }
}

fn status_code(c: i64) -> &'static str {
    match c {
        1 => "STATUS_CODE_OK",
        2 => "STATUS_CODE_ERROR",
        _ => "STATUS_CODE_UNSET",
    }
}
