// The trainer worker's state machine over a Run (src/train/run.ts): it answers the UI's Commands,
// drives the training loop, auto-saves checkpoints and runs evaluations. Every tensor of the app
// lives in the worker; this file holds the backend and at most one Run. States:
//   idle → preparing → ready → running ⇄ paused → done | stopped   (error from anywhere)
// A resumed run enters `paused` at its checkpoint's step. (Over 300 lines: it is the one place
// that orders commands, states and the loop; what runs inside — RunLoader, Autosave,
// ModelLibrary, diagnostics — lives in files of its own.)
import * as tf from '@tensorflow/tfjs';
import { chooseBackend } from '../backend/selectBackend';
import { openClipLabDB, type ClipLabDatabase } from '../data/db';
import type { DatasetManifest } from '../data/store/types';
import type { LabelledBatch } from '../data/store/shardReader';
import type { Run } from '../train/run';
import { cleanCheckpoints } from '../train/checkpointStore';
import type { BackendChoice, BackendName, TrainConfig } from '../config/types';
import type { BackendInfo, Command, Report, RunReport, RunState } from '../protocol/trainer';
import { evaluateModel } from './evaluate';
import { MetricsWindow } from './metricsWindow';
import { yieldToEventLoop } from './yieldToEventLoop';
import { fusedLossActive, setFusedLossEnabled } from '../kernels/fusedLoss';
import { benchmarkCheckpoint, benchmarkLoss, benchmarkReader, profileStep } from './diagnostics';
import { Autosave } from './autosave';
import { ModelLibrary } from './modelLibrary';
import { RunLoader } from './runLoader';
import { runWeights } from '../train/runWeights';
import { DEFAULT_GAP_EVERY } from '../config/defaults';
import { datasetView, readSplit } from '../data/store/datasetView';
import { collectGapProbe, recordGapSnapshot } from '../lab/gapProbe';
import { encodeImagesChunked, encodeTextsChunked } from '../model/inferenceModel';
import type { GapProbeSet } from '../protocol/gap';
import { alignTextTowerOnto } from '../train/alignTowers';

export type Post = (r: Report) => void;

export class TrainerSession {
  private state: RunState = 'idle';
  private backend: BackendInfo | null = null;
  private requestedBackend: BackendChoice = 'auto';
  private db: ClipLabDatabase | null = null;
  private manifest: DatasetManifest | null = null;
  private run: Run | null = null;
  private lastBatch: LabelledBatch | null = null;
  /** The gap lab's probe pairs of the run (read once), whether the UI has them, and the last recorded step. */
  private gapProbe: GapProbeSet | null = null;
  private gapProbeSent = false;
  private gapStep = -1;
  private towersAligned = false;
  private window = new MetricsWindow();
  private loopRunning = false;
  /** Bumped by configure/stop so that an in-flight preparation or loop notices it is stale. */
  private generation = 0;
  private readonly watchedDevices = new WeakSet<GPUDevice>();
  private readonly autosave: Autosave;
  private readonly library: ModelLibrary;
  private readonly loader: RunLoader;

  constructor(private readonly post: Post) {
    this.autosave = new Autosave(() => this.openDb(), post);
    this.library = new ModelLibrary(() => this.openDb(), post, () => this.run?.id ?? null);
    this.loader = new RunLoader(() => this.openDb(), post);
  }

  private async openDb(): Promise<ClipLabDatabase> {
    if (!this.db) {
      this.db = await openClipLabDB();
      await cleanCheckpoints(this.db); // what a tab closed mid-write left behind
    }
    return this.db;
  }

