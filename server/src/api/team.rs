//! The team (raw replies, as v0.39): invitations, members and their roles, deleting a user,
//! admin-issued reset-password tokens and the reset itself, and reading the organisation.
//! Registering with an invitation is in `users::register`.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use rusqlite::{params, Connection, OptionalExtension};
use serde::Deserialize;
use signoz_api::users::{
    Invitation, InviteResponse, Message, Organization, Precheck, ResetPasswordToken, UserRole,
};

use super::access::{load_users, AdminAccess, Role, ViewAccess};
use super::users::user_payload;
use super::{parse_body, raw, ApiError, AppState, ErrorKind, RawError};
use crate::store::StoreError;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/invite", get(list_invites).post(invite))
        .route(
            "/api/v1/invite/{key}",
            get(get_invite).delete(revoke_invite),
        )
        .route("/api/v1/orgUsers/{org_id}", get(org_users))
        .route("/api/v1/rbac/role/{id}", get(get_role).put(set_role))
        .route("/api/v1/getResetPasswordToken/{id}", get(reset_token))
        .route("/api/v1/resetPassword", post(reset_password))
        .route("/api/v1/org", get(list_orgs))
}

/// Invitations and reset tokens stop working after this long.
const TOKEN_TTL_SECS: i64 = 7 * 24 * 3600;

