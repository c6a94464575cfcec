// Kernel benchmark (issue 5): (1) contrastive loss forward + backward, fused WebGPU kernels vs the
// op-composed tfjs version, on every backend that starts; (2) training throughput and step time of
// each model preset per backend (the automatically chosen one marked *), with the share of step
// time spent waiting for data, and on webgpu with the fused loss off vs on; (3) peak tensor memory
// of one training step (tf.profile). Everything runs inside the app's trainer worker, through the
// real bundle. Prints one table and writes JSON to bench-results/.
//
// Run only this one: `npm run bench -- kernels`. Sizes can be cut down for a quick look, e.g.
//   KERNELS_N=256,1024 KERNELS_D=64 KERNELS_BACKENDS=wasm,webgpu KERNELS_PRESETS=tiny npm run bench -- kernels
// (an empty KERNELS_OBJECTIVES or KERNELS_PRESETS skips that part; KERNELS_CONSOLE=1 echoes the page's console).
import { writeFileSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import { test, expect, type Page } from '@playwright/test';
import type { BackendName } from '../src/config/types';
import type { LossBenchReport, LossBenchRow, StepProfileReport, TimingStats } from '../src/protocol/bench';
import { machineInfo } from './machine';

const list = (name: string, fallback: string) => (process.env[name] ?? fallback).split(',').map((x) => x.trim()).filter(Boolean);
const num = (name: string, fallback: number) => (process.env[name] ? Number(process.env[name]) : fallback);

const BACKENDS = list('KERNELS_BACKENDS', 'webgl,wasm,cpu,webgpu') as BackendName[]; // run in this order (see below)
const OBJECTIVES = list('KERNELS_OBJECTIVES', 'clip,siglip') as ('clip' | 'siglip')[];
const NS = list('KERNELS_N', '256,1024,4096').map(Number);
const DS = list('KERNELS_D', '64,256').map(Number);
const PRESETS = list('KERNELS_PRESETS', 'tiny,small') as ('tiny' | 'small')[];
/** Loss: untimed runs per variant, timed repeats; slow points (one run > LOSS_SLOW_MS) get 1 + 2. */
const LOSS_WARMUP = num('KERNELS_LOSS_WARMUP', 2);
const LOSS_REPEATS = num('KERNELS_LOSS_REPEATS', 5);
const LOSS_SLOW_MS = 5_000;
/** Loss: skip a variant at a point when one run is predicted (∝ N² from a smaller N) above this (or its first run took 2×). */
const LOSS_MAX_RUN_MS = num('KERNELS_LOSS_MAX_RUN_MS', 25_000);
/** Loss: wall-clock budget per backend × objective (remaining points are skipped and say so). */
const LOSS_BUDGET_MS = num('KERNELS_LOSS_BUDGET_MS', 150_000);
/** Training: batch, warm-up steps, measured steps (fewer when a step is slow). */
const BATCH = 64;
const TRAIN_WARMUP = 3;
const TRAIN_STEPS = num('KERNELS_TRAIN_STEPS', 8);
const TRAIN_STEPS_SLOW = 4;
const TRAIN_SLOW_STEP_MS = 5_000;
/** Training: skip a backend × preset whose first step (or predicted step) exceeds this. */
const TRAIN_MAX_STEP_MS = num('KERNELS_TRAIN_MAX_STEP_MS', 20_000);
const TEST_TIMEOUT_MS = num('KERNELS_TIMEOUT_MS', 40 * 60_000);

// ------------------------------------------------------------------ page helpers
const ui = <T = any>(page: Page, expr: string): Promise<T> =>
  page.evaluate((e) => JSON.parse(JSON.stringify(new Function('s', `return (${e});`)((window as any).__clipLab.getState()) ?? null)), expr);
const send = (page: Page, cmd: unknown) => page.evaluate((c) => (window as any).__clipLab.send(c), cmd);
const errorCount = (page: Page) => ui<number>(page, 's.errors.length');
const errorsSince = async (page: Page, k: number) => (await ui<{ message: string; context: string }[]>(page, 's.errors')).slice(k).map((e) => `${e.context}: ${e.message}`);

/** Switches the worker's backend; null when it started, else why not. */
async function switchBackend(page: Page, b: BackendName | 'auto'): Promise<{ active: BackendName; note: string | null }> {
  // Forget the last backend report, so that the poll below waits for the answer to this switch.
  await page.evaluate(() => (window as any).__clipLab.getState().applyReport({ type: 'backend', info: null }));
  await send(page, { type: 'setBackend', backend: b });
  await expect.poll(() => ui(page, 's.backend?.active ?? null'), { timeout: 120_000 }).not.toBeNull();
  const info = await ui(page, 's.backend');
  if (b === 'webgl' && info.active === 'webgl') {
    // tfjs keeps using a lost context (see the backend loop below): say so instead of failing later.
    const w = page.workers().find((x) => x.url().includes('trainer'));
    const lost = await w?.evaluate(() => (globalThis as any).__clipLabTf.findBackend('webgl')?.gpgpu?.gl?.isContextLost?.() === true);
    if (lost) return { active: info.active, note: 'webgl: tfjs WebGL context lost (each backend switch creates a WebGL2 context; Chromium dropped the oldest)' };
  }
  if (b === 'auto' || info.active === b) return { active: info.active, note: null };
  const c = info.candidates.find((x: any) => x.name === b);
  return { active: info.active, note: `${b} did not start (${c?.note ?? 'unavailable'}; worker fell back to ${info.active})` };
}

// ------------------------------------------------------------------ 1. loss forward + backward
interface LossResult {
  backend: BackendName;
  objective: 'clip' | 'siglip';
  rows: LossBenchRow[];
  error?: string;
}

async function benchLoss(page: Page, backend: BackendName, objective: 'clip' | 'siglip'): Promise<LossResult> {
  const id = `${backend}-${objective}-${Date.now()}`;
  const points = DS.flatMap((d) => NS.map((n) => ({ n, d })));
  await send(page, {
    type: 'benchmarkLoss',
    requestId: id,
    backend,
    objective,
    points,
    warmup: LOSS_WARMUP,
    repeats: LOSS_REPEATS,
    slowRunMs: LOSS_SLOW_MS,
    minRepeats: 2,
    maxRunMs: LOSS_MAX_RUN_MS,
    budgetMs: LOSS_BUDGET_MS,
  });
  let last = '';
  await expect
    .poll(
      async () => {
        const r = await ui<LossBenchReport | null>(page, 's.lossBench');
        if (r?.requestId === id && r.rows.length) {
          const row = r.rows[r.rows.length - 1];
          const line = `  loss ${backend} ${objective} N=${row.n} D=${row.d}: ${row.composed ? row.composed.medianMs.toFixed(1) : '—'} ms composed, ${row.fused ? row.fused.medianMs.toFixed(1) : '—'} ms fused ${row.note}`;
          if (line !== last) console.log((last = line));
        }
        return r?.requestId === id && r.done;
      },
      { timeout: LOSS_BUDGET_MS + 8 * LOSS_MAX_RUN_MS + 60_000, intervals: [500] },
    )
    .toBe(true);
  const r = (await ui<LossBenchReport>(page, 's.lossBench'))!;
  return { backend, objective, rows: r.rows, error: r.error };
}

// ------------------------------------------------------------------ 2 + 3. training and step memory
interface TrainResult {
  backend: BackendName;
  preset: 'tiny' | 'small';
  auto: boolean;
  /** webgpu only: whether the fused loss was on. */
  fused: boolean | null;
  warmupSteps: number;
  measuredSteps: number;
  step: TimingStats | null;
  pairsPerSec: number | null;
  /** Σ data wait / Σ step time over the measured steps (per-step status reports). */
  dataWaitShare: number | null;
  dataWaitSteps: number;
  firstStepMs: number | null;
  profile: StepProfileReport | null;
  note: string;
}

function stats(samples: number[]): TimingStats {
  const s = [...samples].sort((a, b) => a - b);
  const q = (p: number) => {
    const x = p * (s.length - 1);
    return s[Math.floor(x)] + (s[Math.ceil(x)] - s[Math.floor(x)]) * (x - Math.floor(x));
  };
  return { samples, medianMs: q(0.5), minMs: s[0], maxMs: s[s.length - 1], q1Ms: q(0.25), q3Ms: q(0.75) };
}

/** Configures a fresh model; false when the worker reported an error. */
async function configure(page: Page, preset: 'tiny' | 'small'): Promise<boolean> {
  const config = await page.evaluate(
    ({ preset, BATCH }) => {
      const s = (window as any).__clipLab.getState();
      s.setLocalState('idle'); // so that a stale 'error' is not taken for this configure's answer
      s.setPreset(preset);
      s.setObjectiveKind('clip');
      s.setConfig((c: any) => ({
        ...c,
        // A smaller Shapes world than the default (generated once per preset, cached): enough for the reader's shuffle.
        dataset: c.dataset.kind === 'shapes' ? { ...c.dataset, trainPairs: 2560, valPairs: 256 } : c.dataset,
        batchSize: BATCH,
        steps: 10_000, // paused and stopped by the bench: no end-of-run evaluation
        reportEvery: 1, // one metrics window (and status report) per step: per-step times and data wait
        evalEvery: 0,
      }));
      return JSON.parse(JSON.stringify((window as any).__clipLab.getState().config));
    },
    { preset, BATCH },
  );
  await send(page, { type: 'configure', config });
  await expect.poll(() => ui(page, 's.status.state'), { timeout: 300_000 }).toMatch(/^(ready|error)$/);
  // The previous run's per-step metrics would otherwise stay until this run's first report.
  await page.evaluate(() => (window as any).__clipLab.getState().metrics.clear());
  return (await ui(page, 's.status.state')) === 'ready';
}

/** Collects every status report (the store keeps only the last) until stopped. */
async function startStatusLog(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as any;
    clearInterval(w.__benchPoll);
    w.__benchStatus = [];
    let last: unknown = null;
    w.__benchPoll = setInterval(() => {
      const st = w.__clipLab.getState().status;
      if (st !== last) {
        last = st;
        w.__benchStatus.push({ state: st.state, step: st.step, stepMs: st.stepMs, share: st.dataWaitShare });
      }
    }, 20); // status reports come one step (≥ 100 ms) apart
  });
}
async function stopStatusLog(page: Page): Promise<{ state: string; step: number; stepMs: number; share: number }[]> {
  return page.evaluate(() => {
    const w = window as any;
    clearInterval(w.__benchPoll);
    return w.__benchStatus;
  });
}

