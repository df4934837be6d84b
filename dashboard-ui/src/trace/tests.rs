use super::*;
use crate::model::SpanRow;

fn row(id: &str, parent: &str, start: f64, dur_ms: f64, err: bool) -> SpanRow {
    let refs = if parent == "-" {
        vec![]
    } else {
        vec![format!("{{TraceId=t1, SpanId={parent}, RefType=CHILD_OF}}")]
    };
    SpanRow(
        start,
        id.into(),
        "t1".into(),
        format!("svc-{}", id.len() % 3),
        format!("op {id}"),
        "2".into(),
        format!("{}", (dur_ms * 1e6) as u64),
        vec!["http.route".into()],
        vec![format!("/r/{id}")],
        refs,
        vec![],
        err,
    )
}

#[test]
fn builds_tree_from_child_of_refs() {
    // Rows arrive unordered; the root has an empty parent SpanId (contract §6.2).
    let t = TraceTree::from_rows(vec![
        row("c2", "root", 30.0, 5.0, false),
        row("root", "", 0.0, 100.0, false),
        row("c1", "root", 10.0, 10.0, true),
        row("g1", "c1", 12.0, 2.0, false),
    ]);
    let names: Vec<&str> = t
        .preorder
        .iter()
        .map(|&i| t.spans[i as usize].span_id.as_str())
        .collect();
    assert_eq!(names, ["root", "c1", "g1", "c2"]);
    let root = t.index_of("root").unwrap();
    assert_eq!(t.roots, vec![root]);
    assert_eq!(t.descendants[root as usize], 3);
    assert_eq!(t.depth[t.index_of("g1").unwrap() as usize], 2);
    assert_eq!(t.max_depth, 2);
    assert_eq!(t.error_count(), 1);
    assert_eq!(t.missing_parent_count(), 0);
    assert_eq!(t.duration_ms(), 100.0);
}

#[test]
fn missing_parents_become_flagged_roots_and_follows_from_is_a_link() {
    let mut orphan = row("o", "gone", 5.0, 1.0, false);
    orphan
        .9
        .push("{TraceId=t1, SpanId=root, RefType=FOLLOWS_FROM}".into());
    let t = TraceTree::from_rows(vec![row("root", "-", 0.0, 10.0, false), orphan]);
    let o = t.index_of("o").unwrap() as usize;
    assert_eq!(t.roots.len(), 2);
    assert!(t.missing_parent[o]);
    assert_eq!(t.parent[o], None);
    let links: Vec<_> = t.spans[o].links().collect();
    assert_eq!(links[0].span_id, "root");
}

#[test]
fn reference_cycles_do_not_hang_or_lose_spans() {
    let t = TraceTree::from_rows(vec![
        row("a", "b", 0.0, 1.0, false),
        row("b", "a", 1.0, 1.0, false),
    ]);
    assert_eq!(t.preorder.len(), 2);
    assert_eq!(t.visible_rows(&[false, false]).len(), 2);
}

#[test]
fn references_parse() {
    let r = Reference::parse("{TraceId=abc, SpanId=def, RefType=CHILD_OF}").unwrap();
    assert_eq!(
        (&*r.trace_id, r.span_id.as_str(), r.ref_type),
        ("abc", "def", RefType::ChildOf)
    );
    assert!(Reference::parse("garbage").is_none());
    assert!(Reference::parse("{TraceId=a, SpanId=b, RefType=OTHER}").is_none());
}

