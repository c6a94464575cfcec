// The safetensors format (the Hugging Face tensor file format): its dtypes, a tensor's entry, the
// header size limit, and the small checks and message helpers that the reader
// (safetensorsReader.ts) and the writer (safetensorsWriter.ts) share. No tfjs and no DOM
// dependency, so all of src/model/files runs in Node, on the main thread and in a Web Worker.
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

/** The element types read and written here (safetensors' dtype strings). */
export type SafetensorsDtype = 'F64' | 'F32' | 'F16' | 'BF16' | 'I64' | 'I32' | 'I16' | 'I8' | 'U8' | 'BOOL';
/** Every supported dtype, widest float first. */
export const SAFETENSORS_DTYPES: readonly SafetensorsDtype[] = Object.freeze(['F64', 'F32', 'F16', 'BF16', 'I64', 'I32', 'I16', 'I8', 'U8', 'BOOL'] as const);
/** Bytes per element of each dtype. */
export const DTYPE_BYTES: Record<SafetensorsDtype, number> = { F64: 8, F32: 4, F16: 2, BF16: 2, I64: 8, I32: 4, I16: 2, I8: 1, U8: 1, BOOL: 1 };

/** One tensor of a file; begin / end are byte offsets relative to the start of the data buffer. */
export interface TensorEntry { name: string; dtype: SafetensorsDtype; shape: number[]; begin: number; end: number }

/** Largest header accepted or written (bytes of JSON). */
export const MAX_HEADER = 100_000_000;
export const DTYPE_SET: ReadonlySet<string> = new Set(SAFETENSORS_DTYPES);
export const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
export const isCount = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;
/** A value as an error message shows it: JSON, cut to 60 characters. */
export const show = (v: unknown): string => { const s = JSON.stringify(v) ?? String(v); return s.length > 60 ? `${s.slice(0, 57)}...` : s };
/** A name in double quotes, escaped as JSON. */
export const q = (name: string): string => JSON.stringify(name);
export const elementCount = (shape: readonly number[]): number => shape.reduce((a, d) => a * d, 1);
