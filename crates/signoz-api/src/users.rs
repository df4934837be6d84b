//! Users, organisations and invitations: `GET /api/v1/version`, `/loginPrecheck`,
//! `POST /api/v1/login`, `GET /api/v1/user[/{id}]`, `/org[/{id}]`, `/invite[/{token}]`.
//! Times (`createdAt`) are epoch seconds.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// `GET /api/v1/version` (raw).
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Version {
    #[serde(default)]
    pub version: String,
    #[serde(default)]
    pub ee: String,
    #[serde(default)]
    pub setup_completed: bool,
}

/// `GET /api/v1/loginPrecheck` `data` (no SSO here).
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Precheck {
    #[serde(default)]
    pub sso: bool,
    #[serde(default)]
    pub sso_url: String,
    #[serde(default)]
    pub can_self_register: bool,
    #[serde(default)]
    pub is_user: bool,
    #[serde(default)]
    pub sso_error: String,
}

/// `POST /api/v1/login` reply (raw); expiries are epoch seconds.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct LoginResponse {
    pub access_jwt: String,
    #[serde(default)]
    pub access_jwt_expiry: i64,
    pub refresh_jwt: String,
    #[serde(default)]
    pub refresh_jwt_expiry: i64,
    #[serde(default)]
    pub user_id: String,
}

/// `GET /api/v1/user/{id}` and the items of `GET /api/v1/user` (raw). `flags` is `null` for
/// users who never set one.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct UserPayload {
    #[serde(default)]
    pub id: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub created_at: i64,
    #[serde(default, rename = "profilePictureURL")]
    pub profile_picture_url: String,
    #[serde(default)]
    pub org_id: String,
    #[serde(default)]
    pub group_id: String,
    #[serde(default)]
    pub role: String,
    #[serde(default)]
    pub organization: String,
    /// Free-form as stored (SigNoz writes an object of strings).
    #[serde(default)]
    pub flags: Option<Value>,
}

/// `GET /api/v1/org[/{id}]`.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Organization {
    #[serde(default)]
    pub id: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub created_at: i64,
    #[serde(default)]
    pub is_anonymous: bool,
    #[serde(default)]
    pub has_opted_updates: bool,
}

/// A pending invitation (`GET /api/v1/invite`); `GET /api/v1/invite/{token}` adds the
/// login precheck.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Invitation {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub token: String,
    #[serde(default)]
    pub created_at: i64,
    #[serde(default)]
    pub role: String,
    #[serde(default)]
    pub organization: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub precheck: Option<Precheck>,
}

/// `POST /api/v1/invite` reply.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct InviteResponse {
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub invite_token: String,
}

/// The `{"data": "<message>"}` replies of raw routes that change something
/// ("password changed successfully", "org updated successfully", …).
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
pub struct Message {
    #[serde(default)]
    pub data: String,
}

impl Message {
    pub fn new(text: impl Into<String>) -> Self {
        Message { data: text.into() }
    }
}

/// `GET /api/v1/rbac/role/{id}`.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
pub struct UserRole {
    #[serde(default)]
    pub user_id: String,
    #[serde(default)]
    pub group_name: String,
}

/// `GET /api/v1/getResetPasswordToken/{id}`.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ResetPasswordToken {
    #[serde(default)]
    pub user_id: String,
    #[serde(default)]
    pub token: String,
}

/// One entry of `GET /api/v1/featureFlags` `data`.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
pub struct FeatureFlag {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub active: bool,
    #[serde(default)]
    pub usage: i64,
    #[serde(default)]
    pub usage_limit: i64,
    #[serde(default)]
    pub route: String,
}

/// `GET /api/v2/licenses` `data` (EE's `listLicensesV2`); times are epoch seconds, -1 for none.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Licenses {
    #[serde(default)]
    pub trial_start: i64,
    #[serde(default)]
    pub trial_end: i64,
    #[serde(default)]
    pub on_trial: bool,
    #[serde(default)]
    pub work_space_block: bool,
    #[serde(default)]
    pub trial_converted_to_subscription: bool,
    #[serde(default)]
    pub grace_period_end: i64,
    /// Free-form license records (none here).
    #[serde(default)]
    pub licenses: Vec<Value>,
}

/// `GET /api/v1/health`: `{"status":"ok"}`, or `{"status":"error","error":…}` with a 503.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
pub struct Health {
    pub status: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}
