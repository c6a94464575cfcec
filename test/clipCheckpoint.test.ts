// Real-CLIP checkpoints in both layouts (Hugging Face transformers, open_clip) against the PyTorch
// reference of test/fixtures/clip (make_fixtures.py: plain nn.Conv2d / nn.MultiheadAttention /
// nn.LayerNorm models, F32, F16 and BF16 files, QuickGELU and GELU, 32 and 64 px): the files are read
// with the app's safetensors reader, mapped onto ClipModel, and give the reference's token ids,
// image and text embeddings and logits within 1e-4. Bad files are refused with the file and problem.
import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CheckpointError, configFromHf, configFromOpenClip, mapCheckpoint, vitName, type CheckpointTensor, type ClipCheckpointConfig } from '../src/model/checkpoints/clipLayouts';
import { loadClipFolder, type CheckpointFile } from '../src/model/checkpoints/loadClipFolder';
import { ClipModel } from '../src/model/clipModel';
import { InferenceModel } from '../src/model/inferenceModel';
import { decodeFloat32 } from '../src/model/files/safetensorsCodec';
import { bytesSource, readSafetensorsHeader, readTensorBytes } from '../src/model/files/safetensorsReader';
import { ClipTokenizer } from '../src/tokenizer/clipTokenizer';
import { CLIP_FIXTURES, CLIP_MODELS, folderFiles, maxAbsDiff, type ClipReference } from './helpers/clipFixtures';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const ROOT = CLIP_FIXTURES;
const MODELS = CLIP_MODELS;
type Reference = ClipReference;

async function readTensors(path: string): Promise<Map<string, CheckpointTensor>> {
  const src = bytesSource(new Uint8Array(readFileSync(path)));
  const header = await readSafetensorsHeader(src, path.split('/').pop()!);
  const out = new Map<string, CheckpointTensor>();
  for (const e of header.tensors) out.set(e.name, { shape: e.shape, values: decodeFloat32(e.dtype, await readTensorBytes(src, header, e)) });
  return out;
}

function configOf(model: string, layout: 'hf' | 'openclip'): ClipCheckpointConfig {
  const dir = join(ROOT, model, layout);
  const json = (f: string) => JSON.parse(readFileSync(join(dir, f), 'utf8'));
  return layout === 'hf' ? configFromHf(json('config.json'), json('preprocessor_config.json')) : configFromOpenClip(json('open_clip_config.json'));
}

function buildModel(cfg: ClipCheckpointConfig, params: Map<string, CheckpointTensor>): ClipModel {
  const m = new ClipModel(cfg.model, 0);
  for (const p of m.params.params) {
    const v = params.get(p.name);
    if (!v) throw new Error(`no values for ${p.name}`);
    expect(v.shape, p.name).toEqual(p.shape);
    p.variable.assign(tf.tensor(v.values, p.shape, 'float32'));
  }
  expect(params.size).toBe(m.params.params.length);
  return m;
}


describe.each(MODELS)('%s', (model) => {
  const ref = JSON.parse(readFileSync(join(ROOT, model, 'reference.json'), 'utf8')) as Reference;

  it.each(['hf', 'openclip'] as const)('%s layout: same ids, embeddings and logits as PyTorch (≤ 1e-4)', async (layout) => {
    const dir = join(ROOT, model, layout);
    const cfg = configOf(model, layout);
    const file = layout === 'hf' ? 'model.safetensors' : 'open_clip_model.safetensors';
    const params = mapCheckpoint(cfg, await readTensors(join(dir, file)), file);
    const m = buildModel(cfg, params);
    const tok = ClipTokenizer.fromTokenizerJson(JSON.parse(readFileSync(join(dir, 'tokenizer.json'), 'utf8')));
    expect(tok.vocabSize).toBe(cfg.model.text.vocabSize);
    const T = ref.contextLength;
    ref.captions.forEach((c, i) => {
      const { tokens, eot } = tok.encodeForModel(c, T);
      expect(Array.from(tokens), c).toEqual(ref.tokens[i]);
      expect(eot).toBe(ref.eot[i]);
    });
    const S = ref.imageSize;
    const x = new Float32Array(ref.images.length * S * S * 3);
    ref.images.flat().forEach((b, i) => (x[i] = (b / 255 - cfg.mean[i % 3]!) / cfg.std[i % 3]!));
    const { u, v } = tf.tidy(() => ({
      u: m.encodeImages(tf.tensor4d(x, [ref.images.length, S, S, 3])).dataSync(),
      v: m.encodeTexts(tf.tensor2d(ref.tokens.flat(), [ref.tokens.length, T], 'int32'), tf.tensor1d(ref.eot, 'int32')).dataSync(),
    }));
    expect(maxAbsDiff(u, ref.imageEmbeddings)).toBeLessThanOrEqual(1e-4);
    expect(maxAbsDiff(v, ref.textEmbeddings)).toBeLessThanOrEqual(1e-4);
    const s = Math.exp(params.get('logit_scale')!.values[0]!);
    expect(s).toBeCloseTo(ref.logitScale, 2);
    const D = ref.embedDim;
    const logits = ref.logits.map((_, k) => {
      const i = Math.floor(k / ref.captions.length);
      const j = k % ref.captions.length;
      let d = 0;
      for (let e = 0; e < D; e++) d += u[i * D + e]! * v[j * D + e]!;
      return s * d;
    });
    expect(maxAbsDiff(logits, ref.logits)).toBeLessThanOrEqual(1e-2 * Math.max(1, s / 10));
    m.dispose();
  });
});

