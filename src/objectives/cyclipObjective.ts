// CyCLIP (Goel et al. 2022; methods.md §4), on unscaled cosines:
//   L = L_CLIP + λ1·(1/N) Σ_{j,k} (u_j·u_k − v_j·v_k)² + λ2·(1/N) Σ_{j,k} (u_j·v_k − u_k·v_j)²
//     = L_CLIP + λ1·||UUᵀ − VVᵀ||²_F / N + λ2·||S − Sᵀ||²_F / N,   S = UVᵀ.
// Components: {clip, inModal, crossModal}, each weighted as it enters L (inModal = λ1·…, crossModal = λ2·…).
import * as tf from '@tensorflow/tfjs';
import { clipLoss } from './clipLoss';
import type { Objective, ObjectiveInputs, ObjectiveOutput } from './objective';

/** (1/N) Σ_{j,k} (u_j·u_k − v_j·v_k)² (unweighted). */
export function inModalCycleLoss(u: tf.Tensor2D, v: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => {
    const d = tf.sub(tf.matMul(u, u, false, true), tf.matMul(v, v, false, true));
    return tf.div(tf.sum(tf.square(d)), u.shape[0]) as tf.Scalar;
  });
}

/** (1/N) Σ_{j,k} (u_j·v_k − u_k·v_j)² (unweighted). */
export function crossModalCycleLoss(u: tf.Tensor2D, v: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => {
    const S = tf.matMul(u, v, false, true);
    return tf.div(tf.sum(tf.square(tf.sub(S, tf.transpose(S)))), u.shape[0]) as tf.Scalar;
  });
}

export function createCyclipObjective(lambdaInModal: number, lambdaCrossModal: number): Objective {
  for (const [name, x] of [['λ1 (in-modal)', lambdaInModal], ['λ2 (cross-modal)', lambdaCrossModal]] as const) {
    if (!Number.isFinite(x) || x < 0) throw new Error(`CyCLIP ${name} must be a finite number ≥ 0, got ${x}`);
  }
  return {
    kind: 'cyclip',
    componentNames: ['clip', 'inModal', 'crossModal'],
    extraScalars: () => ({}),
    compute({ u, v, logitScale }: ObjectiveInputs): ObjectiveOutput {
      const clip = clipLoss(u, v, logitScale);
      const inModal = tf.mul(inModalCycleLoss(u, v), lambdaInModal) as tf.Scalar;
      const crossModal = tf.mul(crossModalCycleLoss(u, v), lambdaCrossModal) as tf.Scalar;
      return { loss: tf.addN([clip, inModal, crossModal]) as tf.Scalar, components: { clip, inModal, crossModal } };
    },
    afterStep() {},
  };
}
