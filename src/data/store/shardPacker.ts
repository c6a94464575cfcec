// Packs decoded pairs into shards, one in-progress shard per split: `add` returns a
// shard when its split's shard reaches `shardSize` pairs, `flush` returns the partial
// last shards. Kept images are cut into runs of about KEPT_CHUNK_BYTES each, which
// `takeOriginals` hands out as soon as they are full (always before their shard). Shard indices count up from 0 per split, so every shard of a split is
// full except its last (what the reader and browse rely on). Pure: no storage.
import { KEPT_CHUNK_BYTES, SHARD_SIZE, keptBytes, originalsKey, shardBytes, shardKey, type KeptImage, type OriginalsRecord, type ShardRecord, type Split, type SplitInfo } from './types';

interface Pending {
  images: Uint8Array;
  captions: string[][];
  labels: number[];
  keys: string[];
  /** The kept images not yet in a run, from pair `keptFirst` of the shard on. */
  kept: KeptImage[];
  keptFirst: number;
  keptBytes: number;
  /** Whether this shard keeps images (every pair or none). */
  keeps: boolean | null;
  count: number;
}

export class ShardPacker {
  private readonly pending: Record<Split, Pending>;
  private readonly stats: Record<Split, SplitInfo> = { train: { pairs: 0, shards: 0 }, val: { pairs: 0, shards: 0 } };
  /** Approximate bytes of the shards (shardBytes) and runs of kept images emitted so far. */
  bytes = 0;
  private readonly pixelBytes: number;
  private readonly ready: OriginalsRecord[] = [];

  constructor(
    readonly datasetId: string,
    readonly imageSize: number,
    readonly shardSize: number = SHARD_SIZE,
    private readonly keptChunkBytes: number = KEPT_CHUNK_BYTES,
  ) {
    if (!Number.isInteger(shardSize) || shardSize < 1) throw new RangeError(`shardSize must be a positive integer, got ${shardSize}`);
    this.pixelBytes = imageSize * imageSize * 3;
    this.pending = { train: this.empty(), val: this.empty() };
  }

  private empty(): Pending {
    return { images: new Uint8Array(this.shardSize * this.pixelBytes), captions: [], labels: [], keys: [], kept: [], keptFirst: 0, keptBytes: 0, keeps: null, count: 0 };
  }

  /**
   * Add one pair (`rgb`: imageSize²·3 bytes; `kept`: its kept image, for imports that keep them:
   * every pair or none); returns the shard it completed, if any.
   */
  add(split: Split, key: string, rgb: Uint8Array, captions: string[], label = -1, kept?: KeptImage): ShardRecord | null {
    if (rgb.length !== this.pixelBytes) throw new Error(`Pair ${key}: expected ${this.pixelBytes} RGB bytes, got ${rgb.length}`);
    if (captions.length === 0) throw new Error(`Pair ${key} has no caption`);
    const p = this.pending[split];
    if (p.keeps !== null && p.keeps !== (kept !== undefined)) throw new Error(`Pair ${key}: a shard keeps the images of every pair or of none`);
    p.keeps = kept !== undefined;
    if (kept) {
      p.kept.push(kept);
      p.keptBytes += kept.bytes.byteLength;
      if (p.keptBytes >= this.keptChunkBytes) this.cutKept(split, p.count + 1);
    }
    p.images.set(rgb, p.count * this.pixelBytes);
    p.captions.push(captions);
    p.labels.push(label);
    p.keys.push(key);
    p.count++;
    this.stats[split].pairs++;
    return p.count === this.shardSize ? this.emit(split) : null;
  }

  /** Moves the pending kept images of a split's shard into a run; `next` is the position after them. */
  private cutKept(split: Split, next: number): void {
    const p = this.pending[split];
    if (p.kept.length === 0) return;
    const index = this.stats[split].shards;
    this.ready.push({ key: originalsKey(this.datasetId, split, index, p.keptFirst), datasetId: this.datasetId, split, index, first: p.keptFirst, images: p.kept });
    this.bytes += keptBytes(p.kept);
    p.kept = [];
    p.keptFirst = next;
    p.keptBytes = 0;
  }

  /** The runs of kept images that are complete, to be written before the shards returned after them. */
  takeOriginals(): OriginalsRecord[] {
    return this.ready.splice(0);
  }

  private emit(split: Split): ShardRecord {
    this.cutKept(split, 0);
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
