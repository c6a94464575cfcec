// Public entry of the fused contrastive-loss kernels (issue 5): drop-in replacements for
// clipLossComposed / siglipLossComposed on the webgpu backend. clipLoss and siglipLoss (the
// functions every objective calls) dispatch here automatically when `fusedLossActive()`.
// The temperature t (log scale) and SigLIP's bias b enter as tensors, never as uniforms, so a
// training step never reads anything back from the GPU.
// The gradient is attached with tf.customGrad rather than tf.registerGradient: the forward kernel's
// extra outputs (statistics and the similarity S) are saved here without becoming outputs of a
// tape node, so the engine never allocates zero "gradients" for them (an N×N one for S).
import * as tf from '@tensorflow/tfjs';
import { CLIP_BACKWARD_KERNEL, CLIP_LOSS_KERNEL, SIGLIP_BACKWARD_KERNEL, SIGLIP_LOSS_KERNEL, registerFusedLossKernels } from './fusedLossKernels';

registerFusedLossKernels();

let enabled = true;

/** Turn the fused path off (benchmarks, A/B checks); the op-composed version is then used everywhere. */
export function setFusedLossEnabled(on: boolean): void {
  enabled = on;
}

/** True when clipLoss/siglipLoss run the fused kernels: the active backend is webgpu and they are not switched off. */
export function fusedLossActive(): boolean {
  return enabled && tf.getBackend() === 'webgpu';
}

/** Σ_r stats[k, r] of a [3, N] statistics tensor, as a scalar. */
const statSum = (stats: tf.Tensor, k: number): tf.Scalar => tf.sum(tf.slice(stats, [k, 0], [1, stats.shape[1]!]));

type CustomGradArgs = (tf.Tensor | tf.GradSaveFunc)[];

const clipFused = tf.customGrad((...args: CustomGradArgs) => {
  const [u, v, t, save] = args as [tf.Tensor, tf.Tensor, tf.Tensor, tf.GradSaveFunc];
  const [loss, rowStats, colStats, S] = tf.engine().runKernel(CLIP_LOSS_KERNEL, { u, v, t }) as tf.Tensor[];
  save([u, v, t, rowStats, colStats, S]);
  return {
    value: loss,
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [u, v, t, rowStats, colStats, sim] = saved;
      const [du, dv] = tf.engine().runKernel(CLIP_BACKWARD_KERNEL, { u, v, t, rowStats, colStats, sim, dy }) as tf.Tensor[];
      // ∂L/∂t = (g/2N) Σ_ij (P + Q − 2I)_ij x_ij, summed per row and per column in the forward.
      const dt = tf.mul(dy, tf.div(tf.add(statSum(rowStats, 2), statSum(colStats, 2)), 2 * u.shape[0]));
      return [du, dv, dt];
    },
  };
});

const siglipFused = tf.customGrad((...args: CustomGradArgs) => {
  const [u, v, t, b, save] = args as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor, tf.GradSaveFunc];
  const [loss, rowStats, S] = tf.engine().runKernel(SIGLIP_LOSS_KERNEL, { u, v, t, b }) as tf.Tensor[];
  save([u, v, t, b, rowStats, S]);
  return {
    value: loss,
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [u, v, t, b, rowStats, sim] = saved;
      const [du, dv] = tf.engine().runKernel(SIGLIP_BACKWARD_KERNEL, { u, v, t, b, sim, dy }) as tf.Tensor[];
      // ∂L/∂t = (g/N) Σ_ij h_ij x_ij and ∂L/∂b = (g/N) Σ_ij h_ij, summed per row in the forward.
      const scale = tf.div(dy, u.shape[0]);
      return [du, dv, tf.mul(scale, statSum(rowStats, 1)), tf.mul(scale, statSum(rowStats, 2))];
    },
  };
});

/** Symmetric InfoNCE (methods.md §1), fused; webgpu only. Same contract as clipLossComposed. */
export function clipLossFused(u: tf.Tensor2D, v: tf.Tensor2D, logitScale: tf.Scalar): tf.Scalar {
  return clipFused(u, v, logitScale) as tf.Scalar;
}

/** SigLIP pairwise sigmoid loss (methods.md §2), fused; webgpu only. Same contract as siglipLossComposed. */
export function siglipLossFused(u: tf.Tensor2D, v: tf.Tensor2D, logitScale: tf.Scalar, bias: tf.Scalar): tf.Scalar {
  return siglipFused(u, v, logitScale, bias) as tf.Scalar;
}
