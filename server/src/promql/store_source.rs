//! Answers the evaluator from the `metric_points` table, presenting each stored OTLP metric as
//! the Prometheus series SigNoz's exporter would have written (see `names`).
//!
//! Values: gauges and cumulative sums as stored; delta sums and delta histograms are summed
//! over the selected window so they read as counters (`rate`/`increase` then work the same for
//! both temporalities). Histogram bucket counts become cumulative over `le`, as Prometheus's.

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};

use promql_parser::label::Matcher;
use rusqlite::Connection;
use serde_json::{Map, Value as Json};

use super::names::{self, Part};
use super::{format_value, matches_all, metric_name, Labels, Series, Storage};
use crate::store::rows::value_to_string;
use crate::store::StoreError;

/// The writer's cap on remembered values per attribute key (`store::writer`).
const NAMES_LISTED_CAP: usize = 500;

fn names_scan(c: &Connection) -> Result<Vec<String>, StoreError> {
    let mut st = c.prepare_cached("SELECT DISTINCT metric FROM metric_series")?;
    let rows = st.query_map([], |r| r.get::<_, String>(0))?;
    rows.collect::<Result<Vec<_>, _>>()
        .map_err(StoreError::from)
}

pub struct SqliteStorage<'c> {
    conn: &'c Connection,
    known: RefCell<Option<Vec<(String, String)>>>,
}

impl<'c> SqliteStorage<'c> {
    pub fn new(conn: &'c Connection) -> Self {
        SqliteStorage {
            conn,
            known: RefCell::new(None),
        }
    }

    /// The kind (`gauge`, `sum`, `histogram`) of a stored metric.
    pub fn kind_of(&self, metric: &str) -> Result<Option<String>, StoreError> {
        let mut st = self
            .conn
            .prepare_cached("SELECT kind FROM metric_series WHERE metric = ?1 LIMIT 1")?;
        let mut rows = st.query([metric])?;
        Ok(match rows.next()? {
            Some(r) => Some(r.get(0)?),
            None => None,
        })
    }

    /// Every stored metric with its kind.
    pub fn known_metrics(&self) -> Result<Vec<(String, String)>, StoreError> {
        if let Some(k) = self.known.borrow().as_ref() {
            return Ok(k.clone());
        }
        let names = |sql: &str| -> Result<Vec<String>, StoreError> {
            let mut st = self.conn.prepare_cached(sql)?;
            let rows = st.query_map([], |r| r.get::<_, String>(0))?;
            rows.collect::<Result<Vec<_>, _>>()
                .map_err(StoreError::from)
        };
        // The autocomplete table lists metric names cheaply until it reaches its cap of
        // values per key; past that only a scan of the points is complete.
        let mut names =
            names("SELECT value FROM attr_values WHERE source = 'metrics' AND key = '__name__'")?;
        if names.len() >= NAMES_LISTED_CAP {
            names = names_scan(self.conn)?;
        }
        let mut out = Vec::with_capacity(names.len());
        for n in names {
            if let Some(k) = self.kind_of(&n)? {
                out.push((n, k));
            }
        }
        *self.known.borrow_mut() = Some(out.clone());
        Ok(out)
    }

    /// Stored metrics (OTLP name, kind, part) behind the queried Prometheus `name`.
    pub fn resolve(&self, name: &str) -> Result<Vec<(String, String, Part)>, StoreError> {
        let mut out = Vec::new();
        for (base, part) in names::candidates(name) {
            let dotted = base.replace('_', ".");
            for cand in [base.clone(), dotted] {
                if let Some(kind) = self.kind_of(&cand)? {
                    if names::series_names(&cand, &kind)
                        .iter()
                        .any(|(n, p)| n == name && *p == part)
                        && !out
                            .iter()
                            .any(|(m, _, _): &(String, String, Part)| m == &cand)
                    {
                        out.push((cand, kind, part));
                    }
                }
            }
        }
        if out.is_empty() {
            for (m, kind) in self.known_metrics()? {
                if let Some((_, part)) = names::series_names(&m, &kind)
                    .into_iter()
                    .find(|(n, _)| n == name)
                {
                    out.push((m, kind, part));
                }
            }
        }
        Ok(out)
    }

    /// The series of a stored metric (by metric_series id) with their Prometheus labels, those
    /// the selector's matchers can already rule out left out (`le` exists only per bucket; every
    /// matcher is applied again to the series read).
    fn series_of(
        &self,
        metric: &str,
        prom_name: &str,
        matchers: &[Matcher],
    ) -> Result<HashMap<i64, Labels>, StoreError> {
        let mut st = self
            .conn
            .prepare_cached("SELECT id, labels FROM metric_series WHERE metric = ?1")?;
        let mut rows = st.query([metric])?;
        let mut out = HashMap::new();
        while let Some(r) = rows.next()? {
            let labels = prom_labels(&r.get::<_, String>(1)?, prom_name);
            let fits = matchers
                .iter()
                .filter(|m| m.name != "le")
                .all(|m| m.is_match(labels.get(&m.name).map(String::as_str).unwrap_or("")));
            if fits {
                out.insert(r.get(0)?, labels);
            }
        }
        Ok(out)
    }

