// ProtoCLIP k-means (methods.md §5 step 3): planted clusters, determinism, best of restarts,
// empty clusters, chunking, consistency with a float64 check, no tensor leaks; timing at E=2000, K=200.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { chunkRows, oneHotFloat } from '../src/objectives/protoclip/clusterOps';
import { kmeans } from '../src/objectives/protoclip/kmeans';
import { Rng } from '../src/util/prng';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

function unit(v: number[]): number[] {
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
}

/** `perCluster` noisy copies of `k` random unit centres in P dims, shuffled; returns rows and true labels. */
function blobs(seed: number, k: number, perCluster: number, P: number, noise: number): { rows: number[][]; labels: number[] } {
  const rng = new Rng(seed);
  const centres = Array.from({ length: k }, () => unit(Array.from({ length: P }, () => rng.normal())));
  const items: { row: number[]; label: number }[] = [];
  for (let c = 0; c < k; c++)
    for (let i = 0; i < perCluster; i++) items.push({ row: unit(centres[c].map((x) => x + noise * rng.normal())), label: c });
  rng.shuffle(items);
  return { rows: items.map((x) => x.row), labels: items.map((x) => x.label) };
}

function uniformSphere(seed: number, n: number, P: number): number[][] {
  const rng = new Rng(seed);
  return Array.from({ length: n }, () => unit(Array.from({ length: P }, () => rng.normal())));
}

/** Adjusted Rand index of two labelings (1 = identical up to permutation). */
function ari(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  const table = new Map<string, number>();
  const ra = new Map<number, number>();
  const rb = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const key = `${a[i]},${b[i]}`;
    table.set(key, (table.get(key) ?? 0) + 1);
    ra.set(a[i], (ra.get(a[i]) ?? 0) + 1);
    rb.set(b[i], (rb.get(b[i]) ?? 0) + 1);
  }
  const c2 = (x: number) => (x * (x - 1)) / 2;
  let sumIJ = 0;
  for (const v of table.values()) sumIJ += c2(v);
  let sumA = 0;
  for (const v of ra.values()) sumA += c2(v);
  let sumB = 0;
  for (const v of rb.values()) sumB += c2(v);
  const expected = (sumA * sumB) / c2(n);
  const max = (sumA + sumB) / 2;
  return (sumIJ - expected) / (max - expected);
}

/** Fraction of points agreeing with the truth after mapping each found cluster to its majority label, and whether that map is one-to-one. */
function matchedAgreement(found: ArrayLike<number>, truth: ArrayLike<number>): { agreement: number; bijective: boolean } {
  const votes = new Map<number, Map<number, number>>();
  for (let i = 0; i < found.length; i++) {
    const m = votes.get(found[i]) ?? new Map<number, number>();
    m.set(truth[i], (m.get(truth[i]) ?? 0) + 1);
    votes.set(found[i], m);
  }
  let agree = 0;
  const used = new Set<number>();
  for (const m of votes.values()) {
    const [label, count] = [...m.entries()].sort((x, y) => y[1] - x[1])[0];
    agree += count;
    used.add(label);
  }
  return { agreement: agree / found.length, bijective: used.size === votes.size };
}

/** float64 inertia of (assignments, centroids). */
function inertia64(rows: number[][], a: Int32Array, C: number[][]): number {
  let s = 0;
  rows.forEach((r, i) => r.forEach((x, d) => (s += (x - C[a[i]][d]) ** 2)));
  return s;
}

