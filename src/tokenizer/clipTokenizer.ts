// The tokenizer of OpenAI CLIP and open_clip models, for checkpoints brought from disk: byte-level BPE
// whose word-final symbols carry "</w>", read from a Hugging Face `tokenizer.json` or from
// `vocab.json` + `merges.txt`. The steps, as the files define them:
//   normalise   NFC, every run of whitespace → one space, lower case
//   split       'S|'T|'RE|'VE|'M|'LL|'D (lower-cased), letter runs, single digits, runs of other
//               non-space characters; spaces are dropped; <|startoftext|> / <|endoftext|> in the
//               text are the special tokens themselves
//   bytes       each piece's UTF-8 bytes as printable characters (the GPT-2 byte ↔ unicode table)
//   BPE         the last symbol gets "</w>"; the adjacent pair of lowest merge rank is merged until
//               none is in the merges
//   model input <|startoftext|> + ids (at most contextLength − 2) + <|endoftext|>, zero padding; the
//               text feature is read at the end token's position
// The caption tokenizer the app trains (./bpe.ts) is a different, smaller scheme for its own data.

export const CLIP_START = '<|startoftext|>';
export const CLIP_END = '<|endoftext|>';
const WORD_END = '</w>';

/** The reversible byte → printable-character table of byte-level BPE (printable Latin-1 bytes map to themselves). */
export function byteToUnicode(): string[] {
  const keep: number[] = [];
  for (let b = 33; b <= 126; b++) keep.push(b);
  for (let b = 161; b <= 172; b++) keep.push(b);
  for (let b = 174; b <= 255; b++) keep.push(b);
  const table = new Array<string>(256);
  const kept = new Set(keep);
  let extra = 0;
  for (let b = 0; b < 256; b++) table[b] = String.fromCodePoint(kept.has(b) ? b : 256 + extra++);
  return table;
}

export const CLIP_PIECE = /'s|'t|'re|'ve|'m|'ll|'d|\p{L}+|\p{N}|[^\s\p{L}\p{N}]+/gu;

/** NFC, whitespace runs collapsed to one space, lower case (the files' normaliser). */
export function normaliseClipText(text: string): string {
  return text.normalize('NFC').replace(/\s+/gu, ' ').toLowerCase();
}

export class ClipTokenizerError extends Error {}

/** How a model stores its CLIP tokenizer (inside ModelWeights / a stored record). */
export interface ClipTokenizerJSON {
  type: 'clip-bpe';
  vocab: Record<string, number>;
  merges: [string, string][];
}

export interface ClipTokenizerFiles {
  /** token → id */
  vocab: Record<string, number>;
  /** Merge pairs in rank order. */
  merges: [string, string][];
}

export class ClipTokenizer {
  readonly vocabSize: number;
  readonly startId: number;
  readonly endId: number;
  private readonly ranks = new Map<string, number>();
  private readonly bytes = byteToUnicode();
  private readonly cache = new Map<string, number[]>();
  private readonly encoder = new TextEncoder();

  constructor(private readonly vocab: Record<string, number>, private readonly merges: readonly [string, string][], what = 'the tokenizer') {
    merges.forEach(([a, b], r) => {
      const key = `${a} ${b}`;
      if (!this.ranks.has(key)) this.ranks.set(key, r);
    });
    const ids = Object.values(vocab);
    this.vocabSize = ids.length === 0 ? 0 : Math.max(...ids) + 1;
    const start = vocab[CLIP_START];
    const end = vocab[CLIP_END];
    if (start === undefined || end === undefined) throw new ClipTokenizerError(`${what}: the vocabulary has no ${start === undefined ? CLIP_START : CLIP_END} token, so it is not a CLIP tokenizer`);
    this.startId = start;
    this.endId = end;
    const missing = this.bytes.find((ch) => vocab[ch + WORD_END] === undefined && vocab[ch] === undefined);
    if (missing !== undefined) throw new ClipTokenizerError(`${what}: the vocabulary lacks the byte symbol "${missing}", so some text could not be encoded`);
  }

  /** From a Hugging Face tokenizer.json (model type BPE with end_of_word_suffix "</w>"). */
  static fromTokenizerJson(json: unknown, what = 'tokenizer.json'): ClipTokenizer {
    const model = (json as { model?: { type?: string; vocab?: unknown; merges?: unknown; end_of_word_suffix?: unknown } } | null)?.model;
    if (!model || typeof model !== 'object') throw new ClipTokenizerError(`${what}: no "model" section`);
    if (model.type !== undefined && model.type !== 'BPE') throw new ClipTokenizerError(`${what}: the model is ${String(model.type)}, CLIP uses BPE`);
    if (model.end_of_word_suffix !== WORD_END) throw new ClipTokenizerError(`${what}: words do not end in "</w>" (end_of_word_suffix is ${JSON.stringify(model.end_of_word_suffix)}), so it is not a CLIP tokenizer`);
    const merges = Array.isArray(model.merges) ? model.merges.map((m, i) => parseMerge(m, `${what}: merge ${i}`)) : null;
    if (!merges) throw new ClipTokenizerError(`${what}: "model.merges" is not a list`);
    return new ClipTokenizer(checkVocab(model.vocab, what), merges, what);
  }

