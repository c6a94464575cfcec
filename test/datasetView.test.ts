// Kept images and dataset views (src/data/store/datasetView.ts) on an in-memory IndexedDB
// (fake-indexeddb): a version-3 database upgrades with its datasets intact; kept images are written
// with their shard, apart from it, and rolled back and deleted with it; a model of another size reads
// shards derived from the kept images (cached when that fits, decoded again when not); data with no
// kept images is read as stored.
import 'fake-indexeddb/auto';
import { openDB } from 'idb';
import { beforeAll, describe, expect, it } from 'vitest';
import { DB_NAME, openClipLabDB, type ClipLabDatabase } from '../src/data/db';
import { datasetView, keptImageAt, readSplit, viewCachePays, viewKey, type ViewDeps } from '../src/data/store/datasetView';
import { ShardPacker } from '../src/data/store/shardPacker';
import { deleteDataset, getDataset, readOriginals, readShard, writeDataset } from '../src/data/store/shardStore';
import { SCHEMA_VERSION, shardKey, type DatasetManifest, type DatasetRecord, type KeptImage, type ShardRecord } from '../src/data/store/types';

const S = 4;
const PX = S * S * 3;

function manifestOf(id: string, over: Partial<DatasetManifest> = {}): DatasetManifest {
  return {
    id,
    name: `data ${id}`,
    source: 'webdataset',
    schemaVersion: SCHEMA_VERSION,
    createdAt: '2026-12-03T00:00:00.000Z',
    spec: { kind: 'stored', id },
    imageSize: S,
    originals: { kind: 'resized', shortSide: 256 },
    shardSize: 3,
    splits: { train: { pairs: 0, shards: 0 }, val: { pairs: 0, shards: 0 } },
    bytes: 0,
    tokenizer: null,
    classes: [],
    promptTemplates: [],
    complete: false,
    ...over,
  };
}

/** A kept image whose first byte is n (the stub decoder paints it). */
const keptOf = (n: number): KeptImage => ({ bytes: Uint8Array.of(n, 1, 2, 3, 4), format: 'jpeg', width: 300, height: 200 });

/** 5 train pairs (shards of 3: 3 + 2) and 2 val pairs, each image keeping its number n. */
async function storeDataset(db: ClipLabDatabase, id: string, keep = true, failAfter = 0): Promise<DatasetManifest> {
  const m = manifestOf(id, keep ? {} : { originals: undefined });
  const packer = new ShardPacker(id, S, 3, 8); // kept images in runs of 2 (5 bytes each)
  async function* produce(): AsyncGenerator<DatasetRecord> {
    const shards: DatasetRecord[] = [];
    for (let n = 0; n < 7; n++) {
      const s = packer.add(n < 5 ? 'train' : 'val', `k${n}`, new Uint8Array(PX).fill(n), [`caption ${n}`], -1, keep ? keptOf(n) : undefined);
      shards.push(...packer.takeOriginals());
      if (s) shards.push(s);
    }
    const last = packer.flush();
    shards.push(...packer.takeOriginals(), ...last);
    m.splits = packer.splits();
    for (const [i, s] of shards.entries()) {
      if (failAfter && i >= failAfter) throw new Error('disk on fire');
      yield s;
    }
  }
  await writeDataset(db, m, produce);
  return m;
}

/** Paints size·size·3 bytes with (first byte + size): a decode whose output says what it read. */
function stubDeps(estimate: { usage: number; quota: number } | null = { usage: 0, quota: 1e9 }) {
  const calls: string[] = [];
  const deps: ViewDeps = {
    decode: async (bytes, size, file) => {
      calls.push(file);
      return new Uint8Array(size * size * 3).fill(bytes[0]! + size);
    },
    estimate: async () => estimate,
  };
  return { deps, calls };
}

let db: ClipLabDatabase;

describe('database version 4', () => {
  it('upgrades a version-3 database with its datasets and shards as they were (no kept images)', async () => {
    const old = await openDB(DB_NAME, 3, {
      upgrade(d) {
        d.createObjectStore('datasets', { keyPath: 'id' });
        d.createObjectStore('shards', { keyPath: 'key' }).createIndex('byDataset', 'datasetId');
        d.createObjectStore('settings');
        d.createObjectStore('shardText', { keyPath: 'key' }).createIndex('byDataset', 'datasetId');
        d.createObjectStore('models', { keyPath: 'id' });
        d.createObjectStore('checkpoints', { keyPath: 'id' });
        d.createObjectStore('checkpointChunks', { keyPath: 'key' }).createIndex('byCheckpoint', 'checkpointId');
      },
    });
    const { originals: _none, ...v3 } = manifestOf('old', { complete: true, splits: { train: { pairs: 1, shards: 1 }, val: { pairs: 0, shards: 0 } } });
    await old.put('datasets', v3);
    await old.put('shards', { key: shardKey('old', 'train', 0), datasetId: 'old', split: 'train', index: 0, count: 1, images: new Uint8Array(PX).fill(9), captions: [['c']], labels: Int32Array.of(-1), keys: ['k'] });
    old.close();

    db = await openClipLabDB();
    expect([...db.objectStoreNames]).toEqual(expect.arrayContaining(['originals', 'shardViews']));
    const m = (await getDataset(db, 'old'))!;
    expect(m.name).toBe('data old');
    expect(m.originals).toBeUndefined();
    expect((await readShard(db, 'old', 'train', 0)).images[0]).toBe(9);
    // Such a dataset is read as stored by a model of any size (the reader resizes it).
    const view = await datasetView(db, m, 32, stubDeps().deps);
    expect(view.pixels).toBe('stored');
    expect(view.manifest.imageSize).toBe(S);
  });
});

