// The settings a typical app's telemetry.ts passes, shared by both SDK entries so
// that they are configured alike.
export const SERVICE = { name: 'bench-react-app', version: '1.4.2', environment: 'bench' };

// Our own API origins (loopback here, a real API host in an app) receive W3C
// traceparent headers; the collector itself is never traced.
export const PROPAGATE_TRACE_HEADER_CORS_URLS = [
  /^https?:\/\/127\.0\.0\.1(:\d+)?\//,
  /^https?:\/\/localhost(:\d+)?\//,
  /^https:\/\/api\.example\.com\//,
];
export const IGNORE_URLS = [/\/v1\/(traces|metrics|logs)(\?.*)?$/];
export const CLICK_EVENTS = ['click', 'submit'];

// Batch-processor knobs the bench may override; absent means the SDK's default.
export function batchOverrides(batch) {
  const out = {};
  for (const k of ['maxQueueSize', 'maxExportBatchSize', 'scheduledDelayMillis']) {
    if (batch?.[k] !== undefined) out[k] = batch[k];
  }
  return out;
}
