//! Alerting, channels, team and settings endpoints. Rules and channels travel
//! as `serde_json::Value`, so whatever they carry is sent back untouched.

use super::{envelope_opt, raw, ApiResult};
use crate::url_state::encode;
use gloo_net::http::Method;
use serde_json::{json, Value};

async fn env(method: Method, path: &str, body: Option<&Value>) -> ApiResult<Value> {
    envelope_opt::<Value>(method, path, body)
        .await
        .map(Option::unwrap_or_default)
}

/// Raw JSON of any shape (`null` when the body is empty).
async fn any(method: Method, path: &str, body: Option<&Value>) -> ApiResult<Value> {
    let bytes = super::call(method, path, body).await?;
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(Value::Null);
    }
    serde_json::from_slice(&bytes).or_else(|_| Ok(json!(String::from_utf8_lossy(&bytes))))
}

/// Every rule as stored (`GettableRule` JSON).
pub async fn rules_json() -> ApiResult<Vec<Value>> {
    let d = env(Method::GET, "/v1/rules", None).await?;
    Ok(d["rules"].as_array().cloned().unwrap_or_default())
}

pub async fn rule_json(id: &str) -> ApiResult<Value> {
    env(Method::GET, &format!("/v1/rules/{}", encode(id)), None).await
}

/// Creates a rule; the reply is the stored rule (with its `id`).
pub async fn create_rule_json(rule: &Value) -> ApiResult<Value> {
    env(Method::POST, "/v1/rules", Some(rule)).await
}

pub async fn update_rule_json(id: &str, rule: &Value) -> ApiResult<()> {
    env(
        Method::PUT,
        &format!("/v1/rules/{}", encode(id)),
        Some(rule),
    )
    .await
    .map(|_| ())
}

/// `POST /api/v1/testRule`: `{alertCount, message}`.
pub async fn test_rule(rule: &Value) -> ApiResult<Value> {
    env(Method::POST, "/v1/testRule", Some(rule)).await
}

/// State changes of a rule, newest first (beyond v0.39): `[{state, unixMilli, value, labels}]`.
pub async fn rule_history(id: &str, start_ms: i64, end_ms: i64) -> ApiResult<Value> {
    env(
        Method::GET,
        &format!(
            "/v1/rules/{}/history?start={start_ms}&end={end_ms}&limit=50",
            encode(id)
        ),
        None,
    )
    .await
}

/// Mute windows (beyond v0.39): `{id, name, startsAt, endsAt, ruleIds, matchers, active}`.
pub async fn mute_windows() -> ApiResult<Vec<Value>> {
    let d = env(Method::GET, "/v1/mutes", None).await?;
    Ok(d.as_array().cloned().unwrap_or_default())
}

pub async fn create_mute_window(w: &Value) -> ApiResult<()> {
    env(Method::POST, "/v1/mutes", Some(w)).await.map(|_| ())
}

pub async fn delete_mute_window(id: &str) -> ApiResult<()> {
    env(Method::DELETE, &format!("/v1/mutes/{}", encode(id)), None)
        .await
        .map(|_| ())
}

pub async fn channels_json() -> ApiResult<Vec<Value>> {
    Ok(env(Method::GET, "/v1/channels", None)
        .await?
        .as_array()
        .cloned()
        .unwrap_or_default())
}

pub async fn channel_json(id: &str) -> ApiResult<Value> {
    env(Method::GET, &format!("/v1/channels/{}", encode(id)), None).await
}

pub async fn create_channel(receiver: &Value) -> ApiResult<()> {
    env(Method::POST, "/v1/channels", Some(receiver))
        .await
        .map(|_| ())
}

pub async fn update_channel(id: &str, receiver: &Value) -> ApiResult<()> {
    env(
        Method::PUT,
        &format!("/v1/channels/{}", encode(id)),
        Some(receiver),
    )
    .await
    .map(|_| ())
}

pub async fn delete_channel(id: &str) -> ApiResult<()> {
    env(
        Method::DELETE,
        &format!("/v1/channels/{}", encode(id)),
        None,
    )
    .await
    .map(|_| ())
}

pub async fn test_channel(receiver: &Value) -> ApiResult<()> {
    env(Method::POST, "/v1/testChannel", Some(receiver))
        .await
        .map(|_| ())
}

// Team (raw JSON, as v0.39's user routes answer).

pub async fn user(id: &str) -> ApiResult<crate::model::UserPayload> {
    raw(Method::GET, &format!("/v1/user/{}", encode(id)), None).await
}

pub async fn edit_user(id: &str, name: &str) -> ApiResult<()> {
    any(
        Method::PUT,
        &format!("/v1/user/{}", encode(id)),
        Some(&json!({"name": name})),
    )
    .await
    .map(|_| ())
}

pub async fn delete_user(id: &str) -> ApiResult<()> {
    any(Method::DELETE, &format!("/v1/user/{}", encode(id)), None)
        .await
        .map(|_| ())
}

pub async fn org_users(org_id: &str) -> ApiResult<Vec<Value>> {
    Ok(any(
        Method::GET,
        &format!("/v1/orgUsers/{}", encode(org_id)),
        None,
    )
    .await?
    .as_array()
    .cloned()
    .unwrap_or_default())
}

pub async fn set_role(user_id: &str, role: &str) -> ApiResult<()> {
    any(
        Method::PUT,
        &format!("/v1/rbac/role/{}", encode(user_id)),
        Some(&json!({"group_name": role})),
    )
    .await
    .map(|_| ())
}

