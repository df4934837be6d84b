// The navigation burst's delivery count: matched by traceparent, per sending page,
// duplicates and other runs' spans left out.
import test from 'node:test';
import assert from 'node:assert/strict';
import { navigationDelivery } from '../lib/navigation.mjs';

const T = 'a'.repeat(32);
const tp = (i) => `00-${T}-${String(i).padStart(16, '0')}-01`;
const span = (i, referrer, traceId = T) => ({ category: 'burst', traceId, spanId: String(i).padStart(16, '0'), service: 'bench-react-app', referrer });
const LEAVING = 'http://127.0.0.1:5/';
const NEXT = 'http://127.0.0.1:5/next.html?sdk=ours&config=%7B%7D';

test('splits what the leaving page sent from what the next page re-sent', () => {
  const d = navigationDelivery({ created: 4, traceparents: [1, 2, 3, 4].map(tp), kept: [span(1, LEAVING), span(2, LEAVING), span(3, NEXT)] });
  assert.equal(d.deliveredByLeavingPage, 2);
  assert.equal(d.deliveredAfterNextPage, 3);
  assert.equal(d.lostLeavingPageAlone, 2);
  assert.equal(d.lost, 1);
  assert.equal(d.duplicates, 0);
  assert.deepEqual(d.services, ['bench-react-app']);
});

test('a span sent by both pages counts once and is reported as a duplicate', () => {
  const d = navigationDelivery({ created: 2, traceparents: [1, 2].map(tp), kept: [span(1, LEAVING), span(1, NEXT), span(2, NEXT)] });
  assert.equal(d.deliveredAfterNextPage, 2);
  assert.equal(d.deliveredByLeavingPage, 1);
  assert.equal(d.duplicates, 1);
});

test('spans of other requests or other traces do not count', () => {
  const d = navigationDelivery({ created: 1, traceparents: [tp(1)], kept: [span(9, LEAVING), span(1, LEAVING, 'b'.repeat(32))] });
  assert.equal(d.deliveredAfterNextPage, 0);
  assert.equal(d.unmatched, 2);
  assert.equal(d.lost, 1);
});
