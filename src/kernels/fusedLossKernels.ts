// The fused contrastive-loss kernels, registered with tfjs for the webgpu backend (issue 5).
//
// Forward: S = u·vᵀ with tfjs's tuned matmul program, then one statistics pass per direction over S
// (SimilarityStatsProgram) and a one-workgroup reduction to the loss. It returns the loss, the
// O(N) statistics and S itself, which fusedLoss.ts saves for the backward only (callers never see S).
// Backward: S is overwritten in place by G = s·∂L/∂x (SimilarityGradProgram), then ∂L/∂u = G·v and
// ∂L/∂v = Gᵀ·u by matmul. So the loss holds exactly one N×N buffer from forward to backward, three
// N²D matmuls in all (as op-composed), and three passes over N×N instead of op-composed's dozens of
// elementwise ops and temporaries. The gradient wiring (and ∂L/∂t, ∂L/∂b from the statistics) is in
// fusedLoss.ts. The op-composed versions in src/objectives stay the reference and the path on every
// other backend (tfjs has no per-kernel fallback, so callers dispatch on the backend).
import * as tf from '@tensorflow/tfjs';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { SimilarityStatsProgram } from './webgpu/similarityStatsProgram';
import { SimilarityGradProgram } from './webgpu/similarityGradProgram';
import { LossReduceProgram } from './webgpu/lossReduceProgram';

export const CLIP_LOSS_KERNEL = 'ClipLabFusedClipLoss';
export const CLIP_BACKWARD_KERNEL = 'ClipLabFusedClipLossBackward';
export const SIGLIP_LOSS_KERNEL = 'ClipLabFusedSiglipLoss';
export const SIGLIP_BACKWARD_KERNEL = 'ClipLabFusedSiglipLossBackward';

type Info = tf.TensorInfo;
type KernelArgs = { inputs: tf.NamedTensorInfoMap; backend: unknown };

/** A tfjs-webgpu kernel, called at backend level (no tape, no engine tensors). */
function webgpuKernel(name: string, gpu: WebGPUBackend, inputs: tf.NamedTensorInfoMap, attrs: tf.NamedAttrMap): Info {
  const kernel = tf.getKernel(name, 'webgpu');
  if (!kernel) throw new Error(`tfjs-backend-webgpu has no ${name} kernel`);
  return kernel.kernelFunc({ inputs, backend: gpu, attrs }) as Info;
}

function matMul(gpu: WebGPUBackend, a: Info, b: Info, transposeA: boolean, transposeB: boolean): Info {
  return webgpuKernel('BatchMatMul', gpu, { a, b }, { transposeA, transposeB });
}

/**
 * S = u·vᵀ. tfjs's matmul takes its vec4 path only without transposeB, and on SwiftShader that is
 * ≈ 1.4× faster at N = 1024, D = 256 than transposeB = true, for the price of an N×D transpose.
 */
function similarity(gpu: WebGPUBackend, u: Info, v: Info): Info {
  const vT = webgpuKernel('Transpose', gpu, { x: v }, { perm: [1, 0] });
  const S = matMul(gpu, u, vT, false, false);
  gpu.disposeData(vT.dataId);
  return S;
}

/** Checks shapes and that one N×N float32 buffer fits the device's storage-binding limit; returns N. */
function checkEmbeddings(kernel: string, gpu: WebGPUBackend, u: Info, v: Info): number {
  if (u.shape.length !== 2 || v.shape.length !== 2 || u.shape[0] !== v.shape[0] || u.shape[1] !== v.shape[1]) {
    throw new Error(`${kernel}: u and v must both be [N, D]; got [${u.shape}] and [${v.shape}]`);
  }
  if (u.dtype !== 'float32' || v.dtype !== 'float32') throw new Error(`${kernel}: u and v must be float32`);
  const n = u.shape[0];
  const limit = gpu.device.limits.maxStorageBufferBindingSize;
  if (n * n * 4 > limit) {
    throw new Error(`${kernel}: batch ${n} needs a ${((n * n * 4) / 2 ** 20).toFixed(0)} MiB similarity buffer; this GPU binds at most ${(limit / 2 ** 20).toFixed(0)} MiB (batch ≤ ${Math.floor(Math.sqrt(limit / 4))})`);
  }
  return n;
}

