// Lower-cased byte-level BPE tokenizer (the GPT-2 / CLIP idea, kept small and deterministic).
//
// Pipeline: normaliseCaption (NFC, lowercase, collapse whitespace, trim) → pre-split into words
// (runs of letters, digits or other symbols; a word keeps its leading space) → UTF-8 bytes →
// apply learned merges by rank. Decoding concatenates the tokens' bytes and decodes UTF-8, so
// decode(encode(x)) === normaliseCaption(x) for any string.
//
// The id layout is in bpeIds.ts, the learning of merges in trainBpe.ts; this file is the
// tokenizer itself: encode, decode, the model's fixed-length rows, and its JSON form.
import {
  END_ID,
  FIRST_BYTE_ID,
  NIBBLE_ID,
  PAD_ID,
  SPECIAL_TOKENS,
  START_ID,
  byteTable,
  checkVocabSize,
  isNibble,
  mergeSeq,
  mergeable,
  pairKey,
  wordToIds,
} from './bpeIds';
import { normaliseCaption, preSplit } from './preTokenize';

/** Serialised form of a tokenizer (plain JSON). */
export interface BpeTokenizerJSON {
  type: 'clip-lab-bpe';
  version: 1;
  vocabSize: number;
  padId: number;
  startId: number;
  endId: number;
  /** Byte values with their own id, ascending; alphabet[i] has id FIRST_BYTE_ID + i. */
  alphabet: number[];
  /** Merge i creates token FIRST_BYTE_ID + alphabet.length + i from the pair [a, b]. */
  merges: Array<[number, number]>;
}

const CACHE_LIMIT = 50_000;

export class BpeTokenizer {
  /** Size of the id space (embedding rows); ids ≥ usedVocabSize are never produced. */
  readonly vocabSize: number;
  readonly padId = PAD_ID;
  readonly startId = START_ID;
  readonly endId = END_ID;
  readonly alphabet: readonly number[];
  /** Learned merges in rank order; merge i produces id firstMergeId + i. */
  readonly merges: ReadonlyArray<readonly [number, number]>;
  readonly firstMergeId: number;
  private readonly table: Int32Array;
  private readonly rank = new Map<number, number>();
  private readonly tokenBytes: Uint8Array[];
  private readonly wordCache = new Map<string, number[]>();
  private readonly textCache = new Map<string, number[]>();

  constructor(vocabSize: number, alphabet: readonly number[], merges: ReadonlyArray<readonly [number, number]>) {
    checkVocabSize(vocabSize);
    for (let i = 0; i < alphabet.length; i++) {
      const b = alphabet[i];
      if (!Number.isInteger(b) || b < 0 || b > 255 || (i > 0 && b <= alphabet[i - 1])) throw new RangeError('alphabet must be ascending distinct byte values');
    }
    this.firstMergeId = FIRST_BYTE_ID + alphabet.length;
    if (this.firstMergeId + merges.length > vocabSize) {
      throw new RangeError(`${alphabet.length} alphabet bytes and ${merges.length} merges do not fit in vocabSize ${vocabSize}`);
    }
    this.vocabSize = vocabSize;
    this.alphabet = [...alphabet];
    this.table = byteTable(this.alphabet);
    this.merges = merges.map(([a, b]) => [a, b] as const);
    this.tokenBytes = [];
    for (let i = 0; i < FIRST_BYTE_ID; i++) this.tokenBytes.push(new Uint8Array(0));
    for (const b of this.alphabet) this.tokenBytes.push(Uint8Array.of(b));
    this.merges.forEach(([a, b], i) => {
      const id = this.firstMergeId + i;
      if (!Number.isInteger(a) || !Number.isInteger(b) || !mergeable(a, b) || a >= id || b >= id) {
        throw new RangeError(`invalid merge #${i}: [${a}, ${b}]`);
      }
      const key = pairKey(a, b);
      if (this.rank.has(key)) throw new RangeError(`duplicate merge #${i}: [${a}, ${b}]`);
      this.rank.set(key, i);
      const ba = this.tokenBytes[a];
      const bb = this.tokenBytes[b];
      const joined = new Uint8Array(ba.length + bb.length);
      joined.set(ba, 0);
      joined.set(bb, ba.length);
      this.tokenBytes.push(joined);
    });
  }

  /** Number of ids actually in use (specials, nibbles, alphabet, merges); ≤ vocabSize. */
  get usedVocabSize(): number {
    return this.firstMergeId + this.merges.length;
  }

  /** Token ids for the text (normalised first), without special tokens. */
  encode(text: string): number[] {
    let ids = this.textCache.get(text);
    if (ids === undefined) {
      ids = [];
      for (const w of preSplit(normaliseCaption(text))) {
        const wi = this.encodeWord(w);
        for (let i = 0; i < wi.length; i++) ids.push(wi[i]);
      }
      if (this.textCache.size >= CACHE_LIMIT) this.textCache.clear();
      this.textCache.set(text, ids);
    }
    return ids.slice();
  }

