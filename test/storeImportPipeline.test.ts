import { describe, expect, it } from 'vitest';
import { ImportError, type ImportEvent } from '../src/data/import/types';
import { MAX_LISTED_SKIPS, quotaMessage, runImportPipeline, type ImportPipelineDeps, type ImportSettings } from '../src/data/store/importPipeline';
import { isQuotaError } from '../src/data/store/shardStore';
import { isOriginals, shardKey, type DatasetManifest, type DatasetRecord, type OriginalsRecord, type ShardRecord } from '../src/data/store/types';
import { BpeTokenizer } from '../src/tokenizer/bpe';
import type { DataReport } from '../src/protocol/data';

const S = 4;
const settings = (over: Partial<ImportSettings> = {}): ImportSettings => ({
  jobId: 'job1',
  format: 'webdataset',
  name: 'My data',
  imageSize: S,
  valFraction: 0.1,
  vocabSize: 64,
  ...over,
});

const pair = (n: number, captions = [`a photo of thing ${n}`]): ImportEvent => ({
  kind: 'pair',
  pair: { key: `k${n}`, source: `shard.tar: k${n}.jpg`, image: Uint8Array.of(n & 255), captions },
});

async function* events(list: ImportEvent[]): AsyncGenerator<ImportEvent> {
  for (const e of list) yield e;
}

/** An in-memory stand-in for writeDataset: same contract (complete last, rollback on error). */
class MemoryStore {
  manifests = new Map<string, DatasetManifest>();
  shards = new Map<string, ShardRecord>();
  kept = new Map<string, OriginalsRecord>();
  writes = 0;
  constructor(private readonly failAt = 0) {}
  write = async (manifest: DatasetManifest, produce: () => AsyncIterable<DatasetRecord>) => {
    this.manifests.set(manifest.id, { ...manifest, complete: false });
    try {
      for await (const s of produce()) {
        if (isOriginals(s)) {
          expect(this.shards.has(shardKey(s.datasetId, s.split, s.index)), 'kept images come before their shard').toBe(false);
          this.kept.set(s.key, s);
          continue;
        }
        if (++this.writes === this.failAt) throw new DOMException('disk full', 'QuotaExceededError');
        this.shards.set(s.key, s);
      }
      this.manifests.set(manifest.id, { ...manifest, complete: true });
    } catch (e) {
      this.manifests.delete(manifest.id);
      for (const k of [...this.shards.keys()]) if (k.startsWith(`${manifest.id}/`)) this.shards.delete(k);
      throw e;
    }
  };
}

function deps(list: ImportEvent[], store: MemoryStore, over: Partial<ImportPipelineDeps> = {}) {
  const posts: DataReport[] = [];
  let t = 0;
  const d: ImportPipelineDeps = {
    datasetId: 'ds1',
    events: events(list),
    decode: async (bytes, size) => ({ rgb: new Uint8Array(size * size * 3).fill(bytes[0]), kept: { bytes, format: 'png', width: 5, height: 3 } }),
    write: store.write,
    assignSplit: (key) => (Number(key.slice(1)) % 10 === 0 ? 'val' : 'train'),
    post: (r) => posts.push(r),
    isCancelled: () => false,
    now: () => (t += 50),
    ...over,
  };
  return { d, posts };
}

