import { concat } from './helpers/bytes';
import { describe, expect, test } from 'vitest';
import { openMaybeGzip } from '../src/data/formats/openMaybeGzip';
import { readTar, type TarEntry } from '../src/data/formats/tarReader';
import { TAR_END, tarFileParts, tarHeader } from '../src/data/formats/tarWriter';
import { ImportError } from '../src/data/import/types';

const enc = new TextEncoder();


/** A stream delivering the bytes in chunks of `chunk` bytes (to cross header boundaries). */
function streamOf(bytes: Uint8Array, chunk = 100): ReadableStream<Uint8Array> {
  let o = 0;
  return new ReadableStream<Uint8Array>({
    pull(c) {
      if (o >= bytes.length) c.close();
      else {
        c.enqueue(bytes.slice(o, o + chunk));
        o += chunk;
      }
    },
  });
}

function makeTar(members: [string, Uint8Array][], end = true): Uint8Array {
  return concat([...members.flatMap(([n, b]) => tarFileParts(n, b)), ...(end ? [TAR_END] : [])]);
}

async function readAll(stream: ReadableStream<Uint8Array>, name = 'a.tar'): Promise<TarEntry[]> {
  const out: TarEntry[] = [];
  for await (const e of readTar(stream, name)) out.push(e);
  return out;
}

/** Members read before the error, and the error. */
async function readUntilError(
  stream: ReadableStream<Uint8Array>,
  name = 'a.tar',
): Promise<{ names: string[]; error: ImportError }> {
  const names: string[] = [];
  try {
    for await (const e of readTar(stream, name)) names.push(e.name);
  } catch (e) {
    expect(e).toBeInstanceOf(ImportError);
    return { names, error: e as ImportError };
  }
  throw new Error('expected an ImportError');
}

async function gzip(bytes: Uint8Array): Promise<Uint8Array> {
  const s = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new CompressionStream('gzip'));
  return new Uint8Array(await new Response(s).arrayBuffer());
}

const blobOf = (bytes: Uint8Array, name: string): File => new File([bytes as Uint8Array<ArrayBuffer>], name);

function bytesOf(n: number, seed = 1): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = (i * 31 + seed * 7) & 0xff;
  return b;
}

/** Writes the header checksum after editing a header block in place. */
function fixChecksum(h: Uint8Array, off = 0): void {
  h.fill(0x20, off + 148, off + 156);
  let sum = 0;
  for (let i = 0; i < 512; i++) sum += h[off + i];
  h.set(enc.encode(`${sum.toString(8).padStart(6, '0')}\0 `), off + 148);
}

describe('tar writer + reader round trip', () => {
  test('members come back byte for byte, across chunk boundaries', async () => {
    const members: [string, Uint8Array][] = [
      ['000001.jpg', bytesOf(1000)],
      ['000001.txt', enc.encode('a red square')],
      ['empty.bin', new Uint8Array(0)],
      ['exact.bin', bytesOf(512, 3)],
      ['dir/sub/000002.png', bytesOf(70_000, 5)],
    ];
    for (const chunk of [1, 100, 512, 4096, 1 << 20]) {
      const got = await readAll(streamOf(makeTar(members), chunk));
      expect(got.map((e) => e.name)).toEqual(members.map((m) => m[0]));
      got.forEach((e, i) => {
        expect(e.bytes).toEqual(members[i][1]);
        expect(e.size).toBe(members[i][1].length);
      });
    }
  });

  test('long and non-ASCII names go through a pax header', async () => {
    const long = `${'very-long-directory-name/'.repeat(8)}000123.jpg`;
    expect(long.length).toBeGreaterThan(100);
    const unicode = 'bilder/café-ß-日本.txt';
    const h = tarHeader(long, 10);
    expect(h.length).toBeGreaterThan(512);
    expect(h[156]).toBe('x'.charCodeAt(0)); // pax extended header first
    expect(tarHeader('short.txt', 10).length).toBe(512);
    const got = await readAll(
      streamOf(makeTar([[long, bytesOf(10)], [unicode, enc.encode('x')], ['after.txt', enc.encode('y')]]), 77),
    );
    expect(got.map((e) => e.name)).toEqual([long, unicode, 'after.txt']);
    expect(got[0].bytes).toEqual(bytesOf(10));
  });

  test('a name exactly 100 bytes long fits the ustar field', async () => {
    const name = `${'a'.repeat(96)}.txt`;
    expect(tarHeader(name, 1).length).toBe(512);
    expect((await readAll(streamOf(makeTar([[name, enc.encode('z')]]))))[0].name).toBe(name);
  });

  test('header fields: octal size, checksum, ustar magic, mtime', () => {
    const h = tarHeader('x.txt', 1234, 1_700_000_000);
    const text = (o: number, n: number): string => new TextDecoder().decode(h.subarray(o, o + n));
    expect(text(124, 12)).toBe(`${(1234).toString(8).padStart(11, '0')}\0`);
    expect(text(136, 12)).toBe(`${(1_700_000_000).toString(8).padStart(11, '0')}\0`);
    expect(text(257, 6)).toBe('ustar\0');
    const copy = h.slice();
    copy.fill(0x20, 148, 156);
    expect(parseInt(text(148, 6), 8)).toBe(copy.reduce((s, b) => s + b, 0));
  });

  test('tarFileParts pads to 512 bytes and TAR_END is two zero blocks', () => {
    const parts = tarFileParts('a.bin', bytesOf(700));
    expect(parts.reduce((s, p) => s + p.length, 0)).toBe(512 + 1024);
    expect(tarFileParts('b.bin', bytesOf(1024)).length).toBe(2); // no padding part needed
    expect(TAR_END.length).toBe(1024);
    expect(TAR_END.every((b) => b === 0)).toBe(true);
  });
});

