//! SigNoz v0.39's frontend query (`types/api/queryBuilder/queryBuilderData.ts`
//! `Query`): the state of the query builder, as it travels in the
//! `compositeQuery` URL parameter, in dashboard widgets (`widget.query`) and,
//! mapped to `builderQueries`, in `query_range`, saved views and alert rules.
//!
//! Every struct keeps the fields it does not know in `extra`, so a query
//! written by SigNoz (or a later version of us) survives a round trip here.

use super::vocab;
use crate::url_state::{decode_component, encode};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{json, Map, Value};

// Conversions are written against `serde_json::Value` by hand rather than
// derived: derived (de)serializers with `#[serde(flatten)]` cost ~100 KB of
// wasm for these nine types, `Value` is in the binary anyway.

type Obj = Map<String, Value>;

fn object(v: &Value) -> Obj {
    v.as_object().cloned().unwrap_or_default()
}

/// Removes `k` when it is a string (or null) and returns it; other types stay in `m`.
fn take_string(m: &mut Obj, k: &str) -> Option<String> {
    match m.get(k) {
        Some(Value::String(_)) => m.remove(k).and_then(|v| v.as_str().map(str::to_string)),
        Some(Value::Null) => {
            m.remove(k);
            None
        }
        _ => None,
    }
}

fn take_bool(m: &mut Obj, k: &str) -> bool {
    match m.get(k) {
        Some(Value::Bool(b)) => {
            let b = *b;
            m.remove(k);
            b
        }
        Some(Value::Null) => {
            m.remove(k);
            false
        }
        _ => false,
    }
}

/// `Some(n)` for a non-negative integer, `None` (removed) for null; other values stay in `m`.
fn take_u64(m: &mut Obj, k: &str) -> Option<u64> {
    match m.get(k) {
        Some(Value::Number(n)) if n.as_u64().is_some() => m.remove(k).and_then(|v| v.as_u64()),
        Some(Value::Null) => {
            m.remove(k);
            None
        }
        _ => None,
    }
}

fn take_list<T>(m: &mut Obj, k: &str, f: impl Fn(&Value) -> T) -> Vec<T> {
    match m.get(k) {
        Some(Value::Array(a)) => {
            let out = a.iter().map(f).collect();
            m.remove(k);
            out
        }
        Some(Value::Null) => {
            m.remove(k);
            Vec::new()
        }
        _ => Vec::new(),
    }
}

fn put(m: &mut Obj, k: &str, v: impl Into<Value>) {
    m.insert(k.to_string(), v.into());
}

/// `BaseAutocompleteData`: an attribute key.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AttributeKey {
    pub key: String,
    /// "string" | "int64" | "float64" | "bool" | "array(…)" | "".
    pub data_type: String,
    /// "tag" | "resource" | "".
    pub kind: String,
    pub is_column: bool,
    pub is_json: bool,
    /// `id` (SigNoz: `key--dataType--type--isColumn`) and anything else.
    pub extra: Map<String, Value>,
}

impl AttributeKey {
    pub fn from_value(v: &Value) -> AttributeKey {
        let mut m = object(v);
        AttributeKey {
            key: take_string(&mut m, "key").unwrap_or_default(),
            data_type: take_string(&mut m, "dataType").unwrap_or_default(),
            kind: take_string(&mut m, "type").unwrap_or_default(),
            is_column: take_bool(&mut m, "isColumn"),
            is_json: take_bool(&mut m, "isJSON"),
            extra: m,
        }
    }

    pub fn to_value(&self) -> Value {
        let mut m = self.extra.clone();
        put(&mut m, "key", self.key.as_str());
        put(&mut m, "dataType", self.data_type.as_str());
        put(&mut m, "type", self.kind.as_str());
        put(&mut m, "isColumn", self.is_column);
        put(&mut m, "isJSON", self.is_json);
        Value::Object(m)
    }