  async handle(cmd: Command): Promise<void> {
    try {
      switch (cmd.type) {
        case 'init':
        case 'setBackend':
          return await this.selectBackend(cmd.backend);
        case 'configure':
          return await this.configure(cmd.config);
        case 'start':
        case 'resume':
          if (this.state === 'ready' || this.state === 'paused') {
            this.setState('running');
            void this.loop();
          }
          return;
        case 'pause':
          if (this.state === 'running') {
            this.setState('paused');
            await this.waitForLoop();
            await this.save('pause');
          }
          return;
        case 'step':
          if ((this.state === 'ready' || this.state === 'paused') && !this.loopRunning && this.run) {
            this.setState('paused');
            await this.alignTowersIfAsked();
            await this.recordGapIfDue();
            await this.trainOneStep();
            await this.flushMetrics();
            await this.recordGapIfDue();
            if (this.run.finished) await this.finish();
            this.postStatus();
          }
          return;
        case 'stop':
          if (this.state === 'running' || this.state === 'paused' || this.state === 'ready' || this.state === 'preparing') {
            const hadSteps = (this.run?.step ?? 0) > 0;
            this.generation++;
            this.setState('stopped');
            await this.waitForLoop();
            await this.flushMetrics();
            if (hadSteps) await this.save('stop');
            this.postStatus();
          }
          return;
        case 'evaluate':
          if (this.run && !this.loopRunning) await this.evaluate();
          return;
        case 'status':
          return this.postStatus();
        case 'snapshotWeights':
          // Between two steps (commands run when the loop yields); no random stream is read.
          return this.post({ type: 'weights', requestId: cmd.requestId, weights: await runWeights(this.requireRun()) });
        case 'saveCheckpoint':
          await this.waitForLoopIfPaused();
          return await this.save('manual');
        case 'resumeModel':
          return await this.resumeModel(cmd.id);
        case 'listModels':
        case 'renameModel':
        case 'deleteModel':
        case 'exportModel':
        case 'exportOpenClip':
        case 'importModel':
          if (cmd.type === 'deleteModel' && cmd.id === this.run?.id && this.isActive()) throw new Error('Stop the run before deleting it');
          return await this.library.handle(cmd);
        case 'benchmarkReader':
          if (this.loopRunning) throw new Error('Pause or stop training before benchmarking the data pipeline');
          return await benchmarkReader(cmd.requestId, this.requireRun(), cmd.batches, this.post);
        case 'benchmarkLoss':
          await this.waitForLoopIfPaused();
          if (tf.getBackend() !== cmd.backend) await this.selectBackend(cmd.backend);
          return await benchmarkLoss(cmd, this.post);
        case 'profileStep':
          await this.waitForLoopIfPaused();
          return await profileStep(cmd.requestId, this.run, this.backend?.active ?? (tf.getBackend() as BackendName), this.post);
        case 'benchmarkCheckpoint':
          await this.waitForLoopIfPaused();
          return await benchmarkCheckpoint(await this.openDb(), this.requireRun(), cmd.requestId, cmd.repeats, this.post);
        case 'setFusedLoss':
          setFusedLossEnabled(cmd.enabled);
          this.post({ type: 'fusedLoss', requestId: cmd.requestId, enabled: cmd.enabled, active: fusedLossActive() });
          if (this.backend) {
            // The status line's "loss" item follows the switch.
            this.backend = { ...this.backend, lossKernel: fusedLossActive() ? 'fused' : 'op-composed' };
            this.post({ type: 'backend', info: this.backend });
          }
          return;
      }
    } catch (e) {
      this.fail(cmd.type, e, 'requestId' in cmd ? cmd.requestId : undefined);
    }
  }

  private requireRun(): Run {
    if (!this.run) throw new Error('Configure a run first');
    return this.run;
  }

  private isActive(): boolean {
    return this.state === 'running' || this.state === 'paused' || this.state === 'preparing' || this.loopRunning;
  }

  /** Measuring commands need the step in flight finished; they refuse while training runs. */
  private async waitForLoopIfPaused(): Promise<void> {
    if (this.loopRunning && this.state === 'running') throw new Error('Pause or stop training first');
    await this.waitForLoop();
  }

