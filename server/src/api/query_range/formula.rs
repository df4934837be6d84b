//! Formula queries (`expression` ≠ `queryName`, e.g. `A*100/B`): arithmetic over other
//! queries' series, matched by labels and timestamp. Missing points make gaps.

use std::collections::{BTreeMap, HashMap};

use super::series::{Labels, SeriesSet};

#[derive(Debug, Clone, PartialEq)]
enum Node {
    Num(f64),
    Var(String),
    Neg(Box<Node>),
    Bin(char, Box<Node>, Box<Node>),
}

/// Longest accepted expression, in bytes. SigNoz formulas are a few queries and numbers; the
/// cap also bounds the left-leaning `A+A+…` chains that `eval` walks recursively.
pub const MAX_EXPRESSION_LEN: usize = 1024;
/// Deepest accepted nesting of parentheses and unary minus: the parser recurses per level, and
/// a stack overflow aborts the whole process.
pub const MAX_DEPTH: usize = 64;

struct Parser<'a> {
    s: &'a [u8],
    i: usize,
    depth: usize,
}

impl Parser<'_> {
    fn ws(&mut self) {
        while self.i < self.s.len() && self.s[self.i].is_ascii_whitespace() {
            self.i += 1;
        }
    }
    fn peek(&mut self) -> Option<u8> {
        self.ws();
        self.s.get(self.i).copied()
    }
    fn expr(&mut self) -> Result<Node, String> {
        let mut left = self.term()?;
        while let Some(c @ (b'+' | b'-')) = self.peek() {
            self.i += 1;
            left = Node::Bin(c as char, Box::new(left), Box::new(self.term()?));
        }
        Ok(left)
    }
    fn term(&mut self) -> Result<Node, String> {
        let mut left = self.factor()?;
        while let Some(c @ (b'*' | b'/' | b'%')) = self.peek() {
            self.i += 1;
            left = Node::Bin(c as char, Box::new(left), Box::new(self.factor()?));
        }
        Ok(left)
    }
    fn factor(&mut self) -> Result<Node, String> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(format!(
                "expression is nested more than {MAX_DEPTH} levels deep"
            ));
        }
        let node = self.atom();
        self.depth -= 1;
        node
    }
    fn atom(&mut self) -> Result<Node, String> {
        match self.peek() {
            Some(b'(') => {
                self.i += 1;
                let e = self.expr()?;
                if self.peek() != Some(b')') {
                    return Err("missing ')' in expression".into());
                }
                self.i += 1;
                Ok(e)
            }
            Some(b'-') => {
                self.i += 1;
                Ok(Node::Neg(Box::new(self.factor()?)))
            }
            Some(c) if c.is_ascii_digit() || c == b'.' => {
                let st = self.i;
                while self.i < self.s.len()
                    && (self.s[self.i].is_ascii_digit() || self.s[self.i] == b'.')
                {
                    self.i += 1;
                }
                let t = std::str::from_utf8(&self.s[st..self.i]).unwrap();
                t.parse()
                    .map(Node::Num)
                    .map_err(|_| format!("bad number {t:?} in expression"))
            }
            Some(c) if c.is_ascii_alphabetic() => {
                let st = self.i;
                while self.i < self.s.len()
                    && (self.s[self.i].is_ascii_alphanumeric() || self.s[self.i] == b'_')
                {
                    self.i += 1;
                }
                Ok(Node::Var(
                    String::from_utf8_lossy(&self.s[st..self.i]).into_owned(),
                ))
            }
            _ => Err("unexpected token in expression".into()),
        }
    }
}

fn parse(expr: &str) -> Result<Node, String> {
    if expr.len() > MAX_EXPRESSION_LEN {
        return Err(format!(
            "expression is longer than {MAX_EXPRESSION_LEN} bytes"
        ));
    }
    let mut p = Parser {
        s: expr.as_bytes(),
        i: 0,
        depth: 0,
    };
    let n = p.expr()?;
    if p.peek().is_some() {
        return Err(format!("unexpected trailing input in expression {expr:?}"));
    }
    Ok(n)
}

