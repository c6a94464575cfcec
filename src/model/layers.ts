// Transformer building blocks written with plain ops so forward AND gradient run on cpu, wasm,
// webgl and webgpu: pre-LN block x ← x + Attn(LN(x)); x ← x + MLP(LN(x)) (methods.md §1 towers).
// Init follows OpenAI CLIP: qkv/out std w^-½, residual outputs additionally /√(2·layers), fc std (2w)^-½.
import * as tf from '@tensorflow/tfjs';
import type { Activation } from './config';
import type { ParamRegistry } from './params';

export interface Linear {
  w: tf.Variable; // [in, out], decayed
  b: tf.Variable | null; // [out], not decayed
  inDim: number;
  outDim: number;
}

export function createLinear(reg: ParamRegistry, name: string, inDim: number, outDim: number, std: number, bias = true): Linear {
  const w = reg.add(`${name}.w`, [inDim, outDim], { kind: 'normal', std }, true);
  const b = bias ? reg.add(`${name}.b`, [outDim], { kind: 'zeros' }, false) : null;
  return { w, b, inDim, outDim };
}

/**
 * a·b (2-D) whose gradient transposes explicitly: dA = dY·(bᵀ), dB = (aᵀ)·dY. tfjs-wasm 4.22 runs
 * matMul with transposeA/B flags (what the built-in gradient uses) 10–25× slower than a plain one.
 */
const explicitGradMatMul = tf.customGrad<tf.Tensor2D>((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [a, b, save] = args as [tf.Tensor2D, tf.Tensor2D, tf.GradSaveFunc];
  save([a, b]);
  return {
    value: tf.matMul(a, b) as tf.Tensor2D,
    gradFunc: (dy: tf.Tensor2D, saved: tf.Tensor[]) => [
      tf.matMul(dy, tf.transpose(saved[1] as tf.Tensor2D)),
      tf.matMul(tf.transpose(saved[0] as tf.Tensor2D), dy),
    ],
  };
});

export function matMulExplicitGrad(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D {
  return explicitGradMatMul(a, b) as tf.Tensor2D;
}

/** 2-D matMul; on wasm with the explicit-transpose gradient, elsewhere the native one (transposes fused in-kernel). */
export function matMul2d(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D {
  return tf.getBackend() === 'wasm' ? matMulExplicitGrad(a, b) : tf.matMul(a, b);
}

/** y = x·W + b over the last axis of x (any rank ≥ 2), via a 2-D matMul. */
export function linear(x: tf.Tensor, l: Linear): tf.Tensor {
  const lead = x.shape.slice(0, -1);
  const x2 = tf.reshape(x, [-1, l.inDim]) as tf.Tensor2D;
  let y: tf.Tensor = matMul2d(x2, l.w as tf.Tensor2D);
  if (l.b) y = tf.add(y, l.b);
  return tf.reshape(y, [...lead, l.outDim]);
}

export interface LayerNorm {
  g: tf.Variable;
  b: tf.Variable;
}

export function createLayerNorm(reg: ParamRegistry, name: string, dim: number): LayerNorm {
  return {
    g: reg.add(`${name}.g`, [dim], { kind: 'ones' }, false),
    b: reg.add(`${name}.b`, [dim], { kind: 'zeros' }, false),
  };
}

/** LN(x) = (x − μ)/√(σ² + ε)·g + b over the last axis, by hand (moments) so its gradient works everywhere. */
export function layerNorm(x: tf.Tensor, ln: LayerNorm, eps = 1e-5): tf.Tensor {
  const { mean, variance } = tf.moments(x, -1, true);
  const xhat = tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, eps)));
  return tf.add(tf.mul(xhat, ln.g), ln.b);
}

/** QuickGELU x·σ(1.702x): the approximation OpenAI's CLIP weights were trained with (so they need it back). */
export function quickGelu(x: tf.Tensor): tf.Tensor {
  return tf.mul(x, tf.sigmoid(tf.mul(x, 1.702)));
}

/** Exact GELU: x·½·(1 + erf(x/√2)). */
export function gelu(x: tf.Tensor): tf.Tensor {
  return tf.mul(tf.mul(x, 0.5), tf.add(1, tf.erf(tf.mul(x, Math.SQRT1_2))));
}

