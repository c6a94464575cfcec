import { collectImport } from './helpers/collectImport';
import { concat } from './helpers/bytes';
import { describe, expect, test } from 'vitest';
import { TAR_END, tarFileParts } from '../src/data/formats/tarWriter';
import { webdatasetName, webdatasetRole } from '../src/data/formats/webdataset';
import { importWebDataset } from '../src/data/import/webdatasetImporter';
import { pngHeader } from './helpers/bytes';

const enc = new TextEncoder();


type Member = [string, Uint8Array | string];
const tarOf = (members: Member[]): Uint8Array =>
  concat([...members.flatMap(([n, b]) => tarFileParts(n, typeof b === 'string' ? enc.encode(b) : b)), TAR_END]);

async function gzip(bytes: Uint8Array): Promise<Uint8Array> {
  const s = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new CompressionStream('gzip'));
  return new Uint8Array(await new Response(s).arrayBuffer());
}

const file = (bytes: Uint8Array, name: string): File => new File([bytes as Uint8Array<ArrayBuffer>], name);

const run = (files: File[], maxMemberBytes?: number) => collectImport(importWebDataset(files, { maxMemberBytes }));

describe('WebDataset names', () => {
  test('key = path up to the first dot of the basename; extension lower-cased', () => {
    expect(webdatasetName('000123.jpg')).toEqual({ key: '000123', ext: 'jpg' });
    expect(webdatasetName('./part.1/000123.seg.PNG')).toEqual({ key: 'part.1/000123', ext: 'seg.png' });
    expect(webdatasetName('dir/README')).toEqual({ key: 'dir/README', ext: '' });
    expect(webdatasetRole('a/x.JPEG')).toBe('image');
    expect(webdatasetRole('x.txt')).toBe('caption');
    expect(webdatasetRole('x.json')).toBe('meta');
    expect(webdatasetRole('x.cls')).toBeNull();
    expect(webdatasetRole('x.seg.png')).toBeNull();
    expect(webdatasetRole('._x.jpg')).toBeNull(); // macOS resource fork
  });
});

