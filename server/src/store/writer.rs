//! The single writer: a dedicated thread owning the only write connection. Each job is one
//! OTLP request; jobs that queue up meanwhile are committed together, and every sender is
//! answered only after the commit, so an acknowledged request is on disk.

use std::collections::HashMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{mpsc, Arc};

use rusqlite::{params, Connection, OptionalExtension};
use tokio::sync::oneshot;

use super::rows::{data_type_of, value_to_string, Batch};
use super::sketch::Sketch;

pub enum Job {
    /// Rows and how many of them count against the queue budget.
    Write(Batch, usize, oneshot::Sender<Result<(), String>>),
    /// Delete telemetry older than the cutoff (ns); replies with rows deleted.
    Sweep(super::Cutoffs, oneshot::Sender<Result<usize, String>>),
    /// Health check: Ok when the last commit succeeded (or a test write does now).
    Probe(oneshot::Sender<Result<(), String>>),
}

/// What the writer shares with `Store`.
pub struct Shared {
    /// Rows sent but not yet committed (bounds the queue's memory).
    pub queued_rows: AtomicUsize,
    /// Cleared when the writer thread ends for any reason.
    pub alive: AtomicBool,
}

/// Marks the writer dead when its thread ends, even by a panic.
struct AliveGuard(Arc<Shared>);

impl Drop for AliveGuard {
    fn drop(&mut self) {
        self.0.alive.store(false, Ordering::SeqCst);
    }
}

/// (service, operation, minute)
type RollupKey = (String, String, i64);
/// (calls, errors, duration sum, latency sketch)
type RollupCell = (i64, i64, i64, Sketch);

/// Most distinct values remembered per attribute key for autocomplete.
const MAX_VALUES_PER_KEY: usize = 500;
const MAX_VALUE_LEN: usize = 200;
/// Most attribute keys kept per (source, tag|resource): keys are client-chosen, so without a
/// cap random keys would grow the tables and this cache without limit.
pub const MAX_KEYS_PER_SOURCE: usize = 5_000;
/// Most attribute values kept per source, over all its keys.
pub const MAX_VALUES_PER_SOURCE: usize = 50_000;
/// Most (service, operation) pairs kept as top-level operations.
pub const MAX_TOP_LEVEL_OPS: usize = 10_000;
/// Series remembered in memory (metric_series rows held); past it the cache starts over, which
/// costs only repeated upserts.
const MAX_SERIES_CACHED: usize = 200_000;
/// How often a still-used key or value gets its `last_seen` refreshed (retention sweeps what
/// was not seen within the retention period).
const LAST_SEEN_REFRESH_NS: i64 = 3600 * 1_000_000_000;

/// (source, scope) → key → last_seen written
type KeyCache = HashMap<(&'static str, &'static str), HashMap<String, i64>>;
/// source → key → value → last_seen written
type ValueCache = HashMap<&'static str, HashMap<String, HashMap<String, i64>>>;

/// What the autocomplete tables hold, with the last_seen each row was written with, so most
/// spans cost no extra writes. Nested maps let lookups borrow the span's strings. Loaded from
/// the tables at start and after each sweep, so the caps hold for the tables too.
#[derive(Default)]
struct SeenCache {
    keys: KeyCache,
    values: ValueCache,
    /// source → values held over all keys
    value_counts: HashMap<&'static str, usize>,
    /// service → operation → last_seen
    top_level: HashMap<String, HashMap<String, i64>>,
    top_level_count: usize,
    /// (metric, labels JSON) → (metric_series id, newest point time written there)
    series: HashMap<(String, String), (i64, i64)>,
}

fn source_name(s: &str) -> Option<&'static str> {
    ["traces", "logs", "metrics"].into_iter().find(|n| *n == s)
}

fn scope_name(s: &str) -> Option<&'static str> {
    ["tag", "resource"].into_iter().find(|n| *n == s)
}

