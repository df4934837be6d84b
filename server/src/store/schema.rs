//! Versioned schema migrations, applied in order inside one transaction each and recorded
//! in `PRAGMA user_version`.

use rusqlite::Connection;

/// Each entry moves the schema from version `i` to `i + 1`. Never edit a released entry;
/// append a new one.
const MIGRATIONS: &[&str] = &[
    // 1: telemetry, users, dashboards, rules, channels.
    r#"
    CREATE TABLE orgs (id TEXT PRIMARY KEY, name TEXT NOT NULL, created_at INTEGER NOT NULL,
        is_anonymous INTEGER NOT NULL DEFAULT 0, has_opted_updates INTEGER NOT NULL DEFAULT 1);
    CREATE TABLE groups (id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE);
    CREATE TABLE users (id TEXT PRIMARY KEY, name TEXT NOT NULL, email TEXT NOT NULL UNIQUE,
        password_hash TEXT NOT NULL, created_at INTEGER NOT NULL, profile_picture_url TEXT NOT NULL DEFAULT '',
        group_id TEXT NOT NULL REFERENCES groups(id), org_id TEXT NOT NULL REFERENCES orgs(id), flags TEXT);

    -- Raw spans. Times in ns since the epoch. attrs/resource are JSON objects with typed values;
    -- events/refs are JSON arrays of the strings the trace-detail API returns.
    CREATE TABLE spans (ts INTEGER NOT NULL, trace_id TEXT NOT NULL, span_id TEXT NOT NULL,
        parent_span_id TEXT NOT NULL, service TEXT NOT NULL, name TEXT NOT NULL, kind INTEGER NOT NULL,
        duration INTEGER NOT NULL, status_code INTEGER NOT NULL, status_message TEXT NOT NULL,
        has_error INTEGER NOT NULL, http_method TEXT NOT NULL, response_status_code TEXT NOT NULL,
        attrs TEXT NOT NULL, resource TEXT NOT NULL, events TEXT NOT NULL, refs TEXT NOT NULL);
    CREATE INDEX spans_by_trace ON spans (trace_id);
    CREATE INDEX spans_by_service_time ON spans (service, ts);
    CREATE INDEX spans_by_time ON spans (ts);

    -- Per-minute rollup per (service, operation), filled at ingest: services, top operations and
    -- latency charts read this instead of raw spans. sketch = log-bucket histogram (see sketch.rs).
    CREATE TABLE span_rollup (service TEXT NOT NULL, name TEXT NOT NULL, minute INTEGER NOT NULL,
        calls INTEGER NOT NULL, errors INTEGER NOT NULL, duration_sum INTEGER NOT NULL, sketch BLOB NOT NULL,
        PRIMARY KEY (service, name, minute)) WITHOUT ROWID;
    CREATE INDEX span_rollup_by_minute ON span_rollup (minute);
    CREATE TABLE top_level_ops (service TEXT NOT NULL, name TEXT NOT NULL, PRIMARY KEY (service, name)) WITHOUT ROWID;

    CREATE TABLE errors (ts INTEGER NOT NULL, error_id TEXT NOT NULL, group_id TEXT NOT NULL,
        trace_id TEXT NOT NULL, span_id TEXT NOT NULL, service TEXT NOT NULL, exception_type TEXT NOT NULL,
        exception_message TEXT NOT NULL, exception_stacktrace TEXT NOT NULL, exception_escaped INTEGER NOT NULL);
    CREATE INDEX errors_by_time ON errors (ts);
    CREATE INDEX errors_by_group ON errors (group_id, ts);

    CREATE TABLE logs (ts INTEGER NOT NULL, observed_ts INTEGER NOT NULL, id TEXT NOT NULL,
        trace_id TEXT NOT NULL, span_id TEXT NOT NULL, trace_flags INTEGER NOT NULL,
        severity_text TEXT NOT NULL, severity_number INTEGER NOT NULL, body TEXT NOT NULL,
        service TEXT NOT NULL, attrs TEXT NOT NULL, resource TEXT NOT NULL);
    CREATE INDEX logs_by_time ON logs (ts);

    -- One row per data point. kind: sum | gauge | histogram. labels = point attributes merged
    -- over resource attributes. Histograms keep bounds/counts as JSON arrays.
    CREATE TABLE metric_points (ts INTEGER NOT NULL, metric TEXT NOT NULL, kind TEXT NOT NULL,
        temporality INTEGER NOT NULL, monotonic INTEGER NOT NULL, labels TEXT NOT NULL, value REAL,
        count INTEGER, sum REAL, bounds TEXT, bucket_counts TEXT);
    CREATE INDEX metric_points_by_name_time ON metric_points (metric, ts);
    CREATE INDEX metric_points_by_time ON metric_points (ts);

    -- Attribute keys and (a bounded number of) values per data source, for autocomplete.
    CREATE TABLE attr_keys (source TEXT NOT NULL, key TEXT NOT NULL, type TEXT NOT NULL,
        data_type TEXT NOT NULL, PRIMARY KEY (source, key, type)) WITHOUT ROWID;
    CREATE TABLE attr_values (source TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL,
        PRIMARY KEY (source, key, value)) WITHOUT ROWID;

    CREATE TABLE dashboards (id INTEGER PRIMARY KEY AUTOINCREMENT, uuid TEXT NOT NULL UNIQUE,
        created_at TEXT NOT NULL, created_by TEXT, updated_at TEXT NOT NULL, updated_by TEXT,
        data TEXT NOT NULL, locked INTEGER NOT NULL DEFAULT 0);
    CREATE TABLE rules (id INTEGER PRIMARY KEY AUTOINCREMENT, data TEXT NOT NULL,
        created_at TEXT, created_by TEXT, updated_at TEXT, updated_by TEXT,
        state TEXT NOT NULL DEFAULT 'inactive', pending_since INTEGER);
    CREATE TABLE channels (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL UNIQUE,
        type TEXT NOT NULL, data TEXT NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
    "#,
    // 2: the service map joins each span to its parent by (trace_id, span_id); with only
    // trace_id indexed that join scanned the whole trace per span (15 s for a 10k-span trace).
    // The composite index also serves lookups by trace_id alone.
    r#"
    CREATE INDEX spans_by_trace_span ON spans (trace_id, span_id);
    DROP INDEX spans_by_trace;
    "#,
    // 3: saved explorer views and Apdex settings. `data` is the whole view as the client sent it (so fields we
    // do not know survive); the columns are what lists filter on.
    r#"
    CREATE TABLE saved_views (uuid TEXT PRIMARY KEY, name TEXT NOT NULL, category TEXT NOT NULL,
        source_page TEXT NOT NULL, created_at TEXT NOT NULL, created_by TEXT NOT NULL,
        updated_at TEXT NOT NULL, updated_by TEXT NOT NULL, data TEXT NOT NULL);
    CREATE INDEX saved_views_by_page ON saved_views (source_page);
    -- Apdex threshold (seconds) per service, as SigNoz's apdex_settings.
    CREATE TABLE apdex_settings (service_name TEXT PRIMARY KEY, threshold REAL NOT NULL,
        exclude_status_codes TEXT NOT NULL);
    "#,
    // 4: tokens carry the user's token version; logout and a password change bump it, which
    // revokes every token issued before.
    r#"
    ALTER TABLE users ADD COLUMN token_version INTEGER NOT NULL DEFAULT 0;
    "#,
    // 5: autocomplete entries remember when they were last seen (ns), so retention removes
    // keys and values that no longer occur instead of keeping them for ever.
    r#"
    ALTER TABLE attr_keys ADD COLUMN last_seen INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE attr_values ADD COLUMN last_seen INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE top_level_ops ADD COLUMN last_seen INTEGER NOT NULL DEFAULT 0;
    UPDATE attr_keys SET last_seen = CAST(strftime('%s', 'now') AS INTEGER) * 1000000000;
    UPDATE attr_values SET last_seen = CAST(strftime('%s', 'now') AS INTEGER) * 1000000000;
    UPDATE top_level_ops SET last_seen = CAST(strftime('%s', 'now') AS INTEGER) * 1000000000;
    "#,
    // 6 (alert-srv): alerting and team. `alerts` holds each rule's pending/firing alerts (one
    // per label set), `alert_history` their state changes, `alert_deliveries` every
    // notification sent or failed, `mute_windows` the windows that hold notifications back;
    // invites, reset-password tokens and server settings (retention per signal).
    r#"
    ALTER TABLE rules ADD COLUMN last_error TEXT;
    CREATE TABLE alerts (rule_id INTEGER NOT NULL, fingerprint TEXT NOT NULL, labels TEXT NOT NULL,
        annotations TEXT NOT NULL, state TEXT NOT NULL, value REAL, active_at INTEGER NOT NULL,
        fired_at INTEGER, PRIMARY KEY (rule_id, fingerprint));
    CREATE TABLE alert_history (id INTEGER PRIMARY KEY AUTOINCREMENT, rule_id INTEGER NOT NULL,
        ts INTEGER NOT NULL, state TEXT NOT NULL, value REAL, labels TEXT NOT NULL, fingerprint TEXT NOT NULL);
    CREATE INDEX alert_history_by_rule ON alert_history (rule_id, ts);
    CREATE TABLE alert_deliveries (id INTEGER PRIMARY KEY AUTOINCREMENT, ts INTEGER NOT NULL,
        channel TEXT NOT NULL, channel_type TEXT NOT NULL, group_key TEXT NOT NULL, status TEXT NOT NULL,
        firing INTEGER NOT NULL, resolved INTEGER NOT NULL, attempts INTEGER NOT NULL,
        http_status INTEGER, error TEXT);
    CREATE TABLE mute_windows (id INTEGER PRIMARY KEY AUTOINCREMENT, data TEXT NOT NULL,
        starts_at INTEGER NOT NULL, ends_at INTEGER NOT NULL, created_at TEXT NOT NULL, created_by TEXT NOT NULL);
    CREATE TABLE invites (token TEXT PRIMARY KEY, email TEXT NOT NULL UNIQUE, name TEXT NOT NULL,
        role TEXT NOT NULL, org_id TEXT NOT NULL, created_at INTEGER NOT NULL);
    CREATE TABLE reset_password_tokens (token TEXT PRIMARY KEY, user_id TEXT NOT NULL, created_at INTEGER NOT NULL);
    CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    "#,
    // 7: one row per stored series (metric + labels), as SigNoz's time_series table: metric
    // names, label keys and values and dashboard variables are read from it instead of
    // scanning every point, and a selector reads only its series' points through series_id.
    // last_seen = the newest point's time (within the writer's refresh interval).
    r#"
    CREATE TABLE metric_series (id INTEGER PRIMARY KEY, metric TEXT NOT NULL, kind TEXT NOT NULL,
        labels TEXT NOT NULL, last_seen INTEGER NOT NULL, UNIQUE (metric, labels));
    INSERT INTO metric_series (metric, kind, labels, last_seen)
        SELECT metric, min(kind), labels, max(ts) FROM metric_points GROUP BY metric, labels;
    ALTER TABLE metric_points ADD COLUMN series_id INTEGER;
    UPDATE metric_points SET series_id = (SELECT id FROM metric_series s
        WHERE s.metric = metric_points.metric AND s.labels = metric_points.labels);
    CREATE INDEX metric_points_by_series_time ON metric_points (series_id, ts);
    "#,
    // 8: a trace's spans in start order straight from an index: with only (trace_id, span_id)
    // a 1 000 000-span trace was sorted whole before its first row could be sent.
    r#"
    CREATE INDEX spans_by_trace_time ON spans (trace_id, ts);
    "#,
    // 9: log fields promoted to "selected" through POST /api/v1/logs/fields (type is
    // `attributes` or `resources`, data_type SigNoz's `String`/`Int64`/`Float64`/`Bool`).
    r#"
    CREATE TABLE log_selected_fields (name TEXT NOT NULL, type TEXT NOT NULL, data_type TEXT NOT NULL,
        PRIMARY KEY (name, type, data_type)) WITHOUT ROWID;
    "#,
];

pub fn migrate(conn: &mut Connection) -> rusqlite::Result<()> {
    let current: usize =
        conn.query_row("PRAGMA user_version", [], |r| r.get::<_, i64>(0))? as usize;
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(current) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.execute_batch(&format!("PRAGMA user_version = {}", i + 1))?;
        tx.commit()?;
    }
    Ok(())
}

