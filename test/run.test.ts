// A Run's snapshot() / restore() (src/train/run.ts), Node, tfjs cpu: a restored run holds every
// tensor (parameters, objective state, AdamW moments, episode prototypes) and counter (step,
// reader or episode position, history) of the original, and continues with bit-identical losses,
// for CLIP, SigLIP (an objective parameter) and ProtoCLIP mid-episode (teacher on). The same
// through the model file's bytes, cut into odd-sized chunks.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { bytesSource } from '../src/model/files/safetensorsReader';
import type { ObjectiveConfig } from '../src/config/types';
import { ChunkedWriter, writePlannedFile } from '../src/train/checkpointStore';
import { fileTensorLoader, planModelFile, readModelFileInfo } from '../src/train/modelFile';
import { Run } from '../src/train/run';
import type { RunMeta, TensorLoader } from '../src/train/runSnapshot';
import { PROTOCLIP_SMALL, memoryConfig, memoryDataset, trainRun } from './helpers/memoryRun';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

interface MemorySnapshot {
  meta: RunMeta;
  values: Map<string, { dtype: string; shape: number[]; values: Float32Array | Int32Array }>;
}

async function snapshotToMemory(run: Run): Promise<MemorySnapshot> {
  const snap = await run.snapshot();
  const values = new Map<string, { dtype: string; shape: number[]; values: Float32Array | Int32Array }>();
  for (const t of snap.tensors) values.set(t.name, { dtype: t.dtype, shape: t.shape, values: await t.read() });
  return { meta: JSON.parse(JSON.stringify(snap.meta)) as RunMeta, values };
}

const memoryLoader =
  (m: MemorySnapshot): TensorLoader =>
  async (name) => {
    const v = m.values.get(name);
    if (!v) throw new Error(`missing ${name}`);
    return v.values.slice();
  };


function expectSameState(a: MemorySnapshot, b: MemorySnapshot): void {
  expect([...b.values.keys()]).toEqual([...a.values.keys()]);
  for (const [name, va] of a.values) {
    const vb = b.values.get(name)!;
    expect(vb.shape, name).toEqual(va.shape);
    expect(vb.dtype, name).toBe(va.dtype);
    expect(Array.from(vb.values), name).toEqual(Array.from(va.values));
  }
  expect(b.meta.step).toBe(a.meta.step);
  expect(b.meta.source).toEqual(a.meta.source);
  // Wall times differ between runs; every other series is state.
  const noTimes = (h: RunMeta['history']) => ({ ...h, series: { ...h.series, stepMs: [] } });
  expect(noTimes(b.meta.history)).toEqual(noTimes(a.meta.history));
  expect(b.meta.config).toEqual(a.meta.config);
  expect(b.meta.tokenizer).toEqual(a.meta.tokenizer);
}

const CASES: { label: string; objective: ObjectiveConfig; before: number }[] = [
  { label: 'CLIP', objective: { kind: 'clip' }, before: 5 },
  { label: 'SigLIP', objective: { kind: 'siglip', initLogitScale: Math.log(10), initBias: -10 }, before: 5 },
  // 4 steps per episode (E 32, B 8): step 6 is mid-episode 2, which has prototypes and teacher clusters.
  { label: 'ProtoCLIP mid-episode', objective: PROTOCLIP_SMALL, before: 6 },
];

describe('Run.snapshot / Run.restore', () => {
  for (const c of CASES) {
    it(`${c.label}: every tensor and counter comes back, and the continued losses equal the uninterrupted run's`, async () => {
      const { data, tokenizer } = memoryDataset();
      const a = Run.create({ id: 'run-a', name: 'a', config: memoryConfig(c.objective), tokenizer, data });
      const first = await trainRun(a, c.before);
      expect(first.every(Number.isFinite)).toBe(true);
      const beforeSnapshot = tf.memory().numTensors;
      const snap = await snapshotToMemory(a);
      expect(tf.memory().numTensors).toBe(beforeSnapshot); // a snapshot reads, it creates nothing
      expect(snap.meta.step).toBe(c.before);
      expect(snap.values.has('optim.m.logit_scale')).toBe(true);
      if (c.objective.kind === 'protoclip') {
        expect((snap.meta.source as { state: { episode: number; cursor: number } }).state).toMatchObject({ episode: 2, cursor: 16 });
        expect(snap.values.has('protoclip.episode.imageTargets')).toBe(true);
        expect(snap.values.has('protoclip.episode.external.a')).toBe(true);
        expect(snap.values.has('proto.img_head.bn.running_mean')).toBe(true);
      }
      const tensorsBefore = tf.memory().numTensors;
      const b = await Run.restore(snap.meta, memoryLoader(snap), data);
      expect(b.step).toBe(c.before);
      expectSameState(snap, await snapshotToMemory(b));

      const la = await trainRun(a, 7); // ProtoCLIP: through the end of episode 2 and into episode 3
      const lb = await trainRun(b, 7);
      expect(lb).toEqual(la);
      expectSameState(await snapshotToMemory(a), await snapshotToMemory(b));
      b.dispose();
      expect(tf.memory().numTensors).toBe(tensorsBefore);
      a.dispose();
    });
  }

  it('through the model file: header, metadata and tensors in 777-byte chunks restore the same run', async () => {
    const { data, tokenizer } = memoryDataset();
    const a = Run.create({ id: 'run-f', name: 'file', config: memoryConfig(PROTOCLIP_SMALL), tokenizer, data });
    await trainRun(a, 6);
    const snap = await a.snapshot();
    const plan = planModelFile(snap, '2026-01-01T00:00:00.000Z');
    const chunks: Uint8Array[] = [];
    const writer = new ChunkedWriter(async (i, bytes) => void (chunks[i] = bytes), 777);
    await writePlannedFile(writer, plan.header, plan.entries, snap.tensors);
    const count = await writer.close();
    expect(count).toBe(Math.ceil(plan.totalBytes / 777));
    expect(chunks.slice(0, -1).every((c) => c.length === 777)).toBe(true);
    const bytes = new Uint8Array(plan.totalBytes);
    let off = 0;
    for (const c of chunks) {
      bytes.set(c, off);
      off += c.length;
    }
    expect(off).toBe(plan.totalBytes);
    const src = bytesSource(bytes);
    const info = await readModelFileInfo(src, 'run.safetensors');
    expect(info.modelConfig).toEqual(a.config.model);
    expect(info.training).toMatchObject({ step: 6, totalSteps: a.config.steps, batchSize: 8 });
    expect(info.header.metadata!.tokenizer).toBe(JSON.stringify(tokenizer.toJSON()));
    const b = await Run.restore(info.run!, fileTensorLoader(src, info.header, 'run.safetensors'), data);
    expectSameState(await snapshotToMemory(a), await snapshotToMemory(b));
    expect(await trainRun(b, 4)).toEqual(await trainRun(a, 4));
    a.dispose();
    b.dispose();
  });

  it('refuses to continue on another dataset', async () => {
    const { data, tokenizer } = memoryDataset();
    const a = Run.create({ id: 'run-d', name: 'd', config: memoryConfig({ kind: 'clip' }), tokenizer, data });
    await trainRun(a, 1);
    const snap = await snapshotToMemory(a);
    a.dispose();
    const other = memoryDataset(80, 'other-ds');
    await expect(Run.restore(snap.meta, memoryLoader(snap), other.data)).rejects.toThrow(/trained on memory \(memory-ds\), not memory \(other-ds\)/);
  });
});