impl SeenCache {
    fn load(conn: &Connection) -> rusqlite::Result<SeenCache> {
        let mut c = SeenCache::default();
        let mut st = conn.prepare("SELECT source, type, key, last_seen FROM attr_keys")?;
        let mut rows = st.query([])?;
        while let Some(r) = rows.next()? {
            let (Some(src), Some(scope)) = (
                source_name(r.get_ref(0)?.as_str()?),
                scope_name(r.get_ref(1)?.as_str()?),
            ) else {
                continue;
            };
            c.keys
                .entry((src, scope))
                .or_default()
                .insert(r.get(2)?, r.get(3)?);
        }
        let mut st = conn.prepare("SELECT source, key, value, last_seen FROM attr_values")?;
        let mut rows = st.query([])?;
        while let Some(r) = rows.next()? {
            let Some(src) = source_name(r.get_ref(0)?.as_str()?) else {
                continue;
            };
            c.values
                .entry(src)
                .or_default()
                .entry(r.get(1)?)
                .or_default()
                .insert(r.get(2)?, r.get(3)?);
            *c.value_counts.entry(src).or_default() += 1;
        }
        let mut st = conn.prepare("SELECT service, name, last_seen FROM top_level_ops")?;
        let mut rows = st.query([])?;
        while let Some(r) = rows.next()? {
            c.top_level
                .entry(r.get(0)?)
                .or_default()
                .insert(r.get(1)?, r.get(2)?);
            c.top_level_count += 1;
        }
        let mut st =
            conn.prepare("SELECT metric, labels, id, last_seen FROM metric_series LIMIT ?1")?;
        let mut rows = st.query([MAX_SERIES_CACHED as i64])?;
        while let Some(r) = rows.next()? {
            c.series
                .insert((r.get(0)?, r.get(1)?), (r.get(2)?, r.get(3)?));
        }
        Ok(c)
    }
}

fn now_ns() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos().min(i64::MAX as u128) as i64)
        .unwrap_or(0)
}

/// Keeps the writer going: a failed or panicking commit fails only its own requests.
/// `logs_committed` hears the number of log rows each commit added (live tail wakes on it).
pub fn run(
    mut conn: Connection,
    rx: mpsc::Receiver<Job>,
    shared: Arc<Shared>,
    logs_committed: tokio::sync::broadcast::Sender<usize>,
) {
    let _alive = AliveGuard(shared.clone());
    let reload = |conn: &Connection| {
        SeenCache::load(conn).unwrap_or_else(|e| {
            tracing::error!(error = %e, "autocomplete cache: cannot load");
            SeenCache::default()
        })
    };
    let mut seen = reload(&conn);
    // The outcome of the last write transaction, for health checks.
    let mut last_write: Result<(), String> = Ok(());
    while let Ok(first) = rx.recv() {
        let mut jobs = vec![first];
        while jobs.len() < 64 {
            match rx.try_recv() {
                Ok(j) => jobs.push(j),
                Err(_) => break,
            }
        }
        let mut writes = Vec::new();
        let mut rows = 0;
        for job in jobs {
            match job {
                Job::Write(b, n, reply) => {
                    rows += n;
                    writes.push((b, reply));
                }
                Job::Sweep(cutoff, reply) => {
                    let r = sweep(&mut conn, cutoff).map_err(|e| e.to_string());
                    seen = reload(&conn);
                    let _ = reply.send(r);
                }
                Job::Probe(reply) => {
                    if last_write.is_err() {
                        last_write = test_write(&mut conn).map_err(|e| e.to_string());
                    }
                    let _ = reply.send(last_write.clone());
                }
            }
        }
        if writes.is_empty() {
            continue;
        }
        let now = now_ns();
        let result = catch_unwind(AssertUnwindSafe(|| {
            write_all(&mut conn, writes.iter().map(|(b, _)| b), &mut seen, now)
                .map_err(|e| e.to_string())
        }))
        .unwrap_or_else(|_| Err("the database writer failed on this batch".into()));
        if result.is_err() {
            // The cache may name rows that were rolled back; start over from the tables.
            if conn.is_autocommit() {
                seen = reload(&conn);
            } else {
                let _ = conn.execute_batch("ROLLBACK");
                seen = reload(&conn);
            }
        } else {
            let logs: usize = writes.iter().map(|(b, _)| b.logs.len()).sum();
            if logs > 0 {
                let _ = logs_committed.send(logs);
            }
        }
        last_write = result.clone();
        shared.queued_rows.fetch_sub(rows, Ordering::SeqCst);
        for (_, reply) in writes {
            let _ = reply.send(result.clone());
        }
    }
}