describe('bad checkpoints are refused, naming the file and the problem', () => {
  const model = MODELS[0]!;
  it('shape mismatch, a missing tensor, unknown keys, unsupported towers and activations', async () => {
    const tensors = await readTensors(join(ROOT, model, 'openclip', 'open_clip_model.safetensors'));
    const cfg = configOf(model, 'openclip');
    const wider = { ...cfg, model: { ...cfg.model, embedDim: cfg.model.embedDim * 2 } };
    expect(() => mapCheckpoint(wider, new Map(tensors), 'm.safetensors')).toThrow(/m\.safetensors: tensor "visual\.proj" has shape \[64, 32\], the config needs \[64, 64\]/);
    const missing = new Map(tensors);
    missing.delete('ln_final.bias');
    expect(() => mapCheckpoint(cfg, missing, 'm.safetensors')).toThrow(/tensor "ln_final\.bias" is missing/);
    const extra = new Map(tensors);
    extra.set('visual.extra_head.weight', { shape: [1], values: new Float32Array(1) });
    expect(() => mapCheckpoint(cfg, extra, 'm.safetensors')).toThrow(/1 tensor this loader does not know \("visual\.extra_head\.weight"\)/);
    const withBuffer = new Map(tensors);
    withBuffer.set('attn_mask', { shape: [1], values: new Float32Array(1) });
    expect(() => mapCheckpoint(cfg, withBuffer, 'm.safetensors')).not.toThrow();
    // the other layout's names are not this layout's
    const hfTensors = await readTensors(join(ROOT, model, 'hf', 'model.safetensors'));
    expect(() => mapCheckpoint(cfg, hfTensors, 'model.safetensors')).toThrow(CheckpointError);
    const oc = JSON.parse(readFileSync(join(ROOT, model, 'openclip', 'open_clip_config.json'), 'utf8'));
    expect(() => configFromOpenClip({ ...oc, model_cfg: { ...oc.model_cfg, vision_cfg: { ...oc.model_cfg.vision_cfg, layers: [3, 4, 6, 3] } } })).toThrow(/ResNet/);
    expect(() => configFromOpenClip({ ...oc, model_cfg: { ...oc.model_cfg, text_cfg: { ...oc.model_cfg.text_cfg, hf_model_name: 'xlm-roberta-base' } } })).toThrow(/Hugging Face model "xlm-roberta-base"/);
    const hf = JSON.parse(readFileSync(join(ROOT, model, 'hf', 'config.json'), 'utf8'));
    // Fields left out (as a recent transformers saves them) take transformers' defaults: QuickGELU, the ViT-B/32 shape.
    const { hidden_act: _v, ...visionNoAct } = hf.vision_config;
    const { hidden_act: _t, ...textNoAct } = hf.text_config;
    expect(configFromHf({ ...hf, vision_config: visionNoAct, text_config: textNoAct }).model.activation).toBe('quickgelu');
    const bare = configFromHf({ model_type: 'clip', vision_config: {}, text_config: {} });
    expect(bare.model).toMatchObject({
      image: { imageSize: 224, patchSize: 32, width: 768, layers: 12, heads: 12, mlpRatio: 4, pooling: 'cls' },
      text: { vocabSize: 49408, contextLength: 77, width: 512, layers: 12, heads: 8, mlpRatio: 4 },
      embedDim: 512,
      activation: 'quickgelu',
    });
    expect(vitName(bare.model)).toBe('ViT-B/32');
    expect(() => configFromHf({ ...hf, text_config: { ...hf.text_config, hidden_act: 'relu' } })).toThrow(/config\.json: the activation "relu" is not supported/);
    expect(() => configFromHf({ ...hf, model_type: 'siglip' })).toThrow(/not a CLIP model/);
    expect(() => configFromHf({ ...hf, vision_config: undefined })).toThrow(/config\.json: no "vision_config" section/);
  });
});

