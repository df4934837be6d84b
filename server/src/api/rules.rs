//! Alert rules CRUD (envelope). A rule is kept as the PostableRule JSON text it was given
//! (SigNoz's defaults added only for missing fields); an update changes only the values that
//! differ. `rules_engine` evaluates it and records its state.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use rusqlite::{params, Connection, OptionalExtension};
use serde_json::{json, Map, Value};

use super::access::{EditAccess, ViewAccess};
use super::query_range::model::{validate, CompositeQuery, QueryRangeParams};
use super::rule_json::{merge_objects, RawObject};
use super::{delete_row, now_rfc3339, ApiError, AppState};
use crate::store::StoreError;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/rules", get(list).post(create))
        .route(
            "/api/v1/rules/{id}",
            get(get_one).put(update).patch(patch).delete(remove),
        )
}

/// Go's time.ParseDuration for the units rules use (h, m, s, ms), e.g. "5m0s" → 300 s.
pub fn parse_duration_secs(s: &str) -> Option<f64> {
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    let mut total = 0.0;
    let mut rest = s;
    while !rest.is_empty() {
        let n_end = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let n: f64 = rest[..n_end].parse().ok()?;
        rest = &rest[n_end..];
        let u_end = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let mult = match &rest[..u_end] {
            "h" => 3600.0,
            "m" => 60.0,
            "s" => 1.0,
            "ms" => 0.001,
            "us" | "µs" => 1e-6,
            "ns" => 1e-9,
            _ => return None,
        };
        total += n * mult;
        rest = &rest[u_end..];
    }
    Some(total)
}

/// Fields the server sets on a GettableRule; a client sending them back changes nothing.
pub const SERVER_FIELDS: &[&str] = &[
    "id",
    "state",
    "createAt",
    "createBy",
    "updateAt",
    "updateBy",
    "lastError",
];

/// Parses a PostableRule as sent, keeping its exact text (server-set fields dropped).
pub fn parse_rule(body: &[u8]) -> Result<RawObject, ApiError> {
    let text = std::str::from_utf8(body)
        .map_err(|_| ApiError::bad_data("error decoding request body: not UTF-8"))?;
    let v: Value = serde_json::from_str(text)
        .map_err(|e| ApiError::bad_data(format!("error decoding request body: {e}")))?;
    if !v.is_object() {
        return Err(ApiError::bad_data("rule must be a JSON object"));
    }
    let mut o = RawObject::parse(text).map_err(|e| ApiError::bad_data(e.to_string()))?;
    for f in SERVER_FIELDS {
        o.remove(f);
    }
    Ok(o)
}

/// Checks a rule and adds SigNoz's defaults for the fields it lacks (evalWindow 5m,
/// frequency 1m, ruleType, ...); fields it has are left byte for byte as they are.
pub fn finish(o: &mut RawObject) -> Result<(), ApiError> {
    let mut m = o.to_map();
    let before = m.clone();
    check(&mut m)?;
    for (k, v) in &m {
        if before.get(k) != Some(v) {
            o.set_value(k, v);
        }
    }
    Ok(())
}

/// Checks a PostableRule and fills SigNoz's defaults (evalWindow 5m, frequency 1m, ruleType).
pub fn normalize(body: &[u8]) -> Result<Map<String, Value>, ApiError> {
    let mut o = parse_rule(body)?;
    finish(&mut o)?;
    Ok(o.to_map())
}

