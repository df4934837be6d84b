use super::*;

#[test]
fn encode_decode_round_trip() {
    for s in ["plain", "a b&c=d", "ünïcode/✓", "%zz", "100%", "k=v;k2=v2"] {
        assert_eq!(decode(&encode(s)), s, "{s}");
    }
    assert_eq!(decode("a+b%20c"), "a b c");
    assert_eq!(decode("bad%2"), "bad%2");
}

#[test]
fn time_range_round_trip() {
    for r in [
        TimeRange::Last("15m"),
        TimeRange::Last("7d"),
        TimeRange::Custom {
            start_ms: 1000,
            end_ms: 5000,
        },
    ] {
        let mut q = Query::new();
        r.write(&mut q);
        let url = encode_query(&q);
        assert_eq!(TimeRange::from_query(&parse_query(&url)), r, "{url}");
    }
    // Garbage falls back to the default; a reversed custom range is ignored.
    assert_eq!(
        TimeRange::from_query(&parse_query("range=13y")),
        TimeRange::Last("1h")
    );
    assert_eq!(
        TimeRange::from_query(&parse_query("start=9&end=3&range=6h")),
        TimeRange::Last("6h")
    );
    assert_eq!(
        TimeRange::Last("15m").resolve(1_000_000_000),
        (1_000_000_000 - 900_000, 1_000_000_000)
    );
}

#[test]
fn trace_filters_round_trip_through_a_url() {
    let f = TraceFilters {
        service: "check out".into(),
        operation: "GET /cart?x=1&y=2".into(),
        status: "error".into(),
        min_ms: Some(1.5),
        max_ms: Some(2000.0),
        attrs: vec![
            ("http.method".into(), "GET".into()),
            ("user.id".into(), "a=b".into()),
        ],
        view_traces: true,
        page: 3,
    };
    let mut q = Query::new();
    TimeRange::Last("24h").write(&mut q);
    f.write(&mut q);
    let url = format!("?{}", encode_query(&q));
    let back = parse_query(&url);
    assert_eq!(TraceFilters::from_query(&back), f);
    assert_eq!(TimeRange::from_query(&back), TimeRange::Last("24h"));
    // Clearing a filter removes its key.
    let mut q2 = back.clone();
    TraceFilters::default().write(&mut q2);
    assert_eq!(encode_query(&q2), "range=24h");
}

#[test]
fn log_filters_round_trip() {
    let f = LogFilters {
        service: "web".into(),
        severity: "ERROR".into(),
        body: "timeout <x>".into(),
        trace_id: "abc".into(),
        attrs: vec![("k".into(), "v".into())],
        page: 1,
    };
    let mut q = Query::new();
    f.write(&mut q);
    assert_eq!(LogFilters::from_query(&parse_query(&encode_query(&q))), f);
}

#[test]
fn steps_never_zero() {
    assert_eq!(step_seconds(0, 15 * 60_000), 60);
    assert_eq!(step_seconds(0, 7 * 86_400_000), 7200);
    assert_eq!(step_seconds(5, 5), 60);
}

#[test]
fn trace_logs_link_carries_the_trace_window() {
    let link = trace_logs_link("abc", 1_707_903_000_123.4, 1_707_903_000_900.0);
    assert_eq!(
        link,
        "/logs?trace=abc&start=1707902940123&end=1707903060900"
    );
    let q = parse_query(link.split_once('?').unwrap().1);
    assert_eq!(
        TimeRange::from_query(&q),
        TimeRange::Custom {
            start_ms: 1707902940123,
            end_ms: 1707903060900
        }
    );
    assert_eq!(LogFilters::from_query(&q).trace_id, "abc");
}

#[test]
fn decode_component_keeps_plus() {
    assert_eq!(decode_component("a+b%2B%7B"), "a+b+{");
}
