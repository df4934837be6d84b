//! The `q` search language of SigNoz v0.39's v1 logs API (`app/logs/parser.go`):
//!
//! ```text
//! query := cond ((AND | OR) cond)*            AND binds tighter than OR, as in SQL
//! cond  := field (IN | NIN) '(' value (',' value)* ')'
//!        | field (GT | GTE | LT | LTE) value   (also > >= < <= = != here)
//!        | field (CONTAINS | NCONTAINS) 'text'
//!        | field (EXISTS | NEXISTS)
//! value := 'quoted \' text' | bare-word        (a bare number compares as a number)
//! ```
//!
//! Keywords are case-insensitive; `fulltext` names the body. A query in which no condition
//! can be read at all is a full-text search of the body, as v0.39 treats it. Conditions
//! become the same SQL as v3 builder filters (`store::filter::condition`), with every value
//! a bound parameter.

use std::collections::HashMap;

use rusqlite::types::Value as SqlValue;
use rusqlite::Connection;
use serde_json::Value;

use super::query_range::table::log_column;
use crate::store::filter::{attr_expr, condition, AttrScope, Expr, ValueKind, Where};

/// v0.39's message for text it cannot read after a valid condition.
pub const UNKNOWN_TOKENS: &str = "failed to parse query, contains unknown tokens";
/// v0.39's message for a field that is neither a column nor a known attribute.
pub const FIELD_NOT_FOUND: &str = "field not found for filtering";

#[derive(Debug, Clone, PartialEq)]
pub struct Cond {
    pub field: String,
    /// v3 filter operator name (`in`, `>=`, `contains`, `exists`, ...).
    pub op: &'static str,
    pub value: Value,
}

/// OR of AND-groups.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Search {
    pub groups: Vec<Vec<Cond>>,
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Word(String),
    Str(String),
    Sym(&'static str),
}

fn tokenize(q: &str) -> Result<Vec<Tok>, String> {
    let mut out = Vec::new();
    let mut it = q.chars().peekable();
    while let Some(&c) = it.peek() {
        if c.is_whitespace() {
            it.next();
        } else if c == '\'' {
            it.next();
            let mut s = String::new();
            loop {
                match it.next() {
                    None => return Err("unterminated quoted string".into()),
                    Some('\\') => match it.next() {
                        Some(e) => s.push(e),
                        None => return Err("unterminated quoted string".into()),
                    },
                    Some('\'') => break,
                    Some(ch) => s.push(ch),
                }
            }
            out.push(Tok::Str(s));
        } else if let Some(sym) = ["(", ")", ","].into_iter().find(|s| s.starts_with(c)) {
            it.next();
            out.push(Tok::Sym(sym));
        } else if matches!(c, '>' | '<' | '=' | '!') {
            it.next();
            let eq = it.peek() == Some(&'=');
            let sym = match (c, eq) {
                ('>', true) => ">=",
                ('<', true) => "<=",
                ('!', true) => "!=",
                ('=', _) => "=",
                ('>', false) => ">",
                ('<', false) => "<",
                _ => return Err(format!("unexpected {c:?}")),
            };
            if eq {
                it.next(); // `==` reads as `=`
            }
            out.push(Tok::Sym(sym));
        } else {
            let mut w = String::new();
            while let Some(&ch) = it.peek() {
                if ch.is_whitespace() || "()',<>=!".contains(ch) {
                    break;
                }
                w.push(ch);
                it.next();
            }
            out.push(Tok::Word(w));
        }
    }
    Ok(out)
}

struct Parser {
    toks: Vec<Tok>,
    pos: usize,
}

impl Parser {
    fn next(&mut self) -> Option<Tok> {
        let t = self.toks.get(self.pos).cloned();
        self.pos += 1;
        t
    }

    fn keyword(&self) -> Option<String> {
        match self.toks.get(self.pos) {
            Some(Tok::Word(w)) => Some(w.to_ascii_lowercase()),
            _ => None,
        }
    }

