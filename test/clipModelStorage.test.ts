// A CLIP checkpoint kept in the browser (src/train/clipModelStorage.ts) on an in-memory IndexedDB:
// stored once, read back through the same path as every stored model (loadStoredWeights), it gives
// the PyTorch reference's embeddings; the quota is checked before anything is decoded or written; a
// cancelled write leaves nothing; delete frees its chunks.
import 'fake-indexeddb/auto';
import * as tf from '@tensorflow/tfjs';
import { join } from 'node:path';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openClipLabDB, type ClipLabDatabase } from '../src/data/db';
import { loadClipFolder } from '../src/model/checkpoints/loadClipFolder';
import { InferenceModel } from '../src/model/inferenceModel';
import { deleteModelRecord, listModelRecords } from '../src/train/checkpointStore';
import { checkStorageFor, storeClipModel, storedClipBytes } from '../src/train/clipModelStorage';
import { loadStoredWeights } from '../src/train/runStorage';
import { CLIP_FIXTURES, CLIP_MODELS, clipReference, folderFiles, maxAbsDiff } from './helpers/clipFixtures';

let db: ClipLabDatabase;

beforeAll(async () => {
  await tf.setBackend('cpu');
});

beforeEach(async () => {
  db = await openClipLabDB();
  for (const s of ['models', 'checkpoints', 'checkpointChunks'] as const) await db.clear(s);
});

describe('a stored CLIP', () => {
  it.each(CLIP_MODELS)('%s: stored, read back like any stored model, gives the reference embeddings (≤ 1e-4)', async (model) => {
    const ref = clipReference(model);
    const loaded = await loadClipFolder(folderFiles(join(CLIP_FIXTURES, model, 'openclip')), model);
    const record = await storeClipModel(db, loaded, { files: ['open_clip_config.json', 'open_clip_model.safetensors', 'tokenizer.json'] });
    expect(record.kind).toBe('clip');
    expect(record.origin).toMatchObject({ layout: 'openclip', weightsFile: 'open_clip_model.safetensors', fileBytes: loaded.weightBytes });
    expect(record.origin!.dtypes).toEqual([model.endsWith('bf16') ? 'BF16' : model.endsWith('f16') ? 'F16' : 'F32']);
    expect(record.resumable).toBe(false);
    expect(record.paramCount).toBe(loaded.weights.tensors.reduce((a, t) => a + t.values.length, 0));
    // F32 on storage: 4 bytes a value plus a header (mostly the tokenizer, twice)
    expect(record.bytes).toBeGreaterThan(4 * record.paramCount);
    expect(record.bytes).toBeLessThanOrEqual(storedClipBytes(record.paramCount, JSON.stringify(loaded.weights.tokenizer).length));

    const weights = await loadStoredWeights(db, record.id);
    expect(weights.tokenizer).toEqual(loaded.weights.tokenizer);
    expect(weights.config.model).toEqual(loaded.weights.config.model);
    const im = InferenceModel.fromWeights(weights);
    const u = await im.encodeImages(Uint8Array.from(ref.images.flat()), ref.images.length);
    const v = await im.encodeTexts(ref.captions);
    expect(maxAbsDiff(u, ref.imageEmbeddings)).toBeLessThanOrEqual(1e-4);
    expect(maxAbsDiff(v, ref.textEmbeddings)).toBeLessThanOrEqual(1e-4);
    im.dispose();

    await deleteModelRecord(db, record.id);
    expect(await db.count('checkpointChunks')).toBe(0);
    expect(await listModelRecords(db)).toEqual([]);
  });

  it('storage too small: refused before a tensor is decoded, naming the model and the sizes; nothing stored', async () => {
    expect(() => checkStorageFor('ViT', 600 << 20, { usage: 900 << 20, quota: 1024 << 20 })).toThrow(/ViT: storing it takes 600 MB of browser storage; 124 MB are free of the 1,024 MB quota/);
    expect(() => checkStorageFor('ViT', 600 << 20, { usage: 0, quota: 4096 << 20 })).not.toThrow();
    expect(() => checkStorageFor('ViT', 600 << 20, null)).not.toThrow();
    let decoded = 0;
    const files = folderFiles(join(CLIP_FIXTURES, CLIP_MODELS[0]!, 'hf'));
    await expect(
      loadClipFolder(files, 'tiny clip', {
        beforeDecode: (elements) => checkStorageFor('tiny clip', storedClipBytes(elements, 0), { usage: 100, quota: 1000 }),
        onProgress: () => decoded++,
      }),
    ).rejects.toThrow(/tiny clip: storing it takes \d\.\d MB of browser storage; 0\.0 MB are free of the 0\.0 MB quota/);
    expect(decoded).toBe(0);
  });

  it('a write cancelled part-way leaves no model and no chunks', async () => {
    const loaded = await loadClipFolder(folderFiles(join(CLIP_FIXTURES, CLIP_MODELS[1]!, 'hf')), 'm');
    await expect(
      storeClipModel(db, loaded, {
        files: [],
        onTensor: (done) => {
          if (done === 5) throw new Error('m: cancelled');
        },
      }),
    ).rejects.toThrow(/cancelled/);
    expect(await listModelRecords(db)).toEqual([]);
    expect(await db.count('checkpointChunks')).toBe(0);
  });
});
