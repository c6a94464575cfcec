// Export to open_clip's layout (src/model/checkpoints/exportOpenClip.ts) against the PyTorch fixtures
// of test/fixtures/clip (make_fixtures.py): each fixture's Hugging Face folder is loaded, exported,
// and must give the very state dict PyTorch wrote in its openclip/ folder (keys, shapes, values) and
// an open_clip_config.json that reads back to the same model; the exported bytes, loaded again as an
// open_clip folder, give the reference embeddings. The app's BPE (END = 2) exports with END moved to
// V − 1, so open_clip's argmax pooling finds it. Architectures that do not map are refused.
// With CLIP_EXPORT_DIR set, each fixture's export is written to $CLIP_EXPORT_DIR/<fixture>/ for
// test/fixtures/clip/check_export.py (PyTorch, load_state_dict(strict=True)).
import * as tf from '@tensorflow/tfjs';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CheckpointError, configFromOpenClip, mapCheckpoint, type CheckpointTensor } from '../src/model/checkpoints/clipLayouts';
import {
  OPEN_CLIP_CONFIG_FILE,
  OPEN_CLIP_WEIGHTS_FILE,
  exportOpenClip,
  exportedTokenId,
  openClipConfigText,
  openClipExportProblems,
  openClipSafetensors,
  tokenizerIdsOf,
  type OpenClipExport,
} from '../src/model/checkpoints/exportOpenClip';
import { loadClipFolder, type CheckpointFile } from '../src/model/checkpoints/loadClipFolder';
import { ClipModel } from '../src/model/clipModel';
import { MODEL_PRESETS, type ModelConfig } from '../src/model/config';
import { InferenceModel } from '../src/model/inferenceModel';
import { decodeFloat32 } from '../src/model/files/safetensorsCodec';
import { bytesSource, readSafetensorsHeader, readTensorBytes } from '../src/model/files/safetensorsReader';
import { trainBpe } from '../src/tokenizer/trainBpe';
import { END_ID } from '../src/tokenizer/bpeIds';
import { CLIP_FIXTURES, CLIP_MODELS, clipReference, folderFiles, maxAbsDiff } from './helpers/clipFixtures';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const EXPORT_DIR = process.env.CLIP_EXPORT_DIR;

async function readTensors(bytes: Uint8Array, file: string): Promise<{ tensors: Map<string, CheckpointTensor>; metadata: Record<string, string> | null; dtypes: Set<string> }> {
  const src = bytesSource(bytes);
  const header = await readSafetensorsHeader(src, file);
  const tensors = new Map<string, CheckpointTensor>();
  for (const e of header.tensors) tensors.set(e.name, { shape: e.shape, values: decodeFloat32(e.dtype, await readTensorBytes(src, header, e)) });
  return { tensors, metadata: header.metadata, dtypes: new Set(header.tensors.map((e) => e.dtype)) };
}

const fileOf = (name: string, bytes: Uint8Array): CheckpointFile => ({ name, text: async () => new TextDecoder().decode(bytes), source: () => bytesSource(bytes) });

async function exportFixture(model: string): Promise<{ exp: OpenClipExport; tensors: { name: string; shape: number[]; values: Float32Array }[] }> {
  const { weights } = await loadClipFolder(folderFiles(join(CLIP_FIXTURES, model, 'hf')), model);
  const exp = exportOpenClip({ model: weights.config.model, tokenizer: tokenizerIdsOf(weights.tokenizer), tensors: weights.tensors });
  if (!exp.ok) throw new Error(`refused: ${exp.reasons.join(' ')}`);
  return { exp, tensors: weights.tensors };
}

