// The bytes of a ReadableStream read in exact amounts (a tar header, a member's data), for
// tarReader.ts: holds at most one pending chunk, so a large archive is never in memory whole.
// Read errors surface as ImportError(fileName, …).
import { ImportError } from '../import/types';

/** Bytes of a stream, read in exact amounts. Holds at most one pending chunk. */
export class ByteReader {
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

/** The parts as one new array of `total` bytes (a copy, even of a single part). */
export function concat(parts: Uint8Array[], total: number): Uint8Array {
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
