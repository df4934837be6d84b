// The React error boundary without a renderer (node --test on the built dist/; React's
// Component needs none): whatever was thrown, the fallback shows and the error is recorded.
import test from 'node:test';
import assert from 'node:assert/strict';
import { TelemetryErrorBoundary } from '../dist/react.js';

/** A telemetry handle that records what the boundary does to the span it makes. */
function fakeTelemetry() {
  const calls = [];
  const span = {
    isRecording: () => true,
    recordException: (e) => calls.push(['recordException', e]),
    setAttribute: (k, v) => calls.push(['setAttribute', k, v]),
    setStatus: (s) => calls.push(['setStatus', s]),
    end: () => calls.push(['end']),
  };
  return { calls, getActiveSpan: () => undefined, getTracer: () => ({ startSpan: (name) => (calls.push(['startSpan', name]), span) }) };
}

test('the boundary shows its fallback for anything thrown, null and 0 included', () => {
  for (const thrown of [new Error('boom'), null, undefined, 0, '', 'text']) {
    const b = new TelemetryErrorBoundary({ fallback: 'oops', children: 'app' });
    assert.equal(b.render(), 'app');
    b.state = TelemetryErrorBoundary.getDerivedStateFromError(thrown);
    assert.equal(b.render(), 'oops', `after throw ${String(thrown)}`);
    const f = new TelemetryErrorBoundary({ fallback: (e, reset) => ({ e, reset: typeof reset }), children: 'app' });
    f.state = TelemetryErrorBoundary.getDerivedStateFromError(thrown);
    assert.deepEqual(f.render(), { e: thrown, reset: 'function' }, 'the fallback function gets what was thrown');
  }
});

test('a caught error is recorded on a react.error span, also when it is not an Error', () => {
  for (const thrown of [new Error('boom'), null, 42]) {
    const t = fakeTelemetry();
    const b = new TelemetryErrorBoundary({ children: 'app' });
    b.context = t;
    b.componentDidCatch(thrown, { componentStack: '\n    at Broken' });
    assert.deepEqual(t.calls, [
      ['startSpan', 'react.error'],
      ['recordException', thrown],
      ['setAttribute', 'react.component_stack', '\n    at Broken'],
      ['setStatus', { code: 2, message: thrown instanceof Error ? 'boom' : undefined }],
      ['end'],
    ]);
  }
});
