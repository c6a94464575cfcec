// Modality-gap metrics (src/eval/gapMetrics.ts) against a direct float64 reference over ordered
// pairs i ≠ j with explicit distances, and on hand-made embeddings whose values are known.
import { describe, expect, it } from 'vitest';
import { gapMetrics } from '../src/eval/gapMetrics';
import { Rng } from '../src/util/prng';

/** n unit rows in d dims, centred on `centre` (a shared offset makes a cone). */
function unitRows(rng: Rng, n: number, d: number, centre: number[]): Float32Array {
  const x = new Float32Array(n * d);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let k = 0; k < d; k++) s += (x[i * d + k] = centre[k]! + rng.normal()) ** 2;
    for (let k = 0; k < d; k++) x[i * d + k]! /= Math.sqrt(s);
  }
  return x;
}

function reference(u: Float32Array, v: Float32Array, n: number, d: number) {
  const row = (x: Float32Array, i: number) => Array.from(x.subarray(i * d, (i + 1) * d), Number);
  const dot = (a: number[], b: number[]) => a.reduce((s, ak, k) => s + ak * b[k]!, 0);
  const cos = (a: number[], b: number[]) => dot(a, b) / Math.sqrt(dot(a, a) * dot(b, b));
  const sqDist = (a: number[], b: number[]) => a.reduce((s, ak, k) => s + (ak - b[k]!) ** 2, 0);
  const U = Array.from({ length: n }, (_, i) => row(u, i));
  const V = Array.from({ length: n }, (_, i) => row(v, i));
  const mean = (X: number[][]) => Array.from({ length: d }, (_, k) => X.reduce((s, x) => s + x[k]!, 0) / n);
  const mu = mean(U);
  const mv = mean(V);
  const within = (X: number[][], f: (a: number[], b: number[]) => number) => {
    let s = 0;
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (i !== j) s += f(X[i]!, X[j]!);
    return s / (n * (n - 1));
  };
  const dPair = U.reduce((s, ui, i) => s + (1 - cos(ui, V[i]!)) / 2, 0) / n;
  const dImg = within(U, (a, b) => (1 - cos(a, b)) / 2);
  const dTxt = within(V, (a, b) => (1 - cos(a, b)) / 2);
  const unif = (X: number[][]) => Math.log(within(X, (a, b) => Math.exp(-2 * sqDist(a, b))));
  return {
    centroidDistance: Math.sqrt(sqDist(mu, mv)),
    relativeGap: dPair / (dPair + (dImg + dTxt) / 2),
    coneImage: within(U, cos),
    coneText: within(V, cos),
    alignment: U.reduce((s, ui, i) => s + sqDist(ui, V[i]!), 0) / n,
    uniformityImage: unif(U),
    uniformityText: unif(V),
    perDimension: mu.map((m, k) => Math.abs(m - mv[k]!)),
  };
}

describe('gap metrics', () => {
  it('match the float64 reference on random embeddings with a gap', () => {
    const rng = new Rng(3);
    const n = 40;
    const d = 8;
    const u = unitRows(rng, n, d, [5, 0, 0, 0, 0, 0, 0, 0]);
    const v = unitRows(rng, n, d, [0, 5, 0, 0, 0, 0, 0, 0]);
    const m = gapMetrics(u, v, n, d);
    const r = reference(u, v, n, d);
    for (const key of ['centroidDistance', 'relativeGap', 'coneImage', 'coneText', 'alignment', 'uniformityImage', 'uniformityText'] as const)
      expect(m[key], key).toBeCloseTo(r[key], 10);
    expect(m.uniformity).toBeCloseTo((r.uniformityImage + r.uniformityText) / 2, 10);
    Array.from(m.perDimension).forEach((g, k) => expect(g).toBeCloseTo(r.perDimension[k]!, 10));
    expect(m.separability).toBeGreaterThan(0.95); // two cones 90° apart
    // the gap lives in the first two dimensions
    const top = Array.from(m.perDimension.keys()).sort((a, b) => m.perDimension[b]! - m.perDimension[a]!);
    expect(top.slice(0, 2).sort()).toEqual([0, 1]);
  });

  it('hand-made: every image at e1, every text at e2', () => {
    const n = 6;
    const u = new Float32Array(n * 2).map((_, i) => (i % 2 === 0 ? 1 : 0));
    const v = new Float32Array(n * 2).map((_, i) => (i % 2 === 1 ? 1 : 0));
    const m = gapMetrics(u, v, n, 2);
    expect(m.centroidDistance).toBeCloseTo(Math.SQRT2, 12);
    expect(m.relativeGap).toBeCloseTo(1, 12); // d_pair = ½, nothing spread within a modality
    expect(m.coneImage).toBeCloseTo(1, 12);
    expect(m.coneText).toBeCloseTo(1, 12);
    expect(m.alignment).toBeCloseTo(2, 12);
    expect(m.uniformity).toBeCloseTo(0, 12); // log mean exp(0)
    expect(m.separability).toBe(1);
    expect(Array.from(m.perDimension)).toEqual([1, 1]);
  });

  it('hand-made: texts equal to their images — no gap, nothing to separate', () => {
    const rng = new Rng(9);
    const n = 20;
    const u = unitRows(rng, n, 4, [0, 0, 0, 0]);
    const m = gapMetrics(u, u.slice(), n, 4);
    expect(m.centroidDistance).toBe(0);
    expect(m.relativeGap).toBeCloseTo(0, 12);
    expect(m.alignment).toBeCloseTo(0, 12);
    expect(m.coneImage).toBeCloseTo(m.coneText, 12);
    expect(m.separability).toBeCloseTo(0.5, 12);
  });

  it('names bad shapes', () => {
    expect(() => gapMetrics(new Float32Array(6), new Float32Array(6), 3, 2)).toThrow('at least 4 pairs');
    expect(() => gapMetrics(new Float32Array(8), new Float32Array(6), 4, 2)).toThrow('4×2');
  });
});
