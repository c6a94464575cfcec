// Lower-cased byte-level BPE tokenizer (the GPT-2 / CLIP idea, kept small and deterministic).
//
// Pipeline: normaliseCaption (NFC, lowercase, collapse whitespace, trim) → pre-split into words
// (runs of letters, digits or other symbols; a word keeps its leading space) → UTF-8 bytes →
// apply learned merges by rank. Decoding concatenates the tokens' bytes and decodes UTF-8, so
// decode(encode(x)) === normaliseCaption(x) for any string.
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
//
// Training counts pairs over unique words weighted by frequency and updates the counts
// incrementally after each merge (a lazy max-heap picks the next pair). Ties on frequency are
// broken by the smaller pair (a, b) in lexicographic id order, so the merges depend only on the
// multiset of captions, not on their order.

export const PAD_ID = 0;
export const START_ID = 1;
export const END_ID = 2;
export const NIBBLE_ID = 3;
export const FIRST_BYTE_ID = NIBBLE_ID + 16;
/** Smallest vocabulary: specials and nibble fallback tokens (every byte then costs two tokens). */
export const MIN_VOCAB_SIZE = FIRST_BYTE_ID;
export const SPECIAL_TOKENS = { pad: '<pad>', start: '<start>', end: '<end>' } as const;

/** Pair key: ids fit in 21 bits, so a·2^21 + b is an exact double and orders pairs lexicographically. */
const KEY_BASE = 2 ** 21;
const pairKey = (a: number, b: number): number => a * KEY_BASE + b;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const WHITESPACE = /\s+/gu;
/** A word: optional leading space, then a run of letters, a run of digits, or a run of anything else. */
const WORD = / ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+/gu;

/** NFC, lowercase, collapse whitespace to single spaces, trim (lone surrogates become U+FFFD). */
export function normaliseCaption(s: string): string {
  return s
    .replace(LONE_SURROGATE, '\uFFFD')
    .normalize('NFC')
    .toLowerCase()
    .normalize('NFC')
    .replace(WHITESPACE, ' ')
    .trim();
}

/** Split already-normalised text into words; their concatenation is exactly the input. */
export function preSplit(normalised: string): string[] {
  return normalised.match(WORD) ?? [];
}

const encoder = new TextEncoder();

/** byte → id table (-1: not in the alphabet) for an ascending alphabet. */
function byteTable(alphabet: readonly number[]): Int32Array {
  const t = new Int32Array(256).fill(-1);
  alphabet.forEach((b, i) => (t[b] = FIRST_BYTE_ID + i));
  return t;
}

/** A word's initial ids: alphabet bytes directly, other bytes as two nibble tokens. */
function wordToIds(word: string, table: Int32Array): number[] {
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
const mergeable = (a: number, b: number): boolean => a >= FIRST_BYTE_ID && b >= FIRST_BYTE_ID;

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

function checkVocabSize(vocabSize: number): void {
  if (!Number.isInteger(vocabSize) || vocabSize < MIN_VOCAB_SIZE || vocabSize >= KEY_BASE) {
    throw new RangeError(`BPE vocabSize must be an integer in [${MIN_VOCAB_SIZE}, ${KEY_BASE}), got ${vocabSize}`);
  }
}

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

const isNibble = (id: number): boolean => id >= NIBBLE_ID && id < FIRST_BYTE_ID;

function mergeSeq(seq: number[], a: number, b: number, id: number): number[] {
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

/** Max-heap of (count, key) ordered by count desc, then key asc; entries may be stale. */
class PairHeap {
  private counts: number[] = [];
  private keys: number[] = [];
  get size(): number {
    return this.keys.length;
  }
  private better(i: number, j: number): boolean {
    const ci = this.counts[i];
    const cj = this.counts[j];
    return ci > cj || (ci === cj && this.keys[i] < this.keys[j]);
  }
  private swap(i: number, j: number): void {
    const c = this.counts[i];
    this.counts[i] = this.counts[j];
    this.counts[j] = c;
    const k = this.keys[i];
    this.keys[i] = this.keys[j];
    this.keys[j] = k;
  }
  push(count: number, key: number): void {
    this.counts.push(count);
    this.keys.push(key);
    let i = this.keys.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.better(i, p)) break;
      this.swap(i, p);
      i = p;
    }
  }
  peekCount(): number {
    return this.counts[0];
  }
  peekKey(): number {
    return this.keys[0];
  }
  pop(): void {
    const last = this.keys.length - 1;
    this.swap(0, last);
    this.counts.pop();
    this.keys.pop();
    let i = 0;
    const n = this.keys.length;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < n && this.better(l, m)) m = l;
      if (r < n && this.better(r, m)) m = r;
      if (m === i) break;
      this.swap(i, m);
      i = m;
    }
  }
}

export interface TrainBpeOptions {
  /** Stop early when the most frequent pair occurs fewer times than this (default 2). */
  minPairCount?: number;
}