  /** From vocab.json (parsed) and the text of merges.txt (an optional "#version" first line). */
  static fromVocabAndMerges(vocab: unknown, mergesText: string, what = 'vocab.json + merges.txt'): ClipTokenizer {
    const lines = mergesText.split(/\r?\n/);
    if (lines[0]?.startsWith('#version')) lines.shift();
    const merges = lines.filter((l) => l.trim() !== '').map((l, i) => parseMerge(l, `merges.txt line ${i + 1}`));
    return new ClipTokenizer(checkVocab(vocab, 'vocab.json'), merges, what);
  }

  static fromJSON(j: ClipTokenizerJSON): ClipTokenizer {
    if (!j || j.type !== 'clip-bpe' || !Array.isArray(j.merges)) throw new ClipTokenizerError('not a stored CLIP tokenizer');
    return new ClipTokenizer(checkVocab(j.vocab, 'the stored tokenizer'), j.merges.map((m, i) => parseMerge(m, `stored merge ${i}`)));
  }

  toJSON(): ClipTokenizerJSON {
    return { type: 'clip-bpe', vocab: this.vocab, merges: this.merges.map(([a, b]) => [a, b]) };
  }

  /** encodeForModel for each text: tokens is B·contextLength (row-major), eot has B entries. */
  encodeBatch(texts: readonly string[], contextLength: number): { tokens: Int32Array; eot: Int32Array } {
    const tokens = new Int32Array(texts.length * contextLength);
    const eot = new Int32Array(texts.length);
    texts.forEach((t, i) => {
      const r = this.encodeForModel(t, contextLength);
      tokens.set(r.tokens, i * contextLength);
      eot[i] = r.eot;
    });
    return { tokens, eot };
  }

  /** Ids of a text without the start and end tokens. */
  encode(text: string): number[] {
    const out: number[] = [];
    // The special tokens written in the text are matched whole, before normalisation.
    const specials = new RegExp(`(${escape(CLIP_START)}|${escape(CLIP_END)})`, 'u');
    for (const part of text.split(specials)) {
      if (part === CLIP_START) out.push(this.startId);
      else if (part === CLIP_END) out.push(this.endId);
      else if (part) for (const m of normaliseClipText(part).matchAll(CLIP_PIECE)) out.push(...this.piece(m[0]));
    }
    return out;
  }

  /** The model's input: start, at most contextLength − 2 ids, end, zeros; `eot` is the end token's index. */
  encodeForModel(text: string, contextLength: number): { tokens: Int32Array; eot: number; truncated: boolean } {
    const ids = this.encode(text);
    const keep = Math.min(ids.length, contextLength - 2);
    const tokens = new Int32Array(contextLength);
    tokens[0] = this.startId;
    for (let i = 0; i < keep; i++) tokens[1 + i] = ids[i]!;
    tokens[1 + keep] = this.endId;
    return { tokens, eot: 1 + keep, truncated: keep < ids.length };
  }

  private piece(word: string): number[] {
    const hit = this.cache.get(word);
    if (hit) return hit;
    const symbols = Array.from(this.encoder.encode(word), (b) => this.bytes[b]!);
    symbols[symbols.length - 1] += WORD_END;
    for (;;) {
      let best = -1;
      let bestRank = Infinity;
      for (let i = 0; i + 1 < symbols.length; i++) {
        const r = this.ranks.get(`${symbols[i]} ${symbols[i + 1]}`);
        if (r !== undefined && r < bestRank) (bestRank = r), (best = i);
      }
      if (best < 0) break;
      symbols.splice(0, symbols.length, ...mergePair(symbols, symbols[best]!, symbols[best + 1]!));
    }
    const ids = symbols.map((s) => {
      const id = this.vocab[s];
      if (id === undefined) throw new ClipTokenizerError(`the symbol "${s}" of "${word}" is not in the vocabulary (merges and vocabulary do not match)`);
      return id;
    });
    if (this.cache.size < 50_000) this.cache.set(word, ids);
    return ids;
  }
}

/** Every occurrence of the adjacent pair (a, b) merged into one symbol, left to right (as the reference BPE does). */
export function mergePair(symbols: readonly string[], a: string, b: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < symbols.length; i++) {
    if (i + 1 < symbols.length && symbols[i] === a && symbols[i + 1] === b) {
      out.push(a + b);
      i++;
    } else out.push(symbols[i]!);
  }
  return out;
}

function escape(s: string): string {
  return s.replace(/[|\\{}()[\]^$+*?.]/g, '\\$&');
}

function parseMerge(m: unknown, where: string): [string, string] {
  if (Array.isArray(m) && m.length === 2 && typeof m[0] === 'string' && typeof m[1] === 'string') return [m[0], m[1]];
  if (typeof m === 'string') {
    const parts = m.split(' ');
    if (parts.length === 2 && parts[0] && parts[1]) return [parts[0], parts[1]];
  }
  throw new ClipTokenizerError(`${where}: expected two symbols, got ${JSON.stringify(m)}`);
}

function checkVocab(v: unknown, what: string): Record<string, number> {
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw new ClipTokenizerError(`${what}: the vocabulary is not an object of token → id`);
  for (const [k, id] of Object.entries(v)) if (!Number.isInteger(id) || (id as number) < 0) throw new ClipTokenizerError(`${what}: token ${JSON.stringify(k)} has id ${JSON.stringify(id)}`);
  return v as Record<string, number>;
}