#[test]
fn events_parse_lazily() {
    let e = SpanEvent::parse(r#"{"name":"exception","timeUnixNano":1707903000135000000,"attributeMap":{"exception.type":"Timeout","n":3},"isError":true}"#).unwrap();
    assert_eq!(e.name, "exception");
    assert!(e.is_error);
    assert!(e.attributes.contains(&("n".into(), "3".into())));
    assert!(SpanEvent::parse("{oops").is_err());
}

#[test]
fn collapse_expand_and_waterfall_bars() {
    let t = TraceTree::from_rows(vec![
        row("root", "", 0.0, 100.0, false),
        row("c1", "root", 10.0, 10.0, false),
        row("g1", "c1", 12.0, 2.0, false),
        row("c2", "root", 50.0, 50.0, false),
    ]);
    let mut collapsed = vec![false; t.len()];
    assert_eq!(t.visible_rows(&collapsed).len(), 4);
    let c1 = t.index_of("c1").unwrap();
    collapsed[c1 as usize] = true;
    let rows = t.visible_rows(&collapsed);
    assert_eq!(rows.len(), 3);
    assert!(!rows.contains(&t.index_of("g1").unwrap()));
    // Revealing a hidden span expands its ancestors.
    t.reveal(t.index_of("g1").unwrap(), &mut collapsed);
    assert_eq!(t.visible_rows(&collapsed).len(), 4);
    let (left, width) = t.bar(t.index_of("c2").unwrap());
    assert!((left - 0.5).abs() < 1e-9 && (width - 0.5).abs() < 1e-9);
    assert_eq!(
        t.collapsed_below(1),
        vec![false, true, false, false]
            .into_iter()
            .enumerate()
            .map(|(k, _)| {
                let i = k as u32;
                i == c1
            })
            .collect::<Vec<_>>()
    );
}

#[test]
fn search_finds_names_services_and_attributes() {
    let t = TraceTree::from_rows(vec![
        row("root", "", 0.0, 10.0, false),
        row("c1", "root", 1.0, 1.0, false),
    ]);
    assert_eq!(t.search("OP C1"), vec![t.index_of("c1").unwrap()]);
    assert_eq!(t.search("/r/root"), vec![t.index_of("root").unwrap()]);
    assert!(t.search("  ").is_empty());
}

#[test]
fn virtual_window_is_bounded_by_the_viewport() {
    assert_eq!(
        virtual_window(0.0, 600.0, 24.0, 100_000, 10),
        Window { first: 0, end: 36 }
    );
    let w = virtual_window(24.0 * 50_000.0, 600.0, 24.0, 100_000, 10);
    assert_eq!((w.first, w.end), (49_990, 50_036));
    assert_eq!(virtual_window(1e12, 600.0, 24.0, 100, 5).end, 100);
    assert_eq!(
        virtual_window(0.0, 600.0, 24.0, 0, 5),
        Window { first: 0, end: 0 }
    );
}

/// A 100 000-span trace: a wide, deep random-ish tree built from rows.
fn big_trace(n: usize) -> Vec<SpanRow> {
    let mut rows = Vec::with_capacity(n);
    rows.push(row("s0", "", 0.0, 10_000.0, false));
    let mut x: u64 = 42;
    for i in 1..n {
        x = x
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let parent = (x >> 33) as usize % i;
        rows.push(row(
            &format!("s{i}"),
            &format!("s{parent}"),
            (i as f64) * 0.05,
            1.0,
            i % 97 == 0,
        ));
    }
    rows
}

#[test]
fn hundred_thousand_spans_build_and_lay_out_fast() {
    let rows = big_trace(100_000);
    let t0 = std::time::Instant::now();
    let t = TraceTree::from_rows(rows);
    let build = t0.elapsed();
    assert_eq!(t.preorder.len(), 100_000);
    let t1 = std::time::Instant::now();
    let rows = t.visible_rows(&vec![false; t.len()]);
    let w = virtual_window(12_345.0 * 24.0, 800.0, 24.0, rows.len(), 20);
    let flame = flame_rects(&t, t.start_ms, t.end_ms, 1200.0, 0, 40);
    let layout = t1.elapsed();
    assert_eq!(rows.len(), 100_000);
    assert!(w.end - w.first < 80);
    // Sub-pixel merging keeps the flame graph's DOM bounded by pixels × levels.
    assert!(flame.len() <= 1200 * 40, "{} boxes", flame.len());
    // Generous bounds (debug build, shared CI cores); release is ~10x faster.
    assert!(build.as_secs_f64() < 5.0, "build {build:?}");
    assert!(layout.as_secs_f64() < 2.0, "layout {layout:?}");
}

#[test]
fn flame_rects_merge_sub_pixel_spans() {
    let mut rows = vec![row("root", "", 0.0, 1000.0, false)];
    for i in 0..1000 {
        rows.push(row(&format!("k{i}"), "root", i as f64, 0.001, false));
    }
    let t = TraceTree::from_rows(rows);
    let rects = flame_rects(&t, 0.0, 1000.0, 100.0, 0, 10);
    assert_eq!(rects[0].width, 100.0);
    // 1000 tiny children in 100 pixel columns → at most 100 boxes.
    assert!(rects.len() <= 101, "{}", rects.len());
    let merged: u32 = rects.iter().map(|r| r.merged + 1).sum();
    assert_eq!(merged, 1001);
}

const CONTRACT_REPLY: &str = r#"[{"columns":["__time","SpanId","TraceId","ServiceName","Name","Kind","DurationNano","TagsKeys","TagsValues","References","Events","HasError"],
  "events":[
   [1707903000123,"aa11bb22cc33dd44","7f3c","frontend","GET /cart","2","45000000",
    ["http.method","http.status_code"],["GET","200"],
    ["{TraceId=7f3c, SpanId=, RefType=CHILD_OF}"],[],false],
   [1707903000130,"ee55ff6677889900","7f3c","checkout","SELECT \"cart\"",3,12000000,
    ["db.system"],["postgresql"],
    ["{TraceId=7f3c, SpanId=aa11bb22cc33dd44, RefType=CHILD_OF}"],
    ["{\"name\":\"exception\",\"timeUnixNano\":1707903000135000000,\"attributeMap\":{\"exception.type\":\"Timeout\"},\"isError\":true}"],true]]}]"#;

