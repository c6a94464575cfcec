// safetensors reader / writer (the Hugging Face tensor file format), with no tfjs and no DOM
// dependency beyond Blob, so it runs in Node, on the main thread and in a Web Worker.
//
// The format, in short: the first 8 bytes hold n, the header length, as a little-endian u64.
// The next n bytes are a UTF-8 JSON object with one member per tensor,
//   "name": {"dtype": "F32", "shape": [2, 3], "data_offsets": [begin, end]}
// plus an optional "__metadata__" member that maps strings to strings. Everything after the
// header is the data buffer; each tensor's [begin, end) is relative to its start, its bytes are
// little-endian in row-major order, and end − begin = prod(shape) × sizeof(dtype) (shape [] is a
// scalar, one element; a 0 in the shape means no bytes). The tensors must tile the data buffer
// exactly: in bounds, no overlaps, no holes, nothing left over. Writers pad the JSON with
// spaces so that 8 + n is a multiple of 8. Headers over 100 MB are refused (as the reference
// implementation does), so a stray file is never read whole just to find it is not JSON.
//
// Length: about 380 lines, over the ~300 aimed at, because each refusal has its own message, the
// duplicate-key scanner is hand-written, and the F16 / BF16 conversions are spelled out bit by bit.
//
// Choices beyond the format text: a repeated JSON key at any depth is refused (JSON.parse would
// silently keep the last), unknown extra fields inside a tensor entry are ignored, and zero-size
// tensors must sit on a boundary between tensors like any other.

/** The element types this module reads and writes (safetensors' dtype strings). */
export type SafetensorsDtype = 'F64' | 'F32' | 'F16' | 'BF16' | 'I64' | 'I32' | 'I16' | 'I8' | 'U8' | 'BOOL';
/** Every supported dtype, widest float first. */
export const SAFETENSORS_DTYPES: readonly SafetensorsDtype[] = Object.freeze(['F64', 'F32', 'F16', 'BF16', 'I64', 'I32', 'I16', 'I8', 'U8', 'BOOL'] as const);
/** Bytes per element of each dtype. */
export const DTYPE_BYTES: Record<SafetensorsDtype, number> = { F64: 8, F32: 4, F16: 2, BF16: 2, I64: 8, I32: 4, I16: 2, I8: 1, U8: 1, BOOL: 1 };

/** One tensor of a file; begin / end are byte offsets relative to the start of the data buffer. */
export interface TensorEntry { name: string; dtype: SafetensorsDtype; shape: number[]; begin: number; end: number }
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

const MAX_HEADER = 100_000_000;
const DTYPE_SET: ReadonlySet<string> = new Set(SAFETENSORS_DTYPES);
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }); // a BOM stays and then fails JSON.parse
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isCount = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;
const show = (v: unknown): string => { const s = JSON.stringify(v) ?? String(v); return s.length > 60 ? `${s.slice(0, 57)}...` : s };
const q = (name: string): string => JSON.stringify(name);
const elementCount = (shape: readonly number[]): number => shape.reduce((a, d) => a * d, 1);

async function readExact(src: ByteSource, begin: number, end: number, fileName: string): Promise<Uint8Array> {
  let b: Uint8Array;
  try { b = await src.read(begin, end) } catch (e) { throw new SafetensorsError(fileName, `could not read bytes ${begin}..${end} (${e instanceof Error ? e.message : String(e)})`) }
  if (b.length !== end - begin) throw new SafetensorsError(fileName, `short read: asked for ${end - begin} bytes at ${begin}, got ${b.length}`);
  return b;
}

/**
 * The first repeated key of any object in valid JSON text, with the chain of keys above it, or null.
 * Keys are compared after unescaping ("a\"b" and "a\u0022b" are the same key). Meant for text that
 * JSON.parse has accepted; on other text it may answer wrongly or throw, but it never hangs.
 */
