//! The explorers' List view as SigNoz v0.39 keeps it in the URL, and the
//! log list's side queries:
//!
//! - `options`: `JSON.stringify({selectColumns, maxLines, format})` (v0.39's
//!   `useOptionsMenu`; format `raw` | `list` ("Default") | `table` ("Column")),
//!   unknown keys kept so a SigNoz link survives a round trip here;
//! - `pagination`: `JSON.stringify({offset, limit})` (v0.39's `useQueryPagination`);
//! - the log-volume histogram (`count` per step of the list's filters);
//! - a log's context: the lines before and after it from the same resource,
//!   as v0.39's `LogsExplorerContext` asks for them (`id <` / `id >` the log's
//!   id, ordered by timestamp, filtered on the log's resource attributes).

use super::composite::{explorer_request, AttributeKey, FilterItem, ListOptions, Query};
use crate::model::ListRow;
use serde_json::{json, Map, Value};

/// v0.39's per-page choices (`DEFAULT_PER_PAGE_OPTIONS`).
pub const PER_PAGE: [u64; 6] = [25, 50, 100, 200, 500, 1000];
/// Lines shown on each side of a log in its context, and how many more a click adds (v0.39).
pub const CONTEXT_LINES: u64 = 5;
pub const CONTEXT_MORE: u64 = 10;

/// The `options` URL parameter.
#[derive(Debug, Clone, PartialEq)]
pub struct ViewOptions {
    pub select_columns: Vec<AttributeKey>,
    pub max_lines: u32,
    /// `raw`, `list` or `table`.
    pub format: String,
    /// Keys this UI does not use (`fontSize`, `version`, …), written back unchanged.
    pub extra: Map<String, Value>,
}

impl ViewOptions {
    /// What v0.39 shows before anything is chosen: the traces list's five
    /// columns (`defaultTraceSelectedColumns`), no extra log columns, 2 lines, Default.
    pub fn default_for(source: &str) -> ViewOptions {
        let select_columns = if source == "traces" {
            [
                "serviceName",
                "name",
                "durationNano",
                "httpMethod",
                "responseStatusCode",
            ]
            .iter()
            .map(|c| AttributeKey::trace_column(c))
            .collect()
        } else {
            Vec::new()
        };
        ViewOptions {
            select_columns,
            max_lines: 2,
            format: "list".into(),
            extra: Map::new(),
        }
    }

    /// Reads the parameter (already percent-decoded once by the query string);
    /// absent means the defaults. Missing fields take their default.
    pub fn from_param(param: Option<&str>, source: &str) -> Result<ViewOptions, String> {
        let mut o = ViewOptions::default_for(source);
        let Some(text) = param.map(str::trim).filter(|t| !t.is_empty()) else {
            return Ok(o);
        };
        let v: Value = serde_json::from_str(text)
            .map_err(|e| format!("the options parameter is not JSON: {e}"))?;
        let Value::Object(mut m) = v else {
            return Err("the options parameter is not a JSON object".into());
        };
        match m.remove("selectColumns") {
            Some(Value::Array(a)) => {
                o.select_columns = a.iter().map(AttributeKey::from_value).collect();
                o.select_columns.retain(|k| !k.is_empty());
            }
            Some(Value::Null) | None => {}
            Some(_) => return Err("options.selectColumns is not a list".into()),
        }
        match m.remove("maxLines") {
            Some(Value::Number(n)) => {
                o.max_lines = n
                    .as_u64()
                    .filter(|n| (1..=100).contains(n))
                    .ok_or("options.maxLines must be a whole number from 1 to 100")?
                    as u32
            }
            Some(Value::Null) | None => {}
            Some(_) => return Err("options.maxLines is not a number".into()),
        }
        match m.remove("format") {
            Some(Value::String(f)) if matches!(f.as_str(), "raw" | "list" | "table") => {
                o.format = f
            }
            Some(Value::Null) | None => {}
            Some(other) => {
                return Err(format!(
                    "options.format {other} is not one of \"raw\", \"list\", \"table\""
                ))
            }
        }
        o.extra = m;
        Ok(o)
    }

