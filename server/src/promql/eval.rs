//! The evaluator: every selector's series are read from storage once for the whole query
//! window, then the expression is evaluated at each step over those samples in memory.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::time::{Duration, UNIX_EPOCH};

use promql_parser::label::{MatchOp, Matcher};
use promql_parser::parser::token::{
    T_ADD, T_AVG, T_BOTTOMK, T_COUNT, T_DIV, T_EQLC, T_GROUP, T_GTE, T_GTR, T_LAND, T_LOR, T_LSS,
    T_LTE, T_LUNLESS, T_MAX, T_MIN, T_MOD, T_MUL, T_NEQ, T_POW, T_QUANTILE, T_STDDEV, T_STDVAR,
    T_SUB, T_SUM, T_TOPK,
};
use promql_parser::parser::{
    AggregateExpr, AtModifier, BinaryExpr, Expr, LabelModifier, Offset, VectorMatchCardinality,
    VectorSelector,
};

use super::functions;
use super::{bad, Error, Labels, Sample, Series, Storage, Value};

/// How far back an instant selector looks for a sample (Prometheus's default).
pub const LOOKBACK_MS: i64 = 5 * 60 * 1000;
/// Most points one series of a range query may have (Prometheus's limit).
pub const MAX_POINTS: i64 = 11_000;

/// Evaluates `expr` at `t_ms`.
pub fn instant_query(st: &dyn Storage, expr: &Expr, t_ms: i64) -> Result<Value, Error> {
    let ev = Evaluator::load(st, expr, t_ms, t_ms)?;
    ev.eval(expr, t_ms)
}

/// Evaluates `expr` at every step from `start_ms` to `end_ms`; a scalar result is one series
/// without labels. Series come sorted by labels.
pub fn range_query(
    st: &dyn Storage,
    expr: &Expr,
    start_ms: i64,
    end_ms: i64,
    step_ms: i64,
) -> Result<Vec<Series>, Error> {
    if step_ms <= 0 {
        return Err(bad(
            "zero or negative query resolution step widths are not accepted",
        ));
    }
    if end_ms < start_ms {
        return Err(bad("end timestamp must not be before start time"));
    }
    if end_ms.saturating_sub(start_ms) / step_ms >= MAX_POINTS {
        return Err(bad(
            "exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)",
        ));
    }
    let ev = Evaluator::load(st, expr, start_ms, end_ms)?;
    let mut out: BTreeMap<Labels, Vec<(i64, f64)>> = BTreeMap::new();
    let mut t = start_ms;
    while t <= end_ms {
        match ev.eval(expr, t)? {
            Value::Scalar(v) => out.entry(Labels::new()).or_default().push((t, v)),
            Value::Vector(samples) => {
                for s in samples {
                    out.entry(s.labels).or_default().push((t, s.value));
                }
            }
            Value::Matrix(_) | Value::String(_) => {
                return Err(bad(
                    "a range query must return an instant vector or a scalar",
                ))
            }
        }
        match t.checked_add(step_ms) {
            Some(next) => t = next,
            None => break,
        }
    }
    Ok(out
        .into_iter()
        .map(|(labels, samples)| Series { labels, samples })
        .collect())
}

pub(crate) struct Evaluator {
    start: i64,
    end: i64,
    data: HashMap<String, Vec<Series>>,
}

fn duration_ms(d: &Duration) -> i64 {
    d.as_millis().min(i64::MAX as u128) as i64
}

fn offset_ms(o: &Option<Offset>) -> i64 {
    match o {
        Some(Offset::Pos(d)) => duration_ms(d),
        Some(Offset::Neg(d)) => -duration_ms(d),
        None => 0,
    }
}

/// Every matcher of a selector, `__name__` included, one list per `or` alternative.
fn matcher_sets(vs: &VectorSelector) -> Vec<Vec<Matcher>> {
    let mut sets = if vs.matchers.or_matchers.is_empty() {
        vec![vs.matchers.matchers.clone()]
    } else {
        vs.matchers.or_matchers.clone()
    };
    if let Some(name) = &vs.name {
        for s in &mut sets {
            if !s.iter().any(|m| m.name == "__name__") {
                s.push(Matcher::new(MatchOp::Equal, "__name__", name));
            }
        }
    }
    sets
}