    /// A key from an autocomplete reply (no other fields there to keep).
    pub fn from_wire(k: &signoz_api::query_range::AttributeKey) -> AttributeKey {
        AttributeKey {
            key: k.key.clone(),
            data_type: k.data_type.clone(),
            kind: k.kind.clone(),
            is_column: k.is_column,
            is_json: k.is_json,
            extra: Map::new(),
        }
    }

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
        format!(
            "{}--{}--{}--{}",
            self.key, self.data_type, self.kind, self.is_column
        )
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
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FilterItem {
    pub id: String,
    pub key: Option<AttributeKey>,
    /// API form: `= != in nin like nlike contains ncontains exists nexists regex nregex > >= < <=`.
    pub op: String,
    pub value: Value,
    pub extra: Map<String, Value>,
}

/// `TagFilter`: items joined by `op` ("AND", or "OR" which our server also takes).
#[derive(Debug, Clone, PartialEq)]
pub struct Filters {
    pub items: Vec<FilterItem>,
    pub op: String,
    pub extra: Map<String, Value>,
}

fn and() -> String {
    "AND".into()
}

impl FilterItem {
    pub fn from_value(v: &Value) -> FilterItem {
        let mut m = object(v);
        let key = match m.remove("key") {
            Some(k @ Value::Object(_)) => Some(AttributeKey::from_value(&k)),
            _ => None,
        };
        FilterItem {
            id: take_string(&mut m, "id").unwrap_or_default(),
            key,
            op: take_string(&mut m, "op").unwrap_or_default(),
            value: m.remove("value").unwrap_or(Value::Null),
            extra: m,
        }
    }

    pub fn to_value(&self) -> Value {
        let mut m = self.extra.clone();
        if !self.id.is_empty() {
            put(&mut m, "id", self.id.as_str());
        }
        if let Some(k) = &self.key {
            put(&mut m, "key", k.to_value());
        }
        put(&mut m, "op", self.op.as_str());
        put(&mut m, "value", self.value.clone());
        Value::Object(m)
    }
}

impl Filters {
    pub fn from_value(v: &Value) -> Filters {
        let mut m = object(v);
        Filters {
            items: take_list(&mut m, "items", FilterItem::from_value),
            op: take_string(&mut m, "op").unwrap_or_else(and),
            extra: m,
        }
    }

    pub fn to_value(&self) -> Value {
        let mut m = self.extra.clone();
        put(
            &mut m,
            "items",
            Value::Array(self.items.iter().map(FilterItem::to_value).collect()),
        );
        put(&mut m, "op", self.op.as_str());
        Value::Object(m)
    }
}

impl Having {
    pub fn from_value(v: &Value) -> Having {
        let mut m = object(v);
        Having {
            column_name: take_string(&mut m, "columnName").unwrap_or_default(),
            op: take_string(&mut m, "op").unwrap_or_default(),
            value: m.remove("value").unwrap_or(Value::Null),
            extra: m,
        }
    }

    pub fn to_value(&self) -> Value {
        let mut m = self.extra.clone();
        put(&mut m, "columnName", self.column_name.as_str());
        put(&mut m, "op", self.op.as_str());
        put(&mut m, "value", self.value.clone());
        Value::Object(m)
    }
}

impl OrderBy {
    pub fn from_value(v: &Value) -> OrderBy {
        let mut m = object(v);
        OrderBy {
            column_name: take_string(&mut m, "columnName").unwrap_or_default(),
            order: take_string(&mut m, "order").unwrap_or_default(),
            extra: m,
        }
    }

    pub fn to_value(&self) -> Value {
        let mut m = self.extra.clone();
        put(&mut m, "columnName", self.column_name.as_str());
        put(&mut m, "order", self.order.as_str());
        Value::Object(m)
    }
}

impl Default for Filters {
    fn default() -> Self {
        Filters {
            items: Vec::new(),
            op: and(),
            extra: Map::new(),
        }
    }
}

/// `Having`: a condition on the aggregate value.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Having {
    pub column_name: String,
    pub op: String,
    /// A number, or a list of numbers for IN / NOT_IN.
    pub value: Value,
    pub extra: Map<String, Value>,
}

/// `OrderByPayload`: a column (or `#SIGNOZ_VALUE`, the aggregate) and `asc`/`desc`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OrderBy {
    pub column_name: String,
    pub order: String,
    pub extra: Map<String, Value>,
}

/// The column name SigNoz uses for "order by the aggregate value".
pub const ORDER_BY_VALUE: &str = "#SIGNOZ_VALUE";

