// Real ViT CLIP checkpoints (OpenAI CLIP, open_clip) onto this app's model. The two layouts users
// bring from disk, and how each maps onto ClipModel's parameters (src/model/imageTower.ts,
// textTower.ts): the architectures are the same — patch embedding without bias, class token,
// positions, ln_pre, pre-LN blocks with q/k/v/out projections and a 4× MLP, ln_post on the class
// token, a bias-free projection; the causal text Transformer read at the end token, ln_final, a
// bias-free projection; t = log scale — so loading is renaming and re-laying-out:
//   PyTorch Linear [out, in]            → ours [in, out]  (transpose)
//   open_clip in_proj_weight [3W, W]    → q, k, v  (rows 0..W−1, W..2W−1, 2W..3W−1), each transposed
//   conv1 / patch_embedding [W, 3, P, P] → ours [P·P·3, W] with rows ordered (row, column, channel)
//   open_clip visual.proj, text_projection [W, D] (used as x @ proj) → ours as is
//   HF visual_projection.weight, text_projection.weight [D, W] (Linear) → transposed
import type { ModelConfig } from '../config';
import { CLIP_MAX_LOGIT_SCALE } from '../config';

export type CheckpointLayout = 'hf' | 'openclip';

export class CheckpointError extends Error {}

export interface CheckpointTensor {
  shape: number[];
  values: Float32Array;
}

export interface ClipCheckpointConfig {
  layout: CheckpointLayout;
  model: ModelConfig;
  /** Per-channel preprocessing: x = (rgb/255 − mean)/std. */
  mean: [number, number, number];
  std: [number, number, number];
}

/** OpenAI's CLIP preprocessing constants (also most open_clip models'). */
export const OPENAI_MEAN: [number, number, number] = [0.48145466, 0.4578275, 0.40821073];
export const OPENAI_STD: [number, number, number] = [0.26862954, 0.26130258, 0.27577711];

const num = (v: unknown, what: string, file: string): number => {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new CheckpointError(`${file}: ${what} is missing or not a number (${JSON.stringify(v)})`);
  return v;
};
const obj = (v: unknown, what: string, file: string): Record<string, unknown> => {
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw new CheckpointError(`${file}: no "${what}" section`);
  return v as Record<string, unknown>;
};
const triple = (v: unknown, fallback: [number, number, number]): [number, number, number] =>
  Array.isArray(v) && v.length === 3 && v.every((x) => typeof x === 'number') ? (v as [number, number, number]) : fallback;

function activationOf(name: unknown, file: string): 'gelu' | 'quickgelu' {
  if (name === 'quick_gelu') return 'quickgelu';
  if (name === 'gelu') return 'gelu';
  throw new CheckpointError(`${file}: the activation "${String(name)}" is not supported (quick_gelu or gelu)`);
}

/**
 * transformers' defaults of CLIPConfig, CLIPVisionConfig and CLIPTextConfig (the ViT-B/32 shape): a
 * config.json saved by a recent transformers leaves out every field at its default, so a missing
 * field means this value (notably hidden_act: QuickGELU). transformers' CLIP vision tower is always a ViT.
 */
const HF_DEFAULTS = { projection_dim: 512, logit_scale_init_value: 2.6592 };
const HF_VISION_DEFAULTS = { hidden_size: 768, intermediate_size: 3072, num_hidden_layers: 12, num_attention_heads: 12, image_size: 224, patch_size: 32, hidden_act: 'quick_gelu' };
const HF_TEXT_DEFAULTS = { vocab_size: 49408, hidden_size: 512, intermediate_size: 2048, num_hidden_layers: 12, num_attention_heads: 8, max_position_embeddings: 77, hidden_act: 'quick_gelu' };