describe('importWebDataset', () => {
  test('pairs from a plain and a gzipped shard, with metadata and progress', async () => {
    const a = tarOf([
      ['000000.jpg', pngHeader(10, 20)],
      ['000000.txt', 'A  red\nsquare'],
      ['000000.json', '{"url":"http://x/0.jpg","similarity":0.31}'],
      ['000001.png', pngHeader(4, 3)],
      ['000001.txt', 'a blue cafe\u0301'],
    ]);
    const b = await gzip(tarOf([['sub/000002.webp', riffWebp()], ['sub/000002.txt', 'green circle']]));
    const { events, pairs, skips } = await run([file(a, 'a.tar'), file(b, 'b.tar.gz')]);
    expect(skips).toEqual([]);
    expect(pairs.map((p) => p.key)).toEqual(['000000', '000001', 'sub/000002']);
    expect(pairs[0]).toMatchObject({
      source: 'a.tar: 000000.jpg',
      captions: ['A red square'],
      meta: { url: 'http://x/0.jpg', similarity: 0.31 },
    });
    expect(pairs[0].image).toEqual(pngHeader(10, 20));
    expect(pairs[1].captions).toEqual(['a blue caf\u00e9']);
    expect(pairs[1].meta).toBeUndefined();
    expect(pairs[2].source).toBe('b.tar.gz: sub/000002.webp');

    const progress = events.flatMap((e) => (e.kind === 'progress' ? [e] : []));
    const total = a.length + b.length;
    expect(progress.every((p) => p.bytesTotal === total)).toBe(true);
    for (let i = 1; i < progress.length; i++) expect(progress[i].bytesRead).toBeGreaterThanOrEqual(progress[i - 1].bytesRead);
    expect(progress.at(-1)!.bytesRead).toBe(total);
  });

  test('every skip case', async () => {
    const tar = tarOf([
      ['nocap.jpg', pngHeader(4, 3)], // image without caption
      ['noimg.txt', 'lonely caption'], // caption without image
      ['emptyimg.jpg', new Uint8Array(0)],
      ['emptyimg.txt', 'x'],
      ['emptycap.jpg', pngHeader(4, 3)],
      ['emptycap.txt', ''],
      ['latin1.jpg', pngHeader(4, 3)],
      ['latin1.txt', new Uint8Array([0x63, 0x61, 0x66, 0xe9])],
      ['blank.jpg', pngHeader(4, 3)],
      ['blank.txt', ' \n\t\u00a0 '],
      ['notimg.jpg', 'this is not a jpeg'],
      ['notimg.txt', 'caption'],
      ['badjson.jpg', pngHeader(4, 3)],
      ['badjson.txt', 'kept anyway'],
      ['badjson.json', '{"url": '],
      ['ok.jpg', pngHeader(4, 3)],
      ['ok.cls', '3'], // unrecognised member inside a sample: skipped alone
      ['ok.txt', 'fine'],
    ]);
    const { pairs, skips } = await run([file(tar, 's.tar')]);
    expect(pairs.map((p) => p.key)).toEqual(['badjson', 'ok']);
    expect(pairs[0].meta).toBeUndefined();
    const byFile = Object.fromEntries(skips.map((s) => [s.file, s.reason]));
    expect(byFile).toMatchObject({
      's.tar: nocap': 'no caption (nocap.txt missing)',
      's.tar: noimg': 'caption without an image',
      's.tar: emptyimg': 'empty file (emptyimg.jpg)',
      's.tar: emptycap': 'empty file (emptycap.txt)',
      's.tar: latin1': 'caption is not valid UTF-8',
      's.tar: blank': 'empty caption (only whitespace)',
      's.tar: notimg': 'not an image (unrecognised bytes)',
      's.tar: ok': 'unrecognised member ok.cls',
    });
    expect(byFile['s.tar: badjson']).toMatch(/^metadata badjson\.json is not valid JSON, ignored \(pair kept\)/);
    expect(skips).toHaveLength(9);
  });

  test('duplicate keys: non-consecutive in one shard, and across shards', async () => {
    const one = tarOf([
      ['a.jpg', pngHeader(4, 3)],
      ['b.jpg', pngHeader(4, 3)],
      ['b.txt', 'bee'],
      ['a.txt', 'late caption for a'],
    ]);
    const two = tarOf([
      ['b.jpg', pngHeader(4, 3)],
      ['b.txt', 'bee again'],
      ['c.jpg', pngHeader(4, 3)],
      ['c.txt', 'sea'],
    ]);
    const { pairs, skips } = await run([file(one, '1.tar'), file(two, '2.tar')]);
    expect(pairs.map((p) => `${p.key}:${p.captions[0]}`)).toEqual(['b:bee', 'c:sea']);
    expect(skips).toEqual([
      { file: '1.tar: a', reason: 'no caption (a.txt missing)' },
      { file: '1.tar: a', reason: 'duplicate key' },
      { file: '2.tar: b', reason: 'duplicate key' },
    ]);
  });

  test('hidden macOS members do not split a sample', async () => {
    const tar = tarOf([
      ['./._0001.jpg', 'resource fork'],
      ['./0001.jpg', pngHeader(4, 3)],
      ['./._0001.txt', 'resource fork'],
      ['./0001.txt', 'caption'],
    ]);
    const { pairs, skips } = await run([file(tar, 'mac.tar')]);
    expect(pairs.map((p) => p.key)).toEqual(['0001']);
    expect(skips.map((s) => s.reason)).toEqual(['unrecognised member ./._0001.jpg', 'unrecognised member ./._0001.txt']);
  });

  test('a truncated shard keeps its good pairs, is skipped with the reason, and the next shard is read', async () => {
    const full = tarOf([
      ['0.jpg', pngHeader(4, 4, 600)],
      ['0.txt', 'zero'],
      ['1.jpg', pngHeader(4, 4, 600)],
      ['1.txt', 'one'],
      ['2.jpg', pngHeader(4, 4, 600)],
      ['2.txt', 'two'],
    ]);
    // 0.jpg: 512 + 1024, 0.txt: 1024, 1.jpg: 1536, 1.txt: header + 100 of its 512-byte block
    const cut = full.slice(0, 1536 + 1024 + 1536 + 512 + 2);
    const next = tarOf([['n.jpg', pngHeader(4, 3)], ['n.txt', 'next shard']]);
    const { pairs, skips } = await run([file(cut, 'cut.tar'), file(next, 'next.tar')]);
    expect(pairs.map((p) => p.key)).toEqual(['0', 'n']);
    expect(skips).toEqual([{ file: 'cut.tar', reason: 'truncated archive: member 1.txt ends after 2 of 3 bytes' }]);
  });

  test('a complete sample cut off only in its metadata is kept', async () => {
    const full = tarOf([['0.jpg', pngHeader(4, 3)], ['0.txt', 'zero'], ['0.json', '{"a": 1, "padding": "' + 'x'.repeat(900) + '"}']]);
    const cut = full.slice(0, 1024 + 1024 + 512 + 100);
    const { pairs, skips } = await run([file(cut, 'c.tar')]);
    expect(pairs.map((p) => p.key)).toEqual(['0']);
    expect(skips[0].reason).toMatch(/^truncated archive: member 0\.json ends after 100 of/);
  });

  test('corrupt gzip and non-tar shards are skipped; the import goes on', async () => {
    const good = tarOf([['k.jpg', pngHeader(4, 3)], ['k.txt', 'kay']]);
    const gz = await gzip(tarOf([['b.jpg', pngHeader(4, 3)], ['b.txt', 'bee']]));
    const truncatedGz = gz.slice(0, gz.length - 10); // only the gzip trailer is lost: b's data came through
    const { pairs, skips } = await run([
      file(truncatedGz, 'bad.tar.gz'),
      file(enc.encode('hello world '.repeat(100)), 'text.tar'),
      file(new Uint8Array(0), 'empty.tar'),
      file(good, 'good.tar'),
    ]);
    expect(pairs.map((p) => p.source)).toEqual(['bad.tar.gz: b.jpg', 'good.tar: k.jpg']);
    expect(skips[0].file).toBe('bad.tar.gz');
    expect(skips[0].reason).toMatch(/^corrupt or truncated gzip data: /);
    expect(skips[1]).toEqual({ file: 'text.tar', reason: 'not a tar archive' });
    expect(skips[2]).toEqual({ file: 'empty.tar', reason: 'no files in the archive (empty)' });
  });

  test('unrecognised members are not buffered (skipData), yet reported', async () => {
    const big = new Uint8Array(3_000_000);
    const tar = tarOf([['v.mp4', big], ['v.jpg', pngHeader(4, 3)], ['v.txt', 'video frame']]);
    const { pairs, skips } = await run([file(tar, 'v.tar')]);
    expect(pairs.map((p) => p.key)).toEqual(['v']);
    expect(skips).toEqual([{ file: 'v.tar: v', reason: 'unrecognised member v.mp4' }]);
  });
});

