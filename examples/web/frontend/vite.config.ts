import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// `npm run api` serves the same-origin API on 8081 while developing; API_PROXY_TARGET
// points /api elsewhere.
const api = process.env.API_PROXY_TARGET ?? 'http://127.0.0.1:8081';

// No chunk settings for otel-wasm: its loader (~5 KB gzip) joins the entry chunk and its core
// (chunk, glue, .wasm) loads when initTelemetry runs. A group holding all of otel-wasm's
// modules would put the core on the critical path.
export default defineConfig({
  plugins: [react()],
  server: { proxy: { '/api': api } },
  preview: { proxy: { '/api': api } },
});
