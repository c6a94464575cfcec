// Streaming tar reader (POSIX ustar + pax extended headers + GNU long names and
// base-256 sizes), for WebDataset shards. Reference: POSIX.1-2001 "pax" format and
// the GNU tar manual, "Basic Tar Format". Works on a ReadableStream so that a
// multi-gigabyte shard is never held in memory: only the current member is.
// Header fields are parsed in tarHeader.ts, the stream read in exact amounts by
// streamByteReader.ts; a gzip-compressed Blob is opened with openMaybeGzip.ts.

import { ImportError } from '../import/types';
import { ByteReader, concat } from './streamByteReader';
import { BLOCK, checksumOk, field, hasMagic, isZeroBlock, latin1, numberField, padding, parsePax } from './tarHeader';

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

/** How far past the end-of-archive marker to read (tar pads to 10 KiB records by default). */
const DRAIN_LIMIT = 1 << 20;
/** Largest pax / GNU long-name record accepted: real ones hold a few names and numbers. */
const MAX_META_BYTES = 1 << 20;

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