/** Hugging Face transformers: config.json (+ preprocessor_config.json). */
export function configFromHf(config: unknown, preprocessor: unknown = null, file = 'config.json'): ClipCheckpointConfig {
  const c: Record<string, unknown> = { ...HF_DEFAULTS, ...obj(config, 'config', file) };
  if (c.model_type !== undefined && c.model_type !== 'clip') throw new CheckpointError(`${file}: model_type "${String(c.model_type)}" is not a CLIP model`);
  const v: Record<string, unknown> = { ...HF_VISION_DEFAULTS, ...obj(c.vision_config, 'vision_config', file) };
  const t: Record<string, unknown> = { ...HF_TEXT_DEFAULTS, ...obj(c.text_config, 'text_config', file) };
  const vAct = activationOf(v.hidden_act, file);
  const tAct = activationOf(t.hidden_act, file);
  if (vAct !== tAct) throw new CheckpointError(`${file}: the two towers use different activations (${vAct}, ${tAct}); not supported`);
  const vw = num(v.hidden_size, 'vision_config.hidden_size', file);
  const tw = num(t.hidden_size, 'text_config.hidden_size', file);
  const p = (preprocessor ?? {}) as Record<string, unknown>;
  return {
    layout: 'hf',
    mean: triple(p.image_mean, OPENAI_MEAN),
    std: triple(p.image_std, OPENAI_STD),
    model: {
      image: {
        imageSize: num(v.image_size, 'vision_config.image_size', file),
        patchSize: num(v.patch_size, 'vision_config.patch_size', file),
        width: vw,
        layers: num(v.num_hidden_layers, 'vision_config.num_hidden_layers', file),
        heads: num(v.num_attention_heads, 'vision_config.num_attention_heads', file),
        mlpRatio: num(v.intermediate_size, 'vision_config.intermediate_size', file) / vw,
        pooling: 'cls',
      },
      text: {
        vocabSize: num(t.vocab_size, 'text_config.vocab_size', file),
        contextLength: num(t.max_position_embeddings, 'text_config.max_position_embeddings', file),
        width: tw,
        layers: num(t.num_hidden_layers, 'text_config.num_hidden_layers', file),
        heads: num(t.num_attention_heads, 'text_config.num_attention_heads', file),
        mlpRatio: num(t.intermediate_size, 'text_config.intermediate_size', file) / tw,
      },
      embedDim: num(c.projection_dim, 'projection_dim', file),
      initLogitScale: num(c.logit_scale_init_value, 'logit_scale_init_value', file),
      maxLogitScale: CLIP_MAX_LOGIT_SCALE,
      activation: vAct,
    },
  };
}

/** open_clip: open_clip_config.json ({model_cfg, preprocess_cfg}). */
export function configFromOpenClip(config: unknown, file = 'open_clip_config.json'): ClipCheckpointConfig {
  const c = obj(config, 'config', file);
  const m = obj(c.model_cfg, 'model_cfg', file);
  const v = obj(m.vision_cfg, 'model_cfg.vision_cfg', file);
  const t = obj(m.text_cfg, 'model_cfg.text_cfg', file);
  if (Array.isArray(v.layers)) throw new CheckpointError(`${file}: the vision tower is a ResNet (vision_cfg.layers is a list of stages): only ViT-based CLIP models are supported`);
  if (v.timm_model_name) throw new CheckpointError(`${file}: the vision tower is the timm model "${String(v.timm_model_name)}": only open_clip's own ViT is supported`);
  if (t.hf_model_name) throw new CheckpointError(`${file}: the text tower is the Hugging Face model "${String(t.hf_model_name)}": only open_clip's own text Transformer is supported`);
  const vw = num(v.width, 'vision_cfg.width', file);
  const tw = num(t.width, 'text_cfg.width', file);
  const headWidth = typeof v.head_width === 'number' ? v.head_width : 64;
  const pre = (c.preprocess_cfg ?? {}) as Record<string, unknown>;
  return {
    layout: 'openclip',
    mean: triple(pre.mean, OPENAI_MEAN),
    std: triple(pre.std, OPENAI_STD),
    model: {
      image: {
        imageSize: num(v.image_size, 'vision_cfg.image_size', file),
        patchSize: num(v.patch_size, 'vision_cfg.patch_size', file),
        width: vw,
        layers: num(v.layers, 'vision_cfg.layers', file),
        heads: vw / headWidth,
        mlpRatio: typeof v.mlp_ratio === 'number' ? v.mlp_ratio : 4,
        pooling: 'cls',
      },
      text: {
        vocabSize: num(t.vocab_size ?? 49408, 'text_cfg.vocab_size', file),
        contextLength: num(t.context_length ?? 77, 'text_cfg.context_length', file),
        width: tw,
        layers: num(t.layers, 'text_cfg.layers', file),
        heads: num(t.heads ?? 8, 'text_cfg.heads', file),
        mlpRatio: typeof t.mlp_ratio === 'number' ? t.mlp_ratio : 4,
      },
      embedDim: num(m.embed_dim, 'model_cfg.embed_dim', file),
      initLogitScale: Math.log(1 / 0.07),
      maxLogitScale: CLIP_MAX_LOGIT_SCALE,
      activation: m.quick_gelu === true ? 'quickgelu' : 'gelu',
    },
  };
}