describe.each(CLIP_MODELS)('%s', (model) => {
  const ocDir = join(CLIP_FIXTURES, model, 'openclip');

  it("the HF folder exports to PyTorch's open_clip state dict and config", async () => {
    const { exp } = await exportFixture(model);
    const fixture = await readTensors(new Uint8Array(readFileSync(join(ocDir, OPEN_CLIP_WEIGHTS_FILE))), OPEN_CLIP_WEIGHTS_FILE);
    // the fixture holds no buffers (make_fixtures.py's openclip_state lists parameters only)
    expect([...fixture.tensors.keys()].filter((k) => /(position_ids|attn_mask|mask)$/.test(k))).toEqual([]);
    expect(exp.tensors.map((t) => t.name).sort()).toEqual([...fixture.tensors.keys()].sort());
    let worst = 0;
    for (const t of exp.tensors) {
      const f = fixture.tensors.get(t.name)!;
      expect(t.shape, t.name).toEqual(f.shape);
      const d = maxAbsDiff(t.values, f.values);
      expect(d, t.name).toBe(0); // F16 / BF16 values are exact in F32, transposes move them unchanged
      worst = Math.max(worst, d);
    }
    expect(worst).toBe(0);
    expect(exp.tokenIds).toEqual({ endId: clipReference(model).tokens[0]!.reduce((a, b) => Math.max(a, b)), swapped: null });
    const ocJson = JSON.parse(readFileSync(join(ocDir, OPEN_CLIP_CONFIG_FILE), 'utf8'));
    expect(exp.config.model_cfg).toEqual(ocJson.model_cfg);
    expect(exp.config.preprocess_cfg).toEqual(ocJson.preprocess_cfg);
    const back = configFromOpenClip(JSON.parse(openClipConfigText(exp)));
    const ref = configFromOpenClip(ocJson);
    expect(back).toEqual(ref);
  });

  it('round trip: export → bytes → loadClipFolder (open_clip layout) gives the reference embeddings', async () => {
    const { exp, tensors } = await exportFixture(model);
    const bytes = openClipSafetensors(exp);
    const configText = openClipConfigText(exp);
    const read = await readTensors(bytes, OPEN_CLIP_WEIGHTS_FILE);
    expect([...read.dtypes]).toEqual(['F32']);
    expect(read.metadata).toEqual({ format: 'pt' });
    const files = [
      fileOf(`out/${OPEN_CLIP_CONFIG_FILE}`, new TextEncoder().encode(configText)),
      fileOf(`out/${OPEN_CLIP_WEIGHTS_FILE}`, bytes),
      ...folderFiles(ocDir).filter((f) => f.name.endsWith('/tokenizer.json')),
    ];
    const loaded = await loadClipFolder(files, model);
    expect(loaded.checkpoint.layout).toBe('openclip');
    expect(loaded.dtypes).toEqual(['F32']);
    // the same parameters, bit for bit
    const original = new Map(tensors.map((t) => [t.name, t]));
    expect(loaded.weights.tensors.map((t) => t.name).sort()).toEqual([...original.keys()].sort());
    for (const t of loaded.weights.tensors) expect(maxAbsDiff(t.values, original.get(t.name)!.values), t.name).toBe(0);
    const ref = clipReference(model);
    const im = InferenceModel.fromWeights(loaded.weights);
    const u = await im.encodeImages(Uint8Array.from(ref.images.flat()), ref.images.length);
    const v = await im.encodeTexts(ref.captions);
    const du = maxAbsDiff(u, ref.imageEmbeddings);
    const dv = maxAbsDiff(v, ref.textEmbeddings);
    console.log(`${model}: round trip max |Δ| image ${du.toExponential(2)}, text ${dv.toExponential(2)}`);
    expect(du).toBeLessThanOrEqual(1e-4);
    expect(dv).toBeLessThanOrEqual(1e-4);
    expect(im.logitScale).toBeCloseTo(ref.logitScale, 2);
    im.dispose();
    if (EXPORT_DIR) {
      const dir = join(EXPORT_DIR, model);
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, OPEN_CLIP_WEIGHTS_FILE), bytes);
      writeFileSync(join(dir, OPEN_CLIP_CONFIG_FILE), configText);
      copyFileSync(join(ocDir, 'tokenizer.json'), join(dir, 'tokenizer.json'));
    }
  });
});

