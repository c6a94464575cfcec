// safetensors writer: lays out a file (header bytes, each tensor's offsets) so that a caller can
// stream the tensors after it, or writes a small file whole in memory. Follows the format of
// safetensorsFormat.ts, JSON padded with spaces so that the data starts on an 8-byte boundary.
import { encodeTensor } from './safetensorsCodec';
import { DTYPE_BYTES, DTYPE_SET, MAX_HEADER, elementCount, isCount, isObject, q, show, type SafetensorsDtype, type TensorEntry } from './safetensorsFormat';

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