export function findDuplicateKey(text: string): { path: string[]; key: string } | null {
  const stack: { keys: Set<string> | null; name: string }[] = []; // keys is null for arrays
  let expectKey = false;
  let lastKey = '';
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) { // '"': find the closing quote, stepping over escapes
      let j = i + 1;
      while (j < text.length && text.charCodeAt(j) !== 0x22) j += text.charCodeAt(j) === 0x5c ? 2 : 1;
      if (expectKey) {
        const raw = text.slice(i + 1, j);
        const key: string = raw.includes('\\') ? JSON.parse(text.slice(i, j + 1)) : raw;
        const top = stack[stack.length - 1].keys!;
        if (top.has(key)) return { path: stack.slice(1).map((f) => f.name), key };
        top.add(key);
        lastKey = key;
        expectKey = false;
      }
      i = j;
    } else if (c === 0x7b) { stack.push({ keys: new Set(), name: lastKey }); expectKey = true } // '{'
    else if (c === 0x5b) stack.push({ keys: null, name: lastKey }); // '['
    else if (c === 0x7d || c === 0x5d) stack.pop(); // '}' ']'
    else if (c === 0x2c) expectKey = stack[stack.length - 1].keys !== null; // ','
  }
  return null;
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

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
/** Reverses each k-byte group in place (only needed on a big-endian host). */
function swapBytes(b: Uint8Array, k: number): Uint8Array {
  if (!LITTLE_ENDIAN && k > 1) for (let i = 0; i < b.length; i += k) b.subarray(i, i + k).reverse();
  return b;
}
/** An aligned, host-endian copy of little-endian bytes. */
function alignedCopy(bytes: Uint8Array, k: number): ArrayBuffer {
  const copy = new Uint8Array(bytes.length); // not bytes.slice(): a Node Buffer's slice is a view
  copy.set(bytes);
  swapBytes(copy, k);
  return copy.buffer;
}
let f16Table: Float32Array | null = null;

/**
 * Decode to a typed array of the natural JS type: F64→Float64Array, F32/F16/BF16→Float32Array,
 * I64→BigInt64Array, I32→Int32Array, I16→Int16Array, I8→Int8Array, U8/BOOL→Uint8Array.
 * Works on unaligned input; the result never shares memory with bytes.
 */
export function decodeTensor(dtype: SafetensorsDtype, bytes: Uint8Array): Float64Array | Float32Array | BigInt64Array | Int32Array | Int16Array | Int8Array | Uint8Array {
  if (!DTYPE_SET.has(dtype)) throw new Error(`decodeTensor: unknown dtype ${show(dtype)}`);
  const k = DTYPE_BYTES[dtype];
  if (bytes.length % k !== 0) throw new RangeError(`decodeTensor: ${bytes.length} bytes is not a whole number of ${dtype} elements`);
  const count = bytes.length / k;
  switch (dtype) {
    case 'F64': return new Float64Array(alignedCopy(bytes, 8));
    case 'F32': return new Float32Array(alignedCopy(bytes, 4));
    case 'I64': return new BigInt64Array(alignedCopy(bytes, 8));
    case 'I32': return new Int32Array(alignedCopy(bytes, 4));
    case 'I16': return new Int16Array(alignedCopy(bytes, 2));
    case 'I8': return new Int8Array(alignedCopy(bytes, 1));
    case 'U8': case 'BOOL': return new Uint8Array(alignedCopy(bytes, 1));
    case 'F16': {
      if (!f16Table) { f16Table = new Float32Array(65536); for (let h = 0; h < 65536; h++) f16Table[h] = float16BitsToFloat32(h) }
      const out = new Float32Array(count);
      for (let i = 0; i < count; i++) out[i] = f16Table[bytes[2 * i] | (bytes[2 * i + 1] << 8)];
      return out;
    }
    case 'BF16': {
      const out = new Float32Array(count);
      const u = new Uint32Array(out.buffer);
      for (let i = 0; i < count; i++) u[i] = (bytes[2 * i] | (bytes[2 * i + 1] << 8)) << 16;
      return out;
    }
  }
}

/** Any float dtype (F64/F32/F16/BF16) → Float32Array (F64 rounded to nearest); throws for the integer dtypes. */
export function decodeFloat32(dtype: SafetensorsDtype, bytes: Uint8Array): Float32Array {
  if (dtype === 'F64') return Float32Array.from(decodeTensor(dtype, bytes) as Float64Array);
  if (dtype === 'F32' || dtype === 'F16' || dtype === 'BF16') return decodeTensor(dtype, bytes) as Float32Array;
  throw new Error(`decodeFloat32: ${dtype} is not a float dtype`);
}

