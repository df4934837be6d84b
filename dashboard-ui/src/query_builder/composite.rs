//! SigNoz v0.39's frontend query (`types/api/queryBuilder/queryBuilderData.ts`
//! `Query`): the state of the query builder, as it travels in the
//! `compositeQuery` URL parameter, in dashboard widgets (`widget.query`) and,
//! mapped to `builderQueries`, in `query_range`, saved views and alert rules.
//!
//! Every struct keeps the fields it does not know in `extra`, so a query
//! written by SigNoz (or a later version of us) survives a round trip here.

use super::vocab;
use crate::url_state::{decode_component, encode};
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

/// `BaseAutocompleteData`: an attribute key.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AttributeKey {
    #[serde(default)]
    pub key: String,
    /// "string" | "int64" | "float64" | "bool" | "array(…)" | "".
    #[serde(rename = "dataType", default, deserialize_with = "null_as_empty")]
    pub data_type: String,
    /// "tag" | "resource" | "".
    #[serde(rename = "type", default, deserialize_with = "null_as_empty")]
    pub kind: String,
    #[serde(rename = "isColumn", default)]
    pub is_column: bool,
    #[serde(rename = "isJSON", default)]
    pub is_json: bool,
    /// `id` (SigNoz: `key--dataType--type--isColumn`) and anything else.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

fn null_as_empty<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    Ok(Option::<String>::deserialize(d)?.unwrap_or_default())
}

impl AttributeKey {
    /// A key with SigNoz's `id` field filled in as its UI does.
    pub fn new(key: &str, data_type: &str, kind: &str, is_column: bool) -> AttributeKey {
        let mut k = AttributeKey {
            key: key.into(),
            data_type: data_type.into(),
            kind: kind.into(),
            is_column,
            is_json: false,
            extra: Map::new(),
        };
        k.extra.insert("id".into(), json!(k.signoz_id()));
        k
    }

    /// `createIdFromObjectFields(key, dataType, type, isColumn)` joined by `--`.
    pub fn signoz_id(&self) -> String {
        format!("{}--{}--{}--{}", self.key, self.data_type, self.kind, self.is_column)
    }

    pub fn is_empty(&self) -> bool {
        self.key.is_empty()
    }

    /// The built-in columns of spans (`isColumn` keys of the traces table).
    pub fn trace_column(name: &str) -> AttributeKey {
        let data_type = match name {
            "durationNano" => "float64",
            "hasError" => "bool",
            "statusCode" | "kind" => "int64",
            _ => "string",
        };
        AttributeKey::new(name, data_type, "tag", true)
    }
}