    fn value(&mut self) -> Result<Value, String> {
        match self.next() {
            Some(Tok::Str(s)) => Ok(Value::String(s)),
            Some(Tok::Word(w)) => Ok(bare_value(w)),
            _ => Err("expected a value".into()),
        }
    }

    fn cond(&mut self) -> Result<Cond, String> {
        let field = match self.next() {
            Some(Tok::Word(w)) if w.chars().all(|c| c.is_alphanumeric() || "_.-".contains(c)) => w,
            _ => return Err("expected a field name".into()),
        };
        let op_tok = self.next().ok_or("expected an operator")?;
        let op: &'static str = match &op_tok {
            Tok::Sym(s @ (">" | ">=" | "<" | "<=" | "=" | "!=")) => s,
            Tok::Word(w) => match w.to_ascii_lowercase().as_str() {
                "gt" => ">",
                "gte" => ">=",
                "lt" => "<",
                "lte" => "<=",
                "in" => "in",
                "nin" => "nin",
                "contains" => "contains",
                "ncontains" => "ncontains",
                "exists" => "exists",
                "nexists" => "nexists",
                _ => return Err(format!("unknown operator {w:?}")),
            },
            _ => return Err("expected an operator".into()),
        };
        let value = match op {
            "in" | "nin" => {
                if self.next() != Some(Tok::Sym("(")) {
                    return Err("expected '(' after IN".into());
                }
                let mut vals = vec![self.value()?];
                loop {
                    match self.next() {
                        Some(Tok::Sym(",")) => vals.push(self.value()?),
                        Some(Tok::Sym(")")) => break,
                        _ => return Err("expected ',' or ')'".into()),
                    }
                }
                Value::Array(vals)
            }
            "contains" | "ncontains" => match self.next() {
                Some(Tok::Str(s)) => Value::String(s),
                _ => return Err("CONTAINS needs a quoted string".into()),
            },
            "exists" | "nexists" => Value::Null,
            _ => self.value()?,
        };
        Ok(Cond { field, op, value })
    }
}

/// A bare word: a number when it reads as one, else text.
fn bare_value(w: String) -> Value {
    if let Ok(i) = w.parse::<i64>() {
        return i.into();
    }
    match w.parse::<f64>() {
        Ok(f) if f.is_finite() => serde_json::Number::from_f64(f)
            .map(Value::Number)
            .unwrap_or(Value::String(w)),
        _ => Value::String(w),
    }
}

/// Parses `q`; an empty query matches everything.
pub fn parse(q: &str) -> Result<Search, String> {
    if q.trim().is_empty() {
        return Ok(Search::default());
    }
    let fulltext = || Search {
        groups: vec![vec![Cond {
            field: "body".into(),
            op: "contains",
            value: Value::String(q.to_string()),
        }]],
    };
    let Ok(toks) = tokenize(q) else {
        return Ok(fulltext());
    };
    let mut p = Parser { toks, pos: 0 };
    let Ok(first) = p.cond() else {
        return Ok(fulltext());
    };
    let mut groups = vec![vec![first]];
    while p.pos < p.toks.len() {
        let joiner = p.keyword();
        p.pos += 1;
        let c = match joiner.as_deref() {
            Some("and" | "or") => p.cond().map_err(|_| UNKNOWN_TOKENS.to_string())?,
            _ => return Err(UNKNOWN_TOKENS.into()),
        };
        if joiner.as_deref() == Some("or") {
            groups.push(vec![c]);
        } else {
            groups.last_mut().expect("one group at least").push(c);
        }
    }
    Ok(Search { groups })
}

/// Log attribute keys the store has seen: name → (scope, data type), for field lookups.
#[derive(Debug, Clone, Default)]
pub struct LogKeys(HashMap<String, (AttrScope, ValueKind)>);