/// `IBuilderQuery`.
#[derive(Debug, Clone, PartialEq)]
pub struct BuilderQuery {
    pub query_name: String,
    pub data_source: String,
    pub aggregate_operator: String,
    pub aggregate_attribute: AttributeKey,
    pub filters: Filters,
    pub group_by: Vec<AttributeKey>,
    pub expression: String,
    pub disabled: bool,
    pub having: Vec<Having>,
    /// Top-N groups (`null` = all).
    pub limit: Option<u64>,
    pub step_interval: i64,
    pub order_by: Vec<OrderBy>,
    pub reduce_to: String,
    pub legend: String,
    pub page_size: Option<u64>,
    pub offset: Option<u64>,
    pub extra: Map<String, Value>,
}

fn default_step() -> i64 {
    60
}

fn default_reduce() -> String {
    "sum".into()
}

impl BuilderQuery {
    pub fn from_value(v: &Value) -> BuilderQuery {
        let mut m = object(v);
        let aggregate_attribute = m
            .remove("aggregateAttribute")
            .map(|a| AttributeKey::from_value(&a))
            .unwrap_or_default();
        let filters = m
            .remove("filters")
            .map(|f| Filters::from_value(&f))
            .unwrap_or_default();
        let step_interval = match m.get("stepInterval").and_then(Value::as_i64) {
            Some(s) => {
                m.remove("stepInterval");
                s
            }
            None => default_step(),
        };
        BuilderQuery {
            query_name: take_string(&mut m, "queryName").unwrap_or_default(),
            data_source: take_string(&mut m, "dataSource").unwrap_or_default(),
            aggregate_operator: take_string(&mut m, "aggregateOperator").unwrap_or_default(),
            aggregate_attribute,
            filters,
            group_by: take_list(&mut m, "groupBy", AttributeKey::from_value),
            expression: take_string(&mut m, "expression").unwrap_or_default(),
            disabled: take_bool(&mut m, "disabled"),
            having: take_list(&mut m, "having", Having::from_value),
            limit: take_u64(&mut m, "limit"),
            step_interval,
            order_by: take_list(&mut m, "orderBy", OrderBy::from_value),
            reduce_to: take_string(&mut m, "reduceTo").unwrap_or_else(default_reduce),
            legend: take_string(&mut m, "legend").unwrap_or_default(),
            page_size: take_u64(&mut m, "pageSize"),
            offset: take_u64(&mut m, "offset"),
            extra: m,
        }
    }

    pub fn to_value(&self) -> Value {
        let mut m = self.extra.clone();
        put(&mut m, "queryName", self.query_name.as_str());
        put(&mut m, "dataSource", self.data_source.as_str());
        put(
            &mut m,
            "aggregateOperator",
            self.aggregate_operator.as_str(),
        );
        put(
            &mut m,
            "aggregateAttribute",
            self.aggregate_attribute.to_value(),
        );
        put(&mut m, "filters", self.filters.to_value());
        put(
            &mut m,
            "groupBy",
            Value::Array(self.group_by.iter().map(AttributeKey::to_value).collect()),
        );
        put(&mut m, "expression", self.expression.as_str());
        put(&mut m, "disabled", self.disabled);
        put(
            &mut m,
            "having",
            Value::Array(self.having.iter().map(Having::to_value).collect()),
        );
        put(
            &mut m,
            "limit",
            self.limit.map(Value::from).unwrap_or(Value::Null),
        );
        put(&mut m, "stepInterval", self.step_interval);
        put(
            &mut m,
            "orderBy",
            Value::Array(self.order_by.iter().map(OrderBy::to_value).collect()),
        );
        put(&mut m, "reduceTo", self.reduce_to.as_str());
        put(&mut m, "legend", self.legend.as_str());
        if let Some(p) = self.page_size {
            put(&mut m, "pageSize", p);
        }
        if let Some(o) = self.offset {
            put(&mut m, "offset", o);
        }
        Value::Object(m)
    }

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
                    it.value = vocab::parse_filter_value(
                        &vocab::filter_value_text(&it.value),
                        &k.data_type,
                        &it.op,
                    );
                }
            }
        }
        self.group_by.iter_mut().for_each(adopt);
    }
}

