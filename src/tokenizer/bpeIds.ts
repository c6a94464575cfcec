// The BPE tokenizer's id layout and the id-sequence steps that encoding (bpe.ts) and training
// (trainBpe.ts) share: a word's initial ids, which pairs may merge, applying one merge.
//
// Ids:
//   0 = <pad>, 1 = <start>, 2 = <end>
//   3..18  = 16 "hex nibble" fallback tokens: a byte outside the alphabet is written as two of
//            them (high nibble, low nibble), so every string still round-trips
//   19..   = the byte alphabet: every byte value that occurs in the training captions, ascending
//            (if vocabSize is too small for all of them, the most frequent ones)
//   then   = merges in the order they were learned.
// vocabSize counts all of them. Keeping only the bytes that occur (rather than all 256) leaves
// room for merges even at small vocabularies (vocab 256 on Shapes captions makes every word a
// single token); the nibble fallback keeps the "any byte string is encodable" property.

export const PAD_ID = 0;
export const START_ID = 1;
export const END_ID = 2;
export const NIBBLE_ID = 3;
export const FIRST_BYTE_ID = NIBBLE_ID + 16;
/** Smallest vocabulary: specials and nibble fallback tokens (every byte then costs two tokens). */
export const MIN_VOCAB_SIZE = FIRST_BYTE_ID;
export const SPECIAL_TOKENS = { pad: '<pad>', start: '<start>', end: '<end>' } as const;

/** Pair key: ids fit in 21 bits, so a·2^21 + b is an exact double and orders pairs lexicographically. */
export const KEY_BASE = 2 ** 21;
export const pairKey = (a: number, b: number): number => a * KEY_BASE + b;

const encoder = new TextEncoder();

/** byte → id table (-1: not in the alphabet) for an ascending alphabet. */
export function byteTable(alphabet: readonly number[]): Int32Array {
  const t = new Int32Array(256).fill(-1);
  alphabet.forEach((b, i) => (t[b] = FIRST_BYTE_ID + i));
  return t;
}

/** A word's initial ids: alphabet bytes directly, other bytes as two nibble tokens. */
export function wordToIds(word: string, table: Int32Array): number[] {
  const bytes = encoder.encode(word);
  const ids: number[] = [];
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    const id = table[b];
    if (id >= 0) ids.push(id);
    else ids.push(NIBBLE_ID + (b >> 4), NIBBLE_ID + (b & 15));
  }
  return ids;
}

/** Only alphabet bytes and merged tokens take part in merges (never specials or nibbles). */
export const mergeable = (a: number, b: number): boolean => a >= FIRST_BYTE_ID && b >= FIRST_BYTE_ID;

export function checkVocabSize(vocabSize: number): void {
  if (!Number.isInteger(vocabSize) || vocabSize < MIN_VOCAB_SIZE || vocabSize >= KEY_BASE) {
    throw new RangeError(`BPE vocabSize must be an integer in [${MIN_VOCAB_SIZE}, ${KEY_BASE}), got ${vocabSize}`);
  }
}

export const isNibble = (id: number): boolean => id >= NIBBLE_ID && id < FIRST_BYTE_ID;

/** seq with each (a, b), left to right and not overlapping, replaced by id. */
export function mergeSeq(seq: number[], a: number, b: number, id: number): number[] {
  const out: number[] = [];
  let i = 0;
  while (i < seq.length) {
    if (i + 1 < seq.length && seq[i] === a && seq[i + 1] === b) {
      out.push(id);
      i += 2;
    } else {
      out.push(seq[i]);
      i += 1;
    }
  }
  return out;
}
