// Streaming tar reader (POSIX ustar + pax extended headers + GNU long names and
// base-256 sizes), for WebDataset shards. Reference: POSIX.1-2001 "pax" format and
// the GNU tar manual, "Basic Tar Format". Works on a ReadableStream so that a
// multi-gigabyte shard is never held in memory: only the current member is.
// Also opens a Blob that may be gzip-compressed (.tar.gz / .tgz), sniffing the magic.

import { ImportError } from '../import/types';

export interface TarEntry {
  /** Member path as stored (pax 'path' / GNU long name applied). */
  name: string;
  /** The member's bytes; empty when `skipped`. */
  bytes: Uint8Array;
  /** Size of the member's data in bytes. */
  size: number;
  /** Set when the `skipData` option declined the data (it was read past, not kept). */
  skipped?: true;
}

export interface ReadTarOptions {
  /** Return true to read past a regular member's data without keeping it (bytes is then empty). */
  skipData?: (name: string, size: number) => boolean;
}

const BLOCK = 512;
/** How far past the end-of-archive marker to read (tar pads to 10 KiB records by default). */
const DRAIN_LIMIT = 1 << 20;
/** Largest pax / GNU long-name record accepted: real ones hold a few names and numbers. */
const MAX_META_BYTES = 1 << 20;

/** Bytes of a stream, read in exact amounts. Holds at most one pending chunk. */
class ByteReader {
  private chunk: Uint8Array = new Uint8Array(0);
  private pos = 0;
  private done = false;
  /** Bytes consumed so far (offset into the uncompressed stream). */
  offset = 0;

  constructor(
    private readonly reader: ReadableStreamDefaultReader<Uint8Array>,
    private readonly fileName: string,
  ) {}

  private async more(): Promise<boolean> {
    while (this.pos >= this.chunk.length) {
      if (this.done) return false;
      let r: ReadableStreamReadResult<Uint8Array>;
      try {
        r = await this.reader.read();
      } catch (e) {
        throw asImportError(e, this.fileName);
      }
      if (r.done) {
        this.done = true;
        return false;
      }
      this.chunk = r.value;
      this.pos = 0;
    }
    return true;
  }

  /** Reads up to n bytes (fewer only at end of stream) as a list of views. */
  async readParts(n: number, keep: boolean): Promise<{ parts: Uint8Array[]; got: number }> {
    const parts: Uint8Array[] = [];
    let got = 0;
    while (got < n && (await this.more())) {
      const take = Math.min(n - got, this.chunk.length - this.pos);
      if (keep) parts.push(this.chunk.subarray(this.pos, this.pos + take));
      this.pos += take;
      got += take;
      this.offset += take;
    }
    return { parts, got };
  }

  async read(n: number): Promise<Uint8Array> {
    const { parts, got } = await this.readParts(n, true);
    return concat(parts, got);
  }

  async skip(n: number): Promise<number> {
    return (await this.readParts(n, false)).got;
  }

  async cancel(): Promise<void> {
    try {
      await this.reader.cancel();
    } catch {
      // already errored or closed: nothing to release
    }
  }
}

function concat(parts: Uint8Array[], total: number): Uint8Array {
  if (parts.length === 1 && parts[0].length === total) return parts[0].slice();
  const out = new Uint8Array(total);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

function asImportError(e: unknown, fileName: string): ImportError {
  if (e instanceof ImportError) return e;
  const msg = e instanceof Error ? e.message : String(e);
  return new ImportError(fileName, `could not read the file: ${msg}`);
}

const latin1 = (b: Uint8Array): string => String.fromCharCode(...b);
const utf8 = new TextDecoder('utf-8'); // lenient: names are labels, not data

/** NUL-terminated string field. */
function field(h: Uint8Array, off: number, len: number): string {
  let end = off;
  while (end < off + len && h[end] !== 0) end++;
  return utf8.decode(h.subarray(off, end));
}

/** Numeric field: octal ASCII (space/NUL padded) or GNU base-256 (high bit of first byte set). */
function numberField(h: Uint8Array, off: number, len: number): number | null {
  if (h[off] & 0x80) {
    if (h[off] === 0xff) return null; // negative
    let v = h[off] & 0x7f;
    for (let i = off + 1; i < off + len; i++) v = v * 256 + h[i];
    return Number.isSafeInteger(v) ? v : null;
  }
  const s = latin1(h.subarray(off, off + len)).replace(/[\0 ]+$/, '').replace(/^[\0 ]+/, '');
  if (s === '') return 0;
  if (!/^[0-7]+$/.test(s)) return null;
  const v = parseInt(s, 8);
  return Number.isSafeInteger(v) ? v : null;
}

function isZeroBlock(h: Uint8Array): boolean {
  for (let i = 0; i < h.length; i++) if (h[i] !== 0) return false;
  return true;
}

/** Checksum: unsigned (POSIX) or signed (old implementations) sum with the checksum field as spaces. */
function checksumOk(h: Uint8Array): boolean {
  const stored = numberField(h, 148, 8);
  if (stored === null) return false;
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < BLOCK; i++) {
    const b = i >= 148 && i < 156 ? 0x20 : h[i];
    unsigned += b;
    signed += b >= 128 ? b - 256 : b;
  }
  return stored === unsigned || stored === signed;
}

