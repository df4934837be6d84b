// Compiles against the packed otel-wasm's published types with skipLibCheck false, lib
// ES2022 + DOM, under each moduleResolution React apps use (tests/bundlers/build.sh runs
// tsc with node, node16 and bundler).
import * as api from '@opentelemetry/api';
import { initTelemetry, setWasmUrl, TelemetryConfigError, type InstrumentationSpan, type Telemetry, type TelemetryStats } from 'otel-wasm';
import { initTelemetry as initFromWeb, setWasmUrl as setWebWasmUrl } from 'otel-wasm/web';
import { TelemetryErrorBoundary, TelemetryProvider, useTelemetry, useTracer } from 'otel-wasm/react';
import { reactRouterTemplate, type RouteLike } from 'otel-wasm/react-router';
import { tanstackRouterTemplate, type TanStackRouterLike } from 'otel-wasm/tanstack-router';
import wasmUrl from 'otel-wasm/wasm';

// React Router's route objects (any version) fit `RouteLike`.
const routes: RouteLike[] = [{ path: '/', children: [{ index: true }, { path: 'orders/:id' }] }];
// What a TanStack Router's `getMatchedRoutes` returns.
const tanstack: TanStackRouterLike = { basepath: '/', getMatchedRoutes: () => [[], {}, { fullPath: '/orders/$id' }] };

export async function start(): Promise<Telemetry> {
  setWasmUrl(new URL(wasmUrl, import.meta.url));
  setWebWasmUrl('/otel-wasm.wasm');
  const telemetry = await initTelemetry({
    serviceName: 'types',
    otlpEndpoint: '/otel',
    attributeValueLengthLimit: 1024,
    redactQueryParams: ['uid'],
    instrumentations: {
      documentLoad: { applyCustomAttributesOnSpan: { documentLoad: (span: InstrumentationSpan) => span.setAttribute('k', 1) } },
      fetch: { applyCustomAttributesOnSpan: (span) => span.setAttributes({ a: 'b' }) },
      userInteraction: { shouldPreventSpanCreation: (_type, _element, span) => !span.isRecording() },
      navigation: { routeTemplate: reactRouterTemplate(routes, { basename: '/shop' }) },
    },
  });
  await telemetry.register(api);
  const stats: TelemetryStats = telemetry.stats();
  const counts: number[] = [stats.logsStashed, stats.logsResent, stats.logsStashDropped, stats.apiErrors];
  const reason: string = stats.disabledReason;
  api.trace.getTracer('t').startActiveSpan('s', async (span) => span.end());
  void tanstackRouterTemplate(() => tanstack);
  void counts, reason, initFromWeb, TelemetryProvider, TelemetryErrorBoundary, useTelemetry, useTracer;
  return telemetry;
}

export const isConfigError = (e: unknown): string | undefined => (e instanceof TelemetryConfigError ? e.field : undefined);