/// A small committed write (the schema version, rewritten unchanged): fails when the file
/// cannot be written, e.g. the disk is full.
fn test_write(conn: &mut Connection) -> rusqlite::Result<()> {
    let tx = conn.transaction()?;
    let v: i64 = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    tx.execute_batch(&format!("PRAGMA user_version = {v}"))?;
    tx.commit()
}

fn write_all<'a>(
    conn: &mut Connection,
    batches: impl Iterator<Item = &'a Batch>,
    seen: &mut SeenCache,
    now: i64,
) -> rusqlite::Result<()> {
    let tx = conn.transaction()?;
    let mut rollup: HashMap<RollupKey, RollupCell> = HashMap::new();
    {
        let mut ins_span = tx.prepare_cached(
            "INSERT INTO spans (ts, trace_id, span_id, parent_span_id, service, name, kind, duration, status_code,
             status_message, has_error, http_method, response_status_code, attrs, resource, events, refs)
             VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17)",
        )?;
        let mut ins_err = tx.prepare_cached(
            "INSERT INTO errors (ts, error_id, group_id, trace_id, span_id, service, exception_type,
             exception_message, exception_stacktrace, exception_escaped) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10)",
        )?;
        let mut ins_log = tx.prepare_cached(
            "INSERT INTO logs (ts, observed_ts, id, trace_id, span_id, trace_flags, severity_text, severity_number,
             body, service, attrs, resource) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12)",
        )?;
        let mut ins_metric = tx.prepare_cached(
            "INSERT INTO metric_points (ts, metric, kind, temporality, monotonic, labels, value, count, sum, bounds,
             bucket_counts, series_id) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12)",
        )?;
        let mut ins_key = tx.prepare_cached(
            "INSERT INTO attr_keys (source, key, type, data_type, last_seen) VALUES (?1,?2,?3,?4,?5)
             ON CONFLICT DO UPDATE SET last_seen = excluded.last_seen",
        )?;
        let mut ins_value = tx.prepare_cached(
            "INSERT INTO attr_values (source, key, value, last_seen) VALUES (?1,?2,?3,?4)
             ON CONFLICT DO UPDATE SET last_seen = excluded.last_seen",
        )?;
        let mut ins_top = tx.prepare_cached(
            "INSERT INTO top_level_ops (service, name, last_seen) VALUES (?1,?2,?3)
             ON CONFLICT DO UPDATE SET last_seen = excluded.last_seen",
        )?;
        let mut ins_series = tx.prepare_cached(
            "INSERT INTO metric_series (metric, kind, labels, last_seen) VALUES (?1,?2,?3,?4)
             ON CONFLICT DO UPDATE SET last_seen = max(last_seen, excluded.last_seen) RETURNING id",
        )?;
        let series = &mut seen.series;
        let stale = now - LAST_SEEN_REFRESH_NS;

        let mut remember = |source: &'static str,
                            kind: &'static str,
                            map: &serde_json::Map<String, serde_json::Value>|
         -> rusqlite::Result<()> {
            let keys = seen.keys.entry((source, kind)).or_default();
            let values = seen.values.entry(source).or_default();
            let value_count = seen.value_counts.entry(source).or_default();
            for (k, v) in map {
                let keys_full = keys.len() >= MAX_KEYS_PER_SOURCE;
                match keys.get_mut(k.as_str()) {
                    Some(t) if *t >= stale => {}
                    Some(t) => {
                        *t = now;
                        ins_key.execute(params![source, k, kind, data_type_of(v), now])?;
                    }
                    None if keys_full => continue,
                    None => {
                        keys.insert(k.clone(), now);
                        ins_key.execute(params![source, k, kind, data_type_of(v), now])?;
                    }
                }
                let set = match values.get_mut(k.as_str()) {
                    Some(set) => set,
                    None => values.entry(k.clone()).or_default(),
                };
                let owned;
                let text = match v {
                    serde_json::Value::String(s) if s.len() > MAX_VALUE_LEN => continue,
                    serde_json::Value::String(s) => s.as_str(),
                    other => {
                        owned = value_to_string(other);
                        owned.as_str()
                    }
                };
                let set_full =
                    set.len() >= MAX_VALUES_PER_KEY || *value_count >= MAX_VALUES_PER_SOURCE;
                match set.get_mut(text) {
                    Some(t) if *t >= stale => {}
                    Some(t) => {
                        *t = now;
                        ins_value.execute(params![source, k, text, now])?;
                    }
                    None if set_full => {}
                    None => {
                        ins_value.execute(params![source, k, text, now])?;
                        set.insert(text.to_string(), now);
                        *value_count += 1;
                    }
                }
            }
            Ok(())
        };

        // The serialised resource of the previous span: consecutive spans share one.
        let mut last_resource: (*const serde_json::Map<String, serde_json::Value>, String) =
            (std::ptr::null(), String::new());
        for batch in batches {
            for s in &batch.spans {
                let new_resource = std::sync::Arc::as_ptr(&s.resource) != last_resource.0;
                if new_resource {
                    last_resource = (
                        std::sync::Arc::as_ptr(&s.resource),
                        serde_json::to_string(&*s.resource).unwrap(),
                    );
                }
                ins_span.execute(params![
                    s.ts,
                    s.trace_id,
                    s.span_id,
                    s.parent_span_id,
                    s.service,
                    s.name,
                    s.kind,
                    s.duration,
                    s.status_code,
                    s.status_message,
                    s.has_error,
                    s.http_method,
                    s.response_status_code,
                    serde_json::to_string(&s.attrs).unwrap(),
                    &last_resource.1,
                    serde_json::to_string(&s.events).unwrap(),
                    serde_json::to_string(&s.refs).unwrap(),
                ])?;
                let e = rollup
                    .entry((
                        s.service.clone(),
                        s.name.clone(),
                        s.ts.div_euclid(60_000_000_000),
                    ))
                    .or_insert_with(|| (0, 0, 0, Sketch::default()));
                e.0 += 1;
                e.1 += s.has_error as i64;
                e.2 = e.2.saturating_add(s.duration);
                e.3.add(s.duration as f64);
                if s.top_level {
                    let last = seen
                        .top_level
                        .get(&s.service)
                        .and_then(|ops| ops.get(&s.name))
                        .copied();
                    let write = match last {
                        Some(t) => t < stale,
                        None => seen.top_level_count < MAX_TOP_LEVEL_OPS,
                    };
                    if write {
                        if last.is_none() {
                            seen.top_level_count += 1;
                        }
                        seen.top_level
                            .entry(s.service.clone())
                            .or_default()
                            .insert(s.name.clone(), now);
                        ins_top.execute(params![s.service, s.name, now])?;
                    }
                }
                remember("traces", "tag", &s.attrs)?;
                if new_resource {
                    remember("traces", "resource", &s.resource)?;
                }
            }
            for e in &batch.errors {
                ins_err.execute(params![
                    e.ts,
                    e.error_id,
                    e.group_id,
                    e.trace_id,
                    e.span_id,
                    e.service,
                    e.exception_type,
                    e.exception_message,
                    e.exception_stacktrace,
                    e.exception_escaped
                ])?;
            }
            for l in &batch.logs {
                ins_log.execute(params![
                    l.ts,
                    l.observed_ts,
                    l.id,
                    l.trace_id,
                    l.span_id,
                    l.trace_flags,
                    l.severity_text,
                    l.severity_number,
                    l.body,
                    l.service,
                    serde_json::to_string(&l.attrs).unwrap(),
                    serde_json::to_string(&l.resource).unwrap(),
                ])?;
                remember("logs", "tag", &l.attrs)?;
                remember("logs", "resource", &l.resource)?;
            }
            for m in &batch.metrics {
                let labels = serde_json::to_string(&m.labels).unwrap();
                // One metric_series row per (metric, labels), its last_seen the newest point's
                // time to within the refresh interval.
                let key = (m.metric.clone(), labels);
                let series_id = match series.get(&key) {
                    Some(&(id, t)) if m.ts <= t.saturating_add(LAST_SEEN_REFRESH_NS) => id,
                    _ => {
                        let id: i64 = ins_series
                            .query_row(params![m.metric, m.kind, key.1, m.ts], |r| r.get(0))?;
                        if series.len() >= MAX_SERIES_CACHED {
                            series.clear();
                        }
                        series.insert(key.clone(), (id, m.ts));
                        id
                    }
                };
                ins_metric.execute(params![
                    m.ts,
                    m.metric,
                    m.kind,
                    m.temporality,
                    m.monotonic,
                    key.1,
                    m.value,
                    m.count.map(|c| c as i64),
                    m.sum,
                    m.bounds.as_ref().map(|b| serde_json::to_string(b).unwrap()),
                    m.bucket_counts
                        .as_ref()
                        .map(|b| serde_json::to_string(b).unwrap()),
                    series_id,
                ])?;
                let mut name_only = serde_json::Map::new();
                name_only.insert(
                    "__name__".into(),
                    serde_json::Value::String(m.metric.clone()),
                );
                remember("metrics", "tag", &name_only)?;
                remember("metrics", "tag", &m.labels)?;
            }
        }
    }
    {
        let mut get = tx.prepare_cached(
            "SELECT sketch FROM span_rollup WHERE service=?1 AND name=?2 AND minute=?3",
        )?;
        let mut upsert = tx.prepare_cached(
            "INSERT INTO span_rollup (service, name, minute, calls, errors, duration_sum, sketch) VALUES (?1,?2,?3,?4,?5,?6,?7)
             ON CONFLICT (service, name, minute) DO UPDATE SET calls = calls + excluded.calls,
             errors = errors + excluded.errors, sketch = excluded.sketch,
             duration_sum = CASE WHEN duration_sum > 9223372036854775807 - excluded.duration_sum
                 THEN 9223372036854775807 ELSE duration_sum + excluded.duration_sum END",
        )?;
        for ((service, name, minute), (calls, errors, dur, mut sketch)) in rollup {
            if let Some(old) = get
                .query_row(params![service, name, minute], |r| r.get::<_, Vec<u8>>(0))
                .optional()?
            {
                sketch.merge(&Sketch::decode(&old));
            }
            upsert.execute(params![
                service,
                name,
                minute,
                calls,
                errors,
                dur,
                sketch.encode()
            ])?;
        }
    }
    tx.commit()
}

