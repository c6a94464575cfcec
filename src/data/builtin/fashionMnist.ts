// Built-in Fashion-MNIST: parser for the 'FMN1' binary written at install time by
// scripts/fashion-mnist-build.mjs (served as /builtin/fashion-mnist.bin), caption and zero-shot
// prompt text for its ten classes, and conversion of a 28×28 grayscale image to the square RGB
// images the model takes. Pure TypeScript: runs in a worker and in Node.
//
// FMN1 layout (integers little-endian):
//   0..3   magic "FMN1"
//   4..7   u32 train count T
//   8..11  u32 test count V
//   12..15 u32 side S (28)
//   16..   uint8 pixels: T·S·S train then V·S·S test, image after image, row-major grayscale
//          uint8 labels: T train then V test (0..9, index into FASHION_MNIST_CLASSES)

/** Path of the binary under the app's base URL (prefix with import.meta.env.BASE_URL). */
export const FASHION_MNIST_BIN_PATH = 'builtin/fashion-mnist.bin';
/** Path of the metadata (counts, classes, source package and licence, sha256). */
export const FASHION_MNIST_JSON_PATH = 'builtin/fashion-mnist.json';

export const FMN1_MAGIC = 'FMN1';
export const FMN1_HEADER_BYTES = 16;

/** Official Fashion-MNIST class names, indexed by label. */
export const FASHION_MNIST_CLASSES = [
  't-shirt/top',
  'trouser',
  'pullover',
  'dress',
  'coat',
  'sandal',
  'shirt',
  'sneaker',
  'bag',
  'ankle boot',
] as const;

/**
 * Each class as a noun phrase with its article, as used in captions and zero-shot prompts
 * ("a t-shirt", "a pair of trousers", "an ankle boot"). Use these (not FASHION_MNIST_CLASSES) as
 * the class names filled into FASHION_PROMPT_TEMPLATES, e.g. as a manifest's `classes[].name`.
 */
export const FASHION_CLASS_PHRASES: readonly string[] = [
  't-shirt',
  'pair of trousers',
  'pullover',
  'dress',
  'coat',
  'sandal',
  'shirt',
  'sneaker',
  'bag',
  'ankle boot',
].map(withArticle);

/** 'a' or 'an' + phrase, by the first letter (right for every phrase used here). */
export function withArticle(phrase: string): string {
  return `${/^[aeiou]/i.test(phrase) ? 'an' : 'a'} ${phrase}`;
}

/** Caption phrasings; '{}' is a class phrase that already carries its article. */
export const FASHION_CAPTION_TEMPLATES: readonly string[] = [
  'a photo of {}',
  'a black and white picture of {}',
  'a grayscale photo of {}',
  'a small image of {}',
  'a low resolution photo of {}',
  'a picture of {}',
  '{} on a black background',
  'a tiny grayscale image of {}',
  'there is {} in the picture',
  'a product photo of {}',
];

/**
 * Zero-shot prompt templates, worded like the captions. '{}' must be filled with a phrase that
 * includes its article: FASHION_CLASS_PHRASES[label] (see fashionPrompt).
 */
export const FASHION_PROMPT_TEMPLATES: readonly string[] = [
  'a photo of {}',
  'a black and white picture of {}',
  'a grayscale photo of {}',
  'a small image of {}',
];

/** Captions per image. */
export const FASHION_CAPTIONS_PER_IMAGE = 3;

/** Anything with an integer draw in [0, n) — src/util/prng.ts's Rng fits. */
export interface IntRng {
  int(n: number): number;
}

function checkLabel(label: number): void {
  if (!Number.isInteger(label) || label < 0 || label >= FASHION_MNIST_CLASSES.length) {
    throw new Error(`Fashion-MNIST label must be an integer 0..${FASHION_MNIST_CLASSES.length - 1}, got ${label}`);
  }
}

function fill(template: string, phrase: string): string {
  return template.split('{}').join(phrase);
}

/** Fill one template with the class phrase of `label` ("a photo of an ankle boot"). */
export function fashionPrompt(template: string, label: number): string {
  checkLabel(label);
  return fill(template, FASHION_CLASS_PHRASES[label]);
}

