//! Builds `POST /api/v3/query_range` bodies (contract §4.5, §6.3, §6.4).
//! Pure: same inputs, same JSON.

pub mod composite;
pub mod explore_link;
pub mod heatmap;
pub mod list_view;
pub mod results;
pub mod service_metrics;
pub mod vocab;

use crate::url_state::{LogFilters, TraceFilters};
use serde_json::{json, Map, Value};

/// An `AttributeKey`.
pub fn key(name: &str, data_type: &str, kind: &str, is_column: bool) -> Value {
    json!({"key": name, "dataType": data_type, "type": kind, "isColumn": is_column, "isJSON": false})
}

/// A trace column (serviceName, name, durationNano, hasError, …).
pub fn trace_column(name: &str) -> Value {
    let data_type = match name {
        "durationNano" => "float64",
        "hasError" => "bool",
        _ => "string",
    };
    key(name, data_type, "tag", true)
}

pub fn filter(k: Value, op: &str, value: Value) -> Value {
    json!({"key": k, "op": op, "value": value})
}

/// Filter items for the trace explorer's filters.
pub fn trace_filter_items(f: &TraceFilters) -> Vec<Value> {
    let mut items = Vec::new();
    if !f.service.is_empty() {
        items.push(filter(trace_column("serviceName"), "=", json!(f.service)));
    }
    if !f.operation.is_empty() {
        items.push(filter(trace_column("name"), "=", json!(f.operation)));
    }
    match f.status.as_str() {
        "error" => items.push(filter(trace_column("hasError"), "=", json!(true))),
        "ok" => items.push(filter(trace_column("hasError"), "=", json!(false))),
        _ => {}
    }
    if let Some(min) = f.min_ms {
        items.push(filter(
            trace_column("durationNano"),
            ">=",
            json!((min * 1e6).round() as i64),
        ));
    }
    if let Some(max) = f.max_ms {
        items.push(filter(
            trace_column("durationNano"),
            "<=",
            json!((max * 1e6).round() as i64),
        ));
    }
    for (k, v) in &f.attrs {
        items.push(filter(key(k, "string", "tag", false), "=", json!(v)));
    }
    items
}

/// A full `BuilderQuery` with every field the v0.39 frontend sends.
#[allow(clippy::too_many_arguments)]
pub fn builder_query(
    name: &str,
    data_source: &str,
    aggregate_operator: &str,
    aggregate_attribute: Value,
    filters: Vec<Value>,
    group_by: Vec<Value>,
    step: i64,
    legend: &str,
) -> Map<String, Value> {
    let mut q = Map::new();
    q.insert("queryName".into(), json!(name));
    q.insert("expression".into(), json!(name));
    q.insert("dataSource".into(), json!(data_source));
    q.insert("aggregateOperator".into(), json!(aggregate_operator));
    q.insert("aggregateAttribute".into(), aggregate_attribute);
    q.insert("filters".into(), json!({"op": "AND", "items": filters}));
    q.insert("groupBy".into(), json!(group_by));
    q.insert("having".into(), json!([]));
    q.insert("orderBy".into(), json!([]));
    // stepInterval must be > 0 (contract §7).
    q.insert("stepInterval".into(), json!(step.max(60)));
    q.insert("limit".into(), Value::Null);
    q.insert("disabled".into(), json!(false));
    q.insert("reduceTo".into(), json!("sum"));
    q.insert("legend".into(), json!(legend));
    q
}

/// The request envelope around named builder queries.
pub fn query_range(
    start_ms: i64,
    end_ms: i64,
    step: i64,
    panel_type: &str,
    queries: Vec<Map<String, Value>>,
) -> Value {
    let builder: Map<String, Value> = queries
        .into_iter()
        .map(|q| {
            (
                q["queryName"].as_str().unwrap_or("A").to_string(),
                Value::Object(q),
            )
        })
        .collect();
    json!({
        "start": start_ms,
        "end": end_ms,
        "step": step.max(60),
        "variables": {},
        "compositeQuery": {"queryType": "builder", "panelType": panel_type, "builderQueries": builder}
    })
}