fn check(m: &mut Map<String, Value>) -> Result<(), ApiError> {
    if m.get("alert")
        .and_then(|a| a.as_str())
        .is_none_or(|a| a.is_empty())
    {
        return Err(ApiError::bad_data("rule name (alert) is required"));
    }
    for (field, default) in [("evalWindow", "5m0s"), ("frequency", "1m0s")] {
        match m.get(field).and_then(|v| v.as_str()) {
            None | Some("") => {
                m.insert(field.into(), json!(default));
            }
            Some(d) if parse_duration_secs(d).is_some_and(|s| s > 0.0) => {}
            Some(d) => {
                return Err(ApiError::bad_data(format!(
                    "{field} is not a valid duration: {d:?}"
                )));
            }
        }
    }
    let cond = m
        .get("condition")
        .and_then(|c| c.as_object())
        .ok_or_else(|| ApiError::bad_data("condition is required"))?;
    let cq = cond
        .get("compositeQuery")
        .and_then(|c| c.as_object())
        .ok_or_else(|| ApiError::bad_data("condition.compositeQuery is required"))?;
    let query_type = cq
        .get("queryType")
        .and_then(|q| q.as_str())
        .unwrap_or("")
        .to_string();
    // Builder queries are validated now, as query_range would, so a rule that cannot run (or
    // could harm the scheduler) is refused when saved instead of failing silently every tick.
    // PromQL is parsed; ClickHouse SQL is kept (it shows an error state when evaluated).
    match query_type.as_str() {
        "clickhouse_sql" => {}
        "promql" => {
            for (name, q) in cq
                .get("promQueries")
                .and_then(|p| p.as_object())
                .into_iter()
                .flatten()
            {
                if q.get("disabled") == Some(&Value::Bool(true)) {
                    continue;
                }
                let text = q.get("query").and_then(|t| t.as_str()).unwrap_or("");
                crate::promql::parse(text).map_err(|e| {
                    ApiError::bad_data(format!(
                        "condition.compositeQuery.promQueries.{name}: {e:?}"
                    ))
                })?;
            }
        }
        _ => validate_query(cq)?,
    }
    if m.get("ruleType")
        .and_then(|r| r.as_str())
        .is_none_or(|r| r.is_empty())
    {
        let t = if query_type == "promql" {
            "promql_rule"
        } else {
            "threshold_rule"
        };
        m.insert("ruleType".into(), json!(t));
    }
    m.entry("disabled").or_insert(json!(false));
    m.entry("labels").or_insert(json!({}));
    m.entry("annotations").or_insert(json!({}));
    Ok(())
}

/// Object fields set to `null` removed, as Go reads a JSON null: the zero value. Rules written
/// by SigNoz carry `"having": null`, `"groupBy": null` on formulas.
pub fn drop_nulls(v: Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.into_iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k, drop_nulls(v)))
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.into_iter().map(drop_nulls).collect()),
        other => other,
    }
}

fn validate_query(cq: &Map<String, Value>) -> Result<(), ApiError> {
    let bad = |e: String| ApiError::bad_data(format!("condition.compositeQuery: {e}"));
    let composite: CompositeQuery = serde_json::from_value(drop_nulls(Value::Object(cq.clone())))
        .map_err(|e| bad(e.to_string()))?;
    let now = chrono::Utc::now().timestamp_millis();
    let params = QueryRangeParams {
        start: now - 300_000,
        end: now,
        step: 60,
        composite_query: Some(composite),
        ..Default::default()
    };
    validate(&params).map_err(bad)?;
    Ok(())
}

/// A GettableRule: the stored rule as written, then the server's fields.
fn gettable(r: &rusqlite::Row) -> rusqlite::Result<RawObject> {
    let data: String = r.get(1)?;
    let mut o = RawObject::parse(&data).unwrap_or_default();
    for f in SERVER_FIELDS {
        o.remove(f);
    }
    o.set_value("id", &Value::String(r.get::<_, i64>(0)?.to_string()));
    let state: String = r.get(6)?;
    let error: Option<String> = r.get(7)?;
    o.set_value("state", &Value::String(state));
    o.set_value("createAt", &json!(r.get::<_, Option<String>>(2)?));
    o.set_value("createBy", &json!(r.get::<_, Option<String>>(3)?));
    o.set_value("updateAt", &json!(r.get::<_, Option<String>>(4)?));
    o.set_value("updateBy", &json!(r.get::<_, Option<String>>(5)?));
    if let Some(e) = error {
        o.set_value("lastError", &Value::String(e));
    }
    Ok(o)
}

const SELECT: &str =
    "SELECT id, data, created_at, created_by, updated_at, updated_by, state, last_error FROM rules";

fn load(c: &Connection, id: i64) -> Result<Option<RawObject>, StoreError> {
    c.query_row(&format!("{SELECT} WHERE id = ?1"), [id], gettable)
        .optional()
        .map_err(StoreError::from)
}

fn state_for(m: &Map<String, Value>) -> &'static str {
    if m.get("disabled") == Some(&json!(true)) {
        "disabled"
    } else {
        "inactive"
    }
}

/// Rule ids are strings holding integers.
pub fn parse_id(id: &str) -> Result<i64, ApiError> {
    id.parse()
        .map_err(|_| ApiError::bad_data(format!("invalid rule id {id:?}")))
}

/// The success envelope, serialising `data` as it is: `super::envelope` goes through a
/// `serde_json::Value`, which would re-format the rule's raw JSON.
fn envelope<T: serde::Serialize>(data: Option<T>) -> Response {
    #[derive(serde::Serialize)]
    struct Envelope<T> {
        status: &'static str,
        #[serde(skip_serializing_if = "Option::is_none")]
        data: Option<T>,
    }
    axum::Json(Envelope {
        status: "success",
        data,
    })
    .into_response()
}