/// `TagFilterItem`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FilterItem {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<AttributeKey>,
    /// API form: `= != in nin like nlike contains ncontains exists nexists regex nregex > >= < <=`.
    #[serde(default)]
    pub op: String,
    #[serde(default)]
    pub value: Value,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `TagFilter`: items joined by `op` ("AND", or "OR" which our server also takes).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Filters {
    #[serde(default)]
    pub items: Vec<FilterItem>,
    #[serde(default = "and")]
    pub op: String,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

fn and() -> String {
    "AND".into()
}

impl Default for Filters {
    fn default() -> Self {
        Filters { items: Vec::new(), op: and(), extra: Map::new() }
    }
}

/// `Having`: a condition on the aggregate value.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Having {
    #[serde(rename = "columnName", default)]
    pub column_name: String,
    #[serde(default)]
    pub op: String,
    /// A number, or a list of numbers for IN / NOT_IN.
    #[serde(default)]
    pub value: Value,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `OrderByPayload`: a column (or `#SIGNOZ_VALUE`, the aggregate) and `asc`/`desc`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct OrderBy {
    #[serde(rename = "columnName", default)]
    pub column_name: String,
    #[serde(default)]
    pub order: String,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The column name SigNoz uses for "order by the aggregate value".
pub const ORDER_BY_VALUE: &str = "#SIGNOZ_VALUE";

/// `IBuilderQuery`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BuilderQuery {
    #[serde(rename = "queryName", default)]
    pub query_name: String,
    #[serde(rename = "dataSource", default)]
    pub data_source: String,
    #[serde(rename = "aggregateOperator", default)]
    pub aggregate_operator: String,
    #[serde(rename = "aggregateAttribute", default)]
    pub aggregate_attribute: AttributeKey,
    #[serde(default)]
    pub filters: Filters,
    #[serde(rename = "groupBy", default)]
    pub group_by: Vec<AttributeKey>,
    #[serde(default)]
    pub expression: String,
    #[serde(default)]
    pub disabled: bool,
    #[serde(default)]
    pub having: Vec<Having>,
    /// Top-N groups (`null` = all).
    #[serde(default)]
    pub limit: Option<u64>,
    #[serde(rename = "stepInterval", default = "default_step")]
    pub step_interval: i64,
    #[serde(rename = "orderBy", default)]
    pub order_by: Vec<OrderBy>,
    #[serde(rename = "reduceTo", default = "default_reduce")]
    pub reduce_to: String,
    #[serde(default)]
    pub legend: String,
    #[serde(rename = "pageSize", default, skip_serializing_if = "Option::is_none")]
    pub page_size: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offset: Option<u64>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

fn default_step() -> i64 {
    60
}

fn default_reduce() -> String {
    "sum".into()
}

impl BuilderQuery {
    /// SigNoz's initial query for a data source (`initialQueryBuilderFormValuesMap`).
    pub fn new(name: &str, data_source: &str) -> BuilderQuery {
        BuilderQuery {
            query_name: name.into(),
            data_source: data_source.into(),
            aggregate_operator: "count".into(),
            aggregate_attribute: AttributeKey::new("", "", "", false),
            filters: Filters::default(),
            group_by: Vec::new(),
            expression: name.into(),
            disabled: false,
            having: Vec::new(),
            limit: None,
            step_interval: 60,
            order_by: Vec::new(),
            reduce_to: "sum".into(),
            legend: String::new(),
            page_size: None,
            offset: None,
            extra: Map::new(),
        }
    }
}

impl BuilderQuery {
    /// Types the keys the user typed before autocomplete answered: every
    /// filter, group-by and aggregate key without a data type that names a
    /// suggested key takes that key's type and scope (the scope already
    /// chosen wins when the name exists as both tag and resource).
    pub fn adopt_suggestions(&mut self, suggestions: &[AttributeKey], aggregate: bool) {
        let adopt = |k: &mut AttributeKey| {
            if k.key.is_empty() || !k.data_type.is_empty() {
                return;
            }
            let mut same = suggestions.iter().filter(|s| s.key == k.key);
            let first = same.clone().next();
            if let Some(s) = same.find(|s| s.kind == k.kind).or(first) {
                *k = AttributeKey::new(&s.key, &s.data_type, &s.kind, s.is_column);
            }
        };
        if aggregate {
            adopt(&mut self.aggregate_attribute);
            return;
        }
        for it in &mut self.filters.items {
            if let Some(k) = it.key.as_mut() {
                let untyped = k.data_type.is_empty();
                adopt(k);
                // A value typed before the key's type was known: read it again as that type.
                if untyped && !k.data_type.is_empty() {
                    it.value = vocab::parse_filter_value(&vocab::filter_value_text(&it.value), &k.data_type, &it.op);
                }
            }
        }
        self.group_by.iter_mut().for_each(adopt);
    }
}

/// `IBuilderFormula`: an expression over query names, e.g. `A / B * 100`.
/// Its optional limit, having, order-by and step stay in `extra` as they came.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Formula {
    #[serde(rename = "queryName", default)]
    pub query_name: String,
    #[serde(default)]
    pub expression: String,
    #[serde(default)]
    pub disabled: bool,
    #[serde(default)]
    pub legend: String,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Formula {
    pub fn new(name: &str) -> Formula {
        Formula { query_name: name.into(), expression: String::new(), disabled: false, legend: String::new(), extra: Map::new() }
    }
}

/// `QueryBuilderData`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct BuilderData {
    #[serde(rename = "queryData", default)]
    pub query_data: Vec<BuilderQuery>,
    #[serde(rename = "queryFormulas", default)]
    pub query_formulas: Vec<Formula>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `Query`: the whole builder state (plus the PromQL and ClickHouse tabs,
/// kept as they came).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Query {
    /// "builder" | "promql" | "clickhouse_sql".
    #[serde(rename = "queryType", default = "builder")]
    pub query_type: String,
    #[serde(default)]
    pub builder: BuilderData,
    #[serde(default, skip_serializing_if = "Value::is_null")]
    pub promql: Value,
    #[serde(default, skip_serializing_if = "Value::is_null")]
    pub clickhouse_sql: Value,
    #[serde(default)]
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

fn builder() -> String {
    "builder".into()
}

/// A query id: SigNoz uses a UUID here; any unique text works, this one is
/// derived from a seed (the caller passes the clock) so pure code stays pure.
pub fn query_id(seed: u64) -> String {
    let mut x = seed ^ 0x9E37_79B9_7F4A_7C15;
    let mut next = || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    let (a, b) = (next(), next());
    format!(
        "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
        (a >> 32) as u32,
        (a >> 16) as u16,
        (a & 0xfff) as u16,
        ((b >> 48) as u16 & 0x3fff) | 0x8000,
        b & 0xffff_ffff_ffff
    )
}

impl Query {
    /// SigNoz's initial query for an explorer (`initialQueriesMap[dataSource]`).
    pub fn initial(data_source: &str, id: String) -> Query {
        let empty = |name: &str| json!([{"name": name, "query": "", "legend": "", "disabled": false}]);
        Query {
            query_type: builder(),
            builder: BuilderData {
                query_data: vec![BuilderQuery::new("A", data_source)],
                query_formulas: Vec::new(),
                extra: Map::new(),
            },
            promql: empty("A"),
            clickhouse_sql: empty("A"),
            id,
            unit: None,
            extra: Map::new(),
        }
    }

    /// Reads the value of the `compositeQuery` URL parameter (after the
    /// query string's own decoding). SigNoz stores
    /// `encodeURIComponent(JSON.stringify(query))` there, so the JSON is
    /// encoded once more; plain JSON is accepted too.
    pub fn from_url_param(param: &str) -> Result<Query, String> {
        let text = param.trim();
        let json = if text.starts_with('{') { text.to_string() } else { decode_component(text) };
        serde_json::from_str(&json).map_err(|e| format!("compositeQuery is not a query: {e}"))
    }

    /// The `compositeQuery` parameter value as SigNoz writes it (before the
    /// query string encodes it again).
    pub fn to_url_param(&self) -> String {
        encode(&serde_json::to_string(self).unwrap_or_default())
    }

    /// The `compositeQuery` of `query_range`, saved views and rules: builder
    /// queries and formulas keyed by name (`prepareQueryRangePayload`).
    pub fn composite_query(&self, panel_type: &str) -> Value {
        let mut builder_queries = Map::new();
        for q in &self.builder.query_data {
            let mut v = serde_json::to_value(q).unwrap_or_default();
            // The query-service rejects stepInterval ≤ 0 (contract §7).
            if q.step_interval <= 0 {
                v["stepInterval"] = json!(60);
            }
            builder_queries.insert(q.query_name.clone(), v);
        }
        for f in &self.builder.query_formulas {
            builder_queries.insert(f.query_name.clone(), serde_json::to_value(f).unwrap_or_default());
        }
        let mut cq = json!({"queryType": self.query_type, "panelType": panel_type, "builderQueries": builder_queries});
        if let Some(u) = &self.unit {
            cq["unit"] = json!(u);
        }
        if self.query_type == "promql" {
            cq["promQueries"] = named_map(&self.promql);
        }
        if self.query_type == "clickhouse_sql" {
            cq["chQueries"] = named_map(&self.clickhouse_sql);
        }
        cq
    }

    /// The inverse of [`Query::composite_query`] (`mapQueryDataFromApi`):
    /// formulas are the entries named `F<n>`, queries the rest, each in name order.
    pub fn from_composite_query(cq: &Value, id: String) -> Result<Query, String> {
        let mut q = Query::initial("traces", id);
        q.builder.query_data.clear();
        if let Some(t) = cq["queryType"].as_str() {
            q.query_type = t.to_string();
        }
        q.unit = cq["unit"].as_str().map(str::to_string);
        if let Some(map) = cq["builderQueries"].as_object() {
            let mut names: Vec<&String> = map.keys().collect();
            names.sort_by_key(|n| (n.len(), n.to_string()));
            for name in names {
                let v = map[name].clone();
                if is_formula_name(name) {
                    let mut f: Formula = serde_json::from_value(v).map_err(|e| format!("formula {name}: {e}"))?;
                    f.query_name = name.clone();
                    q.builder.query_formulas.push(f);
                } else {
                    let mut b: BuilderQuery = serde_json::from_value(v).map_err(|e| format!("query {name}: {e}"))?;
                    b.query_name = name.clone();
                    q.builder.query_data.push(b);
                }
            }
        }
        for (field, key) in [("promQueries", "promql"), ("chQueries", "clickhouse_sql")] {
            if let Some(map) = cq[field].as_object() {
                let list: Vec<Value> = map
                    .iter()
                    .map(|(name, v)| {
                        let mut v = v.clone();
                        v["name"] = json!(name);
                        v
                    })
                    .collect();
                if key == "promql" {
                    q.promql = Value::Array(list);
                } else {
                    q.clickhouse_sql = Value::Array(list);
                }
            }
        }
        if q.builder.query_data.is_empty() {
            q.builder.query_data.push(BuilderQuery::new("A", "traces"));
        }
        Ok(q)
    }

    /// The first query's data source (what the explorer page is about).
    pub fn data_source(&self) -> &str {
        self.builder.query_data.first().map(|q| q.data_source.as_str()).unwrap_or("traces")
    }

    /// Adds a query named after the next free letter, copying the data
    /// source of the last one (`addNewBuilderQuery`). None past Z.
    pub fn add_query(&mut self) -> Option<String> {
        let used: Vec<String> = self.builder.query_data.iter().map(|q| q.query_name.clone()).collect();
        let name = vocab::next_name(&used, vocab::query_names())?;
        let ds = self.builder.query_data.last().map(|q| q.data_source.clone()).unwrap_or_else(|| "traces".into());
        self.builder.query_data.push(BuilderQuery::new(&name, &ds));
        Some(name)
    }

    /// Adds a formula F1…F20. None past F20.
    pub fn add_formula(&mut self) -> Option<String> {
        let used: Vec<String> = self.builder.query_formulas.iter().map(|f| f.query_name.clone()).collect();
        let name = vocab::next_name(&used, vocab::formula_names())?;
        self.builder.query_formulas.push(Formula::new(&name));
        Some(name)
    }
}

fn is_formula_name(name: &str) -> bool {
    name.len() > 1 && name.starts_with('F') && name[1..].chars().all(|c| c.is_ascii_digit())
}

/// `[{name, …}]` → `{name: {…}}` for PromQL / ClickHouse queries with text.
fn named_map(list: &Value) -> Value {
    let mut m = Map::new();
    for item in list.as_array().into_iter().flatten() {
        if item["query"].as_str().is_some_and(|q| !q.is_empty()) {
            if let Some(name) = item["name"].as_str() {
                m.insert(name.to_string(), item.clone());
            }
        }
    }
    Value::Object(m)
}

/// What a list view asks for besides the filters.
#[derive(Debug, Clone, PartialEq)]
pub struct ListOptions {
    pub page_size: u64,
    pub offset: u64,
    /// `timestamp`, `durationNano`, … and `asc` / `desc`.
    pub order_by: (String, String),
    pub select_columns: Vec<AttributeKey>,
}

/// The `query_range` body an explorer view sends. Time series and table
/// views send every query and formula as built; list and trace views send
/// the first query only, as a `noop` over rows with paging, order and
/// columns (what SigNoz's explorers do).
pub fn explorer_request(q: &Query, panel_type: &str, start_ms: i64, end_ms: i64, step: i64, list: Option<&ListOptions>) -> Value {
    let cq = if matches!(panel_type, "list" | "trace") {
        let mut only = q.clone();
        only.builder.query_formulas.clear();
        only.builder.query_data.truncate(1);
        if let Some(a) = only.builder.query_data.first_mut() {
            a.aggregate_operator = "noop".into();
            a.aggregate_attribute = AttributeKey::new("", "", "", false);
            a.group_by.clear();
            a.having.clear();
            a.disabled = false;
            a.limit = None;
            if let Some(l) = list {
                a.order_by = vec![OrderBy { column_name: l.order_by.0.clone(), order: l.order_by.1.clone(), extra: Map::new() }];
                a.page_size = Some(l.page_size);
                a.offset = Some(l.offset);
            }
        }
        let mut cq = only.composite_query(panel_type);
        if let Some(l) = list {
            if let Some(a) = cq["builderQueries"].as_object_mut().and_then(|m| m.values_mut().next()) {
                a["limit"] = json!(l.page_size);
                a["selectColumns"] = serde_json::to_value(&l.select_columns).unwrap_or_default();
            }
        }
        cq
    } else {
        q.composite_query(panel_type)
    };
    json!({"start": start_ms, "end": end_ms, "step": step.max(60), "variables": {}, "compositeQuery": cq})
}

/// A dashboard widget in SigNoz's format holding this query (what "Add to
/// dashboard" writes: `query` is the frontend query itself).
pub fn widget(id: &str, title: &str, panel_type: &str, q: &Query) -> Value {
    json!({
        "id": id,
        "title": title,
        "description": "",
        "panelTypes": panel_type,
        "isStacked": false,
        "nullZeroValues": "zero",
        "opacity": "1",
        "timePreferance": "GLOBAL_TIME",
        "softMin": null,
        "softMax": null,
        "thresholds": [],
        "yAxisUnit": q.unit.clone().unwrap_or_default(),
        "query": q,
    })
}

/// Reads the `panelTypes` URL parameter (SigNoz writes `JSON.stringify(panelType)`,
/// i.e. with quotes); unknown values give `default`.
pub fn panel_type_from_param(param: Option<&str>, default: &'static str) -> &'static str {
    let p = param.unwrap_or("").trim().trim_matches('"');
    vocab::PANEL_TYPES.iter().find(|t| **t == p).copied().unwrap_or(default)
}

/// The `panelTypes` URL parameter as SigNoz writes it.
pub fn panel_type_param(panel_type: &str) -> String {
    format!("\"{panel_type}\"")
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests;
