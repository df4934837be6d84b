// Our SDK, from the npm package `otel-wasm`, configured like src/entry-otel-js.js.
// Built only when the package has been built (see lib/build.mjs).
import { initTelemetry } from 'otel-wasm';
import { SERVICE, PROPAGATE_TRACE_HEADER_CORS_URLS, IGNORE_URLS, CLICK_EVENTS, batchOverrides } from './app-config.js';

export async function start({ otlpEndpoint, batch, encoding }) {
  const t = await initTelemetry({
    serviceName: SERVICE.name,
    serviceVersion: SERVICE.version,
    environment: SERVICE.environment,
    otlpEndpoint,
    propagateTraceHeaderCorsUrls: PROPAGATE_TRACE_HEADER_CORS_URLS,
    ignoreUrls: IGNORE_URLS,
    ...(batch ? { batch: batchOverrides(batch) } : {}),
    instrumentations: { documentLoad: {}, fetch: {}, xhr: {}, userInteraction: { eventNames: CLICK_EVENTS } },
    ...(encoding ? { encoding } : {}),
  });
  return {
    getTracer: (name, version) => t.getTracer(name, version),
    forceFlush: () => t.forceFlush(),
    shutdown: () => t.shutdown(),
    stats: () => (typeof t.stats === 'function' ? t.stats() : null),
  };
}
