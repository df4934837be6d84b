//! Builder metric queries and metric autocomplete with SigNoz's names (`checkout_latency_count`,
//! label `host_name`) over metrics stored under their OTLP names (`checkout.latency`,
//! `host.name`); the OTLP spelling keeps working. Naming rule: `crate::promql::names`.

use std::collections::BTreeSet;

use rusqlite::Connection;

use super::metrics::{self, ValuePart};
use super::model::BuilderQuery;
use super::series::SeriesSet;
use super::QueryError;
use crate::promql::names::{self, Part};
use crate::promql::store_source::SqliteStorage;
use crate::store::StoreError;

fn strings(c: &Connection, sql: &str, p: impl rusqlite::Params) -> Result<Vec<String>, StoreError> {
    let mut st = c.prepare_cached(sql)?;
    let rows = st.query_map(p, |r| r.get::<_, String>(0))?;
    rows.collect::<Result<Vec<_>, _>>()
        .map_err(StoreError::from)
}

/// Label keys recorded for metrics, in their stored (OTLP) spelling.
fn stored_label_keys(c: &Connection) -> Result<Vec<String>, StoreError> {
    strings(
        c,
        "SELECT key FROM attr_keys WHERE source = 'metrics' AND key != '__name__'",
        [],
    )
}

/// The stored key a queried label key stands for: itself if stored so, else the stored key
/// whose SigNoz spelling it is.
pub fn stored_label_key(stored: &[String], key: &str) -> String {
    if stored.iter().any(|k| k == key) {
        return key.to_string();
    }
    stored
        .iter()
        .find(|k| names::label_name(k) == key)
        .cloned()
        .unwrap_or_else(|| key.to_string())
}

/// Runs a metrics builder query whose metric and label keys may use SigNoz's spelling.
pub fn graph(
    c: &Connection,
    q: &BuilderQuery,
    start_ns: i64,
    end_ns: i64,
    whole_range: bool,
) -> Result<SeriesSet, QueryError> {
    let key = &q.aggregate_attribute.key;
    let mut q2 = q.clone();
    let mut part = ValuePart::Value;
    if !metrics::has_points(c, key)? {
        if let Some((otlp, _, p)) = SqliteStorage::new(c).resolve(key)?.into_iter().next() {
            q2.aggregate_attribute.key = otlp;
            part = match p {
                Part::Count => ValuePart::Count,
                Part::Sum => ValuePart::Sum,
                Part::Value | Part::Bucket => ValuePart::Value,
            };
        }
    }
    let stored = stored_label_keys(c)?;
    for item in q2.filters.iter_mut().flat_map(|f| f.items.iter_mut()) {
        item.key.key = stored_label_key(&stored, &item.key.key);
    }
    for g in q2.group_by.iter_mut() {
        g.key = stored_label_key(&stored, &g.key);
    }
    let mut out = metrics::graph_part(c, &q2, start_ns, end_ns, whole_range, part)?;
    // Group labels come back under the names the query used.
    let series = std::mem::take(&mut out.series);
    for (labels, points) in series {
        let labels = labels
            .into_iter()
            .zip(&q.group_by)
            .map(|((_, v), g)| (g.key.clone(), v))
            .collect();
        out.series.insert(labels, points);
    }
    Ok(out)
}

/// Metric names for the aggregate-attribute autocomplete: SigNoz's spelling, histograms as
/// their `_bucket`, `_count` and `_sum` series. `search` matches either spelling.
pub fn metric_names(c: &Connection, search: &str, limit: usize) -> Result<Vec<String>, StoreError> {
    let search = search.to_lowercase();
    let storage = SqliteStorage::new(c);
    let stored = strings(
        c,
        "SELECT value FROM attr_values WHERE source = 'metrics' AND key = '__name__' ORDER BY value",
        [],
    )?;
    let mut out = BTreeSet::new();
    for m in stored {
        let Some(kind) = storage.kind_of(&m)? else {
            continue;
        };
        let otlp_hit = m.to_lowercase().contains(&search);
        for (n, _) in names::series_names(&m, &kind) {
            if n.contains('.') {
                continue;
            }
            if otlp_hit || n.to_lowercase().contains(&search) {
                out.insert(n);
            }
        }
    }
    Ok(out.into_iter().take(limit).collect())
}

/// Metric label keys in SigNoz's spelling (with `le` for `_bucket` series).
pub fn label_keys(c: &Connection, metric: &str) -> Result<Vec<String>, StoreError> {
    let mut out: BTreeSet<String> = stored_label_keys(c)?
        .iter()
        .map(|k| names::label_name(k))
        .collect();
    if metric.ends_with("_bucket") {
        out.insert("le".into());
    }
    Ok(out.into_iter().collect())
}

/// Stored values of a metric label given in either spelling.
pub fn label_values(
    c: &Connection,
    key: &str,
    search: &str,
    limit: i64,
) -> Result<Vec<String>, StoreError> {
    let mut keys: Vec<String> = stored_label_keys(c)?
        .into_iter()
        .filter(|k| k == key || names::label_name(k) == key)
        .collect();
    if keys.is_empty() {
        keys.push(key.to_string());
    }
    let mut out = BTreeSet::new();
    for k in keys {
        out.extend(strings(
            c,
            "SELECT value FROM attr_values WHERE source = 'metrics' AND key = ?1
             AND instr(lower(value), lower(?2)) > 0 ORDER BY value LIMIT ?3",
            rusqlite::params![k, search, limit],
        )?);
    }
    Ok(out.into_iter().take(limit.max(0) as usize).collect())
}
