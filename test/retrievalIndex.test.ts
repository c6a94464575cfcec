// Retrieval search maths (src/worker/inference/retrievalIndex.ts): topK (best first, ties → lower
// position first) on hand-made arrays and against a sort of all indices, scoreRows against a loop.
import { describe, expect, it } from 'vitest';
import { scoreRows, topK, topKDistinct } from '../src/worker/inference/retrievalIndex';
import { Rng } from '../src/util/prng';

/** Reference: every index sorted by score (descending), ties by index, the first k. */
function sortedTopK(scores: ArrayLike<number>, k: number): number[] {
  return Array.from({ length: scores.length }, (_, i) => i)
    .sort((a, b) => scores[b]! - scores[a]! || a - b)
    .slice(0, Math.max(0, k));
}

describe('topK', () => {
  const s = Float32Array.of(0.1, 0.5, 0.3, 0.5, -1, 0.25);

  it('best first, ties → lower index first', () => {
    expect(topK(s, 3)).toEqual([1, 3, 2]);
    expect(topK(s, 2)).toEqual([1, 3]);
    expect(topK(Float64Array.of(2, 2, 2, 2), 3)).toEqual([0, 1, 2]);
    expect(topK(Float64Array.of(1, 3, 3, 2, 3), 4)).toEqual([1, 2, 4, 3]);
  });

  it('k = 1 and k = 0', () => {
    expect(topK(s, 1)).toEqual([1]);
    expect(topK(Float32Array.of(-3, -2, -5), 1)).toEqual([1]);
    expect(topK(s, 0)).toEqual([]);
  });

  it('k > n gives all, sorted', () => {
    expect(topK(s, 10)).toEqual([1, 3, 2, 5, 0, 4]);
    expect(topK(new Float32Array(0), 5)).toEqual([]);
    expect(topK(Float32Array.of(7), 5)).toEqual([0]);
  });

  it('ascending and descending inputs', () => {
    const up = Float64Array.from({ length: 50 }, (_, i) => i);
    expect(topK(up, 4)).toEqual([49, 48, 47, 46]);
    const down = Float64Array.from({ length: 50 }, (_, i) => -i);
    expect(topK(down, 4)).toEqual([0, 1, 2, 3]);
  });

  it('matches a full sort on 200 random values (with ties)', () => {
    const rng = new Rng(21);
    const f64 = Float64Array.from({ length: 200 }, () => rng.uniform() * 2 - 1);
    const tied = Float32Array.from({ length: 200 }, () => Math.round(rng.uniform() * 20) / 10 - 1);
    for (const scores of [f64, tied, Float32Array.from(f64)]) {
      for (const k of [1, 2, 5, 17, 100, 199, 200, 250]) expect(topK(scores, k)).toEqual(sortedTopK(scores, k));
    }
  });
});

describe('topKDistinct', () => {
  it('keeps the best-scoring copy of each key, best first', () => {
    const s = Float32Array.of(0.9, 0.8, 0.95, 0.1, 0.8, 0.7);
    const key = ['a', 'b', 'a', 'c', 'b', 'd'];
    expect(topKDistinct(s, 3, (i) => key[i]!)).toEqual([2, 1, 5]);
    expect(topKDistinct(s, 10, (i) => key[i]!)).toEqual([2, 1, 5, 3]);
    expect(topKDistinct(s, 0, (i) => key[i]!)).toEqual([]);
  });

  it('with distinct keys it is topK', () => {
    const rng = new Rng(5);
    const tied = Float32Array.from({ length: 120 }, () => Math.round(rng.uniform() * 20) / 10 - 1);
    for (const k of [1, 7, 120, 200]) expect(topKDistinct(tied, k, String)).toEqual(topK(tied, k));
  });
});

describe('scoreRows', () => {
  it('hand-computed dot products', () => {
    const rows = Float32Array.of(1, 2, 3, 4, 0, 0, 0, 0, -1, 0.5, 2, -2);
    const q = Float32Array.of(1, 0, -1, 2);
    // 1 − 3 + 8 = 6; 0; −1 + 0 − 2 − 4 = −7
    expect(Array.from(scoreRows(rows, q, 4))).toEqual([6, 0, -7]);
    expect(scoreRows(new Float32Array(0), q, 4).length).toBe(0);
  });

  it('matches a float64 loop on random rows', () => {
    const rng = new Rng(4);
    const n = 37;
    const d = 13;
    const rows = Float32Array.from({ length: n * d }, () => rng.normal());
    const q = Float32Array.from({ length: d }, () => rng.normal());
    const got = scoreRows(rows, q, d);
    expect(got).toBeInstanceOf(Float32Array);
    expect(got.length).toBe(n);
    for (let i = 0; i < n; i++) {
      let want = 0;
      for (let k = 0; k < d; k++) want += rows[i * d + k]! * q[k]!;
      expect(Math.abs(got[i]! - want)).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(want)));
    }
  });
});

describe('topK with a diverged score', () => {
  it('ranks NaN last instead of letting it block better scores', () => {
    expect(topK(new Float32Array([1, NaN, 2, 3]), 2)).toEqual([3, 2]);
    expect(topK(new Float64Array([NaN, NaN, 0.5]), 3)).toEqual([2, 0, 1]);
  });
});
