// The dashboard is served by `bitgoeul taxi serve --web web/dist` from the same origin as the API, so assets are
// referenced relative to index.html and nothing is fetched from anywhere else. `npm run dev` proxies the API to a
// service on BITGOEUL_URL (default http://127.0.0.1:8080).
import { defineConfig } from 'vitest/config';

const service = process.env.BITGOEUL_URL ?? 'http://127.0.0.1:8080';

export default defineConfig({
  base: './',
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 2000, sourcemap: false },
  server: {
    proxy: {
      '/api/v1/stream': { target: service.replace(/^http/, 'ws'), ws: true },
      '/api': service,
      '/health': service,
    },
  },
  test: { environment: 'node', include: ['src/**/*.test.ts'] },
});
