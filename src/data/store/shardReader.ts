// Streams fixed-size batches from a stored split: seeded shuffled shard order per
// epoch, a shuffle buffer across shards, and the next shard prefetched while the
// current batch trains. Deterministic from the seed; never holds more than the
// shuffle buffer plus one prefetched shard in memory.
import { Rng, deriveSeed } from '../../util/prng';
import { IMAGE_MEAN, IMAGE_STD, type Batch } from '../batch';
import type { ClipLabDatabase } from '../db';
import { readShard } from './shardStore';
import type { DatasetManifest, ShardRecord, Split } from './types';

export interface CaptionEncoder {
  encodeBatch(texts: string[], contextLength: number): { tokens: Int32Array; eot: Int32Array };
}

export interface ReaderOptions {
  split: Split;
  batchSize: number;
  seed: number;
  /** Pairs held for shuffling across shards (at least one batch). */
  shuffleBuffer: number;
  contextLength: number;
  tokenizer: CaptionEncoder;
}

export interface LabelledBatch extends Batch {
  captions: string[];
  labels: Int32Array;
}

interface BufferedPair {
  shard: ShardRecord;
  i: number;
}

/** Copy pair `i` of a shard into `out` at `offset`, normalised to (x/255 − mean)/std. */
export function normaliseImageInto(shard: ShardRecord, i: number, pixels: number, out: Float32Array, offset: number): void {
  const src = shard.images.subarray(i * pixels * 3, (i + 1) * pixels * 3);
  for (let p = 0; p < pixels; p++) {
    for (let c = 0; c < 3; c++) out[offset + p * 3 + c] = (src[p * 3 + c] / 255 - IMAGE_MEAN[c]) / IMAGE_STD[c];
  }
}

export class ShardReader {
  epoch = 0;
  /** Batches delivered so far. */
  batches = 0;
  private readonly rng: Rng;
  private order: number[] = [];
  private pos = 0;
  private buffer: BufferedPair[] = [];
  private pending: Promise<ShardRecord> | null = null;

  constructor(
    private readonly db: ClipLabDatabase,
    private readonly manifest: DatasetManifest,
    private readonly opts: ReaderOptions,
  ) {
    if (manifest.splits[opts.split].shards === 0) throw new Error(`Dataset ${manifest.name} has no ${opts.split} data`);
    this.rng = new Rng(deriveSeed(opts.seed, `reader:${opts.split}`));
    this.startEpoch();
  }

  private startEpoch(): void {
    const n = this.manifest.splits[this.opts.split].shards;
    this.order = new Rng(deriveSeed(this.opts.seed, `epoch:${this.epoch}`)).shuffle(Array.from({ length: n }, (_, i) => i));
    this.pos = 0;
  }

  private fetchNextShard(): Promise<ShardRecord> {
    if (this.pos >= this.order.length) {
      this.epoch++;
      this.startEpoch();
    }
    return readShard(this.db, this.manifest.id, this.opts.split, this.order[this.pos++]);
  }

  async nextBatch(): Promise<LabelledBatch> {
    const { batchSize, shuffleBuffer, contextLength } = this.opts;
    const target = Math.max(batchSize, shuffleBuffer);
    while (this.buffer.length < target) {
      const shard = await (this.pending ?? this.fetchNextShard());
      this.pending = this.fetchNextShard(); // prefetch while the caller trains
      for (let i = 0; i < shard.count; i++) this.buffer.push({ shard, i });
    }
    if (!this.pending) this.pending = this.fetchNextShard();
    const s = this.manifest.imageSize;
    const pixels = s * s;
    const images = new Float32Array(batchSize * pixels * 3);
    const captions: string[] = [];
    const labels = new Int32Array(batchSize);
    for (let b = 0; b < batchSize; b++) {
      const j = this.rng.int(this.buffer.length);
      const { shard, i } = this.buffer[j];
      this.buffer[j] = this.buffer[this.buffer.length - 1];
      this.buffer.pop();
      normaliseImageInto(shard, i, pixels, images, b * pixels * 3);
      captions.push(this.rng.pick(shard.captions[i]));
      labels[b] = shard.labels[i];
    }
    const { tokens, eot } = this.opts.tokenizer.encodeBatch(captions, contextLength);
    this.batches++;
    return { size: batchSize, imageSize: s, images, contextLength, tokens, eot, captions, labels };
  }
}

/** Every shard of a split in order (for evaluation). */
export async function* readSplit(db: ClipLabDatabase, manifest: DatasetManifest, split: Split): AsyncGenerator<ShardRecord> {
  for (let i = 0; i < manifest.splits[split].shards; i++) yield await readShard(db, manifest.id, split, i);
}
