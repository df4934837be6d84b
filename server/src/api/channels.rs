//! Notification channels (envelope), stored as alertmanager receivers: Slack, webhook,
//! PagerDuty, Opsgenie and MS Teams are sent by `crate::alerting`; `POST /api/v1/testChannel`
//! sends a test alert to a receiver without storing it.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use rusqlite::{params, OptionalExtension};
use serde_json::Value;
use signoz_api::channels::Channel;

use super::access::{AdminAccess, EditAccess, Role, ViewAccess};
use super::{delete_row, envelope, list_rows, now_rfc3339, ApiError, AppState};
use crate::store::StoreError;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/channels", get(list).post(create))
        .route(
            "/api/v1/channels/{id}",
            get(get_one).put(update).delete(remove),
        )
        .route("/api/v1/testChannel", post(test_channel))
}

/// Sends a test alert to the receiver in the body; `"test alert sent"`, or 400 with why the
/// receiver did not take it.
async fn test_channel(
    State(st): State<AppState>,
    _: EditAccess,
    body: Bytes,
) -> Result<Response, ApiError> {
    let (name, kind, data) = receiver(&body)?;
    let ch = crate::alerting::notify::Channel {
        name,
        kind: kind.to_string(),
        receiver: serde_json::from_str(&data).unwrap_or_default(),
    };
    super::alerts::send_test(&st, &ch)
        .await
        .map_err(|e| ApiError::bad_data(format!("test alert failed: {e}")))?;
    Ok(envelope(Some("test alert sent")))
}

const TYPES: &[(&str, &str)] = &[
    ("slack_configs", "slack"),
    ("webhook_configs", "webhook"),
    ("pagerduty_configs", "pagerduty"),
    ("opsgenie_configs", "opsgenie"),
    ("msteams_configs", "msteams"),
    ("email_configs", "email"),
];

fn row_json(r: &rusqlite::Row) -> rusqlite::Result<Channel> {
    Ok(Channel {
        id: r.get(0)?,
        created_at: r.get(1)?,
        updated_at: r.get(2)?,
        name: r.get(3)?,
        kind: r.get(4)?,
        data: r.get(5)?,
    })
}

const SELECT: &str = "SELECT id, created_at, updated_at, name, type, data FROM channels";

/// Receiver fields that hold credentials or URLs with credentials in them (alertmanager's
/// names); shown to admins only, the only role that may edit channels.
const SECRET_FIELDS: &[&str] = &[
    "api_url",
    "url",
    "webhook_url",
    "routing_key",
    "service_key",
    "api_key",
    "auth_password",
    "auth_secret",
    "password",
    "bearer_token",
    "credentials",
    "client_secret",
];

pub const REDACTED: &str = "<redacted>";

fn redact(v: &mut Value) {
    match v {
        Value::Object(m) => {
            for (k, x) in m.iter_mut() {
                if SECRET_FIELDS.contains(&k.as_str()) && !x.is_object() && !x.is_array() {
                    if !x.is_null() && x.as_str() != Some("") {
                        *x = Value::String(REDACTED.into());
                    }
                } else {
                    redact(x);
                }
            }
        }
        Value::Array(a) => a.iter_mut().for_each(redact),
        _ => {}
    }
}

/// A channel row as a non-admin may see it: secrets in `data` replaced, the rest unchanged.
fn redacted_row(mut row: Channel) -> Channel {
    row.data = match serde_json::from_str::<Value>(&row.data) {
        Ok(mut d) => {
            redact(&mut d);
            d.to_string()
        }
        Err(_) => String::new(),
    };
    row
}

fn for_caller(role: Role, row: Channel) -> Channel {
    if role == Role::Admin {
        row
    } else {
        redacted_row(row)
    }
}

/// A receiver needs a name and exactly one kind of `*_configs`.
fn receiver(body: &[u8]) -> Result<(String, &'static str, String), ApiError> {
    let v: Value = serde_json::from_slice(body)
        .map_err(|e| ApiError::bad_data(format!("error decoding request body: {e}")))?;
    let name = v
        .get("name")
        .and_then(|n| n.as_str())
        .filter(|n| !n.is_empty())
        .ok_or_else(|| ApiError::bad_data("channel name is required"))?;
    let kind = TYPES
        .iter()
        .find(|(k, _)| {
            v.get(*k)
                .and_then(|c| c.as_array())
                .is_some_and(|a| !a.is_empty())
        })
        .map(|(_, t)| *t)
        .ok_or_else(|| {
            ApiError::bad_data(
                "channel type is not supported: send one of slack_configs, webhook_configs, ...",
            )
        })?;
    Ok((name.to_string(), kind, v.to_string()))
}

async fn list(
    State(st): State<AppState>,
    ViewAccess(caller): ViewAccess,
) -> Result<Response, ApiError> {
    let rows = list_rows(&st, format!("{SELECT} ORDER BY id"), row_json).await?;
    let rows: Vec<Channel> = rows
        .into_iter()
        .map(|r| for_caller(caller.role, r))
        .collect();
    Ok(envelope(Some(rows)))
}

async fn get_one(
    State(st): State<AppState>,
    ViewAccess(caller): ViewAccess,
    Path(id): Path<i64>,
) -> Result<Response, ApiError> {
    let row = st
        .store
        .run(move |c| {
            c.query_row(&format!("{SELECT} WHERE id = ?1"), [id], row_json)
                .optional()
                .map_err(StoreError::from)
        })
        .await?;
    row.map(|r| envelope(Some(for_caller(caller.role, r))))
        .ok_or_else(|| ApiError::not_found("channel not found"))
}

async fn create(
    State(st): State<AppState>,
    _: EditAccess,
    body: Bytes,
) -> Result<Response, ApiError> {
    let (name, kind, data) = receiver(&body)?;
    let now = now_rfc3339();
    st.store
        .run(move |c| {
            c.execute(
                "INSERT INTO channels (name, type, data, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?4)",
                params![name, kind, data, now],
            )
            .map_err(StoreError::from)
        })
        .await
        .map_err(|e| if e.to_string().contains("UNIQUE") { ApiError::bad_data("a channel with this name already exists") } else { ApiError::internal(e) })?;
    Ok(envelope::<()>(None))
}

async fn update(
    State(st): State<AppState>,
    _: AdminAccess,
    Path(id): Path<i64>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let (name, kind, data) = receiver(&body)?;
    let now = now_rfc3339();
    let n = st
        .store
        .run(move |c| {
            c.execute("UPDATE channels SET name = ?1, type = ?2, data = ?3, updated_at = ?4 WHERE id = ?5", params![name, kind, data, now, id])
                .map_err(StoreError::from)
        })
        .await?;
    if n == 0 {
        return Err(ApiError::not_found("channel not found"));
    }
    Ok(envelope::<()>(None))
}

async fn remove(
    State(st): State<AppState>,
    _: AdminAccess,
    Path(id): Path<i64>,
) -> Result<Response, ApiError> {
    delete_row(&st, "DELETE FROM channels WHERE id = ?1", id, "channel").await?;
    Ok(envelope::<()>(None))
}
