// Evaluation maths (docs/methods.md §7): the prompt-template ensemble against float64, recall@k
// with several captions per image on hand-made cases, and the linear probe against a float64
// reference solution (PyTorch L-BFGS, test/fixtures/linearProbe) and its validation-split choice.
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { chooseProbe, fitLinearProbe, probeAccuracy, probeProbabilities, type ProbeData } from '../src/eval/linearProbe';
import { multiCaptionRanks, recallAt } from '../src/eval/multiCaptionRecall';
import { classEmbeddings } from '../src/eval/zeroShot';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** A fixed, non-normalised "encoder": a text's vector from its characters. */
function fakeVector(text: string, d: number): number[] {
  const v = new Array<number>(d).fill(0);
  for (let i = 0; i < text.length; i++) v[(text.charCodeAt(i) * 7 + i) % d] += ((text.charCodeAt(i) % 13) - 6) / 3 + 0.1;
  return v;
}

describe('template ensemble', () => {
  it('normalise each prompt, average over templates, renormalise (float64 reference)', () => {
    const d = 8;
    const classes = ['red circle', 'blue square', 'green triangle'];
    const templates = ['a {}', 'a photo of a {}.', 'there is a {} in the picture'];
    const encode = (texts: string[]) => tf.tensor2d(texts.map((t) => fakeVector(t, d)));
    const w = classEmbeddings(encode, classes, templates);
    const got = w.arraySync();
    w.dispose();
    const unit = (v: number[]) => {
      const n = Math.hypot(...v);
      return v.map((x) => x / n);
    };
    classes.forEach((c, ci) => {
      const mean = new Array<number>(d).fill(0);
      for (const t of templates) unit(fakeVector(t.replace('{}', c), d)).forEach((x, k) => (mean[k] += x / templates.length));
      const want = unit(mean);
      want.forEach((x, k) => expect(got[ci]![k]).toBeCloseTo(x, 5));
      expect(Math.hypot(...got[ci]!)).toBeCloseTo(1, 5);
    });
    // One template is the ensemble of one: just that prompt, normalised.
    const single = classEmbeddings(encode, classes, [templates[1]!]);
    unit(fakeVector('a photo of a red circle.', d)).forEach((x, k) => expect(single.arraySync()[0]![k]).toBeCloseTo(x, 5));
    single.dispose();
  });
});

describe('recall@k with several captions per image', () => {
  // 3 images; captions 0,1 → image 0; 2 → image 1; 3,4 → image 2.
  const imageOf = [0, 0, 1, 2, 2];
  // rows: images; columns: captions
  const sim = [
    0.1, 0.8, 0.9, 0.2, 0.3, // image 0: its best own caption (0.8) is below caption 2 (0.9) → rank 1
    0.5, 0.4, 0.6, 0.7, 0.1, // image 1: own caption 0.6, caption 3 above (0.7) → rank 1
    0.2, 0.1, 0.3, 0.0, 0.9, // image 2: own caption 4 best overall → rank 0
  ];
  const { imageToText, textToImage } = multiCaptionRanks(sim, 3, imageOf);

  it('image → text: a hit on any of its captions counts', () => {
    expect([...imageToText]).toEqual([1, 1, 0]);
    expect(recallAt(imageToText, 1)).toBeCloseTo(1 / 3);
    expect(recallAt(imageToText, 2)).toBe(1);
  });

  it('text → image: the rank of the caption’s own image', () => {
    // caption 0: column [0.1,0.5,0.2] own 0.1 → 2 above; caption 1: [0.8,0.4,0.1] → 0; caption 2: [0.9,0.6,0.3] own 0.6 → 1;
    // caption 3: [0.2,0.7,0.0] own 0.0 → 2; caption 4: [0.3,0.1,0.9] → 0.
    expect([...textToImage]).toEqual([2, 0, 1, 2, 0]);
    expect(recallAt(textToImage, 1)).toBeCloseTo(2 / 5);
    expect(recallAt(textToImage, 5)).toBe(1);
  });

  it('ties count in the true partner’s favour; an image without captions never hits', () => {
    const r = multiCaptionRanks([0.5, 0.5, 0.5, 0.5], 2, [0, 0]);
    expect([...r.imageToText]).toEqual([0, 2]);
    expect([...r.textToImage]).toEqual([0, 0]);
    expect(recallAt([], 1)).toBeNaN();
    expect(() => multiCaptionRanks([1, 2, 3], 2, [0, 1])).toThrow(/expected 2 × 2/);
  });
});

interface Reference {
  n: number;
  d: number;
  classes: number;
  x: number[];
  y: number[];
  cases: { lambda: number; loss: number; w: number[]; b: number[]; probs: number[] }[];
}

