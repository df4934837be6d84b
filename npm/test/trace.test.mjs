// The span context in the core's text form (`SpanContext::to_text` / `from_text` in sdk-wasm)
// and in the bytes `Span.end()` returns (`SpanContext::to_bytes`), read and written by the
// wrapper (node --test on the built dist/).
import test from 'node:test';
import assert from 'node:assert/strict';
import { coreSpanContext, parseSpanContext, spanContextFromBytes } from '../dist/trace.js';

test('a core span context: ids, flags, remote, then the trace state', () => {
  const c = parseSpanContext(`${'ab'.repeat(16)}0102030405060708011a=1,b=2`);
  assert.equal(c.traceId, 'ab'.repeat(16));
  assert.equal(c.spanId, '0102030405060708');
  assert.equal(c.traceFlags, 1);
  assert.equal(c.isRemote, true);
  assert.equal(c.traceState.get('b'), '2');
  assert.equal(c.traceState.serialize(), 'a=1,b=2');
  const local = parseSpanContext(`${'01'.repeat(16)}${'02'.repeat(8)}000`);
  assert.deepEqual([local.traceFlags, local.isRemote, local.traceState], [0, false, undefined]);
});

test('a span context written for the core reads back the same', () => {
  const text = `${'ab'.repeat(16)}0102030405060708011a=1,b=2`;
  assert.equal(coreSpanContext(parseSpanContext(text)), text);
  const plain = { traceId: '01'.repeat(16), spanId: '02'.repeat(8), traceFlags: 1 };
  assert.equal(coreSpanContext(plain), `${'01'.repeat(16)}${'02'.repeat(8)}010`);
  // Bad input stays text (the core refuses it), never a throw.
  assert.equal(typeof coreSpanContext({ traceFlags: 'x' }), 'string');
});

test('an ended span context: the same fields from bytes', () => {
  const ts = new TextEncoder().encode('a=1,b=2');
  const b = new Uint8Array(26 + ts.length);
  b.fill(0xab, 0, 16);
  b.set([1, 2, 3, 4, 5, 6, 7, 8], 16);
  b.set([1, 1], 24);
  b.set(ts, 26);
  const c = spanContextFromBytes(b);
  assert.equal(coreSpanContext(c), `${'ab'.repeat(16)}0102030405060708011a=1,b=2`);
  const local = spanContextFromBytes(b.subarray(0, 26).map((x, i) => (i === 24 || i === 25 ? 0 : x)));
  assert.deepEqual([local.traceFlags, local.isRemote, local.traceState], [0, false, undefined]);
});
