// The CLIP tokenizer against an implementation we did not write: Hugging Face's tokenizers.js
// reading the same tokenizer.json, laid out as the files of CLIP models are (NFC + whitespace +
// lower-case normaliser, CLIP's split regex, byte-level, BPE with "</w>", start/end tokens). The
// vocabulary is small but real in form: the 512 byte symbols, 150 merges learned on a
// corpus with accents and emoji, and the two special tokens.
import { hfClipTokenizerJson } from './helpers/hfClipTokenizerJson';
import { Tokenizer } from '@huggingface/tokenizers';
import { describe, expect, it } from 'vitest';
import { ClipTokenizer, ClipTokenizerError, byteToUnicode, mergePair, CLIP_PIECE, CLIP_END, CLIP_START } from '../src/tokenizer/clipTokenizer';

const CORPUS = `a photo of a cat. a photo of the dog, sitting on a red sofa! two cats and three dogs play in the garden.
Café crème brûlée, naïve façade: the chef's special is très bon. 🐱 meets 🐶 at 12:30 — they're friends; we've seen it.
a blurry photo of a bird flying over the sea at sunset. it's 2024 and the photos are 1,000 times sharper. 東京タワー の 写真.`;

/** Greedy BPE merges over the corpus's pieces (words end in </w>), as CLIP's files were made: most frequent pair first. */
function learnMerges(n: number): [string, string][] {
  const bytes = byteToUnicode();
  const enc = new TextEncoder();
  const words = new Map<string, number>();
  for (const m of CORPUS.normalize('NFC').toLowerCase().matchAll(CLIP_PIECE)) words.set(m[0], (words.get(m[0]) ?? 0) + 1);
  let split = [...words].map(([w, c]) => {
    const s = Array.from(enc.encode(w), (b) => bytes[b]!);
    s[s.length - 1] += '</w>';
    return { s, c };
  });
  const merges: [string, string][] = [];
  for (let k = 0; k < n; k++) {
    const counts = new Map<string, number>();
    for (const { s, c } of split) for (let i = 0; i + 1 < s.length; i++) counts.set(`${s[i]} ${s[i + 1]}`, (counts.get(`${s[i]} ${s[i + 1]}`) ?? 0) + c);
    let best = '';
    let bestC = 0;
    for (const [p, c] of counts) if (c > bestC || (c === bestC && best !== '' && p < best)) (best = p), (bestC = c);
    if (!best) break;
    const [a, b] = best.split(' ') as [string, string];
    merges.push([a, b]);
    split = split.map(({ s, c }) => ({ s: mergePair(s, a, b), c }));
  }
  return merges;
}

function clipFiles() {
  const bytes = byteToUnicode();
  const merges = learnMerges(150);
  const vocab: Record<string, number> = {};
  for (const b of bytes) vocab[b] = Object.keys(vocab).length;
  for (const b of bytes) vocab[b + '</w>'] = Object.keys(vocab).length;
  for (const [a, b] of merges) vocab[a + b] ??= Object.keys(vocab).length;
  const start = Object.keys(vocab).length;
  vocab[CLIP_START] = start;
  vocab[CLIP_END] = start + 1;
  const tokenizerJson = hfClipTokenizerJson(vocab, merges.map(([a, b]) => `${a} ${b}`));
  const config = { bos_token: CLIP_START, eos_token: CLIP_END, unk_token: CLIP_END, pad_token: CLIP_END, model_max_length: 77, do_lower_case: true };
  return { tokenizerJson, config, vocab, merges };
}

const TRICKY = [
  'a photo of a cat',
  'A Photo Of THE Dog!',
  'Café crème brûlée, naïve façade',
  'e\u0301cole and école', // combining accent: NFC makes them one
  '🐱🐶 emoji 👩‍👩‍👧 family 🇫🇷 flag',
  "it's they're we've I'm you'll he'd don't",
  'numbers 12345, 3.14 and 1,000,000; 2024-12-03',
  'punctuation... (yes) — no?! "quoted" [brackets] {braces} #tag @user 50% $9.99',
  'tabs\t\tand\n\nnewlines   and    spaces',
  '東京タワー の 写真',
  'ÀÉÎÕÜ ÆØÅ ß straße',
  '',
  '   ',
  `${CLIP_START}a cat${CLIP_END}`,
  Array.from({ length: 120 }, (_, i) => `word${i}`).join(' '),
];

