//! Evaluator tests over in-memory series (times in ms).

use super::*;

fn series(labels: &[(&str, &str)], samples: &[(i64, f64)]) -> Series {
    Series {
        labels: labels
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        samples: samples.to_vec(),
    }
}

fn store() -> MemoryStorage {
    // Two counters scraped every 15 s for 10 minutes; a gauge; a histogram.
    let counter =
        |inc: f64| -> Vec<(i64, f64)> { (0..=40).map(|i| (i * 15_000, i as f64 * inc)).collect() };
    MemoryStorage {
        series: vec![
            series(
                &[("__name__", "req_total"), ("job", "api"), ("instance", "a")],
                &counter(3.0),
            ),
            series(
                &[("__name__", "req_total"), ("job", "api"), ("instance", "b")],
                &counter(6.0),
            ),
            series(
                &[("__name__", "mem"), ("instance", "a")],
                &[(0, 10.0), (300_000, 20.0), (600_000, -5.5)],
            ),
            series(
                &[("__name__", "mem"), ("instance", "b")],
                &[(0, 1.0), (600_000, 2.0)],
            ),
            series(
                &[("__name__", "lat_bucket"), ("le", "0.1")],
                &[(600_000, 50.0)],
            ),
            series(
                &[("__name__", "lat_bucket"), ("le", "1")],
                &[(600_000, 90.0)],
            ),
            series(
                &[("__name__", "lat_bucket"), ("le", "+Inf")],
                &[(600_000, 100.0)],
            ),
            series(
                &[("__name__", "info"), ("instance", "a"), ("team", "red")],
                &[(600_000, 1.0)],
            ),
            series(
                &[("__name__", "info"), ("instance", "b"), ("team", "blue")],
                &[(600_000, 1.0)],
            ),
        ],
    }
}

fn at(q: &str, t: i64) -> Result<Value, Error> {
    instant_query(&store(), &parse(q)?, t)
}

fn vector(q: &str, t: i64) -> Vec<(String, f64)> {
    let Value::Vector(mut v) = at(q, t).unwrap() else {
        panic!("not a vector: {q}")
    };
    v.sort_by(|a, b| a.labels.cmp(&b.labels));
    v.into_iter()
        .map(|s| {
            let l: Vec<String> = s.labels.iter().map(|(k, v)| format!("{k}={v}")).collect();
            (l.join(","), s.value)
        })
        .collect()
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
}

