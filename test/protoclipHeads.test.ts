// ProtoCLIP projection heads (methods.md §5): registry names/decay flags, identical initial weights
// but separate parameters, forward and gradients against a float64 reference (central differences),
// BatchNorm batch statistics vs running statistics, no tensor leaks.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { ParamRegistry } from '../src/model/params';
import { BN_EPS, FEATURE_PASS_TRAINING_MODE, ProtoHeads } from '../src/objectives/protoclip/heads';
import { Rng } from '../src/util/prng';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

type M = number[][];
const D = 6;
const H = 8;
const P = 4;

interface HeadVals {
  w1: M;
  b1: number[];
  g: number[];
  be: number[];
  w2: M;
  b2: number[];
}

function readHead(reg: ParamRegistry, prefix: string): HeadVals {
  const a = (n: string) => reg.get(`${prefix}.${n}`).arraySync();
  return { w1: a('fc1.w') as M, b1: a('fc1.b') as number[], g: a('bn.g') as number[], be: a('bn.b') as number[], w2: a('fc2.w') as M, b2: a('fc2.b') as number[] };
}

/** float64 head: training → batch stats, else the given running stats. */
function refHead(v: HeadVals, x: M, stats: { mean: number[]; var: number[] } | null): M {
  const z = x.map((r) => v.b1.map((b, j) => b + r.reduce((s, xi, i) => s + xi * v.w1[i][j], 0)));
  const n = z.length;
  const mean = stats ? stats.mean : v.b1.map((_, j) => z.reduce((s, r) => s + r[j], 0) / n);
  const vr = stats ? stats.var : v.b1.map((_, j) => z.reduce((s, r) => s + (r[j] - mean[j]) ** 2, 0) / n);
  const a = z.map((r) => r.map((zj, j) => Math.max(0, ((zj - mean[j]) / Math.sqrt(vr[j] + BN_EPS)) * v.g[j] + v.be[j])));
  const y = a.map((r) => v.b2.map((b, p) => b + r.reduce((s, ai, j) => s + ai * v.w2[j][p], 0)));
  return y.map((r) => {
    const norm = Math.sqrt(r.reduce((s, t) => s + t * t, 0) + 1e-12);
    return r.map((t) => t / norm);
  });
}

function randRows(rng: Rng, n: number, d: number, scale = 1): M {
  return Array.from({ length: n }, () => Array.from({ length: d }, () => Math.fround(rng.normal() * scale)));
}

const maxAbsDiff = (a: M, b: M) => Math.max(...a.flatMap((r, i) => r.map((x, j) => Math.abs(x - b[i][j]))));

