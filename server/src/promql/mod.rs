//! PromQL over stored metrics: `promql-parser` parses, this module evaluates. The evaluator is
//! pure (it reads series through [`Storage`]); `store_source` answers it from the SQLite store
//! with SigNoz's metric names (see `names`).
//!
//! Supported: instant and range selectors with `= != =~ !~`, `offset`, `@`; the functions in
//! [`SUPPORTED_FUNCTIONS`]; the aggregations in [`SUPPORTED_AGGREGATIONS`] with `by`/`without`;
//! arithmetic, comparison (`bool`) and set operators with `on`/`ignoring` and
//! `group_left`/`group_right`. Anything else is refused before evaluation, naming what it was.

mod eval;
mod functions;
pub mod names;
pub mod span_source;
pub mod store_source;
pub mod variables;

use std::collections::BTreeMap;

use promql_parser::label::{MatchOp, Matcher};
use promql_parser::parser::{self, Expr};

pub use eval::{instant_query, range_query};

/// A series' labels, `__name__` included, sorted by name.
pub type Labels = BTreeMap<String, String>;

/// A stored series: samples in time order, times in ms since the epoch.
#[derive(Clone, Debug, PartialEq)]
pub struct Series {
    pub labels: Labels,
    pub samples: Vec<(i64, f64)>,
}

/// One element of an instant vector.
#[derive(Clone, Debug, PartialEq)]
pub struct Sample {
    pub labels: Labels,
    pub value: f64,
}

/// The result of an instant query.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Scalar(f64),
    Vector(Vec<Sample>),
    Matrix(Vec<Series>),
    String(String),
}

/// Where the evaluator reads series from.
pub trait Storage {
    /// Series whose labels satisfy every matcher, with their samples in `[start_ms, end_ms]`.
    fn select(
        &self,
        matchers: &[Matcher],
        start_ms: i64,
        end_ms: i64,
    ) -> Result<Vec<Series>, crate::store::StoreError>;
}

/// Why a query failed: the query itself (HTTP 400) or the storage behind it (500).
#[derive(Debug, Clone, PartialEq)]
pub enum Error {
    BadQuery(String),
    Storage(String),
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::BadQuery(m) | Error::Storage(m) => f.write_str(m),
        }
    }
}

fn bad(msg: impl Into<String>) -> Error {
    Error::BadQuery(msg.into())
}

pub const SUPPORTED_FUNCTIONS: &[&str] = &[
    "rate",
    "irate",
    "increase",
    "delta",
    "idelta",
    "deriv",
    "changes",
    "resets",
    "avg_over_time",
    "sum_over_time",
    "min_over_time",
    "max_over_time",
    "count_over_time",
    "last_over_time",
    "present_over_time",
    "stddev_over_time",
    "stdvar_over_time",
    "quantile_over_time",
    "histogram_quantile",
    "abs",
    "ceil",
    "floor",
    "round",
    "clamp",
    "clamp_min",
    "clamp_max",
    "exp",
    "ln",
    "log2",
    "log10",
    "sqrt",
    "sgn",
    "scalar",
    "vector",
    "time",
    "timestamp",
];

pub const SUPPORTED_AGGREGATIONS: &[&str] = &[
    "sum", "avg", "min", "max", "count", "topk", "bottomk", "quantile", "group", "stddev", "stdvar",
];

/// Longest query text accepted; dashboard queries are far shorter.
pub const MAX_QUERY_LEN: usize = 8 * 1024;
/// Deepest expression nesting accepted (evaluation recurses once per level).
pub const MAX_DEPTH: usize = 64;

/// Parses `query` and refuses what the evaluator does not implement, naming it.
pub fn parse(query: &str) -> Result<Expr, Error> {
    if query.len() > MAX_QUERY_LEN {
        return Err(bad(format!(
            "PromQL query is longer than {MAX_QUERY_LEN} bytes"
        )));
    }
    if paren_depth(query) > MAX_DEPTH {
        return Err(bad(format!(
            "PromQL query nests deeper than {MAX_DEPTH} levels"
        )));
    }
    let expr = parser::parse(query).map_err(|e| bad(format!("invalid PromQL: {e}")))?;
    if depth(&expr, 0) > MAX_DEPTH {
        return Err(bad(format!(
            "PromQL query nests deeper than {MAX_DEPTH} levels"
        )));
    }
    check_supported(&expr)?;
    Ok(expr)
}

