#!/usr/bin/env node
// Headless training: serves the production build, opens it in headless Chromium,
// runs the same worker code the app runs, prints progress and final metrics.
//
//   npm run train -- --preset tiny --steps 2000 --batch 64 --backend auto --seconds 300
//
// Options (all optional): --preset tiny|small, --steps N, --batch N, --lr X,
// --warmup N, --backend auto|wasm|webgpu|webgl|cpu, --seed N, --eval-every N,
// --train-pairs N, --val-pairs N, --objective clip|pospair|siglip|cyclip|protoclip (--lambda X for
// pospair), --seconds S (pause and evaluate once S seconds of
// training have passed), --json FILE (write the final metrics as JSON),
// --screenshot FILE (a full-page PNG of the app at the end).
import { existsSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execSync } from 'node:child_process';
import { chromium } from '@playwright/test';
import { preview } from 'vite';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './chromium.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

function parseArgs(argv) {
  const out = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) throw new Error(`Unexpected argument ${a}`);
    const key = a.slice(2);
    const next = argv[i + 1];
    if (next === undefined || next.startsWith('--')) out[key] = true;
    else {
      out[key] = next;
      i++;
    }
  }
  return out;
}

const args = parseArgs(process.argv.slice(2));
const num = (k) => (args[k] === undefined ? undefined : Number(args[k]));

if (!existsSync(join(root, 'dist', 'index.html')) || args.build) {
  console.log('[train] building the app (vite build)…');
  execSync('npx vite build --logLevel warn', { cwd: root, stdio: 'inherit' });
}

const server = await preview({ root, preview: { port: 4180, strictPort: false, host: '127.0.0.1' }, logLevel: 'warn' });
const url = server.resolvedUrls.local[0];
const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
const page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
page.on('console', (m) => m.type() === 'error' && console.error(`[browser] ${m.text()}`));
page.on('pageerror', (e) => console.error(`[browser] ${e.message}`));

