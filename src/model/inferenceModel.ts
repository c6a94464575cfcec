// A model for inference: the two towers and the logit scale rebuilt from ModelWeights, the tokenizer
// and the preprocessing of its training data. Encoders run in fixed-size chunks (the last one
// padded), so every call reuses the same shapes and compiled kernels however many inputs come:
//   texts  → v_j = normalise(f_text(tokens_j))   (unit rows, n × D)
//   images → u_i = normalise(f_image(x_i))       (x = (rgb/255 − mean)/std, NHWC)
import * as tf from '@tensorflow/tfjs';
import { modelImageInput, writeModelInput } from '../data/image/modelInput';
import { tokenizerFromJSON, type TextTokenizer } from '../tokenizer/textTokenizer';
import { ClipModel } from './clipModel';
import type { ModelWeights } from './modelWeights';

/** Inputs per encoder call at most (static shapes: a smaller call is padded to the next of CHUNK_SIZES). */
export const TEXT_CHUNK = 64;
export const IMAGE_CHUNK = 32;
/**
 * The batch sizes an encoder is called with: a few static shapes (each compiled or tuned once per
 * backend), and one image or one label is not padded to 32 (a ViT-B/32 image costs ≈ 4.4 GFLOP:
 * padding a Try-view image to 32 would cost 32 of them).
 */
const CHUNK_SIZES = [1, 4, 16, 32, 64];

/** The smallest chunk size ≥ n (n ≤ max). */
export function chunkSizeFor(n: number, max: number): number {
  return CHUNK_SIZES.find((c) => c >= n && c <= max) ?? max;
}

export class ModelLoadError extends Error {}

export class InferenceModel {
  readonly tokenizer: TextTokenizer;
  readonly logitScale: number;
  readonly contextLength: number;
  readonly imageSize: number;
  readonly embedDim: number;

  private constructor(
    readonly weights: Omit<ModelWeights, 'tensors'>,
    private readonly model: ClipModel,
    tokenizer: TextTokenizer,
  ) {
    this.tokenizer = tokenizer;
    this.contextLength = model.config.text.contextLength;
    this.imageSize = model.config.image.imageSize;
    this.embedDim = model.config.embedDim;
    this.logitScale = Math.exp(model.logitScale.dataSync()[0]!);
  }

