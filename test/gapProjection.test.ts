// The gap lab's projections and cosine histograms against hand-made embeddings and a direct
// recomputation: a fixed basis is really fixed, the sphere view stays on S², centroids are the
// projected means; histogram counts and means by hand.
import { describe, expect, it } from 'vitest';
import { cosineHistograms } from '../src/lab/cosineHistograms';
import { projectSteps, type EmbeddingRows } from '../src/lab/gapProjection';
import { fitPca, projectPca } from '../src/eval/pca';

function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32 - 0.5;
  };
}

/** n unit rows around `centre` with spread `spread`. */
function cloud(r: () => number, n: number, centre: number[], spread: number): Float32Array {
  const d = centre.length;
  const x = new Float32Array(n * d);
  for (let i = 0; i < n; i++) {
    let norm = 0;
    for (let k = 0; k < d; k++) norm += (x[i * d + k] = centre[k]! + spread * r()) ** 2;
    for (let k = 0; k < d; k++) x[i * d + k]! /= Math.sqrt(norm);
  }
  return x;
}

const d = 5;
const n = 30;
const r = rng(4);
const early: EmbeddingRows = { step: 0, u: cloud(r, n, [1, 0, 0, 0.2, 0], 0.2), v: cloud(r, n, [0, 0, 1, 0.2, 0], 0.2) };
const late: EmbeddingRows = { step: 100, u: cloud(r, n, [1, 0.5, 0.3, 0, 0], 0.6), v: cloud(r, n, [0.8, 0.6, 0.4, 0, 0], 0.6) };

describe('projectSteps', () => {
  it('a fixed basis (fitted on one step) projects every step on the same axes', () => {
    const p = projectSteps([early, late], d, 'pca2', 100);
    expect(p.basisStep).toBe(100);
    const basis = fitPca([late.u, late.v], d, 2);
    const want = projectPca(basis, early.u);
    for (let i = 0; i < n * 2; i++) expect(p.steps[0]!.points[i]!).toBeCloseTo(want[i]!, 5);
    // a step that does not exist falls back to the newest
    expect(projectSteps([early, late], d, 'pca2', 7).basisStep).toBe(100);
  });

  it('per-step bases differ from the fixed one; the early step then shows its own two clouds on axis 1', () => {
    const fixed = projectSteps([early, late], d, 'pca2', 100);
    const own = projectSteps([early, late], d, 'pca2', 'perStep');
    expect(own.basisStep).toBeNull();
    expect(own.steps[0]!.points).not.toEqual(fixed.steps[0]!.points);
    // early: images and texts sit apart along the first axis (the gap dominates the variance)
    const c = own.steps[0]!.centroids;
    expect(Math.abs(c[0]! - c[2]!)).toBeGreaterThan(0.8);
    expect(own.steps[0]!.explained[0]!).toBeGreaterThan(0.5);
  });

  it('centroids are the projected means; on the sphere every point and centroid is a unit vector', () => {
    const p = projectSteps([early], d, 'pca2', 0);
    const pts = p.steps[0]!.points;
    for (let k = 0; k < 2; k++) {
      let mu = 0;
      let mv = 0;
      for (let i = 0; i < n; i++) {
        mu += pts[i * 2 + k]! / n;
        mv += pts[(n + i) * 2 + k]! / n;
      }
      expect(p.steps[0]!.centroids[k]!).toBeCloseTo(mu, 5);
      expect(p.steps[0]!.centroids[2 + k]!).toBeCloseTo(mv, 5);
    }
    const s = projectSteps([early, late], d, 'sphere3', 0);
    expect(s.k).toBe(3);
    for (const st of s.steps) {
      for (let i = 0; i < 2 * n; i++) expect(Math.hypot(st.points[3 * i]!, st.points[3 * i + 1]!, st.points[3 * i + 2]!)).toBeCloseTo(1, 5);
      for (let c = 0; c < 2; c++) expect(Math.hypot(...st.centroids.subarray(3 * c, 3 * c + 3))).toBeCloseTo(1, 5);
    }
  });
});

describe('cosineHistograms', () => {
  it('counts and means of a hand-made 3-pair set', () => {
    // u: e1, e1, e2;  v: e1, e2, e2
    const u = [1, 0, 1, 0, 0, 1];
    const v = [1, 0, 0, 1, 0, 1];
    const h = cosineHistograms(u, v, 3, 2, 4); // bins [−1,−.5) [−.5,0) [0,.5) [.5,1]
    // pairs: 1, 0, 1 → means 2/3; shares: one in bin 2 (cos 0), two in bin 3
    expect(Array.from(h.shares.pairs)).toEqual([0, 0, 1 / 3, 2 / 3]);
    expect(h.means.pairs).toBeCloseTo(2 / 3, 12);
    // negatives u_i·v_j, i≠j: (0,1)=0 (0,2)=0 (1,0)=1 (1,2)=0 (2,0)=0 (2,1)=1 → mean 1/3
    expect(h.means.negatives).toBeCloseTo(1 / 3, 12);
    expect(Array.from(h.shares.negatives)).toEqual([0, 0, 4 / 6, 2 / 6]);
    // image–image: (0,1)=1 (0,2)=0 (1,2)=0; text–text: (0,1)=0 (0,2)=0 (1,2)=1
    expect(h.means.imageImage).toBeCloseTo(1 / 3, 12);
    expect(h.means.textText).toBeCloseTo(1 / 3, 12);
    for (const k of ['pairs', 'negatives', 'imageImage', 'textText'] as const) expect(h.shares[k].reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
  });
});
