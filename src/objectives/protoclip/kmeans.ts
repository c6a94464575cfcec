// K-means for ProtoCLIP episodes (methods.md §5 step 3), on the active tfjs backend.
//
// - Seeding: k-means++ (Arthur & Vassilvitskii 2007). The random draws come from a seeded JS Rng
//   (one uniform per centroid); the D² distances, their cumulative sum and the inverse-CDF lookup
//   stay on device, so seeding costs no GPU→CPU round trip per centroid (K readbacks of E floats
//   would dominate on webgl/webgpu). The chosen point is the first i with cdf_i > r·total, which
//   always has D²_i > 0 while any point is uncovered; when every point coincides with a chosen
//   centroid (K > distinct points) it falls back to point E−1 (or to a point whose D² is rounding
//   noise), i.e. a duplicate centroid, which then ends up empty (argmin ties go to the lower index)
//   and becomes the zero vector.
// - Lloyd: `iterations` rounds of {assign a_i = argmin_k ||x_i − c_k||² (= argmin ||c_k||² − 2 x_i·c_k,
//   one plain matMul per row chunk); c_k = plain mean of members (one-hot matMul, see clusterOps), NOT renormalised;
//   empty cluster → zero vector}. Stops early at a fixed point (no assignment changed: one scalar
//   read per round), which does not change the result.
// - The returned assignments and centroids are consistent: centroids are the means of exactly those
//   assignments, and inertia = Σ_i ||x_i − c_{a_i}||² for that pair (computed directly, no cancellation).
// - Best of `restarts` by inertia (ties → earliest restart); restart r draws from
//   Rng(deriveSeed(seed, `kmeans.restart.${r}`)), so restart r is the same run whatever the count.
// - Memory: every [rows, K] temporary is bounded by maxChunkElements (default 2^21 floats); for
//   E = 20k, K = 2k that is 1024-row chunks. Besides X the persistent state is O(E + K·P).
// Deterministic per (seed, backend): the same inputs and seed give the same result on one backend;
// different backends may round differently and so can differ on near-ties.
import * as tf from '@tensorflow/tfjs';
import { Rng, deriveSeed } from '../../util/prng';
import {
  chunkRows,
  clusterSums,
  DEFAULT_MAX_CHUNK_ELEMENTS,
  disposeChunks,
  meansFromSums,
  oneHotFloat,
  prepareChunks,
  type RowChunk,
} from './clusterOps';

export interface KMeansOptions {
  seed: number;
  /** Lloyd rounds (default 20). */
  iterations?: number;
  /** Independent k-means++ restarts; the lowest inertia wins (default 3). */
  restarts?: number;
  /** Bound on the elements of one [rows, K] temporary (default 2^21). */
  maxChunkElements?: number;
}

export interface KMeansResult {
  /** a_i ∈ [0, K) for each of the E rows. */
  assignments: Int32Array;
  /** [K, P] plain means of the members (not renormalised); empty clusters are zero rows. Caller disposes. */
  centroids: tf.Tensor2D;
  /** Σ_i ||x_i − c_{a_i}||² of the returned pair. */
  inertia: number;
  /** Which restart won. */
  bestRestart: number;
  /** Inertia of every restart, in order. */
  restartInertias: number[];
  /** Lloyd rounds each restart ran before reaching a fixed point (≤ iterations). */
  restartIterations: number[];
  /** Number of empty clusters in the returned solution. */
  emptyClusters: number;
}

/** k-means++ seeding on device; returns the K initial centroids [K, P]. */
function kmeansPlusPlus(X: tf.Tensor2D, sqNorm: tf.Tensor1D, K: number, rng: Rng): tf.Tensor2D {
  const [E, P] = X.shape;
  const distTo = (c: tf.Tensor2D): tf.Tensor1D =>
    // ||x||² − 2 x·c + ||c||², clamped at 0 (rounding), [E]; x·c as a plain matMul with cᵀ [P, 1]
    tf.relu(tf.add(tf.sub(sqNorm, tf.mul(tf.reshape(tf.matMul(X, tf.reshape(c, [P, 1])), [E]), 2)), tf.sum(tf.square(c)))) as tf.Tensor1D;

  const first = rng.int(E);
  let chosen: tf.Tensor1D = tf.tidy(() => tf.pad(tf.tensor1d([first], 'int32'), [[0, K - 1]]) as tf.Tensor1D);
  let minD: tf.Tensor1D = tf.tidy(() => distTo(tf.slice(X, [first, 0], [1, P])));
  for (let k = 1; k < K; k++) {
    const r = rng.uniform();
    const next = tf.tidy(() => {
      const cdf = tf.cumsum(minD);
      const thr = tf.mul(tf.reshape(tf.slice(cdf, [E - 1], [1]), []), r); // scalar: no broadcast
      // index of the first cdf_i > thr = #{i : cdf_i ≤ thr}, capped at E − 1
      const idx = tf.minimum(tf.sum(tf.cast(tf.lessEqual(cdf, thr), 'int32')), tf.scalar(E - 1, 'int32'));
      const idx1 = tf.reshape(idx, [1]) as tf.Tensor1D;
      const c = tf.gather(X, idx1) as tf.Tensor2D; // forward-only gather (no gradient here)
      return {
        chosen: tf.add(chosen, tf.pad(idx1, [[k, K - 1 - k]])) as tf.Tensor1D,
        minD: tf.minimum(minD, distTo(c)) as tf.Tensor1D,
      };
    });
    chosen.dispose();
    minD.dispose();
    chosen = next.chosen;
    minD = next.minD;
  }
  const C = tf.gather(X, chosen) as tf.Tensor2D;
  chosen.dispose();
  minD.dispose();
  return C;
}

