//! The v3 query_range request (`QueryRangeParamsV3`) and its validation, following SigNoz's
//! `BuilderQuery.Validate` plus the inputs that would crash SigNoz (stepInterval 0).

use serde_json::Value;

pub use signoz_api::query_range::{
    AttributeKey, BuilderQuery, CompositeQuery, DataSource, FilterItem, FilterSet, Having, OrderBy,
    QueryRangeParams,
};

pub const PANEL_TYPES: &[&str] = &["graph", "value", "table", "list", "trace"];

/// Most builder queries and formulas in one request (SigNoz's UI names them A…Z and F1…).
pub const MAX_QUERIES: usize = 64;
/// Largest `stepInterval` in seconds (31 days): larger steps overflow nanosecond arithmetic
/// and no chart needs them.
pub const MAX_STEP_SECS: i64 = 31 * 24 * 3600;

/// The quantile of a `pXX` or `hist_quantile_XX` operator.
pub fn quantile_of(op: &str) -> Option<f64> {
    let digits = op
        .strip_prefix("hist_quantile_")
        .or_else(|| op.strip_prefix('p'))?;
    let n: u32 = digits.parse().ok()?;
    (digits.len() == 2 && (1..=99).contains(&n)).then(|| n as f64 / 100.0)
}

fn known_operator(op: &str) -> bool {
    matches!(
        op,
        "noop"
            | "count"
            | "count_distinct"
            | "sum"
            | "avg"
            | "min"
            | "max"
            | "rate"
            | "sum_rate"
            | "avg_rate"
            | "min_rate"
            | "max_rate"
            | "rate_sum"
            | "rate_avg"
            | "rate_min"
            | "rate_max"
    ) || (quantile_of(op).is_some() && matches!(op.len(), 3 | 16))
}

/// The variable a filter value names: `{{.name}}`, `{{name}}`, `[[name]]` or `$name`.
fn variable_name(v: &str) -> Option<&str> {
    let v = v.trim();
    let inner = v
        .strip_prefix("{{")
        .and_then(|r| r.strip_suffix("}}"))
        .map(|r| r.trim().trim_start_matches('.'))
        .or_else(|| v.strip_prefix("[[").and_then(|r| r.strip_suffix("]]")))
        .or_else(|| v.strip_prefix('$'))?;
    (!inner.is_empty()
        && inner
            .chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '.'))
    .then_some(inner)
}

/// Replaces dashboard variables in builder filter values, as SigNoz does before running a
/// query; a list value under `=`/`!=` turns the operator into `in`/`nin`.
pub fn substitute_variables(p: &mut QueryRangeParams) {
    let vars = p.variables.clone();
    let Some(cq) = p.composite_query.as_mut() else {
        return;
    };
    for q in cq.builder_queries.values_mut() {
        for item in q.filters.iter_mut().flat_map(|f| f.items.iter_mut()) {
            // A variable is the whole value, or the first item of a list (what SigNoz's
            // filter box writes for `IN`: `["{{.service}}"]`).
            let reference = match &item.value {
                Value::String(s) => Some(s.as_str()),
                Value::Array(a) => a.first().and_then(Value::as_str),
                _ => None,
            };
            let Some(name) = reference.and_then(variable_name) else {
                continue;
            };
            let Some(value) = vars.get(name) else {
                continue;
            };
            let list_op = matches!(
                item.op.to_ascii_lowercase().as_str(),
                "in" | "nin" | "not_in"
            );
            if value.is_array() {
                match item.op.as_str() {
                    "=" => item.op = "in".into(),
                    "!=" => item.op = "nin".into(),
                    _ => {}
                }
                item.value = value.clone();
            } else if list_op {
                item.value = Value::Array(vec![value.clone()]);
            } else {
                item.value = value.clone();
            }
        }
    }
}

