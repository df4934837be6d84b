//! Alert rules CRUD (envelope). A rule is kept as the PostableRule JSON it was given, with
//! defaults filled in; `rules_engine` evaluates it and records its state.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use rusqlite::{params, Connection, OptionalExtension};
use serde_json::{json, Map, Value};

use super::access::{EditAccess, ViewAccess};
use super::query_range::model::{validate, CompositeQuery, QueryRangeParams};
use super::{delete_row, envelope, list_rows, now_rfc3339, ApiError, AppState};

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

/// Checks a PostableRule and fills SigNoz's defaults (evalWindow 5m, frequency 1m, ruleType).
pub fn normalize(body: &[u8]) -> Result<Map<String, Value>, ApiError> {
    let v: Value = serde_json::from_slice(body)
        .map_err(|e| ApiError::bad_data(format!("error decoding request body: {e}")))?;
    let Value::Object(mut m) = v else {
        return Err(ApiError::bad_data("rule must be a JSON object"));
    };
    check(&mut m)?;
    Ok(m)
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
                )))
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
    if !matches!(query_type.as_str(), "promql" | "clickhouse_sql") {
        validate_query(cq)?;
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

fn validate_query(cq: &Map<String, Value>) -> Result<(), ApiError> {
    let bad = |e: String| ApiError::bad_data(format!("condition.compositeQuery: {e}"));
    let composite: CompositeQuery =
        serde_json::from_value(Value::Object(cq.clone())).map_err(|e| bad(e.to_string()))?;
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

fn gettable(r: &rusqlite::Row) -> rusqlite::Result<Value> {
    let data: String = r.get(1)?;
    let mut m: Map<String, Value> = serde_json::from_str(&data).unwrap_or_default();
    m.insert("id".into(), Value::String(r.get::<_, i64>(0)?.to_string()));
    m.insert("state".into(), Value::String(r.get(6)?));
    m.insert("createAt".into(), json!(r.get::<_, Option<String>>(2)?));
    m.insert("createBy".into(), json!(r.get::<_, Option<String>>(3)?));
    m.insert("updateAt".into(), json!(r.get::<_, Option<String>>(4)?));
    m.insert("updateBy".into(), json!(r.get::<_, Option<String>>(5)?));
    Ok(Value::Object(m))
}

const SELECT: &str =
    "SELECT id, data, created_at, created_by, updated_at, updated_by, state FROM rules";

fn load(c: &Connection, id: i64) -> Result<Option<Value>, String> {
    c.query_row(&format!("{SELECT} WHERE id = ?1"), [id], gettable)
        .optional()
        .map_err(|e| e.to_string())
}

fn state_for(m: &Map<String, Value>) -> &'static str {
    if m.get("disabled") == Some(&json!(true)) {
        "disabled"
    } else {
        "inactive"
    }
}

/// Rule ids are strings holding integers.
fn parse_id(id: &str) -> Result<i64, ApiError> {
    id.parse()
        .map_err(|_| ApiError::bad_data(format!("invalid rule id {id:?}")))
}

async fn list(State(st): State<AppState>, _: ViewAccess) -> Result<Response, ApiError> {
    let rules = list_rows(&st, format!("{SELECT} ORDER BY id"), gettable).await?;
    Ok(envelope(Some(json!({"rules": rules}))))
}

async fn get_one(
    State(st): State<AppState>,
    _: ViewAccess,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let id = parse_id(&id)?;
    let r = st
        .store
        .with_conn(move |c| load(c, id))
        .await
        .map_err(ApiError::internal)?;
    r.map(|r| envelope(Some(r)))
        .ok_or_else(|| ApiError::not_found("rule not found"))
}

async fn create(
    State(st): State<AppState>,
    EditAccess(user): EditAccess,
    body: Bytes,
) -> Result<Response, ApiError> {
    let m = normalize(&body)?;
    let now = now_rfc3339();
    let r = st
        .store
        .with_conn(move |c| {
            c.execute(
                "INSERT INTO rules (data, created_at, created_by, updated_at, updated_by, state) VALUES (?1, ?2, ?3, ?2, ?3, ?4)",
                params![Value::Object(m.clone()).to_string(), now, user.email, state_for(&m)],
            )
            .map_err(|e| e.to_string())?;
            load(c, c.last_insert_rowid())
        })
        .await
        .map_err(ApiError::internal)?;
    Ok(envelope(r))
}

async fn save(
    st: &AppState,
    id: i64,
    m: Map<String, Value>,
    by: String,
) -> Result<Option<Value>, ApiError> {
    let now = now_rfc3339();
    st.store
        .with_conn(move |c| {
            let n = c
                .execute(
                    "UPDATE rules SET data = ?1, updated_at = ?2, updated_by = ?3, state = ?4, pending_since = NULL WHERE id = ?5",
                    params![Value::Object(m.clone()).to_string(), now, by, state_for(&m), id],
                )
                .map_err(|e| e.to_string())?;
            if n == 0 { Ok(None) } else { load(c, id) }
        })
        .await
        .map_err(ApiError::internal)
}

async fn update(
    State(st): State<AppState>,
    EditAccess(user): EditAccess,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let id = parse_id(&id)?;
    let m = normalize(&body)?;
    save(&st, id, m, user.email)
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
    let Ok(Value::Object(changes)) = serde_json::from_slice::<Value>(&body) else {
        return Err(ApiError::bad_data("patch must be a JSON object"));
    };
    let current = st
        .store
        .with_conn(move |c| {
            c.query_row("SELECT data FROM rules WHERE id = ?1", [id], |r| {
                r.get::<_, String>(0)
            })
            .optional()
            .map_err(|e| e.to_string())
        })
        .await
        .map_err(ApiError::internal)?
        .ok_or_else(|| ApiError::not_found("rule not found"))?;
    let mut m: Map<String, Value> = serde_json::from_str(&current).unwrap_or_default();
    m.extend(changes);
    check(&mut m)?;
    let r = save(&st, id, m, user.email)
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