describe('kept images', () => {
  beforeAll(async () => {
    db ??= await openClipLabDB();
  });

  it('are written with their shard, apart from it, counted in the bytes and deleted with the dataset', async () => {
    const m = await storeDataset(db, 'kept');
    const shard = await readShard(db, 'kept', 'train', 1);
    expect(Object.keys(shard).sort()).toEqual(['captions', 'count', 'datasetId', 'images', 'index', 'key', 'keys', 'labels', 'split']); // training reads never load them
    expect(shard.keys).toEqual(['k3', 'k4']);
    const kept = (await readOriginals(db, m, 'train', 1))!;
    expect(kept.map((k) => k.bytes[0])).toEqual([3, 4]);
    expect(kept[0]).toMatchObject({ format: 'jpeg', width: 300, height: 200 });
    // 7 images of 48 bytes, 7 kept images of 5 bytes, 7 labels, 2 × captions and keys.
    const text = 7 * ('caption 0'.length + 'k0'.length);
    expect(m.bytes).toBe(7 * PX + 7 * 5 + 7 * 4 + 2 * text);

    // Runs of at most the chunk size (8 bytes here, an image is 5: two images a run), written before their shard.
    const keys = (await db.getAllKeys('originals', IDBKeyRange.bound('kept/', 'kept/\uffff'))) as string[];
    expect(keys).toEqual(['kept/train/000000#000000', 'kept/train/000000#000002', 'kept/train/000001#000000', 'kept/val/000000#000000']);

    const { deps } = stubDeps();
    await (await datasetView(db, m, 8, deps)).shard('train', 0); // cache one view shard
    expect(await db.count('shardViews')).toBe(1);
    await deleteDataset(db, 'kept');
    expect(await db.count('originals', IDBKeyRange.bound('kept/', 'kept/\uffff'))).toBe(0);
    expect(await db.count('shardViews')).toBe(0);
  });

  it('are rolled back with a write that fails', async () => {
    await expect(storeDataset(db, 'broken', true, 3)).rejects.toThrow('disk on fire');
    expect(await db.count('originals', IDBKeyRange.bound('broken/', 'broken/\uffff'))).toBe(0);
    expect(await getDataset(db, 'broken')).toBeUndefined();
    expect(await db.count('originals', IDBKeyRange.bound('broken/', 'broken/\uffff'))).toBe(0);
  });
});

describe('datasetView', () => {
  let m: DatasetManifest;
  beforeAll(async () => {
    db ??= await openClipLabDB();
    m = await storeDataset(db, 'views');
  });

  it('at the stored size reads the stored shards', async () => {
    const { deps, calls } = stubDeps();
    const view = await datasetView(db, m, S, deps);
    expect(view.pixels).toBe('stored');
    expect((await view.shard('val', 0)).images[0]).toBe(5);
    expect(calls).toEqual([]);
  });

  it('at another size derives every image from its kept image, and caches the shard when it fits', async () => {
    const { deps, calls } = stubDeps();
    const view = await datasetView(db, m, 6, deps);
    expect(view).toMatchObject({ pixels: 'kept', cached: true });
    expect(view.manifest.imageSize).toBe(6);
    expect(view.manifest.splits).toEqual(m.splits);
    const shards: ShardRecord[] = [];
    for await (const s of readSplit(view, 'train')) shards.push(s);
    expect(shards.map((s) => s.count)).toEqual([3, 2]);
    for (const s of shards) {
      expect(s.images.length).toBe(s.count * 6 * 6 * 3);
      for (let i = 0; i < s.count; i++) {
        const n = Number(s.keys[i]!.slice(1));
        expect(s.images[i * 108]).toBe(n + 6);
        expect(s.images[(i + 1) * 108 - 1]).toBe(n + 6);
      }
      expect(s.captions).toEqual(s.keys.map((k) => [`caption ${k.slice(1)}`]));
    }
    expect(calls).toEqual(['data views: k0', 'data views: k1', 'data views: k2', 'data views: k3', 'data views: k4']);
    expect(await db.get('shardViews', viewKey('views', 'train', 1, 6))).toBeDefined();
    // A second view at that size reads the cache: nothing is decoded again.
    const again = stubDeps();
    const s = await (await datasetView(db, m, 6, again.deps)).shard('train', 1);
    expect(s.images[0]).toBe(3 + 6);
    expect(again.calls).toEqual([]);
  });

  it('decodes on every read when the view does not fit in a quarter of the free space (or the quota is unknown)', async () => {
    for (const estimate of [{ usage: 0, quota: 4 * 7 * 10 * 10 * 3 - 4 }, null]) {
      const { deps, calls } = stubDeps(estimate);
      const view = await datasetView(db, m, 10, deps);
      expect(view.cached).toBe(false);
      await view.shard('val', 0);
      await view.shard('val', 0);
      expect(calls.length).toBe(4);
    }
    expect(await db.get('shardViews', viewKey('views', 'val', 0, 10))).toBeUndefined();
    expect(viewCachePays(7 * 300, { usage: 0, quota: 4 * 7 * 300 })).toBe(true);
  });

  it('keptImageAt decodes one pair alone', async () => {
    const { deps, calls } = stubDeps();
    expect((await keptImageAt(db, m, 'train', 4, 5, deps.decode))![0]).toBe(4 + 5);
    expect(calls).toEqual(['data views: train pair 4']);
    expect(await keptImageAt(db, m, 'train', 4, S, deps.decode)).toBeNull();
  });
});
