//! Runs Prometheus's own PromQL test files (`tests/promqltest/*.test`, copied from
//! prometheus/prometheus `promql/promqltest/testdata`, Apache-2.0; see the README there)
//! against this server's evaluator, loading the `load` blocks into in-memory storage.
//!
//! Counted: `eval instant` and `eval range` cases whose query uses only what the evaluator
//! supports and touches no native histograms; anything else is out of scope (the server
//! refuses those functions with a 400) and is listed by reason. Prints pass / total per file
//! and fails if fewer pass than the floors measured here. `PROMQLTEST_VERBOSE=1` lists
//! failures, `PROMQLTEST_SKIPPED=1` the out-of-scope cases.

use std::collections::HashSet;

use promql_parser::parser::Expr;
use server::promql::{self, Labels, MemoryStorage, Series, Value, STALE_NAN};

/// Instant and range cases passing when these floors were set (all in-scope ones); raise
/// them when the evaluator gets better.
const FLOOR: usize = 486;
const RANGE_FLOOR: usize = 47;

fn duration_ms(s: &str) -> Option<i64> {
    let s = s.trim();
    if let Ok(n) = s.parse::<f64>() {
        return Some((n * 1000.0) as i64);
    }
    promql_parser::util::parse_duration(s)
        .ok()
        .map(|d| d.as_millis() as i64)
}

fn number(s: &str) -> Option<f64> {
    let t = s.trim();
    match t.to_ascii_lowercase().as_str() {
        "inf" | "+inf" => Some(f64::INFINITY),
        "-inf" => Some(f64::NEG_INFINITY),
        "nan" => Some(f64::NAN),
        "stale" => Some(f64::from_bits(STALE_NAN)),
        _ => {
            if let Some(h) = t.strip_prefix("0x") {
                return i64::from_str_radix(h, 16).ok().map(|v| v as f64);
            }
            t.parse().ok()
        }
    }
}

/// One value token of the series notation: `1`, `_`, `stale`, `1+2x3`, `1-2x3`, `1x3`, `_x3`.
fn expand(token: &str) -> Option<Vec<Option<f64>>> {
    if token == "_" {
        return Some(vec![None]);
    }
    if let Some(n) = token.strip_prefix("_x") {
        return Some(vec![None; n.parse().ok()?]);
    }
    if let Some((head, n)) = token.rsplit_once('x') {
        if let Ok(n) = n.parse::<usize>() {
            // head is `a`, `a+b` or `a-b` (a may carry a sign or an exponent).
            let bytes = head.as_bytes();
            let mut split = None;
            for i in 1..bytes.len() {
                if (bytes[i] == b'+' || bytes[i] == b'-') && !matches!(bytes[i - 1], b'e' | b'E') {
                    split = Some(i);
                }
            }
            let (a, b) = match split {
                Some(i) => {
                    let b = number(&head[i + 1..])?;
                    (number(&head[..i])?, if bytes[i] == b'-' { -b } else { b })
                }
                None => (number(head)?, 0.0),
            };
            return Some((0..=n).map(|k| Some(a + b * k as f64)).collect());
        }
    }
    Some(vec![Some(number(token)?)])
}

/// Splits `metric{labels} rest` at the end of the series description.
fn split_series(line: &str) -> (&str, &str) {
    let line = line.trim();
    let mut quote = false;
    let mut brace = false;
    for (i, c) in line.char_indices() {
        match c {
            '"' => quote = !quote,
            '{' if !quote => brace = true,
            '}' if !quote => return (&line[..=i], &line[i + 1..]),
            c if c.is_whitespace() && !brace && !quote => return (&line[..i], &line[i..]),
            _ => {}
        }
    }
    (line, "")
}

fn labels_of(desc: &str) -> Option<Labels> {
    let desc = desc.trim();
    if desc == "{}" {
        return Some(Labels::new());
    }
    match promql_parser::parser::parse(desc).ok()? {
        Expr::VectorSelector(vs) => {
            let mut l: Labels = vs
                .matchers
                .matchers
                .iter()
                .map(|m| (m.name.clone(), m.value.clone()))
                .collect();
            if let Some(n) = vs.name {
                l.insert("__name__".into(), n);
            }
            Some(l)
        }
        _ => None,
    }
}

