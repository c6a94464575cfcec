// A ViT-B/32-shaped CLIP (image 224, patch 32, width 768, 12 layers, 12 heads, MLP 3072; text width
// 512, 8 heads, 12 layers, context 77, vocab 49,408; embed 512; QuickGELU) with RANDOM weights,
// through the real bundle:
//   import   the checkpoint folder (Hugging Face layout, F16 safetensors, written by
//            bench/randomClipFolder.ts and cached) picked in the Models tab's folder input: read +
//            convert ms and write-to-IndexedDB ms (the worker's), the whole wait from the page, the
//            stored size and the file size
//   per backend of the inference worker (`init` unloads the model, so each backend loads it again):
//            load from storage (the worker's loadMs and request → answer from the page); then the
//            worker's `benchmarkEncode`: ms/image with 1 and with 32 random images per call, ms/label
//            with 32 labels of a few words in one call (one profiled warm-up call, then REPEATS timed
//            calls, median), tf.memory() after the load and tf.profile's peak during the warm-up
//            encodes, and whether tensors leaked.
// The encoders pad a call to the next of a few batch sizes (1, 4, 16, 32, 64: see
// src/model/inferenceModel.ts), so batch 1 runs one image and batch 32 its own compiled shape.
// Ratios between backends in the same run are the point; no thresholds on time.
//
// Run only this one, when asked for: `CLIP_BENCH=1 npm run bench -- clip`. Environment:
//   CLIP_BENCH_BACKENDS        backends, in order (default wasm,webgpu,webgl,cpu)
//   CLIP_BENCH_REPEATS         timed calls per measurement on every backend (defaults: wasm 3, webgl 2, webgpu 1, cpu 1)
//   CLIP_BENCH_REPEATS_<NAME>  the same for one backend (e.g. CLIP_BENCH_REPEATS_WEBGPU=1)
//   CLIP_BENCH_CPU_BATCH32=1   also the batch-32 image call on cpu (skipped by default: very slow)
//   CLIP_BENCH_CACHE           where the random folder is cached (default node_modules/.cache/clip-lab-bench)
//   CLIP_BENCH_TIMEOUT_MIN     the test's timeout in minutes (default 240)
// Prints one table and writes bench-results/clip.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import type { EncodeBenchProfile, EncodeBenchReport, LoadedModelInfo } from '../src/protocol/inference';
import { machineInfo } from './machine';
import { randomClipFolder, VERSION, VIT_B32 } from './randomClipFolder';

const BACKENDS = (process.env.CLIP_BENCH_BACKENDS ?? 'wasm,webgpu,webgl,cpu').split(',').map((x) => x.trim()).filter(Boolean);
const DEFAULT_REPEATS: Record<string, number> = { wasm: 3, webgl: 2, webgpu: 1, cpu: 1 };
const repeatsFor = (b: string) => Number(process.env[`CLIP_BENCH_REPEATS_${b.toUpperCase()}`] ?? process.env.CLIP_BENCH_REPEATS ?? DEFAULT_REPEATS[b] ?? 1);
const CPU_BATCH32 = process.env.CLIP_BENCH_CPU_BATCH32 === '1';
const LABELS = 32;
const MB = 2 ** 20;

interface ImportResult {
  ok: boolean;
  error?: string;
  readMs?: number;
  writeMs?: number;
  /** From choosing the folder to the stored entry, timed from the page. */
  pageMs: number;
  modelId?: string;
  storedBytes?: number;
  params?: number;
}

interface BackendRow {
  backend: string;
  active: string | null;
  reason?: string;
  repeats: number;
  initMs?: number;
  loadMs?: number;
  pageLoadMs?: number;
  batch1?: EncodeBenchReport;
  batch32?: EncodeBenchReport;
  notes: string[];
  error?: string;
}

const req = <T = any>(page: Page, cmd: Record<string, unknown>): Promise<T | { failed: string }> =>
  page.evaluate(
    (c) =>
      (window as any).__clipLab
        .inferenceRequest({ requestId: `clip-bench-${Math.random().toString(36).slice(2)}`, ...c })
        .then((r: unknown) => JSON.parse(JSON.stringify(r, (_k, v) => (v instanceof Uint8Array ? undefined : v))), (e: Error) => ({ failed: e.message })),
    cmd,
  );
const failed = (r: unknown): r is { failed: string } => !!r && typeof r === 'object' && 'failed' in r;
const timed = async <T>(f: () => Promise<T>): Promise<{ ms: number; r: T }> => {
  const t0 = Date.now();
  const r = await f();
  return { ms: Date.now() - t0, r };
};

