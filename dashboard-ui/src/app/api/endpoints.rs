//! One function per endpoint the dashboard uses, typed as the contract says.

use super::{envelope, envelope_opt, raw, ApiResult};
use crate::model::*;
use crate::query_builder::composite::AttributeKey;
use gloo_net::http::Method;
use serde_json::{json, Value};
use signoz_api::autocomplete::{AttributeKeys, AttributeValues};

/// v1 trace/service APIs take epoch-nanosecond strings.
fn ns(ms: i64) -> String {
    format!("{}", ms as i128 * 1_000_000)
}

pub async fn version() -> ApiResult<Version> {
    raw(Method::GET, "/v1/version", None).await
}

pub async fn register(name: &str, org: &str, email: &str, password: &str) -> ApiResult<()> {
    let body = json!({"name": name, "orgName": org, "email": email, "password": password});
    envelope_opt::<Value>(Method::POST, "/v1/register", Some(&body))
        .await
        .map(|_| ())
}

pub async fn login(email: &str, password: &str) -> ApiResult<LoginResponse> {
    let body = json!({"email": email, "password": password});
    let login: LoginResponse = raw(Method::POST, "/v1/login", Some(&body)).await?;
    super::session::store(&login);
    Ok(login)
}

/// Revokes the session's tokens on our server. SigNoz v0.39 has no such route: its 404 is
/// ignored, and logging out there only forgets the tokens, as SigNoz's own UI does.
pub async fn logout() {
    let _ = envelope_opt::<Value>(Method::POST, "/v1/logout", None).await;
}

/// `tags`: the resource filter (`crate::resource_filter::tags`), `[]` for none.
pub async fn services(start_ms: i64, end_ms: i64, tags: &Value) -> ApiResult<Vec<ServiceItem>> {
    let body = json!({"start": ns(start_ms), "end": ns(end_ms), "tags": tags});
    raw::<Option<Vec<ServiceItem>>>(Method::POST, "/v1/services", Some(&body))
        .await
        .map(Option::unwrap_or_default)
}

pub async fn top_level_operations() -> ApiResult<signoz_api::services::TopLevelOperations> {
    raw::<Option<_>>(Method::POST, "/v1/service/top_level_operations", None)
        .await
        .map(Option::unwrap_or_default)
}

pub async fn top_operations(
    service: &str,
    start_ms: i64,
    end_ms: i64,
    tags: &Value,
) -> ApiResult<Vec<TopOperation>> {
    let body = json!({"start": ns(start_ms), "end": ns(end_ms), "service": service, "tags": tags});
    raw::<Option<Vec<TopOperation>>>(Method::POST, "/v1/service/top_operations", Some(&body))
        .await
        .map(Option::unwrap_or_default)
}

pub async fn dependency_graph(
    start_ms: i64,
    end_ms: i64,
    tags: &Value,
) -> ApiResult<Vec<DependencyEdge>> {
    let body = json!({"start": ns(start_ms), "end": ns(end_ms), "tags": tags});
    raw::<Option<Vec<DependencyEdge>>>(Method::POST, "/v1/dependency_graph", Some(&body))
        .await
        .map(Option::unwrap_or_default)
}

/// A trace's reply, taking boot.js's early request when it made one; else our
/// server's compact reply (`/v1/traces/{id}/compact`, read as it arrives)
/// when it has that route, else SigNoz v0.39's `[SearchSpansResult]`.
pub async fn trace_body(trace_id: &str) -> ApiResult<super::TraceBody> {
    let path = format!("/v1/traces/{}", crate::url_state::encode(trace_id));
    if let Some(body) = super::take_prefetched_trace(trace_id).await {
        return Ok(body);
    }
    // Real SigNoz answers 404 (or not our format): one extra round trip, then the v0.39 route.
    let compact = format!("{path}/compact");
    if let Some(body) = super::open_trace_stream(&compact, crate::trace::COMPACT_FORMAT).await {
        return Ok(body);
    }
    Ok(super::TraceBody::Whole(
        super::call(Method::GET, &path, None).await?,
    ))
}

/// A trace's spans, whole (see [`trace_body`]); parsed straight into spans
/// (no string per row field).
pub async fn trace_spans(trace_id: &str) -> ApiResult<Vec<crate::trace::Span>> {
    let path = format!("/v1/traces/{}", crate::url_state::encode(trace_id));
    let bad = |e: String| super::ApiError::decode(&path, e);
    match trace_body(trace_id).await? {
        super::TraceBody::Whole(bytes) => crate::trace::parse_trace(&bytes).map_err(bad),
        super::TraceBody::Stream(reader) => {
            let mut stream = crate::trace::CompactStream::new();
            let mut spans = Vec::new();
            while let Some(bytes) = super::read_chunk(&reader).await? {
                stream.push(&bytes, &[], &mut spans).map_err(bad)?;
            }
            stream.finish().map_err(bad)?;
            Ok(spans)
        }
    }
}

