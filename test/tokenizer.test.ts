import { describe, expect, test } from 'vitest';
import { BpeTokenizer } from '../src/tokenizer/bpe';
import { END_ID, FIRST_BYTE_ID, MIN_VOCAB_SIZE, NIBBLE_ID, PAD_ID, START_ID } from '../src/tokenizer/bpeIds';
import { normaliseCaption, preSplit } from '../src/tokenizer/preTokenize';
import { trainBpe } from '../src/tokenizer/trainBpe';
import { DEFAULT_SHAPES_CONFIG, shapesCaptionCorpus } from '../src/data/shapes';
import { Rng } from '../src/util/prng';

const COLOURS = ['red', 'green', 'blue', 'yellow', 'purple', 'orange', 'cyan', 'white'];
const SHAPES = ['circle', 'square', 'triangle', 'star', 'cross', 'heart'];
const POS = ['top left', 'top right', 'bottom left', 'bottom right'];

/** Synthetic caption corpus (independent of the Shapes generator). */
function corpus(n: number, seed = 1): string[] {
  const rng = new Rng(seed);
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const c = rng.pick(COLOURS);
    const s = rng.pick(SHAPES);
    const p = rng.pick(POS);
    const z = rng.pick(['small', 'large']);
    switch (rng.int(4)) {
      case 0:
        out.push(`a ${z} ${c} ${s} in the ${p}`);
        break;
      case 1:
        out.push(`${p}: a ${c} ${s}`);
        break;
      case 2:
        out.push(`A ${c.toUpperCase()} ${s}!`);
        break;
      default:
        out.push(`there is a ${z} ${c} ${s} at the ${p}`);
    }
  }
  return out;
}

const TRICKY = [
  'a small red circle in the top left',
  '  Hello,   WORLD!!  ',
  'Tabs\tand\nnewlines\r\nmixed   in',
  'café naïve résumé',
  'cafe\u0301 (decomposed e + combining acute)',
  'ÀÉÎÕÜ ÇØÅ ß ẞ',
  'emoji 🙂🚀 and flags 🇫🇷 and ZWJ 👩‍👩‍👧',
  '日本語のテキスト、句読点。',
  'Ελληνικά και Кириллица',
  'numbers 12345 and 3.14159, -42 %',
  'punctuation: ;:!?.,\'"()[]{}<>/\\|@#$^&*_+=~`',
  'mixed123abc!!!xyz',
  'İstanbul',
  'lone \uD800 surrogate',
  '',
  '   ',
  'a',
  '\u00a0non-breaking\u2003spaces\u3000here',
];

describe('normaliseCaption / preSplit', () => {
  test('NFC, lowercase, collapse whitespace, trim', () => {
    expect(normaliseCaption('  A  Red\tCIRCLE\n ')).toBe('a red circle');
    expect(normaliseCaption('cafe\u0301')).toBe('caf\u00e9');
    expect(normaliseCaption('\u00a0x\u2003y\u3000')).toBe('x y');
  });
  test('is idempotent', () => {
    for (const s of TRICKY) expect(normaliseCaption(normaliseCaption(s))).toBe(normaliseCaption(s));
  });
  test('pre-split words concatenate back to the text and keep the leading space', () => {
    for (const s of TRICKY) {
      const n = normaliseCaption(s);
      expect(preSplit(n).join('')).toBe(n);
    }
    expect(preSplit('a red circle, top-left!')).toEqual(['a', ' red', ' circle', ',', ' top', '-', 'left', '!']);
  });
});

