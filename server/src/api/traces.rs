//! GET /api/v1/traces/{traceId}: every span of a trace as the 12-column rows SigNoz's trace
//! detail view parses.
//!
//! A 100 000-span trace is ~25 MB of JSON, so the rows are written straight from the SQLite
//! cursor into the reply bytes: the stored attribute/reference/event JSON is spliced in as raw
//! text instead of being parsed into `serde_json::Value` trees and serialized again.

use std::time::{Duration, Instant};

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::header::CONTENT_TYPE;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use futures_util::StreamExt;
use serde::de::{DeserializeSeed, Deserializer, MapAccess, Visitor};
use serde_json::value::RawValue;

use super::access::ViewAccess;
use super::{AppState, RawError};

pub fn routes() -> Router<AppState> {
    Router::new().route("/api/v1/traces/{trace_id}", get(trace_detail))
}

/// The 12 column names, in row order (the contract, shared with the dashboard).
pub use signoz_api::traces::COLUMNS;

async fn trace_detail(
    State(st): State<AppState>,
    _: ViewAccess,
    Path(trace_id): Path<String>,
) -> Result<Response, RawError> {
    let body = stream_trace(&st, &trace_id, write_trace_json).await?;
    Ok(([(CONTENT_TYPE, "application/json")], body).into_response())
}

/// Writes one trace's reply to a sink of chunks (false: the client went away).
pub(super) type TraceWriter =
    fn(&rusqlite::Connection, &str, &mut dyn FnMut(Vec<u8>) -> bool) -> Result<(), String>;

/// One trace's reply body as `write` produces it, streamed in chunks as the rows are read, so
/// the proxy's gzip and the transfer overlap with the query. Errors before the first chunk are
/// a normal 500; a later one aborts the body. A client that stops reading is cut off after
/// `reply_stall`, so it cannot pin the read snapshot (and with it the WAL's size) or a pooled
/// connection for ever.
pub(super) async fn stream_trace(
    st: &AppState,
    trace_id: &str,
    write: TraceWriter,
) -> Result<Body, RawError> {
    let id = trace_id.trim().to_ascii_lowercase();
    let (tx, mut rx) = tokio::sync::mpsc::channel::<Result<Vec<u8>, String>>(4);
    let store = st.store.clone();
    let stall = st.reply_stall;
    tokio::spawn(async move {
        let chunks = tx.clone();
        let done = store
            .with_conn(move |c| write(c, &id, &mut |chunk| send_within(&chunks, Ok(chunk), stall)))
            .await;
        if let Err(e) = done {
            // Not awaited: the channel may be full of chunks nobody reads.
            let _ = tx.try_send(Err(e));
        }
    });
    let first = match rx.recv().await {
        Some(Ok(first)) => first,
        Some(Err(e)) => return Err(RawError::internal(e)),
        None => return Err(RawError::internal("trace query ended without a reply")),
    };
    let rest = futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|chunk| (chunk, rx))
    });
    Ok(Body::from_stream(
        futures_util::stream::once(async { Ok(first) }).chain(rest),
    ))
}

/// Sends from a blocking thread, giving up after `timeout` of a full channel (false then, as
/// when the receiver is gone).
pub(super) fn send_within<T>(
    tx: &tokio::sync::mpsc::Sender<T>,
    mut item: T,
    timeout: Duration,
) -> bool {
    use tokio::sync::mpsc::error::TrySendError;
    let deadline = Instant::now() + timeout;
    loop {
        match tx.try_send(item) {
            Ok(()) => return true,
            Err(TrySendError::Closed(_)) => return false,
            Err(TrySendError::Full(back)) if Instant::now() < deadline => {
                item = back;
                std::thread::sleep(Duration::from_millis(5));
            }
            Err(TrySendError::Full(_)) => return false,
        }
    }
}

/// Reply chunk size of the streamed trace routes.
pub(super) const CHUNK: usize = 256 * 1024;

/// Writes `[{"columns": [...], "events": [[row], ...]}]` for one trace, rows in start order, to
/// `sink` in chunks of about [`CHUNK`] bytes; `sink` returns false when the client went away.
pub fn write_trace_json(
    c: &rusqlite::Connection,
    trace_id: &str,
    sink: &mut dyn FnMut(Vec<u8>) -> bool,
) -> Result<(), String> {
    let mut s = c
        .prepare_cached(
            "SELECT ts, span_id, trace_id, service, name, kind, duration, attrs, resource, refs, events, has_error
             FROM spans WHERE trace_id = ?1 ORDER BY ts",
        )
        .map_err(|e| e.to_string())?;
    let mut rows = s.query([trace_id]).map_err(|e| e.to_string())?;
    let mut out = Vec::with_capacity(CHUNK + 64 * 1024);
    out.extend_from_slice(b"[{\"columns\":");
    write_json(&mut out, &COLUMNS);
    out.extend_from_slice(b",\"events\":[");
    let mut first = true;
    let mut values = Vec::new();
    while let Some(r) = rows.next().map_err(|e| e.to_string())? {
        let text = |i: usize| {
            r.get_ref(i)
                .ok()
                .and_then(|v| v.as_str().ok())
                .unwrap_or("")
        };
        let int = |i: usize| r.get::<_, i64>(i).unwrap_or(0);
        if !first {
            out.push(b',');
        }
        first = false;
        out.push(b'[');
        write_json(&mut out, &(int(0) / 1_000_000));
        for i in 1..=4 {
            out.push(b',');
            write_json(&mut out, text(i));
        }
        for i in [5, 6] {
            out.extend_from_slice(b",\"");
            write_json(&mut out, &int(i));
            out.push(b'"');
        }
        // Span attributes first, then resource attributes, as SigNoz's tag map holds both.
        out.extend_from_slice(b",[");
        values.clear();
        values.extend_from_slice(b",[");
        let mut count = 0;
        for col in [7, 8] {
            append_tags(text(col), &mut out, &mut values, &mut count);
        }
        out.push(b']');
        values.push(b']');
        out.extend_from_slice(&values);
        for col in [9, 10] {
            out.push(b',');
            out.extend_from_slice(json_array_or_empty(text(col)).as_bytes());
        }
        out.extend_from_slice(if r.get::<_, bool>(11).unwrap_or(false) {
            b",true]"
        } else {
            b",false]"
        });
        if out.len() >= CHUNK
            && !sink(std::mem::replace(
                &mut out,
                Vec::with_capacity(CHUNK + 64 * 1024),
            ))
        {
            return Err("client went away".into());
        }
    }
    out.extend_from_slice(b"]}]");
    sink(out);
    Ok(())
}

