// Streams fixed-size batches from one stored split (a reader never reads the other
// split): seeded shuffled shard order per epoch, a shuffle buffer across shards, and
// the next shard prefetched while the current batch trains. The index work (order,
// buffer, random draws) lives in ReaderSchedule (pure, replayable); this class loads
// the shards it names and turns picks into normalised pixels and tokens. Memory: the
// shards still referenced by the shuffle buffer plus one prefetched shard.
//
// Optional augmentation (training only): `augment.randomResizedCrop: [lo, hi]` crops a
// random square of area fraction in [lo, hi] and resizes it back to S×S (bilinear);
// no flips. Images stored at another size than the model's input are resized to it (opts.input,
// src/data/image/modelInput.ts: a CLIP fine-tuned on a dataset stored at 32 px). Resuming: `state()` returns {epoch, pos, batches}; passing it back as
// `opts.state` rebuilds the reader exactly at that point (see readerSchedule.ts).
import type { Batch } from '../batch';
import { randomCropRect, type ScaleRange } from '../image/augment';
import { appImageInput, writeModelInput, type ModelImageInput } from '../image/modelInput';
import { ReaderSchedule, type ReaderState } from './readerSchedule';
import type { ShardLoader } from './datasetView';
import { shardCounts, type DatasetManifest, type ShardRecord, type Split } from './types';

export type { ReaderState } from './readerSchedule';
export type { ShardLoader } from './datasetView';

export interface CaptionEncoder {
  encodeBatch(texts: string[], contextLength: number): { tokens: Int32Array; eot: Int32Array };
}

export interface AugmentOptions {
  /** Area fraction range of the random square crop, e.g. [0.9, 1]. */
  randomResizedCrop?: ScaleRange;
}

export interface ReaderOptions {
  split: Split;
  batchSize: number;
  seed: number;
  /** Pairs held for shuffling across shards (at least one batch). */
  shuffleBuffer: number;
  contextLength: number;
  tokenizer: CaptionEncoder;
  /** Training batches only; omit for evaluation. */
  augment?: AugmentOptions;
  /** The model's input (size, mean/std): default the stored size and the app's normalisation. */
  input?: ModelImageInput;
  /** Resume at a state returned by state() of a reader with the same dataset and options. */
  state?: ReaderState;
}

export interface LabelledBatch extends Batch {
  captions: string[];
  labels: Int32Array;
}

export class ShardReader {
  private readonly schedule: ReaderSchedule;
  private readonly input: ModelImageInput;
  private readonly cache = new Map<number, ShardRecord>();
  private pending: { shard: number; promise: Promise<ShardRecord> } | null = null;

  constructor(
    private readonly loadShard: ShardLoader,
    private readonly manifest: Pick<DatasetManifest, 'name' | 'imageSize' | 'shardSize' | 'splits'>,
    private readonly opts: ReaderOptions,
  ) {
    const info = manifest.splits[opts.split];
    if (info.shards === 0 || info.pairs === 0) throw new Error(`Dataset ${manifest.name} has no ${opts.split} data`);
    const params = {
      shardCounts: shardCounts(info, manifest.shardSize),
      batchSize: opts.batchSize,
      shuffleBuffer: opts.shuffleBuffer,
      seed: opts.seed,
      label: opts.split,
    };
    this.schedule = opts.state ? ReaderSchedule.at(params, opts.state) : new ReaderSchedule(params);
    this.input = opts.input ?? appImageInput(manifest.imageSize);
    const crop = opts.augment?.randomResizedCrop;
    if (crop) randomCropRect(manifest.imageSize, crop, 0, 0, 0); // validates the range up front
  }

  get epoch(): number {
    return this.schedule.epoch;
  }

  /** Batches delivered so far. */
  get batches(): number {
    return this.schedule.batches;
  }

  /** Where the reader is: pass back as ReaderOptions.state to resume exactly here. */
  state(): ReaderState {
    return this.schedule.state();
  }

  private read(s: number): Promise<ShardRecord> {
    return this.loadShard(this.opts.split, s);
  }

  private async load(s: number): Promise<void> {
    if (this.cache.has(s)) return;
    let shard: ShardRecord;
    if (this.pending?.shard === s) {
      shard = await this.pending.promise;
      this.pending = null;
    } else shard = await this.read(s);
    this.cache.set(s, shard);
  }

  private prefetch(): void {
    const s = this.schedule.peekShard();
    if (this.cache.has(s) || this.pending?.shard === s) return;
    const promise = this.read(s);
    promise.catch(() => undefined); // surfaced when awaited in load()
    this.pending = { shard: s, promise };
  }

  async nextBatch(): Promise<LabelledBatch> {
    const { batchSize, contextLength } = this.opts;
    // Shards a resumed reader's buffer still references, then this batch's loads.
    for (const s of this.schedule.bufferedShards()) await this.load(s);
    const { loads, picks } = this.schedule.next();
    for (const s of loads) await this.load(s);
    this.prefetch(); // overlaps the caller's training step

    const S = this.manifest.imageSize;
    const pixels = S * S;
    const input = this.input;
    const outPx = input.size * input.size * 3;
    const images = new Float32Array(batchSize * outPx);
    const captions: string[] = [];
    const labels = new Int32Array(batchSize);
    const crop = this.opts.augment?.randomResizedCrop;
    for (let b = 0; b < batchSize; b++) {
      const p = picks[b];
      const shard = this.cache.get(p.shard)!;
      const rect = crop ? randomCropRect(S, crop, p.uScale, p.uX, p.uY) : undefined;
      writeModelInput(shard.images, p.i * pixels * 3, S, input, images, b * outPx, rect);
      const cs = shard.captions[p.i];
      captions.push(cs[Math.min(cs.length - 1, Math.floor(p.uCaption * cs.length))]);
      labels[b] = shard.labels[p.i];
    }
    const upcoming = this.schedule.peekShard(); // kept if cached (a one-shard split re-reads nothing)
    for (const s of [...this.cache.keys()]) if (this.schedule.refs(s) === 0 && s !== upcoming) this.cache.delete(s);
    const { tokens, eot } = this.opts.tokenizer.encodeBatch(captions, contextLength);
    return { size: batchSize, imageSize: input.size, images, contextLength, tokens, eot, captions, labels };
  }
}
