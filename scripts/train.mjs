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
// training have passed), --json FILE (write the final metrics as JSON, with every step's loss:
// lossPerStep / stepPerStep, and per evaluation a `gap` object: centroidDistance, relativeGap,
// separability, coneImage, coneText, alignment, uniformity on up to 1024 validation pairs, and
// gapAllPairs, ‖mean u − mean v‖ over the whole validation split), --screenshot FILE (a full-page PNG of the app at the end),
// --save FILE (write the run's final checkpoint, optimizer state included, as a .safetensors
// model file), --resume FILE (continue the run of a model file saved with --save or exported
// from the app's Models tab).
//
// --resume FILE: the file is imported into the (fresh, headless) browser profile, loaded at its
// checkpoint and continued with Resume, exactly where it stopped (same batches, same optimizer
// state); --json then covers every step since step 1 (the history travels in the file). The run's
// config comes from the file: --preset, --batch, --lr, --warmup, --seed, --eval-every,
// --train-pairs, --val-pairs, --objective and --lambda are ignored. --steps is the TOTAL number of
// steps and must be omitted or equal the file's total (a loaded run's config cannot be changed in
// this version). --backend, --seconds, --save, --json and --screenshot apply as usual. A Shapes
// run's data is regenerated from its spec; a run on an imported dataset cannot be continued here
// (that dataset is not in the headless profile).
//
//   npm run train -- --preset tiny --steps 600 --seconds 60 --save /tmp/run.safetensors
//   npm run train -- --resume /tmp/run.safetensors --json /tmp/run.json
import { existsSync, writeFileSync, mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { UsageError, importModelFile, openApp, parseArgs } from './headless.mjs';

const args = parseArgs(process.argv.slice(2));
const num = (k) => (args[k] === undefined ? undefined : Number(args[k]));

for (const k of ['save', 'resume', 'json', 'screenshot']) {
  if (args[k] === true) {
    console.error(`[train] --${k} needs a file name`);
    process.exit(2);
  }
}
const CONFIG_FLAGS = ['preset', 'batch', 'lr', 'warmup', 'seed', 'eval-every', 'train-pairs', 'val-pairs', 'objective', 'lambda'];
const resumeFile = args.resume ? resolve(args.resume) : null;
if (resumeFile && !existsSync(resumeFile)) {
  console.error(`[train] --resume: ${resumeFile} does not exist`);
  process.exit(2);
}
if (resumeFile) {
  const ignored = CONFIG_FLAGS.filter((k) => args[k] !== undefined);
  if (ignored.length) console.log(`[train] --resume: the run's config comes from the file; ignoring ${ignored.map((k) => `--${k}`).join(', ')}`);
}

const { page, close } = await openApp('train', { build: args.build === true });

const t0 = Date.now();
const elapsed = () => ((Date.now() - t0) / 1000).toFixed(1).padStart(6);
try {
  const backendChoice = args.backend ?? 'auto';
  if (backendChoice !== 'auto') {
    await page.evaluate((b) => window.__clipLab.getState().setBackendChoice(b), backendChoice);
    await page.evaluate((b) => window.__clipLab.send({ type: 'setBackend', backend: b }), backendChoice);
    await page.waitForFunction((b) => window.__clipLab.getState().backend?.active === b, backendChoice, { timeout: 120_000 });
  }
  let resumedFrom = null;
  if (resumeFile) {
    resumedFrom = await loadModelFile(page, resumeFile, num('steps'));
  } else {
    await configureFromArgs(page);
  }
  const info = await page.evaluate(() => {
    const s = window.__clipLab.getState();
    return { backend: s.backend, config: s.config };
  });
  console.log(`[train] backend ${info.backend.active} (${info.backend.reason}); loss ${info.backend.lossKernel}; adapter ${JSON.stringify(info.backend.adapter)}`);
  console.log(`[train] preset ${info.config.preset}, batch ${info.config.batchSize}, steps ${info.config.steps}, lr ${info.config.optim.lr}`);

  if (resumeFile) {
    // Resume continues the loaded run; Start would configure a new run from scratch.
    console.log(`[train] continuing from step ${resumedFrom} of ${info.config.steps}`);
    await page.getByRole('button', { name: 'Resume', exact: true }).click();
  } else {
    await page.getByRole('button', { name: 'Start', exact: true }).click();
  }
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
    return {
      step: st.status.step,
      // Per evaluation, `gap` is the object of gap metrics (docs/methods.md §6); the centroid distance over the whole split stays as gapAllPairs.
      evals: st.evals.map(({ gapMetrics, gap, ...e }) => ({ ...e, gapAllPairs: gap, gap: gapMetrics ?? null })),
      firstLoss: m.loss[0],
      lastLoss: st.latest?.loss,
      backend: st.backend?.active,
      numTensors: st.status.numTensors,
      objective: st.config.objective,
      meanPositiveLast50: avg(tail(m.meanPositive)),
      meanMarginLast50: avg(tail(m.meanMargin)),
      // Every step's loss (with --resume, the file's history first: steps 1…N).
      stepPerStep: m.step,
      lossPerStep: m.loss,
    };
  });
  const contiguous = final.stepPerStep.length === final.step && final.stepPerStep.every((x, i) => x === i + 1);
  if (!contiguous) {
    console.warn(
      `[train] warning: the per-step history has ${final.stepPerStep.length} entries (steps ${final.stepPerStep[0] ?? '-'}…${final.stepPerStep.at(-1) ?? '-'}), not steps 1…${final.step}` +
        ' (the UI keeps the last 20000 steps)',
    );
  }
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
    console.log(`  modality gap        ${ev.gapAllPairs.toFixed(4)}   mean positive cos ${ev.meanPositive.toFixed(4)}`);
    if (ev.gap) {
      const g = ev.gap;
      console.log(`  gap metrics         relative ${g.relativeGap.toFixed(3)}, separability ${(100 * g.separability).toFixed(1)} %, cones ${g.coneImage.toFixed(3)} / ${g.coneText.toFixed(3)}, alignment ${g.alignment.toFixed(3)}, uniformity ${g.uniformity.toFixed(3)}`);
    }
  }
  if (args.screenshot) {
    await page.waitForTimeout(500);
    await page.screenshot({ path: args.screenshot, fullPage: true });
    console.log(`[train] screenshot: ${args.screenshot}`);
  }
  let saved = null;
  if (args.save) saved = await saveModelFile(page, resolve(args.save));
  if (args.json) {
    mkdirSync(dirname(resolve(args.json)), { recursive: true });
    const { stepPerStep, lossPerStep, ...rest } = final;
    // The long arrays last, one line each, so the summary stays readable.
    writeFileSync(args.json, JSON.stringify({ ...rest, trainSeconds, resumedFrom, saved, args, stepPerStep, lossPerStep }, null, 2));
    console.log(`[train] json: ${resolve(args.json)} (${lossPerStep.length} steps of loss)`);
  }
} catch (e) {
  if (!(e instanceof UsageError)) throw e;
  console.error(`[train] ${e.message}`);
  process.exitCode = 2;
} finally {
  await close();
}