#[test]
fn parse_trace_reads_the_contract_reply_and_shares_repeated_strings() {
    let spans = parse_trace(CONTRACT_REPLY.as_bytes()).unwrap();
    assert_eq!(spans.len(), 2);
    let (a, b) = (&spans[0], &spans[1]);
    assert_eq!(a.span_id, "aa11bb22cc33dd44");
    assert_eq!((&*a.service, &*a.name), ("frontend", "GET /cart"));
    assert_eq!(a.kind, SpanKind::Server);
    assert_eq!(a.duration_ns, 45e6);
    assert_eq!(a.tag("http.status_code"), Some("200"));
    assert_eq!(a.parent_id(), None);
    // Escaped strings and numbers for kind / duration are tolerated.
    assert_eq!(&*b.name, "SELECT \"cart\"");
    assert_eq!((b.kind, b.duration_ns), (SpanKind::Client, 12e6));
    assert_eq!(b.parent_id(), Some("aa11bb22cc33dd44"));
    assert!(b.has_error && SpanEvent::parse(&b.events[0]).unwrap().is_error);
    assert!(std::sync::Arc::ptr_eq(&a.trace_id, &b.trace_id));
    assert!(std::sync::Arc::ptr_eq(
        &a.trace_id,
        &b.references[0].trace_id
    ));
    // The same tree as the serde row path.
    let rows: Vec<crate::model::SearchSpansResult> = serde_json::from_str(CONTRACT_REPLY).unwrap();
    let t1 = TraceTree::from_rows(rows.into_iter().flat_map(|r| r.events).collect());
    let t2 = TraceTree::from_spans(spans);
    assert_eq!(t1.preorder, t2.preorder);
    assert_eq!(t1.depth, t2.depth);
}

