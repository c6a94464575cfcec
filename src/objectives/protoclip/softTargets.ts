// ProtoCLIP soft targets (methods.md §5 losses): for pair i whose (same-modality) cluster is a_i,
//   q_ik = softmax_k( C_{a_i} · C_k / τ ),  τ = 0.01
// i.e. how close the paired sample's own prototype is to every prototype. C are the plain
// (unnormalised) centroids; an empty cluster's zero centroid gets logit 0. Targets are constants
// (no gradient is needed or intended); the row lookup is a one-hot matMul, not a gather.
import * as tf from '@tensorflow/tfjs';
import { oneHotFloat } from './clusterOps';

export const DEFAULT_TARGET_TEMPERATURE = 0.01;

/** [B, K] soft targets for a batch whose cluster labels (in this centroid set) are `assignmentsOfBatch`. */
export function protoSoftTargets(
  centroids: tf.Tensor2D,
  assignmentsOfBatch: Int32Array | tf.Tensor1D,
  tau = DEFAULT_TARGET_TEMPERATURE,
): tf.Tensor2D {
  if (!(tau > 0)) throw new Error(`protoSoftTargets: τ must be > 0, got ${tau}`);
  const K = centroids.shape[0];
  return tf.tidy(() => {
    const a = assignmentsOfBatch instanceof Int32Array ? tf.tensor1d(assignmentsOfBatch, 'int32') : assignmentsOfBatch;
    const own = tf.matMul(oneHotFloat(a, K), centroids); // C_{a_i}, [B, P]
    const logits = tf.mul(tf.matMul(own, tf.transpose(centroids)), 1 / tau); // [B, K]
    return tf.softmax(logits, -1) as tf.Tensor2D;
  });
}
