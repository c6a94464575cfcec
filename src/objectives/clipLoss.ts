// Symmetric InfoNCE (methods.md §1): L_ij = exp(t)·u_i·v_j,
// L = (1/2N) Σ_i [(lse_j L_ij − L_ii) + (lse_j L_ji − L_ii)], i.e. −mean of the diagonal of the row
// and column log-softmaxes.
// Evaluated in a form that keeps RELATIVE accuracy when training has saturated (loss ≪ 1): with
// x_ij = s·(S_ij − S_ii) (diagonal x_ii = 0), each row term is
//   lse_j x_ij = log(1 + Σ_{j≠i} e^{x_ij}) = softplus(lse_{j≠i} x_ij),
// so the float32 cancellation of lse(L_i) − L_ii (an absolute error ~ s·ε whatever the loss) never
// happens. Off-diagonal lse is stable (max-shifted); softplus never overflows; N = 1 gives exactly 0.
import * as tf from '@tensorflow/tfjs';
import { clipLossFused, fusedLossActive } from '../kernels/fusedLoss';

/** Loss signature every contrastive objective and the fused kernel keep. */
export type ContrastiveLossFn = (u: tf.Tensor2D, v: tf.Tensor2D, logitScale: tf.Scalar) => tf.Scalar;

/** Added to the diagonal before the off-diagonal lse: e^{x − 1e9} is exactly 0 in float32. */
const DIAG_MASK = -1e9;

/** The loss every objective calls: the fused WebGPU kernel when active (src/kernels), else the op-composed reference. */
export const clipLoss: ContrastiveLossFn = (u, v, logitScale) =>
  fusedLossActive() ? clipLossFused(u, v, logitScale) : clipLossComposed(u, v, logitScale);

/** Op-composed InfoNCE: the reference for the fused kernel and the path on cpu, wasm and webgl. */
export const clipLossComposed: ContrastiveLossFn = (u, v, logitScale) =>
  tf.tidy(() => {
    const N = u.shape[0];
    const s = tf.exp(logitScale);
    const S = tf.matMul(u, v, false, true); // [N, N]
    const eye = tf.eye(N);
    const diag = tf.sum(tf.mul(S, eye), 1); // S_ii from the same product, [N]
    const mask = tf.mul(eye, DIAG_MASK);
    const xRow = tf.add(tf.mul(s, tf.sub(S, tf.reshape(diag, [N, 1]))), mask); // x_ij = s(S_ij − S_ii), image → text
    const xCol = tf.add(tf.mul(s, tf.sub(S, tf.reshape(diag, [1, N]))), mask); // x_ji = s(S_ji − S_ii) at [j, i], text → image
    const rowTerms = tf.softplus(tf.logSumExp(xRow, 1)); // −log softmax_j(L_ij)|_{j=i}
    const colTerms = tf.softplus(tf.logSumExp(xCol, 0)); // −log softmax_j(L_ji)|_{j=i}
    return tf.mul(tf.mean(tf.add(rowTerms, colTerms)), 0.5) as tf.Scalar;
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
