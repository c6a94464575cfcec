// ClipModel: shapes, unit norm, seeded determinism, causal EOT feature, patchify order, decay flags,
// export/import round trip, logit-scale clamp.
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Batch } from '../src/data/batch';
import { ClipModel, batchToTensors, disposeBatchTensors } from '../src/model/clipModel';
import { MODEL_PRESETS, type ModelConfig } from '../src/model/config';
import { matMulExplicitGrad } from '../src/model/layers';
import { Rng } from '../src/util/prng';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const tiny = MODEL_PRESETS.tiny;
const clsCfg: ModelConfig = { ...tiny, image: { ...tiny.image, pooling: 'cls', patchSize: 16, layers: 1 }, text: { ...tiny.text, layers: 1 } };

function makeBatch(cfg: ModelConfig, B: number, seed: number): Batch {
  const rng = new Rng(seed);
  const S = cfg.image.imageSize;
  const T = cfg.text.contextLength;
  const images = Float32Array.from({ length: B * S * S * 3 }, () => rng.uniform() * 2 - 1);
  const tokens = new Int32Array(B * T);
  const eot = new Int32Array(B);
  for (let b = 0; b < B; b++) {
    eot[b] = 2 + rng.int(T - 2);
    for (let t = 0; t < T; t++) tokens[b * T + t] = t <= eot[b] ? 1 + rng.int(cfg.text.vocabSize - 1) : 0;
  }
  return { size: B, imageSize: S, images, contextLength: T, tokens, eot };
}

function embed(m: ClipModel, batch: Batch): { u: Float32Array; v: Float32Array } {
  const t = batchToTensors(batch);
  const u = m.encodeImages(t.images);
  const v = m.encodeTexts(t.tokens, t.eot);
  const out = { u: u.dataSync() as Float32Array, v: v.dataSync() as Float32Array };
  u.dispose();
  v.dispose();
  disposeBatchTensors(t);
  return out;
}