/// `GET /api/v1/settings/apdex?services=<svc>`: the service's threshold (s);
/// the query-service answers SigNoz's default (0.5) when none is saved.
pub async fn apdex_threshold(service: &str) -> ApiResult<f64> {
    let path = format!(
        "/v1/settings/apdex?services={}",
        crate::url_state::encode(service)
    );
    let list: Option<Vec<Value>> = raw(Method::GET, &path, None).await?;
    Ok(list
        .unwrap_or_default()
        .iter()
        .find(|s| s["serviceName"] == service)
        .and_then(|s| s["threshold"].as_f64())
        .unwrap_or(0.5))
}

/// `POST /api/v1/settings/apdex` with the body v0.39's settings dialog sends.
pub async fn set_apdex_threshold(service: &str, threshold: f64) -> ApiResult<()> {
    let body = json!({"servicename": service, "threshold": threshold, "excludeStatusCode": ""});
    raw::<Value>(Method::POST, "/v1/settings/apdex", Some(&body))
        .await
        .map(|_| ())
}

/// `GET /api/v1/metric_meta`: `(delta, le bounds)` of a latency histogram
/// for one service (`le` is `null` when it has none).
pub async fn metric_meta(metric: &str, service: &str) -> ApiResult<(bool, Vec<f64>)> {
    let path = format!(
        "/v1/metric_meta?metricName={}&serviceName={}",
        crate::url_state::encode(metric),
        crate::url_state::encode(service)
    );
    let v: Value = raw(Method::GET, &path, None).await?;
    let le = v["le"]
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_f64).collect())
        .unwrap_or_default();
    Ok((v["delta"].as_bool().unwrap_or(false), le))
}

pub async fn query_range(body: &Value) -> ApiResult<QueryRangeData> {
    envelope(Method::POST, "/v3/query_range", Some(body)).await
}

pub async fn error_from_group(group_id: &str, timestamp_ns: &str) -> ApiResult<ErrorDetail> {
    let path = format!(
        "/v1/errorFromGroupID?groupID={}&timestamp={}",
        crate::url_state::encode(group_id),
        crate::url_state::encode(timestamp_ns)
    );
    raw(Method::GET, &path, None).await
}

pub async fn dashboards() -> ApiResult<Vec<Dashboard>> {
    envelope_opt::<Vec<Dashboard>>(Method::GET, "/v1/dashboards", None)
        .await
        .map(Option::unwrap_or_default)
}

pub async fn dashboard(uuid: &str) -> ApiResult<Dashboard> {
    envelope(
        Method::GET,
        &format!("/v1/dashboards/{}", crate::url_state::encode(uuid)),
        None,
    )
    .await
}

pub async fn update_dashboard(uuid: &str, data: &DashboardData) -> ApiResult<()> {
    let body = serde_json::to_value(data).unwrap_or_default();
    envelope_opt::<Value>(
        Method::PUT,
        &format!("/v1/dashboards/{}", crate::url_state::encode(uuid)),
        Some(&body),
    )
    .await
    .map(|_| ())
}

pub async fn delete_dashboard(uuid: &str) -> ApiResult<()> {
    envelope_opt::<Value>(
        Method::DELETE,
        &format!("/v1/dashboards/{}", crate::url_state::encode(uuid)),
        None,
    )
    .await
    .map(|_| ())
}

pub async fn set_rule_disabled(id: &str, disabled: bool) -> ApiResult<()> {
    let body = json!({ "disabled": disabled });
    envelope_opt::<Value>(
        Method::PATCH,
        &format!("/v1/rules/{}", crate::url_state::encode(id)),
        Some(&body),
    )
    .await
    .map(|_| ())
}

pub async fn delete_rule(id: &str) -> ApiResult<()> {
    envelope_opt::<Value>(
        Method::DELETE,
        &format!("/v1/rules/{}", crate::url_state::encode(id)),
        None,
    )
    .await
    .map(|_| ())
}

pub async fn triggered_alerts() -> ApiResult<Vec<TriggeredAlert>> {
    let data = envelope_opt::<Value>(Method::GET, "/v1/alerts", None)
        .await?
        .unwrap_or(Value::Null);
    parse_triggered_alerts(&data).map_err(|message| super::ApiError { status: 0, message })
}