describe('import pipeline', () => {
  it('packs 256-pair shards per split, trains a tokenizer and completes the manifest', async () => {
    const store = new MemoryStore();
    const list = Array.from({ length: 600 }, (_, n) => pair(n));
    const { d, posts } = deps(list, store);
    const sum = await runImportPipeline(settings(), d);
    expect(sum.error).toBeUndefined();
    expect(sum).toMatchObject({ jobId: 'job1', datasetId: 'ds1', name: 'My data', imported: 600, cancelled: false, skipped: [] });
    expect(sum.warnings).toBeUndefined();
    const m = store.manifests.get('ds1')!;
    expect(m.complete).toBe(true);
    expect(m.source).toBe('webdataset');
    expect(m.spec).toEqual({ kind: 'stored', id: 'ds1' });
    expect(m.splits).toEqual({ train: { pairs: 540, shards: 3 }, val: { pairs: 60, shards: 1 } });
    expect(m.classes).toEqual([]);
    expect(m.imageSize).toBe(S);
    expect(m.shardSize).toBe(256);
    const tok = BpeTokenizer.fromJSON(m.tokenizer as ReturnType<BpeTokenizer['toJSON']>);
    expect(tok.vocabSize).toBe(64);
    expect([...store.shards.values()].map((s) => `${s.split}/${s.index}/${s.count}`).sort()).toEqual(['train/0/256', 'train/1/256', 'train/2/28', 'val/0/60']);
    const val = store.shards.get('ds1/val/000000')!;
    expect(val.keys.every((k) => Number(k.slice(1)) % 10 === 0)).toBe(true);
    expect(val.images[0]).toBe(0); // k0 decoded with fill 0
    expect(val.images[S * S * 3]).toBe(10);
    // Every pair's kept image rides with its shard (writeDataset stores it apart), asked for at the default.
    expect(m.originals).toEqual({ kind: 'resized', shortSide: 256 });
    const valKept = [...store.kept.values()].filter((r) => r.split === 'val' && r.index === 0).flatMap((r) => r.images);
    expect(valKept.map((k) => k.bytes[0])).toEqual(val.keys.map((k) => Number(k.slice(1)) & 255));
    // Progress: throttled (~5 Hz with 50 ms per clock tick → far fewer than 600 reports), final one exact.
    const progress = posts.filter((p) => p.type === 'importProgress');
    expect(progress.length).toBeLessThan(200);
    expect(progress.at(-1)).toMatchObject({ jobId: 'job1', pairs: 600, skipped: 0 });
  });

  it('asks the decoder to keep each image as the settings say, and records it in the manifest', async () => {
    const store = new MemoryStore();
    const asked: unknown[] = [];
    const { d } = deps([pair(1), pair(2)], store, {
      decode: async (bytes, size, _file, keep) => {
        asked.push(keep);
        return { rgb: new Uint8Array(size * size * 3), kept: { bytes, format: 'jpeg', width: 1, height: 1 } };
      },
    });
    const sum = await runImportPipeline(settings({ keepImages: { kind: 'original' } }), d);
    expect(sum.imported).toBe(2);
    expect(asked).toEqual([{ kind: 'original' }, { kind: 'original' }]);
    expect(store.manifests.get('ds1')!.originals).toEqual({ kind: 'original' });
  });

  it('skips bad images, duplicates and caption-less pairs, passing importer skips through', async () => {
    const store = new MemoryStore();
    const list: ImportEvent[] = [
      pair(1),
      { kind: 'skip', skip: { file: 'shard.tar: x', reason: 'unrecognised member x.cls' } },
      pair(2),
      pair(2, ['again']),
      pair(3, []),
      pair(4),
      { kind: 'progress', bytesRead: 10, bytesTotal: 20 },
      pair(5),
    ];
    const { d, posts } = deps(list, store, {
      decode: async (bytes, size, file) => {
        if (bytes[0] === 4) throw new ImportError(file, 'image is 9000×9000, over the 64-megapixel limit');
        return { rgb: new Uint8Array(size * size * 3), kept: { bytes, format: 'jpeg', width: 1, height: 1 } };
      },
    });
    const sum = await runImportPipeline(settings(), d);
    expect(sum.imported).toBe(3);
    expect(sum.skipped).toEqual([
      { file: 'shard.tar: x', reason: 'unrecognised member x.cls' },
      { file: 'shard.tar: k2.jpg', reason: 'duplicate key "k2" (the first pair with this key was kept)' },
      { file: 'shard.tar: k3.jpg', reason: 'no caption' },
      { file: 'shard.tar: k4.jpg', reason: 'image is 9000×9000, over the 64-megapixel limit' },
    ]);
    // 3 train pairs, 0 val pairs: stored, with a warning.
    expect(sum.datasetId).toBe('ds1');
    expect(sum.warnings).toHaveLength(1);
    expect(sum.warnings![0]).toMatch(/only 0 validation pairs/);
    expect(store.manifests.get('ds1')!.notes).toEqual(sum.warnings);
    const last = posts.filter((p) => p.type === 'importProgress').at(-1)!;
    expect(last).toMatchObject({ pairs: 3, skipped: 4, bytesRead: 10, bytesTotal: 20 });
  });

  it('zero valid pairs → an error listing the skips, nothing stored', async () => {
    const store = new MemoryStore();
    const list: ImportEvent[] = [{ kind: 'skip', skip: { file: 'a.tar: notes', reason: 'caption without an image' } }, pair(1)];
    const { d } = deps(list, store, {
      decode: async (_b, _s, file) => {
        throw new ImportError(file, 'not an image (no JPEG, PNG, WebP, GIF or BMP header)');
      },
    });
    const sum = await runImportPipeline(settings(), d);
    expect(sum.datasetId).toBeNull();
    expect(sum.imported).toBe(0);
    expect(sum.error).toMatch(/^no valid pairs found \(2 skipped: a\.tar: notes: caption without an image; shard\.tar: k1\.jpg: not an image/);
    expect(sum.skipped).toHaveLength(2);
    expect(store.manifests.size).toBe(0);
    expect(store.shards.size).toBe(0);

    const empty = await runImportPipeline(settings(), deps([], new MemoryStore()).d);
    expect(empty.error).toMatch(/^no valid pairs found/);
  });

  it('a quota error rolls the import back with a message naming the pairs', async () => {
    const store = new MemoryStore(2); // the second shard write fails
    const { d } = deps(
      Array.from({ length: 700 }, (_, n) => pair(n)),
      store,
      { assignSplit: () => 'train' },
    );
    const sum = await runImportPipeline(settings(), d);
    expect(sum.datasetId).toBeNull();
    expect(sum.error).toBe(quotaMessage(512));
    expect(sum.error).toBe('Storage quota exceeded after 512 pairs: the import was rolled back; free space or import fewer files');
    expect(store.manifests.size).toBe(0);
    expect(store.shards.size).toBe(0);
  });

  it('cancellation between pairs stores nothing', async () => {
    const store = new MemoryStore();
    let decoded = 0;
    const { d } = deps(
      Array.from({ length: 600 }, (_, n) => pair(n)),
      store,
      {
        decode: async (_b, size) => {
          decoded++;
          return { rgb: new Uint8Array(size * size * 3), kept: { bytes: _b, format: 'jpeg', width: 1, height: 1 } };
        },
        isCancelled: () => decoded >= 300,
      },
    );
    const sum = await runImportPipeline(settings(), d);
    expect(sum).toMatchObject({ cancelled: true, datasetId: null });
    expect(sum.error).toBeUndefined();
    expect(decoded).toBe(300);
    expect(store.manifests.size).toBe(0);
    expect(store.shards.size).toBe(0);
  });

  it('a fatal importer error (ImportError) fails the import with its file and reason', async () => {
    const store = new MemoryStore();
    async function* failing(): AsyncGenerator<ImportEvent> {
      yield pair(1);
      throw new ImportError('captions_train2017.json', 'not valid JSON: Unexpected token');
    }
    const { d } = deps([], store, { events: failing() });
    const sum = await runImportPipeline(settings({ format: 'coco' }), d);
    expect(sum.error).toBe('captions_train2017.json: not valid JSON: Unexpected token');
    expect(store.manifests.size).toBe(0);
  });

  it('caps the listed skips but keeps the count', async () => {
    const list: ImportEvent[] = Array.from({ length: MAX_LISTED_SKIPS + 5 }, (_, n) => ({ kind: 'skip', skip: { file: `f${n}`, reason: 'bad' } }));
    list.push(pair(1), pair(10));
    const sum = await runImportPipeline(settings(), deps(list, new MemoryStore()).d);
    expect(sum.skipped).toHaveLength(MAX_LISTED_SKIPS + 1);
    expect(sum.skipped.at(-1)).toEqual({ file: '…', reason: '5 more skipped' });
  });
});

describe('isQuotaError', () => {
  it('recognises the DOMException, also wrapped', () => {
    const q = new DOMException('full', 'QuotaExceededError');
    expect(isQuotaError(q)).toBe(true);
    expect(isQuotaError(new Error('tx failed', { cause: q }))).toBe(true);
    expect(isQuotaError({ name: 'AbortError', error: q })).toBe(true);
    expect(isQuotaError(new DOMException('aborted', 'AbortError'))).toBe(false);
    expect(isQuotaError(new Error('QuotaExceededError'))).toBe(false);
    expect(isQuotaError(null)).toBe(false);
  });
});

describe('import pipeline: exact skip count and recorded splits', () => {
  it('counts every skip even when the listed skips are capped', async () => {
    const store = new MemoryStore();
    const skips: ImportEvent[] = Array.from({ length: MAX_LISTED_SKIPS + 500 }, (_, i) => ({ kind: 'skip', skip: { file: `s.tar: k${i}`, reason: 'caption without an image' } }));
    const { d } = deps([...skips, ...Array.from({ length: 12 }, (_, n) => pair(n))], store);
    const sum = await runImportPipeline(settings(), d);
    expect(sum.skippedCount).toBe(MAX_LISTED_SKIPS + 500);
    expect(sum.skipped).toHaveLength(MAX_LISTED_SKIPS + 1);
    expect(sum.skipped.at(-1)!.reason).toBe('500 more skipped');
  });

  it('a split recorded in the metadata (an export) overrides the hash split', async () => {
    const store = new MemoryStore();
    const withSplit = (n: number, split: string): ImportEvent => {
      const e = pair(n) as Extract<ImportEvent, { kind: 'pair' }>;
      return { kind: 'pair', pair: { ...e.pair, meta: { split } } };
    };
    // assignSplit would put k0 and k10 in val and the rest in train; the metadata says otherwise.
    const list = [withSplit(0, 'train'), withSplit(1, 'val'), withSplit(2, 'val'), withSplit(10, 'train'), withSplit(3, 'nonsense'), pair(4)];
    const { d } = deps(list, store);
    await runImportPipeline(settings(), d);
    const keysOf = (split: string) => [...store.shards.values()].filter((s) => s.split === split).flatMap((s) => s.keys);
    expect(keysOf('val').sort()).toEqual(['k1', 'k2']);
    expect(keysOf('train').sort()).toEqual(['k0', 'k10', 'k3', 'k4']);
  });
});
