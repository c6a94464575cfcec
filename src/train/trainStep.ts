// One training step for any objective (methods.md §1–§4): raw projected embeddings → L2 normalise →
// objective loss L(u, v, t, own params) → grads w.r.t. every registered param (registry order, incl. t and
// the objective's params) → global-norm clip → AdamW (decay per param flag) with lr from the schedule →
// clamp t → objective.afterStep(). All on device inside one tidy; every result is a scalar tensor the caller
// reads in batches and then disposes (no per-step GPU→CPU reads here).
import * as tf from '@tensorflow/tfjs';
import type { BatchTensors, ClipModel } from '../model/clipModel';
import { l2Normalize } from '../model/layers';
import { contrastiveStats } from '../objectives/clipLoss';
import type { Objective } from '../objectives/objective';
import { AdamW } from './adamw';
import { clipByGlobalNorm } from './gradClip';
import { lrAt, type LrSchedule } from './schedule';

/** Structurally compatible with protocol's OptimConfig (extra fields are ignored). */
export interface TrainerConfig {
  weightDecay: number;
  beta1: number;
  beta2: number;
  eps: number;
  /** Max global grad norm; 0 or Infinity disables clipping (the norm is still reported). */
  gradClip: number;
  /** Used when step() is called without an explicit lr. */
  schedule?: LrSchedule;
  /** Which parameters train (by registry name); default all. The others get no gradient and no update. */
  trainable?: (name: string) => boolean;
}

/** Every tensor is a fresh scalar owned by the caller (dispose after reading, e.g. via disposeStepResult). */
export interface StepResult {
  /** Total objective loss (before the update). */
  loss: tf.Scalar;
  /** Global gradient norm before clipping. */
  gradNorm: tf.Scalar;
  /** Learning rate used for this step (known in JS, no read). */
  lr: number;
  /** The objective's named loss terms, weighted as they enter `loss` (before the update). */
  components: Record<string, tf.Scalar>;
  /** mean_i S_ii of the batch (unscaled cosines, before the update). */
  meanPositive: tf.Scalar;
  /** mean_i (S_ii − max_{j≠i} S_ij) of the batch (before the update); NaN when N = 1. */
  meanMargin: tf.Scalar;
  /** Snapshots of objective.extraScalars() AFTER the update and afterStep (e.g. SigLIP's bias). */
  extras: Record<string, tf.Scalar>;
}

/** Dispose every tensor of a StepResult. */
export function disposeStepResult(r: StepResult): void {
  tf.dispose([r.loss, r.gradNorm, r.meanPositive, r.meanMargin, ...Object.values(r.components), ...Object.values(r.extras)]);
}

export class Trainer {
  readonly optimizer: AdamW;
  /** Every parameter, in registry order at construction (the optimizer holds a slot for each). */
  private readonly vars: tf.Variable[];
  /** The ones differentiated and updated (all, or config.trainable's). */
  private readonly trained: tf.Variable[];

  /**
   * Create the objective (createObjective) BEFORE the Trainer: the optimizer covers exactly the
   * parameters registered now, and step() refuses to run if the registry grows later.
   */
  constructor(
    readonly model: ClipModel,
    readonly config: TrainerConfig,
    readonly objective: Objective,
  ) {
    if (!objective) throw new Error('Trainer: an objective is required (see createObjective)');
    const clash = Object.keys(objective.extraScalars()).filter((k) => objective.componentNames.includes(k));
    if (clash.length) throw new Error(`objective ${objective.kind}: extra scalar names clash with components: ${clash.join(', ')}`);
    this.vars = model.params.variables();
    const trainable = config.trainable;
    this.trained = trainable ? model.params.params.filter((p) => trainable(p.name)).map((p) => p.variable) : this.vars;
    if (this.trained.length === 0) throw new Error('Trainer: no parameter is trainable');
    this.optimizer = new AdamW(
      model.params.params.map((p) => ({ variable: p.variable, decay: p.decay })),
      { weightDecay: config.weightDecay, beta1: config.beta1, beta2: config.beta2, epsilon: config.eps },
    );
  }

  /** Updates applied so far; the next step uses lrAt(stepCount). */
  get stepCount(): number {
    return this.optimizer.step;
  }

