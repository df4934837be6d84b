//! `GET`/`POST /api/v1/dashboards`, `GET`/`PUT /api/v1/dashboards/{uuid}` `data`: one
//! dashboard's record. `data` is the dashboard itself, free JSON as the client wrote it
//! (`D = Value`); a reader may type it (it must keep the fields it does not know).

use serde::{Deserialize, Serialize};
use serde_json::Value;

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
pub struct Dashboard<D = Value> {
    #[serde(default)]
    pub id: i64,
    #[serde(default)]
    pub uuid: String,
    #[serde(default)]
    pub created_at: String,
    #[serde(default)]
    pub created_by: Option<String>,
    #[serde(default)]
    pub updated_at: String,
    #[serde(default)]
    pub updated_by: Option<String>,
    #[serde(default)]
    pub data: D,
    /// `null` in the create reply, `0`/`1` afterwards.
    #[serde(default, rename = "isLocked")]
    pub is_locked: Option<i64>,
}
