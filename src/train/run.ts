// A training run: everything that makes it what it is, in one object. Parameters (the model's
// registry: towers, t, the objective's own parameters), the objective's non-trainable state
// (ProtoCLIP's BatchNorm running statistics), AdamW's moments and step, the schedule (a pure
// function of the step), the batch source's position (the reader's {epoch, pos, batches}, or
// ProtoCLIP's episode, cursor and prototypes), the config, tokenizer, dataset identity and the
// metric history.
//
// Randomness: every stream is a pure function of (seed, label, counter) — initialisation per
// parameter name, the reader's draws (replayed to its batch count), each episode's sample, order
// and k-means seeds — so the counters above are the PRNG states.
//
// One step counter: `step` is AdamW's update count. snapshot() describes the whole state as JSON
// plus a list of named tensors whose values are read one at a time (a checkpoint writer streams
// them to storage without holding a second copy of the model); Run.restore() rebuilds a run from
// that description and continues it bit for bit: the losses after the restore equal those of the
// uninterrupted run.
//
// The snapshot's format and its tensor list are in runSnapshot.ts.
import * as tf from '@tensorflow/tfjs';
import { ClipModel, batchToTensors, disposeBatchTensors } from '../model/clipModel';
import type { BatchSource, BatchSourceSnapshot, Objective, StateArray } from '../objectives/objective';
import { createObjective } from '../objectives/createObjective';
import type { TrainConfig } from '../config/types';
import { tokenizerFromJSON, type TextTokenizer } from '../tokenizer/textTokenizer';
import type { GivenValues } from '../model/params';
import { modelImageInput } from '../data/image/modelInput';
import { MetricHistory } from './metricHistory';
import { ReaderBatchSource, episodePairs, type ReaderSettings, type RunDataset } from './runDataset';
import { RUN_FORMAT, sourceArraysOf, variableTensors, type RunMeta, type RunSnapshot, type SnapshotTensor, type TensorLoader, type TensorSpecOfRun } from './runSnapshot';
import { lrAt } from './schedule';
import { Trainer, type StepResult } from './trainStep';

/** What trains when only the projections are fine-tuned: both projections, t, and the objective's own parameters (e.g. SigLIP's bias). */
export function isProjectionOrTemperature(name: string): boolean {
  return name === 'img.proj.w' || name === 'txt.proj.w' || !(name.startsWith('img.') || name.startsWith('txt.'));
}

export interface RunInit {
  id: string;
  name: string;
  /** Resolved config: model vocabulary = tokenizer size; image size the dataset's (or a fine-tuned model's: the reader resizes). */
  config: TrainConfig;
  tokenizer: TextTokenizer;
  /** A fine-tuning run's starting weights (config.init): the model starts from them, not from its seeded init. */
  initialWeights?: GivenValues;
  data: RunDataset;
  createdAt?: string;
  onProgress?: (p: { done: number; total: number; message: string }) => void;
  yieldFn?: () => Promise<void>;
}

/** One step's outcome: the trainer's scalar tensors (caller disposes) and timings. */
export interface RunStep {
  step: number;
  lr: number;
  result: StepResult;
  batch: Awaited<ReturnType<BatchSource['nextBatch']>>;
  dataMs: number;
  stepMs: number;
}

export class Run {
  readonly model: ClipModel;
  readonly objective: Objective;
  readonly trainer: Trainer;
  readonly source: BatchSource;
  history = new MetricHistory();
  readonly createdAt: string;

  private constructor(readonly init: RunInit) {
    const { config, tokenizer, data } = init;
    if (config.model.text.vocabSize !== tokenizer.vocabSize) {
      throw new Error(`run config: vocabulary ${config.model.text.vocabSize} does not match the tokenizer's ${tokenizer.vocabSize}`);
    }
    this.createdAt = init.createdAt ?? new Date().toISOString();
    this.model = new ClipModel(config.model, config.seed, init.initialWeights);
    try {
      // The objective first: it may register parameters (SigLIP's bias) the optimizer must cover.
      this.objective = createObjective(config.objective, this.model);
      // Fine-tuning the projections only: the towers are frozen (no gradients, no updates).
      const trainable = config.init?.train === 'projections' ? isProjectionOrTemperature : undefined;
      this.trainer = new Trainer(this.model, { ...config.optim, trainable }, this.objective);
      const settings = this.readerSettings;
      this.source = this.objective.createBatchSource
        ? this.objective.createBatchSource({
            model: this.model,
            ...settings,
            pairs: episodePairs(data),
            onProgress: init.onProgress,
            yieldFn: init.yieldFn,
          })
        : new ReaderBatchSource(data, settings);
    } catch (e) {
      this.disposeParts();
      throw e;
    }
  }

  /** A new run at step 0. */
  static create(init: RunInit): Run {
    return new Run(init);
  }