fn err(e: StoreError) -> Response {
    RawError::internal(e).into_response()
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct InviteBody {
    name: String,
    email: String,
    role: String,
}

fn invite_json(r: &rusqlite::Row) -> rusqlite::Result<Invitation> {
    Ok(Invitation {
        name: r.get(0)?,
        email: r.get(1)?,
        token: r.get(2)?,
        created_at: r.get(3)?,
        role: r.get(4)?,
        organization: r.get(5)?,
        precheck: None,
    })
}

const INVITE_SELECT: &str = "SELECT i.name, i.email, i.token, i.created_at, i.role, o.name
    FROM invites i JOIN orgs o ON o.id = i.org_id";

/// `POST /api/v1/invite` `{name, email, role, frontendBaseUrl}` → `{email, inviteToken}`. The
/// invitee opens `<origin>/signup?token=<inviteToken>` and registers with the token.
async fn invite(
    State(st): State<AppState>,
    AdminAccess(admin): AdminAccess,
    body: Bytes,
) -> Response {
    let b: InviteBody = match parse_body(&body) {
        Ok(b) => b,
        Err(e) => return RawError::bad(e).into_response(),
    };
    let email = b.email.trim().to_string();
    if email.is_empty() || !email.contains('@') {
        return RawError::bad("a valid email is required").into_response();
    }
    let role = b.role.trim().to_ascii_uppercase();
    if Role::parse(&role).is_none() {
        return RawError::bad("role must be ADMIN, EDITOR or VIEWER").into_response();
    }
    let token = hex::encode(rand::random::<[u8; 16]>());
    let t = token.clone();
    let e = email.clone();
    let res = st
        .store
        .run(move |c| {
            let exists: bool = c
                .query_row("SELECT EXISTS (SELECT 1 FROM users WHERE email = ?1)", [&e], |r| r.get(0))?;
            if exists {
                return Ok(false);
            }
            c.execute(
                "INSERT INTO invites (token, email, name, role, org_id, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT (email) DO UPDATE SET token = ?1, name = ?3, role = ?4, org_id = ?5, created_at = ?6",
                params![t, e, b.name, role, admin.org_id, chrono::Utc::now().timestamp()],
            )?;
            Ok(true)
        })
        .await;
    match res {
        Ok(true) => raw(InviteResponse {
            email,
            invite_token: token,
        }),
        Ok(false) => RawError::bad("User already exists with the same email").into_response(),
        Err(e) => err(e),
    }
}

async fn list_invites(State(st): State<AppState>, _: AdminAccess) -> Response {
    let now = chrono::Utc::now().timestamp();
    let res = st
        .store
        .run(move |c| {
            let mut s = c.prepare(&format!(
                "{INVITE_SELECT} WHERE i.created_at > ?1 ORDER BY i.created_at"
            ))?;
            let rows = s.query_map([now - TOKEN_TTL_SECS], invite_json)?;
            rows.collect::<Result<Vec<_>, _>>()
                .map_err(StoreError::from)
        })
        .await;
    match res {
        Ok(v) => raw(v),
        Err(e) => err(e),
    }
}

/// Open: the invitation behind a token (the signup page shows it), with the login precheck.
async fn get_invite(State(st): State<AppState>, Path(token): Path<String>) -> Response {
    let now = chrono::Utc::now().timestamp();
    let res = st
        .store
        .run(move |c| {
            c.query_row(
                &format!("{INVITE_SELECT} WHERE i.token = ?1 AND i.created_at > ?2"),
                params![token, now - TOKEN_TTL_SECS],
                invite_json,
            )
            .optional()
            .map_err(StoreError::from)
        })
        .await;
    match res {
        Ok(Some(mut v)) => {
            v.precheck = Some(Precheck::default());
            raw(v)
        }
        Ok(None) => ApiError::not_found("invitation not found or expired").into_response(),
        Err(e) => err(e),
    }
}

/// `DELETE /api/v1/invite/{email}` (admins).
async fn revoke_invite(
    State(st): State<AppState>,
    AdminAccess(_): AdminAccess,
    Path(email): Path<String>,
) -> Response {
    let res = st
        .store
        .run(move |c| {
            c.execute("DELETE FROM invites WHERE email = ?1", [email.trim()])
                .map_err(StoreError::from)
        })
        .await;
    match res {
        Ok(0) => ApiError::not_found("invitation not found").into_response(),
        Ok(_) => raw(Message::new("invitation deleted successfully")),
        Err(e) => err(e),
    }
}

/// Takes an invitation for registration: Ok((role, org id)) when `token` is a live
/// invitation for `email`; the invitation is used up.
pub fn take_invite(
    c: &Connection,
    token: &str,
    email: &str,
) -> Result<(String, String), StoreError> {
    let now = chrono::Utc::now().timestamp();
    let found: Option<(String, String, String)> = c
        .query_row(
            "SELECT email, role, org_id FROM invites WHERE token = ?1 AND created_at > ?2",
            params![token, now - TOKEN_TTL_SECS],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    let Some((invited, role, org)) = found else {
        return Err("invitation is not valid".into());
    };
    if !invited.eq_ignore_ascii_case(email.trim()) {
        return Err("the email does not match the invitation".into());
    }
    c.execute("DELETE FROM invites WHERE token = ?1", [token])?;
    Ok((role, org))
}

/// `GET /api/v1/orgUsers/{orgId}` (admins): the members as UserPayloads.
async fn org_users(
    State(st): State<AppState>,
    AdminAccess(_): AdminAccess,
    Path(org_id): Path<String>,
) -> Response {
    match st
        .store
        .run(|c| load_users(c).map_err(StoreError::from))
        .await
    {
        Ok(us) => raw(us
            .iter()
            .filter(|u| u.org_id == org_id)
            .map(user_payload)
            .collect::<Vec<_>>()),
        Err(e) => err(e),
    }
}

/// `GET /api/v1/rbac/role/{id}` (self or admin) → `{user_id, group_name}`.
async fn get_role(
    State(st): State<AppState>,
    ViewAccess(caller): ViewAccess,
    Path(id): Path<String>,
) -> Response {
    if caller.id != id && caller.role != Role::Admin {
        return ApiError::new(
            ErrorKind::Forbidden,
            "API is accessible for self access or to the admins.",
        )
        .into_response();
    }
    let res = st
        .store
        .run(move |c| super::access::load_user(c, &id).map_err(StoreError::from))
        .await;
    match res {
        Ok(Some(u)) => raw(UserRole {
            user_id: u.id,
            group_name: u.role.name().into(),
        }),
        Ok(None) => ApiError::not_found("user not found").into_response(),
        Err(e) => err(e),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RoleBody {
    group_name: String,
}

fn admins_besides(c: &Connection, id: &str) -> Result<i64, StoreError> {
    c.query_row(
        "SELECT COUNT(*) FROM users u JOIN groups g ON g.id = u.group_id WHERE g.name = 'ADMIN' AND u.id != ?1",
        [id],
        |r| r.get(0),
    )
    .map_err(StoreError::from)
}

/// `PUT /api/v1/rbac/role/{id}` (admins) `{group_name}`; the last admin cannot be demoted.
async fn set_role(
    State(st): State<AppState>,
    AdminAccess(_): AdminAccess,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let b: RoleBody = match parse_body(&body) {
        Ok(b) => b,
        Err(e) => return RawError::bad(e).into_response(),
    };
    let role = b.group_name.trim().to_ascii_uppercase();
    if Role::parse(&role).is_none() {
        return RawError::bad("group_name must be ADMIN, EDITOR or VIEWER").into_response();
    }
    let res = st
        .store
        .run(move |c| {
            let Some(u) = super::access::load_user(c, &id)? else {
                return Ok(Err(ApiError::not_found("user not found")));
            };
            if u.role == Role::Admin && role != "ADMIN" && admins_besides(c, &id)? == 0 {
                return Ok(Err(ApiError::bad_data("cannot demote the last admin")));
            }
            c.execute(
                "UPDATE users SET group_id = (SELECT id FROM groups WHERE name = ?1) WHERE id = ?2",
                params![role, id],
            )?;
            Ok(Ok(()))
        })
        .await;
    match res {
        Ok(Ok(())) => raw(Message::new("user group updated successfully")),
        Ok(Err(e)) => e.into_response(),
        Err(e) => err(e),
    }
}

/// `DELETE /api/v1/user/{id}` (admins); the last admin cannot be deleted.
pub async fn delete_user(
    State(st): State<AppState>,
    AdminAccess(_): AdminAccess,
    Path(id): Path<String>,
) -> Response {
    let res = st
        .store
        .run(move |c| {
            let Some(u) = super::access::load_user(c, &id)? else {
                return Ok(Err(ApiError::not_found("user not found")));
            };
            if u.role == Role::Admin && admins_besides(c, &id)? == 0 {
                return Ok(Err(ApiError::bad_data("cannot delete the last admin")));
            }
            c.execute(
                "DELETE FROM reset_password_tokens WHERE user_id = ?1",
                [&id],
            )?;
            c.execute("DELETE FROM users WHERE id = ?1", [&id])?;
            Ok(Ok(()))
        })
        .await;
    match res {
        Ok(Ok(())) => raw(Message::new("user deleted successfully")),
        Ok(Err(e)) => e.into_response(),
        Err(e) => err(e),
    }
}

/// `GET /api/v1/getResetPasswordToken/{id}` (admins) → `{userId, token}`; the admin hands the
/// link `<origin>/password-reset?token=<token>` to the user.
async fn reset_token(
    State(st): State<AppState>,
    AdminAccess(_): AdminAccess,
    Path(id): Path<String>,
) -> Response {
    let token = hex::encode(rand::random::<[u8; 16]>());
    let t = token.clone();
    let uid = id.clone();
    let res = st
        .store
        .run(move |c| {
            if super::access::load_user(c, &uid)?.is_none() {
                return Ok(false);
            }
            c.execute("DELETE FROM reset_password_tokens WHERE user_id = ?1", [&uid])?;
            c.execute(
                "INSERT INTO reset_password_tokens (token, user_id, created_at) VALUES (?1, ?2, ?3)",
                params![t, uid, chrono::Utc::now().timestamp()],
            )?;
            Ok(true)
        })
        .await;
    match res {
        Ok(true) => raw(ResetPasswordToken { user_id: id, token }),
        Ok(false) => ApiError::not_found("user not found").into_response(),
        Err(e) => err(e),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ResetBody {
    password: String,
    token: String,
}

/// Open: `POST /api/v1/resetPassword {password, token}`; the token is used up and every
/// token the user held before is revoked.
async fn reset_password(State(st): State<AppState>, body: Bytes) -> Response {
    let b: ResetBody = match parse_body(&body) {
        Ok(b) => b,
        Err(e) => return RawError::bad(e).into_response(),
    };
    if b.password.chars().count() < 8 {
        return RawError::bad("password should be atleast 8 characters").into_response();
    }
    let hash = match st.login.hash(b.password).await {
        Ok(h) => h,
        Err(e) => return RawError::internal(e).into_response(),
    };
    let now = chrono::Utc::now().timestamp();
    let token = b.token;
    let res = st
        .store
        .run(move |c| {
            let tx = c.transaction()?;
            let user: Option<String> = tx
                .query_row(
                    "SELECT user_id FROM reset_password_tokens WHERE token = ?1 AND created_at > ?2",
                    params![token, now - TOKEN_TTL_SECS],
                    |r| r.get(0),
                )
                .optional()?;
            let Some(user) = user else {
                return Ok(false);
            };
            tx.execute("DELETE FROM reset_password_tokens WHERE token = ?1", [&token])?;
            tx.execute(
                "UPDATE users SET password_hash = ?1, token_version = token_version + 1 WHERE id = ?2",
                params![hash, user],
            )?;
            tx.commit()?;
            Ok(true)
        })
        .await;
    match res {
        Ok(true) => raw(Message::new("password reset successfully")),
        Ok(false) => RawError::bad("invalid or expired reset token").into_response(),
        Err(e) => err(e),
    }
}

fn org_json(r: &rusqlite::Row) -> rusqlite::Result<Organization> {
    Ok(Organization {
        id: r.get(0)?,
        name: r.get(1)?,
        created_at: r.get(2)?,
        is_anonymous: r.get(3)?,
        has_opted_updates: r.get(4)?,
    })
}

const ORG_SELECT: &str = "SELECT id, name, created_at, is_anonymous, has_opted_updates FROM orgs";

async fn list_orgs(State(st): State<AppState>, _: AdminAccess) -> Response {
    match super::list_rows(&st, ORG_SELECT.to_string(), org_json).await {
        Ok(v) => raw(v),
        Err(e) => e.into_response(),
    }
}

/// `GET /api/v1/org/{id}` (admins) → `{id, name, createdAt, isAnonymous, hasOptedUpdates}`.
pub async fn get_org(
    State(st): State<AppState>,
    AdminAccess(_): AdminAccess,
    Path(id): Path<String>,
) -> Response {
    let res = st
        .store
        .run(move |c| {
            c.query_row(&format!("{ORG_SELECT} WHERE id = ?1"), [id], org_json)
                .optional()
                .map_err(StoreError::from)
        })
        .await;
    match res {
        Ok(Some(v)) => raw(v),
        Ok(None) => ApiError::not_found("org not found").into_response(),
        Err(e) => err(e),
    }
}