  private fail(context: string, e: unknown, requestId?: string): void {
    const message = e instanceof Error ? e.message : String(e);
    // Library commands (rename, export, import…) fail on their own: the run goes on.
    const runContext = ['init', 'setBackend', 'configure', 'start', 'resume', 'step', 'training', 'resumeModel'].includes(context);
    if (runContext) this.state = 'error';
    this.post({ type: 'error', message, context, ...(requestId ? { requestId } : {}) });
    this.postStatus();
  }

  private setState(s: RunState): void {
    this.state = s;
    this.postStatus();
  }

  private postStatus(): void {
    const mem = tf.memory();
    const run = this.run;
    this.post({
      type: 'status',
      state: this.state,
      step: run?.step ?? 0,
      totalSteps: run?.config.steps ?? 0,
      numTensors: mem.numTensors,
      numBytes: mem.numBytes,
      stepMs: this.window.lastStepMs,
      dataWaitShare: this.window.lastDataWaitShare,
      datasetId: run?.data.identity.id ?? null,
      paramCount: run?.model.paramCount ?? 0,
      vocabSize: run?.tokenizer.vocabSize ?? 0,
    });
  }

  private async selectBackend(choice: BackendChoice): Promise<void> {
    if (this.loopRunning && this.state === 'running') throw new Error('Pause or stop training before switching backend');
    await this.waitForLoop(); // paused or stopped: the step in flight finishes first
    await this.autosave.idle();
    this.requestedBackend = choice;
    this.disposeRun();
    this.post({ type: 'progress', phase: 'backend', done: 0, total: 1, message: 'Choosing a backend…' });
    this.backend = await chooseBackend(choice);
    if (this.backend.active === 'webgpu') this.watchGpuErrors();
    this.post({ type: 'progress', phase: 'backend', done: 1, total: 1, message: `Backend: ${this.backend.active}` });
    this.post({ type: 'backend', info: this.backend });
    if (this.state !== 'idle') this.setState('idle');
    else this.postStatus();
  }

  /** WebGPU validation errors (e.g. a shader that fails to compile) never throw: surface them. */
  private watchGpuErrors(): void {
    const device = (tf.backend() as unknown as { device?: GPUDevice }).device;
    if (!device || this.watchedDevices.has(device)) return;
    this.watchedDevices.add(device);
    device.addEventListener('uncapturederror', (e) => {
      const err = (e as GPUUncapturedErrorEvent).error;
      this.post({ type: 'error', message: `WebGPU error: ${err?.message ?? String(err)}`, context: 'webgpu' });
    });
  }

  private disposeRun(): void {
    this.run?.dispose();
    this.run = null;
    this.manifest = null;
    this.lastBatch = null;
    this.gapProbe = null;
    this.gapProbeSent = false;
    this.gapStep = -1;
    this.towersAligned = false;
  }

  private runHooks() {
    return {
      onProgress: (p: { done: number; total: number; message: string }) => this.post({ type: 'progress', phase: 'episode', ...p }),
      yieldFn: yieldToEventLoop,
    };
  }

  private async configure(config: TrainConfig): Promise<void> {
    const gen = await this.prepare();
    const made = await this.loader.newRun(config, () => gen !== this.generation, this.runHooks());
    if (!made) return;
    this.adopt(made.run, made.manifest);
    let estimate: RunReport['estimate'];
    if (config.init) {
      // A fine-tuning run (a large model, perhaps on a slow backend): one timed forward + backward first.
      this.post({ type: 'progress', phase: 'model', done: 0, total: 1, message: 'Timing one step…' });
      const backend = this.backend?.active ?? tf.getBackend();
      const msPerStep = await made.run.timeOneStep();
      estimate = { msPerStep, backend, totalMs: msPerStep * made.run.config.steps };
    }
    this.post({ type: 'run', id: made.run.id, name: made.run.name, step: 0, totalSteps: made.run.config.steps, resumedFrom: null, config: made.run.config, ...(estimate ? { estimate } : {}) });
    this.post({
      type: 'progress',
      phase: 'model',
      done: 1,
      total: 1,
      message: estimate ? `Ready: one step takes about ${(estimate.msPerStep / 1000).toFixed(1)} s on ${estimate.backend}` : 'Ready',
    });
    this.setState('ready');
  }

