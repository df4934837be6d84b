//! GET /api/v1/traces/{traceId}/compact: the same spans as the v0.39 trace route in a smaller
//! reply for our own dashboard. Real SigNoz has no such route; the dashboard asks for it first
//! and takes it only when the reply carries [`FORMAT_HEADER`], else it uses the v0.39 route.
//!
//! The reply is newline-delimited JSON, so a client can use the rows of each line as it arrives:
//!
//! - first `{"format":"compact-2","traceId":"…","total":N}` (N: the trace's span count, read
//!   before the rows, so a client can show "N of M" while loading);
//! - then chunks `{"strings":["…",…],"spans":[row,…]}`: the strings first used in this chunk
//!   (appended to one table that grows over the reply, every distinct string once) and its
//!   rows, in start order; the first chunk is small ([`FIRST_ROWS`]) so the first rows come at once;
//! - last `{"end":N}` with the number of rows sent: a reply cut off midway has no such line.
//!
//! A row is `[timeMs, "spanId", service, name, kind, durationNano, [tagKey…], [tagValue…],
//! parent, [reference…], [event…], hasError]`. Service, name, tag keys and tag values are
//! indices into the string table. `parent` is the row index of the span's parent when its only
//! reference is CHILD_OF a span of this trace written in an earlier row (then the references
//! list is empty), else -1 and the references are the stored `{TraceId=…, SpanId=…, RefType=…}`
//! texts. Events are the stored event JSON texts, as in the v0.39 reply. Numbers are numbers.

use std::borrow::Cow;
use std::collections::HashMap;

use axum::extract::{Path, State};
use axum::http::header::CONTENT_TYPE;
use axum::http::HeaderName;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use serde::de::{Deserializer, MapAccess, Visitor};
use serde_json::value::RawValue;

use super::access::ViewAccess;
use super::traces::CHUNK;
use super::{AppState, RawError};

/// Response header naming the reply format; the dashboard trusts a reply only with it.
pub const FORMAT_HEADER: &str = "x-trace-format";
pub const FORMAT: &str = "compact-2";
/// Rows in the first chunk: few, so the first rows reach the client at once.
pub const FIRST_ROWS: usize = 1000;

pub fn routes() -> Router<AppState> {
    Router::new().route("/api/v1/traces/{trace_id}/compact", get(trace_compact))
}

async fn trace_compact(
    State(st): State<AppState>,
    _: ViewAccess,
    Path(trace_id): Path<String>,
) -> Result<Response, RawError> {
    // Streamed as the rows are read, like the v0.39 route (same stall cut-off).
    let body = super::traces::stream_trace(&st, &trace_id, write_trace_compact).await?;
    Ok((
        [
            (CONTENT_TYPE, "application/x-ndjson"),
            (HeaderName::from_static(FORMAT_HEADER), FORMAT),
        ],
        body,
    )
        .into_response())
}

/// Distinct strings in first-seen order; `list` holds the JSON of those not sent yet.
#[derive(Default)]
struct Strings {
    index: HashMap<String, u32>,
    list: Vec<u8>,
    count: u32,
}

impl Strings {
    fn id(&mut self, s: &str) -> u32 {
        if let Some(&i) = self.index.get(s) {
            return i;
        }
        if !self.list.is_empty() {
            self.list.push(b',');
        }
        write_json(&mut self.list, s);
        let i = self.count;
        self.count += 1;
        self.index.insert(s.to_string(), i);
        i
    }
}