/**
 * Learn a tokenizer from the captions: the alphabet is the set of bytes that occur (the most
 * frequent ones if vocabSize cannot hold them all), then merges are learned until vocabSize ids
 * exist or no pair occurs minPairCount times. The result depends only on the multiset of
 * captions. The tokenizer's vocabSize is always the requested one, even when fewer merges were
 * learned (unused ids are simply never produced).
 */
export function trainBpe(captions: Iterable<string>, vocabSize: number, options: TrainBpeOptions = {}): BpeTokenizer {
  checkVocabSize(vocabSize);
  const minPairCount = Math.max(1, options.minPairCount ?? 2);

  // Unique words with frequencies.
  const wordFreq = new Map<string, number>();
  for (const c of captions) {
    for (const w of preSplit(normaliseCaption(c))) wordFreq.set(w, (wordFreq.get(w) ?? 0) + 1);
  }

  // Alphabet: bytes by frequency (ties: lower byte first), as many as fit, then ascending.
  const byteFreq = new Float64Array(256);
  const encoded: Array<[Uint8Array, number]> = [];
  for (const [w, f] of wordFreq) {
    const bytes = encoder.encode(w);
    encoded.push([bytes, f]);
    for (let i = 0; i < bytes.length; i++) byteFreq[bytes[i]] += f;
  }
  const seen: number[] = [];
  for (let b = 0; b < 256; b++) if (byteFreq[b] > 0) seen.push(b);
  seen.sort((x, y) => byteFreq[y] - byteFreq[x] || x - y);
  const alphabet = seen.slice(0, vocabSize - FIRST_BYTE_ID).sort((x, y) => x - y);
  const table = byteTable(alphabet);
  const firstMergeId = FIRST_BYTE_ID + alphabet.length;

  const words: number[][] = [];
  const freqs: number[] = [];
  for (const [bytes, f] of encoded) {
    const ids: number[] = [];
    for (let i = 0; i < bytes.length; i++) {
      const id = table[bytes[i]];
      if (id >= 0) ids.push(id);
      else ids.push(NIBBLE_ID + (bytes[i] >> 4), NIBBLE_ID + (bytes[i] & 15));
    }
    if (ids.length < 2) continue; // nothing to merge
    words.push(ids);
    freqs.push(f);
  }

  // Initial pair counts and pair → words index.
  const counts = new Map<number, number>();
  const where = new Map<number, Set<number>>();
  for (let w = 0; w < words.length; w++) {
    const seq = words[w];
    const f = freqs[w];
    for (let i = 0; i + 1 < seq.length; i++) {
      if (!mergeable(seq[i], seq[i + 1])) continue;
      const k = pairKey(seq[i], seq[i + 1]);
      counts.set(k, (counts.get(k) ?? 0) + f);
      let s = where.get(k);
      if (!s) where.set(k, (s = new Set()));
      s.add(w);
    }
  }
  const heap = new PairHeap();
  for (const [k, c] of counts) heap.push(c, k);

  const merges: Array<[number, number]> = [];
  const delta = new Map<number, number>();
  while (firstMergeId + merges.length < vocabSize) {
    // Drop stale entries until the top matches the live count.
    while (heap.size > 0 && counts.get(heap.peekKey()) !== heap.peekCount()) heap.pop();
    if (heap.size === 0 || heap.peekCount() < minPairCount) break;
    const key = heap.peekKey();
    heap.pop();
    const a = Math.floor(key / KEY_BASE);
    const b = key - a * KEY_BASE;
    const id = firstMergeId + merges.length;
    merges.push([a, b]);

    delta.clear();
    const ws = where.get(key);
    where.delete(key);
    if (ws) {
      for (const w of ws) {
        const seq = words[w];
        let has = false;
        for (let i = 0; i + 1 < seq.length; i++) {
          if (seq[i] === a && seq[i + 1] === b) {
            has = true;
            break;
          }
        }
        if (!has) continue; // stale index entry
        const f = freqs[w];
        for (let i = 0; i + 1 < seq.length; i++) {
          if (!mergeable(seq[i], seq[i + 1])) continue;
          const k = pairKey(seq[i], seq[i + 1]);
          delta.set(k, (delta.get(k) ?? 0) - f);
        }
        const next = mergeSeq(seq, a, b, id);
        words[w] = next;
        for (let i = 0; i + 1 < next.length; i++) {
          if (!mergeable(next[i], next[i + 1])) continue;
          const k = pairKey(next[i], next[i + 1]);
          delta.set(k, (delta.get(k) ?? 0) + f);
          let s = where.get(k);
          if (!s) where.set(k, (s = new Set()));
          s.add(w);
        }
      }
    }
    for (const [k, d] of delta) {
      if (d === 0) continue;
      const c = (counts.get(k) ?? 0) + d;
      if (c > 0) {
        counts.set(k, c);
        heap.push(c, k);
      } else {
        counts.delete(k);
      }
    }
    counts.delete(key);
  }
  return new BpeTokenizer(vocabSize, alphabet, merges);
}
