// The zero-shot playground (src/worker/inference/playground.ts) on a real tiny InferenceModel:
// probabilities against a float64 softmax(s · cos) computed here from the model's own embeddings
// and an ensemble written here, the single-template scores, the prompt cache, errors, truncation.
import type { BpeTokenizer } from '../src/tokenizer/bpe';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultTrainConfig } from '../src/config/defaults';
import { ClipModel } from '../src/model/clipModel';
import { CLIP_INIT_LOGIT_SCALE, CLIP_MAX_LOGIT_SCALE, type ModelConfig } from '../src/model/config';
import { InferenceModel } from '../src/model/inferenceModel';
import type { ModelWeights } from '../src/model/modelWeights';
import { trainBpe } from '../src/tokenizer/trainBpe';
import { Rng } from '../src/util/prng';
import { MAX_LABELS, Playground } from '../src/worker/inference/playground';

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
const D = MODEL.embedDim;
/** No "z" in the corpus: a z is two nibble tokens. */
const CORPUS = ['a red circle', 'a blue square', 'a green star', 'a photo of a red square', 'a large blue circle in the picture', 'the green circle'];
const LABELS = ['red circle', 'blue square', 'green star'];
const TEMPLATES = ['a {}', 'a photo of a {}.', '{} in the picture'];

function tinyModel(): InferenceModel {
  const clip = new ClipModel(MODEL, 5);
  const tok = trainBpe(CORPUS, VOCAB);
  const c = defaultTrainConfig();
  const w: ModelWeights = {
    id: 'm',
    name: 'Tiny',
    step: 0,
    config: { ...c, seed: 6, model: structuredClone(MODEL) },
    tokenizer: tok.toJSON(),
    dataset: { id: 'd', name: 'D' },
    tensors: clip.params.params.map((p) => ({ name: p.name, shape: [...p.shape], values: (p.variable.dataSync() as Float32Array).slice() })),
  };
  clip.dispose();
  return InferenceModel.fromWeights(w);
}

/** Float64 reference: w_c = normalise(mean_t unit(e_{c,t})), cos_c = u · w_c, p = softmax(s · cos). */
async function reference(model: InferenceModel, u: Float32Array, labels: string[], templates: string[]): Promise<{ cos: number[]; p: number[] }> {
  const unit = (v: number[]) => {
    const n = Math.sqrt(v.reduce((a, x) => a + x * x, 0));
    return v.map((x) => x / n);
  };
  const cos = [];
  for (const label of labels) {
    const e = await model.encodeTexts(templates.map((t) => t.split('{}').join(label)));
    const mean = new Array<number>(D).fill(0);
    for (let t = 0; t < templates.length; t++) unit(Array.from(e.subarray(t * D, (t + 1) * D))).forEach((x, k) => (mean[k] += x / templates.length));
    const w = unit(mean);
    cos.push(w.reduce((a, x, k) => a + x * u[k]!, 0));
  }
  const z = cos.map((c) => model.logitScale * c);
  const mx = Math.max(...z);
  const ex = z.map((x) => Math.exp(x - mx));
  const sum = ex.reduce((a, b) => a + b, 0);
  return { cos, p: ex.map((x) => x / sum) };
}

function expectNear(got: readonly number[], want: readonly number[], tol = 1e-6): void {
  expect(got.length).toBe(want.length);
  got.forEach((x, i) => expect(Math.abs(x - want[i]!)).toBeLessThanOrEqual(tol));
}

