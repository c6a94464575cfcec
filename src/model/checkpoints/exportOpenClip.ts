// A model of this app written out as an open_clip checkpoint: open_clip_config.json and the state
// dict of open_clip's CLIP (open_clip/model.py, transformer.py) as F32 safetensors, the exact
// inverse of mapCheckpoint's open_clip layout (clipLayouts.ts). Pure: plain arrays in, plain
// arrays and bytes out, no tfjs. With W the tower width, P the patch, g = imageSize/P, H the MLP
// width, D the embedding dimension, V the vocabulary, T the context length:
//   visual.conv1.weight [W, 3, P, P]        conv[o, c, i, j] = img.patch.w[(i·P + j)·3 + c, o]
//   visual.class_embedding [W]              = img.cls            (open_clip's ViT always has one)
//   visual.positional_embedding [g²+1, W]   = img.pos
//   visual.ln_pre / ln_post .weight/.bias   = img.ln_pre / img.ln_post .g/.b
//   visual.proj [W, D]                      = img.proj.w          (used as x @ proj: kept)
//   <blocks>.resblocks.i.ln_1 / ln_2        = .blocks.i.ln1 / ln2 .g/.b
//   <blocks>.resblocks.i.attn.in_proj_weight [3W, W] = rows [q.wᵀ; k.wᵀ; v.wᵀ]   (Linear is [out, in])
//   <blocks>.resblocks.i.attn.in_proj_bias [3W]      = [q.b, k.b, v.b]
//   <blocks>.resblocks.i.attn.out_proj.weight [W, W] = out.wᵀ, .bias = out.b
//   <blocks>.resblocks.i.mlp.c_fc.weight [H, W]      = mlp.fc.wᵀ, c_proj.weight [W, H] = mlp.proj.wᵀ
//   (<blocks> is visual.transformer for img.*, transformer for txt.*)
//   token_embedding.weight [V, W]           = txt.token_embed, rows e and V−1 swapped when e ≠ V−1 (below)
//   positional_embedding [T, W]             = txt.pos
//   ln_final .weight/.bias                  = txt.ln_final .g/.b
//   text_projection [W, D]                  = txt.proj.w
//   logit_scale []                          = logit_scale         (open_clip uses exp of it, as we do)
// open_clip_config.json: {model_cfg: {embed_dim, quick_gelu, vision_cfg: {image_size, layers, width,
// patch_size, head_width = W/heads (+ mlp_ratio when ≠ 4)}, text_cfg: {context_length, vocab_size,
// width, heads, layers (+ mlp_ratio when ≠ 4)}}, preprocess_cfg: {mean, std}}: every other field is
// open_clip's default, which is what this app computes (pool_type 'tok', final_ln_after_pool false,
// ln_pre present, learnable positions, no layer scale, LayerNorm ε 1e-5, causal text mask,
// pool_type 'argmax', bias-free projections; gelu is nn.GELU's exact erf form). Only the defaults'
// fields are written, so older open_clip versions (whose config classes reject unknown fields) read it.
//
// What does not map is refused (openClipExportProblems, every reason at once):
// - image pooling 'mean': this app's mean-pooled tower has no class token and averages all tokens,
//   then applies ln_post. open_clip's VisionTransformer always prepends class_embedding, which every
//   patch attends to; its pool_type 'avg' averages x[:, 1:] beside that token (and, unless
//   final_ln_after_pool, applies ln_post per token before averaging). No choice of weights makes the
//   class token vanish from the softmax, so neither form computes our function;
// - an activation other than gelu / quickgelu (open_clip's quick_gelu flag chooses between the two);
// - a width not divisible by the heads (head width W/heads must be an integer);
// - an MLP width that open_clip would size differently: it uses int(W·mlp_ratio), we round(W·ratio);
// - an image size that is not a multiple of the patch (the conv would drop pixels, we cannot run it);
// - a tokenizer whose id count is not the text tower's V, or whose end id is not an id.
// Parameters missing or of the wrong shape for the config throw CheckpointError (a corrupt model,
// not an architecture that does not map).
//
// The text feature: open_clip reads it at text.argmax(-1), i.e. it assumes the end-of-text token has
// the largest id (true of CLIP's tokenizer, where <|endoftext|> is V−1). This app's BPE has END = 2
// (PAD 0, START 1; src/tokenizer/bpeIds.ts). Rather than refuse, the export relabels ids: ids e = END
// and V−1 trade places (token_embedding rows e and V−1 swapped), a permutation of the embedding table
// that leaves the function unchanged once the caller feeds relabelled ids. Then END = V−1 is the only
// largest id of any row (PAD 0 and START stay; every other id is < V−1), so argmax finds the end
// token. The swap is returned (`tokenIds.swapped`, `exportedTokenId`) and written in the safetensors
// metadata ("clip_lab.token_id_swap": "e,V−1"), so a caller can tell the user which ids to feed.
// CLIP tokenizers (END already V−1) export with no swap. (An end token written inside the text itself
// is read at its first occurrence by open_clip, at the last by this app: open_clip's own behaviour.)
import { IMAGE_MEAN, IMAGE_STD } from '../../data/batch';
import { CLIP_END } from '../../tokenizer/clipTokenizer';
import { writeSafetensors } from '../files/safetensorsWriter';
import type { ModelConfig } from '../config';
import { CheckpointError } from './clipLayouts';