/// `GET /api/v3/autocomplete/aggregate_attributes` (`attributeKeys`, may be null).
pub async fn aggregate_attributes(
    data_source: &str,
    operator: &str,
    search: &str,
) -> ApiResult<Vec<AttributeKey>> {
    let path = format!(
        "/v3/autocomplete/aggregate_attributes?aggregateOperator={}&searchText={}&dataSource={}",
        enc(operator),
        enc(search),
        enc(data_source)
    );
    attribute_key_list(&path).await
}

/// `GET /api/v3/autocomplete/attribute_keys`; `tag_type` "" for both tag and resource keys.
pub async fn attribute_keys(
    data_source: &str,
    operator: &str,
    aggregate: &str,
    search: &str,
) -> ApiResult<Vec<AttributeKey>> {
    let path = format!(
        "/v3/autocomplete/attribute_keys?aggregateOperator={}&searchText={}&dataSource={}&aggregateAttribute={}&tagType=",
        enc(operator),
        enc(search),
        enc(data_source),
        enc(aggregate)
    );
    attribute_key_list(&path).await
}

async fn attribute_key_list(path: &str) -> ApiResult<Vec<AttributeKey>> {
    let v: Option<AttributeKeys> = envelope_opt(Method::GET, path, None).await?;
    let keys = v.unwrap_or_default().attribute_keys;
    Ok(keys.iter().map(AttributeKey::from_wire).collect())
}

/// `GET /api/v3/autocomplete/attribute_values`: the values as text, whichever list they came in.
pub async fn attribute_values(
    data_source: &str,
    operator: &str,
    aggregate: &str,
    key: &AttributeKey,
    search: &str,
) -> ApiResult<Vec<String>> {
    let path = format!(
        "/v3/autocomplete/attribute_values?aggregateOperator={}&dataSource={}&aggregateAttribute={}&attributeKey={}&searchText={}&filterAttributeKeyDataType={}&tagType={}",
        enc(operator),
        enc(data_source),
        enc(aggregate),
        enc(&key.key),
        enc(search),
        enc(&key.data_type),
        enc(&key.kind)
    );
    let v: Option<AttributeValues> = envelope_opt(Method::GET, &path, None).await?;
    let v = v.unwrap_or_default();
    // Numbers as their JSON text (`200.0`), as the filter box has always shown them.
    let numbers = v.number_attribute_values.into_iter().map(Value::from);
    let bools = v.bool_attribute_values.into_iter().map(|b| b.to_string());
    let mut out = v.string_attribute_values;
    out.extend(numbers.map(|n| value_text(&n)));
    out.extend(bools);
    Ok(out)
}

/// `GET /api/v1/explorer/views?sourcePage=traces|logs`.
pub async fn saved_views(source_page: &str) -> ApiResult<Vec<SavedView>> {
    let v: Option<Value> = envelope_opt(
        Method::GET,
        &format!("/v1/explorer/views?sourcePage={}", enc(source_page)),
        None,
    )
    .await?;
    let list = v
        .as_ref()
        .and_then(Value::as_array)
        .map(|a| a.iter().map(SavedView::from_value).collect());
    Ok(list.unwrap_or_default())
}

/// `POST /api/v1/explorer/views`; returns the new view's uuid.
pub async fn create_saved_view(
    name: &str,
    source_page: &str,
    composite_query: &Value,
    extra_data: &str,
) -> ApiResult<String> {
    let body = json!({"name": name, "sourcePage": source_page, "compositeQuery": composite_query, "extraData": extra_data});
    envelope_opt::<Value>(Method::POST, "/v1/explorer/views", Some(&body))
        .await
        .map(|v| v.map(|v| value_text(&v)).unwrap_or_default())
}

/// `PUT /api/v1/explorer/views/{uuid}` (rename or new query), keeping the view's other fields.
pub async fn update_saved_view(view: &SavedView) -> ApiResult<()> {
    // The view as it was read, with the edited fields: SigNoz's update sets `category` and
    // `tags` from the body, so sending only the edited fields would clear them there.
    let mut body = match &view.raw {
        Value::Object(m) => Value::Object(m.clone()),
        _ => json!({}),
    };
    body["name"] = json!(view.name);
    body["compositeQuery"] = view.composite_query.clone();
    body["extraData"] = json!(view.extra_data);
    body["sourcePage"] = json!(view.source_page);
    envelope_opt::<Value>(
        Method::PUT,
        &format!("/v1/explorer/views/{}", enc(&view.uuid)),
        Some(&body),
    )
    .await
    .map(|_| ())
}