async function importFolder(page: Page, dir: string): Promise<ImportResult> {
  await page.evaluate(() => (window as any).__clipLab.getState().setView('models'));
  const t0 = Date.now();
  await page.locator('[data-testid="clip-folder-input"]').setInputFiles(dir);
  await page.waitForFunction(() => (window as any).__clipLab.getModels().clipImport === null && (window as any).__clipLab.getModels().lastClipImport !== null, null, { timeout: 1_800_000, polling: 250 });
  const pageMs = Date.now() - t0;
  const r = await page.evaluate(() => JSON.parse(JSON.stringify((window as any).__clipLab.getModels().lastClipImport)));
  if (!r.ok) return { ok: false, error: r.error ?? 'refused', pageMs };
  return { ok: true, readMs: r.readMs, writeMs: r.writeMs, pageMs, modelId: r.model.id, storedBytes: r.model.bytes, params: r.model.paramCount };
}

async function benchBackend(page: Page, backend: string, modelId: string): Promise<BackendRow> {
  const repeats = repeatsFor(backend);
  const row: BackendRow = { backend, active: null, repeats, notes: [] };
  const init = await timed(() => req<{ info: { active: string; reason: string } }>(page, { type: 'init', backend }));
  if (failed(init.r)) return { ...row, error: `init: ${init.r.failed}` };
  row.active = init.r.info.active;
  row.reason = init.r.info.reason;
  row.initMs = init.ms;
  if (row.active !== backend) row.notes.push(`asked for ${backend}, got ${row.active}`);
  const load = await timed(() => req<{ model: LoadedModelInfo }>(page, { type: 'loadModel', source: { kind: 'stored', id: modelId } }));
  if (failed(load.r)) return { ...row, error: `loadModel: ${load.r.failed}` };
  row.loadMs = load.r.model.loadMs;
  row.pageLoadMs = load.ms;
  console.log(`[clip bench] ${backend}: loaded in ${row.pageLoadMs} ms; encoding (repeats ${repeats})…`);
  const b1 = await timed(() => req<EncodeBenchReport>(page, { type: 'benchmarkEncode', images: 1, texts: LABELS, repeats }));
  if (failed(b1.r)) return { ...row, error: `benchmarkEncode (batch 1 + ${LABELS} labels): ${b1.r.failed}` };
  row.batch1 = b1.r;
  console.log(`[clip bench] ${backend}: batch 1 + labels took ${(b1.ms / 1000).toFixed(0)} s`);
  if (backend === 'cpu' && !CPU_BATCH32) row.notes.push('batch 32 skipped on cpu (CLIP_BENCH_CPU_BATCH32=1 runs it)');
  else {
    const b32 = await timed(() => req<EncodeBenchReport>(page, { type: 'benchmarkEncode', images: 32, texts: 0, repeats, warmup: true }));
    if (failed(b32.r)) return { ...row, error: `benchmarkEncode (batch 32): ${b32.r.failed}` };
    row.batch32 = b32.r;
    console.log(`[clip bench] ${backend}: batch 32 took ${(b32.ms / 1000).toFixed(0)} s`);
  }
  for (const [what, r] of [['batch 1 + labels', row.batch1], ['batch 32', row.batch32]] as const) {
    if (r && r.leakedTensors !== 0) row.notes.push(`${what}: ${r.leakedTensors} tensors leaked`);
  }
  for (const [what, p] of [['image', row.batch1.imageWarmup], ['text', row.batch1.textWarmup]] as const) {
    if (p && 'error' in p) row.notes.push(`${what} peak: ${p.error}`);
  }
  return row;
}

const mb = (x: number | undefined | null) => (typeof x === 'number' && Number.isFinite(x) ? (x / MB).toFixed(0) : '—');
const ms = (x: number | undefined | null, digits = 0) => (typeof x === 'number' && Number.isFinite(x) ? x.toFixed(digits) : '—');
const peakOf = (p: EncodeBenchProfile | null | undefined) => (p && 'peakBytes' in p ? p.peakBytes : null);

const HEAD = [
  'backend'.padEnd(8),
  'load ms'.padStart(8),
  'page ms'.padStart(8),
  'ms/img@1'.padStart(9),
  'ms/img@32'.padStart(10),
  'ms/label'.padStart(9),
  'MB load'.padStart(8),
  'GPU MB'.padStart(7),
  'peak img'.padStart(9),
  'peak txt'.padStart(9),
  'pool MB'.padStart(8),
  'leak'.padStart(5),
].join(' ');

function tableRow(r: BackendRow): string {
  if (r.error && !r.batch1) return `${r.backend.padEnd(8)} error: ${r.error}`;
  const b1 = r.batch1!;
  const b32 = r.batch32;
  const after = b32?.memoryAfter ?? b1.memoryAfter;
  return [
    (r.active === r.backend ? r.backend : `${r.backend}→${r.active}`).padEnd(8),
    ms(r.loadMs).padStart(8),
    ms(r.pageLoadMs).padStart(8),
    ms(b1.imageMedianMs).padStart(9),
    ms(b32 && b32.imageMedianMs !== null ? b32.imageMedianMs / b32.images : null, 1).padStart(10),
    ms(b1.textMedianMs !== null ? b1.textMedianMs / b1.texts : null, 1).padStart(9),
    mb(b1.memoryBefore.numBytes).padStart(8),
    mb(b1.memoryBefore.numBytesInGPU).padStart(7),
    mb(peakOf(b1.imageWarmup)).padStart(9),
    mb(peakOf(b1.textWarmup)).padStart(9),
    mb(after.numBytesInGPUAllocated ?? after.wasmHeapBytes).padStart(8),
    String((b1.leakedTensors ?? 0) + (b32?.leakedTensors ?? 0)).padStart(5),
  ].join(' ');
}