fn selector_key(vs: &VectorSelector) -> String {
    format!("{:?}|{}", vs.name, vs.matchers)
}

impl Evaluator {
    /// Reads every selector's series for the window the query can look at.
    fn load(st: &dyn Storage, expr: &Expr, start: i64, end: i64) -> Result<Evaluator, Error> {
        let mut windows: HashMap<String, (VectorSelector, i64, i64)> = HashMap::new();
        let mut ev = Evaluator {
            start,
            end,
            data: HashMap::new(),
        };
        ev.collect(expr, &mut windows);
        for (key, (vs, lo, hi)) in windows {
            let mut seen: HashSet<Labels> = HashSet::new();
            let mut all = Vec::new();
            for set in matcher_sets(&vs) {
                for s in st
                    .select(&set, lo, hi)
                    .map_err(|e| Error::Storage(e.to_string()))?
                {
                    if seen.insert(s.labels.clone()) {
                        all.push(s);
                    }
                }
            }
            ev.data.insert(key, all);
        }
        Ok(ev)
    }

    fn collect(&self, e: &Expr, w: &mut HashMap<String, (VectorSelector, i64, i64)>) {
        let mut add = |vs: &VectorSelector, range: i64| {
            let (lo_t, hi_t) = match self.at_time(&vs.at) {
                Some(at) => (at, at),
                None => (self.start, self.end),
            };
            let off = offset_ms(&vs.offset);
            let lo = lo_t.saturating_sub(off).saturating_sub(range);
            let hi = hi_t.saturating_sub(off);
            let entry = w.entry(selector_key(vs)).or_insert((vs.clone(), lo, hi));
            entry.1 = entry.1.min(lo);
            entry.2 = entry.2.max(hi);
        };
        match e {
            Expr::VectorSelector(vs) => add(vs, LOOKBACK_MS),
            Expr::MatrixSelector(ms) => add(&ms.vs, duration_ms(&ms.range)),
            Expr::Aggregate(a) => {
                self.collect(&a.expr, w);
                if let Some(p) = &a.param {
                    self.collect(p, w);
                }
            }
            Expr::Unary(u) => self.collect(&u.expr, w),
            Expr::Binary(b) => {
                self.collect(&b.lhs, w);
                self.collect(&b.rhs, w);
            }
            Expr::Paren(p) => self.collect(&p.expr, w),
            Expr::Subquery(s) => self.collect(&s.expr, w),
            Expr::Call(c) => c.args.args.iter().for_each(|a| self.collect(a, w)),
            _ => {}
        }
    }

    fn at_time(&self, at: &Option<AtModifier>) -> Option<i64> {
        match at {
            None => None,
            Some(AtModifier::Start) => Some(self.start),
            Some(AtModifier::End) => Some(self.end),
            Some(AtModifier::At(t)) => Some(match t.duration_since(UNIX_EPOCH) {
                Ok(d) => duration_ms(&d),
                Err(e) => -duration_ms(&e.duration()),
            }),
        }
    }

    /// The reference time a selector reads at: its `@` time or `t`, minus its offset.
    fn ref_time(&self, vs: &VectorSelector, t: i64) -> i64 {
        self.at_time(&vs.at)
            .unwrap_or(t)
            .saturating_sub(offset_ms(&vs.offset))
    }

