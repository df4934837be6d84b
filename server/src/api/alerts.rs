//! Active alerts (`GET /api/v1/alerts`, v0.39's "Triggered alerts"), `POST /api/v1/testRule`,
//! and beyond v0.39: a rule's alert history, mute windows and the delivery log.

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use rusqlite::{params, OptionalExtension};
use serde::Deserialize;
use serde_json::{json, Map, Value};
use signoz_api::alerts::{
    AlertStatus, Delivery, GettableAlert, Receiver, RuleHistoryEntry, TestRuleResult,
};
use signoz_api::Envelope;

use super::access::{EditAccess, ViewAccess};
use super::rules::{finish, parse_id, parse_rule};
use super::{envelope, now_rfc3339, ApiError, AppState};
use crate::alerting::dispatcher::{deliver_and_record, load_channels};
use crate::alerting::notify::{self, Notification};
use crate::alerting::{mutes, rfc3339_ms, Alert, Labels};
use crate::rules_engine::{self, EvalContext};
use crate::store::StoreError;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/alerts", get(active))
        .route("/api/v1/alerts/deliveries", get(deliveries))
        .route("/api/v1/testRule", post(test_rule))
        .route("/api/v1/rules/{id}/history", get(history))
        .route("/api/v1/mutes", get(list_mutes).post(create_mute))
        .route(
            "/api/v1/mutes/{id}",
            get(get_mute).put(update_mute).delete(delete_mute),
        )
}

/// The firing alerts in alertmanager's `/api/v1/alerts` shape, as v0.39 returns them: `data`
/// is a JSON *string* holding `{"status":"success","data":[...]}`.
async fn active(State(st): State<AppState>, _: ViewAccess) -> Result<Response, ApiError> {
    let public_url = st.alerting.cfg.public_url.clone();
    let alerts = st
        .store
        .run(move |c| {
            let now = chrono::Utc::now().timestamp_millis();
            let mutes = mutes::active(c, now)?;
            let channels: Vec<String> = load_channels(c)?
                .into_iter()
                .map(|c| c.name)
                .collect();
            let mut s = c
                .prepare(
                    "SELECT a.rule_id, a.fingerprint, a.labels, a.annotations, a.fired_at, a.value, r.data
                     FROM alerts a JOIN rules r ON r.id = a.rule_id WHERE a.state = 'firing'
                     ORDER BY a.fired_at DESC, a.rule_id",
                )?;
            let rows = s
                .query_map([], |r| {
                    Ok((
                        r.get::<_, i64>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, String>(3)?,
                        r.get::<_, Option<i64>>(4)?,
                        r.get::<_, Option<f64>>(5)?,
                        r.get::<_, String>(6)?,
                    ))
                })?;
            let mut out = Vec::new();
            for row in rows {
                let (rule_id, fp, labels, ann, fired, value, rule) = row?;
                let labels: Labels = serde_json::from_str(&labels).unwrap_or_default();
                let annotations: Labels = serde_json::from_str(&ann).unwrap_or_default();
                let rule: Map<String, Value> = serde_json::from_str(&rule).unwrap_or_default();
                let preferred: Vec<String> = rule
                    .get("preferredChannels")
                    .and_then(|c| c.as_array())
                    .map(|a| a.iter().filter_map(|c| c.as_str().map(str::to_string)).collect())
                    .unwrap_or_default();
                let receivers = if preferred.is_empty() { channels.clone() } else { preferred };
                let url = labels.get("ruleSource").cloned().unwrap_or_else(|| {
                    crate::alerting::links::rule_url("", &rule_id.to_string(), &public_url)
                });
                let a = Alert {
                    rule_id,
                    fingerprint: fp.clone(),
                    labels: labels.clone(),
                    annotations: annotations.clone(),
                    starts_at: fired.unwrap_or(now),
                    ends_at: None,
                    generator_url: url.clone(),
                    channels: Vec::new(),
                    value: value.unwrap_or(0.0),
                    stale_after_ms: 0,
                };
                let muted = mutes::muted_by(&mutes, &a);
                let status = AlertStatus {
                    state: if muted.is_empty() { "active" } else { "suppressed" }.into(),
                    silenced_by: muted.iter().map(|m| m.to_string()).collect(),
                    inhibited_by: Vec::new(),
                };
                out.push(GettableAlert {
                    labels,
                    annotations,
                    starts_at: rfc3339_ms(a.starts_at),
                    ends_at: "0001-01-01T00:00:00Z".into(),
                    updated_at: rfc3339_ms(now),
                    generator_url: url,
                    fingerprint: fp,
                    receivers: receivers.iter().map(|n| Receiver { name: n.clone() }).collect(),
                    status: serde_json::to_value(status)?,
                    value: a.value,
                });
            }
            Ok(out)
        })
        .await?;
    let inner = serde_json::to_string(&Envelope::success(Some(alerts)))?;
    Ok(envelope(Some(inner)))
}

