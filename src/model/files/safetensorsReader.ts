// safetensors reader: validates a file's header (see safetensorsFormat.ts for the format) reading
// only its first 8 + n bytes, then reads single tensors' bytes on demand, from memory or a Blob.
// Each refusal is a SafetensorsError with its own message.
//
// Choices beyond the format text: a repeated JSON key at any depth is refused (JSON.parse would
// silently keep the last), unknown extra fields inside a tensor entry are ignored, and zero-size
// tensors must sit on a boundary between tensors like any other.
import { findDuplicateKey } from './jsonDuplicateKey';
import { DTYPE_BYTES, DTYPE_SET, MAX_HEADER, elementCount, isCount, isObject, q, show, type SafetensorsDtype, type TensorEntry } from './safetensorsFormat';

/** A parsed and validated header. */
export interface SafetensorsHeader {
  /** n, the JSON byte length (padding included). */
  headerLength: number;
  /** Absolute file offset of the data buffer (8 + n). */
  dataStart: number;
  /** Sorted by begin. */
  tensors: TensorEntry[];
  byName: Map<string, TensorEntry>;
  metadata: Record<string, string> | null;
  fileSize: number;
  /** The name given to readSafetensorsHeader, for later error messages. */
  fileName: string;
}

/** A refused file. message is `${fileName}: ${reason}`. */
export class SafetensorsError extends Error {
  readonly fileName: string;
  readonly reason: string;
  constructor(fileName: string, reason: string) {
    super(`${fileName}: ${reason}`);
    this.name = 'SafetensorsError';
    this.fileName = fileName;
    this.reason = reason;
  }
}

/** Random access to a file's bytes: read(begin, end) resolves to exactly end − begin bytes. */
export interface ByteSource { readonly size: number; read(begin: number, end: number): Promise<Uint8Array> }

function checkRange(size: number, begin: number, end: number): void {
  if (!(Number.isSafeInteger(begin) && Number.isSafeInteger(end) && 0 <= begin && begin <= end && end <= size)) {
    throw new RangeError(`read(${begin}, ${end}) outside 0..${size}`);
  }
}
/** A ByteSource over bytes in memory; reads are views (no copy). */
export function bytesSource(bytes: Uint8Array): ByteSource {
  return { size: bytes.length, read: async (b, e) => (checkRange(bytes.length, b, e), bytes.subarray(b, e)) };
}
/** A ByteSource over a Blob / File; each read is one blob.slice(b, e).arrayBuffer(). */
export function blobSource(blob: Blob): ByteSource {
  return { size: blob.size, read: async (b, e) => (checkRange(blob.size, b, e), new Uint8Array(await blob.slice(b, e).arrayBuffer())) };
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }); // a BOM stays and then fails JSON.parse

async function readExact(src: ByteSource, begin: number, end: number, fileName: string): Promise<Uint8Array> {
  let b: Uint8Array;
  try { b = await src.read(begin, end) } catch (e) { throw new SafetensorsError(fileName, `could not read bytes ${begin}..${end} (${e instanceof Error ? e.message : String(e)})`) }
  if (b.length !== end - begin) throw new SafetensorsError(fileName, `short read: asked for ${end - begin} bytes at ${begin}, got ${b.length}`);
  return b;
}