const t0 = Date.now();
const elapsed = () => ((Date.now() - t0) / 1000).toFixed(1).padStart(6);
try {
  await page.goto(url);
  await page.waitForFunction(() => window.__clipLab?.getState().backend !== null, null, { timeout: 120_000 });
  const backendChoice = args.backend ?? 'auto';
  if (backendChoice !== 'auto') {
    await page.evaluate((b) => window.__clipLab.getState().setBackendChoice(b), backendChoice);
    await page.evaluate((b) => window.__clipLab.send({ type: 'setBackend', backend: b }), backendChoice);
    await page.waitForFunction((b) => window.__clipLab.getState().backend?.active === b, backendChoice, { timeout: 120_000 });
  }
  const overrides = {
    preset: args.preset,
    steps: num('steps'),
    batch: num('batch'),
    lr: num('lr'),
    warmup: num('warmup'),
    seed: num('seed'),
    evalEvery: num('eval-every'),
    trainPairs: num('train-pairs'),
    valPairs: num('val-pairs'),
    objective: args.objective,
    lambda: num('lambda'),
  };
  await page.evaluate((o) => {
    const s = window.__clipLab.getState();
    if (o.preset) s.setPreset(o.preset);
    window.__clipLab.getState().setConfig((c) => ({
      ...c,
      steps: o.steps ?? c.steps,
      batchSize: o.batch ?? c.batchSize,
      seed: o.seed ?? c.seed,
      evalEvery: o.evalEvery ?? c.evalEvery,
      optim: { ...c.optim, lr: o.lr ?? c.optim.lr, warmupSteps: o.warmup ?? c.optim.warmupSteps },
      dataset: c.dataset.kind === 'shapes' ? { ...c.dataset, trainPairs: o.trainPairs ?? c.dataset.trainPairs, valPairs: o.valPairs ?? c.dataset.valPairs } : c.dataset,
    }));
    if (o.objective) {
      const st = window.__clipLab.getState();
      st.setObjectiveKind(o.objective);
      if (o.objective === 'pospair' && o.lambda !== undefined) window.__clipLab.getState().setObjective({ kind: 'pospair', lambda: o.lambda });
    }
  }, overrides);
  const info = await page.evaluate(() => {
    const s = window.__clipLab.getState();
    return { backend: s.backend, config: s.config };
  });
  console.log(`[train] backend ${info.backend.active} (${info.backend.reason}); loss ${info.backend.lossKernel}; adapter ${JSON.stringify(info.backend.adapter)}`);
  console.log(`[train] preset ${info.config.preset}, batch ${info.config.batchSize}, steps ${info.config.steps}, lr ${info.config.optim.lr}`);

  await page.getByRole('button', { name: 'Start', exact: true }).click();
  const seconds = num('seconds') ?? Infinity;
  let trainStart = null;
  let lastLine = '';
  for (;;) {
    await page.waitForTimeout(2000);
    const s = await page.evaluate(() => {
      const st = window.__clipLab.getState();
      return { state: st.status.state, step: st.status.step, total: st.status.totalSteps, latest: st.latest, ev: st.evals.at(-1) ?? null, phase: st.lastPhaseProgress, errors: st.errors.map((e) => e.message), tensors: st.status.numTensors, wait: st.status.dataWaitShare };
    });
    if (s.errors.length) throw new Error(`worker error: ${s.errors.join('; ')}`);
    if (s.state === 'running' && trainStart === null) trainStart = Date.now();
    const ev = s.ev ? ` | eval@${s.ev.step}: zero-shot seen ${(100 * s.ev.zeroShotSeen).toFixed(1)}% held-out ${(100 * s.ev.zeroShotHeldOut).toFixed(1)}% gap ${s.ev.gap.toFixed(3)}` : '';
    const line =
      s.state === 'preparing'
        ? `${elapsed()}s preparing: ${s.phase?.message ?? ''} ${s.phase ? `${s.phase.done}/${s.phase.total}` : ''}`
        : `${elapsed()}s ${s.state} step ${s.step}/${s.total} loss ${s.latest?.loss?.toFixed(4) ?? '-'} scale ${s.latest?.logitScale?.toFixed(2) ?? '-'} ${s.latest ? `${s.latest.pairsPerSec.toFixed(0)} pairs/s ${s.latest.stepMs.toFixed(0)} ms/step` : ''} wait ${(100 * s.wait).toFixed(1)}% tensors ${s.tensors}${ev}`;
    if (line !== lastLine) console.log(line);
    lastLine = line;
    if (s.state === 'done' || s.state === 'stopped' || s.state === 'error') break;
    if (trainStart !== null && (Date.now() - trainStart) / 1000 >= seconds && s.state === 'running') {
      console.log(`[train] ${seconds}s of training reached: pausing and evaluating`);
      await page.getByRole('button', { name: 'Pause', exact: true }).click();
      await page.waitForFunction(() => window.__clipLab.getState().status.state === 'paused');
      const before = await page.evaluate(() => window.__clipLab.getState().evals.length);
      await page.evaluate(() => window.__clipLab.send({ type: 'evaluate' }));
      await page.waitForFunction((n) => window.__clipLab.getState().evals.length > n, before, { timeout: 300_000 });
      break;
    }
  }
  const final = await page.evaluate(() => {
    const st = window.__clipLab.getState();
    const m = st.metrics.toArrays();
    const tail = (xs) => Array.from(xs).slice(-50).filter(Number.isFinite);
    const avg = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
    return { step: st.status.step, evals: st.evals, firstLoss: m.loss[0], lastLoss: st.latest?.loss, backend: st.backend?.active, numTensors: st.status.numTensors, objective: st.config.objective, meanPositiveLast50: avg(tail(m.meanPositive)), meanMarginLast50: avg(tail(m.meanMargin)) };
  });
  const ev = final.evals.at(-1);
  const trainSeconds = trainStart ? (Date.now() - trainStart) / 1000 : 0;
  console.log('\n[train] final');
  console.log(`  backend             ${final.backend}`);
  console.log(`  steps               ${final.step} in ${trainSeconds.toFixed(0)} s of training`);
  console.log(`  objective           ${JSON.stringify(final.objective)}`);
  console.log(`  loss                ${final.firstLoss?.toFixed(4)} → ${final.lastLoss?.toFixed(4)}`);
  console.log(`  batch S_ii, margin  ${final.meanPositiveLast50?.toFixed(4)}, ${final.meanMarginLast50?.toFixed(4)} (mean of the last 50 steps)`);
  if (ev) {
    console.log(`  zero-shot seen      ${(100 * ev.zeroShotSeen).toFixed(2)} % (${ev.numClasses} classes, chance ${(100 / ev.numClasses).toFixed(2)} %)`);
    console.log(`  zero-shot held-out  ${(100 * ev.zeroShotHeldOut).toFixed(2)} %`);
    console.log(`  zero-shot all       ${(100 * ev.zeroShotAll).toFixed(2)} %`);
    console.log(`  modality gap        ${ev.gap.toFixed(4)}   mean positive cos ${ev.meanPositive.toFixed(4)}`);
  }
  if (args.screenshot) {
    await page.waitForTimeout(500);
    await page.screenshot({ path: args.screenshot, fullPage: true });
    console.log(`[train] screenshot: ${args.screenshot}`);
  }
  if (args.json) {
    mkdirSync(dirname(args.json), { recursive: true });
    writeFileSync(args.json, JSON.stringify({ ...final, trainSeconds, args }, null, 2));
  }
} finally {
  await browser.close();
  await server.close();
}