describe('kmeans', () => {
  it('recovers 5 planted clusters on the sphere', async () => {
    const { rows, labels } = blobs(11, 5, 60, 16, 0.08);
    const X = tf.tensor2d(rows);
    const r = await kmeans(X, 5, { seed: 3 });
    expect(ari(r.assignments, labels)).toBeGreaterThanOrEqual(0.99);
    const m = matchedAgreement(r.assignments, labels);
    expect(m.bijective).toBe(true);
    expect(m.agreement).toBeGreaterThanOrEqual(0.99);
    expect(r.emptyClusters).toBe(0);
    r.centroids.dispose();
    X.dispose();
  });

  it('returns consistent results: centroids are the float64 means of the returned assignments; inertia matches; argmin at convergence', async () => {
    const { rows } = blobs(5, 6, 30, 8, 0.3);
    const X = tf.tensor2d(rows);
    const K = 6;
    const r = await kmeans(X, K, { seed: 9, iterations: 50 });
    const C = (await r.centroids.array()) as number[][];
    for (let k = 0; k < K; k++) {
      const members = rows.filter((_, i) => r.assignments[i] === k);
      for (let d = 0; d < 8; d++) {
        const mean = members.length ? members.reduce((s, m) => s + m[d], 0) / members.length : 0;
        expect(Math.abs(C[k][d] - mean)).toBeLessThan(1e-5);
      }
    }
    expect(Math.abs(r.inertia - inertia64(rows, r.assignments, C))).toBeLessThan(1e-4 * Math.max(1, r.inertia));
    expect(r.restartIterations[r.bestRestart]).toBeLessThan(50); // converged → assignments are argmins
    rows.forEach((row, i) => {
      const d = C.map((c) => c.reduce((s, x, j) => s + (row[j] - x) ** 2, 0));
      expect(d[r.assignments[i]]).toBeLessThanOrEqual(Math.min(...d) + 1e-5);
    });
    r.centroids.dispose();
    X.dispose();
  });

  it('is deterministic per seed; other seeds may differ', async () => {
    const rows = uniformSphere(2, 300, 8);
    const X = tf.tensor2d(rows);
    const a = await kmeans(X, 12, { seed: 42 });
    const b = await kmeans(X, 12, { seed: 42 });
    expect(Array.from(a.assignments)).toEqual(Array.from(b.assignments));
    expect(Array.from(await a.centroids.data())).toEqual(Array.from(await b.centroids.data()));
    expect(a.inertia).toBe(b.inertia);
    const others = await Promise.all([1, 2, 3].map((s) => kmeans(X, 12, { seed: s, restarts: 1 })));
    const inertias = new Set([a.inertia, ...others.map((o) => o.inertia)]);
    expect(inertias.size).toBeGreaterThan(1); // uniform data has many local optima
    for (const r of [a, b, ...others]) r.centroids.dispose();
    X.dispose();
  });

  it('keeps the restart with the lowest inertia; restart r is the same run whatever the restart count', async () => {
    const rows = uniformSphere(8, 400, 6);
    const X = tf.tensor2d(rows);
    const r = await kmeans(X, 15, { seed: 5, restarts: 5 });
    expect(r.restartInertias).toHaveLength(5);
    expect(r.inertia).toBe(Math.min(...r.restartInertias));
    expect(r.restartInertias[r.bestRestart]).toBe(r.inertia);
    expect(new Set(r.restartInertias).size).toBeGreaterThan(1);
    const one = await kmeans(X, 15, { seed: 5, restarts: 1 });
    expect(one.inertia).toBe(r.restartInertias[0]);
    expect(r.inertia).toBeLessThanOrEqual(one.inertia);
    r.centroids.dispose();
    one.centroids.dispose();
    X.dispose();
  });

  it('K > distinct points: empty clusters get zero centroids, no NaN', async () => {
    const pts = [unit([1, 0, 0]), unit([0, 1, 0]), unit([0, 0.6, 0.8])];
    const rows = [pts[0], pts[1], pts[2], pts[0], pts[1], pts[2], pts[2]];
    const X = tf.tensor2d(rows);
    const r = await kmeans(X, 5, { seed: 1 });
    const C = (await r.centroids.array()) as number[][];
    expect(C.flat().every(Number.isFinite)).toBe(true);
    expect(r.emptyClusters).toBe(2);
    expect(r.inertia).toBeLessThan(1e-6);
    const used = new Set(r.assignments);
    expect(used.size).toBe(3);
    for (let k = 0; k < 5; k++) if (!used.has(k)) expect(C[k]).toEqual([0, 0, 0]);
    rows.forEach((row, i) => row.forEach((x, d) => expect(C[r.assignments[i]][d]).toBeCloseTo(x, 6)));
    // identical rows share a cluster
    expect(r.assignments[0]).toBe(r.assignments[3]);
    expect(r.assignments[2]).toBe(r.assignments[6]);
    r.centroids.dispose();
    X.dispose();
  });

  it('K larger than E works (every point its own cluster or a duplicate)', async () => {
    const rows = uniformSphere(4, 3, 4);
    const X = tf.tensor2d(rows);
    const r = await kmeans(X, 6, { seed: 2 });
    expect(new Set(r.assignments).size).toBe(3);
    expect(r.emptyClusters).toBe(3);
    expect(r.inertia).toBeLessThan(1e-6);
    r.centroids.dispose();
    X.dispose();
  });

  it('chunked distance/centroid passes give the same clustering as one chunk', async () => {
    const { rows } = blobs(21, 8, 25, 12, 0.1);
    const X = tf.tensor2d(rows);
    const K = 8;
    expect(chunkRows(K, K * 7)).toBe(7);
    const whole = await kmeans(X, K, { seed: 4 });
    const chunked = await kmeans(X, K, { seed: 4, maxChunkElements: K * 7 }); // 7-row chunks, ragged last
    expect(Array.from(chunked.assignments)).toEqual(Array.from(whole.assignments));
    const a = await whole.centroids.data();
    const b = await chunked.centroids.data();
    a.forEach((x, i) => expect(Math.abs(x - b[i])).toBeLessThan(1e-6));
    whole.centroids.dispose();
    chunked.centroids.dispose();
    X.dispose();
  });

  it('memory stays bounded by the chunk size (peak ≪ E·K floats)', async () => {
    const E = 3000;
    const K = 300;
    const X = tf.tensor2d(uniformSphere(12, E, 8));
    let result: Awaited<ReturnType<typeof kmeans>> | null = null;
    const prof = await tf.profile(async () => {
      result = await kmeans(X, K, { seed: 1, restarts: 1, iterations: 3, maxChunkElements: K * 100 }); // 100-row chunks
      return result.centroids;
    });
    const fullScores = E * K * 4; // one [E, K] float matrix
    console.log(`peak ${prof.peakBytes} bytes vs one [E, K] matrix ${fullScores}`);
    expect(prof.peakBytes).toBeLessThan(fullScores / 2);
    result!.centroids.dispose();
    X.dispose();
  });

  it('leaks no tensors (beyond the returned centroids)', async () => {
    const X = tf.tensor2d(uniformSphere(3, 120, 8));
    const before = tf.memory().numTensors;
    const r = await kmeans(X, 10, { seed: 7, maxChunkElements: 10 * 32 });
    expect(tf.memory().numTensors).toBe(before + 1);
    r.centroids.dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect(() => kmeans(X, 1, { seed: 0 })).rejects.toThrow();
    X.dispose();
  });

  it('oneHotFloat: int32 and integer-valued float labels, K = 1', () => {
    const ref = [[0, 0, 1, 0], [1, 0, 0, 0], [0, 0, 0, 1], [0, 1, 0, 0]];
    const a = tf.tensor1d([2, 0, 3, 1], 'int32');
    const f = tf.tensor1d([2, 0, 3, 1], 'float32');
    const z = tf.tensor1d([0, 0], 'int32');
    expect(oneHotFloat(a, 4).arraySync()).toEqual(ref);
    expect(oneHotFloat(f, 4).arraySync()).toEqual(ref);
    expect(oneHotFloat(a, 4).dtype).toBe('float32');
    expect(oneHotFloat(z, 1).arraySync()).toEqual([[1], [1]]);
    tf.dispose([a, f, z]);
  });

  it('timing: E = 2000, K = 200, P = 64 (cpu backend)', async () => {
    const rows = uniformSphere(99, 2000, 64);
    const { rows: clustered } = blobs(98, 200, 10, 64, 0.15);
    const cases: [string, number[][]][] = [
      ['uniform', rows],
      ['200 blobs', clustered],
    ];
    for (const [name, data] of cases) {
      const X = tf.tensor2d(data);
      const t0 = performance.now();
      const r = await kmeans(X, 200, { seed: 1 });
      const ms = performance.now() - t0;
      console.log(
        `kmeans ${name} E=2000 K=200 P=64 restarts=3 iters≤20 (cpu): ${ms.toFixed(0)} ms, rounds ${r.restartIterations.join('/')}, inertia ${r.inertia.toFixed(2)}, empty ${r.emptyClusters}`,
      );
      r.centroids.dispose();
      X.dispose();
    }
  });
});