    pub fn to_param(&self) -> String {
        let mut m = self.extra.clone();
        m.insert(
            "selectColumns".into(),
            Value::Array(
                self.select_columns
                    .iter()
                    .map(AttributeKey::to_value)
                    .collect(),
            ),
        );
        m.insert("maxLines".into(), json!(self.max_lines));
        m.insert("format".into(), json!(self.format));
        Value::Object(m).to_string()
    }

    /// Adds a column (once: keys compare by name and scope).
    pub fn add_column(&mut self, k: AttributeKey) {
        if !self
            .select_columns
            .iter()
            .any(|c| c.key == k.key && c.kind == k.kind)
        {
            self.select_columns.push(k);
        }
    }

    pub fn remove_column(&mut self, key: &str) {
        self.select_columns.retain(|c| c.key != key);
    }
}

/// The `pagination` URL parameter.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Pagination {
    pub offset: u64,
    pub limit: u64,
}

impl Pagination {
    /// v0.39 takes the first per-page choice; the logs list pages by 100 as v0.39's logs list does.
    pub fn default_for(source: &str) -> Pagination {
        Pagination {
            offset: 0,
            limit: if source == "logs" { 100 } else { PER_PAGE[0] },
        }
    }

    /// Invalid or absent values give the default, as v0.39 rewrites them.
    pub fn from_param(param: Option<&str>, source: &str) -> Pagination {
        let d = Pagination::default_for(source);
        let Some(v) = param.and_then(|p| serde_json::from_str::<Value>(p).ok()) else {
            return d;
        };
        let limit = v["limit"]
            .as_u64()
            .filter(|l| PER_PAGE.contains(l))
            .unwrap_or(d.limit);
        let offset = v["offset"].as_u64().unwrap_or(0);
        Pagination {
            offset: offset - offset % limit,
            limit,
        }
    }

    pub fn to_param(self) -> String {
        json!({"offset": self.offset, "limit": self.limit}).to_string()
    }

    pub fn page(self) -> u64 {
        self.offset / self.limit
    }
}

/// A log row's value for a chosen column: a top-level field (`body`,
/// `severity_text`, …), else the attribute map of the key's scope and type.
pub fn log_value(row: &ListRow, k: &AttributeKey) -> Option<Value> {
    if let Some(v) = row.data.get(&k.key).filter(|v| !v.is_object()) {
        return Some(v.clone());
    }
    let maps: &[&str] = match (k.kind.as_str(), k.data_type.as_str()) {
        ("resource", _) => &["resources_string"],
        (_, "int64") => &["attributes_int64", "attributes_int"],
        (_, "float64") => &["attributes_float64", "attributes_float"],
        (_, "bool") => &["attributes_bool"],
        ("tag", "string") => &["attributes_string"],
        _ => &[
            "attributes_string",
            "attributes_int64",
            "attributes_float64",
            "attributes_bool",
            "resources_string",
        ],
    };
    maps.iter()
        .find_map(|m| row.data.get(*m).and_then(|o| o.get(&k.key)).cloned())
}

/// The list's first query counted per step: the volume histogram above the logs list.
pub fn volume_request(q: &Query, start_ms: i64, end_ms: i64, step: i64) -> Value {
    let mut only = q.clone();
    only.builder.query_formulas.clear();
    only.builder.query_data.truncate(1);
    if let Some(a) = only.builder.query_data.first_mut() {
        a.aggregate_operator = "count".into();
        a.aggregate_attribute = AttributeKey::new("", "", "", false);
        a.group_by.clear();
        a.having.clear();
        a.order_by.clear();
        a.limit = None;
        a.disabled = false;
        a.legend = String::new();
        a.step_interval = step.max(60);
        a.page_size = None;
        a.offset = None;
        a.expression = a.query_name.clone();
    }
    explorer_request(&only, "graph", start_ms, end_ms, step, None)
}

/// Resource keys v0.39 keeps when it narrows a log's context to "the same
/// resource" (`useInitialQuery`): names starting with k8s / cloud / host /
/// deployment or containing env / service / file / container / tenant.
fn context_key(key: &str) -> bool {
    ["k8s", "cloud", "host", "deployment"]
        .iter()
        .any(|p| key.starts_with(p))
        || ["env", "service", "file", "container", "tenant"]
            .iter()
            .any(|p| key.contains(p))
}