async function benchTraining(
  page: Page,
  backend: BackendName,
  preset: 'tiny' | 'small',
  opts: { auto: boolean; fused: boolean | null; predictedStepMs?: number },
): Promise<TrainResult> {
  const out: TrainResult = {
    backend,
    preset,
    auto: opts.auto,
    fused: opts.fused,
    warmupSteps: TRAIN_WARMUP,
    measuredSteps: 0,
    step: null,
    pairsPerSec: null,
    dataWaitShare: null,
    dataWaitSteps: 0,
    firstStepMs: null,
    profile: null,
    note: '',
  };
  if (opts.predictedStepMs !== undefined && opts.predictedStepMs > TRAIN_MAX_STEP_MS) {
    out.note = `skipped: a step predicted ≈ ${(opts.predictedStepMs / 1000).toFixed(0)} s (tiny step × small/tiny ratio on wasm) > ${TRAIN_MAX_STEP_MS / 1000} s budget`;
    return out;
  }
  const errs = await errorCount(page);
  if (opts.fused !== null) {
    await send(page, { type: 'setFusedLoss', requestId: `fused-${opts.fused}`, enabled: opts.fused });
    await expect.poll(() => ui(page, 's.fusedLoss?.enabled ?? null')).toBe(opts.fused);
  }
  if (!(await configure(page, preset))) {
    out.note = `configure failed: ${(await errorsSince(page, errs)).join('; ')}`;
    return out;
  }
  await startStatusLog(page);
  await send(page, { type: 'start' });
  const steps = () => ui<number[]>(page, 'Array.from(s.metrics.toArrays().stepMs)');
  // Reports of this run: the status after each step follows that step's metrics report.
  const done = () => ui<boolean>(page, `s.status.state !== 'running' && s.status.state !== 'ready'`);
  const stepsDone = () => ui<number>(page, 's.status.step');
  // The first two steps (the first includes shader compilation) decide whether to go on and how
  // many steps to measure. Stopping costs the step in flight anyway, so waiting for step 2 is free.
  const sec = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  await expect.poll(async () => (await stepsDone()) >= 1 || (await done()), { timeout: 10 * TRAIN_MAX_STEP_MS, intervals: [200] }).toBe(true);
  const first = (await steps())[0];
  let wanted = TRAIN_WARMUP + TRAIN_STEPS;
  if (first === undefined) out.note = 'failed before the first step';
  else if (first > 3 * TRAIN_MAX_STEP_MS) out.note = `skipped: first step took ${sec(first)} > 3 × ${sec(TRAIN_MAX_STEP_MS)} budget`;
  else {
    await expect.poll(async () => (await stepsDone()) >= 2 || (await done()), { timeout: 10 * TRAIN_MAX_STEP_MS, intervals: [200] }).toBe(true);
    const second = (await steps())[1] ?? first;
    const probe = Math.min(first, second);
    if (probe > TRAIN_MAX_STEP_MS) out.note = `skipped: a step took ${sec(second)} (first ${sec(first)}) > ${sec(TRAIN_MAX_STEP_MS)} budget`;
    else {
      if (probe > TRAIN_SLOW_STEP_MS) {
        wanted = TRAIN_WARMUP + TRAIN_STEPS_SLOW;
        out.note = `slow (${sec(probe)}/step): ${TRAIN_STEPS_SLOW} measured steps`;
      }
      await expect
        .poll(async () => (await stepsDone()) >= wanted || (await done()), { timeout: wanted * 3 * TRAIN_MAX_STEP_MS, intervals: [200] })
        .toBe(true);
    }
  }
  out.firstStepMs = first ?? null;
  await send(page, { type: 'pause' });
  await send(page, { type: 'stop' });
  await expect.poll(() => ui(page, 's.status.state'), { timeout: 10 * TRAIN_MAX_STEP_MS }).toMatch(/stopped|error/);
  const log = await stopStatusLog(page);
  const m = await ui<{ step: number[]; stepMs: number[] }>(page, '{ step: Array.from(s.metrics.toArrays().step), stepMs: Array.from(s.metrics.toArrays().stepMs) }');
  const fresh = await errorsSince(page, errs);
  if (fresh.length) out.note = [out.note, ...fresh].filter(Boolean).join('; ');
  if (out.note.startsWith('skipped') || out.note.startsWith('failed')) return out;

  const measured = m.step.map((s, i) => ({ s, ms: m.stepMs[i] })).filter((x) => x.s > TRAIN_WARMUP && x.s <= wanted);
  if (measured.length === 0) {
    out.note = [out.note, 'no measured steps'].filter(Boolean).join('; ');
    return out;
  }
  out.measuredSteps = measured.length;
  out.step = stats(measured.map((x) => x.ms));
  const total = measured.reduce((a, x) => a + x.ms, 0);
  out.pairsPerSec = (BATCH * measured.length * 1000) / total;
  // One status report per step (reportEvery 1), posted right after that step's metrics.
  const byStep = new Map<number, { stepMs: number; share: number }>();
  for (const st of log) if (st.state === 'running' && st.step > TRAIN_WARMUP && st.step <= wanted && !byStep.has(st.step)) byStep.set(st.step, st);
  if (byStep.size) {
    const w = [...byStep.values()];
    out.dataWaitShare = w.reduce((a, x) => a + x.share * x.stepMs, 0) / w.reduce((a, x) => a + x.stepMs, 0);
    out.dataWaitSteps = byStep.size;
  }

  // ---- 3. peak tensor memory of one more training step of the same model
  const errs2 = await errorCount(page);
  // One request, one answer (settled by requestId; an error report rejects it, and is listed below).
  const p = await page.evaluate(
    (cmd) => (window as any).__clipLab.request(cmd).then((x: StepProfileReport) => JSON.parse(JSON.stringify(x)), () => null),
    { type: 'profileStep', requestId: `${backend}-${preset}-${opts.fused}-${Date.now()}` },
  );
  if (p) out.profile = p;
  const perr = await errorsSince(page, errs2);
  if (perr.length) out.note = [out.note, `profile: ${perr.join('; ')}`].filter(Boolean).join('; ');
  return out;
}

