//! The W3C `traceparent` header: `version-traceid-parentid-flags`, lowercase hex.

use crate::trace::{SpanContext, SpanId, TraceFlags, TraceId};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TraceParent {
    pub trace_id: TraceId,
    pub span_id: SpanId,
    pub flags: TraceFlags,
}

/// Parses a `traceparent` value per W3C Trace Context:
/// - version `00`: exactly 55 characters;
/// - a higher version: at least 55 characters, and if longer, a `-` must follow the flags
///   (the fields after it belong to that future version and are ignored);
/// - version `ff`, uppercase or non-hex digits, wrong lengths and all-zero ids are invalid.
pub fn parse(value: &str) -> Option<TraceParent> {
    let v = crate::text::trim_ows(value).as_bytes();
    if v.len() < 55 {
        return None;
    }
    let version = hex_byte(&v[0..2])?;
    if version == 0xff || (version == 0 && v.len() != 55) || (v.len() > 55 && v[55] != b'-') {
        return None;
    }
    if v[2] != b'-' || v[35] != b'-' || v[52] != b'-' {
        return None;
    }
    let mut tid = [0u8; 16];
    for (i, b) in tid.iter_mut().enumerate() {
        *b = hex_byte(&v[3 + 2 * i..5 + 2 * i])?;
    }
    let mut sid = [0u8; 8];
    for (i, b) in sid.iter_mut().enumerate() {
        *b = hex_byte(&v[36 + 2 * i..38 + 2 * i])?;
    }
    let flags = hex_byte(&v[53..55])?;
    if tid == [0; 16] || sid == [0; 8] {
        return None;
    }
    // Only the sampled bit is defined; other bits are not propagated.
    Some(TraceParent {
        trace_id: TraceId::from_bytes(tid),
        span_id: SpanId::from_bytes(sid),
        flags: TraceFlags::new(flags & 1),
    })
}

/// Formats version 00 for a span context.
pub fn format(cx: &SpanContext) -> String {
    let mut s = String::with_capacity(55);
    s.push_str("00-");
    push_hex(&mut s, &cx.trace_id().to_bytes());
    s.push('-');
    push_hex(&mut s, &cx.span_id().to_bytes());
    s.push('-');
    push_hex(&mut s, &[cx.trace_flags().to_u8() & 1]);
    s
}

/// Lowercase hex, which is all the spec accepts.
fn hex_digit(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        _ => None,
    }
}

fn hex_byte(two: &[u8]) -> Option<u8> {
    Some(hex_digit(two[0])? << 4 | hex_digit(two[1])?)
}

/// Exactly `2 * out.len()` hex digits of either case (as @opentelemetry/api's `isValidTraceId`
/// accepts) into `out`; `None` otherwise. For ids handed over from JS.
pub fn hex_into(s: &str, out: &mut [u8]) -> Option<()> {
    let s = s.as_bytes();
    if s.len() != 2 * out.len() {
        return None;
    }
    for (i, b) in out.iter_mut().enumerate() {
        let d = |c: u8| hex_digit(c.to_ascii_lowercase());
        *b = d(s[2 * i])? << 4 | d(s[2 * i + 1])?;
    }
    Some(())
}

