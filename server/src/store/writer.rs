//! The single writer: a dedicated thread owning the only write connection. Each job is one
//! OTLP request; jobs that queue up meanwhile are committed together, and every sender is
//! answered only after the commit, so an acknowledged request is on disk.

use std::collections::{HashMap, HashSet};
use std::sync::mpsc;

use rusqlite::{params, Connection, OptionalExtension};
use tokio::sync::oneshot;

use super::rows::{data_type_of, value_to_string, Batch};
use super::sketch::Sketch;

pub enum Job {
    Write(Batch, oneshot::Sender<Result<(), String>>),
    /// Delete telemetry older than the cutoff (ns); replies with rows deleted.
    Sweep(i64, oneshot::Sender<Result<usize, String>>),
}

/// (service, operation, minute)
type RollupKey = (String, String, i64);
/// (calls, errors, duration sum, latency sketch)
type RollupCell = (i64, i64, i64, Sketch);

/// Most distinct values remembered per attribute key for autocomplete.
const MAX_VALUES_PER_KEY: usize = 500;
const MAX_VALUE_LEN: usize = 200;

/// What the autocomplete tables already hold, so most spans cost no extra writes. Nested
/// maps let lookups borrow the span's strings instead of allocating.
#[derive(Default)]
struct SeenCache {
    /// (source, scope) → keys
    keys: HashMap<(&'static str, &'static str), HashSet<String>>,
    /// source → key → values
    values: HashMap<&'static str, HashMap<String, HashSet<String>>>,
    top_level: HashMap<String, HashSet<String>>,
}

/// `logs_committed` hears the number of log rows each commit added (live tail wakes on it).
pub fn run(
    mut conn: Connection,
    rx: mpsc::Receiver<Job>,
    logs_committed: tokio::sync::broadcast::Sender<usize>,
) {
    let mut seen = SeenCache::default();
    while let Ok(first) = rx.recv() {
        let mut jobs = vec![first];
        while jobs.len() < 64 {
            match rx.try_recv() {
                Ok(j) => jobs.push(j),
                Err(_) => break,
            }
        }
        let mut writes = Vec::new();
        for job in jobs {
            match job {
                Job::Write(b, reply) => writes.push((b, reply)),
                Job::Sweep(cutoff, reply) => {
                    let _ = reply.send(sweep(&mut conn, cutoff).map_err(|e| e.to_string()));
                }
            }
        }
        if writes.is_empty() {
            continue;
        }
        let result = write_all(&mut conn, writes.iter().map(|(b, _)| b), &mut seen)
            .map_err(|e| e.to_string());
        if result.is_err() {
            // The cache may name rows that were rolled back; start over.
            seen = SeenCache::default();
        } else {
            let logs: usize = writes.iter().map(|(b, _)| b.logs.len()).sum();
            if logs > 0 {
                let _ = logs_committed.send(logs);
            }
        }
        for (_, reply) in writes {
            let _ = reply.send(result.clone());
        }
    }
}

fn write_all<'a>(
    conn: &mut Connection,
    batches: impl Iterator<Item = &'a Batch>,
    seen: &mut SeenCache,
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
             bucket_counts) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11)",
        )?;
        let mut ins_key = tx.prepare_cached(
            "INSERT OR IGNORE INTO attr_keys (source, key, type, data_type) VALUES (?1,?2,?3,?4)",
        )?;
        let mut ins_value = tx.prepare_cached(
            "INSERT OR IGNORE INTO attr_values (source, key, value) VALUES (?1,?2,?3)",
        )?;
        let mut ins_top = tx
            .prepare_cached("INSERT OR IGNORE INTO top_level_ops (service, name) VALUES (?1,?2)")?;

        let mut remember = |source: &'static str,
                            kind: &'static str,
                            map: &serde_json::Map<String, serde_json::Value>|
         -> rusqlite::Result<()> {
            let keys = seen.keys.entry((source, kind)).or_default();
            let values = seen.values.entry(source).or_default();
            for (k, v) in map {
                if !keys.contains(k.as_str()) {
                    keys.insert(k.clone());
                    ins_key.execute(params![source, k, kind, data_type_of(v)])?;
                }
                let set = match values.get_mut(k.as_str()) {
                    Some(set) => set,
                    None => values.entry(k.clone()).or_default(),
                };
                if set.len() >= MAX_VALUES_PER_KEY {
                    continue;
                }
                let known = match v {
                    serde_json::Value::String(s) => {
                        s.len() > MAX_VALUE_LEN || set.contains(s.as_str())
                    }
                    other => set.contains(value_to_string(other).as_str()),
                };
                if !known {
                    let s = value_to_string(v);
                    ins_value.execute(params![source, k, s])?;
                    set.insert(s);
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
                e.2 += s.duration;
                e.3.add(s.duration as f64);
                if s.top_level
                    && !seen
                        .top_level
                        .get(&s.service)
                        .is_some_and(|ops| ops.contains(&s.name))
                {
                    seen.top_level
                        .entry(s.service.clone())
                        .or_default()
                        .insert(s.name.clone());
                    ins_top.execute(params![s.service, s.name])?;
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
                ins_metric.execute(params![
                    m.ts,
                    m.metric,
                    m.kind,
                    m.temporality,
                    m.monotonic,
                    serde_json::to_string(&m.labels).unwrap(),
                    m.value,
                    m.count.map(|c| c as i64),
                    m.sum,
                    m.bounds.as_ref().map(|b| serde_json::to_string(b).unwrap()),
                    m.bucket_counts
                        .as_ref()
                        .map(|b| serde_json::to_string(b).unwrap()),
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
             errors = errors + excluded.errors, duration_sum = duration_sum + excluded.duration_sum, sketch = excluded.sketch",
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

fn sweep(conn: &mut Connection, cutoff_ns: i64) -> rusqlite::Result<usize> {
    let tx = conn.transaction()?;
    let mut n = 0;
    n += tx.execute("DELETE FROM spans WHERE ts < ?1", [cutoff_ns])?;
    n += tx.execute("DELETE FROM errors WHERE ts < ?1", [cutoff_ns])?;
    n += tx.execute("DELETE FROM logs WHERE ts < ?1", [cutoff_ns])?;
    n += tx.execute("DELETE FROM metric_points WHERE ts < ?1", [cutoff_ns])?;
    n += tx.execute(
        "DELETE FROM span_rollup WHERE minute < ?1",
        [cutoff_ns.div_euclid(60_000_000_000)],
    )?;
    tx.commit()?;
    Ok(n)
}
