//! Our server's `GET /api/v1/traces/{id}/compact` reply into [`Span`]s: the
//! same spans the v0.39 reply gives, from a string table, numeric columns and
//! parent row indices (the format is described in the server's
//! `api/trace_compact.rs`). The reply is newline-delimited chunks, and
//! [`CompactStream`] turns each complete line into spans as the bytes arrive,
//! so the trace view can show the first rows long before the last ones come.
//! Each distinct string is decoded once.

use super::parse::{Interner, Str};
use super::{RefType, Reference, Span, SpanKind};
use serde::Deserialize;
use std::sync::Arc;

pub const FORMAT: &str = "compact-2";

/// One line of the reply: the head (`format`, `traceId`, `total`), a chunk
/// (`strings`, `spans`) or the end (`end`).
#[derive(Deserialize)]
struct Line<'a> {
    #[serde(borrow, default)]
    format: Option<Str<'a>>,
    #[serde(borrow, default, rename = "traceId")]
    trace_id: Option<Str<'a>>,
    #[serde(default)]
    total: Option<u64>,
    #[serde(borrow, default)]
    strings: Vec<Str<'a>>,
    #[serde(borrow, default)]
    spans: Vec<Row<'a>>,
    #[serde(default)]
    end: Option<u64>,
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

/// Parses a compact reply as it arrives: [`CompactStream::push`] takes any
/// piece of the body (a line may be split anywhere, even inside a UTF-8
/// character) and appends the spans of every line completed by it.
#[derive(Default)]
pub struct CompactStream {
    /// The start of a line whose end has not arrived yet.
    partial: Vec<u8>,
    head: bool,
    total: Option<u64>,
    ended: bool,
    rows: usize,
    lines: usize,
    strings: Vec<Arc<str>>,
    trace_id: Option<Arc<str>>,
    interner: Interner,
}

impl CompactStream {
    pub fn new() -> CompactStream {
        CompactStream::default()
    }

    /// The span count the server announced in the head line.
    pub fn total(&self) -> Option<u64> {
        self.total
    }

    /// Rows parsed so far.
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// True once the end line arrived (the reply is complete).
    pub fn is_done(&self) -> bool {
        self.ended
    }

    /// Parses the lines `bytes` completes, appending their spans to `out`.
    /// Parent row indices refer to every span this stream gave so far: the
    /// caller keeps them as `earlier` followed by `out` (it may move spans
    /// from `out` to the end of `earlier` between calls).
    pub fn push(
        &mut self,
        bytes: &[u8],
        earlier: &[Span],
        out: &mut Vec<Span>,
    ) -> Result<(), String> {
        if earlier.len() + out.len() != self.rows {
            return Err(format!(
                "trace reply: {} spans kept for {} rows parsed",
                earlier.len() + out.len(),
                self.rows
            ));
        }
        let mut rest = bytes;
        if !self.partial.is_empty() {
            let Some(nl) = rest.iter().position(|&b| b == b'\n') else {
                self.partial.extend_from_slice(rest);
                return Ok(());
            };
            let mut line = std::mem::take(&mut self.partial);
            line.extend_from_slice(&rest[..nl]);
            rest = &rest[nl + 1..];
            self.line(&line, earlier, out)?;
        }
        let whole = match rest.iter().rposition(|&b| b == b'\n') {
            Some(last) => {
                let (whole, tail) = rest.split_at(last + 1);
                self.partial.extend_from_slice(tail);
                whole
            }
            None => {
                self.partial.extend_from_slice(rest);
                &[]
            }
        };
        for line in whole.split(|&b| b == b'\n') {
            self.line(line, earlier, out)?;
        }
        Ok(())
    }

    /// Checks that the reply was complete once the body has ended.
    pub fn finish(&self) -> Result<(), String> {
        if !self.partial.iter().all(u8::is_ascii_whitespace) {
            return Err(format!(
                "trace reply cut off inside line {} after {} spans",
                self.lines + 1,
                self.rows
            ));
        }
        if !self.ended {
            return Err(format!(
                "trace reply cut off after {} spans (no end line)",
                self.rows
            ));
        }
        Ok(())
    }

    fn line(&mut self, bytes: &[u8], earlier: &[Span], out: &mut Vec<Span>) -> Result<(), String> {
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(());
        }
        self.lines += 1;
        let n = self.lines;
        let line: Line = serde_json::from_slice(bytes).map_err(|e| {
            if e.is_eof() {
                format!(
                    "trace reply cut off inside line {n} after {} spans",
                    self.rows
                )
            } else {
                format!("not a trace reply (line {n}): {e}")
            }
        })?;
        if self.ended {
            return Err(format!("trace reply: line {n} after the end line"));
        }
        if !self.head {
            let format = line.format.map(|f| f.0.into_owned()).unwrap_or_default();
            if format != FORMAT {
                return Err(format!("unknown trace reply format {format:?}"));
            }
            let id = line.trace_id.map(|t| t.0).unwrap_or_default();
            self.trace_id = Some(self.interner.get(&id));
            self.total = line.total;
            self.head = true;
            return Ok(());
        }
        if line.format.is_some() || line.trace_id.is_some() {
            return Err(format!("trace reply: a second head line (line {n})"));
        }
        if let Some(end) = line.end {
            if end as usize != self.rows {
                return Err(format!(
                    "trace reply ends with {end} spans but {} arrived",
                    self.rows
                ));
            }
            self.ended = true;
            return Ok(());
        }
        self.strings
            .extend(line.strings.iter().map(|s| Arc::from(&*s.0)));
        let trace_id = self.trace_id.clone().unwrap_or_else(|| Arc::from(""));
        out.reserve(line.spans.len());
        for r in &line.spans {
            let text = |i: u32| {
                self.strings
                    .get(i as usize)
                    .cloned()
                    .ok_or_else(|| format!("string index {i} out of range (line {n})"))
            };
            let references = if r.8 >= 0 {
                let p = r.8 as usize;
                let parent = if p < earlier.len() {
                    earlier.get(p)
                } else {
                    out.get(p - earlier.len())
                };
                let parent = parent.ok_or_else(|| format!("parent row {p} out of range"))?;
                vec![Reference {
                    trace_id: trace_id.clone(),
                    span_id: parent.span_id.clone(),
                    ref_type: RefType::ChildOf,
                }]
            } else {
                r.9.iter()
                    .filter_map(|t| Reference::parse_interned(&t.0, &mut self.interner))
                    .collect()
            };
            let span = Span {
                start_ms: r.0,
                span_id: r.1 .0.to_string(),
                trace_id: trace_id.clone(),
                service: text(r.2)?,
                name: text(r.3)?,
                kind: SpanKind::from_code(r.4),
                duration_ns: r.5.max(0.0),
                tag_keys: r.6.iter().map(|&i| text(i)).collect::<Result<_, _>>()?,
                tag_values: r.7.iter().map(|&i| text(i)).collect::<Result<_, _>>()?,
                references,
                events: r.10.iter().map(|e| e.0.to_string()).collect(),
                has_error: r.11,
            };
            out.push(span);
            self.rows += 1;
        }
        Ok(())
    }
}

/// Parses a whole compact reply; an error names what is wrong (an unknown
/// format, a string or parent index out of range, bad JSON, a reply cut off).
pub fn parse_compact(bytes: &[u8]) -> Result<Vec<Span>, String> {
    let mut stream = CompactStream::new();
    let mut spans = Vec::new();
    stream.push(bytes, &[], &mut spans)?;
    // The last line may lack its newline.
    stream.push(b"\n", &[], &mut spans)?;
    stream.finish()?;
    Ok(spans)
}