describe('tar reader: other producers', () => {
  test('GNU long name (L record) and a directory entry', async () => {
    const long = `${'d'.repeat(150)}/file.txt`;
    // GNU: a '././@LongLink' member of type 'L' holding the name, then the real header.
    const nameBytes = enc.encode(`${long}\0`);
    const lHeader = tarHeader('././@LongLink', nameBytes.length);
    lHeader[156] = 'L'.charCodeAt(0);
    fixChecksum(lHeader);
    const lPad = new Uint8Array((512 - (nameBytes.length % 512)) % 512);
    const realHeader = tarHeader(long.slice(0, 100), 3);
    const dir = tarHeader('somedir/', 0);
    dir[156] = '5'.charCodeAt(0);
    fixChecksum(dir);
    const symlink = tarHeader('link.txt', 0);
    symlink[156] = '2'.charCodeAt(0);
    fixChecksum(symlink);
    const tar = concat([dir, lHeader, nameBytes, lPad, realHeader, enc.encode('abc'), new Uint8Array(509), symlink, TAR_END]);
    const got = await readAll(streamOf(tar, 333));
    expect(got.map((e) => e.name)).toEqual([long]);
    expect(new TextDecoder().decode(got[0].bytes)).toBe('abc');
  });

  test('GNU base-256 size field', async () => {
    const h = tarHeader('big.bin', 0);
    h.fill(0, 124, 136);
    h[124] = 0x80;
    h[134] = 0x02; // 0x0258 = 600
    h[135] = 0x58;
    fixChecksum(h);
    const data = bytesOf(600);
    const tar = concat([h, data, new Uint8Array(1024 - 600), TAR_END]);
    const got = await readAll(streamOf(tar));
    expect(got[0].size).toBe(600);
    expect(got[0].bytes).toEqual(data);
  });

  test('ustar prefix field is joined to the name', async () => {
    const h = tarHeader('file.txt', 1);
    h.set(enc.encode('some/prefix'), 345);
    fixChecksum(h);
    const got = await readAll(streamOf(concat([h, enc.encode('q'), new Uint8Array(511), TAR_END])));
    expect(got[0].name).toBe('some/prefix/file.txt');
  });

  test('clean end of stream without the end-of-archive marker, and an empty stream', async () => {
    const got = await readAll(streamOf(makeTar([['a.txt', enc.encode('1')]], false)));
    expect(got.map((e) => e.name)).toEqual(['a.txt']);
    expect(await readAll(streamOf(new Uint8Array(0)))).toEqual([]);
  });

  test('skipData reads past a member without keeping it', async () => {
    const tar = makeTar([
      ['a.mp4', bytesOf(5000)],
      ['a.txt', enc.encode('kept')],
    ]);
    const got: TarEntry[] = [];
    for await (const e of readTar(streamOf(tar), 'a.tar', { skipData: (n) => n.endsWith('.mp4') })) got.push(e);
    expect(got[0]).toMatchObject({ name: 'a.mp4', size: 5000, skipped: true });
    expect(got[0].bytes.length).toBe(0);
    expect(new TextDecoder().decode(got[1].bytes)).toBe('kept');
  });
});

