// Fine-tuning a stored model (config.init, src/train/run.ts): a CLIP read from the PyTorch fixture
// starts the run with its own weights, tokenizer and mean/std (not a seeded init), on a dataset
// stored at another size (8 px, resized to its 32-px input by the reader); 'projections' trains only
// the two projections and t (every tower parameter stays bit for bit), 'all' trains the towers too;
// the loss falls; a checkpoint of it (the CLIP tokenizer inside) restores exactly.
import * as tf from '@tensorflow/tfjs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TrainConfig } from '../src/config/types';
import { loadClipFolder } from '../src/model/checkpoints/loadClipFolder';
import { encodeImagesChunked } from '../src/model/inferenceModel';
import { Run, isProjectionOrTemperature } from '../src/train/run';
import type { TensorLoader } from '../src/train/runSnapshot';
import { tokenizerFromJSON } from '../src/tokenizer/textTokenizer';
import { CLIP_FIXTURES, CLIP_MODELS, clipReference, folderFiles, maxAbsDiff } from './helpers/clipFixtures';
import { memoryConfig, memoryDataset, trainRun } from './helpers/memoryRun';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const MODEL = CLIP_MODELS[0]!; // 32 px, QuickGELU, F32

async function fineTuneRun(train: 'all' | 'projections'): Promise<{ run: Run; initial: Map<string, Float32Array> }> {
  const { weights } = await loadClipFolder(folderFiles(join(CLIP_FIXTURES, MODEL, 'hf')), MODEL);
  const { data } = memoryDataset(96);
  const base = memoryConfig({ kind: 'clip' }, 30, 16);
  const config: TrainConfig = { ...base, model: weights.config.model, init: { modelId: 'clip-x', modelName: MODEL, train }, optim: { ...base.optim, lr: 3e-3 } };
  const initial = new Map(weights.tensors.map((t) => [t.name, t.values]));
  const run = Run.create({ id: `ft-${train}`, name: 'ft', config, tokenizer: tokenizerFromJSON(weights.tokenizer), data, initialWeights: (n) => initial.get(n) ?? null });
  return { run, initial };
}

async function params(run: Run): Promise<Map<string, Float32Array>> {
  const out = new Map<string, Float32Array>();
  for (const p of run.model.params.params) out.set(p.name, (await p.variable.data()) as Float32Array);
  return out;
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('fine-tuning a CLIP checkpoint', () => {
  it("starts from the checkpoint's weights and preprocessing: the reference embeddings before any step", async () => {
    const { run } = await fineTuneRun('all');
    const ref = clipReference(MODEL);
    const u = await encodeImagesChunked(run.model, Uint8Array.from(ref.images.flat()), ref.images.length);
    expect(maxAbsDiff(u, ref.imageEmbeddings)).toBeLessThanOrEqual(1e-4);
    const batch = await run.source.nextBatch();
    expect(batch.imageSize).toBe(32); // the 8-px store, resized to the model's input
    run.dispose();
  });

  it("'projections': the towers stay bit for bit, the projections and t move, the loss falls", async () => {
    const { run, initial } = await fineTuneRun('projections');
    const losses = await trainRun(run, 2);
    const tensors = tf.memory().numTensors;
    expect(await run.timeOneStep()).toBeGreaterThan(0); // the estimate leaves nothing behind either
    losses.push(...(await trainRun(run, 28)));
    expect(tf.memory().numTensors).toBe(tensors); // flat across steps
    const after = await params(run);
    for (const [name, v] of after) {
      if (isProjectionOrTemperature(name)) continue;
      expect(Array.from(v), name).toEqual(Array.from(initial.get(name)!));
    }
    for (const name of ['img.proj.w', 'txt.proj.w']) expect(maxAbsDiff(after.get(name)!, initial.get(name)!), name).toBeGreaterThan(1e-4);
    expect(mean(losses.slice(-5))).toBeLessThan(mean(losses.slice(0, 5)) - 0.1);
    run.dispose();
  });

  it("'all': the towers train too; a checkpoint with the CLIP tokenizer restores exactly", async () => {
    const { run, initial } = await fineTuneRun('all');
    const losses = await trainRun(run, 12);
    const after = await params(run);
    expect(maxAbsDiff(after.get('img.blocks.0.attn.q.w')!, initial.get('img.blocks.0.attn.q.w')!)).toBeGreaterThan(1e-4);
    expect(maxAbsDiff(after.get('txt.token_embed')!, initial.get('txt.token_embed')!)).toBeGreaterThan(1e-5);
    expect(mean(losses.slice(-5))).toBeLessThan(mean(losses.slice(0, 5)));
    const snap = await run.snapshot();
    expect((snap.meta.tokenizer as { type: string }).type).toBe('clip-bpe');
    const values = new Map<string, Float32Array | Int32Array>();
    for (const t of snap.tensors) values.set(t.name, await t.read());
    const load: TensorLoader = async (name) => values.get(name)!.slice();
    const back = await Run.restore(JSON.parse(JSON.stringify(snap.meta)), load, run.data);
    const restored = await params(back);
    for (const [name, v] of after) expect(Array.from(restored.get(name)!), name).toEqual(Array.from(v));
    const [a, b] = [await run.trainStep(), await back.trainStep()];
    expect((await b.result.loss.data())[0]).toBeCloseTo((await a.result.loss.data())[0]!, 5);
    for (const s of [a, b]) tf.dispose(Object.values(s.result).filter((x): x is tf.Tensor => x instanceof tf.Tensor));
    run.dispose();
    back.dispose();
  });
});
