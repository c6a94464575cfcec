// CLIP model (methods.md §1): two towers, each ONE linear projection then L2 normalisation, and the
// learnable logit-scale parameter t (s = exp t), clamped to [0, maxLogitScale] after each step (or
// held at its initial value: config.learnLogitScale === false fixes the temperature).
import * as tf from '@tensorflow/tfjs';
import type { Batch } from '../data/batch';
import { validateModelConfig, type ModelConfig } from './config';
import { ImageTower } from './imageTower';
import { l2Normalize } from './layers';
import { ParamRegistry, type GivenValues } from './params';
import { TextTower } from './textTower';

export class ClipModel {
  readonly params: ParamRegistry;
  readonly image: ImageTower;
  readonly text: TextTower;
  /** Scalar t; logits are exp(t)·S. Not decayed. */
  readonly logitScale: tf.Variable<tf.Rank.R0>;
  /** The value t is held at when the temperature is fixed (the initial t, or what setLogitScale set). */
  private fixedT: number;

  /** `given`: start from these values (a loaded model) instead of the seeded init. */
  constructor(readonly config: ModelConfig, readonly seed: number, given?: GivenValues) {
    validateModelConfig(config);
    this.params = new ParamRegistry(seed, given);
    this.image = new ImageTower(this.params, config.image, config.embedDim, config.activation);
    this.text = new TextTower(this.params, config.text, config.embedDim, config.activation);
    this.logitScale = this.params.add('logit_scale', [], { kind: 'constant', value: config.initLogitScale }, false) as tf.Variable<tf.Rank.R0>;
    this.fixedT = config.initLogitScale;
  }

  /** Number of trainable scalars (incl. t). */
  get paramCount(): number {
    return this.params.count();
  }

  /** images [B, S, S, 3] → projected image embeddings before L2 normalisation [B, D]. */
  encodeImagesRaw(images: tf.Tensor4D): tf.Tensor2D {
    return tf.tidy(() => this.image.forward(images));
  }

  /** tokens [B, T] int32, eot [B] int32 → projected text embeddings before L2 normalisation [B, D]. */
  encodeTextsRaw(tokens: tf.Tensor2D, eot: tf.Tensor1D): tf.Tensor2D {
    return tf.tidy(() => this.text.forward(tokens, eot));
  }

  /** images [B, S, S, 3] → unit image embeddings u [B, D] = l2Normalize(encodeImagesRaw). */
  encodeImages(images: tf.Tensor4D): tf.Tensor2D {
    return tf.tidy(() => l2Normalize(this.encodeImagesRaw(images)) as tf.Tensor2D);
  }

  /** tokens [B, T] int32, eot [B] int32 → unit text embeddings v [B, D] = l2Normalize(encodeTextsRaw). */
  encodeTexts(tokens: tf.Tensor2D, eot: tf.Tensor1D): tf.Tensor2D {
    return tf.tidy(() => l2Normalize(this.encodeTextsRaw(tokens, eot)) as tf.Tensor2D);
  }

  /**
   * Re-initialise t (e.g. SigLIP starts at ln 10 instead of the config's CLIP value, methods.md §2).
   * Call before training; the clamp [0, maxLogitScale] still applies after every step.
   */
  setLogitScale(t: number): void {
    if (!Number.isFinite(t)) throw new Error(`logit scale must be finite, got ${t}`);
    tf.tidy(() => this.logitScale.assign(tf.scalar(t, 'float32')));
    this.fixedT = t;
  }

  /** t ← clip(t, 0, maxLogitScale), on device, no reads; with a fixed temperature, t ← its fixed value. */
  clampLogitScale(): void {
    tf.tidy(() => {
      if (this.config.learnLogitScale === false) this.logitScale.assign(tf.scalar(this.fixedT, 'float32'));
      else this.logitScale.assign(tf.clipByValue(this.logitScale, 0, this.config.maxLogitScale));
    });
  }

  dispose(): void {
    this.text.dispose();
    this.params.dispose();
  }
}

export interface BatchTensors {
  images: tf.Tensor4D;
  tokens: tf.Tensor2D;
  eot: tf.Tensor1D;
  /** ProtoCLIP: each pair's position within the current episode (passed through to the objective). */
  episodePositions?: Int32Array;
}

/** Upload a Batch as tensors (caller disposes, e.g. with disposeBatchTensors). */
export function batchToTensors(batch: Batch): BatchTensors {
  const { size: B, imageSize: S, contextLength: T } = batch;
  return {
    images: tf.tensor4d(batch.images, [B, S, S, 3], 'float32'),
    tokens: tf.tensor2d(batch.tokens, [B, T], 'int32'),
    eot: tf.tensor1d(batch.eot, 'int32'),
  };
}

export function disposeBatchTensors(t: BatchTensors): void {
  t.images.dispose();
  t.tokens.dispose();
  t.eot.dispose();
}
