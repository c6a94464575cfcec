// Distributions of cosines within one snapshot of the probe set (unit rows u_i, v_i, n pairs):
//   true pairs u_i·v_i (n values), negatives u_i·v_j for i ≠ j (n(n−1)), image–image u_i·u_j and
//   text–text v_i·v_j for i < j (n(n−1)/2 each). Shares per bin over [−1, 1] (each histogram sums to 1),
//   and each distribution's mean. A gap shows as true pairs and negatives both shifted below the
//   within-modality cosines; a narrow cone as image–image (or text–text) piled up near 1.

export const COSINE_KINDS = ['pairs', 'negatives', 'imageImage', 'textText'] as const;
export type CosineKind = (typeof COSINE_KINDS)[number];

export interface CosineHistograms {
  bins: number;
  /** Share of values in bin b = [−1 + 2b/bins, −1 + 2(b+1)/bins). */
  shares: Record<CosineKind, Float64Array>;
  means: Record<CosineKind, number>;
}

export function cosineHistograms(u: ArrayLike<number>, v: ArrayLike<number>, n: number, d: number, bins = 40): CosineHistograms {
  const shares = Object.fromEntries(COSINE_KINDS.map((k) => [k, new Float64Array(bins)])) as Record<CosineKind, Float64Array>;
  const sums = Object.fromEntries(COSINE_KINDS.map((k) => [k, 0])) as Record<CosineKind, number>;
  const counts = Object.fromEntries(COSINE_KINDS.map((k) => [k, 0])) as Record<CosineKind, number>;
  const add = (kind: CosineKind, c: number) => {
    const b = Math.min(bins - 1, Math.max(0, Math.floor(((c + 1) / 2) * bins)));
    shares[kind][b]! += 1;
    sums[kind] += c;
    counts[kind] += 1;
  };
  const dot = (a: ArrayLike<number>, i: number, b: ArrayLike<number>, j: number) => {
    let s = 0;
    for (let k = 0; k < d; k++) s += a[i * d + k]! * b[j * d + k]!;
    return s;
  };
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      add(i === j ? 'pairs' : 'negatives', dot(u, i, v, j));
      if (j > i) {
        add('imageImage', dot(u, i, u, j));
        add('textText', dot(v, i, v, j));
      }
    }
  const means = {} as Record<CosineKind, number>;
  for (const k of COSINE_KINDS) {
    const c = counts[k];
    for (let b = 0; b < bins; b++) shares[k][b]! /= c || 1;
    means[k] = c ? sums[k] / c : NaN;
  }
  return { bins, shares, means };
}