/** `count` (default 3) distinct captions for an image of class `label`, templates drawn by `rng`. */
export function fashionCaptions(label: number, rng: IntRng, count = FASHION_CAPTIONS_PER_IMAGE): string[] {
  checkLabel(label);
  const n = FASHION_CAPTION_TEMPLATES.length;
  const k = Math.min(Math.max(0, Math.floor(count)), n);
  const idx = Array.from({ length: n }, (_, i) => i);
  // Partial Fisher–Yates: the first k slots become a uniform sample without replacement.
  for (let i = 0; i < k; i++) {
    const j = i + rng.int(n - i);
    const t = idx[i];
    idx[i] = idx[j];
    idx[j] = t;
  }
  return idx.slice(0, k).map((t) => fill(FASHION_CAPTION_TEMPLATES[t], FASHION_CLASS_PHRASES[label]));
}

export interface FashionMnistSplit {
  /** count·side·side grayscale bytes, image after image, row-major. */
  images: Uint8Array;
  /** count labels 0..9. */
  labels: Uint8Array;
  count: number;
}

export interface FashionMnistData {
  side: number;
  train: FashionMnistSplit;
  test: FashionMnistSplit;
}

/**
 * Parse an FMN1 file. The returned arrays are copies with their own buffers (safe to transfer or
 * to store in IndexedDB without dragging the whole file along). Throws on a wrong magic, a
 * truncated or oversized file, or a label outside 0..9.
 */
