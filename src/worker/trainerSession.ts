// The trainer worker's state: backend, dataset, tokenizer, model, optimiser and the
// training loop. Owns every tensor in the app. Talks to the UI only through
// `post(report)` with the types of src/protocol/messages.ts.
import * as tf from '@tensorflow/tfjs';
import { chooseBackend } from '../backend/selectBackend';
import { openClipLabDB, type ClipLabDatabase } from '../data/db';
import { ensureShapesDataset } from '../data/builtin/shapesDataset';
import { ShardReader, readSplit, type LabelledBatch } from '../data/store/shardReader';
import { cleanIncomplete, getDataset, readShard } from '../data/store/shardStore';
import { shardCounts, type DatasetManifest } from '../data/store/types';
import { ClipModel, batchToTensors, disposeBatchTensors } from '../model/clipModel';
import { BpeTokenizer } from '../tokenizer/bpe';
import { createObjective, DEFAULT_OBJECTIVE } from '../objectives/createObjective';
import { Trainer, type StepResult } from '../train/trainStep';
import { lrAt } from '../train/schedule';
import type { BackendChoice, BackendInfo, BackendName, Command, Report, RunState, TrainConfig } from '../protocol/messages';
import { evaluateModel } from './evaluate';
import { MetricsWindow } from './metricsWindow';
import { ProtoclipObjective } from '../objectives/protoclip/protoclipObjective';
import { ProtoclipEpisodes, readEpisodeFromShards, type EpisodePairSource } from './protoclipEpisodes';
import { yieldToEventLoop } from './yieldToEventLoop';
import { runLossBenchmark } from './lossBenchmark';
import { profileTrainingStep } from './stepProfile';
import { fusedLossActive, setFusedLossEnabled } from '../kernels/fusedLoss';

export type Post = (r: Report) => void;

export class TrainerSession {
  private state: RunState = 'idle';
  private backend: BackendInfo | null = null;
  private requestedBackend: BackendChoice = 'auto';
  private db: ClipLabDatabase | null = null;
  private config: TrainConfig | null = null;
  private manifest: DatasetManifest | null = null;
  private tokenizer: BpeTokenizer | null = null;
  private model: ClipModel | null = null;
  private trainer: Trainer | null = null;
  private reader: ShardReader | null = null;
  /** ProtoCLIP runs: the episodic batch source that replaces `reader` for training. */
  private episodes: ProtoclipEpisodes | null = null;
  private step = 0;
  private lastBatch: LabelledBatch | null = null;
  private window = new MetricsWindow();
  private loopRunning = false;
  /** Bumped by configure/stop so that an in-flight preparation or loop notices it is stale. */
  private generation = 0;
  private readonly watchedDevices = new WeakSet<GPUDevice>();

