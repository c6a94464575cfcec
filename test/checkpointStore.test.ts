// The checkpoint store (src/train/checkpointStore.ts) on an in-memory IndexedDB (fake-indexeddb):
// chunked writes read back byte for byte, a new checkpoint replaces the old one only once it is
// complete and verified, a failure or quota error mid-write leaves the previous checkpoint intact
// with nothing of the failed write left behind, and cleanup removes what a closed tab left.
import 'fake-indexeddb/auto';
import { beforeEach, describe, expect, it } from 'vitest';
import { openClipLabDB, type ClipLabDatabase } from '../src/data/db';
import type { ModelRecord } from '../src/data/store/checkpointTypes';
import { defaultTrainConfig } from '../src/config/defaults';
import {
  checkpointBlob,
  checkpointFaults,
  checkpointSource,
  cleanCheckpoints,
  deleteModelRecord,
  describeWriteError,
  getModelCheckpoint,
  listModelRecords,
  renameModelRecord,
  writeCheckpoint,
} from '../src/train/checkpointStore';
import { crc32 } from '../src/util/crc32';

let db: ClipLabDatabase;

beforeEach(async () => {
  db = await openClipLabDB();
  for (const s of ['models', 'checkpoints', 'checkpointChunks'] as const) await db.clear(s);
  checkpointFaults.failChunkWrites = 0;
});

const summary = (id: string, step: number): Omit<ModelRecord, 'checkpointId' | 'bytes'> => ({
  id,
  name: `model ${id}`,
  kind: 'run',
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: new Date(2026, 0, 1, 0, 0, step).toISOString(),
  config: defaultTrainConfig('tiny'),
  datasetId: 'ds',
  datasetName: 'ds',
  step,
  totalSteps: 100,
  finished: false,
  resumable: true,
  paramCount: 1,
  lastLoss: null,
  lastEval: null,
});

/** Deterministic bytes (seeded by `salt`). */
const bytesOf = (n: number, salt: number) => Uint8Array.from({ length: n }, (_, i) => (i * 131 + salt * 7 + (i >> 9)) & 255);

/** Small chunks keep the in-memory database fast; the logic is the same at 4 MiB. */
const CHUNK = 1000;

async function write(id: string, step: number, data: Uint8Array, pieces = 3) {
  return writeCheckpoint(db, {
    model: summary(id, step),
    step,
    chunkBytes: CHUNK,
    write: async (w) => {
      const size = Math.ceil(data.length / pieces);
      for (let off = 0; off < data.length; off += size) await w.write(data.subarray(off, off + size));
    },
  });
}

const chunkIds = async () => [...new Set(((await db.getAllKeys('checkpointChunks')) as string[]).map((k) => k.split('/')[0]))];

async function readAll(id: string): Promise<Uint8Array> {
  const { checkpoint } = await getModelCheckpoint(db, id);
  const src = checkpointSource(db, checkpoint);
  return src.read(0, src.size);
}