/// `resource = value` filters for a log's context, in key order.
pub fn context_filters(row: &ListRow) -> Vec<FilterItem> {
    let Some(Value::Object(res)) = row.data.get("resources_string") else {
        return Vec::new();
    };
    res.iter()
        .filter(|(k, _)| context_key(k))
        .enumerate()
        .map(|(i, (k, v))| FilterItem {
            id: format!("ctx-{i}"),
            key: Some(AttributeKey::new(k, "string", "resource", false)),
            op: "=".into(),
            value: Value::String(crate::model::value_text(v)),
            extra: Map::new(),
        })
        .collect()
}

/// The `query_range` body for `n` lines before (`before`: newest first,
/// `id <` the log's) or after (oldest first, `id >`) a log, from its resource.
pub fn context_request(
    row: &ListRow,
    before: bool,
    n: u64,
    start_ms: i64,
    end_ms: i64,
    query_id: String,
) -> Value {
    let mut q = Query::initial("logs", query_id);
    if let Some(a) = q.builder.query_data.first_mut() {
        let mut items = vec![FilterItem {
            id: "ctx-id".into(),
            key: Some(AttributeKey::new("id", "string", "", true)),
            op: if before { "<" } else { ">" }.into(),
            value: Value::String(row.text("id")),
            extra: Map::new(),
        }];
        items.extend(context_filters(row));
        a.filters.items = items;
    }
    let list = ListOptions {
        page_size: n,
        offset: 0,
        order_by: (
            "timestamp".into(),
            if before { "desc" } else { "asc" }.into(),
        ),
        select_columns: Vec::new(),
    };
    explorer_request(&q, "list", start_ms, end_ms, 60, Some(&list))
}

/// The traces explorer's facets (v0.39's `/trace` filter panel): label, key.
pub fn trace_facets() -> Vec<(&'static str, AttributeKey)> {
    vec![
        ("Status", AttributeKey::trace_column("hasError")),
        ("Service", AttributeKey::trace_column("serviceName")),
        ("Operation", AttributeKey::trace_column("name")),
        ("HTTP method", AttributeKey::trace_column("httpMethod")),
        (
            "HTTP route",
            AttributeKey::new("http.route", "string", "tag", false),
        ),
        (
            "HTTP status",
            AttributeKey::trace_column("responseStatusCode"),
        ),
        (
            "RPC method",
            AttributeKey::new("rpc.method", "string", "tag", false),
        ),
    ]
}

/// Span counts per value of `key` under the first query's other filters
/// (a facet does not narrow its own counts), most frequent first.
pub fn facet_request(q: &Query, key: &AttributeKey, start_ms: i64, end_ms: i64) -> Value {
    let mut only = q.clone();
    only.builder.query_formulas.clear();
    only.builder.query_data.truncate(1);
    if let Some(a) = only.builder.query_data.first_mut() {
        a.aggregate_operator = "count".into();
        a.aggregate_attribute = AttributeKey::new("", "", "", false);
        a.filters
            .items
            .retain(|it| it.key.as_ref().map(|k| &k.key) != Some(&key.key));
        a.group_by = vec![key.clone()];
        a.having.clear();
        a.order_by = vec![super::composite::OrderBy {
            column_name: "#SIGNOZ_VALUE".into(),
            order: "desc".into(),
            extra: Map::new(),
        }];
        a.limit = Some(20);
        a.disabled = false;
        a.legend = String::new();
        a.page_size = None;
        a.offset = None;
        a.expression = a.query_name.clone();
    }
    let step = crate::url_state::step_seconds(start_ms, end_ms);
    explorer_request(&only, "table", start_ms, end_ms, step, None)
}

