// Zero-shot classification (methods.md §7): for each class, fill every prompt
// template, encode, L2-normalise, average over templates, renormalise → w_c.
// Predict argmax_c u · w_c.
import * as tf from '@tensorflow/tfjs';
import { fillTemplate } from './templateEnsemble';

export interface TextEncoderFn {
  (texts: string[]): tf.Tensor2D;
}


/** Class weight matrix W (C×D, unit rows) from the prompt-template ensemble. */
export function classEmbeddings(encodeTexts: TextEncoderFn, classNames: string[], templates: string[]): tf.Tensor2D {
  return tf.tidy(() => {
    const texts = classNames.flatMap((c) => templates.map((t) => fillTemplate(t, c)));
    const raw = encodeTexts(texts);
    // Each prompt's embedding on the unit sphere first (a no-op for an encoder that normalises).
    const e = raw.div(raw.norm('euclidean', 1, true)).reshape([classNames.length, templates.length, -1]);
    const mean = e.mean(1) as tf.Tensor2D;
    return mean.div(mean.norm('euclidean', 1, true)) as tf.Tensor2D;
  });
}

/** Predicted class per row of unit image embeddings U (N×D). */
export function predictClasses(u: tf.Tensor2D, w: tf.Tensor2D): tf.Tensor1D {
  return tf.tidy(() => tf.matMul(u, w, false, true).argMax(1) as tf.Tensor1D);
}

/** Accuracy tallies split by whether the true class was held out of training. */
export class ZeroShotTally {
  seen = { correct: 0, total: 0 };
  heldOut = { correct: 0, total: 0 };

  constructor(private readonly heldOutClass: boolean[]) {}

  add(pred: ArrayLike<number>, labels: ArrayLike<number>, valid: number): void {
    for (let i = 0; i < valid; i++) {
      if (labels[i] < 0) continue;
      const bucket = this.heldOutClass[labels[i]] ? this.heldOut : this.seen;
      bucket.total++;
      if (pred[i] === labels[i]) bucket.correct++;
    }
  }

  accuracy(which: 'seen' | 'heldOut' | 'all'): number {
    const c = which === 'all' ? this.seen.correct + this.heldOut.correct : this[which].correct;
    const t = which === 'all' ? this.seen.total + this.heldOut.total : this[which].total;
    return t ? c / t : NaN;
  }
}
