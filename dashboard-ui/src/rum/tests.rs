use super::*;
use crate::model::QueryRangeData;
use serde_json::json;

fn labels(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[test]
fn ratings_follow_the_web_vitals_thresholds() {
    assert_eq!(rating("LCP", 2500.0), "good");
    assert_eq!(rating("LCP", 2501.0), "needs-improvement");
    assert_eq!(rating("LCP", 4001.0), "poor");
    assert_eq!(rating("CLS", 0.05), "good");
    assert_eq!(rating("CLS", 0.3), "poor");
    assert_eq!(rating("INP", 350.0), "needs-improvement");
    assert_eq!(rating("XYZ", 1.0), "");
    assert_eq!(rating("LCP", f64::NAN), "");
    assert_eq!(vital_text("CLS", 0.12), "0.120");
    assert_eq!(vital_text("LCP", 2430.0), "2.43 s");
    assert_eq!(vital_text("INP", 180.4), "180 ms");
}

#[test]
fn vital_rows_join_p75_and_rating_counts() {
    let p75 = vec![
        (labels(&[("web_vital.name", "CLS")]), 0.2),
        (labels(&[("web_vital.name", "LCP")]), 2100.0),
    ];
    let counts = vec![
        (
            labels(&[("web_vital.name", "LCP"), ("web_vital.rating", "good")]),
            3.0,
        ),
        (
            labels(&[("web_vital.name", "LCP"), ("web_vital.rating", "poor")]),
            1.0,
        ),
        (
            labels(&[
                ("web_vital.name", "CLS"),
                ("web_vital.rating", "needs-improvement"),
            ]),
            2.0,
        ),
        (
            labels(&[("web_vital.name", "CLS"), ("web_vital.rating", "bogus")]),
            9.0,
        ),
    ];
    let rows = vital_rows(&p75, &counts, false);
    assert_eq!(
        rows.iter().map(|r| r.vital.as_str()).collect::<Vec<_>>(),
        ["LCP", "CLS"]
    );
    assert_eq!(rows[0].counts, [3.0, 0.0, 1.0]);
    assert_eq!(rows[0].shares(), [75.0, 0.0, 25.0]);
    assert_eq!(rows[1].p75, 0.2);
    assert_eq!(rows[1].total(), 2.0);
}

#[test]
fn vital_rows_by_route() {
    let p75 = vec![
        (
            labels(&[("page.route", "/cart"), ("web_vital.name", "LCP")]),
            3000.0,
        ),
        (
            labels(&[("page.route", "/"), ("web_vital.name", "INP")]),
            90.0,
        ),
        (
            labels(&[("page.route", "/"), ("web_vital.name", "LCP")]),
            1000.0,
        ),
    ];
    let rows = vital_rows(&p75, &[], true);
    let keys: Vec<_> = rows
        .iter()
        .map(|r| (r.route.as_str(), r.vital.as_str()))
        .collect();
    assert_eq!(keys, [("/", "LCP"), ("/", "INP"), ("/cart", "LCP")]);
    assert_eq!(rows[0].shares(), [0.0; 3]);
}

#[test]
fn error_rows_take_last_seen_and_trace_from_the_newest_record() {
    let counts = vec![
        (labels(&[("exception.message", "a is undefined")]), 2.0),
        (labels(&[("exception.message", "boom")]), 5.0),
    ];
    let recent: QueryRangeData = serde_json::from_value(json!({"result": [{"queryName": "A", "list": [
        {"timestamp": "2026-11-21T10:00:03Z", "data": {"body": "boom", "trace_id": "", "attributes_string": {"exception.message": "boom"}}},
        {"timestamp": "2026-11-21T10:00:02Z", "data": {"body": "boom", "trace_id": "ab12", "span_id": "cd34", "attributes_string": {"exception.message": "boom"}}},
        {"timestamp": "2026-11-21T10:00:01Z", "data": {"body": "a is undefined", "trace_id": "00000000000000000000000000000000"}},
        {"timestamp": "2026-11-21T10:00:00Z", "data": {"body": "other", "trace_id": "ff"}}
    ]}]})).unwrap();
    let rows = error_rows(&counts, recent.result[0].list(), 10);
    assert_eq!(rows.len(), 2);
    assert_eq!((rows[0].message.as_str(), rows[0].count), ("boom", 5.0));
    assert_eq!(rows[0].last_seen, "2026-11-21T10:00:03Z");
    assert_eq!(
        (rows[0].trace_id.as_str(), rows[0].span_id.as_str()),
        ("ab12", "cd34")
    );
    assert_eq!(rows[1].last_seen, "2026-11-21T10:00:01Z");
    assert_eq!(rows[1].trace_id, "", "an all-zero trace id is no trace");
    assert_eq!(error_rows(&counts, &[], 1).len(), 1);
}

#[test]
fn grouped_and_single_read_table_series() {
    let d: QueryRangeData = serde_json::from_value(json!({"result": [
        {"queryName": "A", "series": [{"labels": {}, "values": [{"timestamp": 1, "value": "7"}]}]},
        {"queryName": "B", "series": null}
    ]}))
    .unwrap();
    assert_eq!(single(&d, "A"), 7.0);
    assert!(single(&d, "B").is_nan());
    assert!(grouped(&d, "B").is_empty());
}