/**
 * The usual name of a ViT CLIP's size (B/32, L/14 …) from its image tower, or its dimensions when
 * it is none of OpenAI's and open_clip's standard sizes.
 */
export function vitName(model: ModelConfig): string {
  const { width, layers, patchSize, imageSize } = model.image;
  const sizes: Record<string, string> = { '384x12': 'S', '512x12': 'M', '768x12': 'B', '1024x24': 'L', '1280x32': 'H', '1408x40': 'g' };
  const size = sizes[`${width}x${layers}`];
  const base = size ? `ViT-${size}/${patchSize}` : `ViT (width ${width}, ${layers} layers, patch ${patchSize})`;
  return imageSize === 224 || !size ? base : `${base} @ ${imageSize} px`;
}

/** Buffers some writers save that carry no weights. */
const IGNORED = [/(^|\.)position_ids$/, /(^|\.)attn_mask$/];

/** [rows, cols] → [cols, rows]. */
function transpose(x: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(x.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = x[r * cols + c]!;
  return out;
}

/** conv weight [W, 3, P, P] → patch matrix [P·P·3, W], rows (row, column, channel). */
function patchMatrix(x: Float32Array, w: number, p: number): Float32Array {
  const out = new Float32Array(x.length);
  for (let o = 0; o < w; o++)
    for (let c = 0; c < 3; c++)
      for (let i = 0; i < p; i++) for (let j = 0; j < p; j++) out[((i * p + j) * 3 + c) * w + o] = x[((o * 3 + c) * p + i) * p + j]!;
  return out;
}

/**
 * The checkpoint's tensors as ClipModel parameters (our name → values in our layout). Every tensor of
 * the file must be used (unknown keys are refused, known buffers skipped) and have the shape the
 * config implies; the error names the file and the tensor. Shapes are ClipModel's. Each tensor is
 * removed from `tensors` as it is taken, so the file's copy can be freed while the rest is mapped
 * (a ViT-B/32 holds 150 M floats: memory peaks near one model, not two).
 */
export function mapCheckpoint(cfg: ClipCheckpointConfig, tensors: Map<string, CheckpointTensor>, file: string): Map<string, CheckpointTensor> {
  const { model } = cfg;
  const values = new Map<string, Float32Array>(); // our name → values in our layout
  const take = (name: string, shape: number[]): Float32Array => {
    const t = tensors.get(name);
    if (!t) throw new CheckpointError(`${file}: tensor "${name}" is missing`);
    if (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i])) throw new CheckpointError(`${file}: tensor "${name}" has shape [${t.shape.join(', ')}], the config needs [${shape.join(', ')}]`);
    tensors.delete(name);
    return t.values;
  };
  const linear = (ours: string, name: string, inDim: number, outDim: number, bias = true) => {
    values.set(`${ours}.w`, transpose(take(`${name}.weight`, [outDim, inDim]), outDim, inDim));
    if (bias) values.set(`${ours}.b`, take(`${name}.bias`, [outDim]));
  };
  const ln = (ours: string, name: string, w: number) => {
    values.set(`${ours}.g`, take(`${name}.weight`, [w]));
    values.set(`${ours}.b`, take(`${name}.bias`, [w]));
  };
  const blocks = (ours: string, prefix: string, w: number, layers: number, ratio: number) => {
    const hidden = Math.round(w * ratio);
    for (let i = 0; i < layers; i++) {
      const o = `${ours}.blocks.${i}`;
      if (cfg.layout === 'openclip') {
        const p = `${prefix}.resblocks.${i}`;
        ln(`${o}.ln1`, `${p}.ln_1`, w);
        ln(`${o}.ln2`, `${p}.ln_2`, w);
        const inW = take(`${p}.attn.in_proj_weight`, [3 * w, w]);
        const inB = take(`${p}.attn.in_proj_bias`, [3 * w]);
        ['q', 'k', 'v'].forEach((k, j) => {
          values.set(`${o}.attn.${k}.w`, transpose(inW.subarray(j * w * w, (j + 1) * w * w), w, w));
          values.set(`${o}.attn.${k}.b`, inB.slice(j * w, (j + 1) * w));
        });
        linear(`${o}.attn.out`, `${p}.attn.out_proj`, w, w);
        linear(`${o}.mlp.fc`, `${p}.mlp.c_fc`, w, hidden);
        linear(`${o}.mlp.proj`, `${p}.mlp.c_proj`, hidden, w);
      } else {
        const p = `${prefix}.layers.${i}`;
        ln(`${o}.ln1`, `${p}.layer_norm1`, w);
        ln(`${o}.ln2`, `${p}.layer_norm2`, w);
        for (const k of ['q', 'k', 'v']) linear(`${o}.attn.${k}`, `${p}.self_attn.${k}_proj`, w, w);
        linear(`${o}.attn.out`, `${p}.self_attn.out_proj`, w, w);
        linear(`${o}.mlp.fc`, `${p}.mlp.fc1`, w, hidden);
        linear(`${o}.mlp.proj`, `${p}.mlp.fc2`, hidden, w);
      }
    }
  };
  const { image: im, text: tx, embedDim: D } = model;
  const W = im.width;
  const g = im.imageSize / im.patchSize;
  const oc = cfg.layout === 'openclip';
  values.set('img.patch.w', patchMatrix(take(oc ? 'visual.conv1.weight' : 'vision_model.embeddings.patch_embedding.weight', [W, 3, im.patchSize, im.patchSize]), W, im.patchSize));
  values.set('img.cls', take(oc ? 'visual.class_embedding' : 'vision_model.embeddings.class_embedding', [W]));
  values.set('img.pos', take(oc ? 'visual.positional_embedding' : 'vision_model.embeddings.position_embedding.weight', [g * g + 1, W]));
  ln('img.ln_pre', oc ? 'visual.ln_pre' : 'vision_model.pre_layrnorm', W);
  blocks('img', oc ? 'visual.transformer' : 'vision_model.encoder', W, im.layers, im.mlpRatio);
  ln('img.ln_post', oc ? 'visual.ln_post' : 'vision_model.post_layernorm', W);
  values.set('img.proj.w', oc ? take('visual.proj', [W, D]) : transpose(take('visual_projection.weight', [D, W]), D, W));
  const Wt = tx.width;
  values.set('txt.token_embed', take(oc ? 'token_embedding.weight' : 'text_model.embeddings.token_embedding.weight', [tx.vocabSize, Wt]));
  values.set('txt.pos', take(oc ? 'positional_embedding' : 'text_model.embeddings.position_embedding.weight', [tx.contextLength, Wt]));
  blocks('txt', oc ? 'transformer' : 'text_model.encoder', Wt, tx.layers, tx.mlpRatio);
  ln('txt.ln_final', oc ? 'ln_final' : 'text_model.final_layer_norm', Wt);
  values.set('txt.proj.w', oc ? take('text_projection', [Wt, D]) : transpose(take('text_projection.weight', [D, Wt]), D, Wt));
  values.set('logit_scale', take('logit_scale', []));
  const unknown = [...tensors.keys()].filter((k) => !IGNORED.some((re) => re.test(k)));
  if (unknown.length) throw new CheckpointError(`${file}: ${unknown.length} tensor${unknown.length === 1 ? '' : 's'} this loader does not know (${unknown.slice(0, 3).map((k) => `"${k}"`).join(', ')}${unknown.length > 3 ? ', …' : ''}): not a ${oc ? 'open_clip' : 'Hugging Face'} ViT CLIP it can read`);
  const shaped = new Map<string, CheckpointTensor>();
  for (const [name, v] of values) shaped.set(name, { shape: ourShape(name, model), values: v });
  return shaped;
}

/** The shape ClipModel gives a parameter (src/model/imageTower.ts, textTower.ts, layers.ts). */
function ourShape(name: string, m: ModelConfig): number[] {
  const w = name.startsWith('img.') ? m.image.width : m.text.width;
  const tower = name.startsWith('img.') ? m.image : m.text;
  const hidden = Math.round(w * tower.mlpRatio);
  if (name === 'logit_scale') return [];
  if (name === 'img.patch.w') return [m.image.patchSize * m.image.patchSize * 3, w];
  if (name === 'img.cls') return [1, 1, w];
  if (name === 'img.pos') return [1, (m.image.imageSize / m.image.patchSize) ** 2 + 1, w];
  if (name === 'txt.pos') return [1, m.text.contextLength, w];
  if (name === 'txt.token_embed') return [m.text.vocabSize, w];
  if (name.endsWith('proj.w') && !name.includes('.mlp.') && !name.includes('.attn.')) return [w, m.embedDim];
  if (name.endsWith('.mlp.fc.w')) return [w, hidden];
  if (name.endsWith('.mlp.fc.b')) return [hidden];
  if (name.endsWith('.mlp.proj.w')) return [hidden, w];
  if (name.endsWith('.w')) return [w, w];
  return [w];
}