pub async fn delete_saved_view(uuid: &str) -> ApiResult<()> {
    envelope_opt::<Value>(
        Method::DELETE,
        &format!("/v1/explorer/views/{}", enc(uuid)),
        None,
    )
    .await
    .map(|_| ())
}

fn enc(s: &str) -> String {
    crate::url_state::encode(s)
}

/// `GET /api/v2/metrics/autocomplete/tagKey?metricName=signoz_calls_total&match=` (resource filter keys).
pub async fn resource_tag_keys(search: &str) -> ApiResult<Vec<String>> {
    let path = format!(
        "/v2/metrics/autocomplete/tagKey?metricName=signoz_calls_total&match={}",
        enc(search)
    );
    envelope_opt::<Vec<String>>(Method::GET, &path, None)
        .await
        .map(Option::unwrap_or_default)
}

/// `GET /api/v2/metrics/autocomplete/tagValue?metricName=signoz_calls_total&tagKey=`.
pub async fn resource_tag_values(key: &str) -> ApiResult<Vec<String>> {
    let path = format!(
        "/v2/metrics/autocomplete/tagValue?metricName=signoz_calls_total&tagKey={}",
        enc(key)
    );
    envelope_opt::<Vec<String>>(Method::GET, &path, None)
        .await
        .map(Option::unwrap_or_default)
}

fn dashboard_path(uuid: &str) -> String {
    format!("/v1/dashboards/{}", crate::url_state::encode(uuid))
}

/// Every dashboard with `data` exactly as stored.
pub async fn dashboards_json() -> ApiResult<Vec<DashboardJson>> {
    envelope_opt::<Vec<DashboardJson>>(Method::GET, "/v1/dashboards", None)
        .await
        .map(Option::unwrap_or_default)
}

pub async fn dashboard_json(uuid: &str) -> ApiResult<DashboardJson> {
    envelope(Method::GET, &dashboard_path(uuid), None).await
}

pub async fn create_dashboard_json(data: &Value) -> ApiResult<DashboardJson> {
    envelope(Method::POST, "/v1/dashboards", Some(data)).await
}

pub async fn update_dashboard_json(uuid: &str, data: &Value) -> ApiResult<()> {
    envelope_opt::<Value>(Method::PUT, &dashboard_path(uuid), Some(data))
        .await
        .map(|_| ())
}

/// `PUT /api/v1/dashboards/{uuid}/lock` or `/unlock`.
pub async fn lock_dashboard(uuid: &str, lock: bool) -> ApiResult<()> {
    let path = format!(
        "{}/{}",
        dashboard_path(uuid),
        if lock { "lock" } else { "unlock" }
    );
    envelope_opt::<Value>(Method::PUT, &path, None)
        .await
        .map(|_| ())
}

/// A QUERY variable's values (`POST /api/v2/variables/query`), as text.
pub async fn variable_values(query: &str, variables: &Value) -> ApiResult<Vec<String>> {
    let body = json!({"query": query, "variables": variables});
    let v: Option<Value> = envelope_opt(Method::POST, "/v2/variables/query", Some(&body)).await?;
    Ok(v.as_ref()
        .and_then(|v| v["variableValues"].as_array())
        .map(|a| a.iter().map(crate::model::value_text).collect())
        .unwrap_or_default())
}

/// `GET /api/v1/logs/fields`: `{selected, interesting}`, each a list of
/// `{name, dataType, type}` (kept as JSON so the POST echoes every key back).
pub async fn log_fields() -> ApiResult<(Vec<Value>, Vec<Value>)> {
    let v: Value = raw(Method::GET, "/v1/logs/fields", None).await?;
    let list = |k: &str| v[k].as_array().cloned().unwrap_or_default();
    Ok((list("selected"), list("interesting")))
}

/// `POST /api/v1/logs/fields` (editors): promotes (`selected: true`) or demotes a field.
pub async fn set_log_field(field: &Value, selected: bool) -> ApiResult<()> {
    let mut body = field.clone();
    body["selected"] = Value::Bool(selected);
    raw::<Value>(Method::POST, "/v1/logs/fields", Some(&body))
        .await
        .map(|_| ())
}

/// `GET /api/v1/logs?limit=1`: how many logs the newest page holds (0 or 1).
pub async fn latest_log_count() -> ApiResult<usize> {
    let v: Value = raw(Method::GET, "/v1/logs?limit=1", None).await?;
    Ok(v["results"].as_array().map_or(0, Vec::len))
}
