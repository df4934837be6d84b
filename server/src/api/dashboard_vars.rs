//! `POST /api/v2/variables/query`: dashboard QUERY variables. In SigNoz v0.39 these are
//! ClickHouse SQL; SigNoz's published dashboards use one shape over the metrics time-series
//! table, which this server answers from its stored metrics:
//!
//! ```sql
//! SELECT DISTINCT JSONExtractString(labels, 'host_name') [AS x]
//! FROM signoz_metrics.[distributed_]time_series_v2|v4
//! [WHERE metric_name = 'm' | metric_name LIKE 'm_%'
//!    AND JSONExtractString(labels, 'k') = 'v' | != 'v' | [NOT] IN {{.var}}
//!    AND [not] has(JSONExtractKeys(labels), 'k')
//!    AND fingerprint [GLOBAL] IN (SELECT … recent samples …)]   -- accepted, not applied
//! [GROUP BY …] [ORDER BY …] [LIMIT n]
//! ```
//!
//! Any other SQL gets the 400 every ClickHouse query gets here. Variables are filled as v0.39
//! does (`{{.name}}`, strings quoted, lists as `['a','b']`).

use std::collections::BTreeSet;
use std::sync::OnceLock;

use axum::body::Bytes;
use axum::extract::State;
use axum::response::Response;
use axum::routing::post;
use axum::Router;
use regex::Regex;
use rusqlite::Connection;
use serde::Deserialize;
use serde_json::{Map, Value};
use signoz_api::variables::VariableValues;

use super::access::ViewAccess;
use super::promql_api::CLICKHOUSE_SQL_MESSAGE;
use super::{envelope, ApiError, AppState};
use crate::promql::names;
use crate::promql::span_source;
use crate::promql::store_source::SqliteStorage;
use crate::store::StoreError;

pub fn routes() -> Router<AppState> {
    Router::new().route("/api/v2/variables/query", post(query_variable))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct VarsRequest {
    query: String,
    variables: Map<String, Value>,
}

async fn query_variable(
    State(st): State<AppState>,
    _: ViewAccess,
    body: Bytes,
) -> Result<Response, ApiError> {
    let req: VarsRequest = serde_json::from_slice(&body)
        .map_err(|e| ApiError::bad_data(format!("failed to decode request body: {e}")))?;
    let sql = req.query.trim();
    if sql.is_empty() {
        return Err(ApiError::bad_data("query is required"));
    }
    let filled = fill(sql, &req.variables);
    let q = parse(&filled).ok_or_else(|| ApiError::bad_data(CLICKHOUSE_SQL_MESSAGE))?;
    let values = st.store.run(move |c| run(c, &q)).await?;
    // v0.39 answers `null` when no row matched.
    Ok(envelope(Some(VariableValues {
        variable_values: (!values.is_empty())
            .then(|| values.into_iter().map(Value::String).collect()),
    })))
}

/// v0.39's `FormattedValue` for ClickHouse text.
fn formatted(v: &Value) -> String {
    let quote = |s: &str| format!("'{}'", s.replace('\'', "\\'"));
    match v {
        Value::String(s) => quote(s),
        Value::Number(n) => format!("{:.6}", n.as_f64().unwrap_or(0.0)),
        Value::Bool(b) => b.to_string(),
        Value::Array(items) if items.is_empty() => String::new(),
        Value::Array(items) => {
            let parts: Vec<String> = items
                .iter()
                .map(|i| match i {
                    Value::String(s) => quote(s),
                    other => other.to_string(),
                })
                .collect();
            format!("[{}]", parts.join(","))
        }
        _ => String::new(),
    }
}

fn fill(sql: &str, vars: &Map<String, Value>) -> String {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| Regex::new(r"\{\{\s*\.([A-Za-z0-9_.]+)\s*\}\}").unwrap());
    re.replace_all(sql, |c: &regex::Captures| match vars.get(&c[1]) {
        Some(v) => formatted(v),
        None => c[0].to_string(),
    })
    .into_owned()
}

#[derive(Debug, Clone)]
enum Cond {
    MetricIs(String),
    MetricLike(Regex, bool),
    Label(String, bool, Vec<String>),
    HasKey(String, bool),
}

#[derive(Debug)]
struct LabelQuery {
    key: String,
    conds: Vec<Cond>,
}

