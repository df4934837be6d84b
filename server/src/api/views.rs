//! Saved explorer views (`/api/v1/explorer/views`, envelope), as SigNoz v0.39: viewers list
//! and read, editors create, update and delete. The view is stored as sent, so fields this
//! server does not know (and `extraData` in any shape) come back unchanged.

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use rusqlite::{params, Connection, OptionalExtension};
use serde::Deserialize;
use serde_json::{Map, Value};

use super::access::{EditAccess, ViewAccess};
use super::query_range::model::PANEL_TYPES;
use super::{envelope, now_rfc3339, ApiError, AppState};
use crate::store::StoreError;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/explorer/views", get(list).post(create))
        .route(
            "/api/v1/explorer/views/{view_id}",
            get(get_one).put(update).delete(remove),
        )
}

/// Fields the server owns; whatever the client sends for them is replaced.
const SERVER_FIELDS: &[&str] = &["uuid", "createdAt", "createdBy", "updatedAt", "updatedBy"];

const SELECT: &str =
    "SELECT uuid, created_at, created_by, updated_at, updated_by, data FROM saved_views";

fn row_json(r: &rusqlite::Row) -> rusqlite::Result<Value> {
    let mut view: Map<String, Value> =
        serde_json::from_str(&r.get::<_, String>(5)?).unwrap_or_default();
    for (i, k) in SERVER_FIELDS.iter().enumerate() {
        view.insert(k.to_string(), Value::String(r.get(i)?));
    }
    Ok(Value::Object(view))
}

fn load(c: &Connection, uuid: &str) -> Result<Option<Value>, StoreError> {
    c.query_row(&format!("{SELECT} WHERE uuid = ?1"), [uuid], row_json)
        .optional()
        .map_err(StoreError::from)
}

/// A posted view: a JSON object with a `compositeQuery` SigNoz would accept
/// (`SavedView.Validate`: at least one query, valid panel and query types).
struct PostedView {
    data: Map<String, Value>,
    name: String,
    category: String,
    source_page: String,
}

fn str_field(v: &Map<String, Value>, k: &str) -> Result<String, ApiError> {
    match v.get(k) {
        None | Some(Value::Null) => Ok(String::new()),
        Some(Value::String(s)) => Ok(s.clone()),
        Some(_) => Err(ApiError::bad_data(format!("{k} must be a string"))),
    }
}

fn parse_view(body: &[u8]) -> Result<PostedView, ApiError> {
    let v: Value = serde_json::from_slice(body)
        .map_err(|e| ApiError::bad_data(format!("error decoding request body: {e}")))?;
    let Value::Object(mut data) = v else {
        return Err(ApiError::bad_data("a saved view must be a JSON object"));
    };
    let cq = match data.get("compositeQuery") {
        Some(Value::Object(cq)) => cq,
        Some(Value::Null) | None => return Err(ApiError::bad_data("composite query is required")),
        Some(_) => return Err(ApiError::bad_data("compositeQuery must be an object")),
    };
    let has_query = ["builderQueries", "chQueries", "promQueries"]
        .iter()
        .any(|k| cq.get(*k).is_some_and(|q| !q.is_null()));
    if !has_query {
        return Err(ApiError::bad_data(
            "composite query must contain at least one query",
        ));
    }
    let panel = cq.get("panelType").and_then(Value::as_str).unwrap_or("");
    if !PANEL_TYPES.contains(&panel) {
        return Err(ApiError::bad_data(format!(
            "panel type is invalid: {panel:?}"
        )));
    }
    let query_type = cq.get("queryType").and_then(Value::as_str).unwrap_or("");
    if !matches!(query_type, "builder" | "clickhouse_sql" | "promql") {
        return Err(ApiError::bad_data(format!(
            "query type is invalid: {query_type:?}"
        )));
    }
    if let Some(t) = data.get("tags") {
        let ok = t.is_null() || t.as_array().is_some_and(|a| a.iter().all(Value::is_string));
        if !ok {
            return Err(ApiError::bad_data("tags must be a list of strings"));
        }
    }
    let name = str_field(&data, "name")?;
    let category = str_field(&data, "category")?;
    let source_page = str_field(&data, "sourcePage")?;
    for k in SERVER_FIELDS {
        data.remove(*k);
    }
    Ok(PostedView {
        data,
        name,
        category,
        source_page,
    })
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct ListParams {
    source_page: String,
    name: String,
    category: String,
}

/// `LIKE '%s%'` with the user's text taken literally.
fn contains_pattern(s: &str) -> String {
    let escaped = s
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

async fn list(
    State(st): State<AppState>,
    _: ViewAccess,
    Query(p): Query<ListParams>,
) -> Result<Response, ApiError> {
    let views = st
        .store
        .run(move |c| {
            let mut s = c.prepare(&format!(
                "{SELECT} WHERE source_page = ?1 AND name LIKE ?2 ESCAPE '\\'
                     AND category LIKE ?3 ESCAPE '\\' ORDER BY rowid"
            ))?;
            let rows = s.query_map(
                params![
                    p.source_page,
                    contains_pattern(&p.name),
                    contains_pattern(&p.category)
                ],
                row_json,
            )?;
            rows.collect::<Result<Vec<_>, _>>()
                .map_err(StoreError::from)
        })
        .await?;
    Ok(envelope(Some(views)))
}

async fn create(
    State(st): State<AppState>,
    EditAccess(user): EditAccess,
    body: Bytes,
) -> Result<Response, ApiError> {
    let v = parse_view(&body)?;
    let uuid = uuid::Uuid::new_v4().to_string();
    let now = now_rfc3339();
    let id = uuid.clone();
    st.store
        .run(move |c| {
            c.execute(
                "INSERT INTO saved_views (uuid, name, category, source_page, created_at, created_by,
                 updated_at, updated_by, data) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?5, ?6, ?7)",
                params![
                    id,
                    v.name,
                    v.category,
                    v.source_page,
                    now,
                    user.email,
                    Value::Object(v.data).to_string()
                ],
            )
            .map_err(StoreError::from)
        })
        .await?;
    Ok(envelope(Some(uuid)))
}

