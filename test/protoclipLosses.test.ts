// ProtoCLIP PBT, soft targets and prototype losses (methods.md §5) against hand-computed cases and
// float64 references; gradients w.r.t. h and t_p (s_p = exp t_p) against float64 central differences.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { backTranslate, clusterMeans } from '../src/objectives/protoclip/pbt';
import { protoAccuracy, protoHardLoss, protoLoss } from '../src/objectives/protoclip/protoLoss';
import { buildEpisodePrototypes, protoBatchLosses } from '../src/objectives/protoclip/prototypes';
import { protoSoftTargets } from '../src/objectives/protoclip/softTargets';
import { Rng } from '../src/util/prng';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

type M = number[][];
const f32 = (x: number) => Math.fround(x);

function randMat(rng: Rng, n: number, d: number, unitRows: boolean, scale = 1): M {
  return Array.from({ length: n }, () => {
    const r = Array.from({ length: d }, () => rng.normal() * scale);
    const norm = unitRows ? Math.hypot(...r) : 1;
    return r.map((x) => f32(x / norm));
  });
}

function softmax(xs: number[]): number[] {
  const m = Math.max(...xs);
  const e = xs.map((x) => Math.exp(x - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((x) => x / s);
}

/** float64 −(1/B) Σ_i Σ_k q_ik log softmax_k(e^t h_i·C_k). */
function refLoss(h: M, C: M, q: M, t: number): number {
  const s = Math.exp(t);
  let total = 0;
  h.forEach((hi, i) => {
    const z = C.map((ck) => s * hi.reduce((a, x, d) => a + x * ck[d], 0));
    const m = Math.max(...z);
    const lse = m + Math.log(z.reduce((a, x) => a + Math.exp(x - m), 0));
    z.forEach((zk, k) => (total -= q[i][k] * (zk - lse)));
  });
  return total / h.length;
}

describe('PBT and cluster means', () => {
  it('hand-computed: 5 pairs, 3 text clusters, one empty', () => {
    const hI = [
      [1, 0],
      [0, 1],
      [0.6, 0.8],
      [-1, 0],
      [0.8, -0.6],
    ];
    const aT = Int32Array.from([0, 2, 0, 2, 2]); // text cluster 1 is empty
    const X = tf.tensor2d(hI);
    const out = backTranslate(X, aT, 3).arraySync();
    const expected = [
      [(1 + 0.6) / 2, (0 + 0.8) / 2],
      [0, 0],
      [(0 - 1 + 0.8) / 3, (1 + 0 - 0.6) / 3],
    ];
    out.forEach((row, k) => row.forEach((x, d) => expect(x).toBeCloseTo(expected[k][d], 6)));
    // the same op is the plain centroid helper; tensor labels too; chunked gives the same
    const labels = tf.tensor1d(aT, 'int32');
    const viaTensor = clusterMeans(X, labels, 3).arraySync();
    const chunked = clusterMeans(X, aT, 3, 3 * 2).arraySync(); // 2-row chunks
    expect(viaTensor).toEqual(out);
    chunked.forEach((row, k) => row.forEach((x, d) => expect(x).toBeCloseTo(out[k][d], 6)));
    expect(() => clusterMeans(X, Int32Array.from([0, 3, 0, 0, 0]), 3)).toThrow();
    expect(() => clusterMeans(X, Int32Array.from([0, 1]), 3)).toThrow();
    tf.dispose([X, labels]);
  });

  it('no tensor leaks', () => {
    const X = tf.tensor2d(randMat(new Rng(1), 50, 4, true));
    const a = Int32Array.from({ length: 50 }, (_, i) => i % 7);
    const before = tf.memory().numTensors;
    const c = clusterMeans(X, a, 9, 9 * 8);
    expect(tf.memory().numTensors).toBe(before + 1);
    c.dispose();
    X.dispose();
  });
});

describe('protoSoftTargets', () => {
  it('hand-computed 2-cluster case with τ = 0.01 (plus an empty zero cluster)', () => {
    const s = Math.sqrt(1 - 0.99 * 0.99);
    const C = [
      [1, 0],
      [0.99, s],
      [0, 0], // empty cluster
    ].map((r) => r.map(f32));
    const Ct = tf.tensor2d(C);
    const q = protoSoftTargets(Ct, Int32Array.from([0, 1, 1]), 0.01).arraySync();
    const dot = (a: number[], b: number[]) => a[0] * b[0] + a[1] * b[1];
    const expectRow = (a: number) => softmax(C.map((ck) => dot(C[a], ck) / 0.01));
    // by hand: row 0 logits [100, 99, 0] → [e/(1+e), 1/(1+e), ~e^-100]
    expect(expectRow(0)[0]).toBeCloseTo(Math.E / (1 + Math.E), 6);
    [expectRow(0), expectRow(1), expectRow(1)].forEach((row, i) => row.forEach((x, k) => expect(Math.abs(q[i][k] - x)).toBeLessThan(2e-5)));
    q.forEach((row) => expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5));
    Ct.dispose();
  });

  it('default τ is 0.01; rejects τ ≤ 0', () => {
    const C = tf.tensor2d([
      [1, 0],
      [0.9, 0.1],
    ]);
    const a = protoSoftTargets(C, Int32Array.from([1])).arraySync();
    const b = protoSoftTargets(C, Int32Array.from([1]), 0.01).arraySync();
    expect(a).toEqual(b);
    expect(() => protoSoftTargets(C, Int32Array.from([1]), 0)).toThrow();
    C.dispose();
  });
});

describe('protoLoss / protoHardLoss', () => {
  const rng = new Rng(7);
  const B = 4;
  const K = 6;
  const P = 5;
  const h = randMat(rng, B, P, true);
  const C = randMat(rng, K, P, false, 0.5); // plain means: not unit
  const q = Array.from({ length: B }, () => softmax(Array.from({ length: K }, () => 2 * rng.normal())).map(f32));
  const t = f32(Math.log(12));

  it('matches the float64 reference', () => {
    const got = protoLoss(tf.tensor2d(h), tf.tensor2d(C), tf.tensor2d(q), tf.scalar(t)).arraySync();
    const ref = refLoss(h, C, q, t);
    expect(Math.abs(got - ref)).toBeLessThan(1e-5 * Math.max(1, ref));
  });

  it('gradients w.r.t. h and t_p match float64 central differences', () => {
    const hT = tf.tensor2d(h);
    const tT = tf.scalar(t);
    const Ct = tf.tensor2d(C);
    const qt = tf.tensor2d(q);
    const [gh, gt] = tf.grads((hh: tf.Tensor, tt: tf.Tensor) => protoLoss(hh as tf.Tensor2D, Ct, qt, tt as tf.Scalar))([hT, tT]);
    const ghv = gh.arraySync() as M;
    const eps = 1e-6;
    for (let i = 0; i < B; i++)
      for (let d = 0; d < P; d++) {
        const hp = h.map((r) => [...r]);
        const hm = h.map((r) => [...r]);
        hp[i][d] += eps;
        hm[i][d] -= eps;
        const fd = (refLoss(hp, C, q, t) - refLoss(hm, C, q, t)) / (2 * eps);
        expect(Math.abs(ghv[i][d] - fd)).toBeLessThan(2e-4 * Math.max(1, Math.abs(fd)));
      }
    const fdt = (refLoss(h, C, q, t + eps) - refLoss(h, C, q, t - eps)) / (2 * eps);
    expect(Math.abs((gt.arraySync() as number) - fdt)).toBeLessThan(2e-4 * Math.max(1, Math.abs(fdt)));
    tf.dispose([hT, tT, Ct, qt, gh, gt]);
  });

  it('hard labels = soft loss with one-hot targets; Int32Array and tensor labels agree', () => {
    const labels = Int32Array.from([3, 0, 5, 3]);
    const oneHot = labels.length ? Array.from(labels, (a) => Array.from({ length: K }, (_, k) => (k === a ? 1 : 0))) : [];
    const ref = refLoss(h, C, oneHot, t);
    const a = protoHardLoss(tf.tensor2d(h), tf.tensor2d(C), labels, tf.scalar(t)).arraySync();
    const b = protoHardLoss(tf.tensor2d(h), tf.tensor2d(C), tf.tensor1d(labels, 'int32'), tf.scalar(t)).arraySync();
    expect(Math.abs(a - ref)).toBeLessThan(1e-5 * Math.max(1, ref));
    expect(b).toBe(a);
    const hT = tf.tensor2d(h);
    const gh = tf.grad((hh: tf.Tensor) => protoHardLoss(hh as tf.Tensor2D, tf.tensor2d(C), labels, tf.scalar(t)))(hT).arraySync() as M;
    const eps = 1e-6;
    const hp = h.map((r) => [...r]);
    const hm = h.map((r) => [...r]);
    hp[2][1] += eps;
    hm[2][1] -= eps;
    const fd = (refLoss(hp, C, oneHot, t) - refLoss(hm, C, oneHot, t)) / (2 * eps);
    expect(Math.abs(gh[2][1] - fd)).toBeLessThan(2e-4 * Math.max(1, Math.abs(fd)));
  });

  it('accuracy diagnostic and shape checks', () => {
    const Ct = tf.tensor2d([
      [1, 0],
      [0, 1],
    ]);
    const hh = tf.tensor2d([
      [0.9, 0.1],
      [0.2, 0.8],
      [0.7, 0.3],
    ]);
    const qq = tf.tensor2d([
      [1, 0],
      [0, 1],
      [0, 1],
    ]);
    expect(protoAccuracy(hh, Ct, qq).arraySync()).toBeCloseTo(2 / 3, 6);
    expect(() => protoLoss(hh, Ct, tf.zeros([2, 2]), tf.scalar(0))).toThrow();
    tf.dispose([Ct, hh, qq]);
  });
});

describe('episode prototypes + batch losses', () => {
  it('builds K-means/PBT prototypes (and teacher ones) and combines the losses as ½(I→T + T→I) + ½(I→E + T→E)', async () => {
    const rng = new Rng(3);
    const E = 60;
    const P = 6;
    const hI = tf.tensor2d(randMat(rng, E, P, true));
    const hT = tf.tensor2d(randMat(rng, E, P, true));
    const teacher = tf.tensor2d(randMat(rng, E, 4, true));
    const before = tf.memory().numTensors;
    const protos = await buildEpisodePrototypes(hI, hT, { K: 6, seed: 1, episodeIndex: 2, teacher, teacherK: 5 });
    // PBT: image targets are the means of IMAGE features over TEXT clusters
    const ref = backTranslate(hI, protos.aT, 6);
    expect(protos.imageTargets.arraySync()).toEqual(ref.arraySync());
    ref.dispose();
    expect(protos.external?.K).toBe(5);
    const positions = Int32Array.from([0, 5, 17, 59, 5]);
    const t = tf.scalar(Math.log(10));
    const hIb = tf.tidy(() => tf.gather(hI, tf.tensor1d(positions, 'int32')) as tf.Tensor2D);
    const hTb = tf.tidy(() => tf.gather(hT, tf.tensor1d(positions, 'int32')) as tf.Tensor2D);
    const l = protoBatchLosses(hIb, hTb, positions, protos, t);
    const pick = (a: Int32Array) => Int32Array.from(positions, (p) => a[p]);
    let i2t = 0;
    let i2e = 0;
    tf.tidy(() => {
      i2t = protoLoss(hIb, protos.imageTargets, protoSoftTargets(protos.CT, pick(protos.aT)), t).arraySync();
      i2e = protoHardLoss(hTb, protos.external!.toText, pick(protos.external!.a), t).arraySync();
    });
    expect(l.imageToText.arraySync()).toBeCloseTo(i2t, 6);
    expect(l.textToExternal!.arraySync()).toBeCloseTo(i2e, 6);
    const parts = [l.imageToText, l.textToImage, l.imageToExternal!, l.textToExternal!].map((x) => x.arraySync());
    expect(l.total.arraySync()).toBeCloseTo(0.5 * (parts[0] + parts[1]) + 0.5 * (parts[2] + parts[3]), 5);
    tf.dispose([t, hIb, hTb, l.imageToText, l.textToImage, l.imageToExternal!, l.textToExternal!, l.total]);
    protos.dispose();
    expect(tf.memory().numTensors).toBe(before);
    // without PBT the targets are the plain centroids of the other modality
    const plain = await buildEpisodePrototypes(hI, hT, { K: 6, seed: 1, episodeIndex: 2, pbt: false });
    expect(plain.imageTargets.arraySync()).toEqual(plain.CT.arraySync());
    expect(plain.external).toBeNull();
    plain.dispose();
    tf.dispose([hI, hT, teacher]);
  });
});
