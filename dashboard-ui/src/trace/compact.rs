//! Our server's `GET /api/v1/traces/{id}/compact` reply into [`Span`]s: the
//! same spans the v0.39 reply gives, from a string table, numeric columns and
//! parent row indices (the format is described in the server's
//! `api/trace_compact.rs`). Each distinct string is decoded once.

use super::parse::Str;
use super::{RefType, Reference, Span, SpanKind};
use serde::Deserialize;
use std::sync::Arc;

pub const FORMAT: &str = "compact-1";

#[derive(Deserialize)]
struct Reply<'a> {
    #[serde(borrow)]
    format: Str<'a>,
    #[serde(borrow, rename = "traceId")]
    trace_id: Str<'a>,
    #[serde(borrow)]
    strings: Vec<Str<'a>>,
    #[serde(borrow)]
    spans: Vec<Row<'a>>,
}

/// `[timeMs, spanId, service, name, kind, durationNano, keys, values, parent, refs, events, hasError]`
#[derive(Deserialize)]
struct Row<'a>(
    f64,
    #[serde(borrow)] Str<'a>,
    u32,
    u32,
    i64,
    f64,
    Vec<u32>,
    Vec<u32>,
    i64,
    #[serde(borrow)] Vec<Str<'a>>,
    #[serde(borrow)] Vec<Str<'a>>,
    bool,
);

/// Parses a compact reply; an error names what is wrong (an unknown format,
/// a string or parent index out of range, bad JSON).
pub fn parse_compact(bytes: &[u8]) -> Result<Vec<Span>, String> {
    let reply: Reply =
        serde_json::from_slice(bytes).map_err(|e| format!("not a trace reply: {e}"))?;
    if reply.format.0 != FORMAT {
        return Err(format!("unknown trace reply format {:?}", reply.format.0));
    }
    let strings: Vec<Arc<str>> = reply.strings.iter().map(|s| Arc::from(&*s.0)).collect();
    let text = |i: u32| {
        strings
            .get(i as usize)
            .cloned()
            .ok_or_else(|| format!("string index {i} out of range"))
    };
    let mut interner = super::Interner::default();
    let trace_id = interner.get(&reply.trace_id.0);
    let n = reply.spans.len();
    let mut spans = Vec::with_capacity(n);
    for r in &reply.spans {
        let references = if r.8 >= 0 {
            let parent = reply
                .spans
                .get(r.8 as usize)
                .ok_or_else(|| format!("parent row {} out of range", r.8))?;
            vec![Reference {
                trace_id: trace_id.clone(),
                span_id: parent.1 .0.to_string(),
                ref_type: RefType::ChildOf,
            }]
        } else {
            r.9.iter()
                .filter_map(|t| Reference::parse_interned(&t.0, &mut interner))
                .collect()
        };
        spans.push(Span {
            start_ms: r.0,
            span_id: r.1 .0.to_string(),
            trace_id: trace_id.clone(),
            service: text(r.2)?,
            name: text(r.3)?,
            kind: SpanKind::from_code(r.4),
            duration_ns: r.5.max(0.0),
            tag_keys: r.6.iter().map(|&i| text(i)).collect::<Result<_, _>>()?,
            tag_values: r
                .7
                .iter()
                .map(|&i| text(i).map(|s| s.to_string()))
                .collect::<Result<_, _>>()?,
            references,
            events: r.10.iter().map(|e| e.0.to_string()).collect(),
            has_error: r.11,
        });
    }
    Ok(spans)
}
