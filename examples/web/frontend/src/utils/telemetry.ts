import * as api from '@opentelemetry/api';
import { initTelemetry } from 'otel-wasm';
import { env, partnerApiPattern } from './env';

export const telemetry = await initTelemetry({
  serviceName: 'coffee-frontend', serviceVersion: '1.0.0', environment: env.environment,
  otlpEndpoint: env.otlpEndpoint, propagateTraceHeaderCorsUrls: [partnerApiPattern],
  instrumentations: { userInteraction: { eventNames: ['click', 'submit'] } },
});
await telemetry.register(api);
