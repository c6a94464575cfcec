// Global-norm clipping (methods.md §1 training): n = √(Σ_k ||g_k||²), g_k ← g_k·min(1, maxNorm/(n + 1e-6)),
// entirely on device (no reads). Null grads (unused params) pass through as null.
import * as tf from '@tensorflow/tfjs';

export function globalNorm(grads: ReadonlyArray<tf.Tensor | null>): tf.Scalar {
  return tf.tidy(() => {
    const sq = grads.filter((g): g is tf.Tensor => g !== null).map((g) => tf.sum(tf.square(g)));
    return tf.sqrt(sq.length ? tf.addN(sq) : tf.scalar(0)) as tf.Scalar;
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
