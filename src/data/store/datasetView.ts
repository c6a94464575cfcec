// A stored dataset as one model sees it: its shards with every image at that model's square
// input size. A model of the dataset's own size reads the stored S×S shards. A model of another
// size (a 224-px CLIP on a dataset stored at 32 px) reads shards derived from the kept images
// (centre crop, resize: the same decode as the import), so it sees real pixels instead of a 32-px
// image blown up; where no images were kept (built-in data, stores from before version 4) the
// stored shards are read and the model-input writer resizes them.
//
// Derived shards are cached in the `shardViews` store (key `<shard key>@<size>`, deleted with the
// dataset) when that pays: every reader of a view reads it whole and again (training epochs, the
// next evaluation, index or gap probe), and decoding costs ~1–3 ms an image, so a view is cached
// when all of it fits in a quarter of the storage left; otherwise each read decodes again.
import type { ClipLabDatabase } from '../db';
import { decodeToRgb } from '../image/decodeResize';
import { isQuotaError, readOriginals, readShard } from './shardStore';
import { storageInfo } from './storageInfo';
import { shardKey, type DatasetManifest, type ShardRecord, type Split } from './types';

/** Loads shard `index` of a split (images at the view's size). */
export type ShardLoader = (split: Split, index: number) => Promise<ShardRecord>;

export interface DatasetView {
  /** The dataset's manifest, except `imageSize`: the side of the images this view's shards hold. */
  manifest: DatasetManifest;
  shard: ShardLoader;
  /** 'stored': the S×S shards; 'kept': derived from the kept images at the asked size. */
  pixels: 'stored' | 'kept';
  /** Whether derived shards are kept in the shardViews store. */
  cached: boolean;
}

export interface ViewDeps {
  /** Encoded image → size·size·3 RGB (centre crop, resize): decodeToRgb in a worker. */
  decode: (bytes: Uint8Array, size: number, file: string) => Promise<Uint8Array>;
  /** Usage and quota of the origin, or null where unknown (then nothing is cached). */
  estimate: () => Promise<{ usage: number; quota: number } | null>;
}

/** A worker's: the import's decoder, the origin's storage estimate. */
export const WORKER_VIEW_DEPS: ViewDeps = {
  decode: decodeToRgb,
  estimate: async () => {
    const { usage, quota } = await storageInfo();
    return quota > 0 ? { usage, quota } : null;
  },
};

/** The stored S×S shards of a dataset. */
export function storedView(db: ClipLabDatabase, m: DatasetManifest): DatasetView {
  return { manifest: m, shard: (split, index) => readShard(db, m.id, split, index), pixels: 'stored', cached: false };
}

export const viewKey = (datasetId: string, split: Split, index: number, size: number): string => `${shardKey(datasetId, split, index)}@${size}`;

/** Bytes of a view's images at `size` (both splits). */
export function viewBytes(m: Pick<DatasetManifest, 'splits'>, size: number): number {
  return (m.splits.train.pairs + m.splits.val.pairs) * size * size * 3;
}

/** Cache a view of `bytes` when it fits in a quarter of what is left of the quota. */
export function viewCachePays(bytes: number, estimate: { usage: number; quota: number } | null): boolean {
  return !!estimate && estimate.quota > 0 && bytes <= (estimate.quota - estimate.usage) / 4;
}

/** The dataset with its images at `size` (see the file comment). */
export async function datasetView(db: ClipLabDatabase, m: DatasetManifest, size: number, deps: ViewDeps = WORKER_VIEW_DEPS): Promise<DatasetView> {
  if (size === m.imageSize || !m.originals) return storedView(db, m);
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`datasetView: size must be a positive integer, got ${size}`);
  let cached = viewCachePays(viewBytes(m, size), await deps.estimate().catch(() => null));
  const px = size * size * 3;
  const derive = async (split: Split, index: number): Promise<ShardRecord> => {
    const key = viewKey(m.id, split, index, size);
    if (cached) {
      const hit = await db.get('shardViews', key);
      if (hit) return hit;
    }
    const [base, kept] = await Promise.all([readShard(db, m.id, split, index), readOriginals(db, m, split, index)]);
    if (!kept || kept.length !== base.count) throw new Error(`Dataset ${m.name}: ${split} shard ${index} has ${kept?.length ?? 0} kept images for ${base.count} pairs`);
    const images = new Uint8Array(base.count * px);
    for (let i = 0; i < base.count; i++) images.set(await deps.decode(kept[i]!.bytes, size, `${m.name}: ${base.keys[i]}`), i * px);
    const view: ShardRecord = { ...base, key, images };
    if (cached) {
      try {
        await db.put('shardViews', view);
      } catch (e) {
        if (!isQuotaError(e)) throw e;
        cached = false; // storage filled up meanwhile: decode on every read from now on
      }
    }
    return view;
  };
  return { manifest: { ...m, imageSize: size }, shard: derive, pixels: 'kept', cached };
}

/**
 * Pair `index` of a split at `size`, decoded from its kept image alone (one Try-view pick need
 * not derive a whole shard); null when the dataset keeps none or is stored at that size.
 */
export async function keptImageAt(db: ClipLabDatabase, m: DatasetManifest, split: Split, index: number, size: number, decode: ViewDeps['decode'] = decodeToRgb): Promise<Uint8Array | null> {
  if (size === m.imageSize || !m.originals) return null;
  const kept = await readOriginals(db, m, split, Math.floor(index / m.shardSize));
  const image = kept?.[index % m.shardSize];
  if (!image) throw new Error(`${m.name} has no kept image for ${split} pair ${index}`);
  return decode(image.bytes, size, `${m.name}: ${split} pair ${index}`);
}

/** Every shard of a split in order (evaluation, probes, export). */
export async function* readSplit(view: Pick<DatasetView, 'manifest' | 'shard'>, split: Split): AsyncGenerator<ShardRecord> {
  for (let i = 0; i < view.manifest.splits[split].shards; i++) yield await view.shard(split, i);
}
