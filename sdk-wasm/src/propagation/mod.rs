//! W3C Trace Context (`traceparent`, `tracestate`) and W3C Baggage, plus the CORS rule that
//! decides whether these headers may be sent to a URL at all.

pub mod baggage;
pub mod cors;
pub mod traceparent;
pub mod tracestate;

use crate::trace::SpanContext;

pub use baggage::Baggage;
pub use cors::{should_inject, UrlPattern};

/// Extracts a remote parent from incoming `traceparent` / `tracestate` values. An invalid
/// `traceparent` yields `None` and the `tracestate` is then ignored, as the spec requires.
pub fn extract(traceparent: &str, tracestate: Option<&str>) -> Option<SpanContext> {
    let tp = traceparent::parse(traceparent)?;
    let ts = tracestate.and_then(tracestate::parse).unwrap_or_default();
    Some(SpanContext::new(
        tp.trace_id,
        tp.span_id,
        tp.flags,
        true,
        ts,
    ))
}

/// The header pairs to send for `context` (and `baggage`, if not empty).
/// An invalid context yields no trace headers.
pub fn inject(context: &SpanContext, baggage: Option<&Baggage>) -> Vec<(&'static str, String)> {
    let mut out = Vec::with_capacity(3);
    if context.is_valid() {
        out.push(("traceparent", traceparent::format(context)));
        let ts = tracestate::format(context.trace_state());
        if !ts.is_empty() {
            out.push(("tracestate", ts));
        }
    }
    if let Some(b) = baggage {
        let h = b.header();
        if !h.is_empty() {
            out.push(("baggage", h));
        }
    }
    out
}

/// `inject` guarded by the CORS rule: no headers unless `url` (resolved against
/// `document_url`) is same-origin or matches one of `patterns`.
pub fn headers_for_url(
    url: &str,
    document_url: &str,
    patterns: &[UrlPattern],
    context: &SpanContext,
    baggage: Option<&Baggage>,
) -> Vec<(&'static str, String)> {
    if should_inject(url, document_url, patterns) {
        inject(context, baggage)
    } else {
        Vec::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TP: &str = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

    #[test]
    fn extract_then_inject_round_trips() {
        let cx = extract(TP, Some("congo=t61rcWkgMzE, rojo=00f067aa0ba902b7")).unwrap();
        assert!(cx.is_remote() && cx.is_sampled());
        let h = inject(&cx, None);
        assert_eq!(h[0], ("traceparent", TP.to_string()));
        assert_eq!(
            h[1],
            (
                "tracestate",
                "congo=t61rcWkgMzE,rojo=00f067aa0ba902b7".to_string()
            )
        );
    }

    #[test]
    fn invalid_traceparent_discards_tracestate_too() {
        assert!(extract(
            "00-0af7651916cd43dd8448eb211c80319c-0000000000000000-01",
            Some("a=b")
        )
        .is_none());
    }

    #[test]
    fn invalid_context_injects_nothing_but_baggage() {
        let b = Baggage::parse("k=v");
        let h = inject(&SpanContext::default(), Some(&b));
        assert_eq!(h, vec![("baggage", "k=v".to_string())]);
        assert!(inject(&SpanContext::default(), None).is_empty());
    }

    #[test]
    fn headers_for_url_applies_the_cors_rule() {
        let cx = extract(TP, None).unwrap();
        let doc = "https://shop.example/cart";
        assert_eq!(headers_for_url("/api/x", doc, &[], &cx, None).len(), 1);
        assert!(headers_for_url("https://api.other/x", doc, &[], &cx, None).is_empty());
        let p = [UrlPattern::Exact("https://api.other/x".into())];
        assert_eq!(
            headers_for_url("https://api.other/x", doc, &p, &cx, None).len(),
            1
        );
    }
}
