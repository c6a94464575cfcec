// Registration of the fused contrastive-loss kernels with tfjs: forward kernels for the webgpu
// backend and their gradients (issue 5). Each forward returns the scalar loss plus the O(N)
// row/column statistics its backward needs (including the per-row shares of ∂L/∂t and ∂L/∂b),
// so nothing N×N outlives the forward; the backward materialises one N×N buffer (G = s·∂L/∂x),
// turns it into the embedding gradients with two matMuls, and frees it. The op-composed versions in src/objectives stay the reference and the
// path on every other backend (tfjs has no per-kernel fallback, so callers dispatch on the backend).
import * as tf from '@tensorflow/tfjs';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { RowReduceProgram } from './webgpu/rowReduceProgram';
import { LossReduceProgram } from './webgpu/lossReduceProgram';
import { GradMatrixProgram } from './webgpu/gradMatrixProgram';

export const CLIP_LOSS_KERNEL = 'ClipLabFusedClipLoss';
export const CLIP_GRAD_KERNEL = 'ClipLabFusedClipLossGradMatrix';
export const SIGLIP_LOSS_KERNEL = 'ClipLabFusedSiglipLoss';
export const SIGLIP_GRAD_KERNEL = 'ClipLabFusedSiglipLossGradMatrix';

type Info = tf.TensorInfo;

function checkEmbeddings(kernel: string, u: Info, v: Info): number {
  if (u.shape.length !== 2 || v.shape.length !== 2 || u.shape[0] !== v.shape[0] || u.shape[1] !== v.shape[1]) {
    throw new Error(`${kernel}: u and v must both be [N, D]; got [${u.shape}] and [${v.shape}]`);
  }
  if (u.dtype !== 'float32' || v.dtype !== 'float32') throw new Error(`${kernel}: u and v must be float32`);
  return u.shape[0];
}

/** Upstream gradient of the scalar loss: a multi-output kernel's gradient receives one dy per output. */
const lossDy = (dy: tf.Tensor | tf.Tensor[]): tf.Tensor => (Array.isArray(dy) ? dy[0] : dy);

/** Σ_r stats[k, r] of a [3, N] statistics tensor, as a scalar. */
const statSum = (stats: tf.Tensor, k: number): tf.Scalar => tf.sum(tf.slice(stats, [k, 0], [1, stats.shape[1]!]));

let registered = false;

/** Idempotent; called on import of src/kernels/fusedLoss.ts. */
export function registerFusedLossKernels(): void {
  if (registered) return;
  registered = true;

  // ---- CLIP symmetric InfoNCE: inputs u, v [N, D], t [] (log logit scale) → [loss [], rowStats [3, N], colStats [3, N]]
  tf.registerKernel({
    kernelName: CLIP_LOSS_KERNEL,
    backendName: 'webgpu',
    kernelFunc: ({ inputs, backend }) => {
      const { u, v, t } = inputs as { u: Info; v: Info; t: Info };
      const n = checkEmbeddings(CLIP_LOSS_KERNEL, u, v);
      const gpu = backend as WebGPUBackend;
      const rowStats = gpu.runWebGPUProgram(new RowReduceProgram('clip', n), [u, v, t], 'float32');
      const colStats = gpu.runWebGPUProgram(new RowReduceProgram('clip', n), [v, u, t], 'float32');
      const loss = gpu.runWebGPUProgram(new LossReduceProgram('clip'), [rowStats, colStats], 'float32');
      return [loss, rowStats, colStats];
    },
  });
  tf.registerKernel({
    kernelName: CLIP_GRAD_KERNEL,
    backendName: 'webgpu',
    kernelFunc: ({ inputs, backend }) => {
      const { u, v, t, rowStats, colStats, dy } = inputs as Record<string, Info>;
      const n = checkEmbeddings(CLIP_GRAD_KERNEL, u, v);
      return (backend as WebGPUBackend).runWebGPUProgram(new GradMatrixProgram('clip', n), [u, v, t, rowStats, colStats, dy], 'float32');
    },
  });
  tf.registerGradient({
    kernelName: CLIP_LOSS_KERNEL,
    inputsToSave: ['u', 'v', 't'],
    outputsToSave: [false, true, true],
    gradFunc: (dy, saved) => {
      const [u, v, t, rowStats, colStats] = saved;
      const g = lossDy(dy);
      const G = tf.engine().runKernel(CLIP_GRAD_KERNEL, { u, v, t, rowStats, colStats, dy: g }) as tf.Tensor2D;
      const du = tf.matMul(G, v as tf.Tensor2D);
      const dv = tf.matMul(G, u as tf.Tensor2D, true, false);
      G.dispose(); // the only N×N buffer of the loss: gone before the rest of the backward runs
      // ∂L/∂t = (g/2N) Σ_ij (P + Q − 2I)_ij x_ij, summed per row and per column in the forward.
      const dt = tf.mul(g, tf.div(tf.add(statSum(rowStats, 2), statSum(colStats, 2)), 2 * u.shape[0]));
      return { u: () => du, v: () => dv, t: () => dt };
    },
  });

  // ---- SigLIP pairwise sigmoid: inputs u, v [N, D], t [], b [] → [loss [], rowStats [3, N]]
  tf.registerKernel({
    kernelName: SIGLIP_LOSS_KERNEL,
    backendName: 'webgpu',
    kernelFunc: ({ inputs, backend }) => {
      const { u, v, t, b } = inputs as { u: Info; v: Info; t: Info; b: Info };
      const n = checkEmbeddings(SIGLIP_LOSS_KERNEL, u, v);
      const gpu = backend as WebGPUBackend;
      const rowStats = gpu.runWebGPUProgram(new RowReduceProgram('siglip', n), [u, v, t, b], 'float32');
      const loss = gpu.runWebGPUProgram(new LossReduceProgram('siglip'), [rowStats], 'float32');
      return [loss, rowStats];
    },
  });
  tf.registerKernel({
    kernelName: SIGLIP_GRAD_KERNEL,
    backendName: 'webgpu',
    kernelFunc: ({ inputs, backend }) => {
      const { u, v, t, b, dy } = inputs as Record<string, Info>;
      const n = checkEmbeddings(SIGLIP_GRAD_KERNEL, u, v);
      return (backend as WebGPUBackend).runWebGPUProgram(new GradMatrixProgram('siglip', n), [u, v, t, b, dy], 'float32');
    },
  });
  tf.registerGradient({
    kernelName: SIGLIP_LOSS_KERNEL,
    inputsToSave: ['u', 'v', 't', 'b'],
    outputsToSave: [false, true],
    gradFunc: (dy, saved) => {
      const [u, v, t, b, rowStats] = saved;
      const g = lossDy(dy);
      const G = tf.engine().runKernel(SIGLIP_GRAD_KERNEL, { u, v, t, b, dy: g }) as tf.Tensor2D;
      const du = tf.matMul(G, v as tf.Tensor2D);
      const dv = tf.matMul(G, u as tf.Tensor2D, true, false);
      G.dispose(); // the only N×N buffer of the loss
      // ∂L/∂t = (g/N) Σ_ij h_ij x_ij and ∂L/∂b = (g/N) Σ_ij h_ij, summed per row in the forward.
      const scale = tf.div(g, u.shape[0]);
      const dt = tf.mul(scale, statSum(rowStats, 1));
      const db = tf.mul(scale, statSum(rowStats, 2));
      return { u: () => du, v: () => dv, t: () => dt, b: () => db };
    },
  });
}
