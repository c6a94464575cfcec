import { describe, expect, it } from 'vitest';
import { cropResizeInto, cropResizeRgb, randomCropRect } from '../src/data/image/augment';
import { appImageInput, modelImageInput, writeModelInput } from '../src/data/image/modelInput';

const APP = appImageInput(8);
const NORM_SCALE = APP.scale;
const NORM_BIAS = APP.bias;
import { Rng } from '../src/util/prng';

function randomImage(S: number, seed: number): Uint8Array {
  const r = new Rng(seed);
  return Uint8Array.from({ length: S * S * 3 }, () => r.int(256));
}

describe('resize to another size (a dataset stored at another size than the model takes)', () => {
  it('2×2 → 4×4 by hand (half-pixel centres, edges clamped), and 4×4 → 2×2 averages each 2×2 block', () => {
    // one channel shown; the image is grey (r = g = b)
    const grey = (v: number[]) => Uint8Array.from(v.flatMap((x) => [x, x, x]));
    const up = cropResizeRgb(grey([0, 100, 200, 40]), 2, { x: 0, y: 0, side: 2 }, 4);
    const row0 = [0, 25, 75, 100];
    const row3 = [200, 160, 80, 40];
    // rows 1, 2 are ¾·row0 + ¼·row3 and ¼·row0 + ¾·row3 (sample y = 0.25 and 0.75)
    const row1 = row0.map((a, i) => a * 0.75 + row3[i]! * 0.25);
    const row2 = row0.map((a, i) => a * 0.25 + row3[i]! * 0.75);
    expect(Array.from(up.filter((_, i) => i % 3 === 0))).toEqual([...row0, ...row1, ...row2, ...row3].map(Math.round));
    const img = randomImage(4, 5);
    const down = cropResizeRgb(img, 4, { x: 0, y: 0, side: 4 }, 2);
    for (let y = 0; y < 2; y++)
      for (let x = 0; x < 2; x++)
        for (let c = 0; c < 3; c++) {
          const at = (yy: number, xx: number) => img[(yy * 4 + xx) * 3 + c]!;
          const mean = (at(2 * y, 2 * x) + at(2 * y, 2 * x + 1) + at(2 * y + 1, 2 * x) + at(2 * y + 1, 2 * x + 1)) / 4;
          expect(Math.abs(down[(y * 2 + x) * 3 + c]! - mean)).toBeLessThanOrEqual(0.5);
        }
  });
});

