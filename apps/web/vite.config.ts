import { fileURLToPath, URL } from 'node:url';
import vue from '@vitejs/plugin-vue';
import { defaultClientConditions, defineConfig, type ProxyOptions } from 'vite';

/** Where the gateway listens in development; the SPA itself always talks to its own origin. */
const apiTarget = process.env.UNIROUTE_API_URL ?? 'http://127.0.0.1:3000';

/** The gateway's path prefixes; everything else is the SPA (history mode). */
const API_PREFIXES = ['/auth', '/admin', '/v1', '/healthz'];

const proxy: Record<string, ProxyOptions> = Object.fromEntries(
  API_PREFIXES.map((prefix) => [prefix, { target: apiTarget, changeOrigin: false }]),
);

export default defineConfig({
  plugins: [vue()],
  resolve: {
    // `source` makes `@uniroute/shared` resolve to its TypeScript source, so no prebuild is needed.
    conditions: ['source', ...defaultClientConditions],
    alias: { '@': fileURLToPath(new URL('./src', import.meta.url)) },
  },
  server: { proxy },
  preview: { proxy },
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true },
});