describe('checkpoint store', () => {
  it('crc32 matches the standard check value', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
  });

  it('writes in fixed-size chunks and reads back every byte, also across chunk boundaries and as a Blob', async () => {
    const data = bytesOf(2 * CHUNK + 345, 1);
    const { model, checkpoint } = await write('m1', 10, data, 7);
    expect(checkpoint.chunkCount).toBe(3);
    expect(checkpoint.bytes).toBe(data.length);
    expect(model.checkpointId).toBe(checkpoint.id);
    expect(model.bytes).toBe(data.length);
    expect(await readAll('m1')).toEqual(data);
    const src = checkpointSource(db, checkpoint);
    const a = CHUNK - 5;
    expect(await src.read(a, a + 10)).toEqual(data.subarray(a, a + 10));
    await expect(src.read(0, data.length + 1)).rejects.toThrow(RangeError);
    const blob = await checkpointBlob(db, checkpoint);
    expect(new Uint8Array(await blob.arrayBuffer())).toEqual(data);
  });

  it('a new checkpoint replaces the old one only after it is complete: the old chunks go', async () => {
    const first = await write('m1', 10, bytesOf(5000, 1));
    const second = await write('m1', 20, bytesOf(7000, 2));
    expect(second.checkpoint.id).not.toBe(first.checkpoint.id);
    expect((await getModelCheckpoint(db, 'm1')).checkpoint.step).toBe(20);
    expect(await readAll('m1')).toEqual(bytesOf(7000, 2));
    expect(await chunkIds()).toEqual([second.checkpoint.id]);
    expect(await db.get('checkpoints', first.checkpoint.id)).toBeUndefined();
  });

  it('a write that fails half way leaves the previous checkpoint as it was, and no chunk of the failed one', async () => {
    const first = await write('m1', 10, bytesOf(CHUNK + 100, 1));
    await expect(
      writeCheckpoint(db, {
        model: summary('m1', 20),
        step: 20,
        chunkBytes: CHUNK,
        write: async (w) => {
          await w.write(bytesOf(CHUNK + 50, 3)); // one whole chunk is stored…
          throw new Error('the tab went away');
        },
      }),
    ).rejects.toThrow('the tab went away');
    const { model, checkpoint } = await getModelCheckpoint(db, 'm1');
    expect(model.step).toBe(10);
    expect(checkpoint.id).toBe(first.checkpoint.id);
    expect(await readAll('m1')).toEqual(bytesOf(CHUNK + 100, 1));
    expect(await chunkIds()).toEqual([first.checkpoint.id]);
  });

  it('a quota error keeps the previous checkpoint, with a message that says what happened', async () => {
    await write('m1', 10, bytesOf(3000, 1));
    checkpointFaults.failChunkWrites = 1;
    const err = await write('m1', 20, bytesOf(3000, 2)).catch((e: unknown) => e);
    expect((err as DOMException).name).toBe('QuotaExceededError');
    expect(describeWriteError(err)).toMatch(/storage is full \(quota exceeded\)/);
    expect(checkpointFaults.failChunkWrites).toBe(0);
    expect((await getModelCheckpoint(db, 'm1')).checkpoint.step).toBe(10);
    expect(await readAll('m1')).toEqual(bytesOf(3000, 1));
    expect((await db.getAll('checkpoints')).length).toBe(1);
  });

  it('a corrupted chunk is detected when read', async () => {
    const { checkpoint } = await write('m1', 10, bytesOf(3000, 1));
    const key = ((await db.getAllKeys('checkpointChunks')) as string[])[0]!;
    const chunk = (await db.get('checkpointChunks', key))!;
    chunk.bytes[17] ^= 1;
    await db.put('checkpointChunks', chunk);
    await expect(checkpointSource(db, checkpoint).read(0, 10)).rejects.toThrow(/chunk 0 is corrupt \(CRC mismatch\)/);
  });

  it('cleanup removes chunks a closed tab left (no record) and records no model points at; keeps the rest', async () => {
    const kept = await write('m1', 10, bytesOf(3000, 1));
    await db.put('checkpointChunks', { key: 'ckpt-dead/000000', checkpointId: 'ckpt-dead', index: 0, bytes: bytesOf(10, 9) });
    await db.put('checkpoints', { ...kept.checkpoint, id: 'ckpt-unreferenced', modelId: 'gone' });
    expect(await cleanCheckpoints(db)).toBe(2);
    expect(await chunkIds()).toEqual([kept.checkpoint.id]);
    expect((await db.getAll('checkpoints')).map((c) => c.id)).toEqual([kept.checkpoint.id]);
    expect(await readAll('m1')).toEqual(bytesOf(3000, 1));
  });

  it('lists newest first, renames, and deletes a model with its checkpoint', async () => {
    await write('old', 5, bytesOf(100, 1));
    await write('new', 9, bytesOf(100, 2));
    expect((await listModelRecords(db)).map((m) => m.id)).toEqual(['new', 'old']);
    await renameModelRecord(db, 'old', '  my model  ');
    expect((await db.get('models', 'old'))!.name).toBe('my model');
    await expect(renameModelRecord(db, 'old', '   ')).rejects.toThrow('A model needs a name');
    await deleteModelRecord(db, 'old');
    expect((await listModelRecords(db)).map((m) => m.id)).toEqual(['new']);
    expect((await db.getAll('checkpoints')).length).toBe(1);
    expect((await chunkIds()).length).toBe(1);
  });
});