// ---------------------------------------------------------------- whole folders, through the inference model

describe('loadClipFolder', () => {
  it.each(MODELS.flatMap((m) => (['hf', 'openclip'] as const).map((l) => [m, l] as const)))('%s %s: the inference model gives the reference embeddings from raw images and caption text', async (model, layout) => {
    const ref = JSON.parse(readFileSync(join(ROOT, model, 'reference.json'), 'utf8')) as Reference;
    const { weights, checkpoint } = await loadClipFolder(folderFiles(join(ROOT, model, layout)), model);
    expect(checkpoint.layout).toBe(layout);
    const im = InferenceModel.fromWeights(weights);
    const u = await im.encodeImages(Uint8Array.from(ref.images.flat()), ref.images.length);
    const v = await im.encodeTexts(ref.captions);
    expect(maxAbsDiff(u, ref.imageEmbeddings)).toBeLessThanOrEqual(1e-4);
    expect(maxAbsDiff(v, ref.textEmbeddings)).toBeLessThanOrEqual(1e-4);
    expect(im.logitScale).toBeCloseTo(ref.logitScale, 2);
    im.dispose();
  });

  it('vocab.json + merges.txt stand in for tokenizer.json', async () => {
    const dir = join(ROOT, MODELS[0]!, 'hf');
    const a = await loadClipFolder(folderFiles(dir), 'a');
    const b = await loadClipFolder(folderFiles(dir, ['tokenizer.json']), 'b');
    expect(b.weights.tokenizer).toEqual(a.weights.tokenizer);
  });

  it('refuses, by name: weights without a config, no tokenizer, a mismatched tokenizer, .bin only, a truncated file', async () => {
    const dir = join(ROOT, MODELS[0]!, 'openclip');
    await expect(loadClipFolder(folderFiles(dir, ['open_clip_config.json']), 'm')).rejects.toThrow(/m: open_clip_model\.safetensors has no config beside it \(open_clip_config\.json\)/);
    await expect(loadClipFolder(folderFiles(dir, ['tokenizer.json', 'vocab.json']), 'm')).rejects.toThrow(/m: no tokenizer/);
    const tok = JSON.parse(readFileSync(join(dir, 'tokenizer.json'), 'utf8'));
    tok.model.vocab['extra</w>'] = Object.keys(tok.model.vocab).length;
    await expect(loadClipFolder(folderFiles(dir, [], { 'tokenizer.json': new TextEncoder().encode(JSON.stringify(tok)) }), 'm')).rejects.toThrow(/tokenizer has \d+ ids, the text tower's config \d+/);
    const bin: CheckpointFile = { name: 'pytorch_model.bin', text: async () => '', source: () => bytesSource(new Uint8Array(8)) };
    await expect(loadClipFolder([bin], 'm')).rejects.toThrow(/only \.safetensors weights can be read/);
    await expect(loadClipFolder([], 'empty')).rejects.toThrow(/empty: no CLIP checkpoint here.*found no files/);
    const full = new Uint8Array(readFileSync(join(dir, 'open_clip_model.safetensors')));
    await expect(loadClipFolder(folderFiles(dir, [], { 'open_clip_model.safetensors': full.slice(0, full.length - 100) }), 'm')).rejects.toThrow(/open_clip_model\.safetensors: /);
    await expect(loadClipFolder(folderFiles(dir, [], { 'open_clip_config.json': new TextEncoder().encode('{nope') }), 'm')).rejects.toThrow(/open_clip_config\.json: not valid JSON/);
  });
});
