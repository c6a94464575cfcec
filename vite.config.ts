/// <reference types="vitest/config" />
import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';
import { CSP_DIRECTIVES, devCspDirectives, metaCsp, serializeCsp } from './scripts/csp.mjs';

// Cross-origin isolation (COOP + COEP) lets tfjs-wasm use threads where cores allow.
const isolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

// Content Security Policy (scripts/csp.mjs): a header on every response of `vite` and
// `vite preview` (the workers take theirs from the header on their own script), and a <meta>
// in the built index.html for static hosts that send no header. The dev server's index.html
// carries plugin-react's inline React-refresh preamble (base '/'): allowed by its hash.
const devCsp = serializeCsp(devCspDirectives([react.preambleCode.replace('__BASE__', '/')]));
const previewCsp = serializeCsp(CSP_DIRECTIVES);

/** Writes the policy into the built index.html, right after <meta charset> (before any script). */
function cspMeta(): Plugin {
  return {
    name: 'clip-lab:csp-meta',
    apply: 'build',
    transformIndexHtml(html) {
      const charset = /<meta charset="[^"]*"\s*\/?>/i;
      if (!charset.test(html)) throw new Error('index.html: no <meta charset> to put the Content-Security-Policy <meta> after');
      return html.replace(charset, (m) => `${m}\n    <meta http-equiv="Content-Security-Policy" content="${metaCsp()}" />`);
    },
  };
}

export default defineConfig(({ mode }) => ({
  plugins: [react(), cspMeta()],
  // Test hooks (window.__clipLab, the workers' __clipLab*) exist only in the test build
  // (`vite build --mode test`, which the browser tests and benchmarks drive) and under Vitest.
  define: { __TEST_HOOKS__: JSON.stringify(mode === 'test') },
  server: { headers: { ...isolation, 'Content-Security-Policy': devCsp }, port: 5173, strictPort: true },
  preview: { headers: { ...isolation, 'Content-Security-Policy': previewCsp }, port: 4173, strictPort: true },
  worker: { format: 'es' },
  build: { target: 'es2022', chunkSizeWarningLimit: 4000, minify: false }, // minifying breaks tfjs-wasm's threaded build: its pthread workers re-evaluate the factory's source text, which then names minified outer variables
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
  },
}));
