// Modality-gap metrics of a probe set of n paired unit embeddings u_i (images) and v_i (texts), in
// float64 (docs/methods.md §6). Pure: row-major n×d arrays in, numbers out; n ≤ a few thousand.
//   centroid distance ‖Δ‖, Δ = mean u − mean v                        (Liang et al. 2022)
//   relative gap RMG = d_pair / (d_pair + ½(d_img + d_txt)), d(x, y) = (1 − cos)/2, d_img and d_txt
//     over pairs i ≠ j of one modality                                 (Schrodi et al. 2025)
//   separability: held-out accuracy of a logistic regression telling u from v (fit on the even
//     pairs, scored on the odd ones); ≈ 1 apart, ≈ 0.5 mixed
//   cone: mean_{i≠j} x_i · x_j within one modality (near 1 = a narrow cone)
//   alignment mean_i ‖u_i − v_i‖²; uniformity log mean_{i≠j} exp(−2‖x_i − x_j‖²) per modality,
//     and their mean                                                   (Wang & Isola 2020)
//   per-dimension gap |mean u_d − mean v_d|
import { fitLinearProbe, probeAccuracy, type ProbeData } from './linearProbe';

export interface GapMetrics {
  centroidDistance: number;
  relativeGap: number;
  separability: number;
  coneImage: number;
  coneText: number;
  alignment: number;
  uniformity: number;
  uniformityImage: number;
  uniformityText: number;
  /** |mean u_d − mean v_d| for each dimension d. */
  perDimension: Float64Array;
}

/** L2 strength of the separability probe: small, the features are unit vectors. */
export const SEPARABILITY_LAMBDA = 1e-4;

function dot(a: ArrayLike<number>, i: number, b: ArrayLike<number>, j: number, d: number): number {
  let s = 0;
  for (let k = 0; k < d; k++) s += a[i * d + k]! * b[j * d + k]!;
  return s;
}

/** Cone (mean over i ≠ j of cos(x_i, x_j)) and uniformity (log mean over i ≠ j of exp(−2‖x_i − x_j‖²)) of one modality. */
function withinModality(x: ArrayLike<number>, n: number, d: number): { cone: number; uniformity: number } {
  const sq = new Float64Array(n);
  for (let i = 0; i < n; i++) sq[i] = dot(x, i, x, i, d);
  let cos = 0;
  let expSum = 0;
  for (let i = 0; i < n; i++)
    for (let j = i + 1; j < n; j++) {
      const ij = dot(x, i, x, j, d);
      cos += ij / Math.sqrt(sq[i]! * sq[j]!);
      expSum += Math.exp(-2 * (sq[i]! + sq[j]! - 2 * ij)); // ‖x_i − x_j‖² = ‖x_i‖² + ‖x_j‖² − 2 x_i·x_j
    }
  const pairs = (n * (n - 1)) / 2;
  return { cone: cos / pairs, uniformity: Math.log(expSum / pairs) };
}

/** Every metric of the header for n ≥ 4 pairs (two per half for the separability probe). */
export function gapMetrics(u: ArrayLike<number>, v: ArrayLike<number>, n: number, d: number): GapMetrics {
  if (n < 4) throw new Error(`gap metrics need at least 4 pairs, got ${n}`);
  if (u.length !== n * d || v.length !== n * d) throw new Error(`expected ${n}×${d} embeddings, got ${u.length} and ${v.length} values`);
  const perDimension = new Float64Array(d);
  for (let k = 0; k < d; k++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += u[i * d + k]! - v[i * d + k]!;
    perDimension[k] = Math.abs(s / n);
  }
  const centroidDistance = Math.hypot(...perDimension);

  let pair = 0;
  let alignment = 0;
  for (let i = 0; i < n; i++) {
    const uv = dot(u, i, v, i, d);
    const uu = dot(u, i, u, i, d);
    const vv = dot(v, i, v, i, d);
    pair += (1 - uv / Math.sqrt(uu * vv)) / 2;
    alignment += uu + vv - 2 * uv;
  }
  pair /= n;
  alignment /= n;
  const img = withinModality(u, n, d);
  const txt = withinModality(v, n, d);

  return {
    centroidDistance,
    // d_img = mean_{i≠j} (1 − cos)/2 = (1 − cone)/2, likewise d_txt
    relativeGap: pair / (pair + ((1 - img.cone) / 2 + (1 - txt.cone) / 2) / 2),
    separability: separability(u, v, n, d),
    coneImage: img.cone,
    coneText: txt.cone,
    alignment,
    uniformity: (img.uniformity + txt.uniformity) / 2,
    uniformityImage: img.uniformity,
    uniformityText: txt.uniformity,
    perDimension,
  };
}

/** Logistic regression image (0) vs text (1), fitted on the embeddings of even pairs, scored on the odd pairs. */
export function separability(u: ArrayLike<number>, v: ArrayLike<number>, n: number, d: number): number {
  const half = (odd: number): ProbeData => {
    const rows: number[] = [];
    for (let i = odd; i < n; i += 2) rows.push(i);
    const x = new Float64Array(rows.length * 2 * d);
    const y = new Int32Array(rows.length * 2);
    rows.forEach((i, r) => {
      for (let k = 0; k < d; k++) {
        x[2 * r * d + k] = u[i * d + k]!;
        x[(2 * r + 1) * d + k] = v[i * d + k]!;
      }
      y[2 * r + 1] = 1;
    });
    return { x, y, n: rows.length * 2, d };
  };
  return probeAccuracy(fitLinearProbe(half(0), 2, SEPARABILITY_LAMBDA), half(1));
}