describe('ProtoHeads', () => {
  it('registers proto.img_head.* and proto.txt_head.* with decay on matrices only', () => {
    const reg = new ParamRegistry(1);
    const heads = new ProtoHeads(reg, D, H, P);
    const expected = ['fc1.w', 'fc1.b', 'bn.g', 'bn.b', 'fc2.w', 'fc2.b'];
    expect(reg.names()).toEqual([...expected.map((n) => `proto.img_head.${n}`), ...expected.map((n) => `proto.txt_head.${n}`)]);
    for (const p of reg.params) expect(p.decay).toBe(p.name.endsWith('.w'));
    expect(reg.get('proto.img_head.fc1.w').shape).toEqual([D, H]);
    expect(reg.get('proto.txt_head.fc2.w').shape).toEqual([H, P]);
    expect(heads.variables()).toHaveLength(12);
    expect(heads.variables().every((v) => v.trainable)).toBe(true);
    expect(Object.values(heads.runningStats()).every((v) => !v.trainable)).toBe(true);
    expect(FEATURE_PASS_TRAINING_MODE).toBe(false);
    heads.dispose();
    reg.dispose();
  });

  it('identical initial outputs, separate variables', () => {
    const reg = new ParamRegistry(5);
    const heads = new ProtoHeads(reg, D, H, P);
    const x = tf.tensor2d(randRows(new Rng(2), 7, D, 3));
    expect(heads.image(x, true).arraySync()).toEqual(heads.text(x, true).arraySync());
    expect(heads.image(x, false).arraySync()).toEqual(heads.text(x, false).arraySync());
    expect(readHead(reg, 'proto.img_head')).toEqual(readHead(reg, 'proto.txt_head'));
    const txtBefore = heads.text(x, false).arraySync();
    const imgBefore = heads.image(x, false).arraySync();
    // update the image head only (as an optimizer would, by assign)
    const w = reg.get('proto.img_head.fc2.w');
    w.assign(tf.add(w, tf.randomNormal(w.shape, 0, 0.5, 'float32', 3)));
    expect(heads.text(x, false).arraySync()).toEqual(txtBefore);
    expect(maxAbsDiff(heads.image(x, false).arraySync(), imgBefore)).toBeGreaterThan(1e-3);
    expect(reg.get('proto.txt_head.fc2.w')).not.toBe(w);
    heads.dispose();
    reg.dispose();
    x.dispose();
  });

  it('forward matches float64 (train: batch stats; eval: running stats); unit rows', () => {
    const reg = new ParamRegistry(9);
    const heads = new ProtoHeads(reg, D, H, P);
    // non-trivial BN affine
    reg.get('proto.img_head.bn.g').assign(tf.tensor1d(randRows(new Rng(4), 1, H)[0].map((g) => 1 + 0.3 * g)));
    reg.get('proto.img_head.bn.b').assign(tf.tensor1d(randRows(new Rng(5), 1, H, 0.2)[0]));
    const xs = randRows(new Rng(3), 9, D, 2);
    const x = tf.tensor2d(xs);
    const v = readHead(reg, 'proto.img_head');
    const train = heads.image(x, true).arraySync();
    expect(maxAbsDiff(train, refHead(v, xs, null))).toBeLessThan(2e-5);
    train.forEach((r) => expect(Math.hypot(...r)).toBeCloseTo(1, 5));
    const stats = heads.runningStats();
    const rm = stats['proto.img_head.bn.running_mean'].arraySync() as number[];
    const rv = stats['proto.img_head.bn.running_var'].arraySync() as number[];
    const evalOut = heads.image(x, false).arraySync();
    expect(maxAbsDiff(evalOut, refHead(v, xs, { mean: rm, var: rv }))).toBeLessThan(2e-5);
    heads.dispose();
    reg.dispose();
    x.dispose();
  });

  it('BatchNorm: running stats follow momentum 0.1 (unbiased var); eval with batch stats = train output; eval does not update', () => {
    const reg = new ParamRegistry(11);
    const heads = new ProtoHeads(reg, D, H, P);
    const xs = randRows(new Rng(6), 10, D, 1.5);
    const x = tf.tensor2d(xs);
    const v = readHead(reg, 'proto.img_head');
    const z = xs.map((r) => v.b1.map((b, j) => b + r.reduce((s, xi, i) => s + xi * v.w1[i][j], 0)));
    const n = z.length;
    const mean = v.b1.map((_, j) => z.reduce((s, r) => s + r[j], 0) / n);
    const varB = v.b1.map((_, j) => z.reduce((s, r) => s + (r[j] - mean[j]) ** 2, 0) / n);
    const stats = heads.runningStats();
    const rmV = stats['proto.img_head.bn.running_mean'];
    const rvV = stats['proto.img_head.bn.running_var'];
    expect(rmV.arraySync()).toEqual(new Array(H).fill(0));
    expect(rvV.arraySync()).toEqual(new Array(H).fill(1));
    const trainOut = heads.image(x, true).arraySync();
    (rmV.arraySync() as number[]).forEach((m, j) => expect(m).toBeCloseTo(0.1 * mean[j], 5));
    (rvV.arraySync() as number[]).forEach((s, j) => expect(s).toBeCloseTo(0.9 + 0.1 * varB[j] * (n / (n - 1)), 5));
    // text head's running stats untouched by the image head
    expect(stats['proto.txt_head.bn.running_mean'].arraySync()).toEqual(new Array(H).fill(0));
    // eval mode does not update
    const rmBefore = rmV.arraySync();
    const evalOut = heads.image(x, false).arraySync();
    expect(rmV.arraySync()).toEqual(rmBefore);
    expect(maxAbsDiff(evalOut, trainOut)).toBeGreaterThan(1e-3); // stats differ → outputs differ
    // with running stats equal to the batch stats, eval reproduces the training output
    rmV.assign(tf.tensor1d(mean));
    rvV.assign(tf.tensor1d(varB));
    expect(maxAbsDiff(heads.image(x, false).arraySync(), trainOut)).toBeLessThan(2e-5);
    heads.dispose();
    reg.dispose();
    x.dispose();
  });

  it('names its BatchNorm running statistics for checkpoints (the run saves them as they are)', () => {
    const reg = new ParamRegistry(2);
    const heads = new ProtoHeads(reg, D, H, P);
    const stats = heads.runningStats();
    expect(Object.keys(stats).sort()).toEqual([
      'proto.img_head.bn.running_mean',
      'proto.img_head.bn.running_var',
      'proto.txt_head.bn.running_mean',
      'proto.txt_head.bn.running_var',
    ]);
    expect(stats['proto.img_head.bn.running_mean']).toBe(heads.img.runningMean);
    expect(stats['proto.txt_head.bn.running_var']!.shape).toEqual([H]);
    heads.dispose();
    reg.dispose();
  });

  it('gradients of head parameters (through batch-stat BatchNorm) match float64 central differences', () => {
    const reg = new ParamRegistry(13);
    const heads = new ProtoHeads(reg, D, H, P);
    reg.get('proto.img_head.bn.b').assign(tf.tensor1d(randRows(new Rng(15), 1, H, 0.3)[0]));
    const xs = randRows(new Rng(14), 6, D, 1.2);
    const R = randRows(new Rng(16), 6, P);
    const x = tf.tensor2d(xs);
    const Rt = tf.tensor2d(R);
    const names = ['fc1.w', 'fc1.b', 'bn.g', 'bn.b', 'fc2.w', 'fc2.b'].map((n) => `proto.img_head.${n}`);
    const vars = names.map((n) => reg.get(n));
    const before = tf.memory().numTensors;
    const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(heads.image(x, true), Rt)) as tf.Scalar, vars);
    const base = readHead(reg, 'proto.img_head');
    const lossRef = (v: HeadVals) => refHead(v, xs, null).reduce((s, r, i) => s + r.reduce((t, h, p) => t + h * R[i][p], 0), 0);
    expect(Math.abs(value.arraySync() - lossRef(base))).toBeLessThan(1e-5);
    const keyOf: Record<string, keyof HeadVals> = { 'fc1.w': 'w1', 'fc1.b': 'b1', 'bn.g': 'g', 'bn.b': 'be', 'fc2.w': 'w2', 'fc2.b': 'b2' };
    const eps = 1e-6;
    names.forEach((name, vi) => {
      const g = grads[vars[vi].name].arraySync() as number[] | M;
      const key = keyOf[name.slice('proto.img_head.'.length)];
      const flatG = (g as (number | number[])[]).flat() as number[];
      const probe = [0, 1, Math.floor(flatG.length / 2), flatG.length - 1];
      for (const idx of probe) {
        const perturb = (delta: number): HeadVals => {
          const v = structuredClone(base);
          const arr = v[key] as number[] | M;
          if (Array.isArray(arr[0])) {
            const cols = (arr[0] as number[]).length;
            (arr as M)[Math.floor(idx / cols)][idx % cols] += delta;
          } else (arr as number[])[idx] += delta;
          return v;
        };
        const fd = (lossRef(perturb(eps)) - lossRef(perturb(-eps))) / (2 * eps);
        expect(Math.abs(flatG[idx] - fd)).toBeLessThan(2e-3 * Math.max(1, Math.abs(fd)));
      }
      if (name.endsWith('fc1.b')) flatG.forEach((x) => expect(Math.abs(x)).toBeLessThan(1e-4)); // BN cancels a pre-BN bias
    });
    // running stats updated inside variableGrads, without leaks
    expect((heads.runningStats()['proto.img_head.bn.running_mean'].arraySync() as number[]).some((m) => m !== 0)).toBe(true);
    value.dispose();
    Object.values(grads).forEach((t) => t.dispose());
    expect(tf.memory().numTensors).toBe(before);
    heads.dispose();
    reg.dispose();
    tf.dispose([x, Rt]);
  });

  it('no tensor leaks in either mode', () => {
    const reg = new ParamRegistry(3);
    const heads = new ProtoHeads(reg, D, H, P);
    const x = tf.tensor2d(randRows(new Rng(1), 4, D));
    heads.image(x, true).dispose();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) {
      heads.image(x, true).dispose();
      heads.text(x, false).dispose();
      heads.imageFeatures(x).dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
    heads.dispose();
    reg.dispose();
    x.dispose();
  });
});