async fn get_one(
    State(st): State<AppState>,
    _: ViewAccess,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let view = st
        .store
        .run(move |c| load(c, &id))
        .await?
        .ok_or_else(|| ApiError::not_found("saved view not found"))?;
    Ok(envelope(Some(view)))
}

/// Replaces the fields the body carries and keeps the others: v0.39's UI sends only name,
/// compositeQuery, extraData and sourcePage, and tags or unknown fields must survive that.
async fn update(
    State(st): State<AppState>,
    EditAccess(user): EditAccess,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let v = parse_view(&body)?;
    let now = now_rfc3339();
    let view = st
        .store
        .run(move |c| {
            let tx = c.transaction()?;
            let stored: Option<String> = tx
                .query_row("SELECT data FROM saved_views WHERE uuid = ?1", [&id], |r| {
                    r.get(0)
                })
                .optional()?;
            let Some(stored) = stored else {
                return Ok(None);
            };
            let mut data: Map<String, Value> = serde_json::from_str(&stored).unwrap_or_default();
            data.extend(v.data);
            let text = |k: &str| {
                data.get(k)
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string()
            };
            tx.execute(
                "UPDATE saved_views SET name = ?2, category = ?3, source_page = ?4, updated_at = ?5,
                 updated_by = ?6, data = ?7 WHERE uuid = ?1",
                params![
                    id,
                    text("name"),
                    text("category"),
                    text("sourcePage"),
                    now,
                    user.email,
                    Value::Object(data.clone()).to_string()
                ],
            )?;
            let view = load(&tx, &id)?;
            tx.commit()?;
            Ok(view)
        })
        .await?
        .ok_or_else(|| ApiError::not_found("saved view not found"))?;
    Ok(envelope(Some(view)))
}

/// Deleting a view that does not exist succeeds, as in SigNoz.
async fn remove(
    State(st): State<AppState>,
    _: EditAccess,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    st.store
        .run(move |c| {
            c.execute("DELETE FROM saved_views WHERE uuid = ?1", [id])
                .map_err(StoreError::from)
        })
        .await?;
    Ok(envelope(None::<Value>))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn views_keep_unknown_fields_and_drop_server_ones() {
        let body = json!({"name": "slow", "sourcePage": "traces", "uuid": "forged", "extraData": {"x": 1},
            "future": [1, 2], "compositeQuery": {"queryType": "builder", "panelType": "list", "builderQueries": {}}});
        let v = parse_view(body.to_string().as_bytes()).unwrap();
        assert_eq!(v.data.get("future"), Some(&json!([1, 2])));
        assert_eq!(v.data.get("extraData"), Some(&json!({"x": 1})));
        assert!(v.data.get("uuid").is_none());
        assert_eq!(
            (v.name.as_str(), v.source_page.as_str()),
            ("slow", "traces")
        );
        for bad in [
            json!({"name": "x"}),
            json!({"compositeQuery": {"queryType": "builder", "panelType": "pie", "builderQueries": {}}}),
            json!({"compositeQuery": {"queryType": "sql", "panelType": "list", "builderQueries": {}}}),
            json!({"compositeQuery": {"queryType": "builder", "panelType": "list"}}),
            json!([1]),
        ] {
            assert!(parse_view(bad.to_string().as_bytes()).is_err(), "{bad}");
        }
    }
}
