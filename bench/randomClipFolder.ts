// A ViT-B/32-shaped CLIP checkpoint folder with RANDOM weights, in the Hugging Face layout
// (config.json, preprocessor_config.json, model.safetensors in F16, tokenizer.json), written from
// Node for bench/clip.bench.ts: nothing is downloaded. The folder is cached (≈ 300 MB) under
// node_modules/.cache/clip-lab-bench/<VERSION>/ (CLIP_BENCH_CACHE overrides the parent folder);
// change VERSION when anything written here changes.
//
// Weights: N(0, 0.02²) values (a fixed pool of F16 normals, read at a different offset per tensor),
// LayerNorm weights 1 and biases 0, logit_scale ln(100). The safetensors file is streamed to disk
// tensor by tensor (one tensor's bytes in memory at a time).
// Tokenizer: the byte-level alphabet (256 symbols and their "</w>" forms), 48,894 synthetic merges
// of two alphabet symbols (letters first, so that words get merged), <|startoftext|> and
// <|endoftext|> as ids 49406 and 49407: exactly 49,408 ids, as OpenAI's CLIP.
import { float32ToFloat16Bits as toHalf } from '../src/model/files/halfFloat';
import { Rng } from '../src/util/prng';
import { hfClipTokenizerJson } from '../test/helpers/hfClipTokenizerJson';
import { closeSync, existsSync, mkdirSync, openSync, renameSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { byteToUnicode } from '../src/tokenizer/clipTokenizer';

export const VERSION = 'vitb32-random-f16-v2';

export const VIT_B32 = {
  imageSize: 224,
  patch: 32,
  visionWidth: 768,
  visionLayers: 12,
  visionHeads: 12,
  visionMlp: 3072,
  textWidth: 512,
  textLayers: 12,
  textHeads: 8,
  textMlp: 2048,
  context: 77,
  vocab: 49408,
  embed: 512,
};

const MEAN = [0.48145466, 0.4578275, 0.40821073];
const STD = [0.26862954, 0.26130258, 0.27577711];

interface Spec {
  name: string;
  shape: number[];
  fill: 'normal' | 'one' | 'zero' | 'logit';
}

function tensorSpecs(): Spec[] {
  const m = VIT_B32;
  const s: Spec[] = [];
  const ln = (p: string, w: number) => s.push({ name: `${p}.weight`, shape: [w], fill: 'one' }, { name: `${p}.bias`, shape: [w], fill: 'zero' });
  const lin = (p: string, i: number, o: number, bias = true) => {
    s.push({ name: `${p}.weight`, shape: [o, i], fill: 'normal' });
    if (bias) s.push({ name: `${p}.bias`, shape: [o], fill: 'zero' });
  };
  const blocks = (prefix: string, w: number, layers: number, hidden: number) => {
    for (let i = 0; i < layers; i++) {
      const p = `${prefix}.layers.${i}`;
      ln(`${p}.layer_norm1`, w);
      ln(`${p}.layer_norm2`, w);
      for (const k of ['q_proj', 'k_proj', 'v_proj', 'out_proj']) lin(`${p}.self_attn.${k}`, w, w);
      lin(`${p}.mlp.fc1`, w, hidden);
      lin(`${p}.mlp.fc2`, hidden, w);
    }
  };
  const W = m.visionWidth;
  const g = m.imageSize / m.patch;
  s.push({ name: 'vision_model.embeddings.patch_embedding.weight', shape: [W, 3, m.patch, m.patch], fill: 'normal' });
  s.push({ name: 'vision_model.embeddings.class_embedding', shape: [W], fill: 'normal' });
  s.push({ name: 'vision_model.embeddings.position_embedding.weight', shape: [g * g + 1, W], fill: 'normal' });
  ln('vision_model.pre_layrnorm', W);
  blocks('vision_model.encoder', W, m.visionLayers, m.visionMlp);
  ln('vision_model.post_layernorm', W);
  lin('visual_projection', W, m.embed, false);
  const T = m.textWidth;
  s.push({ name: 'text_model.embeddings.token_embedding.weight', shape: [m.vocab, T], fill: 'normal' });
  s.push({ name: 'text_model.embeddings.position_embedding.weight', shape: [m.context, T], fill: 'normal' });
  blocks('text_model.encoder', T, m.textLayers, m.textMlp);
  ln('text_model.final_layer_norm', T);
  lin('text_projection', T, m.embed, false);
  s.push({ name: 'logit_scale', shape: [], fill: 'logit' });
  return s;
}

/** A pool of N(0, 0.02²) values as F16 bits (seeded). */
function normalPool(n: number, seed: number): Uint16Array {
  const rng = new Rng(seed);
  const out = new Uint16Array(n);
  for (let i = 0; i < n; i++) out[i] = toHalf(rng.normal() * 0.02);
  return out;
}

function writeSafetensors(file: string): void {
  const specs = tensorSpecs();
  const header: Record<string, unknown> = {};
  let off = 0;
  for (const t of specs) {
    const bytes = t.shape.reduce((a, b) => a * b, 1) * 2;
    header[t.name] = { dtype: 'F16', shape: t.shape, data_offsets: [off, off + bytes] };
    off += bytes;
  }
  header.__metadata__ = { format: 'pt' };
  let h = JSON.stringify(header);
  h += ' '.repeat((8 - (Buffer.byteLength(h) % 8)) % 8);
  const hb = Buffer.from(h, 'utf8');
  const fd = openSync(file, 'w');
  try {
    const len = Buffer.alloc(8);
    len.writeBigUInt64LE(BigInt(hb.length));
    writeSync(fd, len);
    writeSync(fd, hb);
    const POOL = (1 << 22) + 7; // an odd length: tensors start at different phases
    const pool = normalPool(POOL, 20240601);
    const one = toHalf(1);
    const logit = toHalf(Math.log(100));
    let phase = 0;
    for (const t of specs) {
      const n = t.shape.reduce((a, b) => a * b, 1);
      const CH = 1 << 22;
      for (let s = 0; s < n; s += CH) {
        const m = Math.min(CH, n - s);
        const buf = new Uint16Array(m);
        if (t.fill === 'normal') {
          for (let i = 0; i < m; ) {
            const take = Math.min(m - i, POOL - phase);
            buf.set(pool.subarray(phase, phase + take), i);
            i += take;
            phase = (phase + take) % POOL;
          }
          phase = (phase + 9973) % POOL;
        } else if (t.fill === 'one') buf.fill(one);
        else if (t.fill === 'logit') buf.fill(logit);
        writeSync(fd, new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength));
      }
    }
  } finally {
    closeSync(fd);
  }
}