/// `POST /api/v1/testRule`: evaluates the rule once, now, and sends what fires straight to its
/// channels (no grouping or waiting); `{"alertCount": n, "message": "notification sent"}`.
async fn test_rule(
    State(st): State<AppState>,
    _: EditAccess,
    body: Bytes,
) -> Result<Response, ApiError> {
    let mut o = parse_rule(&body)?;
    finish(&mut o)?;
    let rule = o.to_map();
    let public_url = st.alerting.cfg.public_url.clone();
    let (alerts, channels) = st
        .store
        .run(move |c| {
            let now = chrono::Utc::now().timestamp_millis();
            let samples = rules_engine::evaluate(c, &rule, now)?;
            let ctx = EvalContext { public_url };
            let alerts: Vec<Alert> = samples
                .iter()
                .map(|s| {
                    let mut a = rules_engine::build_alert(0, &rule, s, now, &ctx);
                    a.labels.insert("testalert".into(), "true".into());
                    a
                })
                .collect();
            Ok((alerts, load_channels(c)?))
        })
        .await
        .map_err(ApiError::bad_data)?;
    let count = alerts.len();
    if count > 0 {
        let wanted = &alerts[0].channels;
        let n = Notification {
            group_key: format!(
                "test/{}",
                alerts[0]
                    .labels
                    .get("alertname")
                    .cloned()
                    .unwrap_or_default()
            ),
            group_labels: Labels::new(),
            alerts: alerts.clone(),
            external_url: st.alerting.cfg.public_url.clone(),
        };
        let mut failures = Vec::new();
        for ch in channels
            .iter()
            .filter(|c| wanted.is_empty() || wanted.contains(&c.name))
        {
            let out =
                deliver_and_record(&st.store, &st.alerting.http, &st.alerting.cfg, ch, &n).await;
            if let Some(e) = out.error {
                failures.push(format!("{}: {e}", ch.name));
            }
        }
        if !failures.is_empty() {
            return Err(ApiError::bad_data(format!(
                "test notification failed: {}",
                failures.join("; ")
            )));
        }
    }
    Ok(envelope(Some(TestRuleResult {
        alert_count: count as u64,
        message: "notification sent".into(),
    })))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct HistoryQuery {
    /// ms
    start: Option<i64>,
    end: Option<i64>,
    limit: Option<i64>,
}

/// A rule's alert state changes, newest first: `[{ruleId, state, unixMilli, timestamp,
/// value, labels, fingerprint}]`; `state` is `pending`, `firing` or `inactive` (resolved).
async fn history(
    State(st): State<AppState>,
    _: ViewAccess,
    Path(id): Path<String>,
    Query(q): Query<HistoryQuery>,
) -> Result<Response, ApiError> {
    let id = parse_id(&id)?;
    let items = st
        .store
        .run(move |c| {
            let mut s = c
                .prepare(
                    "SELECT ts, state, value, labels, fingerprint FROM alert_history
                     WHERE rule_id = ?1 AND ts >= ?2 AND ts <= ?3 ORDER BY ts DESC, id DESC LIMIT ?4",
                )?;
            let rows = s
                .query_map(
                    params![
                        id,
                        q.start.unwrap_or(0),
                        q.end.unwrap_or(i64::MAX),
                        q.limit.unwrap_or(1000).clamp(1, 10_000)
                    ],
                    |r| {
                        let ts: i64 = r.get(0)?;
                        let labels: String = r.get(3)?;
                        Ok(RuleHistoryEntry {
                            rule_id: id.to_string(),
                            unix_milli: ts,
                            timestamp: rfc3339_ms(ts),
                            state: r.get(1)?,
                            value: r.get(2)?,
                            labels: serde_json::from_str(&labels).unwrap_or(Value::Null),
                            fingerprint: r.get(4)?,
                        })
                    },
                )?;
            rows.collect::<Result<Vec<_>, _>>().map_err(StoreError::from)
        })
        .await?;
    Ok(envelope(Some(items)))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct LimitQuery {
    limit: Option<i64>,
}

/// The latest notification attempts: `[{id, timestamp, channel, channelType, groupKey, status
/// ("sent"|"failed"), firing, resolved, attempts, httpStatus, error}]`.
async fn deliveries(
    State(st): State<AppState>,
    _: ViewAccess,
    Query(q): Query<LimitQuery>,
) -> Result<Response, ApiError> {
    let rows = st
        .store
        .run(move |c| {
            let mut s = c
                .prepare(
                    "SELECT id, ts, channel, channel_type, group_key, status, firing, resolved, attempts, http_status, error
                     FROM alert_deliveries ORDER BY id DESC LIMIT ?1",
                )?;
            let rows = s
                .query_map([q.limit.unwrap_or(100).clamp(1, 10_000)], |r| {
                    Ok(Delivery {
                        id: r.get(0)?,
                        timestamp: rfc3339_ms(r.get(1)?),
                        channel: r.get(2)?,
                        channel_type: r.get(3)?,
                        group_key: r.get(4)?,
                        status: r.get(5)?,
                        firing: r.get(6)?,
                        resolved: r.get(7)?,
                        attempts: r.get(8)?,
                        http_status: r.get(9)?,
                        error: r.get(10)?,
                    })
                })?;
            rows.collect::<Result<Vec<_>, _>>().map_err(StoreError::from)
        })
        .await?;
    Ok(envelope(Some(rows)))
}

fn parse_time(v: Option<&Value>, field: &str) -> Result<i64, ApiError> {
    match v {
        Some(Value::String(s)) => chrono::DateTime::parse_from_rfc3339(s)
            .map(|t| t.timestamp_millis())
            .map_err(|e| ApiError::bad_data(format!("{field} is not an RFC 3339 time: {e}"))),
        Some(Value::Number(n)) => n
            .as_i64()
            .ok_or_else(|| ApiError::bad_data(format!("{field} must be epoch ms"))),
        _ => Err(ApiError::bad_data(format!("{field} is required"))),
    }
}

/// A mute window as sent: `{name, startsAt, endsAt, ruleIds?, matchers?, comment?}` (times
/// RFC 3339 or epoch ms). Kept as sent; returns (data, starts ms, ends ms).
fn mute_body(body: &[u8]) -> Result<(Map<String, Value>, i64, i64), ApiError> {
    let Ok(Value::Object(mut m)) = serde_json::from_slice::<Value>(body) else {
        return Err(ApiError::bad_data("mute window must be a JSON object"));
    };
    for k in ["id", "createdAt", "createdBy", "active"] {
        m.remove(k);
    }
    let starts = parse_time(m.get("startsAt"), "startsAt")?;
    let ends = parse_time(m.get("endsAt"), "endsAt")?;
    if ends <= starts {
        return Err(ApiError::bad_data("endsAt must be after startsAt"));
    }
    if let Some(r) = m.get("ruleIds") {
        if !r.is_array() {
            return Err(ApiError::bad_data("ruleIds must be a list of rule ids"));
        }
    }
    if let Some(x) = m.get("matchers") {
        if !x
            .as_object()
            .is_some_and(|o| o.values().all(|v| v.is_string()))
        {
            return Err(ApiError::bad_data(
                "matchers must map label names to values",
            ));
        }
    }
    Ok((m, starts, ends))
}

fn mute_json(r: &rusqlite::Row) -> rusqlite::Result<Value> {
    let data: String = r.get(1)?;
    let mut m: Map<String, Value> = serde_json::from_str(&data).unwrap_or_default();
    let (starts, ends): (i64, i64) = (r.get(2)?, r.get(3)?);
    let now = chrono::Utc::now().timestamp_millis();
    m.insert("id".into(), json!(r.get::<_, i64>(0)?.to_string()));
    m.insert("createdAt".into(), json!(r.get::<_, String>(4)?));
    m.insert("createdBy".into(), json!(r.get::<_, String>(5)?));
    m.insert("active".into(), json!(starts <= now && now < ends));
    Ok(Value::Object(m))
}

const MUTE_SELECT: &str =
    "SELECT id, data, starts_at, ends_at, created_at, created_by FROM mute_windows";

async fn list_mutes(State(st): State<AppState>, _: ViewAccess) -> Result<Response, ApiError> {
    let rows = super::list_rows(
        &st,
        format!("{MUTE_SELECT} ORDER BY starts_at DESC, id DESC"),
        mute_json,
    )
    .await?;
    Ok(envelope(Some(rows)))
}

async fn load_mute(st: &AppState, id: i64) -> Result<Value, ApiError> {
    st.store
        .run(move |c| {
            c.query_row(&format!("{MUTE_SELECT} WHERE id = ?1"), [id], mute_json)
                .optional()
                .map_err(StoreError::from)
        })
        .await?
        .ok_or_else(|| ApiError::not_found("mute window not found"))
}

async fn get_mute(
    State(st): State<AppState>,
    _: ViewAccess,
    Path(id): Path<i64>,
) -> Result<Response, ApiError> {
    Ok(envelope(Some(load_mute(&st, id).await?)))
}

async fn create_mute(
    State(st): State<AppState>,
    EditAccess(user): EditAccess,
    body: Bytes,
) -> Result<Response, ApiError> {
    let (m, starts, ends) = mute_body(&body)?;
    let now = now_rfc3339();
    let id = st
        .store
        .run(move |c| {
            c.execute(
                "INSERT INTO mute_windows (data, starts_at, ends_at, created_at, created_by) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![Value::Object(m).to_string(), starts, ends, now, user.email],
            )?;
            Ok(c.last_insert_rowid())
        })
        .await?;
    Ok(envelope(Some(load_mute(&st, id).await?)))
}

async fn update_mute(
    State(st): State<AppState>,
    _: EditAccess,
    Path(id): Path<i64>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let (m, starts, ends) = mute_body(&body)?;
    let n = st
        .store
        .run(move |c| {
            c.execute(
                "UPDATE mute_windows SET data = ?1, starts_at = ?2, ends_at = ?3 WHERE id = ?4",
                params![Value::Object(m).to_string(), starts, ends, id],
            )
            .map_err(StoreError::from)
        })
        .await?;
    if n == 0 {
        return Err(ApiError::not_found("mute window not found"));
    }
    Ok(envelope(Some(load_mute(&st, id).await?)))
}

async fn delete_mute(
    State(st): State<AppState>,
    _: EditAccess,
    Path(id): Path<i64>,
) -> Result<Response, ApiError> {
    super::delete_row(
        &st,
        "DELETE FROM mute_windows WHERE id = ?1",
        id,
        "mute window",
    )
    .await?;
    Ok(envelope(Some("mute window deleted")))
}

/// A test notification for a channel: one made-up firing alert.
pub fn test_notification(public_url: &str) -> Notification {
    let mut labels = Labels::new();
    labels.insert("alertname".into(), "Test Alert".into());
    labels.insert("severity".into(), "critical".into());
    labels.insert("testalert".into(), "true".into());
    let mut annotations = Labels::new();
    annotations.insert(
        "summary".into(),
        "This is a test alert from the channel settings".into(),
    );
    annotations.insert(
        "description".into(),
        "If you can read this, the channel works.".into(),
    );
    let now = chrono::Utc::now().timestamp_millis();
    Notification {
        group_key: "test/channel".into(),
        group_labels: Labels::new(),
        alerts: vec![Alert {
            rule_id: 0,
            fingerprint: crate::alerting::fingerprint(&labels),
            labels,
            annotations,
            starts_at: now,
            ends_at: None,
            generator_url: format!("{}/alerts", public_url.trim_end_matches('/')),
            channels: Vec::new(),
            value: 0.0,
            stale_after_ms: 0,
        }],
        external_url: public_url.to_string(),
    }
}

/// Sends the test notification to a channel (stored or not); the delivery error, if any.
pub async fn send_test(st: &AppState, ch: &notify::Channel) -> Result<(), String> {
    let n = test_notification(&st.alerting.cfg.public_url);
    let out = deliver_and_record(&st.store, &st.alerting.http, &st.alerting.cfg, ch, &n).await;
    match out.error {
        Some(e) => Err(e),
        None => Ok(()),
    }
}