/// `IBuilderFormula`: an expression over query names, e.g. `A / B * 100`.
/// Its optional limit, having, order-by and step stay in `extra` as they came.
#[derive(Debug, Clone, PartialEq)]
pub struct Formula {
    pub query_name: String,
    pub expression: String,
    pub disabled: bool,
    pub legend: String,
    pub extra: Map<String, Value>,
}

impl Formula {
    pub fn from_value(v: &Value) -> Formula {
        let mut m = object(v);
        Formula {
            query_name: take_string(&mut m, "queryName").unwrap_or_default(),
            expression: take_string(&mut m, "expression").unwrap_or_default(),
            disabled: take_bool(&mut m, "disabled"),
            legend: take_string(&mut m, "legend").unwrap_or_default(),
            extra: m,
        }
    }

    pub fn to_value(&self) -> Value {
        let mut m = self.extra.clone();
        put(&mut m, "queryName", self.query_name.as_str());
        put(&mut m, "expression", self.expression.as_str());
        put(&mut m, "disabled", self.disabled);
        put(&mut m, "legend", self.legend.as_str());
        Value::Object(m)
    }

    pub fn new(name: &str) -> Formula {
        Formula {
            query_name: name.into(),
            expression: String::new(),
            disabled: false,
            legend: String::new(),
            extra: Map::new(),
        }
    }
}

/// `QueryBuilderData`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct BuilderData {
    pub query_data: Vec<BuilderQuery>,
    pub query_formulas: Vec<Formula>,
    pub extra: Map<String, Value>,
}

/// `Query`: the whole builder state (plus the PromQL and ClickHouse tabs,
/// kept as they came).
#[derive(Debug, Clone, PartialEq)]
pub struct Query {
    /// "builder" | "promql" | "clickhouse_sql".
    pub query_type: String,
    pub builder: BuilderData,
    pub promql: Value,
    pub clickhouse_sql: Value,
    pub id: String,
    pub unit: Option<String>,
    pub extra: Map<String, Value>,
}

fn builder_type() -> String {
    "builder".into()
}

impl BuilderData {
    pub fn from_value(v: &Value) -> BuilderData {
        let mut m = object(v);
        BuilderData {
            query_data: take_list(&mut m, "queryData", BuilderQuery::from_value),
            query_formulas: take_list(&mut m, "queryFormulas", Formula::from_value),
            extra: m,
        }
    }

    pub fn to_value(&self) -> Value {
        let mut m = self.extra.clone();
        put(
            &mut m,
            "queryData",
            Value::Array(self.query_data.iter().map(BuilderQuery::to_value).collect()),
        );
        put(
            &mut m,
            "queryFormulas",
            Value::Array(self.query_formulas.iter().map(Formula::to_value).collect()),
        );
        Value::Object(m)
    }
}

impl Query {
    /// A frontend query from JSON; anything but an object is an error.
    pub fn from_value(v: &Value) -> Result<Query, String> {
        if !v.is_object() {
            return Err("a query must be a JSON object".into());
        }
        let mut m = object(v);
        let builder = m
            .remove("builder")
            .map(|b| BuilderData::from_value(&b))
            .unwrap_or_default();
        Ok(Query {
            query_type: take_string(&mut m, "queryType").unwrap_or_else(builder_type),
            builder,
            promql: m.remove("promql").unwrap_or(Value::Null),
            clickhouse_sql: m.remove("clickhouse_sql").unwrap_or(Value::Null),
            id: take_string(&mut m, "id").unwrap_or_default(),
            unit: take_string(&mut m, "unit"),
            extra: m,
        })
    }

    pub fn to_value(&self) -> Value {
        let mut m = self.extra.clone();
        put(&mut m, "queryType", self.query_type.as_str());
        put(&mut m, "builder", self.builder.to_value());
        if !self.promql.is_null() {
            put(&mut m, "promql", self.promql.clone());
        }
        if !self.clickhouse_sql.is_null() {
            put(&mut m, "clickhouse_sql", self.clickhouse_sql.clone());
        }
        put(&mut m, "id", self.id.as_str());
        if let Some(u) = &self.unit {
            put(&mut m, "unit", u.as_str());
        }
        Value::Object(m)
    }
}

impl Serialize for Query {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.to_value().serialize(s)
    }
}

