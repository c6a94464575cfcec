// AdamW (decoupled decay on matrices only, bias correction) and global-norm clipping vs hand values.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { AdamW } from '../src/train/adamw';
import { clipByGlobalNorm, globalNorm, sumMany } from '../src/train/gradClip';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('AdamW', () => {
  it('first step by hand: θ(1−lr·wd) − lr·g/(|g|+ε) on the matrix, no decay on the bias', () => {
    const W = tf.variable(tf.tensor2d([[1, -2], [0.5, 3]]));
    const b = tf.variable(tf.tensor1d([1, -1]));
    const opt = new AdamW([{ variable: W, decay: true }, { variable: b, decay: false }], { weightDecay: 0.2 });
    tf.tidy(() => opt.apply([tf.tensor2d([[0.5, -0.5], [0, 2]]), tf.tensor1d([0.5, -4])], 0.1));
    // m̂ = g, v̂ = g² after bias correction at k = 1 → update = g/(|g|+1e-6).
    const w = W.dataSync();
    expect(w[0]).toBeCloseTo(1 * 0.98 - 0.1 * (0.5 / (0.5 + 1e-6)), 6); // 0.8800002
    expect(w[1]).toBeCloseTo(-2 * 0.98 + 0.1 * (0.5 / (0.5 + 1e-6)), 6); // −1.8600002
    expect(w[2]).toBeCloseTo(0.5 * 0.98, 6); // g = 0: decay only → 0.49
    expect(w[3]).toBeCloseTo(3 * 0.98 - 0.1 * (2 / (2 + 1e-6)), 6); // 2.84
    const bb = b.dataSync();
    expect(bb[0]).toBeCloseTo(1 - 0.1 * (0.5 / (0.5 + 1e-6)), 6); // 0.9000002, no decay
    expect(bb[1]).toBeCloseTo(-1 + 0.1 * (4 / (4 + 1e-6)), 6); // −0.9000000
    opt.dispose();
    W.dispose();
    b.dispose();
  });

  it('three steps match a float64 reference with bias correction, β=(0.9,0.98), ε=1e-6, varying lr', () => {
    const w0 = [0.3, -0.7, 1.2, 0.05];
    const b0 = [0.1, -0.2];
    const gW = [[0.2, -0.1, 0.05, 0.4], [-0.3, 0.2, 0.1, 0.0], [0.1, 0.1, -0.2, -0.5]];
    const gB = [[1, -1], [0.5, 0.25], [-2, 0.1]];
    const lrs = [0.01, 0.02, 0.005];
    const wd = 0.1;
    const W = tf.variable(tf.tensor2d(w0, [2, 2]));
    const b = tf.variable(tf.tensor1d(b0));
    const opt = new AdamW([{ variable: W, decay: true }, { variable: b, decay: false }], { weightDecay: wd });
    expect(opt.config).toMatchObject({ beta1: 0.9, beta2: 0.98, epsilon: 1e-6 });
    // float64 reference
    const ref = (theta: number[], gs: number[][], decay: boolean) => {
      const p = [...theta];
      const m = p.map(() => 0);
      const v = p.map(() => 0);
      for (let k = 1; k <= 3; k++) {
        const lr = lrs[k - 1];
        for (let i = 0; i < p.length; i++) {
          const g = gs[k - 1][i];
          m[i] = 0.9 * m[i] + 0.1 * g;
          v[i] = 0.98 * v[i] + 0.02 * g * g;
          const mh = m[i] / (1 - 0.9 ** k);
          const vh = v[i] / (1 - 0.98 ** k);
          p[i] = (decay ? p[i] * (1 - lr * wd) : p[i]) - (lr * mh) / (Math.sqrt(vh) + 1e-6);
        }
      }
      return p;
    };
    for (let k = 0; k < 3; k++) tf.tidy(() => opt.apply([tf.tensor2d(gW[k], [2, 2]), tf.tensor1d(gB[k])], lrs[k]));
    expect(opt.step).toBe(3);
    const rw = ref(w0, gW, true);
    const rb = ref(b0, gB, false);
    Array.from(W.dataSync()).forEach((x, i) => expect(x).toBeCloseTo(rw[i], 6));
    Array.from(b.dataSync()).forEach((x, i) => expect(x).toBeCloseTo(rb[i], 6));
    // decay really applied: without it the matrix would differ
    const noDecay = ref(w0, gW, false);
    expect(Math.abs(noDecay[3] - rw[3])).toBeGreaterThan(1e-6);
    opt.dispose();
    W.dispose();
    b.dispose();
  });

  it('null grads leave a parameter untouched; numTensors flat across applies', () => {
    const a = tf.variable(tf.tensor1d([1, 2]));
    const c = tf.variable(tf.tensor1d([3]));
    const opt = new AdamW([{ variable: a, decay: true }, { variable: c, decay: true }]);
    const g = tf.tensor1d([1, 1]);
    opt.apply([g, null], 0.1);
    const n = tf.memory().numTensors;
    opt.apply([g, null], 0.1);
    expect(tf.memory().numTensors).toBe(n);
    expect(c.dataSync()[0]).toBe(3);
    [g, a, c].forEach((t) => t.dispose());
    opt.dispose();
  });
});

describe('global-norm clipping', () => {
  it('norm over all tensors, scale = min(1, max/(n+1e-6)), nulls pass through', () => {
    const g1 = tf.tensor1d([3, 4]);
    const g2 = tf.tensor2d([[12]]);
    expect(globalNorm([g1, null, g2]).dataSync()[0]).toBeCloseTo(13, 5);
    const { grads, norm } = clipByGlobalNorm([g1, null, g2], 6.5);
    expect(norm.dataSync()[0]).toBeCloseTo(13, 5);
    const s = 6.5 / (13 + 1e-6);
    expect(Array.from(grads[0]!.dataSync())).toEqual([Math.fround(3 * s), Math.fround(4 * s)].map((x) => expect.closeTo(x, 6)));
    expect(grads[1]).toBeNull();
    expect(grads[2]!.dataSync()[0]).toBeCloseTo(12 * s, 5);
    const big = clipByGlobalNorm([g1, g2], 100);
    expect(Array.from(big.grads[0]!.dataSync())).toEqual([3, 4]);
    const inf = clipByGlobalNorm([g1, g2], Infinity);
    expect(inf.norm.dataSync()[0]).toBeCloseTo(13, 5);
    expect(Array.from(inf.grads[1]!.dataSync())).toEqual([12]);
  });
});

describe('sumMany (tree of small addN calls, safe on WebGPU)', () => {
  it('sums 1, 4, 5 and 83 tensors exactly', async () => {
    for (const n of [1, 4, 5, 83]) {
      const xs = Array.from({ length: n }, (_, i) => tf.scalar(i + 1));
      const s = sumMany(xs);
      expect(await s.data()).toEqual(new Float32Array([(n * (n + 1)) / 2]));
      tf.dispose([...xs, s]);
    }
    const empty = sumMany([]);
    expect((await empty.data())[0]).toBe(0);
    empty.dispose();
  });
});
