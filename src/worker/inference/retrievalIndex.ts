// Retrieval search over a stored dataset with one model: every image and caption of the dataset
// (train, then val; at most MAX_INDEX_IMAGES images) embedded once, kept until the model changes.
// Text → image: the images i with the highest u_i · v(query); image → text: the captions j with
// the highest u_i · v_j (unit vectors, so scores are cosines).
import type { ClipLabDatabase } from '../../data/db';
import type { DatasetManifest, Split } from '../../data/store/types';
import type { InferenceModel } from '../../model/inferenceModel';
import type { CaptionsReport, SearchHit } from '../../protocol/inference';
import { datasetView } from '../../data/store/datasetView';
import { readPair, shardsOf } from './datasetImages';
import type { JobToken } from './jobs';

export const MAX_INDEX_IMAGES = 20_000;
export const MAX_K = 100;

export interface RetrievalIndex {
  modelKey: string;
  manifest: DatasetManifest;
  /** N × D unit image embeddings. */
  u: Float32Array;
  /** Where image i is stored. */
  split: Split[];
  index: Int32Array;
  captions: string[];
  /** The image of each caption. */
  captionImage: Int32Array;
  /** Captions × D unit text embeddings. */
  v: Float32Array;
  imagesPerSec: number;
  ms: number;
}

/** The k largest entries of `scores`, best first (ties: lower position first; NaN ranks last). */
export function topK(scores: Float32Array | Float64Array, k: number): number[] {
  const n = scores.length;
  const kk = Math.min(k, n);
  const scoreAt = (i: number) => (Number.isNaN(scores[i]!) ? -Infinity : scores[i]!);
  const heap: number[] = []; // kept sorted best first: k is small
  for (let i = 0; i < n && kk > 0; i++) {
    const s = scoreAt(i);
    if (heap.length === kk && s <= scoreAt(heap[kk - 1]!)) continue;
    let at = heap.length;
    while (at > 0 && scoreAt(heap[at - 1]!) < s) at--;
    heap.splice(at, 0, i);
    if (heap.length > kk) heap.pop();
  }
  return heap;
}

/**
 * The k best-scoring entries whose keys all differ, best first (ties: lower position first, as
 * topK): a templated dataset repeats each caption text across many images, and ten copies of one
 * sentence tell the user nothing. One full sort: it runs per click, on ≤ 60k captions.
 */
export function topKDistinct(scores: Float32Array | Float64Array, k: number, keyOf: (i: number) => string): number[] {
  const scoreAt = (i: number) => (Number.isNaN(scores[i]!) ? -Infinity : scores[i]!);
  const order = Array.from({ length: scores.length }, (_, i) => i).sort((a, b) => scoreAt(b) - scoreAt(a) || a - b);
  const seen = new Set<string>();
  const out: number[] = [];
  for (const i of order) {
    if (out.length >= k) break;
    const key = keyOf(i);
    if (!seen.has(key)) (seen.add(key), out.push(i));
  }
  return out;
}

/** rows (n × d) · q (d) → n scores. */
export function scoreRows(rows: Float32Array, q: Float32Array, d: number): Float32Array {
  const n = rows.length / d;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let k = 0; k < d; k++) s += rows[i * d + k]! * q[k]!;
    out[i] = s;
  }
  return out;
}

export async function buildRetrievalIndex(
  db: ClipLabDatabase,
  manifest: DatasetManifest,
  model: InferenceModel,
  modelKey: string,
  token: JobToken,
  onProgress: (done: number, total: number, message: string) => void,
): Promise<RetrievalIndex> {
  const t0 = performance.now();
  const D = model.embedDim;
  const total = Math.min(MAX_INDEX_IMAGES, manifest.splits.train.pairs + manifest.splits.val.pairs);
  const u = new Float32Array(total * D);
  const split: Split[] = [];
  const index = new Int32Array(total);
  const captions: string[] = [];
  const captionImage: number[] = [];
  const vParts: Float32Array[] = [];
  let n = 0;
  let imageMs = 0;
  onProgress(0, total, `Embedding ${manifest.name}…`);
  // Embedded at the model's size (from the kept images where there are); hits show the stored images.
  const view = await datasetView(db, manifest, model.imageSize);
  const S = view.manifest.imageSize;
  for await (const { split: sp, first, shard } of shardsOf(view, ['train', 'val'])) {
    token.check();
    const m = Math.min(shard.count, total - n);
    if (m <= 0) break;
    const ti = performance.now();
    const emb = await model.encodeImages(shard.images.subarray(0, m * S * S * 3), m, S, () => token.check());
    imageMs += performance.now() - ti;
    u.set(emb, n * D);
    const texts: string[] = [];
    for (let i = 0; i < m; i++) {
      split.push(sp);
      index[n + i] = first + i;
      for (const c of shard.captions[i] ?? []) {
        texts.push(c);
        captionImage.push(n + i);
      }
    }
    captions.push(...texts);
    vParts.push(await model.encodeTexts(texts));
    n += m;
    onProgress(n, total, `Embedded ${n} of ${total} images`);
  }
  const v = new Float32Array(captions.length * D);
  let off = 0;
  for (const p of vParts) {
    v.set(p, off);
    off += p.length;
  }
  return { modelKey, manifest, u, split, index, captions, captionImage: Int32Array.from(captionImage), v, imagesPerSec: n / (imageMs / 1000), ms: performance.now() - t0 };
}

/** Text → image: the top-k images for a query, with their thumbnails and first captions. */
export async function searchIndex(db: ClipLabDatabase, ix: RetrievalIndex, model: InferenceModel, query: string, k: number): Promise<{ hits: SearchHit[]; truncated: boolean }> {
  const q = query.trim();
  if (!q) throw new Error('Type what to search for');
  const truncated = model.tokenizer.encode(q).length > model.contextLength - 2;
  const v = await model.encodeTexts([q]);
  const scores = scoreRows(ix.u, v, model.embedDim);
  const hits: SearchHit[] = [];
  for (const position of topK(scores, Math.max(1, Math.min(MAX_K, k)))) {
    const p = await readPair(db, ix.manifest, ix.split[position]!, ix.index[position]!);
    hits.push({ position, split: ix.split[position]!, index: ix.index[position]!, score: scores[position]!, rgb: p.rgb, caption: p.captions[0] ?? '' });
  }
  return { hits, truncated };
}

/** Image → text: the top-k distinct caption texts of the index for image `position`; `own` when the text is one of its captions. */
export function captionsFor(ix: RetrievalIndex, d: number, position: number, k: number): CaptionsReport['captions'] {
  if (!(position >= 0 && position < ix.split.length)) throw new Error(`No image ${position} in the index`);
  const scores = scoreRows(ix.v, ix.u.subarray(position * d, (position + 1) * d), d);
  const own = new Set<string>();
  ix.captionImage.forEach((image, j) => image === position && own.add(ix.captions[j]!));
  return topKDistinct(scores, Math.max(1, Math.min(MAX_K, k)), (j) => ix.captions[j]!).map((j) => ({ text: ix.captions[j]!, score: scores[j]!, own: own.has(ix.captions[j]!) }));
}

