// Public entry of the fused contrastive-loss kernels (issue 5): drop-in replacements for
// clipLossComposed / siglipLossComposed on the webgpu backend. clipLoss and siglipLoss (the
// functions every objective calls) dispatch here automatically when `fusedLossActive()`.
// The temperature t (log scale) and SigLIP's bias b enter as tensors, never as uniforms, so a
// training step never reads anything back from the GPU.
import * as tf from '@tensorflow/tfjs';
import { CLIP_LOSS_KERNEL, SIGLIP_LOSS_KERNEL, registerFusedLossKernels } from './fusedLossKernels';

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

/** Symmetric InfoNCE (methods.md §1), fused; webgpu only. Same contract as clipLossComposed. */
export function clipLossFused(u: tf.Tensor2D, v: tf.Tensor2D, logitScale: tf.Scalar): tf.Scalar {
  return tf.tidy(() => {
    const [loss] = tf.engine().runKernel(CLIP_LOSS_KERNEL, { u, v, t: logitScale }) as tf.Tensor[];
    return loss as tf.Scalar;
  });
}

/** SigLIP pairwise sigmoid loss (methods.md §2), fused; webgpu only. Same contract as siglipLossComposed. */
export function siglipLossFused(u: tf.Tensor2D, v: tf.Tensor2D, logitScale: tf.Scalar, bias: tf.Scalar): tf.Scalar {
  return tf.tidy(() => {
    const [loss] = tf.engine().runKernel(SIGLIP_LOSS_KERNEL, { u, v, t: logitScale, b: bias }) as tf.Tensor[];
    return loss as tf.Scalar;
  });
}
