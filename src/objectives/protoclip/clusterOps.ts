// Shared cluster primitives for ProtoCLIP (methods.md §5): one-hots, row chunks, and chunked
// per-cluster sums/means. One implementation serves k-means' centroid update, the plain centroids
// helper and Prototypical Back Translation.
//
// Backend notes (tfjs 4.22):
// - One-hots are tf.oneHot's default int32 output cast to float32: a float32 tf.oneHot is garbage on
//   wasm, and relu(1 − |k − a|) style broadcasts are ~50× slower on the cpu backend (its broadcasting
//   binary ops index element by element).
// - A one-hot cast from int32 is never transposed or reduced over a non-last axis (both broken on
//   webgpu for int32-backed buffers without our postinstall patch): per-cluster sums AND counts come
//   from one plain matMul [xᵀ; 1] · M → [P+1, K], whose float result is then transposed.
// - No broadcasting of large operands, no addN (chunks are accumulated with 2-input adds).
import * as tf from '@tensorflow/tfjs';

/** Default bound on the elements of one [rows, K] chunk temporary (2^21 floats = 8 MiB). */
export const DEFAULT_MAX_CHUNK_ELEMENTS = 1 << 21;

/** Rows per chunk so that rows·K ≤ maxElements (at least 1). */
export function chunkRows(K: number, maxElements = DEFAULT_MAX_CHUNK_ELEMENTS): number {
  return Math.max(1, Math.floor(maxElements / Math.max(1, K)));
}

/** One-hot [n, K] float32 of integer labels (int32, or integer-valued float32); out-of-range labels give zero rows. */
export function oneHotFloat(labels: tf.Tensor1D, K: number): tf.Tensor2D {
  return tf.tidy(() => {
    const a = labels.dtype === 'int32' ? labels : tf.cast(labels, 'int32');
    if (K === 1) return tf.cast(tf.reshape(tf.equal(a, 0), [-1, 1]), 'float32') as tf.Tensor2D;
    return tf.cast(tf.oneHot(a, K), 'float32') as tf.Tensor2D;
  });
}

/** A block of feature rows prepared for the chunked ops. */
export interface RowChunk {
  /** Rows [n, P]. */
  x: tf.Tensor2D;
  /** [x, 1] → [n, P+1]: one matMul with [−2Cᵀ; ||c||²] gives ||c_k||² − 2 x·c_k. */
  xAug: tf.Tensor2D;
  /** [xᵀ; 1] → [P+1, n]: one matMul with a one-hot gives per-cluster sums and counts. */
  xtAug: tf.Tensor2D;
}

/** Split X [E, P] into chunks of ≤ rows rows with their augmented forms. Caller disposes (disposeChunks). */
export function prepareChunks(X: tf.Tensor2D, rows: number): RowChunk[] {
  const [E, P] = X.shape;
  const out: RowChunk[] = [];
  for (let start = 0; start < E; start += rows) {
    const n = Math.min(rows, E - start);
    out.push(
      tf.tidy(() => {
        const x = n === E ? tf.clone(X) : tf.slice(X, [start, 0], [n, P]);
        const xAug = tf.concat([x, tf.ones([n, 1])], 1) as tf.Tensor2D;
        return { x, xAug, xtAug: tf.transpose(xAug) as tf.Tensor2D };
      }),
    );
  }
  return out;
}

export function disposeChunks(chunks: readonly RowChunk[]): void {
  for (const c of chunks) tf.dispose([c.x, c.xAug, c.xtAug]);
}

/**
 * Per-cluster sums [K, P] and member counts [K] over the chunks (labels[i] labels chunks[i]'s rows):
 * Σ_chunks [xᵀ; 1]·onehot, transposed once at the end.
 */
export function clusterSums(chunks: readonly RowChunk[], labels: readonly tf.Tensor1D[], K: number): { sums: tf.Tensor2D; counts: tf.Tensor1D } {
  if (chunks.length === 0 || chunks.length !== labels.length) throw new Error('clusterSums: need one label vector per chunk');
  // Per-chunk scopes: each chunk's [n, K] one-hot is released before the next chunk's is made, so
  // memory stays O(rows·K) however many chunks there are (one outer tidy would keep them all).
  let acc: tf.Tensor2D | null = null;
  for (let i = 0; i < chunks.length; i++) {
    const part = tf.tidy(() => tf.matMul(chunks[i].xtAug, oneHotFloat(labels[i], K)) as tf.Tensor2D); // [P+1, K]
    if (acc) {
      const next: tf.Tensor2D = tf.add(acc, part);
      tf.dispose([acc, part]);
      acc = next;
    } else acc = part;
  }
  const total = acc!;
  return tf.tidy(() => {
    const accT = tf.transpose(total) as tf.Tensor2D; // [K, P+1]
    total.dispose();
    const P = accT.shape[1] - 1;
    return {
      sums: tf.slice(accT, [0, 0], [K, P]) as tf.Tensor2D,
      counts: tf.reshape(tf.slice(accT, [0, P], [K, 1]), [K]) as tf.Tensor1D,
    };
  });
}

/** Plain means [K, P] from sums and counts; an empty cluster (count 0) gives the zero vector. */
export function meansFromSums(sums: tf.Tensor2D, counts: tf.Tensor1D): tf.Tensor2D {
  return tf.tidy(() => tf.div(sums, tf.reshape(tf.maximum(counts, 1), [-1, 1])) as tf.Tensor2D);
}
