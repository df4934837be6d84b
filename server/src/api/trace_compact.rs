//! GET /api/v1/traces/{traceId}/compact: the same spans as the v0.39 trace route in a smaller
//! reply for our own dashboard. Real SigNoz has no such route; the dashboard asks for it first
//! and takes it only when the reply carries [`FORMAT_HEADER`], else it uses the v0.39 route.
//!
//! The reply is one JSON object:
//! `{"format":"compact-1","traceId":"…","strings":["…",…],"spans":[row,…]}` with rows in start
//! order, each `[timeMs, "spanId", service, name, kind, durationNano, [tagKey…], [tagValue…],
//! parent, [reference…], [event…], hasError]`. Service, name, tag keys and tag values are
//! indices into `strings` (every distinct string once). `parent` is the row index of the
//! span's parent when its only reference is CHILD_OF a span of this trace (then the references
//! list is empty), else -1 and the references are the stored `{TraceId=…, SpanId=…, RefType=…}`
//! texts. Events are the stored event JSON texts, as in the v0.39 reply. Numbers are numbers.

use std::borrow::Cow;
use std::collections::HashMap;

use axum::extract::{Path, State};
use axum::http::header::CONTENT_TYPE;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use serde::de::{Deserializer, MapAccess, Visitor};
use serde_json::value::RawValue;

use super::access::ViewAccess;
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
    let id = trace_id.trim().to_ascii_lowercase();
    let body = st
        .store
        .with_conn(move |c| write_trace_compact(c, &id))
        .await
        .map_err(RawError::internal)?;
    Ok((
        [
            (CONTENT_TYPE, "application/json"),
            (FORMAT_HEADER.parse().unwrap(), FORMAT),
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

struct Row {
    ts_ms: i64,
    span_id: String,
    service: u32,
    name: u32,
    kind: i64,
    duration: i64,
    keys: Vec<u32>,
    values: Vec<u32>,
    refs: String,
    events: String,
    error: bool,
}

/// The whole compact reply for one trace (an empty `spans` list when there is no such trace).
pub fn write_trace_compact(c: &rusqlite::Connection, trace_id: &str) -> Result<Vec<u8>, String> {
    let mut s = c
        .prepare_cached(
            "SELECT ts, span_id, service, name, kind, duration, attrs, resource, refs, events, has_error
             FROM spans WHERE trace_id = ?1 ORDER BY ts",
        )
        .map_err(|e| e.to_string())?;
    let mut q = s.query([trace_id]).map_err(|e| e.to_string())?;
    let mut strings = Strings::default();
    let mut rows = Vec::new();
    let mut by_id: HashMap<String, usize> = HashMap::new();
    while let Some(r) = q.next().map_err(|e| e.to_string())? {
        let text = |i: usize| {
            r.get_ref(i)
                .ok()
                .and_then(|v| v.as_str().ok())
                .unwrap_or("")
        };
        let int = |i: usize| r.get::<_, i64>(i).unwrap_or(0);
        let (mut keys, mut values) = (Vec::new(), Vec::new());
        for col in [6, 7] {
            for (k, v) in tags(text(col)) {
                keys.push(strings.id(&k));
                values.push(strings.id(&v));
            }
        }
        let span_id = text(1).to_string();
        by_id.entry(span_id.clone()).or_insert(rows.len());
        rows.push(Row {
            ts_ms: int(0) / 1_000_000,
            span_id,
            service: strings.id(text(2)),
            name: strings.id(text(3)),
            kind: int(4),
            duration: int(5),
            keys,
            values,
            refs: json_array_or_empty(text(8)).to_string(),
            events: json_array_or_empty(text(9)).to_string(),
            error: r.get::<_, bool>(10).unwrap_or(false),
        });
    }
    let mut out = Vec::with_capacity(rows.len() * 96 + strings.list.len() + 256);
    out.extend_from_slice(b"{\"format\":");
    write_json(&mut out, FORMAT);
    out.extend_from_slice(b",\"traceId\":");
    write_json(&mut out, trace_id);
    out.extend_from_slice(b",\"strings\":[");
    out.extend_from_slice(&strings.list);
    out.extend_from_slice(b"],\"spans\":[");
    for (i, row) in rows.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.push(b'[');
        write_int(&mut out, row.ts_ms as i64);
        out.push(b',');
        write_json(&mut out, &row.span_id);
        for n in [row.service as i64, row.name as i64, row.kind, row.duration] {
            out.push(b',');
            write_int(&mut out, n as i64);
        }
        for list in [&row.keys, &row.values] {
            out.extend_from_slice(b",[");
            for (j, k) in list.iter().enumerate() {
                if j > 0 {
                    out.push(b',');
                }
                write_int(&mut out, *k as i64);
            }
            out.push(b']');
        }
        match sole_parent(&row.refs, trace_id).and_then(|p| by_id.get(p)) {
            Some(&p) if p != i => {
                out.push(b',');
                write_int(&mut out, p as i64);
                out.extend_from_slice(b",[]");
            }
            _ => {
                out.extend_from_slice(b",-1,");
                out.extend_from_slice(row.refs.as_bytes());
            }
        }
        out.push(b',');
        out.extend_from_slice(row.events.as_bytes());
        out.extend_from_slice(if row.error { b",true]" } else { b",false]" });
    }
    out.extend_from_slice(b"]}");
    Ok(out)
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
