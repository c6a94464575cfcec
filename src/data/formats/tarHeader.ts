// Tar header blocks, field by field (POSIX ustar, GNU base-256 numbers, pax extended header
// records), for the streaming reader in tarReader.ts. Offsets: name 0..99, size 124..135,
// checksum 148..155, type 156, magic 257..262, ustar prefix 345..499; a block is 512 bytes.
import { ImportError } from '../import/types';

export const BLOCK = 512;

/** Bytes as Latin-1 text (magic, octal digits, pax lengths). */
export const latin1 = (b: Uint8Array): string => String.fromCharCode(...b);
const utf8 = new TextDecoder('utf-8'); // lenient: names are labels, not data

/** NUL-terminated string field. */
export function field(h: Uint8Array, off: number, len: number): string {
  let end = off;
  while (end < off + len && h[end] !== 0) end++;
  return utf8.decode(h.subarray(off, end));
}

/** Numeric field: octal ASCII (space/NUL padded) or GNU base-256 (high bit of first byte set). */
export function numberField(h: Uint8Array, off: number, len: number): number | null {
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

export function isZeroBlock(h: Uint8Array): boolean {
  for (let i = 0; i < h.length; i++) if (h[i] !== 0) return false;
  return true;
}

/** Checksum: unsigned (POSIX) or signed (old implementations) sum with the checksum field as spaces. */
export function checksumOk(h: Uint8Array): boolean {
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

export function hasMagic(h: Uint8Array): boolean {
  return latin1(h.subarray(257, 262)) === 'ustar';
}

/** Parses pax extended header records: "%d %s=%s\n". */
export function parsePax(data: Uint8Array, fileName: string, offset: number): Map<string, string> {
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

/** Zero bytes after a member's data, up to the next block boundary. */
export const padding = (size: number): number => (BLOCK - (size % BLOCK)) % BLOCK;
