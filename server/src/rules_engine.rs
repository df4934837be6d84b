//! Evaluates alert rules on a schedule: each enabled rule runs its query (builder — traces,
//! logs, metrics, formulas — or PromQL) over the last `evalWindow` every `frequency` and
//! compares each series with the target per `op` / `matchType`. Every breaching series is an
//! alert: `pending` until the rule's `for` duration has passed, then `firing`; a series that
//! stops breaching resolves. Alerts live in the `alerts` table, their state changes in
//! `alert_history`; firing and resolved alerts go to the dispatcher. A rule that cannot be
//! evaluated (ClickHouse SQL, a failing query) is in state `error` with `lastError` set.

use std::collections::HashMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rusqlite::{params, Connection};
use serde_json::{Map, Value};
use tokio::sync::watch;

use crate::alerting::dispatcher::DispatchSender;
use crate::alerting::{fingerprint, links, Alert, Labels};
use crate::api::query_range::{self, model::QueryRangeParams};
use crate::api::rules::parse_duration_secs;
use crate::store::Store;
use crate::store::StoreError;

/// What evaluation needs besides the database.
#[derive(Clone, Default)]
pub struct EvalContext {
    /// The server's public origin, for rule links when a rule's `source` is no URL.
    pub public_url: String,
}

pub async fn run(
    store: Store,
    tick: Duration,
    ctx: EvalContext,
    dispatch: Option<DispatchSender>,
    mut stop: watch::Receiver<bool>,
) {
    // rule id → last evaluation (ms); shared with the blocking task so a failed tick keeps it.
    let last_eval: Arc<Mutex<HashMap<i64, i64>>> = Arc::default();
    loop {
        tokio::select! {
            _ = tokio::time::sleep(tick) => {}
            _ = stop.wait_for(|s| *s) => return,
        }
        let now_ms = chrono::Utc::now().timestamp_millis();
        let last = last_eval.clone();
        let ctx = ctx.clone();
        let res = store
            .run(move |c| {
                let mut last = last.lock().unwrap_or_else(|p| p.into_inner());
                evaluate_due_with(c, now_ms, &mut last, &ctx).map_err(StoreError::from)
            })
            .await;
        match res {
            Ok((_, alerts)) => {
                if let Some(d) = &dispatch {
                    d.send(alerts);
                }
            }
            Err(e) => tracing::error!(error = %e, "rules: evaluation failed"),
        }
    }
}

/// Evaluates every rule whose frequency has elapsed; returns how many were evaluated.
pub fn evaluate_due(
    c: &Connection,
    now_ms: i64,
    last_eval: &mut HashMap<i64, i64>,
) -> rusqlite::Result<usize> {
    evaluate_due_with(c, now_ms, last_eval, &EvalContext::default()).map(|(n, _)| n)
}

/// One series' verdict: the value that decided it.
#[derive(Debug, Clone)]
pub struct Sample {
    pub labels: Labels,
    pub value: f64,
}

fn secs(rule: &Map<String, Value>, field: &str, default: f64) -> f64 {
    rule.get(field)
        .and_then(|v| v.as_str())
        .and_then(parse_duration_secs)
        .unwrap_or(default)
}

/// Evaluates the due rules; returns how many ran and the alerts to dispatch (every firing
/// alert of the evaluated rules, and those that resolved).
pub fn evaluate_due_with(
    c: &Connection,
    now_ms: i64,
    last_eval: &mut HashMap<i64, i64>,
    ctx: &EvalContext,
) -> rusqlite::Result<(usize, Vec<Alert>)> {
    let rules: Vec<(i64, String, String)> = {
        let mut s = c.prepare("SELECT id, data, state FROM rules")?;
        let rows = s.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        rows.collect::<Result<_, _>>()?
    };
    let mut n = 0;
    let mut out = Vec::new();
    for (id, data, state) in rules {
        let rule: Map<String, Value> = serde_json::from_str(&data).unwrap_or_default();
        if rule.get("disabled") == Some(&Value::Bool(true)) {
            if state != "disabled" {
                c.execute(
                    "UPDATE rules SET state = 'disabled', pending_since = NULL, last_error = NULL WHERE id = ?1",
                    [id],
                )?;
                out.extend(apply(c, id, &rule, Vec::new(), now_ms, ctx)?);
            }
            continue;
        }
        let freq_ms = secs(&rule, "frequency", 60.0) * 1000.0;
        if last_eval
            .get(&id)
            .is_some_and(|t| ((now_ms - t) as f64) < freq_ms)
        {
            continue;
        }
        last_eval.insert(id, now_ms);
        n += 1;
        // Each rule is contained: a panic or error in one rule's query leaves it in `error`
        // and the others are still evaluated.
        let started = std::time::Instant::now();
        let outcome = catch_unwind(AssertUnwindSafe(|| evaluate(c, &rule, now_ms)))
            .unwrap_or_else(|_| Err("the rule's evaluation failed unexpectedly".into()));
        crate::metrics::rule_evaluation(outcome.is_ok(), started.elapsed().as_secs_f64());
        match outcome {
            Ok(samples) => out.extend(apply(c, id, &rule, samples, now_ms, ctx)?),
            Err(e) => {
                tracing::warn!(rule = id, error = %e, "rules: rule could not be evaluated");
                c.execute(
                    "UPDATE rules SET state = 'error', last_error = ?1 WHERE id = ?2",
                    params![e, id],
                )?;
            }
        }
    }
    Ok((n, out))
}

