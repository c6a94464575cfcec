// Browsing a stored dataset page by page, optionally filtered by a caption search
// (case-insensitive substring over every caption of a pair). Without a query the page is
// located arithmetically (every shard is full except a split's last) and only the image
// shards holding it are read. With a query the caption mirror (`shardText`, kilobytes per
// shard) is scanned in order, train then val, to count all matches; then only the image
// shards holding the requested page are read. Never loads the whole dataset.
import type { SampleItem } from '../../protocol/data';
import type { DatasetManifest, ShardRecord, ShardTextRecord, Split } from './types';

/** Largest page served at once. */
export const MAX_BROWSE_LIMIT = 256;

export interface BrowseIO {
  readText(split: Split, index: number): Promise<ShardTextRecord>;
  readShard(split: Split, index: number): Promise<ShardRecord>;
}

interface Loc {
  split: Split;
  shard: number;
  i: number;
}

export function captionMatches(captions: readonly string[], needle: string): boolean {
  if (needle === '') return true;
  for (const c of captions) if (c.toLowerCase().includes(needle)) return true;
  return false;
}

/** Where the `g`-th pair (train first, then val) is stored. */
export function locate(manifest: DatasetManifest, g: number): Loc {
  const train = manifest.splits.train.pairs;
  const split: Split = g < train ? 'train' : 'val';
  const local = g < train ? g : g - train;
  return { split, shard: Math.floor(local / manifest.shardSize), i: local % manifest.shardSize };
}

export async function browseDataset(
  manifest: DatasetManifest,
  query: string,
  offset: number,
  limit: number,
  io: BrowseIO,
): Promise<{ items: SampleItem[]; total: number }> {
  const start = Math.max(0, Math.floor(offset) || 0);
  const count = Math.min(MAX_BROWSE_LIMIT, Math.max(0, Math.floor(limit) || 0));
  const needle = query.trim().toLowerCase();
  const wanted: Loc[] = [];
  let total: number;
  if (needle === '') {
    total = manifest.splits.train.pairs + manifest.splits.val.pairs;
    for (let g = start; g < Math.min(total, start + count); g++) wanted.push(locate(manifest, g));
  } else {
    total = 0;
    for (const split of ['train', 'val'] as Split[]) {
      for (let s = 0; s < manifest.splits[split].shards; s++) {
        const text = await io.readText(split, s);
        for (let i = 0; i < text.count; i++) {
          if (!captionMatches(text.captions[i], needle)) continue;
          if (total >= start && total < start + count) wanted.push({ split, shard: s, i });
          total++;
        }
      }
    }
  }
  const S = manifest.imageSize;
  const px = S * S * 3;
  const items: SampleItem[] = [];
  let current: { split: Split; index: number; record: ShardRecord } | null = null;
  for (const w of wanted) {
    if (!current || current.split !== w.split || current.index !== w.shard) {
      current = { split: w.split, index: w.shard, record: await io.readShard(w.split, w.shard) };
    }
    const r = current.record;
    items.push({ key: r.keys[w.i], split: w.split, image: r.images.slice(w.i * px, (w.i + 1) * px), size: S, captions: r.captions[w.i] });
  }
  return { items, total };
}