fn vars(n: &Node, out: &mut Vec<String>) {
    match n {
        Node::Var(v) => out.push(v.clone()),
        Node::Neg(a) => vars(a, out),
        Node::Bin(_, a, b) => {
            vars(a, out);
            vars(b, out);
        }
        Node::Num(_) => {}
    }
}

fn eval(n: &Node, env: &HashMap<&str, f64>) -> Option<f64> {
    Some(match n {
        Node::Num(x) => *x,
        Node::Var(v) => *env.get(v.as_str())?,
        Node::Neg(a) => -eval(a, env)?,
        Node::Bin(op, a, b) => {
            let (x, y) = (eval(a, env)?, eval(b, env)?);
            match op {
                '+' => x + y,
                '-' => x - y,
                '*' => x * y,
                '/' => x / y,
                _ => x % y,
            }
        }
    })
}

/// Names of the queries an expression uses.
pub fn referenced(expr: &str) -> Result<Vec<String>, String> {
    let mut v = Vec::new();
    vars(&parse(expr)?, &mut v);
    Ok(v)
}

/// Evaluates `expr` point by point. A series whose labels match another's (or has no labels)
/// is joined with it; a timestamp missing from any operand is left out.
pub fn evaluate(expr: &str, inputs: &HashMap<String, SeriesSet>) -> Result<SeriesSet, String> {
    let node = parse(expr)?;
    let mut names = Vec::new();
    vars(&node, &mut names);
    names.sort();
    names.dedup();
    for n in &names {
        if !inputs.contains_key(n) {
            return Err(format!("expression refers to unknown query {n}"));
        }
    }
    let mut all_labels: Vec<Labels> = names
        .iter()
        .flat_map(|n| inputs[n].series.keys().cloned())
        .collect();
    all_labels.sort();
    all_labels.dedup();
    let mut out = SeriesSet::default();
    for labels in all_labels {
        let pick = |n: &str| -> Option<&BTreeMap<i64, f64>> {
            let s = &inputs[n].series;
            s.get(&labels).or_else(|| s.get(&Vec::new()))
        };
        let operands: Vec<(&str, &BTreeMap<i64, f64>)> = match names
            .iter()
            .map(|n| pick(n).map(|p| (n.as_str(), p)))
            .collect()
        {
            Some(v) => v,
            None => continue,
        };
        let Some((_, first)) = operands.first() else {
            continue;
        };
        for ts in first.keys() {
            let env: Option<HashMap<&str, f64>> = operands
                .iter()
                .map(|(n, p)| p.get(ts).map(|v| (*n, *v)))
                .collect();
            if let Some(v) = env.and_then(|e| eval(&node, &e)) {
                out.set(labels.clone(), *ts, v);
            }
        }
    }
    if names.is_empty() {
        return Err("expression uses no query".into());
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_rate_formula() {
        let mut a = SeriesSet::default();
        let mut b = SeriesSet::default();
        a.set(vec![], 0, 2.0);
        b.set(vec![], 0, 8.0);
        b.set(vec![], 60_000, 4.0);
        let inputs = HashMap::from([("A".to_string(), a), ("B".to_string(), b)]);
        let r = evaluate("A*100/B", &inputs).unwrap();
        assert_eq!(r.series[&Vec::new()], BTreeMap::from([(0, 25.0)]));
        assert_eq!(referenced("(A + B) / 2").unwrap(), vec!["A", "B"]);
        assert!(evaluate("A +", &inputs).is_err());
        assert!(evaluate("C", &inputs).is_err());
    }

    #[test]
    fn deep_or_long_expressions_are_errors_not_crashes() {
        let deep = format!("{}A", "-".repeat(60_000));
        assert!(referenced(&deep).unwrap_err().contains("longer"));
        let nested = format!("{}A{}", "(".repeat(65), ")".repeat(65));
        assert!(referenced(&nested).unwrap_err().contains("nested"));
        let ok = format!("{}A{}", "(".repeat(60), ")".repeat(60));
        assert_eq!(referenced(&ok).unwrap(), vec!["A"]);
        let chain = vec!["A"; 500].join("+");
        assert_eq!(referenced(&chain).unwrap().len(), 500);
    }
}