impl LogKeys {
    pub fn load(c: &Connection) -> rusqlite::Result<LogKeys> {
        // Attributes win over resources of the same name (read second, so they overwrite).
        let mut st = c.prepare(
            "SELECT key, type, data_type FROM attr_keys WHERE source = 'logs'
             ORDER BY type = 'tag', key",
        )?;
        let rows = st.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
            ))
        })?;
        let mut m = HashMap::new();
        for row in rows {
            let (k, t, dt) = row?;
            m.insert(k, (AttrScope::parse(&t), ValueKind::of_data_type(&dt)));
        }
        Ok(LogKeys(m))
    }

    /// The SQL a field name reads: a logs column, or a stored attribute.
    pub fn resolve(&self, field: &str) -> Result<(Expr, ValueKind), String> {
        let key = if field.eq_ignore_ascii_case("fulltext") {
            "body"
        } else {
            field
        };
        if let Some((col, kind)) = log_column(key) {
            return Ok((
                Expr {
                    sql: col.into(),
                    params: vec![],
                },
                kind,
            ));
        }
        match self.0.get(key) {
            Some(&(scope, kind)) => Ok((attr_expr(key, scope), kind)),
            None => Err(FIELD_NOT_FOUND.into()),
        }
    }
}

impl Search {
    pub fn is_empty(&self) -> bool {
        self.groups.is_empty()
    }

    /// Adds the search as one clause of `w`.
    pub fn push_to(&self, w: &mut Where, keys: &LogKeys) -> Result<(), String> {
        if self.groups.is_empty() {
            return Ok(());
        }
        let mut ors = Vec::new();
        let mut params: Vec<SqlValue> = Vec::new();
        for g in &self.groups {
            let mut ands = Vec::new();
            for c in g {
                let (e, kind) = keys.resolve(&c.field)?;
                let (sql, p) = match (c.op, e.params.is_empty()) {
                    // A column always holds a value; v0.39 reads "exists" as "not the default".
                    (op @ ("exists" | "nexists"), true) => {
                        let empty = if kind == ValueKind::Number {
                            Value::from(0)
                        } else {
                            Value::from("")
                        };
                        let op = if op == "exists" { "!=" } else { "=" };
                        condition(&e, op, &empty, kind)?
                    }
                    (op, _) => condition(&e, op, &c.value, kind)?,
                };
                ands.push(format!("({sql})"));
                params.extend(p);
            }
            ors.push(format!("({})", ands.join(" AND ")));
        }
        w.push(ors.join(" OR "), params);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn c(field: &str, op: &'static str, value: Value) -> Cond {
        Cond {
            field: field.into(),
            op,
            value,
        }
    }

    #[test]
    fn reads_v039_queries() {
        let s = parse(
            "service_name IN ('a', 'b\\'c') AND body contains 'x y' or duration GTE 10 and k nexists",
        )
        .unwrap();
        assert_eq!(
            s.groups,
            vec![
                vec![
                    c("service_name", "in", json!(["a", "b'c"])),
                    c("body", "contains", json!("x y")),
                ],
                vec![
                    c("duration", ">=", json!(10)),
                    c("k", "nexists", Value::Null)
                ],
            ]
        );
        assert_eq!(
            parse("a > 1.5 AND b != 'x'").unwrap().groups,
            vec![vec![c("a", ">", json!(1.5)), c("b", "!=", json!("x"))]]
        );
    }

    #[test]
    fn plain_text_is_full_text_and_trailing_junk_is_refused() {
        assert_eq!(
            parse("connection refused").unwrap().groups,
            vec![vec![c("body", "contains", json!("connection refused"))]]
        );
        for bad in [
            "a in ('x') garbage",
            "a gt 1 AND",
            "a gt 1 AND b in ('x'",
            "a gt 1; DROP TABLE logs",
        ] {
            assert_eq!(parse(bad).unwrap_err(), UNKNOWN_TOKENS, "{bad}");
        }
        assert!(parse("").unwrap().is_empty());
    }
}
