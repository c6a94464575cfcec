import { defineConfig } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../scripts/chromium.mjs';

// `npm run bench`: benchmarks run through the real app bundle in headless Chromium
// (served by vite preview). Each bench prints a table and writes JSON to bench-results/.
// `npm run bench -- kernels` runs only bench/kernels.bench.ts (Playwright filters by file name);
// likewise `-- data`, `-- checkpoint` (checkpoint write/read time and size per preset),
// `-- playground` (zero-shot update latency and dataset embedding throughput per preset and backend) and
// `-- clip` (with CLIP_BENCH=1: a ViT-B/32-shaped CLIP with random weights: folder import, load, encoder ms and memory per
// backend; CLIP_BENCH_BACKENDS, CLIP_BENCH_REPEATS: see bench/clip.bench.ts).
// The benchmarks drive the test build (dist-test/, `npm run build:test`: it has the test hooks).
// BENCH_DIST serves another build folder (e.g. `vite build --mode test --outDir /tmp/benchdist`).
const DIST = process.env.BENCH_DIST ?? 'dist-test';
export default defineConfig({
  testDir: '.',
  outputDir: '../test-results/bench',
  testMatch: '**/*.bench.ts',
  timeout: 900_000, // per test; kernels.bench.ts sets its own (longer) timeout
  workers: 1,
  reporter: [['list']],
  use: {
    baseURL: 'http://127.0.0.1:4174',
    launchOptions: { executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS },
    viewport: { width: 1440, height: 1000 },
  },
  webServer: {
    command: `npx vite preview --host 127.0.0.1 --port 4174 --strictPort --outDir ${JSON.stringify(DIST)}`,
    cwd: '..',
    url: 'http://127.0.0.1:4174',
    reuseExistingServer: false,
    timeout: 60_000,
  },
});