/// Writes the compact reply for one trace (a total of 0 and no chunks when there is no such
/// trace) to `sink` one line at a time as the rows are read. `sink` returns false when the
/// client went away.
pub fn write_trace_compact(
    c: &rusqlite::Connection,
    trace_id: &str,
    sink: &mut dyn FnMut(Vec<u8>) -> bool,
) -> Result<(), String> {
    // One read snapshot for the count and the rows.
    let tx = c.unchecked_transaction().map_err(|e| e.to_string())?;
    let total: i64 = tx
        .prepare_cached("SELECT count(*) FROM spans WHERE trace_id = ?1")
        .and_then(|mut s| s.query_row([trace_id], |r| r.get(0)))
        .map_err(|e| e.to_string())?;
    let mut head = Vec::new();
    head.extend_from_slice(b"{\"format\":");
    write_json(&mut head, FORMAT);
    head.extend_from_slice(b",\"traceId\":");
    write_json(&mut head, trace_id);
    head.extend_from_slice(b",\"total\":");
    write_int(&mut head, total);
    head.extend_from_slice(b"}\n");
    if !sink(head) {
        return Err("client went away".into());
    }
    // Streams from the (trace_id, ts) index: no sort before the first row.
    let mut s = tx
        .prepare_cached(
            "SELECT ts, span_id, service, name, kind, duration, attrs, resource, refs, events, has_error
             FROM spans WHERE trace_id = ?1 ORDER BY ts",
        )
        .map_err(|e| e.to_string())?;
    let mut q = s.query([trace_id]).map_err(|e| e.to_string())?;
    let mut strings = Strings::default();
    // Rows already written, by span id: a parent seen earlier is sent as its row index.
    let mut by_id: HashMap<String, usize> = HashMap::new();
    let mut out = Vec::with_capacity(CHUNK + 64 * 1024);
    let (mut keys, mut values) = (Vec::new(), Vec::new());
    let mut i = 0usize;
    let mut in_chunk = 0usize;
    // A chunk line: its new strings, then its rows.
    let flush = |out: &mut Vec<u8>, strings: &mut Strings| {
        let mut line = Vec::with_capacity(out.len() + strings.list.len() + 32);
        line.extend_from_slice(b"{\"strings\":[");
        line.append(&mut strings.list);
        line.extend_from_slice(b"],\"spans\":[");
        line.append(out);
        line.extend_from_slice(b"]}\n");
        line
    };
    while let Some(r) = q.next().map_err(|e| e.to_string())? {
        let text = |i: usize| {
            r.get_ref(i)
                .ok()
                .and_then(|v| v.as_str().ok())
                .unwrap_or("")
        };
        let int = |i: usize| r.get::<_, i64>(i).unwrap_or(0);
        keys.clear();
        values.clear();
        for col in [6, 7] {
            for (k, v) in tags(text(col)) {
                keys.push(strings.id(&k));
                values.push(strings.id(&v));
            }
        }
        let span_id = text(1);
        if in_chunk > 0 {
            out.push(b',');
        }
        out.push(b'[');
        write_int(&mut out, int(0) / 1_000_000);
        out.push(b',');
        write_json(&mut out, span_id);
        for n in [
            strings.id(text(2)) as i64,
            strings.id(text(3)) as i64,
            int(4),
            int(5),
        ] {
            out.push(b',');
            write_int(&mut out, n);
        }
        for list in [&keys, &values] {
            out.extend_from_slice(b",[");
            for (j, k) in list.iter().enumerate() {
                if j > 0 {
                    out.push(b',');
                }
                write_int(&mut out, *k as i64);
            }
            out.push(b']');
        }
        let refs = json_array_or_empty(text(8));
        match sole_parent(refs, trace_id).and_then(|p| by_id.get(p)) {
            Some(&p) => {
                out.push(b',');
                write_int(&mut out, p as i64);
                out.extend_from_slice(b",[]");
            }
            None => {
                out.extend_from_slice(b",-1,");
                out.extend_from_slice(refs.as_bytes());
            }
        }
        out.push(b',');
        out.extend_from_slice(json_array_or_empty(text(9)).as_bytes());
        out.extend_from_slice(if r.get::<_, bool>(10).unwrap_or(false) {
            b",true]"
        } else {
            b",false]"
        });
        by_id.entry(span_id.to_string()).or_insert(i);
        i += 1;
        in_chunk += 1;
        if (out.len() >= CHUNK || (i == in_chunk && in_chunk >= FIRST_ROWS))
            && !sink(flush(&mut out, &mut strings))
        {
            return Err("client went away".into());
        }
        if out.is_empty() {
            in_chunk = 0;
        }
    }
    let mut last = if in_chunk > 0 {
        flush(&mut out, &mut strings)
    } else {
        Vec::new()
    };
    last.extend_from_slice(b"{\"end\":");
    write_int(&mut last, i as i64);
    last.extend_from_slice(b"}\n");
    sink(last);
    Ok(())
}

/// The parent span id when `refs` (a stored JSON array) is exactly one CHILD_OF reference
/// into `trace_id`, written the way a client's parse gives back exactly.
fn sole_parent<'a>(refs: &'a str, trace_id: &str) -> Option<&'a str> {
    let list: Vec<&str> = serde_json::from_str(refs).ok()?;
    let [only] = list.as_slice() else {
        return None;
    };
    let rest = only
        .strip_prefix("{TraceId=")?
        .strip_suffix(", RefType=CHILD_OF}")?;
    let (trace, span) = rest.split_once(", SpanId=")?;
    let plain = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric());
    (trace == trace_id && plain(span)).then_some(span)
}

/// A stored attribute object as (key, tag string) pairs in stored order: strings as they are,
/// null as "", anything else as its JSON text (the v0.39 reply's tag form). Bad JSON gives none.
fn tags(stored: &str) -> Vec<(Cow<'_, str>, Cow<'_, str>)> {
    struct Pairs;
    impl<'de> Visitor<'de> for Pairs {
        type Value = Vec<(Cow<'de, str>, Cow<'de, str>)>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a JSON object")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut out = Vec::new();
            while let Some(k) = map.next_key::<Cow<'de, str>>()? {
                let raw = map.next_value::<&'de RawValue>()?.get();
                let v = if raw.starts_with('"') {
                    serde_json::from_str::<Cow<'de, str>>(raw).map_err(serde::de::Error::custom)?
                } else if raw == "null" {
                    Cow::Borrowed("")
                } else {
                    Cow::Borrowed(raw)
                };
                out.push((k, v));
            }
            Ok(out)
        }
    }
    let mut de = serde_json::Deserializer::from_str(stored);
    de.deserialize_map(Pairs).unwrap_or_default()
}

