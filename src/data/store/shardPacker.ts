// Packs decoded pairs into shards, one in-progress shard per split: `add` returns a
// shard when its split's shard reaches `shardSize` pairs, `flush` returns the partial
// last shards. Shard indices count up from 0 per split, so every shard of a split is
// full except its last (what the reader and browse rely on). Pure: no storage.
import { SHARD_SIZE, shardBytes, shardKey, type KeptImage, type ShardRecord, type Split, type SplitInfo } from './types';

interface Pending {
  images: Uint8Array;
  captions: string[][];
  labels: number[];
  keys: string[];
  kept: KeptImage[];
  count: number;
}

export class ShardPacker {
  private readonly pending: Record<Split, Pending>;
  private readonly stats: Record<Split, SplitInfo> = { train: { pairs: 0, shards: 0 }, val: { pairs: 0, shards: 0 } };
  /** Approximate bytes of the shards emitted so far (shardBytes). */
  bytes = 0;
  private readonly pixelBytes: number;

  constructor(
    readonly datasetId: string,
    readonly imageSize: number,
    readonly shardSize: number = SHARD_SIZE,
  ) {
    if (!Number.isInteger(shardSize) || shardSize < 1) throw new RangeError(`shardSize must be a positive integer, got ${shardSize}`);
    this.pixelBytes = imageSize * imageSize * 3;
    this.pending = { train: this.empty(), val: this.empty() };
  }

  private empty(): Pending {
    return { images: new Uint8Array(this.shardSize * this.pixelBytes), captions: [], labels: [], keys: [], kept: [], count: 0 };
  }

  /**
   * Add one pair (`rgb`: imageSize²·3 bytes; `kept`: its kept image, for imports that keep them:
   * every pair or none); returns the shard it completed, if any.
   */
  add(split: Split, key: string, rgb: Uint8Array, captions: string[], label = -1, kept?: KeptImage): ShardRecord | null {
    if (rgb.length !== this.pixelBytes) throw new Error(`Pair ${key}: expected ${this.pixelBytes} RGB bytes, got ${rgb.length}`);
    if (captions.length === 0) throw new Error(`Pair ${key} has no caption`);
    const p = this.pending[split];
    if (p.count > 0 && (kept !== undefined) !== p.kept.length > 0) throw new Error(`Pair ${key}: a shard keeps the images of every pair or of none`);
    if (kept) p.kept.push(kept);
    p.images.set(rgb, p.count * this.pixelBytes);
    p.captions.push(captions);
    p.labels.push(label);
    p.keys.push(key);
    p.count++;
    this.stats[split].pairs++;
    return p.count === this.shardSize ? this.emit(split) : null;
  }

  private emit(split: Split): ShardRecord {
    const p = this.pending[split];
    const index = this.stats[split].shards++;
    const images = p.count === this.shardSize ? p.images : p.images.slice(0, p.count * this.pixelBytes);
    const shard: ShardRecord = {
      key: shardKey(this.datasetId, split, index),
      datasetId: this.datasetId,
      split,
      index,
      count: p.count,
      images,
      captions: p.captions,
      labels: Int32Array.from(p.labels),
      keys: p.keys,
      ...(p.kept.length ? { originals: p.kept } : {}),
    };
    this.bytes += shardBytes(shard);
    this.pending[split] = this.empty();
    return shard;
  }

  /** The partial shards still in progress (train first), then nothing is pending. */
  flush(): ShardRecord[] {
    const out: ShardRecord[] = [];
    for (const split of ['train', 'val'] as Split[]) if (this.pending[split].count > 0) out.push(this.emit(split));
    return out;
  }

  /** Pairs added and shards emitted so far, per split. */
  splits(): Record<Split, SplitInfo> {
    return { train: { ...this.stats.train }, val: { ...this.stats.val } };
  }

  get pairs(): number {
    return this.stats.train.pairs + this.stats.val.pairs;
  }
}