/** What the export needs to know about the model's tokenizer. */
export interface OpenClipTokenizerIds {
  /** 'clip-bpe': a CLIP tokenizer brought with a checkpoint; 'clip-lab-bpe': the app's own BPE. */
  kind: 'clip-bpe' | 'clip-lab-bpe';
  /** Ids the tokenizer can produce (rows of the token embedding). */
  vocabSize: number;
  endId: number;
}

/** A parameter by our name, in our layout (ModelWeights.tensors). */
export interface NamedTensor {
  name: string;
  shape: readonly number[];
  values: Float32Array;
}

export interface OpenClipExportInput {
  model: ModelConfig;
  tokenizer: OpenClipTokenizerIds;
  tensors: readonly NamedTensor[];
}

export interface OpenClipConfigJson {
  model_cfg: {
    embed_dim: number;
    quick_gelu: boolean;
    vision_cfg: { image_size: number; layers: number; width: number; patch_size: number; head_width: number; mlp_ratio?: number };
    text_cfg: { context_length: number; vocab_size: number; width: number; heads: number; layers: number; mlp_ratio?: number };
  };
  preprocess_cfg: { mean: number[]; std: number[] };
}

export interface OpenClipTensor {
  name: string;
  shape: number[];
  values: Float32Array;
}

export interface OpenClipExport {
  ok: true;
  config: OpenClipConfigJson;
  /** open_clip's state-dict names and layouts, visual tower first, then the text tower, then logit_scale. */
  tensors: OpenClipTensor[];
  tokenIds: {
    /** The end token's id in the exported model (always V − 1). */
    endId: number;
    /** [our end id, V − 1] when the two ids trade places in the export; null when no id changes. */
    swapped: [number, number] | null;
  };
}

export interface OpenClipRefusal {
  ok: false;
  /** Every reason, one sentence each. */
  reasons: string[];
}

export const OPEN_CLIP_CONFIG_FILE = 'open_clip_config.json';
export const OPEN_CLIP_WEIGHTS_FILE = 'open_clip_model.safetensors';

/** The tokenizer facts of a serialised tokenizer (ModelWeights.tokenizer: BpeTokenizer or ClipTokenizer JSON). */
export function tokenizerIdsOf(serialised: unknown): OpenClipTokenizerIds {
  const o = (serialised ?? {}) as Record<string, unknown>;
  if (o.type === 'clip-bpe' && o.vocab && typeof o.vocab === 'object') {
    const vocab = o.vocab as Record<string, number>;
    const ids = Object.values(vocab);
    const end = vocab[CLIP_END];
    if (typeof end !== 'number') throw new CheckpointError(`the CLIP tokenizer has no ${CLIP_END} token`);
    return { kind: 'clip-bpe', vocabSize: ids.reduce((a, b) => Math.max(a, b + 1), 0), endId: end };
  }
  if (o.type === 'clip-lab-bpe' && typeof o.vocabSize === 'number' && typeof o.endId === 'number') {
    return { kind: 'clip-lab-bpe', vocabSize: o.vocabSize, endId: o.endId };
  }
  throw new CheckpointError('the model has no tokenizer this export knows (a CLIP tokenizer or the app\'s BPE)');
}

