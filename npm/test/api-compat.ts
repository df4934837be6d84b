// Compile-time check (tsc --noEmit, no run): the package's tracer, meter, providers, context
// manager and propagator are what @opentelemetry/api expects, and the handle has the
// documented shape. Checked against the built declarations in ../dist.
import * as api from '@opentelemetry/api';
import type { Counter, Histogram, Meter, MeterProvider, ObservableGauge, Span, Tracer, TracerProvider, UpDownCounter } from '@opentelemetry/api';
import { initTelemetry, TelemetryConfigError, type Telemetry, type TelemetryConfig, type TelemetryStats } from '../dist/index.js';
import { initTelemetry as initWeb } from '../dist/web.js';
import { TelemetryErrorBoundary, TelemetryProvider, useTracer } from '../dist/react.js';
import { reactRouterTemplate } from '../dist/react-router.js';
import { tanstackRouterTemplate } from '../dist/tanstack-router.js';
import { createBrowserRouter, type RouteObject } from 'react-router';
import { createRootRoute, createRoute, createRouter } from '@tanstack/react-router';

// The routers' own objects fit the router helpers.
const rrRoutes: RouteObject[] = [{ path: '/', children: [{ index: true }, { path: 'orders/:id', lazy: async () => ({}) }] }];
const rrRouter = createBrowserRouter(rrRoutes);
const tsRoot = createRootRoute();
const tsRouter = createRouter({ routeTree: tsRoot.addChildren([createRoute({ getParentRoute: () => tsRoot, path: 'orders/$id' })]) });
const templates: ((url: string) => string | undefined)[] = [
  reactRouterTemplate(rrRoutes, { basename: '/shop' }),
  reactRouterTemplate(() => rrRouter.routes, { hash: true }),
  tanstackRouterTemplate(tsRouter),
  tanstackRouterTemplate(() => tsRouter, { hash: true }),
];

const config: TelemetryConfig = {
  serviceName: 'shop',
  serviceVersion: '1.0.0',
  environment: 'test',
  otlpEndpoint: 'https://collector.example',
  tracesEndpoint: 'https://collector.example/v1/traces',
  metricsEndpoint: 'https://collector.example/v1/metrics',
  headers: { 'signoz-ingestion-key': 'k' },
  encoding: 'json',
  compression: 'gzip',
  propagateTraceHeaderCorsUrls: [/^https:\/\/api\.example\//, 'https://exact.example/x'],
  ignoreUrls: [/\/health$/],
  batch: { maxQueueSize: 2048, maxExportBatchSize: 512, scheduledDelayMillis: 5000, exportTimeoutMillis: 30000 },
  samplingRatio: 0.5,
  metricExportIntervalMillis: 60000,
  resourceAttributes: { team: 'web', shard: 3, beta: true },
  instrumentations: {
    documentLoad: false,
    fetch: { requestHook: (_span, _req) => {}, applyCustomAttributesOnSpan: () => {} },
    xhr: { ignoreNetworkEvents: true },
    userInteraction: { eventNames: ['click', 'submit'], shouldPreventSpanCreation: () => false },
  },
};

export async function check(): Promise<void> {
  const t: Telemetry = await initTelemetry(config);
  const same: Telemetry = await initWeb(config);
  const tracer: Tracer = t.getTracer('checkout', '1.2.3');
  const meter: Meter = t.getMeter('checkout');
  const tp: TracerProvider = t.tracerProvider;
  const mp: MeterProvider = t.meterProvider;
  api.trace.setGlobalTracerProvider(tp);
  api.metrics.setGlobalMeterProvider(mp);
  await t.register(api);
  await same.register();

  const r: number = tracer.startActiveSpan('work', { kind: api.SpanKind.CLIENT, attributes: { a: 1 } }, (span: Span) => {
    span.setAttribute('k', 'v').setAttributes({ n: 1, b: true, list: ['x'] }).addEvent('e', { at: 1 }, Date.now());
    span.addEvent('t', [1, 2]).setStatus({ code: api.SpanStatusCode.ERROR, message: 'no' }).updateName('w2');
    span.addLink({ context: span.spanContext() }).recordException(new Error('x'));
    span.end(performance.now());
    return 1;
  });
  void r;
  tracer.startSpan('child', {}, api.trace.setSpan(api.context.active(), tracer.startSpan('parent'))).end();

  const c: Counter = meter.createCounter('c', { unit: '1', valueType: api.ValueType.INT });
  const u: UpDownCounter = meter.createUpDownCounter('u');
  const h: Histogram = meter.createHistogram('h', { advice: { explicitBucketBoundaries: [1, 10] } });
  const g: ObservableGauge = meter.createObservableGauge('g');
  g.addCallback((res) => res.observe(1, { a: 'b' }));
  c.add(1, { k: 'v' });
  u.add(-1);
  h.record(3.5);
  meter.createGauge('gg').record(2);

  const s: TelemetryStats = t.stats();
  const n: number = s.spansDropped + s.exportFailures;
  void n;
  await t.forceFlush();
  await t.shutdown();
  const err: Error = new TelemetryConfigError('serviceName', 'x');
  void err;
  void TelemetryErrorBoundary;
  void TelemetryProvider;
  void useTracer;
  void templates;
}