/// Compared by their printed form (a `Regex` has no equality of its own); tests only.
impl PartialEq for Cond {
    fn eq(&self, o: &Cond) -> bool {
        format!("{self:?}") == format!("{o:?}")
    }
}

fn re(p: &str) -> Regex {
    Regex::new(p).unwrap()
}

/// Splits `s` on top-level `AND` (outside quotes and parentheses).
fn split_and(s: &str) -> Vec<String> {
    let lower = s.to_ascii_lowercase();
    let b = lower.as_bytes();
    let (mut depth, mut quote, mut start, mut i) = (0i32, false, 0usize, 0usize);
    let mut out = Vec::new();
    while i < b.len() {
        let ch = b[i];
        if ch == b'\'' && (i == 0 || b[i - 1] != b'\\') {
            quote = !quote;
        } else if !quote {
            match ch {
                b'(' | b'[' => depth += 1,
                b')' | b']' => depth -= 1,
                _ if depth == 0
                    && ch.is_ascii_whitespace()
                    && lower[i + 1..].starts_with("and")
                    && b.get(i + 4).is_some_and(|c| c.is_ascii_whitespace()) =>
                {
                    out.push(s[start..i].trim().to_string());
                    i += 4;
                    start = i;
                    continue;
                }
                _ => {}
            }
        }
        i += 1;
    }
    out.push(s[start..].trim().to_string());
    out.into_iter().filter(|p| !p.is_empty()).collect()
}

fn quoted_list(s: &str) -> Option<Vec<String>> {
    let s = s.trim();
    let inner = s
        .strip_prefix('(')
        .and_then(|r| r.strip_suffix(')'))
        .or_else(|| s.strip_prefix('[').and_then(|r| r.strip_suffix(']')))
        .unwrap_or(s);
    let item = re(r"^\s*'((?:[^'\\]|\\.)*)'\s*$");
    let mut out = Vec::new();
    if inner.trim().is_empty() {
        return Some(out);
    }
    for part in split_commas(inner) {
        let c = item.captures(&part)?;
        out.push(c[1].replace("\\'", "'"));
    }
    Some(out)
}

fn split_commas(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let (mut quote, mut cur) = (false, String::new());
    let mut prev = ' ';
    for ch in s.chars() {
        if ch == '\'' && prev != '\\' {
            quote = !quote;
        }
        if ch == ',' && !quote {
            out.push(std::mem::take(&mut cur));
        } else {
            cur.push(ch);
        }
        prev = ch;
    }
    out.push(cur);
    out
}

fn like_regex(p: &str) -> Regex {
    let mut r = String::from("^");
    for ch in p.chars() {
        match ch {
            '%' => r.push_str(".*"),
            '_' => r.push('.'),
            c => r.push_str(&regex::escape(&c.to_string())),
        }
    }
    r.push('$');
    re(&r)
}

fn condition(c: &str) -> Option<Cond> {
    let c = c.trim();
    let c = c
        .strip_prefix('(')
        .and_then(|r| r.strip_suffix(')'))
        .map(str::trim)
        .filter(|inner| {
            !inner.contains('(') || inner.matches('(').count() == inner.matches(')').count()
        })
        .unwrap_or(c);
    let label = r"JSONExtractString\s*\(\s*labels\s*,\s*'([^']+)'\s*\)";
    if let Some(m) = re(r"(?is)^metric_name\s*=\s*'([^']*)'$").captures(c) {
        return Some(Cond::MetricIs(m[1].to_string()));
    }
    if let Some(m) = re(r"(?is)^metric_name\s+(not\s+)?(?:i?like)\s+'([^']*)'$").captures(c) {
        return Some(Cond::MetricLike(like_regex(&m[2]), m.get(1).is_some()));
    }
    if let Some(m) = re(&format!(r"(?is)^{label}\s*(=|!=|<>)\s*(.+)$")).captures(c) {
        let values = quoted_list(&m[3])?;
        return Some(Cond::Label(m[1].to_string(), &m[2] != "=", values));
    }
    if let Some(m) = re(&format!(r"(?is)^{label}\s+(not\s+)?in\s*(.+)$")).captures(c) {
        let values = quoted_list(&m[3])?;
        return Some(Cond::Label(m[1].to_string(), m.get(2).is_some(), values));
    }
    if let Some(m) =
        re(r"(?is)^(not\s+)?has\s*\(\s*JSONExtractKeys\s*\(\s*labels\s*\)\s*,\s*'([^']+)'\s*\)$")
            .captures(c)
    {
        return Some(Cond::HasKey(m[2].to_string(), m.get(1).is_none()));
    }
    None
}