fn empty_key() -> Value {
    key("", "", "", false)
}

/// Span list (`panelType:"list"`) or one row per trace (`"trace"`), paged.
pub fn traces_explorer(f: &TraceFilters, start_ms: i64, end_ms: i64, page_size: u32) -> Value {
    let mut q = builder_query(
        "A",
        "traces",
        "noop",
        empty_key(),
        trace_filter_items(f),
        vec![],
        60,
        "",
    );
    let offset = f.page * page_size;
    q.insert(
        "orderBy".into(),
        json!([{"columnName": "timestamp", "order": "desc"}]),
    );
    if f.view_traces {
        q.insert(
            "orderBy".into(),
            json!([{"columnName": "durationNano", "order": "desc"}]),
        );
    }
    q.insert(
        "selectColumns".into(),
        json!([
            trace_column("serviceName"),
            trace_column("name"),
            trace_column("durationNano"),
            trace_column("hasError")
        ]),
    );
    q.insert("limit".into(), json!(page_size));
    q.insert("offset".into(), json!(offset));
    q.insert("pageSize".into(), json!(page_size));
    let panel = if f.view_traces { "trace" } else { "list" };
    query_range(start_ms, end_ms, 60, panel, vec![q])
}

/// The service page charts: p50/p90/p99 latency (A, B, C), all calls (D)
/// and error calls (E) per step; rate and error % are derived client-side
/// from D and E so any query-service that does counts can serve them.
/// `resource`: the resource filter as traces items ([`resource_trace_items`]).
pub fn service_overview(
    service: &str,
    top_level_ops: &[String],
    resource: &[Value],
    start_ms: i64,
    end_ms: i64,
    step: i64,
) -> Value {
    let mut base = vec![filter(trace_column("serviceName"), "=", json!(service))];
    if !top_level_ops.is_empty() {
        base.push(filter(trace_column("name"), "in", json!(top_level_ops)));
    }
    base.extend(resource.iter().cloned());
    let dur = trace_column("durationNano");
    let mut errors = base.clone();
    errors.push(filter(trace_column("hasError"), "=", json!(true)));
    let queries = vec![
        builder_query(
            "A",
            "traces",
            "p50",
            dur.clone(),
            base.clone(),
            vec![],
            step,
            "p50",
        ),
        builder_query(
            "B",
            "traces",
            "p90",
            dur.clone(),
            base.clone(),
            vec![],
            step,
            "p90",
        ),
        builder_query("C", "traces", "p99", dur, base.clone(), vec![], step, "p99"),
        builder_query(
            "D",
            "traces",
            "count",
            empty_key(),
            base,
            vec![],
            step,
            "calls",
        ),
        builder_query(
            "E",
            "traces",
            "count",
            empty_key(),
            errors,
            vec![],
            step,
            "errors",
        ),
    ];
    query_range(start_ms, end_ms, step, "graph", queries)
}

/// The resource filter as traces filter items on resource attributes
/// (`resourceAttributesToTagFilterItems(queries, true)`).
pub fn resource_trace_items(attrs: &[crate::resource_filter::ResourceAttr]) -> Vec<Value> {
    attrs
        .iter()
        .map(|a| {
            let op = if a.operator.eq_ignore_ascii_case("Not IN") {
                "nin"
            } else {
                "in"
            };
            filter(
                key(
                    &crate::resource_filter::metric_key_to_trace(&a.tag_key),
                    "string",
                    "resource",
                    false,
                ),
                op,
                json!(a.tag_value),
            )
        })
        .collect()
}

