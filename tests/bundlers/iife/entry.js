// The no-bundler entry bundled into one classic script (esbuild --format=iife): no
// `import.meta.url` there, so the page names the .wasm with setWasmUrl.
import { initTelemetry, setWasmUrl } from 'otel-wasm/web';

setWasmUrl('/sdk_wasm_bg.wasm');
initTelemetry({ serviceName: 'bundlers-iife', otlpEndpoint: window.__ENV.OTLP_ENDPOINT }).then((telemetry) => {
  telemetry.getTracer('iife').startSpan('iife.ready').end();
  window.__telemetry = telemetry;
});