  /** Loads a stored run at its checkpoint, paused; the UI gets its config and whole metric history. */
  private async resumeModel(id: string): Promise<void> {
    const gen = await this.prepare();
    const { run, resumable, manifest } = await this.loader.storedRun(id, this.runHooks());
    if (gen !== this.generation) return run.dispose();
    this.adopt(run, manifest);
    this.post({ type: 'run', id: run.id, name: run.name, step: run.step, totalSteps: run.config.steps, resumedFrom: run.step, config: run.config });
    const history = run.history.toReport(run.config.batchSize);
    if (history) this.post(history);
    for (const e of run.history.evals) this.post({ ...e, type: 'eval', similarity: new Float32Array(0), similarityN: 0, similarityCaptions: [] });
    this.post({
      type: 'progress',
      phase: 'model',
      done: 1,
      total: 1,
      message: run.data.detached
        ? `Loaded at step ${run.step} for inference only: ${run.data.identity.name} is not in storage (import it to train or evaluate)`
        : `${resumable ? 'Resumed' : 'Loaded'} at step ${run.step}`,
    });
    if (!run.data.detached) await this.recordGap(); // the lab shows the loaded model at its step
    this.setState(resumable ? 'paused' : 'done');
  }

  /** Before a new or loaded run: the old one stops and goes; returns the new generation. */
  private async prepare(): Promise<number> {
    const gen = ++this.generation;
    await this.waitForLoop();
    if (!this.backend) await this.selectBackend(this.requestedBackend);
    this.setState('preparing');
    await this.autosave.idle(); // a Pause or Stop checkpoint still reading the old run's tensors
    this.disposeRun();
    this.window = new MetricsWindow();
    return gen;
  }

  private adopt(run: Run, manifest: DatasetManifest | null): void {
    this.run = run;
    this.manifest = manifest;
    this.autosave.reset(run);
  }

  private async trainOneStep(): Promise<void> {
    const run = this.requireRun();
    // Before a long preparation (a ProtoCLIP episode: feature pass + clustering), report the pending
    // metrics first, which also frees their tensors (so numTensors at each episode start is comparable).
    if (run.source.preparesNext) await this.flushMetrics();
    const s = await run.trainStep();
    const r = s.result;
    const scale = tf.tidy(() => tf.exp(run.model.logitScale) as tf.Scalar);
    this.lastBatch = s.batch;
    this.window.push({
      step: s.step,
      lr: s.lr,
      loss: r.loss,
      scale,
      gradNorm: r.gradNorm,
      meanPositive: r.meanPositive,
      meanMargin: r.meanMargin,
      components: { ...r.components, ...r.extras },
      dataMs: s.dataMs,
      stepMs: s.stepMs,
    });
  }

  private async flushMetrics(): Promise<void> {
    const r = await this.window.flush(this.run?.config.batchSize ?? 0);
    if (!r) return;
    this.run?.history.appendMetrics(r);
    this.post(r);
  }

  private async loop(): Promise<void> {
    if (this.loopRunning) return;
    this.loopRunning = true;
    const gen = this.generation;
    const run = this.requireRun();
    const config = run.config;
    try {
      await this.alignTowersIfAsked();
      await this.recordGapIfDue(); // step 0: the untrained model, before any update
      while (this.state === 'running' && gen === this.generation && !run.finished) {
        await this.trainOneStep();
        const reportDue = run.step % config.reportEvery === 0;
        if (reportDue) {
          await this.flushMetrics();
          this.postStatus();
        }
        if (config.evalEvery > 0 && run.step % config.evalEvery === 0 && !run.finished) await this.evaluate();
        if (!run.finished) await this.recordGapIfDue();
        if (this.autosave.due(run)) {
          await this.flushMetrics();
          await this.save('auto');
        }
        await yieldToEventLoop(); // let pause / stop / status messages in
      }
      await this.flushMetrics();
      if (gen === this.generation && run.finished) await this.finish();
      else this.postStatus();
    } catch (e) {
      this.fail('training', e);
    } finally {
      this.loopRunning = false;
    }
  }

