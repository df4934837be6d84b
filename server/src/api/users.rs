//! Open meta routes (version, health, featureFlags) and the user flow: register (first user
//! becomes ADMIN), loginPrecheck, login with password or refresh token, user and org routes.

use axum::body::Bytes;
use axum::extract::{ConnectInfo, Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, patch, post};
use axum::{Extension, Router};
use rusqlite::{params, OptionalExtension};
use serde::Deserialize;
use serde_json::Value;
use signoz_api::users::{
    FeatureFlag, Health, Licenses, LoginResponse, Message, Precheck, UserPayload, Version,
};

use super::access::{
    load_user, load_user_by_email, load_users, AdminAccess, Role, User, ViewAccess,
};
use super::{envelope, parse_body, raw, ApiError, AppState, ErrorKind, RawError};
use crate::auth::{self, Claims};
use crate::store::StoreError;

pub const VERSION: &str = "v0.39.0";

/// `{"status":"ok"}` only while the database writer runs and can commit; 503 otherwise, so
/// a load balancer or supervisor sees a server that cannot store anything.
async fn health(State(st): State<AppState>) -> Response {
    match st.store.health(std::time::Duration::from_secs(5)).await {
        Ok(()) => raw(Health {
            status: "ok".into(),
            error: None,
        }),
        Err(e) => (
            axum::http::StatusCode::SERVICE_UNAVAILABLE,
            [(axum::http::header::RETRY_AFTER, "10")],
            axum::Json(Health {
                status: "error".into(),
                error: Some(e.to_string()),
            }),
        )
            .into_response(),
    }
}

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/version", get(version))
        .route("/api/v1/health", get(health))
        .route(
            "/api/v1/featureFlags",
            get(|| async { envelope(Some(feature_flags())) }),
        )
        .route("/api/v1/register", post(register))
        .route("/api/v1/login", post(login))
        .route("/api/v1/logout", post(logout))
        .route(
            "/api/v1/changePassword/{id}",
            post(change_password).put(change_password),
        )
        .route("/api/v1/loginPrecheck", get(login_precheck))
        .route("/api/v1/user", get(list_users))
        .route(
            "/api/v1/user/{id}",
            get(get_user)
                .put(edit_user)
                .delete(super::team::delete_user),
        )
        .route("/api/v1/user/{id}/flags", patch(set_flags))
        .route("/api/v1/org/{id}", get(super::team::get_org).put(edit_org))
        .route("/api/v2/licenses", get(licenses))
}

fn feature_flags() -> Vec<FeatureFlag> {
    let flag = |name: &str, active: bool, usage_limit: i64| FeatureFlag {
        name: name.into(),
        active,
        usage: 0,
        usage_limit,
        route: String::new(),
    };
    vec![
        flag("OSS", false, -1),
        flag("DISABLE_UPSELL", false, -1),
        flag("SSO", false, -1),
        flag("SMART_TRACE_DETAIL", false, -1),
        flag("CUSTOM_METRICS_FUNCTION", false, -1),
        flag("QUERY_BUILDER_PANELS", true, 20),
        flag("QUERY_BUILDER_ALERTS", true, 10),
        flag("ALERT_CHANNEL_SLACK", true, -1),
        flag("ALERT_CHANNEL_WEBHOOK", true, -1),
        flag("ALERT_CHANNEL_PAGERDUTY", true, -1),
        flag("ALERT_CHANNEL_OPSGENIE", true, -1),
        flag("ALERT_CHANNEL_MSTEAMS", true, -1),
        flag("USE_SPAN_METRICS", false, -1),
    ]
}

/// EE `listLicensesV2` without a license: the basic plan, no trial.
async fn licenses(_: ViewAccess) -> Response {
    envelope(Some(Licenses {
        trial_start: -1,
        trial_end: -1,
        on_trial: false,
        work_space_block: false,
        trial_converted_to_subscription: false,
        grace_period_end: -1,
        licenses: Vec::new(),
    }))
}

async fn version(State(st): State<AppState>) -> Response {
    let setup = st
        .store
        .run(|c| {
            c.query_row("SELECT EXISTS (SELECT 1 FROM users)", [], |r| {
                r.get::<_, bool>(0)
            })
            .map_err(StoreError::from)
        })
        .await
        .unwrap_or(false);
    raw(Version {
        version: VERSION.into(),
        ee: "Y".into(),
        setup_completed: setup,
    })
}

