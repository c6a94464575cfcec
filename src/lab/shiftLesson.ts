// The "shift along the gap" lesson (Liang et al. 2022; docs/methods.md §6): with Δ = mean u − mean v
// and Δ̂ = Δ/‖Δ‖, move every image embedding by −δ/2 Δ̂ and every text embedding (captions and
// zero-shot class vectors alike) by +δ/2 Δ̂, then renormalise:
//   u'_i = normalise(u_i − (δ/2) Δ̂),   v'_j = normalise(v_j + (δ/2) Δ̂)
// δ = 0 is the trained embedding; δ ≈ ‖Δ‖ closes the gap; δ < 0 widens it. As δ sweeps: the
// symmetric InfoNCE at several fixed logit scales s, the gap left ‖mean u' − mean v'‖, zero-shot
// accuracy and recall@1 both ways among the probe pairs. At a high scale the loss is lowest near the
// trained gap (δ ≈ 0); at s = 1 it is lowest with the gap (nearly) closed. Pure float64.
import { symmetricInfoNce } from './sphereLesson';

function gapDirection(u: ArrayLike<number>, v: ArrayLike<number>, n: number, d: number): { dir: Float64Array; gap: number } {
  const dir = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let k = 0; k < d; k++) dir[k]! += (u[i * d + k]! - v[i * d + k]!) / n;
  const gap = Math.hypot(...dir);
  if (gap > 0) for (let k = 0; k < d; k++) dir[k]! /= gap;
  return { dir, gap };
}

function shifted(x: ArrayLike<number>, rows: number, d: number, dir: Float64Array, by: number): Float64Array {
  const out = new Float64Array(rows * d);
  for (let i = 0; i < rows; i++) {
    let norm = 0;
    for (let k = 0; k < d; k++) norm += (out[i * d + k] = x[i * d + k]! + by * dir[k]!) ** 2;
    const s = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    for (let k = 0; k < d; k++) out[i * d + k]! *= s;
  }
  return out;
}

/** u', v' (and class vectors w') for one δ, and the gap left. */
export function shiftAlongGap(u: ArrayLike<number>, v: ArrayLike<number>, n: number, d: number, delta: number, w: ArrayLike<number> = []): { u: Float64Array; v: Float64Array; w: Float64Array; gapBefore: number; gapAfter: number } {
  const { dir, gap } = gapDirection(u, v, n, d);
  const u2 = shifted(u, n, d, dir, -delta / 2);
  const v2 = shifted(v, n, d, dir, delta / 2);
  const w2 = shifted(w, w.length / d, d, dir, delta / 2);
  return { u: u2, v: v2, w: w2, gapBefore: gap, gapAfter: gapDirection(u2, v2, n, d).gap };
}

/** Share of rows i whose own partner j = i scores highest; ties count in its favour (identical captions of different images are not misses), as in the evaluation. */
function recallAt1(a: Float64Array, b: Float64Array, n: number, d: number): number {
  let hits = 0;
  for (let i = 0; i < n; i++) {
    let own = 0;
    for (let k = 0; k < d; k++) own += a[i * d + k]! * b[i * d + k]!;
    let best = true;
    for (let j = 0; j < n && best; j++) {
      if (j === i) continue;
      let s = 0;
      for (let k = 0; k < d; k++) s += a[i * d + k]! * b[j * d + k]!;
      if (s > own) best = false;
    }
    if (best) hits++;
  }
  return hits / n;
}

function zeroShotAccuracy(u: Float64Array, w: Float64Array, labels: ArrayLike<number>, n: number, d: number): number {
  const classes = w.length / d;
  let right = 0;
  let total = 0;
  for (let i = 0; i < n; i++) {
    if (labels[i]! < 0) continue;
    let best = -1;
    let bestScore = -Infinity;
    for (let c = 0; c < classes; c++) {
      let s = 0;
      for (let k = 0; k < d; k++) s += u[i * d + k]! * w[c * d + k]!;
      if (s > bestScore) (bestScore = s), (best = c);
    }
    total++;
    if (best === labels[i]) right++;
  }
  return total ? right / total : NaN;
}

export interface ShiftSweep {
  deltas: number[];
  /** ‖Δ‖ of the unshifted embeddings. */
  gap: number;
  gapAfter: number[];
  scales: number[];
  /** loss[s][k]: symmetric InfoNCE at scales[s] for deltas[k]. */
  loss: number[][];
  /** Per scale: the δ of the lowest loss. */
  minimumDelta: number[];
  zeroShot: number[];
  recallI2T: number[];
  recallT2I: number[];
}

/** δ from −½‖Δ‖ to 1.5‖Δ‖ in `points` steps (the trained gap at 0, closed near ‖Δ‖), by default. */
export function defaultDeltas(gap: number, points = 41): number[] {
  return Array.from({ length: points }, (_, k) => -0.5 * gap + (2 * gap * k) / (points - 1));
}

export function shiftSweep(u: ArrayLike<number>, v: ArrayLike<number>, n: number, d: number, opts: { scales: number[]; deltas?: number[]; classVectors?: ArrayLike<number>; labels?: ArrayLike<number> }): ShiftSweep {
  const { gap } = gapDirection(u, v, n, d);
  const deltas = opts.deltas ?? defaultDeltas(gap);
  const w = opts.classVectors ?? [];
  const out: ShiftSweep = { deltas, gap, gapAfter: [], scales: opts.scales, loss: opts.scales.map(() => []), minimumDelta: [], zeroShot: [], recallI2T: [], recallT2I: [] };
  for (const delta of deltas) {
    const s = shiftAlongGap(u, v, n, d, delta, w);
    out.gapAfter.push(s.gapAfter);
    opts.scales.forEach((scale, i) => out.loss[i]!.push(symmetricInfoNce(s.u, s.v, n, d, scale)));
    out.zeroShot.push(w.length && opts.labels ? zeroShotAccuracy(s.u, s.w, opts.labels, n, d) : NaN);
    out.recallI2T.push(recallAt1(s.u, s.v, n, d));
    out.recallT2I.push(recallAt1(s.v, s.u, n, d));
  }
  out.minimumDelta = out.loss.map((curve) => deltas[curve.indexOf(Math.min(...curve))]!);
  return out;
}
