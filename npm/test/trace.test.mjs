// The span context as the core hands it over (`SpanContext::to_text` in sdk-wasm), read back
// by the wrapper (node --test on the built dist/).
import test from 'node:test';
import assert from 'node:assert/strict';
import { parseSpanContext } from '../dist/trace.js';

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