#[test]
fn parse_trace_accepts_empty_and_null_and_rejects_garbage() {
    assert!(parse_trace(b"null").unwrap().is_empty());
    assert!(parse_trace(b"[]").unwrap().is_empty());
    assert!(parse_trace(br#"[{"columns":[],"events":null}]"#)
        .unwrap()
        .is_empty());
    assert!(parse_trace(b"[{\"events\":[[1,2]]}]").is_err());
    let e = parse_trace(b"<html>").unwrap_err();
    assert!(e.starts_with("not a trace reply"), "{e}");
    assert!(parse_trace(b"[] trailing").is_err());
}

/// root 0..100 with children a 0..40, b 10..30 (inside a), c 50..90, and
/// d 60..120 that outlives the root.
fn timing_tree() -> TraceTree {
    TraceTree::from_rows(vec![
        row("root", "", 0.0, 100.0, false),
        row("a", "root", 0.0, 40.0, false),
        row("b", "root", 10.0, 20.0, true),
        row("c", "root", 50.0, 40.0, false),
        row("d", "root", 60.0, 60.0, false),
        row("c1", "c", 55.0, 10.0, false),
    ])
}

#[test]
fn critical_path_follows_the_last_finishing_children() {
    let t = timing_tree();
    let on = critical_path(&t);
    let names: Vec<&str> = t
        .preorder
        .iter()
        .filter(|&&i| on[i as usize])
        .map(|&i| t.spans[i as usize].span_id.as_str())
        .collect();
    // d ends last (clipped to the root's end, 100) and started at 60; c ended
    // at 90, while d ran, so it is off the path; a ended (40) before d began;
    // b ran inside a's time.
    assert_eq!(names, ["root", "a", "d"]);
    assert!(critical_path(&TraceTree::default()).is_empty());
}

#[test]
fn critical_path_handles_deep_chains() {
    let mut rows = vec![row("s0", "", 0.0, 1e6, false)];
    for i in 1..50_000 {
        rows.push(row(
            &format!("s{i}"),
            &format!("s{}", i - 1),
            i as f64,
            1e6 - 2.0 * i as f64,
            false,
        ));
    }
    let t = TraceTree::from_rows(rows);
    assert!(critical_path(&t).iter().all(|&x| x));
}

#[test]
fn self_time_subtracts_the_union_of_children() {
    let t = timing_tree();
    let st = self_times(&t);
    let at = |id: &str| st[t.index_of(id).unwrap() as usize] / 1e6;
    // root 100 ms covered by [0,40] ∪ [50,100] (d clipped): 10 ms self.
    assert!((at("root") - 10.0).abs() < 1e-6, "{}", at("root"));
    assert!((at("c") - 30.0).abs() < 1e-6);
    assert!((at("b") - 20.0).abs() < 1e-6);
    let by_svc = self_time_table(&t, &st, SelfTimeBy::Service);
    let total: f64 = by_svc.iter().map(|r| r.self_ns).sum();
    assert!((total - st.iter().sum::<f64>()).abs() < 1e-3);
    assert!(by_svc.windows(2).all(|w| w[0].self_ns >= w[1].self_ns));
    let by_op = self_time_table(&t, &st, SelfTimeBy::Operation);
    assert_eq!(by_op.len(), 6);
    assert_eq!(by_op[0].operation, "op d");
    assert_eq!(by_op[0].spans, 1);
}

#[test]
fn filter_folds_rejected_spans_into_hidden_rows() {
    let t = timing_tree();
    let rows = t.visible_rows(&vec![false; t.len()]);
    let all = filter_rows(&t, &rows, &SpanFilter::default());
    assert_eq!(all.len(), 6);
    let errors = SpanFilter {
        errors_only: true,
        ..SpanFilter::default()
    };
    let b = t.index_of("b").unwrap();
    assert_eq!(
        filter_rows(&t, &rows, &errors),
        vec![Row::Hidden(2), Row::Span(b), Row::Hidden(3)]
    );
    let slow = SpanFilter {
        min_duration_ms: parse_duration_ms("40ms"),
        attribute: "http.route=/R/".into(),
        ..SpanFilter::default()
    };
    let kept: Vec<u32> = filter_rows(&t, &rows, &slow)
        .iter()
        .filter_map(|r| r.span())
        .collect();
    assert_eq!(kept.len(), 4);
    let svc = SpanFilter {
        service: "svc-1".into(),
        ..SpanFilter::default()
    };
    // ids of length 1 or 4 ("root", "a", "b", "c", "d") are svc-1.
    assert_eq!(
        filter_rows(&t, &rows, &svc)
            .iter()
            .filter(|r| r.span().is_some())
            .count(),
        5
    );
    let attr_key = SpanFilter {
        attribute: "no.such".into(),
        ..SpanFilter::default()
    };
    assert_eq!(filter_rows(&t, &rows, &attr_key), vec![Row::Hidden(6)]);
    assert_eq!(parse_duration_ms("1.5s"), Some(1500.0));
    assert_eq!(parse_duration_ms("250us"), Some(0.25));
    assert_eq!(parse_duration_ms("7"), Some(7.0));
    assert_eq!(parse_duration_ms(""), None);
    assert_eq!(parse_duration_ms("fast"), None);
}

#[test]
fn compare_matches_by_path_and_reports_deltas_and_leftovers() {
    let a = timing_tree();
    let mut rows = vec![
        row("R", "", 0.0, 150.0, false),
        row("A", "R", 0.0, 40.0, false),
        row("B", "R", 10.0, 20.0, false),
        row("C", "R", 50.0, 90.0, false),
        row("X", "R", 60.0, 1.0, false),
    ];
    // Same service/operation as a's "a", "b", "c" (the names follow the id).
    for (r, id) in rows.iter_mut().zip(["root", "a", "b", "c", "x"]) {
        r.3 = format!("svc-{}", id.len() % 3);
        r.4 = format!("op {id}");
    }
    let b = TraceTree::from_rows(rows);
    let cmp = compare(&a, &b);
    assert_eq!(cmp.matched.len(), 4);
    // Biggest delta first: root +50 and c +50.
    assert_eq!(cmp.matched[0].delta_ns.abs(), 50e6);
    let only_a: Vec<&str> = cmp
        .only_a
        .iter()
        .map(|&i| a.spans[i as usize].span_id.as_str())
        .collect();
    assert_eq!(only_a, ["c1", "d"]);
    assert_eq!(cmp.only_b, vec![b.index_of("X").unwrap()]);
    // A trace compared with itself matches every span with no delta.
    let same = compare(&a, &a);
    assert_eq!(same.matched.len(), a.len());
    assert!(same.only_a.is_empty() && same.only_b.is_empty());
    assert!(same.matched.iter().all(|m| m.delta_ns == 0.0 && m.a == m.b));
}

#[test]
fn downloaded_json_opens_as_the_same_trace() {
    let t = TraceTree::from_spans(parse_trace(CONTRACT_REPLY.as_bytes()).unwrap());
    let text = trace_json(&t);
    let back = TraceTree::from_spans(parse_trace(text.as_bytes()).unwrap());
    assert_eq!(back.len(), t.len());
    for (x, y) in t.spans.iter().zip(back.spans.iter()) {
        assert_eq!(x.span_id, y.span_id);
        assert_eq!(
            (&*x.service, &*x.name, x.kind),
            (&*y.service, &*y.name, y.kind)
        );
        assert_eq!(
            (x.start_ms, x.duration_ns, x.has_error),
            (y.start_ms, y.duration_ns, y.has_error)
        );
        assert_eq!(x.tag_values, y.tag_values);
        assert_eq!(x.references, y.references);
        assert_eq!(x.events, y.events);
    }
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v[0]["columns"].as_array().unwrap().len(), COLUMNS.len());
    assert_eq!(v[0]["events"][0][5], "2");
    assert_eq!(v[0]["events"][0][6], "45000000");
}