/** The sidebar settings from the command line (a new run). */
async function configureFromArgs(page) {
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
}

/**
 * --resume: imports the model file through the Models tab's file input, loads it at its
 * checkpoint (state 'paused') and returns the step it continues from.
 */
async function loadModelFile(page, file, steps) {
  const fileName = file.split('/').pop();
  console.log(`[train] importing ${file}`);
  const m = await importModelFile(page, file, '--resume');
  await page.evaluate(() => window.__clipLab.getState().setView('train'));
  console.log(`[train] imported "${m.name}": step ${m.step} of ${m.totalSteps}, ${m.paramCount} parameters, dataset ${m.datasetName}`);
  if (steps !== undefined && steps !== m.totalSteps) {
    throw new UsageError(
      `--steps ${steps} differs from the file's total of ${m.totalSteps} steps. --steps is the total number of steps of the run, and a loaded run's ` +
        `config cannot be changed in this version: omit --steps (or pass --steps ${m.totalSteps}) to continue from step ${m.step} to ${m.totalSteps}.`,
    );
  }
  if (m.finished) throw new UsageError(`--resume: the file's run already reached its last step (${m.step} of ${m.totalSteps}): nothing to continue`);
  if (!m.resumable) throw new UsageError('--resume: the file carries no optimizer state (exported weights only): it cannot be continued exactly');
  const errorsBefore = await page.evaluate(() => window.__clipLab.getState().errors.length);
  await page.evaluate((id) => window.__clipLab.send({ type: 'resumeModel', id }), m.id);
  await page.waitForFunction(
    ({ id, n }) => {
      const st = window.__clipLab.getState();
      if (st.errors.length > n) return true;
      return window.__clipLab.getModels().run?.id === id && ['paused', 'done', 'error'].includes(st.status.state);
    },
    { id: m.id, n: errorsBefore },
    { timeout: 600_000 },
  );
  const s = await page.evaluate(() => {
    const st = window.__clipLab.getState();
    return { state: st.status.state, step: st.status.step, errors: st.errors.map((e) => e.message), message: st.lastPhaseProgress?.message ?? '' };
  });
  if (s.errors.length > errorsBefore) throw new Error(`worker error while loading ${fileName}: ${s.errors.slice(errorsBefore).join('; ')}`);
  if (s.state !== 'paused') throw new UsageError(`--resume: ${fileName} loaded in state '${s.state}', not resumable: ${s.message}`);
  return s.step;
}

