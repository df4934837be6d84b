import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { metrics } from '@opentelemetry/api';
import { TelemetryProvider } from 'otel-wasm/react';
import { telemetry } from './utils/telemetry';
import { App } from './App';

// App metrics go through @opentelemetry/api, unchanged from an OpenTelemetry JS setup.
metrics.getMeter('coffee-frontend').createCounter('app.sessions.started').add(1);
// Handy in devtools (`await __telemetry.forceFlush()`); the e2e test uses it too.
Object.assign(window, { __telemetry: telemetry });

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <TelemetryProvider telemetry={telemetry}>
      <App />
    </TelemetryProvider>
  </StrictMode>,
);