    fn series(&self, vs: &VectorSelector) -> &[Series] {
        self.data
            .get(&selector_key(vs))
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    /// The instant vector of a selector at `t`, with each sample's own timestamp.
    pub(crate) fn select_instant(&self, vs: &VectorSelector, t: i64) -> Vec<(Sample, i64)> {
        let r = self.ref_time(vs, t);
        let mut out = Vec::new();
        for s in self.series(vs) {
            let i = s.samples.partition_point(|(ts, _)| *ts <= r);
            if i == 0 {
                continue;
            }
            let (ts, v) = s.samples[i - 1];
            if ts > r.saturating_sub(LOOKBACK_MS) && !super::is_stale(v) {
                out.push((
                    Sample {
                        labels: s.labels.clone(),
                        value: v,
                    },
                    ts,
                ));
            }
        }
        out
    }

    /// The samples of a range selector at `t`, in `(t - range, t]` after offset and `@`;
    /// also returns that window.
    pub(crate) fn select_range(
        &self,
        vs: &VectorSelector,
        range: &Duration,
        t: i64,
    ) -> (Vec<Series>, i64, i64) {
        let r = self.ref_time(vs, t);
        let lo = r.saturating_sub(duration_ms(range));
        let mut out = Vec::new();
        for s in self.series(vs) {
            let a = s.samples.partition_point(|(ts, _)| *ts <= lo);
            let b = s.samples.partition_point(|(ts, _)| *ts <= r);
            if b > a && s.samples[a..b].iter().any(|(_, v)| !super::is_stale(*v)) {
                out.push(Series {
                    labels: s.labels.clone(),
                    samples: s.samples[a..b]
                        .iter()
                        .copied()
                        .filter(|(_, v)| !super::is_stale(*v))
                        .collect(),
                });
            }
        }
        (out, lo, r)
    }

    pub(crate) fn eval(&self, e: &Expr, t: i64) -> Result<Value, Error> {
        match e {
            Expr::NumberLiteral(n) => Ok(Value::Scalar(n.val)),
            Expr::StringLiteral(s) => Ok(Value::String(s.val.clone())),
            Expr::Paren(p) => self.eval(&p.expr, t),
            Expr::Unary(u) => match self.eval(&u.expr, t)? {
                Value::Scalar(v) => Ok(Value::Scalar(-v)),
                Value::Vector(v) => functions::distinct(
                    v.into_iter()
                        .map(|s| Sample {
                            labels: drop_name(s.labels),
                            value: -s.value,
                        })
                        .collect(),
                ),
                _ => Err(bad("unary minus needs a scalar or an instant vector")),
            },
            Expr::VectorSelector(vs) => Ok(Value::Vector(
                self.select_instant(vs, t)
                    .into_iter()
                    .map(|(s, _)| s)
                    .collect(),
            )),
            Expr::MatrixSelector(ms) => {
                Ok(Value::Matrix(self.select_range(&ms.vs, &ms.range, t).0))
            }
            Expr::Call(c) => functions::call(self, c, t),
            Expr::Aggregate(a) => self.aggregate(a, t),
            Expr::Binary(b) => self.binary(b, t),
            Expr::Subquery(_) => Err(bad("PromQL subqueries are not supported by this server")),
            Expr::Extension(_) => Err(bad("PromQL extensions are not supported")),
        }
    }

    pub(crate) fn eval_vector(&self, e: &Expr, t: i64) -> Result<Vec<Sample>, Error> {
        match self.eval(e, t)? {
            Value::Vector(v) => Ok(v),
            _ => Err(bad(format!("expected an instant vector: {e}"))),
        }
    }

    pub(crate) fn eval_scalar(&self, e: &Expr, t: i64) -> Result<f64, Error> {
        match self.eval(e, t)? {
            Value::Scalar(v) => Ok(v),
            _ => Err(bad(format!("expected a scalar: {e}"))),
        }
    }

    fn aggregate(&self, a: &AggregateExpr, t: i64) -> Result<Value, Error> {
        let op = a.op.id();
        let param = match &a.param {
            Some(p) if matches!(op, T_TOPK | T_BOTTOMK | T_QUANTILE) => {
                Some(self.eval_scalar(p, t)?)
            }
            _ => None,
        };
        if matches!(op, T_TOPK | T_BOTTOMK) && param.is_some_and(f64::is_nan) {
            return Err(bad("Parameter value is NaN"));
        }
        let input = self.eval_vector(&a.expr, t)?;
        let group_of = |l: &Labels| -> Labels {
            match &a.modifier {
                Some(LabelModifier::Include(ls)) => l
                    .iter()
                    .filter(|(k, _)| ls.labels.contains(k))
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect(),
                Some(LabelModifier::Exclude(ls)) => l
                    .iter()
                    .filter(|(k, _)| !ls.labels.contains(k) && k.as_str() != "__name__")
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect(),
                None => Labels::new(),
            }
        };
        // Groups in first-seen order, as Prometheus emits them.
        let mut order: Vec<Labels> = Vec::new();
        let mut groups: HashMap<Labels, Vec<Sample>> = HashMap::new();
        for s in input {
            let g = group_of(&s.labels);
            let e = groups.entry(g.clone()).or_default();
            if e.is_empty() {
                order.push(g);
            }
            e.push(s);
        }
        let mut out = Vec::new();
        for g in order {
            let members = groups.remove(&g).unwrap_or_default();
            let vals: Vec<f64> = members.iter().map(|s| s.value).collect();
            let value = match op {
                T_SUM => kahan_sum(&vals),
                T_AVG => mean(&vals),
                T_COUNT => vals.len() as f64,
                T_GROUP => 1.0,
                T_MIN => {
                    vals.iter().copied().fold(
                        f64::NAN,
                        |m, v| {
                            if m.is_nan() || v < m {
                                v
                            } else {
                                m
                            }
                        },
                    )
                }
                T_MAX => {
                    vals.iter().copied().fold(
                        f64::NAN,
                        |m, v| {
                            if m.is_nan() || v > m {
                                v
                            } else {
                                m
                            }
                        },
                    )
                }
                T_STDDEV => variance(&vals).sqrt(),
                T_STDVAR => variance(&vals),
                T_QUANTILE => functions::quantile(param.unwrap_or(f64::NAN), vals.clone()),
                T_TOPK | T_BOTTOMK => {
                    let k = param.unwrap_or(0.0);
                    if k.is_nan() {
                        return Err(bad("Parameter value is NaN"));
                    }
                    if k < 1.0 {
                        continue;
                    }
                    let k = k.min(members.len() as f64) as usize;
                    let mut m = members;
                    let top = op == T_TOPK;
                    // NaN sorts last either way.
                    m.sort_by(|x, y| {
                        let (a, b) = (x.value, y.value);
                        match (a.is_nan(), b.is_nan()) {
                            (true, true) => std::cmp::Ordering::Equal,
                            (true, false) => std::cmp::Ordering::Greater,
                            (false, true) => std::cmp::Ordering::Less,
                            _ if top => b.total_cmp(&a),
                            _ => a.total_cmp(&b),
                        }
                    });
                    m.truncate(k);
                    out.extend(m);
                    continue;
                }
                _ => {
                    return Err(bad(format!(
                        "PromQL aggregation {:?} is not supported by this server",
                        a.op.to_string()
                    )))
                }
            };
            out.push(Sample { labels: g, value });
        }
        Ok(Value::Vector(out))
    }

    fn binary(&self, b: &BinaryExpr, t: i64) -> Result<Value, Error> {
        let op = b.op.id();
        let lhs = self.eval(&b.lhs, t)?;
        let rhs = self.eval(&b.rhs, t)?;
        let return_bool = b.modifier.as_ref().is_some_and(|m| m.return_bool);
        let comparison = is_comparison(op);
        match (lhs, rhs) {
            (Value::Scalar(l), Value::Scalar(r)) => {
                let (v, keep) = elem_binop(op, l, r)?;
                if comparison {
                    Ok(Value::Scalar(if keep { 1.0 } else { 0.0 }))
                } else {
                    Ok(Value::Scalar(v))
                }
            }
            (Value::Vector(v), Value::Scalar(s)) => {
                Ok(Value::Vector(vector_scalar(op, v, s, false, return_bool)?))
            }
            (Value::Scalar(s), Value::Vector(v)) => {
                Ok(Value::Vector(vector_scalar(op, v, s, true, return_bool)?))
            }
            (Value::Vector(l), Value::Vector(r)) => {
                let matching = b.modifier.as_ref().and_then(|m| m.matching.clone());
                if matches!(op, T_LAND | T_LOR | T_LUNLESS) {
                    return Ok(Value::Vector(set_op(op, l, r, &matching)));
                }
                let card = b
                    .modifier
                    .as_ref()
                    .map(|m| m.card.clone())
                    .unwrap_or(VectorMatchCardinality::OneToOne);
                Ok(Value::Vector(vector_vector(
                    op,
                    l,
                    r,
                    &matching,
                    &card,
                    return_bool,
                )?))
            }
            _ => Err(bad(format!(
                "binary operator {} needs scalars or instant vectors",
                b.op
            ))),
        }
    }
}

pub(crate) fn drop_name(mut l: Labels) -> Labels {
    l.remove("__name__");
    l
}

fn is_comparison(op: u16) -> bool {
    matches!(op, T_EQLC | T_NEQ | T_GTR | T_LSS | T_GTE | T_LTE)
}

/// Arithmetic and comparison operators keep or drop the metric name as Prometheus does.
fn drops_name(op: u16) -> bool {
    matches!(op, T_ADD | T_SUB | T_MUL | T_DIV | T_MOD | T_POW)
}

/// `(value, keep)`: arithmetic gives the result; comparison gives the left value and whether
/// the comparison held.
fn elem_binop(op: u16, l: f64, r: f64) -> Result<(f64, bool), Error> {
    Ok(match op {
        T_ADD => (l + r, true),
        T_SUB => (l - r, true),
        T_MUL => (l * r, true),
        T_DIV => (l / r, true),
        T_MOD => (l % r, true),
        T_POW => (l.powf(r), true),
        T_EQLC => (l, l == r),
        T_NEQ => (l, l != r),
        T_GTR => (l, l > r),
        T_LSS => (l, l < r),
        T_GTE => (l, l >= r),
        T_LTE => (l, l <= r),
        _ => return Err(bad("operator not supported between these operands")),
    })
}

fn vector_scalar(
    op: u16,
    v: Vec<Sample>,
    s: f64,
    scalar_left: bool,
    return_bool: bool,
) -> Result<Vec<Sample>, Error> {
    let mut out = Vec::with_capacity(v.len());
    for smp in v {
        let (l, r) = if scalar_left {
            (s, smp.value)
        } else {
            (smp.value, s)
        };
        let (mut value, mut keep) = elem_binop(op, l, r)?;
        if is_comparison(op) && scalar_left {
            value = r;
        }
        if return_bool {
            value = if keep { 1.0 } else { 0.0 };
            keep = true;
        }
        if !keep {
            continue;
        }
        let labels = if drops_name(op) || return_bool {
            drop_name(smp.labels)
        } else {
            smp.labels
        };
        out.push(Sample { labels, value });
    }
    Ok(out)
}

/// The labels two vectors are matched on.
fn signature(l: &Labels, matching: &Option<LabelModifier>) -> Labels {
    match matching {
        Some(LabelModifier::Include(ls)) => l
            .iter()
            .filter(|(k, _)| ls.labels.contains(k))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
        Some(LabelModifier::Exclude(ls)) => l
            .iter()
            .filter(|(k, _)| !ls.labels.contains(k) && k.as_str() != "__name__")
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
        None => l
            .iter()
            .filter(|(k, _)| k.as_str() != "__name__")
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
    }
}

fn set_op(
    op: u16,
    l: Vec<Sample>,
    r: Vec<Sample>,
    matching: &Option<LabelModifier>,
) -> Vec<Sample> {
    match op {
        T_LAND => {
            let right: HashSet<Labels> = r.iter().map(|s| signature(&s.labels, matching)).collect();
            l.into_iter()
                .filter(|s| right.contains(&signature(&s.labels, matching)))
                .collect()
        }
        T_LUNLESS => {
            let right: HashSet<Labels> = r.iter().map(|s| signature(&s.labels, matching)).collect();
            l.into_iter()
                .filter(|s| !right.contains(&signature(&s.labels, matching)))
                .collect()
        }
        _ => {
            let left: HashSet<Labels> = l.iter().map(|s| signature(&s.labels, matching)).collect();
            let mut out = l;
            out.extend(
                r.into_iter()
                    .filter(|s| !left.contains(&signature(&s.labels, matching))),
            );
            out
        }
    }
}

fn fmt_labels(l: &Labels) -> String {
    let inner: Vec<String> = l.iter().map(|(k, v)| format!("{k}={v:?}")).collect();
    format!("{{{}}}", inner.join(", "))
}

fn vector_vector(
    op: u16,
    l: Vec<Sample>,
    r: Vec<Sample>,
    matching: &Option<LabelModifier>,
    card: &VectorMatchCardinality,
    return_bool: bool,
) -> Result<Vec<Sample>, Error> {
    // The "one" side is always `r` below; group_right swaps the operands and back.
    let swapped = matches!(card, VectorMatchCardinality::OneToMany(_));
    let (many, one) = if swapped { (r, l) } else { (l, r) };
    let include: Vec<String> = card
        .labels()
        .map(|ls| ls.labels.clone())
        .unwrap_or_default();
    let mut right: HashMap<Labels, Sample> = HashMap::new();
    for s in one {
        let sig = signature(&s.labels, matching);
        if let Some(prev) = right.get(&sig) {
            let side = if swapped { "left" } else { "right" };
            return Err(bad(format!(
                "found duplicate series for the match group {} on the {side} hand-side of the operation: [{}, {}];many-to-many matching not allowed: matching labels must be unique on one side",
                fmt_labels(&sig),
                fmt_labels(&prev.labels),
                fmt_labels(&s.labels)
            )));
        }
        right.insert(sig, s);
    }
    let one_to_one = matches!(card, VectorMatchCardinality::OneToOne);
    let mut matched: HashMap<Labels, HashSet<Labels>> = HashMap::new();
    let mut out = Vec::new();
    for ls in many {
        let sig = signature(&ls.labels, matching);
        let Some(rs) = right.get(&sig) else {
            continue;
        };
        let (fl, fr) = if swapped {
            (rs.value, ls.value)
        } else {
            (ls.value, rs.value)
        };
        let (mut value, keep) = elem_binop(op, fl, fr)?;
        if return_bool {
            value = if keep { 1.0 } else { 0.0 };
        }
        let mut metric = ls.labels.clone();
        if drops_name(op) || return_bool {
            metric.remove("__name__");
        }
        if one_to_one {
            match matching {
                Some(LabelModifier::Include(on)) => metric.retain(|k, _| on.labels.contains(k)),
                Some(LabelModifier::Exclude(ign)) => metric.retain(|k, _| !ign.labels.contains(k)),
                None => {}
            }
        }
        for ln in &include {
            match rs.labels.get(ln) {
                Some(v) if !v.is_empty() => {
                    metric.insert(ln.clone(), v.clone());
                }
                _ => {
                    metric.remove(ln);
                }
            }
        }
        let entry = matched.entry(sig);
        match entry {
            std::collections::hash_map::Entry::Occupied(mut e) => {
                if one_to_one {
                    return Err(bad(
                        "multiple matches for labels: many-to-one matching must be explicit (group_left/group_right)",
                    ));
                }
                if !e.get_mut().insert(metric.clone()) {
                    return Err(bad(
                        "multiple matches for labels: grouping labels must ensure unique matches",
                    ));
                }
            }
            std::collections::hash_map::Entry::Vacant(e) => {
                e.insert(HashSet::from([metric.clone()]));
            }
        }
        // Matching errors are raised even for pairs a comparison then filters out.
        if !keep && !return_bool {
            continue;
        }
        out.push(Sample {
            labels: metric,
            value,
        });
    }
    Ok(out)
}

pub(crate) fn kahan_sum(vals: &[f64]) -> f64 {
    let (mut sum, mut c) = (0.0f64, 0.0f64);
    for &v in vals {
        let t = sum + v;
        if t.is_infinite() {
            c = 0.0;
        } else if sum.abs() >= v.abs() {
            c += (sum - t) + v;
        } else {
            c += (v - t) + sum;
        }
        sum = t;
    }
    if sum.is_infinite() {
        sum
    } else {
        sum + c
    }
}

pub(crate) fn mean(vals: &[f64]) -> f64 {
    if vals.is_empty() {
        return f64::NAN;
    }
    if vals.iter().any(|v| v.is_infinite()) {
        // Real infinities: ±Inf, or NaN when both signs are present.
        return vals.iter().sum::<f64>() / vals.len() as f64;
    }
    let s = kahan_sum(vals);
    if s.is_infinite() {
        // Sum overflowed or an infinity is present: fall back to the incremental mean.
        let mut m = 0.0;
        for (i, v) in vals.iter().enumerate() {
            m += v / (i + 1) as f64 - m / (i + 1) as f64;
        }
        return m;
    }
    s / vals.len() as f64
}

/// Population variance, as Prometheus's stdvar.
pub(crate) fn variance(vals: &[f64]) -> f64 {
    if vals.is_empty() {
        return f64::NAN;
    }
    let (mut count, mut m, mut s) = (0.0f64, 0.0f64, 0.0f64);
    for &v in vals {
        count += 1.0;
        let delta = v - m;
        m += delta / count;
        s += delta * (v - m);
    }
    s / count
}
