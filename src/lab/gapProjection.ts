// The gap lab's pictures of a probe set's embeddings (docs/methods.md §6):
//   'pca2'    centred PCA of the pooled u_i and v_i to 2-D;
//   'sphere3' second-moment PCA to 3-D, each point renormalised onto the unit sphere (two cones on S²).
// The basis is fitted on one recorded step and held fixed for every other step, so what moves between
// frames is the embeddings, not the axes; 'perStep' refits at each step instead. The centroids are
// the means mean u and mean v projected on the same basis (on the sphere: their directions), and the
// gap vector runs from the text centroid to the image centroid.
import { fitPca, projectPca, type PcaBasis } from '../eval/pca';

export type ProjectionMode = 'pca2' | 'sphere3';

export interface EmbeddingRows {
  step: number;
  /** n × d unit rows, images then texts of the same pairs. */
  u: Float32Array;
  v: Float32Array;
}

export interface ProjectedStep {
  step: number;
  /** 2n × k: rows 0..n−1 the images, n..2n−1 their captions. */
  points: Float32Array;
  /** 2 × k: the image centroid, then the text centroid. */
  centroids: Float32Array;
  /** Share of the variance (or second moment) on each axis of this step's basis. */
  explained: number[];
}

export interface Projection {
  mode: ProjectionMode;
  k: number;
  /** The step whose embeddings fixed the basis; null: refitted per step. */
  basisStep: number | null;
  steps: ProjectedStep[];
}

export const dimsOf = (mode: ProjectionMode): number => (mode === 'pca2' ? 2 : 3);

function fit(rows: EmbeddingRows, d: number, mode: ProjectionMode): PcaBasis {
  return fitPca([rows.u, rows.v], d, dimsOf(mode), mode === 'pca2');
}

function meanRow(x: Float32Array, d: number): Float64Array {
  const n = x.length / d;
  const m = new Float64Array(d);
  for (let i = 0; i < x.length; i++) m[i % d]! += x[i]! / n;
  return m;
}

function projectStep(rows: EmbeddingRows, d: number, basis: PcaBasis, mode: ProjectionMode): ProjectedStep {
  const sphere = mode === 'sphere3';
  const k = basis.k;
  const n = rows.u.length / d;
  const points = new Float32Array(2 * n * k);
  points.set(projectPca(basis, rows.u, sphere), 0);
  points.set(projectPca(basis, rows.v, sphere), n * k);
  const centroids = new Float32Array(2 * k);
  centroids.set(projectPca(basis, meanRow(rows.u, d), sphere), 0);
  centroids.set(projectPca(basis, meanRow(rows.v, d), sphere), k);
  return { step: rows.step, points, centroids, explained: Array.from(basis.variances, (x) => (basis.total > 0 ? x / basis.total : 0)) };
}

/** Projects every step; `basisStep` names the step that fixes the basis ('perStep': each its own). */
export function projectSteps(steps: readonly EmbeddingRows[], d: number, mode: ProjectionMode, basisStep: number | 'perStep'): Projection {
  if (steps.length === 0) return { mode, k: dimsOf(mode), basisStep: null, steps: [] };
  if (basisStep === 'perStep') return { mode, k: dimsOf(mode), basisStep: null, steps: steps.map((s) => projectStep(s, d, fit(s, d, mode), mode)) };
  const ref = steps.find((s) => s.step === basisStep) ?? steps.at(-1)!;
  const basis = fit(ref, d, mode);
  return { mode, k: dimsOf(mode), basisStep: ref.step, steps: steps.map((s) => projectStep(s, d, basis, mode)) };
}