fn write_json<T: serde::Serialize + ?Sized>(out: &mut Vec<u8>, v: &T) {
    serde_json::to_writer(out, v).expect("writing to a Vec cannot fail");
}

/// Writes each key of a stored JSON object, JSON-encoded and comma-separated, to `keys`, and
/// its value in tag-string form (strings as they are, null as "", anything else as its JSON
/// text) to `values`; `count` is how many tags both lists already hold. Bad JSON adds nothing.
fn append_tags(stored: &str, keys: &mut Vec<u8>, values: &mut Vec<u8>, count: &mut usize) {
    struct Tags<'k> {
        keys: &'k mut Vec<u8>,
        values: &'k mut Vec<u8>,
        count: &'k mut usize,
    }
    /// Writes a map key without allocating it.
    struct Key<'k>(&'k mut Vec<u8>);
    impl<'de> DeserializeSeed<'de> for Key<'_> {
        type Value = ();
        fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
            d.deserialize_str(self)
        }
    }
    impl<'de> Visitor<'de> for Key<'_> {
        type Value = ();
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a key")
        }
        fn visit_str<E>(self, k: &str) -> Result<(), E> {
            write_json(self.0, k);
            Ok(())
        }
    }
    impl<'de> Visitor<'de> for Tags<'_> {
        type Value = ();
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a JSON object")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
            loop {
                let sep = if *self.count > 0 { &b","[..] } else { &b""[..] };
                self.keys.extend_from_slice(sep);
                if map.next_key_seed(Key(self.keys))?.is_none() {
                    self.keys.truncate(self.keys.len() - sep.len());
                    return Ok(());
                }
                let raw = map.next_value::<&'de RawValue>()?.get();
                self.values.extend_from_slice(sep);
                if raw.starts_with('"') {
                    self.values.extend_from_slice(raw.as_bytes()); // a JSON string literal already
                } else if raw == "null" {
                    self.values.extend_from_slice(b"\"\"");
                } else {
                    write_json(self.values, raw);
                }
                *self.count += 1;
            }
        }
    }
    let (k_len, v_len, n) = (keys.len(), values.len(), *count);
    let mut de = serde_json::Deserializer::from_str(stored);
    if de
        .deserialize_map(Tags {
            keys,
            values,
            count,
        })
        .is_err()
    {
        keys.truncate(k_len);
        values.truncate(v_len);
        *count = n;
    }
}

/// Stored references/events text when it is a JSON array, else `[]`.
fn json_array_or_empty(stored: &str) -> &str {
    match serde_json::from_str::<&RawValue>(stored) {
        Ok(v) if v.get().starts_with('[') => v.get(),
        _ => "[]",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_keep_strings_and_stringify_the_rest() {
        let (mut k, mut v, mut n) = (Vec::new(), Vec::new(), 0);
        append_tags(r#"{"a":"x\"y","b":1.5,"c":null}"#, &mut k, &mut v, &mut n);
        append_tags("not json", &mut k, &mut v, &mut n);
        append_tags(r#"{"d\n":true,"e":{"f":[1]}}"#, &mut k, &mut v, &mut n);
        append_tags(r#"{"g":"half"#, &mut k, &mut v, &mut n);
        assert_eq!(n, 5);
        assert_eq!(String::from_utf8(k).unwrap(), r#""a","b","c","d\n","e""#);
        assert_eq!(
            String::from_utf8(v).unwrap(),
            r#""x\"y","1.5","","true","{\"f\":[1]}""#
        );
    }

    #[test]
    fn refs_and_events_pass_through_when_they_are_arrays() {
        assert_eq!(
            json_array_or_empty(r#"["{TraceId=a, SpanId=b, RefType=CHILD_OF}"]"#),
            r#"["{TraceId=a, SpanId=b, RefType=CHILD_OF}"]"#
        );
        assert_eq!(json_array_or_empty("{}"), "[]");
        assert_eq!(json_array_or_empty(""), "[]");
    }
}