  private encodeWord(word: string): number[] {
    const cached = this.wordCache.get(word);
    if (cached !== undefined) return cached;
    let seq = wordToIds(word, this.table);
    for (;;) {
      let bestRank = Infinity;
      for (let i = 0; i + 1 < seq.length; i++) {
        const r = this.rank.get(pairKey(seq[i], seq[i + 1]));
        if (r !== undefined && r < bestRank) bestRank = r;
      }
      if (bestRank === Infinity) break;
      const [a, b] = this.merges[bestRank];
      seq = mergeSeq(seq, a, b, this.firstMergeId + bestRank);
    }
    if (this.wordCache.size >= CACHE_LIMIT) this.wordCache.clear();
    this.wordCache.set(word, seq);
    return seq;
  }

  /**
   * Text for the ids. Special tokens are skipped; a nibble token pairs with the next one into a
   * byte (an unpaired nibble is dropped); out-of-range ids throw.
   */
  decode(ids: ArrayLike<number>): string {
    const out: number[] = [];
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i];
      if (!Number.isInteger(id) || id < 0 || id >= this.vocabSize) throw new RangeError(`token id ${id} out of range [0, ${this.vocabSize})`);
      if (id >= NIBBLE_ID && id < FIRST_BYTE_ID) {
        const next = i + 1 < ids.length ? ids[i + 1] : -1;
        if (next >= NIBBLE_ID && next < FIRST_BYTE_ID) {
          out.push(((id - NIBBLE_ID) << 4) | (next - NIBBLE_ID));
          i++;
        }
        continue;
      }
      const bytes = this.tokenBytes[id]; // undefined for unused ids ≥ usedVocabSize: decode to nothing
      if (bytes) for (let k = 0; k < bytes.length; k++) out.push(bytes[k]);
    }
    return new TextDecoder('utf-8').decode(Uint8Array.from(out));
  }

  /** Human-readable form of one token (specials by name, nibbles as <0xH>, bytes decoded leniently). */
  tokenToString(id: number): string {
    if (id === PAD_ID) return SPECIAL_TOKENS.pad;
    if (id === START_ID) return SPECIAL_TOKENS.start;
    if (id === END_ID) return SPECIAL_TOKENS.end;
    if (id >= NIBBLE_ID && id < FIRST_BYTE_ID) return `<0x${(id - NIBBLE_ID).toString(16)}>`;
    return this.decode([id]);
  }

  /**
   * <start>, the text's tokens (truncated to contextLength − 2), <end>, then <pad> up to contextLength.
   * eot is the index of <end>.
   */
  encodeForModel(text: string, contextLength: number): { ids: Int32Array; eot: number } {
    const ids = new Int32Array(contextLength);
    const eot = this.writeForModel(text, contextLength, ids, 0);
    return { ids, eot };
  }

  /** encodeForModel for each text: tokens is B·contextLength (row-major), eot has B entries. */
  encodeBatch(texts: readonly string[], contextLength: number): { tokens: Int32Array; eot: Int32Array } {
    const tokens = new Int32Array(texts.length * contextLength);
    const eot = new Int32Array(texts.length);
    for (let i = 0; i < texts.length; i++) eot[i] = this.writeForModel(texts[i], contextLength, tokens, i * contextLength);
    return { tokens, eot };
  }

  private writeForModel(text: string, contextLength: number, out: Int32Array, offset: number): number {
    if (!Number.isInteger(contextLength) || contextLength < 2) throw new RangeError(`contextLength must be an integer ≥ 2, got ${contextLength}`);
    const body = this.encode(text);
    let n = Math.min(body.length, contextLength - 2);
    // Do not cut a nibble pair in half (a run of nibble tokens always consists of whole pairs).
    if (n < body.length && n > 0 && isNibble(body[n - 1])) {
      let run = 0;
      while (run < n && isNibble(body[n - 1 - run])) run++;
      if (run % 2 === 1) n--;
    }
    out[offset] = START_ID;
    for (let i = 0; i < n; i++) out[offset + 1 + i] = body[i];
    out[offset + 1 + n] = END_ID;
    out.fill(PAD_ID, offset + 2 + n, offset + contextLength);
    return 1 + n;
  }

  toJSON(): BpeTokenizerJSON {
    return {
      type: 'clip-lab-bpe',
      version: 1,
      vocabSize: this.vocabSize,
      padId: PAD_ID,
      startId: START_ID,
      endId: END_ID,
      alphabet: [...this.alphabet],
      merges: this.merges.map(([a, b]) => [a, b]),
    };
  }

  static fromJSON(o: unknown): BpeTokenizer {
    const j = o as Partial<BpeTokenizerJSON> | null;
    if (!j || typeof j !== 'object' || j.type !== 'clip-lab-bpe' || j.version !== 1) throw new Error('not a clip-lab BPE tokenizer (type/version mismatch)');
    if (j.padId !== PAD_ID || j.startId !== START_ID || j.endId !== END_ID) throw new Error('unsupported special token ids');
    if (!Array.isArray(j.alphabet)) throw new Error('malformed alphabet');
    if (!Array.isArray(j.merges) || !j.merges.every((m) => Array.isArray(m) && m.length === 2)) throw new Error('malformed merges');
    return new BpeTokenizer(Number(j.vocabSize), j.alphabet, j.merges);
  }
}
