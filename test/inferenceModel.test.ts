// InferenceModel (src/model/inferenceModel.ts): rebuilt from ModelWeights it encodes exactly like
// the ClipModel the weights came from (the weights are loaded, not re-initialised from the
// config's seed), chunking does not change any row, images are preprocessed (rgb/255 − 0.5)/0.5,
// load errors name the model, no tensors leak. Also weightBuffers (src/model/modelWeights.ts).
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultTrainConfig } from '../src/config/defaults';
import type { TrainConfig } from '../src/config/types';
import { ClipModel } from '../src/model/clipModel';
import { CLIP_INIT_LOGIT_SCALE, CLIP_MAX_LOGIT_SCALE, type ModelConfig } from '../src/model/config';
import { IMAGE_CHUNK, InferenceModel, ModelLoadError, TEXT_CHUNK, chunkSizeFor } from '../src/model/inferenceModel';
import { weightBuffers, type ModelWeights } from '../src/model/modelWeights';
import type { BpeTokenizer } from '../src/tokenizer/bpe';
import { trainBpe } from '../src/tokenizer/trainBpe';
import { Rng } from '../src/util/prng';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const VOCAB = 64;
const MODEL: ModelConfig = {
  image: { imageSize: 8, patchSize: 4, width: 16, layers: 1, heads: 2, mlpRatio: 2, pooling: 'mean' },
  text: { vocabSize: VOCAB, contextLength: 8, width: 16, layers: 1, heads: 2, mlpRatio: 2 },
  embedDim: 8,
  initLogitScale: CLIP_INIT_LOGIT_SCALE,
  maxLogitScale: CLIP_MAX_LOGIT_SCALE,
};
const S = MODEL.image.imageSize;
const T = MODEL.text.contextLength;
const D = MODEL.embedDim;
const PX = S * S * 3;
const SEED_A = 11;
const SEED_B = 12;
/** The weights' logit scale t (not the config's initial value, to see that it is loaded). */
const LOADED_T = Math.log(20);

const CORPUS = ['a red circle', 'a blue square', 'a green star', 'a small red square', 'a large blue circle', 'the green circle in the top left', 'a red star at the bottom'];
const TEXTS = ['a red circle', 'blue square', 'the green star in the top left corner of the picture', 'xyzzy!', '', 'a a a a a a a a a a'];

function trainConfig(seed: number): TrainConfig {
  const c = defaultTrainConfig();
  return { ...c, seed, model: structuredClone(MODEL) };
}

function weightsOf(m: ClipModel, tok: BpeTokenizer, seed: number): ModelWeights {
  return {
    id: 'model-1',
    name: 'My model',
    step: 7,
    config: trainConfig(seed),
    tokenizer: tok.toJSON(),
    dataset: { id: 'shapes', name: 'Shapes' },
    tensors: m.params.params.map((p) => ({
      name: p.name,
      shape: [...p.shape],
      values: p.name === 'logit_scale' ? Float32Array.of(LOADED_T) : (p.variable.dataSync() as Float32Array).slice(),
    })),
  };
}

function randomRgb(n: number, seed: number): Uint8Array {
  const rng = new Rng(seed);
  const rgb = Uint8Array.from({ length: n * PX }, () => rng.int(256));
  rgb[0] = 0;
  rgb[1] = 255;
  return rgb;
}

/** The reference: the seed-A ClipModel on tokens / preprocessed pixels built here. */
function refTexts(m: ClipModel, tok: BpeTokenizer, texts: string[]): Float32Array {
  const { tokens, eot } = tok.encodeBatch(texts, T);
  return tf.tidy(() => m.encodeTexts(tf.tensor2d(tokens, [texts.length, T], 'int32'), tf.tensor1d(eot, 'int32')).dataSync() as Float32Array);
}
function refImages(m: ClipModel, rgb: Uint8Array, n: number): Float32Array {
  const x = Float32Array.from(rgb, (b) => (b / 255 - 0.5) / 0.5);
  return tf.tidy(() => m.encodeImages(tf.tensor4d(x, [n, S, S, 3])).dataSync() as Float32Array);
}

function expectClose(got: Float32Array, want: Float32Array, tol = 1e-5): void {
  expect(got.length).toBe(want.length);
  let worst = 0;
  for (let i = 0; i < got.length; i++) worst = Math.max(worst, Math.abs(got[i]! - want[i]!));
  expect(worst).toBeLessThanOrEqual(tol);
}
function maxDiff(a: Float32Array, b: Float32Array): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  return worst;
}

function loadError(w: ModelWeights): ModelLoadError {
  try {
    InferenceModel.fromWeights(w).dispose();
  } catch (e) {
    expect(e).toBeInstanceOf(ModelLoadError);
    return e as ModelLoadError;
  }
  throw new Error('fromWeights did not throw');
}

