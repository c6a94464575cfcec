// Causal text Transformer (methods.md §1): token embedding as matMul(one-hot, E) (no gather: wasm has
// no gather gradient), + pos embedding, causal pre-LN blocks, feature at EOT (float one-hot mask ·
// sum, no gather), final LN (per-token, so applied after the pick), ONE linear to embedDim.
import * as tf from '@tensorflow/tfjs';
import type { Activation, TextTowerConfig } from './config';
import type { ParamRegistry } from './params';
import { block, causalMask, matMul2d, createBlock, createLayerNorm, createLinear, layerNorm, linear, type Block, type LayerNorm, type Linear } from './layers';

/** Above this vocabulary size the token embedding is a gather, not a one-hot product. */
export const ONE_HOT_MAX_VOCAB = 4096;

export class TextTower {
  readonly tokenEmbed: tf.Variable; // [V, w]
  readonly pos: tf.Variable; // [1, T, w]
  readonly blocks: Block[];
  readonly lnFinal: LayerNorm;
  readonly proj: Linear;
  /** Additive causal mask [T, T], created once, disposed by dispose(). */
  readonly mask: tf.Tensor2D;

  constructor(reg: ParamRegistry, readonly cfg: TextTowerConfig, embedDim: number, activation: Activation = 'gelu') {
    const { vocabSize: V, contextLength: T, width: w, layers } = cfg;
    // Embedding tables are matrices used like weights; CLIP decays them (only 1-D params are exempt).
    this.tokenEmbed = reg.add('txt.token_embed', [V, w], { kind: 'normal', std: 0.02 }, true);
    this.pos = reg.add('txt.pos', [1, T, w], { kind: 'normal', std: 0.01 }, false);
    this.blocks = [];
    for (let i = 0; i < layers; i++) this.blocks.push(createBlock(reg, `txt.blocks.${i}`, w, cfg.heads, cfg.mlpRatio, layers, activation));
    this.lnFinal = createLayerNorm(reg, 'txt.ln_final', w);
    this.proj = createLinear(reg, 'txt.proj', w, embedDim, w ** -0.5, false);
    this.mask = causalMask(T);
  }

  /** tokens [B, T] int32, eot [B] int32 → unnormalised text features [B, embedDim]. */
  forward(tokens: tf.Tensor2D, eot: tf.Tensor1D): tf.Tensor2D {
    const [B, T] = tokens.shape;
    const { vocabSize: V, width: w } = this.cfg;
    if (T !== this.cfg.contextLength) throw new Error(`context length ${T} ≠ config ${this.cfg.contextLength}`);
    const flat = tf.reshape(tokens, [B * T]) as tf.Tensor1D;
    // Small vocabularies: int32 one-hot then cast (wasm's float32 oneHot is broken) times E, whose
    // gradient works on every backend. A CLIP vocabulary (49 408) would make that one-hot B·T·V
    // floats: gather the rows instead.
    const rows = V > ONE_HOT_MAX_VOCAB ? tf.gather(this.tokenEmbed, flat) : matMul2d(tf.cast(tf.oneHot(flat, V), 'float32') as tf.Tensor2D, this.tokenEmbed as tf.Tensor2D);
    let x = tf.reshape(rows, [B, T, w]) as tf.Tensor3D;
    x = tf.add(x, this.pos) as tf.Tensor3D;
    for (const b of this.blocks) x = block(x, b, this.mask);
    const pick = tf.reshape(tf.cast(tf.oneHot(eot, T), 'float32'), [B, T, 1]);
    const feat = tf.sum(tf.mul(x, pick), 1); // [B, w]
    return linear(layerNorm(feat, this.lnFinal), this.proj) as tf.Tensor2D;
  }

  dispose(): void {
    this.mask.dispose();
  }
}