const INT_RANGE: Partial<Record<SafetensorsDtype, [number, number]>> = { I32: [-(2 ** 31), 2 ** 31 - 1], I16: [-32768, 32767], I8: [-128, 127], U8: [0, 255], BOOL: [0, 1] };
const INT_ARRAY = { I32: Int32Array, I16: Int16Array, I8: Int8Array, U8: Uint8Array, BOOL: Uint8Array } as const;

/**
 * Little-endian bytes of values in the given dtype (F16 / BF16 with round-to-nearest-even, NaN/Inf
 * preserved). Integer dtypes need integers in range (else RangeError, no silent wrap); BOOL takes 0 / 1.
 */
export function encodeTensor(dtype: SafetensorsDtype, values: ArrayLike<number> | BigInt64Array): Uint8Array {
  const n = values.length;
  const num = (i: number): number => Number(values[i]);
  const bytesOf = (a: ArrayBufferView, k: number) => swapBytes(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), k);
  switch (dtype) {
    case 'F64': { const a = new Float64Array(n); for (let i = 0; i < n; i++) a[i] = num(i); return bytesOf(a, 8) }
    case 'F32': { const a = new Float32Array(n); for (let i = 0; i < n; i++) a[i] = num(i); return bytesOf(a, 4) }
    case 'F16': case 'BF16': {
      const conv = dtype === 'F16' ? float32ToFloat16Bits : float32ToBfloat16Bits;
      const out = new Uint8Array(2 * n);
      for (let i = 0; i < n; i++) { const h = conv(num(i)); out[2 * i] = h & 0xff; out[2 * i + 1] = h >>> 8 }
      return out;
    }
    case 'I64': {
      const a = new BigInt64Array(n);
      for (let i = 0; i < n; i++) {
        const v = values[i];
        const b = typeof v === 'bigint' ? v : Number.isInteger(v) ? BigInt(v) : null;
        if (b === null || b !== BigInt.asIntN(64, b)) throw new RangeError(`encodeTensor: value ${String(v)} at index ${i} is not an I64`);
        a[i] = b;
      }
      return bytesOf(a, 8);
    }
    default: {
      if (!DTYPE_SET.has(dtype)) throw new Error(`encodeTensor: unknown dtype ${show(dtype)}`);
      const [lo, hi] = INT_RANGE[dtype]!;
      const a = new INT_ARRAY[dtype](n);
      for (let i = 0; i < n; i++) {
        const v = num(i);
        if (!Number.isInteger(v) || v < lo || v > hi) throw new RangeError(`encodeTensor: value ${String(values[i])} at index ${i} is not a ${dtype}`);
        a[i] = v;
      }
      return bytesOf(a, DTYPE_BYTES[dtype]);
    }
  }
}

/** What planSafetensors needs to know about one tensor. */
export interface TensorSpec { name: string; dtype: SafetensorsDtype; shape: number[] }

/**
 * Lays out a file: header bytes (8-byte length + JSON padded with spaces to a multiple of 8), each
 * tensor's offsets in the given order, and the total file size. Validates names (non-empty, unique,
 * not "__metadata__"), dtypes, shapes, and that metadata values are strings. Throws Error.
 */
export function planSafetensors(tensors: readonly TensorSpec[], metadata?: Record<string, string>): { header: Uint8Array; entries: TensorEntry[]; dataStart: number; totalBytes: number } {
  const fail = (reason: string): never => { throw new Error(`planSafetensors: ${reason}`) };
  const parts: string[] = [];
  if (metadata !== undefined) {
    if (!isObject(metadata)) fail('metadata is not an object');
    for (const [k, v] of Object.entries(metadata)) if (typeof v !== 'string') fail(`metadata value of ${q(k)} is not a string`);
    parts.push(`"__metadata__":${JSON.stringify(metadata)}`);
  }
  const seen = new Set<string>();
  const entries: TensorEntry[] = [];
  let offset = 0;
  for (const { name, dtype, shape } of tensors) {
    if (typeof name !== 'string' || name === '') fail('a tensor name is empty');
    if (name === '__metadata__') fail('"__metadata__" is not allowed as a tensor name');
    if (seen.has(name)) fail(`duplicate tensor name ${q(name)}`);
    seen.add(name);
    if (!DTYPE_SET.has(dtype)) fail(`tensor ${q(name)}: unknown dtype ${show(dtype)}`);
    if (!Array.isArray(shape) || !shape.every(isCount)) fail(`tensor ${q(name)}: shape ${show(shape)} is not an array of non-negative integers`);
    const end = offset + elementCount(shape) * DTYPE_BYTES[dtype];
    if (!Number.isSafeInteger(end)) fail(`tensor ${q(name)}: too large`);
    entries.push({ name, dtype, shape: [...shape], begin: offset, end });
    parts.push(`${q(name)}:{"dtype":"${dtype}","shape":${JSON.stringify(shape)},"data_offsets":[${offset},${end}]}`);
    offset = end;
  }
  const json = new TextEncoder().encode(`{${parts.join(',')}}`);
  const n = Math.ceil((8 + json.length) / 8) * 8 - 8;
  if (n > MAX_HEADER) fail(`header of ${n} bytes is over the 100 MB limit`);
  const header = new Uint8Array(8 + n).fill(0x20, 8 + json.length);
  new DataView(header.buffer).setBigUint64(0, BigInt(n), true);
  header.set(json, 8);
  return { header, entries, dataStart: 8 + n, totalBytes: 8 + n + offset };
}

