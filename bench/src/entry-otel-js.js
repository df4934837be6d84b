// OpenTelemetry JS for the web, set up the way our users' telemetry.ts does:
// WebTracerProvider + BatchSpanProcessor + OTLP/HTTP (JSON) trace exporter,
// ZoneContextManager, MeterProvider with a periodic OTLP/HTTP metric reader,
// and the document-load, user-interaction, fetch and XHR instrumentations.
// `start(config)` returns the handle shape the bench page drives (the same
// shape our SDK's handle has).
import { metrics, trace } from '@opentelemetry/api';
import { ZoneContextManager } from '@opentelemetry/context-zone';
import { WebTracerProvider } from '@opentelemetry/sdk-trace-web';
import { BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { getWebAutoInstrumentations } from '@opentelemetry/auto-instrumentations-web';
import { SERVICE, PROPAGATE_TRACE_HEADER_CORS_URLS, IGNORE_URLS, CLICK_EVENTS, batchOverrides } from './app-config.js';

export async function start({ otlpEndpoint, batch }) {
  const resource = resourceFromAttributes({
    [ATTR_SERVICE_NAME]: SERVICE.name,
    [ATTR_SERVICE_VERSION]: SERVICE.version,
    'deployment.environment': SERVICE.environment,
  });

  const tracerProvider = new WebTracerProvider({
    resource,
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: `${otlpEndpoint}/v1/traces` }), batchOverrides(batch))],
  });
  tracerProvider.register({ contextManager: new ZoneContextManager() });

  const meterProvider = new MeterProvider({
    resource,
    readers: [new PeriodicExportingMetricReader({ exporter: new OTLPMetricExporter({ url: `${otlpEndpoint}/v1/metrics` }) })],
  });
  metrics.setGlobalMeterProvider(meterProvider);

  const requestOptions = { propagateTraceHeaderCorsUrls: PROPAGATE_TRACE_HEADER_CORS_URLS, ignoreUrls: IGNORE_URLS };
  registerInstrumentations({
    tracerProvider,
    meterProvider,
    instrumentations: [
      getWebAutoInstrumentations({
        '@opentelemetry/instrumentation-document-load': {},
        '@opentelemetry/instrumentation-user-interaction': { eventNames: CLICK_EVENTS },
        '@opentelemetry/instrumentation-fetch': requestOptions,
        '@opentelemetry/instrumentation-xml-http-request': requestOptions,
      }),
    ],
  });

  return {
    getTracer: (name, version) => trace.getTracer(name, version),
    async forceFlush() {
      await tracerProvider.forceFlush();
      await meterProvider.forceFlush();
    },
    async shutdown() {
      await tracerProvider.shutdown();
      await meterProvider.shutdown();
    },
    stats: () => null,
  };
}
