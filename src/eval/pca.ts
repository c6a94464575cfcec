// Principal components of n points x_i ∈ R^d in float64 (the gap lab's 2-D and 3-D views).
//   centred:   C = (1/n) Σ (x_i − μ)(x_i − μ)ᵀ, μ = mean x_i; axes = top-k eigenvectors of C.
//   uncentred: M = (1/n) Σ x_i x_iᵀ (second moment); its first axis follows the cloud's mean
//              direction, so unit vectors projected on the top 3 axes and renormalised keep their
//              place on the sphere (the view of Liang et al.'s figure: two cones on S²).
// A basis is plain data: fitted once (e.g. on one recorded step) it projects every other step, so
// motion between steps is motion of the points, not of the axes.
import { symmetricEigen } from './symmetricEigen';

export interface PcaBasis {
  d: number;
  k: number;
  /** Subtracted before projecting (zeros for an uncentred basis). */
  mean: Float64Array;
  /** Row-major k×d: row j is axis j (a unit vector). */
  axes: Float64Array;
  /** Variance (centred) or second moment (uncentred) along each axis. */
  variances: Float64Array;
  /** Sum over all d eigenvalues: explained share of axis j = variances[j] / total. */
  total: number;
}

/** Fits the top-k axes of the n×d row-major points `x` (several arrays are pooled, e.g. u and v). */
export function fitPca(parts: readonly ArrayLike<number>[], d: number, k: number, centred = true): PcaBasis {
  if (k < 1 || k > d) throw new Error(`PCA to ${k} dimensions of ${d} is not possible`);
  let n = 0;
  const mean = new Float64Array(d);
  for (const x of parts) {
    if (x.length % d !== 0) throw new Error(`expected rows of ${d} values, got ${x.length} values`);
    n += x.length / d;
    if (centred) for (let i = 0; i < x.length; i++) mean[i % d]! += x[i]!;
  }
  if (n === 0) throw new Error('PCA of no points');
  for (let j = 0; j < d; j++) mean[j]! /= n;
  const cov = new Float64Array(d * d);
  const row = new Float64Array(d);
  for (const x of parts)
    for (let i = 0; i < x.length; i += d) {
      for (let j = 0; j < d; j++) row[j] = x[i + j]! - mean[j]!;
      for (let a = 0; a < d; a++) {
        const ra = row[a]!;
        for (let b = a; b < d; b++) cov[a * d + b]! += ra * row[b]!;
      }
    }
  for (let a = 0; a < d; a++)
    for (let b = a; b < d; b++) {
      cov[a * d + b]! /= n;
      cov[b * d + a] = cov[a * d + b]!;
    }
  const eig = symmetricEigen(cov, d);
  const axes = new Float64Array(k * d);
  for (let j = 0; j < k; j++) for (let a = 0; a < d; a++) axes[j * d + a] = eig.vectors[a * d + j]!;
  let total = 0;
  for (const l of eig.values) total += Math.max(0, l);
  return { d, k, mean, axes, variances: eig.values.slice(0, k), total };
}

/** Coordinates of the n×d points on the basis: n×k, row-major. `sphere`: each row scaled to unit length. */
export function projectPca(basis: PcaBasis, x: ArrayLike<number>, sphere = false): Float32Array {
  const { d, k, mean, axes } = basis;
  const n = x.length / d;
  const out = new Float32Array(n * k);
  for (let i = 0; i < n; i++) {
    let norm = 0;
    for (let j = 0; j < k; j++) {
      let s = 0;
      for (let a = 0; a < d; a++) s += (x[i * d + a]! - mean[a]!) * axes[j * d + a]!;
      out[i * k + j] = s;
      norm += s * s;
    }
    if (sphere && norm > 0) for (let j = 0; j < k; j++) out[i * k + j]! /= Math.sqrt(norm);
  }
  return out;
}
