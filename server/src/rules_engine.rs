//! Evaluates threshold rules on a schedule: each enabled rule runs its query over the last
//! `evalWindow` every `frequency`, compares with the target per `op`/`matchType`, and
//! records `inactive`, `pending` (condition true for less than the rule's `for` duration)
//! or `firing` in the rules table.

use std::collections::HashMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rusqlite::{params, Connection};
use serde_json::{Map, Value};
use tokio::sync::watch;

use crate::api::query_range::{self, model::QueryRangeParams};
use crate::api::rules::parse_duration_secs;
use crate::store::Store;

pub async fn run(store: Store, tick: Duration, mut stop: watch::Receiver<bool>) {
    // rule id → last evaluation (ms); shared with the blocking task so a failed tick keeps it.
    let last_eval: Arc<Mutex<HashMap<i64, i64>>> = Arc::default();
    loop {
        tokio::select! {
            _ = tokio::time::sleep(tick) => {}
            _ = stop.wait_for(|s| *s) => return,
        }
        let now_ms = chrono::Utc::now().timestamp_millis();
        let last = last_eval.clone();
        let res = store
            .with_conn(move |c| {
                let mut last = last.lock().unwrap_or_else(|p| p.into_inner());
                evaluate_due(c, now_ms, &mut last).map_err(|e| e.to_string())
            })
            .await;
        if let Err(e) = res {
            tracing::error!(error = %e, "rules: evaluation failed");
        }
    }
}

/// Evaluates every rule whose frequency has elapsed; returns how many were evaluated.
pub fn evaluate_due(
    c: &Connection,
    now_ms: i64,
    last_eval: &mut HashMap<i64, i64>,
) -> rusqlite::Result<usize> {
    let rules: Vec<(i64, String, String, Option<i64>)> = {
        let mut s = c.prepare("SELECT id, data, state, pending_since FROM rules")?;
        let rows = s.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?;
        rows.collect::<Result<_, _>>()?
    };
    let mut n = 0;
    for (id, data, state, pending_since) in rules {
        let rule: Map<String, Value> = serde_json::from_str(&data).unwrap_or_default();
        if rule.get("disabled") == Some(&Value::Bool(true)) {
            if state != "disabled" {
                c.execute(
                    "UPDATE rules SET state = 'disabled', pending_since = NULL WHERE id = ?1",
                    [id],
                )?;
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
        // Each rule is contained: a panic or error in one rule's query leaves it inactive
        // and the others are still evaluated.
        let started = std::time::Instant::now();
        let outcome = catch_unwind(AssertUnwindSafe(|| condition_holds(c, &rule, now_ms)));
        crate::metrics::rule_evaluation(
            matches!(outcome, Ok(Some(_))),
            started.elapsed().as_secs_f64(),
        );
        let breached = match outcome {
            Ok(Some(b)) => b,
            Ok(None) => {
                tracing::warn!(rule = id, "rules: rule could not be evaluated");
                false
            }
            Err(_) => {
                tracing::error!(rule = id, "rules: rule panicked during evaluation");
                false
            }
        };
        let hold_ms = rule
            .get("for")
            .or_else(|| rule.get("holdDuration"))
            .and_then(|v| v.as_str())
            .and_then(parse_duration_secs)
            .unwrap_or(0.0)
            * 1000.0;
        let (new_state, since) = match (breached, pending_since) {
            (false, _) => ("inactive", None),
            (true, _) if hold_ms <= 0.0 => ("firing", None),
            (true, Some(t)) if (now_ms - t) as f64 >= hold_ms => ("firing", Some(t)),
            (true, Some(t)) => ("pending", Some(t)),
            (true, None) => ("pending", Some(now_ms)),
        };
        if let Err(e) = c.execute(
            "UPDATE rules SET state = ?1, pending_since = ?2 WHERE id = ?3",
            params![new_state, since, id],
        ) {
            tracing::error!(rule = id, error = %e, "rules: cannot record the rule's state");
        }
    }
    Ok(n)
}

fn secs(rule: &Map<String, Value>, field: &str, default: f64) -> f64 {
    rule.get(field)
        .and_then(|v| v.as_str())
        .and_then(parse_duration_secs)
        .unwrap_or(default)
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

fn condition_holds(c: &Connection, rule: &Map<String, Value>, now_ms: i64) -> Option<bool> {
    let cond = rule.get("condition")?.as_object()?;
    let window_ms = (secs(rule, "evalWindow", 300.0) * 1000.0) as i64;
    let cq = cond.get("compositeQuery")?.clone();
    let params: QueryRangeParams =
        serde_json::from_value(serde_json::json!({"start": now_ms - window_ms, "end": now_ms, "step": 60, "compositeQuery": cq})).ok()?;
    let results = query_range::run(c, &params).ok()?;
    let selected = cond
        .get("selectedQueryName")
        .and_then(|s| s.as_str())
        .unwrap_or("");
    let result = results
        .iter()
        .find(|r| r["queryName"] == selected)
        .or_else(|| results.first())?;
    let on_duration = params
        .composite_query
        .as_ref()
        .and_then(|q| q.builder_queries.get(result["queryName"].as_str()?))
        .is_some_and(|q| q.aggregate_attribute.key == "durationNano");
    let mut target = cond.get("target").and_then(|t| t.as_f64())?;
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
        "1" | "above" => v > target,
        "2" | "below" => v < target,
        "3" | "equal" => v == target,
        _ => v != target,
    };
    let series = result["series"].as_array()?;
    Some(series.iter().any(|s| {
        let vals: Vec<f64> = s["values"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|p| p["value"].as_str()?.parse().ok())
                    .collect()
            })
            .unwrap_or_default();
        if vals.is_empty() {
            return false;
        }
        match match_type {
            "2" => vals.iter().all(|v| cmp(*v)),
            "3" => cmp(vals.iter().sum::<f64>() / vals.len() as f64),
            "4" => cmp(vals.iter().sum()),
            "5" => cmp(*vals.last().unwrap()),
            _ => vals.iter().any(|v| cmp(*v)),
        }
    }))
}
