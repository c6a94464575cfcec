// What a stored dataset looks like: a manifest plus shards of a few hundred pairs.
//
// Images are kept twice. The shards hold raw RGB bytes at the dataset's square training
// resolution (S·S·3 per image), centre-cropped and resized at import time, so that the
// training reader streams pixels at trainer speed with no decoding at all (decoding a JPEG
// needs createImageBitmap, ~1 ms per image even when small, far slower than a step consumes
// pairs). Imports also keep each image's encoded bytes, as given or resized to a short side
// (`originals`, runs of a shard's kept images in their own object store, never read by training at S):
// a model with another input size (a 224-px CLIP) reads views derived from them at its size
// (datasetView.ts), and export writes them back unchanged.
import type { DatasetSpec } from '../../config/types';
import type { ImageFormat } from '../formats/imageHeader';

export type Split = 'train' | 'val';
export const SPLITS: readonly Split[] = ['train', 'val'];

/**
 * Version 2: `source` covers imported data, manifests carry `bytes`, shards carry the
 * original `keys`, and each shard's captions are mirrored in the `shardText` store so
 * that browsing / searching captions never loads image bytes. Bumping this also changes
 * the ids of generated Shapes datasets (they are regenerated; see db.ts).
 */
export const SCHEMA_VERSION = 2;

/** Pairs per shard for every writer (Shapes, imports, built-ins). */
export const SHARD_SIZE = 256;

export type DatasetSource = 'shapes' | 'webdataset' | 'coco' | 'caption-file' | 'fashion-mnist';

/**
 * What an import keeps of each image besides the S×S training pixels: the file's own bytes, or
 * the image resized so that its short side is at most `shortSide` px (the file's bytes again when
 * it is that small already).
 */
export type KeepImages = { kind: 'original' } | { kind: 'resized'; shortSide: number };

/** The import form's default: enough pixels for a 224-px CLIP, a fraction of a photo's bytes. */
export const DEFAULT_KEEP_IMAGES = { kind: 'resized', shortSide: 256 } as const satisfies KeepImages;

/** One kept image: encoded bytes as the browser decodes them, with their format and size. */
export interface KeptImage {
  bytes: Uint8Array;
  format: ImageFormat;
  width: number;
  height: number;
}

/**
 * A run of one shard's kept images, pairs `first` … `first + images.length − 1` of the shard (key
 * `<shard key>#<first>`). An import writes them as they fill up to KEPT_CHUNK_BYTES, ahead of their
 * shard, so that it never holds a whole shard of original photos in memory.
 */
export interface OriginalsRecord {
  key: string;
  datasetId: string;
  split: Split;
  index: number;
  first: number;
  images: KeptImage[];
}

/** Kept-image bytes per OriginalsRecord, at most (plus one image). */
export const KEPT_CHUNK_BYTES = 32 << 20;

export function originalsKey(datasetId: string, split: Split, index: number, first: number): string {
  return `${shardKey(datasetId, split, index)}#${String(first).padStart(6, '0')}`;
}

/** What a dataset writer stores: shards, and runs of their kept images. */
export type DatasetRecord = ShardRecord | OriginalsRecord;

export const isOriginals = (r: DatasetRecord): r is OriginalsRecord => 'first' in r;

export function keptBytes(images: readonly KeptImage[]): number {
  let n = 0;
  for (const k of images) n += k.bytes.byteLength;
  return n;
}

export interface SplitInfo {
  pairs: number;
  shards: number;
}

export interface DatasetManifest {
  id: string;
  name: string;
  source: DatasetSource;
  schemaVersion: number;
  createdAt: string;
  /** The spec that produced the data: a Shapes spec, or {kind:'stored', id} for imported / built-in data. */
  spec: DatasetSpec;
  /** Square image side of every stored image (raw RGB bytes). */
  imageSize: number;
  /**
   * What was kept of each image besides the S×S pixels; absent when nothing was (the built-in and
   * generated datasets, whose S×S pixels are all there is, and stores written before version 4 of
   * the database: see db.ts).
   */
  originals?: KeepImages;
  /** Pairs per shard: every shard of a split holds this many except the split's last. */
  shardSize: number;
  splits: Record<Split, SplitInfo>;
  /** Approximate stored size in bytes (images, captions, keys, labels). */
  bytes: number;
  /** Serialised BPE tokenizer trained on the training captions (BpeTokenizer.toJSON()). */
  tokenizer: unknown;
  /** Zero-shot classes (labels index into this) and prompt templates; empty for imported data. */
  classes: { name: string; heldOut: boolean }[];
  promptTemplates: string[];
  /** Things the user should know about the data (e.g. "only 1 validation pair"). */
  notes?: string[];
  /** False while shards are being written: an incomplete dataset is never read and is cleaned up. */
  complete: boolean;
}

/** A shard: `count` pairs, images packed back to back as raw RGB bytes (S·S·3 each). */
export interface ShardRecord {
  key: string;
  datasetId: string;
  split: Split;
  index: number;
  count: number;
  images: Uint8Array;
  /** One or more captions per pair. */
  captions: string[][];
  /** Class index per pair, −1 when unlabelled. */
  labels: Int32Array;
  /** The pair's original key (WebDataset key, COCO image id, file name, …). */
  keys: string[];
}

/** The text half of a shard (same key), for caption search without reading images. */
export interface ShardTextRecord {
  key: string;
  datasetId: string;
  split: Split;
  index: number;
  count: number;
  captions: string[][];
  keys: string[];
}

export function shardKey(datasetId: string, split: Split, index: number): string {
  return `${datasetId}/${split}/${String(index).padStart(6, '0')}`;
}

export function textOf(shard: ShardRecord): ShardTextRecord {
  const { key, datasetId, split, index, count, captions, keys } = shard;
  return { key, datasetId, split, index, count, captions, keys };
}

/** UTF-8 length of a string without allocating. */
export function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      n += 4; // surrogate pair
      i++;
    } else n += 3;
  }
  return n;
}

/**
 * Approximate stored size of a shard: image bytes, labels, and the UTF-8 size of keys and
 * captions counted twice (the shard and its `shardText` mirror). IndexedDB's own overhead
 * (structured-clone framing, LevelDB compaction) is not counted: `navigator.storage.estimate()`
 * is the ground truth for the whole origin.
 */
export function shardBytes(shard: Pick<ShardRecord, 'images' | 'labels' | 'captions' | 'keys'>): number {
  let text = 0;
  for (const k of shard.keys) text += utf8Length(k);
  for (const cs of shard.captions) for (const c of cs) text += utf8Length(c);
  return shard.images.byteLength + shard.labels.byteLength + 2 * text;
}

/** Shards of a split with `pairs` pairs. */
export function shardsFor(pairs: number, shardSize: number): number {
  return Math.ceil(pairs / shardSize);
}

/** Pairs in shard `index` of a split (all full except the last). */
export function shardCount(info: SplitInfo, shardSize: number, index: number): number {
  if (index < 0 || index >= info.shards) throw new RangeError(`shard ${index} out of range 0..${info.shards - 1}`);
  return index < info.shards - 1 ? shardSize : info.pairs - (info.shards - 1) * shardSize;
}

/** Pair counts of every shard of a split, in index order. */
export function shardCounts(info: SplitInfo, shardSize: number): number[] {
  return Array.from({ length: info.shards }, (_, i) => shardCount(info, shardSize, i));
}