function hasMagic(h: Uint8Array): boolean {
  return latin1(h.subarray(257, 262)) === 'ustar';
}

/** Parses pax extended header records: "%d %s=%s\n". */
function parsePax(data: Uint8Array, fileName: string, offset: number): Map<string, string> {
  const out = new Map<string, string>();
  let p = 0;
  while (p < data.length) {
    if (data[p] === 0) break; // padding some writers leave
    let sp = p;
    while (sp < data.length && sp - p < 20 && data[sp] !== 0x20) sp++;
    const len = parseInt(latin1(data.subarray(p, sp)), 10);
    if (!Number.isFinite(len) || len <= sp - p || p + len > data.length) {
      throw new ImportError(fileName, `corrupt pax extended header at byte offset ${offset}`);
    }
    const rec = utf8.decode(data.subarray(sp + 1, p + len - 1)); // drop trailing '\n'
    const eq = rec.indexOf('=');
    if (eq > 0) out.set(rec.slice(0, eq), rec.slice(eq + 1));
    p += len;
  }
  return out;
}

const padding = (size: number): number => (BLOCK - (size % BLOCK)) % BLOCK;

/**
 * Yields each regular-file member of a tar stream, in archive order. Directories,
 * links, devices and FIFOs are read past. Ends at the end-of-archive zero block or
 * at a clean end of stream on a header boundary. Throws ImportError(fileName, …)
 * for truncated or corrupt archives, after yielding every member before the damage.
 */