impl<'de> Deserialize<'de> for Query {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Query::from_value(&Value::deserialize(d)?).map_err(serde::de::Error::custom)
    }
}

impl Serialize for AttributeKey {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.to_value().serialize(s)
    }
}

impl<'de> Deserialize<'de> for AttributeKey {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(AttributeKey::from_value(&Value::deserialize(d)?))
    }
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
        let empty =
            |name: &str| json!([{"name": name, "query": "", "legend": "", "disabled": false}]);
        Query {
            query_type: builder_type(),
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
        let json = if text.starts_with('{') {
            text.to_string()
        } else {
            decode_component(text)
        };
        // Through `Value`: one deserializer instantiation for every source of queries (size).
        let v: Value =
            serde_json::from_str(&json).map_err(|e| format!("compositeQuery is not JSON: {e}"))?;
        Query::from_value(&v)
    }

    /// The `compositeQuery` parameter value as SigNoz writes it (before the
    /// query string encodes it again).
    pub fn to_url_param(&self) -> String {
        encode(&self.to_value().to_string())
    }

    /// The `compositeQuery` of `query_range`, saved views and rules: builder
    /// queries and formulas keyed by name (`prepareQueryRangePayload`).
    pub fn composite_query(&self, panel_type: &str) -> Value {
        let mut builder_queries = Map::new();
        for q in &self.builder.query_data {
            let mut v = q.to_value();
            // The query-service rejects stepInterval ≤ 0 (contract §7).
            if q.step_interval <= 0 {
                v["stepInterval"] = json!(60);
            }
            builder_queries.insert(q.query_name.clone(), v);
        }
        for f in &self.builder.query_formulas {
            builder_queries.insert(f.query_name.clone(), f.to_value());
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
                let v = &map[name];
                if !v.is_object() {
                    return Err(format!("query {name} is not an object"));
                }
                if is_formula_name(name) {
                    let mut f = Formula::from_value(v);
                    f.query_name = name.clone();
                    q.builder.query_formulas.push(f);
                } else {
                    let mut b = BuilderQuery::from_value(v);
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
        self.builder
            .query_data
            .first()
            .map(|q| q.data_source.as_str())
            .unwrap_or("traces")
    }

    /// Adds a query named after the next free letter, copying the data
    /// source of the last one (`addNewBuilderQuery`). None past Z.
    pub fn add_query(&mut self) -> Option<String> {
        let used: Vec<String> = self
            .builder
            .query_data
            .iter()
            .map(|q| q.query_name.clone())
            .collect();
        let name = vocab::next_name(&used, vocab::query_names())?;
        let ds = self
            .builder
            .query_data
            .last()
            .map(|q| q.data_source.clone())
            .unwrap_or_else(|| "traces".into());
        self.builder.query_data.push(BuilderQuery::new(&name, &ds));
        Some(name)
    }

    /// Adds a formula F1…F20. None past F20.
    pub fn add_formula(&mut self) -> Option<String> {
        let used: Vec<String> = self
            .builder
            .query_formulas
            .iter()
            .map(|f| f.query_name.clone())
            .collect();
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
pub fn explorer_request(
    q: &Query,
    panel_type: &str,
    start_ms: i64,
    end_ms: i64,
    step: i64,
    list: Option<&ListOptions>,
) -> Value {
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
                a.order_by = vec![OrderBy {
                    column_name: l.order_by.0.clone(),
                    order: l.order_by.1.clone(),
                    extra: Map::new(),
                }];
                a.page_size = Some(l.page_size);
                a.offset = Some(l.offset);
            }
        }
        let mut cq = only.composite_query(panel_type);
        if let Some(l) = list {
            if let Some(a) = cq["builderQueries"]
                .as_object_mut()
                .and_then(|m| m.values_mut().next())
            {
                a["limit"] = json!(l.page_size);
                a["selectColumns"] = Value::Array(
                    l.select_columns
                        .iter()
                        .map(AttributeKey::to_value)
                        .collect(),
                );
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
    vocab::PANEL_TYPES
        .iter()
        .find(|t| **t == p)
        .copied()
        .unwrap_or(default)
}

/// The `panelTypes` URL parameter as SigNoz writes it.
pub fn panel_type_param(panel_type: &str) -> String {
    format!("\"{panel_type}\"")
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests;