pub fn user_payload(u: &User) -> UserPayload {
    UserPayload {
        id: u.id.clone(),
        name: u.name.clone(),
        email: u.email.clone(),
        created_at: u.created_at,
        profile_picture_url: u.profile_picture_url.clone(),
        org_id: u.org_id.clone(),
        group_id: u.group_id.clone(),
        role: u.role.name().into(),
        organization: u.organization.clone(),
        flags: u.flags.clone(),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RegisterBody {
    name: String,
    #[serde(rename = "orgname")]
    org_name: String,
    email: String,
    password: String,
    token: String,
    #[serde(rename = "setuptoken")]
    setup_token: String,
}

/// The peer address recorded by the accept loop, if the request came through it.
fn peer(ci: Option<Extension<ConnectInfo<std::net::SocketAddr>>>) -> Option<std::net::SocketAddr> {
    ci.map(|Extension(ConnectInfo(a))| a)
}

/// The client's IP for login limits. A proxy on the same machine (the nginx config) appends
/// the real client to `X-Forwarded-For`; that last entry is trusted only from loopback, where
/// the sender could not be anyone else anyway.
pub fn client_ip(
    peer: Option<std::net::SocketAddr>,
    headers: &HeaderMap,
) -> Option<std::net::IpAddr> {
    let peer = peer?.ip().to_canonical();
    if !peer.is_loopback() {
        return Some(peer);
    }
    let forwarded = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .next_back()
        .and_then(|last| last.trim().parse::<std::net::IpAddr>().ok());
    Some(forwarded.unwrap_or(peer))
}

async fn register(
    State(st): State<AppState>,
    ci: Option<Extension<ConnectInfo<std::net::SocketAddr>>>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let b: RegisterBody = parse_body(&body).map_err(ApiError::bad_data)?;
    let setup_open = st
        .store
        .run(|c| {
            c.query_row("SELECT NOT EXISTS (SELECT 1 FROM users)", [], |r| {
                r.get::<_, bool>(0)
            })
            .map_err(StoreError::from)
        })
        .await?;
    if setup_open {
        st.setup
            .check(&headers, peer(ci), &b.setup_token)
            .map_err(ApiError::forbidden)?;
    }
    if b.email.trim().is_empty() || !b.email.contains('@') {
        return Err(ApiError::bad_data("email is required"));
    }
    if b.password.chars().count() < 8 {
        return Err(ApiError::bad_data(
            "password should be atleast 8 characters",
        ));
    }
    let hash = st
        .login
        .hash(b.password.clone())
        .await
        .map_err(ApiError::internal)?;
    st.store
        .run(move |c| {
            let tx = c.transaction()?;
            let has_users: bool = tx.query_row("SELECT EXISTS (SELECT 1 FROM users)", [], |r| r.get(0))?;
            if has_users {
                if b.token.is_empty() {
                    return Err("An invitation is needed to create an account. Please ask your admin (the person who has first installed SigNoz) to send an invite.".into());
                }
                let (role, org_id) = super::team::take_invite(&tx, &b.token, &b.email)?;
                tx.execute(
                    "INSERT INTO users (id, name, email, password_hash, created_at, group_id, org_id)
                     VALUES (?1, ?2, ?3, ?4, ?5, (SELECT id FROM groups WHERE name = ?6), ?7)",
                    params![uuid::Uuid::new_v4().to_string(), b.name, b.email.trim(), hash, chrono::Utc::now().timestamp(), role, org_id],
                )
                .map_err(|e| if e.to_string().contains("UNIQUE") { "User already exists with the same email".to_string() } else { e.to_string() })?;
                return tx.commit().map_err(StoreError::from);
            }
            let now = chrono::Utc::now().timestamp();
            for role in [Role::Admin, Role::Editor, Role::Viewer] {
                tx.execute("INSERT OR IGNORE INTO groups (id, name) VALUES (?1, ?2)", params![uuid::Uuid::new_v4().to_string(), role.name()])?;
            }
            let org_id = uuid::Uuid::new_v4().to_string();
            tx.execute("INSERT INTO orgs (id, name, created_at) VALUES (?1, ?2, ?3)", params![org_id, b.org_name, now])?;
            let gid: String = tx.query_row("SELECT id FROM groups WHERE name = 'ADMIN'", [], |r| r.get(0))?;
            tx.execute(
                "INSERT INTO users (id, name, email, password_hash, created_at, group_id, org_id) VALUES (?1,?2,?3,?4,?5,?6,?7)",
                params![uuid::Uuid::new_v4().to_string(), b.name, b.email.trim(), hash, now, gid, org_id],
            )?;
            tx.commit().map_err(StoreError::from)
        })
        .await
        .map_err(ApiError::bad_data)?;
    Ok(envelope::<()>(None))
}

#[derive(Deserialize)]
struct PrecheckQuery {
    #[serde(default)]
    email: String,
}

async fn login_precheck(
    State(st): State<AppState>,
    Query(q): Query<PrecheckQuery>,
) -> Result<Response, ApiError> {
    let email = q.email.clone();
    let is_user = st
        .store
        .run(move |c| load_user_by_email(c, &email).map_err(StoreError::from))
        .await?
        .is_some();
    Ok(envelope(Some(Precheck {
        is_user,
        ..Precheck::default()
    })))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct LoginBody {
    email: String,
    password: String,
    #[serde(rename = "refreshtoken")]
    refresh_token: String,
}

pub fn issue_tokens(st: &AppState, u: &User) -> LoginResponse {
    let now = chrono::Utc::now().timestamp();
    let claims = |exp, typ: &str| Claims {
        id: u.id.clone(),
        gid: u.group_id.clone(),
        email: u.email.clone(),
        exp,
        typ: typ.to_string(),
        ver: u.token_version,
    };
    let access_exp = now + auth::ACCESS_TTL_SECS;
    let refresh_exp = now + auth::REFRESH_TTL_SECS;
    LoginResponse {
        access_jwt: st.jwt.sign(&claims(access_exp, auth::ACCESS)),
        access_jwt_expiry: access_exp,
        refresh_jwt: st.jwt.sign(&claims(refresh_exp, auth::REFRESH)),
        refresh_jwt_expiry: refresh_exp,
        user_id: u.id.clone(),
    }
}

fn too_many_attempts(wait: std::time::Duration) -> Response {
    let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    let mut r = RawError(
        StatusCode::TOO_MANY_REQUESTS,
        format!("too many failed login attempts; try again in {secs} s"),
    )
    .into_response();
    r.headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from(secs.max(1)));
    r
}

async fn login(
    State(st): State<AppState>,
    ci: Option<Extension<ConnectInfo<std::net::SocketAddr>>>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, Response> {
    let b: LoginBody = parse_body(&body).map_err(|e| RawError::bad(e).into_response())?;
    let unauthorized = |m: &str| RawError(StatusCode::UNAUTHORIZED, m.to_string()).into_response();
    let user = if !b.refresh_token.is_empty() {
        let claims = st
            .jwt
            .verify(&b.refresh_token, chrono::Utc::now().timestamp())
            .map_err(|e| unauthorized(&format!("failed to validate refresh token: {e}")))?;
        if claims.typ != auth::REFRESH {
            return Err(unauthorized(
                "failed to validate refresh token: not a refresh token",
            ));
        }
        let ver = claims.ver;
        st.store
            .run(move |c| load_user(c, &claims.id).map_err(StoreError::from))
            .await
            .map_err(|e| RawError::internal(e).into_response())?
            .filter(|u| u.token_version == ver)
            .ok_or_else(|| {
                unauthorized("failed to validate refresh token: token has been revoked")
            })?
    } else {
        let ip = client_ip(peer(ci), &headers);
        if let Err(wait) = st.login.check(ip, &b.email) {
            return Err(too_many_attempts(wait));
        }
        let email = b.email.trim().to_string();
        let found = st
            .store
            .run(move |c| {
                let hash: Option<String> = c
                    .query_row(
                        "SELECT password_hash FROM users WHERE email = ?1",
                        [&email],
                        |r| r.get(0),
                    )
                    .optional()?;
                let user = match hash {
                    Some(_) => load_user_by_email(c, &email)?,
                    None => None,
                };
                Ok(hash.zip(user))
            })
            .await
            .map_err(|e| RawError::internal(e).into_response())?;
        let (hash, user) = found.unzip();
        // Unknown e-mails cost the same argon2 work as wrong passwords.
        if !st.login.verify(b.password.clone(), hash).await {
            st.login.failed(ip, &b.email);
            return Err(unauthorized(
                "failed to authenticate: invalid email or password",
            ));
        }
        st.login.succeeded(&b.email);
        user.expect("a verified password belongs to a user")
    };
    Ok(raw(issue_tokens(&st, &user)))
}

/// Revokes every token of the caller (all sessions): bumps the token version.
async fn logout(State(st): State<AppState>, ViewAccess(caller): ViewAccess) -> Response {
    let id = caller.id.clone();
    let res = st
        .store
        .run(move |c| {
            c.execute(
                "UPDATE users SET token_version = token_version + 1 WHERE id = ?1",
                [&id],
            )
            .map_err(StoreError::from)
        })
        .await;
    match res {
        Ok(_) => envelope::<()>(None),
        Err(e) => ApiError::internal(e).into_response(),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ChangePasswordBody {
    #[serde(rename = "oldpassword")]
    old_password: String,
    #[serde(rename = "newpassword")]
    new_password: String,
}

/// SigNoz `changePassword` (self or admin): the old password must match; the new one is
/// stored and every token issued before is revoked.
async fn change_password(
    State(st): State<AppState>,
    ViewAccess(caller): ViewAccess,
    ci: Option<Extension<ConnectInfo<std::net::SocketAddr>>>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    if let Err(e) = self_or_admin(&caller, &id) {
        return e.into_response();
    }
    let b: ChangePasswordBody = match parse_body(&body) {
        Ok(b) => b,
        Err(e) => return RawError::bad(e).into_response(),
    };
    if b.new_password.chars().count() < 8 {
        return ApiError::bad_data("password should be atleast 8 characters").into_response();
    }
    let uid = id.clone();
    let found = st
        .store
        .run(move |c| {
            c.query_row(
                "SELECT email, password_hash FROM users WHERE id = ?1",
                [&uid],
                |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)),
            )
            .optional()
            .map_err(StoreError::from)
        })
        .await;
    let (email, hash) = match found {
        Ok(Some(x)) => x,
        Ok(None) => return ApiError::not_found("user not found").into_response(),
        Err(e) => return ApiError::internal(e).into_response(),
    };
    let ip = client_ip(peer(ci), &headers);
    if let Err(wait) = st.login.check(ip, &email) {
        return too_many_attempts(wait);
    }
    if !st.login.verify(b.old_password, Some(hash)).await {
        st.login.failed(ip, &email);
        return ApiError::forbidden("invalid credentials").into_response();
    }
    let new_hash = match st.login.hash(b.new_password).await {
        Ok(h) => h,
        Err(e) => return ApiError::internal(e).into_response(),
    };
    let res = st
        .store
        .run(move |c| {
            c.execute(
                "UPDATE users SET password_hash = ?1, token_version = token_version + 1 WHERE id = ?2",
                params![new_hash, id],
            )
            .map_err(StoreError::from)
        })
        .await;
    match res {
        Ok(_) => raw(Message::new("password changed successfully")),
        Err(e) => ApiError::internal(e).into_response(),
    }
}

/// SigNoz `SelfAccess`: the user themself or an admin.
fn self_or_admin(caller: &User, id: &str) -> Result<(), ApiError> {
    if caller.id == id || caller.role == Role::Admin {
        Ok(())
    } else {
        Err(ApiError::new(
            ErrorKind::Forbidden,
            "API is accessible for self access or to the admins.",
        ))
    }
}

async fn fetch_user(st: &AppState, id: String) -> Result<User, Response> {
    st.store
        .run(move |c| load_user(c, &id).map_err(StoreError::from))
        .await
        .map_err(|e| RawError::internal(e).into_response())?
        .ok_or_else(|| ApiError::not_found("user not found").into_response())
}

async fn get_user(
    State(st): State<AppState>,
    ViewAccess(caller): ViewAccess,
    Path(id): Path<String>,
) -> Response {
    if let Err(e) = self_or_admin(&caller, &id) {
        return e.into_response();
    }
    match fetch_user(&st, id).await {
        Ok(u) => raw(user_payload(&u)),
        Err(r) => r,
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct EditUserBody {
    name: Option<String>,
    #[serde(rename = "profilepictureurl")]
    profile_picture_url: Option<String>,
}

async fn edit_user(
    State(st): State<AppState>,
    ViewAccess(caller): ViewAccess,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    if let Err(e) = self_or_admin(&caller, &id) {
        return e.into_response();
    }
    let b: EditUserBody = match parse_body(&body) {
        Ok(b) => b,
        Err(e) => return RawError::bad(e).into_response(),
    };
    let uid = id.clone();
    let res = st
        .store
        .run(move |c| {
            if let Some(n) = b.name.filter(|n| !n.is_empty()) {
                c.execute("UPDATE users SET name = ?1 WHERE id = ?2", params![n, uid])?;
            }
            if let Some(p) = b.profile_picture_url {
                c.execute(
                    "UPDATE users SET profile_picture_url = ?1 WHERE id = ?2",
                    params![p, uid],
                )?;
            }
            Ok(())
        })
        .await;
    if let Err(e) = res {
        return RawError::internal(e).into_response();
    }
    match fetch_user(&st, id).await {
        Ok(u) => raw(user_payload(&u)),
        Err(r) => r,
    }
}

async fn set_flags(
    State(st): State<AppState>,
    ViewAccess(caller): ViewAccess,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    if let Err(e) = self_or_admin(&caller, &id) {
        return e.into_response();
    }
    let Ok(Value::Object(new)) = serde_json::from_slice::<Value>(&body) else {
        return ApiError::bad_data("flags must be a JSON object of strings").into_response();
    };
    let res = st
        .store
        .run(move |c| {
            let old: Option<String> =
                c.query_row("SELECT flags FROM users WHERE id = ?1", [&id], |r| r.get(0))?;
            let mut flags = old
                .and_then(|o| serde_json::from_str::<serde_json::Map<String, Value>>(&o).ok())
                .unwrap_or_default();
            flags.extend(new);
            c.execute(
                "UPDATE users SET flags = ?1 WHERE id = ?2",
                params![Value::Object(flags.clone()).to_string(), id],
            )?;
            Ok(Value::Object(flags))
        })
        .await;
    match res {
        Ok(flags) => envelope(Some(flags)),
        Err(e) => ApiError::internal(e).into_response(),
    }
}

async fn list_users(State(st): State<AppState>, AdminAccess(_): AdminAccess) -> Response {
    match st
        .store
        .run(|c| load_users(c).map_err(StoreError::from))
        .await
    {
        Ok(us) => raw(us.iter().map(user_payload).collect::<Vec<_>>()),
        Err(e) => RawError::internal(e).into_response(),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct OrgBody {
    name: Option<String>,
    #[serde(rename = "isanonymous")]
    is_anonymous: Option<bool>,
    #[serde(rename = "hasoptedupdates")]
    has_opted_updates: Option<bool>,
}

async fn edit_org(
    State(st): State<AppState>,
    AdminAccess(_): AdminAccess,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let b: OrgBody = match parse_body(&body) {
        Ok(b) => b,
        Err(e) => return RawError::bad(e).into_response(),
    };
    let res = st
        .store
        .run(move |c| {
            c.execute(
                "UPDATE orgs SET name = COALESCE(?1, name), is_anonymous = COALESCE(?2, is_anonymous),
                 has_opted_updates = COALESCE(?3, has_opted_updates) WHERE id = ?4",
                params![b.name, b.is_anonymous, b.has_opted_updates, id],
            )
            .map_err(StoreError::from)
        })
        .await;
    match res {
        Ok(0) => {
            RawError(axum::http::StatusCode::NOT_FOUND, "org not found".into()).into_response()
        }
        Ok(_) => raw(Message::new("org updated successfully")),
        Err(e) => RawError::internal(e).into_response(),
    }
}
