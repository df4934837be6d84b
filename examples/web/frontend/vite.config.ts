import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// `npm run api` serves the same-origin API on 8081 while developing.
export default defineConfig({
  plugins: [react()],
  server: { proxy: { '/api': 'http://127.0.0.1:8081' } },
  preview: { proxy: { '/api': 'http://127.0.0.1:8081' } },
});
