// safetensors reader / writer: round trips for every dtype, header layout, F16 / BF16 bit
// patterns by hand, one test per refusal, Blob vs in-memory sources, and a fixture written by
// an independent tool (test/fixtures/safetensors/make_fixture.py, Python standard library).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, test } from 'vitest';
import { concat, pngHeader } from './helpers/bytes';
import { bfloat16BitsToFloat32, float16BitsToFloat32, float32ToBfloat16Bits, float32ToFloat16Bits } from '../src/model/files/halfFloat';
import { decodeFloat32, decodeTensor, encodeTensor } from '../src/model/files/safetensorsCodec';
import { DTYPE_BYTES, SAFETENSORS_DTYPES, type SafetensorsDtype } from '../src/model/files/safetensorsFormat';
import {
  blobSource,
  bytesSource,
  readSafetensorsHeader,
  readTensorBytes,
  SafetensorsError,
  type ByteSource,
  type SafetensorsHeader,
} from '../src/model/files/safetensorsReader';
import { planSafetensors, writeSafetensors } from '../src/model/files/safetensorsWriter';

const enc = new TextEncoder();
const FILE = 'm.safetensors';

/** A file with the given header text (not padded) and data bytes (or that many zero bytes). */
function rawFile(json: string | Uint8Array, data: Uint8Array | number = 0): Uint8Array {
  const j = typeof json === 'string' ? enc.encode(json) : json;
  const len = new Uint8Array(8);
  new DataView(len.buffer).setBigUint64(0, BigInt(j.length), true);
  return concat([len, j, typeof data === 'number' ? new Uint8Array(data) : data]);
}
/** A tensor entry's JSON text. */
const ent = (dtype: string, shape: unknown, begin: number, end: number): string =>
  JSON.stringify({ dtype, shape, data_offsets: [begin, end] });

async function header(bytes: Uint8Array): Promise<SafetensorsHeader> {
  return readSafetensorsHeader(bytesSource(bytes), FILE);
}