let registered = false;

/** Idempotent; called on import of src/kernels/fusedLoss.ts. */
export function registerFusedLossKernels(): void {
  if (registered) return;
  registered = true;

  // ---- CLIP symmetric InfoNCE. u, v [N, D], t [] (log logit scale) → loss [], rowStats [3, N], colStats [3, N], S [N, N]
  tf.registerKernel({
    kernelName: CLIP_LOSS_KERNEL,
    backendName: 'webgpu',
    kernelFunc: ({ inputs, backend }: KernelArgs) => {
      const { u, v, t } = inputs as { u: Info; v: Info; t: Info };
      const gpu = backend as WebGPUBackend;
      const n = checkEmbeddings(CLIP_LOSS_KERNEL, gpu, u, v);
      const S = similarity(gpu, u, v);
      const rowStats = gpu.runWebGPUProgram(new SimilarityStatsProgram('clip', 'row', n), [S, t], 'float32');
      const colStats = gpu.runWebGPUProgram(new SimilarityStatsProgram('clip', 'col', n), [S, t], 'float32');
      const loss = gpu.runWebGPUProgram(new LossReduceProgram('clip'), [rowStats, colStats], 'float32');
      return [loss, rowStats, colStats, S];
    },
  });
  // u, v, t, rowStats, colStats, sim (the forward's S: overwritten), dy → du [N, D], dv [N, D]
  tf.registerKernel({
    kernelName: CLIP_BACKWARD_KERNEL,
    backendName: 'webgpu',
    kernelFunc: ({ inputs, backend }: KernelArgs) => {
      const { u, v, t, rowStats, colStats, sim, dy } = inputs as Record<string, Info>;
      const gpu = backend as WebGPUBackend;
      const G = gpu.runWebGPUProgram(new SimilarityGradProgram('clip', u.shape[0]), [t, rowStats, colStats, dy], 'float32', undefined, sim);
      return [matMul(gpu, G, v, false, false), matMul(gpu, G, u, true, false)];
    },
  });
  // ---- SigLIP pairwise sigmoid. u, v [N, D], t [], b [] → loss [], rowStats [3, N], S [N, N]
  tf.registerKernel({
    kernelName: SIGLIP_LOSS_KERNEL,
    backendName: 'webgpu',
    kernelFunc: ({ inputs, backend }: KernelArgs) => {
      const { u, v, t, b } = inputs as { u: Info; v: Info; t: Info; b: Info };
      const gpu = backend as WebGPUBackend;
      const n = checkEmbeddings(SIGLIP_LOSS_KERNEL, gpu, u, v);
      const S = similarity(gpu, u, v);
      const rowStats = gpu.runWebGPUProgram(new SimilarityStatsProgram('siglip', 'row', n), [S, t, b], 'float32');
      const loss = gpu.runWebGPUProgram(new LossReduceProgram('siglip'), [rowStats], 'float32');
      return [loss, rowStats, S];
    },
  });
  // u, v, t, b, sim (overwritten), dy → du, dv
  tf.registerKernel({
    kernelName: SIGLIP_BACKWARD_KERNEL,
    backendName: 'webgpu',
    kernelFunc: ({ inputs, backend }: KernelArgs) => {
      const { u, v, t, b, sim, dy } = inputs as Record<string, Info>;
      const gpu = backend as WebGPUBackend;
      const G = gpu.runWebGPUProgram(new SimilarityGradProgram('siglip', u.shape[0]), [t, b, dy], 'float32', undefined, sim);
      return [matMul(gpu, G, v, false, false), matMul(gpu, G, u, true, false)];
    },
  });
}
