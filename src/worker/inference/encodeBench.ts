// The inference worker's `benchmarkEncode` (bench/clip.bench.ts): encoder timings and memory of the
// loaded model on the backend in use, with random images and short labels.
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../../util/prng';
import type { InferenceModel } from '../../model/inferenceModel';
import type { EncodeBenchMemory, EncodeBenchProfile, EncodeBenchReport } from '../../protocol/inference';

export function encodeBenchMemory(): EncodeBenchMemory {
  const m = tf.memory() as tf.MemoryInfo & { numBytesInGPU?: number; numBytesAllocatedInGPU?: number; numBytesInGPUAllocated?: number };
  const out: EncodeBenchMemory = { numTensors: m.numTensors, numBytes: m.numBytes };
  if (typeof m.numBytesInGPU === 'number') out.numBytesInGPU = m.numBytesInGPU;
  const allocated = m.numBytesAllocatedInGPU ?? m.numBytesInGPUAllocated;
  if (typeof allocated === 'number') out.numBytesInGPUAllocated = allocated;
  const heap = (tf.backend() as unknown as { wasm?: { HEAPU8?: Uint8Array } }).wasm?.HEAPU8?.buffer.byteLength;
  if (typeof heap === 'number') out.wasmHeapBytes = heap;
  return out;
}

const median = (xs: number[]): number | null => {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const h = s.length >> 1;
  return s.length % 2 ? s[h]! : (s[h - 1]! + s[h]!) / 2;
};

/** Random bytes (seeded: the same images every call). */
function randomRgb(n: number, seed: number): Uint8Array {
  const rng = new Rng(seed);
  return Uint8Array.from({ length: n }, () => rng.int(256));
}

const COLOURS = ['red', 'green', 'blue', 'yellow', 'purple', 'orange', 'black', 'white'];
const THINGS = ['cat', 'dog', 'car', 'house', 'tree', 'bird', 'boat', 'flower', 'chair', 'mountain', 'river', 'city'];

/** Labels of a few words each ("a photo of a red cat", …), all different. */
export function benchLabels(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `a photo of a ${COLOURS[i % COLOURS.length]} ${THINGS[Math.floor(i / COLOURS.length) % THINGS.length]}${i >= COLOURS.length * THINGS.length ? ` ${i}` : ''}`);
}

async function profiled(f: () => Promise<unknown>): Promise<EncodeBenchProfile> {
  const t0 = performance.now();
  try {
    const p = await tf.profile(async () => {
      await f();
      return [] as tf.Tensor[];
    });
    return { peakBytes: p.peakBytes, newBytes: p.newBytes, newTensors: p.newTensors, kernels: p.kernels.length, ms: performance.now() - t0 };
  } catch (e) {
    return { error: `tf.profile failed: ${e instanceof Error ? e.message : String(e)}` };
  }
}

export async function benchmarkEncode(model: InferenceModel, requestId: string, images: number, texts: number, repeats: number, warmup = true): Promise<EncodeBenchReport> {
  const memoryBefore = encodeBenchMemory();
  const S = model.imageSize;
  const rgb = randomRgb(images * S * S * 3, 12345 + images);
  const labels = benchLabels(texts);
  const imageMs: number[] = [];
  const textMs: number[] = [];
  let imageWarmup: EncodeBenchProfile | null = null;
  let textWarmup: EncodeBenchProfile | null = null;
  const time = async (f: () => Promise<unknown>) => {
    const t0 = performance.now();
    await f();
    return performance.now() - t0;
  };
  if (images > 0) {
    const call = () => model.encodeImages(rgb, images, S);
    if (warmup) imageWarmup = await profiled(call);
    for (let r = 0; r < repeats; r++) imageMs.push(await time(call));
  }
  if (texts > 0) {
    const call = () => model.encodeTexts(labels);
    if (warmup) textWarmup = await profiled(call);
    for (let r = 0; r < repeats; r++) textMs.push(await time(call));
  }
  const memoryAfter = encodeBenchMemory();
  return {
    type: 'encodeBench',
    requestId,
    backend: tf.getBackend(),
    images,
    texts,
    imageSize: S,
    imageMs,
    textMs,
    imageMedianMs: median(imageMs),
    textMedianMs: median(textMs),
    imageWarmup,
    textWarmup,
    memoryBefore,
    memoryAfter,
    leakedTensors: memoryAfter.numTensors - memoryBefore.numTensors,
  };
}
