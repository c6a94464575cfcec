// Eigen-decomposition of a small symmetric matrix A = Q Λ Qᵀ in float64, by cyclic Jacobi
// rotations: each sweep zeroes every off-diagonal a_pq with a plane rotation chosen so that
// tan 2θ = 2 a_pq / (a_qq − a_pp); the off-diagonal mass falls quadratically once small. Exact to
// rounding for the d ≤ a few hundred of an embedding space, and needs no library (PCA of the gap
// lab, Procrustes alignment). Eigenvalues come sorted in descending order, eigenvectors as the
// columns of Q, each with its largest-magnitude entry positive (a fixed sign: bases do not flip).

export interface SymmetricEigen {
  /** λ_1 ≥ λ_2 ≥ … ≥ λ_d. */
  values: Float64Array;
  /** Row-major d×d; column k is the unit eigenvector of values[k]. */
  vectors: Float64Array;
  d: number;
}

const MAX_SWEEPS = 60;

/** `a`: row-major d×d, symmetric (only read, never changed). */
export function symmetricEigen(a: ArrayLike<number>, d: number): SymmetricEigen {
  if (a.length !== d * d) throw new Error(`expected a ${d}×${d} matrix, got ${a.length} values`);
  const m = Float64Array.from(a);
  const q = new Float64Array(d * d);
  for (let i = 0; i < d; i++) q[i * d + i] = 1;
  let scale = 0;
  for (let i = 0; i < d * d; i++) scale += m[i]! * m[i]!;
  const tol = 1e-30 * Math.max(scale, 1e-300);
  for (let sweep = 0; sweep < MAX_SWEEPS; sweep++) {
    let off = 0;
    for (let p = 0; p < d; p++) for (let r = p + 1; r < d; r++) off += m[p * d + r]! * m[p * d + r]!;
    if (off <= tol) break;
    for (let p = 0; p < d - 1; p++)
      for (let r = p + 1; r < d; r++) {
        const apr = m[p * d + r]!;
        if (apr === 0) continue;
        // t = tan θ, the smaller root of t² + 2τt − 1 = 0 with τ = (a_rr − a_pp) / (2 a_pr).
        const tau = (m[r * d + r]! - m[p * d + p]!) / (2 * apr);
        const t = Math.sign(tau || 1) / (Math.abs(tau) + Math.sqrt(1 + tau * tau));
        const c = 1 / Math.sqrt(1 + t * t);
        const s = t * c;
        for (let k = 0; k < d; k++) {
          // columns p and r of M ← M J
          const mkp = m[k * d + p]!;
          const mkr = m[k * d + r]!;
          m[k * d + p] = c * mkp - s * mkr;
          m[k * d + r] = s * mkp + c * mkr;
        }
        for (let k = 0; k < d; k++) {
          // rows p and r of M ← Jᵀ M
          const mpk = m[p * d + k]!;
          const mrk = m[r * d + k]!;
          m[p * d + k] = c * mpk - s * mrk;
          m[r * d + k] = s * mpk + c * mrk;
        }
        for (let k = 0; k < d; k++) {
          const qkp = q[k * d + p]!;
          const qkr = q[k * d + r]!;
          q[k * d + p] = c * qkp - s * qkr;
          q[k * d + r] = s * qkp + c * qkr;
        }
      }
  }
  const order = Array.from({ length: d }, (_, i) => i).sort((i, j) => m[j * d + j]! - m[i * d + i]!);
  const values = new Float64Array(d);
  const vectors = new Float64Array(d * d);
  order.forEach((src, k) => {
    values[k] = m[src * d + src]!;
    let big = 0;
    for (let i = 0; i < d; i++) if (Math.abs(q[i * d + src]!) > Math.abs(big)) big = q[i * d + src]!;
    const sign = big < 0 ? -1 : 1;
    for (let i = 0; i < d; i++) vectors[i * d + k] = sign * q[i * d + src]!;
  });
  return { values, vectors, d };
}
