use super::{RefType, SpanKind, TraceTree};
use serde_json::{json, Value};

/// The column names of a v0.39 `SearchSpansResult`.
pub use signoz_api::traces::COLUMNS;

/// The trace as `GET /api/v1/traces/{id}` replies it, so a downloaded file
/// opens here and anywhere that reads SigNoz's trace JSON.
pub fn trace_json(tree: &TraceTree) -> String {
    let rows: Vec<Value> = tree
        .preorder
        .iter()
        .map(|&i| {
            let s = &tree.spans[i as usize];
            let refs: Vec<String> = s
                .references
                .iter()
                .map(|r| {
                    let t = match r.ref_type {
                        RefType::ChildOf => "CHILD_OF",
                        RefType::FollowsFrom => "FOLLOWS_FROM",
                    };
                    format!(
                        "{{TraceId={}, SpanId={}, RefType={t}}}",
                        r.trace_id, r.span_id
                    )
                })
                .collect();
            json!([
                s.start_ms,
                s.span_id,
                &*s.trace_id,
                &*s.service,
                &*s.name,
                kind_wire(s.kind),
                format!("{}", s.duration_ns.round() as u64),
                s.tag_keys.iter().map(|k| &**k).collect::<Vec<&str>>(),
                s.tag_values.iter().map(|v| &**v).collect::<Vec<&str>>(),
                refs,
                s.events,
                s.has_error
            ])
        })
        .collect();
    json!([{ "columns": COLUMNS, "events": rows, "isSubTree": false }]).to_string()
}

fn kind_wire(k: SpanKind) -> &'static str {
    match k {
        SpanKind::Unspecified => "0",
        SpanKind::Internal => "1",
        SpanKind::Server => "2",
        SpanKind::Client => "3",
        SpanKind::Producer => "4",
        SpanKind::Consumer => "5",
    }
}
