// clipLoss vs a float64 reference (methods.md §1): value, and gradients w.r.t. u, v, t against the
// analytic (1/2N)[(P−I)+(Q−I)] chain rule, itself checked by float64 central differences.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { clipLoss, contrastiveStats } from '../src/objectives/clipLoss';
import { Rng } from '../src/util/prng';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

type M = number[][];

function randUnit(rng: Rng, n: number, d: number): M {
  return Array.from({ length: n }, () => {
    const r = Array.from({ length: d }, () => rng.normal());
    const norm = Math.hypot(...r);
    return r.map((x) => Math.fround(x / norm)); // float32-representable inputs
  });
}

function refLoss(u: M, v: M, t: number): number {
  const N = u.length;
  const s = Math.exp(t);
  const L = u.map((ui) => v.map((vj) => s * ui.reduce((a, x, d) => a + x * vj[d], 0)));
  const lse = (xs: number[]) => {
    const m = Math.max(...xs);
    return m + Math.log(xs.reduce((a, x) => a + Math.exp(x - m), 0));
  };
  let total = 0;
  for (let i = 0; i < N; i++) {
    total += lse(L[i]) - L[i][i];
    total += lse(L.map((row) => row[i])) - L[i][i];
  }
  return total / (2 * N);
}

/** Analytic gradients: G = (1/2N)[(P−I)+(Q−I)], dU = s·G·V, dV = s·Gᵀ·U, dt = Σ G∘L. */
function refGrads(u: M, v: M, t: number): { du: M; dv: M; dt: number } {
  const N = u.length;
  const D = u[0].length;
  const s = Math.exp(t);
  const L = u.map((ui) => v.map((vj) => s * ui.reduce((a, x, d) => a + x * vj[d], 0)));
  const P = L.map((row) => {
    const m = Math.max(...row);
    const e = row.map((x) => Math.exp(x - m));
    const z = e.reduce((a, b) => a + b, 0);
    return e.map((x) => x / z);
  });
  const Q: M = L.map(() => new Array(N).fill(0));
  for (let j = 0; j < N; j++) {
    const col = L.map((row) => row[j]);
    const m = Math.max(...col);
    const e = col.map((x) => Math.exp(x - m));
    const z = e.reduce((a, b) => a + b, 0);
    for (let i = 0; i < N; i++) Q[i][j] = e[i] / z;
  }
  const G = P.map((row, i) => row.map((p, j) => (p + Q[i][j] - 2 * (i === j ? 1 : 0)) / (2 * N)));
  const du = u.map((_, i) => Array.from({ length: D }, (_, d) => s * G[i].reduce((a, g, j) => a + g * v[j][d], 0)));
  const dv = v.map((_, j) => Array.from({ length: D }, (_, d) => s * G.reduce((a, row, i) => a + row[j] * u[i][d], 0)));
  let dt = 0;
  for (let i = 0; i < N; i++) for (let j = 0; j < N; j++) dt += G[i][j] * L[i][j];
  return { du, dv, dt };
}

function maxAbsDiff(a: number[], b: number[]): number {
  return a.reduce((m, x, i) => Math.max(m, Math.abs(x - b[i])), 0);
}

const cases: [number, number, number][] = [];
for (const N of [1, 3, 8]) for (const D of [4, 16]) for (const t of [0, Math.log(1 / 0.07), Math.log(100)]) cases.push([N, D, t]);

describe('clipLoss', () => {
  it.each(cases)('value matches float64 reference (N=%i, D=%i, t=%f)', (N, D, t) => {
    const rng = new Rng(1000 * N + 10 * D + Math.round(t * 7));
    const u = randUnit(rng, N, D);
    const v = randUnit(rng, N, D);
    const ref = refLoss(u, v, t);
    const got = tf.tidy(() => clipLoss(tf.tensor2d(u), tf.tensor2d(v), tf.scalar(t)).arraySync() as number);
    expect(Math.abs(got - ref)).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(ref)));
  });

  it('analytic reference gradient agrees with float64 central differences', () => {
    const rng = new Rng(7);
    const [N, D, t] = [5, 6, 1.3];
    const u = randUnit(rng, N, D);
    const v = randUnit(rng, N, D);
    const g = refGrads(u, v, t);
    const h = 1e-6;
    const fd = (f: (e: number) => number) => (f(h) - f(-h)) / (2 * h);
    for (let i = 0; i < N; i++)
      for (let d = 0; d < D; d++) {
        const du = fd((e) => refLoss(u.map((r, a) => r.map((x, b) => (a === i && b === d ? x + e : x))), v, t));
        const dv = fd((e) => refLoss(u, v.map((r, a) => r.map((x, b) => (a === i && b === d ? x + e : x))), t));
        expect(Math.abs(du - g.du[i][d])).toBeLessThan(1e-7);
        expect(Math.abs(dv - g.dv[i][d])).toBeLessThan(1e-7);
      }
    expect(Math.abs(fd((e) => refLoss(u, v, t + e)) - g.dt)).toBeLessThan(1e-7);
  });

  it.each(cases)('tf gradients w.r.t. u, v, t match the analytic reference (N=%i, D=%i, t=%f)', (N, D, t) => {
    const rng = new Rng(31 * N + D + Math.round(t * 13));
    const u = randUnit(rng, N, D);
    const v = randUnit(rng, N, D);
    const ref = refGrads(u, v, t);
    const [du, dv, dt] = tf.tidy(() => {
      const gs = tf.grads((a, b, c) => clipLoss(a as tf.Tensor2D, b as tf.Tensor2D, c as tf.Scalar))([
        tf.tensor2d(u),
        tf.tensor2d(v),
        tf.scalar(t),
      ]);
      return gs.map((x) => Array.from(x.dataSync()));
    });
    const scale = Math.max(1, ...ref.du.flat().map(Math.abs), ...ref.dv.flat().map(Math.abs), Math.abs(ref.dt));
    expect(maxAbsDiff(du, ref.du.flat())).toBeLessThan(1e-5 * scale);
    expect(maxAbsDiff(dv, ref.dv.flat())).toBeLessThan(1e-5 * scale);
    expect(Math.abs(dt[0] - ref.dt)).toBeLessThan(1e-5 * scale);
  });

  it('contrastiveStats: mean positive and mean margin', () => {
    const rng = new Rng(99);
    const [N, D] = [6, 8];
    const u = randUnit(rng, N, D);
    const v = randUnit(rng, N, D);
    const S = u.map((ui) => v.map((vj) => ui.reduce((a, x, d) => a + x * vj[d], 0)));
    const meanPos = S.reduce((a, row, i) => a + row[i], 0) / N;
    const margin = S.reduce((a, row, i) => a + row[i] - Math.max(...row.filter((_, j) => j !== i)), 0) / N;
    const st = contrastiveStats(tf.tensor2d(u), tf.tensor2d(v));
    expect(st.meanPositive.dataSync()[0]).toBeCloseTo(meanPos, 5);
    expect(st.meanMargin.dataSync()[0]).toBeCloseTo(margin, 5);
    const one = contrastiveStats(tf.tensor2d([u[0]]), tf.tensor2d([v[0]]));
    expect(Number.isNaN(one.meanMargin.dataSync()[0])).toBe(true);
  });
});