/** Whole file in memory (tests, small files). data[i] is tensors[i]'s encoded bytes (a Uint8Array, taken as is) or its values. */
export function writeSafetensors(tensors: readonly (TensorSpec & { data: Uint8Array | ArrayLike<number> | BigInt64Array })[], metadata?: Record<string, string>): Uint8Array {
  const plan = planSafetensors(tensors, metadata);
  const out = new Uint8Array(plan.totalBytes);
  out.set(plan.header);
  tensors.forEach((t, i) => {
    const bytes = t.data instanceof Uint8Array ? t.data : encodeTensor(t.dtype, t.data);
    const { begin, end } = plan.entries[i];
    if (bytes.length !== end - begin) throw new Error(`writeSafetensors: tensor ${q(t.name)} has ${bytes.length} bytes of data, shape ${show(t.shape)} of ${t.dtype} needs ${end - begin}`);
    out.set(bytes, plan.dataStart + begin);
  });
  return out;
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** IEEE binary16 bits of x (x rounded to float32 first, then to nearest even; NaN stays a quiet NaN). */
export function float32ToFloat16Bits(x: number): number {
  f32[0] = x;
  const b = u32[0];
  const sign = (b >>> 16) & 0x8000;
  const exp = (b >>> 23) & 0xff;
  const mant = b & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 | (mant >>> 13) : 0); // 0x200: a NaN never turns into Inf
  const e = exp - 112; // rebias 127 → 15
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) { // subnormal half (or zero): value / 2^-24, rounded
    if (e < -10) return sign; // below 2^-25: rounds to ±0
    const m = mant | 0x800000;
    const shift = 14 - e;
    const half = m >>> shift;
    const rem = m & ((1 << shift) - 1);
    const mid = 1 << (shift - 1);
    return sign | (half + (rem > mid || (rem === mid && half & 1) ? 1 : 0));
  }
  const half = (e << 10) | (mant >>> 13);
  const rem = mant & 0x1fff;
  return sign | (half + (rem > 0x1000 || (rem === 0x1000 && half & 1) ? 1 : 0)); // a carry may reach Inf, as it should
}

/** The value of IEEE binary16 bits h. */
export function float16BitsToFloat32(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >>> 10) & 0x1f;
  const m = h & 0x3ff;
  if (e === 0) return s * m * 2 ** -24;
  if (e === 0x1f) return m ? NaN : s * Infinity;
  return s * (1 + m / 1024) * 2 ** (e - 15);
}

/** bfloat16 bits of x (the top half of its float32 bits, rounded to nearest even; NaN stays a quiet NaN). */
export function float32ToBfloat16Bits(x: number): number {
  f32[0] = x;
  const b = u32[0];
  if ((b & 0x7fffffff) > 0x7f800000) return (b >>> 16) | 0x40; // NaN: set the quiet bit so it cannot truncate to Inf
  return (b + 0x7fff + ((b >>> 16) & 1)) >>> 16; // < 2^32 for every non-NaN b
}

/** The value of bfloat16 bits h. */
export function bfloat16BitsToFloat32(h: number): number {
  u32[0] = (h & 0xffff) << 16;
  return f32[0];
}