describe('Playground', () => {
  let model: InferenceModel;
  let rgb: Uint8Array;
  let u: Float32Array;

  beforeAll(async () => {
    model = tinyModel();
    const rng = new Rng(2);
    rgb = Uint8Array.from({ length: S * S * 3 }, () => rng.int(256));
    u = await model.encodeImages(rgb, 1);
  });
  afterAll(() => model.dispose());

  it('ensemble probabilities sum to 1 and equal a float64 softmax(s · cos)', async () => {
    const pg = new Playground(model);
    await pg.setImage('img', rgb);
    expect(pg.hasImage('img')).toBe(true);
    const r = await pg.zeroShot('img', LABELS, TEMPLATES, 1);
    const want = await reference(model, u, LABELS, TEMPLATES);
    expect(r.ensemble.probabilities.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expectNear(r.ensemble.cosines, want.cos);
    expectNear(r.ensemble.probabilities, want.p);
    // Not uniform: the comparison above would catch wrong cosines.
    expect(Math.max(...want.p) - Math.min(...want.p)).toBeGreaterThan(1e-3);
    const order = [0, 1, 2].sort((a, b) => want.p[b]! - want.p[a]!);
    expect(r.ensemble.order).toEqual(order);
    expect(r.labels).toEqual(LABELS);
    expect(r.imageKey).toBe('img');
    expect(r.templateCount).toBe(3);
    expect(r.logitScale).toBe(model.logitScale);
    expect(r.logitScale).toBeCloseTo(1 / 0.07, 4);
  });

  it('single is the ensemble of that one template', async () => {
    const pg = new Playground(model);
    await pg.setImage('img', rgb);
    for (const t of [0, 2]) {
      const r = await pg.zeroShot('img', LABELS, TEMPLATES, t);
      expect(r.singleTemplate).toBe(TEMPLATES[t]);
      const want = await reference(model, u, LABELS, [TEMPLATES[t]!]);
      expectNear(r.single.cosines, want.cos);
      expectNear(r.single.probabilities, want.p);
      expect(r.single.probabilities.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
      // and differs from the ensemble
      expect(Math.max(...r.single.cosines.map((c, i) => Math.abs(c - r.ensemble.cosines[i]!)))).toBeGreaterThan(1e-4);
    }
  });

  it('encodes only the prompts it has not seen', async () => {
    const pg = new Playground(model);
    await pg.setImage('img', rgb);
    expect((await pg.zeroShot('img', LABELS, TEMPLATES, 0)).encodedPrompts).toBe(9);
    expect((await pg.zeroShot('img', LABELS, TEMPLATES, 1)).encodedPrompts).toBe(0);
    const changed = ['red circle', 'blue star', 'green star'];
    const r = await pg.zeroShot('img', changed, TEMPLATES, 0);
    expect(r.encodedPrompts).toBe(3);
    const want = await reference(model, u, changed, TEMPLATES);
    expectNear(r.ensemble.probabilities, want.p);
    // One more template: one new prompt per label.
    expect((await pg.zeroShot('img', changed, [...TEMPLATES, 'the {}'], 0)).encodedPrompts).toBe(3);
    // A prompt shared by two labels' templates is encoded once.
    expect((await pg.zeroShot('img', ['x', 'a x'], ['{}', 'a {}'], 0)).encodedPrompts).toBe(3);
  });

  it('a second image reuses the cached prompts', async () => {
    const pg = new Playground(model);
    await pg.setImage('one', rgb);
    await pg.setImage('two', rgb.map((b) => 255 - b));
    await pg.zeroShot('one', LABELS, TEMPLATES, 0);
    const r = await pg.zeroShot('two', LABELS, TEMPLATES, 0);
    expect(r.encodedPrompts).toBe(0);
    const u2 = await model.encodeImages(rgb.map((b) => 255 - b), 1);
    expectNear(r.ensemble.probabilities, (await reference(model, u2, LABELS, TEMPLATES)).p);
  });

  it('errors: no labels, no image, a template without {}, too many labels, no such template', async () => {
    const pg = new Playground(model);
    await expect(pg.zeroShot('img', LABELS, TEMPLATES, 0)).rejects.toThrow(/^Choose an image first/);
    await pg.setImage('img', rgb);
    await expect(pg.zeroShot('other', LABELS, TEMPLATES, 0)).rejects.toThrow(/^Choose an image first/);
    await expect(pg.zeroShot('img', [], TEMPLATES, 0)).rejects.toThrow(/Type at least one label/);
    await expect(pg.zeroShot('img', LABELS, ['a {}', 'a photo'], 0)).rejects.toThrow('The template "a photo" has no {} where the label goes.');
    const many = Array.from({ length: MAX_LABELS + 1 }, (_, i) => `label ${i}`);
    await expect(pg.zeroShot('img', many, TEMPLATES, 0)).rejects.toThrow(`${MAX_LABELS + 1} labels: at most ${MAX_LABELS}.`);
    await expect(pg.zeroShot('img', LABELS, TEMPLATES, 3)).rejects.toThrow('No template 4: there are 3');
    await expect(pg.zeroShot('img', LABELS, TEMPLATES, -1)).rejects.toThrow(/No template 0/);
    // MAX_LABELS itself is allowed.
    const ok = await pg.zeroShot('img', many.slice(0, MAX_LABELS), ['{}'], 0);
    expect(ok.ensemble.probabilities).toHaveLength(MAX_LABELS);
  });

  it('truncated lists the prompts longer than the context', async () => {
    expect((model.tokenizer as BpeTokenizer).alphabet).not.toContain('z'.charCodeAt(0));
    expect(model.contextLength).toBe(8); // room for 6 tokens
    const pg = new Playground(model);
    await pg.setImage('img', rgb);
    // "zzzzz": 5 bytes outside the alphabet → 10 nibble tokens; "a zzzzz" → "a", " ", 10 nibbles = 12.
    const r = await pg.zeroShot('img', ['red', 'zzzzz'], ['{}', 'a {}'], 0);
    expect(r.truncated).toEqual([
      { prompt: 'zzzzz', tokens: 10, kept: 6 },
      { prompt: 'a zzzzz', tokens: 12, kept: 6 },
    ]);
    expect((await pg.zeroShot('img', ['red', 'blue'], ['{}', 'a {}'], 0)).truncated).toEqual([]);
  });
});