/**
 * --save: the run's checkpoint at its current step (Finish, Pause and Stop write one; when none
 * arrives or it failed, one is written here), exported as a .safetensors file through the page's
 * download (the same bytes as the Models tab's Export).
 */
async function saveModelFile(page, file) {
  const { id, state, step } = await page.evaluate(() => ({
    id: window.__clipLab.getModels().run?.id ?? null,
    state: window.__clipLab.getState().status.state,
    step: window.__clipLab.getState().status.step,
  }));
  if (!id) throw new Error('--save: the trainer holds no run');
  if (step === 0) throw new Error('--save: no step was trained, nothing to save');
  // Finish and Pause write a checkpoint of the final state (Pause's may still be writing while the
  // evaluation runs, outside the worker's command queue): wait for it rather than write alongside.
  const checkpointAt = (timeout) =>
    page
      .waitForFunction(
        ({ id, step }) => {
          const c = window.__clipLab.getModels().lastCheckpoint;
          return c !== null && c.runId === id && c.step === step;
        },
        { id, step },
        { timeout },
      )
      .then(
        () => page.evaluate(() => JSON.parse(JSON.stringify(window.__clipLab.getModels().lastCheckpoint))),
        () => null,
      );
  let ck = await checkpointAt(state === 'done' ? 300_000 : 30_000);
  if (!ck?.ok) {
    // None at this step (e.g. stopped by a tab error) or it failed: write one now.
    await page.evaluate(() => {
      window.__trainPrevCheckpoint = window.__clipLab.getModels().lastCheckpoint;
      window.__clipLab.send({ type: 'saveCheckpoint' });
    });
    await page.waitForFunction(
      ({ id, step }) => {
        const c = window.__clipLab.getModels().lastCheckpoint;
        return c !== null && c !== window.__trainPrevCheckpoint && c.runId === id && c.step === step;
      },
      { id, step },
      { timeout: 300_000 },
    );
    ck = await page.evaluate(() => JSON.parse(JSON.stringify(window.__clipLab.getModels().lastCheckpoint)));
    if (!ck.ok) throw new Error(`--save: writing the checkpoint failed: ${ck.error}`);
  }
  const download = page.waitForEvent('download', { timeout: 300_000 });
  await page.evaluate((id) => window.__clipLab.send({ type: 'exportModel', requestId: `cli-${id}`, id }), id);
  const d = await download;
  mkdirSync(dirname(file), { recursive: true });
  await d.saveAs(file);
  const bytes = statSync(file).size;
  console.log(`[train] saved step ${step} to ${file} (${(bytes / 2 ** 20).toFixed(2)} MB, ${bytes} bytes; exported as ${d.suggestedFilename()})`);
  return { file, bytes, step };
}
