//! Builds SQL WHERE clauses from API filters. Every value from a request is a bound
//! parameter; only fixed column names and operator keywords are ever written into SQL.

use rusqlite::types::Value as SqlValue;
use serde_json::Value;

#[derive(Default, Debug, Clone)]
pub struct Where {
    pub clauses: Vec<String>,
    pub params: Vec<SqlValue>,
}

/// An SQL expression plus the parameters its placeholders need, in order.
#[derive(Debug, Clone)]
pub struct Expr {
    pub sql: String,
    pub params: Vec<SqlValue>,
}

impl Where {
    pub fn push(&mut self, clause: impl Into<String>, params: impl IntoIterator<Item = SqlValue>) {
        self.clauses.push(clause.into());
        self.params.extend(params);
    }

    pub fn sql(&self) -> String {
        if self.clauses.is_empty() {
            "1".into()
        } else {
            self.clauses
                .iter()
                .map(|c| format!("({c})"))
                .collect::<Vec<_>>()
                .join(" AND ")
        }
    }
}

/// Where an attribute lives in a telemetry table.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum AttrScope {
    Tag,
    Resource,
    Either,
    /// Metric points keep point and resource attributes merged in `labels`.
    Labels,
}

impl AttrScope {
    pub fn parse(t: &str) -> AttrScope {
        match t.to_ascii_lowercase().as_str() {
            "tag" | "spanattribute" => AttrScope::Tag,
            "resource" | "resourceattribute" => AttrScope::Resource,
            _ => AttrScope::Either,
        }
    }
}

fn json_path(key: &str) -> String {
    // A quoted label keeps dots in keys like `http.method` from meaning nesting.
    format!("$.\"{}\"", key.replace('"', ""))
}

/// The JSON-attribute expression for `key` in a table with `attrs` and `resource` columns.
pub fn attr_expr(key: &str, scope: AttrScope) -> Expr {
    let p = SqlValue::Text(json_path(key));
    match scope {
        AttrScope::Tag => Expr {
            sql: "json_extract(attrs, ?)".into(),
            params: vec![p],
        },
        AttrScope::Resource => Expr {
            sql: "json_extract(resource, ?)".into(),
            params: vec![p],
        },
        AttrScope::Labels => Expr {
            sql: "json_extract(labels, ?)".into(),
            params: vec![p],
        },
        AttrScope::Either => Expr {
            sql: "COALESCE(json_extract(attrs, ?), json_extract(resource, ?))".into(),
            params: vec![p.clone(), p],
        },
    }
}

pub fn json_to_sql(v: &Value) -> SqlValue {
    match v {
        Value::Null => SqlValue::Null,
        Value::Bool(b) => SqlValue::Integer(*b as i64),
        Value::Number(n) => n
            .as_i64()
            .map(SqlValue::Integer)
            .unwrap_or_else(|| SqlValue::Real(n.as_f64().unwrap_or(0.0))),
        Value::String(s) => SqlValue::Text(s.clone()),
        other => SqlValue::Text(other.to_string()),
    }
}

/// How filter values compare with the stored value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ValueKind {
    Text,
    /// "200" compares as 200.
    Number,
    /// "true"/"false" compare as 1/0.
    Bool,
    /// As sent.
    Any,
}

impl ValueKind {
    /// From an AttributeKey `dataType`.
    pub fn of_data_type(dt: &str) -> ValueKind {
        match dt {
            "int64" | "float64" | "number" => ValueKind::Number,
            "bool" => ValueKind::Bool,
            "string" => ValueKind::Text,
            _ => ValueKind::Any,
        }
    }
}

fn coerce(v: &Value, kind: ValueKind) -> SqlValue {
    match (v, kind) {
        (Value::String(s), ValueKind::Number) => s
            .parse::<i64>()
            .map(SqlValue::Integer)
            .or_else(|_| s.parse::<f64>().map(SqlValue::Real))
            .unwrap_or_else(|_| SqlValue::Text(s.clone())),
        (Value::String(s), ValueKind::Bool) if s == "true" || s == "false" => {
            SqlValue::Integer((s == "true") as i64)
        }
        (Value::Number(n), ValueKind::Text) => SqlValue::Text(n.to_string()),
        (Value::Bool(b), ValueKind::Text) => SqlValue::Text(b.to_string()),
        (other, _) => json_to_sql(other),
    }
}