    fn read(
        &self,
        metric: &str,
        part: Part,
        prom_name: &str,
        matchers: &[Matcher],
        start_ms: i64,
        end_ms: i64,
    ) -> Result<Vec<Series>, StoreError> {
        let series = self.series_of(metric, prom_name, matchers)?;
        if series.is_empty() {
            return Ok(Vec::new());
        }
        let ids = serde_json::to_string(&series.keys().collect::<Vec<_>>()).unwrap_or_default();
        // The (series_id, ts) index reads just the selected series' points.
        let mut st = self.conn.prepare_cached(
            "SELECT ts, series_id, temporality, value, count, sum, bounds, bucket_counts FROM metric_points
             WHERE series_id IN (SELECT value FROM json_each(?1)) AND ts BETWEEN ?2 AND ?3 ORDER BY ts",
        )?;
        let mut rows = st.query(rusqlite::params![
            ids,
            start_ms.saturating_mul(1_000_000),
            end_ms.saturating_mul(1_000_000).saturating_add(999_999),
        ])?;
        // (labels) → samples; delta points accumulate into `running`.
        let mut out: BTreeMap<Labels, Vec<(i64, f64)>> = BTreeMap::new();
        let mut running: HashMap<Labels, f64> = HashMap::new();
        while let Some(r) = rows.next()? {
            let ts_ns: i64 = r.get(0)?;
            let Some(base) = series.get(&r.get::<_, i64>(1)?).cloned() else {
                continue;
            };
            let temporality: i32 = r.get(2)?;
            let delta = temporality == 1;
            let ts = ts_ns.div_euclid(1_000_000);
            let mut push = |labels: Labels, v: f64| {
                let v = if delta {
                    let acc = running.entry(labels.clone()).or_insert(0.0);
                    *acc += v;
                    *acc
                } else {
                    v
                };
                let s = out.entry(labels).or_default();
                match s.last_mut() {
                    Some(last) if last.0 == ts => last.1 = v,
                    _ => s.push((ts, v)),
                }
            };
            match part {
                Part::Value => {
                    if let Some(v) = r.get::<_, Option<f64>>(3)? {
                        push(base, v);
                    }
                }
                Part::Count => {
                    if let Some(v) = r.get::<_, Option<i64>>(4)? {
                        push(base, v as f64);
                    }
                }
                Part::Sum => {
                    if let Some(v) = r.get::<_, Option<f64>>(5)? {
                        push(base, v);
                    }
                }
                Part::Bucket => {
                    let parse = |s: Option<String>| -> Vec<f64> {
                        s.and_then(|s| serde_json::from_str(&s).ok())
                            .unwrap_or_default()
                    };
                    let bounds = parse(r.get(6)?);
                    let counts = parse(r.get(7)?);
                    if counts.len() != bounds.len() + 1 {
                        continue;
                    }
                    let mut cum = 0.0;
                    for (i, c) in counts.iter().enumerate() {
                        cum += c;
                        let le = bounds.get(i).copied().unwrap_or(f64::INFINITY);
                        let mut l = base.clone();
                        l.insert("le".into(), format_value(le));
                        push(l, cum);
                    }
                }
            }
        }
        Ok(out
            .into_iter()
            .map(|(labels, samples)| Series { labels, samples })
            .collect())
    }
}

/// Stored labels (OTLP keys, typed JSON values) as Prometheus labels plus `__name__`.
fn prom_labels(json: &str, name: &str) -> Labels {
    let map: Map<String, Json> = serde_json::from_str(json).unwrap_or_default();
    let mut out = Labels::new();
    for (k, v) in map {
        let s = value_to_string(&v);
        if s.is_empty() {
            continue;
        }
        // Two OTLP keys that differ only in punctuation collide; the first one wins.
        out.entry(names::label_name(&k)).or_insert(s);
    }
    out.insert("__name__".into(), name.to_string());
    out
}

impl Storage for SqliteStorage<'_> {
    fn select(
        &self,
        matchers: &[Matcher],
        start_ms: i64,
        end_ms: i64,
    ) -> Result<Vec<Series>, StoreError> {
        // (stored metric, kind, part, the name its series carry)
        let mut targets: Vec<(String, Part, String)> = Vec::new();
        match metric_name(matchers) {
            Some(name) => {
                for (m, _, part) in self.resolve(name)? {
                    targets.push((m, part, name.to_string()));
                }
            }
            None => {
                let name_matchers: Vec<&Matcher> =
                    matchers.iter().filter(|m| m.name == "__name__").collect();
                for (m, kind) in self.known_metrics()? {
                    for (n, part) in names::series_names(&m, &kind) {
                        // SigNoz's spelling only, so a regex does not see every series twice.
                        if n.contains('.') {
                            continue;
                        }
                        if name_matchers.iter().all(|mt| mt.is_match(&n)) {
                            targets.push((m.clone(), part, n));
                        }
                    }
                }
            }
        }
        if targets.is_empty() {
            if let Some(name) =
                metric_name(matchers).filter(|n| super::span_source::is_span_metric(n))
            {
                return super::span_source::select(self.conn, name, matchers, start_ms, end_ms);
            }
        }
        let mut out = Vec::new();
        for (m, part, name) in targets {
            for s in self.read(&m, part, &name, matchers, start_ms, end_ms)? {
                if matches_all(matchers, &s.labels) && !s.samples.is_empty() {
                    out.push(s);
                }
            }
        }
        Ok(out)
    }
}
