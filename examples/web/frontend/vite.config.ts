import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// `npm run api` serves the same-origin API on 8081 while developing; API_PROXY_TARGET
// points /api elsewhere.
const api = process.env.API_PROXY_TARGET ?? 'http://127.0.0.1:8081';

export default defineConfig({
  plugins: [react()],
  server: { proxy: { '/api': api } },
  preview: { proxy: { '/api': api } },
  build: {
    rolldownOptions: {
      // Telemetry in its own chunk: cached apart from app code, and its size is easy to see.
      output: { codeSplitting: { groups: [{ name: 'telemetry', test: /node_modules[\\/]otel-wasm[\\/]/ }] } },
    },
  },
});