/// [`CONTRACT_REPLY`] as our server's compact route writes it: the root's
/// reference has no parent row (its SpanId is empty), the child's is row 0;
/// two chunks, each with the strings it uses first.
const COMPACT_REPLY: &str = r#"{"format":"compact-2","traceId":"7f3c","total":2}
{"strings":["frontend","GET /cart","http.method","http.status_code","GET","200"],"spans":[[1707903000123,"aa11bb22cc33dd44",0,1,2,45000000,[2,3],[4,5],-1,["{TraceId=7f3c, SpanId=, RefType=CHILD_OF}"],[],false]]}
{"strings":["checkout","SELECT \"cart\"","db.system","postgresql"],"spans":[[1707903000130,"ee55ff6677889900",6,7,3,12000000,[8],[9],0,[],["{\"name\":\"exception\",\"timeUnixNano\":1707903000135000000,\"attributeMap\":{\"exception.type\":\"Timeout\"},\"isError\":true}"],true]]}
{"end":2}
"#;

#[test]
fn compact_reply_parses_to_the_same_spans_as_the_v039_reply() {
    let old = parse_trace(CONTRACT_REPLY.as_bytes()).unwrap();
    let new = parse_trace(COMPACT_REPLY.as_bytes()).unwrap();
    assert_eq!(format!("{old:?}"), format!("{new:?}"));
    assert!(std::sync::Arc::ptr_eq(
        &new[0].trace_id,
        &new[1].references[0].trace_id
    ));
    let (a, b) = (TraceTree::from_spans(old), TraceTree::from_spans(new));
    assert_eq!((a.preorder, a.depth), (b.preorder, b.depth));
}