#[derive(serde::Serialize)]
struct RuleList {
    rules: Vec<RawObject>,
}

async fn list(State(st): State<AppState>, _: ViewAccess) -> Result<Response, ApiError> {
    let rules = st
        .store
        .run(|c| {
            let mut s = c.prepare(&format!("{SELECT} ORDER BY id"))?;
            let rows = s.query_map([], gettable)?;
            rows.collect::<Result<Vec<_>, _>>()
                .map_err(StoreError::from)
        })
        .await?;
    Ok(envelope(Some(RuleList { rules })))
}

async fn get_one(
    State(st): State<AppState>,
    _: ViewAccess,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let id = parse_id(&id)?;
    let r = st.store.run(move |c| load(c, id)).await?;
    r.map(|r| envelope(Some(r)))
        .ok_or_else(|| ApiError::not_found("rule not found"))
}

async fn create(
    State(st): State<AppState>,
    EditAccess(user): EditAccess,
    body: Bytes,
) -> Result<Response, ApiError> {
    let mut o = parse_rule(&body)?;
    finish(&mut o)?;
    let state = state_for(&o.to_map());
    let now = now_rfc3339();
    let r = st
        .store
        .run(move |c| {
            c.execute(
                "INSERT INTO rules (data, created_at, created_by, updated_at, updated_by, state) VALUES (?1, ?2, ?3, ?2, ?3, ?4)",
                params![o.to_text(), now, user.email, state],
            )?;
            load(c, c.last_insert_rowid())
        })
        .await?;
    Ok(envelope(r))
}

/// Applies `changes` (a whole rule for PUT, some fields for PATCH) to the stored rule: values
/// that did not change keep their stored bytes, fields the request leaves out are kept.
async fn save(
    st: &AppState,
    id: i64,
    changes: RawObject,
    by: String,
) -> Result<Option<RawObject>, ApiError> {
    let current = st
        .store
        .run(move |c| {
            c.query_row("SELECT data FROM rules WHERE id = ?1", [id], |r| {
                r.get::<_, String>(0)
            })
            .optional()
            .map_err(StoreError::from)
        })
        .await?
        .ok_or_else(|| ApiError::not_found("rule not found"))?;
    let old = RawObject::parse(&current).unwrap_or_default();
    let mut merged = merge_objects(&old, &changes, true);
    finish(&mut merged)?;
    let state = state_for(&merged.to_map());
    let now = now_rfc3339();
    let r = st
        .store
        .run(move |c| {
            let n = c
                .execute(
                    "UPDATE rules SET data = ?1, updated_at = ?2, updated_by = ?3, state = ?4, pending_since = NULL, last_error = NULL WHERE id = ?5",
                    params![merged.to_text(), now, by, state, id],
                )?;
            if n == 0 { Ok(None) } else { load(c, id) }
        })
        .await?;
    Ok(r)
}

async fn update(
    State(st): State<AppState>,
    EditAccess(user): EditAccess,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let id = parse_id(&id)?;
    let changes = parse_rule(&body)?;
    save(&st, id, changes, user.email)
        .await?
        .ok_or_else(|| ApiError::not_found("rule not found"))?;
    Ok(envelope(Some("rule successfully edited")))
}

async fn patch(
    State(st): State<AppState>,
    EditAccess(user): EditAccess,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let id = parse_id(&id)?;
    let changes =
        parse_rule(&body).map_err(|_| ApiError::bad_data("patch must be a JSON object"))?;
    let r = save(&st, id, changes, user.email)
        .await?
        .ok_or_else(|| ApiError::not_found("rule not found"))?;
    Ok(envelope(Some(r)))
}

async fn remove(
    State(st): State<AppState>,
    _: EditAccess,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let id = parse_id(&id)?;
    delete_row(&st, "DELETE FROM rules WHERE id = ?1", id, "rule").await?;
    let _ = st
        .store
        .run(move |c| {
            c.execute("DELETE FROM alerts WHERE rule_id = ?1", [id])
                .map_err(StoreError::from)
        })
        .await;
    Ok(envelope(Some("rule successfully deleted")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_durations() {
        assert_eq!(parse_duration_secs("5m0s"), Some(300.0));
        assert_eq!(parse_duration_secs("1h30m"), Some(5400.0));
        assert_eq!(parse_duration_secs("250ms"), Some(0.25));
        assert_eq!(parse_duration_secs("5 minutes"), None);
        assert_eq!(parse_duration_secs(""), None);
    }
}
