// OpenTelemetry for the example API with the OpenTelemetry Node SDK (on when server.mjs gets
// --otlp <collector base URL>): one SERVER span per /api request, a child of the caller's
// W3C `traceparent` (the browser's fetch span), and an INTERNAL child for the work, exported
// as OTLP/HTTP JSON to <url>/v1/traces. Installed with `npm ci` in this directory.
import { context, propagation, trace, SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, NodeTracerProvider } from '@opentelemetry/sdk-trace-node';

export function startTracing({ endpoint, serviceName = 'coffee-api', environment }) {
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({
      'service.name': serviceName,
      'service.version': '1.0.0',
      ...(environment ? { 'deployment.environment': environment, 'deployment.environment.name': environment } : {}),
    }),
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: `${endpoint}/v1/traces` }), { scheduledDelayMillis: 200 })],
  });
  provider.register({ propagator: new W3CTraceContextPropagator() });
  const tracer = trace.getTracer('coffee-api', '1.0.0');
  return {
    /** Runs `work` inside a SERVER span for this request; the span ends with the response. */
    request(req, res, route, work) {
      const parent = propagation.extract(context.active(), req.headers);
      const url = new URL(req.url, 'http://x');
      const span = tracer.startSpan(`${req.method} ${route}`, {
        kind: SpanKind.SERVER,
        attributes: { 'http.request.method': req.method, 'http.route': route, 'url.path': url.pathname, 'url.scheme': 'http' },
      }, parent);
      res.on('finish', () => {
        span.setAttribute('http.response.status_code', res.statusCode);
        if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
        span.end();
      });
      context.with(trace.setSpan(parent, span), work);
    },
    /** An INTERNAL span around `fn` (a child of the current request's span). */
    step(name, fn) {
      return tracer.startActiveSpan(name, (span) => {
        try {
          return fn();
        } finally {
          span.end();
        }
      });
    },
    shutdown: () => provider.shutdown(),
  };
}