fn sweep(conn: &mut Connection, cutoffs: super::Cutoffs) -> rusqlite::Result<usize> {
    let tx = conn.transaction()?;
    let mut n = 0;
    n += tx.execute("DELETE FROM spans WHERE ts < ?1", [cutoffs.traces])?;
    n += tx.execute("DELETE FROM errors WHERE ts < ?1", [cutoffs.traces])?;
    n += tx.execute("DELETE FROM logs WHERE ts < ?1", [cutoffs.logs])?;
    n += tx.execute("DELETE FROM metric_points WHERE ts < ?1", [cutoffs.metrics])?;
    n += tx.execute(
        "DELETE FROM metric_series WHERE last_seen < ?1",
        [cutoffs.metrics],
    )?;
    n += tx.execute(
        "DELETE FROM span_rollup WHERE minute < ?1",
        [cutoffs.traces.div_euclid(60_000_000_000)],
    )?;
    // Autocomplete entries go with the longest-kept signal.
    let cutoff_ns = cutoffs.traces.min(cutoffs.logs).min(cutoffs.metrics);
    // Autocomplete entries not seen within the retention period go too.
    for table in ["attr_keys", "attr_values", "top_level_ops"] {
        n += tx.execute(
            &format!("DELETE FROM {table} WHERE last_seen < ?1"),
            [cutoff_ns],
        )?;
    }
    tx.commit()?;
    Ok(n)
}