export function parseFashionMnistBin(bytes: Uint8Array): FashionMnistData {
  if (bytes.byteLength < FMN1_HEADER_BYTES) {
    throw new Error(`Fashion-MNIST bin is truncated: ${bytes.byteLength} bytes, the header alone is ${FMN1_HEADER_BYTES}`);
  }
  const magic = String.fromCharCode(bytes[0], bytes[1], bytes[2], bytes[3]);
  if (magic !== FMN1_MAGIC) {
    const hex = Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ');
    throw new Error(`Not a Fashion-MNIST bin: magic is ${hex} (${JSON.stringify(magic)}), expected "${FMN1_MAGIC}"`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const trainCount = view.getUint32(4, true);
  const testCount = view.getUint32(8, true);
  const side = view.getUint32(12, true);
  if (side < 1 || side > 4096) throw new Error(`Fashion-MNIST bin has an implausible image side ${side}`);
  const px = side * side;
  const total = trainCount + testCount;
  const expected = FMN1_HEADER_BYTES + total * (px + 1);
  if (bytes.byteLength < expected) {
    throw new Error(
      `Fashion-MNIST bin is truncated: ${bytes.byteLength} bytes, expected ${expected} for ${trainCount} train + ${testCount} test images of ${side}×${side}`,
    );
  }
  if (bytes.byteLength > expected) {
    throw new Error(`Fashion-MNIST bin has ${bytes.byteLength - expected} unexpected trailing bytes (expected ${expected} bytes)`);
  }
  const pixStart = FMN1_HEADER_BYTES;
  const labStart = pixStart + total * px;
  const labels = bytes.subarray(labStart, labStart + total);
  for (let i = 0; i < total; i++) {
    if (labels[i] >= FASHION_MNIST_CLASSES.length) {
      throw new Error(`Fashion-MNIST bin: label ${labels[i]} of image ${i} is out of range 0..${FASHION_MNIST_CLASSES.length - 1}`);
    }
  }
  return {
    side,
    train: {
      images: bytes.slice(pixStart, pixStart + trainCount * px),
      labels: bytes.slice(labStart, labStart + trainCount),
      count: trainCount,
    },
    test: {
      images: bytes.slice(pixStart + trainCount * px, labStart),
      labels: bytes.slice(labStart + trainCount, labStart + total),
      count: testCount,
    },
  };
}

/** Inverse of parseFashionMnistBin (tests, tools). */
export function encodeFashionMnistBin(data: FashionMnistData): Uint8Array {
  const px = data.side * data.side;
  for (const [name, s] of [['train', data.train], ['test', data.test]] as const) {
    if (s.images.length !== s.count * px || s.labels.length !== s.count) {
      throw new Error(`encodeFashionMnistBin: ${name} split sizes do not match count ${s.count} and side ${data.side}`);
    }
  }
  const total = data.train.count + data.test.count;
  const out = new Uint8Array(FMN1_HEADER_BYTES + total * (px + 1));
  for (let i = 0; i < 4; i++) out[i] = FMN1_MAGIC.charCodeAt(i);
  const view = new DataView(out.buffer);
  view.setUint32(4, data.train.count, true);
  view.setUint32(8, data.test.count, true);
  view.setUint32(12, data.side, true);
  let o = FMN1_HEADER_BYTES;
  out.set(data.train.images, o);
  o += data.train.images.length;
  out.set(data.test.images, o);
  o += data.test.images.length;
  out.set(data.train.labels, o);
  out.set(data.test.labels, o + data.train.count);
  return out;
}

/** Largest padding (total, both sides) toRgbSquare uses instead of resampling. */
export const MAX_PAD = 8;

/**
 * Per output index, the source indices and weights along one axis. Upsampling: bilinear with
 * half-pixel centres. Downsampling: area average (each output pixel averages the source span it
 * covers), which avoids the aliasing bilinear would give.
 */
function axisWeights(src: number, dst: number): { idx: number[]; w: number[] }[] {
  const scale = src / dst;
  const out: { idx: number[]; w: number[] }[] = [];
  for (let d = 0; d < dst; d++) {
    const idx: number[] = [];
    const w: number[] = [];
    if (scale <= 1) {
      const x = Math.min(Math.max((d + 0.5) * scale - 0.5, 0), src - 1);
      const x0 = Math.floor(x);
      const x1 = Math.min(x0 + 1, src - 1);
      const f = x - x0;
      idx.push(x0);
      w.push(1 - f);
      if (f > 0) {
        idx.push(x1);
        w.push(f);
      }
    } else {
      const a = d * scale;
      const b = (d + 1) * scale;
      for (let s = Math.floor(a); s < Math.min(Math.ceil(b), src); s++) {
        const cover = Math.min(b, s + 1) - Math.max(a, s);
        if (cover > 1e-9) {
          idx.push(s);
          w.push(cover / scale);
        }
      }
    }
    out.push({ idx, w });
  }
  return out;
}

/**
 * A side×side grayscale image as an outSize×outSize RGB image (R = G = B, row-major, 3 bytes per
 * pixel). When 0 ≤ outSize − side ≤ MAX_PAD the image is copied unchanged into the centre of a
 * black frame (28 → 32: 2 px each side; an odd padding puts the extra pixel right/bottom);
 * otherwise it is resampled to fill the square (bilinear up, area average down).
 */
export function toRgbSquare(gray: Uint8Array, side: number, outSize: number): Uint8Array {
  if (!Number.isInteger(side) || side < 1) throw new Error(`toRgbSquare: side must be a positive integer, got ${side}`);
  if (!Number.isInteger(outSize) || outSize < 1) throw new Error(`toRgbSquare: outSize must be a positive integer, got ${outSize}`);
  if (gray.length !== side * side) throw new Error(`toRgbSquare: expected ${side * side} pixels, got ${gray.length}`);
  const out = new Uint8Array(outSize * outSize * 3);
  const pad = outSize - side;
  if (pad >= 0 && pad <= MAX_PAD) {
    const off = pad >> 1;
    for (let y = 0; y < side; y++) {
      for (let x = 0; x < side; x++) {
        const v = gray[y * side + x];
        const o = ((y + off) * outSize + (x + off)) * 3;
        out[o] = v;
        out[o + 1] = v;
        out[o + 2] = v;
      }
    }
    return out;
  }
  const wy = axisWeights(side, outSize);
  const wx = axisWeights(side, outSize);
  const row = new Float64Array(outSize * side); // horizontal pass: side rows × outSize columns, transposed
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < outSize; x++) {
      const { idx, w } = wx[x];
      let acc = 0;
      for (let k = 0; k < idx.length; k++) acc += w[k] * gray[y * side + idx[k]];
      row[x * side + y] = acc;
    }
  }
  for (let y = 0; y < outSize; y++) {
    const { idx, w } = wy[y];
    for (let x = 0; x < outSize; x++) {
      let acc = 0;
      for (let k = 0; k < idx.length; k++) acc += w[k] * row[x * side + idx[k]];
      const v = Math.min(255, Math.max(0, Math.round(acc)));
      const o = (y * outSize + x) * 3;
      out[o] = v;
      out[o + 1] = v;
      out[o + 2] = v;
    }
  }
  return out;
}
