//! The spans instrumentations build: plain data, handed to a [`SpanSink`] when
//! finished. Kept apart from the SDK core's span types so the instrumentation
//! logic is testable natively; the browser glue adapts it to the core.

pub type TraceId = [u8; 16];
pub type SpanId = [u8; 8];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Internal,
    Client,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Str(String),
    Int(i64),
    F64(f64),
    Bool(bool),
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::Str(s.to_string())
    }
}
impl From<String> for Value {
    fn from(s: String) -> Self {
        Value::Str(s)
    }
}
impl From<i64> for Value {
    fn from(v: i64) -> Self {
        Value::Int(v)
    }
}

/// Where a span hangs: its trace and (unless it is a root) its parent span.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Parent {
    pub trace_id: TraceId,
    pub span_id: SpanId,
    pub sampled: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub name: String,
    pub time_ns: u64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SpanRecord {
    pub trace_id: TraceId,
    pub span_id: SpanId,
    pub parent_span_id: Option<SpanId>,
    pub sampled: bool,
    pub name: String,
    pub kind: Kind,
    pub start_ns: u64,
    pub end_ns: u64,
    pub attributes: Vec<(String, Value)>,
    pub events: Vec<Event>,
    /// `Some(message)` = status ERROR.
    pub error: Option<String>,
}

impl SpanRecord {
    pub fn new(name: &str, kind: Kind, parent: Option<Parent>, ids: (TraceId, SpanId), start_ns: u64) -> Self {
        let (trace_id, parent_span_id, sampled) = match parent {
            Some(p) => (p.trace_id, Some(p.span_id), p.sampled),
            None => (ids.0, None, true),
        };
        SpanRecord {
            trace_id,
            span_id: ids.1,
            parent_span_id,
            sampled,
            name: name.to_string(),
            kind,
            start_ns,
            end_ns: start_ns,
            attributes: Vec::new(),
            events: Vec::new(),
            error: None,
        }
    }

    /// Sets an attribute, replacing an earlier value under the same key.
    pub fn set(&mut self, key: &str, value: impl Into<Value>) {
        let value = value.into();
        match self.attributes.iter_mut().find(|(k, _)| k == key) {
            Some(slot) => slot.1 = value,
            None => self.attributes.push((key.to_string(), value)),
        }
    }

    pub fn get(&self, key: &str) -> Option<&Value> {
        self.attributes.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    pub fn event(&mut self, name: &str, time_ns: u64) {
        self.events.push(Event { name: name.to_string(), time_ns });
    }

    /// This span as the parent of others.
    pub fn as_parent(&self) -> Parent {
        Parent { trace_id: self.trace_id, span_id: self.span_id, sampled: self.sampled }
    }

    pub fn traceparent(&self) -> String {
        format_traceparent(&self.as_parent())
    }
}

/// Receives finished spans (the SDK core's processor, or a test buffer).
pub trait SpanSink {
    fn finish(&self, span: SpanRecord);
}

pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(DIGITS[(b >> 4) as usize] as char);
        s.push(DIGITS[(b & 15) as usize] as char);
    }
    s
}

pub fn format_traceparent(p: &Parent) -> String {
    format!("00-{}-{}-{}", hex(&p.trace_id), hex(&p.span_id), if p.sampled { "01" } else { "00" })
}

/// Parses a version-00 `traceparent` (as found in `<meta name="traceparent">`);
/// `None` for anything the W3C spec says to ignore.
pub fn parse_traceparent(s: &str) -> Option<Parent> {
    let s = s.trim();
    let mut parts = s.split('-');
    let (version, trace, span, flags) = (parts.next()?, parts.next()?, parts.next()?, parts.next()?);
    if version.len() != 2 || version == "ff" || (version == "00" && parts.next().is_some()) {
        return None;
    }
    let trace_id: TraceId = unhex(trace)?;
    let span_id: SpanId = unhex(span)?;
    let flags: [u8; 1] = unhex(flags)?;
    if trace_id == [0; 16] || span_id == [0; 8] || unhex::<1>(version).is_none() {
        return None;
    }
    Some(Parent { trace_id, span_id, sampled: flags[0] & 1 == 1 })
}

fn unhex<const N: usize>(s: &str) -> Option<[u8; N]> {
    let b = s.as_bytes();
    if b.len() != N * 2 {
        return None;
    }
    let nibble = |c: u8| match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        _ => None,
    };
    let mut out = [0u8; N];
    for (i, o) in out.iter_mut().enumerate() {
        *o = nibble(b[2 * i])? << 4 | nibble(b[2 * i + 1])?;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn traceparent_round_trip_and_rejects() {
        let tp = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
        let p = parse_traceparent(tp).unwrap();
        assert_eq!(format_traceparent(&p), tp);
        assert!(!parse_traceparent("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00").unwrap().sampled);
        for bad in [
            "",
            "00-0AF7651916CD43DD8448EB211C80319C-b7ad6b7169203331-01",
            "00-00000000000000000000000000000000-b7ad6b7169203331-01",
            "00-0af7651916cd43dd8448eb211c80319c-0000000000000000-01",
            "ff-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
            "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01-extra",
            "00-0af7651916cd43dd8448eb211c8031-b7ad6b7169203331-01",
        ] {
            assert_eq!(parse_traceparent(bad), None, "{bad}");
        }
        // Future versions may carry more fields.
        assert!(parse_traceparent("01-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01-x").is_some());
    }

    #[test]
    fn child_inherits_trace() {
        let parent = SpanRecord::new("click", Kind::Internal, None, ([1; 16], [2; 8]), 5);
        let child = SpanRecord::new("GET", Kind::Client, Some(parent.as_parent()), ([9; 16], [3; 8]), 6);
        assert_eq!(child.trace_id, [1; 16]);
        assert_eq!(child.parent_span_id, Some([2; 8]));
        let mut s = child;
        s.set("a", 1i64);
        s.set("a", "x");
        assert_eq!(s.attributes.len(), 1);
        assert_eq!(s.get("a"), Some(&Value::Str("x".into())));
    }
}
