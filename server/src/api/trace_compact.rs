//! GET /api/v1/traces/{traceId}/compact: the same spans as the v0.39 trace route in a smaller
//! reply for our own dashboard. Real SigNoz has no such route; the dashboard asks for it first
//! and takes it only when the reply carries [`FORMAT_HEADER`], else it uses the v0.39 route.
//!
//! The reply is one JSON object:
//! `{"format":"compact-1","traceId":"…","spans":[row,…],"strings":["…",…]}` with rows in start
//! order (streamed as they are read, the string table last), each `[timeMs, "spanId", service, name, kind, durationNano, [tagKey…], [tagValue…],
//! parent, [reference…], [event…], hasError]`. Service, name, tag keys and tag values are
//! indices into `strings` (every distinct string once). `parent` is the row index of the
//! span's parent when its only reference is CHILD_OF a span of this trace written in an
//! earlier row (then the references list is empty), else -1 and the references are the stored `{TraceId=…, SpanId=…, RefType=…}`
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
pub const FORMAT: &str = "compact-1";

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
            (CONTENT_TYPE, "application/json"),
            (HeaderName::from_static(FORMAT_HEADER), FORMAT),
        ],
        body,
    )
        .into_response())
}

/// Distinct strings in first-seen order.
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
        if self.count > 0 {
            self.list.push(b',');
        }
        write_json(&mut self.list, s);
        let i = self.count;
        self.count += 1;
        self.index.insert(s.to_string(), i);
        i
    }
}

/// Writes the compact reply for one trace (an empty `spans` list when there is no such trace)
/// to `sink` in chunks of about [`CHUNK`] bytes as the rows are read; the string table comes
/// last. `sink` returns false when the client went away.
pub fn write_trace_compact(
    c: &rusqlite::Connection,
    trace_id: &str,
    sink: &mut dyn FnMut(Vec<u8>) -> bool,
) -> Result<(), String> {
    let mut s = c
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
    out.extend_from_slice(b"{\"format\":");
    write_json(&mut out, FORMAT);
    out.extend_from_slice(b",\"traceId\":");
    write_json(&mut out, trace_id);
    out.extend_from_slice(b",\"spans\":[");
    let (mut keys, mut values) = (Vec::new(), Vec::new());
    let mut i = 0usize;
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
        if i > 0 {
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
        if out.len() >= CHUNK
            && !sink(std::mem::replace(
                &mut out,
                Vec::with_capacity(CHUNK + 64 * 1024),
            ))
        {
            return Err("client went away".into());
        }
    }
    out.extend_from_slice(b"],\"strings\":[");
    out.extend_from_slice(&strings.list);
    out.extend_from_slice(b"]}");
    sink(out);
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