#[test]
fn compact_stream_gives_the_same_spans_wherever_the_chunks_split() {
    let whole = format!("{:?}", parse_compact(COMPACT_REPLY.as_bytes()).unwrap());
    let bytes = COMPACT_REPLY.as_bytes();
    // Every split point, and bytes one at a time (a line, a string, a UTF-8 character cut).
    let mut splits: Vec<Vec<&[u8]>> = (0..=bytes.len())
        .map(|k| vec![&bytes[..k], &bytes[k..]])
        .collect();
    splits.push(bytes.chunks(1).collect());
    splits.push(bytes.chunks(7).collect());
    for pieces in splits {
        let mut stream = CompactStream::new();
        let (mut earlier, mut out) = (Vec::new(), Vec::new());
        for p in pieces {
            stream.push(p, &earlier, &mut out).unwrap();
            // The caller moves parsed spans over between pushes (as the page does per batch).
            earlier.append(&mut out);
        }
        stream.finish().unwrap();
        assert_eq!(stream.total(), Some(2));
        assert_eq!(format!("{earlier:?}"), whole);
    }
}

#[test]
fn compact_stream_shows_rows_before_the_end_and_knows_the_total() {
    let mut stream = CompactStream::new();
    let mut out = Vec::new();
    let first_chunk_end = COMPACT_REPLY.find("\n{\"strings\":[\"checkout").unwrap() + 1;
    stream
        .push(&COMPACT_REPLY.as_bytes()[..first_chunk_end], &[], &mut out)
        .unwrap();
    assert_eq!(
        (out.len(), stream.total(), stream.is_done()),
        (1, Some(2), false)
    );
    let e = stream.finish().unwrap_err();
    assert!(e.contains("cut off after 1 spans"), "{e}");
}

