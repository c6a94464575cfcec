// SigLIP pairwise sigmoid loss (Zhai et al. 2023; methods.md §2):
//   L = −(1/N) Σ_i Σ_j log σ( z_ij · (s·S_ij + b) ),   z_ij = +1 if i = j else −1,   s = exp(t).
// Stable form: −log σ(x) = softplus(−x), so L = (1/N) Σ_ij softplus(−z_ij·(s·S_ij + b)) (tf.softplus never
// overflows; its gradient is σ). The bias b is a learnable scalar 'siglip_bias' (init −10, no weight decay)
// registered in the model's ParamRegistry so AdamW updates it and checkpoints carry it; t starts at ln 10
// (set by createObjective) and keeps the model's clamp [0, ln 100].
// Components: {siglip}. Extra scalars: {bias}.
import * as tf from '@tensorflow/tfjs';
import { fusedLossActive, siglipLossFused } from '../kernels/fusedLoss';
import type { Objective, ObjectiveInputs, ObjectiveOutput } from './objective';

export const SIGLIP_BIAS_PARAM = 'siglip_bias';

/** The SigLIP loss for given u, v [N, D], t and b (scalars): the fused WebGPU kernel when active, else op-composed. */
export function siglipLoss(u: tf.Tensor2D, v: tf.Tensor2D, logitScale: tf.Scalar, bias: tf.Scalar): tf.Scalar {
  return fusedLossActive() ? siglipLossFused(u, v, logitScale, bias) : siglipLossComposed(u, v, logitScale, bias);
}

/** Op-composed SigLIP: the reference for the fused kernel and the path on cpu, wasm and webgl. */
export function siglipLossComposed(u: tf.Tensor2D, v: tf.Tensor2D, logitScale: tf.Scalar, bias: tf.Scalar): tf.Scalar {
  return tf.tidy(() => {
    const N = u.shape[0];
    const logits = tf.add(tf.mul(tf.exp(logitScale), tf.matMul(u, v, false, true)), bias); // s·S + b, [N, N]
    const z = tf.sub(tf.mul(tf.eye(N), 2), 1); // +1 on the diagonal, −1 elsewhere
    return tf.div(tf.sum(tf.softplus(tf.neg(tf.mul(z, logits)))), N) as tf.Scalar;
  });
}

/** `bias` is the registered variable b (see createObjective). */
export function createSiglipObjective(bias: tf.Variable): Objective {
  const b = bias as tf.Variable<tf.Rank.R0>;
  return {
    kind: 'siglip',
    componentNames: ['siglip'],
    extraScalars: () => ({ bias: b }),
    compute({ u, v, logitScale }: ObjectiveInputs): ObjectiveOutput {
      const loss = siglipLoss(u, v, logitScale, b);
      return { loss, components: { siglip: tf.clone(loss) } };
    },
    afterStep() {},
  };
}