describe('ClipTokenizer vs tokenizers.js on the same tokenizer.json', () => {
  const { tokenizerJson, config, vocab, merges } = clipFiles();
  const ours = ClipTokenizer.fromTokenizerJson(JSON.parse(JSON.stringify(tokenizerJson)));
  const theirs = new Tokenizer(tokenizerJson, config);

  it('has the layout of CLIP: 512 byte symbols, merges, start and end last', () => {
    expect(merges.length).toBe(150);
    expect(ours.vocabSize).toBe(Object.keys(vocab).length);
    expect(ours.endId).toBe(ours.vocabSize - 1);
  });

  for (const text of TRICKY) {
    it(`the same ids for ${JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text)}`, () => {
      const want = theirs.encode(text, { add_special_tokens: false }).ids;
      expect(ours.encode(text)).toEqual(want);
      const withSpecials = theirs.encode(text).ids;
      const { tokens, eot, truncated } = ours.encodeForModel(text, 4096);
      expect(Array.from(tokens.subarray(0, eot + 1))).toEqual(withSpecials);
      expect(truncated).toBe(false);
    });
  }

  it('merges really apply (common words are single tokens) and vocab.json + merges.txt load the same', () => {
    const cat = ours.encode('cat');
    expect(cat).toHaveLength(1);
    const mergesTxt = `#version: 0.2\n${merges.map(([a, b]) => `${a} ${b}`).join('\n')}\n`;
    const again = ClipTokenizer.fromVocabAndMerges(vocab, mergesTxt);
    for (const t of TRICKY) expect(again.encode(t)).toEqual(ours.encode(t));
  });

  it('a long caption is cut to context − 2 ids between start and end; the feature is read at the end', () => {
    const long = TRICKY.at(-1)!;
    const all = ours.encode(long);
    const { tokens, eot, truncated } = ours.encodeForModel(long, 77);
    expect(all.length).toBeGreaterThan(75);
    expect(truncated).toBe(true);
    expect(eot).toBe(76);
    expect(tokens[0]).toBe(ours.startId);
    expect(tokens[76]).toBe(ours.endId);
    expect(Array.from(tokens.subarray(1, 76))).toEqual(all.slice(0, 75));
    const short = ours.encodeForModel('a cat', 77);
    expect(short.eot).toBe(1 + ours.encode('a cat').length);
    expect(Array.from(short.tokens.subarray(short.eot + 1)).every((t) => t === 0)).toBe(true);
  });

  it('refuses files that are not a CLIP tokenizer, naming the file and the problem', () => {
    const j = clipFiles().tokenizerJson;
    expect(() => ClipTokenizer.fromTokenizerJson({ ...j, model: { ...j.model, end_of_word_suffix: null } })).toThrow(/tokenizer\.json: words do not end in "<\/w>"/);
    expect(() => ClipTokenizer.fromTokenizerJson({ ...j, model: { ...j.model, type: 'WordPiece' } })).toThrow(/WordPiece, CLIP uses BPE/);
    expect(() => ClipTokenizer.fromTokenizerJson({})).toThrow(ClipTokenizerError);
    const { [CLIP_START]: _s, ...noStart } = j.model.vocab;
    expect(() => ClipTokenizer.fromTokenizerJson({ ...j, model: { ...j.model, vocab: noStart } })).toThrow(/no <\|startoftext\|> token/);
    expect(() => ClipTokenizer.fromVocabAndMerges(j.model.vocab, 'a\n')).toThrow(/merges\.txt line 1: expected two symbols/);
    expect(() => ClipTokenizer.fromVocabAndMerges([1, 2], '')).toThrow(/vocab\.json: the vocabulary is not an object/);
  });
});