#[test]
fn compact_reply_rejects_bad_input_with_a_clear_error() {
    let err = |text: &str| parse_compact(text.as_bytes()).unwrap_err();
    let e = err(&COMPACT_REPLY.replace("[8],[9]", "[8],[99]"));
    assert!(e.contains("string index 99"), "{e}");
    // A string used before the chunk that sends it.
    let e = err(&COMPACT_REPLY.replace("[2,3],[4,5]", "[2,3],[4,7]"));
    assert!(e.contains("string index 7"), "{e}");
    let e = err(&COMPACT_REPLY.replace("12000000,[8],[9],0,", "12000000,[8],[9],7,"));
    assert!(e.contains("parent row 7"), "{e}");
    let e = err(&COMPACT_REPLY.replace("compact-2", "compact-9"));
    assert!(e.contains("compact-9"), "{e}");
    let e = err(&COMPACT_REPLY.replace("{\"end\":2}", "{\"end\":3}"));
    assert!(e.contains("ends with 3 spans but 2 arrived"), "{e}");
    // Cut off midway: inside a line, and after a whole line.
    let e = err(&COMPACT_REPLY[..COMPACT_REPLY.len() - 5]);
    assert!(e.contains("cut off"), "{e}");
    let e = err(&COMPACT_REPLY[..COMPACT_REPLY.find("{\"end\"").unwrap()]);
    assert!(e.contains("no end line"), "{e}");
    let e = err(&format!("{COMPACT_REPLY}{{\"strings\":[],\"spans\":[]}}\n"));
    assert!(e.contains("after the end line"), "{e}");
    let e = err("{\"status\":\"error\",\"error\":\"boom\"}");
    assert!(e.contains("unknown trace reply format"), "{e}");
    let e = err(&COMPACT_REPLY.replace("\"spans\":[[1707903000123", "\"spans\":[[\"x\""));
    assert!(e.starts_with("not a trace reply (line 2)"), "{e}");
    assert!(parse_trace(b" {\"spans\":1}").is_err());
    let e = parse_trace(b"{oops").unwrap_err();
    assert!(e.starts_with("not a trace reply"), "{e}");
    // The stream's caller must keep every span it was given.
    let mut stream = CompactStream::new();
    let mut out = Vec::new();
    stream
        .push(COMPACT_REPLY.as_bytes(), &[], &mut out)
        .unwrap();
    out.pop();
    assert!(stream.push(b"\n", &[], &mut out).is_err());
}

#[test]
fn a_tree_grown_in_batches_equals_one_built_at_once() {
    // Spans in start order, a child now and then before its parent (clock skew),
    // an orphan whose parent never comes.
    let mut rows = big_trace(5000);
    rows.sort_by(|a, b| a.0.total_cmp(&b.0));
    let spans: Vec<Span> = rows.into_iter().map(Span::from_row).collect();
    let mut skewed = spans.clone();
    skewed.swap(10, 11);
    skewed[11].start_ms = skewed[10].start_ms;
    let mut orphan = skewed[20].clone();
    orphan.span_id = "orphan".into();
    orphan.references[0].span_id = "nowhere".into();
    orphan.start_ms = skewed.last().unwrap().start_ms;
    skewed.push(orphan);
    for spans in [spans, skewed] {
        let whole = TraceTree::from_spans(spans.clone());
        let mut grown = TraceTree::default();
        let mut rest = spans.as_slice();
        for n in [1, 2, 7, 100, 1000, 10_000] {
            let (batch, tail) = rest.split_at(n.min(rest.len()));
            grown.append(batch.to_vec());
            rest = tail;
        }
        assert_eq!(grown.preorder, whole.preorder);
        assert_eq!(grown.depth, whole.depth);
        assert_eq!(grown.parent, whole.parent);
        assert_eq!(grown.children, whole.children);
        assert_eq!(grown.descendants, whole.descendants);
        assert_eq!(grown.roots, whole.roots);
        assert_eq!(grown.missing_parent, whole.missing_parent);
        assert_eq!(grown.service_index, whole.service_index);
        assert_eq!(grown.services, whole.services);
        assert_eq!(
            (grown.start_ms, grown.end_ms, grown.max_depth),
            (whole.start_ms, whole.end_ms, whole.max_depth)
        );
    }
}

#[test]
fn a_child_placed_before_its_parent_arrives_moves_under_it() {
    let spans: Vec<Span> = [
        row("root", "-", 0.0, 10.0, false),
        row("kid", "late", 1.0, 1.0, false),
        row("late", "root", 2.0, 5.0, false),
    ]
    .into_iter()
    .map(Span::from_row)
    .collect();
    let mut t = TraceTree::default();
    t.append(spans[..2].to_vec());
    assert_eq!((t.roots.clone(), t.missing_parent_count()), (vec![0, 1], 1));
    t.append(spans[2..].to_vec());
    assert_eq!(t.roots, [0]);
    assert_eq!(t.missing_parent_count(), 0);
    assert_eq!(t.preorder, [0, 2, 1]);
    // Spans out of start order: sorted again.
    t.append(vec![Span::from_row(row("early", "-", -5.0, 1.0, false))]);
    assert_eq!(t.spans[0].span_id, "early");
    assert_eq!(t.len(), 4);
}