#[derive(Default)]
struct Tally {
    passed: usize,
    failed: usize,
    range_passed: usize,
    range_failed: usize,
    skipped: usize,
    reasons: std::collections::BTreeMap<String, usize>,
    failures: Vec<String>,
}

fn check_range(store: &MemoryStorage, c: &Case) -> Result<(), String> {
    let (start, end, step) = c.range.unwrap();
    let got =
        promql::parse(&c.query).and_then(|e| promql::range_query(store, &e, start, end, step));
    if c.fail {
        return match got {
            Err(_) => Ok(()),
            Ok(v) => Err(format!("expected a failure, got {v:?}")),
        };
    }
    let got = got.map_err(|e| format!("error: {e}"))?;
    let mut want = Vec::new();
    for l in &c.expect {
        let (desc, rest) = split_series(l);
        let labels = labels_of(desc).ok_or_else(|| format!("unreadable expectation {l:?}"))?;
        let mut points = Vec::new();
        let mut k = 0i64;
        for tok in rest.split_whitespace() {
            for v in expand(tok).ok_or_else(|| format!("unreadable values {l:?}"))? {
                if let Some(v) = v {
                    points.push((start + k * step, v));
                }
                k += 1;
            }
        }
        want.push((labels, points));
    }
    let got: Vec<&Series> = got.iter().filter(|s| !s.samples.is_empty()).collect();
    if got.len() != want.len() {
        return Err(format!(
            "got {} series {got:?}, want {}",
            got.len(),
            want.len()
        ));
    }
    for (labels, points) in &want {
        let s = got
            .iter()
            .find(|s| &s.labels == labels)
            .ok_or_else(|| format!("missing {labels:?}"))?;
        if s.samples.len() != points.len()
            || s.samples
                .iter()
                .zip(points)
                .any(|(a, b)| a.0 != b.0 || !close(a.1, b.1))
        {
            return Err(format!("{labels:?}: got {:?}, want {points:?}", s.samples));
        }
    }
    Ok(())
}

struct Case {
    /// `Some((start, end, step))` for `eval range`.
    range: Option<(i64, i64, i64)>,
    time_ms: i64,
    query: String,
    fail: bool,
    ordered: bool,
    expect: Vec<String>,
    line: usize,
}

fn close(a: f64, b: f64) -> bool {
    if a.is_nan() && b.is_nan() {
        return true;
    }
    if a == b {
        return true;
    }
    let diff = (a - b).abs();
    let sum = a.abs() + b.abs();
    if a == 0.0 || b == 0.0 || sum < f64::MIN_POSITIVE {
        return diff < 1e-6 * f64::MIN_POSITIVE;
    }
    diff / sum.min(f64::MAX) < 1e-6
}

fn check(store: &MemoryStorage, c: &Case) -> Result<(), String> {
    let got = promql::parse(&c.query).and_then(|e| promql::instant_query(store, &e, c.time_ms));
    if c.fail {
        return match got {
            Err(_) => Ok(()),
            Ok(v) => Err(format!("expected a failure, got {v:?}")),
        };
    }
    let got = got.map_err(|e| format!("error: {e}"))?;
    let mut want: Vec<(Option<Labels>, f64)> = Vec::new();
    for l in &c.expect {
        let (desc, rest) = split_series(l);
        match labels_of(desc) {
            Some(labels) => {
                let v = rest
                    .split_whitespace()
                    .next()
                    .and_then(expand)
                    .and_then(|v| v.first().copied().flatten())
                    .ok_or_else(|| format!("unreadable expectation {l:?}"))?;
                want.push((Some(labels), v));
            }
            None => want.push((
                None,
                number(l).ok_or_else(|| format!("unreadable expectation {l:?}"))?,
            )),
        }
    }
    match got {
        Value::Scalar(v) => match want.as_slice() {
            [(None, w)] if close(v, *w) => Ok(()),
            _ => Err(format!("got scalar {v}, want {:?}", c.expect)),
        },
        Value::Vector(v) => {
            if v.len() != want.len() {
                return Err(format!(
                    "got {} samples {v:?}, want {}",
                    v.len(),
                    want.len()
                ));
            }
            for (i, (labels, w)) in want.iter().enumerate() {
                let labels = labels.as_ref().ok_or("want a scalar, got a vector")?;
                let found = if c.ordered {
                    Some(&v[i]).filter(|s| &s.labels == labels)
                } else {
                    v.iter().find(|s| &s.labels == labels)
                };
                match found {
                    Some(s) if close(s.value, *w) => {}
                    Some(s) => return Err(format!("{labels:?}: got {}, want {w}", s.value)),
                    None => return Err(format!("missing {labels:?} in {v:?}")),
                }
            }
            Ok(())
        }
        other => Err(format!("unsupported result {other:?}")),
    }
}