/** Every reason the model does not map onto open_clip's ViT CLIP (empty: it maps). */
export function openClipExportProblems(model: ModelConfig, tokenizer: OpenClipTokenizerIds): string[] {
  const out: string[] = [];
  const { image: im, text: tx } = model;
  if (im.pooling !== 'cls') {
    out.push(
      `The image tower pools by '${String(im.pooling)}' without a class token; open_clip's ViT always has a class token that every patch attends to (its 'avg' pooling averages the patches beside it), so it cannot compute this model. Only class-token ('cls') pooling exports.`,
    );
  }
  const act = model.activation ?? 'gelu';
  if (act !== 'gelu' && act !== 'quickgelu') out.push(`The activation '${String(act)}' has no open_clip equivalent (open_clip offers exact GELU or QuickGELU).`);
  for (const [tower, t] of [['image', im], ['text', tx]] as const) {
    if (!(t.heads > 0) || t.width % t.heads !== 0) out.push(`The ${tower} tower's width ${t.width} is not divisible by its ${t.heads} heads: open_clip needs an integral head width.`);
    const exact = t.width * t.mlpRatio;
    if (Math.trunc(exact) !== Math.round(exact)) {
      out.push(`The ${tower} tower's MLP width ${t.width}·${t.mlpRatio} = ${exact} is rounded to ${Math.round(exact)} here, open_clip truncates it to ${Math.trunc(exact)}: the shapes would differ.`);
    }
  }
  if (im.imageSize % im.patchSize !== 0) out.push(`The image size ${im.imageSize} is not a multiple of the patch size ${im.patchSize}.`);
  if (tokenizer.vocabSize !== tx.vocabSize) out.push(`The tokenizer has ${tokenizer.vocabSize} ids but the text tower ${tx.vocabSize} embedding rows: they do not belong together.`);
  else if (!Number.isInteger(tokenizer.endId) || tokenizer.endId < 0 || tokenizer.endId >= tx.vocabSize) out.push(`The tokenizer's end id ${tokenizer.endId} is not an id of the ${tx.vocabSize}-row embedding.`);
  return out;
}