test('CLIP ViT-B/32 (random weights): import, load, encoder speed and memory per backend', async ({ page, browser }) => {
  // Hours on CPU-only machines (wasm: minutes per call of 32 labels): only when asked for.
  test.skip(process.env.CLIP_BENCH !== '1', 'set CLIP_BENCH=1 to run the ViT-B/32 bench (CLIP_BENCH=1 npm run bench -- clip)');
  test.setTimeout(Number(process.env.CLIP_BENCH_TIMEOUT_MIN ?? 240) * 60_000);
  const t0 = Date.now();
  const folder = randomClipFolder();
  console.log(`[clip bench] folder ${folder.dir} (${folder.written ? `written in ${folder.writeMs} ms` : 'cached'}, ${mb(folder.weightBytes)} MB weights)`);
  const consoleErrors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text().slice(0, 300));
  });
  await page.goto('/');
  await expect.poll(() => page.evaluate(() => (window as any).__clipLab.getState().backend?.active ?? null), { timeout: 120_000 }).not.toBeNull();

  const imp = await importFolder(page, folder.dir);
  console.log(`[clip bench] import: ${imp.ok ? `read ${ms(imp.readMs)} ms, write ${ms(imp.writeMs)} ms` : imp.error}`);
  const rows: BackendRow[] = [];
  if (imp.ok) {
    for (const b of BACKENDS) {
      const bt = Date.now();
      const row = await benchBackend(page, b, imp.modelId!);
      rows.push({ ...row, notes: [...row.notes, `${((Date.now() - bt) / 1000).toFixed(0)} s in all`] });
      console.log(`[clip bench] ${tableRow(rows.at(-1)!)}`); // as it comes: a slow backend may not finish
    }
  }

  const result = {
    date: new Date().toISOString(),
    machine: machineInfo(),
    browser: browser.version(),
    model: { ...VIT_B32, activation: 'quickgelu', weights: 'random, F16', folderVersion: VERSION },
    folder: { dir: folder.dir, weightBytes: folder.weightBytes, folderBytes: folder.folderBytes, writtenNow: folder.written, writeMs: folder.writeMs },
    import: imp,
    settings: { backends: BACKENDS, labels: LABELS, cpuBatch32: CPU_BATCH32, repeats: Object.fromEntries(BACKENDS.map((b) => [b, repeatsFor(b)])) },
    rows,
    consoleErrors: consoleErrors.slice(0, 20),
    seconds: (Date.now() - t0) / 1000,
  };
  const lines = [
    `CLIP Lab ViT-B/32 benchmark (random weights) — ${result.browser}, ${result.machine.cpus} CPUs (${result.machine.cpu}), ${result.machine.memGiB} GiB`,
    `weights file ${mb(folder.weightBytes)} MB (F16, ${(imp.params ?? 0).toLocaleString('en-US')} parameters); MB = 2^20 bytes; median of the timed calls`,
    imp.ok
      ? `import (Models tab folder input): read + convert ${ms(imp.readMs)} ms, write ${ms(imp.writeMs)} ms, ${ms(imp.pageMs)} ms from the page; stored ${mb(imp.storedBytes)} MB`
      : `import failed: ${imp.error}`,
    '',
    HEAD,
    ...rows.map(tableRow),
    '',
    'load ms: the worker\'s loadMs (storage → tensors); page ms: loadModel request → answer. ms/img@1: one image per call;',
    'ms/img@32: a call of 32 images / 32; ms/label: a call of 32 labels / 32. MB load: tf.memory().numBytes after the load',
    '(per tensor handle); GPU MB: numBytesInGPU after the load; peak img/txt: tf.profile peakBytes of the warm-up encode (model included);',
    'pool MB: after the encodes, webgpu buffer pool / webgl textures allocated, or the wasm heap; leak: tensors left by the encode calls.',
    ...rows.filter((r) => r.notes.length || r.error).map((r) => `${r.backend}: ${[...r.notes, ...(r.error ? [`error: ${r.error}`] : [])].join('; ')}`),
    `${(result.seconds / 60).toFixed(1)} min in all`,
  ];
  console.log(`\n${lines.join('\n')}\n`);
  mkdirSync('bench-results', { recursive: true });
  writeFileSync('bench-results/clip.json', `${JSON.stringify({ ...result, table: lines }, null, 2)}\n`);
  console.log('wrote bench-results/clip.json');
  expect(imp.ok, imp.error).toBe(true);
  for (const r of rows) expect(r.error, `${r.backend}: ${r.error ?? ''}`).toBeUndefined();
});
