// ProtoCLIP prototype losses (methods.md §5):
//   z_ik = s_p · h_i · Ĉ_k,   s_p = exp(t_p)
//   protoLoss     = −(1/B) Σ_i Σ_k q_ik log softmax_k(z_i)      (soft targets q, e.g. protoSoftTargets)
//   protoHardLoss = −(1/B) Σ_i log softmax_{a_i}(z_i)            (hard labels, the external teacher)
// `logitScaleP` is the LOG scale t_p (a scalar variable, like clipLoss' `logitScale`); s_p = exp(t_p).
// Ĉ (the translated prototypes) and q are constants for the episode; gradients flow to h and t_p.
// log softmax via a stable logSumExp; the matMul goes through matMul2d so wasm gets the
// explicit-transpose gradient. Hard labels become a float one-hot (no gather).
import * as tf from '@tensorflow/tfjs';
import { matMul2d } from '../../model/layers';
import { oneHotFloat } from './clusterOps';

/** z = exp(t_p) · h · Ĉᵀ, [B, K]. */
export function protoLogits(h: tf.Tensor2D, translated: tf.Tensor2D, logitScaleP: tf.Scalar): tf.Tensor2D {
  return tf.tidy(() => tf.mul(tf.exp(logitScaleP), matMul2d(h, tf.transpose(translated))) as tf.Tensor2D);
}

/** Soft-target cross-entropy −(1/B) Σ_i Σ_k q_ik log softmax_k(s_p·h_i·Ĉ_k). */
export function protoLoss(h: tf.Tensor2D, translated: tf.Tensor2D, targets: tf.Tensor2D, logitScaleP: tf.Scalar): tf.Scalar {
  const [B, P] = h.shape;
  const [K, P2] = translated.shape;
  if (P !== P2) throw new Error(`protoLoss: h has ${P} dims, prototypes ${P2}`);
  if (targets.shape[0] !== B || targets.shape[1] !== K) throw new Error(`protoLoss: targets ${targets.shape} ≠ [${B}, ${K}]`);
  return tf.tidy(() => {
    const z = protoLogits(h, translated, logitScaleP);
    // −Σ_ik q_ik (z_ik − lse_i) = Σ_i (Σ_k q_ik)·lse_i − Σ_ik q_ik z_ik (no [B,K]−[B,1] broadcast)
    const lse = tf.logSumExp(z, 1); // [B]
    return tf.div(tf.sub(tf.sum(tf.mul(tf.sum(targets, 1), lse)), tf.sum(tf.mul(targets, z))), B) as tf.Scalar;
  });
}

/** Hard-label cross-entropy −(1/B) Σ_i log softmax_{a_i}(s_p·h_i·Ĉ), labels in [0, K). */
export function protoHardLoss(
  h: tf.Tensor2D,
  translated: tf.Tensor2D,
  labels: Int32Array | tf.Tensor1D,
  logitScaleP: tf.Scalar,
): tf.Scalar {
  const K = translated.shape[0];
  const B = labels instanceof Int32Array ? labels.length : labels.shape[0];
  if (B !== h.shape[0]) throw new Error(`protoHardLoss: ${B} labels for ${h.shape[0]} rows`);
  return tf.tidy(() => {
    const a = labels instanceof Int32Array ? tf.tensor1d(labels, 'int32') : labels;
    return protoLoss(h, translated, oneHotFloat(a, K), logitScaleP);
  });
}

/** Fraction of rows whose argmax logit is the argmax target (diagnostic, as the paper logs). Caller disposes. */
export function protoAccuracy(h: tf.Tensor2D, translated: tf.Tensor2D, targets: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => {
    const pred = tf.argMax(tf.matMul(h, tf.transpose(translated)), 1);
    return tf.mean(tf.cast(tf.equal(pred, tf.argMax(targets, 1)), 'float32')) as tf.Scalar;
  });
}