fn run_file(name: &str, text: &str, tally: &mut Tally) {
    let lines: Vec<&str> = text.lines().collect();
    let mut store = MemoryStorage::default();
    let mut histogram_metrics: HashSet<String> = HashSet::new();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i].trim();
        i += 1;
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if line == "clear" {
            store = MemoryStorage::default();
            histogram_metrics.clear();
            continue;
        }
        if let Some(step) = line.strip_prefix("load") {
            // `load_with_nhcb` also loads each classic histogram as a native one under its
            // base name: those names are out of scope.
            let nhcb = step.starts_with("_with_nhcb");
            let step = step.trim_start_matches("_with_nhcb");
            let step = duration_ms(step).unwrap_or(60_000);
            while i < lines.len()
                && lines[i].starts_with(char::is_whitespace)
                && !lines[i].trim().is_empty()
            {
                let l = lines[i].trim();
                i += 1;
                if l.starts_with('#') {
                    continue;
                }
                let (desc, values) = split_series(l);
                let Some(labels) = labels_of(desc) else {
                    continue;
                };
                if nhcb {
                    if let Some(base) = labels
                        .get("__name__")
                        .and_then(|n| n.strip_suffix("_bucket"))
                    {
                        histogram_metrics.insert(base.to_string());
                    }
                }
                if values.contains("{{") {
                    if let Some(n) = labels.get("__name__") {
                        histogram_metrics.insert(n.clone());
                    }
                    continue;
                }
                let mut samples = Vec::new();
                let mut k = 0i64;
                let mut ok = true;
                for tok in values.split_whitespace() {
                    match expand(tok) {
                        Some(vals) => {
                            for v in vals {
                                if let Some(v) = v {
                                    samples.push((k * step, v));
                                }
                                k += 1;
                            }
                        }
                        None => ok = false,
                    }
                }
                if ok {
                    // A later load of the same series adds to it.
                    if let Some(s) = store.series.iter_mut().find(|s| s.labels == labels) {
                        s.samples.extend(samples);
                        s.samples.sort_by_key(|p| p.0);
                    } else {
                        store.series.push(Series { labels, samples });
                    }
                }
            }
            continue;
        }
        if line.starts_with("eval") {
            let (cmd, rest) = line.split_once(' ').unwrap_or((line, ""));
            let mut case = Case {
                range: None,
                time_ms: 0,
                query: String::new(),
                fail: cmd == "eval_fail",
                ordered: cmd == "eval_ordered",
                expect: Vec::new(),
                line: i,
            };
            let mut in_scope = true;
            let mut reason = String::new();
            if let Some(r) = rest.strip_prefix("instant at ") {
                let (t, q) = r.split_once(' ').unwrap_or((r, ""));
                case.time_ms = duration_ms(t).unwrap_or(0);
                case.query = q.trim().to_string();
            } else if let Some(r) = rest.strip_prefix("range from ") {
                // `<start> to <end> step <step> <query>`
                let parts: Vec<&str> = r.splitn(6, ' ').collect();
                match parts.as_slice() {
                    [a, "to", b, "step", st, q] => {
                        case.range = Some((
                            duration_ms(a).unwrap_or(0),
                            duration_ms(b).unwrap_or(0),
                            duration_ms(st).unwrap_or(1),
                        ));
                        case.query = q.trim().to_string();
                    }
                    _ => {
                        in_scope = false;
                        reason = "unreadable eval line".into();
                    }
                }
            } else {
                in_scope = false;
                reason = "unreadable eval line".into();
            }
            while i < lines.len()
                && !lines[i].trim().is_empty()
                && (lines[i].starts_with(char::is_whitespace)
                    || lines[i].trim_start().starts_with("expect"))
            {
                let l = lines[i].trim();
                i += 1;
                if l.starts_with('#') {
                    continue;
                }
                if let Some(e) = l.strip_prefix("expect ") {
                    let kind = e.split([' ', ':']).next().unwrap_or("");
                    match kind {
                        "fail" => case.fail = true,
                        "ordered" => case.ordered = true,
                        "warn" | "no_warn" | "info" | "no_info" => {}
                        _ => {
                            in_scope = false;
                            reason = format!("expect {kind}");
                        }
                    }
                    continue;
                }
                if l.contains("{{") {
                    in_scope = false;
                    reason = "native histogram result".into();
                }
                case.expect.push(l.to_string());
            }
            if in_scope && !case.fail {
                if let Err(e) = promql::parse(&case.query) {
                    in_scope = false;
                    reason = match e {
                        promql::Error::BadQuery(m) if m.contains("not supported") => m,
                        _ => "query promql-parser does not parse".into(),
                    };
                }
            }
            if in_scope
                && (histogram_metrics.iter().any(|m| mentions(&case.query, m))
                    || (!histogram_metrics.is_empty() && case.query.contains("__name__=~")))
            {
                in_scope = false;
                reason = "native histogram input".into();
            }
            if !in_scope {
                if std::env::var_os("PROMQLTEST_SKIPPED").is_some() {
                    println!("SKIP {name}:{} {} ({reason})", case.line, case.query);
                }
                tally.skipped += 1;
                *tally.reasons.entry(reason).or_default() += 1;
                continue;
            }
            // A case expected to fail only counts when the query is otherwise in scope.
            if case.fail {
                if let Err(promql::Error::BadQuery(m)) = promql::parse(&case.query) {
                    if m.contains("not supported") {
                        tally.skipped += 1;
                        *tally.reasons.entry(m).or_default() += 1;
                        continue;
                    }
                }
            }
            let result = if case.range.is_some() {
                check_range(&store, &case)
            } else {
                check(&store, &case)
            };
            let (p, f) = if case.range.is_some() {
                (&mut tally.range_passed, &mut tally.range_failed)
            } else {
                (&mut tally.passed, &mut tally.failed)
            };
            match result {
                Ok(()) => *p += 1,
                Err(e) => {
                    *f += 1;
                    tally
                        .failures
                        .push(format!("{name}:{} {}: {e}", case.line, case.query));
                }
            }
        }
    }
}

