import * as api from '@opentelemetry/api';
import { initTelemetry } from 'otel-wasm';
import { reactRouterTemplate } from 'otel-wasm/react-router';
import { routes } from '../routes';
import { env, partnerApiPattern } from './env';

export const telemetry = await initTelemetry({
  serviceName: 'coffee-frontend', serviceVersion: '1.0.0', environment: env.environment,
  otlpEndpoint: env.otlpEndpoint, encoding: env.otlpEncoding, propagateTraceHeaderCorsUrls: [partnerApiPattern],
  instrumentations: {
    userInteraction: { eventNames: ['click', 'submit'] },
    // page.route: the route pattern React Router matches (`/orders/:id`).
    navigation: { routeTemplate: reactRouterTemplate(routes) },
  },
});
await telemetry.register(api);
