// Symmetric InfoNCE (methods.md §1): L_ij = exp(t)·u_i·v_j,
// L = (1/2N) Σ_i [(lse_j L_ij − L_ii) + (lse_j L_ji − L_ii)], i.e. −mean of the diagonal of the row
// and column log-softmaxes. Stable log-sum-exp; the diagonal is s·Σ_d u_id v_id (no one-hot, no gather).
import * as tf from '@tensorflow/tfjs';

/** Loss signature every contrastive objective (and a future fused kernel) must keep. */
export type ContrastiveLossFn = (u: tf.Tensor2D, v: tf.Tensor2D, logitScale: tf.Scalar) => tf.Scalar;

export const clipLoss: ContrastiveLossFn = (u, v, logitScale) =>
  tf.tidy(() => {
    const s = tf.exp(logitScale);
    const logits = tf.mul(s, tf.matMul(u, v, false, true)); // [N, N]
    const diag = tf.mul(s, tf.sum(tf.mul(u, v), 1)); // L_ii, [N]
    const lseRow = tf.logSumExp(logits, 1); // image → text
    const lseCol = tf.logSumExp(logits, 0); // text → image
    return tf.sub(tf.mul(tf.mean(tf.add(lseRow, lseCol)), 0.5), tf.mean(diag)) as tf.Scalar;
  });

export interface ContrastiveStats {
  /** mean_i S_ii */
  meanPositive: tf.Scalar;
  /** mean_i (S_ii − max_{j≠i} S_ij); NaN when N = 1 (no negatives). */
  meanMargin: tf.Scalar;
}

/** Diagnostics on unscaled cosines S = u·vᵀ (methods.md §3 "what to show"). Caller disposes. */
export function contrastiveStats(u: tf.Tensor2D, v: tf.Tensor2D): ContrastiveStats {
  return tf.tidy(() => {
    const N = u.shape[0];
    const pos = tf.sum(tf.mul(u, v), 1); // S_ii
    const meanPositive = tf.mean(pos) as tf.Scalar;
    if (N < 2) return { meanPositive, meanMargin: tf.scalar(NaN) };
    const S = tf.matMul(u, v, false, true);
    const maxNeg = tf.max(tf.add(S, tf.mul(tf.eye(N), -1e9)), 1);
    return { meanPositive, meanMargin: tf.mean(tf.sub(pos, maxNeg)) as tf.Scalar };
  });
}
