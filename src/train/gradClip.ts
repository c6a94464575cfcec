// Global-norm clipping (methods.md §1 training): n = √(Σ_k ||g_k||²), g_k ← g_k·min(1, maxNorm/(n + 1e-6)),
// entirely on device (no reads). Null grads (unused params) pass through as null.
import * as tf from '@tensorflow/tfjs';

/**
 * Sum of many same-shape tensors as a tree of small addN calls. tfjs-webgpu 4.22's
 * AddN binds every input as a storage buffer and does not split above the device's
 * maxStorageBuffersPerShaderStage (8 on SwiftShader): with ~80 gradients the shader
 * fails validation and the sum silently comes back as 0.
 */
export const ADDN_MAX_INPUTS = 4;
export function sumMany(xs: tf.Tensor[]): tf.Tensor {
  if (xs.length === 0) return tf.scalar(0);
  let level = xs;
  while (level.length > 1) {
    const next: tf.Tensor[] = [];
    for (let i = 0; i < level.length; i += ADDN_MAX_INPUTS) {
      const chunk = level.slice(i, i + ADDN_MAX_INPUTS);
      next.push(chunk.length === 1 ? chunk[0] : tf.addN(chunk));
    }
    level = next;
  }
  return level[0];
}

export function globalNorm(grads: ReadonlyArray<tf.Tensor | null>): tf.Scalar {
  return tf.tidy(() => {
    const sq = grads.filter((g): g is tf.Tensor => g !== null).map((g) => tf.sum(tf.square(g)));
    return tf.sqrt(sumMany(sq)) as tf.Scalar;
  });
}

/** Returns the clipped grads and the pre-clip global norm. maxNorm = Infinity only measures. */
export function clipByGlobalNorm(
  grads: ReadonlyArray<tf.Tensor | null>,
  maxNorm: number,
): { grads: (tf.Tensor | null)[]; norm: tf.Scalar } {
  const norm = globalNorm(grads);
  if (!Number.isFinite(maxNorm)) return { grads: grads.map((g) => (g ? tf.clone(g) : null)), norm };
  const scale = tf.tidy(() => tf.minimum(1, tf.div(maxNorm, tf.add(norm, 1e-6))));
  const out = grads.map((g) => (g ? tf.mul(g, scale) : null));
  scale.dispose();
  return { grads: out, norm };
}