export async function* readTar(
  stream: ReadableStream<Uint8Array>,
  fileName: string,
  options: ReadTarOptions = {},
): AsyncGenerator<TarEntry> {
  const r = new ByteReader(stream.getReader(), fileName);
  let nextPax: Map<string, string> | null = null;
  let longName: string | null = null;
  let first = true;
  try {
    for (;;) {
      const headerOffset = r.offset;
      const h = await r.read(BLOCK);
      // Clean end on a header boundary (no end-of-archive marker, or an empty stream): accepted.
      if (h.length === 0) return;
      if (h.length < BLOCK) {
        if (first) throw new ImportError(fileName, `not a tar archive (only ${h.length} bytes)`);
        throw new ImportError(
          fileName,
          `truncated archive: header at byte offset ${headerOffset} ends after ${h.length} of ${BLOCK} bytes`,
        );
      }
      if (isZeroBlock(h)) {
        // End-of-archive marker. Read on through the record padding to the end of the
        // stream, so that a gzip layer checks its trailer (CRC, length) and reports a
        // corrupt or cut-off file; give up on that after DRAIN_LIMIT bytes.
        await r.skip(DRAIN_LIMIT);
        return;
      }
      if (!checksumOk(h)) {
        if (first && !hasMagic(h)) throw new ImportError(fileName, 'not a tar archive');
        throw new ImportError(fileName, `corrupt tar header at byte offset ${headerOffset} (checksum mismatch)`);
      }
      first = false;

      const type = String.fromCharCode(h[156]);
      const pax = nextPax;
      let size = numberField(h, 124, 12);
      const paxSize = pax?.get('size');
      if (paxSize !== undefined && /^\d+$/.test(paxSize)) size = Number(paxSize);
      if (size === null || !Number.isSafeInteger(size)) {
        throw new ImportError(fileName, `corrupt tar header at byte offset ${headerOffset} (bad size field)`);
      }

      let name = field(h, 0, 100);
      // POSIX ustar ("ustar\0") has a 155-byte prefix; GNU ("ustar  ") uses that area for other fields.
      if (latin1(h.subarray(257, 263)) === 'ustar\0') {
        const prefix = field(h, 345, 155);
        if (prefix) name = `${prefix}/${name}`;
      }

      // Meta records describe the next header; their data is small and read whole.
      if (type === 'x' || type === 'g' || type === 'L' || type === 'K') {
        if (size > MAX_META_BYTES) {
          throw new ImportError(
            fileName,
            `corrupt tar header at byte offset ${headerOffset} (extended header of ${size} bytes)`,
          );
        }
        const data = await r.read(size);
        if (data.length < size) {
          throw new ImportError(
            fileName,
            `truncated archive: extended header at byte offset ${headerOffset} ends after ${data.length} of ${size} bytes`,
          );
        }
        await r.skip(padding(size));
        if (type === 'x') nextPax = parsePax(data, fileName, headerOffset);
        else if (type === 'L') longName = field(data, 0, data.length);
        // 'g' (pax global header: defaults such as charset or mtime) sets nothing a
        // member name or size depends on in practice; 'K' (GNU long link name) only
        // matters for links, which are skipped.
        continue;
      }

      const memberName = longName ?? pax?.get('path') ?? name;
      nextPax = null;
      longName = null;
      // ('\0' is a regular file in pre-POSIX tars, which marked directories only by a trailing '/'.)
      const regular = type === '0' || type === '7' || (type === '\0' && !memberName.endsWith('/'));
      // Hard links, symlinks, devices, directories and FIFOs normally have no data, but
      // skip whatever size says; unknown types (GNU sparse, volume labels…) are skipped too.
      const keep = regular && !options.skipData?.(memberName, size);
      const { parts, got } = await r.readParts(size, keep);
      if (got < size) {
        throw new ImportError(fileName, `truncated archive: member ${memberName} ends after ${got} of ${size} bytes`);
      }
      await r.skip(padding(size)); // a cut inside the padding loses no data: the next read ends cleanly
      if (!regular) continue;
      if (keep) yield { name: memberName, bytes: concat(parts, size), size };
      else yield { name: memberName, bytes: new Uint8Array(0), size, skipped: true };
    }
  } finally {
    await r.cancel();
  }
}

export interface OpenOptions {
  /** Name used in error messages (defaults to the File's name). */
  fileName?: string;
  /** Called with the size of each raw (still compressed) chunk read from the blob: for progress. */
  onRawBytes?: (n: number) => void;
}

/** The same stream, reporting each chunk's size as it is read. */
function counted(
  stream: ReadableStream<Uint8Array<ArrayBuffer>>,
  onBytes: ((n: number) => void) | undefined,
): ReadableStream<Uint8Array<ArrayBuffer>> {
  if (!onBytes) return stream;
  const reader = stream.getReader();
  return new ReadableStream<Uint8Array<ArrayBuffer>>({
    async pull(controller) {
      const r = await reader.read();
      if (r.done) return controller.close();
      onBytes(r.value.length);
      controller.enqueue(r.value);
    },
    cancel: (reason) => reader.cancel(reason),
  });
}

/**
 * A stream of the blob's bytes, gunzipped if it starts with the gzip magic (1f 8b).
 * Read errors, and gzip corruption or truncation, surface as ImportError(fileName, …).
 */
export function openMaybeGzip(blob: Blob, options: OpenOptions = {}): ReadableStream<Uint8Array> {
  const fileName = options.fileName ?? ((blob as Partial<File>).name || 'archive');
  let inner: ReadableStreamDefaultReader<Uint8Array> | undefined;
  let gzip = false;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        if (!inner) {
          const head = new Uint8Array(await blob.slice(0, 2).arrayBuffer());
          gzip = head.length === 2 && head[0] === 0x1f && head[1] === 0x8b;
          const raw = counted(blob.stream(), options.onRawBytes);
          inner = (gzip ? raw.pipeThrough(new DecompressionStream('gzip')) : raw).getReader();
        }
        const r = await inner.read();
        if (r.done) controller.close();
        else controller.enqueue(r.value);
      } catch (e) {
        const msg = e instanceof Error ? e.message : String(e);
        controller.error(
          new ImportError(fileName, gzip ? `corrupt or truncated gzip data: ${msg}` : `could not read the file: ${msg}`),
        );
      }
    },
    async cancel(reason) {
      await inner?.cancel(reason).catch(() => undefined);
    },
  });
}
