// Server-side rendering: the packed otel-wasm (installed by tests/bundlers/build.sh) imports in
// Node, every entry, and initTelemetry resolves to a working no-op handle without touching
// the wasm.
import test from 'node:test';
import assert from 'node:assert/strict';

test('importing otel-wasm in Node is safe and initTelemetry gives the no-op handle', async () => {
  const warnings = [];
  const warn = console.warn;
  console.warn = (...a) => warnings.push(a.join(' '));
  try {
    const { initTelemetry, TelemetryConfigError } = await import('otel-wasm');
    const web = await import('otel-wasm/web');
    const react = await import('otel-wasm/react');
    assert.equal(typeof web.initTelemetry, 'function');
    assert.equal(typeof react.TelemetryProvider, 'function');
    // The app's own React Router (installed here, as an app installs it) does the matching.
    const { reactRouterTemplate } = await import('otel-wasm/react-router');
    assert.equal(reactRouterTemplate([{ path: '/orders/:id' }])('https://shop.test/orders/7'), '/orders/:id');
    const { tanstackRouterTemplate } = await import('otel-wasm/tanstack-router');
    const tanstack = { getMatchedRoutes: (p) => [[], {}, p === '/orders/7' ? { fullPath: '/orders/$id' } : undefined] };
    assert.equal(tanstackRouterTemplate(tanstack)('https://shop.test/orders/7'), '/orders/$id');
    const t = await initTelemetry({ serviceName: 'ssr', instrumentations: { documentLoad: false, fetch: false, xhr: false, userInteraction: false, navigation: false } });
    assert.equal(t.stats().disabledReason, 'no window (server-side rendering)');
    const tracer = t.getTracer('ssr');
    const span = tracer.startSpan('render');
    span.setAttribute('k', 1).end();
    assert.equal(span.isRecording(), false);
    assert.equal(tracer.startActiveSpan('x', (s) => (s.end(), 42)), 42);
    t.getMeter('ssr').createCounter('c').add(1n);
    t.emitLog({ scope: null });
    await t.forceFlush();
    await t.register();
    await t.shutdown();
    await assert.rejects(initTelemetry({ serviceName: '' }), (e) => e instanceof TelemetryConfigError && e.field === 'serviceName');
    assert.deepEqual(warnings, [], 'server-side rendering is expected: no warning');
  } finally {
    console.warn = warn;
  }
});