/// `(value, count)` of a facet reply, in reply order.
pub fn facet_counts(data: &crate::model::QueryRangeData, key: &str) -> Vec<(String, f64)> {
    data.result
        .first()
        .map(|r| {
            r.series()
                .iter()
                .map(|s| {
                    let v = s.labels.get(key).cloned().unwrap_or_default();
                    let n = s.values.last().map(|p| p.value).unwrap_or(0.0);
                    (v, n)
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The values the first query's `=` / `IN` filters on `key` select, as text.
pub fn facet_selected(q: &Query, key: &str) -> Vec<String> {
    let Some(a) = q.builder.query_data.first() else {
        return Vec::new();
    };
    a.filters
        .items
        .iter()
        .filter(|it| it.key.as_ref().is_some_and(|k| k.key == key))
        .filter(|it| matches!(it.op.to_ascii_lowercase().as_str(), "=" | "in"))
        .flat_map(|it| match &it.value {
            Value::Array(vs) => vs.iter().map(crate::model::value_text).collect(),
            v => vec![crate::model::value_text(v)],
        })
        .collect()
}

/// Replaces the first query's filters on `key` with `= value` (one value),
/// `IN [values]` (several) or nothing; values are typed by the key.
pub fn set_facet(q: &mut Query, key: &AttributeKey, values: &[String]) {
    let Some(a) = q.builder.query_data.first_mut() else {
        return;
    };
    a.filters
        .items
        .retain(|it| it.key.as_ref().map(|k| &k.key) != Some(&key.key));
    let typed = |v: &String| match key.data_type.as_str() {
        "bool" => Value::Bool(v == "true"),
        "int64" | "float64" => v
            .parse::<f64>()
            .ok()
            .and_then(|n| serde_json::Number::from_f64(n).map(Value::Number))
            .unwrap_or_else(|| Value::String(v.clone())),
        _ => Value::String(v.clone()),
    };
    let (op, value) = match values {
        [] => return,
        [one] => ("=", typed(one)),
        many => ("in", Value::Array(many.iter().map(typed).collect())),
    };
    a.filters.items.push(FilterItem {
        id: format!("facet-{}", key.key),
        key: Some(key.clone()),
        op: op.into(),
        value,
        extra: Map::new(),
    });
}

/// Replaces the first query's `op` filter on `key` (`>=` / `<=` bounds) with `value`, or removes it.
pub fn set_bound(q: &mut Query, key: &AttributeKey, op: &str, value: Option<f64>) {
    let Some(a) = q.builder.query_data.first_mut() else {
        return;
    };
    a.filters
        .items
        .retain(|it| !(it.key.as_ref().map(|k| &k.key) == Some(&key.key) && it.op == op));
    if let Some(v) = value {
        a.filters.items.push(FilterItem {
            id: format!(
                "facet-{}-{}",
                key.key,
                if op == ">=" { "min" } else { "max" }
            ),
            key: Some(key.clone()),
            op: op.into(),
            value: json!(v),
            extra: Map::new(),
        });
    }
}

/// The first query's `op` bound on `key`, if any.
pub fn bound(q: &Query, key: &str, op: &str) -> Option<f64> {
    q.builder
        .query_data
        .first()?
        .filters
        .items
        .iter()
        .find_map(|it| {
            (it.key.as_ref().is_some_and(|k| k.key == key) && it.op == op)
                .then(|| {
                    it.value
                        .as_f64()
                        .or_else(|| it.value.as_str()?.parse().ok())
                })
                .flatten()
        })
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    #[test]
    fn options_round_trip_a_signoz_link_losslessly() {
        // As v0.39 writes it (BaseAutocompleteData with `id`), plus a key we do not use.
        let p = r#"{"selectColumns":[{"key":"http.route","dataType":"string","type":"tag","isColumn":false,"isJSON":false,"id":"http.route--string--tag--false"}],"maxLines":4,"format":"table","fontSize":"small"}"#;
        let o = ViewOptions::from_param(Some(p), "logs").unwrap();
        assert_eq!(o.format, "table");
        assert_eq!(o.max_lines, 4);
        assert_eq!(o.select_columns[0].key, "http.route");
        assert_eq!(o.extra["fontSize"], "small");
        let back: Value = serde_json::from_str(&o.to_param()).unwrap();
        assert_eq!(back, serde_json::from_str::<Value>(p).unwrap());
        assert_eq!(ViewOptions::from_param(Some(&o.to_param()), "logs"), Ok(o));
    }

    #[test]
    fn options_defaults_and_errors() {
        let d = ViewOptions::from_param(None, "logs").unwrap();
        assert_eq!((d.format.as_str(), d.max_lines), ("list", 2));
        assert!(d.select_columns.is_empty());
        let t = ViewOptions::from_param(Some("{}"), "traces").unwrap();
        let keys: Vec<_> = t.select_columns.iter().map(|k| k.key.as_str()).collect();
        assert_eq!(
            keys,
            [
                "serviceName",
                "name",
                "durationNano",
                "httpMethod",
                "responseStatusCode"
            ]
        );
        assert!(ViewOptions::from_param(Some("{"), "logs")
            .unwrap_err()
            .contains("not JSON"));
        assert!(
            ViewOptions::from_param(Some(r#"{"format":"grid"}"#), "logs")
                .unwrap_err()
                .contains("\"grid\"")
        );
        assert!(ViewOptions::from_param(Some(r#"{"maxLines":0}"#), "logs").is_err());
        let mut o = d.clone();
        o.add_column(AttributeKey::new("a", "string", "tag", false));
        o.add_column(AttributeKey::new("a", "string", "tag", false));
        assert_eq!(o.select_columns.len(), 1);
        o.remove_column("a");
        assert!(o.select_columns.is_empty());
    }

    #[test]
    fn pagination_param() {
        let p = Pagination::from_param(Some(r#"{"offset":100,"limit":50}"#), "traces");
        assert_eq!((p.offset, p.limit, p.page()), (100, 50, 2));
        assert_eq!(Pagination::from_param(Some(&p.to_param()), "traces"), p);
        // A limit v0.39 does not offer falls back to the default, as v0.39 rewrites it.
        let d = Pagination::from_param(Some(r#"{"offset":7,"limit":3}"#), "traces");
        assert_eq!((d.offset, d.limit), (0, 25));
        assert_eq!(Pagination::from_param(None, "logs").limit, 100);
    }

    fn log() -> ListRow {
        serde_json::from_value(json!({"timestamp": "2024-02-14T10:00:00Z", "data": {
            "id": "0001707904800000000000abc", "body": "hello", "severity_text": "INFO",
            "attributes_string": {"http.route": "/cart"},
            "attributes_int64": {"http.status_code": 200},
            "resources_string": {"service.name": "shop-api", "deployment.environment": "local",
                                 "telemetry.sdk.name": "opentelemetry", "host.name": "h1"}
        }}))
        .unwrap()
    }

    #[test]
    fn log_values_for_chosen_columns() {
        let r = log();
        let get = |k, t, s| log_value(&r, &AttributeKey::new(k, t, s, false));
        assert_eq!(get("http.route", "string", "tag"), Some(json!("/cart")));
        assert_eq!(get("http.status_code", "int64", "tag"), Some(json!(200)));
        assert_eq!(get("http.status_code", "", ""), Some(json!(200)));
        assert_eq!(get("host.name", "string", "resource"), Some(json!("h1")));
        assert_eq!(get("severity_text", "string", ""), Some(json!("INFO")));
        assert_eq!(get("missing", "string", "tag"), None);
    }

    #[test]
    fn context_queries_follow_v0_39() {
        let r = log();
        let before = context_request(&r, true, 5, 1, 2, "q".into());
        let a = &before["compositeQuery"]["builderQueries"]["A"];
        assert_eq!(before["compositeQuery"]["panelType"], "list");
        assert_eq!(a["dataSource"], "logs");
        assert_eq!(a["aggregateOperator"], "noop");
        assert_eq!(
            a["orderBy"][0],
            json!({"columnName": "timestamp", "order": "desc"})
        );
        assert_eq!(a["pageSize"], 5);
        let items = a["filters"]["items"].as_array().unwrap();
        assert_eq!(items[0]["key"]["key"], "id");
        assert_eq!(items[0]["key"]["isColumn"], true);
        assert_eq!(items[0]["op"], "<");
        assert_eq!(items[0]["value"], "0001707904800000000000abc");
        let keys: Vec<_> = items[1..]
            .iter()
            .map(|i| {
                (
                    i["key"]["key"].as_str().unwrap(),
                    i["key"]["type"].as_str().unwrap(),
                )
            })
            .collect();
        // telemetry.sdk.name is not a "same resource" key in v0.39.
        assert_eq!(
            keys,
            [
                ("deployment.environment", "resource"),
                ("host.name", "resource"),
                ("service.name", "resource")
            ]
        );
        let after = context_request(&r, false, 15, 1, 2, "q".into());
        let a = &after["compositeQuery"]["builderQueries"]["A"];
        assert_eq!(a["orderBy"][0]["order"], "asc");
        assert_eq!(a["filters"]["items"][0]["op"], ">");
        assert_eq!(a["pageSize"], 15);
    }

    #[test]
    fn volume_counts_the_first_query_per_step() {
        let mut q = Query::initial("logs", "q".into());
        q.builder.query_data[0].aggregate_operator = "p99".into();
        q.builder.query_data[0].group_by = vec![AttributeKey::new("x", "string", "tag", false)];
        q.builder.query_data[0].filters.items.push(FilterItem {
            id: "f".into(),
            key: Some(AttributeKey::new("severity_text", "string", "", true)),
            op: "=".into(),
            value: json!("ERROR"),
            extra: Map::new(),
        });
        let mut b = q.builder.query_data[0].clone();
        b.query_name = "B".into();
        q.builder.query_data.push(b);
        let v = volume_request(&q, 0, 3_600_000, 60);
        let cq = &v["compositeQuery"];
        assert_eq!(cq["panelType"], "graph");
        let qs = cq["builderQueries"].as_object().unwrap();
        assert_eq!(qs.len(), 1);
        assert_eq!(qs["A"]["aggregateOperator"], "count");
        assert_eq!(qs["A"]["groupBy"], json!([]));
        assert_eq!(qs["A"]["stepInterval"], 60);
        assert_eq!(qs["A"]["filters"]["items"][0]["value"], "ERROR");
        assert_eq!(v["step"], 60);
    }

    #[test]
    fn facets_edit_the_builder_and_count_without_their_own_filter() {
        let mut q = Query::initial("traces", "q".into());
        let svc = AttributeKey::trace_column("serviceName");
        set_facet(&mut q, &svc, &["a".into()]);
        assert_eq!(facet_selected(&q, "serviceName"), ["a"]);
        set_facet(&mut q, &svc, &["a".into(), "b".into()]);
        let it = &q.builder.query_data[0].filters.items;
        assert_eq!(it.len(), 1);
        assert_eq!(
            (it[0].op.as_str(), &it[0].value),
            ("in", &json!(["a", "b"]))
        );
        assert_eq!(facet_selected(&q, "serviceName"), ["a", "b"]);
        let err = AttributeKey::trace_column("hasError");
        set_facet(&mut q, &err, &["true".into()]);
        assert_eq!(q.builder.query_data[0].filters.items[1].value, json!(true));
        let dur = AttributeKey::trace_column("durationNano");
        set_bound(&mut q, &dur, ">=", Some(5e6));
        set_bound(&mut q, &dur, "<=", Some(9e6));
        assert_eq!(bound(&q, "durationNano", ">="), Some(5e6));
        set_bound(&mut q, &dur, ">=", None);
        assert_eq!(bound(&q, "durationNano", ">="), None);
        assert_eq!(bound(&q, "durationNano", "<="), Some(9e6));
        // The service facet's counts keep the other filters but not its own.
        let body = facet_request(&q, &svc, 0, 3_600_000);
        let a = &body["compositeQuery"]["builderQueries"]["A"];
        assert_eq!(body["compositeQuery"]["panelType"], "table");
        assert_eq!(a["aggregateOperator"], "count");
        assert_eq!(a["groupBy"][0]["key"], "serviceName");
        let keys: Vec<_> = a["filters"]["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["key"]["key"].as_str().unwrap().to_string())
            .collect();
        assert_eq!(keys, ["hasError", "durationNano"]);
        set_facet(&mut q, &svc, &[]);
        assert!(facet_selected(&q, "serviceName").is_empty());
        let data: crate::model::QueryRangeData =
            serde_json::from_value(json!({"resultType": "", "result": [
            {"queryName": "A", "series": [
                {"labels": {"serviceName": "a"}, "values": [{"timestamp": 1, "value": "7"}]},
                {"labels": {"serviceName": "b"}, "values": [{"timestamp": 1, "value": "2"}]}]}]}))
            .unwrap();
        assert_eq!(
            facet_counts(&data, "serviceName"),
            [("a".to_string(), 7.0), ("b".to_string(), 2.0)]
        );
    }
}