describe('the end token moved to V − 1 (open_clip pools at text.argmax)', () => {
  it('a model whose END id is 2 exports with rows 2 and V − 1 swapped, and says so', async () => {
    const model = CLIP_MODELS[0]!;
    const { weights } = await loadClipFolder(folderFiles(join(CLIP_FIXTURES, model, 'hf')), model);
    const V = weights.config.model.text.vocabSize;
    const W = weights.config.model.text.width;
    // the fixture's END is V − 1: relabel ids 2 ↔ V − 1 so that this copy's END is 2, like the app's BPE
    const tensors = weights.tensors.map((t) => {
      if (t.name !== 'txt.token_embed') return t;
      const v = t.values.slice();
      v.set(t.values.subarray((V - 1) * W, V * W), END_ID * W);
      v.set(t.values.subarray(END_ID * W, (END_ID + 1) * W), (V - 1) * W);
      return { ...t, values: v };
    });
    const exp = exportOpenClip({ model: weights.config.model, tokenizer: { kind: 'clip-lab-bpe', vocabSize: V, endId: END_ID }, tensors });
    if (!exp.ok) throw new Error(exp.reasons.join(' '));
    expect(exp.tokenIds).toEqual({ endId: V - 1, swapped: [END_ID, V - 1] });
    // … which gives back the fixture's own embedding table
    const fixture = await readTensors(new Uint8Array(readFileSync(join(CLIP_FIXTURES, model, 'openclip', OPEN_CLIP_WEIGHTS_FILE))), OPEN_CLIP_WEIGHTS_FILE);
    expect(maxAbsDiff(exp.tensors.find((t) => t.name === 'token_embedding.weight')!.values, fixture.tensors.get('token_embedding.weight')!.values)).toBe(0);
    expect((await readTensors(openClipSafetensors(exp), 'x')).metadata).toEqual({ format: 'pt', 'clip_lab.token_id_swap': `${END_ID},${V - 1}` });
    expect([END_ID, V - 1, 0, 1, 7].map((id) => exportedTokenId(id, exp.tokenIds.swapped))).toEqual([V - 1, END_ID, 0, 1, 7]);
    expect(exportedTokenId(END_ID, null)).toBe(END_ID);
  });

  it("the app's BPE model: open_clip's argmax pooling on relabelled ids gives the model's own text embeddings", async () => {
    const captions = ['a red circle on a dark background', 'two small blue squares', 'a green triangle', 'red red red', ''];
    const tok = trainBpe(captions, 64);
    const cfg: ModelConfig = {
      ...MODEL_PRESETS.small,
      image: { ...MODEL_PRESETS.small.image, imageSize: 16, patchSize: 8, width: 32, layers: 1, heads: 2 },
      text: { vocabSize: tok.vocabSize, contextLength: 12, width: 32, layers: 1, heads: 2, mlpRatio: 4 },
      embedDim: 16,
    };
    const m = new ClipModel(cfg, 7);
    const tensors = m.params.params.map((p) => ({ name: p.name, shape: p.shape, values: p.variable.dataSync() as Float32Array }));
    const exp = exportOpenClip({ model: cfg, tokenizer: tokenizerIdsOf(tok.toJSON()), tensors });
    if (!exp.ok) throw new Error(exp.reasons.join(' '));
    expect(exp.tokenIds.swapped).toEqual([END_ID, tok.vocabSize - 1]);
    expect(exp.config.preprocess_cfg).toEqual({ mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5] });
    // read back as open_clip would hold it, and pool the way open_clip does: at argmax of the relabelled ids
    const back = mapCheckpoint(configFromOpenClip(exp.config), new Map(exp.tensors.map((t) => [t.name, { shape: t.shape, values: t.values }])), 'x');
    const m2 = new ClipModel(configFromOpenClip(exp.config).model, 0);
    for (const p of m2.params.params) p.variable.assign(tf.tensor(back.get(p.name)!.values, p.shape, 'float32'));
    const T = cfg.text.contextLength;
    const { tokens, eot } = tok.encodeBatch(captions, T);
    const relabelled = Int32Array.from(tokens, (id) => exportedTokenId(id, exp.tokenIds.swapped));
    const argmax = captions.map((_, i) => {
      const row = relabelled.subarray(i * T, (i + 1) * T);
      return row.indexOf(Math.max(...row)); // torch.argmax: the first largest
    });
    expect(argmax).toEqual(Array.from(eot));
    const a = tf.tidy(() => m.encodeTexts(tf.tensor2d(tokens, [captions.length, T], 'int32'), tf.tensor1d(eot, 'int32')).dataSync());
    const b = tf.tidy(() => m2.encodeTexts(tf.tensor2d(relabelled, [captions.length, T], 'int32'), tf.tensor1d(argmax, 'int32')).dataSync());
    expect(maxAbsDiff(a, b)).toBeLessThanOrEqual(1e-6);
    // without the relabelling, argmax would land elsewhere
    const plainArgmax = captions.map((_, i) => {
      const row = tokens.subarray(i * T, (i + 1) * T);
      return row.indexOf(Math.max(...row));
    });
    expect(plainArgmax).not.toEqual(Array.from(eot));
    m.dispose();
    m2.dispose();
  });
});

