// Positive-pair regulariser (Chen, Deng, Li & Gu, ICLR 2024; methods.md §3):
//   L = L_CLIP + λ·R,   R = (1/N) Σ_i ||u_i − v_i||²  (= (2/N) Σ_i (1 − S_ii) for unit u_i, v_i).
// One-sided: it acts on positive pairs only and keeps pulling them together once the softmax has saturated.
// R is computed as the squared difference (no cancellation in 1 − S_ii when S_ii ≈ 1).
// Components: {clip, reg} with reg = λ·R (weighted, as it enters L).
import * as tf from '@tensorflow/tfjs';
import { clipLoss } from './clipLoss';
import type { Objective, ObjectiveInputs, ObjectiveOutput } from './objective';

/** R = (1/N) Σ_i ||u_i − v_i||² (unweighted). */
export function positivePairPenalty(u: tf.Tensor2D, v: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => tf.div(tf.sum(tf.square(tf.sub(u, v))), u.shape[0]) as tf.Scalar);
}

export function createPositivePairObjective(lambda: number): Objective {
  if (!Number.isFinite(lambda) || lambda < 0) throw new Error(`positive-pair λ must be a finite number ≥ 0, got ${lambda}`);
  return {
    kind: 'pospair',
    componentNames: ['clip', 'reg'],
    extraScalars: () => ({}),
    compute({ u, v, logitScale }: ObjectiveInputs): ObjectiveOutput {
      const clip = clipLoss(u, v, logitScale);
      const reg = tf.mul(positivePairPenalty(u, v), lambda) as tf.Scalar;
      return { loss: tf.add(clip, reg) as tf.Scalar, components: { clip, reg } };
    },
    afterStep() {},
  };
}
