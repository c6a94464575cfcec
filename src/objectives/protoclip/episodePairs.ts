// An episode's pairs in memory (ProtoCLIP, episodes.ts): what the runner asks its pair source
// for, the shard-by-shard read that the trainer's source uses, and raw RGB bytes → the model's
// normalised floats, x' = (x/255 − mean_c)/std_c per channel c.
import { IMAGE_MEAN, IMAGE_STD } from '../../data/batch';
import { Rng } from '../../util/prng';

export interface EpisodeData {
  /** n·S·S·3 raw RGB bytes, NHWC. */
  images: Uint8Array;
  /** One caption per pair. */
  captions: string[];
  labels: Int32Array;
}

export interface EpisodePairSource {
  /** Pairs in the training split (global indices 0 … numPairs−1). */
  readonly numPairs: number;
  readonly imageSize: number;
  /** The pairs at these global indices (repeats allowed), in this order; `seed` picks each pair's caption. */
  read(indices: Int32Array, seed: number): Promise<EpisodeData>;
  /** Every training caption (the teacher's fit). */
  allCaptions(): Promise<string[]>;
}

/** Raw RGB bytes → (x/255 − mean)/std floats. */
export function normaliseBytesInto(src: Uint8Array, srcOffset: number, n: number, out: Float32Array, offset: number): void {
  for (let j = 0; j < n; j++) {
    const c = j % 3;
    out[offset + j] = (src[srcOffset + j] / 255 - IMAGE_MEAN[c]) / IMAGE_STD[c];
  }
}

/** Reads episode pairs from shard records shard by shard (each needed shard loaded once). */
export async function readEpisodeFromShards(
  indices: Int32Array,
  seed: number,
  shardSizes: readonly number[],
  imageSize: number,
  loadShard: (s: number) => Promise<{ images: Uint8Array; captions: string[][]; labels: Int32Array | ArrayLike<number> }>,
): Promise<EpisodeData> {
  const starts: number[] = [];
  let acc = 0;
  for (const n of shardSizes) {
    starts.push(acc);
    acc += n;
  }
  const px = imageSize * imageSize * 3;
  const E = indices.length;
  const images = new Uint8Array(E * px);
  const captions: string[] = new Array(E);
  const labels = new Int32Array(E);
  const rng = new Rng(seed);
  const draws = Float64Array.from({ length: E }, () => rng.uniform());
  // Group the episode positions by shard.
  const byShard = new Map<number, number[]>();
  for (let p = 0; p < E; p++) {
    const g = indices[p];
    if (!(g >= 0 && g < acc)) throw new Error(`episode index ${g} outside the split (${acc} pairs)`);
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= g) lo = mid;
      else hi = mid - 1;
    }
    let list = byShard.get(lo);
    if (!list) byShard.set(lo, (list = []));
    list.push(p);
  }
  for (const s of [...byShard.keys()].sort((a, b) => a - b)) {
    const shard = await loadShard(s);
    for (const p of byShard.get(s)!) {
      const i = indices[p] - starts[s];
      images.set(shard.images.subarray(i * px, (i + 1) * px), p * px);
      const cs = shard.captions[i];
      captions[p] = cs[Math.min(cs.length - 1, Math.floor(draws[p] * cs.length))];
      labels[p] = shard.labels[i];
    }
  }
  return { images, captions, labels };
}
