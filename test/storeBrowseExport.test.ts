import { describe, expect, it } from 'vitest';
import { browseDataset, locate, type BrowseIO } from '../src/data/store/browse';
import { ExportKeys, buildWebDatasetTar, type ExportPair } from '../src/data/store/exportTar';
import { ShardPacker } from '../src/data/store/shardPacker';
import { textOf, type DatasetManifest, type ShardRecord, type Split } from '../src/data/store/types';
import { importWebDataset } from '../src/data/import/webdatasetImporter';
import { readTar } from '../src/data/formats/tarReader';
import type { ImportEvent } from '../src/data/import/types';
import { exportFileName, summaryOf } from '../src/worker/dataSession';

const S = 2;
const PX = S * S * 3;

function dataset(train: number, val: number, shardSize = 4): { manifest: DatasetManifest; shards: Map<string, ShardRecord> } {
  const packer = new ShardPacker('ds', S, shardSize);
  const shards = new Map<string, ShardRecord>();
  const put = (s: ShardRecord | null) => s && shards.set(`${s.split}/${s.index}`, s);
  for (let n = 0; n < train; n++) put(packer.add('train', `t${n}`, new Uint8Array(PX).fill(n), [`Train caption ${n}`, n % 2 ? 'an ODD one' : 'even']));
  for (let n = 0; n < val; n++) put(packer.add('val', `v${n}`, new Uint8Array(PX).fill(100 + n), [`val caption ${n}`]));
  packer.flush().forEach(put);
  const manifest: DatasetManifest = {
    id: 'ds',
    name: 'DS',
    source: 'caption-file',
    schemaVersion: 2,
    createdAt: '2025-01-01T00:00:00.000Z',
    spec: { kind: 'stored', id: 'ds' },
    imageSize: S,
    shardSize,
    splits: packer.splits(),
    bytes: packer.bytes,
    tokenizer: null,
    classes: [],
    promptTemplates: [],
    complete: true,
  };
  return { manifest, shards };
}

function io(shards: Map<string, ShardRecord>) {
  const reads = { text: 0, shard: 0 };
  const api: BrowseIO = {
    readText: async (split: Split, i: number) => {
      reads.text++;
      return textOf(shards.get(`${split}/${i}`)!);
    },
    readShard: async (split: Split, i: number) => {
      reads.shard++;
      return shards.get(`${split}/${i}`)!;
    },
  };
  return { api, reads };
}

describe('browse', () => {
  it('locates pairs arithmetically, train then val', () => {
    const { manifest } = dataset(10, 3);
    expect(locate(manifest, 0)).toEqual({ split: 'train', shard: 0, i: 0 });
    expect(locate(manifest, 9)).toEqual({ split: 'train', shard: 2, i: 1 });
    expect(locate(manifest, 10)).toEqual({ split: 'val', shard: 0, i: 0 });
    expect(locate(manifest, 12)).toEqual({ split: 'val', shard: 0, i: 2 });
  });

  it('pages without a query, reading only the shards on the page and no text', async () => {
    const { manifest, shards } = dataset(10, 3);
    const { api, reads } = io(shards);
    const { items, total } = await browseDataset(manifest, '', 7, 5, api);
    expect(total).toBe(13);
    expect(items.map((i) => i.key)).toEqual(['t7', 't8', 't9', 'v0', 'v1']);
    expect(items.map((i) => i.split)).toEqual(['train', 'train', 'train', 'val', 'val']);
    expect(items[0].image).toEqual(new Uint8Array(PX).fill(7));
    expect(items[0].image.buffer).not.toBe(shards.get('train/1')!.images.buffer); // own buffer: transferable
    expect(items[0].size).toBe(S);
    expect(items[3].captions).toEqual(['val caption 0']);
    expect(reads).toEqual({ text: 0, shard: 3 }); // train/1, train/2, val/0
    expect((await browseDataset(manifest, '', 20, 5, api)).items).toEqual([]);
  });

  it('searches captions case-insensitively, counting every match', async () => {
    const { manifest, shards } = dataset(10, 3);
    const { api, reads } = io(shards);
    const odd = await browseDataset(manifest, '  odd ', 0, 3, api);
    expect(odd.total).toBe(5);
    expect(odd.items.map((i) => i.key)).toEqual(['t1', 't3', 't5']);
    expect(reads.text).toBe(4); // 3 train + 1 val shard texts
    const page2 = await browseDataset(manifest, 'ODD', 3, 3, api);
    expect(page2.items.map((i) => i.key)).toEqual(['t7', 't9']);
    const val = await browseDataset(manifest, 'VAL CAPTION', 1, 10, api);
    expect(val.total).toBe(3);
    expect(val.items.map((i) => i.key)).toEqual(['v1', 'v2']);
    expect((await browseDataset(manifest, 'zebra', 0, 10, api)).total).toBe(0);
  });
});