/** Expects the header read to be refused with a reason matching re. */
async function refuse(bytes: Uint8Array | ByteSource, re: RegExp): Promise<SafetensorsError> {
  const src = bytes instanceof Uint8Array ? bytesSource(bytes) : bytes;
  let error: unknown = null;
  try {
    await readSafetensorsHeader(src, FILE);
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(SafetensorsError);
  const err = error as SafetensorsError;
  expect(err.fileName).toBe(FILE);
  expect(err.message).toBe(`${FILE}: ${err.reason}`);
  expect(err.reason).toMatch(re);
  return err;
}

/** The elements of a decoded tensor as a plain array (numbers, or bigints for I64). */
const list = (v: ArrayLike<number> | BigInt64Array): (number | bigint)[] => Array.from(v as ArrayLike<number | bigint>);

async function readAll(src: ByteSource, h: SafetensorsHeader) {
  const out: Record<string, ReturnType<typeof decodeTensor>> = {};
  for (const t of h.tensors) out[t.name] = decodeTensor(t.dtype, await readTensorBytes(src, h, t));
  return out;
}

describe('round trip: write → read header → read / decode', () => {
  const tensors = [
    { name: 'odd', dtype: 'U8', shape: [3], data: [1, 2, 250] }, // makes everything after it unaligned
    { name: 'f32', dtype: 'F32', shape: [2, 2], data: [Math.fround(0.1), -3.5, 1.401298464324817e-45, -Infinity] },
    { name: 'f64', dtype: 'F64', shape: [2, 3], data: [Math.PI, -1e300, 5e-324, Infinity, -0, NaN] },
    { name: 'f16', dtype: 'F16', shape: [2, 2, 2], data: [1, -2, 0.5, 65504, 2 ** -24, -0, Infinity, NaN] },
    { name: 'bf16', dtype: 'BF16', shape: [7], data: [1, 3, -0.5, 3.140625, -Infinity, 2 ** -133, 3.3895313892515355e38] },
    { name: 'i64', dtype: 'I64', shape: [4], data: new BigInt64Array([-(2n ** 63n), 2n ** 63n - 1n, 0n, 9007199254740993n]) },
    { name: 'i32', dtype: 'I32', shape: [4], data: [-(2 ** 31), 2 ** 31 - 1, 0, 7] },
    { name: 'i16', dtype: 'I16', shape: [3], data: [-32768, 32767, -1] },
    { name: 'i8', dtype: 'I8', shape: [3], data: [-128, 127, 0] },
    { name: 'u8', dtype: 'U8', shape: [3], data: [0, 255, 3] },
    { name: 'bool', dtype: 'BOOL', shape: [3], data: [1, 0, 1] },
    { name: 'scalar_f32', dtype: 'F32', shape: [], data: [2.5] },
    { name: 'scalar_i64', dtype: 'I64', shape: [], data: [-7] },
    { name: 'scalar_f16', dtype: 'F16', shape: [], data: [-1.5] },
    { name: 'empty_f32', dtype: 'F32', shape: [0], data: [] },
    { name: 'empty_f64', dtype: 'F64', shape: [3, 0], data: [] },
    { name: 'empty_bool', dtype: 'BOOL', shape: [0, 5], data: [] },
    { name: 'a"b\\c é', dtype: 'F32', shape: [1], data: [42] },
  ] as { name: string; dtype: SafetensorsDtype; shape: number[]; data: number[] | BigInt64Array }[];
  const metadata = {
    format: 'pt',
    config: JSON.stringify({ a: [1, { b: 'c"d' }], e: '\\' }),
    f32: 'a metadata key equal to a tensor name',
    __metadata__: 'nested key named __metadata__',
    text: 'é ✓ \u0000 line\nbreak {"x": [}',
  };
  const file = writeSafetensors(tensors, metadata);

  it('covers every dtype', () => {
    expect(new Set(tensors.map((t) => t.dtype))).toEqual(new Set(SAFETENSORS_DTYPES));
    expect(SAFETENSORS_DTYPES).toEqual(['F64', 'F32', 'F16', 'BF16', 'I64', 'I32', 'I16', 'I8', 'U8', 'BOOL']);
    expect(SAFETENSORS_DTYPES.map((d) => DTYPE_BYTES[d])).toEqual([8, 4, 2, 2, 8, 4, 2, 1, 1, 1]);
  });

  test.each([
    ['bytesSource', () => bytesSource(file)],
    ['blobSource', () => blobSource(new Blob([file as Uint8Array<ArrayBuffer>]))],
  ])('header and every tensor decode to the values written (%s)', async (_, makeSrc) => {
    const src = makeSrc();
    const h = await readSafetensorsHeader(src, FILE);
    expect(h.fileSize).toBe(file.length);
    expect(h.dataStart).toBe(8 + h.headerLength);
    expect(h.metadata).toEqual(metadata);
    expect(h.fileName).toBe(FILE);
    // Offsets are laid out in the given order, back to back.
    let o = 0;
    const expected = tensors.map((t) => {
      const size = t.shape.reduce((a, d) => a * d, 1) * DTYPE_BYTES[t.dtype];
      const e = { name: t.name, dtype: t.dtype, shape: t.shape, begin: o, end: o + size };
      o += size;
      return e;
    });
    expect(h.dataStart + o).toBe(file.length);
    expect([...h.tensors].sort((a, b) => a.begin - b.begin || a.name.localeCompare(b.name))).toEqual(
      [...expected].sort((a, b) => a.begin - b.begin || a.name.localeCompare(b.name)),
    );
    for (let i = 1; i < h.tensors.length; i++) expect(h.tensors[i].begin).toBeGreaterThanOrEqual(h.tensors[i - 1].begin);
    expect([...h.byName.keys()].sort()).toEqual(tensors.map((t) => t.name).sort());
    expect(h.byName.get('a"b\\c é')).toEqual(expected[expected.length - 1]);
    // The F32 / F64 / I64 data really is unaligned in the file.
    expect((h.dataStart + h.byName.get('f32')!.begin) % 4).not.toBe(0);
    expect((h.dataStart + h.byName.get('i64')!.begin) % 8).not.toBe(0);

    const got = await readAll(src, h);
    for (const t of tensors) {
      const v = got[t.name];
      expect(v.length, t.name).toBe(t.data.length);
      if (t.dtype === 'I64') {
        expect(v).toBeInstanceOf(BigInt64Array);
        expect(Array.from(v as BigInt64Array)).toEqual(Array.from(t.data as ArrayLike<number | bigint>, (x) => BigInt(x)));
      } else {
        expect(Array.from(v as Float64Array), t.name).toEqual(Array.from(t.data as number[])); // toEqual tells −0 from 0, NaN equals NaN
      }
    }
    expect(got.f64).toBeInstanceOf(Float64Array);
    for (const n of ['f32', 'f16', 'bf16']) expect(got[n]).toBeInstanceOf(Float32Array);
    expect(got.i32).toBeInstanceOf(Int32Array);
    expect(got.i16).toBeInstanceOf(Int16Array);
    expect(got.i8).toBeInstanceOf(Int8Array);
    expect(got.u8).toBeInstanceOf(Uint8Array);
    expect(got.bool).toBeInstanceOf(Uint8Array);
  });

  it('readTensorBytes gives the exact little-endian bytes', async () => {
    const h = await header(file);
    const f32 = await readTensorBytes(bytesSource(file), h, h.byName.get('scalar_f32')!);
    expect(Array.from(f32)).toEqual([0x00, 0x00, 0x20, 0x40]); // 2.5 = 0x40200000
    const i32 = await readTensorBytes(bytesSource(file), h, h.byName.get('i32')!);
    expect(Array.from(i32.subarray(0, 8))).toEqual([0x00, 0x00, 0x00, 0x80, 0xff, 0xff, 0xff, 0x7f]);
    const f16 = await readTensorBytes(bytesSource(file), h, h.byName.get('f16')!);
    expect(Array.from(f16.subarray(0, 4))).toEqual([0x00, 0x3c, 0x00, 0xc0]);
    expect((await readTensorBytes(bytesSource(file), h, h.byName.get('empty_f64')!)).length).toBe(0);
  });

  it('readTensorBytes refuses an entry outside the data', async () => {
    const h = await header(file);
    const bogus = { name: 'x', dtype: 'F32' as const, shape: [1], begin: file.length, end: file.length + 4 };
    await expect(readTensorBytes(bytesSource(file), h, bogus)).rejects.toThrow(/tensor "x" .* is outside the data/);
  });

  it('reads only the 8-byte length and the header', async () => {
    const reads: [number, number][] = [];
    const inner = bytesSource(file);
    const h = await readSafetensorsHeader({ size: inner.size, read: (b, e) => (reads.push([b, e]), inner.read(b, e)) }, FILE);
    expect(reads).toEqual([[0, 8], [8, h.dataStart]]);
  });

  it('a source that returns too few bytes is refused', async () => {
    const short: ByteSource = { size: file.length, read: async (b, e) => file.subarray(b, Math.max(b, e - 1)) };
    await refuse(short, /short read: asked for 8 bytes at 0, got 7/);
  });
});

describe('header layout', () => {
  it('8 + n is a multiple of 8 and the padding is spaces, for every JSON length mod 8', async () => {
    for (let k = 1; k <= 16; k++) {
      const file = writeSafetensors([{ name: 'x'.repeat(k), dtype: 'F32', shape: [1], data: [1] }], k % 2 ? { m: 'y'.repeat(k) } : undefined);
      const n = Number(new DataView(file.buffer).getBigUint64(0, true));
      expect((8 + n) % 8).toBe(0);
      const text = new TextDecoder().decode(file.subarray(8, 8 + n));
      const json = text.trimEnd();
      expect(text.slice(json.length)).toBe(' '.repeat(n - json.length));
      expect(n - json.length).toBeLessThan(8);
      expect(json.endsWith('}')).toBe(true);
      expect(JSON.parse(json)['x'.repeat(k)]).toEqual({ dtype: 'F32', shape: [1], data_offsets: [0, 4] });
      expect(file.length).toBe(8 + n + 4);
      const h = await header(file);
      expect(h.headerLength).toBe(n);
    }
  });

  it('planSafetensors lays out offsets in the given order and puts __metadata__ first', () => {
    const plan = planSafetensors(
      [{ name: 'b', dtype: 'F16', shape: [3] }, { name: 'a', dtype: 'I64', shape: [] }, { name: 'z', dtype: 'U8', shape: [0] }, { name: 'c', dtype: 'F32', shape: [2, 1] }],
      { k: 'v' },
    );
    expect(plan.entries.map((e) => [e.name, e.begin, e.end])).toEqual([['b', 0, 6], ['a', 6, 14], ['z', 14, 14], ['c', 14, 22]]);
    expect(plan.dataStart).toBe(plan.header.length);
    expect(plan.totalBytes).toBe(plan.header.length + 22);
    const text = new TextDecoder().decode(plan.header.subarray(8));
    expect(text.trimEnd()).toBe(
      '{"__metadata__":{"k":"v"},"b":{"dtype":"F16","shape":[3],"data_offsets":[0,6]},"a":{"dtype":"I64","shape":[],"data_offsets":[6,14]},' +
        '"z":{"dtype":"U8","shape":[0],"data_offsets":[14,14]},"c":{"dtype":"F32","shape":[2,1],"data_offsets":[14,22]}}',
    );
  });

  it('an empty tensor list with metadata only, and one with nothing at all, round-trip', async () => {
    const a = await header(writeSafetensors([], { note: 'only metadata' }));
    expect(a.tensors).toEqual([]);
    expect(a.metadata).toEqual({ note: 'only metadata' });
    const b = await header(writeSafetensors([]));
    expect(b.tensors).toEqual([]);
    expect(b.metadata).toBeNull();
    expect(b.headerLength).toBe(8); // "{}" + 6 spaces
  });

  test.each([
    ['an empty name', [{ name: '', dtype: 'F32', shape: [1] }], undefined, /a tensor name is empty/],
    ['a repeated name', [{ name: 'w', dtype: 'F32', shape: [1] }, { name: 'w', dtype: 'F16', shape: [1] }], undefined, /duplicate tensor name "w"/],
    ['the name __metadata__', [{ name: '__metadata__', dtype: 'F32', shape: [1] }], undefined, /"__metadata__" is not allowed as a tensor name/],
    ['an unknown dtype', [{ name: 'w', dtype: 'F8_E4M3', shape: [1] }], undefined, /tensor "w": unknown dtype "F8_E4M3"/],
    ['a negative dimension', [{ name: 'w', dtype: 'F32', shape: [2, -1] }], undefined, /tensor "w": shape \[2,-1\] is not an array of non-negative integers/],
    ['a fractional dimension', [{ name: 'w', dtype: 'F32', shape: [1.5] }], undefined, /tensor "w": shape \[1.5\]/],
    ['a non-string metadata value', [], { n: 1 }, /metadata value of "n" is not a string/],
  ])('planSafetensors refuses %s', (_, specs, meta, re) => {
    expect(() => planSafetensors(specs as never, meta as never)).toThrow(re);
  });

  it('writeSafetensors takes a Uint8Array as the encoded bytes and checks data sizes', async () => {
    const raw = new Uint8Array([0, 0, 0x80, 0x3f, 0, 0, 0, 0xc0]); // 1.0, −2.0 as F32
    const file = writeSafetensors([{ name: 'w', dtype: 'F32', shape: [2], data: raw }]);
    const h = await header(file);
    expect(list(decodeTensor('F32', await readTensorBytes(bytesSource(file), h, h.tensors[0])))).toEqual([1, -2]);
    expect(() => writeSafetensors([{ name: 'w', dtype: 'F32', shape: [2], data: [1, 2, 3] }])).toThrow(/tensor "w" has 12 bytes of data, shape \[2\] of F32 needs 8/);
    expect(() => writeSafetensors([{ name: 'w', dtype: 'F16', shape: [2], data: raw }])).toThrow(/has 8 bytes of data.*needs 4/);
  });
});

describe('encode / decode', () => {
  const samples: Record<SafetensorsDtype, number[] | BigInt64Array> = {
    F64: [0.1, -1e300, 5e-324],
    F32: [Math.fround(0.1), -1.5, 1e30 * 0 + 3.4028234663852886e38],
    F16: [0.5, -65504, 2 ** -14],
    BF16: [1, -3, 2 ** -126],
    I64: new BigInt64Array([-1n, 2n ** 62n, 123456789012345678n]),
    I32: [-5, 2 ** 31 - 1, 0],
    I16: [-2, 300, 32767],
    I8: [-1, 100, -128],
    U8: [1, 200, 255],
    BOOL: [0, 1, 1],
  };

  test.each(SAFETENSORS_DTYPES.map((d) => [d]))('decodeTensor(%s) works at every byte misalignment and copies', (dtype) => {
    const bytes = encodeTensor(dtype, samples[dtype]);
    expect(bytes.length).toBe(3 * DTYPE_BYTES[dtype]);
    for (let shift = 0; shift < 8; shift++) {
      const buf = new Uint8Array(shift + bytes.length + 3).fill(0xee);
      buf.set(bytes, shift);
      const view = buf.subarray(shift, shift + bytes.length);
      const v = decodeTensor(dtype, view);
      expect(Array.from(v as ArrayLike<number | bigint>)).toEqual(Array.from(samples[dtype] as ArrayLike<number | bigint>));
      v[0] = (typeof v[0] === 'bigint' ? 99n : 99) as never;
      expect(Array.from(view)).toEqual(Array.from(bytes)); // the input is untouched
    }
  });

  it('decodeTensor refuses a byte count that is not whole elements', () => {
    expect(() => decodeTensor('F32', new Uint8Array(6))).toThrow(/6 bytes is not a whole number of F32 elements/);
    expect(() => decodeTensor('I64', new Uint8Array(4))).toThrow(/not a whole number of I64 elements/);
  });

  it('decodeTensor on a Node Buffer view (whose slice() is not a copy)', () => {
    const pool = Buffer.alloc(16);
    pool.writeFloatLE(1.25, 5);
    expect(list(decodeTensor('F32', pool.subarray(5, 9)))).toEqual([1.25]);
  });

  it('encodeTensor writes little-endian bytes', () => {
    expect(Array.from(encodeTensor('F32', [1]))).toEqual([0, 0, 0x80, 0x3f]);
    expect(Array.from(encodeTensor('F64', [-2]))).toEqual([0, 0, 0, 0, 0, 0, 0, 0xc0]);
    expect(Array.from(encodeTensor('I32', [-2]))).toEqual([0xfe, 0xff, 0xff, 0xff]);
    expect(Array.from(encodeTensor('I16', [0x1234]))).toEqual([0x34, 0x12]);
    expect(Array.from(encodeTensor('F16', [1, -2]))).toEqual([0x00, 0x3c, 0x00, 0xc0]);
    expect(Array.from(encodeTensor('BF16', [1, 3]))).toEqual([0x80, 0x3f, 0x40, 0x40]);
    expect(Array.from(encodeTensor('I64', new BigInt64Array([0x0102030405060708n])))).toEqual([8, 7, 6, 5, 4, 3, 2, 1]);
    expect(Array.from(encodeTensor('I64', [-1, 2 ** 40]))).toEqual([255, 255, 255, 255, 255, 255, 255, 255, 0, 0, 0, 0, 0, 1, 0, 0]);
    expect(Array.from(encodeTensor('I32', new BigInt64Array([1n, -2n])))).toEqual([1, 0, 0, 0, 0xfe, 0xff, 0xff, 0xff]);
    expect(Array.from(encodeTensor('F32', new BigInt64Array([3n])))).toEqual([0, 0, 0x40, 0x40]);
  });

  test.each([
    ['U8', [256]], ['U8', [-1]], ['I8', [128]], ['I16', [1.5]], ['I32', [NaN]], ['I32', [2 ** 31]], ['BOOL', [2]],
    ['I64', [1.5]], ['I64', [2 ** 63]], ['I32', new BigInt64Array([2n ** 40n])],
  ] as [SafetensorsDtype, number[] | BigInt64Array][])('encodeTensor(%s, %s) refuses an out-of-range or fractional value', (dtype, values) => {
    expect(() => encodeTensor(dtype, values)).toThrow(RangeError);
    expect(() => encodeTensor(dtype, values)).toThrow(new RegExp(`at index 0 is not an? ${dtype}`));
  });

  it('decodeFloat32 widens or rounds every float dtype and refuses integers', () => {
    expect(Array.from(decodeFloat32('F64', encodeTensor('F64', [0.1, 1e300, -1e-50])))).toEqual([Math.fround(0.1), Infinity, -0]);
    expect(Array.from(decodeFloat32('F32', encodeTensor('F32', [0.1])))).toEqual([Math.fround(0.1)]);
    expect(Array.from(decodeFloat32('F16', new Uint8Array([0x55, 0x35])))).toEqual([0.333251953125]);
    expect(Array.from(decodeFloat32('BF16', new Uint8Array([0x49, 0x40])))).toEqual([3.140625]);
    for (const d of ['I64', 'I32', 'I16', 'I8', 'U8', 'BOOL'] as const) expect(() => decodeFloat32(d, new Uint8Array(8))).toThrow(`decodeFloat32: ${d} is not a float dtype`);
  });
});

describe('F16 conversions', () => {
  const isF16NaN = (h: number) => (h & 0x7c00) === 0x7c00 && (h & 0x3ff) !== 0;

  test.each([
    [1, 0x3c00], [-2, 0xc000], [0.5, 0x3800], [65504, 0x7bff], [65519, 0x7bff], [65520, 0x7c00], [1e6, 0x7c00], [-1e6, 0xfc00],
    [Infinity, 0x7c00], [-Infinity, 0xfc00], [0, 0x0000], [-0, 0x8000],
    [2 ** -14, 0x0400], // smallest normal
    [2 ** -24, 0x0001], // smallest subnormal
    [1023 * 2 ** -24, 0x03ff], // largest subnormal
    [1023.5 * 2 ** -24, 0x0400], // tie between the largest subnormal (odd) and the smallest normal (even)
    [2 ** -25, 0x0000], // tie between 0 and 2^-24: to even, 0
    [-(2 ** -25), 0x8000],
    [2 ** -25 * (1 + 2 ** -10), 0x0001], // just above the tie
    [3 * 2 ** -25, 0x0002], // 1.5 units: tie, to even 2
    [5 * 2 ** -25, 0x0002], // 2.5 units: tie, to even 2
    [2 ** -26, 0x0000],
    [1.401298464324817e-45, 0x0000], // a float32 subnormal
    [0.1, 0x2e66], [1 / 3, 0x3555], [-0.1, 0xae66],
    [1 + 2 ** -11, 0x3c00], // tie, to even
    [1 + 3 * 2 ** -11, 0x3c02], // tie, to even (up)
    [1 + 2 ** -11 + 2 ** -20, 0x3c01], // just above the tie
    [2049, 0x6800], [2051, 0x6802], // ties where the spacing is 2
    [1 + 2 ** -11 + 2 ** -30, 0x3c00], // rounded to float32 first (1 + 2^-11 exactly), then tie to even
  ])('float32ToFloat16Bits(%s) = %s', (x, h) => {
    expect(float32ToFloat16Bits(x)).toBe(h);
  });

  test.each([
    [0x3c00, 1], [0xc000, -2], [0x7bff, 65504], [0x0001, 2 ** -24], [0x03ff, 1023 * 2 ** -24], [0x0400, 2 ** -14],
    [0x7c00, Infinity], [0xfc00, -Infinity], [0x8000, -0], [0x0000, 0], [0x3555, 0.333251953125], [0x2e66, 0.0999755859375],
    [0x7e00, NaN], [0x7c01, NaN], [0xfe00, NaN],
  ])('float16BitsToFloat32(%s) = %s', (h, x) => {
    expect(float16BitsToFloat32(h)).toBe(x); // toBe is Object.is: −0 ≠ 0, NaN = NaN
  });

  it('NaN stays NaN', () => {
    expect(isF16NaN(float32ToFloat16Bits(NaN))).toBe(true);
    const f = new Float32Array(1);
    new Uint32Array(f.buffer)[0] = 0x7f800001; // a payload only in bits that F16 drops: must not become Inf
    expect(isF16NaN(float32ToFloat16Bits(f[0]))).toBe(true); // (on x64 the float32 → double → float32 trip already sets the quiet bit)
    expect(Number.isNaN(decodeTensor('F16', encodeTensor('F16', [NaN]))[0])).toBe(true);
  });

  it('every one of the 65536 bit patterns survives decode → encode, and decodeTensor agrees', () => {
    const all = new Uint8Array(2 * 65536);
    for (let h = 0; h < 65536; h++) {
      all[2 * h] = h & 0xff;
      all[2 * h + 1] = h >> 8;
    }
    const table = decodeTensor('F16', all) as Float32Array;
    for (let h = 0; h < 65536; h++) {
      const x = float16BitsToFloat32(h);
      if (isF16NaN(h)) {
        expect(Number.isNaN(x)).toBe(true);
        expect(isF16NaN(float32ToFloat16Bits(x))).toBe(true);
      } else if (float32ToFloat16Bits(x) !== h || !Object.is(table[h], x)) {
        expect([h, float32ToFloat16Bits(x), table[h]]).toEqual([h, h, x]);
      }
    }
  });
});

describe('BF16 conversions', () => {
  const isBf16NaN = (h: number) => (h & 0x7f80) === 0x7f80 && (h & 0x7f) !== 0;

  test.each([
    [1, 0x3f80], [3, 0x4040], [-2, 0xc000], [0.5, 0x3f00],
    [1 + 2 ** -8, 0x3f80], // tie, to even (down)
    [1 + 3 * 2 ** -8, 0x3f82], // tie, to even (up)
    [1 + 2 ** -8 + 2 ** -20, 0x3f81], // just above the tie
    [1 + 2 ** -7, 0x3f81], // exact
    [Math.PI, 0x4049], [0.1, 0x3dcd], [-0.1, 0xbdcd],
    [3.4028234663852886e38, 0x7f80], // float32 max rounds up to Inf
    [3.3895313892515355e38, 0x7f7f], // bfloat16 max
    [Infinity, 0x7f80], [-Infinity, 0xff80], [0, 0], [-0, 0x8000],
    [2 ** -133, 0x0001], // smallest bfloat16 subnormal
    [2 ** -140, 0x0000],
  ])('float32ToBfloat16Bits(%s) = %s', (x, h) => {
    expect(float32ToBfloat16Bits(x)).toBe(h);
  });

  test.each([
    [0x3f80, 1], [0x4040, 3], [0x4049, 3.140625], [0xbdcd, -0.10009765625], [0xff80, -Infinity], [0x8000, -0], [0x0001, 2 ** -133],
    [0x7fc0, NaN], [0x7f81, NaN],
  ])('bfloat16BitsToFloat32(%s) = %s', (h, x) => {
    expect(bfloat16BitsToFloat32(h)).toBe(x);
  });

  it('NaN stays NaN, including a payload only in the low float32 bits', () => {
    expect(isBf16NaN(float32ToBfloat16Bits(NaN))).toBe(true);
    const f = new Float32Array(1);
    new Uint32Array(f.buffer)[0] = 0x7f800001;
    expect(isBf16NaN(float32ToBfloat16Bits(f[0]))).toBe(true);
  });

  it('every one of the 65536 bit patterns survives decode → encode', () => {
    for (let h = 0; h < 65536; h++) {
      const x = bfloat16BitsToFloat32(h);
      if (isBf16NaN(h)) expect(isBf16NaN(float32ToBfloat16Bits(x))).toBe(true);
      else if (float32ToBfloat16Bits(x) !== h) expect(float32ToBfloat16Bits(x)).toBe(h);
    }
  });
});

describe('refusals', () => {
  const w = ent('F32', [1], 0, 4);

  it('SafetensorsError carries fileName and reason', () => {
    const e = new SafetensorsError('a.safetensors', 'header is not JSON');
    expect(e).toBeInstanceOf(Error);
    expect(e.message).toBe('a.safetensors: header is not JSON');
    expect([e.fileName, e.reason, e.name]).toEqual(['a.safetensors', 'header is not JSON', 'SafetensorsError']);
  });

  it('a file too short for the 8-byte length', async () => {
    await refuse(new Uint8Array(7), /^not a safetensors file \(7 bytes, too short for the 8-byte header length\)$/);
    await refuse(new Uint8Array(0), /^not a safetensors file \(0 bytes/);
  });
  it('header length 0', async () => {
    await refuse(new Uint8Array(16), /^not a safetensors file \(header length is 0\)$/);
  });
  it('header length beyond the end of the file', async () => {
    const f = rawFile(`{"w":${w}}`, 4);
    new DataView(f.buffer).setBigUint64(0, BigInt(f.length), true);
    await refuse(f, new RegExp(`^not a safetensors file \\(header length ${f.length} runs past the end of the ${f.length}-byte file\\)$`));
  });
  it('header over 100 MB, without reading it', async () => {
    const len = new Uint8Array(8);
    new DataView(len.buffer).setBigUint64(0, 100_000_001n, true);
    const reads: number[][] = [];
    const src: ByteSource = { size: 300_000_000, read: async (b, e) => (reads.push([b, e]), len.slice(b, e)) };
    await refuse(src, /^not a safetensors file \(header length 100000001 is over the 100 MB limit\)$/);
    expect(reads).toEqual([[0, 8]]);
    const huge = new Uint8Array(16).fill(0xff);
    await refuse(huge, /header length 18446744073709551615 is over the 100 MB limit/);
  });
  it('header not valid UTF-8', async () => {
    await refuse(rawFile(new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d])), /^not a safetensors file \(header is not valid UTF-8\)$/);
  });
  it('header not JSON', async () => {
    await refuse(rawFile(`{"w":${w}`, 4), /^header is not JSON \(/);
    await refuse(rawFile('\ufeff{}'), /^header is not JSON/); // a byte-order mark is not JSON whitespace
  });
  test.each(['[]', '"w"', 'null', '42'])('header JSON not an object: %s', async (json) => {
    await refuse(rawFile(json), new RegExp(`^header JSON is not an object \\(got ${json.replace('[', '\\[').replace(']', '\\]')}\\)$`));
  });
  test.each(['[0, 4]', 'null', '"F32"', '7'])('tensor entry not an object: %s', async (v) => {
    await refuse(rawFile(`{"w": ${v}}`, 4), /^tensor "w": entry is not an object \(got /);
  });
  test.each(['dtype', 'shape', 'data_offsets'])('tensor entry without %s', async (key) => {
    const e = { dtype: 'F32', shape: [1], data_offsets: [0, 4] } as Record<string, unknown>;
    delete e[key];
    await refuse(rawFile(JSON.stringify({ w: e }), 4), new RegExp(`^tensor "w": missing "${key}"$`));
  });
  test.each([['"F8_E4M3"', '"F8_E4M3"'], ['"f32"', '"f32"'], ['"U16"', '"U16"'], ['5', '5'], ['null', 'null'], ['"toString"', '"toString"']])(
    'unknown dtype %s',
    async (dtype, shown) => {
      await refuse(rawFile(`{"w": {"dtype": ${dtype}, "shape": [1], "data_offsets": [0, 1]}}`, 1), new RegExp(`^tensor "w": unknown dtype ${shown}$`));
    },
  );
  test.each(['[-1]', '[1.5]', '"3"', '[2, "3"]', 'null', '[9007199254740992]', '{"0": 1}'])('shape not an array of non-negative integers: %s', async (shape) => {
    await refuse(rawFile(`{"w": {"dtype": "U8", "shape": ${shape}, "data_offsets": [0, 1]}}`, 1), /^tensor "w": shape .* is not an array of non-negative integers$/);
  });
  test.each(['[0]', '[4, 0]', '[-4, 0]', '[0, 4, 8]', '"0,4"', '[0, 4.5]', '[0, "4"]', 'null'])('data_offsets not two ordered non-negative integers: %s', async (off) => {
    await refuse(rawFile(`{"w": {"dtype": "F32", "shape": [1], "data_offsets": ${off}}}`, 4), /^tensor "w": data_offsets .* are not two non-negative integers with begin ≤ end$/);
  });
  it('byte length not matching shape × dtype size', async () => {
    await refuse(rawFile(`{"w": ${ent('F32', [2, 3], 0, 20)}}`, 20), /^tensor "w": data_offsets \[0, 20\] span 20 bytes but shape \[2,3\] of F32 needs 24$/);
    await refuse(rawFile(`{"w": ${ent('F64', [], 0, 4)}}`, 4), /^tensor "w": .* span 4 bytes but shape \[\] of F64 needs 8$/);
    await refuse(rawFile(`{"w": ${ent('F32', [0, 3], 0, 4)}}`, 4), /^tensor "w": .* span 4 bytes but shape \[0,3\] of F32 needs 0$/);
  });
  it('offsets beyond the data buffer', async () => {
    await refuse(rawFile(`{"a": ${ent('F32', [1], 0, 4)}, "w": ${ent('F32', [2], 4, 12)}}`, 8), /^tensor "w": data_offsets \[4, 12\] run past the end of the data \(8 bytes\)$/);
  });
  it('overlapping tensors', async () => {
    await refuse(rawFile(`{"b": ${ent('F32', [2], 4, 12)}, "a": ${ent('F32', [2], 0, 8)}}`, 12), /^tensors "a" and "b" overlap \(data_offsets \[0, 8\] and \[4, 12\]\)$/);
    // A zero-size tensor inside another tensor's bytes.
    await refuse(rawFile(`{"a": ${ent('F32', [2], 0, 8)}, "z": ${ent('F32', [0], 4, 4)}}`, 8), /^tensors "a" and "z" overlap/);
  });
  it('a gap between tensors', async () => {
    await refuse(rawFile(`{"a": ${ent('F32', [1], 0, 4)}, "b": ${ent('F32', [1], 8, 12)}}`, 12), /^gap of 4 bytes in the data before tensor "b" \(at offset 4\)$/);
  });
  it('a gap before the first tensor', async () => {
    await refuse(rawFile(`{"a": ${ent('F32', [1], 4, 8)}}`, 8), /^gap of 4 bytes in the data before tensor "a" \(at offset 0\)$/);
  });
  it('data left over after the last tensor, or data with no tensors', async () => {
    await refuse(rawFile(`{"a": ${ent('F32', [1], 0, 4)}}`, 7), /^3 bytes at the end of the data belong to no tensor$/);
    await refuse(rawFile('{"__metadata__": {}}', 2), /^2 bytes at the end of the data belong to no tensor$/);
  });
  it('a duplicate tensor name', async () => {
    await refuse(rawFile(`{"w": ${ent('F32', [1], 0, 4)}, "w": ${ent('F32', [1], 4, 8)}}`, 8), /^duplicate tensor name "w"$/);
  });
  it('a duplicate tensor name spelled with different escapes', async () => {
    await refuse(rawFile(`{"a\\"b": ${ent('U8', [1], 0, 1)}, "a\\u0022b": ${ent('U8', [1], 1, 2)}}`, 2), /^duplicate tensor name "a\\"b"$/);
    await refuse(rawFile(`{"\\u0077": ${ent('U8', [1], 0, 1)}, "x": ${ent('U8', [1], 1, 2)}, "w": ${ent('U8', [1], 1, 2)}}`, 2), /^duplicate tensor name "w"$/);
  });
  it('a duplicate __metadata__', async () => {
    await refuse(rawFile(`{"__metadata__": {"a": "1"}, "w": ${w}, "__metadata__": {"a": "2"}}`, 4), /^duplicate "__metadata__"$/);
  });
  it('a key repeated inside a tensor entry', async () => {
    await refuse(rawFile(`{"w": {"dtype": "F32", "shape": [1], "dtype": "F16", "data_offsets": [0, 4]}}`, 4), /^tensor "w": duplicate key "dtype"$/);
  });
  it('a key repeated inside __metadata__', async () => {
    await refuse(rawFile(`{"__metadata__": {"a": "1", "b": "{\\"a\\": 1}", "a": "2"}, "w": ${w}}`, 4), /^__metadata__: duplicate key "a"$/);
  });
  test.each(['["pt"]', '"pt"', 'null', '1'])('__metadata__ not an object: %s', async (m) => {
    await refuse(rawFile(`{"__metadata__": ${m}, "w": ${w}}`, 4), /^__metadata__ is not an object \(got .*\)$/);
  });
  test.each([['1', '1'], ['null', 'null'], ['{"x": "y"}', '\\{"x":"y"\\}'], ['true', 'true']])('__metadata__ with a non-string value: %s', async (v, shown) => {
    await refuse(rawFile(`{"__metadata__": {"ok": "s", "n": ${v}}, "w": ${w}}`, 4), new RegExp(`^__metadata__: value of "n" is not a string \\(got ${shown}\\)$`));
  });

  it('a PNG, a zip, a text file or a gzip is "not a safetensors file"', async () => {
    await refuse(pngHeader(8, 8, 100), /^not a safetensors file/);
    const zip = new Uint8Array(120);
    zip.set([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x00, 0x00]);
    await refuse(zip, /^not a safetensors file/);
    await refuse(enc.encode('hello world, this is plain text and not a tensor file at all'), /^not a safetensors file/);
    await refuse(new Uint8Array([0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0, 0, 3, 1, 2, 3, 4]), /^not a safetensors file/);
  });
  it('a plausible length followed by something else is "header is not JSON" or "not a safetensors file"', async () => {
    await refuse(rawFile('<html><body>not here</body></html>', 10), /^header is not JSON/);
    await refuse(rawFile(pngHeader(8, 8, 40)), /^not a safetensors file \(header is not valid UTF-8\)$/);
    await refuse(rawFile('{"w": 1e999999}'), /^tensor "w": entry is not an object/);
  });
});

describe('accepted oddities', () => {
  it('whitespace around and inside the JSON, no padding at all, and a header length that is not a multiple of 8', async () => {
    const json = `\n\t {  "w" :\n ${ent('F32', [1], 0, 4)} }\n  `;
    const h = await header(rawFile(json, encodeTensor('F32', [7])));
    expect(h.headerLength).toBe(enc.encode(json).length);
    expect(h.tensors.map((t) => t.name)).toEqual(['w']);
    const h2 = await header(rawFile(`{"w":${ent('F32', [1], 0, 4)}}`, 4));
    expect((8 + h2.headerLength) % 8).not.toBe(0);
  });
  it('the same inner keys in every entry, tensor names inside strings, and a metadata key equal to a tensor name are not duplicates', async () => {
    const json = `{"__metadata__": {"w": "{\\"w\\": 1, \\"w\\": 2}", "dtype": "x", "__metadata__": "y"}, "w": ${ent('U8', [1], 0, 1)}, "v": ${ent('U8', [1], 1, 2)}}`;
    const h = await header(rawFile(json, 2));
    expect([...h.byName.keys()].sort()).toEqual(['v', 'w']);
    expect(h.metadata).toEqual({ w: '{"w": 1, "w": 2}', dtype: 'x', __metadata__: 'y' });
  });
  it('escaped and non-ASCII names are decoded', async () => {
    const json = `{"a\\"b": ${ent('U8', [1], 0, 1)}, "\\u00e9t\\u00e9": ${ent('U8', [1], 1, 2)}, "日本": ${ent('U8', [1], 2, 3)}, "back\\\\slash\\n": ${ent('U8', [1], 3, 4)}}`;
    const h = await header(rawFile(json, 4));
    expect(h.tensors.map((t) => t.name)).toEqual(['a"b', 'été', '日本', 'back\\slash\n']);
  });
  it('a tensor named __proto__ or toString', async () => {
    const h = await header(rawFile(`{"__proto__": ${ent('U8', [1], 0, 1)}, "toString": ${ent('U8', [1], 1, 2)}}`, 2));
    expect(h.tensors.map((t) => t.name)).toEqual(['__proto__', 'toString']);
    const file = writeSafetensors([{ name: '__proto__', dtype: 'U8', shape: [2], data: [5, 6] }], { __proto__: 'meta' } as never);
    const h2 = await header(file);
    expect(h2.byName.get('__proto__')).toEqual({ name: '__proto__', dtype: 'U8', shape: [2], begin: 0, end: 2 });
  });
  it('unknown extra fields in a tensor entry are ignored', async () => {
    const h = await header(rawFile(`{"w": {"dtype": "U8", "shape": [2], "data_offsets": [0, 2], "extra": {"k": [1, {"k": 2}]}}}`, 2));
    expect(h.tensors).toEqual([{ name: 'w', dtype: 'U8', shape: [2], begin: 0, end: 2 }]);
  });
  it('zero-size tensors at the start, between tensors and at the end; tensors sorted by begin', async () => {
    const json = `{"end": ${ent('F32', [0], 8, 8)}, "b": ${ent('F32', [1], 4, 8)}, "mid": ${ent('I64', [2, 0], 4, 4)}, "a": ${ent('F32', [1], 0, 4)}, "start": ${ent('U8', [0], 0, 0)}}`;
    const h = await header(rawFile(json, 8));
    expect(h.tensors.map((t) => [t.name, t.begin, t.end])).toEqual([['start', 0, 0], ['a', 0, 4], ['mid', 4, 4], ['b', 4, 8], ['end', 8, 8]]);
  });
  it('an empty object header with no data', async () => {
    const h = await header(rawFile('{}'));
    expect([h.tensors, h.metadata, h.fileSize, h.dataStart]).toEqual([[], null, 10, 10]);
  });
});

describe('sources', () => {
  const file = writeSafetensors([{ name: 'w', dtype: 'F32', shape: [5], data: [1, 2, 3, 4, 5] }], { a: 'b' });

  it('blobSource reads the same bytes as bytesSource', async () => {
    const a = bytesSource(file);
    const b = blobSource(new Blob([file as Uint8Array<ArrayBuffer>]));
    expect(b.size).toBe(a.size);
    for (const [s, e] of [[0, 8], [3, 17], [0, file.length], [file.length, file.length], [file.length - 5, file.length]]) {
      expect(Array.from(await b.read(s, e))).toEqual(Array.from(await a.read(s, e)));
      expect((await b.read(s, e)).length).toBe(e - s);
    }
    expect(await readSafetensorsHeader(b, FILE)).toEqual(await readSafetensorsHeader(a, FILE));
  });

  it('both refuse a read outside the file', async () => {
    for (const src of [bytesSource(file), blobSource(new Blob([file as Uint8Array<ArrayBuffer>]))]) {
      await expect(src.read(0, file.length + 1)).rejects.toThrow(RangeError);
      await expect(src.read(-1, 2)).rejects.toThrow(RangeError);
      await expect(src.read(5, 4)).rejects.toThrow(RangeError);
    }
  });

  it('a failing source is reported as a SafetensorsError', async () => {
    await refuse({ size: 100, read: async () => Promise.reject(new Error('NotReadableError: gone')) }, /^could not read bytes 0\.\.8 \(NotReadableError: gone\)$/);
  });
});

describe('reference fixture written by Python (make_fixture.py)', () => {
  const path = fileURLToPath(new URL('./fixtures/safetensors/reference.safetensors', import.meta.url));
  const bytes = new Uint8Array(readFileSync(path));

  it('is tiny', () => {
    expect(bytes.length).toBeLessThan(1024);
  });

  test.each([
    ['bytesSource', () => bytesSource(bytes)],
    ['blobSource', () => blobSource(new Blob([bytes as Uint8Array<ArrayBuffer>]))],
  ])('every value matches the literal values (%s)', async (_, makeSrc) => {
    const src = makeSrc();
    const h = await readSafetensorsHeader(src, 'reference.safetensors');
    expect(h.metadata).toEqual({ format: 'pt', note: '{"a": 1}' });
    expect((8 + h.headerLength) % 8).toBe(0);
    expect(h.tensors.map((t) => [t.name, t.dtype, t.shape, t.begin, t.end])).toEqual([
      ['half', 'F16', [6], 0, 12],
      ['mask', 'U8', [5], 12, 17],
      ['matrix', 'F32', [2, 3], 17, 41],
      ['ids', 'I64', [3], 41, 65],
      ['bf16', 'BF16', [6], 65, 77],
      ['scale', 'F32', [], 77, 81],
    ]);
    const v = await readAll(src, h);
    expect(list(v.half)).toEqual([1, -2, 65504, 0.0999755859375, 5.960464477539063e-8, Infinity]);
    expect(Array.from(await readTensorBytes(src, h, h.byName.get('half')!))).toEqual([0x00, 0x3c, 0x00, 0xc0, 0xff, 0x7b, 0x66, 0x2e, 0x01, 0x00, 0x00, 0x7c]);
    expect(v.mask).toBeInstanceOf(Uint8Array);
    expect(list(v.mask)).toEqual([0, 1, 128, 255, 7]);
    expect(list(v.matrix)).toEqual([1.5, -2.25, 0, 0.10000000149011612, 0.0010000000474974513, -65536]);
    expect(Array.from(v.ids as BigInt64Array)).toEqual([-1n, 1099511627783n, 9007199254740993n]);
    expect(Array.from(await readTensorBytes(src, h, h.byName.get('bf16')!))).toEqual([0x80, 0x3f, 0x40, 0x40, 0x80, 0x3f, 0x82, 0x3f, 0x49, 0x40, 0xcd, 0xbd]);
    expect(list(v.bf16)).toEqual([1, 3, 1, 1.015625, 3.140625, -0.10009765625]);
    expect(list(v.scale)).toEqual([0.0625]);
    // Our encoder produces the same F16 / BF16 bits as Python's struct 'e' and the exact-rational BF16 rounding.
    expect(Array.from(encodeTensor('F16', [1, -2, 65504, 0.1, 2 ** -24, Infinity]))).toEqual(Array.from(await readTensorBytes(src, h, h.byName.get('half')!)));
    expect(Array.from(encodeTensor('BF16', [1, 3, 1 + 2 ** -8, 1 + 3 * 2 ** -8, 3.14159265, -0.1]))).toEqual(Array.from(await readTensorBytes(src, h, h.byName.get('bf16')!)));
  });

  it('rewriting the fixture with writeSafetensors gives the same tensors', async () => {
    const src = bytesSource(bytes);
    const h = await header(bytes);
    const specs = await Promise.all(h.tensors.map(async (t) => ({ name: t.name, dtype: t.dtype, shape: t.shape, data: await readTensorBytes(src, h, t) })));
    const again = writeSafetensors(specs, h.metadata!);
    const h2 = await header(again);
    expect(h2.tensors).toEqual(h.tensors);
    expect(Array.from(again.subarray(h2.dataStart))).toEqual(Array.from(bytes.subarray(h.dataStart)));
  });
});
