//! The query builder's vocabulary as SigNoz v0.39's frontend has it
//! (`constants/queryBuilder.ts`, `queryBuilderOperators.ts`,
//! `QueryBuilderSearch/utils.ts`): data sources, aggregate operators per
//! data source, filter operators per value type, having operators,
//! reduce-to values and formula functions.

use serde_json::{json, Value};

pub const DATA_SOURCES: [&str; 3] = ["traces", "logs", "metrics"];

/// Panel types the explorers and panels use (`PANEL_TYPES`).
pub const PANEL_TYPES: [&str; 5] = ["graph", "value", "table", "list", "trace"];

const COMMON_AGGREGATES: [&str; 21] = [
    "noop",
    "count",
    "count_distinct",
    "sum",
    "avg",
    "max",
    "min",
    "p05",
    "p10",
    "p20",
    "p25",
    "p50",
    "p75",
    "p90",
    "p95",
    "p99",
    "rate",
    "rate_sum",
    "rate_avg",
    "rate_min",
    "rate_max",
];

const METRIC_ONLY_AGGREGATES: [&str; 9] = [
    "sum_rate",
    "avg_rate",
    "max_rate",
    "min_rate",
    "hist_quantile_50",
    "hist_quantile_75",
    "hist_quantile_90",
    "hist_quantile_95",
    "hist_quantile_99",
];

/// Aggregate operators offered for a data source, in SigNoz's order.
pub fn aggregate_operators(data_source: &str) -> Vec<&'static str> {
    let mut ops = COMMON_AGGREGATES.to_vec();
    if data_source == "metrics" {
        // Metrics list the *_rate operators before rate_sum…, as SigNoz does.
        let at = ops
            .iter()
            .position(|o| *o == "rate_sum")
            .unwrap_or(ops.len());
        ops.splice(at..at, METRIC_ONLY_AGGREGATES[..4].iter().copied());
        ops.extend_from_slice(&METRIC_ONLY_AGGREGATES[4..]);
    }
    ops
}

/// SigNoz's display label of an aggregate operator ("P99", "Count Distinct", "Rate_sum").
pub fn aggregate_label(op: &str) -> String {
    match op {
        "noop" => "NOOP".into(),
        "count_distinct" => "Count Distinct".into(),
        _ if op.starts_with('p') && op[1..].chars().all(|c| c.is_ascii_digit()) => {
            op.to_uppercase()
        }
        _ => {
            let mut c = op.chars();
            c.next()
                .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
                .unwrap_or_default()
        }
    }
}

/// Whether an operator aggregates an attribute (so one must be chosen);
/// `noop` and `count` work on rows, and so does `rate` on traces and logs.
pub fn needs_attribute(data_source: &str, op: &str) -> bool {
    match op {
        "noop" | "count" => false,
        "rate" => data_source == "metrics",
        _ => true,
    }
}

/// Filter operators as the UI names them and as the API writes them
/// (`getOperatorValue`).
pub const FILTER_OPS: [(&str, &str); 16] = [
    ("=", "="),
    ("!=", "!="),
    ("IN", "in"),
    ("NOT_IN", "nin"),
    ("LIKE", "like"),
    ("NOT_LIKE", "nlike"),
    ("CONTAINS", "contains"),
    ("NOT_CONTAINS", "ncontains"),
    ("EXISTS", "exists"),
    ("NOT_EXISTS", "nexists"),
    ("REGEX", "regex"),
    ("NOT_REGEX", "nregex"),
    (">=", ">="),
    (">", ">"),
    ("<=", "<="),
    ("<", "<"),
];

/// The UI name of an API operator (`getOperatorFromValue`); unknown ones unchanged.
pub fn op_label(api_op: &str) -> &str {
    FILTER_OPS
        .iter()
        .find(|(_, a)| *a == api_op)
        .map(|(l, _)| *l)
        .unwrap_or(api_op)
}

/// The API form of a UI operator name (`getOperatorValue`); unknown ones unchanged.
pub fn op_value(label: &str) -> &str {
    FILTER_OPS
        .iter()
        .find(|(l, _)| *l == label)
        .map(|(_, a)| *a)
        .unwrap_or(label)
}