#[test]
fn selectors_matchers_offset() {
    assert_eq!(
        vector(r#"mem{instance="a"}"#, 600_000),
        vec![("__name__=mem,instance=a".into(), -5.5)]
    );
    assert_eq!(vector(r#"mem{instance!="a"}"#, 600_000).len(), 1);
    assert_eq!(vector(r#"mem{instance=~"a|b"}"#, 600_000).len(), 2);
    assert_eq!(vector(r#"mem{instance!~"a.*"}"#, 600_000)[0].1, 2.0);
    assert_eq!(vector("mem offset 5m", 600_000)[0].1, 20.0);
    // Only b's sample at 0 is older than the 5 m look-back at 5 m 30 s... a has one at 5 m.
    assert_eq!(
        vector("mem", 330_000),
        vec![("__name__=mem,instance=a".into(), 20.0)]
    );
    assert!(vector("nothing", 600_000).is_empty());
}

#[test]
fn rates() {
    let v = vector("rate(req_total[5m])", 600_000);
    assert_eq!(v.len(), 2);
    assert!(close(v[0].1, 0.2), "{v:?}");
    assert!(close(v[1].1, 0.4));
    assert_eq!(v[0].0, "instance=a,job=api");
    assert!(close(vector("increase(req_total[5m])", 600_000)[0].1, 60.0));
    assert!(close(vector("irate(req_total[5m])", 600_000)[1].1, 0.4));
    assert!(close(vector("deriv(mem[20m])", 600_000)[1].1, 1.0 / 600.0));
    // Extrapolated to the window start: 1 over 600 s seen, 1200 s window.
    assert!(close(vector("delta(mem[20m])", 600_000)[1].1, 2.0));
    assert_eq!(vector("max_over_time(mem[20m])", 600_000)[0].1, 20.0);
    assert_eq!(vector("count_over_time(mem[20m])", 600_000)[0].1, 3.0);
    assert_eq!(vector("avg_over_time(mem[20m])", 600_000)[1].1, 1.5);
}

#[test]
fn aggregations() {
    assert!(close(vector("sum(rate(req_total[5m]))", 600_000)[0].1, 0.6));
    assert_eq!(
        vector("sum by (job) (req_total)", 600_000),
        vec![("job=api".into(), 360.0)]
    );
    assert_eq!(
        vector("sum without (instance) (req_total)", 600_000),
        vec![("job=api".into(), 360.0)]
    );
    assert_eq!(vector("max(mem)", 600_000)[0].1, 2.0);
    assert_eq!(vector("min(mem)", 600_000)[0].1, -5.5);
    assert_eq!(vector("count(mem)", 600_000)[0].1, 2.0);
    assert_eq!(vector("avg(mem)", 600_000)[0].1, -1.75);
    assert_eq!(
        vector("topk(1, req_total)", 600_000),
        vec![("__name__=req_total,instance=b,job=api".into(), 240.0)]
    );
    assert_eq!(vector("bottomk(1, req_total)", 600_000)[0].1, 120.0);
    assert_eq!(vector("quantile(0.5, req_total)", 600_000)[0].1, 180.0);
}

#[test]
fn histogram_quantile_over_buckets() {
    let v = vector("histogram_quantile(0.5, lat_bucket)", 600_000);
    assert_eq!(v, vec![("".into(), 0.1)]);
    let v = vector("histogram_quantile(0.9, sum by (le) (lat_bucket))", 600_000);
    assert!(close(v[0].1, 1.0));
    let v = vector("histogram_quantile(0.95, lat_bucket)", 600_000);
    assert_eq!(v[0].1, 1.0); // in the +Inf bucket: the highest finite bound
}

#[test]
fn binary_operators_and_matching() {
    assert_eq!(vector("mem * 2", 600_000)[0], ("instance=a".into(), -11.0));
    assert_eq!(
        vector("mem > 0", 600_000),
        vec![("__name__=mem,instance=b".into(), 2.0)]
    );
    assert_eq!(
        vector("mem > bool 0", 600_000)[0],
        ("instance=a".into(), 0.0)
    );
    assert_eq!(vector("1 < mem", 600_000)[0].1, 2.0);
    assert_eq!(
        vector(r#"req_total / on(instance) mem"#, 600_000),
        vec![
            ("instance=a".into(), 120.0 / -5.5),
            ("instance=b".into(), 120.0)
        ]
    );
    let v = vector(r#"mem * on(instance) group_left(team) info"#, 600_000);
    assert_eq!(
        v,
        vec![
            ("instance=a,team=red".into(), -5.5),
            ("instance=b,team=blue".into(), 2.0)
        ]
    );
    let v = vector(r#"info * on(instance) group_right mem"#, 600_000);
    assert_eq!(v.len(), 2);
    assert_eq!(
        vector("mem and on(instance) info{team=\"red\"}", 600_000).len(),
        1
    );
    assert_eq!(
        vector("mem unless on(instance) info{team=\"red\"}", 600_000).len(),
        1
    );
    assert_eq!(vector("mem or info", 600_000).len(), 4);
    // Many-to-one without group_left is an error, as in Prometheus.
    let e = at("sum by (job) (req_total) + on(job) req_total", 600_000).unwrap_err();
    assert!(matches!(e, Error::BadQuery(_)), "{e:?}");
}

#[test]
fn math_and_scalars() {
    assert_eq!(vector("abs(mem)", 600_000)[0].1, 5.5);
    assert_eq!(vector("ceil(mem)", 600_000)[0].1, -5.0);
    assert_eq!(vector("floor(mem)", 600_000)[0].1, -6.0);
    assert_eq!(vector("round(mem)", 600_000)[0].1, -5.0);
    assert_eq!(
        vector("clamp(mem, 0, 1)", 600_000),
        vec![("instance=a".into(), 0.0), ("instance=b".into(), 1.0)]
    );
    assert_eq!(vector("clamp_min(mem, 0)", 600_000)[0].1, 0.0);
    assert_eq!(vector("clamp_max(mem, 1)", 600_000)[1].1, 1.0);
    assert_eq!(at("time()", 600_000).unwrap(), Value::Scalar(600.0));
    assert_eq!(
        at("scalar(max(mem)) * 2", 600_000).unwrap(),
        Value::Scalar(4.0)
    );
    assert_eq!(vector("vector(3)", 0), vec![("".into(), 3.0)]);
}

#[test]
fn unsupported_is_named() {
    for (q, word) in [
        (
            "label_replace(up, \"a\", \"b\", \"c\", \"d\")",
            "label_replace",
        ),
        ("count_values(\"v\", up)", "count_values"),
        ("rate(up[5m:1m])", "subqueries"),
        ("predict_linear(up[5m], 60)", "predict_linear"),
    ] {
        match parse(q) {
            Err(Error::BadQuery(m)) => assert!(m.contains(word), "{m}"),
            other => panic!("{q}: {other:?}"),
        }
    }
    assert!(matches!(parse("sum("), Err(Error::BadQuery(_))));
}

#[test]
fn range_query_steps() {
    let m = range_query(
        &store(),
        &parse("sum(rate(req_total[5m]))").unwrap(),
        300_000,
        600_000,
        60_000,
    )
    .unwrap();
    assert_eq!(m.len(), 1);
    assert_eq!(m[0].samples.len(), 6);
    assert!(m[0].samples.iter().all(|(_, v)| close(*v, 0.6)));
    let m = range_query(&store(), &parse("time()").unwrap(), 0, 120_000, 60_000).unwrap();
    assert_eq!(
        m[0].samples,
        vec![(0, 0.0), (60_000, 60.0), (120_000, 120.0)]
    );
    assert!(range_query(&store(), &parse("up").unwrap(), 0, 1, 0).is_err());
}

#[test]
fn hostile_queries_are_refused_not_crashing() {
    let deep = format!("{}1{}", "(".repeat(10_000), ")".repeat(10_000));
    assert!(matches!(parse(&deep), Err(Error::BadQuery(_))));
    let chain = vec!["up"; 2000].join(" + ");
    assert!(matches!(parse(&chain), Err(Error::BadQuery(_))));
    let chain = vec!["up"; 60].join(" + ");
    assert!(parse(&chain).is_ok());
    // Extreme offsets, ranges and times saturate instead of overflowing.
    for q in [
        "up offset 100000y",
        "rate(up[100000y])",
        "up offset -100000y",
        "up @ 1e15",
    ] {
        let e = parse(q).unwrap();
        assert!(instant_query(&store(), &e, i64::MAX - 1).is_ok(), "{q}");
        assert!(instant_query(&store(), &e, i64::MIN + 1).is_ok(), "{q}");
    }
    let e = parse("up").unwrap();
    assert!(range_query(&store(), &e, i64::MIN + 1, i64::MAX - 1, 1).is_err());
    assert!(range_query(&store(), &e, i64::MAX - 10, i64::MAX - 1, 5).is_ok());
}