/// Logs list, newest first, paged.
pub fn logs_list(f: &LogFilters, start_ms: i64, end_ms: i64, page_size: u32) -> Value {
    let mut items = Vec::new();
    if !f.service.is_empty() {
        items.push(filter(
            key("service.name", "string", "resource", false),
            "=",
            json!(f.service),
        ));
    }
    if !f.severity.is_empty() {
        items.push(filter(
            key("severity_text", "string", "", true),
            "=",
            json!(f.severity),
        ));
    }
    if !f.body.is_empty() {
        items.push(filter(
            key("body", "string", "", true),
            "contains",
            json!(f.body),
        ));
    }
    if !f.trace_id.is_empty() {
        items.push(filter(
            key("trace_id", "string", "", true),
            "=",
            json!(f.trace_id),
        ));
    }
    for (k, v) in &f.attrs {
        items.push(filter(key(k, "string", "tag", false), "=", json!(v)));
    }
    let mut q = builder_query("A", "logs", "noop", empty_key(), items, vec![], 60, "");
    q.insert(
        "orderBy".into(),
        json!([{"columnName": "timestamp", "order": "desc"}]),
    );
    q.insert("limit".into(), json!(page_size));
    q.insert("offset".into(), json!(f.page * page_size));
    q.insert("pageSize".into(), json!(page_size));
    query_range(start_ms, end_ms, 60, "list", vec![q])
}

/// The simple panel query builder of the dashboards page.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct PanelQuery {
    /// "traces" or "logs".
    pub data_source: String,
    /// count, avg, p50, p90, p99, max, …
    pub aggregate: String,
    /// Attribute to aggregate (e.g. durationNano); ignored for count.
    pub attribute: String,
    /// Optional `serviceName =` filter.
    pub service: String,
    /// Optional group-by attribute (e.g. serviceName).
    pub group_by: String,
}

impl Default for PanelQuery {
    fn default() -> Self {
        PanelQuery {
            data_source: "traces".into(),
            aggregate: "count".into(),
            attribute: "durationNano".into(),
            service: String::new(),
            group_by: String::new(),
        }
    }
}

/// Key of a trace/log attribute name as the builder expects it.
fn attr_key(data_source: &str, name: &str) -> Value {
    if data_source == "traces"
        && matches!(name, "serviceName" | "name" | "durationNano" | "hasError")
    {
        trace_column(name)
    } else if name == "service.name" {
        key(name, "string", "resource", false)
    } else {
        key(
            name,
            if name.ends_with("Nano") {
                "float64"
            } else {
                "string"
            },
            "tag",
            false,
        )
    }
}

/// A panel's query as a `query_range` body for graph/bar/value panels.
pub fn panel_query(
    p: &PanelQuery,
    panel_type: &str,
    start_ms: i64,
    end_ms: i64,
    step: i64,
) -> Value {
    let mut items = Vec::new();
    if !p.service.is_empty() {
        let k = if p.data_source == "traces" {
            trace_column("serviceName")
        } else {
            attr_key("logs", "service.name")
        };
        items.push(filter(k, "=", json!(p.service)));
    }
    let agg_attr = if p.aggregate == "count" {
        empty_key()
    } else {
        attr_key(&p.data_source, &p.attribute)
    };
    let group_by = if p.group_by.is_empty() {
        vec![]
    } else {
        vec![attr_key(&p.data_source, &p.group_by)]
    };
    let q = builder_query(
        "A",
        &p.data_source,
        &p.aggregate,
        agg_attr,
        items,
        group_by,
        step,
        "",
    );
    // "value" panels ask for one number over the window; graph/bar share series.
    let wire_panel = if panel_type == "value" {
        "value"
    } else {
        "graph"
    };
    query_range(start_ms, end_ms, step, wire_panel, vec![q])
}