/// Whether `query` names metric `m` (not just a longer name starting with it).
fn mentions(query: &str, m: &str) -> bool {
    query.match_indices(m).any(|(i, _)| {
        let after = query[i + m.len()..].chars().next();
        let before = query[..i].chars().last();
        !after.is_some_and(|c| c.is_alphanumeric() || c == '_')
            && !before.is_some_and(|c| c.is_alphanumeric() || c == '_')
    })
}

#[test]
fn prometheus_promql_test_files() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/promqltest");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "test"))
        .collect();
    files.sort();
    let mut total = Tally::default();
    for f in files {
        let name = f.file_name().unwrap().to_string_lossy().to_string();
        let mut t = Tally::default();
        run_file(&name, &std::fs::read_to_string(&f).unwrap(), &mut t);
        println!(
            "{name}: instant {} passed, {} failed; range {} passed, {} failed; {} out of scope",
            t.passed, t.failed, t.range_passed, t.range_failed, t.skipped
        );
        total.passed += t.passed;
        total.failed += t.failed;
        total.range_passed += t.range_passed;
        total.range_failed += t.range_failed;
        total.skipped += t.skipped;
        total.failures.extend(t.failures);
        for (r, n) in t.reasons {
            *total.reasons.entry(r).or_default() += n;
        }
    }
    if std::env::var_os("PROMQLTEST_VERBOSE").is_some() {
        for f in &total.failures {
            println!("FAIL {f}");
        }
    }
    let mut reasons: Vec<_> = total.reasons.iter().collect();
    reasons.sort_by(|a, b| b.1.cmp(a.1));
    for (r, n) in reasons {
        println!("  out of scope {n:4}: {r}");
    }
    println!(
        "promqltest: {} of {} in-scope instant cases pass, {} of {} range cases ({} out of scope)",
        total.passed,
        total.passed + total.failed,
        total.range_passed,
        total.range_passed + total.range_failed,
        total.skipped
    );
    assert!(
        total.passed >= FLOOR,
        "{} passed, floor {FLOOR}",
        total.passed
    );
    assert!(
        total.range_passed >= RANGE_FLOOR,
        "{} range cases passed, floor {RANGE_FLOOR}",
        total.range_passed
    );
}