describe('random resized crop', () => {
  it('scale [1, 1] is the identity for any draws', () => {
    const S = 16;
    const img = randomImage(S, 1);
    const r = new Rng(7);
    for (let t = 0; t < 5; t++) {
      const rect = randomCropRect(S, [1, 1], r.uniform(), r.uniform(), r.uniform());
      expect(rect).toEqual({ x: 0, y: 0, side: S });
      expect(cropResizeRgb(img, S, rect)).toEqual(img);
    }
  });

  it('fused normalisation at scale 1 equals the plain normalisation (x/255 − mean)/std, the app\'s and a CLIP\'s', () => {
    const S = 8;
    const img = randomImage(S, 2);
    const clip = { image: { imageSize: S } as never, imageMean: [0.48145466, 0.4578275, 0.40821073] as [number, number, number], imageStd: [0.26862954, 0.26130258, 0.27577711] as [number, number, number] };
    for (const [input, mean, std] of [
      [APP, [0.5, 0.5, 0.5], [0.5, 0.5, 0.5]],
      [modelImageInput(clip), clip.imageMean, clip.imageStd],
    ] as const) {
      const a = new Float32Array(S * S * 3 + 5);
      const b = new Float32Array(S * S * 3 + 5);
      for (let i = 0; i < S * S * 3; i++) a[5 + i] = (img[i]! / 255 - mean[i % 3]!) / std[i % 3]!;
      writeModelInput(img, 0, S, input, b, 5);
      for (let i = 0; i < a.length; i++) expect(b[i]).toBeCloseTo(a[i]!, 5);
      cropResizeInto(img, 0, S, randomCropRect(S, [1, 1], 0.3, 0.6, 0.9), b, 5, input.scale, input.bias);
      for (let i = 0; i < a.length; i++) expect(b[i]).toBeCloseTo(a[i]!, 5);
    }
  });

  it('is deterministic in its draws, and the crop stays inside with the requested area', () => {
    const S = 32;
    const img = randomImage(S, 3);
    const draws = (seed: number) => {
      const r = new Rng(seed);
      return [r.uniform(), r.uniform(), r.uniform()] as const;
    };
    const [s1, x1, y1] = draws(11);
    const a = cropResizeRgb(img, S, randomCropRect(S, [0.9, 1], s1, x1, y1));
    const b = cropResizeRgb(img, S, randomCropRect(S, [0.9, 1], s1, x1, y1));
    expect(a).toEqual(b);
    const [s2, x2, y2] = draws(12);
    expect(cropResizeRgb(img, S, randomCropRect(S, [0.9, 1], s2, x2, y2))).not.toEqual(a);
    const r = new Rng(5);
    for (let t = 0; t < 200; t++) {
      const rect = randomCropRect(S, [0.9, 1], r.uniform(), r.uniform(), r.uniform());
      const area = (rect.side / S) ** 2;
      expect(area).toBeGreaterThanOrEqual(0.9 - 1e-12);
      expect(area).toBeLessThanOrEqual(1);
      expect(rect.x).toBeGreaterThanOrEqual(0);
      expect(rect.y).toBeGreaterThanOrEqual(0);
      expect(rect.x + rect.side).toBeLessThanOrEqual(S + 1e-9);
      expect(rect.y + rect.side).toBeLessThanOrEqual(S + 1e-9);
    }
  });

  it('output values stay within the range of the input (bilinear is a convex combination)', () => {
    const S = 16;
    const img = randomImage(S, 4);
    const r = new Rng(9);
    for (let t = 0; t < 20; t++) {
      const rect = randomCropRect(S, [0.5, 1], r.uniform(), r.uniform(), r.uniform());
      const out = new Float32Array(S * S * 3);
      cropResizeInto(img, 0, S, rect, out, 0, [1, 1, 1], [0, 0, 0]);
      for (const v of out) {
        expect(v).toBeGreaterThanOrEqual(0);
        expect(v).toBeLessThanOrEqual(255);
      }
      const norm = new Float32Array(S * S * 3);
      cropResizeInto(img, 0, S, rect, norm, 0, NORM_SCALE, NORM_BIAS);
      for (const v of norm) {
        expect(v).toBeGreaterThanOrEqual(-1 - 1e-6);
        expect(v).toBeLessThanOrEqual(1 + 1e-6);
      }
    }
  });

  it('a constant image stays constant; a crop of a gradient zooms it', () => {
    const S = 10;
    const flat = new Uint8Array(S * S * 3).fill(77);
    expect(cropResizeRgb(flat, S, randomCropRect(S, [0.9, 1], 0.1, 0.5, 0.5))).toEqual(flat);
    // Horizontal gradient: a crop from the right half has a larger mean.
    const grad = new Uint8Array(S * S * 3);
    for (let y = 0; y < S; y++) for (let x = 0; x < S; x++) grad.fill(x * 20, (y * S + x) * 3, (y * S + x) * 3 + 3);
    const mean = (a: Uint8Array) => a.reduce((s, v) => s + v, 0) / a.length;
    const right = cropResizeRgb(grad, S, randomCropRect(S, [0.5, 0.5], 0, 0.999, 0));
    const left = cropResizeRgb(grad, S, randomCropRect(S, [0.5, 0.5], 0, 0, 0));
    expect(mean(right)).toBeGreaterThan(mean(grad));
    expect(mean(left)).toBeLessThan(mean(grad));
  });

  it('rejects a bad scale range', () => {
    expect(() => randomCropRect(8, [0, 1], 0, 0, 0)).toThrow(RangeError);
    expect(() => randomCropRect(8, [0.9, 1.1], 0, 0, 0)).toThrow(RangeError);
    expect(() => randomCropRect(8, [1, 0.9], 0, 0, 0)).toThrow(RangeError);
  });
});
