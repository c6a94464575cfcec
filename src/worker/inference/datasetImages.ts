// Stored pairs as the inference worker reads them: one pair's image, a page of samples for the
// picker, and every pair of a dataset in split order (train, then val) with its position, for the
// retrieval index and the evaluation suite. Images stay raw RGB bytes (imageSize² · 3) as stored.
import type { ClipLabDatabase } from '../../data/db';
import type { DatasetView } from '../../data/store/datasetView';
import { readShard } from '../../data/store/shardStore';
import type { DatasetManifest, ShardRecord, Split } from '../../data/store/types';
import type { SampleImage } from '../../protocol/inference';

/** Pair `index` of a split: its image bytes, captions and label. */
export async function readPair(db: ClipLabDatabase, m: DatasetManifest, split: Split, index: number): Promise<{ rgb: Uint8Array; captions: string[]; label: number }> {
  const pairs = m.splits[split].pairs;
  if (!Number.isInteger(index) || index < 0 || index >= pairs) throw new Error(`${m.name} has no ${split} pair ${index} (it has ${pairs})`);
  const shard = await readShard(db, m.id, split, Math.floor(index / m.shardSize));
  const i = index % m.shardSize;
  return { rgb: imageOf(shard, i, m.imageSize), captions: shard.captions[i] ?? [], label: shard.labels[i] ?? -1 };
}

export function imageOf(shard: ShardRecord, i: number, imageSize: number): Uint8Array {
  const px = imageSize * imageSize * 3;
  return shard.images.slice(i * px, (i + 1) * px);
}

/** `limit` pairs of a split from `offset` (for the picker). */
export async function readSamples(db: ClipLabDatabase, m: DatasetManifest, split: Split, offset: number, limit: number): Promise<SampleImage[]> {
  const out: SampleImage[] = [];
  const end = Math.min(m.splits[split].pairs, offset + limit);
  let shard: ShardRecord | null = null;
  for (let index = Math.max(0, offset); index < end; index++) {
    const s = Math.floor(index / m.shardSize);
    if (!shard || shard.index !== s) shard = await readShard(db, m.id, split, s);
    const i = index % m.shardSize;
    out.push({ split, index, rgb: imageOf(shard, i, m.imageSize), caption: shard.captions[i]?.[0] ?? '', label: shard.labels[i] ?? -1 });
  }
  return out;
}

/** Every shard of the given splits in order (images at the view's size), with the split position of its first pair. */
export async function* shardsOf(view: DatasetView, splits: readonly Split[]): AsyncGenerator<{ split: Split; first: number; shard: ShardRecord }> {
  const m = view.manifest;
  for (const split of splits) {
    for (let s = 0; s < m.splits[split].shards; s++) yield { split, first: s * m.shardSize, shard: await view.shard(split, s) };
  }
}

/**
 * The dataset's typical background: per channel, the median of the four corner pixels of (up to)
 * the first 64 pairs of a split. The drawing canvas starts from it, so a hand-drawn shape sits on
 * what the model saw around its training shapes.
 */
export async function backgroundColour(db: ClipLabDatabase, m: DatasetManifest): Promise<[number, number, number] | null> {
  const split: Split = m.splits.val.pairs > 0 ? 'val' : 'train';
  if (m.splits[split].pairs === 0) return null;
  const shard = await readShard(db, m.id, split, 0);
  const S = m.imageSize;
  const values: number[][] = [[], [], []];
  for (let i = 0; i < Math.min(64, shard.count); i++) {
    for (const [x, y] of [[0, 0], [S - 1, 0], [0, S - 1], [S - 1, S - 1]] as const) {
      const p = (i * S * S + y * S + x) * 3;
      for (let c = 0; c < 3; c++) values[c]!.push(shard.images[p + c]!);
    }
  }
  const median = (v: number[]) => v.sort((a, b) => a - b)[v.length >> 1]!;
  return [median(values[0]!), median(values[1]!), median(values[2]!)];
}
