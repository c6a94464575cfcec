// Checkpoint benchmark: write and read time and size of a training checkpoint (parameters, AdamW
// moments and the run's position: what Pause, Stop and auto-save write to IndexedDB) for each
// model preset. Runs in the app's trainer worker through the real bundle, on the automatically
// chosen backend. Each preset: a Shapes run with little data (it only has to build the model),
// 2 training steps (so the optimizer state exists), then `benchmarkCheckpoint` writes the
// checkpoint under a scratch id REPEATS times (snapshot + stream + verify + pointer switch) and
// reads it back (header + every tensor), and deletes it. Prints one table and writes JSON to
// bench-results/.
//
// Run only this one: `npm run bench -- checkpoint` (CHECKPOINT_PRESETS=tiny and CHECKPOINT_REPEATS=5 override).
import { writeFileSync, mkdirSync } from 'node:fs';
import { test, expect, type Page } from '@playwright/test';
import type { CheckpointBenchReport, CheckpointBenchRow } from '../src/protocol/bench';
import { machineInfo } from './machine';

const PRESETS = (process.env.CHECKPOINT_PRESETS ?? 'tiny,small').split(',').map((x) => x.trim()).filter(Boolean) as ('tiny' | 'small')[];
const REPEATS = Number(process.env.CHECKPOINT_REPEATS ?? 3);
const BATCH = 16;
const TRAIN_PAIRS = 256;
const VAL_PAIRS = 64;
const STEPS = 2;

const ui = <T = any>(page: Page, expr: string): Promise<T> =>
  page.evaluate((e) => JSON.parse(JSON.stringify(new Function('s', `return (${e});`)((window as any).__clipLab.getState()) ?? null)), expr);
const send = (page: Page, cmd: unknown) => page.evaluate((c) => (window as any).__clipLab.send(c), cmd);
const errorsSince = async (page: Page, k: number) => (await ui<{ message: string; context: string }[]>(page, 's.errors')).slice(k).map((e) => `${e.context}: ${e.message}`);

interface Row {
  preset: 'tiny' | 'small';
  row: CheckpointBenchRow | null;
  /** Trained steps before the measurement (the checkpoint's step). */
  step: number;
  /** tf.memory().numBytes of the worker before the measurement (model + optimizer state + data). */
  tensorBytes: number;
  error?: string;
}

async function benchPreset(page: Page, preset: 'tiny' | 'small'): Promise<Row> {
  const errs = await ui<number>(page, 's.errors.length');
  const config = await page.evaluate(
    ({ preset, BATCH, TRAIN_PAIRS, VAL_PAIRS }) => {
      const s = (window as any).__clipLab.getState();
      s.setLocalState('idle'); // so that a stale 'error' is not taken for this configure's answer
      s.setPreset(preset);
      s.chooseShapes();
      s.setObjectiveKind('clip');
      s.setConfig((c: any) => ({
        ...c,
        dataset: { ...c.dataset, trainPairs: TRAIN_PAIRS, valPairs: VAL_PAIRS },
        batchSize: BATCH,
        steps: 1000, // never reached: no end-of-run evaluation or finish checkpoint
        evalEvery: 0,
        reportEvery: 1,
        autosave: { everySteps: 0, everySeconds: 0 }, // only the benchmark's own writes
      }));
      return JSON.parse(JSON.stringify((window as any).__clipLab.getState().config));
    },
    { preset, BATCH, TRAIN_PAIRS, VAL_PAIRS },
  );
  await send(page, { type: 'configure', config });
  await expect.poll(() => ui(page, 's.status.state'), { timeout: 300_000 }).toMatch(/^(ready|error)$/);
  const fail = async (what: string): Promise<Row> => ({ preset, row: null, step: await ui<number>(page, 's.status.step'), tensorBytes: 0, error: `${what}: ${(await errorsSince(page, errs)).join('; ')}` });
  if ((await ui(page, 's.status.state')) !== 'ready') return fail('configure failed');
  for (let k = 1; k <= STEPS; k++) {
    await send(page, { type: 'step' });
    await expect.poll(async () => (await ui<number>(page, 's.status.step')) >= k || (await ui<number>(page, 's.errors.length')) > errs, { timeout: 300_000 }).toBe(true);
  }
  if ((await ui<number>(page, 's.errors.length')) > errs) return fail('training failed');
  const status = await ui<{ step: number; numBytes: number }>(page, 's.status');
  // One request, one answer (the hook's request() settles by requestId; an error report rejects it).
  const r = await page.evaluate(
    (cmd) => (window as any).__clipLab.request(cmd).then((x: CheckpointBenchReport) => JSON.parse(JSON.stringify(x)), (e: Error) => ({ failed: e.message })),
    { type: 'benchmarkCheckpoint', requestId: `${preset}-${Date.now()}`, repeats: REPEATS },
  );
  if ('failed' in r) return fail(`benchmarkCheckpoint failed (${r.failed})`);
  return { preset, row: r.row, step: status.step, tensorBytes: status.numBytes, ...(r.error ? { error: r.error } : {}) };
}