describe('trainBpe / BpeTokenizer', () => {
  const captions = corpus(3000);
  const tok = trainBpe(captions, 300);

  test('special ids and vocab size', () => {
    expect(tok.padId).toBe(PAD_ID);
    expect(tok.startId).toBe(START_ID);
    expect(tok.endId).toBe(END_ID);
    expect(new Set([tok.padId, tok.startId, tok.endId]).size).toBe(3);
    expect(tok.vocabSize).toBe(300);
    expect(tok.usedVocabSize).toBeLessThanOrEqual(300);
    expect(trainBpe([...captions, ...TRICKY, ...TRICKY], 300).usedVocabSize).toBe(300); // enough pairs to fill it
    for (const c of captions.slice(0, 200)) for (const id of tok.encode(c)) expect(id).toBeLessThan(300);
  });

  test('round trip decode(encode(x)) === normaliseCaption(x)', () => {
    const tiny = trainBpe(captions, MIN_VOCAB_SIZE); // nibbles only: every byte is a fallback pair
    const selfTrained = trainBpe([...TRICKY, ...TRICKY], 400);
    for (const t of [tok, tiny, selfTrained]) {
      for (const s of [...TRICKY, ...captions.slice(0, 50)]) {
        expect(t.decode(t.encode(s))).toBe(normaliseCaption(s));
      }
    }
    // Unseen bytes (emoji, CJK) fall back to nibble pairs in a tokenizer trained on ASCII captions.
    const ids = tok.encode('🙂');
    expect(ids.length).toBe(8);
    expect(ids.every((i) => i >= NIBBLE_ID && i < FIRST_BYTE_ID)).toBe(true);
  });

  test('random strings round-trip', () => {
    const rng = new Rng(7);
    const pool = 'abcXYZ 0123 .,!?-éüß中文🙂\u0301\t\n';
    const chars = Array.from(pool);
    for (let k = 0; k < 300; k++) {
      let s = '';
      const len = rng.int(30);
      for (let i = 0; i < len; i++) s += rng.pick(chars);
      expect(tok.decode(tok.encode(s))).toBe(normaliseCaption(s));
    }
  });

  test('deterministic and independent of caption order', () => {
    const shuffled = new Rng(99).shuffle([...captions]);
    const a = trainBpe(captions, 300).toJSON();
    const b = trainBpe(shuffled, 300).toJSON();
    const c = trainBpe(captions.slice().reverse(), 300).toJSON();
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
    expect(JSON.stringify(c)).toBe(JSON.stringify(a));
  });

  test('ties are broken by the smaller pair (lexicographic ids)', () => {
    // "ab" and "cd" occur equally often: the pair of smaller ids ("a","b") is merged first.
    const t = trainBpe(['cd ab', 'ab cd'], FIRST_BYTE_ID + 6 + 1);
    const [a, b] = t.merges[0];
    expect(t.decode([a, b])).toBe('ab');
  });

  test('incremental training matches a naive reference implementation', () => {
    const small = corpus(400, 3);
    for (const v of [60, 120, 200]) {
      const t = trainBpe(small, v);
      expect(t.merges.map((m) => [...m])).toEqual(naiveMerges(small, v, t.alphabet));
    }
  });

  test('fromJSON(toJSON()) encodes identically', () => {
    const j = JSON.parse(JSON.stringify(tok.toJSON()));
    const back = BpeTokenizer.fromJSON(j);
    expect(back.vocabSize).toBe(tok.vocabSize);
    expect(JSON.stringify(back.toJSON())).toBe(JSON.stringify(tok.toJSON()));
    for (const s of [...TRICKY, ...captions.slice(0, 100)]) expect(back.encode(s)).toEqual(tok.encode(s));
    expect(() => BpeTokenizer.fromJSON({ type: 'other' })).toThrow();
  });

  test('encode is cached but returns fresh arrays', () => {
    const a = tok.encode('a red circle');
    a.push(123);
    expect(tok.encode('a red circle')).not.toContain(123);
    expect(tok.encode('A  RED circle')).toEqual(tok.encode('a red circle'));
  });

  test('encodeForModel pads, truncates and reports eot', () => {
    const body = tok.encode('a small red circle in the top left');
    const T = body.length + 6;
    const { ids, eot } = tok.encodeForModel('a small red circle in the top left', T);
    expect(ids.length).toBe(T);
    expect(ids[0]).toBe(START_ID);
    expect(Array.from(ids.slice(1, 1 + body.length))).toEqual(body);
    expect(eot).toBe(body.length + 1);
    expect(ids[eot]).toBe(END_ID);
    expect(Array.from(ids.slice(eot + 1))).toEqual([PAD_ID, PAD_ID, PAD_ID, PAD_ID]);

    // Truncated: start + first T−2 tokens + end, no padding.
    const short = tok.encodeForModel('a small red circle in the top left', 4);
    expect(Array.from(short.ids)).toEqual([START_ID, body[0], body[1], END_ID]);
    expect(short.eot).toBe(3);

    // Exactly fitting.
    const exact = tok.encodeForModel('a small red circle in the top left', body.length + 2);
    expect(exact.eot).toBe(body.length + 1);
    expect(exact.ids[body.length + 1]).toBe(END_ID);

    // Empty caption.
    const empty = tok.encodeForModel('', 5);
    expect(Array.from(empty.ids)).toEqual([START_ID, END_ID, PAD_ID, PAD_ID, PAD_ID]);
    expect(empty.eot).toBe(1);
    expect(() => tok.encodeForModel('x', 1)).toThrow();
  });

  test('truncation never splits a nibble pair', () => {
    const body = tok.encode('a 🙂'); // 'a', then 8 nibble tokens for ' ' + 4 emoji bytes (space may be a byte)
    for (let T = 2; T < body.length + 3; T++) {
      const { ids, eot } = tok.encodeForModel('a 🙂', T);
      let run = 0;
      for (let i = eot - 1; i >= 1 && ids[i] >= NIBBLE_ID && ids[i] < FIRST_BYTE_ID; i--) run++;
      expect(run % 2).toBe(0);
    }
  });

  test('encodeBatch equals encodeForModel row by row', () => {
    const texts = ['a red circle', '', 'there is a large blue star at the bottom right of a very long caption indeed', 'top left: a cyan heart'];
    const T = 12;
    const { tokens, eot } = tok.encodeBatch(texts, T);
    expect(tokens.length).toBe(texts.length * T);
    expect(eot.length).toBe(texts.length);
    texts.forEach((t, i) => {
      const r = tok.encodeForModel(t, T);
      expect(Array.from(tokens.slice(i * T, (i + 1) * T))).toEqual(Array.from(r.ids));
      expect(eot[i]).toBe(r.eot);
    });
  });

  test('frequent words become single tokens', () => {
    expect(tok.encode('a red circle').length).toBe(3);
    const long = 'there is a large blue square at the bottom right';
    expect(tok.encode(long).length).toBe(long.split(' ').length);
    for (const id of tok.encode(long)) expect(tok.tokenToString(id)).toMatch(/^ ?[a-z]+$/);
    // A word that never occurs stays split into pieces.
    expect(tok.encode('xylophone').length).toBeGreaterThan(1);
  });

  test('decode skips specials and rejects out-of-range ids', () => {
    const ids = tok.encode('a red circle');
    expect(tok.decode([START_ID, ...ids, END_ID, PAD_ID, PAD_ID])).toBe('a red circle');
    expect(() => tok.decode([tok.vocabSize])).toThrow();
    expect(tok.tokenToString(START_ID)).toBe('<start>');
  });

  test('invalid vocab sizes throw', () => {
    expect(() => trainBpe(['a'], MIN_VOCAB_SIZE - 1)).toThrow(RangeError);
    expect(() => trainBpe(['a'], 300.5)).toThrow(RangeError);
  });

  test('a vocabulary larger than the data needs still reports the requested size', () => {
    const t = trainBpe(['a red circle'], 1000);
    expect(t.vocabSize).toBe(1000);
    expect(t.usedVocabSize).toBeLessThan(1000);
    expect(t.decode(t.encode('a red circle'))).toBe('a red circle');
  });

  test('~20k short captions to vocab 512 train in well under 2 s', () => {
    const big = corpus(20000, 11);
    const t0 = performance.now();
    const t = trainBpe(big, 512);
    const ms = performance.now() - t0;
    expect(ms).toBeLessThan(2000);
    expect(t.vocabSize).toBe(512);
    const t1 = performance.now();
    t.encodeBatch(big, 24);
    expect(performance.now() - t1).toBeLessThan(2000);
  });
});

