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
        (r.trace_id.as_str(), r.span_id.as_str(), r.ref_type),
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