/// Appends lowercase hex (shared with the OTLP/JSON writer).
pub fn push_hex(s: &mut String, bytes: &[u8]) {
    const D: &[u8; 16] = b"0123456789abcdef";
    for b in bytes {
        s.push(D[(b >> 4) as usize] as char);
        s.push(D[(b & 15) as usize] as char);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::trace::TraceState;

    const TID: &str = "0af7651916cd43dd8448eb211c80319c";
    const SID: &str = "b7ad6b7169203331";

    fn tp(version: &str, tid: &str, sid: &str, flags: &str) -> String {
        [version, tid, sid, flags].join("-")
    }

    #[test]
    fn hex_ids_from_js() {
        let mut tid = [0u8; 16];
        assert!(hex_into(TID, &mut tid).is_some());
        assert_eq!(TraceId::from_bytes(tid), TraceId::from_hex(TID).unwrap());
        let mut sid = [0u8; 8];
        assert!(hex_into("B7AD6B7169203331", &mut sid).is_some());
        assert_eq!(SpanId::from_bytes(sid), SpanId::from_hex(SID).unwrap());
        assert!(hex_into("b7ad6b716920333", &mut sid).is_none(), "short");
        assert!(hex_into("b7ad6b716920333g", &mut sid).is_none(), "not hex");
    }

    #[test]
    fn valid_values() {
        let p = parse(&tp("00", TID, SID, "01")).unwrap();
        assert_eq!(p.trace_id, TraceId::from_hex(TID).unwrap());
        assert_eq!(p.span_id, SpanId::from_hex(SID).unwrap());
        assert!(p.flags.is_sampled());
        assert!(!parse(&tp("00", TID, SID, "00")).unwrap().flags.is_sampled());
        // Unknown flag bits are accepted and not propagated.
        assert_eq!(
            parse(&tp("00", TID, SID, "09")).unwrap().flags,
            TraceFlags::SAMPLED
        );
        // Surrounding whitespace (OWS) is allowed.
        assert!(parse(&format!(" {} ", tp("00", TID, SID, "01"))).is_some());
    }

    #[test]
    fn future_versions() {
        // A future version parses the version-00 fields and ignores what follows a dash.
        assert!(parse(&tp("cc", TID, SID, "01")).is_some());
        assert!(parse(&(tp("cc", TID, SID, "01") + "-what-the-future-will-be-like")).is_some());
        // ... but not if the flags run on without a dash.
        assert!(parse(&(tp("cc", TID, SID, "01") + "x")).is_none());
        // Version 00 must not carry extra fields.
        assert!(parse(&(tp("00", TID, SID, "01") + "-extra")).is_none());
        // Version ff is forbidden.
        assert!(parse(&tp("ff", TID, SID, "01")).is_none());
    }

    #[test]
    fn invalid_values() {
        let zeros32 = "00000000000000000000000000000000";
        let cases = [
            tp("00", zeros32, SID, "01"),             // all-zero trace id
            tp("00", TID, "0000000000000000", "01"),  // all-zero parent id
            tp("00", &TID.to_uppercase(), SID, "01"), // uppercase
            tp("00", TID, &SID.to_uppercase(), "01"),
            tp("00", TID, SID, "0A"),
            tp("0A", TID, SID, "01"),
            tp("00", &TID.replace('a', "g"), SID, "01"), // non-hex
            tp("00", TID, &SID.replace('b', "z"), "01"),
            tp("00", &TID[1..], SID, "01"), // too short trace id
            tp("00", &(TID.to_string() + "0"), SID, "01"), // too long trace id
            tp("00", TID, &SID[1..], "01"),
            tp("00", TID, &(SID.to_string() + "0"), "01"),
            tp("00", TID, SID, "1"),
            tp("00", TID, SID, "001"),
            tp("0", TID, SID, "01"),
            tp("000", TID, SID, "01"),
            format!("00_{TID}-{SID}-01"), // wrong delimiter
            format!("00-{TID}-{SID}_01"),
            format!("00-{TID}{SID}-01"),
            String::new(),
            "garbage".into(),
            tp("00", TID, SID, "01").replace('-', " "),
        ];
        for c in &cases {
            assert!(parse(c).is_none(), "accepted {c:?}");
        }
    }

    #[test]
    fn format_is_version_00_lowercase() {
        let cx = SpanContext::new(
            TraceId::from_hex(TID).unwrap(),
            SpanId::from_hex(SID).unwrap(),
            TraceFlags::SAMPLED,
            false,
            TraceState::default(),
        );
        assert_eq!(format(&cx), tp("00", TID, SID, "01"));
    }
}
