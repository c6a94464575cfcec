// The 3-D sphere lesson of the modality-gap lab (Liang et al. 2022; docs/methods.md §6): six
// images on the equator at azimuths −20°, 0°, …, 80°; each text at its image's azimuth but at
// latitude Δθ; the first two texts swapped (two mismatched pairs). The symmetric InfoNCE loss at a
// fixed logit scale s as Δθ varies shows when a gap is where the loss is lowest: at s = 100 the
// minimum sits near |Δθ| ≈ 78° (loss ≈ 0.81, against ≈ 2.01 with no gap); at s = 5 or 1, and
// without the mismatch, it sits at Δθ = 0. Pure float64.
import { softmaxRows } from '../eval/softmax';

export const SPHERE_AZIMUTHS_DEG: readonly number[] = [-20, 0, 20, 40, 60, 80];

const rad = (deg: number) => (deg * Math.PI) / 180;

/** Unit image (row i) and text (row i) vectors, 6×3 row-major, for a latitude shift `deltaDeg`. */
export function spherePairs(deltaDeg: number, mismatched = true): { u: Float64Array; v: Float64Array; n: number } {
  const n = SPHERE_AZIMUTHS_DEG.length;
  const u = new Float64Array(n * 3);
  const v = new Float64Array(n * 3);
  const t = rad(deltaDeg);
  SPHERE_AZIMUTHS_DEG.forEach((a, i) => {
    const j = mismatched && i < 2 ? 1 - i : i; // text i sits at the azimuth of image j
    u.set([Math.cos(rad(a)), Math.sin(rad(a)), 0], i * 3);
    const b = rad(SPHERE_AZIMUTHS_DEG[j]!);
    v.set([Math.cos(t) * Math.cos(b), Math.cos(t) * Math.sin(b), Math.sin(t)], i * 3);
  });
  return { u, v, n };
}

/**
 * Symmetric InfoNCE of n pairs of row-major n×d embeddings at logit scale s:
 * ½ (mean_i −log softmax_j(s u_i·v_j)_i + mean_j −log softmax_i(s u_i·v_j)_j).
 */
export function symmetricInfoNce(u: ArrayLike<number>, v: ArrayLike<number>, n: number, d: number, s: number): number {
  const rows = new Float64Array(n * n); // s u_i·v_j: image i over the texts
  const cols = new Float64Array(n * n); // its transpose: text j over the images
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      let dot = 0;
      for (let k = 0; k < d; k++) dot += u[i * d + k]! * v[j * d + k]!;
      rows[i * n + j] = cols[j * n + i] = s * dot;
    }
  const meanNll = (p: Float64Array) => {
    let total = 0;
    for (let i = 0; i < n; i++) total -= Math.log(p[i * n + i]!);
    return total / n;
  };
  return (meanNll(softmaxRows(rows, n, n)) + meanNll(softmaxRows(cols, n, n))) / 2;
}

/** The lesson's loss at one latitude shift. */
export function sphereLoss(deltaDeg: number, scale: number, mismatched = true): number {
  const { u, v, n } = spherePairs(deltaDeg, mismatched);
  return symmetricInfoNce(u, v, n, 3, scale);
}

/** Loss over Δθ from −90° to 90° in `stepDeg` steps, and where it is lowest (ties: the smallest |Δθ|). */
export function sphereLossCurve(scale: number, mismatched = true, stepDeg = 0.5): { deltaDeg: number[]; loss: number[]; minimumDeg: number; minimumLoss: number } {
  const deltaDeg: number[] = [];
  const loss: number[] = [];
  let minimumDeg = 0;
  let minimumLoss = Infinity;
  const steps = Math.round(180 / stepDeg);
  for (let k = 0; k <= steps; k++) {
    const d = -90 + k * stepDeg;
    const l = sphereLoss(d, scale, mismatched);
    deltaDeg.push(d);
    loss.push(l);
    if (l < minimumLoss - 1e-12 || (Math.abs(l - minimumLoss) <= 1e-12 && Math.abs(d) < Math.abs(minimumDeg))) (minimumLoss = l), (minimumDeg = d);
  }
  return { deltaDeg, loss, minimumDeg, minimumLoss };
}