  constructor(private readonly post: Post) {}

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
          if (this.state === 'running') this.setState('paused');
          return;
        case 'step':
          if ((this.state === 'ready' || this.state === 'paused') && !this.loopRunning) {
            this.setState('paused');
            await this.trainOneStep();
            await this.flushMetrics();
            if (this.step >= this.config!.steps) await this.finish();
            this.postStatus();
          }
          return;
        case 'stop':
          if (this.state === 'running' || this.state === 'paused' || this.state === 'ready' || this.state === 'preparing') {
            this.generation++;
            this.setState('stopped');
            await this.waitForLoop();
            await this.flushMetrics();
            this.postStatus();
          }
          return;
        case 'evaluate':
          if (this.model && !this.loopRunning) await this.evaluate();
          return;
        case 'status':
          return this.postStatus();
        case 'benchmarkReader':
          if (this.loopRunning) throw new Error('Pause or stop training before benchmarking the data pipeline');
          return await this.benchmarkReader(cmd.batches);
        case 'benchmarkLoss':
          if (this.loopRunning && this.state === 'running') throw new Error('Pause or stop training before benchmarking the loss');
          await this.waitForLoop(); // paused or stopped: the step in flight finishes first
          return await this.benchmarkLoss(cmd);
        case 'profileStep':
          if (this.loopRunning && this.state === 'running') throw new Error('Pause or stop training before profiling a step');
          await this.waitForLoop();
          return await this.profileStep(cmd.id);
        case 'setFusedLoss':
          setFusedLossEnabled(cmd.enabled);
          this.post({ type: 'fusedLoss', enabled: cmd.enabled, active: fusedLossActive() });
          if (this.backend) {
            // The status line's "loss" item follows the switch.
            this.backend = { ...this.backend, lossKernel: fusedLossActive() ? 'fused' : 'op-composed' };
            this.post({ type: 'backend', info: this.backend });
          }
          return;
      }
    } catch (e) {
      this.fail(cmd.type, e);
    }
  }

  private fail(context: string, e: unknown): void {
    const message = e instanceof Error ? e.message : String(e);
    this.state = 'error';
    this.post({ type: 'error', message, context });
    this.postStatus();
  }

  private setState(s: RunState): void {
    this.state = s;
    this.postStatus();
  }

  private postStatus(): void {
    const mem = tf.memory();
    this.post({
      type: 'status',
      state: this.state,
      step: this.step,
      totalSteps: this.config?.steps ?? 0,
      numTensors: mem.numTensors,
      numBytes: mem.numBytes,
      stepMs: this.window.lastStepMs,
      dataWaitShare: this.window.lastDataWaitShare,
      datasetId: this.manifest?.id ?? null,
      paramCount: this.model?.paramCount ?? 0,
      vocabSize: this.tokenizer?.vocabSize ?? 0,
    });
  }

  private async selectBackend(choice: BackendChoice): Promise<void> {
    if (this.loopRunning && this.state === 'running') throw new Error('Pause or stop training before switching backend');
    await this.waitForLoop(); // paused or stopped: the step in flight finishes first
    this.requestedBackend = choice;
    this.disposeModel();
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

  private disposeModel(): void {
    this.episodes?.dispose();
    this.episodes = null;
    this.trainer?.objective.dispose?.();
    this.trainer?.dispose();
    this.model?.dispose();
    this.trainer = null;
    this.model = null;
    this.reader = null;
    this.lastBatch = null;
  }

  private async configure(config: TrainConfig): Promise<void> {
    const gen = ++this.generation;
    await this.waitForLoop();
    if (!this.backend) await this.selectBackend(this.requestedBackend);
    this.setState('preparing');
    this.disposeModel();
    this.config = config;
    this.step = 0;
    this.window = new MetricsWindow();

    this.db ??= await openClipLabDB();
    await cleanIncomplete(this.db); // only datasets whose writer is gone (Web Locks), never a running import
    const { manifest, fromCache } = await this.loadDataset(config, gen);
    if (gen !== this.generation) return;
    if (manifest.splits.train.pairs < config.batchSize) {
      throw new Error(
        `${manifest.name} has ${manifest.splits.train.pairs} training pairs, fewer than the batch size ${config.batchSize}: lower the batch size or use more data`,
      );
    }
    this.manifest = manifest;
    if (!manifest.tokenizer) throw new Error(`${manifest.name} has no tokenizer stored; re-import it`);
    this.tokenizer = BpeTokenizer.fromJSON(manifest.tokenizer as ReturnType<BpeTokenizer['toJSON']>);
    const model = { ...config.model, text: { ...config.model.text, vocabSize: this.tokenizer.vocabSize } };
    model.image = { ...model.image, imageSize: manifest.imageSize };
    this.config = { ...config, model };

    this.post({
      type: 'dataset',
      id: manifest.id,
      name: manifest.name,
      trainPairs: manifest.splits.train.pairs,
      valPairs: manifest.splits.val.pairs,
      vocabSize: this.tokenizer.vocabSize,
      classes: manifest.classes,
      sampleCaptions: (await readShard(this.db, manifest.id, 'train', 0)).captions.slice(0, 6).map((c) => c[0]),
      fromCache,
    });
    this.post({ type: 'progress', phase: 'model', done: 0, total: 1, message: 'Building the model…' });
    this.model = new ClipModel(model, config.seed);
    // The objective first: it may register its own parameters (SigLIP's bias) and re-initialise t,
    // and the Trainer's optimizer covers exactly the parameters registered when it is created.
    // Saved configs from before objectives existed have none: plain CLIP.
    const objectiveConfig = config.objective ?? DEFAULT_OBJECTIVE;
    const objective = createObjective(objectiveConfig, this.model);
    this.config = { ...this.config, objective: objectiveConfig };
    this.trainer = new Trainer(this.model, config.optim, objective);
    this.reader = this.makeReader();
    if (objective instanceof ProtoclipObjective && objectiveConfig.kind === 'protoclip') {
      this.episodes = new ProtoclipEpisodes({
        model: this.model,
        objective,
        config: objectiveConfig,
        source: this.episodeSource(),
        tokenizer: this.tokenizer,
        contextLength: model.text.contextLength,
        batchSize: config.batchSize,
        seed: config.seed,
        onProgress: (p) => this.post({ type: 'progress', phase: 'episode', done: p.done, total: p.total, message: p.message }),
        yieldFn: yieldToEventLoop,
      });
    }
    this.post({ type: 'progress', phase: 'model', done: 1, total: 1, message: 'Ready' });
    this.setState('ready');
  }

  /** A training-split reader for the configured run (a fresh one replays the same order). */
  private makeReader(): ShardReader {
    const { db, manifest, config, tokenizer } = this;
    if (!db || !manifest || !config || !tokenizer) throw new Error('Configure a run first');
    return new ShardReader(db, manifest, {
      split: 'train',
      batchSize: config.batchSize,
      seed: config.seed,
      shuffleBuffer: Math.min(Math.max(2 * config.batchSize, 512), manifest.splits.train.pairs),
      contextLength: config.model.text.contextLength,
      tokenizer,
      // Real images get a mild random crop; the Shapes world is generated fresh per pair and
      // its captions name sizes and positions a crop could change.
      augment: manifest.source === 'shapes' ? undefined : { randomResizedCrop: [0.9, 1] },
    });
  }

  /** The stored training split as ProtoCLIP's episode source (pairs read shard by shard). */
  private episodeSource(): EpisodePairSource {
    const { db, manifest } = this;
    if (!db || !manifest) throw new Error('Configure a run first');
    const sizes = shardCounts(manifest.splits.train, manifest.shardSize);
    return {
      numPairs: manifest.splits.train.pairs,
      imageSize: manifest.imageSize,
      read: (indices, seed) =>
        readEpisodeFromShards(indices, seed, sizes, manifest.imageSize, (s) => readShard(db, manifest.id, 'train', s)),
      allCaptions: async () => {
        const out: string[] = [];
        for await (const shard of readSplit(db, manifest, 'train')) for (const cs of shard.captions) out.push(...cs);
        return out;
      },
    };
  }

  /** Times the data pipeline alone (IndexedDB reads, decode-free batching, augmentation, tokenising). */
  private async benchmarkReader(batches: number): Promise<void> {
    const reader = this.makeReader();
    await reader.nextBatch(); // first shard load
    const t0 = performance.now();
    for (let i = 0; i < batches; i++) await reader.nextBatch();
    const ms = performance.now() - t0;
    this.post({
      type: 'readerBench',
      batches,
      batchSize: this.config!.batchSize,
      msPerBatch: ms / batches,
      batchesPerSec: (1000 * batches) / ms,
      pairsPerSec: (1000 * batches * this.config!.batchSize) / ms,
    });
  }

  /** Loss forward + backward, fused vs op-composed (see lossBenchmark.ts); switches backend first if needed. */
  private async benchmarkLoss(req: Extract<Command, { type: 'benchmarkLoss' }>): Promise<void> {
    if (tf.getBackend() !== req.backend) await this.selectBackend(req.backend);
    await runLossBenchmark(req, { post: this.post, yieldFn: yieldToEventLoop });
  }

  /** tf.profile of one training step of the configured model (trains that step; see stepProfile.ts). */
  private async profileStep(id: string): Promise<void> {
    const { config, trainer, backend } = this;
    const base = {
      type: 'stepProfile' as const,
      id,
      backend: backend?.active ?? (tf.getBackend() as BackendName),
      preset: config?.preset ?? 'tiny',
      batchSize: config?.batchSize ?? 0,
      fusedLoss: fusedLossActive(),
    };
    const empty = { baselineBytes: 0, baselineTensors: 0, peakBytes: 0, transientPeakBytes: 0, newBytes: 0, newTensors: 0, kernels: 0, topKernels: [], wallMs: 0 };
    if (!config || !trainer) return this.post({ ...base, ...empty, error: 'Configure a run first' });
    if (this.episodes) return this.post({ ...base, ...empty, error: 'Step profiling does not support ProtoCLIP episodes' });
    try {
      const batch = await this.makeReader().nextBatch();
      const lr = lrAt(this.step, config.optim.lr, config.optim.minLr, config.optim.warmupSteps, config.steps);
      this.post({ ...base, ...(await profileTrainingStep(trainer, batch, lr)) });
    } catch (e) {
      this.post({ ...base, ...empty, error: e instanceof Error ? e.message : String(e) });
    }
  }

  /** The Shapes world is generated on first use; a stored dataset must already be there. */
  private async loadDataset(config: TrainConfig, gen: number): Promise<{ manifest: DatasetManifest; fromCache: boolean }> {
    const spec = config.dataset;
    if (spec.kind === 'shapes') {
      return ensureShapesDataset(
        this.db!,
        spec,
        (done, total, message) => this.post({ type: 'progress', phase: 'dataset', done, total, message }),
        () => gen !== this.generation,
      );
    }
    this.post({ type: 'progress', phase: 'dataset', done: 0, total: 1, message: 'Opening the stored dataset…' });
    const manifest = await getDataset(this.db!, spec.id);
    if (!manifest) throw new Error(`Dataset ${spec.id} is not in storage (deleted, or its import never finished): choose another dataset`);
    this.post({ type: 'progress', phase: 'dataset', done: 1, total: 1, message: `Dataset: ${manifest.name}` });
    return { manifest, fromCache: true };
  }

  private async trainOneStep(): Promise<void> {
    const { config, reader, trainer } = this;
    if (!config || !reader || !trainer) throw new Error('Configure a run first');
    // Before a ProtoCLIP episode's preparation (a pause of feature pass + clustering): report the
    // pending metrics first, which also frees their tensors (so numTensors at each episode start is comparable).
    if (this.episodes?.needsEpisode) await this.flushMetrics();
    const t0 = performance.now();
    const batch = this.episodes ? await this.episodes.nextBatch() : await reader.nextBatch();
    const tData = performance.now();
    const lr = lrAt(this.step, config.optim.lr, config.optim.minLr, config.optim.warmupSteps, config.steps);
    const t = batchToTensors(batch);
    if ('episodePositions' in batch) t.episodePositions = batch.episodePositions as Int32Array;
    let r: StepResult;
    try {
      r = trainer.step(t, lr);
    } finally {
      disposeBatchTensors(t);
    }
    const scale = tf.tidy(() => tf.exp(trainer.model.logitScale) as tf.Scalar);
    this.step++;
    this.lastBatch = batch;
    this.window.push({
      step: this.step,
      lr,
      loss: r.loss,
      scale,
      gradNorm: r.gradNorm,
      meanPositive: r.meanPositive,
      meanMargin: r.meanMargin,
      components: { ...r.components, ...r.extras },
      dataMs: tData - t0,
      stepMs: performance.now() - t0,
    });
  }

  private async flushMetrics(): Promise<void> {
    const r = await this.window.flush(this.config?.batchSize ?? 0);
    if (r) this.post(r);
  }

  private async loop(): Promise<void> {
    if (this.loopRunning) return;
    this.loopRunning = true;
    const gen = this.generation;
    const config = this.config!;
    try {
      while (this.state === 'running' && gen === this.generation && this.step < config.steps) {
        await this.trainOneStep();
        if (this.step % config.reportEvery === 0) {
          await this.flushMetrics();
          this.postStatus();
        }
        if (config.evalEvery > 0 && this.step % config.evalEvery === 0 && this.step < config.steps) await this.evaluate();
        await yieldToEventLoop(); // let pause / stop / status messages in
      }
      await this.flushMetrics();
      if (gen === this.generation && this.step >= config.steps) await this.finish();
      else this.postStatus();
    } catch (e) {
      this.fail('training', e);
    } finally {
      this.loopRunning = false;
    }
  }

  private async finish(): Promise<void> {
    await this.evaluate();
    this.setState('done');
  }

  private async waitForLoop(): Promise<void> {
    while (this.loopRunning) await new Promise((r) => setTimeout(r, 5));
  }

  private async evaluate(): Promise<void> {
    const { model, manifest, tokenizer, config, db } = this;
    if (!model || !manifest || !tokenizer || !config || !db) return;
    this.post({ type: 'progress', phase: 'eval', done: 0, total: 1, message: 'Evaluating…' });
    const report = await evaluateModel({ db, model, manifest, tokenizer, config, step: this.step, batch: this.lastBatch });
    this.post(report);
    this.post({ type: 'progress', phase: 'eval', done: 1, total: 1, message: 'Evaluated' });
  }
}
