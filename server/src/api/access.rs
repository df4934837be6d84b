//! Access levels as extractors (SigNoz `ViewAccess`, `EditAccess`, `AdminAccess`): each reads
//! `Authorization: Bearer <jwt>`, verifies it and loads the user with its role.

use axum::extract::FromRequestParts;
use axum::http::{header, request::Parts};
use rusqlite::{params, Connection, OptionalExtension};
use serde_json::Value;

use super::{ApiError, AppState, ErrorKind};
use crate::store::StoreError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Role {
    Viewer,
    Editor,
    Admin,
}

impl Role {
    pub fn name(self) -> &'static str {
        match self {
            Role::Viewer => "VIEWER",
            Role::Editor => "EDITOR",
            Role::Admin => "ADMIN",
        }
    }
    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "VIEWER" => Some(Role::Viewer),
            "EDITOR" => Some(Role::Editor),
            "ADMIN" => Some(Role::Admin),
            _ => None,
        }
    }
}

#[derive(Debug, Clone)]
pub struct User {
    pub id: String,
    pub name: String,
    pub email: String,
    pub created_at: i64,
    pub profile_picture_url: String,
    pub org_id: String,
    pub group_id: String,
    pub role: Role,
    pub organization: String,
    pub flags: Option<Value>,
    /// Tokens carrying another version were revoked (logout, password change).
    pub token_version: i64,
}

const USER_SELECT: &str = "SELECT u.id, u.name, u.email, u.created_at, u.profile_picture_url, u.org_id, u.group_id,
    g.name, o.name, u.flags, u.token_version FROM users u JOIN groups g ON g.id = u.group_id JOIN orgs o ON o.id = u.org_id";

fn user_from_row(r: &rusqlite::Row) -> rusqlite::Result<User> {
    let flags: Option<String> = r.get(9)?;
    Ok(User {
        id: r.get(0)?,
        name: r.get(1)?,
        email: r.get(2)?,
        created_at: r.get(3)?,
        profile_picture_url: r.get(4)?,
        org_id: r.get(5)?,
        group_id: r.get(6)?,
        role: Role::parse(&r.get::<_, String>(7)?).unwrap_or(Role::Viewer),
        organization: r.get(8)?,
        flags: flags.and_then(|f| serde_json::from_str(&f).ok()),
        token_version: r.get(10)?,
    })
}

pub fn load_user(conn: &Connection, id: &str) -> rusqlite::Result<Option<User>> {
    conn.query_row(
        &format!("{USER_SELECT} WHERE u.id = ?1"),
        params![id],
        user_from_row,
    )
    .optional()
}

pub fn load_user_by_email(conn: &Connection, email: &str) -> rusqlite::Result<Option<User>> {
    conn.query_row(
        &format!("{USER_SELECT} WHERE u.email = ?1"),
        params![email],
        user_from_row,
    )
    .optional()
}

pub fn load_users(conn: &Connection) -> rusqlite::Result<Vec<User>> {
    let mut st = conn.prepare(&format!("{USER_SELECT} ORDER BY u.created_at"))?;
    let rows = st.query_map([], user_from_row)?;
    rows.collect()
}

fn unauthorized(reason: &str) -> ApiError {
    ApiError::new(
        ErrorKind::Unauthorized,
        format!("failed to parse jwt token: {reason}"),
    )
}

/// The token from `Authorization: Bearer <jwt>`; the scheme is case-insensitive.
fn bearer(parts: &Parts) -> Result<String, ApiError> {
    let Some(h) = parts.headers.get(header::AUTHORIZATION) else {
        return Err(unauthorized("token contains an invalid number of segments"));
    };
    let h = h
        .to_str()
        .map_err(|_| unauthorized("Authorization header format must be Bearer {token}"))?;
    let mut it = h.split_whitespace();
    match (it.next(), it.next(), it.next()) {
        (Some(scheme), Some(token), None) if scheme.eq_ignore_ascii_case("bearer") => {
            Ok(token.to_string())
        }
        _ => Err(unauthorized(
            "Authorization header format must be Bearer {token}",
        )),
    }
}

pub async fn authenticate(state: &AppState, parts: &Parts, min: Role) -> Result<User, ApiError> {
    let token = bearer(parts)?;
    let claims = state
        .jwt
        .verify(&token, chrono::Utc::now().timestamp())
        .map_err(|e| unauthorized(&e))?;
    if claims.typ != crate::auth::ACCESS {
        return Err(unauthorized("not an access token"));
    }
    let id = claims.id.clone();
    let user = state
        .store
        .run(move |c| load_user(c, &id).map_err(StoreError::from))
        .await?
        .ok_or_else(|| unauthorized("user not found"))?;
    if user.token_version != claims.ver {
        return Err(unauthorized("token has been revoked"));
    }
    if user.role < min {
        let who = match min {
            Role::Admin => "admins",
            Role::Editor => "editors/admins",
            Role::Viewer => "viewers/editors/admins",
        };
        return Err(ApiError::new(
            ErrorKind::Forbidden,
            format!("API is accessible to {who}."),
        ));
    }
    Ok(user)
}

macro_rules! access_level {
    ($name:ident, $role:expr) => {
        pub struct $name(pub User);

        impl FromRequestParts<AppState> for $name {
            type Rejection = ApiError;
            async fn from_request_parts(
                parts: &mut Parts,
                state: &AppState,
            ) -> Result<Self, Self::Rejection> {
                authenticate(state, parts, $role).await.map($name)
            }
        }
    };
}

access_level!(ViewAccess, Role::Viewer);
access_level!(EditAccess, Role::Editor);
access_level!(AdminAccess, Role::Admin);
