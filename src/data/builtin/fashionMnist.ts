// Built-in Fashion-MNIST: parser for the 'FMN1' binary written at install time by
// scripts/fashion-mnist-build.mjs (served as /builtin/fashion-mnist.bin) and its ten classes.
// Caption and prompt text are in fashionMnistCaptions.ts, the conversion of a 28×28 grayscale
// image to the model's square RGB images in toRgbSquare.ts. Pure TypeScript: runs in a worker
// and in Node.
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