/// Recognises the label-values shape; `None` for any other SQL.
fn parse(sql: &str) -> Option<LabelQuery> {
    let sql = sql.trim().trim_end_matches(';').trim();
    let head = re(
        r"(?is)^SELECT\s+(?:DISTINCT\s*)?\(?\s*JSONExtractString\s*\(\s*labels\s*,\s*'([^']+)'\s*\)\s*\)?\s*(?:AS\s+\w+\s+)?FROM\s+signoz_metrics\.(?:distributed_)?time_series_v\d+\b(.*)$",
    );
    let m = head.captures(sql)?;
    let key = m[1].to_string();
    let mut rest = m[2].trim().to_string();
    // Trailing clauses that do not change which values exist.
    let tail = re(
        r"(?is)\s*(?:GROUP\s+BY\s+[\w\s,()']+?)?\s*(?:ORDER\s+BY\s+[\w\s,()']+?)?\s*(?:LIMIT\s+\d+)?\s*$",
    );
    if let Some(t) = tail.find(&rest) {
        rest.truncate(t.start());
    }
    let mut conds = Vec::new();
    if !rest.is_empty() {
        let w = re(r"(?is)^WHERE\s+(.*)$").captures(&rest)?;
        let fingerprint = re(r"(?is)^fingerprint\s+(?:GLOBAL\s+)?IN\s*\(.*\)$");
        for part in split_and(&w[1]) {
            if fingerprint.is_match(&part) {
                continue;
            }
            conds.push(condition(&part)?);
        }
    }
    Some(LabelQuery { key, conds })
}

fn label_conditions_hold(conds: &[Cond], get: &dyn Fn(&str) -> Option<String>) -> bool {
    conds.iter().all(|c| match c {
        Cond::Label(k, negated, values) => {
            let v = get(k).unwrap_or_default();
            values.contains(&v) != *negated
        }
        Cond::HasKey(k, present) => get(k).is_some() == *present,
        _ => true,
    })
}

