//! Dashboard variables in PromQL text, as SigNoz v0.39 fills them before running a query:
//! `{{.name}}` (its Go template), plus the `[[name]]` and `$name` spellings dashboards use.
//! Values are formatted as v0.39's `PromFormattedValue`: lists joined with `|` (for `=~`),
//! numbers with Go's `%f`. The reserved `start_timestamp`… variables are set too.

use std::sync::OnceLock;

use regex::{Captures, Regex};
use serde_json::{Map, Value};

/// A variable value as PromQL text.
pub fn prom_formatted(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Number(n) => format!("{:.6}", n.as_f64().unwrap_or(0.0)),
        Value::Bool(b) => b.to_string(),
        Value::Array(items) => items
            .iter()
            .map(|i| match i {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            })
            .collect::<Vec<_>>()
            .join("|"),
        _ => String::new(),
    }
}

fn reserved(name: &str, start_ms: i64, end_ms: i64) -> Option<String> {
    Some(match name {
        "start_timestamp" => (start_ms / 1000).to_string(),
        "end_timestamp" => (end_ms / 1000).to_string(),
        "start_timestamp_ms" => start_ms.to_string(),
        "end_timestamp_ms" => end_ms.to_string(),
        "start_timestamp_nano" => (start_ms as i128 * 1_000_000).to_string(),
        "end_timestamp_nano" => (end_ms as i128 * 1_000_000).to_string(),
        "start_datetime" => format!("toDateTime({})", start_ms / 1000),
        "end_datetime" => format!("toDateTime({})", end_ms / 1000),
        _ => return None,
    })
}

fn pattern() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"\{\{\s*\.?([A-Za-z_][A-Za-z0-9_.]*)\s*\}\}|\[\[\s*([A-Za-z_][A-Za-z0-9_.]*)\s*\]\]|\$([A-Za-z_][A-Za-z0-9_]*)")
            .unwrap()
    })
}

/// A variable value as ClickHouse SQL text (v0.39's `ClickHouseFormattedValue`): strings
/// quoted, string lists as `['a','b']`, numeric lists comma-joined.
pub fn clickhouse_formatted(v: &Value) -> String {
    let quote = |s: &str| format!("'{}'", s.replace('\\', "\\\\").replace('\'', "\\'"));
    match v {
        Value::String(s) => quote(s),
        Value::Number(n) if n.is_f64() => format!("{:.6}", n.as_f64().unwrap_or(0.0)),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Array(items) => match items.first() {
            None => String::new(),
            Some(Value::String(_)) => format!(
                "[{}]",
                items
                    .iter()
                    .map(|i| quote(i.as_str().unwrap_or_default()))
                    .collect::<Vec<_>>()
                    .join(",")
            ),
            Some(_) => items
                .iter()
                .map(|i| i.to_string())
                .collect::<Vec<_>>()
                .join(","),
        },
        _ => String::new(),
    }
}

/// `query` with every known variable replaced; unknown ones are left as written.
pub fn substitute(query: &str, vars: &Map<String, Value>, start_ms: i64, end_ms: i64) -> String {
    substitute_with(query, vars, start_ms, end_ms, prom_formatted)
}

/// [`substitute`] with another value format (ClickHouse SQL for `query_range/format`).
pub fn substitute_with(
    query: &str,
    vars: &Map<String, Value>,
    start_ms: i64,
    end_ms: i64,
    format: fn(&Value) -> String,
) -> String {
    pattern()
        .replace_all(query, |c: &Captures| {
            let name = c
                .get(1)
                .or_else(|| c.get(2))
                .or_else(|| c.get(3))
                .map(|m| m.as_str())
                .unwrap_or("");
            match vars.get(name) {
                Some(v) => format(v),
                None => reserved(name, start_ms, end_ms).unwrap_or_else(|| c[0].to_string()),
            }
        })
        .into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn fills_every_spelling() {
        let vars = json!({"host": ["a", "b"], "job": "api", "n": 5})
            .as_object()
            .unwrap()
            .clone();
        assert_eq!(
            substitute(
                r#"up{host=~"{{.host}}", job="$job"} > [[n]]"#,
                &vars,
                1000,
                2000
            ),
            r#"up{host=~"a|b", job="api"} > 5.000000"#
        );
        assert_eq!(
            substitute("x{a=\"{{ .job }}\"}", &vars, 0, 0),
            "x{a=\"api\"}"
        );
        assert_eq!(
            substitute("$unknown + {{.end_timestamp}}", &vars, 0, 9000),
            "$unknown + 9"
        );
    }
}
