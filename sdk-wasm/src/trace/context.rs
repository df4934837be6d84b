//! The span context and span link of the span path: our own types, not the `opentelemetry`
//! crate's, whose `TraceState` is a list re-validated on every build and printed with
//! `format!` (with `core::fmt`, ≈ 4 KB of the wasm: README "Size"). Ids are their bytes as
//! the wire carries them (the crate's are integers, converted on every encode). With the
//! `otel-api` feature, conversions to and from the crate's types serve its `Tracer` /
//! `Span` trait implementations.

use crate::attributes::KeyValue;

macro_rules! id {
    ($(#[$doc:meta])* $name:ident, $n:literal) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
        pub struct $name([u8; $n]);

        impl $name {
            pub const INVALID: $name = $name([0; $n]);

            pub const fn from_bytes(bytes: [u8; $n]) -> Self {
                $name(bytes)
            }

            pub const fn to_bytes(self) -> [u8; $n] {
                self.0
            }

            /// From hex of either case, exactly the id's length.
            pub fn from_hex(hex: &str) -> Option<Self> {
                let mut b = [0; $n];
                crate::propagation::traceparent::hex_into(hex, &mut b).map(|()| $name(b))
            }
        }
    };
}

id!(
    /// A trace id (16 bytes; all zero is invalid).
    TraceId,
    16
);
id!(
    /// A span id (8 bytes; all zero is invalid).
    SpanId,
    8
);

/// W3C trace flags; only `sampled` (bit 0) is defined.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TraceFlags(u8);

impl TraceFlags {
    pub const SAMPLED: TraceFlags = TraceFlags(1);

    pub const fn new(flags: u8) -> Self {
        TraceFlags(flags)
    }

    pub fn is_sampled(self) -> bool {
        self.0 & 1 == 1
    }

    pub fn to_u8(self) -> u8 {
        self.0
    }
}

/// A W3C `tracestate` value, already validated (see `propagation::tracestate::parse`) and
/// normalised (`a=1,b=2`); empty when there is none.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TraceState(String);

impl TraceState {
    /// The header as sent: the validated members joined by commas.
    pub fn header(&self) -> &str {
        &self.0
    }

    /// A header `propagation::tracestate` validated and normalised.
    pub(crate) fn from_valid_header(header: String) -> Self {
        TraceState(header)
    }
}

/// Where a span sits in its trace, as propagated: ids, flags, whether it came from another
/// process, and the vendors' trace state.
#[derive(Clone, Debug, PartialEq)]
pub struct SpanContext {
    trace_id: TraceId,
    span_id: SpanId,
    trace_flags: TraceFlags,
    is_remote: bool,
    trace_state: TraceState,
}

/// The invalid context: zero ids, not sampled.
impl Default for SpanContext {
    fn default() -> Self {
        SpanContext::new(
            TraceId::INVALID,
            SpanId::INVALID,
            TraceFlags::default(),
            false,
            TraceState::default(),
        )
    }
}

impl SpanContext {
    pub fn new(
        trace_id: TraceId,
        span_id: SpanId,
        trace_flags: TraceFlags,
        is_remote: bool,
        trace_state: TraceState,
    ) -> Self {
        SpanContext {
            trace_id,
            span_id,
            trace_flags,
            is_remote,
            trace_state,
        }
    }

    pub fn trace_id(&self) -> TraceId {
        self.trace_id
    }

    pub fn span_id(&self) -> SpanId {
        self.span_id
    }

    pub fn trace_flags(&self) -> TraceFlags {
        self.trace_flags
    }

    pub fn is_remote(&self) -> bool {
        self.is_remote
    }

    pub fn is_sampled(&self) -> bool {
        self.trace_flags.is_sampled()
    }

    /// Both ids non-zero.
    pub fn is_valid(&self) -> bool {
        self.trace_id != TraceId::INVALID && self.span_id != SpanId::INVALID
    }

    pub fn trace_state(&self) -> &TraceState {
        &self.trace_state
    }

    /// As one string, which the npm wrapper parses when asked (one copy across the wasm
    /// boundary instead of an object built key by key): trace id and span id in hex, the
    /// flags as two hex digits, `1` if remote (else `0`), then the trace state header.
    pub fn to_text(&self) -> String {
        use crate::propagation::{traceparent::push_hex, tracestate};
        let mut s = String::with_capacity(51);
        push_hex(&mut s, &self.trace_id.to_bytes());
        push_hex(&mut s, &self.span_id.to_bytes());
        push_hex(&mut s, &[self.trace_flags.to_u8()]);
        s.push(if self.is_remote { '1' } else { '0' });
        s.push_str(&tracestate::format(&self.trace_state));
        s
    }

    /// The form `Span.end()` hands the npm wrapper, which turns it into hex only if the
    /// context is asked for after the end (most spans' never is): trace id and span id as
    /// bytes, the flags byte, `1` if remote (else `0`), then the trace state header: no hex
    /// and no JS string per span (README, "JS surface", has what that saves).
    pub fn to_bytes(&self) -> Vec<u8> {
        let ts = crate::propagation::tracestate::format(&self.trace_state);
        let mut b = Vec::with_capacity(26 + ts.len());
        b.extend_from_slice(&self.trace_id.to_bytes());
        b.extend_from_slice(&self.span_id.to_bytes());
        b.push(self.trace_flags.to_u8());
        b.push(self.is_remote as u8);
        b.extend_from_slice(ts.as_bytes());
        b
    }

    /// [`to_text`](Self::to_text)'s form read back, as the npm wrapper hands a span context
    /// in (a parent, a link, the context JS code runs in): `None` unless both ids are hex of
    /// their length and not all zero. Of the flags only the sampled bit is kept; a trace
    /// state that does not parse is dropped.
    pub fn from_text(t: &str) -> Option<SpanContext> {
        use crate::propagation::{traceparent::hex_into, tracestate};
        // Slicing below needs char boundaries: the fixed part is ASCII or the text is refused.
        if t.len() < 51 || !t.as_bytes()[..51].is_ascii() {
            return None;
        }
        let (mut tid, mut sid, mut flags) = ([0u8; 16], [0u8; 8], [0u8; 1]);
        hex_into(&t[..32], &mut tid)?;
        hex_into(&t[32..48], &mut sid)?;
        hex_into(&t[48..50], &mut flags)?;
        let cx = SpanContext::new(
            TraceId::from_bytes(tid),
            SpanId::from_bytes(sid),
            TraceFlags::new(flags[0] & 1),
            t.as_bytes()[50] == b'1',
            tracestate::parse(&t[51..]).unwrap_or_default(),
        );
        cx.is_valid().then_some(cx)
    }
}

/// A link to another span (OTLP `Span.Link`).
#[derive(Clone, Debug, PartialEq)]
pub struct Link {
    pub span_context: SpanContext,
    pub attributes: Vec<KeyValue>,
    pub dropped_attributes_count: u32,
}

impl Link {
    pub fn new(span_context: SpanContext, attributes: Vec<KeyValue>, dropped: u32) -> Self {
        Link {
            span_context,
            attributes,
            dropped_attributes_count: dropped,
        }
    }
}

#[cfg(feature = "otel-api")]
mod otel {
    use super::{Link, SpanContext, SpanId, TraceFlags, TraceId};
    use crate::propagation::tracestate;

    impl From<&opentelemetry::trace::SpanContext> for SpanContext {
        /// A trace state our rules refuse (the crate's are looser) is dropped.
        fn from(c: &opentelemetry::trace::SpanContext) -> Self {
            SpanContext::new(
                TraceId::from_bytes(c.trace_id().to_bytes()),
                SpanId::from_bytes(c.span_id().to_bytes()),
                TraceFlags::new(c.trace_flags().to_u8()),
                c.is_remote(),
                tracestate::parse(&c.trace_state().header()).unwrap_or_default(),
            )
        }
    }

    impl From<&SpanContext> for opentelemetry::trace::SpanContext {
        fn from(c: &SpanContext) -> Self {
            let members = c
                .trace_state()
                .header()
                .split(',')
                .filter_map(|m| m.split_once('='));
            opentelemetry::trace::SpanContext::new(
                opentelemetry::trace::TraceId::from_bytes(c.trace_id().to_bytes()),
                opentelemetry::trace::SpanId::from_bytes(c.span_id().to_bytes()),
                opentelemetry::trace::TraceFlags::new(c.trace_flags().to_u8()),
                c.is_remote(),
                opentelemetry::trace::TraceState::from_key_value(members).unwrap_or_default(),
            )
        }
    }

    impl From<opentelemetry::trace::Link> for Link {
        fn from(l: opentelemetry::trace::Link) -> Self {
            Link::new(
                (&l.span_context).into(),
                crate::trace::span::ours(l.attributes),
                l.dropped_attributes_count,
            )
        }
    }

    #[cfg(test)]
    mod tests {
        use super::*;
        use crate::trace::{SpanId, TraceFlags, TraceId, TraceState};

        #[test]
        fn converts_both_ways_with_the_trace_state() {
            let ours = SpanContext::new(
                TraceId::from_bytes([1; 16]),
                SpanId::from_bytes([2; 8]),
                TraceFlags::SAMPLED,
                true,
                tracestate::parse("a=1,b=2").unwrap(),
            );
            let theirs = opentelemetry::trace::SpanContext::from(&ours);
            assert_eq!(theirs.trace_state().header(), "a=1,b=2");
            assert!(theirs.is_remote() && theirs.is_sampled());
            assert_eq!(SpanContext::from(&theirs), ours);
            let none = SpanContext::from(&opentelemetry::trace::SpanContext::NONE);
            assert!(!none.is_valid());
            assert_eq!(none.trace_state(), &TraceState::default());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::propagation::tracestate;

    /// Sampled, remote, with a trace state.
    fn remote() -> SpanContext {
        SpanContext::new(
            TraceId::from_bytes([0xab; 16]),
            SpanId::from_bytes([1, 2, 3, 4, 5, 6, 7, 8]),
            TraceFlags::SAMPLED,
            true,
            tracestate::parse("a=1,b=2").unwrap(),
        )
    }

    #[test]
    fn text_form_is_ids_flags_remote_then_trace_state() {
        let cx = remote();
        assert_eq!(
            cx.to_text(),
            format!("{}0102030405060708011a=1,b=2", "ab".repeat(16))
        );
        let local = SpanContext::new(
            TraceId::from_bytes([1; 16]),
            SpanId::from_bytes([2; 8]),
            TraceFlags::default(),
            false,
            TraceState::default(),
        );
        assert_eq!(local.to_text().len(), 51);
        assert!(local.to_text().ends_with("0202020202020202000"));
        assert_eq!(SpanContext::from_text(&cx.to_text()), Some(cx));
        assert_eq!(SpanContext::from_text(&local.to_text()), Some(local));
    }

    #[test]
    fn bytes_form_is_ids_flags_remote_then_trace_state() {
        let mut want = vec![0xab; 16];
        want.extend_from_slice(&[1, 2, 3, 4, 5, 6, 7, 8, 1, 1]);
        want.extend_from_slice(b"a=1,b=2");
        assert_eq!(remote().to_bytes(), want);
        let local = SpanContext::default().to_bytes();
        assert_eq!(local, [0; 26]);
    }

    #[test]
    fn text_that_is_not_a_span_context_is_refused() {
        let ok = format!("{}{}010", "ab".repeat(16), "01".repeat(8));
        assert!(SpanContext::from_text(&ok).is_some());
        for bad in [
            String::new(),
            ok[..50].to_string(),
            format!("{}{}010", "0".repeat(32), "01".repeat(8)),
            format!("{}{}010", "ab".repeat(16), "0".repeat(16)),
            format!("{}{}010", "xy".repeat(16), "01".repeat(8)),
            format!("{}é{}010", "ab".repeat(15), "01".repeat(8)),
        ] {
            assert_eq!(SpanContext::from_text(&bad), None, "{bad}");
        }
        // Flags beyond the sampled bit are dropped; a trace state that does not parse too.
        let cx = SpanContext::from_text(&format!("{}{}ff1a=1,=x", "ab".repeat(16), "01".repeat(8)));
        let cx = cx.unwrap();
        assert!(cx.is_sampled() && cx.is_remote());
        assert_eq!(cx.trace_flags(), TraceFlags::SAMPLED);
        assert_eq!(cx.trace_state(), &TraceState::default());
    }
}
