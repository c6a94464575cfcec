// Tensor bytes ↔ typed arrays for each safetensors dtype: little-endian on any host, unaligned
// input accepted, F16 / BF16 widened to Float32Array on decode and rounded to nearest even on
// encode (halfFloat.ts), integers range-checked on encode (no silent wrap).
import { float16BitsToFloat32, float32ToBfloat16Bits, float32ToFloat16Bits } from './halfFloat';
import { DTYPE_BYTES, DTYPE_SET, show, type SafetensorsDtype } from './safetensorsFormat';

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