/// Bracket nesting of the text outside string literals, checked before parsing.
fn paren_depth(q: &str) -> usize {
    let (mut depth, mut max, mut quote) = (0usize, 0usize, None::<char>);
    let mut escaped = false;
    for c in q.chars() {
        if let Some(qc) = quote {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == qc {
                quote = None;
            }
            continue;
        }
        match c {
            '"' | '\'' | '`' => quote = Some(c),
            '(' | '[' | '{' => {
                depth += 1;
                max = max.max(depth);
            }
            ')' | ']' | '}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    max
}

/// Expression depth, counted no further than just past the limit.
fn depth(e: &Expr, d: usize) -> usize {
    if d > MAX_DEPTH {
        return d;
    }
    let children: Vec<&Expr> = match e {
        Expr::Aggregate(a) => {
            let mut v = vec![a.expr.as_ref()];
            if let Some(p) = &a.param {
                v.push(p);
            }
            v
        }
        Expr::Unary(u) => vec![u.expr.as_ref()],
        Expr::Binary(b) => vec![b.lhs.as_ref(), b.rhs.as_ref()],
        Expr::Paren(p) => vec![p.expr.as_ref()],
        Expr::Subquery(s) => vec![s.expr.as_ref()],
        Expr::Call(c) => c.args.args.iter().map(|a| a.as_ref()).collect(),
        _ => vec![],
    };
    children
        .into_iter()
        .map(|c| depth(c, d + 1))
        .max()
        .unwrap_or(d)
}

fn check_supported(e: &Expr) -> Result<(), Error> {
    match e {
        Expr::Aggregate(a) => {
            let op = a.op.to_string();
            if !SUPPORTED_AGGREGATIONS.contains(&op.as_str()) {
                return Err(bad(format!(
                    "PromQL aggregation {op:?} is not supported by this server"
                )));
            }
            check_supported(&a.expr)?;
            if let Some(p) = &a.param {
                check_supported(p)?;
            }
            Ok(())
        }
        Expr::Unary(u) => check_supported(&u.expr),
        Expr::Binary(b) => {
            if let Some(m) = &b.modifier {
                if m.fill_values.lhs.is_some() || m.fill_values.rhs.is_some() {
                    return Err(bad(
                        "PromQL fill modifiers are not supported by this server",
                    ));
                }
            }
            let op = b.op.to_string();
            if op == "atan2" {
                return Err(bad(
                    "PromQL operator \"atan2\" is not supported by this server",
                ));
            }
            check_supported(&b.lhs)?;
            check_supported(&b.rhs)
        }
        Expr::Paren(p) => check_supported(&p.expr),
        Expr::Subquery(_) => Err(bad("PromQL subqueries are not supported by this server")),
        Expr::Call(c) => {
            if !SUPPORTED_FUNCTIONS.contains(&c.func.name) {
                return Err(bad(format!(
                    "PromQL function {:?} is not supported by this server",
                    c.func.name
                )));
            }
            c.args.args.iter().try_for_each(|a| check_supported(a))
        }
        Expr::NumberLiteral(_) | Expr::StringLiteral(_) => Ok(()),
        Expr::VectorSelector(_) | Expr::MatrixSelector(_) => Ok(()),
        Expr::Extension(_) => Err(bad("PromQL extensions are not supported")),
    }
}

/// Whether `value` satisfies every matcher on `name` (a missing label is the empty string).
pub fn matches_all(matchers: &[Matcher], labels: &Labels) -> bool {
    matchers.iter().all(|m| {
        let v = labels.get(&m.name).map(String::as_str).unwrap_or("");
        m.is_match(v)
    })
}

/// The equality matcher on `__name__`, if the selector has one.
pub fn metric_name(matchers: &[Matcher]) -> Option<&str> {
    matchers
        .iter()
        .find(|m| m.name == "__name__" && matches!(m.op, MatchOp::Equal))
        .map(|m| m.value.as_str())
}

/// Prometheus's staleness marker: a NaN with this bit pattern ends a series at its time.
pub const STALE_NAN: u64 = 0x7ff0_0000_0000_0002;

pub fn is_stale(v: f64) -> bool {
    v.to_bits() == STALE_NAN
}

/// In-memory storage: the test runner's and the unit tests' backend.
#[derive(Default, Clone, Debug)]
pub struct MemoryStorage {
    pub series: Vec<Series>,
}

impl Storage for MemoryStorage {
    fn select(
        &self,
        matchers: &[Matcher],
        start_ms: i64,
        end_ms: i64,
    ) -> Result<Vec<Series>, crate::store::StoreError> {
        Ok(self
            .series
            .iter()
            .filter(|s| matches_all(matchers, &s.labels))
            .map(|s| Series {
                labels: s.labels.clone(),
                samples: s
                    .samples
                    .iter()
                    .copied()
                    .filter(|(t, _)| *t >= start_ms && *t <= end_ms)
                    .collect(),
            })
            .filter(|s| !s.samples.is_empty())
            .collect())
    }
}

/// Prometheus's float formatting for values and `le` labels: shortest round-trip form,
/// `+Inf`, `-Inf`, `NaN`.
pub fn format_value(v: f64) -> String {
    if v.is_nan() {
        "NaN".into()
    } else if v == f64::INFINITY {
        "+Inf".into()
    } else if v == f64::NEG_INFINITY {
        "-Inf".into()
    } else {
        let s = format!("{v}");
        // Go prints large/small magnitudes in exponent form; keep Rust's plain form, which
        // parses back to the same number.
        s
    }
}

#[cfg(test)]
mod tests;