fn like_escape(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

/// One filter condition `expr <op> value` with a v3 operator name (`=`, `in`, `contains`, ...).
pub fn condition(
    expr: &Expr,
    op: &str,
    value: &Value,
    kind: ValueKind,
) -> Result<(String, Vec<SqlValue>), String> {
    let e = &expr.sql;
    let mut params = expr.params.clone();
    let values: Vec<&Value> = match value {
        Value::Array(a) => a.iter().collect(),
        v => vec![v],
    };
    let first = || values.first().copied().unwrap_or(&Value::Null);
    let text_of = |v: &Value| match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    let sql = match op.to_ascii_lowercase().as_str() {
        op @ ("=" | "!=" | ">" | ">=" | "<" | "<=") => {
            params.push(coerce(first(), kind));
            let op = if op == "!=" {
                "IS NOT"
            } else if op == "=" {
                "IS"
            } else {
                op
            };
            format!("{e} {op} ?")
        }
        op @ ("in" | "nin") => {
            if values.is_empty() {
                return Ok((if op == "in" { "0" } else { "1" }.into(), vec![]));
            }
            params.extend(values.iter().map(|v| coerce(v, kind)));
            let marks = vec!["?"; values.len()].join(", ");
            if op == "in" {
                format!("{e} IN ({marks})")
            } else {
                format!("{e} IS NULL OR {e} NOT IN ({marks})")
            }
        }
        op @ ("contains" | "ncontains" | "like" | "nlike") => {
            let pattern = if op.ends_with("contains") {
                format!("%{}%", like_escape(&text_of(first())))
            } else {
                text_of(first())
            };
            params.push(SqlValue::Text(pattern));
            let not = if op.starts_with('n') { "NOT " } else { "" };
            let esc = if op.ends_with("contains") {
                " ESCAPE '\\'"
            } else {
                ""
            };
            format!("CAST({e} AS TEXT) {not}LIKE ?{esc}")
        }
        op @ ("regex" | "nregex") => {
            // SQLite has no regex engine built in; a plain substring is the closest safe match.
            params.push(SqlValue::Text(format!(
                "%{}%",
                like_escape(&text_of(first()))
            )));
            let not = if op == "nregex" { "NOT " } else { "" };
            format!("CAST({e} AS TEXT) {not}LIKE ? ESCAPE '\\'")
        }
        "exists" => format!("{e} IS NOT NULL"),
        "nexists" => format!("{e} IS NULL"),
        op @ ("has" | "nhas") => {
            params.push(SqlValue::Text(format!(
                "%{}%",
                like_escape(&Value::String(text_of(first())).to_string())
            )));
            let not = if op == "nhas" { "NOT " } else { "" };
            format!("CAST({e} AS TEXT) {not}LIKE ? ESCAPE '\\'")
        }
        other => return Err(format!("unsupported filter operator {other:?}")),
    };
    // `exists`/`nexists` use the expression's params once; everything else did above.
    Ok((sql, params))
}

/// v1 `TagQueryParam` operator names → v3 names.
pub fn v1_operator(op: &str) -> Option<&'static str> {
    Some(match op.to_ascii_lowercase().as_str() {
        "in" => "in",
        "notin" => "nin",
        "equals" => "=",
        "notequals" => "!=",
        "exists" => "exists",
        "notexists" => "nexists",
        "contains" => "contains",
        "notcontains" => "ncontains",
        "lessthan" => "<",
        "greaterthan" => ">",
        "lessthanequals" => "<=",
        "greaterthanequals" => ">=",
        "startswith" => "like",
        "notstartswith" => "nlike",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn values_are_always_parameters() {
        let e = attr_expr("http.method", AttrScope::Tag);
        let (sql, params) = condition(
            &e,
            "=",
            &json!("x'); DROP TABLE spans; --"),
            ValueKind::Text,
        )
        .unwrap();
        assert_eq!(sql, "json_extract(attrs, ?) IS ?");
        assert_eq!(params.len(), 2);
        let (sql, params) = condition(&e, "in", &json!(["a", "b"]), ValueKind::Text).unwrap();
        assert_eq!(sql, "json_extract(attrs, ?) IN (?, ?)");
        assert_eq!(params.len(), 3);
        assert!(condition(&e, "drop", &json!(1), ValueKind::Any).is_err());
    }

    #[test]
    fn quotes_in_keys_cannot_escape_the_path() {
        let e = attr_expr("a\"b", AttrScope::Resource);
        assert_eq!(e.params, vec![SqlValue::Text("$.\"ab\"".into())]);
    }
}