function tokenizerJson(): unknown {
  const m = VIT_B32;
  const bytes = byteToUnicode();
  const vocab: Record<string, number> = {};
  let id = 0;
  for (const b of bytes) vocab[b] = id++;
  for (const b of bytes) vocab[`${b}</w>`] = id++;
  const merges: string[] = [];
  const need = m.vocab - 2 - id;
  // Pairs of alphabet symbols (a, b) and (a, b</w>): a + b is two characters, never an alphabet
  // symbol, and distinct pairs give distinct results. Letters first, so that common words merge.
  const letters = 'etaoinshrdlcumwfgypbvkjxqz'.split('');
  const order = [...letters, ...bytes.filter((b) => !letters.includes(b))];
  outer: for (const a of order) {
    for (const b of order) {
      for (const right of [`${b}</w>`, b]) {
        if (merges.length >= need) break outer;
        merges.push(`${a} ${right}`);
        vocab[a + right] = id++;
      }
    }
  }
  if (merges.length !== need) throw new Error(`tokenizer: ${merges.length} merges, ${need} needed`);
  vocab['<|startoftext|>'] = id++;
  vocab['<|endoftext|>'] = id++;
  if (id !== m.vocab) throw new Error(`tokenizer: ${id} ids, ${m.vocab} needed`);
  return hfClipTokenizerJson(vocab, merges);
}

function writeFolder(dir: string): void {
  const m = VIT_B32;
  const act = 'quick_gelu';
  const config = {
    architectures: ['CLIPModel'],
    model_type: 'clip',
    projection_dim: m.embed,
    logit_scale_init_value: 2.6592,
    text_config: {
      hidden_size: m.textWidth,
      intermediate_size: m.textMlp,
      num_attention_heads: m.textHeads,
      num_hidden_layers: m.textLayers,
      max_position_embeddings: m.context,
      vocab_size: m.vocab,
      hidden_act: act,
      layer_norm_eps: 1e-5,
      bos_token_id: m.vocab - 2,
      eos_token_id: m.vocab - 1,
      projection_dim: m.embed,
    },
    vision_config: {
      hidden_size: m.visionWidth,
      intermediate_size: m.visionMlp,
      num_attention_heads: m.visionHeads,
      num_hidden_layers: m.visionLayers,
      image_size: m.imageSize,
      patch_size: m.patch,
      hidden_act: act,
      layer_norm_eps: 1e-5,
      num_channels: 3,
      projection_dim: m.embed,
    },
    torch_dtype: 'float16',
  };
  writeFileSync(path.join(dir, 'config.json'), JSON.stringify(config, null, 1));
  const pre = { crop_size: { height: m.imageSize, width: m.imageSize }, do_center_crop: true, do_normalize: true, do_resize: true, image_mean: MEAN, image_std: STD, resample: 3, size: { shortest_edge: m.imageSize } };
  writeFileSync(path.join(dir, 'preprocessor_config.json'), JSON.stringify(pre, null, 1));
  writeFileSync(path.join(dir, 'tokenizer.json'), JSON.stringify(tokenizerJson()));
  writeSafetensors(path.join(dir, 'model.safetensors'));
}

export interface RandomClipFolder {
  dir: string;
  /** Whether it was written now (else it came from the cache). */
  written: boolean;
  writeMs: number;
  /** Bytes of model.safetensors. */
  weightBytes: number;
  /** Bytes of all files. */
  folderBytes: number;
}

/** The cached folder (written first if missing). Its name is the folder's name in the app: `clip-bench-<VERSION>`. */
export function randomClipFolder(): RandomClipFolder {
  const root = process.env.CLIP_BENCH_CACHE ?? path.resolve('node_modules/.cache/clip-lab-bench');
  const dir = path.join(root, VERSION, `clip-bench-${VERSION}`);
  const done = path.join(root, VERSION, 'complete');
  const t0 = Date.now();
  let written = false;
  if (!existsSync(done)) {
    const tmp = path.join(root, VERSION, `tmp-${process.pid}-${os.hostname()}`);
    rmSync(tmp, { recursive: true, force: true });
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(tmp, { recursive: true });
    writeFolder(tmp);
    renameSync(tmp, dir);
    writeFileSync(done, new Date().toISOString());
    written = true;
  }
  const files = ['config.json', 'preprocessor_config.json', 'tokenizer.json', 'model.safetensors'];
  const sizes = files.map((f) => statSync(path.join(dir, f)).size);
  return { dir, written, writeMs: Date.now() - t0, weightBytes: sizes[3]!, folderBytes: sizes.reduce((a, b) => a + b, 0) };
}