pub fn validate(p: &QueryRangeParams) -> Result<&CompositeQuery, String> {
    let cq = p
        .composite_query
        .as_ref()
        .ok_or("composite query is required")?;
    if p.start <= 0 || p.end <= 0 {
        return Err("start and end are required epoch milliseconds".into());
    }
    if p.end < p.start {
        return Err("start time should be less than end time".into());
    }
    if !PANEL_TYPES.contains(&cq.panel_type.as_str()) {
        return Err(format!("panel type is invalid: {:?}", cq.panel_type));
    }
    match cq.query_type.as_str() {
        "builder" => {}
        "promql" | "clickhouse_sql" => {
            return Err(format!(
                "query type {} is not supported by this server",
                cq.query_type
            ))
        }
        other => return Err(format!("query type is invalid: {other:?}")),
    }
    if cq.builder_queries.is_empty() {
        return Err("composite query must contain at least one query".into());
    }
    if cq.builder_queries.len() > MAX_QUERIES {
        return Err(format!(
            "composite query has more than {MAX_QUERIES} queries"
        ));
    }
    for (name, q) in &cq.builder_queries {
        let fail = |m: &str| Err(format!("query {name}: {m}"));
        if q.query_name.is_empty() {
            return fail("query name is required");
        }
        if q.expression.is_empty() {
            return fail("expression is required");
        }
        if q.is_formula() {
            let names = super::formula::referenced(&q.expression)
                .map_err(|e| format!("query {name}: {e}"))?;
            if names.is_empty() {
                return fail("expression uses no query");
            }
            for n in names {
                if n == *name || !cq.builder_queries.contains_key(&n) {
                    return fail(&format!("expression refers to unknown query {n}"));
                }
            }
            continue;
        }
        if matches!(q.data_source, DataSource::Missing | DataSource::Other(_)) {
            return fail(&format!(
                "data source is invalid: {:?}",
                q.data_source.as_str()
            ));
        }
        let op = q.aggregate_operator.as_str();
        if !known_operator(op) {
            return fail(&format!("aggregate operator is invalid: {op:?}"));
        }
        if op.starts_with("hist_quantile")
            != (q.data_source == DataSource::Metrics && op.starts_with("hist_quantile"))
        {
            return fail("hist_quantile operators need dataSource metrics");
        }
        let needs_attr = !(op == "noop"
            || op == "count"
            || (op == "rate" && q.data_source != DataSource::Metrics));
        if needs_attr && q.aggregate_attribute.key.is_empty() {
            return fail("aggregate attribute is required");
        }
        if q.data_source == DataSource::Metrics && q.aggregate_attribute.key.is_empty() {
            return fail("aggregate attribute (the metric name) is required");
        }
        if q.data_source == DataSource::Metrics
            && !q.group_by.is_empty()
            && (op == "noop" || op == "rate")
        {
            return fail("groupBy is not supported with noop or rate on metrics");
        }
        if q.step_interval <= 0 {
            return fail("stepInterval must be greater than 0");
        }
        if q.step_interval > MAX_STEP_SECS {
            return fail(&format!(
                "stepInterval must be at most {MAX_STEP_SECS} seconds"
            ));
        }
        if cq.panel_type == "list"
            && q.data_source == DataSource::Traces
            && q.select_columns.is_empty()
        {
            return fail("select columns are required for list panels on traces");
        }
        for k in q.group_by.iter().chain(
            q.filters
                .iter()
                .flat_map(|f| f.items.iter().map(|i| &i.key)),
        ) {
            if k.key.is_empty() {
                return fail("attribute keys must not be empty");
            }
        }
    }
    Ok(cq)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn params(q: Value) -> QueryRangeParams {
        serde_json::from_value(json!({"start": 1, "end": 2, "step": 60,
            "compositeQuery": {"queryType": "builder", "panelType": "graph", "builderQueries": {"A": q}}}))
        .unwrap()
    }

    #[test]
    fn variables_are_substituted_in_filters() {
        let mut p: QueryRangeParams = serde_json::from_value(json!({"start": 1, "end": 2, "variables": {"svc": ["a", "b"], "env": "prod"},
            "compositeQuery": {"queryType": "builder", "panelType": "graph", "builderQueries": {"A": {"filters": {"op": "AND", "items": [
                {"key": {"key": "serviceName"}, "op": "=", "value": "{{.svc}}"},
                {"key": {"key": "env"}, "op": "=", "value": "$env"},
                {"key": {"key": "x"}, "op": "=", "value": "$nope"},
                {"key": {"key": "service_name"}, "op": "in", "value": ["{{.svc}}"]},
                {"key": {"key": "deployment"}, "op": "in", "value": ["{{.env}}"]}]}}}}}))
        .unwrap();
        substitute_variables(&mut p);
        let items = &p.composite_query.unwrap().builder_queries["A"]
            .filters
            .clone()
            .unwrap()
            .items;
        assert_eq!(
            (items[0].op.as_str(), &items[0].value),
            ("in", &json!(["a", "b"]))
        );
        assert_eq!(items[1].value, json!("prod"));
        assert_eq!(items[2].value, json!("$nope"));
        assert_eq!(items[3].value, json!(["a", "b"]));
        assert_eq!(
            (items[4].op.as_str(), &items[4].value),
            ("in", &json!(["prod"]))
        );
    }

    #[test]
    fn data_source_is_typed_and_an_unknown_one_is_named() {
        let q = |ds: Value| json!({"queryName": "A", "expression": "A", "dataSource": ds, "aggregateOperator": "count", "stepInterval": 60});
        let p = params(q(json!("metrics")));
        let cq = p.composite_query.as_ref().unwrap();
        assert_eq!(cq.builder_queries["A"].data_source, DataSource::Metrics);
        assert!(validate(&params(q(json!("events"))))
            .unwrap_err()
            .contains("data source is invalid: \"events\""));
        let missing = json!({"queryName": "A", "expression": "A", "aggregateOperator": "count", "stepInterval": 60});
        assert!(validate(&params(missing))
            .unwrap_err()
            .contains("data source is invalid: \"\""));
    }

    #[test]
    fn quantile_operators() {
        assert_eq!(quantile_of("p99"), Some(0.99));
        assert_eq!(quantile_of("p05"), Some(0.05));
        assert_eq!(quantile_of("hist_quantile_50"), Some(0.5));
        assert_eq!(quantile_of("p100"), None);
        assert_eq!(quantile_of("pxx"), None);
    }

    #[test]
    fn rejects_what_would_crash_signoz() {
        let q = json!({"queryName": "A", "expression": "A", "dataSource": "traces", "aggregateOperator": "count", "stepInterval": 0});
        assert!(validate(&params(q)).unwrap_err().contains("stepInterval"));
        let q = json!({"queryName": "A", "expression": "A", "dataSource": "traces", "aggregateOperator": "p99", "stepInterval": 60});
        assert!(validate(&params(q))
            .unwrap_err()
            .contains("aggregate attribute"));
        let q = json!({"queryName": "A", "expression": "A", "dataSource": "traces", "aggregateOperator": "count", "stepInterval": 60});
        assert!(validate(&params(q)).is_ok());
        let q = json!({"queryName": "A", "expression": "A", "dataSource": "metrics", "aggregateOperator": "sum",
            "aggregateAttribute": {"key": "m"}, "stepInterval": 36028797018963968i64});
        assert!(validate(&params(q)).unwrap_err().contains("stepInterval"));
    }

    #[test]
    fn formulas_are_parsed_and_checked() {
        let a = json!({"queryName": "A", "expression": "A", "dataSource": "traces", "aggregateOperator": "count", "stepInterval": 60});
        let with = |f: &str| -> QueryRangeParams {
            serde_json::from_value(json!({"start": 1, "end": 2, "compositeQuery": {"queryType": "builder", "panelType": "graph",
                "builderQueries": {"A": a.clone(), "F1": {"queryName": "F1", "expression": f}}}}))
            .unwrap()
        };
        assert!(validate(&with("A*2")).is_ok());
        assert!(validate(&with("B*2"))
            .unwrap_err()
            .contains("unknown query B"));
        assert!(validate(&with("A+")).is_err());
        assert!(validate(&with("F1+A")).is_err());
        assert!(validate(&with(&"-".repeat(60_000)))
            .unwrap_err()
            .contains("longer"));
    }
}