fn json_array_or_empty(stored: &str) -> &str {
    match serde_json::from_str::<&RawValue>(stored) {
        Ok(v) if v.get().starts_with('[') => v.get(),
        _ => "[]",
    }
}

fn write_int(out: &mut Vec<u8>, n: i64) {
    use std::io::Write;
    let _ = write!(out, "{n}");
}

fn write_json<T: serde::Serialize + ?Sized>(out: &mut Vec<u8>, v: &T) {
    serde_json::to_writer(out, v).expect("writing to a Vec cannot fail");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn db_with_spans(n: usize) -> rusqlite::Connection {
        let mut c = rusqlite::Connection::open_in_memory().unwrap();
        crate::store::schema::migrate(&mut c).unwrap();
        for i in 0..n {
            // Every row a new operation name: the string table grows over the chunks.
            c.execute(
                "INSERT INTO spans (ts, trace_id, span_id, parent_span_id, service, name, kind,
                 duration, status_code, status_message, has_error, http_method, response_status_code,
                 attrs, resource, events, refs)
                 VALUES (?1, 'ab', ?2, '', 'svc', ?3, 2, 5, 0, '', 0, '', '', '{}', '{}', '[]', '[]')",
                rusqlite::params![(n - i) as i64 * 1_000_000, format!("{i:016x}"), format!("op {i}")],
            )
            .unwrap();
        }
        c
    }

    #[test]
    fn the_rows_stream_from_an_index_in_start_order() {
        let c = db_with_spans(0);
        let plan: Vec<String> = c
            .prepare(
                "EXPLAIN QUERY PLAN SELECT ts, span_id FROM spans WHERE trace_id = ?1 ORDER BY ts",
            )
            .unwrap()
            .query_map(["ab"], |r| r.get::<_, String>(3))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        let plan = plan.join("; ");
        assert!(plan.contains("spans_by_trace_time"), "{plan}");
        assert!(!plan.contains("TEMP B-TREE"), "{plan}");
    }

    #[test]
    fn chunks_are_lines_with_their_new_strings_and_a_small_first_one() {
        let c = db_with_spans(2500);
        let mut lines = Vec::new();
        write_trace_compact(&c, "ab", &mut |chunk| {
            lines.push(String::from_utf8(chunk).unwrap());
            true
        })
        .unwrap();
        let text = lines.concat();
        let lines: Vec<serde_json::Value> = text
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(lines[0]["format"], FORMAT);
        assert_eq!(lines[0]["total"], 2500);
        assert_eq!(lines[1]["spans"].as_array().unwrap().len(), FIRST_ROWS);
        assert_eq!(lines.last().unwrap()["end"], 2500);
        let (mut rows, mut strings) = (0, Vec::new());
        for l in &lines[1..lines.len() - 1] {
            strings.extend(l["strings"].as_array().unwrap().iter().cloned());
            for r in l["spans"].as_array().unwrap() {
                // Every index points at a string sent in this chunk or before it.
                let name = r[3].as_u64().unwrap() as usize;
                assert_eq!(strings[name], format!("op {}", 2499 - rows));
                rows += 1;
            }
        }
        assert_eq!(rows, 2500);
        assert_eq!(strings.len(), 2501);
    }

    #[test]
    fn a_sole_child_of_reference_becomes_a_parent() {
        let t = "ab000000000000000000000000000001";
        let one = format!(r#"["{{TraceId={t}, SpanId=cd00000000000001, RefType=CHILD_OF}}"]"#);
        assert_eq!(sole_parent(&one, t), Some("cd00000000000001"));
        assert_eq!(sole_parent(&one, "other"), None);
        let follows = format!(r#"["{{TraceId={t}, SpanId=cd01, RefType=FOLLOWS_FROM}}"]"#);
        assert_eq!(sole_parent(&follows, t), None);
        assert_eq!(sole_parent("[]", t), None);
        assert_eq!(sole_parent("bad", t), None);
    }

    #[test]
    fn tags_unescape_strings_and_keep_other_json() {
        let got = tags(r#"{"a":"x\"y","b":1.5,"c":null,"e":{"f":[1]}}"#);
        let got: Vec<(&str, &str)> = got.iter().map(|(k, v)| (&**k, &**v)).collect();
        assert_eq!(
            got,
            [
                ("a", "x\"y"),
                ("b", "1.5"),
                ("c", ""),
                ("e", r#"{"f":[1]}"#)
            ]
        );
        assert!(tags(r#"{"g":"half"#).is_empty());
    }
}