describe('InferenceModel', () => {
  let tok: BpeTokenizer;
  let modelA: ClipModel;
  let weights: ModelWeights;
  let im: InferenceModel;

  beforeAll(() => {
    tok = trainBpe(CORPUS, VOCAB);
    modelA = new ClipModel(MODEL, SEED_A);
    weights = weightsOf(modelA, tok, SEED_B);
    im = InferenceModel.fromWeights(weights);
    modelA.setLogitScale(LOADED_T);
  });
  afterAll(() => {
    im.dispose();
    modelA.dispose();
  });

  it('exposes the config, the loaded logit scale and the tokenizer', () => {
    expect(im.embedDim).toBe(D);
    expect(im.imageSize).toBe(S);
    expect(im.contextLength).toBe(T);
    expect(im.logitScale).toBeCloseTo(20, 4);
    expect(im.tokenizer.toJSON()).toEqual(tok.toJSON());
    expect(im.weights.name).toBe('My model');
    expect('tensors' in im.weights).toBe(false);
  });

  it('encodes texts like the ClipModel the weights came from (not the config seed)', async () => {
    const got = await im.encodeTexts(TEXTS);
    expect(got).toBeInstanceOf(Float32Array);
    expect(got.length).toBe(TEXTS.length * D);
    expectClose(got, refTexts(modelA, tok, TEXTS));
    // A model initialised from the config's own seed differs (so the comparison above means something).
    const modelB = new ClipModel(MODEL, SEED_B);
    try {
      expect(maxDiff(got, refTexts(modelB, tok, TEXTS))).toBeGreaterThan(1e-2);
    } finally {
      modelB.dispose();
    }
    for (let i = 0; i < TEXTS.length; i++) expect(Math.hypot(...got.subarray(i * D, (i + 1) * D))).toBeCloseTo(1, 5);
  });

  it('encodes images like the ClipModel the weights came from, preprocessing (rgb/255 − 0.5)/0.5', async () => {
    const n = 3;
    const rgb = randomRgb(n, 5);
    const got = await im.encodeImages(rgb, n);
    expect(got.length).toBe(n * D);
    expectClose(got, refImages(modelA, rgb, n));
    const modelB = new ClipModel(MODEL, SEED_B);
    try {
      expect(maxDiff(got, refImages(modelB, rgb, n))).toBeGreaterThan(1e-2);
    } finally {
      modelB.dispose();
    }
    // The same images stored at twice the size (each pixel doubled) are resized back exactly.
    const big = new Uint8Array(n * 4 * S * S * 3);
    for (let i = 0; i < n; i++)
      for (let y = 0; y < 2 * S; y++)
        for (let x = 0; x < 2 * S; x++)
          for (let c = 0; c < 3; c++) big[((i * 2 * S + y) * 2 * S + x) * 3 + c] = rgb[((i * S + (y >> 1)) * S + (x >> 1)) * 3 + c]!;
    expectClose(await im.encodeImages(big, n, 2 * S), got);
    // Raw bytes fed without preprocessing would give other embeddings.
    const raw = tf.tidy(() => modelA.encodeImages(tf.tensor4d(Float32Array.from(rgb), [n, S, S, 3])).dataSync() as Float32Array);
    expect(maxDiff(got, raw)).toBeGreaterThan(1e-2);
  });

  it('pads a call to the next of a few batch sizes, not to the largest (one image is one image)', () => {
    expect([1, 2, 4, 5, 16, 17, 32].map((n) => chunkSizeFor(n, IMAGE_CHUNK))).toEqual([1, 4, 4, 16, 16, 32, 32]);
    expect([1, 20, 33, 64].map((n) => chunkSizeFor(n, TEXT_CHUNK))).toEqual([1, 32, 64, 64]);
  });

  it(`${TEXT_CHUNK + 6} texts (more than one chunk of ${TEXT_CHUNK}) give the rows of one at a time`, async () => {
    expect(TEXT_CHUNK).toBe(64);
    const rng = new Rng(3);
    const words = ['a', 'red', 'blue', 'green', 'circle', 'square', 'star', 'small', 'large', 'top', 'left'];
    const texts = Array.from({ length: 70 }, () => Array.from({ length: 1 + rng.int(6) }, () => rng.pick(words)).join(' '));
    const all = await im.encodeTexts(texts);
    expect(all.length).toBe(70 * D);
    for (let i = 0; i < texts.length; i++) expectClose(all.subarray(i * D, (i + 1) * D), await im.encodeTexts([texts[i]!]));
    expectClose(all, refTexts(modelA, tok, texts));
    expect((await im.encodeTexts([])).length).toBe(0);
  });

  it(`${IMAGE_CHUNK + 1} images (more than one chunk of ${IMAGE_CHUNK}) give the rows of one at a time`, async () => {
    expect(IMAGE_CHUNK).toBe(32);
    const n = 33;
    const rgb = randomRgb(n, 9);
    const done: number[] = [];
    const all = await im.encodeImages(rgb, n, undefined, (k) => void done.push(k));
    expect(done).toEqual([32, 33]);
    for (let i = 0; i < n; i++) expectClose(all.subarray(i * D, (i + 1) * D), await im.encodeImages(rgb.subarray(i * PX, (i + 1) * PX), 1));
    expectClose(all, refImages(modelA, rgb, n));
  });

  it('encodeImages checks the byte count', async () => {
    await expect(im.encodeImages(new Uint8Array(PX * 2 - 1), 2)).rejects.toThrow(/bytes for 2 images of 8×8/);
  });

  it('leaks no tensors: encoding keeps the count, dispose returns to the count before loading', async () => {
    const before = tf.memory().numTensors;
    const m = InferenceModel.fromWeights(weights);
    const loaded = tf.memory().numTensors;
    expect(loaded).toBeGreaterThan(before);
    await m.encodeTexts(TEXTS);
    await m.encodeImages(randomRgb(2, 1), 2);
    await m.encodeTexts(Array(TEXT_CHUNK + 1).fill('a red star'));
    expect(tf.memory().numTensors).toBe(loaded);
    m.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  describe('load errors are ModelLoadErrors naming the model', () => {
    it('no tokenizer', () => {
      expect(loadError({ ...weights, tokenizer: null }).message).toMatch(/^My model: .*has no tokenizer/);
      expect(loadError({ ...weights, tokenizer: undefined }).message).toMatch(/^My model: .*has no tokenizer/);
    });

    it('an unreadable tokenizer', () => {
      expect(loadError({ ...weights, tokenizer: { type: 'gpt2' } }).message).toMatch(/^My model: the tokenizer is not readable \(.+\)/);
      expect(loadError({ ...weights, tokenizer: { ...tok.toJSON(), merges: 'x' } }).message).toMatch(/^My model: the tokenizer is not readable/);
    });

    it('a tokenizer whose vocabulary is not the text tower’s', () => {
      const other = trainBpe(CORPUS, VOCAB + 16);
      expect(loadError({ ...weights, tokenizer: other.toJSON() }).message).toBe(`My model: the tokenizer has ${VOCAB + 16} ids, the text tower ${VOCAB}`);
    });

    it('a missing tensor (and nothing leaks)', () => {
      const name = weights.tensors[3]!.name;
      const before = tf.memory().numTensors;
      const err = loadError({ ...weights, tensors: weights.tensors.filter((t) => t.name !== name) });
      expect(err.message).toBe(`My model: tensor "${name}" is missing`);
      expect(tf.memory().numTensors).toBe(before);
    });

    it('a wrong-shaped tensor (and nothing leaks)', () => {
      const i = weights.tensors.findIndex((t) => t.shape.length === 2 && t.shape[0] !== t.shape[1]);
      expect(i).toBeGreaterThanOrEqual(0);
      const t = weights.tensors[i]!;
      const [a, b] = t.shape as [number, number];
      const tensors = weights.tensors.map((x, j) => (j === i ? { ...x, shape: [b, a] } : x));
      const before = tf.memory().numTensors;
      expect(loadError({ ...weights, tensors }).message).toBe(`My model: tensor "${t.name}" has shape [${b}, ${a}], the config needs [${a}, ${b}]`);
      // A different rank too.
      const flat = weights.tensors.map((x, j) => (j === i ? { ...x, shape: [a * b] } : x));
      expect(loadError({ ...weights, tensors: flat }).message).toBe(`My model: tensor "${t.name}" has shape [${a * b}], the config needs [${a}, ${b}]`);
      expect(tf.memory().numTensors).toBe(before);
    });
  });
});

describe('weightBuffers', () => {
  it('returns each distinct ArrayBuffer once, in first-use order', () => {
    const shared = new Float32Array(10);
    const own = new Float32Array(3);
    const w = {
      tensors: [
        { name: 'a', shape: [4], values: shared.subarray(0, 4) },
        { name: 'b', shape: [3], values: own },
        { name: 'c', shape: [6], values: shared.subarray(4) },
        { name: 'd', shape: [10], values: shared },
      ],
    } as unknown as ModelWeights;
    const bufs = weightBuffers(w);
    expect(bufs).toHaveLength(2);
    expect(bufs[0]).toBe(shared.buffer);
    expect(bufs[1]).toBe(own.buffer);
  });

  it('leaves out SharedArrayBuffers (they cannot be transferred) and handles no tensors', () => {
    const sab = new Float32Array(new SharedArrayBuffer(16));
    const own = new Float32Array(2);
    const w = { tensors: [{ name: 's', shape: [4], values: sab }, { name: 'o', shape: [2], values: own }] } as unknown as ModelWeights;
    expect(weightBuffers(w)).toEqual([own.buffer]);
    expect(weightBuffers({ tensors: [] } as unknown as ModelWeights)).toEqual([]);
  });
});