describe('linear probe', () => {
  const ref = JSON.parse(readFileSync(new URL('./fixtures/linearProbe/reference.json', import.meta.url), 'utf8')) as Reference;
  const data: ProbeData = { x: ref.x, y: ref.y, n: ref.n, d: ref.d };

  for (const c of ref.cases) {
    it(`matches the float64 reference solution, λ = ${c.lambda}`, () => {
      const m = fitLinearProbe(data, ref.classes, c.lambda);
      expect(m.loss).toBeCloseTo(c.loss, 9);
      const p = probeProbabilities(m, ref.x, ref.n);
      let maxDiff = 0;
      for (let i = 0; i < p.length; i++) maxDiff = Math.max(maxDiff, Math.abs(p[i]! - c.probs[i]!));
      expect(maxDiff).toBeLessThan(1e-4);
      for (let i = 0; i < m.w.length; i++) expect(Math.abs(m.w[i]! - c.w[i]!)).toBeLessThan(1e-3);
    });
  }

  it('chooses λ on the validation split, never the test split', () => {
    // Train on the first 80 examples; validate on the next 40. The test split (labels scrambled) must not matter.
    const take = (from: number, to: number): ProbeData => ({ x: ref.x.slice(from * ref.d, to * ref.d), y: ref.y.slice(from, to), n: to - from, d: ref.d });
    const train = take(0, 80);
    const val = take(80, 120);
    const grid = [1e-4, 1e-2, 1, 100];
    const r = chooseProbe(train, val, ref.classes, grid);
    expect(r.validation.map((v) => v.lambda)).toEqual(grid);
    const best = Math.max(...r.validation.map((v) => v.accuracy));
    const chosen = r.validation.filter((v) => v.accuracy === best).at(-1)!.lambda;
    expect(r.model.lambda).toBe(chosen);
    expect(probeAccuracy(r.model, val)).toBe(best);
    // A huge λ flattens the probe to the class prior: worse on validation than a small one.
    expect(r.validation.at(-1)!.accuracy).toBeLessThan(best);
    expect(() => chooseProbe(train, { ...val, n: 0, x: [], y: [] }, ref.classes)).toThrow(/validation split is empty/);
    expect(() => fitLinearProbe({ ...train, y: [9, ...ref.y.slice(1, 80)] }, ref.classes, 0.1)).toThrow(/label 9/);
  });
});

describe('zero-shot scores of one image', async () => {
  const { truncatedPrompts, zeroShotScores } = await import('../src/eval/zeroShotScores');
  it('cosines, softmax at the logit scale, sorted classes (hand-computed)', () => {
    const r = zeroShotScores([1, 0], [0.6, 0.8, 1, 0, 0, 1], 3, 2, 10);
    expect([...r.cosines]).toEqual([0.6, 1, 0]);
    const e = [Math.exp(6), Math.exp(10), Math.exp(0)];
    const z = e[0]! + e[1]! + e[2]!;
    [...r.probabilities].forEach((p, i) => expect(p).toBeCloseTo(e[i]! / z, 12));
    expect(r.order).toEqual([1, 0, 2]);
    expect(() => zeroShotScores([1], [1, 0], 1, 2, 10)).toThrow(/expected u of 2/);
    expect(() => zeroShotScores([1, 0], [1, 0], 1, 2, 0)).toThrow(/logit scale/);
  });
  it('names the prompts longer than the context', () => {
    const encode = (t: string) => t.split(' ').map((_, i) => i);
    expect(truncatedPrompts(['a red circle', 'a very very very long label here'], encode, 5)).toEqual([{ prompt: 'a very very very long label here', tokens: 7, kept: 3 }]);
  });
});

describe('classification report', async () => {
  const { classificationReport } = await import('../src/eval/classificationReport');
  it('top-1, top-k, per-class accuracy and the confusion matrix (hand-computed)', () => {
    // 4 images × 3 classes
    const scores = [
      0.9, 0.1, 0.0, // y=0 → pred 0
      0.2, 0.5, 0.7, // y=1 → pred 2 (class 1 is 2nd)
      0.3, 0.3, 0.1, // y=1 → tie 0/1 → pred 0 (lower index); class 1 ranked 2nd
      0.0, 0.0, 0.0, // unlabelled
    ];
    const r = classificationReport(scores, [0, 1, 1, -1], 3, 2);
    expect(r.n).toBe(3);
    expect(r.top1).toBeCloseTo(1 / 3);
    expect(r.topK).toBe(1);
    expect([...r.perClass]).toEqual([1, 0, NaN]);
    expect([...r.confusion]).toEqual([1, 0, 0, 1, 0, 1, 0, 0, 0]);
    expect(classificationReport(scores, [0, 1, 1, -1], 3, 3).topK).toBeNaN();
    expect(() => classificationReport(scores, [0, 1, 5, -1], 3)).toThrow(/label 5/);
  });
});