/// Distinct values of the label over the stored series the conditions select.
fn run(c: &Connection, q: &LabelQuery) -> Result<Vec<String>, StoreError> {
    let storage = SqliteStorage::new(c);
    // Stored metrics to scan: named ones, or every metric whose SigNoz name passes.
    let mut metrics: Vec<String> = Vec::new();
    let named: Vec<&String> = q
        .conds
        .iter()
        .filter_map(|c| match c {
            Cond::MetricIs(m) => Some(m),
            _ => None,
        })
        .collect();
    if let Some(first) = named.first() {
        for (m, _, _) in storage.resolve(first)? {
            metrics.push(m);
        }
    } else {
        for (m, kind) in storage.known_metrics()? {
            let ok = names::series_names(&m, &kind).iter().any(|(n, _)| {
                !n.contains('.')
                    && q.conds.iter().all(|c| match c {
                        Cond::MetricLike(r, negated) => r.is_match(n) != *negated,
                        _ => true,
                    })
            });
            if ok {
                metrics.push(m);
            }
        }
    }
    let mut out = BTreeSet::new();
    if metrics.is_empty()
        && named
            .first()
            .is_some_and(|n| span_source::is_span_metric(n))
    {
        // Span metrics answered from spans: their service_name and operation labels.
        for (service, op) in span_source::services_and_operations(c)? {
            let labels = [("service_name", service), ("operation", op)];
            let get = |k: &str| labels.iter().find(|(n, _)| *n == k).map(|(_, v)| v.clone());
            if label_conditions_hold(&q.conds, &get) {
                if let Some(v) = get(&q.key).filter(|v| !v.is_empty()) {
                    out.insert(v);
                }
            }
        }
        return Ok(out.into_iter().collect());
    }
    let mut st = c.prepare_cached("SELECT labels FROM metric_series WHERE metric = ?1")?;
    for m in metrics {
        let rows = st.query_map([&m], |r| r.get::<_, String>(0))?;
        for labels in rows {
            let labels = labels?;
            let map: Map<String, Value> = serde_json::from_str(&labels).unwrap_or_default();
            let get = |k: &str| -> Option<String> {
                map.iter()
                    .find(|(key, _)| key.as_str() == k || names::label_name(key) == k)
                    .map(|(_, v)| crate::store::rows::value_to_string(v))
            };
            if label_conditions_hold(&q.conds, &get) {
                if let Some(v) = get(&q.key).filter(|v| !v.is_empty()) {
                    out.insert(v);
                }
            }
        }
    }
    Ok(out.into_iter().collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// QUERY variables as SigNoz's published dashboards (SigNoz/dashboards, early 2024) write
    /// them, quoted as data.
    const PUBLISHED: &[&str] = &[
        "SELECT DISTINCT(JSONExtractString(labels, 'host_name'))\nFROM signoz_metrics.time_series_v2\nWHERE not has(JSONExtractKeys(labels), 'k8s_node_name')",
        "SELECT DISTINCT(JSONExtractString(labels, 'k8s_cluster_name'))\nFROM signoz_metrics.time_series_v2",
        "SELECT DISTINCT JSONExtractString(labels, 'k8s_node_name') AS k8s_node_name\nFROM signoz_metrics.distributed_time_series_v2\nWHERE metric_name = 'k8s_node_cpu_time'\nAND fingerprint IN\n(\n    SELECT distinct fingerprint FROM signoz_metrics.distributed_samples_v2 WHERE timestamp_ms>toUnixTimestamp(now() - INTERVAL 5 MINUTE)*1000 AND metric_name = 'k8s_node_cpu_time'\n)",
        "SELECT DISTINCT JSONExtractString(labels, 'k8s_namespace_name') AS k8s_namespace_name\nFROM signoz_metrics.distributed_time_series_v2\nWHERE metric_name = 'k8s_pod_cpu_time' and JSONExtractString(labels, 'k8s_node_name') IN {{.node_name}}",
        "SELECT DISTINCT JSONExtractString(labels, 'service_name')\nFROM signoz_metrics.time_series_v2\nWHERE metric_name = 'signoz_calls_total'",
        "SELECT DISTINCT(JSONExtractString(labels, 'host_name')) as host_name\nFROM signoz_metrics.distributed_time_series_v2 WHERE metric_name='mysql_up';",
        "SELECT DISTINCT JSONExtractString(labels, 'host_name') FROM signoz_metrics.distributed_time_series_v2 WHERE metric_name like 'nginx_%'",
        "SELECT DISTINCT(JSONExtractString(labels, 'aws_ecs_service_name'))\nFROM signoz_metrics.time_series_v2\nWHERE JSONExtractString(labels, 'aws_ecs_cluster_name')={{ .ClusterName }}",
        "SELECT JSONExtractString(labels, 'host_name') AS host FROM signoz_metrics.distributed_time_series_v4 WHERE metric_name = 'system_cpu_time' GROUP BY host",
    ];

    #[test]
    fn published_shapes_are_recognised() {
        let vars = json!({"node_name": ["n1", "n2"], "ClusterName": "prod"});
        for sql in PUBLISHED {
            let filled = fill(sql, vars.as_object().unwrap());
            assert!(parse(&filled).is_some(), "{filled}");
        }
        let q = parse(&fill(PUBLISHED[3], vars.as_object().unwrap())).unwrap();
        assert_eq!(q.key, "k8s_namespace_name");
        assert_eq!(q.conds[0], Cond::MetricIs("k8s_pod_cpu_time".into()));
        assert_eq!(
            q.conds[1],
            Cond::Label(
                "k8s_node_name".into(),
                false,
                vec!["n1".into(), "n2".into()]
            )
        );
        let q = parse(PUBLISHED[0]).unwrap();
        assert_eq!(q.conds, vec![Cond::HasKey("k8s_node_name".into(), false)]);
    }

    #[test]
    fn other_sql_is_not_recognised() {
        for sql in [
            "SELECT DISTINCT serviceName\nFROM signoz_traces.distributed_signoz_index_v2",
            "SELECT 1",
            "SELECT JSONExtractString(labels, 'a') FROM signoz_metrics.time_series_v2 WHERE value > 3",
            "DROP TABLE x",
        ] {
            assert!(parse(sql).is_none(), "{sql}");
        }
    }
}