/// A threshold rule (`PostableRule`) on a traces builder query.
pub fn threshold_rule(
    name: &str,
    p: &PanelQuery,
    op: &str,
    target: f64,
    severity: &str,
    disabled: bool,
) -> Value {
    let q = panel_query(p, "graph", 0, 0, 60);
    json!({
        "alert": name,
        "alertType": if p.data_source == "logs" { "LOGS_BASED_ALERT" } else { "TRACES_BASED_ALERT" },
        "ruleType": "threshold_rule",
        "evalWindow": "5m0s",
        "frequency": "1m0s",
        "condition": {
            "compositeQuery": q["compositeQuery"].clone(),
            "op": op,
            "target": target,
            "matchType": "1",
            "targetUnit": "",
            "selectedQueryName": "A"
        },
        "labels": {"severity": severity},
        "annotations": {"summary": name, "description": format!("{name} crossed {target}")},
        "disabled": disabled,
        "source": "dashboard-ui",
        "preferredChannels": []
    })
}

/// Recovers the simple query of a rule built by [`threshold_rule`] (or one
/// close enough); unknown shapes give the default query.
pub fn panel_query_from_composite(composite: &Value) -> PanelQuery {
    let q = &composite["builderQueries"]["A"];
    let mut p = PanelQuery::default();
    if let Some(ds) = q["dataSource"].as_str() {
        p.data_source = ds.to_string();
    }
    if let Some(op) = q["aggregateOperator"].as_str() {
        p.aggregate = op.to_string();
    }
    if let Some(a) = q["aggregateAttribute"]["key"]
        .as_str()
        .filter(|a| !a.is_empty())
    {
        p.attribute = a.to_string();
    }
    if let Some(items) = q["filters"]["items"].as_array() {
        for it in items {
            if matches!(
                it["key"]["key"].as_str(),
                Some("serviceName" | "service.name")
            ) {
                p.service = crate::model::value_text(&it["value"]);
            }
        }
    }
    if let Some(g) = q["groupBy"][0]["key"].as_str() {
        p.group_by = g.to_string();
    }
    p
}

/// Browser (RUM) queries, named; tables give one row per group:
/// page loads by route (p75 and count of `documentLoad`), slowest resources
/// (p75 of `resourceFetch` by URL), interactions with the most errors (all
/// over traces), web vitals and browser errors (over the SDK's log records,
/// names from the RUM contract), sessions and route changes (traces).
pub fn rum_queries(start_ms: i64, end_ms: i64) -> Vec<(&'static str, Value)> {
    let step = ((end_ms - start_ms) / 1000).max(60);
    let dur = trace_column("durationNano");
    let by = |k: &str| vec![key(k, "string", "tag", false)];
    let name_is = |n: &str| filter(trace_column("name"), "=", json!(n));
    let has_event = filter(
        key("event_type", "string", "tag", false),
        "exists",
        json!(""),
    );
    let errors = filter(trace_column("hasError"), "=", json!(true));
    let by_name = vec![trace_column("name")];
    let table = |qs: Vec<Map<String, Value>>| query_range(start_ms, end_ms, step, "table", qs);
    vec![
        (
            "pageLoads",
            table(vec![
                builder_query(
                    "A",
                    "traces",
                    "p75",
                    dur.clone(),
                    vec![name_is("documentLoad")],
                    by("url.full"),
                    step,
                    "p75",
                ),
                builder_query(
                    "B",
                    "traces",
                    "count",
                    empty_key(),
                    vec![name_is("documentLoad")],
                    by("url.full"),
                    step,
                    "count",
                ),
            ]),
        ),
        (
            "resources",
            table(vec![builder_query(
                "A",
                "traces",
                "p75",
                dur,
                vec![name_is("resourceFetch")],
                by("url.full"),
                step,
                "p75",
            )]),
        ),
        (
            "interactions",
            table(vec![
                builder_query(
                    "A",
                    "traces",
                    "count",
                    empty_key(),
                    vec![has_event.clone(), errors],
                    by_name.clone(),
                    step,
                    "errors",
                ),
                builder_query(
                    "B",
                    "traces",
                    "count",
                    empty_key(),
                    vec![has_event],
                    by_name,
                    step,
                    "count",
                ),
            ]),
        ),
        ("vitals", rum_vitals(start_ms, end_ms, step)),
        ("errorCounts", rum_error_counts(start_ms, end_ms, step)),
        ("recentErrors", rum_recent_errors(start_ms, end_ms)),
        ("sessions", rum_sessions(start_ms, end_ms, step)),
    ]
}

