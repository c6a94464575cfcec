// Prototypical Back Translation (methods.md §5 step 4) and plain cluster centroids: both are the
// per-cluster mean of some features over a grouping, so they share one implementation.
//   clusterMeans(h, a, K)_k = mean{ h_i : a_i = k }   (empty cluster → zero vector; not renormalised)
//   backTranslate(h^I, a^T, K) = C^{T→I}: each TEXT cluster translated into IMAGE space as the mean of
//   the image features of the pairs whose text fell in it (and symmetrically C^{I→T} = backTranslate(h^T, a^I, K)).
// Built with chunked one-hot matMuls (no gather, no scatter), forward only: ProtoCLIP treats the
// result as a constant for the episode (do not differentiate through it; the chunks are disposed).
import * as tf from '@tensorflow/tfjs';
import { chunkRows, clusterSums, DEFAULT_MAX_CHUNK_ELEMENTS, disposeChunks, meansFromSums, prepareChunks } from './clusterOps';

/**
 * Per-cluster means of `features` [E, P] grouped by `assignments` (length E, values in [0, K)).
 * Returns [K, P]; empty clusters are zero rows. Does not dispose its inputs.
 */
export function clusterMeans(
  features: tf.Tensor2D,
  assignments: Int32Array | tf.Tensor1D,
  K: number,
  maxChunkElements = DEFAULT_MAX_CHUNK_ELEMENTS,
): tf.Tensor2D {
  const [E] = features.shape;
  const n = assignments instanceof Int32Array ? assignments.length : assignments.shape[0];
  if (n !== E) throw new Error(`clusterMeans: ${n} assignments for ${E} rows`);
  if (!Number.isInteger(K) || K < 1) throw new Error(`clusterMeans: bad K ${K}`);
  if (assignments instanceof Int32Array) {
    for (let i = 0; i < E; i++) {
      const a = assignments[i];
      if (a < 0 || a >= K) throw new Error(`clusterMeans: assignment ${a} at row ${i} outside [0, ${K})`);
    }
  }
  const rows = chunkRows(K, maxChunkElements);
  const chunks = prepareChunks(features, rows);
  try {
    return tf.tidy(() => {
      const labels = assignments instanceof Int32Array ? tf.tensor1d(assignments, 'int32') : assignments;
      const parts = chunks.map((c, i) => (chunks.length === 1 ? labels : tf.slice(labels, [i * rows], [c.x.shape[0]])));
      const { sums, counts } = clusterSums(chunks, parts, K);
      return meansFromSums(sums, counts);
    });
  } finally {
    disposeChunks(chunks);
  }
}

/**
 * PBT: prototypes of one modality's clusters expressed in the OTHER modality's space.
 * `features` are the other modality's head features h [E, P]; `assignments` are this modality's
 * cluster labels. backTranslate(hI, aT, K) = C^{T→I}; backTranslate(hT, aI, K) = C^{I→T}.
 */
export function backTranslate(features: tf.Tensor2D, assignments: Int32Array | tf.Tensor1D, K: number): tf.Tensor2D {
  return clusterMeans(features, assignments, K);
}