/** Additive causal mask [T, T]: 0 where key j ≤ query i, −1e9 above the diagonal. Create once per model. */
export function causalMask(T: number): tf.Tensor2D {
  const m = new Float32Array(T * T);
  for (let i = 0; i < T; i++) for (let j = i + 1; j < T; j++) m[i * T + j] = -1e9;
  return tf.tensor2d(m, [T, T], 'float32');
}

export interface Attention {
  q: Linear; // [W, W] each; separate (not fused + split: SplitV/Concat are slow on cpu and cost extra ops)
  k: Linear;
  v: Linear;
  out: Linear;
  heads: number;
  width: number;
}

export function createAttention(reg: ParamRegistry, name: string, width: number, heads: number, layers: number): Attention {
  const std = width ** -0.5;
  return {
    q: createLinear(reg, `${name}.q`, width, width, std),
    k: createLinear(reg, `${name}.k`, width, width, std),
    v: createLinear(reg, `${name}.v`, width, width, std),
    out: createLinear(reg, `${name}.out`, width, width, std / Math.sqrt(2 * layers)),
    heads,
    width,
  };
}

/** Multi-head self-attention: softmax(QKᵀ/√d_h + mask)·V per head, heads folded into the batch axis. */
export function attention(x: tf.Tensor3D, a: Attention, mask: tf.Tensor2D | null): tf.Tensor3D {
  const [B, T, W] = x.shape;
  const H = a.heads;
  const dh = W / H;
  const heads = (l: Linear) =>
    tf.reshape(tf.transpose(tf.reshape(linear(x, l), [B, T, H, dh]), [0, 2, 1, 3]), [B * H, T, dh]) as tf.Tensor3D;
  const [q, k, v] = [heads(a.q), heads(a.k), heads(a.v)];
  let scores: tf.Tensor = tf.mul(tf.matMul(q, k, false, true), 1 / Math.sqrt(dh)); // [BH, T, T]
  if (mask) scores = tf.add(scores, mask);
  const att = tf.softmax(scores, -1) as tf.Tensor3D;
  const o = tf.matMul(att, v); // [BH, T, dh]
  const merged = tf.reshape(tf.transpose(tf.reshape(o, [B, H, T, dh]), [0, 2, 1, 3]), [B, T, W]);
  return linear(merged, a.out) as tf.Tensor3D;
}

export interface Mlp {
  fc: Linear;
  proj: Linear;
  activation: Activation;
}

export function createMlp(reg: ParamRegistry, name: string, width: number, ratio: number, layers: number, activation: Activation = 'gelu'): Mlp {
  const hidden = Math.round(width * ratio);
  return {
    fc: createLinear(reg, `${name}.fc`, width, hidden, (2 * width) ** -0.5),
    proj: createLinear(reg, `${name}.proj`, hidden, width, width ** -0.5 / Math.sqrt(2 * layers)),
    activation,
  };
}

export function mlp(x: tf.Tensor, m: Mlp): tf.Tensor {
  const h = linear(x, m.fc);
  return linear(m.activation === 'quickgelu' ? quickGelu(h) : gelu(h), m.proj);
}

export interface Block {
  ln1: LayerNorm;
  attn: Attention;
  ln2: LayerNorm;
  mlp: Mlp;
}

export function createBlock(reg: ParamRegistry, name: string, width: number, heads: number, mlpRatio: number, layers: number, activation: Activation = 'gelu'): Block {
  return {
    ln1: createLayerNorm(reg, `${name}.ln1`, width),
    attn: createAttention(reg, `${name}.attn`, width, heads, layers),
    ln2: createLayerNorm(reg, `${name}.ln2`, width),
    mlp: createMlp(reg, `${name}.mlp`, width, mlpRatio, layers, activation),
  };
}

/** Pre-LN residual block; `mask` is the additive causal mask or null. */
export function block(x: tf.Tensor3D, b: Block, mask: tf.Tensor2D | null): tf.Tensor3D {
  const h = tf.add(x, attention(layerNorm(x, b.ln1) as tf.Tensor3D, b.attn, mask)) as tf.Tensor3D;
  return tf.add(h, mlp(layerNorm(h, b.ln2), b.mlp)) as tf.Tensor3D;
}

/** x / √(Σx² + 1e-12) along the last axis. */
export function l2Normalize(x: tf.Tensor): tf.Tensor {
  return tf.mul(x, tf.rsqrt(tf.add(tf.sum(tf.square(x), -1, true), 1e-12)));
}