describe('architectures that do not map are refused, every reason at once', () => {
  const clipIds = (V: number) => ({ kind: 'clip-bpe' as const, vocabSize: V, endId: V - 1 });

  it("the 'tiny' preset: mean pooling has no open_clip equivalent", () => {
    const tiny = MODEL_PRESETS.tiny;
    const r = exportOpenClip({ model: tiny, tokenizer: clipIds(tiny.text.vocabSize), tensors: [] });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.reasons).toHaveLength(1);
    expect(r.reasons[0]).toMatch(/pools by 'mean' without a class token; open_clip's ViT always has a class token/);
  });

  it('activation, head width, MLP width, image size, tokenizer', () => {
    const base = MODEL_PRESETS.small;
    const bad = {
      ...base,
      activation: 'relu',
      image: { ...base.image, imageSize: 30, patchSize: 4, heads: 3 },
      text: { ...base.text, mlpRatio: 2.7, width: 64 },
    } as unknown as ModelConfig;
    const problems = openClipExportProblems(bad, { kind: 'clip-lab-bpe', vocabSize: 100, endId: 2 });
    expect(problems).toHaveLength(5);
    expect(problems.join('\n')).toMatch(/activation 'relu' has no open_clip equivalent/);
    expect(problems.join('\n')).toMatch(/image tower's width 128 is not divisible by its 3 heads/);
    expect(problems.join('\n')).toMatch(/text tower's MLP width 64·2\.7 = 172\.8\d* is rounded to 173 here, open_clip truncates it to 172/);
    expect(problems.join('\n')).toMatch(/image size 30 is not a multiple of the patch size 4/);
    expect(problems.join('\n')).toMatch(/tokenizer has 100 ids but the text tower 512/);
    expect(openClipExportProblems(base, { kind: 'clip-lab-bpe', vocabSize: 512, endId: 512 })).toEqual([expect.stringMatching(/end id 512 is not an id/)]);
    // a fractional ratio that both round and truncate alike maps (64·2.6 = 166.4 → 166)
    expect(openClipExportProblems({ ...base, text: { ...base.text, width: 64, mlpRatio: 2.6 } }, clipIds(512))).toEqual([]);
    expect(openClipExportProblems(base, clipIds(512))).toEqual([]);
  });

  it('parameters that do not fit the config throw, naming the parameter', async () => {
    const model = CLIP_MODELS[0]!;
    const { weights } = await loadClipFolder(folderFiles(join(CLIP_FIXTURES, model, 'hf')), model);
    const ids = tokenizerIdsOf(weights.tokenizer);
    const run = (tensors: typeof weights.tensors) => () => exportOpenClip({ model: weights.config.model, tokenizer: ids, tensors });
    expect(run(weights.tensors.filter((t) => t.name !== 'txt.ln_final.b'))).toThrow(/no parameter "txt\.ln_final\.b"/);
    expect(run(weights.tensors.map((t) => (t.name === 'img.proj.w' ? { ...t, shape: [32, 64] } : t)))).toThrow(/parameter "img\.proj\.w" has shape \[32, 64\].*needs \[64, 32\]/);
    expect(run([...weights.tensors, { name: 'objective.head', shape: [1], values: new Float32Array(1) }])).toThrow(CheckpointError);
    expect(() => tokenizerIdsOf(null)).toThrow(/no tokenizer this export knows/);
  });
});
