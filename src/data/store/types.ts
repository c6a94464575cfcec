// What a stored dataset looks like: a manifest plus shards of a few hundred pairs.
import type { DatasetSpec } from '../../protocol/messages';

export type Split = 'train' | 'val';
export const SCHEMA_VERSION = 1;

export interface SplitInfo {
  pairs: number;
  shards: number;
}

export interface DatasetManifest {
  id: string;
  name: string;
  source: 'shapes';
  schemaVersion: number;
  createdAt: string;
  spec: DatasetSpec;
  /** Square image side of every stored image (raw RGB bytes). */
  imageSize: number;
  shardSize: number;
  splits: Record<Split, SplitInfo>;
  /** Serialised BPE tokenizer trained on the training captions (BpeTokenizer.toJSON()). */
  tokenizer: unknown;
  /** Zero-shot classes (validation labels index into this) and prompt templates. */
  classes: { name: string; heldOut: boolean }[];
  promptTemplates: string[];
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
  /** Class index per pair (validation of labelled datasets), −1 when unlabelled. */
  labels: Int32Array;
}

export function shardKey(datasetId: string, split: Split, index: number): string {
  return `${datasetId}/${split}/${String(index).padStart(6, '0')}`;
}