  private async finish(): Promise<void> {
    await this.evaluate();
    await this.recordGap();
    await this.save('finish');
    this.setState('done');
  }

  /** Writes a checkpoint of the run (a failure is reported, the previous checkpoint stays). */
  private async save(reason: string): Promise<void> {
    const run = this.run;
    if (!run || run.step === 0) return;
    await this.flushMetrics();
    await this.autosave.save(run, reason);
  }

  private async waitForLoop(): Promise<void> {
    while (this.loopRunning) await new Promise((r) => setTimeout(r, 5));
  }

  /** alignTowersAtInit: before step 1, the text tower is rotated onto the image tower on the first training pairs. */
  private async alignTowersIfAsked(): Promise<void> {
    const { run, manifest, db } = this;
    if (!run || !manifest || !db || run.step !== 0 || !run.config.alignTowersAtInit || this.towersAligned) return;
    const view = await datasetView(db, manifest, run.config.model.image.imageSize);
    const pairs = await collectGapProbe(readSplit(view, 'train'), view.manifest);
    const encoder = this.encoderOf(run);
    const u = await encoder.encodeImages(pairs.thumbnails, pairs.n, pairs.imageSize);
    const v = await encoder.encodeTexts(pairs.captions);
    alignTextTowerOnto(run.model, u, v, pairs.n);
    this.towersAligned = true;
    this.post({ type: 'progress', phase: 'model', done: 1, total: 1, message: `Text tower rotated onto the image tower (Procrustes on ${pairs.n} training pairs)` });
  }

  private encoderOf(run: Run) {
    const model = run.model;
    return {
      embedDim: model.config.embedDim,
      encodeImages: (rgb: Uint8Array, n: number, size: number) => encodeImagesChunked(model, rgb, n, size),
      encodeTexts: (texts: readonly string[]) => encodeTextsChunked(model, run.tokenizer, texts),
    };
  }

  /** Step 0, every gapEvery steps: the probe set is embedded and measured (a no-op when recorded at this step already). */
  private async recordGapIfDue(): Promise<void> {
    const run = this.run;
    if (!run) return;
    const every = run.config.gapEvery ?? DEFAULT_GAP_EVERY;
    if (run.step === 0 || (every > 0 && run.step % every === 0)) await this.recordGap();
  }

  /** Embeds the run's probe pairs with the model as it is now (between two steps; no random stream is read). */
  private async recordGap(): Promise<void> {
    const { run, manifest, db } = this;
    if (!run || !manifest || !db || run.step === this.gapStep || manifest.splits.val.pairs < 4) return;
    if (!this.gapProbe) {
      const view = await datasetView(db, manifest, run.config.model.image.imageSize);
      this.gapProbe = await collectGapProbe(readSplit(view, 'val'), view.manifest);
    }
    const logitScale = Math.exp((await run.model.logitScale.data())[0]!);
    const snapshot = await recordGapSnapshot(this.encoderOf(run), this.gapProbe, run.step, logitScale);
    this.gapStep = run.step;
    this.post({ type: 'gapProbe', runId: run.id, probe: this.gapProbeSent ? undefined : this.gapProbe, snapshot });
    this.gapProbeSent = true;
  }

  private async evaluate(): Promise<void> {
    const { run, manifest, db } = this;
    if (!run || !manifest || !db) return;
    this.post({ type: 'progress', phase: 'eval', done: 0, total: 1, message: 'Evaluating…' });
    const report = await evaluateModel({ db, model: run.model, manifest, tokenizer: run.tokenizer, config: run.config, step: run.step, batch: this.lastBatch });
    run.history.appendEval(report);
    this.post(report);
    this.post({ type: 'progress', phase: 'eval', done: 1, total: 1, message: 'Evaluated' });
  }
}
