// One CLIP training step (methods.md §1): grads of L(u, v, t) w.r.t. all params incl. t (registry
// order) → global-norm clip → AdamW (decay on matrices only) with lr from the schedule → clamp t.
// All inside tidy; returns loss and pre-clip grad norm as kept scalars (caller reads them in batches, then disposes).
import * as tf from '@tensorflow/tfjs';
import type { BatchTensors, ClipModel } from '../model/clipModel';
import { clipLoss, type ContrastiveLossFn } from '../objectives/clipLoss';
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
}

export interface StepResult {
  loss: tf.Scalar;
  gradNorm: tf.Scalar;
  /** Learning rate used for this step (known in JS, no read). */
  lr: number;
}

export class Trainer {
  readonly optimizer: AdamW;

  constructor(
    readonly model: ClipModel,
    readonly config: TrainerConfig,
    readonly lossFn: ContrastiveLossFn = clipLoss,
  ) {
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
    const stepLr = lr;
    const clip = this.config.gradClip > 0 ? this.config.gradClip : Infinity;
    const { model } = this;
    const vars = model.params.variables();
    const { loss, gradNorm } = tf.tidy(() => {
      const { value, grads } = tf.variableGrads(() => {
        const u = model.encodeImages(batch.images);
        const v = model.encodeTexts(batch.tokens, batch.eot);
        return this.lossFn(u, v, model.logitScale);
      }, vars);
      const ordered = vars.map((x) => grads[x.name] ?? null);
      const clipped = clipByGlobalNorm(ordered, clip);
      this.optimizer.apply(clipped.grads, stepLr);
      model.clampLogitScale();
      return { loss: value, gradNorm: clipped.norm };
    });
    return { loss, gradNorm, lr: stepLr };
  }

  dispose(): void {
    this.optimizer.dispose();
  }
}