describe('ClipModel', () => {
  const models: ClipModel[] = [];
  const make = (cfg: ModelConfig, seed: number) => {
    const m = new ClipModel(cfg, seed);
    models.push(m);
    return m;
  };
  afterAll(() => models.forEach((m) => m.dispose()));

  it.each([['tiny/mean', tiny], ['cls', clsCfg]] as const)('%s: shapes and unit-norm embeddings', (_n, cfg) => {
    const m = make(cfg, 1);
    const batch = makeBatch(cfg, 5, 3);
    const t = batchToTensors(batch);
    const u = m.encodeImages(t.images);
    const v = m.encodeTexts(t.tokens, t.eot);
    expect(u.shape).toEqual([5, cfg.embedDim]);
    expect(v.shape).toEqual([5, cfg.embedDim]);
    for (const x of [u, v]) {
      const norms = tf.tidy(() => tf.norm(x, 'euclidean', 1).dataSync());
      norms.forEach((n) => expect(n).toBeCloseTo(1, 5));
    }
    [u, v].forEach((x) => x.dispose());
    disposeBatchTensors(t);
  });

  it('same seed → identical embeddings; different seed → different', () => {
    const batch = makeBatch(tiny, 4, 11);
    const a = embed(make(tiny, 42), batch);
    const b = embed(make(tiny, 42), batch);
    const c = embed(make(tiny, 43), batch);
    expect(Array.from(a.u)).toEqual(Array.from(b.u));
    expect(Array.from(a.v)).toEqual(Array.from(b.v));
    expect(Array.from(a.u)).not.toEqual(Array.from(c.u));
    expect(Array.from(a.v)).not.toEqual(Array.from(c.v));
  });

  it('text feature is causal: tokens after EOT do not matter, tokens before do', () => {
    const m = make(tiny, 5);
    const T = tiny.text.contextLength;
    const batch = makeBatch(tiny, 3, 21);
    batch.eot.set([4, 7, T - 1]);
    const base = embed(m, batch).v;
    const after = { ...batch, tokens: batch.tokens.slice() };
    for (let b = 0; b < 3; b++) for (let t = batch.eot[b] + 1; t < T; t++) after.tokens[b * T + t] = 1 + ((t * 37 + b) % 200);
    const v2 = embed(m, after).v;
    base.forEach((x, i) => expect(v2[i]).toBeCloseTo(x, 6));
    const before = { ...batch, tokens: batch.tokens.slice() };
    before.tokens[0 * T + 1] = (before.tokens[1] % 250) + 1;
    const v3 = embed(m, before).v;
    const D = tiny.embedDim;
    expect(Math.max(...Array.from(v3.slice(0, D)).map((x, i) => Math.abs(x - base[i])))).toBeGreaterThan(1e-4);
    // other rows untouched
    Array.from(v3.slice(D)).forEach((x, i) => expect(x).toBeCloseTo(base[D + i], 6));
  });

  it('patchify orders each patch as (row, col, channel) of its pixels', () => {
    const cfg: ModelConfig = { ...tiny, image: { ...tiny.image, imageSize: 4, patchSize: 2 } };
    const m = make(cfg, 1);
    const img = tf.tensor4d(Float32Array.from({ length: 2 * 4 * 4 * 3 }, (_, i) => i), [2, 4, 4, 3]);
    const p = m.image.patchify(img).arraySync();
    expect(p.length).toBe(2);
    expect(p[0].length).toBe(4);
    const px = (b: number, y: number, x: number, c: number) => ((b * 4 + y) * 4 + x) * 3 + c;
    for (let b = 0; b < 2; b++)
      for (let gi = 0; gi < 2; gi++)
        for (let gj = 0; gj < 2; gj++) {
          const want: number[] = [];
          for (let pi = 0; pi < 2; pi++) for (let pj = 0; pj < 2; pj++) for (let c = 0; c < 3; c++) want.push(px(b, gi * 2 + pi, gj * 2 + pj, c));
          expect(p[b][gi * 2 + gj]).toEqual(want);
        }
    img.dispose();
  });

  it('decay only on weight matrices; registry order fixed; export/import round trip', async () => {
    const m = make(clsCfg, 9);
    for (const p of m.params.params) {
      const isMatrix = /\.w$|token_embed$/.test(p.name);
      expect(p.decay, p.name).toBe(isMatrix);
      if (p.decay) expect(p.shape.length).toBe(2);
    }
    expect(m.paramCount).toBe(m.params.params.reduce((a, p) => a + p.shape.reduce((x, y) => x * y, 1), 0));
    const names = m.params.names();
    expect(names[0]).toBe('img.patch.w');
    expect(names).toContain('img.cls');
    expect(names.at(-1)).toBe('logit_scale');
    expect(make(clsCfg, 10).params.names()).toEqual(names);
  });

  it('logit scale starts at ln(1/0.07) and clamps to [0, ln 100]', () => {
    const m = make(tiny, 3);
    expect(m.logitScale.dataSync()[0]).toBeCloseTo(Math.log(1 / 0.07), 6);
    m.logitScale.assign(tf.scalar(7));
    m.clampLogitScale();
    expect(m.logitScale.dataSync()[0]).toBeCloseTo(Math.log(100), 6);
    m.logitScale.assign(tf.scalar(-0.5));
    m.clampLogitScale();
    expect(m.logitScale.dataSync()[0]).toBe(0);
    m.logitScale.assign(tf.scalar(1.5));
    const n = tf.memory().numTensors;
    m.clampLogitScale();
    expect(m.logitScale.dataSync()[0]).toBeCloseTo(1.5, 6);
    expect(tf.memory().numTensors).toBe(n);
  });

  it('matMulExplicitGrad (the wasm path) matches tf.matMul in value and gradients', () => {
    const rng = new Rng(8);
    const a = tf.tensor2d(Float32Array.from({ length: 15 }, () => rng.normal()), [5, 3]);
    const b = tf.tensor2d(Float32Array.from({ length: 12 }, () => rng.normal()), [3, 4]);
    const w = tf.tensor2d(Float32Array.from({ length: 20 }, () => rng.normal()), [5, 4]);
    const f = (mm: (x: tf.Tensor2D, y: tf.Tensor2D) => tf.Tensor2D) =>
      tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.mul(mm(x as tf.Tensor2D, y as tf.Tensor2D), w)))([a, b]).map((g) => Array.from(g.dataSync()));
    const [ga, gb] = f(matMulExplicitGrad);
    const [na, nb] = f((x, y) => tf.matMul(x, y));
    ga.forEach((x, i) => expect(x).toBeCloseTo(na[i], 5));
    gb.forEach((x, i) => expect(x).toBeCloseTo(nb[i], 5));
    expect(Array.from(matMulExplicitGrad(a, b).dataSync())).toEqual(Array.from(tf.matMul(a, b).dataSync()));
  });

  it('dispose releases every tensor the model made', () => {
    const n = tf.memory().numTensors;
    const m = new ClipModel(clsCfg, 1);
    expect(tf.memory().numTensors).toBeGreaterThan(n);
    m.dispose();
    expect(tf.memory().numTensors).toBe(n);
  });
});