  /** A run rebuilt from a snapshot's meta and tensors (see snapshot()); the data must be the same dataset. */
  static async restore(meta: RunMeta, load: TensorLoader, data: RunDataset, hooks: Pick<RunInit, 'onProgress' | 'yieldFn'> = {}): Promise<Run> {
    if (meta.format !== RUN_FORMAT) throw new Error(`checkpoint format "${meta.format}" is not ${RUN_FORMAT}`);
    const d = data.identity;
    if (d.id !== meta.dataset.id || d.trainPairs !== meta.dataset.trainPairs || d.imageSize !== meta.dataset.imageSize) {
      throw new Error(`checkpoint was trained on ${meta.dataset.name} (${meta.dataset.id}), not ${d.name} (${d.id})`);
    }
    const run = new Run({ id: meta.id, name: meta.name, createdAt: meta.createdAt, config: meta.config, tokenizer: tokenizerFromJSON(meta.tokenizer), data, ...hooks });
    try {
      const expected = run.stateTensors();
      for (const t of expected) {
        const values = await load(t.name, t.dtype, t.shape);
        const size = t.shape.reduce((a, b) => a * b, 1);
        if (values.length !== size) throw new Error(`checkpoint tensor ${t.name}: ${values.length} values, expected ${size}`);
        tf.tidy(() => t.variable.assign(tf.tensor(values, t.shape, 'float32')));
      }
      run.trainer.optimizer.step = meta.step;
      const arrays: Record<string, StateArray> = {};
      for (const [name, a] of Object.entries(sourceArraysOf(meta))) arrays[name] = { shape: a.shape, values: await load(name, a.dtype, a.shape) };
      // Without its data (detached) the run is for inference only: its source never reads.
      if (!data.detached) await run.source.restore({ state: (meta.source as { state: unknown }).state, arrays });
      run.history = MetricHistory.fromJSON(meta.history);
      run.history.truncate(meta.step);
      return run;
    } catch (e) {
      run.dispose();
      throw e;
    }
  }

  get id(): string {
    return this.init.id;
  }

  get name(): string {
    return this.init.name;
  }

  get config(): TrainConfig {
    return this.init.config;
  }

  get tokenizer(): TextTokenizer {
    return this.init.tokenizer;
  }

  get data(): RunDataset {
    return this.init.data;
  }

  /** How this run reads its training split (the reader source, and the bench's reader). */
  get readerSettings(): ReaderSettings {
    const c = this.init.config;
    return { batchSize: c.batchSize, seed: c.seed, contextLength: c.model.text.contextLength, tokenizer: this.init.tokenizer, input: modelImageInput(c.model) };
  }

  /** Updates applied so far (the one step counter). */
  get step(): number {
    return this.trainer.stepCount;
  }

  get finished(): boolean {
    return this.step >= this.config.steps;
  }

  /** The learning rate of the next update. */
  nextLr(): number {
    const o = this.config.optim;
    return lrAt(this.step, o.lr, o.minLr, o.warmupSteps, this.config.steps);
  }

  /** One training step: the source's next batch, forward, backward, AdamW. */
  async trainStep(): Promise<RunStep> {
    const t0 = performance.now();
    const batch = await this.source.nextBatch();
    const tData = performance.now();
    const lr = this.nextLr();
    const t = batchToTensors(batch);
    if (batch.episodePositions) t.episodePositions = batch.episodePositions;
    let result: StepResult;
    try {
      result = this.trainer.step(t, lr);
    } finally {
      disposeBatchTensors(t);
    }
    return { step: this.step, lr, result, batch, dataMs: tData - t0, stepMs: performance.now() - t0 };
  }

  /**
   * Milliseconds of one training step's forward and backward pass on a batch of the run's shape
   * (blank images, one repeated caption; nothing is updated and no data is read): the estimate shown
   * before a fine-tuning run starts.
   */
  async timeOneStep(): Promise<number> {
    const c = this.config;
    const S = c.model.image.imageSize;
    const T = c.model.text.contextLength;
    const B = c.batchSize;
    const { tokens, eot } = this.tokenizer.encodeBatch(Array<string>(B).fill('a photo of a thing'), T);
    const batch = tf.tidy(() => ({ images: tf.zeros([B, S, S, 3]) as tf.Tensor4D, tokens: tf.tensor2d(tokens, [B, T], 'int32'), eot: tf.tensor1d(eot, 'int32') }));
    try {
      return await this.trainer.timeGradients(batch);
    } finally {
      tf.dispose([batch.images, batch.tokens, batch.eot]);
    }
  }

  /** Every variable a checkpoint holds (see variableTensors). */
  private stateTensors(): (TensorSpecOfRun & { variable: tf.Variable })[] {
    return variableTensors(this.model, this.objective, this.trainer.optimizer.slots(), true) as (TensorSpecOfRun & { variable: tf.Variable })[];
  }

  /** The whole state: meta (JSON) and the tensors, each read when the writer asks for it. */
  async snapshot(): Promise<RunSnapshot> {
    const src: BatchSourceSnapshot = await this.source.snapshot();
    const tensors: SnapshotTensor[] = this.stateTensors().map((t) => ({
      name: t.name,
      dtype: t.dtype,
      shape: t.shape,
      read: async () => new Float32Array((await t.variable.data()) as Float32Array),
    }));
    const arrays: Record<string, { dtype: 'F32' | 'I32'; shape: number[] }> = {};
    for (const [name, a] of Object.entries(src.arrays)) {
      const dtype = a.values instanceof Int32Array ? 'I32' : 'F32';
      arrays[name] = { dtype, shape: [...a.shape] };
      tensors.push({ name, dtype, shape: [...a.shape], read: async () => a.values });
    }
    const meta: RunMeta = {
      format: RUN_FORMAT,
      id: this.id,
      name: this.name,
      createdAt: this.createdAt,
      config: this.config,
      tokenizer: this.tokenizer.toJSON() as RunMeta['tokenizer'],
      dataset: this.data.identity,
      step: this.step,
      source: { state: src.state, arrays },
      history: this.history.toJSON(),
    };
    return { meta, tensors };
  }

  private disposeParts(): void {
    this.source?.dispose();
    this.objective?.dispose?.();
    this.trainer?.dispose();
    this.model?.dispose();
  }

  dispose(): void {
    this.disposeParts();
  }
}