  /** Rebuilds the model; throws ModelLoadError naming the model and what is wrong. */
  static fromWeights(w: ModelWeights): InferenceModel {
    if (w.tokenizer === null || w.tokenizer === undefined) {
      throw new ModelLoadError(`${w.name}: the model has no tokenizer (metadata "tokenizer" is missing), so no text can be encoded`);
    }
    let tokenizer: TextTokenizer;
    try {
      tokenizer = tokenizerFromJSON(w.tokenizer);
    } catch (e) {
      throw new ModelLoadError(`${w.name}: the tokenizer is not readable (${e instanceof Error ? e.message : String(e)})`);
    }
    if (tokenizer.vocabSize !== w.config.model.text.vocabSize) {
      throw new ModelLoadError(`${w.name}: the tokenizer has ${tokenizer.vocabSize} ids, the text tower ${w.config.model.text.vocabSize}`);
    }
    // The variables start from the given values (no random init held beside them: a ViT-B/32 is
    // 150 M floats); the first problem is kept and reported once the model is built and freed.
    const given = new Map(w.tensors.map((t) => [t.name, t]));
    let problem: string | null = null;
    const values = (name: string, shape: readonly number[]): Float32Array | null => {
      const t = given.get(name);
      const size = shape.reduce((a, b) => a * b, 1);
      if (!t) problem ??= `tensor "${name}" is missing`;
      else if (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i])) problem ??= `tensor "${name}" has shape [${t.shape.join(', ')}], the config needs [${shape.join(', ')}]`;
      else if (t.values.length !== size) problem ??= `tensor "${name}" has ${t.values.length} values, its shape [${shape.join(', ')}] needs ${size}`;
      else return t.values;
      return null;
    };
    let model: ClipModel;
    try {
      model = new ClipModel(w.config.model, w.config.seed, values);
    } catch (e) {
      throw new ModelLoadError(`${w.name}: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (problem) {
      model.dispose();
      throw new ModelLoadError(`${w.name}: ${problem}`);
    }
    const { tensors: _t, ...rest } = w;
    return new InferenceModel(rest, model, tokenizer);
  }

  /** Unit text embeddings, n × D row-major. */
  encodeTexts(texts: readonly string[]): Promise<Float32Array> {
    return encodeTextsChunked(this.model, this.tokenizer, texts);
  }

  /**
   * Unit image embeddings of n images given as raw RGB bytes (size² · 3 each, packed; size defaults
   * to the model's imageSize, another is resized to it), n × D. `onChunk` is called after each chunk
   * (progress, cancellation: it may throw).
   */
  encodeImages(rgb: Uint8Array, n: number, size = this.imageSize, onChunk?: (done: number) => Promise<void> | void): Promise<Float32Array> {
    return encodeImagesChunked(this.model, rgb, n, size, onChunk);
  }

  dispose(): void {
    this.model.dispose();
  }
}

/** Unit text embeddings of any model (a loaded one, or the live run's between steps), n × D row-major, in chunks of at most TEXT_CHUNK. */
export async function encodeTextsChunked(model: ClipModel, tokenizer: Pick<TextTokenizer, 'encodeBatch'>, texts: readonly string[]): Promise<Float32Array> {
  const T = model.config.text.contextLength;
  const D = model.config.embedDim;
  const out = new Float32Array(texts.length * D);
  for (let s = 0; s < texts.length; s += TEXT_CHUNK) {
    const part = texts.slice(s, s + TEXT_CHUNK);
    const B = chunkSizeFor(part.length, TEXT_CHUNK);
    const padded = part.concat(Array<string>(B - part.length).fill(part[0] ?? ''));
    const { tokens, eot } = tokenizer.encodeBatch(padded, T);
    const v = tf.tidy(() => model.encodeTexts(tf.tensor2d(tokens, [B, T], 'int32'), tf.tensor1d(eot, 'int32')));
    const values = await v.data();
    v.dispose();
    out.set((values as Float32Array).subarray(0, part.length * D), s * D);
  }
  return out;
}

/**
 * Unit image embeddings of n packed RGB images (size² · 3 bytes each), n × D, in chunks of
 * at most IMAGE_CHUNK. Images of another size than the model's are resized to it as they are normalised
 * with the model's mean and std (src/data/image/modelInput.ts).
 */
export async function encodeImagesChunked(model: ClipModel, rgb: Uint8Array, n: number, size = model.config.image.imageSize, onChunk?: (done: number) => Promise<void> | void): Promise<Float32Array> {
  const input = modelImageInput(model.config);
  const S = input.size;
  const px = S * S * 3;
  const inPx = size * size * 3;
  if (rgb.length !== n * inPx) throw new Error(`encodeImages: ${rgb.length} bytes for ${n} images of ${size}×${size}`);
  const D = model.config.embedDim;
  const out = new Float32Array(n * D);
  const x = new Float32Array(chunkSizeFor(Math.min(Math.max(n, 1), IMAGE_CHUNK), IMAGE_CHUNK) * px); // the largest call's input
  for (let s = 0; s < n; s += IMAGE_CHUNK) {
    const m = Math.min(IMAGE_CHUNK, n - s);
    const B = chunkSizeFor(m, IMAGE_CHUNK);
    for (let i = 0; i < m; i++) writeModelInput(rgb, (s + i) * inPx, size, input, x, i * px);
    x.fill(0, m * px, B * px);
    const u = tf.tidy(() => model.encodeImages(tf.tensor4d(x.subarray(0, B * px), [B, S, S, 3])));
    const values = await u.data();
    u.dispose();
    out.set((values as Float32Array).subarray(0, m * D), s * D);
    await onChunk?.(s + m);
  }
  return out;
}
