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
    attr_lookup(key, scope, |col| format!("json_extract({col}, ?)"))
}

/// Like `attr_expr`, but selects the value as JSON text (`->`), so a stored `true` reads back
/// as `true` and not as SQLite's 1. For SELECT lists and groupBy keys, not for comparisons.
pub fn attr_json_expr(key: &str, scope: AttrScope) -> Expr {
    attr_lookup(key, scope, |col| format!("({col} -> ?)"))
}

fn attr_lookup(key: &str, scope: AttrScope, lookup: impl Fn(&str) -> String) -> Expr {
    let p = SqlValue::Text(json_path(key));
    match scope {
        AttrScope::Tag => Expr {
            sql: lookup("attrs"),
            params: vec![p],
        },
        AttrScope::Resource => Expr {
            sql: lookup("resource"),
            params: vec![p],
        },
        AttrScope::Labels => Expr {
            sql: lookup("labels"),
            params: vec![p],
        },
        AttrScope::Either => Expr {
            sql: format!("COALESCE({}, {})", lookup("attrs"), lookup("resource")),
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
            let marks = vec!["?"; values.len()].join(", ");
            if op == "in" {
                params.extend(values.iter().map(|v| coerce(v, kind)));
                format!("{e} IN ({marks})")
            } else {
                // The expression appears twice, so its own parameters are bound twice.
                params.extend(expr.params.iter().cloned());
                params.extend(values.iter().map(|v| coerce(v, kind)));
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
            let pattern = text_of(first());
            compile_regex(&pattern)?;
            params.push(SqlValue::Text(pattern));
            let not = if op == "nregex" { "NOT " } else { "" };
            // A missing attribute reads as '' (SigNoz's map lookup), so nregex keeps it.
            format!("COALESCE(CAST({e} AS TEXT), '') {not}REGEXP ?")
        }
        // v1 `StartsWith`/`NotStartsWith`: a literal prefix.
        op @ ("startswith" | "nstartswith") => {
            params.push(SqlValue::Text(format!(
                "{}%",
                like_escape(&text_of(first()))
            )));
            let not = if op == "nstartswith" { "NOT " } else { "" };
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

/// Largest compiled program a filter regex may have; bigger ones are refused, not run.
pub const REGEX_SIZE_LIMIT: usize = 1 << 20;

/// A filter regex as `regex`/`nregex` and SQL `REGEXP` use it: RE2-like syntax (ClickHouse's
/// `match`), unanchored, with a bound on its compiled size.
pub fn compile_regex(pattern: &str) -> Result<regex::Regex, String> {
    regex::RegexBuilder::new(pattern)
        .size_limit(REGEX_SIZE_LIMIT)
        .dfa_size_limit(REGEX_SIZE_LIMIT)
        .build()
        .map_err(|e| format!("invalid regex {pattern:?}: {e}"))
}

/// Registers `REGEXP` (`x REGEXP p` calls `regexp(p, x)`) on a connection; the compiled
/// pattern is cached per statement.
pub fn register_regexp(conn: &rusqlite::Connection) -> rusqlite::Result<()> {
    use rusqlite::functions::FunctionFlags;
    conn.create_scalar_function(
        "regexp",
        2,
        FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC,
        |ctx| {
            let re = ctx.get_or_create_aux(0, |v| -> Result<regex::Regex, BoxError> {
                Ok(compile_regex(v.as_str()?)?)
            })?;
            Ok(match ctx.get_raw(1) {
                rusqlite::types::ValueRef::Null => None,
                rusqlite::types::ValueRef::Text(t) => {
                    Some(re.is_match(&String::from_utf8_lossy(t)))
                }
                other => Some(re.is_match(&match other {
                    rusqlite::types::ValueRef::Integer(i) => i.to_string(),
                    rusqlite::types::ValueRef::Real(f) => f.to_string(),
                    _ => String::new(),
                })),
            })
        },
    )
}

/// The host (with port) of a URL as Go's `url.Parse(...).Host` gives it for the span-metrics
/// `address` label: scheme added when missing, userinfo dropped, no normalisation.
pub fn url_host(u: &str) -> Option<String> {
    let rest = match u.find("://") {
        Some(i) if u.starts_with("http://") || u.starts_with("https://") => &u[i + 3..],
        _ => u,
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    (!host.is_empty()).then(|| host.to_string())
}

/// Registers `url_host(text)` (see [`url_host`]) on a connection.
pub fn register_url_host(conn: &rusqlite::Connection) -> rusqlite::Result<()> {
    use rusqlite::functions::FunctionFlags;
    conn.create_scalar_function(
        "url_host",
        1,
        FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC,
        |ctx| {
            Ok(match ctx.get_raw(0) {
                rusqlite::types::ValueRef::Text(t) => url_host(&String::from_utf8_lossy(t)),
                _ => None,
            })
        },
    )
}

type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

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
        "startswith" => "startswith",
        "notstartswith" => "nstartswith",
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
    fn nin_binds_the_expression_twice() {
        let e = attr_expr("k", AttrScope::Either);
        let (sql, params) = condition(&e, "nin", &json!(["a"]), ValueKind::Text).unwrap();
        assert_eq!(sql.matches('?').count(), params.len());
        assert_eq!(params.len(), 5);
    }

    #[test]
    fn url_hosts_as_go_parses_them() {
        assert_eq!(
            url_host("http://u:p@api.local:8080/x?y").as_deref(),
            Some("api.local:8080")
        );
        assert_eq!(
            url_host("https://pay.example.com").as_deref(),
            Some("pay.example.com")
        );
        assert_eq!(
            url_host("db.local:5432/path").as_deref(),
            Some("db.local:5432")
        );
        assert_eq!(url_host("/relative"), None);
    }

    #[test]
    fn regex_filters_compile_with_a_bound() {
        let e = attr_expr("k", AttrScope::Tag);
        let err = condition(&e, "regex", &json!("a("), ValueKind::Text).unwrap_err();
        assert!(err.contains("invalid regex \"a(\""), "{err}");
        assert!(condition(&e, "regex", &json!("a{1000}{1000}"), ValueKind::Text).is_err());
        let c = rusqlite::Connection::open_in_memory().unwrap();
        register_regexp(&c).unwrap();
        let m: bool = c
            .query_row("SELECT 'GET /api/v1' REGEXP '^GET /api/v[0-9]$'", [], |r| {
                r.get(0)
            })
            .unwrap();
        assert!(m);
        let m: Option<bool> = c
            .query_row("SELECT NULL REGEXP 'x'", [], |r| r.get(0))
            .unwrap();
        assert_eq!(m, None);
    }

    #[test]
    fn quotes_in_keys_cannot_escape_the_path() {
        let e = attr_expr("a\"b", AttrScope::Resource);
        assert_eq!(e.params, vec![SqlValue::Text("$.\"ab\"".into())]);
    }
}
