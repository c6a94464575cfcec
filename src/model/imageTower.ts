// Small ViT image tower (methods.md §1): patchify by reshape/transpose (no conv2d), patch matMul,
// [+cls token], + pos embedding, pre-LN blocks, pool (cls or mean), final LN, ONE linear to embedDim.
import * as tf from '@tensorflow/tfjs';
import type { Activation, ImageTowerConfig } from './config';
import type { ParamRegistry } from './params';
import { block, createBlock, createLayerNorm, createLinear, layerNorm, linear, type Block, type LayerNorm, type Linear } from './layers';

export class ImageTower {
  readonly grid: number; // patches per side
  readonly tokens: number; // sequence length (patches [+1 cls])
  readonly patch: Linear;
  readonly cls: tf.Variable | null;
  readonly pos: tf.Variable;
  readonly lnPre: LayerNorm;
  readonly blocks: Block[];
  readonly lnPost: LayerNorm;
  readonly proj: Linear;

  constructor(reg: ParamRegistry, readonly cfg: ImageTowerConfig, embedDim: number, activation: Activation = 'gelu') {
    const { imageSize, patchSize: p, width: w, layers } = cfg;
    this.grid = imageSize / p;
    this.tokens = this.grid * this.grid + (cfg.pooling === 'cls' ? 1 : 0);
    const pd = p * p * 3;
    this.patch = createLinear(reg, 'img.patch', pd, w, pd ** -0.5, false);
    this.cls = cfg.pooling === 'cls' ? reg.add('img.cls', [1, 1, w], { kind: 'normal', std: w ** -0.5 }, false) : null;
    this.pos = reg.add('img.pos', [1, this.tokens, w], { kind: 'normal', std: 0.02 }, false);
    this.lnPre = createLayerNorm(reg, 'img.ln_pre', w);
    this.blocks = [];
    for (let i = 0; i < layers; i++) this.blocks.push(createBlock(reg, `img.blocks.${i}`, w, cfg.heads, cfg.mlpRatio, layers, activation));
    this.lnPost = createLayerNorm(reg, 'img.ln_post', w);
    this.proj = createLinear(reg, 'img.proj', w, embedDim, w ** -0.5, false);
  }

  /** [B, S, S, 3] NHWC → [B, g·g, p·p·3], patch vector ordered (row-in-patch, col-in-patch, channel). */
  patchify(images: tf.Tensor4D): tf.Tensor3D {
    const [B, S] = images.shape;
    const p = this.cfg.patchSize;
    const g = S / p;
    if (S !== this.cfg.imageSize) throw new Error(`image size ${S} ≠ config ${this.cfg.imageSize}`);
    const x = tf.reshape(images, [B * g, p, g, p * 3]); // (b,gi), pi, gj, (pj,c)
    return tf.reshape(tf.transpose(x, [0, 2, 1, 3]), [B, g * g, p * p * 3]) as tf.Tensor3D;
  }

  /** Unnormalised image features [B, embedDim]. */
  forward(images: tf.Tensor4D): tf.Tensor2D {
    const B = images.shape[0];
    const w = this.cfg.width;
    let x = linear(this.patchify(images), this.patch) as tf.Tensor3D; // [B, g², w]
    if (this.cls) x = tf.concat([tf.broadcastTo(this.cls, [B, 1, w]), x], 1);
    x = tf.add(x, this.pos) as tf.Tensor3D;
    x = layerNorm(x, this.lnPre) as tf.Tensor3D;
    for (const b of this.blocks) x = block(x, b, null);
    const pooled = this.cls ? tf.reshape(tf.slice(x, [0, 0, 0], [B, 1, w]), [B, w]) : tf.mean(x, 1);
    return linear(layerNorm(pooled, this.lnPost), this.proj) as tf.Tensor2D;
  }
}