pub async fn org(org_id: &str) -> ApiResult<Value> {
    any(Method::GET, &format!("/v1/org/{}", encode(org_id)), None).await
}

pub async fn rename_org(org_id: &str, org: &Value, name: &str) -> ApiResult<()> {
    let body = json!({"name": name, "isAnonymous": org["isAnonymous"].as_bool().unwrap_or(false),
        "hasOptedUpdates": org["hasOptedUpdates"].as_bool().unwrap_or(true)});
    any(
        Method::PUT,
        &format!("/v1/org/{}", encode(org_id)),
        Some(&body),
    )
    .await
    .map(|_| ())
}

pub async fn invites() -> ApiResult<Vec<Value>> {
    Ok(any(Method::GET, "/v1/invite", None)
        .await?
        .as_array()
        .cloned()
        .unwrap_or_default())
}

/// Sends an invite; the reply carries `inviteToken`.
pub async fn invite(name: &str, email: &str, role: &str, base_url: &str) -> ApiResult<Value> {
    let body = json!({"name": name, "email": email, "role": role, "frontendBaseUrl": base_url});
    any(Method::POST, "/v1/invite", Some(&body)).await
}

pub async fn revoke_invite(email: &str) -> ApiResult<()> {
    any(
        Method::DELETE,
        &format!("/v1/invite/{}", encode(email)),
        None,
    )
    .await
    .map(|_| ())
}

/// `GET /api/v1/invite/{token}`: `{email, name, role, organization, …}`.
pub async fn invite_details(token: &str) -> ApiResult<Value> {
    any(Method::GET, &format!("/v1/invite/{}", encode(token)), None).await
}

pub async fn register_invited(
    name: &str,
    email: &str,
    password: &str,
    token: &str,
) -> ApiResult<()> {
    let body = json!({"name": name, "email": email, "password": password, "token": token});
    env(Method::POST, "/v1/register", Some(&body))
        .await
        .map(|_| ())
}

pub async fn change_password(user_id: &str, old: &str, new: &str) -> ApiResult<()> {
    any(
        Method::POST,
        &format!("/v1/changePassword/{}", encode(user_id)),
        Some(&json!({"oldPassword": old, "newPassword": new})),
    )
    .await
    .map(|_| ())
}

/// `GET /api/v1/getResetPasswordToken/{id}`: `{token, …}`.
pub async fn reset_password_token(user_id: &str) -> ApiResult<Value> {
    any(
        Method::GET,
        &format!("/v1/getResetPasswordToken/{}", encode(user_id)),
        None,
    )
    .await
}

pub async fn reset_password(token: &str, password: &str) -> ApiResult<()> {
    any(
        Method::POST,
        "/v1/resetPassword",
        Some(&json!({"token": token, "password": password})),
    )
    .await
    .map(|_| ())
}

// Settings.

/// `GET /api/v1/settings/ttl?type=traces|metrics|logs`.
pub async fn ttl(kind: &str) -> ApiResult<Value> {
    any(
        Method::GET,
        &format!("/v1/settings/ttl?type={}", encode(kind)),
        None,
    )
    .await
}

pub async fn set_ttl(kind: &str, hours: u64) -> ApiResult<Value> {
    any(
        Method::POST,
        &format!("/v1/settings/ttl?type={}&duration={hours}h", encode(kind)),
        None,
    )
    .await
}

pub async fn usage(start_ms: i64, end_ms: i64, service: &str, step_s: i64) -> ApiResult<Value> {
    let mut path = format!(
        "/v1/usage?start={}&end={}&step={step_s}",
        start_ms as i128 * 1_000_000,
        end_ms as i128 * 1_000_000
    );
    if !service.is_empty() {
        path.push_str(&format!("&service={}", encode(service)));
    }
    any(Method::GET, &path, None).await
}

// Exceptions.

fn ns(ms: i64) -> String {
    format!("{}", ms as i128 * 1_000_000)
}

pub async fn count_errors(start_ms: i64, end_ms: i64, service: &str, kind: &str) -> ApiResult<u64> {
    let body = json!({"start": ns(start_ms), "end": ns(end_ms),
        "serviceName": service, "exceptionType": kind, "tags": []});
    let v = any(Method::POST, "/v1/countErrors", Some(&body)).await?;
    Ok(v.as_u64().unwrap_or(0))
}

/// `listErrors` with SigNoz's sort (`orderParam` a column, `order` ascending|descending) and filters.
pub async fn list_errors_by(body: &Value) -> ApiResult<Vec<crate::model::ErrorGroup>> {
    raw::<Option<Vec<crate::model::ErrorGroup>>>(Method::POST, "/v1/listErrors", Some(body))
        .await
        .map(Option::unwrap_or_default)
}

pub async fn next_prev_errors(group: &str, error_id: &str, ts: &str) -> ApiResult<Value> {
    any(
        Method::GET,
        &format!(
            "/v1/nextPrevErrorIDs?groupID={}&errorID={}&timestamp={}",
            encode(group),
            encode(error_id),
            encode(ts)
        ),
        None,
    )
    .await
}

pub async fn error_by_id(
    error_id: &str,
    group: &str,
    ts: &str,
) -> ApiResult<crate::model::ErrorDetail> {
    raw(
        Method::GET,
        &format!(
            "/v1/errorFromErrorID?errorID={}&groupID={}&timestamp={}",
            encode(error_id),
            encode(group),
            encode(ts)
        ),
        None,
    )
    .await
}