describe('summaries and export names', () => {
  it('summarises a manifest', () => {
    const { manifest } = dataset(10, 3);
    expect(summaryOf(manifest)).toEqual({
      id: 'ds',
      name: 'DS',
      source: 'caption-file',
      createdAt: '2025-01-01T00:00:00.000Z',
      imageSize: S,
      originals: null,
      trainPairs: 10,
      valPairs: 3,
      bytes: manifest.bytes,
      hasClasses: false,
    });
    expect(summaryOf({ ...manifest, originals: { kind: 'original' } }).originals).toEqual({ kind: 'original' });
  });

  it('file names', () => {
    expect(exportFileName('My data')).toBe('My data.tar');
    expect(exportFileName('a/b:c*?')).toBe('a_b_c_.tar');
    expect(exportFileName('   ')).toBe('dataset.tar');
  });

  it('export keys are WebDataset-safe and unique', () => {
    const k = new ExportKeys();
    expect(k.map('000123')).toBe('000123');
    expect(k.map('images/dog.jpg')).toBe('images/dog_jpg');
    expect(k.map('images/dog.jpg')).toBe('images/dog_jpg_2');
    expect(k.map('images/dog_jpg')).toBe('images/dog_jpg_3');
    expect(k.map('./a/../b c.png')).toBe('a/b_c_png');
    expect(k.map('/')).toBe('sample');
    expect(k.map('x'.repeat(300)).length).toBe(160);
  });
});

/** A PNG header the importers' sniffer accepts (the decoder is not involved here). */
function fakePng(n: number): Uint8Array {
  const b = new Uint8Array(40);
  b.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
  b[19] = S;
  b[23] = S;
  b[30] = n;
  return b;
}

describe('export → WebDataset import round trip', () => {
  it('writes key.png, key.txt (first caption) and key.json, readable by the WebDataset importer', async () => {
    const pairs: ExportPair[] = [
      { key: 'a/001', split: 'train', rgb: new Uint8Array(PX).fill(1), size: S, captions: ['first caption', 'second caption'] },
      { key: 'photo.jpg', split: 'val', rgb: new Uint8Array(PX).fill(2), size: S, captions: ['ünïcode caption'] },
    ];
    async function* gen() {
      yield* pairs;
    }
    let encoded = 0;
    const blob = await buildWebDatasetTar(gen(), async (rgb) => {
      encoded++;
      return fakePng(rgb[0]);
    });
    expect(encoded).toBe(2);
    expect(blob.size % 512).toBe(0);
    const file = new File([blob], 'export.tar');
    const got: ImportEvent[] = [];
    for await (const e of importWebDataset([file])) got.push(e);
    const skips = got.filter((e) => e.kind === 'skip');
    expect(skips).toEqual([]);
    const imported = got.flatMap((e) => (e.kind === 'pair' ? [e.pair] : []));
    expect(imported.map((p) => p.key)).toEqual(['a/001', 'photo_jpg']);
    expect(imported[0].image[30]).toBe(1);
    expect(imported[0].meta).toEqual({ captions: ['first caption', 'second caption'], key: 'a/001', split: 'train' });
    expect(imported[1].captions).toEqual(['ünïcode caption']);
    // The importer takes the .txt caption; all captions travel in the .json (see the report).
    expect(imported[0].captions[0]).toBe('first caption');
  });

  it('writes a kept image as it is, with its format\'s extension, and encodes no PNG for it', async () => {
    const jpeg = Uint8Array.of(0xff, 0xd8, 0xff, 0xe0, 7, 7, 7);
    async function* gen(): AsyncGenerator<ExportPair> {
      yield { key: 'cat', split: 'train', rgb: new Uint8Array(PX), size: S, kept: { bytes: jpeg, format: 'jpeg', width: 640, height: 480 }, captions: ['a cat'] };
      yield { key: 'dog', split: 'val', rgb: new Uint8Array(PX), size: S, kept: { bytes: fakePng(3), format: 'png', width: S, height: S }, captions: ['a dog'] };
    }
    const blob = await buildWebDatasetTar(gen(), async () => {
      throw new Error('no PNG should be encoded');
    });
    const names: string[] = [];
    const images: Uint8Array[] = [];
    for await (const e of readTar(blob.stream(), 'x.tar')) {
      names.push(e.name);
      if (!e.name.endsWith('.txt') && !e.name.endsWith('.json')) images.push(e.bytes);
    }
    expect(names).toEqual(['cat.jpg', 'cat.txt', 'cat.json', 'dog.png', 'dog.txt', 'dog.json']);
    expect([...images[0]!]).toEqual([...jpeg]);
    expect(images[1]![30]).toBe(3);
  });
});