describe('on the Shapes captions', () => {
  const captions = [...shapesCaptionCorpus(DEFAULT_SHAPES_CONFIG, 4000)];
  for (const v of [256, 512]) {
    test(`vocab ${v}: every word is one token and every caption fits a 16-token context`, () => {
      const t = trainBpe(captions, v);
      let longest = 0;
      for (const c of captions) {
        const ids = t.encode(c);
        expect(ids.length).toBe(preSplit(normaliseCaption(c)).length);
        longest = Math.max(longest, ids.length);
      }
      expect(longest + 2).toBeLessThanOrEqual(16);
    });
  }
});

/** Straightforward BPE: re-count every pair over the unique words after each merge. */
function naiveMerges(captions: string[], vocabSize: number, alphabet: readonly number[]): number[][] {
  const enc = new TextEncoder();
  const freq = new Map<string, number>();
  for (const c of captions) for (const w of preSplit(normaliseCaption(c))) freq.set(w, (freq.get(w) ?? 0) + 1);
  const table = new Map(alphabet.map((b, i) => [b, FIRST_BYTE_ID + i]));
  let words = [...freq].map(([w, f]) => ({ seq: Array.from(enc.encode(w), (b) => table.get(b)!), f }));
  const merges: number[][] = [];
  let next = FIRST_BYTE_ID + alphabet.length;
  while (next < vocabSize) {
    const counts = new Map<string, number>();
    for (const { seq, f } of words) for (let i = 0; i + 1 < seq.length; i++) counts.set(`${seq[i]},${seq[i + 1]}`, (counts.get(`${seq[i]},${seq[i + 1]}`) ?? 0) + f);
    let best: number[] | null = null;
    let bestC = 1;
    for (const [k, c] of counts) {
      const p = k.split(',').map(Number);
      if (c > bestC || (c === bestC && best && (p[0] < best[0] || (p[0] === best[0] && p[1] < best[1])))) {
        best = p;
        bestC = c;
      }
    }
    if (!best || bestC < 2) break;
    const [a, b] = best;
    merges.push([a, b]);
    const id = next++;
    words = words.map(({ seq, f }) => {
      const out: number[] = [];
      for (let i = 0; i < seq.length; i++) {
        if (i + 1 < seq.length && seq[i] === a && seq[i + 1] === b) {
          out.push(id);
          i++;
        } else out.push(seq[i]);
      }
      return { seq: out, f };
    });
  }
  return merges;
}
