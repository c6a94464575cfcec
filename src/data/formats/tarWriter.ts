// Tar writer for exporting WebDataset shards: the caller builds a Blob from parts
// (tarFileParts for each member, then TAR_END), so nothing is copied into one big
// buffer. POSIX ustar headers; a pax extended header ('x') carries names that do
// not fit the 100-byte name field or are not ASCII, and sizes of 8 GiB or more.

const BLOCK = 512;
const encoder = new TextEncoder();

function putString(h: Uint8Array, off: number, len: number, s: string): void {
  const b = encoder.encode(s);
  h.set(b.subarray(0, len), off);
}

/** Octal, zero-padded to len-1 digits, NUL-terminated. */
function putOctal(h: Uint8Array, off: number, len: number, v: number): void {
  putString(h, off, len, `${v.toString(8).padStart(len - 1, '0')}\0`);
}

function ustarHeader(name: string, size: number, mtime: number, type: string): Uint8Array {
  const h = new Uint8Array(BLOCK);
  putString(h, 0, 100, name);
  putOctal(h, 100, 8, type === '5' ? 0o755 : 0o644);
  putOctal(h, 108, 8, 0); // uid
  putOctal(h, 116, 8, 0); // gid
  putOctal(h, 124, 12, size);
  putOctal(h, 136, 12, mtime);
  h[156] = type.charCodeAt(0);
  putString(h, 257, 6, 'ustar\0');
  putString(h, 263, 2, '00');
  h.fill(0x20, 148, 156); // checksum is computed with its own field as spaces
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += h[i];
  putString(h, 148, 8, `${sum.toString(8).padStart(6, '0')}\0 `);
  return h;
}

/** One pax record "%d key=value\n", where %d counts the whole record in bytes. */
function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  const bodyLen = encoder.encode(body).length;
  let len = bodyLen + 1;
  while (String(len).length + bodyLen !== len) len = String(len).length + bodyLen;
  return `${len}${body}`;
}

const MAX_OCTAL_SIZE = 0o77777777777; // 11 octal digits: 8 GiB - 1

/** An ASCII stand-in for the ustar name field when the real name lives in a pax header. */
function fallbackName(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]/g, '_');
  return ascii.length <= 100 ? ascii : ascii.slice(ascii.length - 100);
}

/**
 * Header block(s) for a regular file: one ustar block, preceded by a pax extended
 * header when the name is longer than 100 bytes or not printable ASCII, or the size
 * needs more than 11 octal digits. mtime is in seconds since the epoch (default 0,
 * so exports are byte-for-byte reproducible).
 */
export function tarHeader(name: string, size: number, mtime = 0): Uint8Array {
  if (!Number.isSafeInteger(size) || size < 0) throw new RangeError(`tarHeader: bad size ${size}`);
  const t = Math.max(0, Math.floor(mtime));
  const nameFits = encoder.encode(name).length <= 100 && /^[\x20-\x7e]*$/.test(name);
  const sizeFits = size <= MAX_OCTAL_SIZE;
  if (nameFits && sizeFits) return ustarHeader(name, size, t, '0');

  let records = '';
  if (!nameFits) records += paxRecord('path', name);
  if (!sizeFits) records += paxRecord('size', String(size));
  const paxData = encoder.encode(records);
  const short = fallbackName(name);
  const paxName = `PaxHeader/${short}`.slice(0, 100);
  const out = new Uint8Array(BLOCK + paddedLength(paxData.length) + BLOCK);
  out.set(ustarHeader(paxName, paxData.length, t, 'x'), 0);
  out.set(paxData, BLOCK);
  out.set(ustarHeader(short, sizeFits ? size : 0, t, '0'), BLOCK + paddedLength(paxData.length));
  return out;
}

const paddedLength = (n: number): number => Math.ceil(n / BLOCK) * BLOCK;

/** Header, data and zero padding to the next 512-byte boundary for one member. */
export function tarFileParts(name: string, bytes: Uint8Array, mtime = 0): Uint8Array[] {
  const parts = [tarHeader(name, bytes.length, mtime), bytes];
  const pad = paddedLength(bytes.length) - bytes.length;
  if (pad > 0) parts.push(new Uint8Array(pad));
  return parts;
}

/** End-of-archive marker: two zero blocks. Shared; do not write into it. */
export const TAR_END: Uint8Array = new Uint8Array(2 * BLOCK);