test('members over the size limit are read past and reported', async () => {
  const tar = tarOf([
    ['big.jpg', pngHeader(4, 4, 5000)],
    ['big.txt', 'too big'],
    ['m.jpg', pngHeader(4, 3)],
    ['m.txt', 'kept'],
    ['m.json', `{"x": "${'y'.repeat(5000)}"}`],
  ]);
  const { pairs, skips } = await run([file(tar, 'l.tar')], 4096);
  expect(pairs.map((p) => [p.key, p.meta])).toEqual([['m', undefined]]);
  expect(skips).toEqual([
    { file: 'l.tar: big', reason: 'file too large (big.jpg: 5033 bytes)' },
    { file: 'l.tar: m', reason: 'metadata m.json too large (5009 bytes), ignored (pair kept)' },
  ]);
});

function riffWebp(): Uint8Array {
  // RIFF....WEBPVP8X with a 64×32 canvas
  const b = new Uint8Array(30);
  b.set(enc.encode('RIFF'), 0);
  new DataView(b.buffer).setUint32(4, 22, true);
  b.set(enc.encode('WEBPVP8X'), 8);
  new DataView(b.buffer).setUint32(16, 10, true);
  b.set([63, 0, 0, 31, 0, 0], 24);
  return b;
}

describe('captions listed in key.json', () => {
  test('key.json {"captions": [...]} adds every caption (deduplicated, normalised) after key.txt', async () => {
    const tar = tarOf([
      ['a.png', pngHeader(4, 3)],
      ['a.txt', 'a red  square'],
      ['a.json', JSON.stringify({ captions: ['a red square', 'a crimson block', 7, '  '] })],
    ]);
    const { pairs, skips } = await run([file(tar, 'shard.tar')]);
    expect(skips).toEqual([]);
    expect(pairs.map((p) => p.captions)).toEqual([['a red square', 'a crimson block']]);
  });
});