/// Expands SigNoz's annotation templates: `{{$value}}`, `{{$threshold}}`, `{{$labels.k}}`.
fn expand(text: &str, value: f64, threshold: &str, labels: &Labels) -> String {
    let re = regex::Regex::new(r"\{\{\s*\$(value|threshold|labels\.([A-Za-z0-9_.]+))\s*\}\}")
        .expect("static pattern");
    re.replace_all(text, |c: &regex::Captures| match &c[1] {
        "value" => crate::promql::format_value(value),
        "threshold" => threshold.to_string(),
        _ => labels
            .get(&c[2])
            .or_else(|| labels.get(&c[2].replace('.', "_")))
            .cloned()
            .unwrap_or_default(),
    })
    .into_owned()
}

fn string_map(v: Option<&Value>) -> Labels {
    v.and_then(|m| m.as_object())
        .map(|m| {
            m.iter()
                .map(|(k, v)| {
                    (
                        k.clone(),
                        v.as_str()
                            .map(str::to_string)
                            .unwrap_or_else(|| v.to_string()),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The alert a breaching series makes: series labels, the rule's labels, `alertname`,
/// `ruleId` and `ruleSource` (the rule's URL), as SigNoz labels them.
pub fn build_alert(
    id: i64,
    rule: &Map<String, Value>,
    s: &Sample,
    now_ms: i64,
    ctx: &EvalContext,
) -> Alert {
    let name = rule
        .get("alert")
        .and_then(|a| a.as_str())
        .unwrap_or("")
        .to_string();
    let source = rule.get("source").and_then(|s| s.as_str()).unwrap_or("");
    let url = links::rule_url(source, &id.to_string(), &ctx.public_url);
    let mut labels: Labels = s.labels.clone();
    labels.remove("__name__");
    let threshold = rule
        .get("condition")
        .and_then(|c| c.get("target"))
        .map(|t| t.to_string())
        .unwrap_or_default();
    for (k, v) in string_map(rule.get("labels")) {
        labels.insert(k, expand(&v, s.value, &threshold, &s.labels));
    }
    labels.insert("alertname".into(), name);
    labels.insert("ruleId".into(), id.to_string());
    labels.insert("ruleSource".into(), url.clone());
    let mut annotations: Labels = string_map(rule.get("annotations"))
        .into_iter()
        .map(|(k, v)| (k, expand(&v, s.value, &threshold, &s.labels)))
        .collect();
    let window_ms = (secs(rule, "evalWindow", 300.0) * 1000.0) as i64;
    if let Some((k, link)) =
        links::related_link(rule, &s.labels, now_ms - window_ms, now_ms, &ctx.public_url)
    {
        annotations.insert(k.to_string(), link);
    }
    let freq_ms = (secs(rule, "frequency", 60.0) * 1000.0) as i64;
    Alert {
        rule_id: id,
        fingerprint: fingerprint(&labels),
        labels,
        annotations,
        starts_at: now_ms,
        ends_at: None,
        generator_url: url,
        channels: rule
            .get("preferredChannels")
            .and_then(|c| c.as_array())
            .map(|a| {
                a.iter()
                    .filter_map(|c| c.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default(),
        value: s.value,
        stale_after_ms: (freq_ms * 3).max(300_000),
    }
}

/// Records one evaluation's breaching series as the rule's alerts, state changes in the
/// history and the rule's state; returns the alerts to dispatch.
fn apply(
    c: &Connection,
    id: i64,
    rule: &Map<String, Value>,
    samples: Vec<Sample>,
    now_ms: i64,
    ctx: &EvalContext,
) -> rusqlite::Result<Vec<Alert>> {
    let hold_ms = rule
        .get("for")
        .or_else(|| rule.get("holdDuration"))
        .and_then(|v| v.as_str())
        .and_then(parse_duration_secs)
        .unwrap_or(0.0)
        * 1000.0;
    // fingerprint → (state, active_at, fired_at, labels)
    let existing: HashMap<String, (String, i64, Option<i64>, String)> = {
        let mut s = c.prepare(
            "SELECT fingerprint, state, active_at, fired_at, labels FROM alerts WHERE rule_id = ?1",
        )?;
        let rows = s.query_map([id], |r| {
            Ok((r.get(0)?, (r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))
        })?;
        rows.collect::<Result<_, _>>()?
    };
    let history = |state: &str, value: Option<f64>, labels: &str, fp: &str| {
        c.execute(
            "INSERT INTO alert_history (rule_id, ts, state, value, labels, fingerprint) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![id, now_ms, state, value, labels, fp],
        )
    };
    let mut out = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let (mut any_firing, mut any_pending) = (false, false);
    for s in &samples {
        let mut a = build_alert(id, rule, s, now_ms, ctx);
        if !seen.insert(a.fingerprint.clone()) {
            continue;
        }
        let labels_json = serde_json::to_string(&a.labels).unwrap_or_default();
        let ann_json = serde_json::to_string(&a.annotations).unwrap_or_default();
        let (state, active_at, fired_at) = match existing.get(&a.fingerprint) {
            Some((st, active, fired, _)) => {
                let firing = st == "firing" || (now_ms - active) as f64 >= hold_ms;
                if firing && st != "firing" {
                    history("firing", Some(s.value), &labels_json, &a.fingerprint)?;
                }
                let fired = if firing { fired.or(Some(now_ms)) } else { None };
                (if firing { "firing" } else { "pending" }, *active, fired)
            }
            None => {
                let firing = hold_ms <= 0.0;
                let st = if firing { "firing" } else { "pending" };
                history(st, Some(s.value), &labels_json, &a.fingerprint)?;
                (st, now_ms, firing.then_some(now_ms))
            }
        };
        c.execute(
            "INSERT INTO alerts (rule_id, fingerprint, labels, annotations, state, value, active_at, fired_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
             ON CONFLICT (rule_id, fingerprint) DO UPDATE SET labels = ?3, annotations = ?4, state = ?5,
             value = ?6, fired_at = ?8",
            params![id, a.fingerprint, labels_json, ann_json, state, s.value, active_at, fired_at],
        )?;
        if state == "firing" {
            any_firing = true;
            a.starts_at = fired_at.unwrap_or(now_ms);
            out.push(a);
        } else {
            any_pending = true;
        }
    }
    for (fp, (st, _, fired_at, labels_json)) in &existing {
        if seen.contains(fp) {
            continue;
        }
        c.execute(
            "DELETE FROM alerts WHERE rule_id = ?1 AND fingerprint = ?2",
            params![id, fp],
        )?;
        history("inactive", None, labels_json, fp)?;
        if st == "firing" {
            let labels: Labels = serde_json::from_str(labels_json).unwrap_or_default();
            let mut a = build_alert(
                id,
                rule,
                &Sample {
                    labels: labels.clone(),
                    value: 0.0,
                },
                now_ms,
                ctx,
            );
            // The stored labels already carry the rule's; keep them as they were sent.
            a.labels = labels;
            a.fingerprint = fp.clone();
            a.starts_at = fired_at.unwrap_or(now_ms);
            a.ends_at = Some(now_ms);
            out.push(a);
        }
    }
    if rule.get("disabled") != Some(&Value::Bool(true)) {
        let state = if any_firing {
            "firing"
        } else if any_pending {
            "pending"
        } else {
            "inactive"
        };
        c.execute(
            "UPDATE rules SET state = ?1, last_error = NULL WHERE id = ?2",
            params![state, id],
        )?;
    }
    Ok(out)
}

/// Nanoseconds per unit, for targets on duration attributes.
fn unit_factor(unit: &str) -> f64 {
    match unit {
        "ns" => 1.0,
        "us" | "µs" => 1e3,
        "ms" => 1e6,
        "s" => 1e9,
        _ => 1.0,
    }
}

/// Runs the rule's query over its window and returns the series that breach, each with the
/// value that decided it.
pub fn evaluate(
    c: &Connection,
    rule: &Map<String, Value>,
    now_ms: i64,
) -> Result<Vec<Sample>, String> {
    let cond = rule
        .get("condition")
        .and_then(|c| c.as_object())
        .ok_or("the rule has no condition")?;
    let window_ms = (secs(rule, "evalWindow", 300.0) * 1000.0) as i64;
    let cq = cond
        .get("compositeQuery")
        .cloned()
        .map(crate::api::rules::drop_nulls)
        .ok_or("the rule has no compositeQuery")?;
    let query_type = cq.get("queryType").and_then(|q| q.as_str()).unwrap_or("");
    if query_type == "clickhouse_sql" {
        return Err(format!(
            "ClickHouse SQL rules cannot be evaluated here: {}",
            crate::api::promql_api::CLICKHOUSE_SQL_MESSAGE
        ));
    }
    // PromQL steps: one point a minute, or finer for windows under 5 minutes.
    let step = (window_ms / 1000 / 5).clamp(1, 60);
    let params: QueryRangeParams = serde_json::from_value(serde_json::json!({
        "start": now_ms - window_ms, "end": now_ms, "step": step, "compositeQuery": cq}))
    .map_err(|e| format!("the rule's query cannot be read: {e}"))?;
    let results = query_range::run(c, &params).map_err(|e| e.message)?;
    let selected = cond
        .get("selectedQueryName")
        .and_then(|s| s.as_str())
        .unwrap_or("");
    let result = results
        .iter()
        .find(|r| r.query_name == selected)
        .or_else(|| results.first())
        .ok_or("the rule's query returned no result")?;
    let on_duration = params
        .composite_query
        .as_ref()
        .and_then(|q| q.builder_queries.get(&result.query_name))
        .is_some_and(|q| q.aggregate_attribute.key == "durationNano");
    let mut target = cond
        .get("target")
        .and_then(|t| t.as_f64())
        .ok_or("the rule has no numeric target")?;
    if on_duration {
        target *= unit_factor(
            cond.get("targetUnit")
                .and_then(|u| u.as_str())
                .unwrap_or("ns"),
        );
    }
    let op = cond.get("op").and_then(|o| o.as_str()).unwrap_or("1");
    let match_type = cond
        .get("matchType")
        .and_then(|m| m.as_str())
        .unwrap_or("1");
    let cmp = |v: f64| match op {
        "1" | "above" | ">" => v > target,
        "2" | "below" | "<" => v < target,
        "3" | "equal" | "eq" | "=" => v == target,
        _ => v != target,
    };
    let mut out = Vec::new();
    for s in result.series() {
        let vals: Vec<f64> = s
            .values
            .iter()
            .map(|p| p.value)
            .filter(|v| v.is_finite())
            .collect();
        if vals.is_empty() {
            continue;
        }
        let verdict = match match_type {
            // all the times: every point breaches; the value nearest the target is reported.
            "2" => vals.iter().all(|v| cmp(*v)).then(|| {
                *vals
                    .iter()
                    .min_by(|a, b| (*a - target).abs().total_cmp(&(*b - target).abs()))
                    .expect("not empty")
            }),
            "3" => Some(vals.iter().sum::<f64>() / vals.len() as f64).filter(|v| cmp(*v)),
            "4" => Some(vals.iter().sum::<f64>()).filter(|v| cmp(*v)),
            "5" => vals.last().copied().filter(|v| cmp(*v)),
            _ => vals.iter().copied().find(|v| cmp(*v)),
        };
        if let Some(value) = verdict {
            out.push(Sample {
                labels: s.labels.clone(),
                value,
            });
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn annotation_templates_expand() {
        let mut l = Labels::new();
        l.insert("service.name".into(), "cart".into());
        assert_eq!(
            expand(
                "{{$labels.service.name}} at {{ $value }} > {{$threshold}}",
                2.5,
                "2",
                &l
            ),
            "cart at 2.5 > 2"
        );
    }
}
