// Learning a BPE tokenizer (bpe.ts) from captions: the byte alphabet, then the merges.
//
// Training counts pairs over unique words weighted by frequency and updates the counts
// incrementally after each merge (a lazy max-heap picks the next pair). Ties on frequency are
// broken by the smaller pair (a, b) in lexicographic id order, so the merges depend only on the
// multiset of captions, not on their order.
import { BpeTokenizer } from './bpe';
import { FIRST_BYTE_ID, KEY_BASE, NIBBLE_ID, byteTable, checkVocabSize, mergeSeq, mergeable, pairKey } from './bpeIds';
import { PairHeap } from './pairHeap';
import { normaliseCaption, preSplit } from './preTokenize';

const encoder = new TextEncoder();

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
