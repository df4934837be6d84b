// The wrapper's containment and context rules that need no browser (node --test on the built
// dist/): the Guard, and the context manager's restore when an async callback settles.
import test from 'node:test';
import assert from 'node:assert/strict';
import { Guard } from '../dist/guard.js';
import { contextWithSpan, ROOT_CONTEXT, StackContextManager } from '../dist/context.js';
import { ContextOnlySpan } from '../dist/noop.js';

test('the guard contains throws; a wasm trap turns the SDK off with its reason', () => {
  const g = new Guard();
  const warn = console.warn;
  const warnings = [];
  console.warn = (m) => warnings.push(m);
  try {
    assert.equal(g.run(() => { throw new TypeError('bad argument'); }, 'fallback'), 'fallback');
    assert.equal(g.disabledReason, '', 'a bad argument does not turn it off');
    assert.equal(g.run(() => 1, 0), 1);
    // A real trap: wasm code that executes `unreachable`.
    const bytes = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 4, 1, 96, 0, 0, 3, 2, 1, 0, 7, 5, 1, 1, 102, 0, 0, 10, 5, 1, 3, 0, 0, 11]);
    const trap = new WebAssembly.Instance(new WebAssembly.Module(bytes)).exports.f;
    assert.equal(g.run(() => trap(), 'off'), 'off');
    assert.match(g.disabledReason, /^wasm trap: /);
    assert.equal(g.run(() => 1, 0), 0, 'after a trap every call is a no-op');
    assert.equal(g.apiErrors, 2);
    assert.equal(warnings.length, 1);
  } finally {
    console.warn = warn;
  }
});

test('an async callback: its span stays current for the bridge until it settles, then the caller\'s', async () => {
  const log = [];
  let current = 'click';
  const bridge = {
    enter: (sc) => { const prev = current; current = sc.spanId; log.push(`enter ${sc.spanId}`); return prev; },
    exit: (token) => { current = token; log.push(`exit to ${token}`); },
  };
  const m = new StackContextManager(bridge);
  const span = new ContextOnlySpan({ traceId: '1'.repeat(32), spanId: 'submit', traceFlags: 1 });
  let resolve;
  const p = m.with(contextWithSpan(ROOT_CONTEXT, span), () => new Promise((r) => (resolve = r)));
  assert.equal(current, 'click', 'restored after the synchronous part');
  current = 'submit'; // the auto-instrumentations carried the span into the callback's await
  resolve(7);
  assert.equal(await p, 7, 'the caller gets the callback\'s value');
  assert.equal(current, 'click', 'the caller\'s context is current again once it settled');
  const failing = m.with(contextWithSpan(ROOT_CONTEXT, span), async () => { throw new Error('app error'); });
  await assert.rejects(failing, /app error/, 'a rejection reaches the caller unchanged');
  assert.equal(m.with(contextWithSpan(ROOT_CONTEXT, span), () => 5), 5);
  assert.deepEqual(log.filter((l) => l.startsWith('exit')).length, 5);
});