fn labels(ticks: &[Tick]) -> Vec<&str> {
    ticks.iter().map(|t| t.label.as_str()).collect()
}

#[test]
fn nice_steps_are_1_2_5() {
    assert_eq!(nice_step(14.3), 20.0);
    assert_eq!(nice_step(20.0), 20.0);
    assert_eq!(nice_step(0.003), 0.005);
    assert_eq!(nice_step(51.0), 100.0);
    assert_eq!(nice_step(1e6), 1e6);
    assert_eq!(nice_step(0.0), 1.0);
    assert_eq!(nice_step(f64::NAN), 1.0);
}

#[test]
fn ruler_for_a_100ms_trace() {
    // 600 px, labels ≥ 80 px apart: at most 7 intervals → 20 ms steps.
    let t = ruler_ticks(0.0, 100e6, 600.0, 80.0);
    assert_eq!(
        labels(&t),
        ["0 ms", "20 ms", "40 ms", "60 ms", "80 ms", "100 ms"]
    );
    assert_eq!(t[0].frac, 0.0);
    assert!((t[5].frac - 1.0).abs() < 1e-12);
    assert!((t[1].frac - 0.2).abs() < 1e-12);
    // Wider track, finer steps.
    let t = ruler_ticks(0.0, 100e6, 1000.0, 80.0);
    assert_eq!(t[1].label, "10 ms");
    assert_eq!(t.len(), 11);
}

#[test]
fn ruler_units_and_decimals() {
    // Seconds with a fractional step.
    let t = ruler_ticks(0.0, 1.2e9, 600.0, 80.0);
    assert_eq!(
        labels(&t),
        ["0 s", "0.2 s", "0.4 s", "0.6 s", "0.8 s", "1 s", "1.2 s"]
    );
    // Microseconds and nanoseconds.
    assert_eq!(ruler_ticks(0.0, 50e3, 500.0, 100.0)[1].label, "10 µs");
    assert_eq!(
        labels(&ruler_ticks(0.0, 800.0, 400.0, 100.0)),
        ["0 ns", "200 ns", "400 ns", "600 ns", "800 ns"]
    );
    // A span that does not end on a step: the last tick is inside the track.
    let t = ruler_ticks(0.0, 97e6, 600.0, 80.0);
    assert_eq!(t.last().unwrap().label, "80 ms");
    assert!(t.iter().all(|k| (0.0..=1.0).contains(&k.frac)));
}

#[test]
fn ruler_follows_a_zoomed_window() {
    // 30–70 ms of a trace: ticks on round times inside the window only.
    let t = ruler_ticks(30e6, 40e6, 400.0, 80.0);
    assert_eq!(labels(&t), ["30 ms", "40 ms", "50 ms", "60 ms", "70 ms"]);
    assert_eq!(t[0].frac, 0.0);
    assert!((t[1].frac - 0.25).abs() < 1e-12);
    let t = ruler_ticks(33e6, 40e6, 400.0, 80.0);
    assert_eq!(t[0].label, "40 ms");
}

#[test]
fn ruler_degenerate_inputs() {
    assert_eq!(labels(&ruler_ticks(0.0, 0.0, 600.0, 80.0)), ["0 ns"]);
    assert_eq!(labels(&ruler_ticks(0.0, f64::NAN, 600.0, 80.0)), ["0 ns"]);
    // A zero-width track (not laid out yet) still gives a few ticks.
    assert_eq!(ruler_ticks(0.0, 100e6, 0.0, 80.0).len(), 3);
}