pub fn latest_version() -> usize {
    MIGRATIONS.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A database written before metric_series existed gets its series, and every point its
    /// series_id, when it is opened.
    #[test]
    fn series_are_filled_from_existing_points() {
        let mut c = Connection::open_in_memory().unwrap();
        for sql in &MIGRATIONS[..6] {
            c.execute_batch(sql).unwrap();
        }
        c.execute_batch("PRAGMA user_version = 6").unwrap();
        for (ts, labels) in [
            (1, r#"{"h":"a"}"#),
            (2, r#"{"h":"b"}"#),
            (3, r#"{"h":"a"}"#),
        ] {
            c.execute(
                "INSERT INTO metric_points (ts, metric, kind, temporality, monotonic, labels, value)
                 VALUES (?1, 'm', 'gauge', 0, 0, ?2, 1.0)",
                rusqlite::params![ts, labels],
            )
            .unwrap();
        }
        migrate(&mut c).unwrap();
        let series: Vec<(String, i64)> = c
            .prepare("SELECT labels, last_seen FROM metric_series ORDER BY labels")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(
            series,
            [
                (r#"{"h":"a"}"#.to_string(), 3),
                (r#"{"h":"b"}"#.to_string(), 2)
            ]
        );
        let unlinked: i64 = c
            .query_row(
                "SELECT count(*) FROM metric_points p LEFT JOIN metric_series s ON s.id = p.series_id
                 WHERE s.labels IS NOT p.labels",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(unlinked, 0);
    }
}
