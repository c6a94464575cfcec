/// <reference types="vitest/config" />
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// Cross-origin isolation (COOP + COEP) lets tfjs-wasm use threads where cores allow.
const isolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig(({ mode }) => ({
  plugins: [react()],
  // Test hooks (window.__clipLab, the workers' __clipLab*) exist only in the test build
  // (`vite build --mode test`, which the browser tests and benchmarks drive) and under Vitest.
  define: { __TEST_HOOKS__: JSON.stringify(mode === 'test') },
  server: { headers: isolation, port: 5173, strictPort: true },
  preview: { headers: isolation, port: 4173, strictPort: true },
  worker: { format: 'es' },
  build: { target: 'es2022', chunkSizeWarningLimit: 4000, minify: false }, // minifying breaks tfjs-wasm's threaded build: its pthread workers re-evaluate the factory's source text, which then names minified outer variables
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
  },
}));