// ------------------------------------------------------------------ formatting
const f1 = (x: number) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));
const timing = (t: TimingStats | null) => (t ? `${f1(t.medianMs)} [${f1(t.minMs)}–${f1(t.maxMs)}] ×${t.samples.length}` : '—');
const mb = (b: number) => `${(b / 2 ** 20).toFixed(1)}`;

test('kernels benchmark: fused loss, training throughput, step memory', async ({ page, browser }) => {
  test.setTimeout(TEST_TIMEOUT_MS);
  const t0 = Date.now();
  const loadStart = os.loadavg()[0];
  if (process.env.KERNELS_CONSOLE) page.on('console', (m) => { if (m.type() !== 'warning') console.log(`  [console ${m.type()}] ${m.text().slice(0, 3000)}`); });
  await page.goto('/');
  await expect.poll(() => ui(page, 's.backend?.active ?? null'), { timeout: 120_000 }).not.toBeNull();
  const autoInfo = await ui(page, 's.backend');
  // The Data tab: no training charts redrawn on the main thread after every step (on 2 cores they
  // compete with the worker: tiny/wasm 260 vs 150 ms per step with one report per step).
  await page.evaluate(() => (window as any).__clipLab.getState().setView('data'));
  const adapter = await page.evaluate(async () => {
    const gpu = (navigator as any).gpu;
    const a = gpu ? await gpu.requestAdapter() : null;
    if (!a) return null;
    const i = a.info ?? {};
    const l = a.limits;
    return {
      vendor: i.vendor,
      architecture: i.architecture,
      device: i.device,
      description: i.description,
      isFallbackAdapter: i.isFallbackAdapter,
      features: [...a.features].sort(),
      limits: {
        maxBufferSize: l.maxBufferSize,
        maxStorageBufferBindingSize: l.maxStorageBufferBindingSize,
        maxComputeWorkgroupStorageSize: l.maxComputeWorkgroupStorageSize,
        maxComputeInvocationsPerWorkgroup: l.maxComputeInvocationsPerWorkgroup,
      },
    };
  });

  // One backend switch per backend, loss first, then training. Few switches on purpose: every switch
  // (chooseBackend → listCandidates → webglAvailable) creates a fresh WebGL2 context, and after ~4 of
  // them Chromium drops the oldest one, which is tfjs's own: webgl then fails ("Failed to link vertex
  // and fragment shaders"). So webgl goes first by default.
  const auto = autoInfo.active as BackendName;
  const backendNotes: Record<string, string> = {};
  const loss: LossResult[] = [];
  const train: TrainResult[] = [];
  let lossMs = 0;
  for (const b of BACKENDS) {
    const sw = await switchBackend(page, b);
    if (sw.note) {
      backendNotes[b] = sw.note;
      console.log(`  ${sw.note}`);
      continue;
    }
    // ---- 1. loss forward + backward
    const l0 = Date.now();
    for (const o of OBJECTIVES) loss.push(await benchLoss(page, b, o));
    lossMs += Date.now() - l0;

    // ---- 2 + 3. training throughput and step memory per preset (webgpu: fused loss off, then on)
    for (const preset of PRESETS) {
      // Predict a small step from tiny here × small/tiny on the auto backend, so as not to start hopeless runs.
      const tinyHere = train.find((r) => r.backend === b && r.preset === 'tiny' && r.step)?.step?.medianMs;
      const tinyAuto = train.find((r) => r.backend === auto && r.preset === 'tiny' && r.step)?.step?.medianMs;
      const smallAuto = train.find((r) => r.backend === auto && r.preset === 'small' && r.step)?.step?.medianMs;
      const predictedStepMs = b !== auto && preset === 'small' && tinyHere && tinyAuto && smallAuto ? (tinyHere * smallAuto) / tinyAuto : undefined;
      const variants: (boolean | null)[] = b === 'webgpu' ? [false, true] : [null];
      for (const fused of variants) {
        const r = await benchTraining(page, b, preset, { auto: b === auto, fused, predictedStepMs });
        console.log(`  train ${b} ${preset}${fused === null ? '' : fused ? ' fused' : ' composed'}: ${timing(r.step)} ms/step ${r.note}`);
        train.push(r);
      }
    }
  }
  const lossSeconds = lossMs / 1000;
  await send(page, { type: 'setFusedLoss', requestId: 'fused-on', enabled: true });

  const result = {
    date: new Date().toISOString(),
    machine: { ...machineInfo(), loadAvg1mStart: loadStart, loadAvg1mEnd: os.loadavg()[0] },
    browser: browser.version(),
    adapter,
    autoBackend: { active: auto, reason: autoInfo.reason, candidates: autoInfo.candidates, wasmThreads: autoInfo.wasmThreads },
    backendNotes,
    settings: {
      loss: { N: NS, D: DS, warmup: LOSS_WARMUP, repeats: LOSS_REPEATS, slowRunMs: LOSS_SLOW_MS, maxRunMs: LOSS_MAX_RUN_MS, budgetMsPerBackendObjective: LOSS_BUDGET_MS, inputs: 'u, v random normal rows L2-normalised; t = ln(1/0.07); b = −10' },
      training: { batch: BATCH, warmupSteps: TRAIN_WARMUP, measuredSteps: TRAIN_STEPS, measuredStepsWhenSlow: TRAIN_STEPS_SLOW, slowStepMs: TRAIN_SLOW_STEP_MS, maxStepMs: TRAIN_MAX_STEP_MS, dataset: 'Shapes, 2560 train pairs', objective: 'clip' },
    },
    loss,
    train,
    seconds: { loss: lossSeconds, total: (Date.now() - t0) / 1000 },
  };

  // ---- the table
  const a = adapter;
  const lines: string[] = [
    `CLIP Lab kernels benchmark — ${result.date}`,
    `machine: ${result.machine.cpus} CPUs (${result.machine.cpu}), ${result.machine.memGiB} GiB, load average (1 min) ${loadStart.toFixed(2)} at start, ${result.machine.loadAvg1mEnd.toFixed(2)} at end; Chromium ${result.browser}`,
    `WebGPU adapter: ${a ? `${a.vendor}/${a.architecture}${a.description ? ` (${a.description})` : ''}, fallback ${a.isFallbackAdapter}, timestamp-query ${a.features.includes('timestamp-query')}` : 'none'}`,
    `auto backend: ${auto} (${autoInfo.reason})${autoInfo.wasmThreads ? `, wasm threads ${autoInfo.wasmThreads}` : ''}`,
    ...Object.entries(backendNotes).map(([b, n]) => `not measured: ${b}: ${n}`),
    '',
    `1. loss forward+backward, ms: median [min–max] ×repeats (valueAndGrads w.r.t. u, v, t[, b] + one scalar read back);`,
    `   Δgrad rel. = max over grads of max|g_fused − g_composed| / max|g_composed| (first run); tensors = tf.memory().numTensors before→after the point`,
    `backend  loss    N     D    op-composed                 fused                       fused/comp  Δgrad rel.  tensors   note`,
  ];
  for (const l of loss) {
    if (l.error) lines.push(`${l.backend.padEnd(8)} ${l.objective.padEnd(7)} error: ${l.error}`);
    for (const r of l.rows) {
      lines.push(
        [
          l.backend.padEnd(8),
          l.objective.padEnd(7),
          String(r.n).padStart(4),
          String(r.d).padStart(5),
          '  ' + timing(r.composed).padEnd(27),
          timing(r.fused).padEnd(27),
          (r.ratio === null ? '—' : r.ratio.toFixed(2)).padStart(10),
          (r.maxGradRelDiff === null ? '—' : r.maxGradRelDiff.toExponential(1)).padStart(11),
          `  ${r.numTensorsBefore}→${r.numTensorsAfter}`.padEnd(10),
          [r.note, r.fusedNote && l.backend === 'webgpu' ? r.fusedNote : ''].filter(Boolean).join('; '),
        ].join(' '),
      );
    }
  }
  lines.push(
    '',
    `2./3. training, batch ${BATCH}, CLIP objective, ${TRAIN_WARMUP} warm-up steps; step ms: median [min–max] ×steps; data wait = share of step time waiting for data; memory = tf.profile of one step (peak over baseline / baseline), new tensors after the step`,
    `backend  preset loss       step ms                     pairs/s  data wait  peak MB (+step / base)   new  note`,
  );
  for (const r of train) {
    const p = r.profile;
    const mem = p ? (p.error ? `error: ${p.error}` : `${mb(p.peakBytes)} (+${mb(p.transientPeakBytes)} / ${mb(p.baselineBytes)})`) : '—';
    lines.push(
      [
        `${r.backend}${r.auto ? '*' : ''}`.padEnd(8),
        r.preset.padEnd(6),
        (r.fused === null ? 'composed' : r.fused ? 'fused' : 'composed').padEnd(10),
        timing(r.step).padEnd(27),
        (r.pairsPerSec === null ? '—' : r.pairsPerSec.toFixed(0)).padStart(8),
        (r.dataWaitShare === null ? '—' : `${(100 * r.dataWaitShare).toFixed(1)} %`).padStart(10),
        ('  ' + mem).padEnd(25),
        (p && !p.error ? String(p.newTensors) : '—').padStart(4),
        ' ' + r.note,
      ].join(' '),
    );
  }
  const fusedRows = train.filter((r) => r.backend === 'webgpu');
  for (const preset of PRESETS) {
    const off = fusedRows.find((r) => r.preset === preset && r.fused === false)?.step?.medianMs;
    const on = fusedRows.find((r) => r.preset === preset && r.fused === true)?.step?.medianMs;
    if (off && on) lines.push(`webgpu ${preset}: step time fused / composed = ${(on / off).toFixed(2)}`);
  }
  lines.push('* = backend chosen automatically', `total ${(result.seconds.total / 60).toFixed(1)} min (loss ${(lossSeconds / 60).toFixed(1)} min, training and profiles ${((result.seconds.total - lossSeconds) / 60).toFixed(1)} min)`);
  console.log(`\n${lines.join('\n')}\n`);
  mkdirSync('bench-results', { recursive: true });
  const file = `bench-results/kernels-${result.date.replace(/[:.]/g, '-')}.json`;
  writeFileSync(file, JSON.stringify({ ...result, table: lines }, null, 2));
  console.log(`wrote ${file}`);
  expect(loss.flatMap((l) => l.rows).every((r) => r.numTensorsAfter === r.numTensorsBefore), 'loss benchmark leaked tensors').toBe(true);
});
