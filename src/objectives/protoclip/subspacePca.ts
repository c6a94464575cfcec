// The numerics of the teacher's PCA (teacher.ts), plain JS float64: randomized subspace iteration
// (Halko, Martinsson & Tropp 2011) on the mean-centred covariance of sparse TF-IDF rows,
//   Σ = (1/m) Σ_i (x_i − μ)(x_i − μ)ᵀ, never formed: Y = Σ·Q via two sparse products,
// Gram–Schmidt between rounds, and a cyclic Jacobi eigen-solve for the Rayleigh–Ritz step.
import type { Rng } from '../../util/prng';
import type { SparseRow } from './tfidf';

/** Orthonormalise the columns of row-major A [V, k] in place (modified Gram–Schmidt, twice). */
export function orthonormalise(A: Float64Array, V: number, k: number, rng: Rng): void {
  for (let c = 0; c < k; c++) {
    for (let attempt = 0; attempt < 3; attempt++) {
      for (let pass = 0; pass < 2; pass++) {
        for (let p = 0; p < c; p++) {
          let dot = 0;
          for (let j = 0; j < V; j++) dot += A[j * k + c] * A[j * k + p];
          for (let j = 0; j < V; j++) A[j * k + c] -= dot * A[j * k + p];
        }
      }
      let sq = 0;
      for (let j = 0; j < V; j++) sq += A[j * k + c] ** 2;
      if (sq > 1e-20) {
        const inv = 1 / Math.sqrt(sq);
        for (let j = 0; j < V; j++) A[j * k + c] *= inv;
        break;
      }
      // Collapsed column (rank deficiency): restart it from a fresh random direction.
      for (let j = 0; j < V; j++) A[j * k + c] = rng.normal();
    }
  }
}

/** Y = Σ·Q for the centred covariance of sparse rows, Q and Y row-major [V, k]. */
export function covTimes(rows: readonly SparseRow[], mean: Float64Array, Q: Float64Array, V: number, k: number): Float64Array {
  const Y = new Float64Array(V * k);
  const p = new Float64Array(k);
  for (const { idx, val } of rows) {
    p.fill(0);
    for (let t = 0; t < idx.length; t++) {
      const o = idx[t] * k;
      const v = val[t];
      for (let c = 0; c < k; c++) p[c] += v * Q[o + c];
    }
    for (let t = 0; t < idx.length; t++) {
      const o = idx[t] * k;
      const v = val[t];
      for (let c = 0; c < k; c++) Y[o + c] += v * p[c];
    }
  }
  const m = rows.length;
  // μᵀQ
  const mq = new Float64Array(k);
  for (let j = 0; j < V; j++) {
    const mj = mean[j];
    if (mj === 0) continue;
    for (let c = 0; c < k; c++) mq[c] += mj * Q[j * k + c];
  }
  for (let j = 0; j < V; j++) {
    const mj = mean[j];
    for (let c = 0; c < k; c++) Y[j * k + c] = Y[j * k + c] / m - mj * mq[c];
  }
  return Y;
}

/** Symmetric eigen-decomposition by cyclic Jacobi. A is n×n row-major (destroyed). Returns eigenvalues and column eigenvectors (row-major n×n). */
export function jacobiEigen(A: Float64Array, n: number): { values: Float64Array; vectors: Float64Array } {
  const Vm = new Float64Array(n * n);
  for (let i = 0; i < n; i++) Vm[i * n + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    let total = 0;
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) {
        const a = A[i * n + j] ** 2;
        total += a;
        if (i !== j) off += a;
      }
    if (off <= 1e-30 * Math.max(total, 1e-300)) break;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = A[p * n + q];
        if (Math.abs(apq) < 1e-300) continue;
        const app = A[p * n + p];
        const aqq = A[q * n + q];
        const theta = (aqq - app) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let r = 0; r < n; r++) {
          const arp = A[r * n + p];
          const arq = A[r * n + q];
          A[r * n + p] = c * arp - s * arq;
          A[r * n + q] = s * arp + c * arq;
        }
        for (let r = 0; r < n; r++) {
          const apr = A[p * n + r];
          const aqr = A[q * n + r];
          A[p * n + r] = c * apr - s * aqr;
          A[q * n + r] = s * apr + c * aqr;
        }
        for (let r = 0; r < n; r++) {
          const vrp = Vm[r * n + p];
          const vrq = Vm[r * n + q];
          Vm[r * n + p] = c * vrp - s * vrq;
          Vm[r * n + q] = s * vrp + c * vrq;
        }
      }
    }
  }
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) values[i] = A[i * n + i];
  return { values, vectors: Vm };
}