  /** One update with learning rate `lr` (default: lrAt(stepCount, config.schedule)). */
  step(batch: BatchTensors, lr?: number): StepResult {
    if (lr === undefined) {
      if (!this.config.schedule) throw new Error('Trainer.step: pass lr or configure a schedule');
      lr = lrAt(this.stepCount, this.config.schedule);
    }
    const { model, objective, vars, trained } = this;
    if (model.params.params.length !== vars.length) {
      throw new Error(
        `Trainer.step: the model has ${model.params.params.length} parameters but the optimizer was built with ${vars.length}: ` +
          'create the objective (createObjective) before the Trainer',
      );
    }
    const stepLr = lr;
    const clip = this.config.gradClip > 0 ? this.config.gradClip : Infinity;
    const componentNames = objective.componentNames;

    return tf.tidy(() => {
      // Tensors made inside the gradient function die with its scope unless kept: keep clones of the
      // side outputs (shared data, no copy), hand out ordinary clones of those below, drop the kept ones.
      const kept: tf.Tensor[] = [];
      const keep = <T extends tf.Tensor>(x: T): T => {
        const k = tf.keep(tf.clone(x));
        kept.push(k);
        return k;
      };
      try {
        const side: { components?: Record<string, tf.Scalar>; u?: tf.Tensor2D; v?: tf.Tensor2D } = {};
        const { value, grads } = tf.variableGrads(() => {
          const { out, u, v } = this.forward(batch);
          const components: Record<string, tf.Scalar> = {};
          for (const name of componentNames) {
            const c = out.components[name];
            if (!c) throw new Error(`objective ${objective.kind} did not return component "${name}"`);
            components[name] = keep(c);
          }
          side.components = components;
          side.u = keep(u);
          side.v = keep(v);
          return out.loss;
        }, trained);
        if (!side.components || !side.u || !side.v) throw new Error('Trainer.step: the loss function did not run');
        // Diagnostics off the gradient tape: inside it, every op's saved inputs (here N×N ones) would
        // stay alive until the whole backward pass had run.
        const stats = contrastiveStats(side.u, side.v);
        const ordered = vars.map((x) => grads[x.name] ?? null);
        const clipped = clipByGlobalNorm(ordered, clip);
        this.optimizer.apply(clipped.grads, stepLr);
        model.clampLogitScale();
        objective.afterStep();
        const components: Record<string, tf.Scalar> = {};
        for (const [name, c] of Object.entries(side.components)) components[name] = tf.clone(c);
        const extras: Record<string, tf.Scalar> = {};
        for (const [name, x] of Object.entries(objective.extraScalars())) extras[name] = tf.clone(x) as tf.Scalar;
        return {
          loss: value,
          gradNorm: clipped.norm,
          lr: stepLr,
          components,
          meanPositive: stats.meanPositive,
          meanMargin: stats.meanMargin,
          extras,
        };
      } finally {
        tf.dispose(kept);
      }
    });
  }

  /** The forward pass: raw projected embeddings → L2 normalised u, v → the objective's loss and terms. */
  private forward(batch: BatchTensors): { out: ReturnType<Objective['compute']>; u: tf.Tensor2D; v: tf.Tensor2D } {
    const { model } = this;
    const uRaw = model.encodeImagesRaw(batch.images);
    const vRaw = model.encodeTextsRaw(batch.tokens, batch.eot);
    const u = l2Normalize(uRaw) as tf.Tensor2D;
    const v = l2Normalize(vRaw) as tf.Tensor2D;
    return { out: this.objective.compute({ uRaw, vRaw, u, v, logitScale: model.logitScale, episodePositions: batch.episodePositions }), u, v };
  }

  /**
   * Milliseconds of one forward + backward pass over `batch` (the trained parameters' gradients, read
   * back), with no update: a time estimate before a long run starts (fine-tuning a large model).
   */
  async timeGradients(batch: BatchTensors): Promise<number> {
    const t0 = performance.now();
    const sum = tf.tidy(() => {
      const { value, grads } = tf.variableGrads(() => this.forward(batch).out.loss, this.trained);
      return tf.addN([value, ...Object.values(grads).map((g) => tf.sum(g))]);
    });
    await sum.data();
    sum.dispose();
    return performance.now() - t0;
  }

  dispose(): void {
    this.optimizer.dispose();
  }
}
