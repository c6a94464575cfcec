// Orthogonal Procrustes: the rotation R (RᵀR = I) that best maps rows v_i onto u_i,
//   R = argmin ‖V R − U‖_F = A Bᵀ,  where VᵀU = A Σ Bᵀ (SVD)            (Schönemann 1966)
// Used by the re-emergence lesson: rotating the text tower's outputs by R (its projection W ← W R;
// normalisation commutes with a rotation) removes most of the gap at initialisation.
// The SVD comes from the eigen-decomposition KᵀK = B Σ² Bᵀ of K = VᵀU: a_j = K b_j / σ_j, and the
// columns of zero singular values are completed to an orthonormal basis (Gram–Schmidt).
import { symmetricEigen } from './symmetricEigen';

/** Row-major d×d rotation R for n×d row-major `v` (source) and `u` (target). */
export function procrustesRotation(v: ArrayLike<number>, u: ArrayLike<number>, n: number, d: number): Float64Array {
  if (u.length !== n * d || v.length !== n * d) throw new Error(`expected ${n}×${d} points, got ${v.length} and ${u.length} values`);
  const k = new Float64Array(d * d); // K = Vᵀ U
  for (let i = 0; i < n; i++)
    for (let a = 0; a < d; a++) {
      const via = v[i * d + a]!;
      for (let b = 0; b < d; b++) k[a * d + b]! += via * u[i * d + b]!;
    }
  const ktk = new Float64Array(d * d);
  for (let a = 0; a < d; a++)
    for (let b = 0; b < d; b++) {
      let s = 0;
      for (let r = 0; r < d; r++) s += k[r * d + a]! * k[r * d + b]!;
      ktk[a * d + b] = s;
    }
  const { values, vectors: bm } = symmetricEigen(ktk, d);
  const am = new Float64Array(d * d); // columns a_j
  const eps = 1e-10 * Math.sqrt(Math.max(values[0]!, 1e-300));
  const col = new Float64Array(d);
  for (let j = 0; j < d; j++) {
    const sigma = Math.sqrt(Math.max(0, values[j]!));
    col.fill(0);
    if (sigma > eps) for (let a = 0; a < d; a++) for (let r = 0; r < d; r++) col[a]! += (k[a * d + r]! * bm[r * d + j]!) / sigma;
    else col[j] = 1; // a start vector, made orthogonal to the columns before it below
    for (let pass = 0; pass < 2; pass++)
      for (let p = 0; p < j; p++) {
        let dotp = 0;
        for (let a = 0; a < d; a++) dotp += col[a]! * am[a * d + p]!;
        for (let a = 0; a < d; a++) col[a]! -= dotp * am[a * d + p]!;
      }
    let norm = Math.hypot(...col);
    if (norm < 1e-8) {
      // The start vector lay in the span already: try the unit vectors until one does not.
      for (let e = 0; e < d && norm < 1e-8; e++) {
        col.fill(0);
        col[e] = 1;
        for (let p = 0; p < j; p++) {
          const dotp = am[e * d + p]!;
          for (let a = 0; a < d; a++) col[a]! -= dotp * am[a * d + p]!;
        }
        norm = Math.hypot(...col);
      }
    }
    for (let a = 0; a < d; a++) am[a * d + j] = col[a]! / norm;
  }
  const r = new Float64Array(d * d); // R = A Bᵀ
  for (let a = 0; a < d; a++)
    for (let b = 0; b < d; b++) {
      let s = 0;
      for (let j = 0; j < d; j++) s += am[a * d + j]! * bm[b * d + j]!;
      r[a * d + b] = s;
    }
  return r;
}

/** y = x R for n×d row-major x. */
export function rotateRows(x: ArrayLike<number>, r: ArrayLike<number>, d: number): Float64Array {
  const n = x.length / d;
  const out = new Float64Array(n * d);
  for (let i = 0; i < n; i++)
    for (let a = 0; a < d; a++) {
      const xa = x[i * d + a]!;
      if (xa === 0) continue;
      for (let b = 0; b < d; b++) out[i * d + b]! += xa * r[a * d + b]!;
    }
  return out;
}