test('checkpoint benchmark: write and read time and size per preset', async ({ page, browser }) => {
  await page.goto('/');
  await expect.poll(() => ui(page, 's.backend?.active ?? null'), { timeout: 120_000 }).not.toBeNull();
  const backend = await ui(page, 's.backend');
  // The Data tab: no charts redrawn on the main thread while the worker measures.
  await page.evaluate(() => (window as any).__clipLab.getState().setView('data'));
  const t0 = Date.now();
  const rows: Row[] = [];
  for (const preset of PRESETS) rows.push(await benchPreset(page, preset));
  await send(page, { type: 'stop' });

  const result = {
    date: new Date().toISOString(),
    machine: machineInfo(),
    browser: browser.version(),
    backend: backend.active,
    backendReason: backend.reason,
    settings: { repeats: REPEATS, trainedSteps: STEPS, batch: BATCH, dataset: `Shapes, ${TRAIN_PAIRS} train / ${VAL_PAIRS} val pairs`, objective: 'clip', storage: 'IndexedDB (chunked, verified, atomic pointer switch)' },
    rows,
    seconds: (Date.now() - t0) / 1000,
  };
  const MB = 2 ** 20;
  const rate = (bytes: number, ms: number) => (ms > 0 ? (bytes / MB / (ms / 1000)).toFixed(1) : '—');
  const lines = [
    `CLIP Lab checkpoint benchmark — ${result.browser}, backend ${result.backend}, ${result.machine.cpus} CPUs (${result.machine.cpu})`,
    `checkpoint = parameters + AdamW moments + run position, written to IndexedDB and read back; mean of ${REPEATS} repeats; MB = 2^20 bytes`,
    '',
    ['preset', 'params'.padStart(10), 'ckpt MB'.padStart(10), 'write ms'.padStart(10), 'read ms'.padStart(9), 'write MB/s'.padStart(12), 'read MB/s'.padStart(11)].join(' '),
    ...rows.map((r) =>
      r.row
        ? [
            r.preset.padEnd(6),
            r.row.paramCount.toLocaleString('en-US').padStart(10),
            (r.row.bytes / MB).toFixed(2).padStart(10),
            r.row.writeMs.toFixed(1).padStart(10),
            r.row.readMs.toFixed(1).padStart(9),
            rate(r.row.bytes, r.row.writeMs).padStart(12),
            rate(r.row.bytes, r.row.readMs).padStart(11),
          ].join(' ')
        : `${r.preset.padEnd(6)} error: ${r.error}`,
    ),
  ];
  console.log(`\n${lines.join('\n')}\n`);
  mkdirSync('bench-results', { recursive: true });
  const file = `bench-results/checkpoint-${result.date.replace(/[:.]/g, '-')}.json`;
  writeFileSync(file, JSON.stringify({ ...result, table: lines }, null, 2));
  console.log(`wrote ${file}`);
  for (const r of rows) expect(r.row, `${r.preset}: ${r.error ?? ''}`).not.toBeNull();
});