/** [rows, cols] → [cols, rows]. */
function transpose(x: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(x.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = x[r * cols + c]!;
  return out;
}

/** Patch matrix [P·P·3, W], rows (row, column, channel) → conv weight [W, 3, P, P]. */
function convWeight(x: Float32Array, w: number, p: number): Float32Array {
  const out = new Float32Array(x.length);
  for (let o = 0; o < w; o++)
    for (let c = 0; c < 3; c++)
      for (let i = 0; i < p; i++) for (let j = 0; j < p; j++) out[((o * 3 + c) * p + i) * p + j] = x[((i * p + j) * 3 + c) * w + o]!;
  return out;
}

/** The model as open_clip's config and state dict, or every reason it cannot be. */
export function exportOpenClip(input: OpenClipExportInput): OpenClipExport | OpenClipRefusal {
  const { model, tokenizer } = input;
  const reasons = openClipExportProblems(model, tokenizer);
  if (reasons.length) return { ok: false, reasons };

  const byName = new Map(input.tensors.map((t) => [t.name, t]));
  const used = new Set<string>();
  const take = (name: string, shape: number[]): Float32Array => {
    const t = byName.get(name);
    if (!t) throw new CheckpointError(`export: the model has no parameter "${name}"`);
    const n = shape.reduce((a, d) => a * d, 1);
    if (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i]) || t.values.length !== n) {
      throw new CheckpointError(`export: parameter "${name}" has shape [${t.shape.join(', ')}] (${t.values.length} values), the config needs [${shape.join(', ')}]`);
    }
    used.add(name);
    return t.values;
  };
  const out: OpenClipTensor[] = [];
  const put = (name: string, shape: number[], values: Float32Array) => out.push({ name, shape, values });
  const ln = (ours: string, name: string, w: number) => {
    put(`${name}.weight`, [w], take(`${ours}.g`, [w]).slice());
    put(`${name}.bias`, [w], take(`${ours}.b`, [w]).slice());
  };
  const linear = (ours: string, name: string, inDim: number, outDim: number) => {
    put(`${name}.weight`, [outDim, inDim], transpose(take(`${ours}.w`, [inDim, outDim]), inDim, outDim));
    put(`${name}.bias`, [outDim], take(`${ours}.b`, [outDim]).slice());
  };
  const blocks = (ours: string, prefix: string, w: number, layers: number, ratio: number) => {
    const hidden = Math.round(w * ratio);
    for (let i = 0; i < layers; i++) {
      const o = `${ours}.blocks.${i}`;
      const p = `${prefix}.resblocks.${i}`;
      ln(`${o}.ln1`, `${p}.ln_1`, w);
      const inW = new Float32Array(3 * w * w);
      const inB = new Float32Array(3 * w);
      ['q', 'k', 'v'].forEach((k, j) => {
        inW.set(transpose(take(`${o}.attn.${k}.w`, [w, w]), w, w), j * w * w);
        inB.set(take(`${o}.attn.${k}.b`, [w]), j * w);
      });
      put(`${p}.attn.in_proj_weight`, [3 * w, w], inW);
      put(`${p}.attn.in_proj_bias`, [3 * w], inB);
      linear(`${o}.attn.out`, `${p}.attn.out_proj`, w, w);
      ln(`${o}.ln2`, `${p}.ln_2`, w);
      linear(`${o}.mlp.fc`, `${p}.mlp.c_fc`, w, hidden);
      linear(`${o}.mlp.proj`, `${p}.mlp.c_proj`, hidden, w);
    }
  };

  const { image: im, text: tx, embedDim: D } = model;
  const W = im.width;
  const P = im.patchSize;
  const g = im.imageSize / P;
  put('visual.conv1.weight', [W, 3, P, P], convWeight(take('img.patch.w', [P * P * 3, W]), W, P));
  put('visual.class_embedding', [W], take('img.cls', [1, 1, W]).slice());
  put('visual.positional_embedding', [g * g + 1, W], take('img.pos', [1, g * g + 1, W]).slice());
  ln('img.ln_pre', 'visual.ln_pre', W);
  blocks('img', 'visual.transformer', W, im.layers, im.mlpRatio);
  ln('img.ln_post', 'visual.ln_post', W);
  put('visual.proj', [W, D], take('img.proj.w', [W, D]).slice());

  const Wt = tx.width;
  const V = tx.vocabSize;
  const embed = take('txt.token_embed', [V, Wt]).slice();
  const e = tokenizer.endId;
  const swapped: [number, number] | null = e === V - 1 ? null : [e, V - 1];
  if (swapped) {
    const rowE = embed.slice(e * Wt, (e + 1) * Wt);
    embed.copyWithin(e * Wt, (V - 1) * Wt, V * Wt);
    embed.set(rowE, (V - 1) * Wt);
  }
  put('token_embedding.weight', [V, Wt], embed);
  put('positional_embedding', [tx.contextLength, Wt], take('txt.pos', [1, tx.contextLength, Wt]).slice());
  blocks('txt', 'transformer', Wt, tx.layers, tx.mlpRatio);
  ln('txt.ln_final', 'ln_final', Wt);
  put('text_projection', [Wt, D], take('txt.proj.w', [Wt, D]).slice());
  put('logit_scale', [], take('logit_scale', []).slice());

  const unused = [...byName.keys()].filter((n) => !used.has(n));
  if (unused.length) throw new CheckpointError(`export: ${unused.length} parameter${unused.length === 1 ? '' : 's'} of the model ha${unused.length === 1 ? 's' : 've'} no place in open_clip's CLIP (${unused.slice(0, 3).map((n) => `"${n}"`).join(', ')}${unused.length > 3 ? ', …' : ''})`);

  const ratio = (r: number) => (r === 4 ? {} : { mlp_ratio: r });
  const config: OpenClipConfigJson = {
    model_cfg: {
      embed_dim: D,
      quick_gelu: (model.activation ?? 'gelu') === 'quickgelu',
      vision_cfg: { image_size: im.imageSize, layers: im.layers, width: W, patch_size: P, head_width: W / im.heads, ...ratio(im.mlpRatio) },
      text_cfg: { context_length: tx.contextLength, vocab_size: V, width: Wt, heads: tx.heads, layers: tx.layers, ...ratio(tx.mlpRatio) },
    },
    preprocess_cfg: { mean: [...(model.imageMean ?? IMAGE_MEAN)], std: [...(model.imageStd ?? IMAGE_STD)] },
  };
  return { ok: true, config, tensors: out, tokenIds: { endId: V - 1, swapped } };
}

/** A token id as the exported model expects it (the identity unless ids were swapped). */
export function exportedTokenId(id: number, swapped: readonly [number, number] | null): number {
  if (!swapped) return id;
  return id === swapped[0] ? swapped[1] : id === swapped[1] ? swapped[0] : id;
}

/** open_clip_model.safetensors: every tensor F32, metadata {format: 'pt'} (+ the id swap, when any). */
export function openClipSafetensors(exp: OpenClipExport): Uint8Array {
  const metadata: Record<string, string> = { format: 'pt' };
  if (exp.tokenIds.swapped) metadata['clip_lab.token_id_swap'] = exp.tokenIds.swapped.join(',');
  return writeSafetensors(exp.tensors.map((t) => ({ name: t.name, dtype: 'F32' as const, shape: t.shape, data: t.values })), metadata);
}

/** open_clip_config.json's text. */
export function openClipConfigText(exp: OpenClipExport): string {
  return `${JSON.stringify(exp.config, null, 2)}\n`;
}