/** Reads and validates the header (only the first 8 + n bytes are read). Throws SafetensorsError. */
export async function readSafetensorsHeader(src: ByteSource, fileName: string): Promise<SafetensorsHeader> {
  const fail = (reason: string): never => { throw new SafetensorsError(fileName, reason) };
  const size = src.size;
  if (size < 8) fail(`not a safetensors file (${size} bytes, too short for the 8-byte header length)`);
  const lenBytes = await readExact(src, 0, 8, fileName);
  const n64 = new DataView(lenBytes.buffer, lenBytes.byteOffset, 8).getBigUint64(0, true);
  const n = Number(n64);
  if (n === 0) fail('not a safetensors file (header length is 0)');
  if (n > MAX_HEADER) fail(`not a safetensors file (header length ${n64} is over the 100 MB limit)`);
  if (8 + n > size) fail(`not a safetensors file (header length ${n} runs past the end of the ${size}-byte file)`);
  let text = '';
  try { text = utf8.decode(await readExact(src, 8, 8 + n, fileName)) } catch (e) { if (e instanceof SafetensorsError) throw e; fail('not a safetensors file (header is not valid UTF-8)') }
  let root: unknown;
  try { root = JSON.parse(text) } catch (e) { fail(`header is not JSON (${e instanceof Error ? e.message : String(e)})`) }
  if (!isObject(root)) fail(`header JSON is not an object (got ${show(root)})`);
  const obj = root as Record<string, unknown>;
  const dup = findDuplicateKey(text);
  if (dup) {
    if (dup.path.length === 0) fail(dup.key === '__metadata__' ? 'duplicate "__metadata__"' : `duplicate tensor name ${q(dup.key)}`);
    fail(`${dup.path[0] === '__metadata__' ? '__metadata__' : `tensor ${q(dup.path[0])}`}: duplicate key ${q(dup.key)}`);
  }
  const dataSize = size - 8 - n;
  let metadata: Record<string, string> | null = null;
  const tensors: TensorEntry[] = [];
  for (const [name, v] of Object.entries(obj)) {
    if (name === '__metadata__') {
      if (!isObject(v)) fail(`__metadata__ is not an object (got ${show(v)})`);
      for (const [k, s] of Object.entries(v as object)) if (typeof s !== 'string') fail(`__metadata__: value of ${q(k)} is not a string (got ${show(s)})`);
      metadata = v as Record<string, string>;
      continue;
    }
    const t = `tensor ${q(name)}`;
    if (!isObject(v)) fail(`${t}: entry is not an object (got ${show(v)})`);
    const e = v as Record<string, unknown>;
    for (const key of ['dtype', 'shape', 'data_offsets']) if (!(key in e)) fail(`${t}: missing "${key}"`);
    const { dtype, shape, data_offsets: off } = e;
    if (typeof dtype !== 'string' || !DTYPE_SET.has(dtype)) fail(`${t}: unknown dtype ${show(dtype)}`);
    if (!Array.isArray(shape) || !shape.every(isCount)) fail(`${t}: shape ${show(shape)} is not an array of non-negative integers`);
    if (!Array.isArray(off) || off.length !== 2 || !isCount(off[0]) || !isCount(off[1]) || off[0] > off[1]) {
      fail(`${t}: data_offsets ${show(off)} are not two non-negative integers with begin ≤ end`);
    }
    const [begin, end] = off as [number, number];
    const need = elementCount(shape as number[]) * DTYPE_BYTES[dtype as SafetensorsDtype];
    if (end - begin !== need) fail(`${t}: data_offsets [${begin}, ${end}] span ${end - begin} bytes but shape ${show(shape)} of ${dtype} needs ${need}`);
    if (end > dataSize) fail(`${t}: data_offsets [${begin}, ${end}] run past the end of the data (${dataSize} bytes)`);
    tensors.push({ name, dtype: dtype as SafetensorsDtype, shape: shape as number[], begin, end });
  }
  tensors.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let cursor = 0;
  let prev: TensorEntry | null = null;
  for (const t of tensors) {
    if (t.begin < cursor) fail(`tensors ${q(prev!.name)} and ${q(t.name)} overlap (data_offsets [${prev!.begin}, ${prev!.end}] and [${t.begin}, ${t.end}])`);
    if (t.begin > cursor) fail(`gap of ${t.begin - cursor} bytes in the data before tensor ${q(t.name)} (at offset ${cursor})`);
    cursor = t.end;
    prev = t;
  }
  if (cursor < dataSize) fail(`${dataSize - cursor} bytes at the end of the data belong to no tensor`);
  return { headerLength: n, dataStart: 8 + n, tensors, byName: new Map(tensors.map((t) => [t.name, t])), metadata, fileSize: size, fileName };
}

/** The raw little-endian bytes of one tensor (a copy or a view; caller must not assume alignment). */
export async function readTensorBytes(src: ByteSource, header: SafetensorsHeader, entry: TensorEntry): Promise<Uint8Array> {
  if (!(0 <= entry.begin && entry.begin <= entry.end && header.dataStart + entry.end <= header.fileSize)) {
    throw new RangeError(`${header.fileName}: tensor ${q(entry.name)} [${entry.begin}, ${entry.end}] is outside the data`);
  }
  return readExact(src, header.dataStart + entry.begin, header.dataStart + entry.end, header.fileName);
}