describe('tar reader: damage', () => {
  const members: [string, Uint8Array][] = [
    ['000001.jpg', bytesOf(1000)],
    ['000001.txt', enc.encode('first')],
    ['000002.jpg', bytesOf(2000)],
  ];

  test('cut in the middle of a member', async () => {
    const tar = makeTar(members);
    const cut = 512 + 1024 + 512 + 512 + 512 + 700; // 700 bytes into 000002.jpg's data
    const { names, error } = await readUntilError(streamOf(tar.slice(0, cut)), 'shard.tar');
    expect(names).toEqual(['000001.jpg', '000001.txt']);
    expect(error.file).toBe('shard.tar');
    expect(error.reason).toBe('truncated archive: member 000002.jpg ends after 700 of 2000 bytes');
  });

  test('cut in the middle of a header', async () => {
    const tar = makeTar(members);
    const cut = 512 + 1024 + 512 + 512 + 200; // 200 bytes into 000002.jpg's header
    const { names, error } = await readUntilError(streamOf(tar.slice(0, cut)));
    expect(names).toEqual(['000001.jpg', '000001.txt']);
    expect(error.reason).toBe(`truncated archive: header at byte offset ${cut - 200} ends after 200 of 512 bytes`);
  });

  test('checksum mismatch', async () => {
    const tar = makeTar(members);
    const second = 512 + 1024;
    tar[second + 10] ^= 0x01; // flip a bit in 000001.txt's name
    const { names, error } = await readUntilError(streamOf(tar));
    expect(names).toEqual(['000001.jpg']);
    expect(error.reason).toBe(`corrupt tar header at byte offset ${second} (checksum mismatch)`);
  });

  test('not a tar archive', async () => {
    const junk = enc.encode('this is just some text, not an archive at all. '.repeat(20));
    expect((await readUntilError(streamOf(junk))).error.reason).toBe('not a tar archive');
    expect((await readUntilError(streamOf(enc.encode('tiny')))).error.reason).toMatch(/^not a tar archive/);
  });

  test('a cut inside the padding after the last member loses nothing', async () => {
    const tar = makeTar([['a.txt', enc.encode('hello')]], false);
    const got = await readAll(streamOf(tar.slice(0, 512 + 100)));
    expect(got.map((e) => e.name)).toEqual(['a.txt']);
  });
});

describe('tar reader: streaming', () => {
  test('yields the first member long before the whole archive has been read', async () => {
    const members: [string, Uint8Array][] = Array.from({ length: 50 }, (_, i) => [`${i}.bin`, bytesOf(100_000, i)]);
    const tar = makeTar(members);
    let pulled = 0;
    let o = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(c) {
        if (o >= tar.length) return c.close();
        const chunk = tar.slice(o, o + 65536);
        o += chunk.length;
        pulled += chunk.length;
        c.enqueue(chunk);
      },
    }, { highWaterMark: 0 });
    const it = readTar(stream, 'big.tar');
    const first = await it.next();
    expect(first.value?.name).toBe('0.bin');
    expect(pulled).toBeLessThan(300_000);
    await it.return(undefined); // stops reading and cancels the stream
    expect(pulled).toBeLessThan(300_000);
  });

  test('an oversized extended header is refused, not buffered', async () => {
    const h = tarHeader('././@LongLink', 5 * 2 ** 20);
    h[156] = 'L'.charCodeAt(0);
    fixChecksum(h);
    const { error } = await readUntilError(streamOf(concat([h, new Uint8Array(4096)])));
    expect(error.reason).toBe(`corrupt tar header at byte offset 0 (extended header of ${5 * 2 ** 20} bytes)`);
  });
});

describe('openMaybeGzip', () => {
  const tar = makeTar([
    ['000001.jpg', bytesOf(50_000)],
    ['000001.txt', enc.encode('a caption')],
  ]);

  test('plain and gzipped tars read the same; raw byte counts are reported', async () => {
    const gz = await gzip(tar);
    expect([gz[0], gz[1]]).toEqual([0x1f, 0x8b]);
    let raw = 0;
    const fromGz = await readAll(openMaybeGzip(blobOf(gz, 'a.tar.gz'), { onRawBytes: (n) => (raw += n) }));
    expect(raw).toBe(gz.length);
    const fromTar = await readAll(openMaybeGzip(blobOf(tar, 'a.tar')));
    expect(fromGz.map((e) => e.name)).toEqual(['000001.jpg', '000001.txt']);
    expect(fromGz).toEqual(fromTar);
  });

  test('truncated gzip is an ImportError naming the file', async () => {
    const gz = await gzip(tar);
    const { error } = await readUntilError(openMaybeGzip(blobOf(gz.slice(0, gz.length - 30), 'cut.tar.gz')), 'cut.tar.gz');
    expect(error.file).toBe('cut.tar.gz');
    expect(error.reason).toMatch(/^corrupt or truncated gzip data: /);
  });

  test('corrupt gzip is an ImportError', async () => {
    const gz = await gzip(tar);
    for (let i = 20; i < 60; i++) gz[i] ^= 0x5a;
    const { error } = await readUntilError(openMaybeGzip(blobOf(gz, 'bad.tgz')), 'bad.tgz');
    expect(error.file).toBe('bad.tgz');
    expect(error.reason).toMatch(/^corrupt or truncated gzip data: /);
  });

  test('a gzip trailer cut off after the end-of-archive marker is still reported', async () => {
    const gz = await gzip(tar);
    const { names, error } = await readUntilError(openMaybeGzip(blobOf(gz.slice(0, gz.length - 6), 'c.tgz')));
    expect(names).toEqual(['000001.jpg', '000001.txt']); // all data arrived; only the CRC/length trailer is lost
    expect(error.reason).toMatch(/^corrupt or truncated gzip data: /);
  });

  test('gzip cut on a tar header boundary is still reported (by the gzip trailer check)', async () => {
    const gz = await gzip(tar.slice(0, 512));
    const { error } = await readUntilError(openMaybeGzip(blobOf(gz.slice(0, gz.length - 4), 'b.tgz')));
    expect(error.reason).toMatch(/^corrupt or truncated gzip data: /);
  });
});