/// `event.name = <name>` on log records (the RUM contract's event marker).
fn log_event_is(name: &str) -> Value {
    filter(key("event.name", "string", "tag", false), "=", json!(name))
}

/// Web vitals from the SDK's `browser.web_vital` log records: p75 of
/// `web_vital.value` per vital (A) and per vital and route (C), record
/// counts per vital and rating (B) and per vital, rating and route (D).
fn rum_vitals(start_ms: i64, end_ms: i64, step: i64) -> Value {
    let tag = |k: &str| key(k, "string", "tag", false);
    let value = key("web_vital.value", "float64", "tag", false);
    let is_vital = || vec![log_event_is("browser.web_vital")];
    let (name, rating, route) = (
        tag("web_vital.name"),
        tag("web_vital.rating"),
        tag("page.route"),
    );
    let queries = vec![
        builder_query(
            "A",
            "logs",
            "p75",
            value.clone(),
            is_vital(),
            vec![name.clone()],
            step,
            "p75",
        ),
        builder_query(
            "B",
            "logs",
            "count",
            empty_key(),
            is_vital(),
            vec![name.clone(), rating.clone()],
            step,
            "count",
        ),
        builder_query(
            "C",
            "logs",
            "p75",
            value,
            is_vital(),
            vec![route.clone(), name.clone()],
            step,
            "p75",
        ),
        builder_query(
            "D",
            "logs",
            "count",
            empty_key(),
            is_vital(),
            vec![route, name, rating],
            step,
            "count",
        ),
    ];
    query_range(start_ms, end_ms, step, "table", queries)
}

/// `browser.error` log records counted per `exception.message`.
fn rum_error_counts(start_ms: i64, end_ms: i64, step: i64) -> Value {
    let by = vec![key("exception.message", "string", "tag", false)];
    let q = builder_query(
        "A",
        "logs",
        "count",
        empty_key(),
        vec![log_event_is("browser.error")],
        by,
        step,
        "count",
    );
    query_range(start_ms, end_ms, step, "table", vec![q])
}

/// The newest `browser.error` log records (last seen and trace link per message).
fn rum_recent_errors(start_ms: i64, end_ms: i64) -> Value {
    let mut q = builder_query(
        "A",
        "logs",
        "noop",
        empty_key(),
        vec![log_event_is("browser.error")],
        vec![],
        60,
        "",
    );
    q.insert(
        "orderBy".into(),
        json!([{"columnName": "timestamp", "order": "desc"}]),
    );
    q.insert("limit".into(), json!(200));
    q.insert("offset".into(), json!(0));
    q.insert("pageSize".into(), json!(200));
    query_range(start_ms, end_ms, 60, "list", vec![q])
}

/// Distinct `session.id` over spans (A) and `routeChange` spans per `page.route` (B). The
/// SDK sends the session once per batch as a resource attribute, so it is a `resource` key
/// (v0.39 reads those from `resourceTagsMap`).
fn rum_sessions(start_ms: i64, end_ms: i64, step: i64) -> Value {
    let session = key("session.id", "string", "resource", false);
    let has_session = filter(session.clone(), "exists", json!(""));
    let route_change = filter(trace_column("name"), "=", json!("routeChange"));
    let queries = vec![
        builder_query(
            "A",
            "traces",
            "count_distinct",
            session,
            vec![has_session],
            vec![],
            step,
            "sessions",
        ),
        builder_query(
            "B",
            "traces",
            "count",
            empty_key(),
            vec![route_change],
            vec![key("page.route", "string", "tag", false)],
            step,
            "count",
        ),
    ];
    query_range(start_ms, end_ms, step, "table", queries)
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests;
