//! Dashboards CRUD (envelope). `data` is kept as sent; only `title` is required.

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::response::Response;
use axum::routing::{get, put};
use axum::Router;
use rusqlite::{params, Connection, OptionalExtension};
use serde_json::{Map, Value};
use signoz_api::dashboards::Dashboard;

use super::access::{EditAccess, ViewAccess};
use super::{envelope, list_rows, now_rfc3339, ApiError, AppState};
use crate::store::StoreError;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/dashboards", get(list).post(create))
        .route(
            "/api/v1/dashboards/{uuid}",
            get(get_one).put(update).delete(remove),
        )
        .route("/api/v1/dashboards/{uuid}/lock", put(lock))
        .route("/api/v1/dashboards/{uuid}/unlock", put(unlock))
}

const SELECT: &str =
    "SELECT id, uuid, created_at, created_by, updated_at, updated_by, data, locked FROM dashboards";

fn row_json(r: &rusqlite::Row) -> rusqlite::Result<Dashboard> {
    let data: String = r.get(6)?;
    Ok(Dashboard {
        id: r.get(0)?,
        uuid: r.get(1)?,
        created_at: r.get(2)?,
        created_by: r.get(3)?,
        updated_at: r.get(4)?,
        updated_by: r.get(5)?,
        data: serde_json::from_str(&data).unwrap_or_else(|_| Value::Object(Map::new())),
        is_locked: Some(r.get(7)?),
    })
}

fn load(c: &Connection, uuid: &str) -> Result<Option<Dashboard>, StoreError> {
    c.query_row(&format!("{SELECT} WHERE uuid = ?1"), [uuid], row_json)
        .optional()
        .map_err(StoreError::from)
}

/// The body must be a JSON object with a non-empty string `title`.
fn dashboard_data(body: &[u8]) -> Result<Value, ApiError> {
    let v: Value = serde_json::from_slice(body)
        .map_err(|e| ApiError::bad_data(format!("error decoding request body: {e}")))?;
    match v.get("title") {
        Some(Value::String(t)) if !t.is_empty() => Ok(v),
        _ if !v.is_object() => Err(ApiError::bad_data("dashboard must be a JSON object")),
        _ => Err(ApiError::bad_data("title not found in post data")),
    }
}

async fn list(
    State(st): State<AppState>,
    _: ViewAccess,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    let tags: Vec<String> = url_params(query.as_deref().unwrap_or(""), "tags");
    let all = list_rows(&st, format!("{SELECT} ORDER BY id"), row_json).await?;
    let filtered: Vec<Dashboard> = all
        .into_iter()
        .filter(|d| {
            let have: Vec<&str> = d.data["tags"]
                .as_array()
                .map(|a| a.iter().filter_map(|t| t.as_str()).collect())
                .unwrap_or_default();
            tags.iter().all(|t| have.contains(&t.as_str()))
        })
        .collect();
    Ok(envelope(Some(filtered)))
}

/// Values of a repeated query parameter (`?tags=a&tags=b`).
fn url_params(query: &str, name: &str) -> Vec<String> {
    query
        .split('&')
        .filter_map(|kv| kv.split_once('='))
        .filter(|(k, _)| *k == name)
        .map(|(_, v)| crate::static_files::percent_decode(&v.replace('+', " ")))
        .collect()
}

async fn create(
    State(st): State<AppState>,
    EditAccess(user): EditAccess,
    body: Bytes,
) -> Result<Response, ApiError> {
    let data = dashboard_data(&body)?;
    let uuid = uuid::Uuid::new_v4().to_string();
    let now = now_rfc3339();
    let mut d = st
        .store
        .run(move |c| {
            c.execute(
                "INSERT INTO dashboards (uuid, created_at, created_by, updated_at, updated_by, data) VALUES (?1, ?2, ?3, ?2, ?3, ?4)",
                params![uuid, now, user.email, data.to_string()],
            )?;
            load(c, &uuid)
        })
        .await?
        .ok_or_else(|| ApiError::internal("dashboard vanished after insert"))?;
    // SigNoz's create reply carries isLocked null; later reads carry 0.
    d.is_locked = None;
    Ok(envelope(Some(d)))
}

async fn get_one(
    State(st): State<AppState>,
    _: ViewAccess,
    Path(uuid): Path<String>,
) -> Result<Response, ApiError> {
    let d = st.store.run(move |c| load(c, &uuid)).await?;
    d.map(|d| envelope(Some(d)))
        .ok_or_else(|| ApiError::not_found("dashboard not found"))
}

async fn update(
    State(st): State<AppState>,
    EditAccess(user): EditAccess,
    Path(uuid): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let data = dashboard_data(&body)?;
    let now = now_rfc3339();
    let res = st
        .store
        .run(move |c| {
            let Some(cur) = load(c, &uuid)? else {
                return Ok(Err(ApiError::not_found("dashboard not found")));
            };
            if cur.is_locked == Some(1) {
                return Ok(Err(ApiError::bad_data(
                    "dashboard is locked, please unlock the dashboard to be able to edit it",
                )));
            }
            c.execute(
                "UPDATE dashboards SET data = ?1, updated_at = ?2, updated_by = ?3 WHERE uuid = ?4",
                params![data.to_string(), now, user.email, uuid],
            )?;
            Ok(load(c, &uuid)?.ok_or_else(|| ApiError::not_found("dashboard not found")))
        })
        .await??;
    Ok(envelope(Some(res)))
}

/// Deletes unless locked (SigNoz refuses to delete a locked dashboard, as it refuses edits).
async fn remove(
    State(st): State<AppState>,
    _: EditAccess,
    Path(uuid): Path<String>,
) -> Result<Response, ApiError> {
    st.store
        .run(move |c| {
            let tx = c.transaction()?;
            let locked: Option<i64> = tx
                .query_row(
                    "SELECT locked FROM dashboards WHERE uuid = ?1",
                    [&uuid],
                    |r| r.get(0),
                )
                .optional()?;
            match locked {
                None => return Ok(Err(ApiError::not_found("dashboard not found"))),
                Some(1) => {
                    return Ok(Err(ApiError::bad_data(
                        "dashboard is locked, please unlock the dashboard to be able to delete it",
                    )));
                }
                Some(_) => {}
            }
            tx.execute("DELETE FROM dashboards WHERE uuid = ?1", [&uuid])?;
            tx.commit()?;
            Ok(Ok(()))
        })
        .await??;
    Ok(envelope::<()>(None))
}

/// `PUT /api/v1/dashboards/{uuid}/lock` (SigNoz EE): a locked dashboard refuses edits and deletes.
async fn lock(
    st: State<AppState>,
    access: EditAccess,
    uuid: Path<String>,
) -> Result<Response, ApiError> {
    set_locked(st, access, uuid, true).await
}

async fn unlock(
    st: State<AppState>,
    access: EditAccess,
    uuid: Path<String>,
) -> Result<Response, ApiError> {
    set_locked(st, access, uuid, false).await
}

async fn set_locked(
    State(st): State<AppState>,
    _: EditAccess,
    Path(uuid): Path<String>,
    locked: bool,
) -> Result<Response, ApiError> {
    let changed = st
        .store
        .run(move |c| {
            c.execute(
                "UPDATE dashboards SET locked = ?1 WHERE uuid = ?2",
                params![i64::from(locked), uuid],
            )
            .map_err(StoreError::from)
        })
        .await?;
    if changed == 0 {
        return Err(ApiError::not_found("dashboard not found"));
    }
    Ok(envelope(Some("Dashboard updated successfully")))
}