/** Assign every chunk: argmin_k ||c_k||² − 2 x·c_k = argmin [x, 1]·[−2Cᵀ; ||c||²] → int32 labels per chunk. */
function assign(chunks: readonly RowChunk[], C: tf.Tensor2D): tf.Tensor1D[] {
  const cAugT = tf.tidy(() => tf.concat([tf.mul(tf.transpose(C), -2), tf.reshape(tf.sum(tf.square(C), 1), [1, -1])], 0)); // [P+1, K]
  // one scope per chunk: only one [rows, K] score matrix alive at a time
  const out = chunks.map((c) => tf.tidy(() => tf.argMin(tf.matMul(c.xAug, cAugT), 1) as tf.Tensor1D));
  cAugT.dispose();
  return out;
}

function centroidsOf(chunks: readonly RowChunk[], labels: readonly tf.Tensor1D[], K: number): { C: tf.Tensor2D; counts: tf.Tensor1D } {
  return tf.tidy(() => {
    const { sums, counts } = clusterSums(chunks, labels, K);
    return { C: meansFromSums(sums, counts), counts };
  });
}

interface RunResult {
  labels: tf.Tensor1D[];
  C: tf.Tensor2D;
  counts: tf.Tensor1D;
  inertia: number;
  iterations: number;
}

async function runOnce(X: tf.Tensor2D, sqNorm: tf.Tensor1D, chunks: readonly RowChunk[], K: number, iterations: number, rng: Rng): Promise<RunResult> {
  let C = kmeansPlusPlus(X, sqNorm, K, rng);
  let labels: tf.Tensor1D[] = [];
  let counts: tf.Tensor1D | null = null;
  let rounds = 0;
  for (let it = 0; it < Math.max(1, iterations); it++) {
    const next = assign(chunks, C);
    const changed =
      labels.length === 0
        ? null
        : tf.tidy(() => {
            let total: tf.Tensor = tf.scalar(0, 'int32');
            next.forEach((a, i) => (total = tf.add(total, tf.sum(tf.cast(tf.notEqual(a, labels[i]), 'int32')))));
            return total;
          });
    const upd = centroidsOf(chunks, next, K);
    C.dispose();
    counts?.dispose();
    labels.forEach((t) => t.dispose());
    C = upd.C;
    counts = upd.counts;
    labels = next;
    rounds = it + 1;
    if (changed) {
      const n = (await changed.data())[0];
      changed.dispose();
      if (n === 0) break; // fixed point: further rounds reproduce the same (labels, C)
    }
  }
  let inertia = 0;
  for (let i = 0; i < chunks.length; i++) {
    const part = tf.tidy(() => tf.sum(tf.square(tf.sub(chunks[i].x, tf.matMul(oneHotFloat(labels[i], K), C))))); // Σ ||x − c_{a}||²
    inertia += (await part.data())[0]; // summed in float64
    part.dispose();
  }
  return { labels, C, counts: counts!, inertia, iterations: rounds };
}

function disposeRun(r: RunResult): void {
  r.labels.forEach((t) => t.dispose());
  r.C.dispose();
  r.counts.dispose();
}

/**
 * K-means over the rows of X [E, P] (ProtoCLIP uses L2-normalised head features, but nothing here
 * assumes unit rows). K ≥ 2; K > E (or > distinct rows) is allowed and yields empty (zero) clusters.
 * Does not dispose X; returns centroids the caller must dispose.
 */
export async function kmeans(X: tf.Tensor2D, K: number, opts: KMeansOptions): Promise<KMeansResult> {
  const [E] = X.shape;
  if (!Number.isInteger(K) || K < 2) throw new Error(`kmeans: K must be an integer ≥ 2, got ${K}`);
  if (E < 1) throw new Error('kmeans: no rows');
  const iterations = opts.iterations ?? 20;
  const restarts = Math.max(1, opts.restarts ?? 3);
  const rows = chunkRows(K, opts.maxChunkElements ?? DEFAULT_MAX_CHUNK_ELEMENTS);

  const sqNorm = tf.tidy(() => tf.sum(tf.square(X), 1) as tf.Tensor1D);
  const chunks = prepareChunks(X, rows);
  let best: RunResult | null = null;
  let bestRestart = 0;
  const restartInertias: number[] = [];
  const restartIterations: number[] = [];
  try {
    for (let r = 0; r < restarts; r++) {
      const run = await runOnce(X, sqNorm, chunks, K, iterations, new Rng(deriveSeed(opts.seed, `kmeans.restart.${r}`)));
      restartInertias.push(run.inertia);
      restartIterations.push(run.iterations);
      if (!best || run.inertia < best.inertia) {
        if (best) disposeRun(best);
        best = run;
        bestRestart = r;
      } else disposeRun(run);
    }
  } catch (e) {
    if (best) disposeRun(best);
    throw e;
  } finally {
    sqNorm.dispose();
    disposeChunks(chunks);
  }
  const win = best!;
  const assignments = new Int32Array(E);
  let offset = 0;
  for (const t of win.labels) {
    const v = (await t.data()) as Int32Array;
    assignments.set(v, offset);
    offset += v.length;
  }
  const counts = (await win.counts.data()) as Float32Array;
  let emptyClusters = 0;
  for (let k = 0; k < K; k++) if (counts[k] === 0) emptyClusters++;
  win.labels.forEach((t) => t.dispose());
  win.counts.dispose();
  return {
    assignments,
    centroids: win.C,
    inertia: win.inertia,
    bestRestart,
    restartInertias,
    restartIterations,
    emptyClusters,
  };
}