/// API operators allowed for a key's data type (`QUERY_BUILDER_OPERATORS_BY_TYPES`);
/// an untyped key gets the "universal" set.
pub fn ops_for_type(data_type: &str) -> Vec<&'static str> {
    let labels: &[&str] = match data_type {
        "string" => &[
            "=",
            "!=",
            "IN",
            "NOT_IN",
            "LIKE",
            "NOT_LIKE",
            "CONTAINS",
            "NOT_CONTAINS",
            "EXISTS",
            "NOT_EXISTS",
            "REGEX",
            "NOT_REGEX",
        ],
        "int64" | "float64" => &[
            "=",
            "!=",
            "IN",
            "NOT_IN",
            "EXISTS",
            "NOT_EXISTS",
            ">=",
            ">",
            "<=",
            "<",
        ],
        "bool" => &["=", "!=", "EXISTS", "NOT_EXISTS"],
        _ => &[
            "=",
            "!=",
            "IN",
            "NOT_IN",
            "EXISTS",
            "NOT_EXISTS",
            "LIKE",
            "NOT_LIKE",
            ">=",
            ">",
            "<=",
            "<",
            "CONTAINS",
            "NOT_CONTAINS",
        ],
    };
    labels.iter().map(|l| op_value(l)).collect()
}

/// `in`/`nin` take a list of values.
pub fn op_takes_list(op: &str) -> bool {
    matches!(op, "in" | "nin")
}

/// `exists`/`nexists` take no value.
pub fn op_takes_no_value(op: &str) -> bool {
    matches!(op, "exists" | "nexists")
}

/// Operators of `having` on the aggregate (`HAVING_OPERATORS`).
pub const HAVING_OPS: [&str; 8] = ["=", "!=", "IN", "NOT_IN", ">=", ">", "<=", "<"];

/// `reduceTo` values for value panels and alerts (`REDUCE_TO_VALUES`).
pub const REDUCE_TO: [&str; 5] = ["last", "sum", "avg", "max", "min"];

/// Functions a formula may call (query-service `queryBuilder/query_builder.go`).
pub const FORMULA_FUNCTIONS: [&str; 23] = [
    "exp",
    "log",
    "ln",
    "exp2",
    "log2",
    "exp10",
    "log10",
    "sqrt",
    "cbrt",
    "erf",
    "erfc",
    "lgamma",
    "tgamma",
    "sin",
    "cos",
    "tan",
    "asin",
    "acos",
    "atan",
    "degrees",
    "radians",
    "now",
    "toUnixTimestamp",
];

/// The JSON value of a filter typed as text: lists for `in`/`nin` (comma
/// separated), numbers for numeric keys, booleans for bool keys, `""` for
/// `exists`/`nexists`, text otherwise.
pub fn parse_filter_value(text: &str, data_type: &str, op: &str) -> Value {
    if op_takes_no_value(op) {
        return json!("");
    }
    let one = |t: &str| -> Value {
        let t = t.trim();
        match data_type {
            "int64" => t
                .parse::<i64>()
                .map(Value::from)
                .unwrap_or_else(|_| json!(t)),
            "float64" => match t.parse::<f64>() {
                Ok(f) if f.fract() == 0.0 && f.abs() < 9e15 => json!(f as i64),
                Ok(f) => json!(f),
                Err(_) => json!(t),
            },
            "bool" => match t {
                "true" => json!(true),
                "false" => json!(false),
                _ => json!(t),
            },
            _ => json!(t),
        }
    };
    if op_takes_list(op) {
        Value::Array(
            text.split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(one)
                .collect(),
        )
    } else {
        one(text)
    }
}

/// A filter value as editable text (lists joined with ", ").
pub fn filter_value_text(v: &Value) -> String {
    match v {
        Value::Array(a) => a
            .iter()
            .map(crate::model::value_text)
            .collect::<Vec<_>>()
            .join(", "),
        other => crate::model::value_text(other),
    }
}

/// The first of `names` not in `used` (`createNewBuilderItemName`).
pub fn next_name(used: &[String], names: impl Iterator<Item = String>) -> Option<String> {
    names.into_iter().find(|n| !used.contains(n))
}

/// Query names A…Z (`MAX_QUERIES` = 26).
pub fn query_names() -> impl Iterator<Item = String> {
    (b'A'..=b'Z').map(|c| (c as char).to_string())
}

/// Formula names F1…F20 (`MAX_FORMULAS` = 20).
pub fn formula_names() -> impl Iterator<Item = String> {
    (1..=20).map(|i| format!("F{i}"))
}
