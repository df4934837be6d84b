// Counts the request spans of a navigation burst that reached the collector,
// matched to the requests the page made: each request's traceparent names the
// trace and the client span the SDK made for it, so spans of another run (or of
// another page's SDK) never count, and a span that arrives twice counts once.
// Exports whose Referer is the next page (`nextPath`) were sent by the SDK the next
// page started (our SDK re-sending what the leaving page stashed); any other came
// from the leaving page itself.

// traceparent "00-<trace id>-<span id>-<flags>" -> "<trace id>-<span id>".
function requestSpanKey(traceparent) {
  const [, traceId, spanId] = String(traceparent).trim().toLowerCase().split('-');
  return traceId && spanId ? `${traceId}-${spanId}` : null;
}

function fromPath(referrer) {
  try {
    return new URL(referrer).pathname;
  } catch {
    return '';
  }
}

// traceparents: of the burst requests; kept: the receiver's span records since the
// burst started; created: requests the page server answered.
export function navigationDelivery({ created, traceparents, kept, nextPath = '/next.html' }) {
  const wanted = new Set(traceparents.map(requestSpanKey).filter(Boolean));
  const byLeaving = new Set();
  const byAny = new Set();
  let received = 0;
  let unmatched = 0;
  const services = new Set();
  for (const r of kept) {
    const key = `${r.traceId}-${r.spanId}`;
    if (!wanted.has(key)) { unmatched++; continue; }
    received++;
    services.add(r.service);
    byAny.add(key);
    if (fromPath(r.referrer) !== nextPath) byLeaving.add(key);
  }
  return {
    created,
    withTraceparent: wanted.size,
    deliveredByLeavingPage: byLeaving.size,
    deliveredAfterNextPage: byAny.size,
    lostLeavingPageAlone: created - byLeaving.size,
    lost: created - byAny.size,
    duplicates: received - byAny.size,
    unmatched,
    services: [...services].sort(),
  };
}
