import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

export default defineConfig({
  plugins: [react()],
  // `npm run api` serves the same-origin API on 8081 while developing.
  server: { proxy: { '/api': 'http://127.0.0.1:8081' } },
  preview: { proxy: { '/api': 'http://127.0.0.1:8081' } },
  build: {
    rolldownOptions: {
      // Telemetry in its own chunk: cached apart from app code, and its size is easy to see.
      output: { codeSplitting: { groups: [{ name: 'telemetry', test: /node_modules[\\/]otel-wasm[\\/]/ }] } },
    },
  },
});
